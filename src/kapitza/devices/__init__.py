"""Designing with interfaces: thermal circuits and the applications where a Kapitza resistance matters.

Every model takes its interface resistances from :mod:`kapitza.devices.sources` (a number, a model
prediction such as ``"dmm:Al/Si"`` at the local temperature, or a saved result file) and its layer
conductivities from a number or the database's kappa(T).  Results are frozen dataclasses holding the
temperature profile, the budget and the inputs.  Units: SI (m, K, W, W m^-2, m^2 K W^-1).
"""

from .sources import (
    ConductivitySource,
    ResistanceSource,
    conductivity_source,
    resistance_source,
)

__all__ = ["ConductivitySource", "ResistanceSource", "conductivity_source", "resistance_source"]
