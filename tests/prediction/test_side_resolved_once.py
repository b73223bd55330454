"""Issue 85 item 4, a side resolved once: on ``kapitza.predict``'s path a typed material name is looked up in the
database once, at the API edge (:func:`kapitza.atomistic.side.resolve_side`); every layer below takes the record it
gives.  Counted at the database's one name lookup (``kapitza.materials.database._lookup``), which every
:func:`~kapitza.materials.get_material` of a name or path reaches, while a Material passes through it untouched.

Before this, ``predict('Al', 'Si', 300)`` looked each name up again to list the measured rows and the electron
notes (5 lookups), and a metal pair twice more for its electron data.  A stack passes its records down too (86
lookups for Al / Ti:2nm / Si before, 15 now); what is left there is a Layer's own check of its name (it is rebuilt
from its name, :class:`~kapitza.prediction.interlayer.layers.Layer`) and the films' physics keyed by record name.
Not yet so: ``compare_debye`` (a Debye spectrum keeps its material's name) and ``empirical`` (its training rows
are names)."""

from __future__ import annotations

import collections

import pytest

import kapitza
from kapitza.literature import measurements_for
from kapitza.materials import database, get_material


@pytest.fixture
def lookups(monkeypatch):
    """The names the database looked up, counted."""
    seen: collections.Counter[str] = collections.Counter()
    real = database._lookup

    def counted(query, *args, **kwargs):
        seen[query] += 1
        return real(query, *args, **kwargs)

    monkeypatch.setattr(database, "_lookup", counted)
    return seen


@pytest.mark.parametrize(
    ("side1", "side2", "options"),
    [
        ("Al", "Si", {}),  # metal / non-metal: measured rows, electron notes, the expected measurement
        ("Au", "Cu", {}),  # metal / metal: the electronic DMM's data, the expected route's electron check
        ("He4", "Cu", {}),  # a fluid: the Kapitza problem proper
        ("sapphire", "aluminium", {"model": "amm"}),  # aliases, one model
    ],
)
def test_each_typed_name_is_looked_up_once(lookups, side1, side2, options):
    p = kapitza.predict(side1, side2, 300, **options)
    counted = dict(lookups)
    assert counted == {side1: 1, side2: 1}
    assert (p.side1.name, p.side2.name) == (get_material(side1).name, get_material(side2).name)  # those records


def test_a_stack_looks_each_name_up_a_few_times_not_dozens(lookups):
    """Al / Ti:2nm / Si: 86 lookups before (Al 32, Si 27, Ti 27 at 077fc415), 5 a name now."""
    p = kapitza.predict("Al", "Si", 300, interlayers=["Ti:2nm"])
    counted = dict(lookups)
    assert p.stack is not None and set(counted) == {"Al", "Si", "Ti"}
    assert max(counted.values()) <= 5, counted


def test_each_sides_crystal_is_built_once_on_the_structure_route(monkeypatch, tmp_path):
    """Issue 85 item 4's other half: on the structure route a side's crystal is built once (its Side keeps it), though
    the phonon plan, the cost statement, the phonons, the elastic constants and the long waves each ask for it.  Cu's
    phonons are refused here (faked, as tests/prediction/test_long_wave_fallback.py does) so that the long-wave
    path, the longest, runs too; EMT gives the rest."""
    pytest.importorskip("phonopy")
    from kapitza.atomistic import side as side_module
    from kapitza.errors import DynamicalInstabilityError
    from kapitza.phonons import from_structure

    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))
    built: collections.Counter[str] = collections.Counter()
    build, phonons = side_module._built_structure, from_structure.crystal_phonons

    def counted(side, name):
        built[str(side.given)] += 1
        return build(side, name)

    def refuse_cu(side, calculator=None, **options):
        if getattr(side, "given", side) == "Cu":
            raise DynamicalInstabilityError("Cu: imaginary frequency 0.321i THz next to Gamma; refused", 0.321)
        return phonons(side, calculator, **options)

    monkeypatch.setattr(side_module, "_built_structure", counted)
    monkeypatch.setattr(from_structure, "crystal_phonons", refuse_cu)
    p = kapitza.predict("Al", "Cu", 300, calculator="mlip_factories:emt", mesh=8)
    assert any("long waves stand in" in w for w in p.warnings)
    assert dict(built) == {"Al": 1, "Cu": 1}


def test_the_measured_rows_of_records_and_of_names_agree():
    """measurements_for takes the records the edge resolved (no second lookup) and lists the same rows as names."""
    by_name = measurements_for("Al", "Al2O3")
    by_record = measurements_for(get_material("Al"), get_material("sapphire"))
    assert len(by_name) > 0 and by_record.reference_doi == by_name.reference_doi
    assert list(by_record.conductance) == list(by_name.conductance)
