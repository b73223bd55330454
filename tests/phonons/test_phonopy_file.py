"""phonopy files are read as data: no code execution, and every malformed file is one InputError.

Issue 9, item 7: appending ``evil: !!python/object/apply:os.system [...]`` to a valid
phonopy.yaml ran the command through ``phonopy.load``.  The valid files here are written by
phonopy itself from the Stillinger-Weber Si crystal (as in test_harmonic.py).
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.phonons.harmonic import HarmonicCrystal
from kapitza.phonons.phonopy_file import load_phonopy, read_yaml

Q = [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0.5, 0.5], [0.1, 0.2, 0.3]]
#: rad/s: the acoustic zeros at Gamma are ~1e6 rad/s of round-off against optical 1.1e14 rad/s.
ATOL = 1e-6 * 1.2e14


@pytest.fixture(scope="module")
def si_crystal():
    return HarmonicCrystal.from_potential("Si", "sw")


@pytest.fixture(scope="module")
def valid_folder(si_crystal, tmp_path_factory):
    """phonopy.yaml (no force constants inside) + FORCE_CONSTANTS, as phonopy writes them."""
    from phonopy.file_IO import write_FORCE_CONSTANTS

    folder = tmp_path_factory.mktemp("phonopy-valid")
    ph = si_crystal.phonopy
    ph.save(folder / "phonopy.yaml", settings={"force_constants": False, "force_sets": False})
    write_FORCE_CONSTANTS(ph.force_constants, filename=folder / "FORCE_CONSTANTS")
    return folder


@pytest.fixture
def work(valid_folder, tmp_path):
    for name in ("phonopy.yaml", "FORCE_CONSTANTS"):
        shutil.copy(valid_folder / name, tmp_path / name)
    return tmp_path


def test_valid_file_loads(work, si_crystal):
    """The reference is an independent computation (the potential route on the same crystal); 1.2e14 rad/s is the
    order of SW Si's top phonon (17.83 THz times 2 pi, the LAMMPS value of tests/phonons/test_harmonic.py,
    Stillinger & Weber 1985).
    """
    crystal = HarmonicCrystal.from_phonopy_file(work / "phonopy.yaml", name="Si")
    np.testing.assert_allclose(
        crystal.frequencies(Q), si_crystal.frequencies(Q), rtol=1e-9, atol=1e-6 * 1.2e14
    )  # acoustic zeros at Gamma are ~1e6 rad/s of round-off


@pytest.mark.parametrize(
    "payload",
    [
        'evil: !!python/object/apply:os.system ["touch {marker}"]\n',
        "evil: !!python/object/apply:os.system\n- touch {marker}\n",
        'evil: !<tag:yaml.org,2002:python/object/apply:os.system> ["touch {marker}"]\n',
        "evil: !!python/name:os.system\n",
    ],
)
def test_python_tag_does_not_run_code(work, payload):
    """The review's exploit: a command in a Python tag must not run, and the file is refused."""
    marker = work / "PWNED"
    path = work / "phonopy.yaml"
    with open(path, "a") as fh:
        fh.write(payload.format(marker=marker))
    with pytest.raises(InputError, match="phonopy file"):
        HarmonicCrystal.from_phonopy_file(path)
    assert not marker.exists()


def test_other_custom_tags_are_refused(work):
    path = work / "phonopy.yaml"
    with open(path, "a") as fh:
        fh.write("extra: !custom_tag {a: 1}\n")
    with pytest.raises(InputError, match="tag"):
        HarmonicCrystal.from_phonopy_file(path)


def test_folder_is_reported_as_folder(tmp_path):
    with pytest.raises(InputError, match="is a folder"):
        HarmonicCrystal.from_phonopy_file(tmp_path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        HarmonicCrystal.from_phonopy_file(tmp_path / "nothing.yaml")


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"- a\n- b\n", "a list"),
        (b"hello\n", "single str"),
        (b"42\n", "single int"),
        (b"\x00\x01\x02\xff\xfe binary", "not a text file"),
        (b"\xff\xfe\xfd garbage", "not UTF-8"),
        (b"unit_cell: [1, 2\n", "not valid YAML"),
        (b"a: b\n", "no unit_cell"),
        (b"unit_cell: 5\nsupercell_matrix: [2, 2, 2]\n", "mapping"),
        (b"unit_cell: {lattice: [[1, 0], [0, 1]], points: []}\nsupercell_matrix: [2, 2, 2]\n", "shape 3x3"),
        (b"unit_cell: {lattice: many, points: []}\nsupercell_matrix: [2, 2, 2]\n", "array"),
        (b"unit_cell: {lattice: [[1, 0, 0], [0, 1, 0], [0, 0, .nan]], points: []}\n", "NaN"),
        (b"unit_cell: {lattice: [[1, 0, 0], [0, 1, 0], [0, 0, 0]], points: []}\n", "no volume"),
        (b"unit_cell: {lattice: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], points: []}\n", "non-empty"),
        (b"unit_cell: {lattice: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], points: [{symbol: Xx}]}\n", "chemical symbol"),
        (
            b"unit_cell: {lattice: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "
            b"points: [{symbol: Si, coordinates: [0, 0, 0], mass: -1}]}\nsupercell_matrix: [1, 1, 1]\n",
            "positive",
        ),
        (
            b"unit_cell: {lattice: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "
            b"points: [{symbol: Si, coordinates: [0, 0, 0]}]}\n",
            "supercell_matrix",
        ),
        (
            b"unit_cell: {lattice: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "
            b"points: [{symbol: Si, coordinates: [0, 0, 0]}]}\nsupercell_matrix: [[1, 0], [0, 1]]\n",
            "supercell_matrix",
        ),
        (
            b"unit_cell: {lattice: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "
            b"points: [{symbol: Si, coordinates: [0, 0, 0]}]}\nsupercell_matrix: [1000, 1000, 1000]\n",
            "at most",
        ),
        (b"[" * 5000 + b"]" * 5000, "phonopy file"),
    ],
)
def test_malformed_yaml_is_one_input_error(tmp_path, content, message):
    path = tmp_path / "phonopy.yaml"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        HarmonicCrystal.from_phonopy_file(path)
    assert "\n" not in str(info.value)


def test_empty_force_constants(work):
    (work / "FORCE_CONSTANTS").write_text("")
    with pytest.raises(InputError, match="empty"):
        HarmonicCrystal.from_phonopy_file(work / "phonopy.yaml")


def test_nan_force_constants(work):
    lines = (work / "FORCE_CONSTANTS").read_text().split("\n")
    lines[2] = "nan 0.0 0.0"
    (work / "FORCE_CONSTANTS").write_text("\n".join(lines))
    with pytest.raises(InputError, match="NaN"):
        HarmonicCrystal.from_phonopy_file(work / "phonopy.yaml")


def test_truncated_force_constants(work):
    text = (work / "FORCE_CONSTANTS").read_text()
    (work / "FORCE_CONSTANTS").write_text(text[: len(text) // 3])
    with pytest.raises(InputError, match="truncated"):
        HarmonicCrystal.from_phonopy_file(work / "phonopy.yaml")


def test_force_constants_of_another_supercell(work):
    (work / "FORCE_CONSTANTS").write_text("8 8\n1 1\n1 0 0\n0 1 0\n0 0 1\n")
    with pytest.raises(InputError, match="supercell has 64"):
        HarmonicCrystal.from_phonopy_file(work / "phonopy.yaml")


def test_no_force_constants(work):
    (work / "FORCE_CONSTANTS").unlink()
    with pytest.raises(InputError, match="no force constants"):
        HarmonicCrystal.from_phonopy_file(work / "phonopy.yaml")


def test_inline_force_constants_match_the_file(si_crystal, tmp_path):
    """The same force constants inside the YAML give the same frequencies (1e-9).

    The reference is an independent computation (the potential route); 1.2e14 rad/s is about 2 pi times SW Si's 17.83
    THz top (Stillinger & Weber 1985).
    """
    si_crystal.phonopy.save(tmp_path / "phonopy.yaml", settings={"force_constants": True})
    crystal = HarmonicCrystal.from_phonopy_file(tmp_path / "phonopy.yaml")
    np.testing.assert_allclose(
        crystal.frequencies(Q), si_crystal.frequencies(Q), rtol=1e-9, atol=1e-6 * 1.2e14
    )  # acoustic zeros at Gamma are ~1e6 rad/s of round-off


def test_inline_force_constants_with_nan(si_crystal, tmp_path):
    si_crystal.phonopy.save(tmp_path / "phonopy.yaml", settings={"force_constants": True})
    text = (tmp_path / "phonopy.yaml").read_text()
    head, sep, tail = text.partition("elements:\n")
    number = tail.split("[")[1].split(",")[0].strip()
    tail = tail.replace(number, ".nan", 1)
    (tmp_path / "phonopy.yaml").write_text(head + sep + tail)
    with pytest.raises(InputError, match="NaN"):
        HarmonicCrystal.from_phonopy_file(tmp_path / "phonopy.yaml")


def test_read_yaml_gives_plain_data(work):
    data = read_yaml(work / "phonopy.yaml")
    assert isinstance(data, dict) and "unit_cell" in data
    ph, calculator = load_phonopy(work / "phonopy.yaml")
    assert calculator is None and ph.force_constants.shape == (64, 64, 3, 3)


def _only_input_error(path):
    try:
        HarmonicCrystal.from_phonopy_file(path)
    except InputError as exc:
        assert "\n" not in str(exc)
        return "error"
    return "loaded"


def test_fuzz_truncations(work):
    """The YAML cut at many offsets: a clean InputError (or, cut inside trailing data, a load)."""
    full = (work / "phonopy.yaml").read_bytes()
    path = work / "phonopy.yaml"
    outcomes = []
    for frac in np.linspace(0.0, 0.99, 23):
        path.write_bytes(full[: int(frac * len(full))])
        outcomes.append(_only_input_error(path))
    assert outcomes.count("error") >= 15


def test_fuzz_random_bytes(tmp_path):
    rng = np.random.default_rng(9)
    path = tmp_path / "phonopy.yaml"
    for n in (1, 7, 64, 500, 4000):
        for _ in range(4):
            path.write_bytes(rng.integers(0, 256, size=n, dtype=np.uint8).tobytes())
            assert _only_input_error(path) == "error"


def test_fuzz_random_printable_text(tmp_path):
    rng = np.random.default_rng(10)
    alphabet = np.array(list(b"abc:-[]{}!&*|>'\"#%@`,. \n\t0123456789"), dtype=np.uint8)
    path = tmp_path / "phonopy.yaml"
    for n in (5, 50, 300, 2000):
        for _ in range(5):
            path.write_bytes(rng.choice(alphabet, size=n).tobytes())
            assert _only_input_error(path) == "error"


@pytest.mark.parametrize("value", ["5", "many", "[]", "[1, 2, 3]", "{a: 1}", "null", "true", "[[a, b, c]]"])
@pytest.mark.parametrize("field", ["unit_cell", "supercell_matrix", "primitive_matrix", "phonopy"])
def test_fuzz_wrong_types(work, field, value):
    """Every top-level field replaced by a value of a wrong type gives InputError, nothing else."""
    import yaml

    data = yaml.safe_load((work / "phonopy.yaml").read_text())
    data[field] = yaml.safe_load(value)
    (work / "phonopy.yaml").write_text(yaml.safe_dump(data))
    outcome = _only_input_error(work / "phonopy.yaml")
    if field == "phonopy" and value in ("{a: 1}", "null"):
        assert outcome == "loaded"  # no calculator named: VASP units, as phonopy assumes
    elif field == "primitive_matrix" and value == "null":
        assert outcome == "loaded"  # phonopy's "auto"
    else:
        assert outcome == "error"
