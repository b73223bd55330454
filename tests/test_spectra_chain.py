"""kapitza.spectra on a harmonic chain between Langevin baths, against the exact transmission.

One NEMD run (numpy Langevin MD, tests/chain_md.py) of a mass-mismatched chain m | 3m, 20 atoms,
64 replicas x 8 blocks of 256 samples, is shared by the tests of this module; its reference is
:func:`kapitza.transmission.chain.langevin_chain_transmission` (Dhar, PRL 86, 5882 (2001)).  Units: m = k = k_B = 1.

Noise: every estimate is averaged over R x B = 512 independent (replica, block) estimates, and its standard error
(SE) is their standard deviation / sqrt(512).  Replicas are independent; consecutive blocks of one replica are
correlated only through the chain's energy (relaxation time ~ 1/gamma ~ 2, block length 128), so the SE is honest.
"""

from __future__ import annotations

import numpy as np
import pytest

from chain_md import ChainMD
from kapitza import spectra
from kapitza.transmission.chain import langevin_chain_transmission

N_ATOMS, SPLIT = 20, 10  # atoms 0..9 mass 1, 10..19 mass 3; the interface bond joins atoms 9 and 10
N_SAMPLES, EVERY, DT = 256, 10, 0.05
DTS = EVERY * DT
GAMMA_L, GAMMA_R = 1.0, 1.0 / np.sqrt(3.0)  # friction gamma m = sqrt(k m): impedance-matched at low frequency
T_HOT, T_COLD = 1.5, 0.5
COUPLING = np.array([[-1.0]])  # K_ji = d2U/du_j du_i = -k across the interface bond
EDGE_3M = 2.0 / np.sqrt(3.0)  # band edge of the heavy side: no transmission above it


def chain(hot_left: bool = True, replicas: int = 64, seed: int = 1, quartic: float = 0.0):
    masses = np.r_[np.ones(SPLIT), 3.0 * np.ones(N_ATOMS - SPLIT)]
    gamma = np.zeros(N_ATOMS)
    gamma[0], gamma[-1] = GAMMA_L, GAMMA_R
    temperature = np.zeros(N_ATOMS)
    temperature[0], temperature[-1] = (T_HOT, T_COLD) if hot_left else (T_COLD, T_HOT)
    return ChainMD(
        masses, np.ones(N_ATOMS - 1), gamma, temperature, dt=DT, replicas=replicas, seed=seed, quartic=quartic
    )


def per_replica(fn, *hats):
    """``fn`` on each replica's slice (replicas are the atoms axis of the transforms): shape (replicas, nf)."""
    return np.array([fn(*(h[:, r : r + 1] for h in hats)) for r in range(hats[0].shape[1])])


def run(hot_left: bool = True, replicas: int = 64, blocks: int = 8, seed: int = 1, quartic: float = 0.0):
    md = chain(hot_left, replicas, seed, quartic)
    md.run(4000)  # 200 time units: ~100 relaxation times 1/gamma
    out = {"q_force": [], "q_harm": [], "bath": [], "force": [], "v1": [], "v2": []}
    for blk in md.blocks(blocks, N_SAMPLES, EVERY, atoms=[SPLIT - 1, SPLIT], bonds=[SPLIT - 1]):
        v1 = spectra.transform(blk["v"][:, :, 0:1])  # (nf, replicas, 1): one component per atom
        v2 = spectra.transform(blk["v"][:, :, 1:2])
        f21 = spectra.transform(blk["f"][:, :, 0:1])  # force on atom 10 (side 2) from atom 9 (side 1)
        out["q_force"].append(
            per_replica(lambda a, b, c, d: spectra.force_heat_spectrum(a, b, c, d, N_SAMPLES, DTS), f21, v2, -f21, v1)
        )
        out["q_harm"].append(
            per_replica(lambda a, b: spectra.harmonic_heat_spectrum(a, b, COUPLING, N_SAMPLES, DTS), v1, v2)
        )
        out["bath"].append(0.5 * (blk["bath_power"][:, 0] - blk["bath_power"][:, -1]))
        out["force"].append(blk["f"][:, :, 0])
        out["v1"].append(blk["v"][:, :, 0])
        out["v2"].append(blk["v"][:, :, 1])
    return {key: np.concatenate(val, axis=1 if key in ("force", "v1", "v2") else 0) for key, val in out.items()}


@pytest.fixture(scope="module")
def nemd():
    return run()


def mean_se(samples):
    samples = np.asarray(samples)
    return samples.mean(axis=0), samples.std(axis=0, ddof=1) / np.sqrt(samples.shape[0])


def expected_spectrum(omega):
    """Exact k_B T(w) (T_hot - T_cold) / (2 pi), convolved with the Hann window's spectral kernel.

    E[windowed periodogram at w_k] = integral S(w') |W(w_k - w')|^2 dw' / integral |W|^2 (W = sum_t w_t e^{-i w t dt});
    the finite chain's T(w) has resonances sharper than the bin width, so the raw T would not do.
    """
    fine = np.linspace(0.0, 2.5, 8001)
    exact = langevin_chain_transmission(fine, chain().masses, np.ones(N_ATOMS - 1), GAMMA_L, GAMMA_R)
    exact = exact * (T_HOT - T_COLD) / (2 * np.pi)
    t = np.arange(N_SAMPLES)
    w = spectra.window(N_SAMPLES)
    grid = np.linspace(-3.0, 3.0, 6001)
    on_grid = np.abs(np.exp(-1j * grid[:, None] * t * DTS) @ w) ** 2
    kernel = np.interp(omega[:, None] - fine[None, :], grid, on_grid)
    norm = 2 * np.pi / DTS * np.sum(w * w)  # integral of |W|^2 over one period (Parseval of the DTFT)
    return np.trapezoid(kernel * exact[None, :], fine, axis=1) / norm


def test_parseval_force_form_is_the_window_weighted_mean_power():
    """integrate(force_heat_spectrum) equals sum_t w_t^2 P_t / sum_t w_t^2 with P = (F21 v2 - F12 v1)/2 (Parseval,
    kapitza.spectra docstring): an identity, so to 1e-12 relative (round-off of a 256-point FFT is ~1e-15).

    The expected value is an analytic identity computed independently in the test.
    """
    rng = np.random.default_rng(7)
    n, dt = 256, 0.3
    f21, v2, f12, v1 = rng.standard_normal((4, n, 5, 3)) + 0.2
    q = spectra.force_heat_spectrum(*(spectra.transform(a) for a in (f21, v2, f12, v1)), n, dt)
    w2 = spectra.window(n) ** 2
    power = 0.5 * (np.sum(f21 * v2, axis=(1, 2)) - np.sum(f12 * v1, axis=(1, 2)))
    expected = np.sum(w2 * power) / np.sum(w2)
    assert spectra.integrate(q, n, dt) == pytest.approx(expected, rel=1e-12)


def test_parseval_on_the_chain(nemd):
    """The same identity on one block of the chain MD (replica 0, block 0).

    The expected value is the analytic Parseval identity, computed in the time domain in the test.
    """
    f, v1, v2 = nemd["force"][:, 0], nemd["v1"][:, 0], nemd["v2"][:, 0]
    q = nemd["q_force"][0]
    w2 = spectra.window(N_SAMPLES) ** 2
    expected = np.sum(w2 * f * (v1 + v2) / 2) / np.sum(w2)
    assert spectra.integrate(q, N_SAMPLES, DTS) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parity
def test_harmonic_and_force_forms_agree(nemd):
    """On a harmonic chain F21 = -K u is exact, so the two forms estimate the same spectrum; they differ only by the
    window's end effects (the windowed transform of v is i w times that of u up to a w'(t) u(t) term) and the
    self term -k u_j v_j whose Re cross-spectrum vanishes on average.  Checked in bands of 4 bins (k >= 1; at k = 0
    the harmonic form is 0 by construction): the band mean difference is below 1.5 SE of the force form's noise
    (seen: at most 0.9 SE, just below the heavy side's band edge; elsewhere < 0.5 SE), and the integrals agree
    within 3 SE of their paired difference."""
    qf, qh = nemd["q_force"][:, 1:49], nemd["q_harm"][:, 1:49]
    bf = qf.reshape(qf.shape[0], -1, 4).mean(axis=2)
    bh = qh.reshape(qh.shape[0], -1, 4).mean(axis=2)
    mean_f, se_f = mean_se(bf)
    mean_h, _ = mean_se(bh)
    assert np.all(np.abs(mean_f - mean_h) < 1.5 * se_f)
    diff, se_diff = mean_se(spectra.integrate(qf - qh, N_SAMPLES, DTS, axis=1))
    assert abs(diff) < 3 * se_diff


@pytest.mark.parity
def test_harmonic_limit_matches_exact_transmission(nemd):
    """NEMD q(w) / (T_hot - T_cold) = k_B T(w) / (2 pi) frequency by frequency (Dhar 2001; the reference convolved
    with the Hann kernel, see expected_spectrum), in 14 bands of 2 bins from k = 1 to 28 (w up to 1.37, past the
    heavy side's band edge 1.155): each band within 3.5 SE (14 bands: a 3.5-sigma excursion has p ~ 0.6 % overall).
    Both forms are checked."""
    omega = spectra.frequencies(N_SAMPLES, DTS)
    bins = np.arange(1, 29)
    expected = expected_spectrum(omega[bins]).reshape(-1, 2).mean(axis=1)
    assert expected.max() > 0.1  # the reference is not trivially zero
    for key in ("q_force", "q_harm"):
        bands = nemd[key][:, bins].reshape(nemd[key].shape[0], -1, 2).mean(axis=2)
        mean, se = mean_se(bands)
        assert np.all(np.abs(mean - expected) < 3.5 * se), (key, (mean - expected) / se)


@pytest.mark.parity
def test_integral_matches_bath_flux_and_exact_current(nemd):
    """Sum rule: integrate(q) equals the bath flux (the work of the Langevin forces per time, (P_hot - P_cold)/2) and
    the exact current k_B dT / (2 pi) integral T dw (Dhar 2001), each within 3 SE (SEs added in quadrature)."""
    q_int, q_se = mean_se(spectra.integrate(nemd["q_harm"], N_SAMPLES, DTS, axis=1))
    bath, bath_se = mean_se(nemd["bath"])
    fine = np.linspace(0.0, 2.5, 20001)
    exact = np.trapezoid(langevin_chain_transmission(fine, chain().masses, np.ones(19), GAMMA_L, GAMMA_R), fine)
    exact *= (T_HOT - T_COLD) / (2 * np.pi)
    assert abs(q_int - bath) < 3 * np.hypot(q_se, bath_se)
    assert abs(q_int - exact) < 3 * q_se
    assert abs(bath - exact) < 3 * bath_se


def test_sign_flips_with_the_baths_and_with_the_side_labels(nemd):
    """Swapping the baths reverses the heat flow: integrate(q) changes sign (same magnitude within 3 SE).  Calling
    the heavy side 1 (swapping v1 <-> v2, F21 <-> F12, K -> K^T) negates q exactly (the forms are antisymmetric)."""
    swapped = run(hot_left=False, replicas=32, blocks=4, seed=2)
    fwd, fwd_se = mean_se(spectra.integrate(nemd["q_force"], N_SAMPLES, DTS, axis=1))
    rev, rev_se = mean_se(spectra.integrate(swapped["q_force"], N_SAMPLES, DTS, axis=1))
    assert fwd > 10 * fwd_se and rev < -10 * rev_se
    assert abs(fwd + rev) < 3 * np.hypot(fwd_se, rev_se)

    f, v1, v2 = nemd["force"][:, :4], nemd["v1"][:, :4], nemd["v2"][:, :4]
    fh, v1h, v2h = (spectra.transform(a[..., None]) for a in (f, v1, v2))
    ours = spectra.force_heat_spectrum(fh, v2h, -fh, v1h, N_SAMPLES, DTS)
    relabelled = spectra.force_heat_spectrum(-fh, v1h, fh, v2h, N_SAMPLES, DTS)
    np.testing.assert_allclose(relabelled, -ours, rtol=0, atol=1e-14 * np.abs(ours).max())
    k = -np.eye(4)
    ours_h = spectra.harmonic_heat_spectrum(v1h, v2h, k, N_SAMPLES, DTS)
    relabelled_h = spectra.harmonic_heat_spectrum(v2h, v1h, k.T, N_SAMPLES, DTS)
    np.testing.assert_allclose(relabelled_h, -ours_h, rtol=0, atol=1e-14 * np.abs(ours_h).max())


def test_no_time_symmetry_shortcut(nemd):
    """The K(-t) = K(t) shortcut of the fragile scripts is wrong, and kapitza.spectra does not take it.

    From the same samples, the correlation C(tau) = <F(t) (v1 + v2)(t + tau) / 2> is computed in the time domain
    for |tau| <= 64 samples; the correct one-sided density is (1/pi) sum_tau C(tau) cos(w tau) dt over both signs of
    tau, the shortcut uses 2 C(tau) for tau >= 0 only.  Same lag window for both.  Above the heavy side's band edge
    (w > 1.2) nothing is transmitted (exact T < 1e-5 there): ours stays >= -3 SE there, and so
    does the time-domain two-sided estimate, while the shortcut is negative by > 10 SE (seen: about -0.36 at
    w ~ 1.2, ~60 SE) and positive where the chain has no modes at all (w > 1.75)."""
    f = nemd["force"] - nemd["force"].mean(axis=0)
    v = 0.5 * (nemd["v1"] + nemd["v2"])
    v = v - v.mean(axis=0)
    n, lags = N_SAMPLES, 64
    f = f.reshape(n, -1)  # blocks x replicas as columns
    v = v.reshape(n, -1)
    c_pos = np.array([(f[: n - t] * v[t:]).mean(axis=0) for t in range(lags + 1)])
    c_neg = np.array([(f[t:] * v[: n - t]).mean(axis=0) for t in range(lags + 1)])
    omega = spectra.frequencies(n, DTS)
    weight = 0.5 + 0.5 * np.cos(np.pi * np.arange(lags + 1) / (lags + 1))
    weight[0] *= 0.5
    cosine = np.cos(np.outer(omega, np.arange(lags + 1) * DTS)) * weight
    two_sided = (cosine @ (c_pos + c_neg) * DTS / np.pi).T
    shortcut = (cosine @ (2 * c_pos) * DTS / np.pi).T
    high = (omega > 1.2) & (omega < 3.0)
    ours, ours_se = mean_se(nemd["q_force"][:, high])
    two, two_se = mean_se(two_sided[:, high])
    short, short_se = mean_se(shortcut[:, high])
    assert np.all(ours > -3 * ours_se)
    assert np.all(two > -3 * two_se)
    assert np.min(short / short_se) < -10
    assert np.max(short[omega[high] > 1.75] / short_se[omega[high] > 1.75]) > 10


def test_anharmonic_chain_carries_heat_above_the_heavy_band_edge(nemd):
    """Quartic bonds (U = k u^2/2 + u^4/4, k = 1, at T ~ 1 where <u^4>/<u^2> ~ 3 T: strongly anharmonic): the
    force form stays exact (its integral equals the bath flux within 3 SE; seen 0.172 +- 0.007 vs 0.173 +- 0.005
    at 32 x 6) while the harmonic form with the bare k misses most of it (seen 0.069), and heat crosses the
    interface above the heavy side's band edge (w > 1.25 > 1.155), where the harmonic chain carries none within
    3 SE (seen 0.028 +- 0.003 of 0.172, against 0.0001 +- 0.0001): inelastic (frequency-mixing) transport, the
    channel no harmonic model sees (Saaskilahti et al., PRB 90, 134312 (2014))."""
    anharmonic = run(replicas=32, blocks=6, seed=5, quartic=1.0)
    omega = spectra.frequencies(N_SAMPLES, DTS)
    d_omega = omega[1]
    q_int, q_se = mean_se(anharmonic["q_force"].sum(axis=1) * d_omega)
    bath, bath_se = mean_se(anharmonic["bath"])
    assert abs(q_int - bath) < 3 * np.hypot(q_se, bath_se)
    harm_int, _ = mean_se(anharmonic["q_harm"].sum(axis=1) * d_omega)
    assert harm_int < 0.6 * q_int
    high = omega > 1.25
    above, above_se = mean_se(anharmonic["q_force"][:, high].sum(axis=1) * d_omega)
    assert above > 5 * above_se and above > 0.05 * q_int
    harmonic_above, harmonic_se = mean_se(nemd["q_force"][:, high].sum(axis=1) * d_omega)
    assert abs(harmonic_above) < 3 * harmonic_se
