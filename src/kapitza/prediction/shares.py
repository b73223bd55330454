"""Where the conductance comes from: G(T) split by incident branch (band) and by frequency band."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import landauer
from ..errors import InputError
from ..io.results import result
from ..units import thz_to_rad_s

__all__ = ["BAND_WIDTH_THZ", "ConductanceShares", "conductance_shares"]

#: Default width of the frequency bands in :func:`conductance_shares`, THz.
BAND_WIDTH_THZ = 2.0


@result
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

    _summary_fields: ClassVar[tuple[str, ...]] = ("temperature", "conductance", "labels", "band_edges")

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
        e.g. ``diffuse_mismatch(spectrum1, spectrum2)``, or any model with an inelastic channel.
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
    landauer.validate_statistics(statistics)
    t = landauer.as_temperatures(temperature)
    top = float(np.max(model.breakpoints))
    if band_edges is None:
        edges = np.arange(0.0, top, float(thz_to_rad_s(BAND_WIDTH_THZ)))
    else:
        edges = np.asarray(band_edges, dtype=float).ravel()
        if edges.size == 0 or not np.all(np.isfinite(edges)) or np.any(np.diff(edges) <= 0) or edges[0] < 0:
            raise InputError("band_edges must be finite, >= 0 and strictly increasing (rad/s)")
    edges = np.unique(np.concatenate([[0.0], edges[edges < top], [top]]))
    parts = landauer.band_conductance(model, t, edges, statistics)
    return ConductanceShares(
        temperature=t,
        conductance=parts.sum(axis=(0, 1)),
        labels=tuple(model.labels),
        by_branch=parts.sum(axis=1),
        band_edges=edges,
        by_band=parts.sum(axis=0),
        by_branch_and_band=parts,
    )
