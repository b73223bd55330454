"""The one registry of interface models that the prediction API (and the CLI) offers.

Each model is registered once, with its name, a line describing it, where it
comes from, the builder that turns two materials and their spectra into a
:class:`~kapitza.landauer.TransmittedChannels`, and the spectra it takes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .. import landauer
from ..errors import InputError
from ..materials import Material
from ..phonons.debye import SINE_CUTOFFS, DebyeSpectrum
from ..phonons.spectrum import ChannelSpectrum
from ..transmission.amm import acoustic_mismatch
from ..transmission.dmm import diffuse_mismatch
from ..transmission.limit import radiation_limit
from .settings import DISPERSIONS

__all__ = ["MODELS", "ModelInfo", "available_models", "default_models", "get_model"]

Builder = Callable[[Material, Material, ChannelSpectrum, ChannelSpectrum], landauer.TransmittedChannels]


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
        ``build(side1, side2, spectrum1, spectrum2) -> TransmittedChannels``.
    dispersions : tuple of str
        The spectra it accepts ("debye", "phonopy").
    """

    name: str
    description: str
    reference: str
    build: Builder
    dispersions: tuple[str, ...] = ("debye",)

    def __repr__(self) -> str:
        return f"ModelInfo({self.name!r}: {self.description})"


def _build_dmm(m1: Material, m2: Material, s1: ChannelSpectrum, s2: ChannelSpectrum) -> landauer.TransmittedChannels:
    return diffuse_mismatch(s1, s2)


def _build_limit(m1: Material, m2: Material, s1: ChannelSpectrum, s2: ChannelSpectrum) -> landauer.TransmittedChannels:
    return radiation_limit(s1, s2)


def _build_amm(m1: Material, m2: Material, s1: ChannelSpectrum, s2: ChannelSpectrum) -> landauer.TransmittedChannels:
    return acoustic_mismatch(m1, m2, _debye(s1), _debye(s2), "amm")


def _build_amm_simple(
    m1: Material, m2: Material, s1: ChannelSpectrum, s2: ChannelSpectrum
) -> landauer.TransmittedChannels:
    return acoustic_mismatch(m1, m2, _debye(s1), _debye(s2), "amm-simple")


def _debye(spectrum: ChannelSpectrum) -> DebyeSpectrum:
    if not isinstance(spectrum, DebyeSpectrum):
        raise InputError(
            "the acoustic mismatch model is a continuum model: it takes linear Debye spectra only "
            "(cutoff 'branch' or 'debye'; a sine branch has no single sound speed)"
        )
    return spectrum


MODELS: Mapping[str, ModelInfo] = MappingProxyType(
    {
        "dmm": ModelInfo(
            "dmm",
            "diffuse mismatch model: phonons forget where they came from at the interface and cross with "
            "probability tau = M2/(M1+M2) (M: channels per frequency of each side)",
            "Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989); Reddy et al., APL 87, 211908 (2005)",
            _build_dmm,
            DISPERSIONS,
        ),
        "limit": ModelInfo(
            "limit",
            "phonon radiation limit: the largest conductance detailed balance allows for elastic scattering, "
            "tau = min(1, M2/M1) (every phonon that can cross does)",
            "Swartz & Pohl (1989); Stoner & Maris, Phys. Rev. B 48, 16373 (1993)",
            _build_limit,
            DISPERSIONS,
        ),
        "amm": ModelInfo(
            "amm",
            "acoustic mismatch model, full elasticity: continuum waves refracted and reflected at a perfect, "
            "flat interface (mode conversion, critical angles, fluids)",
            "Khalatnikov, Zh. Eksp. Teor. Fiz. 22, 687 (1952); Little, Can. J. Phys. 37, 334 (1959)",
            _build_amm,
        ),
        "amm-simple": ModelInfo(
            "amm-simple",
            "acoustic mismatch model, textbook form: the acoustic impedances Z = rho c of a perfect, flat "
            "interface, tau = 4 Z1 Z2 c1 c2/(Z1 c2 + Z2 c1)^2, no mode conversion",
            "Little (1959); Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989)",
            _build_amm_simple,
        ),
    }
)


def available_models(dispersion: str | None = None) -> tuple[str, ...]:
    """Names accepted by ``model=`` (those that take ``dispersion``, if given)."""
    return tuple(name for name, info in MODELS.items() if dispersion is None or dispersion in info.dispersions)


def default_models(dispersion: str = "debye", cutoff: str | None = None) -> tuple[str, ...]:
    """The models run when none are named: every model that takes ``dispersion``, less those ``cutoff`` excludes.

    The AMM (both forms) is a continuum model: it takes linear Debye spectra only, so the sine
    cutoffs ("sine", "sine-zb", :data:`kapitza.phonons.debye.SINE_CUTOFFS`) drop it.
    """
    names = available_models(dispersion)
    if cutoff in SINE_CUTOFFS:
        names = tuple(name for name in names if not name.startswith("amm"))
    return names


def get_model(name: str, dispersion: str | None = None) -> ModelInfo:
    """Look up a model by name (case-insensitive); unknown names raise InputError.

    With ``dispersion``, a model that does not take that kind of spectrum is refused too.
    """
    key = str(name).strip().lower()
    if key not in MODELS:
        raise InputError(f"unknown model {name!r}; available models: {', '.join(MODELS)}")
    info = MODELS[key]
    if dispersion is not None and dispersion not in info.dispersions:
        words = {"debye": "Debye spectra", "phonopy": "full dispersion"}
        raise InputError(
            f"model {info.name!r} takes {' or '.join(words.get(d, d) for d in info.dispersions)} only, not "
            f"{words.get(dispersion, dispersion)}; models for dispersion {dispersion!r}: "
            f"{', '.join(available_models(dispersion))}"
        )
    return info
