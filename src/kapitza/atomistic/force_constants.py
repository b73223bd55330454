"""Harmonic force constants of a periodic cell from a named potential, in SI (N/m).

The second derivatives of the energy, from the calculator's analytic Hessian when it has
one (matscipy) and otherwise from central finite differences of the forces
(:func:`kapitza.atomistic.hessian.finite_difference_hessian`).  Results are cached on disk
(:mod:`kapitza.io.cache`), keyed by the structure, the potential and its parameters, and the method.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from ..io.cache import cached_arrays, force_constant_rules
from ..io.results import result
from ..units import AMU, ANGSTROM, EV
from .hessian import finite_difference_hessian
from .potentials import Potential, require_ase

#: 1 eV/A^2 in N/m (the one conversion of ASE Hessians to SI).
EV_PER_A2: float = EV / ANGSTROM**2


@result
class ForceConstants:
    """Harmonic force constants of a periodic cell (images folded in).

    Attributes
    ----------
    matrix : ndarray
        d^2E / du_ia du_jb in N/m, shape (3N, 3N), symmetric.
    masses : ndarray
        kg, shape (N,).
    positions : ndarray
        m, shape (N, 3).
    cell : ndarray
        Lattice vectors as rows, m, shape (3, 3).
    symbols : tuple of str
        Chemical symbols, shape (N,).
    potential : str
        Name of the potential.
    method : str
        "analytic" or "finite-difference".
    """

    matrix: NDArray[np.float64]
    masses: NDArray[np.float64]
    positions: NDArray[np.float64]
    cell: NDArray[np.float64]
    symbols: tuple[str, ...]
    potential: str
    method: str

    @property
    def dynamical_matrix(self) -> NDArray[np.float64]:
        """Phi_ij / sqrt(m_i m_j) in s^-2 (Gamma point of the cell), shape (3N, 3N)."""
        inv = np.repeat(1.0 / np.sqrt(self.masses), 3)
        return self.matrix * inv[:, None] * inv[None, :]


def force_constants(
    atoms: Any,
    potential: Potential,
    *,
    displacement_angstrom: float = 0.01,
    method: str = "auto",
    cache: bool = True,
) -> ForceConstants:
    """Harmonic force constants of a periodic ASE ``Atoms`` with ``potential``.

    Parameters
    ----------
    atoms : ase.Atoms
        Periodic cell (positions in A, as ASE holds them); masses are taken from it.
    potential : Potential
        From :func:`get_potential`.
    displacement_angstrom : float
        Finite-difference step in A (used only by the finite-difference method).
    method : {"auto", "analytic", "finite-difference"}
        "auto" uses the calculator's analytic Hessian when it has one.
    cache : bool
        Read/write the on-disk cache.

    Returns
    -------
    ForceConstants
    """
    require_ase()
    potential.check_species(atoms.get_chemical_symbols())
    if method not in ("auto", "analytic", "finite-difference"):
        raise InputError(f"unknown method {method!r}; expected 'auto', 'analytic' or 'finite-difference'")
    if not np.isfinite(displacement_angstrom) or displacement_angstrom <= 0:
        raise InputError(f"displacement_angstrom must be a positive length in A, got {float(displacement_angstrom):g}")
    calc = potential.calculator()
    if method == "auto":
        method = "analytic" if hasattr(calc, "get_hessian") else "finite-difference"
    if method == "analytic" and not hasattr(calc, "get_hessian"):
        raise InputError(f"potential {potential.name!r} has no analytic Hessian; use method='finite-difference'")
    parts = {
        "numbers": atoms.numbers,
        "positions": atoms.positions,
        "cell": np.asarray(atoms.cell),
        "pbc": atoms.pbc,
        "potential": potential.name,
        "parameters": dict(potential.parameters),
        "method": method,
        "displacement": displacement_angstrom if method == "finite-difference" else None,
    }

    def compute() -> dict[str, NDArray[np.float64]]:
        work = atoms.copy()
        work.calc = calc
        if method == "analytic":
            h = calc.get_hessian(work)
            h = h.toarray() if hasattr(h, "toarray") else np.asarray(h)
        else:
            h = finite_difference_hessian(work, displacement_angstrom)
        return {"matrix": 0.5 * (h + h.T) * EV_PER_A2}

    n = 3 * len(atoms)
    rules = force_constant_rules("matrix")  # read back only as a (3N, 3N) Hessian with the sum rule and its symmetry
    stored = cached_arrays("force-constants", parts, compute, enabled=cache, shapes={"matrix": (n, n)}, check=rules)
    matrix = stored["matrix"]
    return ForceConstants(
        matrix=matrix,
        masses=atoms.get_masses() * AMU,
        positions=atoms.positions * ANGSTROM,
        cell=np.asarray(atoms.cell) * ANGSTROM,
        symbols=tuple(atoms.get_chemical_symbols()),
        potential=potential.name,
        method=method,
    )


__all__ = ["EV_PER_A2", "ForceConstants", "force_constants"]
