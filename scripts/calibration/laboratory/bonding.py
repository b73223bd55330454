"""The interface's bonding as descriptors of the expected measurement (issue 62 item 5): each compilation row's pair
read from the shipped bonding table (:mod:`kapitza.prediction.bonding`, ``kapitza interface bonding``).  Tried by the
honest selection and dropped on both routes, so a laboratory module, not the package's."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kapitza.prediction.bonding import BondingDescriptors, shipped_bonding_descriptors

#: The bonding descriptors a compilation row may take in the expected measurement (issue 62 item 5), fixed before
#: any try: the work of adhesion (J m^-2), the seam's normal stiffness against the two bulks' (log10 of the
#: geometric mean of the two ratios) and the overlap of the two seam zones' spectra.  Missing (NaN) for a row whose
#: pair is not built, not computed or doubtful (:func:`doubt`).
BONDING_FEATURES = ("bonding work of adhesion", "bonding log10 seam/bulk", "bonding spectra overlap")


def bonding_columns(places: Sequence[int], found: BondingDescriptors | None = None,
                    rows: Any = None) -> NDArray[np.float64]:  # fmt: skip
    """The :data:`BONDING_FEATURES` of compilation rows (their places, 0-based), shape (n, 3): each row's pair and
    planes as ``kapitza interface buildable`` builds them (``rows``, default :func:`buildable_rows` of the shipped
    compilation), its numbers from ``found`` (default the shipped table); NaN where it has none or they are
    doubtful."""
    table_ = shipped_bonding_descriptors() if found is None else found
    out = np.full((len(places), len(BONDING_FEATURES)), np.nan)
    if table_ is None:
        return out
    built = _built_rows() if rows is None else rows
    where = {int(r): k for k, r in enumerate(built.row)}
    sound = table_.sound
    index = {(f, s, p): k for k, (f, s, p) in enumerate(zip(table_.film, table_.substrate, table_.planes))}
    for i, place in enumerate(places):
        k = where.get(int(place))
        if k is None or not built.built[k]:
            continue
        j = index.get((built.film[k], built.substrate[k], built.planes[k]))
        if j is None or not sound[j]:
            continue
        out[i] = _features(table_, j)
    return out


def _features(found: BondingDescriptors, j: int) -> tuple[float, float, float]:
    """Row ``j``'s :data:`BONDING_FEATURES`: the one rule from the table's columns to the descriptors."""
    c = found.columns
    ratio = math.sqrt(float(c["ratio_normal_substrate"][j]) * float(c["ratio_normal_film"][j]))
    return float(c["work_of_adhesion_j_m2"][j]), math.log10(ratio), float(c["dos_overlap"][j])


def _words(values: NDArray[np.float64]) -> str:
    """The three descriptors in words, for the estimate's inputs."""
    return (f"work of adhesion {values[0]:.3g} J/m2, seam/bulk stiffness 10^{values[1]:.2f}, spectra overlap "
            f"{values[2]:.2f}")  # fmt: skip


def pair_features(side1: str, side2: str, found: BondingDescriptors | None = None) -> tuple[NDArray[np.float64], str]:
    """The :data:`BONDING_FEATURES` of a queried pair (either side the film), shape (3,), and where they come from in
    words: the table's sound row of the pair, the one built for the most compilation rows where there are several
    (planes, film and substrate swapped); NaN, and why, where the table (``found``, default the shipped one) has no
    sound row of the pair."""
    table_ = shipped_bonding_descriptors() if found is None else found
    missing = np.full(len(BONDING_FEATURES), np.nan)
    if table_ is None:
        return missing, "the bonding table is not shipped"
    wanted = {str(side1), str(side2)}
    mine = [k for k in range(len(table_)) if {table_.film[k], table_.substrate[k]} == wanted]
    sound = [k for k in mine if table_.sound[k]]
    if not sound:
        if not mine:
            why = "not among the compilation's buildable pairs the table was computed for"
        elif any(table_.computed[k] for k in mine):
            why = f"its numbers are doubtful ({'; '.join(table_.doubts[k] for k in mine if table_.doubts[k])})"
        else:
            first = table_.note[mine[0]].split(":")[0]
            why = "not computed yet" if first == "not computed" else f"not computed ({first})"
        return missing, f"{side1} | {side2}: {why}"
    j = max(sound, key=lambda k: (int(table_.columns["rows"][k]), -k))
    values = np.array(_features(table_, j))
    return (
        values,
        f"{table_.film[j]} on {table_.substrate[j]} ({table_.planes[j]}, {table_.calculator}): {_words(values)}",
    )


@functools.lru_cache(maxsize=1)
def _built_rows() -> Any:
    from kapitza.prediction.validation.buildable import buildable_rows

    return buildable_rows()
