"""The layers between film and substrate of the compilation's stacks, read from its ``stack`` column.

627 of the compilation's 1,330 rows measure a stack with something between the two sides: an adhesion metal
(Au/Ti/sapphire), an oxide (Al/SiO2/Si), a 2D crystal (Au/Ti/graphene/a-SiO2), a surface termination or a
self-assembled monolayer (Pb/H-diamond, Al/OPA/sapphire) or a semiconductor buffer (Al/GaN/AlN/SiC).  This module
reads the column (``"Au/Ti/graphene/a-SiO2/Si"``) into the film, its interlayers in order (the film's side first)
and the substrate, and names each interlayer's **family** (:data:`FAMILIES`) and, where the compilation's word is a
material the database holds, that material (:data:`INTERLAYERS`, a reviewed table like :mod:`.names`: every word of
the shipped stacks is listed, with why where it names no database material).  A word the table does not list is
``unknown``: it never reaches a number (the stack is left out of every fit and score, with why).

The film and substrate are the compilation's own columns; the stack's tokens between them are the interlayers,
read in the stack's order from the film's side.  Where the compilation folds a layer into the substrate's name
(``H-diamond``, ``O-diamond``, ``H-Si(111)``: a termination of the substrate's surface), the prefix is the
interlayer and the rest the substrate; a crystal orientation written after a name (``Si(100)``) is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError

__all__ = ["FAMILIES", "INTERLAYERS", "Interlayer", "StackLayers", "interlayer", "rows_of_stack", "stack_layers"]

#: The interlayer families, in the order the page lists them.
FAMILIES = ("adhesion metal", "oxide", "2D crystal", "termination or monolayer", "semiconductor buffer")

#: The form of an interlayer's material, which sets how its own resistance is computed.
FORMS = ("crystal", "amorphous", "monolayer")


@dataclass(frozen=True)
class Interlayer:
    """One interlayer word of the compilation, reviewed.

    Attributes
    ----------
    word : str
        As the compilation writes it (orientation dropped).
    family : str
        One of :data:`FAMILIES`.
    material : str or None
        The database material whose physics describes it (None: none does; its family alone describes it).
    form : str
        One of :data:`FORMS`: a crystal film, an amorphous film, or a layer of atomic thickness (a 2D crystal, a
        termination, a monolayer) with no bulk of its own.
    note : str
        Why it maps (or does not) where that is not obvious.
    """

    word: str
    family: str
    material: str | None
    form: str
    note: str = ""

    @property
    def canonical(self) -> str:
        """One name for every word of one layer: its database material ("a-" before an amorphous one's: SiO2,
        SiOx and a-SiO2 are all "a-SiO2"), else its word."""
        if self.material is None:
            return self.word
        return f"a-{self.material}" if self.form == "amorphous" else self.material


def _layer(word: str, family: str, material: str | None, form: str, note: str = "") -> Interlayer:
    return Interlayer(word, family, material, form, note)


_ADHESION = "adhesion metal"
_OXIDE = "oxide"
_2D = "2D crystal"
_TERM = "termination or monolayer"
_BUFFER = "semiconductor buffer"

#: Every interlayer word of the shipped stacks: word -> Interlayer.  Materials are database names; an amorphous
#: layer of a database crystal keeps the crystal's record for its density and sound speeds (the amorphous limit of
#: :mod:`kapitza.prediction.interlayer.film` needs only those), and says so.
INTERLAYERS: dict[str, Interlayer] = {
    i.word: i
    for i in (
        _layer("Ti", _ADHESION, "Ti", "crystal"),
        _layer("Cr", _ADHESION, "Cr", "crystal"),
        _layer("Cu", _ADHESION, "Cu", "crystal"),
        _layer("Ni", _ADHESION, "Ni", "crystal"),  # in the database since issue 84
        _layer("SiO2", _OXIDE, "SiO2", "amorphous", "silica grown or deposited on the substrate: amorphous"),
        _layer("a-SiO2", _OXIDE, "SiO2", "amorphous"),
        _layer("SiOx", _OXIDE, "SiO2", "amorphous", "sub-stoichiometric silica: the silica record"),
        _layer("SOx", _OXIDE, "SiO2", "amorphous", "the compilation's spelling of SiOx in Al/graphene/SOx/SiC"),
        _layer("a-Al2O3", _OXIDE, "Al2O3", "amorphous", "amorphous alumina: sapphire's record, amorphous limit"),
        _layer("ZnO", _OXIDE, None, "crystal", "zinc oxide is not in the database"),
        _layer("TiO2", _OXIDE, None, "crystal", "titania is not in the database"),
        _layer("SiNx", _OXIDE, None, "amorphous", "silicon nitride is not in the database (a dielectric, grouped "
               "with the oxides)"),  # fmt: skip
        _layer("graphene", _2D, None, "monolayer"),
        _layer("H-graphene", _2D, None, "monolayer", "hydrogenated graphene"),
        _layer("O-graphene", _2D, None, "monolayer", "oxygenated graphene"),
        _layer("F-graphene", _2D, None, "monolayer", "fluorinated graphene"),
        _layer("N-graphene", _2D, None, "monolayer", "nitrogen-doped graphene"),
        _layer("Graphene oxide", _2D, None, "monolayer"),
        _layer("(Graphene_Ti)", _2D, None, "monolayer", "graphene with titanium"),
        _layer("MoS2", _2D, None, "monolayer"),
        _layer("Ti3C2", _2D, None, "monolayer", "a MXene"),
        _layer("H-", _TERM, None, "monolayer", "a hydrogen-terminated surface"),
        _layer("O-", _TERM, None, "monolayer", "an oxygen-terminated surface"),
        _layer("O", _TERM, None, "monolayer", "an oxygen-terminated surface (Cr/O/diamond)"),
        *(
            _layer(w, _TERM, None, "monolayer", "a self-assembled monolayer or a polymer film")
            for w in (
                "PFBPA", "OPA", "F21PA", "PPA", "FHOPA", "MDPA", "SH-NML", "CH3-NML", "(CH3_SH)", "CH3", "SH", "NH2",
                "Br", "HS-(CH2)2-SH", "HS-(CH2)8-SH", "HS-(CH2)9-SH", "HS-(CH2)10-SH", "C18", "OTS", "C11OH",
                "PEG-silane", "Biphenyltetracarboxylic dianhydride-p-phenylene diamine",
                "Pyromellitic dianhydride oxydianiline", "Benzocyclobutene", "Polystyrene", "PMMA",
            )
        ),
        _layer("Ge", _BUFFER, "Ge", "crystal"),
        _layer("a-Ge", _BUFFER, "Ge", "amorphous"),
        _layer("a-Si", _BUFFER, "Si", "amorphous"),
        _layer("Ge0.5Si0.5", _BUFFER, None, "crystal", "a SiGe alloy is not in the database"),
        _layer("GaN", _BUFFER, "GaN", "crystal"),
        _layer("AlN", _BUFFER, "AlN", "crystal"),
    )
}  # fmt: skip

#: A crystal orientation the compilation writes after a name: "Si(100)", "Si(111)".
_ORIENTATION = re.compile(r"\((?:100|111|001|110|0001|002)\)'?$")
#: Termination prefixes folded into a substrate's name: "H-diamond", "O-diamond", "H-Si(111)".
_TERMINATION = re.compile(r"^([HO])-(?!graphene)(.+)$")


def interlayer(word: str) -> Interlayer | None:
    """The reviewed interlayer of a compilation word (orientation and surrounding blanks dropped), or None where
    the table does not list it."""
    return INTERLAYERS.get(_clean(word))


def _clean(word: str) -> str:
    return _ORIENTATION.sub("", " ".join(str(word).split()))


@dataclass(frozen=True)
class StackLayers:
    """A stack read: its film, its interlayers from the film's side, its substrate, and what is unknown.

    Attributes
    ----------
    stack : str
        The compilation's text.
    interlayers : tuple of Interlayer
        In order from the film's side (empty for a bare interface).
    unknown : tuple of str
        Words between film and substrate the reviewed table does not list (the stack then has no number).
    """

    stack: str
    interlayers: tuple[Interlayer, ...]
    unknown: tuple[str, ...]

    @property
    def families(self) -> tuple[str, ...]:
        """The families of its interlayers, each once, in order."""
        return tuple(dict.fromkeys(i.family for i in self.interlayers))

    @property
    def key(self) -> str:
        """The interlayers as one text ("Ti/graphene"): with the two sides, what says which stack a row is."""
        return "/".join(i.word for i in self.interlayers)


def stack_layers(stack: str, film: str, substrate: str) -> StackLayers:
    """Read a compilation row's stack (``"Au/Ti/graphene/a-SiO2/Si"``) with its film and substrate columns into
    its interlayers.

    The tokens after the film's (the first token) and before the substrate's (the last token whose name, orientation
    dropped, is the substrate's, or the last token) are the interlayers; a termination prefix of the substrate's
    token (``H-diamond``) is one more interlayer.  Words the reviewed table does not list are returned as
    ``unknown``.
    """
    if not isinstance(stack, str) or not stack.strip():
        raise InputError("a stack is the compilation's layer sequence, e.g. 'Au/Ti/sapphire'")
    tokens = [_clean(t) for t in _split(stack)]
    tokens = [t for t in tokens if t]
    if len(tokens) < 2:
        raise InputError(f"the stack {stack!r} names fewer than two layers")
    inner = tokens[1:-1]
    last = tokens[-1]
    sub = _clean(substrate)
    if sub and sub in inner and last != sub:  # the substrate named before a trailing layer (e.g. a support)
        inner = inner[: inner.index(sub)]
    found: list[Interlayer] = []
    unknown: list[str] = []
    for word in inner:
        layer = INTERLAYERS.get(word)
        (found.append(layer) if layer is not None else unknown.append(word))  # type: ignore[func-returns-value]
    m = _TERMINATION.match(last)
    if m and not inner:
        found.append(INTERLAYERS[f"{m.group(1)}-"])
    return StackLayers(stack=stack, interlayers=tuple(found), unknown=tuple(unknown))


def _split(stack: str) -> list[str]:
    """Split on "/" outside parentheses ("Au/HS-(CH2)2-SH/GaAs", "(Graphene_Ti)/Si")."""
    parts, depth, current = [], 0, []
    for ch in stack:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch == "/" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def rows_of_stack(rows: Any, first: str, stack: tuple[str, ...]) -> NDArray[np.bool_]:
    """Which of the compilation's ``rows`` (:class:`~kapitza.literature.Measurements`) are of one stack: their
    interlayers, read by :func:`stack_layers` and named canonically, are ``stack`` counted from material ``first``'s
    side (in either orientation of the row)."""
    keep = np.zeros(len(rows), dtype=bool)
    for i in range(len(rows)):
        if not rows.interlayer[i]:
            continue
        found = tuple(x.canonical for x in stack_layers(rows.stack[i], rows.film[i], rows.substrate[i]).interlayers)
        keep[i] = found == (stack if rows.film_material[i] == first else tuple(reversed(stack)))
    return keep
