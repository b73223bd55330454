"""Reading a user's interface structure: round trips of the built-ins, the side rules, the normal, bad files.

The reference of every round trip is the built structure itself: its cells are exact periodic copies by
construction (:func:`kapitza.atomistic.structures.build_interface`), so the reader must find the builder's
periods, cells, sides and cell indices.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kapitza.atomistic.structure_file import read_structure, write_structure
from kapitza.atomistic.structures import build_interface
from kapitza.errors import InputError

ase_io = pytest.importorskip("ase.io")

SI_GE_MASS_ONLY = {
    "lattice_constants_angstrom": (5.431, 5.431),
    "cells": (4, 4),
    "mass_only": True,
    "masses_amu": (28.0855, 72.63),
}


def _same(read, built, *, species: bool = True) -> None:
    assert read.cells == built.cells
    np.testing.assert_array_equal(read.cell_index, built.cell_index)
    np.testing.assert_array_equal(read.side, built.side)
    np.testing.assert_allclose(read.periods, built.periods, rtol=1e-9)
    np.testing.assert_allclose(read.atoms.positions, built.atoms.positions, atol=1e-7)
    np.testing.assert_allclose(read.atoms.get_masses(), built.atoms.get_masses(), rtol=1e-12)
    if species:
        assert read.species == built.species


@pytest.mark.parametrize(
    ("left", "right", "normal", "kwargs"),
    [
        ("Si", "Ge", "001", SI_GE_MASS_ONLY),
        ("Ar", "Ar", "001", {"lattice_constants_angstrom": (5.27, 5.27), "cells": (3, 4), "mass_only": True,
                             "masses_amu": (39.948, 159.792)}),
        ("Si", "Ge", "001", {"lattice_constants_angstrom": (5.431, 5.658), "cells": (3, 5)}),
        ("Si", "Ge", "111", {"lattice_constants_angstrom": (5.431, 5.658), "cells": (2, 3)}),
        ("Al", "Cu", "110", {"lattice_constants_angstrom": (4.05, 3.61), "cells": (3, 3), "lateral": (2, 1)}),
    ],
)  # fmt: skip
def test_extxyz_round_trip_of_the_built_ins(tmp_path, left, right, normal, kwargs):
    built = build_interface(left, right, normal, **kwargs)
    path = write_structure(built, tmp_path / "interface.extxyz")
    read = read_structure(path)
    # the mass-only model labels side B by the heavier species; the file holds chemical symbols and masses
    _same(read, built, species=not kwargs.get("mass_only"))
    assert read.description["file"] == "interface.extxyz" and len(read.description["sha256"]) == 64
    assert read.description["interface_region_atoms"] == 0


def test_ase_written_tags_and_masses_are_what_the_issue_describes(tmp_path):
    # an extxyz written by plain ASE (tags 1 and 2, Ge masses on side 2, every symbol Si) reads as the built-in
    built = build_interface("Si", "Ge", "001", **SI_GE_MASS_ONLY)
    atoms = built.atoms.copy()
    atoms.set_tags(built.side + 1)
    ase_io.write(tmp_path / "sige.extxyz", atoms)
    read = read_structure(tmp_path / "sige.extxyz")
    _same(read, built, species=False)
    assert set(read.species) == {"Si"} and set(np.round(read.atoms.get_masses()[read.side == 1], 3)) == {72.63}


def test_poscar_with_species_sides_and_cif_with_a_plane(tmp_path):
    built = build_interface("Si", "Ge", "001", lattice_constants_angstrom=(5.431, 5.658), cells=(3, 3))
    ase_io.write(tmp_path / "POSCAR", built.atoms, format="vasp", direct=True)
    read = read_structure(tmp_path / "POSCAR", sides="species:Si/Ge")
    assert read.cells == (3, 3) and read.description["format"] == "vasp"
    np.testing.assert_array_equal(read.side, built.side)  # POSCAR keeps the order of a species-sorted file
    z_cut = 0.5 * (built.atoms.positions[built.side == 0, 2].max() + built.atoms.positions[built.side == 1, 2].min())
    ase_io.write(tmp_path / "sige.cif", built.atoms)
    read = read_structure(tmp_path / "sige.cif", sides=f"plane:{z_cut}")
    assert read.cells == (3, 3) and np.bincount(read.side).tolist() == np.bincount(built.side).tolist()


def test_normal_along_x_is_relabelled_to_z(tmp_path):
    built = build_interface("Si", "Ge", "001", lattice_constants_angstrom=(5.431, 5.658), cells=(2, 3))
    atoms = built.atoms.copy()
    # the file's normal is x: z -> x, x -> y, y -> z (the inverse of the reader's cyclic relabelling)
    atoms.set_cell(np.asarray(built.atoms.cell)[np.ix_((2, 0, 1), (2, 0, 1))])
    atoms.positions = built.atoms.positions[:, (2, 0, 1)]
    atoms.set_tags(built.side + 1)
    ase_io.write(tmp_path / "x.extxyz", atoms)
    read = read_structure(tmp_path / "x.extxyz", normal="x")
    _same(read, built)
    assert read.description["axes_from_file"] == [1, 2, 0]


def test_intermixed_planes_are_the_interface_region(tmp_path):
    built = build_interface("Si", "Ge", "001", **{**SI_GE_MASS_ONLY, "lateral": (2, 2)}, mixing_layers=1, seed=3)
    read = read_structure(write_structure(built, tmp_path / "mixed.extxyz"))
    region = read.cell_index < 0
    # the mixed planes sit in the cell on each side of the interface (builder cells 3 and 4): those are the region
    assert region.sum() == read.description["interface_region_atoms"] > 0
    assert set(built.cell_index[region]) == {3, 4}
    assert read.cells == (3, 3)
    a, b = ~region & (read.side == 0), ~region & (read.side == 1)
    np.testing.assert_array_equal(read.cell_index[a], built.cell_index[a])
    # B's whole cells are numbered after A's 3 (the builder counted 4 on each side): two fewer below them
    np.testing.assert_array_equal(read.cell_index[b], built.cell_index[b] - 2)


def _bad(tmp_path: Path, atoms, name: str = "bad.extxyz") -> Path:
    path = tmp_path / name
    ase_io.write(path, atoms)
    return path


def test_bad_structures_are_one_line_errors(tmp_path):
    built = build_interface("Si", "Ge", "001", **SI_GE_MASS_ONLY)
    cases = []
    untagged = built.atoms.copy()
    cases.append((_bad(tmp_path, untagged, "untagged.extxyz"), {}, "tags must be 1"))
    swapped = built.atoms.copy()
    swapped.set_tags(2 - built.side)
    cases.append((_bad(tmp_path, swapped, "swapped.extxyz"), {}, "low-z end"))
    overlapping = built.atoms.copy()
    overlapping.set_tags(built.side + 1)
    overlapping.positions[1] = overlapping.positions[0] + [0.1, 0.0, 0.0]
    cases.append((_bad(tmp_path, overlapping, "overlap.extxyz"), {}, "atoms 0 and 1 overlap"))
    tilted = built.atoms.copy()
    tilted.set_tags(built.side + 1)
    cell = np.asarray(tilted.cell).copy()
    cell[0, 2] = 1.0
    tilted.set_cell(cell)
    cases.append((_bad(tmp_path, tilted, "tilted.extxyz"), {}, "not periodic across the interface plane"))
    one_side = built.atoms.copy()
    one_side.set_tags(np.ones(len(one_side), dtype=int))
    cases.append((_bad(tmp_path, one_side, "one.extxyz"), {}, "side B has no atoms"))
    cases.append((_bad(tmp_path, swapped, "sp.extxyz"), {"sides": "species:Si/Si"}, "on both sides"))
    cases.append((_bad(tmp_path, swapped, "pl.extxyz"), {"sides": "plane:abc"}, "needs Z in A"))
    cases.append((_bad(tmp_path, swapped, "col.extxyz"), {"sides": "column:grain"}, "no per-atom column 'grain'"))
    cases.append((_bad(tmp_path, swapped, "rule.extxyz"), {"sides": "color"}, "sides must be tags"))
    cases.append((_bad(tmp_path, swapped, "n.extxyz"), {"normal": "w"}, "normal must be x, y or z"))
    garbage = tmp_path / "garbage.extxyz"
    garbage.write_text("3\nnot an extxyz comment line\nSi 0 0\n")
    cases.append((garbage, {}, "cannot be read"))
    cases.append((tmp_path / "missing.extxyz", {}, "does not exist"))
    data = tmp_path / "in.data"
    ase_io.write(data, built.atoms, format="lammps-data")
    cases.append((data, {}, "LAMMPS data file has atom types"))
    for path, kwargs, match in cases:
        with pytest.raises(InputError, match=match) as info:
            read_structure(path, **kwargs)
        assert "\n" not in str(info.value), path


def test_a_structure_without_a_bulk_end_is_refused(tmp_path):
    built = build_interface("Si", "Ge", "001", **{**SI_GE_MASS_ONLY, "cells": (1, 4)})
    atoms = built.atoms.copy()
    atoms.set_tags(built.side + 1)
    with pytest.raises(InputError, match="side A has no bulk period"):
        read_structure(_bad(tmp_path, atoms, "short.extxyz"))


def test_lammps_data_with_species_of_each_type(tmp_path):
    built = build_interface("Si", "Ge", "001", lattice_constants_angstrom=(5.431, 5.658), cells=(2, 2))
    ase_io.write(tmp_path / "in.data", built.atoms, format="lammps-data", specorder=["Si", "Ge"], masses=True)
    read = read_structure(tmp_path / "in.data", sides="species:Si/Ge", species=["Si", "Ge"])
    assert read.cells == (2, 2)
    np.testing.assert_allclose(read.atoms.positions, built.atoms.positions, atol=1e-6)


def test_an_md_cell_relaxed_as_a_whole_reads_without_leads(tmp_path):
    """A periodic cell whose every atom moved (no exact bulk copies at its ends) is refused where leads are needed
    (the AGF) and read with leads=False (MD): all atoms in the interface region, no periods."""
    import ase.io
    import numpy as np

    from kapitza.atomistic.structure_file import read_structure
    from kapitza.atomistic.structures import build_interface

    s = build_interface("Si", "Ge", "001", lattice_constants_angstrom=(5.431, 5.658), cells=(3, 3))
    atoms = s.atoms.copy()
    atoms.set_tags(np.asarray(s.side) + 1)
    atoms.positions += np.random.default_rng(1).normal(0.0, 0.02, atoms.positions.shape)  # every atom moved
    path = tmp_path / "relaxed.extxyz"
    ase.io.write(path, atoms, format="extxyz")
    with pytest.raises(InputError, match="bulk period"):
        read_structure(path)
    md = read_structure(path, leads=False)
    assert np.all(md.cell_index == -1) and md.cells == (0, 0) and np.all(np.isnan(md.periods))
    np.testing.assert_array_equal(md.side, s.side)
    assert md.description["periods_A"] is None


FCC_CIF = """data_al
_cell_length_a 4.05
_cell_length_b 4.05
_cell_length_c 4.05
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'F m -3 m'
_symmetry_Int_Tables_number 225
{operations}loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Al1 Al 0 0 0
"""


def test_a_cif_carries_at_most_the_192_operations_of_a_space_group(tmp_path, monkeypatch):
    """Fm-3m implies 192 operations (48 of m-3m times the 4 F-centring translations, its general position's
    multiplicity in the International Tables, Vol. A): read, 4 atoms.  A CIF listing 193 (or 8,000: 20 GiB in the
    distance check before, issue 51) is refused before ASE's reader expands them."""
    import ase.io

    from kapitza.atomistic.structure_file import MAX_SYMMETRY_OPERATIONS, read_atoms

    ok = tmp_path / "al.cif"
    ok.write_text(FCC_CIF.format(operations=""))
    atoms, fmt = read_atoms(ok)
    assert fmt == "cif" and len(atoms) == 4
    listed = "".join(f"'x+{i}/193,y,z'\n" for i in range(MAX_SYMMETRY_OPERATIONS + 1))
    bad = tmp_path / "many.cif"
    bad.write_text(FCC_CIF.format(operations=f"loop_\n_symmetry_equiv_pos_as_xyz\n{listed}"))
    monkeypatch.setattr(ase.io, "read", lambda *a, **k: pytest.fail("ASE's reader was called"))
    with pytest.raises(InputError, match=r"many.cif: the CIF carries 193 symmetry operations; a space group has at"):
        read_atoms(bad)


def test_a_cif_of_more_sites_than_ases_reader_handles_in_a_second_is_refused(tmp_path, monkeypatch):
    """ASE's CIF reader compares every site with every earlier one in Python: 2,000 P1 sites took 29-69 s (issue
    51).  MAX_CIF_SITES + 1 sites are refused before ASE reads the file (its reader made to fail here)."""
    import ase.io

    from kapitza.atomistic.structure_file import MAX_CIF_SITES, read_atoms

    n = MAX_CIF_SITES + 1
    rows = "".join(f"Al{i} Al {i / n:.6f} 0 0\n" for i in range(n))
    path = tmp_path / "p1.cif"
    path.write_text(FCC_CIF.replace("'F m -3 m'", "'P 1'").replace("225", "1").format(operations="")
                    .replace("Al1 Al 0 0 0\n", rows))  # fmt: skip
    monkeypatch.setattr(ase.io, "read", lambda *a, **k: pytest.fail("ASE's reader was called"))
    with pytest.raises(InputError, match=f"p1.cif: the CIF lists {n} sites; CIFs are read up to {MAX_CIF_SITES}"):
        read_atoms(path)


def test_a_cifs_expansion_is_counted_site_by_site_where_the_product_exceeds_the_bound(tmp_path):
    """Sites times operations bounds a CIF's atoms from above; a site on a special position has fewer images (x, 0,
    0 of Fm-3m: 24 of the 192, its Wyckoff multiplicity in the International Tables, Vol. A).  Eleven such sites
    (2,112 by the product) expand to 264 atoms and are read as a bulk crystal (at most 2,000); eleven general ones
    expand to 2,112 and are refused before ASE reads them."""
    from kapitza.atomistic.bulk import MAX_CRYSTAL_ATOMS
    from kapitza.atomistic.structure_file import read_atoms

    def cif(rows: str) -> Path:
        text = FCC_CIF.format(operations="").replace("4.05", "60.0").replace("Al1 Al 0 0 0\n", rows)
        path = tmp_path / f"sites{len(rows)}.cif"
        path.write_text(text)
        return path

    special = "".join(f"Al{k} Al {0.03 * (k + 1):.4f} 0 0\n" for k in range(11))
    atoms, _ = read_atoms(cif(special), max_atoms=MAX_CRYSTAL_ATOMS)
    assert len(atoms) == 11 * 24
    general = "".join(f"Al{k} Al {0.03 * (k + 1):.4f} 0.0113 0.0271\n" for k in range(11))
    with pytest.raises(InputError, match="its sites and its space group's operations expand to 2,112 atoms; a bulk"):
        read_atoms(cif(general), max_atoms=MAX_CRYSTAL_ATOMS)
