"""The public API is one coherent surface (issue 26 item 6).

- ``kapitza.__all__`` holds task-level names only; the older top-level names stay importable; each layer's
  entry point (``kapitza.predict``, ``kapitza.md``, ``kapitza.analysis``, ``kapitza.devices``) is reachable
  from ``import kapitza`` alone.
- Every public function taking a material accepts a database name, a material file or a :class:`Material`
  and gives the same result for the three (one resolver: :func:`kapitza.materials.get_material`).
- Every public array is read-only: a walk over the package's public dataclasses with array fields.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from importlib.resources import files

import numpy as np
import pytest

import kapitza
from kapitza.io.results import to_jsonable

# --------------------------------------------------------------------------- top-level names


def test_all_is_task_level_and_every_name_resolves():
    """Exceptions, materials, the prediction verbs, their result and load: no model internals in __all__."""
    assert set(kapitza.__all__) == {
        "__version__",
        "ConductanceResult",
        "ConvergenceError",
        "InputError",
        "KapitzaError",
        "Material",
        "MissingDependencyError",
        "Prediction",
        "available_models",
        "conductance",
        "get_material",
        "kapitza_length",
        "list_materials",
        "load",
        "predict",
        "resistance",
    }
    for name in kapitza.__all__:
        assert getattr(kapitza, name) is not None


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("AngularTransmission", "kapitza.transmission.amm"),
        ("amm_angular", "kapitza.transmission.amm"),
        ("amm_coefficients", "kapitza.transmission.amm"),
        ("chain_transmission", "kapitza.transmission.chain"),
        ("load_materials", "kapitza.materials"),
        ("predict", "kapitza.prediction"),
        ("conductance", "kapitza.prediction"),
    ],
)
def test_older_top_level_names_stay_importable(name, module):
    """Names that left __all__ are still ``kapitza.NAME`` (existing code uses them): the same objects."""
    assert getattr(kapitza, name) is getattr(importlib.import_module(module), name)
    namespace: dict = {}
    exec(f"from kapitza import {name}", namespace)  # noqa: S102  (the statement users write)
    assert namespace[name] is getattr(kapitza, name)


@pytest.mark.parametrize("layer", ["prediction", "md", "analysis", "devices", "materials", "plotting", "io"])
def test_each_layer_is_reachable_from_import_kapitza(layer):
    module = getattr(kapitza, layer)
    assert module is importlib.import_module(f"kapitza.{layer}")
    assert layer in dir(kapitza)
    assert module.__all__ and all(hasattr(module, name) for name in module.__all__)


def test_layer_entry_points():
    """The documented task-level entry of each layer is where the docs say."""
    assert callable(kapitza.md.run_nemd)
    assert callable(kapitza.analysis.analyze_jump)
    assert callable(kapitza.devices.solve_stack)
    assert kapitza.predict is kapitza.prediction.predict


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        kapitza.no_such_name  # noqa: B018


# --------------------------------------------------------------------------- one material resolver


def _ways(name: str) -> dict[str, object]:
    """A material as a name, as a path (the shipped data file with ``:Name``), and as the Material each gives.

    A material read from a file is a user's material (its one conductivity, its file as origin), so a path is
    compared with the Material of that path and a name with the Material of that name.
    """
    path = f"{files('kapitza.materials') / 'data' / 'materials.toml'}:{name}"
    return {
        "name": name,
        "Material(name)": kapitza.get_material(name),
        "path": path,
        "Material(path)": kapitza.get_material(path),
    }


def _same(results: dict[str, object]) -> None:
    assert results["name"] == results["Material(name)"]
    assert results["path"] == results["Material(path)"]


def _tabled(value):
    return to_jsonable(value.to_dict() if hasattr(value, "to_dict") else value)


def _material_functions():
    from kapitza.materials import elastic_debye_temperature
    from kapitza.materials.conductivity import thermal_conductivity
    from kapitza.materials.zone_boundary import zone_boundary
    from kapitza.phonons import debye_spectrum, default_potential, sine_spectrum
    from kapitza.phonons.debye import check_continuum
    from kapitza.prediction import interface_kind, is_metal
    from kapitza.prediction.api import build_spectra
    from kapitza.prediction.settings import Settings
    from kapitza.transmission.amm import amm_angular, amm_coefficients, critical_angles

    one = {
        "debye_spectrum": lambda m: debye_spectrum(m),
        "debye_spectrum(sine)": lambda m: debye_spectrum(m, cutoff="sine"),
        "sine_spectrum": lambda m: sine_spectrum(m, measured=True),
        "check_continuum": lambda m: check_continuum(m).name,
        "default_potential": lambda m: default_potential(m),
        "thermal_conductivity": lambda m: thermal_conductivity(m, 300.0),
        "is_metal": lambda m: is_metal(m),
        "elastic_debye_temperature": lambda m: elastic_debye_temperature(m),
        "zone_boundary": lambda m: dataclasses.asdict(zone_boundary(m)),
    }
    two = {
        "conductance": lambda a, b: kapitza.conductance(a, b, 300.0, model="dmm"),
        "resistance": lambda a, b: kapitza.resistance(a, b, 300.0, model="amm"),
        "kapitza_length": lambda a, b: kapitza.kapitza_length(a, b, 300.0, model="dmm"),
        "predict": lambda a, b: kapitza.prediction.predict_model(a, b, [100.0, 300.0], model="dmm"),
        "amm_coefficients": lambda a, b: amm_coefficients(a, b, np.linspace(0, 1.2, 5), "P"),
        "amm_angular": lambda a, b: amm_angular(a, b, n_angles=5),
        "critical_angles": lambda a, b: critical_angles(a, b, "P"),
        "interface_kind": lambda a, b: interface_kind(a, b),
        "build_spectra": lambda a, b: build_spectra(a, b, Settings()),
        "build_spectra(sine)": lambda a, b: build_spectra(a, b, Settings(cutoff="sine")),
    }
    return one, two


_ONE, _TWO = _material_functions()


@pytest.mark.parametrize("function", sorted(_ONE))
def test_a_material_is_a_name_a_path_or_a_material(function):
    """The same result from "Si" as from get_material("Si"), from "materials.toml:Si" as from its Material."""
    _same({how: _tabled(_ONE[function](m)) for how, m in _ways("Si").items()})


@pytest.mark.parametrize("function", sorted(_TWO))
def test_both_sides_are_names_paths_or_materials(function):
    al, si = _ways("Al"), _ways("Si")
    _same({how: _tabled(_TWO[function](al[how], si[how])) for how in al})


def test_empirical_estimate_of_a_name_is_the_estimate_of_its_material():
    """empirical_estimate goes through the one resolver: "Al"/"Si" and their Materials give the same estimate.
    (The regressor is fitted once per process, cached, and shared with tests/prediction/test_empirical.py.)"""
    pytest.importorskip("sklearn")
    from kapitza.prediction.empirical import empirical_estimate

    al, si = _ways("Al"), _ways("Si")
    results = {how: _tabled(empirical_estimate(al[how], si[how], [100.0, 300.0])) for how in ("name", "Material(name)")}
    assert results["name"] == results["Material(name)"]


def test_empirical_estimate_refuses_a_path_and_its_material_alike():
    """The regressor learnt from the shipped database only, so a material file (here the shipped file itself)
    and the Material read from it are refused with one and the same InputError naming the material."""
    from kapitza.prediction.empirical import empirical_estimate

    al, si = _ways("Al"), _ways("Si")
    refusals = []
    for how in ("path", "Material(path)"):
        with pytest.raises(kapitza.InputError, match="'Al' is not a shipped material") as caught:
            empirical_estimate(al[how], si[how], 300.0)
        refusals.append(str(caught.value))
    assert refusals[0] == refusals[1]


def test_debye_spectrum_of_a_name_is_the_spectrum_of_the_material():
    """Issue 26: `debye_spectrum("Si")` raised AttributeError; now the Debye cutoff k_B Theta_D / hbar of Si."""
    from kapitza.phonons import debye_spectrum
    from kapitza.units import HBAR, KB

    si = kapitza.get_material("Si")
    spectrum = debye_spectrum("silicon")
    assert spectrum.material == "Si"
    np.testing.assert_allclose(spectrum.cutoffs, KB * si.debye_temperature / HBAR, rtol=1e-15)


def test_an_unknown_material_is_an_input_error():
    from kapitza.phonons import debye_spectrum

    with pytest.raises(kapitza.InputError, match="Unobtainium|unknown|not"):
        debye_spectrum("Unobtainium")


# --------------------------------------------------------------------------- read-only arrays


def _public_array_classes() -> dict[type, list[str]]:
    """Every dataclass in a public module's __all__ with a field typed as an array: {class: array fields}."""
    found: dict[type, list[str]] = {}
    for info in pkgutil.walk_packages(kapitza.__path__, "kapitza."):
        if info.name.startswith("kapitza.cli") or info.name.endswith("__main__"):
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # a module needing an optional extra that is not installed
            continue
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name, None)
            if isinstance(obj, type) and dataclasses.is_dataclass(obj):
                fields = [
                    f.name for f in dataclasses.fields(obj) if "NDArray" in str(f.type) or "ndarray" in str(f.type)
                ]
                if fields:
                    found[obj] = fields
    return found


def _is_result_class(cls: type) -> bool:
    """Declared with kapitza.io.results.result, whose __post_init__ freezes every field (tested in tests/io).

    The __post_init__ is what freezes; a result class may write its own ``to_dict`` (Prediction's
    --json document), which result() keeps, so ``to_dict`` does not tell.
    """
    from kapitza.io import results

    post_init = getattr(cls, "__post_init__", None)
    return (
        post_init is not None
        and post_init.__module__ == results.__name__
        and post_init.__qualname__ == "result.<locals>.__post_init__"
    )


def _dump_file(path):
    """A two-frame LAMMPS ``dump custom`` text file (two atoms, id vx), the format io.lammps_dump reads."""
    frame = "ITEM: TIMESTEP\n{}\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n0 1\n0 1\n0 1\n"
    path.write_text("".join(frame.format(step) + "ITEM: ATOMS id vx\n1 0.5\n2 -0.5\n" for step in (0, 10)))
    return path


def _stored_bases() -> dict:
    """The expected measurement's bases as numbers (kapitza.prediction.expected.stored), one of each kind, made from
    the procedure's own scikit-learn bases fitted on a few rows (none where scikit-learn is not installed)."""
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return {}
    from kapitza.prediction.expected import procedure
    from kapitza.prediction.expected.stored import LinearBase, TreeBase, as_stored_base

    x = np.column_stack([np.linspace(0.0, 1.0, 40), np.cos(np.arange(40.0))])
    y = x[:, 0] ** 2 + 0.1 * x[:, 1]
    made = {kind: as_stored_base(procedure._new_base(kind).fit(x, y)) for kind in ("ridge", "boosting")}
    return {LinearBase: made["ridge"], TreeBase: made["boosting"]}


def test_every_public_array_class_freezes_its_arrays(tmp_path):
    """Every public dataclass with array fields is a @result class (frozen by construction) or a class whose
    instance is checked here; a new class of neither kind fails this test until it freezes its arrays."""
    from kapitza.analysis.eels.data import LazyEELSData
    from kapitza.io.lammps_dump import DumpFrame, DumpFrames, iter_frames, read_frames
    from kapitza.phonons import DebyeSpectrum, SineSpectrum, debye_spectrum, sine_spectrum
    from kapitza.transmission.agf import LayeredModel, chain_model

    classes = _public_array_classes()
    assert len(classes) > 40  # the walk found the package's result classes
    dump = _dump_file(tmp_path / "two.dump")
    cell = np.array([[3e-10, 0.0, 0.0], [0.0, 3e-10, 0.0]])  # a lateral cell, so that no array field is None
    checked = {
        DebyeSpectrum: debye_spectrum("Si"),
        SineSpectrum: sine_spectrum("Ge", measured=True),
        DumpFrame: next(iter_frames(dump)),
        DumpFrames: read_frames(dump),
        LayeredModel: dataclasses.replace(chain_model(1.0, 2.0, 1.0, 1.0, 0.5), lateral_cell=cell),
        LazyEELSData: LazyEELSData(energy_mev=np.array([-1.0, 0.0, 1.0]), counts=np.ones((2, 2, 3))),
        **_stored_bases(),
    }
    assert cell.flags.writeable  # the caller's array was copied, not locked
    for cls, instance in checked.items():
        for name in classes[cls]:
            value = getattr(instance, name)
            for array in value if isinstance(value, tuple) else (value,):  # a tuple of arrays: each one
                assert isinstance(array, np.ndarray) and not array.flags.writeable, f"{cls.__name__}.{name}"
                with pytest.raises(ValueError, match="read-only"):
                    array.flat[0] = 0
    unchecked = [cls.__name__ for cls in classes if not _is_result_class(cls) and cls not in checked]
    assert unchecked == []


def test_result_class_arrays_are_read_only_in_practice():
    """Instances of a few result kinds from their public functions: every array field, nested ones too."""
    from kapitza.transmission.amm import amm_angular

    def arrays(obj, path):
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if isinstance(value, np.ndarray):
                yield f"{path}.{f.name}", value
            elif dataclasses.is_dataclass(value) and not isinstance(value, type):
                yield from arrays(value, f"{path}.{f.name}")

    for obj in (
        kapitza.prediction.predict_model("Al", "Si", [50.0, 300.0], model="dmm"),
        amm_angular("Al", "Si", n_angles=5),
    ):
        found = list(arrays(obj, type(obj).__name__))
        assert found
        assert [name for name, a in found if a.flags.writeable] == []
