"""Reading temperature profiles: LAMMPS fix ave/chunk files and plain columns; bad files -> one InputError."""

from __future__ import annotations

import time

import numpy as np
import pytest
from analysis_synthetic import HEADER, ave_chunk_text, synthetic

from kapitza.analysis import TemperatureProfile, read_profile
from kapitza.errors import InputError

SMALL = (
    HEADER
    + "1000 3 30\n  1 0.5 10 1.1\n  2 1.5 10 1.2\n  3 2.5 10 1.3\n"
    + "2000 3 30\n  1 0.5 10 2.1\n  2 1.5 10 2.2\n  3 2.5 10 2.3\n"
)


def test_reads_the_ave_chunk_format(tmp_path):
    """The layout written by LAMMPS fix ave/chunk (3 comment lines, block header, N chunk lines)."""
    path = tmp_path / "t.profile"
    path.write_text(SMALL)
    p = read_profile(path)
    assert p.positions.tolist() == [0.5, 1.5, 2.5]
    assert p.temperatures.tolist() == [[1.1, 1.2, 1.3], [2.1, 2.2, 2.3]]
    assert p.steps.tolist() == [1000, 2000] and p.counts.tolist() == [[10] * 3] * 2
    assert p.n_blocks == 2 and "n_blocks=2" in repr(p)


def test_column_by_name_or_index_and_composition(tmp_path):
    prof = synthetic(1, blocks=3, bins=8)
    comp = np.where((prof.positions > 10) & (prof.positions < 30), 1.0, 0.0)
    path = tmp_path / "t.profile"
    path.write_text(ave_chunk_text(prof, extra_columns=[("c_fracB", comp), ("v_other", prof.positions * 0 + 7)]))
    p = read_profile(path, column="v_T", composition="c_fracB")
    np.testing.assert_allclose(p.temperatures, prof.temperatures, rtol=1e-9)
    assert p.composition.tolist() == comp.tolist()
    assert np.all(read_profile(path, column=5).temperatures == 7)
    with pytest.raises(InputError, match="no column named 'v_nope'.*Chunk, Coord1, Ncount, v_T"):
        read_profile(path, column="v_nope")


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (SMALL[:-8], r"line 11: expected 4 columns, got 2"),
        (SMALL[:-30], r"last block \(header at line 8\) is truncated: 1 of 3"),
        (SMALL.rsplit("  3", 1)[0], r"last block \(header at line 8\) is truncated: 2 of 3"),
        (SMALL.replace("  2 1.5 10 2.2", "  2 1.5 10 abc"), r"line 10: 'abc' is not a number"),
        (SMALL.replace("  2 1.5 10 2.2", "  2 1.5 10 2.2 9"), r"line 10: expected 4 columns, got 5"),
        (SMALL.replace("2000 3 30", "2000 4 30"), r"line 8: block header names 4 chunks, earlier blocks 3"),
        (SMALL.replace("2000 3 30", "500 3 30"), r"line 8: timestep 500 does not increase"),
        (SMALL.replace("  2 1.5 10 2.2", "  2 1.5 10 nan"), r"line 10: v_T is not a finite number"),
        (HEADER, r"holds no data blocks"),
        ("", r"is empty"),
        ("\n  \n", r"is empty"),
    ],
)
def test_bad_ave_chunk_files_name_the_file_and_line(tmp_path, text, match):
    path = tmp_path / "bad.profile"
    path.write_text(text)
    with pytest.raises(InputError, match=match) as info:
        read_profile(path)
    assert "bad.profile" in str(info.value) and "\n" not in str(info.value)


def test_binary_and_missing_files(tmp_path):
    path = tmp_path / "bin.profile"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0")
    with pytest.raises(InputError, match="not a text file"):
        read_profile(path)
    path.write_bytes("# é\n".encode() * 4)
    with pytest.raises(InputError, match="not a text file"):
        read_profile(path)
    with pytest.raises(InputError, match="does not exist"):
        read_profile(tmp_path / "nothing")
    with pytest.raises(InputError, match="is not a file"):
        read_profile(tmp_path)


def test_plain_columns_with_header_and_blocks(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("position,temperature,block\n0.5,1.0,0\n1.5,2.0,0\n0.5,3.0,1\n1.5,4.0,1\n")
    p = read_profile(path, units="metal")
    assert p.temperatures.tolist() == [[1.0, 2.0], [3.0, 4.0]] and p.units == "metal"
    path.write_text("# z T\n0 1\n1 2\n2 3\n")
    assert read_profile(path).temperatures.tolist() == [[1.0, 2.0, 3.0]]
    path.write_text("0 1\n1 x\n")
    with pytest.raises(InputError, match="line 2: 'x' is not a number"):
        read_profile(path)
    path.write_text("0 1\n1 2 3\n")
    with pytest.raises(InputError, match="line 2: expected 2 columns, got 3"):
        read_profile(path)
    path.write_text("0 1\n1 nan\n")
    with pytest.raises(InputError, match="line 2: NaN"):
        read_profile(path)
    with pytest.raises(InputError, match="units= must be one of lj, metal, real, si"):
        read_profile(path, units="cgs")


def test_a_large_file_parses_in_one_vectorised_pass(tmp_path):
    """2e4 blocks x 20 bins (420k lines): far below a per-line Python loop's time (the benchmark does 1e5)."""
    z = (np.arange(20) + 0.5) / 20
    body = "".join(f"  {i + 1} {z[i]:.6g} 100 1.{i:03d}\n" for i in range(20))
    n = 20000
    path = tmp_path / "big.profile"
    path.write_text(HEADER + "".join(f"{(b + 1) * 10} 20 2000\n{body}" for b in range(n)))
    start = time.perf_counter()
    p = read_profile(path)
    elapsed = time.perf_counter() - start
    assert p.temperatures.shape == (n, 20) and p.temperatures[-1, 3] == 1.003
    assert elapsed < 3.0, elapsed


def test_box_starting_at_zero_reads_back_as_zero():
    """LAMMPS prints bin centres rounded (0.3874, 1.1622, ... for a box from 0 with bins of 0.7748 sigma): the box
    edge from them is 1.1e-16 in floating point, and reads back as exactly 0; an offset box keeps its edge."""
    z = np.round(0.3874 + 0.7748 * np.arange(32), 4)
    t = np.full((2, 32), 0.3)
    assert TemperatureProfile(z, t, None, None).box[0] == 0.0
    assert TemperatureProfile(z + 5.0, t, None, None).box[0] == pytest.approx(5.0)


def test_an_empty_bin_beyond_the_box_is_dropped_for_a_run():
    """LAMMPS's bin/1d with DELTA = Lz/n rounded one ulp short makes n + 1 bins, the last empty and beyond the box
    (seen on one of four NPT replicas of examples/md/si_ge_sw.toml): drop_overflow_bin removes it, and only it."""
    import numpy as np

    from kapitza.analysis import TemperatureProfile
    from kapitza.analysis.md.profiles import drop_overflow_bin

    z = (np.arange(81) + 0.5) * 1.0
    temps = np.tile(np.linspace(310, 290, 81), (3, 1))
    counts = np.full((3, 81), 18.0)
    counts[:, -1] = 0
    p = TemperatureProfile(z, temps, counts, None, units="metal")
    q = drop_overflow_bin(p, 80)
    assert q.n_bins == 80 and q.box == (0.0, 80.0) and np.all(q.counts > 0)
    assert drop_overflow_bin(p, 81) is p  # the count the run expects: nothing to drop
    full = TemperatureProfile(z, temps, np.full((3, 81), 18.0), None, units="metal")
    assert drop_overflow_bin(full, 80) is full  # a last bin with atoms is data
