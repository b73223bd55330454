"""Issue 65 item 2: how many force calls the interface's force constants cost when a row may be displaced as a
lateral image of its atom (:func:`kapitza.atomistic.hessian.colours` with the supercell's lateral translations),
beside one copy of each row as before, side by side in one run.  Counts, not timings: a force call's time does not
change (the displaced structures are the same supercell), so the time of the force-constant stage goes with the count.

  python benchmarks/lateral_images.py [--calculator chgnet] [--skip-gan]

Cases: GaN | AlN (0001) as ``kapitza agf GaN:wurtzite:a=3.189,c=5.185 AlN:wurtzite:a=3.112,c=4.982 --calculator
NAME`` builds it (the crystals relaxed with NAME: minutes the first time, then read from kapitza's cache), and the
512-atom Si | Ge [001] cell of ``benchmarks/agf_interface_fc.py`` (recorded lattices, not relaxed).  Each prints the
force calls that ``calculator_route.force_constant_memory`` states for the local route, without and with images, and
their ratio.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

GAN, ALN = "GaN:wurtzite:a=3.189,c=5.185", "AlN:wurtzite:a=3.112,c=4.982"


def _calls(structure: Any, fc: Any, pl_cells: Any, reach: float, interface_reach: float) -> tuple[int, int]:
    """The stated force calls of the local route without images and with them (whatever the calculator's default,
    :func:`kapitza.atomistic.calculator_forces.displaces_images`)."""
    from kapitza.atomistic import calculator_forces
    from kapitza.transmission.agf.calculator_route import force_constant_memory

    default = calculator_forces.displaces_images
    counts = []
    try:
        for images in (False, True):
            calculator_forces.displaces_images = lambda name, images=images: images
            counts.append(force_constant_memory(structure, fc, pl_cells, reach, interface_reach=interface_reach).calls)
    finally:
        calculator_forces.displaces_images = default
    return counts[0], counts[1]


def gan_aln(calculator: str) -> tuple[str, int, int]:
    from kapitza.atomistic.calculator_forces import CalculatorForceConstants
    from kapitza.atomistic.calculators import calculator_source
    from kapitza.transmission.agf.calculator_route import crystal_interface
    from kapitza.transmission.agf.config import AGF_DEFAULTS as D

    fc = CalculatorForceConstants(calculator_source(calculator), resume=False)
    c = crystal_interface(GAN, ALN, fc.source, reach=fc.reach, normal=D.normal, max_strain=D.max_strain,
                          cells=D.cells, pl_cells=D.pl_cells, lateral=D.lateral, mixing_layers=D.mixing_layers,
                          seed=D.seed, polarity=D.polarity)  # fmt: skip
    words = f"GaN | AlN (0001), {len(c.structure.atoms)}-atom cell, {calculator}"
    return (words, *_calls(c.structure, fc, c.pl_cells, fc.reach, D.interface_reach))


def si_ge(calculator: str) -> tuple[str, int, int]:
    from agf_interface_fc import _structure

    from kapitza.atomistic.calculator_forces import DEFAULT_FORCE_RANGE_ANGSTROM, CalculatorForceConstants
    from kapitza.atomistic.calculators import calculator_source
    from kapitza.transmission.agf.local_fc import interface_reach
    from kapitza.transmission.agf.partition import principal_layer_cells

    f = DEFAULT_FORCE_RANGE_ANGSTROM
    s = _structure(512)
    fc = CalculatorForceConstants(calculator_source(calculator), force_range=f, resume=False)
    words = f"Si | Ge [001], {len(s.atoms)}-atom cell, {calculator}"
    return (words, *_calls(s, fc, principal_layer_cells(s, f), f, interface_reach(calculator, f, None)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calculator", default="chgnet")
    parser.add_argument("--skip-gan", action="store_true", help="the Si | Ge cell alone (no relaxation)")
    args = parser.parse_args()
    cases = [si_ge] if args.skip_gan else [gan_aln, si_ge]
    for case in cases:
        words, without, with_images = case(args.calculator)
        print(f"{words}: {without} force calls with one copy of each row, {with_images} with lateral images "
              f"(x{without / with_images:.3g} fewer)", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
