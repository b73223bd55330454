"""The compiled evaluation of the EELS estimator's fits: chi2, J^T J and J^T rho of every row of a block in one
pass over its (rows x channel pairs), where numpy needs about thirty (:meth:`.lm.Problem._evaluate` is the
same arithmetic written as array operations, and stays the path without numba and on torch).

Optional: it needs numba (``pip install 'kapitza[fast]'``); without it every path runs numpy's passes and gives
the same temperatures to rounding (far below 1e-9 K; ``tests/analysis/eels/test_eels_kernel.py``).  What it
changes is the time of a map, which is these evaluations for the most part: ``benchmarks/eels.py`` prints the
map with and without it beside a per-pixel loop.

The arithmetic per channel pair is :meth:`.lm.Problem._evaluate`'s, term for term: r = exp(-beta E), u = G - r L
- (1 - r) B, the variance WG + r^2 WL, and the derivative columns. The tail B and its shape column come from
:meth:`.lm.Problem.tail`, the one copy of the tail families, as numpy arrays (numpy's exponential is vectorised;
numba's is one call per value); only the order of the sums differs (each row's sums are accumulated in a fixed
order, so a row's numbers do not depend on the other rows of its block or on the thread that computes it). On a
uniform grid of pair energies (every map: E = k w) r is carried from one pair to the next as r q, q = exp(-beta w),
with r recomputed exactly every ``_REFRESH`` pairs (the carried product is then within about 16 roundings of exp's
value).

Threads: the kernel releases the GIL, so a map's blocks fitted in a pool of threads (``eels map --workers``) run
their evaluations side by side.  Compiled on the first call in a process and cached by numba on disk beside this
module (or in numba's user cache where that folder is not writable), so a later process loads the machine code
instead of compiling it (0.13 s against 0.8 s here).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

#: Extra that installs numba.
EXTRA = "fast"
#: Pairs between two exact exponentials of r on a uniform grid (the rest carried by one multiplication each).
_REFRESH = 16
#: The compiled row, bound by :func:`_compiled` (None until then).
_row_jit: Any = None


def _row(i, free, r_zero, has_h, beta, e, de, b, h, data, out):  # pragma: no cover
    """numba's source: row ``i`` (see the module docstring).  ``b``: the tail B (m, n); ``h`` (one row shared by
    every row, or m): dB/dtheta_1 / B where ``has_h`` (a two-parameter tail), else unused; ``data`` = (G, L, WG,
    WL, W), each (m, n).  Writes into ``out`` = (chi2, a, g): chi2[i], a[i] (k, k), g[i] (k,), k = free + 1 +
    has_h; the tail's last column is dB/dtheta_1 before its row factor (the caller scales it, as
    :meth:`.lm.Problem._evaluate` does)."""
    g_, l_, wg, wl, w = data
    chi2, a, g = out
    n = g_.shape[1]
    lo = 0 if free else 1
    hi = 3 if has_h else 2
    hr = i if h.shape[0] > 1 else 0
    rr = np.empty(n)
    bi = beta[i]
    if r_zero:
        for j in range(n):
            rr[j] = 0.0
    elif de > 0.0:
        q = np.exp(-bi * de)
        r = 1.0
        for j in range(n):
            if j % _REFRESH == 0:
                r = np.exp(-bi * e[j])
            else:
                r = r * q
            rr[j] = r
    else:
        for j in range(n):
            rr[j] = np.exp(-bi * e[j])
    c = 0.0
    g0 = 0.0
    g1 = 0.0
    g2 = 0.0
    a00 = 0.0
    a01 = 0.0
    a02 = 0.0
    a11 = 0.0
    a12 = 0.0
    a22 = 0.0
    for j in range(n):
        r = rr[j]
        bj = b[i, j]
        t = r * (l_[i, j] - bj)
        u = (g_[i, j] - bj) - t
        s = r * r * wl[i, j]
        inv = w[i, j] / (wg[i, j] + s)
        ui = u * inv
        c += u * ui
        c0 = (ui * s + t) * e[j]
        c1 = bj * (r - 1.0)
        c2 = c1 * h[hr, j] if has_h else 0.0
        g0 += c0 * ui
        g1 += c1 * ui
        g2 += c2 * ui
        w0 = c0 * inv
        w1 = c1 * inv
        a00 += w0 * c0
        a01 += w0 * c1
        a02 += w0 * c2
        a11 += w1 * c1
        a12 += w1 * c2
        a22 += c2 * inv * c2
    chi2[i] = c
    gg = (g0, g1, g2)
    aa = ((a00, a01, a02), (a01, a11, a12), (a02, a12, a22))
    for u_ in range(lo, hi):
        g[i, u_ - lo] = gg[u_]
        for v_ in range(lo, hi):
            a[i, u_ - lo, v_ - lo] = aa[u_][v_]


def _rows(free, r_zero, has_h, beta, e, de, b, h, data, out):  # pragma: no cover
    """numba's source: every row, one after the other (``data`` and ``out`` as :func:`_row`'s)."""
    for i in range(beta.shape[0]):
        _row_jit(i, free, r_zero, has_h, beta, e, de, b, h, data, out)


@lru_cache(maxsize=1)
def _compiled() -> Any:
    """The compiled kernel, or None where numba is not installed."""
    try:
        import numba
    except ImportError:
        return None
    global _row_jit
    # reassociation lets the compiler vectorise each row's sums (their order is then its own, the same for every
    # row and every call); no finite-math assumption: NaN and inf propagate as in numpy, and such rows are refused
    opts = dict(nogil=True, cache=True, error_model="numpy", fastmath={"reassoc", "contract"})
    try:
        _row_jit = numba.njit(**opts)(_row)
        return numba.njit(**opts)(_rows)
    except RuntimeError:  # numba found no folder to cache in (a read-only install): compiled in every process
        opts["cache"] = False
        _row_jit = numba.njit(**opts)(_row)
        return numba.njit(**opts)(_rows)


def available() -> bool:
    """Whether the compiled kernel can run here (numba importable)."""
    return _compiled() is not None


def uniform_step(e: NDArray[np.float64]) -> float:
    """The step of a uniform grid ``e`` (to 1e-12 of its largest value), 0 where it is not uniform."""
    if e.size < 2:
        return 0.0
    step = float(e[1] - e[0])
    ok = step > 0 and float(np.max(np.abs(np.diff(e) - step))) <= 1e-12 * float(np.max(np.abs(e)))
    return step if ok else 0.0


def evaluate(
    free: bool,
    r_zero: bool,
    beta: NDArray[np.float64],
    e: NDArray[np.float64],
    de: float,
    b: NDArray[np.float64],
    h: NDArray[np.float64] | None,
    data: tuple[NDArray[np.float64], ...],
    out: tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]],
) -> None:
    """chi2, J^T J, J^T rho of every row into ``out`` (see :func:`_row`): ``b`` the tail (m, n), ``h`` its
    shape column (1 or m, n) or None; ``data`` = (G, L, WG, WL, W), (m, n); all C-ordered float64.  Needs
    :func:`available`."""
    has_h = h is not None
    h2 = np.atleast_2d(h) if has_h else np.zeros((1, 1))
    _compiled()(bool(free), bool(r_zero), has_h, beta, e, float(de), b, h2, tuple(data), tuple(out))


def warm() -> None:
    """Compile (or load from numba's cache) the kernel now, on a one-row problem: a map's memory statement then
    counts the compiler's and the machine code's resident memory (about 50-70 MB here).  Needs :func:`available`."""
    e = np.arange(1.0, 9.0)
    row = np.ones((1, e.size))
    out = (np.empty(1), np.empty((1, 3, 3)), np.empty((1, 3)))
    evaluate(True, False, np.full(1, 0.1), e, 1.0, row, row, (row, 2 * row, row, row, row), out)
