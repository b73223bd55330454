r"""Calibration of the EMD conductance (:func:`kapitza.analysis.md.emd.emd_conductance`).

The estimator fits one exponential to the Helfand mean squared displacement of side A's energy (the
lumped two-capacitance model of Rajabpour & Volz, J. Appl. Phys. 108, 094324 (2010)) and states the
jackknife error over independent runs.  The synthetic data here are *not* that model:

* **three bodies** A | I | B: a thin interfacial layer I of heat capacity C_I between the two sides,
  with conductances K_1 (A-I) and K_2 (I-B), so that the interface's conductance is the series value
  G A = K_1 K_2 / (K_1 + K_2) (the network's zero-frequency Johnson-Nyquist noise, as in Puech,
  Bonfait & Castaing, J. Low Temp. Phys. 62, 349 (1986), for two coupled reservoirs).  E_A(t) is
  then a sum of two relaxing modes (the layer's fast one and the slow exchange), not one;
* **coloured microscopic noise** on top: an underdamped AR(2) oscillation of E_A (the kinetic <->
  potential exchange of a vibrating side, period tau/10, damping time tau/20) whose variance is half the slow part's.

The linear network is simulated exactly.  With heat capacities C (diagonal) and the conductance
Laplacian L, the energies obey dE/dt = -L C^-1 E + xi with <xi xi^T> = 2 k_B T^2 L delta(t)
(fluctuation-dissipation: the stationary covariance is k_B T^2 C).  In y = C^{-1/2} E the drift
S = C^{-1/2} L C^{-1/2} is symmetric; its eigenvectors U give independent Ornstein-Uhlenbeck modes
of variance k_B T^2 and rates lambda_k (the zero mode, total energy, is conserved and dropped), each
advanced exactly over one sample interval (scipy.signal.lfilter), and E = C^{1/2} U z.

Truth: G = K_1 K_2 / ((K_1 + K_2) A).  The slow mode's own amplitude extrapolated to t = 0 differs
from it by O(C_I / C_eff); :func:`slow_mode_conductance` gives it, and the case notes state both.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.signal import lfilter

from kapitza.analysis.md.emd import emd_conductance
from kapitza.errors import InputError

from . import common

ESTIMATOR = "EMD conductance (Green-Kubo / Helfand fit)"


def network_modes(
    capacities: np.ndarray, conductances: tuple[float, float], kt2: float
) -> tuple[np.ndarray, np.ndarray]:
    """(rates lambda_k, amplitudes of E_A per unit-variance mode) of the non-conserved modes of A | I | B.

    ``capacities`` (C_A, C_I, C_B); ``conductances`` (K_1, K_2) (energy / time / temperature);
    ``kt2`` = k_B T^2.  E_A = sum_k amp_k z_k with z_k independent OU processes of unit variance.
    """
    k1, k2 = conductances
    lap = np.array([[k1, -k1, 0.0], [-k1, k1 + k2, -k2], [0.0, -k2, k2]])
    half = np.sqrt(capacities)
    s = lap / half[:, None] / half[None, :]
    lam, u = np.linalg.eigh(s)
    keep = lam > 1e-12 * lam.max()
    amp = half[0] * u[0, keep] * math.sqrt(kt2)
    return lam[keep], amp


def slow_mode_conductance(capacities: np.ndarray, conductances: tuple[float, float], area: float) -> float:
    """G of the slowest mode alone, extrapolated to t = 0: amp^2 lambda / (k_B T^2 A) (k_B T^2 cancels)."""
    lam, amp = network_modes(capacities, conductances, 1.0)
    i = int(np.argmin(lam))
    return float(amp[i] ** 2 * lam[i] / area)


def ou(rng: np.random.Generator, n: int, rate_h: float) -> np.ndarray:
    """Unit-variance Ornstein-Uhlenbeck samples, exact update a = exp(-rate h), stationary start."""
    a = math.exp(-rate_h)
    w = rng.standard_normal(n) * math.sqrt(1 - a * a)
    w[0] = rng.standard_normal()
    return lfilter([1.0], [1.0, -a], w)


def ar2(rng: np.random.Generator, n: int, period: float, damping: float) -> np.ndarray:
    """Unit-variance underdamped AR(2) oscillation: period and 1/e damping time in samples."""
    r, theta = math.exp(-1.0 / damping), 2 * math.pi / period
    phi1, phi2 = 2 * r * math.cos(theta), -r * r
    gamma0 = (1 - phi2) / ((1 + phi2) * ((1 - phi2) ** 2 - phi1**2))  # variance for unit innovations
    x = lfilter([1.0], [1.0, -phi1, -phi2], rng.standard_normal(n + 2000))[2000:]  # burn-in: stationary
    return x / math.sqrt(gamma0)


def side_energy(
    rng: np.random.Generator,
    n: int,
    h: float,
    capacities: np.ndarray,
    conductances: tuple[float, float],
    temperature: float,
    oscillation: float,
    tau: float,
) -> np.ndarray:
    """E_A(t) of one run: the network's modes plus an AR(2) oscillation of variance ``oscillation`` x the
    slow variance (period tau/10, 1/e damping tau/20: microscopic, well inside the fit window's start tau/5)."""
    lam, amp = network_modes(capacities, conductances, temperature**2)
    e = capacities[0] * temperature + sum(a * ou(rng, n, lk * h) for lk, a in zip(lam, amp))
    if oscillation:
        slow = float(np.max(np.abs(amp)))
        e = e + math.sqrt(oscillation) * slow * ar2(rng, n, tau / 10 / h, tau / 20 / h)
    return e


def case(
    *,
    c_a: float,
    c_b: float,
    c_i: float,
    n_runs: int,
    run_taus: float,
    oscillation: float,
    samples_per_tau: int = 40,
) -> tuple[callable, float, float, str]:
    """(one(seed), G_true, G_slow_mode, description): A = 16 sigma^2, T = 1.2, K_1 = 2 K_2, LJ units."""
    area, temperature = 16.0, 1.2
    g_true = 0.25
    k = g_true * area
    k1, k2 = 3.0 * k, 1.5 * k  # K_1 = 2 K_2, series K_1 K_2 / (K_1 + K_2) = 4.5 k^2 / 4.5 k = k
    caps = np.array([c_a, c_i, c_b])
    c_eff = c_a * c_b / (c_a + c_b)
    tau = c_eff / k
    h = tau / samples_per_tau
    n = int(run_taus * samples_per_tau)
    g_slow = slow_mode_conductance(caps, (k1, k2), area)

    def one(seed: int) -> tuple[float, float, float, bool] | None:
        rng = np.random.default_rng([25, seed])
        runs = [side_energy(rng, n, h, caps, (k1, k2), temperature, oscillation, tau) for _ in range(n_runs)]
        try:
            r = emd_conductance(runs, h, area, temperature)
        except InputError:
            return None  # refused (e.g. a fit window too short for the runs)
        if not math.isfinite(r.G_err):
            return None
        return r.G, r.G_err, g_true, bool(r.warnings)

    text = f"A|I|B network C_A={c_a:g}, C_I={c_i:g}, C_B={c_b:g}, K_1=2K_2; {n_runs} runs of {run_taus:g} tau" + (
        f"; AR(2) oscillation {oscillation:g} x slow variance" if oscillation else ""
    )
    return one, g_true, g_slow, text


#: The claimed cases: 5 or more runs of 100 tau or more.
CASES = (
    dict(c_a=200.0, c_b=400.0, c_i=4.0, n_runs=8, run_taus=100.0, oscillation=0.5),
    dict(c_a=300.0, c_b=300.0, c_i=10.0, n_runs=6, run_taus=200.0, oscillation=0.0),
    dict(c_a=150.0, c_b=600.0, c_i=4.0, n_runs=12, run_taus=100.0, oscillation=1.0),
)
#: Runs too short for the relaxation time: kapitza must warn (the window cannot reach t1 + 3 tau).
SHORT = dict(c_a=200.0, c_b=400.0, c_i=4.0, n_runs=8, run_taus=10.0, oscillation=0.5)
#: Three runs: a t-interval with 2 degrees of freedom, stated with a warning.
FEW = dict(c_a=200.0, c_b=400.0, c_i=4.0, n_runs=3, run_taus=100.0, oscillation=0.5)
#: One run: no error bar; kapitza states none (G_err NaN, a warning), so the seed is counted as refused.
ONE_RUN = dict(c_a=200.0, c_b=400.0, c_i=4.0, n_runs=1, run_taus=40.0, oscillation=0.5)


def run(n_seeds: int) -> list[common.CalibrationRow]:
    """Rows for the calibration page (module docstring), the stored MD replicas of :mod:`calibration.md_seeds`
    (``lj-emd``) first."""
    from . import md_seeds

    rows = md_seeds.calibration_rows("lj-emd", ESTIMATOR)
    for spec in CASES:
        one, g, g_slow, text = case(**spec)
        note = (
            f"the slow mode alone extrapolates to {g_slow:.4g} ({100 * (g_slow / g - 1):+.1f} % of the series G) "
            f"because of the layer's capacity; coverage error {common.coverage_error(n_seeds):.3f}"
        )
        truth = f"G = {g:g} k_B/(tau sigma^2)"
        rows.append(common.summarize(ESTIMATOR, text, truth, common.run_seeds(one, n_seeds), note=note))
    for spec, seeds, expected, note in (
        (SHORT, n_seeds, "flagged", "runs shorter than 12 tau: the result carries a warning or is refused"),
        (FEW, n_seeds, "flagged", "fewer than 5 runs: the result carries a warning"),
        (ONE_RUN, min(n_seeds, 20), "refused", "one run: no error bar is stated (G_err NaN, warning)"),
    ):
        one, g, _, text = case(**spec)
        truth = f"G = {g:g} k_B/(tau sigma^2)"
        rows.append(common.summarize(ESTIMATOR, text, truth, common.run_seeds(one, seeds), expected, note))
    return rows
