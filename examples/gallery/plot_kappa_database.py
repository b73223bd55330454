"""
kappa(T) of the database materials
==================================

The thermal conductivity tables shipped with kapitza (``materials/data/conductivity.toml``), interpolated log-log
and never extrapolated: device models and Kapitza lengths take kappa at each layer's own temperature from them.
"""

# %%
import numpy as np
from matplotlib.figure import Figure

from kapitza.materials import conductivity as kc
from kapitza.materials import list_materials

names = [m.name for m in list_materials() if kc.has_conductivity_table(m.name)]
fig = Figure(figsize=(7.0, 5.0))
ax = fig.subplots()
for i, name in enumerate(names):
    table = kc.conductivity_table(name)
    low, high = table.range
    t = np.geomspace(low, high, 200)
    ax.loglog(t, table(t), "-" if i < 10 else "--", label=name)  # ten colours, then dashed
    at300 = f"{float(table(300.0)):.4g}" if low <= 300.0 <= high else "n/a"
    print(f"{name:10s} {low:7.3g}-{high:<6.4g} K   kappa(300 K) = {at300:>6s} W/m/K   {table.source[:60]}")
ax.set_xlabel("temperature (K)")
ax.set_ylabel(r"$\kappa$ (W m$^{-1}$ K$^{-1}$)")
ax.grid(True, which="both", alpha=0.25)
ax.legend(fontsize=7, ncol=2)
