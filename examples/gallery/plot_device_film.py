"""
A heated film on a substrate
============================

The temperature rise of a GaN film on 100 um of 4H-SiC under 1e8 W m^-2, with and without a boundary resistance
of 3e-8 m^2 K/W, as the film thins: below the Kapitza length the interface drops more than the film itself.
The same as ``kapitza device film --film GaN --substrate 4H-SiC --resistance 3e-8 --substrate-thickness 100um``.
"""

# %%
import numpy as np

from kapitza.devices.film import film_scaling
from kapitza.plotting.devices.stack import film_figure

res = film_scaling("GaN", "4H-SiC", 3e-8, np.geomspace(10e-9, 10e-6, 7), heat_flux=1e8, substrate_thickness=100e-6)
for d, with_r, without_r, own in zip(res.film_thickness, res.rise_with, res.rise_without, res.film_drop):
    print(f"film {d * 1e9:8.4g} nm: rise {with_r:.4g} K with R, {without_r:.4g} K without; film's own {own:.4g} K")
print(f"interface and film drop the same below {res.crossover_thickness * 1e9:.4g} nm")

# %%
fig = film_figure(res)
