"""Public prediction API: conductance, resistance and Kapitza length of an interface.

``side1`` is where phonons come from and heat flows 1 -> 2.  Sides are
material names (looked up in the shipped database, case-insensitive, with
aliases), paths to a user's material file, or :class:`~kapitza.Material`
objects.  Every model reaches G(T) through :mod:`kapitza.landauer`.

Modules
-------
registry
    The one registry of interface models (name, description, reference, builder, spectra).
settings
    :class:`Settings`: every choice besides materials and model, validated up front.
answer
    :func:`predict` and :class:`Prediction`: the whole answer, as ``kapitza predict`` prints it (the expected
    measurement first, each model's total with the electrons, the physics, the warnings, the provenance);
    :func:`predict_interface`, the same class with the physics alone.
presenter
    The words of a prediction (its text, ``--explain``, the notebook's table), in one place.
notes
    The notes of a prediction: where its temperatures leave the models' ground, and the shipped values it used that
    were not checked against their source.
physics
    What a prediction computes besides each model's G: the measured values against the radiation limit, the helium
    range, the temperatures of a G(T) figure.
sides
    What a side names (a database material or a crystal from its structure), the default calculator, the memory
    bound, and both crystals built from their structures.
api
    :func:`predict_model` (one model's :class:`ConductanceResult`), :func:`conductance`, :func:`resistance`,
    :func:`kapitza_length`.
shares
    G split by incident branch and by frequency band.
comparison
    Debye vs full dispersion, side by side.
empirical
    :func:`empirical_estimate`: gradient boosting on the shipped measurements, with the
    error bar of a cross-validation grouped by paper (needs ``kapitza[empirical]``).
interface
    What kind of interface a pair makes (metal or not) and the electronic parts of its conductance:
    :func:`interface_kind`, :func:`electronic_parts`, :class:`ElectronicParts`.
convergence
    Convergence of full-dispersion G with mesh and broadening width.
validation
    Every model against the shipped measurements (``validation.table``) and how far each is from them
    (``validation.stats``); every bare measured row whose two crystals can be built, predicted from a calculator's
    phonons beside the Debye DMM (``validation.calculators``, ``kapitza validate --calculator``; mlip_band stores its
    band); the pairs the structure route builds (``validation.buildable``) and their AGF (``validation.agf``).
scoring
    The one set of scoring rules: the median factor, the share within x2, the per-paper weights.
expected
    The expected measurement: what a measurement of the pair will give, with its 68 % band held out by paper.
bounds
    The physical upper bound on an interface's conductance (each side's phonons and electrons), and the
    measured rows above it: :func:`conductance_bound`, :func:`check_bounds`.

Units: temperature in K; conductance in W m^-2 K^-1; resistance in m^2 K W^-1;
Kapitza length in m.
"""

from .answer import Prediction, comparison_document, predict, predict_interface, shares_document
from .api import (
    ConductanceResult,
    build_spectra,
    conductance_result,
    interface_model,
    model_channels,
    predict_model,
    shares,
)
from .bounds import BoundCheck, ConductanceBound, check_bounds, conductance_bound
from .comparison import DebyeComparison, compare_debye, spectral_comparison
from .convergence import ConvergenceTable, convergence_table
from .empirical import EmpiricalEstimate, EmpiricalValidation, empirical_estimate, empirical_validation
from .interface import ElectronicParts, electronic_parts, interface_kind, is_metal
from .physics import RadiationLimitCheck, measured_summary, radiation_limit_check
from .registry import MODELS, ModelInfo, available_models, default_models, get_model
from .scalars import conductance, kapitza_length, resistance
from .settings import DISPERSIONS, MaterialSpec, Settings, SideSpec
from .shares import ConductanceShares, conductance_shares
from .validation import ValidationTable, validation_table
from .validation.stats import ValidationStatistics, validation_statistics

__all__ = [
    "BoundCheck",
    "ConductanceBound",
    "DISPERSIONS",
    "MODELS",
    "ConductanceResult",
    "ConductanceShares",
    "ConvergenceTable",
    "DebyeComparison",
    "EmpiricalEstimate",
    "EmpiricalValidation",
    "ElectronicParts",
    "MaterialSpec",
    "Prediction",
    "ModelInfo",
    "Settings",
    "RadiationLimitCheck",
    "SideSpec",
    "ValidationStatistics",
    "ValidationTable",
    "available_models",
    "build_spectra",
    "check_bounds",
    "compare_debye",
    "conductance",
    "conductance_bound",
    "conductance_shares",
    "electronic_parts",
    "convergence_table",
    "empirical_estimate",
    "empirical_validation",
    "get_model",
    "interface_kind",
    "is_metal",
    "interface_model",
    "kapitza_length",
    "predict",
    "predict_model",
    "resistance",
    "shares",
    "spectral_comparison",
    "validation_statistics",
    "comparison_document",
    "conductance_result",
    "default_models",
    "measured_summary",
    "model_channels",
    "predict_interface",
    "radiation_limit_check",
    "shares_document",
    "validation_table",
]


def __getattr__(name: str) -> object:
    """``InterfacePrediction``, the physics' object before issue 76: :class:`Prediction` (one answer object), with a
    DeprecationWarning."""
    from .._moved import moved_name

    return moved_name(__name__, name, {"InterfacePrediction": "kapitza.prediction.answer:Prediction"})
