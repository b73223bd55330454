r"""The layered harmonic model that the AGF solver works on.

A :class:`LayeredModel` holds the mass-weighted force constants
:math:`D_{\mathbf n} = M^{-1/2}\Phi(0, \mathbf n)M^{-1/2}` (s^-2) between the
atoms of one lateral cell and the atoms of the cell translated by the
in-plane lattice vector :math:`\mathbf n = (n_1, n_2)`, for every
translation within the force range, diagonal ones included.  Its degrees of
freedom are ordered along the transport direction::

    [ left unit U_-1 | left unit U_0 | slice 1 | ... | slice N | right unit U_1 | right unit U_2 ]

U_-1/U_0 (and U_1/U_2) are two consecutive principal layers of the left
(right) lead; the device is split into slices that couple only to their
neighbours.  At a transverse wavevector with fractional coordinates
:math:`\kappa` (units of the reciprocal lateral lattice),

.. math:: D(\kappa) = \sum_{\mathbf n} D_{\mathbf n}\, e^{2\pi i\,\kappa\cdot\mathbf n},

which is Hermitian because :math:`D_{-\mathbf n} = D_{\mathbf n}^T`.
:meth:`LayeredModel.blocks_at` cuts :math:`D(\kappa)` into the dense blocks of
:mod:`.kernels`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from ...errors import InputError
from ...io.results import freeze_value
from .kernels import DeviceBlocks, LeadBlocks


@dataclass(frozen=True)
class LayeredModel:
    """Mass-weighted force constants of lead | device | lead, ready for the AGF solver.

    The array attributes are read-only (a writeable array given is copied first); the sparse
    ``matrices`` are kept as given.

    Attributes
    ----------
    translations : ndarray
        In-plane lattice translations n = (n1, n2), shape (n_R, 2), int.
    matrices : tuple of scipy.sparse.csr_matrix
        D_n in s^-2, each of shape (n_dof, n_dof); ``matrices[i]`` belongs to ``translations[i]``.
    bounds : tuple of int
        DOF offsets of ``[U_-1, U_0, slice_1..slice_N, U_1, U_2]``: block j spans
        ``bounds[j]:bounds[j+1]``; length N + 5.
    atom_of_dof : ndarray
        Atom index (into ``positions``) of each DOF, shape (n_dof,).
    positions : ndarray
        Atom positions in m, shape (n_atoms, 3); z is the transport direction.
    masses : ndarray
        kg, shape (n_atoms,).
    lateral_cell : ndarray or None
        In-plane lattice vectors a1, a2 as rows, m, shape (2, 3); None for a 1D model.
    labels : tuple of str
        A label per atom (species or side), shape (n_atoms,).
    metadata : Mapping
        Free-form description of how the model was made (JSON-able).
    """

    translations: NDArray[np.int64]
    matrices: tuple[Any, ...]
    bounds: tuple[int, ...]
    atom_of_dof: NDArray[np.int64]
    positions: NDArray[np.float64]
    masses: NDArray[np.float64]
    lateral_cell: NDArray[np.float64] | None = None
    labels: tuple[str, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        t = np.asarray(self.translations, dtype=np.int64).reshape(-1, 2)
        object.__setattr__(self, "translations", t)
        if len(self.matrices) != t.shape[0]:
            raise InputError(f"{len(self.matrices)} matrices for {t.shape[0]} translations")
        if len(self.bounds) < 6:
            raise InputError("a layered model needs two units per lead and at least one device slice")
        if any(b1 <= b0 for b0, b1 in zip(self.bounds[:-1], self.bounds[1:])):
            raise InputError(f"block bounds must increase strictly, got {self.bounds}")
        n = self.bounds[-1]
        for m in self.matrices:
            if m.shape != (n, n):
                raise InputError(f"matrix shape {m.shape} does not match {n} degrees of freedom")
        if self.bounds[1] - self.bounds[0] != self.bounds[2] - self.bounds[1]:
            raise InputError("the two left lead units differ in size")
        if self.bounds[-1] - self.bounds[-2] != self.bounds[-2] - self.bounds[-3]:
            raise InputError("the two right lead units differ in size")
        object.__setattr__(self, "metadata", MappingProxyType(dict(self.metadata)))
        # read-only arrays, as every result's (a writeable array given is copied first, the caller's is untouched)
        for name in ("translations", "atom_of_dof", "positions", "masses", "lateral_cell"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, freeze_value(np.asarray(value)))

    # ------------------------------------------------------------------ sizes
    @property
    def n_dof(self) -> int:
        return int(self.bounds[-1])

    @property
    def n_slices(self) -> int:
        """Number of device slices N."""
        return len(self.bounds) - 5

    @property
    def slice_sizes(self) -> tuple[int, ...]:
        """DOFs per device slice, length N."""
        b = self.bounds
        return tuple(int(b[j + 1] - b[j]) for j in range(2, 2 + self.n_slices))

    @property
    def lead_sizes(self) -> tuple[int, int]:
        """DOFs per unit of the left and right leads."""
        b = self.bounds
        return int(b[1] - b[0]), int(b[-1] - b[-2])

    @property
    def area(self) -> float | None:
        """Lateral cell area in m^2 (None for a 1D model)."""
        if self.lateral_cell is None:
            return None
        a1, a2 = self.lateral_cell
        return float(np.linalg.norm(np.cross(a1, a2)))

    def block_range(self, j: int) -> slice:
        """DOF range of block j of ``[U_-1, U_0, slices..., U_1, U_2]``."""
        return slice(self.bounds[j], self.bounds[j + 1])

    def slice_atoms(self, s: int) -> NDArray[np.int64]:
        """Atom indices of device slice s (0-based), in DOF order."""
        dofs = self.atom_of_dof[self.block_range(2 + s)]
        _, first = np.unique(dofs, return_index=True)
        return dofs[np.sort(first)]

    # ------------------------------------------------------------ k-resolved
    def matrix_at(self, kappa: ArrayLike) -> Any:
        """D(kappa) = sum_n D_n exp(2 pi i kappa.n) as a sparse complex matrix (s^-2)."""
        k = np.asarray(kappa, dtype=float).reshape(2)
        phases = np.exp(2j * np.pi * (self.translations @ k))
        total = None
        for phase, m in zip(phases, self.matrices):
            term = m * phase
            total = term if total is None else total + term
        return sp.csr_matrix(total)

    def blocks_at(self, kappa: ArrayLike) -> tuple[LeadBlocks, DeviceBlocks, LeadBlocks]:
        """Dense lead and device blocks at the fractional transverse wavevector ``kappa`` (shape (2,))."""
        d = self.matrix_at(kappa)
        r = self.block_range
        n_blocks = len(self.bounds) - 1

        def blk(i: int, j: int) -> NDArray[np.complex128]:
            return d[r(i), r(j)].toarray()

        first, last = 2, n_blocks - 3  # first and last device slices
        left = LeadBlocks(onsite=blk(1, 1), inward=blk(0, 1), contact=blk(1, first))
        right = LeadBlocks(
            onsite=blk(n_blocks - 2, n_blocks - 2),
            inward=blk(n_blocks - 1, n_blocks - 2),
            contact=blk(n_blocks - 2, last),
        )
        onsite = tuple(blk(s, s) for s in range(first, last + 1))
        coupling = tuple(blk(s, s + 1) for s in range(first, last))
        return left, DeviceBlocks(onsite=onsite, coupling=coupling), right

    def lead_blocks(self, side: str, kappa: ArrayLike) -> tuple[NDArray[np.complex128], NDArray[np.complex128]]:
        """(H_00, H_01) of a lead at ``kappa``: on-site and unit-to-next-unit coupling (left to right).

        ``side`` is "left" or "right".  H_01 couples unit j to unit j+1 along +z.
        """
        d = self.matrix_at(kappa)
        r = self.block_range
        n_blocks = len(self.bounds) - 1
        if side == "left":
            return d[r(1), r(1)].toarray(), d[r(0), r(1)].toarray()
        if side == "right":
            return d[r(n_blocks - 2), r(n_blocks - 2)].toarray(), d[r(n_blocks - 2), r(n_blocks - 1)].toarray()
        raise InputError(f"side must be 'left' or 'right', got {side!r}")

    def check(self, kappa: ArrayLike = (0.137, 0.291), tolerance: float = 1e-9) -> None:
        """Raise InputError unless the model is a valid layered chain at ``kappa``.

        Checks: D(kappa) is Hermitian; only neighbouring blocks couple; the two
        units of each lead are identical (the leads are periodic).
        """
        d = self.matrix_at(kappa)
        scale = max(abs(d).max(), 1e-300)
        asym = abs(d - d.conj().T).max()
        if asym > tolerance * scale:
            raise InputError(f"the dynamical matrix is not Hermitian (relative asymmetry {asym / scale:.2e})")
        n_blocks = len(self.bounds) - 1
        coo = sp.coo_matrix(d)
        which = np.searchsorted(np.asarray(self.bounds), np.arange(self.n_dof), side="right") - 1
        big = np.abs(coo.data) > tolerance * scale
        far = np.abs(which[coo.row[big]] - which[coo.col[big]]) > 1
        if far.any():
            i, j = which[coo.row[big][far][0]], which[coo.col[big][far][0]]
            raise InputError(
                f"blocks {_block_name(i, n_blocks)} and {_block_name(j, n_blocks)} couple although they are not "
                "neighbours: the principal layers (or device slices) are thinner than the force range"
            )
        r = self.block_range
        for name, (a, b) in (("left", (0, 1)), ("right", (n_blocks - 2, n_blocks - 1))):
            diff = abs(d[r(a), r(a)] - d[r(b), r(b)]).max()
            if diff > 1e-6 * scale:
                raise InputError(
                    f"the two {name} lead units differ (relative difference {diff / scale:.2e}): the {name} lead is "
                    "not periodic; make the device thicker so that the interface does not perturb the lead"
                )


def _block_name(j: int, n_blocks: int) -> str:
    names = {
        0: "U_-1 (left lead)",
        1: "U_0 (left lead)",
        n_blocks - 2: "U_1 (right lead)",
        n_blocks - 1: "U_2 (right lead)",
    }
    return names.get(int(j), f"device slice {int(j) - 1}")


def chain_model(
    m1: float,
    m2: float,
    k1: float,
    k2: float,
    k12: float,
    device_sites: tuple[int, int] = (2, 2),
) -> LayeredModel:
    """Two semi-infinite monatomic chains joined by a spring, as a layered model (1D, one DOF per site).

    Parameters
    ----------
    m1, m2 : float
        Masses of the left and right chains, kg.
    k1, k2, k12 : float
        Springs of the left chain, right chain and the junction, N/m.
    device_sites : (int, int)
        Sites of each chain inside the device (>= 1 each).

    Returns
    -------
    LayeredModel
        With one translation (0, 0) and ``lateral_cell=None``; every site is one
        slice, so the recursion is exercised site by site.
    """
    for name, v in (("m1", m1), ("m2", m2), ("k1", k1), ("k2", k2), ("k12", k12)):
        if not np.isfinite(v) or v <= 0:
            raise InputError(f"{name} must be a finite positive number, got {v!r}")
    nl, nr = device_sites
    if nl < 1 or nr < 1:
        raise InputError(f"device_sites must both be >= 1, got {device_sites!r}")
    masses = np.array([m1] * (2 + nl) + [m2] * (nr + 2))
    n = masses.size
    springs = np.array([k1] * (nl + 1) + [k12] + [k2] * (nr + 1))  # between site i and i+1
    phi = np.zeros((n, n))
    for i, k in enumerate(springs):
        phi[i, i] += k
        phi[i + 1, i + 1] += k
        phi[i, i + 1] -= k
        phi[i + 1, i] -= k
    # the outermost sites also have the spring to the rest of their semi-infinite chain
    phi[0, 0] += k1
    phi[-1, -1] += k2
    d = phi / np.sqrt(np.outer(masses, masses))
    return LayeredModel(
        translations=np.zeros((1, 2), dtype=np.int64),
        matrices=(sp.csr_matrix(d),),
        bounds=tuple(range(n + 1)),
        atom_of_dof=np.arange(n),
        positions=np.column_stack([np.zeros(n), np.zeros(n), np.arange(n, dtype=float)]),
        masses=masses,
        lateral_cell=None,
        labels=tuple(["left"] * (2 + nl) + ["right"] * (nr + 2)),
        metadata={"kind": "chain", "m1": m1, "m2": m2, "k1": k1, "k2": k2, "k12": k12},
    )


def as_kappa(points: Sequence[Sequence[float]] | NDArray[np.float64]) -> NDArray[np.float64]:
    """Validate fractional transverse wavevectors, shape (n_k, 2)."""
    k = np.asarray(points, dtype=float)
    if k.ndim != 2 or k.shape[1] != 2 or not np.all(np.isfinite(k)):
        raise InputError(f"transverse wavevectors must be finite, shape (n_k, 2); got shape {k.shape}")
    return k
