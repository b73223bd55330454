"""Database corrections of issue 10, item 7: Pb's measured sound speeds, the definitions of
the AlN, GaN and 4H-SiC Debye temperatures, and the ``alternatives`` tables that keep
other published values for comparison."""

from __future__ import annotations

import math

import pytest

from kapitza.errors import InputError
from kapitza.materials import Alternative, Material, elastic_debye_temperature, get_material, load_materials
from kapitza.materials.elastic import hill_sound_speeds, voigt_matrix

PB_FILE = """
[materials.MyPb]
density = 11300.0
v_l = 2160.0
v_t = 700.0
number_density = 3.284e28
debye_temperature = 105.0
{extra}
"""


def _write(tmp_path, extra: str):
    path = tmp_path / "pb.toml"
    path.write_text(PB_FILE.format(extra=extra), encoding="utf-8")
    return path


# -- Pb --------------------------------------------------------------------


def test_lead_uses_measured_polycrystalline_speeds():
    """CRC Handbook, 'Speed of Sound in Various Media', Table 1: lead, annealed,
    v_l = 2160 m/s, shear 700 m/s."""
    pb = get_material("Pb")
    assert pb.v_l == 2160.0
    assert pb.v_t == 700.0
    assert "measured" in pb.sound_speed_average
    assert "CRC" in pb.sources["v_t"] and "700" in pb.sources["v_t"]


def test_lead_keeps_the_hill_average_for_comparison():
    """The Voigt-Reuss-Hill average of the stored single-crystal constants (Hill 1952)
    is kept as the 'vrh' alternative: 2230 / 871.7 m/s, recomputed here to 1 %."""
    pb = get_material("Pb")
    (vrh,) = [a for a in pb.alternatives if a.label == "vrh"]
    assert dict(vrh.values) == {"v_l": 2230.0, "v_t": 871.7}
    assert "Hill" in vrh.source
    v_l, v_t = hill_sound_speeds(voigt_matrix(pb.elastic_constants, pb.elastic_symmetry), pb.density)
    assert vrh.values["v_l"] == pytest.approx(v_l, rel=0.01)
    assert vrh.values["v_t"] == pytest.approx(v_t, rel=0.01)


def test_show_lists_the_alternative_with_its_source(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    status, out, _ = cli("materials", "show", "Pb", "--explain")
    assert status == 0
    assert "alternative values" in out
    assert "871.7" in out and "vrh" in out and "Hill" in out
    assert "700" in out


# -- Debye temperatures: each says which definition it is ---------------------


@pytest.mark.parametrize(
    "name,value,definition",
    [
        ("AlN", 950.0, "calorimetric"),  # Slack et al., J. Phys. Chem. Solids 48, 641 (1987)
        ("4H-SiC", 1160.0, "elastic"),  # hbar v_D (6 pi^2 n)^(1/3) / k_B from the stored speeds
    ],
)
def test_debye_temperature_states_its_definition(name, value, definition):
    """AlN 950 K (Slack et al. 1987, calorimetric), 4H-SiC 1160 K (elastic, from the stored speeds): the source
    starts with the definition and gives the elastic value computed from the stored numbers."""
    m = get_material(name)
    assert m.debye_temperature == value
    source = m.sources["debye_temperature"]
    assert source.startswith(definition)
    assert f"{elastic_debye_temperature(m):.0f} K" in source


def test_gan_debye_temperature_is_the_elastic_one_of_its_speeds():
    """Issue 28 item 9: GaN's calorimetric 600 K could not be checked against its source, so the file leaves the
    Debye temperature out and the elastic value of the stored speeds and density is used, marked as derived."""
    m = get_material("GaN")
    assert m.debye_temperature == pytest.approx(elastic_debye_temperature(m), rel=1e-12)
    assert m.sources["debye_temperature"].startswith("derived here")


def test_alternative_debye_temperatures_quoted_elsewhere():
    """AlN 1150 K and 4H-SiC 1300 K as quoted in the Ioffe database are kept, marked unchecked."""
    for name, value in (("AlN", 1150.0), ("4H-SiC", 1300.0)):
        (ioffe,) = get_material(name).alternatives
        assert ioffe.label == "ioffe" and ioffe.values["debye_temperature"] == value
        assert "Ioffe" in ioffe.source and "check" in ioffe.source


def test_elastic_debye_temperature_by_hand():
    """Cu (database v_l = 4727, v_t = 2299 m/s, n = 8.491e28 m^-3): v_D = (3 / (1/4727^3 +
    2/2299^3))^(1/3) = 2583.09 m/s, k_D = (6 pi^2 n)^(1/3) = 1.3593e10 m^-1,
    theta = hbar v_D k_D / k_B = 338.0 K (hand calculation; Kittel Ch. 5 gives 343 K calorimetric).

    The numbers are computed by hand as above, and the test repeats the computation independently.
    """
    cu = get_material("Cu")
    v_d = (3.0 / (1.0 / 4727.0**3 + 2.0 / 2299.0**3)) ** (1.0 / 3.0)
    k_d = (6.0 * math.pi**2 * 8.491e28) ** (1.0 / 3.0)
    by_hand = 1.054571817e-34 * v_d * k_d / 1.380649e-23
    assert v_d == pytest.approx(2583.09, abs=0.01)
    assert by_hand == pytest.approx(338.0, abs=0.05)
    assert elastic_debye_temperature(cu) == pytest.approx(by_hand, rel=1e-9)


def test_elastic_debye_temperature_of_a_fluid_uses_one_branch():
    """He-4: one longitudinal branch, v_D = v_l (the database's Debye cutoff, 1 %).

    Analytic: a fluid has only the longitudinal branch, so v_D = v_l and theta = hbar v_l (6 pi^2 n)^(1/3)/kB (the 1 %
    stated above).
    """
    he = get_material("He4")
    assert elastic_debye_temperature(he) == pytest.approx(he.debye_temperature, rel=0.01)


# -- the alternatives field: loaded and validated like the other numbers ------


def test_alternatives_load_from_a_user_file(tmp_path):
    path = _write(tmp_path, '[materials.MyPb.alternatives.vrh]\nv_t = 871.7\nsource = "Hill average"\n')
    (alt,) = load_materials(path)["MyPb"].alternatives
    assert alt == Alternative("vrh", alt.values, "Hill average") and dict(alt.values) == {"v_t": 871.7}


@pytest.mark.parametrize(
    "table,message",
    [
        ("v_t = 871.7\n", "alternatives.vrh.source"),
        ('v_t = "fast"\nsource = "x"\n', "expected a number"),
        ("v_t = -5.0\nsource = 'x'\n", "-5 m/s is outside the physical range"),
        ("v_t = 3000.0\nsource = 'x'\n", "v_t < v_l*sqrt(3)/2"),
        ("speed = 3.0\nsource = 'x'\n", "not a field that can have an alternative value"),
        ("source = 'x'\n", "at least one value"),
    ],
)
def test_bad_alternatives_are_refused_with_one_clear_line(tmp_path, table, message):
    path = _write(tmp_path, "[materials.MyPb.alternatives.vrh]\n" + table)
    with pytest.raises(InputError, match="alternatives") as err:
        load_materials(path)
    assert message in str(err.value)
    assert "\n" not in str(err.value) and "np.float64" not in str(err.value)


def test_alternatives_that_are_not_a_table_are_refused(tmp_path):
    path = _write(tmp_path, "alternatives = 3\n")
    with pytest.raises(InputError, match="alternatives.*expected a table"):
        load_materials(path)


def test_material_validates_alternatives_built_in_code():
    base = dict(name="X", density=1000.0, v_l=3000.0, v_t=1500.0, number_density=5e28, debye_temperature=200.0)
    ok = Material(**base, alternatives=(Alternative("a", {"debye_temperature": 210.0}, "somewhere"),))
    assert ok.alternatives[0].values["debye_temperature"] == 210.0
    with pytest.raises(TypeError):
        ok.alternatives[0].values["debye_temperature"] = 1.0  # read-only
    with pytest.raises(InputError, match="inf"):
        Material(**base, alternatives=(Alternative("a", {"v_t": math.inf}, "s"),))
    with pytest.raises(InputError, match="source"):
        Material(**base, alternatives=(Alternative("a", {"v_t": 1000.0}, " "),))
    with pytest.raises(InputError, match="unique"):
        Material(**base, alternatives=(Alternative("a", {"v_t": 1000.0}, "s"), Alternative("a", {"v_l": 1.0}, "s")))
