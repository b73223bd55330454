"""Build the metal | non-metal showcase NEMD cell: Al (001) on Si (001), periodic along z (Al|Si|Al...).

Both crystals at the 0 K lattice constants of Al_Si_meam.pair (lattice_constants.json: MEAM Al a = 4.0500 A,
Si a = 5.4310 A), matched laterally by the Zur-McGill search of ``stack_crystals`` (3 x 3 cubic cells of Al on
the sqrt5 x sqrt5 cell of Si, rotated by 26.57 degrees, 0.024 % strain on each side: 12.15 x 12.15 A).  The
spacing of the two interfaces is not the bulk one: the cell is built at several Al-Si plane gaps, each minimised
with LAMMPS (positions only, cell fixed, :func:`kapitza.atomistic.lammps_forces.minimised`), and the gap of lowest
energy is kept.  Writes ``al_si.extxyz`` (tags 1 = Al, 2 = Si) into FOLDER:

    python examples/interfaces/make_al_si.py FOLDER [--periods N_AL N_SI]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from kapitza.atomistic.forcefield import read_pair_file
from kapitza.atomistic.lammps_forces import LammpsForces, minimised
from kapitza.atomistic.stacking import stack_crystals
from kapitza.atomistic.structure_file import write_structure
from kapitza.atomistic.structures import repeat_lateral

HERE = Path(__file__).resolve().parent
#: Al-Si plane gaps tried (A).
GAPS = tuple(round(3.0 + 0.2 * k, 1) for k in range(9))


def build(periods: tuple[int, int] = (12, 9), lateral: tuple[int, int] = (1, 1)):
    """(structure at the best gap, {gap: energy in eV}) for ``periods`` of Al and Si along [001]."""
    constants = json.loads((HERE / "lattice_constants.json").read_text())
    al = {"name": "Al", "crystalstructure": "fcc", "a": constants["Al fcc meam"]["a_angstrom"], "cubic": True}
    si = {"name": "Si", "crystalstructure": "diamond", "a": constants["Si diamond meam"]["a_angstrom"], "cubic": True}
    forcefield = read_pair_file(HERE / "Al_Si_meam.pair")
    energies, best = {}, None
    for gap in GAPS:
        stacked = stack_crystals(al, si, normal=(0, 0, 1), cells=periods, max_strain=0.01, gap_angstrom=gap, seed=0)
        structure = repeat_lateral(stacked, lateral)
        atoms, residual = minimised(structure.atoms, forcefield)
        with LammpsForces(atoms, forcefield) as engine:
            engine.forces(atoms.positions)
            energies[gap] = engine.energy()
        if best is None or energies[gap] < energies[best[0]]:
            description = {**structure.description, "gap_A": gap, "residual_force_ev_per_A": residual}
            best = (gap, dataclasses.replace(structure, atoms=atoms, description=description))
    return best[1], energies


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="existing folder to write al_si.extxyz into")
    parser.add_argument("--periods", type=int, nargs=2, default=(12, 9), metavar=("N_AL", "N_SI"))
    args = parser.parse_args(argv)
    structure, energies = build(tuple(args.periods))
    for gap, energy in energies.items():
        print(f"gap {gap:.1f} A: energy {energy:.4f} eV")
    path = write_structure(structure, args.folder / "al_si.extxyz")
    cell = structure.atoms.cell.lengths()
    info = structure.description
    print(f"{path}: {len(structure.atoms)} atoms, cell {cell[0]:.4f} x {cell[1]:.4f} x {cell[2]:.4f} A, "
          f"gap {info['gap_A']} A, residual force {info['residual_force_ev_per_A']:.2g} eV/A")  # fmt: skip


if __name__ == "__main__":
    main()
