"""Reading and writing vibrational EEL spectra: files -> :class:`~.data.EELSData` -> files.

Formats (by suffix, see :data:`SUPPORTED_SUFFIXES`):

- ``.dm3`` ``.dm4`` (Gatan DigitalMicrograph), ``.emd`` (Velox, or NCEM EMD), ``.msa`` ``.ems`` (EMSA/MAS),
  ``.hspy`` ``.hdf5`` (HyperSpy HDF5) through rosettasciio (the ``eels`` extra, imported only when needed).
- Nion Swift: ``.h5`` (a ``data`` dataset with a JSON ``properties`` attribute) and ``.ndata`` (a zip of
  ``data.npy`` and ``metadata.json``); the calibrations are ``dimensional_calibrations`` (offset, scale,
  units per array axis, the spectrum last).
- ``.csv`` ``.txt``: columns energy, counts[, counts of more spectra (a line scan)], comma, semicolon, tab or
  space separated; one optional header line (a unit in its first field, "energy_eV" or "E (meV)", is used;
  otherwise meV); ``#`` comment lines are skipped.  Energy loss positive, gain negative.
- ``.npz``: keys ``energy_mev`` (n_channels,), ``counts`` nav_shape + (n_channels,), optional ``variance``
  (same shape) and ``positions_nm`` (a line scan) or ``positions_nm_0``, ``positions_nm_1`` (an image);
  what :func:`write_eels` writes also keeps ``nav_names``, ``steps``, ``source`` and the metadata (JSON).
  A bare ``.npy`` has no energy axis and is refused.

Files are data: numpy files are read with ``allow_pickle=False``, JSON with :func:`json.loads`, and any
failure of a reader on a corrupt file becomes one :class:`~kapitza.errors.InputError` line naming the file
and the format.  The energy axis is converted to meV from the file's units (eV, meV, keV), the navigation
axes to nm (nm, Å, pm, µm, m); navigation axes without a length unit become pixel indices, and
:attr:`EELSData.steps` says so.  Only plain numbers and strings from the file's metadata are kept.

Variances: a file written by :func:`write_eels` as ``.npz`` or ``.hspy`` keeps them; every other file gets
the Poisson variance of :func:`~.data.eels_data` (variance = counts).
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
import os
import re
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import InputError, MissingDependencyError, optional_module
from ...io.atomic import atomic_write, check_writable
from ...io.paths import excerpt
from ...io.results import to_jsonable
from .data import EELSData, LazyEELSData, eels_data

SUPPORTED_SUFFIXES: tuple[str, ...] = (
    ".dm3",
    ".dm4",
    ".emd",
    ".msa",
    ".ems",
    ".hspy",
    ".hdf5",
    ".h5",
    ".ndata",
    ".csv",
    ".txt",
    ".npz",
)
"""Suffixes :func:`read_eels` accepts (lower case)."""

WRITE_SUFFIXES: tuple[str, ...] = (".hspy", ".msa", ".csv", ".npz")
"""Suffixes :func:`write_eels` accepts."""

_FORMAT_NAMES = {
    ".dm3": "DM3",
    ".dm4": "DM4",
    ".emd": "EMD",
    ".msa": "MSA",
    ".ems": "MSA",
    ".hspy": "HSPY",
    ".hdf5": "HDF5",
    ".h5": "HDF5",
    ".ndata": "Nion ndata",
    ".csv": "CSV",
    ".txt": "text",
    ".npz": "npz",
}

_ENERGY_UNITS = {"mev": 1.0, "ev": 1.0e3, "kev": 1.0e6}
_LENGTH_UNITS = {
    "nm": 1.0,
    "å": 0.1,
    "a": 0.1,
    "angstrom": 0.1,
    "ang": 0.1,
    "pm": 1.0e-3,
    "µm": 1.0e3,
    "μm": 1.0e3,
    "um": 1.0e3,
    "micron": 1.0e3,
    "m": 1.0e9,
}
_NO_UNITS = {"", "<undefined>", "undefined", "none", "px", "pixel", "pixels"}
_MAX_NAV_DIMS = 2
_MAX_JSON_BYTES = 64 * 2**20
#: A member of a .ndata zip may inflate to at most this many bytes (a 2048 x 2048 x 512 float32 image is 8 GiB;
#: a vibrational spectrum image is far smaller) ...
_MAX_NDATA_MEMBER_BYTES = 4 * 2**30
#: ... and, above 64 MiB, to at most this many times the size of the whole file (Nion stores data.npy
#: uncompressed; a larger ratio is a zip bomb: issue 25's 7.8 MB file declared 8 GB).
_MAX_NDATA_RATIO = 50


# ----------------------------------------------------------------------------------------------- helpers


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if len(text) > 160:
        text = text[:157] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _corrupt(path: Path, fmt: str, exc: BaseException) -> InputError:
    return InputError(f"{path.name}: not a readable {fmt} file ({_one_line(exc)})")


def _energy_factor(unit: str | None, *, where: str) -> float:
    """meV per ``unit``; an InputError naming ``energy_unit`` when the unit is missing or unknown."""
    key = (unit or "").strip()
    factor = None if key == "MeV" else _ENERGY_UNITS.get(key.lower())  # MeV is never a vibrational axis
    if factor is None:
        said = f"is in {unit!r}" if key else "has no units"
        raise InputError(f"{where}: the energy axis {said}, not eV or meV; pass energy_unit='eV' or energy_unit='meV'")
    return factor


def _check_energy_unit(energy_unit: str | None) -> None:
    if energy_unit is None:
        return
    key = energy_unit.strip() if isinstance(energy_unit, str) else ""
    if key == "MeV" or key.lower() not in _ENERGY_UNITS:
        raise InputError(f"energy_unit must be 'eV', 'meV' or 'keV' (got {energy_unit!r})")


def _length_factor(unit: Any) -> float | None:
    """nm per unit, or None for no/unknown length unit."""
    if not isinstance(unit, str):
        return None
    key = unit.strip()
    if key.lower() in _NO_UNITS:
        return None
    if key in ("Å", "A"):
        return 0.1
    return _LENGTH_UNITS.get(key.lower())


def _plain(value: Any) -> float | int | str | bool | None:
    """A plain Python number/string for a metadata value, or None if it is not one."""
    if isinstance(value, (np.generic,)):
        value = value.item()
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return value[:200]
    return None


def _get(tree: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(tree, Mapping) or key not in tree:
            return None
        tree = tree[key]
    return tree


def _file_checks(path: str | os.PathLike) -> tuple[Path, str]:
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".npy":
        raise InputError(
            f"{p.name}: a .npy file holds counts only, without an energy axis; save energy_mev and counts "
            "together with numpy.savez (a .npz file)"
        )
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(
            f"{p.name}: unsupported file type {suffix or '(no suffix)'!r}; supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if not p.is_file():
        raise InputError(f"{p}: not a file")
    return p, suffix


# ------------------------------------------------------------------------------------------ axis handling


def _axis_values(axis: Mapping[str, Any], size: int) -> np.ndarray:
    values = axis.get("axis")
    if values is not None:
        arr = np.asarray(values, dtype=float).reshape(-1)
        if arr.size == size:
            return arr
    offset = float(axis.get("offset", 0.0) or 0.0)
    scale = float(axis.get("scale", 1.0) or 1.0)
    return offset + scale * np.arange(size, dtype=float)


def _build(
    path: Path,
    fmt: str,
    data: Any,
    axes: list[dict[str, Any]],
    signal_index: int,
    *,
    energy_unit: str | None,
    variance: Any = None,
    metadata: dict[str, Any] | None = None,
    steps: tuple[str, ...] = (),
    source: str | None = None,
) -> EELSData:
    """Counts with per-array-axis descriptions {name, units, offset, scale[, axis]} -> EELSData."""
    arr = np.asarray(data)
    energy, positions, words, meta = _describe(path, fmt, arr, axes, signal_index, energy_unit, metadata)
    counts = np.moveaxis(arr, signal_index, -1).astype(float)
    var = None
    if variance is not None:
        v = np.asarray(variance)
        if v.shape != arr.shape:
            raise InputError(f"{path.name}: the stored variance has shape {v.shape}, the counts {arr.shape}")
        var = np.moveaxis(v, signal_index, -1).astype(float)
    try:
        data = eels_data(
            energy,
            counts,
            tuple(positions) if positions else None,
            variance=var,
            source=source or path.name,
            metadata=meta,
        )
    except InputError as exc:
        raise InputError(f"{path.name}: {exc}") from None
    return _with_steps(data, (*steps, "; ".join(words)))


def _describe(
    path: Path,
    fmt: str,
    arr: Any,
    axes: list[dict[str, Any]],
    signal_index: int,
    energy_unit: str | None,
    metadata: dict[str, Any] | None,
) -> tuple[np.ndarray, list[np.ndarray], list[str], dict[str, Any]]:
    """The energy axis (meV), positions (nm), the reading's words and metadata of an array (loaded or lazy)."""
    if arr.dtype.kind not in "biuf":
        raise InputError(f"{path.name}: the {fmt} data are of type {arr.dtype}, not real numbers")
    if len(axes) != arr.ndim:
        raise InputError(f"{path.name}: {len(axes)} axis descriptions for {arr.ndim}-dimensional {fmt} data")
    nav_axes = [i for i in range(arr.ndim) if i != signal_index]
    if len(nav_axes) > _MAX_NAV_DIMS:
        raise InputError(
            f"{path.name}: {len(nav_axes)} navigation axes (shape {arr.shape}); kapitza reads single spectra, "
            "line scans and spectrum images"
        )
    e_axis = axes[signal_index]
    unit = energy_unit if energy_unit is not None else e_axis.get("units")
    factor = _energy_factor(unit if isinstance(unit, str) else None, where=path.name)
    energy = _axis_values(e_axis, arr.shape[signal_index]) * factor
    words = [f"read {path.name} ({fmt})"]
    file_unit = unit if isinstance(unit, str) else ""
    if factor != 1.0:
        words.append(f"energy axis in {file_unit} converted to meV")
    positions: list[np.ndarray] = []
    pixel_axes: list[str] = []
    for i in nav_axes:
        ax = axes[i]
        lf = _length_factor(ax.get("units"))
        if lf is None:
            positions.append(np.arange(arr.shape[i], dtype=float))
            pixel_axes.append(f"{ax.get('name') or i!s} ({ax.get('units') or 'no units'})")
        else:
            positions.append(_axis_values(ax, arr.shape[i]) * lf)
            if lf != 1.0:
                words.append(f"positions in {ax.get('units')} converted to nm")
    if pixel_axes:
        words.append(
            "navigation axes without a length unit: " + ", ".join(pixel_axes) + "; positions are pixel indices"
        )
    meta = dict(metadata or {})
    meta["format"] = fmt
    meta["file"] = path.name
    meta["energy_unit_in_file"] = str(e_axis.get("units") or "")
    names = [str(axes[i].get("name") or "") for i in nav_axes]
    if any(names):
        meta["nav_axis_names_in_file"] = ", ".join(names)
    return energy, positions, words, meta


def _with_steps(data: EELSData, steps: tuple[str, ...]) -> EELSData:
    return dataclasses.replace(data, steps=steps)


def _pick_signal_axis(path: Path, fmt: str, axes: list[dict[str, Any]], title: str = "") -> int:
    """Index of the spectrum axis: the one non-navigation axis, or the one energy axis among several."""
    sig = [i for i, ax in enumerate(axes) if not ax.get("navigate", False)]
    if len(sig) == 1:
        return sig[0]
    if not sig:
        raise InputError(f"{path.name}: the {fmt} signal {title!r} has no spectrum axis")
    energy_like = [i for i in sig if str(axes[i].get("units") or "").strip().lower() in _ENERGY_UNITS]
    if len(energy_like) == 1:  # NCEM EMD keeps no navigate flags: the energy axis is the spectrum
        return energy_like[0]
    raise InputError(
        f"{path.name}: the {fmt} signal {title!r} is {len(sig)}-D (an image), not a spectrum, line scan or "
        "spectrum image"
    )


def _signal_metadata(md: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    pairs = {
        "title": ("General", "title"),
        "signal_type": ("Signal", "signal_type"),
        "beam_energy_kev": ("Acquisition_instrument", "TEM", "beam_energy"),
        "convergence_angle_mrad": ("Acquisition_instrument", "TEM", "convergence_angle"),
        "collection_angle_mrad": ("Acquisition_instrument", "TEM", "Detector", "EELS", "collection_angle"),
        "exposure_s": ("Acquisition_instrument", "TEM", "Detector", "EELS", "exposure"),
        "dwell_time_s": ("Acquisition_instrument", "TEM", "Detector", "EELS", "dwell_time"),
        "frames": ("Acquisition_instrument", "TEM", "Detector", "EELS", "frame_number"),
        "microscope": ("Acquisition_instrument", "TEM", "microscope"),
        "date": ("General", "date"),
        "time": ("General", "time"),
    }
    for name, keys in pairs.items():
        value = _plain(_get(md, *keys))
        if value is not None and value != "":
            out[name] = value
    stored = _get(md, "Kapitza", "metadata_json")
    if isinstance(stored, (str, bytes)):
        try:
            extra = json.loads(stored)
        except ValueError:
            extra = None
        if isinstance(extra, dict):
            for key, value in extra.items():
                plain = _plain(value)
                if plain is not None:
                    out.setdefault(str(key), plain)
    return out


# --------------------------------------------------------------------------------------------- readers


def _rsciio_reader(plugin: str) -> Callable[..., Any]:
    try:
        if plugin == "digitalmicrograph":
            from rsciio.digitalmicrograph import file_reader
        elif plugin == "emd":
            from rsciio.emd import file_reader
        elif plugin == "msa":
            from rsciio.msa import file_reader
        else:
            from rsciio.hspy import file_reader
    except ImportError:
        raise MissingDependencyError("rosettasciio", "eels", "reading microscope files") from None
    return file_reader


def _read_rsciio(path: Path, suffix: str, plugin: str, energy_unit: str | None, lazy: bool = False) -> Any:
    fmt = _FORMAT_NAMES[suffix]
    reader = _rsciio_reader(plugin)
    if plugin == "msa":  # rosettasciio reads any text as an empty MSA spectrum; the standard's first keyword
        try:
            with open(path, "rb") as fh:
                head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n").upper()
        except OSError as exc:
            raise InputError(f"{path.name}: cannot be read ({exc.strerror or type(exc).__name__})") from None
        if not head.startswith(b"#FORMAT"):
            raise InputError(f"{path.name}: not a readable MSA file (no #FORMAT line at the top)")
    try:
        signals = reader(str(path), lazy=lazy)
        if isinstance(signals, dict):
            signals = [signals]
        signals = list(signals)
    except InputError:
        raise
    except MemoryError:
        raise InputError(f"{path.name}: the {fmt} file does not fit in memory") from None
    except Exception as exc:  # any failure of a third-party reader on a bad file is bad input
        raise _corrupt(path, fmt, exc) from None
    candidates = []
    for sig in signals:
        try:
            axes = [dict(ax) for ax in sig["axes"]]
            data = sig["data"]
            n_sig = sum(not ax.get("navigate", False) for ax in axes)
        except Exception as exc:
            raise _corrupt(path, fmt, exc) from None
        md = sig.get("metadata") or {}
        stype = str(_get(md, "Signal", "signal_type") or "")
        candidates.append((sig, axes, data, n_sig, stype))
    if not candidates:
        raise InputError(f"{path.name}: the {fmt} file holds no data")
    eels = [c for c in candidates if "EELS" in c[4].upper()]
    spectra = [c for c in candidates if c[3] == 1]
    chosen = (eels or spectra or candidates)[0]
    sig, axes, data, _, _ = chosen
    md = sig.get("metadata") or {}
    title = str(_get(md, "General", "title") or "")
    index = _pick_signal_axis(path, fmt, axes, title)
    if math.prod(np.shape(data) if not hasattr(data, "shape") else data.shape) == 0:
        raise InputError(f"{path.name}: not a readable {fmt} file (no data)")
    variance = _get(md, "Kapitza", "variance")
    if variance is not None and np.shape(variance) != np.shape(data):
        variance = None
    steps_stored = _get(md, "Kapitza", "steps")
    steps: tuple[str, ...] = ()
    if isinstance(steps_stored, (list, tuple, np.ndarray)):
        steps = tuple(str(s) for s in np.asarray(steps_stored).reshape(-1).tolist())
    meta = _signal_metadata(md)
    meta["format"] = fmt
    if len(candidates) > 1:
        meta["signals_in_file"] = len(candidates)
    source = _get(md, "Kapitza", "source")
    if lazy:
        return _lazy(path, fmt, data, axes, index, energy_unit, variance, meta, steps, source)
    return _build(
        path,
        fmt,
        data,
        axes,
        index,
        energy_unit=energy_unit,
        variance=variance,
        metadata=meta,
        steps=steps,
        source=str(source) if isinstance(source, str) and source else None,
    )


def _lazy(
    path: Path,
    fmt: str,
    data: Any,
    axes: list[dict[str, Any]],
    index: int,
    energy_unit: str | None,
    variance: Any,
    meta: dict[str, Any],
    steps: tuple[str, ...],
    source: Any,
) -> LazyEELSData:
    """A spectrum image left on disk (rosettasciio's dask array), the spectrum axis moved last."""
    import dask.array as da

    arr = da.asarray(data)
    energy, positions, words, meta = _describe(path, fmt, arr, axes, index, energy_unit, meta)
    if arr.ndim != 3:
        raise InputError(
            f"{path.name}: holds {arr.ndim - 1} navigation axes (shape {arr.shape}); lazy reading is for spectrum "
            "images (2 navigation axes): read line scans and single spectra with read_eels"
        )
    counts = da.moveaxis(arr, index, -1)
    var = None
    if variance is not None:
        var = da.moveaxis(da.asarray(variance), index, -1)
    flip = energy.size > 1 and energy[0] > energy[-1]
    if flip:  # a decreasing axis is reversed with the data, as eels_data does
        energy = energy[::-1]
        counts = counts[..., ::-1]
        var = None if var is None else var[..., ::-1]
    meta = {**meta, "detector_gain": 1.0, "read_noise": 0.0}
    try:
        return LazyEELSData(
            energy_mev=energy,
            counts=counts,
            variance=var,
            positions_nm=tuple(positions),
            source=str(source) if isinstance(source, str) and source else path.name,
            steps=(*steps, "; ".join(words) + "; left on disk (lazy), read in chunks of rows"),
            metadata=meta,
        )
    except InputError as exc:
        raise InputError(f"{path.name}: {exc}") from None


def read_eels_lazy(path: str | os.PathLike, *, energy_unit: str | None = None) -> LazyEELSData:
    """Open a spectrum image without reading its counts: rosettasciio's ``lazy=True`` (dask arrays).

    For images larger than memory: :func:`~kapitza.analysis.eels.stream.stream_temperature_map` then reads a
    chunk of rows at a time.  Formats: those read through rosettasciio (``.dm3`` ``.dm4`` ``.emd`` ``.hspy``);
    the others are refused (read them with :func:`read_eels`).  Energy in meV and positions in nm as
    :func:`read_eels` makes them; Poisson variances (variance = counts) unless the file stores its own.

    Raises
    ------
    InputError
        Unsupported suffix, a corrupt file, not a spectrum image (2 navigation axes).
    MissingDependencyError
        rosettasciio (the ``eels`` extra) is not installed.
    """
    _check_energy_unit(energy_unit)
    p, suffix = _file_checks(path)
    # the suffixes of stream.LAZY_SUFFIXES
    plugins = {".dm3": "digitalmicrograph", ".dm4": "digitalmicrograph", ".emd": "emd", ".hspy": "hspy"}
    if suffix not in plugins:
        raise InputError(
            f"{p.name}: lazy reading is for {', '.join(plugins)} files (through rosettasciio); read {suffix} files "
            "with read_eels"
        )
    optional_module("dask.array", "eels", "reading spectrum images lazily")  # rosettasciio's lazy arrays
    return _read_rsciio(p, suffix, plugins[suffix], energy_unit, lazy=True)


def _nion_properties(props: Any) -> dict[str, Any]:
    if isinstance(props, dict) and "dimensional_calibrations" not in props:
        for key in ("data_item", "properties"):
            if isinstance(props.get(key), dict) and "dimensional_calibrations" in props[key]:
                return props[key]
    if not isinstance(props, dict):
        raise ValueError("the properties are not a JSON object")
    return props


def _from_nion(path: Path, fmt: str, data: np.ndarray, props: dict[str, Any], energy_unit: str | None) -> EELSData:
    props = _nion_properties(props)
    cals = props.get("dimensional_calibrations")
    if not isinstance(cals, list) or len(cals) != data.ndim or not all(isinstance(c, dict) for c in cals):
        raise InputError(
            f"{path.name}: the {fmt} file's dimensional_calibrations do not describe its {data.ndim}-D data"
        )
    datum = props.get("datum_dimension_count", 1)
    if datum != 1:
        raise InputError(f"{path.name}: the {fmt} data are {datum}-D per probe position (an image), not spectra")
    axes = [
        {
            "name": ("y", "x")[-(data.ndim - 1) :][i] if i < data.ndim - 1 else "energy",
            "units": c.get("units", ""),
            "offset": c.get("offset", 0.0),
            "scale": c.get("scale", 1.0),
        }
        for i, c in enumerate(cals)
    ]
    meta: dict[str, Any] = {"format": fmt}
    title = _plain(props.get("title"))
    if title:
        meta["title"] = title
    hw = _get(props, "metadata", "hardware_source")
    if isinstance(hw, Mapping):
        for key, name in (("high_tension", "beam_energy_kev"), ("exposure", "exposure_s")):
            value = _plain(hw.get(key))
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                meta[name] = value / 1000.0 if key == "high_tension" else value
    return _build(path, fmt, data, axes, data.ndim - 1, energy_unit=energy_unit, metadata=meta)


def _ndata_cap(path: Path, info: zipfile.ZipInfo, file_size: int) -> int:
    """Bytes data.npy may inflate to; InputError (before inflating anything) when its declared size is too big."""
    declared = int(info.file_size)
    bound = min(_MAX_NDATA_MEMBER_BYTES, max(64 * 2**20, _MAX_NDATA_RATIO * file_size))
    if declared > bound:
        raise InputError(
            f"{path.name}: data.npy declares {declared:,} bytes uncompressed in a {file_size:,}-byte file; refused "
            f"before inflating (at most {bound:,} bytes: 4 GiB, and {_MAX_NDATA_RATIO}x the file size above 64 MiB)"
        )
    return declared


def _read_member(path: Path, zf: zipfile.ZipFile, name: str, cap: int) -> bytes:
    """A zip member read in chunks, refused as soon as it inflates beyond ``cap`` bytes (declared sizes can lie)."""
    chunks = []
    total = 0
    with zf.open(name) as fh:
        while True:
            block = fh.read(min(2**20, cap + 1 - total))
            if not block:
                break
            total += len(block)
            if total > cap:
                raise InputError(
                    f"{path.name}: {name} inflates beyond its declared {cap:,} bytes; refused (corrupt or a zip bomb)"
                )
            chunks.append(block)
    return b"".join(chunks)


def _read_ndata(path: Path, energy_unit: str | None) -> EELSData:
    fmt = "Nion ndata"
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "data.npy" not in names or "metadata.json" not in names:
                raise InputError(f"{path.name}: not a Nion ndata file (no data.npy and metadata.json inside)")
            if zf.getinfo("metadata.json").file_size > _MAX_JSON_BYTES:
                raise InputError(f"{path.name}: metadata.json is larger than 64 MB")
            size = path.stat().st_size
            cap = _ndata_cap(path, zf.getinfo("data.npy"), size)
            props = json.loads(_read_member(path, zf, "metadata.json", _MAX_JSON_BYTES).decode("utf-8"))
            data = np.load(io.BytesIO(_read_member(path, zf, "data.npy", cap)), allow_pickle=False)
    except InputError:
        raise
    except Exception as exc:
        raise _corrupt(path, fmt, exc) from None
    try:
        props = _nion_properties(props)
    except ValueError as exc:
        raise _corrupt(path, fmt, exc) from None
    return _from_nion(path, fmt, data, props, energy_unit)


def _read_h5(path: Path, suffix: str, energy_unit: str | None) -> EELSData:
    """Nion Swift HDF5 (``data`` + JSON ``properties``) or else HyperSpy HDF5."""
    h5py = optional_module("h5py", "eels", "reading HDF5 files")
    try:
        with h5py.File(path, "r") as f:
            ds = f.get("data")
            if isinstance(ds, h5py.Dataset) and "properties" in ds.attrs:
                raw = ds.attrs["properties"]
                props = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else str(raw))
                data = np.asarray(ds[()])
            else:
                props = None
                data = None
    except Exception as exc:
        raise _corrupt(path, "HDF5", exc) from None
    if props is None:
        return _read_rsciio(path, suffix, "hspy", energy_unit)
    try:
        props = _nion_properties(props)
    except ValueError as exc:
        raise _corrupt(path, "Nion HDF5", exc) from None
    return _from_nion(path, "Nion HDF5", data, props, energy_unit)


_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(nan|inf)$", re.IGNORECASE)


def _split(line: str) -> list[str]:
    if "," in line:
        parts = line.split(",")
    elif ";" in line:
        parts = line.split(";")
    else:
        parts = line.split()
    parts = [p.strip() for p in parts]
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def _header_unit(field: str) -> str | None:
    for token in re.split(r"[^A-Za-z]+", field):
        if token.lower() in ("mev", "ev", "kev") and token != "MeV":
            return token
    return None


def _read_csv(path: Path, suffix: str, energy_unit: str | None) -> EELSData:
    fmt = _FORMAT_NAMES[suffix]
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path.name}: not a readable {fmt} file (not UTF-8 text)") from None
    except OSError as exc:
        raise InputError(f"{path.name}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    rows: list[list[float]] = []
    header: list[str] | None = None
    width = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = _split(stripped)
        if not all(_NUMBER.match(f) for f in fields):
            if rows or header is not None:
                raise InputError(f"{path.name}: line {number} is not numbers: {excerpt(path, stripped)}")
            header = fields
            continue
        if width is None:
            width = len(fields)
            if width < 2:
                raise InputError(f"{path.name}: line {number} has 1 column; expected energy (meV) and counts columns")
        elif len(fields) != width:
            raise InputError(f"{path.name}: line {number} has {len(fields)} columns, the first data line {width}")
        rows.append([float(f) for f in fields])
    if not rows:
        raise InputError(f"{path.name}: no data lines (expected energy (meV) and counts columns)")
    table = np.asarray(rows, dtype=float)
    unit = energy_unit
    words = []
    if unit is None and header:
        unit = _header_unit(header[0])
        if unit is not None:
            words.append(f"energy unit {unit} from the header")
    if unit is None:
        unit = "meV"
    counts = table[:, 1:].T
    if counts.shape[0] == 1:
        counts = counts[0]
    axes: list[dict[str, Any]] = [{"name": "energy", "units": unit, "offset": 0.0, "scale": 1.0, "axis": table[:, 0]}]
    if counts.ndim == 2:
        axes.insert(0, {"name": "column", "units": ""})
    data = _build(path, fmt, counts, axes, counts.ndim - 1, energy_unit=unit, metadata={"format": fmt}, steps=())
    if words:
        data = _with_steps(data, (*data.steps[:-1], data.steps[-1] + "; " + "; ".join(words)))
    return data


def _read_npz(path: Path, energy_unit: str | None) -> EELSData:
    if energy_unit is not None and energy_unit.strip().lower() != "mev":
        raise InputError(f"{path.name}: energy_unit={energy_unit!r} does not apply to .npz (energy_mev is in meV)")
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except Exception as exc:
        raise _corrupt(path, "npz", exc) from None
    missing = [k for k in ("energy_mev", "counts") if k not in arrays]
    if missing:
        raise InputError(
            f"{path.name}: the .npz file lacks {' and '.join(missing)} (needs energy_mev and counts; "
            f"has {', '.join(sorted(arrays)) or 'nothing'})"
        )
    for key, value in arrays.items():
        if key in ("energy_mev", "counts", "variance") or key.startswith("positions_nm"):
            if value.dtype.kind not in "biuf":
                raise InputError(f"{path.name}: {key} is of type {value.dtype}, not real numbers")
    counts = arrays["counts"]
    nav = counts.shape[:-1] if counts.ndim else ()
    positions: tuple[np.ndarray, ...] | None = None
    if "positions_nm" in arrays:
        positions = (arrays["positions_nm"].reshape(-1),) if len(nav) == 1 else None
        if len(nav) != 1:
            raise InputError(
                f"{path.name}: positions_nm is for a line scan; the counts have navigation shape {nav} "
                "(use positions_nm_0, positions_nm_1 for an image)"
            )
    elif any(f"positions_nm_{i}" in arrays for i in range(len(nav))):
        try:
            positions = tuple(arrays[f"positions_nm_{i}"].reshape(-1) for i in range(len(nav)))
        except KeyError as exc:
            raise InputError(f"{path.name}: missing {exc.args[0]} for navigation shape {nav}") from None
    names: tuple[str, ...] = ()
    if "nav_names" in arrays and arrays["nav_names"].dtype.kind == "U":
        names = tuple(str(s) for s in arrays["nav_names"].reshape(-1))
    steps: tuple[str, ...] = ()
    if "steps" in arrays and arrays["steps"].dtype.kind == "U":
        steps = tuple(str(s) for s in arrays["steps"].reshape(-1))
    meta: dict[str, Any] = {}
    if "metadata_json" in arrays and arrays["metadata_json"].dtype.kind == "U":
        try:
            stored = json.loads(str(arrays["metadata_json"]))
        except ValueError:
            stored = None
        if isinstance(stored, dict):
            meta = {str(k): v for k, v in ((k, _plain(v)) for k, v in stored.items()) if v is not None}
    meta["format"] = "npz"
    meta["file"] = path.name
    source = str(arrays["source"]) if "source" in arrays and arrays["source"].dtype.kind == "U" else path.name
    for key in ("counts", "variance"):
        if key in arrays and arrays[key].base is None:
            arrays[key].setflags(write=False)  # read from the file, ours: locked, so the result need not copy them
    try:
        data = eels_data(
            arrays["energy_mev"],
            counts,
            positions,
            variance=arrays.get("variance"),
            nav_names=names,
            source=source,
            metadata=meta,
        )
    except InputError as exc:
        raise InputError(f"{path.name}: {exc}") from None
    return _with_steps(data, (*steps, f"read {path.name} (npz)"))


def read_eels(path: str | os.PathLike, *, energy_unit: str | None = None) -> EELSData:
    """Read a vibrational EEL spectrum, line scan or spectrum image into :class:`EELSData`.

    Parameters
    ----------
    path : path-like
        The file; its suffix picks the format (:data:`SUPPORTED_SUFFIXES`, described in the module docstring).
    energy_unit : {"eV", "meV", "keV"} or None
        Unit of the file's energy axis, overriding what the file says (needed when it says nothing or
        something else).  For CSV/text files the default is meV (or a unit named in the header).

    Returns
    -------
    EELSData
        Energy axis in meV (loss > 0), counts nav_shape + (n_channels,), Poisson variances unless the file
        stores its own, probe positions in nm; ``steps`` starts with what the reading did.

    Raises
    ------
    InputError
        Unsupported suffix, missing or corrupt file, unknown energy unit, an image (2-D signal) instead of
        spectra, more than two navigation axes, negative counts, mismatched axes.
    MissingDependencyError
        rosettasciio (the ``eels`` extra) is needed for DM3/DM4/EMD/MSA/HSPY and not installed.
    """
    _check_energy_unit(energy_unit)
    p, suffix = _file_checks(path)
    if suffix in (".dm3", ".dm4"):
        return _read_rsciio(p, suffix, "digitalmicrograph", energy_unit)
    if suffix == ".emd":
        return _read_rsciio(p, suffix, "emd", energy_unit)
    if suffix in (".msa", ".ems"):
        return _read_rsciio(p, suffix, "msa", energy_unit)
    if suffix == ".hspy":
        return _read_rsciio(p, suffix, "hspy", energy_unit)
    if suffix in (".hdf5", ".h5"):
        return _read_h5(p, suffix, energy_unit)
    if suffix == ".ndata":
        return _read_ndata(p, energy_unit)
    if suffix in (".csv", ".txt"):
        return _read_csv(p, suffix, energy_unit)
    return _read_npz(p, energy_unit)


# --------------------------------------------------------------------------------------------- writers


def _uniform(values: np.ndarray) -> tuple[float, float] | None:
    """(offset, scale) when ``values`` are evenly spaced (to 1e-9 of a step), else None."""
    if values.size == 1:
        return float(values[0]), 1.0
    steps = np.diff(values)
    scale = float((values[-1] - values[0]) / (values.size - 1))
    if scale != 0 and np.all(np.abs(steps - scale) <= 1e-9 * abs(scale)):
        return float(values[0]), scale
    return None


def _axis_dict(name: str, units: str, values: np.ndarray, navigate: bool) -> dict[str, Any]:
    u = _uniform(values)
    axis: dict[str, Any] = {"name": name, "units": units, "size": int(values.size), "navigate": navigate}
    if u is None:
        axis["axis"] = np.asarray(values, dtype=float)
    else:
        axis["offset"], axis["scale"] = u
    return axis


def _signal_dict(data: EELSData, *, with_kapitza: bool = True) -> dict[str, Any]:
    axes = [_axis_dict(name, "nm", pos, True) for name, pos in zip(data.nav_names, data.positions_nm)]
    axes.append(_axis_dict("Energy loss", "eV", data.energy_mev / 1000.0, False))
    md: dict[str, Any] = {
        "General": {"title": str(data.source)},
        "Signal": {"signal_type": "EELS", "quantity": "Electrons (Counts)"},
    }
    meta = data.metadata
    beam = meta.get("beam_energy_kev") if isinstance(meta, Mapping) else None
    if isinstance(beam, (int, float)) and not isinstance(beam, bool):
        md["Acquisition_instrument"] = {"TEM": {"beam_energy": float(beam)}}
    if with_kapitza:
        md["Kapitza"] = {
            "variance": np.asarray(data.variance, dtype=float),
            "steps": list(data.steps) if data.steps else [],
            "source": str(data.source),
            "metadata_json": json.dumps(to_jsonable(dict(meta)) if isinstance(meta, Mapping) else {}),
        }
    return {
        "data": np.asarray(data.counts, dtype=float),
        "axes": axes,
        "metadata": md,
        "original_metadata": {},
        "attributes": {"_lazy": False},
        "tmp_parameters": {},
        "package_info": {"package": "kapitza", "package_version": _version()},
        "learning_results": {},
        "models": {},
    }


def _version() -> str:
    from ..._version import __version__

    return str(__version__)


def _single(data: EELSData, fmt: str) -> None:
    if data.nav_shape:
        raise InputError(
            f"a {fmt} file holds one spectrum; these data have navigation shape {data.nav_shape} "
            "(write .hspy or .npz, or sum them first)"
        )


def _write_hspy(target: Path, data: EELSData) -> Path:
    file_writer = optional_module("rsciio.hspy", "eels", "writing .hspy files", "rosettasciio").file_writer
    signal = _signal_dict(data)
    return atomic_write(target, lambda p: file_writer(str(p), signal, show_progressbar=False))


def _write_msa(target: Path, data: EELSData) -> Path:
    _single(data, "MSA")
    if _uniform(data.energy_mev) is None:
        raise InputError("an MSA file needs an evenly spaced energy axis; these data have uneven channels")
    file_writer = optional_module("rsciio.msa", "eels", "writing .msa files", "rosettasciio").file_writer
    signal = _signal_dict(data, with_kapitza=False)
    return atomic_write(target, lambda p: file_writer(str(p), signal))


def _write_csv(target: Path, data: EELSData) -> Path:
    _single(data, "CSV")
    lines = ["energy_meV,counts"]
    lines += [f"{float(e)!r},{float(c)!r}" for e, c in zip(data.energy_mev, data.counts)]
    text = "\n".join(lines) + "\n"
    return atomic_write(target, lambda p: p.write_text(text, encoding="utf-8"))


def _write_npz(target: Path, data: EELSData) -> Path:
    arrays: dict[str, np.ndarray] = {
        "energy_mev": np.asarray(data.energy_mev, dtype=float),
        "counts": np.asarray(data.counts, dtype=float),
        "variance": np.asarray(data.variance, dtype=float),
        "nav_names": np.asarray(list(data.nav_names), dtype=str),
        "steps": np.asarray(list(data.steps), dtype=str),
        "source": np.asarray(str(data.source)),
        "metadata_json": np.asarray(
            json.dumps(to_jsonable(dict(data.metadata)) if isinstance(data.metadata, Mapping) else {})
        ),
    }
    if len(data.positions_nm) == 1:
        arrays["positions_nm"] = np.asarray(data.positions_nm[0], dtype=float)
    else:
        for i, pos in enumerate(data.positions_nm):
            arrays[f"positions_nm_{i}"] = np.asarray(pos, dtype=float)

    def write(p: Path) -> None:
        with open(p, "wb") as fh:
            np.savez(fh, **arrays)

    return atomic_write(target, write)


def write_eels(path: str | os.PathLike, data: EELSData) -> Path:
    """Write ``data`` to ``path`` atomically; the suffix picks the format.

    Parameters
    ----------
    path : path-like
        ``.hspy`` (HyperSpy HDF5 through rosettasciio: an EELS signal with named axes, energy in eV and
        positions in nm as hyperspy expects, plus the variances, steps and metadata under
        ``metadata.Kapitza``), ``.msa`` (one spectrum, energy in eV), ``.csv`` (one spectrum: a header
        line then ``energy_meV,counts``) or ``.npz`` (every array, the variances included; see the module
        docstring).  MSA and CSV keep no variances: reading them back gives Poisson variances.
    data : EELSData
        The spectra.

    Returns
    -------
    Path
        The written file.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in WRITE_SUFFIXES:
        raise InputError(
            f"{target.name}: cannot write {suffix or '(no suffix)'!r} files; write one of {', '.join(WRITE_SUFFIXES)}"
        )
    if not isinstance(data, EELSData):
        raise InputError(f"write_eels needs EELSData (got {type(data).__name__})")
    check_writable(target)
    if suffix == ".hspy":
        return _write_hspy(target, data)
    if suffix == ".msa":
        return _write_msa(target, data)
    if suffix == ".csv":
        return _write_csv(target, data)
    return _write_npz(target, data)
