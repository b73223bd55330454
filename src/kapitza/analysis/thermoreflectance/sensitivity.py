r"""Sensitivity of a thermoreflectance signal to each parameter of the sample: what the data can determine.

The sensitivity of a measured quantity :math:`s(x)` (x: delay for TDTR, modulation frequency for FDTR) to a
parameter :math:`p` is the logarithmic derivative (Cahill, Rev. Sci. Instrum. 75, 5119 (2004), Eq. 21;
Schmidt, Cheaito & Chiesa, Rev. Sci. Instrum. 80, 094901 (2009))

.. math::  S_p(x) = \frac{\partial \ln |s(x)|}{\partial \ln p}
                  = \frac{1}{s(x)}\,\frac{\partial s(x)}{\partial \ln p}:

a 10 % change of :math:`p` changes the signal by :math:`S_p \times 10\,\%`.  For the FDTR phase, whose
natural error is an absolute one (degrees), Schmidt 2009 plots :math:`\partial \phi / \partial \ln p`
instead; :attr:`Sensitivity.absolute` holds :math:`\partial s / \partial \ln p` for every quantity (degrees
for the phase).  A parameter whose :math:`|S_p|` stays small over the measured range cannot be determined
from the data; two parameters whose :math:`S_p(x)` curves are proportional cannot be separated.

**Numerics.**  The derivative is the 4-point central stencil in :math:`\epsilon = \ln p`,

.. math::  \frac{\partial s}{\partial \epsilon} \approx
           \frac{s(-2h) - 8 s(-h) + 8 s(h) - s(2h)}{12 h},

whose truncation error is :math:`h^4 s^{(5)}/30` (about 1e-12 at the default :math:`h = 10^{-3}`).  The
rounding of the model, :math:`\delta`, enters as :math:`1.5\,\delta/h`: the FDTR quadrature is good to ~1e-12
(so S to ~1e-8), the TDTR pulse sum's truncation moves with the parameters (its number of terms follows the
transducer's diffusion time) by a few 1e-6 of the ratio, which leaves S good to about 1e-3 absolute.

**Cost.**  Four model evaluations per parameter (plus one): about 0.2-0.4 s each for TDTR (any number of
delays), 5-10 ms for FDTR at 50 frequencies.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ... import _checks
from ...errors import InputError
from ...io.results import result
from .model import OBSERVABLES, RTOL_RANGE, observable
from .sample import Sample

#: The quantity a sensitivity uses when none is named, by mode.
DEFAULT_QUANTITY = {"tdtr": "ratio", "fdtr": "phase"}
#: Stencil offsets (in units of the step) and weights (times 1/(12 h)) of the 4-point central derivative.
_OFFSETS = (-2.0, -1.0, 1.0, 2.0)
_WEIGHTS = (1.0, -8.0, 8.0, -1.0)


@result
class Sensitivity:
    """Sensitivities of one measured quantity to the named parameters, against delay or frequency.

    Attributes
    ----------
    mode : str
        "tdtr" or "fdtr".
    quantity : str
        The quantity differentiated (see ``model.OBSERVABLES``).
    x : ndarray, shape (n,)
        Delays (s) for TDTR, modulation frequencies (Hz) for FDTR.
    names : tuple of str
        The parameters, in the order of the rows below.
    values : Mapping[str, float]
        Each parameter's value (SI) at which the derivatives were taken.
    signal : ndarray, shape (n,)
        The quantity at those values (ratio: dimensionless; phase: degrees; in_phase, out_of_phase,
        amplitude: K W^-1).
    sensitivity : ndarray, shape (len(names), n)
        S_p(x) = d ln|signal| / d ln p, dimensionless.
    absolute : ndarray, shape (len(names), n)
        d signal / d ln p, in the quantity's unit (degrees for the phase).
    peak : ndarray, shape (len(names),)
        max over x of ``|S_p|``: what the data can determine at a glance.
    step : float
        The stencil step h in ln p.
    """

    mode: str
    quantity: str
    x: NDArray[np.float64]
    names: tuple[str, ...]
    values: Mapping[str, float]
    signal: NDArray[np.float64]
    sensitivity: NDArray[np.float64]
    absolute: NDArray[np.float64]
    peak: NDArray[np.float64]
    step: float

    _summary_fields: ClassVar[tuple[str, ...]] = ("mode", "quantity", "x", "names", "peak")

    def of(self, name: str) -> NDArray[np.float64]:
        """S_p(x) of one parameter (a row of :attr:`sensitivity`)."""
        if name not in self.names:
            raise InputError(f"no sensitivity to {name!r}; computed for: {', '.join(self.names)}")
        return self.sensitivity[self.names.index(name)]

    def ranking(self) -> tuple[int, ...]:
        """Row indices by :attr:`peak`, largest first (ties in the order of :attr:`names`; NaN peaks last)."""
        return tuple(int(i) for i in np.argsort(-self.peak, kind="stable"))

    def peaks(self) -> dict[str, float]:
        """max ``|S_p|`` over x by parameter, largest first."""
        return {self.names[i]: float(self.peak[i]) for i in self.ranking()}

    @property
    def peak_index(self) -> NDArray[np.int64]:
        """Per parameter, the index into :attr:`x` where ``|S_p|`` is largest, the one :attr:`peak` reports.

        Only finite sensitivities count (as for :attr:`peak`); 0 for a row without any.  Read-only, shape
        (len(names),).
        """
        finite = np.where(np.isfinite(self.sensitivity), np.abs(self.sensitivity), -np.inf)
        index = finite.argmax(axis=1) if self.x.size else np.zeros(len(self.names), dtype=np.int64)
        index = np.asarray(index, dtype=np.int64)
        index.flags.writeable = False
        return index

    @property
    def absolute_peak(self) -> NDArray[np.float64]:
        """Per parameter, max over x of ``|d signal / d ln p|`` (the quantity's unit: degrees for the phase).

        Read-only, shape (len(names),).
        """
        peak = np.abs(self.absolute).max(axis=1) if self.x.size else np.zeros(len(self.names))
        peak = np.asarray(peak, dtype=float)
        peak.flags.writeable = False
        return peak


def default_names(sample: Sample) -> tuple[str, ...]:
    """The parameters a sensitivity covers unless told otherwise, in stack order.

    ``d_<layer>`` of every finite layer (a semi-infinite substrate has no thickness), ``C_<layer>``,
    ``k_<layer>`` for an isotropic layer or ``kz_<layer>`` and ``kr_<layer>`` for an anisotropic one, each
    finite interface conductance (``G`` when there is one interface, else ``G_<interface>``; a perfect contact,
    G = inf, has no sensitivity), and the radius: ``w`` for an effective radius, else ``w_pump`` and ``w_probe``.
    """
    names: list[str] = []
    single = len(sample.interfaces) == 1
    for i, layer in enumerate(sample.layers):
        if math.isfinite(layer.thickness):
            names.append(f"d_{layer.name}")
        names.append(f"C_{layer.name}")
        if layer.isotropic:
            names.append(f"k_{layer.name}")
        else:
            names += [f"kz_{layer.name}", f"kr_{layer.name}"]
        if i < len(sample.interfaces) and math.isfinite(sample.interfaces[i].conductance):
            names.append("G" if single else f"G_{sample.interfaces[i].name}")
    names += ["w"] if sample.laser.effective_radius else ["w_pump", "w_probe"]
    return tuple(names)


def _check_names(sample: Sample, names: Iterable[str] | str | None) -> tuple[str, ...]:
    if names is None:
        return default_names(sample)
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    names = sample.check_names(names)
    if not names:
        raise InputError("names= is empty: name at least one parameter (or None for the default set)")
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise InputError(f"names= repeats {', '.join(dup)}")
    values = sample.parameters()
    infinite = [n for n in names if not math.isfinite(values[n])]
    if infinite:
        raise InputError(
            f"{', '.join(infinite)} is infinite in this sample (semi-infinite layer or perfect contact): "
            "it has no sensitivity to take; leave it out of names="
        )
    return names


def sensitivity(
    sample: Sample,
    mode: str,
    x: ArrayLike,
    names: Iterable[str] | str | None = None,
    *,
    quantity: str | None = None,
    step: float = 1e-3,
    rtol: float = 1e-6,
) -> Sensitivity:
    """S_p(x) = d ln|signal| / d ln p for each named parameter (see the module docstring).

    Parameters
    ----------
    sample : Sample
        The sample at the values where the derivatives are taken.
    mode : str
        "tdtr" (x are delays) or "fdtr" (x are modulation frequencies).
    x : array_like, shape (n,)
        Delays in s (TDTR; each below the pulse period) or frequencies in Hz (FDTR), > 0.
    names : iterable of str, or a comma-separated str, optional
        Parameter names (``Sample.parameters()``); default :func:`default_names`.
    quantity : str, optional
        One of ``model.OBSERVABLES[mode]``; default "ratio" for TDTR, "phase" for FDTR.
    step : float
        Stencil step h in ln p, between 1e-6 and 0.1 (default 1e-3: truncation ~1e-12, well above the
        model's rounding).
    rtol : float
        Relative accuracy of the model's Hankel integral (see :mod:`.model`).

    Returns
    -------
    Sensitivity
    """
    if not isinstance(sample, Sample):
        raise InputError(f"sample must be a Sample, got {type(sample).__name__}")
    if mode not in OBSERVABLES:
        raise InputError(f"mode must be one of {', '.join(OBSERVABLES)}, got {mode!r}")
    quantity = DEFAULT_QUANTITY[mode] if quantity is None else quantity
    if quantity not in OBSERVABLES[mode]:
        raise InputError(f"{mode} quantity must be one of {', '.join(OBSERVABLES[mode])}, got {quantity!r}")
    unit = "s" if mode == "tdtr" else "Hz"
    xs = _checks.positive_array(np.atleast_1d(x), "delay" if mode == "tdtr" else "frequency", unit, ndim=1)
    if mode == "tdtr" and xs.max() >= 1.0 / sample.laser.repetition_rate:
        raise InputError(
            f"delays must be shorter than the pulse period {1e9 / sample.laser.repetition_rate:g} ns, "
            f"got {xs.max() * 1e9:g} ns"
        )
    h = _checks.between(step, "step", "in ln p", 1e-6, 0.1)
    rtol = _checks.between(rtol, "rtol", "", *RTOL_RANGE)
    names = _check_names(sample, names)
    values = sample.parameters()

    signal = observable(sample, mode, quantity, xs, rtol=rtol)
    absolute = np.zeros((len(names), xs.size))
    for i, name in enumerate(names):
        for offset, weight in zip(_OFFSETS, _WEIGHTS):
            moved = sample.with_parameters({name: values[name] * math.exp(offset * h)})
            absolute[i] += weight * observable(moved, mode, quantity, xs, rtol=rtol)
    absolute /= 12.0 * h
    # S = (ds/d ln p) / s; a signal that is exactly zero (an in-phase voltage crossing zero) has no
    # logarithmic sensitivity there: nan, not a division warning.
    sens = np.full_like(absolute, np.nan)
    np.divide(absolute, signal[None, :], out=sens, where=signal[None, :] != 0)
    finite = np.where(np.isfinite(sens), np.abs(sens), -np.inf)
    peak = finite.max(axis=1) if xs.size else np.zeros(len(names))
    peak = np.where(np.isfinite(peak), peak, np.nan)
    return Sensitivity(
        mode=mode,
        quantity=quantity,
        x=xs,
        names=names,
        values={n: float(values[n]) for n in names},
        signal=signal,
        sensitivity=sens,
        absolute=absolute,
        peak=peak,
        step=h,
    )
