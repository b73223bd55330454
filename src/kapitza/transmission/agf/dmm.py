r"""The full-dispersion diffuse mismatch model of the AGF's own leads.

The AGF solves each perfect lead too (:func:`.run.lead_model`); its Caroli
transmission :math:`\Xi_{L,R}(\omega)` is the lead's number of propagating
channels per lateral cell: the count of bulk modes at :math:`\omega` with a
positive group velocity along the normal, summed over the transverse wavevectors
of the k grid, for the full lattice dynamics of the force field.  That is the
channel density a full-dispersion DMM needs (:mod:`kapitza.transmission.dmm`,
Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989), Eq. (21);
:math:`M_i = \Xi_i / (2\pi A)`), so the DMM of the same interface, from the
same force constants, costs nothing more:

.. math:: \tau_{LR}(\omega) = \frac{\Xi_R}{\Xi_L + \Xi_R}, \qquad
          G_\mathrm{DMM}(T) = \frac{1}{A}\int \frac{d\omega}{2\pi}\,\hbar\omega
          \frac{\partial n}{\partial T}\, \frac{\Xi_L \Xi_R}{\Xi_L + \Xi_R}.

It is the two-probe quantity the AGF's ``conductance`` compares with (both count
the leads' channels); for two identical leads it is half the ballistic
conductance, the DMM's known artefact.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ... import landauer
from ...errors import InputError
from ...io.results import result


@result
class LeadDMM:
    """Full-dispersion DMM from the AGF leads' channel counts.

    Attributes
    ----------
    omega : ndarray
        rad/s, shape (n_omega,): the AGF interface sweep's grid.
    transmission : ndarray
        tau_LR(omega) = Xi_R / (Xi_L + Xi_R), shape (n_omega,); 0 where neither lead has channels.
    channels : ndarray
        Xi_L and Xi_R on that grid (per lateral cell), shape (2, n_omega).
    temperature : ndarray
        K, shape (n_T,).
    conductance : ndarray
        G_DMM(T), W m^-2 K^-1, shape (n_T,).
    statistics : str
    """

    omega: NDArray[np.float64]
    transmission: NDArray[np.float64]
    channels: NDArray[np.float64]
    temperature: NDArray[np.float64]
    conductance: NDArray[np.float64]
    statistics: str


def lead_dmm(agf: Any, temperature: ArrayLike | None = None, statistics: str | None = None) -> LeadDMM:
    """The DMM of an :class:`~.run.AGFResult`'s two leads at its temperatures (or ``temperature``, K)."""
    t = agf.transmission
    if t.area is None or np.asarray(agf.lead_xi).shape[-1] == 0:
        raise InputError("the AGF result has no lead channel counts (a 1D model or an old result): no DMM")
    omega, weights = np.asarray(t.omega), np.asarray(t.omega_weights)
    xi = np.array([_on_grid(w, x, omega) for w, x in zip(agf.lead_omega, agf.lead_xi)])
    total = xi.sum(axis=0)
    tau = np.divide(xi[1], total, out=np.zeros_like(total), where=total > 0)
    transmitted = np.divide(xi[0] * xi[1], total, out=np.zeros_like(total), where=total > 0) / (2 * np.pi * t.area)
    stats = statistics or agf.settings.get("statistics", "bose-einstein")
    temps = agf.temperature if temperature is None else temperature
    g = landauer.integrate(omega, weights, transmitted, temps, stats, labels=("dmm",))
    return LeadDMM(
        omega=omega,
        transmission=tau,
        channels=xi,
        temperature=np.asarray(g.temperature, dtype=float),
        conductance=np.asarray(g.conductance, dtype=float),
        statistics=stats,
    )


def _on_grid(w: NDArray[np.float64], xi: NDArray[np.float64], omega: NDArray[np.float64]) -> NDArray[np.float64]:
    """A lead's channel count interpolated onto ``omega``; zero above its band top (its last grid point)."""
    w = np.concatenate([[0.0], np.asarray(w, dtype=float)])  # no channels at omega = 0
    xi = np.concatenate([[0.0], np.clip(np.asarray(xi, dtype=float), 0.0, None)])
    return np.interp(omega, w, xi, right=0.0)


__all__ = ["LeadDMM", "lead_dmm"]
