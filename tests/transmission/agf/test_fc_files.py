"""AGF from force constants computed elsewhere (phonopy files): reading, phonopy's atom order, leads, errors.

The fast tests use a *spring model* whose force constants are known in closed form:
central springs between nearest (k1) and second-nearest (k2) neighbours of the diamond
lattice, Phi_ij = -k d d^T / |d|^2 for a pair at separation d, and Phi_ii = -sum_j Phi_ij
(acoustic sum rule).  The supercell force constants are laid out in phonopy's order taken
from phonopy's own supercell (``phonopy.structure.cells.get_supercell``), written with
phonopy's writers, and read back; every block must equal the formula for its pair.  The
slow test checks parity with the LAMMPS/ASE route on Stillinger-Weber force constants made
with phonopy by ``examples/interfaces/make_phonopy_fc.py``.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

from kapitza.atomistic.force_constants import EV_PER_A2
from kapitza.errors import InputError
from kapitza.transmission.agf.fc_files import phonopy_order, read_force_constants
from kapitza.transmission.agf.partition import fc_interface_model
from kapitza.units import ANGSTROM

pytest.importorskip("phonopy")
pytest.importorskip("ase")

#: Spring constants (eV/A^2) of nearest (2.35 A) and second-nearest (3.84 A) neighbours, and the cutoff (A).
K1, K2, CUTOFF = 10.0, 2.0, 4.0
EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "interfaces" / "make_phonopy_fc.py"


def _structure(cells, masses=(28.085, 72.63)):
    from kapitza.atomistic.structures import build_interface

    return build_interface(
        "Si", "Ge", "001", lattice_constants_angstrom=(5.431, 5.658), cells=cells, mass_only=True, masses_amu=masses
    )


def _phonopy_supercell(atoms, supercell):
    from phonopy.structure.atoms import PhonopyAtoms
    from phonopy.structure.cells import get_supercell

    unit = PhonopyAtoms(
        symbols=atoms.get_chemical_symbols(),
        cell=np.asarray(atoms.cell),
        scaled_positions=atoms.get_scaled_positions(wrap=False),
    )
    return get_supercell(unit, np.diag([supercell[0], supercell[1], 1]))


def _spring(d, soft=1.0):
    """Block -k d d^T/|d|^2 of a pair at separation d (A), eV/A^2; zero beyond the cutoff."""
    r = np.linalg.norm(d)
    if r < 1e-9 or r > CUTOFF:
        return np.zeros((3, 3))
    k = (K1 if r < 3.0 else K2) * soft
    return -k * np.outer(d, d) / r**2


def spring_fc(atoms, supercell, soft_cells=(), cell_index=None, soft=1.0):
    """Full supercell force constants (phonopy's order, from phonopy's own supercell), eV/A^2.

    Springs with both atoms in ``soft_cells`` (cell indices of the structure) are scaled by ``soft``.
    """
    sc = _phonopy_supercell(atoms, supercell)
    pos, cell = np.asarray(sc.positions), np.asarray(sc.cell)
    unit_of = np.asarray(sc.s2u_map) // (supercell[0] * supercell[1])
    shifts = np.array([(a, b, c) for a in (-1, 0, 1) for b in (-1, 0, 1) for c in (-1, 0, 1)]) @ cell
    d = pos[None, :, None, :] + shifts[None, None] - pos[:, None, None, :]  # (s, t, image, 3)
    r = np.linalg.norm(d, axis=3)
    best = np.argmin(r, axis=2)
    d = np.take_along_axis(d, best[..., None, None], axis=2)[:, :, 0]
    r = np.take_along_axis(r, best[..., None], axis=2)[:, :, 0]
    k = np.where(r < 3.0, K1, K2) * ((r > 1e-9) & (r <= CUTOFF))
    if cell_index is not None:
        in_soft = np.isin(np.asarray(cell_index)[unit_of], soft_cells)
        k = k * np.where(in_soft[:, None] & in_soft[None, :], soft, 1.0)
    fc = -k[..., None, None] * d[..., :, None] * d[..., None, :] / np.maximum(r, 1e-9)[..., None, None] ** 2
    idx = np.arange(len(pos))
    fc[idx, idx] = -fc.sum(axis=1)
    return fc


def _write_text(path, fc, compact_rows=None):
    from phonopy.file_IO import write_FORCE_CONSTANTS

    if compact_rows is None:
        write_FORCE_CONSTANTS(fc, filename=str(path))
    else:
        write_FORCE_CONSTANTS(fc[compact_rows], filename=str(path), p2s_map=np.asarray(compact_rows))
    return path


def _blocks(fc):
    return {(int(a), int(b), int(t[0]), int(t[1])): blk for a, b, t, blk in zip(fc.i, fc.j, fc.translations, fc.blocks)}


def test_phonopy_order_is_phonopys_supercell():
    """phonopy_order states phonopy's unit-cell-atom-major order (x fastest), checked against phonopy itself."""
    s = _structure((1, 1))
    sc = _phonopy_supercell(s.atoms, (2, 3))
    unit, lattice = phonopy_order(len(s.atoms), (2, 3))
    expected = s.atoms.positions[unit] + lattice @ np.asarray(s.atoms.cell)[:2]
    assert np.allclose(np.asarray(sc.positions), expected, atol=1e-9)
    assert not np.array_equal(unit, np.tile(np.arange(len(s.atoms)), 6))  # not ASE's replica-major order


def test_blocks_equal_the_spring_formula_in_a_2x3_supercell(tmp_path):
    """Each block Phi(i 0, j n) read from a FORCE_CONSTANTS file is the spring block of its pair (analytic),
    with the lateral translation n of the pair's image; couplings through the z boundary are dropped."""
    s = _structure((1, 1))
    fc = read_force_constants(
        _write_text(tmp_path / "FORCE_CONSTANTS", spring_fc(s.atoms, (2, 3))), s, supercell=(2, 3)
    )
    assert fc.repeat == (2, 3) and fc.method == "phonopy-file"
    assert fc.force_range / ANGSTROM == pytest.approx(5.431 / np.sqrt(2), rel=1e-9)  # second neighbours
    pos, lateral = s.atoms.positions, np.asarray(s.atoms.cell)[:2]
    for a, b, t, blk in zip(fc.i, fc.j, fc.translations, fc.blocks):
        if a == b and not t.any():
            assert np.allclose(blk / EV_PER_A2, (4 * K1 + 12 * K2) / 3 * np.eye(3), atol=1e-9)
        else:
            d = pos[b] + t @ lateral - pos[a]
            assert np.allclose(blk / EV_PER_A2, _spring(d), atol=1e-9)
    # every direct pair within the cutoff is there: 4 + 12 neighbours and the atom itself, less those across z
    z = pos[:, 2]
    height = float(s.atoms.cell[2, 2])
    count = 0
    for a in range(len(pos)):
        for b in range(len(pos)):
            for n1 in range(-2, 3):
                for n2 in range(-2, 3):
                    d = pos[b] + np.array([n1, n2]) @ lateral - pos[a]
                    count += np.linalg.norm(d) <= CUTOFF and abs(z[b] - z[a]) < height / 2
    assert fc.i.size == count


def test_ase_order_would_be_refused(tmp_path):
    """The same force constants laid out in ASE's replica-major order do not pass as phonopy's."""
    s = _structure((1, 1))
    full = spring_fc(s.atoms, (2, 3))
    unit, lattice = phonopy_order(len(s.atoms), (2, 3))
    ase_index = (lattice[:, 0] * 3 + lattice[:, 1]) * len(s.atoms) + unit  # where each phonopy atom sits in ASE's
    wrong = np.empty_like(full)
    wrong[np.ix_(ase_index, ase_index)] = full
    path = _write_text(tmp_path / "FORCE_CONSTANTS", wrong)
    with pytest.raises(InputError, match="beyond the stated force range|too small"):
        read_force_constants(path, s, supercell=(2, 3), force_range_angstrom=CUTOFF)


def test_compact_full_and_hdf5_agree(tmp_path):
    """Full and compact FORCE_CONSTANTS and an fc2.hdf5 (with p2s_map) give the same force constants."""
    from phonopy.file_IO import write_force_constants_to_hdf5

    s = _structure((1, 1))
    full = spring_fc(s.atoms, (2, 2))
    rows = np.arange(len(s.atoms)) * 4
    a = read_force_constants(_write_text(tmp_path / "FORCE_CONSTANTS", full), s, supercell=(2, 2))
    b = read_force_constants(_write_text(tmp_path / "FC_compact", full, rows), s, supercell=(2, 2))
    write_force_constants_to_hdf5(full[rows], filename=str(tmp_path / "fc2.hdf5"), p2s_map=rows)
    c = read_force_constants(tmp_path / "fc2.hdf5", s, supercell=(2, 2))
    ref = _blocks(a)
    for other in (b, c):
        got = _blocks(other)
        assert got.keys() == ref.keys()
        assert max(np.abs(got[k] - ref[k]).max() for k in ref) < 1e-9 * np.abs(a.blocks).max()
        assert other.force_range == pytest.approx(a.force_range)


def _lead_model(tmp_path, cells=(4, 4), masses=(28.085, 72.63), **spring):
    s = _structure(cells, masses)
    full = spring_fc(s.atoms, (2, 2), cell_index=s.cell_index, **spring)
    path = _write_text(tmp_path / "FORCE_CONSTANTS", full, np.arange(len(s.atoms)) * 4)  # compact: fast to read
    return s, read_force_constants(path, s, supercell=(2, 2))


def test_model_uses_the_outer_cells_as_buffers_and_a_perfect_crystal_transmits_fully(tmp_path):
    """One lead cell per principal layer, one buffer cell per end (left out); for equal masses (a perfect
    crystal) the transmission at Gamma equals the number of propagating bulk modes: 3 at low frequency
    (the three acoustic branches; Landauer, no scattering)."""
    from kapitza.transmission.agf import solver

    s, fc = _lead_model(tmp_path, masses=(28.085, 28.085))
    model = fc_interface_model(s, fc)
    assert model.metadata["buffer_cells"] == [1, 1] and model.metadata["principal_layer_cells"] == [1, 1]
    assert model.bounds[-1] == 3 * (len(s.atoms) - 2 * 8)  # the two buffer cells of 8 atoms are out
    xi = solver.transmission(model, [2e12], np.array([[0.0, 0.0]]), time_reversal=False).xi_k
    assert xi[0, 0] == pytest.approx(3.0, abs=1e-4)


def test_interface_region_atoms_marked_minus_one_are_device(tmp_path):
    """cell_index -1 (an interface-region atom from a structure file) counts as device."""
    import dataclasses

    s, fc = _lead_model(tmp_path)
    index = np.array(s.cell_index)
    index[index == 4] = -1
    marked = dataclasses.replace(s, cell_index=index)
    a, b = fc_interface_model(s, fc), fc_interface_model(marked, fc)
    assert a.bounds[-1] == b.bounds[-1] and a.bounds[2] == b.bounds[2]


@pytest.mark.parametrize(
    ("cells", "words"),
    [((2, 4), "the left end needs 3 cells (1 buffer + 2 principal layers of 1), the structure has 2 left cells")],
)
def test_too_few_cells(tmp_path, cells, words):
    s, fc = _lead_model(tmp_path, cells=cells)
    with pytest.raises(InputError, match="^" + re.escape(words)):
        fc_interface_model(s, fc)


def test_a_non_bulk_lead_is_refused(tmp_path):
    """Springs softened by 5 % in the left U_-1 (cell 1) make its on-site blocks differ from U_0's."""
    s, fc = _lead_model(tmp_path, soft_cells=(1,), soft=0.95)
    with pytest.raises(InputError, match=r"the left lead is not bulk within the structure: .* differ by [\d.]+ %"):
        fc_interface_model(s, fc)
    fc_interface_model(s, fc, buffer_cells=(2, 1))  # with the soft cell in the buffer it is accepted


def test_buffer_thinner_than_the_force_range(tmp_path):
    s, fc = _lead_model(tmp_path)
    with pytest.raises(InputError, match="0 buffer cell.* thinner than the force range"):
        fc_interface_model(s, fc, buffer_cells=0)


def test_an_atom_wrapped_into_the_cell_differently_is_still_bulk(tmp_path):
    """A lead atom moved by a lateral lattice vector (as a structure file may wrap it) is the same crystal: the
    lead passes the bulk check and the transmission is unchanged."""
    import dataclasses

    from kapitza.transmission.agf import solver

    s, fc = _lead_model(tmp_path)
    atoms = s.atoms.copy()
    moved = int(np.flatnonzero(s.cell_index == 1)[2])  # an atom of the left U_-1
    atoms.positions[moved] += atoms.cell[0] - atoms.cell[1]
    wrapped = dataclasses.replace(s, atoms=atoms)
    path = _write_text(tmp_path / "FC_wrapped", spring_fc(atoms, (2, 2)), np.arange(len(atoms)) * 4)
    fc_wrapped = read_force_constants(path, wrapped, supercell=(2, 2))
    omega, k = [5e12, 20e12], np.array([[0.1, 0.0], [0.2, 0.3]])
    a = solver.transmission(fc_interface_model(s, fc), omega, k, time_reversal=False).xi_k
    b = solver.transmission(fc_interface_model(wrapped, fc_wrapped), omega, k, time_reversal=False).xi_k
    assert np.allclose(a, b, rtol=1e-9, atol=1e-12) and a.max() > 0.5


def test_a_slab_with_vacuum_gives_the_periodic_cells_model(tmp_path):
    """The same stack as a slab with 10 A of vacuum along z: its surface atoms lose springs, but they sit in the
    buffers, so the model (hence the transmission) is the one of the cell periodic along z."""
    import dataclasses

    from kapitza.transmission.agf import solver

    s, fc = _lead_model(tmp_path)
    atoms = s.atoms.copy()
    atoms.cell[2, 2] += 10.0
    slab = dataclasses.replace(s, atoms=atoms)
    path = _write_text(tmp_path / "FC_slab", spring_fc(atoms, (2, 2)), np.arange(len(atoms)) * 4)
    fc_slab = read_force_constants(path, slab, supercell=(2, 2))
    # the same pairs (the periodic cell's wrapped couplings are dropped, the slab has none); values differ only
    # on the surface cells, the buffers
    assert _blocks(fc_slab).keys() == _blocks(fc).keys()
    differs = {int(i) for i, a, b in zip(fc.i, fc.blocks, fc_slab.blocks) if not np.allclose(a, b, atol=1e-12)}
    assert differs and set(np.asarray(s.cell_index)[sorted(differs)]) <= {0, s.n_cells - 1}
    omega, k = [5e12, 20e12], np.array([[0.0, 0.0], [0.2, 0.3]])
    a = solver.transmission(fc_interface_model(s, fc), omega, k, time_reversal=False).xi_k
    b = solver.transmission(fc_interface_model(slab, fc_slab), omega, k, time_reversal=False).xi_k
    assert np.allclose(a, b, rtol=1e-9, atol=1e-12) and a.max() > 0.5


@pytest.mark.filterwarnings("ignore:Warning. Point group symmetries")
def test_phonopy_yaml_reads_like_the_text_file(tmp_path):
    """A phonopy.yaml (written by phonopy) with FORCE_CONSTANTS beside it: supercell from the file, same blocks;
    a yaml whose unit cell is another structure is refused."""
    from phonopy import Phonopy
    from phonopy.structure.atoms import PhonopyAtoms

    s = _structure((1, 1))
    full = spring_fc(s.atoms, (2, 2))
    text = read_force_constants(_write_text(tmp_path / "FORCE_CONSTANTS", full), s, supercell=(2, 2))
    atoms = s.atoms
    unit = PhonopyAtoms(
        symbols=atoms.get_chemical_symbols(), cell=np.asarray(atoms.cell), scaled_positions=atoms.get_scaled_positions()
    )
    Phonopy(unit, supercell_matrix=np.diag([2, 2, 1]), primitive_matrix="P").save(
        filename=str(tmp_path / "phonopy.yaml"), settings={"force_constants": False}
    )
    via_yaml = read_force_constants(tmp_path / "phonopy.yaml", s)
    assert via_yaml.repeat == (2, 2)
    assert np.array_equal(via_yaml.i, text.i) and np.allclose(via_yaml.blocks, text.blocks, rtol=0, atol=1e-9)
    other = _structure((1, 1))
    moved = other.atoms.copy()
    moved.positions[3] += 0.1
    import dataclasses

    with pytest.raises(InputError) as exc:
        read_force_constants(tmp_path / "phonopy.yaml", dataclasses.replace(other, atoms=moved))
    assert "its unit cell is not the structure" in _one_line(exc)


def _one_line(exc):
    text = str(exc.value)
    assert "\n" not in text
    return text


def test_shape_errors(tmp_path):
    s = _structure((1, 1))  # 16 atoms
    full = spring_fc(s.atoms, (2, 2))  # 64 atoms
    path = _write_text(tmp_path / "FORCE_CONSTANTS", full)
    with pytest.raises(InputError) as exc:
        read_force_constants(path, s, supercell=(2, 1))
    assert "force constants for 64 atoms, the structure has 16 atoms in a 2x1 supercell = 32" in _one_line(exc)
    with pytest.raises(InputError) as exc:
        read_force_constants(path, s)
    assert "could be 1x4, 2x2, 4x1: pass supercell=(N1, N2)" in _one_line(exc)
    (tmp_path / "FC40").write_text("40 40\n")
    with pytest.raises(InputError) as exc:
        read_force_constants(tmp_path / "FC40", s)
    assert "force constants for 40 atoms, the structure has 16 atoms" in _one_line(exc)
    _write_text(tmp_path / "FC_rows", full[:8])
    with pytest.raises(InputError) as exc:
        read_force_constants(tmp_path / "FC_rows", s, supercell=(2, 2))
    assert "shape (8, 64, 3, 3) does not match the structure" in _one_line(exc)


def test_non_numeric_line(tmp_path):
    s = _structure((1, 1))
    path = _write_text(tmp_path / "FORCE_CONSTANTS", spring_fc(s.atoms, (1, 1)))
    lines = path.read_text().split("\n")
    lines[3] = "   0.0  zero   0.0"
    path.write_text("\n".join(lines))
    with pytest.raises(InputError) as exc:
        read_force_constants(path, s)
    assert "is damaged near block 1" in _one_line(exc)


def test_hdf5_errors(tmp_path):
    """An HDF5 file without the dataset, a damaged one and a wrong shape are each refused in one line."""
    import h5py

    s = _structure((1, 1))
    with h5py.File(tmp_path / "empty.hdf5", "w") as f:
        f["other"] = np.zeros(3)
    (tmp_path / "damaged.hdf5").write_bytes(b"not an hdf5 file")
    with h5py.File(tmp_path / "shape.hdf5", "w") as f:
        f["force_constants"] = np.zeros((16, 64, 3))
    for name, words in [
        ("empty.hdf5", "has no dataset 'force_constants'"),
        ("damaged.hdf5", "cannot be read as phonopy force constants"),
        ("shape.hdf5", "shape (16, 64, 3) is not (n_rows, n_atoms, 3, 3)"),
    ]:
        with pytest.raises(InputError) as exc:
            read_force_constants(tmp_path / name, s)
        assert words in _one_line(exc)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_force_constants(tmp_path / "nothing", _structure((1, 1)))


def test_python_tag_in_phonopy_yaml_is_refused_and_not_run(tmp_path):
    marker = tmp_path / "ran"
    path = tmp_path / "phonopy.yaml"
    path.write_text(f'unit_cell: !!python/object/apply:os.system ["touch {marker}"]\n')
    with pytest.raises(InputError) as exc:
        read_force_constants(path, _structure((1, 1)))
    assert "Python object tag" in _one_line(exc)
    assert not marker.exists()


def _example():
    spec = importlib.util.spec_from_file_location("make_phonopy_fc", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_parity_with_the_lammps_ase_route(tmp_path):
    """AGF from a phonopy FORCE_CONSTANTS file (made by the shipped example: phonopy, central differences of
    0.1 mA, matscipy's Stillinger-Weber) equals interface_model on the same interface with the same potential
    (analytic Hessian).  The two models are the same atoms: the reference structure is the file's structure
    less its buffer and outer lead cell at each end (interface_model adds copies of the leads instead).
    Tolerance 1e-7 relative: the finite-difference error of the force constants is 3e-9 of the largest one
    at 1e-4 A (3e-7 at 1e-3 A: it scales as the displacement squared); measured 5e-9 on Xi."""
    from kapitza.atomistic.potentials import get_potential
    from kapitza.transmission.agf import solver
    from kapitza.transmission.agf.partition import interface_model

    example = _example()
    assert example.main([str(tmp_path), "--compact", "--yaml"]) == 0
    s = example.si_ge_structure((4, 4))
    fc = read_force_constants(tmp_path / "FORCE_CONSTANTS", s, supercell=(2, 2))
    model = fc_interface_model(s, fc)
    ref = interface_model(example.si_ge_structure((2, 2)), get_potential("sw", ["Si"]), force_range=4.0, pl_cells=1)
    omega = np.array([10e12, 30e12, 60e12])
    k = np.array([[0.0, 0.0], [0.25, 0.1]])
    a = solver.transmission(model, omega, k, time_reversal=False).xi_k
    b = solver.transmission(ref, omega, k, time_reversal=False).xi_k
    assert np.abs(a - b).max() < 1e-7 * np.abs(b).max()
    assert b.max() > 0.5  # a real comparison, not of zeros
    via_yaml = read_force_constants(tmp_path / "phonopy.yaml", s)
    assert np.allclose(via_yaml.blocks, fc.blocks) and via_yaml.repeat == (2, 2)
