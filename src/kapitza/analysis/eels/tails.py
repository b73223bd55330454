"""The tail families of the zero-loss peak in the joint fit (:mod:`.joint` has the physics and the sources): each
family's log tail, its values and derivatives at the pair energies, its parameters' names, starts and bounds.

A tail is written with its amplitude at :data:`E_REF` (ln A first), so that every family's amplitude means the same
number; the Voigt family's Gaussian part comes from the measured FWHM (:data:`FWHM_PER_SIGMA`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import special

from ...errors import InputError

#: Tail families, in the order of the result's arrays (``FAMILIES[:3]`` are fitted by default).
FAMILIES = ("power-law", "lorentzian-power", "pearson7", "voigt")
#: The default set: the Voigt family is left out (its Faddeeva evaluations are a third of a fit's time, and on the
#: calibration spectra it changed no coverage or bias: weight 0 except on Voigt tails, where the three others
#: cover it; see docs/reference/calibration.md).
DEFAULT_FAMILIES = FAMILIES[:3]
#: Reference energy (meV) of the tail amplitudes (conditioning only).
E_REF = 10.0
#: FWHM / sigma of a Gaussian: the Voigt tail's Gaussian part from the measured FWHM.
FWHM_PER_SIGMA = 2.0 * math.sqrt(2.0 * math.log(2.0))


def tail_features(family: str, e: NDArray, h: NDArray) -> NDArray:
    """The fixed part of a family's log tail: power law ln(E/E_ref) (n,); Lorentzian-power and Pearson VII
    ln(1 + (E/h)^2) - ln(1 + (E_ref/h)^2) per row (m, n); Voigt: E itself."""
    if family == "power-law":
        return np.log(e / E_REF)
    if family in ("lorentzian-power", "pearson7"):
        hh = h[:, None]
        return np.log1p((e[None, :] / hh) ** 2) - np.log1p((E_REF / hh) ** 2)
    return e


def voigt_log(e: NDArray, sigma: NDArray, gamma: NDArray) -> tuple[NDArray, NDArray]:
    """ln V(e; sigma, gamma) and d ln V / d ln gamma (rows: sigma, gamma (m,); e (n,) or (m, n))."""
    s2 = (sigma * math.sqrt(2.0))[:, None]
    z = (e + 1j * gamma[:, None]) / s2
    w = special.wofz(z)
    dw = -2.0 * z * w + 2j / math.sqrt(math.pi)
    re = w.real
    with np.errstate(all="ignore"):
        # V = Re w / (sigma sqrt(2 pi)); dV/dgamma = Re(w'(z) i / (sigma sqrt 2)) / (sigma sqrt(2 pi))
        dlog = gamma[:, None] * (-dw.imag / s2) / re
        return np.log(re) - np.log(sigma[:, None] * math.sqrt(2.0 * math.pi)), dlog


def n_tail(family: str) -> int:
    return 1 if family == "lorentzian-power" else 2


def _start(family: str, a0: NDArray) -> tuple[NDArray, NDArray, NDArray]:
    """Start and bounds (lo, hi) of a family's tail parameters (ln A at 10 meV first), rows (m, k)."""
    m = a0.size
    big = 60.0
    if family == "power-law":
        x, lo, hi = [a0, np.full(m, 3.0)], [a0 - big, np.full(m, 0.3)], [a0 + big, np.full(m, 10.0)]
    elif family == "lorentzian-power":
        x, lo, hi = [a0], [a0 - big], [a0 + big]
    elif family == "pearson7":
        x = [a0, np.full(m, math.log(1.5))]
        lo, hi = [a0 - big, np.full(m, math.log(0.2))], [a0 + big, np.full(m, math.log(6.0))]
    elif family == "voigt":
        x = [a0, np.full(m, math.log(2.0))]
        lo, hi = [a0 - big, np.full(m, math.log(1e-3))], [a0 + big, np.full(m, math.log(200.0))]
    else:
        raise InputError(f"tail family must be one of {', '.join(FAMILIES)}, got {family!r}")
    return np.stack(x, axis=1), np.stack(lo, axis=1), np.stack(hi, axis=1)


def fit_bounds(family: str, a0: NDArray) -> tuple[NDArray, NDArray, NDArray]:
    """Default start, lower and upper bounds of (beta, tail parameters) per row."""
    th0, tlo, thi = _start(family, a0)
    m = a0.size
    lo = np.column_stack((np.full(m, 1e-6), tlo))
    hi = np.column_stack((np.full(m, 2.0), thi))
    return th0, lo, hi


def tail_names(family: str) -> tuple[str, ...]:
    return {
        "power-law": ("ln_A", "exponent"),
        "lorentzian-power": ("ln_A",),
        "pearson7": ("ln_A", "ln_m"),
        "voigt": ("ln_A", "ln_gamma_mev"),
    }[family]


def tail_values(family: str, e: NDArray, theta: NDArray, h: NDArray, sigma: NDArray) -> tuple[NDArray, list]:
    """The tail B (m, n) at ``e`` of rows with parameters ``theta`` (m, k) and dB/dtheta_j (list of (m, n))."""
    feat = tail_features(family, e, h)
    a = theta[:, 0:1]
    if family == "power-law":
        p = theta[:, 1:2]
        b = np.exp(a - p * feat)
        return b, [b, -feat * b]
    if family == "lorentzian-power":
        b = np.exp(a - 1.5 * feat)
        return b, [b]
    if family == "pearson7":
        mm = np.exp(np.clip(theta[:, 1:2], -50.0, 50.0))
        b = np.exp(a - mm * feat)
        return b, [b, -mm * feat * b]
    gamma = np.exp(np.clip(theta[:, 1], -50.0, 50.0))
    lv, dlv = voigt_log(e, sigma, gamma)
    lr, dlr = voigt_log(np.array([E_REF]), sigma, gamma)
    b = np.exp(np.clip(a + lv - lr, -700.0, 700.0))
    return b, [b, (dlv - dlr) * b]


def check_families(families: Any) -> tuple[str, ...]:
    if isinstance(families, str):
        families = (families,)
    try:
        fams = tuple(str(f) for f in families)
    except TypeError:
        raise InputError(f"families must be a list of tail families ({', '.join(FAMILIES)})") from None
    bad = [f for f in fams if f not in FAMILIES]
    if bad or not fams or len(set(fams)) != len(fams):
        raise InputError(
            f"tail families must be distinct, among {', '.join(FAMILIES)}; got {', '.join(fams) or 'none'}"
        )
    return fams
