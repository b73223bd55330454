"""An interface mode planted in a 1D chain: kapitza.spectra.kinetic_spectrum finds it where the analytic result says.

Chain of 41 atoms, springs k = 1, a light defect (m_d = 1/2) at the centre (site 20); left of it masses 1, right
of it 1 (uniform) or 2 (heterogeneous).  Every atom has a weak Langevin thermostat (gamma = 0.02, T = 1), so the
mode, which lives above every band and so never couples to end baths, is thermalised too and has a line width
gamma = 0.02 below one bin (0.031).  32 replicas x 2 blocks of 512 samples every 0.4.  Reference:
:func:`kapitza.transmission.chain.defect_mode_frequency` (Montroll & Potts, Phys. Rev. 100, 525 (1955) for the
uniform case).  In the mode u_n = lambda_s^|n|, so the kinetic-energy density at the mode's frequency falls from the
defect to the n-th neighbour on side s by m_s lambda_s^(2n) / m_d.
"""

from __future__ import annotations

import numpy as np
import pytest

from chain_md import ChainMD
from kapitza import spectra
from kapitza.transmission.chain import defect_mode_frequency

N_ATOMS, CENTRE, M_DEFECT = 41, 20, 0.5
N_SAMPLES, EVERY, DT, GAMMA = 512, 8, 0.05, 0.02


def decay(mass, w):
    """lambda with lambda + 1/lambda = 2 - m w^2 / k, |lambda| < 1 (k = 1)."""
    b = 2 - mass * w * w
    return 0.5 * (b + np.sqrt(b * b - 4))


@pytest.mark.parametrize("mass_right", [1.0, 2.0])
def test_defect_site_spectrum_peaks_at_the_localised_mode(mass_right):
    """The defect site's kinetic spectrum peaks within one bin of defect_mode_frequency, above both band edges;
    around the peak (+-2 bins) the nearest neighbours' kinetic energy is m_s lambda_s^2 / m_d of the defect's
    within 10 % (seen: 0.222 vs 2/9 uniform; 0.287 vs 0.289 and 0.066 vs 0.065 for m | 2m), and it keeps
    falling out to the third neighbour on each side (where the band modes' Lorentzian tails take over).

    The expected ratio is derived from the localised mode u_n ~ lambda^|n| (decay, the analytic root of lambda +
    1/lambda = 2 - m w^2/k), written in the test.
    """
    masses = np.r_[np.ones(CENTRE), M_DEFECT, np.full(N_ATOMS - CENTRE - 1, mass_right)]
    md = ChainMD(masses, np.ones(N_ATOMS - 1), GAMMA, 1.0, dt=DT, replicas=32, seed=3)
    md.run(int(3 / GAMMA / DT))  # three relaxation times 1/gamma
    dts = EVERY * DT
    ke = 0.0
    for blk in md.blocks(2, N_SAMPLES, EVERY, atoms=np.arange(N_ATOMS), bonds=[0]):
        v_hat = spectra.transform(blk["v"]).reshape(N_SAMPLES // 2 + 1, -1, 1)  # replicas x atoms as atoms
        groups = np.tile(np.arange(N_ATOMS), md.replicas)
        ke = ke + spectra.kinetic_spectrum(v_hat, np.tile(masses, md.replicas), groups, N_ATOMS, N_SAMPLES, dts)
    omega = spectra.frequencies(N_SAMPLES, dts)
    w_mode = defect_mode_frequency(1.0, 1.0, mass_right, M_DEFECT)
    peak = int(np.argmax(ke[CENTRE]))
    assert abs(omega[peak] - w_mode) <= omega[1]
    assert omega[peak] > 2.0  # above the light side's band edge 2 sqrt(k/m), the higher of the two
    around = ke[:, peak - 2 : peak + 3].sum(axis=1)
    for side, mass in ((-1, 1.0), (1, mass_right)):
        expected = mass * decay(mass, w_mode) ** 2 / M_DEFECT
        assert around[CENTRE + side] / around[CENTRE] == pytest.approx(expected, rel=0.1)
        profile = around[CENTRE + side * np.arange(4)]
        assert np.all(np.diff(profile) < 0)
