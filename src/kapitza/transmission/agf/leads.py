"""The two perfect leads of a layered model: their band top, their stability on the run's k grid, their species,
and a lead as a model of its own (whose Caroli transmission counts its channels)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sp

from ...errors import InputError
from .model import LayeredModel
from .solver import lead_max_frequency
from .stability import LeadStability, check_points, lead_stability, unstable_note


def lead_model(model: LayeredModel, side: str) -> LayeredModel:
    """A perfect lead as a layered model: the lead unit repeated, one unit as the device.

    Its Caroli transmission is the lead's number of propagating channels, so
    its conductance is the ballistic one.
    """
    if side not in ("left", "right"):
        raise InputError(f"side must be 'left' or 'right', got {side!r}")
    n_blocks = len(model.bounds) - 1
    a, b = (0, 1) if side == "left" else (n_blocks - 2, n_blocks - 1)
    ra, rb = model.block_range(a), model.block_range(b)
    n = ra.stop - ra.start
    mats = []
    for m in model.matrices:
        m = sp.csr_matrix(m)
        onsite = m[rb, rb]
        up = m[ra, rb]  # unit j -> j+1
        down = m[rb, ra]
        units = 5
        blocks = [[None] * units for _ in range(units)]
        for u in range(units):
            blocks[u][u] = onsite
            if u + 1 < units:
                blocks[u][u + 1] = up
                blocks[u + 1][u] = down
        mats.append(sp.bmat(blocks, format="csr"))
    atoms = model.atom_of_dof[rb]
    dz = unit_z(model, a, b)
    positions = np.concatenate([model.positions[np.unique(atoms)] + [0.0, 0.0, (u - 1) * dz] for u in range(5)])
    masses = np.tile(model.masses[np.unique(atoms)], 5)
    labels = tuple(model.labels[i] for i in np.unique(atoms)) * 5 if model.labels else ()
    n_atoms = np.unique(atoms).size
    return LayeredModel(
        translations=model.translations,
        matrices=tuple(mats),
        bounds=tuple(n * u for u in range(6)),
        atom_of_dof=np.repeat(np.arange(5 * n_atoms), n // n_atoms),
        positions=positions,
        masses=masses,
        lateral_cell=model.lateral_cell,
        labels=labels,
        metadata={"kind": f"perfect {side} lead"},
    )


def unit_z(model: LayeredModel, a: int, b: int) -> float:
    za = model.positions[model.atom_of_dof[model.block_range(a).start], 2]
    zb = model.positions[model.atom_of_dof[model.block_range(b).start], 2]
    return float(zb - za)


def band_top(model: LayeredModel, side: str, folds: Any = None) -> float:
    """Highest bulk frequency (rad/s) of a lead at kappa = 0 (:func:`.solver.lead_max_frequency`).

    With folded leads (``folds``, the two :class:`.folding.LeadFold`) it is found on the primitive lead at the
    N1 N2 wavevectors that fold onto kappa = 0: the same eigenvalues (the supercell lead is unitarily the
    primitive leads side by side), from N1 N2 matrices of the primitive size instead of one N1 N2 times larger
    (at 6x6: 36 of 48 DOF instead of one of 1728, each at 24 k_z).
    """
    if folds is None:
        return lead_max_frequency(model, side, [(0.0, 0.0)])
    fold = folds[0 if side == "left" else 1]
    return lead_max_frequency(fold.primitive, side, fold.qpoints((0.0, 0.0)))


def lead_checks(model: LayeredModel, kgrid: tuple[int, int], folds: Any = None) -> tuple[LeadStability, ...]:
    """Both leads' stability (:func:`.stability.lead_stability`) on the run's k grid (:func:`.stability.check_points`),
    folded leads on their primitive cell."""
    points = check_points(kgrid, lateral=model.lateral_cell is not None)
    return tuple(
        lead_stability(model, side, points, None if folds is None else folds[k])
        for k, side in enumerate(("left", "right"))
    )


def unstable_leads(
    model: LayeredModel, stability: tuple[LeadStability, ...], allow: bool, option_names: Callable[[str], str]
) -> list[str]:
    """The warnings of the unstable leads where ``allow``; otherwise a refusal naming their imaginary frequencies,
    as a dynamically unstable crystal is refused (:func:`kapitza.phonons.from_structure.crystal_phonons`)."""
    unstable = [unstable_note(found, lead_label(model, found.side)) for found in stability if not found.stable]
    if unstable and not allow:
        flag = option_names("allow_unstable_leads")
        flag += "True" if flag.endswith("=") else ""
        raise InputError(f"refused: {'; '.join(unstable)}; {flag} computes it anyway")
    return unstable


def lead_label(model: LayeredModel, side: str) -> str:
    """The species of a lead unit, e.g. "Si" or "Ga, N"."""
    dofs = model.block_range(1 if side == "left" else len(model.bounds) - 3)
    atoms = np.unique(np.asarray(model.atom_of_dof)[dofs])
    names = sorted({str(model.labels[a]) for a in atoms}) if model.labels else []
    return ", ".join(names) or side
