"""Calibration of EELS temperature maps (``kapitza eels map``, ``stream_temperature_map``) on held-out images.

The images come from a generator written here, independent of kapitza's forward model
(:mod:`kapitza.analysis.eels.forward` is not imported) and of ``scripts/calibration/eels.py``'s spectra: the
physics is restated from the sources, and every ingredient differs from what the joint fit assumes.

- **Zero-loss peak (ZLP)**: a Gaussian core whose FWHM varies from pixel to pixel (6 meV x (1 + 0.03 z), z
  standard normal: defocus across the scan) and whose position drifts (uniform over +-1.5 meV: the scan's energy
  drift, three channels), plus a *symmetric* tail of 4 % of the peak's electrons from a family none of the fitted
  tails contains: ``two-power`` (half (1 + (E/g)^2)^-1 and half (1 + (E/g)^2)^-2.2, g = 3 meV: a |E|^-2 far tail
  on a steeper near one) or ``stretched-exp`` (exp(-(|E|/1.5 meV)^0.55): no power law anywhere).
- **Phonon signal**: the one-phonon loss S(E) = D(E)/E (dipole cross-section) with D a Debye-like acoustic band
  (E^2 up to 32 meV, smoothly cut) plus two optical modes of *Lorentzian* line shape (55 meV, HWHM 3 meV;
  95 meV, HWHM 4 meV; their wings cut as E^2 / (E^2 + (20 meV)^2) towards E = 0, where a DOS vanishes); loss
  S (n + 1), gain S n at the pixel's temperature (n the Bose occupation; Idrobo et al.,
  Phys. Rev. Lett. 120, 095901 (2018), Eq. 1), and then -- unlike the fit's model -- *convolved with the
  instrument's Gaussian core*, as a real spectrometer does (the ratio of the broadened gain and loss is no longer
  exactly exp(-E/k_B T)).  k_B from scipy.constants (CODATA), not kapitza.
- **Noise**: Poisson counts at the dose (electrons per spectrum, ZLP included), then the detector's point-spread
  function along the energy axis (each channel keeps 0.6 of its counts and gives 0.2 to each neighbour: noise
  correlated between channels, rho = 0.55), while the file states Poisson variances (variance = counts), as a
  user's file would.
- Every channel is the mean over 5 sub-channel points.

Cases: the issue's image (6 x 6 pixels, 300 K in the left half and 650 K in the right, dose 1e6, phonon signal 1 %
of the electrons at 300 K) and the same at dose 1e7, each tail family (the stretched exponential not claimed: no
fitted family follows it), and the two-power tail without the detector PSF, through ``stream_temperature_map`` with
no options (what ``kapitza eels map FILE`` runs). Per pixel: 1-sigma coverage and bias of the temperatures. Per
half: the median over the 18 pixels, whose statistical error is about 1.2533 x median sigma / sqrt(18) (the standard
error of a median): a bias that averaging cannot remove shows there, and the row states the median's coverage of
that error and its bias in those units.

Run the page: ``PYTHONPATH=src:scripts python -m calibration.make_page --only eels_map --seeds 200``.
Write the issue's image for the command line: ``PYTHONPATH=src:scripts python -m calibration.eels_map FILE.npz``.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass

import numpy as np
from scipy import constants

from . import common

#: k_B in meV / K (CODATA via scipy.constants; not kapitza.units).
KB_MEV_PER_K = constants.k / constants.e * 1e3
CHANNEL_MEV = 0.5
E_MAX_MEV = 150.0
FWHM_MEV = 6.0
TAIL_WEIGHT = 0.04
#: Loss-side phonon electrons / dose at 300 K.
PHONON_FRACTION = 1e-2
#: The detector's point-spread function along the energy axis (neighbour, self, neighbour).
PSF = (0.2, 0.6, 0.2)
TAILS = ("two-power", "stretched-exp")
_SUB = 5


@dataclass(frozen=True)
class MapCase:
    """One family of held-out images: shape, the two halves' temperatures, dose and tail family."""

    tail: str = "two-power"
    shape: tuple[int, int] = (6, 6)
    t_left: float = 300.0
    t_right: float = 650.0
    dose: float = 1e6
    psf: bool = True

    def truth(self) -> np.ndarray:
        ny, nx = self.shape
        t = np.full((ny, nx), self.t_left)
        t[:, nx // 2 :] = self.t_right
        return t


def _tail(family: str, x: np.ndarray) -> np.ndarray:
    a = np.abs(x)
    if family == "two-power":
        g = 3.0
        q = 1.0 + (a / g) ** 2
        return 0.5 / q + 0.5 * q**-2.2
    if family == "stretched-exp":
        return np.exp(-((a / 1.5) ** 0.55))
    raise ValueError(family)


def _dos(e: np.ndarray) -> np.ndarray:
    a = np.maximum(e, 0.0)
    acoustic = (a / 32.0) ** 2 / (1.0 + np.exp((a - 32.0) / 1.5))
    lines = 0.8 * 3.0**2 / ((a - 55.0) ** 2 + 3.0**2) + 0.5 * 4.0**2 / ((a - 95.0) ** 2 + 4.0**2)
    optical = lines * a**2 / (a**2 + 20.0**2)  # a density of states vanishes at E = 0: the Lorentzian wings cut
    return np.where(e > 0, acoustic + optical, 0.0)


def _channel_mean(f, centres: np.ndarray) -> np.ndarray:
    off = ((np.arange(_SUB) + 0.5) / _SUB - 0.5) * CHANNEL_MEV
    return f(centres[:, None] + off[None, :]).mean(axis=1)


def axis() -> np.ndarray:
    return np.arange(-E_MAX_MEV, E_MAX_MEV + 0.5 * CHANNEL_MEV, CHANNEL_MEV)


def _phonons(t_k: float, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Loss S (n + 1) and gain S n on a fine grid (energy from the ZLP, meV), convolved with the Gaussian core."""
    step = 0.1
    fine = np.arange(-E_MAX_MEV - 10.0, E_MAX_MEV + 10.0 + step / 2, step)
    a = np.abs(fine)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(a > 0, _dos(a) / np.maximum(a, 1e-9), 0.0)
        n = np.where(a > 0, 1.0 / np.expm1(np.maximum(a, 1e-9) / (KB_MEV_PER_K * t_k)), 0.0)
    spec = np.where(fine > 0, s * (n + 1.0), s * n)  # loss at E > 0, gain at E < 0
    k = np.arange(-int(5 * sigma / step) - 1, int(5 * sigma / step) + 2) * step
    kern = np.exp(-0.5 * (k / sigma) ** 2)
    kern /= kern.sum()
    return fine, np.convolve(spec, kern, mode="same")


def _norm() -> float:
    """Loss-side phonon electrons per unit of S at 300 K (the signal fraction is set there)."""
    fine, conv = _phonons(300.0, FWHM_MEV / 2.3548)
    return float(np.sum(conv[fine > 0]) * (fine[1] - fine[0]))


def spectrum_mean(tail: str, t_k: float, dose: float, offset: float, fwhm: float) -> np.ndarray:
    """Expected electrons per channel of one spectrum (ZLP at ``offset`` meV on :func:`axis`)."""
    e = axis()
    x = e - offset
    sig = fwhm / (2.0 * math.sqrt(2.0 * math.log(2.0)))
    core = _channel_mean(lambda p: np.exp(-0.5 * (p / sig) ** 2), x)
    tl = _channel_mean(lambda p: _tail(tail, p), x)
    zlp = (1.0 - TAIL_WEIGHT) * core / core.sum() + TAIL_WEIGHT * tl / tl.sum()
    fine, conv = _phonons(t_k, sig)
    ph = _channel_mean(lambda p: np.interp(p, fine, conv), x)
    return dose * (zlp + PHONON_FRACTION * CHANNEL_MEV * ph / _norm())


def image(case: MapCase, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(energy axis meV, counts (ny, nx, n_channels), truth (ny, nx) K) of one held-out image."""
    rng = np.random.default_rng(seed)
    truth = case.truth()
    ny, nx = case.shape
    e = axis()
    counts = np.empty((ny, nx, e.size))
    for iy in range(ny):
        for ix in range(nx):
            offset = float(rng.uniform(-1.5, 1.5))
            fwhm = FWHM_MEV * (1.0 + 0.03 * float(rng.standard_normal()))
            mu = spectrum_mean(case.tail, float(truth[iy, ix]), case.dose, offset, fwhm)
            c = rng.poisson(mu).astype(float)
            if case.psf:
                c = np.convolve(c, PSF, mode="same")
            counts[iy, ix] = c
    return e, counts, truth


# ----------------------------------------------------------------------------------------- estimator


def _map(case: MapCase, seed: int):
    """The map as ``kapitza eels map FILE`` makes it (no options), or None when refused."""
    from kapitza.analysis.eels.data import eels_data
    from kapitza.analysis.eels.stream import stream_temperature_map
    from kapitza.errors import InputError

    e, counts, truth = image(case, seed)
    ny, nx = case.shape
    data = eels_data(e, counts, (np.arange(ny) * 1.0, np.arange(nx) * 1.0))
    try:
        return stream_temperature_map(data), truth
    except InputError:
        return None, truth


def outcomes(case: MapCase, n_seeds: int, first_seed: int = 0) -> dict[str, list]:
    """Per pixel (estimate, sigma, truth, flagged) and per half (median, its standard error, truth, flagged)."""
    pix: dict[str, list] = {"left": [], "right": []}
    med: dict[str, list] = {"left": [], "right": []}
    nx = case.shape[1]
    for s in range(n_seeds):
        m, truth = _map(case, first_seed + s)
        for side, cols in (("left", slice(0, nx // 2)), ("right", slice(nx // 2, nx))):
            if m is None:
                pix[side].append(None)
                med[side].append(None)
                continue
            t = np.asarray(m.temperature)[:, cols]
            err = np.asarray(m.temperature_err)[:, cols]
            ok = np.asarray(m.valid)[:, cols]
            adequate = np.asarray(m.adequate)[:, cols]
            tr = truth[:, cols]
            for i in range(t.size):
                okf = ok.reshape(-1)[i]
                pix[side].append(
                    (t.reshape(-1)[i], err.reshape(-1)[i], tr.reshape(-1)[i], not adequate.reshape(-1)[i])
                    if okf
                    else None
                )
            if ok.sum() >= 3:
                se = 1.2533 * float(np.median(err[ok])) / math.sqrt(int(ok.sum()))
                med[side].append((float(np.median(t[ok])), se, float(tr[0, 0]), bool(ok.sum() < ok.size)))
            else:
                med[side].append(None)
    return {
        "pixel_left": pix["left"],
        "pixel_right": pix["right"],
        "median_left": med["left"],
        "median_right": med["right"],
    }


EST = "EELS temperature map (eels map FILE, no options: joint fit per pixel, automatic window)"


def rows_for(
    case: MapCase, n_seeds: int, first_seed: int, expected: str = "claimed", note: str = ""
) -> list[common.CalibrationRow]:
    out = outcomes(case, n_seeds, first_seed)
    what = f"{case.shape[0]}x{case.shape[1]} image, {case.tail} tail, dose {case.dose:.0e}" + (
        ", detector PSF (correlated noise)" if case.psf else ""
    )
    rows = []
    for side, t in (("left", case.t_left), ("right", case.t_right)):
        rows.append(
            common.summarize(
                EST,
                f"{what}: every pixel of the {side} half ({n_seeds} images)",
                f"{t:g} K",
                out[f"pixel_{side}"],
                expected,
                note=note or "flagged = pixels whose chi2 verdict is INADEQUATE (error inflated)",
            )
        )
        rows.append(
            common.summarize(
                EST,
                f"{what}: median of the {side} half's pixels ({n_seeds} images)",
                f"{t:g} K",
                out[f"median_{side}"],
                expected,
                note="sigma = 1.2533 x median pixel error / sqrt(valid pixels), the large-sample standard error of a "
                "median (with 18 pixels of unequal errors only approximate, so a coverage a few hundredths outside the "
                "band is not by itself a failure): bias / sigma here is the bias averaging does not remove, +0.06 to "
                "+0.33 of it (0.1-1 % of T) on the claimed images, which the per-pixel error covers; flagged = a half "
                "with a pixel without a temperature",
            )
        )
    return rows


STRETCHED_NOTE = (
    "NOT claimed (a stated limit, docs/physics/eels.md): a tail falling faster than any power law across the fit "
    "region (its local exponent runs from -3 to -7) is outside every fitted family; at dose 1e6 the pixels are "
    "covered but biased (+0.2 to +0.3 sigma), which the median of a half shows at up to one of its own errors; at "
    "dose 1e7 the pixels are biased by +1 to +1.7 sigma and the chi2 verdict does not flag them (the detector's "
    "correlated noise makes the stated variances larger than the scatter, which hides the misfit)"
)


def run(n_seeds: int) -> list[common.CalibrationRow]:
    """The issue's 6 x 6 image at doses 1e6 and 1e7 with both tail families, and without the detector PSF."""
    rows = []
    for dose, off in ((1e6, 0), (1e7, 500)):
        rows += rows_for(MapCase(tail="two-power", dose=dose), n_seeds, 20000 + off)
        rows += rows_for(MapCase(tail="stretched-exp", dose=dose), n_seeds, 21000 + off, "not claimed", STRETCHED_NOTE)
    rows += rows_for(MapCase(tail="two-power", psf=False), n_seeds, 24000)
    return rows


def write_issue_image(path: str, seed: int = 39, tail: str = "two-power") -> None:
    """The issue's 6 x 6 held-out image (300 K | 650 K, dose 1e6) as an .npz that ``kapitza eels map`` reads."""
    e, counts, truth = image(MapCase(tail=tail), seed)
    np.savez(
        path,
        energy_mev=e,
        counts=counts,
        positions_nm_0=np.arange(6) * 1.0,
        positions_nm_1=np.arange(6) * 1.0,
        source=np.array(f"held-out 6x6 image (scripts/calibration/eels_map.py, {tail} tail, seed {seed})"),
    )
    print(f"wrote {path}: truth 300 K in columns 0-2, 650 K in columns 3-5")


if __name__ == "__main__":
    write_issue_image(sys.argv[1] if len(sys.argv) > 1 else "eels_map_6x6.npz")
