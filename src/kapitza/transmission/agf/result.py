r"""What an AGF run returns: the transmission, the two-probe, ballistic and intrinsic conductances, and the
broadening check (:func:`.run.run_agf` makes them).

Two conductances
----------------
``conductance`` is the two-probe Landauer (Caroli) conductance of lead |
interface | lead: it contains the ballistic contact resistance of the
leads.  ``intrinsic`` removes it with Simons' correction (J. Phys. C 7,
4048 (1974)), :math:`1/G_{int} = 1/G - \tfrac12(1/G_L + 1/G_R)`, where
:math:`G_{L,R}` are the ballistic conductances of the two leads: a perfect
lead transmits one per open channel, and the channels are counted from its
propagating Bloch modes at each (omega, k) (:func:`.solver.lead_channels`,
exact), not by two more Green's-function sweeps over perfect-lead models
(:func:`.leads.lead_model`, which give the same count up to the broadening).  The
intrinsic value is the one to compare with NEMD and with equilibrium-
distribution models; the two-probe one with other AGF codes.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ...io.results import result
from .solver import TransmissionResult


@result
class BroadeningCheck:
    """G(T_check) at eta and eta/2: the convergence diagnostic of the broadening.

    The interface is solved again at eta/2 on a sample of its irreducible k points
    (:func:`.inputs.check_kpoints`: one in eight, at least one), and G of that sample at both broadenings is
    compared; the measurement behind the sample is at :data:`.inputs.CHECK_EVERY`.

    Attributes
    ----------
    eta : float
        Relative broadening of the main sweep.
    temperature : float
        K.
    conductance : (float, float)
        G of the sample at eta and at eta/2, W m^-2 K^-1.
    kpoints : ndarray
        The sample's fractional in-plane wavevectors, shape (n_sample, 2).
    of_kpoints : int
        Irreducible k points of the run, which the sample was drawn from.
    relative_change : float
        |G(eta/2) - G(eta)| / |G(eta/2)| (0 when both are 0).
    """

    eta: float
    temperature: float
    conductance: tuple[float, float]
    kpoints: NDArray[np.float64]
    of_kpoints: int
    relative_change: float = field(init=False)

    def __post_init__(self) -> None:
        g1, g2 = (float(g) for g in self.conductance)
        object.__setattr__(self, "conductance", (g1, g2))
        object.__setattr__(self, "relative_change", abs(g2 - g1) / abs(g2) if g2 else 0.0)


def intrinsic_conductance(conductance: ArrayLike, ballistic: ArrayLike) -> NDArray[np.float64]:
    """Simons-corrected conductance, 1/G_int = 1/G - (1/G_L + 1/G_R)/2, W m^-2 K^-1, shape (n_T,).

    ``conductance`` has shape (n_T,), ``ballistic`` (2, n_T).  Where G = 0 (T = 0 K) the
    intrinsic G is 0 too (no carriers, R = inf); where the correction removes all the
    resistance (1/G_int <= 0, possible only through broadening noise) it is reported as inf.
    No division by zero is evaluated, so no RuntimeWarning arises.
    """
    g = np.asarray(conductance, dtype=float)
    gb = np.asarray(ballistic, dtype=float)
    ok = (g > 0) & np.all(gb > 0, axis=0)
    inv = np.zeros_like(g)
    np.divide(1.0, g, out=inv, where=ok)
    for side in gb:
        inv -= 0.5 * np.divide(1.0, side, out=np.zeros_like(g), where=ok)
    out = np.zeros_like(g)  # G = 0 where there is no conductance at all (T = 0)
    positive = ok & (inv > 0)
    np.divide(1.0, inv, out=out, where=positive)
    out[ok & ~positive] = np.inf
    return out


@result
class AGFResult:
    """Transmission and conductance of an interface from the AGF solver.

    Attributes
    ----------
    transmission : TransmissionResult
        Xi(omega, k_par) and its k average.
    temperature : ndarray
        K, shape (n_T,).
    conductance : ndarray
        Two-probe G(T), W m^-2 K^-1, shape (n_T,).
    ballistic : ndarray
        Ballistic G(T) of the left and right leads, W m^-2 K^-1, shape (2, n_T).
    broadening : BroadeningCheck or None
    lead_omega, lead_xi : ndarray
        Frequencies (rad/s) and channel counts Xi of each perfect lead, shape (2, n_lead).
    model_metadata : Mapping
        How the layered model was made (structure, partition, force constants).
    settings : Mapping
        The inputs of :func:`run_agf`.
    notes : tuple of str
        Modelling choices the user should know about.
    frequency_grid_error_estimate : ndarray
        Estimated 1-sigma quadrature error of ``conductance`` from the frequency grid (calibrated: it covered
        the true error in about 2 cases in 3 measured), W m^-2 K^-1, shape (n_T,) (:func:`.grid.estimated_error`);
        empty for results saved before it was estimated.
    frequency_grid_error_bound : ndarray
        Conservative bound on the same error (typically 5x to 100x the true error), W m^-2 K^-1, shape (n_T,)
        (:func:`.grid.cell_errors` summed); empty for results saved before it was named a bound.
    device : Mapping
        Where the kernels ran: the ``device`` asked for (``requested``) and the one selected (``device``: "cpu",
        "torch-cpu", "cuda:N", or on dask the workers' with each worker's device in ``workers``), the library and
        its version (``library``), the device's name (the GPU's, or the host's processor), on a GPU the
        frequencies per call (``batch``); the memory statement (``memory``: the host's, and the GPU's beside it);
        and, for a resumed run, the units found on disk (``resumed``) and the devices that computed them
        (``resumed_from``).  Empty for results saved before it was recorded.
    intrinsic : ndarray
        Interface conductance with the leads' ballistic resistance removed (Simons), W m^-2 K^-1,
        shape (n_T,); 0 at T = 0 K (see :func:`intrinsic_conductance`).
    """

    transmission: TransmissionResult
    temperature: NDArray[np.float64]
    conductance: NDArray[np.float64]
    ballistic: NDArray[np.float64]
    broadening: BroadeningCheck | None
    lead_omega: NDArray[np.float64] = field(default_factory=lambda: np.zeros((2, 0)))
    lead_xi: NDArray[np.float64] = field(default_factory=lambda: np.zeros((2, 0)))
    model_metadata: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    frequency_grid_error_estimate: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    frequency_grid_error_bound: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    device: dict[str, Any] = field(default_factory=dict)
    intrinsic: NDArray[np.float64] = field(init=False)

    _summary_fields: ClassVar[tuple[str, ...]] = ("temperature", "conductance", "intrinsic", "broadening")

    def __post_init__(self) -> None:
        object.__setattr__(self, "intrinsic", intrinsic_conductance(self.conductance, self.ballistic))

    @property
    def resistance(self) -> NDArray[np.float64]:
        """Intrinsic interface resistance 1/G_int, m^2 K W^-1, shape (n_T,); inf at T = 0 K, 0 where G_int = inf."""
        g = self.intrinsic
        out = np.full_like(g, np.inf)
        np.divide(1.0, g, out=out, where=g > 0)
        return out

    def inputs(self) -> dict[str, Any]:
        """JSON-able record of every input (structure, potential, k grid, broadening, frequencies, seed, version)."""
        from ...io.results import to_jsonable

        t = self.transmission
        from ..._version import __version__

        return {
            "kapitza_version": __version__,
            "settings": to_jsonable(self.settings),
            "model": to_jsonable(self.model_metadata),
            "kpoints": t.kpoints.tolist(),
            "kweights": t.kweights.tolist(),
            "eta": t.eta,
            "omega_rad_s": {"first": float(t.omega[0]), "last": float(t.omega[-1]), "count": int(t.omega.size)},
            "area_m2": t.area,
            "device": to_jsonable(self.device),
            "notes": list(self.notes),
        }

    def lead_dmm(self) -> Any:
        """The full-dispersion DMM of the same two leads from their channel counts, at this result's temperatures
        (:func:`kapitza.transmission.agf.dmm.lead_dmm`): the ideal-interface model beside the AGF."""
        from .dmm import lead_dmm

        return lead_dmm(self)

    def document(self, seconds: float | None = None) -> dict[str, Any]:
        """``kapitza agf --json``: :meth:`inputs` and the results in SI (two-probe, intrinsic and ballistic G, the
        frequency-grid error estimate and bound, the leads' DMM, the broadening check), with the run's wall time in
        ``seconds`` where given."""
        dmm = self.lead_dmm()
        doc = self.inputs()
        doc["results"] = {
            "units": {"temperature": "K", "conductance": "W m^-2 K^-1"},
            "statistics": self.settings["statistics"],
            "temperature": self.temperature.tolist(),
            "conductance": self.conductance.tolist(),
            "intrinsic_conductance": self.intrinsic.tolist(),
            "ballistic_conductance": self.ballistic.tolist(),
            "frequency_grid_error_estimate": self.frequency_grid_error_estimate.tolist(),
            "frequency_grid_error_bound": self.frequency_grid_error_bound.tolist(),
            "dmm_conductance": dmm.conductance.tolist(),
            "broadening_check": None if self.broadening is None else self.broadening.to_dict(),
            "seconds": seconds,
        }
        return doc
