"""The regime line never prints "interface share nan %" (issue 39, hostile inputs): a sentence says why."""

from __future__ import annotations

import numpy as np

from kapitza.analysis.md.regime import thermostat_regime

Z = np.arange(0.5, 100.0, 1.0)
SLABS = ((20.0, 30.0), (70.0, 80.0))
PLANES = (0.0, 50.0)


def test_a_constant_profile_says_why_the_share_is_not_defined():
    """A constant profile: the slabs are equally warm, so there is no slab-to-slab drop to share; the message says
    so instead of printing NaN, and the share itself stays NaN for a program to test."""
    r = thermostat_regime(
        Z, np.full(Z.size, 1.0), set_points=(1.2, 0.8), bath_regions=SLABS, interfaces=PLANES, box=(0.0, 100.0)
    )
    assert np.isnan(r.interface_share)
    assert "nan" not in r.message.lower()
    assert "not defined (the hot slab is not warmer than the cold one" in r.message


def test_a_reversed_profile_says_why_too():
    """The cold slab warmer than the hot one (a swapped manifest): no drop along the heat flow, the same sentence."""
    t = np.where(np.abs(Z - 25.0) <= 5, 0.9, 1.1)
    r = thermostat_regime(Z, t, set_points=(1.2, 0.8), bath_regions=SLABS, interfaces=PLANES, box=(0.0, 100.0))
    assert "nan" not in r.message.lower() and "no slab-to-slab drop" in r.message
