"""Check each pair file on a small periodic interface cell: LAMMPS runs, minimises, and no atom ends within 1 A.

* GaN|SiC (GaN_SiC.pair and GaN_SiC_dimer.pair): zincblende GaN on 3C-SiC along [001], 2x2 conventional
  cells laterally at the mean of the two lattice constants (each side strained by half the mismatch), 3 cells
  of each along z; the periodic cell holds two interfaces (C-Ga bonds at one, N-Si at the other).
* Al|Si: fcc Al on diamond Si along [001], 4x4 Al cells on 3x3 Si cells laterally (4 a_Al ~ 3 a_Si) at the
  mean of the two widths, 4 Al cells and 3 Si cells along z.

Lattice constants come from lattice_constants.json (run lattice_constants.py first). Positions and the cell
length along z are minimised (``fix box/relax z 0.0``); the lateral cell is held. Prints the cells, the
energies and the shortest interatomic distance; writes nothing.

Run:  python examples/interfaces/interface_cells.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from ase import Atoms
from ase.build import bulk

if str(Path(__file__).resolve().parent) not in sys.path:  # the helper next to this script
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from lammps_cells import HERE, relax_box  # noqa: E402


def stack(lower: Atoms, upper: Atoms, gap: float) -> Atoms:
    """``upper`` on top of ``lower`` (both with the same lateral cell), ``gap`` A between them and across the
    periodic boundary."""
    top = upper.copy()
    top.positions += (0.0, 0.0, lower.cell[2, 2] + gap)
    both = lower + top
    both.cell[2, 2] = lower.cell[2, 2] + upper.cell[2, 2] + 2 * gap
    both.pbc = True
    return both


def _lateral(atoms: Atoms, width: float) -> Atoms:
    """Scale the x and y of a cubic-cell block to ``width`` A, keeping z."""
    out = atoms.copy()
    cell = out.cell.array.copy()
    cell[0, 0] = cell[1, 1] = width
    out.set_cell(cell, scale_atoms=True)
    return out


def gan_on_sic(constants: dict) -> tuple[Atoms, str]:
    a_gan, a_sic = constants["GaN zincblende"]["a_angstrom"], constants["SiC 3C"]["a_angstrom"]
    width = a_gan + a_sic  # 2 cells at the mean constant
    sic = _lateral(bulk("SiC", "zincblende", a=a_sic, cubic=True).repeat((2, 2, 3)), width)
    gan = _lateral(bulk("GaN", "zincblende", a=a_gan, cubic=True).repeat((2, 2, 3)), width)
    # a block ends a/4 below its next cation plane: this gap makes the C-Ga and N-Si z spacings (a_GaN + a_SiC) / 8
    cell = stack(sic, gan, (a_gan - a_sic) / 8)
    strain = f"GaN {width / 2 / a_gan - 1:+.4f}, SiC {width / 2 / a_sic - 1:+.4f}"
    return cell, strain


def al_on_si(constants: dict) -> tuple[Atoms, str]:
    a_al, a_si = constants["Al fcc"]["a_angstrom"], constants["Si diamond"]["a_angstrom"]
    width = (4 * a_al + 3 * a_si) / 2
    si = _lateral(bulk("Si", "diamond", a=a_si, cubic=True).repeat((3, 3, 3)), width)
    al = _lateral(bulk("Al", "fcc", a=a_al, cubic=True).repeat((4, 4, 4)), width)
    strain = f"Al {width / 4 / a_al - 1:+.4f}, Si {width / 3 / a_si - 1:+.4f}"
    return stack(si, al, 2.5), strain


def min_distance(positions: np.ndarray, cell: np.ndarray) -> float:
    """Shortest distance between two atoms under periodic boundaries, A."""
    atoms = Atoms(positions=positions, cell=cell, pbc=True)
    d = atoms.get_all_distances(mic=True)
    return float(d[np.triu_indices(len(atoms), 1)].min())


def check(name: str, atoms: Atoms, strain: str, pair_file: str) -> dict:
    out = relax_box(atoms, HERE / pair_file, relax="z", rounds=2)
    cell = np.diag([out["lx"], out["ly"], out["lz"]])
    row = {
        "atoms": len(atoms),
        "cell_angstrom": (out["lx"], out["ly"], out["lz"]),
        "lateral_strain": strain,
        "energy_per_atom_ev": out["energy_per_atom_ev"],
        "min_distance_angstrom": min_distance(out["positions"], cell),
        "pzz_bar": out["pzz"],
    }
    print(
        f"{name}: {row['atoms']} atoms, cell {' x '.join(f'{x:.4f}' for x in row['cell_angstrom'])} A, strain {strain}"
    )
    print(
        f"  relaxed: E = {row['energy_per_atom_ev']:.6f} eV/atom, shortest distance "
        f"{row['min_distance_angstrom']:.4f} A, pzz = {row['pzz_bar']:.2e} bar"
    )
    if row["min_distance_angstrom"] < 1.0:
        raise SystemExit(f"{name}: two atoms within 1 A after minimisation")
    return row


def main() -> int:
    constants = json.loads((HERE / "lattice_constants.json").read_text(encoding="utf-8"))
    for pair_file in ("GaN_SiC.pair", "GaN_SiC_dimer.pair"):
        check(f"GaN|SiC [001] zincblende, {pair_file}", *gan_on_sic(constants), pair_file)
    check("Al|Si [001]", *al_on_si(constants), "Al_Si.pair")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
