"""The arguments of a thermoreflectance fit (:func:`.least_squares.fit`, :func:`.posterior.sample_posterior`), each
checked by one function, in the order the messages come: the observable, the model's tolerance, the data points and
their errors, the fitted names and their bounds, the fitted range, and the fixed inputs whose errors are propagated."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ...errors import InputError
from . import model
from .sample import Sample

#: Most data points a fit takes (the data reader's MAX_DATA_ROWS, and the CLI grids' bound).
MAX_POINTS = 10_000
#: Largest |y / sigma| accepted: its square, summed over MAX_POINTS, stays far from overflow.
_MAX_WEIGHTED = 1e100
_DEFAULT_SPAN = 100.0  # default bounds p0 / 100 .. p0 * 100


def _array(values: ArrayLike, what: str) -> NDArray[np.float64]:
    try:
        a = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{what} must be a 1-D list of numbers") from None
    if a.ndim != 1 or a.size == 0:
        raise InputError(f"{what} must be a non-empty 1-D list of numbers, got shape {a.shape}")
    if not np.isfinite(a).all():
        raise InputError(f"{what} must be finite; got {float(a[~np.isfinite(a)][0]):g}")
    return a


def check_quantity(mode: str, quantity: str | None) -> str:
    """The fitted observable of ``mode`` (its first when None), after checking both names."""
    if mode not in model.OBSERVABLES:
        raise InputError(f"mode= must be one of {', '.join(model.OBSERVABLES)}, got {mode!r}")
    if quantity is None:
        quantity = model.OBSERVABLES[mode][0]
    if quantity not in model.OBSERVABLES[mode]:
        raise InputError(f"{mode} quantity= must be one of {', '.join(model.OBSERVABLES[mode])}, got {quantity!r}")
    return quantity


def check_rtol(rtol: Any) -> float:
    """The model's relative tolerance as a float in [1e-12, 0.1]."""
    try:
        value = float(rtol)
    except (TypeError, ValueError):
        raise InputError(f"rtol= must be a number, got {rtol!r}") from None
    if not (1e-12 <= value <= 0.1):
        raise InputError(f"rtol= must be between 1e-12 and 0.1, got {value:g}")
    return value


def check_points(
    sample: Sample, mode: str, x: ArrayLike, y: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """x (delays in s or frequencies in Hz) and y as float arrays of one length (at most MAX_POINTS).

    x > 0, and a TDTR delay shorter than the pulse period 1 / repetition_rate.
    """
    unit = "delays in s" if mode == "tdtr" else "frequencies in Hz"
    xs = _array(x, f"x= ({unit})")
    ys = _array(y, "y=")
    if xs.size != ys.size:
        raise InputError(f"x= and y= must have the same length, got {xs.size} and {ys.size}")
    if xs.size > MAX_POINTS:
        raise InputError(
            f"x= and y= have {xs.size} points; at most {MAX_POINTS} are fitted (a model evaluation costs "
            "~0.3 ms per TDTR delay and a fit needs tens to hundreds): average or decimate the data first"
        )
    if (xs <= 0).any():
        raise InputError(f"x= ({unit}) must be > 0, got {float(xs[xs <= 0][0]):g}")
    if mode == "tdtr" and xs.max() >= 1.0 / sample.laser.repetition_rate:
        raise InputError(
            f"delays must be shorter than the pulse period {1e9 / sample.laser.repetition_rate:g} ns, "
            f"got {xs.max() * 1e9:g} ns"
        )
    return xs, ys


def check_sigma(sigma: ArrayLike | None, ys: NDArray[np.float64]) -> tuple[NDArray[np.float64], str]:
    """Per-point errors of y (> 0; one number is broadcast) and their source.

    No sigma gives unit weights and the source "residuals" (the errors are then scaled by the residuals).
    """
    if sigma is None:
        return np.ones_like(ys), "residuals"
    sig = _array(np.atleast_1d(sigma), "sigma=")
    if sig.size == 1:
        sig = np.full_like(ys, float(sig[0]))
    if sig.size != ys.size:
        raise InputError(f"sigma= must be one number or one per point ({ys.size}), got {sig.size}")
    if (sig <= 0).any():
        raise InputError(f"sigma= must be > 0, got {float(sig[sig <= 0][0]):g}")
    return sig, "data"


def check_names(sample: Sample, names: Any) -> tuple[list[str], dict[str, str]]:
    """The fitted parameter names (a list or a comma-separated string) and which name sets each quantity.

    At least one name, none repeated, no two setting one underlying quantity, none infinite in the sample.
    """
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    names = sample.check_names(names, "fit parameter")
    if not names:
        raise InputError("names= must name at least one parameter to fit")
    if len(set(names)) != len(names):
        raise InputError(f"names= repeats a parameter: {', '.join(names)}")
    params = sample.parameters()
    fitted_by: dict[str, str] = {}
    for n in names:
        for atom in sample.quantities_of(n):
            if atom in fitted_by:
                raise InputError(f"{fitted_by[atom]} and {n} set the same quantity ({atom}); fit only one of them")
            fitted_by[atom] = n
        if not math.isfinite(params[n]):
            raise InputError(f"{n} is infinite in the sample and cannot be fitted")
    return names, fitted_by


def check_bounds(
    bounds: Mapping[str, Sequence[float]] | None, names: list[str], p0: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Lower and upper bounds (SI) of the fitted parameters: the user's, else p0 / 100 .. p0 * 100.

    A user's bounds name fitted parameters only, satisfy 0 < low < high < inf and contain the start value.
    """
    if bounds is None:
        bounds = {}
    if not isinstance(bounds, Mapping):
        raise InputError("bounds= must map parameter names to (low, high) in SI")
    extra = [b for b in bounds if b not in names]
    if extra:
        raise InputError(f"bounds= given for {', '.join(map(str, extra))}, which is not fitted ({', '.join(names)})")
    lo = p0 / _DEFAULT_SPAN
    hi = p0 * _DEFAULT_SPAN
    for i, n in enumerate(names):
        if n not in bounds:
            continue
        try:
            a, b = (float(v) for v in bounds[n])
        except (TypeError, ValueError):
            raise InputError(f"bounds= for {n} must be two numbers (low, high) in SI, got {bounds[n]!r}") from None
        if not (0 < a < b < math.inf):
            raise InputError(f"bounds= for {n} must satisfy 0 < low < high, got ({a:g}, {b:g})")
        if not (a <= p0[i] <= b):
            raise InputError(f"bounds= for {n} ({a:g}, {b:g}) do not contain the start value {p0[i]:g}")
        lo[i], hi[i] = a, b
    return lo, hi


def restrict(
    x_range: Sequence[float] | None,
    xs: NDArray[np.float64],
    ys: NDArray[np.float64],
    sig: NDArray[np.float64],
    n_free: int,
    scaled: bool,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """The points within x_range (SI, inclusive; all when None), checked to be enough and finite when weighted.

    Needs n_free + 1 points, and |y / sigma| <= _MAX_WEIGHTED so that chi^2 cannot overflow.
    """
    if x_range is not None:
        try:
            a, b = (float(v) for v in x_range)
        except (TypeError, ValueError):
            raise InputError(f"x_range= must be two numbers (low, high) in SI, got {x_range!r}") from None
        if not a < b:
            raise InputError(f"x_range= must have low < high, got ({a:g}, {b:g})")
        keep = (xs >= a) & (xs <= b)
        xs, ys, sig = xs[keep], ys[keep], sig[keep]
    if xs.size < n_free + 1:
        what = "x_range= leaves" if x_range is not None else "the data have"
        raise InputError(
            f"{what} {xs.size} points; fitting {n_free} parameter(s)"
            f"{' (with the scale)' if scaled else ''} needs at least {n_free + 1}"
        )
    big = np.flatnonzero(~(np.abs(ys / sig) <= _MAX_WEIGHTED))
    if big.size:
        i = int(big[0])
        raise InputError(
            f"y= point {i} (x = {xs[i]:g}) is {ys[i]:g} with sigma {sig[i]:g}: beyond {_MAX_WEIGHTED:g} sigma "
            "no value is a measurement (its chi^2 overflows)"
        )
    return xs, ys, sig


def fixed_errors(sample: Sample, fitted_atoms: set[str]) -> tuple[tuple[str, ...], NDArray[np.float64], list[str]]:
    """The fixed inputs whose errors are propagated, their errors (SI), and notes on the errors skipped.

    A zero error is skipped silently; the error of a fitted quantity is skipped with a note.
    """
    params = sample.parameters()
    fixed, fixed_sigma, notes = [], [], []
    for n, err in sample.errors.items():
        if err == 0:
            continue
        if sample.quantities_of(n) & fitted_atoms:
            notes.append(f"the error of {n} is not propagated: it is fitted")
            continue
        if not math.isfinite(params[n]):
            raise InputError(f"an error is given for {n}, which is infinite; remove it from the errors")
        fixed.append(n)
        fixed_sigma.append(err)
    return tuple(fixed), np.array(fixed_sigma, dtype=float), notes
