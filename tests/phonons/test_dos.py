"""Phonon DOS sources for the EELS forward model (kapitza.phonons.dos)."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.materials import get_material
from kapitza.phonons.dos import DOSTable, material_dos, table_dos
from kapitza.units import HBAR, KB, rad_s_to_mev


@pytest.mark.parametrize("name", ["AlN", "4H-SiC", "Si"])
def test_branch_debye_dos_holds_three_modes_per_atom(name):
    """Analytic: per-branch cutoffs v_p (6 pi^2 n)^(1/3) give one mode per atom per polarisation (3 in all)."""
    table = material_dos(name, "branch")
    assert table.modes_per_atom() == pytest.approx(3.0, rel=1e-5)
    m = get_material(name)
    k_max = (6 * np.pi**2 * m.number_density) ** (1 / 3)
    assert table.energy_mev[table.dos > 0].max() == pytest.approx(float(rad_s_to_mev(m.v_l * k_max)), rel=1e-9)


@pytest.mark.parametrize("name", ["AlN", "4H-SiC"])
def test_debye_dos_ends_at_kb_theta_and_matches_the_analytic_count(name):
    """Analytic: cutoff k_B Theta_D for every branch; modes = sum_p g_p w_D^3 / (6 pi^2 v_p^3 n);
    the DOS is 9 E^2/E_D^3 x (v_D/v)^3-weighted, i.e. proportional to E^2 below the cutoff."""
    m = get_material(name)
    table = material_dos(name, "debye")
    e_d = KB * m.debye_temperature / HBAR
    assert table.energy_mev[table.dos > 0].max() == pytest.approx(float(rad_s_to_mev(e_d)), rel=1e-9)
    expected = (1 / m.v_l**3 + 2 / m.v_t**3) * e_d**3 / (6 * np.pi**2 * m.number_density)
    assert table.modes_per_atom() == pytest.approx(expected, rel=1e-5)
    inside = (table.dos > 0) & (table.energy_mev > 1)
    ratio = table.dos[inside] / table.energy_mev[inside] ** 2
    assert np.allclose(ratio, ratio[0], rtol=1e-9)


def test_sine_dos_holds_three_modes_per_atom():
    """Analytic: the sine dispersion keeps k_max = (6 pi^2 n)^(1/3), one mode per atom per polarisation."""
    table = material_dos("AlN", "sine")
    width = np.diff(table.energy_mev)
    assert float((table.dos[1:] * width).sum()) == pytest.approx(3.0, rel=1e-6)
    assert np.all(table.dos >= 0)


def test_table_dos_reads_csv_with_header(tmp_path):
    """A two-column CSV with a header line and a comment."""
    path = tmp_path / "dos.csv"
    path.write_text("# my DOS\nenergy_meV,dos\n0,0\n10,1.5\n20,3\n30,0\n")
    table = table_dos(path)
    assert np.array_equal(table.energy_mev, [0, 10, 20, 30])
    assert np.array_equal(table.dos, [0, 1.5, 3, 0])
    assert table.source == "dos.csv"


@pytest.mark.parametrize(
    ("content", "message"),
    [("0 1 2\n1 2 3\n", "two numeric columns"), ("0,1\n1,-2\n", ">= 0"), ("5,1\n1,2\n", "increasing"), ("", "two")],
)
def test_table_dos_refuses_bad_tables(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        table_dos(path)


def test_bad_model_and_table_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="unknown DOS model"):
        material_dos("AlN", "einstein")
    with pytest.raises(InputError, match="no such file"):
        table_dos(tmp_path / "missing.csv")
    with pytest.raises(InputError, match="zero everywhere"):
        DOSTable(energy_mev=np.array([0.0, 1.0]), dos=np.zeros(2), source="x")


def test_phonopy_dos_of_silicon(tmp_path):
    """Stillinger-Weber Si through the safe loader: the mesh DOS holds 3 modes per atom (phonopy's total DOS
    integrates to 3 N_prim per cell) and its top is the optical maximum near 16-17 THz (~68 meV)."""
    pytest.importorskip("phonopy")
    from phonopy.file_IO import write_FORCE_CONSTANTS

    from kapitza.phonons.dos import phonopy_dos
    from kapitza.phonons.harmonic import HarmonicCrystal

    ph = HarmonicCrystal.from_potential("Si", "sw").phonopy
    ph.save(tmp_path / "phonopy.yaml", settings={"force_constants": False, "force_sets": False})
    write_FORCE_CONSTANTS(ph.force_constants, filename=tmp_path / "FORCE_CONSTANTS")
    table = phonopy_dos(tmp_path / "phonopy.yaml", mesh=8, sigma_mev=1.0)
    assert table.modes_per_atom() == pytest.approx(3.0, rel=0.03)
    top = table.energy_mev[table.dos > 1e-3 * table.dos.max()].max()
    assert 55 < top < 80
    with pytest.raises(InputError, match="mesh"):
        phonopy_dos(tmp_path / "phonopy.yaml", mesh=(0, 1, 1))
    with pytest.raises(InputError, match="q-points"):
        phonopy_dos(tmp_path / "phonopy.yaml", mesh=1000)


def test_crystal_dos_is_the_same_full_dispersion():
    """The kapitza-built SW Si crystal gives the same DOS as its phonopy file (previous test): 3 modes per atom."""
    pytest.importorskip("phonopy")
    from kapitza.phonons.dos import crystal_dos

    table = crystal_dos("Si", "sw", mesh=8, sigma_mev=1.0)
    assert table.modes_per_atom() == pytest.approx(3.0, rel=0.03)
    assert "Si" in table.source
