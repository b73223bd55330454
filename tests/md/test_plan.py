"""Issue 76 item 5: a NemdConfig is a plain value; md.plan.plan_nemd reads what it names and checks what needs the
atoms, once, before any work, and the run, campaigns, replicas and the input writer take its plan."""

from __future__ import annotations

import dataclasses

import pytest
from test_user_system import AR_RUN, LJ_PAIR, SIZE, write_builtin_as_structure

from kapitza.errors import InputError
from kapitza.md.inputs import lammps_input
from kapitza.md.nemd import NemdConfig
from kapitza.md.plan import NemdPlan, as_plan, plan_nemd, run_manifest


def _user(tmp_path, **settings) -> NemdConfig:
    builtin = NemdConfig(potential="lj/cut", units="metal", **SIZE)
    structure = write_builtin_as_structure(builtin, tmp_path / "s.json", "Ar")
    return NemdConfig(structure=str(structure), pair_lines=LJ_PAIR.splitlines(), **AR_RUN, **settings)


def test_a_config_reads_nothing_and_its_plan_refuses_a_missing_file(tmp_path):
    config = NemdConfig(structure=str(tmp_path / "none.json"), pair_lines=LJ_PAIR.splitlines(), **AR_RUN)
    assert config.structure.endswith("none.json")  # a plain value: built without opening its files
    with pytest.raises(InputError, match="does not exist") as err:
        plan_nemd(config)
    assert "\n" not in str(err.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_plan_holds_the_system_and_a_replica_reads_nothing_again(tmp_path):
    plan = plan_nemd(_user(tmp_path))
    assert isinstance(plan, NemdPlan) and plan.system is not None and plan.sites is None
    assert plan.geometry is plan.system.geometry and plan.n_planes == plan.geometry.n_planes
    other = plan.with_seed(7)
    assert other.config == dataclasses.replace(plan.config, seed=7)
    assert other.system is plan.system and other.notes == plan.notes
    assert as_plan(plan) is plan and isinstance(as_plan(plan.config), NemdPlan)
    cloudpickle = pytest.importorskip("cloudpickle")  # what dask falls back to for a task's argument
    again = cloudpickle.loads(cloudpickle.dumps(plan))
    assert again.config == plan.config and lammps_input(again) == lammps_input(plan)
    assert "NemdPlan(structure=" in repr(plan)


def test_a_builtin_plan_equals_what_its_config_gives(tmp_path):
    config = NemdConfig(potential="lj/cut", cells_a=6, cells_b=6)
    plan = plan_nemd(config)
    assert plan.system is None and plan.interface_fraction == 0.5
    assert lammps_input(plan) == lammps_input(config)
    assert run_manifest(plan).to_document() == run_manifest(config).to_document()


def test_the_layout_check_is_the_plans(tmp_path):
    """md analyze's layout: checked by plan_nemd, left out with layout=False (an EMD run has no baths)."""
    config = NemdConfig(potential="lj/cut", cells_a=2, cells_b=2, bath_width=1.0)
    with pytest.raises(InputError, match="md analyze could not analyse this run"):
        plan_nemd(config)
    assert plan_nemd(config, layout=False).notes == ()


def test_moved_names_warn_and_name_their_new_place():
    import kapitza.md.inputs as inputs
    import kapitza.md.plan as plan
    import kapitza.md.sites as sites
    import kapitza.md.spectral as spectral

    for name in ("run_manifest", "run_system", "BUILDER_KEYS"):
        with pytest.warns(DeprecationWarning, match=f"kapitza.md.plan.{name}"):
            assert getattr(inputs, name) is getattr(plan, name)
    assert spectral.user_sites is sites.user_sites and spectral.UserSites is sites.UserSites


def test_an_emd_plan_of_another_config_is_refused(tmp_path):
    from kapitza.md.emd import EmdConfig, plan_emd, run_emd

    emd = {"steps": 2560, "sample_every": 10, "n_runs": 1}
    one = EmdConfig.from_mapping({"potential": "lj/cut", "emd": emd})
    other = EmdConfig.from_mapping({"potential": "lj/cut", "seed": 5, "emd": emd})
    with pytest.raises(InputError, match="plan= is not the plan of config.nemd"):
        run_emd(one, tmp_path / "run", plan=plan_emd(other))
    assert not (tmp_path / "run").exists()
