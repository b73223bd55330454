r"""Hot-spot spreading: steady conduction under a heat source of finite width on a layered structure.

The transistor hot spot of seed 000 (figure 1): a gate dissipates in a strip about a micrometre wide on top
of a thin epitaxial layer (GaN) on a thick substrate (SiC); the heat spreads laterally on its way down, and
the boundary resistance between the layers adds a temperature jump exactly where the flux is most
concentrated.  This module solves that problem with the finite-element library scikit-fem (the ``devices``
extra) and compares it with the one-dimensional stack estimate.

Physics
-------
Steady Fourier conduction, no internal sources, in N layers stacked in depth z (top surface z = 0, layer i
between z_{i-1} and z_i, thickness d_i), each with a cross-plane conductivity k_z,i and an in-plane
conductivity k_r,i = a_i k_z,i (``anisotropy`` a_i, 1 for an isotropic layer)::

    d/dx (k_r dT/dx) + d/dz (k_z dT/dz) = 0                     (planar, per unit length along y)
    (1/r) d/dr (r k_r dT/dr) + d/dz (k_z dT/dz) = 0             (axisymmetric)

Boundary conditions: a uniform heat flux q (W m^-2) into the top surface over the source (|x| < w/2, a strip of
width w; or r < w/2, a disc of diameter w), adiabatic elsewhere on the top and on the side walls
(|x| = W/2 or r = W/2, W the lateral domain width), and the sink at the fixed temperature T_sink on the bottom
of the last layer.  At the interface j between layers j and j+1 the temperature jumps and the normal flux is
continuous (the Kapitza condition)::

    T_j(z_j^-) - T_{j+1}(z_j^+) = R_j q_z(z_j),     q_z = -k_z dT/dz the same on both sides.

Discretisation (exact jump, no thin-layer approximation): each layer has its own tensor-product mesh of
bilinear quadrilaterals (``MeshQuad``, ``ElementQuad1``), graded geometrically towards the source edge, the
top surface and the interfaces.  The meshes share their lateral node positions, so the nodes on the two faces
of an interface match one to one; the interface term of the weak form,
(1/R_j) \int_Gamma (T_j - T_{j+1})(v_j - v_{j+1}) dGamma (with the weight r in the axisymmetric case), is
assembled with the facet mass matrix of the upper layer's bottom face and couples the duplicated nodes.  An
interface with R = 0 is treated exactly by merging its nodes (a constraint, not a penalty).  The
axisymmetric weak form integrates r k grad T . grad v.  By symmetry only x >= 0 is meshed; powers are
reported for the whole source.

Mesh error: the problem is solved again on a mesh twice as coarse (``resolution // 2``); for bilinear
elements the error falls as h^2, so the error of the fine peak is estimated as |dT_fine - dT_coarse| / 3
(Richardson), reported as ``peak_error_estimate``.

Temperature-dependent properties: kappa(T) (a material name) and R(T) (a model, ``power:...`` or a file) are
first evaluated at the sink temperature; with ``iterations >= 1`` (default 1) and any temperature-dependent
source the problem is solved again with each interface's R at the flux-weighted mean temperature of that
interface (sum q_i T_i / sum q_i over its nodes) and each layer's kappa at its dissipation-weighted mean
temperature (\int T k|grad T|^2 / \int k|grad T|^2).  The temperatures used are in the result.  This is a
fixed-point (Picard) step, not a fully non-linear k(T(x)) solution.

The 1D estimate is the series stack with the source flux over its whole area:
dT_1D = q (sum_i d_i / k_z,i + sum_j R_j); the spreading ratio is peak dT / dT_1D (1 for a source as wide as
the domain, < 1 when the heat spreads).

Reference checks (tests/devices/test_hotspot.py): a source as wide as the domain gives dT_1D; R = 0 equals
one merged conductor; for R -> infinity the top layer is isothermal and the heat crosses the interface
uniformly, so the axis jump tends to R P / W (planar); a uniform-flux disc of radius a on a half space has the
centre rise q a / k (Carslaw & Jaeger, Conduction of Heat in Solids, 2nd ed. 1959, section 10.5, eq. (6) at
r = 0); the power into the sink equals the power of the source.

Worked example (examples/devices/hotspot_gan_sic.py): a GaN-on-SiC HEMT gate, GaN 2 um (k ~ 160 W/m/K) on
4H-SiC 100 um (k ~ 370 W/m/K), a 1 um gate dissipating 5 W/mm, GaN/SiC boundary resistance 1e-8 to 5e-8
m^2 K/W; Sarua et al., IEEE Trans. Electron Devices 54, 3152 (2007) inferred an effective GaN/SiC TBR of order
3e-8 m^2 K/W from Raman thermography of AlGaN/GaN HEMTs (see also Riedel et al., IEEE Electron Device Lett. 30,
103 (2009)).

Validity: steady state, Fourier conduction in each layer (layers much thicker than the phonon mean free path;
for nanometre layers use an effective k), a uniform-flux source (a real gate also has a non-uniform Joule
profile), adiabatic top and sides.  Units: SI throughout (m, K, W m^-2, W m^-1 or W, m^2 K W^-1).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from .. import _checks
from ..errors import InputError, optional_module
from ..io.results import result
from ..prediction.settings import MAX_TEMPERATURE
from .sources import ConductivitySource, ResistanceSource, conductivity_source, resistance_source

__all__ = [
    "HotspotLayer",
    "HotspotResult",
    "HotspotSweep",
    "hotspot",
    "hotspot_sweep",
]

GEOMETRIES = ("planar", "axisymmetric")
#: Default cap on the number of mesh nodes (about 1 kB of sparse-matrix memory each, a second per 10^5).
MAX_NODES = 300_000


@dataclass(frozen=True)
class HotspotLayer:
    """One layer of the structure.

    Attributes
    ----------
    thickness : float
        d, m (> 0).
    conductivity : float, str or ConductivitySource
        Cross-plane conductivity k_z: a number (W m^-1 K^-1) or a material name (kappa(T) from the database).
    anisotropy : float
        k_r / k_z, the in-plane over the cross-plane conductivity (> 0; 1 for an isotropic layer).
    label : str
        Name shown in tables and figures ('' -> the conductivity source's label).
    """

    thickness: float
    conductivity: Any
    anisotropy: float = 1.0
    label: str = ""


@dataclass(frozen=True)
class _Layer:
    thickness: float
    source: ConductivitySource
    anisotropy: float
    label: str


def _layer(spec: Any, index: int) -> _Layer:
    where = f"layers[{index}]"
    if isinstance(spec, Mapping):
        spec = HotspotLayer(
            thickness=spec.get("thickness", math.nan),
            conductivity=spec.get("conductivity"),
            anisotropy=spec.get("anisotropy", 1.0),
            label=str(spec.get("label", "")),
        )
    elif isinstance(spec, tuple) and len(spec) in (2, 3):
        spec = HotspotLayer(spec[1], spec[0], *(spec[2:]))
    elif not (hasattr(spec, "thickness") and hasattr(spec, "conductivity")):
        raise InputError(
            f"{where} must be a HotspotLayer, a (conductivity, thickness_m) pair or a mapping, got {spec!r}"
        )
    thickness = _checks.length(spec.thickness, f"{where} thickness")
    anisotropy = _checks.number(getattr(spec, "anisotropy", 1.0), f"{where} anisotropy", "")
    if anisotropy <= 0:
        raise InputError(f"{where} anisotropy (k_r/k_z) must be > 0, got {anisotropy:g}")
    source = conductivity_source(spec.conductivity)
    label = str(getattr(spec, "label", "") or getattr(source, "label", "") or f"layer {index + 1}")
    return _Layer(thickness, source, anisotropy, label)


def _kappa(source: ConductivitySource, temperature: float, label: str) -> float:
    k = float(source.at(temperature))
    if not math.isfinite(k) or k <= 0:
        raise InputError(f"the conductivity of {label} at {temperature:g} K must be finite and > 0, got {k:g}")
    return k


def _resistance(source: ResistanceSource, temperature: float, index: int) -> float:
    r = float(source.at(temperature))
    if not math.isfinite(r) or r < 0:
        raise InputError(f"interface {index + 1} resistance at {temperature:g} K must be >= 0, got {r:g}")
    return r


@result
class HotspotResult:
    """Steady temperature field of a heat source on a layered structure (see the module docstring).

    Attributes
    ----------
    geometry : str
        'planar' (a strip, per unit length) or 'axisymmetric' (a disc).
    x : ndarray (nx,)
        Lateral node positions from the axis (x or r), m.
    z : ndarray (nz,)
        Node depths below the top surface, m; an interface depth appears twice (upper face, lower face).
    temperature : ndarray (nz, nx)
        T at the nodes, K.
    layer_index : ndarray (nz,)
        Layer of each row of ``temperature``.
    peak_temperature_rise : float
        max T - T_sink, K (on the axis at the top).
    stack_1d_rise : float
        q (sum d/k_z + sum R), K: the 1D series estimate with the source flux.
    spreading_ratio : float
        peak_temperature_rise / stack_1d_rise.
    interface_depths, interface_resistances, interface_jumps, interface_temperatures : ndarray (N-1,)
        Depth (m), R used (m^2 K W^-1), temperature jump on the axis (K) and the temperature at which R was
        evaluated (K), per interface.
    layer_thicknesses, layer_conductivities, layer_anisotropy, layer_temperatures : ndarray (N,)
        d (m), k_z used (W m^-1 K^-1), k_r/k_z, and the temperature at which k was evaluated (K).
    layer_labels, interface_labels : tuple of str
        The inputs as given (material names, resistance sources).
    source_width, domain_width : float
        w (strip width or disc diameter) and W (domain width or diameter), m.
    heat_flux : float
        q over the source, W m^-2.
    power, sink_power : float
        Power of the source and heat leaving through the sink (W m^-1 planar, W axisymmetric).
    sink_temperature : float
        K.
    resolution, n_nodes : int
        Elements across the source half-width at its edge; nodes of the mesh.
    peak_error_estimate : float
        ``|dT(resolution) - dT(resolution // 2)|`` / 3, K (Richardson, h^2 convergence).
    iterations : int
        Property re-evaluations done (0 when every source is temperature independent).
    """

    geometry: str
    x: NDArray[np.float64]
    z: NDArray[np.float64]
    temperature: NDArray[np.float64]
    layer_index: NDArray[np.int64]
    peak_temperature_rise: float
    stack_1d_rise: float
    spreading_ratio: float
    interface_depths: NDArray[np.float64]
    interface_resistances: NDArray[np.float64]
    interface_jumps: NDArray[np.float64]
    interface_temperatures: NDArray[np.float64]
    layer_thicknesses: NDArray[np.float64]
    layer_conductivities: NDArray[np.float64]
    layer_anisotropy: NDArray[np.float64]
    layer_temperatures: NDArray[np.float64]
    layer_labels: tuple[str, ...]
    interface_labels: tuple[str, ...]
    source_width: float
    domain_width: float
    heat_flux: float
    power: float
    sink_power: float
    sink_temperature: float
    resolution: int
    n_nodes: int
    peak_error_estimate: float
    iterations: int

    _summary_fields: ClassVar[tuple[str, ...]] = (
        "geometry",
        "peak_temperature_rise",
        "stack_1d_rise",
        "spreading_ratio",
        "peak_error_estimate",
        "n_nodes",
    )

    @property
    def power_unit(self) -> str:
        """'W/m' (planar, per unit source length) or 'W' (axisymmetric)."""
        return "W/m" if self.geometry == "planar" else "W"


@result
class HotspotSweep:
    """Peak temperature rise against one parameter (an interface resistance or the source width).

    Attributes
    ----------
    parameter : str
        'resistance' (of interface ``interface + 1``) or 'source_width'.
    values : ndarray (n,)
        The swept values (m^2 K W^-1 or m).
    peak_temperature_rise, stack_1d_rise, spreading_ratio, peak_error_estimate : ndarray (n,)
        As in :class:`HotspotResult`, per value (K, K, -, K).
    interface : int
        Index of the swept interface (0 = between layers 1 and 2), -1 for a width sweep.
    results : tuple of HotspotResult
        The full solutions.
    """

    parameter: str
    values: NDArray[np.float64]
    peak_temperature_rise: NDArray[np.float64]
    stack_1d_rise: NDArray[np.float64]
    spreading_ratio: NDArray[np.float64]
    peak_error_estimate: NDArray[np.float64]
    interface: int
    results: tuple[HotspotResult, ...]

    _summary_fields: ClassVar[tuple[str, ...]] = ("parameter", "values", "peak_temperature_rise", "spreading_ratio")


# ------------------------------------------------------------------------------------------------------------ mesh
def _graded(length: float, h_start: float, h_end: float, growth: float, h_max: float) -> NDArray[np.float64]:
    """Nodes from 0 to ``length``: sizes h_start at 0 and h_end at the end, growing by ``growth`` up to h_max."""
    h_start, h_end = min(h_start, h_max), min(h_end, h_max)
    left: list[float] = []
    right: list[float] = []
    hl, hr, total = h_start, h_end, 0.0
    while total < length:
        if hl <= hr:
            left.append(hl)
            total += hl
            hl = min(hl * growth, h_max)
        else:
            right.append(hr)
            total += hr
            hr = min(hr * growth, h_max)
    sizes = np.array(left + right[::-1])
    if sizes.size < 2:
        sizes = np.array([0.5, 0.5])
    sizes *= length / sizes.sum()
    return np.concatenate(([0.0], np.cumsum(sizes)))


def _grids(
    layers: Sequence[_Layer], half_source: float, half_domain: float, resolution: int, growth: float
) -> tuple[NDArray[np.float64], list[NDArray[np.float64]]]:
    h_edge = half_source / resolution
    xs = _graded(half_source, min(4 * h_edge, half_source / 4), h_edge, growth, half_source / 4)
    if half_domain > half_source * (1 + 1e-12):
        rest = half_domain - half_source
        outer = _graded(rest, h_edge, rest, growth, max(rest / 20, h_edge))
        xs = np.concatenate((xs, half_source + outer[1:]))
    xs[-1] = half_domain
    zs = []
    for i, layer in enumerate(layers):
        d = layer.thickness
        h = min(half_source, d) / resolution
        last = i == len(layers) - 1
        zs.append(_graded(d, d / 8 if last else h, h, growth, d / 8))  # height above the layer bottom
    return xs, zs


def _import_skfem() -> Any:
    return optional_module("skfem", "devices", "the hotspot finite-element model", "scikit-fem")


# ------------------------------------------------------------------------------------------------------- solving
def _solve(
    layers: Sequence[_Layer],
    kz: Sequence[float],
    resistances: Sequence[float],
    *,
    geometry: str,
    half_source: float,
    half_domain: float,
    flux: float,
    sink: float,
    resolution: int,
    growth: float,
) -> dict[str, Any]:
    skfem = _import_skfem()
    import scipy.sparse as sp

    xs, zs = _grids(layers, half_source, half_domain, resolution, growth)
    axisym = geometry == "axisymmetric"
    elem = skfem.ElementQuad1()
    blocks, loads, bases, masses, offsets = [], [], [], [], [0]
    depth = 0.0
    bottoms, tops, grids = [], [], []
    nx = xs.size
    for i, layer in enumerate(layers):
        # y = -depth, the layer spans [-(depth + d), -depth]; nodes of init_tensor are x-fastest
        ys = -(depth + layer.thickness) + zs[i]
        mesh = skfem.MeshQuad.init_tensor(xs, ys)
        basis = skfem.Basis(mesh, elem, intorder=3)
        kr_i, kz_i = layer.anisotropy * kz[i], kz[i]

        @skfem.BilinearForm
        def stiffness(u: Any, v: Any, w: Any, kr_i: float = kr_i, kz_i: float = kz_i) -> Any:
            form = kr_i * u.grad[0] * v.grad[0] + kz_i * u.grad[1] * v.grad[1]
            return form * w.x[0] if axisym else form

        @skfem.BilinearForm
        def mass(u: Any, v: Any, w: Any) -> Any:
            return u * v * w.x[0] if axisym else u * v

        blocks.append(stiffness.assemble(basis))
        load = np.zeros(mesh.p.shape[1])
        if i == 0:
            tol = 1e-9 * layer.thickness
            top_facets = mesh.facets_satisfying(
                lambda p, tol=tol: (p[1] > -tol) & (p[0] < half_source * (1 + 1e-12)), boundaries_only=True
            )
            fb = skfem.FacetBasis(mesh, elem, facets=top_facets, intorder=3)

            @skfem.LinearForm
            def source(v: Any, w: Any) -> Any:
                return flux * v * w.x[0] if axisym else flux * v

            load = source.assemble(fb)
        loads.append(load)
        bottom_y = ys[0] + 1e-9 * layer.thickness
        bottom_facets = mesh.facets_satisfying(lambda p, y=bottom_y: p[1] < y, boundaries_only=True)
        masses.append(mass.assemble(skfem.FacetBasis(mesh, elem, facets=bottom_facets, intorder=3)))
        bases.append(basis)
        # vertex of grid point (iy, ix), whatever order init_tensor numbers them in
        ny = ys.size
        ix = np.clip(np.searchsorted(xs, mesh.p[0], side="left"), 0, nx - 1)
        ix -= (ix > 0) & (np.abs(xs[ix - 1] - mesh.p[0]) < np.abs(xs[ix] - mesh.p[0]))
        iy = np.clip(np.searchsorted(ys, mesh.p[1], side="left"), 0, ny - 1)
        iy -= (iy > 0) & (np.abs(ys[iy - 1] - mesh.p[1]) < np.abs(ys[iy] - mesh.p[1]))
        grid = np.empty((ny, nx), dtype=np.int64)
        grid[iy, ix] = np.arange(mesh.p.shape[1])
        grids.append(grid)
        bottom = grid[0]
        top = grid[-1]
        bottoms.append(bottom)
        tops.append(top)
        offsets.append(offsets[-1] + mesh.p.shape[1])
        depth += layer.thickness
    n = offsets[-1]
    a_full = sp.block_diag(blocks, format="lil").tocsr()
    b_full = np.concatenate(loads)
    coupling_rows, coupling_cols, coupling_vals = [], [], []
    rep = np.arange(n)
    for j, r in enumerate(resistances):
        ia = offsets[j] + bottoms[j]
        ib = offsets[j + 1] + tops[j + 1]
        if r == 0.0:
            rep[ib] = rep[ia]
            continue
        m = masses[j][bottoms[j]][:, bottoms[j]].tocoo()
        for ri, ci, sign in ((ia, ia, 1.0), (ib, ib, 1.0), (ia, ib, -1.0), (ib, ia, -1.0)):
            coupling_rows.append(ri[m.row])
            coupling_cols.append(ci[m.col])
            coupling_vals.append(sign * m.data / r)
    if coupling_rows:
        a_full = a_full + sp.csr_matrix(
            (np.concatenate(coupling_vals), (np.concatenate(coupling_rows), np.concatenate(coupling_cols))),
            shape=(n, n),
        )
    unique, reduced_of = np.unique(rep, return_inverse=True)
    p = sp.csr_matrix((np.ones(n), (np.arange(n), reduced_of)), shape=(n, unique.size))
    a = (p.T @ a_full @ p).tocsr()
    b = p.T @ b_full
    dirichlet = np.unique(reduced_of[offsets[-2] + bottoms[-1]])
    u0 = np.zeros(unique.size)
    u0[dirichlet] = sink
    u = skfem.solve(*skfem.condense(a, b, x=u0, D=dirichlet))
    reaction = a[dirichlet] @ u - b[dirichlet]
    t_full = p @ u
    symmetry = 2 * math.pi if axisym else 2.0
    sink_power = -float(np.sum(reaction)) * symmetry

    temps = [t_full[offsets[i] : offsets[i + 1]][grids[i]] for i in range(len(layers))]
    # rows in depth order (top first): each layer's rows reversed (mesh y increases upwards)
    rows, depths, idx = [], [], []
    depth = 0.0
    for i, layer in enumerate(layers):
        order = np.argsort(-(zs[i]))
        rows.append(temps[i][order])
        depths.append(depth + layer.thickness - zs[i][order])
        idx.append(np.full(zs[i].size, i))
        depth += layer.thickness
    # interface quantities
    jumps, t_interface = [], []
    for j in range(len(resistances)):
        ta = t_full[offsets[j] + bottoms[j]]
        tb = t_full[offsets[j + 1] + tops[j + 1]]
        jumps.append(float(ta[0] - tb[0]))
        nodal = masses[j][bottoms[j]][:, bottoms[j]] @ (ta - tb)
        weight = float(np.sum(nodal))
        t_interface.append(float(np.sum(nodal * 0.5 * (ta + tb)) / weight) if weight > 0 else float(ta[0]))
    t_layer = []
    for i, basis in enumerate(bases):
        field = basis.interpolate(t_full[offsets[i] : offsets[i + 1]])
        kr_i = layers[i].anisotropy * kz[i]
        g2 = kr_i * field.grad[0] ** 2 + kz[i] * field.grad[1] ** 2
        dx = basis.dx * (np.asarray(basis.global_coordinates()[0]) if axisym else 1.0)
        wsum = float(np.sum(g2 * dx))
        t_layer.append(float(np.sum(np.asarray(field) * g2 * dx) / wsum) if wsum > 0 else sink)
    return {
        "x": xs,
        "z": np.concatenate(depths),
        "temperature": np.vstack(rows),
        "layer_index": np.concatenate(idx),
        "peak": float(np.max(t_full)) - sink,
        "jumps": np.array(jumps),
        "t_interface": np.array(t_interface),
        "t_layer": np.array(t_layer),
        "sink_power": sink_power,
        "n_nodes": int(unique.size),
    }


def _mesh_nodes(layers: Sequence[_Layer], half_source: float, half_domain: float, resolution: int, g: float) -> int:
    xs, zs = _grids(layers, half_source, half_domain, resolution, g)
    return int(xs.size * sum(z.size for z in zs))


def hotspot(
    layers: Sequence[Any],
    resistances: Sequence[Any] = (),
    *,
    source_width: float,
    power: float | None = None,
    heat_flux: float | None = None,
    geometry: str = "planar",
    domain_width: float | None = None,
    sink_temperature: float = 300.0,
    resolution: int = 12,
    growth: float = 1.2,
    iterations: int = 1,
    error_estimate: bool = True,
    max_nodes: int = MAX_NODES,
) -> HotspotResult:
    """Steady temperature field under a heat source of finite width on a layered structure (module docstring).

    Parameters
    ----------
    layers : sequence of HotspotLayer, ``(conductivity, thickness_m)`` pairs or mappings
        Top to bottom; the sink is at the bottom of the last.  Conductivity: W m^-1 K^-1 or a material name.
    resistances : sequence of float, str or ResistanceSource, length len(layers) - 1
        Interface resistances, top to bottom: m^2 K W^-1, 'G=...', 'dmm:GaN/SiC', 'power:R0,T0,n', a file.
    source_width : float
        w, m: the strip width (planar) or the disc diameter (axisymmetric); 0 < w <= domain_width.
    power : float, optional
        Source power: W m^-1 (planar, per unit length) or W (axisymmetric).  Give this or ``heat_flux``.
    heat_flux : float, optional
        q over the source, W m^-2 (> 0).
    geometry : {'planar', 'axisymmetric'}
    domain_width : float, optional
        W, m: the lateral domain width (planar) or diameter (axisymmetric), adiabatic side walls.  Default
        max(4 x total thickness, 20 w).
    sink_temperature : float
        T of the bottom face, K (> 0).
    resolution : int
        Elements across the source half-width at its edge (and across min(w/2, d) at each interface), 2..400.
    growth : float
        Geometric growth of element sizes away from the refined places (1 < growth <= 2).
    iterations : int
        Re-evaluations of temperature-dependent kappa and R at the computed temperatures (0..10).
    error_estimate : bool
        Also solve on a mesh twice as coarse for ``peak_error_estimate`` (NaN when False).
    max_nodes : int
        Refuse meshes with more nodes (memory and time); raise it to allow them.

    Returns
    -------
    HotspotResult

    Raises
    ------
    InputError
        Empty stack, wrong number of resistances, non-positive thickness/conductivity/width/power, a source
        wider than the domain, a mesh above ``max_nodes``, an unknown material or resistance.
    MissingDependencyError
        scikit-fem is not installed (``pip install 'kapitza[devices]'``).
    """
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence) or len(layers) == 0:
        raise InputError("layers= must be a non-empty list of layers (top first)")
    parsed = [_layer(spec, i) for i, spec in enumerate(layers)]
    if isinstance(resistances, (str, bytes)) or not isinstance(resistances, Sequence):
        raise InputError("resistances= must be a list with one resistance per interface")
    if len(resistances) != len(parsed) - 1:
        raise InputError(
            f"{len(parsed)} layers have {len(parsed) - 1} interfaces, but resistances= has {len(resistances)} values"
        )
    sources = [resistance_source(r) for r in resistances]
    if geometry not in GEOMETRIES:
        raise InputError(f"geometry= must be one of {', '.join(GEOMETRIES)}, got {geometry!r}")
    w = _checks.length(source_width, "source_width=")
    total = sum(layer.thickness for layer in parsed)
    big_w = max(4 * total, 20 * w) if domain_width is None else _checks.length(domain_width, "domain_width=")
    if w > big_w * (1 + 1e-12):
        raise InputError(f"source_width= ({w:g} m) must not exceed domain_width= ({big_w:g} m)")
    w = min(w, big_w)
    t_sink = _checks.temperature(sink_temperature, "sink_temperature=")
    if (power is None) == (heat_flux is None):
        raise InputError("give exactly one of power= (W/m planar, W axisymmetric) and heat_flux= (W m^-2)")
    area = w if geometry == "planar" else math.pi * (w / 2) ** 2
    if power is not None:
        pw = _checks.number(power, "power=", "")
        if pw <= 0:
            raise InputError(f"power= must be > 0, got {pw:g}")
        q = pw / area
    else:
        q = _checks.number(heat_flux, "heat_flux= (W m^-2)", "")
        if q <= 0:
            raise InputError(f"heat_flux= must be > 0 W m^-2, got {q:g}")
        pw = q * area
    if q > _checks.MAX_HEAT_FLUX:
        raise InputError(
            f"the source's heat flux {q:g} W m^-2 (power= over its area) is above {_checks.MAX_HEAT_FLUX:g} W m^-2, "
            "more than any continuous source (a laser-ablation spot is ~1e13): check the power and its unit"
        )
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) or not 2 <= resolution <= 400:
        raise InputError(f"resolution= must be a whole number from 2 to 400, got {resolution!r}")
    g = _checks.number(growth, "growth=", "")
    if not 1 < g <= 2:
        raise InputError(f"growth= must be in (1, 2], got {g:g}")
    if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)) or not 0 <= iterations <= 10:
        raise InputError(f"iterations= must be a whole number from 0 to 10, got {iterations!r}")
    nodes = _mesh_nodes(parsed, w / 2, big_w / 2, int(resolution), g)
    if nodes > max_nodes:
        raise InputError(
            f"resolution={resolution} needs ~{nodes} mesh nodes (~{nodes * 1e-6 * 1.2:.1f} GB, limit {max_nodes} "
            "nodes; raise with max_nodes= / --max-nodes, or lower the resolution)"
        )

    kz = [_kappa(layer.source, t_sink, layer.label) for layer in parsed]
    rs = [_resistance(s, t_sink, j) for j, s in enumerate(sources)]
    t_layers = np.full(len(parsed), t_sink)
    t_ifaces = np.full(len(sources), t_sink)
    common = {
        "geometry": geometry,
        "half_source": w / 2,
        "half_domain": big_w / 2,
        "flux": q,
        "sink": t_sink,
        "growth": g,
    }
    sol = _solve(parsed, kz, rs, resolution=int(resolution), **common)
    dependent = any(layer.source.temperature_dependent for layer in parsed) or any(
        s.temperature_dependent for s in sources
    )
    done = 0
    for _ in range(int(iterations) if dependent else 0):
        t_layers = sol["t_layer"]
        t_ifaces = sol["t_interface"]
        kz = [_kappa(layer.source, float(t), layer.label) for layer, t in zip(parsed, t_layers, strict=True)]
        rs = [_resistance(s, float(t), j) for j, (s, t) in enumerate(zip(sources, t_ifaces, strict=True))]
        sol = _solve(parsed, kz, rs, resolution=int(resolution), **common)
        done += 1
    err = math.nan
    if error_estimate:
        coarse = _solve(parsed, kz, rs, resolution=max(1, int(resolution) // 2), **common)
        err = abs(sol["peak"] - coarse["peak"]) / 3.0
    if not math.isfinite(sol["peak"]) or t_sink + sol["peak"] > MAX_TEMPERATURE:
        raise InputError(
            f"the source would reach {t_sink + sol['peak']:g} K, above the {MAX_TEMPERATURE:g} K any device model "
            "accepts (every layer would have melted): lower the power or the resistances"
        )
    d = np.array([layer.thickness for layer in parsed])
    stack = q * (float(np.sum(d / np.array(kz))) + float(np.sum(rs)))
    return HotspotResult(
        geometry=geometry,
        x=sol["x"],
        z=sol["z"],
        temperature=sol["temperature"],
        layer_index=sol["layer_index"],
        peak_temperature_rise=sol["peak"],
        stack_1d_rise=stack,
        spreading_ratio=sol["peak"] / stack,
        interface_depths=np.cumsum(d)[:-1],
        interface_resistances=np.array(rs, dtype=float),
        interface_jumps=sol["jumps"],
        interface_temperatures=np.asarray(t_ifaces, dtype=float),
        layer_thicknesses=d,
        layer_conductivities=np.array(kz),
        layer_anisotropy=np.array([layer.anisotropy for layer in parsed]),
        layer_temperatures=np.asarray(t_layers, dtype=float),
        layer_labels=tuple(layer.label for layer in parsed),
        interface_labels=tuple(str(s.label) for s in sources),
        source_width=w,
        domain_width=big_w,
        heat_flux=q,
        power=pw,
        sink_power=sol["sink_power"],
        sink_temperature=t_sink,
        resolution=int(resolution),
        n_nodes=sol["n_nodes"],
        peak_error_estimate=err,
        iterations=done,
    )


def hotspot_sweep(
    layers: Sequence[Any],
    resistances: Sequence[Any] = (),
    *,
    source_width: float | Sequence[float],
    sweep_resistances: Sequence[float] | None = None,
    interface: int = 0,
    **kwargs: Any,
) -> HotspotSweep:
    """Peak temperature rise vs an interface resistance or vs the source width.

    Parameters
    ----------
    layers, resistances :
        As in :func:`hotspot`.
    source_width : float or sequence of float
        m; a sequence sweeps the width (then ``sweep_resistances`` must be None).  With ``power=`` the power
        (not the flux) is kept at each width.
    sweep_resistances : sequence of float, optional
        R values (m^2 K W^-1, >= 0) given in turn to interface ``interface``.
    interface : int
        Which interface (0 = between layers 1 and 2) ``sweep_resistances`` sets.
    **kwargs :
        The other keywords of :func:`hotspot` (power or heat_flux, geometry, domain_width, ...).
    """
    widths = None if np.ndim(source_width) == 0 else list(np.atleast_1d(np.asarray(source_width, dtype=float)))
    if (widths is None) == (sweep_resistances is None):
        raise InputError("sweep either the source width (a list for source_width=) or sweep_resistances=, not both")
    if widths is not None:
        if len(widths) == 0:
            raise InputError("source_width= is an empty list")
        values = np.array(widths)
        runs = [hotspot(layers, resistances, source_width=float(v), **kwargs) for v in values]
        parameter, index = "source_width", -1
    else:
        assert sweep_resistances is not None
        if isinstance(sweep_resistances, (str, bytes)) or len(sweep_resistances) == 0:
            raise InputError("sweep_resistances= must be a non-empty list of R values (m^2 K W^-1)")
        values = np.array([_checks.number(v, "sweep_resistances= value", "") for v in sweep_resistances])
        if np.any(values < 0):
            raise InputError(f"sweep_resistances= values must be >= 0 m^2 K W^-1, got {float(values.min()):g}")
        if isinstance(interface, bool) or not isinstance(interface, (int, np.integer)):
            raise InputError(f"interface= must be a whole number, got {interface!r}")
        if not 0 <= interface < len(resistances):
            raise InputError(f"interface= must be 0..{len(resistances) - 1} (one per interface), got {interface}")
        runs = []
        for v in values:
            rs = list(resistances)
            rs[interface] = float(v)
            runs.append(hotspot(layers, rs, source_width=float(source_width), **kwargs))  # type: ignore[arg-type]
        parameter, index = "resistance", int(interface)
    return HotspotSweep(
        parameter=parameter,
        values=values,
        peak_temperature_rise=np.array([r.peak_temperature_rise for r in runs]),
        stack_1d_rise=np.array([r.stack_1d_rise for r in runs]),
        spreading_ratio=np.array([r.spreading_ratio for r in runs]),
        peak_error_estimate=np.array([r.peak_error_estimate for r in runs]),
        interface=index,
        results=tuple(runs),
    )
