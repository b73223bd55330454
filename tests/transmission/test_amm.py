"""The acoustic mismatch model, angle by angle: energy conservation, limits, closed forms, critical angles.

Independent routes used here: the SH closed form and the fluid/solid closed
form (Brekhovskikh, "Waves in Layered Media", fluid-solid boundary), both
re-derived in the docstrings and coded in this file from scratch; the
hemispherical averages against scipy's adaptive quadrature.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy import integrate

import kapitza
from conftest import no_warnings
from kapitza import InputError, amm_angular, amm_coefficients, get_material
from kapitza.transmission.amm import coupled_modes, critical_angles, hemispherical_averages, outgoing_modes, speed

SOLID_PAIRS = [("Al", "Si"), ("C", "Pb"), ("Pb", "C"), ("Au", "C"), ("Si", "Ge"), ("GaN", "4H-SiC"), ("Cu", "Al2O3")]
FLUID_PAIRS = [("Cu", "He4"), ("He4", "Cu"), ("C", "He4"), ("He4", "Pb")]

#: A second, denser fluid (water-like numbers) so that fluid/solid transmissions are not tiny.
WATERLIKE = dataclasses.replace(get_material("He4"), name="waterlike", density=1000.0, v_l=1480.0)
#: A second solid fluid pair member and a fluid/fluid pair.
FLUID_FLUID = [("He4", WATERLIKE), (WATERLIKE, "He4")]

#: 4001 angles from normal to grazing incidence, both ends included.
ANGLES = np.linspace(0.0, np.pi / 2, 4001)


def material(spec):
    return get_material(spec)


def pols(spec):
    return ("P",) if material(spec).is_fluid else ("P", "SV", "SH")


def impedance(spec, pol):
    m = material(spec)
    return m.density * speed(m, pol)


@pytest.mark.parametrize("a,b", SOLID_PAIRS + FLUID_PAIRS + FLUID_FLUID + [("Al", WATERLIKE), (WATERLIKE, "Al")])
@pytest.mark.law
def test_energy_is_conserved_at_every_angle(a, b):
    """R + T = 1 to 1e-12 (the requirement is 1e-10) for every polarisation over 4001 angles, pre- and post-critical.

    Nothing in the solver imposes this: the amplitudes come from the boundary
    conditions and the fluxes from rho v^2 Re(q) |A|^2, so a wrong flux factor,
    a wrong branch of q or uncrossed terms would show here.

    Source of the expectation: energy conservation at a lossless elastic interface (analytic: sum of the outgoing flux
    fractions is 1), the continuum elasticity derived in kapitza.transmission.amm's docstring.
    """
    with no_warnings():
        for pol in pols(a):
            c = amm_coefficients(a, b, ANGLES, pol)
            assert set(c) == set(outgoing_modes(material(a), material(b)))
            values = np.array(list(c.values()))
            assert np.all(values >= 0.0) and np.all(values <= 1.0 + 1e-12)
            np.testing.assert_allclose(values.sum(axis=0), 1.0, rtol=0, atol=1e-12)


@pytest.mark.parametrize("a,b", SOLID_PAIRS + FLUID_PAIRS + FLUID_FLUID)
def test_normal_incidence_is_the_impedance_formula(a, b):
    """At theta = 0 every polarisation gives 4 Z1 Z2 / (Z1 + Z2)^2 (Z = rho v_L for P, rho v_T for S), no conversion
    (the analytic normal-incidence limit; Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989)).

    Shear waves cannot enter a fluid: they are reflected entirely.
    """
    for pol in pols(a):
        c = amm_coefficients(a, b, 0.0, pol)
        if pol in pols(b):
            z1, z2 = impedance(a, pol), impedance(b, pol)
            assert c[f"transmitted_{pol}"] == pytest.approx(4 * z1 * z2 / (z1 + z2) ** 2, rel=1e-12)
            assert c[f"reflected_{pol}"] == pytest.approx(((z1 - z2) / (z1 + z2)) ** 2, rel=1e-10, abs=1e-15)
        else:
            assert c[f"reflected_{pol}"] == pytest.approx(1.0, abs=1e-15)
        converted = [v for k, v in c.items() if not k.endswith(f"_{pol}")]
        assert max(converted, default=0.0) < 1e-25


@pytest.mark.parametrize("name", ["Si", "Pb", "He4"])
def test_identical_media_transmit_everything(name):
    """Analytic: identical media have equal impedances and speeds, so the boundary conditions give no reflected wave
    and tau = 1 exactly (the alpha = 4 Z1 Z2 c1 c2/(Z1 c1 + Z2 c2)^2 closed form at Z1 = Z2, c1 = c2).
    """
    m = get_material(name)
    twin = dataclasses.replace(m, name="twin")
    for pol in pols(name):
        c = amm_coefficients(m, twin, ANGLES, pol)
        np.testing.assert_array_equal(c[f"transmitted_{pol}"], 1.0)


def test_nearly_identical_media_go_through_the_solver_and_transmit_almost_everything():
    """Media differing by 1e-6 in density use the general solver; away from grazing, tau = 1 to ~1e-10.

    Analytic: alpha = 4 Z1 Z2/(Z1 + Z2)^2 at normal incidence differs from 1 by (dZ/2Z)^2 ~ 2.5e-13 for dZ/Z = 1e-6,
    so 1e-9 bounds the solver's round-off, not the physics.
    """
    si = get_material("Si")
    other = dataclasses.replace(si, name="Si'", density=si.density * (1 + 1e-6))
    theta = np.linspace(0, np.radians(85), 500)
    for pol in ("P", "SV", "SH"):
        c = amm_coefficients(si, other, theta, pol)
        np.testing.assert_allclose(c[f"transmitted_{pol}"], 1.0, atol=1e-9)


@pytest.mark.parametrize("a,b", SOLID_PAIRS)
@pytest.mark.parity
def test_sh_closed_form_matches_the_general_solver(a, b):
    """SH: u_y and mu du_y/dz continuous give t = 2 Z1c1/(Z1c1 + Z2c2), so alpha = 4 Z1 Z2 c1 c2/(Z1c1 + Z2c2)^2.

    Z = rho v_T, c = cos of the angle on each side (Snell: sin2 = sin1 v_T2/v_T1);
    total reflection past the critical angle.  The cosines are *not* crossed
    (unlike sound in fluids).

    The closed form is derived above and coded in the test (an independent computation).
    """
    m1, m2 = material(a), material(b)
    z1, z2 = impedance(a, "SH"), impedance(b, "SH")
    s2 = np.sin(ANGLES) * m2.v_t / m1.v_t
    c1, c2 = np.cos(ANGLES), np.sqrt(np.clip(1 - s2**2, 0, None))
    expected = np.where(s2 < 1, 4 * z1 * z2 * c1 * c2 / (z1 * c1 + z2 * c2) ** 2, 0.0)
    got = amm_coefficients(a, b, ANGLES, "SH")["transmitted_SH"]
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-14)


def brekhovskikh(fluid, solid, theta):
    """Energy transmission from a fluid into a solid, into L and into T (Brekhovskikh's impedance form).

    Z = rho1 v1 / cos(theta), Z_L = rho2 vL / cos(theta_L), Z_T = rho2 vT / cos(theta_T),
    Z_tot = Z_L cos^2(2 theta_T) + Z_T sin^2(2 theta_T);
    alpha_L = 4 Z Re(Z_L) cos^2(2 theta_T) / |Z_tot + Z|^2, alpha_T = 4 Z Re(Z_T) sin^2(2 theta_T) / |Z_tot + Z|^2,
    with cos(theta_L) imaginary (Re Z_L = 0) past the L critical angle.
    """
    f, s = material(fluid), material(solid)
    p = np.sin(theta) / f.v_l
    cos_l = np.sqrt((1 - (p * s.v_l) ** 2).astype(complex))
    cos_t = np.sqrt((1 - (p * s.v_t) ** 2).astype(complex))
    sin_t = p * s.v_t
    z = f.density * f.v_l / np.cos(theta)
    z_l, z_t = s.density * s.v_l / cos_l, s.density * s.v_t / cos_t
    cos2, sin2 = (1 - 2 * sin_t**2) ** 2, (2 * sin_t * cos_t) ** 2
    z_tot = z_l * cos2 + z_t * sin2
    denominator = np.abs(z_tot + z) ** 2
    alpha_l = 4 * z * z_l.real * cos2.real / denominator
    alpha_t = 4 * z * z_t.real * sin2.real / denominator
    total_reflection = p * s.v_t >= 1
    return np.where(total_reflection, 0.0, alpha_l), np.where(total_reflection, 0.0, alpha_t)


@pytest.mark.parametrize("fluid,solid", [("He4", "Cu"), (WATERLIKE, "Al"), (WATERLIKE, "Pb"), ("He4", "C")])
@pytest.mark.parity
def test_fluid_into_solid_matches_the_closed_form(fluid, solid):
    """The 4x4 fluid/solid system equals Brekhovskikh's closed form, before and past both critical angles.

    Tolerance: 1e-9 relative, or 1e-14 absolute for the tiny converted flux near
    normal incidence (alpha_SV ~ 1e-7 there; the solve is accurate to ~1e-15 of
    the O(1) amplitudes).
    """
    theta = np.linspace(0, np.radians(89.9), 20001)
    alpha_l, alpha_t = brekhovskikh(fluid, solid, theta)
    c = amm_coefficients(fluid, solid, theta, "P")
    np.testing.assert_allclose(c["transmitted_P"], alpha_l, rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(c["transmitted_SV"], alpha_t, rtol=1e-9, atol=1e-14)
    assert np.all(c["transmitted_SH"] == 0.0)


def test_fluid_between_fluids_is_the_simplified_formula():
    """Two fluids: the full model reduces to 4 Z1 Z2 c1 c2 / (Z1 c2 + Z2 c1)^2, the simplified AMM (exact here).

    The simplified formula is the closed form of kapitza.transmission.amm (model="amm-simple"), exact for two fluids
    (analytic: no shear waves, so only pressure and normal displacement are matched).
    """
    full = amm_coefficients("He4", WATERLIKE, ANGLES, "P")["transmitted_P"]
    simple = amm_coefficients("He4", WATERLIKE, ANGLES, "P", model="amm-simple")["transmitted_P"]
    np.testing.assert_allclose(full, simple, rtol=1e-11, atol=1e-15)


@pytest.mark.parametrize("a,b", [("Cu", "He4"), ("Al", WATERLIKE), ("C", "He4")])
def test_shear_horizontal_waves_do_not_enter_a_fluid(a, b):
    """Analytic: a fluid has mu = 0, so the SH traction mu du_y/dz vanishes on its side and an SH wave is totally
    reflected (R_SH = 1, nothing transmitted).
    """
    c = amm_coefficients(a, b, ANGLES, "SH")
    np.testing.assert_allclose(c["reflected_SH"], 1.0, rtol=0, atol=1e-15)
    assert np.all(c["transmitted_P"] == 0)


def test_critical_angles_are_where_snell_puts_them():
    """sin(theta_c) = v_in / v_out for every faster coupled wave; past it that wave carries exactly 0.

    Expected angles computed in the test from Snell's law p = sin(theta)/v_in (analytic, kapitza.transmission.amm's
    docstring).
    """
    al, si = material("Al"), material("Si")
    crit_p = critical_angles(al, si, "P")
    assert dict(crit_p) == pytest.approx({"transmitted_P": np.arcsin(al.v_l / si.v_l)}, rel=1e-15)
    crit_sv = critical_angles(al, si, "SV")
    assert dict(crit_sv) == pytest.approx(
        {
            "transmitted_P": np.arcsin(al.v_t / si.v_l),
            "reflected_P": np.arcsin(al.v_t / al.v_l),
            "transmitted_SV": np.arcsin(al.v_t / si.v_t),
        },
        rel=1e-15,
    )
    assert list(crit_sv.values()) == sorted(crit_sv.values())
    assert dict(critical_angles(al, si, "SH")) == pytest.approx({"transmitted_SH": np.arcsin(al.v_t / si.v_t)})
    for pol, crit in (("P", crit_p), ("SV", crit_sv)):
        for mode, angle in crit.items():
            before = amm_coefficients(al, si, angle * (1 - 1e-6), pol)[mode]
            after = amm_coefficients(al, si, angle * (1 + 1e-9), pol)[mode]
            far = amm_coefficients(al, si, np.linspace(angle * (1 + 1e-9), np.pi / 2, 300), pol)[mode]
            assert before > 0 and after == 0.0 and np.all(far == 0.0)


def test_no_critical_angle_into_a_slower_medium():
    """Pb is slower than diamond in every polarisation: C -> Pb has no transmitted critical angle.

    Analytic: by Snell's law a critical angle sin(theta_c) = v_in/v_out exists only where v_out > v_in.
    """
    for pol in ("P", "SV", "SH"):
        assert not any(k.startswith("transmitted") for k in critical_angles("C", "Pb", pol))
    # helium is slower than any solid: from the solid side nothing is ever totally reflected into helium
    assert "transmitted_P" not in critical_angles("Cu", "He4", "SV")


def test_coupling_sets():
    cu, he = material("Cu"), material("He4")
    assert coupled_modes(cu, he, "SH") == ("reflected_SH",)
    assert coupled_modes(he, cu, "P") == ("reflected_P", "transmitted_P", "transmitted_SV")
    assert coupled_modes(cu, cu, "P", "amm-simple") == ("reflected_P", "transmitted_P")


@pytest.mark.parametrize("a,b", [("Al", "Si"), ("Pb", "C"), ("He4", "Cu"), ("Cu", "He4"), ("Au", "C")])
def test_hemispherical_averages_match_adaptive_quadrature(a, b):
    """<alpha> = 2 int alpha mu dmu from the cosine-mapped Gauss-Legendre panels vs scipy.quad (epsrel 1e-13).

    quad gets the critical cos(theta) values as break points and up to 500
    subintervals; both routes agree to 1e-11 relative (or 1e-16 absolute).

    The reference is an independent computation written in the test (scipy.integrate.quad); the averages sum to 1 by
    energy conservation (analytic).
    """
    ma, mb = material(a), material(b)
    for pol in pols(a):
        kinks = sorted(np.cos(list(critical_angles(ma, mb, pol).values())))
        edges = [0.0, *kinks, 1.0]
        averages = hemispherical_averages(ma, mb, pol)
        assert sum(averages.values()) == pytest.approx(1.0, abs=1e-12)
        for mode in coupled_modes(ma, mb, pol):

            def f(mu, mode=mode, pol=pol):
                return 2 * mu * float(amm_coefficients(ma, mb, np.arccos(mu), pol)[mode])

            ref = sum(
                integrate.quad(f, lo, hi, epsabs=1e-17, epsrel=1e-13, limit=500)[0]
                for lo, hi in zip(edges[:-1], edges[1:])
            )
            assert averages[mode] == pytest.approx(ref, rel=1e-11, abs=1e-16)


@pytest.mark.parametrize("a,b", [("Al", "Si"), ("C", "Pb"), ("Cu", "He4"), ("Au", "C"), ("He4", WATERLIKE)])
@pytest.mark.parametrize("model", ["amm", "amm-simple"])
@pytest.mark.law
def test_reciprocity_of_hemispherical_averages(a, b, model):
    """<alpha_{i->j}>/v_i^2 = <alpha_{j->i}>/v_j^2: the flux-normalised scattering matrix is symmetric.

    This is detailed balance mode by mode (M_1,i <alpha_ij> = M_2,j <alpha_ji>);
    it checks angles, mode conversion and flux normalisation together.

    Derivation: M_i is proportional to 1/v_i^2 in a Debye medium, so detailed balance M_1,i <alpha_ij> = M_2,j
    <alpha_ji> gives the ratio tested.
    """
    ma, mb = material(a), material(b)
    for i in pols(a):
        forward = hemispherical_averages(ma, mb, i, model)
        for j in pols(b):
            backward = hemispherical_averages(mb, ma, j, model)
            lhs = forward[f"transmitted_{j}"] / speed(ma, i) ** 2
            rhs = backward[f"transmitted_{i}"] / speed(mb, j) ** 2
            assert lhs == pytest.approx(rhs, rel=1e-10, abs=1e-30)


def test_simplified_model_is_its_formula_and_has_no_mode_conversion():
    """amm-simple: alpha = 4 Z1 Z2 c1 c2 / (Z1 c2 + Z2 c1)^2 per polarisation, total reflection past v1/v2 (Little,
    Can. J. Phys. 37, 334 (1959); Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989))."""
    al, si = material("Al"), material("Si")
    for pol in ("P", "SV", "SH"):
        v1, v2 = speed(al, pol), speed(si, pol)
        z1, z2 = al.density * v1, si.density * v2
        s2 = np.sin(ANGLES) * v2 / v1
        c1, c2 = np.cos(ANGLES), np.sqrt(np.clip(1 - s2**2, 0, None))
        expected = np.where(s2 < 1, 4 * z1 * z2 * c1 * c2 / (z1 * c2 + z2 * c1) ** 2, 0.0)
        c = amm_coefficients(al, si, ANGLES, pol, model="amm-simple")
        np.testing.assert_allclose(c[f"transmitted_{pol}"], expected, rtol=1e-13, atol=1e-16)
        np.testing.assert_allclose(c[f"reflected_{pol}"] + c[f"transmitted_{pol}"], 1.0, atol=1e-15)
        assert all(np.all(v == 0) for k, v in c.items() if not k.endswith(f"_{pol}"))
    # SV and SH are indistinguishable in the simplified model, and differ from the full one
    simple_sv = amm_coefficients(al, si, ANGLES, "SV", model="amm-simple")["transmitted_SV"]
    simple_sh = amm_coefficients(al, si, ANGLES, "SH", model="amm-simple")["transmitted_SH"]
    np.testing.assert_array_equal(simple_sv, simple_sh)
    full_sh = amm_coefficients(al, si, ANGLES, "SH")["transmitted_SH"]
    assert np.max(np.abs(full_sh - simple_sh)) > 0.01


def test_angular_result_is_consistent():
    """Expectations: the coefficients sum to 1 by energy conservation (analytic) and equal amm_coefficients /
    hemispherical_averages (an independent computation written in the test, through the public functions).
    """
    r = amm_angular("Al", "Si", n_angles=91)
    assert r.incident == ("P", "SV", "SH") and r.outgoing == outgoing_modes(material("Al"), material("Si"))
    crit = [a for pol in r.incident for a in r.critical[pol].values()]
    assert r.angle.size == 91 + len(set(crit))
    assert r.angle[0] == 0.0 and r.angle[-1] == np.pi / 2 and np.all(np.diff(r.angle) > 0)
    assert r.coefficients.shape == (3, 6, r.angle.size)
    np.testing.assert_allclose(r.coefficients.sum(axis=1), 1.0, atol=1e-12)
    for i, pol in enumerate(r.incident):
        np.testing.assert_allclose(
            r.coefficients[i, r.outgoing.index("transmitted_P")],
            amm_coefficients("Al", "Si", r.angle, pol)["transmitted_P"],
            rtol=1e-15,
        )
        means = hemispherical_averages("Al", "Si", pol)
        assert r.averages[i] == pytest.approx([means[m] for m in r.outgoing], rel=1e-15)
        assert r.mean_transmission[i] == pytest.approx(sum(v for k, v in means.items() if k[0] == "t"), rel=1e-14)
    fluid = amm_angular("He4", "Cu", model="amm-simple", n_angles=10)
    assert fluid.incident == ("P",) and fluid.coefficients.shape[:2] == (1, 4)


def test_scalar_and_array_angles():
    c = amm_coefficients("Al", "Si", 0.3, "P")
    assert all(isinstance(v, float) for v in c.values())
    grid = amm_coefficients("Al", "Si", np.full((2, 3), 0.3), "P")
    assert grid["transmitted_P"].shape == (2, 3) and np.all(grid["transmitted_P"] == c["transmitted_P"])
    assert kapitza.amm_coefficients is amm_coefficients


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(incident="X"), "'X'"),
        (dict(incident="L"), "P, SV, SH"),
        (dict(a="He4", incident="SV"), "fluid"),
        (dict(angle=-0.1), "-0.1"),
        (dict(angle=2.0), r"pi/2"),
        (dict(angle=float("nan")), "finite"),
        (dict(angle="steep"), "radians"),
        (dict(model="amm-full"), "amm-full"),
    ],
)
def test_bad_input_is_named(kwargs, match):
    args = dict(a="Al", b="Si", angle=0.2, incident="P", model="amm") | kwargs
    with pytest.raises(InputError, match=match):
        amm_coefficients(args["a"], args["b"], args["angle"], args["incident"], model=args["model"])


def test_bad_angle_count():
    for bad in (1, 2.5, True):
        with pytest.raises(InputError, match="n_angles"):
            amm_angular("Al", "Si", n_angles=bad)


@pytest.mark.parametrize("a,b", [("Al", "Si"), ("C", "Pb"), ("He4", "Cu"), ("Cu", "He4")])
def test_grazing_incidence_is_specular_reflection(a, b):
    """theta -> pi/2: the incident wave carries no normal flux and is reflected as it came; near it, continuously
    (analytic limit)."""
    for pol in pols(a):
        at = amm_coefficients(a, b, np.pi / 2, pol)
        near = amm_coefficients(a, b, np.pi / 2 - 1e-7, pol)
        assert at[f"reflected_{pol}"] == pytest.approx(1.0, abs=1e-12)
        assert near[f"reflected_{pol}"] == pytest.approx(1.0, abs=1e-5)


def test_angular_result_is_frozen_with_a_short_repr():
    """amm_angular's repr dumped 361-element arrays; its arrays and critical angles were writable."""
    import kapitza

    r = kapitza.amm_angular("Al", "Si")
    assert len(repr(r)) < 300 and "\n" not in repr(r)
    with pytest.raises(ValueError):
        r.coefficients[0, 0, 0] = 0.5
    with pytest.raises(TypeError):
        r.critical["P"]["x"] = 1.0  # type: ignore[index]
    assert set(r.to_dict()) >= {"angle", "coefficients", "averages", "critical"}
