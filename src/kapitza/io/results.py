"""Frozen results: read-only arrays, a short repr, and one way to save any result.

Every result class of the package is declared with :func:`result`::

    @result
    class ConductanceResult:
        temperature: NDArray[np.float64]
        conductance: NDArray[np.float64]
        model: str

which makes it a frozen dataclass whose

* numpy arrays are read-only copies (``r.conductance[0] = 0`` raises),
  lists become tuples and mappings become read-only ``MappingProxyType``;
* ``repr``/``str`` is a one-line summary (arrays as shape and range, nested
  objects by name), never a dump of every number;
* ``to_dict()`` gives a JSON-able dict (arrays as lists, non-finite floats as
  the strings "inf", "-inf", "nan"), and ``save(path)`` writes it atomically
  as ``.json`` (everything) or ``.npz`` (arrays as arrays, the rest as a JSON
  string under ``"metadata"``), with the class name and package version.

A class may define ``__post_init__``; it runs before the freezing.  It may list
``_summary_fields`` (names) to choose what the repr shows.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import numpy as np

from .._version import __version__
from ..errors import InputError
from .atomic import atomic_write

T = TypeVar("T")

#: Suffixes that :meth:`save` understands.
SAVE_SUFFIXES = (".json", ".npz")
#: The repr stops after this many characters.
_REPR_LIMIT = 240


def freeze_value(value: Any) -> Any:
    """A read-only version of ``value``: arrays copied and locked, lists -> tuples, dicts -> proxies."""
    if isinstance(value, np.ndarray):
        if value.flags.writeable or value.base is not None:
            value = np.array(value, copy=True)
        value.setflags(write=False)
        return value
    if isinstance(value, MappingProxyType):
        return value
    if isinstance(value, Mapping):
        return MappingProxyType({k: freeze_value(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(freeze_value(v) for v in value)
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(freeze_value(v) for v in value)
    return value


def _freeze(obj: Any) -> None:
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        frozen = freeze_value(value)
        if frozen is not value:
            object.__setattr__(obj, f.name, frozen)


def _short(value: Any) -> str:
    if isinstance(value, np.ndarray):
        if value.size == 0:
            return f"array{list(value.shape)}"
        if value.size == 1:
            return _short(value.reshape(-1)[0].item())
        if value.dtype.kind in "fiu":
            finite = value[np.isfinite(value)] if value.dtype.kind == "f" else value
            span = f" {finite.min():.4g}..{finite.max():.4g}" if finite.size else ""
            return f"array{list(value.shape)}{span}"
        return f"array{list(value.shape)} {value.dtype}"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:37] + "...")
    if isinstance(value, Enum):
        return value.name
    if value is None or isinstance(value, (bool, int, np.integer, np.floating)):
        return str(value)
    name = getattr(value, "name", None)
    if isinstance(name, str):
        return f"{type(value).__name__}({name!r})"
    if isinstance(value, Mapping):
        return f"{{{len(value)} items}}"
    if isinstance(value, tuple):
        if len(value) <= 4 and all(isinstance(v, (str, int, float, type(None))) for v in value):
            return "(" + ", ".join(_short(v) for v in value) + ("," if len(value) == 1 else "") + ")"
        return f"({len(value)} items)"
    return type(value).__name__


def summary(obj: Any) -> str:
    """One line: ``ClassName(field=..., ...)``, arrays as shape and range, at most ~240 characters."""
    names = getattr(obj, "_summary_fields", None) or [f.name for f in dataclasses.fields(obj) if f.repr]
    parts = [f"{name}={_short(getattr(obj, name))}" for name in names]
    text = f"{type(obj).__name__}(" + ", ".join(parts) + ")"
    if len(text) > _REPR_LIMIT:
        text = text[: _REPR_LIMIT - 4] + "...)"
    return text


def _float(value: float) -> float | str:
    return value if math.isfinite(value) else ("nan" if math.isnan(value) else ("inf" if value > 0 else "-inf"))


def to_jsonable(value: Any) -> Any:
    """Plain JSON types for ``value`` (recursively); arrays become nested lists."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "c":
            return {"real": to_jsonable(value.real), "imag": to_jsonable(value.imag)}
        return to_jsonable(value.tolist())
    if isinstance(value, (np.generic,)):
        return to_jsonable(value.item())
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, complex):
        return {"real": _float(value.real), "imag": _float(value.imag)}
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return repr(value)


def dumps(document: Any, indent: int | None = 2) -> str:
    """``document`` as strict JSON text: kapitza's one JSON policy for ``--json`` output and :meth:`save`.

    Non-finite numbers become the strings ``"inf"``, ``"-inf"`` and ``"nan"`` (:func:`to_jsonable`), never the
    bare ``Infinity``/``NaN`` that Python's ``json`` writes and strict parsers (RFC 8259, ``jq``, JavaScript)
    refuse; arrays become nested lists.  A non-finite value that a reader must understand (an error that is
    not determined) carries a sibling ``<key>_note`` saying why, written by the caller.
    """
    return json.dumps(to_jsonable(document), indent=indent, allow_nan=False, ensure_ascii=False)


def to_dict(obj: Any) -> dict[str, Any]:
    """All fields of a result as JSON-able values."""
    return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}


def _document(obj: Any) -> dict[str, Any]:
    return {"kind": type(obj).__name__, "kapitza_version": __version__, "result": obj.to_dict()}


def _arrays(obj: Any, prefix: str = "") -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, np.ndarray) and value.dtype.kind in "biufc":
            out[prefix + f.name] = value
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            out.update(_arrays(value, prefix + f.name + "."))
    return out


def check_save_path(path: str | os.PathLike) -> Path:
    """Validate a destination for :meth:`save` before any work: suffix, existing folder, writable."""
    from .atomic import check_writable

    target = Path(path)
    if target.suffix.lower() not in SAVE_SUFFIXES:
        raise InputError(f"results are saved as {' or '.join(SAVE_SUFFIXES)}; got {str(target)!r}")
    return check_writable(target)


def save(obj: Any, path: str | os.PathLike) -> Path:
    """Write ``obj`` atomically to ``path`` (.json: everything; .npz: arrays + JSON metadata)."""
    target = check_save_path(path)
    document = _document(obj)
    if target.suffix.lower() == ".json":
        text = json.dumps(document, indent=1, allow_nan=False)
        return atomic_write(target, lambda p: p.write_text(text + "\n", encoding="utf-8"))
    arrays = _arrays(obj)
    metadata = json.dumps(document, allow_nan=False)
    return atomic_write(target, lambda p: np.savez(p, metadata=np.array(metadata), **arrays))


def result(cls: type[T]) -> type[T]:
    """Class decorator: a frozen dataclass with read-only fields, a short repr, ``to_dict`` and ``save``."""
    user_post_init = cls.__dict__.get("__post_init__")

    def __post_init__(self: Any, *args: Any) -> None:
        if user_post_init is not None:
            user_post_init(self, *args)
        _freeze(self)

    cls.__post_init__ = __post_init__  # type: ignore[attr-defined]
    for name, method in (("__repr__", summary), ("__str__", summary), ("to_dict", to_dict), ("save", save)):
        if name not in cls.__dict__:
            setattr(cls, name, method)
    return dataclasses.dataclass(frozen=True, repr=False, eq=False)(cls)  # type: ignore[return-value]
