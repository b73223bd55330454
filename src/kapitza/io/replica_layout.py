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
import json
import os
import re
from pathlib import Path
from typing import Any, ClassVar

from ..errors import InputError
from .atomic import atomic_write_text
from .paths import read_ascii_text
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


def is_replica_parent(folder: str | os.PathLike) -> bool:
    """True when ``folder`` is a folder holding ``replicas.json``."""
    return (Path(folder) / REPLICAS_FILE).is_file()


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
    if not path.is_file():
        raise InputError(f"{str(folder)!r} is not a folder of replicas: it has no {REPLICAS_FILE}")
    where = f"replica record {str(path)!r}"
    text = read_ascii_text(path, where, MAX_REPLICAS_BYTES, "a replica record is read")
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise InputError(f"{where} is not valid JSON ({exc})") from None
    return replica_set_from_document(doc, where)


def replica_set_from_document(doc: Any, where: str) -> ReplicaSet:
    """Check and convert the JSON document of ``replicas.json``."""
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise InputError(f"{where} is not a kapitza replica record (schema {SCHEMA!r})")
    if doc.get("schema_version") != SCHEMA_VERSION:
        raise InputError(f"{where}: schema_version {doc.get('schema_version')!r} is not {SCHEMA_VERSION}")
    kind, config, sha = doc.get("kind"), doc.get("config"), doc.get("config_sha256")
    if kind not in KINDS:
        raise InputError(f"{where}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
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
        ok = (
            match is not None
            and index == i
            and int(match.group(1)) == i
            and isinstance(seed, int)
            and not isinstance(seed, bool)
            and (emd_seed is None or (isinstance(emd_seed, int) and not isinstance(emd_seed, bool)))
            and isinstance(status, str)
        )
        if not ok:
            raise InputError(
                f"{where}: replica {i} must have name {replica_name(i)!r}, index {i}, an integer seed and a status, "
                f"got {row!r}"
            )
        entries.append(ReplicaEntry(name=name, index=index, seed=seed, emd_seed=emd_seed, status=status))
    return ReplicaSet(kind=kind, config=config, config_sha256=sha, replicas=tuple(entries))


__all__ = [
    "KINDS",
    "REPLICAS_FILE",
    "ReplicaEntry",
    "ReplicaSet",
    "config_sha256",
    "is_replica_parent",
    "read_replica_set",
    "replica_name",
    "replica_set_from_document",
    "write_replica_set",
]
