"""NEMD on a user's structure plus pair lines (issue 27, Build item 4; Tests 1, MD half).

Parity: the built-in LJ (argon-like, ``units metal``) and SW Si|Ge bicrystals, given back as a structure file
(the built-in's own atoms, tags = side + 1, written by ASE as JSON so the positions are exact) plus the pair
lines the built-in writes, must give the same LAMMPS input (modulo comments) and, with the same seed, the same
NEMD blocks.  The reference is the built-in path itself: an independent route to the same system.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.md.inputs import lammps_input
from kapitza.md.nemd import NemdConfig
from kapitza.md.plan import plan_nemd, run_manifest
from kapitza.md.systems import build_structure

SIZE = {"n_x": 2, "n_y": 2, "cells_a": 5, "cells_b": 5}  # the fewest LJ cells md analyze can fit
LJ_PAIR = (  # as the built-in writes them: 2.5 sigma, argon's epsilon (eV) and sigma (A), geometric-mean cross term
    "pair_style lj/cut 8.5125\npair_coeff 1 1 0.0104 3.405\npair_coeff 2 2 0.0104 3.405\npair_coeff 1 2 0.0104 3.405\n"
)
SW_PAIR = "pair_style sw\npair_coeff * * Si.sw Si Si\n"
#: What a user's structure requires (nothing in a structure file says them): argon-like LJ and SW silicon.
AR_RUN = {"temperature": 40.0, "timestep": 0.002}
SI_RUN = {"temperature": 300.0, "timestep": 0.001}
SHORT = {"steps_equilibration": 100, "steps_steady": 100, "steps_production": 200, "block_steps": 100,
         "sample_every": 10}  # fmt: skip


def write_builtin_as_structure(config: NemdConfig, path, symbol: str):
    """The built-in's atoms as an ASE JSON file: tags = side + 1 (type 1 is A, 2 is B), masses per type."""
    import ase
    import ase.io

    built = build_structure(config)
    atoms = ase.Atoms([symbol] * len(built.types), positions=built.positions, cell=np.diag(built.box), pbc=True)
    atoms.set_tags(np.asarray(built.types))
    atoms.set_masses(np.asarray(built.masses)[np.asarray(built.types) - 1])
    ase.io.write(path, atoms, format="json")
    return path


def code_lines(text: str) -> list[str]:
    """The LAMMPS commands of a script: comments and blank lines dropped."""
    lines = (ln.split("#", 1)[0].rstrip() for ln in text.splitlines())
    return [ln for ln in lines if ln]


def pair_of(tmp_path, potential):
    text = LJ_PAIR if potential == "lj/cut" else SW_PAIR
    path = tmp_path / "pair.lmp"
    path.write_text(text)
    return path


@pytest.fixture(params=["lj/cut", "sw"])
def twins(request, tmp_path):
    """(built-in config, the same system as a structure file plus a pair file)."""
    potential = request.param
    builtin = NemdConfig(potential=potential, units="metal", mass_b=4.0 if potential == "lj/cut" else 1.0, **SIZE,
                         **SHORT)  # fmt: skip
    symbol = "Ar" if potential == "lj/cut" else "Si"
    structure = write_builtin_as_structure(builtin, tmp_path / "interface.json", symbol)
    common = {k: getattr(builtin, k) for k in ("temperature", "delta_temperature", "timestep", "damp", "bath_width")}
    user = NemdConfig(structure=str(structure), pair=str(pair_of(tmp_path, potential)), **common, **SHORT)
    return builtin, user


def test_user_inputs_equal_the_builtin_ones(twins):
    builtin, user = twins
    assert user.potential == "user" and user.units == "metal"
    assert code_lines(lammps_input(user)) == code_lines(lammps_input(builtin))
    g_user, g_builtin = plan_nemd(user, layout=False).geometry, plan_nemd(builtin, layout=False).geometry
    assert g_user.n_bins == g_builtin.n_bins == g_builtin.n_planes
    assert g_user.shift == 0.0
    np.testing.assert_allclose(g_user.interfaces, g_builtin.interfaces, atol=1e-12)
    np.testing.assert_allclose(g_user.centres, g_builtin.centres, atol=1e-12)
    m_user, m_builtin = run_manifest(user), run_manifest(builtin)
    np.testing.assert_allclose(m_user.hot_bath, m_builtin.hot_bath, atol=1e-12)
    np.testing.assert_allclose(m_user.cold_bath, m_builtin.cold_bath, atol=1e-12)
    np.testing.assert_allclose(m_user.system.masses, m_builtin.system.masses, rtol=1e-12)
    assert m_user.system.kind == "user" and m_user.n_planes == m_builtin.n_planes


def test_user_run_directory_matches_the_builtin_blocks_and_records_the_description(tmp_path):
    """A few hundred steps of argon-like LJ: baths.txt rows equal (same atoms, same seed, same commands)."""
    from kapitza.io.run_manifest import read_manifest
    from kapitza.md.run import run_nemd

    builtin = NemdConfig(potential="lj/cut", units="metal", mass_b=4.0, **SIZE, **SHORT)
    structure = write_builtin_as_structure(builtin, tmp_path / "interface.json", "Ar")
    common = {k: getattr(builtin, k) for k in ("temperature", "delta_temperature", "timestep", "damp", "bath_width")}
    user = NemdConfig(structure=str(structure), pair_lines=LJ_PAIR.splitlines(), **common, **SHORT)
    a = run_nemd(builtin, tmp_path / "builtin")
    b = run_nemd(user, tmp_path / "user")
    assert a.n_blocks == b.n_blocks == 2
    np.testing.assert_array_equal(b.bath_energies, a.bath_energies)
    assert np.all(np.isfinite(b.bath_energies)) and np.any(b.bath_energies != 0)
    manifest = read_manifest(tmp_path / "user")
    assert manifest.system.kind == "user" and manifest.system.structure == "structure.extxyz"
    assert manifest.system.builder["structure_file"] == "interface.json"
    assert len(manifest.system.builder["structure_sha256"]) == 64 and manifest.system.builder["sides"] == "tags"
    assert manifest.system.pair_lines[0] == "pair_style lj/cut 8.5125"
    from kapitza.atomistic.structure_file import read_structure

    copy = read_structure(tmp_path / "user" / "structure.extxyz")
    np.testing.assert_array_equal(copy.side, plan_nemd(user).system.structure.side)
    # resume: a rerun of the finished run changes nothing
    again = run_nemd(user, tmp_path / "user")
    np.testing.assert_array_equal(again.bath_energies, b.bath_energies)
    assert again.resumed_from_unit == user.n_blocks + 2


def test_sw_potential_file_copied_and_named_without_path(tmp_path):
    builtin = NemdConfig(potential="sw", units="metal", **SIZE, **SHORT)
    structure = write_builtin_as_structure(builtin, tmp_path / "s.json", "Si")
    user = NemdConfig(structure=str(structure), pair=str(pair_of(tmp_path, "sw")), **SI_RUN)
    from kapitza.md.systems import write_system

    out = tmp_path / "run"
    out.mkdir()
    write_system(user, out)
    assert (out / "Si.sw").is_file() and "pair_coeff * * Si.sw Si Si" in lammps_input(user)
    data = (out / "bicrystal.data").read_text()
    assert "2 atom types" in data and "1 28.0855" in data and "2 72.63" in data


def test_config_round_trips_through_toml(tmp_path):
    from kapitza.io import toml_file

    builtin = NemdConfig(potential="lj/cut", units="metal", **SIZE)
    structure = write_builtin_as_structure(builtin, tmp_path / "s.json", "Ar")
    user = NemdConfig(structure=str(structure), pair_lines=LJ_PAIR.splitlines(), **AR_RUN)
    path = tmp_path / "c.toml"
    path.write_text(user.to_toml())
    again = NemdConfig.from_mapping(toml_file.read_document(path, "config", toml_file.MAX_CONFIG_BYTES))
    assert again == user and again.to_toml() == user.to_toml()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cells_a": 6}, "cells_a are settings of the built-in builders"),
        ({"pair": "missing.lmp", "pair_lines": None}, "pair file missing.lmp does not exist"),
        ({"geometry": "fixed"}, "periodic geometry only"),
        ({"pair_lines": None}, "give either pair= (a file) or pair_lines="),
    ],
)
def test_bad_user_config_is_one_line_and_nothing_is_written(tmp_path, change, message):
    builtin = NemdConfig(potential="lj/cut", units="metal", **SIZE)
    structure = write_builtin_as_structure(builtin, tmp_path / "s.json", "Ar")
    settings = {"structure": str(structure), "pair_lines": LJ_PAIR.splitlines(), **AR_RUN, **change}
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")) as err:
        plan_nemd(NemdConfig(**settings))
    assert "\n" not in str(err.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]


def test_a_type_with_two_masses_is_refused(tmp_path):
    """SW's ``Si Si`` gives A type 1 and B type 2; an A atom with Ge's mass makes type 1 carry two masses."""
    import ase.io

    builtin = NemdConfig(potential="sw", units="metal", **SIZE)
    path = write_builtin_as_structure(builtin, tmp_path / "s.json", "Si")
    atoms = ase.io.read(path)
    masses = atoms.get_masses()
    a_top = int(np.argmax(np.where(atoms.get_tags() == 1, atoms.positions[:, 2], -np.inf)))
    masses[a_top] = 72.63  # an A atom next to the interface: the leads stay perfect crystals
    atoms.set_masses(masses)
    ase.io.write(path, atoms, format="json")
    with pytest.raises(InputError, match="atom type 1 .Si. has atoms of different masses"):
        plan_nemd(NemdConfig(structure=str(path), pair_lines=SW_PAIR.splitlines(), **SI_RUN))


def test_not_periodic_along_z_and_one_side_are_refused(tmp_path):
    import ase.io

    builtin = NemdConfig(potential="lj/cut", units="metal", **SIZE)
    path = write_builtin_as_structure(builtin, tmp_path / "s.json", "Ar")
    atoms = ase.io.read(path)
    atoms.pbc = (True, True, False)
    ase.io.write(tmp_path / "slab.json", atoms, format="json")
    with pytest.raises(InputError, match="not periodic along z"):
        plan_nemd(NemdConfig(structure=str(tmp_path / "slab.json"), pair_lines=LJ_PAIR.splitlines(), **AR_RUN))
    atoms.pbc = True
    atoms.set_tags(np.ones(len(atoms), dtype=int))
    ase.io.write(tmp_path / "one.json", atoms, format="json")
    with pytest.raises(InputError, match="side B has no atoms"):
        plan_nemd(NemdConfig(structure=str(tmp_path / "one.json"), pair_lines=LJ_PAIR.splitlines(), **AR_RUN))


def test_manifest_document_is_strict_json(tmp_path):
    builtin = NemdConfig(potential="sw", units="metal", **SIZE)
    structure = write_builtin_as_structure(builtin, tmp_path / "s.json", "Si")
    user = NemdConfig(structure=str(structure), pair=str(pair_of(tmp_path, "sw")), **SI_RUN)
    doc = json.loads(json.dumps(run_manifest(user).to_document()))
    assert doc["system"]["kind"] == "user" and doc["system"]["species"] == ["Si", "Si"]
    assert doc["system"]["builder"]["potential_file:Si.sw"]


def test_emd_on_a_user_structure_equals_the_builtin_series(tmp_path):
    """EMD shares the system code: the same atoms and pair lines give the same E_A(t) series as the built-in."""
    from kapitza.md.emd import EmdConfig, plan_emd, run_emd

    emd = {"steps": 256, "sample_every": 1, "n_runs": 1, "steps_nvt": 20}
    base = {"steps_equilibration": 50, **{k: v for k, v in SHORT.items() if k != "steps_equilibration"}}
    builtin_doc = {"potential": "lj/cut", "units": "metal", "mass_b": 4.0, **SIZE, **base, "emd": emd}
    builtin = EmdConfig.from_mapping(builtin_doc)
    structure = write_builtin_as_structure(builtin.nemd, tmp_path / "s.json", "Ar")
    common = {k: getattr(builtin.nemd, k) for k in ("temperature", "delta_temperature", "timestep", "damp")}
    user_doc = {"structure": str(structure), "pair_lines": LJ_PAIR.splitlines(), **common, **base, "emd": emd}
    user = EmdConfig.from_mapping(user_doc)
    assert plan_emd(user).interface_fraction == pytest.approx(plan_emd(builtin).interface_fraction, abs=1e-12)
    run_emd(builtin, tmp_path / "a")
    run_emd(user, tmp_path / "b")
    a = (tmp_path / "a" / "emd.0.txt").read_text().splitlines()
    b = (tmp_path / "b" / "emd.0.txt").read_text().splitlines()
    assert len(a) > 256 and a == b


# --- spectral sampling of a user's structure (issue 27, Build item 4: spectral heat current on the user's system)
SPECTRAL = {"block_steps": 2560, "steps_production": 7680, "sample_every": 10, "spectral_every": 40,
            "spectral_planes": 4}  # fmt: skip


def lj_spectral_twins(tmp_path):
    """The argon-like LJ built-in (B four times heavier) and the same atoms as a structure file plus its pair lines,
    both sampling the spectral heat current."""
    builtin = NemdConfig(potential="lj/cut", units="metal", mass_b=4.0, **SIZE, **{**SHORT, **SPECTRAL})
    structure = write_builtin_as_structure(builtin, tmp_path / "interface.json", "Ar")
    common = {k: getattr(builtin, k) for k in ("temperature", "delta_temperature", "timestep", "damp", "bath_width")}
    user = NemdConfig(structure=str(structure), pair=str(pair_of(tmp_path, "lj/cut")), **common,
                      **{**SHORT, **SPECTRAL})  # fmt: skip
    return builtin, user


def test_user_spectral_setup_equals_the_analytic_lj_one(tmp_path):
    """The sampled planes of a user's structure are the built-in's, and the coupling K_ji from finite differences
    of LAMMPS's lj/cut forces equals the built-in's analytic LJ second derivatives
    (kapitza.atomistic.interface_modes.lj_pair_blocks: U'' r^r^ + U'/r (1 - r^r^), an independent route)."""
    from kapitza.md.spectral import spectral_setup

    builtin, user = lj_spectral_twins(tmp_path)
    ref = spectral_setup(builtin, build_structure(builtin))
    got = spectral_setup(user, None)
    np.testing.assert_array_equal(got.ids, ref.ids)
    np.testing.assert_array_equal(got.plane, ref.plane)
    np.testing.assert_array_equal(got.side, ref.side)
    np.testing.assert_allclose(got.masses, ref.masses, rtol=1e-9)
    np.testing.assert_allclose(got.plane_z, ref.plane_z, atol=1e-9)
    assert got.has_force_form == 0 and ref.has_force_form == 1  # the user's path: the harmonic form only
    assert got.interface_z_fraction == pytest.approx(ref.interface_z_fraction, abs=1e-12)
    k_ref, k_got = ref.coupling().toarray(), got.coupling().toarray()
    user_k = spectral_setup(user, None).coupling().toarray()
    scale = np.abs(k_ref).max()
    assert scale > 0 and np.abs(k_got - k_ref).max() < 1e-4 * scale  # central differences, 0.005 A step
    assert np.abs(user_k - k_got).max() == 0.0  # deterministic


def test_user_spectral_sampling_must_end_before_the_crystal_middle(tmp_path):
    _, user = lj_spectral_twins(tmp_path)
    data = {k: getattr(user, k) for k in ("structure", "pair", "temperature", "delta_temperature", "timestep",
                                          "damp", "bath_width")}  # fmt: skip
    with pytest.raises(InputError, match=r"needs 7 atomic planes on each side.*crystal A has 5"):
        plan_nemd(NemdConfig(**data, **{**SHORT, **SPECTRAL, "spectral_planes": 7}))


def test_user_spectral_run_writes_blocks_and_modes_use_its_planes(tmp_path):
    """A short spectral run of the user's LJ structure: blocks written, the harmonic q integrates to a finite
    power, and the lattice modes of the run (LAMMPS force constants) agree with the built-in's analytic ones."""
    from kapitza.atomistic.interface_modes import interface_modes, user_interface_modes
    from kapitza.md.run import run_nemd
    from kapitza.md.spectral import read_block, read_setup
    from kapitza.md.systems import run_atoms

    builtin, user = lj_spectral_twins(tmp_path)
    run_dir = tmp_path / "user.run"
    run_nemd(user, run_dir)
    setup = read_setup(run_dir)
    block = read_block(run_dir, 1)
    assert block["q_harmonic"].shape == block["omega"].shape and np.all(np.isfinite(block["q_harmonic"]))
    assert block["plane_ke"].shape[0] == setup.n_planes == 8
    atoms = run_atoms(run_dir)
    planes = setup.atom_planes(len(atoms.atoms))
    got = user_interface_modes(atoms.atoms, atoms.forcefield, planes, setup.plane_z, masses=atoms.masses,
                               types=atoms.types)  # fmt: skip
    structure = build_structure(builtin)
    ref = interface_modes(structure, "lj/cut", interface_z=builtin.cells_a * builtin.lattice_constant,
                          plane_spacing=builtin.plane_spacing, planes_per_side=4, units="metal",
                          sigma=3.405)  # fmt: skip
    np.testing.assert_allclose(np.sort(got.omega), np.sort(ref.omega), atol=1e-3 * float(ref.omega.max()))
    np.testing.assert_allclose(got.plane_atoms, ref.plane_atoms)
    assert "LAMMPS" in got.method and got.sum_rule_error < 1e-3


@pytest.fixture(scope="module")
def user_spectral_run(tmp_path_factory):
    """One short spectral run of the user's LJ structure (metal units), shared by the CLI tests below."""
    from kapitza.md.run import run_nemd

    tmp = tmp_path_factory.mktemp("user_spectral")
    _, user = lj_spectral_twins(tmp)
    run_nemd(user, tmp / "run")
    return tmp / "run"


def test_md_eels_runs_on_a_user_run_from_its_directory_alone(cli, user_spectral_run, tmp_path, monkeypatch):
    """The run directory records the description: md eels (its lattice modes from the run's own pair lines and
    structure copy) needs nothing else, run from another folder.  (md modes also analyses the bath flux, which
    this short a run does not have; its lattice dynamics is the same call, tested above.)"""
    monkeypatch.chdir(tmp_path)
    status, out, err = cli("md", "eels", str(user_spectral_run), "--no-progress", "--json", "--plot", "scan.png",
                           "--out", "scan.npz")  # fmt: skip
    assert status == 0, err
    doc = json.loads(out)
    assert len(doc["positions_nm"]) == 8 and doc["mixing_nm"] == 0.3
    assert (tmp_path / "scan.png").stat().st_size > 0 and (tmp_path / "scan.npz").stat().st_size > 0


@pytest.mark.parametrize(
    "args, message",
    [
        (("--mixing", "0"), "--mixing"),
        (("--window", "0:20"), "--window"),
        (("--dose", "-1"), "dose"),
        (("--bands", "0"), "--bands"),
        (("--out", "scan.txt"), "--out"),
    ],
)
def test_md_eels_bad_options_are_one_line(cli, user_spectral_run, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    status, out, err = cli("md", "eels", str(user_spectral_run), "--no-progress", *args)
    assert status == 2 and message in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args, message",
    [
        (("--band-edges", "10,5"), "--band-edges takes at least 2 increasing"),
        (("--band-edges", "5"), "--band-edges takes at least 2 increasing"),
        (("--band-edges", "-1,5"), "--band-edges takes at least 2 increasing"),
        (("--band-edges", "a,b"), "--band-edges"),
    ],
)
def test_md_eels_bad_band_edges_are_one_line(cli, user_spectral_run, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    status, out, err = cli("md", "eels", str(user_spectral_run), "--no-progress", *args)
    assert status == 2 and message in err and len(err.strip().splitlines()) == 1


def test_md_eels_band_edges_set_the_bands(cli, user_spectral_run, tmp_path, monkeypatch):
    """--band-edges in THz become the bands of the simulated spectra (meV = h nu: 1 THz = 4.135667 meV, CODATA
    via kapitza.units)."""
    monkeypatch.chdir(tmp_path)
    status, out, err = cli("md", "eels", str(user_spectral_run), "--no-progress", "--json", "--band-edges", "0,1,2")
    assert status == 0, err
    edges = json.loads(out)["band_edges_mev"]
    assert edges == pytest.approx([0.0, 4.135667696, 8.271335392], rel=1e-8)
