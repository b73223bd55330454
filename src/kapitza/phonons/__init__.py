"""Phonon spectra of one bulk material: Debye and full dispersion."""

from .debye import CUTOFFS, DebyeSpectrum, branch_cutoff, debye_spectrum
from .spectrum import ChannelSpectrum, total_channel_density

__all__ = [
    "CUTOFFS",
    "ChannelSpectrum",
    "DebyeSpectrum",
    "branch_cutoff",
    "debye_spectrum",
    "total_channel_density",
]
