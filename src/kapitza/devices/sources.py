r"""Where a device model gets its numbers: interface resistances R(T) and layer conductivities kappa(T).

Every device model takes an interface resistance from any kapitza source and a
conductivity from a number or the database, through two small protocols:

* :class:`ResistanceSource`: ``source.at(T)`` is R in m^2 K W^-1 at the
  interface temperature T (K);
* :class:`ConductivitySource`: ``source.at(T)`` is kappa in W m^-1 K^-1.

:func:`resistance_source` turns what a user writes into one:

========================  ======================================================
``5e-9`` (a number)       R = 5e-9 m^2 K W^-1 at every temperature (measured)
``"R=5e-9"``              the same
``"G=2e8"``               R = 1/G, G in W m^-2 K^-1
``"dmm:Al/Si"``           a kapitza model (``kapitza models``) at the local T;
                          at a metal/non-metal pair the electron-phonon
                          resistance of :func:`kapitza.prediction.electronic_parts`
                          is added in series (Majumdar & Reddy 2004)
``"fit.json"``            a result file saved by kapitza (``result.save``):
                          a prediction (G(T), interpolated log-log), a
                          thermoreflectance fit (its "G" parameter, or
                          ``fit.json#G_2`` to pick one), an MD jump or EMD
                          analysis (``G_si``), a power-law fit G = a T^n, or the
                          ``--json`` output of ``kapitza md analyze``
``"power:R0,T0,n"``       R = R0 (T/T0)^-n, e.g. ``power:1e-3,1,3`` for the
                          T^-3 law of a solid in liquid helium
========================  ======================================================

:func:`conductivity_source` takes a number (W m^-1 K^-1) or a material name
(kappa(T) from :mod:`kapitza.materials.conductivity`).

Units: temperature K, resistance m^2 K W^-1, conductance W m^-2 K^-1,
conductivity W m^-1 K^-1.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from .. import _checks
from .._checks import positive
from .._checks import temperature as _temperature
from ..errors import InputError
from ..io.results import result
from ..materials import Material, get_material
from ..materials.conductivity import thermal_conductivity

__all__ = [
    "ConductivitySource",
    "FixedConductivity",
    "FixedResistance",
    "MaterialConductivity",
    "PowerLawResistance",
    "PredictedResistance",
    "ResistanceSource",
    "TabulatedResistance",
    "conductivity_source",
    "resistance_source",
]

#: Largest result file read, bytes.
MAX_RESULT_BYTES = 50_000_000


@runtime_checkable
class ResistanceSource(Protocol):
    """An interface resistance: ``at(T)`` -> R (m^2 K W^-1, >= 0) at the interface temperature T (K)."""

    label: str

    def at(self, temperature: float) -> float: ...

    @property
    def temperature_dependent(self) -> bool: ...


@runtime_checkable
class ConductivitySource(Protocol):
    """A bulk conductivity: ``at(T)`` -> kappa (W m^-1 K^-1, > 0) at T (K)."""

    label: str

    def at(self, temperature: float) -> float: ...

    @property
    def temperature_dependent(self) -> bool: ...


@result
class FixedResistance:
    """R (m^2 K W^-1) independent of temperature: a measured or assumed value."""

    value: float
    label: str = "given"

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", _checks.resistance(self.value, "interface resistance R"))

    temperature_dependent: ClassVar[bool] = False

    def at(self, temperature: float) -> float:
        """R in m^2 K W^-1 (the same at every T)."""
        _temperature(temperature)
        return self.value


@result
class PowerLawResistance:
    """R = R0 (T/T0)^-n: e.g. n = 3 for the acoustic-mismatch law of a solid in liquid helium.

    Attributes
    ----------
    r0 : float
        R at T0, m^2 K W^-1 (> 0).
    t0 : float
        Reference temperature, K (> 0).
    exponent : float
        n (R ~ T^-n; G ~ T^n).
    """

    r0: float
    t0: float
    exponent: float
    label: str = "power law"

    temperature_dependent: ClassVar[bool] = True

    def __post_init__(self) -> None:
        r0 = _checks.resistance(self.r0, "power-law resistance R0")
        if r0 <= 0:
            raise InputError("R0 of a power law must be > 0 m^2 K W^-1")
        object.__setattr__(self, "r0", r0)
        object.__setattr__(self, "t0", _temperature(self.t0, "T0"))
        n = float(self.exponent)
        if not math.isfinite(n) or abs(n) > 20:
            raise InputError(f"the power-law exponent must be finite and |n| <= 20, got {n:g}")
        object.__setattr__(self, "exponent", n)

    def at(self, temperature: float) -> float:
        """R0 (T/T0)^-n in m^2 K W^-1."""
        t = _temperature(temperature)
        return self.r0 * (t / self.t0) ** (-self.exponent)


@result
class TabulatedResistance:
    """R(T) from a table (a saved prediction): log-log interpolation, no extrapolation.

    Attributes
    ----------
    temperature : ndarray, shape (n,)
        K, strictly increasing, > 0.
    resistance : ndarray, shape (n,)
        m^2 K W^-1, > 0.
    """

    temperature: NDArray[np.float64]
    resistance: NDArray[np.float64]
    label: str = "table"

    temperature_dependent: ClassVar[bool] = True
    _summary_fields: ClassVar[tuple[str, ...]] = ("label", "temperature", "resistance")

    def __post_init__(self) -> None:
        t = np.asarray(self.temperature, dtype=float)
        r = np.asarray(self.resistance, dtype=float)
        if t.ndim != 1 or t.shape != r.shape or t.size < 1:
            raise InputError(f"{self.label}: temperature and resistance must be lists of the same length")
        keep = np.isfinite(t) & np.isfinite(r) & (t > 0) & (r > 0)
        t, r = t[keep], r[keep]
        if t.size == 0:
            raise InputError(f"{self.label}: no finite positive (T, R) pair")
        order = np.argsort(t)
        t, r = t[order], r[order]
        if np.any(np.diff(t) <= 0):
            raise InputError(f"{self.label}: repeated temperatures")
        object.__setattr__(self, "temperature", t)
        object.__setattr__(self, "resistance", r)

    def at(self, temperature: float) -> float:
        """R at T (m^2 K W^-1); InputError outside the tabulated range."""
        t = _temperature(temperature)
        low, high = float(self.temperature[0]), float(self.temperature[-1])
        if t < low * (1 - 1e-9) or t > high * (1 + 1e-9):
            raise InputError(f"{self.label} gives R for {low:g}-{high:g} K only, needed at {t:g} K")
        if self.temperature.size == 1:
            return float(self.resistance[0])
        return float(np.exp(np.interp(math.log(t), np.log(self.temperature), np.log(self.resistance))))


@result
class PredictedResistance:
    """R(T) from a kapitza model at the interface temperature, with R_ep added at a metal/non-metal pair.

    Attributes
    ----------
    model : str
        A model name of :func:`kapitza.prediction.available_models` ("dmm", "amm", "limit", ...).
    side1, side2 : Material
        The two materials; heat flows 1 -> 2.
    electron_phonon : bool
        Add the electron-phonon series resistance 1/G_ep where one side is a metal with electron
        data and the other is not (:func:`kapitza.prediction.electronic_parts`).
    """

    model: str
    side1: Material
    side2: Material
    electron_phonon: bool = True
    label: str = ""

    temperature_dependent: ClassVar[bool] = True
    _summary_fields: ClassVar[tuple[str, ...]] = ("label",)

    def __post_init__(self) -> None:
        from ..prediction import available_models

        if self.model not in available_models():
            raise InputError(f"unknown model {self.model!r}; known: {', '.join(available_models())}")
        if not self.label:
            object.__setattr__(self, "label", f"{self.model}:{self.side1.name}/{self.side2.name}")

    def phonon_resistance(self, temperature: float) -> float:
        """The model's phonon resistance alone, m^2 K W^-1."""
        from ..prediction import resistance

        return float(resistance(self.side1, self.side2, _temperature(temperature), self.model))

    def electron_phonon_resistance(self) -> float:
        """1/G_ep (m^2 K W^-1) at a metal/non-metal pair with electron data, else 0."""
        if not self.electron_phonon:
            return 0.0
        from ..prediction import electronic_parts, interface_kind

        if interface_kind(self.side1, self.side2) != "metal/non-metal":
            return 0.0
        parts = electronic_parts(self.side1, self.side2, [300.0])
        if parts.electron_phonon is None or not parts.electron_phonon > 0:
            return 0.0
        return 1.0 / float(parts.electron_phonon)

    def at(self, temperature: float) -> float:
        """R_phonon(T) + R_ep in m^2 K W^-1."""
        return self.phonon_resistance(temperature) + self.electron_phonon_resistance()


@result
class FixedConductivity:
    """kappa (W m^-1 K^-1) independent of temperature."""

    value: float
    label: str = "given"

    temperature_dependent: ClassVar[bool] = False

    def __post_init__(self) -> None:
        try:
            k = float(self.value)
        except (TypeError, ValueError):
            raise InputError(f"a conductivity must be a number (W m^-1 K^-1), got {self.value!r}") from None
        if not math.isfinite(k) or k <= 0:
            raise InputError(f"a conductivity must be finite and > 0 W m^-1 K^-1, got {k:g}")
        object.__setattr__(self, "value", _checks.conductivity(k, "a conductivity"))

    def at(self, temperature: float) -> float:
        """kappa in W m^-1 K^-1."""
        _temperature(temperature)
        return self.value


@result
class MaterialConductivity:
    """kappa(T) of a material: the shipped table for a database material, the record's value for a user's."""

    material: Material
    label: str = ""

    temperature_dependent: ClassVar[bool] = True

    def __post_init__(self) -> None:
        if self.material.thermal_conductivity is None:
            from ..materials.conductivity import no_conductivity_reason

            raise InputError(
                f"{self.material.name} has no thermal conductivity ({no_conductivity_reason(self.material)}); it "
                "cannot be a layer without one: give the layer a conductivity"
            )
        if not self.label:
            object.__setattr__(self, "label", f"{self.material.name} kappa(T)")

    def at(self, temperature: float) -> float:
        """kappa(T) in W m^-1 K^-1; InputError outside the tabulated range."""
        return float(thermal_conductivity(self.material, _temperature(temperature)))


def conductivity_source(spec: Any) -> ConductivitySource:
    """A conductivity source from a number (W m^-1 K^-1), a material (name, file or Material), or a source."""
    if isinstance(spec, ConductivitySource) and not isinstance(spec, (str, Material)):
        return spec
    if isinstance(spec, bool):
        raise InputError(f"a conductivity is a number (W m^-1 K^-1) or a material name, got {spec!r}")
    if isinstance(spec, (int, float, np.floating, np.integer)):
        return FixedConductivity(float(spec))
    if isinstance(spec, (str, os.PathLike, Material)):
        if isinstance(spec, str):
            try:
                value = float(spec)
            except ValueError:
                pass
            else:  # a number given as text: its own checks, not "unknown material '1e308'"
                return FixedConductivity(value)
        return MaterialConductivity(get_material(spec))
    raise InputError(f"a conductivity is a number (W m^-1 K^-1) or a material name, got {type(spec).__name__}")


def _model_spec(spec: str) -> PredictedResistance | None:
    from ..prediction import available_models

    if ":" not in spec or "/" not in spec:
        return None
    model, pair = spec.split(":", 1)
    if model.strip().lower() not in available_models():
        return None
    sides = pair.split("/")
    if len(sides) != 2 or not all(s.strip() for s in sides):
        raise InputError(f"a model resistance is MODEL:A/B (e.g. dmm:Al/Si), got {spec!r}")
    return PredictedResistance(model.strip().lower(), get_material(sides[0].strip()), get_material(sides[1].strip()))


#: The unit written into the labels of fixed and power-law resistances (they end up in legends and tables).
_R_UNIT = "m\u00b2 K W\u207b\u00b9"


def _power_spec(spec: str) -> PowerLawResistance:
    parts = spec.split(":", 1)[1].split(",")
    if len(parts) != 3:
        raise InputError(f"a power law is power:R0,T0,n (R = R0 (T/T0)^-n), got {spec!r}")
    try:
        r0, t0, n = (float(p) for p in parts)
    except ValueError:
        raise InputError(f"a power law is power:R0,T0,n with three numbers, got {spec!r}") from None
    return PowerLawResistance(r0, t0, n, label=f"R = {r0:g} (T/{t0:g} K)^-{n:g} {_R_UNIT}")


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def resistance_source(spec: Any, *, sides: tuple[Any, Any] | None = None) -> ResistanceSource:
    """An interface resistance from what a user writes (the table in the module docstring).

    Parameters
    ----------
    spec : float, str, path or ResistanceSource
        R in m^2 K W^-1, "R=...", "G=...", "MODEL:A/B", "MODEL" (with ``sides``), "power:R0,T0,n",
        or a result file ("path.json" or "path.json#NAME").
    sides : ``(material, material)``, optional
        The two neighbouring materials, for a bare model name ("dmm").

    Raises
    ------
    InputError
        Anything that is not one of those, a negative or non-finite value, an unknown model or material,
        a result file that holds no conductance.
    """
    if isinstance(spec, ResistanceSource) and not isinstance(spec, str):
        return spec
    if isinstance(spec, bool) or spec is None:
        raise InputError(
            f"an interface resistance is a number (m^2 K W^-1), 'G=...', 'MODEL:A/B' or a file; got {spec!r}"
        )
    if isinstance(spec, (int, float, np.floating, np.integer)):
        return FixedResistance(float(spec))
    if isinstance(spec, os.PathLike):
        return resistance_from_file(spec)
    if not isinstance(spec, str):
        raise InputError(f"an interface resistance is a number or a string, got {type(spec).__name__}")
    text = spec.strip()
    lower = text.lower()
    value = _number(text)
    if value is not None:
        return FixedResistance(value, label=f"R = {value:g} {_R_UNIT}")
    if lower.startswith(("r=", "g=")):
        number = _number(text[2:].strip())
        if number is None:
            raise InputError(f"{text[:2]} takes a number, got {spec!r}")
        if lower.startswith("r="):
            return FixedResistance(number, label=f"R = {number:g} {_R_UNIT}")
        if not math.isfinite(number) or number <= 0:
            raise InputError(f"G must be a finite conductance > 0 W m^-2 K^-1, got {number:g}")
        return FixedResistance(1.0 / number, label=f"G = {number:g} W m\u207b\u00b2 K\u207b\u00b9")
    if lower.startswith("power:"):
        return _power_spec(text)
    model = _model_spec(text)
    if model is not None:
        return model
    from ..prediction import available_models

    if lower in available_models():
        if sides is None:
            raise InputError(f"model {text!r} needs the two materials: write {text}:A/B")
        return PredictedResistance(lower, get_material(sides[0]), get_material(sides[1]))
    path_text = text.split("#", 1)[0]
    if path_text.lower().endswith(".json"):
        return resistance_from_file(text)
    raise InputError(
        f"cannot read interface resistance {spec!r}: give a number (R in m^2 K W^-1), R=..., G=..., "
        f"MODEL:A/B with MODEL in {', '.join(available_models())}, power:R0,T0,n, or a result .json file"
    )


def _read_json(path: Path) -> Any:
    if not path.is_file():
        raise InputError(f"result file {str(path)!r} not found (or not a file)")
    if path.stat().st_size > MAX_RESULT_BYTES:
        raise InputError(f"result file {str(path)!r} is larger than {MAX_RESULT_BYTES // 1_000_000} MB")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"result file {str(path)!r} is not JSON ({type(exc).__name__})") from None


def _from_document(doc: Any, name: str | None, where: str) -> ResistanceSource:
    if not isinstance(doc, dict):
        raise InputError(f"{where}: not a kapitza result (a JSON object)")
    kind = doc.get("kind")
    body = doc.get("result")
    if kind is None and "combined" in doc:  # `kapitza md analyze --json`
        kind, body = "JumpAnalysis", doc["combined"]
    if not isinstance(body, dict):
        raise InputError(f"{where}: not a kapitza result file (no 'kind' and 'result'; save one with result.save)")
    if kind == "ConductanceResult":
        t = np.asarray(body.get("temperature"), dtype=float)
        g = np.asarray(body.get("conductance"), dtype=float)
        with np.errstate(divide="ignore"):  # G = 0 at T = 0 is dropped by TabulatedResistance
            r = np.where(g > 0, 1.0 / np.where(g > 0, g, 1.0), np.inf)
        return TabulatedResistance(t, r, label=f"{where} ({body.get('model', 'model')})")
    if kind == "ThermoreflectanceFit":
        names = list(body.get("names", ()))
        values = list(body.get("values", ()))
        g_names = [n for n in names if n == "G" or str(n).startswith("G_")]
        if name is None:
            if len(g_names) != 1:
                raise InputError(f"{where}: fitted conductances {g_names or 'none'}; pick one with {where}#NAME")
            name = g_names[0]
        if name not in names:
            raise InputError(f"{where}: no fitted parameter {name!r} (fitted: {', '.join(names)})")
        g = positive(values[names.index(name)], f"{where}#{name}", "W m^-2 K^-1")
        return FixedResistance(1.0 / g, label=f"{where}#{name}")
    if kind in ("JumpAnalysis", "EmdConductance"):
        g = positive(body.get("G_si"), f"{where} G_si (an LJ-unit run has no SI value)", "W m^-2 K^-1")
        return FixedResistance(1.0 / g, label=f"{where} ({kind})")
    if kind == "PowerLawFit":
        a = positive(body.get("a"), f"{where} a", "W m^-2 K^-(1+n)")
        n = float(body.get("n", float("nan")))
        if not math.isfinite(n):
            raise InputError(f"{where}: the power-law exponent is not finite")
        return PowerLawResistance(1.0 / a, 1.0, n, label=f"{where} (G = a T^n)")
    raise InputError(
        f"{where}: a {kind} holds no interface conductance; use a prediction, a thermoreflectance fit, "
        "an MD jump or EMD analysis, or a power-law fit"
    )


def resistance_from_file(spec: str | os.PathLike[str]) -> ResistanceSource:
    """R from a saved kapitza result, "path.json" or "path.json#NAME" (see the module docstring)."""
    text = os.fspath(spec)
    name = None
    if "#" in text:
        text, name = text.split("#", 1)
        name = name.strip() or None
    path = Path(text)
    return _from_document(_read_json(path), name, path.name)
