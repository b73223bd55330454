"""Shared fixtures and helpers for the kapitza test suite."""

from __future__ import annotations

import functools
import re
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from kapitza.units import HBAR, KB

#: scripts/ on the path: tests/calibration imports the calibration generators shared with the docs page
#: (``from calibration import eels, common``).  Here, not in a conftest of tests/calibration, because a second
#: conftest module would shadow this one for the tests that import ``no_warnings`` from ``conftest``.
SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

#: Test helper modules shared across directories, importable from any test whatever was collected first:
#: tests/ itself (chain_md, dask_processes, json_rules; pytest puts it there for this conftest) and
#: tests/analysis/md (analysis_synthetic, run_dir_synthetic, spectral_synthetic, also used by tests/md and
#: tests/plotting).
HELPERS = Path(__file__).resolve().parent / "analysis" / "md"
if str(HELPERS) not in sys.path:
    sys.path.append(str(HELPERS))

#: pi^2 kB^4 / (30 hbar^3): G/T^3 of a unit-transmission channel sum S = sum_p 1/v_p^2.
#: From G = sum_p tau_p/(8 pi^2 v_p^2) * int hbar w^3 dn/dT dw and
#: int_0^inf x^4 e^x/(e^x-1)^2 dx = 4 pi^4/15 (Swartz & Pohl 1989, Eq. (14)).
LOW_T_PREFACTOR = np.pi**2 * KB**4 / (30 * HBAR**3)


#: What makes a test a *reference* test (DESIGN "Tests", tier 2): its docstring names the source of its expected
#: value.  A publication: a DOI, "et al.", a journal, "Author (year)", "Author & Author year", "volume, page (year)",
#: a book's edition, a handbook or CODATA/IUPAC/NIST; or an analytic result: "analytic", "derivation", "closed
#: form", "by hand", "Eq. (n)".  Such tests get the ``reference`` marker at collection
#: (:func:`pytest_collection_modifyitems`), so ``pytest -m reference`` runs them and the marker cannot drift from
#: the docstring.
SOURCE = re.compile(
    r"\bdoi\b|\b10\.\d{4,}/|\bet al\b|(?i:\banalytic|\bderivation|\bderived\b|\bclosed[- ]form|\bby hand\b"
    r"|\bindependent (?:computation|calculation)|\bcomputed in the test)"
    r"|\b\d+, [A-Z]?\d+ \((?:18|19|20)\d\d\)|\bEqs?\. ?\(?\d|\b\d+(?:st|nd|rd|th) ed\."
    r"|\b(?:CODATA|IUPAC|NIST|CRC|Handbook)\b"
    r"|\b(?:Phys\. Rev|Rev\. Mod\. Phys|Appl\. Phys\. Lett|J\. Appl\. Phys|PRB|PRL|Nano Lett|Nature|Science|"
    r"J\. Chem\. Phys|J\. Heat Transfer|Int\. J\. Heat|Annu\. Rev|Physica|Cryogenics|Rev\. Sci\. Instrum)\b"
    r"|\b[A-Z][A-Za-z\u00c0-\u017f-]+(?: (?:&|and) [A-Z][A-Za-z\u00c0-\u017f-]+)?,? \(?(?:18|19|20)\d\d\b"
)


#: The measured list of tests over 8 s (tests/long_tests.txt): node ids, and files marked whole.
LONG_TESTS = Path(__file__).resolve().parent / "long_tests.txt"


def long_entries(path: Path = LONG_TESTS) -> list[tuple[float, str]]:
    """(seconds, node id or file) of each entry of :data:`LONG_TESTS`, in its order."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            seconds, name = line.split(maxsplit=1)
            out.append((float(seconds), name.strip()))
    return out


def pytest_collection_modifyitems(config, items):
    """The tiers of DESIGN "Tests" as markers: ``law`` for everything in tests/laws/ (a law checked elsewhere,
    detailed balance in tests/transmission say, carries ``@pytest.mark.law`` itself), ``reference`` for a test
    whose docstring names its source (:data:`SOURCE`); ``parity`` (two routes to one number) is written on the
    test itself.  ``long`` for the tests :data:`LONG_TESTS` lists (by node id, or a whole file): out of the default
    run, in CI's one pytest run (``-m 'not slow'``)."""
    laws = Path(__file__).resolve().parent / "laws"
    long = {name for _, name in long_entries()}
    for item in items:
        if item.nodeid in long or item.nodeid.split("::")[0] in long:
            item.add_marker(pytest.mark.long)
        if laws in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.law)
        doc = getattr(getattr(item, "function", None), "__doc__", None) or ""
        if SOURCE.search(doc) and not item.get_closest_marker("reference"):
            item.add_marker(pytest.mark.reference)


@contextmanager
def no_warnings():
    """Turn every warning, and numpy's divide/overflow/invalid events, into an error.

    Underflow stays ignored (numpy's default): exp(-1000) = 0 is correct, not a warning.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(divide="raise", over="raise", invalid="raise", under="ignore"):
            yield


@pytest.fixture(autouse=True)
def scratch_working_directory(tmp_path, monkeypatch):
    """Every test runs in its own empty working directory, as a user runs kapitza in theirs: outputs that
    default to the current directory (run directories, campaign folders) land there, never in the source tree.
    Tests name repository files by absolute path (``Path(__file__)``)."""
    monkeypatch.chdir(tmp_path)


#: Where the run's one cache folder and its key's folder are kept on the config (the controller's, or a plain run's).
RUN_CACHE = pytest.StashKey[tuple[str, str]]()


def pytest_configure(config):
    """One kapitza cache for the whole test run, shared by its xdist workers: made here once by the controller (or
    by a run without workers) and handed to each worker (:func:`pytest_configure_node`), so a crystal, force
    constants or a mesh computed by one worker is read by the other instead of being computed twice.  Entries are
    content-addressed and written atomically (kapitza.io.cache), so two workers storing one key at once both leave a
    whole, signed entry.  The key file lies beside the cache folder, not in it (the user's ~/.config/kapitza/cache.key
    is neither made nor read).  Removed at the end of the run; a test that needs an empty or private cache points
    KAPITZA_CACHE_DIR at its own tmp_path."""
    import tempfile

    if hasattr(config, "workerinput"):  # an xdist worker: the controller's folders
        config.stash[RUN_CACHE] = (config.workerinput["kapitza_cache"], config.workerinput["kapitza_cache_key"])
        return
    _one_blas_thread_a_worker(config)
    root = Path(tempfile.mkdtemp(prefix="kapitza-test-run-"))
    (root / "cache").mkdir()
    (root / "key").mkdir(mode=0o700)
    config.stash[RUN_CACHE] = (str(root / "cache"), str(root / "key" / "cache.key"))


#: The thread pools of BLAS, LAPACK and OpenMP, each one thread in an xdist worker (:func:`_one_blas_thread_a_worker`).
THREAD_SETTINGS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _one_blas_thread_a_worker(config) -> None:
    """With two or more xdist workers, each worker's BLAS, LAPACK and OpenMP run one thread (set in the controller's
    environment before the workers start, where the user set none): the workers are the parallelism.  OpenBLAS's
    default, a thread a core in each worker, makes the workers' threads wait on each other's cores: four test
    modules heavy in eigh and solves took 38-44 s of CPU with it against 27 s without, on the 2-core machine."""
    import os

    try:
        workers = int(getattr(config.option, "numprocesses", 0) or 0)
    except (TypeError, ValueError):
        return
    if workers > 1:
        for name in THREAD_SETTINGS:
            os.environ.setdefault(name, "1")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """xdist: every worker gets the controller's cache folder and key (:func:`pytest_configure`)."""
    node.workerinput["kapitza_cache"], node.workerinput["kapitza_cache_key"] = node.config.stash[RUN_CACHE]


def pytest_unconfigure(config):
    """The controller (or a run without workers) removes the run's cache after the last worker has finished."""
    import shutil

    if not hasattr(config, "workerinput") and RUN_CACHE in config.stash:
        shutil.rmtree(Path(config.stash[RUN_CACHE][0]).parent, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(request):
    """Every test run gets its own on-disk cache (force constants, meshes) and its own cache key, one for all its
    workers (:func:`pytest_configure`): KAPITZA_CACHE_DIR and KAPITZA_CACHE_KEY point there for the session."""
    import os

    cache, key = request.config.stash[RUN_CACHE]
    settings = {"KAPITZA_CACHE_DIR": cache, "KAPITZA_CACHE_KEY": key}
    old = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    yield Path(cache)
    for name, value in old.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _frozen(value: Any) -> Any:
    """A hashable stand-in for an argument, equal for equal arguments: containers and dataclasses by their items and
    compared fields, arrays by shape, dtype and bytes; TypeError for what has none (the call is then not reused)."""
    import dataclasses
    from collections.abc import Mapping

    if isinstance(value, (str, bytes, int, float, complex, bool, type(None), Path)):
        return value
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_frozen(v) for v in value))
    if isinstance(value, Mapping):
        return ("mapping", tuple(sorted((str(k), _frozen(v)) for k, v in value.items())))
    if isinstance(value, np.ndarray):
        return ("ndarray", value.shape, value.dtype.str, value.tobytes())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = tuple((f.name, _frozen(getattr(value, f.name))) for f in dataclasses.fields(value) if f.compare)
        return (type(value).__qualname__, fields)
    hash(value)  # an object compared by identity (a callable, a runner): the same object is the same argument
    return (type(value).__qualname__, value)


@contextmanager
def built_once(owner: Any, name: str, *, ignore: tuple[str, ...] = ("progress",)) -> Iterator[Any]:
    """Within the block, ``owner.name`` (a library function that builds a heavy result: a validation, a crystal's
    phonons) computes each distinct call once and hands the same frozen result to every later call with the same
    arguments, for a test module whose tests render one result several ways (the text, --explain, --json, --plot)
    and compare it with the library's.

    The arguments are bound to the function's signature with its defaults, so ``f(x, mesh=8)`` and ``f(x, 8)`` are
    one call; those named in ``ignore`` (a progress callback) are left out of the key.  The first call of each is the
    real computation, and a call with any other argument (a command that passed a wrong mesh or calculator) computes
    afresh, so its numbers still differ from the library's and the test comparing them fails.  A call whose
    arguments have no stand-in (:func:`_frozen`) is computed as usual; a failing call is not kept.  A test that
    patches what the function computes from (a stub model, a data file it reads) must call the real function, which
    the block yields with the memo (``built.real``, ``built.memo``)."""
    import inspect

    real = getattr(owner, name)
    signature = inspect.signature(real)
    memo: dict[Any, Any] = {}

    @functools.wraps(real)
    def once(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        try:
            key = _frozen({k: v for k, v in bound.arguments.items() if k not in ignore})
        except TypeError:
            return real(*args, **kwargs)
        if key not in memo:
            memo[key] = real(*args, **kwargs)
        return memo[key]

    patch = pytest.MonkeyPatch()
    patch.setattr(owner, name, once)
    try:
        yield SimpleNamespace(real=real, memo=memo)
    finally:
        patch.undo()


@contextmanager
def shipped_from(template: Path | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path | None]:
    """Within the block, a fresh install: an empty cache and the shipped entries of ``template`` (a folder made as
    scripts/ship_crystals.py makes the package's, copied so that a test may alter it; the copy is yielded), or the
    package's own where ``template`` is None; the shipped index is read afresh before and after."""
    from kapitza.io import shipped

    folder = None if template is None else tmp_path / "shipped"
    if folder is None:
        monkeypatch.delenv("KAPITZA_SHIPPED_DIR", raising=False)
    else:
        import shutil

        shutil.copytree(template, folder)
        monkeypatch.setenv("KAPITZA_SHIPPED_DIR", str(folder))
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path / "empty"))
    shipped._index_of.cache_clear()
    try:
        yield folder
    finally:
        shipped._index_of.cache_clear()


@pytest.fixture
def strict():
    """Fixture form of :func:`no_warnings`."""
    with no_warnings():
        yield


def run_cli(capsys, *args):
    """Run the kapitza CLI in-process on ``args`` (any path-like or number is turned into text): returns
    (exit status, stdout, stderr)."""
    from kapitza.cli import main

    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def cli(capsys):
    """The one in-process CLI runner as a fixture: ``status, out, err = cli("predict", "Al", "Si", "-t", 300)``.

    Each call returns what that command alone printed (capsys is read after it).  A test that needs a separate
    process (start-up, environment, signals) uses subprocess itself, and says why.
    """
    return functools.partial(run_cli, capsys)


@pytest.fixture(scope="module")
def dask_address(tmp_path_factory):
    """tcp://127.0.0.1:PORT of a scheduler with two single-threaded workers, all separate processes
    (tests/dask_processes.py), shared by the tests of one module and killed after them."""
    from dask_processes import separate_cluster

    with separate_cluster(tmp_path_factory.mktemp("dask"), n_workers=2) as addr:
        yield addr


@pytest.fixture
def fake_gpu(monkeypatch):
    """``fake_gpu(free_bytes, count=1)``: torch reports ``count`` CUDA GPUs ("Fake GPU", 80 GB, ``free_bytes``
    free) where there is none, for the checks that come before any work on a GPU (selection, memory, refusals);
    nothing may run on it.  Undone after the test."""
    from types import SimpleNamespace

    torch = pytest.importorskip("torch", reason="a GPU is torch's (pip install 'kapitza[gpu]')")
    from kapitza import _backend

    def install(free: float, count: int = 1, total: float = 80e9, name: str = "Fake GPU") -> None:
        monkeypatch.setattr(_backend, "gpu_possible", lambda: True)
        monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
        monkeypatch.setattr(torch.cuda, "device_count", lambda: int(count))
        monkeypatch.setattr(torch.cuda, "current_device", lambda: 0)
        monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: name)
        monkeypatch.setattr(torch.cuda, "mem_get_info", lambda device=None: (int(free), int(total)))
        props = SimpleNamespace(name=name, total_memory=int(total))
        monkeypatch.setattr(torch.cuda, "get_device_properties", lambda device=None: props)
        monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)

    return install
