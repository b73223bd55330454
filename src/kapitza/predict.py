"""Public prediction API: conductance, resistance and Kapitza length of an interface.

``side1`` is where phonons come from and heat flows 1 -> 2.  Sides are
material names (looked up in the shipped database, case-insensitive, with
aliases), paths to a user's material file, or :class:`~kapitza.Material`
objects.  Every model reaches G(T) through :mod:`kapitza.landauer`.

Units: temperature in K; conductance in W m^-2 K^-1; resistance in m^2 K W^-1;
Kapitza length in m.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import landauer
from .errors import InputError
from .materials import Material, get_material
from .phonons.debye import CUTOFFS, debye_spectrum
from .transmission.amm import acoustic_mismatch
from .transmission.dmm import diffuse_mismatch
from .transmission.inelastic import InelasticChannel, InelasticParameters
from .transmission.limit import radiation_limit

MaterialSpec = str | os.PathLike | Material


@dataclass(frozen=True)
class Settings:
    """Choices that, with the two materials and the model, determine G(T).

    Attributes
    ----------
    cutoff : {"branch", "debye"}
        Debye cutoff rule (see :mod:`kapitza.phonons.debye`).
    statistics : {"bose-einstein", "classical"}
        Phonon occupation used in the Landauer integral.
    inelastic : InelasticParameters or None
        The inelastic channel tau_inel = A T^q omega^m added to the model, or
        None for the elastic model alone (see :mod:`kapitza.transmission.inelastic`).
        A mapping ``{"A": ..., "q": ..., "m": ...}`` is converted on construction.
    """

    cutoff: str = "branch"
    statistics: str = "bose-einstein"
    inelastic: InelasticParameters | None = None

    def __post_init__(self) -> None:
        if self.cutoff not in CUTOFFS:
            raise InputError(f"unknown cutoff rule {self.cutoff!r}; expected one of {', '.join(CUTOFFS)}")
        landauer.validate_statistics(self.statistics)
        if self.inelastic is not None:
            object.__setattr__(self, "inelastic", InelasticParameters.from_mapping(self.inelastic))


Builder = Callable[[Material, Material, Settings], landauer.TransmittedChannels]


@dataclass(frozen=True)
class ModelInfo:
    """An interface model as the prediction API offers it.

    Attributes
    ----------
    name : str
        Name used in ``model=`` and on the command line.
    description : str
        One line for tables and help texts.
    reference : str
        Where the model comes from.
    build : callable
        ``build(side1, side2, settings) -> TransmittedChannels``.
    """

    name: str
    description: str
    reference: str
    build: Builder


def _build_dmm(m1: Material, m2: Material, s: Settings) -> landauer.TransmittedChannels:
    return diffuse_mismatch(debye_spectrum(m1, s.cutoff), debye_spectrum(m2, s.cutoff))


def _build_limit(m1: Material, m2: Material, s: Settings) -> landauer.TransmittedChannels:
    return radiation_limit(debye_spectrum(m1, s.cutoff), debye_spectrum(m2, s.cutoff))


def _build_amm(m1: Material, m2: Material, s: Settings) -> landauer.TransmittedChannels:
    return acoustic_mismatch(m1, m2, debye_spectrum(m1, s.cutoff), debye_spectrum(m2, s.cutoff), "amm")


def _build_amm_simple(m1: Material, m2: Material, s: Settings) -> landauer.TransmittedChannels:
    return acoustic_mismatch(m1, m2, debye_spectrum(m1, s.cutoff), debye_spectrum(m2, s.cutoff), "amm-simple")


MODELS: Mapping[str, ModelInfo] = MappingProxyType(
    {
        "dmm": ModelInfo(
            "dmm",
            "diffuse mismatch: tau = M2/(M1+M2)",
            "Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989)",
            _build_dmm,
        ),
        "limit": ModelInfo(
            "limit",
            "phonon radiation limit: tau = min(1, M2/M1)",
            "Swartz & Pohl (1989); Stoner & Maris, Phys. Rev. B 48, 16373 (1993)",
            _build_limit,
        ),
        "amm": ModelInfo(
            "amm",
            "acoustic mismatch, full elasticity: mode conversion, critical angles, fluids",
            "Khalatnikov, Zh. Eksp. Teor. Fiz. 22, 687 (1952); Little, Can. J. Phys. 37, 334 (1959)",
            _build_amm,
        ),
        "amm-simple": ModelInfo(
            "amm-simple",
            "acoustic mismatch, textbook form: 4 Z1 Z2 c1 c2/(Z1 c2 + Z2 c1)^2, no mode conversion",
            "Little (1959); Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989)",
            _build_amm_simple,
        ),
    }
)


def available_models() -> tuple[str, ...]:
    """Names accepted by ``model=``."""
    return tuple(MODELS)


def get_model(name: str) -> ModelInfo:
    """Look up a model by name (case-insensitive); unknown names raise InputError."""
    key = str(name).strip().lower()
    if key not in MODELS:
        raise InputError(f"unknown model {name!r}; available models: {', '.join(MODELS)}")
    return MODELS[key]


@dataclass(frozen=True)
class ConductanceResult:
    """Thermal boundary conductance of one interface under one model.

    Attributes
    ----------
    side1, side2 : Material
        Incident side (heat comes from here) and receiving side.
    model : str
        Model name.
    temperature : ndarray
        Temperatures in K, shape (n_T,).
    conductance : ndarray
        G in W m^-2 K^-1, shape (n_T,).
    by_branch : ndarray
        Contribution of each incident branch of side 1, W m^-2 K^-1, shape (n_branches, n_T).
    branch_labels : tuple of str
        Names of the branches in ``by_branch``.
    settings : Settings
        Cutoff rule and statistics used.
    """

    side1: Material
    side2: Material
    model: str
    temperature: NDArray[np.float64]
    conductance: NDArray[np.float64]
    by_branch: NDArray[np.float64]
    branch_labels: tuple[str, ...]
    settings: Settings = field(default_factory=Settings)

    @property
    def resistance(self) -> NDArray[np.float64]:
        """R = 1/G in m^2 K W^-1 (inf where G = 0, e.g. at T = 0), shape (n_T,)."""
        return _reciprocal(self.conductance)

    @property
    def resistance_t3(self) -> NDArray[np.float64]:
        """R T^3 in m^2 K^4 W^-1, shape (n_T,): constant in the T^3 regime, the number quoted for helium.

        NaN where it is undefined (T = 0, where R = inf).
        """
        out = np.full(self.temperature.shape, np.nan)
        positive = self.temperature > 0
        out[positive] = self.resistance[positive] * self.temperature[positive] ** 3
        return out

    def kapitza_length(self, side: int | str = 1) -> NDArray[np.float64]:
        """kappa * R in m: the thickness of ``side`` with the same resistance as the interface.

        Parameters
        ----------
        side : 1, 2, or the name of one of the two materials
        """
        material = self._side(side)
        if material.thermal_conductivity is None:
            raise InputError(
                f"{material.name} has no bulk thermal conductivity in the database "
                f"({material.notes or 'Fourier conduction is not defined for it'}); "
                "a Kapitza length needs one"
            )
        return material.thermal_conductivity * self.resistance

    def _side(self, side: int | str) -> Material:
        if side in (1, "1", "side1"):
            return self.side1
        if side in (2, "2", "side2"):
            return self.side2
        for m in (self.side1, self.side2):
            if isinstance(side, str) and get_material(side) == m:
                return m
        raise InputError(f"side must be 1, 2, {self.side1.name!r} or {self.side2.name!r}, got {side!r}")


def _reciprocal(x: NDArray[np.float64]) -> NDArray[np.float64]:
    out = np.full(x.shape, np.inf)
    np.divide(1.0, x, out=out, where=x > 0)
    return out


def predict(
    side1: MaterialSpec,
    side2: MaterialSpec,
    temperature: ArrayLike,
    model: str = "dmm",
    *,
    cutoff: str = "branch",
    statistics: str = "bose-einstein",
    inelastic: Mapping[str, float] | None = None,
) -> ConductanceResult:
    """Thermal boundary conductance G(T) of the interface side1 -> side2.

    Parameters
    ----------
    side1, side2 : str, path or Material
        Incident and receiving materials.
    temperature : float or array_like
        Temperatures in K (>= 0), scalar or shape (n_T,).
    model : str
        One of :func:`available_models` ("dmm", "limit", ...).
    cutoff : {"branch", "debye"}
        Debye cutoff rule: per-branch v_p (6 pi^2 n)^(1/3) (default) or the
        tabulated Debye temperature for all branches.
    statistics : {"bose-einstein", "classical"}
        Phonon occupation.
    inelastic : mapping, optional
        ``{"A": A, "q": q, "m": m}`` adds the inelastic channel
        tau_inel = A T^q omega^m (T in K, omega in rad/s, A in K^-q (rad/s)^-m,
        A >= 0) to the elastic model, capped so that no transmission exceeds 1
        (see :mod:`kapitza.transmission.inelastic`; it does not obey detailed
        balance).  Recorded in ``result.settings.inelastic``.

    Returns
    -------
    ConductanceResult
    """
    t = landauer.as_temperatures(temperature)
    info = get_model(model)
    settings = Settings(cutoff=cutoff, statistics=statistics, inelastic=inelastic)
    m1, m2 = get_material(side1), get_material(side2)
    channels = info.build(m1, m2, settings)
    if settings.inelastic is not None:
        channels = InelasticChannel(channels, settings.inelastic)
    result = landauer.conductance(channels, t, settings.statistics)
    return ConductanceResult(
        side1=m1,
        side2=m2,
        model=info.name,
        temperature=result.temperature,
        conductance=result.conductance,
        by_branch=result.by_group,
        branch_labels=result.labels,
        settings=settings,
    )


def _shape_like(values: NDArray[np.float64], temperature: ArrayLike) -> float | NDArray[np.float64]:
    return float(values[0]) if np.ndim(temperature) == 0 else values


def conductance(
    side1: MaterialSpec, side2: MaterialSpec, temperature: ArrayLike, model: str = "dmm", **options: Any
) -> float | NDArray[np.float64]:
    """Thermal boundary conductance in W m^-2 K^-1.

    A float for a scalar temperature, an ndarray of shape (n_T,) for an array.
    ``options`` are those of :func:`predict`.
    """
    return _shape_like(predict(side1, side2, temperature, model, **options).conductance, temperature)


def resistance(
    side1: MaterialSpec, side2: MaterialSpec, temperature: ArrayLike, model: str = "dmm", **options: Any
) -> float | NDArray[np.float64]:
    """Thermal boundary (Kapitza) resistance 1/G in m^2 K W^-1 (inf at T = 0)."""
    return _shape_like(predict(side1, side2, temperature, model, **options).resistance, temperature)


def kapitza_length(
    side1: MaterialSpec,
    side2: MaterialSpec,
    temperature: ArrayLike,
    model: str = "dmm",
    *,
    side: int | str = 1,
    **options: Any,
) -> float | NDArray[np.float64]:
    """Kapitza length kappa_side * R in m (the bulk thickness with the interface's resistance).

    Parameters
    ----------
    side : 1, 2 or a material name
        Whose bulk thermal conductivity (near 300 K, from the database) to use.
    """
    result = predict(side1, side2, temperature, model, **options)
    return _shape_like(result.kapitza_length(side), temperature)
