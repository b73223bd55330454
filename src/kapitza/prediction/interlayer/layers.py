"""An interlayer as a user names it: ``NAME`` or ``NAME:THICKNESS`` (``Ti:2nm``, ``a-SiO2:1.5nm``, ``graphene``).

One syntax everywhere: the ``--interlayer`` option of ``kapitza predict``, ``kapitza measured`` and ``kapitza
interlayers`` (repeated, from side 1 towards side 2), and the ``interlayers=`` argument of :func:`kapitza.predict`
(a list of such texts, or of ``(name, thickness_m)`` pairs).  The thickness takes a unit: ``nm``, ``um``
(or ``µm``), ``A`` (or ``Å``) or ``m``, the way a stack file's ``thickness_nm`` / ``thickness_um`` / ``thickness_m``
does.

The names are the compilation's interlayer words (:data:`kapitza.literature.stacks.INTERLAYERS`: ``Ti``,
``a-SiO2``, ``graphene``, ``MoS2``, ``H-``, ``OPA``, ...) and the database's materials; each has its family and the
form that sets its own resistance (:mod:`.film`).  A film (a crystal or an amorphous layer) needs its thickness: its
weight in the stack and its own resistance depend on it; a layer of atomic thickness takes none.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ... import _checks
from ...errors import InputError
from ...literature.stacks import INTERLAYERS, Interlayer
from ...materials import get_material

__all__ = ["MAX_INTERLAYERS", "MAX_THICKNESS_M", "Layer", "layer_of", "parse_interlayers"]

#: Most interlayers a stack may hold: the compilation's stacks hold three at most (Au/Ti/graphene/a-SiO2/Si); the
#: series physics has no more to say about a deeper one.
MAX_INTERLAYERS = 4
#: Thickest interlayer taken, m: beyond a millimetre a layer is a material of its own (a stack file, ``kapitza
#: stack``), not an interlayer.
MAX_THICKNESS_M = 1e-3
#: Units of a thickness, in m.
UNITS = {"nm": 1e-9, "um": 1e-6, "µm": 1e-6, "mm": 1e-3, "a": 1e-10, "å": 1e-10, "m": 1.0}
_THICKNESS = re.compile(r"^\s*([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(nm|um|µm|mm|a|å|m)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Layer:
    """One interlayer of a stack.

    Attributes
    ----------
    name : str
        As named (the compilation's word or a database material).
    family : str
        One of :data:`kapitza.literature.stacks.FAMILIES`.
    material : str or None
        The database material whose physics describes it (None: its family alone).
    form : str
        "crystal", "amorphous" or "monolayer".
    thickness : float or None
        m (None: not given).
    note : str
    """

    name: str
    family: str
    material: str | None
    form: str
    thickness: float | None = None
    note: str = ""

    @property
    def canonical(self) -> str:
        """One name for every word of one layer (:attr:`kapitza.literature.stacks.Interlayer.canonical`)."""
        return Interlayer(self.name, self.family, self.material, self.form).canonical

    def text(self) -> str:
        """``Ti:2nm`` (or the name alone), as the option takes it."""
        if self.thickness is None:
            return self.name
        return f"{self.name}:{self.thickness * 1e9:.4g}nm"


def _database_interlayer(name: str) -> Interlayer | None:
    """A database material as an interlayer: a metal is an adhesion metal; fused silica an amorphous oxide, sapphire
    a crystalline one; every other solid a semiconductor buffer (crystal)."""
    try:
        m = get_material(name)
    except InputError:
        return None
    if m.is_fluid:
        return None
    if m.origin != "database":
        raise InputError(f"{name}: an interlayer is a database solid or one of the compilation's films, not a "
                         f"material file's record ({m.name}): the stack's estimate learnt from the database's "
                         "materials")  # fmt: skip
    if m.thermal_conductivity is None:
        from ...materials.conductivity import no_conductivity_reason

        raise InputError(f"{m.name} cannot be an interlayer film: it has no thermal conductivity "
                         f"({no_conductivity_reason(m)}), and a film's own resistance d / kappa needs one")  # fmt: skip
    from ..interface import is_metal

    if is_metal(m):
        return Interlayer(m.name, "adhesion metal", m.name, "crystal")
    if m.name == "SiO2":
        return Interlayer(m.name, "oxide", m.name, "amorphous", "the database's SiO2 is fused silica")
    if m.name == "Al2O3":
        return Interlayer(m.name, "oxide", m.name, "crystal", "sapphire; amorphous alumina is a-Al2O3")
    return Interlayer(m.name, "semiconductor buffer", m.name, "crystal")


def _known() -> str:
    films = sorted(w for w in INTERLAYERS if INTERLAYERS[w].material is not None)
    layers = ("graphene", "MoS2", "Ti3C2", "H-", "O-", "OPA")
    return (f"films {', '.join(films)} or a database material; layers of atomic thickness {', '.join(layers)} and "
            "the compilation's other monolayers")  # fmt: skip


def layer_of(name: Any, thickness: Any = None, *, need_thickness: bool = True) -> Layer:
    """The :class:`Layer` of ``name`` (a compilation word or a database material) of ``thickness`` m (None: not
    given); ``need_thickness``: a film without one is refused (a query's rule; the compilation's rows give none)."""
    if not isinstance(name, str):
        raise InputError(f"an interlayer is named by a text, got {type(name).__name__}")
    text = " ".join(name.split())
    _checks.label(text, "interlayer")
    found = INTERLAYERS.get(text) or _database_interlayer(text)
    if found is None:
        raise InputError(f"kapitza has no data for the interlayer {_checks.quoted(text)} (known: {_known()})")
    if found.material is None and found.form != "monolayer":
        raise InputError(f"kapitza has no data for the interlayer {text}: {found.note}")
    t = None
    if thickness is not None:
        if isinstance(thickness, bool) or not isinstance(thickness, (int, float)):
            raise InputError(f"the thickness of {text} must be a length in m, got {thickness!r}")
        t = float(thickness)
        if not math.isfinite(t) or t <= 0:
            raise InputError(f"the thickness of {text} must be a finite length > 0, got {thickness!r}")
        if t > MAX_THICKNESS_M:
            raise InputError(f"the thickness of {text} ({t:g} m) is more than {MAX_THICKNESS_M * 1e3:g} mm: that is "
                             "a layer of its own (kapitza stack), not an interlayer")  # fmt: skip
    if t is None and need_thickness and found.form != "monolayer":
        raise InputError(f"{text} is a film ({found.form}): give its thickness, e.g. {text}:2nm (its own resistance "
                         "and how much of it the phonons see depend on it)")  # fmt: skip
    if t is not None and found.form == "monolayer":
        raise InputError(f"{text} is a layer of atomic thickness ({found.family}): it takes no thickness")
    return Layer(found.word, found.family, found.material, found.form, t, found.note)


def _parse_text(item: str) -> Layer:
    name, sep, rest = item.rpartition(":") if ":" in item else (item, "", "")
    if not sep:
        return layer_of(item)
    m = _THICKNESS.match(rest)
    if m is None:
        raise InputError(f"the thickness in {_checks.quoted(item)} must be a number with a unit (nm, um, mm, A or "
                         "m), e.g. Ti:2nm")  # fmt: skip
    value = float(m.group(1)) * UNITS[m.group(2).lower()]
    return layer_of(name, value)


def parse_interlayers(items: Sequence[Any] | None) -> tuple[Layer, ...]:
    """The interlayers of a query, from side 1 towards side 2: texts ``NAME[:THICKNESS]`` or ``(name, thickness
    m)`` pairs (or Layers); () for None or an empty list (the bare pair)."""
    if items is None:
        return ()
    if isinstance(items, (str, bytes)) or not isinstance(items, Sequence):
        raise InputError("interlayers must be a list of NAME or NAME:THICKNESS texts, e.g. ['Ti:2nm']")
    if len(items) > MAX_INTERLAYERS:
        raise InputError(f"{len(items)} interlayers: the series physics takes {MAX_INTERLAYERS} at most")
    out = []
    for item in items:
        if isinstance(item, Layer):
            out.append(item)
        elif isinstance(item, str):
            out.append(_parse_text(item))
        elif isinstance(item, tuple) and len(item) == 2:
            out.append(layer_of(item[0], item[1]))
        else:
            raise InputError(f"an interlayer is NAME or NAME:THICKNESS (or a (name, metres) pair), got {item!r}")
    return tuple(out)
