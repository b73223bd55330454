"""docs/reference/layout.md is generated from the layer order that tests/test_layering.py enforces (issue 26,
item 7: the hand-written page listed the layers in another order than the test and cited a file the
repository did not contain)."""

from __future__ import annotations

import re
from pathlib import Path

import make_layout_page as page  # scripts/, on the path from tests/conftest.py
import pytest

from test_layering import DEVICES_ALLOWED, FORBIDDEN, LAYERS


def test_the_committed_page_is_what_the_script_writes():
    assert page.PAGE.read_text(encoding="utf-8") == page.render(), "run: python scripts/make_layout_page.py"


def test_the_script_reads_the_same_order_the_layering_test_imports():
    """Read without importing the test (literal_eval of its assignments): the same three literals."""
    read = page.read_layering()
    assert read["LAYERS"] == LAYERS and read["FORBIDDEN"] == FORBIDDEN and read["DEVICES_ALLOWED"] == DEVICES_ALLOWED


def test_the_page_lists_every_layer_in_the_test_order_with_its_rank():
    """Each layer name appears once in the block, ranks 0, 1, ... in LAYERS' order (lowest first)."""
    text = page.PAGE.read_text(encoding="utf-8")
    block = text.split("```\nsrc/kapitza/\n", 1)[1].split("```", 1)[0]
    listed = re.findall(r"^(?:\s?\d+|  ) (\S+?)(?:/|\.py)\s", block, flags=re.MULTILINE)
    assert listed == [name for layer in LAYERS for name in layer]
    ranks = [int(r) for r in re.findall(r"^\s?(\d+) ", block, flags=re.MULTILINE)]
    assert ranks == list(range(len(LAYERS)))
    assert "from the bottom up" in text and "DESIGN.md" not in text
    for importer, forbidden in FORBIDDEN:
        assert f"`{importer}` never imports `{forbidden}`" in text


def test_a_layer_without_a_description_stops_the_script(tmp_path):
    """A layer added to the test but not described here must not give a page that silently omits it."""
    layering = page.read_layering()
    with pytest.raises(SystemExit, match="without a description \\['newlayer'\\]"):
        page.render({**layering, "LAYERS": (*layering["LAYERS"], ("newlayer",))})
    fake = tmp_path / "test_layering.py"
    fake.write_text('LAYERS = (("units",),)\nFORBIDDEN = ()\n')
    with pytest.raises(SystemExit, match="DEVICES_ALLOWED"):
        page.read_layering(Path(fake))
