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


# ---- issue 63: every result checks itself; hostile variants of real documents ------------------------------------

#: Hostile texts: a terminal's title set by an OSC sequence, an OSC-8 link to a local file, rich markup, a path for
#: a name, code for a calculator, a bidirectional override, a carriage return that overwrites the line.
HOSTILE_TEXTS = (
    "\x1b]0;pwn\x07database",
    "\x1b]8;;file:///etc/passwd\x07Al\x1b]8;;\x07",
    "[link=file:///etc/passwd]Al[/link]",
    "[bold red]Al",
    "../../../../etc/passwd",
    "os:abort",
    "Al\u202eiS",
    "Si\rGe",
)
#: Hostile numbers: not a number, negative, a share of 5, beyond any double's use, a huge count.
HOSTILE_NUMBERS = ("nan", "inf", -1, -0.5, 5, 1e308, 10**12)


def _cut(obj, n: int):
    """``obj`` with its per-row fields (tuples and 1-D arrays as long as ``row``) cut to the first ``n`` rows."""
    import dataclasses

    rows = len(obj.row)
    changes = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, (tuple, np.ndarray)) and len(value) == rows:
            changes[f.name] = value[:n]
    return dataclasses.replace(obj, **changes)


@functools.cache
def _issue_results() -> dict[str, Any]:
    """A real (or, where the computation needs a potential and minutes, a realistic hand-made) instance of each of
    the 13 result classes added since 10ddd04, small enough to walk every place of its document."""
    from calibration.laboratory import floor as F
    from calibration.laboratory import held_out as H
    from calibration.laboratory import validation as V

    from kapitza.literature import shipped_measurements
    from kapitza.prediction import expected as E
    from kapitza.prediction.validation.agf import AgfValidation
    from kapitza.prediction.validation.buildable import buildable_rows, match_pair
    from kapitza.transmission.agf import chain_model
    from kapitza.transmission.agf.forceconstants import LateralForceConstants
    from kapitza.transmission.agf.local_fc import LocalForceConstants, SeamRecord
    from kapitza.transmission.agf.stability import lead_stability

    rows = all_rows = E.expected_rows("database")
    rows = rows.select(np.isin(np.array(rows.paper), sorted(set(rows.paper))[:6]))
    held = H.held_out(rows, 3)
    nan = np.full(len(held), np.nan)
    validation = V._scores("database", held, nan, nan, nan)
    compilation = shipped_measurements()
    buildable = _cut(buildable_rows(measurements=compilation.select(np.arange(len(compilation)) < 40)), 6)
    n = len(buildable)
    agf = AgfValidation(
        calculator="sevennet-l3i5+d3", row=buildable.row, film=buildable.film, substrate=buildable.substrate,
        paper=buildable.paper, temperature=buildable.temperature, measured=np.full(n, 1.2e8), planes=buildable.planes,
        cell_atoms=buildable.cell_atoms, agf=np.full(n, 2.1e8), agf_intrinsic=np.full(n, 3.0e8),
        agf_phonon=np.full(n, 2.0e8), full_dispersion=np.full(n, 2.5e8), debye=np.full(n, 4.0e8),
        reason=buildable.reason, detail=buildable.detail, note=("",) * n,
        settings={"frequencies": 200, "kpoints": 8, "max_strain": 0.03},
    )  # fmt: skip
    fc = LateralForceConstants(
        i=np.array([0, 1]), j=np.array([1, 0]), translations=np.zeros((2, 2), dtype=np.int64),
        blocks=np.stack([-np.eye(3), -np.eye(3)]), positions=np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 2.7e-10]]),
        lateral_cell=np.array([[3.8e-10, 0.0, 0.0], [0.0, 3.8e-10, 0.0]]), force_range=5e-10, repeat=(3, 3),
        method="finite-difference (sevennet)",
    )  # fmt: skip
    seam = SeamRecord(asymmetry=1e-6, correction=2e-4, residual=1e-12)
    model = chain_model(4.66e-26, 1.2e-25, 10.0, 8.0, 6.0)
    return {
        "expected": E.expected_conductance("Al", "Si", [0.0, 300.0]),
        "rows": rows.select(np.arange(len(rows)) < 8),
        "descriptors": E.StructureDescriptors(
            calculator="sevennet-l3i5+d3",
            provenance="kapitza validate --calculator sevennet-l3i5+d3",
            row_id=("12", "13"),
            film=("Al", "Au"),
            substrate=("Si", "Si, 100"),
            kind=("metal/non-metal", "metal/non-metal"),
            temperature=np.array([300.0, 100.0]),
            g_fd=np.array([1.9e8, 8.0e7]),
            g_fd_phonon=np.array([1.8e8, 7.5e7]),
            g_ep=np.array([np.nan, 9.6e8]),
        ),  # fmt: skip
        "held": held,
        "score": validation.estimate,
        "floor": F.interlaboratory_floor(*(getattr(all_rows, f) for f in ("measured", "temperature", "pair", "paper"))),
        "validation": validation,
        "match": match_pair("Al", "Si", ((0, 0, 1), (0, 0, 1))),
        "buildable": buildable,
        "agf": agf,
        "seam": seam,
        "local": LocalForceConstants(
            fc=fc,
            rows=np.array([0, 1]),
            displaced_rows=np.array([1]),
            bulk_rows=np.array([0]),
            reach=9.5,
            seam=seam,
            displaced_atoms=1,
            bulk_displaced=(1, 0),
        ),  # fmt: skip
        "stability": lead_stability(model, "left", np.zeros((1, 2))),
    }


def _variants(node: Any):
    """Every hostile value for a place holding ``node``: texts for a text, numbers for a number or a bool, and for a
    list a shorter, a longer and a reversed one."""
    if isinstance(node, str):
        yield from HOSTILE_TEXTS
        yield from ("nan", "")
    elif isinstance(node, (bool, int, float)):
        yield from HOSTILE_NUMBERS
    elif isinstance(node, list):
        yield node[:-1]
        yield node + node[-1:]
        yield node[::-1]
        yield [HOSTILE_TEXTS[0]] * len(node)


def _few_places(node: Any, path: tuple = ()) -> list[tuple]:
    """Every place in a JSON document down to the first two items of each list (every field, nested ones too)."""
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _few_places(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node[:2]):
            out += _few_places(value, (*path, i))
    return out


def _replaced(document: dict, place: tuple, value: Any) -> dict:
    document = json.loads(json.dumps(document))
    parent = document["result"]
    for step in place[:-1]:
        parent = parent[step]
    parent[place[-1]] = value
    return document


def _printable(node: Any) -> bool:
    """Independent of kapitza's checks: every text of a JSON document is printable (line feeds and tabs aside)."""
    if isinstance(node, str):
        return all(c.isprintable() or c in "\n\t" for c in node)
    if isinstance(node, dict):
        return all(_printable(k) and _printable(v) for k, v in node.items())
    if isinstance(node, list):
        return all(_printable(v) for v in node)
    return True


def _use(loaded: Any, folder: Path) -> None:
    """What a user does with a loaded result: its repr, its document, saving and loading it again (the same
    document), and each line of an expected estimate."""
    assert repr(loaded)
    document = loaded.to_dict()
    assert _printable(document), document
    again = kapitza.load(loaded.save(folder / "again.json"))
    assert again.to_dict() == document
    if hasattr(loaded, "line"):
        for i in range(len(loaded.temperature)):
            assert "\x1b" not in loaded.line(i)


def test_the_issue_results_load_back(tmp_path):
    """The base documents of the hostile variants load back as themselves (so each variant is what fails)."""
    for name, found in _issue_results().items():
        path = found.save(tmp_path / f"{name}.json")
        assert kapitza.load(path).to_dict() == found.to_dict(), name


@pytest.mark.parametrize("name", sorted(["expected", "rows", "descriptors", "held", "score", "floor", "validation",
                                         "match", "buildable", "agf", "seam", "local", "stability"]))  # fmt: skip
def test_hostile_variants_of_each_result(tmp_path, name):
    """Issue 63 item 2, generated: every place of a real document of each class (the first six items of a list)
    replaced by every hostile value of its kind.  Each variant ends in one InputError line or a result that holds
    no control character in any text and survives what a user does with it (repr, save and load again, its lines);
    a control character anywhere in a text is always refused."""
    document = json.loads(_saved_issue(name))
    folder = tmp_path
    refused = loaded = 0
    for place in _few_places(document["result"])[1:]:
        if name == "validation" and place[0] == "held":
            continue  # the HeldOut inside: walked as "held"
        node = document["result"]
        for step in place:
            node = node[step]
        for value in _variants(node):
            path = folder / "variant.json"
            path.write_text(json.dumps(_replaced(document, place, value)), encoding="utf-8")
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                try:
                    result = kapitza.load(path)
                except InputError as exc:
                    assert "\n" not in str(exc) and "\x1b" not in str(exc), repr(str(exc))
                    refused += 1
                    continue
            assert not isinstance(node, str) or _printable(value), f"{name} at {place}: {value!r} loaded"
            _use(result, folder)
            loaded += 1
    assert refused > 0 and refused + loaded > 20, (refused, loaded)


@functools.cache
def _saved_issue(name: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        return _issue_results()[name].save(Path(folder) / "r.json").read_text(encoding="utf-8")


def _edited_issue(tmp_path, name: str, **change) -> Path:
    document = json.loads(_saved_issue(name))
    for key, value in change.items():  # a callable makes the value from the real one
        document["result"][key] = value(document["result"][key]) if callable(value) else value
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        ("expected", {"low": [0.0, 1.97e8], "high": [0.0, 3.27e7]}, r"the band must be ordered"),
        ("score", {"coverage_paper": 5}, r"coverage_paper must be a share from 0 to 1"),
        ("score", {"rows": -3}, r"rows must be an integer >= 0"),
        ("floor", {"values": -2}, r"values must be an integer >= 0"),
        ("expected", {"temperature": ["nan", 300.0]}, r"temperature must be finite"),
        ("expected", {"value": [0.0]}, r"value has shape \(1,\); expected \(2,\)"),
        ("stability", {"top": "nan"}, r"top must be finite"),
        ("stability", {"kappa": ["nan", 0.0]}, r"kappa must be finite"),
        ("expected", {"side1": "\x1b]0;pwn\x07database"}, r"side1 '\\x1b\]0;pwn\\x07database' holds the control"),
        ("expected", {"side2": "\x1b]8;;file:///etc/passwd\x07Si\x1b]8;;\x07"}, r"holds the control character"),
        ("floor", {"pair": lambda p: ["[link=file:///etc/passwd]Al|Si[/link]"] + p[1:]}, r"holds the markup"),
        ("expected", {"side1": "../../../../etc/passwd"}, r"is a path, not the name"),
        ("descriptors", {"calculator": "os:abort"}, r"names Python code \(module:factory\)"),
        ("expected", {"outside": [False, False]}, r"0 K lies outside every measurement"),
        ("match", {"built": True, "reason": "strain"}, r"reason must be '' where built"),
        ("expected", {"notes": ["fine", "\x1b[2J"]}, r"notes\[1\] .* holds the control character"),
    ],
    ids=[
        "swapped-band",
        "coverage-5",
        "negative-rows",
        "negative-values",
        "nan-temperature",
        "short-value",
        "nan-frequency",
        "nan-kappa",
        "osc-title",
        "osc-8-link",
        "markup",
        "path-side",
        "code-calculator",
        "zero-kelvin-inside",
        "built-with-reason",
        "clear-screen-note",
    ],  # fmt: skip
)
def test_the_issue_documents_are_refused_in_one_line(tmp_path, name, change, message):
    """Each case the issue quotes (and a few of their kind): one InputError line naming the field, from load (the
    constructor's rule, shared with the API), and the text of the message itself free of control characters."""
    path = _edited_issue(tmp_path, name, **change)
    with pytest.raises(InputError, match=message) as info:
        kapitza.load(path)
    text = str(info.value)
    assert "\n" not in text and "\x1b" not in text and "\x07" not in text, repr(text)


def test_the_constructors_give_the_same_rule_as_load():
    """The rule is the constructor's: built in code, a swapped band and a path for a side are refused too."""
    import dataclasses

    expected = _issue_results()["expected"]
    with pytest.raises(InputError, match="the band must be ordered"):
        dataclasses.replace(expected, low=expected.high, high=expected.low)
    with pytest.raises(InputError, match="is a path"):
        dataclasses.replace(expected, side1="../../../../etc/passwd")


def test_every_loadable_class_has_its_texts_checked_on_load(tmp_path):
    """Every class kapitza.load can return (the registry, every module imported): a control character put in any
    one of its fields (as a text, in a list, as a mapping key) is found by load's walk of the loaded object, so no
    class can hand a saved escape sequence to a terminal, whatever its own constructor checks."""
    import dataclasses

    from kapitza.io import results

    with pytest.raises(InputError):
        kapitza.load(_unknown_kind(tmp_path))  # imports every module, so the registry holds every class
    classes = sorted(results._REGISTRY.values(), key=lambda c: c.__name__)
    assert len(classes) >= 150
    hostile = HOSTILE_TEXTS[0]
    for cls in classes:
        names = [f.name for f in dataclasses.fields(cls)]
        assert names, cls
        for name in names:
            for value in (hostile, (1.0, hostile), {hostile: 1.0}, {"note": [hostile]}):
                obj = object.__new__(cls)
                for other in names:
                    object.__setattr__(obj, other, None)
                object.__setattr__(obj, name, value)
                with pytest.raises(InputError, match=r"holds the control character '\\x1b'"):
                    results._check_texts(obj, cls.__name__)


def _unknown_kind(folder: Path) -> Path:
    path = folder / "unknown.json"
    path.write_text('{"kind": "NoSuchResultAtAll", "result": {}}', encoding="utf-8")
    return path
