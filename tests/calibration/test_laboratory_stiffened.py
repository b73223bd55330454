"""Soft phonons (issue 62 item 4): the stiffening factor, the stiffened crystal, the DMM's scaling law, and the
shipped table of the structure route's rows.

The crystals here are Stillinger-Weber Si and Ge through the ``module:factory`` route (tests/mlip_factories.py), so
no machine-learned potential is needed.
"""

from __future__ import annotations

import math
import types

import numpy as np
import pytest
from calibration.laboratory import stiffened as S

from kapitza.errors import InputError
from kapitza.prediction import expected as E

pytest.importorskip("phonopy")
pytest.importorskip("matscipy")

MESH = 8


@pytest.fixture(scope="module")
def si_ge():
    from kapitza.phonons.from_structure import crystal_phonons

    return tuple(crystal_phonons(el, f"mlip_factories:stillinger_weber_{el.lower()}", relax=False, supercell=2,
                                 cache=False) for el in ("Si", "Ge"))  # fmt: skip


def _frequencies(found, q=(0.2, 0.1, 0.3)):
    ph = found.crystal.phonopy
    ph.run_qpoints([list(q)])
    return np.asarray(ph.qpoints.frequencies[0])


def test_every_frequency_goes_up_by_the_square_root_of_s_and_the_crystal_is_left_alone(si_ge):
    si = si_ge[0]
    before = _frequencies(si)
    fc = np.array(si.crystal.phonopy.force_constants)
    stiff = S.stiffened(si, 1.44)
    # force constants times s: omega^2 times s, every branch at any wave vector (the harmonic law)
    np.testing.assert_allclose(_frequencies(stiff), 1.2 * before, rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(np.asarray(si.crystal.phonopy.force_constants), fc)
    np.testing.assert_allclose(_frequencies(si), before, rtol=0, atol=0)
    assert "stiffened x1.440" in stiff.crystal.source
    for bad in (0.0, -1.0, math.nan, math.inf):
        with pytest.raises(ValueError, match="s must be"):
            S.stiffened(si, bad)


def test_both_sides_stiffened_alike_obey_g_s_of_t_equal_root_s_times_g_of_t_over_root_s(si_ge):
    """With every frequency of both sides times a = sqrt(s), the channels per area M(w) become M(w/a) on each side,
    the DMM's transmission is unchanged at w, and the Landauer integral gives G_s(T) = a G(T/a) exactly (substitute
    w = a u; Bose-Einstein statistics depend on hw/kT only).  Only the spectra's mesh broadening can break it."""
    from kapitza.prediction.validation.calculators import pair_full_dispersion

    si, ge = si_ge
    s = 1.5
    a = math.sqrt(s)
    t = np.array([30.0, 100.0, 300.0])
    plain = pair_full_dispersion(si, ge, t / a, mesh=MESH, cache=False)[0]
    stiff = pair_full_dispersion(S.stiffened(si, s), S.stiffened(ge, s), t, mesh=MESH, cache=False)[0]
    np.testing.assert_allclose(stiff, a * plain, rtol=2e-3)
    # one side alone stiffened moves G, but by less than both together at high temperature
    one = pair_full_dispersion(S.stiffened(si, s), ge, t, mesh=MESH, cache=False)[0]
    base = pair_full_dispersion(si, ge, t, mesh=MESH, cache=False)[0]
    assert not np.allclose(one, base, rtol=1e-3)
    assert one[-1] < stiff[-1]


def test_the_factor_is_the_geometric_mean_of_measured_over_calculated(monkeypatch):
    from kapitza.phonons import elastic

    found = types.SimpleNamespace(name="X")
    rows = (("C11", "", 100.0, 121.0), ("C44", "", 50.0, 50.0), ("C'", "", 20.0, 16.0))
    monkeypatch.setattr(elastic, "stiffness_errors_of", lambda f: types.SimpleNamespace(rows=rows))
    s, words = S.stiffness_scale(found)
    assert s == pytest.approx((1.21 * 1.0 * 0.8) ** (1 / 3), rel=1e-12)
    assert words.startswith("X: s = ") and "C11 100/121 GPa" in words
    monkeypatch.setattr(elastic, "stiffness_errors_of", lambda f: None)
    assert S.stiffness_scale(found) == (1.0, "X: not measured on the elastic-accuracy page (left as the potential "
                                               "gives it)")  # fmt: skip


def _table(g_fd, row_id=("3", "7")):
    n = len(row_id)
    return S.StiffenedDescriptors(
        calculator="chgnet", provenance="made up", row_id=row_id, film=("Al",) * n, substrate=("Si",) * n,
        temperature=np.full(n, 300.0), s_film=np.full(n, 0.93), s_substrate=np.full(n, 1.1),
        g_fd=np.asarray(g_fd, dtype=float), g_fd_phonon=np.asarray(g_fd, dtype=float),
    )  # fmt: skip


def test_columns_take_each_rows_own_value_and_nan_where_the_table_has_none():
    cols = S.stiffened_columns(["7", "5", "3"], found=_table([1e8, 1e9]))
    assert cols.shape == (3, 1)
    np.testing.assert_allclose(cols[[0, 2], 0], [9.0, 8.0])
    assert np.isnan(cols[1, 0])


def test_the_table_reads_back_what_was_written_and_refuses_a_damaged_one():
    text = S.write_stiffened_descriptors(_table([1.5e8, 2.5e8]))
    assert text.startswith(S.ABOUT[0])
    back = S.read_stiffened_descriptors(text, where="x.csv")
    np.testing.assert_array_equal(back.g_fd, [1.5e8, 2.5e8])
    np.testing.assert_array_equal(back.s_film, [0.93, 0.93])
    assert back.row_id == ("3", "7")
    with pytest.raises(InputError, match="x.csv: expected the columns"):
        S.read_stiffened_descriptors(text.replace("s_film", "s_top"), where="x.csv")
    with pytest.raises(InputError, match="finite values > 0"):
        S.read_stiffened_descriptors(text.replace(repr(1.5e8), "-1.0"), where="x.csv")
    with pytest.raises(InputError, match="calculator"):
        S.read_stiffened_descriptors(text.replace("# calculator: chgnet", "# calculator: os:system"), where="x.csv")


def test_the_shipped_table_follows_the_structure_routes_rows_and_changes_only_the_stiffened_crystals():
    """The shipped table (scripts/soft_phonons.py table) has the structure descriptors' rows; a crystal has one
    factor wherever it appears; a pair of two crystals the elastic-accuracy page did not measure (s = 1 both) keeps
    its DMM to the two machines' relaxations, the others' move."""
    found = S.shipped_stiffened_descriptors()
    if found is None:
        pytest.skip("no stiffened table shipped")
    plain = E.shipped_structure_descriptors()
    assert found.row_id == plain.row_id and found.film == plain.film and found.substrate == plain.substrate
    assert found.calculator == plain.calculator
    np.testing.assert_array_equal(found.temperature, plain.temperature)
    s = {}
    for names, values in ((found.film, found.s_film), (found.substrate, found.s_substrate)):
        for n, v in zip(names, values):
            assert s.setdefault(n, v) == v, n
    same = (found.s_film == 1.0) & (found.s_substrate == 1.0)
    changed = ~same
    assert same.any() and changed.any()
    # s = 1 on both sides: the shipped DMM to the machines' relaxations (scripts/soft_phonons.py DEVIATION)
    np.testing.assert_allclose(found.g_fd_phonon[same], plain.g_fd_phonon[same], rtol=1e-2)
    # a side stiffened or softened: the DMM moves, typically far more than the machines' spread (at a row it may
    # cross: a stiffer side has fewer modes per frequency, and the two sides' mismatch changes; Al on Cu, both
    # softened, moves 1e-4 at 97 K)
    moved = np.abs(np.log(found.g_fd_phonon / plain.g_fd_phonon))
    assert np.median(moved[changed]) > 10 * np.max(moved[same])
