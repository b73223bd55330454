"""Convert the ITR compilation (xlsx) into the CSV shipped in ``kapitza.literature``.

Usage::

    python scripts/convert_itr_dataset.py /work/shared/data/itr_dataset.xlsx \\
        src/kapitza/literature/data/itr_measurements.csv

The workbook (Zenodo DOI 10.5281/zenodo.3361417, as redistributed in the OpenKapitza
repository, MIT licence, copyright (c) 2022 Aria Hosseini) has two sheets: one row per
measurement, and the references (title, authors, journal, DOI).  This script checks both
header rows against the expected columns, joins the reference onto every measurement,
converts G from MW m^-2 K^-1 to W m^-2 K^-1 (SI) and writes one CSV whose first lines are
``#`` comments crediting the sources and the licence.  The R column of the sheet (1/G in
m^2 K GW^-1) is checked against G and left out.  The output is deterministic: rerunning
gives identical bytes.

openpyxl is a development-only dependency: the package itself never imports it.
"""

from __future__ import annotations

import csv
import io
import math
import sys
from pathlib import Path

#: Sheet 1 header as written in the workbook (column A..P), and the CSV name of each column.
MEASUREMENT_COLUMNS = (
    ("id", "id"),
    ("interface id", "interface_id"),
    ("Interface", "stack"),
    ("interlayer", "interlayer"),
    ("Thermal Boundary Conductance (MW/m2K)", "conductance_w_m2k"),
    ("itr (10-9 m2K/W)", None),  # R = 1/G, checked and dropped
    ("Temperature (K)", "temperature_k"),
    ("Measurement method", "method"),
    ("Film 1", "film"),
    ("Film preparation method", "film_deposition"),
    ("Film thickness (nm)", "film_thickness_nm"),
    ("substrate (Film2)", "substrate"),
    ("Substrate details", "substrate_description"),
    ("Substrate pretreatment", "surface_treatment"),
    ("Interfacial properties", "notes"),
    ("Reference (id-R)", "reference_id"),
)
#: Sheet 2 header (columns A..E).
REFERENCE_COLUMNS = ("id-R", "Title", "Authors", "Journal", "DOI")
#: Columns appended from the reference sheet.
REFERENCE_FIELDS = ("reference_title", "reference_authors", "reference_journal", "reference_doi")

#: Corrections of the sheet, by measurement id: column -> value, with the reason (printed into the CSV header).
CORRECTIONS: dict[str, tuple[dict[str, str], str]] = {
    "1024": ({"substrate": "Si"}, "the stack reads Al/Si, the sheet's substrate column Al"),
}

HEADER_COMMENT = """\
# Measured interfacial thermal conductances compiled from the literature (one row per measurement).
# Original compilation: Y.-J. Wu, L. Fang and Y. Xu, "Predicting interfacial thermal resistance by machine
# learning", npj Comput. Mater. 5, 56 (2019); data: "ITR dataset", Zenodo, DOI 10.5281/zenodo.3361417 (its
# licence terms are those of that Zenodo record). Read here from the copy redistributed in the OpenKapitza
# repository (data_files/ITR dataset.xlsx), MIT licence, copyright (c) 2022 Aria Hosseini;
# the licence text is in itr_dataset.LICENSE next to this file. Credit all of them when you use these data.
# Converted by scripts/convert_itr_dataset.py (do not edit by hand; rerun the script).
# Units: conductance_w_m2k in W m^-2 K^-1 (the sheet's MW m^-2 K^-1 times 1e6), temperature_k in K,
# film_thickness_nm in nm. interlayer: 1 if the stack has a layer between film and substrate, else 0.
# reference_id may name several references separated by commas; the reference_* columns then join them with " | ".
"""


def _text(value: object) -> str:
    """One cell as a single-line string (numbers written compactly, blanks as "")."""
    if value is None:
        return ""
    if isinstance(value, float):
        return _number(value)
    return " ".join(str(value).split())


def _number(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _check_header(found: tuple[object, ...], expected: tuple[str, ...], sheet: str) -> None:
    got = tuple(_text(v) for v in found[: len(expected)])
    if got != expected:
        raise SystemExit(f"{sheet}: header {got} differs from the expected {expected}; review the conversion")


def convert(xlsx: Path) -> str:
    """The CSV text for the workbook at ``xlsx``."""
    import openpyxl

    workbook = openpyxl.load_workbook(xlsx, read_only=True, data_only=True)
    measurements, references = workbook.worksheets[:2]
    m_rows = list(measurements.iter_rows(values_only=True))
    r_rows = list(references.iter_rows(values_only=True))
    _check_header(m_rows[0], tuple(name for name, _ in MEASUREMENT_COLUMNS), "sheet 1")
    _check_header(r_rows[0], REFERENCE_COLUMNS, "sheet 2")

    refs: dict[str, tuple[str, str, str, str]] = {}
    for row in r_rows[1:]:
        if all(v is None for v in row):
            continue
        ref_id = _text(row[0])
        doi = _text(row[4])
        for prefix in ("http://dx.doi.org/", "https://dx.doi.org/", "https://doi.org/", "http://doi.org/"):
            if doi.lower().startswith(prefix):
                doi = doi[len(prefix) :]
        refs[ref_id] = (_text(row[1]), _text(row[2]), _text(row[3]), doi)

    out = io.StringIO()
    out.write(HEADER_COMMENT)
    for row_id, (fix, why) in CORRECTIONS.items():
        out.write(f"# Corrected: id {row_id}: {', '.join(f'{k} = {v}' for k, v in fix.items())} ({why}).\n")
    writer = csv.writer(out, lineterminator="\n")
    names = [csv_name for _, csv_name in MEASUREMENT_COLUMNS if csv_name is not None]
    writer.writerow([*names, *REFERENCE_FIELDS])
    for line, row in enumerate(m_rows[1:], start=2):
        if all(v is None for v in row):
            continue
        g_mw, r_gw = row[4], row[5]
        if not isinstance(g_mw, (int, float)) or not g_mw > 0:
            raise SystemExit(f"sheet 1 row {line}: G {g_mw!r} is not a positive number")
        if isinstance(r_gw, (int, float)) and not math.isclose(g_mw * r_gw, 1000.0, rel_tol=1e-3):
            raise SystemExit(f"sheet 1 row {line}: G = {g_mw} MW/m2K and R = {r_gw} m2K/GW disagree")
        cells = []
        for (_, csv_name), value in zip(MEASUREMENT_COLUMNS, row, strict=False):
            if csv_name is None:
                continue
            if csv_name == "conductance_w_m2k":
                # Excel keeps 15 significant digits; so does the conversion (no 1e6 round-off noise).
                cells.append(format(float(g_mw) * 1e6, ".15g"))
            else:
                cells.append(_text(value))
        fix, _ = CORRECTIONS.get(cells[0], ({}, ""))
        for column, value in fix.items():
            cells[names.index(column)] = value
        ref_ids = [r.strip() for r in cells[-1].split(",") if r.strip()]
        missing = [r for r in ref_ids if r not in refs]
        if missing:
            raise SystemExit(f"sheet 1 row {line}: reference id(s) {missing} not in sheet 2")
        joined = [" | ".join(refs[r][k] for r in ref_ids) for k in range(4)]
        writer.writerow([*cells, *joined])
    return out.getvalue()


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        sys.stderr.write(__doc__ or "")
        return 2
    text = convert(Path(argv[0]))
    Path(argv[1]).write_bytes(text.encode("utf-8"))
    rows = text.count("\n") - HEADER_COMMENT.count("\n") - 1
    sys.stdout.write(f"wrote {rows} measurements to {argv[1]}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
