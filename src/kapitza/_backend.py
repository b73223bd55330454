"""The array backend of kapitza's batched linear algebra: numpy on the CPU, or torch on a GPU (or torch's CPU).

Kernels that run on either library (the AGF kernels of :mod:`kapitza.transmission.agf.kernels`) take their
operations from a :class:`Backend` instead of from ``numpy`` directly: ``xp = backend_of(z)`` for the arrays
they were given, then ``xp.solve(a, b)``, ``xp.eig(a)``, ``xp.zeros(...)``.  The numpy backend's operations
*are* numpy's functions (class attributes bound to ``np.linalg.solve`` and so on, no wrapper in between), so the
numpy path computes exactly what it computed before the backend existed, at the same speed; the torch backend's
are thin wrappers over ``torch`` with numpy's meaning (axis names, stable argsort, a conjugate transpose that is
materialised).  Data stays where it is: every operation of a torch backend returns a tensor on its device, and
only :meth:`Backend.to_numpy` (or a Python ``float``/``bool`` of a reduction) reads it back.

Which library
-------------
torch, for three reasons:

* ``torch.linalg.eig`` solves the batched *general* complex eigenproblem that the Bloch-mode lead self-energies
  need (the Bloch pencil is neither Hermitian nor normal) on the CPU and on CUDA devices (there through MAGMA's
  hybrid geev and, in recent releases, cuSOLVER's ``cusolverDnXgeev``; PyTorch PRs #52491, #166715).  CuPy had
  only ``eigh``/``eigvalsh`` until version 14, which added ``cupy.linalg.eig`` on ``cusolverDnXgeev`` (CUDA
  >= 12.6; cupy PRs #8854 and #8980, a loop over the batch); older CuPy cannot run the Bloch route at all.
* torch runs the same code on the CPU (``--device torch-cpu``), so the GPU code path is tested in CI on machines
  without a GPU; CuPy needs a CUDA device for any array.
* torch is already a dependency of kapitza's machine-learned potentials; the ``gpu`` extra installs it alone.

The Python array-API standard (through ``array_api_compat``) was the other candidate: ``array_api_compat`` is not
installed here, and the standard's ``linalg`` extension had no ``eig`` before its 2025.12 revision, so the kernels
would need a special path for their one eigenproblem anyway.

Selection
---------
:func:`select_backend` maps a ``--device`` value to a backend: ``"cpu"`` is numpy, ``"gpu"`` (or ``"cuda"``,
``"cuda:N"``) torch on that CUDA device, ``"auto"`` the GPU where torch sees one and numpy otherwise (without
importing torch where no GPU driver is installed: :func:`gpu_possible`), and
``"torch-cpu"`` torch on the CPU (the GPU code path without a GPU: for tests and benchmarks).  A GPU asked for and
not there is an :class:`~kapitza.errors.InputError`; torch asked for and not installed a
:class:`~kapitza.errors.MissingDependencyError` naming the ``gpu`` extra.  torch is imported only when a torch
backend is asked for (or ``"auto"`` finds it installed), never by ``import kapitza``.

The library never changes torch's process-wide settings (threads, default dtype, default device).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .errors import InputError, optional_module

#: The values of ``--device``.
DEVICES = ("auto", "cpu", "gpu", "torch-cpu")
#: The pip extra that installs torch for the GPU backend.
GPU_EXTRA = "gpu"
#: Share of a GPU's free memory (``torch.cuda.mem_get_info``) that a batch's estimate may fill: the rest is for
#: what the estimate does not count, the caching allocator's rounding and fragmentation and the solver
#: libraries' workspaces.  Not yet checked against a measured peak on a GPU (``benchmarks/agf.py --device gpu``
#: prints the estimate beside torch's measured peak).
GPU_MEMORY_FRACTION = 0.8


@lru_cache(maxsize=1)
def _torch() -> Any:
    """The torch module (imported once, on first use), or MissingDependencyError naming the ``gpu`` extra."""
    return optional_module("torch", GPU_EXTRA, "--device gpu and torch-cpu")


def torch_installed() -> bool:
    """Whether torch can be imported (without importing it)."""
    return importlib.util.find_spec("torch") is not None


#: Files that a GPU driver makes on Linux (NVIDIA's; AMD ROCm's, which torch also drives through torch.cuda).
GPU_DRIVER_FILES = ("/dev/nvidia0", "/dev/nvidiactl", "/proc/driver/nvidia", "/dev/kfd")


def gpu_possible() -> bool:
    """False where no GPU can be there (Linux without a GPU driver's files), so that ``--device auto`` need not
    import torch (seconds) to find that out; True elsewhere (then torch is asked)."""
    if not sys.platform.startswith("linux"):
        return True
    return any(os.path.exists(path) for path in GPU_DRIVER_FILES)


@dataclass(frozen=True)
class Backend:
    """An array library and the device its arrays live on.

    Attributes
    ----------
    name : str
        "numpy" or "torch".
    device : str
        "cpu", or "cuda:N" for torch on the N-th CUDA device.

    The operations (``solve``, ``eig``, ``zeros``, ...) follow numpy's names and meaning; see the module docstring.
    Backends compare equal by (name, device) and pickle as such (dask workers rebuild them).
    """

    name: str
    device: str

    @property
    def label(self) -> str:
        """What ran, for results and logs: "numpy (cpu)", "torch (cpu)", "torch (cuda:0, <GPU name>)"."""
        if self.name == "torch" and self.device.startswith("cuda"):
            return f"torch ({self.device}, {_torch().cuda.get_device_name(self.device)})"
        return f"{self.name} ({self.device})"

    @property
    def is_gpu(self) -> bool:
        """Whether the arrays live on a GPU."""
        return self.device != "cpu"

    def release(self) -> None:
        """Give the memory torch's allocator keeps cached on a GPU back to the device (``torch.cuda.empty_cache``:
        for another process on the same GPU); nothing on the CPU."""
        if self.is_gpu:
            _torch().cuda.empty_cache()

    def free_memory(self) -> int | None:
        """Free bytes on the device (``torch.cuda.mem_get_info``), or None on the CPU (the host's memory limit
        is the caller's rule there)."""
        if not self.is_gpu:
            return None
        free, _total = _torch().cuda.mem_get_info(self.device)
        return int(free)


class _NumpyBackend(Backend):
    """numpy: every operation is numpy's own function (no wrapper: the numpy path is the code it always was)."""

    LinAlgError = np.linalg.LinAlgError
    complex128 = np.complex128
    float64 = np.float64
    int64 = np.int64
    bool_ = np.bool_
    inf = np.inf

    asarray = staticmethod(np.asarray)
    zeros = staticmethod(np.zeros)
    ones = staticmethod(np.ones)
    full = staticmethod(np.full)
    arange = staticmethod(np.arange)
    eye = staticmethod(np.eye)
    concatenate = staticmethod(np.concatenate)
    stack = staticmethod(np.stack)
    broadcast_to = staticmethod(np.broadcast_to)
    swapaxes = staticmethod(np.swapaxes)
    conj = staticmethod(np.conj)
    real = staticmethod(np.real)
    imag = staticmethod(np.imag)
    abs = staticmethod(np.abs)
    where = staticmethod(np.where)
    isfinite = staticmethod(np.isfinite)
    maximum = staticmethod(np.maximum)
    minimum = staticmethod(np.minimum)
    einsum = staticmethod(np.einsum)
    take_along_axis = staticmethod(np.take_along_axis)
    count_nonzero = staticmethod(np.count_nonzero)
    flatnonzero = staticmethod(np.flatnonzero)
    errstate = staticmethod(np.errstate)
    solve = staticmethod(np.linalg.solve)
    inv = staticmethod(np.linalg.inv)
    eig = staticmethod(np.linalg.eig)
    eigvals = staticmethod(np.linalg.eigvals)
    cond = staticmethod(np.linalg.cond)
    repeat = staticmethod(np.repeat)
    tile = staticmethod(np.tile)

    @staticmethod
    def to_numpy(x: Any) -> np.ndarray:
        """``x`` as a numpy array on the host (no copy for a numpy array)."""
        return np.asarray(x)

    @staticmethod
    def copy(x: np.ndarray) -> np.ndarray:
        return x.copy()

    @staticmethod
    def dagger(a: np.ndarray) -> np.ndarray:
        """Conjugate transpose of the last two axes."""
        return np.conj(np.swapaxes(a, -1, -2))

    @staticmethod
    def absmax(a: np.ndarray) -> float:
        """The largest |entry| of ``a`` as a float (0 for an empty array)."""
        return float(np.abs(a).max(initial=0.0))

    @staticmethod
    def amax(a: np.ndarray, axis: int | tuple[int, ...]) -> np.ndarray:
        return a.max(axis=axis)

    @staticmethod
    def sum(a: np.ndarray, axis: int | None = None) -> Any:
        return a.sum(axis=axis)

    @staticmethod
    def any(a: np.ndarray, axis: int | None = None) -> Any:
        return a.any(axis=axis)

    @staticmethod
    def all(a: np.ndarray, axis: int | None = None) -> Any:
        return a.all(axis=axis)

    @staticmethod
    def argsort_stable(a: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.argsort(a, axis=axis, kind="stable")

    @staticmethod
    def vector_norm(a: np.ndarray, axis: int, keepdims: bool = False) -> np.ndarray:
        return np.linalg.norm(a, axis=axis, keepdims=keepdims)

    @staticmethod
    def solve_ex(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, None]:
        """``solve`` whose singular-matrix check may be deferred to :meth:`check_info` (numpy checks at once)."""
        return np.linalg.solve(a, b), None

    @staticmethod
    def inv_ex(a: np.ndarray) -> tuple[np.ndarray, None]:
        """``inv`` whose singular-matrix check may be deferred to :meth:`check_info` (numpy checks at once)."""
        return np.linalg.inv(a), None

    @staticmethod
    def check_info(infos: Sequence[Any]) -> None:
        """Raise LinAlgError if a deferred solve met a singular matrix (nothing to do on numpy)."""

    @staticmethod
    def index(i: Any) -> np.ndarray:
        """An integer index array for this backend (numpy: as it is)."""
        return np.asarray(i, dtype=np.intp)

    @staticmethod
    def astype(a: np.ndarray, dtype: Any) -> np.ndarray:
        return a.astype(dtype)


class _TorchBackend(Backend):
    """torch on ``device``: numpy's names and meaning over ``torch``; every array a tensor on the device."""

    inf = float("inf")

    @property
    def LinAlgError(self) -> type[Exception]:  # noqa: N802 - numpy's name
        return _torch().linalg.LinAlgError

    @property
    def complex128(self) -> Any:
        return _torch().complex128

    @property
    def float64(self) -> Any:
        return _torch().float64

    @property
    def int64(self) -> Any:
        return _torch().int64

    @property
    def bool_(self) -> Any:
        return _torch().bool

    def _dtype(self, dtype: Any) -> Any:
        """A torch dtype for a numpy dtype (or a torch dtype, or None)."""
        if dtype is None:
            return None
        torch = _torch()
        if isinstance(dtype, torch.dtype):
            return dtype
        if dtype is complex:
            return torch.complex128
        if dtype is float:
            return torch.float64
        if dtype is bool:
            return torch.bool
        if dtype is int:
            return torch.int64
        return _NUMPY_TO_TORCH[np.dtype(dtype).name](torch)

    def asarray(self, x: Any, dtype: Any = None) -> Any:
        """``x`` as a tensor on this backend's device (no copy for one already there with that dtype)."""
        torch = _torch()
        if isinstance(x, np.ndarray) and not (x.flags.writeable and x.flags.aligned):
            # torch.as_tensor warns on read-only numpy arrays (it would share the memory), and a misaligned one
            # crashes it: dask hands a worker arrays unpickled from a message at any byte offset (a complex128
            # block at offset 12 made torch's indexing die of SIGSEGV); a copy is aligned and writeable
            x = x.copy()
        return torch.as_tensor(x, dtype=self._dtype(dtype), device=self.device)

    def to_numpy(self, x: Any) -> np.ndarray:
        """``x`` as a numpy array on the host (a copy from the device)."""
        torch = _torch()
        if not isinstance(x, torch.Tensor):
            return np.asarray(x)
        return x.detach().resolve_conj().resolve_neg().cpu().numpy()

    def zeros(self, shape: int | Sequence[int], dtype: Any = float) -> Any:
        return _torch().zeros(shape, dtype=self._dtype(dtype), device=self.device)

    def ones(self, shape: int | Sequence[int], dtype: Any = float) -> Any:
        return _torch().ones(shape, dtype=self._dtype(dtype), device=self.device)

    def full(self, shape: int | Sequence[int], fill: Any, dtype: Any = None) -> Any:
        size = (shape,) if isinstance(shape, int) else tuple(shape)
        return _torch().full(size, fill, dtype=self._dtype(dtype), device=self.device)

    def arange(self, n: int) -> Any:
        return _torch().arange(n, device=self.device)

    def eye(self, n: int, dtype: Any = float) -> Any:
        return _torch().eye(n, dtype=self._dtype(dtype), device=self.device)

    def concatenate(self, xs: Sequence[Any], axis: int = 0) -> Any:
        return _torch().cat(list(xs), dim=axis)

    def stack(self, xs: Sequence[Any], axis: int = 0) -> Any:
        return _torch().stack(list(xs), dim=axis)

    @staticmethod
    def broadcast_to(x: Any, shape: Sequence[int]) -> Any:
        return x.expand(*shape)

    @staticmethod
    def swapaxes(x: Any, a: int, b: int) -> Any:
        return x.transpose(a, b)

    @staticmethod
    def conj(x: Any) -> Any:
        return x.conj().resolve_conj()

    @staticmethod
    def real(x: Any) -> Any:
        return x.real if x.is_complex() else x

    @staticmethod
    def imag(x: Any) -> Any:
        return x.imag if x.is_complex() else _torch().zeros_like(x)

    @staticmethod
    def abs(x: Any) -> Any:
        return x.abs()

    @staticmethod
    def where(cond: Any, a: Any, b: Any) -> Any:
        return _torch().where(cond, a, b)

    @staticmethod
    def isfinite(x: Any) -> Any:
        return _torch().isfinite(x)

    def maximum(self, a: Any, b: Any) -> Any:
        return _torch().clamp(a, min=b) if not hasattr(b, "shape") else _torch().maximum(a, b)

    def minimum(self, a: Any, b: Any) -> Any:
        return _torch().clamp(a, max=b) if not hasattr(b, "shape") else _torch().minimum(a, b)

    @staticmethod
    def einsum(subscripts: str, *operands: Any) -> Any:
        return _torch().einsum(subscripts, *operands)

    @staticmethod
    def take_along_axis(a: Any, idx: Any, axis: int) -> Any:
        return _torch().take_along_dim(a, idx, dim=axis)

    @staticmethod
    def count_nonzero(a: Any, axis: int | None = None) -> Any:
        return _torch().count_nonzero(a, dim=axis)

    @staticmethod
    def flatnonzero(a: Any) -> Any:
        return _torch().nonzero(a.reshape(-1)).reshape(-1)

    @staticmethod
    def errstate(**_: Any) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()  # torch does not warn on division by zero or overflow

    @staticmethod
    def solve(a: Any, b: Any) -> Any:
        return _torch().linalg.solve(a, b)

    @staticmethod
    def inv(a: Any) -> Any:
        return _torch().linalg.inv(a)

    @staticmethod
    def eig(a: Any) -> tuple[Any, Any]:
        w, v = _torch().linalg.eig(a)
        return w, v

    @staticmethod
    def eigvals(a: Any) -> Any:
        return _torch().linalg.eigvals(a)

    @staticmethod
    def cond(a: Any) -> Any:
        return _torch().linalg.cond(a)

    @staticmethod
    def solve_ex(a: Any, b: Any) -> tuple[Any, Any]:
        """``solve`` without its check for singular matrices, which makes a CUDA device wait for the host on every
        call; returns (x, info), info checked later, once, by :meth:`check_info`."""
        x, info = _torch().linalg.solve_ex(a, b)
        return x, info

    @staticmethod
    def inv_ex(a: Any) -> tuple[Any, Any]:
        """``inv`` with its check deferred, as :meth:`solve_ex`."""
        x, info = _torch().linalg.inv_ex(a)
        return x, info

    def check_info(self, infos: Sequence[Any]) -> None:
        """Raise LinAlgError (as numpy's solve and inv would have) if any of the deferred solves ``infos``
        (from :meth:`solve_ex`, :meth:`inv_ex`) met a singular matrix: one read from the device for all."""
        infos = [i.reshape(-1) for i in infos if i is not None]
        if infos and bool((_torch().cat(infos) != 0).any()):
            raise self.LinAlgError("Singular matrix")

    @staticmethod
    def repeat(x: Any, repeats: int, axis: int) -> Any:
        """numpy's repeat: each entry ``repeats`` times in a row along ``axis``."""
        return _torch().repeat_interleave(x, repeats, dim=axis)

    @staticmethod
    def tile(x: Any, reps: int) -> Any:
        """numpy's tile of a 1-D array: the whole array ``reps`` times."""
        return x.repeat(reps)

    @staticmethod
    def copy(x: Any) -> Any:
        return x.clone()

    @staticmethod
    def dagger(a: Any) -> Any:
        """Conjugate transpose of the last two axes (materialised, as numpy's)."""
        return a.mH.resolve_conj()

    @staticmethod
    def absmax(a: Any) -> float:
        """The largest |entry| of ``a`` as a float (0 for an empty tensor); one read from the device."""
        return float(a.abs().max()) if a.numel() else 0.0

    @staticmethod
    def amax(a: Any, axis: int | tuple[int, ...]) -> Any:
        return _torch().amax(a, dim=axis)

    @staticmethod
    def sum(a: Any, axis: int | None = None) -> Any:
        return a.sum() if axis is None else a.sum(dim=axis)

    @staticmethod
    def any(a: Any, axis: int | None = None) -> Any:
        return a.any() if axis is None else a.any(dim=axis)

    @staticmethod
    def all(a: Any, axis: int | None = None) -> Any:
        return a.all() if axis is None else a.all(dim=axis)

    @staticmethod
    def argsort_stable(a: Any, axis: int = -1) -> Any:
        return _torch().argsort(a, dim=axis, stable=True)

    @staticmethod
    def vector_norm(a: Any, axis: int, keepdims: bool = False) -> Any:
        return _torch().linalg.vector_norm(a, dim=axis, keepdim=keepdims)

    def index(self, i: Any) -> Any:
        """An integer index tensor on the device."""
        return _torch().as_tensor(np.asarray(i, dtype=np.int64), device=self.device)

    def astype(self, a: Any, dtype: Any) -> Any:
        return a.to(self._dtype(dtype))


_NUMPY_TO_TORCH: dict[str, Callable[[Any], Any]] = {
    "complex128": lambda t: t.complex128,
    "complex64": lambda t: t.complex64,
    "float64": lambda t: t.float64,
    "float32": lambda t: t.float32,
    "int64": lambda t: t.int64,
    "int32": lambda t: t.int32,
    "bool": lambda t: t.bool,
}

#: The numpy backend (the default of every kernel).
NUMPY: Backend = _NumpyBackend("numpy", "cpu")


def torch_backend(device: str = "cpu") -> Backend:
    """torch on ``device`` ("cpu" or "cuda:N"); MissingDependencyError if torch is not installed."""
    _torch()
    return _TorchBackend("torch", device)


def backend_of(x: Any) -> Backend:
    """The backend an array belongs to: numpy for a numpy array (or anything that is not a torch tensor), torch
    on the tensor's device for a tensor.  torch is not imported for a numpy array."""
    if isinstance(x, np.ndarray) or type(x).__module__.split(".", 1)[0] != "torch":
        return NUMPY
    return _TorchBackend("torch", str(x.device))


#: Most digits of a GPU's index in "cuda:N" (no machine has a hundred GPUs).
MAX_INDEX_DIGITS = 2


def gpu_index(text: str) -> int | None:
    """The N of "cuda:N" / "gpu:N" written in ASCII digits (at most :data:`MAX_INDEX_DIGITS`), else None: "²" and
    "٣" are digits to ``str.isdigit`` but no GPU's number (``int("²")`` raises)."""
    if 0 < len(text) <= MAX_INDEX_DIGITS and text.isascii() and text.isdigit():
        return int(text)
    return None


def _cuda_device(torch: Any, device: str) -> str:
    """ "cuda:N" for a "gpu", "cuda", "gpu:N" or "cuda:N" request on this machine, or InputError."""
    if not torch.cuda.is_available():
        raise InputError(f"device {device!r}: no GPU: torch.cuda.is_available() is False")
    index = device.partition(":")[2]
    if not index:
        return f"cuda:{torch.cuda.current_device()}"
    count = torch.cuda.device_count()
    if gpu_index(index) is None or int(index) >= count:
        raise InputError(f"device {device!r}: no such GPU; this machine has {count} (cuda:0 to cuda:{count - 1})")
    return f"cuda:{int(index)}"


def select_backend(device: str = "auto") -> Backend:
    """The backend for a ``--device`` value.

    Parameters
    ----------
    device : str
        "cpu" (numpy), "gpu" / "cuda" / "cuda:N" / "gpu:N" (torch on that GPU), "auto" (the GPU where torch is
        installed and sees one, numpy otherwise) or "torch-cpu" (torch on the CPU: the GPU code path without a GPU).

    Raises
    ------
    InputError
        An unknown value, or a GPU asked for where there is none.
    MissingDependencyError
        torch asked for ("gpu", "torch-cpu") and not installed (the ``gpu`` extra).
    """
    if not isinstance(device, str):
        raise InputError(f"device must be one of {', '.join(DEVICES)}, got {device!r}")
    check_device(device)  # its form first: "cuda:²" is refused here, before torch is asked
    key = device.strip().lower()
    if key == "cpu":
        return NUMPY
    if key == "torch-cpu":
        return torch_backend("cpu")
    if key == "auto":
        if not torch_installed() or not gpu_possible():
            return NUMPY
        torch = _torch()
        return _TorchBackend("torch", f"cuda:{torch.cuda.current_device()}") if torch.cuda.is_available() else NUMPY
    base = key.partition(":")[0]
    if base in ("gpu", "cuda"):
        return _TorchBackend("torch", _cuda_device(_torch(), key))
    raise InputError(f"device must be one of {', '.join(DEVICES)} (or cuda:N), got {device!r}")


def _gb(nbytes: float) -> str:
    return f"{nbytes / 1e9:.3g} GB"


def usable_memory(free: float, limit: float | None = None) -> float:
    """Bytes of a GPU that a batch's estimate may fill: :data:`GPU_MEMORY_FRACTION` of its ``free`` bytes, or
    ``limit`` bytes (``--max-gpu-memory-gb``) where that is smaller."""
    usable = GPU_MEMORY_FRACTION * float(free)
    return usable if limit is None else min(usable, float(limit))


def fit_batch(
    backend: Backend,
    most: int,
    fixed: float,
    per_item: float,
    *,
    free: int | None = None,
    what: str = "frequency",
    limit: float | None = None,
    hint: str = "use --device cpu or a GPU with more memory",
) -> int:
    """The most items (stacked frequencies) per batch, at most ``most``, that fit the device's free memory.

    On a GPU: the largest batch b <= ``most`` with ``fixed + b * per_item`` <= :func:`usable_memory` (the
    :data:`GPU_MEMORY_FRACTION` of the free memory, ``free`` bytes, default :meth:`Backend.free_memory`, or
    ``limit`` bytes where smaller).  On the CPU (numpy or torch's CPU): ``most`` unchanged, the host's memory is
    the caller's rule (:func:`kapitza.transmission.agf.inputs.fit_chunk`).

    Parameters
    ----------
    fixed, per_item : float
        Bytes held whatever the batch (the resident blocks) and per item of the batch (the workspace).
    limit : float, optional
        Bytes the caller allows on the device (``--max-gpu-memory-gb``).
    hint : str
        What the refusal suggests.

    Raises
    ------
    InputError
        If even one item does not fit, with the estimate and the free memory.
    """
    most = max(1, int(most))
    if not backend.is_gpu:
        return most
    free = backend.free_memory() if free is None else int(free)
    usable = usable_memory(free, limit)
    if fixed + per_item > usable:
        bound = f"more than {GPU_MEMORY_FRACTION:.0%} of its {_gb(free)} free"
        if limit is not None and limit < GPU_MEMORY_FRACTION * free:
            bound = f"more than the {_gb(limit)} allowed ({_gb(free)} free)"
        raise InputError(
            f"one {what} needs ~{_gb(fixed + per_item)} on {backend.device} ({_gb(fixed)} of blocks and "
            f"{_gb(per_item)} of workspace), {bound}; {hint}"
        )
    room = int((usable - fixed) // per_item) if per_item > 0 else most
    return max(1, min(most, room))


def check_device(device: Any, label: str = "device") -> str:
    """A ``--device`` value checked for its form alone (nothing imported, no GPU looked for), normalised:
    "auto", "cpu", "gpu", "torch-cpu", or "cuda:N" / "gpu:N" as "cuda:N"; InputError naming ``label`` otherwise."""
    if isinstance(device, str):
        key = device.strip().lower()
        if key in DEVICES or key == "cuda":
            return "gpu" if key == "cuda" else key
        base, _, index = key.partition(":")
        number = gpu_index(index)
        if base in ("gpu", "cuda") and number is not None:
            return f"cuda:{number}"
    shown = ascii(device[:40]) if isinstance(device, str) else repr(device)
    raise InputError(f"{label} must be one of {', '.join(DEVICES)} (or cuda:N), got {shown}")


def device_argument(backend: Backend) -> str:
    """The ``--device`` value that selects ``backend`` again: "cpu", "torch-cpu" or "cuda:N"."""
    if backend.name == "numpy":
        return "cpu"
    return "torch-cpu" if backend.device == "cpu" else backend.device


def gpu_count() -> int:
    """CUDA devices torch sees here (0 without a GPU driver or without torch; torch is imported only where a GPU
    can be there)."""
    if not torch_installed() or not gpu_possible():
        return 0
    torch = _torch()
    return int(torch.cuda.device_count()) if torch.cuda.is_available() else 0


def device_memory(backend: Backend) -> tuple[int, int] | None:
    """(free, total) bytes of a GPU backend's device (``torch.cuda.mem_get_info``); None on the CPU."""
    if not backend.is_gpu:
        return None
    free, total = _torch().cuda.mem_get_info(backend.device)
    return int(free), int(total)


def _cpu_name() -> str:
    """The host's processor as /proc/cpuinfo names it (Linux), else :func:`platform.processor`."""
    import platform

    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def device_record(backend: Backend) -> dict[str, Any]:
    """What ran, for a result: the ``--device`` value that selects it again, the library and its version, the
    device and its name (the GPU's, or the host's processor), and for a GPU its total memory and CUDA version."""
    record: dict[str, Any] = {"device": device_argument(backend), "backend": backend.name}
    if backend.name == "numpy":
        record.update({"library": f"numpy {np.__version__}", "name": _cpu_name()})
        return record
    torch = _torch()
    record["library"] = f"torch {torch.__version__}"
    if backend.is_gpu:
        props = torch.cuda.get_device_properties(backend.device)
        record.update({"name": str(props.name), "memory_bytes": int(props.total_memory),
                       "cuda": str(torch.version.cuda)})  # fmt: skip
    else:
        record["name"] = _cpu_name()
    return record
