"""The polarity of an interface normal and what faces the seam: wurtzite [0001] and zincblende [111] are polar,
diamond [001], zincblende [001] and fcc [111] are not; the two polarities of a polar pair are two interfaces."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ase")
pytest.importorskip("spglib")

from ase.build import bulk

from kapitza.atomistic.polarity import is_polar, polarity_text, seam, seam_text
from kapitza.atomistic.stacking import stack_crystals
from kapitza.errors import InputError

#: The lattices of issue 54's GaN | AlN command (A).
GAN = {"name": "GaN", "crystalstructure": "wurtzite", "a": 3.189, "c": 5.185}
ALN = {"name": "AlN", "crystalstructure": "wurtzite", "a": 3.112, "c": 4.982}


@pytest.mark.parametrize(
    ("atoms", "normal", "polar"),
    [
        (bulk("GaN", "wurtzite", a=3.189, c=5.185), (0, 0, 1), True),
        (bulk("GaN", "wurtzite", a=3.189, c=5.185), (1, 0, 0), False),
        (bulk("GaAs", "zincblende", a=5.65, cubic=True), (1, 1, 1), True),
        (bulk("GaAs", "zincblende", a=5.65, cubic=True), (0, 0, 1), False),
        (bulk("Si", "diamond", a=5.43, cubic=True), (0, 0, 1), False),
        (bulk("Si", "diamond", a=5.43, cubic=True), (1, 1, 1), False),
        (bulk("Cu", "fcc", a=3.61, cubic=True), (1, 1, 1), False),
    ],
)
def test_polar_axes_follow_the_point_group(atoms, normal, polar):
    """Point groups (International Tables for Crystallography A): wurtzite 6mm has no operation turning [0001] over,
    but its two-fold axis along c turns an in-plane direction over; zincblende -43m has none turning [111] over, but its
    S4 turns [001] over; diamond (m-3m) and fcc have inversion."""
    assert is_polar(atoms, normal) is polar


def test_gan_on_aln_builds_two_polarities_that_differ_at_the_seam():
    """GaN (A) below AlN (B) along wurtzite [0001]: each cation-anion pair is bonded once along c and three times
    obliquely, so A's last (N) plane is bonded across the seam by one bond and back into A by three in one polarity,
    and the reverse in the other (the tetrahedral coordination: 4 neighbours an atom).  Same atoms, same
    composition, both recorded."""
    plus = stack_crystals(GAN, ALN, cells=(3, 3), polarity="+")
    minus = stack_crystals(GAN, ALN, cells=(3, 3), polarity="-")
    assert len(plus.atoms) == len(minus.atoms) == 24
    assert plus.atoms.get_chemical_formula() == minus.atoms.get_chemical_formula() == "Al6Ga6N12"
    rp, rm = plus.description["polarity"], minus.description["polarity"]
    assert rp["polar"] and rm["polar"] and rp["crystals_polar"] == [True, True]
    assert (rp["built"], rm["built"]) == ("+", "-")
    assert plus.description["normal"] == [[0, 0, 1], [0, 0, 1]]
    assert minus.description["normal"] == [[0, 0, -1], [0, 0, -1]]
    for rec in (rp["seam"], rm["seam"]):  # ASE's cut: A ends on N, B starts on Al; 4 neighbours each
        assert rec["A"]["species"] == ["N"] and rec["B"]["species"] == ["Al"]
        assert sum(rec["A"]["neighbours"]["A"].values()) + sum(rec["A"]["neighbours"]["B"].values()) == 4
    assert rp["seam"]["A"]["neighbours"] == {"A": {"Ga": 3.0}, "B": {"Al": 1.0}}
    assert rm["seam"]["A"]["neighbours"] == {"A": {"Ga": 1.0}, "B": {"Al": 3.0}}
    assert rp["seam"]["B"]["neighbours"] == {"A": {"N": 1.0}, "B": {"N": 3.0}}
    assert rm["seam"]["B"]["neighbours"] == {"A": {"N": 3.0}, "B": {"N": 1.0}}
    # the axial bond (c u = 3c/8 of the strained lattices, ~1.9 A) or the oblique ones (c/8, ~0.6 A) cross the seam
    assert rp["seam"]["gap_A"] == pytest.approx(1.92, abs=0.02)
    assert rm["seam"]["gap_A"] == pytest.approx(0.62, abs=0.02)
    # each names the other
    assert rp["other"] == {"polarity": "-", "seam": rm["seam"]}
    assert rm["other"] == {"polarity": "+", "seam": rp["seam"]}
    assert "polarity + of two" in polarity_text(rp) and "build it with polarity -" in polarity_text(rp)
    assert "3 Ga of A and 1 Al of B" in seam_text(rp["seam"])


def test_swapping_the_crystals_is_the_other_polarity_turned_over():
    """AlN below GaN along +c is GaN below AlN along -c seen upside down (z -> -z swaps A and B): the interface N
    bonded to three Al and one Ga either way (docs/howto/interface-from-atoms.md: the two orders are the two
    interfaces)."""
    aln_below = stack_crystals(ALN, GAN, cells=(3, 3))
    gan_below_minus = stack_crystals(GAN, ALN, cells=(3, 3), polarity="-")
    below = aln_below.description["polarity"]["seam"]
    assert below["A"]["neighbours"] == {"A": {"Al": 3.0}, "B": {"Ga": 1.0}}
    turned = gan_below_minus.description["polarity"]["seam"]
    # in GaN-below (-), the N plane at the seam has 3 Al and 1 Ga: the same interface N as AlN-below (+)
    assert turned["A"]["neighbours"] == {"A": {"Ga": 1.0}, "B": {"Al": 3.0}}


def test_a_non_polar_normal_has_one_polarity_and_says_so():
    """Diamond Si | Ge along [001]: inversion turns the normal over; one polarity, '-' refused."""
    s = stack_crystals("Si", "Ge", cells=(2, 2))
    rec = s.description["polarity"]
    assert rec["polar"] is False and rec["crystals_polar"] == [False, False] and "other" not in rec
    assert polarity_text(rec).startswith("one polarity (neither crystal is polar")
    assert rec["seam"]["A"]["neighbours"] == {"A": {"Si": 2.0}, "B": {"Ge": 2.0}}
    with pytest.raises(InputError, match="one polarity"):
        stack_crystals("Si", "Ge", cells=(2, 2), polarity="-")


@pytest.mark.parametrize("bad", ["up", "", "+-", None, 1])
def test_a_polarity_other_than_plus_or_minus_is_refused(bad):
    with pytest.raises(InputError, match="polarity must be"):
        stack_crystals(GAN, ALN, cells=(1, 1), polarity=bad)


def test_seam_counts_an_fcc_111_plane():
    """fcc (111): 12 neighbours, 6 in the plane, 3 in each neighbouring plane; Cu | Ni (111) is not polar."""
    s = stack_crystals("Cu", "Ni", normal=(1, 1, 1), cells=(2, 2))
    rec = seam(s)
    assert rec["A"]["neighbours"] == {"A": {"Cu": 9.0}, "B": {"Ni": 3.0}}
    assert rec["B"]["neighbours"] == {"A": {"Cu": 3.0}, "B": {"Ni": 9.0}}
    assert s.description["polarity"]["polar"] is False
    assert np.isclose(rec["gap_A"], s.description["gap_A"])
