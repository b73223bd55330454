"""The scalar answers: conductance, resistance and Kapitza length of a pair at temperatures, as floats or arrays
shaped like the temperatures.  They sit above :mod:`.api` (the spectra and the model) and :mod:`.answer` (the
interface with its electrons), which they call."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import InputError
from .answer import predict_interface
from .api import predict_model
from .settings import SideSpec

__all__ = ["conductance", "kapitza_length", "resistance"]


def _shape_like(values: NDArray[np.float64], temperature: ArrayLike) -> float | NDArray[np.float64]:
    return float(values[0]) if np.ndim(temperature) == 0 else values


def conductance(
    side1: SideSpec,
    side2: SideSpec,
    temperature: ArrayLike,
    model: str = "dmm",
    *,
    electrons: bool = False,
    **options: Any,
) -> float | NDArray[np.float64]:
    """Thermal boundary conductance in W m^-2 K^-1.

    A float for a scalar temperature, an ndarray of shape (n_T,) for an array.
    ``options`` are those of :func:`~kapitza.prediction.api.predict_model`.

    Parameters
    ----------
    electrons : bool
        False (default): the phonon model alone, G_ph.  True: the conductance ``kapitza predict``
        reports for the interface (:meth:`~kapitza.prediction.answer.Prediction.interface_conductance`):
        G_ph for two non-metals, G_ph in series with the metal's electron-phonon conductance,
        1/(1/G_ph + 1/G_ep), for a metal and a non-metal (Majumdar & Reddy, Appl. Phys. Lett. 84,
        4768 (2004)), the electronic DMM for two metals (Gundrum, Cahill & Averback, Phys. Rev. B 72,
        245426 (2005)); InputError where the electron data this needs are not stored.
    """
    if not isinstance(electrons, bool):
        raise InputError(f"electrons= must be True or False, got {electrons!r}")
    if not electrons:
        return _shape_like(predict_model(side1, side2, temperature, model, **options).conductance, temperature)
    found = predict_interface(side1, side2, temperature, [model], measured=False, **options)
    return _shape_like(found.interface_conductance(model), temperature)


def resistance(
    side1: SideSpec, side2: SideSpec, temperature: ArrayLike, model: str = "dmm", **options: Any
) -> float | NDArray[np.float64]:
    """Thermal boundary (Kapitza) resistance 1/G in m^2 K W^-1 (inf at T = 0)."""
    return _shape_like(predict_model(side1, side2, temperature, model, **options).resistance, temperature)


def kapitza_length(
    side1: SideSpec,
    side2: SideSpec,
    temperature: ArrayLike,
    model: str = "dmm",
    *,
    side: int | str = 1,
    **options: Any,
) -> float | NDArray[np.float64]:
    """Kapitza length kappa_side(T) * R(T) in m (the bulk thickness with the interface's resistance at T).

    Parameters
    ----------
    side : 1, 2 or a material name
        Whose bulk thermal conductivity to use: kappa(T) from the material's tabulated kappa(T) at
        each temperature (NaN where T lies outside the table, e.g. below 200 K for diamond), or the one
        conductivity of a user's material from a file.
    temperature : K, scalar or array; the result has its shape.
    """
    result = predict_model(side1, side2, temperature, model, **options)
    return _shape_like(result.kapitza_length(side), temperature)
