"""Harmonic predictions (full-dispersion DMM, optionally AGF) for the NEMD example systems, classical statistics.

Usage::

    PYTHONPATH=src python scripts/md_systems_predictions.py [--mesh 24] [--agf]

The systems are those of the MD runs (same potential, same structure, [001]):

* ``lj4``, ``lj2``: argon-like Lennard-Jones fcc cut at 2.5 sigma (the registry's ``"lj"``), a = 1.5496 sigma
  = 5.276 A, masses m | 4m and m | 2m with m = 39.948 amu;
* ``sige-sw``: Si Stillinger-Weber on both sides, the Ge side differing only by its mass (72.630 amu), the AGF's
  ``--potential sw`` mass-mismatch model.

MD is classical, so G uses classical occupation (k_B per mode): with a temperature-independent transmission it
does not depend on T at all.  The DMM is the full-dispersion DMM of :mod:`kapitza.transmission.dmm` on
:func:`kapitza.phonons.full_dispersion_spectrum` spectra of bulk crystals built from the same force constants
(phonopy, finite displacements for LJ, the analytic Hessian for SW), with the mass changed on the heavy side.
``--agf`` also runs :func:`kapitza.transmission.agf.run.run_agf` (8x8 k, 100 frequencies, about a minute each).
G is printed in W m^-2 K^-1 and, for LJ, in reduced units G* = G sigma^2 tau / k_B, tau = sigma sqrt(m / epsilon).
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from kapitza.atomistic.bicrystal import LJ_FCC_LATTICE_CONSTANT
from kapitza.atomistic.potentials import LJ_ARGON, get_potential
from kapitza.landauer import conductance
from kapitza.phonons import full_dispersion_spectrum
from kapitza.phonons.crystal import FCC_PRIMITIVE
from kapitza.phonons.harmonic import HarmonicCrystal
from kapitza.transmission.dmm import diffuse_mismatch
from kapitza.units import ANGSTROM, KB

AMU = 1.66053906660e-27
EV = 1.602176634e-19
M_AR = float(LJ_ARGON["mass_amu"])
SIGMA = float(LJ_ARGON["sigma_A"]) * ANGSTROM
EPSILON = float(LJ_ARGON["epsilon_eV"]) * EV
TAU = SIGMA * math.sqrt(M_AR * AMU / EPSILON)
#: G (W m^-2 K^-1) per unit of reduced G* = G sigma^2 tau / k_B.
G_UNIT = KB / (SIGMA**2 * TAU)
#: MD temperatures: LJ T* = 0.3 (K), Si/Ge 300 K.
T_LJ = 0.3 * EPSILON / KB
T_SIGE = 300.0


def lj_crystal(mass_amu: float) -> HarmonicCrystal:
    """Argon-like LJ fcc at a = 1.5496 sigma, force constants from 0.01 A displacements in a 4x4x4 cell."""
    from ase.build import bulk
    from phonopy import Phonopy
    from phonopy.structure.atoms import PhonopyAtoms

    a = LJ_FCC_LATTICE_CONSTANT * float(LJ_ARGON["sigma_A"])
    unit = bulk("Ar", "fcc", a=a, cubic=True)
    cell = PhonopyAtoms(
        symbols=unit.get_chemical_symbols(),
        cell=np.asarray(unit.cell),
        scaled_positions=unit.get_scaled_positions(),
        masses=[mass_amu] * len(unit),
    )
    ph = Phonopy(cell, supercell_matrix=np.eye(3, dtype=int) * 4, primitive_matrix=FCC_PRIMITIVE)
    ph.generate_displacements(distance=0.01)
    calc = get_potential("lj", ["Ar"]).calculator()
    forces = []
    from ase import Atoms

    for sc in ph.supercells_with_displacements:
        atoms = Atoms(sc.symbols, cell=sc.cell, scaled_positions=sc.scaled_positions, pbc=True)
        atoms.calc = calc
        forces.append(atoms.get_forces())
    ph.forces = np.array(forces)
    ph.produce_force_constants()
    ph.symmetrize_force_constants()
    return HarmonicCrystal(
        name=f"LJ Ar {mass_amu:g} amu",
        source=f"argon-like LJ cut at 2.5 sigma, a = {a:.4f} A, 4x4x4 supercell, 0.01 A displacements",
        phonopy=ph,
        lattice_constant=a * ANGSTROM,
    )


def sw_si_crystal(mass_amu: float | None) -> HarmonicCrystal:
    """Si Stillinger-Weber (its own lattice constant); with ``mass_amu`` every atom gets that mass."""
    crystal = HarmonicCrystal.from_potential("Si", "sw")
    if mass_amu is not None:
        crystal.phonopy.masses = [mass_amu] * len(crystal.phonopy.primitive)
        crystal = HarmonicCrystal(
            name=f"Si(SW) with mass {mass_amu:g} amu",
            source=crystal.source + f"; mass {mass_amu:g} amu",
            phonopy=crystal.phonopy,
            lattice_constant=crystal.lattice_constant,
        )
    return crystal


def dmm(side1: HarmonicCrystal, side2: HarmonicCrystal, temperature: float, mesh: int) -> tuple[float, float]:
    """(classical, Bose-Einstein) full-dispersion DMM G at ``temperature`` (K), W m^-2 K^-1, side 1 -> side 2."""
    s1 = full_dispersion_spectrum(side1, normal="001", mesh=mesh)
    s2 = full_dispersion_spectrum(side2, normal="001", mesh=mesh)
    model = diffuse_mismatch(s1, s2)
    g_cl = float(conductance(model, [temperature], "classical").conductance[0])
    g_be = float(conductance(model, [temperature], "bose-einstein").conductance[0])
    return g_cl, g_be


def agf(left: str, right: str, potential: str, masses: tuple[float, float] | None, temperature: float):
    from kapitza.transmission.agf.run import run_agf

    result, _ = run_agf(
        left,
        right,
        potential=potential,
        masses_amu=masses,
        statistics="classical",
        temperature=[temperature],
        kpoints=8,
        frequencies=100,
    )
    return float(result.conductance[0]), float(result.intrinsic[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mesh", type=int, default=24, help="Brillouin-zone mesh N (N^3) of the DMM spectra")
    parser.add_argument("--agf", action="store_true", help="also run the AGF (about a minute per system)")
    args = parser.parse_args()
    print(f"LJ units: sigma = {SIGMA / ANGSTROM:g} A, epsilon = {EPSILON / EV:g} eV, m = {M_AR:g} amu, ")
    print(f"  tau = {TAU:.5g} s, G* = 1 <-> {G_UNIT:.5g} W m^-2 K^-1; T* = 0.3 <-> {T_LJ:.4g} K")
    light = lj_crystal(M_AR)
    rows = []
    for label, ratio in (("lj4", 4), ("lj2", 2)):
        heavy = lj_crystal(ratio * M_AR)
        g_cl, g_be = dmm(light, heavy, T_LJ, args.mesh)
        extra = agf("Ar", "Ar", "lj", (M_AR, ratio * M_AR), T_LJ) if args.agf else None
        rows.append((label, T_LJ, g_cl, g_be, extra, True))
    from ase.data import atomic_masses, atomic_numbers

    g_cl, g_be = dmm(sw_si_crystal(None), sw_si_crystal(float(atomic_masses[atomic_numbers["Ge"]])), T_SIGE, args.mesh)
    extra = agf("Si", "Ge", "sw", None, T_SIGE) if args.agf else None
    rows.append(("sige-sw", T_SIGE, g_cl, g_be, extra, False))
    print(f"full-dispersion DMM, mesh {args.mesh}^3, [001], G in MW m^-2 K^-1 (reduced G* for LJ)")
    for label, t, g_cl, g_be, extra, reduced in rows:
        line = f"{label:8s} T = {t:7.3f} K  DMM classical {g_cl / 1e6:9.4g}  DMM Bose-Einstein {g_be / 1e6:9.4g}"
        if reduced:
            line += f"  DMM G*_cl = {g_cl / G_UNIT:.4g}"
        if extra is not None:
            line += f"  AGF classical two-probe {extra[0] / 1e6:.4g}, intrinsic {extra[1] / 1e6:.4g}"
            if reduced:
                line += f" (G* {extra[0] / G_UNIT:.4g}, {extra[1] / G_UNIT:.4g})"
        print(line)


if __name__ == "__main__":
    main()
