"""Issue 61: one call, one object. ``kapitza.predict`` returns the :class:`~kapitza.prediction.answer.Prediction` that
``kapitza predict`` renders: the expected measurement first, each model's total with the electrons, the physics, the
warnings, the provenance; the same numbers from Python, the CLI's text and its ``--json``; every bad input refused by
the same code with the same words."""

from __future__ import annotations

import ast
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

import kapitza
from kapitza.errors import InputError
from kapitza.prediction.answer import Prediction
from kapitza.prediction.expected import mw_text
from kapitza.prediction.presenter import shown

#: A structure pair with a small potential: ASE's EMT (tests/mlip_factories.py), an 8^3 mesh.
EMT = ("--calculator", "mlip_factories:emt", "--mesh", "8")


def _mw(text: str) -> float:
    return float(text) * 1e6


def _expected_line(out: str) -> tuple[float, float, float]:
    """(value, low, high) of the CLI's first line, W m^-2 K^-1."""
    m = re.match(r"expected measurement at [\d.]+ K: ([\d.e+]+) MW m\^-2 K\^-1 \(([\d.e+]+)-([\d.e+]+),", out)
    assert m, out.splitlines()[0]
    return _mw(m.group(1)), _mw(m.group(2)), _mw(m.group(3))


def _check_same(p: Prediction, out: str, doc: dict) -> None:
    """The object, the CLI's text and its --json hold the same expected measurement, band and totals."""
    e = p.expected
    assert e is not None
    value, low, high = _expected_line(out)
    assert (value, low, high) == tuple(_mw(mw_text(x[0])) for x in (e.value, e.low, e.high))
    assert low < value < high
    assert doc["expected"]["conductance_w_m2k"] == pytest.approx(list(e.value), rel=1e-12)
    assert doc["expected"]["low_w_m2k"] == pytest.approx(list(e.low), rel=1e-12)
    assert doc["expected"]["high_w_m2k"] == pytest.approx(list(e.high), rel=1e-12)
    for name, g in p.total.items():
        assert doc["total"]["conductance_w_m2k"][name] == pytest.approx(list(g), rel=1e-12)
        assert f"{shown(g[0])} at 300 K" in str(p)
    assert str(p).splitlines()[1] == out.splitlines()[0]  # print(prediction) leads with the CLI's first line


def test_a_database_pair_is_the_same_in_python_the_cli_and_json(cli):
    """Al on Si at 300 K: the expected measurement, its band and each model's total (G_ph and Al's G_ep in series)."""
    p = kapitza.predict("Al", "Si", 300)
    status, out, _ = cli("predict", "Al", "Si", "-t", "300")
    assert status == 0
    status, text, _ = cli("predict", "Al", "Si", "-t", "300", "--json")
    assert status == 0
    doc = json.loads(text)
    _check_same(p, out, doc)
    assert doc == p.to_dict()  # --json is the object's to_dict
    # the total is the one the CLI's table prints: G_ph and G_ep in series (Majumdar & Reddy 2004)
    g_ph, g_ep = p.result("dmm").conductance[0], p.electronic.electron_phonon
    assert p.total["dmm"][0] == pytest.approx(1 / (1 / g_ph + 1 / g_ep), rel=1e-12)
    assert re.search(rf"dmm .*│\s+{re.escape(shown(p.total['dmm'][0]))} │", out)  # the table's G total column
    # the old one-model object stays reachable and keeps its number
    assert p.result("dmm").conductance[0] == pytest.approx(kapitza.conductance("Al", "Si", 300.0, "dmm"), rel=1e-12)


def test_a_metal_pair_leads_with_the_electrons(cli):
    """Two metals: every model's total is the electronic DMM (Gundrum, Cahill & Averback 2005)."""
    p = kapitza.predict("Cu", "Al", 300)
    status, out, _ = cli("predict", "Cu", "Al", "-t", "300")
    assert status == 0
    status, text, _ = cli("predict", "Cu", "Al", "-t", "300", "--json")
    _check_same(p, out, json.loads(text))
    edmm = p.electronic.electronic_dmm.conductance
    for g in p.total.values():
        np.testing.assert_allclose(g, edmm, rtol=1e-12)
    assert "electronic DMM" in str(p)


def test_a_structure_pair_is_the_same_in_python_the_cli_and_json(cli):
    """Al and Cu built from their structures with EMT (the structure route of the expected measurement)."""
    pytest.importorskip("phonopy")
    p = kapitza.predict("Al", "Cu", 300, calculator="mlip_factories:emt", mesh=8)
    assert p.calculator == "mlip_factories:emt" and p.crystals is not None and not p.calculator_chosen
    assert p.expected is not None and p.expected.route in ("structure", "physics only")
    status, out, err = cli("predict", "Al", "Cu", "-t", "300", *EMT)
    assert status == 0, err
    status, text, _ = cli("predict", "Al", "Cu", "-t", "300", *EMT, "--json")
    doc = json.loads(text)
    _check_same(p, out, doc)
    assert [c["name"] for c in doc["crystals"]] == ["Al", "Cu"]
    assert any(topic == "crystals and relaxations" for topic, _ in p.provenance)


def test_the_notebook_representation_leads_with_the_expected_measurement():
    p = kapitza.predict("Si", "Ge", [100.0, 300.0])
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td>", p._repr_html_())
    assert rows[0] == ("expected measurement", "100") and rows[1][0] == "expected measurement"
    assert rows[2][0] == "dmm (total)"
    assert repr(p).splitlines()[1].startswith("expected measurement at 100 K:")
    frame = pytest.importorskip("pandas") and p.to_dataframe()
    assert list(frame["model"][:2]) == ["expected", "expected"]
    assert frame["conductance_W_m-2_K-1"][1] == pytest.approx(p.expected.value[1])
    dmm = frame[frame["model"] == "dmm"]
    np.testing.assert_allclose(dmm["conductance_W_m-2_K-1"], p.result("dmm").conductance, rtol=1e-12)


def test_no_expected_measurement_says_why_first():
    """A fluid side: the estimate learnt from solids only; the reason is the first line, not an empty answer."""
    p = kapitza.predict("Si", "He4", 1.0)
    assert p.expected is None and "fluid" in p.expected_reason
    assert repr(p).splitlines()[1].startswith("expected measurement: not available (")
    html = p._repr_html_()
    assert html.index("not available") < html.index("dmm (total)")


def test_save_and_load_give_the_same_prediction(tmp_path):
    """save writes the object's fields (the --json document is for reading); kapitza.load rebuilds it through the
    constructors, and each model's result saves and loads on its own as before."""
    p = kapitza.predict("Al", "Si", [30.0, 300.0])
    for suffix in (".json", ".npz"):
        back = kapitza.load(p.save(tmp_path / f"p{suffix}"))
        assert isinstance(back, Prediction) and back.to_dict() == p.to_dict()
    again = back.results_at([100.0])  # the Debye spectra are rebuilt: they are not saved
    assert again[0].conductance[0] == pytest.approx(kapitza.conductance("Al", "Si", 100.0, "dmm"), rel=1e-12)
    one = kapitza.load(p.result("dmm").save(tmp_path / "dmm.json"))
    np.testing.assert_array_equal(one.conductance, p.result("dmm").conductance)


def test_a_loaded_prediction_with_a_forged_total_is_refused(tmp_path):
    path = kapitza.predict("Al", "Si", 300.0).save(tmp_path / "p.json")
    doc = json.loads(path.read_text())
    doc["result"]["total"]["dmm"] = [-1.0]
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError, match="total of 'dmm'"):
        kapitza.load(path)


def test_the_plot_draws_the_expected_band_first(tmp_path):
    fig = kapitza.predict("Al", "Si", [100.0, 300.0]).plot(tmp_path / "g.png")
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert (
        set(labels[:2]) == {"expected measurement", "68 % of held-out papers"}
        and (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"
    )


@pytest.mark.parametrize(
    ("python", "command", "words"),
    [
        ({"temperature": -5}, ["-t", "-5"], "must be finite and >= 0 K, got -5 K"),
        ({"temperature": 1e12}, ["-t", "1e12"], "above 100000 K"),
        ({"model": "nosuch"}, ["--model", "nosuch"], "nosuch"),
        ({"cutoff": "nosuch"}, ["--cutoff", "nosuch"], "unknown cutoff rule 'nosuch'"),
        ({"max_memory_gb": 4.0}, ["--max-memory-gb", "4"], "bounds the force constants of"),
        ({"mesh": 8}, ["--mesh", "8"], "describes full dispersion"),
        ({"calculator": "nosuch"}, ["--calculator", "nosuch"], "nosuch"),
    ],
)
def test_every_refusal_is_the_librarys_in_python_and_on_the_command_line(cli, python, command, words):
    """The same rule, the same words (options spelled as each caller types them: ``mesh=`` or ``--mesh``)."""
    kwargs = {"temperature": 300.0, **python}
    t = kwargs.pop("temperature")
    with pytest.raises(InputError) as caught:
        kapitza.predict("Al", "Si", t, **kwargs)
    status, out, err = cli("predict", "Al", "Si", *(["-t", "300"] if "-t" not in command else []), *command)
    assert status == 2 and out == ""
    line = err.strip().removeprefix("kapitza: error: ")
    assert words in str(caught.value) and words in line
    assert len(err.strip().splitlines()) == 1
    spelled = re.sub(r"--([a-z-]+)", lambda m: m.group(1).replace("-", "_") + "=", line)
    python_words = re.sub(r"='([a-z]+)'", r"=\1", str(caught.value))  # dispersion='phonopy' as typed in Python
    assert re.sub(r"\s+", " ", spelled).replace("= ", "=") == re.sub(r"\s+", " ", python_words).replace("= ", "=")


def test_an_unknown_material_is_refused_the_same_way(cli):
    with pytest.raises(InputError) as caught:
        kapitza.predict("Al", "Unobtainium", 300)
    status, _, err = cli("predict", "Al", "Unobtainium", "-t", "300")
    assert status == 2 and err.strip() == f"kapitza: error: {caught.value}"


#: The functions of the prediction layer that compute (a command calling two of them assembles the answer itself).
PREDICTION_FUNCTIONS = {
    "predict", "predict_interface", "predict_model", "expected_or_reason", "expected_conductance",
    "empirical_or_reason", "empirical_estimate", "compare_debye", "calculator_band", "measured_summary",
    "validity_notes", "build_spectra", "crystal_phonons", "conductance", "resistance", "kapitza_length",
}  # fmt: skip
#: The library's validators: a command that calls one re-validates what the API validates.
VALIDATORS = {"as_temperatures", "check_temperature_bound", "parse_temperatures", "memory_bound", "memory_bound_gb",
              "Settings", "database_material", "default_calculator", "get_material"}  # fmt: skip
CLI = Path(kapitza.__file__).parent / "cli"


def _calls(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            f = node.func
            names.append(f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else "")
    return names


def _raises_input_error(path: Path) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Raise)
        and isinstance(node.exc, ast.Call)
        and getattr(node.exc.func, "id", "") == "InputError"
        and not (node.exc.args and isinstance(node.exc.args[0], ast.Call))  # re-raised in the command's words
    ]


def test_the_predict_command_calls_one_prediction_function_and_validates_nothing():
    """Issue 61: the command renders; ``kapitza.predict`` validates every input once and assembles the answer."""
    calls = _calls(CLI / "predict.py")
    assert sorted({c for c in calls if c in PREDICTION_FUNCTIONS}) == ["predict"]
    assert not {c for c in calls if c in VALIDATORS}
    assert _raises_input_error(CLI / "predict.py") == []


def test_the_checker_sees_a_command_that_validates(tmp_path):
    """The check can fail: a command that bounds temperatures itself and calls two prediction functions."""
    fake = tmp_path / "bad.py"
    fake.write_text(
        "def cmd(t):\n    check_temperature_bound(t)\n    if t < 0:\n        raise InputError('no')\n"
        "    return predict_interface(t), expected_or_reason(t)\n"
    )
    calls = _calls(fake)
    assert {c for c in calls if c in VALIDATORS} == {"check_temperature_bound"}
    assert len({c for c in calls if c in PREDICTION_FUNCTIONS}) == 2
    assert _raises_input_error(fake) == [4]


def test_default_temperatures():
    """No temperatures: 1-1000 K, as the command's default (0.1-2 K with liquid helium)."""
    p = kapitza.predict("Si", "Ge")
    assert list(p.temperature) == [1.0, 10.0, 30.0, 100.0, 300.0, 1000.0]
    assert math.isfinite(p.expected.value[-2])
    assert list(kapitza.predict("Cu", "He4").temperature) == [0.1, 0.3, 0.5, 1.0, 1.5, 2.0]


@pytest.mark.parametrize(
    "options",
    [
        {"model": 5}, {"model": []}, {"model": ["dmm", 3]}, {"temperature": "300"}, {"method": 5},
        {"empirical": "yes"}, {"compare_debye": 1}, {"side1": None}, {"side1": 3.5}, {"temperature": [[300]]},
        {"mesh": "x"}, {"calculator": 5}, {"option_names": 5}, {"progress": 5}, {"inelastic": "A=1"},
        {"phonopy_files": 5}, {"temperature": math.nan}, {"temperature": []},
    ],
)  # fmt: skip
def test_hostile_python_inputs_are_one_input_error(options):
    """What the command line cannot send but Python can: one InputError, never another exception."""
    kwargs = {"temperature": 300.0, **options}
    side1, side2, t = kwargs.pop("side1", "Al"), kwargs.pop("side2", "Si"), kwargs.pop("temperature")
    with pytest.raises(InputError) as caught:
        kapitza.predict(side1, side2, t, **kwargs)
    assert "\n" not in str(caught.value)


def test_a_bad_figure_path_is_refused_before_anything_is_drawn(tmp_path):
    """The one rule of a figure's file (plotting.canvas.check_figure_path), from Python as from --plot."""
    p = kapitza.predict("Si", "Ge", 300.0)
    with pytest.raises(InputError, match=r"must end in one of \.png, \.pdf, \.svg"):
        p.plot(tmp_path / "g.txt")
    with pytest.raises(InputError, match="does not exist|no folder|not a folder"):
        p.plot(tmp_path / "missing" / "g.png")
    assert list(tmp_path.iterdir()) == []


def test_a_long_prediction_shows_itself_in_bounded_text_and_html():
    """Issue 63: 5,000 temperatures give a print of the first and last 10 expected lines and totals and one line
    saying 4,980 are left out, and a notebook table of at most 21 rows a block (10, "...", 10) for the expected
    measurement and each model's total; to_dict() and table() keep every temperature."""
    from kapitza.prediction.presenter import EDGE_ROWS, MAX_SHOWN_TEMPERATURES, not_shown_line, shown_rows

    assert shown_rows(MAX_SHOWN_TEMPERATURES) == list(range(MAX_SHOWN_TEMPERATURES))
    assert shown_rows(25) == [*range(EDGE_ROWS), None, *range(25 - EDGE_ROWS, 25)]
    assert not_shown_line(24, "x") is None and not_shown_line(25, "x") == "5 temperatures not shown; x holds every one"
    t = np.geomspace(1.0, 1e5, 5000)
    p = kapitza.predict("Al", "Si", t)
    text = repr(p)
    assert len(text.splitlines()) < 50 and len(text) < 20_000
    assert "4,980 temperatures not shown; to_dict() or table() holds every one" in text
    assert text.count("expected measurement at ") == 2 * EDGE_ROWS
    assert f"expected measurement at {t[-1]:g} K" in text and f"expected measurement at {t[10]:g} K" not in text
    page = p._repr_html_()
    blocks = 1 + len(p.total)  # the expected measurement and each model's total
    assert page.count("<tr>") == 1 + blocks * (2 * EDGE_ROWS + 1)
    assert "4,980 temperatures not shown" in page and len(page) < 30_000
    assert len(p.to_dict()["expected"]["conductance_w_m2k"]) == 5000
    assert len(p.table()) == 5000 * len(p.models)


def test_one_answer_object_and_the_old_names_still_work(tmp_path):
    """Issue 76: ``kapitza.predict`` and ``predict_interface`` return one class (the physics alone has no expected
    measurement and says why); ``InterfacePrediction`` (the physics' old class), ``Prediction.physics`` and the words'
    and physics' old homes still answer, each with a DeprecationWarning naming the new place."""
    import warnings

    from kapitza.prediction import answer, notes, physics, presenter, report
    from kapitza.prediction.answer import PHYSICS_ONLY, predict_interface

    whole, alone = kapitza.predict("Al", "Si", 300.0), predict_interface("Al", "Si", 300.0)
    assert type(whole) is type(alone) is Prediction
    assert alone.expected is None and alone.expected_reason == PHYSICS_ONLY and alone.warnings == ()
    np.testing.assert_array_equal(alone.total["dmm"], whole.total["dmm"])
    assert alone.notes == whole.notes and alone.to_dict()["results"] == whole.to_dict()["results"]
    with pytest.warns(DeprecationWarning, match="use kapitza.prediction.answer.Prediction"):
        assert kapitza.prediction.InterfacePrediction is Prediction
    with pytest.warns(DeprecationWarning, match="report.InterfacePrediction is deprecated"):
        assert report.InterfacePrediction is Prediction
    with pytest.warns(DeprecationWarning, match="use kapitza.prediction.answer.predict_interface"):
        assert report.predict_interface is predict_interface
    with pytest.warns(DeprecationWarning, match="use kapitza.prediction.physics.helium_range"):
        assert report.helium_range is physics.helium_range
    with pytest.warns(DeprecationWarning, match="use kapitza.prediction.notes.validity_notes"):
        assert report.validity_notes is notes.validity_notes
    with pytest.warns(DeprecationWarning, match="presenter.physics_notes is deprecated: use kapitza.prediction.notes"):
        assert presenter.physics_notes is notes.physics_notes
    with pytest.warns(DeprecationWarning, match="answer.shown is deprecated: use kapitza.prediction.presenter.shown"):
        assert answer.shown is presenter.shown
    with pytest.warns(DeprecationWarning, match="Prediction.physics is deprecated"):
        assert whole.physics is whole
    with pytest.raises(AttributeError):
        report.no_such_name  # noqa: B018
    with warnings.catch_warnings():  # importing the old module says nothing: kapitza.load walks every module
        warnings.simplefilter("error")
        import importlib

        importlib.reload(report)


def test_a_prediction_saved_before_the_one_answer_object_loads(tmp_path):
    """A file written by kapitza.save before issue 76 (its physics nested under "physics", as the InterfacePrediction
    they were) loads as the one Prediction with the same numbers, and saving it again writes that layout."""
    p = kapitza.predict("Al", "Si", [30.0, 300.0])
    doc = json.loads(p.save(tmp_path / "p.json").read_text())
    assert list(doc["result"])[:5] == ["expected", "expected_reason", "total", "total_reason", "physics"]
    assert doc["result"]["physics"]["side1"]["name"] == "Al" and "side1" not in doc["result"]
    back = kapitza.load(tmp_path / "p.json")
    assert back.to_dict() == p.to_dict()
    arrays = np.load(p.save(tmp_path / "p.npz"))
    assert "physics.temperature" in arrays.files and "temperature" not in arrays.files
