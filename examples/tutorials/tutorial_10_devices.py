"""
A device design
===============

Most users meet the Kapitza resistance as one term of a design. :mod:`kapitza.devices` takes every interface
resistance from any kapitza source (a number, ``"G=..."``, a model such as ``"dmm:Au/GaN"`` evaluated at the
interface's own temperature, a power law, a saved result file) and every conductivity from a number or the
database's kappa(T). This tutorial designs with it:

1. the vertical heat path of a GaN-on-SiC transistor as a 1D stack;
2. the hot spot under its gate, in 2D, with finite elements;
3. a nanocomposite and its critical particle radius;
4. a chip cooled by liquid helium.

The command-line equivalents are ``kapitza stack FILE`` and ``kapitza device hotspot|composite|cryogenic``
(each with ``--plot`` and ``--json``).
"""

# sphinx_gallery_thumbnail_number = 2

# %%
# The stack
# ---------
# ``examples/devices/gan_on_sic.toml`` describes 200 nm of Au on 2 um of GaN on 100 um of 4H-SiC, a heat flux
# of 1e8 W m^-2 into the top and the sink at 300 K. The Au/GaN interface is ``"dmm"`` (the diffuse mismatch
# model between the two layers, at the interface's temperature, with Au's electron-phonon resistance in
# series); the GaN/SiC one is a measured-order value, 3e-8 m^2 K/W. The file format is described in
# :mod:`kapitza.devices.stack_file`.
import logging
import time
from pathlib import Path

import numpy as np

from kapitza.devices import (
    chip_in_helium,
    chip_sweep,
    composite,
    critical_radius,
    hotspot,
    hotspot_sweep,
    read_stack,
    solve_stack,
)
from kapitza.plotting.devices.cryogenic import cryogenic_figure
from kapitza.plotting.devices.hotspot import hotspot_figure
from kapitza.plotting.devices.media import composite_figure
from kapitza.plotting.devices.stack import stack_figure


def _find(relative: str) -> Path:
    """A file of the repository, whether the script runs from the repository root or its own folder."""
    here = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
    for base in (here, *here.parents):
        if (base / relative).is_file():
            return base / relative
    raise FileNotFoundError(f"{relative} not found above {here}")


# sphinx_gallery_start_ignore
logging.getLogger("skfem").setLevel(logging.WARNING)  # scikit-fem logs every assembly at INFO
# sphinx_gallery_end_ignore
stack_file = read_stack(_find("examples/devices/gan_on_sic.toml"))
print(stack_file.title)
res = solve_stack(stack_file.stack, stack_file.heat_flux, stack_file.sink_temperature)
print(f"{'term':<12}{'R (m^2 K/W)':>13}{'dT (K)':>9}{'share':>9}")
for term, r, share in res.budget:
    print(f"{term:<12}{r:>13.4g}{r * res.heat_flux:>9.4g}{100 * share:>8.2f}%")
print(f"T_top = {res.top_temperature:.2f} K; the interfaces take {100 * res.interface_share:.1f} % of the drop")

# %%
# The Kapitza length of an interface, L_K = kappa R, is the thickness of a layer that resists as much as the
# interface. Layers thinner than it are interface-dominated: here the GaN buffer is thinner than the
# GaN/SiC interface's Kapitza length on the GaN side.
names = [layer.name for layer in res.stack.layers]
for i, (above, below) in enumerate(res.kapitza_length):
    print(
        f"interface {names[i]}/{names[i + 1]} at {res.interface_temperature[i]:.1f} K: "
        f"L_K = {above * 1e9:.0f} nm of {names[i]}, {below * 1e9:.0f} nm of {names[i + 1]}"
    )
print(f"interfaces would dominate with every layer {res.crossover_scale:.3g} x as thick")

# %%
# Inside each layer the profile solves dT/dx = -q / kappa(T); each jump solves Delta T = q R at the
# interface's mean temperature, so kappa(T) and R(T) are self-consistent. Every layer is drawn the same
# width, so the 200 nm film still shows its jumps; the third panel is the two-temperature (electron and
# phonon) profile in the gold next to the Au/GaN interface.
fig_stack = stack_figure(res)

# %%
# The hot spot under the gate
# ---------------------------
# The 1D stack spreads the heat over the whole die. Under a 1 um gate dissipating 5 W per mm of gate width the
# heat is concentrated, and it spreads as it goes down: :func:`kapitza.devices.hotspot` solves the steady 2D
# conduction (planar strip) with scikit-fem, with the exact temperature jump on duplicated interface nodes,
# kappa(T) of each layer at its heat-weighted mean temperature. ``resolution=6`` keeps the mesh small for
# this page; the result's ``peak_error_estimate`` (a solve on a mesh twice as coarse) says what that costs.
layers = [("GaN", 2e-6), ("4H-SiC", 100e-6)]
t0 = time.perf_counter()
spot = hotspot(layers, [3e-8], source_width=1e-6, power=5000.0, resolution=6)
print(f"hot spot solved in {time.perf_counter() - t0:.1f} s")
print(
    f"peak rise {spot.peak_temperature_rise:.2f} K (mesh error ~{spot.peak_error_estimate:.2g} K); "
    f"{spot.interface_jumps[0]:.2f} K of it is the jump at the GaN/SiC interface under the gate"
)
print(
    f"the 1D estimate with the gate's flux: {spot.stack_1d_rise:.0f} K, {1 / spot.spreading_ratio:.0f} times too "
    "high, because the heat spreads"
)
print("kappa used:", ", ".join(f"{n} {k:.1f} W/m/K" for n, k in zip(spot.layer_labels, spot.layer_conductivities)))

# %%
# How much does the interface matter? The same gate with the GaN/SiC resistance swept:
sweep = hotspot_sweep(
    layers, [3e-8], source_width=1e-6, power=5000.0, resolution=6, sweep_resistances=[0.0, 1e-8, 3e-8, 5e-8]
)
for r, rise in zip(sweep.values, sweep.peak_temperature_rise):
    print(f"R = {r:.0e} m^2 K/W: peak rise {rise:.2f} K")
fig_hotspot = hotspot_figure(spot, sweep)

# %%
# A nanocomposite
# ---------------
# Particles of conductivity k_p in a matrix k_m with a boundary resistance R (Nan, Birringer, Clarke &
# Gleiter, J. Appl. Phys. 81, 6692 (1997)). The Kapitza radius a_K = R k_m is the matrix thickness that
# resists as much as the boundary. Below the critical radius a_c = a_K k_p / (k_p - k_m) the particles,
# although 10 times better conductors, lower the conductivity of the composite.
k_m, k_p, r_boundary = 10.0, 100.0, 1e-8
a_c = critical_radius(k_m, k_p, r_boundary)
print(f"k_m = {k_m:g}, k_p = {k_p:g} W/m/K, R = {r_boundary:g} m^2 K/W: a_K = {r_boundary * k_m * 1e9:.0f} nm, "
      f"a_c = {a_c * 1e9:.1f} nm")  # fmt: skip
for radius_nm in (20.0, 50.0, 200.0, 1000.0):
    c = composite(k_m, k_p, r_boundary, radius=radius_nm * 1e-9, volume_fraction=0.2)
    print(
        f"radius {radius_nm:6g} nm, f = 0.2: k_eff = {c.effective_conductivity:.3f} W/m/K "
        f"({'raises' if c.effective_conductivity > k_m else 'lowers'} k)"
    )
fig_composite = composite_figure(composite(k_m, k_p, r_boundary, radius=50e-9, volume_fraction=0.2))

# %%
# A chip in liquid helium
# -----------------------
# A 1 cm^2 silicon chip, 0.5 mm thick, dissipates 10 mW into a helium bath at 1.5 K; its circuit is a
# superconductor with T_c = 2 K. The heat must cross the Si/helium boundary, whose R_K grows as T^-3. Three
# sources of R_K show why the choice matters: the acoustic mismatch model (``amm:Si/He4``), the diffuse
# mismatch model, and a T^-3 power law with R_K = 2e-3 m^2 K/W at 1 K. The AMM is known to overestimate
# R_K against measurements (the "Kapitza anomaly", Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989)); a
# measured law is the safer design input.
chip = {"area": 1e-4, "thickness": 5e-4, "conductivity": "Si", "bath_temperature": 1.5, "critical_temperature": 2.0}
for spec in ("amm:Si/He4", "dmm:Si/He4", "power:2e-3,1,3"):
    he = chip_in_helium(0.01, resistance=spec, **chip)
    print(
        f"{spec:<15} R_K(1.5 K) = {he.resistance_at_bath:.3g} m^2 K/W: top face {he.top_temperature:.4g} K "
        f"({'above' if he.exceeds_critical else 'below'} T_c), "
        f"interface drop {he.interface_drop:.3g} K ({100 * he.interface_share:.1f} % of the rise); "
        f"T_c reached at {he.critical_power:.3g} W"
    )

# %%
# With the power law, the chip temperature against the dissipated power, the linear law (R_K at the bath
# temperature) against the T^4 law that follows from R_K ~ T^-3:
fig_cryogenic = cryogenic_figure(chip_sweep(np.geomspace(1e-4, 1.0, 40), resistance="power:2e-3,1,3", **chip))
