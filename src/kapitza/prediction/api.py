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
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import _checks, landauer
from ..atomistic.side import resolve_side
from ..errors import InputError
from ..io.results import result
from ..materials import Material, get_material
from ..materials.spec import MaterialSpec
from ..phonons.debye import DEFAULT_CUTOFF, debye_spectrum
from ..phonons.from_structure import StructurePhonons
from ..phonons.full_dispersion import FullDispersionSpectrum, full_dispersion_spectrum
from ..phonons.harmonic import HarmonicCrystal
from ..phonons.spectrum import ChannelSpectrum
from ..transmission.inelastic import InelasticChannel
from .registry import ModelInfo, get_model
from .settings import PotentialSpec, Progress, Settings, SideSpec, check_temperature_bound, side_potentials
from .shares import ConductanceShares, conductance_shares

__all__ = [
    "ConductanceResult",
    "build_spectra",
    "conductance_result",
    "interface_model",
    "model_channels",
    "predict_model",
    "resolve_sides",
    "shares",
]


@result
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
        Everything else that made the result: cutoff rule, statistics, inelastic
        channel, dispersion and, for full dispersion, potentials, normal, mesh, width.

    The arrays are read-only; ``repr`` is a one-line summary; ``to_dict()`` and
    ``save(path)`` (.json or .npz) record the values with the inputs and settings.
    """

    _summary_fields: ClassVar[tuple[str, ...]] = ("model", "side1", "side2", "temperature", "conductance")

    side1: Material
    side2: Material
    model: str
    temperature: NDArray[np.float64]
    conductance: NDArray[np.float64]
    by_branch: NDArray[np.float64]
    branch_labels: tuple[str, ...]
    settings: Settings = Settings()

    def __post_init__(self) -> None:
        """What every result of :func:`predict` satisfies, checked also for one built in code or loaded from a file
        (:func:`kapitza.load`): two Materials and Settings, temperatures finite and >= 0 K, G finite and >= 0 at
        each, the branches' table (n_branches, n_T) finite and labelled."""
        for name, kind in (("side1", Material), ("side2", Material), ("settings", Settings), ("model", str)):
            if not isinstance(getattr(self, name), kind):
                raise InputError(
                    f"ConductanceResult {name} must be a {kind.__name__}, got {type(getattr(self, name)).__name__}"
                )
        t = _checks.positive_array(self.temperature, "ConductanceResult temperature", "K", zero=True, ndim=1)
        g = _checks.positive_array(self.conductance, "ConductanceResult conductance", "W m^-2 K^-1", zero=True)
        branches = _checks.number_array(self.by_branch, "ConductanceResult by_branch", "W m^-2 K^-1")
        if g.shape != t.shape or branches.ndim != 2 or branches.shape[1] != t.size:
            raise InputError(
                f"ConductanceResult: conductance {list(g.shape)} and by_branch {list(branches.shape)} must match "
                f"the {t.size} temperatures ((n_T,) and (n_branches, n_T))"
            )
        if len(self.branch_labels) != branches.shape[0] or not all(isinstance(x, str) for x in self.branch_labels):
            raise InputError(f"ConductanceResult: {branches.shape[0]} branches need as many branch_labels (strings)")

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
        """kappa(T) * R(T) in m at each of the result's temperatures, shape (n_T,).

        The thickness of ``side`` with the same thermal resistance as the interface at T.  kappa(T)
        of a database solid comes from its tabulated kappa(T) (:mod:`kapitza.materials.conductivity`),
        evaluated at each temperature: NaN where T lies outside that table (no extrapolation; see
        :func:`~kapitza.materials.conductivity_table` for the range).  A user's material from a file
        has one conductivity (near its record's temperature), used at every T.

        Parameters
        ----------
        side : 1, 2, or the name of one of the two materials
        """
        from ..materials.conductivity import conductivity_or_nan

        material = self._side(side)
        if material.thermal_conductivity is None:
            raise InputError(
                f"{material.name} has no bulk thermal conductivity in its material record "
                f"({material.notes or 'Fourier conduction is not defined for it'}); "
                "a Kapitza length needs one"
            )
        return conductivity_or_nan(material, self.temperature) * self.resistance

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


def predict_model(
    side1: SideSpec,
    side2: SideSpec,
    temperature: ArrayLike,
    model: str = "dmm",
    *,
    cutoff: str = DEFAULT_CUTOFF,
    statistics: str = "bose-einstein",
    inelastic: Mapping[str, float] | None = None,
    dispersion: str = "debye",
    potential: PotentialSpec = None,
    calculator: str | None = None,
    normal: ArrayLike | str | None = None,
    mesh: int | ArrayLike | None = None,
    width: float | None = None,
    phonopy_files: tuple[str | os.PathLike | None, str | os.PathLike | None] = (None, None),
    progress: Progress | None = None,
) -> ConductanceResult:
    """Thermal boundary conductance G(T) of the interface side1 -> side2 under one phonon model.

    The one-model result; :func:`kapitza.predict` gives the whole answer (the expected measurement, every model's
    total with the electrons, the measured values), each model's result among it.

    Parameters
    ----------
    side1, side2 : str, path, Material, FullDispersionSpectrum or StructurePhonons
        Incident and receiving materials (a ready full-dispersion spectrum,
        from :func:`kapitza.phonons.full_dispersion_spectrum`, implies
        ``dispersion="phonopy"``; its material must be in the database).  A
        crystal from its structure (:func:`kapitza.phonons.crystal_phonons`)
        carries its own derived material record.  With ``calculator``, a side
        may also be a structure file, ``NAME:STRUCTURE:a=...``, ASE Atoms or a
        dict for ``ase.build.bulk`` (see :mod:`kapitza.phonons.from_structure`).
    temperature : float or array_like
        Temperatures in K (>= 0), scalar or shape (n_T,).
    model : str
        One of :func:`available_models` ("dmm", "limit", "amm", "amm-simple").
    cutoff : {"debye", "branch", "sine", "sine-zb"}
        Debye-type spectrum: one cutoff at the tabulated Debye temperature for all
        branches (default; closest to full dispersion, see docs/physics/cutoffs.md), per-branch
        cutoffs v_p (6 pi^2 n)^(1/3), or the sine (Born-von Karman) dispersion with
        the sound speed as slope or with measured zone-boundary frequencies
        (see :mod:`kapitza.phonons.debye`; the sine spectra are for DMM and limit).
    statistics : {"bose-einstein", "classical"}
        Phonon occupation.
    inelastic : mapping, optional
        ``{"A": A, "q": q, "m": m}`` adds the inelastic channel
        tau_inel = A T^q omega^m (T in K, omega in rad/s, A in K^-q (rad/s)^-m,
        A >= 0) to the elastic model, capped so that no transmission exceeds 1
        (see :mod:`kapitza.transmission.inelastic`; it does not obey detailed
        balance).  Recorded in ``result.settings.inelastic``.
    dispersion : {"debye", "phonopy"}
        "debye": isotropic Debye spectra from the database's sound speeds.
        "phonopy": full dispersion from harmonic force constants (an interatomic
        potential, or a phonopy file), sampled on a Brillouin-zone mesh for the
        interface ``normal``; DMM and radiation limit only, optical branches
        included (see :mod:`kapitza.phonons.full_dispersion`).
    potential : str, (str, str) or None
        Full dispersion: "sw", "tersoff", "tersoff-lammps", "emt", "meam-lammps",
        one for both sides or a pair; None takes each material's default.
    calculator : str, optional
        Full dispersion of both sides from their crystal structures with this force
        source: a built-in universal potential ("chgnet", "chgnet-r2scan",
        "sevennet", "sevennet-l3i5") or "module:factory" for any ASE calculator;
        each side is relaxed, its force constants computed and its material record
        derived from the phonons (:func:`kapitza.phonons.crystal_phonons`).
        Implies ``dispersion="phonopy"``.
    normal : (3,) array_like or str, optional
        Full dispersion: interface normal in the cubic axes, e.g. (0, 0, 1) (default) or "111".
    mesh : int or (3,) ints, optional
        Full dispersion: Gamma-centred Brillouin-zone mesh (default 24^3).
    width : float, optional
        Full dispersion: adaptive Gaussian broadening factor (default 0.5).
    phonopy_files : (path or None, path or None)
        Full dispersion: phonopy.yaml (with FORCE_CONSTANTS / FORCE_SETS beside it)
        for side 1 and side 2, e.g. from DFT; None computes from ``potential``.
    progress : callable, optional
        ``progress(stage, done, total)`` while full-dispersion spectra are built.

    Returns
    -------
    ConductanceResult

    Notes
    -----
    The full-dispersion options (``potential``, ``normal``, ``mesh``, ``width``,
    ``phonopy_files``) are refused with ``dispersion="debye"``, where they would
    have no effect.
    """
    t = landauer.as_temperatures(temperature)
    check_temperature_bound(t)
    info, m1, m2, channels, settings = interface_model(
        side1,
        side2,
        model,
        cutoff=cutoff,
        statistics=statistics,
        inelastic=inelastic,
        dispersion=dispersion,
        potential=potential,
        calculator=calculator,
        normal=normal,
        mesh=mesh,
        width=width,
        phonopy_files=phonopy_files,
        progress=progress,
    )
    return conductance_result(info, m1, m2, channels, t, settings)


def conductance_result(
    info: ModelInfo,
    m1: Material,
    m2: Material,
    channels: landauer.TransmittedChannels,
    temperature: NDArray[np.float64],
    settings: Settings,
) -> ConductanceResult:
    """Integrate a ready model (``channels``) at checked temperatures (K, shape (n_T,)) into a ConductanceResult."""
    found = landauer.conductance(channels, temperature, settings.statistics)  # type: ignore[arg-type]
    return ConductanceResult(
        side1=m1,
        side2=m2,
        model=info.name,
        temperature=found.temperature,
        conductance=found.conductance,
        by_branch=found.by_group,
        branch_labels=found.labels,
        settings=settings,
    )


def model_channels(
    info: ModelInfo, m1: Material, m2: Material, spectra: tuple[Any, Any], settings: Settings
) -> landauer.TransmittedChannels:
    """The model ``info`` on two ready spectra, with the inelastic channel of ``settings`` if it has one.

    Build the spectra once (:func:`build_spectra`) and call this for each model: no spectrum is rebuilt.
    """
    channels = info.build(m1, m2, *spectra)
    if settings.inelastic is not None:
        channels = InelasticChannel(channels, settings.inelastic)
    return channels


def resolve_sides(
    side1: SideSpec, side2: SideSpec, settings: Settings | None = None, *, progress: Progress | None = None
) -> tuple[Material, Material, tuple[Any, Any]]:
    """(material 1, material 2, what is ready of each side's full dispersion).

    Each side is resolved once (:func:`kapitza.atomistic.side.resolve_side`; a
    :class:`~kapitza.atomistic.side.Side` as it is).  A ready full-dispersion spectrum is taken as it is (its
    material from the database); a :class:`~kapitza.phonons.from_structure.StructurePhonons` gives its derived
    material and its crystal; with ``settings.calculator`` every other side is built from its structure with that
    calculator (:func:`kapitza.phonons.crystal_phonons`, one calculator source for both); else its material record.
    The third item holds, per side, the spectrum, the :class:`~kapitza.phonons.harmonic.HarmonicCrystal`, or None.
    """
    source = None
    out: list[tuple[Material, Any]] = []
    for side in (resolve_side(side1), resolve_side(side2)):
        if isinstance(side.given, FullDispersionSpectrum):
            out.append((side.record(), side.given))
            continue
        if isinstance(side.given, StructurePhonons):
            out.append((side.record(), side.given.crystal))
            continue
        if settings is not None and settings.calculator is not None:
            from ..atomistic.calculators import calculator_source
            from ..phonons.from_structure import crystal_phonons

            source = source or calculator_source(settings.calculator)
            found = crystal_phonons(side, source, progress=progress)
            out.append((found.material, found.crystal))
            continue
        out.append((side.record(), None))
    return out[0][0], out[1][0], (out[0][1], out[1][1])


def imply_full_dispersion(side1: SideSpec, side2: SideSpec, options: dict[str, Any]) -> None:
    """A ready spectrum, a crystal from its structure, or a calculator: the dispersion is full (set in ``options``)."""
    ready = any(isinstance(resolve_side(s).given, FullDispersionSpectrum | StructurePhonons) for s in (side1, side2))
    if ready or options.get("calculator") is not None:
        options["dispersion"] = "phonopy"


def interface_model(
    side1: SideSpec, side2: SideSpec, model: str = "dmm", *, progress: Progress | None = None, **options: Any
) -> tuple[ModelInfo, Material, Material, landauer.TransmittedChannels, Settings]:
    """Resolve sides, model and settings and build the model the Landauer engine integrates.

    ``options`` are the keyword arguments of :func:`predict` other than ``progress``.
    Everything is validated before any spectrum is built.
    Returns (model info, side-1 material, side-2 material, transmitted channels, settings).
    """
    imply_full_dispersion(side1, side2, options)
    settings = Settings(**options)
    info = get_model(model, settings.dispersion)
    m1, m2, given = resolve_sides(side1, side2, settings, progress=progress)
    spectra = build_spectra(m1, m2, settings, given=given, progress=progress)
    return info, m1, m2, model_channels(info, m1, m2, spectra, settings), settings


def shares(
    side1: SideSpec, side2: SideSpec, temperature: ArrayLike, model: str = "dmm", **options: Any
) -> ConductanceShares:
    """Where G comes from: G(T) split by incident branch (band) of side 1 and by 2-THz frequency band.

    Same arguments as :func:`predict` (the inelastic channel included); see
    :func:`kapitza.prediction.shares.conductance_shares`.
    """
    t = landauer.as_temperatures(temperature)
    check_temperature_bound(t)
    _, _, _, channels, settings = interface_model(side1, side2, model, **options)
    return conductance_shares(channels, t, statistics=settings.statistics)


def build_spectra(
    m1: MaterialSpec,
    m2: MaterialSpec,
    settings: Settings,
    *,
    given: tuple[ChannelSpectrum | HarmonicCrystal | None, ChannelSpectrum | HarmonicCrystal | None] = (None, None),
    progress: Progress | None = None,
) -> tuple[ChannelSpectrum, ChannelSpectrum]:
    """The two bulk spectra ``settings`` asks for (Debye, or full dispersion built or given).

    ``given`` holds per side a ready spectrum, a :class:`~kapitza.phonons.harmonic.HarmonicCrystal` (its
    full-dispersion spectrum is built with the settings' normal, mesh and width) or None.

    Build full-dispersion spectra once with this and pass them to :func:`predict`
    as sides to run several models without rebuilding them.  ``m1`` and ``m2`` are each a database name or
    alias, a material file, or a Material (:func:`kapitza.materials.get_material`).
    """
    m1, m2 = get_material(m1), get_material(m2)
    if settings.dispersion == "debye":
        return debye_spectrum(m1, settings.cutoff), debye_spectrum(m2, settings.cutoff)
    potentials = side_potentials(settings.potential)
    built = []
    for material, spectrum, pot, path in zip((m1, m2), given, potentials, settings.phonopy_files):
        if isinstance(spectrum, HarmonicCrystal):
            spectrum = full_dispersion_spectrum(
                spectrum, normal=settings.normal, mesh=settings.mesh, width=settings.width, progress=progress
            )
        elif spectrum is None:
            spectrum = full_dispersion_spectrum(
                material,
                pot,
                settings.normal,
                mesh=settings.mesh,
                width=settings.width,
                phonopy_file=path,
                progress=progress,
            )
        built.append(spectrum)
    return built[0], built[1]
