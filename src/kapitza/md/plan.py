"""One NEMD run planned before any work: the files its config names read, the checks that need them, its manifest.

A :class:`~kapitza.md.nemd.NemdConfig` is a plain value whose checks need nothing but its settings.
:func:`plan_nemd` is the one step that reads what it names and checks what needs the atoms: a user's structure and
pair lines (:func:`kapitza.md.systems.load_user_system`), each bath slab inside its crystal, the planes the spectral
heat current samples (:func:`kapitza.md.sites.user_sites`), and what ``md analyze`` will need of the run's
temperature profile (:func:`layout_notes`, on the run's manifest).  Every problem is one InputError line, before
any file is written.  Its result, a :class:`NemdPlan`, is what the run (:func:`kapitza.md.run.run_nemd`), a
campaign (:mod:`kapitza.md.campaign`), the input writer (:mod:`kapitza.md.inputs`) and the spectral set-up
(:mod:`kapitza.md.spectral`) take.

:func:`run_manifest` is the run's ``run.json`` (:class:`~kapitza.io.run_manifest.RunManifest`), from a plan.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..errors import InputError
from ..io.run_manifest import (
    BATHS_FILE,
    BOX_FILE,
    CONFIG_FILE,
    DATA_FILE,
    FLUX_CONVENTION,
    INPUT_FILE,
    LOG_FILE,
    PROFILE_FILE,
    STATE_FILE,
    RunManifest,
    RunSystem,
)
from .geometry import SystemGeometry, bin_counts, builtin_geometry
from .nemd import NemdConfig
from .sites import UserSites, user_sites
from .systems import STRUCTURE_COPY, UserSystem, load_user_system, pair_commands


@dataclass(frozen=True, eq=False, repr=False)
class NemdPlan:
    """An NEMD run's config with what the files it names hold (lengths in the run's unit).

    Made by :func:`plan_nemd`; nothing in it depends on the config's seeds (:meth:`with_seed`).

    Attributes
    ----------
    config : NemdConfig
        The run's settings.
    system : UserSystem or None
        A user's structure, force field and atom types (:class:`kapitza.md.systems.UserSystem`); None for a
        built-in family.
    geometry : SystemGeometry
        Interfaces, crystal middles and profile bins (:mod:`kapitza.md.geometry`): from the cells of a built-in
        family, or from the atoms of the user's structure.
    sites : UserSites or None
        The planes of a user's structure that the spectral heat current samples (``spectral_every``); None
        otherwise.
    notes : tuple of str
        What ``md analyze`` would run without but not estimate (:func:`layout_notes`); empty when planned with
        ``layout=False``.
    """

    config: NemdConfig
    system: UserSystem | None
    geometry: SystemGeometry
    sites: UserSites | None = None
    notes: tuple[str, ...] = ()

    def __repr__(self) -> str:
        what = f"structure={self.config.structure!r}" if self.system is not None else f"{self.config.potential!r}"
        return f"NemdPlan({what}, {self.geometry.n_bins} bins, {len(self.notes)} notes)"

    def with_seed(self, seed: int) -> NemdPlan:
        """The plan of this config with ``seed`` as its seed (a replica): nothing is read again."""
        return dataclasses.replace(self, config=dataclasses.replace(self.config, seed=seed))

    @property
    def n_planes(self) -> int:
        """Atomic planes along z in the whole box (the profile's bins unless bin_width= is given)."""
        return self.geometry.n_planes

    @property
    def interface_fraction(self) -> float:
        """The position of the A|B interface along the normal, a fraction of the box length (built-ins: the other
        interface is at 0 = 1)."""
        return self.geometry.interface_fraction

    def bath_regions(self, low: float, high: float) -> tuple[tuple[float, float], tuple[float, float]]:
        """The hot and the cold bath slab as (start, end) along z in a box ``low`` .. ``high`` (run length unit).

        The slabs of :mod:`kapitza.md.inputs`: periodic, centred in the middle of A and of B (a slab may not
        cross the box edge, since the baths sit mid-crystal); fixed ends, next to the frozen planes.  With
        ``reverse`` the hot slab is B's.
        """
        hot, cold = self.bath_ranges
        length = high - low
        return tuple(  # type: ignore[return-value]
            tuple(low + f * length + offset for f, offset in slab) for slab in (hot, cold)
        )

    @property
    def bath_ranges(self):
        """The hot and the cold slab as ((fraction, offset), (fraction, offset)) of the box (z = zlo + fraction Lz +
        offset): :meth:`kapitza.md.geometry.SystemGeometry.bath_ranges`, the one rule."""
        config = self.config
        return self.geometry.bath_ranges(config.geometry, config.bath_width, config.reverse)

    def interface_planes(self, low: float, high: float) -> tuple[float, ...]:
        """The interface planes in a box ``low`` .. ``high``: the box edge and the A|B plane (periodic), or the
        A|B plane alone (fixed ends)."""
        return tuple(low + f * (high - low) for f in self.geometry.interfaces)


def plan_nemd(config: NemdConfig, *, layout: bool = True) -> NemdPlan:
    """Read the files ``config`` names and make every check that needs them; the plan of its run.

    Parameters
    ----------
    config : NemdConfig
        The run's settings (already checked on their own when it was built).
    layout : bool
        Check the run's layout against what ``md analyze`` needs (:func:`layout_notes`; the plan's ``notes``).
        False for an EMD run, which has no baths.

    Returns
    -------
    NemdPlan

    Raises
    ------
    InputError
        One line: a file that cannot be read, a bath slab wider than its crystal, spectral planes that do not fit,
        a run ``md analyze`` could not analyse.
    """
    if not isinstance(config, NemdConfig):
        raise InputError(f"plan_nemd needs a NemdConfig, got {type(config).__name__}")
    system = None
    if config.structure is not None:
        system = load_user_system(config)
        _check_user_baths(config, system)
    geometry = system.geometry if system is not None else builtin_geometry(config)
    sites = None
    if system is not None and config.spectral_every:
        sites = user_sites(config, system)  # the sampled planes must fit between the interface and each middle
    plan = NemdPlan(config=config, system=system, geometry=geometry, sites=sites)
    if layout:
        plan = dataclasses.replace(plan, notes=layout_notes(plan))
    return plan


def as_plan(value: NemdPlan | NemdConfig) -> NemdPlan:
    """``value`` itself if it is a plan; a config's plan without the layout check (``plan_nemd(value,
    layout=False)``), so that every function that takes a plan takes a config too."""
    return value if isinstance(value, NemdPlan) else plan_nemd(value, layout=False)


def _check_user_baths(config: NemdConfig, system: UserSystem) -> None:
    """Each bath slab fits inside its crystal of a user's structure."""
    for side, length in zip("AB", system.geometry.lengths, strict=True):
        if config.bath_width >= length:
            raise InputError(
                f"bath_width= {config.bath_width:g} Angstrom does not fit inside crystal {side} of {config.structure} "
                f"({length:.4g} Angstrom between its interfaces)"
            )


def layout_notes(plan: NemdPlan | NemdConfig) -> tuple[str, ...]:
    """What ``md analyze`` and ``md run``'s regime line will need of the run's temperature profile, checked on
    its layout before any work (:meth:`kapitza.io.run_manifest.RunManifest.layout_problems`, the analysis's
    own rules): every bin holds atoms, each bath slab a bin, each segment between a bath and an interface
    enough bins for its fit.  The first problem is an InputError naming the settings that move it; what the
    analysis would run without but not estimate comes back as sentences, for the caller to show.
    :func:`plan_nemd` and :func:`kapitza.md.run.run_nemd` call it; an EMD run, which has no baths, does not."""
    plan = as_plan(plan)
    config = plan.config
    counts = None
    if plan.system is not None:
        g = plan.geometry
        counts = bin_counts(plan.system.structure.atoms.positions[:, 2] + g.shift, g.box[2], g.n_bins)
    problems, notes = run_manifest(plan).layout_problems(counts)
    if problems:
        where = f"{config.structure}: " if config.structure is not None else ""
        remedy = (
            "leave bin_width= out (one bin per atomic plane) or widen it"
            if "hold no atoms" in problems[0]
            else "widen bath_width= to at least one atomic plane"
            if "no profile bin lies in the bath slab" in problems[0]
            else "make the crystals longer, bath_width= narrower"
            + (" or bin_width= smaller" if config.bin_width is not None else "")
        )
        raise InputError(f"{where}md analyze could not analyse this run: {problems[0]}; {remedy}")
    return tuple(notes)


#: The NemdConfig settings that say how the built-in family was built (recorded in the manifest's system).
BUILDER_KEYS = ("n_x", "n_y", "cells_a", "cells_b", "mass_a", "mass_b", "epsilon_a", "epsilon_b", "mixing_layers",
                "structure_seed")  # fmt: skip


def run_system(plan: NemdPlan | NemdConfig) -> RunSystem:
    """The manifest's description of the atoms and their interactions: a built-in family's builder settings, or
    the user's structure (file name, sha256, sides rule, copy in the run directory) and pair lines."""
    plan = as_plan(plan)
    config, system = plan.config, plan.system
    pair = tuple(ln for ln in (ln.split("#", 1)[0].rstrip() for ln in pair_commands(config, system).splitlines()) if ln)
    if system is not None:
        desc = system.structure.description
        record = system.forcefield.record()
        builder = {
            "structure_file": str(desc.get("file", "")),
            "structure_sha256": str(desc.get("sha256", "")),
            "sides": config.sides,
            "structure_copy": STRUCTURE_COPY,
            "z_shift_angstrom": float(system.geometry.shift),
            "pair_origin": str(record["origin"]),
            **{f"potential_file:{name}": sha for name, sha in record["files"].items()},
        }
        return RunSystem(
            kind="user",
            species=system.type_species,
            masses=system.type_masses,
            potential=system.forcefield.pair_style.split()[1],
            pair_lines=pair,
            structure=STRUCTURE_COPY,
            units=config.units,
            builder=builder,
        )
    record = config.record
    return RunSystem(
        kind=record.system,
        species=record.species,
        masses=tuple(float(m) for m in config.masses),
        potential=config.potential,
        pair_lines=pair,
        structure=None,
        units=config.units,
        builder={name: getattr(config, name) for name in BUILDER_KEYS},
    )


def run_manifest(plan: NemdPlan | NemdConfig) -> RunManifest:
    """The :class:`~kapitza.io.run_manifest.RunManifest` (``run.json``) of the run directory of ``plan``."""
    plan = as_plan(plan)
    config, g = plan.config, plan.geometry
    hot, cold = plan.bath_ranges
    return RunManifest(
        system=run_system(plan),
        geometry=config.geometry,
        box=g.box,
        cells=g.cells,
        planes_per_cell=g.planes_per_cell,
        n_planes=g.n_bins,
        interfaces=tuple((f, 0.0) for f in g.interfaces),
        frozen_fraction=g.frozen_fraction,
        hot_bath=hot,
        cold_bath=cold,
        bath_width=float(config.bath_width),
        temperature=float(config.temperature),
        delta_temperature=float(config.delta_temperature),
        timestep=float(config.timestep),
        block_steps=config.block_steps,
        sample_every=config.sample_every,
        n_blocks=config.n_blocks,
        reverse=bool(config.reverse),
        n_interfaces=config.n_interfaces,
        flux_convention=FLUX_CONVENTION,
        files={
            "config": CONFIG_FILE,
            "data": DATA_FILE,
            "input": INPUT_FILE,
            "log": LOG_FILE,
            "profile": PROFILE_FILE,
            "baths": BATHS_FILE,
            "box": BOX_FILE,
            "state": STATE_FILE,
        },
    )
