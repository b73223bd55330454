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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ... import _checks
from ...errors import InputError
from ...literature.stacks import INTERLAYERS, Interlayer
from ...materials import get_material
from ...units import LENGTH_UNITS, split_length

__all__ = ["MAX_INTERLAYERS", "MAX_THICKNESS_M", "MIN_THICKNESS_M", "Layer", "check_thickness", "layer_of",
           "parse_interlayers"]  # fmt: skip

#: Most interlayers a stack may hold: the compilation's stacks hold three at most (Au/Ti/graphene/a-SiO2/Si); the
#: series physics has no more to say about a deeper one.
MAX_INTERLAYERS = 4
#: Thickest interlayer taken, m: beyond a millimetre a layer is a material of its own (a stack file, ``kapitza
#: stack``), not an interlayer.
MAX_THICKNESS_M = 1e-3
#: Thinnest film taken, m: 1 A, below the thickness of one atomic plane (graphite's interlayer spacing is 3.35 A, a
#: close-packed metal's plane spacing about 2.3 A): thinner is not a layer of anything.
MIN_THICKNESS_M = 1e-10


def check_thickness(value: Any, what: str) -> float:
    """A film's thickness in m: a real number (not a bool; an integer beyond a float counts as infinite) from
    :data:`MIN_THICKNESS_M` to :data:`MAX_THICKNESS_M`; InputError naming ``what`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"the thickness of {what} must be a length in m, got {_checks.quoted(repr(value))}")
    t = _checks._float(value, f"the thickness of {what}", "m")
    if not (math.isfinite(t) and t > 0):
        beyond = " (an integer beyond a float)" if isinstance(value, int) and math.isinf(t) else ""
        raise InputError(f"the thickness of {what} must be a finite length > 0 m, got {t:g} m{beyond}")
    if t < MIN_THICKNESS_M:
        raise InputError(f"the thickness of {what} ({t:g} m) is less than {MIN_THICKNESS_M * 1e10:g} A, thinner than "
                         "one atomic plane: not a layer (leave it out for the bare pair)")  # fmt: skip
    if t > MAX_THICKNESS_M:
        raise InputError(f"the thickness of {what} ({t:g} m) is more than {MAX_THICKNESS_M * 1e3:g} mm: that is "
                         "a layer of its own (kapitza stack), not an interlayer")  # fmt: skip
    return t


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

    def __post_init__(self) -> None:
        """A Layer built by hand is the layer its name gives (:func:`layer_of`): the same family, material and form,
        a thickness within the bounds (:func:`check_thickness`), none for a layer of atomic thickness."""
        text, found = _interlayer(self.name)
        given, known = (self.family, self.material, self.form), (found.family, found.material, found.form)
        if given != known:
            raise InputError(f"the interlayer {text} is {known[0]!r}, material {known[1]!r}, form {known[2]!r} (as "
                             f"layer_of({text!r}) gives it), not {given!r}")  # fmt: skip
        if self.thickness is not None:
            if found.form == "monolayer":
                raise InputError(f"{text} is a layer of atomic thickness ({found.family}): it takes no thickness")
            object.__setattr__(self, "thickness", check_thickness(self.thickness, text))
        if not isinstance(self.note, str) or len(self.note) > _checks.MAX_NAME_CHARS or not self.note.isprintable():
            raise InputError(f"the note of the interlayer {text} must be a short printable text")

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


def _interlayer(name: Any) -> tuple[str, Interlayer]:
    """The name as a text (spaces collapsed) and the interlayer it names, or InputError: not a text, not a label,
    unknown, or known without data."""
    if not isinstance(name, str):
        raise InputError(f"an interlayer is named by a text, got {type(name).__name__}")
    text = " ".join(name.split())
    _checks.label(text, "interlayer")
    found = INTERLAYERS.get(text) or _database_interlayer(text)
    if found is None:
        raise InputError(f"kapitza has no data for the interlayer {_checks.quoted(text)} (known: {_known()})")
    if found.material is None and found.form != "monolayer":
        raise InputError(f"kapitza has no data for the interlayer {text}: {found.note}")
    return text, found


def layer_of(name: Any, thickness: Any = None, *, need_thickness: bool = True) -> Layer:
    """The :class:`Layer` of ``name`` (a compilation word or a database material) of ``thickness`` m (None: not
    given); ``need_thickness``: a film without one is refused (a query's rule; the compilation's rows give none)."""
    text, found = _interlayer(name)
    t = None if thickness is None else check_thickness(thickness, text)
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
    number, unit = split_length(rest, None, f"the thickness in {_checks.quoted(item)}")
    return layer_of(name, number / LENGTH_UNITS[unit])


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
