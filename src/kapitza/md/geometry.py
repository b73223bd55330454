"""Where things sit along z in an NEMD/EMD box: one description, filled by the built-ins and by a user's structure.

:class:`SystemGeometry` holds, as fractions of the box length Lz (so that they follow the box when NPT
changes it), the interface planes, the centres of the two crystals (where the periodic geometry's baths sit),
the frozen fraction of the fixed-ends geometry and the number of profile bins.  :mod:`kapitza.md.inputs`
writes the bath slabs, the bins and the manifest from it and from nothing else.

Built-in families (:func:`builtin_geometry`): A is ``cells_a`` conventional cells from z = 0, B the next
``cells_b``; one bin per (001) plane, the planes sitting mid-bin.

A user's structure (:func:`user_geometry`), periodic along z with A at the bottom and B above (B wrapping onto
A: two interfaces, as the built-ins): the atomic planes are found along z (atoms closer than
:data:`PLANE_GAP_ANGSTROM` along z are one plane); each plane is A or B by the majority of its atoms; the
A -> B interface lies midway between the last A plane and the first B plane above it, the B -> A one likewise
across the periodic boundary; the bins are one per plane, Lz / n_planes wide from zlo, with the atoms shifted
along z (:attr:`SystemGeometry.shift`) so that the first plane sits mid-bin; every plane must then fall in its
own bin, or ``bin_width`` must be given (bins of about that width, not tied to the planes).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from ..io.results import result

#: Atoms closer than this along z (Angstrom) belong to one atomic plane.
PLANE_GAP_ANGSTROM = 0.3
#: A plane's atoms must lie this far (fraction of a bin) inside their bin for one-bin-per-plane profiles.
BIN_MARGIN = 0.1

Position = tuple[float, float]


@result
class SystemGeometry:
    """The box and the positions along z of an NEMD/EMD system (run length unit; fractions of Lz).

    Attributes
    ----------
    box : (3,) tuple
        lx, ly, lz as built (before any NPT).
    n_bins : int
        Profile bins along z (Lz / n_bins wide, from zlo).
    interfaces : tuple of float
        Interface planes as fractions of Lz: periodic (B -> A, A -> B), the first being the box edge for the
        built-ins; fixed ends (A -> B,).
    centres : (2,) tuple of float
        Middles of crystal A and of crystal B (periodic: where the hot and the cold bath sit).
    lengths : (2,) tuple of float
        Lengths of crystal A and of crystal B along z (between their interfaces).
    frozen_fraction : float
        Fraction of Lz frozen at each end (fixed ends); 0 periodic.
    cells : (4,) tuple of int
        n_x, n_y, cells_a, cells_b (built-ins); 1, 1, planes of A, planes of B (a user's structure).
    planes_per_cell : int
        Atomic planes per cell along z (2 fcc, 4 diamond, 1 for a user's structure).
    n_planes : int
        Atomic planes along z.
    shift : float
        Added to every z of the structure (modulo Lz) when the data file is written (0 for the built-ins).
    """

    box: tuple[float, float, float]
    n_bins: int
    interfaces: tuple[float, ...]
    centres: tuple[float, float]
    lengths: tuple[float, float]
    frozen_fraction: float
    cells: tuple[int, int, int, int]
    planes_per_cell: int
    n_planes: int
    shift: float = 0.0

    _summary_fields: ClassVar[tuple[str, ...]] = ("box", "n_bins", "interfaces")

    @property
    def interface_fraction(self) -> float:
        """The A -> B interface as a fraction of Lz."""
        return self.interfaces[-1]

    def bath_ranges(
        self, geometry: str, bath_width: float, reverse: bool
    ) -> tuple[tuple[Position, Position], tuple[Position, Position]]:
        """The hot and the cold slab as ((fraction, offset), (fraction, offset)): z = zlo + fraction Lz + offset.

        Periodic: centred in the middle of A (hot) and of B (cold); fixed ends: next to the frozen planes,
        A's at the left.  ``reverse`` swaps hot and cold.
        """
        if geometry == "fixed":
            f, w = self.frozen_fraction, bath_width
            left, right = ((f, 0.0), (f, w)), ((1 - f, -w), (1 - f, 0.0))
            return (right, left) if reverse else (left, right)
        f_hot, f_cold = self.centres
        if reverse:
            f_hot, f_cold = f_cold, f_hot
        w = bath_width / 2
        return ((f_hot, -w), (f_hot, w)), ((f_cold, -w), (f_cold, w))


def builtin_geometry(config: Any) -> SystemGeometry:
    """The geometry of a built-in family's :class:`~kapitza.md.nemd.NemdConfig` (cells of its lattice)."""
    n_z = config.cells_a + config.cells_b
    a = config.lattice_constant
    per_cell = 4 if config.record is None else config.record.planes_per_cell
    n_planes = n_z * per_cell
    f = config.cells_a / n_z
    fixed = config.geometry == "fixed"
    return SystemGeometry(
        box=(config.n_x * a, config.n_y * a, n_z * a),
        n_bins=n_planes,
        interfaces=(f,) if fixed else (0.0, f),
        centres=(config.cells_a / 2 / n_z, (config.cells_a + config.cells_b / 2) / n_z),
        lengths=(config.cells_a * a, config.cells_b * a),
        frozen_fraction=config.frozen_planes / n_planes if fixed else 0.0,
        cells=(config.n_x, config.n_y, config.cells_a, config.cells_b),
        planes_per_cell=per_cell,
        n_planes=n_planes,
    )


def bin_counts(z: NDArray[np.float64], length: float, n_bins: int) -> NDArray[np.int64]:
    """Atoms in or near each of ``n_bins`` profile bins of a periodic box of length ``length`` (A): within the bin,
    or within half of :data:`PLANE_GAP_ANGSTROM` of its edges (a plane that thick sits on the edge, and at any
    temperature its atoms cross into the bin).  What :func:`kapitza.io.profile_layout.empty_bins` judges before a
    run; the run's own profile then counts the atoms each bin holds."""
    zz = np.sort(np.mod(np.asarray(z, dtype=float), length))
    zz = np.concatenate([zz - length, zz, zz + length])
    edges = np.arange(n_bins + 1) * (length / n_bins)
    margin = 0.5 * PLANE_GAP_ANGSTROM
    return np.searchsorted(zz, edges[1:] + margin, side="right") - np.searchsorted(zz, edges[:-1] - margin)


def find_planes(z: NDArray[np.float64], length: float, where: str) -> tuple[list[NDArray[np.int64]], float]:
    """Atom indices of each atomic plane along z in a periodic box of length ``length`` (Angstrom), from the
    lowest, and the z of the first plane's lowest atom; a plane cut by the periodic boundary is one plane."""
    zz = np.mod(np.asarray(z, dtype=float), length)
    order = np.argsort(zz, kind="stable")
    zs = zz[order]
    gaps = np.diff(np.concatenate([zs, [zs[0] + length]]))
    cuts = np.flatnonzero(gaps > PLANE_GAP_ANGSTROM)
    if cuts.size < 2:
        raise InputError(
            f"{where}: no atomic planes along z can be told apart (atoms closer than {PLANE_GAP_ANGSTROM} A along z "
            "fill the box): give bin_width="
        )
    start = (cuts[-1] + 1) % zs.size  # the first atom after the widest-wrapping gap: a plane's lowest atom
    rolled = np.roll(order, -start)
    bounds = np.flatnonzero(np.roll(gaps, -start) > PLANE_GAP_ANGSTROM) + 1
    return [np.sort(p) for p in np.split(rolled, bounds[:-1])], float(zz[rolled[0]])


def user_geometry(
    positions: NDArray[np.float64],
    side: NDArray[np.int64],
    box: tuple[float, float, float],
    bin_width: float | None,
    where: str,
) -> SystemGeometry:
    """The periodic geometry of a user's structure (positions and box in Angstrom, side 0 = A, 1 = B).

    See the module doc for the rules; a structure whose planes cannot be found or binned, or whose sides do not
    form one A slab and one B slab along z, is an InputError naming ``where``.
    """
    lz = box[2]
    z = np.mod(np.asarray(positions, dtype=float)[:, 2], lz)
    planes, _ = find_planes(z, lz, where)
    n = len(planes)
    is_b = np.array([np.mean(side[p]) > 0.5 for p in planes])
    up = [k for k in range(n) if not is_b[k] and is_b[(k + 1) % n]]  # last A plane below B
    down = [k for k in range(n) if is_b[k] and not is_b[(k + 1) % n]]  # last B plane below A (across the edge)
    if len(up) != 1 or len(down) != 1:
        raise InputError(
            f"{where}: the periodic geometry needs one slab of A and one of B along z (two interfaces); the planes "
            f"along z change side {len(up) + len(down)} times"
        )
    start = (down[0] + 1) % n  # A's first plane becomes plane 0: the B -> A interface at the box edge
    planes = planes[start:] + planes[:start]
    is_b = np.roll(is_b, -start)
    up, down = [(up[0] - start) % n], [n - 1]
    first = z[planes[0]]
    reach = np.mod(first - first[0] + lz / 2, lz) - lz / 2  # the first plane may be cut by the boundary
    base = float(first[0] + reach.min())
    # heights measured upward from the first plane's lowest atom (so a plane cut by the boundary stays whole)
    height = np.mod(z - base, lz)
    lo = np.array([height[p].min() for p in planes])
    hi = np.array([height[p].max() for p in planes])
    centre = 0.5 * (lo + hi)

    def between(k: int) -> float:
        nxt = centre[(k + 1) % n] + (lz if k == n - 1 else 0.0)
        return 0.5 * (centre[k] + nxt)

    if bin_width is None:
        bin_ = lz / n
        shift = bin_ / 2 - centre[0]
        edges = (np.arange(n) * bin_, (np.arange(n) + 1) * bin_)
        ok = np.all(lo + shift >= edges[0] + BIN_MARGIN * bin_) and np.all(hi + shift <= edges[1] - BIN_MARGIN * bin_)
        if not ok:
            raise InputError(
                f"{where}: the {n} atomic planes along z are not evenly spaced enough for one profile bin per plane "
                f"(Lz / {n} = {bin_:.4g} A): give bin_width= (A)"
            )
        n_bins = n
    else:
        shift = lz - between(n - 1)  # the B -> A interface at the box edge
        n_bins = max(2, int(round(lz / bin_width)))
    f_ab = np.mod(between(up[0]) + shift, lz) / lz
    f_ba = np.mod(between(down[0]) + shift, lz) / lz
    if f_ba > 1 - 1e-9 or f_ba < 1e-9:  # at the box edge, as the built-ins
        f_ba = 0.0
    len_a = np.mod(f_ab - f_ba, 1.0) * lz
    len_b = lz - len_a
    centres = (np.mod(f_ba + len_a / 2 / lz, 1.0), np.mod(f_ab + len_b / 2 / lz, 1.0))
    total_shift = float(np.mod(shift - base, lz))
    if abs(total_shift) < 1e-9 or abs(total_shift - lz) < 1e-9:
        total_shift = 0.0
    n_a = int(np.sum(~is_b))
    return SystemGeometry(
        box=(float(box[0]), float(box[1]), float(lz)),
        n_bins=int(n_bins),
        interfaces=(float(f_ba), float(f_ab)),
        centres=(float(centres[0]), float(centres[1])),
        lengths=(float(len_a), float(len_b)),
        frozen_fraction=0.0,
        cells=(1, 1, n_a, n - n_a),
        planes_per_cell=1,
        n_planes=n,
        shift=total_shift,
    )


__all__ = ["PLANE_GAP_ANGSTROM", "SystemGeometry", "bin_counts", "builtin_geometry", "find_planes", "user_geometry"]
