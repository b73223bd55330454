"""The forward model: synthetic vibrational EEL spectra from a phonon DOS, with known truth.

Physics (one-phonon scattering, impact/incoherent approximation).  A fast electron scattered far from the
optic axis (or off-axis, or by an averaged detector) excites phonons roughly in proportion to their density
of states D(E); each mode's scattering strength is the squared amplitude of a harmonic oscillator, ~ 1/E,
times its population factor (:func:`~kapitza.analysis.eels.balance.occupation_factors`):

    loss(+E) = C D(E) / E x (n(E, T) + 1),        gain(-E) = C D(E) / E x n(E, T)        ("quantum")

(or the detailed-balance classical form, ``form="classical"``), so gain(-E) / loss(+E) = exp(-E / k_B T)
exactly before the instrument acts.  ``mode_temperatures`` gives chosen energy bands their own temperature
(a non-equilibrium phonon population), e.g. ``{(75, 85): 420.0}``.

Instrument.  The zero-loss peak (ZLP) and the instrument response are the same shape R(E): a Gaussian core
of full width at half maximum ``resolution_mev`` plus a power-law tail that holds the fraction ``zlp_tail``
of the counts; the tail is a Student-t profile of scale FWHM/2 whose wings fall as |E|^-``zlp_tail_exponent``
(Lorentzian for exponent 2).  The phonon spectrum is convolved with R (integrated over each channel, so
channels narrower or wider than the resolution are both right), and the ZLP, R centred at
``zlp_offset_mev``, is added.

Counts.  ``dose`` electrons reach the recorded channels in total (the sum of the noise-free spectrum is
exactly ``dose``).  The phonon scale C is set so that the loss-side phonon counts of the **equilibrium**
spectrum at the base temperature are ``signal_fraction x dose`` (mode temperatures then change only their own
bands).  The default ``signal_fraction`` = :data:`DEFAULT_SIGNAL_FRACTION` = 1e-3 is an ASSUMPTION of the
order seen in on-axis monochromated spectra of crystals; it sets the signal-to-noise ratio of everything,
so set it from your own data (loss-side phonon counts after background removal / all counts).
Poisson noise comes from a seeded :class:`numpy.random.Generator` (``seed=``); ``noise=False`` gives the
expectation (with the expectation as its variance).

The result is an :class:`~kapitza.analysis.eels.data.EELSData` with source "simulated" and the truth in its
metadata.  Units: energies in meV, temperatures in K, positions in nm.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ... import _checks
from ...errors import InputError
from .balance import FORMS, occupation_factors
from .data import EELSData, eels_data

#: Default loss-side phonon counts / all counts (an assumption; see the module docstring).
DEFAULT_SIGNAL_FRACTION = 1e-3
#: Default channel width in meV (a monochromated spectrometer's dispersion).
DEFAULT_CHANNEL_MEV = 0.5
#: Largest dose (electrons per spectrum) simulated: numpy's Poisson sampler refuses means above ~1e19.
MAX_DOSE = 1e15
#: Default fraction of the ZLP (and response) counts in its power-law tail.
DEFAULT_ZLP_TAIL = 0.02
#: Default power of the tail's decay, |E|^-p.
DEFAULT_TAIL_EXPONENT = 3.0
#: Sub-channel points per channel on which the phonon spectrum is built before the convolution.
OVERSAMPLE = 4
#: Largest spectrum built (channels x fine points x positions) before refusing, in float64 numbers.
MAX_WORK = 2e8
#: The truth's "model" of a spectrum or line scan.
_ONE_PHONON = "one-phonon, impact approximation: D(E)/E x (n+1) loss, D(E)/E x n gain"


def _dos_arrays(dos: Any, name: str) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(energy_mev, dos) from a pair of arrays or any object with ``energy_mev`` and ``dos``."""
    if hasattr(dos, "energy_mev") and hasattr(dos, "dos"):
        e, d = dos.energy_mev, dos.dos
    else:
        try:
            e, d = dos
        except (TypeError, ValueError):
            raise InputError(f"{name}= must be a pair (energy_mev, dos) or a DOS table") from None
    return check_dos(e, d, name)


def check_dos(energy_mev: ArrayLike, dos: ArrayLike, name: str) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """A phonon DOS table (energy in meV, DOS) as float arrays, or InputError naming ``name``."""
    e = np.asarray(energy_mev, dtype=float)
    d = np.asarray(dos, dtype=float)
    if e.ndim != 1 or e.size < 2 or d.shape != e.shape:
        raise InputError(f"{name}: energies and DOS must be 1-D arrays of the same length >= 2")
    if not (np.all(np.isfinite(e)) and np.all(np.isfinite(d))):
        raise InputError(f"{name}: NaN or infinite values")
    if e[0] < 0 or np.any(np.diff(e) <= 0):
        raise InputError(f"{name}: energies must be >= 0 meV and strictly increasing")
    if np.any(d < 0) or not np.any(d[e > 0] > 0):
        raise InputError(f"{name}: the DOS must be >= 0 and non-zero somewhere above 0 meV")
    return e, d


def _check_bands(mode_temperatures: Mapping[Any, Any] | None, n_pos: int | None) -> list[tuple[float, float, Any]]:
    """[(lo, hi, T)] with T a float or an array of n_pos temperatures; bands must not overlap."""
    if not mode_temperatures:
        return []
    if not isinstance(mode_temperatures, Mapping):
        raise InputError("mode_temperatures= must map (lo_mev, hi_mev) bands to temperatures in K")
    bands = []
    for band, t in mode_temperatures.items():
        try:
            lo, hi = (float(x) for x in band)
        except (TypeError, ValueError):
            raise InputError(f"mode_temperatures=: band {band!r} is not a pair (lo_mev, hi_mev)") from None
        if not (np.isfinite(lo) and np.isfinite(hi) and 0 < lo < hi):
            raise InputError(f"mode_temperatures=: band {lo:g}:{hi:g} meV must satisfy 0 < lo < hi")
        ta = np.asarray(t, dtype=float)
        if ta.ndim == 0:
            tv: Any = float(ta)
        elif n_pos is not None and ta.shape == (n_pos,):
            tv = ta
        else:
            raise InputError(
                f"mode_temperatures=: the temperature of band {lo:g}:{hi:g} meV must be one number"
                + (f" or one per position ({n_pos})" if n_pos is not None else "")
            )
        if not np.all(np.isfinite(ta)) or np.any(ta <= 0):
            raise InputError(f"mode_temperatures=: the temperature of band {lo:g}:{hi:g} meV must be > 0 K")
        bands.append((lo, hi, tv))
    bands.sort(key=lambda b: b[0])
    for (lo1, hi1, _), (lo2, hi2, _) in zip(bands, bands[1:]):
        if lo2 < hi1:
            raise InputError(f"mode_temperatures=: bands {lo1:g}:{hi1:g} and {lo2:g}:{hi2:g} meV overlap")
    return bands


def _response_cdf(x_mev: NDArray[np.float64], fwhm: float, tail: float, exponent: float) -> NDArray[np.float64]:
    """Cumulative distribution of the normalised response R at x (meV): Gaussian core + Student-t tail."""
    from scipy.special import ndtr
    from scipy.stats import t as student_t

    sigma = fwhm / (2.0 * np.sqrt(2.0 * np.log(2.0)))
    cdf = (1.0 - tail) * ndtr(x_mev / sigma)
    if tail > 0:
        cdf = cdf + tail * student_t.cdf(x_mev / (0.5 * fwhm), df=exponent - 1.0)
    return cdf


def _channel_matrix(
    channels: NDArray[np.float64], width: float, centres: NDArray[np.float64], fwhm: float, tail: float, p: float
) -> NDArray[np.float64]:
    """K[c, f]: fraction of a count at energy centres[f] that the response puts into channel c."""
    d = channels[:, None] - centres[None, :]
    return _response_cdf(d + 0.5 * width, fwhm, tail, p) - _response_cdf(d - 0.5 * width, fwhm, tail, p)


def _phonon_kernel(
    channels: NDArray[np.float64],
    width: float,
    n_fine: int,
    sign: int,
    offset: float,
    fwhm: float,
    tail: float,
    p: float,
) -> NDArray[np.float64]:
    """:func:`_channel_matrix` for the fine phonon points offset + sign (j + 1/2) width / OVERSAMPLE.

    Channel centres are integer multiples k of the width, so channel - point = (OVERSAMPLE k - sign j) step -
    sign step / 2 - offset takes one value per integer m = OVERSAMPLE k - sign j: the response is evaluated
    once per m (n_channels x OVERSAMPLE + n_fine values) and gathered, not once per matrix element.
    """
    step = width / OVERSAMPLE
    k = np.rint(channels / width).astype(np.int64)
    j = np.arange(n_fine, dtype=np.int64)
    m = OVERSAMPLE * k[:, None] - sign * j[None, :]
    m_lo = int(m.min())
    lattice = np.arange(m_lo, int(m.max()) + 1) * step - sign * 0.5 * step - offset
    values = _response_cdf(lattice + 0.5 * width, fwhm, tail, p) - _response_cdf(lattice - 0.5 * width, fwhm, tail, p)
    return values[m - m_lo]


def _axis(channel_mev: float, energy_range_mev: Any, e_max: float, fwhm: float, offset: float) -> NDArray:
    """Channel centres: integer multiples of the channel width (so +E and -E channels pair), within the range."""
    if energy_range_mev is None:
        half = np.ceil((1.25 * e_max + 4.0 * fwhm + abs(offset)) / 10.0) * 10.0
        lo, hi = -half, half
    else:
        try:
            lo, hi = (float(x) for x in energy_range_mev)
        except (TypeError, ValueError):
            raise InputError("energy_range_mev= must be a pair (lo, hi) in meV") from None
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise InputError(f"energy_range_mev= must be (lo, hi) with lo < hi (got {lo:g}, {hi:g})")
    k_lo, k_hi = np.ceil(lo / channel_mev - 1e-9), np.floor(hi / channel_mev + 1e-9)
    n = k_hi - k_lo + 1
    if n < 3:
        raise InputError(f"energy_range_mev= ({lo:g}, {hi:g}) holds fewer than 3 channels of {channel_mev:g} meV")
    if n > 10**6:
        raise InputError(
            f"energy_range_mev= ({lo:g}, {hi:g}) at channel_mev={channel_mev:g} is {n:.3g} channels (at most 1000000)"
        )
    k = np.arange(k_lo, k_hi + 1)
    return k * channel_mev


def spectrum_components(
    dos_list: list[tuple[NDArray[np.float64], NDArray[np.float64]]],
    weights: NDArray[np.float64],
    temperature_k: NDArray[np.float64],
    *,
    resolution_mev: float,
    dose: float,
    signal_fraction: float,
    channel_mev: float,
    energy_range_mev: Any,
    zlp_tail: float,
    zlp_tail_exponent: float,
    zlp_offset_mev: float,
    bands: list[tuple[float, float, Any]],
    form: str,
) -> dict[str, Any]:
    """Noise-free ZLP and phonon spectra for n_pos positions.

    ``weights`` (n_pos, n_dos) mixes the DOS tables per position; ``temperature_k`` (n_pos,).  Returns the
    channel axis, ``zlp`` (n_pos, n_c), ``phonon`` (n_pos, n_c) and ``loss``/``gain`` counts (n_pos,) before
    the convolution.
    """
    n_pos = temperature_k.size
    e_max = max(float(e[d > 0].max()) for e, d in dos_list)
    channels = _axis(channel_mev, energy_range_mev, e_max, resolution_mev, zlp_offset_mev)
    step = channel_mev / OVERSAMPLE
    n_fine = int(np.ceil(e_max / step))
    work = float(n_fine) * 2 * (channels.size + n_pos) + float(n_pos) * channels.size
    if work > MAX_WORK:
        gb = work * 8 / 1e9
        raise InputError(
            f"this spectrum needs ~{gb:.1f} GB ({channels.size} channels, {n_pos} positions, phonons up to "
            f"{e_max:g} meV); use a wider channel_mev= or a narrower energy_range_mev="
        )
    e_fine = (np.arange(n_fine) + 0.5) * step  # centres of fine bins (0, step), (step, 2 step), ...
    dos_fine = np.stack([np.interp(e_fine, e, d, left=0.0, right=0.0) for e, d in dos_list])  # (n_dos, n_fine)
    d_pos = weights @ dos_fine  # (n_pos, n_fine)
    strength = d_pos / e_fine * step  # one-phonon strength per fine bin, D(E)/E dE
    t_col = temperature_k[:, None]
    loss_eq, gain_eq = occupation_factors(e_fine, t_col, form=form)
    loss_f = np.broadcast_to(loss_eq, strength.shape).copy()
    gain_f = np.broadcast_to(gain_eq, strength.shape).copy()
    for lo, hi, t_band in bands:
        sel = (e_fine >= lo) & (e_fine < hi)
        if not np.any(sel):
            continue
        tb = np.broadcast_to(np.asarray(t_band, dtype=float), (n_pos,))[:, None]
        lb, gb_ = occupation_factors(e_fine[sel], tb, form=form)
        loss_f[:, sel] = lb
        gain_f[:, sel] = gb_
    eq_loss_total = (strength * loss_eq).sum(axis=1)  # (n_pos,)
    if np.any(eq_loss_total <= 0):
        raise InputError("the DOS has no phonons inside the simulated range")
    scale = signal_fraction * dose / eq_loss_total  # (n_pos,)
    loss_counts = strength * loss_f * scale[:, None]
    gain_counts = strength * gain_f * scale[:, None]
    # phonon lines sit at +-E from the ZLP, wherever the ZLP is on the recorded axis
    response = (resolution_mev, zlp_tail, zlp_tail_exponent)
    kernel_loss = _phonon_kernel(channels, channel_mev, n_fine, +1, zlp_offset_mev, *response)
    kernel_gain = _phonon_kernel(channels, channel_mev, n_fine, -1, zlp_offset_mev, *response)
    phonon = loss_counts @ kernel_loss.T + gain_counts @ kernel_gain.T  # (n_pos, n_c)
    zlp_shape = _channel_matrix(
        channels, channel_mev, np.array([zlp_offset_mev]), resolution_mev, zlp_tail, zlp_tail_exponent
    )[:, 0]
    zlp_total = dose - phonon.sum(axis=1)
    if np.any(zlp_total <= 0) or zlp_shape.sum() <= 0:
        raise InputError(
            f"signal_fraction={signal_fraction:g} leaves no counts for the zero-loss peak; use a smaller value"
        )
    zlp = zlp_total[:, None] * (zlp_shape / zlp_shape.sum())[None, :]
    return {
        "energy_mev": channels,
        "zlp": zlp,
        "phonon": phonon,
        "loss": loss_counts.sum(axis=1),
        "gain": gain_counts.sum(axis=1),
    }


def check_simulation_options(
    resolution_mev, dose, signal_fraction, channel_mev, zlp_tail, zlp_tail_exponent, zlp_offset_mev, form
):
    """InputError unless the acquisition options of a simulated spectrum are usable (see :func:`simulate_spectrum`)."""
    _checks.positive(resolution_mev, "resolution_mev=", "meV")
    if _checks.positive(dose, "dose=", "electrons") > MAX_DOSE:
        raise InputError(
            f"dose= {float(dose):g} electrons per spectrum is beyond what the Poisson sampler draws (at most "
            f"{MAX_DOSE:g}; a real spectrum holds far fewer)"
        )
    _checks.positive(channel_mev, "channel_mev=", "meV")
    sf = _checks.positive(signal_fraction, "signal_fraction=", "")
    if sf >= 0.5:
        raise InputError(f"signal_fraction= must be below 0.5 (got {sf:g}): the zero-loss peak holds most counts")
    tail = _checks.non_negative(zlp_tail, "zlp_tail=", "")
    if tail >= 1:
        raise InputError(f"zlp_tail= is the fraction of ZLP counts in its tail, below 1 (got {tail:g})")
    p = _checks.positive(zlp_tail_exponent, "zlp_tail_exponent=", "")
    if p <= 1.0:
        raise InputError(f"zlp_tail_exponent= must be > 1 for a tail with finite counts (got {p:g})")
    _checks.number(zlp_offset_mev, "zlp_offset_mev=", "meV")
    if form not in FORMS:
        raise InputError(f"unknown cross-section form {form!r}; choose one of {', '.join(FORMS)}")


@dataclass(frozen=True)
class Acquisition:
    """How a simulated spectrum is recorded: the one settings record of the EELS forward model
    (:func:`simulate_spectrum`, :func:`simulate_line_scan`, :func:`simulate_plane_scan` and the twins built on them
    take it, or its fields by keyword), checked when made (:func:`check_simulation_options`).

    Attributes
    ----------
    resolution_mev : float
        FWHM of the Gaussian core of the zero-loss peak in meV.
    dose : float
        Electrons in the whole recorded spectrum (per probe position in a scan).
    signal_fraction : float
        Loss-side phonon counts / dose at equilibrium (default 1e-3, an assumption: set it from your data).
    channel_mev : float
        Channel width in meV; channel centres are integer multiples of it.
    zlp_tail : float
        Fraction (0 <= f < 1) of the ZLP and response counts in the power-law tail.
    zlp_tail_exponent : float
        The tail falls as ``|E|^-p``, p > 1 (Student-t profile of scale FWHM/2 with p - 1 degrees of freedom).
    zlp_offset_mev : float
        Where the ZLP sits on the recorded axis, in meV (raw spectra are not centred; the phonon lines shift with
        it; a plane scan's spectra are centred).
    form : {"quantum", "classical"}
        Cross-section form (:mod:`~kapitza.analysis.eels.balance`).
    """

    resolution_mev: float = 6.0
    dose: float = 1e6
    signal_fraction: float = DEFAULT_SIGNAL_FRACTION
    channel_mev: float = DEFAULT_CHANNEL_MEV
    zlp_tail: float = DEFAULT_ZLP_TAIL
    zlp_tail_exponent: float = DEFAULT_TAIL_EXPONENT
    zlp_offset_mev: float = 0.0
    form: str = "quantum"

    def __post_init__(self) -> None:
        check_simulation_options(*(getattr(self, f.name) for f in fields(self)))
        for f in fields(self):
            if f.name != "form":
                object.__setattr__(self, f.name, float(getattr(self, f.name)))

    @classmethod
    def of(cls, acquisition: Acquisition | None, settings: Mapping[str, Any]) -> Acquisition:
        """``acquisition`` (default: the defaults) with ``settings`` (its fields by keyword) put in; InputError for a
        keyword that is not one of its fields, or an ``acquisition`` that is not one."""
        return _checks.settings_record(cls, acquisition, settings, "acquisition", "; an acquisition's")

    def options(self) -> dict[str, Any]:
        """The numbers (and the form) that :func:`spectrum_components` takes and the truth records, in order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _positions(positions_nm: ArrayLike, name: str = "positions_nm=") -> NDArray[np.float64]:
    """Probe (or plane) positions in nm as a non-empty 1-D array of finite numbers, else InputError."""
    x = np.asarray(positions_nm, dtype=float)
    if x.ndim != 1 or x.size == 0 or not np.all(np.isfinite(x)):
        raise InputError(f"{name} must be a non-empty 1-D array of finite positions in nm")
    return x


def _noisy(expected: NDArray[np.float64], noise: bool, seed: Any) -> tuple[NDArray[np.float64], Any]:
    """(counts, variance or None): Poisson draws from a seeded generator, or the expectation itself."""
    if not noise:
        return expected, expected
    rng = np.random.default_rng(seed)
    return rng.poisson(expected).astype(float), None


def _seed_fact(seed: Any) -> Any:
    """The seed as a plain fact for the metadata (an int, None, or the entropy of a SeedSequence)."""
    if seed is None or isinstance(seed, (int, np.integer)):
        return None if seed is None else int(seed)
    if isinstance(seed, np.random.SeedSequence):
        return f"SeedSequence(entropy={seed.entropy}, spawn_key={tuple(seed.spawn_key)})"
    return str(seed)


def _metadata(truth: dict[str, Any], bands: list[tuple[float, float, Any]]) -> dict[str, Any]:
    out = dict(truth)
    out["mode_temperatures"] = [[lo, hi, (t.tolist() if isinstance(t, np.ndarray) else t)] for lo, hi, t in bands]
    return out


def simulate_spectrum(
    dos_energy_mev: ArrayLike,
    dos: ArrayLike,
    temperature_k: float,
    *,
    acquisition: Acquisition | None = None,
    energy_range_mev: tuple[float, float] | None = None,
    mode_temperatures: Mapping[tuple[float, float], float] | None = None,
    seed: int | np.random.SeedSequence | None = None,
    noise: bool = True,
    **settings: Any,
) -> EELSData:
    """One raw vibrational EEL spectrum of a material at ``temperature_k`` (see the module docstring).

    Parameters
    ----------
    dos_energy_mev : array_like, shape (n,)
        Phonon energies in meV, >= 0, increasing.
    dos : array_like, shape (n,)
        Phonon DOS at those energies (any unit: only the shape matters), linearly interpolated, 0 outside.
    temperature_k : float
        Temperature of all modes in K (> 0).
    acquisition : Acquisition, optional
        How the spectrum is recorded (resolution, dose, signal fraction, channel, ZLP tail and offset, cross-section
        form); default :class:`Acquisition`'s defaults.
    energy_range_mev : (lo, hi), optional
        Recorded range in meV (default symmetric, +-(1.25 x highest phonon energy + 4 x FWHM), to 10 meV).
    mode_temperatures : mapping {(lo_mev, hi_mev): T_K}, optional
        Energy bands whose modes have their own temperature (non-overlapping; lo included, hi excluded).
    seed : int, optional
        Seed of the numpy Generator for the Poisson noise.
    noise : bool
        False: the expectation, with the expectation as its variance.
    **settings
        Any field of :class:`Acquisition` by keyword (``resolution_mev=4.0, dose=1e7``), put into ``acquisition``.

    Returns
    -------
    EELSData
        One spectrum (nav_shape ()), source "simulated", the truth in ``metadata``.
    """
    options = Acquisition.of(acquisition, settings).options()
    e, d = check_dos(dos_energy_mev, dos, "dos")
    t = _checks.positive(temperature_k, "temperature_k=", "K")
    bands = _check_bands(mode_temperatures, None)
    comp = spectrum_components(
        [(e, d)], np.ones((1, 1)), np.array([t]), energy_range_mev=energy_range_mev, bands=bands, **options
    )
    expected = comp["zlp"][0] + comp["phonon"][0]
    energy = comp["energy_mev"]
    counts, variance = _noisy(expected, noise, seed)
    truth = {
        "temperature_k": t,
        **options,
        "noise": bool(noise),
        "seed": _seed_fact(seed),
        "phonon_loss_counts": float(comp["loss"][0]),
        "phonon_gain_counts": float(comp["gain"][0]),
        "zlp_counts": float(comp["zlp"][0].sum()),
        "model": _ONE_PHONON,
    }
    return eels_data(energy, counts, variance=variance, source="simulated", metadata=_metadata(truth, bands))


def interface_temperatures(
    positions_nm: ArrayLike,
    interface_nm: float,
    t_interface_hot: float,
    jump_k: float,
    gradient_left_k_per_nm: float,
    gradient_right_k_per_nm: float,
) -> NDArray[np.float64]:
    """T(x) of a line scan across an interface: a straight line on each side and a jump at the plane.

    Parameters
    ----------
    positions_nm : array_like, shape (n,)
        Probe positions in nm.
    interface_nm : float
        Position of the interface plane in nm.
    t_interface_hot : float
        Temperature in K of the left side (x < interface_nm) extrapolated to the plane (the upstream, hot
        side when heat flows in +x).
    jump_k : float
        Temperature jump in K: the right side at the plane is ``t_interface_hot - jump_k`` (upstream minus
        downstream, positive for heat flowing in +x).
    gradient_left_k_per_nm, gradient_right_k_per_nm : float
        dT/dx on each side in K/nm (signed; negative for heat flowing in +x).

    Returns
    -------
    ndarray, shape (n,)
        Temperatures in K; every one must be > 0.
    """
    x = _positions(positions_nm)
    values = {
        "interface_nm": interface_nm,
        "t_interface_hot": t_interface_hot,
        "jump_k": jump_k,
        "gradient_left_k_per_nm": gradient_left_k_per_nm,
        "gradient_right_k_per_nm": gradient_right_k_per_nm,
    }
    for name, v in values.items():
        if not np.isfinite(float(v)):
            raise InputError(f"{name}= must be a finite number")
    xi = float(interface_nm)
    t_left = float(t_interface_hot) + float(gradient_left_k_per_nm) * (x - xi)
    t_right = float(t_interface_hot) - float(jump_k) + float(gradient_right_k_per_nm) * (x - xi)
    t = np.where(x < xi, t_left, t_right)
    if np.any(t <= 0):
        raise InputError(
            f"these gradients and jump give temperatures down to {float(t.min()):g} K inside the scan; "
            "every temperature must be > 0 K"
        )
    return t


def simulate_line_scan(
    positions_nm: ArrayLike,
    temperature_k: ArrayLike,
    dos_left: Any,
    dos_right: Any,
    interface_nm: float,
    *,
    mixing_nm: float = 0.5,
    acquisition: Acquisition | None = None,
    energy_range_mev: tuple[float, float] | None = None,
    mode_temperatures: Mapping[tuple[float, float], Any] | None = None,
    seed: int | np.random.SeedSequence | None = None,
    noise: bool = True,
    **settings: Any,
) -> EELSData:
    """A line scan across an interface: one spectrum per position, vectorised over positions.

    At position x the DOS is (1 - f) D_left + f D_right with f(x) = (1 + erf((x - x_i) / (sqrt 2 s))) / 2,
    the step of the interface blurred by a Gaussian of standard deviation s = ``mixing_nm`` (probe size and
    the delocalisation of the vibrational signal).  The temperature is the given one at each position.

    Parameters
    ----------
    positions_nm : array_like, shape (n,)
        Probe positions in nm.
    temperature_k : float or array_like, shape (n,)
        Temperature in K at each position (see :func:`interface_temperatures`).
    dos_left, dos_right : (energy_mev, dos) pair or an object with ``energy_mev`` and ``dos`` (a DOSTable)
        Phonon DOS of the material at x < interface_nm and at x > interface_nm.
    interface_nm : float
        Interface position in nm.
    mixing_nm : float
        Gaussian standard deviation in nm of the mixing across the interface (>= 0; 0 is a sharp step).
    mode_temperatures : mapping {(lo_mev, hi_mev): T}, optional
        Band temperatures, each one number or one per position (K).
    others
        As in :func:`simulate_spectrum` (``acquisition`` or its fields by keyword); ``dose`` is per position.

    Returns
    -------
    EELSData
        nav_shape (n,), positions_nm the given ones, source "simulated", the truth (temperatures per position,
        interface, mixing) in ``metadata``.
    """
    from scipy.special import erf

    options = Acquisition.of(acquisition, settings).options()
    x = _positions(positions_nm)
    t = np.broadcast_to(np.asarray(temperature_k, dtype=float), x.shape) if np.ndim(temperature_k) == 0 else None
    if t is None:
        t = np.asarray(temperature_k, dtype=float)
        if t.shape != x.shape:
            raise InputError(f"temperature_k= has {t.size} values for {x.size} positions")
    if not np.all(np.isfinite(t)) or np.any(t <= 0):
        raise InputError("temperature_k= must be finite and > 0 K at every position")
    xi = float(interface_nm)
    if not np.isfinite(xi):
        raise InputError("interface_nm= must be finite")
    s = _checks.non_negative(mixing_nm, "mixing_nm=", "nm")
    left = _dos_arrays(dos_left, "dos_left")
    right = _dos_arrays(dos_right, "dos_right")
    bands = _check_bands(mode_temperatures, x.size)
    if s > 0:
        f = 0.5 * (1.0 + erf((x - xi) / (np.sqrt(2.0) * s)))
    else:
        f = np.where(x < xi, 0.0, np.where(x > xi, 1.0, 0.5))
    # each DOS is first normalised to unit area, so the mixing weights are fractions of the vibrational signal
    left_n = (left[0], left[1] / np.trapezoid(left[1], left[0]))
    right_n = (right[0], right[1] / np.trapezoid(right[1], right[0]))
    comp = spectrum_components(
        [left_n, right_n],
        np.stack([1.0 - f, f], axis=1),
        np.array(t, dtype=float),
        energy_range_mev=energy_range_mev,
        bands=bands,
        **options,
    )
    expected = comp["zlp"] + comp["phonon"]
    counts, variance = _noisy(expected, noise, seed)
    truth = {
        "temperature_k": [float(v) for v in t],
        "interface_nm": xi,
        "mixing_nm": s,
        "right_fraction": [float(v) for v in f],
        **options,
        "noise": bool(noise),
        "seed": _seed_fact(seed),
        "model": _ONE_PHONON,
    }
    return eels_data(
        comp["energy_mev"],
        counts,
        x,
        variance=variance,
        nav_names=("x",),
        source="simulated",
        metadata=_metadata(truth, bands),
    )


def simulate_plane_scan(
    plane_nm: ArrayLike,
    energy_mev: ArrayLike,
    plane_dos: ArrayLike,
    plane_temperature_k: ArrayLike,
    *,
    band_temperatures: list[tuple[float, float, ArrayLike]] | None = None,
    positions_nm: ArrayLike | None = None,
    mixing_nm: float = 0.5,
    acquisition: Acquisition | None = None,
    seed: int | np.random.SeedSequence | None = None,
    noise: bool = True,
    **settings: Any,
) -> EELSData:
    """A line scan across atomic planes that each have their own DOS and temperatures (e.g. an MD run's).

    Each plane p gets its own one-phonon spectrum (its ``plane_dos[p]``, temperature ``plane_temperature_k[p]``,
    and within each band of ``band_temperatures`` that band's temperature at p), every plane's spectrum carrying
    the same dose.  The probe at x records the planes' noise-free spectra weighted by a Gaussian of standard
    deviation ``mixing_nm`` in (x - z_p) (probe size and delocalisation), normalised over the planes, then the
    Poisson noise.  The planes must cover the probe's reach: beyond the sampled planes there is nothing.

    Parameters
    ----------
    plane_nm : (n_p,) array
        Plane positions (nm).
    energy_mev : (nf,) array
        Increasing phonon energies (meV) of the DOS rows.
    plane_dos : (n_p, nf) array
        Each plane's DOS (any unit; only each row's shape matters).
    plane_temperature_k : (n_p,) array
        Each plane's temperature (K), that of every mode outside the bands.
    band_temperatures : list of (lo_mev, hi_mev, (n_p,) temperatures), optional
        Bands out of equilibrium, a temperature per plane.
    positions_nm : (n,) array, optional
        Probe positions (nm); default the planes'.
    mixing_nm : float
        Gaussian standard deviation (nm) of the probe's reach across planes (> 0).
    others
        As in :func:`simulate_spectrum` (``acquisition`` or its fields by keyword); ``dose`` is per probe position;
        the planes' spectra are centred (a ``zlp_offset_mev`` other than 0 is refused).
    """
    found = Acquisition.of(acquisition, settings)
    if found.zlp_offset_mev != 0.0:
        raise InputError("zlp_offset_mev= does not apply to a plane scan: the planes' spectra are centred")
    options = found.options()
    z = _positions(plane_nm, "plane_nm=")
    t = np.asarray(plane_temperature_k, dtype=float)
    d = np.asarray(plane_dos, dtype=float)
    n_p = z.size
    if t.shape != z.shape or not np.all(np.isfinite(t)) or np.any(t <= 0):
        raise InputError(f"plane_temperature_k= must hold {n_p} finite temperatures > 0 K, one per plane")
    if d.ndim != 2 or d.shape[0] != n_p:
        raise InputError(f"plane_dos= must have one row per plane ({n_p}), got shape {d.shape}")
    rows = [check_dos(energy_mev, row, f"plane_dos[{k}]") for k, row in enumerate(d)]
    x = z if positions_nm is None else _positions(positions_nm)
    s = _checks.positive(mixing_nm, "mixing_nm=", "nm")
    bands = _check_bands({(lo, hi): tb for lo, hi, tb in band_temperatures or []}, n_p)
    comp = spectrum_components(
        [(e, row / np.trapezoid(row, e)) for e, row in rows],
        np.eye(n_p),
        t,
        energy_range_mev=None,
        bands=bands,
        **options,
    )
    weight = np.exp(-0.5 * ((x[:, None] - z[None, :]) / s) ** 2)
    weight /= weight.sum(axis=1, keepdims=True)
    expected = weight @ (comp["zlp"] + comp["phonon"])
    counts, variance = _noisy(expected, noise, seed)
    truth = {
        "plane_nm": z.tolist(),
        "plane_temperature_k": t.tolist(),
        "mixing_nm": s,
        **{k: v for k, v in options.items() if k != "zlp_offset_mev"},  # the planes' spectra are centred
        "noise": bool(noise),
        "seed": _seed_fact(seed),
        "model": "one-phonon per plane, impact approximation; planes mixed by a Gaussian probe reach",
    }
    return eels_data(
        comp["energy_mev"], counts, x, variance=variance, nav_names=("x",), source="simulated",
        metadata=_metadata(truth, bands),
    )  # fmt: skip


def simulate_stack(
    dos_energy_mev: ArrayLike,
    dos: ArrayLike,
    temperature_k: float,
    *,
    n_copies: int,
    seed: int | np.random.SeedSequence | None = None,
    **options: Any,
) -> EELSData:
    """``n_copies`` independent noisy draws of one spectrum (for planning and for testing estimators).

    Parameters
    ----------
    dos_energy_mev, dos, temperature_k, options
        As in :func:`simulate_spectrum` (``noise`` is not accepted: a stack is always noisy).
    n_copies : int
        Number of copies (1 .. 100000): the navigation axis "copy", positions 0, 1, 2, ... (indices, not nm).
    seed : int, optional
        Seed of the one Generator that draws all copies.

    Returns
    -------
    EELSData
        nav_shape (n_copies,), the expectation's truth in ``metadata`` plus ``n_copies``.
    """
    if "noise" in options:
        raise InputError("simulate_stack always adds noise; use simulate_spectrum(noise=False) for the expectation")
    if isinstance(n_copies, bool) or int(n_copies) != n_copies or not 1 <= n_copies <= 100_000:
        raise InputError(f"n_copies= must be an integer from 1 to 100000 (got {n_copies!r})")
    mean = simulate_spectrum(dos_energy_mev, dos, temperature_k, noise=False, **options)
    rng = np.random.default_rng(seed)
    counts = rng.poisson(np.broadcast_to(mean.counts, (int(n_copies), mean.n_channels))).astype(float)
    meta = dict(mean.metadata)
    meta.update(noise=True, seed=_seed_fact(seed), n_copies=int(n_copies))
    return eels_data(
        mean.energy_mev,
        counts,
        np.arange(int(n_copies), dtype=float),
        nav_names=("copy",),
        source="simulated",
        metadata=meta,
    )


def simulate_spectrum_image(
    rows: int, *args: Any, seed: Any = None, row_spacing_nm: float = 1.0, **kwargs: Any
) -> EELSData:
    """``rows`` line scans across the interface, one below the other: a spectrum image (rows, positions, channels).

    Every row is :func:`simulate_line_scan` with ``args`` and ``kwargs`` (the same temperatures and DOS), with
    its own noise stream spawned from ``seed`` (``numpy.random.SeedSequence(seed).spawn(rows)``), so the image
    is reproducible from one seed and its rows are independent; the rows are ``row_spacing_nm`` apart.

    Raises
    ------
    InputError
        ``rows`` not a whole number from 1 to 4096, or what :func:`simulate_line_scan` refuses.
    """
    if isinstance(rows, bool) or not isinstance(rows, (int, np.integer)) or not 1 <= rows <= 4096:
        raise InputError(f"rows must be a whole number from 1 to 4096, got {rows!r}")
    streams = np.random.SeedSequence(seed).spawn(int(rows))
    return stack_rows([simulate_line_scan(*args, seed=s, **kwargs) for s in streams], row_spacing_nm)


def stack_rows(scans: Sequence[EELSData], row_spacing_nm: float = 1.0) -> EELSData:
    """Line scans taken one below the other -> a spectrum image of shape (rows, positions, channels).

    Each row keeps its own counts and variances (independent noise); the rows must share the energy axis and
    the probe positions along x.  The rows sit ``row_spacing_nm`` apart along y, starting at 0.

    Parameters
    ----------
    scans : sequence of EELSData
        Line scans (one navigation axis each), all on one energy axis (meV) and one x grid (nm).
    row_spacing_nm : float
        Distance between rows (nm), > 0.

    Raises
    ------
    InputError
        No scan, a scan that is not a line scan, or scans on different energy axes or x grids.
    """
    scans = list(scans)
    if not scans:
        raise InputError("stack_rows needs at least one line scan")
    if not (math.isfinite(row_spacing_nm) and row_spacing_nm > 0):
        raise InputError(f"row_spacing_nm must be a finite length > 0 nm, got {row_spacing_nm!r}")
    first = scans[0]
    for k, scan in enumerate(scans):
        if len(scan.nav_shape) != 1:
            raise InputError(f"stack_rows takes line scans; scan {k} has navigation shape {scan.nav_shape}")
        if not np.array_equal(scan.energy_mev, first.energy_mev) or not np.array_equal(
            scan.positions_nm[0], first.positions_nm[0]
        ):
            raise InputError(f"scan {k} is not on the first scan's energy axis and x grid")
    rows = np.arange(len(scans), dtype=float) * row_spacing_nm
    return EELSData(
        energy_mev=first.energy_mev,
        counts=np.stack([s.counts for s in scans]),
        variance=np.stack([s.variance for s in scans]),
        positions_nm=(rows, first.positions_nm[0]),
        nav_names=("y", "x"),
        source=first.source,
        steps=first.steps,
        metadata={**dict(first.metadata), "rows": len(scans), "row_spacing_nm": row_spacing_nm},
    )
