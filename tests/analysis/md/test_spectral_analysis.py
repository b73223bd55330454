"""analysis.spectral on synthetic spectral run directories (tests/analysis/md/spectral_synthetic.py)."""

from __future__ import annotations

import numpy as np
import pytest
from run_dir_synthetic import FLUX
from spectral_synthetic import N_SAMPLES, SAMPLE_EVERY, TIMESTEP, as_metal, grid, shape, write_spectral_run

from kapitza import spectra
from kapitza.analysis.md.rectification import rectification
from kapitza.analysis.md.response import analyze_run
from kapitza.analysis.md.spectral import (
    harmonic_difference,
    inelastic_fraction,
    read_spectral_run,
    spectral_conductance,
)
from kapitza.errors import InputError


@pytest.fixture(scope="module")
def forward(tmp_path_factory):
    return write_spectral_run(tmp_path_factory.mktemp("fwd") / "run")


@pytest.fixture(scope="module")
def reverse(tmp_path_factory):
    return write_spectral_run(tmp_path_factory.mktemp("rev") / "run", reverse=True)


@pytest.mark.parity
def test_sum_rule_agrees_when_q_integrates_to_the_bath_flux(forward):
    """The synthetic q_force integrates to the bath flux FLUX per area (by construction, up to 5 % noise per bin)."""
    sc = spectral_conductance(forward)
    assert sc.q_source == "force"
    assert sc.q_other is not None
    assert sc.flux_spectral == pytest.approx(FLUX, rel=0.01)
    assert sc.flux_bath == pytest.approx(FLUX)
    assert sc.sum_rule_agrees
    assert "agrees" in sc.sum_rule and "not agree" not in sc.sum_rule


def test_sum_rule_fails_when_q_is_half_again_too_large(tmp_path):
    """q scaled by 1.5 integrates to 1.5 FLUX: 50 % off, far beyond the block SE (about 0.3 %)."""
    sc = spectral_conductance(write_spectral_run(tmp_path / "run", scale=1.5))
    assert sc.flux_spectral == pytest.approx(1.5 * FLUX, rel=0.01)
    assert not sc.sum_rule_agrees
    assert "does not agree" in sc.sum_rule


def test_harmonic_form_used_without_force_form(tmp_path):
    """Without q_force (a many-body potential) q comes from q_harmonic, written as 0.9 of the flux."""
    sc = spectral_conductance(write_spectral_run(tmp_path / "run", force=False))
    assert sc.q_source == "harmonic"
    assert sc.q_other is None
    assert sc.flux_spectral == pytest.approx(0.9 * FLUX, rel=0.01)
    with pytest.raises(InputError, match="no q_force"):
        spectral_conductance(tmp_path / "run", source="force")


def test_smoothing_keeps_the_integral(forward):
    """Gaussian smoothing redistributes q between bins; the spectrum vanishes at both grid ends, so the Parseval
    sum of the smoothed mean equals that of the unsmoothed blocks."""
    smooth = spectral_conductance(forward, smoothing_bins=3)
    raw = spectral_conductance(forward, smoothing_bins=0)
    assert smooth.smoothing_width == pytest.approx(3 * smooth.d_omega)
    assert np.sum(smooth.q) * smooth.d_omega == pytest.approx(raw.flux_spectral, rel=1e-6)
    assert np.sum(raw.q) * raw.d_omega == pytest.approx(raw.flux_spectral, rel=1e-12)
    assert np.max(np.abs(np.diff(smooth.q))) < np.max(np.abs(np.diff(raw.q)))


def test_sign_convention_reverse_run_has_negative_q_and_positive_g(forward, reverse):
    """A -> B convention: the reverse run (hot bath in B) carries q < 0 across the interface, its T_A - T_B < 0,
    and g = q / Delta T is positive like the forward one's; the bath flux carries the same sign as q."""
    f = spectral_conductance(forward)
    r = spectral_conductance(reverse)
    assert f.flux_spectral > 0 and f.delta_T > 0
    assert r.flux_spectral < 0 and r.delta_T < 0 and r.flux_bath < 0
    assert r.sum_rule_agrees
    assert r.G_spectral > 0 and np.sum(r.g) > 0
    assert r.G_nemd > 0
    assert r.G_spectral == pytest.approx(f.G_spectral, rel=0.05)


def test_cumulative_conductance_ends_at_the_spectral_conductance(forward):
    """G(omega) is the running Parseval sum of g; its last value is the integral of g, which equals
    flux_spectral / Delta T (smoothing keeps the sum), and G_spectral lies within 3 SE of G_NEMD (same flux)."""
    sc = spectral_conductance(forward)
    assert sc.G_cumulative[-1] == pytest.approx(sc.G_spectral, rel=1e-6)
    assert np.all(np.diff(sc.G_cumulative) >= -1e-12)
    assert abs(sc.G_spectral - sc.G_nemd) < 3 * np.hypot(sc.G_spectral_err, sc.G_nemd_err)


def test_first_block_defaults_to_the_jump_analysis_blocks(forward):
    """q averages over the blocks the jump analysis keeps; first_block=11 keeps 10 of the 20."""
    run = analyze_run(forward)
    sc = spectral_conductance(forward, run=run)
    assert sc.first_block == run.jump.blocks_dropped + 1
    assert sc.blocks_used == run.jump.blocks_used
    assert spectral_conductance(forward, first_block=11).blocks_used == 10


def test_inelastic_fraction_is_the_share_above_the_cut(forward):
    """Reference: the Parseval sum of the synthetic shape above the cut (noise-free), within 3 SE."""
    sc = spectral_conductance(forward)
    omega, d = grid()
    cut = 12.0
    expected = np.sum(shape(omega)[omega > cut]) * d
    share = inelastic_fraction(sc, cut)
    assert 0 < share.value < 1
    assert abs(share.value - expected) < 3 * share.err + 1e-3
    with pytest.raises(InputError, match="omega_max_soft"):
        inelastic_fraction(sc, -1.0)


def test_harmonic_difference_of_g_itself_is_zero(forward):
    """Subtracting the run's own g on a coarser grid leaves only the interpolation error (linear, small)."""
    sc = spectral_conductance(forward)
    coarse = sc.omega[::2]
    hd = harmonic_difference(sc, coarse, sc.g[::2])
    assert hd.G_harmonic == pytest.approx(sc.G_spectral, rel=0.02)
    assert abs(hd.integral) < 0.02 * sc.G_spectral
    assert "linearly" in hd.interpolation
    with pytest.raises(InputError):
        harmonic_difference(sc, coarse[::-1], sc.g[::2])


def test_rectification_of_identical_runs_is_zero_within_error(tmp_path):
    """The same synthetic system forward and reversed (mirrored profile): G_f = G_r up to noise."""
    f = write_spectral_run(tmp_path / "f", seed=5)
    r = write_spectral_run(tmp_path / "r", seed=5, reverse=True)
    rect = rectification(f, r)
    assert rect.zero_within_error
    assert "zero within error" in rect.verdict
    assert abs(rect.ratio) <= 2 * rect.ratio_err
    assert rect.g_forward is not None and rect.g_reverse is not None
    assert np.allclose(rect.g_forward, rect.g_reverse, rtol=0.05, atol=1e-3 * rect.g_forward.max())
    assert rect.modal_forward is None


def test_missing_partial_and_mismatched_blocks_are_refused(tmp_path):
    run = write_spectral_run(tmp_path / "run", blocks=6)
    spec = run / "spectral"
    (spec / "block_00003.npz").rename(tmp_path / "b3.npz")
    with pytest.raises(InputError, match="missing"):
        read_spectral_run(run)
    (tmp_path / "b3.npz").rename(spec / "block_00003.npz")
    full = (spec / "block_00004.npz").read_bytes()
    (spec / "block_00004.npz").write_bytes(full[: len(full) // 2])
    with pytest.raises(InputError, match="partly written"):
        read_spectral_run(run)
    omega = spectra.frequencies(N_SAMPLES // 2, SAMPLE_EVERY * TIMESTEP)
    np.savez(
        spec / "block_00004.npz",
        omega=omega,
        q_harmonic=np.zeros(omega.size),
        plane_ke=np.ones((8, omega.size)),
        plane_atoms=np.full(8, 18),
    )
    with pytest.raises(InputError, match="frequency grid"):
        read_spectral_run(run)
    with pytest.raises(InputError, match="blocks 7 .. 8 are missing"):
        read_spectral_run(write_spectral_run(tmp_path / "short", blocks=6), max_blocks=8)
    assert read_spectral_run(tmp_path / "short", max_blocks=5).blocks.tolist() == [1, 2, 3, 4, 5]


def test_bad_options_are_refused_before_work(forward):
    with pytest.raises(InputError, match="smoothing_bins="):
        spectral_conductance(forward, smoothing_bins=-1)
    with pytest.raises(InputError, match="first_block="):
        spectral_conductance(forward, first_block=0)
    with pytest.raises(InputError, match="no spectral/"):
        read_spectral_run(forward.parent)


def test_metal_runs_are_shown_in_si(tmp_path):
    """metal: omega rad/ps -> rad/s (x 1e12); the Parseval sum of q is the flux in W m^-2, i.e. the bath flux
    (eV/(ps Angstrom^2)) times unit_system('metal').flux_to_si; G_nemd is the jump analysis' G_si."""
    from kapitza.analysis import unit_system

    run = as_metal(write_spectral_run(tmp_path / "run", units="metal"))
    sc = spectral_conductance(run)
    lj = spectral_conductance(write_spectral_run(tmp_path / "lj"))
    to_si = unit_system("metal").flux_to_si
    assert sc.omega_unit == "rad/s" and sc.g_unit == "W m^-2 K^-1 per (rad/s)"
    assert np.allclose(sc.omega, lj.omega * 1e12)
    assert sc.flux_spectral == pytest.approx(lj.flux_spectral * to_si, rel=1e-9)
    assert sc.flux_bath == pytest.approx(FLUX * to_si, rel=1e-9)
    assert sc.sum_rule_agrees
    assert sc.G_nemd == pytest.approx(analyze_run(run).jump.interfaces[-1].G * to_si, rel=1e-9)
    assert sc.G_cumulative[-1] == pytest.approx(sc.G_spectral, rel=1e-6)


def test_units_of_setup_and_config_must_agree(tmp_path):
    run = write_spectral_run(tmp_path / "run", units="metal")
    with pytest.raises(InputError, match="metal units but run.json in lj"):
        spectral_conductance(run)


def test_rectification_detected_when_the_reverse_jump_is_larger(tmp_path):
    """Same flux, reverse jump 0.3 instead of 0.2: G_r = G_f / 1.5, so (G_f - G_r) / G_r = 0.5, far beyond
    its error (about 0.05 from the synthetic noise)."""
    rect = rectification(write_spectral_run(tmp_path / "f"), write_spectral_run(tmp_path / "r", reverse=True, jump=0.3))
    assert rect.ratio == pytest.approx(0.5, abs=0.1)
    assert not rect.zero_within_error
    assert "not zero within error" in rect.verdict


def test_harmonic_share_is_the_ratio_of_the_two_forms(forward, tmp_path):
    """The synthetic run writes q_harmonic as 0.9 of the bath flux and q_force as the flux itself (by construction,
    5 % noise per bin): the harmonic form carries 0.9 of the force form's q.  Without q_force there is no share."""
    sc = spectral_conductance(forward)
    assert sc.harmonic_share == pytest.approx(0.9, rel=0.01)
    assert sc.harmonic_share == pytest.approx(float(np.sum(sc.q_other)) / float(np.sum(sc.q)))
    assert spectral_conductance(write_spectral_run(tmp_path / "run", force=False)).harmonic_share is None


def test_readable_frequencies_are_thz_for_metal_runs():
    """f = omega / 2 pi: 2 pi x 1e12 rad/s is 1 THz (definition); LJ frequencies stay in rad/tau."""
    from kapitza.analysis.md.spectral import readable_frequencies

    thz, unit = readable_frequencies([2 * np.pi * 1e12, 2 * np.pi * 5e12], "metal")
    assert unit == "THz" and thz.tolist() == pytest.approx([1.0, 5.0]) and not thz.flags.writeable
    lj, unit = readable_frequencies([3.0], "lj")
    assert unit == "rad/tau" and lj.tolist() == [3.0]
    with pytest.raises(InputError, match="lj or metal"):
        readable_frequencies([1.0], "real")
