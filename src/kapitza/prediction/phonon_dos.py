"""Deprecated path: the phonon densities of states of the EELS forward model moved to :mod:`kapitza.phonons.dos`,
the layer its imports say (issue 76 item 5).

``from kapitza.prediction.phonon_dos import name`` still works, with a DeprecationWarning naming the new place.
"""

from __future__ import annotations

import warnings


def __getattr__(name: str):
    from ..phonons import dos as moved

    value = getattr(moved, name)  # AttributeError for a name the new module does not have
    warnings.warn(
        f"kapitza.prediction.phonon_dos moved to kapitza.phonons.dos; import {name} from there",
        DeprecationWarning,
        stacklevel=2,
    )
    return value
