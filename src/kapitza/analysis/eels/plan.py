"""Planning an EELS thermometry experiment: temperature error vs dose and energy resolution.

For a material (its phonon DOS), a temperature and the energy window of the mode to be used,
:func:`plan_experiment` fills a table over doses x resolutions with two numbers per cell:

- ``analytic_err``: the Poisson estimate for the ratio of the summed gain and loss counts in the window,
  dT = T x (k_B T / E_eff) x dr/r with dr/r = sqrt(V_gain / N_gain^2 + V_loss / N_loss^2)
  (:func:`~kapitza.analysis.eels.balance.relative_temperature_error`).  N are the phonon counts in the
  window of the noise-free forward model (after the instrument response), V = N + the zero-loss-peak
  tail counts under them (Poisson variance of everything counted; the uncertainty of the background
  model is left out, so this is a lower bound where the tail is large).  E_eff = k_B T x d ln r / d ln T
  of the noise-free spectrum (the mode energy for a single sharp mode; for a band it is the energy that
  the summed ratio actually measures).  It needs no fitting and scales as 1/sqrt(dose).
- ``temperature_err``: Monte-Carlo through the real analysis chain: ``n_seeds`` Poisson copies of the
  spectrum (:func:`~kapitza.analysis.eels.forward.simulate_stack`) are centred and background-subtracted
  (:func:`~kapitza.analysis.eels.preprocess.preprocess`) and fitted
  (:func:`~kapitza.analysis.eels.temperature.fit_temperature`); the standard deviation of the fitted
  temperatures is the error, with the mean reported error and the bias beside it.

All the forward-model assumptions apply (:mod:`~kapitza.analysis.eels.forward`), above all
``signal_fraction``, which sets the phonon counts per electron: set it from your own data.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ... import _checks
from ...errors import InputError
from ...io.results import result
from .balance import KB_MEV, relative_temperature_error
from .forward import (
    DEFAULT_CHANNEL_MEV,
    DEFAULT_SIGNAL_FRACTION,
    DEFAULT_TAIL_EXPONENT,
    DEFAULT_ZLP_TAIL,
    check_dos,
    check_simulation_options,
    simulate_stack,
    spectrum_components,
)

#: Most cells (doses x resolutions) and most Monte-Carlo spectra (cells x seeds) in one plan.
MAX_CELLS = 400
MAX_SPECTRA = 200_000
#: Relative temperature step of the numerical d ln r / d ln T.
_DT_REL = 1e-4


@result
class PlanTable:
    """Temperature error over doses x resolutions for one mode window (see the module docstring).

    Attributes
    ----------
    doses : ndarray, shape (n_dose,)
        Electrons per spectrum.
    resolutions_mev : ndarray, shape (n_res,)
        ZLP FWHM in meV.
    temperature_k : float
        True temperature in K.
    window_mev : (lo, hi)
        ``|E|`` window of the mode in meV.
    effective_energy_mev : ndarray, shape (n_res,)
        E_eff = k_B T d ln r / d ln T of the summed window ratio, in meV.
    n_gain, n_loss : ndarray, shape (n_dose, n_res)
        Expected phonon counts in the window on each side.
    analytic_err : ndarray, shape (n_dose, n_res)
        Poisson estimate of the temperature error in K.
    temperature_err : ndarray (n_dose, n_res) or None
        Monte-Carlo standard deviation of the fitted temperatures in K (inf where fewer than 2 copies gave a
        temperature); None when ``n_seeds=0``.
    reported_err : ndarray (n_dose, n_res) or None
        Mean of the errors the fit reported, in K.
    bias : ndarray (n_dose, n_res) or None
        Mean fitted temperature minus the truth, in K.
    n_valid : ndarray (n_dose, n_res) of int, or None
        Copies that gave a temperature, out of ``n_seeds``.
    n_seeds : int
    settings : mapping
        The forward-model settings (signal fraction, channel width, ZLP tail, form, seed).
    """

    doses: NDArray[np.float64]
    resolutions_mev: NDArray[np.float64]
    temperature_k: float
    window_mev: tuple[float, float]
    effective_energy_mev: NDArray[np.float64]
    n_gain: NDArray[np.float64]
    n_loss: NDArray[np.float64]
    analytic_err: NDArray[np.float64]
    temperature_err: NDArray[np.float64] | None
    reported_err: NDArray[np.float64] | None
    bias: NDArray[np.float64] | None
    n_valid: NDArray[np.int64] | None
    n_seeds: int
    settings: Any

    _summary_fields: ClassVar[tuple[str, ...]] = ("doses", "resolutions_mev", "temperature_k", "window_mev")

    def rows(self) -> list[dict[str, Any]]:
        """One plain dict per cell (dose, resolution, errors in K), for tables and JSON."""
        out = []
        for i, dose in enumerate(self.doses):
            for j, res in enumerate(self.resolutions_mev):
                row: dict[str, Any] = {
                    "dose": float(dose),
                    "resolution_mev": float(res),
                    "analytic_err_k": float(self.analytic_err[i, j]),
                    "n_gain": float(self.n_gain[i, j]),
                    "n_loss": float(self.n_loss[i, j]),
                }
                if self.temperature_err is not None:
                    row["temperature_err_k"] = float(self.temperature_err[i, j])
                    row["reported_err_k"] = float(self.reported_err[i, j])  # type: ignore[index]
                    row["bias_k"] = float(self.bias[i, j])  # type: ignore[index]
                    row["n_valid"] = int(self.n_valid[i, j])  # type: ignore[index]
                out.append(row)
        return out


def _values(values: ArrayLike, name: str) -> NDArray[np.float64]:
    a = np.atleast_1d(np.asarray(values, dtype=float))
    if a.ndim != 1 or a.size == 0 or not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise InputError(f"{name}= must be one or more finite numbers > 0")
    return a


def _window_sums(comp: dict[str, Any], window: tuple[float, float]) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """(phonon gain, phonon loss, ZLP under gain, ZLP under loss) counts in the window, per position."""
    e = comp["energy_mev"]
    loss = (e >= window[0]) & (e <= window[1])
    gain = (e <= -window[0]) & (e >= -window[1])
    ph, zlp = comp["phonon"], comp["zlp"]
    return ph[:, gain].sum(axis=1), ph[:, loss].sum(axis=1), zlp[:, gain].sum(axis=1), zlp[:, loss].sum(axis=1)


def plan_experiment(
    dos_energy_mev: ArrayLike,
    dos: ArrayLike,
    temperature_k: float,
    window_mev: tuple[float, float],
    doses: ArrayLike,
    resolutions_mev: ArrayLike,
    *,
    n_seeds: int = 50,
    seed: int = 0,
    signal_fraction: float = DEFAULT_SIGNAL_FRACTION,
    channel_mev: float = DEFAULT_CHANNEL_MEV,
    energy_range_mev: tuple[float, float] | None = None,
    zlp_tail: float = DEFAULT_ZLP_TAIL,
    zlp_tail_exponent: float = DEFAULT_TAIL_EXPONENT,
    form: str = "quantum",
    background: str = "power-law",
) -> PlanTable:
    """Temperature error vs dose and resolution for the mode in ``window_mev`` (see the module docstring).

    Parameters
    ----------
    dos_energy_mev, dos : array_like, shape (n,)
        Phonon DOS (energies in meV; any DOS unit).
    temperature_k : float
        Sample temperature in K.
    window_mev : (lo, hi)
        ``|E|`` window of the mode used for the temperature, in meV (0 < lo < hi).
    doses : array_like, shape (n_dose,)
        Electrons per spectrum.
    resolutions_mev : array_like, shape (n_res,)
        ZLP FWHM values in meV.
    n_seeds : int
        Monte-Carlo copies per cell (0: the analytic estimate only; otherwise >= 2).
    seed : int
        Seed of the whole plan (each cell gets its own independent stream from it).
    signal_fraction, channel_mev, energy_range_mev, zlp_tail, zlp_tail_exponent, form
        Forward-model settings (:func:`~kapitza.analysis.eels.forward.simulate_spectrum`).
    background : str
        Background model of the analysis chain (``preprocess(background=...)``).
    """
    e, d = check_dos(dos_energy_mev, dos, "dos")
    t = _checks.positive(temperature_k, "temperature_k=", "K")
    dose_arr = _values(doses, "doses")
    res_arr = _values(resolutions_mev, "resolutions_mev")
    for r in res_arr:
        check_simulation_options(r, 1.0, signal_fraction, channel_mev, zlp_tail, zlp_tail_exponent, 0.0, form)
    try:
        lo, hi = (float(x) for x in window_mev)
    except (TypeError, ValueError):
        raise InputError("window_mev= must be a pair (lo, hi) in meV") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and 0 < lo < hi):
        raise InputError(f"window_mev= must satisfy 0 < lo < hi (got {lo:g}, {hi:g})")
    if isinstance(n_seeds, bool) or int(n_seeds) != n_seeds or n_seeds < 0 or n_seeds == 1:
        raise InputError(f"n_seeds= must be 0 (analytic only) or an integer >= 2 (got {n_seeds!r})")
    n_seeds = int(n_seeds)
    n_cells = dose_arr.size * res_arr.size
    if n_cells > MAX_CELLS:
        raise InputError(f"{n_cells} doses x resolutions; at most {MAX_CELLS} cells in one plan")
    if n_cells * n_seeds > MAX_SPECTRA:
        raise InputError(
            f"{n_cells} cells x n_seeds={n_seeds} = {n_cells * n_seeds} spectra; at most {MAX_SPECTRA} (lower n_seeds=)"
        )
    common = {
        "dose": 1.0,
        "signal_fraction": float(signal_fraction),
        "channel_mev": float(channel_mev),
        "energy_range_mev": energy_range_mev,
        "zlp_tail": float(zlp_tail),
        "zlp_tail_exponent": float(zlp_tail_exponent),
        "zlp_offset_mev": 0.0,
        "bands": [],
        "form": form,
    }
    # every count is proportional to the dose: one noise-free spectrum per resolution at dose 1 (and at
    # T (1 +- 1e-4) for d ln r / d ln T) gives every cell of the analytic column
    temps = np.array([t, t * (1 + _DT_REL), t * (1 - _DT_REL)])
    e_eff = np.empty(res_arr.size)
    per_dose = np.empty((4, res_arr.size))
    for j, res in enumerate(res_arr):
        comp = spectrum_components([(e, d)], np.ones((3, 1)), temps, resolution_mev=float(res), **common)
        ng, nl, bg, bl = _window_sums(comp, (lo, hi))
        if not (ng[0] > 0 and nl[0] > 0):
            raise InputError(f"window_mev= {lo:g}:{hi:g} holds no phonon counts on the recorded axis")
        ln_r = np.log(ng / nl)
        slope = (ln_r[1] - ln_r[2]) / (np.log(temps[1]) - np.log(temps[2]))
        if not slope > 0:
            raise InputError(f"the gain/loss ratio in window_mev= {lo:g}:{hi:g} does not change with temperature")
        e_eff[j] = slope * KB_MEV * t  # k_B T x d ln r / d ln T
        per_dose[:, j] = ng[0], nl[0], bg[0], bl[0]
    n_gain = dose_arr[:, None] * per_dose[0][None, :]
    n_loss = dose_arr[:, None] * per_dose[1][None, :]
    var_gain = n_gain + dose_arr[:, None] * per_dose[2][None, :]
    var_loss = n_loss + dose_arr[:, None] * per_dose[3][None, :]
    ratio_rel = np.sqrt(var_gain / n_gain**2 + var_loss / n_loss**2)
    analytic = t * relative_temperature_error(e_eff[None, :], t, ratio_rel)

    mc: dict[str, Any] = {"temperature_err": None, "reported_err": None, "bias": None, "n_valid": None}
    if n_seeds:
        mc = _monte_carlo(
            e, d, t, (lo, hi), dose_arr, res_arr, n_seeds, seed, background,
            {k: v for k, v in common.items() if k not in ("dose", "bands", "zlp_offset_mev")},
        )  # fmt: skip
    settings = {
        "signal_fraction": float(signal_fraction),
        "channel_mev": float(channel_mev),
        "zlp_tail": float(zlp_tail),
        "zlp_tail_exponent": float(zlp_tail_exponent),
        "form": form,
        "seed": int(seed),
        "background": background,
        "method": "analytic: Poisson counts in the window; Monte-Carlo: forward model -> preprocess -> fit_temperature",
    }
    return PlanTable(
        doses=dose_arr,
        resolutions_mev=res_arr,
        temperature_k=t,
        window_mev=(lo, hi),
        effective_energy_mev=e_eff,
        n_gain=n_gain,
        n_loss=n_loss,
        analytic_err=analytic,
        n_seeds=n_seeds,
        settings=settings,
        **mc,
    )


def _monte_carlo(
    e: NDArray,
    d: NDArray,
    t: float,
    window: tuple[float, float],
    doses: NDArray,
    resolutions: NDArray,
    n_seeds: int,
    seed: int,
    background: str,
    forward: dict[str, Any],
) -> dict[str, Any]:
    """Fitted-temperature statistics over noisy copies for every cell (the real analysis chain)."""
    from .preprocess import preprocess
    from .temperature import fit_temperature

    shape = (doses.size, resolutions.size)
    err = np.empty(shape)
    reported = np.empty(shape)
    bias = np.empty(shape)
    n_valid = np.zeros(shape, dtype=np.int64)
    streams = np.random.SeedSequence(int(seed)).spawn(doses.size * resolutions.size)
    for i, dose in enumerate(doses):
        for j, res in enumerate(resolutions):
            stack = simulate_stack(
                e, d, t, n_copies=n_seeds, seed=streams[i * resolutions.size + j], dose=float(dose),
                resolution_mev=float(res), **forward,
            )  # fmt: skip
            fit = fit_temperature(preprocess(stack, background=background), window)
            temps = np.asarray(fit.temperature, dtype=float).reshape(-1)
            errs = np.asarray(fit.temperature_err, dtype=float).reshape(-1)
            ok = np.asarray(fit.valid, dtype=bool).reshape(-1) & np.isfinite(temps) & np.isfinite(errs)
            n_valid[i, j] = int(ok.sum())
            if n_valid[i, j] >= 2:
                err[i, j] = float(np.std(temps[ok], ddof=1))
                reported[i, j] = float(np.mean(errs[ok]))
                bias[i, j] = float(np.mean(temps[ok]) - t)
            else:  # no spread can be measured: the plan says so with inf, never a silent NaN
                err[i, j] = reported[i, j] = bias[i, j] = np.inf
    return {"temperature_err": err, "reported_err": reported, "bias": bias, "n_valid": n_valid}
