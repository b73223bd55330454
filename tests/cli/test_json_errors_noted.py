"""Every estimator's ``--json`` is strict JSON and states no zero or NaN error without a note (issue 25).

One command per estimator, on the inputs the repository ships (or, where it ships none, a file the test
writes); the rule itself is :mod:`json_rules` (shared with the per-area tests).  A bare zero or NaN error is
what a user would publish as "exact" or copy as a number: it must say why.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from json_rules import strict_loads, unexplained_errors

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def _thickness_csv(tmp_path: Path, falling: bool) -> Path:
    """R(L) of a series; ``falling``: R falls with L, so kappa cannot be determined (NaN with its note)."""
    lengths = np.array([10.0, 20.0, 40.0, 80.0])
    r = 5e-9 - 2e-11 * lengths if falling else 2e-9 + lengths * 1e-9 / 50.0
    f = tmp_path / ("falling.csv" if falling else "rising.csv")
    f.write_text("L_nm,R,R_err\n" + "".join(f"{x:g},{y:.6g},{1e-10:g}\n" for x, y in zip(lengths, r)))
    return f


CASES = {
    "md analyze (run directory)": lambda tmp: ("md", "analyze", EXAMPLES / "data/md/lj_small"),
    "fit power-law": lambda tmp: ("fit", "power-law", EXAMPLES / "fits/gt_al_sapphire.txt"),
    "md thickness (rising)": lambda tmp: ("md", "thickness", _thickness_csv(tmp, False)),
    "md thickness (falling)": lambda tmp: ("md", "thickness", _thickness_csv(tmp, True)),
    "tdtr fit": lambda tmp: (
        "tdtr",
        "fit",
        EXAMPLES / "thermoreflectance/tdtr_sample.toml",
        EXAMPLES / "thermoreflectance/tdtr_ratio.txt",
        "--fit",
        "G,k_sapphire",
    ),  # fmt: skip
    "fdtr fit": lambda tmp: (
        "fdtr",
        "fit",
        EXAMPLES / "thermoreflectance/fdtr_sample.toml",
        EXAMPLES / "thermoreflectance/fdtr_phase.txt",
        "--fit",
        "G,k_Si",
    ),  # fmt: skip
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_estimator_json_is_strict_and_explains_every_zero_or_nan_error(cli, tmp_path, name):
    status, out, err = cli(*CASES[name](tmp_path), "--json")
    assert status == 0, err
    doc = strict_loads(out)
    assert unexplained_errors(doc) == []


def test_eels_temperature_json_is_strict_and_explains_every_error(cli, tmp_path):
    """A spectrum from kapitza's own simulator at a dose where the joint fit answers (1e7: see tests/analysis/eels)."""
    spectrum = tmp_path / "s.hspy"
    status, _, err = cli("eels", "simulate", "--material", "AlN", "--temperature", "300", "--dose", "1e7",
                         "--seed", "4", "--out", spectrum)  # fmt: skip
    assert status == 0, err
    status, out, err = cli("eels", "temperature", spectrum, "--window", "50:80", "--json")
    assert status == 0, err
    assert unexplained_errors(strict_loads(out)) == []


def test_the_rule_catches_what_it_should():
    """The checker itself: a bare NaN/zero/null error is caught, a noted one passes, a strict parse refuses NaN."""
    assert unexplained_errors({"G": 1.0, "G_err": "nan"}) == ["$.G_err"]
    assert unexplained_errors({"a": [{"error": 0}]}) == ["$.a[0].error"]
    assert unexplained_errors({"G": 1.0, "G_err": None}) == ["$.G_err"]
    assert unexplained_errors({"G": 1.0, "G_err": 0, "G_err_note": "given as exact"}) == []
    assert unexplained_errors({"G_err": 0.1, "G_note": "x"}) == []
    with pytest.raises(ValueError):
        strict_loads('{"G": NaN}')
