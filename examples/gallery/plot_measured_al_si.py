"""
Measured conductances of Al/Si against the models
=================================================

The measured conductances of Al/Si interfaces in the shipped compilation (the ITR dataset; each row names its
paper), against temperature, beside the DMM and the radiation limit with Al's electron-phonon resistance in series,
as ``kapitza predict`` reports them. The same data as ``kapitza measured Al Si``.
"""

# %%
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

import kapitza
from kapitza.literature import measurements_for
from kapitza.prediction import electronic_parts

rows = measurements_for("Al", "Si")
print(f"{len(rows)} measurements from {rows.references} references, {rows.temperature.min():g}-"
      f"{rows.temperature.max():g} K, G = {rows.conductance.min() / 1e6:.3g}-{rows.conductance.max() / 1e6:.3g} "
      "MW m^-2 K^-1")  # fmt: skip
for method in sorted(set(rows.method)):
    print(f"  {method or '(not stated)'}: {sum(m == method for m in rows.method)} rows")

# %%
temperatures = np.geomspace(20.0, 600.0, 40)
fig = Figure(figsize=(6.5, 4.5))
ax = fig.subplots()
for method in sorted(set(rows.method)):
    pick = np.array([m == method for m in rows.method])
    ax.loglog(rows.temperature[pick], rows.conductance[pick] / 1e6, "o", ms=3, alpha=0.6, label=method or "?")
for model in ("dmm", "limit"):
    phonons = kapitza.prediction.predict_model("Al", "Si", temperatures, model=model)
    total = electronic_parts("Al", "Si", temperatures, [phonons]).total[0]
    ax.loglog(temperatures, total / 1e6, "-", label=f"{model} + G_ep")
    print(f"{model} with G_ep at 300 K: {np.interp(300.0, temperatures, total) / 1e6:.4g} MW m^-2 K^-1")
ax.xaxis.set_minor_formatter(NullFormatter())
ax.set_xticks([20, 50, 100, 200, 500], labels=["20", "50", "100", "200", "500"])
ax.set_xlabel("temperature (K)")
ax.set_ylabel(r"G (MW m$^{-2}$ K$^{-1}$)")
ax.grid(True, which="both", alpha=0.25)
ax.legend(fontsize=7)
