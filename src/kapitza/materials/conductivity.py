r"""Temperature-dependent thermal conductivity kappa(T) of the database materials.

Each shipped material with a Fourier conductivity has a table of measured
kappa(T) points (``data/conductivity.toml``), each table with its citation and
the sample it describes.  Between the points kappa is interpolated linearly in
log kappa vs log T (power laws are straight lines there, and kappa(T) of a
crystal is close to a power law between its points).  Outside the tabulated
range nothing is extrapolated: :func:`thermal_conductivity` raises
:class:`~kapitza.errors.InputError` naming the range, because below the
table a crystal's kappa depends on the sample (boundary scattering) and
above it on defects and radiation.

File format (TOML; one table per material, names as in ``materials.toml``)::

    [Si]
    temperature = [2.0, 5.0, 10.0, ...]       # K, strictly increasing, > 0
    conductivity = [...]                      # W m^-1 K^-1, > 0, same length
    source = "C. J. Glassbrenner and G. A. Slack, Phys. Rev. 134, A1058 (1964), Table ..."
    sample = "high-purity single crystal, natural isotopes"   # optional

Units: temperature in K, conductivity in W m^-1 K^-1.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import InputError
from ..io.results import result
from .database import get_material
from .material import Material

__all__ = [
    "ConductivityTable",
    "conductivity_or_nan",
    "conductivity_table",
    "has_conductivity_table",
    "thermal_conductivity",
    "uses_conductivity_table",
]


@result
class ConductivityTable:
    """Measured kappa(T) of one material.

    Attributes
    ----------
    material : str
        Database name.
    temperature : ndarray, shape (n,)
        K, strictly increasing.
    conductivity : ndarray, shape (n,)
        W m^-1 K^-1.
    source : str
        Citation of the points.
    sample : str
        What was measured (purity, orientation, form), "" when not stated.
    unchecked : float
        0 for a table transcribed from its source; otherwise the stated relative uncertainty of a table that
        was not checked against its source (outputs that use it say so).
    """

    material: str
    temperature: NDArray[np.float64]
    conductivity: NDArray[np.float64]
    source: str
    sample: str = ""
    unchecked: float = 0.0

    _summary_fields: ClassVar[tuple[str, ...]] = ("material", "temperature", "conductivity")

    @property
    def range(self) -> tuple[float, float]:
        """(T_min, T_max) of the table, K."""
        return float(self.temperature[0]), float(self.temperature[-1])

    def __call__(self, temperature: ArrayLike) -> float | NDArray[np.float64]:
        """kappa at ``temperature`` (K, scalar or array) in W m^-1 K^-1, log-log interpolated.

        Raises InputError for a temperature outside :attr:`range` or not finite.
        """
        t = np.asarray(temperature, dtype=float)
        low, high = self.range
        if not np.all(np.isfinite(t)):
            raise InputError(f"temperature for kappa(T) of {self.material} must be finite (K)")
        bad = (t < low * (1 - 1e-12)) | (t > high * (1 + 1e-12))
        if np.any(bad):
            worst = float(t[bad].flat[0])
            raise InputError(
                f"kappa(T) of {self.material} is tabulated for {low:g}-{high:g} K only, asked for {worst:g} K "
                f"(no extrapolation: outside the table it depends on the sample); give the layer a conductivity"
            )
        value = np.exp(np.interp(np.log(np.clip(t, low, high)), np.log(self.temperature), np.log(self.conductivity)))
        return float(value) if value.ndim == 0 else value


def _table(name: str, raw: Any) -> ConductivityTable:
    where = f"conductivity table {name!r}"
    if not isinstance(raw, dict):
        raise InputError(f"{where} must be a table")
    unknown = set(raw) - {"temperature", "conductivity", "source", "sample", "unchecked"}
    if unknown:
        raise InputError(f"{where}: unknown keys {sorted(unknown)}")
    try:
        t = np.asarray(raw["temperature"], dtype=float)
        k = np.asarray(raw["conductivity"], dtype=float)
        source = str(raw["source"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{where} needs numeric temperature and conductivity lists and a source ({exc})") from None
    if t.ndim != 1 or t.shape != k.shape or t.size < 2:
        raise InputError(f"{where}: temperature and conductivity must be lists of the same length >= 2")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(k)) and np.all(t > 0) and np.all(k > 0)):
        raise InputError(f"{where}: temperatures and conductivities must be finite and > 0")
    if np.any(np.diff(t) <= 0):
        raise InputError(f"{where}: temperatures must increase strictly")
    unchecked = raw.get("unchecked", 0.0)
    if isinstance(unchecked, bool) or not isinstance(unchecked, (int, float)) or not 0 <= unchecked < 1:
        raise InputError(f"{where}: unchecked must be a relative uncertainty in [0, 1), got {unchecked!r}")
    return ConductivityTable(
        material=name,
        temperature=t,
        conductivity=k,
        source=source,
        sample=str(raw.get("sample", "")),
        unchecked=float(unchecked),
    )


@functools.lru_cache(maxsize=1)
def _shipped() -> dict[str, ConductivityTable]:
    text = resources.files("kapitza.materials").joinpath("data/conductivity.toml").read_text(encoding="utf-8")
    return {name: _table(name, raw) for name, raw in tomllib.loads(text).items()}


def _name(material: str | Material) -> str:
    return material.name if isinstance(material, Material) else get_material(material).name


def has_conductivity_table(material: str | Material) -> bool:
    """True when kapitza ships kappa(T) for ``material`` (a name, alias or Material)."""
    return _name(material) in _shipped()


def conductivity_table(material: str | Material) -> ConductivityTable:
    """The shipped kappa(T) table of ``material``; InputError naming the materials that have one."""
    name = _name(material)
    tables = _shipped()
    if name not in tables:
        raise InputError(f"no kappa(T) table for {name}; tables exist for {', '.join(sorted(tables))}")
    return tables[name]


def thermal_conductivity(material: str | Material, temperature: ArrayLike) -> float | NDArray[np.float64]:
    """kappa(T) in W m^-1 K^-1 of a database material (scalar for a scalar T, else an array like T).

    A user's Material (from a file), and a database record that ships no kappa(T) table (the polycrystal
    records of elemental metals, issue 84), has one conductivity, near its record's temperature: it is
    returned at every T, as its record states nothing else.  Raises InputError for a material
    without a conductivity (liquid helium) or a T outside the table.
    """
    m = material if isinstance(material, Material) else get_material(material)
    if uses_conductivity_table(m):
        return conductivity_table(m)(temperature)
    if m.thermal_conductivity is None:
        raise InputError(_no_conductivity(m))
    t = np.asarray(temperature, dtype=float)
    value = np.full(t.shape, float(m.thermal_conductivity))
    return float(value) if value.ndim == 0 else value


def no_conductivity_reason(m: Material) -> str:
    """Why ``m`` holds no thermal conductivity: a fluid's Fourier conduction is not defined; a solid's record has no
    single sourced value (issue 84's MgO, ZnO ...).  The one wording of every message that refuses it."""
    return "Fourier conduction is not defined" if m.is_fluid else "no single sourced value was found for its record"


def _no_conductivity(m: Material) -> str:
    """One line: ``m`` holds no thermal conductivity, and why."""
    return (f"{m.name} has no thermal conductivity ({no_conductivity_reason(m)}); give it in a material file "
            "(kapitza materials template)")  # fmt: skip


def uses_conductivity_table(material: str | Material) -> bool:
    """True when kappa of ``material`` comes from a shipped kappa(T) table (a database solid).

    False for a user's Material from a file (one conductivity, near its record's temperature)
    and for a material without a conductivity (liquid helium).
    """
    m = material if isinstance(material, Material) else get_material(material)
    return m.origin == "database" and m.thermal_conductivity is not None and m.name in _shipped()


def conductivity_or_nan(material: str | Material, temperature: ArrayLike) -> NDArray[np.float64]:
    """kappa(T) in W m^-1 K^-1 at each ``temperature`` (K, any shape), NaN outside the table.

    Like :func:`thermal_conductivity`, but a temperature outside a database material's table gives
    NaN instead of an InputError, so that a caller with many temperatures (``kapitza predict``'s
    Kapitza lengths) keeps the ones it can compute.  A user's Material keeps its one conductivity at
    every T.  Raises InputError for a material without a conductivity or a non-finite temperature.
    Returns an array of the shape of ``temperature`` (0-d for a scalar).
    """
    m = material if isinstance(material, Material) else get_material(material)
    t = np.asarray(temperature, dtype=float)
    if m.thermal_conductivity is None:
        raise InputError(_no_conductivity(m))
    if not np.all(np.isfinite(t)):
        raise InputError(f"temperature for kappa(T) of {m.name} must be finite (K)")
    if not uses_conductivity_table(m):
        return np.full(t.shape, float(m.thermal_conductivity))
    table = conductivity_table(m)
    low, high = table.range
    inside = (t >= low * (1 - 1e-12)) & (t <= high * (1 + 1e-12))
    out = np.full(t.shape, np.nan)
    if np.any(inside):
        out[inside] = table(t[inside])
    return out
