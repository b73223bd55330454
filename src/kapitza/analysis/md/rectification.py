"""Thermal rectification: a forward NEMD run (hot bath in A) against its reverse (hot bath in B), their
conductances and, with spectral data, their spectra side by side (and the modal temperatures of both with a
reference LDOS).  It combines :mod:`.spectral` and :mod:`.modes`, which therefore need not know of each other."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ...errors import InputError
from ...io.results import result
from ...io.spectral_layout import SPECTRAL_DIR
from .modes import modal_temperatures
from .response import RunAnalysis, analyze_run
from .spectral import DEFAULT_SMOOTHING_BINS, read_spectral_run, spectral_conductance


@result
class Rectification:
    """A forward run (hot bath in A) against its reverse (hot bath in B).

    Attributes
    ----------
    G_forward, G_forward_err, G_reverse, G_reverse_err : float
        NEMD conductances of both runs (combined over their interfaces; ``G_unit``).
    G_unit : str
    ratio, ratio_err : float
        (G_f - G_r) / G_r and its first-order propagated error.
    zero_within_error : bool
        |ratio| <= 2 ratio_err.
    verdict : str
    omega : ndarray (nf,) or None
        The forward run's grid (display units), None when the runs have no spectral data.
    omega_unit, g_unit : str
        Display units of ``omega`` and the g spectra ("" without spectral data).
    g_forward, g_forward_err, g_reverse, g_reverse_err : ndarray (nf,) or None
        q / Delta T (A -> B convention, both positive) on ``omega``; the reverse one interpolated linearly onto
        the forward grid when the grids differ.
    modal_forward, modal_reverse : ModalTemperatures or None
        Side by side when a reference LDOS was given.
    """

    G_forward: float
    G_forward_err: float
    G_reverse: float
    G_reverse_err: float
    G_unit: str
    ratio: float
    ratio_err: float
    zero_within_error: bool
    verdict: str
    omega: NDArray[np.float64] | None
    omega_unit: str
    g_unit: str
    g_forward: NDArray[np.float64] | None
    g_forward_err: NDArray[np.float64] | None
    g_reverse: NDArray[np.float64] | None
    g_reverse_err: NDArray[np.float64] | None
    modal_forward: Any
    modal_reverse: Any

    _summary_fields: ClassVar[tuple[str, ...]] = ("ratio", "ratio_err", "zero_within_error")


def _conductance(run: RunAnalysis) -> tuple[float, float, str]:
    if run.jump.units == "lj":
        return float(run.jump.G), float(run.jump.G_err), "k_B/(tau sigma^2)"
    return float(run.jump.G_si), float(run.jump.G_si_err), "W m^-2 K^-1"


def rectification(
    forward_run: str | Path,
    reverse_run: str | Path,
    *,
    reference_ldos: ArrayLike | None = None,
    smoothing_bins: float = DEFAULT_SMOOTHING_BINS,
) -> Rectification:
    """Thermal rectification from a forward and a reverse run directory.

    Parameters
    ----------
    forward_run, reverse_run : path-like
        Run directories of the same system with ``reverse = false`` and ``reverse = true``.
    reference_ldos : array_like, optional
        As in :func:`kapitza.analysis.md.modes.modal_temperatures` (on the forward run's grid); gives the modal
        temperatures of both runs.
    smoothing_bins : float
        As in :func:`kapitza.analysis.md.spectral.spectral_conductance`.
    """
    fwd = analyze_run(forward_run)
    rev = analyze_run(reverse_run)
    gf, gf_err, unit = _conductance(fwd)
    gr, gr_err, unit_r = _conductance(rev)
    if unit != unit_r:
        raise InputError(f"the forward run is in {fwd.jump.units} units and the reverse one in {rev.jump.units}")
    if not (math.isfinite(gr) and gr != 0 and math.isfinite(gf)):
        raise InputError("the conductances of both runs must be finite and the reverse one non-zero")
    ratio = (gf - gr) / gr
    ratio_err = abs(gf / gr) * math.hypot(gf_err / gf, gr_err / gr) if gf != 0 else abs(gr_err / gr)
    zero = bool(abs(ratio) <= 2 * ratio_err)
    verdict = f"rectification (G_f - G_r) / G_r = {ratio:.3g} +- {ratio_err:.2g}: " + (
        "zero within error (2 SE)" if zero else "not zero within error (beyond 2 SE)"
    )
    omega = g_f = g_f_err = g_r = g_r_err = None
    omega_unit = g_unit = ""
    mod_f = mod_r = None
    has = [(Path(r) / SPECTRAL_DIR).is_dir() for r in (forward_run, reverse_run)]
    if all(has):
        sf = spectral_conductance(forward_run, smoothing_bins=smoothing_bins, run=fwd)
        sr = spectral_conductance(reverse_run, smoothing_bins=smoothing_bins, run=rev)
        omega, g_f, g_f_err = sf.omega, sf.g, sf.g_err
        omega_unit, g_unit = sf.omega_unit, sf.g_unit
        if sr.omega.shape == sf.omega.shape and np.allclose(sr.omega, sf.omega):
            g_r, g_r_err = sr.g, sr.g_err
        else:
            g_r = np.interp(sf.omega, sr.omega, sr.g, left=0.0, right=0.0)
            g_r_err = np.interp(sf.omega, sr.omega, sr.g_err, left=0.0, right=0.0)
        if reference_ldos is not None:
            runs = []
            for path, sc in ((forward_run, sf), (reverse_run, sr)):
                raw = read_spectral_run(path, max_blocks=int(sc.first_block + sc.blocks_used - 1))
                runs.append(modal_temperatures(raw.select(sc.first_block), reference_ldos))
            mod_f, mod_r = runs
    elif reference_ldos is not None:
        raise InputError("reference_ldos= needs spectral data in both runs (spectral_every > 0)")
    return Rectification(
        G_forward=gf,
        G_forward_err=gf_err,
        G_reverse=gr,
        G_reverse_err=gr_err,
        G_unit=unit,
        ratio=float(ratio),
        ratio_err=float(ratio_err),
        zero_within_error=zero,
        verdict=verdict,
        omega=omega,
        omega_unit=omega_unit,
        g_unit=g_unit,
        g_forward=g_f,
        g_forward_err=g_f_err,
        g_reverse=g_r,
        g_reverse_err=g_r_err,
        modal_forward=mod_f,
        modal_reverse=mod_r,
    )
