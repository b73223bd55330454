"""Phonon dispersion along a path through the Brillouin zone, for plots and checks.

For the face-centred-cubic lattice (fcc metals and diamond-structure crystals)
the path is Gamma-X-U|K-Gamma-L-W-X with the special points of Setyawan and
Curtarolo, Comput. Mater. Sci. 49, 299 (2010), in Cartesian units of 2 pi / a:
X = (0, 1, 0), U = (1/4, 1, 1/4), K = (3/4, 3/4, 0), L = (1/2, 1/2, 1/2),
W = (1/2, 1, 0).  Other lattices (phonopy files) get a generic path through
Gamma and the midpoints of the reciprocal basis vectors.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from ..io.results import result
from .harmonic import HarmonicCrystal

#: fcc special points, Cartesian, units of 2 pi / a.
FCC_POINTS: dict[str, tuple[float, float, float]] = {
    "Γ": (0.0, 0.0, 0.0),
    "X": (0.0, 1.0, 0.0),
    "U": (0.25, 1.0, 0.25),
    "K": (0.75, 0.75, 0.0),
    "L": (0.5, 0.5, 0.5),
    "W": (0.5, 1.0, 0.0),
}
#: Connected segments of the fcc path.
FCC_PATH: tuple[tuple[str, ...], ...] = (("Γ", "X", "U"), ("K", "Γ", "L", "W", "X"))


@result
class BandStructure:
    """Phonon frequencies along a path.

    Attributes
    ----------
    distance : ndarray
        Path length in 1/m (segments joined end to end), shape (n,).
    omega : ndarray
        Angular frequencies in rad/s, shape (n, n_bands).
    ticks : ndarray
        Path length of each labelled point, shape (n_ticks,).
    tick_labels : tuple of str
        "Γ", "X", "U|K", ... (a jump between segments is written "U|K").
    segment : ndarray of int
        Index of the connected segment each point belongs to, shape (n,).
    """

    distance: NDArray[np.float64]
    omega: NDArray[np.float64]
    ticks: NDArray[np.float64]
    tick_labels: tuple[str, ...]
    segment: NDArray[np.int64]


def is_fcc(cell: NDArray[np.float64], tolerance: float = 1e-6) -> bool:
    """True if the primitive lattice vectors (rows) span an fcc lattice (equal lengths, 60 degree angles)."""
    lengths = np.linalg.norm(cell, axis=1)
    if np.ptp(lengths) > tolerance * lengths.max():
        return False
    cosines = [cell[i] @ cell[j] / (lengths[i] * lengths[j]) for i, j in ((0, 1), (0, 2), (1, 2))]
    return bool(np.allclose(cosines, 0.5, atol=tolerance))


def high_symmetry_path(crystal: HarmonicCrystal) -> tuple[list[list[NDArray[np.float64]]], list[list[str]]]:
    """Segments of Cartesian wave vectors (1/m) and their labels for ``crystal``'s lattice."""
    cell = crystal.cell
    if is_fcc(cell):
        a = float(np.linalg.norm(cell[0])) * np.sqrt(2.0)
        scale = 2.0 * np.pi / a
        points = [[np.array(FCC_POINTS[p]) * scale for p in seg] for seg in FCC_PATH]
        return points, [list(seg) for seg in FCC_PATH]
    b = crystal.reciprocal_basis
    reduced = {"Γ": (0, 0, 0), "b1/2": (0.5, 0, 0), "b2/2": (0, 0.5, 0), "b3/2": (0, 0, 0.5)}
    seg = ("Γ", "b1/2", "Γ", "b2/2", "Γ", "b3/2")
    return [[b @ np.array(reduced[p], dtype=float) for p in seg]], [list(seg)]


def band_structure(crystal: HarmonicCrystal, points_per_segment: int = 60) -> BandStructure:
    """Frequencies along the standard path (see the module docstring).

    Parameters
    ----------
    crystal : HarmonicCrystal
    points_per_segment : int
        Points between two labelled points (>= 2).
    """
    if points_per_segment < 2:
        raise InputError(f"points_per_segment must be >= 2, got {points_per_segment}")
    segments, names = high_symmetry_path(crystal)
    ks, dist, seg_index, ticks, labels = [], [], [], [], []
    start = 0.0
    for s, (points, seg_names) in enumerate(zip(segments, names)):
        if s == 0:
            ticks.append(start)
            labels.append(seg_names[0])
        else:  # a jump: the new segment starts where the last one ended
            labels[-1] = f"{labels[-1]}|{seg_names[0]}"
        for i in range(len(points) - 1):
            t = np.linspace(0.0, 1.0, points_per_segment)
            length = float(np.linalg.norm(points[i + 1] - points[i]))
            ks.append(points[i][None, :] + t[:, None] * (points[i + 1] - points[i])[None, :])
            dist.append(start + t * length)
            seg_index.append(np.full(points_per_segment, s))
            start += length
            ticks.append(start)
            labels.append(seg_names[i + 1])
    k = np.concatenate(ks)
    q = k @ np.linalg.inv(crystal.reciprocal_basis).T
    return BandStructure(
        distance=np.concatenate(dist),
        omega=crystal.frequencies(q),
        ticks=np.array(ticks),
        tick_labels=tuple(labels),
        segment=np.concatenate(seg_index),
    )
