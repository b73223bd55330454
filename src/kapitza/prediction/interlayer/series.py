r"""The physics of a stack A / I_1 / ... / I_n / B: each interface from kapitza's models, each layer's own resistance,
in series.

.. math::  \frac{1}{G_\mathrm{stack}} = \sum_{k=0}^{n} \frac{1}{G_{k,k+1}} + \sum_{k=1}^{n} \frac{d_k}{\kappa_k(d_k, T)}

Each interface's G is what ``kapitza predict`` reports for the pair (:func:`kapitza.prediction.validation.table.
as_predicted` of its Debye DMM, one rule with the validation table): the phonon DMM, with the metal's
electron-phonon conductance in series at a metal / non-metal interface and the electronic DMM between two metals.
Each layer's own resistance is :mod:`.film`'s (a crystal film with boundary scattering, an amorphous film at its
amorphous limit).  A layer of atomic thickness (a 2D crystal, a termination, a monolayer) has no record kapitza can
describe: it is transparent to this physics (its two interfaces are not computed) and enters the estimate through
its family alone; so does an amorphous layer of the material it lies on (a-Si on Si: one record, no interface).

Where the series picture fails
------------------------------
It counts each interface as an independent diffuse scatterer, which needs the layer thicker than the phonons that
cross it.  A layer thinner than their dominant wavelength (lambda = h v / (2.82 k_B T), v the layer's
Debye-averaged sound speed: the peak of hbar omega's Planck distribution lies at 2.82 k_B T) is partly transparent,
and an adhesion metal a few atoms thick is an intermixed seam more than a layer.  Here the stack's resistance
therefore moves from the bare pair's to the interfaces' as the layer thickens, with the weight
w = min(1, d / (d + lambda) / 0.9) of each layer (the series picture taken to hold in full from d = 9 lambda on,
:data:`THIN_WEIGHT`), while every layer's own resistance counts in full at every thickness:

.. math::  \frac{1}{G} = \left(1 - \bar w\right)\frac{1}{G_{AB}} + \bar w\,\sum_{k} \frac{1}{G_{k,k+1}}
           + \sum_{k} \frac{d_k}{\kappa_k(d_k, T)}, \qquad \bar w = \min_k w_k,

so that a vanishing layer gives the bare pair exactly, a thick one the series, and G never rises as a layer
thickens beyond 9 lambda nor exceeds any layer's own conductance kappa / d (issue 83's laws).  An amorphous layer
on its own crystal (a-Al2O3 on sapphire, a-Si on Si) has no interface here but keeps its own resistance.

This interpolation is kapitza's own (no published model is behind it), stated on every answer that uses it; the
expected measurement's fit on the compilation's stacks, held out by paper, says how far it is off.  A layer whose
thickness is not given (most of the compilation's rows) takes w = 1 and no resistance of its own (an upper bound on
G where the layer is thick), said.

Units: m, K, W m^-2 K^-1, m^2 K W^-1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ... import _checks
from ...errors import InputError
from ...io.results import result
from ...landauer import as_positive_temperatures
from ...materials import Material, get_material
from ...units import HBAR, KB
from .film import film_conductivity
from .layers import Layer, layer_of

__all__ = [
    "StackPhysics",
    "check_stack",
    "dominant_wavelength",
    "lawful_layers",
    "interface_conductance",
    "stack_document",
    "stack_physics",
]

#: The Wien constant of the phonon energy hbar omega: the Planck distribution's energy density peaks at 2.82 k_B T.
WIEN = 2.821439372
#: A layer's weight below which the answer says the series picture does not hold for it (d < 9 lambda).
THIN_WEIGHT = 0.9


def dominant_wavelength(material: str | Material, temperature: ArrayLike) -> NDArray[np.float64]:
    """The dominant phonon wavelength of ``material`` at each ``temperature`` (K), m: 2 pi v / omega_dom with
    hbar omega_dom = 2.82 k_B T and v the Debye-averaged sound speed."""
    m = get_material(material)
    v = (3.0 / (1.0 / m.v_l**3 + 2.0 / m.v_t**3)) ** (1 / 3) if m.v_t > 0 else m.v_l
    t = np.atleast_1d(np.asarray(temperature, dtype=float))
    return 2 * math.pi * HBAR * v / (WIEN * KB * t)


def interface_conductance(
    a: str | Material, b: str | Material, temperature: ArrayLike
) -> tuple[NDArray[np.float64], str]:
    """What ``kapitza predict`` reports for the interface a -> b (database names or their records) under the Debye
    DMM (electrons included), W m^-2 K^-1, at each temperature (K), and a note where it is partial.  Two metals
    without the electron data of the electronic DMM take the phonon DMM, a lower bound (their electrons can only add
    a parallel channel), said."""
    from ..api import predict_model
    from ..validation.table import as_predicted

    t = np.atleast_1d(np.asarray(temperature, dtype=float))
    found = predict_model(a, b, t, "dmm")
    g, note = as_predicted(found.side1, found.side2, t, [found])  # the records predict_model resolved
    g = g[0]
    if np.any(~np.isfinite(g)):
        g = np.where(np.isfinite(g), g, np.asarray(found.conductance, dtype=float))
        note = f"{found.side1.name} | {found.side2.name}: {note}; the phonon DMM instead, a lower bound"
    return g, note


@result
class StackPhysics:
    """The series physics of one stack at its temperatures.

    Attributes
    ----------
    materials : tuple of str
        The database materials the physics runs through, from side 1 to side 2 (the layers it describes).
    thickness : ndarray, shape (n_materials,)
        Each one's thickness, m (NaN: the two outer sides, and a layer whose thickness is not given).
    temperature : ndarray, shape (n_T,)
        K.
    interfaces : ndarray, shape (n_materials - 1, n_T)
        Each interface's G as ``kapitza predict`` reports it, W m^-2 K^-1.
    layers : ndarray, shape (n_materials, n_T)
        Each material's own resistance across its thickness, m^2 K W^-1 (0 for the outer sides and a layer whose
        thickness is not given).
    films : ndarray, shape (n_T,)
        Every layer's own resistance summed, m^2 K W^-1: those of ``layers`` and those of layers with no interface
        of their own (an amorphous layer on its own crystal).
    series : ndarray, shape (n_T,)
        The series sum's G, W m^-2 K^-1.
    bare : ndarray, shape (n_T,)
        The bare pair's (side 1 against side 2), W m^-2 K^-1.
    weight : ndarray, shape (n_T,)
        The thinnest layer's weight w = min(1, d / (d + lambda) / THIN_WEIGHT) (1 where no thickness is given or
        where no layer is described).
    conductance : ndarray, shape (n_T,)
        The stack's G: 1/G = (1 - w)/G_bare + w sum_k 1/G_k + films, W m^-2 K^-1.
    notes : tuple of str
        What the physics could not describe and what it did instead.
    """

    materials: tuple[str, ...]
    thickness: NDArray[np.float64]
    temperature: NDArray[np.float64]
    interfaces: NDArray[np.float64]
    layers: NDArray[np.float64]
    series: NDArray[np.float64]
    bare: NDArray[np.float64]
    weight: NDArray[np.float64]
    conductance: NDArray[np.float64]
    notes: tuple[str, ...] = ()
    films: NDArray[np.float64] | None = None

    _summary_fields: ClassVar[tuple[str, ...]] = ("materials", "temperature", "conductance")

    def __post_init__(self) -> None:
        _checks.labels(self.materials, "materials")
        n = len(self.materials)
        if n < 2:
            raise InputError("a stack's physics runs through at least its two sides")
        t = _checks.positive_array(self.temperature, "temperature", "K", ndim=1)
        m = t.size
        _checks.sized(self.thickness, "thickness", (n,))
        for name, shape in (("interfaces", (n - 1, m)), ("layers", (n, m))):
            _checks.sized(getattr(self, name), name, shape)
        for name in ("series", "bare", "weight", "conductance"):
            _checks.sized(getattr(self, name), name, (m,))
        w = np.asarray(self.weight, dtype=float)
        if np.any((w < 0) | (w > 1)):
            raise InputError("weight must lie in [0, 1]")
        if self.films is None:
            object.__setattr__(self, "films", np.asarray(self.layers, dtype=float).sum(axis=0))
        _checks.sized(self.films, "films", (m,))
        _checks.labels(self.notes, "notes", check=_checks.text)
        self._check_laws()

    def _check_laws(self) -> None:
        """What the series physics makes true, so that a stack read back (a saved answer) is one it could have made:
        each layer's thickness within an interlayer's bounds (NaN for the two sides), positive finite interfaces and
        bare pair, resistances >= 0, and the series and the stack's G equal to their formulas (module text) from the
        parts, to 1e-9."""
        from .layers import MAX_THICKNESS_M, MIN_THICKNESS_M

        d = np.asarray(self.thickness, dtype=float)
        inner = d[1:-1][np.isfinite(d[1:-1])]
        if not (np.isnan(d[0]) and np.isnan(d[-1])) or np.any((inner < MIN_THICKNESS_M) | (inner > MAX_THICKNESS_M)):
            raise InputError(f"thickness must be NaN for the two sides and {MIN_THICKNESS_M:g} to "
                             f"{MAX_THICKNESS_M:g} m for a layer")  # fmt: skip
        interfaces, bare = np.asarray(self.interfaces, dtype=float), np.asarray(self.bare, dtype=float)
        layers, films = np.asarray(self.layers, dtype=float), np.asarray(self.films, dtype=float)
        if not (np.all(np.isfinite(interfaces) & (interfaces > 0)) and np.all(np.isfinite(bare) & (bare > 0))):
            raise InputError("interfaces and bare must be finite conductances > 0")
        if not (np.all(np.isfinite(layers) & (layers >= 0)) and np.all(films >= layers.sum(axis=0) * (1 - 1e-9))):
            raise InputError("layers must be resistances >= 0, and films at least their sum")
        through = np.sum(1.0 / interfaces, axis=0)
        w = np.asarray(self.weight, dtype=float)
        for name, law in (
            ("series", 1.0 / (through + films)),
            ("conductance", 1.0 / ((1 - w) / bare + w * through + films)),
        ):
            if not np.allclose(np.asarray(getattr(self, name), dtype=float), law, rtol=1e-9, atol=0):
                raise InputError(f"{name} is not the series law of the stack's parts (1/G = (1 - w)/G_bare + w sum "
                                 "1/G_k + films): not a stack kapitza computed")  # fmt: skip

    def shares(self) -> list[tuple[str, NDArray[np.float64]]]:
        """Each interface's and each layer's share of the series resistance, in order: (label, share (n_T,))."""
        total = 1.0 / np.asarray(self.series, dtype=float)
        out = []
        for k in range(len(self.materials)):
            if 0 < k < len(self.materials) - 1:
                out.append((f"{self.materials[k]} layer", np.asarray(self.layers[k]) / total))
            if k < len(self.materials) - 1:
                out.append((f"{self.materials[k]} | {self.materials[k + 1]}", (1.0 / self.interfaces[k]) / total))
        return out


def _described(layers: Sequence[Layer], notes: list[str]) -> list[Layer]:
    """The layers the physics runs through: those with a database record and a bulk; the others said."""
    kept = []
    for layer in layers:
        if layer.form == "monolayer":
            notes.append(f"{layer.name}: a layer of atomic thickness ({layer.family}) has no bulk here: its effect "
                         "enters through its family, not this physics")  # fmt: skip
        elif layer.material is None:
            raise InputError(f"kapitza has no data for the interlayer {layer.name} ({layer.note or layer.family})")
        else:
            kept.append(layer)
    return kept


def check_stack(side1: Any, layers: Sequence[Layer], side2: Any) -> tuple[str, str]:
    """The two sides of a stack as database solids (their names), refused in one line otherwise, and a stack whose
    described layers are all one material refused (its physics sees no interface): the checks a query makes before
    any work."""
    names = []
    for side, option in ((side1, "side1"), (side2, "side2")):
        m = get_material(side)
        if m.is_fluid or m.origin != "database":
            raise InputError(f"{option} {m.name}: a stack runs through the database's solids (its physics and its "
                             "estimate are the database's)")  # fmt: skip
        names.append(m.name)
    inner = {x.material for x in layers if x.material is not None and x.form != "monolayer"}  # a record's name
    if {names[0], names[1]} | inner == {names[0]}:
        raise InputError(f"a stack of one material ({' / '.join([names[0], *(x.name for x in layers), names[1]])}): "
                         "its physics sees no interface")  # fmt: skip
    return names[0], names[1]


def lawful_layers(side1: Any, layers: Sequence[Layer], side2: Any) -> tuple[tuple[Layer, ...], tuple[str, ...]]:
    """The layers a stack holds as its materials have them, and what was changed, said: a film of a side's own
    record and form (Al / Al:2nm / Si) is that side (no interface, its bulk continued), so it is left out (an
    amorphous film on its own crystal stays: a-Al2O3 on sapphire has a resistance of its own); two films of one
    material and form next to each other (Ti:2nm / Ti:2nm) are one film of the summed thickness.  A layer of atomic
    thickness and a layer without a record stay as given.  The stack's physics and its expected measurement then
    obey what the materials do (the bare pair's answer for Al / Al:2nm / Si; one Ti:4nm for two Ti:2nm)."""
    from dataclasses import replace

    def record(layer: Layer) -> tuple[str, str] | None:
        if layer.material is None or layer.form == "monolayer":
            return None
        return layer.material, layer.form  # a Layer's material is its record's name (Layer checks it)

    def side(name: Any) -> tuple[str, str]:
        """Its record and its form as a film of it would have them (fused silica amorphous); a side no film can be
        (graphite, without a conductivity) matches no film."""
        record = get_material(name).name
        try:
            found = layer_of(record, need_thickness=False)
        except InputError:
            return record, ""
        return found.material or "", found.form

    ends = (side(side1), side(side2))
    notes: list[str] = []
    kept: list[Layer] = []
    for layer in layers:
        mine = record(layer)
        before = record(kept[-1]) if kept else ends[0]
        if mine is not None and not kept and mine == ends[0]:
            notes.append(f"{layer.text()} on {ends[0][0]} is {ends[0][0]} itself: left out (no interface)")
        elif mine is not None and kept and mine == before:
            total = None if None in (layer.thickness, kept[-1].thickness) else layer.thickness + kept[-1].thickness
            merged = replace(kept[-1], thickness=total)
            notes.append(f"{kept[-1].text()} / {layer.text()}: one film, {merged.text()}")
            kept[-1] = merged
        else:
            kept.append(layer)
    while kept and record(kept[-1]) == ends[1]:
        notes.append(f"{kept[-1].text()} under {ends[1][0]} is {ends[1][0]} itself: left out (no interface)")
        kept.pop()
    return tuple(kept), tuple(notes)


def stack_physics(side1: str, layers: Sequence[Layer], side2: str, temperature: ArrayLike) -> StackPhysics:
    """The series physics (module text) of side1 / layers / side2 at each ``temperature`` (K, > 0).

    ``side1``, ``side2``: database materials; ``layers``: :class:`~kapitza.prediction.interlayer.layers.Layer` from
    side 1's, each with its thickness (m) or None where not given.  A layer kapitza has no data for is refused
    (InputError); a layer of atomic thickness is transparent (said in the notes)."""
    t = as_positive_temperatures(temperature)
    ends = get_material(side1), get_material(side2)
    a, b = ends[0].name, ends[1].name
    notes: list[str] = []
    kept = _described(layers, notes)
    records = {m.name: m for m in ends} | {
        x.material: get_material(x.material) for x in kept
    }  # each name looked up once
    chain: list[tuple[str, Layer | None]] = [(a, None)]
    merged: list[tuple[str, Layer]] = []  # layers with no interface of their own: their resistance still counts
    for layer in kept:
        name = layer.material  # the record's name (a Layer is the one layer_of gives)
        if name == chain[-1][0]:
            notes.append(f"{layer.name} lies on {name}, its own record: no interface in this physics, its own "
                         "resistance counted")  # fmt: skip
            merged.append((name, layer))
            continue
        chain.append((name, layer))
    if chain[-1][0] == b and len(chain) > 1:
        notes.append(f"{chain[-1][1].name} lies on {b}, its own record: no interface in this physics, its own "
                     "resistance counted")  # fmt: skip
        merged.append(chain.pop())
    chain.append((b, None))
    materials = tuple(m for m, _ in chain)
    if len(set(materials)) == 1:
        raise InputError(f"a stack of one material ({' / '.join([a, *(x.name for x in layers), b])}): its physics "
                         "sees no interface")  # fmt: skip
    found = [interface_conductance(records[x], records[y], t) for x, y in zip(materials[:-1], materials[1:])]
    interfaces = np.array([g for g, _ in found])
    notes += [note for _, note in found if note]
    resist = np.zeros((len(chain), t.size))
    thickness = np.full(len(chain), np.nan)
    for k, (name, layer) in enumerate(chain):
        if layer is not None and 0 < k < len(chain) - 1:
            thickness[k], resist[k] = _own(records[name], layer, t, notes)
    own = (_own(records[name], layer, t, notes)[1] for name, layer in merged)
    films = resist.sum(axis=0) + sum(own, np.zeros(t.size))
    weight = thin_weight([(records[name], layer) for name, layer in chain[1:-1] if layer is not None], t)
    through = np.sum(1.0 / interfaces, axis=0)
    series = 1.0 / (through + films)
    bare = interface_conductance(ends[0], ends[1], t)[0] if len(chain) > 2 else interfaces[0]
    if np.any(weight < 1):
        notes.append(f"a layer thinner than {1 / (1 / THIN_WEIGHT - 1):.0f} times its dominant phonon wavelength "
                     "lambda: its interfaces move from the bare pair's towards the series' with w = min(1, d / (d + "
                     f"lambda) / {THIN_WEIGHT:g}) (kapitza's interpolation, not a published model)")  # fmt: skip
    g = 1.0 / ((1.0 - weight) / bare + weight * through + films)
    return StackPhysics(materials=materials, thickness=thickness, temperature=t, interfaces=interfaces,
                        layers=resist, series=series, bare=bare, weight=weight, conductance=g,
                        notes=tuple(dict.fromkeys(notes)), films=films)  # fmt: skip


def _own(
    name: str | Material, layer: Layer, t: NDArray[np.float64], notes: list[str]
) -> tuple[float, NDArray[np.float64]]:
    """A layer's thickness (m, NaN where not given) and own resistance d / kappa(d, T) (m^2 K W^-1, 0 where its
    thickness or kappa is not known, said in ``notes``)."""
    if layer.thickness is None:
        notes.append(f"{layer.name}: thickness not given: the layer counts in full, without a resistance of its "
                     "own (an upper bound on G where it is thick)")  # fmt: skip
        return math.nan, np.zeros(t.size)
    film = film_conductivity(name, layer.thickness, t, "amorphous" if layer.form == "amorphous" else "crystal")
    known = np.isfinite(film.kappa)
    if not known.all():
        notes.append(f"{layer.name}: {film.how}: its own resistance not counted there")
    return float(layer.thickness), np.where(known, layer.thickness / np.where(known, film.kappa, 1.0), 0.0)


def thin_weight(layers: Sequence[tuple[str | Material, Layer]], t: NDArray[np.float64]) -> NDArray[np.float64]:
    """The weight of the interfaces against the bare pair at each T (K): the thinnest layer's
    min(1, d / (d + lambda) / THIN_WEIGHT) over ``layers`` (database name or record, Layer) with a thickness; 1
    where none has one (the module text)."""
    weight = np.ones(t.size)
    for name, layer in layers:
        if layer.thickness is not None:
            lam = dominant_wavelength(name, t)
            weight = np.minimum(weight, np.minimum(1.0, layer.thickness / (layer.thickness + lam) / THIN_WEIGHT))
    return weight


def stack_document(found: StackPhysics) -> dict[str, object]:
    """The stack's physics as ``kapitza predict --json`` writes it (SI): its materials, each interface's G and each
    layer's resistance per temperature, the series, the bare pair, the weight, the stack's G and the shares."""
    return {
        "materials": list(found.materials),
        "thickness_m": [None if not np.isfinite(d) else float(d) for d in found.thickness],
        "temperature_k": found.temperature.tolist(),
        "interfaces_w_m2k": {f"{a} | {b}": found.interfaces[k].tolist()
                             for k, (a, b) in enumerate(zip(found.materials[:-1], found.materials[1:]))},
        "layers_m2k_w": {found.materials[k]: found.layers[k].tolist() for k in range(1, len(found.materials) - 1)},
        "series_w_m2k": found.series.tolist(),
        "films_m2k_w": np.asarray(found.films).tolist(),
        "bare_pair_w_m2k": found.bare.tolist(),
        "weight": found.weight.tolist(),
        "conductance_w_m2k": found.conductance.tolist(),
        "shares": {label: share.tolist() for label, share in found.shares()},
        "notes": list(found.notes),
    }  # fmt: skip
