"""The NEMD run manifest (``run.json``, kapitza.io.run_manifest): md writes it, analysis reads only it.

The positions it records must be those md runs with: each bath slab and interface plane placed through the
manifest's (fraction, offset) rule equals the run plan's own placement (``bath_regions``, ``interface_planes``,
the rule of the LAMMPS regions in ``in.lammps``) in any box, periodic or fixed, forward or reverse.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kapitza.analysis.md.response import analyze_run
from kapitza.errors import InputError
from kapitza.io.run_manifest import (
    MANIFEST_FILE,
    manifest_from_document,
    read_baths_file,
    read_box_file,
    read_manifest,
    write_manifest,
)
from kapitza.md.nemd import NemdConfig
from kapitza.md.plan import plan_nemd, run_manifest
from kapitza.md.run import read_area, run_nemd

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = [
    {"potential": "lj/cut", "cells_a": 6, "cells_b": 10, "bath_width": 2.0},
    {"potential": "lj/cut", "cells_a": 6, "cells_b": 10, "bath_width": 2.0, "reverse": True},
    {"potential": "lj/cut", "geometry": "fixed", "cells_a": 8, "cells_b": 8, "frozen_planes": 3},
    {"potential": "sw", "units": "metal", "geometry": "fixed", "reverse": True},
    {"potential": "tersoff", "units": "metal"},
]


@pytest.mark.parametrize("settings", CONFIGS)
def test_positions_are_those_md_runs_with(settings):
    """Manifest placement == the plan's placement in the as-built box and in a box NPT has changed."""
    config = NemdConfig(**settings)
    plan = plan_nemd(config, layout=False)
    m = run_manifest(plan)
    for lo, hi in ((0.0, m.box[2]), (-1.3, 0.97 * m.box[2] - 1.3)):
        for got, want in zip(m.bath_regions(lo, hi), plan.bath_regions(lo, hi), strict=True):
            assert got == pytest.approx(want, rel=1e-12, abs=1e-12)
        assert m.interface_planes(lo, hi) == pytest.approx(plan.interface_planes(lo, hi), rel=1e-12, abs=1e-12)
    assert m.n_planes == plan.n_planes and m.n_interfaces == config.n_interfaces
    assert m.block_time == config.block_steps * config.timestep and m.reverse == config.reverse
    assert m.hot_temperature == config.hot_temperature and m.system.masses == pytest.approx(config.masses)


@pytest.mark.parametrize("settings", CONFIGS)
def test_round_trip_through_run_json(tmp_path, settings):
    manifest = run_manifest(NemdConfig(**settings))
    write_manifest(tmp_path, manifest)
    text = (tmp_path / MANIFEST_FILE).read_text()
    json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in run.json"))
    assert read_manifest(tmp_path).to_document() == manifest.to_document()


def test_system_slots_for_a_users_structure():
    """A user's structure file with its own pair lines fits the schema as it is (no built-in family)."""
    doc = run_manifest(NemdConfig(potential="lj/cut")).to_document()
    doc["system"].update(
        kind="user",
        species=["Au", "Si", "O"],
        masses=[196.97, 28.0855, 15.999],
        potential="user",
        pair_lines=["pair_style hybrid/overlay ...", "pair_coeff * * tersoff SiO.tersoff NULL Si O"],
        structure="interface.data",
        builder={},
    )
    m = manifest_from_document(doc)
    assert m.system.structure == "interface.data" and len(m.system.species) == 3 and m.system.builder == {}


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda d: d.pop("geometry"), "missing key 'geometry'"),
        (lambda d: d.update(schema="other"), "schema must be 'kapitza.nemd-run'"),
        (lambda d: d.update(box=[1.0, 2.0]), "box must hold 3 values"),
        (lambda d: d.update(hot_bath=[[0.25, 1.0]]), "hot_bath is a z range"),
        (lambda d: d.update(reverse=1), "reverse must be true or false"),
        (lambda d: d.update(files={"profile": "../x"}), "plain file names"),
        (lambda d: d.update(files={"config": "config.toml"}), "names no 'profile' file"),
        (lambda d: d["system"].update(masses=[1.0]), "one positive mass per species"),
        (lambda d: d.update(geometry="fixed"), "a fixed run has 1 interface"),
    ],
)
def test_bad_manifests_are_one_input_error(edit, words):
    doc = run_manifest(NemdConfig(potential="lj/cut")).to_document()
    edit(doc)
    with pytest.raises(InputError, match=words.replace("(", r"\(")):
        manifest_from_document(doc)


def test_data_file_readers(tmp_path):
    """One reader per file: baths.txt (5 finite columns; header only -> no rows) and box.txt (3 positive)."""
    baths = tmp_path / "baths.txt"
    baths.write_text("# block step E_hot E_cold E_total\n1 10 -2 2.5 -9\n2 20 -1 1 -9\n")
    assert read_baths_file(baths).tolist() == [[1, 10, -2, 2.5, -9], [2, 20, -1, 1, -9]]
    baths.write_text("# block step E_hot E_cold E_total\n")
    assert read_baths_file(baths).shape == (0, 5)
    baths.write_text("1 10 -2 inf -9\n")
    with pytest.raises(InputError, match="NaN or infinite"):
        read_baths_file(baths)
    box = tmp_path / "box.txt"
    box.write_text("6.2 6.2 24.8\n")
    assert read_box_file(box) == (6.2, 6.2, 24.8)
    box.write_text("6.2 0 24.8\n")
    with pytest.raises(InputError, match="must be positive"):
        read_box_file(box)


def test_a_run_made_before_run_json_says_how_to_add_it_and_a_rerun_adds_it(tmp_path):
    """The shipped LJ run without its run.json: one line naming the fix; run_nemd with its config writes the
    manifest md would have written, its bath data unchanged, and the run analyses again.  Its state.json was written
    before states were signed (issue 63), so run_nemd then refuses to resume it, in one line, changing nothing
    else; the analysis reads it as before."""
    folder = tmp_path / "old"
    shutil.copytree(ROOT / "examples" / "data" / "md" / "lj_small", folder)
    (folder / MANIFEST_FILE).unlink()
    with pytest.raises(InputError, match=r"has no run.json \(made before kapitza wrote run manifests: rerun"):
        read_manifest(folder)
    import tomllib

    config = NemdConfig.from_mapping(tomllib.loads((folder / "config.toml").read_text()))
    baths = read_baths_file(folder / "baths.txt")
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    with pytest.raises(InputError, match=r"state.json' is not signed .* does not resume it \(nothing in the folder"):
        run_nemd(config, folder)
    assert read_manifest(folder).to_document() == run_manifest(config).to_document()
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name != MANIFEST_FILE} == before
    assert (read_baths_file(folder / "baths.txt") == baths).all()
    flux = run_manifest(config).block_fluxes(baths, read_area(folder / "box.txt"))
    assert analyze_run(folder).jump.flux == pytest.approx(abs(flux.mean()), rel=1e-12)
