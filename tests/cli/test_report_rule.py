"""The one rule of every command's text (kapitza.cli.report): the answer first, warnings next, details only with
--explain and otherwise one hint line that counts them."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from kapitza.cli.report import Report


def _printed(report: Report) -> list[str]:
    out = io.StringIO()
    report.show(Console(file=out, width=200))
    return out.getvalue().splitlines()


def test_answers_come_first_then_warnings_then_one_hint_line():
    report = Report(explain=False)
    report.detail("source: somewhere", "sources")
    report.warn("the band rests on few papers")
    report.answer("G = 100 MW m^-2 K^-1 (70-140)")
    report.detail("model in words", "models in words")
    lines = _printed(report)
    assert lines[0] == "G = 100 MW m^-2 K^-1 (70-140)"
    assert lines[1] == "warning: the band rests on few papers"
    assert lines[2] == "--explain adds 2 more lines (sources, models in words)"
    assert len(lines) == 3


def test_explain_prints_every_detail_and_no_hint():
    report = Report(explain=True)
    report.answer("answer")
    report.detail("one", "a")
    report.detail("two\nthree", "b")
    lines = _printed(report)
    assert lines == ["answer", "one", "two", "three"]


def test_a_table_answer_is_rendered_and_a_table_detail_counted_by_its_rows():
    table = Table(title="t")
    table.add_column("x")
    for i in range(3):
        table.add_row(str(i))
    report = Report(explain=False)
    report.answer(table)
    report.detail(table, "shares")
    lines = _printed(report)
    assert any("2" in line for line in lines[:-1])
    assert lines[-1] == "--explain adds 7 more lines (shares)"


def test_no_details_no_hint():
    report = Report()
    report.answer("only")
    assert _printed(report) == ["only"]
