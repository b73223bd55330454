r"""Frequency grids of an AGF run: the error of the midpoint grid (an estimate and a bound), and the adaptive grid.

The Landauer integral of a run is a midpoint sum over frequency cells,
:math:`G(T) = \sum_i h_i\,f(\omega_i, T)` with the integrand
:math:`f = \hbar\omega\,\Phi(\omega)\,\partial n/\partial T` (:math:`\Phi = \Xi/2\pi A`; the sum itself is
:meth:`.solver.TransmissionResult.conductance`), where :math:`\omega_i` is the middle of cell i and
:math:`h_i` (rad/s) its width.

Embedded rule and the error estimate
------------------------------------
The midpoint grid of n cells holds the one of n/3 cells (node i of the coarse grid is node 3i+1 of the fine
one), and a cell split into three keeps its node as the middle child's: three adjacent cells of width h and
the parent cell of width 3h they make differ, one-point rule against three-point rule, by

.. math::

    D(T) = 3h\,f_m - h\,(f_l + f_m + f_r) = h\,(2 f_m - f_l - f_r),

a second difference that costs no extra frequency.  :func:`cell_errors` takes it for every cell at its own
width (the neighbours' values interpolated where they are finer or coarser).  For an integrand with a
continuous second derivative the midpoint rule's error falls as :math:`h^2` and the children's error on the
parent is :math:`D/(3^2 - 1)`.  The AGF integrand is not smooth: at each transverse wavevector Xi(omega)
opens and closes channels with square-root onsets (van Hove points), and the k average carries many of
them, so the error falls like :math:`h^{1.5}` or slower, irregularly and with changing sign: on 1x1 Si|Ge
[001] (SW, 8x8 k) against 1215 frequencies the midpoint rule's error at T = 50/100/300 K was
+3.3/+2.3/+1.5 % with 15 frequencies, +0.9/+1.0/+0.7 % with 45, -0.16/-0.03/-0.002 % with 135 and
-0.004/+0.025/+0.034 % with 405, while the plain difference of the two embedded rules, :math:`|\sum D|`,
was 0.7 % at 45 frequencies and 300 K (true 0.75 %) and 1.0 % at 15 and 100 K (true 2.3 %): with
cancellations between cells it does not bound the error.  The bound is therefore the conservative

.. math::

    B(T) = \sum_\text{cells} b_i, \qquad b_i = \max(|D_{i-1}|, |D_i|, |D_{i+1}|) \,/\, \bigl(3\,(3^1 - 1)\bigr),

absolute values (no cancellation assumed), each cell taking the largest second difference of itself and
its two neighbours (rescaled to its width; so that a D that vanishes by accident at an inflection hides
nothing), and the factor of a first-order rule (:data:`RICHARDSON_FACTOR`).  On the case above it was
15/14/15 % at 15 frequencies, 6.1/5.5/5.7 % at 45, 2.4/2.2/2.1 % at 135 and 0.84/0.80/0.83 % at 405:
above the true error everywhere, by 5x at 15 frequencies and 15x to 1000x at 135 and 405 -- a bound, not a
prediction.  What it assumes: no feature narrower than a cell falls between nodes unseen by all three second
differences around it.  A first version with triples alone (each cell only its own triple's D) was
refined by the adaptive grid around a triple whose D vanished by accident, and stated 0.08 % where the
true error was 0.26 % (50 K): hence the neighbours.

The calibrated 1-sigma estimate
-------------------------------
The cells' errors are not all of one sign: the van Hove kinks fall anywhere within their cells, so their
errors are closer to independent than to aligned, and a sum of n independent errors grows like
:math:`\sqrt n`, not n.  The estimate (:func:`estimated_error`, the number the adaptive grid stops on) is a
1-sigma error,

.. math::

    \epsilon(T) = C \sqrt{\textstyle\sum_\text{cells} b_i^2}, \qquad C = 0.63\ (:data:`ESTIMATE_FACTOR`),

with C calibrated, not derived: ``benchmarks/agf_grid_error.py`` compares both numbers with the true error
(against 1215 uniform frequencies) on uniform grids of 15, 45, 135 and 405 frequencies at 10, 30, 100, 300
and 1000 K, on a design set of 10 cases (SW Si|Ge [001] 1x1 with 2x2 to 8x8 k, [110] 1x1, 2x2 intermixed
with three seeds, LJ Ar|Ar with masses 39.948|159.792) where C was fitted for 68 % coverage (136 of 200
points; the 68th percentile of |true error| / root-sum-square was 0.631), and then, C fixed, on a separate
test set of 11 cases (other k grids, [110] and [111], two more seeds, Ar|Ar at 3x3 and 4x4 k).  Measured
2026-11-24 (the signed error is the coarse G minus the 1215-frequency G, over the estimate):

==========  ======  ========  ==============  ============  ================  ================
set         points  coverage  median signed   mean signed   beyond 2 sigma    beyond 3 sigma
==========  ======  ========  ==============  ============  ================  ================
design      200     0.680     +0.21           +0.33         12.5 %            1.5 % (max 3.5)
test        220     0.795     +0.18           +0.27         2.3 %             0 (max 2.5)
==========  ======  ========  ==============  ============  ================  ================

So the estimate covers the truth in about 2 cases in 3 (somewhat more on the test set, per grid size 0.75
to 0.84 there, 0.52 to 0.82 on the design set), and the coarse G tends to lie above the truth (a bias of
about +0.2 sigma in the median).  Its tails: beyond 2 sigma the design set had 12.5 % of its points (a
Gaussian has 4.6 %; the worst [110] 1x1 at 15 frequencies, 1x1 [001] at 6x6 k and 405, an intermixed seed at
135), the test set 2.3 %; and the other way, where the true error is small by accident (a sign change as n
grows, or an even integrand at low T on k grids that hold Gamma, where the midpoint rule is spectrally
accurate), the estimate is far above it (90th percentile of estimate / true error 17x design, 8.7x test): no
second difference predicts those.  Per family of the test set (``scripts/calibration/agf_grid.py``) the
coverage was 0.68 ([110]/[111]), 0.76 (intermixed), 0.83 ([001] 1x1) and 1.00 (LJ Ar|heavy-Ar: too wide
there).  The bound is kept beside it as the guarantee (:func:`grid_errors`, the results'
``frequency_grid_error_bound``; it covered every point, at a median 14x the true error on the test set).

Adaptive grid
-------------
:func:`adaptive_transmission` starts from the uniform midpoint grid of 3 :data:`START_CELLS` cells (read as
:data:`START_CELLS` cells split once) and refines by splitting cells into three where the error is largest
(each cell's :math:`b_i` relative to G(T), the largest over the reported temperatures).  Each round splits the
fewest largest cells whose removal leaves the estimate of the rest (C times their root-sum-square) below half
the tolerance, and at most as many cells as the grid holds; a split keeps the old node as the middle child's,
so only two new frequencies per split are solved, and each round is one call of the sweep with only those.
It stops when the estimate :math:`\epsilon` is at most the tolerance at every reported temperature with
G > 0, or when the next split would pass the cap on the number of frequencies (a note then says so).  The
tolerance is thus a 1-sigma statement, not a guarantee (the bound, reported beside it, is one): replayed on
the benchmark's sweeps at tolerances 3e-2 to 3e-3 (50-300 K), the true error was within the tolerance at 80
of 90 design points and 99 of 99 test points, and the estimate covered it at 56 % and 81 % of them.
``tests/transmission/agf/test_agf_grid.py`` checks the bound's and the estimate's coverage against a much
finer grid; ``tests/calibration/test_calibration_agf_grid.py`` the estimate's 1-sigma coverage on one case of
each test-set family.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ... import landauer
from .solver import TransmissionResult, frequency_grid

#: The children's error on their parent cell is |D| / RICHARDSON_FACTOR: 3^p - 1 with p = 1 (first order),
#: the conservative end of the h^1.5..h^2 that a kinked or a smooth integrand give.
RICHARDSON_FACTOR = 3.0**1 - 1.0
#: The adaptive grid starts from 3 x START_CELLS uniform midpoint cells (45 frequencies), fewer where the
#: cap on the frequencies is below that.
START_CELLS = 15
#: The calibrated 1-sigma estimate is ESTIMATE_FACTOR x the root-sum-square of the cells' bounds
#: (:func:`estimated_error`): chosen on the design set of ``benchmarks/agf_grid_error.py`` for 68 % coverage
#: (136 of 200 points there; the 68th percentile of |true error| / root-sum-square was 0.631).
ESTIMATE_FACTOR = 0.63
#: Each round leaves the cells it does not split below this fraction of the tolerance (in the estimate).
ROUND_TARGET = 0.5


@dataclass(frozen=True)
class Cells:
    """Frequency cells in the order their nodes were solved.

    Attributes
    ----------
    omega : ndarray
        Node (middle) of each cell, rad/s, shape (n,).
    width : ndarray
        Width of each cell, rad/s, shape (n,).
    """

    omega: NDArray[np.float64]
    width: NDArray[np.float64]


def uniform_cells(omega_max: float, n: int) -> Cells:
    """The midpoint grid of ``n`` cells on (0, ``omega_max``) (rad/s, :func:`.solver.frequency_grid`) as cells."""
    return Cells(*frequency_grid(omega_max, n))


def split(cells: Cells, which: NDArray[np.int64]) -> tuple[Cells, NDArray[np.float64]]:
    """Split the cells ``which`` into three each; return the new cells and the new nodes (rad/s), in that order.

    The new nodes are appended (left then right child of each split cell, in the order of ``which``); the
    split cell keeps its index and node as the middle child, with a third of its width.
    """
    which = np.asarray(which, dtype=np.int64)
    h = cells.width[which] / 3.0
    new_omega = np.column_stack([cells.omega[which] - h, cells.omega[which] + h]).ravel()
    width = np.concatenate([cells.width, np.repeat(h, 2)])
    width[which] = h
    return Cells(np.concatenate([cells.omega, new_omega]), width), new_omega


def integrand(
    omega: NDArray[np.float64],
    channels: NDArray[np.float64],
    temperature: NDArray[np.float64],
    statistics: landauer.Statistics = "bose-einstein",
) -> NDArray[np.float64]:
    """Landauer integrand hbar omega Phi dn/dT at each node, W m^-2 K^-1 per rad/s, shape (n_T, n).

    ``omega`` rad/s, shape (n,); ``channels`` Phi (per m^2 per rad/s), shape (n,); ``temperature`` K, (n_T,).
    """
    t = landauer.as_temperatures(temperature)
    c = landauer.mode_heat_capacity(np.asarray(omega)[None, :], t[:, None], statistics)
    return np.asarray(channels)[None, :] * c


def cell_errors(cells: Cells, f: NDArray[np.float64]) -> NDArray[np.float64]:
    """Error estimate carried by each cell, W m^-2 K^-1, shape (n_T, n); ``f``: :func:`integrand`, (n_T, n).

    A cell's second difference is D = h (2 f(w) - f(w - h) - f(w + h)) at its own width h (the neighbours'
    values linearly interpolated between the solved nodes where the neighbours are finer or coarser, with
    f(0) = 0 and f constant past the top node); for three equal cells it is the :mod:`.grid` triple's D.
    A cell carries max(|D|) over itself and its two neighbours (a neighbour's rescaled to this width by the
    larger of (h/h')^2 and (h/h')^3), divided by 3 (3^1 - 1) (its third of a parent's first-order error): the
    maximum keeps a second difference that vanishes by accident at an inflection from hiding a cell's error.
    """
    order = np.argsort(cells.omega, kind="stable")
    x, h = cells.omega[order], cells.width[order]
    xs = np.concatenate([[0.0], x])
    d = np.empty((f.shape[0], x.size))
    for row, values in enumerate(f[:, order]):
        fs = np.concatenate([[0.0], values])
        d[row] = np.abs(h * (2.0 * values - np.interp(x - h, xs, fs) - np.interp(x + h, xs, fs)))
    biggest = d.copy()
    for shift in (1, -1):  # the left neighbour's D, then the right one's
        ratio = h / np.roll(h, shift)
        scaled = np.roll(d, shift, axis=1) * np.maximum(ratio**2, ratio**3)[None, :]
        edge = 0 if shift == 1 else -1  # no neighbour beyond the ends
        scaled[:, edge] = 0.0
        biggest = np.maximum(biggest, scaled)
    out = np.empty_like(biggest)
    out[:, order] = biggest / (3.0 * RICHARDSON_FACTOR)
    return out


def estimated_error(cells: Cells, f: NDArray[np.float64]) -> NDArray[np.float64]:
    """Calibrated 1-sigma frequency-grid error of G(T), W m^-2 K^-1, shape (n_T,): :data:`ESTIMATE_FACTOR` x
    the root-sum-square over the cells of :func:`cell_errors` (``f``: :func:`integrand`, shape (n_T, n)); it
    covers the true error in about 2 cases in 3, :func:`grid_errors`' bound in all measured.

    The cells' errors are taken as independent, of either sign (see the module docstring), not as all of one
    sign as in the bound (their plain sum)."""
    return _statements(cell_errors(cells, f))[0]


def _statements(errors: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The 1-sigma estimate and the bound of G(T)'s grid error from the cells' :func:`cell_errors` (n_T, n)."""
    return ESTIMATE_FACTOR * np.sqrt((errors**2).sum(axis=1)), errors.sum(axis=1)


def grid_errors(
    result: TransmissionResult, temperature: NDArray[np.float64], statistics: landauer.Statistics = "bose-einstein"
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Frequency-grid error of G(T) of a sweep: the calibrated 1-sigma estimate (:func:`estimated_error`) and the bound
    (the sum of :func:`cell_errors`), in that order, W m^-2 K^-1, each shape (n_T,).
    ``result``: any grid of midpoint cells (nodes ``omega``, widths ``omega_weights``); ``temperature`` K."""
    cells = Cells(result.omega, result.omega_weights)
    f = integrand(result.omega, result.transmitted_channels, temperature, statistics)
    return _statements(cell_errors(cells, f))


@dataclass(frozen=True)
class AdaptiveSweep:
    """The outcome of :func:`adaptive_transmission`.

    Attributes
    ----------
    transmission : TransmissionResult
        All rounds merged: omega sorted, the final cells' widths as the weights.
    error : ndarray
        Calibrated 1-sigma estimate of the frequency-grid error of G(T) (:func:`estimated_error`),
        W m^-2 K^-1, shape (n_T,).
    bound : ndarray
        Conservative bound on it (the sum of :func:`cell_errors`), W m^-2 K^-1, shape (n_T,).
    rounds : int
        Sweeps made (the start grid is round 0).
    converged : bool
        Whether the 1-sigma estimate reached the tolerance at every temperature with G > 0.
    relative_error : float
        The largest estimate relative to G over the temperatures with G > 0 (0 if none).
    relative_bound : float
        The largest bound relative to G over the temperatures with G > 0 (0 if none).
    """

    transmission: TransmissionResult
    error: NDArray[np.float64]
    bound: NDArray[np.float64]
    rounds: int
    converged: bool
    relative_error: float
    relative_bound: float


def _to_split(ratio: NDArray[np.float64], tolerance: float, room: int) -> NDArray[np.int64]:
    """The cells to split this round: the fewest largest ``ratio`` (each cell's relative error, shape (n,)) whose
    removal leaves the estimate of the rest (:data:`ESTIMATE_FACTOR` x their root-sum-square) below
    ROUND_TARGET * tolerance, at most ``room`` and at most n of them."""
    order = np.argsort(-ratio, kind="stable")
    squares = ratio[order] ** 2
    rest = ESTIMATE_FACTOR * np.sqrt(np.maximum(squares.sum() - np.cumsum(squares), 0.0))
    count = int(np.searchsorted(-rest, -ROUND_TARGET * tolerance)) + 1  # first prefix leaving rest <= target
    count = max(1, min(count, room, ratio.size))
    return np.sort(order[:count])


def _merge(parts: list[TransmissionResult], cells: Cells) -> TransmissionResult:
    """One TransmissionResult of the rounds ``parts`` (their nodes in the order of ``cells``), omega sorted."""
    xi_k = np.concatenate([p.xi_k for p in parts], axis=1)
    order = np.argsort(cells.omega, kind="stable")
    first = parts[0]
    return TransmissionResult(
        omega=cells.omega[order],
        omega_weights=cells.width[order],
        kpoints=first.kpoints,
        kweights=first.kweights,
        xi_k=xi_k[:, order],
        eta=first.eta,
        area=first.area,
        steps=np.max([p.steps for p in parts], axis=0),
        seconds=float(sum(p.seconds for p in parts)),
    )


def start_frequencies(max_frequencies: int) -> int:
    """Frequencies of an adaptive grid's first round under the cap ``max_frequencies``: 3 x min(:data:`START_CELLS`,
    cap // 3).  The rounds that follow add frequencies where the error is largest, up to the cap."""
    return 3 * min(START_CELLS, int(max_frequencies) // 3)


def adaptive_transmission(
    sweep: Callable[[NDArray[np.float64], NDArray[np.float64], int], TransmissionResult],
    omega_max: float,
    max_frequencies: int,
    tolerance: float,
    temperature: NDArray[np.float64],
    statistics: landauer.Statistics = "bose-einstein",
) -> AdaptiveSweep:
    """Refine the frequency grid on (0, ``omega_max``) until the estimated error of G(T) is below ``tolerance``.

    The stopping rule is a 1-sigma statement: the estimate (:func:`estimated_error`) is at most ``tolerance``
    x G, so the true error is within the tolerance in about 2 cases in 3 (more in practice: the final rounds
    usually overshoot it), not always; the bound (``AdaptiveSweep.bound``), reported beside it, is the
    guarantee.

    Parameters
    ----------
    sweep : callable
        ``sweep(omega, weights, round)`` solves the transmission at the new frequencies of a round (rad/s,
        increasing, shape (n_new,)) and returns their :class:`TransmissionResult`; every round uses the same
        k points.
    omega_max : float
        Top of the grid, rad/s.
    max_frequencies : int
        Cap on the frequencies solved; the start grid is 3 x min(:data:`START_CELLS`, cap // 3) cells.
    tolerance : float
        Relative 1-sigma error of G(T) aimed at (the estimate, not the bound, at most this), at every reported
        temperature with G > 0 (0 < tolerance < 1).
    temperature : ndarray
        K, shape (n_T,).
    statistics : {"bose-einstein", "classical"}
    """
    cells = uniform_cells(omega_max, start_frequencies(max_frequencies))
    parts = [sweep(cells.omega, cells.width, 0)]
    while True:
        xi = np.concatenate([p.xi_k for p in parts], axis=1)
        phi = dataclasses.replace(parts[0], omega=cells.omega, omega_weights=cells.width, xi_k=xi).transmitted_channels
        f = integrand(cells.omega, phi, temperature, statistics)
        g = (f * cells.width[None, :]).sum(axis=1)
        errors = cell_errors(cells, f)
        error, bound = _statements(errors)
        scale = np.where(g > 0, g, np.inf)[:, None]
        ratio = (errors / scale).max(axis=0) if g.size else np.zeros(cells.omega.size)
        worst = float(np.max(error / scale[:, 0], initial=0.0))
        worst_bound = float(np.max(bound / scale[:, 0], initial=0.0))
        converged = worst <= tolerance
        room = (int(max_frequencies) - cells.omega.size) // 2
        if converged or room < 1:
            break
        which = _to_split(ratio, tolerance, room)
        cells, new = split(cells, which)
        order = np.argsort(new, kind="stable")
        part = sweep(new[order], np.repeat(cells.width[which], 2)[order], len(parts))
        inverse = np.empty_like(order)
        inverse[order] = np.arange(order.size)
        parts.append(_reordered(part, inverse))
    return AdaptiveSweep(_merge(parts, cells), error, bound, len(parts), converged, worst, worst_bound)


def adaptive_note(sweep: AdaptiveSweep, tolerance: float, cap: int, option_names: Callable[[str], str]) -> str:
    """The note of an adaptive run: its frequencies and rounds, or that the cap stopped it short of the tolerance."""
    n = sweep.transmission.omega.size
    name = option_names("frequencies")
    if sweep.converged:
        return (
            f"adaptive frequency grid: {n} frequencies in {sweep.rounds} rounds; estimated (1-sigma) frequency-grid "
            f"error of G at most {sweep.relative_error:.2g} of G (tolerance {tolerance:g}; bound "
            f"{sweep.relative_bound:.2g})"
        )
    return (
        f"NOT CONVERGED IN THE FREQUENCY GRID: the adaptive grid stopped at the cap {name} {cap} with an estimated "
        f"(1-sigma) error of G up to {sweep.relative_error:.2g} of G (tolerance {tolerance:g}; bound "
        f"{sweep.relative_bound:.2g}); raise {name}"
    )


def _reordered(part: TransmissionResult, index: NDArray[np.int64]) -> TransmissionResult:
    """``part`` with its frequency columns taken in the order ``index`` (back to the order of the cells)."""
    return TransmissionResult(
        omega=part.omega[index],
        omega_weights=part.omega_weights[index],
        kpoints=part.kpoints,
        kweights=part.kweights,
        xi_k=part.xi_k[:, index],
        eta=part.eta,
        area=part.area,
        steps=part.steps,
        seconds=part.seconds,
    )
