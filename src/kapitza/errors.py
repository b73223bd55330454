"""Exceptions raised by kapitza.

Every exception derives from :class:`KapitzaError` and also from the built-in
type a caller would naturally catch (the pattern of pint's ``errors.py``), so
``except ValueError`` keeps working for bad input.  Messages name the offending
value and what would have been accepted; :func:`did_you_mean` is the one rule for the close names a refusal of
an unknown name offers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: How close (difflib's ratio, 0..1) a known name must be to an unknown one to be offered.
CLOSE_NAME_RATIO = 0.7


class KapitzaError(Exception):
    """Base class of every error kapitza raises on purpose."""


class InputError(KapitzaError, ValueError):
    """An argument or an input file holds a value the model cannot accept."""


class MemoryBoundError(InputError):
    """A computation would need more memory than its bound allows: the bound refuses it, not the input (a caller
    that remembers refusals must not remember this one: with more memory the same input runs)."""


class TimeBoundError(InputError):
    """A computation whose stated time is above what is left of its time bound (``max_time``): the bound refuses it,
    not the input (as :class:`MemoryBoundError`: a caller that remembers refusals must not remember this one; with
    more time the same input runs).

    Attributes
    ----------
    imaginary_thz : float or None
        Where the bound stopped the stability-driven widening search of a crystal's phonons, the magnitude of the
        near-Gamma imaginary frequency of the widest supercell computed, THz (``kapitza predict`` then lets the
        crystal's long waves stand in, as for the potential's own refusal); None where it refused before that.
    """

    def __init__(self, message: str, imaginary_thz: float | None = None) -> None:
        super().__init__(message)
        self.imaginary_thz = imaginary_thz


class DynamicalInstabilityError(InputError):
    """A crystal refused for imaginary (or zero) phonon frequencies with its force source: neither its memory bound nor
    its input refuses it, the potential does.  Its long waves may still be described by the potential's elastic
    constants (``kapitza predict`` does so where they are stable).

    Attributes
    ----------
    imaginary_thz : float
        The magnitude of the refused frequency, THz (0.321 for "0.321i THz"; 0 for a zero acoustic frequency).
    elastically_unstable : bool
        True where the refusal already found the potential's elastic tensor unstable (Born's criterion).
    """

    def __init__(self, message: str, imaginary_thz: float = 0.0, elastically_unstable: bool = False) -> None:
        super().__init__(message)
        self.imaginary_thz = float(imaginary_thz)
        self.elastically_unstable = bool(elastically_unstable)


class ConvergenceError(KapitzaError, RuntimeError):
    """An iterative computation (decimation, mesh refinement, fit) did not converge."""


class KapitzaNote(UserWarning):
    """A note about a result kapitza still returns correct: the library warns with it (it never prints), and the
    command line shows each as one line, ``kapitza: note: ...``, on stderr."""


class CacheNote(KapitzaNote):
    """The on-disk cache was not used for something (an entry that did not verify and was recomputed, a key file
    refused so nothing is cached); the result is computed, so it is correct."""


class MissingDependencyError(KapitzaError, ImportError):
    """An optional dependency is not installed; the message names the pip extra."""

    def __init__(self, package: str, extra: str, purpose: str = "") -> None:
        self.package = package
        self.extra = extra
        what = f" (needed for {purpose})" if purpose else ""
        super().__init__(
            f"the optional package {package!r} is not installed{what}; install it with: pip install 'kapitza[{extra}]'"
        )


def optional_module(module: str, extra: str, purpose: str, package: str | None = None) -> Any:
    """``import module`` (a dotted name gives the submodule), or :class:`MissingDependencyError` naming the pip
    ``extra`` that installs ``package`` (default: the module's top-level name) and the ``purpose`` it serves: the one
    rule for an optional dependency imported inside the function that needs it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependencyError(package or module.partition(".")[0], extra, purpose) from None


def did_you_mean(
    query: str, names: Mapping[str, str], key: str | None = None, n: int = 3, group: Mapping[str, str] | None = None
) -> str:
    """``"; did you mean 'Si' or 'SiC'?"``, or ``""`` when no known name is close to ``query``.

    ``names`` maps each lookup key (normalised by the caller, e.g. lower case) to the text offered for it.
    ``key``: the query's own lookup key (default: ``query`` stripped and lower-cased).  ``group`` (optional) maps
    keys to what they name (a material's aliases to the material): one text per group, that of its closest key;
    without it, one per distinct text.  Closeness is difflib's ratio, at least :data:`CLOSE_NAME_RATIO`; at most
    ``n`` names, closest first."""
    import difflib

    probe = query.strip().lower() if key is None else key
    offered: dict[str, str] = {}
    for k in difflib.get_close_matches(probe, list(names), n=len(names), cutoff=CLOSE_NAME_RATIO):
        offered.setdefault(group[k] if group is not None else names[k], names[k])
    texts = list(offered.values())[:n]
    if not texts:
        return ""
    return "; did you mean " + (texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " or " + texts[-1]) + "?"


def quoted(value: str) -> str:
    """A text quoted for a message: ``ascii`` (no control character reaches the terminal), at most 60 characters as
    printed; a longer one is cut to its first 50 printed characters and its length stated (cut by what is printed,
    so that a text of escaped characters, each up to 10 wide, is no longer than a plain one)."""
    shown = ascii(value)
    if len(shown) <= 62:  # 60 and the quotes
        return shown
    head, width = [], 0
    for ch in value:
        width += len(ascii(ch)) - 2
        if width > 50:
            break
        head.append(ch)
    return ascii("".join(head)) + f"... ({len(value):,} characters)"
