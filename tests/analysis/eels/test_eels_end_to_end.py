"""The whole chain on known truth: forward model -> preprocessing -> detailed-balance fit (issue 13's tests).

Reference values: the truth is the temperature the forward model was given (its Bose populations obey
I_gain/I_loss = exp(-E/k_B T) exactly, Idrobo et al. PRL 120, 095901 (2018)); a well-calibrated estimator puts
about 68 % of noise seeds within 1 standard error of it, and its error falls as 1/sqrt(dose) (Poisson counting).

The default power-law background is not the forward model's ZLP shape (a Gaussian core plus a Student-t tail),
and the one-phonon signal reaches into its fit windows: that leaves a systematic error, measured here without
noise (test_background_systematic_*) and not part of the stated errors.  The coverage tests use doses where the
counting error is larger than it, as an experiment planned with ``kapitza eels plan`` would.
"""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.analysis.eels.forward import simulate_spectrum, simulate_stack
from kapitza.analysis.eels.preprocess import preprocess
from kapitza.analysis.eels.temperature import fit_temperature
from kapitza.phonons.dos import material_dos

N_SEEDS = 400


@pytest.fixture(scope="module")
def aln():
    return material_dos("AlN")


def _fits(dos, temperature, dose, window, seed):
    stack = simulate_stack(dos.energy_mev, dos.dos, temperature, n_copies=N_SEEDS, seed=seed, dose=dose)
    return fit_temperature(preprocess(stack), window)


@pytest.mark.parametrize(
    ("temperature", "dose", "window"),
    [(100.0, 1e10, (25.0, 45.0)), (300.0, 3e6, (50.0, 80.0)), (1000.0, 1e7, (50.0, 80.0))],
)
def test_forward_model_temperatures_are_recovered_within_their_errors(aln, temperature, dose, window):
    """Truth = the simulated T; 1-sigma coverage about 68 % (binomial band for 400 seeds, widened for the
    systematic below which lowers the expected coverage to about 0.62-0.66: 0.57-0.79), the stated
    error equal to the scatter over seeds within 20 %, the mean within 3 SE plus the measured systematic (3 %)."""
    fit = _fits(aln, temperature, dose, window, seed=int(temperature))
    t, e = np.asarray(fit.temperature), np.asarray(fit.temperature_err)
    assert np.asarray(fit.valid).all()
    assert 0.57 <= np.mean(np.abs(t - temperature) < e) <= 0.79
    # where the ratio fit's chi2 says inadequate (p < 0.001; at 100 K chi2/dof ~ 3.4, from the correlated residual
    # of the subtracted background) its statistical error is inflated by sqrt(chi2/dof) (issue 25): the stated
    # error is then allowed up to 1.3 x the scatter, and the verdict must say so
    ok = np.asarray(fit.adequate)
    if ok.mean() > 0.5:
        assert np.median(e) == pytest.approx(np.std(t), rel=0.2)
    else:
        assert 0.8 * np.std(t) <= np.median(e) <= 1.3 * np.std(t)
        assert "inadequate" in fit.verdict
    assert abs(np.mean(t) - temperature) < 3 * np.std(t) / np.sqrt(t.size) + 0.03 * temperature


def test_temperature_error_falls_as_one_over_root_dose(aln):
    """Poisson counting: sigma_T * sqrt(dose) is constant; x100 dose -> errors / 10 (within 15 %)."""
    low = np.median(np.asarray(_fits(aln, 1000.0, 1e6, (50.0, 80.0), seed=1).temperature_err))
    high = np.median(np.asarray(_fits(aln, 1000.0, 1e8, (50.0, 80.0), seed=2).temperature_err))
    assert low / high == pytest.approx(10.0, rel=0.15)


@pytest.mark.parametrize(
    ("temperature", "window"), [(100.0, (25.0, 45.0)), (300.0, (50.0, 80.0)), (1000.0, (50.0, 80.0))]
)
def test_background_systematic_is_bounded_and_vanishes_without_a_tail(aln, temperature, window):
    """Noise-free spectra: with the default ZLP tail the power-law background leaves |bias| < 5 % (measured
    2-4 %); with no tail (nothing to remove, background='none') the fit returns the truth to 1 %: what is left is
    the finite resolution (the ratio of two spectra convolved with the 6 meV response is exp(-E/kT) only up to
    terms of order (sigma/kT)^2; measured +0.6 % at 100 K, where kT = 8.6 meV)."""
    kw = dict(dose=1e9, noise=False)
    tailed = fit_temperature(preprocess(simulate_spectrum(aln.energy_mev, aln.dos, temperature, **kw)), window)
    assert abs(tailed.temperature / temperature - 1) < 0.05
    bare = simulate_spectrum(aln.energy_mev, aln.dos, temperature, zlp_tail=0.0, **kw)
    clean = fit_temperature(preprocess(bare, background=None), window)
    assert clean.temperature == pytest.approx(temperature, rel=0.01)


def test_the_background_variance_is_not_mistaken_for_an_uncentred_peak(aln):
    """The background fit's variance is zero inside the core it leaves out and largest at its edge (~12 meV); where
    it outweighs the Poisson noise (the forward-model helper met it at 1e12 electrons before the fit covariance was
    left unscaled) the centring check must not read it as a zero-loss peak off 0.  Made certain here by inflating
    that variance 1e6 times.  Truth: 300 K, within the 5 % background systematic and 5 sigma."""
    import dataclasses

    data = preprocess(simulate_spectrum(aln.energy_mev, aln.dos, 300.0, dose=1e9, seed=3))
    bg = data.background
    loud = dataclasses.replace(bg, variance=bg.variance * 1e6)
    data = data.replace(
        "background variance x 1e6", variance=data.variance + loud.variance - bg.variance, background=loud
    )
    fit = fit_temperature(data, (50.0, 80.0))
    assert abs(fit.temperature - 300.0) < 0.05 * 300.0 + 5 * fit.temperature_err


def test_a_detector_gain_set_on_read_data_reaches_the_fit(aln):
    """Counts in detector units (x2 per electron) with detector_gain 2 are the same electrons: analytic, the
    temperature and its error equal those of the electron counts (the fit splits the Poisson part with the gain
    the noise model records in metadata)."""
    from kapitza.analysis.eels.data import with_noise_model

    raw = simulate_spectrum(aln.energy_mev, aln.dos, 300.0, dose=1e8, seed=7)
    doubled = with_noise_model(
        raw.replace("x2 detector units", counts=2 * raw.counts, variance=4 * raw.variance), 2.0, 0.0
    )
    windows = ((12.0, 18.0), (110.0, 125.0))
    ref = fit_temperature(preprocess(raw, fit_windows_mev=windows), (50.0, 80.0))
    fit = fit_temperature(preprocess(doubled, fit_windows_mev=windows), (50.0, 80.0))
    assert fit.temperature == pytest.approx(ref.temperature, rel=1e-6)
    assert fit.temperature_err == pytest.approx(ref.temperature_err, rel=0.01)
