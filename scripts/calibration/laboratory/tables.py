"""The writers of the tables the package reads (the structure route's descriptors, the bonding table): the
laboratory writes them (scripts/expected_descriptors.py, scripts/bonding_descriptors.py), the package only reads
them back checked."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from kapitza.io.descriptor_table import csv_field
from kapitza.prediction import bonding as B
from kapitza.prediction.expected import StructureDescriptors
from kapitza.prediction.expected.rows import STRUCTURE_COLUMNS


def write_structure_descriptors(found: StructureDescriptors) -> str:
    """The CSV text :func:`read_structure_descriptors` reads."""
    lines = [
        "# The structure route's descriptors of the measured-conductance compilation's bare rows: the",
        "# full-dispersion DMM of the universal potential's phonons as kapitza predict --calculator reports it",
        "# (g_fd, with the electron term where kapitza has it) and alone (g_fd_phonon), the metal's electron-phonon",
        "# conductance g_ep (empty where none applies) and the interface kind. W m^-2 K^-1, K.",
        "# Written by scripts/expected_descriptors.py; do not edit by hand (rerun the script).",
        f"# calculator: {found.calculator}",
        f"# provenance: {found.provenance}",
        ",".join(STRUCTURE_COLUMNS),
    ]
    for i in range(len(found.row_id)):
        g_ep = "" if not math.isfinite(found.g_ep[i]) else repr(float(found.g_ep[i]))
        lines.append(",".join((found.row_id[i], csv_field(found.film[i]), csv_field(found.substrate[i]),
                               repr(float(found.temperature[i])), repr(float(found.g_fd[i])),
                               repr(float(found.g_fd_phonon[i])), g_ep, found.kind[i])))  # fmt: skip
    return "\n".join(lines) + "\n"


def write_bonding_descriptors(found: B.BondingDescriptors, header: Sequence[str] = ()) -> str:
    """The CSV text :func:`read_bonding_descriptors` reads; ``header`` lines (without '# ') go first."""
    import csv
    import io

    out = io.StringIO()
    for line in header:
        out.write(f"# {line}\n")
    out.write(f"# calculator: {found.calculator}\n# provenance: {found.provenance}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(B.BONDING_COLUMNS)
    for k in range(len(found)):
        row = []
        for name in B.BONDING_COLUMNS:
            if name in B.NUMBER_COLUMNS:
                v = float(np.asarray(found.columns[name])[k])
                row.append(repr(v) if math.isfinite(v) else "")
            elif name in B.COUNT_COLUMNS:
                c = int(np.asarray(found.columns[name])[k])
                row.append(str(c) if c >= 0 else "")
            else:
                row.append(getattr(found, name)[k])
        writer.writerow(row)
    return out.getvalue()


def table(calculator: str, provenance: str, rows: Sequence[dict[str, Any]]) -> B.BondingDescriptors:
    """The table of ``rows`` (dicts of :data:`BONDING_COLUMNS`; a pair with no numbers gives only its names, its
    counts and its note)."""
    columns = {}
    for name in B.NUMBER_COLUMNS:
        columns[name] = np.array([float(r.get(name, math.nan)) for r in rows], dtype=float)
    for name in B.COUNT_COLUMNS:
        columns[name] = np.array([int(r.get(name, -1)) for r in rows], dtype=np.int64)
    texts = {name: tuple(str(r.get(name, "")) for r in rows)
             for name in ("film", "substrate", "planes", "cells", "relaxed", "finished", "note")}  # fmt: skip
    return B.BondingDescriptors(calculator=calculator, provenance=provenance, columns=columns, **texts)
