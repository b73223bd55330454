r"""Phonon radiation limit: the largest transmission detailed balance allows.

If every channel of the side with fewer channels transmitted with certainty,
the flux 1 -> 2 would be :math:`\hbar\omega \min(M_1, M_2)`; detailed balance
forbids more.  Hence (Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989), Sec.
IV.C; Stoner & Maris, Phys. Rev. B 48, 16373 (1993))

.. math:: \tau_{12}(\omega) = \min\left(1, \frac{M_2(\omega)}{M_1(\omega)}\right),

so :math:`M_1\tau_{12} = \min(M_1, M_2)`: symmetric, and never below the DMM
value :math:`M_1M_2/(M_1+M_2)`.  Measured conductances above this limit are
evidence of inelastic (or electron-phonon) channels.

:math:`\min(M_1, M_2)` has a kink wherever the two channel densities cross.
For linear Debye spectra they cross only at branch cutoffs (both scale as
:math:`\omega^2` in between); for dispersive spectra (the sine dispersion) they
cross anywhere, so the model adds those crossings to its breakpoints: the
Landauer quadrature then keeps round-off accuracy, and G(1->2) = G(2->1).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..phonons.spectrum import ChannelSpectrum, total_channel_density
from .channel_rule import ChannelRuleModel, joint_breakpoints

#: Samples per interval between breakpoints in the search for crossings of M1 and M2.
_CROSSING_SAMPLES = 32


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


def channel_crossings(side1: ChannelSpectrum, side2: ChannelSpectrum, edges: ArrayLike) -> NDArray[np.float64]:
    """Angular frequencies (rad/s) inside the intervals between ``edges`` where M1 - M2 changes sign.

    Each interval is sampled at ``_CROSSING_SAMPLES`` points and every sign change refined to round-off by
    bisection, all brackets at once (numpy; the densities are monotone pieces between kinks, so each bracket holds
    one crossing); shape (n_crossings,).  Bisection rather than scipy.optimize.brentq: importing scipy.optimize
    was 0.6 s of a first ``kapitza.predict`` (issue 85), and the vectorised halving needs no per-root calls.
    """
    bounds = np.union1d([0.0], np.asarray(edges, dtype=float))
    low: list[float] = []
    high: list[float] = []

    def difference(w: NDArray[np.float64]) -> NDArray[np.float64]:
        return total_channel_density(side1, w) - total_channel_density(side2, w)

    for lo, hi in zip(bounds[:-1], bounds[1:]):
        # open interval: the densities may jump at the edges themselves, which are breakpoints already
        w = lo + (hi - lo) * np.linspace(1e-9, 1 - 1e-9, _CROSSING_SAMPLES)
        d = difference(w)
        for i in np.flatnonzero(d[:-1] * d[1:] < 0):
            low.append(w[i])
            high.append(w[i + 1])
    a, b = np.array(low), np.array(high)
    if a.size == 0:
        return a
    fa = difference(a)
    for _ in range(_BISECTIONS):
        mid = 0.5 * (a + b)
        if np.all((mid == a) | (mid == b)):  # round-off reached in every bracket
            break
        fm = difference(mid)
        left = np.sign(fm) == np.sign(fa)
        a, fa = np.where(left, mid, a), np.where(left, fm, fa)
        b = np.where(left, b, mid)
    return 0.5 * (a + b)


#: Most halvings of a bracket (a double's 52-bit mantissa is exhausted long before).
_BISECTIONS = 200


class RadiationLimitModel(ChannelRuleModel):
    """The radiation-limit rule with the crossings of M1 and M2 among its breakpoints."""

    @property
    def breakpoints(self) -> NDArray[np.float64]:
        """Kinks of both spectra and crossings of their channel densities (rad/s), up to the top of side 1."""
        edges = joint_breakpoints(self.side1, self.side2)
        return np.union1d(edges, channel_crossings(self.side1, self.side2, edges))


def radiation_limit(side1: ChannelSpectrum, side2: ChannelSpectrum) -> ChannelRuleModel:
    """Radiation limit between two spectra, ready for the Landauer engine."""
    return RadiationLimitModel(side1, side2, radiation_limit_transmission, "limit")
