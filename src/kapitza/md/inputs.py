"""The LAMMPS input of an NEMD run: readable, deterministic, runnable with plain ``lmp``.

The run is cut into *units*, each starting from the restart file of the one
before (``clear`` + ``read_restart``), so that an interrupted run resumes at a
unit boundary and does exactly what an uninterrupted one does:

* unit 0, ``start``: read the data file, minimise, NVT equilibration ->
  ``restart.eq``;
* unit 1, ``steady``: hot/cold Langevin baths (``tally yes``) on for the
  transient, then ``reset_timestep 0`` -> ``restart.0``;
* unit 1 + b, production block b = 1..n: baths re-seeded for the block, one
  temperature profile (``fix ave/chunk``, ``ave one`` over the block, appended
  to ``profile.chunk``), the energy each bath exchanged in the block printed to
  ``baths.txt`` with the system's total energy at the block's end -> ``restart.b``.

``fix langevin ... tally yes`` counts the energy a bath takes out of the system
(its scalar, positive into the bath's reservoir: the cold bath's is positive,
the hot bath's negative) since the start of the current ``run``: each block is
one ``run``, so its tallies are the block's own, and the transient's never mix
with production's.  Thermo output is extensive (``thermo_modify norm no``,
which must follow ``thermo_style``).

:func:`lammps_input` writes the whole script (a ``label``/``jump`` loop over
the blocks) for users; :func:`unit_commands` gives the text of one unit, which
is what :mod:`kapitza.md.run` feeds to the LAMMPS library, and is the same text
as the script's.  Both take the run's plan (:func:`kapitza.md.plan.plan_nemd`:
the config with what the files it names hold), or a config, which they plan.
"""

from __future__ import annotations

from typing import Any

from ..io.run_manifest import BATHS_FILE, BATHS_HEADER, BOX_FILE, DATA_FILE, PROFILE_FILE
from .nemd import NemdConfig
from .plan import NemdPlan, as_plan
from .spectral import spectral_dump_commands
from .systems import pair_commands


def restart_name(unit: int) -> str:
    """The restart file written at the end of unit ``unit`` (0: equilibration, 1: transient, 1 + b: block b)."""
    return "restart.eq" if unit == 0 else f"restart.{unit - 1}"


def lammps_header(config: NemdConfig) -> str:
    """The first lines of every unit: units, atom style and boundaries (z fixed or periodic)."""
    z = "f" if config.geometry == "fixed" else "p"
    return f"units {config.units}\natom_style atomic\nboundary p p {z}\n"


def _group(config: NemdConfig) -> str:
    """The atoms that move: all, or all but the frozen ends (``mobile``, defined in unit 0, kept in restarts)."""
    return "mobile" if config.geometry == "fixed" else "all"


def _walls(plan: NemdPlan) -> str:
    """Fixed ends: the frozen planes at each end (groups kept in the restart files); nothing if periodic."""
    config = plan.config
    if config.geometry != "fixed":
        return ""
    f = config.frozen_planes / plan.n_planes
    return (
        f"# fixed ends: {config.frozen_planes} frozen (001) planes at each end, never integrated (zero velocity)\n"
        f"region wall_lo_r block INF INF INF INF INF $(zlo+{f:.12g}*lz) units box\n"
        f"region wall_hi_r block INF INF INF INF $(zhi-{f:.12g}*lz) INF units box\n"
        "group wall_lo region wall_lo_r\ngroup wall_hi region wall_hi_r\n"
        "group walls union wall_lo wall_hi\ngroup mobile subtract all walls\n"
    )


def lammps_interactions(plan: NemdPlan | NemdConfig) -> str:
    """The pair lines, the neighbour list and the timestep (shared by the NEMD units and the EMD run)."""
    plan = as_plan(plan)
    config = plan.config
    skin = 0.3 if config.units == "lj" else 1.0
    time_unit = "tau" if config.units == "lj" else "ps"
    return (
        pair_commands(config, plan.system) + f"neighbor {skin:g} bin\n"
        "neigh_modify every 1 delay 0 check yes\n"
        f"timestep {config.timestep:.10g}   # {time_unit}\n"
    )


def _thermo(extra: str = "") -> str:
    return f"thermo_style custom step temp pe etotal press{extra}\nthermo_modify norm no   # after thermo_style\n"


def _bath_slabs(plan: NemdPlan) -> str:
    """The bath slabs, placed as fractions of the current box (it may have changed under NPT)."""
    config = plan.config
    if config.geometry == "fixed":
        f, w = config.frozen_planes / plan.n_planes, config.bath_width
        left = f"$(zlo+{f:.12g}*lz) $(zlo+{f:.12g}*lz+{w:.10g})"
        right = f"$(zhi-{f:.12g}*lz-{w:.10g}) $(zhi-{f:.12g}*lz)"
        hot, cold = (right, left) if config.reverse else (left, right)
        where = (
            "reverse: hot bath in B next to the right frozen end, cold bath in A next to the left one (heat B -> A)"
            if config.reverse
            else f"hot bath: in A next to the left frozen end ({w:g} wide); cold bath: in B next to the right one"
        )
        return (
            f"# {where}\n"
            f"region hot_slab block INF INF INF INF {hot} units box\n"
            f"region cold_slab block INF INF INF INF {cold} units box\n"
            "group hot region hot_slab\n"
            "group cold region cold_slab\n"
        )
    ((f_hot, _), _), ((f_cold, _), _) = plan.bath_ranges
    w = config.bath_width / 2
    where = (
        f"# reverse: hot bath in the middle of B (z = {f_hot:.6g} Lz, {2 * w:g} wide), cold bath in the middle of A"
        f" (z = {f_cold:.6g} Lz), heat flows B -> A;"
        if config.reverse
        else f"# hot bath: middle of A (z = {f_hot:.6g} Lz, {2 * w:g} wide); cold bath: middle of B"
        f" (z = {f_cold:.6g} Lz);"
    )
    return (
        f"{where} before any NPT Lz = {plan.geometry.box[2]:.6g}\n"
        f"region hot_slab block INF INF INF INF $(zlo+{f_hot:.12g}*lz-{w:.10g}) $(zlo+{f_hot:.12g}*lz+{w:.10g}) "
        "units box\n"
        f"region cold_slab block INF INF INF INF $(zlo+{f_cold:.12g}*lz-{w:.10g}) $(zlo+{f_cold:.12g}*lz+{w:.10g}) "
        "units box\n"
        "group hot region hot_slab\n"
        "group cold region cold_slab\n"
    )


#: The Langevin baths' keywords.  ``tally yes``: the energy each bath exchanges.  No ``zero yes``: that keyword
#: removes the sum of the random forces on a bath slab at every step while its friction still acts on the slab's
#: centre of mass, so the slab's rigid motion, and with it the long-wavelength phonons that cross the interface
#: ballistically, is damped and never driven.  Issue 52 measured the bias on the SW Si|Ge bicrystal, 3x3x(30+30)
#: cells, 300 K, 80 K between the baths, 200 ps of production each (benchmarks/nemd_parity.py, kapitza md analyze):
#: kapitza's input with ``zero yes`` J = 1.77e10 W m^-2, G = 295 +- 23 MW m^-2 K^-1; the same input without it
#: J = 2.02e10, G = 351 +- 29; a hand-written input (plain Langevin) J = 2.11e10, G = 359 +- 21.
BATH_KEYWORDS = "tally yes"


def _baths(plan: NemdPlan, seed_expression: str) -> str:
    """NVE for all atoms plus the two Langevin baths (energy tallied; :data:`BATH_KEYWORDS`), seeded by
    ``seed_expression``."""
    config = plan.config
    d = config.damp
    return (
        _bath_slabs(plan) + f"variable seed_hot equal {config.seed}+2*{seed_expression}+1\n"
        f"variable seed_cold equal {config.seed}+2*{seed_expression}+2\n"
        f"fix integrate {_group(config)} nve\n"
        f"fix hot hot langevin {config.hot_temperature:.10g} {config.hot_temperature:.10g} {d:.10g} ${{seed_hot}} "
        f"{BATH_KEYWORDS}\n"
        f"fix cold cold langevin {config.cold_temperature:.10g} {config.cold_temperature:.10g} {d:.10g} "
        f"${{seed_cold}} {BATH_KEYWORDS}\n" + _thermo(" f_hot f_cold") + f"thermo {max(config.block_steps // 5, 1)}\n"
    )


def _start(plan: NemdPlan) -> str:
    config = plan.config
    t, g = config.temperature, _group(config)
    return (
        "# ---- unit 0: structure, minimisation, NVT equilibration ----\n"
        + lammps_header(config)
        + f"read_data {DATA_FILE}\n"
        + _walls(plan)
        + lammps_interactions(plan)
        + _thermo()
        + "thermo 1000\n"
        + ("fix freeze walls setforce 0.0 0.0 0.0\n" if config.geometry == "fixed" else "")
        + "min_style cg\n"
        "minimize 1.0e-10 1.0e-10 10000 100000\n"
        + ("unfix freeze\n" if config.geometry == "fixed" else "")
        + "reset_timestep 0\n"
        f"velocity {g} create {t:.10g} {config.seed} dist gaussian mom yes rot no\n"
        + _npt(config)
        + f"fix nvt {g} nvt temp {t:.10g} {t:.10g} {100 * config.timestep:.10g}\n"
        f"run {config.steps_equilibration}\n"
        "unfix nvt\n"
        f'print "$(lx:%.12g) $(ly:%.12g) $(lz:%.12g)" file {BOX_FILE} screen no   # box after equilibration\n'
        f"write_restart {restart_name(0)}\n"
    )


def _npt(config: NemdConfig) -> str:
    """Zero-pressure NPT (x and y coupled, z free), then the box set to its mean over the run's second half."""
    n = config.steps_npt
    if n == 0:
        return ""
    t, dt = config.temperature, config.timestep
    p = f"0 0 {1000 * dt:.10g}"
    if config.geometry == "fixed":  # z is not periodic: only the cross-section relaxes
        return (
            "# NPT at zero pressure: cross-section (x, y coupled: square, common to A and B) relaxes; z has walls\n"
            f"fix npt mobile npt temp {t:.10g} {t:.10g} {100 * dt:.10g} x {p} y {p} couple xy\n"
            "variable lx equal lx\nvariable ly equal ly\n"
            f"fix boxavg all ave/time 1 {n // 2} {n} v_lx v_ly   # mean box over the second half\n"
            f"run {n}\n"
            "unfix npt\n"
            "change_box all x final $(xlo) $(xlo+f_boxavg[1]) y final $(ylo) $(ylo+f_boxavg[2]) remap units box\n"
            "unfix boxavg\n"
        )
    return (
        "# NPT at zero pressure: cross-section (x, y coupled: square, common to A and B) and length (z) relax\n"
        f"fix npt all npt temp {t:.10g} {t:.10g} {100 * dt:.10g} x {p} y {p} z {p} couple xy\n"
        "variable lx equal lx\nvariable ly equal ly\nvariable lz equal lz\n"
        f"fix boxavg all ave/time 1 {n // 2} {n} v_lx v_ly v_lz   # mean box over the second half\n"
        f"run {n}\n"
        "unfix npt\n"
        "change_box all x final $(xlo) $(xlo+f_boxavg[1]) y final $(ylo) $(ylo+f_boxavg[2]) "
        "z final $(zlo) $(zlo+f_boxavg[3]) remap units box\n"
        "unfix boxavg\n"
    )


def _steady(plan: NemdPlan) -> str:
    config = plan.config
    return (
        "# ---- unit 1: baths on, transient to steady state (tallies discarded) ----\n"
        "clear\n"
        + lammps_header(config)
        + f"read_restart {restart_name(0)}\n"
        + lammps_interactions(plan)
        + _baths(plan, "0")
        + f"run {config.steps_steady}\n"
        "reset_timestep 0   # production block b ends at timestep b*block_steps\n"
        f"write_restart {restart_name(1)}\n"
    )


def _spectral_dump(plan: NemdPlan) -> str:
    """The dump of the interface atoms' velocities (and positions) for the spectral heat current, if asked for."""
    if not plan.config.spectral_every:
        return ""
    return spectral_dump_commands(plan)


def _block(plan: NemdPlan) -> str:
    """One production block b (LAMMPS variable ``b``, 1..n_blocks); reads restart.(b-1), writes restart.b."""
    config = plan.config
    n = config.sample_every
    return (
        "# ---- production block ${b}: reads restart.(b-1), writes restart.${b} ----\n"
        "clear\n" + lammps_header(config) + "variable prev equal ${b}-1\n"
        "read_restart restart.${prev}\n"
        + lammps_interactions(plan)
        + _baths(plan, "${b}")
        + f"compute planes all chunk/atom bin/1d z lower $(lz/{plan.geometry.n_bins}) units box"
        + ("   # one bin per (001) plane\n" if plan.system is None or config.bin_width is None else "\n")
        + f"fix profile all ave/chunk {n} {config.block_steps // n} {config.block_steps} planes "
        f"density/number temp ave one append {PROFILE_FILE}\n" + _spectral_dump(plan) + f"run {config.block_steps}\n"
        f'print "${{b}} $(step) $(f_hot:%.12g) $(f_cold:%.12g) $(etotal:%.12g)" append {BATHS_FILE} screen no\n'
        + ("undump spectral\n" if config.spectral_every else "")
        + "write_restart restart.${b}\n"
    )


def unit_commands(plan: NemdPlan | NemdConfig, unit: int) -> str:
    """The LAMMPS text of unit ``unit`` (0: start, 1: transient, 1 + b: block b = 1..n_blocks) of the run of
    ``plan`` (:func:`kapitza.md.plan.plan_nemd`; a config is planned here)."""
    plan = as_plan(plan)
    if unit == 0:
        return _start(plan)
    if unit == 1:
        return _steady(plan)
    if not 2 <= unit <= plan.config.n_blocks + 1:
        raise ValueError(f"unit {unit} is not in 0..{plan.config.n_blocks + 1}")
    return f"variable b equal {unit - 1}\n" + _block(plan)


def _user_intro(plan: NemdPlan) -> str:
    """The comment lines that describe a user's system at the top of in.lammps."""
    config, system = plan.config, plan.system
    g = system.geometry
    types = ", ".join(f"{t} {s} {m:g} amu" for t, (s, m) in enumerate(zip(system.type_species, system.type_masses), 1))
    hot_side, cold_side = ("B", "A") if config.reverse else ("A", "B")
    return (
        f"# NEMD of the user's interface {config.structure} (sides by {config.sides}), periodic along z (kapitza); "
        "units metal: Angstrom, eV, ps, amu, T in K\n"
        f"# types: {types}; pair lines from {system.forcefield.origin}\n"
        f"# {g.n_planes} atomic planes ({g.cells[2]} A, {g.cells[3]} B), {g.n_bins} profile bins; interfaces at "
        f"z = {g.interfaces[0]:.6g} Lz and {g.interfaces[1]:.6g} Lz, Lz = {g.box[2]:.6g} A; baths at T = "
        f"{config.hot_temperature:g} (hot, in {hot_side}) and {config.cold_temperature:g} (cold, in {cold_side})\n"
    )


def lammps_input(plan: NemdPlan | NemdConfig) -> str:
    """The whole NEMD run of ``plan`` as one LAMMPS script (``lmp -in in.lammps`` in the run directory; a config
    is planned here, :func:`kapitza.md.plan.plan_nemd`)."""
    plan = as_plan(plan)
    config = plan.config
    if plan.system is not None:
        return _script(plan, _user_intro(plan))
    a, length = config.lattice_constant, config.length_unit
    (m_a, m_b), (e_a, e_b) = config.masses, config.epsilons
    if config.record is not None and config.record.scaled_epsilons:  # LJ: its atom types are its well depths
        system = config.record.description + (" (argon-like)" if config.units == "metal" else "")
        species = (f"epsilon {e_a:g}", f"epsilon {e_b:g}")
    else:
        system = f"Si|Ge diamond bicrystal, {config.record.description},"
        species = ("Si", "Ge")
    units = (
        "units lj: sigma, epsilon, tau, mass unit, T in epsilon/k_B"
        if config.units == "lj"
        else "units metal: Angstrom, eV, ps, amu, T in K"
    )
    hot_side, cold_side = ("B", "A") if config.reverse else ("A", "B")
    intro = (
        f"# NEMD of a periodic {system} along z (kapitza); {units}\n"
        f"# A: {config.cells_a} cells, mass {m_a:g}, {species[0]};"
        f" B: {config.cells_b} cells, mass {m_b:g}, {species[1]};"
        f" cross-section {config.n_x}x{config.n_y} cells, a = {a:g} {length}\n"
        f"# interfaces at z = 0 (= Lz) and z = {config.cells_a * a:.6g}; baths at T = {config.hot_temperature:g}"
        f" (hot, in {hot_side}) and {config.cold_temperature:g} (cold, in {cold_side})"
        + (": reversed, heat flows B -> A\n" if config.reverse else "\n")
    )
    return _script(plan, intro)


def _script(plan: NemdPlan, description: str) -> str:
    """The script after the comment lines that describe the system."""
    config = plan.config
    intro = (
        description
        + f"# outputs: {PROFILE_FILE} (one temperature profile per block), {BATHS_FILE} (bath energies per block)\n"
        + (
            "# spectral/block.dump: the interface atoms sampled during each block; kapitza's run driver\n"
            "# (kapitza.md.spectral.process_block) turns it into spectral/block_NNNNN.npz after each block and\n"
            "# deletes it; with plain lmp only the last block's dump is left\nshell mkdir spectral\n"
            if config.spectral_every
            else ""
        )
        + f'shell rm -f {PROFILE_FILE}\nprint "{BATHS_HEADER.strip()}" file {BATHS_FILE} screen no\n\n'
    )
    loop = (
        f"# ---- production: {config.n_blocks} blocks of {config.block_steps} steps ----\n"
        f"variable b loop {config.n_blocks}\n"
        "label block\n" + _block(plan) + "next b\njump SELF block\n"
    )
    return intro + _start(plan) + "\n" + _steady(plan) + "\n" + loop


#: Names that moved to :mod:`kapitza.md.plan` (the run's manifest is made when the run is planned).
_MOVED = dict.fromkeys(("run_manifest", "run_system", "BUILDER_KEYS"), "kapitza.md.plan")


def __getattr__(name: str) -> Any:
    """A name that moved to :mod:`kapitza.md.plan`, from there, with a DeprecationWarning naming it."""
    from .._moved import moved_name

    return moved_name(__name__, name, _MOVED)
