r"""Exact phonon transmission across the junction of two semi-infinite atomic chains.

Left chain (sites n <= 0): masses :math:`m_1`, nearest-neighbour springs
:math:`k_1`; right chain (n >= 1): :math:`m_2`, :math:`k_2`; the interface
spring :math:`k_{12}` joins sites 0 and 1.  In each chain
:math:`m_i\omega^2 = 2k_i(1 - \cos q_i)`, so waves propagate below the band
edge :math:`\omega_i = 2\sqrt{k_i/m_i}`.

Derivation (wave matching).  Take :math:`u_n = e^{iq_1 n} + r e^{-iq_1 n}`
for n <= 0 and :math:`u_n = t\,e^{iq_2(n-1)}` for n >= 1.  The equations of
motion of sites 0 and 1 differ from the bulk ones only by the spring
:math:`k_{12}`, which gives two linear equations for r and t.  With
:math:`A_i = k_i(1 - e^{-iq_i})` their solution is
:math:`t = 2ik_1\sin q_1 / (A_1 + A_2 - A_1A_2/k_{12})`, and the ratio of
energy currents (:math:`\propto k_i \sin q_i |amplitude|^2`) is

.. math::

    \tau(\omega) = \frac{4 k_1 k_2 \sin q_1 \sin q_2}
                        {\left|A_1 + A_2 - A_1 A_2 / k_{12}\right|^2},
    \qquad \omega < \min(\omega_1, \omega_2),

and 0 above the smaller band edge.  Checks: identical chains with
:math:`k_{12} = k` give :math:`\tau = 1`; as :math:`\omega \to 0`,
:math:`A_i \to i\omega Z_i` with :math:`Z_i = \sqrt{m_i k_i}`, so
:math:`\tau \to 4Z_1Z_2/(Z_1+Z_2)^2`, the 1D acoustic mismatch (seed 004;
Zhang, Fisher & Mingo, Numer. Heat Transfer B 51, 333 (2007), Sec. 4).  The
formula is symmetric under 1 <-> 2 (detailed balance).

Conductance.  A 1D channel has 1/(2 pi) modes per unit angular frequency per
direction, so the Landauer engine receives :math:`\Phi(\omega) = \tau/(2\pi)`
per chain (G in W/K), or :math:`\tau/(2\pi S)` per area for chains of
cross-section S (G in W m^-2 K^-1).  In the classical limit with a
frequency-independent :math:`\tau` below :math:`\omega_c`,
:math:`G = k_B\omega_c\tau/(2\pi S)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import landauer
from ..errors import InputError
from ..io.results import result


def _positive(**values: float) -> None:
    for name, value in values.items():
        if not np.isfinite(value) or value <= 0:
            raise InputError(f"{name} must be a finite positive number, got {value!r}")


def band_edge(mass: float, spring: float) -> float:
    """Top of the band of a monatomic chain, 2 sqrt(k/m), in rad/s (mass in kg, spring in N/m)."""
    _positive(mass=mass, spring=spring)
    return 2.0 * np.sqrt(spring / mass)


def impedance(mass: float, spring: float) -> float:
    """Long-wavelength impedance Z = sqrt(m k) of a chain, in kg/s."""
    _positive(mass=mass, spring=spring)
    return float(np.sqrt(mass * spring))


def long_wavelength_transmission(m1: float, m2: float, k1: float, k2: float) -> float:
    """4 Z1 Z2 / (Z1 + Z2)^2 with Z = sqrt(m k): the omega -> 0 limit of :func:`chain_transmission`."""
    z1, z2 = impedance(m1, k1), impedance(m2, k2)
    return 4 * z1 * z2 / (z1 + z2) ** 2


def chain_transmission(
    omega: ArrayLike, m1: float, m2: float, k1: float, k2: float, k12: float
) -> float | NDArray[np.float64]:
    """Exact lattice transmission tau(omega) of the junction of two semi-infinite chains.

    Parameters
    ----------
    omega : float or array_like
        Angular frequency in rad/s (>= 0), scalar or any shape.
    m1, m2 : float
        Atomic masses of the left (incident) and right chains, kg.
    k1, k2 : float
        Nearest-neighbour spring constants of the two chains, N/m.
    k12 : float
        Spring constant joining the two chains, N/m.

    Returns
    -------
    float or ndarray
        tau in [0, 1], same shape as ``omega``; 0 at and above min(2 sqrt(k1/m1), 2 sqrt(k2/m2)).
    """
    _positive(m1=m1, m2=m2, k1=k1, k2=k2, k12=k12)
    w = np.asarray(omega, dtype=float)
    if np.any(~np.isfinite(w)) or np.any(w < 0):
        raise InputError("omega must be finite and >= 0 rad/s")
    edge = min(band_edge(m1, k1), band_edge(m2, k2))
    inside = (w > 0) & (w < edge)
    wi = w[inside]
    q1 = 2 * np.arcsin(wi / band_edge(m1, k1))
    q2 = 2 * np.arcsin(wi / band_edge(m2, k2))
    a1 = k1 * (1 - np.exp(-1j * q1))
    a2 = k2 * (1 - np.exp(-1j * q2))
    tau = np.zeros(w.shape)
    tau[inside] = 4 * k1 * k2 * np.sin(q1) * np.sin(q2) / np.abs(a1 + a2 - a1 * a2 / k12) ** 2
    tau[w == 0] = long_wavelength_transmission(m1, m2, k1, k2)
    return float(tau) if tau.ndim == 0 else tau


@dataclass(frozen=True)
class ChainJunction:
    """Two semi-infinite chains joined by a spring, ready for the Landauer engine.

    Attributes
    ----------
    m1, m2 : float
        Masses, kg.
    k1, k2, k12 : float
        Springs, N/m.
    cross_section : float or None
        Area per chain S in m^2; None gives G per chain (W/K).
    """

    m1: float
    m2: float
    k1: float
    k2: float
    k12: float
    cross_section: float | None = None

    def __post_init__(self) -> None:
        _positive(m1=self.m1, m2=self.m2, k1=self.k1, k2=self.k2, k12=self.k12)
        if self.cross_section is not None:
            _positive(cross_section=self.cross_section)

    labels: ClassVar[tuple[str, ...]] = ("chain",)

    @property
    def band_edge(self) -> float:
        """min of the two band edges, rad/s: no transmission above it."""
        return min(band_edge(self.m1, self.k1), band_edge(self.m2, self.k2))

    @property
    def breakpoints(self) -> NDArray[np.float64]:
        return np.array([self.band_edge])

    def transmission(self, omega: ArrayLike) -> NDArray[np.float64]:
        """tau(omega), shape of ``omega``."""
        return np.asarray(chain_transmission(omega, self.m1, self.m2, self.k1, self.k2, self.k12))

    def transmitted_channels(self, omega: ArrayLike, temperature: ArrayLike | None = None) -> NDArray[np.float64]:
        """tau / (2 pi) per chain, or tau / (2 pi S) per area; shape (1, 1, n_omega) (independent of T)."""
        scale = 2 * np.pi * (self.cross_section or 1.0)
        return np.atleast_1d(self.transmission(omega))[None, None, :] / scale


@result
class ChainConductance:
    """Landauer conductance of a chain junction.

    Attributes
    ----------
    junction : ChainJunction
    temperature : ndarray
        K, shape (n_T,).
    conductance : ndarray
        W/K per chain, or W m^-2 K^-1 if the junction has a cross-section; shape (n_T,).
    statistics : str
    """

    junction: ChainJunction
    temperature: NDArray[np.float64]
    conductance: NDArray[np.float64]
    statistics: str

    @property
    def per_area(self) -> bool:
        return self.junction.cross_section is not None


def chain_conductance(
    junction: ChainJunction, temperature: ArrayLike, statistics: landauer.Statistics = "bose-einstein"
) -> ChainConductance:
    """G(T) of a chain junction through :func:`kapitza.landauer.conductance`.

    Parameters
    ----------
    junction : ChainJunction
    temperature : float or array_like
        K, scalar or shape (n_T,).
    statistics : {"bose-einstein", "classical"}
    """
    r = landauer.conductance(junction, temperature, statistics)
    return ChainConductance(junction, r.temperature, r.conductance, statistics)
