r"""LAMMPS Tersoff potential files: read, mix two of them with Tersoff's combination rules, write.

A LAMMPS ``pair_style tersoff`` file holds one entry per element triplet (i, j, k): three element names and
14 numbers, in this order (LAMMPS documentation, ``pair_style tersoff``; metal units, A and eV)::

    m, gamma, lambda3, c, d, costheta0, n, beta, lambda2, B, R, D, lambda1, A

LAMMPS takes the two-body parameters of the i-j bond (n, beta, lambda2, B, lambda1, A, and R, D for the
cutoff of r_ij) from the entry (i, j, j); the entry (i, j, k) gives the three-body parameters of the bond
angle j-i-k: m, gamma, lambda3, c, d, costheta0 and the cutoff R, D applied to r_ik.

Which pair the angular parameters belong to
-------------------------------------------
In the analytic bond-order potentials of Albe, Erhart and Nord written in Tersoff form (GaN: Nord, Albe,
Erhart and Nordlund, J. Phys.: Condens. Matter 15, 5649 (2003), the wheel's ``GaN.tersoff``; SiC: Erhart and
Albe, Phys. Rev. B 71, 035211 (2005), the wheel's ``SiC_Erhart-Albe.tersoff``) the angular parameters of the
entry (i, j, k) are those of the **i-k bond**: in both shipped files ``Ga Ga N`` carries the Ga-N angular
parameters and cutoff, ``N Ga N`` the N-N ones, ``Si Si C`` the Si-C ones, ``C Si C`` the C-C ones.
:func:`mix_tersoff` follows that convention (``test_tersoff_mixing.py`` checks it on both files).

Mixing rule ``"tersoff1989"``
-----------------------------
J. Tersoff, Phys. Rev. B 39, 5566 (1989), Eqs. (1)-(2): for a bond between elements i and k,
lambda_ik = (lambda_i + lambda_k)/2, mu_ik = (mu_i + mu_k)/2, A_ik = sqrt(A_i A_k),
B_ik = chi_ik sqrt(B_i B_k), R_ik = sqrt(R_i R_k), S_ik = sqrt(S_i S_k), with chi_ik = 1 here. In LAMMPS's
names lambda = lambda1, mu = lambda2, and LAMMPS's cutoff centre and half-width are R_L = (R + S)/2 and
D_L = (S - R)/2 (LAMMPS documentation, ``pair_style tersoff``), so Tersoff's R = R_L - D_L and
S = R_L + D_L. The per-element values are those of the homonuclear entry (i, i, i). Tersoff's bond order
b_ij uses beta_i and n_i of the central atom, and his angular function g(theta) uses c_i, d_i, h_i of the
central atom: for a mixed pair the entries take beta, n and m, gamma, lambda3, c, d, costheta0 from the
central atom's homonuclear entry (i, i, i). Every triplet whose three elements all come from one file is
copied from that file unchanged. Applied to the pure C and Si entries of the LAMMPS distribution's
``SiC_1989.tersoff`` (Tersoff's own 1989 parameters), this rule rebuilds that file's Si-C entries, B apart
from Tersoff's fitted chi_SiC = 0.9776 (``test_tersoff_mixing.py``).

On the Albe-Erhart-Nord parameters this rule can bind a mixed pair more strongly than either of its parents:
the dimer of the Ga-C cross term it gives has D0 = 7.87 eV at r0 = 1.57 A, against 1.40 eV (Ga-Ga) and
6.00 eV (C-C). The cause: in that family A and B carry exp(lambda r0) factors and the ratio S = lambda1/lambda2
differs strongly between elements (1.11 for Ga, 2.17 for C), so geometric means of A and B with arithmetic
means of the lambdas do not average the bonds.

Mixing rule ``"dimer"``
-----------------------
The same as ``"tersoff1989"`` (cutoff, angular parameters, beta, n) except the two-body parameters of a mixed
bond: they are mixed through the dimer parameters of the Albe form, D0 (dimer energy, eV), r0 (dimer bond
length, A), S and beta_A, with lambda1 = beta_A sqrt(2 S), lambda2 = beta_A sqrt(2 / S),
A = D0 / (S - 1) exp(lambda1 r0), B = S D0 / (S - 1) exp(lambda2 r0) (the relations written in the header of
``SiC_Erhart-Albe.tersoff``, Erhart and Albe 2005). D0 is the geometric and r0 the arithmetic mean, as
Lorentz-Berthelot mixing does for an energy and a length; S and beta_A are arithmetic means. This combination
is kapitza's choice by that analogy, not a published fit.
"""

from __future__ import annotations

import itertools
import math
import os
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from ..io.atomic import atomic_write_text
from ..io.results import result

#: The 14 numbers of one entry, in the order of the file.
PARAMETERS: tuple[str, ...] = (
    "m",
    "gamma",
    "lambda3",
    "c",
    "d",
    "costheta0",
    "n",
    "beta",
    "lambda2",
    "B",
    "R",
    "D",
    "lambda1",
    "A",
)
#: Parameters of the angular (three-body) term of the entry (i, j, k): they belong to the i-k bond.
ANGULAR: tuple[str, ...] = ("m", "gamma", "lambda3", "c", "d", "costheta0")
#: Parameters of the two-body term, read by LAMMPS from the entry (i, j, j) only.
TWO_BODY: tuple[str, ...] = ("n", "beta", "lambda2", "B", "lambda1", "A")
#: Mixing rules that :func:`mix_tersoff` knows.
RULES: tuple[str, ...] = ("tersoff1989", "dimer")


@result
class TersoffFile:
    """The entries of a LAMMPS Tersoff potential file.

    Attributes
    ----------
    elements : tuple of str
        The elements, in the order of their first appearance.
    triplets : tuple of (str, str, str)
        The element triplets (i, j, k) of the entries, shape (entries,).
    parameters : ndarray
        The 14 numbers of each entry in the order of :data:`PARAMETERS`, shape (entries, 14); LAMMPS metal
        units: A and B in eV, lambda1, lambda2, lambda3 in 1/A, R and D in A, the others dimensionless.
    header : str
        The file's comment lines (sources, units), without the ``#``.
    """

    elements: tuple[str, ...]
    triplets: tuple[tuple[str, str, str], ...]
    parameters: NDArray[np.float64]
    header: str

    def entry(self, i: str, j: str, k: str) -> dict[str, float]:
        """The 14 parameters of the entry (i, j, k) by name; KeyError if the file has none."""
        if (i, j, k) not in self.triplets:
            raise KeyError(f"no Tersoff entry {i} {j} {k}")
        row = self.triplets.index((i, j, k))
        return {name: float(v) for name, v in zip(PARAMETERS, self.parameters[row], strict=True)}


def _tokens(text: str) -> tuple[list[str], list[str]]:
    """Comment lines (without ``#``) and the whitespace-separated tokens of everything else."""
    header, tokens = [], []
    for line in text.splitlines():
        body, hash_, comment = line.partition("#")
        if hash_:
            header.append(comment.strip())
        tokens.extend(body.split())
    return header, tokens


def _entries(tokens: list[str], where: str) -> tuple[list[tuple[str, str, str]], list[list[float]]]:
    width = 3 + len(PARAMETERS)
    if len(tokens) % width:
        raise InputError(
            f"{where}: {len(tokens)} words is not a whole number of Tersoff entries "
            f"(3 element names + {len(PARAMETERS)} numbers each)"
        )
    triplets, rows = [], []
    for start in range(0, len(tokens), width):
        names = tokens[start : start + 3]
        words = tokens[start + 3 : start + width]
        try:
            values = [float(w) for w in words]
        except ValueError:
            raise InputError(
                f"{where}: entry {' '.join(names)} has a word that is not a number among {' '.join(words)}"
            ) from None
        if not all(math.isfinite(v) for v in values):
            raise InputError(f"{where}: entry {' '.join(names)} has a non-finite number")
        triplet = (names[0], names[1], names[2])
        if triplet in triplets:
            raise InputError(f"{where}: entry {' '.join(names)} appears twice")
        triplets.append(triplet)
        rows.append(values)
    return triplets, rows


def parse_tersoff(text: str, where: str = "Tersoff file") -> TersoffFile:
    """Parse the text of a LAMMPS Tersoff file (see :func:`read_tersoff`); ``where`` names it in errors."""
    header, tokens = _tokens(text)
    if not tokens:
        raise InputError(f"{where}: no Tersoff entries")
    triplets, rows = _entries(tokens, where)
    elements = tuple(dict.fromkeys(e for t in triplets for e in t))
    return TersoffFile(
        elements=elements,
        triplets=tuple(triplets),
        parameters=np.array(rows, dtype=float),
        header="\n".join(header),
    )


def read_tersoff(path: str | os.PathLike) -> TersoffFile:
    """Read a LAMMPS ``pair_style tersoff`` potential file.

    Comments start with ``#``; each entry is 3 element names and the 14 numbers of :data:`PARAMETERS`,
    which may wrap over several lines (LAMMPS documentation, ``pair_style tersoff``).

    Parameters
    ----------
    path : path-like
        The file.

    Raises
    ------
    InputError
        The file cannot be read, holds no entry, a word where a number belongs, a number count that is not a
        multiple of 17, or an entry twice.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"Tersoff file {os.fspath(path)!r} cannot be read: {error}") from None
    return parse_tersoff(text, where=f"Tersoff file {os.fspath(path)!r}")


def _cutoff(p: dict[str, float]) -> tuple[float, float]:
    """Tersoff's (R, S) from LAMMPS's centre R and half-width D: R_T = R - D, S_T = R + D."""
    return p["R"] - p["D"], p["R"] + p["D"]


def _tersoff_1989_pair(pi: dict[str, float], pk: dict[str, float]) -> dict[str, float]:
    """Two-body parameters of a mixed i-k bond by Tersoff (1989), Eqs. (1)-(2), chi = 1."""
    return {
        "lambda1": 0.5 * (pi["lambda1"] + pk["lambda1"]),
        "lambda2": 0.5 * (pi["lambda2"] + pk["lambda2"]),
        "A": math.sqrt(pi["A"] * pk["A"]),
        "B": math.sqrt(pi["B"] * pk["B"]),
    }


def dimer_parameters(p: dict[str, float]) -> dict[str, float]:
    """Albe-form dimer parameters of a two-body entry: D0 (eV), r0 (A), S, beta_A (1/A).

    Inverts lambda1 = beta_A sqrt(2 S), lambda2 = beta_A sqrt(2 / S), A = D0 / (S - 1) exp(lambda1 r0),
    B = S D0 / (S - 1) exp(lambda2 r0) (needs lambda1 > lambda2 > 0): r0 is the minimum and -D0 the value of
    A exp(-lambda1 r) - B exp(-lambda2 r).
    """
    l1, l2 = p["lambda1"], p["lambda2"]
    if not l1 > l2 > 0.0:
        raise InputError(
            f"a Tersoff entry with lambda1 = {l1} and lambda2 = {l2} has no dimer (need lambda1 > lambda2 > 0)"
        )
    s = l1 / l2
    r0 = math.log(s * p["A"] / p["B"]) / (l1 - l2)
    return {"D0": p["A"] * (s - 1.0) * math.exp(-l1 * r0), "r0": r0, "S": s, "beta_A": math.sqrt(0.5 * l1 * l2)}


def _dimer_pair(pi: dict[str, float], pk: dict[str, float]) -> dict[str, float]:
    """Two-body parameters of a mixed i-k bond by the ``"dimer"`` rule (module docstring)."""
    di, dk = dimer_parameters(pi), dimer_parameters(pk)
    d0, r0 = math.sqrt(di["D0"] * dk["D0"]), 0.5 * (di["r0"] + dk["r0"])
    s, beta = 0.5 * (di["S"] + dk["S"]), 0.5 * (di["beta_A"] + dk["beta_A"])
    l1, l2 = beta * math.sqrt(2.0 * s), beta * math.sqrt(2.0 / s)
    return {
        "lambda1": l1,
        "lambda2": l2,
        "A": d0 / (s - 1.0) * math.exp(l1 * r0),
        "B": s * d0 / (s - 1.0) * math.exp(l2 * r0),
    }


def _mixed_pair(pi: dict[str, float], pk: dict[str, float], rule: str) -> dict[str, float]:
    """Two-body parameters and cutoff of a mixed i-k bond; the cutoff by Tersoff's R_ik, S_ik for both rules."""
    ri, si = _cutoff(pi)
    rk, sk = _cutoff(pk)
    r, s = math.sqrt(ri * rk), math.sqrt(si * sk)
    pair = _dimer_pair(pi, pk) if rule == "dimer" else _tersoff_1989_pair(pi, pk)
    return pair | {"R": 0.5 * (r + s), "D": 0.5 * (s - r)}


def _origin(element: str, files: tuple[TersoffFile, TersoffFile]) -> int:
    return 0 if element in files[0].elements else 1


def _bond(
    i: str, k: str, files: tuple[TersoffFile, TersoffFile], rule: str
) -> tuple[dict[str, float], dict[str, float]]:
    """Angular+cutoff parameters of the i-k bond and two-body parameters of the i-k bond, as (angular, pair)."""
    fi, fk = _origin(i, files), _origin(k, files)
    if fi == fk:  # a bond of one file: its own entry (i, k, k)
        p = files[fi].entry(i, k, k)
        return p, p
    own = files[fi].entry(i, i, i)
    mixed = _mixed_pair(own, files[fk].entry(k, k, k), rule)
    angular = {name: own[name] for name in ANGULAR} | {"R": mixed["R"], "D": mixed["D"]}
    pair = mixed | {"n": own["n"], "beta": own["beta"]}
    return angular, pair


def _mixed_entry(i: str, j: str, k: str, files: tuple[TersoffFile, TersoffFile], rule: str) -> list[float]:
    angular, _ = _bond(i, k, files, rule)
    values = dict.fromkeys(PARAMETERS, 0.0)
    values.update({name: angular[name] for name in (*ANGULAR, "R", "D")})
    if j == k:
        _, pair = _bond(i, j, files, rule)
        values.update({name: pair[name] for name in TWO_BODY})
    return [values[name] for name in PARAMETERS]


def _check_complete(f: TersoffFile, where: str) -> None:
    missing = [t for t in itertools.product(f.elements, repeat=3) if t not in f.triplets]
    if missing:
        raise InputError(f"{where} lacks the entry {' '.join(missing[0])} (and {len(missing) - 1} more)")


def mix_tersoff(a: TersoffFile, b: TersoffFile, rule: str = "tersoff1989") -> TersoffFile:
    """One Tersoff file for the elements of ``a`` and ``b``, cross terms by a combination rule.

    Every triplet of ``a``'s elements is copied from ``a``, every triplet of ``b``'s from ``b``; every other
    triplet (i, j, k) gets: the angular parameters and r_ik cutoff of the i-k bond (from the file that holds
    both i and k, or, for a mixed i-k, the central atom's homonuclear angular parameters with the mixed
    cutoff), and, if j == k, the two-body parameters of the i-j bond (mixed by ``rule`` when i and j come
    from different files, with beta and n of the central atom). See the module docstring for the rule and
    its source.

    Parameters
    ----------
    a, b : TersoffFile
        Complete files (every triplet of their own elements) with no element in common, both of the same
        functional family (the convention above must hold in both).
    rule : str
        ``"tersoff1989"`` (Tersoff's rule) or ``"dimer"`` (the Albe-form dimer mixed; see the module docstring).

    Returns
    -------
    TersoffFile
        Entries for all ``(len(a.elements) + len(b.elements))**3`` triplets; header empty (see
        :func:`write_tersoff`).
    """
    if rule not in RULES:
        raise InputError(f"unknown Tersoff mixing rule {rule!r}; known: {', '.join(RULES)}")
    common = set(a.elements) & set(b.elements)
    if common:
        raise InputError(f"the two Tersoff files share elements {sorted(common)}; mixing needs disjoint ones")
    _check_complete(a, "the first Tersoff file")
    _check_complete(b, "the second Tersoff file")
    files = (a, b)
    elements = a.elements + b.elements
    triplets, rows = [], []
    for t in itertools.product(elements, repeat=3):
        own = [f for f in files if set(t) <= set(f.elements)]
        if own:
            row = own[0].parameters[own[0].triplets.index(t)].tolist()
        else:
            row = _mixed_entry(*t, files, rule)
        triplets.append(t)
        rows.append(row)
    return TersoffFile(elements=elements, triplets=tuple(triplets), parameters=np.array(rows), header="")


def format_tersoff(f: TersoffFile, header: str) -> str:
    """The text of a LAMMPS Tersoff file: ``header`` as comment lines, then one entry per line.

    Numbers are written with Python's ``repr`` (shortest text that reads back to the same double), so
    copied entries stay bit-identical.
    """
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    lines.append("# format: element1 element2 element3  " + " ".join(PARAMETERS))
    lines.append("")
    for t, row in zip(f.triplets, f.parameters, strict=True):
        lines.append(" ".join(f"{e:2s}" for e in t) + "  " + " ".join(repr(float(v)) for v in row))
    return "\n".join(lines) + "\n"


def write_tersoff(f: TersoffFile, path: str | os.PathLike, header: str) -> Path:
    """Write ``f`` as a LAMMPS Tersoff file at ``path`` (atomically), ``header`` as its comment lines."""
    return atomic_write_text(path, format_tersoff(f, header))
