"""Database records of elemental metals from pymatgen-core's element data (issue 84, item 1): the metals users build
transducers and adhesion layers from and the compilation measured, which the database lacked.

Every number from a named source: pymatgen-core's ``periodic_table.json`` (its ``Element`` properties; MIT licence;
the version is written into each source) for the density of the solid, Young's modulus, Poisson's ratio, the atomic
mass and the thermal conductivity near room temperature; the lattice constant from ASE's reference states of the
elements; the melting point from ``melting.toml`` and the heat capacity of the solid at 298.15 K from the CRC
Handbook's standard thermodynamic properties, both as the ``chemicals`` package tabulates them (``pip install
chemicals``: a tool of this script, not of kapitza).  The sound speeds are the isotropic (polycrystal) ones of that
Young's modulus and Poisson's ratio,

    v_T = sqrt(E / (2 rho (1 + nu))),   v_L = sqrt(E (1 - nu) / (rho (1 + nu) (1 - 2 nu))),

(e.g. Landau & Lifshitz, *Theory of Elasticity*, section 22), the number density rho / m, and the Debye temperature
the elastic one the loader derives from them (no calorimetric value is stored: the source says so).  No electron
data: no package kapitza reads holds Sommerfeld coefficients, Fermi velocities or electron-phonon couplings, and they
are not written from memory (a metal/metal pair with one of these metals is refused by the routes that need them).

Run: PYTHONPATH=src python scripts/make_element_records.py [--check]

Without ``--check`` it prints the TOML of :data:`ELEMENTS` (appended by hand to ``materials.toml`` under its
"elemental metals from pymatgen" heading); with ``--check`` it compares the same rule with the database's own
records of the metals that have both (single-crystal Voigt-Reuss-Hill averages from the CRC Handbook) and prints
the differences of v_L, v_T and of the elastic Debye temperature: the error of a record made this way.
"""

from __future__ import annotations

import argparse
import math
import sys
import tomllib
from importlib import resources

#: The metals added, with their usual crystal at room temperature (the records are polycrystal averages) and the
#: alias each answers to (Sn's is "white tin": the database's lookup ignores case, and "tin" is "TiN").
ELEMENTS = {
    "W": ("tungsten", "bcc"), "Ni": ("nickel", "fcc"), "Mo": ("molybdenum", "bcc"), "Pd": ("palladium", "fcc"),
    "Nb": ("niobium", "bcc"), "Ta": ("tantalum", "bcc"), "Co": ("cobalt", "hcp"), "Ru": ("ruthenium", "hcp"),
    "Ir": ("iridium", "fcc"), "Sn": ("white tin", "body-centred tetragonal (white, beta)"), "Mg": ("magnesium", "hcp"),
    "Zr": ("zirconium", "hcp"),
}  # fmt: skip
#: The database's metals with single-crystal records, for ``--check``.
CHECKED = ("Al", "Ag", "Au", "Cu", "Pt", "Cr", "Ti", "Pb")


def isotropic_speeds(young_pa: float, poisson: float, density: float) -> tuple[float, float]:
    """(v_L, v_T) in m/s of an isotropic solid of Young's modulus (Pa), Poisson's ratio and density (kg m^-3)."""
    v_t = math.sqrt(young_pa / (2 * density * (1 + poisson)))
    v_l = math.sqrt(young_pa * (1 - poisson) / (density * (1 + poisson) * (1 - 2 * poisson)))
    return v_l, v_t


def crystal_table_constants(symbol: str) -> tuple[str, dict[str, float], str] | None:
    """(symmetry, Voigt constants in GPa, source) of ``symbol`` in kapitza's crystal table
    (``literature/data/crystals.toml``: Every & McCurdy, Landolt-Boernstein III/29a, a secondary transcription its
    header names), or None where it holds none."""
    text = resources.files("kapitza.literature").joinpath("data", "crystals.toml").read_text(encoding="utf-8")
    entry = tomllib.loads(text)["crystals"].get(symbol, {})
    if "elastic_constants_gpa" not in entry:
        return None
    return entry["elastic_symmetry"], dict(entry["elastic_constants_gpa"]), entry["elastic_source"]


def hill_speeds(symbol: str, density: float) -> tuple[float, float] | None:
    """Voigt-Reuss-Hill (v_L, v_T) in m/s of the crystal table's single-crystal constants of ``symbol``."""
    from kapitza.materials.elastic import hill_sound_speeds, voigt_matrix

    found = crystal_table_constants(symbol)
    if found is None:
        return None
    symmetry, constants, _ = found
    return hill_sound_speeds(voigt_matrix({k: v * 1e9 for k, v in constants.items()}, symmetry), density)


def element_numbers(symbol: str) -> dict[str, float]:
    """pymatgen-core's numbers of ``symbol`` (SI) and the speeds and number density made from them."""
    from pymatgen.core import Element

    e = Element(symbol)
    density = float(e.density_of_solid)
    young, poisson = float(e.youngs_modulus) * 1e9, float(e.poissons_ratio)
    mass = float(e.atomic_mass)
    v_l, v_t = hill_speeds(symbol, density) or isotropic_speeds(young, poisson, density)
    return {"density": density, "young_gpa": young / 1e9, "poisson": poisson, "mass": mass, "v_l": v_l, "v_t": v_t,
            "number_density": density / (mass * 1.66053906660e-27), "kappa": float(e.thermal_conductivity)}  # fmt: skip


def _heat_capacity(symbol: str) -> tuple[float, str]:
    """(c_p in J g^-1 K^-1 at 298.15 K, the chemicals version) of the solid: the CRC Handbook's standard molar Cp
    as ``chemicals.heat_capacity.CRC_standard_data`` holds it, over the atomic mass."""
    import chemicals
    from chemicals.heat_capacity import CRC_standard_data
    from chemicals.identifiers import CAS_from_any

    molar = float(CRC_standard_data.loc[CAS_from_any(symbol), "Cps"])
    return molar / element_numbers(symbol)["mass"], chemicals.__version__


def _lattice(symbol: str) -> tuple[float, str]:
    """(a in m, its source) from ASE's reference states of the elements (``ase.data.reference_states``: the cubic
    a, or the hexagonal or tetragonal a)."""
    import ase
    from ase.data import atomic_numbers, reference_states

    state = reference_states[atomic_numbers[symbol]]
    return float(state["a"]) * 1e-10, (f"ASE {ase.__version__}, ase.data.reference_states of {symbol} "
                                       f"({state['symmetry']}, a = {state['a']} A)")  # fmt: skip


def _melting(symbol: str) -> tuple[float, str] | None:
    text = resources.files("kapitza.materials").joinpath("data", "melting.toml").read_text(encoding="utf-8")
    found = tomllib.loads(text).get("melting", {}).get(symbol)
    return None if found is None else (float(found["kelvin"]), str(found["cas"]))


def _num(x: float, digits: int = 4) -> str:
    """``x`` rounded to ``digits`` significant figures, written as a TOML float."""
    return repr(float(f"{x:.{digits}g}"))


def record(symbol: str, version: str) -> str:
    """The TOML of one record."""
    name, structure = ELEMENTS[symbol]
    n = element_numbers(symbol)
    src = f"pymatgen-core {version}, Element('{symbol}')"
    single = crystal_table_constants(symbol)
    c_p, chem = _heat_capacity(symbol)
    c_p = float(f"{c_p:.4g}")  # as its source states it: the stored product is the stated one
    product = float(_num(n["density"] * c_p * 1e3))
    a, lattice = _lattice(symbol)
    lines = [
        f"[materials.{symbol}]",
        f'aliases = ["{name}"]',
        f'formula = "{symbol}"',
        f'description = "{name}"' if single else f'description = "{name} (polycrystal)"',
        f'structure = "{structure}"',
        f"density = {n['density']:.1f}",
        f"v_l = {_num(n['v_l'])}",
        f"v_t = {_num(n['v_t'])}",
        f"number_density = {_num(n['number_density'])}",
        f"mean_atomic_mass_amu = {_num(n['mass'], 6)}",
        f"thermal_conductivity = {_num(n['kappa'])}",
        f"heat_capacity = {product!r}",
        f"lattice_constant = {_num(a)}",
        f'sound_speed_average = "{AVERAGE if single else POLYCRYSTAL}"',
        f'notes = "Made by scripts/make_element_records.py from pymatgen-core {version}'
        + (
            " and the crystal table's single-crystal constants"
            if single
            else ": a polycrystal record, no single-crystal elastic constants"
        )
        + "; its electrons: Kittel's Sommerfeld coefficient (electrons.toml), a Fermi velocity for Mg and Sn only"
        + ' (none for the transition metals was found in a source read)."',
    ]
    melting = _melting(symbol)
    if melting:
        lines.append(f"melting_temperature = {melting[0]:g}          # K")
    if single:
        symmetry, constants, _ = single
        lines += ["", f"[materials.{symbol}.elastic_constants_gpa]", f'symmetry = "{symmetry}"',
                  *(f"{k} = {float(v)!r}" for k, v in constants.items())]  # fmt: skip
    lines += [
        "",
        f"[materials.{symbol}.sources]",
        f'density = "{src}.density_of_solid ({n["density"]:g} kg m^-3)"',
        *(_speed_sources(single, src, n)),
        'number_density = "density / mean_atomic_mass"',
        f'lattice_constant = "{lattice}"',
        f'mean_atomic_mass = "{src}.atomic_mass ({n["mass"]:g} u)"',
        f'thermal_conductivity = "{src}.thermal_conductivity ({n["kappa"]:g} W m^-1 K^-1, near room temperature)"',
        f'heat_capacity = "density * c_p with c_p = {c_p:.4g} J g^-1 K^-1 at 298.15 K (CRC Handbook, standard '
        f"thermodynamic properties, Cp of the solid, as tabulated in the chemicals package {chem}, "
        f"heat_capacity.CRC_standard_data, over the atomic mass): {n['density']:g} kg m^-3 x {1e3 * c_p:.4g} J kg^-1 "
        f'K^-1 = {product:.4g} J m^-3 K^-1"',
    ]
    if melting:
        lines.append(
            'melting_temperature = "CRC Handbook of Chemistry and Physics, physical constants of inorganic compounds '
            "(melting point), as tabulated in the chemicals package 1.5.2 (CalebBell/chemicals, phase_change.Tm, "
            f'method CRC_INORG), CAS {melting[1]}"'
        )
    return "\n".join(lines) + "\n"


#: The database's words for the two kinds of record.
AVERAGE = "Voigt-Reuss-Hill average of single-crystal elastic constants"
POLYCRYSTAL = "isotropic (polycrystal) speeds of the measured Young's modulus and Poisson's ratio"


def _speed_sources(single: tuple[str, dict[str, float], str] | None, src: str, n: dict[str, float]) -> list[str]:
    if single:
        hill = "Voigt-Reuss-Hill average of elastic_constants (Hill, Proc. Phys. Soc. A 65, 349 (1952))"
        return [f'elastic_constants = "kapitza\'s crystal table (literature/data/crystals.toml): {single[2]}"',
                f'v_l = "{hill}"', f'v_t = "{hill}"']  # fmt: skip
    words = f"isotropic speed of {src}.youngs_modulus ({n['young_gpa']:g} GPa) and .poissons_ratio ({n['poisson']:g})"
    return [f'v_l = "{words} with the density: v_L = sqrt(E (1 - nu) / (rho (1 + nu) (1 - 2 nu)))"',
            f'v_t = "{words} with the density: v_T = sqrt(E / (2 rho (1 + nu)))"']  # fmt: skip


def check() -> list[tuple[str, float, float, float]]:
    """Per metal of :data:`CHECKED`: the relative differences (this rule - database) of v_L, v_T and of the elastic
    Debye temperature, against the database's single-crystal (Voigt-Reuss-Hill) record."""
    from kapitza.materials import get_material
    from kapitza.materials.debye_temperature import debye_temperature_from_speeds

    out = []
    for symbol in CHECKED:
        m = get_material(symbol)
        n = element_numbers(symbol)
        n["v_l"], n["v_t"] = isotropic_speeds(n["young_gpa"] * 1e9, n["poisson"], n["density"])
        theta = debye_temperature_from_speeds(n["v_l"], n["v_t"], n["number_density"])
        theta_db = debye_temperature_from_speeds(m.v_l, m.v_t, m.number_density)
        out.append((symbol, n["v_l"] / m.v_l - 1, n["v_t"] / m.v_t - 1, theta / theta_db - 1))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    from pymatgen.core import __version__ as version

    if args.check:
        rows = check()
        print("metal  v_L  v_T  elastic Debye temperature  (this rule / the database's single-crystal record - 1)")
        for symbol, dl, dt, dtheta in rows:
            print(f"{symbol:5s} {100 * dl:+6.1f} % {100 * dt:+6.1f} % {100 * dtheta:+6.1f} %")
        med = sorted(abs(r[2]) for r in rows)[len(rows) // 2]
        print(f"median |v_T difference| {100 * med:.1f} %")
        return 0
    print("\n".join(record(s, version) for s in ELEMENTS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
