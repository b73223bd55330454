"""The atomistic layer shared by full dispersion, the AGF and molecular dynamics.

Named interatomic potentials and their loading (ASE/matscipy calculators or
LAMMPS), finite-difference force constants, the equilibrium lattice constant,
and structure builders.  :mod:`kapitza.phonons`, :mod:`kapitza.transmission.agf`
and :mod:`kapitza.md` import this layer and never each other.  Heavy libraries
(ASE, matscipy, LAMMPS) are imported inside the functions that need them.
"""
