"""The shipped measured phonon frequencies (kapitza/phonons/data/reference_frequencies.toml) and their loader.

The numbers are measurements; what is tested here is that the file is complete and consistent (a source for
every entry, frequencies in range, every stored THz value equal to the printed number converted), that the
reduced wave vectors are the high-symmetry points they are named, and that a malformed file is refused with
one line.  Sources for the conversion tests are named in each docstring.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.literature.crystals import CrystalDescription, crystal_for
from kapitza.phonons.reference import (
    MAX_FREQUENCY_THZ,
    ReferenceFrequencies,
    _parse,
    convert_to_thz,
    reference_frequencies,
)
from kapitza.units import EV, PLANCK, SPEED_OF_LIGHT


@pytest.fixture(scope="module")
def ref() -> ReferenceFrequencies:
    return reference_frequencies()


def test_the_file_loads_into_a_frozen_result(ref):
    assert isinstance(ref, ReferenceFrequencies)
    assert len(ref) >= 40
    assert len(ref.crystals) >= 14
    for name in ("q", "frequency_thz", "uncertainty_thz", "temperature_k", "degeneracy"):
        array = getattr(ref, name)
        assert len(array) == len(ref)
        with pytest.raises(ValueError):
            array[0] = 1
    assert ref.q.shape == (len(ref), 3)


def test_every_entry_has_a_source_method_and_structure(ref):
    for i in range(len(ref)):
        assert "(read: " in ref.source[i] or ref.source[i].startswith("GitHub "), ref.source[i]
        assert len(ref.source[i]) > 40
        assert ref.method[i].strip()
        assert ref.mode[i].strip() and ref.point[i].strip()
        description = crystal_for(ref.structure_name[i])
        assert isinstance(description, CrystalDescription), ref.structure_name[i]


def test_every_frequency_is_positive_and_below_60_thz(ref):
    assert np.all(ref.frequency_thz > 0)
    assert np.all(ref.frequency_thz < MAX_FREQUENCY_THZ) and MAX_FREQUENCY_THZ == 60.0
    given = ~np.isnan(ref.uncertainty_thz)
    assert given.any()
    assert np.all(ref.uncertainty_thz[given] > 0)
    assert np.all(ref.uncertainty_thz[given] < 0.1 * ref.frequency_thz[given])
    known = ~np.isnan(ref.temperature_k)
    assert known.any() and np.all((ref.temperature_k[known] > 0) & (ref.temperature_k[known] < 400))


def test_the_silicon_raman_line_is_converted_as_stated(ref):
    """Source: 'Temperature dependence of silicon Raman lines', Appl. Phys. Lett. 41, 1016 (1982), abstract:
    the Gamma25' phonon is at 521 cm^-1 at 20 C.  f = c nu~ with c = 2.99792458e10 cm/s gives 15.6192 THz."""
    si = ref.for_crystal("Si")
    assert si.given == ("521 cm-1",)
    assert si.frequency_thz[0] == pytest.approx(521.0 * SPEED_OF_LIGHT * 100.0 / 1e12, abs=1e-4)
    assert si.frequency_thz[0] == pytest.approx(15.6192, abs=1e-4)
    assert si.temperature_k[0] == pytest.approx(293.15)


def test_the_gold_zone_boundary_values_are_the_tabulated_thz(ref):
    """Source: J. W. Lynn, H. G. Smith and R. M. Nicklow, Phys. Rev. B 8, 3493 (1973), Table I at 296 K, as
    transcribed in ugurandguler/potential-library refdata_phonon_curves.py: X TA 2.75, X LA 4.61, L TA 1.86,
    L LA 4.70 THz (printed in THz, so stored unchanged)."""
    au = ref.for_crystal("Au")
    table = {(p, m): f for p, m, f in zip(au.point, au.mode, au.frequency_thz, strict=True)}
    assert table == {("X", "TA"): 2.75, ("X", "LA"): 4.61, ("L", "TA"): 1.86, ("L", "LA"): 4.70}
    assert np.all(au.temperature_k == 296.0)


def test_unit_conversions_follow_the_codata_constants():
    assert convert_to_thz(7.0, "THz") == 7.0
    assert convert_to_thz(100.0, "cm-1") == pytest.approx(100.0 * SPEED_OF_LIGHT * 100.0 / 1e12, rel=1e-15)
    assert convert_to_thz(10.0, "meV") == pytest.approx(10.0e-3 * EV / PLANCK / 1e12, rel=1e-15)
    # one photon energy, two routes: E = h f and E = h c nu~ give the same frequency
    nu = 500.0
    energy_mev = PLANCK * SPEED_OF_LIGHT * 100.0 * nu / EV * 1e3
    assert convert_to_thz(energy_mev, "meV") == pytest.approx(convert_to_thz(nu, "cm-1"), rel=1e-12)
    with pytest.raises(InputError, match="unknown frequency unit"):
        convert_to_thz(1.0, "Hz")


def test_the_reduced_wave_vectors_are_the_named_points(ref):
    """q is in the reciprocal basis of ase.build.bulk's primitive cell; in Cartesian units of 2 pi / a (and 2 pi
    / c along z for hcp) the standard points are X = (0, 1, 0), L = (1/2, 1/2, 1/2) for fcc lattices and H = (0,
    1, 0), N = (1/2, 1/2, 0) for bcc (Ashcroft and Mermin's conventions; any symmetry-equivalent vector)."""
    ase_build = pytest.importorskip("ase.build")
    expected = {
        "X": (0.0, 0.0, 1.0),
        "L": (0.5, 0.5, 0.5),
        "H": (0.0, 0.0, 1.0),
        "N": (0.0, 0.5, 0.5),
        "P": (0.5, 0.5, 0.5),
    }
    c_over_a = 1.6
    for i in range(len(ref)):
        structure, point = ref.structure[i], ref.point[i]
        if point == "Gamma":
            assert np.all(ref.q[i] == 0.0), (ref.crystal[i], ref.q[i])
            continue
        if structure == "hcp":
            atoms = ase_build.bulk("Mg", "hcp", a=1.0, c=c_over_a)
            q = ref.q[i] @ atoms.cell.reciprocal()
            if point == "A":
                assert q == pytest.approx([0.0, 0.0, 0.5 / c_over_a], abs=1e-12)
            continue
        element = {"fcc": "Cu", "bcc": "Fe", "diamond": "Si", "rocksalt": "NaCl"}[structure]
        if structure == "bcc" and point == "P":
            # P = 2 pi/a (1/2, 1/2, 1/2) is (1/4, 1/4, 1/4) in the primitive reciprocal basis, and no other point
            # of the bcc zone has |q| = sqrt(3)/2 in units of 2 pi / a
            assert ref.q[i] == pytest.approx([0.25, 0.25, 0.25], abs=1e-12)
        atoms = ase_build.bulk(element, structure, a=1.0)
        q = ref.q[i] @ atoms.cell.reciprocal()
        assert sorted(np.abs(q)) == pytest.approx(sorted(expected[point]), abs=1e-12), (ref.crystal[i], point)


def test_for_crystal_selects_and_refuses_unknown_names(ref):
    cu = ref.for_crystal("Cu")
    assert set(cu.crystal) == {"Cu"} and len(cu) == 4
    with pytest.raises(InputError, match="no measured phonon frequencies for 'NoSuchCrystal'"):
        ref.for_crystal("NoSuchCrystal")


GOOD = """
[sources.s]
read = "a page"
cites = "A. Author, J. Phys. 1, 1 (1970)"

[crystals.X]
structure = "fcc"
structure_name = "Cu"
temperature_k = 300
method = "inelastic neutron scattering"
source = "s"
modes = [{ point = "X", q = [0.5, 0.0, 0.5], mode = "TA", given = 100.0, unit = "cm-1", frequency_thz = 2.9979 }]
"""


def test_a_well_formed_file_parses():
    parsed = _parse(GOOD)
    assert parsed.frequency_thz.tolist() == [2.9979]
    assert math.isnan(parsed.uncertainty_thz[0]) and parsed.degeneracy.tolist() == [1]
    assert parsed.polar_lo.tolist() == [False]
    assert parsed.source[0] == "A. Author, J. Phys. 1, 1 (1970) (read: a page)"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("frequency_thz = 2.9979", "frequency_thz = 3.1", "given 100 cm-1 is 2.9979 THz"),
        ("frequency_thz = 2.9979", "frequency_thz = 75.0", "must lie in"),
        ('unit = "cm-1"', 'unit = "Hz"', "unknown frequency unit"),
        ('source = "s"', 'source = "nope"', "is not a [sources.<key>] table"),
        ('method = "inelastic neutron scattering"', 'method = ""', "method must be a non-empty string"),
        ("q = [0.5, 0.0, 0.5]", "q = [0.5, 0.0]", "q must be three reduced coordinates"),
        ("temperature_k = 300", "temperature_k = -3", "temperature_k must lie in"),
        ('mode = "TA",', 'mode = "TA", colour = "red",', "unknown key 'colour'"),
        ('read = "a page"', "", "missing read"),
        ("[crystals.X]", "[crystals.X\n", "invalid TOML"),
        ('mode = "TA",', 'mode = "TA", polar_lo = true,', "polar_lo applies only to an LO mode at Gamma"),
        (
            'mode = "TA",',
            'mode = "LO", polar_lo = true,',
            "polar_lo applies only to an LO mode at Gamma, not 'LO' at 'X'",
        ),
        ('mode = "TA",', 'mode = "TA", polar_lo = 1,', "polar_lo must be true or false"),
        ('given = 100.0, unit = "cm-1"', 'given = 50.0, unit = "um"', "given 50 um is 5.9958 THz"),
        ('given = 100.0, unit = "cm-1"', 'given = -100.0, unit = "um"', "a wavelength must be positive"),
    ],
)
def test_a_malformed_file_is_refused_with_one_line(old, new, message):
    text = GOOD.replace(old, new)
    assert text != GOOD
    with pytest.raises(InputError) as info:
        _parse(text)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


# ------------------------------------------------------------------ the semiconductors, insulators and tungsten

CM1_THZ = SPEED_OF_LIGHT * 100.0 / 1e12


def _table(ref, name):
    sub = ref.for_crystal(name)
    return {m: f for m, f in zip(sub.mode, sub.frequency_thz, strict=True)}, sub


def test_the_new_crystals_load_with_their_structures(ref):
    """Every crystal added for the semiconductors and insulators loads, with the crystals.toml entry its structure
    is built from (3C-SiC is the zincblende polytype; the others share the crystal's name)."""
    ase_build = pytest.importorskip("ase.build")
    expected = {
        "Ge": "diamond",
        "GaN": "wurtzite",
        "AlN": "wurtzite",
        "3C-SiC": "zincblende",
        "GaAs": "zincblende",
        "GaSb": "zincblende",
        "InP": "zincblende",
        "BaF2": "fluorite",
        "W": "bcc",
    }
    for name, structure in expected.items():
        sub = ref.for_crystal(name)
        assert set(sub.structure) == {structure}
        assert set(sub.structure_name) == {name}
        assert all(len(s) > 40 for s in sub.source)
        # the prototype name is one ase.build.bulk understands
        symbols = {"Ge": "Ge", "GaN": "GaN", "AlN": "AlN", "3C-SiC": "SiC", "GaAs": "GaAs", "GaSb": "GaSb"}
        symbols |= {"InP": "InP", "BaF2": "BaF2", "W": "W"}
        kwargs = {"a": 4.0} | ({"c": 6.5, "u": 0.38} if structure == "wurtzite" else {})
        assert len(ase_build.bulk(symbols[name], structure, **kwargs)) >= 1


def test_germanium_is_the_parker_feldman_ashkin_line(ref):
    """Source: J. H. Parker, D. W. Feldman and M. Ashkin, Phys. Rev. 155, 712 (1967), abstract: the k ~ 0 optical
    modes at 300 K are 520.2 +- 0.5 cm^-1 (Si) and 300.7 +- 0.5 cm^-1 (Ge).  Ge: 300.7 x 0.0299792458 = 9.0148 THz.
    Their Si line and the stored one (521 cm^-1 at 20 C, Appl. Phys. Lett. 41, 1016 (1982)) are two measurements of
    the same phonon and agree within 1 cm^-1."""
    ge = ref.for_crystal("Ge")
    assert ge.given == ("300.7 cm-1",)
    assert ge.frequency_thz[0] == pytest.approx(300.7 * CM1_THZ, abs=1e-4)
    assert ge.uncertainty_thz[0] == pytest.approx(0.5 * CM1_THZ, abs=1e-4)
    assert ge.temperature_k[0] == 300.0 and ge.degeneracy[0] == 3
    si = ref.for_crystal("Si")
    assert abs(si.frequency_thz[0] - 520.2 * CM1_THZ) < 1.0 * CM1_THZ


def test_gan_is_the_azuhata_set(ref):
    """Source: T. Azuhata, T. Sota, K. Suzuki and S. Nakamura, 'Polarized Raman spectra in GaN', J. Phys.: Condens.
    Matter (1995), L129, abstract: A1(LO) 735, A1(TO) 533, E1(LO) 743, E1(TO) 561, E2 144 and 569 cm^-1."""
    gan = ref.for_crystal("GaN")
    table = {(m, round(f / CM1_THZ)) for m, f in zip(gan.mode, gan.frequency_thz, strict=True)}
    assert table == {
        ("A1(LO)", 735),
        ("A1(TO)", 533),
        ("E1(LO)", 743),
        ("E1(TO)", 561),
        ("E2", 144),
        ("E2", 569),
    }
    for f, given in zip(gan.frequency_thz, gan.given, strict=True):
        assert f == pytest.approx(float(given.split()[0]) * CM1_THZ, abs=1e-4)
    # wurtzite (4 atoms) has 12 zone-centre modes: 3 acoustic, 2 silent B1, and 7 Raman-active optical ones
    # (A1 + E1 + 2 E2, E twofold); without the macroscopic field (the force-field limit) these are the TO and E2
    # entries, so the degeneracies of the entries not flagged polar_lo add up to 7
    assert gan.degeneracy[~gan.polar_lo].sum() == 12 - 3 - 2


def test_aln_is_the_prokofyeva_set(ref):
    """Source: T. Prokofyeva et al., 'Vibrational properties of AlN grown on (111)-oriented silicon', Phys. Rev. B 63,
    125313 (2001), abstract: E2^1 249.0, A1(TO) 607.3, A1(LO) 884.5, E1(TO) 666.5 cm^-1 on a film under 0.6 GPa
    tension, and the zero-stress E2^2 657.4 +- 0.2 cm^-1 = 19.7084 +- 0.0060 THz."""
    table, aln = _table(ref, "AlN")
    assert table["E2^2 (zero stress)"] == pytest.approx(657.4 * CM1_THZ, abs=1e-4)
    assert table["E2^2 (zero stress)"] == pytest.approx(19.7084, abs=1e-4)
    assert table["E2^1"] == pytest.approx(249.0 * CM1_THZ, abs=1e-4)
    assert table["A1(TO)"] == pytest.approx(607.3 * CM1_THZ, abs=1e-4)
    assert table["E1(TO)"] == pytest.approx(666.5 * CM1_THZ, abs=1e-4)
    assert table["A1(LO)"] == pytest.approx(884.5 * CM1_THZ, abs=1e-4)
    assert "0.6 GPa" in aln.method[0]
    assert np.nanmax(aln.uncertainty_thz) == pytest.approx(0.2 * CM1_THZ, abs=1e-4)


def test_iii_v_infrared_values_are_hass_and_henvis(ref):
    """Source: M. Hass and B. W. Henvis, 'Infrared lattice reflection spectra of III-V compound semiconductors'
    (1962), abstract: GaAs TO 273.3 +- 3, LO 297.3 +- 2; GaSb TO 230.5 +- 3, LO 240.3 +- 2 cm^-1 at liquid-helium
    temperature; InP TO 307 +- 8, LO 351 +- 5 cm^-1 from earlier room-temperature data.
    GaAs TO: 273.3 x 0.0299792458 = 8.1933 THz."""
    printed = {"GaAs": (273.3, 3, 297.3, 2), "GaSb": (230.5, 3, 240.3, 2), "InP": (307, 8, 351, 5)}
    for name, (to, dto, lo, dlo) in printed.items():
        table, sub = _table(ref, name)
        assert table["TO"] == pytest.approx(to * CM1_THZ, abs=1e-4)
        assert table["LO"] == pytest.approx(lo * CM1_THZ, abs=1e-4)
        unc = dict(zip(sub.mode, sub.uncertainty_thz, strict=True))
        assert unc["TO"] == pytest.approx(dto * CM1_THZ, abs=1e-4)
        assert unc["LO"] == pytest.approx(dlo * CM1_THZ, abs=1e-4)
    assert _table(ref, "GaAs")[0]["TO"] == pytest.approx(8.1933, abs=1e-4)
    assert ref.for_crystal("GaAs").temperature_k[0] == 4.2
    assert np.isnan(ref.for_crystal("InP").temperature_k).all()


def test_3c_sic_is_the_film_raman_pair(ref):
    """Source: koreascience.or.kr CFKO200111920870859 (abstract): a 4.3 um 3C-SiC film on Si(100) shows TO near
    796 cm^-1 and LO near 974 +- 1 cm^-1; 796 x 0.0299792458 = 23.8635 THz."""
    table, sic = _table(ref, "3C-SiC")
    assert table == {"TO": pytest.approx(23.8635, abs=1e-4), "LO": pytest.approx(974 * CM1_THZ, abs=1e-4)}
    assert sic.structure_name == ("3C-SiC", "3C-SiC")


def test_barium_fluoride_wavelength_is_converted(ref):
    """Source: 'Infrared Properties of CaF2, SrF2, and BaF2' (abstract at scilit.com): the transverse optical mode at
    zero wave vector of BaF2 is at 54.3 um; f = c / lambda = 299792458 / 54.3e-6 Hz = 5.5210 THz (184.2 cm^-1)."""
    baf2 = ref.for_crystal("BaF2")
    assert baf2.given == ("54.3 um",)
    assert baf2.frequency_thz[0] == pytest.approx(SPEED_OF_LIGHT / 54.3e-6 / 1e12, abs=1e-4)
    assert baf2.frequency_thz[0] / CM1_THZ == pytest.approx(1e4 / 54.3, abs=0.01)  # stored to 1e-4 THz


def test_tungsten_is_the_chen_brockhouse_table(ref):
    """Source: S. H. Chen and B. N. Brockhouse, Solid State Commun. 2, 73 (1964), Table 1, as transcribed in
    ugurandguler/potential-library refdata_phonon_curves.py: H (zeta = 1 on [z00], all branches) 5.50 +- 0.1; N
    (zeta = 0.5 on [zz0]) L 6.75 +- 0.15, T1 4.40 +- 0.05, T2 4.15 +- 0.05; P (zeta = 0.5 on [zzz]) 5.50 +- 0.05,
    in 10^12 c/s = THz."""
    w = ref.for_crystal("W")
    table = {(p, m): (f, u) for p, m, f, u in zip(w.point, w.mode, w.frequency_thz, w.uncertainty_thz, strict=True)}
    assert table == {
        ("H", "L=T"): (5.50, 0.10),
        ("N", "L"): (6.75, 0.15),
        ("N", "T1"): (4.40, 0.05),
        ("N", "T2"): (4.15, 0.05),
        ("P", "L=T"): (5.50, 0.05),
    }
    # H and P are triply degenerate; N is three single branches: 3 x 3 branches in all
    assert w.degeneracy.tolist() == [3, 1, 1, 1, 3]


def test_polar_lo_flags_exactly_the_lo_modes_of_polar_crystals(ref):
    """An LO mode at Gamma of a polar crystal carries the macroscopic-field shift a force field lacks; those and only
    those are flagged.  Lyddane-Sachs-Teller: eps_0 / eps_inf = (omega_LO / omega_TO)^2 > 1, so each flagged LO lies
    above the TO of its own symmetry (A1 with A1, E1 with E1, TO with LO in cubic crystals)."""
    flagged = {(ref.crystal[i], ref.mode[i]) for i in np.flatnonzero(ref.polar_lo)}
    assert flagged == {
        ("GaN", "A1(LO)"),
        ("GaN", "E1(LO)"),
        ("AlN", "A1(LO)"),
        ("3C-SiC", "LO"),
        ("GaAs", "LO"),
        ("GaSb", "LO"),
        ("InP", "LO"),
    }
    assert all(ref.point[i] == "Gamma" for i in np.flatnonzero(ref.polar_lo))
    # non-polar crystals (elements) carry none
    for name in ("Si", "C", "Ge", "W", "Au", "Mg"):
        assert not ref.for_crystal(name).polar_lo.any()
    for crystal, mode in flagged:
        table, _ = _table(ref, crystal)
        partner = mode.replace("LO", "TO")
        assert table[mode] > table[partner], (crystal, mode)
    assert ref.polar_lo.dtype == bool
    with pytest.raises(ValueError):
        ref.polar_lo[0] = True


def test_wavelength_units_convert_as_c_over_lambda():
    """f = c / lambda: 100 um is 100 cm^-1 (1e4 / lambda[um] in cm^-1), i.e. 2.99792458 THz."""
    assert convert_to_thz(100.0, "um") == pytest.approx(convert_to_thz(100.0, "cm-1"), rel=1e-14)
    assert convert_to_thz(10.0, "um") == pytest.approx(SPEED_OF_LIGHT / 10e-6 / 1e12, rel=1e-15)
    with pytest.raises(InputError, match="a wavelength must be positive"):
        convert_to_thz(0.0, "um")
    with pytest.raises(InputError, match="expected one of THz, cm-1, meV, um"):
        convert_to_thz(1.0, "nm")
