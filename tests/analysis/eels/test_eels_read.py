"""analysis.eels.read: files in every supported format -> EELSData (meV, nm), and write_eels round trips.

The reference values are the analytic conversions 1 eV = 1000 meV, 1 Å = 0.1 nm, 1 µm = 1000 nm, applied to
axes the tests themselves write; the counts must come back unchanged.
"""

from __future__ import annotations

import importlib
import io
import json
import zipfile

import numpy as np
import pytest

from kapitza.analysis.eels.data import eels_data
from kapitza.analysis.eels.read import SUPPORTED_SUFFIXES, read_eels, write_eels
from kapitza.errors import InputError

RNG = np.random.default_rng(13)


def _rsciio_signal(data, axes, signal_type="EELS"):
    """A signal dict as rosettasciio's hspy writer takes it (the keys HyperSpy would pass)."""
    return {
        "data": np.asarray(data),
        "axes": axes,
        "metadata": {
            "General": {"title": "test"},
            "Signal": {"signal_type": signal_type},
            "Acquisition_instrument": {"TEM": {"beam_energy": 60.0}},
        },
        "original_metadata": {},
        "attributes": {"_lazy": False},
        "tmp_parameters": {},
        "package_info": {"package": "test", "package_version": "0"},
        "learning_results": {},
        "models": {},
    }


def _energy_axis_ev(size=60, offset=-0.03, scale=0.001):
    return {"name": "Energy loss", "units": "eV", "offset": offset, "scale": scale, "size": size, "navigate": False}


def _line_scan(n=5, m=60):
    return RNG.poisson(50.0, (n, m)).astype(float)


# --------------------------------------------------------------------------------------------------- HSPY


def test_hspy_line_scan_written_by_rsciio_round_trips_with_axes(tmp_path):
    """A line scan saved by rosettasciio (Å, eV) reads back in nm and meV (analytic: x0.1, x1000)."""
    hspy = importlib.import_module("rsciio.hspy")
    counts = _line_scan()
    axes = [
        {"name": "x", "units": "Å", "offset": 5.0, "scale": 2.5, "size": 5, "navigate": True},
        _energy_axis_ev(),
    ]
    path = tmp_path / "scan.hspy"
    hspy.file_writer(str(path), _rsciio_signal(counts, axes), show_progressbar=False)
    data = read_eels(path)
    assert data.nav_shape == (5,)
    np.testing.assert_allclose(data.energy_mev, -30.0 + np.arange(60), atol=1e-9)
    np.testing.assert_allclose(data.positions_nm[0], 0.5 + 0.25 * np.arange(5))
    np.testing.assert_array_equal(data.counts, counts)
    np.testing.assert_array_equal(data.variance, counts)  # Poisson: variance = counts
    assert data.metadata["beam_energy_kev"] == 60.0
    assert isinstance(data.metadata["beam_energy_kev"], float)
    assert "eV converted to meV" in data.steps[-1] and "Å converted to nm" in data.steps[-1]


def test_hspy_image_written_by_rsciio_round_trips_with_axes(tmp_path):
    """A (y, x) spectrum image in µm and nm: the signal axis is moved last, µm -> nm (analytic: x1000)."""
    hspy = importlib.import_module("rsciio.hspy")
    counts = RNG.poisson(30.0, (3, 4, 60)).astype(float)
    axes = [
        {"name": "y", "units": "µm", "offset": 0.0, "scale": 0.002, "size": 3, "navigate": True},
        {"name": "x", "units": "nm", "offset": 1.0, "scale": 0.5, "size": 4, "navigate": True},
        _energy_axis_ev(),
    ]
    path = tmp_path / "image.hspy"
    hspy.file_writer(str(path), _rsciio_signal(counts, axes), show_progressbar=False)
    data = read_eels(path)
    assert data.nav_shape == (3, 4)
    assert data.nav_names == ("y", "x")
    np.testing.assert_allclose(data.positions_nm[0], [0.0, 2.0, 4.0])
    np.testing.assert_allclose(data.positions_nm[1], [1.0, 1.5, 2.0, 2.5])
    np.testing.assert_array_equal(data.counts, counts)


def test_hspy_signal_axis_first_in_array_is_moved_last(tmp_path):
    """rosettasciio axes follow the array order; a spectrum axis stored first still becomes the last axis."""
    hspy = importlib.import_module("rsciio.hspy")
    counts = _line_scan(4, 60)
    axes = [_energy_axis_ev(), {"name": "x", "units": "nm", "offset": 0, "scale": 1, "size": 4, "navigate": True}]
    path = tmp_path / "t.hspy"
    hspy.file_writer(str(path), _rsciio_signal(counts.T, axes), show_progressbar=False)
    data = read_eels(path)
    assert data.nav_shape == (4,)
    np.testing.assert_array_equal(data.counts, counts)


@pytest.mark.parametrize("nav", [(5,), (2, 3)])
def test_write_eels_hspy_round_trip_keeps_axes_variance_steps(tmp_path, nav):
    """write_eels -> read_eels (.hspy): counts, variances, positions (uneven too), steps and metadata survive."""
    importlib.import_module("rsciio.hspy")
    energy = np.linspace(-40.0, 80.0, 61)
    counts = RNG.poisson(20.0, nav + (61,)).astype(float)
    positions = tuple(np.cumsum(RNG.uniform(0.1, 1.0, n)) for n in nav)
    original = eels_data(energy, counts, positions, detector_gain=2.0, read_noise=1.5, metadata={"beam_energy_kev": 30})
    original = original.replace("binned by 1")
    path = write_eels(tmp_path / "out.hspy", original)
    back = read_eels(path)
    np.testing.assert_allclose(back.energy_mev, energy, rtol=1e-12, atol=1e-9)
    np.testing.assert_array_equal(back.counts, counts)
    np.testing.assert_array_equal(back.variance, 2.0 * counts + 1.5**2)
    for a, b in zip(back.positions_nm, positions):
        np.testing.assert_allclose(a, b)
    assert back.nav_names == original.nav_names
    assert back.steps[: len(original.steps)] == original.steps
    assert back.metadata["beam_energy_kev"] == 30


def test_written_hspy_is_an_eels_signal_in_ev_for_hyperspy(tmp_path):
    """The .hspy file is what HyperSpy expects of an EELS spectrum: signal_type EELS, energy axis in eV."""
    hspy = importlib.import_module("rsciio.hspy")
    data = eels_data(np.arange(-10.0, 10.0), RNG.poisson(9.0, (3, 20)).astype(float))
    path = write_eels(tmp_path / "s.hspy", data)
    (signal,) = hspy.file_reader(str(path))
    assert signal["metadata"]["Signal"]["signal_type"] == "EELS"
    energy_axis = [ax for ax in signal["axes"] if not ax["navigate"]][0]
    assert energy_axis["units"] == "eV"
    assert float(energy_axis["scale"]) == pytest.approx(0.001)
    assert [ax["units"] for ax in signal["axes"] if ax["navigate"]] == ["nm"]


def test_image_signal_is_refused(tmp_path):
    """A 2-D signal (an image, nm x nm) is not a spectrum: one InputError."""
    hspy = importlib.import_module("rsciio.hspy")
    axes = [
        {"name": "y", "units": "nm", "offset": 0, "scale": 1, "size": 8, "navigate": False},
        {"name": "x", "units": "nm", "offset": 0, "scale": 1, "size": 9, "navigate": False},
    ]
    path = tmp_path / "haadf.hspy"
    hspy.file_writer(str(path), _rsciio_signal(np.ones((8, 9)), axes, "Signal2D"), show_progressbar=False)
    with pytest.raises(InputError, match=r"haadf\.hspy.*image"):
        read_eels(path)


def test_ncem_emd_without_navigate_flags_uses_the_energy_axis(tmp_path):
    """NCEM EMD (rosettasciio's emd writer) keeps no navigate flags: the eV axis is the spectrum."""
    emd = importlib.import_module("rsciio.emd")
    counts = _line_scan(4, 60)
    axes = [{"name": "x", "units": "nm", "offset": 0.0, "scale": 0.5, "size": 4, "navigate": True}, _energy_axis_ev()]
    path = tmp_path / "scan.emd"
    emd.file_writer(str(path), _rsciio_signal(counts, axes))
    data = read_eels(path)
    np.testing.assert_array_equal(data.counts, counts)
    np.testing.assert_allclose(data.positions_nm[0], [0.0, 0.5, 1.0, 1.5])
    np.testing.assert_allclose(data.energy_mev, -30.0 + np.arange(60), atol=1e-9)


# ---------------------------------------------------------------------------------------------------- MSA


def test_msa_round_trip(tmp_path):
    """write_eels -> read_eels (.msa): the eV axis of the file comes back in meV (analytic), counts equal."""
    importlib.import_module("rsciio.msa")
    energy = np.arange(-50.0, 100.0, 2.5)
    counts = RNG.poisson(100.0, energy.size).astype(float)
    path = write_eels(tmp_path / "one.msa", eels_data(energy, counts))
    assert "#XUNITS      : eV" in path.read_text(encoding="latin-1")
    back = read_eels(path)
    np.testing.assert_allclose(back.energy_mev, energy, atol=1e-9)
    np.testing.assert_array_equal(back.counts, counts)
    assert back.nav_shape == ()


def test_write_single_spectrum_formats_refuse_a_line_scan(tmp_path):
    """MSA and CSV hold one spectrum: a line scan is refused before anything is written."""
    data = eels_data(np.arange(5.0), np.ones((3, 5)))
    for name in ("scan.msa", "scan.csv"):
        with pytest.raises(InputError, match="one spectrum"):
            write_eels(tmp_path / name, data)
        assert not (tmp_path / name).exists()


# ---------------------------------------------------------------------------------------------------- CSV


def test_csv_with_header_keeps_signed_axis(tmp_path):
    """Two columns, a header line: energy in meV with gain negative and loss positive, counts unchanged."""
    path = tmp_path / "spec.csv"
    energy = np.arange(-20.0, 21.0, 1.0)
    counts = np.where(energy < 0, 10.0, 100.0)  # gain side weaker
    path.write_text("energy,counts\n" + "".join(f"{e:g},{c:g}\n" for e, c in zip(energy, counts)))
    data = read_eels(path)
    np.testing.assert_array_equal(data.energy_mev, energy)
    assert np.all(data.counts[data.energy_mev < 0] == 10.0)
    assert np.all(data.counts[data.energy_mev > 0] == 100.0)
    assert data.nav_shape == ()


def test_csv_without_header_and_whitespace(tmp_path):
    """No header, tab separated, comments: still energy (meV) and counts."""
    path = tmp_path / "spec.txt"
    path.write_text("# a comment\n-2\t5\n-1\t6\n0\t100\n1\t7\n2\t8\n")
    data = read_eels(path)
    np.testing.assert_array_equal(data.energy_mev, [-2, -1, 0, 1, 2])
    np.testing.assert_array_equal(data.counts, [5, 6, 100, 7, 8])


def test_csv_descending_axis_is_reversed_with_its_counts(tmp_path):
    """A descending energy column is reversed together with the counts (each count keeps its energy)."""
    path = tmp_path / "down.csv"
    path.write_text("energy_meV,counts\n2,8\n1,7\n0,100\n-1,6\n-2,5\n")
    data = read_eels(path)
    np.testing.assert_array_equal(data.energy_mev, [-2, -1, 0, 1, 2])
    np.testing.assert_array_equal(data.counts, [5, 6, 100, 7, 8])


def test_csv_header_unit_ev_and_energy_unit_override(tmp_path):
    """A header "energy (eV)" means eV (x1000, analytic); energy_unit= overrides the header."""
    path = tmp_path / "ev.csv"
    path.write_text("energy (eV),counts\n-0.01,1\n0,9\n0.01,2\n")
    np.testing.assert_allclose(read_eels(path).energy_mev, [-10.0, 0.0, 10.0])
    np.testing.assert_allclose(read_eels(path, energy_unit="meV").energy_mev, [-0.01, 0.0, 0.01])


def test_csv_extra_columns_are_a_line_scan(tmp_path):
    """Columns after the first are spectra of a line scan; positions are pixel indices, said in steps."""
    path = tmp_path / "scan.csv"
    path.write_text("E,a,b,c\n-1,1,2,3\n0,4,5,6\n1,7,8,9\n")
    data = read_eels(path)
    assert data.nav_shape == (3,)
    np.testing.assert_array_equal(data.counts[1], [2, 5, 8])
    np.testing.assert_array_equal(data.positions_nm[0], [0, 1, 2])
    assert "pixel indices" in data.steps[-1]


def test_csv_round_trip_through_write_eels(tmp_path):
    """write_eels (.csv) -> read_eels gives the same axis and counts (repr floats are exact)."""
    energy = np.linspace(-33.3, 66.6, 37)
    counts = RNG.poisson(40.0, 37).astype(float)
    back = read_eels(write_eels(tmp_path / "w.csv", eels_data(energy, counts)))
    np.testing.assert_array_equal(back.energy_mev, energy)
    np.testing.assert_array_equal(back.counts, counts)


def test_csv_negative_counts_refused(tmp_path):
    path = tmp_path / "neg.csv"
    path.write_text("-1,5\n0,-3\n1,4\n")
    with pytest.raises(InputError, match=r"neg\.csv: negative counts \(-3\)"):
        read_eels(path)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("energy,counts\n", "no data lines"),
        ("1\n2\n3\n", "1 column"),
        ("-1,1\n0,2,3\n1,4\n", "line 2 has 3 columns"),
        ("-1,1\n0,x\n1,4\n", "line 2 is not numbers"),
        ("0,1\n0,2\n1,3\n", "strictly increasing"),
    ],
)
def test_bad_csv_is_one_input_error(tmp_path, text, match):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(InputError, match=match) as info:
        read_eels(path)
    assert "\n" not in str(info.value)


# ---------------------------------------------------------------------------------------------------- npz


def test_npz_round_trip_with_variance(tmp_path):
    """write_eels -> read_eels (.npz): every array equal, the variances too."""
    energy = np.arange(-30.0, 31.0)
    counts = RNG.poisson(10.0, (4, 61)).astype(float)
    data = eels_data(energy, counts, np.array([0.0, 0.3, 0.6, 0.9]), variance=counts + 4.0, metadata={"dose": 1e6})
    back = read_eels(write_eels(tmp_path / "d.npz", data))
    np.testing.assert_array_equal(back.energy_mev, energy)
    np.testing.assert_array_equal(back.counts, counts)
    np.testing.assert_array_equal(back.variance, counts + 4.0)
    np.testing.assert_array_equal(back.positions_nm[0], [0.0, 0.3, 0.6, 0.9])
    assert back.metadata["dose"] == 1e6


def test_npz_image_round_trip(tmp_path):
    data = eels_data(np.arange(5.0), np.ones((2, 3, 5)), (np.array([0.0, 1.0]), np.array([0.0, 2.0, 4.0])))
    back = read_eels(write_eels(tmp_path / "i.npz", data))
    assert back.nav_shape == (2, 3)
    np.testing.assert_array_equal(back.positions_nm[1], [0.0, 2.0, 4.0])


def test_npz_mismatched_axes_refused(tmp_path):
    path = tmp_path / "bad.npz"
    np.savez(path, energy_mev=np.arange(10.0), counts=np.ones((3, 12)))
    with pytest.raises(InputError, match=r"bad\.npz: mismatched axes.*12 channels.*10"):
        read_eels(path)


def test_npz_missing_keys_and_pickled_objects_refused(tmp_path):
    """No energy axis -> an error naming the keys; an object array is never unpickled (allow_pickle=False)."""
    path = tmp_path / "counts_only.npz"
    np.savez(path, counts=np.ones(10))
    with pytest.raises(InputError, match="lacks energy_mev"):
        read_eels(path)
    evil = tmp_path / "evil.npz"
    np.savez(evil, energy_mev=np.arange(3.0), counts=np.array([{"a": 1}, 2, 3], dtype=object))
    with pytest.raises(InputError, match=r"evil\.npz: not a readable npz file"):
        read_eels(evil)


def test_npy_refused_with_advice(tmp_path):
    path = tmp_path / "c.npy"
    np.save(path, np.ones(10))
    with pytest.raises(InputError, match="no energy axis|without an energy axis"):
        read_eels(path)


# ---------------------------------------------------------------------------------------------------- Nion


def _nion_properties(shape_nav, units_pos="nm", units_e="eV"):
    cals = [{"offset": 0.0, "scale": 0.2, "units": units_pos} for _ in shape_nav]
    cals.append({"offset": -0.05, "scale": 0.001, "units": units_e})
    return {
        "type": "data_item",
        "title": "vib EELS",
        "dimensional_calibrations": cals,
        "intensity_calibration": {"offset": 0.0, "scale": 1.0, "units": "counts"},
        "collection_dimension_count": len(shape_nav),
        "datum_dimension_count": 1,
        "is_sequence": False,
        "metadata": {"hardware_source": {"high_tension": 60000.0}},
    }


def test_nion_ndata_line_scan(tmp_path):
    """A Nion .ndata zip (data.npy + metadata.json): eV -> meV, nm positions, high tension -> keV."""
    counts = _line_scan(3, 100)
    buf = io.BytesIO()
    np.save(buf, counts)
    path = tmp_path / "scan.ndata"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("data.npy", buf.getvalue())
        zf.writestr("metadata.json", json.dumps(_nion_properties((3,))))
    data = read_eels(path)
    np.testing.assert_allclose(data.energy_mev, -50.0 + np.arange(100), atol=1e-9)
    np.testing.assert_allclose(data.positions_nm[0], [0.0, 0.2, 0.4])
    np.testing.assert_array_equal(data.counts, counts)
    assert data.metadata["beam_energy_kev"] == 60.0
    assert data.metadata["title"] == "vib EELS"


def test_nion_h5_spectrum(tmp_path):
    """A Nion Swift HDF5 data item: a "data" dataset with a JSON "properties" attribute."""
    h5py = importlib.import_module("h5py")
    counts = RNG.poisson(5.0, 100).astype(float)
    path = tmp_path / "item.h5"
    with h5py.File(path, "w") as f:
        ds = f.create_dataset("data", data=counts)
        ds.attrs["properties"] = json.dumps(_nion_properties(()))
    data = read_eels(path)
    assert data.nav_shape == ()
    np.testing.assert_array_equal(data.counts, counts)
    np.testing.assert_allclose(data.energy_mev[0], -50.0)


def test_nion_image_and_bad_zip_refused(tmp_path):
    buf = io.BytesIO()
    np.save(buf, np.ones((4, 5)))
    props = _nion_properties((4,), units_e="nm")
    props["datum_dimension_count"] = 2
    path = tmp_path / "haadf.ndata"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("data.npy", buf.getvalue())
        zf.writestr("metadata.json", json.dumps(props))
    with pytest.raises(InputError, match="image"):
        read_eels(path)
    bad = tmp_path / "bad.ndata"
    bad.write_bytes(RNG.bytes(300))
    with pytest.raises(InputError, match=r"bad\.ndata: not a readable Nion ndata file"):
        read_eels(bad)


# ------------------------------------------------------------------------------------------ units, errors


def test_unknown_energy_units_name_energy_unit(tmp_path):
    """An energy axis in "pixels" cannot be guessed: the error names energy_unit; passing it reads the file."""
    hspy = importlib.import_module("rsciio.hspy")
    axes = [{"name": "E", "units": "<undefined>", "offset": -10.0, "scale": 1.0, "size": 30, "navigate": False}]
    path = tmp_path / "nounits.hspy"
    hspy.file_writer(str(path), _rsciio_signal(np.ones(30), axes), show_progressbar=False)
    with pytest.raises(InputError, match="energy_unit"):
        read_eels(path)
    np.testing.assert_allclose(read_eels(path, energy_unit="meV").energy_mev[:2], [-10.0, -9.0])
    with pytest.raises(InputError, match="energy_unit must be"):
        read_eels(path, energy_unit="furlong")


def test_navigation_axis_without_length_unit_is_pixels(tmp_path):
    hspy = importlib.import_module("rsciio.hspy")
    axes = [{"name": "t", "units": "s", "offset": 0, "scale": 0.1, "size": 3, "navigate": True}, _energy_axis_ev()]
    path = tmp_path / "time.hspy"
    hspy.file_writer(str(path), _rsciio_signal(_line_scan(3, 60), axes), show_progressbar=False)
    data = read_eels(path)
    np.testing.assert_array_equal(data.positions_nm[0], [0.0, 1.0, 2.0])
    assert "pixel indices" in data.steps[-1]


def test_unsupported_suffix_and_missing_file(tmp_path):
    path = tmp_path / "spectrum.xyz"
    path.write_text("1,2\n")
    with pytest.raises(InputError, match=r"unsupported file type '\.xyz'"):
        read_eels(path)
    with pytest.raises(InputError, match="no such file"):
        read_eels(tmp_path / "absent.csv")
    assert ".csv" in SUPPORTED_SUFFIXES and ".dm4" in SUPPORTED_SUFFIXES


@pytest.mark.parametrize(("name", "fmt"), [("x.dm3", "DM3"), ("x.dm4", "DM4"), ("x.emd", "EMD"), ("x.hspy", "HSPY")])
def test_corrupt_files_are_one_line_input_errors(tmp_path, name, fmt):
    """Random bytes: no writer exists for DM3/DM4/Velox EMD, so only this error path is tested for them."""
    importlib.import_module("rsciio")
    path = tmp_path / name
    path.write_bytes(RNG.bytes(2048))
    with pytest.raises(InputError, match=rf"{name}: not a readable {fmt} file") as info:
        read_eels(path)
    assert "\n" not in str(info.value)


def test_write_eels_refuses_unknown_suffix_and_bad_folder(tmp_path):
    data = eels_data(np.arange(5.0), np.ones(5))
    with pytest.raises(InputError, match="cannot write '.dm3'"):
        write_eels(tmp_path / "x.dm3", data)
    with pytest.raises(InputError, match="does not exist"):
        write_eels(tmp_path / "nowhere" / "x.npz", data)


def test_text_that_is_not_msa_is_refused(tmp_path):
    """rosettasciio parses any text as an empty MSA spectrum; read_eels requires the #FORMAT keyword."""
    importlib.import_module("rsciio.msa")
    path = tmp_path / "x.msa"
    path.write_bytes(RNG.bytes(512))
    with pytest.raises(InputError, match=r"x\.msa: not a readable MSA file"):
        read_eels(path)


def test_multi_signal_file_picks_the_eels_spectrum(tmp_path, monkeypatch):
    """A file with an image and an EELS line scan (as Velox writes): the EELS signal is read, not the image."""
    from kapitza.analysis.eels import read as read_module

    image = _rsciio_signal(
        np.ones((6, 7)),
        [
            {"name": "y", "units": "nm", "offset": 0, "scale": 1, "size": 6, "navigate": False},
            {"name": "x", "units": "nm", "offset": 0, "scale": 1, "size": 7, "navigate": False},
        ],
        "",
    )
    counts = _line_scan(3, 60)
    scan = _rsciio_signal(
        counts, [{"name": "x", "units": "nm", "offset": 0, "scale": 1, "size": 3, "navigate": True}, _energy_axis_ev()]
    )
    monkeypatch.setattr(read_module, "_rsciio_reader", lambda plugin: lambda filename, lazy=False: [image, scan])
    path = tmp_path / "velox.emd"
    path.write_bytes(b"placeholder")
    data = read_eels(path)
    np.testing.assert_array_equal(data.counts, counts)
    assert data.metadata["signals_in_file"] == 2
