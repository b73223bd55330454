"""The sample of a thermoreflectance experiment: layers, interfaces, laser, and the named parameters.

A :class:`Sample` is a stack of :class:`Layer` objects, top (the metal transducer, where the pump
is absorbed and the probe reads the temperature) first, with one :class:`Interface` between each
pair of neighbours, and a :class:`Laser`.  Everything is SI inside: thickness and radii in m,
volumetric heat capacity in J m^-3 K^-1, conductivities in W m^-1 K^-1, interface conductance
in W m^-2 K^-1, frequencies in Hz.

The last layer is the substrate: ``thickness = inf`` makes it semi-infinite; a finite last layer
has an adiabatic back face.

Parameters are addressed by name (``Sample.parameters()``, ``Sample.with_parameters``), the names a
user types after ``--fit``:

=================  ==========================================================================
``d_<layer>``      thickness, m
``C_<layer>``      volumetric heat capacity, J m^-3 K^-1
``kz_<layer>``     cross-plane conductivity, W m^-1 K^-1
``kr_<layer>``     in-plane conductivity, W m^-1 K^-1
``k_<layer>``      both (isotropic layers only, where kz = kr)
``G_<interface>``  interface conductance, W m^-2 K^-1; plain ``G`` when there is one interface
``w_pump``         pump 1/e^2 radius, m
``w_probe``        probe 1/e^2 radius, m
``w``              both (only when the laser was given as one effective radius)
=================  ==========================================================================
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from ... import _checks
from ...errors import InputError

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")

#: Most layers a sample may have.  Every layer adds one step of the impedance recursion at every Hankel node
#: and every frequency (a TDTR signal sums up to 2^17 frequencies), so the cost grows with the layer count: a
#: 3,001-layer stack takes minutes per signal and a fit needs hundreds of signals.  Thermoreflectance probes a
#: few thermal penetration depths (~0.1-10 um at 0.1-20 MHz), so no measurement resolves more than a handful
#: of buried layers; 100 is far beyond any stack whose parameters the data could determine.
MAX_LAYERS = 100


@dataclass(frozen=True)
class Layer:
    """One layer.  ``thickness`` in m (inf: semi-infinite, last layer only); ``heat_capacity`` in
    J m^-3 K^-1 (volumetric); ``k_z`` / ``k_r`` cross-plane / in-plane conductivity in W m^-1 K^-1."""

    name: str
    thickness: float
    heat_capacity: float
    k_z: float
    k_r: float
    material: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise InputError(f"layer name {self.name!r} must be letters and digits, starting with a letter")
        object.__setattr__(
            self, "thickness", _checks.positive(self.thickness, f"layer {self.name!r} thickness", "m", inf=True)
        )
        for attr, what, unit in (
            ("heat_capacity", "heat capacity", "J m^-3 K^-1"),
            ("k_z", "cross-plane conductivity", "W m^-1 K^-1"),
            ("k_r", "in-plane conductivity", "W m^-1 K^-1"),
        ):
            object.__setattr__(self, attr, _checks.positive(getattr(self, attr), f"layer {self.name!r} {what}", unit))

    @property
    def isotropic(self) -> bool:
        return self.k_z == self.k_r


@dataclass(frozen=True)
class Interface:
    """The conductance (W m^-2 K^-1, > 0; inf = perfect contact) between two neighbouring layers."""

    name: str
    conductance: float

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise InputError(f"interface name {self.name!r} must be letters and digits, starting with a letter")
        object.__setattr__(
            self,
            "conductance",
            _checks.positive(self.conductance, f"interface {self.name!r} conductance", "W m^-2 K^-1", inf=True),
        )


@dataclass(frozen=True)
class Laser:
    """Pump and probe 1/e^2 radii (m), repetition rate and modulation frequency (Hz).

    ``effective_radius=True`` records that the user gave one effective radius (then
    ``pump_radius == probe_radius`` and the Gaussian weight is exp(-u^2 w^2 / 4), i.e. the combined
    1/e^2 radius sqrt((w_pump^2 + w_probe^2)/2) = w).  ``absorbed_power`` (W, optional) is the
    pump power absorbed in the transducer, used for the steady-heating estimate only.
    """

    pump_radius: float
    probe_radius: float
    repetition_rate: float = 80e6
    modulation_frequency: float = 10e6
    absorbed_power: float | None = None
    effective_radius: bool = False

    def __post_init__(self) -> None:
        for attr, what, unit in (
            ("pump_radius", "pump radius", "m"),
            ("probe_radius", "probe radius", "m"),
            ("repetition_rate", "repetition rate", "Hz"),
            ("modulation_frequency", "modulation frequency", "Hz"),
        ):
            object.__setattr__(self, attr, _checks.positive(getattr(self, attr), what, unit))
        if self.absorbed_power is not None:
            object.__setattr__(
                self, "absorbed_power", _checks.positive(self.absorbed_power, "absorbed pump power", "W")
            )
        if self.effective_radius and self.pump_radius != self.probe_radius:
            raise InputError("an effective radius means one radius for pump and probe")
        if self.modulation_frequency >= self.repetition_rate / 2:
            raise InputError(
                f"modulation frequency {self.modulation_frequency:g} Hz must be below half the repetition rate "
                f"({self.repetition_rate / 2:g} Hz)"
            )


@dataclass(frozen=True)
class Sample:
    """Layers (top first), the interfaces between them, the laser, and the fixed inputs' 1-sigma errors.

    ``errors`` maps parameter names (see the module docstring) to absolute 1-sigma errors in SI;
    they are propagated into the fitted parameters' uncertainty.  ``title`` is free text.
    """

    layers: tuple[Layer, ...]
    interfaces: tuple[Interface, ...]
    laser: Laser
    errors: Mapping[str, float] = field(default_factory=dict)
    title: str = ""

    def __post_init__(self) -> None:
        layers = tuple(self.layers)
        interfaces = tuple(self.interfaces)
        if not layers:
            raise InputError("the sample needs at least one layer")
        if len(layers) > MAX_LAYERS:
            raise InputError(
                f"the sample has {len(layers)} layers; at most {MAX_LAYERS} are allowed (thermoreflectance probes "
                "a few thermal penetration depths, and every layer adds to the cost of each signal)"
            )
        if len(interfaces) != len(layers) - 1:
            raise InputError(
                f"{len(layers)} layers need {len(layers) - 1} interfaces (one between each pair), got {len(interfaces)}"
            )
        for layer in layers[:-1]:
            if math.isinf(layer.thickness):
                raise InputError(f"only the last layer may be semi-infinite; layer {layer.name!r} has no thickness")
        names = [x.name for x in layers] + [x.name for x in interfaces]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise InputError(f"layer and interface names must be unique; repeated: {', '.join(dup)}")
        object.__setattr__(self, "layers", layers)
        object.__setattr__(self, "interfaces", interfaces)
        known = self.parameters()
        errors = {}
        for key, value in dict(self.errors).items():
            if key not in known:
                raise InputError(f"error given for unknown parameter {key!r}; parameters: {', '.join(known)}")
            errors[key] = _checks.non_negative(value, f"the error of {key}", "in the parameter's unit")
        object.__setattr__(self, "errors", MappingProxyType(errors))

    # --- named parameters -------------------------------------------------------------------
    def parameters(self) -> dict[str, float]:
        """Every parameter by name (SI), in stack order; see the module docstring for the names."""
        out: dict[str, float] = {}
        for i, layer in enumerate(self.layers):
            out[f"d_{layer.name}"] = layer.thickness
            out[f"C_{layer.name}"] = layer.heat_capacity
            if layer.isotropic:
                out[f"k_{layer.name}"] = layer.k_z
            out[f"kz_{layer.name}"] = layer.k_z
            out[f"kr_{layer.name}"] = layer.k_r
            if i < len(self.interfaces):
                out[f"G_{self.interfaces[i].name}"] = self.interfaces[i].conductance
        if len(self.interfaces) == 1 and "G" not in out:
            out["G"] = self.interfaces[0].conductance
        if self.laser.effective_radius:
            out["w"] = self.laser.pump_radius
        out["w_pump"] = self.laser.pump_radius
        out["w_probe"] = self.laser.probe_radius
        return out

    def check_names(self, names: Any, what: str = "parameter") -> tuple[str, ...]:
        """``names`` as a tuple, each a known parameter (InputError naming the unknown and the known)."""
        names = tuple(names)
        known = self.parameters()
        bad = [n for n in names if n not in known]
        if bad:
            shown = [k for k in known if not (len(self.interfaces) == 1 and k == f"G_{self.interfaces[0].name}")]
            raise InputError(f"unknown {what} {', '.join(map(repr, bad))}; this sample has: {', '.join(shown)}")
        return names

    def quantities_of(self, name: str) -> set[str]:
        """The independent quantities a parameter name sets: ``k_X`` sets kz_X and kr_X, ``w`` both radii,
        plain ``G`` the one interface's ``G_<name>``; any other name sets itself."""
        if name == "G":
            return {f"G_{self.interfaces[0].name}"}
        if name == "w":
            return {"w_pump", "w_probe"}
        key, _, target = name.partition("_")
        if key == "k":
            return {f"kz_{target}", f"kr_{target}"}
        return {name}

    def with_parameters(self, values: Mapping[str, float]) -> Sample:
        """A copy with the named parameters set (SI).  ``k_<layer>`` sets kz and kr; ``w`` sets both radii."""
        self.check_names(values)
        layers = {x.name: x for x in self.layers}
        interfaces = {x.name: x for x in self.interfaces}
        laser = self.laser
        for name, value in values.items():
            key, _, target = name.partition("_")
            if name == "G":
                target = self.interfaces[0].name
                interfaces[target] = replace(interfaces[target], conductance=value)
            elif name == "w":
                laser = replace(laser, pump_radius=value, probe_radius=value)
            elif name == "w_pump":
                laser = replace(laser, pump_radius=value, effective_radius=False)
            elif name == "w_probe":
                laser = replace(laser, probe_radius=value, effective_radius=False)
            elif key == "G":
                interfaces[target] = replace(interfaces[target], conductance=value)
            else:
                attr = {
                    "d": ("thickness",),
                    "C": ("heat_capacity",),
                    "k": ("k_z", "k_r"),
                    "kz": ("k_z",),
                    "kr": ("k_r",),
                }[key]
                layers[target] = replace(layers[target], **{a: value for a in attr})
        return replace(
            self,
            layers=tuple(layers[x.name] for x in self.layers),
            interfaces=tuple(interfaces[x.name] for x in self.interfaces),
            laser=laser,
        )
