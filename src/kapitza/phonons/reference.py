"""Measured phonon frequencies at high-symmetry points, with their sources (``data/reference_frequencies.toml``).

>>> from kapitza.phonons.reference import reference_frequencies
>>> ref = reference_frequencies()
>>> au = ref.for_crystal("Au")
>>> au.point[:2], au.mode[:2], au.frequency_thz[:2].tolist()
(('X', 'X'), ('TA', 'LA'), [2.75, 4.61])

Each entry is one measured branch frequency at one point of one crystal (inelastic neutron scattering,
Raman or infrared), with the temperature of the measurement, the method, what was read and the original
it cites.  The file header states the conventions: ``q`` in the reciprocal basis of the primitive cell that
``ase.build.bulk`` builds for the structure, and the number as the source prints it (``given`` in ``unit``)
beside its value in THz.  The loader converts every ``given`` number itself and refuses the file if the
stored THz value disagrees, so a conversion cannot be wrong silently.  Calculated phonons are compared with
these numbers; the numbers are never fitted to.

Polar longitudinal-optical modes.  In a polar crystal (GaN, AlN, GaAs, InP, SiC, MgO, ...) the LO frequencies at
Gamma are raised above the TO ones by the macroscopic electric field of the long-wavelength longitudinal vibration:
the non-analytic term of the dynamical matrix, which needs the Born effective charges and the high-frequency
dielectric tensor.  A force field or machine-learned potential evaluated through finite displacements in a periodic
supercell has no such term, so its Gamma LO frequency is the TO one, and a comparison with the measured LO says
nothing about the potential.  Such modes carry ``polar_lo = True`` (the file's ``polar_lo = true``), allowed only at
Gamma on a mode whose label names LO; an accuracy table leaves them out, or scores them only against a calculation
that includes the non-analytic correction.  The degeneracy of polar modes at Gamma is that of the measured (split)
spectrum: a zincblende TO is 2, its LO 1; a wurtzite E1(TO) is 2, E1(LO), A1(TO) and A1(LO) are 1.
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Mapping
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from ..io import result
from ..units import EV, PLANCK, SPEED_OF_LIGHT

__all__ = ["ReferenceFrequencies", "convert_to_thz", "reference_frequencies"]

_FILE = ("data", "reference_frequencies.toml")
_WHERE = "kapitza/phonons/data/reference_frequencies.toml"

#: Units the file may give a number in, and the factor that takes it to THz (ordinary frequency).
#: cm^-1 -> THz: f = c * nu~ (c in cm/s); meV -> THz: f = E / h.
UNIT_TO_THZ: Mapping[str, float] = {
    "THz": 1.0,
    "cm-1": SPEED_OF_LIGHT * 100.0 / 1e12,
    "meV": 1e-3 * EV / PLANCK / 1e12,
}
#: Wavelength units (a vacuum wavelength, as infrared papers of the 1960s print their resonances) and their length in
#: metres: f = c / lambda.
WAVELENGTH_UNIT_M: Mapping[str, float] = {
    "um": 1e-6,
}
#: A stored THz value may differ from the converted ``given`` number by this much (the file rounds to 1e-4 THz).
CONVERSION_TOLERANCE_THZ = 2e-4
#: Bounds on a stored frequency, THz: every phonon of a solid lies well inside them.
MAX_FREQUENCY_THZ = 60.0

_CRYSTAL_KEYS = {"structure", "structure_name", "method", "source", "modes"}
_CRYSTAL_OPTIONAL = {"temperature_k"}
_MODE_KEYS = {"point", "q", "mode", "given", "unit", "frequency_thz"}
_MODE_OPTIONAL = {"degeneracy", "uncertainty_thz", "polar_lo"}
_SOURCE_KEYS = {"read"}
_SOURCE_OPTIONAL = {"cites"}


def convert_to_thz(value: float, unit: str) -> float:
    """``value`` given in ``unit`` ("THz", "cm-1", "meV", or the vacuum wavelength in "um") as a frequency in THz."""
    if unit in UNIT_TO_THZ:
        return float(value) * UNIT_TO_THZ[unit]
    if unit in WAVELENGTH_UNIT_M:
        if not value > 0:
            raise InputError(f"a wavelength must be positive, got {value!r} {unit}")
        return SPEED_OF_LIGHT / (float(value) * WAVELENGTH_UNIT_M[unit]) / 1e12
    known = ", ".join([*UNIT_TO_THZ, *WAVELENGTH_UNIT_M])
    raise InputError(f"unknown frequency unit {unit!r}; expected one of {known}")


@result
class ReferenceFrequencies:
    """Measured phonon frequencies, one entry per (crystal, point, branch).

    Attributes
    ----------
    crystal : tuple of str, length n
        The crystal's name in the file (e.g. "Au", "C" for diamond).
    structure : tuple of str, length n
        Its prototype as ``ase.build.bulk`` names it ("fcc", "bcc", "hcp", "diamond", "rocksalt", "zincblende",
        "wurtzite", "fluorite").
    structure_name : tuple of str, length n
        The entry of ``kapitza/literature/data/crystals.toml`` holding its crystal structure.
    point : tuple of str, length n
        High-symmetry point label ("Gamma", "X", "L", "H", "N", "P", "A").
    q : ndarray, shape (n, 3)
        The point in reduced coordinates of the reciprocal basis of ``ase.build.bulk``'s primitive cell.
    mode : tuple of str, length n
        Branch label as the source gives it ("TA", "LA", "TO", "E2g", ...).
    degeneracy : ndarray of int, shape (n,)
        Number of branches at this frequency.
    frequency_thz : ndarray, shape (n,)
        Measured frequency (ordinary, not angular), THz.
    uncertainty_thz : ndarray, shape (n,)
        The source's error bar, THz; NaN where the source gives none.
    polar_lo : ndarray of bool, shape (n,)
        True for a longitudinal-optical mode of a polar crystal at Gamma, whose measured frequency includes the
        macroscopic-field (non-analytic) shift that a calculation without Born charges lacks (module docstring).
    given : tuple of str, length n
        The number exactly as the source prints it, with its unit (e.g. "521 cm-1").
    temperature_k : ndarray, shape (n,)
        Temperature of the measurement, K; NaN where the text read does not state it.
    method : tuple of str, length n
        Measurement method ("inelastic neutron scattering", "Raman scattering", ...).
    source : tuple of str, length n
        What was read, and the original it cites.
    """

    crystal: tuple[str, ...]
    structure: tuple[str, ...]
    structure_name: tuple[str, ...]
    point: tuple[str, ...]
    q: NDArray[np.float64]
    mode: tuple[str, ...]
    degeneracy: NDArray[np.int64]
    frequency_thz: NDArray[np.float64]
    uncertainty_thz: NDArray[np.float64]
    polar_lo: NDArray[np.bool_]
    given: tuple[str, ...]
    temperature_k: NDArray[np.float64]
    method: tuple[str, ...]
    source: tuple[str, ...]

    _summary_fields = ("crystal", "frequency_thz")

    def __len__(self) -> int:
        return len(self.crystal)

    @property
    def crystals(self) -> tuple[str, ...]:
        """The crystals with measured values, in file order."""
        return tuple(dict.fromkeys(self.crystal))

    def for_crystal(self, name: str) -> ReferenceFrequencies:
        """The entries of one crystal; InputError naming the crystals that have entries if it has none."""
        keep = [i for i, c in enumerate(self.crystal) if c == name]
        if not keep:
            raise InputError(f"no measured phonon frequencies for {name!r}; stored for {', '.join(self.crystals)}")
        return _select(self, keep)


def _select(ref: ReferenceFrequencies, keep: list[int]) -> ReferenceFrequencies:
    index = np.asarray(keep, dtype=int)
    return ReferenceFrequencies(
        crystal=tuple(ref.crystal[i] for i in keep),
        structure=tuple(ref.structure[i] for i in keep),
        structure_name=tuple(ref.structure_name[i] for i in keep),
        point=tuple(ref.point[i] for i in keep),
        q=ref.q[index],
        mode=tuple(ref.mode[i] for i in keep),
        degeneracy=ref.degeneracy[index],
        frequency_thz=ref.frequency_thz[index],
        uncertainty_thz=ref.uncertainty_thz[index],
        polar_lo=ref.polar_lo[index],
        given=tuple(ref.given[i] for i in keep),
        temperature_k=ref.temperature_k[index],
        method=tuple(ref.method[i] for i in keep),
        source=tuple(ref.source[i] for i in keep),
    )


def _number(value: Any, where: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(f"{where}: {key} must be a finite number, got {value!r}")
    return float(value)


def _text(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}: {key} must be a non-empty string, got {value!r}")
    return value


def _keys(table: Any, where: str, required: set[str], optional: set[str]) -> Mapping[str, Any]:
    if not isinstance(table, Mapping):
        raise InputError(f"{where}: expected a table, got {type(table).__name__}")
    missing = sorted(required - set(table))
    unknown = sorted(set(table) - required - optional)
    if missing or unknown:
        what = f"missing {', '.join(missing)}" if missing else f"unknown key {unknown[0]!r}"
        raise InputError(f"{where}: {what}; keys are {', '.join(sorted(required | optional))}")
    return table


def _sources(document: Mapping[str, Any]) -> dict[str, str]:
    """Source key -> one line: what was read (a key of another source stands for its text), and what it cites."""
    raw = document.get("sources")
    if not isinstance(raw, Mapping) or not raw:
        raise InputError(f"{_WHERE}: no [sources.<key>] tables")
    reads: dict[str, str] = {}
    for key, table in raw.items():
        where = f"{_WHERE} [sources.{key}]"
        table = _keys(table, where, _SOURCE_KEYS, _SOURCE_OPTIONAL)
        reads[key] = _text(table["read"], where, "read")
    texts: dict[str, str] = {}
    for key, table in raw.items():
        read = reads[key]
        if read in reads:
            if reads[read] in reads:
                raise InputError(f"{_WHERE} [sources.{key}]: read names {read!r}, which names another source")
            read = reads[read]
        cites = table.get("cites")
        texts[key] = read if cites is None else f"{_text(cites, f'{_WHERE} [sources.{key}]', 'cites')} (read: {read})"
    return texts


def _parse(text: str) -> ReferenceFrequencies:
    try:
        document = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise InputError(f"{_WHERE}: invalid TOML: {exc}") from None
    unknown = sorted(set(document) - {"sources", "crystals"})
    if unknown:
        raise InputError(f"{_WHERE}: unknown top-level key {unknown[0]!r}; expected [sources] and [crystals]")
    sources = _sources(document)
    crystals = document.get("crystals")
    if not isinstance(crystals, Mapping) or not crystals:
        raise InputError(f"{_WHERE}: no [crystals.<Name>] tables")
    rows: dict[str, list[Any]] = {name: [] for name in ReferenceFrequencies.__dataclass_fields__}
    for name, table in crystals.items():
        where = f"{_WHERE} [crystals.{name}]"
        table = _keys(table, where, _CRYSTAL_KEYS, _CRYSTAL_OPTIONAL)
        source_key = _text(table["source"], where, "source")
        if source_key not in sources:
            raise InputError(f"{where}: source {source_key!r} is not a [sources.<key>] table")
        temperature = _number(table["temperature_k"], where, "temperature_k") if "temperature_k" in table else math.nan
        if "temperature_k" in table and not 0 < temperature < 5000:
            raise InputError(f"{where}: temperature_k must lie in (0, 5000) K, got {temperature!r}")
        modes = table["modes"]
        if not isinstance(modes, list) or not modes:
            raise InputError(f"{where}: modes must be a non-empty array of tables")
        for k, entry in enumerate(modes):
            mwhere = f"{where} modes[{k}]"
            entry = _keys(entry, mwhere, _MODE_KEYS, _MODE_OPTIONAL)
            q = entry["q"]
            if not isinstance(q, list) or len(q) != 3:
                raise InputError(f"{mwhere}: q must be three reduced coordinates, got {q!r}")
            q = [_number(x, mwhere, "q") for x in q]
            unit = _text(entry["unit"], mwhere, "unit")
            given = _number(entry["given"], mwhere, "given")
            frequency = _number(entry["frequency_thz"], mwhere, "frequency_thz")
            if not 0 < frequency < MAX_FREQUENCY_THZ:
                raise InputError(
                    f"{mwhere}: frequency_thz must lie in (0, {MAX_FREQUENCY_THZ:g}) THz, got {frequency!r}"
                )
            converted = convert_to_thz(given, unit)
            if abs(converted - frequency) > CONVERSION_TOLERANCE_THZ:
                raise InputError(
                    f"{mwhere}: given {given:g} {unit} is {converted:.5g} THz, but frequency_thz is {frequency:g}"
                )
            uncertainty = (
                _number(entry["uncertainty_thz"], mwhere, "uncertainty_thz") if "uncertainty_thz" in entry else math.nan
            )
            if "uncertainty_thz" in entry and not 0 < uncertainty < frequency:
                raise InputError(f"{mwhere}: uncertainty_thz must lie in (0, frequency_thz), got {uncertainty!r}")
            polar_lo = entry.get("polar_lo", False)
            if not isinstance(polar_lo, bool):
                raise InputError(f"{mwhere}: polar_lo must be true or false, got {polar_lo!r}")
            if polar_lo and (entry["point"] != "Gamma" or "LO" not in str(entry["mode"])):
                what = f"{entry['mode']!r} at {entry['point']!r}"
                raise InputError(f"{mwhere}: polar_lo applies only to an LO mode at Gamma, not {what}")
            degeneracy = entry.get("degeneracy", 1)
            if isinstance(degeneracy, bool) or not isinstance(degeneracy, int) or not 1 <= degeneracy <= 6:
                raise InputError(f"{mwhere}: degeneracy must be an integer from 1 to 6, got {degeneracy!r}")
            rows["crystal"].append(name)
            rows["structure"].append(_text(table["structure"], where, "structure"))
            rows["structure_name"].append(_text(table["structure_name"], where, "structure_name"))
            rows["point"].append(_text(entry["point"], mwhere, "point"))
            rows["q"].append(q)
            rows["mode"].append(_text(entry["mode"], mwhere, "mode"))
            rows["degeneracy"].append(degeneracy)
            rows["frequency_thz"].append(frequency)
            rows["uncertainty_thz"].append(uncertainty)
            rows["polar_lo"].append(polar_lo)
            rows["given"].append(f"{given:g} {unit}")
            rows["temperature_k"].append(temperature)
            rows["method"].append(_text(table["method"], where, "method"))
            rows["source"].append(sources[source_key])
    return ReferenceFrequencies(
        crystal=tuple(rows["crystal"]),
        structure=tuple(rows["structure"]),
        structure_name=tuple(rows["structure_name"]),
        point=tuple(rows["point"]),
        q=np.asarray(rows["q"], dtype=float).reshape(-1, 3),
        mode=tuple(rows["mode"]),
        degeneracy=np.asarray(rows["degeneracy"], dtype=np.int64),
        frequency_thz=np.asarray(rows["frequency_thz"], dtype=float),
        uncertainty_thz=np.asarray(rows["uncertainty_thz"], dtype=float),
        polar_lo=np.asarray(rows["polar_lo"], dtype=bool),
        given=tuple(rows["given"]),
        temperature_k=np.asarray(rows["temperature_k"], dtype=float),
        method=tuple(rows["method"]),
        source=tuple(rows["source"]),
    )


@functools.lru_cache(maxsize=1)
def reference_frequencies() -> ReferenceFrequencies:
    """Every shipped measured phonon frequency (frozen: arrays read-only), in file order.

    Raises
    ------
    InputError
        The shipped file is malformed (one line naming the table and the key); a defect of the package.
    """
    text = resources.files("kapitza.phonons").joinpath(*_FILE).read_text(encoding="utf-8")
    return _parse(text)
