"""The NEMD set-up in analyze_jump: interfaces on the periodic edge, the heat-flow direction from the hot bath
(never from fitted slopes), exclusions counted from the bath edge."""

from __future__ import annotations

import numpy as np
import pytest
from analysis_synthetic import synthetic

from kapitza.analysis import TemperatureProfile, analyze_jump
from kapitza.errors import InputError

#: A box length as LAMMPS prints it (six digits): 20 LJ fcc cells of pi/... as in issue 25, item 3.
L6 = 62.8513


def _six_digits(profile, shift=0.0):
    """``profile`` with its bins moved by ``shift`` (modulo the box) and positions printed with six digits."""
    length = profile.bin_width * profile.n_bins
    z = (profile.positions + shift) % length
    order = np.argsort(z)
    printed = np.array([float(f"{x:.6g}") for x in z[order]])
    return TemperatureProfile(printed, profile.temperatures[:, order], None, None, units=profile.units)


def test_interface_on_the_box_edge_gives_the_delta_t_of_the_rolled_profile():
    """Issue 25 item 3: interfaces at L/2 and 0 (or Lz, both as LAMMPS's six printed digits) give the same
    Delta T as the same profile rolled by Lz/4 (interfaces at L/4 and 3L/4): the same bins, moved.  Reference:
    the rolled analysis itself (an independent placement of the same data); tolerance 1e-5 K from the
    six-digit rounding of the bin positions (gradient 0.01 per unit length times ~1e-5)."""
    base = synthetic(11, length=L6, bins=40)
    rolled = _six_digits(base)  # interfaces at L/4, 3L/4
    edge = _six_digits(base, shift=-L6 / 4)  # interfaces at 0 (= Lz) and L/2
    ref = analyze_jump(rolled, interfaces=(L6 / 4, 3 * L6 / 4), hot_bath=L6 / 2)
    for planes in ((31.4257, 0.0), (31.4257, 62.8513), (31.4257, -62.8513), (94.277, 0.0)):
        r = analyze_jump(edge, interfaces=planes, hot_bath=L6 / 4)  # the middle bath, moved by -L/4
        assert r.delta_T == pytest.approx(ref.delta_T, abs=1e-5)
        assert r.delta_T_err == pytest.approx(ref.delta_T_err, rel=1e-3)
        assert sorted(j.position for j in r.interfaces)[0] == pytest.approx(0.0, abs=1e-4)
    assert abs(ref.delta_T - 0.2) < 3 * ref.delta_T_err


def test_direction_from_the_hot_bath_when_the_slopes_are_noise():
    """Flat bulk (no gradient), a jump of 0.2 at each interface and noise: the fitted slopes' sign is a coin
    toss, so a direction taken from it flips Delta T's sign on some seeds.  With the hot bath given (the middle,
    z = 20) every seed recovers +0.2 within 4 sigma; told the wrong bath, the sign flips (set-up, not slopes)."""
    wrong_by_slopes = 0
    for seed in range(20):
        p = synthetic(seed, gradient=0.0, noise=0.05)
        r = analyze_jump(p, interfaces=(10, 30), hot_bath=20.0, steady_state=False)
        assert abs(r.delta_T - 0.2) < 4 * r.delta_T_err
        assert [j.direction for j in r.interfaces] == [-1, 1] and r.hot_bath == 20.0
        assert r.direction_source.startswith("given")
        wrong_by_slopes += sum((j.slopes[0] + j.slopes[1] > 0) != (j.direction < 0) for j in r.interfaces)
        flipped = analyze_jump(p, interfaces=(10, 30), hot_bath=0.0, steady_state=False)
        assert flipped.delta_T == pytest.approx(-r.delta_T)
    assert wrong_by_slopes > 0  # the slopes would have pointed the wrong way at least once


def test_direction_inferred_from_the_bath_regions_and_said_so():
    """No hot bath given: the bath regions' temperatures decide (here inner - outer = 0.2 + gradient * 20 =
    0.4, far beyond the noise), and the result says it inferred it; a profile that cannot tell is refused."""
    r = analyze_jump(synthetic(3), interfaces=(10, 30))
    assert r.hot_bath == 20.0 and "inferred from the profile" in r.direction_source
    flat = synthetic(4, jump=0.0, gradient=0.0)
    with pytest.raises(InputError, match="cannot tell which bath is hot"):
        analyze_jump(flat, interfaces=(10, 30))
    assert analyze_jump(flat, interfaces=(10, 30), hot_bath=20.0).hot_bath == 20.0


def test_exclusion_counted_from_the_bath_edge():
    """Box 40, 1 bin = 1, baths at 20 and 0 each 4 wide, 2 bins excluded: the right segment of the interface at
    10 ends 2 bins before the bath's edge at 18 (fit 12..16); without the width it counts from the centre."""
    p = synthetic(5)
    r = analyze_jump(p, interfaces=(10, 30), exclude_bins=2, bath_width=4.0, hot_bath=20)
    assert r.interfaces[0].fit_ranges[1] == pytest.approx((12.0, 16.0))
    assert r.interfaces[0].fit_ranges[0] == pytest.approx((4.0, 8.0))  # from the edge of the bath at 0 (= 40)
    assert "from the bath edge" in r.exclusion and r.bath_width == 4.0
    c = analyze_jump(p, interfaces=(10, 30), exclude_bins=2, hot_bath=20)
    assert c.interfaces[0].fit_ranges[1] == pytest.approx((12.0, 18.0)) and "bath centre" in c.exclusion
    assert np.isnan(c.bath_width)
