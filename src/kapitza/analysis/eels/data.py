"""EELSData: vibrational EEL spectra on a signed energy axis, with their variances and probe positions.

Conventions (every module of :mod:`kapitza.analysis.eels` keeps them):

- ``energy_mev``, shape (n_channels,), strictly increasing, in meV: energy **loss** positive (phonon
  creation), energy **gain** negative (phonon annihilation).  Raw data keep the file's axis; after
  :func:`~kapitza.analysis.eels.preprocess.centre_zlp` the zero-loss peak sits at 0 and the channels lie
  on integer multiples of the channel width, so the gain channel mirroring a loss channel is exact
  (``energy_mev[::-1] == -energy_mev`` on the symmetric part).
- ``counts``, shape nav_shape + (n_channels,), float64: electrons per channel.  nav_shape is () for one
  spectrum, (n,) for a line scan, (ny, nx) for a spectrum image.
- ``variance``, same shape: the variance of every count, carried through every step (Poisson, plus
  detector gain and read noise when given, see :func:`eels_data`).
- ``positions_nm``: one array per navigation axis (lengths nav_shape), probe positions in nm;
  ``nav_names`` their names ("x" for a line scan; ("y", "x") for an image, rows first).
- ``steps``: what was done to the data, in plain words, oldest first (shown in every result).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ...errors import InputError
from ...io.results import freeze_value, result


@result
class EELSData:
    """Vibrational EELS counts (see the module docstring for the conventions).

    Attributes
    ----------
    energy_mev : ndarray, shape (channels,)
        Signed energy axis in meV (loss > 0, gain < 0), strictly increasing.
    counts : ndarray, shape nav_shape + (channels,)
        Counts (electrons) per channel.
    variance : ndarray, shape of ``counts``
        Variance of each count.
    positions_nm : tuple of ndarray
        Probe positions in nm, one array per navigation axis.
    nav_names : tuple of str
        Names of the navigation axes.
    source : str
        Where the data came from (a file name, "simulated", "array").
    steps : tuple of str
        Processing applied so far, oldest first.
    metadata : mapping
        Plain facts read from the file (beam energy, dispersion, ...); never code.
    background : Background or None
        The ZLP-tail fit subtracted from these counts (set by ``preprocess.subtract_background``, cleared by
        any later step that changes the grid), so a temperature fit can propagate the background fit's
        correlated uncertainty; None otherwise.
    """

    energy_mev: NDArray[np.float64]
    counts: NDArray[np.float64]
    variance: NDArray[np.float64]
    positions_nm: tuple[NDArray[np.float64], ...] = ()
    nav_names: tuple[str, ...] = ()
    source: str = "array"
    steps: tuple[str, ...] = ()
    metadata: Any = dataclasses.field(default_factory=dict)
    background: Any = None

    _summary_fields: ClassVar[tuple[str, ...]] = ("nav_shape", "n_channels", "source")

    def __post_init__(self) -> None:
        e = np.asarray(self.energy_mev, dtype=float)
        c = np.asarray(self.counts, dtype=float)
        v = np.asarray(self.variance, dtype=float)
        if e.ndim != 1 or e.size < 3:
            raise InputError(f"the energy axis must be 1-D with at least 3 channels (got shape {e.shape})")
        if not np.all(np.isfinite(e)) or np.any(np.diff(e) <= 0):
            raise InputError("the energy axis must be finite and strictly increasing")
        if c.ndim < 1 or c.shape[-1] != e.size:
            raise InputError(
                f"mismatched axes: the spectra have {c.shape[-1] if c.ndim else 0} channels "
                f"but the energy axis has {e.size}"
            )
        if v.shape != c.shape:
            raise InputError(f"the variance has shape {v.shape} but the counts have shape {c.shape}")
        if not np.all(np.isfinite(c)):
            raise InputError("the counts contain NaN or infinite values")
        if not np.all(np.isfinite(v)) or np.any(v < 0):
            raise InputError("the variances must be finite and >= 0")
        nav = c.shape[:-1]
        pos = tuple(np.asarray(p, dtype=float) for p in self.positions_nm)
        if not pos and nav:
            pos = tuple(np.arange(n, dtype=float) for n in nav)
        if len(pos) != len(nav) or any(p.shape != (n,) for p, n in zip(pos, nav)):
            raise InputError(
                f"mismatched axes: the data have navigation shape {nav} but positions of lengths "
                f"{tuple(p.size for p in pos)}"
            )
        if any(not np.all(np.isfinite(p)) for p in pos):
            raise InputError("probe positions must be finite")
        names = tuple(self.nav_names) or (("x",) if len(nav) == 1 else ("y", "x")[: len(nav)])
        if len(names) != len(nav):
            raise InputError(f"{len(names)} navigation axis names for {len(nav)} navigation axes")
        object.__setattr__(self, "energy_mev", e)
        object.__setattr__(self, "counts", c)
        object.__setattr__(self, "variance", v)
        object.__setattr__(self, "positions_nm", pos)
        object.__setattr__(self, "nav_names", names)

    @property
    def nav_shape(self) -> tuple[int, ...]:
        """Shape of the probe grid: () for one spectrum, (n,) for a line scan, (ny, nx) for an image."""
        return tuple(self.counts.shape[:-1])

    @property
    def n_channels(self) -> int:
        return int(self.energy_mev.size)

    @property
    def channel_width_mev(self) -> float:
        """Median channel width in meV."""
        return float(np.median(np.diff(self.energy_mev)))

    def replace(self, step: str, **changes: Any) -> EELSData:
        """A copy with ``changes`` applied and ``step`` appended to :attr:`steps`.

        The subtracted background travels only when passed again (``background=``): any other step changes
        the counts or the grid it was fitted on.
        """
        changes.setdefault("background", None)
        return dataclasses.replace(self, steps=(*self.steps, step), **changes)


@dataclasses.dataclass(frozen=True, repr=False)
class LazyEELSData:
    """A spectrum image read lazily: counts in any array sliceable along the first navigation axis.

    The conventions of :class:`EELSData` (energy in meV, loss > 0; counts nav_shape + (n_channels,); positions
    in nm), but ``counts`` (and ``variance``) are not loaded: a dask array (``read.read_eels_lazy``), an
    ``np.memmap`` or an h5py dataset, read a chunk of rows at a time by
    :func:`~kapitza.analysis.eels.stream.stream_temperature_map`, which checks each chunk (finite, counts >= 0,
    variances >= 0) as :func:`eels_data` checks a whole image.

    Attributes
    ----------
    energy_mev : ndarray, shape (channels,)
        Signed energy axis in meV, strictly increasing.
    counts : array-like, shape (ny, nx, channels)
        Raw counts (any real dtype; converted to float64 per chunk).
    variance : array-like of the same shape, or None
        Variances; None: ``detector_gain * counts + read_noise**2`` per chunk (the noise model of
        :func:`eels_data`, from ``metadata``, default 1 and 0).
    positions_nm, nav_names, source, steps, metadata
        As in :class:`EELSData`.
    """

    energy_mev: NDArray[np.float64]
    counts: Any
    variance: Any = None
    positions_nm: tuple[NDArray[np.float64], ...] = ()
    nav_names: tuple[str, ...] = ()
    source: str = "array"
    steps: tuple[str, ...] = ()
    metadata: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        e = np.asarray(self.energy_mev, dtype=float)
        if e.ndim != 1 or e.size < 3 or not np.all(np.isfinite(e)) or np.any(np.diff(e) <= 0):
            raise InputError("the energy axis must be 1-D, finite, strictly increasing, with at least 3 channels")
        shape = tuple(int(n) for n in getattr(self.counts, "shape", ()))
        if len(shape) != 3 or shape[-1] != e.size:
            raise InputError(
                f"a lazily read spectrum image needs counts of shape (ny, nx, {e.size}) (got {shape}); line scans "
                "and single spectra are read whole"
            )
        if getattr(self.counts, "dtype", np.dtype(float)).kind not in "biuf":
            raise InputError(f"the counts are of type {self.counts.dtype}, not real numbers")
        if self.variance is not None and tuple(getattr(self.variance, "shape", ())) != shape:
            raise InputError(f"the variance has shape {getattr(self.variance, 'shape', None)}, the counts {shape}")
        pos = tuple(np.asarray(p, dtype=float) for p in self.positions_nm) or tuple(
            np.arange(n, dtype=float) for n in shape[:2]
        )
        if len(pos) != 2 or any(p.shape != (n,) for p, n in zip(pos, shape[:2])):
            raise InputError(f"positions of lengths {tuple(p.size for p in pos)} for navigation shape {shape[:2]}")
        # arrays read-only as in every result: the axes copied (small), numpy counts and variances as read-only
        # views (no copy of an image); other array types (dask, h5py) are not written through by kapitza
        object.__setattr__(self, "energy_mev", freeze_value(e))
        object.__setattr__(self, "positions_nm", freeze_value(pos))
        for name in ("counts", "variance"):
            value = getattr(self, name)
            if isinstance(value, np.ndarray) and value.flags.writeable:
                view = value.view()
                view.flags.writeable = False
                object.__setattr__(self, name, view)
        object.__setattr__(self, "nav_names", tuple(self.nav_names) or ("y", "x"))
        object.__setattr__(self, "metadata", MappingProxyType(dict(self.metadata)))

    @property
    def nav_shape(self) -> tuple[int, ...]:
        return tuple(int(n) for n in self.counts.shape[:-1])

    @property
    def n_channels(self) -> int:
        return int(self.energy_mev.size)

    @property
    def channel_width_mev(self) -> float:
        return float(np.median(np.diff(self.energy_mev)))

    @property
    def nbytes(self) -> int:
        """Bytes of the counts as float64 (what the whole-image chain holds for them)."""
        return int(np.prod(self.counts.shape)) * 8

    def __repr__(self) -> str:
        return f"LazyEELSData(nav_shape={self.nav_shape}, n_channels={self.n_channels}, source={self.source!r})"


def eels_data(
    energy_mev: ArrayLike,
    counts: ArrayLike,
    positions_nm: ArrayLike | tuple[ArrayLike, ...] | None = None,
    *,
    variance: ArrayLike | None = None,
    detector_gain: float = 1.0,
    read_noise: float = 0.0,
    nav_names: tuple[str, ...] = (),
    source: str = "array",
    metadata: Any = None,
) -> EELSData:
    """Raw counts -> :class:`EELSData`, refusing negative counts and building the variance.

    Parameters
    ----------
    energy_mev : array_like, shape (channels,)
        Signed energy axis in meV (loss > 0); it may be decreasing (it is then reversed with the data).
    counts : array_like, shape nav_shape + (channels,)
        Raw detector counts, >= 0.
    positions_nm : array_like (n,) for a line scan, or a tuple of arrays for an image; optional
        Probe positions in nm (default: 0, 1, 2, ... nm).
    variance : array_like, optional
        Given variances (same shape as ``counts``); default from the noise model below.
    detector_gain : float
        Detector counts per electron (>0).  Variance = detector_gain * counts + read_noise**2
        (Poisson electrons scaled to detector units plus Gaussian read noise).
    read_noise : float
        Read noise in counts (rms per channel), >= 0.
    """
    e = np.asarray(energy_mev, dtype=float)
    c = np.asarray(counts, dtype=float)
    check_noise_model(detector_gain, read_noise)
    if c.ndim < 1 or c.size == 0:
        raise InputError("no counts: the spectrum is empty")
    if not np.all(np.isfinite(c)):
        raise InputError("the counts contain NaN or infinite values")
    if np.any(c < 0):
        raise InputError(
            f"negative counts ({float(c.min()):g}): raw spectra must be >= 0; pass background-subtracted "
            "data with its variance to EELSData directly"
        )
    if e.ndim == 1 and e.size > 1 and e[0] > e[-1]:
        e = e[::-1]
        c = c[..., ::-1]
        if variance is not None:
            variance = np.asarray(variance, dtype=float)[..., ::-1]
    if variance is None:
        v = detector_gain * c
        v += read_noise**2
    else:
        v = np.asarray(variance, dtype=float)
    # arrays made here (not views of the caller's) are locked now, so that freezing the result does not copy them
    # again: reading an image whole then peaks at about 3 copies of it, not 6
    for arr, given in ((c, counts), (v, variance)):
        if arr.base is None and not (isinstance(given, np.ndarray) and np.may_share_memory(arr, given)):
            arr.setflags(write=False)
    if positions_nm is None:
        pos: tuple[Any, ...] = ()
    elif c.ndim == 2 and not isinstance(positions_nm, tuple):
        pos = (np.asarray(positions_nm, dtype=float),)
    else:
        pos = tuple(np.asarray(p, dtype=float) for p in positions_nm)  # type: ignore[union-attr]
    return EELSData(
        energy_mev=e,
        counts=c,
        variance=v,
        positions_nm=pos,
        nav_names=nav_names,
        source=source,
        metadata={**dict(metadata or {}), "detector_gain": float(detector_gain), "read_noise": float(read_noise)},
    )


def check_noise_model(detector_gain: float, read_noise: float) -> None:
    if not (np.isfinite(detector_gain) and detector_gain > 0):
        raise InputError(f"detector_gain must be > 0 (got {float(detector_gain):g})")
    if not (np.isfinite(read_noise) and read_noise >= 0):
        raise InputError(f"read_noise must be >= 0 (got {float(read_noise):g})")


def with_noise_model(data: EELSData, detector_gain: float, read_noise: float) -> EELSData:
    """Raw ``data`` with the variance rebuilt as detector_gain * counts + read_noise**2 and the model recorded
    in ``metadata`` (the temperature fit reads ``detector_gain`` there to split the Poisson part off)."""
    check_noise_model(detector_gain, read_noise)
    return data.replace(
        f"variance = {detector_gain:g} x counts + {read_noise:g}^2 (detector gain, read noise)",
        variance=detector_gain * np.clip(data.counts, 0, None) + read_noise**2,
        metadata={**dict(data.metadata), "detector_gain": float(detector_gain), "read_noise": float(read_noise)},
    )
