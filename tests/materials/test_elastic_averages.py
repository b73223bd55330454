"""Voigt-Reuss-Hill isotropic averages (kapitza.materials.elastic).

Reference: R. Hill, Proc. Phys. Soc. A 65, 349 (1952): the Voigt (uniform
strain) and Reuss (uniform stress) moduli bound the polycrystal ones, and Hill
takes their arithmetic mean.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.materials import list_materials
from kapitza.materials.elastic import hill_sound_speeds, sound_speeds, voigt_matrix, voigt_reuss_hill

GPA = 1e9

# Voigt index pairs (0-based) <-> tensor indices.
_PAIRS = ((0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1))


def _to_tensor(c: np.ndarray) -> np.ndarray:
    """6x6 Voigt stiffness -> 3x3x3x3 tensor."""
    t = np.zeros((3, 3, 3, 3))
    for (a, (i, j)), (b, (k, m)) in itertools.product(enumerate(_PAIRS), repeat=2):
        for p, q in {(i, j), (j, i)}:
            for r, s in {(k, m), (m, k)}:
                t[p, q, r, s] = c[a, b]
    return t


def _to_voigt(t: np.ndarray) -> np.ndarray:
    return np.array([[t[i, j, k, m] for (k, m) in _PAIRS] for (i, j) in _PAIRS])


def _rotate(c: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Stiffness of the crystal rotated by the orthogonal matrix r."""
    return _to_voigt(np.einsum("ia,jb,kc,ld,abcd->ijkl", r, r, r, r, _to_tensor(c)))


def _random_rotation(seed: int) -> np.ndarray:
    q, rr = np.linalg.qr(np.random.default_rng(seed).normal(size=(3, 3)))
    q = q @ np.diag(np.sign(np.diag(rr)))
    return q if np.linalg.det(q) > 0 else -q


def _crystals():
    return [m for m in list_materials() if m.elastic_constants is not None]


def test_isotropic_stiffness_gives_exact_speeds():
    """An isotropic stiffness (C11 = lambda + 2 mu, C44 = mu) has Voigt = Reuss = Hill
    and v_l = sqrt((lambda + 2 mu)/rho), v_t = sqrt(mu/rho) exactly (elastic-wave
    speeds of an isotropic solid).

    Analytic: for an isotropic stiffness Voigt = Reuss (Hill, Proc. Phys. Soc. A 65, 349 (1952), as
    kapitza.materials.elastic cites), K = lambda + 2 mu/3, G = mu.
    """
    lam, mu, rho = 60.0 * GPA, 31.0 * GPA, 2700.0
    c = voigt_matrix({"C11": lam + 2 * mu, "C44": mu}, "isotropic")
    avg = voigt_reuss_hill(c)
    bulk = lam + 2 * mu / 3
    for k in (avg.bulk_voigt, avg.bulk_reuss, avg.bulk_hill):
        assert k == pytest.approx(bulk, rel=1e-12)
    for g in (avg.shear_voigt, avg.shear_reuss, avg.shear_hill):
        assert g == pytest.approx(mu, rel=1e-12)
    v_l, v_t = hill_sound_speeds(c, rho)
    assert v_l == pytest.approx(math.sqrt((lam + 2 * mu) / rho), rel=1e-12)
    assert v_t == pytest.approx(math.sqrt(mu / rho), rel=1e-12)


@pytest.mark.parametrize("symmetry", ["cubic", "hexagonal", "trigonal"])
def test_isotropic_values_written_in_lower_symmetries_agree(symmetry):
    """The hexagonal and trigonal layouts must reduce to the isotropic matrix when the
    constants are isotropic (C33 = C11, C13 = C12, C14 = 0, C44 = (C11 - C12)/2).

    Analytic: with these relations the hexagonal and trigonal stiffness matrices are the isotropic one, entry by
    entry.
    """
    c11, c44 = 200.0 * GPA, 70.0 * GPA
    c12 = c11 - 2 * c44
    constants = {"C11": c11, "C12": c12, "C44": c44}
    if symmetry != "cubic":
        constants |= {"C13": c12, "C33": c11}
    if symmetry == "trigonal":
        constants["C14"] = 0.0
    iso = voigt_matrix({"C11": c11, "C44": c44}, "isotropic")
    np.testing.assert_allclose(voigt_matrix(constants, symmetry), iso, rtol=1e-14)


def test_cubic_copper_against_hand_calculation():
    """Cu, C11 = 168.4, C12 = 121.4, C44 = 75.4 GPa (Overton & Gaffney 1955), rho = 8960.

    By hand (Hill 1952, cubic case): K = (C11 + 2 C12)/3 = 137.067 GPa for all
    three averages; G_V = (C11 - C12 + 3 C44)/5 = 54.640 GPa;
    G_R = 5 (C11 - C12) C44 / (4 C44 + 3 (C11 - C12)) = 40.034 GPa;
    G_H = 47.337 GPa; v_l = sqrt((K + 4 G_H/3)/rho) = 4726.7 m/s,
    v_t = sqrt(G_H/rho) = 2298.5 m/s.  Tolerance 1e-4: the hand values carry
    5 significant figures.
    """
    c = voigt_matrix({"C11": 168.4 * GPA, "C12": 121.4 * GPA, "C44": 75.4 * GPA}, "cubic")
    avg = voigt_reuss_hill(c)
    assert avg.bulk_voigt == pytest.approx(137.067 * GPA, rel=1e-4)
    assert avg.bulk_reuss == pytest.approx(137.067 * GPA, rel=1e-4)
    assert avg.shear_voigt == pytest.approx(54.640 * GPA, rel=1e-4)
    assert avg.shear_reuss == pytest.approx(40.034 * GPA, rel=1e-4)
    assert avg.shear_hill == pytest.approx(47.337 * GPA, rel=1e-4)
    v_l, v_t = hill_sound_speeds(c, 8960.0)
    assert v_l == pytest.approx(4726.7, rel=1e-4)
    assert v_t == pytest.approx(2298.5, rel=1e-4)


def test_hexagonal_closed_forms():
    """Hill's general formulas specialised by hand to the hexagonal matrix
    (C22 = C11, C23 = C13, C55 = C44, C66 = (C11 - C12)/2): 9 K_V = 2 C11 + C33 + 2 C12 + 4 C13,
    30 G_V = 7 C11 - 5 C12 + 2 C33 - 4 C13 + 12 C44,
    K_R = ((C11 + C12) C33 - 2 C13^2) / (C11 + C12 + 2 C33 - 4 C13).
    Checked on GaN (Polian et al. 1996) to round-off."""
    c11, c12, c13, c33, c44 = 390.0, 145.0, 106.0, 398.0, 105.0
    avg = voigt_reuss_hill(
        voigt_matrix({"C11": c11, "C12": c12, "C13": c13, "C33": c33, "C44": c44}, "hexagonal") * GPA
    )
    assert avg.bulk_voigt / GPA == pytest.approx((2 * c11 + c33 + 2 * c12 + 4 * c13) / 9, rel=1e-12)
    assert avg.shear_voigt / GPA == pytest.approx((7 * c11 - 5 * c12 + 2 * c33 - 4 * c13 + 12 * c44) / 30, rel=1e-12)
    k_r = ((c11 + c12) * c33 - 2 * c13**2) / (c11 + c12 + 2 * c33 - 4 * c13)
    assert avg.bulk_reuss / GPA == pytest.approx(k_r, rel=1e-12)


@pytest.mark.parametrize("material", _crystals(), ids=lambda m: m.name)
def test_voigt_bounds_hill_bounds_reuss(material):
    """Hill 1952: Voigt >= Hill >= Reuss for K and G, for every shipped crystal."""
    avg = voigt_reuss_hill(voigt_matrix(material.elastic_constants, material.elastic_symmetry))
    tol = 1e-12 * avg.bulk_voigt
    assert avg.bulk_voigt + tol >= avg.bulk_hill >= avg.bulk_reuss - tol
    assert avg.shear_voigt + tol >= avg.shear_hill >= avg.shear_reuss - tol
    if material.name != "W":  # tungsten is elastically isotropic: 2 C44 = C11 - C12 (523 - 203 = 320 = 2 x 160 GPa)
        assert avg.shear_voigt > avg.shear_reuss


@pytest.mark.parametrize("name", ["Al2O3", "Bi", "Ti", "Cu"])
def test_averages_do_not_depend_on_crystal_orientation(name):
    """Voigt and Reuss averages are orientation averages, so rotating the crystal
    (rotating the 4th-rank stiffness tensor) must leave them unchanged.

    Analytic: Voigt and Reuss averages are rotational invariants of the stiffness tensor (Hill, Proc. Phys. Soc. A 65,
    349 (1952)).
    """
    m = next(x for x in list_materials() if x.name == name)
    c = voigt_matrix(m.elastic_constants, m.elastic_symmetry)
    rotated = _rotate(c, _random_rotation(7))
    assert not np.allclose(rotated, c)
    a, b = voigt_reuss_hill(c), voigt_reuss_hill(rotated)
    for field in ("bulk_voigt", "bulk_reuss", "shear_voigt", "shear_reuss"):
        assert getattr(b, field) == pytest.approx(getattr(a, field), rel=1e-10)


def test_trigonal_layout():
    """Point groups 32, 3m, -3m: C14 at (1,4), -C14 at (2,4), C56 = C14, C66 = (C11 - C12)/2.

    Expected entries derived from the trigonal Voigt layout above, C66 = (5 - 1)/2 = 2.
    """
    c = voigt_matrix({"C11": 5.0, "C12": 1.0, "C13": 1.5, "C14": -0.3, "C33": 4.0, "C44": 1.2}, "trigonal")
    assert c[0, 3] == c[3, 0] == -0.3
    assert c[1, 3] == c[3, 1] == 0.3
    assert c[4, 5] == c[5, 4] == -0.3
    assert c[5, 5] == 2.0
    np.testing.assert_array_equal(c, c.T)


def test_sound_speeds_formula():
    """v_l = sqrt((K + 4G/3)/rho), v_t = sqrt(G/rho).

    Analytic: K + 4G/3 = 100e9 + 80e9 = 180e9 Pa (elastic waves in an isotropic solid).
    """
    v_l, v_t = sound_speeds(100e9, 60e9, 2500.0)
    assert v_l == pytest.approx(math.sqrt(180e9 / 2500.0))
    assert v_t == pytest.approx(math.sqrt(60e9 / 2500.0))


@pytest.mark.parametrize(
    ("constants", "symmetry", "fragment"),
    [
        ({"C11": 1.0, "C12": 0.5, "C44": 0.3}, "tetragonal", "unknown crystal symmetry"),
        ({"C11": 1.0, "C44": 0.3}, "cubic", "missing C12"),
        ({"C11": 1.0, "C12": 0.5, "C44": 0.3, "C33": 1.0}, "cubic", "do not belong"),
        ({"C11": float("nan"), "C12": 0.5, "C44": 0.3}, "cubic", "finite"),
        ({"C11": 1.0, "C12": 0.5, "C44": 0.3, "C13": 0.4, "C33": 1.0, "C66": 0.4}, "hexagonal", "C66"),
        ({"C11": 1.0, "C12": 0.9, "C44": 0.3}, "isotropic", "C11 - 2 C44"),
        ({"C11": "1", "C12": 0.5, "C44": 0.3}, "cubic", "must be a number"),
    ],
)
def test_voigt_matrix_rejects_bad_input(constants, symmetry, fragment):
    with pytest.raises(InputError, match=fragment):
        voigt_matrix(constants, symmetry)


def test_unstable_stiffness_is_rejected():
    """C11 < C12 (negative shear modulus C') is mechanically unstable (Born criteria)."""
    c = voigt_matrix({"C11": 1.0, "C12": 1.5, "C44": 0.3}, "cubic")
    with pytest.raises(InputError, match="positive definite"):
        hill_sound_speeds(c, 1000.0)


@pytest.mark.parametrize("bad", [np.eye(5), np.full((6, 6), np.nan), np.triu(np.ones((6, 6)))])
def test_stiffness_shape_and_symmetry_checked(bad):
    with pytest.raises(InputError):
        voigt_reuss_hill(bad)


def test_density_must_be_positive():
    c = voigt_matrix({"C11": 1e11, "C44": 3e10}, "isotropic")
    with pytest.raises(InputError, match="density"):
        hill_sound_speeds(c, -1.0)
