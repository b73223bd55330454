"""Leads from bulk phonopy files (kapitza.transmission.agf.bulk_leads): the DFT user's separate bulk runs.

The files are made by the shipped example (examples/interfaces/make_phonopy_fc.py): phonopy central differences
(1e-4 A) of matscipy's Stillinger-Weber silicon, for the mass-mismatch Si|Ge interface and for each side's bulk
crystal four periods tall on the same lateral cell.
"""

from __future__ import annotations

import functools
import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pytest

from kapitza.errors import InputError

pytest.importorskip("phonopy")
pytest.importorskip("matscipy")

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "interfaces" / "make_phonopy_fc.py"


def _example():
    spec = importlib.util.spec_from_file_location("make_phonopy_fc", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    out = tmp_path_factory.mktemp("bulk_leads")
    assert _example().main([str(out), "--compact", "--bulk-leads"]) == 0
    return out


@functools.cache
def _lead_phonon(side, periods):
    """Phonopy's force constants of side ``side``'s bulk lead ``periods`` tall (the example's phonopy run, once per
    module for each lead) and a copy of the true ones."""
    from kapitza.atomistic.potentials import get_potential

    ex = _example()
    structure = ex.si_ge_structure((4, 4))
    phonon = ex.phonopy_force_constants(
        ex.bulk_lead(structure, side, periods), get_potential("sw", ["Si"]).calculator(), (2, 2)
    )
    return phonon, np.array(phonon.force_constants)


def _scaled_lead(files, tmp_path, side, scale, periods=4):
    """A bulk lead file whose force constants are ``scale`` times the true ones (another, stiffer lead)."""
    phonon, true = _lead_phonon(side, periods)
    phonon.force_constants = scale * true
    path = tmp_path / f"lead{side}_{scale:g}_{periods}" / "phonopy.yaml"
    path.parent.mkdir()
    phonon.save(filename=str(path), settings={"force_constants": True, "displacements": False})
    return path


def _models(files, left=None, right=None):
    from kapitza.atomistic.structure_file import read_structure
    from kapitza.transmission.agf.bulk_leads import read_bulk_lead
    from kapitza.transmission.agf.fc_files import read_force_constants
    from kapitza.transmission.agf.partition import fc_interface_model

    s = read_structure(files / "structure.extxyz")
    fc = read_force_constants(files / "FORCE_CONSTANTS", s, supercell=(2, 2))
    leads = tuple(None if p is None else read_bulk_lead(p) for p in (left, right))
    return fc_interface_model(s, fc), fc_interface_model(s, fc, leads=leads)


@pytest.mark.parity
def test_bulk_leads_of_the_same_force_field_give_the_structures_own_leads(files):
    """Bulk files of the same potential and displacement: the lead blocks agree to the finite-difference error
    (measured 7.9e-10 of the largest force constant), so the transmission is the same to 1e-7."""
    from kapitza.transmission.agf import solver

    own, bulk = _models(files, files / "lead_si" / "phonopy.yaml", files / "lead_ge" / "phonopy.yaml")
    assert bulk.metadata["leads"]["left"].endswith("lead_si/phonopy.yaml")
    assert all(0 <= v < 1e-8 for v in bulk.metadata["lead_mismatch"].values())
    omega = np.array([5e12, 20e12, 45e12, 60e12])
    k = np.array([[0.0, 0.0], [0.2, 0.1]])
    a = solver.transmission(own, omega, k, time_reversal=False).xi_k
    b = solver.transmission(bulk, omega, k, time_reversal=False).xi_k
    assert a.max() > 0.5
    assert np.abs(a - b).max() < 1e-7 * a.max()


def test_the_lead_takes_the_bulk_files_blocks_and_reports_the_mismatch(files, tmp_path):
    """A bulk file 3 % stiffer: the left lead's on-site and inter-layer blocks (rows and columns of U_-1, U_0)
    are 1.03 times the structure's own, the lead-device coupling and the right lead are untouched, and the
    mismatch is reported as 3 %.  The lead blocks agree to the finite-difference error of the two phonopy runs
    (measured 2.6e-9 of the largest entry)."""
    own, bulk = _models(files, left=_scaled_lead(files, tmp_path, 0, 1.03))
    assert bulk.metadata["lead_mismatch"]["left"] == pytest.approx(0.03, rel=1e-3)
    assert "right" not in bulk.metadata["lead_mismatch"]
    n_lead = own.bounds[2]  # dofs of U_-1 and U_0
    assert own.bounds == bulk.bounds
    for t, m_own in zip(own.translations, own.matrices, strict=True):
        m_bulk = bulk.matrices[[tuple(x) for x in bulk.translations].index(tuple(t))]
        a, b = m_own.toarray(), m_bulk.toarray()
        np.testing.assert_allclose(b[:n_lead, :n_lead], 1.03 * a[:n_lead, :n_lead], rtol=0, atol=1e-8 * abs(a).max())
        np.testing.assert_allclose(b[n_lead:, n_lead:], a[n_lead:, n_lead:], rtol=0, atol=1e-12 * abs(a).max())
        np.testing.assert_allclose(b[:n_lead, n_lead:], a[:n_lead, n_lead:], rtol=0, atol=1e-12 * abs(a).max())


def test_bad_bulk_leads_are_one_line(files, tmp_path):
    from kapitza.transmission.agf.bulk_leads import read_bulk_lead

    with pytest.raises(InputError, match="not this lead"):
        _models(files, left=_scaled_lead(files, tmp_path, 0, 1.2))
    short = _scaled_lead(files, tmp_path, 0, 1.0, periods=2)  # phonopy warns here, making the file
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # reading it: the refusal alone, no phonopy note beside it
        with pytest.raises(InputError, match="too short"):
            _models(files, left=short)
    with pytest.raises(InputError, match="^lead: .*not longer than twice the force range"):
        _models(files, left=_scaled_lead(files, tmp_path, 0, 1.0, periods=1))
    with pytest.raises(InputError, match="not a phonopy YAML"):
        read_bulk_lead(files / "FORCE_CONSTANTS")
    with pytest.raises(InputError, match="does not exist"):
        read_bulk_lead(tmp_path / "missing.yaml")
    with pytest.raises(InputError, match="not the sites|not a whole number"):
        _models(files, left=files / "lead_ge" / "phonopy.yaml")  # Ge masses where the left lead is Si


def test_cli_bulk_leads_and_their_refusals(cli, files):
    base = ["agf", "--structure", str(files / "structure.extxyz"), "--force-constants", str(files / "FORCE_CONSTANTS"),
            "--supercell", "2x2", "--kpoints", "1", "--frequencies", "40", "--no-check", "--json"]  # fmt: skip
    status, out, err = cli(*base, "--left-lead", str(files / "lead_si" / "phonopy.yaml"))
    assert status == 0, err
    import json

    record = json.loads(out)["settings"]["force_constants"]
    assert record["leads"]["right"] == "the structure's own cells"
    assert record["lead_mismatch"]["left"] < 1e-8
    status, out, err = cli("agf", "--structure", str(files / "structure.extxyz"), "--pair", str(files / "x.pair"),
                           "--left-lead", str(files / "lead_si" / "phonopy.yaml"))  # fmt: skip
    assert status == 2 and "--left-lead goes with --force-constants" in err
    assert len(err.strip().splitlines()) == 1 and not out
