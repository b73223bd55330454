"""Figures without pyplot: no global figure registry and no change of the matplotlib backend.

Every plotting function builds a :class:`matplotlib.figure.Figure` directly
(so a notebook's inline backend and any other pyplot state are left alone),
returns it, and saves it only when given a path: through the Agg canvas,
written atomically with :func:`kapitza.io.atomic_write` (a reader never sees a
half-written image, and no temporary file stays behind when drawing fails).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..io import atomic_write
from ..io.atomic import check_writable

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Resolution of raster outputs (.png), dots per inch.
DPI = 150
#: The formats a figure is saved as, by suffix.
FIGURE_SUFFIXES = (".png", ".pdf", ".svg")


def check_figure_path(path: str | os.PathLike, option: str = "path") -> os.PathLike:
    """A figure's destination checked before any work: one of :data:`FIGURE_SUFFIXES`, and writable (InputError
    naming ``option`` as the caller typed it otherwise)."""
    if not isinstance(path, (str, os.PathLike)):
        raise InputError(f"{option} must be a file name ending in {', '.join(FIGURE_SUFFIXES)}, got {path!r}")
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    if suffix not in FIGURE_SUFFIXES:
        raise InputError(f"{option} file {os.fspath(path)!r} must end in one of {', '.join(FIGURE_SUFFIXES)}")
    return check_writable(path, option)


def figure(**kwargs: Any) -> Figure:
    """A new Figure attached to an Agg canvas (keyword arguments go to ``Figure``); pyplot is not imported."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(**kwargs)
    FigureCanvasAgg(fig)
    return fig


def colormap(name: str) -> Any:
    """A registered matplotlib colormap by name (without pyplot)."""
    import matplotlib

    return matplotlib.colormaps[name]


def save(fig: Figure, path: str | os.PathLike | None, dpi: int = DPI) -> Figure:
    """Save ``fig`` atomically to ``path`` (format from the suffix) if a path is given; return ``fig``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : path-like or None
        Output file (.png, .pdf, .svg); None saves nothing.
    dpi : int
        Resolution of raster formats, dots per inch.
    """
    if path is not None:
        check_figure_path(path)
        atomic_write(path, lambda p: fig.savefig(p, dpi=dpi, bbox_inches="tight"))
    return fig
