"""The laws of the physics under it, held by the expected measurement everywhere a user can ask (issue 83).

Property-based (hypothesis) over every pair of the database's solids, the database and interlayer routes,
temperatures 1-1000 K, 0-3 interlayers of every family (crystal and amorphous films, adhesion metals, layers of
atomic thickness) and thicknesses 0.3 nm - 10 um:

* reciprocity: (A, B) and (B, A), a stack and its reverse, give the same value and band (relative 1e-9): the
  conductance of an interface is the same whichever way the heat crosses it (detailed balance);
* thickness: beyond the thin-layer regime of the series physics (d >= 9 lambda, lambda the layer's dominant phonon
  wavelength, :mod:`kapitza.prediction.interlayer.series`) a thicker layer never raises G, and G never exceeds any
  layer's own conductance kappa(d, T) / d (the series law: 1/G >= d / kappa);
* continuity: from 20 K up, between temperatures 2 K apart G moves by at most 5 % beyond the steepest law of the
  physics (Debye's T^3, |d ln G| <= 3 |d ln T| + ln 1.05); below 20 K, where 2 K is a large step, continuity proper
  (the step shrinks with the step in T);
* finiteness and order: value and band finite and > 0 for T > 0, the value inside its band;
* G -> 0 as T -> 0: at 0.01 K at most 1e-3 of G at 25 K (the electrons' linear law gives 4e-4, Debye's T^3 6e-11).

A failing law is a bug in the estimate, never a skipped case: an input the API refuses is drawn again only where it
is refused by design (a stack of one material), and that refusal is itself asserted to be an InputError.
"""

from __future__ import annotations

import itertools
import math
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kapitza.errors import InputError
from kapitza.materials import get_material, list_materials
from kapitza.prediction.expected import expected_conductance
from kapitza.prediction.interlayer.film import film_conductivity
from kapitza.prediction.interlayer.layers import layer_of
from kapitza.prediction.interlayer.series import THIN_WEIGHT, dominant_wavelength

#: 30 examples a law in the default run (seconds); KAPITZA_LAW_EXAMPLES=400 for a deeper search (the closing note's).
LAW = settings(max_examples=int(os.environ.get("KAPITZA_LAW_EXAMPLES", "30")), deadline=None,
               suppress_health_check=[HealthCheck.too_slow], derandomize=True)  # fmt: skip

SOLIDS = sorted(m.name for m in list_materials() if not m.is_fluid)
PAIRS = list(itertools.combinations(SOLIDS, 2))
#: Interlayers of every family the series physics reads: crystal and amorphous films, adhesion metals, layers of
#: atomic thickness (their names as ``kapitza predict -i`` takes them).
FILMS = ("Ti", "Cr", "Cu", "AlN", "GaN", "Ge", "SiO2", "a-Al2O3", "a-Si", "a-SiO2", "a-Ge", "Au", "Pt")
#: Layers of atomic thickness: named alone (they take no thickness).
MONOLAYERS = ("graphene", "MoS2")
#: d >= THIN d_thin = 9 lambda: the series picture in full (w = 1).
THIN = 1 / (1 / THIN_WEIGHT - 1)


def _log_uniform(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(math.log10(lo), math.log10(hi)).map(lambda x: float(10.0**x))


temperatures = _log_uniform(1.0, 1000.0)
thicknesses = _log_uniform(0.3e-9, 10e-6)


@st.composite
def stacks(draw: st.DrawFn) -> tuple[str, list, str]:
    a, b = draw(st.sampled_from(PAIRS))
    n = draw(st.integers(0, 3))
    layers = [draw(st.one_of(st.tuples(st.sampled_from(FILMS), thicknesses), st.sampled_from(MONOLAYERS)))
              for _ in range(n)]  # fmt: skip
    return a, layers, b


#: The refusals by design (one line, InputError): a stack of one material; a metal/metal pair with a metal whose
#: electrons kapitza has no record of (issue 84: electrons carry its heat and no physics here describes them).
BY_DESIGN = ("one material", "no interface", "electrons carry the heat")


def _query(a: str, layers: list, b: str, t: float | np.ndarray):
    """The expected measurement, or None where the API refuses the stack by design (:data:`BY_DESIGN`)."""
    try:
        return expected_conductance(a, b, t, interlayers=layers or None)
    except InputError as exc:
        assert any(words in str(exc) for words in BY_DESIGN), str(exc)
        return None


@LAW
@given(stack=stacks(), t=temperatures)
def test_reciprocity(stack, t):
    """G(A / layers / B) = G(B / reversed layers / A), value and band, to 1e-9 (detailed balance)."""
    a, layers, b = stack
    one, two = _query(a, layers, b, t), _query(b, list(reversed(layers)), a, t)
    assume(one is not None)
    assert two is not None
    for field in ("value", "low", "high"):
        assert getattr(one, field) == pytest.approx(getattr(two, field), rel=1e-9), field


@LAW
@given(stack=stacks(), t=temperatures, where=st.integers(0, 2), grow=_log_uniform(1.01, 100.0))
def test_thickness_never_raises_g_beyond_the_thin_regime_and_g_stays_below_each_films_conductance(
    stack, t, where, grow
):
    """A layer thickened beyond 9 lambda never raises the stack's G, and G <= kappa(d, T) / d of every layer."""
    a, layers, b = stack
    films = [i for i, item in enumerate(layers) if isinstance(item, tuple)]
    assume(films)
    k = films[where % len(films)]
    name, d = layers[k]
    layer = layer_of(name, d)
    assume(layer.material is not None and layer.form != "monolayer")
    record = get_material(layer.material).name
    d = max(d, THIN * float(dominant_wavelength(record, t)[0]))
    assume(d * grow <= 1e-3)
    thin = _query(a, [*layers[:k], (name, d), *layers[k + 1 :]], b, t)
    assume(thin is not None)
    thick = _query(a, [*layers[:k], (name, d * grow), *layers[k + 1 :]], b, t)
    assert float(thick.value[0]) <= float(thin.value[0]) * (1 + 1e-9)
    for found, size in ((thin, d), (thick, d * grow)):
        form = "amorphous" if layer.form == "amorphous" else "crystal"
        kappa = float(film_conductivity(record, size, t, form).kappa[0])
        if math.isfinite(kappa):
            assert float(found.high[0]) <= kappa / size * (1 + 1e-9)


@LAW
@given(stack=stacks(), t=_log_uniform(20.0, 998.0))
def test_continuity_in_temperature(stack, t):
    """From 20 K up: G(T + 2 K) / G(T) within 5 % of the steepest law of the physics (T^3), value and band."""
    a, layers, b = stack
    found = _query(a, layers, b, np.array([t, t + 2.0]))
    assume(found is not None)
    allowed = 3 * math.log((t + 2.0) / t) + math.log(1.05)
    for field in ("value", "low", "high"):
        g = getattr(found, field)
        assert abs(math.log(g[1] / g[0])) <= allowed, (field, g)


@LAW
@given(stack=stacks(), t=_log_uniform(1.0, 20.0))
def test_continuity_below_20_k(stack, t):
    """Below 20 K, where 2 K is more than a tenth of T and a thin layer's weight (d / (d + lambda), lambda ~ 1/T)
    moves with T as well as the physics' T^3: continuity proper, the step over T/1000 a hundredth of the step over
    T/10 to within a factor 3 (a jump would keep its size as the step shrinks)."""
    a, layers, b = stack
    found = _query(a, layers, b, np.array([t, t * 1.001, t * 1.1]))
    assume(found is not None)
    for field in ("value", "low", "high"):
        g = np.log(getattr(found, field))
        small, large = abs(g[1] - g[0]), abs(g[2] - g[0])
        assert small <= 3 * large / 100 + 1e-9, (field, small, large)


@LAW
@given(stack=stacks(), t=temperatures)
def test_finite_and_inside_its_band(stack, t):
    """Every pair and stack at every temperature: a finite G > 0 inside a finite band."""
    a, layers, b = stack
    found = _query(a, layers, b, t)
    assume(found is not None)
    v, lo, hi = float(found.value[0]), float(found.low[0]), float(found.high[0])
    assert all(math.isfinite(x) and x > 0 for x in (v, lo, hi))
    assert lo <= v <= hi


@LAW
@given(stack=stacks())
def test_vanishes_as_t_goes_to_zero(stack):
    """G(0.01 K) <= 1e-3 G(25 K): the estimate carries the physics' own law below its rows (T or T^3 -> 0)."""
    a, layers, b = stack
    found = _query(a, layers, b, np.array([0.01, 25.0]))
    assume(found is not None)
    assert found.value[0] <= 1e-3 * found.value[1]
    assert found.high[0] <= 1e-3 * found.high[1]


def test_every_database_pair_in_both_orders_is_the_same_at_many_temperatures():
    """All 136 pairs of database solids, 20-800 K: reciprocal to 1e-9 (the issue counted 115 pairs more than 1 %
    apart at 98cb718: Au/Si 62.4 against Si/Au 178 at 300 K)."""
    t = np.geomspace(20.0, 800.0, 25)
    answered = 0
    for a, b in PAIRS:
        one, two = _query(a, [], b, t), _query(b, [], a, t)
        assert (one is None) == (two is None), f"{a}/{b}: refused in one order only"
        if one is None:
            continue
        answered += 1
        for field in ("value", "low", "high"):
            np.testing.assert_allclose(getattr(one, field), getattr(two, field), rtol=1e-9, err_msg=f"{a}/{b}")
    assert answered >= 136  # every pair of the 17 solids of 98cb718 at least


def test_an_amorphous_film_on_its_own_crystal_has_its_resistance():
    """a-Al2O3 on sapphire: no interface of its own, but its own resistance (the issue: 0.5 nm and 100 nm gave the
    same answer); 100 nm of it conducts at most kappa_min / d (Cahill, Watson & Pohl 1992)."""
    thin = expected_conductance("Al", "Al2O3", 300.0, interlayers=["a-Al2O3:0.5nm"])
    thick = expected_conductance("Al", "Al2O3", 300.0, interlayers=["a-Al2O3:100nm"])
    kappa = float(film_conductivity("Al2O3", 100e-9, 300.0, "amorphous").kappa[0])
    assert thick.value[0] < thin.value[0]
    assert thick.high[0] <= kappa / 100e-9


def test_a_thick_amorphous_silica_film_leads_with_at_most_its_own_conductance():
    """Al / a-SiO2:100nm / Si at 300 K: at most the film's kappa / d (about 10 MW m^-2 K^-1 at the amorphous limit,
    Cahill, Watson & Pohl 1992), and the answer says what a TDTR fit of the stack reports."""
    found = expected_conductance("Al", "Si", 300.0, interlayers=["a-SiO2:100nm"])
    kappa = float(film_conductivity("SiO2", 100e-9, 300.0, "amorphous").kappa[0])
    assert found.high[0] <= kappa / 100e-9
    assert any("penetration depth" in note and "TDTR" in note for note in found.notes)


def test_the_structure_route_is_reciprocal():
    """Al and Cu built from their structures with ASE's EMT (the structure route): the same expected value and band
    in both orders, to 1e-9 (the route computes the pair's full-dispersion descriptors in one order)."""
    pytest.importorskip("phonopy")
    import kapitza

    one = kapitza.predict("Al", "Cu", [100.0, 300.0], calculator="mlip_factories:emt", mesh=8).expected
    two = kapitza.predict("Cu", "Al", [100.0, 300.0], calculator="mlip_factories:emt", mesh=8).expected
    assert one is not None and two is not None and one.route == two.route == "structure"
    for field in ("value", "low", "high"):
        np.testing.assert_allclose(getattr(one, field), getattr(two, field), rtol=1e-9)


def test_a_published_thickness_series_held_out_rises_the_way_it_was_measured(monkeypatch):
    """Jeong, Freedman, Liang, Chow, Sokalski, Bain & Malen, Phys. Rev. Applied 5, 014009 (2016) (the compilation's
    paper 45): Au on sapphire with a Cr adhesion layer of 0.1 to 8 nm, FDTR at 300 K, measured rising from 95 to
    400 MW m^-2 K^-1 (and with Cu, 0.2 to 7.3 nm, from 77 to 171).  With the paper left out of every fit, the
    expected measurement rises with the layer too (it fell, -0.99 in rank, before the interlayer route's ridge was
    held monotone in the stack's physics, ``procedure.MONOTONE``)."""
    from kapitza.prediction.expected import expected_rows, fit, stored
    from kapitza.prediction.expected.stored import summary_of

    fits = {}
    for route in ("database", "interlayer"):
        rows = expected_rows(route)
        rows = rows.select(np.array([p != "45" for p in rows.paper]))
        fits[route] = (fit(route, rows.features, np.log10(rows.measured), rows.pair, rows.paper, rows.temperature,
                           names=rows.names), summary_of(rows))  # fmt: skip
    monkeypatch.setattr(stored, "_shipped", lambda route: fits[route])
    for metal, thin, thick in (("Cr", 0.1, 8.0), ("Cu", 0.2, 7.3)):
        one, two = (expected_conductance("Au", "Al2O3", 300.0, interlayers=[f"{metal}:{d}nm"], method="FDTR")
                    for d in (thin, thick))  # fmt: skip
        assert "45" not in one.other_papers
        assert two.value[0] > one.value[0], metal
