"""Phonon spectra of one bulk material: Debye and full dispersion, and any crystal from its structure."""

from .crystal import default_potential, supported_materials
from .debye import CUTOFFS, DebyeSpectrum, SineSpectrum, branch_cutoff, debye_spectrum, sine_spectrum
from .from_structure import PhononSettings, StructurePhonons, crystal_phonons
from .full_dispersion import FullDispersionSpectrum, full_dispersion_spectrum
from .harmonic import HarmonicCrystal
from .spectrum import ChannelSpectrum, total_channel_density

__all__ = [
    "CUTOFFS",
    "ChannelSpectrum",
    "DebyeSpectrum",
    "FullDispersionSpectrum",
    "HarmonicCrystal",
    "PhononSettings",
    "SineSpectrum",
    "StructurePhonons",
    "branch_cutoff",
    "crystal_phonons",
    "debye_spectrum",
    "default_potential",
    "full_dispersion_spectrum",
    "sine_spectrum",
    "supported_materials",
    "total_channel_density",
]
