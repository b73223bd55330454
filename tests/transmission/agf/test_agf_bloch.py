"""Lead self-energies from the leads' Bloch modes: parity with decimation, band edges, eta = 0."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("matscipy")  # the [agf] extra: the SW potential

from kapitza.atomistic.potentials import get_potential
from kapitza.atomistic.structures import build_interface
from kapitza.errors import InputError
from kapitza.transmission.agf import chain_model, interface_model, kernels, lead_max_frequency, transmission
from kapitza.transmission.agf.solver import lead_method_for
from kapitza.transmission.chain import band_edge, chain_transmission

SW = get_potential("sw", ["Si"])
A_SW = 5.431
M1, M2 = 28.0855 * 1.66053906660e-27, 72.63 * 1.66053906660e-27
K1, K2, K12 = 12.0, 9.5, 7.0


def sige(lateral: int, mixing_layers: int = 0, seed: int | None = None):
    s = build_interface(
        "Si",
        "Ge",
        "001",
        lattice_constants_angstrom=(A_SW, A_SW),
        cells=(4, 4),
        lateral=(lateral, lateral),
        mass_only=True,
        masses_amu=(28.0855, 72.63),
        mixing_layers=mixing_layers,
        seed=seed,
    )
    return interface_model(s, SW, pl_cells=2)


def both(model, omega, kpoints, eta=1e-6):
    d = transmission(model, omega, kpoints, eta=eta, time_reversal=False, lead_method="decimation")
    b = transmission(model, omega, kpoints, eta=eta, time_reversal=False, lead_method="bloch")
    return d, b


@pytest.mark.parity
@pytest.mark.parametrize(
    ("lateral", "mixing", "kpoints", "n_omega"),
    [
        (1, 0, [[0.0, 0.0], [0.13, 0.29], [0.5, 0.25]], 30),
        pytest.param(2, 2, [[0.1, 0.2], [0.37, -0.21]], 10, marks=pytest.mark.slow),  # 18 s: the 1x1 case stays
        pytest.param(3, 2, [[0.17, 0.31]], 4, marks=pytest.mark.slow),  # 13 s
    ],
    ids=["1x1 sharp", "2x2 intermixed", "3x3 intermixed"],
)
def test_bloch_mode_leads_give_the_decimation_transmission(lateral, mixing, kpoints, n_omega):
    """Parity (tier 3): Xi(omega, k) with the leads' self-energies from their Bloch modes equals Xi with
    Lopez Sancho-Rubio decimation to 1e-8 of its maximum, on 1x1 (sharp), 2x2 and 3x3 (two intermixed
    planes each side) SW Si|Ge [001] cross-sections, at eta = 1e-6, frequencies across the band.  Two
    independent routes to the same surface Green's function: a doubling iteration converged to 1e-13 and
    one eigenproblem (Ando, Phys. Rev. B 44, 8017 (1991))."""
    model = sige(lateral, mixing, seed=11 if mixing else None)
    top = lead_max_frequency(model, "left", [(0.0, 0.0)])
    omega = np.linspace(0.03, 1.0, n_omega) * top
    d, b = both(model, omega, np.array(kpoints))
    assert d.xi_k.max() > 0.5  # something is transmitted
    assert np.abs(b.xi_k - d.xi_k).max() < 1e-8 * d.xi_k.max()
    assert (d.steps > 0).all() and (b.steps == 0).all()  # the routes really differ: no Bloch point decimated


def lead_band_edges(model, kappa):
    """omega (rad/s) of the left lead's bulk band extrema at q = 0 and q = pi (lambda = +1 and -1)."""
    h00, h01 = model.lead_blocks("left", kappa)
    e0 = np.linalg.eigvalsh(h00 + h01 + h01.conj().T)
    e1 = np.linalg.eigvalsh(h00 - h01 - h01.conj().T)
    e = np.concatenate([e0, e1])
    return np.sqrt(e[e > 1e-6 * e.max()])


@pytest.mark.parity
def test_bloch_leads_at_band_edges_equal_decimation():
    """At frequencies exactly on band extrema of the lead (q = 0 and pi, where two Bloch modes merge and the
    group velocity vanishes) the Bloch route still equals decimation to 1e-8 of the maximum at eta = 1e-6:
    the broadening splits the merging pair by ~sqrt(eta), and |lambda| < 1 picks the retarded one."""
    model = sige(1)
    k = (0.13, 0.29)
    omega = lead_band_edges(model, k)[::3]
    d, b = both(model, omega, np.array([k]))
    assert np.abs(b.xi_k - d.xi_k).max() < 1e-8 * max(1.0, d.xi_k.max())


def test_bloch_leads_at_zero_broadening_inside_the_band_are_exact():
    """Analytic: at Im z = 0 (no broadening, where decimation cannot converge) the Bloch-mode self-energies
    give the closed-form transmission of the 1D chain junction (kapitza.transmission.chain; Zhang, Fisher &
    Mingo, Numer. Heat Transfer B 51, 333 (2007)) to 1e-10 over the band."""
    model = chain_model(M1, M2, K1, K2, K12, (2, 2))
    edge = min(band_edge(M1, K1), band_edge(M2, K2))
    omega = np.linspace(1e-3, 1 - 1e-3, 200) * edge
    z = (omega**2).astype(complex)
    left, device, right = model.blocks_at((0.0, 0.0))
    sl, sr = kernels.self_energy(z, left, "bloch"), kernels.self_energy(z, right, "bloch")
    xi = kernels.caroli(z, device, sl.sigma, sr.sigma)
    assert np.abs(xi - chain_transmission(omega, M1, M2, K1, K2, K12)).max() < 1e-10


def test_bloch_leads_at_zero_broadening_on_band_edges_stay_finite():
    """Robustness at a band edge with Im z = 0: two Bloch modes merge into one standing wave with no flux.
    The retarded set then takes one of them (the limit from Im z > 0); the result is finite and no more than
    the lead's number of channels, and the identical-chain junction (tau = 1 in the band) gives tau in [0, 1]
    at its exact band top.  Away from the edge, at Im z = 0, the 1x1 Si|Ge values equal those at eta = 1e-12
    of the decimation-free route to 1e-6 (the O(eta) shift)."""
    chain = chain_model(M1, M1, K1, K1, K1)
    left, device, right = chain.blocks_at((0.0, 0.0))
    z = np.array([band_edge(M1, K1) ** 2], dtype=complex)
    sl, sr = kernels.self_energy(z, left, "bloch"), kernels.self_energy(z, right, "bloch")
    xi = kernels.caroli(z, device, sl.sigma, sr.sigma)
    assert np.isfinite(sl.sigma).all() and 0.0 <= xi[0] <= 1.0 + 1e-9

    model = sige(1)
    k = (0.13, 0.29)
    omega = lead_band_edges(model, k)
    left, device, right = model.blocks_at(k)
    z = (omega**2).astype(complex)
    sl, sr = kernels.self_energy(z, left, "bloch"), kernels.self_energy(z, right, "bloch")
    xi = kernels.caroli(z, device, sl.sigma, sr.sigma)
    assert np.isfinite(xi).all() and (xi > -1e-8 * xi.max()).all() and (xi < 3 * left.boundary.size).all()
    inside = np.linspace(0.1, 0.9, 7) * omega.max()
    z0 = (inside**2).astype(complex)
    zs = (inside**2 * (1 + 1e-12j)).astype(complex)
    x0 = kernels.caroli(z0, device, kernels.self_energy(z0, left, "bloch").sigma,
                        kernels.self_energy(z0, right, "bloch").sigma)  # fmt: skip
    xs = kernels.caroli(zs, device, kernels.self_energy(zs, left, "bloch").sigma,
                        kernels.self_energy(zs, right, "bloch").sigma)  # fmt: skip
    assert np.abs(x0 - xs).max() < 1e-6 * max(1.0, xs.max())


def test_lead_method_choice_and_validation():
    """ "auto" takes decimation for small reduced units and Bloch modes from BLOCH_MIN_SIZE up; an unknown
    method is refused with the allowed ones named."""
    model = sige(1)
    left, _, _ = model.blocks_at((0.0, 0.0))
    assert lead_method_for(left, "auto") == "decimation"
    assert lead_method_for(left, "bloch") == "bloch"
    with pytest.raises(InputError, match="lead_method must be 'auto' or one of 'decimation', 'bloch', got 'qr'"):
        transmission(model, [1e13], [[0.0, 0.0]], lead_method="qr")


def _away_from_band_edges(lead, omega, delta=1e-3):
    """Frequencies whose channel count is the same at omega (1 -+ delta): no band edge within delta."""
    here = kernels.propagating_channels(omega**2, lead)
    below = kernels.propagating_channels((omega * (1 - delta)) ** 2, lead)
    above = kernels.propagating_channels((omega * (1 + delta)) ** 2, lead)
    return here, (here == below) & (here == above)


@pytest.mark.parity
@pytest.mark.parametrize(("lateral", "sides"), [(1, ("left", "right")), (2, ("left",))], ids=["1x1", "2x2"])
def test_counted_channels_equal_the_caroli_transmission_of_the_perfect_lead(lateral, sides):
    """Parity (tier 3): the number of propagating modes of a lead (one eigenproblem of the reduced lead chain at
    Im z = 0) equals the Caroli transmission of that perfect lead (``run.lead_model``: the lead unit repeated,
    solved by Green's functions) to 1e-8 away from band edges, through two independent self-energy routes:
    decimation at eta = 1e-12 (O(eta) from the limit) and Bloch modes at eta = 0; and it equals
    ``modes.channel_count`` (the generalized eigenproblem of the whole lead unit, scipy QZ) exactly."""
    from kapitza.transmission.agf.leads import lead_model
    from kapitza.transmission.agf.modes import channel_count

    model = sige(lateral)
    k = (0.13, 0.29)
    for side in sides:
        perfect = lead_model(model, side)
        top = lead_max_frequency(model, side, [(0.0, 0.0)])
        omega = np.linspace(0.013, 1.03, 24 if lateral == 1 else 8) * top
        blocks = model.blocks_at(k)
        count, away = _away_from_band_edges(blocks[0] if side == "left" else blocks[2], omega)
        assert away.sum() >= omega.size // 2 and count.max() >= 2 and count[-1] == 0  # above the band: none
        z0 = (omega**2).astype(complex)
        left, device, right = perfect.blocks_at(k)
        bloch = kernels.caroli(z0, device, *(kernels.self_energy(z0, x, "bloch").sigma for x in (left, right)))
        decim = transmission(perfect, omega, np.array([k]), eta=1e-12, lead_method="decimation").xi_k[0]
        assert np.abs(bloch - count)[away].max() < 1e-8
        assert np.abs(decim - count)[away].max() < 1e-8
        if lateral == 1:
            np.testing.assert_array_equal(channel_count(model, side, omega, k), count)


def test_run_agf_ballistic_conductance_from_counted_channels_equals_the_lead_sweeps():
    """Parity: the leads' ballistic G(300 K) of run_agf (channels counted) equals G of the former route, a
    Green's-function sweep over each perfect-lead model at the run's eta (1e-6) and grid, to 1e-4 relative
    (the broadening's O(eta) effect, larger near band edges, is all that separates them)."""
    from kapitza.transmission.agf.leads import lead_model
    from kapitza.transmission.agf.run import TOP_MARGIN, run_agf
    from kapitza.transmission.agf.solver import frequency_grid

    result, model = run_agf("Si", "Ge", kpoints=2, frequencies=20, temperature=[300.0], check_broadening=False)
    for i, side in enumerate(("left", "right")):
        top = TOP_MARGIN * lead_max_frequency(model, side, [(0.0, 0.0)])
        w, wt = frequency_grid(top, 20)
        old = transmission(lead_model(model, side), w, 2, eta=1e-6, omega_weights=wt).conductance([300.0])[0]
        assert result.ballistic[i, 0] == pytest.approx(old, rel=1e-4)
        np.testing.assert_array_equal(result.lead_omega[i], w)
        assert np.all(result.lead_xi[i] == np.round(result.lead_xi[i] * 4) / 4)  # k-averaged integers (2x2 grid)


@pytest.mark.parity
def test_folded_supercell_leads_give_the_same_transmission_and_counts():
    """Parity (tier 3): the leads of a 2x2 intermixed Si|Ge cross-section folded onto the 1x1 cell's leads
    (four primitive leads at q = (kappa + (s, t)) / 2, agf.folding) give the transmission of the unfolded 2x2
    leads to 1e-8 of its maximum, by either lead method, and the same channel counts, exactly."""
    from kapitza.transmission.agf.folding import fold_lead
    from kapitza.transmission.agf.solver import lead_channels

    model, prim = sige(2, 2, seed=11), sige(1)
    folds = (fold_lead(model, prim, "left"), fold_lead(model, prim, "right"))
    assert folds[0].repeats == (2, 2)
    top = lead_max_frequency(model, "left", [(0.0, 0.0)])
    omega = np.linspace(0.03, 1.0, 8) * top
    k = np.array([[0.1, 0.2], [0.37, -0.21]])
    plain = transmission(model, omega, k, time_reversal=False, lead_method="bloch")
    for method in ("decimation", "bloch"):
        folded = transmission(model, omega, k, time_reversal=False, lead_method=method, folds=folds)
        assert np.abs(folded.xi_k - plain.xi_k).max() < 1e-8 * plain.xi_k.max()
    for side, fold in zip(("left", "right"), folds):
        a = lead_channels(model, side, omega, k, time_reversal=False)
        b = lead_channels(model, side, omega, k, time_reversal=False, fold=fold)
        np.testing.assert_array_equal(a.xi_k, b.xi_k)
        assert a.xi_k.max() >= 3
    # the band top that sets the frequency grid, from the primitive leads at the folded wavevectors
    from kapitza.transmission.agf.leads import band_top

    for side in ("left", "right"):
        supercell = lead_max_frequency(model, side, [(0.0, 0.0)])
        assert band_top(model, side, folds) == pytest.approx(supercell, rel=1e-12)
        assert band_top(model, side) == supercell


def test_a_lead_that_is_not_a_repetition_is_not_folded():
    """The fold checks itself: a primitive model of another crystal (Ge masses on the left) is refused with
    the size of the mismatch, and a lateral cell that is not a multiple of the primitive one is refused."""
    from kapitza.transmission.agf.folding import fold_lead

    model = sige(2)
    s = build_interface(
        "Si", "Ge", "001", lattice_constants_angstrom=(A_SW, A_SW), cells=(4, 4), mass_only=True,
        masses_amu=(72.63, 72.63),
    )  # fmt: skip
    other = interface_model(s, SW, pl_cells=2)
    with pytest.raises(InputError, match="left lead is not a 2x2 repetition of the primitive lead"):
        fold_lead(model, other, "left")
    with pytest.raises(InputError, match="not an N1 x N2 multiple"):
        fold_lead(sige(1), model, "left")


def test_run_agf_folds_the_leads_of_a_lateral_supercell_and_keeps_g():
    """Parity: run_agf on a 2x2 lateral supercell (leads folded onto the 1x1 cell's) gives the two-probe G of
    the same model's transmission with the leads unfolded, to 1e-8."""
    from kapitza.transmission.agf.run import run_agf

    result, model = run_agf(
        "Si", "Ge", lateral=(2, 2), kpoints=1, frequencies=20, temperature=[300.0], check_broadening=False
    )
    assert any("copies of the 1x1 cell's leads" in n for n in result.notes)
    t = result.transmission
    plain = transmission(model, t.omega, 1, eta=t.eta, omega_weights=t.omega_weights)
    assert result.conductance[0] == pytest.approx(plain.conductance([300.0])[0], rel=1e-8)
