r"""Where the conductance comes from: shares by branch and frequency band, Debye vs full dispersion.

These helpers sit beside :mod:`kapitza.prediction`: they build interface models
from spectra (:mod:`kapitza.phonons`) and models of :mod:`kapitza.transmission`,
and integrate them with :mod:`kapitza.landauer`, the one Landauer integral.

* :func:`conductance_shares`: G(T) of any model split by the incident
  branch (or band) and by frequency band, each part integrated exactly on its
  own frequency interval (the band edges become quadrature breakpoints).
* :func:`full_dispersion_model` / :func:`compare_debye`: DMM or radiation
  limit with full-dispersion spectra, side by side with the Debye model of
  the foundation, including the spectral conductance
  :math:`dG/d\omega = \sum_b \hbar\omega\,M_{1,b}\tau_{12}\,\partial n/\partial T`.
* :func:`convergence_table`: G(300 K) of a full-dispersion spectrum for several
  meshes and broadening widths, to show (or check) that the numbers converged.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import landauer
from .errors import InputError
from .materials import Material, get_material
from .phonons.debye import debye_spectrum
from .phonons.full_dispersion import (
    DEFAULT_MESH,
    FullDispersionSpectrum,
    continuum_limit,
    full_dispersion_spectrum,
    mode_sum_spectrum,
)
from .phonons.harmonic import HarmonicCrystal
from .phonons.modes import DEFAULT_WIDTH, mesh_numbers, unit_vector
from .phonons.spectrum import ChannelSpectrum
from .transmission.dmm import diffuse_mismatch
from .transmission.limit import radiation_limit
from .units import thz_to_rad_s

MaterialSpec = str | os.PathLike | Material
Progress = Callable[[str, int, int], None]
PotentialSpec = str | None | tuple[str | None, str | None]

#: Interface models that take any pair of channel spectra.
SPECTRUM_MODELS: Mapping[str, Callable[[ChannelSpectrum, ChannelSpectrum], landauer.TransmittedChannels]] = (
    MappingProxyType({"dmm": diffuse_mismatch, "limit": radiation_limit})
)

#: Default width of the frequency bands in :func:`conductance_shares`, THz.
BAND_WIDTH_THZ = 2.0


@dataclass(frozen=True)
class ConductanceShares:
    """G(T) split by incident branch (band) and by frequency band.

    Attributes
    ----------
    temperature : ndarray
        K, shape (n_T,).
    conductance : ndarray
        Total G in W m^-2 K^-1, shape (n_T,).
    labels : tuple of str
        Incident branches (bands) of side 1, shape (n_groups,).
    by_branch : ndarray
        W m^-2 K^-1, shape (n_groups, n_T); sums to ``conductance``.
    band_edges : ndarray
        Frequency-band edges in rad/s, shape (n_bands + 1,), from 0 to the top of the model.
    by_band : ndarray
        W m^-2 K^-1, shape (n_bands, n_T); sums to ``conductance``.
    by_branch_and_band : ndarray
        W m^-2 K^-1, shape (n_groups, n_bands, n_T).
    """

    temperature: NDArray[np.float64]
    conductance: NDArray[np.float64]
    labels: tuple[str, ...]
    by_branch: NDArray[np.float64]
    band_edges: NDArray[np.float64]
    by_band: NDArray[np.float64]
    by_branch_and_band: NDArray[np.float64]

    def fractions(self, what: str = "branch") -> NDArray[np.float64]:
        """Shares as fractions of G (0 where G = 0): ``what`` = "branch" or "band", shape (n, n_T)."""
        parts = {"branch": self.by_branch, "band": self.by_band}.get(what)
        if parts is None:
            raise InputError(f"what must be 'branch' or 'band', got {what!r}")
        out = np.zeros(parts.shape)
        np.divide(parts, self.conductance[None, :], out=out, where=self.conductance[None, :] > 0)
        return out


def conductance_shares(
    model: landauer.TransmittedChannels,
    temperature: ArrayLike,
    band_edges: ArrayLike | None = None,
    statistics: landauer.Statistics = "bose-einstein",
) -> ConductanceShares:
    """G(T) of ``model`` split by incident branch and by frequency band.

    Parameters
    ----------
    model : TransmittedChannels
        e.g. ``diffuse_mismatch(spectrum1, spectrum2)``.
    temperature : array_like
        K, scalar or shape (n_T,).
    band_edges : array_like, optional
        Frequency-band edges in rad/s, increasing, shape (n_bands + 1,); edges beyond
        the top of the model are dropped and 0 and the top are added.  Default: bands
        of 2 THz (ordinary frequency).
    statistics : {"bose-einstein", "classical"}

    Returns
    -------
    ConductanceShares
    """
    t = landauer.as_temperatures(temperature)
    top = float(np.max(model.breakpoints))
    if band_edges is None:
        step = float(thz_to_rad_s(BAND_WIDTH_THZ))
        edges = np.arange(0.0, top, step)
    else:
        edges = np.asarray(band_edges, dtype=float).ravel()
        if edges.size == 0 or not np.all(np.isfinite(edges)) or np.any(np.diff(edges) <= 0) or edges[0] < 0:
            raise InputError("band_edges must be finite, >= 0 and strictly increasing (rad/s)")
    edges = np.unique(np.concatenate([[0.0], edges[edges < top], [top]]))
    positive = t[t > 0]
    q = landauer.quadrature(np.union1d(model.breakpoints, edges), float(positive.min()) if positive.size else 0.0)
    phi = np.atleast_2d(model.transmitted_channels(q.omega))
    band = np.clip(np.searchsorted(edges, q.omega, side="right") - 1, 0, len(edges) - 2)
    parts = np.empty((phi.shape[0], len(edges) - 1, t.size))
    for k in range(len(edges) - 1):
        sel = band == k
        parts[:, k, :] = landauer.integrate(q.omega[sel], q.weights[sel], phi[:, sel], t, statistics).by_group
    return ConductanceShares(
        temperature=t,
        conductance=parts.sum(axis=(0, 1)),
        labels=tuple(model.labels),
        by_branch=parts.sum(axis=1),
        band_edges=edges,
        by_band=parts.sum(axis=0),
        by_branch_and_band=parts,
    )


def side_potentials(potential: PotentialSpec) -> tuple[str | None, str | None]:
    """(potential of side 1, potential of side 2) from None, one name for both, or a pair."""
    if potential is None or isinstance(potential, str):
        return potential, potential
    pair = tuple(potential)
    if len(pair) != 2:
        raise InputError(f"potential must be a name, None, or a pair (side 1, side 2); got {potential!r}")
    return pair[0], pair[1]


def full_dispersion_model(
    side1: MaterialSpec | FullDispersionSpectrum,
    side2: MaterialSpec | FullDispersionSpectrum,
    model: str = "dmm",
    *,
    potential: PotentialSpec = None,
    normal: ArrayLike | str = (0, 0, 1),
    mesh: int | ArrayLike = DEFAULT_MESH,
    width: float = DEFAULT_WIDTH,
    progress: Progress | None = None,
) -> landauer.TransmittedChannels:
    """DMM ("dmm") or radiation limit ("limit") between two full-dispersion spectra.

    ``side1``/``side2`` are materials (spectra are built with
    :func:`~kapitza.phonons.full_dispersion.full_dispersion_spectrum`) or
    ready spectra.  ``potential``: None (each material's default), one name
    for both sides, or a pair.
    """
    key = str(model).strip().lower()
    if key not in SPECTRUM_MODELS:
        raise InputError(f"model {model!r} has no full-dispersion form; choose one of {', '.join(SPECTRUM_MODELS)}")
    potentials = side_potentials(potential)
    spectra = [
        s
        if isinstance(s, FullDispersionSpectrum)
        else full_dispersion_spectrum(s, p, normal, mesh=mesh, width=width, progress=progress)
        for s, p in zip((side1, side2), potentials)
    ]
    return SPECTRUM_MODELS[key](spectra[0], spectra[1])


@dataclass(frozen=True)
class DebyeComparison:
    """Debye and full-dispersion predictions of one interface side by side.

    Attributes
    ----------
    side1, side2 : str
        Material names (heat flows 1 -> 2).
    model : str
        "dmm" or "limit".
    temperature : ndarray
        K, shape (n_T,).
    debye, full : ConductanceShares
        G(T) of each description with its shares (labels: Debye branches "L", "T";
        full-dispersion bands "TA1", ..., "O1", ...).
    omega : ndarray
        rad/s, shape (n_omega,), from 0 to the top of both spectra.
    debye_spectral, full_spectral : ndarray
        dG/domega summed over branches, W m^-2 K^-1 (rad/s)^-1, shape (n_T, n_omega).
    """

    side1: str
    side2: str
    model: str
    temperature: NDArray[np.float64]
    debye: ConductanceShares
    full: ConductanceShares
    omega: NDArray[np.float64]
    debye_spectral: NDArray[np.float64]
    full_spectral: NDArray[np.float64]

    @property
    def ratio(self) -> NDArray[np.float64]:
        """G_full / G_Debye, shape (n_T,) (nan where the Debye G is 0, e.g. T = 0)."""
        out = np.full(self.temperature.shape, np.nan)
        np.divide(self.full.conductance, self.debye.conductance, out=out, where=self.debye.conductance > 0)
        return out


def spectral_comparison(
    debye_model: landauer.TransmittedChannels,
    full_model: landauer.TransmittedChannels,
    temperature: ArrayLike,
    *,
    names: tuple[str, str] = ("side 1", "side 2"),
    model: str = "dmm",
    n_omega: int = 1000,
    statistics: landauer.Statistics = "bose-einstein",
) -> DebyeComparison:
    """Compare two ready models (any TransmittedChannels): G, shares and dG/domega on one grid."""
    t = landauer.as_temperatures(temperature)
    top = max(float(np.max(debye_model.breakpoints)), float(np.max(full_model.breakpoints)))
    omega = np.linspace(0.0, top, n_omega)
    spectral = [
        np.array([landauer.spectral_conductance(m, omega, ti, statistics).sum(axis=0) for ti in t])
        for m in (debye_model, full_model)
    ]
    return DebyeComparison(
        side1=names[0],
        side2=names[1],
        model=model,
        temperature=t,
        debye=conductance_shares(debye_model, t, statistics=statistics),
        full=conductance_shares(full_model, t, statistics=statistics),
        omega=omega,
        debye_spectral=spectral[0],
        full_spectral=spectral[1],
    )


def compare_debye(
    side1: MaterialSpec,
    side2: MaterialSpec,
    temperature: ArrayLike,
    model: str = "dmm",
    *,
    potential: PotentialSpec = None,
    normal: ArrayLike | str = (0, 0, 1),
    mesh: int | ArrayLike = DEFAULT_MESH,
    width: float = DEFAULT_WIDTH,
    cutoff: str = "branch",
    statistics: landauer.Statistics = "bose-einstein",
    n_omega: int = 1000,
    progress: Progress | None = None,
) -> DebyeComparison:
    """Debye (database sound speeds) vs full-dispersion (force constants) G(T) and dG/domega.

    Parameters
    ----------
    side1, side2 : str, path or Material
        Incident and receiving materials.
    temperature : array_like
        K, scalar or shape (n_T,).
    model : {"dmm", "limit"}
    potential : None, str or (str, str)
        Potentials of the full-dispersion spectra (None: each material's default).
    normal, mesh, width
        See :func:`~kapitza.phonons.full_dispersion.full_dispersion_spectrum`.
    cutoff : {"branch", "debye"}
        Debye cutoff rule of the Debye side.
    statistics : {"bose-einstein", "classical"}
    n_omega : int
        Points of the dG/domega grid.
    """
    m1, m2 = get_material(side1), get_material(side2)
    key = str(model).strip().lower()
    if key not in SPECTRUM_MODELS:
        raise InputError(f"model {model!r} has no full-dispersion form; choose one of {', '.join(SPECTRUM_MODELS)}")
    debye_model = SPECTRUM_MODELS[key](debye_spectrum(m1, cutoff), debye_spectrum(m2, cutoff))
    full_model = full_dispersion_model(
        m1, m2, key, potential=potential, normal=normal, mesh=mesh, width=width, progress=progress
    )
    return spectral_comparison(
        debye_model,
        full_model,
        temperature,
        names=(m1.name, m2.name),
        model=key,
        n_omega=n_omega,
        statistics=statistics,
    )


@dataclass(frozen=True)
class ConvergenceTable:
    """G at one temperature for several meshes and broadening widths.

    Attributes
    ----------
    material : str
        The material whose spectrum is varied.
    partner : str or None
        Side 2 of the DMM (its spectrum is fixed at the default mesh and width); None: the
        quantity is the material's own radiation conductance (all its channels transmit).
    temperature : float
        K.
    meshes : tuple of int
    widths : tuple of float
    conductance : ndarray
        W m^-2 K^-1, shape (n_meshes, n_widths).
    """

    material: str
    partner: str | None
    temperature: float
    meshes: tuple[int, ...]
    widths: tuple[float, ...]
    conductance: NDArray[np.float64]

    @property
    def relative_change(self) -> NDArray[np.float64]:
        """|G / G(densest mesh, same width) - 1|, shape (n_meshes, n_widths)."""
        return np.abs(self.conductance / self.conductance[-1][None, :] - 1.0)


@dataclass(frozen=True)
class _Unit:
    """All channels of a spectrum transmit (tau = 1): the spectrum's own radiation conductance."""

    spectrum: ChannelSpectrum

    @property
    def labels(self) -> tuple[str, ...]:
        return self.spectrum.labels

    @property
    def breakpoints(self) -> NDArray[np.float64]:
        return self.spectrum.breakpoints

    def transmitted_channels(self, omega: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.atleast_2d(self.spectrum.channel_density(omega))


def convergence_table(
    material: MaterialSpec,
    potential: str | None = None,
    normal: ArrayLike | str = (0, 0, 1),
    *,
    meshes: Sequence[int] = (16, 24, 32),
    widths: Sequence[float] = (0.25, 0.5, 1.0),
    temperature: float = 300.0,
    partner: MaterialSpec | None = None,
    partner_potential: str | None = None,
    progress: Progress | None = None,
) -> ConvergenceTable:
    """G(``temperature``) for each mesh and broadening width: the convergence diagnostic.

    With ``partner`` the quantity is the DMM conductance material -> partner
    (partner at the default mesh and width); without, the material's own
    radiation conductance sum_b int hbar omega M_b dn/dT domega.
    """
    meshes_t = tuple(int(m) for m in meshes)
    widths_t = tuple(float(w) for w in widths)
    if not meshes_t or not widths_t:
        raise InputError("give at least one mesh and one width")
    other = None
    if partner is not None:
        other = full_dispersion_spectrum(partner, partner_potential, normal, progress=progress)
    crystal = HarmonicCrystal.from_potential(material, potential, progress=progress)
    n = unit_vector(normal)
    limit = continuum_limit(crystal, n, progress=progress)
    g = np.empty((len(meshes_t), len(widths_t)))
    for i, m in enumerate(meshes_t):
        numbers = mesh_numbers(m)
        sample = crystal.mode_sample(numbers, n, progress=progress)
        for j, w in enumerate(widths_t):
            spec = mode_sum_spectrum(sample, limit, material=crystal.name, mesh=numbers, width=w)
            mdl = _Unit(spec) if other is None else diffuse_mismatch(spec, other)
            g[i, j] = landauer.conductance(mdl, temperature).conductance[0]
    return ConvergenceTable(
        material=crystal.name,
        partner=None if other is None else other.material,
        temperature=float(temperature),
        meshes=meshes_t,
        widths=widths_t,
        conductance=g,
    )
