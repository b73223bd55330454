"""The NEMD run's configuration: every setting validated before any work.

A :class:`NemdConfig` describes one non-equilibrium MD run on a periodic
bicrystal A|B along z (:mod:`kapitza.md.systems` builds it).  A hot Langevin
bath sits in the middle of crystal A and a cold one in the middle of crystal B,
so heat flows from A to B through both interfaces.

A config is a plain value: its own checks need nothing but its settings.  The
files it names (a user's ``structure`` and ``pair``) are read, and the checks
that need their atoms made, when the run is planned
(:func:`kapitza.md.plan.plan_nemd`), still before any work.

Systems (``potential`` and ``units``)
-------------------------------------
``potential = "lj/cut", units = "lj"``
    Lennard-Jones fcc (:mod:`kapitza.atomistic.bicrystal`) in LAMMPS reduced
    units: lengths in sigma, energies in epsilon, masses in the LJ mass unit,
    time in tau, temperatures in epsilon/k_B.
``potential = "lj/cut", units = "metal"``
    The same LJ fcc crystal, argon-like, in SI-like ``units metal`` (Angstrom,
    eV, amu, ps, K): A is argon, epsilon = 0.0104 eV, sigma = 3.405 A,
    m = 39.948 amu.
``potential = "sw", units = "metal"``
    Si|Ge mass mismatch on a diamond lattice along [001]
    (:mod:`kapitza.atomistic.diamond_bicrystal`): Stillinger-Weber silicon
    (LAMMPS ``Si.sw``) on both sides, B only heavier (Ge's 72.630 amu): the
    model of ``kapitza agf --potential sw``, so MD and AGF/DMM see one system.
``potential = "tersoff", units = "metal"``
    Si|Ge with Tersoff's Si/C/Ge parameters (Phys. Rev. B 39, 5566 (1989),
    LAMMPS ``SiCGe.tersoff``, elements Si(D) and Ge).
``structure = "FILE"`` with ``pair = "FILE"`` or ``pair_lines = [...]`` (``potential = "user"``, ``units = "metal"``)
    The user's interface: the atoms from a structure file
    (:func:`kapitza.atomistic.structure_file.read_structure`, sides by ``sides``, default per-atom tags 1 = A,
    2 = B), periodic along z with A at the bottom and B above (B wrapping onto A: two interfaces), and the
    user's LAMMPS ``pair_style``/``pair_coeff`` (optional ``mass``) lines
    (:mod:`kapitza.atomistic.forcefield`); Angstrom, eV, amu, ps, K.  The geometry (interfaces, baths in the
    middle of A and of B, one profile bin per atomic plane, or ``bin_width``) comes from the atoms
    (:mod:`kapitza.md.geometry`); the builder settings (n_x, n_y, cells_a, cells_b, mass and epsilon ratios,
    mixing_layers, structure_seed) are refused with it.  Nothing in a structure file says at what temperature
    to run it or how fast its atoms vibrate: ``temperature`` and ``timestep`` are required (a run of argon at
    Si|Ge's 300 K would be 3.5 times argon's melting point).  ``delta_temperature`` defaults to 2/15 of the
    temperature (Si|Ge's 40 K at 300 K); the damping time and the bath width default to the Si|Ge protocol
    study's 0.1 ps and 10 A, so check the regime line ``kapitza md run`` prints (thermostat-limited or not) on
    your system.  The structure needs no exact bulk periods (an MD cell relaxed as a whole is read with
    ``leads=False``).  With ``spectral_every`` the atomic planes around the A -> B interface are sampled and
    their coupling comes from the pair lines through LAMMPS (:func:`kapitza.md.sites.user_sites`; the
    harmonic form of the spectral heat current).

``mass_a``, ``mass_b``, ``epsilon_a`` and ``epsilon_b`` are always *ratios* to
the reference of their side, so one TOML's numbers mean the same physics in
both unit systems: the LJ mass and energy units (``units lj``), argon's
39.948 amu and 0.0104 eV (lj/cut in ``metal``), Si's 28.0855 amu for A and
Ge's 72.630 amu for B (sw, tersoff; their epsilons must stay 1: the potential
file fixes the energies).  :attr:`NemdConfig.masses` and
:attr:`NemdConfig.epsilons` give the absolute values in the run's units.

Defaults
--------
Temperatures, timestep, damping time and bath width default by system (temperature, delta_temperature,
timestep, damp, bath_width): ``units lj`` 0.3, 0.1, 0.005 tau, 0.2 tau, 3 sigma; argon (metal) 40 K, 10 K,
0.002 ps, 0.4296 ps, 10.215 A (the LJ damping time and width in argon's units, tau = 2.148 ps, sigma = 3.405 A);
Si/Ge 300 K, 40 K, 0.001 ps, 0.1 ps, 10 A.

The damping time and the bath width come from the NEMD protocol study (``docs/physics/nemd-protocol.md``,
``scripts/nemd_protocol_study.py``): G against the Langevin damping time and the bath width at fixed geometry
until it stops moving, measured again after issue 52 (the baths without ``zero yes``).  SW Si|Ge (2 x 2 x (10 +
10) cells, 100 ps): G = 201 +- 70 MW m^-2 K^-1 at 1 ps, its slabs 15 % off their set points, against 581 +- 198
and 1100 +- 600 at 0.1 and 0.05 ps: cells this small give G to 35-60 % only, so the 0.1 ps default rests on the
3 x 3 x (30 + 30) run with 200 ps of production, which agrees with a hand-written input of the same model
(351 +- 29 against 359 +- 21; benchmarks/nemd_parity.py).  The LJ mass-ratio bicrystal (masses 1 | 4) is never
thermostat-limited between 2 and 0.05 tau; from 0.5 to 0.05 tau its G agrees within the errors (1.20-1.35; four
seeds at 0.2 tau give 0.89-1.24), 2 tau lies at the low end (0.96); 0.2 tau keeps its slabs within 4 % of their
set points.  Tersoff Si/Ge takes SW's values
(same atoms, same phonon frequencies; not studied separately).  Every run reports whether it is
thermostat-limited (:mod:`kapitza.analysis.md.regime`, printed by ``kapitza md run``).  Lengths: the study's
1/L extrapolation (Sellan et al., PRB 81, 214305 (2010); Wei et al., Chin. Phys. B 34, 116301 (2025)) gives
G_inf; the default cells (8 + 8) give a short-cell value to be extrapolated, not G_inf.

The protocol (see :mod:`kapitza.md.inputs`): minimise, optional NPT at zero
pressure (``steps_npt``), NVT equilibration at
``temperature`` (``steps_equilibration``), baths on for ``steps_steady`` (the
transient, discarded), then ``steps_production`` in blocks of ``block_steps``,
each block giving one temperature profile and the energy each bath exchanged.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._checks import number, positive
from ..atomistic.md_potentials import LJ_CUTOFF_SIGMA, MD_POTENTIALS, TERSOFF_RANGE_ANGSTROM, MDPotential
from ..errors import InputError
from ..io.replica_layout import MAX_SEED
from ..io.run_manifest import bath_set_points

#: Potentials this driver can write (the LAMMPS pair style; one record each,
#: :data:`kapitza.atomistic.md_potentials.MD_POTENTIALS`), and a user's own ("user": a structure and its pair lines).
POTENTIALS = (*MD_POTENTIALS, "user")
#: LAMMPS unit systems: reduced LJ, or metal (Angstrom, eV, amu, ps, K, bar).
UNITS = ("lj", "metal")
#: The LJ cutoff (sigma) of ``pair_style lj/cut``, the one for which the builder's lattice constant is exact.
LJ_CUTOFF = LJ_CUTOFF_SIGMA
#: Argon-like LJ in ``units metal``: well depth (eV), size (Angstrom), mass (amu); the usual argon parameters.
ARGON_EPSILON_EV = 0.0104
ARGON_SIGMA_ANGSTROM = 3.405
ARGON_MASS_AMU = 39.948
#: Fewest velocity samples per block for the spectral heat current (frequency resolution 2 pi / block time).
MIN_SPECTRAL_SAMPLES = 64
#: Settings added after the first runs: left out of to_toml() at their default so that old run directories match.
_OPTIONAL_DEFAULTS = {"spectral_every": 0, "spectral_planes": 8, "reverse": False, "structure": None, "sides": "tags",
                      "pair": None, "pair_lines": None, "bin_width": None}  # fmt: skip
#: The settings of the built-in families' builders: refused together with a user's ``structure``.
BUILDER_SETTINGS = ("n_x", "n_y", "cells_a", "cells_b", "mass_a", "mass_b", "epsilon_a", "epsilon_b", "mixing_layers",
                    "structure_seed")  # fmt: skip
#: Defaults of (temperature, delta_temperature, timestep, damp, bath_width) by system: the module docstring's
#: "Defaults"; damp and bath_width from the protocol study, docs/physics/nemd-protocol.md.
_DEFAULTS = {
    **{(name, units): values for name, record in MD_POTENTIALS.items() for units, values in record.defaults.items()},
    # a user's structure: temperature and timestep required, delta_temperature USER_DELTA_FRACTION of the
    # temperature; the damping time and bath width Si|Ge's (check the regime line on your system)
    ("user", "metal"): (None, None, None, 0.1, 10.0),
}
#: The largest seed LAMMPS's Marsaglia generator takes (``fix langevin``: "a positive integer less than or equal to
#: 900 million", lammps/lammps src/random_mars.h; one copy, :data:`kapitza.io.replica_layout.MAX_SEED`, which the
#: replica record checks too); ``velocity create``'s Park-Miller generator takes any positive int.  Each MPI process
#: adds its rank to a fix langevin seed, so seeds stay :data:`RANK_ROOM` below it.
LAMMPS_MAX_SEED = MAX_SEED
#: Room left under :data:`LAMMPS_MAX_SEED` for the MPI ranks that fix langevin adds to its seed.
RANK_ROOM = 100_000


def check_seeds(name: str, first: int, last: int) -> None:
    """InputError unless the seeds ``first`` (the config's ``name``) to ``last`` (the largest a run derives from it)
    are ones LAMMPS takes: ``first`` >= 1 (LAMMPS refuses 0: ``velocity create``, ``fix langevin``) and ``last`` at
    most :data:`LAMMPS_MAX_SEED` less :data:`RANK_ROOM`; checked before the run directory is made."""
    most = LAMMPS_MAX_SEED - RANK_ROOM - (last - first)
    if not 1 <= first <= most:
        raise InputError(
            f"{name}= must be an integer from 1 to {most:,} (LAMMPS takes seeds from 1 to {LAMMPS_MAX_SEED:,}; this "
            f"run derives seeds up to {name} + {last - first:,}, and each MPI process adds its rank), got {first!r}"
        )


#: delta_temperature of a user's structure as a fraction of its temperature: Si|Ge's 40 K at 300 K.
USER_DELTA_FRACTION = 40.0 / 300.0
_DEFAULTED = ("temperature", "delta_temperature", "timestep", "damp", "bath_width")


@dataclass(frozen=True)
class NemdConfig:
    """Settings of one NEMD run (in the run's ``units``; see the module docstring).

    Attributes
    ----------
    potential : str
        ``"lj/cut"`` (cutoff 2.5 sigma), ``"sw"`` or ``"tersoff"``.  Required.
    n_x, n_y, cells_a, cells_b : int
        Bicrystal size in conventional cells (fcc for lj/cut, diamond for sw/tersoff): cross-section and the
        A and B lengths along z.
    mass_a, mass_b, epsilon_a, epsilon_b : float
        Masses and well depths of A and B as ratios to their side's reference (module docstring).
    mixing_layers : int
        Intermixed atomic planes on each side of each interface; ``structure_seed`` seeds them.
    units : str
        ``"lj"`` (only with lj/cut) or ``"metal"``.
    geometry : str
        ``"periodic"`` (z periodic: two interfaces, heat A -> B through both, baths in the middle of A and B) or
        ``"fixed"`` (``boundary p p f``: ``frozen_planes`` atomic planes frozen at each end, one interface, the hot
        bath next to the left wall in A, the cold one next to the right wall in B).
    frozen_planes : int
        Frozen (001) planes at each end for ``geometry = "fixed"`` (ignored for periodic).
    temperature : float
        Mean temperature (epsilon/k_B or K); the baths are at temperature +- delta_temperature/2.
    delta_temperature : float
        Hot minus cold bath set point (epsilon/k_B or K).
    timestep : float
        tau or ps.
    damp : float
        Langevin damping time (tau or ps).
    bath_width : float
        Thickness along z of each bath slab (sigma or Angstrom); must fit inside its crystal.
    steps_npt : int
        Timesteps of NPT at zero pressure before the NVT equilibration (0: none; else at least 2): the cross-section
        (x and y coupled, so it stays square and common to A and B, as a coherent interface needs) and the length
        (z, independent) relax; the box is then set to its mean over the second half of the NPT run.
    steps_equilibration, steps_steady, steps_production, block_steps : int
        Timesteps of NVT equilibration, of the discarded transient with baths on, of production, and per block.
    sample_every : int
        Timesteps between profile samples within a block.
    seed : int
        Seed of the initial velocities and of the Langevin baths (block b uses seed + 2b + 1 and seed + 2b + 2).
    spectral_every : int
        Timesteps between the velocity (and, for lj/cut, position) samples of the atoms near the interface
        for the spectral heat current (:mod:`kapitza.md.spectral`); 0 (default) = no spectral sampling.  Must
        divide block_steps with at least 64 samples per block.
    spectral_planes : int
        Atomic planes sampled on each side of the interface (at least those within the force range are sampled
        anyway); default 8.
    reverse : bool
        Swap the baths: hot bath in B, cold in A (fixed ends: hot next to the right wall), so heat flows B -> A
        and the spectral heat current 1 -> 2 is negative.  Default False.
    """

    potential: str = None  # type: ignore[assignment]  # required, except with structure= ("user")
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
    units: str = None  # type: ignore[assignment]  # "lj" for the built-ins, "metal" with a structure
    geometry: str = "periodic"
    frozen_planes: int = 2
    temperature: float = None  # type: ignore[assignment]  # by system, see _DEFAULTS
    delta_temperature: float = None  # type: ignore[assignment]  # by system, see _DEFAULTS
    timestep: float = None  # type: ignore[assignment]  # by system, see _DEFAULTS
    damp: float = None  # type: ignore[assignment]  # by system, see _DEFAULTS (protocol study)
    bath_width: float = None  # type: ignore[assignment]  # by system, see _DEFAULTS
    steps_npt: int = 0
    steps_equilibration: int = 5000
    steps_steady: int = 20000
    steps_production: int = 50000
    block_steps: int = 5000
    sample_every: int = 10
    seed: int = 12345
    spectral_every: int = 0
    spectral_planes: int = 8
    reverse: bool = False
    structure: str | None = None
    sides: str = "tags"
    pair: str | None = None
    pair_lines: tuple[str, ...] | None = None
    bin_width: float | None = None

    def __post_init__(self) -> None:
        self._resolve_system()
        if not isinstance(self.potential, str) or self.potential not in POTENTIALS:
            raise InputError(f"potential= must be one of {', '.join(POTENTIALS)}, got {self.potential!r}")
        if not isinstance(self.units, str) or self.units not in UNITS:
            raise InputError(f"units= must be one of {', '.join(UNITS)}, got {self.units!r}")
        if (self.potential, self.units) not in _DEFAULTS:
            raise InputError(
                f'potential="{self.potential}" needs units="metal" (its parameter file is in Angstrom and eV), '
                f'got units="{self.units}"'
            )
        if self.potential == "user":
            self._user_defaults()
        for name, default in zip(_DEFAULTED, _DEFAULTS[(self.potential, self.units)], strict=True):
            if getattr(self, name) is None and default is not None:
                object.__setattr__(self, name, default)
        if self.record is not None and not self.record.scaled_epsilons and (self.epsilon_a != 1 or self.epsilon_b != 1):
            raise InputError(
                f"epsilon_a= and epsilon_b= apply to lj/cut only (potential={self.potential!r} takes its energies "
                f"from its file): leave them at 1, got {self.epsilon_a!r} and {self.epsilon_b!r}"
            )
        for name in ("n_x", "n_y", "cells_a", "cells_b", "block_steps", "sample_every"):
            check_integer(name, getattr(self, name), 1)
        for name in ("mixing_layers", "structure_seed", "steps_equilibration", "steps_steady", "seed"):
            check_integer(name, getattr(self, name), 0)
        check_integer("steps_production", self.steps_production, 1)
        check_integer("steps_npt", self.steps_npt, 0)
        if self.geometry not in ("periodic", "fixed"):
            raise InputError(f"geometry= must be periodic or fixed, got {self.geometry!r}")
        check_integer("frozen_planes", self.frozen_planes, 1)
        if self.steps_npt == 1:
            raise InputError("steps_npt= must be 0 (no NPT) or at least 2 (the box is averaged over its second half)")
        lj = self.units == "lj"
        units = dict.fromkeys(("mass_a", "mass_b", "epsilon_a", "epsilon_b"), "(a ratio)")
        units.update(temperature="epsilon/k_B" if lj else "K", delta_temperature="epsilon/k_B" if lj else "K")
        units.update(timestep="tau" if lj else "ps", damp="tau" if lj else "ps", bath_width=self.length_unit)
        for name, unit in units.items():  # kapitza._checks: finite (and > 0)
            value = getattr(self, name)
            checked = (number if name == "delta_temperature" else positive)(value, f"{name}=", unit)
            if not isinstance(value, int | float):  # a number given as text: stored as the number (an int or float
                object.__setattr__(self, name, checked)  # given stays as given, so that config.toml is unchanged)
        if self.delta_temperature <= 0 or self.delta_temperature >= 2 * self.temperature:
            raise InputError(
                f"delta_temperature= must be positive and below 2*temperature (= {2 * self.temperature:g}), "
                f"got {self.delta_temperature:g}"
            )
        if self.steps_production % self.block_steps:
            raise InputError(
                f"steps_production= ({self.steps_production}) must be a multiple of block_steps= ({self.block_steps})"
            )
        check_seeds("seed", self.seed, self.seed + 2 * self.n_blocks + 2)  # block b's baths: seed + 2b + 1, + 2
        baths_on = (self.steps_steady + self.steps_production) * self.timestep
        if not self.timestep <= self.damp <= baths_on:
            time_unit = "tau" if lj else "ps"
            raise InputError(
                f"damp= must be from the timestep ({self.timestep:g} {time_unit}: a shorter Langevin damping time is "
                f"not integrated) to the time the baths are on ({baths_on:g} {time_unit}, transient and production: "
                f"a bath that relaxes more slowly never brings its slab to its temperature), got {self.damp:g}"
            )
        if self.block_steps % self.sample_every:
            raise InputError(
                f"block_steps= ({self.block_steps}) must be a multiple of sample_every= ({self.sample_every})"
            )
        if self.potential == "user" or self.structure is not None:
            self._check_user()
        else:
            self._check_builtin_only()
            self._check_spectral()
            self._check_builtin_baths()

    def _check_builtin_baths(self) -> None:
        """Each bath slab fits inside its crystal of a built-in family."""
        a, unit = self.lattice_constant, self.length_unit
        if self.geometry == "fixed":
            for side, cells in (("A", self.cells_a), ("B", self.cells_b)):
                free = cells * a - (self.frozen_planes + self.mixing_layers) * self.plane_spacing
                if self.bath_width >= free:
                    raise InputError(
                        f"bath_width= {self.bath_width:g} {unit} does not fit in crystal {side} between its frozen "
                        f"end ({self.frozen_planes} planes) and the interface ({cells} cells = {cells * a:g} {unit}, "
                        f"{free:g} {unit} free)"
                    )
            return
        for side, cells in (("A", self.cells_a), ("B", self.cells_b)):
            free = cells * a - 2 * self.mixing_layers * self.plane_spacing
            if self.bath_width >= free:
                raise InputError(
                    f"bath_width= {self.bath_width:g} {unit} does not fit inside crystal {side} "
                    f"({cells} cells = {cells * a:g} {unit}, {free:g} {unit} clear of the interfaces)"
                )

    def _resolve_system(self) -> None:
        """potential "user" with a structure; units "metal" for a user's system, "lj" by default otherwise."""
        if self.structure is not None and self.potential is None:
            object.__setattr__(self, "potential", "user")
        if self.units is None:
            object.__setattr__(self, "units", "metal" if self.potential == "user" else "lj")

    def _user_defaults(self) -> None:
        """A user's structure: temperature and timestep given, delta_temperature from the temperature."""
        units = {"temperature": "K", "timestep": "ps"}
        missing = [f"{name}= ({unit})" for name, unit in units.items() if getattr(self, name) is None]
        if missing:
            raise InputError(
                f"structure= needs {' and '.join(missing)}: nothing in a structure file says at what temperature to "
                "run it or how fast its atoms vibrate, and the built-in families' values (Si|Ge's 300 K and 1 fs) "
                "are no default for another material"
            )
        if self.delta_temperature is None:
            temperature = positive(self.temperature, "temperature=", "K")
            object.__setattr__(self, "delta_temperature", USER_DELTA_FRACTION * temperature)

    def _check_builtin_only(self) -> None:
        for name in ("pair", "pair_lines", "bin_width"):
            if getattr(self, name) is not None:
                raise InputError(
                    f"{name}= goes with structure= (a user's system); the built-in {self.potential} writes its own "
                    "pair lines and bins"
                )

    def _check_user(self) -> None:
        """A user's structure and pair lines, as settings: no builder settings, periodic, the spectral sampling's
        settings.  Its files are read when the run is planned (:func:`kapitza.md.plan.plan_nemd`)."""
        if self.structure is None:
            raise InputError('potential="user" needs structure= (a structure file) and pair= or pair_lines=')
        if self.potential != "user":
            raise InputError(
                "structure= brings its own pair lines (pair= or pair_lines=): leave potential out or set it to "
                f'"user", got {self.potential!r}'
            )
        if not isinstance(self.structure, str) or not self.structure:
            raise InputError(f"structure= must be a file path, got {self.structure!r}")
        fields = {f.name: f.default for f in dataclasses.fields(self)}
        given = [name for name in BUILDER_SETTINGS if getattr(self, name) != fields[name]]
        if given:
            raise InputError(
                f"{', '.join(given)} are settings of the built-in builders; with structure= the atoms come from "
                f"{self.structure}: leave them out"
            )
        if (self.pair is None) == (self.pair_lines is None):
            raise InputError("structure= needs the force field: give either pair= (a file) or pair_lines= (a list)")
        if self.pair_lines is not None:
            lines = self.pair_lines
            if not isinstance(lines, (list, tuple)) or not all(isinstance(x, str) for x in lines):
                raise InputError(f"pair_lines= must be a list of LAMMPS lines (strings), got {_shown(lines)}")
            object.__setattr__(self, "pair_lines", tuple(lines))
        if self.geometry != "periodic":
            raise InputError('structure= runs in the periodic geometry only (geometry = "periodic")')
        self._check_spectral_sampling()
        if self.bin_width is not None:
            object.__setattr__(self, "bin_width", positive(self.bin_width, "bin_width=", "Angstrom"))

    def _check_spectral_sampling(self) -> None:
        """reverse, spectral_every and spectral_planes, and the samples per block (every system)."""
        if not isinstance(self.reverse, bool):
            raise InputError(f"reverse= must be true or false, got {self.reverse!r}")
        check_integer("spectral_every", self.spectral_every, 0)
        check_integer("spectral_planes", self.spectral_planes, 1)
        if self.spectral_every == 0:
            return
        if self.block_steps % self.spectral_every:
            raise InputError(
                f"block_steps= ({self.block_steps}) must be a multiple of spectral_every= ({self.spectral_every})"
            )
        if self.block_steps // self.spectral_every < MIN_SPECTRAL_SAMPLES:
            raise InputError(
                f"block_steps= / spectral_every= gives {self.block_steps // self.spectral_every} samples per block; "
                f"the spectral heat current needs at least {MIN_SPECTRAL_SAMPLES} (lower spectral_every=)"
            )

    def _check_spectral(self) -> None:
        """The sampling checks, then the sampled planes of a built-in family against its crystals."""
        self._check_spectral_sampling()
        if self.spectral_every == 0:
            return
        per_cell = 4 if self.record is None else self.record.planes_per_cell
        sampled = self.spectral_sampled_planes
        for side, cells in (("A", self.cells_a), ("B", self.cells_b)):
            have = cells * per_cell - (self.frozen_planes if self.geometry == "fixed" else 0)
            if sampled > have:
                raise InputError(
                    f"spectral sampling needs {sampled} planes on each side of the interface (spectral_planes= "
                    f"{self.spectral_planes}, or the force range), crystal {side} has {have} mobile planes"
                )
        if self.geometry == "periodic":
            n_z = self.cells_a + self.cells_b
            length = n_z * self.lattice_constant
            reach = 2 * sampled * self.plane_spacing + self.force_range
            if reach >= length:
                raise InputError(
                    f"spectral sampling of {sampled} planes on each side of the interface reaches the other "
                    f"interface across the periodic box (2 x {sampled * self.plane_spacing:g} + force range "
                    f"{self.force_range:g} >= Lz = {length:g} {self.length_unit}): lower spectral_planes= or make "
                    "the crystals longer"
                )

    @property
    def record(self) -> MDPotential | None:
        """The built-in potential's record (:mod:`kapitza.atomistic.md_potentials`), None for a user's system."""
        return MD_POTENTIALS.get(self.potential)

    @property
    def force_range(self) -> float:
        """The potential's cutoff (run length unit): 2.5 sigma, SW's a sigma = 1.8 x 2.0951 A, Tersoff's 3.1 A
        (largest R + D of SiCGe.tersoff's Si/Ge pairs)."""
        if self.record is None:  # a user's system: its own pair lines; Tersoff's range stands in, as before
            return TERSOFF_RANGE_ANGSTROM
        if self.record.reduced:
            return LJ_CUTOFF * self.sigma
        return float(self.record.range_angstrom)

    @property
    def spectral_sampled_planes(self) -> int:
        """Planes sampled on each side of the interface: spectral_planes, or more to cover the force range."""
        return max(self.spectral_planes, math.ceil(self.force_range / self.plane_spacing - 1e-9))

    @property
    def n_spectral_samples(self) -> int:
        """Velocity samples per production block (0 without spectral sampling)."""
        return self.block_steps // self.spectral_every if self.spectral_every else 0

    @property
    def lattice_constant(self) -> float:
        """Cubic lattice constant of the structure (sigma for ``units lj``, Angstrom for ``metal``)."""
        record = self.record or MD_POTENTIALS["lj/cut"]  # a user's structure: no builder; the LJ one stands in
        return record.lattice_constant * (ARGON_SIGMA_ANGSTROM if record.reduced and self.units == "metal" else 1.0)

    @property
    def plane_spacing(self) -> float:
        """Distance between (001) atomic planes: a/2 (fcc) or a/4 (diamond), in the run's length unit."""
        return self.lattice_constant / (4 if self.record is None else self.record.planes_per_cell)

    @property
    def length_unit(self) -> str:
        return "sigma" if self.units == "lj" else "Angstrom"

    @property
    def energy_unit(self) -> str:
        return "epsilon" if self.units == "lj" else "eV"

    @property
    def masses(self) -> tuple[float, float]:
        """Absolute masses of types 1 (A) and 2 (B): LJ mass unit or amu."""
        from ..atomistic.diamond_bicrystal import MASS_GE_AMU, MASS_SI_AMU

        if self.record is not None and self.record.reduced:  # LJ: masses in the LJ unit, argon's in metal
            ref = (1.0, 1.0) if self.units == "lj" else (ARGON_MASS_AMU, ARGON_MASS_AMU)
        else:
            ref = (MASS_SI_AMU, MASS_GE_AMU)
        return (ref[0] * self.mass_a, ref[1] * self.mass_b)

    @property
    def epsilons(self) -> tuple[float, float]:
        """Absolute LJ well depths of A and B (epsilon or eV); lj/cut only."""
        ref = 1.0 if self.units == "lj" else ARGON_EPSILON_EV
        return (ref * self.epsilon_a, ref * self.epsilon_b)

    @property
    def sigma(self) -> float:
        """LJ size parameter in the run's length unit (1 for ``units lj``)."""
        return 1.0 if self.units == "lj" else ARGON_SIGMA_ANGSTROM

    @property
    def n_interfaces(self) -> int:
        """Interfaces the heat crosses: 2 (periodic) or 1 (fixed ends); the flux per interface is the bath power
        divided by n_interfaces times the cross-section."""
        return 1 if self.geometry == "fixed" else 2

    @property
    def n_atoms(self) -> int:
        """Atoms in the bicrystal: 4 per conventional fcc cell (LJ), 8 per diamond cell (Si/Ge)."""
        per_cell = 2 * (4 if self.record is None else self.record.planes_per_cell)  # two atoms a (001) plane
        return per_cell * self.n_x * self.n_y * (self.cells_a + self.cells_b)

    @property
    def n_blocks(self) -> int:
        return self.steps_production // self.block_steps

    @property
    def hot_temperature(self) -> float:
        return bath_set_points(self.temperature, self.delta_temperature)[0]

    @property
    def cold_temperature(self) -> float:
        return bath_set_points(self.temperature, self.delta_temperature)[1]

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "config") -> NemdConfig:
        """A config from a TOML table: unknown keys and a missing ``potential`` are errors."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise InputError(f"{where}: unknown setting(s) {', '.join(unknown)} (known: {', '.join(sorted(names))})")
        if "potential" not in data and "structure" not in data:
            raise InputError(f'{where}: missing potential (e.g. potential = "lj/cut")')
        return cls(**dict(data))

    def to_toml(self) -> str:
        """The config as a canonical TOML text (every setting, in field order; spectral_every, spectral_planes and
        reverse only when not at their default, so the text of older configs is unchanged)."""
        units = (
            "LJ reduced units: sigma, epsilon, tau, epsilon/k_B"
            if self.units == "lj"
            else "LAMMPS units metal: Angstrom, eV, ps, K, amu"
        )
        lines = [f"# kapitza NEMD run configuration ({units}; masses and epsilons as ratios, see kapitza.md.nemd)"]
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name in _OPTIONAL_DEFAULTS and value == _OPTIONAL_DEFAULTS[f.name]:
                continue
            if isinstance(value, bool):
                text = "true" if value else "false"
            elif isinstance(value, tuple):  # pair_lines: JSON strings are TOML basic strings
                text = "[" + ", ".join(json.dumps(v) for v in value) + "]"
            else:
                text = f'"{value}"' if isinstance(value, str) else repr(value)
            lines.append(f"{f.name} = {text}")
        return "\n".join(lines) + "\n"


#: What to do with an input file a config may not name (:func:`kapitza.io.paths.confined`).
_BESIDE = "copy the file into the config's folder; a symbolic link there may not lead elsewhere"
#: Settings that name input files: in a config file, relative to the config file's folder (as ``kapitza agf``).
INPUT_FILES = ("structure", "pair")


def files_beside(
    data: Mapping[str, Any], folder: str | os.PathLike, allow_outside: bool = False, where: str = "the config"
) -> dict[str, Any]:
    """``data`` (a config file's table) with its input files (:data:`INPUT_FILES`) joined onto ``folder``, the
    config file's folder, so that a config names its structure and pair file as seen from itself.

    Every path the file names must lie at or below ``folder`` (:func:`kapitza.io.paths.confined`: no ``../``,
    absolute path or symbolic link leading elsewhere, refused before anything is opened) unless
    ``allow_outside``; so must the potential files of its ``pair_lines``
    (:func:`kapitza.atomistic.forcefield.lines_beside`, which also joins them onto ``folder``).  Values that are
    not strings (refused later by the config) are left as they are.  ``where`` names the file in messages.
    """
    from ..io.paths import confined

    out = dict(data)
    base = os.fspath(folder)
    for key in INPUT_FILES:
        value = out.get(key)
        if isinstance(value, str) and value:
            path = confined(value, base, f"{where}: {key}=", allow_outside, hint=_BESIDE)
            out[key] = os.fspath(path) if base not in ("", ".") or os.path.isabs(value) else value
    lines = out.get("pair_lines")
    if isinstance(lines, list) and lines and all(isinstance(x, str) for x in lines):
        from ..atomistic.forcefield import lines_beside

        out["pair_lines"] = lines_beside(lines, base, f"{where}: pair_lines", allow_outside=allow_outside)
    return out


def _shown(value: Any) -> str:
    """A value for a message: its repr, cut to 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_integer(name: str, value: Any, minimum: int) -> None:
    """InputError unless ``value`` is an int (not a bool) >= ``minimum`` (steps, cells, seeds of md configs)."""
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise InputError(f"{name}= must be an integer >= {minimum}, got {value!r}")
