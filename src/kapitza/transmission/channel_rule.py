"""Models whose transmission is a rule on the two total channel densities.

DMM and the radiation limit both give tau_12(omega) = f(M1(omega), M2(omega))
with no memory of angle or branch.  :class:`ChannelRuleModel` evaluates such a
rule for any pair of :class:`~kapitza.phonons.ChannelSpectrum` objects and
hands the Landauer engine M_1,b * tau_12 per branch b of side 1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..phonons.spectrum import ChannelSpectrum, total_channel_density

Rule = Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.float64]]


def joint_breakpoints(side1: ChannelSpectrum, side2: ChannelSpectrum) -> NDArray[np.float64]:
    """Kinks of both spectra (rad/s), up to the top of side 1 (nothing is incident above it)."""
    bp = np.union1d(side1.breakpoints, side2.breakpoints)
    return bp[bp <= np.max(side1.breakpoints)]


@dataclass(frozen=True)
class ChannelRuleModel:
    """tau_12 = rule(M1, M2) between two spectra.

    Attributes
    ----------
    side1, side2 : ChannelSpectrum
        Incident and receiving sides.
    rule : callable
        ``rule(M1, M2) -> tau_12``, elementwise on arrays of shape (n_omega,).
    name : str
        Model name for reports.
    """

    side1: ChannelSpectrum
    side2: ChannelSpectrum
    rule: Rule
    name: str

    @property
    def labels(self) -> tuple[str, ...]:
        """Branch labels of side 1."""
        return self.side1.labels

    @property
    def breakpoints(self) -> NDArray[np.float64]:
        """Kinks of both spectra (rad/s), up to the top of side 1."""
        return joint_breakpoints(self.side1, self.side2)

    def transmission(self, omega: ArrayLike) -> NDArray[np.float64]:
        """tau_12(omega), shape (n_omega,)."""
        w = np.atleast_1d(np.asarray(omega, dtype=float))
        return self.rule(total_channel_density(self.side1, w), total_channel_density(self.side2, w))

    def transmitted_channels(self, omega: ArrayLike, temperature: ArrayLike | None = None) -> NDArray[np.float64]:
        """M_1,b * tau_12 per branch of side 1, m^-2 (rad/s)^-1, shape (1, n_b, n_omega).

        Elastic: independent of ``temperature`` (K), hence the leading axis of length 1.
        """
        w = np.atleast_1d(np.asarray(omega, dtype=float))
        m1 = np.atleast_2d(self.side1.channel_density(w))
        m2 = total_channel_density(self.side2, w)
        return (m1 * self.rule(m1.sum(axis=0), m2)[None, :])[None]
