"""Measured interfacial thermal conductances shipped with kapitza, and their loader.

The shipped table (``data/itr_measurements.csv``) is the compilation of measured
interfacial thermal resistances by Y.-J. Wu, L. Fang and Y. Xu (npj Comput. Mater. 5, 56
(2019)), published on Zenodo (DOI 10.5281/zenodo.3361417) and
redistributed in the OpenKapitza repository under the MIT licence, copyright (c) 2022
Aria Hosseini (``data/itr_dataset.LICENSE``); it was converted from the xlsx by
``scripts/convert_itr_dataset.py``.  :mod:`kapitza.literature.names` maps its material
names onto the database; :func:`unmapped` lists the names that cannot be mapped and why.
"""

from .measurements import (
    CREDIT,
    DEFAULT_WINDOW,
    Measurements,
    UnmappedName,
    load_measurements,
    measurements_for,
    measurements_named,
    shipped_measurements,
    unmapped,
)
from .names import database_name

__all__ = [
    "CREDIT",
    "DEFAULT_WINDOW",
    "Measurements",
    "UnmappedName",
    "database_name",
    "load_measurements",
    "measurements_for",
    "measurements_named",
    "shipped_measurements",
    "unmapped",
]
