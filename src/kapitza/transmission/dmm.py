r"""Diffuse mismatch model (DMM).

A phonon that reaches a diffuse interface forgets its direction and
polarisation; detailed balance then fixes the probability that it leaves into
side 2 (Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989), Eq. (21)):

.. math:: \tau_{12}(\omega) = \frac{M_2(\omega)}{M_1(\omega) + M_2(\omega)},

with :math:`M_i` the total transport-channel density of side i (all branches).
Because :math:`M_1\tau_{12} = M_1 M_2/(M_1+M_2)` is symmetric, G12 = G21
exactly.  Two identical materials give :math:`\tau = 1/2` at every frequency:
a well-known artefact of the model (a "perfect" interface between identical
halves still reflects half the phonons); it also means DMM never reduces to
"no interface" and G_DMM is half the radiation limit for identical media.

The model works with any :class:`~kapitza.phonons.ChannelSpectrum`: Debye
spectra here, full-dispersion spectra from force constants alike.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..phonons.spectrum import ChannelSpectrum
from .channel_rule import ChannelRuleModel


def dmm_transmission(channels_1: ArrayLike, channels_2: ArrayLike) -> NDArray[np.float64]:
    """tau_12 = M2 / (M1 + M2); 0 where neither side has channels.

    Parameters
    ----------
    channels_1, channels_2 : array_like
        Total channel densities of sides 1 and 2 (any common unit), same shape.
    """
    m1 = np.asarray(channels_1, dtype=float)
    m2 = np.asarray(channels_2, dtype=float)
    total = m1 + m2
    out = np.zeros(np.broadcast(m1, m2).shape)
    np.divide(m2, total, out=out, where=total > 0)
    return out


def diffuse_mismatch(side1: ChannelSpectrum, side2: ChannelSpectrum) -> ChannelRuleModel:
    """DMM between two spectra, ready for :func:`kapitza.landauer.conductance`."""
    return ChannelRuleModel(side1, side2, dmm_transmission, "dmm")
