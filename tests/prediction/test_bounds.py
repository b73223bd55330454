"""The physical upper bound on an interface's conductance, and the measured rows above it (issue 39, item 3)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import constants

from kapitza.errors import InputError
from kapitza.literature import load_measurements, shipped_measurements
from kapitza.literature.measurements import REQUIRED_COLUMNS
from kapitza.materials import list_materials
from kapitza.materials.electrons import get_electrons
from kapitza.prediction import predict_interface, predict_model
from kapitza.prediction.bounds import (
    MARGIN,
    check_bounds,
    conductance_bound,
    electron_limit,
    fermi_wavevector,
    sharvin_conductance,
    side_limit,
)

NAMES = tuple(getattr(m, "name", m) for m in list_materials())
#: Temperatures of the law tests, K: helium's range, the T^3 regime, room temperature, the classical limit.
TEMPERATURES = np.array([0.5, 2.0, 10.0, 100.0, 300.0, 1000.0])


def test_sharvin_bound_of_copper_at_4_k_by_hand():
    """The electrons' limit of Cu at 4 K, by hand from cited inputs: about 110 MW m^-2 K^-1 (issue 39).

    Inputs: v_F(Cu) = 1.57e6 m/s, the free-electron value of Ashcroft & Mermin, Solid State Physics (1976),
    Table 2.1 (the value electrons.toml stores, with that citation); for free electrons m_e v_F = hbar k_F, so
    k_F = m_e v_F / hbar = 1.356e10 m^-1.  CODATA constants from scipy.constants (not kapitza.units).
    Formula: E = L_0 T (2 e^2/h)(k_F^2 / 4 pi) with L_0 = pi^2 k_B^2 / 3 e^2; the e^2 cancel, and the closed
    form computed in the test is E = pi k_B^2 k_F^2 T / (6 h) = 1.108e8 W m^-2 K^-1 at 4 K.  A second route:
    the one-way electronic heat flux of kinetic theory, C_e v_F / 4 with the free-electron C_e = pi^2 k_B^2
    g(E_F) T / 3 and g(E_F) = m_e k_F / (pi^2 hbar^2) (both spins), is the same number (the Sharvin limit is
    that flux crossing whole).
    """
    v_f = get_electrons("Cu").fermi_velocity
    assert v_f == 1.57e6 and "Ashcroft & Mermin" in get_electrons("Cu").sources["fermi_velocity"]
    k_f = constants.m_e * v_f / constants.hbar
    assert fermi_wavevector("Cu") == pytest.approx(k_f, rel=1e-12)
    assert k_f == pytest.approx(1.356e10, rel=1e-3)
    closed_form = math.pi * constants.k**2 * k_f**2 * 4.0 / (6.0 * constants.h)
    g_e = math.pi**2 * constants.k**2 / 3.0 * constants.m_e * k_f / (math.pi**2 * constants.hbar**2) * 4.0
    kinetic = g_e * v_f / 4.0
    assert kinetic == pytest.approx(closed_form, rel=1e-12)
    found = float(electron_limit(k_f, 4.0)[0])
    assert found == pytest.approx(closed_form, rel=1e-12)
    assert found == pytest.approx(1.108e8, rel=1e-3)
    g_s = 2 * constants.e**2 / constants.h * k_f**2 / (4 * math.pi)
    assert sharvin_conductance(k_f) == pytest.approx(g_s, rel=1e-12)


def test_electron_limit_is_linear_in_temperature_and_zero_for_non_metals():
    """E = L_0 T G_S is linear in T; a non-metal has no electron channel; a metal without v_F an unknown one."""
    t = np.array([1.0, 2.0, 300.0])
    e = side_limit("Au", t).electron
    assert np.allclose(e / t, e[0] / t[0], rtol=1e-12)
    assert np.all(side_limit("Si", t).electron == 0)
    pt = side_limit("Pt", t)
    assert np.all(np.isnan(pt.electron)) and np.all(np.isinf(pt.high)) and "Pt" in pt.note
    assert np.all(np.isinf(side_limit("Bi", t).high))
    with pytest.raises(InputError, match="fermi_velocity"):
        fermi_wavevector("Pt")
    with pytest.raises(InputError, match="no electron data"):
        fermi_wavevector("Si")


def test_four_point_bound_is_the_formula_and_symmetric():
    """B = 2 N1 N2 / |N1 - N2| at the most generous ends of the two intervals (the module's derivation), at
    least twice the two-point bound, the same in either order; infinite for one material on both sides."""
    t = np.array([2.0, 4.0, 6.0, 300.0])
    found = conductance_bound("Cu", "Pb", t)
    small, large = found.high[0], found.low[1]  # Cu carries less than Pb at every T
    assert np.all(small < large)
    assert np.allclose(found.bound, 2 * small * large / (large - small), rtol=1e-12)
    assert np.all(found.bound >= 2 * found.landauer)
    assert np.allclose(found.landauer, np.minimum(found.high[0], found.high[1]), rtol=0)
    swapped = conductance_bound("Pb", "Cu", t)
    assert np.array_equal(swapped.bound, found.bound) and np.array_equal(swapped.landauer, found.landauer)
    same = conductance_bound("Si", "Si", t)
    assert np.all(np.isinf(same.bound)) and "no interface" in same.note
    assert np.isnan(conductance_bound("Cu", "Pb", 0.0).bound[0])


def test_phonon_interval_spans_the_debye_type_spectra():
    """P_lo <= P_hi, equal in the T^3 regime of the linear spectra (same sound speeds) and apart at high T."""
    s = side_limit("Si", TEMPERATURES)
    assert np.all(s.phonon_low <= s.phonon_high)
    assert s.phonon_high[-1] > 2 * s.phonon_low[-1]


def test_full_dispersion_of_silicon_lies_inside_the_debye_interval():
    """Si's full-dispersion P (Stillinger-Weber, 12^3 mesh) lies inside the interval of its Debye-type spectra at
    4-1000 K: the claim the module docstring makes for the spectra the bound rests on."""
    t = np.array([4.0, 30.0, 300.0, 1000.0])
    full = predict_model("Si", "Si", t, "limit", dispersion="phonopy", potential="sw", mesh=12).conductance
    s = side_limit("Si", t)
    assert np.all(full >= s.phonon_low) and np.all(full <= s.phonon_high)


@pytest.mark.law
def test_no_model_exceeds_the_bound_for_any_database_pair():
    """Law: every model kapitza predicts (DMM, radiation limit, AMM, AMM-simple; each Debye-type cutoff a model
    takes; the metal/non-metal series total and the electronic DMM) is at most the two-point bound min(N1, N2),
    which is at most the four-point bound, for every pair of database materials at 0.5-1000 K."""
    worst = 0.0
    for a, b in itertools.combinations_with_replacement(NAMES, 2):
        bound = conductance_bound(a, b, TEMPERATURES)
        assert np.all(bound.landauer <= bound.bound)
        for cutoff in ("debye", "branch", "sine", "sine-zb"):
            try:
                found = predict_interface(a, b, TEMPERATURES, cutoff=cutoff, measured=False)
            except InputError:  # no zone-boundary frequencies for sine-zb
                continue
            values = [r.conductance for r in found.results]
            parts = found.electronic
            if parts.electronic_dmm is not None:
                values.append(parts.electronic_dmm.conductance)
            if parts.total is not None:
                values += list(parts.total)
            for g in values:
                worst = max(worst, float(np.max(g / bound.landauer)))
    assert worst <= 1 + 1e-12
    assert worst > 0.99  # the radiation limit reaches it where one side's spectrum lies inside the other's


@pytest.mark.law
def test_full_dispersion_models_stay_below_the_bound():
    """Law, full dispersion: Si|Ge DMM and radiation limit (Stillinger-Weber) are below the two-point bound."""
    t = np.array([4.0, 30.0, 300.0, 1000.0])
    bound = conductance_bound("Si", "Ge", t).landauer
    for model in ("dmm", "limit"):
        g = predict_model("Si", "Ge", t, model, dispersion="phonopy", potential="sw", mesh=12).conductance
        assert np.all(g <= bound)


def _rows(tmp_path, rows):
    """A measurement file with the given (film, substrate, T in K, G in W m^-2 K^-1) rows."""
    header = list(REQUIRED_COLUMNS)
    lines = [",".join(header)]
    for k, (film, substrate, t, g) in enumerate(rows):
        cells = {c: "" for c in header}
        cells.update(
            id=str(k),
            stack=f"{film}/{substrate}",
            interlayer="0",
            conductance_w_m2k=repr(g),
            temperature_k=repr(t),
            film=film,
            substrate=substrate,
            reference_id=str(k),
        )
        lines.append(",".join(cells[c] for c in header))
    path = tmp_path / "rows.csv"
    path.write_text("\n".join(lines) + "\n")
    return load_measurements(path)


def test_rows_above_margin_times_the_bound_are_flagged(tmp_path):
    """Rows made here: Cu/Pb at 4 K just below and above MARGIN x B, an unmapped side, T = 0, Si/Si and a Pt
    metal/metal pair (no Fermi velocity): flagged, within, and not checked with the reason."""
    b = float(conductance_bound("Cu", "Pb", 4.0).bound[0])
    rows = _rows(
        tmp_path,
        [
            ("Cu", "Pb", 4.0, 0.99 * MARGIN * b),
            ("Pb", "Cu", 4.0, 1.01 * MARGIN * b),
            ("CuPc", "Si", 300.0, 1e12),
            ("Cu", "Pb", 0.0, 1e12),
            ("Si", "Si", 300.0, 1e12),
            ("Pt", "Au", 300.0, 1e12),
        ],
    )
    check = check_bounds(rows)
    assert list(check.above) == [False, True, False, False, False, False]
    assert list(check.checked) == [True, True, False, False, False, False]
    assert check.bound[1] == pytest.approx(b, rel=1e-12)
    assert check.ratio[1] == pytest.approx(1.01 * MARGIN, rel=1e-12)
    assert check.reason[0] == "" and check.reason[1].startswith("above the physical upper bound")
    assert "not in the kapitza database" in check.reason[2]
    assert "no temperature" in check.reason[3]
    assert "no interface" in check.reason[4]
    assert "Pt" in check.reason[5]
    assert all(r.startswith("not checked") for r in check.reason[2:])
    assert check_bounds(rows, margin=1.5).above[0] and not check_bounds(rows, margin=2.5).above[1]


def test_the_nine_schumann_cu_pb_rows_are_flagged():
    """The nine Cu/Pb rows of B. Schumann, F. Nitsche and G. Paasch (1980), 2-6 K, 10,800-32,400 MW m^-2 K^-1
    (the shipped compilation), are all above MARGIN times the bound; every flagged row is above it and every
    checked row left alone is below it."""
    data = shipped_measurements()
    check = check_bounds(data)
    schumann = np.array(["Schumann" in a for a in data.reference_authors]) & np.array(
        [{f, s} == {"Cu", "Pb"} for f, s in zip(data.film_material, data.substrate_material)]
    )
    assert schumann.sum() == 9
    assert np.all(check.above[schumann])
    assert np.all(data.conductance[check.above] > MARGIN * check.bound[check.above])
    kept = check.checked & ~check.above
    assert np.all(data.conductance[kept] <= MARGIN * check.bound[kept])
    assert np.all(check.checked | np.array([r.startswith("not checked") for r in check.reason]))
    assert check.checked.sum() > len(data) / 2  # the check covers most rows, not only these nine


def test_hostile_arguments_are_refused():
    with pytest.raises(InputError, match="Measurements"):
        check_bounds([1, 2, 3])  # type: ignore[arg-type]
    rows = shipped_measurements()
    with pytest.raises(InputError, match="margin"):
        check_bounds(rows, margin=0.5)
    with pytest.raises(InputError, match="margin"):
        check_bounds(rows, margin=float("nan"))
    with pytest.raises(InputError, match="fermi_wavevector"):
        sharvin_conductance(-1.0)
    with pytest.raises(InputError, match="temperature"):
        conductance_bound("Cu", "Pb", -1.0)
