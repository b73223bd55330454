"""GaN-on-SiC HEMT gate hot spot: peak temperature rise vs the GaN/SiC boundary resistance.

GaN 2 um (k = 160 W/m/K) on 4H-SiC 100 um (k = 370 W/m/K at 300 K), a 1 um gate dissipating 5 W/mm (planar,
per unit gate length), sink at 300 K.  GaN/SiC TBR 1e-8 to 5e-8 m^2K/W: the range reported for AlGaN/GaN HEMTs
(Sarua et al., IEEE Trans. Electron Devices 54, 3152 (2007); Riedel et al., IEEE Electron Device Lett. 30, 103
(2009)).  Run: python examples/devices/hotspot_gan_sic.py
"""

from kapitza.devices.hotspot import HotspotLayer, hotspot_sweep

layers = [HotspotLayer(2e-6, 160.0, label="GaN"), HotspotLayer(100e-6, 370.0, label="4H-SiC")]
sweep = hotspot_sweep(layers, [3e-8], source_width=1e-6, power=5000.0, sweep_resistances=[0, 1e-8, 3e-8, 5e-8])
for r, peak, one_d, res in zip(sweep.values, sweep.peak_temperature_rise, sweep.stack_1d_rise, sweep.results):
    print(
        f"TBR {r:7.1e} m^2K/W: peak dT {peak:6.2f} K (1D estimate {one_d:7.1f} K), jump {res.interface_jumps[0]:5.2f} K"
    )
