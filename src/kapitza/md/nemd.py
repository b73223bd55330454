"""The NEMD run's configuration: every setting validated before any work.

A :class:`NemdConfig` describes one non-equilibrium MD run on a periodic
Lennard-Jones bicrystal (:mod:`kapitza.atomistic.bicrystal`) in LAMMPS reduced
units (``units lj``: lengths in sigma, energies in epsilon, masses in the LJ
mass unit, time in tau, temperatures in epsilon/k_B).  A hot Langevin bath
sits in the middle of crystal A and a cold one in the middle of crystal B, so
heat flows from A to B through both interfaces.

The protocol (see :mod:`kapitza.md.inputs`): minimise, NVT equilibration at
``temperature`` (``steps_equilibration``), baths on for ``steps_steady`` (the
transient, discarded), then ``steps_production`` in blocks of ``block_steps``,
each block giving one temperature profile and the energy each bath exchanged.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import InputError

#: Potentials this driver can write (the LAMMPS pair style); the cutoff is that of the builder's lattice constant.
POTENTIALS = ("lj/cut",)
#: The LJ cutoff (sigma) of ``pair_style lj/cut``, the one for which the builder's lattice constant is exact.
LJ_CUTOFF = 2.5


@dataclass(frozen=True)
class NemdConfig:
    """Settings of one NEMD run (reduced LJ units throughout; see the module docstring).

    Attributes
    ----------
    potential : str
        LAMMPS pair style; only ``"lj/cut"`` (cutoff 2.5 sigma).  Required.
    n_x, n_y, cells_a, cells_b : int
        Bicrystal size in conventional fcc cells: cross-section and the A and B lengths along z.
    mass_a, mass_b, epsilon_a, epsilon_b : float
        Masses (LJ mass unit) and well depths (epsilon) of A and B.
    mixing_layers : int
        Intermixed planes on each side of each interface; ``structure_seed`` seeds them.
    temperature : float
        Mean temperature (epsilon/k_B); the baths are at temperature +- delta_temperature/2.
    delta_temperature : float
        Hot minus cold bath set point (epsilon/k_B).
    timestep : float
        tau.
    damp : float
        Langevin damping time (tau).
    bath_width : float
        Thickness along z of each bath slab (sigma); must fit inside its crystal.
    steps_equilibration, steps_steady, steps_production, block_steps : int
        Timesteps of NVT equilibration, of the discarded transient with baths on, of production, and per block.
    sample_every : int
        Timesteps between profile samples within a block.
    seed : int
        Seed of the initial velocities and of the Langevin baths (block b uses seed + 2b + 1 and seed + 2b + 2).
    """

    potential: str
    n_x: int = 3
    n_y: int = 3
    cells_a: int = 8
    cells_b: int = 8
    mass_a: float = 1.0
    mass_b: float = 1.0
    epsilon_a: float = 1.0
    epsilon_b: float = 1.0
    mixing_layers: int = 0
    structure_seed: int = 0
    units: str = "lj"
    temperature: float = 0.3
    delta_temperature: float = 0.1
    timestep: float = 0.005
    damp: float = 0.5
    bath_width: float = 3.0
    steps_equilibration: int = 5000
    steps_steady: int = 20000
    steps_production: int = 50000
    block_steps: int = 5000
    sample_every: int = 10
    seed: int = 12345

    def __post_init__(self) -> None:
        if not isinstance(self.potential, str) or self.potential not in POTENTIALS:
            raise InputError(f"potential= must be one of {', '.join(POTENTIALS)}, got {self.potential!r}")
        if self.units != "lj":
            raise InputError(f"units= must be 'lj' (the LJ bicrystal is built in reduced units), got {self.units!r}")
        for name in ("n_x", "n_y", "cells_a", "cells_b", "block_steps", "sample_every"):
            _integer(name, getattr(self, name), 1)
        for name in ("mixing_layers", "structure_seed", "steps_equilibration", "steps_steady", "seed"):
            _integer(name, getattr(self, name), 0)
        _integer("steps_production", self.steps_production, 1)
        for name in ("mass_a", "mass_b", "epsilon_a", "epsilon_b", "temperature", "timestep", "damp", "bath_width"):
            _positive(name, getattr(self, name))
        _number("delta_temperature", self.delta_temperature)
        if self.delta_temperature <= 0 or self.delta_temperature >= 2 * self.temperature:
            raise InputError(
                f"delta_temperature= must be positive and below 2*temperature (= {2 * self.temperature:g}), "
                f"got {self.delta_temperature:g}"
            )
        if self.steps_production % self.block_steps:
            raise InputError(
                f"steps_production= ({self.steps_production}) must be a multiple of block_steps= ({self.block_steps})"
            )
        if self.block_steps % self.sample_every:
            raise InputError(
                f"block_steps= ({self.block_steps}) must be a multiple of sample_every= ({self.sample_every})"
            )
        a = self.lattice_constant
        for side, cells in (("A", self.cells_a), ("B", self.cells_b)):
            free = cells * a - 2 * self.mixing_layers * a / 2
            if self.bath_width >= free:
                raise InputError(
                    f"bath_width= {self.bath_width:g} sigma does not fit inside crystal {side} "
                    f"({cells} cells = {cells * a:g} sigma, {free:g} sigma clear of the interfaces)"
                )

    @property
    def lattice_constant(self) -> float:
        from ..atomistic.bicrystal import LJ_FCC_LATTICE_CONSTANT

        return LJ_FCC_LATTICE_CONSTANT

    @property
    def n_blocks(self) -> int:
        return self.steps_production // self.block_steps

    @property
    def hot_temperature(self) -> float:
        return self.temperature + self.delta_temperature / 2

    @property
    def cold_temperature(self) -> float:
        return self.temperature - self.delta_temperature / 2

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "config") -> NemdConfig:
        """A config from a TOML table: unknown keys and a missing ``potential`` are errors."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise InputError(f"{where}: unknown setting(s) {', '.join(unknown)} (known: {', '.join(sorted(names))})")
        if "potential" not in data:
            raise InputError(f'{where}: missing potential (e.g. potential = "lj/cut")')
        return cls(**dict(data))

    def to_toml(self) -> str:
        """The config as a canonical TOML text (every setting, in field order)."""
        lines = ["# kapitza NEMD run configuration (LJ reduced units)"]
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            text = f'"{value}"' if isinstance(value, str) else repr(value)
            lines.append(f"{f.name} = {text}")
        return "\n".join(lines) + "\n"


def _integer(name: str, value: Any, minimum: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise InputError(f"{name}= must be an integer >= {minimum}, got {value!r}")


def _number(name: str, value: Any) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise InputError(f"{name}= must be a finite number, got {value!r}")


def _positive(name: str, value: Any) -> None:
    _number(name, value)
    if value <= 0:
        raise InputError(f"{name}= must be positive, got {float(value):g}")
