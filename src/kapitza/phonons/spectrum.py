"""The interface every bulk phonon spectrum offers to the transmission models.

A spectrum knows, for one bulk material and one transport direction, how many
transport channels exist per unit area and per unit angular frequency,
resolved by branch (or channel group).  Debye spectra (:mod:`.debye`) and
full-dispersion spectra implement it; DMM, the radiation limit and the AMM
consume it.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from numpy.typing import NDArray


class ChannelSpectrum(Protocol):
    """Transport-channel density of one bulk material.

    Attributes
    ----------
    labels : tuple of str
        Branch (group) names, shape (n_groups,).
    breakpoints : ndarray
        Angular frequencies (rad/s) where the channel density is not smooth;
        the largest is the top of the spectrum.
    """

    labels: tuple[str, ...]

    @property
    def breakpoints(self) -> NDArray[np.float64]: ...

    def channel_density(self, omega: NDArray[np.float64]) -> NDArray[np.float64]:
        """M_b(omega) in m^-2 (rad/s)^-1, shape (n_groups, n_omega).

        The number of transport channels per unit interface area and per unit
        angular frequency, including the 1/(2 pi) Landauer factor, so that a
        channel of transmission 1 carries hbar*omega*dn/dT*M d(omega) of
        conductance per area.
        """
        ...


def total_channel_density(spectrum: ChannelSpectrum, omega: NDArray[np.float64]) -> NDArray[np.float64]:
    """Sum over groups of :meth:`ChannelSpectrum.channel_density`, shape (n_omega,)."""
    return np.atleast_2d(spectrum.channel_density(omega)).sum(axis=0)
