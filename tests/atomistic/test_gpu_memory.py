"""The memory statement by device: with a built-in potential on a CUDA GPU the largest force call's model and work
are GPU memory, checked against the device's free memory before the first force call; on the CPU nothing changes.

No GPU is needed: the device and its free memory are given (``call_device``, ``gpu_free_bytes``) as a fake device
of known free memory, as issue 65 asks ("the GPU memory statement on a fake device of known free memory refuses and
accepts at the stated threshold")."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("ase")

from ase.build import bulk

from kapitza.atomistic import call_memory
from kapitza.atomistic.call_memory import FOOTPRINTS, check_gpu_memory, force_call_memory
from kapitza.errors import InputError, MemoryBoundError


def _atoms():
    return bulk("Si", "diamond", 5.43, cubic=True).repeat((2, 2, 2))  # 64 atoms


def test_on_the_cpu_the_call_is_host_memory_as_before(monkeypatch):
    """On the CPU (the default device here) the working memory is host memory, counted from the graph: SevenNet-0's
    per-pair bytes times the ordered neighbour pairs within its 5 A cutoff (diamond Si at 5.43 A: 4 + 12 + 12 = 28
    neighbours within 5 A, Kittel ch. 1), and nothing on a GPU."""
    monkeypatch.delenv("KAPITZA_MLIP_DEVICE", raising=False)
    call = force_call_memory("sevennet", _atoms())
    f = FOOTPRINTS["sevennet"]
    assert call == {"resident": f.resident, "work": pytest.approx(64 * 28 * f.per_pair, rel=1e-12), "gpu": 0.0,
                    "device": "cpu", "known": True}  # fmt: skip


def test_on_a_gpu_the_model_and_the_work_are_gpu_memory():
    cpu = force_call_memory("sevennet-l3i5+d3", _atoms(), device="cpu")
    gpu = force_call_memory("sevennet-l3i5+d3", _atoms(), device="cuda:0")
    assert gpu["work"] == 0.0 and gpu["resident"] == cpu["resident"]  # the host keeps the model as loaded
    assert gpu["gpu"] == pytest.approx(cpu["resident"] + cpu["work"], rel=1e-12)
    assert gpu["device"] == "cuda:0" and gpu["known"]


def test_a_users_calculator_states_no_gpu_memory():
    call = force_call_memory("mlip_factories:emt", _atoms())
    assert call == {"resident": 0.0, "work": 0.0, "gpu": 0.0, "device": "cpu", "known": False}
    assert check_gpu_memory(call | {"device": "cuda"}, "x") == ""  # nothing known, nothing checked


@pytest.mark.parametrize("margin", [-1.0, 1.0])
def test_the_gpu_statement_refuses_just_above_and_accepts_just_below_the_free_memory(monkeypatch, margin):
    """A fake device whose free memory is the stated need minus (refused) or plus (accepted) one byte."""
    call = force_call_memory("sevennet-l3i5", _atoms(), device="cuda:1")
    need = call["gpu"]
    seen = []

    def free(device):
        seen.append(device)
        return need + margin

    monkeypatch.setattr(call_memory, "gpu_free_bytes", free)
    if margin < 0:
        with pytest.raises(MemoryBoundError) as refused:
            check_gpu_memory(call, "Si: its force constants")
        text = str(refused.value)
        assert isinstance(refused.value, InputError) and "\n" not in text
        numbers = re.findall(r"~?([\d.]+) GB", text)
        assert numbers == [f"{need / 1e9:.3g}", f"{(need + margin) / 1e9:.3g}"]  # needed, then free
        assert text.startswith("Si: its force constants: the largest force call needs") and "on cuda:1" in text
    else:
        line = check_gpu_memory(call, "Si: its force constants")
        assert line.startswith("GPU memory on cuda:1: the largest force call needs")
    assert seen == ["cuda:1"]


def test_a_cpu_call_never_asks_the_gpu(monkeypatch):
    def never(device):
        raise AssertionError("the GPU was asked for a call on the CPU")

    monkeypatch.setattr(call_memory, "gpu_free_bytes", never)
    assert check_gpu_memory(force_call_memory("chgnet", _atoms(), device="cpu"), "x") == ""


def test_a_bulk_supercell_on_a_gpu_too_small_is_refused_before_any_force(monkeypatch):
    """The phonons' statement (kapitza.phonons.supercell_plan): the host bound passes, the GPU's free memory does
    not; the refusal names the supercell and both numbers.  With enough free memory the host statement is the CPU's
    less the call's work."""
    pytest.importorskip("phonopy")
    import numpy as np

    from kapitza.phonons import supercell_plan

    class Named:  # the statement needs only the potential's name: nothing is loaded
        name = "sevennet-l3i5"

    conv, pmat, n = bulk("Si", "diamond", 5.43, cubic=True), np.eye(3), (2, 2, 2)
    host_cpu, _ = supercell_plan.supercell_memory(conv, pmat, n, Named())
    monkeypatch.setattr(call_memory, "call_device", lambda name: "cuda")
    need = supercell_plan.supercell_gpu_memory(conv, pmat, n, Named())["gpu"]
    host_gpu, _ = supercell_plan.supercell_memory(conv, pmat, n, Named())
    assert host_gpu == pytest.approx(host_cpu - (need - FOOTPRINTS["sevennet-l3i5"].resident), rel=1e-12)
    monkeypatch.setattr(call_memory, "gpu_free_bytes", lambda device: need - 1.0)
    with pytest.raises(MemoryBoundError, match=r"Si: the force constants of the .* supercell: .* GPU memory on cuda"):
        supercell_plan.check_memory(conv, pmat, n, Named(), 1000.0, "Si", True)
    monkeypatch.setattr(call_memory, "gpu_free_bytes", lambda device: need + 1.0)
    assert supercell_plan.check_memory(conv, pmat, n, Named(), 1000.0, "Si", True) == pytest.approx(host_gpu / 1e9)
