"""Reading a thermoreflectance experiment from files: the sample (TOML) and the measured data (text).

The sample file
---------------
A TOML file (at most 1 MB) describing the laser, the layers top (the transducer) first (at most
:data:`~.sample.MAX_LAYERS`, 100), and the interfaces between them.  Units are in the key names;
numbers must be numbers (``80`` or ``80.0``, not ``"80"``, not ``true``)::

    title = "80 nm Al on sapphire"          # optional free text

    [laser]
    pump_radius_um = 10.0                   # pump 1/e^2 radius, um
    probe_radius_um = 5.0                   # probe 1/e^2 radius, um
    # radius_um = 7.9                       # OR one effective (combined 1/e^2) radius, um, instead of the
    #                                       #   two above: w^2 = (w_pump^2 + w_probe^2) / 2
    repetition_rate_mhz = 80.0              # MHz, default 80 (or repetition_rate_hz)
    modulation_frequency_mhz = 9.8          # MHz, default 10 (or modulation_frequency_hz); TDTR uses it,
                                            #   FDTR sweeps it (the data file's x)
    absorbed_power_mw = 5.0                 # optional: absorbed pump power, mW (steady-heating estimate)

    [[layer]]                               # one [[layer]] per layer, top (transducer) first
    name = "Al"                             # letters and digits; names the parameters (k_Al, d_Al, ...)
    material = "Al"                         # optional: a kapitza database name (or alias, or a
                                            #   "file.toml" / "file.toml:Name" relative to this file) giving
                                            #   heat_capacity and k where they are not written here
    thickness_nm = 80.0                     # nm; leave it out on the LAST layer only: semi-infinite substrate
    thickness_nm_err = 2.0                  # optional 1-sigma error of the key, absolute, same unit
    heat_capacity = 2.42e6                  # J m^-3 K^-1, volumetric (overrides the database)
    heat_capacity_rel_err = 0.03            # optional 1-sigma error as a fraction of the value
    k = 200.0                               # W m^-1 K^-1, isotropic; or both of
    # k_z = 10.0                            #   cross-plane and
    # k_r = 30.0                            #   in-plane conductivity, W m^-1 K^-1

    [[layer]]
    name = "sapphire"
    material = "sapphire"                   # C and k from the database

    [[interface]]                           # exactly one fewer than the layers, in order: the first is
    name = "G"                              #   between layer 1 and 2; name optional: default G1, G2, ...
                                            #   (plain "G" when there is only one)
    conductance = 1.0e8                     # W m^-2 K^-1, or "inf" (perfect contact)
    conductance_rel_err = 0.1

``name`` may be left out of a ``[[layer]]`` that names a ``material`` made of letters and digits
(``material = "sapphire"`` gives the layer name ``sapphire``).  A layer needs a heat capacity and a
conductivity, written or from its material; a database material without one is an error.

Errors: ``<key>_err`` (absolute, in the key's unit) or ``<key>_rel_err`` (a fraction of the
value; the value may come from the database) for ``thickness_nm``, ``heat_capacity``, ``k``,
``k_z``, ``k_r``, ``conductance``, ``pump_radius_um``, ``probe_radius_um`` and ``radius_um``.
They become :attr:`Sample.errors <kapitza.analysis.thermoreflectance.sample.Sample.errors>` in SI
under the parameter names ``d_<layer>``, ``C_<layer>``, ``k_<layer>``, ``kz_<layer>``,
``kr_<layer>``, ``G_<interface>``, ``w_pump``, ``w_probe`` and ``w``.  The errors of the
parameters a fit frees are ignored; those of the fixed ones are propagated into its uncertainty.

Any other key is an error naming the key, its table and the keys allowed there.

The data file
-------------
A text file (at most 50 MB) of 2 or 3 (up to 6) numeric columns separated by spaces, tabs or
commas, one row per delay or frequency::

    80 nm Al on sapphire, TDTR at 9.8 MHz          <- optional free-text title (first line)
    Delay (ps)   Ratio    sigma                    <- optional header: names and units
    100          3.21     0.03
    ...

Lines starting with ``#`` and blank lines are skipped (a ``#`` line may hold the header).  The
header names each column, with its unit in parentheses or brackets, ``Delay (ps)`` /
``Delay [ps]``, or after an underscore, ``delay_ps``:

==========================  ===================================================  ================
column                      names (case and ``-``/``_``/spaces ignored)           units
==========================  ===================================================  ================
delay (x, TDTR)             ``Delay``, ``Time``, ``t``                             s ms us ns ps fs
frequency (x, FDTR)         ``Frequency``, ``Freq``, ``f``                         Hz kHz MHz GHz
ratio -V_in/V_out (TDTR)    ``Ratio``, ``-Vin/Vout``                               none
in-phase V_in (TDTR)        ``Vin``, ``V_in``, ``In-phase``, ``X``                 any (a.u., V, uV)
out-of-phase V_out (TDTR)   ``Vout``, ``V_out``, ``Out-of-phase``, ``Y``           any
phase (FDTR)                ``Phase``, ``Theta``, ``Phi``                          deg, degree, rad
phase lag (FDTR)            ``Lag``, ``Phase lag``                                 deg, degree, rad
amplitude (FDTR)            ``Amplitude``, ``Amp``, ``Magnitude``, ``R``           any
error of the column before  ``sigma``, ``error``, ``err``, ``std``                 as its column
==========================  ===================================================  ================

The first column is x (delay or frequency; its unit is required), the mode follows from it
(delay: ``"tdtr"``, frequency: ``"fdtr"``) and must agree with ``mode=`` if given.  An error
column follows the column it belongs to (``Ratio  sigma``), or names it (``Ratio error``,
``ratio_err``).  Examples: ``Delay (ps)  Ratio``; ``Delay (ps)  Vin  Vout`` (the ratio -Vin/Vout is
computed, V_in and V_out are kept; their units must agree); ``Frequency (Hz)  Theta (degree)
R (normalized)``; ``Frequency (MHz)  Phase (rad)``.  Without a header, ``columns=`` gives the
columns in the underscore form, e.g. ``"delay_ps,ratio"`` or
``"frequency_hz,phase_deg,amplitude"`` (with a header, ``columns=`` replaces it).

Phase convention: kapitza's phase is arg(H) in degrees, negative for a lag (the temperature
lags the heating, so a thermal phase is below zero).  A ``Lag`` column is negated.  A ``Phase``
column whose values are ALL above zero is read as lags written as positive numbers and negated
too; :attr:`TRData.notes` says so.  Amplitudes and V_in / V_out are in arbitrary units (a fit
scales them).

Refused, each with one :class:`~kapitza.errors.InputError` naming the file and the line: fewer than
3 rows; more than :data:`MAX_DATA_ROWS` (10,000) rows (average or decimate them first: nothing is
decimated silently); a value that is not a finite number, or beyond +-:data:`MAX_DATA_VALUE` (1e30);
a row with a different number of values than the header has columns; an unknown or repeated column
name; a quantity that the mode does not measure (a ratio against frequency, a phase against delay);
a delay or frequency <= 0; two rows with the same x (rows in another order are sorted, with a note);
an error <= 0; V_out = 0 when the ratio is computed; an amplitude < 0; a phase beyond +-360 degrees.
Nothing is unpickled.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from ...errors import InputError
from ...io import toml_file
from ...io.paths import confined, excerpt, through_link
from ...io.results import result
from .sample import MAX_LAYERS, Interface, Laser, Layer, Sample

__all__ = [
    "MAX_DATA_BYTES",
    "MAX_DATA_ROWS",
    "MAX_DATA_VALUE",
    "MAX_SAMPLE_BYTES",
    "TRData",
    "read_data",
    "read_sample",
]

#: Largest sample file accepted, bytes (a sample is a few dozen lines).
MAX_SAMPLE_BYTES = toml_file.MAX_CONFIG_BYTES
#: Largest data file accepted, bytes.
MAX_DATA_BYTES = 50_000_000
#: Most data rows accepted (refused, not decimated: the user chooses how to average).  A TDTR model evaluation
#: costs ~0.3 ms per delay and a fit needs tens to hundreds of evaluations, so 10,000 delays are already
#: minutes of fitting; the same bound as the CLI's LO:HI:N grids.  Real TDTR/FDTR data have 10-1000 points.
MAX_DATA_ROWS = 10_000
#: Largest magnitude of a measured value accepted: beyond it a number is an export or unit error, not a
#: measurement, and its square (the fit's chi^2) overflows.
MAX_DATA_VALUE = 1e30

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_UM, _NM, _MHZ, _MW = 1e-6, 1e-9, 1e6, 1e-3


def _si(value: float, factor: float) -> float:
    """``value * factor``, dividing by the exact inverse for the small factors (10 um -> 1e-05 m, not 9.99e-06)."""
    return value / round(1 / factor) if factor < 1 else value * factor


# ==================================================================================================
# The sample (TOML)
# ==================================================================================================

_TOP_KEYS = ("title", "laser", "layer", "interface")
# laser key -> SI factor
_LASER_NUMBERS = {
    "pump_radius_um": _UM,
    "probe_radius_um": _UM,
    "radius_um": _UM,
    "repetition_rate_mhz": _MHZ,
    "repetition_rate_hz": 1.0,
    "modulation_frequency_mhz": _MHZ,
    "modulation_frequency_hz": 1.0,
    "absorbed_power_mw": _MW,
}
_LASER_ERRORS = {"pump_radius_um": "w_pump", "probe_radius_um": "w_probe", "radius_um": "w"}
# layer key -> (SI factor, parameter prefix)
_LAYER_NUMBERS = {
    "thickness_nm": (_NM, "d"),
    "heat_capacity": (1.0, "C"),
    "k": (1.0, "k"),
    "k_z": (1.0, "kz"),
    "k_r": (1.0, "kr"),
}
_LAYER_STRINGS = ("name", "material")


def _allowed(numbers: Any, strings: tuple[str, ...], with_errors: Any) -> tuple[str, ...]:
    keys = [*strings, *numbers]
    for key in with_errors:
        keys += [f"{key}_err", f"{key}_rel_err"]
    return tuple(keys)


_LASER_KEYS = _allowed(_LASER_NUMBERS, (), _LASER_ERRORS)
_LAYER_KEYS = _allowed(_LAYER_NUMBERS, _LAYER_STRINGS, _LAYER_NUMBERS)
_INTERFACE_KEYS = _allowed(("conductance",), ("name",), ("conductance",))


class _Table:
    """One TOML table of the sample file: typed access, unknown keys refused, errors prefixed."""

    def __init__(self, origin: str, label: str, table: Any, allowed: tuple[str, ...]) -> None:
        self.origin, self.label = origin, label
        if not isinstance(table, Mapping):
            raise self.error(f"must be a table, got {type(table).__name__} {table!r}")
        self.table = table
        for key in table:
            if key not in allowed:
                raise self.error(f"unknown key {key!r}; allowed: {', '.join(allowed)}")

    def error(self, message: str) -> InputError:
        return InputError(f"{self.origin}: {self.label}: {message}")

    def number(self, key: str, *, allow_inf: bool = False) -> float | None:
        """The value of ``key`` (None if absent), a real number; "inf" only where ``allow_inf``."""
        if key not in self.table:
            return None
        value = self.table[key]
        if allow_inf and isinstance(value, str) and value.strip().lower() in ("inf", "infinity"):
            return math.inf
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            hint = ' (or "inf")' if allow_inf else ""
            raise self.error(f"{key} must be a number{hint}, got {type(value).__name__} {value!r}")
        try:
            x = float(value)
        except OverflowError:
            raise self.error(f"{key} = {value} is too large") from None
        if math.isnan(x):
            raise self.error(f"{key} must be a number, got nan")
        return x

    def string(self, key: str) -> str | None:
        if key not in self.table:
            return None
        value = self.table[key]
        if not isinstance(value, str):
            raise self.error(f"{key} must be a string, got {type(value).__name__} {value!r}")
        return value

    def error_of(self, key: str, value: float | None, factor: float) -> float | None:
        """The absolute 1-sigma error (SI) given for ``key`` as ``key_err`` or ``key_rel_err``, or None."""
        absolute, relative = self.number(f"{key}_err"), self.number(f"{key}_rel_err")
        if absolute is None and relative is None:
            return None
        if absolute is not None and relative is not None:
            raise self.error(f"give {key}_err or {key}_rel_err, not both")
        name = f"{key}_err" if absolute is not None else f"{key}_rel_err"
        given = absolute if absolute is not None else relative
        assert given is not None
        if not math.isfinite(given) or given < 0:
            raise self.error(f"{name} must be a finite number >= 0, got {given:g}")
        if value is None:
            raise self.error(f"{name} is given but {key} is not")
        if math.isinf(value):
            raise self.error(f"{name} is given but {key} is infinite")
        return _si(given, factor) if absolute is not None else given * _si(abs(value), factor)


def _material(spec: str, base: Path, table: _Table, allow_outside: bool) -> Any:
    """The database material ``spec`` names, or the one in a .toml file (relative paths: beside the sample).

    A file must lie at or below the sample file's folder (:func:`kapitza.io.paths.confined`: no ``../``, no
    absolute path, no symbolic link leading elsewhere) unless ``allow_outside``."""
    from ...materials import get_material

    text = spec.strip()
    head, sep, tail = text.rpartition(":")
    path, selected = (head, tail) if sep and head.lower().endswith(".toml") else (text, "")
    if path.lower().endswith(".toml") or "/" in path:
        full = confined(path, base, f"{table.origin}: {table.label}: material file", allow_outside)
        text = str(full) + (f":{selected}" if selected else "")
    try:
        return get_material(text)
    except InputError as exc:
        raise table.error(str(exc)) from None


def _laser(origin: str, raw: Any, errors: dict[str, float]) -> Laser:
    t = _Table(origin, "[laser]", raw, _LASER_KEYS)
    v = {key: t.number(key) for key in _LASER_NUMBERS}
    for a, b in (
        ("repetition_rate_mhz", "repetition_rate_hz"),
        ("modulation_frequency_mhz", "modulation_frequency_hz"),
    ):
        if v[a] is not None and v[b] is not None:
            raise t.error(f"give {a} or {b}, not both")
    if v["radius_um"] is not None:
        given = [k for k in ("pump_radius_um", "probe_radius_um") if v[k] is not None]
        if given:
            raise t.error(
                f"radius_um (one effective radius) excludes {' and '.join(given)}; give either radius_um alone "
                "or pump_radius_um and probe_radius_um"
            )
        pump = probe = _si(v["radius_um"], _UM)
        effective = True
    else:
        missing = [k for k in ("pump_radius_um", "probe_radius_um") if v[k] is None]
        if missing:
            raise t.error(
                f"missing {' and '.join(missing)}; give pump_radius_um and probe_radius_um (1/e^2 radii, um), "
                "or one effective radius radius_um"
            )
        pump, probe = _si(v["pump_radius_um"], _UM), _si(v["probe_radius_um"], _UM)  # type: ignore[arg-type]
        effective = False

    def freq(stem: str, default: float) -> float:
        mhz, hz = v[f"{stem}_mhz"], v[f"{stem}_hz"]
        return _si(mhz, _MHZ) if mhz is not None else hz if hz is not None else default

    power = v["absorbed_power_mw"]
    try:
        laser = Laser(
            pump_radius=pump,
            probe_radius=probe,
            repetition_rate=freq("repetition_rate", 80e6),
            modulation_frequency=freq("modulation_frequency", 10e6),
            absorbed_power=None if power is None else _si(power, _MW),
            effective_radius=effective,
        )
    except InputError as exc:
        raise t.error(str(exc)) from None
    for key, name in _LASER_ERRORS.items():
        err = t.error_of(key, v[key], _UM)
        if err is not None:
            errors[name] = err
    return laser


def _layer(
    origin: str, index: int, raw: Any, last: bool, base: Path, errors: dict[str, float], allow_outside: bool
) -> Layer:
    label = f"[[layer]] {index + 1}"
    if isinstance(raw, Mapping) and isinstance(raw.get("name"), str):
        label += f" ({raw['name']!r})"
    t = _Table(origin, label, raw, _LAYER_KEYS)
    spec = t.string("material")
    name = t.string("name")
    if name is None:
        if spec is None or not _NAME.match(spec.strip()):
            raise t.error('needs a name (letters and digits, e.g. name = "Al"); it names the layer\'s parameters')
        name = spec.strip()
    material = _material(spec, base, t, allow_outside) if spec is not None else None
    v = {key: t.number(key) for key in _LAYER_NUMBERS}

    thickness = v["thickness_nm"]
    if thickness is None:
        if not last:
            raise t.error("missing thickness_nm (only the last layer may leave it out: a semi-infinite substrate)")
        thickness = math.inf
    else:
        thickness = _si(thickness, _NM)

    heat_capacity = v["heat_capacity"]
    if heat_capacity is None and material is not None:
        heat_capacity = getattr(material, "heat_capacity", None)
    if heat_capacity is None:
        where = f"material {material.name!r} has no heat capacity in the database" if material else "no material"
        raise t.error(f"missing heat_capacity (J m^-3 K^-1): {where}; write heat_capacity = ...")

    k, k_z, k_r = v["k"], v["k_z"], v["k_r"]
    if k is not None and (k_z is not None or k_r is not None):
        raise t.error("give k (isotropic) or k_z and k_r (anisotropic), not both")
    if (k_z is None) != (k_r is None):
        raise t.error(f"{'k_r' if k_r is None else 'k_z'} is missing: an anisotropic layer needs both k_z and k_r")
    if k is None and k_z is None:
        k = getattr(material, "thermal_conductivity", None) if material is not None else None
        if k is None:
            where = f"material {material.name!r} has no conductivity in the database" if material else "no material"
            raise t.error(f"missing k (W m^-1 K^-1): {where}; write k = ... (or k_z and k_r)")
    if k is not None:
        k_z = k_r = k
    assert k_z is not None and k_r is not None
    try:
        layer = Layer(
            name=name,
            thickness=thickness,
            heat_capacity=heat_capacity,
            k_z=k_z,
            k_r=k_r,
            material=None if material is None else material.name,
        )
    except InputError as exc:
        raise t.error(str(exc)) from None
    values = {"thickness_nm": v["thickness_nm"], "heat_capacity": heat_capacity, "k": k, "k_z": v["k_z"]}
    values["k_r"] = v["k_r"]
    for key, (factor, prefix) in _LAYER_NUMBERS.items():
        err = t.error_of(key, values[key], 1.0 if key != "thickness_nm" else factor)
        if err is not None:
            errors[f"{prefix}_{name}"] = err
    return layer


def _interface(origin: str, index: int, raw: Any, default_name: str, errors: dict[str, float]) -> Interface:
    t = _Table(origin, f"[[interface]] {index + 1}", raw, _INTERFACE_KEYS)
    given = t.string("name")
    name = default_name if given is None else given
    conductance = t.number("conductance", allow_inf=True)
    if conductance is None:
        raise t.error('missing conductance (W m^-2 K^-1, or "inf" for perfect contact)')
    try:
        interface = Interface(name=name, conductance=conductance)
    except InputError as exc:
        raise t.error(str(exc)) from None
    err = t.error_of("conductance", conductance, 1.0)
    if err is not None:
        errors[f"G_{name}"] = err
    return interface


def read_sample(path: str | os.PathLike[str], *, allow_outside: bool = False) -> Sample:
    """The :class:`~kapitza.analysis.thermoreflectance.sample.Sample` described by a TOML file.

    Parameters
    ----------
    path : str or os.PathLike
        The sample file (format: this module's docstring).  A ``material`` given as a relative
        ``.toml`` path is found beside it.
    allow_outside : bool
        Let a ``material`` file lie outside the sample file's folder (``../``, an absolute path, a symbolic
        link leading elsewhere); by default such a name is refused (:func:`kapitza.io.paths.confined`).

    Returns
    -------
    Sample
        SI values; ``errors`` holds the absolute 1-sigma errors given with ``_err`` / ``_rel_err``.

    Raises
    ------
    InputError
        Missing, unreadable, oversized or invalid file; an unknown key (named with its table and
        the keys allowed there); a value of the wrong type or out of range; a missing thickness,
        heat capacity or conductivity; the wrong number of interfaces; a material file outside the
        sample file's folder (without ``allow_outside``).
    """
    p = Path(path)
    origin = f"sample file {str(p)!r}"
    doc = toml_file.read_document(p, "sample file", MAX_SAMPLE_BYTES)
    for key in doc:
        if key not in _TOP_KEYS:
            raise InputError(f"{origin}: unknown top-level key {key!r}; allowed: {', '.join(_TOP_KEYS)}")
    title = doc.get("title", "")
    if not isinstance(title, str):
        raise InputError(f"{origin}: title must be a string, got {type(title).__name__} {title!r}")
    if "laser" not in doc:
        raise InputError(f"{origin}: no [laser] table; give its pump_radius_um and probe_radius_um (or radius_um)")
    raw_layers = doc.get("layer")
    if raw_layers is None:
        raise InputError(f"{origin}: no layers; write one [[layer]] table per layer, top (transducer) first")
    if not isinstance(raw_layers, list):
        raise InputError(f"{origin}: write the layers as [[layer]] tables (double brackets), one per layer")
    if len(raw_layers) > MAX_LAYERS:
        raise InputError(
            f"{origin}: {len(raw_layers)} [[layer]] tables; at most {MAX_LAYERS} are allowed (thermoreflectance "
            "probes a few thermal penetration depths, and every layer adds to the cost of each signal)"
        )
    raw_interfaces = doc.get("interface", [])
    if not isinstance(raw_interfaces, list):
        raise InputError(f"{origin}: write the interfaces as [[interface]] tables (double brackets)")
    if len(raw_interfaces) != len(raw_layers) - 1:
        raise InputError(
            f"{origin}: {len(raw_layers)} layers need {len(raw_layers) - 1} [[interface]] tables (one between each "
            f"pair of neighbours, in order), got {len(raw_interfaces)}"
        )
    errors: dict[str, float] = {}
    laser = _laser(origin, doc["laser"], errors)
    base = p.parent
    layers = [
        _layer(origin, i, raw, i == len(raw_layers) - 1, base, errors, allow_outside)
        for i, raw in enumerate(raw_layers)
    ]
    single = len(raw_interfaces) == 1
    interfaces = [
        _interface(origin, i, raw, "G" if single else f"G{i + 1}", errors) for i, raw in enumerate(raw_interfaces)
    ]
    try:
        return Sample(layers=tuple(layers), interfaces=tuple(interfaces), laser=laser, errors=errors, title=title)
    except InputError as exc:
        raise InputError(f"{origin}: {exc}") from None


# ==================================================================================================
# The data file
# ==================================================================================================

_TIME_UNITS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ns": 1e-9, "ps": 1e-12, "fs": 1e-15}
_FREQ_UNITS = {"hz": 1.0, "khz": 1e3, "mhz": 1e6, "ghz": 1e9}
_PHASE_UNITS = {
    "deg": 1.0,
    "degree": 1.0,
    "degrees": 1.0,
    "°": 1.0,
    "rad": 180.0 / math.pi,
    "radian": 180.0 / math.pi,
    "radians": 180.0 / math.pi,
}
_RATIO_UNITS = ("", "-", "1", "normalized", "normalised", "au", "a.u.", "arb", "arb.units", "arbunits", "none")
_VOLT_UNITS = {"v": 1.0, "mv": 1e-3, "uv": 1e-6, "µv": 1e-6, "μv": 1e-6, "nv": 1e-9}

# normalized name -> kind
_NAMES = {
    **dict.fromkeys(("delay", "time", "t", "delaytime", "td", "tau"), "delay"),
    **dict.fromkeys(("frequency", "freq", "f", "modulationfrequency", "fmod"), "frequency"),
    **dict.fromkeys(("ratio", "-vin/vout", "vin/vout", "-x/y", "x/y", "-in/out"), "ratio"),
    **dict.fromkeys(("vin", "inphase", "x", "vx", "in"), "in_phase"),
    **dict.fromkeys(("vout", "outofphase", "y", "vy", "out", "quadrature"), "out_of_phase"),
    **dict.fromkeys(("phase", "theta", "phi", "θ", "φ"), "phase"),
    **dict.fromkeys(("lag", "phaselag"), "lag"),
    **dict.fromkeys(("amplitude", "amp", "magnitude", "mag", "r"), "amplitude"),
}
_ERROR_WORDS = frozenset(("sigma", "σ", "error", "err", "std", "stdev", "stderr", "uncertainty", "unc", "±"))
_X_KINDS = {"delay": "tdtr", "frequency": "fdtr"}
_MODE_QUANTITIES = {"tdtr": ("ratio", "in_phase", "out_of_phase"), "fdtr": ("phase", "amplitude")}
_UNIT_TOKEN = re.compile(r"^[\(\[](.*)[\)\]]$")
_TOKEN = re.compile(r"\([^)]*\)|\[[^\]]*\]|[^\s()\[\]]+")
#: How an error message quotes text of the data file: :func:`kapitza.io.paths.excerpt` of the file (short and
#: printable, nothing at all through a symbolic link), or ``repr`` for the user's own ``columns=``.
Quote = Callable[[str], str]


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-]", "", text.casefold()) if not text.strip().startswith("-") else "-" + _norm(text[1:])


@dataclass(frozen=True)
class _Column:
    kind: str  # delay, frequency, ratio, in_phase, out_of_phase, phase, lag, amplitude
    unit: str  # as written, "" when none
    error: bool  # an error column of `kind`
    label: str  # as written


def _name_kind(word: str) -> tuple[str, str] | None:
    """(kind, unit) for a name like "Delay", "delay_ps", "phase_deg", "in_phase"; None if unknown."""
    key = _norm(word)
    if key in _NAMES:
        return _NAMES[key], ""
    head, sep, unit = word.rpartition("_")
    if sep and _norm(head) in _NAMES:
        return _NAMES[_norm(head)], unit
    return None


def _error_prefixed(word: str) -> tuple[str, str] | None:
    """(kind, unit) for "ratio_err", "sigma_phase", "err_phase_deg"; None otherwise."""
    parts = word.split("_")
    if len(parts) < 2:
        return None
    if parts[0].casefold() in _ERROR_WORDS:
        return _name_kind("_".join(parts[1:]))
    if parts[-1].casefold() in _ERROR_WORDS:
        return _name_kind("_".join(parts[:-1]))
    return None


def _columns_of(tokens: list[str], where: str, q: Quote = repr) -> list[_Column]:
    """The columns named by header tokens (units in brackets are tokens of their own)."""
    out: list[_Column] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        unit = _UNIT_TOKEN.match(tok)
        if unit:
            if not out or out[-1].unit:
                raise InputError(f"{where}: unit {q(tok)} follows no column name")
            c = out[-1]
            out[-1] = _Column(c.kind, unit.group(1).strip(), c.error, f"{c.label} {tok}")
            i += 1
            continue
        if tok.casefold() in _ERROR_WORDS:
            if not out or out[-1].error or out[-1].kind in _X_KINDS:
                raise InputError(f"{where}: error column {q(tok)} must follow the quantity it belongs to")
            c = out[-1]
            out.append(_Column(c.kind, c.unit, True, tok))
            i += 1
            continue
        prefixed = _error_prefixed(tok)
        if prefixed is not None:
            out.append(_Column(prefixed[0], prefixed[1], True, tok))
            i += 1
            continue
        for n in (3, 2, 1):  # longest phrase first: "Out of phase", "In phase", "Phase lag"
            words = tokens[i : i + n]
            if len(words) < n or any(_UNIT_TOKEN.match(w) for w in words):
                continue
            phrase = _norm(" ".join(words))
            found = (_NAMES[phrase], "") if n > 1 and phrase in _NAMES else _name_kind(words[0]) if n == 1 else None
            if found is not None:
                break
        else:
            known = ", ".join(sorted({k for k in _NAMES if len(k) > 1 and k.isalpha()}))
            raise InputError(
                f"{where}: unknown column name {q(tok)}; known names: {known}, and error columns "
                f"({', '.join(sorted(w for w in _ERROR_WORDS if w.isascii()))})"
            )
        kind, unit_text = found
        label = " ".join(words)
        nxt = tokens[i + n] if i + n < len(tokens) else ""
        if nxt.casefold() in _ERROR_WORDS and any(c.kind == kind and not c.error for c in out):
            # "Ratio  Ratio error", "Vin  Vout  Vin err  Vout err": the error column of a named quantity
            of = next(c for c in out if c.kind == kind and not c.error)
            out.append(_Column(kind, of.unit or unit_text, True, f"{label} {nxt}"))
            i += n + 1
            continue
        out.append(_Column(kind, unit_text, False, label))
        i += n
    return out


def _parse_header(line: str, where: str, q: Quote = repr) -> list[_Column]:
    """Columns of a header line: tab- or comma-separated fields, else words separated by spaces."""
    text = line.strip().lstrip("#").strip()
    if "\t" in text or "," in text:
        fields = [f.strip() for f in re.split(r"[\t,]", text)]
        if any(not f for f in fields):
            raise InputError(f"{where}: an empty column name")
        out: list[_Column] = []
        for field in fields:
            if field.casefold() in _ERROR_WORDS:  # "sigma" alone: the error of the column before
                if not out or out[-1].error or out[-1].kind in _X_KINDS:
                    raise InputError(f"{where}: error column {q(field)} must follow the quantity it belongs to")
                out.append(_Column(out[-1].kind, out[-1].unit, True, field))
                continue
            cols = _columns_of(_TOKEN.findall(field), where, q)
            if len(cols) == 2 and cols[1].error and cols[1].kind == cols[0].kind and not cols[0].error:
                cols = [_Column(cols[0].kind, cols[0].unit, True, field)]  # "Ratio error" in one field
            if len(cols) != 1:
                raise InputError(f"{where}: cannot read the column name {q(field)}")
            out.append(_Column(cols[0].kind, cols[0].unit, cols[0].error, field))
        return out
    return _columns_of(_TOKEN.findall(text), where, q)


def _is_number_row(line: str) -> bool:
    """Whether every field of ``line`` reads as a number (a title such as "80 nm Al" does not)."""
    try:
        for field in _split_row(line):
            float(field)
    except ValueError:
        return False
    return True


def _split_row(line: str) -> list[str]:
    return re.split(r"\s*,\s*|\s+", line.strip())


@result
class TRData:
    """Measured thermoreflectance data, in the model's units.

    Attributes
    ----------
    mode : str
        ``"tdtr"`` (x is the pump-probe delay) or ``"fdtr"`` (x is the modulation frequency).
    x : ndarray, shape (n,)
        Delay in s or modulation frequency in Hz, increasing, > 0.
    quantities : Mapping[str, ndarray of shape (n,)]
        Measured quantities by model name: ``ratio`` (-V_in/V_out), ``in_phase``, ``out_of_phase``
        (TDTR, arbitrary units), ``phase`` (degrees, arg(H): negative = lag), ``amplitude``
        (arbitrary units) (FDTR).
    sigmas : Mapping[str, ndarray of shape (n,)]
        1-sigma errors of some quantities (same units), possibly empty.
    title : str
        The file's free-text title line ("" if none).
    source : str
        The file read.
    columns : tuple of str
        The column names as read (header or ``columns=``).
    notes : tuple of str
        What was done to the data on reading (sign of phases, sorting).
    """

    mode: str
    x: NDArray[np.float64]
    quantities: Mapping[str, NDArray[np.float64]]
    sigmas: Mapping[str, NDArray[np.float64]]
    title: str = ""
    source: str = ""
    columns: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    _summary_fields: ClassVar[tuple[str, ...]] = ("mode", "x", "quantities", "source")

    def __post_init__(self) -> None:
        if self.mode not in _MODE_QUANTITIES:
            raise InputError(f"mode must be 'tdtr' or 'fdtr', got {self.mode!r}")
        x = np.asarray(self.x, dtype=float)
        if x.ndim != 1 or x.size < 3:
            raise InputError(f"TRData needs at least 3 points in a 1-D x, got shape {x.shape}")
        if not np.all(np.isfinite(x)) or np.any(x <= 0) or np.any(np.diff(x) <= 0):
            raise InputError("TRData x must be finite, > 0 and strictly increasing")
        object.__setattr__(self, "x", x)
        for field_name in ("quantities", "sigmas"):
            values = {}
            for key, value in dict(getattr(self, field_name)).items():
                if key not in _MODE_QUANTITIES[self.mode]:
                    raise InputError(
                        f"{self.mode} data hold {', '.join(_MODE_QUANTITIES[self.mode])}; got {field_name} {key!r}"
                    )
                a = np.asarray(value, dtype=float)
                if a.shape != x.shape or not np.all(np.isfinite(a)):
                    raise InputError(f"{field_name}[{key!r}] must be {x.size} finite numbers, one per x")
                values[key] = a
            object.__setattr__(self, field_name, values)
        if not self.quantities:
            raise InputError("TRData needs at least one measured quantity")
        for key in self.sigmas:
            if key not in self.quantities:
                raise InputError(f"sigma given for {key!r}, which has no data")
            if np.any(self.sigmas[key] <= 0):
                raise InputError(f"the errors of {key} must be > 0")


def _read_lines(path: Path) -> list[str]:
    where = f"data file {str(path)!r}"
    if not path.exists():
        raise InputError(f"{where} does not exist")
    if path.is_dir():
        raise InputError(f"{where} is a folder; give a text file")
    if not path.is_file():
        raise InputError(f"{where} is not a file")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_DATA_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read {where}: {exc.strerror or exc}") from None
    if len(data) > MAX_DATA_BYTES:
        raise InputError(f"{where} is larger than {MAX_DATA_BYTES / 1e6:g} MB; not a thermoreflectance data file")
    if b"\0" in data:
        raise InputError(f"{where} holds NUL bytes; is it a binary file? Give a text file of numbers")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{where} is not UTF-8 text (byte {exc.start}); is it a binary file?") from None
    return text.splitlines()


def _unit_factor(col: _Column, where: str, q: Quote = repr) -> float:
    unit = col.unit.strip()
    low = unit.casefold().replace(" ", "")
    if col.kind == "delay":
        factor = _TIME_UNITS.get(low) or _TIME_UNITS.get(unit)
        if not unit:
            raise InputError(f"{where}: give the delay's unit, e.g. 'Delay (ps)' (units: {', '.join(_TIME_UNITS)})")
        if factor is None:
            raise InputError(f"{where}: unknown time unit {q(unit)} of {q(col.label)}; units: {', '.join(_TIME_UNITS)}")
        return factor
    if col.kind == "frequency":
        if not unit:
            raise InputError(f"{where}: give the frequency's unit, e.g. 'Frequency (Hz)' (units: Hz, kHz, MHz, GHz)")
        if low not in _FREQ_UNITS:
            raise InputError(f"{where}: unknown frequency unit {q(unit)} of {q(col.label)}; units: Hz, kHz, MHz, GHz")
        return _FREQ_UNITS[low]
    if col.kind in ("phase", "lag"):
        if not unit:
            raise InputError(f"{where}: give the phase's unit, e.g. 'Phase (deg)' or 'Phase (rad)'")
        if low not in _PHASE_UNITS:
            raise InputError(f"{where}: unknown phase unit {q(unit)} of {q(col.label)}; units: deg, degree, rad")
        return _PHASE_UNITS[low]
    if col.kind == "ratio":
        if low not in _RATIO_UNITS:
            raise InputError(f"{where}: the ratio has no unit; got {q(unit)} in {q(col.label)}")
        return 1.0
    if col.kind in ("in_phase", "out_of_phase"):
        return _VOLT_UNITS.get(low, 1.0)
    return 1.0  # amplitude: arbitrary units


def read_data(path: str | os.PathLike[str], *, mode: str | None = None, columns: str | None = None) -> TRData:
    """Measured TDTR or FDTR data from a text file (format: this module's docstring).

    Parameters
    ----------
    path : str or os.PathLike
        The data file: an optional title line, an optional header, then rows of 2 to 6 numbers.
    mode : {"tdtr", "fdtr"}, optional
        Checked against the mode that the x column implies (delay: tdtr, frequency: fdtr).
    columns : str, optional
        Comma-separated column names with units, e.g. ``"delay_ps,ratio"`` or
        ``"frequency_hz,phase_deg,amplitude"``; needed when the file has no header, replaces it
        otherwise.

    Returns
    -------
    TRData
        x in s (delay) or Hz (frequency), increasing; phases in degrees, negative = lag.

    Raises
    ------
    InputError
        One line naming the file (and the line) for each thing refused; see the module docstring.
    """
    p = Path(path)
    origin = f"data file {str(p)!r}"
    if isinstance(mode, str):
        mode = mode.strip().lower()
    if mode is not None and mode not in _MODE_QUANTITIES:
        raise InputError(f"mode= must be 'tdtr' or 'fdtr', got {mode!r}")
    if columns is not None and (not isinstance(columns, str) or not columns.strip()):
        raise InputError(f"columns= must be comma-separated names such as 'delay_ps,ratio', got {columns!r}")
    lines = _read_lines(p)

    def q(text: str) -> str:
        return excerpt(p, text)

    scan = _Scan()
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if scan.rows or _is_number_row(line):
            if not line.startswith("#"):
                _add_row(scan, origin, number, line)
            continue
        _text_line(scan, f"{origin}: line {number}", line, columns, q)
    header, header_where = scan.header, scan.header_where
    if columns is not None:
        header, header_where = _parse_header(columns, "columns="), "columns="
    if header is None:
        raise _no_header(origin, scan.title_why)
    title, rows, header_text = scan.title, scan.rows, scan.header_text
    return _build(origin, header, header_where, rows, mode, title, str(p), columns, header_text, q)


@dataclass
class _Scan:
    """What :func:`read_data` has read so far: title, header (and where), data rows."""

    title: str = ""
    header: list[_Column] | None = None
    header_text: str = ""
    header_where: str = ""
    rows: list[tuple[int, list[str]]] = dataclasses.field(default_factory=list)
    seen_text: bool = False  # a non-empty, non-numeric line came before
    title_why: InputError | None = None  # why the title line is not a header


def _add_row(scan: _Scan, origin: str, number: int, line: str) -> None:
    """Append a data row, refusing more than MAX_DATA_ROWS."""
    scan.rows.append((number, _split_row(line)))
    if len(scan.rows) > MAX_DATA_ROWS:
        raise InputError(
            f"{origin}: line {number}: more than {MAX_DATA_ROWS} data rows; average or decimate the "
            f"data to at most {MAX_DATA_ROWS} rows (a fit costs ~0.3 ms per delay per model evaluation)"
        )


def _text_line(scan: _Scan, where: str, line: str, columns: str | None, q: Quote) -> None:
    """A non-numeric line before the data: the header, else the title (first text line), else a comment.

    Without columns= the first line that parses as a header (two columns or more) is the header; with
    columns= the file's own header line is skipped (columns= replaces it).  Any other text line is refused.
    """
    comment = line.startswith("#")
    body = line.lstrip("#").strip()
    if not body:
        return
    why: InputError | None = None  # why this line is not a header
    if scan.header is None and columns is None:
        try:
            found = _parse_header(body, where, q)
            if len(found) < 2:
                raise InputError(f"{where}: a header names at least two columns, x first")
            scan.header, scan.header_text, scan.header_where = found, body, where
            scan.seen_text = True
            return
        except InputError as exc:
            why = exc
    if not scan.seen_text and scan.header is None:
        scan.title, scan.seen_text, scan.title_why = body, True, why
        return
    if comment:
        return
    if columns is not None and not scan.header_text:
        scan.header_text = body  # a header that columns= replaces
        return
    if why is not None:
        raise why
    raise InputError(f"{where}: expected a row of numbers, got {q(line)}")


def _no_header(origin: str, title_why: InputError | None) -> InputError:
    """The error for a file with no header and no columns=, saying why the title line was not one."""
    why_not = ""
    if title_why is not None:
        why_not = f" (the first line was read as a title, not a header: {str(title_why).removeprefix(origin + ': ')})"
    return InputError(
        f"{origin}: no header naming the columns{why_not}; add one (e.g. 'Delay (ps)  Ratio' or "
        "'Frequency (Hz)  Phase (deg)') or give columns= (CLI --columns), e.g. 'delay_ps,ratio'"
    )


def _build(
    origin: str,
    header: list[_Column],
    hwhere: str,
    rows: list[tuple[int, list[str]]],
    mode: str | None,
    title: str,
    source: str,
    columns: str | None,
    header_text: str,
    q_file: Quote = repr,
) -> TRData:
    """The checked :class:`TRData` of a parsed header and its rows: validate, convert to SI, derive.

    Parameters
    ----------
    origin : str
        The file, as messages name it.
    header : list of _Column
        The columns, x first (from the file's header or from ``columns=``).
    hwhere : str
        Where the header was read, as messages name it.
    rows : list of (int, list of str)
        The data rows: line number and fields.
    mode : {"tdtr", "fdtr"} or None
        The mode the caller asked for, checked against the x column.
    title, source : str
        Carried into the result.
    columns : str or None
        The user's ``columns=``; None when the header came from the file.
    header_text : str
        The header line's text (unused here; kept for the caller's signature).
    q_file : callable
        Quotes text from the file for a message.
    """
    q = repr if columns is not None else q_file  # the column labels: the user's columns=, or the file's header

    def named(col: _Column) -> str:
        """A column's label unquoted in a message about its values (its kind when read through a link)."""
        if columns is None and through_link(source):
            return col.kind
        return q(col.label)[1:-1]

    data_mode = _check_header(header, hwhere, mode, q)
    factors = [_unit_factor(c, hwhere, q) for c in header]
    _check_voltage_units(header, hwhere)
    table, line_of = _read_rows(origin, header, rows, columns, q, q_file, named)
    notes: list[str] = []
    xs, table, line_of = _sort_by_x(origin, header[0], _si(table[:, 0], factors[0]), table, line_of, notes)
    values, sigmas, lag = _quantities(origin, header, factors, table, line_of, q)
    _normalise_phase(origin, values, lag, line_of, notes)
    _check_amplitude(origin, values, line_of)
    _ratio_from_voltages(origin, hwhere, values, sigmas, line_of, notes)
    # keep the model's order of quantities
    order_q = _MODE_QUANTITIES[data_mode]
    return TRData(
        mode=data_mode,
        x=xs,
        quantities={k: values[k] for k in order_q if k in values},
        sigmas={k: sigmas[k] for k in order_q if k in sigmas},
        title=title,
        source=source,
        columns=tuple(c.label for c in header),
        notes=tuple(notes),
    )


def _quantity_kind(col: _Column) -> str:
    """The quantity a column holds; a phase lag is a phase (negated later)."""
    return "phase" if col.kind == "lag" else col.kind


_WRONG_MODE_HINT = {
    "ratio": "the ratio -Vin/Vout is a TDTR quantity (x = delay)",
    "in_phase": "V_in is a TDTR quantity (x = delay)",
    "out_of_phase": "V_out is a TDTR quantity (x = delay)",
    "phase": "a phase against delay is not a TDTR observable: give Ratio, or Vin and Vout",
    "amplitude": "an amplitude against delay is not a TDTR observable: give Ratio, or Vin and Vout",
}


def _check_header(header: list[_Column], where: str, mode: str | None, q: Quote) -> str:
    """The data mode ("tdtr" or "fdtr") of a header, after checking its columns make one data set.

    2 to 6 columns; x (delay or frequency) first and only first; each quantity belongs to the mode,
    appears once, and each error column has its quantity column.
    """
    if not 2 <= len(header) <= 6:
        raise InputError(f"{where}: {len(header)} columns; a data file has 2 to 6 (x, quantities and their errors)")
    x_col = header[0]
    if x_col.kind not in _X_KINDS or x_col.error:
        raise InputError(f"{where}: the first column must be the delay or the frequency, got {q(x_col.label)}")
    data_mode = _X_KINDS[x_col.kind]
    if mode is not None and mode != data_mode:
        raise InputError(f"{where}: mode={mode!r} but the first column is the {x_col.kind} ({data_mode} data)")
    seen: set[tuple[str, bool]] = set()
    for col in header[1:]:
        if col.kind in _X_KINDS:
            raise InputError(f"{where}: {q(col.label)}: only the first column may be the delay or frequency")
        kind = _quantity_kind(col)
        if kind not in _MODE_QUANTITIES[data_mode]:
            raise InputError(f"{where}: column {q(col.label)} in {data_mode} data: {_WRONG_MODE_HINT[kind]}")
        if (kind, col.error) in seen:
            raise InputError(f"{where}: column {q(col.label)} repeats a quantity")
        seen.add((kind, col.error))
    for col in header[1:]:
        if col.error and (_quantity_kind(col), False) not in seen:
            raise InputError(f"{where}: error column {q(col.label)} without its quantity")
    if ("phase", False) in seen and sum(c.kind in ("phase", "lag") and not c.error for c in header) > 1:
        raise InputError(f"{where}: two phase columns")
    return data_mode


def _check_voltage_units(header: list[_Column], where: str) -> None:
    """Refuse V_in and V_out in different units (unless both are volt units): -Vin/Vout needs one unit."""
    vin = next((c for c in header if c.kind == "in_phase" and not c.error), None)
    vout = next((c for c in header if c.kind == "out_of_phase" and not c.error), None)
    if vin is None or vout is None:
        return
    same = vin.unit.casefold() == vout.unit.casefold()
    volts = vin.unit.casefold() in _VOLT_UNITS and vout.unit.casefold() in _VOLT_UNITS
    if not (same or volts):
        raise InputError(
            f"{where}: V_in ({vin.unit or 'no unit'}) and V_out ({vout.unit or 'no unit'}) "
            "need the same unit for the ratio -Vin/Vout"
        )


def _read_rows(
    origin: str,
    header: list[_Column],
    rows: list[tuple[int, list[str]]],
    columns: str | None,
    q: Quote,
    q_file: Quote,
    named: Callable[[_Column], str],
) -> tuple[np.ndarray, np.ndarray]:
    """The rows as a float table in the file's units, shape (rows, columns), and each row's line number.

    Every row has one value per column, each a finite number within +-MAX_DATA_VALUE; at least 3 rows.
    """
    ncol = len(header)
    table = np.empty((len(rows), ncol))
    line_of = np.empty(len(rows), dtype=int)
    for i, (number, fields) in enumerate(rows):
        lw = f"{origin}: line {number}"
        if len(fields) != ncol:
            names = "columns= names" if columns is not None else "the header names"
            raise InputError(
                f"{lw}: {len(fields)} values, {names} {ncol} columns ({', '.join(q(c.label) for c in header)})"
            )
        for j, field in enumerate(fields):
            table[i, j] = _data_value(field, lw, named(header[j]), q_file)
        line_of[i] = number
    if len(rows) < 3:
        raise InputError(f"{origin}: {len(rows)} data rows; a fit needs at least 3")
    return table, line_of


def _data_value(field: str, lw: str, label: str, q_file: Quote) -> float:
    """One field of a data row as a finite float within +-MAX_DATA_VALUE (``lw`` names the line)."""
    try:
        value = float(field)
    except ValueError:
        raise InputError(f"{lw}: {q_file(field)} is not a number") from None
    if not math.isfinite(value):
        raise InputError(f"{lw}: {label} is {value:g}; every value must be a finite number")
    if abs(value) > MAX_DATA_VALUE:
        raise InputError(
            f"{lw}: {label} is {value:g}; a measured value beyond +-{MAX_DATA_VALUE:g} is not "
            "physical (an export or unit error?)"
        )
    return value


def _sort_by_x(
    origin: str, x_col: _Column, x: np.ndarray, table: np.ndarray, line_of: np.ndarray, notes: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x (SI) increasing with the table and line numbers in its order; x > 0 and no x twice.

    Appends a note to ``notes`` when the rows had to be reordered.
    """
    bad = np.flatnonzero(x <= 0)
    if bad.size:
        i = int(bad[0])
        raise InputError(
            f"{origin}: line {line_of[i]}: {x_col.kind} {table[i, 0]:g} {x_col.unit}; every {x_col.kind} must be > 0"
            + (" (remove the rows before time zero)" if x_col.kind == "delay" else "")
        )
    order = np.argsort(x, kind="stable")
    xs = x[order]
    dup = np.flatnonzero(np.diff(xs) == 0)
    if dup.size:
        a, b = sorted((int(line_of[order[dup[0]]]), int(line_of[order[dup[0] + 1]])))
        raise InputError(
            f"{origin}: lines {a} and {b} have the same {x_col.kind} {table[order[dup[0]], 0]:g} {x_col.unit}"
        )
    if np.any(order != np.arange(order.size)):
        notes.append(f"rows sorted by increasing {x_col.kind}")
    return xs, table[order], line_of[order]


def _quantities(
    origin: str,
    header: list[_Column],
    factors: list[float],
    table: np.ndarray,
    line_of: np.ndarray,
    q: Quote,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], bool]:
    """The quantity columns (SI) by kind, their error columns (each error > 0), and whether a phase is a lag."""
    values: dict[str, np.ndarray] = {}
    sigmas: dict[str, np.ndarray] = {}
    lag = False
    for j, col in enumerate(header[1:], start=1):
        column = _si(table[:, j], factors[j])
        if col.error:
            bad = np.flatnonzero(column <= 0)
            if bad.size:
                i = int(bad[0])
                raise InputError(f"{origin}: line {line_of[i]}: error {table[i, j]:g} of {q(col.label)} must be > 0")
            sigmas[_quantity_kind(col)] = column
        else:
            values[_quantity_kind(col)] = column
            lag = lag or col.kind == "lag"
    return values, sigmas, lag


def _normalise_phase(
    origin: str, values: dict[str, np.ndarray], lag: bool, line_of: np.ndarray, notes: list[str]
) -> None:
    """Check the phase (degrees) is within +-360 and make it arg(H), negative = lag, noting a negation.

    A column named as a lag, or one whose phases are all > 0, is read as a lag and negated.
    """
    if "phase" not in values:
        return
    phase = values["phase"]
    bad = np.flatnonzero(np.abs(phase) > 360)
    if bad.size:
        i = int(bad[0])
        raise InputError(
            f"{origin}: line {line_of[i]}: phase {phase[i]:g} degrees is beyond +-360 degrees; is the unit right?"
        )
    if lag:
        values["phase"] = -phase
        notes.append("phase lags negated: kapitza's phase is arg(H), negative = lag")
    elif np.all(phase > 0):
        values["phase"] = -phase
        notes.append("all phases > 0, read as lags and negated: kapitza's phase is arg(H), negative = lag")


def _check_amplitude(origin: str, values: dict[str, np.ndarray], line_of: np.ndarray) -> None:
    """Refuse a negative amplitude."""
    if "amplitude" not in values:
        return
    bad = np.flatnonzero(values["amplitude"] < 0)
    if bad.size:
        i = int(bad[0])
        raise InputError(f"{origin}: line {line_of[i]}: amplitude {values['amplitude'][i]:g} must be >= 0")


def _ratio_from_voltages(
    origin: str,
    where: str,
    values: dict[str, np.ndarray],
    sigmas: dict[str, np.ndarray],
    line_of: np.ndarray,
    notes: list[str],
) -> None:
    """Add the ratio -V_in/V_out (and its error, propagated to first order) when both voltages are given.

    sigma_ratio = hypot(sigma_in / V_out, V_in sigma_out / V_out^2), the linear propagation of independent
    errors through r = -V_in/V_out.
    """
    if "in_phase" not in values or "out_of_phase" not in values:
        return
    if "ratio" in values:
        raise InputError(f"{where}: give the ratio or V_in and V_out, not both")
    vin_v, vout_v = values["in_phase"], values["out_of_phase"]
    bad = np.flatnonzero(vout_v == 0)
    if bad.size:
        i = int(bad[0])
        raise InputError(f"{origin}: line {line_of[i]}: V_out is 0; the ratio -Vin/Vout is undefined")
    values["ratio"] = -vin_v / vout_v
    if "in_phase" in sigmas and "out_of_phase" in sigmas:
        s_in, s_out = sigmas["in_phase"], sigmas["out_of_phase"]
        sigmas["ratio"] = np.hypot(s_in / vout_v, vin_v * s_out / vout_v**2)
    notes.append("ratio computed as -V_in/V_out")
