"""Sound speeds of a crystal from Christoffel's equation and their Debye-equivalent direction averages
(kapitza.materials.elastic.christoffel_speeds, debye_christoffel_speeds).

References: E. B. Christoffel, Ann. Mat. Pura Appl. 8, 193 (1877); the pure modes of a cubic crystal along [100],
[110] and [111] as C. Kittel, Introduction to Solid State Physics, 8th ed., ch. 3 (2005) gives them; silicon's
constants H. J. McSkimin, J. Appl. Phys. 24, 988 (1953).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.materials.elastic import christoffel_speeds, debye_christoffel_speeds, voigt_matrix
from kapitza.phonons.stability import fibonacci_directions

GPA = 1e9
#: Silicon (McSkimin 1953), Pa, and its density, kg m^-3.
SI = {"C11": 165.7 * GPA, "C12": 63.9 * GPA, "C44": 79.56 * GPA}
RHO_SI = 2329.0


def _bond_rotation(rotation: np.ndarray) -> np.ndarray:
    """The 6x6 matrix that rotates a Voigt stiffness (Bond 1943: C' = M C M^T), built from the fourth-rank tensor."""
    pairs = ((0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1))
    m = np.zeros((6, 6))
    for a, (i, j) in enumerate(pairs):
        for b, (k, q) in enumerate(pairs):
            m[a, b] = rotation[i, k] * rotation[j, q] + (rotation[i, q] * rotation[j, k] if k != q else 0.0)
    return m


def test_an_isotropic_stiffness_gives_sqrt_c11_and_sqrt_c44_in_every_direction():
    """Law: an isotropic solid has v_L = sqrt(C11/rho) and a doubly degenerate v_T = sqrt(C44/rho) along every
    direction, so both Debye-equivalent averages are exactly these."""
    c11, c44, rho = 300.0 * GPA, 90.0 * GPA, 4000.0
    c = voigt_matrix({"C11": c11, "C44": c44}, "isotropic")
    directions = fibonacci_directions(500)
    speeds = christoffel_speeds(c, rho, directions)
    np.testing.assert_allclose(speeds[:, 2], math.sqrt(c11 / rho), rtol=1e-12)
    np.testing.assert_allclose(speeds[:, :2], math.sqrt(c44 / rho), rtol=1e-12)
    v_l, v_t = debye_christoffel_speeds(c, rho, directions)
    assert v_l == pytest.approx(math.sqrt(c11 / rho), rel=1e-12)
    assert v_t == pytest.approx(math.sqrt(c44 / rho), rel=1e-12)


@pytest.mark.parametrize(
    ("direction", "expected"),
    [
        ((1, 0, 0), ("C44", "C44", "C11")),
        ((1, 1, 0), ("C'", "C44", "(C11+C12+2C44)/2")),
        ((1, 1, 1), ("(C11-C12+C44)/3", "(C11-C12+C44)/3", "(C11+2C12+4C44)/3")),
    ],
)
def test_silicon_along_its_axes_has_kittels_pure_modes(direction, expected):
    """Reference: rho v^2 of the pure modes of a cubic crystal along [100], [110], [111] (Kittel ch. 3) with
    McSkimin's silicon constants, to rounding (the equation is exact)."""
    c11, c12, c44 = SI["C11"], SI["C12"], SI["C44"]
    stiffness = {
        "C11": c11,
        "C44": c44,
        "C'": (c11 - c12) / 2,
        "(C11+C12+2C44)/2": (c11 + c12 + 2 * c44) / 2,
        "(C11-C12+C44)/3": (c11 - c12 + c44) / 3,
        "(C11+2C12+4C44)/3": (c11 + 2 * c12 + 4 * c44) / 3,
    }
    want = np.sort([math.sqrt(stiffness[k] / RHO_SI) for k in expected])
    got = christoffel_speeds(voigt_matrix(SI, "cubic"), RHO_SI, [direction])[0]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_the_debye_average_does_not_depend_on_the_crystals_frame():
    """Law: the direction average is of the crystal, not of its axes: silicon's tensor rotated by an arbitrary
    rotation gives the same (v_l, v_t) within the Fibonacci sphere's quadrature error (2000 directions), and the
    speeds along a rotated direction are the unrotated ones exactly."""
    c = voigt_matrix(SI, "cubic")
    angle, axis = 0.7, np.array([1.0, 2.0, 3.0]) / math.sqrt(14.0)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    rotation = np.eye(3) + math.sin(angle) * k + (1 - math.cos(angle)) * k @ k
    m = _bond_rotation(rotation)
    rotated = m @ c @ m.T
    n = np.array([[0.3, -0.5, 0.8]])
    np.testing.assert_allclose(christoffel_speeds(rotated, RHO_SI, n @ rotation.T), christoffel_speeds(c, RHO_SI, n),
                               rtol=1e-10)  # fmt: skip
    directions = fibonacci_directions(2000)
    np.testing.assert_allclose(debye_christoffel_speeds(rotated, RHO_SI, directions),
                               debye_christoffel_speeds(c, RHO_SI, directions), rtol=1e-4)  # fmt: skip


def test_the_debye_average_weighs_slow_directions_most():
    """Law: <v^-3>^(-1/3) lies between the slowest and the fastest speed of its branch and below the branch's plain
    mean speed (Jensen: x^-3 is convex); for silicon's transverse branches, between sqrt(C'/rho) and sqrt(C44/rho)."""
    c = voigt_matrix(SI, "cubic")
    speeds = christoffel_speeds(c, RHO_SI, fibonacci_directions(2000))
    v_l, v_t = debye_christoffel_speeds(c, RHO_SI, fibonacci_directions(2000))
    assert speeds[:, 2].min() < v_l < speeds[:, 2].mean() < speeds[:, 2].max()
    slowest, fastest = math.sqrt((SI["C11"] - SI["C12"]) / 2 / RHO_SI), math.sqrt(SI["C44"] / RHO_SI)
    assert slowest < v_t < fastest


@pytest.mark.parametrize(
    ("stiffness", "density", "directions", "words"),
    [
        (np.diag([1.0, 1.0, 1.0, -1.0, 1.0, 1.0]) * GPA, 1000.0, [[0, 0, 1]], "not positive definite"),
        (voigt_matrix(SI, "cubic"), 0.0, [[0, 0, 1]], "density must be"),
        (voigt_matrix(SI, "cubic"), RHO_SI, [[0, 0, 0]], "non-zero"),
        (voigt_matrix(SI, "cubic"), RHO_SI, [[0, 1]], "shape"),
    ],
)
def test_bad_input_is_one_line(stiffness, density, directions, words):
    with pytest.raises(InputError, match=words):
        christoffel_speeds(stiffness, density, directions)
