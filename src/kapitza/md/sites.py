"""The atomic planes of a user's structure sampled for the spectral heat current, found from its atoms.

:func:`user_sites` picks, around the A -> B interface of a user's structure (``structure=``), the atomic planes
whose atoms an NEMD run samples (:mod:`kapitza.md.spectral`): ``spectral_planes`` on each side, or more to cover
the force range, all of them between the interface and each crystal's middle.  Planning a run
(:func:`kapitza.md.plan.plan_nemd`) finds them once, so that a structure whose planes do not fit is refused
before any work.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from ..io.results import result
from .geometry import PLANE_GAP_ANGSTROM, find_planes
from .nemd import NemdConfig
from .systems import UserSystem, data_positions, load_user_system


@result
class UserSites:
    """The sampled atoms of a user's structure (``structure=``), in the frame of the run's data file (Angstrom).

    Attributes
    ----------
    index : (n,) int array
        0-based indices of the sampled atoms, ascending (LAMMPS id - 1).
    plane : (n,) int array
        Plane of each: -1, -2, .. below the A -> B interface (-1 touches it), 0, 1, .. above.
    side : (n,) int array
        1 below the interface plane, 2 above (where the site is, whatever its species).
    plane_z : (2 planes,) float array
        Mean z of each plane relative to the interface, from plane -planes up.
    planes : int
        Planes sampled on each side.
    reach : float
        The force constants' range (:func:`kapitza.atomistic.lammps_forces.force_range`).
    positions : (N, 3) float array
        Every atom's position as the data file holds it.
    """

    index: NDArray[np.int64]
    plane: NDArray[np.int64]
    side: NDArray[np.int64]
    plane_z: NDArray[np.float64]
    planes: int
    reach: float
    positions: NDArray[np.float64]

    _summary_fields: ClassVar[tuple[str, ...]] = ("planes", "reach")


def _plane_centre(z: NDArray[np.float64], z_interface: float, lz: float) -> float:
    """Mean z of one plane's atoms relative to the interface, in [-lz/2, lz/2) (a plane cut by the box stays one)."""
    r = np.mod(z - z_interface + lz / 2, lz) - lz / 2
    d = np.mod(r - r[0] + lz / 2, lz) - lz / 2
    return float(r[0] + d.mean())


def frame_atoms(system: UserSystem, positions: NDArray[np.float64]) -> Any:
    """The user's atoms (species, tags = sides) at ``positions``, for the force field set-up."""
    atoms = system.structure.atoms.copy()
    atoms.positions = positions
    return atoms


def user_sites(config: NemdConfig, system: UserSystem | None = None) -> UserSites:
    """The atomic planes sampled around the A -> B interface of a user's structure (``config.structure``).

    The planes are :func:`kapitza.md.geometry.find_planes`'; ``spectral_planes`` on each side, or more, so that
    every plane within the force range of the interface plane is sampled (every coupling across it is then
    between two sampled atoms).  The sampled planes must end before each crystal's middle (where the baths sit);
    otherwise InputError.  ``system``: the structure as read (:attr:`kapitza.md.plan.NemdPlan.system`); without it,
    the config's files are read (:func:`kapitza.md.systems.load_user_system`).
    """
    from ..atomistic.lammps_forces import force_range

    if system is None:
        system = load_user_system(config)
    geometry = system.geometry
    lz = geometry.box[2]
    positions = data_positions(system.structure.atoms.positions, geometry.shift, lz)
    where = str(config.structure)
    reach = force_range(system.forcefield, frame_atoms(system, positions))
    z_interface = geometry.interface_fraction * lz
    planes, _ = find_planes(positions[:, 2], lz, where)
    centres = np.array([_plane_centre(positions[p, 2], z_interface, lz) for p in planes])
    below = [int(k) for k in np.argsort(centres)[::-1] if centres[k] < 0]  # nearest first
    above = [int(k) for k in np.argsort(centres) if centres[k] >= 0]
    within = [sum(abs(centres[k]) < reach + PLANE_GAP_ANGSTROM for k in ks) for ks in (below, above)]
    n = max(config.spectral_planes, *within)
    for name, ks, length in (("A", below, geometry.lengths[0]), ("B", above, geometry.lengths[1])):
        fits = sum(abs(centres[k]) < length / 2 for k in ks)
        if n > fits:
            raise InputError(
                f"{where}: spectral sampling needs {n} atomic planes on each side of the interface (spectral_planes="
                f" {config.spectral_planes}, or the force range {reach:.3g} A), crystal {name} has {fits} between the "
                "interface and its middle (where the bath sits): lower spectral_planes= or make the crystal longer"
            )
    chosen = [*below[:n][::-1], *above[:n]]
    plane_of = np.full(len(positions), np.iinfo(np.int64).min, dtype=np.int64)
    for label, k in zip(range(-n, n), chosen, strict=True):
        plane_of[planes[k]] = label
    index = np.flatnonzero(plane_of != np.iinfo(np.int64).min)
    plane = plane_of[index]
    return UserSites(
        index=index.astype(np.int64),
        plane=plane,
        side=np.where(plane < 0, 1, 2).astype(np.int64),
        plane_z=centres[chosen],
        planes=n,
        reach=float(reach),
        positions=positions,
    )
