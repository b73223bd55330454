"""Reading a user's phonopy files as data, never as code.

``phonopy.load`` reads YAML with a loader that constructs Python objects, so a
``phonopy.yaml`` carrying ``!!python/object/apply:os.system [...]`` runs a
command.  Here the file is parsed with PyYAML's *safe* loader (the C version
when available: the same rules as ``yaml.safe_load``), files with any Python or
other non-standard tag are refused, every field used is validated (types,
shapes, finite numbers), and the :class:`phonopy.Phonopy` object is built from
plain arrays.  Force constants come, in phonopy's order of priority, from

1. ``FORCE_CONSTANTS`` (text, parsed here) or ``force_constants.hdf5`` beside the file;
2. ``FORCE_SETS`` beside the file (phonopy's text parser, no YAML involved);
3. ``force_constants`` inside the YAML ("full" or "compact");
4. ``displacements`` with ``forces`` inside the YAML (type-1 dataset, as in a
   ``phonopy_disp.yaml`` with forces).

A ``BORN`` file beside it (or a ``nac`` section) switches on the
non-analytical correction.  Every malformed input raises
:class:`~kapitza.errors.InputError` with one line naming the file.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError, optional_module

#: Largest phonopy YAML read (bytes): a 200-atom supercell's inline force constants are ~40 MB.
MAX_FILE_BYTES = 512 * 1024**2
#: Largest supercell accepted (atoms): the full force constants take (3 N)^2 x 8 bytes (1.8 GB at 5000).
MAX_SUPERCELL_ATOMS = 5000
#: Calculators whose units phonopy knows (``phonopy: calculator:`` in the YAML).
CALCULATORS = (
    "abacus",
    "abinit",
    "aims",
    "castep",
    "cp2k",
    "crystal",
    "dftbp",
    "elk",
    "fleur",
    "lammps",
    "qlm",
    "qe",
    "siesta",
    "turbomole",
    "vasp",
    "wien2k",
)


def import_phonopy() -> Any:
    """Import phonopy, or raise MissingDependencyError naming the 'phonons' extra."""
    return optional_module("phonopy", "phonons", "full-dispersion phonon spectra")


def _fail(path: Path, what: str) -> InputError:
    return InputError(f"phonopy file {str(path)!r}: {what}")


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200] if text else type(exc).__name__


def read_yaml(path: str | os.PathLike) -> dict[str, Any]:
    """Parse a phonopy YAML file safely; a mapping at the top level, or InputError."""
    import yaml

    p = Path(path)
    if p.is_dir():
        raise InputError(f"phonopy file {str(p)!r} is a folder, not a file")
    if not p.exists():
        raise InputError(f"phonopy file {str(p)!r} does not exist")
    if not p.is_file():
        raise _fail(p, "is not a regular file")
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _fail(p, f"is {size / 1024**2:.0f} MB, more than the {MAX_FILE_BYTES // 1024**2} MB read")
        raw = p.read_bytes()
    except OSError as exc:
        raise _fail(p, f"cannot be read ({exc.strerror or _one_line(exc)})") from None
    if not raw.strip():
        raise _fail(p, "is empty")
    if b"\x00" in raw:
        raise _fail(p, "is not a text file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _fail(p, "is not UTF-8 text") from None
    if "!!python" in text or "!python/" in text or "tag:yaml.org,2002:python" in text:
        raise _fail(p, "holds a Python object tag (!!python/...); kapitza reads phonopy files as data only")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader: plain data only, no tags
    except yaml.constructor.ConstructorError as exc:
        raise _fail(p, f"holds a YAML tag that is not plain data ({_one_line(exc.problem or exc)})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise _fail(p, f"is not valid YAML{where} (truncated or damaged?)") from None
    except RecursionError:
        raise _fail(p, "is nested too deeply to be a phonopy file") from None
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single {type(data).__name__} value"
        raise _fail(p, f"holds {kind}, not a phonopy YAML mapping (unit_cell, supercell_matrix, ...)")
    return data


def _number_array(p: Path, value: Any, shape: tuple[int, ...] | None, what: str, *, integer: bool = False) -> NDArray:
    """A finite float (or int) array of the given shape from YAML data, or InputError."""
    try:
        if isinstance(value, (str, bytes, Mapping)) or value is None:
            raise TypeError
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise _fail(p, f"{what} must be {'an array' if shape else 'numbers'} of numbers") from None
    if arr.dtype.kind != "f" or (shape is not None and arr.shape != shape):
        want = "x".join(map(str, shape)) if shape else "numbers"
        got = "x".join(map(str, arr.shape)) or "a single value"
        raise _fail(p, f"{what} must have shape {want}, got {got}")
    if not np.all(np.isfinite(arr)):
        raise _fail(p, f"{what} holds NaN or infinite values")
    if integer:
        if not np.all(arr == np.round(arr)) or np.any(np.abs(arr) > 1e6):
            raise _fail(p, f"{what} must hold whole numbers")
        return arr.astype(np.int64)
    return arr


def _cell(p: Path, data: Any, what: str) -> Any:
    """A PhonopyAtoms from a YAML cell mapping (lattice, points with symbol/coordinates/mass)."""
    from phonopy.structure.atoms import PhonopyAtoms

    symbol_map = _symbol_map()
    if not isinstance(data, dict):
        raise _fail(p, f"{what} must be a mapping with 'lattice' and 'points'")
    if "lattice" not in data or "points" not in data:
        missing = "lattice" if "lattice" not in data else "points"
        raise _fail(p, f"{what} has no '{missing}'")
    lattice = _number_array(p, data["lattice"], (3, 3), f"{what} lattice")
    volume = float(abs(np.linalg.det(lattice)))
    if not volume > 1e-6 * float(np.abs(lattice).max()) ** 3:
        raise _fail(p, f"{what} lattice vectors span no volume")
    points = data["points"]
    if not isinstance(points, list) or not points:
        raise _fail(p, f"{what} points must be a non-empty list")
    symbols, coords, masses = [], [], []
    for i, point in enumerate(points, start=1):
        if not isinstance(point, dict):
            raise _fail(p, f"{what} point {i} must be a mapping with symbol, coordinates and mass")
        symbol = point.get("symbol")
        if not isinstance(symbol, str) or symbol.split("_")[0] not in symbol_map:
            raise _fail(p, f"{what} point {i} has no valid chemical symbol (got {str(symbol)[:20]!r})")
        symbols.append(symbol)
        coords.append(_number_array(p, point.get("coordinates"), (3,), f"{what} point {i} coordinates"))
        if "mass" in point:
            mass = _number_array(p, point["mass"], (), f"{what} point {i} mass")
            if not mass > 0:
                raise _fail(p, f"{what} point {i} mass must be positive, got {float(mass):g}")
            masses.append(float(mass))
    if masses and len(masses) != len(points):
        raise _fail(p, f"{what}: give a mass for every point or for none")
    try:
        return PhonopyAtoms(symbols=symbols, cell=lattice, scaled_positions=np.array(coords), masses=masses or None)
    except Exception as exc:  # noqa: BLE001 - e.g. an element without a standard mass
        raise _fail(p, f"{what} cannot be built ({_one_line(exc)})") from None


def _symbol_map() -> Mapping[str, int]:
    """Chemical symbol -> atomic number, from phonopy's own table."""
    try:
        from phonopy.structure.atomic_data import get_atomic_data

        return get_atomic_data().symbol_map
    except ImportError:  # older phonopy
        from phonopy.structure.atoms import symbol_map

        return symbol_map


def _supercell_matrix(p: Path, value: Any) -> NDArray[np.int64]:
    if value is None:
        raise _fail(p, "has no supercell_matrix")
    arr = np.asarray(value, dtype=object)
    if arr.shape == (3,):
        m = np.diag(_number_array(p, value, (3,), "supercell_matrix", integer=True))
    else:
        m = _number_array(p, value, (3, 3), "supercell_matrix", integer=True)
    if round(abs(np.linalg.det(m))) < 1:
        raise _fail(p, "supercell_matrix is singular")
    return m


def _primitive_matrix(p: Path, value: Any) -> Any:
    if value is None:
        return "auto"
    if isinstance(value, str):
        if value not in ("P", "F", "I", "A", "C", "R", "auto"):
            raise _fail(p, f"primitive_matrix {value[:20]!r} is not one of P, F, I, A, C, R, auto")
        return value
    m = _number_array(p, value, (3, 3), "primitive_matrix")
    if abs(np.linalg.det(m)) < 1e-6:
        raise _fail(p, "primitive_matrix is singular")
    return m


def _calculator(p: Path, data: dict[str, Any]) -> str | None:
    header = data.get("phonopy")
    if header is None:
        return None
    if not isinstance(header, dict):
        raise _fail(p, "the 'phonopy' section must be a mapping")
    calc = header.get("calculator")
    if calc is None:
        return None
    if not isinstance(calc, str) or calc.lower() not in CALCULATORS:
        raise _fail(p, f"unknown calculator {str(calc)[:20]!r}; phonopy knows {', '.join(CALCULATORS)}")
    return calc.lower()


def parse_force_constants_text(path: Path, n_super: int, n_prim: int) -> NDArray[np.float64]:
    """Force constants from a phonopy ``FORCE_CONSTANTS`` text file, shape (n, n_super, 3, 3)."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{str(path)!r} cannot be read as text ({_one_line(exc)})") from None
    lines = [line for line in lines if line.strip()]
    if not lines:
        raise InputError(f"{str(path)!r} is empty")
    head = lines[0].split()
    try:
        n, m = (int(head[0]), int(head[1])) if len(head) >= 2 else (int(head[0]), int(head[0]))
    except (ValueError, IndexError):
        raise InputError(f"{str(path)!r}: the first line must give the number of atoms") from None
    if m != n_super or n not in (n_super, n_prim):
        raise InputError(
            f"{str(path)!r} holds force constants of shape {n}x{m}; the supercell has {n_super} atoms "
            f"(primitive cell {n_prim})"
        )
    body = lines[1:]
    if len(body) != 4 * n * m:
        raise InputError(f"{str(path)!r} is truncated or damaged: {len(body)} lines where {4 * n * m} are needed")
    fc = np.empty((n, m, 3, 3))
    try:
        for k in range(n * m):
            block = body[4 * k : 4 * k + 4]
            i, j = (int(x) for x in block[0].split()[:2])
            if not (1 <= i and 1 <= j <= m):
                raise ValueError
            fc[k // m, k % m] = [[float(x) for x in row.split()[:3]] for row in block[1:]]
            if any(len(row.split()) < 3 for row in block[1:]):
                raise ValueError
    except (ValueError, IndexError):
        raise InputError(
            f"{str(path)!r} is damaged near block {k + 1}: expected 'i j' and three rows of 3 numbers"
        ) from None
    if not np.all(np.isfinite(fc)):
        raise InputError(f"{str(path)!r} holds NaN or infinite force constants")
    return fc


def _force_constants_hdf5(path: Path, n_super: int, n_prim: int) -> NDArray[np.float64]:
    try:
        from phonopy.file_IO import read_force_constants_hdf5

        fc = np.asarray(read_force_constants_hdf5(filename=str(path)), dtype=float)
    except ImportError:
        raise InputError(f"{str(path)!r} needs h5py to be read; pip install h5py") from None
    except Exception as exc:  # noqa: BLE001 - h5py/phonopy raise many types on a damaged file
        raise InputError(f"{str(path)!r} cannot be read as phonopy force constants ({_one_line(exc)})") from None
    if fc.ndim != 4 or fc.shape[1:] != (n_super, 3, 3) or fc.shape[0] not in (n_super, n_prim):
        raise InputError(f"{str(path)!r} holds force constants of shape {fc.shape}, not ({n_super}, {n_super}, 3, 3)")
    if not np.all(np.isfinite(fc)):
        raise InputError(f"{str(path)!r} holds NaN or infinite force constants")
    return fc


def _inline_force_constants(p: Path, data: Any, n_super: int, n_prim: int) -> NDArray[np.float64]:
    if not isinstance(data, dict) or "elements" not in data or "shape" not in data:
        raise _fail(p, "force_constants must be a mapping with 'shape' and 'elements'")
    shape = _number_array(p, data["shape"], (2,), "force_constants shape", integer=True)
    n, m = (int(x) for x in shape)
    if m != n_super or n not in (n_super, n_prim):
        raise _fail(p, f"force_constants shape {n}x{m} does not match the supercell of {n_super} atoms")
    return _number_array(p, data["elements"], (n * m, 3, 3), "force_constants elements").reshape(n, m, 3, 3)


def _inline_dataset(p: Path, data: Any, n_super: int) -> dict[str, Any]:
    if not isinstance(data, list) or not data:
        raise _fail(p, "displacements must be a non-empty list")
    first_atoms = []
    for k, entry in enumerate(data, start=1):
        if not isinstance(entry, dict) or "atom" not in entry or "displacement" not in entry:
            raise _fail(p, f"displacement {k} must have 'atom' and 'displacement' (type-1 dataset)")
        if "forces" not in entry:
            raise _fail(p, f"displacement {k} has no forces (and there is no FORCE_SETS beside the file)")
        atom = int(_number_array(p, entry["atom"], (), f"displacement {k} atom", integer=True))
        if not 1 <= atom <= n_super:
            raise _fail(p, f"displacement {k} names atom {atom}; the supercell has {n_super}")
        first_atoms.append(
            {
                "number": atom - 1,
                "displacement": _number_array(p, entry["displacement"], (3,), f"displacement {k}"),
                "forces": _number_array(p, entry["forces"], (n_super, 3), f"displacement {k} forces"),
            }
        )
    return {"natom": n_super, "first_atoms": first_atoms}


def _force_sets(path: Path, n_super: int) -> dict[str, Any]:
    from phonopy.file_IO import parse_FORCE_SETS

    try:
        dataset = parse_FORCE_SETS(filename=str(path), natom=n_super)
    except Exception as exc:  # noqa: BLE001 - phonopy's text parser raises many types on damage
        raise InputError(f"{str(path)!r} cannot be read as FORCE_SETS ({_one_line(exc)})") from None
    if not isinstance(dataset, dict) or not dataset:
        raise InputError(f"{str(path)!r} holds no displacements")
    arrays = [np.asarray(a.get("forces", np.nan), dtype=float) for a in dataset.get("first_atoms", [])]
    if "forces" in dataset:
        arrays.append(np.asarray(dataset["forces"], dtype=float))
    if not arrays or any(a.size == 0 or not np.all(np.isfinite(a)) for a in arrays):
        raise InputError(f"{str(path)!r} holds no forces, or NaN or infinite ones")
    return dataset


def _nac(p: Path, data: dict[str, Any], n_prim: int) -> dict[str, Any] | None:
    section = data.get("nac", data if "born_effective_charge" in data else None)
    if section is None:
        return None
    if not isinstance(section, dict):
        raise _fail(p, "the 'nac' section must be a mapping")
    if "born_effective_charge" not in section or "dielectric_constant" not in section:
        return None
    params: dict[str, Any] = {
        "born": _number_array(p, section["born_effective_charge"], (n_prim, 3, 3), "born_effective_charge"),
        "dielectric": _number_array(p, section["dielectric_constant"], (3, 3), "dielectric_constant"),
    }
    if "unit_conversion_factor" in section:
        params["factor"] = float(_number_array(p, section["unit_conversion_factor"], (), "unit_conversion_factor"))
    return params


def load_phonopy(path: str | os.PathLike) -> tuple[Any, str | None]:
    """Build a :class:`phonopy.Phonopy` with force constants from a phonopy YAML file, safely.

    Parameters
    ----------
    path : path-like
        ``phonopy.yaml`` or ``phonopy_disp.yaml``; the force-constant files are looked
        for beside it (see the module docstring).

    Returns
    -------
    (phonopy.Phonopy, calculator)
        The phonopy object with force constants set (not yet symmetrised) and the
        calculator name from the file (None: VASP units, Angstrom).

    Raises
    ------
    InputError
        Any file that is not a well-formed phonopy YAML with force constants or forces.
    """
    phonopy = import_phonopy()
    p = Path(path)
    data = read_yaml(p)
    calculator = _calculator(p, data)
    if "unit_cell" not in data:
        raise _fail(p, "has no unit_cell (is it a phonopy.yaml or phonopy_disp.yaml?)")
    unitcell = _cell(p, data["unit_cell"], "unit_cell")
    smat = _supercell_matrix(p, data.get("supercell_matrix"))
    pmat = _primitive_matrix(p, data.get("primitive_matrix"))
    n_super = int(round(abs(np.linalg.det(smat)))) * len(unitcell)
    if n_super > MAX_SUPERCELL_ATOMS:
        gb = (3 * n_super) ** 2 * 8 / 1e9
        raise _fail(
            p, f"the supercell has {n_super} atoms (force constants ~{gb:.1f} GB); at most {MAX_SUPERCELL_ATOMS}"
        )
    try:
        with warnings.catch_warnings():
            # "auto" is what the file asks for when it names no primitive matrix; phonopy's note that its
            # default changed since v3 says nothing about this file
            warnings.filterwarnings("ignore", message="primitive_matrix defaulted to 'auto'")
            # phonopy's note where the supercell matrix lowers the point group (a supercell longer along one axis,
            # as a lead's often is) or the cell is not the crystal it names: kapitza's own checks of the file and
            # of its lead follow, in one line each, and the note reached the user as a second, Python-formatted one
            warnings.filterwarnings("ignore", message=".*Point group symmetries of supercell and primitivecell")
            ph = phonopy.Phonopy(unitcell, supercell_matrix=smat, primitive_matrix=pmat, calculator=calculator)
    except Exception as exc:  # noqa: BLE001 - phonopy rejects inconsistent cells with many types
        raise _fail(p, f"phonopy cannot build these cells ({_one_line(exc)})") from None
    n_prim = len(ph.primitive)
    folder = p.parent
    fc_text, fc_hdf5, force_sets = (folder / n for n in ("FORCE_CONSTANTS", "force_constants.hdf5", "FORCE_SETS"))
    if fc_text.is_file():
        ph.force_constants = parse_force_constants_text(fc_text, n_super, n_prim)
    elif fc_hdf5.is_file():
        ph.force_constants = _force_constants_hdf5(fc_hdf5, n_super, n_prim)
    elif "force_constants" in data and not force_sets.is_file():  # the docstring's order: 2 before 3 before 4
        ph.force_constants = _inline_force_constants(p, data["force_constants"], n_super, n_prim)
    elif force_sets.is_file() or "displacements" in data:
        dataset = (
            _force_sets(force_sets, n_super)
            if force_sets.is_file()
            else _inline_dataset(p, data["displacements"], n_super)
        )
        try:
            ph.dataset = dataset
            ph.produce_force_constants()
        except Exception as exc:  # noqa: BLE001 - inconsistent displacements surface in many forms
            raise _fail(p, f"phonopy cannot make force constants from these forces ({_one_line(exc)})") from None
    else:
        raise _fail(
            p,
            "holds no force constants, and there is no FORCE_CONSTANTS, force_constants.hdf5 or FORCE_SETS beside it",
        )
    fc = ph.force_constants
    if fc is None or not np.all(np.isfinite(fc)):
        raise _fail(p, "the force constants hold NaN or infinite values")
    born = folder / "BORN"
    nac = None
    if born.is_file():
        from phonopy.file_IO import parse_BORN

        try:
            nac = parse_BORN(ph.primitive, filename=str(born))
        except Exception as exc:  # noqa: BLE001 - text parser; any damage is the file's fault
            raise InputError(f"{str(born)!r} cannot be read as a BORN file ({_one_line(exc)})") from None
        if nac is None or not all(np.all(np.isfinite(np.asarray(nac[k], dtype=float))) for k in ("born", "dielectric")):
            raise InputError(f"{str(born)!r} holds no finite Born charges and dielectric constant")
    else:
        nac = _nac(p, data, n_prim)
    if nac is not None:
        ph.nac_params = nac
    return ph, calculator
