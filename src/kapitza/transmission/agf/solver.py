r"""Transmission spectra and conductance: the (omega, k_par) sweep of the AGF solver.

Broadening
----------
Every Green's function is evaluated at the complex "energy"
:math:`z = \omega^2(1 + i\eta)` (s^-2), the same relative broadening in the
leads and the device.  A relative (rather than constant) broadening keeps the
smearing a fixed fraction of the frequency, :math:`\Delta\omega \approx
\eta\omega/2`, from the acoustic limit to the optical top; it must be
positive for the decimation to converge (ConvergenceError otherwise).  The
transmission converges as :math:`\eta \to 0` (with O(eta) corrections away
from band edges); :func:`broadening_check` reports G at eta and eta/2.

Transverse wavevectors
----------------------
:math:`\Xi(\omega) = \sum_\kappa w_\kappa\,\Xi(\omega,\kappa) / \sum_\kappa w_\kappa`
over a Monkhorst-Pack grid of fractional in-plane wavevectors
:math:`\kappa`.  Time reversal makes :math:`\Xi(\omega,\kappa) =
\Xi(\omega,-\kappa)` (the dynamical matrix at :math:`-\kappa` is the complex
conjugate), so only one of each pair is computed, with weight 2.

Conductance
-----------
The transmitted channel density per area per rad/s handed to the Landauer
engine is :math:`\Phi(\omega) = \Xi(\omega) / (2\pi A)`, with A the
cross-section of the lateral cell, and
:math:`G(T) = \int \hbar\omega\,\Phi\,\partial n/\partial T\,d\omega`
(:func:`kapitza.landauer.integrate`).  This is the two-probe (Caroli)
conductance of lead | interface | lead.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import field, replace
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ... import landauer
from ..._backend import NUMPY, Backend, check_device, device_argument, device_memory, select_backend
from ...cluster import check_connect_timeout
from ...errors import InputError
from ...io.results import result
from . import kernels
from .chunk import (  # noqa: F401 - BLOCH_MIN_SIZE, lead_method_for, solve_chunk: re-exported, the names solver has
    BLOCH_MIN_SIZE,  # always offered
    check_lead_method,
    lead_method_for,
    single_threaded_blas,
    solve_chunk,
    solve_units,
    stacks,
)
from .execution import Execution
from .folding import FoldedLead, LeadFold
from .inputs import ModelSizes
from .model import LayeredModel, as_kappa

#: Default relative broadening eta in z = omega^2 (1 + i eta).
DEFAULT_ETA = 1e-6
#: Frequencies per task: large enough to amortise Python overhead, small enough to balance workers.
DEFAULT_CHUNK = 25
Progress = Callable[[int, int], None]


def monkhorst_pack(n1: int, n2: int | None = None) -> NDArray[np.float64]:
    """Monkhorst-Pack grid of fractional in-plane wavevectors, shape (n1 n2, 2).

    kappa_i = (2 i - n - 1) / (2 n), i = 1..n: symmetric about 0, Gamma
    included for odd n.
    """
    n2 = n1 if n2 is None else n2
    for n in (n1, n2):
        if int(n) != n or n < 1:
            raise InputError(f"k-point grid sizes must be positive integers, got {n!r}")
    g1 = (2 * np.arange(1, n1 + 1) - n1 - 1) / (2 * n1)
    g2 = (2 * np.arange(1, n2 + 1) - n2 - 1) / (2 * n2)
    return np.array([(a, b) for a in g1 for b in g2], dtype=float)


def reduce_time_reversal(kappa: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Keep one of each (kappa, -kappa) pair (mod 1); return (points, weights)."""
    k = as_kappa(kappa)
    key = np.round(np.mod(k, 1.0) * 1e9).astype(np.int64) % 1_000_000_000
    neg = np.round(np.mod(-k, 1.0) * 1e9).astype(np.int64) % 1_000_000_000
    seen: dict[tuple[int, int], int] = {}
    points, weights = [], []
    for idx in range(k.shape[0]):
        mine = (int(key[idx, 0]), int(key[idx, 1]))
        partner = (int(neg[idx, 0]), int(neg[idx, 1]))
        if partner in seen:
            weights[seen[partner]] += 1.0
            continue
        seen[mine] = len(points)
        points.append(k[idx])
        weights.append(1.0)
    return np.array(points), np.array(weights)


def frequency_grid(omega_max: float, n: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Midpoint grid on (0, omega_max): nodes (i - 1/2) d, weights d = omega_max / n (rad/s)."""
    if not np.isfinite(omega_max) or omega_max <= 0:
        raise InputError(f"omega_max must be a positive angular frequency in rad/s, got {omega_max!r}")
    if int(n) != n or n < 1:
        raise InputError(f"the number of frequencies must be a positive integer, got {n!r}")
    d = omega_max / n
    return (np.arange(n) + 0.5) * d, np.full(int(n), d)


def trapezoid_weights(omega: NDArray[np.float64]) -> NDArray[np.float64]:
    """Trapezoid weights for increasing omega > 0, with a transmission of 0 at omega = 0 (rad/s)."""
    w = np.asarray(omega, dtype=float)
    edges = np.concatenate([[0.0], w])
    h = np.diff(edges)
    out = 0.5 * (h + np.concatenate([h[1:], [0.0]]))
    return out


def lead_max_frequency(model: LayeredModel, side: str, kappa: ArrayLike, samples: int = 24) -> float:
    """Highest bulk frequency (rad/s) of a lead over the given in-plane wavevectors and ``samples`` k_z."""
    top = 0.0
    for k in as_kappa(kappa):
        h00, h01 = model.lead_blocks(side, k)
        for q in np.linspace(-np.pi, np.pi, samples, endpoint=False):
            hq = h00 + h01 * np.exp(1j * q) + h01.conj().T * np.exp(-1j * q)
            top = max(top, float(np.linalg.eigvalsh(hq).max()))
    return float(np.sqrt(max(top, 0.0)))


@result
class TransmissionResult:
    """Phonon transmission of an interface model.

    Attributes
    ----------
    omega : ndarray
        Angular frequencies, rad/s, shape (n_omega,).
    omega_weights : ndarray
        Quadrature weights for the Landauer integral, rad/s, shape (n_omega,).
    kpoints : ndarray
        Fractional in-plane wavevectors computed, shape (n_k, 2).
    kweights : ndarray
        Their weights (2 for a time-reversal pair), shape (n_k,).
    xi_k : ndarray
        Xi(omega, kappa), shape (n_k, n_omega).
    eta : float
        Relative broadening.
    area : float or None
        Lateral cell area, m^2 (None for a 1D model).
    steps : ndarray
        Largest number of decimation steps per k point (left, right), shape (n_k, 2); 0 for a lead whose
        surface Green's functions all came from its Bloch modes.
    seconds : float
        Wall time of the sweep.
    """

    omega: NDArray[np.float64]
    omega_weights: NDArray[np.float64]
    kpoints: NDArray[np.float64]
    kweights: NDArray[np.float64]
    xi_k: NDArray[np.float64]
    eta: float
    area: float | None
    steps: NDArray[np.int64]
    seconds: float = 0.0
    metadata: dict[str, Any] = field(default_factory=dict, compare=False)

    _summary_fields: ClassVar[tuple[str, ...]] = ("omega", "kpoints", "eta", "area", "seconds")

    @property
    def xi(self) -> NDArray[np.float64]:
        """k-averaged transmission Xi(omega) per lateral cell, shape (n_omega,)."""
        return (self.kweights @ self.xi_k) / self.kweights.sum()

    def restricted(self, rows: ArrayLike) -> TransmissionResult:
        """The same result on the k points ``rows`` of :attr:`kpoints` alone, with their weights."""
        r = np.asarray(rows, dtype=np.intp)
        return dataclasses.replace(
            self, kpoints=self.kpoints[r], kweights=self.kweights[r], xi_k=self.xi_k[r], steps=self.steps[r]
        )

    @property
    def transmitted_channels(self) -> NDArray[np.float64]:
        """Phi(omega) = Xi / (2 pi A) per m^2 per rad/s (per rad/s for 1D), shape (n_omega,)."""
        return self.xi / (2 * np.pi * (self.area or 1.0))

    def conductance(
        self, temperature: ArrayLike, statistics: landauer.Statistics = "bose-einstein"
    ) -> NDArray[np.float64]:
        """G(T) in W m^-2 K^-1 (W/K for 1D) through :func:`kapitza.landauer.integrate`, shape (n_T,)."""
        r = landauer.integrate(
            self.omega, self.omega_weights, self.transmitted_channels[None, :], temperature, statistics, labels=("agf",)
        )
        return r.conductance


def _validate(omega: ArrayLike, eta: float) -> NDArray[np.float64]:
    w = np.atleast_1d(np.asarray(omega, dtype=float))
    if w.ndim != 1 or w.size == 0 or not np.all(np.isfinite(w)) or np.any(w <= 0):
        raise InputError("omega must be a non-empty 1D array of positive angular frequencies (rad/s)")
    if not np.isfinite(eta) or eta <= 0:
        raise InputError(f"the broadening eta must be a positive number (z = omega^2 (1 + i eta)), got {eta!r}")
    return w


def transmission(
    model: LayeredModel,
    omega: ArrayLike,
    kpoints: int | Sequence[int] | ArrayLike | None = None,
    *,
    eta: float = DEFAULT_ETA,
    omega_weights: ArrayLike | None = None,
    time_reversal: bool = True,
    chunk: int = DEFAULT_CHUNK,
    progress: Progress | None = None,
    checkpoint: str | Path | None = None,
    lead_method: str = "auto",
    folds: tuple[LeadFold, LeadFold] | None = None,
    execution: Execution | None = None,
    **where: Any,
) -> TransmissionResult:
    """Caroli transmission Xi(omega, k_par) of a layered model, and its k average.

    Parameters
    ----------
    model : LayeredModel
    omega : array_like
        Angular frequencies, rad/s, > 0, shape (n_omega,).
    kpoints : int, (int, int) or array_like, optional
        Monkhorst-Pack grid size n (n x n) or (n1, n2), or explicit fractional
        wavevectors of shape (n_k, 2).  Default: Gamma only for a 1D model, 4x4 otherwise.
    eta : float
        Relative broadening in z = omega^2 (1 + i eta).
    omega_weights : array_like, optional
        Quadrature weights (rad/s); default: trapezoid from omega = 0.
    time_reversal : bool
        Compute one of each (kappa, -kappa) pair.
    chunk : int
        Frequencies per task.
    execution : Execution, optional
        Where the sweep runs (:class:`.execution.Execution`: the dask target and the device, the fields below); its
        fields may also be given by keyword (``workers=2, device="gpu"``), put into the record.
    client, workers, address
        Run on dask.distributed: an existing ``Client``, or a local cluster of
        ``workers`` processes, or the scheduler at ``address``
        (see :mod:`.parallel`).  Default: in this process.
    connect_timeout : float
        Seconds to wait for the scheduler at ``address``, > 0 (:data:`kapitza.cluster.CONNECT_TIMEOUT`, the one
        default of every command that takes ``--address``); a silent one is an InputError.
    progress : callable, optional
        Called as progress(done, total) in (k, chunk) units: once before the work
        (with the units found in ``checkpoint`` as done) and after each unit.
    checkpoint : path, optional
        Folder for finished (k, chunk) units (:mod:`.checkpoint`): each is written
        as it completes, and a rerun with the same inputs skips those found there.
        The caller deletes the folder once the result is safe.
    lead_method : {"auto", "decimation", "bloch"}
        How the leads' surface Green's functions are found (:func:`lead_method_for`); both give the same
        transmission (to ~1e-11 of its maximum in the tests); dask workers use the same.
    folds : (LeadFold, LeadFold), optional
        The leads of a lateral supercell as repetitions of the primitive cell's
        (:func:`.folding.fold_lead`): each lead's self-energy is then the sum of N1 N2 primitive ones, the
        same to ~1e-13 and far cheaper.  On dask, the folded lead blocks are built here and sent to the
        workers once, with the device blocks.
    device : str or Backend
        Where the kernels run (:func:`kapitza._backend.select_backend`): "cpu" (numpy, the default), "gpu" or
        "cuda:N" (torch on that GPU), "auto" (the GPU where there is one) or "torch-cpu" (the GPU's code on the
        CPU), or a :class:`kapitza._backend.Backend`.  On dask each worker selects it (the rule of
        :func:`.parallel.resolve_devices`).  Xi is the same to ~1e-11 relative on every device; the units, and so
        the checkpoint, do not depend on it: a sweep started on one device resumes on another.
    batch : int, optional
        Frequencies of one k point per kernel call on a GPU (consecutive chunks stacked, a chunk larger than it cut
        into pieces: :func:`.chunk.solve_units`); default: as many as fit the GPU
        (:func:`.inputs.device_batch`, refused before any work if one does not).  On the CPU the default is one
        chunk per call; given, it is used there too (the GPU's stacking run on the CPU, for tests).
    max_gpu_memory_gb : float, optional
        GB of each GPU the kernels may fill (default 80 % of its free memory).
    """
    run = Execution.of(execution, where, "transmission")
    device, batch, max_gpu_memory_gb = run.device, run.batch, run.max_gpu_memory_gb
    w = _validate(omega, eta)
    check_lead_method(lead_method)
    connect_timeout = check_connect_timeout(run.connect_timeout, "connect_timeout=")
    weights = trapezoid_weights(w) if omega_weights is None else np.asarray(omega_weights, dtype=float)
    if weights.shape != w.shape:
        raise InputError(f"omega_weights has shape {weights.shape}, expected {w.shape}")
    kappa = kpoint_grid(model, kpoints)
    if time_reversal:
        kappa, kw = reduce_time_reversal(kappa)
    else:
        kw = np.ones(kappa.shape[0])
    if isinstance(chunk, bool) or int(chunk) != chunk or int(chunk) < 1:
        raise InputError(f"chunk must be a positive number of frequencies, got {chunk!r}")
    chunk = int(chunk)
    chunks = [w[i : i + chunk] for i in range(0, w.size, chunk)]
    starts = [i for i in range(0, w.size, chunk)]
    t0 = time.perf_counter()
    xi_k = np.empty((kappa.shape[0], w.size))
    steps = np.zeros((kappa.shape[0], 2), dtype=np.int64)
    on_dask = run.on_dask
    metadata: dict[str, Any] = {}
    backend = NUMPY
    if on_dask:
        device = check_device(device_argument(device) if isinstance(device, Backend) else device)
        metadata["device"] = f"dask workers ({device})"
    else:  # selected, and its memory checked, before anything is written
        backend = device if isinstance(device, Backend) else select_backend(device)
        if batch is None and backend.is_gpu:
            batch = _gpu_batch(backend, model_sizes(model, folds), w.size, max_gpu_memory_gb)
        metadata["device"] = device_argument(backend)
    store = None
    if checkpoint is not None:
        from .checkpoint import Checkpoint, sweep_key

        store = Checkpoint(checkpoint, sweep_key(model, w, kappa, eta, chunk), most=min(model.lead_sizes))
    todo: set[tuple[int, int]] = set()
    for ik in range(kappa.shape[0]):
        for ic, c in enumerate(chunks):
            found = None if store is None else store.load(ik, ic, c)
            if found is None:
                todo.add((ik, ic))
            else:
                xi_k[ik, starts[ic] : starts[ic] + c.size] = found[0]
                steps[ik] = np.maximum(steps[ik], found[1:])
    if store is not None:
        store.tell()
    total = kappa.shape[0] * len(chunks)
    count = {"done": total - len(todo)}
    if progress is not None:
        progress(count["done"], total)

    def record(ik: int, start: int, x: NDArray[np.float64], sl: int, sr: int) -> None:
        xi_k[ik, start : start + x.size] = x
        steps[ik] = np.maximum(steps[ik], (sl, sr))
        if store is not None:
            ic = start // chunk
            store.store(ik, ic, chunks[ic], x, sl, sr, device=metadata.get("device", ""))
        count["done"] += 1
        if progress is not None:
            progress(count["done"], total)

    if on_dask and todo:
        from .parallel import run_on_dask

        plan = run_on_dask(
            model,
            kappa,
            chunks,
            eta,
            record,
            only=todo,
            lead_method=lead_method,
            folds=folds,
            sizes=lambda: model_sizes(model, folds),
            execution=replace(run, connect_timeout=connect_timeout, device=device, batch=batch),
        )
        if plan is not None:
            metadata["device"] = f"dask workers ({plan.device})"
    elif todo:
        with single_threaded_blas():
            _sweep(model, kappa, chunks, starts, eta, todo, record, lead_method, folds, backend, batch)
    if store is not None:
        metadata.update(resumed=total - len(todo), resumed_from=sorted(store.found_devices))
    return TransmissionResult(
        omega=w,
        omega_weights=weights,
        kpoints=kappa,
        kweights=kw,
        xi_k=xi_k,
        eta=float(eta),
        area=model.area,
        steps=steps,
        seconds=time.perf_counter() - t0,
        metadata=metadata,
    )


def _gpu_batch(backend: Backend, sizes: ModelSizes, most: int, max_gpu_memory_gb: float | None) -> int:
    """Frequencies of one k point per call on ``backend``'s GPU (:func:`.inputs.device_batch`)."""
    from .inputs import device_batch

    memory = device_memory(backend)
    return device_batch(sizes, most, None if memory is None else memory[0], max_gpu_memory_gb, where=backend.device)


def lead_channels(
    model: LayeredModel,
    side: str,
    omega: ArrayLike,
    kpoints: int | Sequence[int] | ArrayLike | None = None,
    *,
    omega_weights: ArrayLike | None = None,
    time_reversal: bool = True,
    chunk: int = DEFAULT_CHUNK,
    progress: Progress | None = None,
    checkpoint: str | Path | None = None,
    fold: LeadFold | None = None,
    device: str | Backend = "cpu",
    batch: int | None = None,
) -> TransmissionResult:
    """Ballistic transmission of the perfect ``side`` lead: its number of open channels at each (omega, k_par).

    The Caroli transmission of a perfect lead is the number of its propagating Bloch modes in one direction;
    here they are counted directly (:func:`.kernels.propagating_channels`, one eigenproblem per point at
    Im z = 0, exact) instead of solving a perfect-lead model with Green's functions.  The result has the
    shape of :func:`transmission`'s (integer ``xi_k``, ``eta`` = 0, ``steps`` 0), so its
    :meth:`TransmissionResult.conductance` is the lead's ballistic conductance.

    Parameters
    ----------
    model : LayeredModel
    side : {"left", "right"}
    omega : array_like
        Angular frequencies, rad/s, > 0, shape (n_omega,).
    kpoints, omega_weights, time_reversal, chunk, progress, checkpoint
        As for :func:`transmission` (progress in (k, chunk) units; the checkpoint keyed as a sweep at eta = 0).
    fold : LeadFold, optional
        This lead as a repetition of the primitive cell's (:func:`.folding.fold_lead`): the count is the sum
        of the primitive leads' at the folded wavevectors.
    device, batch
        Where the counts run and how many frequencies of one k point go in one call there, as for
        :func:`transmission` (in this process; the default batch on a GPU: all of a k point's frequencies, the
        counts' workspace being smaller than a sweep's).  The counts are integers, the same on every device.
    """
    if side not in ("left", "right"):
        raise InputError(f"side must be 'left' or 'right', got {side!r}")
    w = _validate(omega, 1.0)
    weights = trapezoid_weights(w) if omega_weights is None else np.asarray(omega_weights, dtype=float)
    if weights.shape != w.shape:
        raise InputError(f"omega_weights has shape {weights.shape}, expected {w.shape}")
    kappa = kpoint_grid(model, kpoints)
    kappa, kw = reduce_time_reversal(kappa) if time_reversal else (kappa, np.ones(kappa.shape[0]))
    t0 = time.perf_counter()
    xi_k = np.empty((kappa.shape[0], w.size))
    starts = list(range(0, w.size, int(chunk)))
    backend = device if isinstance(device, Backend) else select_backend(device)
    if batch is None and backend.is_gpu:
        batch = w.size
    store = None
    if checkpoint is not None:
        from .checkpoint import Checkpoint, sweep_key

        most = model.lead_sizes[0 if side == "left" else 1]
        store = Checkpoint(checkpoint, sweep_key(model, w, kappa, 0.0, int(chunk)), most=most, integer=True)
    todo = []
    for ik in range(kappa.shape[0]):
        for ic, start in enumerate(starts):
            part = w[start : start + int(chunk)]
            found = None if store is None else store.load(ik, ic, part)
            if found is None:
                todo.append((ik, ic))
            else:
                xi_k[ik, start : start + part.size] = found[0]
    if store is not None:
        store.tell()
    total = kappa.shape[0] * len(starts)
    done = total - len(todo)
    if progress is not None:
        progress(done, total)
    units = [(ik, starts[ic], w[starts[ic] : starts[ic] + int(chunk)]) for ik, ic in todo]
    lead_of: dict[int, Any] = {}

    def lead_at(ik: int) -> Any:
        if ik not in lead_of:
            lead_of.clear()  # one k point's lead at a time
            left, _, right = model.blocks_at(kappa[ik])
            lead = left if side == "left" else right
            if fold is not None:
                lead = fold.blocks(lead, kappa[ik])
            lead_of[ik] = lead if backend.name == "numpy" else kernels.to_backend(lead, backend)
        return lead_of[ik]

    with single_threaded_blas():
        for group in [[u] for u in units] if batch is None else stacks(units, int(batch)):
            ik = group[0][0]
            lead = lead_at(ik)
            part = np.concatenate([u[2] for u in group])
            z = part**2 if backend.name == "numpy" else backend.asarray(part**2)
            count = lead.channels(z) if isinstance(lead, FoldedLead) else kernels.propagating_channels(z, lead)
            count = backend.to_numpy(count).astype(float)
            at = 0
            for _, start, piece in group:
                got = count[at : at + piece.size]
                at += piece.size
                xi_k[ik, start : start + piece.size] = got
                if store is not None:
                    store.store(ik, start // int(chunk), piece, got, 0, 0, device=device_argument(backend))
                done += 1
                if progress is not None:
                    progress(done, total)
    return TransmissionResult(
        omega=w,
        omega_weights=weights,
        kpoints=kappa,
        kweights=kw,
        xi_k=xi_k,
        eta=0.0,
        area=model.area,
        steps=np.zeros((kappa.shape[0], 2), dtype=np.int64),
        seconds=time.perf_counter() - t0,
        metadata={
            "kind": f"channel count of the {side} lead",
            "device": device_argument(backend),
            **({} if store is None else {"resumed": total - len(todo), "resumed_from": sorted(store.found_devices)}),
        },
    )


def model_sizes(model: LayeredModel, folds: tuple[LeadFold, LeadFold] | None = None) -> ModelSizes:
    """The sizes of ``model`` that set the memory of a sweep (:class:`.inputs.ModelSizes`), from its sparse
    matrices alone (no dense block is formed); with ``folds`` (:func:`.folding.fold_lead`) its leads are solved
    as the primitive cell's, and their sizes count."""
    coupled = sum(abs(m) for m in model.matrices).tocsr()
    r = model.block_range
    n_blocks = len(model.bounds) - 1

    def boundary(deeper: int, unit: int, device: int) -> int:
        # as LeadBlocks.boundary: DOFs of the deeper unit coupled to the shallower one, or of the surface unit
        # coupled to the device (the same DOFs of a periodic unit)
        inward = coupled[r(deeper), r(unit)].getnnz(axis=1) > 0
        contact = coupled[r(unit), r(device)].getnnz(axis=1) > 0
        return int(np.count_nonzero(inward | contact))

    nb = max(boundary(0, 1, 2), boundary(n_blocks - 1, n_blocks - 2, n_blocks - 3))
    fold: dict[str, int] = {}
    if folds is not None:
        primitive = [model_sizes(f.primitive) for f in folds]
        fold = {
            "fold_parts": max(f.repeats[0] * f.repeats[1] for f in folds),
            "primitive_lead_dof": max(p.lead_dof for p in primitive),
            "primitive_boundary_dof": max(p.boundary_dof for p in primitive),
        }
    return ModelSizes(
        n_dof=model.n_dof,
        nonzeros=int(sum(m.nnz for m in model.matrices)),
        lead_dof=max(model.lead_sizes),
        boundary_dof=nb,
        slice_dof=max(model.slice_sizes),
        n_slices=model.n_slices,
        **fold,
    )


def kpoint_grid(model: LayeredModel, kpoints: Any) -> NDArray[np.float64]:
    """The in-plane wavevectors kappa (n, 2) for ``kpoints``: Gamma alone without a lateral cell, else an n x n
    (or n1 x n2) Monkhorst-Pack grid (default 4), or the given kappa points."""
    if model.lateral_cell is None:
        return np.zeros((1, 2))
    if kpoints is None:
        return monkhorst_pack(4)
    if isinstance(kpoints, (int, np.integer)):
        return monkhorst_pack(int(kpoints))
    arr = np.asarray(kpoints)
    if arr.ndim == 1 and arr.size == 2 and np.issubdtype(arr.dtype, np.integer):
        return monkhorst_pack(int(arr[0]), int(arr[1]))
    return as_kappa(arr)


def _sweep(
    model: LayeredModel,
    kappa: NDArray[np.float64],
    chunks: list[NDArray[np.float64]],
    starts: list[int],
    eta: float,
    todo: set[tuple[int, int]],
    record: Callable[[int, int, NDArray[np.float64], int, int], None],
    lead_method: str = "auto",
    folds: tuple[LeadFold, LeadFold] | None = None,
    backend: Backend = NUMPY,
    batch: int | None = None,
) -> None:
    """The units ``todo`` in this process on ``backend``, recorded as each finishes (:func:`.chunk.solve_units`)."""
    units = [(ik, starts[ic], chunks[ic]) for ik in range(kappa.shape[0]) for ic in range(len(chunks))
             if (ik, ic) in todo]  # fmt: skip

    def blocks_of(ik: int) -> tuple[Any, Any, Any]:
        k = kappa[ik]
        blocks = model.blocks_at(k)
        if folds is not None:
            blocks = (folds[0].blocks(blocks[0], k), blocks[1], folds[1].blocks(blocks[2], k))
        return blocks

    for ik, start, x, sl, sr in solve_units(blocks_of, units, eta, lead_method, backend, batch):
        record(ik, start, x, sl, sr)
