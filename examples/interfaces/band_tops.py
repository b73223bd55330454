"""Highest phonon frequency of bulk GaN and 2H-SiC with the showcase force field (GaN_SiC_dimer.pair).

The spectral heat current of the GaN|SiC showcase is split at the softer side's band top: above it no GaN phonon
exists, so only anharmonic (inelastic) processes carry heat there (``kapitza md spectral RUN --band-top THZ``).
The GaN of the showcase is pseudomorphic on SiC (a = SiC's, c = GaN's own), which raises its band top; both are
printed.  Phonopy finite displacements (0.01 A) of a 4 x 4 x 3 supercell of the 4-atom wurtzite cell, forces from
LAMMPS through the pair file (kapitza.atomistic.lammps_forces.forcefield_calculator), a 16 x 16 x 12 mesh;
lattice constants from lattice_constants.json (the potentials' own, 0 K).

    python examples/interfaces/band_tops.py

Measured (this script): GaN 23.91 THz, SiC 29.18 THz, GaN pseudomorphic on SiC 26.23 THz.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def band_top(a: float, c: float, name: str, forcefield) -> float:
    """Highest frequency (THz) of wurtzite ``name`` at lattice constants a, c (A) on a 16 x 16 x 12 mesh."""
    from ase import Atoms
    from ase.build import bulk
    from phonopy import Phonopy
    from phonopy.structure.atoms import PhonopyAtoms

    from kapitza.atomistic.lammps_forces import forcefield_calculator

    cell = bulk(name, "wurtzite", a=a, c=c)
    unit = PhonopyAtoms(symbols=cell.get_chemical_symbols(), cell=np.asarray(cell.cell),
                        scaled_positions=cell.get_scaled_positions(), masses=cell.get_masses())  # fmt: skip
    phonon = Phonopy(unit, supercell_matrix=np.diag([4, 4, 3]))
    phonon.generate_displacements(distance=0.01)
    calc = forcefield_calculator(forcefield)
    forces = []
    for sc in phonon.supercells_with_displacements:
        atoms = Atoms(sc.symbols, cell=sc.cell, scaled_positions=sc.scaled_positions, masses=sc.masses, pbc=True)
        atoms.calc = calc
        forces.append(atoms.get_forces())
    phonon.forces = forces
    phonon.produce_force_constants()
    phonon.run_mesh([16, 16, 12])
    return float(np.max(phonon.get_mesh_dict()["frequencies"]))


def main() -> dict[str, float]:
    from kapitza.atomistic.forcefield import read_pair_file

    forcefield = read_pair_file(HERE / "GaN_SiC_dimer.pair")
    constants = json.loads((HERE / "lattice_constants.json").read_text())
    gan, sic = constants["GaN wurtzite"], constants["SiC 2H"]
    tops = {
        "GaN": band_top(gan["a_angstrom"], gan["c_angstrom"], "GaN", forcefield),
        "SiC": band_top(sic["a_angstrom"], sic["c_angstrom"], "SiC", forcefield),
        "GaN pseudomorphic on SiC": band_top(sic["a_angstrom"], gan["c_angstrom"], "GaN", forcefield),
    }
    for name, top in tops.items():
        print(f"{name}: highest phonon frequency {top:.2f} THz")
    return tops


if __name__ == "__main__":
    main()
