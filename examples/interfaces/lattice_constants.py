"""Equilibrium lattice constants at 0 K of the bulk phases behind the interface showcases, measured with LAMMPS.

Each phase is minimised (positions and box, ``fix box/relax`` at zero pressure) with the exact lines of
its pair file (GaN_SiC.pair, Al_Si.pair, Al_Si_meam.pair). Hexagonal phases use their orthorhombic cell
(a, sqrt(3) a, c), so a = lx and the hexagonal shape is checked (ly / lx = sqrt(3)). Writes
lattice_constants.json next to this script (what tests/examples/test_interface_pair_files.py reproduces) and
prints a table.

Run:  python examples/interfaces/lattice_constants.py
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from ase import Atoms
from ase.build import bulk, make_supercell

if str(Path(__file__).resolve().parent) not in sys.path:  # the helper next to this script
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from lammps_cells import HERE, relax_box  # noqa: E402

OUTPUT = HERE / "lattice_constants.json"
#: (0, 1), (1, 2) integer matrix: hexagonal cell -> orthorhombic (a, sqrt(3) a, c).
_ORTHO = np.array([[1, 0, 0], [1, 2, 0], [0, 0, 1]])


def polytype_4h(a: float, c: float, cation: str = "Si", anion: str = "C") -> Atoms:
    """4H polytype (stacking ABCB), 8 atoms, hexagonal cell; anion 3/4 of a bilayer spacing above its cation."""
    sites = {"A": (0.0, 0.0), "B": (1 / 3, 2 / 3), "C": (2 / 3, 1 / 3)}
    scaled, symbols = [], []
    for layer, site in enumerate("ABCB"):
        z = layer / 4
        scaled += [(*sites[site], z), (*sites[site], z + 3 / 16)]
        symbols += [cation, anion]
    return Atoms(symbols, scaled_positions=scaled, cell=[a, a, c, 90, 90, 120], pbc=True)


@dataclass(frozen=True)
class Phase:
    name: str
    pair_file: str
    relax: str  # "iso" (cubic cell) or "aniso" (orthorhombic cell of a hexagonal crystal)
    build: Any  # () -> ase.Atoms, a start near equilibrium

    def cell(self) -> Atoms:
        atoms = self.build()
        return make_supercell(atoms, _ORTHO) if self.relax == "aniso" else atoms


PHASES: tuple[Phase, ...] = (
    Phase("GaN wurtzite", "GaN_SiC.pair", "aniso", lambda: bulk("GaN", "wurtzite", a=3.19, c=5.19)),
    Phase("GaN zincblende", "GaN_SiC.pair", "iso", lambda: bulk("GaN", "zincblende", a=4.50, cubic=True)),
    Phase("SiC 3C", "GaN_SiC.pair", "iso", lambda: bulk("SiC", "zincblende", a=4.36, cubic=True)),
    Phase("SiC 2H", "GaN_SiC.pair", "aniso", lambda: bulk("SiC", "wurtzite", a=3.08, c=5.04)),
    Phase("SiC 4H", "GaN_SiC.pair", "aniso", lambda: polytype_4h(3.08, 10.08)),
    Phase("Al fcc", "Al_Si.pair", "iso", lambda: bulk("Al", "fcc", a=4.05, cubic=True)),
    Phase("Si diamond", "Al_Si.pair", "iso", lambda: bulk("Si", "diamond", a=5.43, cubic=True)),
    Phase("Al fcc meam", "Al_Si_meam.pair", "iso", lambda: bulk("Al", "fcc", a=4.05, cubic=True)),
    Phase("Si diamond meam", "Al_Si_meam.pair", "iso", lambda: bulk("Si", "diamond", a=5.43, cubic=True)),
)


def measure(phase: Phase) -> dict[str, Any]:
    """Relaxed lattice constants (A), energy per atom (eV) and the residual pressures (bar) of one phase."""
    out = relax_box(phase.cell(), HERE / phase.pair_file, relax=phase.relax)
    row: dict[str, Any] = {"pair_file": phase.pair_file, "a_angstrom": out["lx"]}
    if phase.relax == "aniso":
        row["c_angstrom"] = out["lz"]
        row["ly_over_sqrt3_lx"] = out["ly"] / (math.sqrt(3) * out["lx"])
    row["energy_per_atom_ev"] = out["energy_per_atom_ev"]
    row["max_abs_pressure_bar"] = max(abs(out[p]) for p in ("pxx", "pyy", "pzz"))
    return row


def main() -> int:
    table = {phase.name: measure(phase) for phase in PHASES}
    OUTPUT.write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")
    columns = ("a (A)", "c (A)", "c/a", "E (eV/atom)", "|p| (bar)")
    print(f"{'phase':16s} {'pair file':14s} " + " ".join(f"{c:>{w}s}" for c, w in zip(columns, (9, 9, 7, 12, 9))))
    for name, row in table.items():
        c = row.get("c_angstrom")
        cs, ca = (f"{c:9.5f}", f"{c / row['a_angstrom']:7.4f}") if c else (f"{'':9s}", f"{'':7s}")
        print(
            f"{name:16s} {row['pair_file']:14s} {row['a_angstrom']:9.5f} {cs} {ca} "
            f"{row['energy_per_atom_ev']:12.6f} {row['max_abs_pressure_bar']:9.2e}"
        )
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
