"""
DMM, radiation limit and AMM on Debye spectra
=============================================

The numbers behind :doc:`/physics/dmm`, :doc:`/physics/limit` and :doc:`/physics/amm`: G(T) of Al on Si
under the three elastic models, the low-temperature :math:`T^3` law against its closed form, the
identical-media artefact of the DMM, and the four Debye-type cutoff rules.
"""

# %%
# G(T) of Al -> Si under each model (Debye spectra, default cutoff rule).
import numpy as np

import kapitza

temperatures = np.geomspace(1.0, 1000.0, 61)
results = [
    kapitza.prediction.predict_model("Al", "Si", temperatures, model=m) for m in ("dmm", "limit", "amm", "amm-simple")
]
for r in results:
    g300 = kapitza.conductance("Al", "Si", 300.0, model=r.model)
    print(f"{r.model:10s} G(300 K) = {g300 / 1e6:7.1f} MW m^-2 K^-1")

from kapitza.plotting.conductance import conductance_figure  # noqa: E402

fig = conductance_figure(results)

# %%
# Below every cutoff a Debye branch gives :math:`M_p = g_p\omega^2/(8\pi^2 v_p^2)` and the DMM gives
# :math:`G/T^3 = (\pi^2 k_B^4/30\hbar^3)\,\sum_p g_p v_{1,p}^{-2}\,\tau_{12}`, with
# :math:`\tau_{12} = \Sigma_2/(\Sigma_1+\Sigma_2)` and :math:`\Sigma_i = \sum_p g_p/v_{i,p}^2`.
from scipy.constants import hbar, k  # noqa: E402

al, si = kapitza.get_material("Al"), kapitza.get_material("Si")
s1 = 1 / al.v_l**2 + 2 / al.v_t**2
s2 = 1 / si.v_l**2 + 2 / si.v_t**2
closed = np.pi**2 * k**4 / (30 * hbar**3) * s1 * s2 / (s1 + s2)
t_low = 0.5
numeric = kapitza.conductance("Al", "Si", t_low, model="dmm") / t_low**3
print(f"DMM G/T^3 at {t_low} K: Landauer {numeric:.6e}, closed form {closed:.6e} W m^-2 K^-4")

# %%
# Detailed balance: the elastic models give G(A -> B) = G(B -> A) at every temperature.
for model in ("dmm", "limit", "amm"):
    forward = kapitza.conductance("Al", "Si", temperatures, model=model)
    backward = kapitza.conductance("Si", "Al", temperatures, model=model)
    print(f"{model:6s} max |G(Al->Si)/G(Si->Al) - 1| = {np.max(np.abs(forward / backward - 1)):.1e}")

# %%
# Identical media: the DMM transmits one half, the radiation limit everything.
g_dmm = kapitza.conductance("Si", "Si", 300.0, model="dmm")
g_lim = kapitza.conductance("Si", "Si", 300.0, model="limit")
print(f"Si/Si at 300 K: G_DMM / G_limit = {g_dmm / g_lim:.6f}")

# %%
# The four Debye-type cutoff rules (see :doc:`/physics/cutoffs`), DMM of Al -> Si.
for cutoff in ("debye", "branch", "sine", "sine-zb"):
    g = kapitza.conductance("Al", "Si", [30.0, 300.0], model="dmm", cutoff=cutoff)
    print(f"cutoff {cutoff:8s} G(30 K) = {g[0] / 1e6:7.2f}  G(300 K) = {g[1] / 1e6:7.1f} MW m^-2 K^-1")
