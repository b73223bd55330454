r"""Lateral lattice matching: the coincidence (Zur-McGill) search for two 2D lattices.

Two crystals joined along a plane share one lateral period only if a supercell of one in-plane lattice
coincides, up to a small strain and a rotation about the normal, with a supercell of the other.
:func:`match_lattices` finds such pairs by the algorithm of A. Zur and T. C. McGill, J. Appl. Phys. 55, 378
(1984) (also the core of pymatgen's ``ZSLGenerator``):

1. for every supercell multiplicity :math:`n_A` of lattice A and :math:`n_B` of lattice B whose areas agree
   within the strain allowed, enumerate every sublattice of index n as the Hermite normal forms
   :math:`M = ((p, q), (0, r))`, :math:`pr = n`, :math:`0 \le q < r` (each sublattice exactly once);
2. reduce each supercell basis (Lagrange-Gauss reduction, the 2D Minkowski reduction: :math:`|u_1| \le
   |u_2|`, :math:`|u_1\cdot u_2| \le |u_1|^2/2`, kept right-handed), so that the two reduced bases can be
   compared vector by vector;
3. for each pairing of the reduced basis of B (the reduced basis times a unimodular matrix with entries
   in {-1, 0, 1}, det +1) take the deformation gradient :math:`F` that maps B's supercell onto A's,
   :math:`U_A = F\,U_B` (column vectors), and its polar decomposition :math:`F = S' R`: the rotation
   :math:`R` (angle :math:`\theta`) turns B about the normal, the symmetric stretch :math:`S'` (in A's frame)
   takes the rotated B onto A.  The pairing with the smallest strain (then the smallest :math:`|\theta|`) is
   kept.

Strain convention (``strain_on``), all strains Biot (engineering) strain tensors :math:`\varepsilon = G - I`
of the symmetric in-plane stretch :math:`G` each side undergoes, expressed in the common frame (A's frame):

* ``"a"``: B is the substrate; the common cell is B's rotated supercell, A carries
  :math:`\varepsilon_A = S'^{-1} - I`, B none;
* ``"b"``: A is the substrate; the common cell is A's supercell, B carries :math:`\varepsilon_B = S' - I`;
* ``"both"``: the common cell is the mean of the two, :math:`C = (U_A + R U_B)/2`; A carries
  :math:`(S'^{-1} - I)/2`, B :math:`(S' - I)/2` (to first order half the mismatch each).

A match is accepted when the largest principal strain (largest absolute eigenvalue) either side carries is at
most ``max_strain``.  Sublattices of one index with the same reduced metric (one lattice turned by a
symmetry of the crystal) are searched once; a match with the same atoms and principal strains as another,
or j times the atoms of a smaller match (both sides, one integer j) with its principal strains (a repeat
of it), is dropped; among equal candidates the first in the order (atoms, strain, |rotation|) is kept.
Lengths are in A, the unit of the crystal structures ASE reads (this is an edge module).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import _checks
from ..errors import InputError
from ..io.results import result

#: The three strain conventions of :func:`match_lattices`.
STRAIN_ON = ("a", "b", "both")
#: Largest principal in-plane strain a side may carry by default (3 %): the one bound of every lateral match, shared
#: by :func:`match_lattices`, :func:`kapitza.atomistic.stacking.stack_crystals` (``kapitza interface build``), the AGF
#: of two crystals (``kapitza agf A B --calculator``) and the buildable rows of the compilation (``kapitza interface
#: buildable``), so that a pair counted as buildable is built by ``kapitza agf`` at its defaults.  3 % is the bound the
#: compilation's buildable rows and the AGF validation against experiment were counted and run with.
DEFAULT_MAX_STRAIN = 0.03
#: Largest supercell multiplicity searched on either side when no bound is given.
DEFAULT_MAX_INDEX = 16
#: Unimodular 2x2 integer matrices (entries -1, 0, 1; det +1): the pairings of two reduced bases tried.
_PAIRINGS = tuple(
    np.array(m, dtype=np.int64).reshape(2, 2)
    for m in itertools.product((-1, 0, 1), repeat=4)
    if m[0] * m[3] - m[1] * m[2] == 1
)


@result
class LatticeMatch:
    """One coincidence of two in-plane lattices.

    Attributes
    ----------
    matrix_a, matrix_b : ndarray of int, shape (2, 2)
        Supercell matrices: rows of ``matrix_a @ a_cell`` and ``matrix_b @ b_cell`` are the matched
        (reduced) supercell vectors, row i of one paired with row i of the other; det > 0.
    common_cell_angstrom : ndarray, shape (2, 2)
        The common lateral cell (rows, A) in A's frame, under the ``strain_on`` convention.
    strain_a, strain_b : ndarray, shape (2, 2)
        In-plane Biot strain tensor each side carries, in the common frame (dimensionless).
    max_strain_a, max_strain_b : float
        Largest absolute principal strain of each side.
    rotation_deg : float
        Angle (degrees, counter-clockwise about the normal) by which B is turned to match A.
    area_angstrom2 : float
        Area of the common cell, A^2.
    atoms : (int, int)
        Atoms of A and of B in the common cell (``atoms_per_cell`` times the multiplicities).
    strain_on : str
        The convention ("a", "b" or "both").
    """

    matrix_a: NDArray[np.int64]
    matrix_b: NDArray[np.int64]
    common_cell_angstrom: NDArray[np.float64]
    strain_a: NDArray[np.float64]
    strain_b: NDArray[np.float64]
    max_strain_a: float
    max_strain_b: float
    rotation_deg: float
    area_angstrom2: float
    atoms: tuple[int, int]
    strain_on: str

    _summary_fields = ("atoms", "max_strain_a", "max_strain_b", "rotation_deg", "area_angstrom2")

    @property
    def n_atoms(self) -> int:
        """Atoms of both sides in the common cell."""
        return int(self.atoms[0] + self.atoms[1])

    @property
    def max_strain(self) -> float:
        """Largest principal strain either side carries."""
        return max(self.max_strain_a, self.max_strain_b)


def in_plane_cell(cell: Any, name: str) -> NDArray[np.float64]:
    """Two in-plane lattice vectors (A) as a 2x2 array: given as 2x2, or 2x3 lying in the xy plane."""
    try:
        arr = np.asarray(cell, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be two lattice vectors in A (a 2x2 or 2x3 array), got {cell!r}") from None
    if arr.shape not in ((2, 2), (2, 3)) or not np.all(np.isfinite(arr)):
        raise InputError(f"{name} must be two finite lattice vectors in A (2x2 or 2x3), got shape {arr.shape}")
    if arr.shape == (2, 3):
        if np.max(np.abs(arr[:, 2])) > 1e-9 * max(1.0, float(np.max(np.abs(arr)))):
            raise InputError(f"{name}: the in-plane vectors must lie in the xy plane (z = 0)")
        arr = arr[:, :2]
    if abs(_cross(arr[0], arr[1])) < 1e-12 * max(1.0, float(np.sum(arr**2))):
        raise InputError(f"{name}: the two lattice vectors are parallel (zero area)")
    return arr


def _cross(u: NDArray[np.float64], v: NDArray[np.float64]) -> float:
    return float(u[0] * v[1] - u[1] * v[0])


def reduce_basis(cell: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Lagrange-Gauss reduction of a 2D basis (rows), kept right-handed when the input is.

    Returns the reduced basis and the unimodular integer matrix T with ``reduced = T @ cell``.
    """
    t = np.eye(2, dtype=np.int64)
    u = np.array(cell, dtype=float)
    for _ in range(1000):
        if u[0] @ u[0] > u[1] @ u[1] + 1e-12:
            u, t = u[::-1].copy(), t[::-1].copy()
            u[1], t[1] = -u[1], -t[1]  # a swap reverses the handedness; the sign restores it
        m = round(float(u[0] @ u[1]) / float(u[0] @ u[0]))
        if m == 0:
            break
        u[1] -= m * u[0]
        t[1] -= m * t[0]
    return u, t


def _hermite_forms(n: int) -> list[NDArray[np.int64]]:
    """Every 2x2 Hermite normal form ((p, q), (0, r)) of determinant n: each index-n sublattice once."""
    return [
        np.array([[p, q], [0, n // p]], dtype=np.int64) for p in range(1, n + 1) if n % p == 0 for q in range(n // p)
    ]


def _largest(eps: NDArray[np.float64]) -> NDArray[np.float64]:
    """Largest absolute eigenvalue of symmetric 2x2 tensors, shape (..., 2, 2) -> (...)."""
    m = 0.5 * (eps[..., 0, 0] + eps[..., 1, 1])
    r = np.hypot(0.5 * (eps[..., 0, 0] - eps[..., 1, 1]), 0.5 * (eps[..., 0, 1] + eps[..., 1, 0]))
    return np.abs(m) + r


def _sqrt_spd(a: NDArray[np.float64]) -> NDArray[np.float64]:
    """Square root of symmetric positive-definite 2x2 matrices (..., 2, 2).

    Cayley-Hamilton for 2x2: sqrt(A) = (A + sqrt(det A) I) / sqrt(tr A + 2 sqrt(det A)).
    """
    root_det = np.sqrt(np.linalg.det(a))
    t = np.sqrt(a[..., 0, 0] + a[..., 1, 1] + 2 * root_det)
    return (a + root_det[..., None, None] * np.eye(2)) / t[..., None, None]


def _best_pairings(
    ua: NDArray[np.float64], ub: NDArray[np.float64], strain_on: str
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    """For N pairs of reduced bases (N, 2, 2), the pairing of B's basis with the least strain, then rotation.

    Returns, per pair: largest strain (N,), rotation in rad (N,), pairing index into the pairing table (N,),
    strain of A and of B (N, 2, 2).  The stretch is S' = sqrt(F F^T) (left polar decomposition F = S' R).
    """
    pairings = np.array(_PAIRINGS, dtype=float)  # (P, 2, 2)
    vb = np.einsum("pij,njk->npik", pairings, ub)  # (N, P, 2, 2) paired B bases
    f = np.swapaxes(np.linalg.solve(vb, np.broadcast_to(ua[:, None], vb.shape)), -1, -2)  # U_A^T = F V_B^T
    s = _sqrt_spd(f @ np.swapaxes(f, -1, -2))
    r = np.linalg.solve(s, f)
    theta = np.arctan2(r[..., 1, 0], r[..., 0, 0])
    eye = np.eye(2)
    s_inv = np.linalg.inv(s)
    zero = np.zeros_like(s)
    ea, eb = {
        "a": (s_inv - eye, zero),
        "b": (zero, s - eye),
        "both": (0.5 * (s_inv - eye), 0.5 * (s - eye)),
    }[strain_on]
    worst = np.maximum(_largest(ea), _largest(eb))
    choice = np.array([np.lexsort((np.round(np.abs(t), 9), np.round(w, 9)))[0] for w, t in zip(worst, theta)])
    idx = np.arange(len(choice))
    return worst[idx, choice], theta[idx, choice], choice, ea[idx, choice], eb[idx, choice]


def _common_cell(ua: NDArray[np.float64], theta: float, vb: NDArray[np.float64], strain_on: str) -> NDArray[np.float64]:
    """The common cell (rows, A's frame) of the convention ``strain_on``: B's basis ``vb`` turned by theta."""
    c, si = math.cos(theta), math.sin(theta)
    rb = vb @ np.array([[c, -si], [si, c]]).T
    return {"a": rb, "b": ua, "both": 0.5 * (ua + rb)}[strain_on]


def _bounds(
    area_a: float, area_b: float, max_atoms: Any, max_area: Any, per_cell: tuple[int, int]
) -> tuple[int, int, float]:
    """Largest multiplicities of A and B and the largest area (A^2) allowed."""
    limit = math.inf
    if max_area is not None:
        limit = _checks.positive(max_area, "max_area", "A^2")
    n_a = n_b = DEFAULT_MAX_INDEX if max_area is None and max_atoms is None else 10**6
    if max_area is not None:
        n_a, n_b = min(n_a, int(limit / area_a + 1e-9)), min(n_b, int(limit / area_b + 1e-9))
    if max_atoms is not None:
        cap = int(_checks.positive(max_atoms, "max_atoms", ""))
        n_a = min(n_a, cap // per_cell[0])
        n_b = min(n_b, cap // per_cell[1])
    return n_a, n_b, limit


def _per_cell(atoms_per_cell: Any) -> tuple[int, int]:
    try:
        n_a, n_b = (int(v) for v in atoms_per_cell)
    except (TypeError, ValueError):
        raise InputError(f"atoms_per_cell must be two positive integers, got {atoms_per_cell!r}") from None
    if n_a < 1 or n_b < 1:
        raise InputError(f"atoms_per_cell must be two positive integers, got {atoms_per_cell!r}")
    return n_a, n_b


def _reduced_supercells(cell: NDArray[np.float64], n: int) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Integer matrices (k, 2, 2) and reduced supercell bases (k, 2, 2) of the index-n sublattices of ``cell``.

    Sublattices whose reduced bases have the same metric (Gram matrix) are the same lattice turned about the
    normal; only the first is kept, so a match is found once per distinct shape.
    """
    mats, bases, shapes = [], [], set()
    scale = math.sqrt(n * abs(_cross(*cell)))
    for h in _hermite_forms(n):
        u, t = reduce_basis(h @ cell)
        shape = tuple(np.round(np.append(u @ u.T, 0.0).ravel() / scale**2, 9))
        if shape in shapes:  # the same reduced lattice turned (a symmetry of the crystal): one is enough
            continue
        shapes.add(shape)
        mats.append(t @ h)
        bases.append(u)
    return np.array(mats), np.array(bases)


def _shape(bases: NDArray[np.float64]) -> NDArray[np.float64]:
    """Lengths of the two reduced vectors and |cos| of their angle, shape (k, 3): invariants of a reduced lattice."""
    lengths = np.linalg.norm(bases, axis=2)
    cos = np.abs(np.einsum("ki,ki->k", bases[:, 0], bases[:, 1])) / (lengths[:, 0] * lengths[:, 1])
    return np.column_stack([lengths, cos])


def _repeats(big: LatticeMatch, small: LatticeMatch) -> bool:
    """Whether ``big`` repeats ``small``: j times the atoms of each side (one integer j) and the same strains."""
    j = big.atoms[0] // small.atoms[0]
    if j < 2 or big.atoms != (j * small.atoms[0], j * small.atoms[1]):
        return False
    return all(
        np.allclose(np.linalg.eigvalsh(getattr(big, f)), np.linalg.eigvalsh(getattr(small, f)), atol=1e-7)
        for f in ("strain_a", "strain_b")
    )


def match_lattices(
    a_cell: Any,
    b_cell: Any,
    *,
    max_strain: float = DEFAULT_MAX_STRAIN,
    max_atoms: int | None = None,
    max_area: float | None = None,
    atoms_per_cell: tuple[int, int] = (1, 1),
    strain_on: str = "both",
) -> tuple[LatticeMatch, ...]:
    """Coincidence supercells of two in-plane lattices (Zur & McGill, J. Appl. Phys. 55, 378 (1984)).

    Parameters
    ----------
    a_cell, b_cell : array_like, shape (2, 2) or (2, 3)
        In-plane lattice vectors of A and B as rows, A (2x3: z must be 0).
    max_strain : float
        Largest principal strain either side may carry (dimensionless, e.g. 0.02 for 2 %).
    max_atoms : int, optional
        Most atoms (both sides) in the common cell, counted with ``atoms_per_cell``.
    max_area : float, optional
        Largest area of the common cell, A^2.  With neither bound, multiplicities up to
        :data:`DEFAULT_MAX_INDEX` on each side are searched.
    atoms_per_cell : (int, int)
        Atoms in one cell of ``a_cell`` and of ``b_cell`` (times any repeat along the normal).
    strain_on : {"a", "b", "both"}
        Which side is strained onto the other (see the module docstring).

    Returns
    -------
    tuple of LatticeMatch
        Sorted by total atom count, then by the largest strain, then by the rotation.
    """
    ua0, ub0 = in_plane_cell(a_cell, "a_cell"), in_plane_cell(b_cell, "b_cell")
    eps = _checks.positive(max_strain, "max_strain", "")
    if strain_on not in STRAIN_ON:
        raise InputError(f"strain_on must be one of {', '.join(STRAIN_ON)}, got {strain_on!r}")
    per_cell = _per_cell(atoms_per_cell)
    area_a, area_b = abs(_cross(*ua0)), abs(_cross(*ub0))
    n_a_max, n_b_max, area_limit = _bounds(area_a, area_b, max_atoms, max_area, per_cell)
    cap = math.inf if max_atoms is None else int(max_atoms)
    # the area ratio of the strained side is det S' (or its half-way analogue): bounded by (1 + 2 eps)^2
    ratio_tol = (1 + 2 * eps) ** 2
    found: list[LatticeMatch] = []
    sub_a: dict[int, Any] = {}
    sub_b: dict[int, Any] = {}
    for n_a in range(1, n_a_max + 1):
        for n_b in range(1, n_b_max + 1):
            if not 1 / ratio_tol <= (n_a * area_a) / (n_b * area_b) <= ratio_tol:
                continue
            if n_a * per_cell[0] + n_b * per_cell[1] > cap:
                continue
            if n_a not in sub_a:
                sub_a[n_a] = _reduced_supercells(ua0, n_a)
            if n_b not in sub_b:
                sub_b[n_b] = _reduced_supercells(ub0, n_b)
            found += _matches(sub_a[n_a], sub_b[n_b], (n_a, n_b), per_cell, eps, strain_on)
    found = [m for m in found if m.area_angstrom2 <= area_limit * (1 + 1e-9)]
    return _distinct(found)


def _matches(
    cells_a: tuple[NDArray[np.int64], NDArray[np.float64]],
    cells_b: tuple[NDArray[np.int64], NDArray[np.float64]],
    n: tuple[int, int],
    per_cell: tuple[int, int],
    eps: float,
    strain_on: str,
) -> list[LatticeMatch]:
    """Every accepted pairing of one supercell of A with one of B (both of given multiplicities).

    A first screen compares the invariants of the two reduced lattices (the two shortest lengths and the
    angle), which a strain of at most 2 eps changes by less than the bound used; the survivors get the exact
    polar decomposition.
    """
    (mas, uas), (mbs, ubs) = cells_a, cells_b
    sa, sb = _shape(uas), _shape(ubs)
    tol = 2.5 * eps + 1e-9
    close = (np.abs(sa[:, None, :2] / sb[None, :, :2] - 1) <= tol).all(axis=2)
    close &= np.abs(sa[:, None, 2] - sb[None, :, 2]) <= 3 * tol
    ia, ib = np.nonzero(close)
    if ia.size == 0:
        return []
    worst, theta, choice, ea, eb = _best_pairings(uas[ia], ubs[ib], strain_on)
    out = []
    for k in np.flatnonzero(worst <= eps + 1e-12):
        p = _PAIRINGS[choice[k]]
        common = _common_cell(uas[ia[k]], float(theta[k]), p @ ubs[ib[k]], strain_on)
        out.append(
            LatticeMatch(
                matrix_a=mas[ia[k]],
                matrix_b=p @ mbs[ib[k]],
                common_cell_angstrom=common,
                strain_a=ea[k],
                strain_b=eb[k],
                max_strain_a=float(_largest(ea[k])),
                max_strain_b=float(_largest(eb[k])),
                rotation_deg=math.degrees(theta[k]),
                area_angstrom2=abs(_cross(*common)),
                atoms=(n[0] * per_cell[0], n[1] * per_cell[1]),
                strain_on=strain_on,
            )
        )
    return out


def _distinct(found: list[LatticeMatch]) -> tuple[LatticeMatch, ...]:
    """Sorted; repeats (same multiplicities and principal strains) and multiples of smaller matches dropped."""
    found.sort(key=lambda m: (m.n_atoms, round(m.max_strain, 9), round(abs(m.rotation_deg), 6)))
    kept: list[LatticeMatch] = []
    seen = set()
    for m in found:
        key = (
            m.atoms,
            tuple(np.round(np.linalg.eigvalsh(m.strain_a), 7)),
            tuple(np.round(np.linalg.eigvalsh(m.strain_b), 7)),
        )
        if key in seen or any(_repeats(m, k) for k in kept):
            continue
        seen.add(key)
        kept.append(m)
    return tuple(kept)


__all__ = ["DEFAULT_MAX_STRAIN", "STRAIN_ON", "LatticeMatch", "in_plane_cell", "match_lattices", "reduce_basis"]
