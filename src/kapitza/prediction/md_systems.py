"""Deprecated path: the harmonic (AGF and full-dispersion DMM) spectra of an NEMD run's interface moved to
:mod:`kapitza.transmission.md_systems`, the layer its imports say (issue 76 item 5).

``from kapitza.prediction.md_systems import name`` still works, with a DeprecationWarning naming the new place.
"""

from __future__ import annotations

import warnings


def __getattr__(name: str):
    from ..transmission import md_systems as moved

    value = getattr(moved, name)  # AttributeError for a name the new module does not have
    warnings.warn(
        f"kapitza.prediction.md_systems moved to kapitza.transmission.md_systems; import {name} from there",
        DeprecationWarning,
        stacklevel=2,
    )
    return value
