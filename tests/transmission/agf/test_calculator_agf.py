"""The AGF through a calculator (``kapitza agf ... --calculator NAME``): parity with the LAMMPS route, the cache,
the truncation of long-ranged force constants, bad inputs, and CHGNet end to end."""

from __future__ import annotations

import importlib.util
import re

import numpy as np
import pytest

from kapitza.errors import InputError

#: The ASE calculator of the LAMMPS route's own Stillinger-Weber lines (tests/mlip_factories.py).
LAMMPS_SW = "mlip_factories:lammps_sw_si"
#: Si.sw's Hessian range: twice a sigma = 2 x 1.80 x 2.0951 A (three-body terms couple two neighbours of an atom).
SW_RANGE = 2 * 3.77118


def _sige(cells=(3, 3)):
    """kapitza's SW Si|Ge [001] (mass mismatch: Si lattice, Ge masses on side B), a = 5.431 A."""
    from kapitza.atomistic.structures import build_interface

    return build_interface(
        "Si", "Ge", "001", lattice_constants_angstrom=(5.431, 5.431), cells=cells, mass_only=True,
        masses_amu=(28.0855, 72.63),
    )  # fmt: skip


def _sources():
    from kapitza.atomistic.calculator_forces import CalculatorForceConstants
    from kapitza.atomistic.calculators import calculator_source
    from kapitza.atomistic.forcefield import parse_pair_lines
    from kapitza.atomistic.lammps_forces import LammpsSource

    ff = parse_pair_lines(["pair_style sw", "pair_coeff * * Si.sw Si Si"])
    return LammpsSource(ff), CalculatorForceConstants(calculator_source(LAMMPS_SW), force_range=SW_RANGE)


@pytest.mark.parity
def test_sw_as_a_calculator_reproduces_the_lammps_route_force_constants_and_transmission():
    """The issue's parity: the same Stillinger-Weber forces (LAMMPS, ``pair_style sw``) through the LAMMPS route and
    as an ASE calculator through the calculator route give one AGF model: force constants to 1e-8 of the largest,
    the transmission to 1e-8.  Both routes share the displacement code (hessian.coloured_rows); the calculator
    route adds the truncation with the sum rule and the copied leads, which must change nothing for a potential
    with a true cutoff given its range."""
    pytest.importorskip("lammps")
    from kapitza.transmission.agf.partition import interface_model
    from kapitza.transmission.agf.solver import transmission

    structure = _sige()
    lammps, calc = _sources()
    models = [interface_model(structure, s, pl_cells=2, force_range=SW_RANGE, cache=False) for s in (lammps, calc)]
    assert models[1].metadata["force_constants"] == f"finite-difference ({LAMMPS_SW})"
    assert models[1].metadata["dropped_beyond_range"] == 0.0
    np.testing.assert_array_equal(models[0].translations, models[1].translations)
    scale = max(abs(m).max() for m in models[0].matrices)
    diff = max(abs(a - b).max() for a, b in zip(models[0].matrices, models[1].matrices))
    assert diff <= 1e-8 * scale
    omega = np.array([5.0, 20.0, 45.0, 70.0, 90.0]) * 1e12
    xi = [transmission(m, omega, (2, 2), eta=1e-6).xi for m in models]
    assert np.all(xi[0] > 0)
    np.testing.assert_allclose(xi[1], xi[0], rtol=1e-8)


@pytest.mark.parity
def test_sw_as_a_calculator_reproduces_the_lammps_route_conductance(tmp_path, monkeypatch):
    """The same parity on G: ``--structure FILE --pair sw.pair`` against ``--structure FILE --calculator`` with the
    same SW as an ASE calculator, two-probe and intrinsic G to 1e-8.  The calculator route's step (0.001 A, chosen
    for CHGNet) is set to the LAMMPS route's 0.01 A here: at their own steps the two differ by the finite-difference
    error of SW, measured 1.5e-4 of G."""
    pytest.importorskip("lammps")
    from kapitza.atomistic import calculator_forces, lammps_forces

    monkeypatch.setattr(calculator_forces, "DISPLACEMENT_ANGSTROM", lammps_forces.STEP)
    from kapitza.atomistic.structure_file import write_structure
    from kapitza.transmission.agf.run import run_agf

    path = write_structure(_sige(), tmp_path / "sige.extxyz")
    (tmp_path / "sw.pair").write_text("pair_style sw\npair_coeff * * Si.sw Si Si\n")
    common = {"structure": path, "kpoints": 2, "frequencies": 40, "check_broadening": False}
    by_pair, _ = run_agf(pair=tmp_path / "sw.pair", **common)
    by_calc, model = run_agf(calculator=LAMMPS_SW, force_range=SW_RANGE, **common)
    np.testing.assert_allclose(by_calc.conductance, by_pair.conductance, rtol=1e-8)
    np.testing.assert_allclose(by_calc.intrinsic, by_pair.intrinsic, rtol=1e-8)
    record = by_calc.settings["calculator"]
    assert record["name"] == LAMMPS_SW and record["version"] == "1" and record["identity"]["module_sha256"]
    assert by_calc.inputs()["settings"]["calculator"]["name"] == LAMMPS_SW  # the run's record (--output) has it


def test_a_second_build_reads_the_cache_and_calls_no_calculator():
    """Force constants are cached by content: the same slab and calculator a second time make no force call."""
    pytest.importorskip("lammps")
    from kapitza.transmission.agf.partition import interface_model

    structure = _sige()
    _, first = _sources()
    _, second = _sources()
    step = 0.007  # a key no other test of the session's cache uses
    a = interface_model(structure, first, pl_cells=2, force_range=SW_RANGE, displacement_angstrom=step)
    assert first.calls > 0
    b = interface_model(structure, second, pl_cells=2, force_range=SW_RANGE, displacement_angstrom=step)
    assert second.calls == 0
    for x, y in zip(a.matrices, b.matrices):
        assert abs(x - y).max() == 0.0
    # another step is another key: computed again
    interface_model(structure, second, pl_cells=2, force_range=SW_RANGE, displacement_angstrom=0.005)
    assert second.calls > 0


def test_a_crystals_relaxation_is_read_back_to_the_bit(monkeypatch):
    """The crystal route relaxes each side once per content (transmission.agf.calculator_route.cached_relaxation): a
    machine-learned potential's CPU forces are not bit-reproducible (two SevenNet-l3i5 + D3 relaxations of fcc Al
    differ by 1.8e-6 A, measured), and every later cache key depends on the relaxed positions.  The second call
    relaxes nothing and returns the first's crystal exactly; another calculator identity is another key."""
    pytest.importorskip("lammps")
    from ase.build import bulk

    from kapitza.atomistic import bulk as bulk_module
    from kapitza.atomistic.calculators import calculator_source
    from kapitza.transmission.agf.calculator_route import cached_relaxation

    source = calculator_source(LAMMPS_SW)
    crystal = bulk("Si", "diamond", a=5.40, cubic=True)  # not SW's 5.431 A: the relaxation moves the cell
    first, record = cached_relaxation(crystal, source, "Si")
    assert record.converged and record.relaxed_cell[0] == pytest.approx(
        5.431, abs=2e-3
    )  # SW's a (Stillinger-Weber 1985)
    assert record.spacegroup == "Fd-3m (227)" and record.input_cell[0] == pytest.approx(5.40)
    monkeypatch.setattr(bulk_module, "relax_crystal", lambda *a, **k: pytest.fail("relaxed again"))
    again, same = cached_relaxation(crystal, source, "Si")
    assert np.array_equal(np.asarray(again.cell), np.asarray(first.cell))
    assert np.array_equal(again.positions, first.positions)
    assert same.steps == record.steps and same.residual == record.residual
    with pytest.raises(pytest.fail.Exception, match="relaxed again"):
        cached_relaxation(crystal, _Renamed(source), "Si")


class _Renamed:
    """The same calculator under another identity (another cache key)."""

    def __init__(self, source):
        self._source = source
        self.identity = dict(source.identity) | {"renamed": True}

    def calculator(self):
        return self._source.calculator()


@pytest.mark.law
def test_truncated_force_constants_obey_the_acoustic_sum_rule_and_report_what_they_dropped():
    """SW truncated at 3 A, between the first (2.35 A) and second (3.84 A) neighbours that its three-body terms
    couple: the dropped blocks are reported (large), and each row of the kept ones sums to zero (a rigid
    translation costs no energy), which the raw rows of a truncated set do not."""
    pytest.importorskip("lammps")
    from kapitza.atomistic.calculator_forces import CalculatorForceConstants
    from kapitza.atomistic.calculators import calculator_source
    from kapitza.transmission.agf.forceconstants import lateral_force_constants
    from kapitza.transmission.agf.partition import padded_slab

    structure = _sige()
    slab, parts = padded_slab(structure, (1, 1), 3.0)
    rows = np.concatenate([parts["U0"], parts["device"], parts["U1"]])
    source = CalculatorForceConstants(calculator_source(LAMMPS_SW), force_range=3.0)
    fc = lateral_force_constants(slab, source, force_range=3.0, rows=rows, cache=False)
    assert 1e-2 < fc.dropped < 0.5  # SW's second-neighbour three-body blocks
    assert fc.method == f"finite-difference ({LAMMPS_SW})"
    total = np.zeros((len(slab), 3, 3))
    np.add.at(total, fc.i, fc.blocks)
    scale = np.abs(fc.blocks).max()
    assert np.abs(total[rows]).max() < 1e-12 * scale
    pair = fc.positions[fc.j] + fc.translations @ fc.lateral_cell - fc.positions[fc.i]
    assert np.linalg.norm(pair, axis=1).max() <= 3.0e-10 + 1e-16  # m: nothing kept beyond the range


@pytest.mark.law
def test_identical_crystals_through_a_calculator_transmit_every_channel():
    """``run_agf("Si", "Si", calculator=...)``: the crystal route (relax, stack, force constants) on a perfect crystal
    has no interface, so the two-probe G equals each lead's ballistic G (every channel transmitted) and the
    intrinsic resistance nearly vanishes (Simons)."""
    pytest.importorskip("lammps")
    from kapitza.transmission.agf.run import run_agf

    result, _ = run_agf(
        "Si", "Si", calculator=LAMMPS_SW, force_range=SW_RANGE, kpoints=1, frequencies=40, check_broadening=False,
        temperature=[100.0, 300.0],
    )  # fmt: skip
    # the broadening eta = 1e-6 absorbs ~1e-4 of the flux (inputs.ETA_MAX): measured 1.5e-4 here
    np.testing.assert_allclose(result.conductance, result.ballistic[0], rtol=1e-3)
    np.testing.assert_allclose(result.conductance, result.ballistic[1], rtol=1e-3)
    assert np.all(result.intrinsic > 100 * result.conductance)
    assert any("relaxed with" in note for note in result.notes)
    assert any("strained by" in note for note in result.notes)
    assert result.settings["calculator"]["name"] == LAMMPS_SW
    # a module:factory calculator's own memory is not measured: the result says the statement leaves it out
    assert any(f"does not count the {LAMMPS_SW} calculator's own memory" in note for note in result.notes)


CRYSTAL_RUN = {"calculator": LAMMPS_SW, "force_range": SW_RANGE, "kpoints": 1, "frequencies": 40,
               "check_broadening": False, "temperature": [300.0]}  # fmt: skip


def test_a_calculator_run_is_refused_for_its_memory_before_its_force_constants(monkeypatch):
    """The memory statement of the calculator route (two crystals) counts the force constants' build: the dense rows
    (72 bytes per row atom and supercell atom) and the displaced structures handed to the calculator at once (four
    copies of hessian.CHUNK_VALUES coordinates); a bound below the statement is refused, naming the model build,
    after the crystals are relaxed and before any force of the interface is asked for."""
    pytest.importorskip("lammps")
    from kapitza.atomistic import calculator_forces
    from kapitza.atomistic.hessian import CHUNK_VALUES
    from kapitza.transmission.agf.run import estimate_run_memory, run_agf

    def never(*args, **kwargs):
        raise AssertionError("the force constants were computed before the memory was checked")

    monkeypatch.setattr(calculator_forces.CalculatorForceConstants, "hessian_rows", never)
    estimate = estimate_run_memory("Si", "Si", **CRYSTAL_RUN)
    assert estimate.calculator == 0.0  # a module:factory calculator: its own memory is not known
    assert estimate.build > 4 * 8 * CHUNK_VALUES
    with pytest.raises(InputError, match=r"model build .*; limit") as refused:
        run_agf("Si", "Si", **CRYSTAL_RUN, max_memory_gb=0.9 * estimate.total / 1e9)
    # the refusal says what was built: the common cell is the stacking's choice, not the user's
    assert re.search(r"the interface is \d+ atoms in a [\d.]+ x [\d.]+ A lateral cell \(lateral=1x1 of the smallest "
                     r"common cell within max_strain=0.03\)$", str(refused.value))  # fmt: skip
    assert "\n" not in str(refused.value)


def test_the_runs_statement_says_what_run_agf_checks_and_refuses(monkeypatch):
    """stated_run is the statement run_agf checks before its force constants: the same memory as
    estimate_run_memory, ``fits`` exactly where run_agf runs rather than refuses, and the force constants' calls
    (no stated time for a module:factory calculator: its cost of a call is not measured)."""
    pytest.importorskip("lammps")
    from kapitza.atomistic import calculator_forces
    from kapitza.transmission.agf.run import estimate_run_memory, run_agf, stated_run

    def never(*args, **kwargs):
        raise AssertionError("the force constants were computed for a statement")

    monkeypatch.setattr(calculator_forces.CalculatorForceConstants, "hessian_rows", never)
    stated = stated_run("Si", "Si", **CRYSTAL_RUN)
    assert stated.memory.total == estimate_run_memory("Si", "Si", **CRYSTAL_RUN).total
    assert stated.force_constants.calls > 0 and stated.force_constants.supercell_atoms > 0
    assert stated.seconds is None and stated.described.startswith("the interface is ")
    low = 0.9 * stated.memory.total / 1e9
    assert not stated_run("Si", "Si", **CRYSTAL_RUN, max_memory_gb=low).fits
    with pytest.raises(InputError, match="limit"):
        run_agf("Si", "Si", **CRYSTAL_RUN, max_memory_gb=low)
    assert stated_run("Si", "Si", **CRYSTAL_RUN, max_memory_gb=1.1 * stated.memory.total / 1e9).fits


def test_a_built_in_potentials_memory_counts_in_the_statement(monkeypatch):
    """A calculator with a measured footprint (calculator_forces.FOOTPRINTS; here the SW factory given one) adds its
    resident model to the statement (MemoryEstimate.calculator, named in the refusal) and its working memory, per
    neighbour pair of the displaced slab, to the build."""
    pytest.importorskip("lammps")
    from kapitza.atomistic import calculator_forces
    from kapitza.transmission.agf.run import estimate_run_memory, run_agf

    plain = estimate_run_memory("Si", "Si", **CRYSTAL_RUN)
    footprint = calculator_forces.Footprint(resident=2e9, pair_cutoff=3.0, per_pair=1e5)
    monkeypatch.setitem(calculator_forces.FOOTPRINTS, LAMMPS_SW, footprint)
    measured = estimate_run_memory("Si", "Si", **CRYSTAL_RUN)
    assert measured.calculator == 2e9
    assert measured.build > plain.build
    assert measured.total >= plain.total + 2e9
    with pytest.raises(InputError, match=r"calculator model 2 GB"):
        run_agf("Si", "Si", **CRYSTAL_RUN, max_memory_gb=2.0)


def test_on_a_gpu_the_statement_moves_the_work_to_the_gpu_and_checks_its_free_memory(monkeypatch):
    """The potential on a (fake) CUDA device: the host statement drops the force call's work (the GPU holds it), the
    largest call's model and work are checked against the device's free memory after the crystals are relaxed and
    before any force of the interface, and a run that does not fit is refused naming both numbers; 1 % more than the
    need it names (to its two decimals) free and it is accepted, its note stating the need."""
    pytest.importorskip("lammps")
    from kapitza.atomistic import calculator_forces, call_memory
    from kapitza.transmission.agf.run import estimate_run_memory, run_agf

    footprint = calculator_forces.Footprint(resident=2e9, pair_cutoff=3.0, per_pair=1e5)
    monkeypatch.setitem(calculator_forces.FOOTPRINTS, LAMMPS_SW, footprint)
    on_cpu = estimate_run_memory("Si", "Si", **CRYSTAL_RUN)
    monkeypatch.setattr(call_memory, "call_device", lambda name: "cuda:0")
    asked = []

    def free(device):
        asked.append(device)
        return 1e9  # less than the 2 GB model alone

    monkeypatch.setattr(call_memory, "gpu_free_bytes", free)

    def never(*args, **kwargs):
        raise AssertionError("the force constants were computed before the GPU memory was checked")

    monkeypatch.setattr(calculator_forces.CalculatorForceConstants, "hessian_rows", never)
    with pytest.raises(InputError, match=r"needs ~2\.\d+ GB of GPU memory on cuda:0 .* but 1 GB are free") as refused:
        run_agf("Si", "Si", **CRYSTAL_RUN)
    assert "\n" not in str(refused.value) and asked == ["cuda:0"]
    need = float(re.search(r"needs ~([\d.]+) GB", str(refused.value)).group(1)) * 1e9
    monkeypatch.setattr(call_memory, "gpu_free_bytes", lambda device: 1.01 * need)
    on_gpu = estimate_run_memory("Si", "Si", **CRYSTAL_RUN)
    assert on_gpu.calculator == on_cpu.calculator == 2e9  # the model as loaded stays on the host
    assert on_gpu.build < on_cpu.build  # the call's work left the host statement


@pytest.mark.parametrize(
    ("name", "crystal", "a", "pairs", "angles", "per_call"),
    [
        # diamond shells at a = 5.43 A: 4 (2.35 A), 12 (3.84), 12 (4.50), 6 (5.43), 12 (5.92); 4 bonds within 3 A
        ("chgnet", "diamond", 5.43, 46, 4 * 3, 512 // 216),
        ("sevennet", "diamond", 5.43, 28, 0, 1),
        # fcc shells at a = 3.61 A: 12 (2.55), 6 (3.61), 24 (4.42), 12 (5.11), 24 (5.71); 12 bonds within 3 A
        ("chgnet-r2scan", "fcc", 3.61, 78, 12 * 11, 512 // 108),
        ("sevennet-l3i5", "fcc", 3.61, 42, 0, 1),
    ],
)
def test_a_potentials_working_memory_is_counted_from_its_graph(name, crystal, a, pairs, angles, per_call):
    """The working memory of one force call is counted from the call's graph: neighbour pairs within the model's
    cutoff (and, for CHGNet, bond angles: ordered pairs of neighbours of one atom within 3 A), times the structures
    one call packs (CHGNet's batches of 512 atoms).  The counts are the coordination shells of the crystal (diamond:
    4, 12, 12, 6, 12 neighbours; fcc: 12, 6, 24, 12, 24; e.g. Kittel, Introduction to Solid State Physics, ch. 1),
    so a dense metal costs more per atom than diamond, as measured (benchmarks/mlip_memory.py)."""
    from ase.build import bulk

    from kapitza.atomistic.calculator_forces import FOOTPRINTS, CalculatorForceConstants
    from kapitza.atomistic.calculators import calculator_source

    pytest.importorskip("chgnet" if name.startswith("chgnet") else "sevenn")
    atoms = bulk("Si" if crystal == "diamond" else "Cu", crystal, a, cubic=True).repeat((3, 3, 3))
    f = FOOTPRINTS[name]
    need = CalculatorForceConstants(calculator_source(name)).memory(atoms)
    expected = per_call * len(atoms) * (pairs * f.per_pair + angles * f.per_angle)
    assert need["known"] and need["resident"] == f.resident
    assert need["work"] == pytest.approx(expected, rel=1e-12)


def test_a_users_calculator_has_no_counted_memory_of_its_own():
    """A module:factory calculator: kapitza's arrays (the displaced structures) are counted, its own memory is not
    known (0, known False), and the note of the run says so."""
    from ase.build import bulk

    from kapitza.atomistic.calculator_forces import CalculatorForceConstants
    from kapitza.atomistic.calculators import calculator_source
    from kapitza.atomistic.hessian import CHUNK_VALUES

    need = CalculatorForceConstants(calculator_source("mlip_factories:emt")).memory(bulk("Cu", cubic=True))
    assert need == {"displaced": 4 * 8.0 * CHUNK_VALUES, "resident": 0.0, "work": 0.0, "gpu": 0.0, "device": "cpu",
                    "known": False}  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("Si", "Ge", "--calculator", "chgnet", "--potential", "sw"), "give --potential or --calculator, not both"),
        (("Si", "Ge", "--calculator", "no-such-potential"), "unknown calculator 'no-such-potential'"),
        (("Si", "Ge", "--calculator", "mlip_no_such_module:make"), "no module 'mlip_no_such_module'"),
        (("Si", "Ge", "--calculator", "mlip_factories:not_a_calculator"), "not an ASE calculator"),
        (("Si", "Ge", "--force-range", "5"), "--force-range goes with --calculator"),
        (("Si", "Ge", "--calculator", "chgnet", "--force-range", "nan"), "--force-range must be a finite number"),
        (("Si", "Ge", "--calculator", "chgnet", "--masses-amu", "1,2"), "--masses-amu goes with the built-in"),
        (("--structure", "s.extxyz", "--calculator", "chgnet", "--pair", "p"), "exactly one of --pair"),
        (("Si", "Ge", "--polarity", "-"), "--polarity goes with --calculator"),
        (("Si", "Ge", "--calculator", "chgnet", "--polarity", "up"), "--polarity must be one of +, -, got 'up'"),
        (("--structure", "s.extxyz", "--calculator", "chgnet", "--polarity", "-"), "--polarity goes with two crystals"),
    ],
)
def test_bad_calculator_inputs_are_one_line_and_exit_2(cli, args, message):
    status, out, err = cli("agf", *args)
    assert status == 2 and out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_a_missing_extra_is_one_line_naming_it(cli, monkeypatch):
    """chgnet not installed: the run stops before any work with one line naming the package and the mlip extra."""
    from kapitza.atomistic import calculators

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "chgnet" else real(name, *a))
    calculators._builtin_source.cache_clear()
    try:
        status, out, err = cli("agf", "Si", "Ge", "--calculator", "chgnet")
    finally:
        calculators._builtin_source.cache_clear()
    assert status == 2 and out == ""
    assert "chgnet" in err and "kapitza[mlip]" in err and len(err.strip().splitlines()) == 1


def test_the_other_polarity_of_a_pair_that_has_one_is_refused_before_any_relaxation():
    """Si | Ge along [001] (diamond: inversion turns the normal over) has one polarity; polarity "-" is refused from
    the crystals as given, before the calculator is asked for anything (a source that fails if touched)."""
    from kapitza.transmission.agf.calculator_route import crystal_interface

    class Untouchable:
        def __getattr__(self, name):
            raise AssertionError(f"the calculator was used ({name}) before the polarity was checked")

    with pytest.raises(InputError, match="neither crystal is polar along the normal .* one polarity"):
        crystal_interface("Si", "Ge", Untouchable(), reach=5.0, normal="001", max_strain=0.03, cells=None,
                          pl_cells=None, lateral=(1, 1), mixing_layers=0, seed=None, polarity="-")  # fmt: skip


def test_the_api_refuses_a_calculator_with_a_non_default_potential():
    from kapitza.transmission.agf.run import run_agf

    with pytest.raises(InputError, match="give potential= or calculator=, not both"):
        run_agf("Si", "Ge", calculator="chgnet", potential="tersoff")


@pytest.mark.mlip
@pytest.mark.slow  # minutes: CHGNet on 2 shared cores, ~45 displaced structures of 160 atoms
def test_chgnet_si_ge_from_two_crystals_end_to_end():
    """``kapitza agf Si Ge --calculator chgnet`` in small: each crystal relaxed with CHGNet, stacked in the common
    cell (strain reported), force constants from CHGNet (truncated at 3.9 A here, so the lateral supercell is 2x2:
    a route check, not a converged G; measured 6 min on the shared 2-core machine), the AGF run.  Laws: the
    two-probe G lies below both leads' ballistic G (an interface transmits at most the
    channels of each lead) and the intrinsic G above it (Simons removes the leads' resistance)."""
    pytest.importorskip("chgnet")
    from kapitza.transmission.agf.run import run_agf

    result, model = run_agf(
        "Si", "Ge", calculator="chgnet", force_range=3.9, max_strain=0.03, kpoints=1, frequencies=40,
        check_broadening=False, temperature=[300.0],
    )  # fmt: skip
    g = result.conductance[0]
    assert np.isfinite(g) and g > 0
    assert g < result.ballistic[0][0] and g < result.ballistic[1][0]
    assert result.intrinsic[0] > g
    assert model.metadata["lateral_repeat"] == [2, 2]
    # 3.9 A lies just below the second neighbours of the relaxed, strained crystals (a/sqrt2 ~ 3.93 A), so the
    # dropped blocks are second-neighbour ones: measured 0.091 of the largest (the default 5 A keeps them)
    assert 0 < model.metadata["dropped_beyond_range"] < 0.2
    record = result.settings["calculator"]
    assert record["name"] == "chgnet" and record["version"] and record["identity"]["weights_sha256"]
    relaxed = [c["relaxed"] for c in result.settings["crystals"]]
    assert all(lines and "->" in lines[0] for lines in relaxed)


def test_interface_build_relaxes_with_a_calculator(cli, tmp_path):
    """``kapitza interface build A B --calculator NAME``: the stacked cell relaxed with the calculator (each side's
    period, then the positions as a slab), the calculator and its version recorded, the residual below --fmax."""
    pytest.importorskip("lammps")
    import json

    out = tmp_path / "sisi.extxyz"
    status, text, err = cli(
        "interface", "build", "Si", "Si", "-o", out, "--cells", "3x3", "--calculator", LAMMPS_SW,
        "--fixed-periods", "1", "--fmax", "0.01", "--json",
    )  # fmt: skip
    assert status == 0, err
    relaxation = json.loads(text)["description"]["relaxation"]
    assert relaxation["calculator"] == LAMMPS_SW and relaxation["calculator_version"] == "1"
    assert relaxation["converged"] and relaxation["residual_force_eV_per_A"] <= 0.01
    assert out.is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--calculator", "no-such-potential"), "unknown calculator"),
        (("--calculator", "chgnet", "--relax", "p.pair"), "give --relax (a pair file) or --calculator, not both"),
    ],
)
def test_interface_build_refuses_bad_calculators_in_one_line(cli, tmp_path, args, message):
    status, out, err = cli("interface", "build", "Si", "Ge", "-o", tmp_path / "x.extxyz", *args)
    assert status == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.extxyz").exists()


def test_the_record_says_where_a_built_in_ran_and_leaves_a_users_calculator_alone(monkeypatch):
    """``model.calculator.device``: a built-in's device (``$KAPITZA_MLIP_DEVICE``, cpu by default; ``NAME+d3`` as
    NAME); a ``module:factory`` calculator places itself, and the record says so."""
    from types import SimpleNamespace

    from kapitza.atomistic import calculators
    from kapitza.transmission.agf.calculator_route import calculator_record

    def source(name):
        return SimpleNamespace(name=name, package="p", version="1", description="d", identity={"name": name})

    monkeypatch.delenv(calculators.DEVICE_VARIABLE, raising=False)
    assert calculator_record(source("sevennet-l3i5+d3"))["device"] == "cpu"
    monkeypatch.setattr(calculators, "mlip_device", lambda: "cuda:0")
    assert calculator_record(source("chgnet"))["device"] == "cuda:0"
    assert calculator_record(source("mlip_factories:lammps_sw_si"))["device"] == "the calculator's own"
    assert "device" not in calculator_record(source("chgnet"))["identity"]
