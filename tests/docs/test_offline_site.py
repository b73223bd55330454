"""The built documentation site works offline (issue 28 item 1): no page loads a script, stylesheet or font from
the network, and a headless Chromium with the network cut renders a physics page's equations (MathJax 3, bundled
by sphinx-mathjax-offline into ``_static/mathjax``), not their TeX source.

Runs on the built site (``docs/_build/html``): ``.ci/run`` builds it, then runs this file again; before the build
(the first, whole-suite run) the tests skip with that reason.  The browser check needs Debian's ``chromium``,
which ``.ci/run`` installs where it can; without it, that test skips with the reason.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

SITE = Path(__file__).resolve().parents[2] / "docs" / "_build" / "html"
#: A resource a page loads from elsewhere (a script, stylesheet, icon or image; not a link a reader follows).
_LOADS = re.compile(r"<(?:script|link|img)\b[^>]*\s(?:src|href)=\"(?:https?:)?//", re.IGNORECASE)
_ANCHOR_ONLY = re.compile(r"<link\b[^>]*\srel=\"(?:canonical|alternate|author|license)\"", re.IGNORECASE)


def _remote(text: str) -> bool:
    return any(not _ANCHOR_ONLY.match(m.group(0) + text[m.end() : m.end() + 200]) for m in _LOADS.finditer(text))


def _site() -> Path:
    if not (SITE / "index.html").is_file():
        pytest.skip("the documentation site is not built (python -m sphinx -b html docs docs/_build/html)")
    return SITE


def test_no_page_loads_anything_from_the_network():
    pages = sorted(_site().rglob("*.html"))
    assert len(pages) > 50
    remote = [str(p.relative_to(SITE)) for p in pages if _remote(p.read_text(encoding="utf-8", errors="replace"))]
    assert remote == []
    amm = (SITE / "physics" / "amm.html").read_text(encoding="utf-8")
    assert "_static/mathjax/tex-chtml.js" in amm  # the bundled MathJax, not a CDN
    assert (SITE / "_static" / "mathjax" / "tex-chtml.js").is_file()


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no headless Chromium installed (Debian: apt-get install chromium; .ci/run installs it)")


def test_a_physics_page_renders_its_math_with_the_network_cut():
    """Chromium with every host unresolvable and a dead proxy (nothing from the network can load) opens
    physics/amm.html from disk; after MathJax has run the DOM holds typeset math (mjx-container elements, at least
    one per math span of the page) and no TeX delimiter is left in it."""
    page = _site() / "physics" / "amm.html"
    browser = _chromium()
    html = page.read_text(encoding="utf-8")
    n_math = html.count('class="math notranslate')
    assert n_math > 10 and "\\(" in html  # the page holds TeX for MathJax to typeset
    run = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND",
         "--proxy-server=http://127.0.0.1:9", "--virtual-time-budget=15000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    dom = run.stdout
    assert run.returncode == 0 and "</html>" in dom, run.stderr[-2000:]
    assert dom.count("<mjx-container") >= n_math
    assert "\\(" not in dom and "\\[" not in dom
