"""A published FDTR example: phase vs modulation frequency of 100 nm Al on sapphire (issue 14, "Tests").

Source.  The MATLAB package TDTR_FDTR_vH4 (G. T. Hohensee, github.com/gthohensee/TDTR_FDTR_vH4,
derived from J. P. Feser's scripts on D. G. Cahill's site) ships, in
``FDTR_vH4/reference scripts and output/``, the file
``Schmidt_FDTR_modeled_data_100nmAl_on_sapphire.txt``: 26 points (frequency in Hz, phase in
degrees) of the FDTR model of A. J. Schmidt (Schmidt, Cheaito & Chiesa, RSI 80, 094901 (2009)) for
100 nm Al on sapphire, and ``FDTR_Example.m``, which states the stack and beams it is compared with:

=============  ===========  ==================  ==============
layer          thickness    C (J m^-3 K^-1)     k (W m^-1 K^-1)
=============  ===========  ==================  ==============
Al             100 nm       2.43e6              180
interface      1 nm         0.1e6               0.1  (i.e. G = k/d = 1e8 W m^-2 K^-1)
sapphire       500 um       3.1e6               35
=============  ===========  ==================  ==============

pump and probe 1/e^2 radii 6 um, isotropic layers.  Only these numbers were taken (no code).

What we found (with kapitza's model and, independently, a direct scipy.integrate.quad of the same
Hankel integral written for this check): with k_sapphire = 35 W/m/K as the example script states,
the curve is 1.7 to 2.5 degrees below the tabulated phase at every frequency; with every other input
as stated, k_sapphire = 46 W/m/K reproduces all 26 points within 0.3 degree (a one-parameter fit
gives 46.5 W/m/K).  So the sapphire conductivity behind the tabulated curve is not the script's 35
but ~46 W/m/K (about the upper end of room-temperature values quoted for sapphire); we use 46 and
say so.  A joint least-squares fit of the spot radius and k_sapphire (run by the lead while merging)
gives w = 5.996 um and k = 46.48 W/m/K: the stated 6 um radius comes back, so the 1/e^2-radius
convention and the Hankel weight agree with Schmidt's, and only the sapphire conductivity differs.
The points are at irregular frequencies with phases such as -15.060729: digitised from a
plot, so a few tenths of a degree is the reading error; tolerance 0.5 degree.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from kapitza.analysis.thermoreflectance import Interface, Laser, Layer, Sample
from kapitza.analysis.thermoreflectance.model import fdtr_signal

# Schmidt_FDTR_modeled_data_100nmAl_on_sapphire.txt (TDTR_FDTR_vH4): frequency (Hz), phase (degrees).
SCHMIDT_AL_SAPPHIRE = np.array(
    [
        [50000.0, -15.060729],
        [57913.625, -15.69838],
        [70446.875, -16.902834],
        [87816.84, -18.107288],
        [106821.53, -19.382591],
        [134251.75, -20.657894],
        [172908.45, -22.145748],
        [235791.3, -23.987854],
        [301216.66, -25.334007],
        [369406.9, -26.467611],
        [464265.22, -27.601215],
        [564738.2, -28.451418],
        [877565.1, -30.08097],
        [1102911.0, -30.789474],
        [1408937.5, -31.214575],
        [2050990.2, -31.781376],
        [2598781.5, -32.064777],
        [3458169.0, -32.27733],
        [4564336.0, -32.56073],
        [5926781.5, -33.05668],
        [7448692.5, -33.55263],
        [9438136.0, -34.331985],
        [1.1669636e7, -35.394737],
        [1.4195094e7, -36.45749],
        [1.6849388e7, -37.73279],
        [2.0163924e7, -39.291496],
    ]
)
K_SAPPHIRE = 46.0  # W/m/K: see the module docstring (the script's 35 does not reproduce the curve)


def _example(k_sapphire: float, *, interface_layer: bool) -> Sample:
    """The FDTR_Example.m stack.  ``interface_layer``: the interface as the script writes it (a 1 nm
    layer of k = 0.1 W/m/K, C = 0.1e6 J/m^3/K, in perfect contact) or as kapitza's conductance
    G = k/d = 1e8 W m^-2 K^-1; sapphire 500 um thick (finite, adiabatic back) as in the script."""
    al = Layer("Al", 100e-9, heat_capacity=2.43e6, k_z=180.0, k_r=180.0)
    sapphire = Layer("sapphire", 500e-6, heat_capacity=3.1e6, k_z=k_sapphire, k_r=k_sapphire)
    laser = Laser(pump_radius=6e-6, probe_radius=6e-6)
    if interface_layer:
        gap = Layer("gap", 1e-9, heat_capacity=0.1e6, k_z=0.1, k_r=0.1)
        return Sample(
            layers=(al, gap, sapphire),
            interfaces=(Interface("top", math.inf), Interface("bottom", math.inf)),
            laser=laser,
        )
    return Sample(layers=(al, sapphire), interfaces=(Interface("AlSapphire", 1e8),), laser=laser)


@pytest.mark.parametrize("interface_layer", [True, False])
def test_schmidt_fdtr_phase_al_on_sapphire(interface_layer: bool) -> None:
    """kapitza's FDTR phase at the published inputs (k_sapphire = 46 W/m/K, see the module docstring)
    matches Schmidt's modeled curve at all 26 points within 0.5 degree (digitised-plot reading error
    plus the unstated sapphire conductivity), and its mean offset is below 0.25 degree."""
    f, reference = SCHMIDT_AL_SAPPHIRE[:, 0], SCHMIDT_AL_SAPPHIRE[:, 1]
    phase = fdtr_signal(_example(K_SAPPHIRE, interface_layer=interface_layer), f).phase_deg
    residual = phase - reference
    assert np.max(np.abs(residual)) < 0.5
    assert abs(float(np.mean(residual))) < 0.25


@pytest.mark.parity
def test_interface_as_thin_layer_equals_conductance() -> None:
    """The example writes its interface as a 1 nm layer with k = 0.1 W/m/K and C = 0.1e6 J/m^3/K;
    kapitza's interface is a conductance with C = 0.  Their difference is the layer's heat capacity
    (omega C d = 1.3e4 W m^-2 K^-1 against G = 1e8 at 20 MHz) and its in-plane spreading k d u^2
    (1e-10 W/K times u^2 ~ 1e11 m^-2, against G): both ~1e-4 of G; agreement within 0.02 degree."""
    f = SCHMIDT_AL_SAPPHIRE[:, 0]
    as_layer = fdtr_signal(_example(K_SAPPHIRE, interface_layer=True), f).phase_deg
    as_conductance = fdtr_signal(_example(K_SAPPHIRE, interface_layer=False), f).phase_deg
    np.testing.assert_allclose(as_layer, as_conductance, atol=0.02)


def test_stated_sapphire_conductivity_is_off_by_two_degrees() -> None:
    """Records the finding in the module docstring: with the script's k_sapphire = 35 W/m/K every
    point lies 1.5-2.7 degrees below the tabulated curve (an independent scipy quad integration gave
    1.7-2.5), so a model that matched with 35 would disagree with Schmidt's own curve."""
    f, reference = SCHMIDT_AL_SAPPHIRE[:, 0], SCHMIDT_AL_SAPPHIRE[:, 1]
    residual = fdtr_signal(_example(35.0, interface_layer=False), f).phase_deg - reference
    assert np.all(residual < -1.5)
    assert np.all(residual > -2.7)


def test_sapphire_conductivity_fitted_to_the_curve() -> None:
    """A one-parameter least-squares fit of k_sapphire to the 26 tabulated phases (all else as
    published) gives 46.5 W/m/K with an independent scipy.integrate.quad implementation of the same
    Hankel integral (written for this check, not kapitza's quadrature); kapitza's model must land
    within 1 W/m/K of it (what a 0.2-degree digitising bias would shift: 11 W/m/K moves the curve
    ~2 degrees) with an rms residual below 0.2 degree."""
    from scipy.optimize import minimize_scalar

    f, reference = SCHMIDT_AL_SAPPHIRE[:, 0], SCHMIDT_AL_SAPPHIRE[:, 1]

    def cost(k: float) -> float:
        return float(np.sum((fdtr_signal(_example(k, interface_layer=False), f).phase_deg - reference) ** 2))

    best = minimize_scalar(cost, bounds=(30.0, 60.0), method="bounded", options={"xatol": 0.01})
    assert best.x == pytest.approx(46.5, abs=1.0)
    assert math.sqrt(best.fun / f.size) < 0.2
