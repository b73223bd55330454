"""The results of temperature profiles and maps: :class:`EELSProfile` (a line scan) and :class:`TemperatureMap`.

Below :mod:`.joint` and :mod:`.profile`, which both build them (so neither imports the other for them).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from ...errors import InputError
from ...io.results import result


def _array(x: Any, name: str) -> NDArray[np.float64]:
    try:
        a = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be numbers") from None
    return a


@result
class EELSProfile:
    """A temperature profile along one probe direction.

    Attributes
    ----------
    positions_nm : ndarray, shape (n,)
        Probe positions in nm (finite).
    temperature : ndarray, shape (n,)
        Temperature in K (meaningless where ``valid`` is False).
    temperature_err : ndarray, shape (n,)
        Standard error of the temperature in K.
    valid : ndarray of bool, shape (n,)
        False where no temperature could be measured; default: where the temperature and its error
        are finite and the error is > 0.
    window_mev : tuple of float
        The energy window (lo, hi) of the temperature fit, meV (``|E|``).
    source : str
        Where the data came from.
    steps : tuple of str
        Processing applied to the data, oldest first.
    chi2_reduced : ndarray, shape (n), or None
        chi2 / dof of each position's temperature fit, when the fit reports one (the joint fit does).
    adequate : ndarray of bool, shape (n), or None
        The fit's adequacy verdict per position (False: its error was inflated by sqrt(chi2_reduced)).
    """

    positions_nm: NDArray[np.float64]
    temperature: NDArray[np.float64]
    temperature_err: NDArray[np.float64]
    valid: Any = None
    window_mev: tuple[float, float] = (float("nan"), float("nan"))
    source: str = "array"
    steps: tuple[str, ...] = ()
    chi2_reduced: Any = None
    adequate: Any = None

    _summary_fields: ClassVar[tuple[str, ...]] = ("positions_nm", "temperature", "window_mev", "source")

    def __post_init__(self) -> None:
        x = _array(self.positions_nm, "positions_nm")
        t = _array(self.temperature, "temperature")
        e = _array(self.temperature_err, "temperature_err")
        if x.ndim != 1 or x.size == 0:
            raise InputError(f"positions_nm must be a non-empty 1-D array (got shape {x.shape})")
        if t.shape != x.shape or e.shape != x.shape:
            raise InputError(
                f"mismatched profile: {x.size} positions, temperature of shape {t.shape}, "
                f"temperature_err of shape {e.shape}"
            )
        if not np.all(np.isfinite(x)):
            raise InputError("positions_nm must be finite")
        ok = np.isfinite(t) & np.isfinite(e) & (e > 0)
        if self.valid is None:
            v = ok
        else:
            v = np.asarray(self.valid, dtype=bool)
            if v.shape != x.shape:
                raise InputError(f"valid has shape {v.shape}, the profile {x.shape}")
            if np.any(v & ~ok):
                raise InputError(
                    "a point marked valid has a non-finite temperature or an error <= 0 "
                    f"(position {float(x[np.argmax(v & ~ok)]):g} nm)"
                )
        object.__setattr__(self, "positions_nm", x)
        object.__setattr__(self, "temperature", t)
        object.__setattr__(self, "temperature_err", e)
        object.__setattr__(self, "valid", v)
        object.__setattr__(self, "window_mev", tuple(float(w) for w in self.window_mev))
        for name, kind in (("chi2_reduced", float), ("adequate", bool)):
            value = getattr(self, name)
            if value is not None:
                arr = np.asarray(value, dtype=kind)
                if arr.shape != x.shape:
                    raise InputError(f"{name} has shape {arr.shape}, the profile {x.shape}")
                object.__setattr__(self, name, arr)

    @property
    def n_valid(self) -> int:
        """Number of positions with a temperature (``valid`` True)."""
        return int(np.count_nonzero(self.valid))

    @property
    def n_inadequate(self) -> int | None:
        """Number of valid positions whose fit was called inadequate (None when the fit gives no verdict)."""
        if self.adequate is None:
            return None
        return int(np.count_nonzero(self.valid & ~self.adequate))

    @property
    def median_chi2_reduced(self) -> float | None:
        """Median of ``chi2_reduced`` over the positions where it is not NaN (dimensionless).

        None when the fit reports no chi2; NaN when every position's chi2 is NaN.
        """
        if self.chi2_reduced is None:
            return None
        finite = self.chi2_reduced[~np.isnan(self.chi2_reduced)]
        return float(np.median(finite)) if finite.size else float("nan")


@result
class TemperatureMap:
    """A temperature map over a spectrum image.

    Attributes
    ----------
    positions_nm : tuple of ndarray
        Probe positions in nm, one array per navigation axis (rows first).
    nav_names : tuple of str
        Names of the navigation axes, e.g. ("y", "x").
    temperature, temperature_err : ndarray, shape (ny, nx)
        Temperature and its standard error, K (meaningless where ``valid`` is False).
    valid : ndarray of bool, shape (ny, nx)
        False where no temperature could be measured.
    window_mev : tuple of float
        Energy window (lo, hi) of the fit, meV (NaN, NaN: the automatic window, chosen per spectrum).
    source : str
    steps : tuple of str
    chi2_reduced : ndarray (ny, nx) or None
        chi2 / dof of each pixel's fit (the joint fit reports it; NaN where not valid).
    adequate : ndarray of bool (ny, nx) or None
        The fit's verdict per pixel (False: its error was inflated by sqrt(chi2_reduced)).
    reasons : mapping or None
        Why pixels have no temperature: a plain-words reason -> number of pixels.
    """

    positions_nm: tuple[NDArray[np.float64], ...]
    nav_names: tuple[str, ...]
    temperature: NDArray[np.float64]
    temperature_err: NDArray[np.float64]
    valid: NDArray[np.bool_]
    window_mev: tuple[float, float]
    source: str = "array"
    steps: tuple[str, ...] = ()
    chi2_reduced: Any = None
    adequate: Any = None
    reasons: Any = None

    _summary_fields: ClassVar[tuple[str, ...]] = ("temperature", "window_mev", "source")

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.temperature.shape)

    @property
    def n_valid(self) -> int:
        """Number of pixels with a temperature (``valid`` True)."""
        return int(np.count_nonzero(self.valid))

    @property
    def n_inadequate(self) -> int | None:
        """Number of valid pixels whose fit was called inadequate (None when the fit gives no verdict)."""
        if self.adequate is None:
            return None
        return int(np.count_nonzero(np.asarray(self.valid) & ~np.asarray(self.adequate, dtype=bool)))

    def valid_summary(self) -> tuple[float, float, float, float]:
        """``(T_min, T_max, T_median, error_median)`` over the valid pixels, all in K.

        The median is numpy's (the mean of the two middle values for an even count); all four are NaN when no
        pixel is valid.
        """
        ok = np.asarray(self.valid, dtype=bool)
        if not ok.any():
            return (float("nan"),) * 4
        t = np.asarray(self.temperature, dtype=float)[ok]
        e = np.asarray(self.temperature_err, dtype=float)[ok]
        return float(t.min()), float(t.max()), float(np.median(t)), float(np.median(e))


__all__ = ["EELSProfile", "TemperatureMap"]
