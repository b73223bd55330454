"""Deprecated: what ``kapitza predict`` reports is one object now (issue 76).

:func:`kapitza.predict` returns the one :class:`~kapitza.prediction.answer.Prediction`; the physics of a pair alone is
:func:`~kapitza.prediction.answer.predict_interface` (the same class), its computation
:mod:`kapitza.prediction.physics`, its words :mod:`kapitza.prediction.presenter`.  Every name this module held still
imports from here, from its new place, with a DeprecationWarning naming it (``InterfacePrediction`` is
:class:`~kapitza.prediction.answer.Prediction`).
"""

from __future__ import annotations

from typing import Any

#: Each name of this module and where it lives now ("module:new name" where it was renamed).
_MOVED = {
    "InterfacePrediction": "kapitza.prediction.answer:Prediction",
    **dict.fromkeys(("comparison_document", "predict_interface", "shares_document"), "kapitza.prediction.answer"),
    **dict.fromkeys(("HELIUM_MEASURED", "MEZHOV_DEGLIN_REFERENCE", "PLOT_CRYOGENIC_RANGE", "PLOT_POINTS", "PLOT_RANGE",
                     "SWARTZ_POHL_REFERENCE", "HeliumRange", "RadiationLimitCheck", "comparison_plot_temperatures",
                     "conductivity_gaps", "helium_range", "measured_summary", "plot_temperatures",
                     "radiation_limit_check"), "kapitza.prediction.physics"),
    **dict.fromkeys(("KAPITZA_ANOMALY_REFERENCE", "unchecked_material_notes", "unchecked_notes", "validity_notes"),
                    "kapitza.prediction.notes"),
}  # fmt: skip


def __getattr__(name: str) -> Any:
    """A name of this module, from its new place, with a DeprecationWarning naming it."""
    from .._moved import moved_name

    return moved_name(__name__, name, _MOVED)
