"""Every field of a workflow's settings record reaches its command line, or says why not (issue 85 item 1, and the
checklist of docs/howto/add-a-setting.md): a field added to a record fails here until its command gains the option
or :data:`NOT_ON_THE_COMMAND_LINE` gives the reason; a Python keyword of the workflow takes every field too."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

#: Per workflow: the record, the command function, the Python function, and the fields whose option has another
#: name (field -> the command's parameters that set it).
WORKFLOWS = {
    "predict": ("kapitza.prediction.settings:Settings", "kapitza.cli.predict:predict_command", "kapitza:predict",
                {"phonopy_files": ("phonopy1", "phonopy2")}),
    "agf": ("kapitza.transmission.agf.config:AGFConfig", "kapitza.cli.agf:agf_command",
            "kapitza.transmission.agf.run:run_agf",
            {"check_broadening": ("no_check",), "check_temperature": ("no_check",)}),
    "md analyze": ("kapitza.analysis.md:AnalysisSettings", "kapitza.cli.md:analyze_command",
                   "kapitza.analysis.md:analyze_md", {"profile": ("plot",)}),
    "phonons": ("kapitza.phonons.from_structure:PhononSettings", "kapitza.cli.phonons:phonons_command",
                "kapitza.phonons.from_structure:crystal_phonons", {}),
    "eels simulate": ("kapitza.analysis.eels.forward:Acquisition", "kapitza.cli.eels:simulate_command",
                      "kapitza.analysis.eels.forward:simulate_line_scan",
                      {"resolution_mev": ("resolution",)}),
    "tdtr fit": ("kapitza.analysis.thermoreflectance.posterior:Sampling", "kapitza.cli.thermoreflectance:tdtr_app/fit",
                 "kapitza.analysis.thermoreflectance.posterior:sample_posterior", {"steps": ("mcmc",)}),
    "fdtr fit": ("kapitza.analysis.thermoreflectance.posterior:Sampling", "kapitza.cli.thermoreflectance:fdtr_app/fit",
                 "kapitza.analysis.thermoreflectance.posterior:sample_posterior", {"steps": ("mcmc",)}),
}  # fmt: skip

#: Fields a command does not offer, each with the reason (a user who needs one calls the Python function): the
#: detector model beyond resolution, dose and signal, which the command leaves at its defaults; the sampler beyond
#: its length; a crystal's phonon settings beyond its memory bound.
_OFF = {
    "eels simulate": (
        "the command records at the record's default; the Python API sets it (simulate_line_scan(..., acquisition=))",
        ("channel_mev", "zlp_tail", "zlp_tail_exponent", "zlp_offset_mev", "form"),
    ),
    "tdtr fit": (
        "the command samples with emcee at the sampler's defaults but for its length (--mcmc steps); "
        "sample_posterior(..., sampling=Sampling(...)) sets the rest",
        ("walkers", "burn", "thin", "seed", "max_evaluations"),
    ),
    "phonons": (
        "the command computes a crystal at crystal_phonons' defaults (relaxed, the widening rule, the cache); "
        "crystal_phonons(..., settings=PhononSettings(...)) sets it",
        ("relax", "fmax_ev_per_angstrom", "steps", "min_width_angstrom", "supercell", "displacement_angstrom",
         "max_supercell_atoms", "cache"),
    ),
}  # fmt: skip
_OFF["fdtr fit"] = _OFF["tdtr fit"]
NOT_ON_THE_COMMAND_LINE = {(workflow, name): why for workflow, (why, names) in _OFF.items() for name in names}


def _load(target: str):
    """``module:name``, or ``module:app/command``: the function a typer app registered under that command name."""
    import importlib

    module, _, name = target.partition(":")
    name, _, command = name.partition("/")
    found = getattr(importlib.import_module(module), name)
    if command:
        (found,) = [c.callback for c in found.registered_commands if c.name == command]
    return found


@pytest.mark.parametrize("workflow", sorted(WORKFLOWS))
def test_every_field_of_the_record_is_an_option_or_says_why_not(workflow):
    record, command, function, renamed = WORKFLOWS[workflow]
    options = set(inspect.signature(_load(command)).parameters)
    missing = []
    for field in dataclasses.fields(_load(record)):
        if (workflow, field.name) in NOT_ON_THE_COMMAND_LINE:
            assert field.name not in options, f"{field.name} is an option now: drop it from NOT_ON_THE_COMMAND_LINE"
            continue
        wanted = renamed.get(field.name, (field.name,))
        if not set(wanted) <= options:
            missing.append(f"{field.name} (options {', '.join(wanted)})")
    assert not missing, f"kapitza {workflow} lacks an option for: {'; '.join(missing)}"


@pytest.mark.parametrize("workflow", sorted(WORKFLOWS))
def test_the_python_function_takes_every_field_by_keyword(workflow):
    """The record's fields are the workflow function's keywords: named, or taken by ``**settings`` (the record's
    own check refuses an unknown one)."""
    record, _, function, _ = WORKFLOWS[workflow]
    parameters = inspect.signature(_load(function)).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return
    names = {f.name for f in dataclasses.fields(_load(record))}
    assert names <= set(parameters), sorted(names - set(parameters))


@pytest.mark.parametrize("workflow", sorted(WORKFLOWS))
def test_every_field_is_described_where_the_checklist_says(workflow):
    """Step 1 of docs/howto/add-a-setting.md: each field is described in the record's docstring or its function's
    (the AGF's in run_agf's Parameters): a field named in neither is a setting no one can read about."""
    import re

    record, _, function, _ = WORKFLOWS[workflow]
    text = f"{inspect.getdoc(_load(record)) or ''}\n{inspect.getdoc(_load(function)) or ''}"
    silent = [f.name for f in dataclasses.fields(_load(record)) if not re.search(rf"\b{f.name}\b", text)]
    assert not silent, f"kapitza {workflow}: no docstring describes {', '.join(silent)}"


def test_an_undescribed_field_is_reported(monkeypatch):
    """The test above is not vacuous: a field added to a record and described nowhere is named."""
    import sys
    import types

    record = _load(WORKFLOWS["phonons"][0])
    grown = dataclasses.make_dataclass(
        "Grown", [("a_new_setting", int, dataclasses.field(default=1))], bases=(record,), frozen=True
    )
    grown.__doc__ = record.__doc__
    module = types.ModuleType("tests_grown_doc")
    module.Grown = grown
    monkeypatch.setitem(sys.modules, "tests_grown_doc", module)
    monkeypatch.setitem(WORKFLOWS, "phonons", ("tests_grown_doc:Grown", *WORKFLOWS["phonons"][1:]))
    with pytest.raises(AssertionError, match="no docstring describes .*a_new_setting"):
        test_every_field_is_described_where_the_checklist_says("phonons")


def test_the_check_can_fail(monkeypatch):
    """A field added to a record without its option is reported (the test above is not vacuous)."""
    record = _load(WORKFLOWS["md analyze"][0])
    grown = dataclasses.make_dataclass(
        "Grown", [("a_new_setting", int, dataclasses.field(default=1))], bases=(record,), frozen=True
    )
    monkeypatch.setitem(WORKFLOWS, "md analyze", ("tests_grown:Grown", *WORKFLOWS["md analyze"][1:]))
    import sys
    import types

    module = types.ModuleType("tests_grown")
    module.Grown = grown
    monkeypatch.setitem(sys.modules, "tests_grown", module)
    with pytest.raises(AssertionError, match="lacks an option for: a_new_setting"):
        test_every_field_of_the_record_is_an_option_or_says_why_not("md analyze")


def test_the_agf_config_file_reads_every_field_of_the_record():
    """``kapitza agf --config`` checks each value against inputs.SCHEMA: a field of AGFConfig without its SCHEMA
    entry could be set by no config file and checked by nothing (step 4 of docs/howto/add-a-setting.md)."""
    from kapitza.transmission.agf.config import AGFConfig
    from kapitza.transmission.agf.inputs import SCHEMA

    assert {f.name for f in dataclasses.fields(AGFConfig)} == set(SCHEMA)
