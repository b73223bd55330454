"""The shipped compilation of measured conductances: its conversion, the loader, the name mapping, the CLI.

Source of the data: the ITR compilation, Zenodo DOI 10.5281/zenodo.3361417, as redistributed in
OpenKapitza (MIT licence, (c) 2022 Aria Hosseini); /work/shared/data/README.md says 1,330
measurements.  Reference values below are the numbers the shipped CSV holds (read from the xlsx).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.literature import load_measurements, measurements_for, shipped_measurements, unmapped
from kapitza.literature.measurements import REQUIRED_COLUMNS
from kapitza.literature.names import NAMES, UNMAPPED
from kapitza.materials import get_material, list_materials

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "convert_itr_dataset.py"
XLSX = Path("/work/shared/data/itr_dataset.xlsx")


def _csv(tmp_path, rows, header=None, comments="# a test file\n"):
    """A small measurement file: REQUIRED_COLUMNS with the given rows (dicts of overrides)."""
    names = list(REQUIRED_COLUMNS) if header is None else header
    base = {c: "" for c in names}
    base.update(
        id="1",
        stack="Al/Si",
        interlayer="0",
        conductance_w_m2k="2e8",
        temperature_k="300",
        method="TDTR",
        film="Al",
        film_thickness_nm="80",
        substrate="Si",
        reference_id="1",
        reference_doi="10.0/x",
    )
    lines = [",".join(names)]
    for overrides in rows:
        row = {**base, **overrides}
        lines.append(",".join(row[c] for c in names))
    path = tmp_path / "m.csv"
    path.write_text(comments + "\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- the shipped table ---------------------------------------------------------------------------


def test_shipped_table_has_every_measurement_of_the_compilation():
    """1,330 measurements (README of the data); G in W m^-2 K^-1, all > 0; temperatures 1-600 K.

    Source of the numbers: the shipped compilation (doi 10.5281/zenodo.3361417) and its row 1, Duda et al., APL 102,
    081902 (2013).
    """
    m = shipped_measurements()
    assert len(m) == 1330
    assert np.all(m.conductance > 0) and np.all(np.isfinite(m.conductance))
    assert m.temperature.min() == 1.0 and m.temperature.max() == 600.0
    # Row 1 of the sheet: Au/SiO2/Si, 38 MW m^-2 K^-1 at 100 K (Duda et al., APL 102, 081902 (2013)).
    assert m.conductance[0] == 38e6 and m.temperature[0] == 100.0 and m.reference_doi[0] == "10.1063/1.4793431"
    assert m.film_thickness[0] == pytest.approx(80e-9)
    assert m.references == 85  # distinct reference ids used by the rows (README: "115 papers")


def test_shipped_table_is_frozen_and_credits_its_sources():
    """Read-only arrays and tuples; the CSV's header comments credit Zenodo, OpenKapitza and the MIT licence."""
    m = shipped_measurements()
    with pytest.raises(ValueError):
        m.conductance[0] = 1.0
    assert isinstance(m.film, tuple)
    text = Path(m.source).read_text(encoding="utf-8")
    head = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    assert "10.5281/zenodo.3361417" in head and "OpenKapitza" in head and "MIT" in head and "Aria Hosseini" in head
    licence = Path(m.source).with_name("itr_dataset.LICENSE").read_text(encoding="utf-8")
    assert "Copyright (c) 2022 Aria Hosseini" in licence


def test_conversion_script_reproduces_the_shipped_csv_byte_for_byte(tmp_path):
    """Rerunning scripts/convert_itr_dataset.py on the xlsx gives the shipped CSV (needs openpyxl and the xlsx)."""
    pytest.importorskip("openpyxl")
    if not XLSX.is_file():
        pytest.skip("the source xlsx is not on this machine")
    out = tmp_path / "out.csv"
    subprocess.run([sys.executable, str(SCRIPT), str(XLSX), str(out)], check=True, capture_output=True)
    assert out.read_bytes() == Path(shipped_measurements().source).read_bytes()
    import openpyxl

    sheet = openpyxl.load_workbook(XLSX, read_only=True, data_only=True).worksheets[0]
    sheet_rows = [r for r in list(sheet.iter_rows(values_only=True))[1:] if any(v is not None for v in r)]
    assert len(sheet_rows) == len(load_measurements(out))
    assert [float(r[4]) * 1e6 for r in sheet_rows] == pytest.approx(list(load_measurements(out).conductance))


def test_package_does_not_import_openpyxl():
    """openpyxl is a development-only dependency: loading the table must not import it."""
    code = "import sys, kapitza.literature as l; l.load_measurements(); print('openpyxl' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert done.stdout.strip() == "False"


# --- the mapping ---------------------------------------------------------------------------------


def test_every_mapped_name_is_a_database_material():
    """Each target of the reviewed table resolves through get_material to itself."""
    known = {m.name for m in list_materials()}
    assert set(NAMES.values()) <= known
    assert not set(NAMES) & set(UNMAPPED)


def test_mapping_finds_the_common_pairs_in_either_order():
    """Al/Si has 172 rows (film Al on substrate Si; 171 in the sheet plus id 1024, whose substrate column the
    converter corrects from Al to Si), 46 of them bare (interlayer 0); a-SiO2 -> SiO2, C -> diamond, Al2O3 ->
    sapphire.  The row counts are those of the shipped compilation (doi 10.5281/zenodo.3361417), counted from
    its CSV; the bare counts are checked against the CSV's interlayer column below."""
    assert len(measurements_for("Al", "Si", interlayers=True)) == 172
    assert len(measurements_for("Si", "Al", interlayers=True)) == 172
    assert len(measurements_for("aluminium", "silicon", interlayers=True)) == 172
    assert len(measurements_for("Au", "fused silica", interlayers=True)) == 75
    assert len(measurements_for("Pb", "diamond", interlayers=True)) == 32
    assert len(measurements_for("Al", "sapphire", interlayers=True)) == 56
    # Only the rows whose description says 4H-SiC are mapped onto the database's 4H-SiC.
    sic = measurements_for("Al", "4H-SiC", interlayers=True)
    assert len(sic) == 6 and all("4H" in d for d in sic.substrate_description)


def test_interlayer_stacks_are_left_out_unless_asked_for():
    """Issue 28 item 8: a stack with a layer between the two (Au/Ti/diamond for Au and diamond) measures another
    interface; measurements_for gives the bare rows, and with interlayers=True all of them, the extra ones exactly
    the rows whose interlayer flag is 1."""
    for a, b in (("Al", "Si"), ("Au", "diamond"), ("Pb", "diamond")):
        bare, every = measurements_for(a, b), measurements_for(a, b, interlayers=True)
        assert not bare.interlayer.any()
        assert len(every) - len(bare) == int(every.interlayer.sum()) > 0
    au_c = measurements_for("Au", "diamond", temperature=300, interlayers=True)
    assert {s for s, flag in zip(au_c.stack, au_c.interlayer) if flag} >= {"Au/Ti/diamond"}


def test_temperature_window_selects_rows_near_the_requested_temperatures():
    """window=0.1 keeps |T - 300| <= 30 K; two temperatures keep the union."""
    rows = measurements_for("Al", "Si", temperature=300)
    assert len(rows) > 0 and np.all(np.abs(rows.temperature - 300) <= 30)
    both = measurements_for("Al", "Si", temperature=[100, 300])
    assert len(both) > len(rows)
    assert len(measurements_for("Al", "Si", temperature=300, window=0.0)) < len(rows)


def test_unmapped_names_say_why():
    """Graphene, MoS2, alloys, quartz and SiC without polytype are listed with a reason; mapped names (graphite since
    issue 84) are not.

    The row count 18 is that of the shipped compilation (doi 10.5281/zenodo.3361417).
    """
    reasons = {u.name: u for u in unmapped()}
    for name in ("gp-C", "AuxCu1-x", "SiO2", "SiC", "MoS2"):
        assert name in reasons and reasons[name].reason and reasons[name].rows > 0
    assert "polytype" in reasons["SiC"].reason and reasons["SiC"].rows == 18
    assert not set(reasons) & set(NAMES)
    assert "sheets, no record" in reasons["MoS2"].reason and "g-C" not in reasons
    assert reasons["CuPc"].reason == "not in the kapitza database"


def test_unknown_material_and_bad_window_are_refused():
    with pytest.raises(InputError, match="unknown material"):
        measurements_for("Al", "Unobtainium")
    with pytest.raises(InputError, match="window="):
        measurements_for("Al", "Si", temperature=300, window=1.5)
    with pytest.raises(InputError, match="temperature="):
        measurements_for("Al", "Si", temperature=-3)


# --- the loader on small files -------------------------------------------------------------------


def test_loader_reads_a_small_file_with_any_column_order(tmp_path):
    header = list(reversed(REQUIRED_COLUMNS)) + ["extra"]
    path = _csv(tmp_path, [{}, {"temperature_k": "100", "film_thickness_nm": "", "interlayer": "1"}], header)
    m = load_measurements(path)
    assert len(m) == 2 and list(m.temperature) == [300.0, 100.0]
    assert np.isnan(m.film_thickness[1]) and list(m.interlayer) == [False, True]
    assert m.film_material == ("Al", "Al") and m.substrate_material == ("Si", "Si")
    assert len(measurements_for("Si", "Al", measurements=m, interlayers=True)) == 2


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"conductance_w_m2k": "high"}, r"line 3: conductance_w_m2k 'high' is not a number"),
        ({"conductance_w_m2k": "-5e6"}, r"line 3: conductance_w_m2k must be > 0, got -5e\+06"),
        ({"conductance_w_m2k": "0"}, r"line 3: conductance_w_m2k must be > 0"),
        ({"conductance_w_m2k": "nan"}, r"line 3: conductance_w_m2k must be finite"),
        ({"temperature_k": "-1"}, r"line 3: temperature_k must be >= 0 K, got -1"),
        ({"interlayer": "yes"}, r"line 3: interlayer must be 0 or 1"),
        ({"film_thickness_nm": "-80"}, r"line 3: film_thickness_nm must be >= 0"),
    ],
)
def test_loader_names_the_line_of_a_malformed_row(tmp_path, row, message):
    """Line 1 is the comment, line 2 the header, line 3 the bad row."""
    with pytest.raises(InputError, match=message):
        load_measurements(_csv(tmp_path, [row]))


def test_loader_refuses_missing_columns_wrong_cell_count_empty_and_binary(tmp_path):
    header = [c for c in REQUIRED_COLUMNS if c != "conductance_w_m2k"]
    with pytest.raises(InputError, match="line 2: the header lacks column.s. conductance_w_m2k"):
        load_measurements(_csv(tmp_path, [{}], header))
    path = _csv(tmp_path, [{}])
    path.write_text(path.read_text() + "1,2,3\n")
    with pytest.raises(InputError, match="line 4: 3 cells, the header has"):
        load_measurements(path)
    empty = tmp_path / "empty.csv"
    empty.write_text("# only comments\n\n")
    with pytest.raises(InputError, match="empty"):
        load_measurements(empty)
    header_only = tmp_path / "header.csv"
    header_only.write_text(",".join(REQUIRED_COLUMNS) + "\n")
    with pytest.raises(InputError, match="no measurements"):
        load_measurements(header_only)
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"id,stack\x00\x01\x02")
    with pytest.raises(InputError, match="binary"):
        load_measurements(binary)
    latin = tmp_path / "l.csv"
    latin.write_bytes("id,\u00e9\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        load_measurements(latin)
    with pytest.raises(InputError, match="does not exist"):
        load_measurements(tmp_path / "missing.csv")
    with pytest.raises(InputError, match="not a file"):
        load_measurements(tmp_path)


# --- the CLI -------------------------------------------------------------------------------------


def test_cli_lists_al_si_with_references_and_credit(cli):
    status, out, err = cli("measured", "Al", "Si", "-t", "300")
    assert status == 0 and err == ""
    assert "measured G of Al/Si near 300 K" in out
    assert "TDTR" in out and "doi:" in out and "10.5281/zenodo.3361417" in out


def test_cli_json_gives_si_values(cli):
    """Al/Cu at 298 K: 4000 MW m^-2 K^-1 (Gundrum, Cahill & Averback, PRB 72, 245426 (2005), as in the sheet)."""
    status, out, _ = cli("measured", "Cu", "Al", "--json")
    assert status == 0
    payload = json.loads(out)
    assert payload["interface"] == ["Cu", "Al"]
    rows = payload["measurements"]
    assert len(rows) == 6
    at_298 = [r for r in rows if r["temperature_k"] == 298.0]
    assert at_298[0]["conductance_w_m2k"] == 4e9 and at_298[0]["film_thickness_nm"] == 100.0
    assert at_298[0]["reference_doi"] == "10.1103/PhysRevB.72.245426"


def test_cli_pair_without_data_says_so_and_exits_0(cli):
    status, out, err = cli("measured", "Ge", "Cu")
    assert status == 0 and err == ""
    assert "no measurements of Ge/Cu in the shipped compilation" in out
    status, out, _ = cli("measured", "Al", "Si", "-t", "5")
    assert status == 0 and "no measurements of Al/Si near 5 K" in out


def test_cli_unknown_material_and_bad_window_give_one_line_and_exit_2(cli):
    status, out, err = cli("measured", "Al", "Unobtainium")
    assert status == 2 and out == "" and err.count("\n") == 1 and "unknown material 'Unobtainium'" in err
    status, _, err = cli("measured", "Al", "Si", "--window", "2")
    assert status == 2 and "--window must be a fraction in [0, 1), got 2" in err
    assert get_material("Al").name == "Al"


def test_cli_marks_rows_above_the_physical_bound(cli):
    """Cu/Pb: the nine rows of Schumann et al. (1980) are marked "x bound" with the sentence saying why, and kept;
    --json carries the bound, the flag and the reason per row (issue 39, item 3)."""
    status, out, err = cli("measured", "Cu", "Pb")
    assert status == 0 and err == ""
    text = " ".join(out.split())
    assert out.count("x bound") == 9
    assert "9 rows lie above the physical upper bound of the interface: 10,800-32,400 MW m^-2 K^-1 at 2-6 K" in text
    assert "Flagged, not removed" in text
    status, out, _ = cli("measured", "Cu", "Pb", "--json")
    payload = json.loads(out)
    assert payload["rows_above_bound"] == 9 and len(payload["measurements"]) == 9
    for row in payload["measurements"]:
        assert row["above_bound"] and row["conductance_w_m2k"] > payload["bound_margin"] * row["upper_bound_w_m2k"]


def test_cli_says_why_rows_are_not_checked(cli):
    """Pt has no Fermi velocity in kapitza's electron data: Pt/Au rows are not checked (n/c), and the line says
    why; in JSON their bound is "inf" (the pair has none) and the note gives the reason."""
    status, out, _ = cli("measured", "Pt", "Au")
    assert status == 0 and "n/c" in out
    assert "not checked against the physical upper bound: Pt: no Fermi velocity stored" in " ".join(out.split())
    payload = json.loads(cli("measured", "Pt", "Au", "--json")[1])
    assert all(r["upper_bound_w_m2k"] == "inf" and not r["above_bound"] for r in payload["measurements"])
    assert all("Pt" in r["bound_note"] for r in payload["measurements"])


def test_rows_of_a_pair_are_found_by_the_names_the_compilation_writes():
    """The compilation (../shared/data, Costescu, Wall and Cahill's TiN/MgO(001) TDTR series) names TiN and MgO (in
    the database since issue 84; the lookup is by the compilation's names, records or not): the rows are found in
    either order, bare only, each naming the pair."""
    from kapitza.literature import measurements_named

    rows = measurements_named("TiN", "MgO")
    assert len(rows) > 0 and len(rows) == len(measurements_named("MgO", "TiN"))
    assert all({f, s} == {"TiN", "MgO"} for f, s in zip(rows.film, rows.substrate))
    assert not rows.interlayer.any()
    everything = shipped_measurements()
    expected = sum(
        1
        for f, s, i in zip(everything.film, everything.substrate, everything.interlayer)
        if {f, s} == {"TiN", "MgO"} and not i
    )
    assert len(rows) == expected
    assert len(measurements_named("TiN", "NoSuchCrystal")) == 0
    with pytest.raises(InputError):
        measurements_named("TiN", 3)  # type: ignore[arg-type]
