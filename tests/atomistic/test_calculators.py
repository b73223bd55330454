"""The force source of any crystal: built-in names, ``module:factory``, identities for cache keys, elements, and
every bad spec as one InputError line."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import sys
from pathlib import Path

import numpy as np
import pytest

from kapitza.atomistic import calculators
from kapitza.atomistic.calculators import (
    BUILTINS,
    DEFAULT_CALCULATOR,
    calculator_name,
    calculator_source,
    quiet,
)
from kapitza.errors import InputError, MissingDependencyError

SW = "mlip_factories:stillinger_weber_si"


def test_default_is_a_builtin_possibly_with_d3():
    assert DEFAULT_CALCULATOR.removesuffix(calculators.D3_SUFFIX) in BUILTINS
    assert calculator_name(DEFAULT_CALCULATOR) == DEFAULT_CALCULATOR


def test_module_factory_gives_an_ase_calculator_with_its_identity():
    """The user's module is the identity: module, factory, the SHA-256 of its file, its __version__, the class."""
    import mlip_factories

    source = calculator_source(SW)
    assert source.name == SW and source.package == "mlip_factories" and source.version == "1"
    identity = dict(source.identity)
    assert identity["module_sha256"] == hashlib.sha256(Path(mlip_factories.__file__).read_bytes()).hexdigest()
    assert identity["class"].endswith("Manybody") and identity["factory"] == "stillinger_weber_si"
    assert source.elements is None  # a user's calculator: its elements are its business
    source.check_elements(["Si", "Po"])  # nothing checked, nothing raised
    from ase.build import bulk

    atoms = bulk("Si", "diamond", a=5.431, cubic=True)
    atoms.positions[0, 0] += 0.05
    forces = source.forces([atoms, bulk("Si", "diamond", a=5.431, cubic=True)])
    assert forces.shape == (2, 8, 3) and forces.dtype == np.float64
    np.testing.assert_allclose(forces[0].sum(axis=0), 0.0, atol=1e-10)  # Newton's third law
    assert abs(forces[0, 0, 0]) > 1e-3 and np.abs(forces[1]).max() < 1e-10  # pushed back; the perfect crystal: none


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("mlip_no_such_module:make", "no module 'mlip_no_such_module' can be imported"),
        ("mlip_factories:no_such_factory", "has no function 'no_such_factory'"),
        ("mlip_factories:not_a_calculator", "returned dict, not an ASE calculator"),
        ("mlip_factories:failing", "failing() failed: RuntimeError: no licence"),
        ("mlip_factories:__version__", "has no function '__version__'"),
        ("os.path:", "expected a built-in name"),
        (":factory", "expected a built-in name"),
        ("mlip factories:x", "expected a built-in name"),
        ("a:b:c", "expected a built-in name"),
        ("no-such-potential", "unknown calculator 'no-such-potential'"),
        ("", "calculator must be a built-in name"),
    ],
)
def test_bad_specs_are_one_input_error(spec, words):
    with pytest.raises(InputError) as info:
        calculator_source(spec)
    assert words in str(info.value) and "\n" not in str(info.value)


def test_a_non_string_spec_is_refused():
    with pytest.raises(InputError, match="must be a built-in name"):
        calculator_name(3)


def test_names_are_checked_without_importing_the_module():
    """The Settings check of a spec imports nothing: a module that does not exist passes the syntax check."""
    assert calculator_name(" CHGNet ") == "chgnet"
    assert calculator_name("mlip_no_such_module:make") == "mlip_no_such_module:make"
    assert "mlip_no_such_module" not in sys.modules


def test_a_missing_package_names_the_mlip_extra(monkeypatch):
    """No chgnet installed (find_spec finds nothing): MissingDependencyError naming the package and 'mlip'."""
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "chgnet" else real(name, *a))
    calculators._builtin_source.cache_clear()
    try:
        with pytest.raises(MissingDependencyError, match=r"'chgnet'.*kapitza\[mlip\]"):
            calculator_source("chgnet")
    finally:
        calculators._builtin_source.cache_clear()


@pytest.mark.parametrize("name", list(BUILTINS))
def test_builtin_identity_is_version_and_weights_hash_without_loading_torch(name):
    """A built-in's identity needs no model load: the package version and the SHA-256 of the weights in its wheel."""
    package = BUILTINS[name].package
    if importlib.util.find_spec(package) is None:
        pytest.skip(f"{package} is not installed (pip install 'kapitza[mlip]')")
    source = calculator_source(name)
    identity = dict(source.identity)
    path = Path(importlib.util.find_spec(package).submodule_search_locations[0]) / BUILTINS[name].weights
    assert identity["weights_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert identity["version"] == source.version != ""
    journal = {"chgnet": "Nat. Mach. Intell. 5, 1031 (2023)", "chgnet-r2scan": "npj Comput. Mater. (2025)"}
    assert journal.get(name, "J. Chem. Theory Comput. 20, 4857 (2024)") in source.description  # the model's paper
    assert calculator_source(name) is source  # once per process


def test_identities_differ_between_builtins_sharing_a_package():
    if importlib.util.find_spec("chgnet") is None:
        pytest.skip("chgnet is not installed (pip install 'kapitza[mlip]')")
    a, b = calculator_source("chgnet").identity, calculator_source("chgnet-r2scan").identity
    assert a["weights_sha256"] != b["weights_sha256"]


def test_quiet_holds_back_prints_and_warnings_and_restores_them():
    out = sys.stdout
    with quiet():
        print("CHGNet v0.3.0 initialized with 412,525 parameters")
        import warnings

        warnings.warn("torch says something", UserWarning, stacklevel=1)
    assert sys.stdout is out


def test_a_calculator_that_fails_or_returns_nan_is_one_line():
    """A foreign calculator failing inside get_forces, or returning NaN, is an InputError naming the calculator."""
    from ase.build import bulk
    from ase.calculators.calculator import Calculator

    class Broken(Calculator):
        implemented_properties = ("energy", "forces")

        def calculate(self, atoms=None, properties=None, system_changes=None):
            raise ZeroDivisionError("inside the model")

    class NotANumber(Calculator):
        implemented_properties = ("energy", "forces")

        def calculate(self, atoms=None, properties=None, system_changes=None):
            super().calculate(atoms, properties, system_changes)
            self.results = {"energy": 0.0, "forces": np.full((len(atoms), 3), np.nan)}

    atoms = bulk("Si", "diamond", a=5.431, cubic=True)
    for calc, words in ((Broken(), "failed: ZeroDivisionError"), (NotANumber(), "not finite")):
        source = calculators.CalculatorSource(
            "test", "test", "test", "", {}, _load=lambda c=calc: c, _species=lambda _: None
        )
        with pytest.raises(InputError, match=words):
            source.forces([atoms])


@pytest.mark.mlip
def test_chgnet_elements_are_those_of_mptrj_and_others_are_named():
    """CHGNet 0.3.0: Z = 1..94 (its embedding) without Po, At, Rn, Fr, Ra (absent from MPtrj; SevenNet-0, trained on
    the same data, lists the same 89 species); an element outside is named in one InputError line, and the model's
    load prints nothing."""
    pytest.importorskip("chgnet")
    source = calculator_source("chgnet")
    buffer = io.StringIO()
    old, sys.stdout = sys.stdout, buffer
    try:
        elements = source.elements
    finally:
        sys.stdout = old
    assert buffer.getvalue() == ""
    assert len(elements) == 89 and elements[0] == "H" and elements[-1] == "Pu" and "Po" not in elements
    with pytest.raises(InputError, match="holds Po, Ra, which the chgnet potential was not trained on"):
        source.check_elements(["Si", "Ra", "Po"])
    source.check_elements(["In", "P", "Si"])


@pytest.mark.mlip
def test_sevennet_elements_come_from_its_checkpoint():
    pytest.importorskip("sevenn")
    pytest.importorskip("chgnet")
    elements = calculator_source("sevennet").elements
    assert len(elements) == 89 and set(elements) == set(calculator_source("chgnet").elements)


def test_batches_hold_at_most_the_atom_bound_and_keep_the_order():
    from ase.build import bulk

    cells = [bulk("Si", "diamond", a=5.43, cubic=True) * (n, 1, 1) for n in (1, 2, 8, 1, 70)]  # 8, 16, 64, 8, 560
    groups = calculators._batches(cells, 80)
    assert [[len(a) for a in g] for g in groups] == [[8, 16], [64, 8], [560]]
    assert [len(g) for g in calculators._batches(cells, 0)] == [1, 1, 1, 1, 1]


@pytest.mark.mlip
def test_chgnet_batched_forces_are_its_calculators_forces():
    """The batched prediction gives, bit for bit, the forces of CHGNet's ASE calculator one structure at a time."""
    pytest.importorskip("chgnet")
    from ase.build import bulk

    source = calculator_source("chgnet")
    cells = []
    for i in range(3):
        atoms = bulk("Si", "diamond", a=5.46, cubic=True)
        atoms.positions[i, i] += 0.01
        cells.append(atoms)
    batched = source.forces(cells)
    np.testing.assert_array_equal(batched, np.array([source._one(a) for a in cells], dtype=float))
    assert np.abs(batched[0, 0, 0]) > 1e-3


@pytest.mark.mlip
@pytest.mark.parametrize("name", list(BUILTINS))
def test_builtins_load_and_run_with_the_network_off(name, monkeypatch):
    """Nothing is downloaded at run time: with every socket connection refused, each built-in loads from the
    weights in its wheel and computes forces."""
    package = BUILTINS[name].package
    if importlib.util.find_spec(package) is None:
        pytest.skip(f"{package} is not installed (pip install 'kapitza[mlip]')")
    import socket

    from ase.build import bulk

    def refuse(*args, **kwargs):
        raise OSError("the network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    loader = calculators._load_chgnet_on if package == "chgnet" else calculators._load_sevennet_on
    loader.cache_clear()
    try:
        forces = calculator_source(name).forces([bulk("Si", "diamond", a=5.45)])
    finally:
        loader.cache_clear()
    assert forces.shape == (1, 2, 3) and np.all(np.isfinite(forces))


@pytest.mark.parametrize("value", ["", "cpu", " CPU "])
def test_the_potentials_run_on_the_cpu_unless_told(monkeypatch, value):
    """``$KAPITZA_MLIP_DEVICE`` unset, empty or cpu: the CPU (the default of every built-in)."""
    monkeypatch.setenv(calculators.DEVICE_VARIABLE, value)
    assert calculators.mlip_device() == "cpu"


@pytest.mark.parametrize("value", ["gpu", "cuda:x", "cuda:0; rm -rf /", "mps", "cuda:123"])
def test_a_device_that_is_not_one_is_one_line(monkeypatch, value):
    monkeypatch.setenv(calculators.DEVICE_VARIABLE, value)
    with pytest.raises(InputError, match="is not a device: use cpu, cuda or cuda:N") as info:
        calculators.mlip_device()
    assert "\n" not in str(info.value)


def test_a_gpu_torch_does_not_see_is_refused_in_one_line(monkeypatch):
    """cuda:9 on any machine with fewer than ten GPUs: refused before a model is loaded (no torch: the extra is
    named)."""
    monkeypatch.setenv(calculators.DEVICE_VARIABLE, "cuda:9")
    with pytest.raises((InputError, MissingDependencyError)) as info:
        calculators.mlip_device()
    message = str(info.value)
    assert "\n" not in message
    assert "torch sees" in message or "torch" in message and "mlip" in message


@pytest.mark.parametrize(
    "loader, target", [("_load_sevennet", "_load_sevennet_on"), ("_load_chgnet", "_load_chgnet_on")]
)
def test_the_loaders_ask_for_the_device_each_time(monkeypatch, loader, target):
    """A built-in is loaded once per (name, device): the device is read from ``$KAPITZA_MLIP_DEVICE`` at each load,
    so a changed setting takes effect in the same process (benchmarks/mlip_gpu.py runs both in one)."""
    asked = []
    monkeypatch.setattr(calculators, target, lambda name, device: asked.append((name, device)) or device)
    monkeypatch.setattr(calculators, "mlip_device", lambda: "cuda:1")
    assert getattr(calculators, loader)("sevennet-l3i5") == "cuda:1"
    monkeypatch.setattr(calculators, "mlip_device", lambda: "cpu")
    assert getattr(calculators, loader)("sevennet-l3i5") == "cpu"
    assert asked == [("sevennet-l3i5", "cuda:1"), ("sevennet-l3i5", "cpu")]


def test_chgnets_fixed_cell_calculator_is_its_energy_and_forces():
    """Parity: the energy-and-forces calculator of CHGNet (task "ef") gives its own ASE calculator's energy and forces
    on a rattled Si cell, to float32 round-off."""
    import importlib.util

    if importlib.util.find_spec("chgnet") is None:
        pytest.skip("chgnet is not installed (pip install 'kapitza[mlip]')")
    from ase.build import bulk

    from kapitza.atomistic.calculators import calculator_source, fixed_cell_calculator, quiet

    source = calculator_source("chgnet")
    atoms = bulk("Si", "diamond", a=5.43, cubic=True)
    atoms.rattle(0.05, seed=3)
    full, fast = atoms.copy(), atoms.copy()
    full.calc, fast.calc = source.calculator(), fixed_cell_calculator(source)
    with quiet():
        assert fast.get_potential_energy() == pytest.approx(full.get_potential_energy(), abs=1e-4)
        assert np.allclose(fast.get_forces(), full.get_forces(), atol=1e-4)
