r"""Bloch modes of the leads and transmission resolved by incident mode.

Bloch modes
-----------
In a lead with unit blocks :math:`H_{00}` and :math:`H_{01}` (unit j to j+1
along +z), a Bloch mode :math:`u_{j+1} = \lambda u_j` at :math:`E = \omega^2`
solves the quadratic eigenvalue problem

.. math:: \left(E - H_{00} - \lambda H_{01} - \lambda^{-1} H_{01}^\dagger\right) u = 0,

linearised as a generalised eigenproblem of twice the unit size (Ando,
Phys. Rev. B 44, 8017 (1991); the rank-deficient :math:`H_{01}` of a thick
principal layer only adds eigenvalues 0 and infinity, which are dropped).
Propagating modes have :math:`|\lambda| = 1`; their energy flux through a unit
boundary, :math:`J = -2\,\mathrm{Im}(\lambda\,u^\dagger H_{01} u) = dE/dq` for
:math:`u^\dagger u = 1` (Hellmann-Feynman), gives the direction and the
group velocity :math:`v_z = J\,L/(2\omega)` with L the unit thickness and
:math:`q = k_z L = \arg\lambda`.  Degenerate modes are made flux-orthogonal
by diagonalising the flux matrix within their subspace.

Mode-resolved transmission
--------------------------
A unit-flux wave incident in mode n from the left lead drives the device
with the source :math:`s_n = C^\dagger(u_n - \lambda_n g_L H_{01} u_n)`,
where :math:`g_L` is the left lead's surface Green's function and C its
coupling to the device (derivation: write the left-lead wave as incident
plus retarded reflected part and eliminate the lead with :math:`g_L`; see
e.g. Khomyakov et al., Phys. Rev. B 72, 035450 (2005) for electrons, Ong &
Zhang, Phys. Rev. B 91, 174302 (2015) for phonons).  The power it delivers
into the right lead, divided by the incident flux, is

.. math:: \tau_n = \frac{s_n^\dagger G_{N1}^\dagger \Gamma_R G_{N1} s_n}{J_n},

and because :math:`\Gamma_L = \sum_n s_n s_n^\dagger / J_n` over the incident
propagating modes, :math:`\sum_n \tau_n` equals the Caroli trace (up to the
broadening).  :func:`mode_transmission` returns both, so the identity is a
check on every call.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ...errors import InputError
from ...io.results import result
from . import kernels
from .model import LayeredModel

#: Modes with | |lambda| - 1 | below this are propagating.
PROPAGATING_TOLERANCE = 1e-6
#: Propagating modes whose lambdas differ by less than this are treated as degenerate.
DEGENERATE_TOLERANCE = 1e-7


@result
class BlochModes:
    """Propagating Bloch modes of a lead at one (omega, k_par), all directions.

    Attributes
    ----------
    lam : ndarray
        lambda = exp(i q), shape (n_modes,).
    vectors : ndarray
        Mass-weighted displacements of one unit, u^dagger u = 1 (after flux
        orthogonalisation within degenerate groups: unit flux norm), shape (n, n_modes).
    flux : ndarray
        J = dE/dq in s^-2 for u^dagger u = 1, shape (n_modes,): > 0 moves along +z.
    kz : ndarray
        Wavevector along z, rad/m, shape (n_modes,).
    velocity : ndarray
        Group velocity along z, m/s, shape (n_modes,).
    longitudinal : ndarray
        Fraction |u_z|^2 / |u|^2 of the mode, shape (n_modes,).
    """

    lam: NDArray[np.complex128]
    vectors: NDArray[np.complex128]
    flux: NDArray[np.float64]
    kz: NDArray[np.float64]
    velocity: NDArray[np.float64]
    longitudinal: NDArray[np.float64]

    @property
    def right_going(self) -> NDArray[np.bool_]:
        return self.flux > 0

    @property
    def count(self) -> int:
        """Number of propagating channels in one direction."""
        return int(np.count_nonzero(self.flux > 0))


def unit_thickness(model: LayeredModel, side: str) -> float:
    """Thickness of one lead unit along z, m (distance between the first atoms of two consecutive units)."""
    r = model.block_range
    n_blocks = len(model.bounds) - 1
    a, b = (0, 1) if side == "left" else (n_blocks - 2, n_blocks - 1)
    za = model.positions[model.atom_of_dof[r(a).start], 2]
    zb = model.positions[model.atom_of_dof[r(b).start], 2]
    return float(abs(zb - za))


def bloch_modes(model: LayeredModel, side: str, omega: float, kappa: ArrayLike) -> BlochModes:
    """Propagating Bloch modes of the ``side`` lead at angular frequency ``omega`` (rad/s) and ``kappa``."""
    if not np.isfinite(omega) or omega <= 0:
        raise InputError(f"omega must be a positive angular frequency in rad/s, got {omega!r}")
    h00, h01 = model.lead_blocks(side, kappa)
    return _modes(h00, h01, float(omega), unit_thickness(model, side))


def _modes(h00: NDArray[np.complex128], h01: NDArray[np.complex128], omega: float, length: float) -> BlochModes:
    # scipy.linalg here, not at the top: it loads scipy's own OpenBLAS beside numpy's (a second BLAS library
    # in the process), which the AGF sweeps themselves never need
    import scipy.linalg as sla

    n = h00.shape[0]
    scale = float(np.abs(h00).max(initial=0.0)) or 1.0  # O(1) blocks: the identity blocks set the scale
    e = omega**2 / scale
    eye = np.eye(n)
    zero = np.zeros((n, n))
    a = np.block([[zero, eye], [-h01.conj().T / scale, e * eye - h00 / scale]])
    b = np.block([[eye, zero], [zero, h01 / scale]])
    (alpha, beta), vec = sla.eig(a, b, homogeneous_eigvals=True)
    finite = np.abs(beta) > 1e-12 * np.abs(alpha)
    lam = np.full(alpha.shape, np.inf, dtype=complex)
    lam[finite] = alpha[finite] / beta[finite]
    prop = finite & (np.abs(np.abs(lam) - 1.0) < PROPAGATING_TOLERANCE)
    lam = lam[prop] / np.abs(lam[prop])
    u = vec[:n, prop]
    u = u / np.linalg.norm(u, axis=0)
    out_u, out_l, out_j = [], [], []
    used = np.zeros(lam.size, dtype=bool)
    for i in range(lam.size):
        if used[i]:
            continue
        group = np.flatnonzero(~used & (np.abs(lam - lam[i]) < DEGENERATE_TOLERANCE))
        used[group] = True
        ug = u[:, group]
        lg = lam[i]
        v = 1j * (lg * h01 - np.conj(lg) * h01.conj().T)
        m = ug.conj().T @ v @ ug
        s = ug.conj().T @ ug
        mu, c = sla.eigh(0.5 * (m + m.conj().T), 0.5 * (s + s.conj().T))
        vecs = ug @ c  # c^dagger S c = 1: unit norm per mode
        for k in range(group.size):
            out_u.append(vecs[:, k] / np.linalg.norm(vecs[:, k]))
            out_l.append(lg)
            out_j.append(mu[k] / np.linalg.norm(vecs[:, k]) ** 2)
    if out_u:
        vectors = np.column_stack(out_u)
        lam_arr = np.array(out_l)
        flux = np.array(out_j)
    else:
        vectors = np.zeros((n, 0), dtype=complex)
        lam_arr = np.zeros(0, dtype=complex)
        flux = np.zeros(0)
    q = np.angle(lam_arr)
    uz = vectors.reshape(n // 3, 3, -1)[:, 2, :] if n % 3 == 0 else vectors
    longitudinal = np.sum(np.abs(uz) ** 2, axis=0)
    return BlochModes(
        lam=lam_arr,
        vectors=vectors,
        flux=flux,
        kz=q / length,
        velocity=flux * length / (2 * omega),
        longitudinal=longitudinal,
    )


def channel_count(model: LayeredModel, side: str, omega: ArrayLike, kappa: ArrayLike) -> NDArray[np.int64]:
    """Number of propagating channels (right-going modes) of a lead at each omega, shape (n_omega,)."""
    w = np.atleast_1d(np.asarray(omega, dtype=float))
    h00, h01 = model.lead_blocks(side, kappa)
    length = unit_thickness(model, side)
    return np.array([_modes(h00, h01, float(x), length).count for x in w], dtype=np.int64)


@result
class ModeTransmission:
    """Transmission of each incident propagating mode of the left lead at one (omega, k_par).

    Attributes
    ----------
    omega : float
        rad/s.
    kappa : ndarray
        Fractional in-plane wavevector, shape (2,).
    modes : BlochModes
        The incident (right-going) modes of the left lead.
    tau : ndarray
        Transmission probability of each incident mode, shape (n_modes,).
    caroli : float
        Tr[Gamma_R G Gamma_L G^dagger] at the same point: equals tau.sum() up to the broadening.
    """

    omega: float
    kappa: NDArray[np.float64]
    modes: BlochModes
    tau: NDArray[np.float64]
    caroli: float


def mode_transmission(model: LayeredModel, omega: float, kappa: ArrayLike, eta: float = 1e-9) -> ModeTransmission:
    """Transmission resolved by incident Bloch mode of the left lead, with the Caroli trace beside it.

    Parameters
    ----------
    model : LayeredModel
    omega : float
        Angular frequency, rad/s.
    kappa : array_like
        Fractional in-plane wavevector, shape (2,).
    eta : float
        Relative broadening of the Green's functions (small: the mode
        decomposition is exact as eta -> 0).
    """
    k = np.asarray(kappa, dtype=float).reshape(2)
    modes = bloch_modes(model, "left", omega, k)
    incident = modes.flux > 0
    left, device, right = model.blocks_at(k)
    z = np.array([omega**2 * (1 + 1j * eta)])
    sl = kernels.self_energy(z, left)
    sr = kernels.self_energy(z, right)
    g_n1 = kernels.green_n1(z, device, sl.sigma, sr.sigma)[0]
    gamma_r = sr.gamma[0]
    xi = float(kernels.caroli(z, device, sl.sigma, sr.sigma)[0])
    _, h01 = model.lead_blocks("left", k)
    b = left.boundary
    cb = left.contact[b, :]
    u = modes.vectors[:, incident]
    lam = modes.lam[incident]
    bu = (h01 @ u)[b]
    src = cb.conj().T @ (u[b] - lam[None, :] * (sl.surface[0] @ bu))
    out = g_n1 @ src
    power = np.einsum("in,ij,jn->n", out.conj(), gamma_r, out).real
    tau = power / modes.flux[incident]
    chosen = BlochModes(
        lam=lam,
        vectors=u,
        flux=modes.flux[incident],
        kz=modes.kz[incident],
        velocity=modes.velocity[incident],
        longitudinal=modes.longitudinal[incident],
    )
    return ModeTransmission(omega=float(omega), kappa=k, modes=chosen, tau=tau, caroli=xi)
