"""Whether a crystal's force constants describe a stable crystal: the stability check of
:func:`kapitza.phonons.crystal_phonons` (step 5 of its steps).

Frequencies on a Gamma-centred :data:`STABILITY_MESH` mesh and along the high-symmetry path
(:func:`kapitza.phonons.bands.high_symmetry_path`); a crystal with imaginary frequencies beyond
:data:`~kapitza.phonons.harmonic.UNSTABLE_FRACTION` of its highest frequency is refused, with the q-point and the
frequency (the rule the mode sums apply); and the acoustic frequencies on :data:`LONG_WAVELENGTH_DIRECTIONS`
directions at the wave number the continuum limit of :mod:`kapitza.phonons.modes` uses must all be positive (its
rule: an elastically unstable crystal has no long-wavelength limit), so a crystal accepted here is accepted there.
Either failure next to Gamma (:data:`NEAR_GAMMA`, :func:`near_gamma`) raises :class:`NearGamma`, which the caller
first takes for the supercell's truncation of the force constants (a wider supercell is the check); an instability
away from Gamma is refused at once (:func:`check_stable`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._progress import Progress
from ..atomistic.calculators import CalculatorSource
from ..errors import DynamicalInstabilityError, InputError
from ..units import RAD_S_PER_THZ
from .harmonic import UNSTABLE_FRACTION, HarmonicCrystal

__all__ = [
    "LONG_WAVELENGTH_DIRECTIONS",
    "MIN_HIGHEST_THZ",
    "NEAR_GAMMA",
    "STABILITY_MESH",
    "STABILITY_RULES",
    "NearGamma",
    "check_stable",
    "elastic_verdict",
    "fibonacci_directions",
    "gamma_mesh",
    "lowest_frequency",
    "near_gamma",
    "soft_long_wavelength",
]

#: Imaginary acoustic frequencies within this reduced distance of Gamma (largest component of q, primitive
#: reciprocal basis), or a long-wavelength acoustic frequency that is not positive, are first taken for what they
#: usually are with a learned potential: the Fourier interpolation of force constants truncated by a supercell
#: narrower than the potential's reach.  The supercell is widened (the next width that adds cells, up to
#: ``max_supercell_atoms``) and the crystal refused only if the widest one still has them.  Measured: W with
#: sevennet-l3i5 gave 0.255i THz at q = (0, 0, 0.065) in the rule's 128-atom supercell (10 A), unchanged by the
#: displacement (0.254i at 0.01 A, 0.256i at 0.03 A: not force noise), and none in 250 atoms (13 A; lowest
#: -5e-8 THz) or 432 (16 A).  A zone-boundary instability (CHGNet's Cu: 3.3i THz at X) is refused at once.
NEAR_GAMMA = 0.15
#: Version of the rules that accept or refuse a crystal beyond the settings named in a cache key (a remembered
#: refusal, or the width a widening search ended at, made under older rules must not be read back; both keys carry
#: it): 2, the rotational sum rule
#: (:mod:`kapitza.phonons.invariance`); 3, widening for a mode short of the first commensurate wave vector; 4, a
#: relaxation that changes a cell length by more than :data:`kapitza.atomistic.bulk.MAX_RELAXED_CHANGE` is refused;
#: 5, a near-Gamma refusal says whether the potential's elastic tensor fails Born's criterion (then it is the
#: potential's refusal even where the memory bound stopped the widening).
STABILITY_RULES = 5
#: Gamma-centred mesh (per primitive reciprocal vector) on which stability is checked.
STABILITY_MESH = 8
#: Directions (a Fibonacci sphere) on which the acoustic frequencies near Gamma must be positive.
LONG_WAVELENGTH_DIRECTIONS = 2000
#: A crystal whose highest phonon frequency is below this (THz) has no phonons to speak of (atoms out of range).
MIN_HIGHEST_THZ = 0.01


def check_stable(
    crystal: HarmonicCrystal,
    relaxed: Any,
    described: str,
    source: CalculatorSource,
    pmat: NDArray[np.float64],
    n: tuple[int, int, int],
    progress: Progress | None = None,
) -> float:
    """The lowest frequency of ``crystal`` (THz, negative: imaginary within the tolerance), or the refusal: no phonons
    at all (InputError), imaginary or soft acoustic modes next to Gamma (:class:`NearGamma`, with ``relaxed``, the
    crystal whose force constants gave them), an imaginary frequency elsewhere (DynamicalInstabilityError).
    ``described``: the crystal in words; ``pmat`` and ``n``: its primitive matrix and supercell (:func:`near_gamma`)."""
    lowest, where, where_q = lowest_frequency(crystal, progress)
    highest = float(np.max(crystal.frequencies(np.zeros((1, 3))))) / RAD_S_PER_THZ
    highest = max(highest, highest_on_mesh(crystal))
    if not highest > MIN_HIGHEST_THZ:
        raise InputError(
            f"{described}: no phonons with the {source.name} potential (highest frequency {highest:.3g} THz): "
            "its atoms do not interact (too far apart for the potential's range?)"
        )
    if lowest < -UNSTABLE_FRACTION * highest:
        if near_gamma(where_q, pmat, n):
            raise NearGamma(
                f"{described}: imaginary acoustic frequency {abs(lowest):.3g}i THz next to Gamma at {where} with the "
                f"{source.name} potential (tolerance {UNSTABLE_FRACTION:g} of the highest frequency, "
                f"{UNSTABLE_FRACTION * highest:.3g} THz)",
                relaxed,
                abs(lowest),
            )
        raise DynamicalInstabilityError(
            f"{described}: dynamically unstable with the {source.name} potential: imaginary frequency "
            f"{abs(lowest):.3g}i THz at {where} (tolerance {UNSTABLE_FRACTION:g} of the highest frequency, "
            f"{UNSTABLE_FRACTION * highest:.3g} THz); the structure is not a minimum of this potential",
            abs(lowest),
        )
    soft = soft_long_wavelength(crystal)
    if soft is not None:
        raise NearGamma(
            f"{described}: elastically unstable with the {source.name} potential: an acoustic frequency near Gamma "
            f"is {soft[1]:.3g} THz (imaginary or zero) along k = ({', '.join(f'{v:.3g}' for v in soft[0])}) "
            "(Cartesian direction, standard cell): the crystal has no long-wavelength phonons with these force "
            "constants",
            relaxed,
            abs(min(soft[1], 0.0)),
        )
    return lowest


def gamma_mesh(n: int) -> NDArray[np.float64]:
    """Gamma-centred mesh of reduced q-points, n per direction, shape (n^3, 3)."""
    g = np.arange(n) / n
    return np.stack(np.meshgrid(g, g, g, indexing="ij"), axis=-1).reshape(-1, 3)


def highest_on_mesh(crystal: HarmonicCrystal) -> float:
    """The highest frequency on a 4^3 Gamma-centred mesh, THz."""
    return float(crystal.frequencies(gamma_mesh(4)).max()) / RAD_S_PER_THZ


def path_points(crystal: HarmonicCrystal, points: int = 24) -> tuple[NDArray[np.float64], list[str | None]]:
    """Reduced q-points along the high-symmetry path of :func:`kapitza.phonons.bands.high_symmetry_path`, and the
    label of each (None between the labelled points)."""
    from .bands import high_symmetry_path

    segments, names = high_symmetry_path(crystal)
    ks, labels = [], []
    for corners, corner_names in zip(segments, names):
        for a, b, na, nb in zip(corners[:-1], corners[1:], corner_names[:-1], corner_names[1:]):
            t = np.linspace(0.0, 1.0, points)
            ks.append(a[None, :] + t[:, None] * (b - a)[None, :])
            labels += [na] + [None] * (points - 2) + [nb]
    return np.concatenate(ks) @ np.linalg.inv(crystal.reciprocal_basis).T, labels


def lowest_frequency(crystal: HarmonicCrystal, progress: Progress | None) -> tuple[float, str, NDArray[np.float64]]:
    """Lowest frequency (THz, negative: imaginary) on the stability mesh and the path, where it is in words, and its
    reduced q."""
    if progress is not None:
        progress("stability", 0, 2)
    q = gamma_mesh(STABILITY_MESH)
    f = crystal.frequencies(q) / RAD_S_PER_THZ
    i, _ = np.unravel_index(int(np.argmin(f)), f.shape)
    lowest, where, at = float(f.min()), where_words(q[i]), q[i]
    if progress is not None:
        progress("stability", 1, 2)
    qp, labels = path_points(crystal)
    fp = crystal.frequencies(qp) / RAD_S_PER_THZ
    if fp.min() < lowest:
        j, _ = np.unravel_index(int(np.argmin(fp)), fp.shape)
        lowest, where, at = (
            float(fp.min()),
            where_words(qp[j]) + (f" ({labels[j]})" if labels[j] else " (on the path)"),
            qp[j],
        )
    if progress is not None:
        progress("stability", 2, 2)
    return lowest, where, at


class NearGamma(DynamicalInstabilityError):
    """Imaginary or zero acoustic frequencies next to Gamma: first taken for a supercell too narrow (NEAR_GAMMA).
    ``relaxed``: the relaxed crystal whose force constants gave them; ``imaginary_thz``: the refused frequency's
    magnitude, THz."""

    def __init__(self, message: str, relaxed: Any = None, imaginary_thz: float = 0.0):
        super().__init__(message, imaginary_thz)
        self.relaxed = relaxed


def elastic_verdict(relaxed: Any, source: CalculatorSource) -> tuple[bool, str]:
    """Whether the potential's clamped-ion elastic tensor of ``relaxed`` fails Born's criterion, and the words that
    say so (:func:`kapitza.atomistic.bulk.elastic_tensor`, :func:`kapitza.materials.elastic.born_stability`); (False,
    "") without a crystal or where the calculator gives no stress (a user's forces-only calculator)."""
    from ..atomistic.bulk import ELASTIC_STRAIN, elastic_tensor
    from ..materials.elastic import born_stability

    if relaxed is None:
        return False, ""
    try:
        smallest, _ = born_stability(elastic_tensor(relaxed, source.calculator()))
    except Exception:  # noqa: BLE001 - a foreign calculator without stress: the refusal goes without the verdict
        return False, ""
    where = (
        "the clamped-ion elastic tensor of the relaxed crystal, from the potential's stress under "
        f"+-{ELASTIC_STRAIN:g} strains,"
    )
    if smallest < 0.0:
        return True, (
            f"elastically unstable with this potential: {where} has a negative eigenvalue, {smallest:.3g} GPa (Born's "
            "criterion; F. Mouhat and F.-X. Coudert, Phys. Rev. B 90, 224104 (2014)), so no wider supercell or "
            "more memory helps"
        )
    return False, f"{where} is positive definite: smallest eigenvalue {smallest:.3g} GPa"


def near_gamma(q: NDArray[np.float64], pmat: NDArray[np.float64] | None = None, n: Sequence[int] = ()) -> bool:
    """Whether reduced ``q`` (primitive reciprocal basis) lies within :data:`NEAR_GAMMA` of Gamma (largest
    component, folded into the zone), or, given the primitive matrix ``pmat`` and the supercell's multiples ``n`` of
    the conventional cell, between Gamma and the supercell's first commensurate wave vectors (every component in
    the conventional reciprocal basis below 1/n): there the force constants give no frequency exactly and only
    their Fourier interpolation speaks, so a wider supercell is the check.  Measured: Ir with sevennet-l3i5 had
    0.994i THz at q = (0.0815, 0.0815, 0.163) in 3x3x3 (108 atoms; conventional (0.163, 0.163, 0), a third of
    the way to the first commensurate point) and none in 4x4x4 (256 atoms) or 5x5x5."""
    folded = np.asarray(q, dtype=float) - np.round(q)
    if np.max(np.abs(folded)) <= NEAR_GAMMA:
        return True
    if pmat is None or len(n) != 3:
        return False
    conventional = np.linalg.inv(np.asarray(pmat, dtype=float)).T @ folded  # q_conv = pmat^-T q_prim
    return bool(np.all(np.abs(conventional) * np.asarray(n, dtype=float) < 1.0 - 1e-9))


def fibonacci_directions(n: int) -> NDArray[np.float64]:
    """``n`` nearly uniform unit vectors (a Fibonacci sphere), shape (n, 3)."""
    i = np.arange(n) + 0.5
    z = 1.0 - 2.0 * i / n
    phi = np.pi * (1.0 + 5**0.5) * i
    r = np.sqrt(1.0 - z**2)
    return np.stack([r * np.cos(phi), r * np.sin(phi), z], axis=1)


def soft_long_wavelength(crystal: HarmonicCrystal) -> tuple[NDArray[np.float64], float] | None:
    """The direction and the lowest acoustic frequency (THz) where one is not positive at the continuum limit's
    wave number (:data:`kapitza.phonons.full_dispersion.SLOPE_FRACTION` of the shortest reciprocal vector), or None."""
    from .full_dispersion import SLOPE_FRACTION

    k = SLOPE_FRACTION * float(np.linalg.norm(crystal.reciprocal_basis, axis=0).min())
    directions = fibonacci_directions(LONG_WAVELENGTH_DIRECTIONS)
    q = (directions * k) @ np.linalg.inv(crystal.reciprocal_basis).T
    acoustic = crystal.frequencies(q)[:, 0] / RAD_S_PER_THZ
    worst = int(np.argmin(acoustic))
    return (directions[worst], float(acoustic[worst])) if acoustic[worst] <= 0 else None


def where_words(q: NDArray[np.float64]) -> str:
    """Reduced ``q`` folded into the zone, in words: "q = (0, 0, 0.05) (reduced, primitive reciprocal basis)"."""
    q = np.asarray(q, dtype=float)
    q = q - np.round(q)  # into (-1/2, 1/2]
    shown = ", ".join(f"{v:.3g}" if abs(v) > 1e-12 else "0" for v in q)
    return f"q = ({shown}) (reduced, primitive reciprocal basis)"
