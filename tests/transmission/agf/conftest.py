"""Fixtures of the AGF run tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def no_build(monkeypatch):
    """Make building a structure fail the test: inputs must be refused before any work."""
    import kapitza.atomistic.structures as structures

    def fail(*args, **kwargs):
        pytest.fail("build_interface was called although an input was bad")

    monkeypatch.setattr(structures, "build_interface", fail)
