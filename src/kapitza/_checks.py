"""The one set of argument validators of kapitza: ``check(value, name, unit)`` for every layer.

Every check has the signature ``(value, name, unit)`` (unit where the check is not tied to one) and raises
:class:`~kapitza.errors.InputError` with the argument's name and the value as a plain number, before any work
is done.  The ``*_array`` checks do the same for every entry of an array and name the first bad one.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .errors import InputError, quoted

#: Most points in a sweep (period, radius, grain size): a figure needs a few hundred.
MAX_SWEEP = 10_000
#: Shortest device length (m): a tenth of the shortest bond (H2, 0.074 nm).  A layer, source, particle or grain
#: thinner than that is not a continuum body, so the heat-conduction models below do not apply.
MIN_LENGTH = 1e-11
#: Longest device length (m): larger than any chip, leg, heat sink or wall these models describe (a wafer is
#: 0.3 m); above it 1e308-style typos overflow the formulas into nan, inf or a division by zero.
MAX_LENGTH = 10.0


def _in(unit: str) -> str:
    """The unit in parentheses after a space, for a message; nothing for a dimensionless value (unit "")."""
    return f" ({unit})" if unit else ""


def _of(unit: str) -> str:
    """The unit after a space, to follow a bound in a message; nothing for a dimensionless value (unit "")."""
    return f" {unit}" if unit else ""


def _float(value: Any, name: str, unit: str) -> float:
    """``value`` as a float (inf and nan included), or InputError naming ``name``."""
    if isinstance(value, bool):
        raise InputError(f"{name} must be a number{_in(unit)}, got {value!r}")
    if isinstance(value, np.ndarray | list | tuple) and np.ndim(value) != 0:
        raise InputError(f"{name} must be a number{_in(unit)}, not an array of shape {np.shape(value)}")
    try:
        return float(value)
    except OverflowError:  # an integer beyond a float (10**400): as far beyond every bound as inf
        return math.inf if value > 0 else -math.inf
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number{_in(unit)}, got {value!r}") from None


def number(value: Any, name: str, unit: str) -> float:
    """``value`` as a finite float, or InputError naming ``name`` (unit shown in the message)."""
    x = _float(value, name, unit)
    if not math.isfinite(x):
        raise InputError(f"{name} must be finite{_in(unit)}, got {x:g}")
    return x


def positive(value: Any, name: str, unit: str, *, inf: bool = False) -> float:
    """A finite number > 0 (``inf=True``: +inf allowed too, e.g. a semi-infinite layer or a perfect contact)."""
    x = _float(value, name, unit) if inf else number(value, name, unit)
    if not x > 0:  # also nan
        raise InputError(f"{name} must be > 0{_of(unit)}{' (or inf)' if inf else ''}, got {x:g}")
    return x


#: Largest memory bound, GB (a petabyte): more than any one machine holds; the bounds are what a run or a process
#: may use, and above this a typo such as 1e308 overflows the byte counts.
MAX_MEMORY_GB = 1e6


def memory_bound_gb(value: Any, name: str) -> float:
    """A memory bound in GB (``--max-memory-gb`` of every command): finite, > 0 and below :data:`MAX_MEMORY_GB`."""
    x = positive(value, name, "GB")
    if not x < MAX_MEMORY_GB:
        raise InputError(
            f"{name} must be < {MAX_MEMORY_GB:g} GB (a petabyte, more than any machine's memory), got {x:g}"
        )
    return x


#: Longest time bound, s (a year): longer than any run kapitza states; above it a typo such as 1e308 is not a bound.
MAX_DURATION_S = 365.25 * 86400


def duration_seconds(value: Any, name: str) -> float:
    """A time bound in seconds (``--max-time``, ``max_time=``): a number of seconds, or a text of one number followed
    by its unit without anything else, ``300``, ``300s``, ``5min``, ``1.5h`` (s, min or h in any case, by the one
    rule of typed units, :func:`kapitza.units.unit_of`; seconds without one);
    finite, > 0 and at most :data:`MAX_DURATION_S`."""
    if isinstance(value, str):
        from .units import split_duration

        x = split_duration(value, name)
    else:
        x = _float(value, name, "s")
    if not math.isfinite(x) or not x > 0:
        raise InputError(f"{name} must be a finite duration > 0 s, got {x:g} s")
    if x > MAX_DURATION_S:
        raise InputError(f"{name} must be at most a year ({MAX_DURATION_S:g} s), got {x:g} s")
    return x


def non_negative(value: Any, name: str, unit: str) -> float:
    """A finite number >= 0."""
    x = number(value, name, unit)
    if x < 0:
        raise InputError(f"{name} must be >= 0{_of(unit)}, got {x:g}")
    return x


#: Largest heat flux of a source, W m^-2: above any continuous source (a laser-ablation spot, ~1e13 W m^-2;
#: the Sun's surface emits 6e7).
MAX_HEAT_FLUX = 1e15
#: Given interface resistances (m^2 K W^-1): 0 (a perfect contact) or from 1e-14, a conductance of 1e14
#: W m^-2 K^-1, far above the phonon radiation limit of any pair of solids (~1e10), to 1e6, above the Kapitza
#: resistance of a solid in helium at 1 mK (R T^3 ~ 1e-3 m^2 K^4 W^-1, Pollack, Rev. Mod. Phys. 41, 48 (1969)).
RESISTANCE_RANGE = (1e-14, 1e6)
#: Given thermal conductivities (W m^-1 K^-1): from 1e-4 (below any gas at room temperature, air 0.026) to
#: 1e6 (above the low-temperature peak of the purest crystals, ~3e4 for sapphire and copper).
CONDUCTIVITY_RANGE = (1e-4, 1e6)


def resistance(value: Any, name: str) -> float:
    """A given interface resistance in m^2 K W^-1: 0 or within :data:`RESISTANCE_RANGE`."""
    r = non_negative(value, name, "m^2 K W^-1")
    lo, hi = RESISTANCE_RANGE
    if r != 0 and not lo <= r <= hi:
        raise InputError(
            f"{name} must be 0 or {lo:g} to {hi:g} m^2 K W^-1 (G above 1e14 W m^-2 K^-1 or R above that of any "
            f"interface at 1 mK are not physical), got {r:g}"
        )
    return r


def conductivity(value: Any, name: str) -> float:
    """A given thermal conductivity in W m^-1 K^-1 within :data:`CONDUCTIVITY_RANGE`."""
    k = positive(value, name, "W m^-1 K^-1")
    lo, hi = CONDUCTIVITY_RANGE
    if not lo <= k <= hi:
        raise InputError(
            f"{name} must be {lo:g} to {hi:g} W m^-1 K^-1 (from below any gas to above the purest crystal), got {k:g}"
        )
    return k


#: Highest temperature (K) accepted for a prediction or a device.  Every model here describes a solid (phonons,
#: kappa(T) tables, interface resistances), and no solid exists above ~4,300 K (the highest measured melting
#: points, HfC and TaC at ~4,200 K: Cedillos-Barraza et al., Sci. Rep. 6, 37962 (2016)); 1e5 K is more than
#: twenty times that, high enough never to refuse a real case and low enough to catch 1e12 typed for 1e2.
MAX_TEMPERATURE = 1.0e5
#: Lowest temperature (K) above 0 accepted for a prediction or a device: 1 uK, a thousand times below the
#: millikelvin of dilution refrigerators, where the coldest Kapitza resistances are measured, so no real case is
#: refused; and far from floating-point underflow: the T^3 of the low-temperature laws is 1e-18 there, while below
#: ~1e-103 K it underflows to 0 (``predict -t 5e-324`` printed G = 0 and a RuntimeWarning of R T^3 = inf * 0).
#: T = 0 itself stays accepted (G = 0 exactly).
MIN_TEMPERATURE = 1.0e-6


def check_temperature_bound(temperature: Any, option: str = "temperature") -> None:
    """Raise InputError if any of ``temperature`` (K, scalar or array) exceeds :data:`MAX_TEMPERATURE` or lies
    between 0 and :data:`MIN_TEMPERATURE`.

    The other checks (a number, finite, >= 0) are the caller's (:func:`kapitza.landauer.as_temperatures`).
    """
    t = np.asarray(temperature, dtype=float)
    if t.size and np.nanmax(t) > MAX_TEMPERATURE:
        raise InputError(
            f"{option} {float(np.nanmax(t)):g} K is above {MAX_TEMPERATURE:g} K, the most kapitza accepts: every "
            "model here is for solids, and none exists above ~4,300 K (the highest melting points)"
        )
    tiny = t[(t > 0) & (t < MIN_TEMPERATURE)]
    if tiny.size:
        raise InputError(
            f"{option} {float(tiny.min()):g} K is below {MIN_TEMPERATURE:g} K, the least kapitza accepts above 0 K "
            "(a thousand times below the millikelvin of a dilution refrigerator)"
        )


def temperature(value: Any, name: str = "temperature") -> float:
    """An operating temperature, finite, > 0 K and at most :data:`MAX_TEMPERATURE`."""
    t = positive(value, name, "K")
    check_temperature_bound(t, name)
    return t


def length(value: Any, name: str, *, zero: bool = False) -> float:
    """A device length in m, from :data:`MIN_LENGTH` to :data:`MAX_LENGTH` (``zero=True``: 0 allowed too)."""
    x = number(value, name, "m")
    if zero and x == 0:
        return 0.0
    if x <= 0:
        raise InputError(f"{name} must be {'>= 0' if zero else '> 0'} m, got {x:g} m")
    if not MIN_LENGTH <= x <= MAX_LENGTH:
        raise InputError(
            f"{name} must be {MIN_LENGTH:g} to {MAX_LENGTH:g} m (a tenth of a bond to larger than any device), "
            f"got {x:g} m"
        )
    return x


def length_sweep(values: Any, name: str) -> NDArray[np.float64]:
    """:func:`sweep` of lengths in m, each from :data:`MIN_LENGTH` to :data:`MAX_LENGTH`."""
    x = sweep(values, name, "m")
    bad = x[(x < MIN_LENGTH) | (x > MAX_LENGTH)]
    if bad.size:
        raise InputError(f"{name} values must be {MIN_LENGTH:g} to {MAX_LENGTH:g} m, got {float(bad[0]):g} m")
    return x


def sweep(values: Any, name: str, unit: str) -> NDArray[np.float64]:
    """A 1D array of finite values > 0 (at most :data:`MAX_SWEEP`), sorted increasing."""
    try:
        x = np.asarray(values, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be numbers{_in(unit)}") from None
    if x.size == 0:
        raise InputError(f"{name} is empty")
    if x.size > MAX_SWEEP:
        raise InputError(f"{name} has {x.size} points; at most {MAX_SWEEP} are computed")
    if not np.all(np.isfinite(x)) or np.any(x <= 0):
        bad = x[~(np.isfinite(x) & (x > 0))][0]
        raise InputError(f"{name} values must be finite and > 0{_of(unit)}, got {float(bad):g}")
    return np.sort(x)


def _float_array(values: Any, name: str, unit: str, ndim: int | None) -> NDArray[np.float64]:
    try:
        x = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number or an array of numbers{_in(unit)}, got {values!r}") from None
    if ndim is not None and (x.ndim != ndim or x.size == 0):
        raise InputError(f"{name} must be a non-empty {ndim}-D list of numbers{_in(unit)}")
    return x


def _first(x: NDArray[np.float64], bad: NDArray[np.bool_]) -> str:
    """The first flagged value as a plain number, with its index when ``x`` is an array."""
    if x.ndim == 0:
        return f"{float(x):g}"
    index = tuple(int(i[0]) for i in np.nonzero(bad))
    return f"{float(x[index]):g} at index {index[0] if len(index) == 1 else index}"


def number_array(values: Any, name: str, unit: str, *, ndim: int | None = None) -> NDArray[np.float64]:
    """``values`` as a float array of any shape (0-d kept), every entry finite; ``ndim``: that many
    dimensions and at least one entry."""
    x = _float_array(values, name, unit, ndim)
    bad = ~np.isfinite(x)
    if np.any(bad):
        raise InputError(f"{name} must be finite{_in(unit)}, got {_first(x, bad)}")
    return x


def positive_array(
    values: Any, name: str, unit: str, *, zero: bool = False, inf: bool = False, ndim: int | None = None
) -> NDArray[np.float64]:
    """:func:`positive` for every entry of an array of any shape (0-d kept): finite and > 0 (``zero=True``:
    >= 0; ``inf=True``: +inf allowed); ``ndim``: that many dimensions and at least one entry."""
    x = _float_array(values, name, unit, ndim)
    bad = ~((x >= 0) if zero else (x > 0)) | (np.isnan(x) if inf else ~np.isfinite(x))
    if np.any(bad):
        bound = ">= 0" if zero else "> 0"
        allowed = f"{bound}{_of(unit)} (or inf)" if inf else f"finite and {bound}{_of(unit)}"
        raise InputError(f"{name} must be {allowed}, got {_first(x, bad)}")
    return x


def between(value: Any, name: str, unit: str, low: float, high: float) -> float:
    """A finite number from ``low`` to ``high`` (both included): a tolerance, a step, a fraction."""
    x = number(value, name, unit)
    if not low <= x <= high:
        raise InputError(f"{name} must be between {low:g} and {high:g}{_of(unit)}, got {x:g}")
    return x


def count(value: Any, name: str, minimum: int = 1) -> int:
    """A whole number (a Python or numpy integer, not a bool) >= ``minimum``: a number of cells, planes, seeds..."""
    whole = isinstance(value, int | np.integer) and not isinstance(value, bool)
    if not whole or value < minimum:
        raise InputError(f"{name} must be an integer >= {minimum}, got {int(value) if whole else repr(value)}")
    return int(value)


def around(center: float, decades: float = 3.0, count: int = 121) -> NDArray[np.float64]:
    """``count`` log-spaced values from center/10^decades to center*10^decades."""
    return np.geomspace(center * 10.0**-decades, center * 10.0**decades, count)


# -- text: names and notes that a result holds and the CLI prints ---------------------------------------------------

#: Longest name a result holds (a material, a pair, a paper id, a calculator, a route).
MAX_NAME_CHARS = 200
#: Longest free text a result holds (a note, a detail, a provenance).
MAX_TEXT_CHARS = 20_000
#: Rich markup: a tag in square brackets that rich would read as a style, a link or a closing tag ("[bold]",
#: "[link=file:///etc/passwd]", "[/]"); rich's own rule is "[" then a lower-case letter, "#", "/" or "@".  Upper
#: case is refused too, so the rule does not hang on rich's version.
_MARKUP = re.compile(r"\[[A-Za-z#/@][^\[\]]*\]")
#: Characters a text may hold beyond the printable ones (``str.isprintable``): none in a name; in a multi-line text
#: the line feed and the tab.  Everything else that is not printable (the escape of a terminal sequence, a bell,
#: a carriage return that overwrites a line, Unicode's bidirectional overrides and other format characters) is
#: refused.
_LINES = "\n\t"


def text(value: Any, name: str, *, most: int = MAX_TEXT_CHARS, lines: bool = False) -> str:
    """A text a result holds and the CLI prints as written: a str of at most ``most`` characters, every one printable
    (``lines=True``: line feeds and tabs too), so it can never move the cursor, retitle the terminal, ring, hide or
    reorder what follows."""
    if not isinstance(value, str):
        raise InputError(f"{name} must be a text, got {type(value).__name__}")
    if len(value) > most:
        raise InputError(f"{name} is {len(value):,} characters long; at most {most:,}")
    allowed = _LINES if lines else ""
    bad = next((c for c in value if not c.isprintable() and c not in allowed), None)
    if bad is not None:
        raise InputError(
            f"{name} {quoted(value)} holds the control character {ascii(bad)}: a text is printed as written, "
            "never as terminal control"
        )
    return value


def label(value: Any, name: str, *, most: int = MAX_NAME_CHARS, empty: bool = False) -> str:
    """A name a result holds (a material, a pair, a paper, a route, a reason): a :func:`text` of one line, at most
    ``most`` characters, without rich markup (a name is printed in tables and titles); not blank unless ``empty``."""
    text(value, name, most=most)
    if not empty and not value.strip():
        raise InputError(f"{name} must be a name, got {quoted(value)}")
    found = _MARKUP.search(value)
    if found:
        raise InputError(f"{name} {quoted(value)} holds the markup {found.group()!r}: a name is plain text")
    return value


def side_name(value: Any, name: str) -> str:
    """The name of one side of an interface (a material, a crystal): a :func:`label` that is no path (no "/" or
    "\\", not "." or "..")."""
    label(value, name)
    if "/" in value or "\\" in value or value.strip() in (".", ".."):
        raise InputError(f"{name} {quoted(value)} is a path, not the name of a material or crystal")
    return value


def labels(values: Any, name: str, size: int | None = None, *, check: Any = None, **options: Any) -> tuple[str, ...]:
    """A tuple (or list) of names, each checked by ``check`` (default :func:`label`, with ``options``); ``size``:
    exactly that many."""
    if isinstance(values, str) or not isinstance(values, (tuple, list)):
        raise InputError(f"{name} must be a list of texts, got {type(values).__name__}")
    if size is not None and len(values) != size:
        raise InputError(f"{name} has {len(values)} entries; expected {size}")
    one = label if check is None else check
    return tuple(one(v, f"{name}[{i}]", **options) for i, v in enumerate(values))


def fraction(value: Any, name: str, *, nan: bool = False) -> float:
    """A share from 0 to 1 (a coverage, a fraction within a factor); ``nan=True``: NaN too (not measured)."""
    x = _float(value, name, "")
    if nan and math.isnan(x):
        return x
    if not 0 <= x <= 1:
        raise InputError(f"{name} must be a share from 0 to 1{' (or nan)' if nan else ''}, got {x:g}")
    return x


def factor(value: Any, name: str, *, nan: bool = False) -> float:
    """A median factor 10 ** median |log10(a / b)|: finite and >= 1; ``nan=True``: NaN too (nothing scored)."""
    x = _float(value, name, "")
    if nan and math.isnan(x):
        return x
    if not (math.isfinite(x) and x >= 1):
        raise InputError(f"{name} must be a factor >= 1{' (or nan)' if nan else ''}, got {x:g}")
    return x


def sized(values: Any, name: str, shape: tuple[int | None, ...], *, kind: str = "f") -> NDArray[Any]:
    """``values`` as an array of exactly ``shape`` (None: any length along that axis; "f": floats, "i": whole
    numbers, "b": booleans), e.g. one entry per temperature; the entries themselves are the caller's to check."""
    try:
        x = np.asarray(values)
        if kind == "f":
            x = x.astype(float)
        elif kind == "i" and x.size and x.dtype.kind not in "iu":
            raise InputError(f"{name} must hold whole numbers")
        elif kind == "b" and x.size and x.dtype.kind != "b":
            raise InputError(f"{name} must hold true or false")
    except (TypeError, ValueError):
        raise InputError(f"{name} must be an array of numbers") from None
    if len(x.shape) != len(shape) or any(e is not None and e != n for n, e in zip(x.shape, shape)):
        wanted = "(" + ", ".join("any" if e is None else str(e) for e in shape) + ("," if len(shape) == 1 else "") + ")"
        raise InputError(f"{name} has shape {x.shape}; expected {wanted}")
    return x


def known_settings(given: Any, known: Any, refusal: str) -> None:
    """InputError where a keyword of ``given`` is none of ``known``: ``unknown setting 'NAME'{refusal} are
    KNOWN...`` (``refusal`` says whose, e.g. `` of analyze_md; its settings``).  The one check of every workflow that
    takes its settings record's fields by keyword."""
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise InputError(f"unknown setting {unknown[0]!r}{refusal} are {', '.join(sorted(known))}")


def settings_record(cls: Any, record: Any, given: Any, argument: str, refusal: str) -> Any:
    """A workflow's settings record: ``record`` (an instance of the dataclass ``cls``; None: its defaults) with
    ``given`` (its fields by keyword) put in.  InputError where ``record`` (the argument named ``argument``) is not a
    ``cls``, or a keyword is no field (:func:`known_settings`, ``refusal``)."""
    from dataclasses import fields, replace

    if record is not None and not isinstance(record, cls):
        article = "an" if cls.__name__[0] in "AEIOU" else "a"
        raise InputError(f"{argument} must be {article} {cls.__name__}, got {type(record).__name__}")
    known_settings(given, [f.name for f in fields(cls)], refusal)
    return replace(record or cls(), **given)
