"""Nanocomposite k_eff (Nan et al. 1997): limits, critical radius, Hasselman-Johnson parity, size distributions."""

from __future__ import annotations

import pytest

from conftest import no_warnings
from kapitza.devices.composite import composite, composite_conductivity, critical_radius, lognormal_radii
from kapitza.errors import InputError

KM, KP = 10.0, 100.0


def hasselman_johnson(km, kd, a, hc, f):
    """Hasselman & Johnson, J. Compos. Mater. 21, 508 (1987), spheres, written in their h_c (= 1/R) form."""
    num = 2 * (kd / km - kd / (a * hc) - 1) * f + kd / km + 2 * kd / (a * hc) + 2
    den = (1 - kd / km + kd / (a * hc)) * f + kd / km + 2 * kd / (a * hc) + 2
    return km * num / den


def maxwell_garnett(km, kp, f):
    return km * (kp + 2 * km + 2 * f * (kp - km)) / (kp + 2 * km - f * (kp - km))


@pytest.mark.parametrize("f", [0.05, 0.2, 0.4])
@pytest.mark.parametrize("radius", [10e-9, 100e-9, 5e-6])
def test_spheres_equal_hasselman_johnson(f, radius):
    """Worked numbers: Nan 1997 Eq. (8) in alpha = a_K/a vs the independent closed form of Hasselman & Johnson
    1987 in h_c (k_m = 10, k_d = 100 W/m/K, h_c = 1e8 W/m^2/K)."""
    with no_warnings():
        r = composite(KM, KP, 1e-8, radius=radius, volume_fraction=f)
    assert r.effective_conductivity == pytest.approx(hasselman_johnson(KM, KP, radius, 1e8, f), rel=1e-12)


def test_worked_number():
    """k_m = 10, k_p = 100 W/m/K, R = 1e-8 m^2K/W (a_K = 100 nm), a = 50 nm, f = 0.2.

    By hand from Hasselman & Johnson 1987 with k_d/(a h_c) = 100/(5e-8 * 1e8) = 20:
    num = 2 (10 - 20 - 1) 0.2 + 10 + 40 + 2 = 47.6, den = (1 - 10 + 20) 0.2 + 52 = 54.2,
    k_eff = 10 * 47.6 / 54.2 = 8.78229 W/m/K: particles below the critical radius (111 nm) lower k.
    """
    r = composite(KM, KP, 1e-8, radius=50e-9, volume_fraction=0.2)
    assert r.effective_conductivity == pytest.approx(8.78229, rel=1e-5)
    assert r.kapitza_radius == pytest.approx(1e-7)
    assert r.critical_radius == pytest.approx(1e-7 * 100 / 90)


@pytest.mark.parametrize("shape", ["sphere", "cylinder-aligned", "cylinder-random"])
def test_dilute_gives_matrix(shape):
    """Analytic: at f = 0 every term in f of the Nan et al., J. Appl. Phys. 81, 6692 (1997) formulas vanishes, so
    k_eff = k_m exactly.
    """
    r = composite(KM, KP, 1e-8, radius=50e-9, volume_fraction=0.0, shape=shape)
    assert r.effective_conductivity == pytest.approx(KM, rel=1e-14)
    assert r.longitudinal_conductivity == pytest.approx(KM, rel=1e-14)


def test_zero_resistance_is_maxwell_garnett():
    """R = 0: Maxwell-Garnett for spheres; 2D Maxwell-Garnett across aligned cylinders, mixing rule along.

    Analytic: alpha = 0 in Nan et al., J. Appl. Phys. 81, 6692 (1997) leaves the Maxwell-Garnett forms, coded in the
    test.
    """
    for f in (0.1, 0.3):
        s = composite(KM, KP, 0.0, radius=50e-9, volume_fraction=f)
        assert s.effective_conductivity == pytest.approx(maxwell_garnett(KM, KP, f), rel=1e-12)
        assert s.maxwell_garnett == pytest.approx(s.effective_conductivity)
        c = composite(KM, KP, 0.0, radius=50e-9, volume_fraction=f, shape="cylinder-aligned")
        mg2 = KM * (KP + KM + f * (KP - KM)) / (KP + KM - f * (KP - KM))
        assert c.effective_conductivity == pytest.approx(mg2, rel=1e-12)
        assert c.longitudinal_conductivity == pytest.approx((1 - f) * KM + f * KP)


def test_infinite_resistance_is_pores():
    """R -> inf: the particles are insulating holes: 2(1-f)/(2+f) (spheres), (1-f)/(1+f) (across cylinders).

    Derivation: R -> inf makes the equivalent particle conductivity k' = k_p/(1 + R k_p/a) vanish, and Maxwell-Garnett
    with k' = 0 gives these closed forms (Nan et al. 1997).
    """
    f = 0.3
    s = composite(KM, KP, 1e6, radius=50e-9, volume_fraction=f)
    assert s.ratio == pytest.approx(2 * (1 - f) / (2 + f), rel=1e-9)
    assert s.ratio == pytest.approx(maxwell_garnett(KM, 1e-300, f) / KM, rel=1e-9)
    c = composite(KM, KP, 1e6, radius=50e-9, volume_fraction=f, shape="cylinder-aligned")
    assert c.ratio == pytest.approx((1 - f) / (1 + f), rel=1e-9)


@pytest.mark.parametrize("shape,kp", [("sphere", 100.0), ("cylinder-aligned", 100.0), ("cylinder-random", 30.0)])
def test_critical_radius_leaves_matrix(shape, kp):
    """At a = a_c, k_eff = k_m for every f (derivation in the module docstring)."""
    a_c = critical_radius(KM, kp, 1e-8, shape)
    assert a_c is not None and a_c > 0
    for f in (0.1, 0.3, 0.5):
        k, _ = composite_conductivity(KM, kp, 1e-8, a_c, f, shape)
        assert k == pytest.approx(KM, rel=1e-12)
        below, _ = composite_conductivity(KM, kp, 1e-8, 0.5 * a_c, f, shape)
        above, _ = composite_conductivity(KM, kp, 1e-8, 2 * a_c, f, shape)
        assert below < KM < above


def test_no_critical_radius():
    """k_p <= k_m: particles always lower k; random cylinders with k_p >= 5 k_m always raise it; R = 0: none.

    The conditions are derived in kapitza.devices.composite's docstring (a_c = a_K k_p/(k_p - k_m) needs k_p > k_m;
    random cylinders need k_m < k_p < 5 k_m; R = 0 gives a_K = 0).
    """
    assert critical_radius(KM, 5.0, 1e-8) is None
    assert critical_radius(KM, 60.0, 1e-8, "cylinder-random") is None
    assert critical_radius(KM, KP, 0.0) is None


@pytest.mark.parity
def test_delta_distribution_equals_single_size():
    """Analytic: a distribution of one radius is that radius; a lognormal of width 1e-4 differs from it at second
    order in the width.
    """
    one = composite(KM, KP, 1e-8, radius=70e-9, volume_fraction=0.25)
    delta = composite(KM, KP, 1e-8, radius=[70e-9, 70e-9], weights=[0.3, 0.7], volume_fraction=0.25)
    assert delta.effective_conductivity == pytest.approx(one.effective_conductivity, rel=1e-13)
    a, w = lognormal_radii(70e-9, 1e-4)
    narrow = composite(KM, KP, 1e-8, radius=a, weights=w, volume_fraction=0.25)
    assert narrow.effective_conductivity == pytest.approx(one.effective_conductivity, rel=1e-5)


def test_distribution_dilute_limit_adds_by_volume():
    """To first order in f the increments of the sizes add, weighted by their volume fractions.

    Derivation: k_eff - k_m is linear in f to first order, so the volume-weighted increments computed in the test add.
    """
    f, radii, w = 1e-6, [20e-9, 400e-9], [0.4, 0.6]
    mixed, _ = composite_conductivity(KM, KP, 1e-8, radii, f, weights=w)
    parts = [composite_conductivity(KM, KP, 1e-8, a, f)[0] - KM for a in radii]
    assert (mixed - KM) == pytest.approx(w[0] * parts[0] + w[1] * parts[1], rel=1e-5)


def test_sweep_and_random_cylinders_between_limits():
    r = composite(KM, KP, 1e-8, radius=50e-9, volume_fraction=0.2, shape="cylinder-random")
    assert r.sweep_conductivity.shape == (3, r.sweep_radius.size)
    aligned = composite(KM, KP, 1e-8, radius=50e-9, volume_fraction=0.2, shape="cylinder-aligned")
    assert aligned.effective_conductivity < r.effective_conductivity < aligned.longitudinal_conductivity


@pytest.mark.parametrize(
    "kwargs",
    [
        {"volume_fraction": 1.0},
        {"volume_fraction": -0.1},
        {"radius": 0.0},
        {"radius": float("nan")},
        {"radius": [1e-9, 2e-9], "weights": [1.0]},
        {"radius": [1e-9, 2e-9], "weights": [-1.0, 2.0]},
        {"shape": "cube"},
        {"matrix_conductivity": -1.0},
        {"resistance": "G=-5"},
        {"sweep_fractions": [1.5]},
    ],
)
def test_bad_input(kwargs):
    args = {"matrix_conductivity": KM, "particle_conductivity": KP, "resistance": 1e-8, "radius": 5e-8,
            "volume_fraction": 0.2}  # fmt: skip
    args.update(kwargs)
    with pytest.raises(InputError):
        composite(**args)
    with pytest.raises(InputError):
        lognormal_radii(1e-8, 3.0)
