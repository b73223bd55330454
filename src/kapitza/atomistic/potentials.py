"""Interatomic potentials by name, and harmonic force constants from them.

Named potentials (``get_potential(name, species)``):

``"sw"``  Stillinger-Weber, one element at a time, through matscipy
    (analytic Hessian).  Si: Stillinger & Weber, Phys. Rev. B 31, 5262 (1985).
    Ge: Ding & Andersen, Phys. Rev. B 34, 6987 (1986): epsilon = 1.93 eV,
    sigma = 2.181 A, lambda = 31, the other parameters as for Si.
``"tersoff"``  Tersoff, Phys. Rev. B 39, 5566 (1989), Si, C and Si-C, through
    matscipy (analytic Hessian).
``"tersoff-lammps"``  the same paper's Si/C/Ge parameter file (SiCGe.tersoff,
    shipped with LAMMPS), through ``ase.calculators.lammpslib``: the route for
    Ge and Si-Ge (needs ``pip install 'kapitza[md]'``).
``"emt"``  ASE's effective-medium theory for fcc metals (Al, Cu, Ag, Au, Ni,
    Pd, Pt); Jacobsen, Stoltze & Norskov, Surf. Sci. 366, 394 (1996).
``"meam-lammps"``  Baskes's modified embedded-atom method for cubic metals,
    Phys. Rev. B 46, 2727 (1992), from the LAMMPS file library.meam, through
    ``ase.calculators.lammpslib``: the route for Pb, which EMT does not cover
    (fcc Ag, Au, Cu, Pb, Pd, Pt; needs ``pip install 'kapitza[md]'``).

Force constants (:func:`force_constants`) are the second derivatives of the
energy of a periodic cell, in N/m (SI), from the calculator's analytic
Hessian when it has one (matscipy) and otherwise from central finite
differences of the forces.  Results are cached on disk (:mod:`kapitza.io.cache`),
keyed by the structure, the potential and its parameters, and the method.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError, MissingDependencyError
from ..io.cache import cached_arrays
from ..units import AMU, ANGSTROM, EV

#: 1 eV/A^2 in N/m.
EV_PER_A2: float = EV / ANGSTROM**2

#: Stillinger-Weber parameters for Ge, Ding & Andersen, Phys. Rev. B 34, 6987 (1986).
SW_GE_DING_ANDERSEN: Mapping[str, Any] = MappingProxyType(
    {
        "__ref__": "K. Ding and H. C. Andersen, Phys. Rev. B 34, 6987 (1986)",
        "el": "Ge",
        "epsilon": 1.93,
        "sigma": 2.181,
        "costheta0": 1.0 / 3.0,
        "A": 7.049556277,
        "B": 0.6022245584,
        "p": 4,
        "a": 1.8,
        "lambda1": 31.0,
        "gamma": 1.2,
    }
)

EMT_ELEMENTS = ("Al", "Cu", "Ag", "Au", "Ni", "Pd", "Pt")

#: fcc elements with exactly one entry in LAMMPS's library.meam (Baskes, Phys. Rev. B 46, 2727 (1992)).
MEAM_ELEMENTS = ("Ag", "Au", "Cu", "Pb", "Pd", "Pt")


@dataclass(frozen=True)
class Potential:
    """A named interatomic potential for a set of species.

    Attributes
    ----------
    name : str
        Registry name ("sw", "tersoff", "tersoff-lammps", "emt", "meam-lammps").
    species : tuple of str
        Chemical symbols it can be used with.
    reference : str
        Where the parameters come from.
    parameters : Mapping
        Everything that defines it (used in cache keys).
    """

    name: str
    species: tuple[str, ...]
    reference: str
    parameters: Mapping[str, Any] = field(default_factory=dict, compare=False)
    _factory: Callable[[], Any] | None = field(default=None, compare=False, repr=False)

    def calculator(self) -> Any:
        """A fresh ASE calculator for this potential."""
        if self._factory is None:
            raise InputError(f"potential {self.name!r} has no calculator factory")
        return self._factory()

    def check_species(self, symbols: Sequence[str]) -> None:
        """Raise InputError if ``symbols`` holds an element the potential does not describe."""
        unknown = sorted(set(symbols) - set(self.species))
        if unknown:
            raise InputError(f"potential {self.name!r} describes {', '.join(self.species)}, not {', '.join(unknown)}")


def _sw(species: tuple[str, ...]) -> Potential:
    manybody = _import_matscipy()
    if len(species) != 1 or species[0] not in ("Si", "Ge"):
        raise InputError(
            f"the Stillinger-Weber potential is available for Si or Ge alone, not {'+'.join(species)}; "
            "use potential='tersoff-lammps' for Si-Ge, or a mass-mismatch model with Si force constants"
        )
    from matscipy.calculators.manybody.explicit_forms.stillinger_weber import (
        Stillinger_Weber_PRB_31_5262_Si,
        StillingerWeber,
    )

    params = dict(Stillinger_Weber_PRB_31_5262_Si if species[0] == "Si" else SW_GE_DING_ANDERSEN)
    return Potential(
        "sw",
        species,
        str(params["__ref__"]),
        MappingProxyType(params),
        lambda: manybody.Manybody(**StillingerWeber(params)),
    )


def _tersoff(species: tuple[str, ...]) -> Potential:
    manybody = _import_matscipy()
    from matscipy.calculators.manybody.explicit_forms.tersoff_brenner import (
        Tersoff_PRB_39_5566_Si_C,
        TersoffBrenner,
    )

    if not set(species) <= {"Si", "C"}:
        raise InputError(
            f"matscipy's Tersoff (1989) parameters cover Si and C, not {'+'.join(species)}; "
            "use potential='tersoff-lammps' for Ge"
        )
    params = dict(Tersoff_PRB_39_5566_Si_C)
    return Potential(
        "tersoff",
        ("C", "Si"),
        str(params["__ref__"]),
        MappingProxyType({k: v for k, v in params.items()}),
        lambda: manybody.Manybody(**TersoffBrenner(params)),
    )


def _tersoff_lammps(species: tuple[str, ...]) -> Potential:
    if not set(species) <= {"Si", "C", "Ge"} or {"C", "Ge"} <= set(species):
        raise InputError(
            f"SiCGe.tersoff covers Si, C, Ge, Si-C and Si-Ge (Tersoff gave no C-Ge terms), not {'+'.join(species)}"
        )
    ordered = tuple(sorted(set(species)))
    # the file names Tersoff's 1989 silicon "Si(D)" (it also holds his earlier Si(B), Si(C))
    file_names = " ".join({"Si": "Si(D)"}.get(s, s) for s in ordered)

    def factory() -> Any:
        from .lammps import lammps_module, potential_file

        lammps_module()
        from ase.calculators.lammpslib import LAMMPSlib

        path = potential_file("SiCGe.tersoff")
        return LAMMPSlib(
            lmpcmds=["pair_style tersoff", f"pair_coeff * * {path} {file_names}"],
            atom_types={s: i + 1 for i, s in enumerate(ordered)},
            log_file=None,
            keep_alive=True,
        )

    return Potential(
        "tersoff-lammps",
        ordered,
        "J. Tersoff, Phys. Rev. B 39, 5566 (1989), LAMMPS file SiCGe.tersoff",
        MappingProxyType({"file": "SiCGe.tersoff", "species": ordered}),
        factory,
    )


def _emt(species: tuple[str, ...]) -> Potential:
    if not set(species) <= set(EMT_ELEMENTS):
        raise InputError(f"ASE's EMT covers {', '.join(EMT_ELEMENTS)}, not {'+'.join(species)}")

    def factory() -> Any:
        from ase.calculators.emt import EMT

        return EMT()

    return Potential(
        "emt",
        tuple(sorted(set(species))),
        "ASE EMT: K. W. Jacobsen, P. Stoltze and J. K. Norskov, Surf. Sci. 366, 394 (1996)",
        MappingProxyType({"ase": "EMT"}),
        factory,
    )


def _meam_lammps(species: tuple[str, ...]) -> Potential:
    if len(species) != 1 or species[0] not in MEAM_ELEMENTS:
        raise InputError(
            f"the MEAM library of Baskes (1992) is offered for one of {', '.join(MEAM_ELEMENTS)} at a time, "
            f"not {'+'.join(species)}"
        )
    element = species[0]

    def factory() -> Any:
        from .lammps import lammps_module, potential_file

        lammps_module()
        from ase.calculators.lammpslib import LAMMPSlib

        path = potential_file("library.meam")
        return LAMMPSlib(
            # "NULL": no alloy parameter file; the library entry alone defines the element
            lmpcmds=["pair_style meam", f"pair_coeff * * {path} {element} NULL {element}"],
            atom_types={element: 1},
            log_file=None,
            keep_alive=True,
        )

    return Potential(
        "meam-lammps",
        species,
        "M. I. Baskes, Phys. Rev. B 46, 2727 (1992), LAMMPS file library.meam",
        MappingProxyType({"file": "library.meam", "species": species}),
        factory,
    )


_REGISTRY: Mapping[str, Callable[[tuple[str, ...]], Potential]] = MappingProxyType(
    {
        "sw": _sw,
        "tersoff": _tersoff,
        "tersoff-lammps": _tersoff_lammps,
        "emt": _emt,
        "meam-lammps": _meam_lammps,
    }
)


def available_potentials() -> tuple[str, ...]:
    """Names accepted by :func:`get_potential`."""
    return tuple(_REGISTRY)


def get_potential(name: str, species: Sequence[str]) -> Potential:
    """The potential ``name`` for the chemical symbols ``species``.

    Raises
    ------
    InputError
        Unknown name, or species the potential does not describe.
    """
    key = str(name).strip().lower()
    if key not in _REGISTRY:
        raise InputError(f"unknown potential {name!r}; available: {', '.join(_REGISTRY)}")
    symbols = tuple(sorted(set(species)))
    if not symbols:
        raise InputError("no species given for the potential")
    return _REGISTRY[key](symbols)


def _import_matscipy() -> Any:
    try:
        import matscipy.calculators.manybody as manybody
    except ImportError:
        raise MissingDependencyError("matscipy", "phonons", "Stillinger-Weber and Tersoff potentials") from None
    return manybody


def _import_ase() -> Any:
    try:
        import ase
    except ImportError:
        raise MissingDependencyError("ase", "phonons", "atomic structures and calculators") from None
    return ase


@dataclass(frozen=True)
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
    _import_ase()
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
            h = _finite_difference_hessian(work, displacement_angstrom)
        return {"matrix": 0.5 * (h + h.T) * EV_PER_A2}

    matrix = cached_arrays("force-constants", parts, compute, enabled=cache)["matrix"]
    return ForceConstants(
        matrix=matrix,
        masses=atoms.get_masses() * AMU,
        positions=atoms.positions * ANGSTROM,
        cell=np.asarray(atoms.cell) * ANGSTROM,
        symbols=tuple(atoms.get_chemical_symbols()),
        potential=potential.name,
        method=method,
    )


def _finite_difference_hessian(atoms: Any, step: float) -> NDArray[np.float64]:
    """Central differences of the forces, -dF_j/du_i, in eV/A^2, shape (3N, 3N)."""
    return finite_difference_rows(atoms, np.arange(len(atoms)), step)


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


__all__ = [
    "EMT_ELEMENTS",
    "EV_PER_A2",
    "MEAM_ELEMENTS",
    "ForceConstants",
    "Potential",
    "available_potentials",
    "force_constants",
    "get_potential",
]
