"""Database records of the compounds users build on and the compilation measured (issue 84, item 1): GaAs, GaSb,
InP, MgO, TiN, ZnO, BaF2, beta-Ga2O3, Si3N4, TiO2 (rutile) and Y2O3.

Every input number is in :data:`COMPOUNDS` with the source it was read from (stored public pages read through the
tool library's search on 2026-11-29, or the ``chemicals`` package 1.5.2: the CRC Handbook's solid densities,
``volume.rho_data_CRC_inorg_s_const``, its standard heat capacities, ``heat_capacity.CRC_standard_data``, NIST-JANAF
through ``heat_capacity.Cp_dict_JANAF_solid``, and its melting points, ``phase_change.Tm``).  What this script
computes from them, and says so in each source: the Voigt-Reuss-Hill isotropic speeds of the single-crystal
constants (kapitza.materials.elastic; for beta-Ga2O3's 13 monoclinic constants the same average of the full 6x6
matrix), the isotropic speeds of a polycrystal's Young's and shear moduli, the number density (density over the
mean atomic mass of the formula, IUPAC atomic weights as pymatgen-core holds them), and the volumetric heat
capacity density x c_p.  No Debye temperature is stored: the loader derives the elastic one from the speeds, and
its source says so.

Left out, with the reason (no number from memory): BeO (no elastic constants or sound speeds found in a source
read), amorphous SiNx and HfO2 films (no film density, and only a Young's modulus without a Poisson's ratio), and
thermal conductivities given only as a wide range (MgO 45-60, ZnO 37-147, Si3N4 ceramics 10-162 W m^-1 K^-1) or by
no named sample (Y2O3): those records carry none (a record without one is a side, not a layer whose film
resistance needs it).  TiN is a metallic conductor; kapitza has no electron data for it, so it is a phonon solid
here, and its note says so.

Run: PYTHONPATH=src python scripts/make_compound_records.py      (prints the TOML appended to materials.toml)
"""

from __future__ import annotations

# ruff: noqa: E501  (the sources are quoted whole, one per line)
import sys

import numpy as np

CHEM = "chemicals 1.5.2"
RHO_CRC = (
    f"CRC Handbook, solid inorganic densities, as tabulated in {CHEM} (volume.rho_data_CRC_inorg_s_const, CAS {{}})"
)
CP_CRC = f"CRC Handbook standard thermodynamic properties, Cp of the solid, as tabulated in {CHEM} (heat_capacity.CRC_standard_data, CAS {{}})"  # noqa: E501
CP_JANAF = f"NIST-JANAF (Chase 1998), Cp of the solid at 298.15 K, as tabulated in {CHEM} (heat_capacity.Cp_dict_JANAF_solid, CAS {{}})"  # noqa: E501
TM_CRC = f"CRC Handbook, physical constants of inorganic compounds (melting point), as tabulated in {CHEM} (phase_change.Tm, method CRC_INORG), CAS {{}}"  # noqa: E501
IOFFE = "Ioffe Institute NSM archive (www.ioffe.ru/SVA/NSM/Semicond/{}/thermal.html): 'Thermal conductivity {} W cm-1 C-1' at 300 K"  # noqa: E501

#: name -> the sourced inputs.  density in kg m^-3 (with its source), elastic: ("cubic"|"hexagonal", constants in
#: GPa, source) or ("monoclinic", 13 constants, source) or ("polycrystal", (E, G) in GPa, sample density, source) or
#: ("pure modes", (C11, C44), source); cp: (J mol^-1 K^-1, source template, CAS); kappa: (W m^-1 K^-1, source) or None.
COMPOUNDS: dict[str, dict] = {
    "GaAs": dict(
        aliases=["gallium arsenide"], description="gallium arsenide (zincblende)", structure="zincblende", cas="1303-00-0",
        density=(5316.9, "the ultrasonic study of elastic_constants: 'based on a density of 5.3169 g/cm3' (the " + RHO_CRC.format("1303-00-0") + " gives 5317.6)"),
        elastic=("cubic", {"C11": 118.77, "C12": 53.72, "C44": 59.44}, "'Elastic Moduli of GaAs at Moderate Pressures and the Evaluation of Compression to 250 kbar', ultrasonic, 25 C (abstract at scilit.net/publications/77b88c7bd5870dee967b3528e085d99b): c11 = 1.1877, c12 = 0.5372, c44 = 0.5944 x 10^12 dyn cm^-2"),
        cp=(46.2, CP_CRC, "1303-00-0"), kappa=(55.0, IOFFE.format("GaAs", "0.55")),
    ),
    "GaSb": dict(
        aliases=["gallium antimonide"], description="gallium antimonide (zincblende)", structure="zincblende", cas="12064-03-8",
        density=(5613.7, RHO_CRC.format("12064-03-8")),
        elastic=("cubic", {"C11": 88.3, "C12": 40.2, "C44": 43.2}, "Ioffe NSM archive, GaAs(1-x)Sb(x) mechanical properties (matprop.ru/GaAsSb_mechanic), 300 K: C11 = (11.9 - 3.07x), C12 = (5.34 - 1.32x), C44 = (5.96 - 1.64x) x 10^11 dyn cm^-2 at x = 1"),
        cp=(48.5, CP_CRC, "12064-03-8"), kappa=(32.0, IOFFE.format("GaSb", "0.32")),
    ),
    "InP": dict(
        aliases=["indium phosphide"], description="indium phosphide (zincblende)", structure="zincblende", cas="22398-80-7",
        density=(4810.0, RHO_CRC.format("22398-80-7") + " (matprop.ru/InP_basic: 4.81 g/cm3)"),
        elastic=("cubic", {"C11": 101.1, "C12": 56.1, "C44": 45.6}, "Ioffe NSM archive, GaInAsP mechanical properties (www.ioffe.ru/SVA/NSM/Semicond/GaInAsP/mechanic.html), 300 K, after Adachi (1992): C11 = (10.11 - 0.12y), C12 = (5.61 - 0.68y), C44 = (4.56 + 0.33y) x 10^11 dyn cm^-2 at y = 0 (InP)"),
        cp=(45.4, CP_CRC, "22398-80-7"), kappa=(68.0, IOFFE.format("InP", "0.68")),
    ),
    "MgO": dict(
        aliases=["magnesium oxide", "periclase", "magnesia"], description="magnesium oxide (rocksalt, single crystal)", structure="rocksalt", cas="1309-48-4",
        density=(3600.0, RHO_CRC.format("1309-48-4")),
        elastic=("cubic", {"C11": 296.6, "C12": 95.9, "C44": 156.2}, "Y. Sumino, O. L. Anderson and I. Suzuki, Phys. Chem. Minerals 9, 38 (1983), resonance, 300 K: C11 2.966, C12 0.959, C44 1.562 Mbar (read at link.springer.com/article/10.1007/BF00309468)"),
        cp=(37.2, CP_CRC, "1309-48-4"), kappa=None,
    ),
    "TiN": dict(
        aliases=["titanium nitride"], description="titanium nitride (rocksalt; a metallic conductor, its electrons not described here)", structure="rocksalt", cas="25583-20-4",
        density=(5210.0, RHO_CRC.format("25583-20-4")),
        elastic=("pure modes", (626.0, 156.0), "J. Lee, Y. Ohmori, C.-S. Shin, D. G. Cahill, I. Petrov and J. E. Greene, Phys. Rev. B 71, 144106 (2005), epitaxial TiN(001), picosecond ultrasonics and surface acoustic waves: 'c11 and c44 ... 626 and 156 GPa with x = 1' (abstract read); no C12 was found, so the speeds are the [001] pure modes sqrt(C11/rho) and sqrt(C44/rho), not a Hill average"),
        cp=(37.079, CP_JANAF, "25583-20-4"),
        kappa=(29.0, "Wikipedia 'Titanium nitride' infobox (revision read through a mirror): 29 W/(m K) at 323 K, its reference not shown"),
    ),
    "ZnO": dict(
        aliases=["zinc oxide"], description="zinc oxide (wurtzite, single crystal)", structure="wurtzite", cas="1314-13-2",
        density=(5598.0, RHO_CRC.format("1314-13-2")),
        elastic=("hexagonal", {"C11": 190.0, "C12": 110.0, "C13": 90.0, "C33": 196.0, "C44": 39.0, "C66": 40.0}, "T. Azuhata et al., J. Appl. Phys. 94, 968 (2003), Brillouin scattering, room temperature: c11 19.0, c12 11.0, c13 9.0, c33 19.6, c44 3.9, c66 4.0 x 10^11 dyn cm^-2 (read in a text copy at ru.scribd.com/document/260707142)"),
        cp=(40.3, CP_CRC, "1314-13-2"), kappa=None,
    ),
    "BaF2": dict(
        aliases=["barium fluoride"], description="barium fluoride (fluorite, single crystal)", structure="fluorite", cas="7787-32-8",
        density=(4893.0, RHO_CRC.format("7787-32-8")),
        elastic=("cubic", {"C11": 91.99, "C12": 41.57, "C44": 25.68}, "M. J. Weber, Handbook of Optical Materials, elastic constants of single crystals after the CRC Handbook (82nd ed.), 298 K: 0.9199, 0.4157, 0.2568 x 10^11 N m^-2 (read at text.123docz.net/document/2141999)"),
        cp=(71.2, CP_CRC, "7787-32-8"),
        kappa=(10.9, "Wikipedia 'Barium fluoride' infobox (read at wikizero.com/www/Barium_fluoride): 10.9 W/(m K), sample not stated"),
    ),
    "beta-Ga2O3": dict(
        aliases=["\u03b2-Ga2O3", "Ga2O3", "gallium oxide"], description="beta gallium oxide (monoclinic, single crystal)", structure="monoclinic (C2/m)", cas="12024-21-4",
        density=(5940.0, "Merck Index, gallium oxide (read at data.cas-msds.com/Gallium%20Oxide.html): 'b-Ga2O3 is the only stable form ... d 5.94'"),
        elastic=("monoclinic", {"C11": 242.8, "C22": 343.8, "C33": 347.4, "C44": 47.8, "C55": 88.6, "C66": 104.0, "C12": 128.0, "C13": 160.0, "C23": 70.9, "C15": -1.62, "C25": 0.36, "C35": 0.97, "C46": 5.59}, "'Unusual elasticity of monoclinic beta-Ga2O3', J. Appl. Phys. 124, 085102 (2018), resonant ultrasound spectroscopy, room temperature (13 constants, GPa; read at preview.concepedia.online/publication/W2888233857)"),
        cp=(92.1, CP_CRC, "12024-21-4"),
        kappa=(27.0, "Z. Guo et al., Appl. Phys. Lett. 106, 111909 (2015) (arXiv 1412.7472), TDTR on single crystals, room temperature: 27.0 +- 2.0 W/(m K) along [010], 10.9 along [100] (abstract read)"),
        melting=(1998.0, "Merck Index (read at data.cas-msds.com/Gallium%20Oxide.html): 'mp 1725 +- 15 C' (chemicals' CRC_INORG gives 2080 K)"),
    ),
    "Si3N4": dict(
        aliases=["silicon nitride", "beta-Si3N4"], description="beta silicon nitride (hexagonal, single-crystal constants)", structure="hexagonal (beta, P6_3/m)", cas="12033-89-5",
        density=(3170.0, RHO_CRC.format("12033-89-5")),
        elastic=("hexagonal", {"C11": 439.0, "C12": 166.0, "C13": 142.0, "C33": 494.0, "C44": 106.0}, "K. Tanaka, K. Suzuki, Y. Sakaida, H. Kimachi and Y. Akiniwa, Mater. Sci. Res. Int. 6, 249 (2000), beta-Si3N4, as quoted by Rigaku (www.rigaku.co.jp/app/kroner/kroner_h.html): c11 439, c12 166, c13 142, c33 494, c44 106 GPa"),
        cp=(99.533, CP_JANAF, "12033-89-5"), kappa=None,
    ),
    "TiO2": dict(
        aliases=["rutile", "titanium dioxide", "titania"], description="titanium dioxide, rutile (polycrystal)", structure="rutile", cas="1317-80-2",
        density=(4170.0, RHO_CRC.format("1317-80-2") + " (rutile)"),
        elastic=("polycrystal", (272.0, 112.0), 4116.0, "NIST SRD 30 (R. G. Munro, Elastic Moduli Data for Polycrystalline Ceramics, NISTIR 6853, 2002; srdata.nist.gov/CeramicDataPortal/Elasticity/TiO2): sonic resonance at 23 C on a 4.116 g/cm3 ceramic, E = 272 GPa, G = 112 GPa"),
        cp=(55.0, CP_CRC, "1317-80-2"), kappa=None,
    ),
    "graphite": dict(
        aliases=["HOPG"], description="graphite, its cross-plane (c-axis) long waves as a Debye solid", structure="graphite (hexagonal, AB)", cas="7782-42-5",
        density=(2260.0, "the X-ray density of P. Trucano and R. Chen's cell, Nature 258, 136 (1975), a = 2.464 A, c = 6.711 A (AIST structure page staff.aist.go.jp/nomura-k/common/struc-coord/C(Graphite)-c.htm: 'Calculated density 2.26')"),
        elastic=("c axis", (38.7, 4.95), "A. Bosak, M. Krisch, M. Mohr, J. Maultzsch and C. Thomsen, Phys. Rev. B 75, 153408 (2007), inelastic x-ray scattering, room temperature: C33 = 38.7 GPa, C44 = 4.95 GPa (C11 = 1109, C12 = 139, C13 = 0; abstract read)"),
        cp=(8.5, CP_CRC, "7782-42-5"), kappa=None, melting=None,
    ),
    "Y2O3": dict(
        aliases=["yttria", "yttrium oxide"], description="yttrium oxide (cubic bixbyite, single-crystal constants)", structure="bixbyite", cas="1314-36-9",
        density=(5030.0, RHO_CRC.format("1314-36-9")),
        elastic=("cubic", {"C11": 223.7, "C12": 112.4, "C44": 74.6}, "J. W. Palko, W. M. Kriven, S. V. Sinogeikin, J. D. Bass and A. Sayir, J. Appl. Phys. 89, 7791 (2001), Brillouin scattering, room temperature: C11 = 223.7, C44 = 74.6, C12 = 112.4 GPa (abstract read at experts.illinois.edu)"),
        cp=(102.5, CP_CRC, "1314-36-9"), kappa=None,
    ),
}  # fmt: skip

#: Graphite's note: what the record is, and where its Debye picture is wrong.
GRAPHITE = (
    " Heat crossing into the basal plane meets the c-axis long waves; the record holds them as a Debye solid (the"
    " picture a DMM with c-axis speeds takes), kept by the held-out score of scripts/layered_study.py. Its heat"
    " capacity is the crystal's measured one, far below the Debye value of these speeds (the stiff in-plane modes"
    " are frozen at 300 K): the Debye picture holds for the cross-plane long waves only. Graphene, MoS2, MoSe2 and"
    " Ti3C2 have no record (kapitza.materials.name_faults.NOT_HELD says why)."
)

#: The formula each record names (the lookup's element counts); beta-Ga2O3's is Ga2O3.
FORMULA = {"beta-Ga2O3": "Ga2O3", "graphite": "C"}
HILL = "Voigt-Reuss-Hill average of elastic_constants (Hill, Proc. Phys. Soc. A 65, 349 (1952))"


def _monoclinic(c: dict[str, float]) -> np.ndarray:
    """The 6x6 Voigt matrix (Pa) of the 13 constants of a monoclinic crystal (unique axis b: C15, C25, C35, C46)."""
    m = np.zeros((6, 6))
    for key, value in c.items():
        i, j = int(key[1]) - 1, int(key[2]) - 1
        m[i, j] = m[j, i] = value * 1e9
    return m


def speeds(name: str) -> tuple[float, float, str, str]:
    """(v_L, v_T, sound_speed_average, the speeds' source) of one record."""
    from kapitza.materials.elastic import hill_sound_speeds, sound_speeds, voigt_matrix

    entry = COMPOUNDS[name]
    rho = entry["density"][0]
    kind, values, *rest = entry["elastic"]
    if kind in ("cubic", "hexagonal"):
        v_l, v_t = hill_sound_speeds(voigt_matrix({k: v * 1e9 for k, v in values.items()}, kind), rho)
        return v_l, v_t, "Voigt-Reuss-Hill average of single-crystal elastic constants", HILL
    if kind == "monoclinic":
        v_l, v_t = hill_sound_speeds(_monoclinic(values), rho)
        return v_l, v_t, "Voigt-Reuss-Hill average of the 13 monoclinic single-crystal constants (in notes)", (
            "Voigt-Reuss-Hill average of the full 6x6 monoclinic matrix (kapitza.materials.elastic.hill_sound_speeds; "
            f"the constants: {rest[0]})")  # fmt: skip
    if kind == "polycrystal":
        (young, shear), sample_rho, _ = values, rest[0], rest[1]
        bulk = young * shear / (3 * (3 * shear - young))
        v_l, v_t = sound_speeds(bulk * 1e9, shear * 1e9, sample_rho)
        return v_l, v_t, "isotropic speeds of a dense polycrystal's Young's and shear moduli", (
            f"isotropic speed of E = {young:g} GPa and G = {shear:g} GPa on the {sample_rho:g} kg m^-3 sample "
            f"(K = E G / (3 (3G - E)) = {bulk:.4g} GPa): {rest[1]}")  # fmt: skip
    if kind == "c axis":
        c33, c44 = values
        return (float(np.sqrt(c33 * 1e9 / rho)), float(np.sqrt(c44 * 1e9 / rho)),
                "c-axis pure-mode speeds sqrt(C33 / rho), sqrt(C44 / rho): the cross-plane long waves",
                f"sqrt(C33 / rho) and sqrt(C44 / rho), the waves along the c axis: {rest[0]}")  # fmt: skip
    c11, c44 = values
    return (float(np.sqrt(c11 * 1e9 / rho)), float(np.sqrt(c44 * 1e9 / rho)), "[001] pure-mode speeds (C12 not found)",
            f"sqrt(C11 / rho) and sqrt(C44 / rho): {rest[0]}")  # fmt: skip


def _num(x: float, digits: int = 4) -> str:
    return repr(float(f"{x:.{digits}g}"))


def record(name: str) -> str:
    """The TOML of one record."""
    from chemicals.phase_change import Tm
    from pymatgen.core import Composition

    entry = COMPOUNDS[name]
    formula = FORMULA.get(name, name)
    comp = Composition(formula)
    mean_mass = float(comp.weight) / comp.num_atoms
    rho, rho_source = entry["density"]
    v_l, v_t, average, speed_source = speeds(name)
    molar_cp, cp_template, cas = entry["cp"]
    c_p = molar_cp / float(comp.weight)  # J g^-1 K^-1
    product = float(_num(rho * c_p * 1e3))
    melting = entry["melting"] if "melting" in entry else (float(Tm(cas, method="CRC_INORG")), TM_CRC.format(cas))
    key = f'"{name}"' if "-" in name else name
    lines = [
        f"[materials.{key}]",
        "aliases = [" + ", ".join(f'"{a}"' for a in entry["aliases"]) + "]",
        f'formula = "{formula}"',
        f'description = "{entry["description"]}"',
        f'structure = "{entry["structure"]}"',
        f"density = {rho!r}",
        f"v_l = {_num(v_l)}",
        f"v_t = {_num(v_t)}",
        f"number_density = {_num(rho / (mean_mass * 1.66053906660e-27))}",
        f"mean_atomic_mass_amu = {_num(mean_mass, 6)}",
    ]
    if entry["kappa"]:
        lines.append(f"thermal_conductivity = {entry['kappa'][0]!r}")
    lines += [
        f"heat_capacity = {product!r}",
        f'sound_speed_average = "{average}"',
        'notes = "Made by scripts/make_compound_records.py from the sources below (issue 84).'
        + ("" if entry["kappa"] else " No thermal conductivity: no single sourced value was found (see the script).")
        + (
            " A metallic conductor: kapitza has no electron data for it, so its electrons carry nothing here."
            if name == "TiN"
            else ""
        )  # noqa: E501
        + (GRAPHITE if name == "graphite" else "")
        + '"',
    ]
    if melting:
        lines.append(f"melting_temperature = {melting[0]:g}          # K")
    kind, values, *_ = entry["elastic"]
    if kind in ("cubic", "hexagonal"):
        lines += ["", f"[materials.{key}.elastic_constants_gpa]", f'symmetry = "{kind}"',
                  *(f"{k} = {float(v)!r}" for k, v in values.items() if not (kind == "hexagonal" and k == "C66"))]  # fmt: skip
    lines += ["", f"[materials.{key}.sources]", f'density = "{rho_source}"']
    if kind in ("cubic", "hexagonal"):
        lines.append(f'elastic_constants = "{entry["elastic"][2]}"')
    lines += [
        f'v_l = "{speed_source}"',
        f'v_t = "{speed_source}"',
        'number_density = "density / mean_atomic_mass"',
        f'mean_atomic_mass = "IUPAC standard atomic weights as pymatgen-core holds them, mean over the {comp.num_atoms:g} atoms of {formula}"',  # noqa: E501
    ]
    if entry["kappa"]:
        lines.append(f'thermal_conductivity = "{entry["kappa"][1]}"')
    lines += [
        f'heat_capacity = "density * c_p with c_p = {c_p:.4g} J g^-1 K^-1 ({molar_cp:g} J mol^-1 K^-1 / '
        f"{float(comp.weight):.4f} g mol^-1) at 298.15 K ({cp_template.format(cas)}): {rho:g} kg m^-3 x {1e3 * c_p:.4g} "
        f'J kg^-1 K^-1 = {product:.4g} J m^-3 K^-1"',
    ]
    if melting:
        lines.append(f'melting_temperature = "{melting[1]}"')
    return "\n".join(lines) + "\n"


def main() -> int:
    print("\n".join(record(name) for name in COMPOUNDS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
