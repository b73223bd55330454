"""The reviewed table that maps the compilation's material names onto the kapitza database.

The measured-conductance compilation (see :mod:`kapitza.literature`) names materials its
own way (``C`` for diamond, ``a-SiO2``, ``SiC`` without a polytype).  ``NAMES`` says, for
every name that occurs as a film or substrate in the shipped CSV, which database material
(a :func:`kapitza.materials.get_material` name) it is, or why it cannot be mapped.  A name
missing from the table is not mapped (reason: "not reviewed").  Each non-obvious entry has
a comment; change an entry only after reading the rows it affects.
"""

from __future__ import annotations

#: Sheet name -> database name, for the names that map.
NAMES: dict[str, str] = {
    # Elements and compounds whose database entry is the same crystal under the same name.
    "Ag": "Ag",
    "Al": "Al",
    "AlN": "AlN",  # wurtzite; the rows' descriptions say "polycrystalline AlN" for 5 of 31, still AlN
    "Au": "Au",
    "Bi": "Bi",
    "Cr": "Cr",
    "Cu": "Cu",
    "Ge": "Ge",
    "GaN": "GaN",  # wurtzite; the substrates are GaN/sapphire templates, the interface is with GaN
    "Pb": "Pb",
    "Pt": "Pt",
    "Si": "Si",
    "Ti": "Ti",  # alpha Ti (hcp), the stable phase at and below room temperature
    # The sheet's C substrates are diamond (their descriptions: "Diamond", "CVD diamond", "H-terminated").
    "C": "C",
    # The sheet's Al2O3 substrates are described as sapphire (c-cut, (0001), (1120)) where described.
    "Al2O3": "Al2O3",
    # Amorphous silica; the database's SiO2 is fused (vitreous) silica.
    "a-SiO2": "SiO2",
    # A typo in the sheet (its description says "Si").
    "SI": "Si",
    # Elemental metals with polycrystal records from pymatgen's element data (issue 84; materials.toml says how).
    "W": "W",
    "Ni": "Ni",
    "Mo": "Mo",
    "Pd": "Pd",
    "Nb": "Nb",
    "Ta": "Ta",
    "Ir": "Ir",
    "Mg": "Mg",
    "Zr": "Zr",
    "Sn": "Sn",  # white (beta) tin, the stable phase at room temperature
    # Compounds with records from sourced tables (issue 84; scripts/make_compound_records.py says from where).
    "GaAs": "GaAs",
    "GaAS": "GaAs",  # the sheet's spelling
    "GaSb": "GaSb",
    "MgO": "MgO",  # the TiN/MgO(001) and (111) substrates
    "TiN": "TiN",  # epitaxial TiN; a metallic conductor whose electrons kapitza does not describe
    "BaF2": "BaF2",
    "TiO2": "TiO2",  # the rows do not name the polymorph; the record is rutile (polycrystal moduli)
    "Y2O3": "Y2O3",
    "β-Ga2O3": "beta-Ga2O3",
    # HOPG: its cross-plane long waves as a Debye solid, kept by the held-out score (scripts/layered_study.py).
    "g-C": "graphite",
    "graphite": "graphite",
}

#: Sheet name -> why it is not mapped onto the database.
UNMAPPED: dict[str, str] = {
    "SiO2": "crystalline quartz (the rows' description); the database's SiO2 is fused silica",
    "SiC": "polytype not given (the database has 4H-SiC only); rows whose description says 4H-SiC are mapped",
    "AlOx": "amorphous, non-stoichiometric aluminium oxide; the database's Al2O3 is crystalline sapphire",
    "gp-C": "graphene: single or few-layer sheets, no record (kapitza.materials.name_faults.NOT_HELD says why)",
    "MoS2": "single or few-layer sheets, no record (kapitza.materials.name_faults.NOT_HELD says why)",
    "MoSe2": "single-layer sheets, no record (kapitza.materials.name_faults.NOT_HELD says why)",
    "Ti3C2": "Ti3C2Tx MXene sheets, no record (kapitza.materials.name_faults.NOT_HELD says why)",
    "AuxCu1-x": "alloy of unstated composition",
    "AuxPd1-x": "alloy of unstated composition",
    "CoPt": "alloy",
    "a-Zr47Cu31Al13Ni9": "metallic glass (alloy)",
    "c-Zr47Cu31Al13Ni9": "crystalline alloy",
    "": "no material named (the rows' other side is liquid water)",
}

#: Names mapped only when the row's description names the polytype: name -> ((text in description, database name),).
BY_DESCRIPTION: dict[str, tuple[tuple[str, str], ...]] = {
    "SiC": (("4H-SiC", "4H-SiC"),),
}


def database_name(name: str, description: str = "") -> str | None:
    """The database name for a sheet material name, or None where it cannot be mapped.

    Parameters
    ----------
    name : str
        The film or substrate name as the compilation writes it (e.g. ``"a-SiO2"``).
    description : str
        The row's description of that material (the substrate description); used only
        for names whose polytype the description settles (``SiC`` with ``4H-SiC``).
    """
    if name in NAMES:
        return NAMES[name]
    for text, target in BY_DESCRIPTION.get(name, ()):
        if text.lower() in description.lower():
            return target
    return None


def unmapped_reason(name: str) -> str:
    """Why ``name`` is not mapped (for names that :func:`database_name` returns None for)."""
    if name in UNMAPPED:
        return UNMAPPED[name]
    return "not in the kapitza database"
