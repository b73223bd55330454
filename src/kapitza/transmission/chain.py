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

from .. import _checks, landauer
from ..errors import InputError
from ..io.results import result


def _check_junction(m1: float, m2: float, k1: float, k2: float, k12: float) -> None:
    """Each mass (kg) and spring (N/m) of the junction > 0 and finite (:func:`kapitza._checks.positive`)."""
    for name, mass in (("m1", m1), ("m2", m2)):
        _checks.positive(mass, name, "kg")
    for name, spring in (("k1", k1), ("k2", k2), ("k12", k12)):
        _checks.positive(spring, name, "N/m")


def band_edge(mass: float, spring: float) -> float:
    """Top of the band of a monatomic chain, 2 sqrt(k/m), in rad/s (mass in kg, spring in N/m)."""
    _checks.positive(mass, "mass", "kg")
    _checks.positive(spring, "spring", "N/m")
    return 2.0 * np.sqrt(spring / mass)


def impedance(mass: float, spring: float) -> float:
    """Long-wavelength impedance Z = sqrt(m k) of a chain, in kg/s."""
    _checks.positive(mass, "mass", "kg")
    _checks.positive(spring, "spring", "N/m")
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
    _check_junction(m1, m2, k1, k2, k12)
    w = _checks.positive_array(omega, "omega", "rad/s", zero=True)
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
        _check_junction(self.m1, self.m2, self.k1, self.k2, self.k12)
        if self.cross_section is not None:
            _checks.positive(self.cross_section, "cross_section", "m^2")

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


def langevin_chain_transmission(
    omega: ArrayLike, masses: ArrayLike, springs: ArrayLike, gamma_left: float, gamma_right: float
) -> float | NDArray[np.float64]:
    r"""Exact classical transmission of a harmonic chain between two Langevin baths on its end atoms.

    Atoms 1..N with masses :math:`m_l` and nearest-neighbour springs; the left bath acts on atom 1 and the right
    bath on atom N with the Langevin force of LAMMPS ``fix langevin`` (damp = 1/gamma):
    :math:`-\gamma m v + \eta`, :math:`\langle\eta(t)\eta(t')\rangle = 2\gamma m k_B T\,\delta(t-t')`.
    With :math:`x(t) = \int x(\omega) e^{-i\omega t} d\omega` the equations of motion become
    :math:`[K - M\omega^2 - i\omega\Gamma] x = \eta` with :math:`\Gamma = \mathrm{diag}(\gamma_L m_1, 0, \ldots,
    0, \gamma_R m_N)` (friction coefficients, mass/time), and (Casher & Lebowitz, J. Math. Phys. 12, 1701 (1971);
    Dhar, PRL 86, 5882 (2001), with friction coefficient :math:`\gamma_L m_1`, :math:`\gamma_R m_N`)

    .. math::

        \mathcal{T}(\omega) = 4\,\gamma_L\gamma_R\,m_1 m_N\,\omega^2\,|G_{1N}(\omega)|^2,\qquad
        G = [K - M\omega^2 - i\omega\Gamma]^{-1},

    so that the steady current is :math:`J = k_B (T_L - T_R)/(2\pi) \int_0^\infty \mathcal{T}(\omega) d\omega`
    (a Landauer channel, :math:`0 \le \mathcal{T} \le 1`), and the spectral conductance in the one-sided
    convention of :mod:`kapitza.spectra` is :math:`q(\omega)/(T_L - T_R) = k_B \mathcal{T}(\omega)/(2\pi)`.

    Ends: ``springs`` of length N - 1 gives free ends (the baths' atoms have only their inner spring); length
    N + 1 gives fixed ends (``springs[0]`` ties atom 1 and ``springs[-1]`` atom N to rigid walls).
    :math:`G_{1N}` is computed from the three-term recurrence of the tridiagonal matrix (no N x N solve).
    At omega = 0 the free chain gives its limit :math:`4\gamma'_L\gamma'_R/(\gamma'_L+\gamma'_R)^2`
    (:math:`\gamma' = \gamma m`: the chain moves as one body), the fixed chain 0.

    Parameters
    ----------
    omega : float or array_like
        Angular frequency, rad/s (or rad per the time unit of ``gamma_*``), >= 0, any shape.
    masses : array_like
        Atomic masses, kg, shape (N,), N >= 2.
    springs : array_like
        Spring constants, N/m, shape (N - 1,) (free ends) or (N + 1,) (fixed ends).
    gamma_left, gamma_right : float
        Langevin damping rates of the two baths, 1/s (LAMMPS ``damp`` = 1/gamma).

    Returns
    -------
    float or ndarray
        The transmission, dimensionless, shape of ``omega``.
    """
    m = _checks.positive_array(masses, "masses", "kg", ndim=1)
    k = _checks.positive_array(springs, "springs", "N/m", ndim=1)
    n = m.size
    if n < 2:
        raise InputError(f"masses must hold at least 2 atoms, got {n}")
    if k.size not in (n - 1, n + 1):
        raise InputError(
            f"springs must hold N - 1 = {n - 1} (free ends) or N + 1 = {n + 1} (fixed ends) values, got {k.size}"
        )
    _checks.positive(gamma_left, "gamma_left", "1/s")
    _checks.positive(gamma_right, "gamma_right", "1/s")
    w = _checks.positive_array(omega, "omega", "rad/s", zero=True)
    fixed = k.size == n + 1
    inner = k[1:-1] if fixed else k  # the N - 1 springs between atoms
    diag = np.zeros(n)
    diag[:-1] += inner
    diag[1:] += inner
    if fixed:
        diag[0] += k[0]
        diag[-1] += k[-1]
    fl, fr = gamma_left * m[0], gamma_right * m[-1]
    flat = w.ravel()
    out = np.zeros(flat.shape)
    pos = flat > 0
    wp = flat[pos]
    # r_l = theta_l / theta_{l-1} for the leading minors theta_l of A = K - M w^2 - i w Gamma (never 0 for w > 0:
    # Im r_1 = -w fl < 0 and each step keeps Im r < 0), so |det A| = prod |r_l| and |G_1N| = prod k / |det A|.
    log_abs = np.zeros(wp.shape)
    r = None
    for site in range(n):
        a = diag[site] - m[site] * wp**2 + 0j
        if site == 0:
            a = a - 1j * wp * fl
        if site == n - 1:
            a = a - 1j * wp * fr
        r = a if r is None else a - inner[site - 1] ** 2 / r
        log_abs += np.log(np.abs(r))
    log_g = np.sum(np.log(inner)) - log_abs
    out[pos] = 4.0 * fl * fr * np.exp(2.0 * (np.log(wp) + log_g))
    if not fixed:
        out[~pos] = 4.0 * fl * fr / (fl + fr) ** 2
    out = out.reshape(w.shape)
    return float(out) if out.ndim == 0 else out


def defect_mode_frequency(spring: float, mass_left: float, mass_right: float, mass_defect: float) -> float | None:
    r"""Frequency of the mode localised on a light defect atom joining two semi-infinite chains, above both bands.

    Sites n < 0 have mass ``mass_left``, n > 0 ``mass_right``, site 0 ``mass_defect``; every nearest-neighbour
    spring is ``spring``.  A mode :math:`u_n = \lambda_L^{|n|}` (n <= 0), :math:`\lambda_R^{n}` (n >= 0) solves
    the bulk equations when :math:`-m_s\omega^2 = k(\lambda_s + 1/\lambda_s - 2)`, and the defect's when
    :math:`-m_d\omega^2 = k(\lambda_L + \lambda_R - 2)`; above both band edges :math:`2\sqrt{k/m_s}` the decaying
    roots are negative, :math:`-1 < \lambda_s < 0` (neighbours move in antiphase).  The defect equation is
    monotonic in omega there, so the root is unique when it exists; it exists iff the defect is light enough,
    :math:`4 m_d / m_{min} < 3 - \lambda_{other}(\omega_{edge})`.  For equal sides this is any
    :math:`m_d < m` and gives Montroll & Potts, Phys. Rev. 100, 525 (1955):
    :math:`\omega = \omega_{max}/\sqrt{1 - \epsilon^2}`, :math:`\epsilon = (m - m_d)/m`.

    Parameters
    ----------
    spring : float
        The spring constant, N/m.
    mass_left, mass_right, mass_defect : float
        Masses, kg (any consistent units work: the result is in rad per the implied time unit).

    Returns
    -------
    float or None
        The angular frequency, rad/s, above both band edges; None if no localised mode exists.
    """
    from scipy.optimize import brentq

    _checks.positive(spring, "spring", "N/m")
    for name, mass in (("mass_left", mass_left), ("mass_right", mass_right), ("mass_defect", mass_defect)):
        _checks.positive(mass, name, "kg")
    k = float(spring)
    edge = max(band_edge(mass_left, k), band_edge(mass_right, k))

    def decay(mass: float, w: float) -> float:
        b = 2.0 - mass * w * w / k  # lambda + 1/lambda = b <= -2
        return 0.5 * (b + np.sqrt(max(b * b - 4.0, 0.0)))

    def residual(w: float) -> float:
        return mass_defect * w * w - k * (2.0 - decay(mass_left, w) - decay(mass_right, w))

    if residual(edge) >= 0:
        return None
    hi = edge
    while residual(hi) < 0:  # residual grows like m_d w^2: a few doublings suffice
        hi *= 2.0
    return float(brentq(residual, edge, hi, xtol=1e-14 * hi, rtol=4 * np.finfo(float).eps))
