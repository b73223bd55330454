"""A computed elastic tensor read in a crystal's terms (kapitza.materials.elastic): the symmetry of a space group's
tensor, its named constants, and the stiffnesses rho v^2 of the waves along the crystal's axes."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.materials.database import get_material
from kapitza.materials.elastic import axis_stiffnesses, crystal_symmetry, named_constants, voigt_matrix
from kapitza.units import GPA


def _christoffel(c_voigt, direction):
    """Eigenvalues (rho v^2) of the Christoffel matrix Gamma_ik = C_ijkl n_j n_l of a Voigt tensor."""
    voigt = {(0, 0): 0, (1, 1): 1, (2, 2): 2, (1, 2): 3, (2, 1): 3, (0, 2): 4, (2, 0): 4, (0, 1): 5, (1, 0): 5}
    c = np.zeros((3, 3, 3, 3))
    for i, j, k, m in itertools.product(range(3), repeat=4):
        c[i, j, k, m] = c_voigt[voigt[i, j], voigt[k, m]]
    n = np.asarray(direction, dtype=float) / np.linalg.norm(direction)
    return np.sort(np.linalg.eigvalsh(np.einsum("ijkl,j,l->ik", c, n, n)))


@pytest.mark.parametrize("name", ["Si", "Ti", "Al2O3", "GaN", "Bi"])
def test_the_axis_stiffnesses_are_sound_waves_rho_v2(name):
    """Law (Christoffel's equation): along [100] of a cubic crystal rho v^2 = C11 (L) and C44 (T, twice); along
    [110] one transverse wave has C' = (C11 - C12)/2, the longitudinal (C11 + C12 + 2 C44)/2.  Along x of a
    hexagonal crystal: C11, C66 = (C11 - C12)/2 and C44; along z: C33 and C44 twice.  A trigonal crystal's C14
    couples the waves along x, so there C11, C44 and C66 are its tensor's diagonal elements; along z the same as
    hexagonal.  The named constants recover the database's measured ones from their own matrix (C14 by magnitude)."""
    material = get_material(name)
    symmetry = material.elastic_symmetry
    c = voigt_matrix(dict(material.elastic_constants), symmetry) / GPA
    constants = named_constants(c, symmetry)
    measured = {k: abs(v) / GPA if k == "C14" else v / GPA for k, v in material.elastic_constants.items()}
    assert constants == pytest.approx(measured, rel=1e-9)
    s = axis_stiffnesses(constants, symmetry)
    if symmetry == "cubic":
        assert _christoffel(c, [1, 0, 0]) == pytest.approx(sorted([s["C11"], s["C44"], s["C44"]]), rel=1e-9)
        longitudinal_110 = (constants["C11"] + constants["C12"] + 2 * constants["C44"]) / 2
        assert _christoffel(c, [1, 1, 0]) == pytest.approx(sorted([s["C'"], s["C44"], longitudinal_110]), rel=1e-9)
    elif symmetry == "hexagonal":
        assert _christoffel(c, [1, 0, 0]) == pytest.approx(sorted([s["C11"], s["C66"], s["C44"]]), rel=1e-9)
    else:
        assert (s["C11"], s["C44"], s["C66"]) == pytest.approx((c[0, 0], c[3, 3], c[5, 5]), rel=1e-9)
    if symmetry != "cubic":
        assert _christoffel(c, [0, 0, 1]) == pytest.approx(sorted([s["C44"], s["C44"], s["C33"]]), rel=1e-9)


@pytest.mark.parametrize(
    ("number", "symmetry"), [(227, "cubic"), (225, "cubic"), (195, "cubic"), (194, "hexagonal"), (186, "hexagonal"),
                             (168, "hexagonal"), (167, "trigonal"), (166, "trigonal"), (143, "trigonal"), (141, ""),
                             (1, "")],
)  # fmt: skip
def test_crystal_symmetry_of_the_space_group_ranges(number, symmetry):
    """Reference: the crystal systems' space-group ranges of the International Tables for Crystallography, Vol. A
    (cubic 195-230, hexagonal 168-194, trigonal 143-167); diamond 227, rocksalt 225, wurtzite 186, hcp 194,
    corundum 167, A7 bismuth 166, beta-tin 141 (tetragonal: no named constants here)."""
    assert crystal_symmetry(number) == symmetry


def test_bad_tensors_and_symmetries_are_refused_in_one_line():
    with pytest.raises(InputError, match="1 to 230"):
        crystal_symmetry(231)
    with pytest.raises(InputError, match="6x6"):
        named_constants(np.eye(3), "cubic")
    with pytest.raises(InputError, match="got 'tetragonal'"):
        named_constants(np.eye(6), "tetragonal")
    with pytest.raises(InputError, match="got 'isotropic'"):
        axis_stiffnesses({"C11": 1.0, "C12": 0.5, "C44": 0.25}, "isotropic")
