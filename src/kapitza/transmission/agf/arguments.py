"""The arguments of :func:`.run.run_agf`, every one checked before any work: each value
(:func:`.inputs.validate_inputs`), the combination that names the source of force constants (:func:`check_source`),
and the values the run uses (:func:`validated_arguments`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...cluster import check_connect_timeout, check_workers
from ...errors import InputError
from . import config as _config
from . import inputs as _inputs

#: The defaults of every setting (:class:`.config.AGFConfig`).
_D = _config.AGF_DEFAULTS


def validated_arguments(given: dict[str, Any]) -> dict[str, Any]:
    """The arguments of :func:`run_agf` checked (every one, before any work), with the values the run uses."""
    g = dict(given)
    option_names = g["option_names"]
    checked = _inputs.validate_inputs(
        {
            "left": g["left"],
            "right": g["right"],
            "structure": g["structure"],
            "pair": g["pair"],
            "force_constants": g["force_constants"],
            "left_lead": g["left_lead"],
            "right_lead": g["right_lead"],
            "sides": g["sides"],
            "supercell": g["supercell"],
            "potential": g["potential"],
            "calculator": g["calculator"],
            "force_range": g["force_range"],
            "max_strain": g["max_strain"],
            "interface_fc": g["interface_fc"],
            "interface_reach": g["interface_reach"],
            "normal": g["normal"],
            "polarity": g["polarity"],
            "kpoints": g["kpoints"],
            "frequencies": g["frequencies"],
            "frequency_tolerance": g["frequency_tolerance"],
            "temperature": g["temperature"],
            "eta": g["eta"],
            "cells": g["cells"],
            "pl_cells": g["pl_cells"],
            "lateral": g["lateral"],
            "mixing_layers": g["mixing_layers"],
            "seed": g["seed"],
            "masses_amu": g["masses_amu"],
            "statistics": g["statistics"],
            "check_broadening": g["check_broadening"],
            "check_temperature": g["check_temperature"],
            "allow_unstable_leads": g["allow_unstable_leads"],
            "workers": g["workers"],
            "address": g["address"],
            "max_memory_gb": g["max_memory_gb"],
            "device": g["device"],
            "max_gpu_memory_gb": g["max_gpu_memory_gb"],
            "max_hours": g["max_hours"],
            "output": g["output"],
        },
        option_names,
    )
    check_source(checked, option_names)
    if not isinstance(g["resume"], bool):
        raise InputError(f"{option_names('resume')} must be true or false, got {g['resume']!r}")
    if g["workers"] is not None and (g["address"] is not None or g["client"] is not None):
        raise InputError(f"give {option_names('workers')} or {option_names('address')}, not both")
    if g["workers"] is not None:  # the one rule of a local cluster's count (its memory: the run's statement)
        check_workers(checked["workers"], option_names("workers"))
    out_path = None
    if g["output"] is not None:
        from ...io.results import check_save_path

        try:
            out_path = check_save_path(g["output"])
        except InputError as exc:
            raise InputError(f"{option_names('output')}: {exc}") from None
    return {
        **g,
        "checked": checked,
        "out_path": out_path,
        "temps": checked["temperature"],
        "kgrid": checked["kpoints"],
        "n_freq": checked["frequencies"],
        "pl_cells": checked["pl_cells"],
        "cells": checked["cells"],
        "lateral": checked["lateral"],
        "connect_timeout": check_connect_timeout(g["connect_timeout"], option_names("connect_timeout")),
    }


def check_source(checked: dict[str, Any], option_names: Callable[[str], str]) -> None:
    """Either two crystals or a structure file with one source of force constants; not both.

    The crystals are built-in (chemical symbols, with ``potential``) or, with ``calculator``, any crystals
    (:func:`crystal_plan`); a structure file takes pair lines, a force-constant file or a calculator.
    """
    name = option_names
    builtin = checked["left"] is not None or checked["right"] is not None
    user = checked["structure"] is not None
    calculator = checked.get("calculator")
    if calculator is not None:
        from ...atomistic.calculators import calculator_name

        calculator_name(calculator)  # the syntax, nothing imported
        if checked["potential"] != _D.potential:
            raise InputError(f"give {name('potential')} or {name('calculator')}, not both")
    else:
        for key in ("force_range", "max_strain", "interface_fc", "interface_reach", "polarity"):
            default = getattr(_D, key)
            if checked.get(key) is not None and checked.get(key) != default:
                raise InputError(f"{name(key)} goes with {name('calculator')}")
    if builtin and user:
        raise InputError(f"give the two crystals or {name('structure')}, not both")
    if user and checked.get("interface_fc") == "local":
        raise InputError(
            f"{name('interface_fc')} local goes with two crystals: a structure file's atoms may be relaxed away from "
            "the bulk lattice, so every row is displaced"
        )
    if user and checked.get("polarity", _D.polarity) != _D.polarity:
        raise InputError(f"{name('polarity')} goes with two crystals: a structure file's atoms are stacked already")
    if checked.get("interface_reach") is not None and (user or checked.get("interface_fc") == "all"):
        raise InputError(f"{name('interface_reach')} goes with {name('interface_fc')} local (two crystals)")
    given = checked.get("interface_reach")
    if given is not None and calculator is not None:
        from ...atomistic.calculator_forces import DEFAULT_FORCE_RANGE_ANGSTROM

        least = DEFAULT_FORCE_RANGE_ANGSTROM if checked.get("force_range") is None else float(checked["force_range"])
        if given < least:
            raise InputError(
                f"{name('interface_reach')} must be at least the force range ({least:.3g} A): rows within the force "
                f"range of the other crystal are never bulk rows; got {given:g}"
            )
    if not user:
        if checked["left"] is None or checked["right"] is None:
            raise InputError(f"give the two crystals (left and right) or {name('structure')} with {name('pair')}")
        extra = [
            k for k in ("pair", "force_constants", "supercell", "left_lead", "right_lead") if checked[k] is not None
        ]
        if extra:
            raise InputError(f"{name(extra[0])} goes with {name('structure')}; the built-in crystals use --potential")
        if calculator is not None and checked["masses_amu"] is not None:
            raise InputError(
                f"{name('masses_amu')} goes with the built-in crystals; with {name('calculator')} each crystal's "
                "atoms keep their own masses"
            )
        return
    sources = [k for k in ("pair", "force_constants", "calculator") if checked.get(k) is not None]
    if len(sources) != 1:
        raise InputError(
            f"{name('structure')} needs exactly one of {name('pair')} (LAMMPS pair lines), "
            f"{name('force_constants')} (a phonopy force-constant file) and {name('calculator')} (a universal "
            "potential or module:factory)"
        )
    builder = {"normal": _D.normal, "cells": _D.cells, "lateral": _D.lateral, "mixing_layers": _D.mixing_layers,
               "seed": _D.seed, "masses_amu": _D.masses_amu, "max_strain": _D.max_strain}  # fmt: skip
    changed = [k for k, default in builder.items() if checked.get(k) != (_inputs.check_value(k, default) if default
               is not None else None)]  # fmt: skip
    if changed:
        raise InputError(
            f"{name(changed[0])} describes a built-in structure; with {name('structure')} the file gives the atoms"
        )
    if checked["supercell"] is not None and checked["force_constants"] is None:
        raise InputError(f"{name('supercell')} goes with {name('force_constants')}")
    for lead in ("left_lead", "right_lead"):
        if checked[lead] is not None and checked["force_constants"] is None:
            raise InputError(
                f"{name(lead)} goes with {name('force_constants')}: with {name('pair')} or {name('calculator')} the "
                "leads are periodic copies of the structure's end cells, computed with the same forces"
            )
