r"""Debye vs full dispersion: the same model on both descriptions of the bulk phonons, side by side.

The one implementation of the comparison: G(T), its shares by band and by
frequency band, and the spectral conductance
:math:`dG/d\omega = \sum_b \hbar\omega\,M_{1,b}\tau_{12}\,\partial n/\partial T`
of each description on one frequency grid.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import _checks, landauer
from ..errors import InputError
from ..io.results import result
from .api import build_spectra, resolve_sides
from .registry import get_model
from .settings import Progress, Settings, SideSpec
from .shares import ConductanceShares, conductance_shares

__all__ = ["DebyeComparison", "compare_debye", "spectral_comparison"]

#: Most points of the dG/domega grid (memory n_T x n_omega per description).
MAX_OMEGA_POINTS = 100_000


@result
class DebyeComparison:
    """Debye and full-dispersion predictions of one interface side by side.

    Attributes
    ----------
    side1, side2 : str
        Material names (heat flows 1 -> 2).
    model : str
        "dmm" or "limit".
    temperature : ndarray
        K, shape (n_T,).
    debye, full : ConductanceShares
        G(T) of each description with its shares (labels: Debye branches "L", "T";
        full-dispersion bands "TA1", ..., "O1", ...).
    omega : ndarray
        rad/s, shape (n_omega,), from 0 to the top of both spectra.
    debye_spectral, full_spectral : ndarray
        dG/domega summed over branches, W m^-2 K^-1 (rad/s)^-1, shape (n_T, n_omega).
    """

    _summary_fields: ClassVar[tuple[str, ...]] = ("side1", "side2", "model", "temperature", "ratio")

    side1: str
    side2: str
    model: str
    temperature: NDArray[np.float64]
    debye: ConductanceShares
    full: ConductanceShares
    omega: NDArray[np.float64]
    debye_spectral: NDArray[np.float64]
    full_spectral: NDArray[np.float64]

    @property
    def ratio(self) -> NDArray[np.float64]:
        """G_full / G_Debye, shape (n_T,) (nan where the Debye G is 0, e.g. T = 0)."""
        out = np.full(self.temperature.shape, np.nan)
        np.divide(self.full.conductance, self.debye.conductance, out=out, where=self.debye.conductance > 0)
        return out


def spectral_comparison(
    debye_model: landauer.TransmittedChannels,
    full_model: landauer.TransmittedChannels,
    temperature: ArrayLike,
    *,
    names: tuple[str, str] = ("side 1", "side 2"),
    model: str = "dmm",
    n_omega: int = 1000,
    statistics: landauer.Statistics = "bose-einstein",
) -> DebyeComparison:
    """Compare two ready models (any TransmittedChannels): G, shares and dG/domega on one grid.

    Parameters
    ----------
    debye_model, full_model : TransmittedChannels
    temperature : array_like
        K, scalar or shape (n_T,).
    names : (str, str)
        Names of side 1 and side 2 for reports.
    model : str
        Model name for reports.
    n_omega : int
        Points of the dG/domega grid (2 to 100,000).
    statistics : {"bose-einstein", "classical"}
    """
    landauer.validate_statistics(statistics)
    t = landauer.as_temperatures(temperature)
    if isinstance(n_omega, bool) or not isinstance(n_omega, (int, np.integer)) or not 2 <= n_omega <= MAX_OMEGA_POINTS:
        raise InputError(f"n_omega must be a whole number from 2 to {MAX_OMEGA_POINTS}, got {n_omega!r}")
    top = max(float(np.max(debye_model.breakpoints)), float(np.max(full_model.breakpoints)))
    omega = np.linspace(0.0, top, int(n_omega))
    spectral = [
        np.array([landauer.spectral_conductance(m, omega, ti, statistics).sum(axis=0) for ti in t])
        for m in (debye_model, full_model)
    ]
    return DebyeComparison(
        side1=names[0],
        side2=names[1],
        model=model,
        temperature=t,
        debye=conductance_shares(debye_model, t, statistics=statistics),
        full=conductance_shares(full_model, t, statistics=statistics),
        omega=omega,
        debye_spectral=spectral[0],
        full_spectral=spectral[1],
    )


def compare_debye(
    side1: SideSpec,
    side2: SideSpec,
    temperature: ArrayLike,
    model: str = "dmm",
    *,
    settings: Settings | None = None,
    n_omega: int = 1000,
    progress: Progress | None = None,
    **options: Any,
) -> DebyeComparison:
    """Debye (database sound speeds) vs full-dispersion (force constants) G(T) and dG/domega.

    Parameters
    ----------
    side1, side2 : str, path, Material or FullDispersionSpectrum
        Incident and receiving materials, or ready full-dispersion spectra (built once
        with :func:`kapitza.prediction.build_spectra` to compare several models).
    temperature : array_like
        K, scalar or shape (n_T,).
    model : {"dmm", "limit"}
        A model that takes both kinds of spectra.
    settings : Settings, optional
        The prediction's settings record (:class:`kapitza.prediction.settings.Settings`, as a
        :class:`~kapitza.prediction.answer.Prediction` holds it); its fields below may also be given by keyword
        (``mesh=12``), put into it.
    cutoff : {"debye", "branch", "sine", "sine-zb"}
        Debye-type spectrum of the Debye side (default "debye", see :func:`kapitza.predict`).
    statistics : {"bose-einstein", "classical"}
    inelastic : None
        The comparison is of elastic models; anything else is refused.
    dispersion : "phonopy"
        Accepted so that the options of :func:`kapitza.predict` can be passed through.
    potential, calculator, normal, mesh, width, phonopy_files
        Full-dispersion options, as in :func:`kapitza.predict` (with a calculator, the Debye side uses the
        material records derived from the same phonons).
    n_omega : int
        Points of the dG/domega grid.
    progress : callable, optional
        ``progress(stage, done, total)`` while full-dispersion spectra are built.
    """
    _checks.known_settings(options, [f.name for f in fields(Settings)], " of compare_debye; its settings")
    if settings is not None and not isinstance(settings, Settings):
        raise InputError(f"settings must be a kapitza.prediction.settings.Settings, got {type(settings).__name__}")
    given = {"dispersion": "phonopy", **(settings.options() if settings is not None else {}), **options}
    if given.get("inelastic") is not None:
        raise InputError("the Debye / full-dispersion comparison is of elastic models; leave out inelastic")
    if given["dispersion"] != "phonopy":
        raise InputError(
            f"the comparison is against full dispersion: dispersion must be 'phonopy', got {given['dispersion']!r}"
        )
    full = Settings(**given)
    debye = Settings(cutoff=full.cutoff, statistics=full.statistics)
    info = get_model(model, "phonopy")
    t = landauer.as_temperatures(temperature)
    m1, m2, given = resolve_sides(side1, side2, full, progress=progress)
    full_spectra = build_spectra(m1, m2, full, given=given, progress=progress)
    debye_spectra = build_spectra(m1, m2, debye)
    return spectral_comparison(
        info.build(m1, m2, *debye_spectra),
        info.build(m1, m2, *full_spectra),
        t,
        names=(m1.name, m2.name),
        model=info.name,
        n_omega=n_omega,
        statistics=full.statistics,  # type: ignore[arg-type]
    )
