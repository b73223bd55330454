"""A study: do lateral images (issue 65 item 2) make a learned potential's interface force constants worse?

The slow test ``tests/transmission/agf/test_local_fc.py::test_the_local_route_agrees_with_the_all_atom_route_through_
a_universal_potential`` failed after commit 12ba7031 (the local and the all-atom routes' summed transmissions 5.4 %
apart, stated 3 %).  Both routes colour the displaced atoms (atoms more than twice the force range apart displaced in
one structure); a message-passing potential's forces reach further than the force range, so each colouring leaves
its own contamination.  This script computes the same CHGNet Si | Ge [001] cell as the test with each colouring and
with one atom at a time (no colouring: the reference, every response its own), and prints each route's summed
transmission against the all-atom route's one-atom-at-a-time reference.

  python scripts/lateral_images_study.py [--calculator chgnet]

Minutes to an hour on two cores (the reference displaces every row atom alone); the force calls are cached by
content in kapitza's cache (the assembled models are not), so a rerun is quick.

Measured 2026-11-29 (CHGNet, 2 cores; off the all-atom one-atom-at-a-time reference, force calls):

  all-atom: one at a time 0 (192), one copy of each row 0.0091 (42), lateral images 0.0595 (36)
  local:    one at a time 0.0062 (138), one copy of each row 0.0088 (42), lateral images 0.0215 (36)
  local against all-atom: 0.0062 one at a time, 0.0077 one copy, 0.0537 images

So a message-passing potential displaces each row as itself (calculator_forces.displaces_images); the images stay for
potentials whose forces end at their range, where they are exact.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

STEP = 0.001  # A, as the test
RANGE = 5.0  # A, as the test
REACH = 10.9  # A, the test's interface reach (two periods)


def _cell() -> Any:
    from ase.build import bulk

    from kapitza.atomistic.stacking import stack_crystals

    return stack_crystals(bulk("Si", "diamond", a=5.431, cubic=True), bulk("Ge", "diamond", a=5.658, cubic=True),
                          normal=(0, 0, 1), cells=(3, 3), max_strain=0.03, seed=0)  # fmt: skip


def _summed(model: Any) -> np.ndarray:
    from kapitza.transmission.agf.solver import transmission

    omega = np.linspace(0.5, 45.0, 24) * 1e12
    return transmission(model, omega, (2, 2), eta=1e-6).xi.reshape(omega.size, -1).sum(axis=1)


def _build(route: str, colouring: str, source: Any) -> tuple[np.ndarray, int, float]:
    """(summed transmission, force calls, seconds) of ``route`` (all, local) with ``colouring`` (plain, images,
    alone)."""
    from kapitza.atomistic import calculator_forces, hessian
    from kapitza.transmission.agf.local_fc import local_interface_model
    from kapitza.transmission.agf.partition import interface_model

    plain_images, plain_colouring = calculator_forces.displaces_images, hessian._colouring

    def alone(atoms: Any, separation: float, rows: Any, translations: Any = None) -> Any:
        rows = np.asarray(rows, dtype=np.int64)
        return [np.array([a]) for a in rows.tolist()], {int(a): (int(a), 0) for a in rows.tolist()}

    calculator_forces.displaces_images = lambda name: colouring == "images"
    if colouring == "alone":
        hessian._colouring = alone
    before, started = source.calls, time.perf_counter()
    try:
        if route == "all":
            model = interface_model(
                _cell(), source, pl_cells=1, force_range=RANGE, displacement_angstrom=STEP, cache=False
            )
        else:
            model = local_interface_model(_cell(), source, pl_cells=1, force_range=RANGE, reach=REACH,
                                          displacement_angstrom=STEP, cache=False)  # fmt: skip
    finally:
        calculator_forces.displaces_images, hessian._colouring = plain_images, plain_colouring
    return _summed(model), source.calls - before, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calculator", default="chgnet")
    args = parser.parse_args()
    from kapitza.atomistic.calculator_forces import CalculatorForceConstants
    from kapitza.atomistic.calculators import calculator_source

    source = CalculatorForceConstants(calculator_source(args.calculator))
    found = {}
    for route in ("all", "local"):
        for colouring in ("alone", "plain", "images"):
            found[route, colouring] = _build(route, colouring, source)
            xi, calls, seconds = found[route, colouring]
            print(f"built {route} / {colouring}: {calls} force calls in {seconds:.0f} s", flush=True)
    reference = found["all", "alone"][0]
    print(f"\n{args.calculator}, Si | Ge [001] 3 + 3 periods, summed transmission over 24 frequencies and 2 x 2 k:")
    print("route / colouring: |xi - xi(all, alone)| / |xi(all, alone)|")
    for (route, colouring), (xi, calls, _) in found.items():
        error = np.abs(xi - reference).sum() / np.abs(reference).sum()
        print(f"  {route:5s} / {colouring:6s}: {error:.4f}  ({calls} force calls)")
    for colouring in ("alone", "plain", "images"):
        a, b = found["all", colouring][0], found["local", colouring][0]
        print(f"  local against all, both {colouring}: {np.abs(b - a).sum() / np.abs(a).sum():.4f}")


if __name__ == "__main__":
    main()
