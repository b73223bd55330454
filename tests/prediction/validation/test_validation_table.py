"""The validation table: every mapped measured row predicted by every model (issue 10, item 4)."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza import conductance
from kapitza.errors import InputError
from kapitza.literature import shipped_measurements
from kapitza.prediction.validation import KINDS, validation_table
from kapitza.transmission.electronic import electronic_dmm, metal_electron_phonon_conductance


@pytest.fixture(scope="module")
def table():
    return validation_table(("dmm", "limit"))


def test_rows_are_the_mapped_rows(table):
    """Every bare row (no interlayer) with both sides mapped and T > 0 is in the table, in order (the shipped
    compilation); interlayer stacks measure another interface and are left out by default (issue 28)."""
    data = shipped_measurements()
    rows = zip(data.conductance, data.temperature, data.film_material, data.substrate_material, data.interlayer)
    mapped = [(g, t) for g, t, f, s, layer in rows if f and s and t > 0 and not layer]
    assert len(table) == len(mapped)
    assert np.array_equal(table.measured, [g for g, _ in mapped])
    assert set(table.kind) <= set(KINDS)


def test_non_metal_rows_are_the_phonon_model(table):
    """Two non-metals: the prediction is the phonon model itself (kapitza.conductance at the row's T)."""
    i = table.kind.index("non-metal")
    expected = conductance(table.side1[i], table.side2[i], table.temperature[i], "dmm")
    assert table.predicted[0, i] == pytest.approx(expected, rel=1e-12)
    assert table.phonon[0, i] == table.predicted[0, i]


def test_metal_non_metal_rows_are_in_series_with_electron_phonon(table):
    """Metal/non-metal: 1/G = 1/G_ph + 1/G_ep (Majumdar & Reddy 2004), so G < min(G_ph, G_ep)."""
    i = next(k for k in range(len(table)) if table.side1[k] == "Al" and table.side2[k] == "Si")
    g_ep = metal_electron_phonon_conductance("Al")
    for j in range(len(table.models)):
        g_ph = table.phonon[j, i]
        assert 1 / table.predicted[j, i] == pytest.approx(1 / g_ph + 1 / g_ep, rel=1e-12)
        assert table.predicted[j, i] < min(g_ph, g_ep)


def test_metal_metal_rows_are_the_electronic_dmm(table):
    """Metal/metal: the electronic DMM (Gundrum et al. 2005) for every model, NaN without v_F (Pt, Ti, Cr and the
    transition metals of issue 84: W, Ni, Pd, Ir ...) or without any electron data."""
    from kapitza.materials.electrons import get_electrons, list_electron_metals

    rows = [k for k in range(len(table)) if table.kind[k] == "metal/metal"]
    assert rows
    described = {m for m in list_electron_metals() if get_electrons(m).fermi_velocity is not None}
    assert "Sn" in described and not {"Pt", "W", "Ni"} & described
    assert any(not {table.side1[k], table.side2[k]} <= described for k in rows)  # both cases are here
    for k in rows:
        a, b = table.side1[k], table.side2[k]
        if not {a, b} <= described:
            assert np.all(np.isnan(table.predicted[:, k]))
        else:
            expected = electronic_dmm(a, b, table.temperature[k]).conductance[0]
            assert np.allclose(table.predicted[:, k], expected, rtol=1e-12)


def test_bad_models_are_refused():
    with pytest.raises(InputError, match="unknown model"):
        validation_table(("dmm", "nonsense"))
    with pytest.raises(InputError, match="twice"):
        validation_table(("dmm", "DMM"))
    with pytest.raises(InputError, match="at least one"):
        validation_table(())


def test_rows_above_the_physical_bound_are_flagged_and_kept():
    """The shipped table flags the nine Cu/Pb rows of Schumann et al. (1980) and keeps them (issue 39, item 3), and the
    same paper's fifteen Cu/Sn rows since issue 84 gave Sn its electrons (Kittel's gamma, a free-electron v_F);
    every flagged row is above MARGIN times its bound, and the flag is the one check_bounds gives the same rows."""
    from kapitza.prediction.bounds import MARGIN

    table = validation_table(("dmm",))
    flagged = np.flatnonzero(table.flagged)
    assert len(flagged) == 24
    pairs = [frozenset((table.side1[i], table.side2[i])) for i in flagged]
    assert pairs.count(frozenset(("Cu", "Pb"))) == 9 and pairs.count(frozenset(("Cu", "Sn"))) == 15
    assert all("Schumann" in table.authors[i] for i in flagged)
    assert np.all(table.measured[flagged] > MARGIN * table.bound[flagged])
    assert all(table.bound_note[i].startswith("above the physical upper bound") for i in flagged)
    assert len(table) == len(validation_table(("dmm",)).select(np.ones(len(table), dtype=bool)))


def test_empirical_training_leaves_the_flagged_rows_out():
    """The regressor learns from, and is scored on, the rows that are not flagged (interlayer stacks included)."""
    pytest.importorskip("sklearn")
    from kapitza.prediction.empirical import empirical_validation

    table = validation_table(("dmm", "limit", "amm"), interlayers=True)
    assert table.flagged.sum() == 24
    assert empirical_validation().n_rows == len(table) - 24
