"""
A phase-change memory cell
==========================

A self-heated GST sphere of radius 10 nm in SiO2 with a boundary resistance of 2e-8 m^2 K/W: the interface takes
half of the temperature budget and halves the programming power. The same as ``kapitza device pcm``.
"""

# %%
import numpy as np

from kapitza.devices.phase_change import pcm_cell, pcm_sweep
from kapitza.plotting.devices.applications import pcm_figure

kw = dict(resistance=2e-8, cell_conductivity=0.5, dielectric_conductivity=1.4)
cell = pcm_cell(10e-9, **kw)
print(f"Kapitza length {cell.kapitza_length * 1e9:.3g} nm (a / L_K = {cell.radius / cell.kapitza_length:.3g})")
print("budget: " + ", ".join(f"{n} {100 * s:.3g} %" for n, s in zip(("cell", "interface", "dielectric"), cell.shares)))
print(
    f"programming power {cell.programming_power:.4g} W ({cell.programming_power_without_interface:.4g} W without R); "
    f"interface jump {cell.jump:.4g} K"
)

# %%
fig = pcm_figure(pcm_sweep(np.geomspace(1e-9, 1e-6, 91), power=cell.power, **kw), cell)
