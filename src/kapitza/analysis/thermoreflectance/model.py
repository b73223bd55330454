r"""Heat diffusion in a layered sample heated and probed by Gaussian beams: the TDTR and FDTR signals.

The model is that of Cahill, Rev. Sci. Instrum. 75, 5119 (2004), with anisotropic layers as in
Schmidt, Chen & Chen, Rev. Sci. Instrum. 79, 114902 (2008), and the frequency-domain signal of
Schmidt, Cheaito & Chiesa, Rev. Sci. Instrum. 80, 094901 (2009).

**Surface response.**  In each layer (cross-plane conductivity :math:`k_z`, in-plane :math:`k_r`,
volumetric heat capacity :math:`C`, thickness :math:`d`) the temperature, Hankel-transformed in
the radial coordinate (variable :math:`u`, rad/m) at angular frequency :math:`\omega`, varies as
:math:`e^{\pm q z}` with :math:`q^2 = (k_r u^2 + i\omega C)/k_z`.  The surface impedance
:math:`Z = \theta/\text{flux}` (K m^2 W^-1) is built from the bottom up: a semi-infinite substrate
has :math:`Z = 1/\gamma`, :math:`\gamma = k_z q`; a finite last layer has an adiabatic back face,
:math:`Z = 1/(\gamma \tanh qd)`; an interface of conductance :math:`G` adds :math:`1/G`; a layer on
top of an impedance :math:`Z'` gives

.. math::  Z = \frac{Z' + \tanh(qd)/\gamma}{1 + \gamma Z' \tanh(qd)},

which is Cahill's transfer-matrix result :math:`-D/C` written so that nothing overflows for thick
layers.  A pump of 1/e^2 radius :math:`w_0` and unit absorbed power, read by a probe of radius
:math:`w_1`, gives the probe-averaged temperature (K W^-1)

.. math::  H(\omega) = \frac{1}{2\pi}\int_0^\infty Z(u, \omega)\,
           e^{-u^2 (w_0^2 + w_1^2)/8}\, u\, du .

**Quadrature.**  The integral is done in :math:`s = \ln u` (the integrand's features, at
:math:`u \sim 1/w`, :math:`1/d` and the inverse thermal penetration depth, are each about one unit
wide there) up to the point where the Gaussian is :math:`e^{-40}` (:math:`u_w = 2\sqrt{2/(w_0^2+w_1^2)}`
is the beam's scale), on panels one unit of :math:`s` wide with Gauss-Legendre nodes.  Below
:math:`u_f = \min_\text{layers} \sqrt{\omega C/k_r}` the impedance is flat to :math:`(u/u_f)^2`, so
the nodes start at :math:`10^{-3}\min(u_w, u_f)` and the piece below is added analytically
(:math:`Z(u_\text{lo})\,u_\text{lo}^2/4\pi`); at :math:`\omega = 0` (:math:`Z \propto 1/u`) they start at
:math:`10^{-6}u_w` with the piece :math:`Z(u_\text{lo})\,u_\text{lo}^2/2\pi`.  Every evaluation is done at
two orders (6 and 12 nodes a panel) and the relative difference is the stated accuracy (the
12-node result returned is far better: about 1e-12 where the pair differs by 1e-6); where it
exceeds ``rtol`` the panels are halved, up to four times, then
:class:`~kapitza.errors.ConvergenceError`.

**TDTR.**  A pulse train at repetition rate :math:`f_\mathrm{rep}` (:math:`\omega_s = 2\pi
f_\mathrm{rep}`) modulated at :math:`\omega_0` gives the lock-in signal at delay :math:`\tau`
(Cahill 2004, Eq. 18-20)

.. math::  V_\mathrm{in} + i V_\mathrm{out} = \sum_{M=-N}^{N} H(\omega_0 + M\omega_s)\,
           e^{i M \omega_s \tau},

per W of average absorbed pump power (K W^-1), with :math:`H(-\omega) = \overline{H(\omega)}`.
Cut sharply, this sum converges very slowly (:math:`H \propto (i\omega)^{-1/2}` at high
frequency: the transducer looks semi-infinite).  So the asymptote :math:`H_\infty = a (i\omega)^{-1/2}`,
:math:`a = 2/(\pi (w_0^2 + w_1^2) \sqrt{k_z C})` of the top layer, is summed exactly in the time
domain, where it is the impulse response :math:`a/\sqrt{\pi t}` (Poisson summation):

.. math::  \sum_M H_\infty(\omega_0 + M\omega_s) e^{iM\omega_s\tau} =
           \frac{a T e^{-i\omega_0\tau}}{\sqrt{\pi T}} \sum_{n\ge 0}
           \frac{e^{-i\omega_0 n T}}{\sqrt{n + \tau/T}},\qquad T = 1/f_\mathrm{rep},

(a Lerch sum, done directly to :math:`n = K` and by Euler's transformation beyond), and only
:math:`H - H_\infty`, which falls off as :math:`e^{-2\,\mathrm{Re}(q) d}` of the transducer, is
summed term by term.  That sum starts at the frequency where the transducer is five thermal
lengths thick and is checked against itself cut at half as many terms; where the ratio
:math:`-V_\mathrm{in}/V_\mathrm{out}` moves by more than ``sum_rtol`` the number of terms is doubled
(up to :math:`2^{17}`).  The pulses are taken as delta functions (their ~1 ps cross-correlation is
far below the delays fitted).

**FDTR.**  A continuous pump modulated at :math:`f`: the probe reads :math:`H(2\pi f)`; the phase
is :math:`\arg H` in degrees (negative: the temperature lags the heating) and the amplitude
:math:`|H|` in K W^-1.

Units: SI throughout; delays in s, frequencies in Hz (not rad/s) at the interface of every function.
"""

from __future__ import annotations

import functools
import math
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ... import _checks
from ...errors import ConvergenceError, InputError
from ...io.results import result
from .sample import Sample

#: Relative accuracies ``rtol`` and ``sum_rtol`` may ask of the Hankel integral and the TDTR pulse sum: from
#: near double-precision round-off (1e-12) to 10 % (a looser signal is not worth fitting).
RTOL_RANGE = (1e-12, 0.1)

#: Shortest pump-probe delay (s) the TDTR model describes: 1 ps, the pulses' cross-correlation.  The model takes
#: the pulses as delta functions, whose response diverges as 1/sqrt(delay) at zero delay: below it the numbers are
#: that divergence (a ratio of 3.4e151 at 1e-300 ps), not a measurement (there the transducer's electrons, not yet
#: in equilibrium with its lattice, carry the signal).
MIN_DELAY = 1e-12

#: The quantities a fit or a sensitivity can use, by mode.
OBSERVABLES: dict[str, tuple[str, ...]] = {
    "tdtr": ("ratio", "in_phase", "out_of_phase"),
    "fdtr": ("phase", "amplitude"),
}
#: Quantities measured in arbitrary units: a fit scales the model to them.
SCALED = frozenset({"in_phase", "out_of_phase", "amplitude"})

_ORDER = 6  # Gauss-Legendre nodes per panel of the lower-order estimate (the other uses twice as many)
_FLAT_FRACTION = 1e-3  # omega > 0: the nodes start at 1e-3 of the scale where Z(u) bends
_STATIC_FRACTION = 1e-6  # omega = 0: at 1e-6 u_w
_GAUSS_CUT = 40.0  # and stops where the beam weight is e^-40
_MAX_REFINE = 4
_THERMAL_LENGTHS = 5.0  # the term-by-term TDTR sum starts where the transducer is this many thermal lengths
_LERCH_DIFFERENCES = 4  # Euler-transformation terms of the Lerch tail (more would lose digits to rounding)
_MAX_TERMS = 2**17
_CHUNK = 1 << 21  # complex elements of Z evaluated at once (~32 MB)


@result
class TDTRSignal:
    """Lock-in signals vs pump-probe delay.

    Attributes
    ----------
    delay : ndarray, shape (n,)
        s.
    in_phase, out_of_phase : ndarray, shape (n,)
        V_in and V_out per W of average absorbed pump power, K W^-1.
    ratio : ndarray, shape (n,)
        -V_in / V_out.
    phase_deg : ndarray, shape (n,)
        atan2(V_out, V_in), degrees.
    modulation_frequency, repetition_rate : float
        Hz.
    terms : int
        N: the sum ran over M = -N..N.
    quadrature_error, sum_error : float
        Relative accuracy of H (two quadrature orders) and of the ratio (sum cut at N vs N/2).
    """

    delay: NDArray[np.float64]
    in_phase: NDArray[np.float64]
    out_of_phase: NDArray[np.float64]
    ratio: NDArray[np.float64]
    phase_deg: NDArray[np.float64]
    modulation_frequency: float
    repetition_rate: float
    terms: int
    quadrature_error: float
    sum_error: float

    _summary_fields: ClassVar[tuple[str, ...]] = ("delay", "ratio", "modulation_frequency", "terms")


@result
class FDTRSignal:
    """Probe response to a pump modulated at each frequency.

    Attributes
    ----------
    frequency : ndarray, shape (n,)
        Modulation frequency, Hz.
    phase_deg : ndarray, shape (n,)
        arg H, degrees (negative: lag).
    amplitude : ndarray, shape (n,)
        ``|H|``, K per W of absorbed modulated power.
    quadrature_error : float
        Relative accuracy of H.
    """

    frequency: NDArray[np.float64]
    phase_deg: NDArray[np.float64]
    amplitude: NDArray[np.float64]
    quadrature_error: float

    _summary_fields: ClassVar[tuple[str, ...]] = ("frequency", "phase_deg")


def simulated_columns(
    signal: TDTRSignal | FDTRSignal, noise: float = 0.0, seed: int | None = None
) -> dict[str, NDArray[np.float64]]:
    """The columns of a simulated data file (what :func:`~.inputs.read_data` reads back), with Gaussian noise.

    Parameters
    ----------
    signal : TDTRSignal or FDTRSignal
        The model signal (:func:`tdtr_signal`, :func:`fdtr_signal`).
    noise : float
        Standard deviation of the noise: relative (a fraction of the value) for the ratio, the lock-in voltages
        and the amplitude; in degrees for the FDTR phase.  0: the exact model values.
    seed : int or None
        Seed of ``numpy.random.default_rng``; the draws are made column by column in the order ratio, in_phase,
        out_of_phase (TDTR) or phase, amplitude (FDTR), so one seed gives one file.

    Returns
    -------
    dict of str -> read-only ndarray, shape (n,)
        TDTR: ``{"ratio"}`` when ``noise`` is 0, else the noisy ``{"in_phase", "out_of_phase"}`` (K W^-1), whose
        ratio -V_in/V_out is then the noisy one.  FDTR: ``{"phase", "amplitude"}`` (degrees, K W^-1).
    """
    noise = float(noise)
    if not (math.isfinite(noise) and noise >= 0):
        raise InputError(f"noise= must be a finite number >= 0, got {noise:g}")
    if isinstance(signal, TDTRSignal):
        cols = {"ratio": signal.ratio, "in_phase": signal.in_phase, "out_of_phase": signal.out_of_phase}
    elif isinstance(signal, FDTRSignal):
        cols = {"phase": signal.phase_deg, "amplitude": signal.amplitude}
    else:
        raise InputError(f"signal= must be a TDTRSignal or an FDTRSignal, got {type(signal).__name__}")
    rng = np.random.default_rng(seed)
    noisy = {}
    for key, values in cols.items():
        values = np.asarray(values, dtype=float)
        if key == "phase":
            noisy[key] = values + noise * rng.standard_normal(values.size)
        else:
            noisy[key] = values * (1.0 + noise * rng.standard_normal(values.size))
    if isinstance(signal, TDTRSignal):
        if noise == 0:
            noisy = {"ratio": np.array(signal.ratio, dtype=float)}
        else:
            noisy = {k: noisy[k] for k in ("in_phase", "out_of_phase")}
    for values in noisy.values():
        values.flags.writeable = False
    return noisy


# --- the layered impedance -----------------------------------------------------------------------
def _tanh(z: NDArray[np.complex128]) -> NDArray[np.complex128]:
    """tanh for Re z >= 0 without overflow: (1 - e^-2z) / (1 + e^-2z)."""
    e = np.exp(-2.0 * z)
    return -np.expm1(-2.0 * z) / (1.0 + e)


def _impedance(sample: Sample, omega: NDArray[np.float64], u: NDArray[np.float64]) -> NDArray[np.complex128]:
    """Z(u, omega) at the top surface, K m^2 W^-1; omega shape (n_f, 1), u shape (1, n_u)."""
    u2 = u * u
    z: NDArray[np.complex128] | None = None
    for i in range(len(sample.layers) - 1, -1, -1):
        layer = sample.layers[i]
        q = np.sqrt((layer.k_r * u2 + 1j * omega * layer.heat_capacity) / layer.k_z)
        gamma = layer.k_z * q
        if z is None:
            if math.isinf(layer.thickness):
                z = 1.0 / gamma
            else:
                z = 1.0 / (gamma * _tanh(q * layer.thickness))
        else:
            t = _tanh(q * layer.thickness)
            z = (z + t / gamma) / (1.0 + gamma * z * t)
        if i > 0:
            g = sample.interfaces[i - 1].conductance
            if math.isfinite(g):
                z = z + 1.0 / g
    assert z is not None
    return z


@functools.lru_cache(maxsize=512)
def _nodes(w2: float, s_lo: float, order: int, per_unit: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """u nodes from e^s_lo to the beam cut, and weights (including u du, the beam Gaussian and 1/2pi).

    Cached (read-only arrays): a fit evaluates the model many times with the same beams.
    """
    s_hi = math.log(math.sqrt(8.0 * _GAUSS_CUT / w2))
    panels = max(1, math.ceil((s_hi - s_lo) * per_unit))
    x, wx = np.polynomial.legendre.leggauss(order)
    edges = np.linspace(s_lo, s_hi, panels + 1)
    half = 0.5 * np.diff(edges)
    s = (edges[:-1, None] + half[:, None] * (x[None, :] + 1.0)).ravel()
    ws = (half[:, None] * wx[None, :]).ravel()
    u = np.exp(s)
    weight = ws * u * u * np.exp(-u * u * w2 / 8.0) / (2.0 * math.pi)
    u.setflags(write=False)
    weight.setflags(write=False)
    return u, weight


def _lower_limits(sample: Sample, omega: NDArray[np.float64], u_w: float) -> NDArray[np.float64]:
    """ln of the lower end of the u integral, rounded down to whole e-folds so that frequencies share nodes.

    For omega > 0, Z(u) is flat (to (u/u_f)^2) below u_f = min over layers sqrt(omega C / k_r): start at
    1e-3 min(u_w, u_f).  At omega = 0 (semi-infinite substrate), Z ~ 1/u: start at 1e-6 u_w.
    """
    u_f = np.full(omega.shape, np.inf)
    for layer in sample.layers:
        u_f = np.minimum(u_f, np.sqrt(omega * layer.heat_capacity / layer.k_r))
    low = np.where(omega > 0, _FLAT_FRACTION * np.minimum(u_w, u_f), _STATIC_FRACTION * u_w)
    return np.floor(np.log(low))


def _integrate(sample: Sample, omega: NDArray[np.float64], order: int, per_unit: int) -> NDArray[np.complex128]:
    """H(omega) by Gauss-Legendre in ln u, plus the piece below the lowest node done analytically:
    Z flat there (omega > 0) gives Z(u_lo) u_lo^2 / 4pi, Z ~ 1/u (omega = 0) gives Z(u_lo) u_lo^2 / 2pi."""
    laser = sample.laser
    w2 = laser.pump_radius**2 + laser.probe_radius**2
    s_lo = _lower_limits(sample, omega, 2.0 * math.sqrt(2.0 / w2))
    out = np.empty(omega.size, dtype=complex)
    for start in np.unique(s_lo):
        group = np.flatnonzero(s_lo == start)
        u, weight = _nodes(w2, float(start), order, per_unit)
        u = np.append(u, math.exp(start))
        step = max(1, _CHUNK // u.size)
        for lo in range(0, group.size, step):
            idx = group[lo : lo + step]
            z = _impedance(sample, omega[idx, None], u[None, :])
            tail = z[:, -1] * u[-1] ** 2 / (4.0 * math.pi) * np.where(omega[idx] > 0, 1.0, 2.0)
            out[idx] = z[:, :-1] @ weight + tail
    return out


def _response(sample: Sample, omega: NDArray[np.float64], rtol: float) -> tuple[NDArray[np.complex128], float]:
    """H at angular frequencies omega >= 0, and the relative accuracy reached."""
    per_unit = 1
    for _ in range(_MAX_REFINE + 1):
        coarse = _integrate(sample, omega, _ORDER, per_unit)
        fine = _integrate(sample, omega, 2 * _ORDER, per_unit)
        err = float(np.max(np.abs(fine - coarse) / np.abs(fine))) if omega.size else 0.0
        if err <= rtol:
            return fine, err
        per_unit *= 2
    raise ConvergenceError(
        f"the Hankel integral did not reach rtol={rtol:g} (relative difference {err:.2g} between quadrature orders "
        f"with {per_unit // 2} panels per e-fold of u); check the layer parameters"
    )


def _first_terms(sample: Sample, ws: float) -> int:
    """Terms M of the TDTR sum where Re(q) d = 5 in the top layer (at least 16)."""
    top = sample.layers[0]
    if math.isinf(top.thickness):
        return 16
    omega = 2.0 * top.k_z * (_THERMAL_LENGTHS / top.thickness) ** 2 / top.heat_capacity
    return int(min(_MAX_TERMS // 2, max(16, math.ceil(omega / ws))))


def _lerch_sum(tau: NDArray[np.float64], w0: float, period: float) -> NDArray[np.complex128]:
    """sum_M (i(w0 + M ws))^-1/2 e^{i M ws tau}.

    Equal to T e^{-i w0 tau} / sqrt(pi T) sum_n z^n / sqrt(n + tau/T), z = e^{-i w0 T} (Poisson summation).

    The n-sum is done directly to K = 400 max(1, |r|), r = z/(1-z), and beyond by Euler's
    transformation sum_{n>=K} z^n f(n) = z^K/(1-z) sum_p r^p Delta^p f(K), p <= 4: the next term is
    ~(|r|/K)^5 p! ~ 1e-11 of f(K), and the differences' rounding, |r|^4 2^4 eps, stays below 1e-7.
    """
    z = np.exp(-1j * w0 * period)
    x = tau / period
    r = z / (1.0 - z)
    k = int(math.ceil(400.0 * max(1.0, abs(r))))
    n = np.arange(k)
    direct = (z ** n[None, :] / np.sqrt(n[None, :] + x[:, None])).sum(axis=1)
    f = 1.0 / np.sqrt(k + np.arange(_LERCH_DIFFERENCES + 1)[None, :] + x[:, None])
    tail = np.zeros_like(direct)
    for p in range(_LERCH_DIFFERENCES + 1):
        tail += r**p * f[:, 0]
        f = np.diff(f, axis=1)
    tail *= z**k / (1.0 - z)
    return period * np.exp(-1j * w0 * tau) / math.sqrt(math.pi * period) * (direct + tail)


# --- public API ----------------------------------------------------------------------------------
def surface_response(sample: Sample, frequency: ArrayLike, *, rtol: float = 1e-6) -> NDArray[np.complex128]:
    """H(f): probe-averaged surface temperature per W of absorbed pump power modulated at f, K W^-1.

    Parameters
    ----------
    sample : Sample
    frequency : float or array_like, shape (n,)
        Hz, >= 0 (f = 0 is the steady state; it needs a semi-infinite substrate).
    rtol : float
        Relative accuracy of the Hankel integral (see the module docstring).
    """
    f = _checks.positive_array(np.atleast_1d(frequency), "frequency", "Hz", zero=True, ndim=1)
    if (f == 0).any() and math.isfinite(sample.layers[-1].thickness):
        raise InputError(
            "the steady state (f = 0) needs a semi-infinite substrate: "
            "a finite stack on an adiabatic back face heats up without bound"
        )
    h, _ = _response(sample, 2.0 * math.pi * f, _checks.between(rtol, "rtol", "", *RTOL_RANGE))
    return h


def check_delays(delay: ArrayLike, repetition_rate: float) -> NDArray[np.float64]:
    """TDTR pump-probe delays (s) as a 1D array, each from :data:`MIN_DELAY` (1 ps) to below the pulse period
    ``1 / repetition_rate`` (Hz); InputError naming the first delay outside, in ps or ns."""
    tau = _checks.positive_array(np.atleast_1d(delay), "delay", "s", ndim=1)
    if tau.max() >= 1.0 / repetition_rate:
        raise InputError(
            f"delays must be shorter than the pulse period {1e9 / repetition_rate:g} ns, got {tau.max() * 1e9:g} ns"
        )
    if tau.min() < MIN_DELAY:
        raise InputError(
            f"delays must be at least {MIN_DELAY * 1e12:g} ps (the pulses' cross-correlation; the model takes them "
            f"as delta functions, whose response diverges at zero delay), got {tau.min() * 1e12:g} ps"
        )
    return tau


def tdtr_signal(sample: Sample, delay: ArrayLike, *, rtol: float = 1e-6, sum_rtol: float = 1e-4) -> TDTRSignal:
    """The TDTR lock-in signals at the given pump-probe delays (s, from :data:`MIN_DELAY` to below the pulse period),
    for ``sample.laser``'s repetition rate and modulation frequency; see the module docstring for the sum and its
    check."""
    laser = sample.laser
    f_rep = laser.repetition_rate
    tau = check_delays(delay, f_rep)
    rtol = _checks.between(rtol, "rtol", "", *RTOL_RANGE)
    sum_rtol = _checks.between(sum_rtol, "sum_rtol", "", *RTOL_RANGE)
    w0, ws = 2.0 * math.pi * laser.modulation_frequency, 2.0 * math.pi * f_rep
    top = sample.layers[0]
    a = 2.0 / (math.pi * (laser.pump_radius**2 + laser.probe_radius**2) * math.sqrt(top.k_z * top.heat_capacity))
    asymptote = a * _lerch_sum(tau, w0, 1.0 / f_rep)
    n = _first_terms(sample, ws)
    while True:
        m = np.arange(-n, n + 1)
        omega = w0 + m * ws
        h, qerr = _response(sample, np.abs(omega), rtol)
        h = np.where(omega < 0, np.conj(h), h) - a / np.sqrt(1j * omega)
        phase = np.exp(1j * ws * tau[:, None] * m[None, :])
        full = phase @ h + asymptote
        inner = np.abs(m) <= n // 2
        half = phase[:, inner] @ h[inner] + asymptote
        ratio = -full.real / full.imag
        sum_err = float(np.max(np.abs(-half.real / half.imag - ratio) / np.abs(ratio)))
        if sum_err <= sum_rtol:
            break
        if 2 * n > _MAX_TERMS:
            raise ConvergenceError(
                f"the TDTR pulse sum did not reach sum_rtol={sum_rtol:g} with {n} terms "
                f"(ratio moved by {sum_err:.2g}); the transducer may be too thin for delta-function pulses"
            )
        n *= 2
    return TDTRSignal(
        delay=tau,
        in_phase=full.real,
        out_of_phase=full.imag,
        ratio=ratio,
        phase_deg=np.degrees(np.arctan2(full.imag, full.real)),
        modulation_frequency=laser.modulation_frequency,
        repetition_rate=f_rep,
        terms=n,
        quadrature_error=qerr,
        sum_error=sum_err,
    )


def fdtr_signal(sample: Sample, frequency: ArrayLike, *, rtol: float = 1e-6) -> FDTRSignal:
    """Phase (degrees, arg H) and amplitude (``|H|``, K W^-1) at the modulation frequencies (Hz, > 0)."""
    f = _checks.positive_array(np.atleast_1d(frequency), "frequency", "Hz", ndim=1)
    h, err = _response(sample, 2.0 * math.pi * f, _checks.between(rtol, "rtol", "", *RTOL_RANGE))
    return FDTRSignal(frequency=f, phase_deg=np.degrees(np.angle(h)), amplitude=np.abs(h), quadrature_error=err)


def steady_heating(sample: Sample, absorbed_power: float | None = None) -> float:
    """Steady temperature rise (K) of the probed spot under the average absorbed pump power (W).

    Cahill 2004's estimate, computed here for the whole stack: P H(0).  ``absorbed_power``
    defaults to ``sample.laser.absorbed_power``.  Needs a semi-infinite substrate.
    """
    power = sample.laser.absorbed_power if absorbed_power is None else float(absorbed_power)
    if power is None or not (math.isfinite(power) and power > 0):
        raise InputError("the steady heating needs the absorbed pump power (absorbed_power_mw in [laser]), > 0")
    return float(power * surface_response(sample, [0.0])[0].real)


def observable(sample: Sample, mode: str, quantity: str, x: ArrayLike, *, rtol: float = 1e-6) -> NDArray[np.float64]:
    """The measured quantity the fits and sensitivities use.

    mode "tdtr": x are delays (s); quantity "ratio" (-V_in/V_out), "in_phase" or "out_of_phase" (K W^-1).
    mode "fdtr": x are modulation frequencies (Hz); quantity "phase" (degrees) or "amplitude" (K W^-1).
    """
    if mode not in OBSERVABLES:
        raise InputError(f"mode must be one of {', '.join(OBSERVABLES)}, got {mode!r}")
    if quantity not in OBSERVABLES[mode]:
        raise InputError(f"{mode} quantity must be one of {', '.join(OBSERVABLES[mode])}, got {quantity!r}")
    if mode == "tdtr":
        signal = tdtr_signal(sample, x, rtol=rtol)
        return np.array(
            {"ratio": signal.ratio, "in_phase": signal.in_phase, "out_of_phase": signal.out_of_phase}[quantity]
        )
    fsig = fdtr_signal(sample, x, rtol=rtol)
    return np.array(fsig.phase_deg if quantity == "phase" else fsig.amplitude)
