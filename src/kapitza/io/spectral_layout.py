"""Where a run directory keeps its spectral data: the file names shared by the writer and the reader.

:mod:`kapitza.md.spectral` writes ``spectral/setup.npz`` and one ``spectral/block_NNNNN.npz`` per finished
production block; :mod:`kapitza.analysis.md.spectral` reads them (the two may not import each other).
"""

from __future__ import annotations

import re

#: The folder of a run directory that holds the spectral data.
SPECTRAL_DIR = "spectral"
#: The sampled atoms, their sides, planes and harmonic coupling.
SETUP_FILE = "setup.npz"
#: The spectra of one production block: ``block_file(b)``; ``BLOCK_PATTERN`` recognises them.
BLOCK_PATTERN = re.compile(r"^block_(\d{5})\.npz$")


def block_file(block: int) -> str:
    """The file name of production block ``block``'s spectra (``block_00007.npz``)."""
    return f"block_{block:05d}.npz"
