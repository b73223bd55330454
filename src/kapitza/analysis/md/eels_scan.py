"""What a STEM-EELS line scan would see across an NEMD run's interface: the MD's plane-resolved modes fed to the
EELS forward model, then through the EELS analysis.

Each sampled plane of a spectral NEMD run (:mod:`kapitza.md.spectral`) has a local DOS (the lattice modes of
the run's cell, :func:`kapitza.analysis.md.modes.reference_ldos`) and modal temperatures
(:func:`kapitza.analysis.md.modes.modal_temperatures`): the kinetic temperature of each frequency band, which
differs from band to band where the modes are out of equilibrium with each other.  :func:`md_line_scan` gives
each plane its own one-phonon spectrum with those band temperatures
(:func:`kapitza.analysis.eels.forward.simulate_plane_scan`: Bose occupations at the MD's band temperatures, the
impact approximation), mixes the planes by a Gaussian probe reach (``mixing_nm``, the probe size and the
delocalisation of the vibrational signal), draws Poisson noise at ``dose`` electrons per position, and fits
every position's temperature with the analysis of measured data (:func:`kapitza.analysis.eels.preprocess.preprocess`
centring; gain/loss ratio in a window, :func:`kapitza.analysis.eels.profile.temperature_profile`).  The zero-loss
peak is the Gaussian core alone (no power-law tail, so no background to subtract): this isolates what the MD's
mode populations do to the measured temperature; what a ZLP tail and its background fit add is the subject of
``kapitza eels plan``.

The temperature jump is reported both ways as the difference of the side means over the sampled planes (MD:
plane kinetic temperatures; EELS: inverse-variance weighted positions on each side), so the comparison is like
for like; the planes span about 1 nm on each side, far less than a measured profile, so this is the jump seen
within the sampled planes, not an extrapolation of the two sides' gradients.

Classical MD populates every mode by equipartition; the spectra use quantum (Bose) occupations at the MD's
temperatures, as the seed's analysis assumes for measured spectra.  Units: the run must be ``units metal``.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from ...errors import InputError
from ...io.results import result
from ...units import rad_s_to_mev
from .spectral import display_factors

#: Default probe reach (nm, Gaussian standard deviation) across planes: of the order of the vibrational
#: signal's delocalisation for optical phonons in aloof/on-axis geometries (sub-nm to about 1 nm); a choice.
DEFAULT_MIXING_NM = 0.3
#: LDOS values below this fraction of a plane's peak are set to zero: the broadened lattice DOS has Gaussian
#: tails up to the run's Nyquist frequency, which would stretch the simulated energy axis far past the phonons.
DOS_FLOOR = 1e-4
#: Default electrons per probe position.
DEFAULT_DOSE = 1e8


@result
class MdLineScan:
    """A simulated EELS line scan of an MD run's interface and what its analysis finds.

    Attributes
    ----------
    positions_nm : (n,) array
        Probe positions = the sampled planes' z relative to the interface (nm).
    md_temperature, md_temperature_err : (n,) arrays
        The planes' kinetic temperatures and their standard errors over blocks (K).
    eels_temperature, eels_temperature_err : (n,) arrays
        The temperatures the EELS analysis finds at each position (K); NaN where its fit is invalid.
    window_mev : (lo, hi)
        The energy window of the temperature fit.
    md_jump, md_jump_err, eels_jump, eels_jump_err : float
        Mean of side A's planes minus side B's (K), with standard errors.
    band_edges_mev : (n_bands + 1,) array
        The modal temperature bands given to the spectra.
    mixing_nm, dose, resolution_mev : float
    data : EELSData
        The simulated line scan (raw counts), e.g. for ``kapitza eels profile``.
    """

    positions_nm: NDArray[np.float64]
    md_temperature: NDArray[np.float64]
    md_temperature_err: NDArray[np.float64]
    eels_temperature: NDArray[np.float64]
    eels_temperature_err: NDArray[np.float64]
    window_mev: tuple[float, float]
    md_jump: float
    md_jump_err: float
    eels_jump: float
    eels_jump_err: float
    band_edges_mev: NDArray[np.float64]
    mixing_nm: float
    dose: float
    resolution_mev: float
    data: Any

    _summary_fields: ClassVar[tuple[str, ...]] = ("md_jump", "eels_jump", "window_mev")


def _side_difference(t: NDArray, err: NDArray, side_a: NDArray) -> tuple[float, float]:
    """Inverse-variance mean of side A minus that of side B, with its standard error (NaN entries skipped)."""
    means = []
    for mask in (side_a, ~side_a):
        ok = mask & np.isfinite(t) & np.isfinite(err) & (err > 0)
        if not np.any(ok):
            return float("nan"), float("nan")
        w = 1.0 / err[ok] ** 2
        means.append((float(np.sum(w * t[ok]) / np.sum(w)), float(1.0 / math.sqrt(np.sum(w)))))
    return means[0][0] - means[1][0], math.hypot(means[0][1], means[1][1])


def md_line_scan(
    run: Any,
    modal: Any,
    ldos: Any,
    *,
    mixing_nm: float = DEFAULT_MIXING_NM,
    dose: float = DEFAULT_DOSE,
    resolution_mev: float = 6.0,
    window_mev: tuple[float, float] | None = None,
    seed: int | None = 0,
) -> MdLineScan:
    """Simulate and analyse the EELS line scan of a spectral NEMD run (see the module docstring).

    Parameters
    ----------
    run : SpectralRun
        :func:`kapitza.analysis.md.spectral.read_spectral_run` of a ``units metal`` run.
    modal : ModalTemperatures
        :func:`kapitza.analysis.md.modes.modal_temperatures` of that run.
    ldos : (n_planes, nf) array
        The reference LDOS of each plane on ``run.omega`` (:func:`kapitza.analysis.md.modes.reference_ldos`).
    mixing_nm, dose, resolution_mev
        Probe reach (nm, Gaussian standard deviation), electrons per position, ZLP FWHM (meV).
    window_mev : (lo, hi), optional
        Window of the temperature fit (default: the fit's automatic window).
    seed : int, optional
        Noise seed.
    """
    from ..eels.forward import simulate_plane_scan
    from ..eels.preprocess import preprocess
    from ..eels.profile import temperature_profile

    if run.units != "metal":
        raise InputError(f"an EELS line scan needs a run in units metal (K, ps, Angstrom), got units {run.units}")
    factor = display_factors(run.units)[0]  # run omega -> rad/s
    energy = rad_s_to_mev(np.asarray(run.omega) * factor)
    edges = rad_s_to_mev(np.asarray(modal.band_edges))  # band_edges are in rad/s (display units) for metal
    t_plane = np.asarray(modal.T_plane, dtype=float)
    band_t = np.asarray(modal.T, dtype=float)
    bands = []
    for b in range(edges.size - 1):
        lo, hi = float(max(edges[b], 1e-6)), float(edges[b + 1])
        bands.append((lo, hi, np.where(np.isfinite(band_t[b]), band_t[b], t_plane)))  # no temperature: the plane's
    z_nm = np.asarray(modal.plane_z, dtype=float) / 10.0  # Angstrom -> nm
    dos = np.array(ldos, dtype=float)
    dos[dos < DOS_FLOOR * dos.max(axis=1, keepdims=True)] = 0.0  # the Gaussian tails up to the Nyquist frequency
    top = int(np.flatnonzero(dos.max(axis=0) > 0)[-1]) + 2  # keep one zero column: the DOS ends there
    data = simulate_plane_scan(
        z_nm, energy[:top], dos[:, :top], t_plane, band_temperatures=bands, mixing_nm=mixing_nm,
        resolution_mev=resolution_mev, dose=dose, seed=seed, zlp_tail=0.0,
    )  # fmt: skip
    # the simulated spectra carry no zero-loss-peak tail (zlp_tail=0): the ratio fit without a background applies
    profile = temperature_profile(preprocess(data, background=None), window_mev, method="ratio")
    t_eels = np.where(profile.valid, profile.temperature, np.nan)
    e_eels = np.where(profile.valid, profile.temperature_err, np.nan)
    side_a = np.asarray(modal.plane_index) < 0
    t_err = np.asarray(modal.T_plane_err, dtype=float)
    md_jump, md_err = _side_difference(t_plane, t_err, side_a)
    eels_jump, eels_err = _side_difference(t_eels, e_eels, side_a)
    return MdLineScan(
        positions_nm=z_nm,
        md_temperature=t_plane,
        md_temperature_err=t_err,
        eels_temperature=t_eels,
        eels_temperature_err=e_eels,
        window_mev=tuple(float(w) for w in profile.window_mev),
        md_jump=md_jump,
        md_jump_err=md_err,
        eels_jump=eels_jump,
        eels_jump_err=eels_err,
        band_edges_mev=edges,
        mixing_nm=float(mixing_nm),
        dose=float(dose),
        resolution_mev=float(resolution_mev),
        data=data,
    )


__all__ = ["DEFAULT_DOSE", "DEFAULT_MIXING_NM", "MdLineScan", "md_line_scan"]
