"""The equilibrium lattice constant of a cubic crystal with a given potential (SI: metres).

One routine for every user (full dispersion in :mod:`kapitza.phonons.crystal`, the AGF
interface builder in :mod:`kapitza.transmission.agf.force_plans`, molecular dynamics): the cubic
lattice constant that minimises the energy per atom of the conventional cell, found by a
bounded Brent search within +-12 % of a starting guess (to 1e-7 A), cached on disk
(:func:`kapitza.io.cache.cached_arrays`, verified on read) with the potential's parameters,
and refused when the minimum lies on the edge of the search interval.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _checks
from ..errors import InputError
from ..io.cache import cached_arrays
from ..units import ANGSTROM
from .potentials import Potential, require_ase

#: Rigid shift (A) of the cells handed to calculators, then wrapped: keeps atoms off (and not a
#: round-off outside) the cell boundary, where LAMMPS's MEAM returns wrong forces (fcc Cu at
#: a = 3.6199999895 A gave an L-point "phonon" at -11.9 THz instead of 3.51 THz).  Energies and
#: forces do not depend on a rigid shift.
OFF_BOUNDARY_SHIFT = (0.123, 0.234, 0.345)

#: Half-width of the bounded search around the guess, relative.
SEARCH_WIDTH = 0.12


def equilibrium_lattice_constant(
    potential: Potential,
    element: str,
    structure: str | None = None,
    *,
    guess_m: float | None = None,
    cache: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
) -> float:
    """Cubic lattice constant (m) that minimises the energy per atom of ``potential``.

    Parameters
    ----------
    potential : Potential
        From :func:`kapitza.atomistic.potentials.get_potential`; must describe ``element``.
    element : str
        Chemical symbol.
    structure : str, optional
        "diamond", "fcc", "bcc" or "sc"; default: ASE's reference structure of ``element``.
    guess_m : float, optional
        Starting lattice constant, m (e.g. the measured one); default: ASE's reference value.
        The search spans +-12 % of it.
    cache : bool
        Read/write the on-disk cache.
    progress : callable, optional
        ``progress(stage, done, total)``, called at the start and end of a search.

    Returns
    -------
    float
        The equilibrium lattice constant in m.

    Raises
    ------
    InputError
        Unknown element or structure, a non-positive guess, or a minimum on the edge of the
        search interval (the potential does not bind this structure near the guess).
    """
    from .structures import crystal_structure

    require_ase()
    if structure is None:
        structure = crystal_structure(element)
    if guess_m is None:
        from ase.data import atomic_numbers, reference_states

        guess_m = float(reference_states[atomic_numbers[element]]["a"]) * ANGSTROM
    guess_m = _checks.positive(guess_m, "guess_m (the starting lattice constant)", "m")
    guess_a = guess_m / ANGSTROM
    lo, hi = (1 - SEARCH_WIDTH) * guess_a, (1 + SEARCH_WIDTH) * guess_a
    parts = {
        "element": element,
        "structure": structure,
        "potential": potential.name,
        "parameters": dict(potential.parameters),
        "bounds": [lo, hi],
        "shift": OFF_BOUNDARY_SHIFT,
    }

    def compute() -> dict[str, np.ndarray]:
        from scipy.optimize import minimize_scalar

        if progress is not None:
            progress("lattice constant", 0, 1)
        calc = potential.calculator()

        def energy(a: float) -> float:
            atoms = bulk_cell(element, structure, a)
            atoms.translate(OFF_BOUNDARY_SHIFT)  # no atom on the cell boundary (see OFF_BOUNDARY_SHIFT)
            atoms.wrap()
            atoms.calc = calc
            return float(atoms.get_potential_energy()) / len(atoms)

        result = minimize_scalar(energy, bounds=(lo, hi), method="bounded", options={"xatol": 1e-7})
        if progress is not None:
            progress("lattice constant", 1, 1)
        return {"a": np.array(result.x)}

    def within(found: dict[str, np.ndarray]) -> str | None:  # read back only inside the search's bounds (finite)
        return None if lo <= float(found["a"]) <= hi else "the lattice constant is outside the searched bounds"

    a = float(cached_arrays("lattice-constant", parts, compute, enabled=cache, shapes={"a": ()}, check=within)["a"])
    if min(a - lo, hi - a) < 1e-3 * guess_a:
        raise InputError(
            f"the {potential.name!r} potential has no energy minimum for {structure} {element} "
            f"between {lo:.3f} and {hi:.3f} A"
        )
    return a * ANGSTROM


def bulk_cell(element: str, structure: str, a_angstrom: float) -> Any:
    """Conventional cubic cell (ase.Atoms) of ``element`` in ``structure`` with lattice constant ``a_angstrom`` (A)."""
    from ase.build import bulk

    return bulk(element, structure, a=a_angstrom, cubic=True)


__all__ = ["OFF_BOUNDARY_SHIFT", "bulk_cell", "equilibrium_lattice_constant"]
