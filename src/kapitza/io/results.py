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

:func:`load` reads any saved result back as an instance of the class that saved it (every @result
class is registered by name, the ``kind`` of the file).

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

from .. import _checks
from .._version import __version__
from ..errors import InputError
from .atomic import atomic_write
from .json_file import check_depth
from .paths import is_file

T = TypeVar("T")

#: Suffixes that :meth:`save` understands.
SAVE_SUFFIXES = (".json", ".npz")
#: The repr stops after this many characters.
_REPR_LIMIT = 240


#: Types that :func:`freeze_value` returns as they are (immutable; a tuple of them is frozen as it stands).
_IMMUTABLE = frozenset({str, int, float, bool, complex, bytes, type(None)})


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
    if isinstance(value, list) or (isinstance(value, tuple) and not hasattr(value, "_fields")):
        if all(type(v) in _IMMUTABLE for v in value):  # a row per temperature of names or numbers: nothing to freeze
            return tuple(value)
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
    return {"kind": type(obj).__name__, "kapitza_version": __version__, "result": saved_dict(obj)}


def _is_report(value: Any) -> bool:
    """A result whose ``to_dict`` is a document for reading (a command's ``--json``), not its fields."""
    return (
        dataclasses.is_dataclass(value)
        and not isinstance(value, type)
        and getattr(value, "_to_dict_is_document", False)
    )


def saved_dict(obj: Any) -> dict[str, Any]:
    """What :meth:`save` writes of a result: its ``to_dict()``, or, for a result whose ``to_dict`` is a document for
    reading (``_to_dict_is_document``: a prediction's ``--json``), its fields, nested results the same way, so that
    :func:`load` rebuilds it through its constructor.  A field declared with ``metadata={"saved": False}`` (state
    that is recomputed rather than stored: spectra, force constants) is left out and takes its default on load."""
    if not _is_report(obj):
        return obj.to_dict()
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        if f.metadata.get("saved", True):
            group = _group_of(type(obj), f.name)
            (out if group is None else out.setdefault(group, {}))[f.name] = _saved_value(getattr(obj, f.name))
    return out


def _group_of(cls: type, name: str) -> str | None:
    """The key under which a result class saves field ``name`` (``_saved_groups``: {key: field names}), or None.

    A class whose fields were once those of a nested result (a prediction's physics, issue 76) saves them under that
    result's old key, so its files keep their layout and those saved before still load."""
    return next((g for g, names in getattr(cls, "_saved_groups", {}).items() if name in names), None)


def _saved_value(value: Any) -> Any:
    if _is_report(value):
        return saved_dict(value)
    if isinstance(value, (list, tuple)) and any(_is_report(v) for v in value):
        return [_saved_value(v) for v in value]
    return to_jsonable(value)


def _arrays(obj: Any, prefix: str = "") -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        group = _group_of(type(obj), f.name)
        key = prefix + ("" if group is None else group + ".") + f.name
        if isinstance(value, np.ndarray) and value.dtype.kind in "biufc":
            out[key] = value
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            out.update(_arrays(value, key + "."))
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
    _register(cls)
    return dataclasses.dataclass(frozen=True, repr=False, eq=False)(cls)  # type: ignore[return-value]


# --------------------------------------------------------------------------- load

#: Every @result class by name: the ``kind`` that :func:`save` writes.
_REGISTRY: dict[str, type] = {}
_NON_FINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}


def _register(cls: type) -> None:
    _REGISTRY[cls.__name__] = cls


#: True once every kapitza module that may hold a result class was imported (:func:`_result_class`).
_WALKED = False
#: Longest class name a saved file's ``kind`` may hold.
_MAX_KIND_CHARS = 100


def _result_class(kind: str, path: Path) -> type:
    """The @result class named ``kind``, looked up by name in the registry (never imported by a name from the file):
    kapitza's own modules not imported yet (cli and __main__ left out) are imported once until it is found."""
    global _WALKED
    if not (kind.isidentifier() and kind.isascii() and len(kind) <= _MAX_KIND_CHARS):
        raise InputError(f"{str(path)!r}: its kind is no class name, so no kapitza result")
    if kind not in _REGISTRY and not _WALKED:
        import importlib
        import pkgutil

        import kapitza

        for info in pkgutil.walk_packages(kapitza.__path__, "kapitza."):
            if kind in _REGISTRY:
                break
            if info.name.startswith("kapitza.cli") or info.name.endswith("__main__"):
                continue
            try:
                importlib.import_module(info.name)
            except ImportError:  # a module needing an extra that is not installed holds no result of this file
                continue
        else:
            _WALKED = True
    if kind not in _REGISTRY:
        raise InputError(f"{str(path)!r}: kind {kind!r} is no kapitza result (saved by another version?)")
    return _REGISTRY[kind]


def _hints(cls: type) -> dict[str, Any]:
    """Field types of ``cls``: evaluated where possible, else the annotation strings."""
    import typing

    try:
        return typing.get_type_hints(cls)
    except Exception:  # noqa: BLE001  (a name only imported for type checking: fall back to the strings)
        return {f.name: f.type for f in dataclasses.fields(cls)}


def _number(value: Any) -> Any:
    """A JSON number back from :func:`to_jsonable`: "inf"/"-inf"/"nan" strings to floats, recursively."""
    if isinstance(value, str) and value in _NON_FINITE:
        return _NON_FINITE[value]
    if isinstance(value, list):
        return [_number(v) for v in value]
    if isinstance(value, dict) and set(value) == {"real", "imag"}:
        return np.asarray(_number(value["real"])) + 1j * np.asarray(_number(value["imag"]))
    return value


def _array(value: Any, hint: Any) -> Any:
    if value is None:
        return None
    data = _number(value)
    text = str(hint)
    if isinstance(data, np.ndarray):
        return data
    if "int" in text and "float" not in text:
        _entries(data, "whole numbers", lambda x: isinstance(x, int) and not isinstance(x, bool))
        return np.asarray(data, dtype=np.int64)
    if "bool" in text:
        _entries(data, "true or false", lambda x: isinstance(x, bool))
        return np.asarray(data, dtype=bool)
    return np.asarray(data, dtype=complex if "complex" in text else float)


def _entries(data: Any, what: str, ok: Any) -> None:
    """ValueError unless every entry of the nested lists ``data`` is ``what`` (``ok(entry)``): a file's ``1.5`` is no
    count and its ``"yes"`` no flag (numpy would truncate the one and read the other as True)."""
    if isinstance(data, list):
        for item in data:
            _entries(item, what, ok)
    elif not ok(data):
        raise ValueError(f"an array of {what} holds {str(data)[:40]!r}")


def _value(value: Any, hint: Any) -> Any:
    """``value`` (as :func:`to_dict` wrote it) as the type ``hint`` of its field says."""
    import typing

    if value is None:
        return None
    text = hint if isinstance(hint, str) else str(hint)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if isinstance(origin, type) and issubclass(origin, Mapping) and isinstance(value, dict):  # {name: array}
        item = args[1] if len(args) == 2 else Any
        return {k: _value(v, item) for k, v in value.items()}
    if isinstance(hint, type) and issubclass(hint, np.ndarray) or "NDArray" in text or "ndarray" in text:
        return _array(value, hint)
    if _is_dataclass_type(hint) and isinstance(value, dict):  # a result or a Material, Settings, ...
        return _from_dict(hint, value)
    if isinstance(hint, type) and issubclass(hint, Enum) and isinstance(value, str):
        return hint[value]
    if isinstance(hint, type) and issubclass(hint, os.PathLike) and isinstance(value, str):
        return Path(value)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        for option in (a for a in args if a is not type(None)):
            try:
                return _value(value, option)
            except InputError:
                if _is_dataclass_type(option) and isinstance(value, dict):
                    raise  # the nested object's own check refused it: not a reason to keep it as a plain dict
                continue
            except (TypeError, ValueError, KeyError):
                continue
        return _number(value)
    if origin in (tuple, list) and isinstance(value, list):
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            return tuple(_value(v, args[0]) for v in value)
        if origin is tuple and args and len(args) == len(value):
            return tuple(_value(v, a) for v, a in zip(value, args))
        return tuple(_value(v, args[0] if args else Any) for v in value)
    if origin is not None and isinstance(value, dict) and issubclass(origin, Mapping):
        item = args[1] if len(args) == 2 else Any
        return {k: _value(v, item) for k, v in value.items()}
    if isinstance(value, dict):
        kind = next((c for name, c in _REGISTRY.items() if name in text), None)
        if kind is not None and set(value) <= {f.name for f in dataclasses.fields(kind)}:
            return _from_dict(kind, value)
    if isinstance(value, list):
        return tuple(_value(v, Any) for v in value)
    return _number(value)


def _no_unknown(cls: type, data: Mapping[str, Any], prefix: str) -> None:
    """Refuse a saved result that holds a field its class does not have (it would be dropped without a word): the
    fields saved at the top or under their group (``_saved_groups``), and each group's own fields.  A derived field
    (``init=False``, recomputed on load) is known: kapitza writes it beside the fields it comes from."""
    groups = getattr(cls, "_saved_groups", {})
    fields = {f.name for f in dataclasses.fields(cls)}
    top = {n for n in fields if _group_of(cls, n) is None} | set(groups)
    unknown = [f"{prefix}{k}" for k in data if k not in top]
    for group, names in groups.items():
        held = data.get(group)
        if isinstance(held, Mapping):
            unknown += [f"{prefix}{group}.{k}" for k in held if k not in set(names) & fields]
    if unknown:
        shown = ", ".join(_checks.quoted(str(k)) for k in sorted(unknown)[:3])
        raise InputError(f"the saved {cls.__name__} holds {len(unknown)} field(s) it does not have ({shown}): "
                         "not a file kapitza wrote, or written by another version")  # fmt: skip


def _is_dataclass_type(hint: Any) -> bool:
    return isinstance(hint, type) and dataclasses.is_dataclass(hint)


def _from_dict(
    cls: type, data: Mapping[str, Any], arrays: Mapping[str, np.ndarray] | None = None, prefix: str = ""
) -> Any:
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    _no_unknown(cls, data, prefix)
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        group = _group_of(cls, f.name)
        key = prefix + ("" if group is None else group + ".") + f.name
        held = data if group is None else data.get(group)
        held = held if isinstance(held, Mapping) else {}
        if key in (arrays or {}):
            kwargs[f.name] = np.asarray(arrays[key])  # type: ignore[index]
        elif f.name in held:
            hint = hints.get(f.name, f.type)
            value = held[f.name]
            if _is_dataclass_type(hint) and isinstance(value, dict):
                kwargs[f.name] = _from_dict(hint, value, arrays, key + ".")
            else:
                kwargs[f.name] = _value(value, hint)
    return cls(**kwargs)


#: The most bytes of arrays :func:`load` allocates for one file by default (1 GiB): the arrays of a result are
#: tables of G(T), spectra, profiles and force constants, kilobytes to tens of megabytes; the largest kapitza makes,
#: an EELS spectrum image, hundreds of megabytes.  A file's own word is not a bound (8 MB of deflated zeros
#: declare 7.45 GiB truthfully), so this is; ``load(path, max_bytes=...)`` reads a larger result.
MAX_LOAD_BYTES = 2**30
#: Parsing JSON holds about eleven bytes per character of a list of numbers (the text, a Python float object and
#: a pointer per number, then the array), so a .json result (or an .npz's metadata) may hold this fraction of
#: ``max_bytes`` as text: 64 MiB by default, millions of numbers (larger results are saved as .npz).
_JSON_FRACTION = 16


def load(path: str | os.PathLike, *, max_bytes: int = MAX_LOAD_BYTES) -> Any:
    """Read a result written by ``r.save(path)`` back as the object that saved it.

    A saved result is data: its ``kind`` is looked up among kapitza's result classes by name (nothing is
    imported by a name from the file), no array holds Python objects (no pickle), and the values are rebuilt
    only through the classes' constructors.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.json`` or ``.npz`` file written by the ``save`` method of any kapitza result.
    max_bytes : int
        The most bytes of arrays the file may make ``load`` allocate, summed over an .npz's members as their
        headers declare them (checked before any is read), default :data:`MAX_LOAD_BYTES` (1 GiB); a .json
        file may be 1/16 of it (its parse holds about eleven bytes per character).

    Returns
    -------
    object
        An instance of the result class named in the file (``kind``): arrays read-only again, the strings
        ``"inf"``, ``"-inf"`` and ``"nan"`` numbers again, nested objects rebuilt; each built through its class's
        constructor, nested ones included (a Material, the Settings, a ForceField, a Relaxation), so their own
        checks run (a ConductanceResult's finite G >= 0 and T >= 0, a Material's bounds, a ForceField's refusal
        of code and of a potential file it does not record, a Relaxation's step counts, residual and cells).
        Then the checks of a loaded file: no negative temperature anywhere, the potential files of a ForceField
        at or below the file's folder (or shipped with LAMMPS), and Settings whose calculator is a built-in
        potential (a file names no Python code: a ``module:factory`` is refused, as in every file kapitza reads;
        a result's other records of its calculator are text that nothing calls).

    Raises
    ------
    InputError
        A missing file, another suffix, a file that is not a saved kapitza result (no ``kind`` and ``result``,
        or a kind that is no kapitza result class; a bare .npy, a damaged zip, an array header that claims more
        or fewer bytes than its member holds, Python objects, JSON nested past Python's recursion limit), one
        whose values a class refuses, or one above ``max_bytes``.  What an .npz allocates is bounded before
        anything is read: each array's header is checked against its zip member's sizes, and their sum against
        ``max_bytes``.
    """
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, (int, np.integer)) or max_bytes < 1:
        raise InputError(f"max_bytes must be a whole number of bytes >= 1, got {max_bytes!r}")
    source = Path(path)
    suffix = source.suffix.lower()
    if suffix not in SAVE_SUFFIXES:
        raise InputError(f"results are loaded from {' or '.join(SAVE_SUFFIXES)} files; got {str(source)!r}")
    if not is_file(source):
        raise InputError(f"result file {str(source)!r} does not exist or is not a file")
    not_result = f"{str(source)!r} is no saved kapitza result"
    arrays: dict[str, np.ndarray] = {}
    try:
        if suffix == ".json":
            _check_json_size(source.stat().st_size, int(max_bytes), f"{str(source)!r}")
            document = json.loads(source.read_text(encoding="utf-8"))
        else:
            document, arrays = _read_npz(source, not_result, int(max_bytes))
        check_depth(document, f"{not_result}: its JSON")  # the one depth bound of every JSON read (io.json_file)
    except InputError:
        raise
    except RecursionError:
        raise InputError(f"{not_result}: its JSON is nested deeper than a result's") from None
    except (OSError, ValueError, UnicodeDecodeError, EOFError) as exc:
        raise InputError(f"{not_result}: {' '.join(str(exc).split())[:200]}") from None
    if (
        not isinstance(document, dict)
        or not isinstance(document.get("kind"), str)
        or not isinstance(document.get("result"), dict)
    ):
        raise InputError(f"{not_result} (expected 'kind' and 'result' entries)")
    cls = _result_class(document["kind"], source)
    try:
        loaded = _from_dict(cls, document["result"], arrays)
    except RecursionError:
        raise InputError(f"{str(source)!r}: cannot rebuild a {cls.__name__}: nested deeper than a result") from None
    except (TypeError, ValueError, LookupError, AttributeError, ArithmeticError) as exc:
        raise InputError(f"{str(source)!r}: cannot rebuild a {cls.__name__}: {' '.join(str(exc).split())}") from None
    try:
        _check_loaded(loaded, source.parent, f"{str(source)!r}")
    except InputError as exc:
        text = str(exc)
        raise InputError(text if text.startswith(repr(str(source))) else f"{str(source)!r}: {text}") from None
    return loaded


def _check_json_size(size: int, max_bytes: int, where: str) -> None:
    """InputError when ``size`` bytes (or characters) of JSON text are more than ``max_bytes`` lets load parse."""
    limit = max(max_bytes // _JSON_FRACTION, 1)
    if size > limit:
        raise InputError(
            f"{where}: its JSON text is {size:,} bytes, more than the {limit:,} (max_bytes / {_JSON_FRACTION}) "
            "that load parses (parsing holds about eleven bytes per character); save large results as .npz, or "
            "raise max_bytes="
        )


#: DEFLATE's largest compression ratio (1032:1): no deflated member holds more bytes than this times its size.
_DEFLATE_RATIO = 1032
#: Most members of a result .npz (a result has tens of arrays).
_MAX_NPZ_MEMBERS = 10_000


def _read_npz(source: Path, not_result: str, max_bytes: int) -> tuple[Any, dict[str, np.ndarray]]:
    """The metadata document and the arrays of a saved .npz.  Every member's header is read first and checked
    against what its zip member really holds (a header may claim 2.5e9 elements in a 1 kB file) and their sum
    against ``max_bytes`` (a header may also tell the truth: 8 MB of deflated zeros hold 7.45 GiB), before any
    array is allocated."""
    import lzma
    import zipfile
    import zlib

    size = source.stat().st_size
    with open(source, "rb") as handle:
        magic = handle.read(6)
    if not magic.startswith(b"PK\x03\x04"):
        what = "a bare .npy array" if magic == b"\x93NUMPY" else "not a zip archive, as an .npz is"
        raise InputError(f"{not_result} ({what})")
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
            if len(members) > _MAX_NPZ_MEMBERS:
                raise InputError(f"{not_result} ({len(members):,} members)")
            total = 0
            for info in members:
                if not info.filename.endswith(".npy") or info.is_dir():
                    raise InputError(f"{not_result} (member {info.filename[:60]!r} is no .npy array)")
                claimed, dtype = _check_member(archive, info, size, not_result)
                if info.filename == "metadata.npy" and dtype.kind == "U":
                    _check_json_size(claimed // dtype.itemsize, max_bytes, f"{str(source)!r}: the metadata")
                total += claimed
            if total > max_bytes:
                raise InputError(
                    f"{str(source)!r}: its arrays hold {total:,} bytes, more than max_bytes = {max_bytes:,} "
                    f"({max_bytes / 2**30:.3g} GiB), the most load allocates; raise max_bytes= to load a larger "
                    "result"
                )
            found = {}
            for info in members:
                with archive.open(info) as member:
                    found[info.filename[:-4]] = np.lib.format.read_array(member, allow_pickle=False)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, zlib.error, lzma.LZMAError, EOFError) as exc:
        raise InputError(
            f"{not_result} (a damaged or truncated zip archive: {' '.join(str(exc).split())[:120]})"
        ) from None
    if "metadata" not in found:
        raise InputError(f"{not_result} (no 'metadata' entry)")
    metadata = found.pop("metadata")
    if metadata.ndim != 0 or metadata.dtype.kind != "U":
        raise InputError(f"{not_result} (its 'metadata' entry is not a text)")
    return json.loads(str(metadata)), found


def _check_member(archive: Any, info: Any, size: int, not_result: str) -> tuple[int, np.dtype]:
    """The bytes of array the .npy header of ``info`` declares, and its dtype; InputError unless they are exactly
    the bytes the member holds after its header (as ``np.save`` writes them), and no more than its stored bytes
    can hold (the zip directory's sizes are the file's word too)."""
    import tokenize
    import zipfile

    where = f"{not_result} (member {info.filename[:60]!r}"
    with archive.open(info) as member:
        try:
            version = np.lib.format.read_magic(member)
            read_header = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
            if version not in read_header:
                raise ValueError(f"npy format version {version}")
            shape, _, dtype = read_header[version](member)
        except (ValueError, SyntaxError, tokenize.TokenError) as exc:  # numpy tokenizes a header it cannot parse
            raise InputError(f"{where}: {' '.join(str(exc).split())[:120]})") from None
        header = member.tell()
    if dtype.hasobject:
        raise InputError(f"{where} holds Python objects, which are never loaded)")
    if any(int(n) < 0 for n in shape):
        raise InputError(f"{where}: its header declares the shape {tuple(shape)})")
    claimed = math.prod(int(n) for n in shape) * dtype.itemsize
    ratio = 1 if info.compress_type == zipfile.ZIP_STORED else _DEFLATE_RATIO
    # the member's stored bytes lie within the file, and deflate inflates them at most 1032 times
    held = min(info.file_size - header, min(info.compress_size, size) * ratio)
    if claimed > held:
        raise InputError(f"{where}: its header claims {claimed:,} bytes of array, the file holds {max(held, 0):,})")
    if claimed != info.file_size - header:
        raise InputError(
            f"{where}: its header declares {claimed:,} bytes of array, the member holds {info.file_size - header:,})"
        )
    return claimed, dtype


def _check_texts(value: Any, where: str, depth: int = 0) -> None:
    """Every text of a loaded result, however deep (fields, items, mapping keys, arrays of text), is printed as
    written, so it holds no terminal control (:func:`kapitza._checks.text`, line feeds and tabs allowed): a saved
    file's ``"\x1b]0;pwn\x07"`` never reaches a terminal."""
    if depth > 40:
        return
    if isinstance(value, str):
        _checks.text(value, where, most=math.inf, lines=True)  # type: ignore[arg-type]
    elif isinstance(value, np.ndarray):
        if value.dtype.kind == "U":
            for item in value.reshape(-1):
                _checks.text(str(item), where, most=math.inf, lines=True)  # type: ignore[arg-type]
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _check_texts(getattr(value, f.name, None), f"{type(value).__name__}.{f.name}", depth + 1)
    elif isinstance(value, (tuple, list)):
        for item in value:
            _check_texts(item, where, depth + 1)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _check_texts(key, f"a key of {where}", depth + 1)
            _check_texts(item, where, depth + 1)


def _check_loaded(obj: Any, folder: Path, where: str, depth: int = 0) -> None:
    """Checks that only a loaded result needs, on it and the objects nested in it: texts without terminal control
    (:func:`_check_texts`), no negative temperature (a field named ``temperature`` or ``temperatures``; NaN stands
    for "not determined", inf is left to the class), and each object's own ``_check_loaded(folder)`` (a force
    field's potential files must lie beside the file, :func:`kapitza.io.paths.confined`)."""
    if depth == 0:
        _check_texts(obj, type(obj).__name__)
    if depth > 20:
        return
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        check = getattr(obj, "_check_loaded", None)
        if callable(check):
            check(folder)
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name, None)
            if f.name in ("temperature", "temperatures") and value is not None:
                try:
                    x = np.asarray(value, dtype=float)
                except (TypeError, ValueError):
                    x = np.zeros(0)
                if np.any(x < 0):  # an absolute temperature (K, or epsilon/k_B in LJ units) is never below zero
                    raise InputError(f"{where}: {type(obj).__name__}.{f.name} holds {x[x < 0].flat[0]:g} K")
            _check_loaded(value, folder, where, depth + 1)
    elif isinstance(obj, (tuple, list)):
        for item in obj:
            _check_loaded(item, folder, where, depth + 1)
    elif isinstance(obj, Mapping):
        for item in obj.values():
            _check_loaded(item, folder, where, depth + 1)
