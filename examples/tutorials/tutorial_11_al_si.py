"""
A metal on a semiconductor: Al on Si, phonons from MD, electrons from the model
================================================================================

Aluminium on silicon is the metal contact of every silicon chip. Here it is put in silicon atom by atom with one
published force field for both crystals and their cross interaction: the modified embedded-atom method (MEAM) of
Jelinek et al., Phys. Rev. B 85, 245102 (2012), which ships with LAMMPS (``examples/interfaces/Al_Si_meam.pair``).
The structure (``examples/interfaces/make_al_si.py``) is Al (001) on Si (001) in the smallest common lateral cell
the Zur-McGill search finds (rotated 26.57 degrees, 0.024 % strain on each side), relaxed with LAMMPS at the gap of
lowest energy. On the command line::

    python examples/interfaces/make_al_si.py examples/interfaces
    kapitza md run examples/interfaces/al_si_nemd.toml --run-dir al_si.run
    kapitza md analyze al_si.run
    kapitza predict Al Si -t 300

**Classical MD carries phonons only.** In aluminium the electrons carry almost all of the heat; before it can cross
into silicon (where only phonons carry it) the electrons must hand it to aluminium's phonons, through the
electron-phonon coupling g. That adds a resistance R_ep = 1/sqrt(g kappa_p) (Majumdar and Reddy, Appl. Phys. Lett.
84, 4768 (2004)) in series with the phonon resistance the MD measures. ``kapitza predict`` reports it; this page adds
it to the MD's phonon conductance. Needs ``pip install 'kapitza[md]'``.
"""

# %%
# The NEMD run, stored
# --------------------
# 792 atoms (12 Al + 9 Si cubic periods), periodic along z (two interfaces), baths at 350 and 250 K, 100 ps of
# production in 10 blocks (``examples/interfaces/al_si_nemd.toml``), stored with the files the analysis reads.
from pathlib import Path

from kapitza.analysis.md.jump import conductance_mw
from kapitza.analysis.md.regime import run_regime
from kapitza.analysis.md.response import analyze_run

try:
    here = Path(__file__).resolve().parent
except NameError:  # sphinx-gallery runs the script without __file__
    here = Path.cwd()
run_dir = here.parent / "data" / "interfaces" / "al_si_nemd"
jump = analyze_run(run_dir).jump
for i in jump.interfaces:
    print(f"interface at z = {i.position:.4g} A: Delta T = {i.delta_T:.3g} +- {i.delta_T_err:.2g} K")
g_ph = conductance_mw(jump.G, "metal")
g_ph_err = conductance_mw(jump.G_err, "metal")
print(f"phonon G (NEMD) = {g_ph:.4g} +- {g_ph_err:.2g} MW m^-2 K^-1")
print("regime:", run_regime(run_dir).message)

# %%
# Where the electrons enter
# -------------------------
# The electron-phonon conductance of aluminium from kapitza's material data (g = 2.5e17 W m^-3 K^-1 and the phonon
# conductivity of Al, room-temperature values), in series with the MD's phonon conductance:
from kapitza.prediction.interface import electronic_parts  # noqa: E402

parts = electronic_parts("Al", "Si", [300.0])
g_ep = float(parts.electron_phonon) / 1e6  # MW m^-2 K^-1
total = 1.0 / (1.0 / g_ph + 1.0 / g_ep)
print(f"electron-phonon G of Al = {g_ep:.4g} MW m^-2 K^-1")
print(f"Al|Si with electrons: 1/(1/{g_ph:.4g} + 1/{g_ep:.4g}) = {total:.4g} MW m^-2 K^-1")

# %%
# The same interface in the atomistic Green's function (harmonic, elastic; an Al (001) | Si (001) slab of the same
# force field and the same lateral cell, ``kapitza interface build Al:fcc:a=4.05 Si:diamond:a=5.431 --cells 9x8
# --fixed-periods 6 --relax Al_Si_meam.pair -o alsi_agf.extxyz`` then ``kapitza agf --structure alsi_agf.extxyz
# --pair Al_Si_meam.pair --kpoints 4 --frequencies 100``, 20 minutes on a shared, busy 2-core machine) gives 338
# (two-probe) and 447 (intrinsic) MW m^-2 K^-1 at 300 K, the intrinsic within the NEMD's error, and the
# full-dispersion DMM of its leads 508. Measured bare Al/Si interfaces at 280-320 K span 26 to 348 MW m^-2 K^-1
# (median 171, ``kapitza measured Al Si``). The how-to *Your interface, your force field*, section 8, puts the
# numbers side by side.
