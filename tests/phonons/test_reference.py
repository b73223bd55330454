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
        "Gamma": (0.0, 0.0, 0.0),
        "X": (0.0, 0.0, 1.0),
        "L": (0.5, 0.5, 0.5),
        "H": (0.0, 0.0, 1.0),
        "N": (0.0, 0.5, 0.5),
    }
    c_over_a = 1.6
    for i in range(len(ref)):
        structure, point = ref.structure[i], ref.point[i]
        if structure == "hcp":
            atoms = ase_build.bulk("Mg", "hcp", a=1.0, c=c_over_a)
            q = ref.q[i] @ atoms.cell.reciprocal()
            if point == "A":
                assert q == pytest.approx([0.0, 0.0, 0.5 / c_over_a], abs=1e-12)
            else:
                assert point == "Gamma" and np.allclose(q, 0.0)
            continue
        element = {"fcc": "Cu", "bcc": "Fe", "diamond": "Si", "rocksalt": "NaCl"}[structure]
        atoms = ase_build.bulk(element, structure, a=1.0)
        q = ref.q[i] @ atoms.cell.reciprocal()
        assert sorted(np.abs(q)) == pytest.approx(sorted(expected[point]), abs=1e-12), (ref.crystal[i], point)


def test_for_crystal_selects_and_refuses_unknown_names(ref):
    cu = ref.for_crystal("Cu")
    assert set(cu.crystal) == {"Cu"} and len(cu) == 4
    with pytest.raises(InputError, match="no measured phonon frequencies for 'GaN'"):
        ref.for_crystal("GaN")


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
    ],
)
def test_a_malformed_file_is_refused_with_one_line(old, new, message):
    text = GOOD.replace(old, new)
    assert text != GOOD
    with pytest.raises(InputError) as info:
        _parse(text)
    assert message in str(info.value)
    assert "\n" not in str(info.value)
