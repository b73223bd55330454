"""One unit of an AGF sweep: Xi for one k point's blocks and a chunk of stacked frequencies.

The kernel that both the in-process sweep (:func:`.solver.transmission`) and the dask workers
(:func:`.parallel.run_on_dask`) run, below both of them: the solver hands a sweep to the dask driver, whose workers
call :func:`solve_chunk` here, so neither imports the other for it.  The leads' surface Green's functions come from
decimation or Bloch modes (:func:`lead_method_for`), a folded lead from its primitive leads (:mod:`.folding`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..._backend import NUMPY, Backend
from ...errors import InputError
from . import kernels
from .folding import FoldedLead

#: Reduced lead units (DOFs) from which ``lead_method="auto"`` takes the Bloch modes instead of decimation.
#: Measured (SW Si [001], eta = 1e-6, one BLAS thread, ms per z, Bloch / decimation): 12 DOF (1x1 cells)
#: 0.31 / 0.19; 48 (2x2) 6.7 / 6.5; 108 (3x3) 44 / 62; 192 (4x4) 177 / 155: decimation wins clearly only
#: for small units, above that the two are within the machine's noise and the Bloch modes are exact at any eta.
#: ``python benchmarks/agf.py`` prints this comparison for 1x1 to 6x6.
BLOCH_MIN_SIZE = 100


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Limit BLAS/LAPACK, and OpenMP, to one thread while the kernels run (threadpoolctl, if installed); the
    limits are set back afterwards.

    The kernels call LAPACK on stacks of small matrices (tens of rows), where
    OpenBLAS's threading only adds synchronisation: on two cores a threaded
    BLAS made the sweep about three times slower.  Parallelism comes from
    running tasks in separate processes instead (:mod:`.parallel`).  OpenMP is torch's CPU thread pool (its
    intra-op threads, ``torch.get_num_threads``): the same kernels on torch's CPU (``--device torch-cpu``) took
    73 s with its 2 threads on the loaded 2-core machine (load 7) against 0.14 s with one (SW Si | Ge 1x1, 2 k
    points x 20 frequencies); on a GPU it limits only the host's side.  Where no OpenMP library is loaded (numpy
    alone, with an OpenBLAS built on pthreads) the OpenMP limit is nothing.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional speed-up
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"), threadpool_limits(limits=1, user_api="openmp"):
        yield


def _self_energy(z: NDArray[np.complex128], lead: Any, method: str) -> kernels.SelfEnergy:
    """A lead's self-energy: a supercell lead folded onto its primitive leads (:mod:`.folding`) or as it is."""
    if isinstance(lead, FoldedLead):
        return lead.self_energy(z, method)
    return kernels.self_energy(z, lead, method)


def lead_method_for(lead: kernels.LeadBlocks, lead_method: str = "auto") -> str:
    """The surface Green's function method for ``lead``: "decimation" or "bloch" as asked, or by size for "auto".

    "auto" takes the Bloch modes from a reduced lead unit of :data:`BLOCH_MIN_SIZE` DOFs up, decimation
    below (see the constant for the measurement behind it).
    """
    if check_lead_method(lead_method) == "auto":
        return "bloch" if lead.boundary.size >= BLOCH_MIN_SIZE else "decimation"
    return lead_method


def check_lead_method(lead_method: str) -> str:
    """``lead_method`` if it is "auto", "decimation" or "bloch"; InputError otherwise."""
    if lead_method != "auto" and lead_method not in kernels.LEAD_METHODS:
        raise InputError(
            f"lead_method must be 'auto' or one of {', '.join(repr(m) for m in kernels.LEAD_METHODS)}, "
            f"got {lead_method!r}"
        )
    return lead_method


def solve_stack(
    blocks: tuple[Any, Any, Any],
    omega: NDArray[np.float64],
    eta: float,
    lead_method: str = "auto",
    backend: Backend = NUMPY,
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]:
    """Xi for one k point's blocks and a stack of frequencies on ``backend``; returns (xi, steps left, steps right),
    each of shape (B,), on the host.

    ``blocks`` are numpy arrays or already on ``backend`` (:func:`.kernels.to_backend`, a no-op then);
    ``lead_method``: "auto", "decimation" or "bloch" (:func:`lead_method_for`); the steps are 0 for Bloch modes.
    """
    on_host = backend.name == "numpy"
    left, device, right = blocks if on_host else kernels.to_backend(blocks, backend)
    z = (omega**2 * (1.0 + 1j * eta)).astype(complex)
    if not on_host:
        z = backend.asarray(z)
    sl = _self_energy(z, left, lead_method_for(left, lead_method))
    sr = _self_energy(z, right, lead_method_for(right, lead_method))
    xi = kernels.caroli(z, device, sl.sigma, sr.sigma)
    host = backend.to_numpy
    return host(xi), host(sl.steps).astype(np.int64), host(sr.steps).astype(np.int64)


def solve_chunk(
    blocks: tuple[Any, Any, Any], omega: NDArray[np.float64], eta: float, lead_method: str = "auto"
) -> tuple[NDArray[Any], int, int]:
    """Xi for one k point's blocks and a chunk of frequencies; returns (xi, max steps left, right).

    ``lead_method``: "auto", "decimation" or "bloch" (:func:`lead_method_for`); the steps are 0 for Bloch modes.
    """
    xi, sl, sr = solve_stack(blocks, omega, eta, lead_method)
    return xi, int(sl.max(initial=0)), int(sr.max(initial=0))


#: A unit of work: (k index, offset of its first frequency, its frequencies).
Unit = tuple[int, int, NDArray[np.float64]]


def stacks(units: Sequence[Unit], batch: int) -> list[list[Unit]]:
    """``units`` cut into stacks solved in one call each: consecutive units of one k point whose frequencies
    together are at most ``batch`` (a unit larger than ``batch`` is a stack alone, never split)."""
    out: list[list[Unit]] = []
    size = 0
    for unit in units:
        if out and out[-1][0][0] == unit[0] and size + unit[2].size <= batch:
            out[-1].append(unit)
            size += unit[2].size
        else:
            out.append([unit])
            size = unit[2].size
    return out


def solve_units(
    blocks_of: Callable[[int], tuple[Any, Any, Any]],
    units: Sequence[Unit],
    eta: float,
    lead_method: str = "auto",
    backend: Backend = NUMPY,
    batch: int | None = None,
) -> Iterator[tuple[int, int, NDArray[np.float64], int, int]]:
    """Solve the (k index, offset, frequencies) ``units`` on ``backend``; yield (ik, offset, xi, steps left,
    steps right) for each unit as its stack finishes.

    ``blocks_of(ik)`` gives a k point's blocks (host arrays); they are moved to the backend once per k point and
    kept there for its stacks.  On a GPU consecutive units of one k point are stacked up to ``batch`` frequencies
    per call (:func:`stacks`), which fills the device, and a unit larger than ``batch`` is solved in pieces; the
    units, and so a checkpoint's entries, are the same
    whatever the device (a run resumes on another).  ``batch`` None: one unit per call (the CPU's way: the units
    are sized for the host already).  Each unit's steps are those of its own frequencies.
    """
    groups = [[u] for u in units] if batch is None else stacks(units, int(batch))
    current: tuple[int, Any] | None = None
    for group in groups:
        ik = group[0][0]
        if current is None or current[0] != ik:
            current = None  # the previous k point's blocks are released before the next one's are made
            blocks = blocks_of(ik)
            current = (ik, blocks if backend.name == "numpy" else kernels.to_backend(blocks, backend))
        omega = group[0][2] if len(group) == 1 else np.concatenate([u[2] for u in group])
        if batch is None or omega.size <= batch:
            xi, sl, sr = solve_stack(current[1], omega, eta, lead_method, backend)
        else:  # one unit larger than fits the device at once: solved in pieces, the unit stays whole
            parts = [solve_stack(current[1], omega[i : i + batch], eta, lead_method, backend)
                     for i in range(0, omega.size, int(batch))]  # fmt: skip
            xi, sl, sr = (np.concatenate(p) for p in zip(*parts))
        at = 0
        for _, start, w in group:
            part = slice(at, at + w.size)
            at += w.size
            yield ik, start, xi[part], int(sl[part].max(initial=0)), int(sr[part].max(initial=0))


__all__ = [
    "BLOCH_MIN_SIZE",
    "check_lead_method",
    "lead_method_for",
    "single_threaded_blas",
    "solve_chunk",
    "solve_stack",
    "solve_units",
    "stacks",
]
