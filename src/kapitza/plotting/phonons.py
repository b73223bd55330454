"""Phonon figures: dispersion with density of states, and Debye vs full-dispersion dG/domega."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from ..units import MW_PER_M2K, RAD_S_PER_THZ
from .canvas import figure, save

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..phonons.bands import BandStructure
    from ..phonons.debye import DebyeSpectrum
    from ..phonons.full_dispersion import FullDispersionSpectrum
    from ..prediction.comparison import DebyeComparison


def dispersion_figure(
    bands: BandStructure,
    spectrum: FullDispersionSpectrum,
    path: str | os.PathLike | None = None,
    *,
    debye: DebyeSpectrum | None = None,
    number_density: float | None = None,
    title: str | None = None,
) -> Figure:
    """Phonon dispersion along the path (left) and the density of states (right), THz.

    Parameters
    ----------
    bands : BandStructure
        From :func:`kapitza.phonons.bands.band_structure`.
    spectrum : FullDispersionSpectrum
        Supplies the density of states (per band, summed here), drawn per atom and per THz.
    path : path-like, optional
        Output file (.png, .pdf, .svg), written atomically if given.
    debye : DebyeSpectrum, optional
        Also draw this Debye density of states (needs ``number_density``, atoms per m^3).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = figure(figsize=(8.0, 4.5))
    ax, ax_dos = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [3, 1], "wspace": 0.12})
    freq = bands.omega / RAD_S_PER_THZ
    for s in np.unique(bands.segment):
        sel = bands.segment == s
        ax.plot(bands.distance[sel], freq[sel], color="C0", lw=1.2)
    for tick in bands.ticks:
        ax.axvline(tick, color="grey", lw=0.6)
    ax.set_xticks(bands.ticks, bands.tick_labels)
    ax.set_xlim(bands.distance[0], bands.distance[-1])
    top = float(freq.max())
    if debye is not None and number_density is not None:
        top = max(top, debye.max_frequency / RAD_S_PER_THZ)
    ax.set_ylim(0.0, 1.05 * top)
    ax.set_ylabel("frequency (THz)")
    ax.set_title(title or f"{spectrum.material}: phonon dispersion")

    w = np.linspace(0.0, spectrum.max_frequency, 2000)
    per_atom_thz = spectrum.cell_volume / max(spectrum.n_atoms, 1) * RAD_S_PER_THZ
    dos = spectrum.density_of_states(w).sum(axis=0) * per_atom_thz
    ax_dos.plot(dos, w / RAD_S_PER_THZ, color="C0", label="full dispersion")
    ax_dos.fill_betweenx(w / RAD_S_PER_THZ, 0.0, dos, color="C0", alpha=0.2)
    right = 1.08 * float(dos.max()) if dos.max() > 0 else 1.0
    if debye is not None and number_density is not None:
        wd = np.linspace(0.0, debye.max_frequency * 1.001, 2000)
        dd = debye.density_of_states(wd).sum(axis=0) / number_density * RAD_S_PER_THZ
        ax_dos.plot(dd, wd / RAD_S_PER_THZ, color="C3", ls="--", label="Debye", clip_on=True)
        right = max(right, 1.08 * float(dd.max()))
        # below the lowest band's first peak both densities are small (omega^2): room for the legend
        ax_dos.legend(loc="lower right", fontsize="small", framealpha=0.9)
    ax_dos.set_xlabel("DOS (states THz$^{-1}$ atom$^{-1}$)")
    ax_dos.set_xlim(0.0, right)
    return save(fig, path)


def spectral_comparison_figure(
    comparison: DebyeComparison,
    path: str | os.PathLike | None = None,
    temperature: float | None = None,
    title: str | None = None,
) -> Figure:
    """dG/domega of the Debye and full-dispersion models at one temperature, and G(T) of both.

    Parameters
    ----------
    comparison : DebyeComparison
        From :func:`kapitza.prediction.compare_debye`.
    path : path-like, optional
        Output file (.png, .pdf, .svg), written atomically if given.
    temperature : float, optional
        K; the temperature of ``comparison`` closest to it is drawn (default 300 K).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    t = comparison.temperature
    many = np.unique(t).size >= 2
    fig = figure(figsize=(10.0 if many else 6.0, 4.2))
    axes = fig.subplots(1, 2 if many else 1, squeeze=False)
    ax = axes[0, 0]
    i = int(np.argmin(np.abs(t - (300.0 if temperature is None else temperature))))
    f = comparison.omega / RAD_S_PER_THZ
    scale = RAD_S_PER_THZ / MW_PER_M2K  # per rad/s -> per THz, W -> MW
    for spectral, shares, style, label in (
        (comparison.debye_spectral, comparison.debye, dict(color="C3", ls="--"), "Debye"),
        (comparison.full_spectral, comparison.full, dict(color="C0"), "full dispersion"),
    ):
        g = shares.conductance[i] / MW_PER_M2K
        ax.plot(f, spectral[i] * scale, label=f"{label}: G = {g:.4g} MW m$^{{-2}}$ K$^{{-1}}$", **style)
    ax.set_xlabel("frequency (THz)")
    ax.set_ylabel(r"dG/d$\nu$ (MW m$^{-2}$ K$^{-1}$ THz$^{-1}$)")
    both = np.maximum(comparison.debye_spectral[i], comparison.full_spectral[i])
    carrying = f[both > 1e-4 * both.max()] if both.max() > 0 else f
    ax.set_xlim(0.0, 1.05 * float(carrying.max()))
    ax.set_ylim(bottom=0.0)
    ax.set_title(f"{comparison.side1} \u2192 {comparison.side2}, {comparison.model.upper()}, T = {t[i]:g} K")
    ax.legend(fontsize="small")
    if many:
        _plot_g_of_t(axes[0, 1], comparison)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return save(fig, path)


def _plot_g_of_t(ax: Any, comparison: DebyeComparison) -> None:
    t = comparison.temperature
    for shares, style, label in (
        (comparison.debye, dict(color="C3", ls="--", marker="o", ms=3), "Debye"),
        (comparison.full, dict(color="C0", marker="o", ms=3), "full dispersion"),
    ):
        ok = shares.conductance > 0
        ax.loglog(t[ok], shares.conductance[ok] / MW_PER_M2K, label=label, **style)
    ax.set_xlabel("temperature (K)")
    ax.set_ylabel(r"G (MW m$^{-2}$ K$^{-1}$)")
    ax.grid(True, which="both", alpha=0.25)
    ax.legend(fontsize="small")
    ax.set_title("G(T)")
