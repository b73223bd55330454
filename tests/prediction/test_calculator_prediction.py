"""``calculator=`` in the prediction layer: Settings checks it up front, both sides are built from their structures
with one source, the derived records take part in the electronic parts, and the band file is read as data."""

from __future__ import annotations

import numpy as np
import pytest

import kapitza
from kapitza.errors import InputError
from kapitza.prediction import Settings, predict_interface
from kapitza.prediction.mlip_band import NOT_MEASURED, band_line, calculator_band

pytest.importorskip("phonopy")

EMT = "mlip_factories:emt"


def test_settings_take_a_calculator_as_a_full_dispersion_option():
    s = Settings(dispersion="phonopy", calculator=" CHGNet ")
    assert s.calculator == "chgnet" and s.to_dict()["calculator"] == "chgnet"
    assert s.options()["calculator"] == "chgnet"
    with pytest.raises(InputError, match="calculator= describes full dispersion"):
        Settings(calculator="chgnet")
    with pytest.raises(InputError, match="calculator= and potential= exclude each other"):
        Settings(dispersion="phonopy", calculator="chgnet", potential="sw")
    with pytest.raises(InputError, match="calculator= and phonopy_files= exclude each other"):
        Settings(dispersion="phonopy", calculator="chgnet", phonopy_files=("a.yaml", None))
    with pytest.raises(InputError, match="unknown calculator"):
        Settings(dispersion="phonopy", calculator="nosuch")


def test_predict_with_a_calculator_builds_both_sides_from_their_structures(tmp_path):
    """A structure file and a database name, one calculator (EMT): the file's crystal (Ni, not in the database) is
    named by its formula, and its electron data are the database's (Kittel's Sommerfeld coefficient, no Fermi
    velocity: issue 84).  Ni is a metallic element (pymatgen's
    classification, materials/data/metals.toml), so Al/Ni is a metal/metal pair: electrons carry its heat, the
    electronic DMM needs Ni's Fermi velocity and Sommerfeld coefficient, and the pair has no prediction of what it
    conducts (``validate``'s "no prediction"), not Al's electron-phonon resistance in series with the phonons as if
    Ni were an insulator.  The phonon numbers are the phonon channel, the same as ``kapitza.predict``'s."""
    from ase.build import bulk
    from ase.io import write

    from kapitza.phonons.derived_record import METAL_WITHOUT_ELECTRONS
    from kapitza.prediction.validation import as_predicted

    path = tmp_path / "nickel.cif"
    write(path, bulk("Ni", "fcc", a=3.52, cubic=True))
    found = predict_interface("Al", str(path), [300.0], ["dmm"], calculator=EMT, mesh=8)
    assert found.side1.name == "Al" and found.side2.name == "Ni" and found.side2.origin == "database"  # issue 84
    assert "electron data are the database's for Ni" in found.side2.notes
    assert METAL_WITHOUT_ELECTRONS.format(element="Ni") not in found.side2.notes
    parts = found.electronic
    assert parts.kind == "metal/metal" and parts.electronic_dmm is None and parts.electron_phonon is None
    assert "Fermi velocity (fermi_velocity) is stored for Ni" in parts.missing
    values, text = as_predicted(found.side1, found.side2, np.array([300.0]), found.results)
    assert np.isnan(values).all() and "not stored for Ni" in text
    g = kapitza.prediction.predict_model("Al", str(path), 300.0, "dmm", calculator=EMT, mesh=8).conductance
    np.testing.assert_allclose(found.results[0].conductance, g, rtol=1e-12)


def test_a_metallic_element_beside_a_non_metal_is_the_phonon_models_only(tmp_path):
    """Ni's record derived with EMT beside the database's Si (their Debye DMM: the kind is decided from the records,
    not the spectra): metal/non-metal with Ni the metal, whose electron-phonon conductance cannot be computed, so the
    reported G is the phonon model's with the note that says so.  A compound outside the database (Cu3Au) stays a
    non-metal: one element tells, a formula does not."""
    from ase.build import bulk
    from ase.io import write

    from kapitza.materials import get_material
    from kapitza.phonons.from_structure import crystal_phonons
    from kapitza.prediction.interface import interface_kind, is_metal
    from kapitza.prediction.validation import as_predicted

    path = tmp_path / "nickel.cif"
    write(path, bulk("Ni", "fcc", a=3.52, cubic=True))
    ni = crystal_phonons(str(path), EMT, relax=False, supercell=2, cache=False).material
    si = get_material("Si")
    assert is_metal(ni) and not is_metal(si) and interface_kind(ni, si) == "metal/non-metal"
    result = kapitza.prediction.predict_model(ni, si, 300.0, "dmm")
    values, text = as_predicted(ni, si, np.array([300.0]), [result])
    np.testing.assert_allclose(values[0], result.conductance, rtol=0)
    assert text.startswith("phonon model only") and "Ni" in text
    cu3au = bulk("Cu", "fcc", a=3.75, cubic=True)
    cu3au.symbols[0] = "Au"
    alloy = crystal_phonons(cu3au, EMT, relax=False, supercell=2, cache=False).material
    assert not is_metal(alloy) and interface_kind(alloy, si) == "non-metal/non-metal"
    assert not is_metal("Bi")  # a database material keeps the database's word (electrons.toml leaves Bi out)


def test_band_file_is_read_as_data(tmp_path):
    assert calculator_band("chgnet", tmp_path / "absent.toml") is None
    assert band_line("chgnet", tmp_path / "absent.toml") == NOT_MEASURED
    path = tmp_path / "bands.toml"
    path.write_text('[bands.chgnet]\nfactor = 1.7\nrows = 300\nmedian_ratio = 1.1\nsource = "validate, 2025"\n')
    band = calculator_band("chgnet", path)
    assert band.factor == 1.7 and band.rows == 300 and band.median_ratio == 1.1
    assert calculator_band("sevennet", path) is None
    path.write_text('[bands.chgnet]\nfactor = 0.5\nrows = 3\nsource = "x"\n')
    with pytest.raises(InputError, match="factor must be > 1"):
        calculator_band("chgnet", path)
    path.write_text("[bands.chgnet]\nfactor = 2\n")
    with pytest.raises(InputError, match="needs factor, rows and source"):
        calculator_band("chgnet", path)


def test_shipped_bands_name_how_they_were_measured_and_others_are_not_invented():
    """No number is invented: a calculator with no stored validation prints 'not yet measured', and every band
    the package ships was written by scripts/calibration/mlip.py, naming its command, commit and date."""
    import re
    import tomllib

    from kapitza.prediction.mlip_band import BAND_FILE

    assert band_line("mymodule:make_calculator") == NOT_MEASURED
    stored = tomllib.loads(BAND_FILE.read_text()).get("bands", {}) if BAND_FILE.is_file() else {}
    for name in stored:
        band = calculator_band(name)
        assert band.factor > 1 and band.rows >= 1, name
        assert re.match(rf"kapitza validate --calculator {re.escape(name)}, kapitza \S+, commit [0-9a-f]{{7,}}, "
                        r"\d{4}-\d\d-\d\d: ", band.source), band.source  # fmt: skip
        assert band_line(name).startswith("band: x/\u00f7 ")
