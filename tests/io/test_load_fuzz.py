"""Fuzz ``kapitza.load`` (issue 51 item 5): whatever the file holds, the answer is a result or one InputError.

Random bytes (as .json and as .npz), every kind of truncation of valid saved files, random bytes flipped inside a
valid .npz, and random keys and values spliced into a valid result's JSON at any depth must end in
:class:`InputError` (one line) or load as an instance of a kapitza result class, never another exception and
never a warning.  Each test is bounded (max_examples, deadline) so the module runs in well under a minute.
"""

from __future__ import annotations

import functools
import io
import json
import tempfile
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kapitza
from kapitza.errors import InputError
from kapitza.io.results import _REGISTRY

#: Every test here: a bounded number of examples, each far below the deadline (ms) unless something hangs.
BOUNDED = settings(
    max_examples=60,
    deadline=10_000,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _valid_results() -> dict[str, Any]:
    """Small results of several shapes: nested objects (Materials, Settings), boolean arrays and tuples of text, a
    force field, a relaxation."""
    from kapitza.analysis import fit_power_law
    from kapitza.atomistic.bulk import Relaxation
    from kapitza.atomistic.forcefield import parse_pair_lines
    from kapitza.devices.contact import contact_vs_kapitza

    t = np.array([10.0, 20.0, 40.0])
    return {
        "conductance": kapitza.prediction.predict_model("Al", "Si", [50.0, 300.0], model="dmm"),
        "contact": contact_vs_kapitza(
            [1e5, 1e7],
            resistance=1e-8,
            conductivity1=16.0,
            conductivity2=16.0,
            roughness1=1e-6,
            roughness2=1e-6,
            slope1=0.1,
            slope2=0.1,
            hardness=3e9,
        ),
        "fit": fit_power_law(t, 3e3 * t**2.7),
        "forcefield": parse_pair_lines(["pair_style lj/cut 10.0", "pair_coeff * * 0.0104 3.40", "mass 1 39.95"]),
        "relaxation": Relaxation(
            converged=True,
            steps=12,
            residual=4e-4,
            fmax=1e-3,
            max_steps=500,
            input_cell=np.array([5.43, 5.43, 5.43, 90.0, 90.0, 90.0]),
            relaxed_cell=np.array([5.4677, 5.4677, 5.4677, 90.0, 90.0, 90.0]),
            spacegroup="Fd-3m (227)",
        ),
    }


VALID = _valid_results()


@functools.cache
def _saved() -> dict[tuple[str, str], bytes]:
    """Each valid result saved as .json and .npz (bytes), and kapitza's result modules imported once (the first
    unknown kind does that; later examples then time only themselves).  Not a fixture, so that a failing example
    does not print every file."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        out = {}
        for key, result in VALID.items():
            for suffix in (".json", ".npz"):
                out[key, suffix] = result.save(folder / f"{key}{suffix}").read_bytes()
        (folder / "unknown.json").write_text('{"kind": "NoSuchResult", "result": {}}', encoding="utf-8")
        with pytest.raises(InputError):
            kapitza.load(folder / "unknown.json")
    return out


def check_load(path) -> None:
    """load ``path``: a kapitza result, or one InputError line; no other exception and no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            loaded = kapitza.load(path)
        except InputError as exc:
            assert "\n" not in str(exc) and str(exc).strip(), repr(str(exc))
            return
    assert type(loaded) in _REGISTRY.values(), type(loaded)


def test_every_valid_file_loads(tmp_path):
    """The base files load, so each mutation below is what fails (the independent check: equal dicts)."""
    for (name, suffix), data in _saved().items():
        path = tmp_path / f"{name}{suffix}"
        path.write_bytes(data)
        assert kapitza.load(path).to_dict() == VALID[name].to_dict()


@BOUNDED
@given(data=st.binary(max_size=4000), suffix=st.sampled_from([".json", ".npz"]))
def test_random_bytes(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("bytes") / f"r{suffix}"
    path.write_bytes(data)
    check_load(path)


@BOUNDED
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".json", ".npz"]))
def test_random_bytes_after_a_valid_start(tmp_path_factory, data, suffix):
    """A zip's or a JSON document's first bytes, then noise: the readers get past the magic number."""
    start = _saved()["conductance", suffix][:64]
    path = tmp_path_factory.mktemp("start") / f"r{suffix}"
    path.write_bytes(start + data)
    check_load(path)


@BOUNDED
@given(st.data())
def test_truncations(tmp_path_factory, data):
    name, suffix = data.draw(st.sampled_from(sorted(_saved())))
    whole = _saved()[name, suffix]
    end = data.draw(st.integers(0, len(whole) - 1))
    path = tmp_path_factory.mktemp("cut") / f"r{suffix}"
    path.write_bytes(whole[:end])
    check_load(path)


@BOUNDED
@given(st.data())
def test_bytes_changed_inside_a_valid_npz(tmp_path_factory, data):
    """Up to eight bytes anywhere in a valid .npz (headers, sizes, the directory, the arrays) set at random."""
    name = data.draw(st.sampled_from(sorted(VALID)))
    whole = bytearray(_saved()[name, ".npz"])
    for _ in range(data.draw(st.integers(1, 8))):
        whole[data.draw(st.integers(0, len(whole) - 1))] = data.draw(st.integers(0, 255))
    path = tmp_path_factory.mktemp("flip") / "r.npz"
    path.write_bytes(bytes(whole))
    check_load(path)


#: Any JSON value, the strings load reads as numbers among them.
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(["inf", "-inf", "nan", "", "Si", "dmm", "../../etc/passwd", "pair_style python"])
    | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


def _places(node: Any, path: tuple = ()) -> list[tuple]:
    """Every place in a JSON document: the path to each dict entry and list item."""
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _places(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node[:6]):
            out += _places(value, (*path, i))
    return out


def _mutated(document: dict, data: st.DataObject) -> dict:
    """One to three edits at random places: a value replaced, a key removed, or a random key added."""
    document = json.loads(json.dumps(document))
    for _ in range(data.draw(st.integers(1, 3))):
        place = data.draw(st.sampled_from(_places(document)))
        parent = document
        for step in place[:-1]:
            parent = parent[step]
        action = data.draw(st.sampled_from(["replace", "delete", "add"]))
        if not place or action == "add":
            target = parent[place[-1]] if place else document
            if isinstance(target, dict):
                target[data.draw(st.text(max_size=10))] = data.draw(JSON_VALUES)
            continue
        if action == "delete" and isinstance(parent, dict):
            del parent[place[-1]]
        else:
            parent[place[-1]] = data.draw(JSON_VALUES)
    return document


@BOUNDED
@given(st.data())
def test_random_keys_and_values_in_a_json_result(tmp_path_factory, data):
    name = data.draw(st.sampled_from(sorted(VALID)))
    document = _mutated(json.loads(_saved()[name, ".json"]), data)
    path = tmp_path_factory.mktemp("keys") / "r.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    check_load(path)


@BOUNDED
@given(st.data())
def test_random_keys_and_values_in_an_npz_metadata(tmp_path_factory, data):
    """The same edits in an .npz's metadata, whose arrays stay (a field then comes from both, or from neither)."""
    name = data.draw(st.sampled_from(sorted(VALID)))
    with zipfile.ZipFile(io.BytesIO(_saved()[name, ".npz"])) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    document = json.loads(str(np.load(io.BytesIO(members["metadata.npy"]))))
    buffer = io.BytesIO()
    np.save(buffer, np.array(json.dumps(_mutated(document, data))))
    members["metadata.npy"] = buffer.getvalue()
    path = tmp_path_factory.mktemp("meta") / "r.npz"
    with zipfile.ZipFile(path, "w") as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    check_load(path)
