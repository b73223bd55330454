"""Make phonopy force constants of a small Si|Ge interface, so the DFT route can be tried without DFT.

The interface is the mass-mismatch Stillinger-Weber Si|Ge stack of
:func:`kapitza.atomistic.structures.build_interface` (Si force constants
everywhere, Ge's mass on the right), periodic along z.  Its force constants
are computed *with phonopy*, exactly as for a DFT code: phonopy displaces
atoms in the ``diag(N1, N2, 1)`` supercell (plus and minus, central
differences), an ASE calculator (matscipy's Stillinger-Weber) gives the
forces, and phonopy builds the force constants.

Writes into the folder given (and nowhere else):

- ``structure.extxyz``: the structure (ASE extxyz, tags 1 = left side, 2 = right side, masses);
- ``FORCE_CONSTANTS``: phonopy's text file (eV/A^2), full or ``--compact``;
- ``phonopy.yaml`` with ``--yaml``: the cells and supercell matrix, read with the FORCE_CONSTANTS beside it;
- with ``--bulk-leads``: ``lead_si/phonopy.yaml`` and ``lead_ge/phonopy.yaml``, the two bulk crystals on the
  structure's lateral cell, ``--bulk-cells`` periods tall (force constants inside the YAML), the DFT user's
  separate bulk runs: pass them as ``--left-lead`` and ``--right-lead``.

Then::

    from kapitza.transmission.agf.fc_files import read_force_constants
    from kapitza.transmission.agf.partition import fc_interface_model

    fc = read_force_constants("out/FORCE_CONSTANTS", structure, supercell=(2, 2))
    model = fc_interface_model(structure, fc)

Usage: ``python examples/interfaces/make_phonopy_fc.py OUT [--cells 4 4] [--supercell 2 2] [--compact]
[--bulk-leads [--bulk-cells 4]]``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

#: Cubic lattice constants (A) of Si and Ge; with ``mass_only`` only Si's is used.
LATTICE_CONSTANTS_ANGSTROM = (5.431, 5.658)


def si_ge_structure(cells: tuple[int, int] = (4, 4)) -> Any:
    """The mass-mismatch Si|Ge stack along [001], 8 atoms per cell, periodic along z."""
    from kapitza.atomistic.structures import build_interface

    return build_interface(
        "Si", "Ge", "001", lattice_constants_angstrom=LATTICE_CONSTANTS_ANGSTROM, cells=cells, mass_only=True
    )


def phonopy_force_constants(
    atoms: Any, calculator: Any, supercell: tuple[int, int], displacement_angstrom: float = 1e-4, compact: bool = False
) -> Any:
    """A phonopy object with the force constants of ``atoms`` (its unit cell) from an ASE calculator.

    Parameters
    ----------
    atoms : ase.Atoms
        The unit cell, A.
    calculator : ASE calculator
        Gives forces in eV/A.
    supercell : (int, int)
        Lateral repetitions: phonopy's supercell is diag(N1, N2, 1) of ``atoms``.
    displacement_angstrom : float
        Finite displacement, A; both signs are used (central differences).
    compact : bool
        Compact (n_atoms x n_supercell) force constants instead of full ones.
    """
    from ase import Atoms
    from phonopy import Phonopy
    from phonopy.structure.atoms import PhonopyAtoms

    unit = PhonopyAtoms(
        symbols=atoms.get_chemical_symbols(),
        cell=np.asarray(atoms.cell),
        scaled_positions=atoms.get_scaled_positions(wrap=False),  # the structure's own placement
        masses=atoms.get_masses(),
    )
    phonon = Phonopy(unit, supercell_matrix=np.diag([supercell[0], supercell[1], 1]), primitive_matrix="P")
    phonon.generate_displacements(distance=displacement_angstrom, is_plusminus=True)
    forces = []
    for cell in phonon.supercells_with_displacements:
        displaced = Atoms(symbols=cell.symbols, positions=cell.positions, cell=cell.cell, pbc=True)
        displaced.calc = calculator
        forces.append(displaced.get_forces())
    phonon.forces = np.array(forces)
    phonon.produce_force_constants(calculate_full_force_constants=not compact)
    return phonon


def write_files(
    out: Path,
    structure: Any,
    phonon: Any,
    *,
    yaml: bool = False,
) -> list[Path]:
    """Write structure.extxyz, FORCE_CONSTANTS (and phonopy.yaml) into ``out``; the paths written."""
    from ase.io import write
    from phonopy.file_IO import write_FORCE_CONSTANTS

    out.mkdir(parents=True, exist_ok=True)
    atoms = structure.atoms.copy()
    atoms.set_tags(np.asarray(structure.side) + 1)
    atoms.set_masses(structure.atoms.get_masses())
    written = [out / "structure.extxyz", out / "FORCE_CONSTANTS"]
    write(written[0], atoms, format="extxyz")
    fc = phonon.force_constants
    p2s = phonon.primitive.p2s_map if fc.shape[0] != fc.shape[1] else None
    write_FORCE_CONSTANTS(fc, filename=str(written[1]), p2s_map=p2s)
    if yaml:
        written.append(out / "phonopy.yaml")
        phonon.save(filename=str(written[2]), settings={"force_constants": False, "displacements": False})
    return written


def bulk_lead(structure: Any, side: int, periods: int) -> Any:
    """Side ``side``'s bulk crystal: the structure's end cell on that side (its atoms and masses, the structure's
    lateral cell, one lead period tall) repeated ``periods`` times along z."""
    from kapitza.units import ANGSTROM

    cells = np.asarray(structure.cell_index)
    one = structure.atoms[np.flatnonzero(cells == (0 if side == 0 else int(cells.max())))]
    one.set_cell(np.vstack([np.asarray(structure.atoms.cell)[:2], [0.0, 0.0, structure.periods[side] / ANGSTROM]]))
    one.positions[:, 2] -= one.positions[:, 2].min()
    return one.repeat((1, 1, periods))


def bulk_lead_files(
    out: Path, structure: Any, calculator: Any, supercell: tuple[int, int], periods: int, displacement: float
) -> list[Path]:
    """``lead_si/phonopy.yaml`` and ``lead_ge/phonopy.yaml``: each side's :func:`bulk_lead` with its force
    constants inside the YAML."""
    written = []
    for side, name in ((0, "lead_si"), (1, "lead_ge")):
        phonon = phonopy_force_constants(bulk_lead(structure, side, periods), calculator, supercell, displacement)
        (out / name).mkdir(parents=True, exist_ok=True)
        written.append(out / name / "phonopy.yaml")
        phonon.save(filename=str(written[-1]), settings={"force_constants": True, "displacements": False})
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write into (created if missing)")
    parser.add_argument("--cells", type=int, nargs=2, default=(4, 4), metavar=("SI", "GE"), help="cells per side")
    parser.add_argument("--supercell", type=int, nargs=2, default=(2, 2), metavar=("N1", "N2"))
    parser.add_argument("--displacement", type=float, default=1e-4, help="finite displacement, A")
    parser.add_argument("--compact", action="store_true", help="compact force constants (n_atoms x n_supercell)")
    parser.add_argument("--yaml", action="store_true", help="also write phonopy.yaml")
    parser.add_argument("--bulk-leads", action="store_true", help="also write the two bulk leads' phonopy.yaml")
    parser.add_argument("--bulk-cells", type=int, default=4, help="periods along z of each bulk lead cell")
    args = parser.parse_args(argv)

    from kapitza.atomistic.potentials import get_potential

    structure = si_ge_structure(tuple(args.cells))
    calculator = get_potential("sw", ["Si"]).calculator()
    phonon = phonopy_force_constants(
        structure.atoms, calculator, tuple(args.supercell), args.displacement, compact=args.compact
    )
    written = write_files(args.out, structure, phonon, yaml=args.yaml)
    if args.bulk_leads:
        written += bulk_lead_files(
            args.out, structure, calculator, tuple(args.supercell), args.bulk_cells, args.displacement
        )
    for path in written:
        print(path)
    n1, n2 = args.supercell
    print(f"{len(structure.atoms)} atoms; phonopy supercell diag({n1}, {n2}, 1): pass supercell=({n1}, {n2})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
