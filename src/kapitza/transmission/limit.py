r"""Phonon radiation limit: the largest transmission detailed balance allows.

If every channel of the side with fewer channels transmitted with certainty,
the flux 1 -> 2 would be :math:`\hbar\omega \min(M_1, M_2)`; detailed balance
forbids more.  Hence (Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989), Sec.
IV.C; Stoner & Maris, Phys. Rev. B 48, 16373 (1993))

.. math:: \tau_{12}(\omega) = \min\left(1, \frac{M_2(\omega)}{M_1(\omega)}\right),

so :math:`M_1\tau_{12} = \min(M_1, M_2)`: symmetric, and never below the DMM
value :math:`M_1M_2/(M_1+M_2)`.  Measured conductances above this limit are
evidence of inelastic (or electron-phonon) channels.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..phonons.spectrum import ChannelSpectrum
from .channel_rule import ChannelRuleModel


def radiation_limit_transmission(channels_1: ArrayLike, channels_2: ArrayLike) -> NDArray[np.float64]:
    """tau_12 = min(1, M2/M1); 0 where side 1 has no channels.

    Parameters
    ----------
    channels_1, channels_2 : array_like
        Total channel densities of sides 1 and 2, same shape.
    """
    m1 = np.asarray(channels_1, dtype=float)
    m2 = np.asarray(channels_2, dtype=float)
    ratio = np.zeros(np.broadcast(m1, m2).shape)
    np.divide(m2, m1, out=ratio, where=m1 > 0)
    return np.minimum(1.0, ratio)


def radiation_limit(side1: ChannelSpectrum, side2: ChannelSpectrum) -> ChannelRuleModel:
    """Radiation limit between two spectra, ready for the Landauer engine."""
    return ChannelRuleModel(side1, side2, radiation_limit_transmission, "limit")
