"""``kapitza.load(path)``: any result saved by ``r.save(path)`` comes back as the object that saved it.

The round trip is checked on several result kinds (prediction, transmission, analysis, devices; flat and
nested; with inf/nan), through both formats: the loaded object is of the saving class, its arrays are
read-only, non-finite numbers are floats again, and its ``to_dict()`` equals the original's (the
independent check: ``to_dict`` is what ``save`` wrote, so equal dicts mean nothing was lost or changed).
"""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest

import kapitza
from kapitza.errors import InputError
from kapitza.io.results import load


def _examples():
    from kapitza.analysis import fit_power_law
    from kapitza.devices import composite, superlattice
    from kapitza.transmission.amm import amm_angular

    temperature = np.array([10.0, 20.0, 40.0, 80.0])
    return {
        "ConductanceResult": kapitza.prediction.predict_model("Al", "Si", [50.0, 300.0], model="dmm"),
        "AngularTransmission": amm_angular("Al", "Si", n_angles=5),
        "PowerLawFit": fit_power_law(temperature, 3e3 * temperature**2.7),  # t_max = inf
        "SuperlatticeResult": superlattice(2e-9, 3e-9, 150.0, 60.0, 1e-9, periods=4),
        "CompositeResult": composite(1.0, 100.0, 1e-8, radius=1e-6, volume_fraction=0.2),
    }


EXAMPLES = _examples()


def _arrays(obj, path=""):
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, np.ndarray):
            yield path + f.name, value
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            yield from _arrays(value, path + f.name + ".")


@pytest.mark.parametrize("suffix", [".json", ".npz"])
@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_round_trip(kind, suffix, tmp_path):
    original = EXAMPLES[kind]
    path = original.save(tmp_path / f"r{suffix}")
    loaded = kapitza.load(path)
    assert type(loaded) is type(original)
    assert json.dumps(loaded.to_dict(), sort_keys=True) == json.dumps(original.to_dict(), sort_keys=True)
    arrays = dict(_arrays(loaded))
    assert arrays.keys() == dict(_arrays(original)).keys()
    assert [name for name, a in arrays.items() if a.flags.writeable] == []
    for name, array in _arrays(original):
        np.testing.assert_array_equal(arrays[name], array)  # bit for bit: JSON keeps 17 significant digits


def test_non_finite_numbers_come_back_as_floats(tmp_path):
    fit = EXAMPLES["PowerLawFit"]
    assert fit.t_max == math.inf and fit.to_dict()["t_max"] == "inf"
    loaded = load(fit.save(tmp_path / "fit.json"))
    assert isinstance(loaded.t_max, float) and loaded.t_max == math.inf


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("other.json", '{"a": 1}', "no saved kapitza result"),
        ("list.json", "[1, 2]", "no saved kapitza result"),
        ("broken.json", "{not json", "no saved kapitza result"),
        ("alien.json", '{"kind": "NotAResult", "result": {}}', "no kapitza result"),
        ("model.txt", "x", "loaded from .json or .npz"),
    ],
)
def test_a_foreign_file_is_an_input_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load(path)


def test_a_foreign_npz_and_a_missing_file_are_input_errors(tmp_path):
    np.savez(tmp_path / "plain.npz", x=np.arange(3))
    with pytest.raises(InputError, match="no 'metadata' entry"):
        load(tmp_path / "plain.npz")
    with pytest.raises(InputError, match="does not exist"):
        load(tmp_path / "absent.json")


def test_values_the_class_refuses_are_an_input_error(tmp_path):
    """A saved file edited by hand into something the class cannot hold is refused, not half-built."""
    path = EXAMPLES["ConductanceResult"].save(tmp_path / "r.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    del document["result"]["temperature"]
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InputError, match="cannot rebuild a ConductanceResult"):
        load(path)
