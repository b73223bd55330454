"""Sphinx configuration of the kapitza documentation.

Build the site (offline, warnings are errors), from the repository root, after
``pip install -e '.[docs]'``::

    python -m sphinx -W --keep-going -q -b html docs docs/_build/html

then open ``docs/_build/html/index.html``. ``.ci/run`` runs exactly this after the tests and the doctests.
The CLI reference (``reference/cli_commands.md``) and the API pages (``reference/generated/``) are
generated from the code at build time by the extensions in ``docs/_ext/`` (both git-ignored); a public
class or function without a docstring fails the build.
Every figure and number in the tutorials and the gallery is produced by the code when the docs build
(sphinx-gallery runs the scripts in ``examples/tutorials`` and ``examples/gallery``); scripts whose name
starts with ``slow_`` are run only when ``KAPITZA_DOCS_SLOW=1``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # the docs build, not the library, picks the backend

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))

from kapitza import __version__  # noqa: E402

project = "kapitza"
author = "the kapitza developers"
copyright = "2026, the kapitza developers"  # noqa: A001
version = release = __version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax 3 served from _static/mathjax: the math renders offline
    "sphinx.ext.viewcode",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
    "cli_reference",
    "api_reference",
    "cli_figures",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = [
    "_build",
    "Thumbs.db",
    ".DS_Store",
    "**/GALLERY_HEADER.rst",
    "**.ipynb",
    "reference/cli_commands.md",  # included by reference/cli.md
    "reference/calibration/lead.md",  # included by index.md (written by scripts/calibration/make_page.py)
]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
# no "smart" dashes and quotes: an option such as --output must stay two hyphens when pasted from the page
smartquotes = False

html_theme = "furo"
html_title = f"kapitza {version}"
html_static_path: list[str] = ["_static"]
html_css_files = ["kapitza.css"]

# numpydoc-style docstrings through napoleon
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autosummary_generate = False  # the API pages are written by docs/_ext/api_reference.py
autodoc_default_options = {"show-inheritance": True}

# offline: no intersphinx downloads
intersphinx_mapping: dict[str, tuple[str, None]] = {}

_slow = os.environ.get("KAPITZA_DOCS_SLOW") == "1"
sphinx_gallery_conf = {
    "examples_dirs": [str(ROOT / "examples" / "tutorials"), str(ROOT / "examples" / "gallery")],
    "gallery_dirs": ["tutorials", "auto_examples"],
    "filename_pattern": r"/(tutorial|plot|slow)_" if _slow else r"/(tutorial|plot)_",
    "ignore_pattern": r"__init__\.py|/_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "within_subsection_order": "FileNameSortKey",
    "matplotlib_animations": False,
    "write_computation_times": False,  # its pages load DataTables and Bootstrap from CDNs: the site must work offline
    "image_scrapers": ("figure_scraper.figure_scraper", "matplotlib"),
    "reset_modules": ("matplotlib",),
    "parallel": os.cpu_count() or 1,  # one example a core (joblib processes); 1: in this process
}
