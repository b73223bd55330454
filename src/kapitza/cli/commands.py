"""Every command of the CLI, in one place, registered only when it is called.

The command modules define plain functions (and sub-apps such as ``materials_app``) and never import
:mod:`kapitza.cli.app`; nor does this module, which makes its apps with :func:`kapitza.cli.root.new_app`, so
there is no import cycle.  :data:`TOP_LEVEL` names each top-level command
with the one-line help that ``kapitza --help`` shows; :class:`LazyGroup` (the class of the app's
click group) lists them from that table and imports a command's module only when the command is
called, so ``kapitza --help`` and ``kapitza --version`` import no command module.
:func:`register_all` registers everything on a Typer app at once (the docs' CLI reference,
:mod:`kapitza.cli.reference`); a test checks that the lazy ``--help`` is the same text as the one of
the fully registered app, so the table cannot drift from the commands' own help.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import typer
from typer.core import TyperCommand, TyperGroup

from .root import new_app

#: Top-level commands in the order ``kapitza --help`` lists them (typer lists plain commands before
#: sub-apps), each with the first paragraph of its help.
TOP_LEVEL: tuple[tuple[str, str], ...] = (
    ("predict", "Thermal boundary conductance, resistance and Kapitza lengths of SIDE1 -> SIDE2."),
    ("transmission", "Angle-resolved transmission of elastic waves from SIDE1 into SIDE2 (acoustic mismatch)."),
    ("phonons", "Phonon frequencies, sound speeds and channel density of MATERIAL from force constants."),
    ("elastic", "Relaxed-ion elastic constants of CRYSTAL from a potential, beside the measured ones where known."),
    ("agf", "Phonon transmission and conductance of LEFT/RIGHT with the atomistic Green's function method."),
    ("measured", "List the measured conductances of the interface A/B (either order) in the shipped compilation."),
    ("validate", "Compare every model with every measured conductance whose two sides are in the database."),
    (
        "interlayers",
        "Rank candidate interlayers between SIDE1 and SIDE2 by the expected measurement of each stack, with its band.",
    ),
    ("stack", "Temperature profile through a stack of layers and interfaces, with each term's share of the budget."),
    (
        "materials",
        "The materials database: list it, show one material (its sources with --explain), or write a template file.",
    ),
    (
        "interface",
        "Your interface: build one from two bulk crystals (lateral lattice matching, strain reported) and write it "
        "as a structure file for 'kapitza agf --structure' and 'md run'; show how kapitza reads a structure file.",
    ),
    (
        "md",
        "Molecular dynamics on LAMMPS: NEMD and EMD of LJ and Si/Ge bicrystals, campaigns on dask; the "
        "temperature-jump analysis of any ave/chunk profile, G(T), J(Delta T) and thickness series.",
    ),
    (
        "eels",
        "STEM-EELS phonon thermometry: temperatures from the gain/loss ratio (detailed balance), profiles and "
        "maps, the jump and Kapitza length at an interface, forward vs reverse heat flow, a forward model to "
        "simulate spectra and plan an experiment.",
    ),
    (
        "tdtr",
        "TDTR: simulate the signal of a layered sample, fit its parameters (G, conductivities, ...) to data "
        "with the fixed inputs' errors propagated, and see which parameters the data can determine.",
    ),
    (
        "fdtr",
        "FDTR: simulate the signal of a layered sample, fit its parameters (G, conductivities, ...) to data "
        "with the fixed inputs' errors propagated, and see which parameters the data can determine.",
    ),
    (
        "fit",
        "Fits of data: G(T) -> low-T power law G = a T^n; G(T) -> the inelastic A, q, m of a prediction model; "
        "R vs thickness -> the interface resistance (intercept).",
    ),
    (
        "device",
        "Application models with interface resistances: hotspot, film, superlattice, composite, polycrystal, "
        "thermoelectric, pcm, nanofluidic, cryogenic, spin, contact. Each prints its key numbers; --plot "
        "draws it.",
    ),
)


def _command(target: typer.Typer, name: str, function: Callable) -> None:
    """Register ``function`` as command ``name`` of ``target`` unless it is there already (module-level
    sub-apps outlive one registration: the docs' reference and a lazy call in one process)."""
    if all(info.name != name for info in target.registered_commands):
        target.command(name)(function)


def _md(app: typer.Typer) -> None:
    from .md import md_app
    from .md_campaign import md_campaign_command
    from .md_emd import md_emd_command
    from .md_run import md_run_command
    from .md_spectral import eels_command, modes_command, rectification_command, spectral_command

    _command(md_app, "run", md_run_command)
    _command(md_app, "emd", md_emd_command)
    _command(md_app, "campaign", md_campaign_command)
    _command(md_app, "spectral", spectral_command)
    _command(md_app, "modes", modes_command)
    _command(md_app, "rectification", rectification_command)
    _command(md_app, "eels", eels_command)
    app.add_typer(md_app, name="md")


def _fit(app: typer.Typer) -> None:
    from .fits import fit_app
    from .md import thickness_command

    # `kapitza fit thickness` is `kapitza md thickness` itself: one reader, one fit (analysis.thickness), one output
    _command(fit_app, "thickness", thickness_command)
    app.add_typer(fit_app, name="fit")


def _device(app: typer.Typer) -> None:
    from .device import device_app
    from .device_applications import nanofluidic_command, pcm_command, thermoelectric_command
    from .device_cryo import contact_command, cryogenic_command, spin_command
    from .device_hotspot import hotspot_command
    from .device_media import composite_command, polycrystal_command, superlattice_command
    from .stack import film_command

    _command(device_app, "film", film_command)
    _command(device_app, "hotspot", hotspot_command)
    _command(device_app, "superlattice", superlattice_command)
    _command(device_app, "composite", composite_command)
    _command(device_app, "polycrystal", polycrystal_command)
    _command(device_app, "thermoelectric", thermoelectric_command)
    _command(device_app, "pcm", pcm_command)
    _command(device_app, "nanofluidic", nanofluidic_command)
    _command(device_app, "cryogenic", cryogenic_command)
    _command(device_app, "spin", spin_command)
    _command(device_app, "contact", contact_command)
    app.add_typer(device_app, name="device")


#: Top-level commands that are one function: name -> (command module, function).
_SINGLE: dict[str, tuple[str, str]] = {
    name: (name, f"{name}_command")
    for name in ("predict", "transmission", "phonons", "elastic", "agf", "measured", "validate", "interlayers", "stack")
}
#: Top-level groups that are one sub-app of a module: name -> (command module, sub-app).
_GROUPS: dict[str, tuple[str, str]] = {
    "materials": ("materials", "materials_app"),
    "interface": ("interface", "interface_app"),
    "eels": ("eels", "eels_app"),
    "tdtr": ("thermoreflectance", "tdtr_app"),
    "fdtr": ("thermoreflectance", "fdtr_app"),
}
#: Top-level groups assembled from several modules.
_ASSEMBLED: dict[str, Callable[[typer.Typer], None]] = {"md": _md, "fit": _fit, "device": _device}


def register(app: typer.Typer, name: str) -> None:
    """Import the module(s) of top-level command ``name`` and register it on ``app``."""
    if name in _ASSEMBLED:
        _ASSEMBLED[name](app)
        return
    module, attribute = _SINGLE[name] if name in _SINGLE else _GROUPS[name]
    found = getattr(importlib.import_module(f"{__package__}.{module}"), attribute)
    if name in _SINGLE:
        _command(app, name, found)
    else:
        app.add_typer(found, name=name)


def register_all(app: typer.Typer) -> typer.Typer:
    """Register every command on ``app`` (as the CLI did before commands were lazy) and return it."""
    for name, _ in TOP_LEVEL:
        register(app, name)
    return app


class _Listed(TyperCommand):
    """What ``kapitza --help`` lists for a command not imported yet: its name and one-line help."""


class LazyGroup(TyperGroup):
    """The ``kapitza`` click group: lists :data:`TOP_LEVEL` and builds a command when it is called."""

    def __init__(self, **attrs) -> None:
        super().__init__(**attrs)
        for name, help_text in TOP_LEVEL:
            self.commands.setdefault(name, _Listed(name=name, help=help_text))

    def resolve_command(self, ctx, args):
        """The command named first in ``args``, imported and built by typer as it builds any command."""
        name, command, rest = super().resolve_command(ctx, args)
        if isinstance(command, _Listed):
            command = self.commands[name] = self._build(name)
        return name, command, rest

    def _build(self, name: str):
        one = new_app()
        register(one, name)
        return typer.main.get_group(one).commands[name]
