"""Build the showcase NEMD structure: wurtzite GaN (0001) on 2H-SiC (0001), periodic along z (GaN|SiC|GaN...).

Both crystals in their orthorhombic wurtzite cells (a, sqrt(3) a, c; 8 atoms) at the 0 K lattice constants of
the showcase potentials (lattice_constants.json, measured by lattice_constants.py: GaN a = 3.18092, c = 5.19443 A,
Nord et al. 2003; 2H-SiC a = 3.08251, c = 5.03372 A, Erhart and Albe 2005).  GaN is pseudomorphic on SiC
(``strain_on="a"``): it carries the whole in-plane mismatch, 3.08251 / 3.18092 - 1 = -3.09 %, and keeps its own c
(no Poisson relaxation; the MD's NVE between baths does not relax the box either).  The lateral cell is repeated
to about 12 x 11 A (4 x 2 orthorhombic cells: 4 a x 2 sqrt(3) a of SiC = 12.33 x 10.68 A).

Writes ``gan_sic.extxyz`` (tags 1 = GaN, 2 = SiC; masses as a column) into the folder given on the command line:

    python examples/interfaces/make_gan_sic.py FOLDER [--periods N_GAN N_SIC] [--lateral N1 N2] [--name FILE]

The default, 10 + 10 periods and 4 x 2 cells, is the 1280-atom system of gan_sic_nemd.toml.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from kapitza.atomistic.stacking import stack_crystals
from kapitza.atomistic.structure_file import write_structure
from kapitza.atomistic.structures import repeat_lateral

HERE = Path(__file__).resolve().parent


def crystals() -> tuple[dict, dict]:
    """The ase.build.bulk keywords of orthorhombic wurtzite GaN and 2H-SiC at the potentials' lattice constants."""
    constants = json.loads((HERE / "lattice_constants.json").read_text())
    specs = []
    for name, key in (("GaN", "GaN wurtzite"), ("SiC", "SiC 2H")):
        c = constants[key]
        specs.append({"name": name, "crystalstructure": "wurtzite", "a": c["a_angstrom"], "c": c["c_angstrom"],
                      "orthorhombic": True})  # fmt: skip
    return specs[0], specs[1]


def build(periods: tuple[int, int] = (10, 10), lateral: tuple[int, int] = (4, 2)):
    """The GaN|SiC InterfaceStructure: ``periods`` wurtzite c periods of GaN and SiC, ``lateral`` cells in plane."""
    gan, sic = crystals()
    structure = stack_crystals(gan, sic, normal=(0, 0, 1), cells=periods, strain_on="a", max_strain=0.04, seed=0)
    return repeat_lateral(structure, lateral)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="existing folder to write gan_sic.extxyz into")
    parser.add_argument("--periods", type=int, nargs=2, default=(10, 10), metavar=("N_GAN", "N_SIC"))
    parser.add_argument("--lateral", type=int, nargs=2, default=(4, 2), metavar=("N1", "N2"))
    parser.add_argument("--name", default="gan_sic.extxyz", help="file name in FOLDER (default gan_sic.extxyz)")
    args = parser.parse_args(argv)
    structure = build(tuple(args.periods), tuple(args.lateral))
    path = write_structure(structure, args.folder / args.name)
    cell = structure.atoms.cell.lengths()
    print(f"{path}: {len(structure.atoms)} atoms, cell {cell[0]:.4f} x {cell[1]:.4f} x {cell[2]:.4f} A")
    for key, value in structure.description.items():
        print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
