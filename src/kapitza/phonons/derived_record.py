"""The material record of a crystal derived from its phonons (:func:`derived_material`): density, sound speeds,
Debye temperature and heat capacity from the force constants, and what a record keeps beyond them (the database's
conductivity, melting point and electrons, or the notes that say there are none: :func:`record_beyond_phonons`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..atomistic.side import reduced_formula
from ..materials import Material
from ..materials.debye_speeds import debye_temperature_from_speeds
from ..materials.melting import melting_point, reduced_composition
from ..units import AMU, ANGSTROM, HBAR, KB
from .harmonic import HarmonicCrystal
from .stability import gamma_mesh

__all__ = [
    "HEAT_CAPACITY_MESH",
    "METAL_WITHOUT_ELECTRONS",
    "NO_ELECTRONS",
    "RECORD_TEMPERATURE",
    "database_match",
    "derived_material",
    "heat_capacity",
    "record_beyond_phonons",
    "sound_speeds",
]

#: Gamma-centred mesh of the heat capacity sum (per primitive reciprocal vector).  Si (SW): C_v(300 K) changes by
#: less than 1e-4 from 12^3 to 24^3 (a smooth integrand).
HEAT_CAPACITY_MESH = 16
#: Temperature of the derived heat capacity, K (the database's values hold near 300 K).
RECORD_TEMPERATURE = 300.0
#: The note of a derived record of a crystal kapitza has no electron data for (a metal among them or not).
NO_ELECTRONS = "phonon conductance only: no electron data"
#: Added for a metallic element (:func:`kapitza.materials.electrons.metallic_elements`): how its pairs are treated.
METAL_WITHOUT_ELECTRONS = (
    "{element} is a metal (pymatgen's classification of the element): with a non-metal the phonon models only, "
    "with another metal no prediction (the electronic DMM needs its Fermi velocity and Sommerfeld coefficient)"
)


def sound_speeds(crystal: HarmonicCrystal) -> tuple[float, float]:
    r"""Isotropic (v_l, v_t) in m/s from the long-wavelength density of states of the three acoustic bands.

    The continuum limit of :mod:`kapitza.phonons.modes` gives each acoustic band's density of states
    :math:`D_b\omega^2`, averaged over all directions (it does not depend on an interface normal); an isotropic
    branch of speed v has :math:`D = 1/(2\pi^2 v^3)`, so :math:`v_b = (2\pi^2 D_b)^{-1/3}` is its Debye-equivalent
    speed.  v_l is the highest acoustic band's; v_t averages the two others as the Debye model counts them,
    :math:`2/v_t^3 = 1/v_{TA1}^3 + 1/v_{TA2}^3`, so that :math:`3/v_D^3 = 1/v_l^3 + 2/v_t^3` holds with the
    crystal's own low-temperature density of states.
    """
    from .full_dispersion import continuum_limit

    limit = continuum_limit(crystal, (0.0, 0.0, 1.0))
    v = (2.0 * np.pi**2 * np.asarray(limit.dos, dtype=float)) ** (-1.0 / 3.0)
    v_l = float(v[2])
    v_t = float((2.0 / (v[0] ** -3 + v[1] ** -3)) ** (1.0 / 3.0))
    return v_l, v_t


def heat_capacity(crystal: HarmonicCrystal, temperature: float, mesh: int = HEAT_CAPACITY_MESH) -> float:
    r"""Harmonic heat capacity at constant volume, J m^-3 K^-1, from the phonon frequencies on a mesh.

    :math:`C_v = \frac{k_B}{N_q V}\sum_{q,b} \frac{x^2 e^x}{(e^x-1)^2}`, :math:`x = \hbar\omega_{qb}/k_BT`, on a
    Gamma-centred mesh (the three zero modes at Gamma count k_B each, their classical limit).  C_v, not c_p: the
    harmonic crystal does not expand (c_p - c_v of a solid near 300 K is a few per cent).
    """
    q = gamma_mesh(mesh)
    omega = np.clip(crystal.frequencies(q), 0.0, None)
    x = HBAR * omega / (KB * float(temperature))
    small = x < 1e-6
    xs = np.where(small, 1.0, x)
    term = np.where(small, 1.0 - x**2 / 12.0, xs**2 * np.exp(-xs) / (-np.expm1(-xs)) ** 2)
    return float(KB * term.sum() / (len(q) * crystal.volume))


def derived_material(
    crystal: HarmonicCrystal,
    derivation: str,
    database: Material | None = None,
    *,
    conventional: Any = None,
    formula: str | None = None,
) -> Material:
    """The material record of ``crystal`` with every field phonons give derived from them.

    Derived (each with the source ``"derived from <derivation>: <how>"``): density and number density (the
    relaxed primitive cell and its masses), mean atomic mass, lattice constant (the conventional a), v_l and v_t
    (:func:`sound_speeds`), the elastic Debye temperature from them (the database's definition for materials
    without a calorimetric value, :func:`~kapitza.materials.debye_temperature.debye_temperature_from_speeds`),
    and the harmonic C_v at 300 K (:func:`heat_capacity`; C_v, not the database's c_p).  What phonons do not
    give -- the thermal conductivity, the melting point -- and the electron data (looked up by name) stay the
    database's where the crystal is a database material (named as one, or a structure of its formula); otherwise
    they are left out and the notes say :data:`NO_ELECTRONS` (a metal's electrons would add a series resistance
    kapitza cannot compute without their data), and :data:`METAL_WITHOUT_ELECTRONS` where the crystal is one
    metallic element (it then counts as a metal, :func:`kapitza.prediction.interface.is_metal`).

    Parameters
    ----------
    crystal : HarmonicCrystal
    derivation : str
        "<calculator> phonons of <structure>", written into every derived source.
    database : Material, optional
        The database material the crystal is (by name); otherwise looked up by the crystal's formula.
    conventional : ase.Atoms, optional
        The relaxed conventional cell (its a is the lattice constant); default the primitive cell's first vector.
    formula : str, optional
        The crystal's formula as its structure writes it (default: from the primitive cell's atoms).
    """
    masses = np.asarray(crystal.phonopy.primitive.masses, dtype=float) * AMU
    symbols = list(crystal.phonopy.primitive.symbols)
    if database is None:
        database = database_match(symbols)
    if database is not None and database.formula:
        formula = database.formula
    formula = formula or reduced_formula(symbols)
    name = database.name if database is not None else crystal.name
    volume = crystal.volume
    number_density = len(masses) / volume
    v_l, v_t = sound_speeds(crystal)
    theta = debye_temperature_from_speeds(v_l, v_t, number_density)
    cv = heat_capacity(crystal, RECORD_TEMPERATURE)
    if conventional is not None:
        a = float(np.linalg.norm(np.asarray(conventional.cell)[0])) * ANGSTROM
    else:
        a = float(np.linalg.norm(crystal.cell[0]))
    how = f"derived from {derivation}"
    sources = {
        "density": f"{how}: masses over the relaxed primitive-cell volume",
        "number_density": f"{how}: atoms over the relaxed primitive-cell volume",
        "mean_atomic_mass": f"{how}: mean mass of the atoms of the primitive cell",
        "lattice_constant": f"{how}: relaxed conventional a",
        "v_l": f"{how}: Debye-equivalent speed of the longitudinal acoustic band, (2 pi^2 D_LA)^(-1/3) from the "
        "long-wavelength density of states D omega^2",
        "v_t": f"{how}: Debye average of the two transverse acoustic bands, 2/v_t^3 = 1/v_TA1^3 + 1/v_TA2^3, each "
        "from the long-wavelength density of states",
        "debye_temperature": f"elastic: hbar v_D (6 pi^2 n)^(1/3) / k_B with 3/v_D^3 = 1/v_l^3 + 2/v_t^3, v_l, v_t "
        f"and n {how}",
        "heat_capacity": f"{how}: harmonic C_v at {RECORD_TEMPERATURE:g} K (constant volume, not c_p) from the "
        f"phonon frequencies on a {HEAT_CAPACITY_MESH}^3 mesh",
    }
    kept, notes = record_beyond_phonons(database, symbols, name, formula, f"phonon values {how}", sources)
    return Material(
        name=name,
        density=float(masses.sum() / volume),
        v_l=v_l,
        v_t=v_t,
        number_density=number_density,
        debye_temperature=theta,
        sources=sources,
        formula=formula,
        description=f"{name} {how}",
        temperature=RECORD_TEMPERATURE,
        heat_capacity=cv,
        mean_atomic_mass=float(masses.mean()),
        structure=database.structure if database is not None else None,
        lattice_constant=a,
        sound_speed_average="Debye-equivalent speeds of the acoustic bands from the long-wavelength density of states",
        notes="; ".join(notes),
        origin=database.origin if database is not None else "user",
        **kept,
    )


def record_beyond_phonons(
    database: Material | None, symbols: Sequence[str], name: str, formula: str, what: str, sources: dict[str, str]
) -> tuple[dict[str, Any], list[str]]:
    """What a record derived from a crystal's vibrations keeps besides them: (fields, notes).  The thermal
    conductivity and melting point of its database material (their sources added to ``sources``), or else the
    element's melting point and the notes on its electrons (:data:`NO_ELECTRONS`, :data:`METAL_WITHOUT_ELECTRONS`);
    ``what`` ("phonon values derived from ...") opens the notes.  The one rule of :func:`derived_material` and
    :func:`kapitza.phonons.long_waves.long_wave_material`."""
    from ..materials.electrons import SEMIMETALS, list_electron_metals, metallic_elements

    kept: dict[str, Any] = {}
    notes = []
    if database is not None:
        for key in ("thermal_conductivity", "melting_temperature"):
            value = getattr(database, key)
            if value is not None:
                kept[key] = value
                sources[key] = f"database ({database.name}): {database.sources.get(key, '')}"
        notes.append(
            f"{what}; thermal conductivity, melting point and electron data are the database's for {database.name}"
        )
    else:
        notes.append(f"{what}; no thermal conductivity (not derived from harmonic phonons)")
        melt = melting_point(symbols)
        if melt is not None:  # so the note on temperatures above it is said as for a database material
            kept["melting_temperature"] = melt.kelvin
            sources["melting_temperature"] = melt.source
    metal = formula in metallic_elements() and formula not in SEMIMETALS
    if name not in list_electron_metals() and (database is None or metal):  # phonons cannot tell; its element can
        notes.append(NO_ELECTRONS)  # (a database metal without electron data too: W, Ni ..., issue 84)
        if metal:
            notes.append(METAL_WITHOUT_ELECTRONS.format(element=formula))
    return kept, notes


def database_match(symbols: Sequence[str]) -> Material | None:
    """The database material of this composition (its formula reduced: "Al" for fcc Al, "GaN"), or None."""
    from ase.formula import Formula

    from ..materials import list_materials

    mine = reduced_composition(symbols)
    for m in list_materials():
        if not m.formula:
            continue
        try:
            theirs = {el: n for el, n in Formula(m.formula).reduce()[0].count().items()}
        except ValueError:
            continue
        if theirs == mine:
            return m
