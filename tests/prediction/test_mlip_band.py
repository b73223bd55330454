"""The band file of kapitza.prediction.mlip_band: what write_band stores reads back through calculator_band, other
calculators' entries are kept, bad entries are refused, and the shipped file (where there is one) is valid."""

from __future__ import annotations

import pytest

from kapitza.errors import InputError
from kapitza.prediction.mlip_band import BAND_FILE, NOT_MEASURED, band_line, calculator_band, write_band


def test_round_trip_keeps_other_entries(tmp_path):
    path = tmp_path / "bands.toml"
    write_band("chgnet", 2.25, 412, 'validate "chgnet", 2026: ÷ by paper', median_ratio=1.3, path=path)
    write_band("mlip_factories:emt", 3.5, 6, "x", extra={"papers": 1, "low": 1.9, "high": 3.1}, path=path)
    first = calculator_band("chgnet", path)
    assert (first.factor, first.rows, first.median_ratio) == (2.25, 412, 1.3)
    assert first.source == 'validate "chgnet", 2026: ÷ by paper'
    second = calculator_band("mlip_factories:emt", path)
    assert (second.factor, second.rows, second.median_ratio) == (3.5, 6, None)
    assert band_line("chgnet", path) == f"band: x/÷ 2.25 (68 %, from 412 measured rows: {first.source})"
    write_band("chgnet", 1.8, 400, "again", path=path)  # replaced, the other kept
    assert calculator_band("chgnet", path).factor == 1.8 and calculator_band("mlip_factories:emt", path).rows == 6
    assert band_line("sevennet", path) == NOT_MEASURED


@pytest.mark.parametrize(
    ("factor", "rows", "extra"),
    [(1.0, 10, None), (0.5, 10, None), (2.0, 0, None), (float("nan"), 10, None), (2.0, 10, {"papers": [1]})],
)
def test_bad_entries_are_refused_and_nothing_is_written(tmp_path, factor, rows, extra):
    path = tmp_path / "bands.toml"
    with pytest.raises(InputError):
        write_band("chgnet", factor, rows, "x", extra=extra, path=path)
    assert not path.exists()


def test_the_shipped_file_is_valid():
    """Every entry of the shipped band file reads (factor > 1, rows >= 1, a source)."""
    if not BAND_FILE.is_file():
        pytest.skip("no band is shipped yet")
    import tomllib

    names = tomllib.loads(BAND_FILE.read_text(encoding="utf-8"))["bands"]
    assert names
    for name in names:
        band = calculator_band(name)
        assert band is not None and band.factor > 1 and band.rows >= 1 and "validate --calculator" in band.source
