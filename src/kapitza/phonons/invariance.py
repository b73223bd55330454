r"""The rotational sum rule of force constants computed in a finite supercell.

Why
---
A rotation of the whole crystal changes no energy.  Differentiating the forces under an infinitesimal rotation, with
the acoustic sum rule, gives for every atom :math:`\kappa` (Born and Huang, *Dynamical Theory of Crystal Lattices*
(1954), the rotational invariance conditions)

.. math:: \sum_j \Phi_{\alpha\beta}(\kappa, j)\, \epsilon_{\beta\gamma\delta} R_\delta(\kappa, j)
          = -\epsilon_{\alpha\gamma\delta} F_\delta(\kappa),

and summed over the atoms of the primitive cell the forces cancel (translational invariance), whether or not the
structure is exactly relaxed.  So the tensor

.. math:: T_{\alpha\beta\gamma} = \sum_{\kappa \in \text{cell}} \sum_j \Phi_{\alpha\beta}(\kappa, j) R_\gamma(\kappa, j)

is symmetric in :math:`\beta\gamma`.  Force constants with the index-permutation symmetry make it antisymmetric in
:math:`\alpha\beta`, and a tensor with both vanishes: :math:`T = 0`.  :math:`T` is the term linear in the wave
vector of the dynamical matrix projected on the acoustic modes at Gamma, :math:`i q_\gamma T_{\alpha\beta\gamma} /
M_\text{cell}`: an imaginary antisymmetric 3x3 matrix, whose eigenvalues :math:`0, \pm |q \cdot T| / M` make one
acoustic branch go as :math:`\omega^2 \propto -q` (imaginary) and one as :math:`+q` next to Gamma.

Force constants cut off by a supercell (phonopy's, from finite displacements: pairs beyond the supercell's
Wigner-Seitz cell are folded onto shorter vectors) do not obey it.  Symmetry makes :math:`T` vanish in crystals with
a centre of inversion or a cubic point group such as zincblende's; in a polar crystal (wurtzite: AlN, GaN, ZnO) it
does not.  Measured with CHGNet 0.3.0 on AlN (4x4x2 supercell, 128 atoms): :math:`|T|` = 0.42 eV/A (the nearest
shells contribute +-6 to 8 eV/A each and cancel to that residue), the lowest acoustic branch along a* imaginary
up to q = 0.003 a* (-0.045 THz at 0.001 a*), so that the crystal had no long-wavelength limit; 6x6x3 (432 atoms)
lowers :math:`|T|` to 0.093 eV/A, still imaginary; a ten times larger displacement (0.01 A) does not lower it
(0.64 eV/A): the cut-off, not the noise of the forces.

What
----
:func:`restore_rotational_sum_rule` adds the smallest change to the force constants of the nearest-neighbour pairs
(:data:`SHELL` times the shortest distance) that makes :math:`T = 0`, keeping the acoustic sum rule and the
index-permutation symmetry (phonopy's :func:`symmetrize_force_constants`, a linear map, is applied to the change);
the change is :math:`\Delta\Phi(\kappa, j) = \lambda_{\alpha\beta\gamma} R_\gamma(\kappa, j)` on those pairs with
:math:`\lambda` antisymmetric in :math:`\alpha\beta`, the least-squares solution of :math:`T(\Phi + \Delta\Phi) = 0`.
The pair vectors are those of phonopy's dynamical matrix (its shortest vectors, averaged over equidistant images),
so the linear term it builds is the one removed.  On AlN (CHGNet, above): the largest change is 0.24 % of the
largest force constant, the acoustic branches are linear in q from 1e-4 a* on and all positive, and the
frequencies at 0.01 a* move by at most 0.02 THz.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..io.results import result

#: Pairs whose force constants carry the correction: up to this multiple of the shortest interatomic distance (the
#: nearest-neighbour shell; AlN: the four Al-N bonds of 1.903 and 1.905 A).  Wider shells tried in turn where the
#: nearest one cannot cancel every component the symmetry allows.
SHELL = 1.1
WIDER_SHELLS = (1.5, 2.5)
#: |T| at or below this fraction of (largest force constant x shortest distance) is rounding, left alone.
TOLERANCE = 1e-9


@result
class RotationalSumRule:
    """Force constants with the summed rotational invariance restored (see the module docstring).

    Attributes
    ----------
    force_constants : ndarray
        The corrected force constants, eV/A^2, in the layout given: (N, N, 3, 3) or phonopy's compact (p, N, 3, 3).
    before : float
        Largest component of T before, eV/A.
    after : float
        Largest component of T after, eV/A.
    change : float
        Largest change of a force constant as a fraction of the largest force constant (0: none needed).
    shell_angstrom : float
        Pairs up to this length carry the change, A (a phonopy file's length unit where it has another; 0: none
        needed).
    """

    force_constants: NDArray[np.float64]
    before: float
    after: float
    change: float
    shell_angstrom: float

    @property
    def corrected(self) -> bool:
        return self.change > 0.0

    def describe(self, unit: str = "eV/A", length: str = "A") -> str:
        """One clause for a record's source line ('' where nothing was changed); ``unit`` and ``length``: those of
        the force constants and positions (a phonopy file's calculator may use others)."""
        if not self.corrected:
            return ""
        return (
            f"rotational sum rule restored (linear term {self.before:.3g} {unit} -> {self.after:.1g}; pairs up to "
            f"{self.shell_angstrom:.2f} {length} changed by at most {100 * self.change:.2g} % of the largest force "
            "constant)"
        )


def pair_vectors(phonopy: Any) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """From each atom of the primitive cell to each supercell atom: the vector of phonopy's dynamical matrix (the
    mean of the equidistant shortest images, Cartesian A) and the length of one image, shapes (p, N, 3), (p, N)."""
    from phonopy.structure.cells import sparse_to_dense_svecs

    prim = phonopy.primitive
    svecs, multi = prim.get_smallest_vectors()
    if not prim.store_dense_svecs:
        svecs, multi = sparse_to_dense_svecs(svecs, multi)
    cart = np.asarray(svecs, dtype=float) @ np.asarray(prim.cell, dtype=float)
    count, start = multi[..., 0], multi[..., 1]  # (N, p)
    summed = np.concatenate((np.zeros((1, 3)), np.cumsum(cart, axis=0)))
    mean = (summed[start + count] - summed[start]) / count[..., None]
    length = np.linalg.norm(cart[start], axis=-1)
    return np.transpose(mean, (1, 0, 2)), length.T


def linear_term(force_constants: NDArray[np.float64], phonopy: Any, vectors: NDArray[np.float64] | None = None):
    """T_abg = sum over the primitive cell's atoms and all supercell atoms of Phi_ab R_g, eV/A, shape (3, 3, 3)."""
    r = pair_vectors(phonopy)[0] if vectors is None else vectors
    return np.einsum("pjab,pjg->abg", _rows(np.asarray(force_constants), phonopy), r)


def _rows(fc: NDArray[np.float64], phonopy: Any) -> NDArray[np.float64]:
    """The rows of the primitive cell's atoms: all of a compact array (p, N, 3, 3), those of a full one."""
    return fc if fc.shape[0] != fc.shape[1] else fc[np.asarray(phonopy.primitive.p2s_map)]


def _basis() -> list[NDArray[np.float64]]:
    """The nine tensors antisymmetric in their first two indices."""
    out = []
    for a, b in ((0, 1), (0, 2), (1, 2)):
        for g in range(3):
            lam = np.zeros((3, 3, 3))
            lam[a, b, g], lam[b, a, g] = 1.0, -1.0
            out.append(lam)
    return out


def _change(lam: NDArray[np.float64], vectors: NDArray[np.float64], weight: NDArray[np.float64], phonopy: Any):
    """The symmetrised full-layout change of the force constants for one lambda."""
    from phonopy.harmonic.force_constants import compact_fc_to_full_fc, symmetrize_force_constants

    prim = phonopy.primitive
    compact = np.einsum("abg,pjg,pj->pjab", lam, vectors, weight)
    for p, s in enumerate(prim.p2s_map):
        compact[p, s] -= compact[p].sum(axis=0)  # the acoustic sum rule, before the symmetrisation keeps it
    full = compact_fc_to_full_fc(prim, compact)
    symmetrize_force_constants(full)
    return full


def restore_rotational_sum_rule(force_constants: NDArray[np.float64], phonopy: Any) -> RotationalSumRule:
    """The force constants (phonopy's full (N, N, 3, 3) or compact (p, N, 3, 3) layout, of ``phonopy``'s supercell)
    with T = 0, in the same layout (see the module docstring).

    ``phonopy``: the Phonopy object whose supercell and primitive cell the force constants belong to (its own force
    constants are not read or changed).
    """
    fc = np.asarray(force_constants, dtype=float)
    vectors, length = pair_vectors(phonopy)
    t0 = linear_term(fc, phonopy, vectors)
    before = float(np.abs(t0).max())
    pairs = length[length > 1e-8]
    if pairs.size == 0:  # a supercell of one atom: no pair to carry a change (and T = 0: R is 0)
        return RotationalSumRule(force_constants=fc, before=before, after=before, change=0.0, shell_angstrom=0.0)
    nearest = float(pairs.min())
    scale = float(np.abs(fc).max()) * nearest
    if before <= TOLERANCE * scale:
        return RotationalSumRule(force_constants=fc, before=before, after=before, change=0.0, shell_angstrom=0.0)
    basis = _basis()
    best = None
    for factor in (SHELL, *WIDER_SHELLS):
        shell = factor * nearest
        weight = ((length > 1e-8) & (length <= shell * (1.0 + 1e-9))).astype(float)
        # the map lambda -> T(change) is linear (so is the symmetrisation): its matrix from the nine basis tensors
        columns = np.stack(
            [linear_term(_change(lam, vectors, weight, phonopy), phonopy, vectors).ravel() for lam in basis], axis=1
        )
        lam, *_ = np.linalg.lstsq(columns, -t0.ravel(), rcond=1e-10)
        delta = _change(np.tensordot(lam, np.asarray(basis), axes=1), vectors, weight, phonopy)
        if fc.shape[0] != fc.shape[1]:
            delta = delta[np.asarray(phonopy.primitive.p2s_map)]
        new = fc + delta
        after = float(np.abs(linear_term(new, phonopy, vectors)).max())
        if best is None or after < best[1]:
            best = (new, after, shell, float(np.abs(delta).max() / np.abs(fc).max()))
        if after <= TOLERANCE * scale:
            break
    new, after, shell, change = best
    return RotationalSumRule(force_constants=new, before=before, after=after, change=change, shell_angstrom=shell)
