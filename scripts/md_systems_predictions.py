"""Harmonic predictions (AGF and full-dispersion DMM, classical) for the NEMD example systems or a run's config.

Usage::

    PYTHONPATH=src python scripts/md_systems_predictions.py [--config RUN/config.toml ...]
        [--kpoints 8] [--frequencies 100] [--mesh 16] [--save DIR]

Without ``--config`` the systems are those of the MD examples (same potential, same structure, [001]):

* ``lj4``, ``lj2``: argon-like Lennard-Jones fcc cut at 2.5 sigma (the registry's ``"lj"``), a = 1.5496 sigma
  = 5.276 A, masses m | 4m and m | 2m, reduced units;
* ``sige-sw``: Si Stillinger-Weber on both sides, the Ge side differing only by its mass (72.630 amu), the AGF's
  ``--potential sw`` mass-mismatch model, SI.

Everything comes from :func:`kapitza.transmission.md_systems.harmonic_spectra` (cached on disk): MD is classical,
so G uses classical occupation (k_B per mode) and does not depend on T.  G is printed in the run's display units
(reduced G* = G sigma^2 tau / k_B for ``units = "lj"``, W m^-2 K^-1 for ``metal``).  Compare the NEMD G with the
intrinsic AGF G (the two-probe one contains the leads' ballistic resistance).  The first AGF of each system takes
about a minute (the LJ force constants by finite differences dominate).
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

from kapitza.md.nemd import NemdConfig
from kapitza.md.plan import run_manifest
from kapitza.transmission.md_systems import harmonic_spectra

EXAMPLES = {
    "lj4": {"potential": "lj/cut", "units": "lj", "mass_b": 4.0},
    "lj2": {"potential": "lj/cut", "units": "lj", "mass_b": 2.0},
    "sige-sw": {"potential": "sw", "units": "metal"},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, action="append", help="a run's config.toml (repeatable)")
    parser.add_argument("--kpoints", type=int, default=8, help="AGF transverse k grid (N x N)")
    parser.add_argument("--frequencies", type=int, default=100, help="AGF frequencies")
    parser.add_argument("--mesh", type=int, default=16, help="Brillouin-zone mesh N (N^3) of the DMM spectra")
    parser.add_argument("--save", type=Path, help="folder for one <name>.npz HarmonicSpectra per system")
    args = parser.parse_args()
    if args.config:
        systems = {path.parent.name or str(path): tomllib.loads(path.read_text()) for path in args.config}
    else:
        systems = EXAMPLES
    print(f"AGF {args.kpoints}x{args.kpoints} k, {args.frequencies} frequencies; DMM mesh {args.mesh}^3; classical")
    for name, config in systems.items():
        system = run_manifest(NemdConfig(**config))  # what run.json of this config holds
        r = harmonic_spectra(system, kpoints=args.kpoints, frequencies=args.frequencies, mesh=args.mesh)
        print(
            f"{name:10s} G in {r.conductance_unit}: AGF two-probe {r.conductance_agf:.4g}, intrinsic "
            f"{r.conductance_agf_intrinsic:.4g} (ballistic A {r.ballistic_a:.4g}, B {r.ballistic_b:.4g}); "
            f"DMM {r.conductance_dmm:.4g}; omega_max A {r.omega_max_a:.4g}, B {r.omega_max_b:.4g} {r.omega_unit}"
        )
        if args.save is not None:
            args.save.mkdir(parents=True, exist_ok=True)
            r.save(args.save / f"{name}.npz")


if __name__ == "__main__":
    main()
