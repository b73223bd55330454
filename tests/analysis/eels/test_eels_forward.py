"""The EELS forward model (kapitza.analysis.eels.forward): detailed balance, counts, noise, line scans."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.analysis.eels.balance import KB_MEV
from kapitza.analysis.eels.forward import (
    interface_temperatures,
    simulate_line_scan,
    simulate_spectrum,
    simulate_spectrum_image,
    simulate_stack,
    stack_rows,
)
from kapitza.errors import InputError

#: A smooth Debye-like DOS (E^2 up to 80 meV, rolled off), meV.
E = np.linspace(0.0, 100.0, 401)
D = E**2 * np.clip((90.0 - E) / 10.0, 0.0, 1.0)


def _line(center, width=0.3):
    """A delta-like DOS line (Gaussian of 0.3 meV) at ``center`` meV."""
    e = np.linspace(0.0, 120.0, 4801)
    return e, np.exp(-0.5 * ((e - center) / width) ** 2)


@pytest.mark.parametrize("temperature", [100.0, 300.0, 1000.0])
def test_noise_free_gain_over_loss_is_boltzmann_channel_by_channel(temperature):
    """Analytic (detailed balance, Idrobo et al. PRL 120, 095901 (2018) Eq. 1): I(-E)/I(E) = exp(-E/kT)
    where the resolution (0.5 meV) is narrow against the DOS features and the ZLP (no tail) is negligible."""
    s = simulate_spectrum(E, D, temperature, resolution_mev=0.5, zlp_tail=0.0, channel_mev=0.5, noise=False)
    e = s.energy_mev
    loss = (e > 15) & (e < 75)
    mirror = np.searchsorted(e, -e[loss])
    assert np.allclose(e[mirror], -e[loss], atol=1e-9)
    ratio = s.counts[mirror] / s.counts[loss]
    assert np.allclose(ratio, np.exp(-e[loss] / (KB_MEV * temperature)), rtol=2e-3)


@pytest.mark.law
def test_classical_form_obeys_detailed_balance_too():
    """Schofield-corrected classical form (balance module docstring): same ratio exp(-E/kT), other intensities."""
    kw = {"resolution_mev": 0.5, "zlp_tail": 0.0, "noise": False}
    s = simulate_spectrum(E, D, 300.0, form="classical", **kw)
    q = simulate_spectrum(E, D, 300.0, **kw)
    e = s.energy_mev
    loss = (e > 15) & (e < 75)
    mirror = np.searchsorted(e, -e[loss])
    assert np.allclose(s.counts[mirror] / s.counts[loss], np.exp(-e[loss] / (KB_MEV * 300.0)), rtol=2e-3)
    assert not np.allclose(s.counts[loss], q.counts[loss], rtol=1e-3)
    assert s.metadata["form"] == "classical"


def test_truth_is_saved_as_plain_json(tmp_path):
    """The metadata are plain facts: the result saves as JSON, seed sequences included."""
    s = simulate_spectrum(E, D, 300.0, mode_temperatures={(50, 60): 400.0}, seed=np.random.SeedSequence(3))
    s.save(tmp_path / "spec.json")
    text = (tmp_path / "spec.json").read_text()
    assert '"temperature_k": 300.0' in text
    assert "SeedSequence(entropy=3" in text


def test_delta_line_ratio_with_broad_resolution():
    """Analytic: for one mode at 60 meV the summed gain/loss over the (broadened) line is exp(-E/kT) even at
    6 meV resolution, since the same response broadens both lines."""
    e_dos, d_dos = _line(60.0)
    s = simulate_spectrum(e_dos, d_dos, 500.0, resolution_mev=6.0, zlp_tail=0.0, noise=False)
    e = s.energy_mev
    gain = s.counts[(e > -80) & (e < -40)].sum()
    loss = s.counts[(e > 40) & (e < 80)].sum()
    assert gain / loss == pytest.approx(np.exp(-60.0 / (KB_MEV * 500.0)), rel=1e-3)


def test_counts_sum_to_dose_and_signal_fraction():
    """Definition (module docstring): the noise-free counts sum to the dose; the loss-side phonon counts are
    signal_fraction x dose at equilibrium."""
    s = simulate_spectrum(E, D, 300.0, dose=2.5e7, signal_fraction=2e-3, noise=False)
    assert s.counts.sum() == pytest.approx(2.5e7, rel=1e-12)
    assert s.metadata["phonon_loss_counts"] == pytest.approx(2e-3 * 2.5e7, rel=1e-12)
    assert s.source == "simulated"
    assert s.metadata["temperature_k"] == 300.0
    assert s.metadata["resolution_mev"] == 6.0
    gapped = D * (E >= 15.0)  # no phonons under the ZLP: the loss side is all phonon counts
    narrow = simulate_spectrum(E, gapped, 300.0, dose=1e7, resolution_mev=0.5, zlp_tail=0.0, noise=False)
    e = narrow.energy_mev
    assert narrow.counts[e > 8].sum() == pytest.approx(1e-3 * 1e7, rel=1e-6)


def test_poisson_mean_and_variance_over_seeds():
    """Poisson statistics: over copies the mean is the expectation and the variance equals the mean."""
    mean = simulate_spectrum(E, D, 300.0, dose=1e5, noise=False)
    stack = simulate_stack(E, D, 300.0, dose=1e5, n_copies=4000, seed=11)
    assert stack.nav_shape == (4000,)
    busy = mean.counts > 20
    m = stack.counts.mean(axis=0)[busy]
    v = stack.counts.var(axis=0, ddof=1)[busy]
    z = (m - mean.counts[busy]) / np.sqrt(mean.counts[busy] / 4000)
    assert np.abs(z).max() < 5.5
    assert np.median(v / mean.counts[busy]) == pytest.approx(1.0, abs=0.03)
    assert np.array_equal(stack.variance, stack.counts)


def test_seed_reproduces_and_different_seeds_differ():
    a = simulate_spectrum(E, D, 300.0, seed=3)
    b = simulate_spectrum(E, D, 300.0, seed=3)
    c = simulate_spectrum(E, D, 300.0, seed=4)
    assert np.array_equal(a.counts, b.counts)
    assert not np.array_equal(a.counts, c.counts)
    assert np.all(a.counts == np.round(a.counts))


def test_mode_temperatures_change_only_their_band():
    """A hot band 55-65 meV changes the gain side there (more annihilation) and no phonon channel far from it
    (the ZLP, |E| < 10 meV, gives up the extra counts: the total stays the dose)."""
    kw = {"resolution_mev": 1.0, "zlp_tail": 0.0, "noise": False}
    base = simulate_spectrum(E, D, 300.0, **kw)
    hot = simulate_spectrum(E, D, 300.0, mode_temperatures={(55.0, 65.0): 600.0}, **kw)
    e = base.energy_mev
    far = (np.abs(np.abs(e) - 60.0) > 10.0) & (np.abs(e) > 10.0)
    assert np.allclose(hot.counts[far], base.counts[far], rtol=1e-9, atol=1e-12)
    band_gain = (e > -64) & (e < -56)
    assert np.all(hot.counts[band_gain] > 1.5 * base.counts[band_gain])
    i = np.argmin(np.abs(e - 60.0))
    j = np.argmin(np.abs(e + 60.0))
    assert hot.counts[j] / hot.counts[i] == pytest.approx(np.exp(-60.0 / (KB_MEV * 600.0)), rel=5e-3)
    assert hot.metadata["mode_temperatures"] == ((55.0, 65.0, 600.0),)


def test_zlp_offset_moves_everything():
    """A raw, uncentred spectrum: the ZLP and the phonon lines both sit at the offset."""
    a = simulate_spectrum(E, D, 300.0, zlp_offset_mev=3.0, energy_range_mev=(-150, 150), noise=False)
    b = simulate_spectrum(E, D, 300.0, energy_range_mev=(-147, 153), noise=False)
    assert a.energy_mev[np.argmax(a.counts)] == pytest.approx(3.0)
    shifted = np.interp(b.energy_mev + 3.0, a.energy_mev, a.counts)
    inner = (b.energy_mev > -140) & (b.energy_mev < 140)
    assert np.allclose(shifted[inner], b.counts[inner], rtol=1e-6)


def test_interface_temperatures_two_lines_and_a_jump():
    """Definition: T = T_hot + g_L (x - x_i) left, T_hot - jump + g_R (x - x_i) right."""
    x = np.array([-10.0, -1.0, 0.0, 2.0])
    t = interface_temperatures(x, 0.0, 320.0, 15.0, -0.5, -0.25)
    assert np.allclose(t, [325.0, 320.5, 305.0, 304.5])
    with pytest.raises(InputError, match="> 0 K"):
        interface_temperatures(x, 0.0, 10.0, 15.0, 0.0, 0.0)


def test_line_scan_shape_positions_and_mixing():
    """A line scan: one spectrum per position; far from the interface each side is its own material and its
    own temperature; at the interface the DOS is half and half (erf mixing)."""
    x = np.linspace(-8.0, 8.0, 17)
    t = interface_temperatures(x, 0.0, 400.0, 50.0, -1.0, -1.0)
    left = _line(40.0)
    right = _line(90.0)
    kw = {"resolution_mev": 2.0, "zlp_tail": 0.0, "noise": False}
    scan = simulate_line_scan(x, t, left, right, 0.0, mixing_nm=1.0, **kw)
    assert scan.nav_shape == (17,)
    assert np.array_equal(scan.positions_nm[0], x)
    assert scan.nav_names == ("x",)
    assert np.allclose(scan.counts.sum(axis=1), 1e6)
    e = scan.energy_mev

    def peak_counts(row, center):
        return scan.counts[row, (e > center - 8) & (e < center + 8)].sum()

    assert peak_counts(0, 90.0) < 1e-6 * peak_counts(0, 40.0)
    assert peak_counts(16, 40.0) < 1e-6 * peak_counts(16, 90.0)
    assert scan.metadata["right_fraction"][8] == pytest.approx(0.5)
    # each end's own temperature from its own line (analytic, detailed balance)
    for row, center in [(0, 40.0), (16, 90.0)]:
        r = peak_counts(row, -center) / peak_counts(row, center)
        assert -center / (KB_MEV * np.log(r)) == pytest.approx(t[row], rel=2e-3)
    single = simulate_spectrum(*right, t[16], **kw)
    assert np.allclose(scan.counts[16], np.interp(e, single.energy_mev, single.counts), rtol=1e-6, atol=1e-9)


def test_line_scan_per_position_mode_temperature():
    x = np.array([0.0, 5.0])
    s = simulate_line_scan(
        x,
        300.0,
        _line(60.0),
        _line(60.0),
        2.5,
        mode_temperatures={(55, 65): [300.0, 900.0]},
        zlp_tail=0.0,
        noise=False,
    )
    e = s.energy_mev
    g = s.counts[:, (e > -75) & (e < -45)].sum(axis=1)
    ell = s.counts[:, (e > 45) & (e < 75)].sum(axis=1)
    temps = -60.0 / (KB_MEV * np.log(g / ell))
    assert temps == pytest.approx([300.0, 900.0], rel=3e-3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"resolution_mev": 0.0}, "resolution_mev"),
        ({"dose": -1.0}, "dose"),
        ({"signal_fraction": 0.7}, "signal_fraction"),
        ({"zlp_tail_exponent": 1.0}, "zlp_tail_exponent"),
        ({"zlp_tail": 1.0}, "zlp_tail"),
        ({"form": "semi"}, "form"),
        ({"mode_temperatures": {(60, 50): 300.0}}, "lo < hi"),
        ({"mode_temperatures": {(50, 60): 300.0, (55, 70): 400.0}}, "overlap"),
        ({"energy_range_mev": (5, 5)}, "energy_range_mev"),
        ({"channel_mev": 1e-6}, "GB|channels"),
    ],
)
def test_bad_options_are_one_line_input_errors(kwargs, message):
    with pytest.raises(InputError, match=message):
        simulate_spectrum(E, D, 300.0, **kwargs)


def test_bad_dos_and_temperature():
    with pytest.raises(InputError, match="temperature_k"):
        simulate_spectrum(E, D, -3.0)
    with pytest.raises(InputError, match="dos"):
        simulate_spectrum(E, -D, 300.0)
    with pytest.raises(InputError, match="n_copies"):
        simulate_stack(E, D, 300.0, n_copies=0)
    with pytest.raises(InputError, match="temperature_k"):
        simulate_line_scan([0.0, 1.0], [300.0], (E, D), (E, D), 0.5)


# --- simulate_plane_scan: planes with their own DOS and temperatures (the MD line scan of issue 27)
def test_plane_scan_of_two_materials_equals_the_line_scan_with_a_sharp_step():
    """Parity with simulate_line_scan (an independent assembly of the same physics): planes of material L at
    x < 0 and R at x > 0, each at its own temperature, probed at the planes with a reach far below their
    spacing, give the line scan of a sharp interface (mixing 0) at those temperatures."""
    from kapitza.analysis.eels.forward import simulate_line_scan, simulate_plane_scan

    e = np.linspace(0.0, 100.0, 201)
    left, right = np.where(e < 40, e**2, 0.0), np.where(e < 90, e**2, 0.0)
    z = np.array([-1.5, -0.5, 0.5, 1.5])
    t = np.array([320.0, 310.0, 290.0, 280.0])
    planes = simulate_plane_scan(z, e, np.vstack([left, left, right, right]), t, mixing_nm=1e-3, noise=False,
                                 zlp_tail=0.0)  # fmt: skip
    line = simulate_line_scan(z, t, (e, left), (e, right), 0.0, mixing_nm=0.0, noise=False, zlp_tail=0.0)
    np.testing.assert_allclose(planes.energy_mev, line.energy_mev)
    np.testing.assert_allclose(planes.counts, line.counts, rtol=1e-9, atol=1e-9 * float(line.counts.max()))


def test_plane_scan_bad_inputs_are_one_line():
    from kapitza.analysis.eels.forward import simulate_plane_scan
    from kapitza.errors import InputError

    e = np.linspace(0.0, 50.0, 51)
    d = np.vstack([e**2, e**2])
    with pytest.raises(InputError, match="one row per plane"):
        simulate_plane_scan([0.0, 1.0], e, d[:1], [300.0, 300.0])
    with pytest.raises(InputError, match="temperatures > 0 K"):
        simulate_plane_scan([0.0, 1.0], e, d, [300.0, -1.0])
    with pytest.raises(InputError, match="mixing_nm"):
        simulate_plane_scan([0.0, 1.0], e, d, [300.0, 300.0], mixing_nm=0.0)


# --- simulate_spectrum_image / stack_rows: a spectrum image from line scans (the figures page's eels map, issue 28)


def test_spectrum_image_rows_are_independent_line_scans_from_one_seed():
    """Definition: row k of the image is the line scan with the k-th spawned noise stream; noise-free rows are
    all the same line scan; the same seed gives the same image (reproducible), rows 1 nm apart by default."""
    x = np.linspace(-6.0, 6.0, 7)
    t = interface_temperatures(x, 0.0, 320.0, 15.0, -0.2, -0.2)
    args = (x, t, _line(40.0), _line(90.0), 0.0)
    kw = {"resolution_mev": 2.0, "dose": 1e5, "mixing_nm": 1.0}
    image = simulate_spectrum_image(4, *args, seed=7, **kw)
    assert image.nav_shape == (4, 7) and image.nav_names == ("y", "x")
    assert np.array_equal(image.positions_nm[0], [0.0, 1.0, 2.0, 3.0])
    assert np.array_equal(image.positions_nm[1], x)
    streams = np.random.SeedSequence(7).spawn(4)
    assert np.array_equal(image.counts[2], simulate_line_scan(*args, seed=streams[2], **kw).counts)
    assert not np.array_equal(image.counts[0], image.counts[1])  # independent noise
    assert np.array_equal(image.counts, simulate_spectrum_image(4, *args, seed=7, **kw).counts)
    clean = simulate_spectrum_image(3, *args, noise=False, **kw)
    assert np.array_equal(clean.counts[0], clean.counts[2])
    with pytest.raises(InputError, match="rows"):
        simulate_spectrum_image(0, *args, **kw)


def test_stack_rows_refuses_mismatched_scans():
    """Rows must share the energy axis and x grid, and be line scans."""
    x = np.linspace(-3.0, 3.0, 4)
    kw = {"resolution_mev": 2.0, "noise": False}
    a = simulate_line_scan(x, 300.0, _line(40.0), _line(90.0), 0.0, **kw)
    b = simulate_line_scan(x + 1.0, 300.0, _line(40.0), _line(90.0), 0.0, **kw)
    with pytest.raises(InputError, match="x grid"):
        stack_rows([a, b])
    with pytest.raises(InputError, match="line scans"):
        stack_rows([stack_rows([a, a])])
    with pytest.raises(InputError, match="at least one"):
        stack_rows([])
    with pytest.raises(InputError, match="row_spacing_nm"):
        stack_rows([a], row_spacing_nm=0.0)
