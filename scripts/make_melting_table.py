"""Write src/kapitza/materials/data/melting.toml: melting points at 1 atm of the elements and of the crystal table's
and database's compounds, as tabulated in the ``chemicals`` package (Caleb Bell and contributors, MIT licence;
``chemicals.phase_change.Tm``), for crystals kapitza derives from a structure (no database record of their own).

Run (a development step, not at run time: nothing here is read by kapitza but the file it writes):
    python -m venv /tmp/chem && /tmp/chem/bin/pip install chemicals ase
    /tmp/chem/bin/python scripts/make_melting_table.py   (from the repository root; reads the crystal table and the
    database's formulas from their TOML files directly)

Method: the CRC Handbook's table of inorganic compounds (``CRC_INORG``) only, the source of the database's own
melting points.  The package's other methods were read and not taken: group-contribution estimates (``JOBACK``) are
not measurements, and by formula it resolves some elements to their atoms, not the solid (O: 391.4 K by
COMMON_CHEMISTRY), and silica to 437.65 K.  Compounds are found by formula (``chemicals.identifiers.CAS_from_any``);
a formula it does not resolve, one without a CRC value, or a value outside 1-5000 K (kapitza's bound of a melting
point) is left out, and listed on stderr.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src/kapitza/materials/data/melting.toml"
LOW, HIGH = 1.0, 5000.0
METHOD = "CRC_INORG"


def formulas() -> list[str]:
    from ase.data import chemical_symbols

    names = list(chemical_symbols[1:104])
    crystals = tomllib.loads((ROOT / "src/kapitza/literature/data/crystals.toml").read_text())["crystals"]
    names += [c["formula"] for c in crystals.values() if "formula" in c]
    database = tomllib.loads((ROOT / "src/kapitza/materials/data/materials.toml").read_text())["materials"]
    names += [m["formula"] for m in database.values() if "formula" in m]
    return list(dict.fromkeys(names))


def main() -> None:
    import chemicals
    from chemicals.identifiers import CAS_from_any
    from chemicals.phase_change import Tm, Tm_methods

    lines = [
        "# Melting points at 1 atm, K, of the elements and of the crystal table's and database's compounds, for",
        "# the crystals kapitza derives from a structure (a database material keeps its own record).",
        "# Written by scripts/make_melting_table.py from the chemicals package "
        f"{chemicals.__version__} (Caleb Bell and",
        "# contributors, MIT licence): chemicals.phase_change.Tm by CAS number (chemicals.identifiers.CAS_from_any",
        "# of the formula). CRC_INORG, the only method taken: CRC Handbook of Chemistry and Physics, physical",
        "# constants of inorganic compounds (for some compounds the decomposition point). Keys: the formula as",
        "# written; kapitza matches a crystal by its reduced composition.",
        "",
        f'chemicals = "{chemicals.__version__}"',
        "",
    ]
    skipped = []
    for formula in formulas():
        try:
            cas = CAS_from_any(formula)
            methods = Tm_methods(cas)
        except Exception as exc:  # noqa: BLE001 - the package raises ValueError and others for unknown names
            skipped.append(f"{formula}: {type(exc).__name__}")
            continue
        if METHOD not in methods:
            skipped.append(f"{formula}: no {METHOD} value ({cas})")
            continue
        value = Tm(cas, method=METHOD)
        if value is None or not LOW <= value <= HIGH:
            skipped.append(f"{formula}: {value} K")
            continue
        lines += [f'[melting."{formula}"]', f"kelvin = {value:.6g}", f'cas = "{cas}"', f'method = "{METHOD}"', ""]
    OUT.write_text("\n".join(lines))
    print(f"wrote {OUT.relative_to(ROOT)}: {sum(1 for x in lines if x.startswith('[melting'))} entries")
    print("left out:", "; ".join(skipped), file=sys.stderr)


if __name__ == "__main__":
    main()
