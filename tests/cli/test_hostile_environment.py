"""Issue 63 item 3: the environment and the options are checked when a command starts, the same way whatever the
cache holds; one configuration error is one line, not a refusal per row.

Before: ``KAPITZA_MLIP_DEVICE=cuda kapitza predict Si Al --calculator chgnet`` exited 2 with a cold cache and 0 with a
warm one (the variable was read only when a potential loaded); ``KAPITZA_MLIP_DEVICE=cuda:99 kapitza interface
buildable --calculator chgnet`` turned the error into 477 per-crystal refusals and exited 0; ``--device cuda:²``
ended in ``ValueError`` (superscript digits pass ``str.isdigit``); ``interface buildable --max-memory-gb 5`` without
``--calculator`` was ignored; ``md run`` took ``damp = 1e308`` (and printed an interface share of 559 %) and seeds 0
and 2**31 (which failed inside LAMMPS after the run folder was made); a relative ``KAPITZA_CACHE_KEY`` named a key
file relative to the working folder; ``-t -0`` printed "T (K) -0"; at 0 K the expected estimate said it was inside
its training range (25-505 K).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli
from kapitza.errors import InputError

#: Values of the device variable the review tried: a GPU this machine does not have, a backtick command, 3,000
#: characters, digits that are no ASCII digits.
DEVICES = ("cuda", "cuda:7", "`touch pwned`", "x" * 3000, "cuda:²", "cuda:٣")


def _one_line(status: int, err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert status == 2 and len(lines) == 1 and lines[0].startswith("kapitza: error: "), err
    return lines[0]


def _refused(capsys, monkeypatch, device: str, *args: str) -> str:
    """The one line of a command that names CHGNet under the device ``device`` (skipped without CHGNet)."""
    pytest.importorskip("chgnet")
    monkeypatch.setenv("KAPITZA_MLIP_DEVICE", device)
    status, _, err = run_cli(capsys, *args)
    line = _one_line(status, err)
    assert "KAPITZA_MLIP_DEVICE" in line and len(line) < 300, line
    return line


@pytest.mark.parametrize("device", DEVICES)
def test_the_device_variable_is_refused_before_any_potential_work(capsys, monkeypatch, tmp_path, device):
    """The refusal comes when the command names the potential, before a crystal is looked up in the cache or
    computed (both would fail this test), so a cold and a warm cache give the same exit and the same line."""
    from kapitza.phonons import from_structure

    def reached(*args, **kwargs):
        raise AssertionError("the potential's work was reached before the device was checked")

    monkeypatch.setattr(from_structure, "crystal_phonons", reached)
    monkeypatch.setattr(from_structure, "_cached", reached)
    lines = set()
    for cache in ("cold", "other"):  # two cache folders: nothing in either is read
        monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path / cache))
        lines.add(_refused(capsys, monkeypatch, device, "predict", "Si", "Al", "--calculator", "chgnet"))
    assert len(lines) == 1, lines
    if len(device) > 100:  # shown cut short, with its length (the repr's quotes counted)
        assert "(3,002 characters)" in lines.pop()


def test_a_device_error_is_one_line_not_a_refusal_per_row(capsys, monkeypatch):
    """interface buildable: the configuration error is the command's one line (before: 477 rows 'refused by the
    potential', exit 0, '0 of 703 built')."""
    line = _refused(capsys, monkeypatch, "cuda:99", "interface", "buildable", "--calculator", "chgnet")
    assert "cuda:99" in line


def test_an_option_that_does_nothing_without_calculator_is_refused(capsys):
    status, out, err = run_cli(capsys, "interface", "buildable", "--max-memory-gb", 5)
    assert "--calculator" in _one_line(status, err) and not out


@pytest.mark.parametrize("device", ["cuda:²", "gpu:٣", "cuda:¹⁰"])
def test_a_device_with_digits_that_are_no_ascii_digits_is_one_line(capsys, device):
    """--device cuda:² (before: ValueError at _backend.py:628): one line, exit 2, the value shown escaped."""
    status, _, err = run_cli(capsys, "agf", "Si", "Ge", "--kpoints", 1, "--frequencies", 20, "-t", 300, "--no-check",
                             "--device", device)  # fmt: skip
    line = _one_line(status, err)
    assert "--device must be one of" in line and ("\\x" in line or "\\u" in line), line


def test_the_backend_reads_ascii_digits_only():
    from kapitza._backend import check_device, gpu_index, select_backend

    assert gpu_index("0") == 0 and gpu_index("17") == 17
    assert all(gpu_index(text) is None for text in ("²", "٣", "", "1²", "-1", "123", " 1"))
    assert check_device("cuda:3") == "cuda:3" and check_device("GPU:0") == "cuda:0"
    for bad in ("cuda:²", "cuda:", "cuda:0:1"):
        with pytest.raises(InputError, match="must be one of"):
            check_device(bad)
        with pytest.raises(InputError, match="must be one of"):
            select_backend(bad)


def test_a_relative_cache_key_path_is_refused(monkeypatch, tmp_path):
    """KAPITZA_CACHE_KEY=cache.key named a new key in every working folder; now one InputError line, and an
    absolute path (or ~) is still taken."""
    from kapitza.io import cache

    monkeypatch.setenv("KAPITZA_CACHE_KEY", "cache.key")
    with pytest.raises(InputError, match="KAPITZA_CACHE_KEY='cache.key' is a relative path") as info:
        cache.key_file()
    assert "\n" not in str(info.value)
    with pytest.raises(InputError, match="relative path"):
        cache.cached_arrays("probe", {"x": 1}, lambda: {"a": np.zeros(2)})
    assert not Path("cache.key").exists()
    monkeypatch.setenv("KAPITZA_CACHE_KEY", str(tmp_path / "k"))
    assert cache.key_file() == tmp_path / "k"
    monkeypatch.setenv("KAPITZA_CACHE_KEY", "~/k")
    assert cache.key_file() == Path(os.path.expanduser("~/k"))


def test_a_relative_cache_key_is_one_line_from_the_cli(capsys, monkeypatch):
    monkeypatch.setenv("KAPITZA_CACHE_KEY", "relative/cache.key")
    status, _, err = run_cli(capsys, "agf", "Si", "Ge", "--kpoints", 1, "--frequencies", 20, "-t", 300, "--no-check")
    assert "is a relative path" in _one_line(status, err)


def test_minus_zero_kelvin_is_zero_kelvin(capsys):
    """-t -0: the table, the JSON and the API say 0 K, never -0 (IEEE's -0.0 compares equal to 0 but prints
    "-0")."""
    from kapitza.landauer import as_temperatures

    status, out, _ = run_cli(capsys, "predict", "Al", "Si", "-t", "-0", "--json")
    assert status == 0
    assert "-0" not in out.replace("e-0", "")
    t = as_temperatures([-0.0, 300.0])  # the one reader of temperatures, the API's and the CLI's
    assert not np.signbit(t).any() and str(t[0]) == "0.0"
    status, out, _ = run_cli(capsys, "predict", "Al", "Si", "-t", "-0")
    assert status == 0 and " -0 " not in out


def test_at_zero_kelvin_the_expected_estimate_is_outside_its_training_range():
    """The estimate learnt from measurements at 25-505 K; 0 K lies outside them (before: false there)."""
    pytest.importorskip("sklearn")
    from kapitza.prediction.expected import expected_conductance, expected_document

    found = expected_conductance("Al", "Si", [0.0, 300.0])
    document = expected_document(found, None)
    assert document["outside_training_range"] == [True, False]
    assert document["conductance_w_m2k"][0] == 0.0


@pytest.mark.slow
def test_the_device_variable_gives_the_same_answer_cold_and_warm(capsys, monkeypatch, tmp_path):
    """The issue's case with a cache really warmed (Si and Al with CHGNet, minutes on 2 cores): cold and warm,
    cuda and a command in backticks give the same exit and line."""
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path / "warm"))
    monkeypatch.delenv("KAPITZA_MLIP_DEVICE", raising=False)
    status, _, err = run_cli(capsys, "predict", "Si", "Al", "--calculator", "chgnet")
    assert status == 0, err
    for device in ("cuda", "`touch pwned`"):
        warm = _refused(capsys, monkeypatch, device, "predict", "Si", "Al", "--calculator", "chgnet")
        monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path / f"cold-{len(device)}"))
        cold = _refused(capsys, monkeypatch, device, "predict", "Si", "Al", "--calculator", "chgnet")
        monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path / "warm"))
        assert warm == cold


def test_a_config_device_with_a_superscript_digit_is_one_line(capsys, tmp_path):
    """The same device in an agf config file (before: ValueError): one line naming the file."""
    config = tmp_path / "agf.toml"
    config.write_text('left = "Si"\nright = "Ge"\nkpoints = 1\nfrequencies = 20\ndevice = "cuda:²"\n', encoding="utf-8")
    status, _, err = run_cli(capsys, "agf", "--config", config, "-t", 300, "--no-check")
    line = _one_line(status, err)
    assert "device in config file" in line and "cuda:\\xb2" in line


@pytest.mark.parametrize("name", ["\x1b]0;pwn\x07Al", "[link=file:///etc/passwd]Al[/link]", "Al\u202eiS"])
def test_a_material_name_is_printed_as_written_so_it_holds_no_control_or_markup(name):
    """A material's name (a user's material file names it) goes into table titles: a terminal sequence or rich
    markup in it is refused when the Material is made, in one line that shows it escaped."""
    import dataclasses

    from kapitza.materials import get_material

    with pytest.raises(InputError, match="material name") as info:
        dataclasses.replace(get_material("Al"), name=name)
    assert "\n" not in str(info.value) and "\x1b" not in str(info.value)
