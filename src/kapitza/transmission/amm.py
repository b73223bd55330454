r"""Acoustic mismatch model (AMM): elastic waves at a welded, perfectly flat interface.

Side 1 fills z < 0, side 2 fills z > 0; each is an isotropic elastic medium
(density :math:`\rho`, longitudinal speed :math:`v_L`, transverse speed
:math:`v_T`; :math:`v_T = 0` marks a fluid, which carries only P waves).  A
plane wave of polarisation P, SV or SH arrives from side 1 at angle
:math:`\theta` from the normal.  Because the interface is flat and the media
are continuous, the interface conserves frequency and the slowness parallel
to it (Snell's law),

.. math:: p = \frac{\sin\theta}{v_\mathrm{in}},

and every outgoing wave :math:`k` (speed :math:`v_k`) has the vertical slowness

.. math:: q_k = \sqrt{1/v_k^2 - p^2}\quad (\ge 0), \qquad
          q_k = i\sqrt{p^2 - 1/v_k^2} \quad \text{past its critical angle},

the branch that makes the wave decay away from the interface (reflected waves
travel as :math:`e^{i\omega(px - q z - t)}`, transmitted ones as
:math:`e^{i\omega(px + q z - t)}`).  This module takes no short cuts: it is
continuum elasticity, exact for every angle and pair of media.

Waves.  With slowness vector :math:`\mathbf s = (p, 0, \pm q)` the unit
polarisations are :math:`\mathbf d_P = v_L\mathbf s`,
:math:`\mathbf d_{SV} = v_T(\pm q, 0, -p)` and :math:`\mathbf d_{SH} = (0,1,0)`.
Hooke's law :math:`\sigma_{ij} = \lambda\delta_{ij}\nabla\cdot\mathbf u +
\mu(\partial_iu_j + \partial_ju_i)` with :math:`\mu = \rho v_T^2`,
:math:`\lambda = \rho(v_L^2 - 2v_T^2)` gives the traction on the interface
(per :math:`i\omega` and unit amplitude)

.. math:: \boldsymbol\tau = \bigl(\mu(s_xd_z + s_zd_x),\; \mu s_zd_y,\;
          \lambda\,\mathbf s\cdot\mathbf d + 2\mu s_zd_z\bigr).

Boundary conditions at z = 0.  Solid/solid (welded): all three displacement
and all three traction components are continuous: 6 equations for the 6
amplitudes (reflected P, SV, SH; transmitted P, SV, SH).  The y components
involve SH only, so SH decouples (a 2x2 block) and P and SV convert into each
other (a 4x4 block); the solver builds the 6x6 system and lets the zeros do
the decoupling.  Solid/fluid, either way round: the normal displacement and
normal traction are continuous and the shear tractions vanish on the solid
side (the fluid slips): 4 equations, 4 amplitudes (three on the solid side,
P on the fluid side).  Fluid/fluid: 2 and 2.  The linear systems for all
angles are solved at once (batched ``numpy.linalg.solve``, complex double).
Lengths are scaled by the incident wave (slownesses by :math:`1/v_\mathrm{in}`,
densities by :math:`\rho_1`), so the matrices are O(1) and well conditioned.

Energy flux.  The time-averaged energy flux of a plane wave of displacement
amplitude :math:`A` normal to the interface is
:math:`\tfrac12\omega^2\,\boldsymbol\tau\cdot\mathbf d\,|A|^2 =
\tfrac12\omega^2\rho v^2 q |A|^2` (for P: :math:`\boldsymbol\tau\cdot\mathbf d
= (\lambda+2\mu)q`; for SV and SH: :math:`\mu q`).  The fraction of the
incident normal flux carried away by outgoing wave :math:`k` is therefore

.. math:: \alpha_k = \frac{\rho_k v_k^2\,\mathrm{Re}(q_k)\,|A_k|^2}
                          {\rho_1 v_\mathrm{in}^2\, q_\mathrm{in}\, |A_\mathrm{in}|^2},

and evanescent waves (:math:`\mathrm{Re}\,q_k = 0`) carry nothing; cross terms
between different outgoing waves average to zero because the averaged flux
cannot depend on z.  Energy conservation, :math:`\sum_k\alpha_k = 1`, is not
imposed: it is a check (it holds to 1e-13 or better over 4001 angles for
every ordered pair of the 18 shipped materials, helium on diamond included;
rows and columns of each system are equilibrated before the solve).  SH has the closed form
:math:`\alpha = 4Z_1Z_2\cos\theta_1\cos\theta_2/(Z_1\cos\theta_1 +
Z_2\cos\theta_2)^2` with :math:`Z = \rho v_T`, and at normal incidence every
polarisation gives :math:`4Z_1Z_2/(Z_1+Z_2)^2`.

Grazing incidence (:math:`\theta \to \pi/2`): the incident wave carries no
normal flux and is reflected specularly; an angle of exactly
:math:`\pi/2` (in floating point :math:`\cos\theta \approx 6\times 10^{-17}`)
returns that limit.  Identical media are the exception: there the limit is
full transmission and the system is singular at grazing incidence (the
reflected and transmitted columns coincide), so identical media are
recognised and transmit everything without a solve.

Simplified AMM (``model="amm-simple"``).  The textbook formula (Little, Can.
J. Phys. 37, 334 (1959); Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989),
Eq. (8)) treats every polarisation like sound in a fluid: no mode conversion,
the transmitted wave keeps its polarisation, :math:`Z = \rho v_L` or
:math:`\rho v_T`, and

.. math:: \alpha = \frac{4Z_1Z_2\cos\theta_1\cos\theta_2}
                        {(Z_1\cos\theta_2 + Z_2\cos\theta_1)^2},

with total internal reflection past :math:`\sin\theta_1 = v_1/v_2`; a fluid
transmits no transverse waves.  How it differs from the full model: (i) no
P <-> SV conversion, so none of the converted waves and none of their critical
angles; (ii) the shear tractions on the interface are ignored, so for SV and
SH the angle dependence is that of a fluid.  For SH the exact result has the
uncrossed cosines :math:`Z_1\cos\theta_1 + Z_2\cos\theta_2` (see above): the
simplified model is exact for P waves between fluids and at normal incidence
only.  Both models conserve energy at every angle and obey detailed balance.

Conductance.  For each polarisation i of side 1 the hemispherical average
:math:`\langle\alpha_{i\to j}\rangle = 2\int_0^1\alpha_{i\to j}(\mu)\mu\,d\mu`
(:math:`\mu = \cos\theta`) into each transmitted mode j is frequency
independent in a continuum.  The integrand has kinks (square-root branch
points) at the critical angles, so the integral is split into panels at the
critical :math:`\mu` and each panel is mapped by
:math:`\mu = a + (b-a)(1-\cos\pi t)/2`, which turns the square-root end
points into smooth ones; Gauss-Legendre in t (4 x 32 nodes per panel) then agrees with adaptive
quadrature to ~1e-13.
With Debye spectra the Landauer engine receives, for branch b of side 1,

.. math:: \Phi_b(\omega) = M_{1,b}(\omega)\,\frac{1}{g_b}\sum_{i\in b}\sum_j
          \langle\alpha_{i\to j}\rangle\,\Theta(\omega_{2,j} - \omega),

where the T branch (degeneracy :math:`g_T = 2`) holds SV and SH and
:math:`\omega_{2,j}` is the Debye cutoff of side 2's branch that mode j
belongs to: a phonon cannot be transmitted into a mode that does not exist at
its frequency, and what would have gone there is reflected.  This cutoff rule
is applied pair by pair.  Because the continuum coefficients obey
reciprocity, :math:`\alpha_{i\to j}(p) = \alpha_{j\to i}(p)` at equal parallel
slowness, and :math:`\mu\,d\mu/v^2 = -p\,dp` on both sides, every pair obeys
:math:`M_{1,i}\langle\alpha_{i\to j}\rangle = M_{2,j}\langle\alpha_{j\to i}\rangle`;
with the pair rule the cutoff factor :math:`\Theta(\omega_{1,i}-\omega)
\Theta(\omega_{2,j}-\omega)` is symmetric too, so G(A, B) = G(B, A) holds at
every temperature, not only in the T^3 regime (a rule that cuts on the
receiving side's highest cutoff, or on the total transmission, would break it
above the lowest cutoff).  Below all cutoffs,
:math:`G/T^3 = (\pi^2k_B^4/30\hbar^3)\sum_i\langle\alpha_i\rangle/v_i^2`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import InputError
from ..io.results import result
from ..materials import Material
from ..materials.spec import MaterialSpec
from ..phonons.debye import DebyeSpectrum, check_continuum
from .channel_rule import joint_breakpoints

#: Incident and outgoing polarisations of a solid; a fluid has only "P".
POLARISATIONS: tuple[str, ...] = ("P", "SV", "SH")
#: The models this module implements.
AMM_MODELS: tuple[str, ...] = ("amm", "amm-simple")
#: Debye branch each polarisation belongs to.
BRANCH_OF: Mapping[str, str] = MappingProxyType({"P": "L", "SV": "T", "SH": "T"})

#: Gauss-Legendre nodes per sub-panel of the cosine-mapped angular panels.
_NODES = 16
#: Sub-panels (in the mapped variable t) per panel between critical angles: equal ones in the middle ...
_SUBPANELS = 4
#: ... plus this many geometrically graded ones (halving) towards each end of the panel.  A large
#: impedance contrast puts a near-pole of alpha(mu) right at a critical angle: with Z2/Z1 = 260,
#: alpha_SH peaks within ~1e-5 of the edge in mu, which uniform panels missed by 3e-7 (see
#: :func:`mu_quadrature`).  Grading resolves features down to 2^-_GRADED of a panel.
_GRADED = 12
#: Rows of the full boundary system: u_x, u_y, u_z, tau_x, tau_y, tau_z.
_ROWS_SOLID_SOLID = (0, 1, 2, 3, 4, 5)
_ROWS_SOLID_FLUID = (2, 3, 4, 5)
_ROWS_FLUID_FLUID = (2, 5)


def polarisations(material: Material) -> tuple[str, ...]:
    """Wave polarisations ``material`` carries: ("P",) for a fluid, ("P", "SV", "SH") for a solid."""
    return ("P",) if material.is_fluid else POLARISATIONS


def outgoing_modes(side1: Material, side2: Material) -> tuple[str, ...]:
    """Names of every outgoing wave the two media support, e.g. "reflected_P", "transmitted_SH"."""
    return tuple(f"reflected_{p}" for p in polarisations(side1)) + tuple(
        f"transmitted_{p}" for p in polarisations(side2)
    )


def speed(material: Material, polarisation: str) -> float:
    """Sound speed (m/s) of a polarisation: v_L for "P", v_T for "SV" and "SH"."""
    return material.v_l if polarisation == "P" else material.v_t


def _check_model(model: str) -> str:
    key = str(model).strip().lower()
    if key not in AMM_MODELS:
        raise InputError(f"unknown acoustic mismatch model {model!r}; expected one of {', '.join(AMM_MODELS)}")
    return key


def _check_incident(material: Material, incident: str) -> str:
    if not isinstance(incident, str) or incident.strip().upper() not in POLARISATIONS:
        raise InputError(f"incident polarisation {incident!r} is not one of {', '.join(POLARISATIONS)}")
    pol = incident.strip().upper()
    if pol not in polarisations(material):
        raise InputError(
            f"incident polarisation {pol!r} does not exist in {material.name}: a fluid carries only P waves"
        )
    return pol


def _check_angles(angle: ArrayLike) -> NDArray[np.float64]:
    if isinstance(angle, (str, bytes, bool)):
        raise InputError(f"angle must be a number in radians in [0, pi/2], got {angle!r}")
    try:
        a = np.asarray(angle, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"angle must be a number in radians in [0, pi/2], got {angle!r}") from None
    bad = ~np.isfinite(a) | (a < 0) | (a > np.pi / 2)
    if np.any(bad):
        raise InputError(
            f"angle of incidence must be finite and in [0, pi/2] rad (0 = normal incidence), got {a[bad].flat[0]!r}"
        )
    return a


def _same_medium(a: Material, b: Material) -> bool:
    return a.density == b.density and a.v_l == b.v_l and a.v_t == b.v_t


def coupled_modes(side1: Material, side2: Material, incident: str, model: str = "amm") -> tuple[str, ...]:
    """Outgoing waves an incident polarisation can excite.

    Full AMM: P and SV convert into each other, SH stays SH (and a fluid
    couples to SH not at all).  Simplified AMM: the incident polarisation only.
    """
    model = _check_model(model)
    pol = _check_incident(side1, incident)
    modes = outgoing_modes(side1, side2)
    if model == "amm-simple":
        allowed = {pol}
    elif pol == "SH":
        allowed = {"SH"}
    else:
        allowed = {"P", "SV"}
    return tuple(m for m in modes if m.split("_")[1] in allowed)


def critical_angles(side1: MaterialSpec, side2: MaterialSpec, incident: str, model: str = "amm") -> Mapping[str, float]:
    """Critical angles of incidence (rad), one per coupled outgoing wave that is faster than the incident one.

    Past ``arcsin(v_in / v_out)`` that wave is evanescent and carries no energy.

    Parameters
    ----------
    side1, side2 : Material or str
    incident : {"P", "SV", "SH"}
    model : {"amm", "amm-simple"}

    Returns
    -------
    Mapping
        Outgoing mode name -> critical angle in rad, sorted by angle.
    """
    m1, m2 = check_continuum(side1), check_continuum(side2)  # each resolves its side
    pol = _check_incident(m1, incident)
    v_in = speed(m1, pol)
    out: dict[str, float] = {}
    for mode in coupled_modes(m1, m2, pol, model):
        direction, opol = mode.split("_")
        v = speed(m1 if direction == "reflected" else m2, opol)
        if v > v_in:
            out[mode] = math.asin(v_in / v)
    return MappingProxyType(dict(sorted(out.items(), key=lambda kv: kv[1])))


# ---------------------------------------------------------------------------
# Full AMM: the boundary-value problem
# ---------------------------------------------------------------------------


def _vertical_slowness(inv_v2: float, p2: NDArray[np.float64]) -> NDArray[np.complex128]:
    """q = sqrt(1/v^2 - p^2), real >= 0 or (past the critical angle) i * positive."""
    s = inv_v2 - p2
    q = np.empty(s.shape, dtype=complex)
    prop = s >= 0
    q[prop] = np.sqrt(s[prop])
    q[~prop] = 1j * np.sqrt(-s[~prop])
    return q


def _wave(
    pol: str, p: NDArray[np.float64], sz: NDArray[np.complex128], rho: float, vl: float, vt: float
) -> NDArray[np.complex128]:
    """Displacement and traction (6, n) of a unit-amplitude plane wave with slowness (p, 0, sz)."""
    n = p.shape[0]
    zero = np.zeros(n, dtype=complex)
    if pol == "P":
        d = (vl * p + 0j, zero, vl * sz)
    elif pol == "SV":
        d = (vt * sz, zero, -vt * p + 0j)
    else:
        d = (zero, np.ones(n, dtype=complex), zero)
    shear = rho * vt**2  # Lame mu
    lame = rho * (vl**2 - 2 * vt**2)  # Lame lambda
    s_dot_d = p * d[0] + sz * d[2]
    tau = (shear * (p * d[2] + sz * d[0]), shear * sz * d[1], lame * s_dot_d + 2 * shear * sz * d[2])
    return np.array([*d, *tau])


def _full_coefficients(m1: Material, m2: Material, pol: str, mu: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
    """Energy-flux fractions of every outgoing wave, shape (n,) each, for cos(theta) = mu in (0, 1]."""
    modes = outgoing_modes(m1, m2)
    if _same_medium(m1, m2):
        return {k: (np.ones(mu.shape) if k == f"transmitted_{pol}" else np.zeros(mu.shape)) for k in modes}
    v_in = speed(m1, pol)
    # dimensionless: slowness in units of 1/v_in, density in units of rho_1
    media = {
        "reflected": (1.0, m1.v_l / v_in, m1.v_t / v_in),
        "transmitted": (m2.density / m1.density, m2.v_l / v_in, m2.v_t / v_in),
    }
    p2 = 1.0 - mu**2
    p = np.sqrt(p2)
    columns, flux_weight, q_of = [], [], {}
    for mode in modes:
        direction, opol = mode.split("_")
        rho, vl, vt = media[direction]
        v = vl if opol == "P" else vt
        if direction == "reflected" and (opol == pol or (opol != "P" and pol != "P")):
            q = mu + 0j  # same speed as the incident wave: q = cos(theta) exactly
        else:
            q = _vertical_slowness(1.0 / v**2, p2)
        q_of[mode] = q
        sign = -1.0 if direction == "reflected" else 1.0
        wave = _wave(opol, p, sign * q, rho, vl, vt)
        columns.append(-wave if direction == "reflected" else wave)
        flux_weight.append(rho * v**2)
    rows = _ROWS_SOLID_SOLID
    if m1.is_fluid and m2.is_fluid:
        rows = _ROWS_FLUID_FLUID
    elif m1.is_fluid or m2.is_fluid:
        rows = _ROWS_SOLID_FLUID
    rows_idx = np.array(rows)
    matrix = np.stack(columns, axis=-1)[rows_idx].transpose(1, 0, 2)  # (n, rows, modes)
    rho1, vl1, vt1 = media["reflected"]
    rhs = _wave(pol, p, mu + 0j, rho1, vl1, vt1)[rows_idx].T  # (n, rows)
    amplitudes = _equilibrated_solve(matrix, rhs)  # (n, modes)
    out: dict[str, NDArray[np.float64]] = {}
    for k, mode in enumerate(modes):
        flux = flux_weight[k] * q_of[mode].real * np.abs(amplitudes[:, k]) ** 2
        out[mode] = flux / mu  # incident: rho = 1, v = 1, q = mu, |A| = 1
    return out


def _equilibrated_solve(matrix: NDArray[np.complex128], rhs: NDArray[np.complex128]) -> NDArray[np.complex128]:
    """Solve matrix @ x = rhs for a stack of systems after scaling rows and columns to unit size.

    Against a stiff solid, helium's columns are O(1) and the solid's O(1e5)
    (impedance ratio), and evanescent waves far past their critical angle grow
    the solid's columns further; equilibration keeps R + T = 1 at ~1e-15
    instead of ~1e-11 there.
    """
    row = np.max(np.abs(matrix), axis=2, keepdims=True)  # (n, rows, 1)
    scaled = matrix / row
    col = np.max(np.abs(scaled), axis=1, keepdims=True)  # (n, 1, modes)
    scaled = scaled / col
    y = np.linalg.solve(scaled, (rhs / row[..., 0])[..., None])[..., 0]
    return y / col[:, 0, :]


def _simple_coefficients(
    m1: Material, m2: Material, pol: str, mu: NDArray[np.float64]
) -> dict[str, NDArray[np.float64]]:
    """Simplified AMM: 4 Z1 Z2 c1 c2 / (Z1 c2 + Z2 c1)^2 per polarisation, no mode conversion."""
    out = {k: np.zeros(mu.shape) for k in outgoing_modes(m1, m2)}
    reflected = np.ones(mu.shape)
    if pol in polarisations(m2):
        v1, v2 = speed(m1, pol), speed(m2, pol)
        z1, z2 = m1.density * v1, m2.density * v2
        s2 = 1.0 - (v2 / v1) ** 2 * (1.0 - mu**2)
        ok = s2 > 0
        c1, c2 = mu[ok], np.sqrt(s2[ok])
        # R = ((Z1 c2 - Z2 c1) / (Z1 c2 + Z2 c1))^2 and T = 1 - R = 4 Z1 Z2 c1 c2 / (Z1 c2 + Z2 c1)^2:
        # written through R, both stay in [0, 1] in floating point (1 - T gave R = -2e-16 for identical media).
        reflected[ok] = ((z1 * c2 - z2 * c1) / (z1 * c2 + z2 * c1)) ** 2
        out[f"transmitted_{pol}"] = 1.0 - reflected
    out[f"reflected_{pol}"] = reflected
    return out


def _coefficients(
    m1: Material, m2: Material, pol: str, mu: NDArray[np.float64], model: str
) -> dict[str, NDArray[np.float64]]:
    if model == "amm-simple":
        return _simple_coefficients(m1, m2, pol, mu)
    return _full_coefficients(m1, m2, pol, mu)


def amm_coefficients(
    side1: MaterialSpec, side2: MaterialSpec, angle: ArrayLike, incident: str, model: str = "amm"
) -> Mapping[str, float | NDArray[np.float64]]:
    """Energy-flux reflection and transmission coefficients of a plane wave at a flat interface.

    Parameters
    ----------
    side1, side2 : Material or str
        Medium of the incident wave, and the medium beyond the interface.
    angle : float or array_like
        Angle of incidence from the interface normal in rad, in [0, pi/2];
        scalar or any shape.
    incident : {"P", "SV", "SH"}
        Polarisation of the incident wave (a fluid carries only "P").
    model : {"amm", "amm-simple"}
        Full continuum elasticity (default) or the simplified formula.

    Returns
    -------
    Mapping
        Outgoing mode ("reflected_P", "reflected_SV", "reflected_SH",
        "transmitted_P", "transmitted_SV", "transmitted_SH"; only the waves the
        two media support) -> fraction of the incident normal energy flux it
        carries away; floats for a scalar ``angle``, else arrays of its shape.
        Waves that are evanescent or not excited have 0; the values sum to 1.

    Examples
    --------
    >>> c = amm_coefficients("Al", "Si", 0.3, "P")
    >>> round(sum(c.values()), 12)
    1.0
    """
    model = _check_model(model)
    m1, m2 = check_continuum(side1), check_continuum(side2)  # each resolves its side
    pol = _check_incident(m1, incident)
    a = _check_angles(angle)
    mu = np.cos(a.ravel())
    values = _coefficients(m1, m2, pol, mu, model)
    if a.ndim == 0:
        return MappingProxyType({k: float(v[0]) for k, v in values.items()})
    return MappingProxyType({k: v.reshape(a.shape) for k, v in values.items()})


# ---------------------------------------------------------------------------
# Hemispherical averages
# ---------------------------------------------------------------------------


def _panel_edges(m1: Material, m2: Material, pol: str, model: str) -> NDArray[np.float64]:
    """0, the critical cos(theta) values, 1: the kinks of alpha(mu)."""
    crit = [math.cos(t) for t in critical_angles(m1, m2, pol, model).values()]
    edges = np.unique(np.concatenate([[0.0, 1.0], crit]))
    return edges[(edges >= 0) & (edges <= 1)]


def mu_quadrature(
    edges: ArrayLike, nodes: int = _NODES, subpanels: int = _SUBPANELS, graded: int = _GRADED
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Nodes and weights for int f(mu) dmu over [edges[0], edges[-1]], robust to sqrt kinks at the edges.

    Each panel [a, b] is mapped by mu = a + (b - a)(1 - cos(pi t))/2, t in [0, 1],
    so that a square-root end point becomes analytic in t; t is integrated by
    Gauss-Legendre on ``subpanels`` equal parts, the outer two of which are cut
    into ``graded`` geometrically shrinking parts towards the panel ends, with
    ``nodes`` points each.

    Why the grading: at a critical angle the outgoing cosine mu2 goes as
    sqrt(mu - mu_c), and alpha ~ Z1 mu Z2 mu2 / (Z1 mu + Z2 mu2)^2 has a pole at
    mu2 = -(Z1/Z2) mu, a distance ~Z1/Z2 from the real t axis.  For strong
    contrasts (Z2/Z1 of a few hundred) equal sub-panels converge slowly there
    (3e-7 in <alpha>, seen as a 1.6e-7 violation of detailed balance); graded
    sub-panels converge geometrically down to distances of 2^-graded of the
    sub-panel width in t.  Detailed balance then holds to ~1e-12 for random
    solids (tests/laws) and for the helium interfaces.

    Returns
    -------
    (nodes, weights) : ndarrays, shape (n,)
    """
    e = np.asarray(edges, dtype=float)
    x, w = np.polynomial.legendre.leggauss(nodes)
    inner = np.linspace(0.0, 1.0, subpanels + 1)
    first = inner[1] * 0.5 ** np.arange(graded, 0, -1)
    t_edges = np.concatenate([[0.0], first, inner[1:-1], 1.0 - first[::-1], [1.0]])
    t = (0.5 * (t_edges[:-1, None] + t_edges[1:, None]) + 0.5 * np.diff(t_edges)[:, None] * x[None, :]).ravel()
    wt = (0.5 * np.diff(t_edges)[:, None] * w[None, :]).ravel()
    a, b = e[:-1, None], e[1:, None]
    mu = a + (b - a) * np.sin(0.5 * np.pi * t[None, :]) ** 2  # = (1 - cos(pi t))/2 without cancellation
    weights = (b - a) * 0.5 * np.pi * np.sin(np.pi * t[None, :]) * wt[None, :]
    return mu.ravel(), weights.ravel()


def hemispherical_averages(
    side1: MaterialSpec, side2: MaterialSpec, incident: str, model: str = "amm"
) -> Mapping[str, float]:
    """<alpha_k> = 2 int_0^1 alpha_k(mu) mu dmu for every outgoing wave k of one incident polarisation.

    This is the fraction of the energy that an isotropic (hemispherical)
    stream of incident phonons of that polarisation sends into each outgoing
    mode; the values sum to 1.

    Returns
    -------
    Mapping
        Outgoing mode -> hemispherical average (dimensionless).
    """
    model = _check_model(model)
    m1, m2 = check_continuum(side1), check_continuum(side2)  # each resolves its side
    pol = _check_incident(m1, incident)
    mu, w = mu_quadrature(_panel_edges(m1, m2, pol, model))
    values = _coefficients(m1, m2, pol, mu, model)
    return MappingProxyType({k: float(2.0 * np.sum(v * mu * w)) for k, v in values.items()})


# ---------------------------------------------------------------------------
# Angle-resolved result
# ---------------------------------------------------------------------------


@result
class AngularTransmission:
    """Angle-resolved energy-flux coefficients of an interface, for every incident polarisation.

    Attributes
    ----------
    side1, side2 : Material
        Incident side and the side beyond the interface.
    model : str
        "amm" or "amm-simple".
    angle : ndarray
        Angles of incidence in rad, from 0 to pi/2: a uniform grid plus every
        critical angle (so that the kinks are drawn sharp), shape (n_points,).
    incident : tuple of str
        Incident polarisations of side 1, shape (n_incident,).
    outgoing : tuple of str
        Outgoing waves, shape (n_outgoing,) (see :func:`outgoing_modes`).
    coefficients : ndarray
        alpha, shape (n_incident, n_outgoing, n_points); sums to 1 over outgoing.
    averages : ndarray
        Hemispherical averages <alpha>, shape (n_incident, n_outgoing).
    critical : Mapping
        Incident polarisation -> {outgoing mode: critical angle in rad}.
    """

    side1: Material
    side2: Material
    model: str
    angle: NDArray[np.float64]
    incident: tuple[str, ...]
    outgoing: tuple[str, ...]
    coefficients: NDArray[np.float64]
    averages: NDArray[np.float64]
    critical: Mapping[str, Mapping[str, float]]

    _summary_fields: ClassVar[tuple[str, ...]] = ("side1", "side2", "model", "incident", "angle", "averages")

    @property
    def transmitted(self) -> NDArray[np.float64]:
        """Total transmitted fraction per incident polarisation, shape (n_incident, n_points)."""
        idx = [k for k, m in enumerate(self.outgoing) if m.startswith("transmitted")]
        return self.coefficients[:, idx, :].sum(axis=1)

    @property
    def mean_transmission(self) -> NDArray[np.float64]:
        """Hemispherical average of the total transmission per incident polarisation, shape (n_incident,)."""
        idx = [k for k, m in enumerate(self.outgoing) if m.startswith("transmitted")]
        return self.averages[:, idx].sum(axis=1)


#: Most angles :func:`amm_angular` evaluates (a run with 1e8 angles needed about 24 GB).
MAX_ANGLES = 100_000
#: Measured peak memory per angle of :func:`amm_angular`, bytes (24 GB / 1e8 angles).
_BYTES_PER_ANGLE = 240


def amm_angular(
    side1: MaterialSpec, side2: MaterialSpec, model: str = "amm", n_angles: int = 361, *, option: str = "n_angles"
) -> AngularTransmission:
    """alpha(theta) of every incident polarisation and outgoing wave on a uniform angle grid.

    Parameters
    ----------
    side1, side2 : Material or str
    model : {"amm", "amm-simple"}
    n_angles : int
        Number of uniformly spaced angles from 0 to pi/2 inclusive (2 to
        :data:`MAX_ANGLES`); the critical angles are added to them.
    option : str
        How error messages name ``n_angles`` (the CLI passes "--angles").

    Returns
    -------
    AngularTransmission
    """
    model = _check_model(model)
    if isinstance(n_angles, bool) or not isinstance(n_angles, (int, np.integer)) or n_angles < 2:
        raise InputError(f"{option} must be an integer >= 2, got {n_angles!r}")
    if n_angles > MAX_ANGLES:
        need = n_angles * _BYTES_PER_ANGLE / 1e9
        raise InputError(
            f"{option} {int(n_angles)} would need ~{need:.3g} GB; at most {MAX_ANGLES:,} angles are evaluated "
            "(alpha(theta) is smooth between the critical angles, which are always included)"
        )
    m1, m2 = check_continuum(side1), check_continuum(side2)  # each resolves its side
    incident, outgoing = polarisations(m1), outgoing_modes(m1, m2)
    critical = {pol: critical_angles(m1, m2, pol, model) for pol in incident}
    kinks = [a for pol in incident for a in critical[pol].values()]
    angle = np.union1d(np.linspace(0.0, np.pi / 2, int(n_angles)), kinks)
    coefficients = np.empty((len(incident), len(outgoing), angle.size))
    averages = np.empty((len(incident), len(outgoing)))
    for i, pol in enumerate(incident):
        values = _coefficients(m1, m2, pol, np.cos(angle), model)
        means = hemispherical_averages(m1, m2, pol, model)
        for j, mode in enumerate(outgoing):
            coefficients[i, j] = values[mode]
            averages[i, j] = means[mode]
    return AngularTransmission(
        side1=m1,
        side2=m2,
        model=model,
        angle=angle,
        incident=incident,
        outgoing=outgoing,
        coefficients=coefficients,
        averages=averages,
        critical=critical,
    )


# ---------------------------------------------------------------------------
# The Landauer model
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AcousticMismatchModel:
    """AMM between two Debye spectra, ready for :func:`kapitza.landauer.conductance`.

    Attributes
    ----------
    side1, side2 : DebyeSpectrum
        Incident and receiving spectra (branch cutoffs in rad/s).
    incident : tuple of str
        Polarisations of side 1, shape (n_incident,).
    transmitted : tuple of str
        Polarisations of side 2, shape (n_transmitted,).
    averages : ndarray
        <alpha_{i -> j}> from incident polarisation i into transmitted
        polarisation j, shape (n_incident, n_transmitted); frequency independent.
    name : str
        "amm" or "amm-simple".
    """

    side1: DebyeSpectrum
    side2: DebyeSpectrum
    incident: tuple[str, ...]
    transmitted: tuple[str, ...]
    averages: NDArray[np.float64]
    name: str

    @property
    def labels(self) -> tuple[str, ...]:
        """Branch labels of side 1."""
        return self.side1.labels

    @property
    def breakpoints(self) -> NDArray[np.float64]:
        """Cutoffs of both spectra (rad/s) up to the top of side 1."""
        return joint_breakpoints(self.side1, self.side2)

    def transmission(self, omega: ArrayLike) -> NDArray[np.float64]:
        """tau_b(omega) per branch of side 1 (mean over its polarisations), shape (n_branches, n_omega)."""
        w = np.atleast_1d(np.asarray(omega, dtype=float))
        cut2 = dict(zip(self.side2.labels, self.side2.cutoffs))
        open_ = np.array([w <= cut2[BRANCH_OF[j]] for j in self.transmitted], dtype=float)  # (n_tr, n_w)
        per_pol = self.averages @ open_  # (n_inc, n_w)
        tau = np.zeros((len(self.labels), w.size))
        for b, label in enumerate(self.labels):
            members = [i for i, pol in enumerate(self.incident) if BRANCH_OF[pol] == label]
            tau[b] = per_pol[members].mean(axis=0)
        return tau

    def transmitted_channels(self, omega: ArrayLike, temperature: ArrayLike | None = None) -> NDArray[np.float64]:
        """M_1,b * tau_b per branch of side 1, m^-2 (rad/s)^-1, shape (1, n_branches, n_omega).

        Elastic: independent of ``temperature`` (K), hence the leading axis of length 1.
        """
        w = np.atleast_1d(np.asarray(omega, dtype=float))
        return (np.atleast_2d(self.side1.channel_density(w)) * self.transmission(w))[None]


def acoustic_mismatch(
    material1: Material,
    material2: Material,
    spectrum1: DebyeSpectrum,
    spectrum2: DebyeSpectrum,
    model: str = "amm",
) -> AcousticMismatchModel:
    """AMM (full or simplified) between two materials with Debye spectra, for the Landauer engine.

    Parameters
    ----------
    material1, material2 : Material
        Elastic data (density, v_L, v_T) of the incident and receiving sides.
    spectrum1, spectrum2 : DebyeSpectrum
        Their Debye spectra (channel densities and branch cutoffs).
    model : {"amm", "amm-simple"}
    """
    model = _check_model(model)
    check_continuum(material1)
    check_continuum(material2)
    incident, transmitted = polarisations(material1), polarisations(material2)
    averages = np.empty((len(incident), len(transmitted)))
    for i, pol in enumerate(incident):
        means = hemispherical_averages(material1, material2, pol, model)
        for j, out in enumerate(transmitted):
            averages[i, j] = means[f"transmitted_{out}"]
    return AcousticMismatchModel(spectrum1, spectrum2, incident, transmitted, averages, model)
