r"""A stack of layers and interfaces in series: temperature profile, resistance budget, Kapitza lengths.

Physics
-------
Heat flows one-dimensionally with a flux q (W m^-2) from the first layer (top, x = 0) towards the
last, whose far face is held at the sink temperature T_sink.  In a layer Fourier's law
q = -kappa(T) dT/dx holds with the temperature-dependent conductivity kappa(T); with the Kirchhoff
transform Theta(T) = \int kappa dT the drop across a layer of thickness d obeys
Theta(T_top) - Theta(T_bottom) = q d, which for constant kappa is the familiar q d / kappa.  The
profile inside a layer is integrated as the ODE dT/dx = -q / kappa(T) from its bottom face up.

At an interface the temperature jumps by Delta T = q R(T_i) (Kapitza 1941; Swartz & Pohl, Rev. Mod.
Phys. 61, 605 (1989)), with R evaluated at the interface's mean temperature
T_i = (T_upper + T_lower)/2.  Because T_i depends on the jump, the jump is solved (Brent's method) so
that Delta T = q R((T_lower + Delta T/2)) holds exactly: R(T) and kappa(T) are self-consistent even
when the drop is large (a cryogenic stack, a hot spot).  ``self_consistent=False`` evaluates every
kappa and R at T_sink instead: the linear (constant-property) estimate.

Where a metal layer (one with electron data, :func:`kapitza.prediction.is_metal`) meets a non-metal
across a model-predicted interface, R includes the electron-phonon series resistance
(Majumdar & Reddy, Appl. Phys. Lett. 84, 4768 (2004)), and the result carries the electron and phonon
temperature profiles T_e(x), T_p(x) in the metal near that interface (the two-temperature model of
:mod:`kapitza.prediction.interface`), which meet the Fourier profile far from it.

Budget: each layer's resistance d/kappa_eff = Delta T_layer / q and each interface's R; their shares of
the total.  The Kapitza length of an interface is kappa * R for each neighbouring layer (the thickness
of that layer with the same resistance).  Interfaces dominate the stack when the layers are thinner
than ``crossover_scale`` times their present thickness: crossover_scale = sum R / sum(d/kappa)
(all layers scaled together; > 1 means the interfaces already dominate).

Units: thickness and positions m, temperature K, heat flux W m^-2, resistance m^2 K W^-1,
conductivity W m^-1 K^-1.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from .. import _checks
from ..errors import ConvergenceError, InputError
from ..io.results import result
from ..materials import Material, get_material
from .sources import (
    ConductivitySource,
    PredictedResistance,
    ResistanceSource,
    conductivity_source,
    resistance_source,
)

__all__ = [
    "Layer",
    "MetalSide",
    "Stack",
    "StackResult",
    "make_stack",
    "solve_stack",
    "stack_resistance",
]

#: Points per layer in the profile (the ends included).
DEFAULT_POINTS = 41
#: Largest number of layers.  The largest layered samples measured are superlattices of a few hundred periods
#: (Ravichandran et al., Nat. Mater. 13, 168 (2014): up to 300 SrTiO3/CaTiO3 layers); beyond that the
#: periodic model ``kapitza device superlattice`` takes N periods analytically.  Each layer and interface is
#: solved in turn (one kappa(T) integration, one root of R(T) for a model interface: ~40 ms per DMM interface
#: on one core), so 1,000 layers stay within about a minute with a progress bar.
MAX_LAYERS = 1_000


@result
class Layer:
    """One layer: a thickness and a conductivity source.

    Attributes
    ----------
    name : str
    thickness : float
        m, > 0.
    conductivity : ConductivitySource
        kappa(T) (a number or a material's table).
    material : Material or None
        The material, when the layer was given one (for model interfaces and metal detection).
    """

    name: str
    thickness: float
    conductivity: Any
    material: Material | None = None

    _summary_fields: ClassVar[tuple[str, ...]] = ("name", "thickness")

    def __post_init__(self) -> None:
        try:
            d = float(self.thickness)
        except (TypeError, ValueError):
            raise InputError(f"layer {self.name!r}: thickness must be a number (m), got {self.thickness!r}") from None
        _checks.length(d, f"layer {self.name!r}: thickness")
        object.__setattr__(self, "thickness", d)


@result
class Stack:
    """Layers in order from the heated face to the sink, and the interfaces between neighbours.

    Attributes
    ----------
    layers : tuple of Layer, length n >= 1
    interfaces : tuple of ResistanceSource, length n - 1
        ``interfaces[i]`` lies between ``layers[i]`` and ``layers[i + 1]``.
    """

    layers: tuple[Layer, ...]
    interfaces: tuple[Any, ...]

    _summary_fields: ClassVar[tuple[str, ...]] = ("layers",)

    def __post_init__(self) -> None:
        if len(self.layers) == 0:
            raise InputError("a stack needs at least one layer")
        if len(self.layers) > MAX_LAYERS:
            raise InputError(
                f"a stack has at most {MAX_LAYERS:,} layers, got {len(self.layers):,}; for many periods of the "
                "same layers use the periodic model (kapitza device superlattice)"
            )
        if len(self.interfaces) != len(self.layers) - 1:
            raise InputError(
                f"a stack of {len(self.layers)} layers has {len(self.layers) - 1} interfaces, "
                f"got {len(self.interfaces)} (give R = 0 for a perfect contact)"
            )

    @property
    def thickness(self) -> float:
        """Total thickness, m."""
        return float(sum(layer.thickness for layer in self.layers))


def _layer(spec: Layer | dict[str, Any], index: int) -> Layer:
    if isinstance(spec, Layer):
        return spec
    if not isinstance(spec, dict):
        raise InputError(f"layer {index + 1} must be a Layer or a mapping, got {type(spec).__name__}")
    unknown = set(spec) - {"name", "thickness", "conductivity", "material"}
    if unknown:
        raise InputError(f"layer {index + 1}: unknown keys {sorted(unknown)} (name, thickness, conductivity, material)")
    if "thickness" not in spec:
        raise InputError(f"layer {index + 1} needs a thickness (m)")
    material = spec.get("material")
    k = spec.get("conductivity")
    if material is None and k is None:
        raise InputError(f"layer {index + 1} needs a material or a conductivity (W m^-1 K^-1)")
    mat = get_material(material) if material is not None else None
    source: ConductivitySource = conductivity_source(k if k is not None else mat)
    name = str(spec.get("name") or (mat.name if mat is not None else f"layer {index + 1}"))
    return Layer(name=name, thickness=spec["thickness"], conductivity=source, material=mat)


def make_stack(layers: Sequence[Layer | dict[str, Any]], interfaces: Sequence[Any]) -> Stack:
    """Build a :class:`Stack` from layer mappings and interface resistance specs, validating everything.

    Parameters
    ----------
    layers : sequence of Layer or mapping
        Mappings with ``thickness`` (m) and ``material`` (name, file or Material; kappa(T) from the
        database) and/or ``conductivity`` (W m^-1 K^-1, or a material name); optional ``name``.
    interfaces : sequence
        One resistance spec per neighbouring pair (:func:`kapitza.devices.sources.resistance_source`):
        a number (m^2 K W^-1), "G=...", "dmm:A/B", a bare model name such as "dmm" (the two
        neighbouring layers' materials), "power:R0,T0,n", a result file.

    Raises
    ------
    InputError
        An empty stack, a wrong number of interfaces, a non-positive thickness or conductivity,
        an unknown material or model, a bare model name next to a layer without a material.
    """
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise InputError("layers must be a list of layers")
    built = tuple(_layer(spec, i) for i, spec in enumerate(layers))
    if len(built) == 0:
        raise InputError("a stack needs at least one layer")
    if isinstance(interfaces, (str, bytes)) or not isinstance(interfaces, Sequence):
        raise InputError("interfaces must be a list (one per neighbouring pair of layers)")
    if len(interfaces) != len(built) - 1:
        raise InputError(
            f"a stack of {len(built)} layers has {len(built) - 1} interfaces, got {len(interfaces)} "
            "(give R = 0 for a perfect contact)"
        )
    sources = []
    for i, spec in enumerate(interfaces):
        upper, lower = built[i], built[i + 1]
        sides = None
        if upper.material is not None and lower.material is not None:
            sides = (upper.material, lower.material)
        try:
            sources.append(resistance_source(spec, sides=sides))
        except InputError as exc:
            raise InputError(f"interface {i + 1} ({upper.name}/{lower.name}): {exc}") from None
    return Stack(layers=built, interfaces=tuple(sources))


@result
class MetalSide:
    """Electron and phonon temperatures in a metal layer next to a non-metal (two-temperature model).

    Attributes
    ----------
    interface : int
        Index of the interface (0-based).
    layer : int
        Index of the metal layer.
    position : ndarray, shape (n,)
        Positions in the stack, m (inside the metal layer, nearest the interface first).
    electron_temperature, phonon_temperature, fourier_temperature : ndarray, shape (n,)
        T_e, T_p and the far-field (one-temperature) line T_0 + q x/(kappa_e + kappa_p) that both meet, K.
        g, kappa_e and kappa_p are the room-temperature values of the metal's electron data
        (:mod:`kapitza.materials.electrons`), as in :func:`kapitza.prediction.electronic_parts`: far below
        300 K the cooling length and R_ep are estimates only.
    cooling_length : float
        Electron-phonon cooling length d, m.
    electron_phonon_resistance : float
        The series resistance 1/G_ep included in the interface's R, m^2 K W^-1.
    """

    interface: int
    layer: int
    position: NDArray[np.float64]
    electron_temperature: NDArray[np.float64]
    phonon_temperature: NDArray[np.float64]
    fourier_temperature: NDArray[np.float64]
    cooling_length: float
    electron_phonon_resistance: float

    _summary_fields: ClassVar[tuple[str, ...]] = ("interface", "layer", "cooling_length")


@result
class StackResult:
    """Steady temperature profile and resistance budget of a :class:`Stack`.

    Attributes
    ----------
    stack : Stack
        The inputs.
    heat_flux : float
        q, W m^-2, from the first layer towards the last.
    sink_temperature : float
        T at the far face of the last layer, K.
    self_consistent : bool
        kappa(T) and R(T) at the local temperatures (True) or all at T_sink (False).
    position, temperature : ndarray, shape (n,)
        The profile: x from the heated face (m) and T (K); each interface appears twice (both sides).
    layer_index : ndarray of int, shape (n,)
        The layer of each profile point.
    layer_drop : ndarray, shape (n_layers,)
        T_top - T_bottom of each layer, K.
    layer_resistance : ndarray, shape (n_layers,)
        Delta T_layer / q = d / kappa_eff, m^2 K W^-1.
    interface_position : ndarray, shape (n_interfaces,)
        m.
    interface_jump : ndarray, shape (n_interfaces,)
        T_upper - T_lower, K (= q R).
    interface_resistance : ndarray, shape (n_interfaces,)
        R at the interface's mean temperature, m^2 K W^-1.
    interface_temperature : ndarray, shape (n_interfaces,)
        Mean of the two sides, K.
    kapitza_length : ndarray, shape (n_interfaces, 2)
        kappa * R with kappa of the layer above and below, at the interface temperature, m.
    interface_labels : tuple of str
        Where each R came from.
    metal_sides : tuple of MetalSide
        Two-temperature profiles where a metal meets a non-metal across a predicted interface.
    """

    stack: Stack
    heat_flux: float
    sink_temperature: float
    self_consistent: bool
    position: NDArray[np.float64]
    temperature: NDArray[np.float64]
    layer_index: NDArray[np.int64]
    layer_drop: NDArray[np.float64]
    layer_resistance: NDArray[np.float64]
    interface_position: NDArray[np.float64]
    interface_jump: NDArray[np.float64]
    interface_resistance: NDArray[np.float64]
    interface_temperature: NDArray[np.float64]
    kapitza_length: NDArray[np.float64]
    interface_labels: tuple[str, ...]
    metal_sides: tuple[MetalSide, ...] = ()

    _summary_fields: ClassVar[tuple[str, ...]] = ("heat_flux", "sink_temperature", "top_temperature")

    @property
    def top_temperature(self) -> float:
        """T at the heated face, K."""
        return float(self.temperature[0])

    @property
    def total_drop(self) -> float:
        """T_top - T_sink, K."""
        return float(self.temperature[0] - self.sink_temperature)

    @property
    def total_resistance(self) -> float:
        """(T_top - T_sink) / q, m^2 K W^-1."""
        return self.total_drop / self.heat_flux

    @property
    def interface_share(self) -> float:
        """Fraction of the total drop taken by the interfaces."""
        return float(np.sum(self.interface_jump) / self.total_drop) if self.total_drop != 0 else 0.0

    @property
    def budget(self) -> tuple[tuple[str, float, float], ...]:
        """(term, resistance m^2 K W^-1, share of the total) for every layer and interface, in stack order."""
        rows = []
        total = self.total_resistance
        names = [layer.name for layer in self.stack.layers]
        for i, name in enumerate(names):
            rows.append((name, float(self.layer_resistance[i]), float(self.layer_resistance[i] / total)))
            if i < len(self.interface_resistance):
                r = float(self.interface_resistance[i])
                rows.append((f"{name}/{names[i + 1]}", r, r / total))
        return tuple(rows)

    @property
    def crossover_scale(self) -> float:
        """sum R / sum(d/kappa): layers thinner than this times their thickness are interface-dominated."""
        layers = float(np.sum(self.layer_resistance))
        return float(np.sum(self.interface_resistance) / layers) if layers > 0 else math.inf


def _validate_conditions(heat_flux: float, sink_temperature: float, points: int) -> tuple[float, float]:
    try:
        q = float(heat_flux)
        t = float(sink_temperature)
    except (TypeError, ValueError):
        raise InputError("heat_flux (W m^-2) and sink_temperature (K) must be numbers") from None
    if not math.isfinite(q) or q == 0:
        raise InputError(f"heat_flux must be finite and non-zero (W m^-2), got {q:g}")
    _checks.temperature(t, "sink_temperature")
    if not isinstance(points, (int, np.integer)) or isinstance(points, bool) or not 2 <= points <= 100_000:
        raise InputError(f"points_per_layer must be a whole number from 2 to 100000, got {points!r}")
    return q, t


def _below_zero(where: str, q: float) -> InputError:
    return InputError(
        f"heat flux {q:g} W m^-2 drives the temperature below 0 K {where}; "
        "the flux leaves through the sink, so a negative flux cools the stack below T_sink"
    )


def _layer_profile(
    layer: Layer, q: float, t_bottom: float, points: int, t_fixed: float | None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Temperatures at ``points`` depths from the layer's top (x = 0) to its bottom (x = d), given T(d)."""
    d = layer.thickness
    x = np.linspace(0.0, d, points)
    if t_fixed is not None or not layer.conductivity.temperature_dependent:
        k = layer.conductivity.at(t_fixed if t_fixed is not None else t_bottom)
        t = t_bottom + q * (d - x) / k
        if np.any(t <= 0):
            raise _below_zero(f"in layer {layer.name!r}", q)
        return x, t
    from scipy.integrate import solve_ivp

    def rate(_s: float, y: NDArray[np.float64]) -> NDArray[np.float64]:
        # s = d - x, the height above the bottom face: dT/ds = q / kappa(T)
        if y[0] <= 0:
            raise _below_zero(f"in layer {layer.name!r}", q)
        return np.array([q / layer.conductivity.at(float(y[0]))])

    solution = solve_ivp(rate, (0.0, d), [t_bottom], t_eval=(d - x)[::-1], rtol=1e-10, atol=1e-10 * t_bottom)
    if not solution.success:
        raise ConvergenceError(f"layer {layer.name!r}: the temperature profile did not integrate ({solution.message})")
    t = solution.y[0][::-1]
    if np.any(t <= 0):
        raise _below_zero(f"in layer {layer.name!r}", q)
    return x, t


def _jump(source: ResistanceSource, q: float, t_lower: float, t_fixed: float | None, label: str) -> float:
    """The upper-side temperature T_u with T_u - T_lower = q R((T_u + T_lower)/2)."""
    if t_fixed is not None:
        t_u = t_lower + q * source.at(t_fixed)
    elif not source.temperature_dependent:
        t_u = t_lower + q * source.at(t_lower)
    else:
        from scipy.optimize import brentq

        def mismatch(t_u: float) -> float:
            return t_u - t_lower - q * source.at(0.5 * (t_u + t_lower))

        step = q * source.at(t_lower)
        if step == 0:
            return t_lower
        if q > 0:
            low, high = t_lower, t_lower + step
            for _ in range(200):
                if mismatch(high) >= 0:
                    break
                low, high = high, t_lower + 2.0 * (high - t_lower)
            else:
                raise ConvergenceError(f"interface {label}: no steady jump (R grows with T faster than q R can follow)")
        else:
            high = t_lower
            low = max(t_lower + step, 0.5 * t_lower)
            for _ in range(200):
                if mismatch(low) <= 0:
                    break
                if low < 1e-9 * t_lower:
                    raise _below_zero(f"at interface {label}", q)
                low = 0.5 * low
            else:
                raise _below_zero(f"at interface {label}", q)
        t_u = brentq(mismatch, low, high, xtol=1e-12 * t_lower, rtol=1e-12)
    if t_u <= 0:
        raise _below_zero(f"at interface {label}", q)
    return float(t_u)


def _metal_side(
    stack: Stack, index: int, q: float, position: float, t_upper: float, t_lower: float, points: int
) -> MetalSide | None:
    source = stack.interfaces[index]
    if not isinstance(source, PredictedResistance):
        return None
    r_ep = source.electron_phonon_resistance()
    if r_ep <= 0:
        return None
    from ..prediction import electronic_parts, is_metal

    upper = stack.layers[index]
    metal_above = upper.material is not None and is_metal(upper.material)
    metal_layer = index if metal_above else index + 1
    parts = electronic_parts(source.side1, source.side2, [300.0])
    depth_max = min(stack.layers[metal_layer].thickness, 8.0 * _cooling_length(parts))
    depth = np.linspace(0.0, depth_max, max(points, 41))
    # q flows from the upper layer to the lower: towards the interface in a metal above it, away below it
    q_metal = q if metal_above else -q
    t0 = t_upper if metal_above else t_lower
    profile = parts.profile(depth, q_metal, reference_temperature=t0)
    return MetalSide(
        interface=index,
        layer=metal_layer,
        position=position - depth if metal_above else position + depth,
        electron_temperature=profile.electron_temperature,
        phonon_temperature=profile.phonon_temperature,
        fourier_temperature=profile.far_field_temperature,
        cooling_length=float(profile.cooling_length),
        electron_phonon_resistance=r_ep,
    )


def _cooling_length(parts: Any) -> float:
    kp, ke, g = parts.kappa_phonon, parts.kappa_electron, parts.coupling
    return math.sqrt(ke * kp / (g * (ke + kp)))


def solve_stack(
    stack: Stack,
    heat_flux: float,
    sink_temperature: float,
    *,
    self_consistent: bool = True,
    points_per_layer: int = DEFAULT_POINTS,
    progress: Callable[[str, int, int], None] | None = None,
) -> StackResult:
    """Steady temperature profile through ``stack`` for a heat flux q, with the last face at T_sink.

    Parameters
    ----------
    stack : Stack
        From :func:`make_stack`.
    heat_flux : float
        q in W m^-2 (non-zero), from the first layer towards the last (negative: the other way).
    sink_temperature : float
        K (> 0), at the far face of the last layer.
    self_consistent : bool
        True: kappa(T) and R(T) at the local temperatures (R at each interface's mean temperature).
        False: every kappa and R at T_sink (the linear estimate).
    points_per_layer : int
        Profile points per layer, ends included.
    progress : callable, optional
        ``progress(stage, done, total)`` after every layer solved (for a progress bar).

    Returns
    -------
    StackResult

    Raises
    ------
    InputError
        Zero or non-finite flux, a non-positive sink temperature, a flux that drives a temperature
        below 0 K, a temperature outside a kappa(T) or R(T) table.
    """
    if not isinstance(stack, Stack):
        raise InputError(f"stack must be a Stack (from make_stack), got {type(stack).__name__}")
    q, t_sink = _validate_conditions(heat_flux, sink_temperature, points_per_layer)
    fixed = None if self_consistent else t_sink
    n = len(stack.layers)
    tops = np.concatenate([[0.0], np.cumsum([layer.thickness for layer in stack.layers])])
    pieces_x: list[NDArray[np.float64]] = [np.empty(0)] * n
    pieces_t: list[NDArray[np.float64]] = [np.empty(0)] * n
    drops = np.zeros(n)
    jumps = np.zeros(n - 1)
    r_used = np.zeros(n - 1)
    t_mid = np.zeros(n - 1)
    lengths = np.zeros((n - 1, 2))
    t_bottom = t_sink
    for i in range(n - 1, -1, -1):
        layer = stack.layers[i]
        x, t = _layer_profile(layer, q, t_bottom, points_per_layer, fixed)
        pieces_x[i], pieces_t[i] = tops[i] + x, t
        drops[i] = t[0] - t[-1]
        if i > 0:
            source = stack.interfaces[i - 1]
            label = f"{i} ({stack.layers[i - 1].name}/{layer.name})"
            t_upper = _jump(source, q, float(t[0]), fixed, label)
            jumps[i - 1] = t_upper - t[0]
            t_mid[i - 1] = 0.5 * (t_upper + t[0])
            r_used[i - 1] = jumps[i - 1] / q
            k_at = fixed if fixed is not None else t_mid[i - 1]
            lengths[i - 1] = (
                stack.layers[i - 1].conductivity.at(k_at) * r_used[i - 1],
                layer.conductivity.at(k_at) * r_used[i - 1],
            )
            t_bottom = t_upper
        if progress is not None:
            progress("layers", n - i, n)
    metals = []
    for i in range(n - 1):
        side = _metal_side(
            stack, i, q, float(tops[i + 1]), float(pieces_t[i][-1]), float(pieces_t[i + 1][0]), points_per_layer
        )
        if side is not None:
            metals.append(side)
    return StackResult(
        stack=stack,
        heat_flux=q,
        sink_temperature=t_sink,
        self_consistent=bool(self_consistent),
        position=np.concatenate(pieces_x),
        temperature=np.concatenate(pieces_t),
        layer_index=np.concatenate([np.full(len(p), i) for i, p in enumerate(pieces_x)]),
        layer_drop=drops,
        layer_resistance=drops / q,
        interface_position=tops[1:-1].copy(),
        interface_jump=jumps,
        interface_resistance=r_used,
        interface_temperature=t_mid,
        kapitza_length=lengths,
        interface_labels=tuple(s.label for s in stack.interfaces),
        metal_sides=tuple(metals),
    )


def stack_resistance(stack: Stack, temperature: float) -> float:
    """Linear total resistance sum d/kappa(T) + sum R(T) with every property at ``temperature`` (m^2 K W^-1)."""
    if not isinstance(stack, Stack):
        raise InputError(f"stack must be a Stack (from make_stack), got {type(stack).__name__}")
    t = float(temperature)
    if not math.isfinite(t) or t <= 0:
        raise InputError(f"temperature must be finite and > 0 K, got {t:g}")
    layers = sum(layer.thickness / layer.conductivity.at(t) for layer in stack.layers)
    return float(layers + sum(source.at(t) for source in stack.interfaces))
