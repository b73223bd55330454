"""``kapitza interface build`` and ``show``: a structure file from two bulk crystals, and how kapitza reads one."""

from __future__ import annotations

import json

import pytest

from kapitza.atomistic.structure_file import read_structure

pytest.importorskip("ase")


def test_build_writes_a_structure_that_show_and_the_reader_agree_on(cli, tmp_path):
    out = tmp_path / "alcu.extxyz"
    status, stdout, err = cli("interface", "build", "Al", "Cu", "-o", str(out), "--cells", "3x3", "--lateral", "1x2")
    assert status == 0, err
    assert f"written: {out}" in err and "max_strain_a" in stdout
    s = read_structure(out)
    assert s.cells == (3, 3) and sum(s.description["side_atoms"]) == len(s.atoms)
    # Al (4.05 A) on Cu (3.61 A) along [001]: the search's smallest cell within the default 3 % (2x2 on sqrt5 x sqrt5
    # R26.6, the match helper's measured case) strains both sides by less than 2 %
    assert max(s.description["max_strain_a"], s.description["max_strain_b"]) <= 0.02
    status, stdout, err = cli("interface", "show", str(out), "--json")
    assert status == 0, err
    doc = json.loads(stdout)
    assert doc["description"]["cells"] == [3, 3] and doc["description"]["atoms"] == len(s.atoms)


def test_build_refuses_a_strain_beyond_the_bound_in_one_line(cli, tmp_path):
    out = tmp_path / "x.extxyz"
    status, stdout, err = cli(
        "interface", "build", "GaN:wurtzite:a=3.18092,c=5.19443", "SiC:wurtzite:a=3.08251,c=5.03372",
        "--max-strain", "0.001", "--max-atoms", "60", "-o", str(out),
    )  # fmt: skip
    assert status == 2 and stdout == "" and not out.exists()
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["GaN:wurtzite", "Al"], "expected a file, a name, or NAME:STRUCTURE"),
        (["GaN:wurtzite:q=3", "Al"], "is not a=..."),
        (["Al", "Cu", "--normal", "00x"], "--normal must be Miller indices"),
        (["Al", "Cu", "--cells", "0x3"], "--cells must be N or NxM with positive"),
    ],
)
def test_bad_build_arguments(cli, tmp_path, args, match):
    status, stdout, err = cli("interface", "build", *args, "-o", str(tmp_path / "y.extxyz"))
    assert status == 2 and match in err and stdout == ""


def test_show_a_bad_file_is_one_line(cli, tmp_path):
    status, _, err = cli("interface", "show", str(tmp_path / "none.extxyz"))
    assert status == 2 and "does not exist" in err


def test_build_from_ase_specs_prints_and_builds_the_001_planes(cli, tmp_path):
    """Issue 39's "done when": ``interface build Cu:fcc:a=3.615 Ni:fcc:a=3.52`` (ASE's primitive fcc cells) under
    the default --normal 001 prints the (001) plane of each conventional cell and its strain, and builds it:
    the in-plane cell vectors lie along cube axes and the planes along z are a/2 apart on each side (analytic
    fcc (001); (111) planes would be a/sqrt3 apart)."""
    import numpy as np

    out = tmp_path / "cuni.extxyz"
    status, stdout, err = cli("interface", "build", "Cu:fcc:a=3.615", "Ni:fcc:a=3.52", "-o", str(out))
    assert status == 0, err
    lines = [line for line in stdout.splitlines() if line.startswith("side ")]
    assert len(lines) == 2 and all("plane (001), in-plane [-100] x [0-10]" in line for line in lines)
    assert "expanded 4x" in lines[0] and "principal in-plane strains -1.31 % and -1.31 %" in lines[0]
    assert "+1.35 % and +1.35 %" in lines[1]  # Ni stretched onto the mean lateral constant
    s = read_structure(out)
    cell = np.asarray(s.atoms.cell)
    assert np.allclose(cell[:2], np.diag(np.diag(cell))[:2])  # a1 along x, a2 along y
    for side, a in ((0, 3.615), (1, 3.52)):
        z = np.sort(s.atoms.positions[s.side == side, 2])
        planes = z[np.concatenate([[True], np.diff(z) > 1e-3])]
        np.testing.assert_allclose(np.diff(planes), a / 2, atol=1e-6)


def test_the_normal_option_says_which_cell_its_indices_refer_to(cli):
    status, stdout, _ = cli("interface", "build", "--help")
    assert status == 0 and "CONVENTIONAL" in stdout and "primitive" in stdout


GAN = "GaN:wurtzite:a=3.189,c=5.185"
ALN = "AlN:wurtzite:a=3.112,c=4.982"


def test_build_names_the_polarity_of_a_polar_pair_and_builds_either(cli, tmp_path):
    """GaN on AlN along [0001] (wurtzite: polar): each polarity is written, named with what faces its seam, and
    names the other and the option that builds it; the two files hold the same atoms, their seams differ
    (A's N plane bonded by one bond across the seam or by three)."""
    seams, counts = {}, {}
    for polarity in "+-":
        out = tmp_path / f"gan_aln{polarity}.extxyz"
        status, stdout, err = cli("interface", "build", GAN, ALN, "-o", str(out), "--cells", "2x2",
                                  "--polarity", polarity)  # fmt: skip
        assert status == 0, err
        other = "-" if polarity == "+" else "+"
        line = next(x for x in stdout.splitlines() if x.startswith("polarity "))
        assert line.startswith(f"polarity {polarity} of two (A and B polar along the normal)")
        assert line.endswith(f"build it with --polarity {other}")
        status, stdout, err = cli("interface", "build", GAN, ALN, "-o", str(out), "--cells", "2x2",
                                  "--polarity", polarity, "--json")  # fmt: skip
        assert status == 0, err
        doc = json.loads(stdout)["description"]["polarity"]
        assert doc["built"] == polarity and doc["other"]["polarity"] == other
        seams[polarity] = doc["seam"]["A"]["neighbours"]["B"]
        counts[polarity] = read_structure(out).atoms.get_chemical_formula()
    assert seams == {"+": {"Al": 1.0}, "-": {"Al": 3.0}}
    assert counts["+"] == counts["-"] == "Al4Ga4N8"


def test_build_says_a_non_polar_pair_has_one_polarity_and_refuses_the_other(cli, tmp_path):
    status, stdout, err = cli("interface", "build", "Si", "Ge", "-o", str(tmp_path / "s.extxyz"), "--cells", "2x2")
    assert status == 0, err
    assert "one polarity (neither crystal is polar along its normal)" in stdout
    for bad, message in (("-", "the pair has one polarity"), ("up", "polarity must be + ")):
        out = tmp_path / f"bad{bad}.extxyz"
        status, stdout, err = cli("interface", "build", "Si", "Ge", "-o", str(out), "--polarity", bad)
        assert status == 2 and stdout == "" and message in err and len(err.strip().splitlines()) == 1
        assert not out.exists()


# -- kapitza interface bonding: a user's pair on the fly (issue 62 item 2) -----------------------------------------

SW_SI = "mlip_factories:stillinger_weber_si"


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("KAPITZA_CACHE_KEY", str(tmp_path / "cache.key"))
    return tmp_path


def test_bonding_states_its_plan_first_then_the_known_answer_of_si_on_si(cli, own_cache):
    """Stillinger-Weber Si on Si (001) (Stillinger & Weber, Phys. Rev. B 31, 5262 (1985): epsilon 2.1683 eV, a 5.431
    A): the seam is a bulk plane, so W = 4 epsilon / a^2 = 4.71 J/m^2 and the seam is as stiff as the bulk."""
    pytest.importorskip("matscipy")
    status, stdout, err = cli("interface", "bonding", "Si", "Si", "--calculator", SW_SI, "--no-spectra")
    assert status == 0, err
    assert err.splitlines()[0].startswith("kapitza: bonding of Si on Si (001 on 001) with " + SW_SI + ": a slab of 32")
    lines = stdout.splitlines()
    assert lines[0] == f"Si on Si (001 on 001), {SW_SI}, 32 atoms:"
    assert "  work of adhesion: 4.71 J/m^2" in lines
    assert "  seam/bulk normal stiffness, substrate side: 1" in lines
    assert not any("seam spectra overlap" in line for line in lines)  # --no-spectra: not computed, not "nan"
    assert any("the shipped table is chgnet's" in line for line in lines)  # another potential: not beside it
    assert "not used by the expected measurement" in lines[-1] and "computed" in lines[-1]
    status, stdout, err = cli("interface", "bonding", "Si", "Si", "--calculator", SW_SI, "--no-spectra", "--json")
    assert status == 0, err
    doc = json.loads(stdout)
    assert doc["cached"] is True and doc["doubt"] == ""
    assert doc["bonding"]["work_of_adhesion_j_m2"] == pytest.approx(4 * 2.1683 * 1.602176634e-19 / 5.431e-10**2,
                                                                    rel=2e-3)  # fmt: skip
    assert doc["plan"]["atoms"] == 32 and [b["pairs"] for b in doc["beside_table"]] == [0, 0, 0]


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("Unobtainium", "Si"), "is not a structure file"),
        (("Si", "Si", "--planes", "1x1"), "planes must read 'FILM on SUBSTRATE'"),
        (("Si", "Si", "--calculator", "nope"), "unknown calculator 'nope'"),
        (("Si", "Si", "--max-memory-gb", "-1"), "must be > 0 GB"),
        (("Si", "Si", "--calculator", "chgnet", "--max-memory-gb", "0.1"), "above the bound of 0.1 GB"),
    ],
)
def test_bonding_refuses_bad_input_in_one_line_before_any_force(cli, own_cache, args, match):
    status, stdout, err = cli("interface", "bonding", *args)
    assert status == 2 and stdout == ""
    assert len(err.strip().splitlines()) == 1 and match in err
