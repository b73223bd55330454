"""kapitza: thermal boundary (Kapitza) resistance toolkit.

Predict interfacial thermal conductance with the standard models, simulate
interfaces atom by atom, analyse measurements and design devices in which
interfaces matter.  SI units throughout the API (K, W m^-2 K^-1, m^2 K W^-1,
rad/s, kg, m); side 1 is where phonons come from and heat flows 1 -> 2.

>>> import kapitza
>>> p = kapitza.predict("Al", "Si", 300.0)   # the expected measurement first, then every model's total
>>> g = kapitza.conductance("Al", "Si", 300.0, model="dmm")   # one model's G, W m^-2 K^-1

The task-level entry point of each layer is reachable from here:

- prediction: :func:`kapitza.predict` (a :class:`kapitza.Prediction`: what ``kapitza predict`` prints),
  :func:`kapitza.conductance`, :func:`kapitza.resistance`
  (the whole layer as :mod:`kapitza.prediction`); ``calculator=`` builds both sides from their crystal
  structures with a universal machine-learned potential or any ASE calculator;
- phonons of any crystal from its structure: :func:`kapitza.phonons.crystal_phonons`, also
  ``kapitza.crystal_phonons("InP.cif", calculator="chgnet")``;
- molecular dynamics: :mod:`kapitza.md` (``kapitza.md.run_nemd``);
- analysis of simulations and measurements: :mod:`kapitza.analysis`;
- devices: :mod:`kapitza.devices`;
- any saved result back as the object that saved it: :func:`kapitza.load`.

Everything but the exceptions (the version included) is imported on first use (PEP 562), so
``import kapitza`` and ``kapitza --version`` stay light.
"""

from __future__ import annotations

import importlib

from .errors import ConvergenceError, InputError, KapitzaError, MissingDependencyError

#: Public names imported on first access: name -> module that defines it.
_LAZY_NAMES = {
    "ConductanceResult": "kapitza.prediction",
    "available_models": "kapitza.prediction",
    "conductance": "kapitza.prediction",
    "kapitza_length": "kapitza.prediction",
    "predict": "kapitza.prediction",
    "Prediction": "kapitza.prediction",
    "resistance": "kapitza.prediction",
    "Material": "kapitza.materials",
    # any crystal from its structure and a force source (kapitza.phonons is the subpackage, so not "phonons")
    "crystal_phonons": "kapitza.phonons",
    "get_material": "kapitza.materials",
    "list_materials": "kapitza.materials",
    "load": "kapitza.io.results",
    # kept importable for existing code; not task-level, so not in __all__
    "load_materials": "kapitza.materials",
    "AngularTransmission": "kapitza.transmission.amm",
    "amm_angular": "kapitza.transmission.amm",
    "amm_coefficients": "kapitza.transmission.amm",
    "chain_transmission": "kapitza.transmission.chain",
}

#: Subpackages and modules reachable as attributes (``kapitza.md.run_nemd``) without importing them first.
_LAZY_MODULES = frozenset(
    {
        "analysis",
        "atomistic",
        "devices",
        "errors",
        "io",
        "landauer",
        "literature",
        "materials",
        "md",
        "phonons",
        "plotting",
        "prediction",
        "spectra",
        "transmission",
        "units",
    }
)

__all__ = [
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
]


def __getattr__(name: str) -> object:
    """Import a public name or a subpackage on first access and keep it in the module's namespace."""
    if name == "__version__":  # importlib.metadata is slow to import: read only when asked
        from ._version import __version__ as value
    elif name in _LAZY_NAMES:
        value = getattr(importlib.import_module(_LAZY_NAMES[name]), name)
    elif name in _LAZY_MODULES:
        value = importlib.import_module(f"kapitza.{name}")
    else:
        raise AttributeError(f"module 'kapitza' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY_NAMES) | _LAZY_MODULES | {"__version__"})
