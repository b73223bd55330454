"""Write src/kapitza/materials/data/metals.toml: the elements that are metals, with their electrical resistivity, from
pymatgen's periodic table (``pymatgen-core``: ``Element.is_metal``, the alkali, alkaline-earth, transition,
post-transition, lanthanoid and actinoid elements; ``Element.electrical_resistivity``, from its
``periodic_table.json``; MIT licence), for crystals kapitza derives from a structure: a side made of one such
element is a metal even where kapitza stores no electron data for it.

Run (a development step; kapitza reads only the file it writes):
    python -m venv /tmp/pmg && /tmp/pmg/bin/pip install pymatgen-core
    /tmp/pmg/bin/python scripts/make_metals_table.py   (from the repository root)
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src/kapitza/materials/data/metals.toml"
#: Elements up to lawrencium (Z = 103): beyond it no bulk crystal has been made.
LAST_Z = 103


def main() -> None:
    import warnings

    from pymatgen.core.periodic_table import Element

    warnings.simplefilter("ignore")  # pymatgen warns for each element without a resistivity: absent in the file

    version = importlib.metadata.version("pymatgen-core")
    lines = [
        "# The elements that are metals, for crystals kapitza derives from a structure (a side made of one of",
        "# them is a metal even where electrons.toml stores no electron data for it: a metal/metal pair then needs",
        "# the electronic DMM's data, which it lacks). Written by scripts/make_metals_table.py from pymatgen-core",
        f"# {version} (Element.is_metal: alkali, alkaline-earth, transition, post-transition, lanthanoid and",
        "# actinoid elements; Element.electrical_resistivity, room temperature, ohm m, from its periodic_table.json;",
        "# MIT licence).",
        "# resistivity_ohm_m is absent where pymatgen gives none.",
        "",
        f'pymatgen = "{version}"',
        "",
    ]
    count = 0
    for element in Element:
        if element.Z > LAST_Z or not element.is_metal:
            continue
        lines.append(f"[metals.{element.symbol}]")
        rho = element.electrical_resistivity
        if rho is not None:
            lines.append(f"resistivity_ohm_m = {float(rho):.6g}")
        lines.append("")
        count += 1
    OUT.write_text("\n".join(lines))
    print(f"wrote {OUT.relative_to(ROOT)}: {count} metals")


if __name__ == "__main__":
    main()
