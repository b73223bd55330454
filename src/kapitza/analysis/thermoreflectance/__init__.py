"""Time- and frequency-domain thermoreflectance (TDTR, FDTR): the multilayer model, fits, sensitivities.

See :mod:`.sample` for the sample description and parameter names and :mod:`.model` for the physics.
"""

from .sample import Interface, Laser, Layer, Sample

__all__ = ["Interface", "Laser", "Layer", "Sample"]
