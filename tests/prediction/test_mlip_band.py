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
    [(1.0, 10, None), (0.5, 10, None), (2.0, 0, None), (float("nan"), 10, None), (2.0, 10, {"papers": {"a": 1}}),
     (2.0, 10, {"long_wave_median_ratio": [1.0, float("nan")]}), (2.0, 10, {"long_wave_rows": [[1]]})],
)  # fmt: skip
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


def test_long_wave_groups_round_trip_and_say_what_a_pairs_group_was_measured_at(tmp_path):
    """The validation's long-wave groups are stored as lists beside the band and read back; the line for a pair
    names its softest shear and its group's median p/m, beside the others (numbers made up)."""
    path = tmp_path / "bands.toml"
    extra = {"long_wave_groups": ["at or below -40 %", "above -25 %"], "long_wave_rows": [30, 12],
             "long_wave_papers": [5, 3], "long_wave_median_ratio": [0.5, 1.5],
             "long_wave_row_median_ratio": [0.2, 1.4]}  # fmt: skip
    write_band("x", 2.0, 42, "test", extra=extra, path=path)
    band = calculator_band("x", path)
    assert band.long_waves == (("at or below -40 %", 30, 5, 0.5, 0.2), ("above -25 %", 12, 3, 1.5, 1.4))
    line = band.long_wave_line("at or below -40 %", "Nb", "C44", -0.9132)
    assert "its softest shear with x is Nb's C44, -91.32 %" in line
    assert (
        "the validation's 30 rows of 5 papers whose pairs' softest shear is at or below -40 % were predicted at a "
        "median 0.5 of their measurements, every paper weighted equally (0.2 by row; others: above -25 %: 1.5 (3 "
        "papers)"
    ) in line
    assert band.long_wave_line("-40 % to -25 %", "Nb", "C44", -0.3) is None  # no rows stored for that group
    assert calculator_band("x", path).long_waves and calculator_band("y", path) is None
    write_band("z", 2.0, 42, "test", path=path)
    assert calculator_band("z", path).long_waves == ()


def test_long_wave_lists_of_different_lengths_are_one_line(tmp_path):
    path = tmp_path / "bands.toml"
    path.write_text(
        '[bands.x]\nfactor = 2.0\nrows = 4\nsource = "t"\nlong_wave_groups = ["a", "b"]\n'
        "long_wave_rows = [1]\nlong_wave_papers = [1, 1]\nlong_wave_median_ratio = [1.0, 2.0]\n"
        "long_wave_row_median_ratio = [1.0, 2.0]\n"
    )
    with pytest.raises(InputError, match="long_wave_\\* must be lists of one length"):
        calculator_band("x", path)


def test_the_softer_crystal_of_a_pair_decides_its_group(tmp_path):
    """pair_line: the pair's softest shear is the softer crystal's (a longitudinal error does not count); a crystal
    the elastic-accuracy page did not measure (None), or a band without groups, gives no line."""
    from kapitza.phonons.elastic import StiffnessErrors

    path = tmp_path / "bands.toml"
    extra = {"long_wave_groups": ["at or below -40 %", "-40 % to -25 %", "above -25 %"], "long_wave_rows": [1, 2, 3],
             "long_wave_papers": [1, 1, 1], "long_wave_median_ratio": [0.5, 1.0, 1.5],
             "long_wave_row_median_ratio": [0.5, 1.0, 1.5]}  # fmt: skip
    write_band("x", 2.0, 6, "t", extra=extra, path=path)
    band = calculator_band("x", path)

    def errors(crystal, shear, longitudinal=-0.9):
        rows = (("C11", "longitudinal", 1 + longitudinal, 1.0), ("C44", "shear", 1 + shear, 1.0))
        return StiffnessErrors("x", crystal, rows, "", "")

    line = band.pair_line([errors("A", -0.3), errors("B", -0.1)])
    assert "is A's C44, -30 %" in line and "softest shear is -40 % to -25 % were predicted at a median 1" in line
    assert "is B's C44, -45 %" in band.pair_line([errors("A", -0.3), errors("B", -0.45)])
    assert band.pair_line([errors("A", -0.3), None]) is None
    write_band("y", 2.0, 6, "t", path=path)
    assert calculator_band("y", path).pair_line([errors("A", -0.3), errors("B", -0.1)]) is None
