"""Any crystal from its structure with a calculator: parity with the LAMMPS/matscipy route and with phonopy's own
API, the laws of the derived spectra, the derived material record, the cache, and every bad input.

The calculator here is a user's ``module:factory`` (tests/mlip_factories.py: matscipy's Stillinger-Weber, ASE's
EMT), so these tests need no machine-learned potential; tests/phonons/test_from_structure_mlip.py runs CHGNet.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from kapitza import landauer
from kapitza.errors import InputError
from kapitza.io.cache import cache_dir
from kapitza.phonons.crystal import crystal_spec
from kapitza.phonons.derived_record import NO_ELECTRONS, heat_capacity, sound_speeds
from kapitza.phonons.from_structure import crystal_phonons
from kapitza.phonons.full_dispersion import full_dispersion_spectrum
from kapitza.phonons.harmonic import HarmonicCrystal
from kapitza.phonons.supercell_plan import perpendicular_widths, supercell_multiples
from kapitza.transmission import diffuse_mismatch, radiation_limit
from kapitza.units import AMU, ANGSTROM, GPA, KB

pytest.importorskip("phonopy")
pytest.importorskip("matscipy")

SW_SI = "mlip_factories:stillinger_weber_si"
SW_GE = "mlip_factories:stillinger_weber_ge"
EMT = "mlip_factories:emt"
MESH = 8
#: The parity step: central differences of float64 forces converge as u^2 (SW Si frequencies against the analytic
#: Hessian: 2.9e-7 at 1e-3 A, 2.9e-9 at 1e-4 A, 3.4e-11 at 1e-5 A; G(30 K) of Si|Ge at 1e-4 A: 1.007e-8), so 1e-5 A.
PARITY_STEP = 1e-5


def _at_sw_equilibrium(element: str) -> dict:
    """The diamond crystal at the potential's own lattice constant, as HarmonicCrystal.from_potential builds it."""
    a = crystal_spec(element, "sw").lattice_constant / ANGSTROM
    return {"name": element, "crystalstructure": "diamond", "a": a, "cubic": True}


@pytest.fixture(scope="module")
def parity_pair():
    """Si and Ge through the calculator route at the same geometry and supercell as the existing route."""
    return tuple(
        crystal_phonons(
            _at_sw_equilibrium(el), factory, relax=False, supercell=2, displacement_angstrom=PARITY_STEP, cache=False
        )
        for el, factory in (("Si", SW_SI), ("Ge", SW_GE))
    )


@pytest.fixture(scope="module")
def reference_pair():
    return HarmonicCrystal.from_potential("Si", "sw"), HarmonicCrystal.from_potential("Ge", "sw")


def _matched_force_constants(a, b):
    """The supercell force constants of two phonopy objects on the same lattice, b's atoms put in a's order
    (the two supercells may differ by a rigid translation and the order of their atoms), eV/A^2."""
    sa, sb = a.supercell, b.supercell
    cell = np.asarray(sa.cell)
    np.testing.assert_allclose(np.asarray(sb.cell), cell, atol=1e-9)
    pa, pb = np.asarray(sa.scaled_positions), np.asarray(sb.scaled_positions)
    for k in range(len(pb)):
        if sb.numbers[k] != sa.numbers[0]:
            continue
        shift = pb[k] - pa[0]
        d = pa[:, None, :] + shift[None, None, :] - pb[None, :, :]
        d -= np.round(d)
        match = np.linalg.norm(d @ cell, axis=-1) < 1e-6
        if np.all(match.sum(axis=1) == 1):
            order = np.argmax(match, axis=1)
            return np.asarray(a.force_constants), np.asarray(b.force_constants)[np.ix_(order, order)]
    raise AssertionError("the two supercells are not the same crystal")


@pytest.mark.parity
def test_force_constants_reproduce_the_lammps_matscipy_route(parity_pair, reference_pair):
    """The same Stillinger-Weber potential handed over as an ASE calculator (module:factory) gives the force
    constants of HarmonicCrystal.from_potential (matscipy's analytic Hessian), to 1e-8 of the largest element.

    Same geometry (each potential's own equilibrium lattice constant, found by the existing route's Brent search,
    no relaxation here) and the same 2x2x2 conventional supercell; the new route's finite differences at 1e-5 A
    (error ~ u^2: 3e-11).  The supercells differ by a rigid translation and atom order, matched here.
    """
    for mine, reference in zip(parity_pair, reference_pair):
        fa, fb = _matched_force_constants(reference.phonopy, mine.crystal.phonopy)
        assert np.abs(fb - fa).max() < 1e-8 * np.abs(fa).max()


@pytest.mark.parity
def test_dmm_conductance_reproduces_the_existing_route(parity_pair, reference_pair):
    """DMM and radiation-limit G(30, 300 K) of Si|Ge from the calculator route equal the existing route's to 1e-8."""
    t = [30.0, 300.0]
    mine = [full_dispersion_spectrum(sp.crystal, mesh=MESH) for sp in parity_pair]
    reference = [full_dispersion_spectrum(c, mesh=MESH) for c in reference_pair]
    for rule in (diffuse_mismatch, radiation_limit):
        g_mine = landauer.conductance(rule(*mine), t).conductance
        g_ref = landauer.conductance(rule(*reference), t).conductance
        np.testing.assert_allclose(g_mine, g_ref, rtol=1e-8)


def _cu3au():
    """L1_2 Cu3Au (Au at the cube corner, Cu on the face centres), a = 3.75 A before relaxation."""
    from ase import Atoms

    a = 3.75
    return Atoms(
        "AuCu3",
        scaled_positions=[[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]],
        cell=np.eye(3) * a,
        pbc=True,
    )


@pytest.fixture(scope="module")
def cu3au():
    return crystal_phonons(_cu3au(), EMT, displacement_angstrom=PARITY_STEP, cache=False)


@pytest.mark.parity
def test_force_constants_equal_phonopys_own_api(cu3au):
    """Phonopy's API written out on the same relaxed cell and calculator (every atom displaced along x, y, z, plus and
    minus, no symmetry; forces; produce_force_constants; symmetrised) gives the route's force constants (which uses
    the symmetry-reduced displacements) to 1e-9 of the largest element.  The two differ by their finite-difference
    errors, which each route averages its own way (5e-7 of the largest element at 1e-3 A, O(u^2)); at the parity
    step, 1e-5 A, that is below 1e-10."""
    import phonopy
    from ase import Atoms
    from ase.calculators.emt import EMT as Emt

    ph_ref = cu3au.crystal.phonopy
    ph = phonopy.Phonopy(ph_ref.unitcell, supercell_matrix=ph_ref.supercell_matrix, is_symmetry=False)
    ph.generate_displacements(distance=cu3au.displacement, is_plusminus=True)
    forces = []
    for cell in ph.supercells_with_displacements:
        atoms = Atoms(symbols=cell.symbols, cell=cell.cell, scaled_positions=cell.scaled_positions, pbc=True)
        atoms.calc = Emt()
        forces.append(atoms.get_forces())
    ph.forces = np.array(forces)
    ph.produce_force_constants()
    ph.symmetrize_force_constants()
    reduced = phonopy.Phonopy(ph_ref.unitcell, supercell_matrix=ph_ref.supercell_matrix)
    reduced.generate_displacements(distance=cu3au.displacement, is_plusminus=True)
    assert len(reduced.supercells_with_displacements) < len(ph.supercells_with_displacements)  # the route's saving
    reference = np.asarray(ph.force_constants)
    assert np.abs(np.asarray(ph_ref.force_constants) - reference).max() < 1e-9 * np.abs(reference).max()


@pytest.mark.law
def test_acoustic_sum_rule_and_positive_definite_off_gamma(parity_pair, cu3au):
    """Translational invariance: sum_j Phi_ij = 0, so the acoustic frequencies vanish at Gamma; every other
    frequency on a mesh is real and positive (omega^2 > 0: a stable crystal)."""
    for sp in (*parity_pair, cu3au):
        fc = np.asarray(sp.crystal.phonopy.force_constants)
        assert np.abs(fc.sum(axis=1)).max() < 1e-10 * np.abs(fc).max()
        gamma = sp.crystal.frequencies(np.zeros((1, 3)))[0]
        assert np.abs(gamma[:3]).max() < 1e-6 * gamma.max()
        g = np.arange(6) / 6.0
        q = np.stack(np.meshgrid(g, g, g, indexing="ij"), axis=-1).reshape(-1, 3)[1:]  # Gamma left out
        assert sp.crystal.frequencies(q).min() > 0.0


@pytest.mark.law
def test_detailed_balance_of_the_dmm_on_derived_spectra(parity_pair):
    """G12 = G21 for the DMM between two derived crystals (Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989): M1 tau12 =
    M2 tau21); to the quadrature accuracy of the two orders' panels, 1e-6 as in test_full_dispersion."""
    si, ge = (full_dispersion_spectrum(sp.crystal, mesh=MESH) for sp in parity_pair)
    t = [10.0, 100.0, 300.0]
    g12 = landauer.conductance(diffuse_mismatch(si, ge), t).conductance
    g21 = landauer.conductance(diffuse_mismatch(ge, si), t).conductance
    np.testing.assert_allclose(g12, g21, rtol=1e-6)


def _christoffel_debye_speeds(c11: float, c12: float, c44: float, rho: float, n: int = 4000) -> tuple[float, float]:
    """Isotropic (v_l, v_t) with the directional average of 1/c^3 of a cubic crystal, written independently: the
    Christoffel equation on a Fibonacci sphere, the three speeds sorted per direction."""
    i = np.arange(n) + 0.5
    z = 1.0 - 2.0 * i / n
    phi = np.pi * (1.0 + 5**0.5) * i
    r = np.sqrt(1.0 - z**2)
    nhat = np.stack([r * np.cos(phi), r * np.sin(phi), z], axis=1)
    inv = np.zeros(3)
    for x, y, w in nhat:
        gamma = np.array(
            [
                [c11 * x * x + c44 * (y * y + w * w), (c12 + c44) * x * y, (c12 + c44) * x * w],
                [(c12 + c44) * x * y, c11 * y * y + c44 * (x * x + w * w), (c12 + c44) * y * w],
                [(c12 + c44) * x * w, (c12 + c44) * y * w, c11 * w * w + c44 * (x * x + y * y)],
            ]
        )
        speeds = np.sqrt(np.sort(np.linalg.eigvalsh(gamma)) / rho)
        inv += speeds**-3 / n
    v_t = (2.0 / (inv[0] + inv[1])) ** (1 / 3)
    return float(inv[2] ** (-1 / 3)), float(v_t)


def test_derived_record_of_stillinger_weber_silicon(parity_pair):
    """The record derived from SW Si phonons: density 8 m_Si / a^3 (by hand); v_l and v_t the directional averages
    of the elastic constants of SW Si, C11 = 151.4, C12 = 76.4, C44 = 56.4 GPa (Balamane, Halicioglu & Tiller, Phys.
    Rev. B 46, 2250 (1992), rescaled to epsilon = 2.1683 eV; see test_full_dispersion) through the Christoffel
    equation (an independent computation in the test; 0.5 %: the quoted digits); the elastic Debye temperature
    from them; the heat capacity reaching Dulong-Petit 3 n k_B at high temperature; the database's non-phonon data
    kept for Si, with their sources."""
    sp = parity_pair[0]
    m = sp.material
    a = crystal_spec("Si", "sw").lattice_constant
    mass = m.mean_atomic_mass
    assert mass == pytest.approx(28.085 * AMU, rel=1e-4)  # ASE's standard atomic weight of Si
    assert m.density == pytest.approx(8 * mass / a**3, rel=1e-12)
    assert m.number_density == pytest.approx(8 / a**3, rel=1e-12)
    assert m.lattice_constant == pytest.approx(a, rel=1e-12)
    v_l, v_t = _christoffel_debye_speeds(151.4 * GPA, 76.4 * GPA, 56.4 * GPA, m.density)
    assert (m.v_l, m.v_t) == pytest.approx((v_l, v_t), rel=5e-3)
    from kapitza.materials.debye_temperature import debye_temperature_from_speeds

    assert m.debye_temperature == pytest.approx(debye_temperature_from_speeds(m.v_l, m.v_t, m.number_density))
    dulong_petit = 3 * m.number_density * KB
    assert heat_capacity(sp.crystal, 3e4) == pytest.approx(dulong_petit, rel=1e-4)
    assert 0.5 * dulong_petit < m.heat_capacity < dulong_petit
    assert m.sources["heat_capacity"].startswith("derived from") and "C_v" in m.sources["heat_capacity"]
    for key in ("density", "v_l", "v_t", "number_density", "lattice_constant", "mean_atomic_mass"):
        assert m.sources[key].startswith(f"derived from {SW_SI} phonons of Si:diamond"), key
    assert m.sources["thermal_conductivity"].startswith("database (Si)") and m.thermal_conductivity == 148.0
    assert m.name == "Si" and m.origin == "database" and NO_ELECTRONS not in m.notes


def test_sound_speeds_are_the_long_wavelength_dos_speeds(parity_pair):
    """(2 pi^2 D_b)^-1/3 of each acoustic band equals the direction average of 1/c_b^3 from slopes of the dispersion
    at small k on a Fibonacci sphere (independent computation in the test), to 1e-3."""
    crystal = parity_pair[0].crystal
    n = 2000
    i = np.arange(n) + 0.5
    z = 1.0 - 2.0 * i / n
    phi = np.pi * (1.0 + 5**0.5) * i
    r = np.sqrt(1.0 - z**2)
    khat = np.stack([r * np.cos(phi), r * np.sin(phi), z], axis=1)
    k = 1e-3 * np.linalg.norm(crystal.reciprocal_basis, axis=0).min()
    omega, _ = crystal.dispersion(khat * k)
    c = omega[:, :3] / k
    inv = (c**-3).mean(axis=0)
    expected = (float(inv[2] ** (-1 / 3)), float((2.0 / (inv[0] + inv[1])) ** (1 / 3)))
    assert sound_speeds(crystal) == pytest.approx(expected, rel=1e-3)


def test_a_crystal_not_in_the_database_has_no_electron_data(cu3au):
    """Cu3Au is no database material: the record is its own, with no conductivity, and says so."""
    m = cu3au.material
    assert m.name == "AuCu3" and m.origin == "user" and m.thermal_conductivity is None
    assert NO_ELECTRONS in m.notes and m.melting_temperature is None  # no entry in the melting table either
    assert cu3au.spacegroup == "Pm-3m (221)" and cu3au.relaxation is not None and cu3au.relaxation.converged
    assert cu3au.relaxed_cell[0] != pytest.approx(3.75, rel=1e-4)  # EMT's own lattice constant
    assert cu3au.supercell == (3, 3, 3) and cu3au.supercell_atoms == 108  # widths >= 10 A


def test_a_crystal_not_in_the_database_takes_its_melting_point_from_the_crc_table(cli):
    """Ni (EMT) carries the melting point of kapitza's CRC table (materials/data/melting.toml: 1728.15 K, CRC
    Handbook via chemicals 1.5.2, CAS 7440-02-0) with that source (through its database record since issue 84, whose
    source is the same table's), so that a prediction above it says what it says for a database material; Cu3Au
    (no entry) carries none."""
    from kapitza.materials.melting import melting_point

    side = {"name": "Ni", "crystalstructure": "fcc", "a": 3.52, "cubic": True}
    m = crystal_phonons(side, EMT, relax=False, supercell=2, cache=False).material
    assert m.melting_temperature == melting_point(["Ni"]).kelvin == pytest.approx(1728.15)
    assert "CRC Handbook" in m.sources["melting_temperature"] and "CAS 7440-02-0" in m.sources[
        "melting_temperature"]  # fmt: skip
    status, out, err = cli("predict", "Ni:fcc:a=3.52", "Cu", "--calculator", EMT, "-t", "1800", "--explain")
    assert status == 0, err
    notes = " ".join((out + err).split())
    assert "1800 K is above the melting point of Ni (1728.15 K at 1 atm)" in notes
    assert "above the melting point of Cu (1357.77 K" in notes  # the database's own record, the same rule
    # Ni is a metal without electron data beside Cu: no prediction of what the pair conducts, so no band under it
    from kapitza.prediction.presenter import NO_BAND_TWO_METALS

    assert NO_BAND_TWO_METALS in out and "band: not yet measured" not in out


def test_a_relaxation_far_from_the_given_cell_is_refused_fresh_and_from_the_cache(monkeypatch, tmp_path):
    """Cu (EMT) given at a = 3.2 A relaxes to EMT's 3.59 A (+12 %): refused with nothing cached.  An entry cached
    before the rule existed (made here with the rule switched off) is refused when it is read back too."""
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))  # its own cache: it counts the entries
    from kapitza.atomistic import bulk as bulk_module

    side = {"name": "Cu", "crystalstructure": "fcc", "a": 3.2, "cubic": True}
    before = _entries()
    with pytest.raises(InputError, match=r"the relaxation moved a from 3.2000 to 3.5\d{3} A \(\+1\d.\d %"):
        crystal_phonons(side, EMT, supercell=2)
    assert _entries() == before
    with monkeypatch.context() as patch:
        patch.setattr(bulk_module, "MAX_RELAXED_CHANGE", 1.0)
        crystal_phonons(side, EMT, supercell=2)  # stored, as it would have been before the rule
    assert len(_entries() - before) == 1
    with pytest.raises(InputError, match=r"the relaxation moved a from 3.2000"):
        crystal_phonons(side, EMT, supercell=2)


def test_supercell_rule_is_the_smallest_diagonal_multiple_with_every_width_at_least_l():
    cubic = np.eye(3) * 5.43
    assert supercell_multiples(cubic, 10.0) == (2, 2, 2) and supercell_multiples(cubic, 10.9) == (3, 3, 3)
    hexagonal = np.array([[3.19, 0, 0], [-1.595, 2.7626, 0], [0, 0, 5.19]])
    widths = perpendicular_widths(hexagonal)
    np.testing.assert_allclose(widths, [2.7626, 2.7626, 5.19], rtol=1e-4)  # a sin 60, a sin 60, c
    assert supercell_multiples(hexagonal, 10.0) == (4, 4, 2)


def test_second_call_reads_the_cache_and_computes_no_force():
    """The cache key holds the structure, the calculator's identity and the settings: a second call with a
    calculator that would fail if asked anything returns the same force constants."""
    from kapitza.atomistic.calculators import calculator_source

    source = calculator_source(SW_SI)
    first = crystal_phonons("Si", source, supercell=1)

    def refuse():
        raise AssertionError("the cache was not used")

    second = crystal_phonons("Si", dataclasses.replace(source, _load=refuse), supercell=1)
    np.testing.assert_array_equal(first.crystal.phonopy.force_constants, second.crystal.phonopy.force_constants)
    assert first.material == second.material and first.relaxed_cell == second.relaxed_cell
    assert second.relaxation.steps == first.relaxation.steps


def _entries() -> set:
    return set(cache_dir().glob("structure-phonons-*"))


@pytest.mark.parametrize(
    ("side", "options", "words"),
    [
        ({"name": "Si", "crystalstructure": "fcc", "a": 3.9}, {"relax": False},  # q: one of a star
         r"dynamically unstable .* imaginary frequency 10.\di THz at q = \((0, 0, 0.5|0, 0.5, 0|0.5, 0, 0)\)"),
        ({"name": "Si", "crystalstructure": "diamond", "a": 6.2}, {"steps": 1}, "did not converge"),
        ("Si", {"supercell": 9}, "5832 atoms, above max_supercell_atoms=600"),
        ("Si", {"supercell": (2, 0, 2)}, "one or three positive integers"),
        ("Si", {"displacement_angstrom": -1.0}, "displacement_angstrom"),
        ("a-SiO2", {}, "no crystal kapitza can build for its structure 'amorphous'"),
        ("SiO2", {}, r"'amorphous'.*records alpha-quartz under the name SiO2: give a structure file of it"),
        ("  ", {}, "the crystal is empty"),
        ("He4", {}, "structure 'liquid'"),
        ("Unobtainium", {}, "not a structure file, a database material, a crystal of kapitza's crystal table"),
        ("3c-sic", {}, "did you mean 3C-SiC"),
        ("Sillicon", {}, "did you mean Si"),
        ("missing/InP.cif", {}, "structure file 'missing/InP.cif' does not exist"),
    ],
)  # fmt: skip
def test_bad_inputs_are_refused_and_nothing_is_cached(side, options, words, tmp_path, monkeypatch):
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))  # its own cache: it counts the entries
    before = _entries()
    with pytest.raises(InputError, match=words):
        crystal_phonons(side, SW_SI, **options)
    assert _entries() == before


def test_files_that_do_not_parse_or_are_not_structures(tmp_path, monkeypatch):
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))  # its own cache: it counts the entries
    cases = {
        "broken.cif": (
            "data_x\n_cell_length_a 5\nloop_\n_atom_site_label\n",
            "not a well-formed cif file \\(ASE.s reader stopped with StopIteration",
        ),
        "empty.cif": ("", "the file is empty"),
        "binary.vasp": (b"\x00\x01\xff\xfe" * 100, "cannot be read"),
        "mine.toml": ("[materials.x]\n", "a material file \\(.toml\\) holds no crystal structure"),
        "alloy.cif": (
            "data_a\n_cell_length_a 4.05\n_cell_length_b 4.05\n_cell_length_c 4.05\n_cell_angle_alpha 90\n"
            "_cell_angle_beta 90\n_cell_angle_gamma 90\n_symmetry_space_group_name_H-M 'F m -3 m'\n"
            "_symmetry_Int_Tables_number 225\nloop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n"
            "_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\nAu1 Au 0 0 0 0.5\nCu1 Cu 0 0 0 0.5\n",
            "partly occupied",
        ),
    }
    before = _entries()
    for name, (content, words) in cases.items():
        path = tmp_path / name
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content)
        with pytest.raises(InputError, match=words):
            crystal_phonons(str(path), EMT)
    with pytest.raises(InputError, match="is a folder"):
        crystal_phonons(str(tmp_path), EMT)
    assert _entries() == before


@pytest.mark.parametrize(
    ("spec", "words"),
    [("mlip_no_such_module:make", "no module"), ("mlip_factories:not_a_calculator", "not an ASE calculator")],
)
def test_bad_module_factory_is_refused_before_any_work(spec, words, tmp_path, monkeypatch):
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))  # its own cache: it counts the entries
    before = _entries()
    with pytest.raises(InputError, match=words):
        crystal_phonons("Si", spec)
    assert _entries() == before


def test_every_structure_is_put_in_the_standard_frame(tmp_path):
    """The conventional cell in spglib's standard orientation, whatever the file's frame: a primitive fcc POSCAR and
    a rotated cube both give the cube axes along x, y, z (so normal (0, 0, 1) is [001]); a hexagonal cell has c
    along z ([0001])."""
    from ase.build import bulk
    from ase.io import write

    path = tmp_path / "POSCAR"
    write(path, bulk("Cu", "fcc", a=3.61), format="vasp")  # the primitive fcc cell
    found = crystal_phonons(str(path), EMT, supercell=2)
    assert found.structure == "file POSCAR" and found.spacegroup == "Fm-3m (225)"
    conv = np.asarray(found.crystal.phonopy.unitcell.cell)
    np.testing.assert_allclose(conv, np.eye(3) * conv[0, 0], atol=1e-9)
    rotated = bulk("Cu", "fcc", a=3.61, cubic=True)
    rotated.rotate(37.0, (1.0, 2.0, 0.5), rotate_cell=True)
    found = crystal_phonons(rotated, EMT, supercell=2)
    np.testing.assert_allclose(np.asarray(found.crystal.phonopy.unitcell.cell), conv, atol=1e-6)
    write(path, bulk("Cu", "hcp", a=2.55, c=4.16), format="vasp")
    found = crystal_phonons(str(path), EMT, supercell=(2, 2, 2))
    cell = np.asarray(found.crystal.phonopy.unitcell.cell)
    assert found.spacegroup == "P6_3/mmc (194)" and abs(cell[2, 0]) < 1e-9 and abs(cell[2, 1]) < 1e-9


def test_long_wavelength_check_finds_an_elastically_unstable_crystal(parity_pair):
    """The check behind "elastically unstable": the acoustic frequencies at the continuum limit's wave number on
    2000 directions; none is negative for SW Si, all are for its force constants with the sign flipped."""
    import phonopy

    from kapitza.phonons.stability import soft_long_wavelength

    good = parity_pair[0].crystal
    assert soft_long_wavelength(good) is None
    ph = good.phonopy
    flipped = phonopy.Phonopy(ph.unitcell, supercell_matrix=ph.supercell_matrix, primitive_matrix=ph.primitive_matrix)
    flipped.force_constants = -np.asarray(ph.force_constants)
    direction, frequency = soft_long_wavelength(HarmonicCrystal(name="flipped", source="", phonopy=flipped))
    assert frequency < 0 and np.linalg.norm(direction) == pytest.approx(1.0)


# -- near-Gamma imaginary modes: a wider supercell before a refusal --------------------------------------------------

_NEAR_MESSAGE = "Cu: dynamically unstable with the emt potential: imaginary frequency 0.2i THz at q = (0, 0, 0.06)"


def _narrow_supercells_near_gamma(monkeypatch, below_atoms: int, error: type = None, relaxed=None) -> list:
    """Make every supercell of fewer than ``below_atoms`` atoms fail the stability check next to Gamma (what a
    learned potential's truncated force constants do: W with sevennet-l3i5, stability.NEAR_GAMMA), the
    others compute for real; returns the list of supercells computed.  The failure carries ``relaxed`` as the
    relaxed crystal (default: the crystal given)."""
    from kapitza.phonons import from_structure as fs
    from kapitza.phonons import stability

    computed, real = [], fs._compute

    def fake(conv, pmat, n, *args):
        computed.append(tuple(n))
        if len(conv) * n[0] * n[1] * n[2] < below_atoms:
            raise (
                stability.NearGamma(_NEAR_MESSAGE, conv if relaxed is None else relaxed)
                if error is None
                else error(_NEAR_MESSAGE)
            )
        return real(conv, pmat, n, *args)

    monkeypatch.setattr(fs, "_compute", fake)
    return computed


def test_near_gamma_imaginary_modes_widen_the_supercell_and_the_search_is_cached(monkeypatch):
    """Cu (EMT, 4-atom cube, a = 3.61 A): the 10 A rule gives 3x3x3 (108 atoms); with near-Gamma imaginary modes
    there the next width, 4x4x4 (256 atoms), is computed and kept, and the record says why.  A second call reads
    the search's outcome from the cache and computes nothing."""
    computed = _narrow_supercells_near_gamma(monkeypatch, 200)
    side = {"name": "Cu", "crystalstructure": "fcc", "a": 3.61, "cubic": True}
    found = crystal_phonons(side, EMT, relax=False)
    assert computed == [(3, 3, 3), (4, 4, 4)]
    assert found.supercell == (4, 4, 4) and found.supercell_atoms == 256
    assert found.widened.startswith("widened from 3x3x3 (108 atoms), which gave dynamically unstable")
    computed.clear()
    again = crystal_phonons(side, EMT, relax=False)
    assert computed == [] and again.supercell == (4, 4, 4) and again.widened == found.widened
    np.testing.assert_array_equal(again.crystal.phonopy.force_constants, found.crystal.phonopy.force_constants)


def test_a_widening_search_made_under_older_stability_rules_is_not_read_back(monkeypatch):
    """The width a search ended at depends on the rules that accept a supercell (the rotational sum rule made
    AlN's narrow supercells acceptable): with another STABILITY_RULES the search runs again instead of reading the
    old width, and its first width is computed anew."""
    from kapitza.phonons import stability

    computed = _narrow_supercells_near_gamma(monkeypatch, 200)
    side = {"name": "Cu", "crystalstructure": "fcc", "a": 3.605, "cubic": True}
    crystal_phonons(side, EMT, relax=False)
    assert computed == [(3, 3, 3), (4, 4, 4)]
    computed.clear()
    monkeypatch.setattr(stability, "STABILITY_RULES", stability.STABILITY_RULES + 1)
    found = crystal_phonons(side, EMT, relax=False)
    assert computed == [(3, 3, 3)]  # the search again; 4x4x4's force constants come from their own cache entry
    assert found.supercell == (4, 4, 4)


def test_near_gamma_modes_in_every_width_are_refused_naming_the_widest_and_nothing_is_cached(monkeypatch, tmp_path):
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))  # its own cache: it counts the entries
    computed = _narrow_supercells_near_gamma(monkeypatch, 10**6)
    before = _entries()
    side = {"name": "Cu", "crystalstructure": "fcc", "a": 3.62, "cubic": True}
    with pytest.raises(
        InputError, match=r"imaginary frequency 0.2i THz .* widest supercell tried, 5x5x5 \(500 atoms\)"
    ):
        crystal_phonons(side, EMT, relax=False)
    assert computed == [(3, 3, 3), (4, 4, 4), (5, 5, 5)]  # 6x6x6 would exceed max_supercell_atoms=600
    assert _entries() == before


def test_near_gamma_modes_in_the_widest_supercell_are_the_potentials_instability_not_the_memory_bounds(monkeypatch):
    """The refusal a caller may answer with the crystal's long waves (kapitza.phonons.long_waves, issue 62):
    DynamicalInstabilityError carrying the refused frequency, where the widest supercell the atom cap allows still
    has near-Gamma imaginary modes and the potential's elastic tensor is stable (EMT's Cu); never a
    MemoryBoundError here (the memory bound did not stop the widening)."""
    from kapitza.errors import DynamicalInstabilityError, MemoryBoundError
    from kapitza.phonons import from_structure as fs
    from kapitza.phonons.stability import NearGamma

    monkeypatch.setattr(fs, "_compute", lambda conv, *args: (_ for _ in ()).throw(NearGamma(_NEAR_MESSAGE, conv, 0.2)))
    side = {"name": "Cu", "crystalstructure": "fcc", "a": 3.64, "cubic": True}
    with pytest.raises(DynamicalInstabilityError, match="is positive definite") as refused:
        crystal_phonons(side, EMT, relax=False, cache=False)
    assert refused.value.imaginary_thz == 0.2 and not refused.value.elastically_unstable
    assert not isinstance(refused.value, MemoryBoundError)


def test_an_instability_away_from_gamma_is_refused_at_once(monkeypatch):
    """A zone-boundary soft mode (CHGNet's Cu: 3.3i THz at X) is the potential's, not the supercell's: no wider
    supercell is tried."""
    computed = _narrow_supercells_near_gamma(monkeypatch, 10**6, error=InputError)
    with pytest.raises(InputError, match="dynamically unstable") as info:
        crystal_phonons({"name": "Cu", "crystalstructure": "fcc", "a": 3.63, "cubic": True}, EMT, relax=False)
    assert computed == [(3, 3, 3)] and "widest" not in str(info.value)


def test_near_gamma_is_the_folded_reduced_distance():
    from kapitza.phonons.stability import NEAR_GAMMA, near_gamma

    assert near_gamma(np.array([0.0, 0.0, 0.0652]))  # W with sevennet-l3i5
    assert near_gamma(np.array([0.98, -0.02, 1.0]))  # folded into the zone
    assert not near_gamma(np.array([0.0, 0.5, 0.0]))  # X: Cu with CHGNet
    assert not near_gamma(np.array([0.0, 0.0, NEAR_GAMMA + 1e-9]))


# -- the memory statement (issue 39 item 2 on issue 38's route) -----------------------------------------------------


def test_a_supercell_above_the_memory_bound_is_refused_before_any_force(monkeypatch, tmp_path):
    """The bound is checked on the rule's supercell before anything is computed: kapitza's own arrays alone (the
    libraries, :data:`LIBRARY_BYTES`) are above 0.1 GB, so even a user's calculator without a footprint is refused,
    in one line naming the supercell, the need and the bound, and nothing is computed or cached."""
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))  # its own cache: it counts the entries
    from kapitza.phonons.supercell_plan import planned_memory_gb

    computed = _narrow_supercells_near_gamma(monkeypatch, 0)
    before = _entries()
    cu = {"name": "Cu", "crystalstructure": "fcc", "a": 3.61, "cubic": True}
    with pytest.raises(InputError, match=r"3x3x3 \(108 atoms\) supercell need ~0.15\d* GB .* above max_memory_gb=0.1"):
        crystal_phonons(cu, EMT, max_memory_gb=0.1)
    assert computed == [] and _entries() == before
    with pytest.raises(InputError, match="above max_memory_gb=0.1"):
        planned_memory_gb(cu, EMT, max_memory_gb=0.1)
    for bad in (0, -1, float("nan"), float("inf"), 1e308, "lots"):
        with pytest.raises(InputError, match="max_memory_gb must"):
            crystal_phonons("Si", SW_SI, max_memory_gb=bad)


def test_a_near_gamma_refusal_states_the_potentials_elastic_tensor(monkeypatch):
    """Near-Gamma imaginary modes in every width of a crystal whose elastic tensor with the potential is positive
    definite (fcc Cu, EMT): the refusal keeps both explanations and states the tensor's smallest eigenvalue."""
    _narrow_supercells_near_gamma(monkeypatch, 10**6)
    side = {"name": "Cu", "crystalstructure": "fcc", "a": 3.62, "cubic": True}
    with pytest.raises(
        InputError, match=r"max_memory_gb allow \(the clamped-ion elastic tensor .* is positive definite"
    ):
        crystal_phonons(side, EMT, relax=False)


def test_a_calculator_without_stress_is_refused_without_the_elastic_verdict(monkeypatch):
    """A user's calculator that gives forces but no stress (relax=False needs none): the near-Gamma refusal keeps its
    two explanations, without a traceback and without the verdict it cannot give."""
    from ase.calculators.calculator import PropertyNotImplementedError

    from kapitza.atomistic import bulk

    def no_stress(*args, **kwargs):
        raise PropertyNotImplementedError("stress")

    monkeypatch.setattr(bulk, "elastic_tensor", no_stress)
    _narrow_supercells_near_gamma(monkeypatch, 10**6)
    side = {"name": "Cu", "crystalstructure": "fcc", "a": 3.63, "cubic": True}
    with pytest.raises(InputError) as info:
        crystal_phonons(side, EMT, relax=False)
    assert str(info.value).endswith("max_supercell_atoms and max_memory_gb allow")


def test_an_elastically_unstable_crystal_is_the_potentials_refusal_even_at_the_memory_bound(monkeypatch):
    """Near-Gamma imaginary modes whose relaxed crystal fails Born's criterion with the potential (bcc Cu, EMT:
    C11 < C12): refused as the potential's, with the negative eigenvalue, and not as the memory bound's even where
    the bound stopped the widening (no wider supercell can help)."""
    from ase.build import bulk

    from kapitza.errors import MemoryBoundError

    computed = _narrow_supercells_near_gamma(monkeypatch, 10**6, relaxed=bulk("Cu", "bcc", a=2.87, cubic=True))
    side = {"name": "Cu", "crystalstructure": "fcc", "a": 3.64, "cubic": True}
    with pytest.raises(InputError) as info:
        crystal_phonons(side, EMT, relax=False, max_memory_gb=0.2)
    assert not isinstance(info.value, MemoryBoundError)
    assert "elastically unstable with this potential" in str(info.value) and "no wider supercell" in str(info.value)
    assert "negative eigenvalue, -" in str(info.value) and computed == [(3, 3, 3), (4, 4, 4)]


def test_the_widening_search_stops_at_the_memory_bound(monkeypatch):
    """Cu (EMT) with near-Gamma modes in every width: with max_memory_gb = 0.2 the search stops at 4x4x4 (256
    atoms, ~0.165 GB of kapitza's arrays: libraries 0.15 GB, force constants 3 x 9 x 8 x 256^2 bytes = 14 MB) because
    5x5x5 (500 atoms: force constants 54 MB) would need ~0.205 GB; the refusal names both bounds."""
    computed = _narrow_supercells_near_gamma(monkeypatch, 10**6)
    side = {"name": "Cu", "crystalstructure": "fcc", "a": 3.64, "cubic": True}
    with pytest.raises(InputError, match=r"widest supercell tried, 4x4x4 \(256 atoms\).*max_memory_gb allow"):
        crystal_phonons(side, EMT, relax=False, max_memory_gb=0.2)
    assert computed == [(3, 3, 3), (4, 4, 4)]


def test_the_widening_search_stops_at_the_time_bound(monkeypatch):
    """Cu (EMT) with near-Gamma modes in every width and a stated cost of 1 s per ordered pair within 3 A (12 first
    neighbours an atom; a stand-in for a measured table, CALL_COSTS): with max_time between the rule's 3x3x3 and the
    next width's 4x4x4 stated times, the rule's supercell fits the bound and is computed, the next one does not and
    is never started: TimeBoundError (not the potential's refusal, so no long waves stand in) names it, its stated
    time and the bound.  A bound that holds every width lets the search go on to the widest (5x5x5), refused then
    as today (DynamicalInstabilityError)."""
    from kapitza.atomistic import force_cost
    from kapitza.errors import DynamicalInstabilityError, TimeBoundError
    from kapitza.phonons.from_structure import phonon_cost

    monkeypatch.setitem(force_cost.CALL_COSTS, EMT, force_cost.CallCost(pair_cutoff=3.0, per_pair=1.0))
    computed = _narrow_supercells_near_gamma(monkeypatch, 10**6)
    side = {"name": "Cu", "crystalstructure": "fcc", "a": 3.66, "cubic": True}
    cost = phonon_cost(side, EMT, relax=False)
    first, second = cost.width_seconds(0), cost.width_seconds(1)
    assert [c.atoms for c in cost.supercells] == [108, 256, 500] and first == 108 * 12 * cost.supercells[0].calls
    words = rf"the next, 4x4x4 \(256 atoms\), is stated {force_cost.duration_words(second)}, more than the"
    with pytest.raises(TimeBoundError, match=words + r".* time bound \(max_time\); raise it") as refused:
        crystal_phonons(side, EMT, relax=False, max_time=(first + second) / 2)
    assert computed == [(3, 3, 3)] and not isinstance(refused.value, DynamicalInstabilityError)
    assert "0.2i THz" in str(refused.value) and "the supercells max_time allows" in str(refused.value)
    computed.clear()
    with pytest.raises(DynamicalInstabilityError, match=r"widest supercell tried, 5x5x5 \(500 atoms\)"):
        crystal_phonons(side, EMT, relax=False, max_time=10 * cost.seconds(widest=True))
    assert computed == [(3, 3, 3), (4, 4, 4), (5, 5, 5)]


def test_predicts_default_bound_stops_only_the_widening(monkeypatch):
    """Issue 85 (beta-Ga2O3 on SiC answered within 5 minutes at the defaults): kapitza predict's default bound
    (TimeBudget.widening) starts no wider supercell whose stated time is above what is left of it, and the refusal
    it gives carries the frequency (so the long waves stand in) and names the default and the option that raises
    it; but it refuses nothing up front (the rule's supercell is computed even with a stated time above the bound),
    arms no wall-clock stop, and takes a calculator without a stated time (binding: None)."""
    import signal

    from kapitza.atomistic import force_cost
    from kapitza.errors import TimeBoundError
    from kapitza.phonons.from_structure import phonon_cost

    monkeypatch.setitem(force_cost.CALL_COSTS, EMT, force_cost.CallCost(pair_cutoff=3.0, per_pair=1.0))
    computed = _narrow_supercells_near_gamma(monkeypatch, 10**6)
    side = {"name": "Cu", "crystalstructure": "fcc", "a": 3.66, "cubic": True}
    cost = phonon_cost(side, EMT, relax=False)
    budget = force_cost.TimeBudget.widening(seconds=cost.width_seconds(0) / 2)  # below even the rule's supercell
    assert force_cost.binding(budget) is None and force_cost.binding(None) is None
    budget.check(10 * budget.seconds, "anything")  # no up-front refusal
    with budget.enforced("anything"):
        assert signal.getitimer(signal.ITIMER_REAL)[0] == 0  # no wall-clock stop armed
    words = r"the default .* s bound on widening \(kapitza predict's; max_time=, --max-time\); raise it"
    with pytest.raises(TimeBoundError, match=words):
        crystal_phonons(side, EMT, relax=False, max_time=budget)
    assert computed == [(3, 3, 3)]
    assert str(force_cost.PREDICT_WIDENING_SECONDS) in repr(force_cost.TimeBudget.widening())
    unknown = force_cost.TimeBudget.widening()
    monkeypatch.delitem(force_cost.CALL_COSTS, EMT)  # no stated time: computed, widened as without a bound
    computed.clear()
    with pytest.raises(InputError, match=r"widest supercell tried, 5x5x5 \(500 atoms\)"):
        crystal_phonons(side, EMT, relax=False, max_time=unknown)
    assert computed == [(3, 3, 3), (4, 4, 4), (5, 5, 5)]


def test_the_stated_cost_counts_the_local_workers_as_the_run_does():
    """Issue 85 item 3: phonon_cost planned without the local workers' memory, so with a local dask cluster its
    widths could differ from what crystal_phonons then tries.  Both take the runner now (one plan, _planned): at
    0.3 GB Cu (EMT, 108/256/500 atoms) widens to 5x5x5 in this process alone, while two local workers' memory
    (each at its peak: kapitza.atomistic.force_tasks.worker_memory) stops the search at the rule's 3x3x3 and the
    statement names the next width's need.  No cluster is started (a plan makes no force call)."""
    from kapitza.atomistic.force_tasks import ForceRunner
    from kapitza.phonons.from_structure import phonon_cost

    side = {"name": "Cu", "crystalstructure": "fcc", "a": 3.66, "cubic": True}
    alone = phonon_cost(side, EMT, relax=False, max_memory_gb=0.3, cache=False)
    started: list[int] = []
    runner = ForceRunner(start=lambda: started.append(1), local_workers=2, where="2 local workers")
    workers = phonon_cost(side, EMT, relax=False, max_memory_gb=0.3, cache=False, runner=runner)
    assert [c.atoms for c in alone.supercells] == [108, 256, 500]
    assert [c.atoms for c in workers.supercells] == [
        108
    ] and "the next, 4x4x4 (256 atoms), would need" in workers.stopped
    assert started == []
    with pytest.raises(InputError, match="runner must be a kapitza.atomistic.force_tasks.ForceRunner"):
        phonon_cost(side, EMT, relax=False, runner="2 workers")


def test_a_force_call_counts_the_neighbour_pairs_within_the_potentials_graph(monkeypatch):
    """The working memory of a SevenNet-l3i5 force call is its measured bytes per ordered neighbour pair within
    5 A times the pairs: diamond Si (a = 5.431 A) has 4 + 12 + 12 neighbours within 5 A (2.35, 3.84, 4.50 A; the
    next shell is at 5.43 A), so a 64-atom supercell holds 64 x 28 pairs; fcc Cu (a = 3.615 A) 12 + 6 + 24 (2.56,
    3.62, 4.43 A; next 5.11 A), 1.5x Si's per atom.  A CHGNet call packs the structures handed to it into one
    batch up to its size.  A user's calculator has no footprint: nothing counted, and ``known`` says so."""
    from ase.build import bulk

    from kapitza.atomistic.calculator_forces import FOOTPRINTS, force_call_memory

    monkeypatch.delenv("KAPITZA_MLIP_DEVICE", raising=False)  # the CPU's statement: the work is host memory
    per_pair = FOOTPRINTS["sevennet-l3i5"].per_pair
    si = force_call_memory("sevennet-l3i5", bulk("Si", "diamond", a=5.431, cubic=True).repeat(2))
    assert si["known"] and si["work"] == pytest.approx(per_pair * 64 * 28, rel=1e-12)
    cu = force_call_memory("sevennet-l3i5", bulk("Cu", "fcc", a=3.615, cubic=True).repeat(2))
    assert cu["work"] / 32 == pytest.approx(si["work"] / 64 * 42 / 28, rel=1e-12)
    si64 = bulk("Si", "diamond", a=5.431, cubic=True).repeat(2)
    one = force_call_memory("chgnet", si64, structures=1)["work"]  # CHGNet packs its batches up to BATCH_ATOMS
    assert force_call_memory("chgnet", si64, structures=2)["work"] == pytest.approx(2 * one, rel=1e-12)
    packed = force_call_memory("chgnet", si64)["work"] / one
    assert packed == FOOTPRINTS["chgnet"].batch_atoms // 64
    assert force_call_memory("chgnet", si64, structures=10**6)["work"] / one == packed
    assert force_call_memory("mlip_factories:emt", bulk("Cu", "fcc", a=3.615)) == {
        "resident": 0.0,
        "work": 0.0,
        "gpu": 0.0,
        "device": "cpu",
        "known": False,
    }


def test_near_gamma_modes_when_the_rules_supercell_is_the_widest_allowed_are_refused_once(monkeypatch):
    """With max_supercell_atoms = 108 the rule's 3x3x3 is the only width: it is computed once and the near-Gamma
    failure is refused in the search's words (no wider supercell was allowed)."""
    computed = _narrow_supercells_near_gamma(monkeypatch, 10**6)
    side = {"name": "Cu", "crystalstructure": "fcc", "a": 3.65, "cubic": True}
    with pytest.raises(InputError, match="refused: not a minimum .* max_supercell_atoms and max_memory_gb allow"):
        crystal_phonons(side, EMT, relax=False, max_supercell_atoms=108)
    assert computed == [(3, 3, 3)]


@pytest.mark.parametrize(
    ("side", "atoms", "group", "words"),
    [
        ("Al2O3", 30, 167, "database Al2O3 (corundum): the recorded Al2O3 (corundum (D5_1)"),
        ("sapphire", 30, 167, "database Al2O3 (corundum): the recorded Al2O3"),
        ("SiC", 8, 186, "database 4H-SiC (4H (hexagonal)): the recorded 4H-SiC (4H-SiC (moissanite-4H"),
        ("3C-SiC", 8, 216, "the recorded 3C-SiC (zincblende (B3)"),
        ("Sn", 4, 141, "database Sn (body-centred tetragonal (white, beta)): the recorded Sn (beta-Sn (A5)"),
    ],
)  # fmt: skip
def test_crystals_one_lattice_constant_cannot_build_come_from_the_crystal_table(side, atoms, group, words):
    """A database material whose structure needs more than one lattice constant (corundum, 4H) and a name of the
    compilation's crystal table (kapitza.literature.crystals: every parameter with its source) are built from that
    table's record: the conventional cell's atoms (corundum on hexagonal axes: 6 formula units; 4H-SiC: 4 Si and 4
    C) and space group (International Tables: R-3c 167, P6_3mc 186, F-43m 216); the words say where they came
    from.  The database's amorphous SiO2 is not the table's quartz (refused above).  White tin (beta-Sn: I4_1/amd,
    141, 4 atoms in the conventional cell) is matched by a word of its structure that is not the lattice's
    ("body-centred tetragonal (white, beta)"); it was refused while only the first word was compared."""
    from kapitza.atomistic.bulk import symmetry_dataset
    from kapitza.atomistic.side import side_structure

    built, _, described, _, record = side_structure(side)
    assert len(built) == atoms and described.startswith(words)
    assert record == words.split("the recorded ")[1].split(" ")[0]  # the record it was built from, by its name
    assert symmetry_dataset(built, 1e-3).number == group


def test_an_imaginary_mode_short_of_the_supercells_first_commensurate_point_asks_for_a_wider_one():
    """Between Gamma and the first wave vector a supercell samples exactly (1/n of the conventional reciprocal
    basis), its frequencies are Fourier interpolation: an imaginary mode there is first checked in a wider supercell
    (Ir with sevennet-l3i5: 0.994i THz at primitive q = (0.0815, 0.0815, 0.163) in 3x3x3, conventional (0.163,
    0.163, 0), none in 4x4x4).  fcc's X point (primitive (0.5, 0, 0.5), conventional (1, 0, 0)) is a zone-boundary
    instability: refused at once, as before."""
    from kapitza.phonons.stability import near_gamma

    fcc = np.array([[0.0, 0.5, 0.5], [0.5, 0.0, 0.5], [0.5, 0.5, 0.0]])  # phonopy's primitive matrix (columns)
    ir = np.array([0.0815, 0.0815, 0.163])
    assert not near_gamma(ir)  # beyond the fixed 0.15 of the old rule alone
    assert near_gamma(ir, fcc, (3, 3, 3)) and not near_gamma(ir, fcc, (8, 8, 8))
    assert not near_gamma(np.array([0.5, 0.0, 0.5]), fcc, (3, 3, 3))
    assert near_gamma(np.array([0.0, 0.0, 0.065]), fcc, (2, 2, 2))  # W's case: within 0.15


def test_the_names_that_moved_out_keep_working_with_a_warning_naming_their_place():
    """Issue 76: the module was split by its concepts (the side, the supercell plan, stability, the derived record);
    each moved name still imports from here, the same object, with a DeprecationWarning naming its new module, and
    a name that never lived here is an AttributeError."""
    import importlib

    from kapitza.phonons import from_structure as fs

    moved = (("side_structure", "kapitza.atomistic.side"), ("planned_cost", "kapitza.phonons.supercell_plan"),
             ("NEAR_GAMMA", "kapitza.phonons.stability"), ("sound_speeds", "kapitza.phonons.derived_record"),
             ("memory_limit_gb", "kapitza.phonons.supercell_plan"))  # fmt: skip
    for name, place in moved:
        with pytest.warns(DeprecationWarning, match=f"from_structure.{name} is deprecated: use {place}.{name}"):
            value = getattr(fs, name)
        assert value is getattr(importlib.import_module(place), name)
    with pytest.raises(AttributeError):
        fs.no_such_name  # noqa: B018


def test_the_relaxation_is_cached_so_an_interrupted_run_resumes_from_its_forces(monkeypatch, tmp_path):
    """A learned potential's relaxation differs in the last bits from one process to the next (β-Ga2O3 with
    sevennet-l3i5+d3: positions 4e-7 A apart, measured 2026-11-29), and the displaced supercells' forces are cached by
    their exact content: an interrupted ``kapitza predict`` recomputed every force on its rerun (all 20 of the 160-atom
    supercell after 10 had been stored).  The relaxed crystal is cached now, so a second computation of the same
    crystal (here a wider supercell, another phonons entry) starts from the very same relaxed crystal without
    relaxing again, and finds the forces of any supercell it shares; with ``cache=False`` it relaxes each time."""
    from kapitza.atomistic import bulk

    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))
    relaxations, real = [], bulk.relax_crystal

    def counted(*args, **kwargs):
        relaxations.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(bulk, "relax_crystal", counted)
    side = {"name": "Cu", "crystalstructure": "fcc", "a": 3.64, "cubic": True}
    first = crystal_phonons(side, EMT, supercell=2)
    second = crystal_phonons(side, EMT, supercell=3)  # another phonons entry: the same relaxation
    assert len(relaxations) == 1
    assert np.array_equal(first.crystal.phonopy.unitcell.cell, second.crystal.phonopy.unitcell.cell)
    assert second.relaxation.steps == first.relaxation.steps and first.relaxation.converged
    crystal_phonons(side, EMT, supercell=2, cache=False)
    assert len(relaxations) == 2
