"""One unit of an AGF sweep: Xi for one k point's blocks and a chunk of stacked frequencies.

The kernel that both the in-process sweep (:func:`.solver.transmission`) and the dask workers
(:func:`.parallel.run_on_dask`) run, below both of them: the solver hands a sweep to the dask driver, whose workers
call :func:`solve_chunk` here, so neither imports the other for it.  The leads' surface Green's functions come from
decimation or Bloch modes (:func:`lead_method_for`), a folded lead from its primitive leads (:mod:`.folding`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from numpy.typing import NDArray

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
    """Limit BLAS/LAPACK to one thread while the kernels run (threadpoolctl, if installed).

    The kernels call LAPACK on stacks of small matrices (tens of rows), where
    OpenBLAS's threading only adds synchronisation: on two cores a threaded
    BLAS made the sweep about three times slower.  Parallelism comes from
    running tasks in separate processes instead (:mod:`.parallel`).
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional speed-up
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
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


def solve_chunk(
    blocks: tuple[Any, Any, Any], omega: NDArray[np.float64], eta: float, lead_method: str = "auto"
) -> tuple[NDArray[Any], int, int]:
    """Xi for one k point's blocks and a chunk of frequencies; returns (xi, max steps left, right).

    ``lead_method``: "auto", "decimation" or "bloch" (:func:`lead_method_for`); the steps are 0 for Bloch modes.
    """
    left, device, right = blocks
    z = (omega**2 * (1.0 + 1j * eta)).astype(complex)
    sl = _self_energy(z, left, lead_method_for(left, lead_method))
    sr = _self_energy(z, right, lead_method_for(right, lead_method))
    xi = kernels.caroli(z, device, sl.sigma, sr.sigma)
    return xi, int(sl.steps.max(initial=0)), int(sr.steps.max(initial=0))


__all__ = ["BLOCH_MIN_SIZE", "check_lead_method", "lead_method_for", "single_threaded_blas", "solve_chunk"]
