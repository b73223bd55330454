"""The long-wave route of the expected measurement (issue 78 item 3): where a side's long waves stood in for the
phonons the potential refused, the database route's shipped fit on the database descriptors of the two records the
prediction holds, its band's half-widths (decades) times the widening W the calibration page measured held out by
paper (``long_wave_scores.toml``, ``scripts/calibration/long_waves.py``)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.materials import get_material
from kapitza.prediction import predict_model
from kapitza.prediction.expected import expected_conductance
from kapitza.prediction.expected.query import long_wave_widening
from kapitza.prediction.expected.rows import record_features

pytest.importorskip("sklearn")

T = np.array([100.0, 300.0])


def test_on_the_database_records_the_route_is_the_database_estimate_widened_by_w():
    """The law of the route: fed the database's own records, its value is the database route's and its band's
    half-widths in decades are W times the database route's (W from the shipped scores, >= 1: the W of the query's
    split, measured by others for Al/Si, issue 83)."""
    al, si = get_material("Al"), get_material("Si")
    base = expected_conductance("Al", "Si", T)
    long = expected_conductance(al, si, T, long_waves=("Si",))
    _, scores = long_wave_widening()
    w = scores[long.held_out_split]["widening"]
    assert long.held_out_split == "measured by others" and w >= 1.0 and scores["papers"] >= 20
    assert long.route == "long waves" and long.long_waves == ("Si",) and long.widening == w
    np.testing.assert_allclose(long.value, base.value, rtol=1e-10)
    np.testing.assert_allclose(np.log(long.high / long.value), w * np.log(base.high / base.value), rtol=1e-10)
    np.testing.assert_allclose(np.log(long.value / long.low), w * np.log(base.value / base.low), rtol=1e-10)
    assert long.held_out_papers == scores.get(long.held_out_split, scores)["papers"]


def test_the_route_rests_on_the_debye_dmm_of_the_same_elastic_data():
    """The issue's test: the long-wave route's DMM descriptor on a database pair is kapitza's Debye DMM of the same
    records (the phonon DMM alone; the route's reported DMM adds Al's electrons in series). Si's sound speeds
    replaced by other ones (as a potential's elastic constants would give: 8000 and 5000 m/s, made up), the route's
    DMM equals predict_model's Debye DMM of the altered record, and its estimate moves."""
    al, si = get_material("Al"), get_material("Si")
    soft = dataclasses.replace(si, v_l=8000.0, v_t=5000.0)
    _, table = record_features(al, soft, T, "TDTR")
    debye = predict_model(al, soft, T, "dmm").conductance
    np.testing.assert_allclose(np.asarray(table.phonon[0], dtype=float), debye, rtol=1e-10)
    moved = expected_conductance(al, soft, T, long_waves=("Si",)).value
    same = expected_conductance(al, si, T, long_waves=("Si",)).value
    assert not np.allclose(moved, same, rtol=1e-3)


@pytest.mark.parametrize(
    ("sides", "long_waves", "message"),
    [
        (("Al", "Si"), ("Si",), "takes the Material records"),
        ((None, None), ("Ge",), "must name side1"),
        ((None, None), "Si", "must be a list"),
        ((None, None), (), None),
    ],
)
def test_bad_long_wave_inputs_are_one_clear_error(sides, long_waves, message):
    al, si = get_material("Al"), get_material("Si")
    a, b = (al, si) if sides[0] is None else sides
    if message is None:  # no side named: not the long-wave route, the database route on the records' names
        found = expected_conductance(a, b, T, long_waves=long_waves)
        assert found.route == "database" and found.widening == 1.0 and not found.long_waves
        return
    with pytest.raises(InputError, match=message):
        expected_conductance(a, b, T, long_waves=long_waves)


def test_a_widening_without_long_waves_or_below_one_is_refused():
    base = expected_conductance("Al", "Si", T)
    with pytest.raises(InputError, match="widened only for long waves"):
        dataclasses.replace(base, widening=1.5)
    long = expected_conductance(get_material("Al"), get_material("Si"), T, long_waves=("Si",))
    with pytest.raises(InputError):
        dataclasses.replace(long, widening=0.5)
    assert math.isfinite(long.widening)
