"""The review's bad inputs, end to end through the CLI: one line on stderr, exit 2, nothing written.

Each case is a class from issue 9 item 7 (tracebacks, hangs and memory exhaustion from unbounded
sizes, wrong results with exit 0, smaller leaks).  The command runs in-process through
``kapitza.cli.main``; an exception escaping it (a traceback for the user) fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

VALID_MATERIAL = """[materials.Mine]
density = 2700.0
v_l = 6420.0
v_t = 3040.0
debye_temperature = 428.0
number_density = 6.02e28
"""


def assert_one_line_error(status: int, err: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert status == 2, err
    assert len(lines) == 1 and lines[0].startswith("kapitza: error: "), err
    assert "Traceback" not in err and "np.float64" not in err and "Warning" not in err


def _material_files(tmp: Path) -> dict[str, Path]:
    files = {
        "binary": b"\x00\xff\xfe" * 50,
        "nested": ("a = " + "[" * 5000 + "]" * 5000 + "\n").encode(),
        "zero-mass": VALID_MATERIAL.replace("number_density = 6.02e28", "mean_atomic_mass_amu = 0").encode(),
        "huge-speed": VALID_MATERIAL.replace("6420.0", "1e300").encode(),
        "unstable-c11": (
            VALID_MATERIAL
            + "[materials.Mine.elastic_constants_gpa]\nsymmetry = 'cubic'\nC11 = -1\nC12 = 60\nC44 = 28\n"
        ).encode(),
    }
    out = {}
    for name, data in files.items():
        path = tmp / f"{name}.toml"
        path.write_bytes(data)
        out[name] = path
    return out


def test_the_valid_base_material_loads(cli, tmp_path):
    """The damaged files below are one change away from this file, which must load."""
    path = tmp_path / "mine.toml"
    path.write_text(VALID_MATERIAL)
    status, out, err = cli("predict", path, "Si", "-t", "300")
    assert status == 0, err


@pytest.mark.parametrize("case", ["binary", "nested", "zero-mass", "huge-speed", "unstable-c11"])
def test_bad_material_files_are_refused(cli, tmp_path, case):
    path = _material_files(tmp_path)[case]
    assert_one_line_error(*cli("predict", path, "Si", "-t", "300")[::2])


@pytest.mark.parametrize(
    "option, where",
    [("--csv", "dir"), ("--csv", "/proc/kapitza.csv"), ("--plot", "under-a-file")],
)
def test_unwritable_outputs_fail_before_the_work(cli, tmp_path, option, where):
    target = {"dir": tmp_path, "under-a-file": tmp_path / "file.txt" / "g.png"}.get(where, where)
    (tmp_path / "file.txt").write_text("x")
    status, _, err = cli("predict", "Al", "Si", option, target)
    assert_one_line_error(status, err)


@pytest.mark.parametrize(
    "args",
    [
        ("predict", "Al", "Si", "-t", "1:10:100000000"),
        ("transmission", "Al", "Si", "--angles", "100000000"),
        ("predict", "Si", "Ge", "--dispersion", "phonopy", "--mesh", "10000"),
        ("phonons", "Si", "--width", "1e6"),
        ("agf", "Si", "Ge", "--kpoints", "10000"),
        ("agf", "Si", "Ge", "--frequencies", "100000000"),
        ("agf", "Si", "Ge", "--workers", "0"),
        ("predict", "Al", "Si", "--mesh", "0"),
        ("predict", "Al", "Si", "--normal", "abc"),
    ],
    ids=lambda a: " ".join(a),
)
def test_unbounded_or_meaningless_sizes_are_refused_at_once(cli, args):
    assert_one_line_error(*cli(*args)[::2])


@pytest.mark.parametrize(
    "content",
    [
        None,  # a folder
        b"\x00\x01\x02binary",
        b'frequencies = "many"\n',
        b"agf = 5\n",
        b'check_broadening = "no"\n',
        b"seed = 1.5\n",
        b"mixing_layers = 1.7\n",
    ],
    ids=["folder", "binary", "frequencies-string", "agf-int", "bool-as-string", "float-seed", "float-layers"],
)
def test_bad_agf_configs_are_refused(cli, tmp_path, content):
    config = tmp_path / "agf.toml"
    if content is None:
        config.mkdir()
    else:
        config.write_bytes(content)
    assert_one_line_error(*cli("agf", "Si", "Ge", "--config", config)[::2])


def test_garbage_scheduler_address_is_refused(cli):
    assert_one_line_error(*cli("agf", "Si", "Ge", "--kpoints", "2", "--address", "garbage")[::2])


@pytest.mark.parametrize(
    "content",
    [b"", b"[1, 2, 3]\n", b"word\n", b"\x00\xff" * 40, b"phonopy:\n  version: 2.20\nunit_cell: ["],
    ids=["empty", "list", "word", "binary", "truncated"],
)
def test_bad_phonopy_files_are_refused(cli, tmp_path, content):
    path = tmp_path / "phonopy.yaml"
    path.write_bytes(content)
    assert_one_line_error(*cli("phonons", "Si", "--phonopy-file", path)[::2])


def test_a_folder_as_phonopy_file_is_called_a_folder(cli, tmp_path):
    status, _, err = cli("phonons", "Si", "--phonopy-file", tmp_path)
    assert_one_line_error(status, err)
    assert "does not exist" not in err


@pytest.mark.parametrize("temperature", ["1e-300,1e-200", "5e-324", "5e-7", "1e-300:1:5"])
def test_tiny_temperatures_are_refused_with_the_least_temperature(cli, temperature):
    """Between 0 and ~1e-290 K the Landauer integral overflowed (issue 9); then G = 0 and R T^3 = inf * 0 printed a
    RuntimeWarning (issue 51, 5e-324 K): temperatures between 0 and kapitza._checks.MIN_TEMPERATURE (1e-6 K) are
    refused in one line."""
    status, out, err = cli("predict", "Al", "Si", "-t", temperature, "--json")
    assert_one_line_error(status, err)
    assert "is below 1e-06 K, the least kapitza accepts above 0 K" in err and out == ""


@pytest.mark.parametrize("temperature", ["0", "1e-6"])
def test_zero_and_the_least_temperature_compute_without_a_warning(cli, temperature):
    """0 K gives G = 0 exactly; at 1e-6 K the DMM's G is its 1e-3 K value times (1e-3)^3: the low-temperature T^3
    law of the Debye DMM (Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989)) holds without underflow this far down."""
    import json
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        status, out, err = cli("predict", "Al", "Si", "-t", f"{temperature},1e-3", "-m", "dmm", "--json")
    assert status == 0 and "Warning" not in err, err
    g = json.loads(out)["results"][0]["conductance"]
    if temperature == "0":
        assert g[0] == 0.0
    else:
        assert g[0] == pytest.approx(g[1] * 1e-9, rel=1e-9)


def test_inelastic_channel_with_full_dispersion_runs(cli):
    """The crash of issue 9 item 2: spectral.py called transmitted_channels, which InelasticChannel lacks."""
    status, out, err = cli(
        "predict",
        "Si",
        "Ge",
        "-m",
        "dmm",
        "--dispersion",
        "phonopy",
        "--mesh",
        "8",
        "--inelastic",
        "A=1e-15,q=1,m=1",
        "-t",
        "300",
    )
    assert status == 0, err
    assert "dmm" in out


# ---- issue 51: the older surfaces rerun ---------------------------------------------------------------------

TDTR_SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "thermoreflectance" / "tdtr_sample.toml"


@pytest.mark.parametrize(
    ("command", "delays", "shortest"),
    [
        ("simulate", "1e-300:1e-299:10", "1e-300 ps"),
        ("simulate", "0.5,100", "0.5 ps"),
        ("sensitivity", "0.1:10:3", "0.1 ps"),
    ],
)
def test_tdtr_delays_below_one_picosecond_are_one_line(cli, command, delays, shortest):
    """A ratio of 3.4e151 was printed for delays of 1e-300 ps, exit 0: below the model's 1 ps
    (kapitza.analysis.thermoreflectance.model.MIN_DELAY, the pulses' cross-correlation) it is refused."""
    status, out, err = cli("tdtr", command, TDTR_SAMPLE, "--delays", delays)
    assert_one_line_error(status, err)
    assert "delays must be at least 1 ps" in err and f"got {shortest}" in err and out == ""


def test_tdtr_delays_from_one_picosecond_are_simulated(cli):
    status, out, err = cli("tdtr", "simulate", TDTR_SAMPLE, "--delays", "1:10:3")
    assert status == 0 and "Warning" not in err, err
    assert "3.162" in out and "e+1" not in out  # the delays, and no ratio of the divergence


@pytest.mark.parametrize("pressure", ["1:1e308", "1e4:3e9"])
def test_contact_pressure_at_or_above_the_hardness_is_one_line(cli, pressure):
    """P = 8.9e157 Pa was printed (h_c = 2.2e147): at the microhardness (3 GPa here) every asperity is flattened
    and no rough contact is left (kapitza.devices.contact), so such pressures are refused."""
    status, out, err = cli("device", "contact", "--pressure", pressure)
    assert_one_line_error(status, err)
    assert "is at or above the microhardness H_c = 3e+09 Pa" in err and out == ""


def test_contact_pressures_that_underflow_and_a_crossover_above_the_hardness_are_stated(cli):
    """P = 5e-324 Pa: h_c underflows to 0, the contact carries the whole resistance (100 %, not NaN, no warning);
    the crossover of the CMY law with R_K (7.7e11 Pa for dmm:Al/Si) lies above H_c and is said to be unreached."""
    status, out, err = cli("device", "contact", "--pressure", "5e-324:1")
    assert status == 0 and err == "", err
    assert "P = 4.94e-324 Pa: h_c = 0 W/m^2/K, contact share 100.00 % -> contact dominates" in out
    assert "none below H_c = 3 GPa (the correlation puts it at 7.741e+11 Pa)" in out and "nan" not in out
