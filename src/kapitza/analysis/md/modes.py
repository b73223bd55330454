"""Plane-resolved vibrational spectra of a spectral NEMD run: DOS map, modal temperatures, interface-mode share.

Input is the plane kinetic-energy spectra of :class:`kapitza.analysis.md.spectral.SpectralRun` (run units) and,
for modal temperatures, a reference local density of states from lattice dynamics (rows integrating to 1 over
omega in rad per run time unit, e.g. ``InterfaceModes.plane_dos(run.omega, width)``).

Modal temperature of a band (classical equipartition, every mode holds k_B T / 2 of kinetic energy):

    T_band(plane) = 2 KE_band(plane) / (k_B n_dof_band(plane)),
    n_dof_band(plane) = 3 N_plane * integral over the band of the reference LDOS of the plane,

with ``KE_band`` the Parseval sum of the plane's kinetic spectrum over the band's bins.  The same formula over
all frequencies with ``n_dof = 3 N_plane`` is the plane's kinetic temperature, the quantity a temperature
profile bins.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ...errors import InputError
from ...io.results import result
from .spectral import SpectralConductance, SpectralRun, SpectralShare, boltzmann, display_factors, share_weight
from .spectral import weighted_share as _weighted_share

#: Default number of equal frequency bands for modal temperatures.
DEFAULT_BANDS = 4
#: A reference LDOS row must integrate to 1 within this relative tolerance.
LDOS_TOLERANCE = 0.02
#: A plane's band needs at least this share of the plane's 3 N degrees of freedom (and 1) for a temperature.
MIN_BAND_DOF_FRACTION = 0.01


@result
class PlaneDosMap:
    """Normalised kinetic-energy spectrum of each plane (in equilibrium: the plane's vibrational DOS).

    Attributes
    ----------
    omega : ndarray (nf,)
        Frequencies (display units, ``omega_unit``).
    omega_unit : str
    units : str
        The run's unit system (lj or metal).
    plane_index : ndarray of int (n_planes,)
        -1, -2, ... on side A (-1 touches the interface), 0, 1, ... on side B.
    plane_z : ndarray (n_planes,)
        Site z relative to the interface (length unit of the run).
    dos : ndarray (n_planes, nf)
        Each row integrates to 1 over omega (display unit), block mean of the plane_ke spectra.
    """

    omega: NDArray[np.float64]
    omega_unit: str
    units: str
    plane_index: NDArray[np.int64]
    plane_z: NDArray[np.float64]
    dos: NDArray[np.float64]

    _summary_fields: ClassVar[tuple[str, ...]] = ("omega_unit",)


def plane_dos_map(run: SpectralRun) -> PlaneDosMap:
    """The block-mean plane kinetic spectra of ``run``, each row normalised to integrate to 1 (display units)."""
    wf, _, omega_unit, _, _ = display_factors(run.units)
    ke = run.plane_ke.mean(axis=0)
    d = run.d_omega * wf
    totals = ke.sum(axis=1) * d
    if not np.all(totals > 0):
        raise InputError(f"{run.run_dir!r}: a plane has no kinetic energy in its spectrum")
    return PlaneDosMap(
        omega=run.omega * wf,
        omega_unit=omega_unit,
        units=run.units,
        plane_index=run.plane_index,
        plane_z=run.plane_z,
        dos=ke / totals[:, None],
    )


@result
class ModalTemperatures:
    """Temperatures of frequency bands, plane by plane.

    Attributes
    ----------
    band_edges : ndarray (n_bands + 1,)
        Band limits in the display frequency unit ``omega_unit`` (a bin belongs to the band its centre lies in).
    omega_unit : str
    units : str
        The run's unit system (lj or metal).
    plane_index : ndarray of int (n_planes,)
    plane_z : ndarray (n_planes,)
        Site z relative to the interface (length unit).
    T, T_err : ndarray (n_bands, n_planes)
        Modal temperature and its standard error over blocks (temperature unit of the run); NaN where the
        reference LDOS puts fewer than ``min_dof_fraction`` of a plane's 3 N degrees of freedom in a band.
    dof : ndarray (n_bands, n_planes)
        Degrees of freedom of each band and plane (3 N_plane times the LDOS weight).
    T_plane, T_plane_err : ndarray (n_planes,)
        Kinetic temperature of each plane from its whole spectrum (2 KE / (3 N k_B)): the profile's value.
    blocks_used : int
    """

    band_edges: NDArray[np.float64]
    omega_unit: str
    units: str
    plane_index: NDArray[np.int64]
    plane_z: NDArray[np.float64]
    T: NDArray[np.float64]
    T_err: NDArray[np.float64]
    dof: NDArray[np.float64]
    T_plane: NDArray[np.float64]
    T_plane_err: NDArray[np.float64]
    blocks_used: int

    _summary_fields: ClassVar[tuple[str, ...]] = ("omega_unit", "blocks_used")


def modal_temperatures(
    run: SpectralRun,
    reference_ldos: ArrayLike,
    *,
    band_edges: ArrayLike | None = None,
    bands: int = DEFAULT_BANDS,
    min_dof_fraction: float = MIN_BAND_DOF_FRACTION,
) -> ModalTemperatures:
    """Modal temperatures of ``bands`` frequency bands in every sampled plane.

    Parameters
    ----------
    run : SpectralRun
        From :func:`kapitza.analysis.md.spectral.read_spectral_run` (select the blocks first with ``run.select``).
    reference_ldos : array_like, (n_planes, nf) or (nf,)
        Local density of states of each plane on ``run.omega`` (rad per run time unit), each row with Parseval
        sum 1 (``sum(row) * run.d_omega``); a single row is used for every plane.
    band_edges : array_like (n_bands + 1,), optional
        Increasing band limits in rad per run time unit.  Default: ``bands`` equal bands from 0 to the highest
        frequency where the reference LDOS of any plane has weight (above 1e-3 of its peak).
    bands : int
        Number of default bands (>= 1).
    min_dof_fraction : float
        A band of a plane whose reference degrees of freedom are below this share of the plane's 3 N gets NaN
        (default 1 %): the kinetic energy MD finds there (window leakage, anharmonic broadening) over a vanishing
        number of degrees of freedom is not a temperature.
    """
    omega = run.omega
    nf = omega.size
    n_planes = run.plane_index.size
    ldos = np.asarray(reference_ldos, dtype=float)
    if ldos.ndim == 1:
        ldos = np.broadcast_to(ldos, (n_planes, ldos.size))
    if ldos.shape != (n_planes, nf):
        raise InputError(
            f"reference_ldos= must have shape ({n_planes}, {nf}) (planes x frequencies of the run) or ({nf},), "
            f"got {np.asarray(reference_ldos).shape}"
        )
    if not np.all(np.isfinite(ldos)) or np.any(ldos < 0):
        raise InputError("reference_ldos= must be finite and non-negative")
    sums = ldos.sum(axis=1) * run.d_omega
    bad = np.flatnonzero(np.abs(sums - 1.0) > LDOS_TOLERANCE)
    if bad.size:
        raise InputError(
            f"reference_ldos= rows must integrate to 1 over the run's grid; plane {int(run.plane_index[bad[0]])} "
            f"integrates to {float(sums[bad[0]]):g}"
        )
    if not (isinstance(min_dof_fraction, (int, float)) and 0 <= min_dof_fraction < 1):
        raise InputError(f"min_dof_fraction= must be in [0, 1), got {min_dof_fraction!r}")
    if band_edges is None:
        if not (isinstance(bands, int) and bands >= 1):
            raise InputError(f"bands= must be an integer >= 1, got {bands!r}")
        peak = ldos.max(axis=0)
        top = float(omega[np.flatnonzero(peak > 1e-3 * peak.max())[-1]]) + 0.5 * run.d_omega
        edges = np.linspace(0.0, top, bands + 1)
    else:
        edges = np.asarray(band_edges, dtype=float)
        if edges.ndim != 1 or edges.size < 2 or not np.all(np.isfinite(edges)) or not np.all(np.diff(edges) > 0):
            raise InputError("band_edges= must be at least 2 finite, increasing frequencies")
    n_bands = edges.size - 1
    band = np.searchsorted(edges, omega, side="right") - 1  # bin -> band (-1 / n_bands: outside)
    inside = (band >= 0) & (band < n_bands)
    # Bins exactly at the top edge belong to the last band.
    band = np.where(omega == edges[-1], n_bands - 1, band)
    inside |= omega == edges[-1]
    member = np.zeros((n_bands, nf))
    member[band[inside], np.flatnonzero(inside)] = 1.0
    kb = boltzmann(run.units)
    atoms = run.plane_atoms.astype(float)
    dof = 3.0 * atoms[None, :] * (ldos @ member.T).T * run.d_omega  # (n_bands, n_planes)
    ke = np.einsum("bpf,kf->bkp", run.plane_ke, member) * run.d_omega  # (blocks, n_bands, n_planes)
    # A band where the reference puts (almost) no mode of a plane has no temperature there: the kinetic energy
    # found in it (window leakage, anharmonic broadening, the smoothing's tails) divided by a vanishing number of
    # degrees of freedom would be meaningless.  Threshold: min_dof_fraction of the plane's 3 N.
    floor = (min_dof_fraction * 3.0 * atoms)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):  # bands without modes give NaN by design
        t_blocks = np.where(dof[None] >= floor[None], 2.0 * ke / (kb * dof[None]), np.nan)
    nb = run.blocks.size
    t_mean = t_blocks.mean(axis=0)
    t_err = t_blocks.std(axis=0, ddof=1) / math.sqrt(nb) if nb > 1 else np.full_like(t_mean, np.nan)
    total = run.plane_ke.sum(axis=2) * run.d_omega  # (blocks, n_planes)
    tp = 2.0 * total / (kb * 3.0 * atoms[None, :])
    tp_err = tp.std(axis=0, ddof=1) / math.sqrt(nb) if nb > 1 else np.full(n_planes, np.nan)
    wf, _, omega_unit, _, _ = display_factors(run.units)
    return ModalTemperatures(
        band_edges=edges * wf,
        omega_unit=omega_unit,
        units=run.units,
        plane_index=run.plane_index,
        plane_z=run.plane_z,
        T=t_mean,
        T_err=t_err,
        dof=dof,
        T_plane=tp.mean(axis=0),
        T_plane_err=tp_err,
        blocks_used=int(nb),
    )


def reference_ldos(modes: Any, run: SpectralRun, smoothing_bins: float) -> tuple[NDArray[np.float64], float]:
    """The reference LDOS of :func:`modal_temperatures` from lattice modes, on a run's grid: ``(ldos, width)``.

    Parameters
    ----------
    modes : object with ``plane_dos(omega, width)``
        E.g. :class:`kapitza.atomistic.interface_modes.InterfaceModes` of the run's cell, frequencies in rad per
        run time unit.
    run : SpectralRun
    smoothing_bins : float
        Gaussian standard deviation in frequency bins (at least one bin is used).

    Returns
    -------
    ldos : ndarray (n_planes, nf), read-only
        Each plane's broadened DOS on ``run.omega`` rescaled so that its Parseval sum ``sum(row) * run.d_omega``
        is 1 (the integral the modal temperatures use; ``plane_dos`` normalises by the trapezoid rule instead); a
        row without weight stays 0.
    width : float
        The Gaussian standard deviation used, rad per run time unit.
    """
    width = max(float(smoothing_bins), 1.0) * run.d_omega
    ldos = np.asarray(modes.plane_dos(run.omega, width), dtype=float)
    norm = ldos.sum(axis=1, keepdims=True) * run.d_omega
    out = np.divide(ldos, norm, out=np.zeros_like(ldos), where=norm > 0)
    out.flags.writeable = False
    return out, width


def interface_mode_share(
    sc: SpectralConductance, omega: ArrayLike | None, fraction: ArrayLike | Callable[..., Any]
) -> SpectralShare:
    """Share of the heat current carried by interface modes: integral q f / integral q.

    Parameters
    ----------
    sc : SpectralConductance
    omega : array_like (m,) or None
        Increasing frequencies (``sc.omega_unit``) of ``fraction``; None when ``fraction`` is a callable.
    fraction : array_like (m,) or callable
        Interface fraction of the modes at each frequency (0 .. 1), e.g. the share of the DOS in modes flagged
        ``interface`` by lattice dynamics; interpolated linearly onto ``sc.omega`` (0 outside ``omega``), or
        a function of ``sc.omega``.
    """
    w = share_weight(sc, omega, fraction)
    if np.any(w < 0) or np.any(w > 1):
        raise InputError("fraction= must lie between 0 and 1")
    return _weighted_share(sc, w, "share of q carried by interface modes")
