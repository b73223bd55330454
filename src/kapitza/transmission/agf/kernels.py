r"""Numerical kernels of the AGF solver, vectorised over a stack of frequencies.

Everything here works on dense complex blocks of the mass-weighted dynamical
matrix :math:`H = M^{-1/2}\Phi(k_\parallel)M^{-1/2}` (s^-2) at one transverse
wavevector, for a stack of B complex "energies" :math:`z = \omega^2(1 + i\delta)`
(shape (B,)).  The system is a chain of blocks::

    ... U_-1  U_0 | slice_1 ... slice_N | U_1  U_2 ...
      left lead      device (slices)      right lead

where every lead unit U is identical within its lead and couples only to its
neighbours, and every device slice couples only to its neighbours.

Leads (surface Green's functions)
---------------------------------
A lead unit usually has many more degrees of freedom than touch its
neighbours.  Let ``b`` be the DOFs of a unit that couple toward the device
(to the next unit, or to the device for the unit at the surface) and ``r``
the rest.  Eliminating every ``r`` exactly (a Schur complement with
:math:`g_r = (z - H_{rr})^{-1}`) leaves a chain of the ``b`` sets alone, with

.. math::

    \varepsilon_s = H_{bb} + H_{br} g_r H_{rb},\qquad
    \varepsilon = \varepsilon_s + T_{br} g_r T_{br}^\dagger,\qquad
    \tau_\downarrow = T_{bb} + T_{br} g_r H_{rb},\qquad
    \tau_\uparrow = T_{bb}^\dagger + H_{br} g_r T_{br}^\dagger,

where :math:`T = H_{U_{j+1},U_j}` is the coupling from a deeper unit to a
shallower one, :math:`\tau_\downarrow = H_{b_{j+1},b_j}` and
:math:`\tau_\uparrow = H_{b_j,b_{j+1}}`.  At complex z, :math:`g_r` is not
Hermitian, so neither is the reduced chain: :math:`\tau_\uparrow \neq
\tau_\downarrow^\dagger`, and both are kept (taking one as the adjoint of the
other is an O(eta) error).  The surface Green's function
of this reduced chain comes from Lopez Sancho, Lopez Sancho & Rubio's
decimation (J. Phys. F 15, 851 (1985)), which doubles the number of units
folded in at each step; it converges when the effective couplings vanish,
which takes :math:`\log_2` of (decay length / unit) steps: about 25 at
:math:`\delta = 10^{-6}`.  The self-energy on the device slice next to the
lead is :math:`\Sigma = C_b^\dagger g_s C_b` with :math:`C = H_{U_0,\mathrm{slice}}`.

Leads from their Bloch modes
----------------------------
The same surface Green's function follows from the Bloch modes of the reduced
chain (Ando, Phys. Rev. B 44, 8017 (1991); Wang, Wang & Lu, Eur. Phys. J. B
62, 381 (2008)).  A mode :math:`u_{j+1} = \lambda u_j` solves
:math:`(z - \varepsilon - \lambda\tau_\uparrow - \lambda^{-1}\tau_\downarrow)u = 0`,
linearised as :math:`A x = \lambda B x` with :math:`x = (u, \lambda u)`,
:math:`A = [[0, 1], [-\tau_\downarrow, z - \varepsilon]]`,
:math:`B = [[1, 0], [0, \tau_\uparrow]]`.  The couplings of the reduced
chain are rank-deficient (eigenvalues 0 and infinity), so B is singular; the
problem is solved as the standard one :math:`(A - sB)^{-1}B x = \theta x`,
:math:`\lambda = s + 1/\theta`, with a fixed shift s off the unit circle (the
blocks are first divided by their largest entry, so that the identity blocks
and the force constants are on one scale).  The retarded modes are the n
with :math:`|\lambda| < 1` (at Im z > 0 exactly n of the 2n; the
``lambda = 0`` ones included); a mode within :data:`CIRCLE_TOLERANCE` of the
unit circle (possible only as Im z -> 0) is retarded if its energy flux
:math:`J = -2\,\mathrm{Im}(\lambda u^\dagger\tau_\uparrow u)` points away from
the device.  With :math:`U` the n retarded u's and :math:`\Lambda` their
lambdas, the Bloch matrix :math:`F = U\Lambda U^{-1}` carries every solution
one unit deeper (:math:`G_{j+1,0} = F G_{j,0}` for j >= 0), and the surface
equation :math:`(z - \varepsilon_s)G_{00} - \tau_\uparrow G_{10} = 1` gives

.. math:: g_s = (z - \varepsilon_s - \tau_\uparrow U\Lambda U^{-1})^{-1}.

One eigenproblem of size 2n replaces the ~25 doubling steps of size n, and it
is exact at any Im z >= 0.  Where it cannot be trusted (a retarded set of the
wrong size, or an ill-conditioned U: two modes merging at a band edge) the
point is done by decimation instead (:func:`bloch_surface` reports which).

Device (recursive Green's function)
-----------------------------------
Only :math:`G_{N1}` enters the Caroli formula, so the device is swept once
from left to right with the left-connected Green's functions
:math:`g_s = (z - H_s - H_{s,s-1} g_{s-1} H_{s-1,s})^{-1}` (with
:math:`\Sigma_L` in the first and :math:`\Sigma_R` in the last slice); one LU
solve per slice gives both :math:`g_s H_{s,s+1}` and
:math:`G_{s1} = g_s H_{s,s-1} G_{s-1,1}`.  Then

.. math:: \Xi = \mathrm{Tr}\,[\Gamma_R G_{N1} \Gamma_L G_{N1}^\dagger],
          \qquad \Gamma = i(\Sigma - \Sigma^\dagger).

The cost is linear in the number of slices and cubic only in the slice size;
no device-sized matrix is ever formed.  The diagonal blocks :math:`G_{ss}`
(local density of states) need a second sweep from the right; they are
computed only on request (:func:`diagonal_blocks`).

Array backends
--------------
Every kernel runs on numpy or on torch (:mod:`kapitza._backend`): the library of ``z`` decides
(``backend_of(z)``), and the blocks and self-energies passed in are moved to ``z``'s device once per call (a
no-op where they are there already: :func:`to_backend` moves a whole set of blocks ahead of a sweep).  Inside a
call no array returns to the host; what is read back are the scalars that steer the work: the blocks' largest
entry, whether some z has converged (once per decimation step), which points fall back from the Bloch modes to
decimation, the rare degenerate groups of modes on the unit circle at Im z = 0 (:func:`_split_degenerate`, on
the host), and the solvers' singular-matrix flags, read once per call instead of once per solve (torch's
``solve_ex``; a CUDA device would otherwise wait for the host at every slice).  The numpy path is the numpy code
it always was: the backend's numpy operations are numpy's functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..._backend import Backend, backend_of
from ...errors import ConvergenceError, InputError

#: Decimation stops when every effective coupling is below this fraction of the largest block entry.
DECIMATION_TOLERANCE = 1e-13
#: Each decimation step doubles the units folded in: 2^80 units is far beyond any decay length.
MAX_DECIMATION_STEPS = 80

#: Modes with | |lambda| - 1 | below this are classified by their energy flux rather than by |lambda|.
CIRCLE_TOLERANCE = 1e-9
#: Modes on the unit circle whose energy flux (for unit u, in units of the largest block entry) is below this
#: are standing waves at a band edge.
FLUX_TOLERANCE = 1e-8
#: Counting channels at real z: modes with | |lambda| - 1 | below this are propagating (as in modes.py).
COUNT_TOLERANCE = 1e-6
#: Modes on the unit circle whose lambdas differ by less than this are one degenerate group.
DEGENERATE_TOLERANCE = 1e-6
#: A matrix of retarded modes U with a larger condition number is not trusted: that point falls back to decimation.
MODE_CONDITION_LIMIT = 1e10
#: Shift s of the shift-and-invert eigenproblem: off the unit circle, and away from the real axis where the
#: eigenvalues of a Hermitian lead's evanescent modes lie; a point with an eigenvalue at s falls back to decimation.
BLOCH_SHIFT = 0.5 + 0.6j
#: The ways to get a lead's surface Green's function.
LEAD_METHODS = ("decimation", "bloch")

#: A stack of complex blocks: a numpy array, or a tensor of the torch backend (:mod:`kapitza._backend`).
Complex = NDArray[np.complex128]
#: Bytes of one complex128 entry.
COMPLEX_BYTES = 16


def _host(x: Any) -> np.ndarray:
    """``x`` as a numpy array on the host (itself for a numpy array)."""
    return backend_of(x).to_numpy(x)


@dataclass(frozen=True)
class LeadBlocks:
    """Dense blocks of one lead at one k_par, all in s^-2 (numpy arrays, or tensors of one torch device).

    Attributes
    ----------
    onsite : ndarray
        H of one unit, shape (n, n).
    inward : ndarray
        T = H_{deeper unit, shallower unit}, shape (n, n).
    contact : ndarray
        C = H_{surface unit, device slice next to the lead}, shape (n, m).
    boundary, rest : ndarray
        The DOFs of a unit that couple toward the device (through ``inward`` or ``contact``) and the others
        (numpy index arrays, on the host whatever the blocks' backend).
    """

    onsite: Complex
    inward: Complex
    contact: Complex
    boundary: NDArray[np.intp] = field(init=False)
    rest: NDArray[np.intp] = field(init=False)

    def __post_init__(self) -> None:
        tiny = 0.0
        inward, contact = _host(self.inward), _host(self.contact)
        coupled = (np.abs(inward) > tiny).any(axis=1) | (np.abs(contact) > tiny).any(axis=1)
        object.__setattr__(self, "boundary", np.flatnonzero(coupled))
        object.__setattr__(self, "rest", np.flatnonzero(~coupled))


@dataclass(frozen=True)
class DeviceBlocks:
    """Dense blocks of the device at one k_par, s^-2 (numpy arrays, or tensors of one torch device).

    Attributes
    ----------
    onsite : tuple of ndarray
        H_ss of each slice, shapes (m_s, m_s).
    coupling : tuple of ndarray
        H_{s,s+1}, shapes (m_s, m_{s+1}); one fewer than ``onsite``.
    """

    onsite: tuple[Complex, ...]
    coupling: tuple[Complex, ...]


def to_backend(blocks: Any, backend: Backend) -> Any:
    """``blocks`` (a :class:`LeadBlocks`, a :class:`DeviceBlocks`, an object with a ``to_backend(backend)``
    method such as a folded lead, or a tuple or list of them; anything else passes unchanged) with their arrays
    on ``backend``: moved once, ahead of the kernels that use them for a whole stack of frequencies."""
    if hasattr(blocks, "to_backend"):
        return blocks.to_backend(backend)
    if isinstance(blocks, LeadBlocks):
        return LeadBlocks(*(backend.asarray(x) for x in (blocks.onsite, blocks.inward, blocks.contact)))
    if isinstance(blocks, DeviceBlocks):
        return DeviceBlocks(
            onsite=tuple(backend.asarray(x) for x in blocks.onsite),
            coupling=tuple(backend.asarray(x) for x in blocks.coupling),
        )
    if isinstance(blocks, (tuple, list)):
        return type(blocks)(to_backend(b, backend) for b in blocks)
    return blocks


@dataclass(frozen=True)
class SelfEnergy:
    """Self-energy of a lead on its device slice for a stack of z (arrays of ``z``'s backend).

    Attributes
    ----------
    sigma : ndarray
        Sigma, shape (B, m, m), s^-2.
    steps : ndarray
        Decimation steps taken per z, shape (B,); 0 where the Bloch modes gave the surface Green's function.
    surface : ndarray
        Surface Green's function of the lead restricted to its boundary DOFs
        (``LeadBlocks.boundary``), shape (B, nb, nb), s^2.
    """

    sigma: Complex
    steps: NDArray[np.int64]
    surface: Complex

    @property
    def reduced_size(self) -> int:
        """Size of the reduced lead unit the decimation ran on."""
        return int(self.surface.shape[-1])

    @property
    def gamma(self) -> Complex:
        """Broadening matrix i (Sigma - Sigma^dagger), shape (B, m, m)."""
        return 1j * (self.sigma - backend_of(self.sigma).dagger(self.sigma))


def _eye_times(xp: Backend, z: Complex, n: int) -> Complex:
    out = xp.zeros((z.shape[0], n, n), dtype=xp.complex128)
    idx = xp.arange(n)
    out[:, idx, idx] = z[:, None]
    return out


def reduced_lead(z: Complex, lead: LeadBlocks) -> tuple[Complex, Complex, Complex, Complex]:
    """Eliminate the DOFs of each unit that do not couple toward the device.

    Returns
    -------
    eps_surface, eps_bulk, up, down : ndarray
        Shapes (B, nb, nb): on-site blocks of the surface and bulk reduced units,
        up = H_{b_j, b_{j+1}} (shallower -> deeper) and down = H_{b_{j+1}, b_j}.
    """
    return reduce_chain(z, lead.onsite, lead.inward, lead.boundary, lead.rest)


def reduce_chain(
    z: Complex, onsite: Complex, inward: Complex, boundary: NDArray[np.intp], rest: NDArray[np.intp]
) -> tuple[Complex, Complex, Complex, Complex]:
    """:func:`reduced_lead` for explicit blocks: ``onsite`` and ``inward`` of shape (n, n), or (B, n, n) for a
    stack of leads (one per z), and the ``boundary`` and ``rest`` DOFs of a unit."""
    xp = backend_of(z)
    b, r = xp.index(boundary), xp.index(rest)
    h, t = xp.asarray(onsite), xp.asarray(inward)
    nb, nr, batch = b.shape[0], r.shape[0], z.shape[0]
    hbb = h[..., b[:, None], b]
    tbb = t[..., b[:, None], b]
    shape = (batch, nb, nb)
    if nr == 0:
        eps_s = xp.copy(xp.broadcast_to(hbb, shape))
        down = xp.copy(xp.broadcast_to(tbb, shape))
        return eps_s, xp.copy(eps_s), xp.copy(xp.dagger(down)), down
    hbr, hrb, hrr = h[..., b[:, None], r], h[..., r[:, None], b], h[..., r[:, None], r]
    tbr = t[..., b[:, None], r]
    rhs = xp.concatenate([hrb, xp.dagger(tbr)], axis=-1)  # (..., nr, 2 nb)
    a = _eye_times(xp, z, nr)
    a -= hrr
    x, info = xp.solve_ex(a, xp.broadcast_to(rhs, (batch, *rhs.shape[-2:])))
    g_hrb, g_tbr_h = x[..., :nb], x[..., nb:]
    eps_s = hbb + hbr @ g_hrb
    eps = eps_s + tbr @ g_tbr_h
    down = tbb + tbr @ g_hrb
    up = xp.dagger(tbb) + hbr @ g_tbr_h
    xp.check_info([info])
    return eps_s, eps, up, down


def decimate(
    z: Complex,
    eps_surface: Complex,
    eps_bulk: Complex,
    coupling: Complex,
    back: Complex | None = None,
    tolerance: float = DECIMATION_TOLERANCE,
    max_steps: int = MAX_DECIMATION_STEPS,
) -> tuple[Complex, NDArray[np.int64]]:
    """Surface Green's function of a semi-infinite chain by Sancho-Rubio decimation.

    The chain is unit 0 (on-site ``eps_surface``), then units 1, 2, ...
    (``eps_bulk``), with H_{j,j+1} = ``coupling`` pointing away from the surface
    and H_{j+1,j} = ``back`` (default: the adjoint of ``coupling``).

    Parameters
    ----------
    z : ndarray
        Complex omega^2 (s^-2), shape (B,); Im z > 0 is required for convergence.
    eps_surface, eps_bulk, coupling, back : ndarray
        Shape (B, n, n), s^-2.

    Returns
    -------
    g_surface : ndarray
        (z - eps_surface_converged)^-1, shape (B, n, n), s^2.
    steps : ndarray
        Steps taken per z, shape (B,).

    Raises
    ------
    ConvergenceError
        If some z has not converged after ``max_steps`` doublings.
    """
    xp = backend_of(z)
    n = eps_bulk.shape[-1]
    batch = z.shape[0]
    scale = max(xp.absmax(eps_bulk), xp.absmax(coupling), 1e-300)
    eps_s = xp.copy(eps_surface)
    eps = xp.copy(eps_bulk)
    alpha = xp.copy(coupling)
    beta = xp.copy(xp.dagger(coupling) if back is None else back)
    steps = xp.zeros(batch, dtype=xp.int64)
    active = xp.arange(batch)
    zz = xp.copy(z)
    step = 0
    infos = []  # of the solves, checked once at the end (a GPU need not wait for the host at every step)
    while active.shape[0]:
        small = xp.maximum(xp.amax(xp.abs(alpha), (1, 2)), xp.amax(xp.abs(beta), (1, 2))) <= tolerance * scale
        if xp.any(small):
            done = active[small]
            steps[done] = step
            keep = ~small
            active, zz = active[keep], zz[keep]
            eps, alpha, beta = eps[keep], alpha[keep], beta[keep]
            if not active.shape[0]:
                break
        if step >= max_steps:
            xp.check_info(infos)  # a singular matrix on the way is the error to report
            worst = float(xp.abs(z[active[0]])) ** 0.5
            raise ConvergenceError(
                f"surface Green's function decimation did not converge after {max_steps} steps "
                f"(e.g. at omega = {worst:.4g} rad/s); the broadening must be positive: "
                "increase it (eta) or check that the lead force constants are periodic"
            )
        a = _eye_times(xp, zz, n)
        a -= eps
        x, info = xp.solve_ex(a, xp.concatenate([alpha, beta], axis=2))
        infos.append(info)
        g_alpha, g_beta = x[..., :n], x[..., n:]
        a_g_b = alpha @ g_beta
        eps_s[active] += a_g_b
        eps += a_g_b + beta @ g_alpha
        alpha = alpha @ g_alpha
        beta = beta @ g_beta
        step += 1
    a = _eye_times(xp, z, n)
    a -= eps_s
    g, info = xp.inv_ex(a)
    xp.check_info([*infos, info])
    return g, steps


def bloch_surface(
    z: Complex,
    eps_surface: Complex,
    eps_bulk: Complex,
    up: Complex,
    down: Complex,
) -> tuple[Complex, NDArray[np.bool_]]:
    """Surface Green's function of a semi-infinite chain from its retarded Bloch modes (see the module docstring).

    The chain is unit 0 (on-site ``eps_surface``), then units 1, 2, ... (``eps_bulk``), with
    H_{j,j+1} = ``up`` (away from the surface) and H_{j+1,j} = ``down``.

    Parameters
    ----------
    z : ndarray
        Complex omega^2 (s^-2), shape (B,); Im z >= 0 (Im z = 0 is exact here, unlike decimation).
    eps_surface, eps_bulk, up, down : ndarray
        Shape (B, n, n), s^-2.

    Returns
    -------
    g_surface : ndarray
        Shape (B, n, n), s^2; NaN where ``ok`` is False.
    ok : ndarray
        Shape (B,): False where the modes could not be trusted (a retarded set of the wrong size, an
        ill-conditioned matrix of modes, or an eigenvalue at the shift); the caller decimates those.
        At a band edge with Im z = 0 the two modes that merge there count as one retarded mode.
    """
    xp = backend_of(z)
    batch, n, _ = eps_bulk.shape
    lam, u, kind, mod, ok = _classified_modes(z, eps_bulk, up, down, CIRCLE_TOLERANCE)
    n_ret, n_amb = xp.count_nonzero(kind == 0, axis=1), xp.count_nonzero(kind == 1, axis=1)
    ok &= (n_ret <= n) & (n_ret + n_amb >= n)
    key = xp.astype(kind, xp.float64) * 4.0 + xp.where(xp.isfinite(mod), xp.minimum(mod, 2.0), 2.0)
    order = xp.argsort_stable(key, axis=1)
    order = order[:, :n]
    lam_r = xp.take_along_axis(lam, order, axis=1)
    u_r = xp.take_along_axis(u, order[:, None, :], axis=2)
    u_r = u_r / xp.maximum(xp.vector_norm(u_r, axis=1, keepdims=True), 1e-300)
    with xp.errstate(divide="ignore", invalid="ignore", over="ignore"):
        cond = xp.cond(u_r)
    ok &= xp.isfinite(cond) & (cond < MODE_CONDITION_LIMIT) & xp.all(xp.isfinite(lam_r), axis=1)
    g = xp.full((batch, n, n), np.nan, dtype=xp.complex128)
    if not xp.any(ok):
        return g, ok
    u_ok, lam_ok = u_r[ok], lam_r[ok]
    # up F = (up U Lambda) U^-1, from U^dagger (up F)^dagger = (up U Lambda)^dagger
    rhs = up[ok] @ (u_ok * lam_ok[:, None, :])
    x, info = xp.solve_ex(xp.dagger(u_ok), xp.dagger(rhs))
    up_f = xp.dagger(x)
    m = _eye_times(xp, z[ok], n)
    m -= eps_surface[ok]
    m -= up_f
    g[ok], info_inv = xp.inv_ex(m)
    xp.check_info([info, info_inv])
    return g, ok


def _classified_modes(
    z: Complex, eps_bulk: Complex, up: Complex, down: Complex, circle_tolerance: float
) -> tuple[Complex, Complex, NDArray[np.int64], NDArray[np.float64], NDArray[np.bool_]]:
    """Bloch modes of the reduced chain and their kind: 0 retarded, 1 standing (on the circle, no flux), 2 advanced,
    3 a duplicate of a merging pair.  Returns (lambda (B, 2n), u (B, n, 2n), kind (B, 2n), |lambda|, solved (B,)),
    ``u`` not normalised; modes within ``circle_tolerance`` of the unit circle are classified by their flux.
    """
    xp = backend_of(z)
    batch, n, _ = eps_bulk.shape
    scale = max(xp.absmax(eps_bulk), xp.absmax(up), 1e-300)
    a, b = _companion(z, eps_bulk, up, down)
    ok = xp.ones(batch, dtype=xp.bool_)
    try:
        theta, vec = xp.eig(xp.solve(a - BLOCH_SHIFT * b, b))
    except xp.LinAlgError:  # an eigenvalue at the shift in some z: do each z alone
        theta = xp.zeros((batch, 2 * n), dtype=xp.complex128)
        vec = xp.zeros((batch, 2 * n, 2 * n), dtype=xp.complex128)
        for i in range(batch):
            try:
                theta[i], vec[i] = xp.eig(xp.solve(a[i] - BLOCH_SHIFT * b[i], b[i]))
            except xp.LinAlgError:
                ok[i] = False
    with xp.errstate(divide="ignore", invalid="ignore"):
        lam = xp.where(theta != 0, BLOCH_SHIFT + 1.0 / theta, xp.inf)
    u = vec[:, :n, :]
    mod = xp.abs(lam)
    near = xp.abs(mod - 1.0) < circle_tolerance
    # energy flux away from the surface, -2 Im(lambda u^dagger up u) / u^dagger u (sign only)
    flux = (
        -2.0
        * xp.imag(lam * xp.einsum("bin,bij,bjn->bn", xp.conj(u), up / scale, u))
        / xp.maximum(xp.real(xp.einsum("bin,bin->bn", xp.conj(u), u)), 1e-300)
    )
    # 0: retarded (inside the circle, or on it moving away from the surface); 2: advanced; 1: on the circle
    # with no flux (a band edge at Im z = 0: the two merging modes are one, either of them is the limit)
    kind = xp.where(near & (xp.abs(flux) <= FLUX_TOLERANCE), 1, xp.where(xp.where(near, flux > 0, mod < 1.0), 0, 2))
    rows = xp.flatnonzero(xp.count_nonzero(near, axis=1) > 1)
    if rows.shape[0]:  # only as Im z -> 0: degenerate modes on the circle, sorted out on the host
        sub = [xp.to_numpy(x[rows]) for x in (lam, u, kind, near, up, down)]
        lam_h, u_h, kind_h, near_h, up_h, down_h = (np.array(x) for x in sub)  # writable host copies
        for j in range(rows.shape[0]):
            _split_degenerate(lam_h[j], u_h[j], kind_h[j], near_h[j], up_h[j] / scale, down_h[j] / scale)
        lam[rows], u[rows], kind[rows] = xp.asarray(lam_h), xp.asarray(u_h), xp.asarray(kind_h)
    return lam, u, kind, mod, ok


def propagating_channels(z: Complex, lead: LeadBlocks) -> NDArray[np.int64]:
    r"""Number of propagating Bloch modes of a lead in one direction at real z = omega^2, shape (B,).

    This is the ballistic transmission of the perfect lead (one per open channel).  At real z the reduced
    chain is Hermitian (:math:`\tau_\uparrow = \tau_\downarrow^\dagger`), so its propagating modes come in
    pairs of opposite flux with the same lambda on the unit circle: the count is half the eigenvalues
    within :data:`COUNT_TOLERANCE` of the circle, from the eigenvalues alone (no eigenvectors, no
    flux).  Exactly at a band edge a standing wave (two merged modes, no flux) counts as one.

    Parameters
    ----------
    z : ndarray
        omega^2 in s^-2 (real; a complex part is ignored), shape (B,).
    lead : LeadBlocks
    """
    xp = backend_of(z)
    zr = xp.astype(xp.real(xp.asarray(z)), xp.complex128)
    _, eps, up, down = reduced_lead(zr, lead)
    return count_channels(zr, eps, up, down)


def count_channels(z: Complex, eps: Complex, up: Complex, down: Complex) -> NDArray[np.int64]:
    """:func:`propagating_channels` on a reduced chain given by its blocks (shape (B, n, n)) at real z (B,)."""
    xp = backend_of(z)
    a, b = _companion(z, eps, up, down)
    shift = BLOCH_SHIFT
    try:
        theta = xp.eigvals(xp.solve(a - shift * b, b))
    except xp.LinAlgError:  # an eigenvalue at the shift: another shift, also off the unit circle
        shift = 2 * BLOCH_SHIFT
        theta = xp.eigvals(xp.solve(a - shift * b, b))
    with xp.errstate(divide="ignore", invalid="ignore"):
        lam = xp.where(theta != 0, shift + 1.0 / theta, xp.inf)
    return _count_on_circle(lam)


def _count_on_circle(lam: Complex) -> NDArray[np.int64]:
    xp = backend_of(lam)
    near = xp.count_nonzero(xp.abs(xp.abs(lam) - 1.0) < COUNT_TOLERANCE, axis=-1)
    return xp.astype((near + 1) // 2, xp.int64)


def _companion(z: Complex, eps: Complex, up: Complex, down: Complex) -> tuple[Complex, Complex]:
    """The pencil (A, B) of the reduced chain's Bloch modes, every block divided by the largest entry."""
    xp = backend_of(z)
    batch, n, _ = eps.shape
    scale = max(xp.absmax(eps), xp.absmax(up), 1e-300)
    a = xp.zeros((batch, 2 * n, 2 * n), dtype=xp.complex128)
    b = xp.zeros((batch, 2 * n, 2 * n), dtype=xp.complex128)
    idx = xp.arange(n)
    a[:, idx, n + idx] = 1.0
    a[:, n:, :n] = -down / scale
    a[:, n:, n:] = -eps / scale
    a[:, n + idx, n + idx] += (z / scale)[:, None]
    b[:, idx, idx] = 1.0
    b[:, n:, n:] = up / scale
    return a, b


def _split_degenerate(lam: Complex, u: Complex, kind: NDArray[np.int64], near: NDArray[np.bool_], up: Complex,
                      down: Complex) -> None:  # fmt: skip
    """Make the modes of each group of equal lambdas on the unit circle flux-orthogonal (in place, one z; numpy
    arrays on the host).

    Within a degenerate group eig returns any basis; the energy flux J = u^dagger i(lambda up - lambda* down) u
    is diagonal only in the basis of eigenvectors of that Hermitian form on the group's span.  A merging pair
    at a band edge (parallel vectors) spans one direction: the spare column is dropped (kind 2).
    """
    idx = np.flatnonzero(near)
    used = np.zeros(idx.size, dtype=bool)
    for a in range(idx.size):
        if used[a]:
            continue
        group = idx[(~used) & (np.abs(lam[idx] - lam[idx[a]]) < DEGENERATE_TOLERANCE)]
        used |= np.isin(idx, group)
        if group.size < 2:
            continue
        q, sv, _ = np.linalg.svd(u[:, group], full_matrices=False)
        q = q[:, sv > 1e-6 * sv[0]]
        lg = lam[idx[a]]
        form = q.conj().T @ (1j * (lg * up - np.conj(lg) * down)) @ q
        flux, c = np.linalg.eigh(0.5 * (form + form.conj().T))
        vecs = q @ c
        for j, col in enumerate(group):
            if j < vecs.shape[1]:
                u[:, col] = vecs[:, j]
                lam[col] = lg
                kind[col] = 1 if abs(flux[j]) <= FLUX_TOLERANCE else (0 if flux[j] > 0 else 2)
            else:
                kind[col] = 3  # a duplicate direction of a merging pair: never chosen


def self_energy(z: Complex, lead: LeadBlocks, method: str = "decimation") -> SelfEnergy:
    """Self-energy of a semi-infinite lead on the device slice it touches, shape (B, m, m).

    ``method`` is "decimation" (Lopez Sancho-Rubio, needs Im z > 0) or "bloch" (the lead's retarded Bloch
    modes; points where they cannot be trusted are decimated, see :func:`surface_green`).
    """
    xp = backend_of(z)
    g_s, steps = surface_green(z, *reduced_lead(z, lead), method)
    cb = xp.asarray(lead.contact)[xp.index(lead.boundary), :]
    sigma = xp.conj(cb).T @ g_s @ cb
    return SelfEnergy(sigma=sigma, steps=steps, surface=g_s)


def surface_green(
    z: Complex, eps_surface: Complex, eps_bulk: Complex, up: Complex, down: Complex, method: str
) -> tuple[Complex, NDArray[np.int64]]:
    """Surface Green's function of a reduced lead chain (:func:`reduced_lead`) for a stack of z, shape (B, n, n),
    and the decimation steps per z, shape (B,).

    "bloch": from the retarded Bloch modes (:func:`bloch_surface`); the points where those cannot be trusted are
    decimated.  "decimation": by :func:`decimate` throughout.  Steps are 0 where the Bloch modes gave the answer.
    """
    if method not in LEAD_METHODS:
        raise InputError(f"the lead method must be one of {', '.join(LEAD_METHODS)}, got {method!r}")
    if method == "decimation":
        return decimate(z, eps_surface, eps_bulk, up, down)
    xp = backend_of(z)
    g_s, ok = bloch_surface(z, eps_surface, eps_bulk, up, down)
    steps = xp.zeros(z.shape[0], dtype=xp.int64)
    if not xp.all(ok):
        bad = ~ok
        g_s[bad], steps[bad] = decimate(z[bad], eps_surface[bad], eps_bulk[bad], up[bad], down[bad])
    return g_s, steps


def caroli(z: Complex, device: DeviceBlocks, sigma_left: Complex, sigma_right: Complex) -> NDArray[np.float64]:
    """Caroli transmission Tr[Gamma_R G_N1 Gamma_L G_N1^dagger] for a stack of z, shape (B,).

    One left-to-right sweep of the recursive Green's function; see the module docstring.
    """
    xp = backend_of(z)
    sigma_left, sigma_right = xp.asarray(sigma_left), xp.asarray(sigma_right)
    g_n1 = green_n1(z, device, sigma_left, sigma_right)
    gamma_l = 1j * (sigma_left - xp.dagger(sigma_left))
    gamma_r = 1j * (sigma_right - xp.dagger(sigma_right))
    weighted = gamma_r @ g_n1 @ gamma_l
    return xp.real(xp.einsum("bij,bij->b", weighted, xp.conj(g_n1)))


def green_n1(z: Complex, device: DeviceBlocks, sigma_left: Complex, sigma_right: Complex) -> Complex:
    """G_N1, the block of the device Green's function from the first slice to the last, shape (B, m_N, m_1)."""
    xp = backend_of(z)
    n_slices = len(device.onsite)
    batch = z.shape[0]
    schur = xp.asarray(sigma_left)  # what the part left of the current slice adds to it
    carry = None  # H_{s,s-1} G_{s-1,1}: the source for G_s1
    infos = []  # of the solves, checked once at the end (no host round trip inside the sweep)
    for s in range(n_slices):
        h = xp.asarray(device.onsite[s])
        m = h.shape[0]
        a = _eye_times(xp, z, m)
        a -= h
        a -= schur
        if s == n_slices - 1:
            a -= xp.asarray(sigma_right)
        source = xp.broadcast_to(xp.eye(m, dtype=xp.complex128), (batch, m, m)) if carry is None else carry
        if s < n_slices - 1:
            right = xp.asarray(device.coupling[s])
            x, info = xp.solve_ex(a, xp.concatenate([xp.broadcast_to(right, (batch, *right.shape)), source], axis=2))
            down = xp.conj(right).T  # H_{s+1,s}
            y = down @ x
            k = right.shape[1]
            schur = y[..., :k]
            carry = y[..., k:]
        else:
            g_n1, info = xp.solve_ex(a, source)
        infos.append(info)
    xp.check_info(infos)
    return g_n1


def diagonal_blocks(z: Complex, device: DeviceBlocks, sigma_left: Complex, sigma_right: Complex) -> list[Complex]:
    """Diagonal blocks G_ss of the device Green's function, each of shape (B, m_s, m_s).

    Two sweeps: left-connected self-energies from the left, right-connected
    ones from the right; G_ss = (z - H_ss - Sigma^<_s - Sigma^>_s)^-1.
    """
    xp = backend_of(z)
    batch = z.shape[0]
    onsite = [xp.asarray(h) for h in device.onsite]
    coupling = [xp.asarray(c) for c in device.coupling]
    sigma_left, sigma_right = xp.asarray(sigma_left), xp.asarray(sigma_right)
    n_slices = len(onsite)
    infos = []  # of the solves, checked once at the end
    left = [sigma_left]
    for s in range(n_slices - 1):
        a = _eye_times(xp, z, onsite[s].shape[0]) - onsite[s] - left[s]
        right = coupling[s]
        x, info = xp.solve_ex(a, xp.broadcast_to(right, (batch, *right.shape)))
        infos.append(info)
        left.append(xp.conj(right).T @ x)
    right_sigma: list[Complex] = [sigma_right] * n_slices
    for s in range(n_slices - 1, 0, -1):
        a = _eye_times(xp, z, onsite[s].shape[0]) - onsite[s] - right_sigma[s]
        up = coupling[s - 1]  # H_{s-1,s}
        x, info = xp.solve_ex(a, xp.broadcast_to(xp.conj(up).T, (batch, up.shape[1], up.shape[0])))
        infos.append(info)
        right_sigma[s - 1] = up @ x
    out = []
    for s in range(n_slices):
        extra = right_sigma[s] if s < n_slices - 1 else sigma_right
        a = _eye_times(xp, z, onsite[s].shape[0]) - onsite[s] - left[s] - extra
        g, info = xp.inv_ex(a)
        out.append(g)
        infos.append(info)
    xp.check_info(infos)
    return out


def resident_bytes(lead_dof: int, slice_dof: int, n_slices: int) -> float:
    """Bytes of the dense blocks of one k point that :func:`to_backend` puts on a device for a sweep.

    Both leads' on-site and inward blocks (n x n) and contacts (n x m), the device's ``n_slices`` slices and
    ``n_slices - 1`` couplings (m x m), complex; ``lead_dof`` n and ``slice_dof`` m are the largest ones
    (:class:`.inputs.ModelSizes`).  Leads folded onto primitive ones (:mod:`.folding`) hold fewer.
    """
    n, m = int(lead_dof), int(slice_dof)
    return float(COMPLEX_BYTES * (2 * (2 * n * n + n * m) + (2 * int(n_slices) - 1) * m * m))


def device_bytes(sizes: Any, batch: int, lead_method: str = "bloch") -> float:
    """Bytes on the device of one task of ``batch`` stacked frequencies at one k point.

    ``sizes`` is the model's :class:`.inputs.ModelSizes` (``lead_dof``, ``slice_dof``, ``n_slices`` and its
    ``bytes_per_frequency(lead_method)``, the kernels' peak workspace per stacked frequency, which counts the
    arrays the kernels allocate and the copies their solvers make: the same arrays on numpy and on torch).  The
    blocks resident for the task (:func:`resident_bytes`) plus ``batch`` times that workspace; the model's
    sparse matrices stay on the host.
    """
    return resident_bytes(sizes.lead_dof, sizes.slice_dof, sizes.n_slices) + int(batch) * float(
        sizes.bytes_per_frequency(lead_method)
    )
