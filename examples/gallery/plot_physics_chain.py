"""
The 1D atomic chain: exact transmission
=======================================

The numbers behind :doc:`/physics/chain`: the exact transmission of a Si-like / Ge-like chain junction
against its long-wavelength (1D acoustic mismatch) limit.
"""

# %%
import numpy as np

import kapitza
from kapitza.plotting.canvas import figure
from kapitza.transmission.chain import band_edge, long_wavelength_transmission

amu = 1.66053906660e-27
m1, m2, k1, k2, k12 = 28.0855 * amu, 72.63 * amu, 10.0, 9.0, 6.0
edge = min(band_edge(m1, k1), band_edge(m2, k2))
omega = np.linspace(0.0, 1.2 * edge, 600)[1:]
tau = kapitza.chain_transmission(omega, m1, m2, k1, k2, k12)
print(f"band edges: {band_edge(m1, k1) / 1e12:.3f} and {band_edge(m2, k2) / 1e12:.3f} rad/ps")
print(f"tau(omega -> 0) = {float(tau[0]):.6f}, 4 Z1 Z2/(Z1+Z2)^2 = {long_wavelength_transmission(m1, m2, k1, k2):.6f}")
identical = kapitza.chain_transmission(omega[omega < band_edge(m1, k1)], m1, m1, k1, k1, k1)
print(f"identical chains, k12 = k: max |tau - 1| = {np.max(np.abs(identical - 1)):.1e}")

fig = figure(figsize=(6.0, 4.0))
ax = fig.subplots()
ax.plot(omega / 1e12, tau)
ax.axvline(edge / 1e12, ls=":", color="grey")
ax.set_xlabel("angular frequency (rad/ps)")
ax.set_ylabel("transmission")
ax.set_title("Si-like / Ge-like chain, k12 = 6 N/m")
