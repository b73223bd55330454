"""
An NEMD campaign and its analysis
=================================

Non-equilibrium molecular dynamics (NEMD) measures G the way an experiment does: a hot and a cold
bath drive a steady heat flux J through a bicrystal, and the temperature jump Delta T at the interface,
between the extrapolated bulk profiles, gives G = J / Delta T. kapitza drives LAMMPS (one TOML per
bicrystal), and analyses any temperature profile, kapitza's or your own.

The runs are minutes of LAMMPS, so this page does not run them: it reads small runs stored in
``examples/data/md/`` (Lennard-Jones fcc, masses 1 | 4, T = 0.3 epsilon/k_B, LJ reduced units), made
with the commands below (``examples/data/md/README.txt`` says exactly how)::

    kapitza md run examples/data/md/lj_small.toml                 # one run (rerun to resume)
    kapitza md analyze examples/data/md/lj_small.run --plot p.png
    kapitza md campaign examples/data/md/lj_length_campaign.toml  # three lengths of side A, on dask

Needs ``pip install 'kapitza[md]'`` to run them; the analysis below needs only numpy and scipy.
"""

# %%
# One run directory
# -----------------
# :func:`kapitza.analysis.md.response.analyze_run` reads everything from the run directory: the profile
# (LAMMPS ``fix ave/chunk``, one profile per production block), the energy each bath exchanged per block,
# the box and the config. It fits every bulk segment (exclusion zones near baths and interfaces,
# reported), extrapolates to the interface planes, and gives Delta T per block with its standard error,
# J from both baths (with a check that they agree) and G = J / Delta T with its error.
from pathlib import Path

import numpy as np

from kapitza.analysis.md.response import analyze_run

here = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
data = here.parent / "data" / "md"

run = analyze_run(data / "lj_small")
jump = run.jump
print(run)
print(f"flux J = {jump.flux:.5g} +- {jump.flux_err:.2g} ({jump.flux_source})")
for i in jump.interfaces:
    print(f"interface at z = {i.position:.4g}: Delta T = {i.delta_T:.4g} +- {i.delta_T_err:.2g}")
print(f"mean Delta T = {jump.delta_T:.4g} +- {jump.delta_T_err:.2g};  G = {jump.G:.4g} +- {jump.G_err:.2g}")
print(f"blocks dropped as transient: {jump.blocks_dropped};  steady-state trend p-value {jump.trend_pvalue:.3g}")
print(f"exclusions: {jump.exclusion}")
for w in jump.warnings:
    print("warning:", w)

# %%
# The profile with its fits: block-mean temperatures with their standard errors, the fitted bulk
# segments, the excluded zones and the extrapolated jumps.
from kapitza.analysis.md.profiles import read_profile  # noqa: E402
from kapitza.plotting.md import profile_figure  # noqa: E402

profile = read_profile(data / "lj_small" / "profile.chunk", units="lj")
print(profile)
fig_profile = profile_figure(profile, jump)

# %%
# Your own LAMMPS files
# ---------------------
# The same analysis takes any profile: a LAMMPS ``fix ave/chunk`` file (one or many blocks, appended
# runs; recognised by its three ``#`` header lines) or plain columns (position, temperature) from any
# code. You give what kapitza cannot know: the interface planes and the flux (a number, or the bath
# energies through :func:`kapitza.analysis.md.jump.flux_from_baths`). Here the stored file is read as if it
# came from elsewhere; the interfaces of this periodic box are at its low edge and half-way, and the flux
# is a number typed in (CLI: ``kapitza md analyze profile.chunk --interfaces 0,12.4 --flux 0.043``).
from kapitza.analysis.md.jump import analyze_jump  # noqa: E402

lo, hi = profile.box
own = analyze_jump(profile, interfaces=[lo, lo + (hi - lo) / 2], geometry="periodic", flux=0.043)
print(f"box {lo:.4g} .. {hi:.4g} sigma; interfaces {', '.join(f'{i.position:.4g}' for i in own.interfaces)}")
print(f"Delta T = {own.delta_T:.4g} +- {own.delta_T_err:.2g};  G = {own.G:.4g} +- {own.G_err:.2g} (flux given)")

# %%
# A campaign: G against the length of the sample
# ----------------------------------------------
# A campaign TOML is a ``[base]`` config times a ``[series]`` of lists; each member is a run directory,
# run as a dask.distributed task (a local cluster, or any scheduler with ``--address``); finished members
# are skipped on a rerun. This one varies the length of side A (6, 10, 16 fcc cells). Each member is
# analysed as above:
campaign = data / "lj_length_campaign"
members = sorted((p for p in campaign.iterdir() if p.is_dir()), key=lambda p: int(p.name.split("-")[-1]))
runs = [analyze_run(m) for m in members]
for m, r in zip(members, runs):
    j = r.jump
    print(f"{m.name:11s} G = {j.G:.4g} +- {j.G_err:.2g}   Delta T = {j.delta_T:.4g}   J = {j.flux:.4g}")

# %%
# NEMD interface resistances depend on the length of the cell (Landry & McGaughey, Phys. Rev. B 80,
# 165304 (2009)): long waves that the short cell cannot hold, and ballistic phonons between the baths.
# The thickness series: the bath-to-bath resistance of each heat path, R = R_K + L / kappa, fitted with
# weights 1/sigma^2 (:func:`kapitza.analysis.md.thickness.fit_thickness_series`; CLI ``kapitza md thickness``).
from kapitza.analysis.md.response import path_resistance  # noqa: E402
from kapitza.analysis.md.thickness import fit_thickness_series  # noqa: E402

lengths, totals, sigmas = np.array([path_resistance(r) for r in runs]).T
for length, total, sigma in zip(lengths, totals, sigmas):
    print(f"path length {length:6.4g} sigma   R bath-to-bath = {total:.4g} +- {sigma:.2g}")
fit = fit_thickness_series(lengths, totals, sigmas)
print(fit)

# %%
# Read the numbers as they are: in these three short cells the bath-to-bath resistance *falls* as the
# cell grows (printed above), so the fit finds no positive 1/kappa and reports kappa as NaN, and its
# intercept is the extrapolation of a falling line, not an interface resistance. Cells this short (6 to
# 16 cells of A, 3x3 across, 20,000 production steps) are far from the diffusive regime the linear law
# assumes; a length series that means something needs longer cells and longer runs (hours on two cores).
# A campaign that varies the temperature or the bath
# difference gives G(T) and J(Delta T) through :func:`kapitza.analysis.md.response.summarize_runs` and
# :func:`kapitza.plotting.md_response.response_figure` in the same way.
slope_sign = np.sign(np.polyfit(lengths, totals, 1)[0])
print(f"sign of dR/dL: {slope_sign:+.0f};  fitted intercept R_K = {fit.R_K:.4g} +- {fit.R_K_err:.2g}")
