"""Unit systems of MD output (LAMMPS ``units lj|metal|real`` and SI) and their conversion of G to SI.

The analysis works in the units of the file it reads (a fit does not care); only the final
conductance is converted, to W m^-2 K^-1, where the unit system has an SI meaning.  Reduced
Lennard-Jones units have none: G stays in k_B / (tau sigma^2) and every output says so.

The factors (``flux_to_si``), from :mod:`kapitza.units` (CODATA / SI 2019):

* metal: 1 eV ps^-1 A^-2 = 1.602176634e-19 J / (1e-12 s x 1e-20 m^2) = 1.602176634e13 W m^-2, so
  1 eV ps^-1 A^-2 K^-1 = 1.602176634e13 W m^-2 K^-1 = 1.602176634e7 MW m^-2 K^-1 (the unit users read);
* real: 1 kcal mol^-1 fs^-1 A^-2 = (4184 J / N_A) / (1e-15 s x 1e-20 m^2) = 6.947695e14 W m^-2;
* si: 1.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import InputError
from ...units import ANGSTROM, AVOGADRO, EV


@dataclass(frozen=True)
class UnitSystem:
    """Names of the units of one system and the factor that takes a heat flux to W m^-2.

    Attributes
    ----------
    name : str
        ``"lj"``, ``"metal"``, ``"real"`` or ``"si"``.
    length, temperature, flux, conductance : str
        Unit names for display.
    flux_to_si : float or None
        1 flux unit in W m^-2 (None for reduced LJ units, which have no SI value).
    length_to_si : float or None
        1 length unit in m (None for LJ).
    time : str
        Name of the time unit (LAMMPS: tau, ps, fs; SI: s).
    """

    name: str
    length: str
    temperature: str
    flux: str
    conductance: str
    flux_to_si: float | None
    length_to_si: float | None
    time: str = "s"

    @property
    def reduced(self) -> bool:
        return self.flux_to_si is None


_KCAL_PER_MOL = 4184.0 / AVOGADRO  # J
UNIT_SYSTEMS = {
    "lj": UnitSystem(
        "lj", "sigma", "epsilon/k_B", "epsilon/(tau sigma^2)", "k_B/(tau sigma^2) (LJ reduced units)", None, None, "tau"
    ),
    "metal": UnitSystem(
        "metal", "Angstrom", "K", "eV/(ps Angstrom^2)", "W m^-2 K^-1", EV / 1e-12 / ANGSTROM**2, ANGSTROM, "ps"
    ),
    "real": UnitSystem(
        "real",
        "Angstrom",
        "K",
        "kcal/mol/(fs Angstrom^2)",
        "W m^-2 K^-1",
        _KCAL_PER_MOL / 1e-15 / ANGSTROM**2,
        ANGSTROM,
        "fs",
    ),
    "si": UnitSystem("si", "m", "K", "W m^-2", "W m^-2 K^-1", 1.0, 1.0),
}


def unit_system(name: str, option: str = "units=") -> UnitSystem:
    """The :class:`UnitSystem` called ``name`` (lj, metal, real, si); InputError naming ``option`` otherwise."""
    key = str(name).strip().lower()
    if key not in UNIT_SYSTEMS:
        raise InputError(f"{option} must be one of {', '.join(UNIT_SYSTEMS)}, got {name!r}")
    return UNIT_SYSTEMS[key]
