"""Does a universal potential hold a strained crystal?  The self force constant of diamond silicon (or fcc aluminium)
under biaxial in-plane strain, side by side for the built-in potentials.

The AGF's crystal route strains each side into the common lateral cell (up to ``--max-strain``, 2-3 %); a lead whose
potential softens or loses the strained crystal is dynamically unstable (:mod:`kapitza.transmission.agf.stability`).
Physically the self term Phi_xx(i, i) of Si changes by a few per cent per per cent of strain (a Grueneisen parameter
of order one); this prints it for in-plane strains from -2 % to +3 % (the [001] period kept, as the crystal route
keeps it), with the calculator route's step (0.001 A) and a 10x larger one, in a 3x3x3 conventional supercell.

Run:  python benchmarks/mlip_strain_smoothness.py [--calculators chgnet,sevennet-l3i5] [--crystal Si|Al] [--a 5.461]

The lattice constant is each potential's relaxed one where --a is not given (relaxed here with the structure route's
relaxation).  Units: eV/A^2.
"""

from __future__ import annotations

import argparse
import time

STRAINS = (-0.02, 0.0, 0.005, 0.01, 0.015, 0.02, 0.024, 0.03)
STEPS = (0.001, 0.01)


def self_term(atoms, calc, step: float) -> float:
    """-dF_x(0)/du_x(0) by central differences, eV/A^2."""
    forces = []
    for sign in (1.0, -1.0):
        moved = atoms.copy()
        moved.calc = calc
        moved.positions[0, 0] += sign * step
        forces.append(float(moved.get_forces()[0, 0]))
    return -(forces[0] - forces[1]) / (2 * step)


#: The crystals: ASE's structure name and a starting lattice constant (A) for the relaxation.
CRYSTALS = {"Si": ("diamond", 5.43), "Al": ("fcc", 4.05)}


def relaxed_a(calc, element: str) -> float:
    from ase.build import bulk

    from kapitza.atomistic.bulk import relax_crystal

    kind, a = CRYSTALS[element]
    relaxed, _ = relax_crystal(bulk(element, kind, a=a, cubic=True), calc, element)
    return float(relaxed.cell.lengths()[0])


def main() -> None:
    from ase.build import bulk

    from kapitza.atomistic.calculators import calculator_source

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calculators", default="chgnet,sevennet-l3i5")
    parser.add_argument("--crystal", default="Si", choices=sorted(CRYSTALS))
    parser.add_argument("--a", type=float, default=None, help="lattice constant, A (default: each one's relaxed)")
    args = parser.parse_args()
    for name in args.calculators.split(","):
        calc = calculator_source(name).calculator()
        a = args.a if args.a is not None else relaxed_a(calc, args.crystal)
        t0 = time.perf_counter()
        print(f"{name}: {args.crystal} at a = {a:.4f} A, self term Phi_xx (eV/A^2) at in-plane strain")
        print(f"  {'strain':>7} " + " ".join(f"{'step ' + str(s) + ' A':>14}" for s in STEPS) + "   ratio to 0 %")
        base = None
        for eps in STRAINS:
            crystal = bulk(args.crystal, CRYSTALS[args.crystal][0], a=a, cubic=True)
            crystal.set_cell([a * (1 + eps), a * (1 + eps), a], scale_atoms=True)
            values = [self_term(crystal.repeat((3, 3, 3)), calc, s) for s in STEPS]
            if eps == 0.0:
                base = values[0]
            ratio = f"{values[0] / base:.3f}" if base else ""
            print(f"  {100 * eps:+6.1f}% " + " ".join(f"{v:14.3f}" for v in values) + f"   {ratio}")
        print(f"  ({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
