"""Bulk material properties with a source for every number.

>>> from kapitza.materials import get_material
>>> si = get_material("silicon")
>>> si.name, si.density
('Si', 2329.0)

The shipped database (``data/materials.toml``) holds crystals, fused silica
and liquid helium-4.  Conventions: for crystals ``v_l`` and ``v_t`` are
Voigt-Reuss-Hill isotropic averages of the room-temperature single-crystal
elastic constants stored beside them; ``number_density`` is the density over
the mean atomic mass; Debye temperatures are low-temperature calorimetric
values where known; thermal conductivities hold near 300 K (see
:mod:`kapitza.materials.database`).  A user's own materials are read from a
TOML file of the same format with :func:`load_materials`, or passed to
:func:`get_material` as ``"file.toml"`` / ``"file.toml:Name"``;
:func:`material_template` gives a commented example of that format.
``Material.origin`` says where a material came from ("database" or the file).
"""

from .database import get_material, list_materials, load_materials
from .debye_temperature import elastic_debye_temperature
from .material import Alternative, Material
from .template import material_template

__all__ = [
    "Alternative",
    "Material",
    "elastic_debye_temperature",
    "get_material",
    "list_materials",
    "load_materials",
    "material_template",
]
