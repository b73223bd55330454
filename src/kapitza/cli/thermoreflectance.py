"""``kapitza tdtr`` and ``kapitza fdtr``: simulate, fit and see the sensitivities of thermoreflectance data.

Thin over :mod:`kapitza.analysis.thermoreflectance`: the sample (TOML) and data (text) readers, the multilayer
model, the least-squares fit with the fixed inputs' errors propagated, the posterior sampling (emcee) and the
sensitivities; figures from :mod:`kapitza.plotting.thermoreflectance`.  The two apps are the same commands with
the mode's x: delays in ps for TDTR, modulation frequencies in Hz for FDTR.
"""

import contextlib
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from ..errors import InputError, KapitzaError
from ..io.atomic import atomic_write_text
from ..io.results import dumps, to_jsonable
from .common import check_output, parse_grid, parse_interval, progress_bar

_PLOT_SUFFIXES = (".png", ".pdf", ".svg")
_DATA_SUFFIXES = (".txt", ".dat", ".csv", ".tsv")
#: name prefix -> (display factor, display unit)
_UNITS = {
    "d": (1e9, "nm"),
    "C": (1e-6, "MJ m^-3 K^-1"),
    "k": (1.0, "W m^-1 K^-1"),
    "kz": (1.0, "W m^-1 K^-1"),
    "kr": (1.0, "W m^-1 K^-1"),
    "G": (1e-6, "MW m^-2 K^-1"),
    "w": (1e6, "um"),
}
#: name prefix -> SI unit (the JSON's numbers are SI)
_SI_UNITS = {
    "d": "m",
    "C": "J m^-3 K^-1",
    "k": "W m^-1 K^-1",
    "kz": "W m^-1 K^-1",
    "kr": "W m^-1 K^-1",
    "G": "W m^-2 K^-1",
    "w": "m",
}
_DEFAULT_X = {"tdtr": "100:4000:40", "fdtr": "1e4:2e7:40"}
_X_UNIT = {"tdtr": ("ps", 1e-12), "fdtr": ("Hz", 1.0)}
_DEFAULT_QUANTITY = {"tdtr": "ratio", "fdtr": "phase"}
_QUANTITIES = {"tdtr": ("ratio", "in_phase", "out_of_phase"), "fdtr": ("phase", "amplitude")}


def _unit(name: str) -> tuple[float, str]:
    return _UNITS[name.partition("_")[0]]


def _show(name: str, value: float) -> str:
    factor, unit = _unit(name)
    return f"{value * factor:.4g} {unit}"


def _emit(doc: dict[str, Any]) -> None:
    """Print a --json document through the one strict-JSON policy (non-finite numbers as strings)."""
    sys.stdout.write(dumps(doc, indent=1) + "\n")


def parse_range(spec: str | None, option: str) -> tuple[float, float] | None:
    rng = parse_interval(spec, option, "100:4000")
    if rng is not None and rng[0] < 0:
        raise InputError(f"{option} needs 0 <= LO < HI, got {spec!r}")
    return rng


def parse_names(spec: str, option: str) -> tuple[str, ...]:
    names = tuple(p.strip() for p in spec.split(",") if p.strip())
    if not names:
        raise InputError(f"{option} takes parameter names separated by commas, e.g. G,k_substrate")
    if len(set(names)) != len(names):
        raise InputError(f"{option} names a parameter twice: {spec!r}")
    return names


def parse_bounds(spec: str | None) -> dict[str, tuple[float, float]] | None:
    """'G=1e7:1e9,k_sub=1:100' (SI) -> {"G": (1e7, 1e9), ...}."""
    if spec is None:
        return None
    out: dict[str, tuple[float, float]] = {}
    for part in spec.split(","):
        name, eq, rng = part.partition("=")
        if not eq or not name.strip():
            raise InputError(f"--bounds takes NAME=LO:HI pairs separated by commas (SI units), got {spec!r}")
        lohi = parse_range(rng, "--bounds")
        assert lohi is not None
        if lohi[0] <= 0:
            raise InputError(f"--bounds: parameters are positive, LO must be > 0, got {part!r}")
        out[name.strip()] = lohi
    return out


# ------------------------------------------------------------------------------------------------ building blocks
def _sample(path: Path, allow_outside: bool) -> Any:
    from ..analysis.thermoreflectance.inputs import read_sample

    return read_sample(path, allow_outside=allow_outside)


def _x_in_si(mode: str, values: np.ndarray) -> np.ndarray:
    return values * _X_UNIT[mode][1]


def _predicted(sample: Any, temperature: float, models: tuple[str, ...]) -> list[dict[str, Any]]:
    """Predicted G of every interface whose two layers name database materials (DMM/AMM etc.)."""
    from ..prediction import conductance

    out = []
    for i, iface in enumerate(sample.interfaces):
        a, b = sample.layers[i].material, sample.layers[i + 1].material
        if not a or not b:
            continue
        row: dict[str, Any] = {"interface": iface.name, "side1": a, "side2": b, "temperature": temperature}
        for model in models:
            try:
                row[model] = float(conductance(a, b, temperature, model))
            except KapitzaError as exc:
                row[model] = None
                row[f"{model}_note"] = str(exc)
        out.append(row)
    return out


def _data_text(mode: str, x: np.ndarray, columns: dict[str, np.ndarray], title: str) -> str:
    unit, factor = _X_UNIT[mode]
    head = {"tdtr": f"Delay ({unit})", "fdtr": f"Frequency ({unit})"}[mode]
    labels = {
        "ratio": "Ratio",
        "in_phase": "Vin",
        "out_of_phase": "Vout",
        "phase": "Phase (deg)",
        "amplitude": "Amplitude",
    }
    names = [head] + [labels[k] for k in columns]
    lines = [title.replace("\n", " ") or "kapitza simulated data", "\t".join(names)]
    for i, xi in enumerate(x):
        lines.append("\t".join([f"{xi / factor:.8g}"] + [f"{columns[k][i]:.8g}" for k in columns]))
    return "\n".join(lines) + "\n"


def _lazy_bar(stack: contextlib.ExitStack) -> Any:
    """A progress callback whose bar appears at the first model evaluation, so that an input error found
    before any work prints its one line alone (a bar entered and left early leaves a blank line)."""
    state: dict[str, Any] = {}

    def update(stage: str, done: int, total: int) -> None:
        if "bar" not in state:
            state["bar"] = stack.enter_context(progress_bar(True))
        state["bar"](stage, done, total)

    return update


# --------------------------------------------------------------------------------------------------- commands
def _x_option(mode: str) -> str:
    """The option that takes the x grid: delays (TDTR) or modulation frequencies (FDTR)."""
    return "--delays" if mode == "tdtr" else "--frequencies"


def _check_quantity(mode: str, q: str | None) -> str:
    """The --quantity of a command (the mode's default when None), checked against the mode's quantities."""
    q = q or _DEFAULT_QUANTITY[mode]
    if q not in _QUANTITIES[mode]:
        raise InputError(f"--quantity for {mode.upper()} must be one of {', '.join(_QUANTITIES[mode])}, got {q!r}")
    return q


def _make_app(mode: str) -> typer.Typer:
    """The ``kapitza tdtr`` or ``kapitza fdtr`` app: three commands whose bodies are :func:`_simulate`,
    :func:`_sensitivity` and :func:`_fit`; only the options' help and defaults depend on the mode here."""
    name = mode.upper()
    unit = _X_UNIT[mode][0]
    x_help = (
        f"{'delays in ps' if mode == 'tdtr' else 'modulation frequencies in Hz'}: LO:HI:N (log-spaced) or a comma list"
    )
    app = typer.Typer(
        help=f"{name}: simulate the signal of a layered sample, fit its parameters (G, conductivities, ...) to "
        "data with the fixed inputs' errors propagated, and see which parameters the data can determine.",
        no_args_is_help=True,
    )
    _Sample = Annotated[Path, typer.Argument(help="sample description (TOML): laser, layers, interfaces")]
    _X = Annotated[str, typer.Option(_x_option(mode), help=x_help)]
    _Outside = Annotated[
        bool,
        typer.Option(
            "--allow-outside", help="Let the sample file name material files outside its own folder (../, /abs, links)."
        ),
    ]
    _Json = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
    _Plot = Annotated[Path | None, typer.Option("--plot", help="figure file (.png, .pdf, .svg)")]
    _Quantity = Annotated[
        str | None, typer.Option("--quantity", help=f"what is fitted/shown: {', '.join(_QUANTITIES[mode])}")
    ]

    @app.command("simulate")
    def simulate_command(
        sample_file: _Sample,
        x_spec: _X = _DEFAULT_X[mode],
        out: Annotated[
            Path | None, typer.Option("--out", help="write the signal as a data file (.txt/.dat/.csv)")
        ] = None,
        noise: Annotated[
            float,
            typer.Option(
                "--noise",
                help="Gaussian noise added to what --out writes: relative (ratio, V, amplitude) or degrees (phase)",
            ),
        ] = 0.0,
        seed: Annotated[int | None, typer.Option("--seed", help="noise seed")] = None,
        plot: _Plot = None,
        as_json: _Json = False,
        allow_outside: _Outside = False,
    ) -> None:
        """The model signal of a sample (no data needed): ratio, V_in, V_out vs delay, or phase and amplitude vs f."""
        _simulate(mode, sample_file, x_spec, out, noise, seed, plot, as_json, allow_outside)

    @app.command("sensitivity")
    def sensitivity_command(
        sample_file: _Sample,
        params: Annotated[
            str | None, typer.Option("--params", help="parameters (default: all), e.g. G,k_sub,d_Al")
        ] = None,
        x_spec: _X = _DEFAULT_X[mode],
        quantity: _Quantity = None,
        plot: _Plot = None,
        as_json: _Json = False,
        allow_outside: _Outside = False,
    ) -> None:
        """S_p = d ln(signal) / d ln(p) for each parameter vs delay or frequency: what the data can determine."""
        _sensitivity(mode, sample_file, params, x_spec, quantity, plot, as_json, allow_outside)

    @app.command("fit")
    def fit_command(
        sample_file: _Sample,
        data_file: Annotated[
            Path,
            typer.Argument(
                help=f"{name} data: text columns with a header naming each and its unit, e.g. "
                "'Delay (ps)  Ratio  sigma' (docs: physics/thermoreflectance, 'Data files')"
            ),
        ],
        fit_names: Annotated[
            str,
            typer.Option(
                "--fit", help="parameters to fit, e.g. G,k_sapphire (the sample's names: see its sensitivity)"
            ),
        ],
        quantity: _Quantity = None,
        columns: Annotated[
            str | None,
            typer.Option("--columns", help="column names and units when the file has no header, e.g. delay_ps,ratio"),
        ] = None,
        x_range: Annotated[
            str | None,
            typer.Option("--range", help=f"fit only {('delays' if mode == 'tdtr' else 'frequencies')} LO:HI ({unit})"),
        ] = None,
        bounds: Annotated[
            str | None, typer.Option("--bounds", help="NAME=LO:HI,... in SI (default p0/100..100 p0)")
        ] = None,
        mcmc: Annotated[
            int, typer.Option("--mcmc", help="also sample the posterior with emcee, this many steps (0: off)")
        ] = 0,
        predict: Annotated[
            str,
            typer.Option(
                "--predict", help="models whose G is shown beside the fitted one (database materials), or 'none'"
            ),
        ] = "dmm,amm",
        temperature: Annotated[float, typer.Option("--temperature", help="temperature of the predicted G, K")] = 300.0,
        plot: _Plot = None,
        save_path: Annotated[Path | None, typer.Option("--save", help="save the fit result (.json or .npz)")] = None,
        as_json: _Json = False,
        progress: Annotated[bool, typer.Option("--progress/--no-progress", help="progress bar on stderr")] = True,
        allow_outside: _Outside = False,
    ) -> None:
        """Fit parameters of the sample to data: values, errors with the fixed inputs' errors propagated, chi^2."""
        options = _FitOptions(
            quantity, columns, x_range, bounds, mcmc, predict, temperature, plot, save_path, as_json, progress
        )
        _fit(mode, sample_file, data_file, fit_names, options, allow_outside)

    return app


# --- simulate ------------------------------------------------------------------------------------------------------
def _simulate(
    mode: str,
    sample_file: Path,
    x_spec: str,
    out: Path | None,
    noise: float,
    seed: int | None,
    plot: Path | None,
    as_json: bool,
    allow_outside: bool,
) -> None:
    """``simulate``: check the outputs, compute the signal, write the noisy data file, plot, print."""
    from ..analysis.thermoreflectance import simulated_columns, steady_heating

    if out is not None:
        check_output(out, _DATA_SUFFIXES, "--out")
    if plot is not None:
        check_output(plot, _PLOT_SUFFIXES, "--plot")
    if not (math.isfinite(noise) and noise >= 0):
        raise InputError(f"--noise must be >= 0, got {noise:g}")
    sample = _sample(sample_file, allow_outside)
    x = _x_in_si(mode, parse_grid(x_spec, _x_option(mode)))
    sig, cols = _signal(mode, sample, x)
    heating = (
        steady_heating(sample) if sample.laser.absorbed_power and math.isinf(sample.layers[-1].thickness) else None
    )
    if out is not None:
        noisy = simulated_columns(sig, noise, seed)
        title = f"{sample.title or sample_file.name}: kapitza {mode} simulate" + (
            f", noise {noise:g}, seed {seed}" if noise else ""
        )
        atomic_write_text(out, _data_text(mode, x, noisy, title))
    if plot is not None:
        from ..plotting.canvas import save
        from ..plotting.thermoreflectance import signal_figure

        save(signal_figure(sig, title=sample.title or sample_file.name), plot)
    if as_json:
        _emit(
            {
                "mode": mode,
                "parameters": sample.parameters(),
                "signal": to_jsonable(sig),
                "steady_heating_K": heating,
            }
        )
        return
    _print_signal(mode, sample, sample_file, x, cols, heating, (out, plot))


def _signal(mode: str, sample: Any, x: np.ndarray) -> tuple[Any, dict[str, np.ndarray]]:
    """The model signal at x (SI) and its columns by quantity: ratio, V_in, V_out (TDTR) or phase, amplitude."""
    from ..analysis.thermoreflectance import fdtr_signal, tdtr_signal

    if mode == "tdtr":
        sig = tdtr_signal(sample, x)
        return sig, {
            "ratio": np.array(sig.ratio),
            "in_phase": np.array(sig.in_phase),
            "out_of_phase": np.array(sig.out_of_phase),
        }
    sig = fdtr_signal(sample, x)
    return sig, {"phase": np.array(sig.phase_deg), "amplitude": np.array(sig.amplitude)}


def _print_signal(
    mode: str,
    sample: Any,
    sample_file: Path,
    x: np.ndarray,
    cols: dict[str, np.ndarray],
    heating: float | None,
    written: tuple[Path | None, ...],
) -> None:
    """The signal as a table, the steady heating when known, and the files written."""
    con = Console(highlight=False)
    table = Table(title=f"{mode.upper()} signal of {sample.title or sample_file.name}")
    table.add_column(f"{'delay' if mode == 'tdtr' else 'frequency'} ({_X_UNIT[mode][0]})", justify="right")
    for key in cols:
        table.add_column(key, justify="right")
    factor = _X_UNIT[mode][1]
    for i in range(x.size):
        table.add_row(f"{x[i] / factor:.4g}", *(f"{cols[k][i]:.5g}" for k in cols))
    con.print(table)
    if heating is not None:
        con.print(
            f"steady heating of the probed spot: {heating:.3g} K at {sample.laser.absorbed_power * 1e3:g} mW absorbed"
        )
    for path in written:
        if path is not None:
            con.print(f"wrote {path}")


# --- sensitivity ---------------------------------------------------------------------------------------------------
def _sensitivity(
    mode: str,
    sample_file: Path,
    params: str | None,
    x_spec: str,
    quantity: str | None,
    plot: Path | None,
    as_json: bool,
    allow_outside: bool,
) -> None:
    """``sensitivity``: check the options, compute S_p, plot, print."""
    from ..analysis.thermoreflectance.sensitivity import sensitivity

    if plot is not None:
        check_output(plot, _PLOT_SUFFIXES, "--plot")
    q = _check_quantity(mode, quantity)
    sample = _sample(sample_file, allow_outside)
    names = None if params is None else sample.check_names(parse_names(params, "--params"))
    x = _x_in_si(mode, parse_grid(x_spec, _x_option(mode)))
    sens = sensitivity(sample, mode, x, names, quantity=q)
    if plot is not None:
        from ..plotting.canvas import save
        from ..plotting.thermoreflectance import sensitivity_figure

        save(sensitivity_figure(sens), plot)
    if as_json:
        _emit({"mode": mode, "quantity": q, "sensitivity": to_jsonable(sens)})
        return
    _print_sensitivity(mode, q, sample, sample_file, x, sens)
    if plot is not None:
        Console(highlight=False).print(f"wrote {plot}")


def _print_sensitivity(mode: str, q: str, sample: Any, sample_file: Path, x: np.ndarray, sens: Any) -> None:
    """One row per parameter, the most sensitive first: its value, max |S| and where (and max |dphi/d ln p|)."""
    con = Console(highlight=False)
    table = Table(title=f"{mode.upper()} sensitivity S = d ln({q}) / d ln(p), {sample.title or sample_file.name}")
    table.add_column("parameter")
    table.add_column("value", justify="right")
    table.add_column("max |S|", justify="right")
    table.add_column(f"at ({_X_UNIT[mode][0]})", justify="right")
    if q == "phase":
        table.add_column("max |dφ/d ln p| (deg)", justify="right")
    factor = _X_UNIT[mode][1]
    params_now = sample.parameters()
    for i in sens.ranking():
        j = int(sens.peak_index[i])
        extra = (f"{sens.absolute_peak[i]:.3g}",) if q == "phase" else ()
        table.add_row(
            sens.names[i],
            _show(sens.names[i], params_now[sens.names[i]]),
            f"{sens.peak[i]:.3g}",
            f"{x[j] / factor:.4g}",
            *extra,
        )
    con.print(table)


# --- fit -----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _FitOptions:
    """The ``fit`` command's options as typed (units as the CLI takes them)."""

    quantity: str | None
    columns: str | None
    x_range: str | None
    bounds: str | None
    mcmc: int
    predict: str
    temperature: float
    plot: Path | None
    save_path: Path | None
    as_json: bool
    progress: bool


def _fit(mode: str, sample_file: Path, data_file: Path, fit_names: str, o: _FitOptions, allow_outside: bool) -> None:
    """``fit``: check the options, read the sample and data, fit (and sample), plot, save, print."""
    from ..analysis.thermoreflectance.inputs import read_data

    models = _check_fit_options(o)
    sample = _sample(sample_file, allow_outside)
    names = sample.check_names(parse_names(fit_names, "--fit"), "--fit parameter")
    data = read_data(data_file, mode=mode, columns=o.columns)
    q = _fit_quantity(mode, o.quantity, data, data_file)
    rng = parse_range(o.x_range, "--range")
    if rng is not None:
        rng = (rng[0] * _X_UNIT[mode][1], rng[1] * _X_UNIT[mode][1])
    result, posterior = _run_fit(mode, sample, data, q, names, rng, o)
    predicted = _predicted(sample, o.temperature, models) if models else []
    if o.plot is not None:
        _plot_fit(mode, q, result, sample.title or data.title or data_file.name, o.plot)
    if o.save_path is not None:
        result.save(o.save_path)
    if o.as_json:
        _emit(_fit_document(mode, q, sample_file, data_file, data, result, predicted, posterior))
        return
    _print_fit(Console(highlight=False), mode.upper(), result, sample, predicted, posterior)
    for path in (o.plot, o.save_path):
        if path is not None:
            Console(highlight=False).print(f"wrote {path}")


def _check_fit_options(o: _FitOptions) -> tuple[str, ...]:
    """Check the outputs, --mcmc and --temperature before any work; the --predict models (none: empty)."""
    if o.plot is not None:
        check_output(o.plot, _PLOT_SUFFIXES, "--plot")
    if o.save_path is not None:
        check_output(o.save_path, (".json", ".npz"), "--save")
    if o.mcmc < 0 or o.mcmc > 1_000_000:
        raise InputError(f"--mcmc takes a number of steps between 0 and 1000000, got {o.mcmc}")
    if not (math.isfinite(o.temperature) and o.temperature > 0):
        raise InputError(f"--temperature must be > 0 K, got {o.temperature:g}")
    return () if o.predict.strip().lower() == "none" else parse_names(o.predict, "--predict")


def _fit_quantity(mode: str, quantity: str | None, data: Any, data_file: Path) -> str:
    """The fitted quantity: --quantity, else the mode's default if the data have it, else the data's first."""
    q = quantity or (
        _DEFAULT_QUANTITY[mode] if _DEFAULT_QUANTITY[mode] in data.quantities else next(iter(data.quantities))
    )
    q = _check_quantity(mode, q)
    if q not in data.quantities:
        raise InputError(f"{data_file} has no {q!r} column (it has {', '.join(data.quantities)})")
    return q


def _run_fit(
    mode: str,
    sample: Any,
    data: Any,
    q: str,
    names: Any,
    rng: tuple[float, float] | None,
    o: _FitOptions,
) -> tuple[Any, Any]:
    """The least-squares fit and, with --mcmc, the posterior; one progress bar on stderr unless --json."""
    from ..analysis.thermoreflectance.least_squares import fit

    sigma = data.sigmas.get(q)
    with contextlib.ExitStack() as stack:
        bar = _lazy_bar(stack) if o.progress and not o.as_json else None
        callback = None if bar is None else (lambda done, total: bar("fitting", done, total))
        result = fit(
            sample,
            mode,
            data.x,
            data.quantities[q],
            names,
            quantity=q,
            sigma=sigma,
            bounds=parse_bounds(o.bounds),
            x_range=rng,
            progress=callback,
        )
        posterior = None
        if o.mcmc:
            from ..analysis.thermoreflectance.posterior import sample_posterior

            cb = None if bar is None else (lambda done, total: bar("sampling", done, total))
            posterior = sample_posterior(
                sample,
                mode,
                data.x,
                data.quantities[q],
                names,
                quantity=q,
                sigma=sigma,
                steps=o.mcmc,
                burn=o.mcmc // 4,
                progress=cb,
            )
    return result, posterior


def _plot_fit(mode: str, q: str, result: Any, title: str, plot: Path) -> None:
    """The data, the fitted curve and the fitted values with their errors, to the --plot file."""
    from ..plotting.canvas import save
    from ..plotting.thermoreflectance import fit_figure

    note = "\n".join(
        f"{n} = {v * _unit(n)[0]:.4g} ± {e * _unit(n)[0]:.2g} {_unit(n)[1]}"
        for n, v, e in zip(result.names, result.values, result.error)
    )
    save(
        fit_figure(
            result.x,
            result.y,
            result.y_fit,
            mode=mode,
            quantity=q,
            sigma=result.sigma,
            title=title,
            annotation=note,
        ),
        plot,
    )


def _fit_document(
    mode: str,
    q: str,
    sample_file: Path,
    data_file: Path,
    data: Any,
    result: Any,
    predicted: list[dict[str, Any]],
    posterior: Any,
) -> dict[str, Any]:
    """The fit's --json document (SI numbers, a note beside every error that is not a measurement error)."""
    return {
        "mode": mode,
        "quantity": q,
        "sample": str(sample_file),
        "data": str(data_file),
        "notes": list(data.notes) + list(result.notes),
        "fitted": {
            n: {
                "value": v,
                "error": e,
                "error_statistical": es,
                "error_fixed": ef,
                "unit": _SI_UNITS[n.partition("_")[0]],
                **_error_notes(result, n, e, es, ef),
            }
            for n, v, e, es, ef in zip(
                result.names, result.values, result.error, result.error_statistical, result.error_fixed
            )
        },
        "fixed": {
            n: {"value": result.parameters[n], "error": float(e)}
            for n, e in zip(result.fixed_names, result.fixed_sigma)
        },
        "contributions": {
            f: {x: float(result.contributions[i, j]) for j, x in enumerate(result.fixed_names)}
            for i, f in enumerate(result.names)
        },
        "scale": result.scale,
        "goodness_of_fit": _goodness_of_fit(result),
        "at_bound": list(result.at_bound),
        "predicted": predicted,
        "posterior": None if posterior is None else to_jsonable(posterior),
    }


def _goodness_of_fit(result: Any) -> dict[str, Any]:
    """chi^2, its degrees of freedom and p-value (with a note when there is none), and the residual checks."""
    return {
        "chi2": result.chi2,
        "dof": result.dof,
        "reduced_chi2": result.reduced_chi2,
        "sigma_source": result.sigma_source,
        "p_value": result.p_value,
        "adequate": result.adequate,
        "residual_correlation": result.residual_correlation,
        "error_inflation": result.error_inflation,
        "noise_free": result.noise_free,
        **(
            {"p_value_note": "no p-value: without data errors chi^2 is the noise estimate itself"}
            if result.sigma_source == "residuals"
            else {}
        ),
    }


def _error_notes(result: Any, name: str, error: float, stat: float, fixed: float) -> dict[str, str]:
    """A note beside every error of a fitted parameter that is not a measurement error, or is zero or NaN."""
    out: dict[str, str] = {}
    if result.noise_free:
        out["error_statistical_note"] = (
            "noise-free data: the residuals are round-off, so this statistical error is not a measurement error; "
            "give the data's 1-sigma errors"
        )
    elif not (math.isfinite(stat) and stat > 0):
        out["error_statistical_note"] = f"the statistical error is {stat:g}: the fit is exact or degenerate"
    if not (math.isfinite(fixed) and fixed > 0):
        out["error_fixed_note"] = (
            "no fixed input has a stated error (give <key>_err or <key>_rel_err in the sample file)"
            if not result.fixed_names
            else f"the fixed inputs' errors do not move {name} (zero sensitivity)"
        )
    if not (math.isfinite(error) and error > 0):
        out["error_note"] = f"the total error is {error:g}: see error_statistical_note and error_fixed_note"
    if name in result.at_bound:
        out["error_note"] = f"{name} ended at its bound: its error is not meaningful"
    return out


def _print_fit(
    con: Console, name: str, result: Any, sample: Any, predicted: list[dict[str, Any]], posterior: Any
) -> None:
    table = Table(title=f"{name} fit ({result.quantity}), {len(result.x)} points")
    for col in ("parameter", "value", "± total (1σ)", "± statistical", "± fixed inputs", "unit"):
        table.add_column(col, justify="left" if col in ("parameter", "unit") else "right")
    for n, v, e, es, ef in zip(result.names, result.values, result.error, result.error_statistical, result.error_fixed):
        factor, unit = _unit(n)
        cells = [f"{x * factor:.4g}" for x in (v, e, es, ef)]
        if result.noise_free:
            cells[2] = "round-off*"
        table.add_row(n, *cells, unit)
    con.print(table)
    con.print(
        f"chi^2 = {result.chi2:.4g} for {result.dof} degrees of freedom (reduced {result.reduced_chi2:.3g})"
        if result.sigma_source == "data"
        else f"no errors in the data: rms residual {math.sqrt(result.reduced_chi2):.3g} (the errors are scaled by it), "
        f"{result.dof} degrees of freedom"
    )
    for note in result.notes:
        if "ended at its bound" in note:
            continue  # said below, with the remedy
        star = "* " if result.noise_free and note.startswith("noise-free") else ""
        con.print(f"[yellow]{star}{note}[/yellow]")
    for n in result.names:
        top = result.largest_contributions(n, 3)
        if top:
            parts = ", ".join(f"{fixed} {_show(n, shift)}" for fixed, shift in top)
            con.print(f"largest fixed-input contributions to {n}: {parts}")
    if result.at_bound:
        con.print(f"[yellow]at a bound: {', '.join(result.at_bound)} (widen --bounds or fix it)[/yellow]")
    with_errors = [n for n, e in zip(result.fixed_names, result.fixed_sigma) if e > 0]
    if with_errors:
        con.print(
            "fixed inputs with errors (propagated): "
            + ", ".join(f"{n} = {_show(n, result.parameters[n])} ± {_show(n, sample.errors[n])}" for n in with_errors)
        )
    for row in predicted:
        preds = ", ".join(
            f"{m.upper()} {row[m] / 1e6:.4g} MW m^-2 K^-1" if row.get(m) is not None else f"{m.upper()} n/a"
            for m in row
            if m not in ("interface", "side1", "side2", "temperature") and not m.endswith("_note")
        )
        con.print(
            f"predicted G of {row['interface']} ({row['side1']}|{row['side2']}, {row['temperature']:g} K): {preds}"
        )
    if posterior is not None:
        for i, n in enumerate(posterior.names):
            lo, hi = _show(n, posterior.p16[i]), _show(n, posterior.p84[i])
            con.print(f"posterior {n}: median {_show(n, posterior.median[i])}, 16-84 %: {lo} .. {hi}")


tdtr_app = _make_app("tdtr")
fdtr_app = _make_app("fdtr")
