"""
Atomistic Green's function of an interface
==========================================

The atomistic Green's function (AGF) computes the phonon transmission of an atomistic interface
exactly in the harmonic approximation: two semi-infinite perfect leads (their surface Green's
functions by decimation, Lopez Sancho et al., J. Phys. F 15, 851 (1985)) and a device region between
them; the Caroli formula gives Xi(omega, k_parallel), and the Landauer integral G(T) (Zhang, Fisher &
Mingo, Numer. Heat Transf. B 51, 333 (2007)).

On the command line (not run here; ``--output`` saves the result with its inputs, ``--workers`` or
``--address`` runs it on dask, an interrupted run resumes)::

    kapitza agf Si Ge --potential sw --normal 001 --kpoints 8 --plot xi.png --ldos-plot ldos.png --output sige.npz

This page runs a small AGF itself (4x4 transverse k-points, 100 frequencies: seconds once the force
constants, about 13 s, are in the on-disk cache); the default (8x8, 200 frequencies) is the one to quote.
Needs ``pip install 'kapitza[agf]'``.
"""

# %%
# Si | Ge with Stillinger-Weber
# -----------------------------
# Stillinger-Weber has no mixed Si-Ge parameters, so this is the *mass-mismatch* interface: Si force
# constants and lattice on both sides, Ge's atomic mass on the right (the result's notes say so;
# ``potential="tersoff-lammps"`` builds a genuine Si-Ge interface).
import numpy as np

from kapitza.transmission.agf.run import run_agf

result, model = run_agf("Si", "Ge", potential="sw", normal="001", kpoints=4, frequencies=100)
print(result)
for note in result.notes:
    print("note:", note)
print(f"{'T (K)':>6s} {'G two-probe':>12s} {'G intrinsic':>12s} {'G ballistic Si':>15s} {'G ballistic Ge':>15s}")
for t, g, gi, (gl, gr) in zip(result.temperature, result.conductance, result.intrinsic, result.ballistic.T):
    print(f"{t:6g} {g / 1e6:12.4g} {gi / 1e6:12.4g} {gl / 1e6:15.4g} {gr / 1e6:15.4g}")
print("(MW m^-2 K^-1)")

# %%
# *Two-probe* is the Landauer conductance of lead | interface | lead, what most AGF codes report. It
# contains the ballistic resistance of the two perfect leads; *intrinsic* removes it (Simons, J. Phys. C
# 7, 4048 (1974)), 1/G_int = 1/G - (1/G_L + 1/G_R)/2, and is the number to compare with NEMD.
#
# The broadening eta of the Green's functions is checked: G at 300 K again with eta/2, on one of the run's
# irreducible k-points in eight (at least one; the loss eta causes is nearly the same at every k).
check = result.broadening
if check is not None:
    g_eta, g_half = check.conductance
    print(f"G({check.temperature:g} K) = {g_eta / 1e6:.5g} at eta = {check.eta:g}, {g_half / 1e6:.5g} at eta/2")
    print(f"relative change {check.relative_change:.2g}")

# %%
# The transmission per area against the channel counts of the two perfect leads (left), and G(T)
# (right). Ge's band ends below Si's: nothing above it is transmitted elastically.
from kapitza.plotting.agf import ldos_figure, transmission_figure  # noqa: E402

fig_transmission = transmission_figure(result)
xi = result.transmission
print(xi)

# %%
# Interface modes: the local density of states plane by plane
# -----------------------------------------------------------
# :func:`kapitza.transmission.agf.ldos.local_dos` gives the LDOS of every atomic plane of the device.
# The outermost planes are bulk-like; a state that appears only on the planes next to the interface is
# an interface mode.
from kapitza.transmission.agf.ldos import local_dos  # noqa: E402

omega = 2 * np.pi * np.linspace(0.2, 16.0, 120) * 1e12
ldos = local_dos(model, omega, kpoints=4, eta=5e-3)
print(ldos)
fig_ldos = ldos_figure(ldos, planes=6)
