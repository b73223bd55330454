"""The stated x/÷ uncertainty band of a prediction whose phonons come from a calculator, where it has been measured.

The band is measured by ``kapitza validate --calculator NAME`` against the shipped measured conductances (the
held-out scatter, by paper, as for the empirical estimate) and stored in ONE data file, :data:`BAND_FILE`
(``kapitza/prediction/data/calculator_bands.toml``), one table per calculator::

    [bands.chgnet]
    factor = 1.9           # x/÷ factor of the 68 % band (dimensionless, > 1)
    rows = 412             # measured rows scored
    median_ratio = 1.12    # median predicted / measured (optional)
    source = "kapitza validate --calculator chgnet, kapitza 0.x, 2025-..: held-out scatter by paper"

Until the file holds a calculator, :func:`calculator_band` returns None and the command line prints "band: not
yet measured": no number is invented here.  The file is written by ``scripts/calibration/mlip.py`` through
:func:`write_band`; the factor is :meth:`kapitza.prediction.validation.calculators.CalculatorValidation.band`'s:
[G / factor, G * factor] held 68 % of the measurements about the prediction, every paper weighted equally.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import InputError

#: The model a band describes: ``kapitza validate --calculator`` scores the full-dispersion DMM of the two crystals.
MODEL = "dmm"

#: Bounds of the validation's long-wave groups (``CalculatorValidation.long_wave_groups``) on the softest shear
#: stiffness rho v^2 a potential gives either crystal of a pair (calculated / measured - 1, the elastic-accuracy
#: page's): at or below -40 %, -40 to -25 %, above -25 % (set before the groups were looked at).
SHEAR_BOUNDS = (-0.40, -0.25)
#: The groups' names, in :func:`shear_group`'s order, then the pairs with a crystal the page did not measure.
LONG_WAVE_GROUPS = (
    f"at or below {100 * SHEAR_BOUNDS[0]:.0f} %",
    f"{100 * SHEAR_BOUNDS[0]:.0f} % to {100 * SHEAR_BOUNDS[1]:.0f} %",
    f"above {100 * SHEAR_BOUNDS[1]:.0f} %",
    "not measured",
)


def shear_group(softest: float) -> int:
    """The index in :data:`LONG_WAVE_GROUPS` of a pair whose softest shear stiffness is off by ``softest``
    (calculated / measured - 1): the one rule of the validation's groups and of a prediction's line."""
    lo, hi = SHEAR_BOUNDS
    return 0 if softest <= lo else 1 if softest <= hi else 2


#: The one file of measured bands (absent until the validation has stored it).
BAND_FILE = Path(str(resources.files("kapitza.prediction"))) / "data" / "calculator_bands.toml"


@dataclass(frozen=True)
class CalculatorBand:
    """The measured x/÷ band of predictions with one calculator.

    Attributes
    ----------
    calculator : str
        Its name ("chgnet").
    factor : float
        The 68 % band is [G / factor, G * factor] (dimensionless, > 1).
    rows : int
        Measured rows it was measured on.
    median_ratio : float or None
        Median predicted / measured, where stored.
    source : str
        How and when it was measured.
    long_waves : tuple
        (group, rows, papers, median p/m with every paper weighted equally, median p/m by row) of the validation's
        rows by the pair's softest shear
        (:meth:`~kapitza.prediction.validation.calculators.CalculatorValidation.long_wave_groups`), groups with
        rows only; empty where not stored.
    """

    calculator: str
    factor: float
    rows: int
    median_ratio: float | None
    source: str
    long_waves: tuple[tuple[str, int, int, float, float], ...] = ()

    def long_wave_line(self, group: str, crystal: str, stiffness: str, error: float) -> str | None:
        """What the validation measured on the pairs of ``group`` (one of
        :data:`LONG_WAVE_GROUPS`), for a pair whose softest shear is
        ``crystal``'s ``stiffness``, off by ``error``; None where the band stores no rows of that group."""
        found = [g for g in self.long_waves if g[0] == group]
        if not found:
            return None
        label, rows, papers, ratio, by_row = found[0]
        others = "; ".join(f"{g[0]}: {g[3]:.3g} ({g[2]} papers)" for g in self.long_waves if g[0] != group)
        return (
            f"long waves of the pair: its softest shear with {self.calculator} is {crystal}'s {stiffness}, "
            f"{100 * error:+.4g} % (docs/reference/elastic-accuracy); the validation's {rows} rows of {papers} papers "
            f"whose pairs' softest shear is {label} were predicted at a median {ratio:.3g} of their measurements, "
            f"every paper weighted equally ({by_row:.3g} by row; others: {others}; kapitza validate --calculator "
            f"{self.calculator})"
        )

    def pair_line(self, errors: Sequence[Any]) -> str | None:
        """:meth:`long_wave_line` of a pair from its two crystals' measured stiffness errors
        (:class:`~kapitza.phonons.elastic.StiffnessErrors`, or None for a crystal the elastic-accuracy page did not
        measure): the softer crystal's softest shear decides the group (:func:`shear_group`); None where either
        crystal was not measured or no groups are stored."""
        if not self.long_waves or any(e is None for e in errors):
            return None
        error, name, crystal = min((*e.softest_stiffness("shear")[::-1], e.crystal) for e in errors)
        return self.long_wave_line(LONG_WAVE_GROUPS[shear_group(error)], crystal, name, error)

    def line(self) -> str:
        """``band: x/÷ 1.9 (68 %, from 412 measured rows: <source>)``."""
        return f"band: x/\u00f7 {self.factor:.3g} (68 %, from {self.rows} measured rows: {self.source})"


#: What is printed while no band is stored.
NOT_MEASURED = "band: not yet measured"


def calculator_band(calculator: str, path: Path | None = None) -> CalculatorBand | None:
    """The stored band of ``calculator`` (a built-in name or "module:factory"), or None where none is stored.

    Raises InputError if the file exists but its entry is malformed (a shipped file is checked by the tests).
    """
    from ..io import toml_file

    target = BAND_FILE if path is None else Path(path)
    if not target.is_file():
        return None
    document = toml_file.read_document(target, "calculator band file", toml_file.MAX_CONFIG_BYTES)
    entry: Any = dict(document.get("bands", {})).get(calculator)
    if entry is None:
        return None
    try:
        factor, rows = float(entry["factor"]), int(entry["rows"])
        median = entry.get("median_ratio")
        source = str(entry["source"])
    except (KeyError, TypeError, ValueError):
        raise InputError(f"{target}: [bands.{calculator}] needs factor, rows and source") from None
    if not factor > 1.0 or rows < 1:
        raise InputError(f"{target}: [bands.{calculator}] factor must be > 1 and rows >= 1")
    try:
        keys = ("groups", "rows", "papers", "median_ratio", "row_median_ratio")
        columns = [entry.get(f"long_wave_{k}", []) for k in keys]
        if len({len(c) for c in columns}) != 1:
            raise ValueError("columns of different lengths")
        waves = tuple((str(g), int(n), int(p), float(r), float(b)) for g, n, p, r, b in zip(*columns))
    except (TypeError, ValueError):
        raise InputError(f"{target}: [bands.{calculator}] long_wave_* must be lists of one length") from None
    return CalculatorBand(calculator, factor, rows, None if median is None else float(median), source, waves)


def _toml_value(value: Any, in_list: bool = False) -> str:
    """A TOML value of a string, int or finite float, or a list of them (JSON's string escapes are TOML's
    basic-string escapes)."""
    import json
    import math

    if isinstance(value, list) and not in_list:
        return "[" + ", ".join(_toml_value(v, True) for v in value) + "]"
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InputError(f"a band entry holds strings and numbers (or lists of them), got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(f"a band entry's numbers must be finite, got {value!r}")
    return json.dumps(value) if isinstance(value, str) else repr(value)


def write_band(
    calculator: str,
    factor: float,
    rows: int,
    source: str,
    *,
    median_ratio: float | None = None,
    extra: dict[str, Any] | None = None,
    path: Path | None = None,
) -> Path:
    """Store the measured band of ``calculator`` in the band file (default :data:`BAND_FILE`), atomically.

    The other calculators' entries are kept as they are.  ``extra`` adds keys the reader does not need
    (``papers``, ``low``, ``high``: strings and numbers).  The entry is read back and checked before the call
    returns (the reader's rules: factor > 1, rows >= 1).

    Returns the path written.
    """
    from ..io import toml_file
    from ..io.atomic import atomic_write_text

    target = BAND_FILE if path is None else Path(path)
    bands: dict[str, dict[str, Any]] = {}
    if target.is_file():
        document = toml_file.read_document(target, "calculator band file", toml_file.MAX_CONFIG_BYTES)
        bands = {str(k): dict(v) for k, v in dict(document.get("bands", {})).items()}
    entry: dict[str, Any] = {"factor": float(factor), "rows": int(rows)}
    if median_ratio is not None:
        entry["median_ratio"] = float(median_ratio)
    entry["source"] = str(source)
    entry |= dict(extra or {})
    if not entry["factor"] > 1.0 or entry["rows"] < 1:
        raise InputError(f"a band needs factor > 1 and rows >= 1, got {entry['factor']!r} and {entry['rows']!r}")
    bands[calculator] = entry
    lines = [
        "# Measured x/\u00f7 bands of predictions with a calculator's phonons (kapitza.prediction.mlip_band).",
        "# Written by scripts/calibration/mlip.py (kapitza validate --calculator NAME against the shipped",
        "# measurements, every paper weighted equally); do not edit by hand.",
    ]
    for name in sorted(bands):
        lines += ["", f"[bands.{_toml_value(name)}]"]
        lines += [f"{key} = {_toml_value(value)}" for key, value in bands[name].items()]
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, "\n".join(lines) + "\n")
    if calculator_band(calculator, target) is None:  # pragma: no cover - the entry was just written
        raise InputError(f"{target}: the band of {calculator!r} did not read back")
    return target


def band_line(calculator: str, path: Path | None = None) -> str:
    """The line printed under a prediction with ``calculator``: the stored band, or "band: not yet measured"."""
    band = calculator_band(calculator, path)
    return NOT_MEASURED if band is None else band.line()


__all__ = [
    "BAND_FILE",
    "LONG_WAVE_GROUPS",
    "MODEL",
    "NOT_MEASURED",
    "SHEAR_BOUNDS",
    "CalculatorBand",
    "band_line",
    "calculator_band",
    "shear_group",
    "write_band",
]
