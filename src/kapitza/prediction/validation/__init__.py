"""Every model against the measurements: the validation subpackage (issue 76 item 5).

- :mod:`.table`: every model at every measured row whose two sides are database materials (``kapitza validate``),
  re-exported here (``from kapitza.prediction.validation import validation_table``);
- :mod:`.stats`: how far each model is from them, by interface kind and basis;
- :mod:`.calculators`: every bare row whose two crystals can be built, predicted from a calculator's phonons
  (``kapitza validate --calculator``);
- :mod:`.buildable`: which measured pairs the structure route builds as an interface, and how
  (``kapitza interface buildable``);
- :mod:`.agf`: the AGF of every buildable pair beside the Debye and full-dispersion DMMs (``kapitza validate --model
  agf``).

Every score they give is built from the rules of :mod:`kapitza.prediction.scoring`.
"""

from .table import (
    DEFAULT_MODELS,
    KINDS,
    PHONON_ONLY,
    FlaggedGroup,
    ValidationTable,
    as_predicted,
    flagged_groups,
    interface_kinds,
    pair_kind,
    pair_table,
    validation_table,
)

__all__ = [
    "DEFAULT_MODELS",
    "KINDS",
    "PHONON_ONLY",
    "FlaggedGroup",
    "ValidationTable",
    "as_predicted",
    "flagged_groups",
    "interface_kinds",
    "pair_kind",
    "pair_table",
    "validation_table",
]
