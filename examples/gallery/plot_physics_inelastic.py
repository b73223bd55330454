"""
The inelastic channel
=====================

The numbers behind :doc:`/physics/inelastic`: the elastic DMM of Al -> Si with a phenomenological
inelastic term :math:`\\tau_\\mathrm{inel} = A T^q \\omega^m` added, and the broken detailed balance.
"""

# %%
import numpy as np

import kapitza

temperatures = np.geomspace(10.0, 1000.0, 41)
temperatures = np.union1d(temperatures, [100.0, 300.0])
elastic = kapitza.prediction.predict_model("Al", "Si", temperatures, model="dmm")
inelastic = kapitza.prediction.predict_model(
    "Al", "Si", temperatures, model="dmm", inelastic={"A": 1e-18, "q": 1.0, "m": 1.0}
)
limit = kapitza.prediction.predict_model("Al", "Si", temperatures, model="limit")
for t in (100.0, 300.0, 1000.0):
    i = int(np.argmin(np.abs(temperatures - t)))
    ge, gi = elastic.conductance[i], inelastic.conductance[i]
    print(f"T = {t:6.0f} K  elastic {ge / 1e6:7.1f}  with inelastic {gi / 1e6:7.1f} MW m^-2 K^-1")

# %%
# The inelastic term does not obey detailed balance: G(A -> B) and G(B -> A) differ.
opts = {"model": "dmm", "inelastic": {"A": 1e-18, "q": 1.0, "m": 1.0}}
ratio = kapitza.conductance("Al", "Si", 300.0, **opts) / kapitza.conductance("Si", "Al", 300.0, **opts)
print(f"G(Al->Si) / G(Si->Al) at 300 K = {ratio:.4f}")
zero = kapitza.conductance("Al", "Si", 300.0, model="dmm", inelastic={"A": 0.0, "q": 1.0, "m": 1.0})
print(f"A = 0 recovers the elastic DMM: {zero / kapitza.conductance('Al', 'Si', 300.0, model='dmm'):.15f}")

from kapitza.plotting.conductance import conductance_figure  # noqa: E402

fig = conductance_figure([elastic, inelastic, limit], title="Al -> Si: DMM, DMM + inelastic, radiation limit")
