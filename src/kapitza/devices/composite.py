r"""Effective conductivity of a nanocomposite: particles in a matrix, with an interface (Kapitza) resistance.

Model (Nan, Birringer, Clarke & Gleiter, J. Appl. Phys. 81, 6692 (1997), "Effective thermal conductivity of
particulate composites with interfacial thermal resistance")
------------------------------------------------------------------------------------------------------------
A matrix of conductivity k_m holds particles of conductivity k_p, radius a, volume fraction f; each
particle/matrix boundary has a resistance R (m^2 K W^-1).  The Kapitza radius a_K = R k_m is the
matrix thickness that resists as much as the boundary; alpha = a_K / a.

Spheres (Nan et al. 1997, their spherical-particle result; identical to Hasselman & Johnson,
J. Compos. Mater. 21, 508 (1987), whose form in h_c = 1/R the tests check)::

    k_eff / k_m = [k_p (1 + 2 alpha) + 2 k_m + 2 f (k_p (1 - alpha) - k_m)]
                / [k_p (1 + 2 alpha) + 2 k_m -   f (k_p (1 - alpha) - k_m)]

It is the Maxwell-Garnett formula for a particle of equivalent conductivity k' = k_p / (1 + R k_p / a)
(the particle with its boundary in series).

Ellipsoids of revolution (Nan et al. 1997, general result for aligned or random ellipsoids), with
geometric factors L_11 = L_22, L_33 and
the boundary folded into the particle's conductivity along each axis,
k^c_ii = k_p / (1 + gamma L_ii k_p / k_m), gamma = (2 + 1/p) alpha for an aspect ratio p = a_3/a_1 >= 1::

    beta_ii = (k^c_ii - k_m) / (k_m + L_ii (k^c_ii - k_m))

Here only the cylinder limit p -> inf is implemented: L_11 = 1/2, L_33 = 0, gamma = 2 alpha, hence
k^c_11 = k_p / (1 + R k_p / a), k^c_33 = k_p (a long cylinder's boundary does not lie across its axis):

* aligned, across the axes (2D Maxwell-Garnett):  k_11 = k_m (2 + f beta_11) / (2 - f beta_11)
* aligned, along the axes (rule of mixtures):      k_33 = (1 - f) k_m + f k_p
* random orientation:  k = k_m [3 + f (beta_11 + beta_33)] / (3 - f beta_11)  (Nan 1997's random-orientation
  average with L_11 = 1/2, L_33 = 0).

Critical radius (derived here): the particles neither raise nor lower k, for every f, when the numerator's
and denominator's f terms vanish.  Spheres and the transverse direction of cylinders: k' = k_m, i.e.
k_p (1 - alpha) = k_m, so a_c = a_K k_p / (k_p - k_m) (only for k_p > k_m; with k_p <= k_m the particles
always lower k).  Random cylinders: 2 beta_11 + beta_33 = 0, i.e. k^c_11 = k_m (2 - b)/(2 + b) with
b = (k_p - k_m) / (2 k_m), which exists only for k_m < k_p < 5 k_m.  Particles larger than a_c raise k,
smaller ones lower it.

Size distribution: several radii a_i with volume fractions f_i (sum f) are treated as several inclusion
species in the Maxwell-Garnett mixing rule, the form Nan's derivation gives for several phases::

    spheres:   k_eff = k_m (3 + 2 sum_i f_i beta_i) / (3 - sum_i f_i beta_i),  beta_i = 3 (k'_i - k_m)/(k'_i + 2 k_m)

(cylinders: the same sums inside their formulas).  It is exact to first order in f (independent
particles: their dipole strengths add by volume fraction) and reduces to the one-size formula for a
single radius.  A lognormal number distribution of radii is turned into volume fractions f_i ~ n(a_i) a_i^3.

Validity: Fourier conduction inside particle and matrix (a larger than the phonon mean free path, else
k_p and k_m are themselves size dependent); non-percolating particles (Maxwell-Garnett is accurate for
f below ~0.3-0.4); one temperature.

Units: radius m, conductivity W m^-1 K^-1, resistance m^2 K W^-1, temperature K.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from .. import _checks
from ..errors import InputError
from ..io.results import result
from .sources import conductivity_source, resistance_source

__all__ = [
    "SHAPES",
    "CompositeResult",
    "composite",
    "composite_conductivity",
    "critical_radius",
    "lognormal_radii",
]

#: (shape, orientation) pairs implemented.
SHAPES = ("sphere", "cylinder-aligned", "cylinder-random")
#: Volume fractions drawn in the default sweep.
SWEEP_FRACTIONS = (0.1, 0.2, 0.3)


def _shape(shape: str) -> str:
    name = str(shape).strip().lower()
    if name not in SHAPES:
        raise InputError(f"shape must be one of {', '.join(SHAPES)}, got {shape!r}")
    return name


def _fractions(radii: Any, weights: Any, volume_fraction: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    a = np.atleast_1d(np.asarray(radii, dtype=float))
    w = np.ones_like(a) if weights is None else np.atleast_1d(np.asarray(weights, dtype=float))
    return a, volume_fraction * w / w.sum()


def composite_conductivity(
    matrix: float,
    particle: float,
    resistance: float,
    radius: Any,
    volume_fraction: float,
    shape: str = "sphere",
    weights: Any = None,
) -> tuple[float, float]:
    """(k across, k along) of the composite, W m^-1 K^-1, from plain numbers (no validation beyond the shape).

    Parameters
    ----------
    matrix, particle : float
        k_m, k_p, W m^-1 K^-1.
    resistance : float
        R, m^2 K W^-1.
    radius : float or array, shape (n,)
        Particle radius (radii), m.
    volume_fraction : float
        Total f.
    shape : str
        One of :data:`SHAPES`.
    weights : array, shape (n,), optional
        Relative volume fractions of the radii (normalised here).

    Returns
    -------
    (float, float)
        For "cylinder-aligned" across and along the axes; for the isotropic shapes the same value twice.
    """
    shape = _shape(shape)
    a, f = _fractions(radius, weights, volume_fraction)
    k_eq = particle / (1.0 + resistance * particle / a)  # particle with its boundary in series (k^c_11)
    if shape == "sphere":
        s = float(np.sum(f * 3.0 * (k_eq - matrix) / (k_eq + 2.0 * matrix)))
        k = matrix * (3.0 + 2.0 * s) / (3.0 - s)
        return k, k
    b11 = float(np.sum(f * 2.0 * (k_eq - matrix) / (k_eq + matrix)))
    b33 = volume_fraction * (particle - matrix) / matrix
    if shape == "cylinder-aligned":
        return matrix * (2.0 + b11) / (2.0 - b11), (1.0 - volume_fraction) * matrix + volume_fraction * particle
    k = matrix * (3.0 + b11 + b33) / (3.0 - b11)
    return k, k


def critical_radius(matrix: float, particle: float, resistance: float, shape: str = "sphere") -> float | None:
    """Radius a_c (m) at which the particles leave k_eff = k_m for every f; None when there is none.

    Spheres and cylinders across their axes: a_c = a_K k_p / (k_p - k_m), a_K = R k_m, for k_p > k_m.
    Random cylinders: for k_m < k_p < 5 k_m only (module docstring).  Aligned cylinders along their axes have
    none (the rule of mixtures ignores R); the value returned for "cylinder-aligned" is the transverse one.
    """
    shape = _shape(shape)
    if not particle > matrix or resistance <= 0:
        return None
    if shape in ("sphere", "cylinder-aligned"):
        return resistance * matrix * particle / (particle - matrix)
    b = (particle - matrix) / (2.0 * matrix)
    if b >= 2.0:
        return None
    k_eq = matrix * (2.0 - b) / (2.0 + b)
    return resistance * particle / (particle / k_eq - 1.0)


def lognormal_radii(median: float, sigma: float, count: int = 41) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Radii (m) and their volume weights for a lognormal number distribution of radii.

    Parameters
    ----------
    median : float
        Median radius of the number distribution, m (> 0).
    sigma : float
        Standard deviation of ln(a) (> 0, <= 2).
    count : int
        Quadrature points over median * exp(+-4 sigma).

    Returns
    -------
    radii, weights : ndarray, shape (count,)
        Weights are relative volume fractions n(a) a^3 da on the log grid, summing to 1.
    """
    mu = _checks.length(median, "median radius")
    s = _checks.positive(sigma, "lognormal sigma", "")
    if s > 2:
        raise InputError(f"lognormal sigma (of ln a) must be <= 2, got {s:g}")
    z = np.linspace(-4.0, 4.0, int(count))
    a = mu * np.exp(s * z)
    w = np.exp(-0.5 * z**2) * (a / mu) ** 3  # n(ln a) d(ln a) * a^3, uniform d(ln a)
    return a, w / w.sum()


@result
class CompositeResult:
    """Effective conductivity of a particulate composite (SI units).

    Attributes
    ----------
    temperature : float
        K.
    shape : str
        One of :data:`SHAPES`.
    matrix_conductivity, particle_conductivity : float
        k_m, k_p at T, W m^-1 K^-1.
    resistance : float
        Particle/matrix boundary resistance at T, m^2 K W^-1.
    kapitza_radius : float
        a_K = R k_m, m.
    radii : ndarray, shape (n,)
        Particle radii, m (one for a single size).
    weights : ndarray, shape (n,)
        Their relative volume fractions (sum 1).
    volume_fraction : float
        Total f.
    effective_conductivity : float
        k_eff (for aligned cylinders: across the axes), W m^-1 K^-1.
    longitudinal_conductivity : float
        k along aligned cylinders (= effective_conductivity for the isotropic shapes), W m^-1 K^-1.
    critical_radius : float or None
        a_c, m (module docstring).
    maxwell_garnett : float
        k_eff of the same composite with R = 0, W m^-1 K^-1.
    sweep_radius : ndarray, shape (n_a,)
        Radii of the sweep, m.
    sweep_fractions : tuple of float
        Volume fractions of the sweep.
    sweep_conductivity : ndarray, shape (n_f, n_a)
        k_eff over the sweep (one size at a time), W m^-1 K^-1.
    labels : tuple of str
        What gave k_m, k_p, R.
    """

    temperature: float
    shape: str
    matrix_conductivity: float
    particle_conductivity: float
    resistance: float
    kapitza_radius: float
    radii: NDArray[np.float64]
    weights: NDArray[np.float64]
    volume_fraction: float
    effective_conductivity: float
    longitudinal_conductivity: float
    critical_radius: float | None
    maxwell_garnett: float
    sweep_radius: NDArray[np.float64]
    sweep_fractions: tuple[float, ...]
    sweep_conductivity: NDArray[np.float64]
    labels: tuple[str, ...]

    _summary_fields: ClassVar[tuple[str, ...]] = (
        "effective_conductivity",
        "matrix_conductivity",
        "kapitza_radius",
        "critical_radius",
        "shape",
    )

    @property
    def ratio(self) -> float:
        """k_eff / k_m."""
        return self.effective_conductivity / self.matrix_conductivity


def composite(
    matrix_conductivity: Any,
    particle_conductivity: Any,
    resistance: Any,
    *,
    radius: Any,
    volume_fraction: float,
    weights: Any = None,
    shape: str = "sphere",
    temperature: float = 300.0,
    sweep_radii: Any = None,
    sweep_fractions: Any = SWEEP_FRACTIONS,
) -> CompositeResult:
    """k_eff of a matrix with particles and a boundary resistance (module docstring: Nan et al. 1997).

    Parameters
    ----------
    matrix_conductivity, particle_conductivity : float, str or ConductivitySource
        k_m, k_p: numbers (W m^-1 K^-1) or material names (kappa at ``temperature``).
    resistance : float, str or ResistanceSource
        Particle/matrix boundary resistance (m^2 K W^-1 or any :func:`resistance_source` spec) at T.
    radius : float or array of float, shape (n,)
        Particle radius, m, or several radii (a size distribution).
    volume_fraction : float
        Total particle volume fraction f, 0 <= f < 1.
    weights : array of float, shape (n,), optional
        Relative volume fractions of the radii (>= 0, not all 0); equal when not given.
    shape : str
        "sphere", "cylinder-aligned" or "cylinder-random" (cylinder radius a).
    temperature : float
        K.
    sweep_radii : array of float, optional
        Radii for the sweep, m; default 121 log-spaced over 1e-3..1e3 a_K (a_K = 0: around the radius).
    sweep_fractions : sequence of float
        Volume fractions for the sweep.

    Raises
    ------
    InputError
        Radii <= 0, weights negative or all 0 or of another length, f outside [0, 1), an unknown shape,
        bad conductivity or resistance specs.
    """
    name = _shape(shape)
    a = np.array([_checks.length(x, "radius") for x in np.ravel(np.asarray(radius, dtype=object))])
    if a.size == 0 or a.size > _checks.MAX_SWEEP:
        raise InputError(f"radius takes 1 to {_checks.MAX_SWEEP} values, got {a.size}")
    if weights is None:
        w = np.full(a.size, 1.0 / a.size)
    else:
        w = np.atleast_1d(np.asarray([_checks.number(x, "weights", "relative volume") for x in np.ravel(weights)]))
        if w.size != a.size:
            raise InputError(f"weights has {w.size} values for {a.size} radii")
        if np.any(w < 0) or not w.sum() > 0:
            raise InputError("weights must be >= 0 and not all 0")
        w = w / w.sum()
    f = _checks.number(volume_fraction, "volume_fraction", "0 <= f < 1")
    if not 0 <= f < 1:
        raise InputError(f"volume_fraction must be in [0, 1), got {f:g}")
    fractions = tuple(_checks.number(x, "sweep_fractions", "0 <= f < 1") for x in np.ravel(sweep_fractions))
    if not fractions or any(not 0 <= x < 1 for x in fractions):
        raise InputError("sweep_fractions must be volume fractions in [0, 1)")
    swept = None if sweep_radii is None else _checks.length_sweep(sweep_radii, "sweep_radii")
    t = _checks.temperature(temperature)
    src_m, src_p = conductivity_source(matrix_conductivity), conductivity_source(particle_conductivity)
    src_r = resistance_source(resistance)

    k_m, k_p, r = float(src_m.at(t)), float(src_p.at(t)), float(src_r.at(t))
    a_k = r * k_m
    across, along = composite_conductivity(k_m, k_p, r, a, f, name, w)
    mg, _ = composite_conductivity(k_m, k_p, 0.0, a, f, name, w)
    if swept is None:
        swept = _checks.around(a_k if a_k > 0 else float(np.exp(np.sum(w * np.log(a)))))
    grid = np.array([[composite_conductivity(k_m, k_p, r, x, g, name)[0] for x in swept] for g in fractions])
    return CompositeResult(
        temperature=t,
        shape=name,
        matrix_conductivity=k_m,
        particle_conductivity=k_p,
        resistance=r,
        kapitza_radius=a_k,
        radii=a,
        weights=w,
        volume_fraction=f,
        effective_conductivity=across,
        longitudinal_conductivity=along,
        critical_radius=critical_radius(k_m, k_p, r, name),
        maxwell_garnett=mg,
        sweep_radius=swept,
        sweep_fractions=fractions,
        sweep_conductivity=grid,
        labels=(src_m.label, src_p.label, src_r.label),
    )
