"""The one finite-difference Hessian: rows of d^2E/du du from central differences of the forces.

Used wherever a calculator has no analytic Hessian (:mod:`kapitza.atomistic.force_constants`
for periodic cells, :mod:`kapitza.transmission.agf.forceconstants` for lateral slabs).
Units are ASE's: positions and steps in A, the result in eV/A^2.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray


def finite_difference_hessian(atoms: Any, step_angstrom: float) -> NDArray[np.float64]:
    """Central differences of the forces, -dF_j/du_i, in eV/A^2, shape (3N, 3N); ``step_angstrom`` in A."""
    return finite_difference_rows(atoms, np.arange(len(atoms)), step_angstrom)


def finite_difference_rows(atoms: Any, rows: NDArray[np.int64], step: float) -> NDArray[np.float64]:
    """Rows of the Hessian for the atoms ``rows``: -dF/du_(i,a) by central differences.

    Parameters
    ----------
    atoms : ase.Atoms
        With a calculator attached; positions are restored afterwards.
    rows : array of int
        Indices of the atoms to displace, shape (n_rows,).
    step : float
        Displacement in A.

    Returns
    -------
    ndarray
        eV/A^2, shape (3 n_rows, 3 N).
    """
    out = np.empty((3 * len(rows), 3 * len(atoms)))
    base = atoms.positions.copy()
    try:
        for k, i in enumerate(rows):
            for a in range(3):
                pos = base.copy()
                pos[i, a] += step
                atoms.positions = pos
                f_plus = atoms.get_forces().ravel()
                pos[i, a] -= 2 * step
                atoms.positions = pos
                f_minus = atoms.get_forces().ravel()
                out[3 * k + a] = -(f_plus - f_minus) / (2 * step)
    finally:
        atoms.positions = base
    return out


__all__ = ["finite_difference_hessian", "finite_difference_rows"]
