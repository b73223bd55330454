"""A commented example material file: ``kapitza materials template > mine.toml``.

The text documents every key, its unit, which keys are optional, and how
sources are given; it loads back as a valid material (a test says so).
"""

from __future__ import annotations

from .elastic import BORN_CRITERIA, MAX_STIFFNESS, SYMMETRY_KEYS
from .material import BOUNDS

_RANGES = "\n".join(
    f"#   {name:<22}{lo:g} .. {hi:g} {unit}" + (", or 0 for a fluid" if name == "v_t" else "")
    for name, (lo, hi, unit) in BOUNDS.items()
    if name != "mean_atomic_mass"
)

TEMPLATE = f"""\
# A kapitza material file (TOML).  Use it as
#   kapitza predict mine.toml Si -t 300          (one material in the file)
#   kapitza predict mine.toml:MySi Ge -t 300     (pick one of several by name)
#   kapitza materials show mine.toml
# Python: kapitza.get_material("mine.toml") or kapitza.load_materials("mine.toml").
#
# One table per material, [materials.<Name>]; <Name> is what kapitza prints.
# Units are SI unless the key says otherwise.  Unknown keys are errors, so a
# typo cannot pass silently.  Values must lie in these ranges:
{_RANGES}
#   mean_atomic_mass_amu  0.5 .. 1000 u
#   elastic constants     |C| <= {MAX_STIFFNESS / 1e9:g} GPa, mechanically stable (Born criteria)

[materials.MySi]
# -- required ---------------------------------------------------------------
density = 2329.0                  # kg m^-3
v_l = 8949.0                      # longitudinal sound speed, m/s
v_t = 5344.0                      # transverse sound speed, m/s (0 marks a fluid: no transverse branch)
debye_temperature = 645.0         # K; optional: left out, the elastic Debye temperature from v_l, v_t and
                                  # number_density is used, and `materials show` says it was derived
number_density = 4.994e28         # atoms m^-3, counting every atom (5 per Al2O3)
                                  # optional if mean_atomic_mass_amu is given:
                                  # then number_density = density / mean atomic mass

# -- optional ---------------------------------------------------------------
mean_atomic_mass_amu = 28.085     # u (atomic mass units), average over the atoms
thermal_conductivity = 148.0      # W m^-1 K^-1 near `temperature`; leave out where undefined
heat_capacity = 1.642e6           # J m^-3 K^-1 at `temperature`, VOLUMETRIC: density * c_p
                                  # (c_p 0.705 J g^-1 K^-1 = 705 J kg^-1 K^-1 times 2329 kg m^-3)
lattice_constant = 5.431e-10      # m (cubic a, or hexagonal a)
melting_temperature = 1687.15     # K at 1 atm; above it predictions say the numbers are for the solid
temperature = 300.0               # K at which the values hold (default 300)
aliases = ["my silicon"]          # other names it answers to
formula = "Si"
description = "silicon, my own numbers"
structure = "diamond"             # diamond, fcc, bcc, hcp, wurtzite, amorphous, liquid, ...
sound_speed_average = "Voigt-Reuss-Hill average of single-crystal elastic constants"
notes = "any caveat: anisotropy, sample dependence, why a value is missing"

# Optional: single-crystal elastic constants, GPa, Voigt notation.  "symmetry"
# picks which constants are needed:
#   {", ".join(f"{k}: {' '.join(v)}" for k, v in SYMMETRY_KEYS.items())}
# (C66 may be given for hexagonal/trigonal; it must equal (C11 - C12)/2).
# They must be mechanically stable, e.g. cubic: {BORN_CRITERIA["cubic"]}.
[materials.MySi.elastic_constants_gpa]
symmetry = "cubic"
C11 = 165.7
C12 = 63.9
C44 = 79.56

# Optional: other published values of some fields, kept for comparison and used
# by no model (`kapitza materials show` lists them), one table per label with a
# required "source".  Same keys, units and ranges as above (not
# mean_atomic_mass_amu); e.g. Voigt-Reuss-Hill speeds beside measured ones, or
# an elastic Debye temperature beside the calorimetric one.
[materials.MySi.alternatives.elastic]
debye_temperature = 648.4         # K
source = "elastic Debye temperature hbar v_D (6 pi^2 n)^(1/3) / k_B from v_l, v_t and number_density"

# Sources: field name -> citation, one line each (optional but recommended;
# `kapitza materials show` prints them).  Keys are the fields above; use
# mean_atomic_mass for mean_atomic_mass_amu and elastic_constants for the table.
[materials.MySi.sources]
density = "CRC Handbook, 'Physical Constants of Inorganic Compounds'"
v_l = "Voigt-Reuss-Hill average of elastic_constants"
v_t = "Voigt-Reuss-Hill average of elastic_constants"
number_density = "density / mean_atomic_mass"
mean_atomic_mass = "IUPAC standard atomic weight"
debye_temperature = "Kittel, Introduction to Solid State Physics, Ch. 5, Table 1"
thermal_conductivity = "CRC Handbook, 300 K"
heat_capacity = "density * c_p, c_p = 0.705 J g^-1 K^-1 at 25 C (CRC Handbook)"
lattice_constant = "CRC Handbook"
melting_temperature = "CRC Handbook, 'Physical Constants of Inorganic Compounds'"
elastic_constants = "H. J. McSkimin, J. Appl. Phys. 24, 988 (1953)"
"""


def material_template() -> str:
    """The commented example material file (TOML text) that ``kapitza materials template`` prints."""
    return TEMPLATE
