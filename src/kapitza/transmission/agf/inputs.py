"""The inputs of an AGF run: one schema, one validation, checked before any work.

:data:`SCHEMA` names every setting of :func:`.run.run_agf` (and of the
``kapitza agf`` command and its TOML config) with its kind and bounds;
:func:`check_value` validates one value against it and
:func:`validate_inputs` all of them, with messages that name the option the
way the user gave it (``kpoints=`` in Python, ``--kpoints`` on the command
line, ``kpoints in 'run.toml'`` in a config file).

:func:`estimate_memory` and :func:`estimate_seconds` bound the size of a
sweep up front, so that ``--kpoints 10000`` is refused with its estimate
instead of exhausting the machine.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ... import _checks
from ... import cluster as _cluster
from ...errors import InputError, MemoryBoundError
from ...landauer import STATISTICS

#: Fewest frequencies a run accepts: the midpoint grid must resolve the band.  Measured on Si/Ge [001]
#: (SW mass-mismatch, 2x2 k), intrinsic G(300 K) against 200 frequencies: 1 -> 6.8x, 5 -> +27 %,
#: 10 -> -10 %, 20 -> -11 %, 40 -> +5 %, 60 -> -2.6 %, 100 -> +0.7 % (two-probe G: 1 -> 1.75x,
#: 20 -> -6 %, 100 -> -0.6 %).  Below 100 the result carries a note (run.CONVERGED_FREQUENCIES).
MIN_FREQUENCIES = 20
#: Largest relative broadening eta a run accepts (z = omega^2 (1 + i eta)).  The broadening gives every
#: phonon a half-width eta*omega/2, i.e. a quality factor Q = 1/eta: at eta = 0.1 a wave decays to 1/e in
#: 1/(pi eta) ~ 3 periods, so it is absorbed crossing the device instead of transmitted.  The AGF
#: transmission is the eta -> 0+ limit (eta only selects the retarded Green's function: Zhang, Fisher &
#: Mingo, Numer. Heat Transfer B 51, 333 (2007)).  Measured on Si/Ge [001] (SW mass-mismatch, 6 cells a side,
#: 2x2 k, 40 and 200 frequencies), G(300 K) against eta = 1e-6: 1e-4 -> -0.8 %, 1e-3 -> -7.5 %,
#: 1e-2 -> -48 %, 3e-2 -> -81 %, 0.1 -> -99 %, 10 -> G = 2.8e-12 MW m^-2 K^-1; the same with 40 and 200
#: frequencies, so the loss is set by eta against the frequencies themselves, not by the grid.
ETA_MAX = 0.1
#: eta = 0 (real z) is not offered, although the Bloch-mode leads are exact there: the finite device then has
#: bound states in the continuum of an intermixed interface, where its Green's function is singular.  Measured on
#: SW Si | Ge 2x2, 2 mixing planes, seed 1, k = (-0.25, 0.25), the 41st of 100 frequencies: Xi = -19600 at
#: eta = 0 and -40 at 1e-12 (round-off), 4.93059 at 1e-10 and 1e-9, 4.93028 at 1e-6 (Bloch leads throughout).
#: Largest eta a run accepts without the broadening check (check_broadening=False, --no-check): the loss of
#: G is linear in eta and was -0.8 % at 1e-4 on the model above; above it only the check can say how large.
ETA_UNCHECKED_MAX = 1e-4
#: Default bound on the memory estimate of a run (GB); raise with max_memory_gb= / --max-memory-gb.
DEFAULT_MAX_MEMORY_GB = 4.0
#: Largest memory bound accepted (GB, a petabyte): the bound is this machine's memory, and no machine has more.
MAX_MEMORY_GB = _checks.MAX_MEMORY_GB
#: Default bound on the time estimate of a run (hours); raise with max_hours= / --max-hours.
DEFAULT_MAX_HOURS = 24.0
#: Interface normals that the structure builder knows.
NORMALS = ("001", "110", "111")
#: How a calculator's force constants of two crystals are made: "local" (the rows within the potential's reach of
#: the interface displaced, the others from the two bulk crystals: :mod:`.local_fc`) or "all" (every row displaced).
INTERFACE_FC = ("local", "all")
#: The two polarities of a pair polar along its normal (:mod:`kapitza.atomistic.polarity`).
POLARITIES = ("+", "-")


@dataclass(frozen=True)
class Spec:
    """Kind and bounds of one setting.

    kind is one of "str", "int", "float", "bool", "pair" (N or (N1, N2)), "masses" (two positive numbers),
    "temperature", "path", "device" (a ``--device`` value: :func:`kapitza._backend.check_device`);
    ``low`` is an inclusive lower bound, ``above`` an exclusive one, ``below`` an exclusive upper bound;
    ``optional`` allows None.
    """

    kind: str
    low: float | None = None
    above: float | None = None
    below: float | None = None
    optional: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""


#: Every setting of an AGF run: name -> kind and bounds.
SCHEMA: Mapping[str, Spec] = {
    "left": Spec("str", optional=True, help="chemical symbol"),
    "right": Spec("str", optional=True, help="chemical symbol"),
    "structure": Spec("path", optional=True),
    "pair": Spec("path", optional=True),
    "force_constants": Spec("path", optional=True),
    "left_lead": Spec("path", optional=True),
    "right_lead": Spec("path", optional=True),
    "sides": Spec("str", help="tags, species:A1,A2/B1,B2, plane:Z (A) or column:NAME"),
    "supercell": Spec("pair", low=1, optional=True, help="N1xN2, the lateral supercell of the force constants"),
    "potential": Spec("str", help="potential name"),
    "calculator": Spec("str", optional=True, help="a built-in universal potential (chgnet, ...) or module:factory"),
    "force_range": Spec(
        "float", low=0.5, below=50.0, optional=True, help="A, the range of a calculator's force constants"
    ),
    "max_strain": Spec("float", above=0.0, below=0.25, help="the largest in-plane strain of the matched cell"),
    "interface_fc": Spec(
        "str",
        optional=True,
        choices=INTERFACE_FC,
        help="local (rows near the interface displaced, the others from the bulk crystals) or all (every row); default "
        "the one whose stated cost is lower",
    ),  # fmt: skip
    "interface_reach": Spec(
        "float", low=0.5, below=200.0, optional=True, help="A, how far from the interface rows are displaced"
    ),
    "normal": Spec("str", choices=NORMALS),
    "polarity": Spec("str", choices=POLARITIES, help="+ (along the normal) or - (along its opposite)"),
    "kpoints": Spec("pair", low=1, help="N or N1xN2, positive integers"),
    "frequencies": Spec("int", low=MIN_FREQUENCIES, help="an integer"),
    "frequency_tolerance": Spec("float", above=0.0, below=1.0, optional=True, help="a relative error of G, e.g. 1e-3"),
    "temperature": Spec("temperature", help="K"),
    "eta": Spec("float", above=0.0, below=ETA_MAX, help="a positive number"),
    "cells": Spec("pair", low=1, optional=True, help="NLxNR, positive integers"),
    "pl_cells": Spec("pair", low=1, optional=True, help="N or NLxNR, positive integers"),
    "lateral": Spec("pair", low=1, help="N1xN2, positive integers"),
    "mixing_layers": Spec("int", low=0, help="an integer"),
    "masses_amu": Spec("masses", optional=True, help="two positive masses in amu, LEFT,RIGHT, e.g. 39.948,159.792"),
    "statistics": Spec("str", choices=STATISTICS),
    "seed": Spec("int", low=0, optional=True, help="an integer"),
    "check_broadening": Spec("bool"),
    "check_temperature": Spec("float", above=0.0, help="K"),
    "allow_unstable_leads": Spec("bool"),
    "workers": Spec("int", optional=True, help="an integer"),  # its value: kapitza.cluster.check_workers
    "address": Spec("str", optional=True, help="scheduler address, e.g. tcp://host:8786"),
    "max_memory_gb": Spec("float", above=0.0, below=MAX_MEMORY_GB, help="GB"),
    "device": Spec("device", help="cpu, gpu, auto, torch-cpu or cuda:N"),
    "max_gpu_memory_gb": Spec("float", above=0.0, below=MAX_MEMORY_GB, optional=True, help="GB on each GPU"),
    "max_hours": Spec("float", above=0.0, help="hours"),
    "output": Spec("path", optional=True),
    "plot": Spec("path", optional=True),
    "ldos_plot": Spec("path", optional=True),
}


#: A dask scheduler address (:data:`kapitza.cluster.ADDRESS`, the one rule).
ADDRESS = _cluster.ADDRESS


def api_name(name: str) -> str:
    """How a Python caller spells the setting ``name``: ``kpoints=``."""
    return f"{name}="


def cli_name(name: str) -> str:
    """How a command-line user spells the setting ``name``: ``--kpoints``."""
    return "--" + name.replace("_", "-")


def show(value: Any) -> str:
    """A value in plain words: numbers as numbers (never ``np.float64(...)``), strings quoted."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value)).lower()
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return f"{float(value):g}"
    if isinstance(value, str):
        return repr(value[:60])
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(v) for v in value[:6]) + (", ..." if len(value) > 6 else "") + "]"
    if isinstance(value, np.ndarray):
        return show(value.tolist()) if value.size <= 6 else f"an array of shape {value.shape}"
    return f"a {type(value).__name__}"


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _bounds(name: str, spec: Spec, value: float, label: str) -> None:
    if spec.low is not None and value < spec.low:
        extra = ""
        if name == "frequencies":
            extra = " (fewer do not resolve the phonon band: 1 frequency gives G several times too large)"
        raise InputError(f"{label} must be >= {spec.low:g}{extra}, got {show(value)}")
    if spec.above is not None and not value > spec.above:
        extra = ""
        if name == "eta" and value == 0:
            extra = (
                " (eta = 0 is not offered: an intermixed device has bound states at real frequencies, where its "
                "Green's function is singular; the default 1e-6 lowers G by about 1e-4)"
            )
        raise InputError(f"{label} must be > {spec.above:g}{extra}, got {show(value)}")
    if spec.below is not None and not value < spec.below:
        extra = ""
        if name in ("max_memory_gb", "max_gpu_memory_gb"):
            extra = " GB (a petabyte, more than any machine's memory)"
        if name == "eta":
            extra = (
                " (a broadening that large damps every phonon within a few periods: G comes out 99 % low at 0.1 "
                "and ~0 at 10; the AGF result is the eta -> 0 limit, default 1e-6)"
            )
        raise InputError(f"{label} must be < {spec.below:g}{extra}, got {show(value)}")


def _pair(name: str, spec: Spec, value: Any, label: str) -> tuple[int, int]:
    bad = InputError(f"{label} must be {spec.help or 'N or N1xN2'}, got {show(value)}")
    if _is_int(value):
        items: list[Any] = [value]
    elif isinstance(value, str):
        items = [v.strip() for v in value.lower().replace("x", ",").split(",")]
        try:
            items = [int(v) for v in items]
        except ValueError:
            raise bad from None
    elif isinstance(value, (list, tuple, np.ndarray)):
        items = list(value)
    else:
        raise bad
    if not all(_is_int(v) for v in items) or len(items) not in (1, 2):
        raise bad
    nums = [int(v) for v in items] * (2 if len(items) == 1 else 1)
    if min(nums) < (spec.low or 1):
        raise bad
    return nums[0], nums[1]


def check_value(name: str, value: Any, label: str | None = None) -> Any:
    """Validate one setting against :data:`SCHEMA` and return it normalised.

    ints stay ints (a float such as 1.5 is refused, never truncated), floats
    become float, bools must be real booleans (``"no"`` is refused), pairs
    become (int, int), temperatures a 1D float array in K.

    Raises
    ------
    InputError
        Naming ``label`` (default ``name=``) and the bad value in plain words.
    """
    if name not in SCHEMA:
        raise InputError(f"unknown setting {name!r}; known: {', '.join(SCHEMA)}")
    spec = SCHEMA[name]
    label = label or api_name(name)
    if value is None:
        if spec.optional:
            return None
        raise InputError(f"{label} is required")
    kind = spec.kind
    if kind == "str":
        if not isinstance(value, str) or not value.strip():
            raise InputError(
                f"{label} must be a non-empty string{f' ({spec.help})' if spec.help else ''}, got {show(value)}"
            )
        if spec.choices and value not in spec.choices:
            raise InputError(f"{label} must be one of {', '.join(spec.choices)}, got {show(value)}")
        if name == "address":
            _cluster.check_address(value, label)
        return value
    if kind == "path":
        import os

        if not isinstance(value, (str, os.PathLike)) or not str(value).strip():
            raise InputError(f"{label} must be a file name, got {show(value)}")
        return value
    if kind == "bool":
        if not isinstance(value, (bool, np.bool_)):
            raise InputError(f"{label} must be true or false, got {show(value)}")
        return bool(value)
    if kind == "int":
        if not _is_int(value):
            raise InputError(f"{label} must be an integer, got {show(value)}")
        _bounds(name, spec, int(value), label)
        return int(value)
    if kind == "float":
        if not _is_number(value) or not math.isfinite(float(value)):
            raise InputError(
                f"{label} must be a finite number{f' ({spec.help})' if spec.help else ''}, got {show(value)}"
            )
        _bounds(name, spec, float(value), label)
        return float(value)
    if kind == "pair":
        return _pair(name, spec, value, label)
    if kind == "masses":
        return _masses(value, label, spec.help)
    if kind == "temperature":
        return _temperatures(value, label)
    if kind == "device":
        from ..._backend import check_device

        return check_device(value, label)
    raise AssertionError(kind)  # pragma: no cover - SCHEMA holds only the kinds above


def _masses(value: Any, label: str, help_text: str) -> tuple[float, float]:
    """Two atomic masses (amu), finite and > 0, from "m1,m2" or a pair of numbers."""
    bad = InputError(f"{label} must be {help_text}, got {show(value)}")
    if isinstance(value, str):
        try:
            items: list[Any] = [float(v) for v in value.split(",")]
        except ValueError:
            raise bad from None
    elif isinstance(value, (list, tuple, np.ndarray)):
        items = list(np.asarray(value).tolist()) if isinstance(value, np.ndarray) else list(value)
    else:
        raise bad
    if len(items) != 2 or not all(_is_number(v) for v in items):
        raise bad
    masses = (float(items[0]), float(items[1]))
    if not all(math.isfinite(m) and m > 0 for m in masses):
        raise bad
    return masses


def _temperatures(value: Any, label: str) -> np.ndarray:
    items = value.tolist() if isinstance(value, np.ndarray) else value
    items = list(items) if isinstance(items, (list, tuple)) else [items]
    if not items:
        raise InputError(f"{label} is empty; give at least one temperature in K")
    for t in items:
        if not _is_number(t):
            raise InputError(f"{label} must be numbers in K, got {show(t)}")
        if not math.isfinite(float(t)) or float(t) < 0:
            raise InputError(f"{label} must be finite and >= 0 K, got {show(float(t))} K")
    return np.array([float(t) for t in items])


def validate_inputs(values: Mapping[str, Any], label: Callable[[str], str] = api_name) -> dict[str, Any]:
    """Check every setting in ``values`` (see :data:`SCHEMA`), then the size of the run; return them normalised.

    ``label(name)`` says how the user spelled each setting (:func:`api_name`, :func:`cli_name`).
    """
    out = {name: check_value(name, value, label(name)) for name, value in values.items()}
    eta = out.get("eta")
    if eta is not None and eta > ETA_UNCHECKED_MAX and out.get("check_broadening") is False:
        no_check = "--no-check" if label is cli_name else f"{label('check_broadening')}False"
        raise InputError(
            f"{label('eta')} {show(eta)} is refused with {no_check}: without the broadening check nothing says "
            f"how much the broadening lowers G (-0.8 % at 1e-4, -7.5 % at 1e-3, -48 % at 1e-2 on Si/Ge [001]); "
            f"use eta <= {ETA_UNCHECKED_MAX:g}, or drop {no_check} so that G at eta/2 measures it"
        )
    if "kpoints" in out and "frequencies" in out:
        check_size(
            out["kpoints"],
            out["frequencies"],
            check_broadening=out.get("check_broadening", True),
            max_memory_gb=out.get("max_memory_gb", DEFAULT_MAX_MEMORY_GB),
            label=label,
        )
    return out


def irreducible_kpoints(kgrid: tuple[int, int]) -> int:
    """Points of an n1 x n2 Monkhorst-Pack grid left after merging time-reversal pairs (kappa, -kappa)."""
    n1, n2 = kgrid
    # a point is its own partner iff both coordinates are 0 or 1/2 (mod 1): only for odd n (0) per axis
    self_partners = (n1 % 2) * (n2 % 2)
    return (n1 * n2 + self_partners) // 2


def sweeps(check_broadening: bool) -> int:
    """Sweeps of a run, for its memory estimate (on the safe side): the interface, the two perfect leads'
    channel counts, and the interface at eta/2 if checked (on a sample of k, :func:`check_kpoints`)."""
    return 4 if check_broadening else 3


#: The broadening check solves eta/2 on one irreducible k point in this many (at least one), not on all: the loss
#: that eta causes is a dwell time in the device, nearly the same at every k.  Measured (SW Si | Ge, 4x4 k = 8
#: irreducible points, 100 frequencies, relative change of G(300 K) from eta to eta/2): 1x1 cell, eta = 1e-6: all
#: k 3.9e-5, single k points 2.4e-5 to 1.05e-4; 2x2 intermixed (2 planes, seed 1): all 4.6e-5, single points
#: 4.2e-5 to 4.9e-5; the same at eta = 3e-4: 1.3e-2 for all and for each.  One k point of eight costs an eighth of
#: the interface sweep instead of all of it.
CHECK_EVERY = 8


def check_kpoints(n_irreducible: int) -> NDArray[np.intp]:
    """Rows of a run's irreducible k points (its ``TransmissionResult.kpoints``) that the broadening check solves
    again at eta/2: one in :data:`CHECK_EVERY`, at least one, spread evenly (the middle one of each group)."""
    m = -(-int(n_irreducible) // CHECK_EVERY)
    return ((np.arange(m) + 0.5) * n_irreducible / m).astype(np.intp)


def work_units(kgrid: tuple[int, int], n_chunks: int, check_broadening: bool) -> int:
    """(k, frequency chunk) units of a run, as its progress counts them: the interface sweep and both leads'
    channel counts on every irreducible k point, and the check's sample."""
    n_k = irreducible_kpoints(kgrid)
    return (3 * n_k + (check_kpoints(n_k).size if check_broadening else 0)) * int(n_chunks)


#: Bytes of one complex128 entry.
COMPLEX_BYTES = 16

# ------------------------------------------------------------------------------------------------ memory
# The memory statement of a run (``max_memory_gb=``, ``--max-memory-gb``) bounds the resident memory of ALL its
# processes together: this one with its libraries, the model build, the sweeps, and the local dask workers with
# their own libraries and copies of the blocks.  The arrays are counted from the sizes of the model; what no
# array count gives (the libraries, matscipy's Hessian, dask) is a measured constant, each named below with its
# measurement.  ``python benchmarks/memory.py`` samples the resident memory of the whole process tree of
# ``kapitza agf`` and prints it beside the estimate (docs/reference/performance.md, "Memory").

#: Resident memory of the process that runs the AGF before any model exists: Python with numpy, scipy, ase,
#: matscipy, typer and rich, and kapitza's AGF modules imported, the potential resolved.  Measured 117-123 MB
#: (``kapitza agf`` and ``run_agf``, 2026-11, CPython 3.11, numpy 2, this machine).  Raised from 130 to 150 MB on
#: 2026-11-25 (``python benchmarks/memory.py``, after the merge of main): the whole 1x1 Si|Ge run (libraries and
#: build, a cold cache) peaked at 184 and 205 MB in two runs (154 MB recorded earlier), so 130 MB + 60 kB per atom
#: stated 218 MB, 1.06x the larger peak: too thin for a bound; 150 MB + 70 kB per atom state 253 MB (1.23x).
LIBRARY_BYTES = 150e6
#: A local dask worker process before its first task: :data:`kapitza.cluster.WORKER_LIBRARY_BYTES` (every local
#: worker's, defined there once).
WORKER_LIBRARY_BYTES = _cluster.WORKER_LIBRARY_BYTES
#: What torch adds to a process that runs the kernels on it (``--device gpu`` or ``torch-cpu``, in this process or
#: in each dask worker that does): its import and first linear algebra, measured +190 MB resident (torch 2.13.0,
#: CPU build, 2026-11-26, this machine: 60 MB with kapitza's AGF modules, 238 MB after ``import torch``, 249 MB
#: after a first eig and solve); 250 MB counted.  A CUDA build's libraries and context hold more host memory; not
#: measured (no GPU was lent to this work).
TORCH_LIBRARY_BYTES = 250e6
#: What a local dask cluster adds to the main process (distributed's client, scheduler and nannies, which live
#: there) and multiprocessing's resource tracker (13 MB): measured +40 MB and 13 MB on a 1x1 run with 2 workers.
DASK_BYTES = 70e6
#: Peak of matscipy's analytic Hessian and of cutting it into blocks, per atom of the lateral supercell it is
#: computed on (its pair list reaches twice the cutoff: ~86 neighbours per atom of Si): measured 50 and 51 kB per
#: atom on SW Si|Ge (3x3 and 4x4 cross-sections, 1440 and 2560 atoms, a cold cache); 70 kB counted (1.4x), which
#: with :data:`LIBRARY_BYTES` keeps the statement 1.23-1.38x the measured peak of whole runs at 1x1-4x4 (the
#: build is the larger part up to 3x3; docs/reference/performance.md, "Memory of a run").
ANALYTIC_HESSIAN_BYTES_PER_ATOM = 70e3
#: The LAMMPS library and its copy of the atoms, for force constants by finite differences of LAMMPS forces.
LAMMPS_BYTES = 80e6
#: Bytes of one stored entry of a sparse force-constant matrix D_n (float64 value, int32 index), and of one entry
#: of D(k) as it is summed (complex128 value and int32 index, three of them alive: a term, the sum, the result).
SPARSE_BYTES, SPARSE_K_BYTES = 12.0, 3 * 20.0


@dataclass(frozen=True)
class ModelSizes:
    """The sizes of a layered model that set the memory of an AGF sweep (counts of degrees of freedom).

    Attributes
    ----------
    n_dof : int
        Degrees of freedom of the whole model (leads' two units each, and the device).
    nonzeros : int
        Stored entries of all the force-constant matrices D_n together.
    lead_dof : int
        Degrees of freedom of the larger lead unit.
    boundary_dof : int
        Of those, the ones that couple toward the device (the reduced lead chain the surface Green's
        functions run on; the larger of the two leads).
    slice_dof : int
        Degrees of freedom of the largest device slice.
    n_slices : int
        Number of device slices.
    fold_parts : int
        Primitive leads each lead is solved as (N1 N2 for a lead folded onto the primitive lateral cell's,
        :mod:`.folding`); 1 for a lead solved as it is.
    primitive_lead_dof, primitive_boundary_dof : int
        With ``fold_parts`` > 1: the lead unit and its boundary DOFs of the primitive lead.
    """

    n_dof: int
    nonzeros: int
    lead_dof: int
    boundary_dof: int
    slice_dof: int
    n_slices: int
    fold_parts: int = 1
    primitive_lead_dof: int = 0
    primitive_boundary_dof: int = 0

    @property
    def folded(self) -> bool:
        return self.fold_parts > 1

    def folded_onto(self, repeats: tuple[int, int]) -> ModelSizes:
        """The sizes of the same interface in an N1 x N2 lateral supercell, these being the primitive cell's, with
        its leads folded onto these (:mod:`.folding`).  Exact for a supercell of the same atoms (intermixing
        changes species, not positions); the nonzeros are raised by 1 % (a supercell's zero threshold keeps a
        few more: 76890 against 4 x 19220 at 2x2)."""
        n = int(repeats[0]) * int(repeats[1])
        if n == 1:
            return self
        return ModelSizes(
            n_dof=n * self.n_dof,
            nonzeros=math.ceil(1.01 * n * self.nonzeros),
            lead_dof=n * self.lead_dof,
            boundary_dof=n * self.boundary_dof,
            slice_dof=n * self.slice_dof,
            n_slices=self.n_slices,
            fold_parts=n,
            primitive_lead_dof=self.lead_dof,
            primitive_boundary_dof=self.boundary_dof,
        )

    def sparse_bytes(self) -> float:
        """The sparse D_n and D(k) at one k while it is summed."""
        return (SPARSE_BYTES + SPARSE_K_BYTES) * self.nonzeros + 4.0 * self.n_dof

    def dense_bytes(self) -> float:
        """The dense blocks at one k as :meth:`.model.LayeredModel.blocks_at` makes them: both leads' on-site,
        inward and contact blocks (of the supercell, also where they are folded afterwards) and the device's."""
        lead, m = self.lead_dof, self.slice_dof
        return COMPLEX_BYTES * (2 * (2 * lead * lead + lead * m) + (2 * self.n_slices - 1) * m * m)

    def solved_bytes(self) -> float:
        """The blocks of one k point as the kernels take them (and dask sends them): the device's, and each lead
        as it is or as its ``fold_parts`` primitive leads with their shares of the contact."""
        m = self.slice_dof
        if self.folded:
            p = self.primitive_lead_dof
            leads = 2 * self.fold_parts * (2 * p * p + p * m)
        else:
            leads = 2 * (2 * self.lead_dof**2 + self.lead_dof * m)
        return COMPLEX_BYTES * (leads + (2 * self.n_slices - 1) * m * m)

    def model_bytes(self) -> float:
        """The model and its blocks at one k_par: the sparse D_n and D(k), the dense blocks, the folded leads."""
        return self.sparse_bytes() + self.dense_bytes() + (self.solved_bytes() if self.folded else 0.0)

    def bytes_per_frequency(self, lead_method: str = "bloch") -> float:
        """Peak workspace of the kernels per stacked frequency (complex arrays alive at once, numpy's copies
        for LAPACK included), for the lead ``lead_method`` ("bloch" or "decimation"); a folded lead stacks its
        ``fold_parts`` primitive leads (the on-site and inward blocks repeated for every frequency, the reduced
        chains, the surface functions) and sums their self-energies through one (parts x boundary x slice) product.
        """
        m = self.slice_dof
        if self.folded:
            p, nb = self.primitive_lead_dof, self.primitive_boundary_dof
            lead = self.fold_parts * _lead_chain(p, nb, lead_method, stacked=True) + 2 * self.fold_parts * nb * m
        else:
            nb = self.boundary_dof
            lead = _lead_chain(self.lead_dof, nb, lead_method)
        device = 12 * m * m
        kept = 2 * m * m + (0 if self.folded else 2 * nb * nb) + 4 * m * m  # both self-energies (surfaces); Gamma, G_N1
        return COMPLEX_BYTES * (max(lead, device) + kept)

    def fold_check_bytes(self) -> float:
        """:func:`.folding.fold_lead`'s check of a folded lead: the unitary P (lead x lead), P^dagger H P and its
        temporaries (five lead x lead arrays), beside the blocks at one k."""
        return COMPLEX_BYTES * 5 * self.lead_dof**2 + self.dense_bytes() if self.folded else 0.0


def _lead_chain(n: int, nb: int, lead_method: str, stacked: bool = False) -> int:
    """Complex entries per frequency of one lead: its reduction to the boundary (z - H_rr, the solution for the
    right-hand sides, the reduced blocks; with ``stacked``, the on-site and inward blocks repeated for every
    frequency and their slices; numpy's LAPACK wrappers copy one matrix of a stack at a time, not the stack), or,
    after it, its surface Green's function (the four reduced blocks and the method's workspace), whichever is
    larger.  Decimation: the four running blocks, z - eps, the two right-hand sides and solutions, the products
    (16 nb^2); Bloch modes: the pencil A, B, A - sB, its solve and eigenvectors (2nb x 2nb each) and the
    retarded modes (20 nb^2)."""
    nr = max(n - nb, 0)
    reduce = nr * nr + 2 * nr * nb + 6 * nb * nb + (3 * n * n if stacked else 0)
    method = 20 * nb * nb if lead_method == "bloch" else 16 * nb * nb
    return max(reduce, 6 * nb * nb + method)


def structure_sizes(lead_atoms: tuple[int, int]) -> ModelSizes:
    """A lower bound of :class:`ModelSizes` from the atoms of one unit of each lead alone (before the model is
    built): the lead blocks are certain, the boundary and the slices are taken as empty."""
    lead = 3 * max(int(lead_atoms[0]), int(lead_atoms[1]))
    return ModelSizes(n_dof=2 * lead, nonzeros=0, lead_dof=lead, boundary_dof=0, slice_dof=0, n_slices=1)


def build_bytes(
    sizes: ModelSizes, supercell_atoms: int, row_atoms: int, method: str, source_bytes: float = 0.0
) -> float:
    """Peak of building a model of ``sizes`` above the libraries, bytes.

    The force constants are computed on a lateral supercell of ``supercell_atoms`` atoms for the rows of
    ``row_atoms`` atoms: "analytic" (matscipy's sparse Hessian: :data:`ANALYTIC_HESSIAN_BYTES_PER_ATOM`) or by
    finite differences ("finite-difference", "lammps": dense rows of 3 x 3 float64 blocks, R x S of them, plus
    :data:`LAMMPS_BYTES`, plus ``source_bytes`` that the force source holds beside them while it computes the
    forces: a calculator's displaced structures and working memory,
    :meth:`kapitza.atomistic.calculator_forces.CalculatorForceConstants.memory`), then cut into their nonzero
    blocks (72 bytes each, three copies while the model is assembled); then the model's sparse matrices and, for
    folded leads, the check of the fold.
    """
    if method == "analytic":
        fc = ANALYTIC_HESSIAN_BYTES_PER_ATOM * supercell_atoms
    else:
        fc = 72.0 * row_atoms * supercell_atoms + (LAMMPS_BYTES if method == "lammps" else 0.0) + float(source_bytes)
    blocks = 3 * 72.0 * sizes.nonzeros / 9
    return max(fc + blocks, blocks) + sizes.sparse_bytes() + sizes.fold_check_bytes()


@dataclass(frozen=True)
class MemoryEstimate:
    """Peak resident memory of an AGF run, bytes, by what holds it; :attr:`total` is all its processes together.

    Attributes
    ----------
    libraries : float
        This process's Python and libraries (:data:`LIBRARY_BYTES`, and :data:`TORCH_LIBRARY_BYTES` where its
        kernels run on torch).
    build : float
        Above those, the model build's peak (:func:`build_bytes`; 0 where it is not known yet).
    sweep : float
        Above those, the sweeps' peak in this process: Xi(k, omega) of every sweep, the model, its blocks at one
        k and, in process, the kernels' workspace of one task.
    dask : float
        With dask, this process's share: distributed's client and scheduler (:data:`DASK_BYTES`), the blocks of
        every k point and their serialised copy.
    workers : int
        Local dask worker processes (0 in process or with a scheduler's address).
    per_worker : float
        Each worker: :data:`WORKER_LIBRARY_BYTES` (and :data:`TORCH_LIBRARY_BYTES` where its tasks run on torch;
        with a calculator, the potential it loads for the force calls and one call's working memory),
        the blocks of every k point (received, and their buffer) and
        one task's workspace.
    calculator : float
        A calculator's libraries and model (a machine-learned potential's torch and weights), resident in this
        process from the force constants on (:meth:`kapitza.atomistic.calculator_forces.CalculatorForceConstants.
        memory`); 0 for the other force sources.  Its working memory during the force calls is in ``build``.
    device : str
        Where the sweeps' kernels run when that is a GPU ("cuda:0", "each dask worker's GPU"); "" on the CPU, where
        the kernels' memory is the host's and counted above.
    device_bytes : float
        On each GPU: the blocks of one k point and the workspace of ``batch`` stacked frequencies
        (:func:`device_batch`); not part of :attr:`total`, which is the host's.
    device_usable, device_free : float
        What a batch may fill on that GPU (:func:`kapitza._backend.usable_memory`: 80 % of its free memory, or
        ``max_gpu_memory_gb``) and its free memory when the run was planned, bytes.
    batch : int
        Frequencies of one k point per kernel call on the GPU (0 on the CPU).
    """

    libraries: float
    build: float
    sweep: float
    dask: float = 0.0
    workers: int = 0
    per_worker: float = 0.0
    calculator: float = 0.0
    device: str = ""
    device_bytes: float = 0.0
    device_usable: float = 0.0
    device_free: float = 0.0
    batch: int = 0

    @property
    def total(self) -> float:
        """Bytes of all the run's processes at its peak: this process holds the larger of the build and the sweeps
        (memory freed after the build stays with the process: glibc keeps it for the sweeps), dask's share, and the
        workers (started after the build)."""
        return (
            self.libraries + self.calculator + max(self.build, self.sweep) + self.dask + self.workers * self.per_worker
        )

    @property
    def build_dominates(self) -> bool:
        """Whether the model build's peak is above the sweeps' (then no k grid or frequency count changes the
        run's memory: only a smaller cell does)."""
        return bool(self.build > self.sweep)

    def parts(self) -> str:
        """The estimate in words, for the messages: "libraries 0.15 GB, build 0.3 GB, ..."."""
        items = [("libraries", self.libraries), ("calculator model", self.calculator), ("model build", self.build),
                 ("sweeps", self.sweep)]  # fmt: skip
        if self.dask:
            items.append(("dask in this process", self.dask))
        if self.workers:
            items.append((f"{self.workers} worker(s) x", self.per_worker))
        return ", ".join(f"{name} {_gb(value)}" for name, value in items if value > 0)

    def device_parts(self) -> str:
        """The GPU's share in words ("" on the CPU): "on cuda:0 ~0.61 GB (100 frequencies per call) of 63.2 GB
        usable (80 % of its 79 GB free)"."""
        if not self.device:
            return ""
        from ..._backend import GPU_MEMORY_FRACTION

        usable = f"{_gb(self.device_usable)} usable"
        if self.device_usable < GPU_MEMORY_FRACTION * self.device_free * (1 - 1e-12):
            usable = f"{_gb(self.device_usable)} allowed"
        return (
            f"on {self.device} ~{_gb(self.device_bytes)} ({self.batch} frequencies of one k point per call) of "
            f"{usable} ({_gb(self.device_free)} free)"
        )

    def statement(self) -> str:
        """The whole statement: the host's memory in all and by part, and the GPU's beside it."""
        host = f"host ~{_gb(self.total)} ({self.parts()})"
        return host if not self.device else f"{host}; GPU {self.device_parts()}"

    def with_device(self, device: str, sizes: ModelSizes, batch: int, free: float, limit_gb: float | None,
                    lead_method: str = "bloch") -> MemoryEstimate:  # fmt: skip
        """This estimate with the GPU's share of ``batch`` frequencies of a model of ``sizes`` on ``device``."""
        from dataclasses import replace

        from ..._backend import usable_memory

        on_device = sizes.solved_bytes() + int(batch) * sizes.bytes_per_frequency(lead_method)
        usable = usable_memory(free, None if limit_gb is None else limit_gb * 1e9)
        return replace(self, device=device, device_bytes=on_device, device_usable=usable, device_free=float(free),
                       batch=int(batch))  # fmt: skip


def device_batch(
    sizes: ModelSizes,
    most: int,
    free: float | None,
    limit_gb: float | None = None,
    *,
    where: str = "the GPU",
    label: Callable[[str], str] = api_name,
    lead_method: str = "bloch",
) -> int:
    """Frequencies of one k point per kernel call on a GPU: the most, at most ``most``, whose blocks and workspace
    fit what the GPU allows (:func:`kapitza._backend.usable_memory`: 80 % of its ``free`` bytes, or ``limit_gb``).

    The blocks of one k point as the kernels take them (:meth:`ModelSizes.solved_bytes`) are resident for all its
    calls; each stacked frequency adds the kernels' workspace (:meth:`ModelSizes.bytes_per_frequency`, the same
    arrays on torch as on numpy).  The host's memory is not this rule's (:func:`fit_chunk`).

    Raises
    ------
    InputError
        If one frequency does not fit: the device slice or the lead is too large for this GPU, with the estimate,
        before any work.
    """
    from ..._backend import GPU_MEMORY_FRACTION, usable_memory

    if free is None:  # not a GPU
        return max(1, int(most))
    limit = None if limit_gb is None else float(limit_gb) * 1e9
    usable = usable_memory(free, limit)
    fixed, per = sizes.solved_bytes(), sizes.bytes_per_frequency(lead_method)
    if fixed + per > usable:
        if limit is not None and limit < GPU_MEMORY_FRACTION * free:
            bound = f"more than {named(label('max_gpu_memory_gb'), format(limit_gb, 'g'))} allows ({_gb(free)} free)"
            fix = f"raise {label('max_gpu_memory_gb')}, or give {label('device')} cpu"
        else:
            bound = f"more than {GPU_MEMORY_FRACTION:.0%} of its {_gb(free)} free"
            fix = f"give {label('device')} cpu, or use a GPU with more memory"
        raise InputError(
            f"one frequency at one k point needs ~{_gb(fixed + per)} on {where} ({_gb(fixed)} of blocks and "
            f"{_gb(per)} of workspace: device slices of {sizes.slice_dof} and a lead unit of {sizes.lead_dof} "
            f"degrees of freedom), {bound}; {fix}"
        )
    room = int((usable - fixed) // per) if per > 0 else int(most)
    return max(1, min(int(most), room))


def estimate_memory(
    kgrid: tuple[int, int],
    frequencies: int,
    check_broadening: bool = True,
    *,
    sizes: ModelSizes | None = None,
    chunk: int = 25,
    lead_method: str = "bloch",
) -> float:
    """Bytes the sweeps of a run hold in the process that solves them, above the libraries.

    Always counted: each sweep keeps Xi(k, omega) (8 bytes per value) and the result keeps three of them; the
    grid holds the full Monkhorst-Pack points before the time-reversal merge (16 bytes each, with the
    dictionary of pairs ~200 bytes per point); the frequency grids hold ~12 arrays of ``frequencies``.
    With ``sizes`` (:class:`ModelSizes`) also the model with its blocks at one k
    (:meth:`ModelSizes.model_bytes`) and the kernels' workspace for ``chunk`` stacked frequencies
    (:meth:`ModelSizes.bytes_per_frequency`).  The whole run: :func:`run_memory`.
    """
    n_full = kgrid[0] * kgrid[1]
    n_k = irreducible_kpoints(kgrid)
    xi = 8.0 * n_k * frequencies * (sweeps(check_broadening) + 1)
    total = xi + 216.0 * n_full + 8.0 * 12 * frequencies
    if sizes is not None:
        total += sizes.model_bytes() + chunk * sizes.bytes_per_frequency(lead_method)
    return total


@dataclass(frozen=True)
class Processes:
    """The processes of a run and what each holds besides the sweeps: one record that :func:`run_memory`,
    :func:`check_size` and :func:`fit_chunk` take (or its fields by keyword), where each had its own copy of the six
    keywords.  ``workers`` local dask workers, or ``dask`` for a scheduler at an address (this process sends the
    blocks; the workers' memory is their machines'); ``calculator``: a calculator's resident libraries and model in
    this process, bytes (:attr:`MemoryEstimate.calculator`); ``torch_here``, ``torch_workers``: the kernels run on
    torch in this process, in each local worker (:data:`TORCH_LIBRARY_BYTES` more in each); ``worker_calculator``:
    what each local worker holds for a calculator's force calls, bytes."""

    workers: int | None = None
    dask: bool = False
    calculator: float = 0.0
    torch_here: bool = False
    torch_workers: bool = False
    worker_calculator: float = 0.0

    @classmethod
    def of(cls, processes: Processes | None, given: Mapping[str, Any], what: str) -> Processes:
        """``processes`` (default: this process alone) with ``given`` (its fields by keyword) put in."""
        return _checks.settings_record(cls, processes, dict(given), "processes", f" of {what}; its processes")


def run_memory(
    kgrid: tuple[int, int],
    frequencies: int,
    check_broadening: bool = True,
    *,
    sizes: ModelSizes | None = None,
    chunk: int = 25,
    lead_method: str = "bloch",
    build: float = 0.0,
    processes: Processes | None = None,
    **given: Any,
) -> MemoryEstimate:
    """The peak resident memory of a whole run, all its processes together (:class:`MemoryEstimate`).

    ``build`` is the model build's peak (:func:`build_bytes`); ``processes`` (:class:`Processes`, or its fields by
    keyword): the local dask workers or a scheduler at an address, a calculator's memory, torch in this process or
    in the workers (``--device gpu`` or ``torch-cpu``; the GPU's own memory is :func:`device_batch`'s), and what each
    worker holds for a calculator's force calls (the potential it loads and keeps, and one call's working memory:
    the run's force calls are tasks on the same local cluster).  Without ``sizes`` only what the inputs alone fix
    is counted (the libraries and Xi): a lower bound.
    """
    p = Processes.of(processes, given, "run_memory")
    workers, dask, calculator = p.workers, p.dask, p.calculator
    torch_here, torch_workers, worker_calculator = p.torch_here, p.torch_workers, p.worker_calculator
    n_workers = int(workers or 0)
    libraries = LIBRARY_BYTES + (TORCH_LIBRARY_BYTES if torch_here else 0.0)
    worker_libraries = WORKER_LIBRARY_BYTES + (TORCH_LIBRARY_BYTES if torch_workers else 0.0) + worker_calculator
    on_dask = dask or n_workers > 0
    in_process = estimate_memory(
        kgrid, frequencies, check_broadening, sizes=sizes, chunk=0 if on_dask else chunk, lead_method=lead_method
    )
    if not on_dask or sizes is None:
        return MemoryEstimate(libraries, build, in_process, DASK_BYTES if on_dask else 0.0, n_workers,
                              worker_libraries if n_workers else 0.0, calculator)  # fmt: skip
    blocks = irreducible_kpoints(kgrid) * sizes.solved_bytes()
    # the lead channel counts run here in any case, one chunk at a time
    in_process += chunk * sizes.bytes_per_frequency(lead_method)
    per_worker = worker_libraries + 2 * blocks + chunk * sizes.bytes_per_frequency(lead_method)
    return MemoryEstimate(
        libraries=libraries,
        build=build,
        sweep=in_process,
        dask=DASK_BYTES + 2 * blocks,
        workers=n_workers,
        per_worker=per_worker if n_workers else 0.0,
        calculator=calculator,
    )


def check_size(
    kgrid: tuple[int, int],
    frequencies: int,
    *,
    check_broadening: bool = True,
    max_memory_gb: float = DEFAULT_MAX_MEMORY_GB,
    label: Callable[[str], str] = api_name,
    sizes: ModelSizes | None = None,
    build: float = 0.0,
    processes: Processes | None = None,
    **given: Any,
) -> MemoryEstimate:
    """Refuse a run whose memory estimate (:func:`run_memory`, all its processes) exceeds ``max_memory_gb``;
    return the estimate.

    With ``sizes`` the model and the workspace of one frequency at a time count too (the least any run
    of that model needs: :func:`fit_chunk` then stacks as many frequencies as fit).
    """
    need = run_memory(kgrid, frequencies, check_broadening, sizes=sizes, chunk=1, build=build,
                      processes=Processes.of(processes, given, "check_size"))  # fmt: skip
    if need.total > max_memory_gb * 1e9:
        raise MemoryBoundError(
            f"{_largest_part(need, kgrid, frequencies, sizes, label)} "
            f"~{_gb(need.total)} of memory in all ({need.parts()}; limit {max_memory_gb:g} GB; raise it with "
            f"{label('max_memory_gb')})"
        )
    return need


BUILD_PART = "the model build (the force constants of the interface's cell)"


def _largest_part(
    need: MemoryEstimate, kgrid: tuple[int, int], frequencies: int, sizes: ModelSizes | None, label: Callable
) -> str:
    """What a refusal names first: what sets the largest part of ``need``.  The sweeps' part is set by the k grid,
    the frequencies and the lead unit ("kpoints=8x8 and frequencies=200 with a lead unit of 48 degrees of freedom
    need"); the model build's by the force constants' largest force call and their rows, which no AGF setting
    changes ("the model build (...) is the largest part: the run needs")."""
    if need.build_dominates:
        return f"{BUILD_PART} is the largest part: the run needs"
    model = "" if sizes is None else f" with a lead unit of {sizes.lead_dof} degrees of freedom"
    grid = named(label("kpoints"), f"{kgrid[0]}x{kgrid[1]}")
    return f"{grid} and {named(label('frequencies'), frequencies)}{model} need"


def fit_chunk(
    sizes: ModelSizes,
    kgrid: tuple[int, int],
    frequencies: int,
    chunk: int,
    *,
    check_broadening: bool = True,
    max_memory_gb: float = DEFAULT_MAX_MEMORY_GB,
    lead_method: str = "bloch",
    label: Callable[[str], str] = api_name,
    build: float = 0.0,
    processes: Processes | None = None,
    **given: Any,
) -> int:
    """The most frequencies per task, at most ``chunk``, whose memory estimate (:func:`run_memory`) fits
    ``max_memory_gb``.

    Raises
    ------
    InputError
        If even one frequency at a time does not fit (:func:`check_size`).
    """
    kw: dict[str, Any] = {"sizes": sizes, "build": build, "processes": Processes.of(processes, given, "fit_chunk")}
    check_size(kgrid, frequencies, check_broadening=check_broadening, max_memory_gb=max_memory_gb, label=label, **kw)
    limit = max_memory_gb * 1e9
    for n in range(int(chunk), 1, -1):
        if run_memory(kgrid, frequencies, check_broadening, chunk=n, lead_method=lead_method, **kw).total <= limit:
            return n
    return 1


def named(label: str, value: Any) -> str:
    """``kpoints=8x8`` (Python) or ``--kpoints 8x8`` (command line)."""
    return f"{label}{value}" if label.endswith("=") else f"{label} {value}"


def _gb(n_bytes: float) -> str:
    return f"{n_bytes / 1e9:.3g} GB" if n_bytes >= 1e8 else f"{n_bytes / 1e6:.3g} MB"


def check_time(
    seconds_per_unit: float,
    units: int,
    workers: int,
    *,
    max_hours: float = DEFAULT_MAX_HOURS,
    label: Callable[[str], str] = api_name,
    adaptive: tuple[int, int] | None = None,
) -> float:
    """Refuse a run whose time estimate (``units`` x ``seconds_per_unit`` over ``workers``) exceeds ``max_hours``.

    ``adaptive`` = (cap, start): an adaptive frequency grid, whose ``units`` are those of its cap of frequencies
    (it starts at ``start`` and may stop far below the cap): the estimate is then a most, and the message says so.
    """
    seconds = seconds_per_unit * units / max(1, workers)
    if seconds > max_hours * 3600.0:
        if adaptive is None:
            raise InputError(
                f"this run would take ~{_duration(seconds)} ({units} (omega, k) chunks at ~{seconds_per_unit:.2g} s "
                f"each; limit {max_hours:g} h; raise it with {label('max_hours')}, or lower {label('kpoints')} "
                f"or {label('frequencies')})"
            )
        cap, start = adaptive
        raise InputError(
            f"this run could take up to ~{_duration(seconds)} if the adaptive grid grows to its cap of {cap} "
            f"frequencies ({label('frequencies')}; it starts with {start}): {units} (omega, k) chunks at "
            f"~{seconds_per_unit:.2g} s each; limit {max_hours:g} h; raise it with {label('max_hours')}, or lower "
            f"the cap {label('frequencies')} or {label('kpoints')}"
        )
    return seconds


def _duration(seconds: float) -> str:
    if seconds < 3600:
        return f"{seconds / 60:.3g} min"
    if seconds < 3 * 86400:
        return f"{seconds / 3600:.3g} h"
    return f"{seconds / 86400:.3g} days"
