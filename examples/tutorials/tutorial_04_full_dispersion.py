"""
Full dispersion from a potential or a phonopy file
==================================================

The Debye models describe each side by its sound speeds and one cutoff. Real phonon branches bend
over towards the zone boundary and the optical bands carry no sound speed at all. The full-dispersion
DMM replaces the Debye spectra by the transport-channel density M(omega) of every band, summed over a
Brillouin-zone mesh for the chosen interface normal, from harmonic force constants: an interatomic
potential (Stillinger-Weber, Tersoff, EMT, MEAM) or your own DFT ``phonopy.yaml``.

On the command line (not run here)::

    kapitza predict Si Ge --dispersion phonopy --potential sw --normal 001 -t 10,100,300
    kapitza predict Si Ge --compare-debye -t 10,100,300 --plot cmp.png
    kapitza phonons Si --plot si.png

The meshes here are 12^3 so that the page builds in seconds; the default (24^3) is the converged one
(``kapitza phonons`` prints convergence tables). Needs ``pip install 'kapitza[phonons]'``.
"""

# %%
# Spectra from a potential
# ------------------------
# :func:`kapitza.phonons.full_dispersion_spectrum` relaxes the lattice constant under the potential,
# computes the force constants (phonopy), and sums ``|v . n|`` over the mesh, band by band. In the
# Stillinger-Weber model of Si|Ge used here both sides have Si's force constants and lattice constant,
# Ge is heavier (the mass-mismatch interface of the AGF tutorial).
import warnings

import numpy as np

import kapitza
from kapitza.phonons import full_dispersion_spectrum

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the 12^3 mesh is flagged as coarse; the default 24^3 is converged
    si = full_dispersion_spectrum("Si", "sw", "001", mesh=12)
    ge = full_dispersion_spectrum("Ge", "sw", "001", mesh=12)
print(si)
for s in (si, ge):
    top = s.omega[np.flatnonzero(s.mesh_dos.sum(axis=0) > 0)[-1]] / (2e12 * np.pi)
    print(f"{s.material}: {s.n_atoms} atoms per cell, bands {', '.join(s.labels)}; broadened DOS ends at {top:.2f} THz")

# %%
# The spectra go into :func:`kapitza.predict` like material names; the shares say which bands of
# Si carry the heat. Si's optical bands lie above Ge's highest phonon, so an elastic model cannot
# transmit them.
temperatures = np.array([10.0, 100.0, 300.0])
for model in ("dmm", "limit"):
    r = kapitza.prediction.predict_model(si, ge, temperatures, model=model)
    print(f"{model:5s}", "  ".join(f"G({t:g} K) = {g / 1e6:.4g}" for t, g in zip(r.temperature, r.conductance)))

shares = kapitza.prediction.shares(si, ge, temperatures, model="dmm")
print("share of G by incident band of Si (%):", "  ".join(shares.labels))
for t, g, row in zip(shares.temperature, shares.conductance, shares.by_branch.T):
    print(f"T = {t:5g} K   " + "  ".join(f"{100 * x / g:5.1f}" for x in row))

# %%
# Debye against full dispersion
# -----------------------------
# :func:`kapitza.prediction.compare_debye` puts the Debye DMM (database sound speeds and Debye
# temperatures) beside the full-dispersion DMM and keeps dG/domega of both.
from kapitza.prediction import compare_debye  # noqa: E402

comparison = compare_debye(si, ge, np.union1d(np.geomspace(5, 500, 25), [10.0, 100.0, 300.0]), "dmm")
for t in (10.0, 100.0, 300.0):
    i = int(np.argmin(np.abs(comparison.temperature - t)))
    print(
        f"T = {comparison.temperature[i]:6.1f} K   G Debye {comparison.debye.conductance[i] / 1e6:8.4g}   "
        f"G full {comparison.full.conductance[i] / 1e6:8.4g} MW m^-2 K^-1   full/Debye {comparison.ratio[i]:.3f}"
    )

# %%
# At room temperature the Debye model runs its branches linearly up to a cutoff above the real bands;
# at low temperature the potential's own (anisotropic) sound speeds decide. The figure: dG/domega of both
# descriptions at 300 K and G(T).
from kapitza.plotting.phonons import spectral_comparison_figure  # noqa: E402

fig_compare = spectral_comparison_figure(comparison, temperature=300.0)

# %%
# From a phonopy file
# -------------------
# A DFT workflow leaves a ``phonopy.yaml`` with ``FORCE_CONSTANTS`` (or ``FORCE_SETS``) beside it.
# kapitza reads them as data: the YAML through a safe loader (no Python tags, no code), every malformed
# file refused with one line. The files shipped in ``examples/data/phonopy/`` hold Stillinger-Weber Si,
# written by ``examples/data/phonopy/make_phonopy.py``, so the result can be checked against the
# potential's own.
from pathlib import Path  # noqa: E402

from kapitza.phonons import HarmonicCrystal  # noqa: E402
from kapitza.phonons.bands import band_structure  # noqa: E402

here = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
phonopy_yaml = here.parent / "data" / "phonopy" / "phonopy.yaml"
crystal = HarmonicCrystal.from_phonopy_file(phonopy_yaml, name="Si")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    si_file = full_dispersion_spectrum(crystal, normal="001", mesh=12)
g_file = kapitza.conductance(si_file, ge, 300.0, model="dmm")
g_potential = kapitza.conductance(si, ge, 300.0, model="dmm")
print(f"G(300 K) from the phonopy file {g_file / 1e6:.6g}, from the potential {g_potential / 1e6:.6g} MW m^-2 K^-1")

# %%
# The dispersion and density of states of the crystal read from the file (``kapitza phonons`` draws
# the same for any supported material):
from kapitza.plotting.phonons import dispersion_figure  # noqa: E402

bands = band_structure(crystal)
print(f"highest frequency on the path: {bands.omega.max() / (2e12 * np.pi):.2f} THz")
fig_dispersion = dispersion_figure(bands, si_file)
