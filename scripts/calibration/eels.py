"""Calibration of the EELS temperature (one spectrum) and the EELS temperature profile (a line scan).

The spectra come from a generator written here, independently of kapitza's forward model
(:mod:`kapitza.analysis.eels.forward` is not imported): the physics is restated from the sources.

- **Zero-loss peak (ZLP)**: a Gaussian core (FWHM ``RESOLUTION_MEV``) plus a *symmetric* tail carrying
  a fraction ``tail_weight`` of the peak's electrons, of one of four families:
  ``lorentzian-power`` (gamma^3 / (gamma^2 + E^2)^(3/2), falling as |E|^-3: the monochromated-ZLP tail of
  issue 25), ``pearson7`` (exponent m = 1.3, falling as |E|^-2.6), ``voigt`` (Gaussian * Lorentzian,
  scipy.special.voigt_profile, falling as |E|^-2) and ``power-law`` (|E|^-2.5 above 4 meV, flat below).
  Every channel is the *average* over 7 sub-channel points (not the point value a fit evaluates),
  and the ZLP sits at a random sub-channel offset, so the data need centring as a measurement does.
- **Phonon signal**: a loss-side single-scattering spectrum S(E) = g(E) / E (dipole one-phonon
  cross-section, g a sum of Gaussian modes: a broad mode at 30 meV (sigma 5 meV) and a mode at
  ``mode_mev``, sigma 7 meV), with loss S (n + 1) and gain S n at the temperature T (n the Bose
  occupation; Idrobo et al., Phys. Rev. Lett. 120, 095901 (2018), Eq. 1: I_gain / I_loss = exp(-E/k_B T)).
  k_B from scipy.constants (CODATA), not kapitza.
- **Noise**: Poisson counts (numpy Generator) at two doses (electrons per spectrum, ZLP included).

Cases.  EELS temperature: each tail family x T in (300, 650, 950) K x dose in (1e8, 1e9), window
60:100 meV, mode at 80 meV (claimed), and the same with the *automatic* window (no window given: what
``kapitza eels temperature FILE`` runs; from 6 x the spectrum's ZLP FWHM to its axis end; claimed); a mode near
the window edges (58 and 102 meV; claimed); and a tail that is *not* symmetric (the gain side's tail 20 %
weaker; not claimed: the fit must flag it by its chi^2 verdict).  kapitza's own forward model (``eels simulate``,
AlN) with the automatic window, for the record of issue 39 (item 8: the old automatic default read it 4 % low):
not a held-out generator.  EELS profile: a line scan of 21 positions across an interface at 0 nm with a 15 K
jump, 0.8 K/nm gradients, Lorentzian-power tail on every spectrum, through ``kapitza.analysis.eels.profile``
(each position fitted on its own); the calibrated numbers are the jump Delta T and the temperatures, with the
60:100 meV window and with the automatic one.  Every spectrum goes in raw (each centred on its own ZLP by the
estimator), as the command line reads a file.

Run the page: ``PYTHONPATH=src:scripts python -m calibration.make_page --only eels --seeds 200``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import constants, special

from . import common

#: k_B in meV / K (CODATA via scipy.constants; not kapitza.units).
KB_MEV_PER_K = constants.k / constants.e * 1e3
RESOLUTION_MEV = 6.0
CHANNEL_MEV = 1.0
E_MAX_MEV = 160.0
#: Fraction of the loss-side electrons in the phonon signal at 300 K (the rest is the ZLP).
PHONON_FRACTION = 2e-3
WINDOW_MEV = (60.0, 100.0)
TEMPERATURES_K = (300.0, 650.0, 950.0)
DOSES = (1e8, 1e9)
FAMILIES = ("lorentzian-power", "pearson7", "voigt", "power-law")
_SUB = 7


def _tail_shape(family: str, e: np.ndarray) -> np.ndarray:
    """Unnormalised symmetric tail shape at energies ``e`` (meV)."""
    a = np.abs(e)
    if family == "lorentzian-power":
        g = 4.0
        return g**3 / (g * g + e * e) ** 1.5
    if family == "pearson7":
        w, m = 5.0, 1.3
        return 1.0 / (1.0 + (e / w) ** 2 * (2 ** (1 / m) - 1)) ** m
    if family == "voigt":
        return special.voigt_profile(e, RESOLUTION_MEV / 2.3548, 1.5)
    if family == "power-law":
        e0 = 4.0
        return np.where(a > e0, (np.maximum(a, e0) / e0) ** -2.5, 1.0)
    raise ValueError(family)


def _channel_average(f: Callable[[np.ndarray], np.ndarray], centres: np.ndarray) -> np.ndarray:
    """Mean of f over each channel (``_SUB`` points across its width)."""
    off = (np.arange(_SUB) + 0.5) / _SUB - 0.5
    pts = centres[:, None] + off[None, :] * CHANNEL_MEV
    return f(pts).mean(axis=1)


@dataclass(frozen=True)
class Case:
    """One synthetic spectrum's physics (everything except the seed)."""

    family: str = "lorentzian-power"
    temperature_k: float = 300.0
    dose: float = 1e8
    tail_weight: float = 0.03
    mode_mev: float = 80.0
    gain_tail_factor: float = 1.0  # != 1: the tail is not symmetric
    mode_temperature_k: float | None = None  # the mode at mode_mev out of equilibrium (a case kapitza must flag)


def _phonon_dos(e: np.ndarray, mode_mev: float, which: str = "both") -> np.ndarray:
    low = np.exp(-0.5 * ((e - 30.0) / 5.0) ** 2)
    high = 0.6 * np.exp(-0.5 * ((e - mode_mev) / 7.0) ** 2)
    return {"both": low + high, "low": low, "high": high}[which]


def expected_spectrum(case: Case, offset_mev: float) -> tuple[np.ndarray, np.ndarray]:
    """(raw energy axis in meV, expected electrons per channel) of one spectrum; ZLP at ``offset_mev``."""
    e = np.arange(-E_MAX_MEV, E_MAX_MEV + 0.5 * CHANNEL_MEV, CHANNEL_MEV)
    x = e - offset_mev  # energy relative to the ZLP
    sig = RESOLUTION_MEV / (2 * math.sqrt(2 * math.log(2)))
    core = _channel_average(lambda p: np.exp(-0.5 * (p / sig) ** 2), x)
    tail = _channel_average(lambda p: _tail_shape(case.family, p), x)
    if case.gain_tail_factor != 1.0:
        tail = np.where(x < -2 * RESOLUTION_MEV, tail * case.gain_tail_factor, tail)
    zlp = (1 - case.tail_weight) * core / core.sum() + case.tail_weight * tail / tail.sum()
    kt = KB_MEV_PER_K * case.temperature_k

    kt_mode = kt if case.mode_temperature_k is None else KB_MEV_PER_K * case.mode_temperature_k

    def loss(p: np.ndarray) -> np.ndarray:
        a = np.maximum(np.abs(p), 1e-6)
        out = np.zeros_like(a)
        for which, k in (("low", kt), ("high", kt_mode)):
            n = 1.0 / np.expm1(a / k)
            s = _phonon_dos(a, case.mode_mev, which) / a
            out += np.where(p > 0, s * (n + 1), s * n)  # loss (E > 0): n + 1; gain (E < 0): n
        return out

    ph = _channel_average(loss, x)
    # normalise the signal at 300 K so that a hotter sample shows more (not the same) phonon counts
    ref = Case(case.family, 300.0, case.dose, case.tail_weight, case.mode_mev)
    e_ref = np.arange(0.5, E_MAX_MEV, 0.5)
    kt_ref = KB_MEV_PER_K * ref.temperature_k
    norm = float(np.sum(_phonon_dos(e_ref, case.mode_mev) / e_ref / -np.expm1(-e_ref / kt_ref)) * 0.5)
    signal = PHONON_FRACTION * ph / norm
    return e, case.dose * (zlp + signal)


def spectrum(case: Case, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(energy axis meV, Poisson counts) of one noisy spectrum."""
    rng = np.random.default_rng(seed)
    offset = float(rng.uniform(-0.5, 0.5)) * CHANNEL_MEV
    e, mu = expected_spectrum(case, offset)
    return e, rng.poisson(mu).astype(float)


def line_scan(case: Case, seed: int, positions_nm: np.ndarray, temperatures_k: np.ndarray) -> tuple[np.ndarray, ...]:
    """(energy axis, counts (n_pos, n_ch)) of a line scan: one spectrum per position at its own T."""
    rows = []
    e = None
    for i, t in enumerate(temperatures_k):
        c = Case(case.family, float(t), case.dose, case.tail_weight, case.mode_mev, case.gain_tail_factor)
        e, counts = spectrum(c, seed * 1000 + i)
        rows.append(counts)
    return e, np.array(rows)


# ----------------------------------------------------------------------------------------- estimators


def _temperature(
    case: Case, seed: int, window: tuple[float, float] | None = WINDOW_MEV, truth: float | None = None
) -> tuple | None:
    from kapitza.analysis.eels.data import eels_data
    from kapitza.analysis.eels.joint import fit_joint_temperature
    from kapitza.errors import InputError

    e, counts = spectrum(case, seed)
    data = eels_data(e, counts)
    try:
        fit = fit_joint_temperature(data, window)
    except InputError:
        return None
    t_true = case.temperature_k if truth is None else truth
    return fit.temperature, fit.temperature_err, t_true, not fit.adequate


def _old_default(case: Case, seed: int) -> tuple | None:
    """The pre-issue-25 default: power-law background on 2-3 x FWHM and the top 15 %, then the ratio fit."""
    from kapitza.analysis.eels.data import eels_data
    from kapitza.analysis.eels.preprocess import preprocess
    from kapitza.analysis.eels.temperature import fit_temperature
    from kapitza.errors import InputError

    e, counts = spectrum(case, seed)
    try:
        fit = fit_temperature(preprocess(eels_data(e, counts), background="power-law"), WINDOW_MEV)
    except InputError:
        return None
    return fit.temperature, fit.temperature_err, case.temperature_k, not fit.adequate


PROFILE_X = np.linspace(-10.0, 10.0, 21)
PROFILE_JUMP_K = 15.0
PROFILE_T0_K = 500.0
PROFILE_GRAD = 0.8


def profile_truth(x: np.ndarray) -> np.ndarray:
    """T(x): 500 K - 0.8 K/nm x on the left, 15 K lower at the plane on the right (heat flows in +x)."""
    return np.where(x < 0, PROFILE_T0_K - PROFILE_GRAD * x, PROFILE_T0_K - PROFILE_JUMP_K - PROFILE_GRAD * x)


def _profile_jump(case: Case, seed: int, window: tuple[float, float] | None = WINDOW_MEV) -> tuple | None:
    from kapitza.analysis.eels.data import eels_data
    from kapitza.analysis.eels.joint import joint_profile
    from kapitza.analysis.eels.profile import analyze_profile
    from kapitza.errors import InputError

    e, counts = line_scan(case, seed, PROFILE_X, profile_truth(PROFILE_X))
    data = eels_data(e, counts, PROFILE_X)
    try:
        prof = joint_profile(data, window)
        jump = analyze_profile(prof, 0.0, exclude_nm=0.5)
    except InputError:
        return None
    return jump.delta_T, jump.delta_T_err, PROFILE_JUMP_K, bool(jump.warnings)


def _profile_points(case: Case, seed: int, window: tuple[float, float] | None = WINDOW_MEV) -> list[tuple]:
    from kapitza.analysis.eels.data import eels_data
    from kapitza.analysis.eels.joint import joint_profile

    truth = profile_truth(PROFILE_X)
    e, counts = line_scan(case, seed, PROFILE_X, truth)
    prof = joint_profile(eels_data(e, counts, PROFILE_X), window)
    return [
        (float(t), float(s), float(tr), not bool(a))
        for t, s, tr, v, a in zip(prof.temperature, prof.temperature_err, truth, prof.valid, prof.adequate)
        if v
    ]


# ----------------------------------------------------------------------------------------------- run

EST_T = "EELS temperature (joint symmetric-tail + detailed-balance fit)"


def temperature_rows(
    n_seeds: int, families=FAMILIES, temps=TEMPERATURES_K, doses=DOSES, window: tuple[float, float] | None = WINDOW_MEV
) -> list[common.CalibrationRow]:
    """Claimed cases: every tail family x temperature x dose, mode at 80 meV; window 60:100 meV, or (None) the
    automatic window of the default."""
    rows = []
    which = "window 60:100 meV" if window is not None else "AUTOMATIC window (the default)"
    for fam in families:
        for t in temps:
            for d in doses:
                case = Case(fam, t, d)
                out = common.run_seeds(lambda s, c=case: _temperature(c, s, window), n_seeds, first_seed=1000)
                rows.append(
                    common.summarize(EST_T, f"{fam} tail 3 %, dose {d:.0e}, {which}", f"{t:g} K", out, "claimed")
                )
    return rows


def _forward_model(t_k: float, dose: float, seed: int) -> tuple | None:
    """kapitza's own forward model (AlN, eels simulate's defaults) through the default (automatic window)."""
    from kapitza.analysis.eels.forward import simulate_spectrum
    from kapitza.analysis.eels.joint import fit_joint_temperature
    from kapitza.errors import InputError
    from kapitza.phonons.dos import material_dos

    dos = material_dos("AlN")
    data = simulate_spectrum(dos.energy_mev, dos.dos, t_k, dose=dose, seed=seed)
    try:
        fit = fit_joint_temperature(data)
    except InputError:
        return None
    return fit.temperature, fit.temperature_err, t_k, not fit.adequate


def forward_model_rows(n_seeds: int) -> list[common.CalibrationRow]:
    """Issue 39 item 8: the default on kapitza's own simulated AlN spectra (not a held-out generator)."""
    rows = []
    for t in (300.0, 650.0):
        for d in (1e7, 1e8):
            out = common.run_seeds(lambda s, t=t, d=d: _forward_model(t, d, s), n_seeds, first_seed=3000)
            rows.append(
                common.summarize(
                    EST_T,
                    f"kapitza's forward model (eels simulate --material AlN), dose {d:.0e}, AUTOMATIC window",
                    f"{t:g} K",
                    out,
                    "claimed",
                    note="kapitza's own generator, not held out: shown because issue 39 (item 8) measured the old "
                    "default on it (288.2 +- 1.6 K for 300 K); its phonon lines carry the instrument's tail, which "
                    "the symmetric-tail model does not describe",
                )
            )
    return rows


def edge_rows(n_seeds: int) -> list[common.CalibrationRow]:
    """A mode near either edge of the 60:100 meV window (claimed), and an asymmetric tail (flagged)."""
    rows = []
    for mode in (58.0, 102.0):
        case = Case("lorentzian-power", 650.0, 1e8, mode_mev=mode)
        out = common.run_seeds(lambda s, c=case: _temperature(c, s), n_seeds, first_seed=5000)
        rows.append(common.summarize(EST_T, f"mode at {mode:g} meV (window edge), dose 1e8", "650 K", out))
    case = Case("lorentzian-power", 650.0, 1e9, gain_tail_factor=0.8)
    out = common.run_seeds(lambda s, c=case: _temperature(c, s), n_seeds, first_seed=7000)
    rows.append(
        common.summarize(
            EST_T,
            "gain-side tail 20 % weaker than the loss side (not symmetric), dose 1e9",
            "650 K",
            out,
            "not claimed",
            note="outside the model and NOT flagged (a stated limit, docs/physics/eels.md): the phonon signal is "
            "free per channel, so a smooth asymmetry is absorbed into it and the tail and leaves no chi2 excess; "
            "coverage stays near 0.64 but the bias is about +0.5 sigma (100 seeds: 0.64, +0.48)",
        )
    )
    rows.append(two_temperature_row(n_seeds))
    return rows


def two_temperature_row(n_seeds: int) -> common.CalibrationRow:
    """The 80 meV mode at 800 K, the 30 meV mode at 650 K: not one temperature, must be flagged."""
    case = Case("lorentzian-power", 650.0, 1e9, mode_temperature_k=800.0)
    out = common.run_seeds(lambda s, c=case: _temperature(c, s, truth=800.0), n_seeds, first_seed=8000)
    return common.summarize(
        EST_T,
        "the 80 meV mode (in the window) at 800 K, the 30 meV mode at 650 K, dose 1e9",
        "800 K (window's mode)",
        out,
        "flagged",
        note="two temperatures in the fitted channels (the region reaches down to 40 meV, into the 650 K mode's "
        "tail): the chi2 verdict must flag it and inflate the error by sqrt(chi2/dof)",
    )


def old_default_rows(n_seeds: int) -> list[common.CalibrationRow]:
    """The old default (power-law background, ratio fit) on the issue's spectra, for the record."""
    rows = []
    for t in TEMPERATURES_K:
        case = Case("lorentzian-power", t, 1e9)
        out = common.run_seeds(lambda s, c=case: _old_default(c, s), n_seeds, first_seed=1000)
        rows.append(
            common.summarize(
                "EELS temperature",
                "OLD default (power-law background, ratio fit), lorentzian-power tail, dose 1e9",
                f"{t:g} K",
                out,
                "flagged",
                note="kept as --background power-law; its chi2 verdict flags the misfit and inflates the error",
            )
        )
    return rows


def profile_rows(n_seeds: int) -> list[common.CalibrationRow]:
    case = Case("lorentzian-power", PROFILE_T0_K, 1e8)
    rows = []
    for window, which in ((WINDOW_MEV, "window 60:100 meV"), (None, "AUTOMATIC window (the default)")):
        jumps = common.run_seeds(lambda s, w=window: _profile_jump(case, s, w), n_seeds, first_seed=9000)
        rows.append(
            common.summarize(
                "EELS temperature profile",
                f"line scan, 21 positions, lorentzian-power tail, dose 1e8 per position, {which}: jump Delta T",
                f"{PROFILE_JUMP_K:g} K",
                jumps,
            )
        )
        n_pts = max(1, n_seeds // 5)
        pts = [p for s in range(n_pts) for p in _profile_points(case, 9500 + s, window)]
        rows.append(
            common.summarize(
                "EELS temperature profile",
                f"same line scan, {which}: every position's T ({n_pts} scans x 21 positions)",
                "485-508 K",
                pts,
            )
        )
    return rows


def run(n_seeds: int) -> list[common.CalibrationRow]:
    """All EELS rows (temperature with the 60:100 meV and the automatic window, kapitza's forward model, window-edge
    modes, asymmetric tail, old default, profile)."""
    return (
        temperature_rows(n_seeds)
        + temperature_rows(n_seeds, window=None)
        + forward_model_rows(max(20, n_seeds // 2))
        + edge_rows(n_seeds)
        + old_default_rows(max(20, n_seeds // 5))
        + profile_rows(max(20, n_seeds // 2))
    )
