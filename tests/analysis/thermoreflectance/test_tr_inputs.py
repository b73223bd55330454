"""The thermoreflectance input files: the sample TOML (read_sample) and the data text (read_data)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from kapitza.analysis.thermoreflectance.inputs import TRData, read_data, read_sample
from kapitza.errors import InputError
from kapitza.materials import get_material

LASER = """
[laser]
pump_radius_um = 10.0
probe_radius_um = 5.0
"""

TWO_LAYERS = """
[[layer]]
name = "Al"
material = "Al"
thickness_nm = 80.0
heat_capacity = 2.42e6

[[layer]]
name = "sub"
heat_capacity = 3.06e6
k = 35.0

[[interface]]
conductance = 1.0e8
"""


def write(tmp_path: Path, text: str, name: str = "sample.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------------------------
# read_sample
# ----------------------------------------------------------------------------------------------


def test_full_sample_round_trip(tmp_path):
    """Every key of the documented format lands in SI in the Sample."""
    text = """
title = "80 nm Al on sapphire"
[laser]
pump_radius_um = 10.0
probe_radius_um = 5.0
repetition_rate_mhz = 76.0
modulation_frequency_mhz = 9.8
absorbed_power_mw = 5.0
[[layer]]
name = "Al"
thickness_nm = 80.0
heat_capacity = 2.42e6
k = 200
[[layer]]
name = "film"
thickness_nm = 300
heat_capacity = 1.6e6
k_z = 1.0
k_r = 3.0
[[layer]]
name = "sub"
heat_capacity = 1.66e6
k = 148.0
[[interface]]
conductance = 1.0e8
[[interface]]
name = "Gsub"
conductance = "inf"
"""
    s = read_sample(write(tmp_path, text))
    assert s.title == "80 nm Al on sapphire"
    assert [x.name for x in s.layers] == ["Al", "film", "sub"]
    assert s.layers[0].thickness == pytest.approx(80e-9, rel=1e-15)
    assert s.layers[0].k_z == s.layers[0].k_r == 200.0
    assert (s.layers[1].k_z, s.layers[1].k_r) == (1.0, 3.0)
    assert math.isinf(s.layers[2].thickness)
    assert [x.name for x in s.interfaces] == ["G1", "Gsub"]
    assert s.interfaces[0].conductance == 1e8 and math.isinf(s.interfaces[1].conductance)
    laser = s.laser
    assert (laser.pump_radius, laser.probe_radius) == (1e-5, 5e-6)
    assert laser.repetition_rate == 76e6 and laser.modulation_frequency == 9.8e6
    assert laser.absorbed_power == pytest.approx(5e-3) and not laser.effective_radius
    assert dict(s.errors) == {}


def test_defaults_and_single_interface_named_G(tmp_path):
    s = read_sample(write(tmp_path, LASER + TWO_LAYERS))
    assert s.laser.repetition_rate == 80e6 and s.laser.modulation_frequency == 10e6
    assert s.laser.absorbed_power is None
    assert s.interfaces[0].name == "G"
    assert s.parameters()["G"] == 1e8


def test_hz_keys(tmp_path):
    laser = LASER + "repetition_rate_hz = 8e7\nmodulation_frequency_hz = 1e6\n"
    s = read_sample(write(tmp_path, laser + TWO_LAYERS))
    assert (s.laser.repetition_rate, s.laser.modulation_frequency) == (8e7, 1e6)


def test_database_defaults(tmp_path):
    """C and k come from the database where not written (k: Material.thermal_conductivity)."""
    text = LASER + TWO_LAYERS.replace('name = "sub"\nheat_capacity = 3.06e6\nk = 35.0', 'material = "sapphire"')
    text = text.replace("[[layer]]\nmaterial", "[[layer]]\nheat_capacity = 3.06e6\nmaterial")
    s = read_sample(write(tmp_path, text))
    al, sub = s.layers
    assert al.k_z == get_material("Al").thermal_conductivity == 237.0
    assert al.material == "Al"
    assert sub.name == "sapphire" and sub.material == "Al2O3"  # name defaults to the material as written
    assert sub.k_z == get_material("Al2O3").thermal_conductivity
    assert sub.heat_capacity == 3.06e6


def test_written_values_override_database(tmp_path):
    text = LASER + TWO_LAYERS.replace("heat_capacity = 2.42e6", "heat_capacity = 2.42e6\nk = 180.0")
    s = read_sample(write(tmp_path, text))
    assert s.layers[0].k_z == 180.0


def test_database_heat_capacity_used_when_present(tmp_path):
    """Without a written heat_capacity the database's volumetric C is used (Al: 2700 kg m^-3 x 0.897 J/g/K, rounded,
    CRC Handbook, as materials.toml states)."""
    s = read_sample(write(tmp_path, LASER + TWO_LAYERS.replace("heat_capacity = 2.42e6", "")))
    assert s.layers[0].heat_capacity == get_material("Al").heat_capacity == pytest.approx(2700 * 897.0, rel=1e-3)


def test_missing_heat_capacity_without_database_value(tmp_path):
    text = LASER + TWO_LAYERS.replace("heat_capacity = 2.42e6", "")
    text = text.replace('material = "Al"\n', "")
    with pytest.raises(InputError, match=r"sample.toml.*\[\[layer\]\] 1 \('Al'\): missing heat_capacity"):
        read_sample(write(tmp_path, text))


def test_missing_k_without_material(tmp_path):
    text = LASER + TWO_LAYERS.replace("k = 35.0", "")
    with pytest.raises(InputError, match=r"\[\[layer\]\] 2 \('sub'\): missing k .*no material"):
        read_sample(write(tmp_path, text))


def test_material_without_conductivity(tmp_path):
    text = LASER + TWO_LAYERS.replace("k = 35.0", 'material = "He4"')
    with pytest.raises(InputError, match="material 'He4' has no conductivity"):
        read_sample(write(tmp_path, text))


def test_unknown_material(tmp_path):
    text = LASER + TWO_LAYERS.replace('material = "Al"', 'material = "Alu"')
    with pytest.raises(InputError, match=r"sample.toml.*unknown material 'Alu'"):
        read_sample(write(tmp_path, text))


def test_material_file_beside_the_sample(tmp_path):
    """A relative ``material = "x.toml"`` is found beside the sample file, not in the cwd."""
    mine = """
[materials.MyAl]
density = 2700.0
v_l = 6420.0
v_t = 3040.0
debye_temperature = 428.0
number_density = 6.026e28
thermal_conductivity = 150.0
"""
    (tmp_path / "mine.toml").write_text(mine, encoding="utf-8")
    text = LASER + TWO_LAYERS.replace('material = "Al"', 'material = "mine.toml:MyAl"')
    s = read_sample(write(tmp_path, text))
    assert s.layers[0].material == "MyAl" and s.layers[0].k_z == 150.0


def test_errors_map_to_parameter_names(tmp_path):
    """``_err`` is absolute in the key's unit, ``_rel_err`` a fraction; both become SI under parameter names."""
    text = """
[laser]
pump_radius_um = 10.0
pump_radius_um_err = 0.5
probe_radius_um = 5.0
probe_radius_um_rel_err = 0.1
[[layer]]
name = "Al"
material = "Al"
thickness_nm = 80.0
thickness_nm_err = 2.0
heat_capacity = 2.42e6
heat_capacity_rel_err = 0.03
k_rel_err = 0.1
[[layer]]
name = "film"
thickness_nm = 100
heat_capacity = 1e6
heat_capacity_err = 5e4
k_z = 1.0
k_z_err = 0.1
k_r = 2.0
k_r_rel_err = 0.2
[[layer]]
name = "sub"
heat_capacity = 3.06e6
k = 35.0
k_err = 2.0
[[interface]]
name = "top"
conductance = 1e8
conductance_rel_err = 0.1
[[interface]]
conductance = 2e8
conductance_err = 1e7
"""
    s = read_sample(write(tmp_path, text))
    expected = {
        "w_pump": 0.5e-6,
        "w_probe": 0.5e-6,
        "d_Al": 2e-9,
        "C_Al": 0.03 * 2.42e6,
        "k_Al": 23.7,  # 10 % of the database's 237
        "C_film": 5e4,
        "kz_film": 0.1,
        "kr_film": 0.4,
        "k_sub": 2.0,
        "G_top": 1e7,
        "G_G2": 1e7,
    }
    assert set(s.errors) == set(expected)
    for key, value in expected.items():
        assert s.errors[key] == pytest.approx(value, rel=1e-12), key


def test_effective_radius(tmp_path):
    text = "[laser]\nradius_um = 7.0\nradius_um_err = 0.3\n" + TWO_LAYERS
    s = read_sample(write(tmp_path, text))
    assert s.laser.effective_radius and s.laser.pump_radius == s.laser.probe_radius == 7e-6
    assert "w" in s.parameters()
    assert s.errors["w"] == pytest.approx(0.3e-6)


@pytest.mark.parametrize(
    ("laser", "match"),
    [
        ("radius_um = 7.0\npump_radius_um = 10.0", "radius_um .one effective radius. excludes pump_radius_um"),
        (
            "radius_um = 7.0\npump_radius_um = 10.0\nprobe_radius_um = 5",
            ".*excludes pump_radius_um and probe_radius_um",
        ),
        ("pump_radius_um = 10.0", "missing probe_radius_um"),
        ("", "missing pump_radius_um and probe_radius_um"),
        ("pump_radius_um = 10.0\nprobe_radius_um = 5.0\nradius_um_err = 1", "radius_um_err is given but radius_um"),
    ],
)
def test_effective_radius_and_two_radii_exclusive(tmp_path, laser, match):
    with pytest.raises(InputError, match=r"sample.toml.*\[laser\]: " + match):
        read_sample(write(tmp_path, "[laser]\n" + laser + "\n" + TWO_LAYERS))


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (
            ("heat_capacity = 2.42e6", "heat_capacity = 2.42e6\ncolour = 1"),
            r"\[\[layer\]\] 1 \('Al'\): unknown key 'colour'; allowed: name, material, thickness_nm",
        ),  # noqa: E501
        (
            ("conductance = 1.0e8", "conductance = 1.0e8\nG = 1"),
            r"\[\[interface\]\] 1: unknown key 'G'; allowed: name, conductance",
        ),  # noqa: E501
        (("[laser]", "[laser]\nspot = 3"), r"\[laser\]: unknown key 'spot'; allowed: pump_radius_um"),
        (
            ("[laser]", "sample = 3\n[laser]"),
            r"unknown top-level key 'sample'; allowed: title, laser, layer, interface",
        ),
        (("thickness_nm = 80.0", 'thickness_nm = "80"'), r"thickness_nm must be a number, got str '80'"),
        (("thickness_nm = 80.0", "thickness_nm = true"), r"thickness_nm must be a number, got bool True"),
        (("k = 35.0", "k = nan"), r"k must be a number, got nan"),
        (("thickness_nm = 80.0", "thickness_nm = 0"), r"'Al'.*thickness must be > 0 m \(or inf\), got 0"),
        (("k = 35.0", "k = -3"), r"'sub'.*conductivity must be > 0 W m\^-1 K\^-1, got -3"),
        (("conductance = 1.0e8", "conductance = -1"), r"conductance must be > 0 W m\^-2 K\^-1 \(or inf\), got -1"),
        (("conductance = 1.0e8", 'conductance = "big"'), r'conductance must be a number \(or "inf"\)'),
        (("conductance = 1.0e8", ""), r"\[\[interface\]\] 1: missing conductance"),
        (("thickness_nm = 80.0", ""), r"missing thickness_nm \(only the last layer"),
        (("k = 35.0", "k = 35.0\nk_z = 3"), r"give k \(isotropic\) or k_z and k_r"),
        (("k = 35.0", "k_z = 3"), r"k_r is missing"),
        (("k = 35.0", "k = 35.0\nk_err = 1\nk_rel_err = 0.1"), r"give k_err or k_rel_err, not both"),
        (("k = 35.0", "k = 35.0\nk_err = -1"), r"k_err must be a finite number >= 0, got -1"),
        (("k = 35.0", "k = 35.0\nthickness_nm_err = 1"), r"thickness_nm_err is given but thickness_nm is not"),
        (("k = 35.0", "k_z = 3\nk_r = 4\nk_err = 1"), r"k_err is given but k is not"),
        (('name = "sub"', 'name = "Al"'), r"names must be unique; repeated: Al"),
        (('name = "sub"', 'name = "my sub"'), r"layer name 'my sub' must be letters and digits"),
        (('name = "sub"', ""), r"\[\[layer\]\] 2: needs a name"),
        (("[[interface]]\nconductance = 1.0e8", ""), r"2 layers need 1 \[\[interface\]\] tables.*got 0"),
        (('[[layer]]\nname = "sub"', '[[layer]]\nname = "sub"\n[x]'), r"unknown top-level key 'x'"),
        (("[laser]", "[laser]\nmodulation_frequency_mhz = 50"), r"modulation frequency 5e\+07 Hz must be below half"),
        (("[laser]", "[laser]\nrepetition_rate_mhz = 80\nrepetition_rate_hz = 8e7"), r"not both"),
    ],
)
def test_sample_refusals(tmp_path, edit, match):
    """Each bad sample file gives one InputError naming the file (and the table)."""
    text = LASER + TWO_LAYERS
    assert edit[0] in text
    text = text.replace(edit[0], edit[1], 1)
    with pytest.raises(InputError, match=r"sample file '.*sample.toml'") as info:
        read_sample(write(tmp_path, text))
    assert "\n" not in str(info.value)
    assert info.match(match)


def test_layer_as_single_table(tmp_path):
    with pytest.raises(InputError, match=r"write the layers as \[\[layer\]\] tables"):
        read_sample(write(tmp_path, LASER + '[layer]\nname = "Al"\n'))


def test_sample_file_problems(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_sample(tmp_path / "none.toml")
    with pytest.raises(InputError, match="is not valid TOML"):
        read_sample(write(tmp_path, "[laser\n"))
    with pytest.raises(InputError, match="no \\[laser\\] table"):
        read_sample(write(tmp_path, TWO_LAYERS))
    with pytest.raises(InputError, match="no layers"):
        read_sample(write(tmp_path, LASER))
    with pytest.raises(InputError, match="larger than 1 MB"):
        read_sample(write(tmp_path, "#" * 1_000_001))


# ----------------------------------------------------------------------------------------------
# read_data
# ----------------------------------------------------------------------------------------------

TDTR_ROWS = "100 3.0\n200 2.5\n400 2.0\n1000 1.5\n"


def test_tdtr_ratio_with_title_and_header(tmp_path):
    path = write(tmp_path, "my TDTR scan, G = 1e8\nDelay (ps)  Ratio\n" + TDTR_ROWS, "d.txt")
    d = read_data(path)
    assert isinstance(d, TRData) and d.mode == "tdtr"
    np.testing.assert_allclose(d.x, [100e-12, 200e-12, 400e-12, 1000e-12], rtol=1e-15)
    np.testing.assert_array_equal(d.quantities["ratio"], [3.0, 2.5, 2.0, 1.5])
    assert dict(d.sigmas) == {} and d.title == "my TDTR scan, G = 1e8" and d.columns == ("Delay (ps)", "Ratio")
    assert d.source == str(path) and d.notes == ()
    with pytest.raises(ValueError):
        d.x[0] = 1.0  # read-only (@result)


def test_title_starting_with_a_number(tmp_path):
    d = read_data(write(tmp_path, "80 nm Al on sapphire\nDelay (ps)  Ratio\n" + TDTR_ROWS, "d.txt"))
    assert d.title == "80 nm Al on sapphire" and d.x.size == 4


@pytest.mark.parametrize(
    "header",
    [
        "Delay (ps)\tRatio\tsigma",
        "Delay (ps), Ratio, Ratio error",
        "delay_ps ratio ratio_err",
        "# Delay [ps] Ratio err",
    ],
)
def test_error_columns(tmp_path, header):
    rows = "100 3.0 0.1\n200 2.5 0.1\n400 2.0 0.2\n"
    if "," in header:
        rows = rows.replace(" ", ", ")
    d = read_data(write(tmp_path, header + "\n" + rows, "d.txt"))
    np.testing.assert_array_equal(d.sigmas["ratio"], [0.1, 0.1, 0.2])


def test_vin_vout_ratio_and_error_propagation(tmp_path):
    text = "Delay (ps)  Vin (uV)  Vout (uV)  Vin err  Vout err\n100 3 -1 0.1 0.2\n200 2 -2 0.1 0.2\n400 1 -4 0.1 0.2\n"
    d = read_data(write(tmp_path, text, "d.txt"))
    np.testing.assert_allclose(d.quantities["ratio"], [3.0, 1.0, 0.25])
    np.testing.assert_allclose(d.quantities["in_phase"], [3e-6, 2e-6, 1e-6])
    np.testing.assert_allclose(d.quantities["out_of_phase"], [-1e-6, -2e-6, -4e-6])
    # sigma_R^2 = (s_in/Vout)^2 + (Vin s_out/Vout^2)^2
    np.testing.assert_allclose(d.sigmas["ratio"][0], math.hypot(0.1 / 1, 3 * 0.2 / 1))
    assert "ratio computed as -V_in/V_out" in d.notes


def test_fdtr_theta_R_degrees_lags_negated(tmp_path):
    text = "Frequency (Hz)  Theta (degree)  R (normalized)\n1e5 30 1.0\n1e6 40 0.8\n1e7 50 0.3\n"
    d = read_data(write(tmp_path, text, "f.txt"))
    assert d.mode == "fdtr"
    np.testing.assert_array_equal(d.quantities["phase"], [-30.0, -40.0, -50.0])
    np.testing.assert_array_equal(d.quantities["amplitude"], [1.0, 0.8, 0.3])
    assert any("read as lags" in n for n in d.notes)


def test_fdtr_mhz_radians_negative_kept(tmp_path):
    text = "Frequency (MHz)  Phase (rad)\n0.1 -0.5\n1 -0.7\n10 -1.0\n"
    d = read_data(write(tmp_path, text, "f.txt"), mode="fdtr")
    np.testing.assert_allclose(d.x, [1e5, 1e6, 1e7])
    np.testing.assert_allclose(d.quantities["phase"], np.degrees([-0.5, -0.7, -1.0]))
    assert d.notes == ()


def test_phase_lag_column_negated(tmp_path):
    text = "Frequency (kHz)  Phase lag (deg)\n100 -1\n1000 20\n10000 40\n"
    d = read_data(write(tmp_path, text, "f.txt"))
    np.testing.assert_array_equal(d.quantities["phase"], [1.0, -20.0, -40.0])


def test_columns_option_without_header(tmp_path):
    d = read_data(
        write(tmp_path, "1e5 30 1\n1e6 40 0.8\n1e7 50 0.3\n", "f.txt"), columns="frequency_hz,phase_deg,amplitude"
    )
    assert d.mode == "fdtr" and d.columns == ("frequency_hz", "phase_deg", "amplitude")
    np.testing.assert_array_equal(d.quantities["phase"], [-30.0, -40.0, -50.0])
    d = read_data(write(tmp_path, "0.1,3\n0.2,2\n0.3,1\n", "t.csv"), columns="delay_ns,ratio", mode="tdtr")
    np.testing.assert_allclose(d.x, [1e-10, 2e-10, 3e-10])


def test_columns_option_replaces_header(tmp_path):
    text = "title\nZeit Verhaeltnis\n" + TDTR_ROWS
    d = read_data(write(tmp_path, text, "d.txt"), columns="delay_ns, ratio")
    np.testing.assert_allclose(d.x[0], 100e-9)
    assert d.title == "title"


def test_unsorted_rows_sorted_with_note(tmp_path):
    d = read_data(write(tmp_path, "Delay (ps) Ratio\n400 2.0\n100 3.0\n200 2.5\n", "d.txt"))
    np.testing.assert_allclose(d.x, [1e-10, 2e-10, 4e-10])
    np.testing.assert_array_equal(d.quantities["ratio"], [3.0, 2.5, 2.0])
    assert "rows sorted by increasing delay" in d.notes


def test_comments_and_blank_lines_skipped(tmp_path):
    text = "# made by hand\n\nDelay (ps) Ratio\n100 3\n# a comment\n\n200 2\n300 1\n"
    d = read_data(write(tmp_path, text, "d.txt"))
    assert d.x.size == 3 and d.title == "made by hand"


def test_save_round_trip(tmp_path):
    d = read_data(write(tmp_path, "Delay (ps) Ratio\n" + TDTR_ROWS, "d.txt"))
    out = d.save(tmp_path / "d.json")
    assert '"mode": "tdtr"' in out.read_text()


H = "Delay (ps)  Ratio\n"


@pytest.mark.parametrize(
    ("text", "kwargs", "match"),
    [
        (H + "100 3\n200 2\n", {}, r"2 data rows; a fit needs at least 3"),
        (H + "100 3\n200 nan\n300 1\n", {}, r"line 3: Ratio is nan"),
        (H + "100 3\n200 inf\n300 1\n", {}, r"line 3: Ratio is inf"),
        (H + "100 3\n200 abc\n300 1\n", {}, r"line 3: 'abc' is not a number"),
        (H + "0 3\n200 2\n300 1\n", {}, r"line 2: delay 0 ps; every delay must be > 0"),
        (H + "-5 3\n200 2\n300 1\n", {}, r"line 2: delay -5 ps"),
        (H + "100 3\n200 2\n100 1\n", {}, r"lines 2 and 4 have the same delay 100 ps"),
        (H + "100 3\n200 2 5\n300 1\n", {}, r"line 3: 3 values, the header names 2 columns"),
        ("Delay (ps)  Ratio  sigma\n100 3\n200 2\n300 1\n", {}, r"line 2: 2 values, the header names 3 columns"),
        (
            "Delay (ps)  Ratio  Colour\n100 3 1\n",
            {},
            r"no header .*first line was read as a title.*line 1: unknown column name 'Colour'",
        ),
        ("Title\nDelay (ps)  Ratio  Colour\n100 3 1\n", {}, r"line 2: unknown column name 'Colour'"),
        ("Delay  Ratio\n" + TDTR_ROWS, {}, r"give the delay's unit"),
        ("Delay (days)  Ratio\n" + TDTR_ROWS, {}, r"unknown time unit 'days'"),
        ("Frequency (Hz)  Ratio\n" + TDTR_ROWS, {}, r"column 'Ratio' in fdtr data: the ratio -Vin/Vout is a TDTR"),
        (H + TDTR_ROWS, {"mode": "fdtr"}, r"mode='fdtr' but the first column is the delay"),
        ("Delay (ps)  Phase (deg)\n" + TDTR_ROWS, {}, r"a phase against delay is not a TDTR observable"),
        ("Frequency (Hz)  Phase\n" + TDTR_ROWS, {}, r"give the phase's unit"),
        ("Frequency (Hz)  Phase (rad)\n1 45\n2 50\n3 60\n", {}, r"line 2: phase .* beyond \+-360 degrees"),
        ("Frequency (Hz)  Amplitude\n1 -1\n2 1\n3 1\n", {}, r"line 2: amplitude -1 must be >= 0"),
        ("Ratio  Delay (ps)\n3 100\n", {}, r"the first column must be the delay or the frequency"),
        ("Delay (ps)  Ratio  Ratio\n" + TDTR_ROWS, {}, r"repeats a quantity"),
        (H + "100 3\n200 2\n300 1\n", {"mode": "xx"}, r"mode= must be 'tdtr' or 'fdtr'"),
        ("Delay (ps)  Ratio  sigma\n100 3 0\n200 2 1\n300 1 1\n", {}, r"line 2: error 0 of 'sigma' must be > 0"),
        ("Delay (ps) Vin Vout\n100 3 0\n200 2 1\n300 1 1\n", {}, r"line 2: V_out is 0"),
        ("Delay (ps) Vin (V) Vout (a.u.)\n" + TDTR_ROWS, {}, r"need the same unit"),
        ("Delay (ps) Ratio Vin Vout\n100 3 1 1\n200 2 1 1\n300 1 1 1\n", {}, r"give the ratio or V_in and V_out"),
        (TDTR_ROWS, {}, r"no header naming the columns; add one .* or give columns="),
        ("title\nsomething else\n" + TDTR_ROWS, {}, r"line 2: unknown column name 'something'"),
        ("Delay (ps) sigma Ratio\n" + TDTR_ROWS, {}, r"title.*error column 'sigma' must follow the quantity"),
        (TDTR_ROWS, {"columns": "delay_ps,colour"}, r"columns=: unknown column name 'colour'"),
        ("", {}, r"no header naming the columns"),
    ],
)
def test_data_refusals(tmp_path, text, kwargs, match):
    """Each bad data file gives one InputError naming the file (and the line where there is one)."""
    with pytest.raises(InputError) as info:
        read_data(write(tmp_path, text, "d.txt"), **kwargs)
    assert "\n" not in str(info.value)
    assert "d.txt" in str(info.value) or str(info.value).startswith(("mode=", "columns="))  # or names the option
    assert info.match(match), str(info.value)


def test_data_file_problems(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_data(tmp_path / "none.txt")
    with pytest.raises(InputError, match="is a folder"):
        read_data(tmp_path)
    (tmp_path / "b.txt").write_bytes(b"\x80\x81\x82 1 2\n")
    with pytest.raises(InputError, match="not UTF-8"):
        read_data(tmp_path / "b.txt")
    (tmp_path / "z.npy").write_bytes(b"\x93NUMPY\x01\x00\0\0")
    with pytest.raises(InputError, match="NUL bytes"):
        read_data(tmp_path / "z.npy")


def test_data_size_limit(tmp_path, monkeypatch):
    from kapitza.analysis.thermoreflectance import inputs

    monkeypatch.setattr(inputs, "MAX_DATA_BYTES", 100)
    with pytest.raises(InputError, match="larger than 0.0001 MB"):
        read_data(write(tmp_path, H + TDTR_ROWS * 10, "d.txt"))


def test_multiword_names_and_columns_with_error(tmp_path):
    text = "Delay (ns)  In phase (mV)  Out of phase (mV)\n0.1 3 -1\n0.2 2 -1\n0.4 1 -1\n"
    d = read_data(write(tmp_path, text, "d.txt"))
    np.testing.assert_allclose(d.quantities["ratio"], [3.0, 2.0, 1.0])
    np.testing.assert_allclose(d.quantities["in_phase"], [3e-3, 2e-3, 1e-3])
    d = read_data(write(tmp_path, "100 3 0.1\n200 2 0.1\n300 1 0.1\n", "e.txt"), columns="delay_ps,ratio,sigma")
    np.testing.assert_array_equal(d.sigmas["ratio"], [0.1, 0.1, 0.1])
    with pytest.raises(InputError, match="columns=: an empty column name"):
        read_data(write(tmp_path, "100 3\n200 2\n300 1\n", "e.txt"), columns="delay_ps,,ratio")


def test_trdata_checks_its_fields():
    """TRData built in code is checked like a file (x increasing, one value per x, mode's quantities)."""
    x = np.array([1e-10, 2e-10, 3e-10])
    TRData(mode="tdtr", x=x, quantities={"ratio": [3, 2, 1]}, sigmas={})
    with pytest.raises(InputError, match="strictly increasing"):
        TRData(mode="tdtr", x=x[::-1], quantities={"ratio": [3, 2, 1]}, sigmas={})
    with pytest.raises(InputError, match="tdtr data hold ratio, in_phase, out_of_phase; got quantities 'phase'"):
        TRData(mode="tdtr", x=x, quantities={"phase": [3, 2, 1]}, sigmas={})
    with pytest.raises(InputError, match="one per x"):
        TRData(mode="tdtr", x=x, quantities={"ratio": [3, 2]}, sigmas={})
    with pytest.raises(InputError, match="must be > 0"):
        TRData(mode="tdtr", x=x, quantities={"ratio": [3, 2, 1]}, sigmas={"ratio": [1, 0, 1]})


# ----------------------------------------------------------------------------------------------
# the shipped examples
# ----------------------------------------------------------------------------------------------

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "thermoreflectance"


def _make_examples_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_tr_examples", EXAMPLES / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_example_samples_read():
    tdtr = read_sample(EXAMPLES / "tdtr_sample.toml")
    assert [x.material for x in tdtr.layers] == ["Al", "Al2O3"] and tdtr.parameters()["d_Al"] == pytest.approx(80e-9)
    assert tdtr.errors["d_Al"] == pytest.approx(2e-9) and "G" in tdtr.parameters()
    fdtr = read_sample(EXAMPLES / "fdtr_sample.toml")
    assert [x.material for x in fdtr.layers] == ["Au", "Si"] and fdtr.laser.effective_radius


def test_examples_are_what_make_examples_makes(tmp_path, monkeypatch):
    """The shipped data files are reproduced by make_examples.py (fixed seed) from the shipped samples."""
    import shutil

    module = _make_examples_module()
    for name in ("tdtr_sample.toml", "fdtr_sample.toml"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    monkeypatch.setattr(module, "HERE", tmp_path)
    module.main()
    for name in ("tdtr_ratio.txt", "tdtr_lockin.txt", "fdtr_phase.txt"):
        shipped, made = read_data(EXAMPLES / name), read_data(tmp_path / name)
        assert shipped.mode == made.mode and shipped.title == made.title
        np.testing.assert_allclose(shipped.x, made.x, rtol=1e-6)
        for key in shipped.quantities:
            np.testing.assert_allclose(shipped.quantities[key], made.quantities[key], rtol=1e-4, atol=1e-5)


def test_example_data_match_the_model_at_the_true_values():
    """Residuals of the shipped data against the model at the stated true values are the stated noise.

    Reference: make_examples.py (1 % ratio noise; 0.2 degree phase noise); 40 and 30 points, so the
    RMS of the normalized residuals lies within 0.6..1.4 with overwhelming probability.
    """
    from kapitza.analysis.thermoreflectance.model import fdtr_signal, tdtr_signal

    module = _make_examples_module()
    sample = read_sample(EXAMPLES / "tdtr_sample.toml").with_parameters(module.TDTR_TRUE)
    data = read_data(EXAMPLES / "tdtr_ratio.txt")
    model = tdtr_signal(sample, data.x).ratio
    z = (data.quantities["ratio"] - model) / data.sigmas["ratio"]
    assert 0.6 < float(np.sqrt(np.mean(z**2))) < 1.4
    sample = read_sample(EXAMPLES / "fdtr_sample.toml").with_parameters(module.FDTR_TRUE)
    data = read_data(EXAMPLES / "fdtr_phase.txt")
    z = (data.quantities["phase"] - fdtr_signal(sample, data.x).phase_deg) / module.FDTR_PHASE_NOISE_DEG
    assert 0.6 < float(np.sqrt(np.mean(z**2))) < 1.4


def test_empty_interface_name_refused(tmp_path):
    """An empty name is an error, not silently the default."""
    text = LASER + TWO_LAYERS.replace("conductance = 1.0e8", 'name = ""\nconductance = 1.0e8')
    with pytest.raises(InputError, match=r"\[\[interface\]\] 1: interface name '' must be letters"):
        read_sample(write(tmp_path, text))


def test_mode_any_case(tmp_path):
    d = read_data(write(tmp_path, H + TDTR_ROWS, "d.txt"), mode="TDTR")
    assert d.mode == "tdtr"
