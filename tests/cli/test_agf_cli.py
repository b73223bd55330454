"""``kapitza agf`` as a user runs it: table, saved results with their inputs, figure, config file, errors."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from answer_rules import answer_first, explained
from kapitza.errors import InputError
from kapitza.transmission.agf.inputs import SCHEMA

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FAST = ("--kpoints", "2", "--frequencies", "40", "--no-check")
VALID = (
    b'[agf]\nleft = "Si"\nright = "Ge"\nkpoints = "2x2"\nfrequencies = 30\ncheck-broadening = false\n',
    b'temperature = "10:300:5"\neta = 1e-6\nseed = 3\nmixing_layers = 1\nlateral = [2, 2]\n',
)


def _truncations(valid):
    return st.integers(0, len(valid)).map(lambda n: valid[:n])


def test_si_ge_run_prints_notes_table_and_saves_results(cli, tmp_path):
    out_file = tmp_path / "sige.npz"
    plot = tmp_path / "xi.png"
    status, out, err = cli(
        "agf",
        "Si",
        "Ge",
        "--potential",
        "sw",
        "--normal",
        "001",
        *FAST,
        "-t",
        "100,300",
        "--output",
        str(out_file),
        "--plot",
        str(plot),
        "--explain",
    )
    assert status == 0, err
    assert "mass-mismatch model" in out and "G two-probe" in out and "intrinsic" in out
    with np.load(out_file, allow_pickle=False) as data:
        assert data["transmission.xi_k"].shape == (2, 40)  # 2x2 grid, time-reversal pairs merged
        assert np.all(data["conductance"] > 0) and data["temperature"].tolist() == [100.0, 300.0]
        doc = json.loads(str(data["metadata"]))  # one file: the inputs travel inside the .npz
        g = data["conductance"]
    assert not out_file.with_suffix(".json").exists()
    settings = doc["result"]["settings"]
    assert settings["potential"] == "sw" and settings["kpoints"] == [2, 2] and "seed" in settings
    assert doc["kapitza_version"] and doc["result"]["transmission"]["eta"] == 1e-6
    assert doc["result"]["model_metadata"]["structure"]["mass_only"] is True
    assert doc["result"]["conductance"][1] == g[1]
    assert plot.read_bytes()[:8] == PNG_MAGIC
    assert out.count("K\u207b\u00b9)") == 4  # units on all four G columns (the ballistic ones had none)


def test_the_default_text_is_the_table_its_grid_error_and_the_warnings(cli):
    """Issue 53 item 4: G with its frequency-grid error first (11 lines for one temperature), the note that 40
    frequencies leave G unconverged as a warning; the other notes (the mass-mismatch model), the columns in words,
    the leads' DMM and the grid with --explain, as printed before."""
    args = ("agf", "Si", "Ge", *FAST, "-t", "300")
    status, out, err = cli(*args)
    assert status == 0, err
    lines = answer_first(out, most=12, within=9, answer="frequency-grid error of G two-probe: estimated")
    assert "G two-probe" in out and lines.index(next(x for x in lines if x.startswith("frequency-grid"))) < 9
    assert any(x.startswith("warning: only 40 frequencies: G is not converged") for x in lines)
    assert "mass-mismatch" not in out and "same leads" not in out
    status, out, err = cli(*args, "--explain")
    assert status == 0, err
    explained(
        out,
        "warning: only 40 frequencies: G is not converged",
        "note: sw: no mixed Si-Ge parameters, so the mass-mismatch model is used",
        "two-probe: Landauer/Caroli G of lead|interface|lead; intrinsic: minus the leads' ballistic resistance",
        "full-dispersion DMM of the same leads (their channel counts): G =",
        "40 frequencies x 2 k-points (time-reversal pairs merged; 4 in the grid)",
    )


def test_toml_config_sets_the_options_and_the_command_line_wins(cli, tmp_path):
    cfg = tmp_path / "run.toml"
    cfg.write_text(
        '[agf]\nleft = "Si"\nright = "Ge"\nkpoints = 2\nfrequencies = 30\ncheck-broadening = false\n'
        "temperature = [300.0]\n"
    )
    status, out, err = cli("agf", "--config", str(cfg), "--frequencies", "20", "--json")
    assert status == 0, err
    doc = json.loads(out, parse_constant=lambda name: pytest.fail(f"not strict JSON: {name}"))
    assert doc["omega_rad_s"]["count"] == 20 and doc["settings"]["kpoints"] == [2, 2]
    assert doc["results"]["temperature"] == [300.0]


def test_errors_are_one_line_and_status_2(cli, tmp_path):
    status, out, err = cli("agf", "Si", "Ge", "--normal", "123")
    assert status == 2 and err.count("\n") == 1 and "normal" in err
    status, _, err = cli("agf", "Si", "Ge", "--output", str(tmp_path / "x.txt"))
    assert status == 2 and ".npz" in err
    bad = tmp_path / "bad.toml"
    bad.write_text("colour = 'red'\n")
    status, _, err = cli("agf", "--config", str(bad))
    assert status == 2 and "colour" in err


def test_a_meaningless_broadening_is_refused_in_one_line_even_with_no_check(cli, tmp_path):
    """Issue 25: ``--eta 10 --no-check`` printed G = 1.7e-12 MW m^-2 K^-1 as a result.  eta >= 0.1 is refused
    always; without the check, eta above 1e-4 too (inputs.ETA_MAX, ETA_UNCHECKED_MAX); nothing is written."""
    out_file = tmp_path / "r.npz"
    for args in (("--eta", "10", "--no-check"), ("--eta", "10"), ("--eta", "0.1")):
        status, out, err = cli("agf", "Si", "Ge", *args, "--output", str(out_file))
        assert status == 2 and err.count("\n") == 1 and out == "", err
        assert "--eta must be < 0.1 (a broadening that large damps every phonon" in err
    status, out, err = cli("agf", "Si", "Ge", "--eta", "1e-3", "--no-check", "--output", str(out_file))
    assert status == 2 and err.count("\n") == 1 and "--eta 0.001 is refused with --no-check" in err, err
    assert list(tmp_path.iterdir()) == []
    status, out, err = cli("agf", "--help")
    assert status == 0 and "< 0.1" in out


def test_nothing_is_written_without_output_and_stderr_has_a_start_and_finish_line(cli, tmp_path, monkeypatch):
    """Issue 9: `kapitza agf` wrote agf-Si-Ge-001.npz and .json into the current directory unasked."""
    monkeypatch.chdir(tmp_path)
    status, out, err = cli("agf", "Si", "Ge", *FAST, "-t", "0,300")
    assert status == 0, err
    assert list(tmp_path.iterdir()) == []
    assert "started" in err and "finished" in err  # not a terminal: one line each instead of a bar
    row = next(line for line in out.splitlines() if line.strip().startswith("\u2502") and " 0 " in line[:10])
    cells = [c.strip() for c in row.strip("\u2502 ").split("\u2502")]
    assert cells[:4] == ["0", "0", "0", "inf"]  # T = 0 K: G = 0 and R = inf, not inf and 0


def test_help_shows_the_defaults(cli):
    status, out, _ = cli("agf", "--help")
    text = " ".join(out.translate({ord(c): " " for c in "\u2502\u256d\u256e\u2570\u256f\u2500"}).split())
    for words in ("[default: (8)]", "[default: (200)]", "[default: (50,100,200,300,500)]", "[default: (1e-06)]"):
        assert words in text
    assert "nothing is written" in text


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('frequencies = "many"', "frequencies"),
        ("agf = 5", "agf"),
        ('check_broadening = "no"', "true or false"),
        ("seed = 1.5", "integer"),
        ("mixing_layers = 1.7", "integer"),
        ("workers = 0", "from 1 to"),
        ("colour = 'red'", "colour"),
        ("frequencies = true", "integer"),
        ("[agf]\nkpoints = [1, 2, 3]", "kpoints"),
        ("temperature = [300, -1]", ">= 0 K"),
    ],
)
def test_config_with_wrong_types_is_one_line_and_status_2(cli, tmp_path, content, words):
    cfg = tmp_path / "run.toml"
    cfg.write_text(content + "\n")
    status, _, err = cli("agf", "Si", "Ge", "--config", str(cfg))
    assert status == 2 and err.count("\n") == 1 and words in err, err


def test_config_that_is_a_folder_or_binary_is_refused(cli, tmp_path):
    status, _, err = cli("agf", "Si", "Ge", "--config", str(tmp_path))
    assert status == 2 and "not a file" in err
    binary = tmp_path / "x.toml"
    binary.write_bytes(bytes(range(256)))
    status, _, err = cli("agf", "Si", "Ge", "--config", str(binary))
    assert status == 2 and err.count("\n") == 1


def test_workers_zero_and_a_silent_scheduler_are_refused(cli):
    status, _, err = cli("agf", "Si", "Ge", "--workers", "0")
    assert status == 2 and "--workers must be a whole number of local worker processes from 1 to" in err
    status, _, err = cli("agf", "Si", "Ge", "--address", "tcp://127.0.0.1:1", *FAST)
    assert status == 2 and "no dask scheduler answered" in err


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=200), st.sampled_from(VALID).flatmap(_truncations)))
def test_config_reader_fuzz_gives_input_error_only(tmp_path, data):
    """Random bytes and truncations of a valid config: the reader returns settings or raises InputError."""
    from kapitza.cli.common import parse_temperatures
    from kapitza.transmission.agf.config import AGFConfig, read_config

    cfg = tmp_path / "fuzz.toml"
    cfg.write_bytes(data)
    try:
        assert isinstance(read_config(cfg, parse_temperature=parse_temperatures), AGFConfig)
    except InputError:
        pass


@settings(max_examples=150, deadline=None)
@given(
    key=st.sampled_from(sorted(SCHEMA)),
    value=st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-5, 10**12),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=12),
        st.lists(st.one_of(st.integers(-3, 50), st.floats(), st.text(max_size=3)), max_size=4),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    ),
)
def test_config_values_of_any_type_give_settings_or_input_error(key, value):
    from kapitza.transmission.agf.config import AGFConfig, config_from_mapping

    try:
        assert isinstance(config_from_mapping({"agf": {key: value}}), AGFConfig)
    except InputError:
        pass


def test_run_agf_and_the_command_take_their_defaults_from_one_place():
    """Issue 26 item 2: cli/agf.py held a second copy of run_agf's defaults; both now read AGFConfig's.  Issue 85,
    item 1: run_agf takes that record itself (``config=``, or its fields by keyword) besides its own execution
    plumbing: its signature holds no copy of a setting."""
    import inspect

    from kapitza.cluster import CONNECT_TIMEOUT
    from kapitza.transmission.agf.config import AGF_DEFAULTS
    from kapitza.transmission.agf.run import RUN_EXTRAS, run_agf, run_settings

    signature = inspect.signature(run_agf).parameters
    plumbing = {"left", "right", "config", "client", "progress", "stage_progress", "resume", "option_names",
                "connect_timeout", "settings"}  # fmt: skip
    assert set(signature) == plumbing and signature["settings"].kind is inspect.Parameter.VAR_KEYWORD
    assert {k: signature[k].default for k in RUN_EXTRAS} == RUN_EXTRAS
    # the connect timeout is every dask command's, defined once in kapitza.cluster (md campaign takes it too)
    assert signature["connect_timeout"].default is CONNECT_TIMEOUT
    options = AGF_DEFAULTS.run_options()
    merged = run_settings(None, {"kpoints": 7}, "Si", "Ge")
    assert merged == {**options, "kpoints": 7, "left": "Si", "right": "Ge"}
    assert run_settings(dataclasses.replace(AGF_DEFAULTS, eta=0.01), {}, "Si")["eta"] == 0.01
    with pytest.raises(InputError, match="unknown setting\\(s\\) of run_agf: k_points"):
        run_settings(None, {"k_points": 7})
    with pytest.raises(InputError, match="config must be an AGFConfig"):
        run_settings({"eta": 0.01}, {})


def test_config_reader_gives_the_dataclass_run_agf_takes(tmp_path):
    from kapitza.cli.common import parse_temperatures
    from kapitza.transmission.agf.config import AGF_DEFAULTS, read_config

    cfg = tmp_path / "run.toml"
    cfg.write_text('[agf]\nleft = "Si"\nright = "Ge"\nkpoints = "2x3"\ntemperature = "100,300"\n')
    with pytest.raises(InputError, match="temperature in config file .* must be a number or an array"):
        read_config(cfg)
    found = read_config(cfg, parse_temperature=parse_temperatures)
    assert (found.left, found.right, found.kpoints) == ("Si", "Ge", (2, 3))
    assert list(found.temperature) == [100.0, 300.0]
    assert found.frequencies == AGF_DEFAULTS.frequencies == 200 and found.eta == AGF_DEFAULTS.eta
    assert found.updated(frequencies=30, eta=None).frequencies == 30
    with pytest.raises(InputError, match="unknown AGF setting"):
        found.updated(colour="red")


def test_a_run_too_large_for_its_memory_bound_is_refused_before_it_starts(cli, tmp_path):
    """Issue 39: ``--lateral 6x6 --kpoints 4 --frequencies 100 --max-memory-gb 1`` was accepted (estimate ~0.29 GB)
    and peaked at ~4.1 GB resident; and "started" was printed before any refusal.  Now the whole run's estimate
    (libraries, model build, sweeps) refuses it in one line, before the supercell's model is built and before
    "started", and nothing is written."""
    out_file = tmp_path / "r.npz"
    status, out, err = cli(
        "agf", "Si", "Ge", "--lateral", "6x6", "--kpoints", "4", "--frequencies", "100", "--max-memory-gb", "1",
        "--output", str(out_file),
    )  # fmt: skip
    assert status == 2 and err.count("\n") == 1 and out == "", err
    assert "started" not in err and "of memory in all" in err and "limit 1 GB" in err and "--max-memory-gb" in err
    assert list(tmp_path.iterdir()) == []
    status, out, _ = cli("agf", "--help")
    assert "in total" in " ".join(out.split())


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("1e308", "--max-memory-gb must be < 1e+06 GB (a petabyte, more than any machine's memory)"),
        ("nan", "--max-memory-gb must be a finite number"),
        ("inf", "--max-memory-gb must be a finite number"),
        ("0", "--max-memory-gb must be > 0, got 0"),
        ("-1", "--max-memory-gb must be > 0, got -1"),
    ],
)
def test_absurd_memory_bounds_are_one_line_and_status_2(cli, value, words):
    """``--max-memory-gb 1e308`` ended in a traceback (cannot convert NaN to integer: inf // bytes per frequency)."""
    status, out, err = cli("agf", "Si", "Ge", *FAST, "--max-memory-gb", value)
    assert status == 2 and err.count("\n") == 1 and out == "" and words in err, err
    assert "started" not in err


def test_an_unstable_lead_is_a_warning_after_the_answer():
    """The run's note that a lead is dynamically unstable changes what G is worth: printed as a warning without
    --explain (transmission.agf.stability's words), the other notes held back."""
    import dataclasses

    from kapitza.cli.agf import text_report
    from kapitza.transmission.agf.run import run_agf
    from kapitza.transmission.agf.stability import LeadStability, unstable_note

    result, _ = run_agf("Si", "Ge", frequencies=20, kpoints=2, temperature=[300.0], check_broadening=False)
    made_up = LeadStability(side="right", top=6e13, imaginary=1.3e13, kappa=np.array([0.25, 0.0]), q=0.0, points=1)
    note = unstable_note(made_up, "Ge")
    report = text_report(dataclasses.replace(result, notes=(*result.notes, note)), 1.0, False)
    assert report.warnings[-1] == f"warning: {note}"
    assert all("unstable" not in str(d) for d in report.details)


def test_the_json_is_the_results_document(cli):
    """Issue 61: ``agf --json`` is :meth:`AGFResult.document` of the one public call (the leads' DMM included): the
    command assembles nothing of its own."""
    from kapitza.transmission.agf.run import run_agf

    args = ("--kpoints", "1", "--frequencies", "20", "-t", "300", "--no-check")
    status, out, err = cli("agf", "Si", "Ge", *args, "--json")
    assert status == 0, err
    doc = json.loads(out)
    result, _ = run_agf("Si", "Ge", kpoints=1, frequencies=20, temperature=[300.0], check_broadening=False)
    python = result.document()
    assert doc["results"]["seconds"] > 0 and python["results"]["seconds"] is None
    doc["results"].pop("seconds"), python["results"].pop("seconds")
    assert doc["results"] == json.loads(json.dumps(python["results"]))
    assert doc["results"]["dmm_conductance"] == pytest.approx(list(result.lead_dmm().conductance), rel=1e-12)
