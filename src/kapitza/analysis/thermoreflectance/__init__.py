"""Time- and frequency-domain thermoreflectance (TDTR, FDTR): the multilayer model, fits, sensitivities.

See :mod:`.sample` for the sample description and parameter names and :mod:`.model` for the physics; the fits are
:mod:`.least_squares`'s and :mod:`.posterior`'s (both importable from :mod:`.fit`), their arguments' checks
:mod:`.arguments`' and the residuals' AR(1) noise :mod:`.noise`'s.
"""

from .fit import PosteriorResult, Sampling, ThermoreflectanceFit, fit, sample_posterior
from .inputs import TRData, read_data, read_sample
from .model import (
    OBSERVABLES,
    SCALED,
    FDTRSignal,
    TDTRSignal,
    fdtr_signal,
    observable,
    simulated_columns,
    steady_heating,
    surface_response,
    tdtr_signal,
)
from .sample import Interface, Laser, Layer, Sample
from .sensitivity import Sensitivity, sensitivity

__all__ = [
    "OBSERVABLES",
    "SCALED",
    "FDTRSignal",
    "Interface",
    "Laser",
    "Layer",
    "PosteriorResult",
    "Sampling",
    "Sample",
    "Sensitivity",
    "TDTRSignal",
    "TRData",
    "ThermoreflectanceFit",
    "fdtr_signal",
    "fit",
    "observable",
    "read_data",
    "read_sample",
    "sample_posterior",
    "sensitivity",
    "simulated_columns",
    "steady_heating",
    "surface_response",
    "tdtr_signal",
]
