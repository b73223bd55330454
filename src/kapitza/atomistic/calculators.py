"""Where forces come from for any crystal: a universal machine-learned potential shipped in a wheel, or any ASE
calculator the user has, behind one :class:`CalculatorSource`.

:func:`calculator_source` takes a name:

``"chgnet"``
    CHGNet 0.3.0 (B. Deng, P. Zhong, K. Jun, J. Riebesell, K. Han, C. J. Bartel and G. Ceder, Nat. Mach. Intell.
    5, 1031 (2023), doi:10.1038/s42256-023-00716-3), trained on the Materials Project trajectories (MPtrj, PBE and
    PBE+U), from the ``chgnet`` package (``CHGNet.load(model_name="0.3.0")``).
``"chgnet-r2scan"``
    the CHGNet model transfer-learned from 0.3.0 to the MP-r2SCAN data (X. Huang, B. Deng, P. Zhong, A. D.
    Kaplan, K. A. Persson and G. Ceder, npj Comput. Mater. (2025), doi:10.1038/s41524-025-01796-y), shipped in
    the same wheel (``CHGNet.load(model_name="r2scan")``).
``"sevennet"``
    SevenNet-0 (11Jul2024), trained on MPtrj (Y. Park, J. Kim, S. Hwang and S. Han, J. Chem. Theory Comput. 20,
    4857 (2024), doi:10.1021/acs.jctc.4c00190), from the ``sevenn`` package.
``"sevennet-l3i5"``
    SevenNet-l3i5 (l_max = 3, 5 interaction layers, MPtrj), same package and paper.
``"NAME+d3"``
    any of the above (a built-in or ``module:factory``) with Grimme's D3 dispersion correction added, Becke-Johnson
    damping with the PBE functional's parameters (S. Grimme, J. Antony, S. Ehrlich and H. Krieg, J. Chem. Phys.
    132, 154104 (2010); S. Grimme, S. Ehrlich and L. Goerigk, J. Comput. Chem. 32, 1456 (2011)), from the
    ``dftd3`` package (simple-dftd3, in the ``mlip`` extra): the universal potentials learned PBE (and PBE+U)
    energies, which lack the dispersion that binds layered crystals (graphite's layers drift 15-20 % apart without
    it), so PBE's parameters are the ones that complete them.  The forces and stresses are the sum of the two
    (``ase.calculators.mixing.SumCalculator``); the package's defaults otherwise (its three-body
    Axilrod-Teller-Muto term at s9 = 1 included, its real-space cutoffs).
``"module:factory"``
    any ASE calculator: ``module`` is imported (it must be importable from Python's path, e.g. through
    ``PYTHONPATH``; the user runs their own code on purpose, as with a LAMMPS pair style) and ``factory`` is called
    with no arguments; its result must be an ASE calculator that implements forces.

Every built-in's weights are package data of its wheel (``pip install 'kapitza[mlip]'``): nothing is downloaded at
run time (the checkpoint *files* are handed to the packages, never a model name that their download code could
resolve).  A missing package is a :class:`~kapitza.errors.MissingDependencyError` naming it and the ``mlip`` extra.

A source knows its name, a description with the model's citation, its package and version, the elements it was
trained on, and an :attr:`~CalculatorSource.identity` for cache keys: for a built-in its name, package version and
the SHA-256 of its weights file; for ``module:factory`` the module and factory names, the SHA-256 of the module's
file and its ``__version__`` where it has them, and the calculator's class.

Where a built-in runs: on the CPU, unless ``$KAPITZA_MLIP_DEVICE`` names a CUDA GPU (``cuda`` or ``cuda:N``;
:func:`mlip_device`; refused in one line where torch sees no such GPU).  The device is not part of the identity: the
same weights give the same forces to float32 round-off on either (7.7e-6 eV/A or better on GaN, measured by
``benchmarks/mlip_gpu.py`` on an H100), so cached results serve both.  The memory statements of
:mod:`.calculator_forces` stay the CPU's (an upper bound of the host memory a GPU run takes; the GPU's own memory is
not checked).

The models are slow to load (seconds) and print when they do (CHGNet: "CHGNet v0.3.0 initialized ..."); kapitza
never prints, so they are loaded once per process (:func:`functools.lru_cache`, keyed by name) with their standard
output and warnings held back for that call only (:func:`quiet`).  Torch's thread settings are left as they are.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib
import importlib.metadata
import importlib.util
import io
import os
import re
import signal
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._backend import gpu_index
from ..errors import InputError, MissingDependencyError, optional_module
from .potential_records import BATCH_ATOMS, D3_SUFFIX, DEFAULT_BASE, POTENTIALS, PotentialRecord

#: What the suffix adds, in words with its citations.
D3_DESCRIPTION = (
    "with Grimme's D3 dispersion correction, Becke-Johnson damping, PBE parameters (S. Grimme, J. Antony, "
    "S. Ehrlich and H. Krieg, J. Chem. Phys. 132, 154104 (2010); S. Grimme, S. Ehrlich and L. Goerigk, J. Comput. "
    "Chem. 32, 1456 (2011))"
)
#: The heaviest element D3's reference coefficients cover (plutonium).
D3_LAST_Z = 94

#: The calculator used when none is named, chosen by the measured phonon accuracy (docs/reference/phonon-accuracy,
#: scripts/phonon_accuracy.py; its test checks this value): of the potentials that refuse at most one crystal more
#: than the fewest, scatter at most 1.5 times the smallest and give a 64-atom supercell's force constants in under a
#: minute on the 2-core machine, the one whose median signed error is smallest in magnitude against the measured
#: frequencies of 25 crystals.  SevenNet-l3i5 with D3: median -7.9 %, scatter 10.6 %, no crystal refused, relaxed
#: lattice constants -0.1 % (median); SevenNet-l3i5 alone -14.5 %, 11.0 %, Nb refused, +0.8 %; chgnet -40.6 %,
#: 19.9 %, 8 refused (2026-11-26).
DEFAULT_CALCULATOR = DEFAULT_BASE + D3_SUFFIX

#: The pip extra that installs the built-in potentials.
EXTRA = "mlip"

#: Elements with no structure in the MPtrj data set, which CHGNet 0.3.0 and SevenNet-0 were trained on: CHGNet's
#: embedding spans Z = 1..94, and the SevenNet-0 checkpoint (trained on the same MPtrj) lists its 89 species,
#: Z = 1..94 without these five (``chemical_species`` in its configuration, sevenn 0.13.0).
MPTRJ_ABSENT = ("Po", "At", "Rn", "Fr", "Ra")


#: A user's factory name: a Python identifier (ASCII).  A module name: dotted identifiers.  Matched whole
#: (``fullmatch``: a trailing newline is no part of a name).
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
#: The longest calculator name taken (a dotted module path and a factory fit in far fewer).
MAX_NAME_CHARS = 300


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Hold back standard output and warnings for the duration of the block (a model's load and its calls).

    The packages print on load and torch warns on the first call; the library never prints.  Both are restored
    when the block ends (not thread-safe, as :func:`contextlib.redirect_stdout` itself).
    """
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


#: The built-in potentials, by the name ``--calculator`` takes: their records (one per potential: package, weights,
#: model, description, citation and the measured costs; :mod:`kapitza.atomistic.potential_records`).
BUILTINS: Mapping[str, PotentialRecord] = POTENTIALS


@dataclass(frozen=True)
class CalculatorSource:
    """Where forces come from: a built-in universal potential or a user's ASE calculator.

    Attributes
    ----------
    name : str
        "chgnet", "chgnet-r2scan", "sevennet", "sevennet-l3i5" or the user's "module:factory", each possibly with
        "+d3" (:func:`with_d3`).
    description : str
        The model in words with the citation of its paper (a user's calculator: its module, factory and class).
    package : str
        The Python package (distribution) that provides it, or the user's module.
    version : str
        The package's version ("" where a user's module has none).
    identity : Mapping
        JSON-able: everything that defines the forces, for cache keys (name, package version, SHA-256 of the
        weights file; for a user's factory, module, factory, the module file's SHA-256, ``__version__`` and the
        calculator's class).
    """

    name: str
    description: str
    package: str
    version: str
    identity: Mapping[str, Any]
    _load: Callable[[], Any] = field(compare=False, repr=False)
    _species: Callable[[Any], tuple[str, ...] | None] = field(compare=False, repr=False)
    _batch: Callable[[list[Any]], list[Any]] | None = field(default=None, compare=False, repr=False)

    def calculator(self) -> Any:
        """The ASE calculator (a built-in is loaded once per process, quietly; a user's is the factory's result)."""
        return self._load()

    @cached_property
    def elements(self) -> tuple[str, ...] | None:
        """Chemical symbols the model was trained on, sorted by atomic number; None where not known (a user's
        calculator: its own business).  Loads a built-in model to read them."""
        return self._species(self.calculator())

    def check_elements(self, symbols: Sequence[str], what: str = "the structure") -> None:
        """Raise InputError naming the elements of ``symbols`` the model was not trained on."""
        known = self.elements
        if known is None:
            return
        unknown = sorted(set(symbols) - set(known), key=_atomic_number)
        if unknown:
            raise InputError(
                f"{what} holds {', '.join(unknown)}, which the {self.name} potential was not trained on "
                f"({len(known)} elements, {known[0]}-{known[-1]} without {_missing_range(known)})"
            )

    def forces(
        self,
        structures: Sequence[Any],
        *,
        progress: Callable[[str, int, int], None] | None = None,
        stage: str = "forces",
    ) -> NDArray[np.float64]:
        """Forces in eV/A on each of ``structures`` (ase.Atoms, positions in A), float64, shape (n, N, 3).

        CHGNet predicts the structures in batches of at most :data:`BATCH_ATOMS` atoms (its own batched
        prediction, forces identical to its ASE calculator's to the last bit): measured on the 2-core machine,
        six 64-atom Si supercells took 0.31, 0.62 and 0.70 of the time one by one (best of three each, three runs at
        load averages 6-11; benchmarks/mlip_phonons.py --batch).  Other calculators take one structure at a time.

        Raises
        ------
        InputError
            The calculator fails on a structure or returns forces that are not finite or of the wrong shape.
        """
        out: list[NDArray[np.float64]] = []
        for batch in _batches(structures, BATCH_ATOMS if self._batch is not None else 0):
            if progress is not None:
                progress(stage, len(out), len(structures))
            try:
                with quiet():
                    found = self._batch(batch) if self._batch is not None else [self._one(a) for a in batch]
            except (InputError, MissingDependencyError):
                raise
            except (Exception, SystemExit) as exc:  # noqa: BLE001 - any failure of a foreign calculator (its sys.exit
                # too: never a silent status 0) is one line; KeyboardInterrupt stays the user's interrupt
                raise InputError(f"the {self.name} calculator failed: {type(exc).__name__}: {exc}") from None
            for atoms, f in zip(batch, found):
                f = np.array(f, dtype=np.float64)
                if f.shape != (len(atoms), 3) or not np.all(np.isfinite(f)):
                    raise InputError(f"the {self.name} calculator returned forces that are not finite, shape (N, 3)")
                out.append(f)
        if progress is not None:
            progress(stage, len(structures), len(structures))
        return np.array(out).reshape(len(out), -1, 3)

    def _one(self, atoms: Any) -> NDArray[np.float64]:
        work = atoms.copy()
        work.calc = self.calculator()
        return np.asarray(work.get_forces())


def _batches(structures: Sequence[Any], max_atoms: int) -> list[list[Any]]:
    """Consecutive groups of ``structures`` of at most ``max_atoms`` atoms each (one structure a group for 0)."""
    groups: list[list[Any]] = []
    for atoms in structures:
        if groups and max_atoms and sum(len(a) for a in groups[-1]) + len(atoms) <= max_atoms:
            groups[-1].append(atoms)
        else:
            groups.append([atoms])
    return groups


def _atomic_number(symbol: str) -> int:
    from ase.data import atomic_numbers

    return atomic_numbers.get(symbol, 0)


def _missing_range(known: tuple[str, ...]) -> str:
    from ase.data import chemical_symbols

    lo, hi = _atomic_number(known[0]), _atomic_number(known[-1])
    gaps = [chemical_symbols[z] for z in range(lo, hi + 1) if chemical_symbols[z] not in known]
    return ", ".join(gaps) if gaps else "gaps"


def calculator_name(spec: Any, *, from_file: str | None = None) -> str:
    """``spec`` checked without importing anything: a built-in name (lower case) or ``module:factory`` syntax, either
    possibly with ``+d3``.

    ``from_file``: where a file named it ("config file 'run.toml'"); a file names data, never code, so only the
    built-in names pass (this is the one rule for every file kapitza reads: a ``module:factory``, which imports and
    calls Python code, comes from the command line or a Python call only).

    Raises InputError otherwise (the same message :func:`calculator_source` gives), one line, before anything is
    imported.
    """
    if not isinstance(spec, str) or not spec.strip():
        shown = _shown(spec) if isinstance(spec, str) else f"{type(spec).__name__} {_shown(spec)}"
        raise InputError(
            f"calculator must be a built-in name ({', '.join(BUILTINS)}) or 'module:factory' (either with "
            f"'{D3_SUFFIX}' for the D3 dispersion correction), got {shown}"
        )
    text = spec.strip()
    if len(text) > MAX_NAME_CHARS:
        raise InputError(
            f"calculator {_shown(text)} is {len(text):,} characters long; a name has at most {MAX_NAME_CHARS}"
        )
    base, d3 = text, ""
    if text.lower().endswith(D3_SUFFIX):
        base, d3 = text[: -len(D3_SUFFIX)].strip(), D3_SUFFIX
        if not base or base.lower().endswith(D3_SUFFIX):
            raise InputError(f"calculator {_shown(text)}: '{D3_SUFFIX}' follows one calculator name, once")
    if base.lower() in BUILTINS:
        return base.lower() + d3
    if from_file is not None:
        raise InputError(_not_in_a_file(text, from_file))
    if ":" not in base:
        raise InputError(_unknown(base))
    module_name, _, factory_name = base.partition(":")
    if not _MODULE.fullmatch(module_name) or not _IDENTIFIER.fullmatch(factory_name):
        raise InputError(_syntax(base))
    return base + d3


def _shown(value: Any) -> str:
    """``value`` quoted for a message, at most about 80 characters (a name may be as long as a file)."""
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:60]}...{text[-12:]} ({len(text):,} characters)"


def _not_in_a_file(text: str, where: str) -> str:
    what = "names Python code (module:factory)" if ":" in text else "is not a built-in calculator"
    return (
        f"calculator {_shown(text)} in {where} {what}; a file may name only the built-in calculators "
        f"({', '.join(BUILTINS)}, each with or without '{D3_SUFFIX}'): pass a module:factory with --calculator on "
        "the command line or calculator= in Python (it runs your code, as python -c would)"
    )


def _syntax(text: str) -> str:
    return (
        f"calculator {_shown(text)}: expected a built-in name ({', '.join(BUILTINS)}) or module:factory with a "
        "module importable from Python's path and a function of no arguments in it"
    )


def _unknown(text: str) -> str:
    return (
        f"unknown calculator {_shown(text)}; built-in: {', '.join(BUILTINS)} (each also NAME{D3_SUFFIX} with the D3 "
        f"dispersion correction; the default is {DEFAULT_CALCULATOR}), or 'module:factory' for any ASE "
        "calculator (the module importable from Python's path, the factory called with no arguments)"
    )


def calculator_source(spec: str | None = None, *, from_file: str | None = None) -> CalculatorSource:
    """The force source named by ``spec``: a built-in potential or ``module:factory`` (default
    :data:`DEFAULT_CALCULATOR`).

    A built-in is not loaded here (see :meth:`CalculatorSource.calculator`): its identity needs only the package's
    version and its weights file.  A ``module:factory`` is imported and called here, once, and its result checked:
    it runs the caller's own code, as ``python -c`` would, so only the command line and a Python call name one
    (``from_file``, where a file named ``spec``: a built-in name only, :func:`calculator_name`).  The import and the
    call are contained as far as one process can: what they print through Python's ``sys.stdout`` and
    ``sys.stderr`` is held back (output of C code to the file descriptors is not), any exception they raise,
    ``SystemExit`` and ``KeyboardInterrupt`` included, is one InputError line, the signal handlers and signal mask
    they change are put back and an interval timer they start (``signal.alarm``, where none ran) is stopped, and a
    process they fork never returns into kapitza (it exits at once).  What the code does besides (files, threads,
    sockets, a crash of the interpreter: ``os:abort`` named on the command line still aborts) is its own.

    Raises
    ------
    MissingDependencyError
        A built-in whose package is not installed (the message names the ``mlip`` extra).
    InputError
        An unknown name; a module that cannot be imported; a factory that is missing, fails, or returns something
        that is not an ASE calculator implementing forces.
    """
    text = calculator_name(DEFAULT_CALCULATOR if spec is None else spec, from_file=from_file)
    if text.endswith(D3_SUFFIX):
        return with_d3(calculator_source(text[: -len(D3_SUFFIX)]))
    if ":" in text:
        return _user_source(text)
    if BUILTINS[text].factory:  # registered (potential_records.register_potential): its ASE calculator's factory
        return _registered_source(text)
    mlip_device()  # where it will run, checked each time it is named (the source below is cached per process)
    return _builtin_source(text)


def _registered_source(name: str) -> CalculatorSource:
    """A registered potential: its factory's calculator, as ``--calculator module:factory`` gives it, under the
    registered name (so that its record's numbers apply)."""
    record = BUILTINS[name]
    source = _user_source(record.factory)
    return dataclasses.replace(
        source,
        name=name,
        description=f"{record.description}; {record.citation} (registered: {record.factory})",
        identity=MappingProxyType({**source.identity, "registered": name}),
    )


def with_d3(source: CalculatorSource) -> CalculatorSource:
    """``source`` with Grimme's D3(BJ) dispersion correction added (PBE parameters; see the module docstring):
    named ``source.name + "+d3"``, its identity extended by the correction's model and package version, its
    elements those of ``source`` that D3 covers (H-Pu).  ``source`` itself is returned where it has the correction
    already.

    Raises
    ------
    MissingDependencyError
        The ``dftd3`` package is not installed (the ``mlip`` extra).
    """
    if source.name.endswith(D3_SUFFIX):
        return source
    try:
        version = importlib.metadata.version("dftd3")
    except importlib.metadata.PackageNotFoundError:
        raise MissingDependencyError("dftd3", EXTRA, "the D3 dispersion correction") from None
    identity = {**source.identity, "dispersion": {"model": "D3(BJ)", "parameters": "pbe", "three_body_s9": 1.0,
                                                  "package": "dftd3", "version": version}}  # fmt: skip

    def species(_: Any) -> tuple[str, ...] | None:
        known = source.elements
        return None if known is None else tuple(s for s in known if _atomic_number(s) <= D3_LAST_Z)

    def batch(structures: list[Any]) -> list[Any]:
        assert source._batch is not None
        return [np.asarray(f) + _d3_forces(a) for f, a in zip(source._batch(structures), structures)]

    return CalculatorSource(
        name=source.name + D3_SUFFIX,
        description=f"{source.description}; {D3_DESCRIPTION}; dftd3 {version} (simple-dftd3)",
        package=source.package,
        version=source.version,
        identity=MappingProxyType(identity),
        _load=lambda: _sum_with_d3(source.calculator()),
        _species=species,
        _batch=batch if source._batch is not None else None,
    )


def _d3() -> Any:
    """A fresh D3(BJ) calculator with PBE's parameters (the package's defaults otherwise: three-body term on)."""
    try:
        from dftd3.ase import DFTD3
    except ImportError:
        raise MissingDependencyError("dftd3", EXTRA, "the D3 dispersion correction") from None
    return DFTD3(method="PBE", damping="d3bj")


def _sum_with_d3(calc: Any) -> Any:
    """``calc`` plus D3: energies, forces and stresses summed."""
    from ase.calculators.mixing import SumCalculator

    return SumCalculator([calc, _d3()])


def _d3_forces(atoms: Any) -> NDArray[np.float64]:
    """D3's forces alone on ``atoms`` (eV/A)."""
    work = atoms.copy()
    work.calc = _d3()
    return np.asarray(work.get_forces(), dtype=np.float64)


@cache
def _builtin_source(name: str) -> CalculatorSource:
    spec = BUILTINS[name]
    path = _weights_path(name)
    version = importlib.metadata.version(spec.package)
    identity = {"calculator": name, "package": spec.package, "version": version, "weights_sha256": _sha256(path)}
    loader = _load_chgnet if spec.package == "chgnet" else _load_sevennet
    species = _chgnet_species if spec.package == "chgnet" else _sevennet_species
    return CalculatorSource(
        name=name,
        description=f"{spec.description}; {spec.citation}; {spec.package} {version}",
        package=spec.package,
        version=version,
        identity=MappingProxyType(identity),
        _load=lambda: loader(name),
        _species=species,
        _batch=(lambda structures: _chgnet_batch(name, structures)) if spec.package == "chgnet" else None,
    )


def _weights_path(name: str) -> Path:
    """The weights file of a built-in inside its installed package (MissingDependencyError if absent)."""
    spec = BUILTINS[name]
    found = importlib.util.find_spec(spec.package)  # locates the package without importing it (nor torch)
    if found is None or not found.submodule_search_locations:
        raise MissingDependencyError(spec.package, EXTRA, f"the {name} potential")
    path = Path(list(found.submodule_search_locations)[0]) / spec.weights
    if not path.is_file():
        raise MissingDependencyError(spec.package, EXTRA, f"the {name} potential (its weights file {spec.weights})")
    return path


@cache
def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


#: The environment variable that puts the built-in potentials on a CUDA GPU (``cuda`` or ``cuda:N``; default cpu).
DEVICE_VARIABLE = "KAPITZA_MLIP_DEVICE"


def mlip_device() -> str:
    """Where the built-in potentials run: ``$KAPITZA_MLIP_DEVICE`` (``cpu``, ``cuda`` or ``cuda:N``), default ``cpu``.

    Raises :class:`~kapitza.errors.InputError` (one line) for any other value, or a CUDA device that torch does not
    see; :class:`~kapitza.errors.MissingDependencyError` where torch is missing."""
    text = os.environ.get(DEVICE_VARIABLE, "").strip().lower() or "cpu"
    base, colon, index = text.partition(":")
    if not (text == "cpu" or base == "cuda" and (not colon or gpu_index(index) is not None)):
        raise InputError(
            f"{DEVICE_VARIABLE}={_shown(os.environ.get(DEVICE_VARIABLE))} is not a device: use cpu, cuda or cuda:N "
            "(N in ASCII digits)"
        )
    if text == "cpu":
        return text
    torch = optional_module("torch", EXTRA, f"the built-in potentials on {text}")
    index = int(text.partition(":")[2] or 0)
    count = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if index >= count:
        raise InputError(
            f"{DEVICE_VARIABLE}={text}, but torch sees {count} CUDA GPU{'' if count == 1 else 's'}: unset it to run "
            "the potential on the CPU"
        )
    return text


def _load_chgnet(name: str) -> Any:
    """The CHGNet calculator of ``name`` on :func:`mlip_device`, loaded once per process and device, quietly."""
    return _load_chgnet_on(name, mlip_device())


@cache
def _load_chgnet_on(name: str, device: str) -> Any:
    try:
        with quiet():
            from chgnet.model import CHGNet
            from chgnet.model.dynamics import CHGNetCalculator

            model = CHGNet.load(model_name=BUILTINS[name].model, use_device=device, verbose=False)
            return CHGNetCalculator(model=model, use_device=device)
    except ImportError:
        raise MissingDependencyError("chgnet", EXTRA, f"the {name} potential") from None


def _load_sevennet(name: str) -> Any:
    """The SevenNet calculator of ``name`` on :func:`mlip_device` from its checkpoint file, loaded once per process
    and device, quietly."""
    return _load_sevennet_on(name, mlip_device())


@cache
def _load_sevennet_on(name: str, device: str) -> Any:
    path = _weights_path(name)
    try:
        with quiet():
            from sevenn.calculator import SevenNetCalculator

            return SevenNetCalculator(str(path), device=device)  # a file path: no download code is reached
    except ImportError:
        raise MissingDependencyError("sevenn", EXTRA, f"the {name} potential") from None


def _chgnet_batch(name: str, structures: list[Any]) -> list[Any]:
    """CHGNet's forces (eV/A) on several structures in one batched prediction."""
    from pymatgen.io.ase import AseAtomsAdaptor

    model = _load_chgnet(name).model
    found = model.predict_structure(
        [AseAtomsAdaptor.get_structure(a) for a in structures], task="ef", batch_size=len(structures)
    )
    found = [found] if isinstance(found, dict) else found
    return [p["f"] for p in found]


def fixed_cell_calculator(source: CalculatorSource) -> Any:
    """An ASE calculator of ``source``'s energy and forces only, for relaxations of positions in a fixed cell.

    CHGNet's own ASE calculator predicts the stress and the magnetic moments on every call (its task "efsm"); this
    one asks CHGNet for the energy and the forces alone (task "ef", the energy per atom times the atoms, as CHGNet's
    calculator scales it), which took 5.4-6.4 s against 12.5 s (medians of four) for a 32-atom Si slab on the busy
    2-core machine (load 11.6, 2026-11-27).  ``NAME+d3`` adds D3 as :func:`with_d3` does; any other source gives its
    own calculator.
    """
    base = source.name.removesuffix(D3_SUFFIX)
    if base not in BUILTINS or BUILTINS[base].package != "chgnet":
        return source.calculator()
    from ase.calculators.calculator import Calculator, all_changes

    class EnergyForces(Calculator):
        implemented_properties = ("energy", "free_energy", "forces")

        def calculate(self, atoms: Any = None, properties: Any = ("energy",), system_changes: Any = all_changes):
            super().calculate(atoms, properties, system_changes)
            from pymatgen.io.ase import AseAtomsAdaptor

            model = _load_chgnet(base).model
            with quiet():
                found = model.predict_structure(AseAtomsAdaptor.get_structure(self.atoms), task="ef")
            energy = float(np.asarray(found["e"])) * (len(self.atoms) if model.is_intensive else 1)
            self.results = {"energy": energy, "free_energy": energy, "forces": np.asarray(found["f"], dtype=float)}

    calc = EnergyForces()
    return _sum_with_d3(calc) if source.name.endswith(D3_SUFFIX) else calc


def _chgnet_species(calc: Any) -> tuple[str, ...]:
    """Z = 1 .. the size of CHGNet's element embedding, without the elements absent from MPtrj."""
    from ase.data import chemical_symbols

    z_max = int(calc.model.atom_embedding.embedding.num_embeddings)
    return tuple(chemical_symbols[z] for z in range(1, z_max + 1) if chemical_symbols[z] not in MPTRJ_ABSENT)


def _sevennet_species(calc: Any) -> tuple[str, ...]:
    """The species of the checkpoint's configuration (its type map)."""
    from ase.data import chemical_symbols

    return tuple(chemical_symbols[int(z)] for z in sorted(calc.type_map))


def _user_source(text: str) -> CalculatorSource:
    module_name, _, factory_name = text.partition(":")
    module, factory, version, file = _user_code(text, f"importing {module_name}", lambda: _import(text, module_name))
    if not callable(factory):
        raise InputError(f"calculator {_shown(text)}: module {module_name} has no function {factory_name!r}")
    calc = _user_code(text, f"calling {factory_name}()", lambda: _check_calculator(factory(), text))
    identity = {
        "calculator": text,
        "module": module_name,
        "factory": factory_name,
        "module_sha256": _sha256(Path(file)) if isinstance(file, str) and Path(file).is_file() else None,
        "version": version if isinstance(version, str) else None,
        "class": f"{type(calc).__module__}.{type(calc).__qualname__}",
    }
    return CalculatorSource(
        name=text,
        description=f"the ASE calculator {type(calc).__name__} from {text}",
        package=module_name,
        version=identity["version"] or "",
        identity=MappingProxyType(identity),
        _load=lambda: calc,
        _species=lambda _: None,
    )


def _import(text: str, module_name: str) -> tuple[Any, Any, Any, Any]:
    """The user's module with its factory, ``__version__`` and ``__file__`` (None where absent; a module's own
    ``__getattr__`` is its code too), or InputError where it (or a module it imports) is not on Python's path."""
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise InputError(
            f"calculator {_shown(text)}: no module {exc.name or module_name!r} can be imported (it must be on "
            "Python's path, e.g. through PYTHONPATH)"
        ) from None
    factory_name = text.partition(":")[2]
    return module, *(getattr(module, name, None) for name in (factory_name, "__version__", "__file__"))


def _user_code(text: str, doing: str, run: Callable[[], Any]) -> Any:
    """``run()``, the user's code (importing their module or calling their factory), contained as far as one process
    can contain it (see :func:`calculator_source`); anything it raises is an InputError naming ``doing``."""
    pid = os.getpid()
    state = _process_state()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return run()
    except (InputError, MissingDependencyError):
        raise
    except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt, anything: the user's code, one line
        raise InputError(f"calculator {_shown(text)}: {doing} {_what_happened(exc)}") from None
    finally:
        if os.getpid() != pid:  # a child the user's code forked, back in kapitza's code: it goes no further
            os._exit(2)
        _restore_process_state(state)


def _what_happened(exc: BaseException) -> str:
    """An exception of the user's code in words (one line, bounded; its text is the user's code too, so a text
    that fails to render is left out)."""
    if isinstance(exc, SystemExit):
        code = exc.code if exc.code is None or isinstance(exc.code, int | str) else type(exc.code).__name__
        return f"tried to end the process (SystemExit, status {_shown(code)})"
    if isinstance(exc, KeyboardInterrupt):
        return "was interrupted (KeyboardInterrupt)"
    try:
        message = " ".join(str(exc).split())
    except Exception:  # noqa: BLE001 - an exception whose __str__ fails: its type says enough
        message = ""
    return f"failed: {type(exc).__name__}" + (f": {message[:300]}" if message else "")


#: The interval timers whose state is put back after the user's code (ITIMER_REAL is alarm()'s).
_TIMERS = ("ITIMER_REAL", "ITIMER_VIRTUAL", "ITIMER_PROF")


def _process_state() -> dict[str, Any]:
    """The signal handlers set from Python, the blocked signals and the interval timers of this process."""
    handlers = {}
    for number in signal.valid_signals():
        try:
            handlers[number] = signal.getsignal(number)
        except (ValueError, OSError):
            continue
    timers = {name: signal.getitimer(getattr(signal, name)) for name in _TIMERS if hasattr(signal, name)}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, []) if hasattr(signal, "pthread_sigmask") else None
    return {"handlers": handlers, "timers": timers, "mask": mask}


def _restore_process_state(state: dict[str, Any]) -> None:
    """Put back what :func:`_process_state` saw where the user's code changed it (handlers only from the main
    thread, where Python sets them; a handler set from C, which Python reports as None, is left)."""
    if state["mask"] is not None and signal.pthread_sigmask(signal.SIG_BLOCK, []) != state["mask"]:
        signal.pthread_sigmask(signal.SIG_SETMASK, state["mask"])
    for name, before in state["timers"].items():
        which = getattr(signal, name)
        if before == (0.0, 0.0) and signal.getitimer(which) != before:
            signal.setitimer(which, 0.0)  # an alarm the user's code set would fire later, in kapitza's work
    if threading.current_thread() is not threading.main_thread():
        return
    for number, handler in state["handlers"].items():
        try:
            if handler is not None and signal.getsignal(number) != handler:
                signal.signal(number, handler)
        except (ValueError, OSError, TypeError):
            continue


def _check_calculator(calc: Any, text: str) -> Any:
    """``calc`` if it is an ASE calculator implementing forces, else InputError naming what the factory returned."""
    properties = getattr(calc, "implemented_properties", None)
    has_methods = callable(getattr(calc, "get_forces", None)) or callable(getattr(calc, "calculate", None))
    try:
        forces = properties is not None and not isinstance(properties, str) and "forces" in list(properties)
    except TypeError:
        forces = False
    if not (has_methods and forces):
        raise InputError(
            f"calculator {_shown(text)}: the factory returned {type(calc).__name__}, not an ASE calculator "
            "implementing forces (get_forces/calculate and 'forces' in implemented_properties)"
        )
    return calc


__all__ = [
    "BATCH_ATOMS",
    "BUILTINS",
    "D3_SUFFIX",
    "DEFAULT_CALCULATOR",
    "EXTRA",
    "MPTRJ_ABSENT",
    "CalculatorSource",
    "calculator_name",
    "calculator_source",
    "MAX_NAME_CHARS",
    "quiet",
    "with_d3",
]
