"""Crystals built from kapitza/literature/data/crystals.toml by kapitza.atomistic.prototypes.build.

Each built crystal must have the stated composition, the stated space group as spglib finds it, no two atoms
closer than 1.0 Angstrom, and, where a measured density is recorded, a density within 2 % of it.  Sources of
the measured densities are in the file (density_source): the CRC Handbook of Chemistry and Physics, 97th ed.
(2016), 'Thermal and Physical Properties of Pure Metals' and 'Physical Constants of Inorganic Compounds' as the
kapitza materials database cites them (Si 2.329, Ge 5.323, diamond 3.515, Al 2.70, Cu 8.96, Au 19.3, Ag 10.5,
Pt 21.5, Pb 11.3, Cr 7.15, Ti 4.506, Bi 9.79 g cm^-3), R. Aggarwal and A. Ramdas (sapphire, 3.98 g cm^-3),
Levinshtein, Rumyantsev and Shur (4H-SiC, 3.21 g cm^-3) and the GaAs ultrasonic study at 25 C (5.3169 g cm^-3).
"""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.atomistic.prototypes import build
from kapitza.errors import InputError
from kapitza.literature.crystals import CrystalDescription, crystal_for, crystal_names
from kapitza.units import AMU

formula_module = pytest.importorskip("ase.formula")
spglib = pytest.importorskip("spglib")

BUILT = [n for n in crystal_names() if isinstance(crystal_for(n), CrystalDescription)]


def _density_kg_m3(atoms) -> float:
    return float(atoms.get_masses().sum() * AMU / (atoms.get_volume() * 1e-30))


@pytest.mark.filterwarnings("ignore:Set OLD_ERROR_HANDLING:DeprecationWarning")
@pytest.mark.parametrize("name", BUILT)
def test_built_crystal_has_the_stated_formula_symmetry_and_no_overlaps(name):
    description = crystal_for(name)
    atoms = build(description)
    assert atoms.pbc.all()
    reduced, _ = formula_module.Formula(atoms.get_chemical_formula()).reduce()
    assert reduced.count() == formula_module.Formula(description.formula).count(), (name, str(reduced))
    cell = (atoms.cell.array, atoms.get_scaled_positions(), atoms.numbers)
    found = spglib.get_symmetry_dataset(cell, symprec=1e-3)
    assert found.number == description.spacegroup, (name, found.number)
    distances = atoms.get_all_distances(mic=True)[np.triu_indices(len(atoms), 1)]
    if len(atoms) > 1:
        assert distances.min() > 1.0, (name, distances.min())
    assert np.linalg.norm(atoms.cell.array, axis=1).min() > 1.0


@pytest.mark.parametrize("name", BUILT)
def test_the_primitive_cell_is_the_same_crystal(name):
    conventional = build(crystal_for(name))
    primitive = build(crystal_for(name), primitive=True)
    assert len(conventional) % len(primitive) == 0
    assert _density_kg_m3(primitive) == pytest.approx(_density_kg_m3(conventional), rel=1e-9)


def test_densities_agree_with_measured_densities_within_two_percent():
    """Sources: the density_source of each entry (module docstring); tolerance 2 % covers the difference between
    room-temperature lattice parameters and handbook densities of real (polycrystalline, impure) samples."""
    checked = []
    for name in BUILT:
        description = crystal_for(name)
        if np.isnan(description.density_kg_m3):
            continue
        density = _density_kg_m3(build(description))
        assert density == pytest.approx(description.density_kg_m3, rel=0.02), (name, density)
        checked.append(name)
    assert len(checked) >= 8, checked


def test_left_out_names_are_refused_with_their_reason():
    with pytest.raises(InputError, match="no crystal is built for 'a-SiO2': amorphous"):
        build(crystal_for("a-SiO2"))
    with pytest.raises(InputError, match="expected a CrystalDescription"):
        build("Si")  # type: ignore[arg-type]
