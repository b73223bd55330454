r"""The physical upper bound on a thermal boundary conductance, and measured values above it.

No interface conducts more heat than its carriers can bring to it.  This module computes that
bound for a pair of database materials at any temperature (:func:`conductance_bound`) and checks
measured conductances against it (:func:`check_bounds`).  It is a judgement on the data that a
row is impossible, so every choice below errs on the side of *not* flagging a row.

Carriers and channels of one side
---------------------------------
Heat crosses an interface on the carriers of its two sides: phonons everywhere, electrons in a
metal.  Call :math:`N_i` the heat per kelvin that every carrier of side *i* moving towards the
interface would carry across if each of them crossed (transmission 1): the conductance of side
*i* alone, in W m^-2 K^-1,

.. math:: N_i = P_i + E_i .

*Phonons.*  With :math:`M_i(\omega)` the channels per area and angular frequency of side *i*
(:mod:`kapitza.landauer`),

.. math:: P_i(T) = \int_0^\infty \hbar\omega\, M_i(\omega)\, \frac{\partial n}{\partial T}\, d\omega ,

the radiation limit of side *i* with itself (every channel transmits; computed here with the
rule :math:`\tau = 1` and kapitza's Landauer engine, Bose-Einstein statistics).

*Electrons* (metals).  A free-electron metal offers one channel per spin to each transverse
wavevector :math:`k_\parallel` inside its Fermi disc, :math:`|k_\parallel| < k_F`; per area that is
:math:`\pi k_F^2/(2\pi)^2 = k_F^2/4\pi` channels, each carrying the electrical conductance
:math:`2e^2/h` (both spins).  This is the Sharvin (ballistic) conductance per area,

.. math:: G_S = \frac{2e^2}{h}\,\frac{k_F^2}{4\pi} .

The heat a channel carries at most is the thermal conductance quantum
:math:`\pi^2 k_B^2 T / 3h` per spin, "universal, independent of the type of particles" (S. Jezouin
et al., Science 342, 601 (2013), abstract); for electrons at :math:`k_B T \ll E_F` it is the
Wiedemann-Franz law with the Sommerfeld Lorenz number :math:`L_0 = \pi^2 k_B^2 / 3e^2` applied to
:math:`2e^2/h`.  Hence

.. math:: E_i = L_0\, T\, G_S = \frac{\pi k_B^2 k_F^2}{6 h}\, T ,

about 110 MW m^-2 K^-1 for Cu at 4 K.  :math:`k_F = m_e v_F/\hbar` from the Fermi velocity of
``materials/data/electrons.toml``: those are the free-electron values of Ashcroft & Mermin
(Table 2.1), for which :math:`v_F = \hbar k_F/m_e` exactly, so this is the same table's :math:`k_F`.
A metal without a stored Fermi velocity (the transition metals Pt, Ti, Cr, for which that table
gives none) has no :math:`E_i` here: the database stores no valence from which a free-electron
density could be formed, so its channel count is unknown and the side bounds nothing.  The semimetal
Bi, whose few carriers neither the Sommerfeld nor the free-electron picture describes (the reason
``electrons.toml`` leaves it out), is treated the same way.

The two-point (Landauer) bound
------------------------------
In linear response the net flux from 1 to 2 is :math:`q = G_L (a_1 - a_2)`, with :math:`a_i` the
temperature of the carriers arriving at the interface from side *i* (their emission temperature),
and :math:`b_i` that of the carriers leaving it into side *i*.  Counted in each side,
:math:`q = N_1 (a_1 - b_1) = N_2 (b_2 - a_2)`.  The leaving carriers are no hotter than the hotter
arriving ones and no colder than the colder (a passive interface: raising an arriving temperature never
lowers a leaving one, and equal arriving temperatures give equal leaving ones), so for
:math:`a_1 > a_2`: :math:`b_1 \ge a_2` and :math:`b_2 \le a_1`, hence
:math:`q \le N_1 (a_1 - a_2)` and :math:`q \le N_2 (a_1 - a_2)`:

.. math:: G_L \le \min(N_1, N_2),

for elastic and inelastic scattering alike, and with electrons handing their heat to the other
side's phonons at the interface (each side's bound counts all its carriers).  kapitza's models are
two-point conductances; each of them is at most this (the elastic radiation limit
:math:`\int \hbar\omega \min(M_1, M_2)\,\partial n/\partial T\,d\omega` is the phonon-only case
without frequency change, Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989)).

The four-point bound, which measurements obey
---------------------------------------------
Measurements do not divide the flux by :math:`a_1 - a_2`: they use the local temperature of each
side at the interface, extrapolated from that side's bulk (the film against the substrate in
thermoreflectance; each bulk's profile in steady-state methods).  Near the interface the local
temperature of side *i* is the mean of its two streams, :math:`T_i = (a_i + b_i)/2` (both streams
carry the same heat capacity for isotropic carriers).  With :math:`q = N_1 (a_1 - b_1) = N_2 (b_2 - a_2)`,
:math:`T_1 - T_2 = (a_1 - a_2) - q/2N_1 - q/2N_2`, i.e.

.. math:: \frac{1}{G} = \frac{1}{G_L} - \frac{1}{2N_1} - \frac{1}{2N_2},

and with :math:`G_L \le \min(N_1, N_2)`,

.. math:: G \le B = \frac{2 N_1 N_2}{|N_1 - N_2|} \;\ge\; 2 \min(N_1, N_2).

This is the bound a measured conductance must obey (measured Al/Si conductances above the two-point
radiation limit are explained this way in arXiv:1812.07910, "Dramatic increase in the thermal
boundary conductance and radiation limit from a nonequilibrium Landauer approach", abstract).  It
grows without limit as :math:`N_1 \to N_2`: two sides that carry equal heat may have no interface
resistance at all (identical sides have no interface).  The derivation takes a grey, isotropic
interface; that is one of the reasons for the margin below.

The same bound holds for a stack with a layer between the two sides (an interlayer): the heat still
leaves side 1 on its carriers and enters side 2 on its own, whatever lies between them.

Inputs and generosity
---------------------
* :math:`P_i` is computed with every Debye-type spectrum kapitza has for the material (cutoff rules
  ``branch``, ``debye``, ``sine`` and, where zone-boundary frequencies are stored, ``sine-zb``), and
  each side's :math:`N_i` is the interval they span.  Full dispersion is not used: it needs
  interatomic potentials the database does not have for every material; for Si (Stillinger-Weber)
  the full-dispersion :math:`P` lies inside that interval (``tests/prediction/test_bounds.py``).
* :math:`B` is the largest value the intervals allow: infinite when the two intervals overlap (the
  sides might carry equal heat), else :math:`2/(1/N_{small}^{hi} - 1/N_{large}^{lo})`.  An unknown
  electron count makes a side's interval reach to infinity.
* A row is flagged only when it exceeds :data:`MARGIN` times :math:`B`.  The factor 2 is a judgement,
  not a published number: it covers the free-electron Fermi surfaces (a real surface's projected area
  is not the sphere's), the grey isotropic four-point estimate, and the temperature a row states.

Units: K, W m^-2 K^-1 (conductances), S m^-2 (electrical conductance per area), m^-1 (k_F).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import landauer
from ..errors import InputError
from ..io.results import result
from ..literature import Measurements
from ..materials import Material, get_material
from ..materials.electrons import get_electrons, list_electron_metals, metal_without_electron_data
from ..phonons.debye import CUTOFFS, debye_spectrum
from ..transmission.channel_rule import ChannelRuleModel
from ..units import ELECTRON_MASS, ELEMENTARY_CHARGE, HBAR, KB, PLANCK

__all__ = [
    "CONDUCTANCE_QUANTUM",
    "LORENZ_NUMBER",
    "MARGIN",
    "NOT_CHECKED",
    "UNDESCRIBED_CARRIERS",
    "BoundCheck",
    "ConductanceBound",
    "SideLimit",
    "check_bounds",
    "conductance_bound",
    "electron_limit",
    "fermi_wavevector",
    "sharvin_conductance",
    "side_limit",
]

#: Sommerfeld Lorenz number pi^2 k_B^2 / (3 e^2), W Ohm K^-2 (V^2 K^-2).
LORENZ_NUMBER: float = math.pi**2 * KB**2 / (3.0 * ELEMENTARY_CHARGE**2)
#: Electrical conductance of one spin-degenerate channel, 2 e^2 / h, S.
CONDUCTANCE_QUANTUM: float = 2.0 * ELEMENTARY_CHARGE**2 / PLANCK
#: A measured row is flagged only above this many times the bound (a judgement; see the module text).
MARGIN = 2.0
#: Database materials that are not metals in kapitza's electron data but whose carriers may conduct heat: their
#: electron count is unknown, so they bound nothing (name -> why).
UNDESCRIBED_CARRIERS: Mapping[str, str] = {
    "Bi": "a semimetal whose few carriers kapitza does not count (electrons.toml leaves it out)",
}
#: How the reason of a row that could not be checked starts.
NOT_CHECKED = "not checked: "
#: How a row the bound says nothing about is described, by cause.
NOT_IN_DATABASE = "a side is not in the kapitza database"
NO_TEMPERATURE = "no temperature above 0 K"

MaterialLike = str | os.PathLike[str] | Material


def fermi_wavevector(metal: MaterialLike) -> float:
    """Free-electron Fermi wavevector k_F = m_e v_F / hbar of a metal, m^-1, from its stored Fermi velocity.

    The stored v_F are Ashcroft & Mermin's free-electron values (Table 2.1), for which v_F = hbar k_F / m_e.

    Raises
    ------
    InputError
        A material without electron data, or a metal without a stored Fermi velocity.
    """
    (velocity,) = get_electrons(metal).require("fermi_velocity")
    return ELECTRON_MASS * velocity / HBAR


def sharvin_conductance(fermi_wavevector: float) -> float:
    """Sharvin (ballistic) electrical conductance per area, (2 e^2/h)(k_F^2 / 4 pi), S m^-2.

    Parameters
    ----------
    fermi_wavevector : float
        k_F, m^-1 (> 0).
    """
    k = _positive(fermi_wavevector, "fermi_wavevector", "m^-1")
    return CONDUCTANCE_QUANTUM * k**2 / (4.0 * math.pi)


def electron_limit(fermi_wavevector: float, temperature: ArrayLike) -> NDArray[np.float64]:
    """Heat the electrons of one side can carry across, L_0 T G_S, W m^-2 K^-1, shape (n_T,).

    Parameters
    ----------
    fermi_wavevector : float
        k_F, m^-1.
    temperature : float or array_like
        K (>= 0), scalar or shape (n_T,).
    """
    t = landauer.as_temperatures(temperature)
    return LORENZ_NUMBER * t * sharvin_conductance(fermi_wavevector)


def _positive(value: float, name: str, unit: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InputError(f"{name} must be a number in {unit}, got {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise InputError(f"{name} must be finite and > 0 {unit}, got {float(value):g}")
    return float(value)


def _every_channel(m1: NDArray[np.float64], m2: NDArray[np.float64]) -> NDArray[np.float64]:
    """tau = 1 wherever side 1 has channels."""
    return np.ones_like(m1)


def _phonon_limits(material: Material, temperature: NDArray[np.float64]) -> NDArray[np.float64]:
    """P of ``material`` with each Debye-type spectrum it has, W m^-2 K^-1, shape (n_spectra, n_T)."""
    rows = []
    for cutoff in CUTOFFS:
        try:
            spectrum = debye_spectrum(material, cutoff)
        except InputError:  # no zone-boundary frequencies stored for "sine-zb"
            continue
        model = ChannelRuleModel(spectrum, spectrum, _every_channel, "every channel")
        rows.append(landauer.conductance(model, temperature).conductance)
    return np.array(rows)


@result
class SideLimit:
    """What the carriers of one side can carry across an interface (W m^-2 K^-1, per temperature).

    Attributes
    ----------
    material : str
        Database name.
    temperature : ndarray, shape (n_T,)
        K.
    phonon_low, phonon_high : ndarray, shape (n_T,)
        Smallest and largest P over the Debye-type spectra of the material.
    electron : ndarray, shape (n_T,)
        E = L_0 T G_S; 0 for a non-metal; NaN where the electron count is unknown.
    fermi_wavevector : float or None
        k_F in m^-1 (None: not a metal, or none stored).
    note : str
        Why the electron count is unknown ("" where it is known).
    """

    material: str
    temperature: NDArray[np.float64]
    phonon_low: NDArray[np.float64]
    phonon_high: NDArray[np.float64]
    electron: NDArray[np.float64]
    fermi_wavevector: float | None = None
    note: str = ""

    _summary_fields: ClassVar[tuple[str, ...]] = ("material", "temperature", "phonon_high", "electron")

    @property
    def low(self) -> NDArray[np.float64]:
        """Least N = P + E the inputs allow, shape (n_T,) (E unknown counts as 0)."""
        return self.phonon_low + np.where(np.isnan(self.electron), 0.0, self.electron)

    @property
    def high(self) -> NDArray[np.float64]:
        """Largest N = P + E the inputs allow, shape (n_T,) (inf where E is unknown)."""
        unknown = np.isnan(self.electron)
        return np.where(unknown, np.inf, self.phonon_high + np.where(unknown, 0.0, self.electron))


def side_limit(material: MaterialLike, temperature: ArrayLike) -> SideLimit:
    """The heat per kelvin all carriers of ``material`` could carry across an interface (see the module text).

    Parameters
    ----------
    material : str, os.PathLike or Material
        A database material (name or alias) or a material file.
    temperature : float or array_like
        K (>= 0), scalar or shape (n_T,).
    """
    m = get_material(material)
    t = landauer.as_temperatures(temperature)
    phonon = _phonon_limits(m, t)
    electron = np.zeros_like(t)
    k_f, note = None, ""
    if m.name in UNDESCRIBED_CARRIERS:
        electron[:] = np.nan
        note = f"{m.name}: {UNDESCRIBED_CARRIERS[m.name]}"
    elif m.name in list_electron_metals():
        if get_electrons(m).fermi_velocity is None:
            electron[:] = np.nan
            note = f"{m.name}: no Fermi velocity stored (nor a valence), so its electrons are not counted"
        else:
            k_f = fermi_wavevector(m.name)
            electron = electron_limit(k_f, t)
    elif metal_without_electron_data(m):
        electron[:] = np.nan
        note = f"{m.name}: a metal without stored electron data (no Fermi velocity), so its electrons are not counted"
    return SideLimit(
        material=m.name,
        temperature=t,
        phonon_low=phonon.min(axis=0),
        phonon_high=phonon.max(axis=0),
        electron=electron,
        fermi_wavevector=k_f,
        note=note,
    )


@result
class ConductanceBound:
    """The upper bounds on the conductance of one interface, per temperature (W m^-2 K^-1).

    Attributes
    ----------
    side1, side2 : str
        Database names.
    temperature : ndarray, shape (n_T,)
        K.
    low, high : ndarray, shape (2, n_T)
        Each side's N = P + E interval (high inf where its electron count is unknown).
    landauer : ndarray, shape (n_T,)
        The two-point bound min(N_1, N_2) with the largest N of each side: no model's G exceeds it.
    bound : ndarray, shape (n_T,)
        The four-point bound B = 2 N_1 N_2 / abs(N_1 - N_2) at the most generous N of the intervals: what a
        measured G cannot exceed; inf where the intervals overlap; NaN at T = 0.
    note : str
        Why the bound is infinite somewhere ("" where it is finite everywhere): the two sides may carry equal
        heat (a side's count unknown, or the intervals overlap), and then a measured conductance has no bound.
    """

    side1: str
    side2: str
    temperature: NDArray[np.float64]
    low: NDArray[np.float64]
    high: NDArray[np.float64]
    landauer: NDArray[np.float64]
    bound: NDArray[np.float64]
    note: str = ""

    _summary_fields: ClassVar[tuple[str, ...]] = ("side1", "side2", "temperature", "bound")


def _four_point(low: NDArray[np.float64], high: NDArray[np.float64]) -> NDArray[np.float64]:
    """B from the N intervals of two sides (``low``, ``high`` shape (2, n)): inf where they overlap."""
    small = np.argmin(high, axis=0)  # the side whose largest N is the smaller
    n = np.arange(low.shape[1])
    hi_small = high[small, n]
    lo_large = low[1 - small, n]
    out = np.full(n.size, np.inf)
    apart = lo_large > hi_small
    out[apart] = 2.0 / (1.0 / hi_small[apart] - 1.0 / lo_large[apart])
    out[high.min(axis=0) == 0] = np.nan  # T = 0: nothing is carried
    return out


def _why_unbounded(sides: Sequence[SideLimit], bound: NDArray[np.float64]) -> str:
    if not np.any(np.isinf(bound)):
        return ""
    if sides[0].material == sides[1].material:
        return f"{sides[0].material} on both sides (no interface)"
    unknown = [s.note for s in sides if s.note]
    if unknown:
        return "; ".join(unknown)
    return "the two sides may carry equal heat within the spread of kapitza's spectra (then nothing bounds it)"


def _combine(a: SideLimit, b: SideLimit) -> ConductanceBound:
    low = np.vstack([a.low, b.low])
    high = np.vstack([a.high, b.high])
    bound = _four_point(low, high)
    return ConductanceBound(
        side1=a.material,
        side2=b.material,
        temperature=a.temperature,
        low=low,
        high=high,
        landauer=high.min(axis=0),
        bound=bound,
        note=_why_unbounded((a, b), bound),
    )


def conductance_bound(side1: MaterialLike, side2: MaterialLike, temperature: ArrayLike) -> ConductanceBound:
    """The two-point and four-point upper bounds on the conductance of side1/side2 (see the module text).

    Parameters
    ----------
    side1, side2 : str, os.PathLike or Material
        The two materials (the bounds are symmetric).
    temperature : float or array_like
        K (>= 0), scalar or shape (n_T,).
    """
    t = landauer.as_temperatures(temperature)
    return _combine(side_limit(side1, t), side_limit(side2, t))


@result
class BoundCheck:
    """Measured conductances against the four-point bound of their interface at their own temperature.

    Attributes
    ----------
    measured : ndarray, shape (n,)
        W m^-2 K^-1.
    temperature : ndarray, shape (n,)
        K.
    bound : ndarray, shape (n,)
        B of the row's pair at its temperature, W m^-2 K^-1 (inf: no bound; NaN: not checked).
    above : ndarray of bool, shape (n,)
        True where measured > margin * bound: a value no physics allows.
    checked : ndarray of bool, shape (n,)
        True where the row has a finite bound.
    reason : tuple of str, length n
        For each row: why it is flagged ("above the physical upper bound ..."), why it is not checked, or "".
    margin : float
        The factor applied to the bound before flagging.
    """

    measured: NDArray[np.float64]
    temperature: NDArray[np.float64]
    bound: NDArray[np.float64]
    above: NDArray[np.bool_]
    checked: NDArray[np.bool_]
    reason: tuple[str, ...]
    margin: float = MARGIN

    _summary_fields: ClassVar[tuple[str, ...]] = ("measured", "bound", "margin")

    def __len__(self) -> int:
        return int(self.measured.size)

    @property
    def ratio(self) -> NDArray[np.float64]:
        """measured / bound, shape (n,) (NaN where not checked)."""
        out = np.full(self.measured.shape, np.nan)
        np.divide(self.measured, self.bound, out=out, where=self.checked)
        return out

    def summary(self) -> tuple[str, ...]:
        """Sentences for a reader: the flagged rows (how many, their range, how far above the bound) and why the
        rows not checked were not (one sentence per reason); empty when every row was checked and none is above."""
        lines = []
        above = np.flatnonzero(self.above)
        if above.size:
            t, g, b, r = self.temperature[above], self.measured[above], self.bound[above], self.ratio[above]
            lines.append(
                f"{above.size} row{' lies' if above.size == 1 else 's lie'} above the physical upper bound of the "
                f"interface: {_span(g.min() / 1e6, g.max() / 1e6)} MW m^-2 K^-1 at {_span(t.min(), t.max())} K, "
                f"{_span(r.min(), r.max(), '.3g')} times the bound there ({_span(b.min() / 1e6, b.max() / 1e6)} "
                f"MW m^-2 K^-1, flagged above {self.margin:g}x): no physics allows such a value"
            )
        unchecked: dict[str, int] = {}
        for i in np.flatnonzero(~self.checked):
            why = self.reason[i].removeprefix(NOT_CHECKED)
            unchecked[why] = unchecked.get(why, 0) + 1
        for why, n in sorted(unchecked.items(), key=lambda item: -item[1]):
            lines.append(f"{n} row{'' if n == 1 else 's'} not checked against the physical upper bound: {why}")
        return tuple(lines)


def _number(value: float, fmt: str = "") -> str:
    """A number for a sentence: thousands separated from 10,000 on, else ``fmt`` (default 4 significant digits)."""
    if fmt:
        return format(value, fmt)
    return f"{value:,.0f}" if abs(value) >= 1e4 else f"{value:.4g}"


def _span(low: float, high: float, fmt: str = "") -> str:
    return _number(low, fmt) if low == high else f"{_number(low, fmt)}-{_number(high, fmt)}"


def above_reason(measured: float, bound: float, margin: float = MARGIN) -> str:
    """The sentence that says why one measured row is flagged (conductances in W m^-2 K^-1)."""
    return (
        f"above the physical upper bound: {_number(measured / 1e6)} MW m^-2 K^-1 is {measured / bound:.3g} times the "
        f"most its carriers can conduct ({_number(bound / 1e6)}; flagged above {margin:g}x)"
    )


def check_bounds(rows: Measurements, margin: float = MARGIN) -> BoundCheck:
    """Check every measured row whose two sides kapitza can bound against the four-point bound.

    Parameters
    ----------
    rows : Measurements
        Rows of the compilation (or a user's table); sides are their database names (None: not mapped).
    margin : float
        A row is flagged when measured > margin * bound (>= 1; default :data:`MARGIN`).

    Returns
    -------
    BoundCheck
        One entry per row, in order; rows with an unmapped side, at T = 0, or whose pair has no finite
        bound are "not checked", with the reason.
    """
    if not isinstance(rows, Measurements):
        raise InputError(f"rows= must be Measurements, got {type(rows).__name__}")
    margin = _positive(margin, "margin", "(a factor)")
    if margin < 1:
        raise InputError(f"margin= must be >= 1 (a factor above the bound), got {margin:g}")
    n = len(rows)
    bound = np.full(n, np.nan)
    reason = [""] * n
    pairs: dict[tuple[str, str], list[int]] = {}
    for i, (a, b) in enumerate(zip(rows.film_material, rows.substrate_material)):
        if not a or not b:
            reason[i] = f"{NOT_CHECKED}{NOT_IN_DATABASE}"
        elif not rows.temperature[i] > 0:
            reason[i] = f"{NOT_CHECKED}{NO_TEMPERATURE}"
        else:
            pairs.setdefault((a, b), []).append(i)
    materials = sorted({m for pair in pairs for m in pair})
    limits: dict[str, SideLimit] = {}
    if pairs:
        everywhere = np.unique(rows.temperature[[i for index in pairs.values() for i in index]])
        limits = {m: side_limit(m, everywhere) for m in materials}
    for (a, b), index in pairs.items():
        found = _combine(limits[a], limits[b])
        where = np.searchsorted(found.temperature, rows.temperature[index])
        bound[index] = found.bound[where]
        for i, j in zip(index, where):
            if not math.isfinite(found.bound[j]):
                reason[i] = f"{NOT_CHECKED}{found.note}"
    checked = np.isfinite(bound)
    above = np.zeros(n, dtype=bool)
    above[checked] = rows.conductance[checked] > margin * bound[checked]
    for i in np.flatnonzero(above):
        reason[i] = above_reason(float(rows.conductance[i]), float(bound[i]), margin)
    return BoundCheck(
        measured=rows.conductance,
        temperature=rows.temperature,
        bound=bound,
        above=above,
        checked=checked,
        reason=tuple(reason),
        margin=margin,
    )
