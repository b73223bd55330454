"""The figure of a prediction (:meth:`kapitza.Prediction.plot`, ``kapitza predict --plot``).

G(T) of every model on a dense grid with the requested temperatures as points, the measured values of the pair,
the metal's G_ep and the total, the calculator's measured band, and the expected measurement with its 68 % band
first (:func:`~kapitza.plotting.conductance.conductance_figure`); with ``compare_debye`` the Debye and
full-dispersion dG/domega of the first model (:func:`~kapitza.plotting.phonons.spectral_comparison_figure`).  The
points at the requested temperatures, the metal's G_ep and the band come from the answer's document
(:meth:`~kapitza.prediction.answer.Prediction.to_dict`, as the text and ``--json`` do); the dense curves and the
measured crosses are computed for the figure.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from matplotlib.figure import Figure

__all__ = ["prediction_figure"]


def prediction_figure(prediction: Any, path: str | os.PathLike | None = None) -> Figure:
    """Draw ``prediction`` (a :class:`~kapitza.prediction.answer.Prediction`); save it to ``path`` if given (.png,
    .pdf, .svg, written atomically; checked before anything is drawn)."""
    from .canvas import check_figure_path

    if path is not None:
        check_figure_path(path)
    if prediction.comparisons:
        from ..prediction.comparison import compare_debye
        from ..prediction.physics import comparison_plot_temperatures
        from .phonons import spectral_comparison_figure

        p = prediction
        dense = comparison_plot_temperatures(p.temperature, p.side1, p.side2)  # smooth G(T), requested T kept
        options = p.settings.options()
        comparison = compare_debye(*p.spectra, dense, prediction.comparisons[0].model, **options)
        return spectral_comparison_figure(comparison, path)
    from ..prediction.mlip_band import MODEL as BAND_MODEL
    from .conductance import conductance_figure

    doc = prediction.to_dict()  # the answer's one document: the points, the metal's level and the band are its
    curves, expected = prediction.curves()  # the dense curves are computed on the figure's own grid
    ep, band = doc["electron_phonon"], doc.get("band")
    return conductance_figure(
        curves,
        path,
        markers=[_Points(entry) for entry in doc["results"]],
        measured=prediction.measured_rows(),
        electron_phonon=None if ep is None else (str(ep["metal"]), float(ep["conductance"])),
        band=None if band is None else (BAND_MODEL, float(band["factor"])),
        expected=expected,
    )


class _Points:
    """A model's G at the requested temperatures, from a prediction's document (numbers or "inf"/"nan")."""

    def __init__(self, entry: dict[str, Any]) -> None:
        self.model = str(entry["model"])
        self.temperature = np.array([float(v) for v in entry["temperature"]])
        self.conductance = np.array([float(v) for v in entry["conductance"]])
