"""``kapitza phonons`` as a user runs it."""

from __future__ import annotations

import json

import numpy as np
import pytest

from answer_rules import answer_first, explained
from kapitza.phonons import full_dispersion_spectrum

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_json_report_of_stillinger_weber_silicon(cli):
    status, out, err = cli("phonons", "Si", "--mesh", "8", "--quiet", "--json")
    assert status == 0, err
    doc = json.loads(out)
    assert doc["material"] == "Si" and doc["bands"] == ["TA1", "TA2", "LA", "O1", "O2", "O3"]
    assert doc["lattice_constant_m"] == pytest.approx(5.43095e-10, rel=1e-5)
    np.testing.assert_allclose(doc["frequencies_thz"]["Γ"][3:], 17.83, atol=0.01)
    np.testing.assert_allclose(doc["frequencies_thz"]["X"][0], 6.65, atol=0.01)
    spectrum = full_dispersion_spectrum("Si", mesh=8)
    np.testing.assert_allclose(list(doc["sound_speeds_m_s"].values()), spectrum.sound_speeds, rtol=1e-12)
    assert doc["symmetry_operations"] == 48 and doc["mesh"] == [8, 8, 8]


def test_table_and_plot(cli, tmp_path):
    png = tmp_path / "si.png"
    status, out, err = cli("phonons", "Si", "--mesh", "8", "--normal", "111", "--plot", str(png))
    assert status == 0, err
    assert "full-dispersion phonons" in out and "17.833" in out and "[0.577 0.577 0.577]" in out.replace("\n", "")
    assert png.read_bytes()[:8] == PNG_MAGIC and png.stat().st_size > 20_000


def test_the_default_text_is_the_table_and_explain_adds_the_source_and_mesh(cli):
    """Issue 53 item 4: the answer (lattice constant, frequencies, sound speeds, highest frequency; a harmonic
    spectrum carries no error bar) in 14 lines for SW Si on an 8^3 mesh (at most 15 here); the potential's source,
    the sound speed's definition and the mesh are what --explain adds, as printed before under the table."""
    status, out, err = cli("phonons", "Si", "--mesh", "8", "--quiet")
    assert status == 0, err
    lines = answer_first(out, most=15, within=9, answer="17.833")
    assert "full-dispersion phonons" in lines[0] and "Stillinger" not in out and "symmetry operations" not in out
    status, out, err = cli("phonons", "Si", "--mesh", "8", "--quiet", "--explain")
    assert status == 0, err
    explained(
        out,
        "17.833",
        "sw potential (F. Stillinger and T. Weber, Phys. Rev. B 31, 5262 (1985))",
        "2x2x2 conventional supercell, analytic Hessian",
        "Effective sound speeds: the Debye speed with the same low-frequency channel density through the plane",
        "mesh 8x8x8, 48 symmetry operations",
    )


def test_convergence_table(cli):
    status, out, err = cli("phonons", "Ge", "--mesh", "8", "--quiet", "--json", "--convergence")
    assert status == 0, err
    table = json.loads(out)["convergence"]
    g = np.array(table["conductance"])
    assert table["meshes"] == [16, 24, 32] and g.shape == (3, 3)
    assert abs(g[1, 1] / g[2, 1] - 1) < 0.01


def test_phonopy_file(cli, tmp_path):
    from phonopy.file_IO import write_FORCE_CONSTANTS

    from kapitza.phonons import HarmonicCrystal

    crystal = HarmonicCrystal.from_potential("Si")
    crystal.phonopy.save(tmp_path / "phonopy.yaml", settings={"force_constants": False, "force_sets": False})
    write_FORCE_CONSTANTS(crystal.phonopy.force_constants, filename=tmp_path / "FORCE_CONSTANTS")
    status, out, err = cli(
        "phonons", "my-si", "--phonopy-file", str(tmp_path / "phonopy.yaml"), "--mesh", "8", "--quiet", "--json"
    )
    assert status == 0, err
    doc = json.loads(out)
    assert doc["material"] == "my-si" and doc["lattice_constant_m"] is None
    np.testing.assert_allclose(doc["frequencies_thz"]["L"][0], 4.70, atol=0.01)


@pytest.mark.parametrize(
    "args,message",
    [
        (("Ti",), "--phonopy-file PATH"),
        (("Si", "--phonopy-file", "."), "is a folder"),
        (("Si", "--mesh", "10000"), "GB (limit 4 GB; raise it with --max-memory-gb)"),
        (("Si", "--width", "1e6"), "GB (limit 4 GB; raise it with --max-memory-gb)"),
        (("Si", "--phonopy-file", "nothing.yaml"), "does not exist"),
        (("Si", "--phonopy-file", "x.yaml", "--potential", "sw"), "exclude each other"),
        (("Si", "--potential", "emt"), "choose one of"),
        (("Si", "--normal", "000"), "zero vector"),
        (("Si", "--mesh", "0"), "mesh"),
        (("Si", "--plot", "out.txt"), ".png"),
        (("Si", "--max-memory-gb", "1e308"), "--max-memory-gb must be < 1e+06 GB"),
        (("Si", "--max-memory-gb", "-1"), "--max-memory-gb must be > 0 GB"),
    ],
)
def test_errors_are_one_line_and_status_2(cli, args, message):
    status, out, err = cli("phonons", *args, "--quiet")
    assert status == 2 and message in err and err.count("\n") == 1


def test_phonopy_file_with_python_tag_runs_nothing(cli, tmp_path):
    """Issue 9: a phonopy.yaml with a !!python tag ran its command; now: one line, status 2, no marker."""
    from phonopy.file_IO import write_FORCE_CONSTANTS

    from kapitza.phonons import HarmonicCrystal

    crystal = HarmonicCrystal.from_potential("Si")
    crystal.phonopy.save(tmp_path / "phonopy.yaml", settings={"force_constants": False, "force_sets": False})
    write_FORCE_CONSTANTS(crystal.phonopy.force_constants, filename=tmp_path / "FORCE_CONSTANTS")
    marker = tmp_path / "PWNED"
    with open(tmp_path / "phonopy.yaml", "a") as fh:
        fh.write(f'evil: !!python/object/apply:os.system ["id > {marker}"]\n')
    status, out, err = cli("phonons", "Si", "--phonopy-file", str(tmp_path / "phonopy.yaml"), "--quiet")
    assert status == 2 and err.count("\n") == 1 and "python" in err.lower()
    assert not marker.exists()
    assert "Stillinger" not in err and "phonopy_file=" not in err


def test_the_scheduler_option_of_phonons_is_the_force_calls_one(cli):
    """``phonons --scheduler`` sends force calls, not replicas: its help says so (a second ``SchedulerOption`` in
    cli/common.py once replaced the first, and phonons described the replicas' option)."""
    status, out, _ = cli("phonons", "--help")
    words = " ".join(out.replace("│", " ").split())
    assert status == 0 and "force calls to the dask scheduler" in words
    assert "With --replicas" not in words
    status, out, _ = cli("md", "run", "--help")
    assert status == 0 and "With --replicas" in " ".join(out.replace("│", " ").split())
