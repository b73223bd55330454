r"""Which measured pairs the crystal route of the AGF can build: every bare row of the compilation, built or why not.

``kapitza agf A B --calculator NAME`` stacks two crystals in their smallest common lateral cell
(:func:`kapitza.atomistic.stacking.stack_crystals`).  :func:`buildable_rows` decides, for every bare row of the
shipped compilation (:mod:`kapitza.literature`: no layer between film and substrate), whether its two crystals form
a commensurate interface within a strain bound and a cell bound, and says why not where they do not.  Each row gets
exactly one reason, checked in this order (:data:`REASONS`):

1. ``amorphous``, ``alloy``, ``layered``, ``unknown crystal``: a side has no crystal in
   ``literature/data/crystals.toml`` (:func:`kapitza.literature.crystals.crystal_for`), grouped as
   :func:`kapitza.prediction.validation.calculators.left_out_kind` groups them (2D sheets and MXenes are
   ``layered``; graphite, a bulk crystal, is built);
2. ``strain``: no common cell within the cell bound strains the sides by at most the strain bound; the detail gives
   the least strain found within the cell bound (and its cell);
3. ``cell size``: common cells within the strain bound exist, but only larger than the cell bound; the detail gives
   the smallest;
4. ``refused by the potential``, ``over the memory bound`` (only with ``calculator``): the structure route refuses a
   side's crystal with that potential (:func:`kapitza.phonons.crystal_phonons`: unstable, a relaxation that does not
   converge, elements it was not trained on; refusals remembered in the cache as ``kapitza validate
   --calculator`` remembers them), or its force constants would exceed ``max_memory_gb``.

Orientation: the plane each paper names for its substrate where the row's substrate description names one
(:func:`named_plane`: "Si (100)", "sapphire (1120)", "c-cut sapphire", "c-axis oriented ... graphite"; read in the
substrate's own axes: a cubic (100) is the cube face (001), a hexagonal (100) the m-plane (10-10)), else the
substrate's low-index default (0, 0, 1) of its conventional cell ([001] of a cubic crystal, [0001] of a hexagonal or
trigonal one in hexagonal axes); the film takes the substrate's plane where both belong to one crystal family, and
otherwise the close-packed pairing of cubic (111) with hexagonal (0001) where one side is either, else its own
(0, 0, 1) (:func:`film_plane`).  Each row says which (``orientation``).

Bounds: :data:`DEFAULT_MAX_STRAIN` (3 %: the largest principal in-plane strain either side carries, the
``strain_on="both"`` split of :func:`kapitza.atomistic.matching.match_lattices`) and :data:`DEFAULT_MAX_CELL_ATOMS`
(the atoms of one period of each side in the common cell, together).  The lattices are the ones recorded in
``crystals.toml`` (measured); the AGF route matches the potential's relaxed lattices again, which differ by the
potential's lattice error (SevenNet-l3i5 with D3: -0.1 % median, docs/reference/phonon-accuracy).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from ... import _checks
from ..._progress import Progress
from ...atomistic.matching import DEFAULT_MAX_STRAIN
from ...errors import InputError
from ...io.results import result
from ...literature import Measurements, shipped_measurements
from ...literature.crystals import CrystalDescription, LeftOut, crystal_for, crystal_names
from .calculators import left_out_kind

__all__ = [
    "DEFAULT_MAX_CELL_ATOMS",
    "DEFAULT_MAX_STRAIN",
    "REASONS",
    "BuildableRows",
    "PairMatch",
    "buildable_rows",
    "film_plane",
    "match_pair",
    "named_plane",
]


#: Most atoms in one period of each side of the common lateral cell, together: three periods a side then make an
#: interface cell of at most 600 atoms, the size of the local force constants' benchmark
#: (``benchmarks/agf_interface_fc.py``).  Au on sapphire (0001) needs 174 (within 3 %).
DEFAULT_MAX_CELL_ATOMS = 200
#: How far beyond the cell bound the search looks for a match within the strain bound (the ``cell size`` detail).
CELL_SEARCH_FACTOR = 4
#: Why a bare row is not built, in the order they are checked.
REASONS = (
    "amorphous",
    "alloy",
    "layered",
    "unknown crystal",
    "strain",
    "cell size",
    "refused by the potential",
    "over the memory bound",
)
#: Space-group ranges of the crystal families that share Miller indices: cubic, and hexagonal axes (trigonal and
#: hexagonal groups; rhombohedral crystals are recorded in their hexagonal axes, ASE's setting 1).
_CUBIC = range(195, 231)
_HEXAGONAL = range(143, 195)
#: A plane in parentheses: three indices, or four (hkil, i = -(h + k)) of hexagonal axes, each digit one index.
_PLANE = re.compile(r"\(\s*(-?\d)\s*(-?\d)\s*(-?\d)\s*(-?\d)?\s*\)")
#: The crystal families :func:`named_plane` tells apart (see :func:`_family`).
_FAMILIES = ("cubic", "hexagonal", "other")


def _family(desc: CrystalDescription) -> str:
    if desc.spacegroup in _CUBIC:
        return "cubic"
    if desc.spacegroup in _HEXAGONAL:
        return "hexagonal"
    return "other"


def named_plane(description: str, family: str) -> tuple[int, int, int] | None:
    """The plane a substrate description names, as Miller indices of the substrate's conventional cell; None where
    it names none.

    "(111)", "(0001)" and "c-cut"/"c-axis" ((0, 0, 1) of hexagonal axes), "(1120)" ((1, 1, 0): the four indices
    hkil written without the bar, i dropped).  "(100)", "(010)" and "(001)" are one plane, the cube face
    (0, 0, 1), only where ``family`` is "cubic" (the cubic symmetry maps them onto each other); any other crystal's
    (100) is its own plane: a hexagonal (100) is the m-plane (10-10), whose normal is the reciprocal vector a1*,
    30 degrees from a1 and perpendicular to c, not the cube face's [001] (nor the c-plane).

    Parameters
    ----------
    description : str
        The substrate description as the compilation writes it ("Si (100)", "sapphire (1120)").
    family : {"cubic", "hexagonal", "other"}
        The substrate's crystal family (space groups 195-230, 143-194, the others).
    """
    if family not in _FAMILIES:
        raise InputError(f"family must be one of {', '.join(_FAMILIES)}, got {family!r}")
    text = description.lower()
    found = _PLANE.search(text)
    if found is not None:
        digits = [int(g) for g in found.groups() if g is not None]
        three = len(digits) == 3
        if not three:
            h, k, i, ell = digits
            if abs(i) != abs(h + k):
                return None
            digits = [h, k, ell]
        if not any(digits):
            return None
        if family == "cubic" and three and sorted(abs(v) for v in digits) == [0, 0, 1]:
            return (0, 0, 1)  # (100), (010), (001): the cube face, one plane up to the cubic symmetry
        return (digits[0], digits[1], digits[2])
    if re.search(r"\bc-(cut|plane|axis)\b", text):
        return (0, 0, 1)
    return None


def film_plane(film: CrystalDescription, substrate: CrystalDescription, plane: tuple[int, int, int]) -> tuple[
    tuple[int, int, int], str
]:  # fmt: skip
    """The film's plane on a substrate cut along ``plane``, and the rule that gave it (see the module docstring)."""
    ff, fs = _family(film), _family(substrate)
    if ff == fs and ff != "other":
        return plane, "the substrate's plane (one crystal family)"
    if ff == "cubic" and fs == "hexagonal" and plane == (0, 0, 1):
        return (1, 1, 1), "cubic (111) on hexagonal (0001), close-packed on close-packed"
    if ff == "hexagonal" and fs == "cubic" and plane == (1, 1, 1):
        return (0, 0, 1), "hexagonal (0001) on cubic (111), close-packed on close-packed"
    return (0, 0, 1), "the film's low-index default (001)"


@result
class PairMatch:
    """The smallest commensurate cell of two crystals, or why there is none within the bounds.

    Attributes
    ----------
    built : bool
        A common cell within both bounds exists.
    reason : str
        "" where built, else "strain" or "cell size".
    detail : str
        The match in words (or the nearest miss: the least strain within the cell bound, the smallest cell within
        the strain bound).
    strain : float
        Largest principal strain of the match (or of the nearest miss); NaN where none was found.
    cell_atoms : int
        Atoms of one period of each side in its common cell, together (0 where none).
    """

    built: bool
    reason: str
    detail: str
    strain: float
    cell_atoms: int

    _summary_fields: ClassVar[tuple[str, ...]] = ("built", "reason", "strain", "cell_atoms")

    def __post_init__(self) -> None:
        if not isinstance(self.built, (bool, np.bool_)):
            raise InputError(f"built must be true or false, got {self.built!r}")
        if self.reason not in ("", "strain", "cell size") or bool(self.built) != (self.reason == ""):
            raise InputError(f"reason must be '' where built, else 'strain' or 'cell size'; got {self.reason!r}")
        _checks.text(self.detail, "detail")
        _strains(np.array([self.strain], dtype=float), "strain")
        _checks.count(self.cell_atoms, "cell_atoms", 0)


def _strains(x: NDArray[np.float64], name: str) -> None:
    """Largest principal strains: each >= 0 (and below 1: a lattice stretched to twice its length is no match), or
    NaN where no match was found."""
    bad = ~np.isnan(x) & ~((x >= 0) & (x < 1))
    if np.any(bad):
        raise InputError(f"{name} must hold strains from 0 to 1 (or NaN where none), got {x[bad][0]:g}")


def check_rows(obj: Any, names: Sequence[str], reasons: Sequence[str]) -> int:
    """The per-row fields of a table of compilation rows (:class:`BuildableRows`, the AGF's validation): ``row``
    places >= 0, ``film``, ``substrate`` and ``paper`` names, a finite ``temperature`` > 0 K and ``measured`` > 0
    where it has one, ``planes`` ("" where no crystal), ``reason`` "" or one of ``reasons``, ``detail`` texts and
    the arrays of ``names`` (NaN or >= 0), each one entry a row; returns the number of rows."""
    n = np.asarray(obj.row).size
    if np.any(_checks.sized(obj.row, "row", (n,), kind="i") < 0):
        raise InputError("row must hold places in the compilation >= 0")
    for name in ("film", "substrate", "paper"):
        _checks.labels(getattr(obj, name), name, n)
    _checks.labels(obj.planes, "planes", n, empty=True)
    for i, r in enumerate(_checks.labels(obj.reason, "reason", n, empty=True)):
        if r and r not in reasons:
            raise InputError(f"reason[{i}] must be '' or one of {', '.join(reasons)}; got {_checks.quoted(r)}")
    _checks.labels(obj.detail, "detail", n, check=_checks.text)
    _checks.positive_array(_checks.sized(obj.temperature, "temperature", (n,)), "temperature", "K")
    if np.any(_checks.sized(obj.cell_atoms, "cell_atoms", (n,), kind="i") < 0):
        raise InputError("cell_atoms must hold counts of atoms >= 0")
    for name in names:
        x = _checks.sized(getattr(obj, name), name, (n,))
        if np.any(~np.isnan(x) & ~(np.isfinite(x) & (x >= 0))):
            raise InputError(f"{name} must hold finite values >= 0 or NaN")
    return n


def _smallest(ca: Any, cb: Any, per_cell: tuple[int, int], eps: float, cap: int) -> Any:
    """The match with the fewest atoms within ``eps`` and ``cap`` atoms (the atom bound doubled from the smallest
    possible, as :func:`kapitza.atomistic.stacking.stack_crystals` searches), or None."""
    from ...atomistic.matching import match_lattices

    limit = max(sum(per_cell), 1)
    while True:
        limit = min(limit, cap)
        found = match_lattices(ca, cb, max_strain=eps, max_atoms=limit, atoms_per_cell=per_cell)
        if found:
            return found[0]
        if limit >= cap:
            return None
        limit *= 2


def match_pair(
    a: Any,
    b: Any,
    planes: tuple[Sequence[int], Sequence[int]],
    *,
    max_strain: float = DEFAULT_MAX_STRAIN,
    max_cell_atoms: int = DEFAULT_MAX_CELL_ATOMS,
) -> PairMatch:
    """Whether crystals ``a`` and ``b`` (ase.Atoms, their conventional cells; or anything
    :func:`kapitza.atomistic.stacking.bulk_crystal` takes) cut along ``planes`` (Miller indices of each conventional
    cell) share a common lateral cell within ``max_strain`` (largest principal strain, dimensionless) and
    ``max_cell_atoms`` (atoms of one period of each side, together), by the coincidence search of
    :func:`kapitza.atomistic.matching.match_lattices`."""
    from ...atomistic.matching import match_lattices
    from ...atomistic.stacking import MAX_SEARCH_STRAIN, bulk_crystal, miller_text, orient

    eps = _checks.between(max_strain, "max_strain", "", 1e-6, MAX_SEARCH_STRAIN)
    cap = int(_checks.positive(max_cell_atoms, "max_cell_atoms", "atoms"))
    oa = orient(bulk_crystal(a, "a"), planes[0], "a")
    ob = orient(bulk_crystal(b, "b"), planes[1], "b")
    ca, cb = np.asarray(oa.cell)[:2], np.asarray(ob.cell)[:2]
    per_cell = (len(oa), len(ob))
    where = f"({miller_text(planes[0])}) on ({miller_text(planes[1])})"
    if sum(per_cell) <= cap:
        best = _smallest(ca, cb, per_cell, eps, cap)
        if best is not None:
            return PairMatch(
                built=True, reason="", strain=float(best.max_strain), cell_atoms=int(best.n_atoms),
                detail=f"{where}: {best.n_atoms} atoms a period, largest strain {100 * best.max_strain:.2f} %",
            )  # fmt: skip
    larger = _smallest(ca, cb, per_cell, eps, CELL_SEARCH_FACTOR * cap)
    if larger is not None:
        return PairMatch(
            built=False, reason="cell size", strain=float(larger.max_strain), cell_atoms=int(larger.n_atoms),
            detail=f"{where}: the smallest cell within {100 * eps:g} % strain holds {larger.n_atoms} atoms a period, "
            f"above {cap}",
        )  # fmt: skip
    within = []
    if sum(per_cell) <= cap:
        within = sorted(
            match_lattices(ca, cb, max_strain=MAX_SEARCH_STRAIN, max_atoms=cap, atoms_per_cell=per_cell),
            key=lambda m: (round(m.max_strain, 9), m.n_atoms),
        )
    if within:
        m = within[0]
        detail = (
            f"{where}: no cell within {100 * eps:g} % strain up to {CELL_SEARCH_FACTOR * cap} atoms a period; the "
            f"least strain within {cap} atoms is {100 * m.max_strain:.2f} % ({m.n_atoms} atoms)"
        )
        return PairMatch(built=False, reason="strain", detail=detail, strain=float(m.max_strain),
                         cell_atoms=int(m.n_atoms))  # fmt: skip
    return PairMatch(
        built=False, reason="strain", strain=float("nan"), cell_atoms=0,
        detail=f"{where}: no cell within {100 * MAX_SEARCH_STRAIN:g} % strain up to {cap} atoms a period",
    )  # fmt: skip


@result
class BuildableRows:
    """Every bare row of a compilation: whether the AGF's crystal route builds its pair, and why not.

    Attributes
    ----------
    row : ndarray of int
        The row's place in the compilation (0-based), shape (n,).
    id, film, substrate, paper : tuple of str, length n
        The compilation's id, sides and reference id of each row.
    temperature : ndarray
        K, shape (n,).
    planes : tuple of str, length n
        The planes stacked, "film on substrate" as Miller indices of each conventional cell ("111 on 001"); "" where
        a side has no crystal.
    orientation : tuple of str, length n
        Where the planes come from: the substrate description's words, or the default, and the film's rule.
    built : ndarray of bool
        shape (n,).
    reason : tuple of str, length n
        "" where built, else one of :data:`REASONS`.
    detail : tuple of str, length n
        The match in words, or why not.
    strain : ndarray
        Largest principal strain of the match (or the nearest miss), NaN where none, shape (n,).
    cell_atoms : ndarray of int
        Atoms of one period of each side of the common cell, together (0 where none), shape (n,).
    max_strain : float
        The strain bound.
    max_cell_atoms : int
        The cell bound.
    calculator : str
        The potential whose refusals were checked ("" where none was: geometry only).
    """

    row: NDArray[np.int64]
    id: tuple[str, ...]
    film: tuple[str, ...]
    substrate: tuple[str, ...]
    paper: tuple[str, ...]
    temperature: NDArray[np.float64]
    planes: tuple[str, ...]
    orientation: tuple[str, ...]
    built: NDArray[np.bool_]
    reason: tuple[str, ...]
    detail: tuple[str, ...]
    strain: NDArray[np.float64]
    cell_atoms: NDArray[np.int64]
    max_strain: float
    max_cell_atoms: int
    calculator: str

    _summary_fields: ClassVar[tuple[str, ...]] = ("max_strain", "max_cell_atoms", "calculator")

    def __post_init__(self) -> None:
        n = check_rows(self, ("strain",), REASONS)
        _checks.labels(self.id, "id", n)
        _checks.labels(self.orientation, "orientation", n, check=_checks.text)
        built = _checks.sized(self.built, "built", (n,), kind="b")
        if any(bool(b) != (r == "") for b, r in zip(built, self.reason)):
            raise InputError("a row is built exactly where it has no reason")
        _strains(np.asarray(self.strain, dtype=float), "strain")
        _checks.between(self.max_strain, "max_strain", "", 0.0, 1.0)
        _checks.count(self.max_cell_atoms, "max_cell_atoms", 1)
        _checks.label(self.calculator, "calculator", empty=True)

    def _check_loaded(self, folder: Any) -> None:
        """Read back from a file: its calculator (where one was checked) is a built-in potential's name (a file
        names data, never code)."""
        if self.calculator:
            from ...atomistic.calculators import calculator_name

            calculator_name(self.calculator, from_file="a saved result")

    def __len__(self) -> int:
        return int(self.row.size)

    @property
    def papers_built(self) -> int:
        """Papers (reference ids) with at least one row built."""
        return len({p for p, b in zip(self.paper, self.built) if b})

    def counts(self) -> dict[str, int]:
        """Rows built ("built") and rows left out under each reason, in :data:`REASONS` order (reasons with rows)."""
        out = {"built": int(np.sum(self.built))}
        for reason in REASONS:
            k = sum(1 for r in self.reason if r == reason)
            if k:
                out[reason] = k
        return out

    def pairs(self) -> list[dict[str, Any]]:
        """One entry per (film, substrate, planes): its rows, papers, whether built, the reason and the detail."""
        groups: dict[tuple[str, str, str], dict[str, Any]] = {}
        for k in range(len(self)):
            key = (self.film[k], self.substrate[k], self.planes[k])
            g = groups.setdefault(key, {
                "film": key[0], "substrate": key[1], "planes": key[2], "rows": 0, "papers": set(),
                "built": bool(self.built[k]), "reason": self.reason[k], "detail": self.detail[k],
                "orientation": self.orientation[k],
            })  # fmt: skip
            g["rows"] += 1
            g["papers"].add(self.paper[k])
        out = []
        for g in groups.values():
            out.append(g | {"papers": len(g["papers"])})
        return sorted(out, key=lambda g: (not g["built"], -g["rows"], g["film"], g["substrate"]))


def _plans(film: CrystalDescription, substrate: CrystalDescription, said: str) -> tuple[Any, Any, str]:
    named = named_plane(said, _family(substrate))
    plane = named if named is not None else (0, 0, 1)
    rule = f"substrate plane named in {said!r}" if named is not None else "substrate's default (001)"
    fplane, frule = film_plane(film, substrate, plane)
    return fplane, plane, f"{rule}; film: {frule}"


def buildable_rows(
    *,
    measurements: Measurements | None = None,
    max_strain: float = DEFAULT_MAX_STRAIN,
    max_cell_atoms: int = DEFAULT_MAX_CELL_ATOMS,
    calculator: str | None = None,
    max_memory_gb: float | None = None,
    cache: bool = True,
    progress: Progress | None = None,
) -> BuildableRows:
    """Every bare row of the compilation, with whether the AGF's crystal route builds its pair (module docstring).

    Parameters
    ----------
    measurements : Measurements, optional
        The rows (default the shipped compilation); its bare rows (no interlayer) are listed.
    max_strain : float
        Largest principal in-plane strain of either side, dimensionless, > 0 and at most 0.25 (default 3 %).
    max_cell_atoms : int
        Most atoms of one period of each side in the common cell, together (default
        :data:`DEFAULT_MAX_CELL_ATOMS`).
    calculator : str, optional
        Also ask this potential's structure route for each crystal of a pair that fits the bounds (relaxation,
        force constants and stability, cached: minutes a crystal from an empty cache); without it only the geometry
        is checked.
    max_memory_gb : float, optional
        With ``calculator``: GB per process each crystal's force constants may state (default this machine's).
    cache : bool
        With ``calculator``: read and write the on-disk cache.
    progress : callable, optional
        ``progress(stage, done, total)``: "pairs" over the distinct pairs, then "crystals" with ``calculator``.

    Raises
    ------
    InputError
        A bound out of range, or measurements that are not :class:`~kapitza.literature.Measurements`.
    """
    from ...atomistic.prototypes import build
    from ...atomistic.stacking import MAX_SEARCH_STRAIN, miller_text

    eps = _checks.between(max_strain, "max_strain", "", 1e-6, MAX_SEARCH_STRAIN)
    cap = int(_checks.positive(max_cell_atoms, "max_cell_atoms", "atoms"))
    if not float(max_cell_atoms) == cap or cap > 100_000:
        raise InputError(f"max_cell_atoms must be a whole number of atoms up to 100000, got {max_cell_atoms!r}")
    data = shipped_measurements() if measurements is None else measurements
    if not isinstance(data, Measurements):
        raise InputError(f"measurements= must be Measurements, got {type(data).__name__}")
    if calculator is None and max_memory_gb is not None:
        raise InputError(
            "max_memory_gb (--max-memory-gb) bounds the potential's force constants of each crystal: without a "
            "calculator (--calculator) only the geometry is checked and it bounds nothing; give both or neither"
        )
    source = None
    if calculator is not None:  # an unknown name, a missing extra or a bad bound: before any work
        from ...atomistic.calculators import calculator_source
        from ...phonons.supercell_plan import memory_limit_gb

        memory_limit_gb(max_memory_gb)
        source = calculator_source(calculator)
    index = np.flatnonzero(~np.asarray(data.interlayer, dtype=bool))
    known = set(crystal_names())
    described: dict[str, CrystalDescription | LeftOut | None] = {}
    for name in dict.fromkeys([data.film[i] for i in index] + [data.substrate[i] for i in index]):
        described[name] = crystal_for(name) if name in known else None
    n = index.size
    planes, orientation, reason, detail = [""] * n, [""] * n, [""] * n, [""] * n
    strain, cells = np.full(n, np.nan), np.zeros(n, dtype=np.int64)
    jobs: dict[tuple[Any, ...], list[int]] = {}
    for k, i in enumerate(index):
        sides = (data.film[i], data.substrate[i])
        missing = [(REASONS.index(left_out_kind(e)), name, e) for name in sides
                   if not isinstance(e := described[name], CrystalDescription)]  # fmt: skip
        if missing:
            _, name, entry = min(missing, key=lambda item: item[0])
            reason[k] = left_out_kind(entry)
            detail[k] = f"{name}: {entry.reason}" if entry is not None else f"{name}: no table in crystals.toml"
            continue
        film, substrate = described[sides[0]], described[sides[1]]
        assert isinstance(film, CrystalDescription) and isinstance(substrate, CrystalDescription)
        fplane, splane, orientation[k] = _plans(film, substrate, data.substrate_description[i])
        planes[k] = f"{miller_text(fplane)} on {miller_text(splane)}"
        jobs.setdefault((sides, fplane, splane), []).append(k)
    for done, ((sides, fplane, splane), members) in enumerate(jobs.items()):
        if progress is not None:
            progress("pairs", done, len(jobs))
        a, b = (build(described[s]) for s in sides)  # type: ignore[arg-type]
        found = match_pair(a, b, (fplane, splane), max_strain=eps, max_cell_atoms=cap)
        for k in members:
            reason[k], detail[k], strain[k], cells[k] = found.reason, found.detail, found.strain, found.cell_atoms
    if progress is not None:
        progress("pairs", len(jobs), len(jobs))
    name = ""
    if source is not None:
        name = _potential(source, data, index, reason, detail, described, max_memory_gb, cache, progress)
    return BuildableRows(
        row=index.astype(np.int64),
        id=tuple(data.id[i] for i in index),
        film=tuple(data.film[i] for i in index),
        substrate=tuple(data.substrate[i] for i in index),
        paper=tuple(data.reference_id[i] for i in index),
        temperature=np.asarray(data.temperature, dtype=float)[index],
        planes=tuple(planes),
        orientation=tuple(orientation),
        built=np.array([r == "" for r in reason], dtype=bool),
        reason=tuple(reason),
        detail=tuple(detail),
        strain=strain,
        cell_atoms=cells,
        max_strain=eps,
        max_cell_atoms=cap,
        calculator=name,
    )


def _potential(
    source: Any, data: Measurements, index: NDArray[np.int64], reason: list[str], detail: list[str],
    described: dict[str, Any], max_memory_gb: float | None, cache: bool, progress: Progress | None,
) -> str:  # fmt: skip
    """Ask the potential's structure route for every crystal of the rows still built; mark the rows it refuses
    (in place).  Returns the calculator's name."""
    from .calculators import crystal_key, crystal_verdict

    wanted: dict[tuple[Any, ...], CrystalDescription] = {}
    for k, i in enumerate(index):
        if not reason[k]:
            for name in (data.film[i], data.substrate[i]):
                wanted.setdefault(crystal_key(described[name]), described[name])
    verdicts = {}
    for done, (key, desc) in enumerate(wanted.items()):
        if progress is not None:
            progress("crystals", done, len(wanted))
        _, why, memory = crystal_verdict(desc, source, cache, progress, max_memory_gb)
        verdicts[key] = (why, memory)
    for k, i in enumerate(index):
        if reason[k]:
            continue
        for name in (data.film[i], data.substrate[i]):
            why, memory = verdicts[crystal_key(described[name])]
            if why:
                reason[k] = "over the memory bound" if memory else "refused by the potential"
                detail[k] = f"{name}: {why}"
                break
    return source.name
