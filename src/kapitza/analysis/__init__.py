"""Data -> numbers, importing no simulation package: MD post-processing (:mod:`.md`), STEM-EELS thermometry
(:mod:`.eels`), TDTR/FDTR (:mod:`.thermoreflectance`) and the fits they share (:mod:`.fits`).

Everything here works on files and arrays from any simulation, so a user's own LAMMPS
output and kapitza's go through the same code.
"""

from . import md
from .fits import ModelFit, PowerLawFit, fit_model, fit_power_law, fit_thickness
from .md import *  # noqa: F403 - the MD post-processing's public names, listed once in md.__all__

__all__ = [*md.__all__, "ModelFit", "PowerLawFit", "fit_model", "fit_power_law", "fit_thickness"]
