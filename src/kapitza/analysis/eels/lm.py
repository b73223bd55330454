"""The vectorised Levenberg-Marquardt engine of the EELS joint fit: every row of a block fitted at once.

:class:`Problem` evaluates one tail family's whitened residuals over the rows x channel pairs (chi2, J^T J and J^T
rho: about thirty passes, on numpy, compiled by :mod:`.kernel`, or on torch, :class:`Work`), and :func:`solve_lm`
steps every row on its own (normal equations per row, no per-row Python loop); :func:`cov00` is beta's variance.

Convergence: a row stops when its accepted Levenberg-Marquardt step is below 1e-12 relative in every parameter
(tail parameters absolute 1e-12), or, once a step was below 1e-10, at the first step that no longer lowers chi2
(the rounding floor); the fits converge linearly (about a factor 13 a step), so the parameters end within about
1e-13 of the minimum.  The rounding of sums over a longer or shorter grid (a block's other rows set its extent),
of numpy's passes against the compiled kernel (:mod:`.kernel`) or torch, then moves a temperature by far less
than 1e-9 K (``tests/analysis/eels/test_eels_core.py`` holds every path to 1e-9 K; a stop at 1e-10 alone left
5e-9 K between numpy and the kernel on one pixel in 4096).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..._backend import NUMPY, Backend
from .tails import E_REF, tail_features, voigt_log

#: A family's fit stops where its step is below this, relative (tail parameters absolute) ...
XTOL = 1e-12
#: ... or, once a step was below this, where no step lowers chi2 any more (the rounding floor of chi2 and its
#: gradient: some rows cannot step below XTOL).  Two routes to the same minimum (numpy's passes, the compiled
#: kernel, torch) then stop within 3e-11 K of each other where 1e-10 alone left 5e-9 K between them (measured on
#: 64 x 64 images at 512 and 2048 channels, benchmarks/eels.py's generator).
XTOL_NEAR = 1e-10
#: The first pass (the neighbours' observed variances) only sets the second's variances: a looser stop.
XTOL_FIRST = 1e-6
#: The no-gain test and the upper bound need chi2 itself, to this much (their thresholds are 2.71 and 4).
FTOL_CHI2 = 1e-3
#: The longest step of a tail parameter (ln A, an exponent, ln m, ln gamma) in one iteration.
_MAX_TAIL_STEP = 2.0
_MAX_ITER = 200


class _NumpyOps:
    """The evaluation's array operations on numpy: numpy's own functions (no wrapper, the numpy path's numbers and
    speed are those of plain numpy)."""

    mul = staticmethod(np.multiply)
    sub = staticmethod(np.subtract)
    add = staticmethod(np.add)
    div = staticmethod(np.divide)
    exp = staticmethod(np.exp)
    clip = staticmethod(np.clip)
    vecdot = staticmethod(np.vecdot)


class _TorchOps:
    """The same operations on torch tensors (same names, same ``out=`` and broadcasting)."""

    def __init__(self, torch: Any):
        self.mul, self.sub, self.add, self.div, self.exp = torch.mul, torch.sub, torch.add, torch.div, torch.exp
        self.clip = torch.clamp
        self.vecdot = torch.linalg.vecdot


class Work:
    """What every evaluation of a block's fits shares: the array backend (:mod:`kapitza._backend`), its scratch
    arrays (rows x pairs, on the backend's device), and the data already moved there.

    No large temporaries are allocated in the iterations (fresh arrays of a few hundred kB each cost the process
    page faults).  (Evaluating a block in tiles of rows that stay in the cache was measured and was not faster: the
    exponentials and the number of passes, not the memory traffic, set the time.)  On numpy the data are used where
    they are; on torch each host array is copied to the device once (:meth:`put`) however many problems use it.
    ``row_evaluations`` counts rows x evaluations (benchmarks).
    """

    NAMES = ("r", "b", "lb", "u", "t", "s", "inv", "ui", "c0", "c2", "ci")

    def __init__(self, m: int, n: int, backend: Backend = NUMPY, compiled: bool = False):
        self.m, self.n = m, n
        self.backend = backend
        self.numpy = backend.name == "numpy"
        #: the evaluations compiled (:mod:`.kernel`) instead of numpy's passes
        self.compiled = bool(compiled) and self.numpy
        if self.numpy:
            self.ops: Any = _NumpyOps
        else:
            import torch  # installed: the backend exists

            self.ops = _TorchOps(torch)
        if self.compiled:
            self.buf = {"b": np.empty((m, n))}  # the tail's values, from numpy (the kernel's input)
        elif self.numpy:
            self.buf = {name: np.empty((m, n)) for name in self.NAMES}
        else:
            self.buf = {name: backend.zeros((m, n)) for name in self.NAMES}
        self._moved: dict[int, tuple[NDArray, Any]] = {}
        self.row_evaluations = 0

    def put(self, a: NDArray) -> Any:
        """``a`` on the backend's device: ``a`` itself on numpy (C-ordered for the compiled kernel, which is compiled
        for that layout once), a cached device copy on torch."""
        if self.numpy:
            return np.ascontiguousarray(a) if self.compiled else a
        held = self._moved.get(id(a))
        if held is None or held[0] is not a:
            held = (a, self.backend.asarray(np.ascontiguousarray(a), dtype=float))
            self._moved[id(a)] = held
        return held[1]


class Problem:
    """The rows' data and one family's model: chi2, J^T J and J^T rho of the whitened residuals at parameters x.

    ``x`` (m, 1 + k): beta = 1/k_B T in 1/meV, then the tail parameters (``fixed_beta``: the tail parameters only,
    with beta held at ``fixed_beta`` (m,), inf meaning r = 0).  Residual of pair i: (G - r L - (1 - r) B) /
    sqrt(WG + r^2 WL), r = exp(-beta E); its derivatives written out (beta also through the variance).  A shape
    parameter's column is c h dB/dln A with h shared by all rows (c scales its row and column of J^T J afterwards),
    and the row sums are dot products (``vecdot``): about 30 passes over the rows x pairs per evaluation.  The
    passes run on the work's backend (numpy, or torch on its device); x in and chi2, J^T J, J^T rho out are host
    arrays, and the Levenberg-Marquardt steps (a few numbers per row) are taken on the host.
    """

    KEYS = ("G", "L", "WG", "WL", "W", "feat", "shape")

    def __init__(
        self,
        family: str,
        e: NDArray,
        d: dict[str, NDArray],
        work: Work,
        fixed_beta: NDArray | None = None,
        _on_device: dict[str, Any] | None = None,
    ):
        self.family = family
        self.e = e
        self.work = work
        self.fixed = fixed_beta
        self.sigma = d.get("sigma")
        if _on_device is None:
            if "feat" not in d:
                shared = family in ("lorentzian-power", "pearson7") and "feat_h" in d
                d["feat"] = d["feat_h"] if shared else tail_features(family, e, d["h"])
                if family == "lorentzian-power":
                    d["shape"] = np.exp(-1.5 * d["feat"])
            _on_device = {k: work.put(d[k]) for k in self.KEYS if k in d}
        self.dv = _on_device
        self._step: float | None = None  # the pair energies' uniform step (compiled path), found once
        self.e_dev = work.put(e)
        self.neg_e = -self.e_dev

    @property
    def size(self) -> int:
        return int(self.dv["G"].shape[0])

    def subset(self, keep: NDArray) -> Problem:
        idx = keep if self.work.numpy else self.work.backend.index(keep)
        dv = {k: (v[idx] if v.ndim == 2 else v) for k, v in self.dv.items()}
        host = {} if self.sigma is None else {"sigma": self.sigma[keep]}
        fixed = None if self.fixed is None else self.fixed[keep]
        sub = Problem(self.family, self.e, host, self.work, fixed, dv)
        sub._step = self._step
        return sub

    def tail(self, theta: Any, b: Any) -> tuple[Any, Any]:
        """B into ``b``; dB/dtheta_1 = c h B as (h (n,) or (m, n), c (m,) or None), (None, None) for a
        one-parameter tail (dB/d ln A = B).  ``theta`` on the backend's device."""
        d, op = self.dv, self.work.ops
        a = theta[:, 0:1]
        fam = self.family
        if fam == "lorentzian-power":
            op.mul(d["shape"], op.exp(a), out=b)
            return None, None
        if fam in ("power-law", "pearson7"):
            p = theta[:, 1:2] if fam == "power-law" else op.exp(op.clip(theta[:, 1:2], -50.0, 50.0))
            feat = d["feat"]
            op.mul(p, feat, out=b)
            op.sub(a, b, out=b)
            op.exp(b, out=b)
            # dB/dp = -feat B (power law); dB/d ln m = -m feat B (Pearson VII)
            return feat, (0.0 * p[:, 0] - 1.0 if fam == "power-law" else -p[:, 0])
        # the Voigt tail's Faddeeva function is scipy's: computed on the host, moved to the device
        th = self.work.backend.to_numpy(theta)
        gamma = np.exp(np.clip(th[:, 1], -50.0, 50.0))
        lv, dlv = voigt_log(self.e, self.sigma, gamma)
        lr, dlr = voigt_log(np.array([E_REF]), self.sigma, gamma)
        bb = np.exp(np.clip(th[:, 0:1] + lv - lr, -700.0, 700.0))
        if self.work.numpy:
            b[...] = bb
            return dlv - dlr, None
        b.copy_(self.work.backend.asarray(bb))
        return self.work.backend.asarray(dlv - dlr), None

    def __call__(self, x: NDArray) -> tuple[NDArray, NDArray, NDArray, NDArray]:
        m = self.size
        work = self.work
        work.row_evaluations += m
        xd = x if work.numpy else work.backend.asarray(x, dtype=float)
        if self.fixed is None:
            beta, theta = xd[:, 0], xd[:, 1:]
            r_zero = False
        else:
            r_zero = bool(np.all(np.isinf(self.fixed)))
            beta, theta = (self.fixed if work.numpy else work.put(self.fixed)), xd
        k = theta.shape[1] + (self.fixed is None)
        if work.numpy:
            chi2, a, g = np.empty(m), np.empty((m, k, k)), np.empty((m, k))
        else:
            chi2, a, g = work.backend.zeros(m), work.backend.zeros((m, k, k)), work.backend.zeros((m, k))
        with np.errstate(all="ignore"):
            if work.compiled:
                self._evaluate_compiled(beta, theta, chi2, a, g, r_zero)
            else:
                self._evaluate(beta, theta, chi2, a, g, r_zero)
        if not work.numpy:
            chi2, a, g = (work.backend.to_numpy(v) for v in (chi2, a, g))
        ok = np.isfinite(chi2) & np.all(np.isfinite(a), axis=(1, 2)) & np.all(np.isfinite(g), axis=1)
        return chi2, a, g, ok

    def _evaluate_compiled(self, beta: NDArray, theta: NDArray, chi2: NDArray, a: NDArray, g: NDArray, r_zero: bool):
        """:meth:`_evaluate`'s numbers from :mod:`.kernel`: the tail here (:meth:`tail`, numpy), the passes over
        the pairs in one compiled loop."""
        from . import kernel

        n = beta.shape[0]
        b = self.work.buf["b"][:n]
        h, c = self.tail(theta, b)
        if self._step is None:
            self._step = kernel.uniform_step(self.e)
        data = tuple(self.dv[k] for k in ("G", "L", "WG", "WL", "W"))
        beta = np.ascontiguousarray(beta, dtype=float)
        kernel.evaluate(self.fixed is None, r_zero, beta, self.e, self._step, b, h, data, (chi2, a, g))
        if c is not None:
            k = a.shape[1]
            a[:, k - 1, :] *= c[:, None]
            a[:, :, k - 1] *= c[:, None]
            g[:, k - 1] *= c

    def _evaluate(self, beta: Any, theta: Any, chi2: Any, a: Any, g: Any, r_zero: bool) -> None:
        """chi2, J^T J and J^T rho into ``chi2``, ``a``, ``g`` (one pass over the pairs per array operation), on the
        work's backend: the same code on numpy arrays and on torch tensors."""
        d, buf, op = self.dv, self.work.buf, self.work.ops
        n = beta.shape[0]
        r, b, lb, u, t, s, inv, ui = (buf[name][:n] for name in ("r", "b", "lb", "u", "t", "s", "inv", "ui"))
        free = self.fixed is None
        if r_zero:
            r.fill(0.0) if self.work.numpy else r.fill_(0.0)
        else:
            op.mul(beta[:, None], self.neg_e, out=r)
            op.exp(r, out=r)
        h, c = self.tail(theta, b)
        op.sub(d["L"], b, out=lb)
        op.sub(d["G"], b, out=u)
        op.mul(r, lb, out=t)  # r (L - B)
        op.sub(u, t, out=u)  # u = G - r L - (1 - r) B
        op.mul(r, r, out=s)
        op.mul(s, d["WL"], out=s)  # r^2 WL
        op.add(d["WG"], s, out=inv)
        op.div(d["W"], inv, out=inv)  # mask / variance of u
        op.mul(u, inv, out=ui)
        chi2[:] = op.vecdot(u, ui)
        cols = []
        if free:
            c0 = buf["c0"][:n]
            op.mul(ui, s, out=c0)
            op.add(c0, t, out=c0)
            op.mul(c0, self.e_dev, out=c0)  # d u / d beta, with the variance's dependence on beta
            cols.append(c0)
        op.sub(r, 1.0, out=r)  # -(1 - r): d u / d theta = -(1 - r) dB/dtheta
        op.mul(b, r, out=lb)  # d u / d ln A (L - B no longer needed)
        cols.append(lb)
        if h is not None:
            c2 = buf["c2"][:n]
            op.mul(lb, h, out=c2)  # d u / d theta_1, divided by c
            cols.append(c2)
        ci = buf["ci"][:n]
        k = len(cols)
        for i in range(k):
            op.mul(cols[i], inv, out=ci)
            g[:, i] = op.vecdot(cols[i], ui)
            for j in range(i, k):
                a[:, i, j] = a[:, j, i] = op.vecdot(ci, cols[j])
        if c is not None:
            a[:, k - 1, :] *= c[:, None]
            a[:, :, k - 1] *= c[:, None]
            g[:, k - 1] *= c


def solve_lm(
    problem: Problem,
    x0: NDArray,
    lam0: float = 1e-3,
    xtol: float = XTOL,
    bounds: tuple[NDArray, NDArray] | None = None,
    ftol: float = 0.0,
) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """Levenberg-Marquardt (Marquardt's diagonal scaling, Nielsen's damping update) for every row at once; each row
    stops on its own.

    Steps solve (J^T J + lam diag(J^T J)) dx = -J^T rho; a step is taken where it lowers chi2, and lam then moves by the
    ratio of the actual to the predicted decrease (Nielsen, IMM-REP-1999-05, DTU (1999): lam x max(1/3, 1 - (2 q - 1)^3)
    on success, x 2, 4, 8 ... on failures in a row), which does not oscillate as a fixed x10 / /10 rule does.
    ``bounds`` (lo, hi), rows (m, k): the parameters are kept inside them (a step is cut back to the box), so that a
    tail parameter the data do not constrain cannot run away; a parameter on the box's edge whose gradient points out of
    it is held there while the others step (the constrained minimum, in as few steps as inside).  A row stops when an
    accepted step is below ``xtol`` relative in every parameter, or, where the tail has a direction the data do not
    constrain (a Voigt width going to 0), when an accepted step moves beta by less than ``xtol`` (at most
    ``XTOL_NEAR``) relative and chi2 by less than 1e-9 relative (with ``xtol`` below ``XTOL_NEAR``: while a tail
    parameter still moves by more than 1e-6).  A step is at most half of beta and ``_MAX_TAIL_STEP`` in a tail parameter
    (shortened along its direction).  ``ftol`` > 0: a row also stops when an undamped (lam <= 1e-3) accepted step lowers
    chi2 by less than ``ftol`` (where only chi2 itself is needed, to that precision).  With ``xtol`` below
    ``XTOL_NEAR``, a row whose accepted step was below ``XTOL_NEAR`` also stops at the first step that does not lower
    chi2 (the rounding floor; the last accepted point is kept).  ``lam0``: the first damping.  Returns x (m, k), chi2
    (m,), J^T J at x (m, k, k) and whether the row converged.
    """
    m, k = x0.shape
    x = x0.copy()
    chi2, a, g, ok = problem(x)
    lam = np.full(m, lam0)
    nu = np.full(m, 2.0)
    done = np.zeros(m, dtype=bool)
    near = np.zeros(m, dtype=bool)  # an accepted step below XTOL_NEAR (the final fits' stop only)
    fine = xtol < XTOL_NEAR
    active = ok.copy()
    cur = np.arange(m)  # rows of the original problem held by ``part``
    part = problem
    eye = np.eye(k)
    for _ in range(_MAX_ITER):
        live = active[cur]
        if not np.any(live):
            break
        if np.count_nonzero(live) <= cur.size // 2:
            keep = np.flatnonzero(live)
            cur = cur[keep]
            part = part.subset(keep)
            live = np.ones(cur.size, dtype=bool)
        xa, aa, ga, ca, la = x[cur], a[cur], g[cur], chi2[cur], lam[cur]
        diag = np.einsum("ijj->ij", aa)
        mat = aa + (la[:, None] * np.where(diag > 0, diag, 1.0))[:, :, None] * eye
        mat[~live] = eye
        ga = np.where(live[:, None], ga, 0.0)
        if bounds is not None:
            # a parameter on the box's edge whose gradient points out of the box is held there (its row and column
            # of the normal equations replaced by the identity, its gradient by 0): the others then step as for
            # the constrained minimum, where a step cut back to the box zig-zags to the iteration limit
            held = ((xa <= bounds[0][cur]) & (ga > 0)) | ((xa >= bounds[1][cur]) & (ga < 0))
            if np.any(held):
                mat = np.where(held[:, :, None] | held[:, None, :], eye, mat)
                ga = np.where(held, 0.0, ga)
        with np.errstate(all="ignore"):
            try:
                step = -np.linalg.solve(mat, ga[..., None])[..., 0]
            except np.linalg.LinAlgError:
                step = np.stack([-np.linalg.lstsq(mm, gg, rcond=None)[0] for mm, gg in zip(mat, ga)])
        # a step longer than half of beta or 2 in a tail parameter (log amplitudes, exponents) is shortened along its
        # direction: far from the minimum the linearisation is poor, and one wild step can land where the tail
        # vanishes and no gradient leads back
        limit = np.full(step.shape, _MAX_TAIL_STEP)
        if part.fixed is None:
            limit[:, 0] = 0.5 * np.abs(xa[:, 0])
        with np.errstate(all="ignore"):
            scale = np.min(np.where(np.abs(step) > limit, limit / np.abs(step), 1.0), axis=1)
        step = step * scale[:, None]
        xn = xa + step
        if bounds is not None:
            xn = np.clip(xn, bounds[0][cur], bounds[1][cur])
            step = xn - xa
        cn, an, gn, okn = part(xn)
        with np.errstate(all="ignore"):
            # predicted decrease of chi2 = |rho|^2 by the linearised step: -(2 dx.g + dx.A.dx)
            pred = -(2.0 * np.einsum("ij,ij->i", step, ga) + np.einsum("ij,ijk,ik->i", step, aa, step))
            gain = (ca - cn) / pred
        better = live & okn & np.all(np.isfinite(step), axis=1) & (cn <= ca * (1.0 + 1e-14))
        small = np.all(np.abs(step) <= xtol * (np.abs(xa) + xtol), axis=1)
        if part.fixed is None:
            flat = (np.abs(step[:, 0]) <= max(xtol, XTOL_NEAR) * np.abs(xa[:, 0])) & (ca - cn <= 1e-9 * ca)
            if fine:  # a direction the data do not constrain: a tail parameter still wandering (above 1e-6)
                flat &= np.any(np.abs(step[:, 1:]) > 1e-6 * (np.abs(xa[:, 1:]) + 1e-6), axis=1)
            small |= flat
        acc = cur[better]
        x[acc], chi2[acc], a[acc], g[acc] = xn[better], cn[better], an[better], gn[better]
        q = np.where(np.isfinite(gain), gain, 0.0)
        shrink = np.maximum(1.0 / 3.0, 1.0 - (2.0 * np.clip(q, 0.0, 1.0) - 1.0) ** 3)
        lam[cur] = np.where(better, np.maximum(la * shrink, 1e-15), np.where(live, la * nu[cur], la))
        nu[cur] = np.where(better, 2.0, np.where(live, 2.0 * nu[cur], nu[cur]))
        conv = better & small
        if ftol > 0:
            conv |= better & (ca - cn <= ftol) & (la <= 1e-3)
        if fine:
            conv |= live & ~better & near[cur]  # at the rounding floor: the last accepted point is the minimum
            near[cur[better & np.all(np.abs(step) <= XTOL_NEAR * (np.abs(xa) + XTOL_NEAR), axis=1)]] = True
        stuck = live & ~better & (lam[cur] > 1e25)
        done[cur[conv]] = True
        active[cur[conv | stuck]] = False
    return x, chi2, a, done


def cov00(a: NDArray) -> NDArray:
    """(J^T J)^+ [0, 0] per row: the pseudo-inverse keeping singular values of J above 1e-8 of the largest."""
    val, vec = np.linalg.eigh(a)
    top = val[:, -1:]
    keep = val > 1e-16 * top
    inv = np.where(keep, 1.0 / np.where(keep, val, 1.0), 0.0)
    return np.einsum("ij,ij->i", vec[:, 0, :] ** 2, inv)
