"""The stack file: a layered structure and its operating conditions in TOML (``kapitza stack FILE``).

Format (units in the key names or in the comments; everything else is refused, so a typo cannot pass)::

    title = "100 nm Al on Si"          # optional
    heat_flux = 1e8                    # W m^-2, from the first layer towards the last
    sink_temperature = 300.0           # K, at the far face of the last layer

    [[layer]]                          # the heated face first
    name = "Al"                        # optional label (default: the material)
    material = "Al"                    # kappa(T) from the database (kapitza.materials.conductivity)
    thickness_nm = 100.0               # or thickness_um, or thickness_m
    # conductivity = 200.0             # W m^-1 K^-1: a fixed value (overrides the table for this layer)

    [[interface]]                      # between layer 1 and layer 2; one per neighbouring pair, in order
    resistance = "dmm"                 # a model at the local T (the two layers' materials), "dmm:Al/Si",
                                       # a number (m^2 K W^-1), "G=2e8", "power:R0,T0,n" or "fit.json#G"
    # conductance = 2e8                # W m^-2 K^-1, instead of resistance

    [[layer]]
    material = "Si"
    thickness_um = 500.0

Relative paths of result files and material files (``material = "mine.toml"`` or ``"mine.toml:Name"``) are
read from the stack file's folder, as in a thermoreflectance sample file, and must lie at or below it
(:func:`kapitza.io.paths.confined`: no ``../``, absolute paths or symbolic links leading elsewhere) unless
``allow_outside=True`` (``kapitza stack --allow-outside``).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any, ClassVar

from ..errors import InputError
from ..io import toml_file
from ..io.paths import confined
from ..io.results import result
from .stack import MAX_LAYERS, Stack, make_stack

__all__ = ["StackFile", "read_stack"]

#: Largest stack file read, bytes.
MAX_STACK_BYTES = 1_000_000
_THICKNESS = {"thickness_m": 1.0, "thickness_um": 1e-6, "thickness_nm": 1e-9}
_LAYER_KEYS = {"name", "material", "conductivity", *_THICKNESS}
_INTERFACE_KEYS = {"name", "resistance", "conductance"}
_TOP_KEYS = {"title", "heat_flux", "sink_temperature", "layer", "interface"}


@result
class StackFile:
    """A stack file read: the stack and its operating conditions.

    Attributes
    ----------
    stack : Stack
    heat_flux : float or None
        W m^-2 (None when the file does not give it).
    sink_temperature : float or None
        K.
    title : str
    path : str
    """

    stack: Stack
    heat_flux: float | None
    sink_temperature: float | None
    title: str
    path: str

    _summary_fields: ClassVar[tuple[str, ...]] = ("path", "title")


def _number(value: Any, where: str, unit: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"{where} must be a number ({unit}), got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise InputError(f"{where} must be finite ({unit}), got {x:g}")
    return x


def _beside(spec: str, folder: Path, where: str, allow_outside: bool) -> str:
    """A material file named relative to the stack file ("mine.toml" or "mine.toml:Name") is read from its folder;
    any spec that names a file (:func:`kapitza.materials.database.material_file`) must lie at or below it."""
    from ..materials.database import material_file

    path_part = material_file(spec)
    if path_part is not None:
        confined(path_part, folder, f"{where} material file", allow_outside)
        if not path_part.is_absolute():
            return str(folder / spec)
    return spec


def _model_files(spec: str, folder: Path, where: str, allow_outside: bool) -> Any:
    """A ``"MODEL:A/B"`` resistance whose sides name material files: the files read beside the stack file (and
    confined to its folder, as every file it names), the source built from them; None for any other spec (the
    model's database names included: :func:`kapitza.devices.sources.resistance_source` reads those)."""
    from ..materials import get_material
    from ..materials.database import material_file
    from ..prediction import available_models
    from .sources import PredictedResistance

    model, sep, pair = spec.partition(":")
    sides = pair.split("/")
    if not sep or model.strip().lower() not in available_models() or len(sides) != 2:
        return None
    files = [material_file(side.strip()) for side in sides]
    if all(f is None for f in files):
        return None
    materials = []
    for side, path in zip(sides, files, strict=True):
        if path is not None:
            confined(path, folder, f"{where} material file", allow_outside)
            side = side.strip() if path.is_absolute() else str(folder / side.strip())
        try:
            materials.append(get_material(side.strip()))
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
    return PredictedResistance(model.strip().lower(), materials[0], materials[1])


def _layer(raw: Any, i: int, origin: str, folder: Path, allow_outside: bool) -> dict[str, Any]:
    where = f"{origin}: layer {i + 1}"
    if not isinstance(raw, dict):
        raise InputError(f"{where} must be a table ([[layer]])")
    unknown = set(raw) - _LAYER_KEYS
    if unknown:
        raise InputError(f"{where}: unknown keys {sorted(unknown)}; allowed: {', '.join(sorted(_LAYER_KEYS))}")
    given = [k for k in _THICKNESS if k in raw]
    if len(given) != 1:
        raise InputError(f"{where} needs exactly one of thickness_nm, thickness_um, thickness_m")
    d = _number(raw[given[0]], f"{where} {given[0]}", given[0].split("_")[1])
    if d <= 0:
        raise InputError(f"{where}: {given[0]} must be > 0, got {d:g}")
    out: dict[str, Any] = {"thickness": d * _THICKNESS[given[0]]}
    if "conductivity" in raw:
        k = _number(raw["conductivity"], f"{where} conductivity", "W m^-1 K^-1")
        if k <= 0:
            raise InputError(f"{where}: conductivity must be > 0 W m^-1 K^-1, got {k:g}")
        out["conductivity"] = k
    if "material" in raw:
        if not isinstance(raw["material"], str) or not raw["material"].strip():
            raise InputError(f"{where}: material must be a name, got {raw['material']!r}")
        out["material"] = _beside(raw["material"].strip(), folder, where, allow_outside)
    if "name" in raw:
        out["name"] = str(raw["name"])
    if "material" not in out and "conductivity" not in out:
        raise InputError(f"{where} needs a material or a conductivity (W m^-1 K^-1)")
    return out


def _interface(raw: Any, i: int, origin: str, folder: Path, allow_outside: bool) -> Any:
    where = f"{origin}: interface {i + 1}"
    if not isinstance(raw, dict):
        raise InputError(f"{where} must be a table ([[interface]])")
    unknown = set(raw) - _INTERFACE_KEYS
    if unknown:
        raise InputError(f"{where}: unknown keys {sorted(unknown)}; allowed: resistance, conductance, name")
    if ("resistance" in raw) == ("conductance" in raw):
        raise InputError(f"{where} needs exactly one of resistance (m^2 K W^-1 or a spec) and conductance")
    if "conductance" in raw:
        g = _number(raw["conductance"], f"{where} conductance", "W m^-2 K^-1")
        if g <= 0:
            raise InputError(f"{where}: conductance must be > 0 W m^-2 K^-1, got {g:g}")
        return 1.0 / g
    spec = raw["resistance"]
    if isinstance(spec, bool):
        raise InputError(f"{where}: resistance must be a number or a string, got {spec!r}")
    if isinstance(spec, (int, float)):
        return _number(spec, f"{where} resistance", "m^2 K W^-1")
    if not isinstance(spec, str):
        raise InputError(f"{where}: resistance must be a number or a string, got {spec!r}")
    model = _model_files(spec.strip(), folder, where, allow_outside)
    if model is not None:
        return model
    path_part = spec.split("#", 1)[0].strip()
    if path_part.lower().endswith(".json"):
        confined(path_part, folder, f"{where} result file", allow_outside)
        if not os.path.isabs(path_part):
            return str(folder / spec.strip())
    return spec


def read_stack(path: str | os.PathLike[str], *, allow_outside: bool = False) -> StackFile:
    """Read and validate a stack file (format in the module docstring).

    ``allow_outside``: let the file name material and result files outside its own folder.

    Raises
    ------
    InputError
        A missing, binary or malformed file, unknown keys, no layers, a wrong number of interfaces,
        a non-positive thickness, conductivity or sink temperature, an unknown material or model, a file named
        outside the stack file's folder (without ``allow_outside``).
    """
    p = Path(path)
    origin = p.name
    doc = toml_file.read_document(p, "stack file", MAX_STACK_BYTES)
    unknown = set(doc) - _TOP_KEYS
    if unknown:
        raise InputError(f"{origin}: unknown keys {sorted(unknown)}; allowed: {', '.join(sorted(_TOP_KEYS))}")
    layers_raw = doc.get("layer", [])
    interfaces_raw = doc.get("interface", [])
    if not isinstance(layers_raw, list) or not layers_raw:
        raise InputError(f"{origin}: no layers; add [[layer]] tables")
    if not isinstance(interfaces_raw, list):
        raise InputError(f"{origin}: interfaces are [[interface]] tables")
    if len(layers_raw) > MAX_LAYERS:
        raise InputError(
            f"{origin}: {len(layers_raw):,} layers; a stack file holds at most {MAX_LAYERS:,} (for many periods of "
            "the same layers use kapitza device superlattice)"
        )
    layers = [_layer(raw, i, origin, p.parent, allow_outside) for i, raw in enumerate(layers_raw)]
    interfaces = [_interface(raw, i, origin, p.parent, allow_outside) for i, raw in enumerate(interfaces_raw)]
    try:
        stack = make_stack(layers, interfaces)
    except InputError as exc:
        raise InputError(f"{origin}: {exc}") from None
    q = doc.get("heat_flux")
    t = doc.get("sink_temperature")
    if q is not None:
        q = _number(q, f"{origin} heat_flux", "W m^-2")
    if t is not None:
        t = _number(t, f"{origin} sink_temperature", "K")
        if t <= 0:
            raise InputError(f"{origin}: sink_temperature must be > 0 K, got {t:g}")
    title = doc.get("title", "")
    if not isinstance(title, str):
        raise InputError(f"{origin}: title must be a string")
    return StackFile(stack=stack, heat_flux=q, sink_temperature=t, title=title, path=str(p))
