"""A sphinx-gallery image scraper for kapitza's pyplot-free figures.

kapitza's plotting functions return :class:`matplotlib.figure.Figure` objects that pyplot does not know
about, so the stock matplotlib scraper cannot see them.  This scraper looks at the names the example
script has defined, saves every Figure it has not saved before, and hands sphinx-gallery the images.
"""

from __future__ import annotations

from typing import Any


def figure_scraper(block: Any, block_vars: dict[str, Any], gallery_conf: dict[str, Any]) -> str:
    from matplotlib.figure import Figure
    from sphinx_gallery.scrapers import figure_rst

    seen: set[int] = block_vars.setdefault("_kapitza_seen_figures", set())
    paths = []
    image_path_iterator = block_vars["image_path_iterator"]
    for value in list(block_vars["example_globals"].values()):
        if isinstance(value, Figure) and id(value) not in seen:
            seen.add(id(value))
            path = next(image_path_iterator)
            value.savefig(path, dpi=100, bbox_inches="tight")
            paths.append(path)
    return figure_rst(paths, gallery_conf["src_dir"])
