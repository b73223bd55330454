"""The one description of an NEMD box along z (kapitza.md.geometry): built-ins and a user's atoms.

References are analytic: a stack of n_a + n_b equally spaced planes has its interfaces at n_a / n and 0 (= 1),
crystal middles at n_a / 2n and (n_a + n_b / 2) / n, whatever the stack's offset along z.
"""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.md.geometry import builtin_geometry, find_planes, user_geometry
from kapitza.md.nemd import NemdConfig


def stack(n_a: int, n_b: int, spacing_a: float, spacing_b: float, offset: float, per_plane: int = 4):
    """Positions (Angstrom), sides and box of a periodic stack: n_a planes of A, then n_b of B, shifted by
    ``offset`` (wrapped into the box)."""
    z = np.concatenate([(np.arange(n_a) + 0.5) * spacing_a, n_a * spacing_a + (np.arange(n_b) + 0.5) * spacing_b])
    lz = n_a * spacing_a + n_b * spacing_b
    xy = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])[:per_plane]
    positions = np.array([[x, y, np.mod(zz + offset, lz)] for zz in z for x, y in xy])
    side = np.repeat(np.r_[np.zeros(n_a, int), np.ones(n_b, int)], per_plane)
    return positions, side, (4.0, 4.0, lz)


@pytest.mark.parametrize("offset", [0.0, 3.3, -0.4, 7.77])
def test_equal_spacings_give_the_analytic_fractions_at_any_offset(offset):
    positions, side, box = stack(6, 10, 1.5, 1.5, offset)
    g = user_geometry(positions, side, box, None, "stack")
    assert g.n_planes == g.n_bins == 16 and g.cells[2:] == (6, 10)
    np.testing.assert_allclose(g.interfaces, (0.0, 6 / 16), atol=1e-9)
    np.testing.assert_allclose(g.centres, (3 / 16, 11 / 16), atol=1e-9)
    np.testing.assert_allclose(g.lengths, (9.0, 15.0), atol=1e-9)
    z = np.sort(np.unique(np.round(np.mod(positions[:, 2] + g.shift, box[2]), 9)))
    np.testing.assert_allclose(z, (np.arange(16) + 0.5) * 1.5, atol=1e-9)  # every plane mid-bin


def test_builtin_and_user_geometry_agree_on_the_builtin_atoms():
    config = NemdConfig(potential="sw", units="metal", n_x=2, n_y=2, cells_a=3, cells_b=5)
    from kapitza.md.systems import build_structure

    built = build_structure(config)
    g = user_geometry(built.positions, np.asarray(built.types) - 1, tuple(built.box), None, "built-in")
    ref = builtin_geometry(config)
    assert g.n_bins == ref.n_bins == 32 and g.shift == 0.0
    np.testing.assert_allclose(g.interfaces, ref.interfaces, atol=1e-12)
    np.testing.assert_allclose(g.centres, ref.centres, atol=1e-12)
    assert ref.bath_ranges("periodic", 10.0, True)[0] == ref.bath_ranges("periodic", 10.0, False)[1]


def test_unequal_spacings_need_bin_width():
    positions, side, box = stack(8, 8, 1.2, 1.6, 0.0)
    with pytest.raises(InputError, match="give bin_width="):
        user_geometry(positions, side, box, None, "hetero")
    g = user_geometry(positions, side, box, 0.7, "hetero")
    assert g.n_bins == round(box[2] / 0.7) and g.n_planes == 16
    np.testing.assert_allclose(g.lengths[0], 8 * 1.2 + 0.5 * (1.6 - 1.2), atol=1e-9)  # midway between planes
    assert g.interfaces[0] == 0.0


def test_interleaved_sides_and_no_planes_are_refused():
    positions, side, box = stack(6, 6, 1.5, 1.5, 0.0)
    side = np.repeat(np.arange(12) % 2, 4)
    with pytest.raises(InputError, match="change side 12 times"):
        user_geometry(positions, side, box, None, "striped")
    rng = np.random.default_rng(1)
    z = np.sort(rng.uniform(0, 10, 400))
    with pytest.raises(InputError, match="no atomic planes"):
        find_planes(z, 10.0, "liquid")
