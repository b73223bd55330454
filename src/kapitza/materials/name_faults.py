"""What is wrong with a material name that names nothing kapitza holds (issue 84, bad input).

A name that matches no record is usually a typo, and the lookup suggests the close names.  Some names are wrong in a
way a suggestion does not explain, and each gets its own one-line reason here:

* a control or format character (a terminal bell, a zero-width space pasted from a web page);
* markup (``<b>Au</b>``, ``&amp;``) copied from a document;
* a letter from another script that looks like a Latin one (Cyrillic ``А`` in ``Аu``, Greek ``Ο`` in ``Al2Ο3``),
  which no name of the database holds in that place;
* a fractional alloy composition (``Au0.5Cu0.5``): kapitza holds no alloy records, and one whose fractions do not sum
  to one is wrong before that;
* the layered and 2D families, for which the database holds no record on purpose (:data:`NOT_HELD`, the reason the
  held-out study of ``scripts/layered_study.py`` gave).

Nothing here reads a file or matches a name; :func:`name_fault` is called by the lookup after the name matched
nothing, and :func:`text_fault` before a text is taken for a file path.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["NOT_HELD", "name_fault", "text_fault"]

#: Markup: an HTML/XML tag or a character entity.
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z][^<>]*>|&(?:[A-Za-z]+|#[0-9]+|#x[0-9A-Fa-f]+);")
#: A formula with element symbols and amounts, at least two elements.
_COMPOSITION = re.compile(r"(?:[A-Z][a-z]?(?:\d+(?:\.\d*)?|\.\d+)?){2,}")
_PART = re.compile(r"([A-Z][a-z]?)(\d+(?:\.\d*)?|\.\d+)?")
#: How far from one the fractions of an alloy may sum (rounding in a typed composition).
COMPOSITION_TOLERANCE = 1e-3

_SHEET = (
    "the compilation's rows of it measure single or few-layer sheets, whose flexural and in-plane modes no bulk Debye "
    "record holds"
)
_GRAPHENE = (
    f"no record of graphene: {_SHEET}; bulk graphite's cross-plane long waves are 'graphite' (kept by the "
    "held-out score, scripts/layered_study.py)"
)
_MOS2 = f"no record of MoS2: {_SHEET}, and no bulk 2H-MoS2 elastic constants were found in a source read"
_MOSE2 = (
    f"no record of MoSe2: {_SHEET}, and no bulk 2H-MoSe2 structure or elastic constants were found in a source read"
)
_MXENE = (
    "no record of the Ti3C2Tx MXene: few-layer sheets with surface terminations and intercalants, and no "
    "cross-plane modulus of a film was found in a source read (only a nanosheet's Young's modulus)"
)
#: The layered and 2D families the compilation measured and the database holds no record of, by lookup key
#: (lower case, no spaces, hyphens or underscores) -> the one-line reason (issue 84, item 2).
NOT_HELD: dict[str, str] = {
    "graphene": _GRAPHENE,
    "gpc": _GRAPHENE,
    "mos2": _MOS2,
    "molybdenite": _MOS2,
    "mose2": _MOSE2,
    "ti3c2": _MXENE,
    "ti3c2tx": _MXENE,
    "mxene": _MXENE,
}


def _code(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}" if name else f"U+{ord(ch):04X}"


def text_fault(text: str) -> str | None:
    """Why ``text`` (a material name or a file path as typed) cannot be one, before anything is looked up or opened:
    a control or format character, or markup; None when it has neither.  The reason is a clause ("it holds ...")
    to follow the quoted text."""
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\t":
            return f"it holds a control character ({_code(ch)}): type the name or path plainly"
    found = _MARKUP.search(text)
    if found:
        return f"it holds markup ({found.group(0)!r}): give the plain material name or file path"
    return None


def name_fault(query: str, labels: Iterable[str]) -> str | None:
    """Why ``query`` names no material when the reason is not a plain typo, or None: a clause to follow the quoted
    name ("it holds ...", "an alloy ...").

    Parameters
    ----------
    query : str
        The name as typed.
    labels : iterable of str
        The names and aliases it could have meant (for the look-alike suggestion).
    """
    key = "".join(ch for ch in query.casefold() if ch not in " -_\t")
    if key in NOT_HELD:
        return NOT_HELD[key]
    return text_fault(query) or _look_alike(query, tuple(labels)) or _alloy(query)


def _look_alike(query: str, labels: tuple[str, ...]) -> str | None:
    """A letter of another script (or a fullwidth form) where every name kapitza holds has a Latin one."""
    foreign = [ch for ch in query if ord(ch) > 127 and unicodedata.category(ch).startswith(("L", "N", "M"))]
    if not foreign:
        return None
    read = "".join(_latin(ch) for ch in query)
    meant = sorted({label for label in labels if label.casefold() == read.casefold()})
    if not meant:
        meant = sorted({label for label in labels if _same_skeleton(query, label)})
    hint = f"; did you mean {meant[0]!r}?" if len(meant) == 1 else ""
    kind = "a Latin letter with a mark" if _marked(foreign[0]) else "a letter that only looks like a Latin one"
    return f"it holds {foreign[0]!r} ({_code(foreign[0])}), {kind}{hint}"


def _marked(ch: str) -> bool:
    """True for a Latin letter with a diacritic ('Á'), or a combining mark itself."""
    if unicodedata.category(ch).startswith("M"):
        return True
    bare = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.category(c).startswith("M"))
    return bare.isascii() and bare != ch


def _latin(ch: str) -> str:
    """The Latin letter ``ch`` is read as: itself (ASCII), its compatibility form (fullwidth ``Ａ`` -> ``A``), or the
    letter its Unicode name ends in (``CYRILLIC CAPITAL LETTER A`` -> ``A``); itself where none."""
    if ord(ch) < 128:
        return ch
    if unicodedata.category(ch).startswith("M"):  # a combining mark: read as nothing
        return ""
    folded = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.category(c).startswith("M"))
    if folded.isascii():
        return folded
    last = unicodedata.name(ch, "").rsplit(" ", 1)[-1]
    if len(last) == 1 and last.isascii() and last.isalpha():
        return last if ch.isupper() else last.lower()
    return ch


def _same_skeleton(query: str, label: str) -> bool:
    """True if ``label`` reads as ``query`` with its non-ASCII letters taken as wildcards."""
    if len(query) != len(label):
        return False
    return all(ord(q) > 127 or q.casefold() == c.casefold() for q, c in zip(query, label))


def _alloy(query: str) -> str | None:
    """A fractional composition (``Au0.5Cu0.5``): no alloy is held; one whose fractions do not sum to one is wrong."""
    if not _COMPOSITION.fullmatch(query) or "." not in query:
        return None
    parts = [(symbol, float(amount) if amount else 1.0) for symbol, amount in _PART.findall(query)]
    total = sum(amount for _, amount in parts)
    if abs(total - 1.0) > COMPOSITION_TOLERANCE:
        fractions = ", ".join(f"{symbol} {amount:g}" for symbol, amount in parts[:6])
        more = f" and {len(parts) - 6} more" if len(parts) > 6 else ""
        return f"its composition sums to {total:g}, not 1 ({fractions}{more})"
    return (
        "an alloy: kapitza holds no alloy records (a random solid solution has no one crystal's "
        "numbers); give its measured density, sound speeds and heat capacity in a material file "
        "(kapitza materials template)"
    )
