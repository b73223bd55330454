"""The cost stated before a crystal's force calls and the calls the run then makes, held to each other on a
low-symmetry cell (issue 85 item 3): the phonons' displaced supercells exactly, the cache's "no force call" exactly,
and the elastic stage's typical count within the x2.13 its 32 elastic-accuracy records span (bounded by its stated
most).  The force calls are counted inside the calculator (tests/mlip_factories.py: counted_emt), not by the code
that states them."""

from __future__ import annotations

import pytest

import mlip_factories

pytest.importorskip("phonopy")
pytest.importorskip("ase")

COUNTED = "mlip_factories:counted_emt"


def _triclinic_cuau():
    """Cu3Au's cubic cell (one Au of four), sheared until it keeps only inversion (P-1): every atom and strain
    direction its own, the case a symmetry count can get wrong."""
    from ase.build import bulk

    atoms = bulk("Cu", "fcc", a=3.61, cubic=True)
    atoms[0].symbol = "Au"
    cell = atoms.get_cell()[:].copy()
    cell[0, 1] += 0.15
    cell[2, 0] += 0.1
    atoms.set_cell(cell, scale_atoms=True)
    return atoms


def _calls_of(run) -> int:
    mlip_factories.FACTORY_CALLS["emt calls"] = 0
    run()
    return mlip_factories.FACTORY_CALLS["emt calls"]


def test_the_phonons_stated_calls_are_the_runs_and_a_cached_crystal_makes_none(tmp_path, monkeypatch):
    from kapitza.phonons.from_structure import crystal_phonons, phonon_cost
    from kapitza.phonons.supercell_plan import conventional_cell

    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))
    atoms = _triclinic_cuau()
    assert conventional_cell(atoms)[2] == "P-1 (2)"
    stated = phonon_cost(atoms, COUNTED, relax=False, supercell=2)
    assert not stated.cached and len(stated.supercells) == 1
    made = _calls_of(lambda: crystal_phonons(atoms, COUNTED, relax=False, supercell=2))
    assert made == stated.supercells[0].calls == 24  # 4 atoms x 3 directions x 2 signs: no symmetry to share them
    again = phonon_cost(atoms, COUNTED, relax=False, supercell=2)
    assert again.cached and again.line().endswith("in the cache, no force call")
    assert _calls_of(lambda: crystal_phonons(atoms, COUNTED, relax=False, supercell=2)) == 0


def test_the_elastic_stages_typical_calls_hold_the_run():
    from kapitza.phonons.elastic import MAX_STEPS, crystal_elastic_constants, elastic_calls
    from kapitza.phonons.supercell_plan import conventional_cell

    atoms = _triclinic_cuau()
    conv = conventional_cell(atoms)[0]
    typical, most = elastic_calls(conv, True, MAX_STEPS), elastic_calls(conv, True, MAX_STEPS, bound=True)
    made = _calls_of(lambda: crystal_elastic_constants(atoms, COUNTED, relax=True, cache=False))
    assert made <= most
    assert typical / 2.13 <= made <= typical * 2.13, (made, typical)


def test_the_run_and_its_statement_take_one_settings_record():
    """crystal_phonons and phonon_cost take one PhononSettings (or its fields by keyword): the same statement either
    way, and a keyword that is no setting is one line naming the function (issue 85 item 1: the twins merged)."""
    import dataclasses
    import inspect

    from kapitza.errors import InputError
    from kapitza.phonons import PhononSettings, crystal_phonons
    from kapitza.phonons.from_structure import phonon_cost

    atoms = _triclinic_cuau()
    record = PhononSettings(relax=False, supercell=2, cache=False)
    assert phonon_cost(atoms, COUNTED, settings=record) == phonon_cost(atoms, COUNTED, relax=False, supercell=2,
                                                                       cache=False)  # fmt: skip
    fields = {f.name for f in dataclasses.fields(PhononSettings)}
    for function in (crystal_phonons, phonon_cost):
        assert not fields & set(inspect.signature(function).parameters), function.__name__  # no copy of a setting
    with pytest.raises(InputError, match="unknown setting 'supercells' of phonon_cost"):
        phonon_cost(atoms, COUNTED, supercells=2)
    with pytest.raises(InputError, match="unknown setting 'supercells' of crystal_phonons"):
        crystal_phonons(atoms, COUNTED, supercells=2)
