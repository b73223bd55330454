"""The shipped descriptor tables' CSV format: ``# calculator:`` and ``# provenance:`` comment lines, then a header
row and the rows (the structure descriptors of :mod:`kapitza.prediction.expected` and the bonding table of
:mod:`kapitza.prediction.bonding`; one reader for both, below the two, so neither imports the other for it)."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import InputError

__all__ = ["csv_field", "read_descriptor_csv", "shipped_text"]


def read_descriptor_csv(text: str, where: str, columns: Sequence[str]) -> tuple[dict[str, str], list[dict[str, str]]]:
    """A shipped descriptor table's ``# calculator:`` and ``# provenance:`` comment lines and its rows (CSV with
    exactly ``columns``); InputError naming ``where`` where either is missing or the columns differ.  The one reader
    of the structure descriptors (:mod:`kapitza.prediction.expected`) and of the bonding table
    (:mod:`kapitza.prediction.bonding`)."""
    import csv
    import io

    meta: dict[str, str] = {}
    body = []
    for line in text.splitlines():
        if line.startswith("#"):
            key, sep, value = line[1:].partition(":")
            if sep and key.strip() in ("calculator", "provenance"):
                meta[key.strip()] = value.strip()
        elif line.strip():
            body.append(line)
    if "calculator" not in meta or "provenance" not in meta:
        raise InputError(f"{where}: the '# calculator:' and '# provenance:' lines are missing")
    reader = csv.DictReader(io.StringIO("\n".join(body)))
    if tuple(reader.fieldnames or ()) != tuple(columns):
        raise InputError(f"{where}: expected the columns {', '.join(columns)}, got {reader.fieldnames}")
    return meta, list(reader)


def csv_field(text: str) -> str:
    """``text`` as one CSV field: quoted (inner quotes doubled) where it holds a comma, a quote or a line break, the
    quoting :func:`read_descriptor_csv`'s reader undoes."""
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text


def shipped_text(name: str, package: str = "kapitza.prediction") -> str | None:
    """The text of a table shipped as ``package``'s data (``data/NAME``), or None where it is not shipped: the one
    reader of every shipped table's file."""
    from importlib import resources

    path = resources.files(package) / "data" / name
    return path.read_text(encoding="utf-8") if path.is_file() else None
