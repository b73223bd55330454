"""analysis.eels.stream: temperature maps in chunks of rows, from memory, memory maps, dask and lazily read files.

This file holds the explicit, non-default subtracted-background path (``background="power-law"``, ``"zlp-fit"`` or
None, the ratio fit); the default joint fit's map is tested in test_eels_core.py.

Parity: the chunked map against the whole-image chain ``temperature_map(preprocess(...), window, method="ratio")``
(two routes to the same numbers).  Tolerance 1e-12 relative: the streamed path runs the same per-pixel code on the
same numbers and accumulates the summed spectra in the order ``ndarray.sum(axis=0)`` does; the one allowed difference
is the power law's stopping rule (all pixels of a block converged to 1e-10), which moved T by at most 1.1e-15 and its
error by at most 2.4e-13 relative on the 128 x 128 benchmark image (benchmarks/eels.py).
"""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.analysis.eels.data import LazyEELSData, eels_data
from kapitza.analysis.eels.forward import simulate_stack
from kapitza.analysis.eels.preprocess import centred_axis, preprocess, shift_rows, zlp_position
from kapitza.analysis.eels.profile import temperature_map
from kapitza.analysis.eels.read import read_eels, read_eels_lazy, write_eels
from kapitza.analysis.eels.stream import stream_temperature_map, with_lazy_noise_model
from kapitza.errors import InputError
from kapitza.phonons.dos import material_dos

WINDOW = (50.0, 80.0)
BG = ((12.0, 18.0), (110.0, 125.0))
PL = "power-law"
RTOL = 1e-12


@pytest.fixture(scope="module")
def raw():
    """A 7 x 6 raw spectrum image of the AlN forward model at 300 K (1024 channels over -128..128 meV)."""
    dos = material_dos("AlN")
    width = 0.25
    stack = simulate_stack(
        dos.energy_mev,
        dos.dos,
        300.0,
        n_copies=42,
        seed=3,
        dose=1e7,
        channel_mev=width,
        energy_range_mev=(-128.0, 128.0 - width / 2),
    )
    return eels_data(stack.energy_mev, stack.counts.reshape(7, 6, -1), (np.arange(7) * 0.2, np.arange(6) * 0.2))


def assert_same(streamed, whole):
    t, e = np.asarray(whole.temperature), np.asarray(whole.temperature_err)
    assert np.array_equal(streamed.valid, whole.valid)
    assert streamed.window_mev == whole.window_mev
    ok = np.asarray(whole.valid)
    assert ok.sum() > 0
    np.testing.assert_allclose(streamed.temperature[ok], t[ok], rtol=RTOL, atol=0)
    np.testing.assert_allclose(streamed.temperature_err[ok], e[ok], rtol=RTOL, atol=0)


@pytest.mark.parametrize(
    ("background", "fit_windows", "window", "bin_position"),
    [
        ("power-law", BG, WINDOW, 1),
        ("power-law", None, WINDOW, 1),  # default windows: the FWHM of the summed, centred spectrum (pass 2)
        ("power-law", BG, None, 1),  # automatic window: the summed, subtracted spectrum (pass 3)
        ("zlp-fit", BG, WINDOW, 2),  # the ZLP shape fitted to the summed spectrum, positions binned by 2 along x
        (None, None, WINDOW, 3),
    ],
)
@pytest.mark.parametrize("chunk_mb", [0.01, 1e6])  # one row per chunk; a chunk larger than the image
def test_streamed_equals_the_whole_image_chain(raw, background, fit_windows, window, bin_position, chunk_mb):
    """Parity: chunked map = temperature_map(preprocess(...)) to 1e-12, including the two-pass centring."""
    whole = temperature_map(
        preprocess(raw, background=background, fit_windows_mev=fit_windows, bin_position=bin_position),
        window,
        method="ratio",
    )
    streamed = stream_temperature_map(
        raw, window, background=background, fit_windows_mev=fit_windows, bin_position=bin_position, chunk_mb=chunk_mb
    )
    assert_same(streamed, whole)
    assert streamed.steps[:-1] == whole.steps[:-1]  # same centring (shifts, axis), binning, background windows
    assert streamed.positions_nm[1].size == 6 // bin_position


def test_the_centring_is_the_whole_image_centring(raw):
    """The shifted channels a chunk reads (a subset, per row) equal those of the whole centred image."""
    shifts = np.asarray(zlp_position(raw)).reshape(-1)
    k = centred_axis(raw.energy_mev, raw.channel_width_mev, float(shifts.min()), float(shifts.max()))
    counts = raw.counts.reshape(-1, raw.n_channels)
    full = shift_rows(counts, shifts, raw.energy_mev, raw.channel_width_mev, k)
    centred = preprocess(raw, background=None)
    np.testing.assert_array_equal(full, centred.counts.reshape(-1, k.size))
    cols = np.r_[np.arange(5, 40), np.arange(600, 700)]
    part = shift_rows(counts[10:13], shifts[10:13], raw.energy_mev, raw.channel_width_mev, k, cols)
    np.testing.assert_array_equal(part, full[10:13][:, cols])
    # shifts of many whole channels (every row its own group: the one-gather route), and the axis ends (clipped)
    rng = np.random.default_rng(0)
    moved = shifts[:40] + rng.integers(-20, 20, 40) * raw.channel_width_mev
    k2 = centred_axis(raw.energy_mev, raw.channel_width_mev, float(moved.min()), float(moved.max()))
    full2 = shift_rows(counts[:40], moved, raw.energy_mev, raw.channel_width_mev, k2)
    ends = np.r_[0, 1, k2.size - 2, k2.size - 1]
    np.testing.assert_array_equal(
        shift_rows(counts[:40], moved, raw.energy_mev, raw.channel_width_mev, k2, ends), full2[:, ends]
    )
    # three whole-channel shifts among 40 rows (rows grouped by shift), whole axis and the ends
    moved = shifts[:40] + np.repeat([-7, 0, 5], [10, 20, 10]) * raw.channel_width_mev
    k3 = centred_axis(raw.energy_mev, raw.channel_width_mev, float(moved.min()), float(moved.max()))
    full3 = shift_rows(counts[:40], moved, raw.energy_mev, raw.channel_width_mev, k3)
    np.testing.assert_array_equal(full3[20:30], shift_rows(counts[20:30], moved[20:30], raw.energy_mev, 0.25, k3))
    q = (moved - raw.energy_mev[0]) / raw.channel_width_mev  # the formula of centre_zlp, one row at a time
    for row in (0, 15, 39):
        i = np.floor(q[row]).astype(int) + k3
        f = q[row] - np.floor(q[row])
        one = (1.0 - f) * counts[row, np.clip(i, 0, raw.n_channels - 1)] + f * counts[row, np.clip(i + 1, 0, 1023)]
        np.testing.assert_array_equal(full3[row], one)
    ends = np.r_[0, 1, 2, k3.size - 2, k3.size - 1]
    np.testing.assert_array_equal(
        shift_rows(counts[:40], moved, raw.energy_mev, raw.channel_width_mev, k3, ends), full3[:, ends]
    )


def test_workers_do_not_change_the_numbers(raw):
    a = stream_temperature_map(raw, WINDOW, background=PL, fit_windows_mev=BG, chunk_mb=0.05)
    b = stream_temperature_map(raw, WINDOW, background=PL, fit_windows_mev=BG, chunk_mb=0.05, workers=2)
    np.testing.assert_array_equal(a.temperature, b.temperature)
    np.testing.assert_array_equal(a.temperature_err, b.temperature_err)


def test_a_memory_map_and_a_dask_array_stream_like_memory(raw, tmp_path):
    """LazyEELSData over an int32 .npy memory map and over a dask array: the in-memory numbers (variances made per
    chunk by the Poisson noise model, as eels_data makes them)."""
    da = pytest.importorskip("dask.array")
    whole = temperature_map(preprocess(raw, fit_windows_mev=BG), WINDOW)
    path = tmp_path / "image.npy"
    np.save(path, raw.counts.astype(np.int32))
    mm = LazyEELSData(energy_mev=raw.energy_mev, counts=np.load(path, mmap_mode="r"), source="image.npy")
    assert_same(stream_temperature_map(mm, WINDOW, background=PL, fit_windows_mev=BG, chunk_mb=0.02), whole)
    lazy = LazyEELSData(energy_mev=raw.energy_mev, counts=da.from_array(raw.counts, chunks=(2, 3, -1)))
    assert_same(stream_temperature_map(lazy, WINDOW, background=PL, fit_windows_mev=BG, chunk_mb=0.05), whole)
    noisy = with_lazy_noise_model(lazy, 2.0, 1.5)
    from kapitza.analysis.eels.data import with_noise_model

    whole_noisy = temperature_map(preprocess(with_noise_model(raw, 2.0, 1.5), fit_windows_mev=BG), WINDOW)
    assert_same(stream_temperature_map(noisy, WINDOW, background=PL, fit_windows_mev=BG, chunk_mb=0.05), whole_noisy)


def test_a_file_read_lazily_through_rosettasciio(raw, tmp_path):
    """read_eels_lazy (rosettasciio lazy=True: dask) -> the same map as read_eels and the whole-image chain."""
    pytest.importorskip("rsciio")
    path = write_eels(tmp_path / "image.hspy", raw)
    lazy = read_eels_lazy(path)
    assert isinstance(lazy, LazyEELSData) and lazy.nav_shape == (7, 6)
    assert "lazy" in lazy.steps[-1]
    whole = temperature_map(preprocess(read_eels(path), fit_windows_mev=BG), WINDOW)
    assert_same(stream_temperature_map(lazy, WINDOW, background=PL, fit_windows_mev=BG, chunk_mb=0.05), whole)
    with pytest.raises(InputError, match="lazy reading is for"):
        read_eels_lazy(write_eels(tmp_path / "image.npz", raw))


def test_hostile_chunks_are_refused_with_the_rows(raw):
    """A NaN row, negative counts and an all-zero row: one InputError naming what and where."""
    counts = raw.counts.copy()
    counts[4, 2, 100] = np.nan
    for bg in (PL, "joint"):
        with pytest.raises(InputError, match=r"NaN or infinite values \(rows 4\.\.4"):
            stream_temperature_map(
                LazyEELSData(energy_mev=raw.energy_mev, counts=counts), WINDOW, background=bg, chunk_mb=0.01
            )
    counts = raw.counts.copy()
    counts[2, 0, 7] = -1.0
    with pytest.raises(InputError, match="negative counts"):
        stream_temperature_map(LazyEELSData(energy_mev=raw.energy_mev, counts=counts), WINDOW, background=PL)
    counts = raw.counts.copy()
    counts[3] = 0.0  # an empty row: six spectra with no zero-loss peak
    with pytest.raises(InputError, match="no zero-loss peak found in 6 of 42 spectra"):
        stream_temperature_map(
            LazyEELSData(energy_mev=raw.energy_mev, counts=counts), WINDOW, background=PL, chunk_mb=0.01
        )
    with pytest.raises(InputError, match="all counts are zero"):
        stream_temperature_map(
            LazyEELSData(energy_mev=raw.energy_mev, counts=np.zeros((2, 2, raw.n_channels))), background=PL
        )


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"chunk_mb": 0}, "chunk_mb must be"),
        ({"chunk_mb": float("nan")}, "chunk_mb must be"),
        ({"chunk_mb": float("inf")}, "chunk_mb must be"),
        ({"workers": 0}, "workers must be"),
        ({"bin_position": 4}, "does not divide the 6 positions"),
        ({"background": "magic"}, "background must be"),
        ({"fit_windows_mev": BG}, "for a subtracted background"),
        ({"intercept": True}, "for a subtracted background"),
        ({"background": PL, "region_mev": (40, 100)}, "for the joint fit"),
    ],
)
def test_bad_arguments(raw, kwargs, needle):
    with pytest.raises(InputError, match=needle):
        stream_temperature_map(raw, WINDOW, **kwargs)


def test_what_is_not_an_image_is_refused(raw):
    with pytest.raises(InputError, match="2 navigation axes"):
        stream_temperature_map(
            raw.replace(
                "a row",
                counts=raw.counts[0],
                variance=raw.variance[0],
                positions_nm=(raw.positions_nm[1],),
                nav_names=("x",),
            ),
            WINDOW,
        )
    with pytest.raises(InputError, match="centred already"):
        stream_temperature_map(preprocess(raw, background=None), WINDOW, background=PL)
    with pytest.raises(InputError, match="no pixels"):
        stream_temperature_map(LazyEELSData(energy_mev=raw.energy_mev, counts=np.zeros((0, 3, raw.n_channels))), WINDOW)
    with pytest.raises(InputError, match=r"counts of shape \(ny, nx"):
        LazyEELSData(energy_mev=raw.energy_mev, counts=raw.counts[0])


def test_memory_is_bounded_by_the_chunk(tmp_path):
    """A 40 x 40 x 1024 image in an int32 memory map (13.1 MB as float64) mapped in 1 MB chunks: the arrays the
    analysis allocates (tracemalloc) peak below half the image (measured 2.1-4.1 MB, 0.16-0.32 x), where the
    whole-image chain holds about 8 x the counts array (benchmarks/eels.py)."""
    import tracemalloc

    dos = material_dos("AlN")
    stack = simulate_stack(
        dos.energy_mev,
        dos.dos,
        300.0,
        n_copies=1600,
        seed=1,
        dose=1e7,
        channel_mev=0.25,
        energy_range_mev=(-128.0, 127.875),
    )
    path = tmp_path / "image.npy"
    np.save(path, stack.counts.reshape(40, 40, -1).astype(np.int32))
    lazy = LazyEELSData(energy_mev=stack.energy_mev, counts=np.load(path, mmap_mode="r"))
    tracemalloc.start()
    try:
        tmap = stream_temperature_map(lazy, WINDOW, background=PL, fit_windows_mev=BG, chunk_mb=1.0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert tmap.n_valid == 1600
    assert lazy.nbytes == 40 * 40 * 1024 * 8
    assert peak < 0.5 * lazy.nbytes


def test_eels_map_reads_lazily_and_streams(cli, raw, tmp_path):
    """``eels map``: --lazy (rosettasciio dask arrays, one row per chunk) and --no-lazy give the whole-image
    chain's map (parity to 1e-12); a bad --chunk-mb is one line and exit 2."""
    import json

    pytest.importorskip("rsciio")
    path = write_eels(tmp_path / "image.hspy", raw)
    whole = temperature_map(preprocess(read_eels(path), fit_windows_mev=BG), WINDOW)
    args = ("eels", "map", path, "--window", "50:80", "--background", PL)
    args += ("--background-windows", "12:18,110:125", "--json")
    for extra in (("--lazy", "--chunk-mb", "0.01"), ("--no-lazy",)):
        status, out, err = cli(*args, *extra)
        assert status == 0, err
        doc = json.loads(out)
        m = doc["map"]
        t = np.asarray(m["temperature"], dtype=float)
        np.testing.assert_allclose(t, whole.temperature, rtol=RTOL, atol=0)
        np.testing.assert_allclose(np.asarray(m["temperature_err"], dtype=float), whole.temperature_err, rtol=RTOL)
        assert "streamed" in doc["steps"][-1]
    assert ("left on disk" in json.loads(cli(*args, "--lazy")[1])["steps"][0]) is True
    status, out, err = cli(*args, "--chunk-mb", "0")
    assert status == 2 and "--chunk-mb" in err and len(err.strip().splitlines()) == 1


def test_defaults_on_an_interface_image():
    """Everything automatic (background windows from the ZLP width, the window from the summed spectrum) on three
    AlN | 4H-SiC line scans at dose 1e6 stacked into an image: the streamed map is the whole-image chain's."""
    from kapitza.analysis.eels.forward import simulate_line_scan

    left, right = material_dos("AlN"), material_dos("4H-SiC")
    x = np.linspace(-4.0, 4.0, 5)
    scans = [
        simulate_line_scan(
            x, np.full(5, 320.0), (left.energy_mev, left.dos), (right.energy_mev, right.dos), 0.0, dose=1e6, seed=s
        )
        for s in range(3)
    ]
    image = eels_data(scans[0].energy_mev, np.stack([s.counts for s in scans]), (np.arange(3.0), x))
    assert_same(stream_temperature_map(image, background=PL, chunk_mb=0.01), temperature_map(preprocess(image)))


@pytest.mark.parametrize("spread", [0.0, 1.5, 40.0])
def test_shifted_sum_is_the_sum_of_the_shifted_rows(raw, spread):
    """shifted_sum (pass 2: weights times raw channels, no shifted copy) = shift_rows(...).sum(axis=0) to 1e-13,
    with one or two whole-channel shifts among the rows and with many (the shifted rows summed)."""
    from kapitza.analysis.eels.preprocess import shifted_sum

    counts = raw.counts.reshape(-1, raw.n_channels)
    rng = np.random.default_rng(1)
    shifts = np.asarray(zlp_position(raw)).reshape(-1) + rng.uniform(0, spread, counts.shape[0]) * 0.25
    k = centred_axis(raw.energy_mev, raw.channel_width_mev, float(shifts.min()), float(shifts.max()))
    expected = shift_rows(counts, shifts, raw.energy_mev, raw.channel_width_mev, k).sum(axis=0)
    got = shifted_sum(counts, shifts, raw.energy_mev, raw.channel_width_mev, k)
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-13 * expected.max())


def test_the_fwhm_from_the_channels_around_zero_is_that_of_the_whole_sum(raw):
    """Pass 2 for the power law sums only the centred channels around 0 where the raw sums bound every other
    channel below their peak: the same FWHM as the whole summed centred spectrum (to rounding, 1e-13); with a
    negative count (no bound) every channel is summed."""
    import dataclasses

    import kapitza.analysis.eels.stream as stream
    from kapitza.analysis.eels.preprocess import peak_fwhm

    plan = stream._plan(raw, None, None, 1, 64.0)
    _shifts, total, nonnegative = stream._zlp_pass(raw, plan.rows)
    whole = peak_fwhm(plan.energy, stream._centred_sum(raw, plan, exact=True))
    assert nonnegative
    assert stream._centred_fwhm(raw, plan, total, nonnegative) == pytest.approx(whole, rel=1e-13)
    counts = raw.counts.copy()
    counts[0, 0, 0] = -1.0
    bad = dataclasses.replace(raw, counts=counts)
    assert not stream._zlp_pass(bad, plan.rows)[2]
    plan_bad = stream._plan(bad, None, None, 1, 64.0)
    expected = peak_fwhm(plan_bad.energy, stream._centred_sum(bad, plan_bad, exact=True))
    got = stream._centred_fwhm(bad, plan_bad, stream._zlp_pass(bad, plan.rows)[1], False)
    assert got == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("intercept", [False, True])
def test_the_block_size_does_not_change_the_numbers(raw, monkeypatch, intercept):
    """The fits run on blocks of ``_FIT_PIXELS`` pixels (256: the 42 pixels here are one block); blocks of 4 give
    the same map to 1e-12 (the power law stops when all pixels of a block have converged)."""
    import kapitza.analysis.eels.stream as stream

    one = stream_temperature_map(raw, WINDOW, background=PL, fit_windows_mev=BG, intercept=intercept)
    monkeypatch.setattr(stream, "_FIT_PIXELS", 4)
    many = stream_temperature_map(raw, WINDOW, background=PL, fit_windows_mev=BG, intercept=intercept)
    assert_same(many, one)


#: Pixels (0, 0), (3, 2) and (6, 5) of the map of ``raw`` at commit 111e902: temperatures and errors, K.
BEFORE = {
    False: ([273.0874554998984, 291.13685542288573, 293.6131965373649], [12.942463922912685, 11.43223799555533,
                                                                            12.126236239475404]),
    True: ([242.19897122295905, 323.2901895467052, 507.0537530522179], [47.988621468947834, 71.30752191031192,
                                                                           188.6980676737537]),
}  # fmt: skip


@pytest.mark.parametrize("intercept", [False, True])
def test_the_map_keeps_the_numbers_of_before_the_second_speed_up(raw, intercept):
    """Pixels (0, 0), (3, 2) and (6, 5) of the map as commit 111e902 gave them (before the refits were taken
    together, the power law's start read off per-interval cubics and the blocks grew from 64 to 256 pixels): the
    same fixed point, to 1e-9 (it moved by at most 6e-15 in T and 4e-13 in its error on the benchmark's images)."""
    m = stream_temperature_map(raw, WINDOW, background=PL, fit_windows_mev=BG, intercept=intercept)
    temperature, error = BEFORE[intercept]
    at = ([0, 3, 6], [0, 2, 5])
    np.testing.assert_allclose(m.temperature[at], temperature, rtol=1e-9, atol=0)
    np.testing.assert_allclose(m.temperature_err[at], error, rtol=1e-9, atol=0)
