"""``kapitza validate`` as a user runs it (issue 10, item 4: the plot and the statistics per model)."""

from __future__ import annotations

import json

import pytest

from answer_rules import answer_first, explained
from kapitza.prediction import validation_statistics, validation_table

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def stats():
    """The library's statistics of the three default models over the shipped compilation."""
    return validation_statistics(validation_table())


def test_plot_is_written_and_statistics_printed(cli, tmp_path, stats):
    """The PNG exists (magic bytes, > 10 kB) and the table shows each model's rows, median ratio,
    share within x2 and median |log10| as the library computes them, with the data credit."""
    png = tmp_path / "v.png"
    status, out, err = cli("validate", "--plot", str(png), "--explain")
    assert status == 0, err
    assert png.read_bytes()[:8] == PNG_MAGIC and png.stat().st_size > 10_000
    text = " ".join(out.split())
    for model in ("dmm", "limit", "amm"):
        s = stats.get(model)
        assert model in out
        assert f"{s['median_ratio']:.3g}" in text
        assert f"{100 * s['within_2']:.0f} %" in text
        assert f"{s['median_abs_log10']:.2f}" in text
        assert f"{s['rows']} of {stats.total[0]}" in text
    assert "10.5281/zenodo.3361417" in text and "Hosseini" in text and "MIT" in text
    assert "electron-phonon" in text and "electronic DMM" in text  # what "predicted" means
    assert "without a prediction" in text  # Pt has no Fermi velocity: counted and said why


def test_json_carries_the_numbers(cli, stats):
    """--json: the same numbers as the library, for both bases and every interface kind, as strict JSON
    (io.results.dumps: a bare Infinity or NaN is refused here)."""
    status, out, err = cli("validate", "--model", "dmm", "--json", "--phonons-only")
    assert status == 0, err
    doc = json.loads(out, parse_constant=lambda name: pytest.fail(f"not JSON: {name}"))
    assert doc["models"] == ["dmm"] and doc["cutoff"] == "debye" and doc["shown"] == "phonon"
    for basis in ("predicted", "phonon"):
        for group in stats.groups:
            expected = stats.get("dmm", group, basis)
            got = doc["statistics"]["dmm"][basis][group]
            assert got["rows"] == expected["rows"]
            for key in ("median_ratio", "within_2", "median_abs_log10"):
                assert got[key] == pytest.approx(expected[key], rel=1e-12)
    assert doc["rows_in_table"]["all"] == int(stats.total[0])
    assert sum(doc["without_prediction"]["predicted"]["dmm"].values()) == stats.total[0] - stats.get("dmm")["rows"]
    assert "10.5281/zenodo.3361417" in doc["source"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--model", "nonsense"), "unknown model"),
        (("--model", "dmm", "--model", "DMM"), "--model lists a model twice"),
        (("--cutoff", "nonsense"), "--cutoff"),
        (("--cutoff", ""), "--cutoff"),
        (("--cutoff", "sine", "--model", "amm"), "--cutoff sine"),
        (("--plot", "{tmp}"), "--plot"),
        (("--plot", "{tmp}/missing/v.png"), "--plot"),
        (("--plot", "{tmp}/v.txt"), "--plot"),
        (("--plot", "{tmp}/v"), "--plot"),
    ],
)
def test_hostile_inputs_exit_2_with_one_line(cli, tmp_path, args, fragment):
    """Bad options: exit 2, one line on stderr naming the option, nothing on stdout, nothing written."""
    args = tuple(a.replace("{tmp}", str(tmp_path)) for a in args)
    status, out, err = cli("validate", *args)
    assert status == 2
    assert out == ""
    assert err.startswith("kapitza: error:") and err.count("\n") == 1 and fragment in err
    assert list(tmp_path.iterdir()) == []


def test_rows_above_the_physical_bound_are_listed_and_left_out(cli, stats):
    """Issue 39, item 3: validate lists the nine Cu/Pb rows (Schumann et al. 1980), and since issue 84 gave Sn its
    electrons the same paper's fifteen Cu/Sn rows, as above the physical upper bound, and its metal/metal median is
    that of the rows left (the library's statistics of the table without
    them), not the 0.00469 they set before."""
    import numpy as np

    from kapitza.prediction.validation.stats import ratio_statistics

    status, out, err = cli("validate", "--explain")
    assert status == 0, err
    text = " ".join(out.split())
    assert "24 measured rows lie above the physical upper bound" in text
    assert "Cu/Pb, 9 rows (B. Schumann, F. Nitsche, G. Paasch), 2-6 K: 10,800-32,400 MW" in text
    assert "Cu/Sn, 15 rows (B. Schumann, F. Nitsche, G. Paasch), 3-10 K: 3990-13,300 MW" in text
    assert "not checked against the bound" in text
    table = validation_table()
    kept = (np.asarray(table.kind) == "metal/metal") & ~table.flagged
    _, median, _, _ = ratio_statistics(table.ratio("dmm")[kept])
    assert stats.get("dmm", "metal/metal")["median_ratio"] == pytest.approx(median, rel=1e-12)
    everything = (np.asarray(table.kind) == "metal/metal") & np.isfinite(table.ratio("dmm"))
    assert ratio_statistics(table.ratio("dmm")[everything])[1] < median  # what the flagged rows did
    assert f"{median:.3g}" in text


def test_json_lists_the_rows_above_the_bound(cli):
    status, out, err = cli("validate", "--json")
    assert status == 0, err
    doc = json.loads(out)
    assert len(doc["above_bound"]) == doc["above_bound_rows"]["all"] == 24
    for row in doc["above_bound"]:
        assert {row["side1"], row["side2"]} in ({"Cu", "Pb"}, {"Cu", "Sn"})
        assert row["conductance_w_m2k"] > doc["bound_margin"] * row["bound_w_m2k"]
        assert row["reason"].startswith("above the physical upper bound")
    assert sum(doc["not_checked_against_bound"].values()) > 0


def test_the_default_text_is_the_table_and_the_warning(cli, stats):
    """Issue 53 item 4: the statistics per model (the answer: how far each model is from the measurements) in 20
    lines, then one warning that the 24 rows above the physical bound are left out of them, then the hint (22
    lines in all here); the rows without a prediction, the flagged rows one by one, the definitions and the data's
    credit (printed before under the table) with --explain."""
    status, out, err = cli("validate")
    assert status == 0, err
    lines = answer_first(out, most=22, within=8, answer=f"{stats.get('dmm')['median_ratio']:.3g}")
    assert any(line.startswith("warning: 24 measured rows above the physical upper bound") for line in lines)
    assert "zenodo" not in out and "Cu/Pb" not in out and "every model:" not in out
    status, out, err = cli("validate", "--explain")
    assert status == 0, err
    explained(
        out,
        "without a prediction",
        "Cu/Pb, 9 rows (B. Schumann, F. Nitsche, G. Paasch)",
        "not checked against the bound",
        "'predicted' is what kapitza predict reports",
        "ratio = predicted / measured; within \u00d72: 0.5 <= ratio <= 2",
        "10.5281/zenodo.3361417",
    )
