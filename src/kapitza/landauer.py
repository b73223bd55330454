r"""The Landauer engine: the one place where a conductance G(T) is integrated.

Every interface model in kapitza ends here.  A model supplies the *transmitted
channel density* of the incident side,

.. math::

    \Phi_b(\omega) = M_{1,b}(\omega)\,\tau_{12,b}(\omega),

for each branch (or channel group) ``b`` of side 1, where :math:`M_{1,b}` is
the number of transport channels per unit area and per unit angular frequency
(units m^-2 (rad/s)^-1; for a 1D chain, per chain: (rad/s)^-1) and
:math:`\tau_{12,b}` the transmission probability from side 1 into side 2.
The linear-response conductance is then

.. math::

    G(T) = \sum_b \int_0^\infty \hbar\omega\, \Phi_b(\omega)\,
           \frac{\partial n(\omega, T)}{\partial T}\, d\omega ,

with :math:`n` the Bose-Einstein occupation (Landauer formula for phonons; see
seed 004 and Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989), Eq. (13)).  For an
isotropic Debye branch of speed :math:`v`, :math:`M = \omega^2/(8\pi^2 v^2)`:
the number of transverse wave vectors per area, :math:`k^2/(4\pi)`, times the
1D Landauer factor :math:`1/(2\pi)` per unit angular frequency, with the
hemispherical average of the normal velocity already folded in.

Quadrature
----------
The integrand spans many decades (at 0.1 K the thermal frequency is 1e-4 of
a Debye cutoff), and model spectra have kinks at branch cutoffs.  The engine
therefore uses composite Gauss-Legendre quadrature on panels whose edges are
(i) the model's breakpoints, (ii) log-spaced edges covering every decade from
far below the lowest requested thermal frequency up to the highest breakpoint,
and (iii) a first panel from 0.  The integrand is smooth on each panel, so
the error is at round-off level for the Debye models (checked in the tests
against the closed forms of the low- and high-temperature limits).

The matrix of mode heat capacities for all temperatures and nodes is built
once; G for all temperatures is then one matrix product.  This is what makes
10,000 temperatures cost about as much as a handful (benchmarks/landauer.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import InputError
from .io.results import result
from .units import HBAR, KB

Statistics = Literal["bose-einstein", "classical"]
STATISTICS: tuple[str, ...] = ("bose-einstein", "classical")

#: Gauss-Legendre nodes per panel.
_NODES_PER_PANEL = 12
#: Log-spaced panels per decade of frequency.
_PANELS_PER_DECADE = 4
#: The log-spaced panels start this factor below the lowest thermal frequency kB*T_min/hbar.
_LOW_FACTOR = 1e-4
#: Most temperatures one call integrates.
MAX_TEMPERATURES = 100_000
#: What :data:`MAX_TEMPERATURES` temperatures cost the whole ``kapitza predict Al Si -t 1:1e5:100000`` (every model
#: and the expected measurement, text or --json; the slower of the two, wall time and peak memory), measured on
#: the 2-core development machine by ``python benchmarks/long_outputs.py --max`` (docs/changelog.md, issue 63):
#: the cost the refusal of a longer range states (:func:`too_many_temperatures`).
MAX_TEMPERATURES_COST = (60.0, 2.2)
#: hbar / kB in K s (rad^-1): x = hbar omega / kB T = _HBAR_OVER_KB * omega / T without underflow in kB * T.
_HBAR_OVER_KB = HBAR / KB
#: Temperatures are processed in blocks of this size to bound memory.
_T_BLOCK = 4096
#: Below this hbar*omega/kT the occupation derivative equals its classical value to 1e-17.
_X_MIN = 1e-8
#: Above this hbar*omega/kT the mode heat capacity is below 1e-299 J/K and is returned as 0.
#: (Clipping here also keeps np.exp off its slow underflow path, which costs 25x.)
_X_ZERO = 650.0


class TransmittedChannels(Protocol):
    r"""The one interface every model hands to the Landauer engine.

    Attributes
    ----------
    labels : tuple of str
        One label per channel group (e.g. branches "L", "T"), shape (n_groups,).
    breakpoints : ndarray
        Angular frequencies (rad/s) where the spectrum is not smooth (cutoffs,
        band edges); the largest is the highest frequency that carries heat.

    Methods
    -------
    transmitted_channels(omega, temperature=None)
        :math:`\Phi_b(\omega, T) = M_{1,b}\,\tau_{12,b}`, per area per rad/s (per rad/s
        for 1D models), shape (n_T, n_groups, n_omega) for temperatures (K) of shape
        (n_T,).  A model whose transmission does not depend on temperature returns
        shape (1, n_groups, n_omega) whatever ``temperature`` is (None included);
        the engine reads that leading axis and integrates all temperatures with one
        matrix product.  Consumers never call this method themselves: they go
        through :func:`conductance`, :func:`band_conductance` or
        :func:`spectral_conductance`.
    """

    labels: tuple[str, ...]
    breakpoints: NDArray[np.float64]

    def transmitted_channels(
        self, omega: NDArray[np.float64], temperature: NDArray[np.float64] | None = None
    ) -> NDArray[np.float64]: ...


def _channels(model: TransmittedChannels, omega: NDArray[np.float64], temperature: NDArray[np.float64]):
    """Phi of ``model`` as (n_T or 1, n_groups, n_omega), checked."""
    phi = np.asarray(model.transmitted_channels(omega, temperature), dtype=float)
    n_groups = len(model.labels)
    if phi.ndim != 3 or phi.shape[0] not in (1, temperature.size) or phi.shape[1:] != (n_groups, omega.size):
        raise InputError(
            f"{type(model).__name__}.transmitted_channels returned shape {phi.shape}; expected "
            f"({temperature.size} or 1, {n_groups}, {omega.size})"
        )
    if not np.all(np.isfinite(phi)):
        raise InputError("transmitted channel density contains NaN or infinite values")
    return phi


@dataclass(frozen=True)
class Quadrature:
    """Nodes (rad/s) and weights (rad/s) of a frequency quadrature, shape (n_nodes,)."""

    omega: NDArray[np.float64]
    weights: NDArray[np.float64]


@result
class LandauerResult:
    """Conductance from the Landauer integral.

    Attributes
    ----------
    temperature : ndarray
        Temperatures in K, shape (n_T,).
    conductance : ndarray
        G in W m^-2 K^-1 (W K^-1 per channel for 1D models), shape (n_T,).
    by_group : ndarray
        Contribution of each channel group, shape (n_groups, n_T); sums to ``conductance``.
    labels : tuple of str
        Names of the channel groups, shape (n_groups,).
    statistics : str
        "bose-einstein" or "classical".
    """

    temperature: NDArray[np.float64]
    conductance: NDArray[np.float64]
    by_group: NDArray[np.float64]
    labels: tuple[str, ...]
    statistics: str
    quadrature_nodes: int = 0

    _summary_fields: ClassVar[tuple[str, ...]] = ("temperature", "conductance", "labels", "statistics")


def validate_statistics(statistics: str) -> str:
    """Return ``statistics`` if it is one of :data:`STATISTICS`, else raise InputError."""
    if statistics not in STATISTICS:
        raise InputError(f"unknown statistics {statistics!r}; expected one of {', '.join(STATISTICS)}")
    return statistics


def too_many_temperatures(count: int, what: str) -> InputError:
    """The refusal of ``count`` > :data:`MAX_TEMPERATURES` temperatures, with the measured cost of the largest run
    (:data:`MAX_TEMPERATURES_COST`); ``what`` opens the message ("temperature:", "temperature range '1:10:2e5'").
    The one rule of the library (:func:`as_temperatures`) and of the command line's ranges."""
    seconds, gb = MAX_TEMPERATURES_COST
    return InputError(
        f"{what} {count:,} temperatures asked for; at most {MAX_TEMPERATURES:,} are computed in one run (that many "
        f"take `kapitza predict Al Si` about {seconds:.0f} s and {gb:.1f} GB on 2 cores); split the range into "
        "several runs"
    )


def as_temperatures(temperature: ArrayLike, option: str = "temperature") -> NDArray[np.float64]:
    """Validate temperatures (K) and return them as a 1D float array.

    Parameters
    ----------
    temperature : float or array_like
        K, scalar or shape (n_T,), each finite and >= 0; at most :data:`MAX_TEMPERATURES`.
    option : str
        How messages name the argument.

    Raises
    ------
    InputError
        If a value is not a real number, is NaN or infinite, or is negative, or
        there are more than :data:`MAX_TEMPERATURES` of them.
    """
    if temperature is None or isinstance(temperature, (str, bytes)) or _contains_bool(temperature):
        raise InputError(f"{option} must be a number in K, got {_plain(temperature)}")
    if isinstance(temperature, np.ma.MaskedArray):  # its masked entries would be computed as if they were given
        raise InputError(f"{option} must be plain numbers in K, not a masked array (drop the masked entries first)")
    if np.iscomplexobj(temperature):  # numpy would drop the imaginary part of an array, with a warning only
        raise InputError(f"{option} must be a real number in K, got a complex one")
    try:
        t = np.asarray(temperature, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{option} must be a number in K, got {_plain(temperature)}") from None
    except OverflowError:  # a Python int beyond any float (10**400)
        raise InputError(f"{option} must be a finite number in K, got one beyond any float") from None
    if t.ndim > 1:
        raise InputError(f"{option} must be a scalar or a 1D array, got shape {t.shape}")
    t = np.atleast_1d(t)
    if t.size == 0:
        raise InputError(f"{option} array is empty; give at least one temperature in K")
    if t.size > MAX_TEMPERATURES:
        raise too_many_temperatures(t.size, f"{option}:")
    bad = ~np.isfinite(t) | (t < 0)
    if np.any(bad):
        raise InputError(f"{option} must be finite and >= 0 K, got {float(t[bad][0]):g} K")
    return t + 0.0  # -0 K is 0 K (and is printed so): IEEE's -0.0 + 0.0 is +0.0


def as_positive_temperatures(temperature: ArrayLike, option: str = "temperature") -> NDArray[np.float64]:
    """:func:`as_temperatures`, each also > 0 K (a model that divides by T, or a temperature range's estimate)."""
    t = as_temperatures(temperature, option)
    if np.any(t <= 0):
        raise InputError(f"{option} must be one or more finite temperatures > 0 K, got 0 K")
    return t


def _plain(value: object) -> str:
    """A value for a message: numbers as plain numbers, never numpy reprs."""
    if isinstance(value, (np.generic,)):
        value = value.item()
    if isinstance(value, float):
        return f"{value:g}"
    if value is None:
        return "None"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _contains_bool(value: object) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype == bool
    if isinstance(value, Sequence):
        return any(isinstance(v, (bool, np.bool_, str)) for v in value)
    return False


def mode_heat_capacity(
    omega: ArrayLike, temperature: ArrayLike, statistics: Statistics = "bose-einstein"
) -> NDArray[np.float64]:
    r"""Heat capacity of one phonon mode, :math:`\hbar\omega\,\partial n/\partial T`, in J/K.

    For Bose-Einstein statistics, with :math:`x = \hbar\omega/k_BT`,

    .. math:: \hbar\omega \frac{\partial n}{\partial T}
              = k_B \frac{x^2 e^{-x}}{(1 - e^{-x})^2},

    evaluated with ``expm1`` so that it is exact to round-off from x = 1e-8
    (where it is k_B to 1e-17) up to x = 650; beyond, where the true value is
    below 1e-299 J/K, it is returned as exactly 0.  T = 0 gives 0 without
    warnings.  Classical statistics give k_B for every mode.

    Parameters
    ----------
    omega : array_like
        Angular frequencies in rad/s (>= 0); broadcast against ``temperature``.
    temperature : array_like
        Temperatures in K (>= 0).
    statistics : {"bose-einstein", "classical"}

    Returns
    -------
    ndarray
        Broadcast shape of the inputs, in J/K.
    """
    validate_statistics(statistics)
    omega, t = np.asarray(omega, dtype=float), np.asarray(temperature, dtype=float)
    shape = np.broadcast_shapes(omega.shape, t.shape)
    if statistics == "classical":
        return np.full(shape, KB)
    x = np.full(shape, _X_ZERO)
    # x = (hbar/kB) omega / T: kB * T would underflow to 0 below 1e-300 K.  Where omega/T overflows
    # (T below ~1e-295 K), inf is the right x: it is clipped to _X_ZERO, where the heat capacity is 0.
    # Broadcast, not raveled copies: the (temperatures, frequencies) grid is made once (issue 63).
    with np.errstate(over="ignore"):
        np.divide(_HBAR_OVER_KB * omega, t, out=x, where=t > 0)
    np.clip(x, _X_MIN, _X_ZERO, out=x)
    beyond = x >= _X_ZERO
    minus_x = np.negative(x, out=np.empty(shape))
    denominator = np.expm1(minus_x)
    denominator *= denominator
    out = np.exp(minus_x, out=minus_x)
    out *= x
    out *= x
    out /= denominator
    out *= KB
    out[beyond] = 0.0
    return out


def quadrature(breakpoints: ArrayLike, lowest_temperature: float) -> Quadrature:
    """Composite Gauss-Legendre quadrature from 0 to the largest breakpoint.

    Parameters
    ----------
    breakpoints : array_like
        Angular frequencies (rad/s) where the integrand may have kinks; the
        largest one ends the integral.  Shape (n_breakpoints,).
    lowest_temperature : float
        Lowest temperature (K) that will be evaluated; the log-spaced panels
        reach ``1e-4 * kB * T / hbar`` below it (ignored if <= 0).

    Returns
    -------
    Quadrature
    """
    bp = np.asarray(breakpoints, dtype=float).ravel()
    bp = bp[np.isfinite(bp) & (bp > 0)]
    if bp.size == 0:
        raise InputError("the spectrum has no positive frequency breakpoints; nothing can carry heat")
    top = bp.max()
    low = top * 1e-7
    if lowest_temperature > 0:
        # (kB/hbar) T rather than kB T / hbar: no underflow down to the smallest double; the floor keeps the
        # panel count finite (below 1e-280 rad/s every model's integrand is 0 to double precision).
        low = min(low, max(_LOW_FACTOR * lowest_temperature / _HBAR_OVER_KB, 1e-280))
    decades = np.log10(top / low)
    log_edges = np.logspace(np.log10(low), np.log10(top), int(np.ceil(decades * _PANELS_PER_DECADE)) + 1)
    edges = np.unique(np.concatenate([[0.0], log_edges, bp]))
    edges = edges[edges <= top]
    x, w = np.polynomial.legendre.leggauss(_NODES_PER_PANEL)
    a, b = edges[:-1, None], edges[1:, None]
    half = 0.5 * (b - a)
    nodes = (a + b) * 0.5 + half * x[None, :]
    weights = half * w[None, :]
    return Quadrature(omega=nodes.ravel(), weights=weights.ravel())


def integrate(
    omega: NDArray[np.float64],
    weights: NDArray[np.float64],
    transmitted: NDArray[np.float64],
    temperature: ArrayLike,
    statistics: Statistics = "bose-einstein",
    labels: tuple[str, ...] | None = None,
) -> LandauerResult:
    """Landauer sum G_b(T) = sum_i w_i Phi_b(omega_i) hbar omega_i dn/dT(omega_i, T).

    Use this directly for tabulated spectra (full dispersion, AGF) with your
    own quadrature weights; :func:`conductance` builds the quadrature for a
    model that can be evaluated at any frequency.

    Parameters
    ----------
    omega, weights : ndarray
        Quadrature nodes and weights in rad/s, shape (n_nodes,).
    transmitted : ndarray
        Transmitted channel density Phi_b(omega_i), shape (n_groups, n_nodes)
        or (n_nodes,), per area per rad/s (or per rad/s for 1D).
    temperature : array_like
        Temperatures in K, scalar or shape (n_T,).
    statistics : {"bose-einstein", "classical"}
    labels : tuple of str, optional
        Names of the channel groups.
    """
    validate_statistics(statistics)
    t = as_temperatures(temperature)
    phi = np.atleast_2d(np.asarray(transmitted, dtype=float))
    omega = np.asarray(omega, dtype=float)
    weights = np.asarray(weights, dtype=float)
    if phi.shape[-1] != omega.size or weights.shape != omega.shape:
        raise InputError(f"transmitted channels have shape {phi.shape}, expected (groups, {omega.size}) to match omega")
    if not np.all(np.isfinite(phi)):
        raise InputError("transmitted channel density contains NaN or infinite values")
    if labels is None:
        labels = tuple(f"group {i}" for i in range(phi.shape[0]))
    weighted = phi * weights[None, :]
    by_group = np.empty((phi.shape[0], t.size))
    for start in range(0, t.size, _T_BLOCK):
        block = t[start : start + _T_BLOCK]
        c = mode_heat_capacity(omega[None, :], block[:, None], statistics)
        by_group[:, start : start + _T_BLOCK] = weighted @ c.T
    return LandauerResult(
        temperature=t,
        conductance=by_group.sum(axis=0),
        by_group=by_group,
        labels=tuple(labels),
        statistics=statistics,
        quadrature_nodes=omega.size,
    )


def _lowest_positive(t: NDArray[np.float64]) -> float:
    positive = t[t > 0]
    return float(positive.min()) if positive.size else 0.0


def _sum(
    model: TransmittedChannels,
    omega: NDArray[np.float64],
    weights: NDArray[np.float64],
    t: NDArray[np.float64],
    statistics: Statistics,
) -> NDArray[np.float64]:
    """sum_i w_i Phi_b(omega_i, T) C(omega_i, T): shape (n_groups, n_T)."""
    n_groups = len(model.labels)
    by_group = np.empty((n_groups, t.size))
    block_size = _T_BLOCK // 8
    phi = _channels(model, omega, t[:block_size])
    if phi.shape[0] == 1:  # transmission independent of T: one matrix product per block of temperatures
        weighted = phi[0] * weights[None, :]
        for start in range(0, t.size, _T_BLOCK):
            block = t[start : start + _T_BLOCK]
            c = mode_heat_capacity(omega[None, :], block[:, None], statistics)
            by_group[:, start : start + block.size] = weighted @ c.T
        return by_group
    for start in range(0, t.size, block_size):
        block = t[start : start + block_size]
        if start > 0:
            phi = _channels(model, omega, block)
        c = mode_heat_capacity(omega[None, :], block[:, None], statistics)
        by_group[:, start : start + block.size] = np.einsum("tgw,w,tw->gt", phi, weights, c)
    return by_group


def conductance(
    model: TransmittedChannels,
    temperature: ArrayLike,
    statistics: Statistics = "bose-einstein",
) -> LandauerResult:
    """G(T) of a model that can be evaluated at any frequency.

    Parameters
    ----------
    model : TransmittedChannels
        Supplies ``labels``, ``breakpoints`` (rad/s) and
        ``transmitted_channels(omega, temperature)``.
    temperature : array_like
        Temperatures in K, scalar or shape (n_T,).
    statistics : {"bose-einstein", "classical"}

    Returns
    -------
    LandauerResult
    """
    validate_statistics(statistics)
    t = as_temperatures(temperature)
    q = quadrature(model.breakpoints, _lowest_positive(t))
    by_group = _sum(model, q.omega, q.weights, t, statistics)
    return LandauerResult(
        temperature=t,
        conductance=by_group.sum(axis=0),
        by_group=by_group,
        labels=tuple(model.labels),
        statistics=statistics,
        quadrature_nodes=q.omega.size,
    )


def band_conductance(
    model: TransmittedChannels,
    temperature: ArrayLike,
    band_edges: ArrayLike,
    statistics: Statistics = "bose-einstein",
) -> NDArray[np.float64]:
    """G(T) of ``model`` per channel group and per frequency band, W m^-2 K^-1.

    Each band is integrated exactly on its own interval (its edges become
    quadrature breakpoints), so the parts add up to :func:`conductance`.

    Parameters
    ----------
    model : TransmittedChannels
    temperature : array_like
        Temperatures in K, scalar or shape (n_T,).
    band_edges : array_like
        Band edges in rad/s, strictly increasing from 0 to the top of the model,
        shape (n_bands + 1,).
    statistics : {"bose-einstein", "classical"}

    Returns
    -------
    ndarray
        Shape (n_groups, n_bands, n_T).
    """
    validate_statistics(statistics)
    t = as_temperatures(temperature)
    edges = np.asarray(band_edges, dtype=float).ravel()
    q = quadrature(np.union1d(model.breakpoints, edges), _lowest_positive(t))
    band = np.clip(np.searchsorted(edges, q.omega, side="right") - 1, 0, len(edges) - 2)
    parts = np.zeros((len(model.labels), len(edges) - 1, t.size))
    for k in range(len(edges) - 1):
        sel = band == k
        if np.any(sel):
            parts[:, k, :] = _sum(model, q.omega[sel], q.weights[sel], t, statistics)
    return parts


def spectral_conductance(
    model: TransmittedChannels,
    omega: ArrayLike,
    temperature: float,
    statistics: Statistics = "bose-einstein",
) -> NDArray[np.float64]:
    """dG/domega per channel group at one temperature, in W m^-2 K^-1 (rad/s)^-1.

    Parameters
    ----------
    model : TransmittedChannels
    omega : array_like
        Angular frequencies in rad/s, shape (n_omega,).
    temperature : float
        Temperature in K.

    Returns
    -------
    ndarray
        Shape (n_groups, n_omega).
    """
    validate_statistics(statistics)
    t = as_temperatures(temperature)
    if t.size != 1:
        raise InputError(f"spectral_conductance takes one temperature, got {t.size}")
    w = np.atleast_1d(np.asarray(omega, dtype=float))
    phi = _channels(model, w, t)[0]
    return phi * mode_heat_capacity(w, t[0], statistics)[None, :]
