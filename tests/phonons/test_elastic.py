"""A crystal's relaxed-ion elastic constants from its structure with a calculator (kapitza.phonons.elastic), beside
the database's measured ones.  The calculators are the tests' module:factory ones (tests/mlip_factories.py):
matscipy's Stillinger-Weber silicon and ASE's EMT, so no machine-learned potential is needed."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kapitza.errors import CacheNote, InputError
from kapitza.phonons import elastic

pytest.importorskip("ase")
pytest.importorskip("matscipy")

SW = "mlip_factories:stillinger_weber_si"
EMT = "mlip_factories:emt"


def test_stillinger_weber_silicon_gives_cowleys_constants_beside_mcskimins():
    """Reference: SW silicon's relaxed-ion constants are 151.4, 76.4 and 56.4 GPa (E. R. Cowley, Phys. Rev. Lett.
    60, 2379 (1988), LAMMPS's examples/ELASTIC expected output), here from the database's Si record as the side;
    the measured constants beside them are the database's own (H. J. McSkimin, J. Appl. Phys. 24, 988 (1953))."""
    from kapitza.materials import get_material
    from kapitza.units import GPA

    found = elastic.crystal_elastic_constants("Si", SW)
    assert found.symmetry == "cubic" and found.spacegroup == "Fd-3m (227)" and found.atoms == 8
    assert found.constants["C11"] == pytest.approx(151.4, abs=0.15)
    assert found.constants["C12"] == pytest.approx(76.4, abs=0.15)
    assert found.constants["C44"] == pytest.approx(56.4, abs=0.15)
    si = get_material("Si")
    assert dict(found.measured) == pytest.approx({k: v / GPA for k, v in si.elastic_constants.items()}, rel=1e-12)
    assert "McSkimin" in found.measured_source
    wave, calculated, measured = found.stiffnesses()["C44"]
    assert wave == "shear" and calculated == pytest.approx(found.constants["C44"]) and measured == pytest.approx(79.56)
    assert found.smallest_eigenvalue > 0 and not found.tensor.flags.writeable


def test_a_crystal_without_measured_constants_has_none_beside_it():
    """EMT copper given as NAME:STRUCTURE (no record): constants, no measured ones, NaN beside them."""
    found = elastic.crystal_elastic_constants("Cu:fcc:a=3.6", EMT)
    assert found.symmetry == "cubic" and dict(found.measured) == {} and found.measured_source == ""
    assert all(math.isnan(m) for _, _, m in found.stiffnesses().values())
    assert found.constants["C11"] > found.constants["C12"] > 0


def test_a_crystal_table_record_brings_its_measured_constants():
    """Nickel is not a database material; the crystal table's record carries Landolt-Boernstein's constants
    (C11 = 247, C12 = 153, C44 = 122 GPa, literature/data/crystals.toml), which stand beside EMT's."""
    found = elastic.crystal_elastic_constants("Ni", EMT)
    assert dict(found.measured) == {"C11": 247.0, "C12": 153.0, "C44": 122.0}
    assert "Landolt-Boernstein" in found.measured_source
    assert elastic.measured_elastic_constants("Ni") == ("cubic", dict(found.measured), found.measured_source)
    assert elastic.measured_elastic_constants("TiN") is None  # a record without constants
    assert elastic.measured_elastic_constants("SiO2") is None  # the database's amorphous record: isotropic


def test_a_lower_symmetry_keeps_the_full_tensor_only():
    """A monoclinic cell (EMT Cu atoms on a sheared, unrelaxed lattice): no named constants, the 6x6 tensor."""
    from ase import Atoms

    atoms = Atoms("Cu2", scaled_positions=[[0, 0, 0], [0.5, 0.5, 0.5]],
                  cell=[[2.6, 0, 0], [0.2, 2.8, 0], [0, 0, 2.9]], pbc=True)  # fmt: skip
    found = elastic.crystal_elastic_constants(atoms, EMT, relax=False)
    assert found.symmetry == "" and dict(found.constants) == {} and found.stiffnesses() == {}
    assert found.tensor.shape == (6, 6) and np.allclose(found.tensor, found.tensor.T)


def test_too_many_atoms_are_refused_before_any_force(monkeypatch):
    monkeypatch.setattr(elastic, "MAX_ATOMS", 4)
    with pytest.raises(InputError, match="8 atoms in the conventional cell, more than the 4"):
        elastic.crystal_elastic_constants("Si", EMT)


def test_a_calculator_without_stress_is_one_line():
    """A calculator of forces only (tests/mlip_factories.py: EMT without its stress), relaxed or not."""
    with pytest.raises(InputError, match="relaxation failed: PropertyNotImplementedError"):
        elastic.crystal_elastic_constants("Cu", "mlip_factories:emt_forces_only")
    with pytest.raises(InputError, match="elastic constants: the calculator failed: PropertyNotImplementedError"):
        elastic.crystal_elastic_constants("Cu", "mlip_factories:emt_forces_only", relax=False)


def test_atoms_that_do_not_interact_have_no_elastic_constants(monkeypatch):
    """Issue 51: ``Si:diamond:a=100`` printed C11 = C12 = C44 = 0 GPa.  Atoms that far apart are refused before any
    force (no layer of more than MAX_GAP_ANGSTROM without atoms); a potential whose reach is shorter than the
    atoms' distances (Lennard-Jones cut at 1 A, tests/mlip_factories.py) gives a zero tensor, refused as predict
    refuses a crystal without phonons, and nothing is cached."""
    stored = []
    monkeypatch.setattr(elastic, "cached_arrays", lambda kind, parts, compute, enabled, **_: stored.append(compute()))
    with pytest.raises(InputError, match=r"a layer 43.3 A thick holds no atom"):
        elastic.crystal_elastic_constants("Si:diamond:a=100", SW)
    words = r"no stiffness with the mlip_factories:short_lennard_jones potential \(largest elastic constant 0 GPa"
    with pytest.raises(InputError, match=words + r", below 0.1\): its atoms do not interact"):
        elastic.crystal_elastic_constants("Si", "mlip_factories:short_lennard_jones")
    assert stored == []


def test_steps_must_be_a_positive_whole_number():
    with pytest.raises(InputError, match="steps must be a positive whole number"):
        elastic.crystal_elastic_constants("Si", SW, steps=0)


def test_a_saved_result_loads_and_a_crafted_one_is_refused(tmp_path):
    """kapitza.load builds a result through its constructor: the same numbers back; a tensor that is not 6x6 or a
    symmetry that names no constants is refused in one line."""
    import dataclasses

    import kapitza

    found = elastic.crystal_elastic_constants("Si", SW)
    back = kapitza.load(found.save(tmp_path / "si.json"))
    np.testing.assert_array_equal(back.tensor, found.tensor)
    assert dict(back.constants) == dict(found.constants) and back.symmetry == "cubic"
    with pytest.raises(InputError, match="finite 6x6"):
        dataclasses.replace(found, tensor=np.zeros((3, 3)))
    with pytest.raises(InputError, match="constants are named"):
        dataclasses.replace(found, symmetry="")


def test_progress_counts_the_twelve_strained_cells():
    """Long work reports: after the relaxation's steps, one call per strained cell, 1 to 12 of 12."""
    calls = []
    elastic.crystal_elastic_constants(
        "Si", SW, cache=False, progress=lambda stage, done, total: calls.append((stage, done, total))
    )
    strains = [c for c in calls if c[0] == "strains"]
    assert strains == [("strains", k, 12) for k in range(1, 13)]
    assert all(stage in ("relaxation", "strains") for stage, _, _ in calls)


def test_a_second_call_reads_the_cache_and_other_settings_do_not(tmp_path, monkeypatch):
    """The relaxed cell and the tensor are cached by content: the same crystal and calculator again report no
    progress (nothing relaxed or strained) and give the same numbers bit for bit; other steps, another lattice
    constant or cache=False compute again; a damaged entry is recomputed, never used."""
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))
    first = elastic.crystal_elastic_constants("Cu:fcc:a=3.6", EMT)
    entries = sorted(tmp_path.glob("structure-elastic-*.entry"))
    assert len(entries) == 1

    def calls(**kwargs):
        seen = []
        found = elastic.crystal_elastic_constants(
            kwargs.pop("side", "Cu:fcc:a=3.6"), EMT, progress=lambda *a: seen.append(a), **kwargs
        )
        return found, seen

    again, seen = calls()
    assert seen == []
    np.testing.assert_array_equal(again.tensor, first.tensor)
    assert again.relaxed_cell == first.relaxed_cell and dict(again.constants) == dict(first.constants)
    for kwargs in ({"steps": 400}, {"side": "Cu:fcc:a=3.7"}, {"cache": False}):
        _, seen = calls(**kwargs)
        assert [s for s in seen if s[0] == "strains"][-1] == ("strains", 12, 12)
    assert len(list(tmp_path.glob("structure-elastic-*.entry"))) == 3  # cache=False stored nothing
    entries[0].write_bytes(b"not a zip")
    with pytest.warns(CacheNote, match="is not a kapitza cache entry"):  # told once, as one note
        repaired, seen = calls()
    assert seen and np.array_equal(repaired.tensor, first.tensor)


def test_cache_must_be_a_bool():
    with pytest.raises(InputError, match="cache must be True or False"):
        elastic.crystal_elastic_constants("Si", EMT, cache="yes")


def _errors_file(tmp_path, **changes):
    entry = {
        "calculator": '"pot"', "crystal": '"Nb"', "formula": '"Nb"', "atoms": "2", "relaxed_cell": "[3.3, 3.3, 3.3]",
        "measured_on": '"commit x"', "measured_source": '"LB"', "stiffness": '["C11", "C44"]',
        "wave": '["longitudinal", "shear"]', "calculated_gpa": "[240.0, 2.5]", "measured_gpa": "[246.0, 28.7]",
    }  # fmt: skip
    entry |= changes
    path = tmp_path / "errors.toml"
    path.write_text("[[records]]\n" + "".join(f"{k} = {v}\n" for k, v in entry.items()))
    return path


def test_stiffness_errors_match_the_same_crystal_relaxed_by_the_same_potential(tmp_path):
    """A record is the prediction's crystal when the potential, the reduced formula, the conventional cell's atoms
    and the relaxed a, b, c (within SAME_CELL) are the record's: whatever name the side was given."""
    path = _errors_file(tmp_path)
    found = elastic.stiffness_errors("pot", "Nb", 2, [3.3 * (1 + 0.5 * elastic.SAME_CELL)] * 3, path)
    assert found is not None and found.crystal == "Nb"
    assert found.rows == (("C11", "longitudinal", 240.0, 246.0), ("C44", "shear", 2.5, 28.7))
    line = found.line()
    assert line.index("C44 (shear) -91 %") < line.index("C11 (longitudinal) -2 %") and "commit x" in line
    for other in (("other", "Nb", 2, [3.3] * 3), ("pot", "Mo", 2, [3.3] * 3), ("pot", "Nb", 4, [3.3] * 3),
                  ("pot", "Nb", 2, [3.3 * (1 + 2 * elastic.SAME_CELL)] * 3)):  # fmt: skip
        assert elastic.stiffness_errors(*other, path) is None
    assert elastic.stiffness_errors("pot", "Nb", 2, [3.3] * 3, tmp_path / "absent.toml") is None


@pytest.mark.parametrize(
    "change, words",
    [({"atoms": '"two"'}, "malformed"), ({"measured_gpa": "[246.0]"}, "malformed"),
     ({"measured_gpa": "[246.0, 0.0]"}, "measured > 0"), ({"calculated_gpa": "[nan, 2.5]"}, "finite")],
)  # fmt: skip
def test_a_damaged_errors_file_is_one_line(tmp_path, change, words):
    with pytest.raises(InputError, match=words):
        elastic.stiffness_errors("pot", "Nb", 2, [3.3] * 3, _errors_file(tmp_path, **change))


def test_every_shipped_record_is_found_for_its_own_crystal():
    """The shipped errors file (scripts/elastic_accuracy.py, from the elastic-accuracy page's records): each record
    is what a prediction of its crystal with its potential finds."""
    from kapitza.io import toml_file

    records = toml_file.read_document(elastic.ERRORS_FILE, "errors", toml_file.MAX_CONFIG_BYTES)["records"]
    assert len(records) >= 100
    for r in records:
        found = elastic.stiffness_errors(r["calculator"], r["formula"], r["atoms"], r["relaxed_cell"])
        assert found is not None and found.crystal == r["crystal"] and len(found.rows) == len(r["stiffness"])


def test_measured_constants_follow_the_record_the_side_was_built_from():
    """The measured constants beside a side are those of the record side_structure built it from, whatever the side
    was called: a database alias (sapphire: the database's Al2O3) or a crystal-table name (Nb); a structure given
    as NAME:STRUCTURE or a dict has none, even under a recorded name."""
    from kapitza.atomistic.side import side_structure

    for side, name in (("sapphire", "Al2O3"), ("Nb", "Nb"), ("Ni", "Ni")):
        built = side_structure(side)
        symmetry, constants, source = elastic.measured_elastic_constants(name)
        assert elastic._measured(built, symmetry) == (constants, source)
    for side in ("Ni:fcc:a=3.52", {"name": "Ni", "crystalstructure": "fcc", "a": 3.52}):
        assert elastic._measured(side_structure(side), "cubic") == ({}, "")
    assert elastic._measured(side_structure("Nb"), "hexagonal") == ({}, "")  # another symmetry: none beside it


def test_memory_is_stated_and_bounded_before_any_force(monkeypatch):
    """The stated memory is the libraries plus the potential's footprint for one call on the conventional cell
    (here a made-up footprint of 0.5 GB + 0.1 GB); above max_memory_gb the crystal is refused before anything is
    computed, below it the result states it; a calculator without a footprint states nothing (0)."""
    from kapitza.atomistic import call_memory
    from kapitza.errors import MemoryBoundError
    from kapitza.phonons.supercell_plan import LIBRARY_BYTES

    assert elastic.crystal_elastic_constants("Si", SW, cache=False).memory_gb == 0.0
    calls = []
    monkeypatch.setattr(call_memory, "force_call_memory",
                        lambda name, atoms, n: calls.append(len(atoms)) or {"resident": 5e8, "work": 1e8,
                                                                            "known": True})  # fmt: skip
    stated = (LIBRARY_BYTES + 6e8) / 1e9
    computed = []
    real = elastic._compute
    monkeypatch.setattr(elastic, "_compute", lambda *a: computed.append(1) or real(*a))
    with pytest.raises(MemoryBoundError, match=rf"need ~{stated:.3g} GB .* above max_memory_gb=0.7"):
        elastic.crystal_elastic_constants("Si", SW, cache=False, max_memory_gb=0.7)
    assert computed == [] and calls == [8]
    assert elastic.crystal_elastic_constants("Si", SW, cache=False, max_memory_gb=0.8).memory_gb == pytest.approx(
        stated
    )


def test_the_errors_file_is_read_again_when_it_changes(tmp_path):
    """The parsed records are kept per version of the file (path, modification time, size): a rewritten file is read
    again, never served from the old parse."""
    path = _errors_file(tmp_path)
    assert elastic.stiffness_errors("pot", "Nb", 2, [3.3] * 3, path).rows[1][2] == 2.5
    _errors_file(tmp_path, calculated_gpa="[240.0, 12.25]")
    assert elastic.stiffness_errors("pot", "Nb", 2, [3.3] * 3, path).rows[1][2] == 12.25
