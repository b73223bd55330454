r"""The polarity of an interface normal, and what faces the seam of a stacked interface.

A crystal is *polar* along a direction n when none of its symmetry operations takes n to -n: no centre of
inversion, no two-fold axis or mirror that turns the normal over.  Wurtzite (point group 6mm: GaN, AlN, ZnO) along
[0001] and zincblende (-43m: GaAs) along [111] are polar: the crystal's two faces normal to the axis differ
(GaN's (0001) face ends on Ga, its (000-1) face on N, and epitaxial growth keeps the substrate's polarity: Ponce et
al., Appl. Phys. Lett. 69, 337 (1996)).  Diamond Si along [001] or [111], an fcc metal along any axis, zincblende
along [001] (its S4 axis turns [001] over) are not.

An interface of two crystals that keep one orientation of the axis (as epitaxy does) then comes in two
*polarities*: stacked along +n (the normal as given, "+") or along -n ("-"), A below B either way.  They are two
different interfaces: along wurtzite's [0001] each cation-anion pair is bonded once along the axis and three times
obliquely, so the plane that ends the lower crystal is bonded across the seam either by its one axial bond or by
its three oblique ones (GaN below AlN: the interface N plane bonded to one Ga and three Al, or to three Ga and one
Al).  A pair is polar when either crystal is polar along its normal (:func:`is_polar`); a pair of two crystals
that are not has one polarity.

:func:`seam` says what faces the seam of a built structure: the species of the last plane of A and of the first
plane of B, and each one's nearest neighbours on each side, counted per atom (a neighbour is an atom within
:data:`BOND_TOLERANCE` of the larger of the two atoms' nearest-neighbour distances).  It needs no forces.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError

#: The two polarities of a stack: "+" along the normal as given, "-" along its opposite.
POLARITIES = ("+", "-")
#: Two atoms are neighbours when their distance is within this factor of the larger of their nearest-neighbour
#: distances: the first shell of a strained bond (GaN's 1.95 A against AlN's 1.89 A) counts, the second shell of a
#: bcc metal (1.155 times the first) does not.
BOND_TOLERANCE = 1.1
#: Atoms within this distance (A) along the normal of the last plane of A (or the first of B) belong to it.
PLANE_TOLERANCE_ANGSTROM = 0.1
#: Tolerance of the Cartesian test that a symmetry operation turns the normal over (unit vectors).
_TURN_TOLERANCE = 1e-6


def check_polarity(polarity: Any, name: str = "polarity") -> str:
    """``polarity`` if it is one of :data:`POLARITIES`, else InputError naming it and the choices."""
    if not isinstance(polarity, str) or polarity not in POLARITIES:
        raise InputError(f"{name} must be + (along the normal as given) or - (along its opposite), got {polarity!r}")
    return polarity


def is_polar(atoms: Any, normal: Any) -> bool:
    """Whether ``atoms`` (a bulk crystal) is polar along the normal of its plane (hkl) ``normal``: True when no
    symmetry operation (spglib, tolerance :data:`kapitza.atomistic.bulk.SYMPREC`) takes the normal to its opposite.

    Parameters
    ----------
    atoms : ase.Atoms
        A bulk crystal, lengths in A.
    normal : (int, int, int)
        Miller indices of the plane in the cell of ``atoms``.
    """
    from .bulk import symmetry_dataset

    data = symmetry_dataset(atoms)
    if data is None:  # no symmetry found: only the identity, which never turns a direction over
        return True
    cell = np.asarray(atoms.cell, dtype=float)
    n = np.asarray([float(v) for v in normal]) @ np.linalg.inv(cell).T
    n /= np.linalg.norm(n)
    lt = cell.T  # Cartesian r = L^T x for fractional x
    lt_inv = np.linalg.inv(lt)
    for rotation in np.asarray(data.rotations, dtype=float):
        turned = lt @ rotation @ lt_inv @ n
        if np.allclose(turned, -n, atol=_TURN_TOLERANCE):
            return False
    return True


def _neighbours(atoms: Any) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Every pair within :data:`BOND_TOLERANCE` of the larger of the two atoms' nearest-neighbour distances,
    periodic in the plane only (the stack's second seam, B onto A across the cell, is not this one)."""
    from ase.neighborlist import neighbor_list

    slab = atoms.copy()
    slab.pbc = (True, True, False)
    cutoff = 4.0
    while True:
        i, j, d = neighbor_list("ijd", slab, cutoff)
        nearest = np.full(len(slab), np.inf)
        np.minimum.at(nearest, i, d)
        if np.all(np.isfinite(nearest)) and BOND_TOLERANCE * nearest.max() <= cutoff:
            break
        if cutoff > 64.0:
            raise InputError("the structure has an atom with no neighbour within 64 A: no seam to describe")
        cutoff *= 2.0
    bonded = d <= BOND_TOLERANCE * np.maximum(nearest[i], nearest[j])
    return i[bonded], j[bonded], d[bonded]


def seam(structure: Any) -> dict[str, Any]:
    """What faces the seam of an interface: the last plane of side A and the first of side B.

    Parameters
    ----------
    structure : InterfaceStructure
        Side 0 (A) below side 1 (B) along z.

    Returns
    -------
    dict
        ``{"A": plane, "B": plane, "gap_A": float}``, each plane ``{"species": [...], "atoms": int,
        "neighbours": {"A": {species: count}, "B": {species: count}}}``: its species, its atoms, and the mean
        number of neighbours of one of its atoms in each side by species; ``gap_A`` the distance along z between
        the two planes (A).
    """
    atoms = structure.atoms
    side = np.asarray(structure.side)
    z = atoms.positions[:, 2]
    symbols = np.asarray(atoms.get_chemical_symbols())
    top = np.flatnonzero((side == 0) & (z >= z[side == 0].max() - PLANE_TOLERANCE_ANGSTROM))
    bottom = np.flatnonzero((side == 1) & (z <= z[side == 1].min() + PLANE_TOLERANCE_ANGSTROM))
    i, j, _ = _neighbours(atoms)
    out: dict[str, Any] = {}
    for name, members in (("A", top), ("B", bottom)):
        counts: dict[str, dict[str, float]] = {"A": {}, "B": {}}
        mask = np.isin(i, members)
        for k, other in ("A", 0), ("B", 1):
            near = j[mask & (side[j] == other)]
            for species in sorted(set(symbols[near].tolist())):
                counts[k][species] = round(float(np.sum(symbols[near] == species)) / members.size, 3)
        out[name] = {"species": sorted(set(symbols[members].tolist())), "atoms": int(members.size),
                     "neighbours": counts}  # fmt: skip
    out["gap_A"] = float(z[bottom].min() - z[top].max())
    return out


def _count(neighbours: dict[str, float]) -> str:
    return " + ".join(f"{v:g} {s}" for s, v in neighbours.items()) or "none"


def seam_text(described: dict[str, Any]) -> str:
    """:func:`seam`'s record in words: "A's N plane bonds to 3 Ga of A and 1 Al of B; B's Al plane to 1 N of A and
    3 N of B (gap 1.92 A)"."""
    parts = []
    for name, verb in (("A", "bonds to"), ("B", "to")):
        plane = described[name]
        near = plane["neighbours"]
        parts.append(
            f"{name}'s {'+'.join(plane['species'])} plane {verb} {_count(near['A'])} of A and {_count(near['B'])} of B"
        )
    return "; ".join(parts) + f" (gap {described['gap_A']:.3g} A)"


def polarity_text(record: dict[str, Any], option: str = "polarity") -> str:
    """The polarity built, in words, from ``description["polarity"]`` of
    :func:`~kapitza.atomistic.stacking.stack_crystals`; ``option`` is how the caller names the choice (a CLI's
    ``--polarity``, or ``polarity=``).  A polar pair's line names the other polarity, what faces its seam and how
    to build it."""
    seam_now = seam_text(record["seam"])
    if not record["polar"]:
        return f"one polarity (neither crystal is polar along its normal): {seam_now}"
    other = record["other"]
    how = f'{option}"{other["polarity"]}"' if option.endswith("=") else f"{option} {other['polarity']}"
    side = " and ".join(n for n, polar in zip("AB", record["crystals_polar"]) if polar)
    return (
        f"polarity {record['built']} of two ({side} polar along the normal): {seam_now}; the other polarity, "
        f"{other['polarity']} (both crystals turned over), is another interface: {seam_text(other['seam'])}; build "
        f"it with {how}"
    )


def polarity_record(crystals: tuple[Any, Any], normals: tuple[Any, Any], built: str) -> dict[str, Any]:
    """Whether each crystal (conventional cell) is polar along its normal (:func:`is_polar`), whether the pair is,
    and which polarity is built ("+" along the normals as given, "-" along their opposites); "-" for a pair that is
    not polar is refused (InputError: it has one polarity)."""
    polar = [is_polar(c, n) for c, n in zip(crystals, normals)]
    if not any(polar) and check_polarity(built) == "-":
        shown = " / ".join("(" + " ".join(str(int(v)) for v in n) + ")" for n in normals)
        raise InputError(
            f"neither crystal is polar along the normal {shown} (each has a symmetry that turns it over): the pair "
            "has one polarity, built with polarity +"
        )
    return {"polar": any(polar), "crystals_polar": polar, "built": check_polarity(built)}


__all__ = [
    "BOND_TOLERANCE", "PLANE_TOLERANCE_ANGSTROM", "POLARITIES", "check_polarity", "is_polar", "polarity_record",
    "polarity_text", "seam", "seam_text",
]  # fmt: skip
