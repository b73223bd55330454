"""Interfaces from two bulk crystals: orientation, lateral match, strain, stacking, refusal, relaxation."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ase")  # the [agf] extra: ase builds and reads the crystals of every test here

from ase import Atoms
from ase.build import bulk

from kapitza.atomistic.stacking import orient, relax, stack_crystals
from kapitza.atomistic.structures import build_interface
from kapitza.errors import InputError
from kapitza.units import ANGSTROM


def canonical(atoms):
    """Positions shifted so the lowest atom (z, then y, then x) is at the origin, wrapped, sorted (A)."""
    pos = atoms.positions
    first = np.lexsort((pos[:, 0], pos[:, 1], pos[:, 2]))[0]
    shifted = atoms.copy()
    shifted.positions = pos - pos[first]
    shifted.wrap(eps=1e-7)
    p = np.round(shifted.positions, 6) % np.round(np.diag(shifted.cell), 6)
    return p[np.lexsort((p[:, 0], p[:, 1], p[:, 2]))]


def test_identical_fcc_crystals_reproduce_the_cubic_builder():
    """Al|Al along 001 (a = 4.05 A, 3 + 3 cells) is build_interface's stack, up to a rigid shift and atom order."""
    s = stack_crystals(bulk("Al", "fcc", a=4.05, cubic=True), {"name": "Al", "a": 4.05, "cubic": True}, cells=(3, 3))
    ref = build_interface("Al", "Al", "001", lattice_constants_angstrom=(4.05, 4.05), cells=(3, 3))
    assert len(s.atoms) == len(ref.atoms) == 24
    assert np.allclose(s.atoms.cell, ref.atoms.cell)
    assert np.allclose(canonical(s.atoms), canonical(ref.atoms), atol=1e-6)
    assert s.periods == pytest.approx(ref.periods)
    assert np.array_equal(np.bincount(s.cell_index), [4] * 6)
    assert np.array_equal(s.side, (s.cell_index >= 3).astype(int))


def test_si_on_ge_strain_on_b_takes_si_lateral_constant():
    """Diamond 001, strain on B (Ge): lateral constant a_Si; Ge's strain (a_Si - a_Ge)/a_Ge (analytic)."""
    a_si, a_ge = 5.431, 5.658
    s = stack_crystals(
        bulk("Si", "diamond", a=a_si, cubic=True),
        bulk("Ge", "diamond", a=a_ge, cubic=True),
        cells=(2, 2),
        strain_on="b",
        max_strain=0.05,
    )
    d = s.description
    assert np.allclose(np.linalg.norm(s.atoms.cell[:2], axis=1), a_si)
    assert np.allclose(d["strain_b"], (a_si - a_ge) / a_ge * np.eye(2))
    assert np.allclose(d["strain_a"], 0.0)
    assert d["max_strain_b"] == pytest.approx((a_ge - a_si) / a_ge)
    assert s.periods == pytest.approx((a_si * ANGSTROM, a_ge * ANGSTROM))  # bulk periods kept along z
    assert set(np.array(s.species)[s.side == 1]) == {"Ge"} and len(s.atoms) == 32


def test_wurtzite_gan_on_sic_is_a_1x1_match():
    """GaN (0001) on 2H-SiC (0001), a = 3.19 and 3.08 A: 1x1; GaN strained by 3.08/3.19 - 1 (strain_on b)."""
    sic = {"name": "SiC", "crystalstructure": "wurtzite", "a": 3.08, "c": 5.04}
    gan = {"name": "GaN", "crystalstructure": "wurtzite", "a": 3.19, "c": 5.19}
    s = stack_crystals(sic, gan, cells=(2, 3), strain_on="b", max_strain=0.04)
    d = s.description
    assert d["matrix_a"] == [[1, 0], [0, 1]] and d["matrix_b"] == [[1, 0], [0, 1]]
    assert d["max_strain_b"] == pytest.approx(1 - 3.08 / 3.19)
    assert d["rotation_deg"] == pytest.approx(0, abs=1e-9)
    assert len(s.atoms) == 4 * 5  # 4 atoms per wurtzite cell
    assert s.periods == pytest.approx((5.04 * ANGSTROM, 5.19 * ANGSTROM))


def hexagonal_crystal(a, c, symbol):
    """A made-up simple hexagonal crystal, one atom per cell (lattice constants in A)."""
    return Atoms(symbol, cell=[[a, 0, 0], [-a / 2, a * np.sqrt(3) / 2, 0], [0, 0, c]], pbc=True)


def test_made_up_hexagonal_pair_3x3_on_2x2():
    """a = 2 and a = 3 A: 9 cells of A on 4 of B, zero strain (3 x 2 = 2 x 3); area 9 * 2^2 sqrt(3)/2."""
    s = stack_crystals(
        hexagonal_crystal(2.0, 2.5, "Ar"), hexagonal_crystal(3.0, 3.0, "Kr"), cells=(2, 2), max_strain=0.005
    )
    d = s.description
    assert d["atoms"] == [18, 8] and d["max_strain_a"] == pytest.approx(0, abs=1e-12)
    assert np.allclose(np.linalg.norm(s.atoms.cell[:2], axis=1), 6.0)
    assert s.area == pytest.approx(9 * 4 * np.sqrt(3) / 2 * ANGSTROM**2)


def test_beyond_max_strain_is_refused_with_the_best_found():
    """Al|Cu (4.05 vs 3.61 A) in at most 40 atoms within 0.1 %: refused, naming the smallest strain found."""
    with pytest.raises(InputError, match=r"smallest strain found is [\d.]+%.*allow_strain=True") as info:
        stack_crystals(bulk("Al", cubic=True), bulk("Cu", cubic=True), cells=(1, 1), max_strain=0.001, max_atoms=40)
    assert "\n" not in str(info.value)
    s = stack_crystals(
        bulk("Al", cubic=True), bulk("Cu", cubic=True), cells=(1, 1), max_strain=0.001, max_atoms=40, allow_strain=True
    )
    assert s.description["max_strain_a"] > 0.001


def test_orient_puts_the_normal_along_z():
    """Fcc primitive cell, (1, 1, 1) of the primitive lattice: a cell with a3 along z, orthogonal to a1, a2."""
    o = orient(bulk("Al", "fcc", a=4.05), (1, 1, 1))
    cell = np.asarray(o.cell)
    assert np.allclose(cell[:2, 2], 0) and np.allclose(cell[2, :2], 0) and cell[2, 2] > 0
    assert abs(np.linalg.det(cell)) == pytest.approx(round(abs(np.linalg.det(cell)) / (4.05**3 / 4)) * 4.05**3 / 4)


def test_relax_al_cu_with_emt_converges_and_keeps_the_leads():
    """EMT (ASE) on a strained Al|Cu 1x1 stack: residual force below fmax; the fixed lead periods do not move."""
    from ase.calculators.emt import EMT

    s = stack_crystals(bulk("Al", cubic=True), bulk("Cu", cubic=True), cells=(2, 2), max_strain=0.07)
    relaxed, residual = relax(s, EMT(), fmax_ev_per_angstrom=0.01, steps=300)
    assert residual < 0.01
    leads = (s.cell_index == 0) | (s.cell_index == s.n_cells - 1)
    assert np.array_equal(relaxed.atoms.positions[leads], s.atoms.positions[leads])
    assert not np.allclose(relaxed.atoms.positions[~leads], s.atoms.positions[~leads])
    assert relaxed.description["relaxation"]["converged"]


def test_bad_input_is_refused():
    with pytest.raises(InputError, match="Miller"):
        stack_crystals("Al", "Al", normal=(0, 0, 0))
    with pytest.raises(InputError, match="neither a structure file"):
        stack_crystals("Xx", "Al")
    with pytest.raises(InputError, match="one element per crystal"):
        stack_crystals(
            {"name": "GaN", "crystalstructure": "wurtzite", "a": 3.19, "c": 5.19},
            {"name": "GaN", "crystalstructure": "wurtzite", "a": 3.19, "c": 5.19},
            mixing_layers=1,
        )


def test_a_poscar_file_and_intermixing_reproducible_from_the_seed(tmp_path):
    """A crystal read from a POSCAR the user wrote; 1 intermixed plane each side: the recorded seed rebuilds it.

    Analytic: fcc (001) has 2 planes per cubic period, so only the two planes at the interface may change.
    """
    from ase.io import write

    path = tmp_path / "POSCAR"
    write(path, bulk("Cu", cubic=True, a=3.61), format="vasp")
    kw = dict(cells=(2, 2), max_strain=0.07, mixing_layers=1)
    a = stack_crystals(bulk("Al", cubic=True, a=4.05), str(path), **kw)
    b = stack_crystals(bulk("Al", cubic=True, a=4.05), str(path), seed=a.description["seed"], **kw)
    assert a.atoms.get_chemical_symbols() == b.atoms.get_chemical_symbols()
    assert np.array_equal(a.atoms.get_masses(), b.atoms.get_masses())
    swapped = (a.side == 0) != (np.array(a.species) == "Al")
    z = a.atoms.positions[:, 2]
    interface = 0.5 * (z[a.side == 0].max() + z[a.side == 1].min())
    assert np.all(np.abs(z[swapped] - interface) < 3.61 / 2)  # only the planes next to the interface
    assert set(a.species) == {"Al", "Cu"} and np.allclose(a.atoms.get_masses()[np.array(a.species) == "Cu"], 63.546)


def test_description_is_json_and_max_atoms_is_checked():
    """The record goes through the strict JSON writer; a stack already above max_atoms is refused."""
    from kapitza.io.results import dumps

    s = stack_crystals("Al", "Al", normal=(1, 1, 1), cells=(1, 1))
    assert '"rotation_deg"' in dumps(dict(s.description))
    # a name gives ASE's cubic cell: its (111) in-plane cell (1,-1,0) a x (0,1,-1) a and period a sqrt(3) hold
    # 3 a^3 = 12 atoms of fcc (4 per a^3)
    assert len(s.atoms) == 2 * 12
    assert s.periods[0] == pytest.approx(4.05 * np.sqrt(3) * ANGSTROM)
    cubic = stack_crystals("Al", "Al", cells=(1, 1))  # (0, 0, 1) of a name is the cubic [001]: 4 + 4 atoms
    assert len(cubic.atoms) == 8 and np.allclose(np.diag(cubic.atoms.cell)[:2], 4.05)  # ASE's reference a
    with pytest.raises(InputError, match="max_atoms"):
        stack_crystals("Al", "Al", cells=(3, 3), max_atoms=4)


def test_relax_periods_is_the_poisson_response_and_nothing_without_strain():
    """Law: a crystal at its own lattice constant has no normal stress, so its period stays; squeezed in-plane it
    expands along the normal (positive Poisson ratio of fcc EMT metals), stretched it contracts."""
    from ase.calculators.emt import EMT

    from kapitza.atomistic.stacking import relax_periods, stack_crystals

    a_al = 4.0500  # not EMT's own equilibrium: the normal strain is then measured against that of the bulk
    unstrained = stack_crystals(
        {"name": "Al", "crystalstructure": "fcc", "a": a_al, "cubic": True},
        {"name": "Al", "crystalstructure": "fcc", "a": a_al, "cubic": True},
        cells=(2, 2),
    )
    same = relax_periods(unstrained, EMT())
    e_a, e_b = same.description["poisson"]["normal_strain"]
    assert e_a == pytest.approx(e_b, abs=1e-6)  # two identical sides respond identically
    squeezed = stack_crystals(
        {"name": "Al", "crystalstructure": "fcc", "a": a_al, "cubic": True},
        {"name": "Al", "crystalstructure": "fcc", "a": 0.98 * a_al, "cubic": True},
        cells=(2, 2),
        strain_on="a",
    )
    out = relax_periods(squeezed, EMT())
    n_a, _ = out.description["poisson"]["normal_strain"]
    # A squeezed by 2 % in-plane ends longer along z than the unstrained crystal relaxed the same way
    assert out.periods[0] > same.periods[0] * 1.001
    # B is Al at the same in-plane lattice constant (built at 0.98 a): one material, one relaxed period
    assert out.periods[0] == pytest.approx(out.periods[1], rel=1e-4)
    assert out.periods[0] == pytest.approx(squeezed.periods[0] * (1 + n_a), rel=1e-12)


def _plane_spacings(structure, side):
    """The distinct spacings (A) between consecutive atomic planes of one side along z."""
    z = np.sort(structure.atoms.positions[structure.side == side, 2])
    planes = z[np.concatenate([[True], np.diff(z) > 1e-3])]
    return np.unique(np.round(np.diff(planes), 6))


def _is_fcc_001(structure, side, a):
    """Analytic fcc (001): planes a/2 apart (a/sqrt3 for (111)) holding 2 atoms per a^2 of the lateral cell, and
    both in-plane cell vectors of the side's conventional cell along cube axes (directions [100]-type)."""
    spacings = _plane_spacings(structure, side)
    area = abs(np.linalg.det(np.asarray(structure.atoms.cell)[:2, :2]))
    per_plane = np.count_nonzero(structure.side == side) / (structure.cells[side] * 2)
    directions = np.abs(np.asarray(structure.description["in_plane_directions"][side]))
    return (
        np.allclose(spacings, a / 2, atol=1e-6)
        and per_plane * a**2 / area == pytest.approx(2, rel=0.03)  # 3 % in-plane strain at most here
        and structure.description["planes"][side] == [0, 0, 1]
        and all(sorted(d) == [0, 0, 1] for d in directions.tolist())
    )


@pytest.mark.parametrize("cubic", [False, True])
def test_a_primitive_fcc_cell_gives_the_001_plane_of_the_cube(cubic):
    """ase.build.bulk's fcc is its 1-atom primitive cell unless cubic=True; either way normal (0, 0, 1) is the cube
    face: Cu (a = 3.615 A) on Ni (3.52 A) stacks (001) planes a/2 apart (issue 39, item 7), the same atoms as the
    cubic cells give (up to a rigid shift and atom order)."""
    cu = {"name": "Cu", "crystalstructure": "fcc", "a": 3.615, "cubic": cubic}
    ni = {"name": "Ni", "crystalstructure": "fcc", "a": 3.52, "cubic": cubic}
    s = stack_crystals(cu, ni, cells=(3, 3), max_strain=0.03, seed=0)
    assert _is_fcc_001(s, 0, 3.615) and _is_fcc_001(s, 1, 3.52)
    assert s.description["expanded_cells"] == ([1, 1] if cubic else [4, 4])
    ref = stack_crystals({**cu, "cubic": True}, {**ni, "cubic": True}, cells=(3, 3), max_strain=0.03, seed=0)
    assert np.allclose(s.atoms.cell, ref.atoms.cell) and np.allclose(canonical(s.atoms), canonical(ref.atoms))


@pytest.mark.parametrize("fmt", ["cif", "vasp"])
def test_a_primitive_file_is_read_in_its_conventional_cell(tmp_path, fmt):
    """The MLIP route reads bulk crystals from files: a primitive-cell CIF or POSCAR of fcc Cu (ASE writes the
    1-atom cell, 60 degree angles) with normal 001 gives Cu (001), not the (111)-type plane of the primitive
    axes; normal 111 gives (111), planes a/sqrt3 apart (analytic fcc)."""
    from ase.io import read, write

    path = tmp_path / ("Cu.cif" if fmt == "cif" else "POSCAR")
    write(path, bulk("Cu", "fcc", a=3.615), format=fmt)
    assert len(read(path)) == 1  # the file holds the primitive cell
    s = stack_crystals(str(path), str(path), cells=(2, 2))
    assert _is_fcc_001(s, 0, 3.615) and s.description["expanded_cells"] == [4, 4]
    s111 = stack_crystals(str(path), str(path), normal=(1, 1, 1), cells=(2, 2))
    assert s111.description["planes"] == [[1, 1, 1], [1, 1, 1]]
    assert np.allclose(_plane_spacings(s111, 0), 3.615 / np.sqrt(3), atol=1e-6)


@pytest.mark.parametrize(
    ("spec", "n", "lengths"),
    [
        ({"name": "Fe", "crystalstructure": "bcc", "a": 2.87}, 2, (2.87, 2.87, 2.87)),
        ({"name": "Si", "crystalstructure": "diamond", "a": 5.431}, 4, (5.431, 5.431, 5.431)),
        ({"name": "NaCl", "crystalstructure": "rocksalt", "a": 5.64}, 4, (5.64, 5.64, 5.64)),
        ({"name": "In", "crystalstructure": "bct", "a": 3.25, "c": 4.95}, 2, (3.25, 3.25, 4.95)),
        ({"name": "GaN", "crystalstructure": "wurtzite", "a": 3.18, "c": 5.19}, 1, (3.18, 3.18, 5.19)),
        ({"name": "GaN", "crystalstructure": "wurtzite", "a": 3.18, "c": 5.19, "orthorhombic": True}, 1, None),
        ({"name": "Mg", "crystalstructure": "hcp", "a": 3.21, "c": 5.21}, 1, (3.21, 3.21, 5.21)),
    ],
)
def test_conventional_cell_expands_only_primitive_cells_of_centred_lattices(spec, n, lengths):
    """Law: the conventional cell is a supercell of the given lattice (integer combinations of its vectors), n
    times its volume and atoms (n = 2 body-centred, 4 face-centred, 1 for a cell already conventional or larger,
    e.g. the 8-atom orthorhombic wurtzite cell, which stays as given); cubic and tetragonal cells come out with
    their edges (analytic)."""
    from ase.build import bulk as ase_bulk

    from kapitza.atomistic.stacking import conventional_cell

    given = ase_bulk(**spec)
    conv, grown = conventional_cell(given)
    assert grown == n and len(conv) == n * len(given)
    assert abs(conv.cell.volume) == pytest.approx(n * abs(given.cell.volume), rel=1e-9)
    combos = np.asarray(conv.cell) @ np.linalg.inv(np.asarray(given.cell))
    assert np.allclose(combos, np.rint(combos), atol=1e-9)
    if lengths is not None:
        assert np.allclose(sorted(conv.cell.lengths()[:2]) + [conv.cell.lengths()[2]], lengths, atol=1e-9)
    if n == 1:
        assert conv is given or np.array_equal(conv.positions, given.positions)


def test_rhombohedral_crystals_take_their_hexagonal_axes():
    """A rhombohedral primitive cell (1 atom) becomes the triple hexagonal cell (3 atoms), c along its threefold
    axis: normal (0, 0, 1) is then the basal plane of the hexagonal setting (the convention of the docstring)."""
    from ase.build import bulk as ase_bulk

    from kapitza.atomistic.stacking import conventional_cell

    rhombo = ase_bulk("Hg", "rhombohedral", a=3.0, alpha=70.0)
    conv, grown = conventional_cell(rhombo)
    assert grown == 3 and len(conv) == 3
    a, b, c, alpha, beta, gamma = conv.cell.cellpar()
    assert a == pytest.approx(b) and (alpha, beta, gamma) == pytest.approx((90, 90, 120))


def test_relax_periods_keeps_scipys_logm_warning_from_the_user(monkeypatch):
    """The Frechet cell filter takes the matrix logarithm of a near-identity deformation, and scipy warns "logm
    result may be inaccurate, approximate err = 2.7e-13" (seen on `interface build Al:fcc:a=4.05
    Si:diamond:a=5.431 --relax Al_Si_meam.pair`): a warning about rounding reaches no user.  Here every logm warns
    so; relax_periods passes none of them on, and still relaxes."""
    import warnings

    import scipy.linalg
    from ase.calculators.emt import EMT

    from kapitza.atomistic.stacking import relax_periods

    real = scipy.linalg.logm

    def noisy(matrix, *args, **kwargs):
        warnings.warn("logm result may be inaccurate, approximate err = 2.7e-13", RuntimeWarning, stacklevel=2)
        return real(matrix, *args, **kwargs)

    monkeypatch.setattr(scipy.linalg, "logm", noisy)
    squeezed = stack_crystals(
        {"name": "Al", "crystalstructure": "fcc", "a": 4.05, "cubic": True},
        {"name": "Al", "crystalstructure": "fcc", "a": 0.98 * 4.05, "cubic": True},
        cells=(2, 2),
        strain_on="a",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = relax_periods(squeezed, EMT())
    assert not [w for w in caught if "logm" in str(w.message)]
    assert out.periods[0] != pytest.approx(squeezed.periods[0], rel=1e-4)  # it relaxed (EMT's own Al is not 4.05 A)


def test_a_hexagonal_100_is_the_m_plane_whose_normal_is_the_reciprocal_a1():
    """Issue 65 item 4: the (100) plane of a hexagonal crystal is read through its reciprocal lattice, not as the
    cube face.  Derivation (hexagonal axes a1 = a(1, 0, 0), a2 = a(-1/2, sqrt3/2, 0), a3 = c(0, 0, 1); reciprocal
    vectors b_i with a_i . b_j = delta_ij): the normal of (hkl) is h b1 + k b2 + l b3, so (100)'s is b1, along
    (1, 1/sqrt3, 0), i.e. at atan(1/sqrt3) = 30 degrees from a1 and perpendicular to a2 and c (the m-plane (10-10)).
    The shortest lattice vector along it is 2 a1 + a2 = a(3/2, sqrt3/2, 0), of length sqrt3 a: two (100) planes of
    spacing d = sqrt3 a / 2 (the hexagonal plane spacing 1/d^2 = 4 (h^2 + hk + k^2) / (3 a^2) + l^2 / c^2, e.g.
    B. D. Cullity, Elements of X-Ray Diffraction, Appendix 3), and the plane's lattice is the a x c rectangle of a2
    and c.  Reading (100) as the Cartesian direction a1 would give a period of a along a1 (0 degrees) instead: the
    two differ in all three numbers.  The stacking of wurtzite GaN (a = 3.189, c = 5.185 A, 4 atoms a cell) on
    itself along (100) keeps 2 cells = 8 atoms a period."""
    from kapitza.atomistic.stacking import _orientation

    a, c = 3.189, 5.185
    gan = bulk("GaN", "wurtzite", a=a, c=c)
    cell = np.asarray(gan.cell)
    rows = _orientation(gan, np.array([1, 0, 0]), "GaN")
    period = rows[2] @ cell
    cos = period @ cell[0] / (np.linalg.norm(period) * np.linalg.norm(cell[0]))
    assert np.degrees(np.arccos(cos)) == pytest.approx(30.0, abs=1e-9)
    assert abs(period @ cell[1]) < 1e-9 and abs(period @ cell[2]) < 1e-9
    oriented = orient(gan, (1, 0, 0), "GaN")
    assert oriented.cell[2] == pytest.approx([0.0, 0.0, np.sqrt(3) * a], abs=1e-9)
    assert sorted(oriented.cell.lengths()[:2]) == pytest.approx([a, c], abs=1e-9)
    assert oriented.cell.angles()[2] == pytest.approx(90.0, abs=1e-9)
    assert len(oriented) == 2 * len(gan)
    s = stack_crystals(gan, gan, normal=(1, 0, 0), cells=(1, 1))
    assert s.description["atoms"] == [8, 8]
