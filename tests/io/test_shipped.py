"""The crystals kapitza ships (kapitza.io.shipped): a shipped crystal answers as the computed one, from an empty cache
and without a force call; a strained or other crystal is computed, never matched; an altered entry or index is
refused (computed instead, said once).  The shipped folder is made here by the script that makes the package's
(scripts/ship_crystals.py ``export``), from ASE's EMT Cu (tests/mlip_factories.py), so no potential is needed."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import warnings

import numpy as np
import pytest
import ship_crystals

from conftest import shipped_from
from kapitza.atomistic.calculators import calculator_source
from kapitza.errors import CacheNote
from kapitza.io import shipped
from kapitza.phonons.from_structure import crystal_phonons

pytest.importorskip("phonopy")

EMT = "mlip_factories:emt"


def _refusing(source):
    def refuse():
        raise AssertionError("a force was asked for: the shipped entry was not used")

    return dataclasses.replace(source, _load=refuse)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """EMT Cu computed into a work cache once and exported as a shipped folder, its digest beside the index."""
    work = tmp_path_factory.mktemp("work")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KAPITZA_CACHE_DIR", str(work))
        mp.setenv("KAPITZA_SHIPPED_DIR", "")
        computed = crystal_phonons("Cu", EMT, supercell=2)
        files = sorted(p.name for p in work.glob("structure-phonons-*.entry"))
        log = {"Cu": {"name": "Cu", "outcome": "computed", "seconds": 1.0, "supercell": [2, 2, 2], "entries": files}}
        folder = tmp_path_factory.mktemp("shipped")
        _, raw = ship_crystals.export(log, work, folder, "a test")
    (folder / "index.sha256").write_text(hashlib.sha256(raw).hexdigest())
    return computed, folder


@pytest.fixture
def shipped_cu(made, tmp_path, monkeypatch):
    """A copy of the shipped folder and an empty cache for the test: (the computed crystal, the folder)."""
    computed, template = made
    with shipped_from(template, tmp_path, monkeypatch) as folder:
        yield computed, folder


def test_a_shipped_crystal_answers_as_the_computed_one_without_a_force(shipped_cu):
    """From an empty cache: the same force constants (bit for bit: the very arrays, read back), the same record and
    relaxed cell, and no force call (the calculator refuses to load)."""
    computed, _ = shipped_cu
    found = crystal_phonons("Cu", _refusing(calculator_source(EMT)), supercell=2)
    np.testing.assert_array_equal(found.crystal.phonopy.force_constants, computed.crystal.phonopy.force_constants)
    assert found.material == computed.material and found.relaxed_cell == computed.relaxed_cell
    assert not any(shipped.shipped_folder().glob("*.entry"))  # read where it lies; nothing written there
    assert shipped.index()["entries"]  # and the index it was found through is the verified one


def test_a_strained_copy_is_computed_not_matched(shipped_cu):
    """Cu at 3.62 A (the table's 3.6149 A, ASE's reference, strained by 0.1 %) is another key: computed (the refusing
    calculator is asked for forces), never swapped for the shipped Cu."""
    with pytest.raises(AssertionError, match="shipped entry was not used"):
        crystal_phonons({"name": "Cu", "crystalstructure": "fcc", "a": 3.62, "cubic": True},
                        _refusing(calculator_source(EMT)), supercell=2)  # fmt: skip


def _computed_after(change, folder) -> str:
    """Alter the shipped folder, then ask for Cu: it is computed (EMT) and the note says why."""
    change(folder)
    shipped._index_of.cache_clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CacheNote)
        crystal_phonons("Cu", EMT, supercell=2)
    return " ".join(str(w.message) for w in caught if issubclass(w.category, CacheNote))


def test_an_altered_entry_is_refused_and_computed(shipped_cu):
    _, folder = shipped_cu

    def flip(folder):
        entry = next(folder.glob("structure-phonons-*.xz"))
        raw = bytearray(entry.read_bytes())
        raw[len(raw) // 2] ^= 0x01
        entry.write_bytes(bytes(raw))

    assert "was altered" in _computed_after(flip, folder)


def test_an_altered_index_is_refused_whole(shipped_cu):
    """A value of the index changed (the potential named), its digest not: nothing shipped is used."""
    _, folder = shipped_cu

    def rename(folder):
        doc = json.loads((folder / "index.json").read_text())
        doc["calculator"] = {"name": "another potential"}
        (folder / "index.json").write_text(json.dumps(doc))

    assert "not the one this kapitza records" in _computed_after(rename, folder)


def test_an_index_naming_a_file_outside_its_folder_is_not_followed(shipped_cu):
    """An entry whose file is a path (re-signed index, as a careless edit could make) is refused, not read."""
    _, folder = shipped_cu

    def escape(folder):
        doc = json.loads((folder / "index.json").read_text())
        for entry in doc["entries"].values():
            entry["file"] = "../" + entry["file"]
        raw = json.dumps(doc).encode()
        (folder / "index.json").write_bytes(raw)
        (folder / "index.sha256").write_text(hashlib.sha256(raw).hexdigest())

    assert "names no file of the shipped folder" in _computed_after(escape, folder)


def test_a_folder_that_is_not_kapitzas_says_so_at_every_use(shipped_cu):
    """Issue 86, item 4: a KAPITZA_SHIPPED_DIR folder certifies itself (its index.sha256), so its entries are the
    user's data: every use says so, not once a process (round eight: Si's force constants x2, re-packed and
    re-indexed, were used without a note)."""
    for _ in range(2):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", CacheNote)
            crystal_phonons("Cu", _refusing(calculator_source(EMT)), supercell=2)
        said = [str(w.message) for w in caught if issubclass(w.category, CacheNote)]
        assert any("a folder that is not kapitza's own" in m and "KAPITZA_SHIPPED_DIR" in m for m in said), said


def test_an_index_nested_past_the_recursion_limit_is_refused_in_one_note(shipped_cu):
    """Round eight: an index of 100,000 nested lists raised RecursionError; it goes through the one bounded JSON
    reader and is refused like any other bad index (computed instead)."""
    _, folder = shipped_cu

    def nest(folder):
        raw = ("[" * 100_000 + "]" * 100_000).encode()
        (folder / "index.json").write_bytes(raw)
        (folder / "index.sha256").write_text(hashlib.sha256(raw).hexdigest())

    assert "is not JSON within a record's depth" in _computed_after(nest, folder)


@pytest.mark.parametrize("name", ["Si", "Ni"])
def test_the_package_ships_both_forms_of_a_crystal(name, tmp_path, monkeypatch):
    """A crystal is two cache keys where its name and the crystal table build it differently: Si's atoms in another
    order (ASE's builder against the table's Wyckoff positions), Ni's lattice (the database's fcc 3.52 A against the
    table's).  Both ship (scripts/ship_crystals.py: the name for `kapitza predict --calculator`, the table's record
    for the validations), so from an empty cache neither asks the default potential for a force."""
    pytest.importorskip("sevenn")
    from kapitza.atomistic.prototypes import build
    from kapitza.literature.crystals import crystal_for

    with shipped_from(None, tmp_path, monkeypatch):
        source = _refusing(calculator_source(None))
        by_name = crystal_phonons(name, source)
        by_record = crystal_phonons(build(crystal_for(name)), source, name=name)
    assert by_name.crystal.n_atoms == by_record.crystal.n_atoms
