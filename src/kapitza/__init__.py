"""kapitza: thermal boundary (Kapitza) resistance toolkit.

Predict interfacial thermal conductance with the standard models, simulate
interfaces atom by atom, analyse measurements and design devices in which
interfaces matter.  SI units throughout the API (K, W m^-2 K^-1, m^2 K W^-1,
rad/s, kg, m); side 1 is where phonons come from and heat flows 1 -> 2.

>>> import kapitza
>>> g = kapitza.conductance("Al", "Si", 300.0, model="dmm")   # W m^-2 K^-1
"""

from ._version import __version__
from .errors import ConvergenceError, InputError, KapitzaError, MissingDependencyError
from .materials import Material, get_material, list_materials, load_materials
from .prediction import (
    ConductanceResult,
    available_models,
    conductance,
    kapitza_length,
    predict,
    resistance,
)
from .transmission.amm import AngularTransmission, amm_angular, amm_coefficients
from .transmission.chain import chain_transmission

__all__ = [
    "__version__",
    "AngularTransmission",
    "ConductanceResult",
    "ConvergenceError",
    "InputError",
    "KapitzaError",
    "Material",
    "MissingDependencyError",
    "amm_angular",
    "amm_coefficients",
    "available_models",
    "chain_transmission",
    "conductance",
    "get_material",
    "kapitza_length",
    "list_materials",
    "load_materials",
    "predict",
    "resistance",
]
