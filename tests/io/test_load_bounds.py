"""Issue 51 item 3: ``kapitza.load`` runs every constructor check and bounds what it allocates by a stated limit.

Before: a Relaxation with steps = -5, a NaN residual and an infinite cell loaded without complaint; a ForceField
whose pair_coeff line named ``../../../../../../etc/passwd`` with no files recorded loaded (LAMMPS would have opened
the path as written); an .npz member whose header told the truth about 7.45 GiB of deflated zeros (8 MB of file)
was allocated in full.  Each case here is refused with one InputError line, before anything large is allocated.
"""

from __future__ import annotations

import io
import json
import struct
import time
import tracemalloc
import zipfile
import zlib

import numpy as np
import pytest

import kapitza
from kapitza.atomistic.bulk import Relaxation
from kapitza.errors import InputError
from kapitza.io.results import MAX_LOAD_BYTES


def _relaxation(**change):
    """A record as relax_crystal makes it: Si relaxed from 5.43 to 5.4677 A in 12 steps (values illustrative)."""
    values = dict(
        converged=True,
        steps=12,
        residual=4e-4,
        fmax=1e-3,
        max_steps=500,
        input_cell=np.array([5.43, 5.43, 5.43, 90.0, 90.0, 90.0]),
        relaxed_cell=np.array([5.4677, 5.4677, 5.4677, 90.0, 90.0, 90.0]),
        spacegroup="Fd-3m (227)",
    )
    values.update(change)
    return values


def _edited(path, **change):
    document = json.loads(path.read_text(encoding="utf-8"))
    document["result"].update(change)
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _one_line(exc: pytest.ExceptionInfo) -> str:
    text = str(exc.value)
    assert "\n" not in text, text
    return text


# ---- Relaxation ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".json", ".npz"])
def test_a_relaxation_round_trips(tmp_path, suffix):
    original = Relaxation(**_relaxation())
    loaded = kapitza.load(original.save(tmp_path / f"r{suffix}"))
    assert isinstance(loaded, Relaxation) and loaded.to_dict() == original.to_dict()
    assert isinstance(loaded.steps, int) and loaded.steps == 12


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"steps": -5}, r"steps \(-5\) must be from 0 to max_steps \(500\)"),
        ({"steps": 501}, r"steps \(501\) must be from 0 to max_steps \(500\)"),
        ({"max_steps": 0, "steps": 0}, "max_steps >= 1"),
        ({"steps": 3.5}, "steps must be a whole number, got 3.5"),
        ({"converged": "yes"}, "converged must be true or false"),
        ({"residual": "nan"}, "residual must be finite"),
        ({"residual": -1e-4}, "residual must be >= 0"),
        ({"fmax": "inf"}, "fmax must be finite"),
        ({"fmax": 0.0}, "fmax must be > 0"),
        ({"residual": 0.5}, "converged, but the residual 0.5 eV/A is above fmax 0.001"),
        ({"relaxed_cell": ["inf", 5.43, 5.43, 90.0, 90.0, 90.0]}, "relaxed_cell must be six finite numbers"),
        ({"input_cell": [5.43, 5.43, 90.0, 90.0, 90.0]}, "input_cell must be six finite numbers"),
        ({"input_cell": [0.1, 5.43, 5.43, 90.0, 90.0, 90.0]}, r"input_cell has lengths \[0.1, 5.43, 5.43\] A"),
        ({"relaxed_cell": [5.43, 5.43, 5.43, 90.0, 180.0, 90.0]}, "each is between 0 and 180"),
        ({"relaxed_cell": [8.0, 5.43, 5.43, 90.0, 90.0, 90.0]}, "the relaxation moved a from 5.4300 to 8.0000 A"),
        ({"spacegroup": ["Fd-3m"]}, "spacegroup must be a short text"),
    ],
)
def test_load_refuses_a_relaxation_that_relax_crystal_never_records(tmp_path, change, message):
    """relax_crystal records 0 <= steps <= max_steps, a finite residual at or below fmax (it refuses one that does
    not converge), cells of six finite numbers and a change of at most MAX_RELAXED_CHANGE (10 %)."""
    path = _edited(Relaxation(**_relaxation()).save(tmp_path / "r.json"), **change)
    with pytest.raises(InputError, match=message) as info:
        kapitza.load(path)
    assert _one_line(info).startswith(f"{str(path)!r}: cannot rebuild a Relaxation")


def test_the_issue_relaxation_is_refused_in_both_formats(tmp_path):
    """The issue's file: steps = -5, residual NaN, an infinite cell (each alone is refused above)."""
    bad = {"steps": -5, "residual": "nan", "relaxed_cell": [5.43, "inf", 5.43, 90.0, 90.0, 90.0]}
    json_path = _edited(Relaxation(**_relaxation()).save(tmp_path / "r.json"), **bad)
    with pytest.raises(InputError, match="cannot rebuild a Relaxation"):
        kapitza.load(json_path)
    with pytest.raises(InputError, match=r"steps \(-5\)"):  # built in code: the same rule
        Relaxation(**_relaxation(steps=-5))
    good = Relaxation(**_relaxation()).save(tmp_path / "r.npz")
    with zipfile.ZipFile(good) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    document = json.loads(str(np.load(io.BytesIO(members["metadata.npy"]))))
    document["result"].update(steps=-5, residual="nan")
    members["metadata.npy"] = _npy(np.array(json.dumps(document)))
    members["relaxed_cell.npy"] = _npy(np.array([5.43, np.inf, 5.43, 90.0, 90.0, 90.0]))
    with zipfile.ZipFile(tmp_path / "bad.npz", "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(InputError, match="cannot rebuild a Relaxation"):
        kapitza.load(tmp_path / "bad.npz")


# ---- ForceField ------------------------------------------------------------------------------------------------


def _force_field_document(**change):
    result = {
        "pair_style": "pair_style lj/cut 10.0",
        "pair_coeffs": ["pair_coeff * * 0.0104 3.40"],
        "modifiers": [],
        "masses": {},
        "types": [],
        "files": {},
        "origin": "lines",
    }
    result.update(change)
    return {"kind": "ForceField", "kapitza_version": "0", "result": result}


def test_a_force_field_without_files_loads(tmp_path):
    from kapitza.atomistic.forcefield import parse_pair_lines

    original = parse_pair_lines(["pair_style lj/cut 10.0", "pair_coeff * * 0.0104 3.40"], confine=True)
    loaded = kapitza.load(original.save(tmp_path / "ff.json"))
    assert loaded.commands() == ("pair_style lj/cut 10.0", "pair_coeff * * 0.0104 3.40") and not loaded.files


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"pair_style": "pair_style sw", "pair_coeffs": ["pair_coeff * * ../../../../../../etc/passwd Si"]},
            r"names the potential file '(\.\./){6}etc\.\.\.', which the force field does not record",
        ),
        ({"pair_style": "pair_style sw", "pair_coeffs": ["pair_coeff * * /etc/shadow Si"]}, "does not record"),
        ({"files": {"Si.sw": "Si.sw"}}, "files records 'Si.sw', which no pair_coeff line names"),
    ],
)
def test_load_refuses_a_force_field_whose_files_are_not_its_lines(tmp_path, change, message):
    """A potential file the lines name but ``files`` does not record would reach LAMMPS unchecked, as written
    (relative to the run folder): the confinement of a loaded force field checks only what ``files`` holds."""
    path = tmp_path / "ff.json"
    path.write_text(json.dumps(_force_field_document(**change)), encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        kapitza.load(path)
    assert "cannot rebuild a ForceField" in _one_line(info)


def test_a_force_field_built_in_code_meets_the_same_rule():
    from kapitza.atomistic.forcefield import ForceField

    with pytest.raises(InputError, match="does not record"):
        ForceField(pair_style="pair_style sw", pair_coeffs=("pair_coeff * * ../x/Si.sw Si",))


# ---- what an .npz may make load allocate -----------------------------------------------------------------------


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _header(shape: tuple[int, ...]) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "<f8", "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def _zip(path, members) -> None:
    """Write a zip by hand: ``members`` are (name, stored bytes, method, declared uncompressed size, the bytes
    whose CRC-32 the directory states).  The directory declares what it is told (zip64 extras where a size passes
    4 GiB), as a crafted file may."""
    out, central = bytearray(), bytearray()
    for name, data, method, size, content in members:
        offset, raw = len(out), name.encode()
        big = size >= 0xFFFFFFFF
        extra = struct.pack("<HHQ", 1, 8, size) if big else b""
        declared = 0xFFFFFFFF if big else size
        crc = zlib.crc32(content)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, method, 0, 33, crc, len(data), declared, len(raw), 0)
        out += raw + data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, method, 0, 33, crc, len(data), declared, len(raw),
            len(extra), 0, 0, 0, 0, offset,
        )  # fmt: skip
        central += raw + extra
    start = len(out)
    out += central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), start, 0)
    path.write_bytes(bytes(out))


def _deflated(head: bytes, filler: int) -> bytes:
    """A raw deflate stream of ``head`` (so the header reads) and then ``filler`` random bytes in stored blocks (a
    valid stream as far as it goes: the reader inflates ahead of what it is asked for)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = bytearray(compressor.compress(head) + compressor.flush(zlib.Z_SYNC_FLUSH))
    noise = np.random.default_rng(5).bytes(filler)
    for start in range(0, filler, 65535):
        block = noise[start : start + 65535]
        out += b"\x00" + struct.pack("<HH", len(block), len(block) ^ 0xFFFF) + block
    return bytes(out)


def _metadata() -> bytes:
    return _npy(np.array(json.dumps({"kind": "ConductanceResult", "result": {}})))


def _refused_at_once(path, message, **kwargs) -> str:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(InputError, match=message) as info:
            kapitza.load(path, **kwargs)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - start < 5.0 and peak < 50e6, (time.perf_counter() - start, peak)
    return _one_line(info)


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_header_claiming_1e9_elements_over_a_tiny_payload_is_refused(tmp_path, method):
    """The directory declares the member as large as its header (8e9 bytes of float64), but the file holds 24
    bytes of it: stored, that is all it can hold; deflated, at most 1032 times its compressed bytes."""
    head = _header((1_000_000_000,))
    payload = head + bytes(24)
    stored = payload if method == zipfile.ZIP_STORED else zlib.compress(payload)[2:-4]
    _zip(tmp_path / "tiny.npz", [("metadata.npy", _metadata(), 0, len(_metadata()), _metadata()),
                                 ("conductance.npy", stored, method, len(head) + 8 * 10**9, payload)])  # fmt: skip
    _refused_at_once(tmp_path / "tiny.npz", "its header claims 8,000,000,000 bytes of array")


def test_a_member_whose_header_matches_its_compressed_size_is_refused_by_the_stated_limit(tmp_path):
    """The issue's case: 1e9 float64 (7.45 GiB) in a deflated member of 7.8 MB, which deflate can inflate to that
    (1032:1, as zeros do); every size agrees, so only the stated limit (MAX_LOAD_BYTES, 1 GiB) refuses it."""
    head = _header((1_000_000_000,))
    stored = _deflated(head, 7_800_000)
    assert len(stored) * 1032 > 8 * 10**9  # the file holds enough to inflate to what the header says
    declared = len(head) + 8 * 10**9
    _zip(tmp_path / "honest.npz", [("metadata.npy", _metadata(), 0, len(_metadata()), _metadata()),
                                   ("conductance.npy", stored, zipfile.ZIP_DEFLATED, declared, head)])  # fmt: skip
    text = _refused_at_once(tmp_path / "honest.npz", "more than max_bytes = 1,073,741,824")
    total = 8 * 10**9 + np.load(io.BytesIO(_metadata())).nbytes  # the array and the metadata's text
    assert f"its arrays hold {total:,} bytes" in text and "raise max_bytes=" in text
    assert MAX_LOAD_BYTES == 2**30


def test_real_deflated_zeros_are_refused_by_max_bytes_before_they_are_inflated(tmp_path):
    """A true deflated member (16 MiB of zeros in 16 kB): refused under max_bytes = 8 MiB without inflating it."""
    saved = kapitza.prediction.predict_model("Al", "Si", [100.0, 300.0], model="dmm").save(tmp_path / "r.npz")
    packed = tmp_path / "packed.npz"
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info.filename, source.read(info))
        out.writestr("padding.npy", _npy(np.zeros(2 * 2**20)))
    assert packed.stat().st_size < 100_000
    _refused_at_once(packed, "more than max_bytes = 8,388,608", max_bytes=8 * 2**20)
    assert isinstance(kapitza.load(packed, max_bytes=32 * 2**20), kapitza.ConductanceResult)


def test_max_bytes_is_the_sum_of_the_arrays(tmp_path):
    """A saved .npz loads with max_bytes equal to its arrays' bytes (metadata included) and not one byte less."""
    saved = kapitza.prediction.predict_model("Al", "Si", [100.0, 300.0], model="dmm").save(tmp_path / "r.npz")
    with zipfile.ZipFile(saved) as archive:
        total = sum(np.load(io.BytesIO(archive.read(info))).nbytes for info in archive.infolist())
    assert isinstance(kapitza.load(saved, max_bytes=total), kapitza.ConductanceResult)
    with pytest.raises(InputError, match=f"its arrays hold {total:,} bytes, more than max_bytes = {total - 1:,}"):
        kapitza.load(saved, max_bytes=total - 1)


def test_a_member_holding_more_than_its_header_declares_is_refused(tmp_path):
    """np.save writes the header and then exactly the array's bytes: a member with more is not one it wrote."""
    data = _npy(np.zeros(3)) + bytes(16)
    _zip(tmp_path / "long.npz", [("metadata.npy", _metadata(), 0, len(_metadata()), _metadata()),
                                 ("conductance.npy", data, 0, len(data), data)])  # fmt: skip
    _refused_at_once(tmp_path / "long.npz", "its header declares 24 bytes of array, the member holds 40")


def test_a_json_result_is_bounded_by_max_bytes_too(tmp_path):
    """A .json may be max_bytes / 16 bytes (its parse holds about eleven bytes per character of numbers)."""
    saved = kapitza.prediction.predict_model("Al", "Si", [100.0, 300.0], model="dmm").save(tmp_path / "r.json")
    size = saved.stat().st_size
    assert isinstance(kapitza.load(saved, max_bytes=16 * size), kapitza.ConductanceResult)
    with pytest.raises(InputError, match=f"its JSON text is {size:,} bytes, more than the {size - 1:,}"):
        kapitza.load(saved, max_bytes=16 * (size - 1))


@pytest.mark.parametrize("value", [0, -1, True, 1.5, "1e9", None])
def test_max_bytes_must_be_a_positive_whole_number(tmp_path, value):
    with pytest.raises(InputError, match="max_bytes must be a whole number of bytes >= 1"):
        kapitza.load(tmp_path / "r.json", max_bytes=value)


@pytest.mark.parametrize("kind", ["os.system", "../x", "", "Conductance Result", "x" * 101, "ConductanceResult\n"])
def test_a_kind_that_is_no_class_name_is_refused_before_any_lookup(tmp_path, kind):
    """The kind names a class of kapitza's registry; it is never imported, and one that is no name is refused."""
    path = tmp_path / "k.json"
    path.write_text(json.dumps({"kind": kind, "result": {}}), encoding="utf-8")
    with pytest.raises(InputError, match="its kind is no class name"):
        kapitza.load(path)


def test_an_npy_header_that_numpy_cannot_tokenize_is_refused(tmp_path):
    """numpy retries a header it cannot parse through Python's tokenizer, whose TokenError (neither ValueError nor
    SyntaxError) escaped as a traceback: found by tests/io/test_load_fuzz.py (one byte of a header changed)."""
    data = _npy(np.zeros(3))
    broken = data.replace(b"}", b"(", 1)
    assert len(broken) == len(data)
    _zip(tmp_path / "h.npz", [("metadata.npy", _metadata(), 0, len(_metadata()), _metadata()),
                              ("conductance.npy", broken, 0, len(broken), broken)])  # fmt: skip
    _refused_at_once(tmp_path / "h.npz", "member 'conductance.npy'")


def test_a_saved_result_nested_past_a_records_depth_is_one_line(tmp_path):
    """Issue 86, item 4: every JSON kapitza reads goes through the one depth bound (io.json_file.MAX_DEPTH), a saved
    result's too (a document 40 objects deep, well within Python's recursion limit, was parsed and walked)."""
    from kapitza.errors import InputError
    from kapitza.io.json_file import MAX_DEPTH

    doc = {"kind": "Prediction", "result": {}}
    level = doc["result"]
    for _ in range(MAX_DEPTH + 8):
        level["x"] = [{}]
        level = level["x"][0]
    path = tmp_path / "deep.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError, match=r"its JSON nests lists or objects deeper than a kapitza record"):
        kapitza.load(path)
