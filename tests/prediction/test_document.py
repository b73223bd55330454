"""One document behind every presentation of an answer (issue 85 item 6): ``print(p)``, ``p.answer_lines()``, the
notebook's table and ``kapitza predict``'s lead are written from :meth:`Prediction.to_dict`, the document ``--json``
prints; a saved ``--json`` read back prints as the same text."""

from __future__ import annotations

import copy
import json

import pytest

import kapitza
from kapitza.prediction import presenter
from kapitza.prediction.answer import predict_interface

#: Pairs whose answers differ in every part the text writes: a metal on a non-metal with its expected measurement
#: (Al/Si, a T = 0 row with "inf" and "nan" in the document), two metals (the electronic DMM's total), two
#: non-metals, and the physics alone (no expected measurement, the reason instead).
CASES = {
    "Al/Si with 0 K": lambda: kapitza.predict("Al", "Si", [0.0, 100.0, 300.0]),
    "Cu/Al": lambda: kapitza.predict("Cu", "Al", 300.0),
    "Si/Ge": lambda: kapitza.predict("Si", "Ge", [50.0, 300.0]),
    "physics alone": lambda: predict_interface("Au", "Si", 300.0),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def answer(request):
    return CASES[request.param]()


def _saved(p) -> dict:
    """The document as ``kapitza predict --json`` saves it and a reader loads it back (non-finite as strings)."""
    return json.loads(json.dumps(p.to_dict(), allow_nan=False))


def test_text_and_table_are_written_from_the_saved_document(answer):
    doc = _saved(answer)
    assert repr(answer) == presenter.text(doc)
    assert answer._repr_html_() == presenter.html_table(doc)
    assert answer.answer_lines() == presenter.answer_lines(doc)
    assert answer.measured_line() == presenter.pair_measured_line(doc)


def test_the_text_follows_the_document_not_the_object():
    """Changing a number of the document changes the text, and only there: the text reads nothing else (a renderer
    that read the object would print the old number)."""
    p = kapitza.predict("Al", "Si", [300.0])
    doc = _saved(p)
    before = presenter.text(doc)
    changed = copy.deepcopy(doc)
    changed["expected"]["conductance_w_m2k"][0] = 123.0e6
    changed["expected"]["low_w_m2k"][0], changed["expected"]["high_w_m2k"][0] = 100.0e6, 150.0e6
    model = next(iter(changed["total"]["conductance_w_m2k"]))
    changed["total"]["conductance_w_m2k"][model][0] = 456.0e6
    changed["warnings"] = ["a warning only the document holds"]
    after = presenter.text(changed)
    assert "123 MW m^-2 K^-1 (100-150" in after and "123 MW" not in before
    assert f"{model}: 456 at 300 K" in after
    assert after.endswith("warning: a warning only the document holds")
    assert "456" in presenter.html_table(changed) and "a warning only the document holds" in presenter.html_table(
        changed
    )


def test_the_expected_line_of_an_estimate_is_its_documents(answer):
    """ExpectedConductance.line(i) is expected_line of its document: one rule for the line, whichever asks."""
    from kapitza.prediction.expected import expected_document, expected_line

    e = answer.expected
    if e is None:
        assert presenter.expected_lines(_saved(answer)["expected"])[0].startswith(presenter.NOT_AVAILABLE)
        return
    doc = json.loads(json.dumps(expected_document(e, None)))
    assert [e.line(i) for i in range(e.temperature.size)] == [expected_line(doc, i) for i in range(e.temperature.size)]


def test_the_cli_leads_with_the_documents_lines(capsys):
    """``kapitza predict``'s lead (its expected line and measured range) is the document's text, as --json holds it."""
    from conftest import run_cli

    status, out, _ = run_cli(capsys, "predict", "Al", "Si", "-t", "300", "--json")
    assert status == 0
    doc = json.loads(out)
    status, text, _ = run_cli(capsys, "predict", "Al", "Si", "-t", "300")
    assert status == 0
    flat = " ".join(text.split())
    for line in presenter.expected_lines(doc["expected"]) + [presenter.pair_measured_line(doc)]:
        assert " ".join(line.split()) in flat


def test_the_figures_points_and_levels_are_the_documents(monkeypatch):
    """The plot's points at the requested temperatures and the metal's G_ep level are read from to_dict() (a
    changed document moves them); its dense curves are computed for the figure."""
    pytest.importorskip("matplotlib")
    from kapitza.prediction.answer import Prediction

    p = kapitza.predict("Al", "Si", [100.0, 300.0])
    whole = Prediction.to_dict

    def changed(self):
        doc = copy.deepcopy(whole(self))
        doc["results"][0]["conductance"] = [11.0e6, 22.0e6]
        doc["electron_phonon"]["conductance"] = 333.0e6
        return doc

    monkeypatch.setattr(Prediction, "to_dict", changed)
    axes = p.plot().axes[0]
    points = [tuple(line.get_ydata()) for line in axes.get_lines() if line.get_marker() == "o"]
    assert (11.0, 22.0) in points
    assert any(tuple(line.get_ydata()) == (333.0, 333.0) for line in axes.get_lines())  # the G_ep level


def test_what_is_no_document_is_refused_in_one_line():
    """A hostile caller's "document": no mapping, or a mapping without the answer's keys (a saved file of another
    command), is one InputError naming what is missing, not a KeyError from deep inside the text."""
    from kapitza.errors import InputError

    with pytest.raises(InputError, match="a prediction's document is a mapping .* got list"):
        presenter.text([])
    with pytest.raises(InputError, match="not a prediction's document .* it has no total, temperature_k"):
        presenter.html_table({"expected": {}})
    doc = _saved(kapitza.predict("Al", "Si", 300.0))
    del doc["warnings"]
    with pytest.raises(InputError, match="it has no warnings$"):
        presenter.answer_lines(doc)
