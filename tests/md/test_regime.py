"""The thermostat-limited diagnostic (kapitza.analysis.md.regime) on synthetic steady profiles of both regimes.

The profiles are written here piecewise-analytically (flat bath slabs, linear bulk segments, a jump at each
interface) for a periodic box of length 100 with the hot slab centred at 25, the cold one at 75 (both 10 wide)
and interfaces at 0 (= 100) and 50, as kapitza's periodic NEMD places them.  The reference numbers follow from
the construction: shortfall = 1 - (T_hot_slab - T_cold_slab) / (set difference), interface share =
jump / (T_hot_slab - T_cold_slab).
"""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.analysis.md.regime import thermostat_regime
from kapitza.errors import InputError

L = 100.0
Z = np.arange(0.5, L, 1.0)  # bin centres, none on a slab edge or an interface
SET = (1.2, 0.8)
SLABS = ((20.0, 30.0), (70.0, 80.0))
PLANES = (0.0, 50.0)


def profile(t_hot: float, t_cold: float, jump: float) -> np.ndarray:
    """Steady profile: slabs flat at t_hot/t_cold, linear bulk from each slab edge to the interface, ``jump``
    at each interface, the bulk drop split evenly between the two crystals (heat flows from 25 both ways)."""
    bulk = (t_hot - t_cold - jump) / 2
    t = np.empty_like(Z)
    for i, z in enumerate(Z):
        d_hot = abs(z - 25.0)  # distance from the hot slab centre, along either path
        if d_hot <= 5:
            t[i] = t_hot
        elif d_hot < 25:  # crystal A, from slab edge (5) to interface (25)
            t[i] = t_hot - bulk * (d_hot - 5) / 20
        else:  # crystal B, from interface (25 from the hot centre) to the cold slab edge (45)
            d = min(d_hot, 100 - d_hot)  # wrap: the cold centre is 50 away along both paths
            t[i] = t_hot - bulk - jump - bulk * (d - 25) / 20 if d < 45 else t_cold
    return t


def test_strong_baths_are_ok_with_the_constructed_numbers():
    t = profile(1.19, 0.81, 0.15)
    r = thermostat_regime(Z, t, set_points=SET, bath_regions=SLABS, interfaces=PLANES, box=(0.0, L))
    assert r.verdict == "ok" and r.remedy == ""
    assert r.bath_temperatures == pytest.approx((1.19, 0.81), abs=1e-12)
    assert r.bath_shortfall == pytest.approx(1 - 0.38 / 0.4, abs=1e-12)
    # the lines through the middle half of linear segments extrapolate exactly: jump 0.15 of a 0.38 drop
    assert r.jumps_estimated
    assert r.interface_jumps == pytest.approx((0.15, 0.15), abs=1e-9)
    assert r.interface_share == pytest.approx(0.15 / 0.38, abs=1e-9)
    assert r.message.startswith("not thermostat-limited")


def test_weak_baths_are_thermostat_limited_with_the_remedy():
    t = profile(1.05, 0.95, 0.08)  # slabs 75 % short of the set difference, interface 80 % of the drop
    r = thermostat_regime(Z, np.vstack([t - 0.01, t + 0.01]), set_points=SET, bath_regions=SLABS,
                          interfaces=PLANES, box=(0.0, L))  # fmt: skip
    assert r.verdict == "thermostat-limited"
    assert r.bath_shortfall == pytest.approx(0.75, abs=1e-12)
    assert r.interface_share == pytest.approx(0.8, abs=1e-9)
    assert "damping time" in r.remedy and "bath_width" in r.remedy and r.remedy in r.message


def test_slabs_at_their_set_points_with_flat_bulk_are_limited():
    """The weak-bath SW Si|Ge signature of the protocol study: slabs within 5 % of their set points, the
    interface taking nearly all of the drop (flat bulk) is thermostat-limited when the share's error over
    blocks puts it clearly above 90 %; the same slabs with sloped bulk segments are not."""
    rng = np.random.default_rng(7)
    noise = rng.normal(0.0, 0.002, size=(8, Z.size))  # 8 blocks, small independent noise per bin
    flat_t, sloped_t = profile(1.19, 0.81, 0.37) + noise, profile(1.19, 0.81, 0.28) + noise
    kw = {"set_points": SET, "bath_regions": SLABS, "interfaces": PLANES, "box": (0.0, L)}
    flat, sloped = thermostat_regime(Z, flat_t, **kw), thermostat_regime(Z, sloped_t, **kw)
    assert flat.bath_shortfall == pytest.approx(0.05, abs=0.01)
    assert flat.interface_share == pytest.approx(0.37 / 0.38, abs=0.02) and flat.interface_share_err < 0.02
    assert sloped.interface_share == pytest.approx(0.28 / 0.38, abs=0.02)
    assert flat.verdict == "thermostat-limited" and sloped.verdict == "ok"


def test_a_share_above_the_limit_without_an_error_is_uncertain():
    """One mean profile (no blocks): the share 0.36/0.38 is above 90 % but has no error, so the verdict says
    so and asks for a longer run; noisy blocks whose share straddles the limit say the same."""
    kw = {"set_points": SET, "bath_regions": SLABS, "interfaces": PLANES, "box": (0.0, L)}
    one = thermostat_regime(Z, profile(1.19, 0.81, 0.36), **kw)
    assert one.interface_share == pytest.approx(0.36 / 0.38) and np.isnan(one.interface_share_err)
    assert one.verdict == "uncertain" and one.message.startswith("possibly thermostat-limited") and one.remedy
    noisy = profile(1.19, 0.81, 0.33) + np.random.default_rng(3).normal(0.0, 0.03, size=(4, Z.size))
    r = thermostat_regime(Z, noisy, **kw)
    assert r.interface_share - r.interface_share_err < 0.9 < r.interface_share
    assert r.verdict == "uncertain"


def test_slabs_far_from_their_set_points_are_limited_whatever_the_profile():
    r = thermostat_regime(Z, profile(1.08, 0.92, 0.04), set_points=SET, bath_regions=SLABS,
                          interfaces=PLANES, box=(0.0, L))  # fmt: skip
    assert r.bath_shortfall == pytest.approx(0.6) and r.interface_share == pytest.approx(0.25)
    assert r.verdict == "thermostat-limited"


def test_rolled_box_and_given_jumps_give_the_same_numbers():
    """Rolling the periodic profile by L/4 (slabs and planes with it, the hot slab then across no edge, the
    interface at 25) must not change anything; given jumps replace the estimate."""
    t = profile(1.1, 0.9, 0.12)
    ref = thermostat_regime(Z, t, set_points=SET, bath_regions=SLABS, interfaces=PLANES, box=(0.0, L))
    shift = L / 4
    z2 = (Z + shift) % L
    order = np.argsort(z2)
    rolled = thermostat_regime(
        z2[order], t[order], set_points=SET, bath_regions=[(a + shift, b + shift) for a, b in SLABS],
        interfaces=[(p + shift) % L for p in PLANES], box=(0.0, L),
    )  # fmt: skip
    assert rolled.bath_shortfall == pytest.approx(ref.bath_shortfall, abs=1e-12)
    assert rolled.interface_share == pytest.approx(ref.interface_share, abs=1e-9)
    given = thermostat_regime(Z, t, set_points=SET, bath_regions=SLABS, interfaces=PLANES, box=(0.0, L),
                              interface_jumps=[-0.12, 0.12])  # fmt: skip
    assert not given.jumps_estimated and given.interface_share == pytest.approx(ref.interface_share, abs=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"set_points": (0.8, 1.2)}, "hot set point must exceed"),
        ({"bath_regions": ((20.0, 30.0), (80.0, 70.0))}, "start < end"),
        ({"bath_regions": ((20.0, 20.1), (70.0, 80.0))}, "no profile bin lies in the bath slab"),
        ({"interfaces": (0.0, 25.0, 50.0)}, "1 or 2 interface planes"),
        ({"interfaces": (25.0,)}, "does not lie between the two baths"),
        ({"set_points": (float("nan"), 0.8)}, "must be finite"),
    ],
)
def test_bad_inputs_are_refused_with_the_value(kwargs, match):
    args = {"set_points": SET, "bath_regions": SLABS, "interfaces": PLANES, "box": (0.0, L)} | kwargs
    with pytest.raises(InputError, match=match):
        thermostat_regime(Z, profile(1.19, 0.81, 0.15), **args)
