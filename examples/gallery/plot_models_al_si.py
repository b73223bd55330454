"""
G(T) of every model for one interface
=====================================

Al on Si from 1 to 1000 K under the diffuse mismatch model, the phonon radiation limit, the full acoustic mismatch
model and its textbook form (Debye spectra, the default ``debye`` cutoff): the T^3 law at low T, saturation above
the Debye temperatures.
"""

# %%
import numpy as np

import kapitza
from kapitza.plotting.conductance import conductance_figure

temperatures = np.geomspace(1.0, 1000.0, 61)
results = [
    kapitza.prediction.predict_model("Al", "Si", temperatures, model=m) for m in ("dmm", "limit", "amm", "amm-simple")
]
points = [kapitza.prediction.predict_model("Al", "Si", [10.0, 100.0, 300.0], model=r.model) for r in results]
for p in points:
    print(f"{p.model:10s} G(10, 100, 300 K) = " + ", ".join(f"{g / 1e6:.4g}" for g in p.conductance) + " MW m^-2 K^-1")

# %%
fig = conductance_figure(results, markers=points)
