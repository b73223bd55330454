r"""Whether a lead is a stable crystal: its bulk frequencies over the in-plane wavevectors of a run.

A lead of unit blocks :math:`H_{00}, H_{01}` (mass-weighted force constants, s^-2) at in-plane wavevector
:math:`\kappa` has the bulk dynamical matrix :math:`D(\kappa, q) = H_{00} + H_{01} e^{iq} + H_{01}^\dagger e^{-iq}`,
:math:`q = k_z L` (:mod:`.modes`); its eigenvalues are :math:`\omega^2`.  A negative one is an imaginary frequency:
the force constants describe a crystal that is not at a minimum of its energy (a potential that does not hold the
strained lattice, a structure that is not relaxed), and the AGF of such a lead counts channels that no real crystal
has (the surface Green's function of an unstable lead is not that of a physical half-crystal).  Finite differences
leave a little of it near :math:`\kappa = q = 0`, where the acoustic frequencies vanish: a lead counts as unstable
when its most imaginary frequency exceeds :data:`UNSTABLE_FRACTION` of its highest frequency on the same points.

:func:`lead_stability` samples the run's Monkhorst-Pack grid (time-reversal pairs merged, at most
:data:`MAX_POINTS` of them, evenly chosen) and :data:`Q_SAMPLES` values of q in [0, pi] (D(kappa, -q) is the complex
conjugate of D(-kappa, q), whose eigenvalues are the same).  Folded leads are checked on their primitive cell, at
the wavevectors that fold onto each kappa (:class:`.folding.LeadFold`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ... import _checks
from ...errors import InputError
from ...io.results import result
from ...units import RAD_S_PER_THZ
from .model import LayeredModel

#: A lead is unstable when its most imaginary frequency exceeds this fraction of its highest frequency.  Set before
#: the validation was rerun with it: finite-difference noise of a float32 potential stays far below it (CHGNet's
#: Al | Si model's aluminium lead: 0.23i THz at kappa = q = 0, 3 % of its 7.7 THz top, none on an 8x8 grid; CHGNet's
#: and Stillinger-Weber's Si | Si leads: none), where the same model's silicon lead, strained by 2.4 % in-plane, has
#: 2.07i THz against a 6.07 THz top on the 8x8 grid (34 %; CHGNet's own Si loses its self force constant under that
#: strain: benchmarks/mlip_strain_smoothness.py).
UNSTABLE_FRACTION = 0.05
#: In-plane wavevectors checked at most (each costs Q_SAMPLES eigenvalue problems of the lead unit's size).
MAX_POINTS = 32
#: Values of q = k_z L in [0, pi] checked at each in-plane wavevector.
Q_SAMPLES = 9


@result
class LeadStability:
    """The bulk frequencies of one lead over the checked wavevectors.

    Attributes
    ----------
    side : str
        "left" or "right".
    top : float
        Highest frequency found, rad/s.
    imaginary : float
        Most imaginary frequency found (the square root of minus the most negative eigenvalue), rad/s; 0 where none.
    kappa : ndarray
        In-plane wavevector (fractions of the reciprocal lateral cell) where it was found, shape (2,).
    q : float
        k_z L there (rad).
    points : int
        In-plane wavevectors checked.
    """

    side: str
    top: float
    imaginary: float
    kappa: NDArray[np.float64]
    q: float
    points: int

    _summary_fields = ("side", "top", "imaginary")

    def __post_init__(self) -> None:
        if self.side not in ("left", "right"):
            raise InputError(f"side must be 'left' or 'right', got {_checks.quoted(str(self.side))}")
        _checks.non_negative(self.top, "top", "rad/s")
        _checks.non_negative(self.imaginary, "imaginary", "rad/s")
        _checks.number_array(_checks.sized(self.kappa, "kappa", (2,)), "kappa", "")
        _checks.between(self.q, "q", "rad", 0.0, np.pi)
        _checks.count(self.points, "points", 1)

    @property
    def stable(self) -> bool:
        """Whether the most imaginary frequency is within :data:`UNSTABLE_FRACTION` of the top one."""
        return not self.imaginary > UNSTABLE_FRACTION * self.top

    def record(self) -> dict[str, Any]:
        """JSON-able, in THz (cycles) as the notes state them."""
        return {
            "stable": self.stable,
            "top_THz": self.top / RAD_S_PER_THZ,
            "imaginary_THz": self.imaginary / RAD_S_PER_THZ,
            "kappa": [float(k) for k in self.kappa],
            "q_rad": self.q,
            "points": self.points,
            "unstable_fraction": UNSTABLE_FRACTION,
        }


def check_points(kgrid: tuple[int, int], lateral: bool = True) -> NDArray[np.float64]:
    """The in-plane wavevectors a run's leads are checked on: its n1 x n2 Monkhorst-Pack grid with each
    time-reversal pair (kappa, -kappa) once, at most :data:`MAX_POINTS` (evenly chosen); Gamma alone for a model
    without a lateral cell."""
    from .solver import monkhorst_pack

    if not lateral:
        return np.zeros((1, 2))
    points = monkhorst_pack(int(kgrid[0]), int(kgrid[1]))  # symmetric about 0: -kappa is in the grid
    keep = [tuple(np.round(k, 9)) >= tuple(np.round(-k, 9)) for k in points]
    out = points[np.array(keep, dtype=bool)]
    if out.shape[0] > MAX_POINTS:
        out = out[np.linspace(0, out.shape[0] - 1, MAX_POINTS).round().astype(int)]
    return out


def lead_stability(model: LayeredModel, side: str, kappa: NDArray[np.float64], fold: Any = None) -> LeadStability:
    """The bulk frequencies of the ``side`` lead of ``model`` at the in-plane wavevectors ``kappa`` (n, 2) and
    :data:`Q_SAMPLES` values of k_z; with ``fold`` (the side's :class:`.folding.LeadFold`) on its primitive lead."""
    top, low, where = 0.0, 0.0, (np.zeros(2), 0.0)
    for k in np.asarray(kappa, dtype=float).reshape(-1, 2):
        if fold is None:
            cases = [(k, model.lead_blocks(side, k))]
        else:
            cases = [(k, fold.primitive.lead_blocks(side, q)) for q in fold.qpoints(k)]
        for _, (h00, h01) in cases:
            for q in np.linspace(0.0, np.pi, Q_SAMPLES):
                values = np.linalg.eigvalsh(h00 + h01 * np.exp(1j * q) + h01.conj().T * np.exp(-1j * q))
                top = max(top, float(values[-1]))
                if values[0] < low:
                    low, where = float(values[0]), (k.copy(), float(q))
    return LeadStability(
        side=side,
        top=float(np.sqrt(max(top, 0.0))),
        imaginary=float(np.sqrt(abs(low))),
        kappa=where[0],
        q=where[1],
        points=int(np.asarray(kappa).reshape(-1, 2).shape[0]),
    )


def unstable_note(found: LeadStability, label: str) -> str:
    """The warning of an unstable lead (``label``: its material, e.g. "Si")."""
    thz = RAD_S_PER_THZ
    return (
        f"the {found.side} lead ({label}) is dynamically unstable: imaginary frequencies up to "
        f"{found.imaginary / thz:.2g}i THz (at kappa = ({found.kappa[0]:.3g}, {found.kappa[1]:.3g}), "
        f"k_z L = {found.q:.2g}; its highest frequency {found.top / thz:.3g} THz): its force constants are not those "
        "of a stable crystal, so this G is not a prediction of the interface; check the potential on the strained "
        "crystal (a smaller --max-strain, another --calculator)"
    )


__all__ = [
    "MAX_POINTS",
    "Q_SAMPLES",
    "UNSTABLE_FRACTION",
    "LeadStability",
    "check_points",
    "lead_stability",
    "unstable_note",
]
