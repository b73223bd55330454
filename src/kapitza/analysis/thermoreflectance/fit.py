"""Fits of the thermoreflectance model to TDTR or FDTR data, with honest uncertainties: the least-squares fit
(:mod:`.least_squares`: :func:`fit`, :class:`ThermoreflectanceFit`) and the posterior sampled from its optimum
(:mod:`.posterior`: :func:`sample_posterior`, :class:`PosteriorResult`), importable from here as before they had
modules of their own (issue 76 item 5); the fit's arguments are checked by :mod:`.arguments` and its residuals' AR(1)
noise is :mod:`.noise`'s."""

from __future__ import annotations

from .arguments import MAX_POINTS
from .least_squares import Progress, ThermoreflectanceFit, fit
from .posterior import PosteriorResult, Sampling, sample_posterior

__all__ = ["MAX_POINTS", "PosteriorResult", "Progress", "Sampling", "ThermoreflectanceFit", "fit", "sample_posterior"]
