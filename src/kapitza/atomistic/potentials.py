"""Interatomic potentials by name: the registry and :class:`Potential`.

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
``"lj"``  Lennard-Jones 12-6 for argon, truncated at 2.5 sigma as LAMMPS ``pair_style lj/cut 2.5``
    (forces not shifted; the energy shift ASE applies is a constant below the cutoff and changes no
    force or force constant), through ``ase.calculators.lj``: argon-like epsilon = 0.0104 eV
    (120.7 K), sigma = 3.405 A, m = 39.948 amu (close to Rahman's epsilon/k_B = 120 K, sigma = 3.4 A,
    Phys. Rev. 136, A405 (1964)); with :data:`kapitza.atomistic.bicrystal.LJ_FCC_LATTICE_CONSTANT` its fcc lattice
    constant is 1.5496 sigma = 5.276 A.  The same model as the LJ NEMD runs of :mod:`kapitza.md`
    in argon-like SI units; a heavier "argon" on one side is a matter of masses.
``"meam-lammps"``  Baskes's modified embedded-atom method for cubic metals,
    Phys. Rev. B 46, 2727 (1992), from the LAMMPS file library.meam, through
    ``ase.calculators.lammpslib``: the route for Pb, which EMT does not cover
    (fcc Ag, Au, Cu, Pb, Pd, Pt; needs ``pip install 'kapitza[md]'``).

Harmonic force constants from these potentials are in :mod:`kapitza.atomistic.force_constants`,
the finite-difference Hessian in :mod:`kapitza.atomistic.hessian`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from ..errors import InputError, optional_module

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

#: Argon-like Lennard-Jones parameters (near Rahman's 120 K and 3.4 A, Phys. Rev. 136, A405 (1964)): well
#: depth in eV, length in A, cutoff in units of sigma (LAMMPS ``lj/cut 2.5``), mass in amu.
LJ_ARGON: Mapping[str, Any] = MappingProxyType(
    {
        "__ref__": "argon-like Lennard-Jones, epsilon 0.0104 eV, sigma 3.405 A, cut at 2.5 sigma (LAMMPS lj/cut)",
        "epsilon_eV": 0.0104,
        "sigma_A": 3.405,
        "cutoff_sigma": 2.5,
        "mass_amu": 39.948,
    }
)

EMT_ELEMENTS = ("Al", "Cu", "Ag", "Au", "Ni", "Pd", "Pt")

#: R + D of Ge in LAMMPS's SiCGe.tersoff (2.95 + 0.15 A), the longest cutoff of its Si, Ge and C: the Tersoff range
#: of the force constants here and of the NEMD runs (:mod:`kapitza.atomistic.md_potentials`).
TERSOFF_SICGE_RANGE_ANGSTROM = 3.1

#: fcc elements with exactly one entry in LAMMPS's library.meam (Baskes, Phys. Rev. B 46, 2727 (1992)).
MEAM_ELEMENTS = ("Ag", "Au", "Cu", "Pb", "Pd", "Pt")


@dataclass(frozen=True)
class Potential:
    """A named interatomic potential for a set of species.

    Attributes
    ----------
    name : str
        Registry name ("sw", "tersoff", "tersoff-lammps", "emt", "lj", "meam-lammps").
    species : tuple of str
        Chemical symbols it can be used with.
    reference : str
        Where the parameters come from.
    parameters : Mapping
        Everything that defines it (used in cache keys).
    reach : callable, optional
        ``reach(atoms)``: how far its harmonic force constants reach, in A (:meth:`hessian_reach`); None where
        kapitza does not know it.
    """

    name: str
    species: tuple[str, ...]
    reference: str
    parameters: Mapping[str, Any] = field(default_factory=dict, compare=False)
    _factory: Callable[[], Any] | None = field(default=None, compare=False, repr=False)
    reach: Callable[[Any], float] | None = field(default=None, compare=False, repr=False)

    def calculator(self) -> Any:
        """A fresh ASE calculator for this potential."""
        if self._factory is None:
            raise InputError(f"potential {self.name!r} has no calculator factory")
        return self._factory()

    def hessian_reach(self, atoms: Any | None = None) -> float:
        """How far its harmonic force constants reach, in A: twice the interaction cutoff of a many-body potential
        (Stillinger-Weber, Tersoff, EMT couple two atoms through a third within the cutoff of both, so Phi_ij can be
        nonzero up to twice it), the cutoff of a pair potential.  InputError where it is not known, or where it
        depends on the elements and ``atoms`` is not given."""
        if self.reach is None:
            raise unknown_reach(self.name)
        return float(self.reach(atoms))

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
    reach = 2.0 * float(params["a"]) * float(params["sigma"])  # twice the cutoff a sigma
    return Potential(
        "sw",
        species,
        str(params["__ref__"]),
        MappingProxyType(params),
        lambda: manybody.Manybody(**StillingerWeber(params)),
        reach=lambda atoms: reach,
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
    reach = 2.0 * float(np.max(params["r2"]))  # twice the outer cutoff S
    return Potential(
        "tersoff",
        ("C", "Si"),
        str(params["__ref__"]),
        MappingProxyType({k: v for k, v in params.items()}),
        lambda: manybody.Manybody(**TersoffBrenner(params)),
        reach=lambda atoms: reach,
    )


def _tersoff_lammps(species: tuple[str, ...]) -> Potential:
    if not set(species) <= {"Si", "C", "Ge"} or {"C", "Ge"} <= set(species):
        raise InputError(
            f"SiCGe.tersoff covers Si, C, Ge, Si-C and Si-Ge (Tersoff gave no C-Ge terms), not {'+'.join(species)}"
        )
    ordered = tuple(sorted(set(species)))
    # the file names Tersoff's 1989 silicon "Si(D)" (it also holds his earlier Si(B), Si(C))
    file_names = " ".join({"Si": "Si(D)"}.get(s, s) for s in ordered)
    return Potential(
        "tersoff-lammps",
        ordered,
        "J. Tersoff, Phys. Rev. B 39, 5566 (1989), LAMMPS file SiCGe.tersoff",
        MappingProxyType({"file": "SiCGe.tersoff", "species": ordered}),
        _lammps_factory("tersoff", "SiCGe.tersoff", file_names, ordered),
        reach=lambda atoms: 2.0 * TERSOFF_SICGE_RANGE_ANGSTROM,  # twice the longest cutoff
    )


def _lammps_factory(style: str, file: str, names: str, ordered: tuple[str, ...]) -> Callable[[], Any]:
    """The factory of ASE's LAMMPSlib calculator for ``pair_style style`` with the shipped potential ``file``
    (``pair_coeff * * FILE names``), the species ``ordered`` as LAMMPS types 1, 2, ..."""

    def factory() -> Any:
        from .lammps import lammps_module, potential_file

        lammps_module()
        from ase.calculators.lammpslib import LAMMPSlib

        return LAMMPSlib(
            lmpcmds=[f"pair_style {style}", f"pair_coeff * * {potential_file(file)} {names}"],
            atom_types={s: i + 1 for i, s in enumerate(ordered)},
            log_file=None,
            keep_alive=True,
        )

    return factory


def _emt(species: tuple[str, ...]) -> Potential:
    if not set(species) <= set(EMT_ELEMENTS):
        raise InputError(f"ASE's EMT covers {', '.join(EMT_ELEMENTS)}, not {'+'.join(species)}")

    def factory() -> Any:
        from ase.calculators.emt import EMT

        return EMT()

    def reach(atoms: Any) -> float:  # ASE's EMT cutoff depends on the elements present
        if atoms is None:
            raise InputError("the EMT force range depends on the elements: pass the atoms")
        from ase.calculators.emt import EMT

        _, rc_list, _ = EMT()._calc_cutoff(atoms)
        return 2.0 * float(rc_list)

    return Potential(
        "emt",
        tuple(sorted(set(species))),
        "ASE EMT: K. W. Jacobsen, P. Stoltze and J. K. Norskov, Surf. Sci. 366, 394 (1996)",
        MappingProxyType({"ase": "EMT"}),
        factory,
        reach=reach,
    )


def _lj(species: tuple[str, ...]) -> Potential:
    if species != ("Ar",):
        raise InputError(
            f"the 'lj' potential holds argon's Lennard-Jones parameters: use it for Ar (with masses_amu / "
            f"--masses-amu for a heavier side), not {'+'.join(species)}"
        )
    params = dict(LJ_ARGON)
    sigma, epsilon = float(params["sigma_A"]), float(params["epsilon_eV"])
    rc = float(params["cutoff_sigma"]) * sigma

    def factory() -> Any:
        require_ase()
        from ase.calculators.lj import LennardJones

        # smooth=False: plain truncation; forces are those of LAMMPS lj/cut (ASE only shifts the energy)
        return LennardJones(sigma=sigma, epsilon=epsilon, rc=rc, smooth=False)

    # a pair potential: Phi_ij = 0 beyond the cutoff
    return Potential("lj", ("Ar",), str(params["__ref__"]), MappingProxyType(params), factory, reach=lambda atoms: rc)


def _meam_lammps(species: tuple[str, ...]) -> Potential:
    if len(species) != 1 or species[0] not in MEAM_ELEMENTS:
        raise InputError(
            f"the MEAM library of Baskes (1992) is offered for one of {', '.join(MEAM_ELEMENTS)} at a time, "
            f"not {'+'.join(species)}"
        )
    element = species[0]
    return Potential(
        "meam-lammps",
        species,
        "M. I. Baskes, Phys. Rev. B 46, 2727 (1992), LAMMPS file library.meam",
        MappingProxyType({"file": "library.meam", "species": species}),
        # "NULL": no alloy parameter file; the library entry alone defines the element
        _lammps_factory("meam", "library.meam", f"{element} NULL {element}", species),
    )


_REGISTRY: Mapping[str, Callable[[tuple[str, ...]], Potential]] = MappingProxyType(
    {
        "sw": _sw,
        "tersoff": _tersoff,
        "tersoff-lammps": _tersoff_lammps,
        "emt": _emt,
        "lj": _lj,
        "meam-lammps": _meam_lammps,
    }
)


#: Potentials that describe one element at a time: with two elements the AGF takes the first one's force constants
#: and lattice on both sides and the second one's mass on its side (the mass-mismatch model).
ONE_ELEMENT: frozenset[str] = frozenset({"sw"})

#: (structure, element) -> the potentials of the registry that describe that database crystal, the first its default
#: (:func:`kapitza.phonons.crystal.crystal_spec`): each potential's crystals written beside its factory, once.
CRYSTALS: Mapping[tuple[str, str], tuple[str, ...]] = MappingProxyType(
    {
        ("diamond", "Si"): ("sw", "tersoff", "tersoff-lammps"),
        ("diamond", "Ge"): ("sw", "tersoff-lammps"),
        ("diamond", "C"): ("tersoff", "tersoff-lammps"),
        ("fcc", "Al"): ("emt",),
        ("fcc", "Cu"): ("emt", "meam-lammps"),
        ("fcc", "Ag"): ("emt", "meam-lammps"),
        ("fcc", "Au"): ("emt", "meam-lammps"),
        ("fcc", "Pt"): ("emt", "meam-lammps"),
        ("fcc", "Pb"): ("meam-lammps",),
    }
)


def unknown_reach(name: str) -> InputError:
    """The refusal where the reach of ``name``'s force constants is not known (one wording for every source)."""
    return InputError(
        f"the force range of {name!r} is not known; pass force_range (A), the largest distance at which two atoms "
        "still have a nonzero force constant"
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
    return optional_module("matscipy.calculators.manybody", "phonons", "Stillinger-Weber and Tersoff potentials")


def require_ase() -> Any:
    """The ``ase`` module, or MissingDependencyError naming the extra that installs it."""
    return optional_module("ase", "phonons", "atomic structures and calculators")


__all__ = [
    "CRYSTALS",
    "EMT_ELEMENTS",
    "LJ_ARGON",
    "MEAM_ELEMENTS",
    "Potential",
    "available_potentials",
    "get_potential",
]
