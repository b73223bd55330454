r"""Leads of an N1 x N2 lateral supercell from the leads of the primitive lateral cell (zone folding).

An interface modelled in an N1 x N2 lateral supercell (to hold intermixing or
roughness) still has perfect crystals as leads, periodic with the primitive
lateral cell.  At the supercell's transverse wavevector :math:`\kappa`
(fractional, supercell reciprocal units) such a lead is N1 N2 independent
primitive leads, at

.. math:: q_{st} = \left(\frac{\kappa_1 + s}{N_1}, \frac{\kappa_2 + t}{N_2}\right),
          \qquad s < N_1,\ t < N_2

(fractional, primitive reciprocal units).  With :math:`R_d` the primitive
lateral translation of supercell degree of freedom d and :math:`p_d` its
primitive counterpart, the unitary :math:`P_{d,(st,p)} = \delta_{p p_d}
e^{2\pi i q_{st}\cdot R_d}/\sqrt{N_1 N_2}` block-diagonalises every lead
block, :math:`P^\dagger H(\kappa) P = \oplus_{st} H^{prim}(q_{st})` (checked
when the fold is made).  The surface Green's function is block-diagonal in the
same basis, so the self-energy on the device slice is

.. math:: \Sigma(\kappa) = \sum_{st} C_{st}^\dagger\, g_s^{prim}(q_{st})\, C_{st},
          \qquad C_{st} = P_{st}^\dagger C,

N1 N2 lead problems of the primitive size instead of one of N1 N2 times that
size (the cost of a lead falls from :math:`(N_1N_2)^3` to :math:`N_1N_2`
primitive ones, plus the products with C), and the supercell lead's channel
count is the sum of the primitive ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..._backend import Backend, backend_of
from ...errors import InputError
from . import kernels
from .model import LayeredModel

#: Largest relative difference between the folded supercell lead blocks and the primitive ones accepted.
FOLD_TOLERANCE = 1e-8


@dataclass(frozen=True)
class LeadFold:
    """How the ``side`` lead unit of a supercell model maps onto the primitive model's lead unit.

    Attributes
    ----------
    side : str
        "left" or "right".
    primitive : LayeredModel
        The same interface in the primitive lateral cell (its leads are used, its device is not).
    repeats : (int, int)
        N1, N2.
    prim_dof : ndarray
        Primitive lead-unit DOF of each supercell lead-unit DOF, shape (n_lead,).
    translation : ndarray
        Primitive lateral translation R_d (integers) of each supercell lead-unit DOF, shape (n_lead, 2).
    """

    side: str
    primitive: LayeredModel
    repeats: tuple[int, int]
    prim_dof: NDArray[np.int64]
    translation: NDArray[np.int64]

    def qpoints(self, kappa: ArrayLike) -> NDArray[np.float64]:
        """The primitive wavevectors q_st folded onto supercell ``kappa``, shape (N1 N2, 2)."""
        k = np.asarray(kappa, dtype=float).reshape(2)
        n1, n2 = self.repeats
        return np.array([((k[0] + s) / n1, (k[1] + t) / n2) for s in range(n1) for t in range(n2)])

    def phases(self, q: NDArray[np.float64]) -> NDArray[np.complex128]:
        """exp(2 pi i q.R_d) / sqrt(N1 N2) for every supercell DOF, shape (n_lead,)."""
        n = self.repeats[0] * self.repeats[1]
        return np.exp(2j * np.pi * (self.translation @ q)) / np.sqrt(n)

    def primitive_lead(self, q: NDArray[np.float64]) -> kernels.LeadBlocks:
        left, _, right = self.primitive.blocks_at(q)
        return left if self.side == "left" else right

    def blocks(self, lead: kernels.LeadBlocks, kappa: ArrayLike) -> FoldedLead:
        """The folded form of the supercell ``lead`` (from ``model.blocks_at(kappa)``) at ``kappa``."""
        parts = []
        n_prim = self.primitive.lead_sizes[0 if self.side == "left" else 1]
        for q in self.qpoints(kappa):
            prim = self.primitive_lead(q)
            weights = self.phases(q).conj()[:, None] * lead.contact  # P_st^dagger C, row by row
            contact = np.zeros((n_prim, lead.contact.shape[1]), dtype=complex)
            np.add.at(contact, self.prim_dof, weights)
            parts.append(kernels.LeadBlocks(onsite=prim.onsite, inward=prim.inward, contact=contact))
        return FoldedLead(parts=tuple(parts))


@dataclass(frozen=True)
class FoldedLead:
    """A supercell lead at one kappa as N1 N2 primitive leads, each with its share of the contact to the device."""

    parts: tuple[kernels.LeadBlocks, ...]

    @property
    def boundary(self) -> NDArray[np.intp]:
        """The boundary DOFs of the primitive leads (their size sets the lead method)."""
        return max((p.boundary for p in self.parts), key=lambda b: b.size)

    def self_energy(self, z: kernels.Complex, method: str) -> kernels.SelfEnergy:
        """Sigma on the device slice, the sum of the primitive leads' (shape (B, m, m)); no surface function.

        All N1 N2 primitive leads and all z are solved as one stack (on the union of their boundary DOFs),
        and the sum over the leads is one product: Sigma = sum_st C_st,b^dagger g_st C_st,b.
        """
        xp = backend_of(z)
        n_parts, nz = len(self.parts), z.shape[0]
        onsite = xp.stack([xp.asarray(p.onsite) for p in self.parts])
        inward = xp.stack([xp.asarray(p.inward) for p in self.parts])
        contact = xp.stack([xp.asarray(p.contact) for p in self.parts])  # (P, n0, m)
        b = self.union_boundary
        r = np.setdiff1d(np.arange(onsite.shape[-1]), b)
        zz = xp.tile(z, n_parts)  # part-major: index = part * nz + iz
        blocks = kernels.reduce_chain(zz, xp.repeat(onsite, nz, axis=0), xp.repeat(inward, nz, axis=0), b, r)
        g_s, steps = kernels.surface_green(zz, *blocks, method)
        cb = contact[:, xp.index(b), :]  # (P, nb, m)
        x = g_s.reshape(n_parts, nz, b.size, b.size) @ cb[:, None]  # (P, nz, nb, m)
        x = xp.swapaxes(x, 0, 1).reshape(nz, n_parts * b.size, -1)
        sigma = xp.conj(cb.reshape(n_parts * b.size, -1)).T @ x
        steps = xp.amax(steps.reshape(n_parts, nz), 0)
        return kernels.SelfEnergy(sigma=sigma, steps=steps, surface=xp.zeros((nz, 0, 0), dtype=xp.complex128))

    def to_backend(self, backend: Backend) -> FoldedLead:
        """This folded lead with its primitive leads' blocks on ``backend`` (see :func:`.kernels.to_backend`)."""
        return FoldedLead(parts=tuple(kernels.to_backend(p, backend) for p in self.parts))

    @property
    def union_boundary(self) -> NDArray[np.intp]:
        """DOFs of a primitive lead unit that couple toward the device in any of the folded leads."""
        return np.unique(np.concatenate([p.boundary for p in self.parts])).astype(np.intp)

    def channels(self, z: kernels.Complex) -> NDArray[np.int64]:
        """Open channels of the supercell lead at real z, the sum of the primitive leads', shape (B,).

        One stack over all primitive leads and z (:func:`.kernels.propagating_channels`'s count)."""
        xp = backend_of(z)
        n_parts, zr = len(self.parts), xp.astype(xp.real(xp.asarray(z)), xp.complex128)
        nz = zr.shape[0]
        onsite = xp.repeat(xp.stack([xp.asarray(p.onsite) for p in self.parts]), nz, axis=0)
        inward = xp.repeat(xp.stack([xp.asarray(p.inward) for p in self.parts]), nz, axis=0)
        b = self.union_boundary
        r = np.setdiff1d(np.arange(onsite.shape[-1]), b)
        zz = xp.tile(zr, n_parts)
        _, eps, up, down = kernels.reduce_chain(zz, onsite, inward, b, r)
        counts = kernels.count_channels(zz, eps, up, down)
        return xp.sum(counts.reshape(n_parts, nz), 0)


def _unit(model: LayeredModel, side: str) -> slice:
    n_blocks = len(model.bounds) - 1
    return model.block_range(1 if side == "left" else n_blocks - 2)


def fold_lead(
    model: LayeredModel, primitive: LayeredModel, side: str, check_kappa: ArrayLike = (0.137, 0.291)
) -> LeadFold:
    """Map the ``side`` lead of the supercell ``model`` onto the lead of ``primitive`` (positions), and check it.

    Raises
    ------
    InputError
        If the lateral cells are not an integer N1 x N2 multiple, an atom of the supercell lead has no
        primitive counterpart, or the folded blocks differ from the primitive ones (the lead is not a
        repetition of the primitive lead).
    """
    if side not in ("left", "right"):
        raise InputError(f"side must be 'left' or 'right', got {side!r}")
    if model.lateral_cell is None or primitive.lateral_cell is None:
        raise InputError("folding needs two models with lateral cells")
    prim_cell = np.asarray(primitive.lateral_cell)[:, :2]
    ratio = np.linalg.solve(prim_cell.T, np.asarray(model.lateral_cell)[:, :2].T).T  # supercell rows in a' units
    repeats = np.rint(np.diag(ratio)).astype(int)
    if np.abs(ratio - np.diag(repeats)).max() > 1e-6 or (repeats < 1).any():
        raise InputError(f"the lateral cell is not an N1 x N2 multiple of the primitive one (ratio {ratio.tolist()})")
    us, up = _unit(model, side), _unit(primitive, side)
    dof_s, dof_p = np.arange(us.start, us.stop), np.arange(up.start, up.stop)
    atoms_s, atoms_p = model.atom_of_dof[dof_s], primitive.atom_of_dof[dof_p]
    pos_s = model.positions[atoms_s] - model.positions[atoms_s].min(axis=0) * [0, 0, 1]
    pos_p = primitive.positions[atoms_p] - primitive.positions[atoms_p].min(axis=0) * [0, 0, 1]
    comp_s, comp_p = _component(atoms_s), _component(atoms_p)
    prim_dof = np.empty(dof_s.size, dtype=np.int64)
    translation = np.empty((dof_s.size, 2), dtype=np.int64)
    scale = float(np.linalg.norm(prim_cell, axis=1).min())
    for i in range(dof_s.size):
        d = pos_s[i] - pos_p
        frac = np.linalg.solve(prim_cell.T, d[:, :2].T).T
        match = np.flatnonzero(
            (np.abs(d[:, 2]) < 1e-6 * scale) & (np.abs(frac - np.rint(frac)).max(axis=1) < 1e-6) & (comp_p == comp_s[i])
        )
        if match.size != 1:
            raise InputError(f"supercell lead DOF {int(dof_s[i])} has {match.size} primitive counterparts")
        prim_dof[i] = match[0]
        translation[i] = np.rint(frac[match[0]]).astype(np.int64)
    fold = LeadFold(side=side, primitive=primitive, repeats=(int(repeats[0]), int(repeats[1])), prim_dof=prim_dof,
                    translation=translation)  # fmt: skip
    _check(fold, model, check_kappa)
    return fold


def _component(atoms: NDArray[np.int64]) -> NDArray[np.int64]:
    """Which of its atom's DOFs each DOF is (0, 1, 2 for x, y, z in the model's order)."""
    seen: dict[int, int] = {}
    out = np.empty(atoms.size, dtype=np.int64)
    for j, a in enumerate(atoms.tolist()):
        out[j] = seen.get(a, 0)
        seen[a] = out[j] + 1
    return out


def _check(fold: LeadFold, model: LayeredModel, kappa: ArrayLike) -> None:
    """P^dagger H P must be the primitive blocks at the folded q (on-site and inward), else InputError."""
    left, _, right = model.blocks_at(kappa)
    lead = left if fold.side == "left" else right
    n_prim = fold.primitive.lead_sizes[0 if fold.side == "left" else 1]
    qs = fold.qpoints(kappa)
    p = np.zeros((fold.prim_dof.size, qs.shape[0] * n_prim), dtype=complex)
    for iq, q in enumerate(qs):
        p[np.arange(fold.prim_dof.size), iq * n_prim + fold.prim_dof] = fold.phases(q)
    worst = 0.0
    for name in ("onsite", "inward"):
        folded = p.conj().T @ getattr(lead, name) @ p
        scale = max(float(np.abs(folded).max()), 1e-300)
        for iq, q in enumerate(qs):
            prim = getattr(fold.primitive_lead(q), name)
            blk = slice(iq * n_prim, (iq + 1) * n_prim)
            worst = max(worst, float(np.abs(folded[blk, blk] - prim).max()) / scale)
            folded[blk, blk] = 0.0
        worst = max(worst, float(np.abs(folded).max()) / scale)
    if worst > FOLD_TOLERANCE:
        raise InputError(
            f"the {fold.side} lead is not a {fold.repeats[0]}x{fold.repeats[1]} repetition of the primitive lead "
            f"(folded blocks differ by {worst:.1e} of their largest entry)"
        )
