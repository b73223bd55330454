"""What a force call of a built-in potential holds in memory, and where: the measured footprints of the potentials
(:data:`FOOTPRINTS`), the memory of one call counted from its graph (:func:`force_call_memory`), the device it runs
on (:func:`call_device`) and the check of a GPU call against its device's free memory (:func:`check_gpu_memory`).

One concept below the force calls that use it (:mod:`kapitza.atomistic.calculator_forces`, the force tasks'
workers, the phonons', elastic constants' and AGF's memory statements).  Units: bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .calculators import D3_SUFFIX
from .potential_records import RecordTable

__all__ = ["FOOTPRINTS", "Footprint", "call_device", "check_gpu_memory", "force_call_memory", "gpu_free_bytes"]


@dataclass(frozen=True)
class Footprint:
    """The measured memory of a built-in potential: resident once loaded, and working memory of one force call
    counted from the call's graph (bytes per ordered neighbour pair within ``pair_cutoff`` A, per bond angle, i.e.
    ordered pair of neighbours of one atom within ``angle_cutoff`` A; CHGNet's bond graph).  ``batch_atoms``:
    structures are packed into one call up to that many atoms (CHGNet's batches,
    :data:`kapitza.atomistic.calculators.BATCH_ATOMS`)."""

    resident: float
    pair_cutoff: float
    per_pair: float
    angle_cutoff: float = 0.0
    per_angle: float = 0.0
    batch_atoms: int = 0


#: The measured memory of the built-in potentials, by name: each record's footprint
#: (:mod:`kapitza.atomistic.potential_records` says how each was measured).  A NAME+d3 calculator takes NAME's
#: footprint.
FOOTPRINTS: RecordTable[Footprint] = RecordTable(
    lambda name, p: [(name, Footprint(**p.footprint))] if p.footprint else []
)


#: Memory per device.  The footprints above were measured on the CPU, where the model and a call's working memory are
#: host memory.  With the potential on a CUDA GPU (``KAPITZA_MLIP_DEVICE``) the same counts are stated as GPU memory
#: (the model, and the largest call's work from the same graph counts), and the host keeps the libraries, the model
#: as loaded (``resident``, counted on both: torch loads it on the host first) and kapitza's arrays.  The one GPU
#: measurement so far: SevenNet-l3i5 + D3 on GaN | AlN (0001), ``kapitza agf GaN:wurtzite:a=3.189,c=5.185
#: AlN:wurtzite:a=3.112,c=4.982 --calculator sevennet-l3i5+d3`` on one H100, GPU peak 15.2 GB (nvidia-smi) and host
#: peak 2.13 GB, 2026-11-27 (docs/howto/interface-from-atoms.md, section 2a), where the CPU's statement of the same
#: run was 19.2 GB of host memory; the GPU's share is stated from the CPU's per-pair bytes, not fitted to it.


def call_device(name: str) -> str:
    """Where a force call of the calculator ``name`` runs: a built-in potential's
    :func:`~kapitza.atomistic.calculators.mlip_device` (``cpu``, ``cuda`` or ``cuda:N``), ``cpu`` for a user's
    calculator (whose memory is not counted anyway)."""
    from .calculators import BUILTINS, mlip_device

    return mlip_device() if name.removesuffix(D3_SUFFIX) in BUILTINS else "cpu"


def gpu_free_bytes(device: str) -> float:
    """Free memory of the CUDA device ``device`` (``cuda`` or ``cuda:N``), bytes (``torch.cuda.mem_get_info``)."""
    import torch

    index = int(device.partition(":")[2] or 0)
    return float(torch.cuda.mem_get_info(index)[0])


def check_gpu_memory(call: dict[str, Any], what: str) -> str:
    """Refuse (MemoryBoundError, one line naming both numbers) a force call whose GPU memory (``call["gpu"]``, from
    :func:`force_call_memory`) is above the free memory of its device (:func:`gpu_free_bytes`); return the statement
    in words ("" where the call runs on the CPU or its memory is not known).  ``what`` names the work."""
    device = str(call.get("device", "cpu"))
    if not device.startswith("cuda") or not call.get("known"):
        return ""
    need, free = float(call["gpu"]), gpu_free_bytes(device)
    if need > free:
        from ..errors import MemoryBoundError

        raise MemoryBoundError(
            f"{what}: the largest force call needs ~{need / 1e9:.3g} GB of GPU memory on {device} (the model and the "
            f"call's work), but {free / 1e9:.3g} GB are free there: free the GPU, or unset KAPITZA_MLIP_DEVICE to run "
            "the potential on the CPU"
        )
    return f"GPU memory on {device}: the largest force call needs ~{need / 1e9:.3g} GB of the {free / 1e9:.3g} GB free"


def force_call_memory(
    name: str, atoms: Any, structures: int | None = None, device: str | None = None
) -> dict[str, Any]:
    """What a force call of the built-in potential ``name`` on ``atoms`` holds, bytes: ``resident`` (its libraries
    and model once loaded, host memory) and ``work`` (the call's working memory in host memory, counted from its
    graph with the measured :data:`FOOTPRINTS`; a CHGNet call packs ``batch_atoms // len(atoms)`` structures, or all
    ``structures`` when fewer are handed over at once); ``known`` is False, and both are 0, for a calculator without a
    measured footprint (a user's ``module:factory``).  ``device`` (default :func:`call_device`) is where the call
    runs: on ``cuda`` the work is GPU memory, so ``work`` is 0 and ``gpu`` holds the model and the work (0 on the
    CPU).  The statement of a GPU call is checked with :func:`check_gpu_memory`."""
    found = FOOTPRINTS.get(name.removesuffix(D3_SUFFIX))  # NAME+d3: NAME's (see FOOTPRINTS)
    if found is None:
        return {"resident": 0.0, "work": 0.0, "gpu": 0.0, "device": "cpu", "known": False}
    where = call_device(name) if device is None else str(device)
    from matscipy.neighbours import neighbour_list as neighbor_list  # every periodic image, ASE's pairs, 30x faster

    n = len(atoms)
    work = found.per_pair * float(neighbor_list("i", atoms, found.pair_cutoff).size)
    if found.per_angle:
        k = np.bincount(neighbor_list("i", atoms, found.angle_cutoff), minlength=n).astype(float)
        work += found.per_angle * float(np.sum(k * (k - 1)))
    per_call = max(1, found.batch_atoms // max(n, 1)) if found.batch_atoms else 1
    if structures is not None:
        per_call = max(1, min(per_call, int(structures)))
    work *= per_call
    if where.startswith("cuda"):
        return {"resident": found.resident, "work": 0.0, "gpu": found.resident + work, "device": where, "known": True}
    return {"resident": found.resident, "work": work, "gpu": 0.0, "device": where, "known": True}
