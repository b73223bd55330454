"""Where an AGF sweep runs: the one record of its execution settings (issue 85, item 1).

:func:`.solver.transmission` and :func:`.parallel.run_on_dask` took the same seven keywords (the dask target and
the device); they take this record, or its fields by keyword.  Only grouped here: each value is checked where it is
used (:func:`.parallel.connect`, :func:`kapitza._backend.select_backend`), naming it as the caller typed it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ... import _checks
from ...cluster import CONNECT_TIMEOUT

__all__ = ["Execution"]


@dataclass(frozen=True)
class Execution:
    """Where an AGF sweep runs.

    Attributes
    ----------
    client : dask.distributed.Client, optional
        An existing client; with ``workers`` a local cluster of that many processes; with ``address`` the scheduler
        there (:mod:`.parallel`).  None of the three: in this process.
    workers : int, optional
    address : str, optional
    connect_timeout : float
        Seconds to wait for the scheduler at ``address`` (:data:`kapitza.cluster.CONNECT_TIMEOUT`).
    device : str or Backend
        Where the kernels run (:func:`kapitza._backend.select_backend`): "cpu", "gpu", "cuda:N", "auto",
        "torch-cpu", or a :class:`kapitza._backend.Backend`.
    batch : int, optional
        Frequencies of one k point per kernel call on a GPU (default: as many as fit).
    max_gpu_memory_gb : float, optional
        GB of each GPU the kernels may fill (default 80 % of its free memory).
    """

    client: Any = None
    workers: int | None = None
    address: str | None = None
    connect_timeout: float = CONNECT_TIMEOUT
    device: Any = "cpu"
    batch: int | None = None
    max_gpu_memory_gb: float | None = None

    @classmethod
    def of(cls, execution: Execution | None, given: Mapping[str, Any], where: str) -> Execution:
        """``execution`` (default: in this process, on the CPU) with ``given`` (its fields by keyword) put in;
        InputError naming ``where`` for a keyword that is no field."""
        return _checks.settings_record(cls, execution, given, "execution", f" of {where}; its execution settings")

    @property
    def on_dask(self) -> bool:
        """Whether the sweep runs on dask (a client, local workers or a scheduler's address)."""
        return not (self.client is None and self.workers is None and self.address is None)
