"""The folder of independent replicas of one MD configuration, defined once: its names and its ``replicas.json``.

``kapitza md run CONFIG --replicas N`` (and ``md emd``, ``md campaign``; :mod:`kapitza.md.replicas`) writes a
*parent* folder that holds one ordinary run directory per replica, ``replica-1`` .. ``replica-N``, each with its
own seeds, and ``replicas.json``, which records

* ``kind``: ``nemd`` or ``emd``;
* ``config``: the configuration every replica was made from, as canonical TOML text with the *base* seed (a rerun
  with another configuration is refused), and its sha256;
* ``replicas``: per replica its ``name``, ``seed`` (the seed of its velocities and thermostats, derived from the
  base seed; ``emd_seed`` too for EMD) and ``status`` (``pending``, ``complete``, ``failed: why``) as the last run
  left it.

:mod:`kapitza.analysis.md.replicas` reads it (never the TOML) to pool the replicas; each replica's own files are
those of an ordinary run directory (:mod:`kapitza.io.run_manifest`).  The file is rewritten atomically after each
replica finishes or fails, so an interrupted parent says which replicas are complete.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from pathlib import Path
from typing import Any, ClassVar

from .. import _checks
from ..errors import InputError
from . import json_file
from .atomic import atomic_write_text
from .results import dumps, result

#: The parent's record.
REPLICAS_FILE = "replicas.json"
SCHEMA = "kapitza.md-replicas"
SCHEMA_VERSION = 1
#: What a parent may hold.
KINDS = ("nemd", "emd")
#: Largest replicas.json read (a few lines per replica and the config text).
MAX_REPLICAS_BYTES = 5_000_000
_NAME = re.compile(r"^replica-([1-9][0-9]{0,5})$")
#: The largest seed a replica may have: LAMMPS's (``fix langevin``'s Marsaglia generator takes 1 .. 900,000,000,
#: "a positive integer less than or equal to 900 million", lammps/lammps src/random_mars.h); the run side's
#: :data:`kapitza.md.nemd.LAMMPS_MAX_SEED` is this one.
MAX_SEED = 900_000_000
#: The statuses a replica may have: ``pending``, ``complete``, or ``failed: `` and why, at most
#: :data:`MAX_STATUS_CHARS` characters of plain text (the CLI prints them in its table and warnings).
STATUSES = ("pending", "complete")
FAILED = "failed: "
MAX_STATUS_CHARS = 400


def replica_name(index: int) -> str:
    """The run directory of replica ``index`` (1-based) in its parent: ``replica-<index>``."""
    return f"replica-{int(index)}"


def config_sha256(text: str) -> str:
    """The sha256 of a configuration's canonical text (what a rerun must match)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@result
class ReplicaEntry:
    """One replica as ``replicas.json`` records it.

    Attributes
    ----------
    name : str
        Its run directory in the parent (``replica-<k>``).
    index : int
        k, from 1.
    seed : int
        The seed of its velocities and Langevin baths (the config's ``seed``, replica 1: the base seed itself).
    emd_seed : int or None
        EMD only: the seed of the re-drawn velocities of its runs (``[emd] seed``).
    status : str
        ``pending``, ``complete`` or ``failed: <why>``, as the last run left it.
    """

    name: str
    index: int
    seed: int
    emd_seed: int | None
    status: str

    _summary_fields: ClassVar[tuple[str, ...]] = ("name", "seed", "status")


@result
class ReplicaSet:
    """A parent folder's ``replicas.json``.

    Attributes
    ----------
    kind : str
        ``nemd`` or ``emd``.
    config : str
        The configuration every replica was made from (canonical TOML, base seed).
    config_sha256 : str
    replicas : tuple of ReplicaEntry
        In index order.
    """

    kind: str
    config: str
    config_sha256: str
    replicas: tuple[ReplicaEntry, ...]

    _summary_fields: ClassVar[tuple[str, ...]] = ("kind", "replicas")

    def to_document(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "schema_version": SCHEMA_VERSION,
            "kind": self.kind,
            "config_sha256": self.config_sha256,
            "config": self.config,
            "replicas": [
                {"name": r.name, "index": r.index, "seed": r.seed, "emd_seed": r.emd_seed, "status": r.status}
                for r in self.replicas
            ],
        }

    def entry(self, name: str) -> ReplicaEntry:
        for r in self.replicas:
            if r.name == name:
                return r
        raise KeyError(name)


def plain(text: str, most: int = MAX_STATUS_CHARS) -> str:
    """``text`` as plain text a name may hold (:func:`kapitza._checks.label`): on one line, control characters as
    ``?``, square brackets as round ones (``[Errno 2]`` would read as rich markup), cut to ``most`` characters."""
    clean = "".join(c if c.isprintable() else "?" for c in " ".join(str(text).split()))
    clean = clean.replace("[", "(").replace("]", ")")
    return clean if len(clean) <= most else clean[: most - 3] + "..."


def failure_status(error: str) -> str:
    """The status recorded for a replica that failed with ``error`` (an exception's first line): ``failed: `` and
    the error as :func:`plain` text, within :data:`MAX_STATUS_CHARS`."""
    return FAILED + (plain(error, MAX_STATUS_CHARS - len(FAILED)) or "no reason given")


def check_status(value: Any, name: str) -> str:
    """A replica's status as a name is checked (:func:`kapitza._checks.label`: printable, one line, no markup, at
    most :data:`MAX_STATUS_CHARS`), and one of ``pending``, ``complete``, ``failed: why``."""
    status = _checks.label(value, name, most=MAX_STATUS_CHARS)
    if status not in STATUSES and not (status.startswith(FAILED) and status[len(FAILED) :].strip()):
        raise InputError(f"{name} must be pending, complete or 'failed: why', got {_checks.quoted(status)}")
    return status


def config_difference(recorded: str, given: str, ignore: tuple[str, ...] = ()) -> str:
    """What differs between two configurations' canonical TOML texts, in words: the keys (``emd.seed`` for a key
    of a table) whose values differ or that only one has, at most five named, leaving out those in ``ignore``; ""
    when either does not parse or none differs."""
    try:
        a, b = _flat(tomllib.loads(recorded)), _flat(tomllib.loads(given))
    except (ValueError, RecursionError):
        return ""
    keys = sorted(k for k in a.keys() | b.keys() if k not in ignore and a.get(k, _MISSING) != b.get(k, _MISSING))
    if not keys:
        return ""
    named = ", ".join(plain(k, 60) for k in keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")
    return f"{named} differ{'s' if len(keys) == 1 else ''}"


_MISSING = object()


def _flat(doc: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if isinstance(value, dict) and not prefix:  # a config's tables ([emd]) are one level deep
            out.update(_flat(value, f"{key}."))
        else:
            out[prefix + key] = value
    return out


def is_replica_parent(folder: str | os.PathLike) -> bool:
    """True when ``folder`` is a folder holding ``replicas.json`` (whatever it is: :func:`read_replica_set` refuses
    one that is not a small regular file, rather than the folder being taken for something else)."""
    return Path(folder).is_dir() and os.path.lexists(Path(folder) / REPLICAS_FILE)


def write_replica_set(parent: str | os.PathLike, replicas: ReplicaSet) -> Path:
    """Write ``replicas.json`` into ``parent`` atomically."""
    if not isinstance(replicas, ReplicaSet):
        raise InputError(f"write_replica_set needs a ReplicaSet, got {type(replicas).__name__}")
    return atomic_write_text(Path(parent) / REPLICAS_FILE, dumps(replicas.to_document()) + "\n")


def read_replica_set(parent: str | os.PathLike) -> ReplicaSet:
    """The :class:`ReplicaSet` of a parent folder; InputError with one line on a missing or malformed file."""
    folder = Path(parent)
    path = folder / REPLICAS_FILE
    if not folder.is_dir():
        raise InputError(f"replica folder {str(folder)!r} does not exist or is not a folder")
    if not os.path.lexists(path):
        raise InputError(f"{str(folder)!r} is not a folder of replicas: it has no {REPLICAS_FILE}")
    where = f"replica record {str(path)!r}"
    doc = json_file.read(path, where, MAX_REPLICAS_BYTES, "a replica record is read")
    return replica_set_from_document(doc, where)


def replica_set_from_document(doc: Any, where: str) -> ReplicaSet:
    """Check and convert the JSON document of ``replicas.json``."""
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise InputError(f"{where} is not a kapitza replica record (schema {SCHEMA!r})")
    if doc.get("schema_version") != SCHEMA_VERSION:
        raise InputError(f"{where}: schema_version {_shown(doc.get('schema_version'))} is not {SCHEMA_VERSION}")
    kind, config, sha = doc.get("kind"), doc.get("config"), doc.get("config_sha256")
    if kind not in KINDS:
        raise InputError(f"{where}: kind must be one of {', '.join(KINDS)}, got {_shown(kind)}")
    if not isinstance(config, str) or not isinstance(sha, str) or config_sha256(config) != sha:
        raise InputError(f"{where}: its config text does not match its config_sha256 (edited by hand?)")
    rows = doc.get("replicas")
    if not isinstance(rows, list) or not rows:
        raise InputError(f"{where}: replicas must be a non-empty list")
    entries = []
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise InputError(f"{where}: replica {i} is not a table")
        name, index, seed, emd_seed, status = (row.get(k) for k in ("name", "index", "seed", "emd_seed", "status"))
        match = _NAME.match(name) if isinstance(name, str) else None
        if match is None or index != i or int(match.group(1)) != i:
            raise InputError(
                f"{where}: replica {i} must have name {replica_name(i)!r} and index {i}, got name "
                f"{_shown(name)} and index {_shown(index)}"
            )
        _check_seed(seed, f"{where}: {name} seed")
        if kind == "emd":
            _check_seed(emd_seed, f"{where}: {name} emd_seed")
        elif emd_seed is not None:
            raise InputError(f"{where}: {name} has an emd_seed, but the replicas are NEMD ones (kind nemd)")
        status = check_status(status, f"{where}: {name} status")
        entries.append(ReplicaEntry(name=name, index=index, seed=seed, emd_seed=emd_seed, status=status))
    for field in ("seed", "emd_seed") if kind == "emd" else ("seed",):
        first: dict[int, str] = {}
        for e in entries:
            value = getattr(e, field)
            if value in first:
                raise InputError(
                    f"{where}: {e.name} has the {field} of {first[value]} ({value}): replicas that share a seed are "
                    "one run twice, not independent ones"
                )
            first[value] = e.name
    return ReplicaSet(kind=kind, config=config, config_sha256=sha, replicas=tuple(entries))


def _check_seed(value: Any, name: str) -> int:
    """A seed as LAMMPS takes it: an integer (not a bool) from 1 to :data:`MAX_SEED`."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SEED:
        raise InputError(f"{name} must be an integer from 1 to {MAX_SEED:,} (LAMMPS's seeds), got {_shown(value)}")
    return value


def _shown(value: Any) -> str:
    """A value read from the record, for a message: short and without control characters."""
    if isinstance(value, (int, float, type(None))) and len(shown := repr(value)) <= 30:
        return shown
    text = value if isinstance(value, str) else repr(value) if isinstance(value, (int, float)) else None
    return _checks.quoted(text) if text is not None else f"a {type(value).__name__}"


__all__ = [
    "KINDS",
    "MAX_SEED",
    "REPLICAS_FILE",
    "ReplicaEntry",
    "ReplicaSet",
    "check_status",
    "config_difference",
    "config_sha256",
    "failure_status",
    "is_replica_parent",
    "plain",
    "read_replica_set",
    "replica_name",
    "replica_set_from_document",
    "write_replica_set",
]
