"""The :class:`Material` record: the bulk properties every interface model needs.

Everything is SI: kg m^-3, m/s, atoms m^-3, K, W m^-1 K^-1, kg, m, Pa.  A
material with ``v_t == 0`` is a fluid (no transverse branch), e.g. liquid
helium.  Values are validated on construction; a bad one raises
:class:`~kapitza.errors.InputError` naming the material, the field, the value
and what is allowed.  Every number must lie in a physical range
(:data:`BOUNDS`): wide enough for any solid or liquid, narrow enough that no
model downstream overflows or divides by zero.  Elastic constants must be
mechanically stable (Born criteria: a positive definite stiffness matrix).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from kapitza import _checks
from kapitza.errors import InputError
from kapitza.units import AMU, KB

from .elastic import SYMMETRY_KEYS, check_stability, voigt_matrix

#: Required float fields and their units, in declaration order.
FLOAT_FIELDS: dict[str, str] = {
    "density": "kg m^-3",
    "v_l": "m/s",
    "v_t": "m/s",
    "number_density": "atoms m^-3",
    "debye_temperature": "K",
}

#: Optional float fields (None allowed) and their units.
OPTIONAL_FLOAT_FIELDS: dict[str, str] = {
    "thermal_conductivity": "W m^-1 K^-1",
    "mean_atomic_mass": "kg",
    "lattice_constant": "m",
    "heat_capacity": "J m^-3 K^-1",
    "melting_temperature": "K",
}

#: Physical range (inclusive) of each number field, SI, and the unit to print.
#: Lowest and highest values of real solids and liquids lie well inside: e.g.
#: density 145 (liquid He-4) .. 22,590 kg m^-3 (Os); sound speeds 238 (He-4
#: first sound at 1.5 K) .. 18,000 m/s (diamond); 1.8e29 atoms m^-3 (diamond).
BOUNDS: dict[str, tuple[float, float, str]] = {
    "density": (1.0, 1e5, "kg m^-3"),
    "v_l": (1.0, 1e5, "m/s"),
    "v_t": (1.0, 1e5, "m/s"),
    "number_density": (1e25, 1e31, "atoms m^-3"),
    "debye_temperature": (0.1, 1e4, "K"),
    "thermal_conductivity": (1e-4, 1e5, "W m^-1 K^-1"),
    "mean_atomic_mass": (0.5 * AMU, 1000.0 * AMU, "kg"),
    "lattice_constant": (1e-11, 1e-8, "m"),
    "heat_capacity": (1e-3, 1e8, "J m^-3 K^-1"),
    "melting_temperature": (1.0, 5000.0, "K"),
    "temperature": (1e-3, 1e4, "K"),
}

#: Plausibility of ``heat_capacity`` per atom, as a fraction of the Dulong-Petit value 3 n k_B.
#: Above: no solid or liquid stores more than a few 3 k_B per atom away from a phase transition
#: (He-4 at the lambda point: about 1.6 x 3 n k_B with the shipped density), so 10 x is absurd.
#: Below: at T >= debye_temperature / 10 the Debye C_v is >= 7 % of 3 n k_B
#: (12 pi^4 / 5 (T / theta)^3 = 0.078 at theta / T = 10); a value under 1 % is a unit error, typically
#: the specific heat per kg (J kg^-1 K^-1) given where the volumetric density * c_p belongs.
HEAT_CAPACITY_MAX_DULONG_PETIT = 10.0
HEAT_CAPACITY_MIN_DULONG_PETIT = 0.01


def show_number(value: object) -> str:
    """A number as the user would write it ("-1.0", "1e+300"), never a numpy repr; anything else as repr."""
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        try:
            return repr(float(value))
        except OverflowError:
            return str(value)
    return repr(value)


def is_number(value: object) -> bool:
    """True for int, float and numpy integer/float scalars; False for bools, strings and everything else."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


#: Fields that hold a number; each one set needs an entry in ``sources``.
NUMBER_FIELDS: tuple[str, ...] = (
    *FLOAT_FIELDS,
    *OPTIONAL_FLOAT_FIELDS,
    "elastic_constants",
)


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


#: Fields an :class:`Alternative` may give another value of (SI units as on :class:`Material`).
ALTERNATIVE_FIELDS: dict[str, str] = {**FLOAT_FIELDS, **OPTIONAL_FLOAT_FIELDS}


@dataclass(frozen=True)
class Alternative:
    """Other published values of some fields of a material, kept for comparison and used by no model.

    Parameters
    ----------
    label : str
        Short name, e.g. "vrh" (the Voigt-Reuss-Hill average of the single-crystal constants).
    values : Mapping[str, float]
        Field name (one of :data:`ALTERNATIVE_FIELDS`) -> value in that field's SI unit.
    source : str
        Where the values come from (required, non-empty).
    """

    label: str
    values: Mapping[str, float]
    source: str


@dataclass(frozen=True, repr=False)
class Material:
    """Bulk properties of one material, SI units, with a source for each number.

    Parameters
    ----------
    name : str
        Canonical name, e.g. "Si", "Al2O3" (sapphire), "SiO2" (fused silica),
        "C" (diamond), "4H-SiC", "He4".
    density : float
        Mass density, kg m^-3.
    v_l : float
        Longitudinal sound speed, m/s (for a fluid: first sound).
    v_t : float
        Transverse sound speed, m/s; 0.0 marks a fluid (no transverse branch).
    number_density : float
        Atoms per volume, m^-3, counting every atom (5 per Al2O3 formula unit).
    debye_temperature : float
        Debye temperature, K.
    thermal_conductivity : float or None
        Thermal conductivity near ``temperature``, W m^-1 K^-1; None where
        Fourier conduction is not defined (say why in ``notes``).
    heat_capacity : float or None
        Volumetric heat capacity density * c_p at ``temperature`` (300 K for
        the shipped solids), J m^-3 K^-1 (e.g. 1.64e6 for Si); None where not
        known.  Must lie in :data:`BOUNDS` and within
        :data:`HEAT_CAPACITY_MIN_DULONG_PETIT` (where ``temperature`` >=
        ``debye_temperature`` / 10) .. :data:`HEAT_CAPACITY_MAX_DULONG_PETIT`
        times the Dulong-Petit value 3 n k_B.
    melting_temperature : float or None
        Melting (or decomposition) point at atmospheric pressure, K; above it a model of the solid does not
        apply, and the predictions say so.  None where not known (or, as for diamond and helium, not defined at
        1 atm).
    sources : Mapping[str, str]
        Field name -> citation, one for every number field set.  Stored
        read-only; excluded from comparison and hashing.
    aliases : tuple of str
        Other names the database answers to (matched case-insensitively).
    formula : str
        Chemical formula, e.g. "Al2O3".
    description : str
        One line, e.g. "sapphire (single-crystal alpha-Al2O3)".
    temperature : float
        Temperature at which the values hold, K (default 300).
    mean_atomic_mass : float or None
        Average mass per atom, kg.
    structure : str or None
        "diamond", "fcc", "bcc", "hcp", "wurtzite", "corundum", "amorphous",
        "liquid", ...
    lattice_constant : float or None
        Cubic a, or hexagonal a, m.
    elastic_constants : Mapping[str, float] or None
        Independent single-crystal stiffnesses in Voigt notation, Pa, keys
        "C11", "C12", "C13", "C14", "C33", "C44", "C66".  Read-only; excluded
        from comparison and hashing.
    elastic_symmetry : str or None
        Symmetry of ``elastic_constants``: "cubic", "hexagonal", "trigonal" or
        "isotropic" (see :func:`kapitza.materials.elastic.voigt_matrix`).
    sound_speed_average : str
        Which average ``v_l`` and ``v_t`` are, e.g. "Voigt-Reuss-Hill average
        of single-crystal elastic constants".
    notes : str
        Caveats: anisotropy, sample dependence, why a value is missing.
    alternatives : tuple of Alternative
        Other published values of some fields (e.g. Pb's Voigt-Reuss-Hill sound
        speeds beside the measured polycrystalline ones that are used), each with
        its source; no model uses them.  Validated like the fields themselves;
        excluded from comparison and hashing.
    origin : str
        Where the material came from: "database" (the shipped database), the
        path of the user's TOML file it was read from, or "user" (built in
        code, the default).  Excluded from comparison and hashing.
    """

    name: str
    density: float
    v_l: float
    v_t: float
    number_density: float
    debye_temperature: float
    thermal_conductivity: float | None = None
    sources: Mapping[str, str] = field(default_factory=_empty, compare=False, hash=False, repr=False)
    _: KW_ONLY
    aliases: tuple[str, ...] = ()
    formula: str = ""
    description: str = ""
    temperature: float = 300.0
    heat_capacity: float | None = None
    mean_atomic_mass: float | None = None
    structure: str | None = None
    lattice_constant: float | None = None
    melting_temperature: float | None = None
    elastic_constants: Mapping[str, float] | None = field(default=None, compare=False, hash=False, repr=False)
    elastic_symmetry: str | None = None
    sound_speed_average: str = ""
    notes: str = field(default="", repr=False)
    alternatives: tuple[Alternative, ...] = field(default=(), compare=False, hash=False, repr=False)
    origin: str = field(default="user", compare=False, hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InputError(f"material name must be a non-empty string; got {self.name!r}")
        _checks.label(self.name, "material name")  # printed in titles and tables: no terminal control, no markup
        if not isinstance(self.origin, str):
            raise self._fail("origin", self.origin, "it must be a string ('database', a file path or 'user')")
        self._check_floats()
        self._check_physics()
        self._freeze_strings()
        self._freeze_sources()
        self._freeze_elastic()
        self._freeze_alternatives()

    # -- validation helpers -------------------------------------------------

    def __repr__(self) -> str:
        kind = "fluid" if self.is_fluid else "solid"
        return (
            f"Material({self.name!r}, {kind}, density={self.density:g} kg/m^3, v_l={self.v_l:g} m/s, "
            f"v_t={self.v_t:g} m/s, n={self.number_density:.4g} /m^3, debye_temperature={self.debye_temperature:g} K, "
            f"origin={self.origin!r})"
        )

    __str__ = __repr__

    def _fail(self, field_name: str, value: object, allowed: str) -> InputError:
        return InputError(f"material {self.name!r}: {field_name} = {show_number(value)} is not allowed; {allowed}")

    def _as_float(self, field_name: str, unit: str) -> float:
        value = getattr(self, field_name)
        if not is_number(value):
            raise self._fail(field_name, value, f"it must be a number in {unit}")
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise self._fail(field_name, value, f"it must be finite (in {unit})")
        object.__setattr__(self, field_name, number)
        return number

    def _check_range(self, field_name: str) -> None:
        value = getattr(self, field_name)
        if value is None or (field_name == "v_t" and value == 0.0):
            return
        lo, hi, unit = BOUNDS[field_name]
        if not lo <= value <= hi:
            raise self._fail(
                field_name, value, f"it must lie between {lo:g} and {hi:g} {unit} (the physical range kapitza accepts)"
            )

    def _check_floats(self) -> None:
        for field_name, unit in FLOAT_FIELDS.items():
            self._as_float(field_name, unit)
        for field_name, unit in OPTIONAL_FLOAT_FIELDS.items():
            if getattr(self, field_name) is not None:
                if self._as_float(field_name, unit) <= 0.0:
                    raise self._fail(field_name, getattr(self, field_name), f"it must be > 0 {unit}, or None")
        if self._as_float("temperature", "K") <= 0.0:
            raise self._fail("temperature", self.temperature, "it must be > 0 K")

    def _check_physics(self) -> None:
        for field_name in ("density", "v_l", "number_density", "debye_temperature"):
            if getattr(self, field_name) <= 0.0:
                raise self._fail(field_name, getattr(self, field_name), f"it must be > 0 {FLOAT_FIELDS[field_name]}")
        if self.v_t < 0.0:
            raise self._fail("v_t", self.v_t, "it must be >= 0 m/s (0 marks a fluid)")
        for field_name in BOUNDS:
            self._check_range(field_name)
        v_t_max = self.v_l * math.sqrt(3.0) / 2.0
        if self.v_t >= v_t_max:
            raise self._fail(
                "v_t",
                self.v_t,
                f"a solid needs v_t < v_l*sqrt(3)/2 = {v_t_max:.6g} m/s (positive bulk modulus "
                f"K = rho (v_l^2 - 4 v_t^2 / 3))",
            )
        self._check_heat_capacity()

    def _check_heat_capacity(self) -> None:
        """heat_capacity against the Dulong-Petit value 3 n k_B (a unit slip is off by ~1000x)."""
        if self.heat_capacity is None:
            return
        dulong_petit = 3.0 * self.number_density * KB
        high = HEAT_CAPACITY_MAX_DULONG_PETIT * dulong_petit
        if self.heat_capacity > high:
            raise self._fail(
                "heat_capacity",
                self.heat_capacity,
                f"it exceeds {HEAT_CAPACITY_MAX_DULONG_PETIT:g} x the Dulong-Petit value 3 n k_B = "
                f"{dulong_petit:.4g} J m^-3 K^-1 (give density * c_p in J m^-3 K^-1)",
            )
        low = HEAT_CAPACITY_MIN_DULONG_PETIT * dulong_petit
        if self.temperature >= self.debye_temperature / 10.0 and self.heat_capacity < low:
            raise self._fail(
                "heat_capacity",
                self.heat_capacity,
                f"at {self.temperature:g} K (>= debye_temperature / 10) it must be at least "
                f"{HEAT_CAPACITY_MIN_DULONG_PETIT:g} x 3 n k_B = {low:.4g} J m^-3 K^-1; heat_capacity is "
                f"volumetric, density * c_p in J m^-3 K^-1 (a specific heat in J kg^-1 K^-1 must be "
                f"multiplied by the density)",
            )

    def _freeze_strings(self) -> None:
        aliases = self.aliases
        if isinstance(aliases, str) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise self._fail("aliases", aliases, "it must be a sequence of non-empty strings")
        object.__setattr__(self, "aliases", tuple(aliases))
        for field_name in ("formula", "description", "sound_speed_average", "notes"):
            if not isinstance(getattr(self, field_name), str):
                raise self._fail(field_name, getattr(self, field_name), "it must be a string")
        if self.structure is not None and not isinstance(self.structure, str):
            raise self._fail("structure", self.structure, "it must be a string or None")

    def _freeze_sources(self) -> None:
        sources = self.sources
        if not isinstance(sources, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in sources.items()
        ):
            raise self._fail("sources", sources, "it must map field names to citation strings")
        object.__setattr__(self, "sources", MappingProxyType(dict(sources)))

    def _freeze_elastic(self) -> None:
        constants, symmetry = self.elastic_constants, self.elastic_symmetry
        if constants is None:
            if symmetry is not None:
                raise self._fail("elastic_symmetry", symmetry, "it needs elastic_constants beside it")
            return
        if not isinstance(constants, Mapping):
            raise self._fail("elastic_constants", constants, "it must map Voigt keys (C11, ...) to Pa")
        if not isinstance(symmetry, str) or symmetry not in SYMMETRY_KEYS:
            raise self._fail("elastic_symmetry", symmetry, f"it must be one of {', '.join(SYMMETRY_KEYS)}")
        try:
            check_stability(voigt_matrix(constants, symmetry), symmetry)
        except InputError as exc:
            raise InputError(f"material {self.name!r}: elastic_constants: {exc}") from None
        object.__setattr__(self, "elastic_constants", MappingProxyType({k: float(v) for k, v in constants.items()}))

    def _freeze_alternatives(self) -> None:
        alternatives = self.alternatives
        if isinstance(alternatives, (str, Mapping)) or not isinstance(alternatives, (tuple, list)):
            raise self._fail("alternatives", alternatives, "it must be a sequence of Alternative records")
        labels: set[str] = set()
        frozen = []
        for alt in alternatives:
            if not isinstance(alt, Alternative):
                raise self._fail("alternatives", alt, "each entry must be an Alternative")
            if not isinstance(alt.label, str) or not alt.label.strip() or alt.label in labels:
                raise self._fail("alternatives", alt.label, "each needs a non-empty label, unique per material")
            labels.add(alt.label)
            where = f"alternatives.{alt.label}"
            if not isinstance(alt.source, str) or not alt.source.strip():
                raise self._fail(f"{where}.source", alt.source, "every alternative needs a source string")
            if not isinstance(alt.values, Mapping) or not alt.values:
                raise self._fail(where, alt.values, "it must map at least one field name to a value")
            values = {}
            for key, value in alt.values.items():
                if key not in ALTERNATIVE_FIELDS:
                    raise self._fail(f"{where}.{key}", value, f"allowed fields: {', '.join(ALTERNATIVE_FIELDS)}")
                unit = ALTERNATIVE_FIELDS[key]
                try:
                    number = float(value) if is_number(value) else math.nan
                except OverflowError:
                    number = math.inf
                if not math.isfinite(number):
                    raise self._fail(f"{where}.{key}", value, f"it must be a finite number in {unit}")
                lo, hi, _ = BOUNDS[key]
                if not lo <= number <= hi:
                    raise self._fail(
                        f"{where}.{key}", value, f"it must lie between {lo:g} and {hi:g} {unit} (the physical range)"
                    )
                values[key] = number
            v_l, v_t = values.get("v_l", self.v_l), values.get("v_t", self.v_t)
            if v_t >= v_l * math.sqrt(3.0) / 2.0:
                limit = v_l * math.sqrt(3.0) / 2.0
                raise self._fail(f"{where}.v_t", v_t, f"a solid needs v_t < v_l*sqrt(3)/2 = {limit:.6g} m/s")
            frozen.append(Alternative(alt.label, MappingProxyType(values), alt.source))
        object.__setattr__(self, "alternatives", tuple(frozen))

    # -- derived quantities -------------------------------------------------

    @property
    def is_fluid(self) -> bool:
        """True for a fluid (``v_t == 0``: no transverse branch)."""
        return self.v_t == 0.0

    @property
    def n_branches(self) -> int:
        """Number of acoustic polarisations: 1 for a fluid (L), 3 for a solid (L + 2T)."""
        return 1 if self.is_fluid else 3

    @property
    def acoustic_impedance_l(self) -> float:
        """Longitudinal acoustic impedance density * v_l, kg m^-2 s^-1."""
        return self.density * self.v_l

    @property
    def acoustic_impedance_t(self) -> float:
        """Transverse acoustic impedance density * v_t, kg m^-2 s^-1 (0 for a fluid)."""
        return self.density * self.v_t
