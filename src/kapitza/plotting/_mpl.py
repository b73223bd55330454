"""Lazy matplotlib access with a file-only backend."""

from __future__ import annotations

import os
from typing import Any

from ..io import atomic_write


def pyplot() -> Any:
    """Return matplotlib.pyplot using the non-interactive Agg backend."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def save(fig: Any, path: str | os.PathLike, dpi: int = 150) -> None:
    """Save a figure atomically (format from the suffix) and close it."""
    plt = pyplot()
    try:
        atomic_write(path, lambda p: fig.savefig(p, dpi=dpi, bbox_inches="tight"))
    finally:
        plt.close(fig)
