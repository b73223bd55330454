"""Convergence of full-dispersion conductances with the Brillouin-zone mesh and the broadening width.

This table belongs next to the full-dispersion spectra (:mod:`kapitza.phonons`);
it stays here until the phonons layer takes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import landauer
from ..errors import InputError
from ..io.results import result
from ..materials.spec import MaterialSpec
from ..phonons.full_dispersion import continuum_limit, full_dispersion_spectrum, mode_sum_spectrum
from ..phonons.harmonic import HarmonicCrystal
from ..phonons.modes import mesh_numbers, unit_vector
from ..phonons.spectrum import ChannelSpectrum
from ..transmission.dmm import diffuse_mismatch
from .settings import Progress

__all__ = ["ConvergenceTable", "convergence_table"]


@result
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

    _summary_fields: ClassVar[tuple[str, ...]] = ("material", "partner", "temperature", "meshes", "widths")

    @property
    def relative_change(self) -> NDArray[np.float64]:
        """``|G / G(densest mesh, same width) - 1|``, shape (n_meshes, n_widths)."""
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

    def transmitted_channels(
        self, omega: NDArray[np.float64], temperature: NDArray[np.float64] | None = None
    ) -> NDArray[np.float64]:
        """M_b(omega) of the spectrum, shape (1, n_b, n_omega) (independent of T)."""
        return np.atleast_2d(self.spectrum.channel_density(omega))[None]


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
