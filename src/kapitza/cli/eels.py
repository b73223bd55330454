"""``kapitza eels``: vibrational STEM-EELS phonon thermometry (temperature, profile, map, flows, simulate, plan).

Thin over :mod:`kapitza.analysis.eels` (reading, preprocessing, detailed-balance fits, profiles and the jump,
forward vs reverse flows, the forward model and the planning table) and :mod:`kapitza.phonons.dos`
(the phonon DOS the forward model starts from).  Energies in meV (loss positive), positions in nm,
temperatures in K.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from .. import _checks
from ..errors import InputError
from ..io.results import dumps, to_jsonable
from .common import check_output, length_help, parse_floats, parse_interval, parse_length_in, parse_number
from .report import EXPLAIN_HELP, Report

eels_app = typer.Typer(
    help="STEM-EELS phonon thermometry: temperatures from the gain/loss ratio (detailed balance), profiles and "
    "maps, the jump and Kapitza length at an interface, forward vs reverse heat flow, a forward model to "
    "simulate spectra and plan an experiment."
)

_PLOT_SUFFIXES = (".png", ".pdf", ".svg")
_BACKGROUNDS = ("power-law", "zlp-fit", "none")
#: ``joint``: the ZLP tail fitted together with the temperature (analysis.eels.joint); temperature and profile only.
_JOINT = "joint"


# ---------------------------------------------------------------------------------------------- option parsing
def parse_range(spec: str | None, option: str, *, positive: bool = True) -> tuple[float, float] | None:
    """'LO:HI' -> (lo, hi) with lo < hi (and lo > 0 when ``positive``); None stays None."""
    rng = parse_interval(spec, option, "60:90")
    if rng is not None and positive and rng[0] <= 0:
        raise InputError(f"{option} energies are |E| in meV and must be > 0, got {spec!r}")
    return rng


def parse_ranges(spec: str | None, option: str) -> tuple[tuple[float, float], ...] | None:
    """'65:75,85:95' -> ((65, 75), (85, 95))."""
    if spec is None:
        return None
    out = tuple(parse_range(part.strip(), option) for part in spec.split(","))
    return out  # type: ignore[return-value]


def parse_positions(spec: str, option: str = "--positions") -> np.ndarray:
    """'LO:HI:N' -> N positions from LO to HI (nm)."""
    parts = spec.split(":")
    if len(parts) != 3:
        raise InputError(f"{option} takes LO:HI:N in nm (e.g. -30:30:61), got {spec!r}")
    lo, hi, n = (parse_number(p.strip(), spec, option) for p in parts)
    if not (lo < hi and n == int(n) and 3 <= n <= 100_000):
        raise InputError(f"{option} needs LO < HI and a whole N from 3 to 100000, got {spec!r}")
    return np.linspace(lo, hi, int(n))


def parse_mode_temperatures(spec: str | None, option: str = "--mode-temperature") -> dict[tuple[float, float], float]:
    """'75:85=350,60:70=320' -> {(75, 85): 350, (60, 70): 320} (a band of |E| in meV and its own T in K)."""
    if spec is None:
        return {}
    out: dict[tuple[float, float], float] = {}
    for part in spec.split(","):
        band, sep, temp = part.partition("=")
        if not sep:
            raise InputError(f"{option} takes LO:HI=T (e.g. 75:85=350), got {spec!r}")
        t = parse_number(temp.strip(), spec, option)
        if t <= 0:
            raise InputError(f"{option} temperatures must be > 0 K, got {spec!r}")
        out[parse_range(band.strip(), option)] = t  # type: ignore[index]
    return out


def _background(name: str, *, joint: bool = False) -> str | None:
    allowed = ((_JOINT,) if joint else ()) + _BACKGROUNDS
    if name not in allowed:
        raise InputError(f"--background must be one of {', '.join(allowed)}, got {name!r}")
    return None if name in ("none", _JOINT) else name


def _joint_options(background: str, background_windows: str | None, region: str | None) -> tuple[float, float] | None:
    """Check the options that go with the joint fit (the region) and those that do not."""
    if background == _JOINT:
        if background_windows is not None:
            raise InputError(
                "--background-windows is for a subtracted background: add --background power-law (or zlp-fit) "
                "to subtract one; the joint fit (the default) uses --region LO:HI (|E| meV) for the channels it fits"
            )
        return parse_range(region, "--region")
    if region is not None:
        raise InputError(f"--region is for --background joint (got --background {background})")
    return None


def _emit(doc: dict[str, Any]) -> None:
    sys.stdout.write(dumps(doc, indent=1) + "\n")


def _fmt(x: Any, digits: int = 4) -> str:
    x = float(x)
    return f"{x:.{digits}g}" if math.isfinite(x) else "nan"


# --------------------------------------------------------------------------------------------------- loading
def _load(
    path: Path,
    *,
    energy_unit: str | None,
    detector_gain: float,
    read_noise: float,
    background: str,
    background_windows: str | None,
    bin_energy: int = 1,
    bin_position: int = 1,
    sum_all: bool = False,
) -> Any:
    """Read a file and run the standard preprocessing chain (centre, background, binning/summing).

    ``sum_all``: every probe position summed into one spectrum after centring and before the background fit,
    so one background is fitted on all the counts (and its covariance reaches the temperature error).
    """
    _checks.positive(detector_gain, "--detector-gain", "counts per electron")
    if not (math.isfinite(read_noise) and read_noise >= 0):
        raise InputError(f"--read-noise must be >= 0, got {read_noise:g}")
    _checks.count(bin_energy, "--bin-energy")
    _checks.count(bin_position, "--bin-position")
    model = _background(background, joint=True)
    windows = parse_ranges(background_windows, "--background-windows")
    from ..analysis.eels.data import with_noise_model
    from ..analysis.eels.preprocess import preprocess, sum_along
    from ..analysis.eels.read import read_eels

    data = read_eels(path, energy_unit=energy_unit)
    if detector_gain != 1.0 or read_noise != 0.0:
        data = with_noise_model(data, detector_gain, read_noise)
    if sum_all:
        data = preprocess(data, centre=True, background=None)
        while data.nav_shape:
            data = sum_along(data, 0)
    return preprocess(
        data,
        centre=True,
        background=model,
        fit_windows_mev=windows,
        bin_energy=int(bin_energy),
        bin_position=int(bin_position),
    )


_EnergyUnit = Annotated[
    str | None, typer.Option("--energy-unit", help="energy unit of a file whose axis has none (eV or meV)")
]
_Gain = Annotated[float, typer.Option("--detector-gain", help="detector counts per electron (variance model)")]
_ReadNoise = Annotated[float, typer.Option("--read-noise", help="read noise, counts rms per channel")]
_Background = Annotated[
    str, typer.Option("--background", help="ZLP-tail model on both sides: power-law (default), zlp-fit, none")
]
_JointBackground = Annotated[
    str,
    typer.Option(
        "--background",
        help="auto (default) = joint: the calibrated estimator, the symmetric ZLP tail fitted with the temperature "
        "(tail families averaged by Akaike weights; docs/reference/calibration.md); or a subtracted tail, kept as "
        "an explicit option (biased on tails it does not model): power-law, zlp-fit, none",
    ),
]
_AUTO = "auto"


def _resolve(background: str) -> str:
    """``auto`` is the joint fit, whatever else is given: an option that needs a subtracted tail is then refused
    with the reason (never a silent switch to another estimator)."""
    if background == _AUTO:
        return _JOINT
    _background(background, joint=True)
    return background


_Region = Annotated[
    str | None,
    typer.Option(
        "--region",
        help="joint fit: |E| channels fitted, LO:HI meV (default: from below the window to the axis end)",
    ),
]
_BackgroundWindows = Annotated[
    str | None,
    typer.Option("--background-windows", help="|E| windows (meV) the background is fitted in, e.g. 15:25,150:180"),
]
_Window = Annotated[
    str | None,
    typer.Option(
        "--window",
        help="|E| window of the mode in meV, LO:HI (default: automatic; for the joint fit from 6 x the zero-loss "
        "FWHM of each spectrum to its axis end)",
    ),
]
_Json = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
_Explain = Annotated[bool, typer.Option("--explain", help=EXPLAIN_HELP)]


def _verdict(report: Report, verdict: str, flagged: bool) -> None:
    """A fit's adequacy verdict: a warning where the analysis flags the number (inadequate, or an error likely too
    large), else a detail."""
    if flagged:
        report.warn(f"model: {verdict}")
    else:
        report.detail(f"model: {verdict}", "the fit's adequacy")


# ---------------------------------------------------------------------------------------------- temperature
def temperature_command(
    file: Annotated[Path, typer.Argument(help="spectrum file (DM3/DM4, EMD, MSA, HSPY, Nion, CSV, NPZ)")],
    window: _Window = None,
    bands: Annotated[
        str | None, typer.Option("--bands", help="per-mode temperatures in these |E| bands, e.g. 65:75,85:95")
    ] = None,
    intercept: Annotated[
        bool, typer.Option("--intercept/--no-intercept", help="free ln-ratio intercept (detector asymmetry)")
    ] = False,
    background: _JointBackground = _AUTO,
    background_windows: _BackgroundWindows = None,
    region: _Region = None,
    energy_unit: _EnergyUnit = None,
    detector_gain: _Gain = 1.0,
    read_noise: _ReadNoise = 0.0,
    plot: Annotated[Path | None, typer.Option(help="spectrum, mirrored gain side and the fit (.png/.pdf/.svg)")] = None,
    as_json: _Json = False,
    explain: _Explain = False,
) -> None:
    """Temperature from the gain/loss ratio of one spectrum (a line scan or image is summed first)."""
    if plot is not None:
        check_output(plot, _PLOT_SUFFIXES, "--plot")
    win = parse_range(window, "--window")
    band_list = parse_ranges(bands, "--bands")
    background = _resolve(background)
    reg = _joint_options(background, background_windows, region)
    if background == _JOINT:
        if band_list:
            raise InputError(
                "--bands needs a subtracted background (per-band windows of the ratio fit): add --background "
                "power-law (or zlp-fit); the joint fit (the default) fits one temperature over its region"
            )
        if intercept:
            raise InputError(
                "--intercept is for a subtracted background (add --background power-law); the joint fit (the "
                "default) models the tail instead"
            )
        _joint_temperature(file, win, reg, energy_unit, detector_gain, read_noise, as_json, plot, explain)
        return
    from ..analysis.eels.temperature import band_temperatures, fit_temperature

    data = _load(
        file,
        energy_unit=energy_unit,
        detector_gain=detector_gain,
        read_noise=read_noise,
        background=background,
        background_windows=background_windows,
        sum_all=True,  # one temperature: the whole scan or image summed
    )
    fit = fit_temperature(data, win, intercept=intercept)
    bt = band_temperatures(data, band_list) if band_list else None
    if plot is not None:
        from ..plotting.eels import spectrum_figure

        spectrum_figure(data, fit, path=plot)
    if as_json:
        doc = {
            "file": str(file),
            "temperature": fit.temperature,
            "temperature_err": fit.temperature_err,
            "window_mev": list(fit.window_mev),
            "background": fit.background,
            "chi2_reduced": fit.chi2_reduced,
            "p_value": fit.p_value,
            "adequate": fit.adequate,
            "error_inflation": fit.inflation,
            "verdict": fit.verdict,
            "n_channels": fit.n_channels,
            "method": fit.method,
            "cross_section": fit.form_note,
            "steps": list(data.steps),
            "bands": None if bt is None else to_jsonable(bt),
        }
        _emit(doc)
        return
    report = Report(explain=explain)
    report.answer(
        f"T = {_fmt(fit.temperature)} +- {_fmt(fit.temperature_err, 2)} K from {fit.n_channels} channel pairs in "
        f"|E| = {_fmt(fit.window_mev[0])}-{_fmt(fit.window_mev[1])} meV; chi2/dof = {_fmt(fit.chi2_reduced, 3)}"
    )
    if bt is not None:  # asked for with --bands: part of the answer
        table = Table("band (meV)", "T (K)", "+- (K)")
        for (lo, hi), t, e in zip(bt.bands_mev, np.atleast_1d(bt.temperature), np.atleast_1d(bt.temperature_err)):
            table.add_row(f"{lo:g}-{hi:g}", _fmt(t), _fmt(e, 2))
        report.answer(table)
        report.answer(bt.verdict)
    _verdict(report, fit.verdict, not bool(fit.adequate))
    report.detail(f"{file}: {' -> '.join(data.steps) or 'as read'}", "the preprocessing")
    report.detail(f"method: {fit.method}; background: {fit.background}", "the method")
    report.show()


def _raw(file: Path, energy_unit: str | None, detector_gain: float, read_noise: float) -> Any:
    """The file as read (raw: the joint fit centres each spectrum itself), with the noise model if given."""
    _checks.positive(detector_gain, "--detector-gain", "counts per electron")
    if not (math.isfinite(read_noise) and read_noise >= 0):
        raise InputError(f"--read-noise must be >= 0, got {read_noise:g}")
    from ..analysis.eels.data import with_noise_model
    from ..analysis.eels.read import read_eels

    data = read_eels(file, energy_unit=energy_unit)
    if detector_gain != 1.0 or read_noise != 0.0:
        data = with_noise_model(data, detector_gain, read_noise)
    return data


def _joint_temperature(
    file: Path,
    win: tuple[float, float] | None,
    region: tuple[float, float] | None,
    energy_unit: str | None,
    detector_gain: float,
    read_noise: float,
    as_json: bool,
    plot: Path | None = None,
    explain: bool = False,
) -> None:
    from ..analysis.eels.joint import fit_joint_temperature

    data = _raw(file, energy_unit, detector_gain, read_noise)
    try:
        fit = fit_joint_temperature(data, win, region_mev=region)
    except InputError as exc:
        if win is None:
            raise InputError(f"{exc} (automatic window; give --window LO:HI for modes below it)") from None
        raise
    if plot is not None:
        from ..plotting.eels import joint_spectrum_figure

        joint_spectrum_figure(fit, title=str(file.name), path=plot)
    if as_json:
        _emit(
            {
                "file": str(file),
                "temperature": fit.temperature,
                "temperature_err": fit.temperature_err,
                "window_mev": list(fit.window_mev),
                "window_rule": fit.window_rule,
                "region_mev": list(fit.region_mev),
                "fwhm_mev": fit.fwhm_mev,
                "background": fit.background,
                "chi2_reduced": fit.chi2_reduced,
                "dof": fit.dof,
                "p_value": fit.p_value,
                "adequate": fit.adequate,
                "error_inflation": fit.inflation,
                "centring_variance_ratio": fit.variance_ratio,
                "verdict": fit.verdict,
                "tail_family": fit.family,
                "tail_families": {
                    f: {"weight": w, "temperature": t, "temperature_err": e, "chi2": c}
                    | ({} if t == t else {"note": "the fit with this tail family failed; it carries no weight"})
                    for f, w, t, e, c in zip(
                        fit.families, fit.family_weights, fit.family_temperatures, fit.family_errors, fit.family_chi2
                    )
                },
                "criterion": fit.criterion,
                "n_channels": fit.n_channels,
                "method": fit.method,
                "steps": list(fit.steps),
            }
        )
        return
    report = Report(explain=explain)
    report.answer(
        f"T = {_fmt(fit.temperature)} +- {_fmt(fit.temperature_err, 2)} K (window {_fmt(fit.window_mev[0])}-"
        f"{_fmt(fit.window_mev[1])} meV; {fit.n_channels} channel pairs fitted in |E| = {_fmt(fit.region_mev[0])}-"
        f"{_fmt(fit.region_mev[1])} meV)"
    )
    _verdict(report, fit.verdict, not bool(fit.adequate) or "TOO SMALL" in fit.verdict)
    if fit.window_rule != "given":
        report.detail(f"window: {fit.window_rule}, zero-loss FWHM {_fmt(fit.fwhm_mev, 3)} meV", "the window")
    report.detail(f"{file}: {' -> '.join(fit.steps) or 'as read'}", "the preprocessing")
    weights = ", ".join(
        f"{f} {w:.2f} ({_fmt(t)} K)" if t == t else f"{f} {w:.2f} (fit failed)"
        for f, w, t in zip(fit.families, fit.family_weights, fit.family_temperatures)
    )
    report.detail(f"tail families (Akaike weight, T): {weights}", "the tail families")
    report.detail(f"method: {fit.method}; {fit.criterion}", "the method")
    report.show()


# --------------------------------------------------------------------------------------------------- profile
def profile_command(
    file: Annotated[Path, typer.Argument(help="line scan or spectrum image across the interface")],
    interface: Annotated[float, typer.Option("--interface", help="interface position along the scan, nm")],
    window: _Window = None,
    across: Annotated[
        str, typer.Option("--across", help="image axis that crosses the interface (the other one is summed)")
    ] = "x",
    exclude: Annotated[
        str, typer.Option("--exclude", help=length_help("left out on each side of the interface", "nm", "1nm"))
    ] = "1nm",
    fit_range: Annotated[
        str | None,
        typer.Option("--fit-range", help=length_help("fit only this far from the interface on each side", "nm", "5nm")),
    ] = None,
    gradient: Annotated[
        float | None,
        typer.Option("--gradient", help="known |dT/dx| in K/nm (e.g. from a micrometre-scale map) for L_K"),
    ] = None,
    heat_flux: Annotated[
        float | None, typer.Option("--heat-flux", help="heat flux through the interface, W/m^2 (for R_K and G)")
    ] = None,
    heat_flux_err: Annotated[float, typer.Option("--heat-flux-err", help="its standard error, W/m^2")] = 0.0,
    bin_position: Annotated[int, typer.Option("--bin-position", help="sum this many probe positions")] = 1,
    background: _JointBackground = _AUTO,
    background_windows: _BackgroundWindows = None,
    region: _Region = None,
    energy_unit: _EnergyUnit = None,
    detector_gain: _Gain = 1.0,
    read_noise: _ReadNoise = 0.0,
    plot: Annotated[Path | None, typer.Option(help="temperature profile with fits and the jump")] = None,
    as_json: _Json = False,
    explain: _Explain = False,
) -> None:
    """Temperature profile across an interface: the jump, both gradients, the Kapitza length (R_K with a flux)."""
    if plot is not None:
        check_output(plot, _PLOT_SUFFIXES, "--plot")
    win = parse_range(window, "--window")
    exclude_nm = parse_length_in(exclude, "--exclude", "nm", zero=True)
    if not math.isfinite(interface):
        raise InputError("--interface must be a finite position in nm")
    fit_range_nm = None if fit_range is None else parse_length_in(fit_range, "--fit-range", "nm")
    if gradient is not None:
        _checks.positive(abs(gradient), "--gradient", "K/nm in magnitude")
    if heat_flux is not None:
        _checks.positive(abs(heat_flux), "--heat-flux", "W/m^2 in magnitude")
    background = _resolve(background)
    reg = _joint_options(background, background_windows, region)
    from ..analysis.eels.profile import analyze_profile, temperature_profile

    if background == _JOINT:
        from ..analysis.eels.joint import joint_profile

        data = _raw(file, energy_unit, detector_gain, read_noise)
        _checks.count(bin_position, "--bin-position")
        profile = joint_profile(data, win, across=across, region_mev=reg, bin_position=int(bin_position))
        steps = list(profile.steps)
    else:
        data = _load(
            file,
            energy_unit=energy_unit,
            detector_gain=detector_gain,
            read_noise=read_noise,
            background=background,
            background_windows=background_windows,
            bin_position=bin_position,
        )
        profile = temperature_profile(data, win, across=across)
        steps = list(data.steps)
    jump = analyze_profile(
        profile,
        interface,
        exclude_nm=exclude_nm,
        fit_range_nm=fit_range_nm,
        gradient_k_per_nm=None if gradient is None else abs(gradient),  # a magnitude: the side is from the fits
        heat_flux_w_m2=None if heat_flux is None else abs(heat_flux),
        heat_flux_err=heat_flux_err,
    )
    if plot is not None:
        from ..plotting.eels import profile_figure

        profile_figure(profile, jump, path=plot)
    if as_json:
        _emit({"file": str(file), "steps": steps, "profile": profile, "jump": jump})
        return
    report = Report(explain=explain)
    _print_jump(report, jump)
    n_ok = profile.n_valid
    if profile.adequate is not None:
        _verdict(
            report,
            f"{profile.n_inadequate} of {n_ok} positions inadequate (chi2 p < 0.001; their errors inflated by "
            f"sqrt(chi2/dof)); median chi2/dof {_fmt(profile.median_chi2_reduced, 3)}",
            bool(profile.n_inadequate),
        )
    report.detail(f"{file}: {' -> '.join(steps) or 'as read'}", "the preprocessing")
    report.detail(
        f"{n_ok} of {profile.valid.size} positions with a temperature; window "
        f"{_fmt(profile.window_mev[0])}-{_fmt(profile.window_mev[1])} meV",
        "the positions",
    )
    report.show()


def _print_jump(report: Report, jump: Any) -> None:
    """The jump, the gradients, the Kapitza length (R_K and G with a flux): the answer; the jump's warnings."""
    report.answer(
        f"interface at {_fmt(jump.interface_nm)} nm, heat flowing {jump.heat_flow} ({jump.heat_flow_source}): "
        f"Delta T = {_fmt(jump.delta_T)} +- {_fmt(jump.delta_T_err, 2)} K "
        f"(T = {_fmt(jump.T_left)} | {_fmt(jump.T_right)} K just left | right of it)"
    )
    if _has(jump, "resistance"):
        report.answer(
            f"R_K = {_fmt(jump.resistance)} +- {_fmt(jump.resistance_err, 2)} m^2 K/W; G = {_fmt(jump.conductance)} "
            f"+- {_fmt(jump.conductance_err, 2)} W/(m^2 K)"
        )
    report.answer(
        f"Kapitza length Delta T/|dT/dx|: {_fmt(jump.kapitza_length_left_nm)} +- "
        f"{_fmt(jump.kapitza_length_left_err_nm, 2)} nm (left gradient), {_fmt(jump.kapitza_length_right_nm)} +- "
        f"{_fmt(jump.kapitza_length_right_err_nm, 2)} nm (right gradient)"
    )
    if _has(jump, "kapitza_length_given_nm"):
        report.answer(
            f"with the given gradient {_fmt(jump.gradient_given_k_per_nm)} K/nm: L_K = "
            f"{_fmt(jump.kapitza_length_given_nm)} +- {_fmt(jump.kapitza_length_given_err_nm, 2)} nm"
        )
    report.answer(
        f"gradients dT/dx: left {_fmt(jump.gradient_left_k_per_nm)} +- {_fmt(jump.gradient_left_err_k_per_nm, 2)} "
        f"K/nm ({jump.n_left} points), right {_fmt(jump.gradient_right_k_per_nm)} +- "
        f"{_fmt(jump.gradient_right_err_k_per_nm, 2)} K/nm ({jump.n_right} points)"
    )
    for w in jump.warnings:
        report.warn(w)


def _has(obj: Any, name: str) -> bool:
    value = getattr(obj, name, None)
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


# ------------------------------------------------------------------------------------------------------- map
#: Files at least this large (bytes) in a format rosettasciio reads lazily are left on disk by ``eels map``.
LAZY_FILE_BYTES = 1 << 30


def map_command(
    file: Annotated[Path, typer.Argument(help="spectrum image")],
    window: _Window = None,
    bin_position: Annotated[int, typer.Option("--bin-position", help="bin this many probe positions along x")] = 1,
    background: _JointBackground = _AUTO,
    background_windows: _BackgroundWindows = None,
    region: _Region = None,
    energy_unit: _EnergyUnit = None,
    detector_gain: _Gain = 1.0,
    read_noise: _ReadNoise = 0.0,
    chunk_mb: Annotated[
        float,
        typer.Option(
            "--chunk-mb",
            help="raw counts and variances (float64) held at a time, MB; the run's peak resident memory in total "
            "(this one process, its --workers threads included) is stated in the memory line of --explain",
        ),
    ] = 64.0,
    lazy: Annotated[
        bool | None,
        typer.Option(
            "--lazy/--no-lazy",
            help="leave the image on disk and read it in chunks (default: for .dm3/.dm4/.emd/.hspy files of 1 GiB "
            "or more)",
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            help="threads fitting the blocks of pixels of a chunk side by side (2 on 2 cores: 1.3-1.4x faster at 512 "
            "channels, 1.2-1.4x at 2048, benchmarks/eels.py); with the fast extra (numba) a map of 4.2 million values "
            "(pixels x channels) or more runs the fits' evaluations compiled",
        ),
    ] = 1,
    device: Annotated[
        str,
        typer.Option(
            "--device",
            help="where the joint fits run: cpu (numpy), gpu (torch on a CUDA GPU), auto (the GPU where torch sees "
            "one, else cpu), torch-cpu (the GPU's code on the CPU); the temperatures are the same to 1e-9 K",
        ),
    ] = "auto",
    plot: Annotated[Path | None, typer.Option(help="temperature map and its error map")] = None,
    as_json: _Json = False,
    explain: _Explain = False,
) -> None:
    """Temperature at every probe position of a spectrum image, with its error.

    By default the calibrated estimator of eels temperature (the ZLP tail fitted with the temperature), each
    pixel on its own: a pixel's temperature is that of the same spectrum alone.  The image is analysed in chunks
    of rows (--chunk-mb), memory bounded by the chunk; a large file is also left on disk and read chunk by chunk
    (--lazy).
    """
    if plot is not None:
        check_output(plot, _PLOT_SUFFIXES, "--plot")
    win = parse_range(window, "--window")
    background = _resolve(background)
    reg = _joint_options(background, background_windows, region)
    model = None if background in (_JOINT, "none") else background
    windows = parse_ranges(background_windows, "--background-windows")
    _checks.positive(detector_gain, "--detector-gain", "counts per electron")
    if not (math.isfinite(read_noise) and read_noise >= 0):
        raise InputError(f"--read-noise must be >= 0, got {read_noise:g}")
    _checks.count(bin_position, "--bin-position")
    _checks.count(workers, "--workers")
    _checks.positive(chunk_mb, "--chunk-mb", "MB")
    from .._backend import select_backend

    backend = select_backend(device)  # a GPU asked for and not there: refused before anything is read
    if background != _JOINT and backend.name != "numpy":
        if device.strip().lower() != "auto":
            raise InputError(f"--device {device}: --background {background} runs on the CPU only (--device cpu)")
        backend = select_backend("cpu")
    run_on = "cpu" if backend.name == "numpy" else ("torch-cpu" if backend.device == "cpu" else backend.device)
    from ..analysis.eels.data import with_noise_model
    from ..analysis.eels.read import read_eels, read_eels_lazy
    from ..analysis.eels.stream import (
        JOINT,
        LAZY_SUFFIXES,
        memory_estimate,
        stream_temperature_map,
        with_lazy_noise_model,
    )

    if lazy and file.suffix.lower() not in LAZY_SUFFIXES:
        raise InputError(
            f"--lazy leaves {', '.join(LAZY_SUFFIXES)} files on disk (read through rosettasciio); {file.name} is "
            f"a {file.suffix or 'suffix-less'} file, read whole: run without --lazy"
        )
    if lazy is None:
        lazy = file.suffix.lower() in LAZY_SUFFIXES and file.is_file() and file.stat().st_size >= LAZY_FILE_BYTES
    noise = detector_gain != 1.0 or read_noise != 0.0
    if lazy:
        data: Any = read_eels_lazy(file, energy_unit=energy_unit)
        if noise:
            data = with_lazy_noise_model(data, detector_gain, read_noise)
    else:
        data = read_eels(file, energy_unit=energy_unit)
        if noise:
            data = with_noise_model(data, detector_gain, read_noise)
    if len(data.nav_shape) != 2:
        what, use = ("one spectrum", "temperature") if not data.nav_shape else ("a line scan", "profile")
        raise InputError(f"{file.name} holds {what}: a map needs a spectrum image (use eels {use})")
    memory = memory_estimate(
        data, chunk_mb=float(chunk_mb), workers=int(workers), bin_position=int(bin_position), device=run_on
    )
    tmap = stream_temperature_map(
        data,
        win,
        background=JOINT if background == _JOINT else model,
        fit_windows_mev=windows,
        region_mev=reg,
        bin_position=int(bin_position),
        chunk_mb=float(chunk_mb),
        workers=int(workers),
        device=run_on,
    )
    if plot is not None:
        from ..plotting.eels import map_figure

        map_figure(tmap, path=plot)
    if as_json:
        _emit(
            {
                "file": str(file),
                "steps": list(tmap.steps),
                "device": tmap.device,
                "memory": memory.to_dict(),
                "map": tmap,
            }
        )
        return
    report = Report(explain=explain)
    if tmap.n_valid:
        t_min, t_max, t_median, err_median = tmap.valid_summary()
        report.answer(
            f"T from {_fmt(t_min)} to {_fmt(t_max)} K, median {_fmt(t_median)} K; median error {_fmt(err_median, 2)} K"
        )
    report.answer(f"{tmap.n_valid} of {tmap.valid.size} pixels with a temperature ({tmap.shape} grid)")
    if tmap.adequate is not None:
        _verdict(
            report,
            f"{tmap.n_inadequate} of {tmap.n_valid} pixels inadequate (chi2 p < 0.001; their errors inflated by "
            "sqrt(chi2/dof))",
            bool(tmap.n_inadequate),
        )
    if tmap.reasons:
        report.detail(
            "no temperature: " + "; ".join(f"{n} pixel(s): {text}" for text, n in tmap.reasons.items()),
            "pixels without a temperature",
        )
    report.detail(f"{file}: {' -> '.join(tmap.steps)}", "the preprocessing")
    report.detail(f"memory: {memory.words}", "memory")
    report.show()


# ----------------------------------------------------------------------------------------------------- flows
def flows_command(
    forward: Annotated[Path, typer.Argument(help="line scan or image under the forward heat flow")],
    reverse: Annotated[Path, typer.Argument(help="the same interface under the reverse heat flow")],
    bands: Annotated[str, typer.Option("--bands", help="mode bands |E| in meV, e.g. 65:75,85:95 (two or more)")],
    window: _Window = None,
    background: _Background = "power-law",
    background_windows: _BackgroundWindows = None,
    energy_unit: _EnergyUnit = None,
    plot: Annotated[Path | None, typer.Option(help="per-mode asymmetries and temperatures, both flows")] = None,
    as_json: _Json = False,
    explain: _Explain = False,
) -> None:
    """Forward vs reverse heat flow: per-mode gain/loss asymmetry and temperatures, and their difference."""
    if plot is not None:
        check_output(plot, _PLOT_SUFFIXES, "--plot")
    band_list = parse_ranges(bands, "--bands")
    win = parse_range(window, "--window")
    _background(background)  # joint is not offered for flows: refused here, not ignored
    from ..analysis.eels.flows import compare_flows

    kw = dict(
        energy_unit=energy_unit,
        detector_gain=1.0,
        read_noise=0.0,
        background=background,
        background_windows=background_windows,
    )
    fwd = _load(forward, **kw)  # type: ignore[arg-type]
    rev = _load(reverse, **kw)  # type: ignore[arg-type]
    cmp = compare_flows(fwd, rev, band_list, window_mev=win)
    if plot is not None:
        from ..plotting.eels import flows_figure

        flows_figure(cmp, path=plot)
    notes = _flow_notes(cmp)
    if as_json:
        _emit({"forward": str(forward), "reverse": str(reverse), "comparison": cmp, "notes": notes})
        return
    report = Report(explain=explain)
    table = Table("band (meV)", "gain/loss: p(fwd = rev)", "max |z|", "mode T: p(fwd = rev)")
    t_p = np.atleast_1d(np.asarray(cmp.temperature_pvalue, dtype=float))

    def cell(x: Any, digits: int, mark: str) -> str:
        return _fmt(x, digits) if math.isfinite(float(x)) else f"n/a {mark}"

    for b, (lo, hi) in enumerate(cmp.bands_mev):
        tp = cell(t_p[b], 2, "(b)") if t_p.size > b else "-"
        table.add_row(f"{lo:g}-{hi:g}", cell(cmp.ratio_pvalue[b], 2, "(a)"), cell(cmp.ratio_max_abs_z[b], 3, "(a)"), tp)
    report.answer(table)
    if len(cmp.bands_mev) > 1:
        report.answer(
            f"dominance gain({cmp.bands_mev[0][0]:g}-{cmp.bands_mev[0][1]:g}) / gain({cmp.bands_mev[1][0]:g}-"
            f"{cmp.bands_mev[1][1]:g} meV): p(forward = reverse) = {cell(cmp.dominance_pvalue, 2, '(c)')}"
        )
    for note in notes:  # a number the table could not give: a partial result
        report.warn(note)
    report.detail(
        "small p: the two heat flows populate that band differently (chi2 of the z-scores over positions)",
        "the test in words",
    )
    report.show()


def _flow_notes(cmp: Any) -> list[str]:
    """A sentence for every number of a flow comparison that is not a number (never a bare NaN)."""
    notes = []
    r_p = np.atleast_1d(np.asarray(cmp.ratio_pvalue, dtype=float))
    t_p = np.atleast_1d(np.asarray(cmp.temperature_pvalue, dtype=float))
    bands = [f"{lo:g}-{hi:g} meV" for lo, hi in cmp.bands_mev]
    bad_r = [b for b, p in zip(bands, r_p) if not math.isfinite(p)]
    if bad_r:
        notes.append(
            f"(a) n/a for {', '.join(bad_r)}: at no position do both runs have a positive gain and loss sum in the "
            "band (after the background subtraction), so there is no gain/loss ratio to compare"
        )
    bad_t = [b for b, p in zip(bands, t_p) if not math.isfinite(p)] if t_p.size else []
    if bad_t:
        notes.append(
            f"(b) n/a for {', '.join(bad_t)}: at no position do both runs give a temperature in the band (no gain or "
            "loss signal above noise there)"
        )
    if len(bands) > 1 and not math.isfinite(float(cmp.dominance_pvalue)):
        notes.append(
            "(c) n/a: at no position do both runs have positive gain sums in the first two bands, so there is no "
            "dominance ratio to compare"
        )
    return notes


# -------------------------------------------------------------------------------------------------- simulate
_Material = Annotated[str | None, typer.Option("--material", help="material of the database (Debye DOS)")]
_DosModel = Annotated[str, typer.Option("--dos-model", help="DOS of --material: debye, branch, sine or sine-zb")]
_Phonopy = Annotated[Path | None, typer.Option("--phonopy", help="phonopy.yaml with force constants")]
_DosTable = Annotated[Path | None, typer.Option("--dos-table", help="CSV: energy (meV), DOS")]
_Mesh = Annotated[int, typer.Option("--mesh", help="q-mesh per direction for a phonopy DOS")]
_SignalFraction = Annotated[
    float | None, typer.Option("--signal-fraction", help="loss-side phonon counts / dose (default: the model's)")
]


def _signal_fraction(value: float | None) -> dict[str, Any]:
    """The forward model's keyword for --signal-fraction (empty: its documented default)."""
    if value is None:
        return {}
    _checks.positive(value, "--signal-fraction", "")
    return {"signal_fraction": value}


def _dos(material: str | None, dos_model: str, phonopy: Path | None, dos_table: Path | None, mesh: int) -> Any:
    from ..phonons import dos as phonon_dos

    given = [x is not None for x in (material, phonopy, dos_table)]
    if sum(given) != 1:
        raise InputError("give exactly one phonon DOS source: --material, --phonopy or --dos-table")
    if phonopy is not None:
        return phonon_dos.phonopy_dos(phonopy, mesh=mesh)
    if dos_table is not None:
        return phonon_dos.table_dos(dos_table)
    return phonon_dos.material_dos(material, model=dos_model)


def simulate_command(
    out: Annotated[Path, typer.Option("--out", help="output file: .hspy (rosettasciio), .msa or .csv, .npz")],
    temperature: Annotated[
        float, typer.Option("--temperature", help="T in K (for a line scan: T just upstream of the interface)")
    ],
    material: _Material = None,
    dos_model: _DosModel = "debye",
    phonopy: _Phonopy = None,
    dos_table: _DosTable = None,
    mesh: _Mesh = 16,
    resolution: Annotated[float, typer.Option("--resolution", help="energy resolution (ZLP FWHM), meV")] = 6.0,
    dose: Annotated[float, typer.Option("--dose", help="electrons per spectrum (ZLP included)")] = 1e6,
    signal_fraction: _SignalFraction = None,
    mode_temperature: Annotated[
        str | None, typer.Option("--mode-temperature", help="bands out of equilibrium, e.g. 75:85=350")
    ] = None,
    material_right: Annotated[
        str | None, typer.Option("--material-right", help="second material: simulate a line scan across an interface")
    ] = None,
    positions: Annotated[str, typer.Option("--positions", help="line scan LO:HI:N in nm")] = "-30:30:61",
    interface: Annotated[float, typer.Option("--interface", help="interface position, nm")] = 0.0,
    jump: Annotated[float, typer.Option("--jump", help="temperature drop at the interface, K")] = 15.0,
    gradient: Annotated[
        str, typer.Option("--gradient", help="|dT/dx| K/nm on the left[,right] (heat flows left to right)")
    ] = "0.18",
    mixing: Annotated[
        str,
        typer.Option("--mixing", help=length_help("probe/delocalisation width across the interface", "nm", "0.5nm")),
    ] = "0.5nm",
    rows: Annotated[
        int,
        typer.Option("--rows", help="with --material-right: this many line scans 1 nm apart, a spectrum image"),
    ] = 1,
    seed: Annotated[int | None, typer.Option("--seed", help="noise seed (default: random)")] = None,
    noise: Annotated[bool, typer.Option("--noise/--no-noise", help="Poisson noise")] = True,
) -> None:
    """Synthetic vibrational EEL spectra from a phonon DOS (forward model): plan experiments, test the analysis."""
    from ..analysis.eels import forward
    from ..analysis.eels.read import SUPPORTED_SUFFIXES, write_eels

    check_output(out, tuple(s for s in (".hspy", ".msa", ".csv", ".npz") if s in SUPPORTED_SUFFIXES), "--out")
    _checks.positive(temperature, "--temperature", "K")
    _checks.positive(resolution, "--resolution", "meV")
    _checks.positive(dose, "--dose", "electrons")
    mixing_nm = parse_length_in(mixing, "--mixing", "nm", zero=True)
    if rows > 1 and material_right is None:
        raise InputError("--rows makes a spectrum image from line scans: give --material-right too")
    modes = parse_mode_temperatures(mode_temperature)
    extra = _signal_fraction(signal_fraction)
    dos = _dos(material, dos_model, phonopy, dos_table, mesh)
    common = dict(
        resolution_mev=resolution,
        dose=dose,
        mode_temperatures=modes or None,
        seed=seed,
        noise=noise,
        **extra,
    )
    if material_right is None:
        data = forward.simulate_spectrum(dos.energy_mev, dos.dos, temperature, **common)
    else:
        from ..phonons.dos import material_dos

        right = material_dos(material_right, model=dos_model)
        x = parse_positions(positions)
        grads = parse_floats(gradient, "--gradient") or (0.18,)
        if len(grads) > 2 or any(g < 0 for g in grads):
            raise InputError(f"--gradient takes one or two values >= 0 K/nm, got {gradient!r}")
        if not (math.isfinite(jump) and jump >= 0):
            raise InputError(f"--jump must be >= 0 K, got {jump:g}")
        g_left, g_right = grads[0], grads[-1]
        # heat flows left to right: T falls along +x on both sides (signed dT/dx = -|gradient|)
        t = forward.interface_temperatures(x, interface, temperature, jump, -g_left, -g_right)  # raises if T <= 0
        scan = (x, t, (dos.energy_mev, dos.dos), (right.energy_mev, right.dos), interface)
        if rows == 1:
            data = forward.simulate_line_scan(*scan, mixing_nm=mixing_nm, **common)
        else:
            data = forward.simulate_spectrum_image(rows, *scan, mixing_nm=mixing_nm, **common)
    path = write_eels(out, data)
    con = Console(highlight=False, stderr=True)
    con.print(f"wrote {path}: {data.nav_shape or 'one spectrum'} x {data.n_channels} channels, {data.source}")


# ------------------------------------------------------------------------------------------------------ plan
def plan_command(
    temperature: Annotated[float, typer.Option("--temperature", help="sample temperature, K")],
    window: Annotated[str, typer.Option("--window", help="|E| window of the mode, meV, LO:HI")],
    material: _Material = None,
    dos_model: _DosModel = "debye",
    phonopy: _Phonopy = None,
    dos_table: _DosTable = None,
    mesh: _Mesh = 16,
    doses: Annotated[str, typer.Option("--doses", help="electrons per spectrum, comma-separated")] = "1e5,1e6,1e7",
    resolutions: Annotated[str, typer.Option("--resolutions", help="ZLP FWHM values, meV")] = "4,6,10",
    signal_fraction: _SignalFraction = None,
    seeds: Annotated[int, typer.Option("--seeds", help="noise realisations per cell (Monte-Carlo)")] = 50,
    seed: Annotated[int, typer.Option("--seed", help="first noise seed")] = 0,
    as_json: _Json = False,
    explain: _Explain = False,
) -> None:
    """Temperature error vs dose and resolution for one mode: simulated spectra through the real analysis."""
    _checks.positive(temperature, "--temperature", "K")
    win = parse_range(window, "--window")
    dose_list = parse_floats(doses, "--doses")
    res_list = parse_floats(resolutions, "--resolutions")
    for v in dose_list or ():
        _checks.positive(v, "--doses", "electrons")
    for v in res_list or ():
        _checks.positive(v, "--resolutions", "meV")
    _checks.count(seeds, "--seeds")
    extra = _signal_fraction(signal_fraction)
    from ..analysis.eels.plan import plan_experiment

    dos = _dos(material, dos_model, phonopy, dos_table, mesh)
    table = plan_experiment(
        dos.energy_mev, dos.dos, temperature, win, dose_list, res_list, n_seeds=int(seeds), seed=seed, **extra
    )
    if as_json:
        _emit({"plan": table})
        return
    report = Report(explain=explain)
    grid = Table(
        "dose \\ FWHM",
        *(f"{r:g} meV" for r in res_list),  # type: ignore[union-attr]
        title="error of T (K): Monte-Carlo (bias); analytic",
    )
    an = np.asarray(table.analytic_err)
    mc = np.asarray(table.temperature_err)
    bias = np.asarray(table.bias)
    for i, d in enumerate(dose_list):  # type: ignore[arg-type]
        cells = [
            f"{_fmt(mc[i, j], 2)} ({bias[i, j]:+.2g}); {_fmt(an[i, j], 2)}"
            for j in range(len(res_list))  # type: ignore[arg-type]
        ]
        grid.add_row(f"{d:.0e}", *cells)
    report.answer(grid)
    report.detail(
        f"{dos.source}: T = {temperature:g} K, mode window {win[0]:g}-{win[1]:g} meV "  # type: ignore[index]
        f"(signal fraction {table.settings['signal_fraction']:g} of the dose in the loss-side phonons)",
        "the settings",
    )
    report.detail(
        f"temperature error in K: Monte-Carlo scatter over {int(seeds)} simulated spectra through the analysis "
        "(bias in brackets), then the analytic Poisson estimate",
        "the cells in words",
    )
    report.show()


eels_app.command("temperature")(temperature_command)
eels_app.command("profile")(profile_command)
eels_app.command("map")(map_command)
eels_app.command("flows")(flows_command)
eels_app.command("simulate")(simulate_command)
eels_app.command("plan")(plan_command)
