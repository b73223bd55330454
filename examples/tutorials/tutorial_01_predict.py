"""
Predict and compare models
==========================

The main job: the thermal boundary conductance of an interface under every model.
"""

# %%
# Al on Si from 10 to 500 K under the diffuse mismatch model.
import numpy as np

import kapitza

result = kapitza.predict("Al", "Si", np.geomspace(10, 500, 6), model="dmm")
for t, g in zip(result.temperature, result.conductance):
    print(f"T = {t:6.1f} K   G = {g / 1e6:8.2f} MW m^-2 K^-1")

# %%
# The same interface drawn.
from kapitza.plotting.conductance import plot_conductance  # noqa: E402

fig = plot_conductance([result])
