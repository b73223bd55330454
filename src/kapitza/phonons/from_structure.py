r"""Phonons of any bulk crystal from its structure and a force source: read, check, relax, force constants,
stability, and the material record derived from them.

:func:`crystal_phonons` takes one side -- a structure file (CIF, POSCAR, extxyz: anything ``ase.io.read`` reads),
``NAME:STRUCTURE:a=..,c=..`` for ``ase.build.bulk`` (:func:`kapitza.atomistic.bulk.parse_crystal_text`, the syntax
of ``kapitza interface build``), a database material (its ``structure`` and ``lattice_constant``), a name ASE's
``bulk`` knows (its reference lattice constant), ASE ``Atoms`` or a dict of ``ase.build.bulk`` keywords -- and a
:class:`~kapitza.atomistic.calculators.CalculatorSource` (a built-in universal potential or ``module:factory``),
and returns a :class:`StructurePhonons`: a :class:`~kapitza.phonons.harmonic.HarmonicCrystal` that everything
downstream takes unchanged (:func:`~kapitza.phonons.full_dispersion.full_dispersion_spectrum`, the DMM, the
radiation limit, group velocities), the :class:`~kapitza.materials.Material` derived from its phonons
(:func:`derived_material`), and the record of what was done.

The steps
---------
1. *Check* (:func:`kapitza.atomistic.bulk.check_crystal`): atoms, at most
   :data:`~kapitza.atomistic.bulk.MAX_CRYSTAL_ATOMS` of them (a file's stated count before it is read), elements
   H to Es, a 3D periodic non-degenerate cell, ordered sites (partial occupancies refused), no layer without atoms
   thicker than :data:`~kapitza.atomistic.bulk.MAX_GAP_ANGSTROM` (a slab); then the elements against those the
   potential was trained on.
2. *Standardise*: the conventional cell of the space group in spglib's standard orientation (cubic: the cube axes
   along x, y, z; hexagonal and trigonal: a along x, c along z), whatever frame the file used (a CIF of the
   primitive fcc cell read by ASE has its cube axes along no Cartesian axis), so an interface normal (0, 0, 1) is
   [001] of the conventional cell, [0001] of a hexagonal one; and the displacements below are along the
   crystal's conventional axes, which matters for CHGNet, whose force constants depend on the direction of a
   displacement through the non-linearity of its forces (see :data:`DISPLACEMENT_ANGSTROM`; InP from a primitive
   CIF in ASE's frame had imaginary long-wavelength TA modes, in the standard frame none).
3. *Relax* cell and positions with the calculator, symmetry kept (:func:`kapitza.atomistic.bulk.relax_crystal`;
   ``relax=False`` takes the structure as given, e.g. one relaxed with DFT).
4. *Force constants* with phonopy: finite displacements of the symmetry-distinct atoms by
   :data:`DISPLACEMENT_ANGSTROM`, plus and minus, forces from the calculator, ``produce_force_constants``,
   then phonopy's symmetrisation (translational invariance and index permutation), then the rotational sum rule
   that the supercell's cut-off breaks in polar crystals (:mod:`kapitza.phonons.invariance`: wurtzite AlN and GaN
   with CHGNet had imaginary acoustic branches next to Gamma without it).  The cache holds the force constants as
   computed; the sum rule is restored wherever they are used.
5. *Stability*: frequencies on a Gamma-centred :data:`STABILITY_MESH` mesh and along the high-symmetry path
   (:func:`kapitza.phonons.bands.high_symmetry_path`); a crystal with imaginary frequencies beyond
   :data:`~kapitza.phonons.harmonic.UNSTABLE_FRACTION` of its highest frequency is refused, with the q-point and
   the frequency (the rule the mode sums apply); and the acoustic frequencies on
   :data:`LONG_WAVELENGTH_DIRECTIONS` directions at the wave number the continuum limit of
   :mod:`kapitza.phonons.modes` uses must all be positive (its rule: an elastically unstable crystal has no
   long-wavelength limit), so a crystal accepted here is accepted there.  Either failure next to Gamma
   (:data:`NEAR_GAMMA`) is first taken for the supercell's truncation of the force constants: the next wider
   supercell (up to ``max_supercell_atoms``) is computed, and the crystal refused only if the widest still fails;
   the record's ``widened`` says so; so is an imaginary mode short of the supercell's first commensurate wave
   vector (``_near_gamma``: there only the force constants' interpolation speaks).  An instability away from
   Gamma is refused at once.

Everything from step 3 on is cached on disk (:func:`kapitza.io.cache.cached_arrays`) under a key of the structure
(numbers, cell, positions, masses), the calculator's identity (its package version and the SHA-256 of its weights,
or of a user's module) and every setting; a structure refused at any step writes no phonons.  The forces of each
displaced supercell are cached as they come back (:mod:`kapitza.atomistic.force_tasks`, which also sends them to the
workers of a dask cluster where a ``runner`` says so), so an interrupted computation resumes from the supercells it
finished.

Supercell
---------
The supercell is the smallest diagonal multiple of the conventional cell whose every perpendicular width (the
distance between opposite faces, V / |a_j x a_k|) is at least ``min_width_angstrom`` (default
:data:`MIN_WIDTH_ANGSTROM`, 10 A: Si 2x2x2, 64 atoms; corundum 3x3x1, 270 atoms).  Measured with CHGNet 0.3.0
(benchmarks/mlip_phonons.py ``--convergence``): see :data:`MIN_WIDTH_ANGSTROM`.

Memory
------
Before any force is computed, the stated peak resident memory of the process for the supercell
(:func:`supercell_memory`: the libraries, the potential loaded and its working memory in one force call from the
footprints measured by ``benchmarks/mlip_memory.py``, phonopy's arrays) is checked against ``max_memory_gb``
(default: this machine's memory, :func:`machine_memory_gb`); the widening search stops below it.  The result
states it (``memory_gb``).  Measured (``python benchmarks/mlip_memory.py --phonons``): see the performance page.

Finite-difference step
----------------------
See :data:`DISPLACEMENT_ANGSTROM`: chosen from the measured dependence of CHGNet's force constants on the step and
from the float32 noise of its forces.
"""

from __future__ import annotations

import dataclasses
import math
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from .._progress import Progress
from ..atomistic.bulk import FMAX_EV_PER_ANGSTROM, MAX_STEPS, SYMPREC, Relaxation, check_crystal, check_relaxed_cell
from ..atomistic.calculators import CalculatorSource, calculator_source
from ..atomistic.force_cost import Stage, duration_words, say, stage, stage_words, unknown_words
from ..errors import DynamicalInstabilityError, InputError, MemoryBoundError
from ..io.cache import cached_arrays, every, finite, force_constant_rules
from ..materials import Material, get_material
from ..materials.debye_speeds import debye_temperature_from_speeds
from ..materials.melting import melting_point, reduced_composition
from ..units import AMU, ANGSTROM, HBAR, KB, RAD_S_PER_THZ
from .harmonic import UNSTABLE_FRACTION, HarmonicCrystal
from .invariance import restore_rotational_sum_rule
from .phonopy_file import import_phonopy

#: Finite-difference step (A) of the displaced supercells, plus and minus.  The harmonic force constants are the
#: limit of a vanishing step; the step is bounded below by the float32 noise of the machine-learned forces.
#: Measured on CHGNet 0.3.0, Si at its relaxed a = 5.461 A, 2x2x2 conventional supercell, one atom moved along x
#: (central differences of the self term, eV/A^2): 12.33 at 0.0005 A, 12.27 at 0.001, 12.07 at 0.002, 11.14 at
#: 0.005, 9.95 at 0.01, 8.66 at 0.02, 8.46 at 0.04.  CHGNet's forces are not linear in the displacement on the
#: 0.01 A scale (the Gamma optical frequency of Si: 14.79, 14.76, 14.64 THz at 0.0005, 0.001, 0.002 A but 13.12 at
#: phonopy's usual 0.01 A and 11.64 at 0.04 A); SevenNet-0's are (9.005-9.013 eV/A^2 from 0.0005 to 0.02 A).  The
#: float32 noise: forces on the relaxed crystal of 5e-6 eV/A (CHGNet) and 3e-7 eV/A (SevenNet-0); at 0.001 A the
#: raw force constants of Si break the acoustic sum rule by 2e-6 and index permutation by 1.3e-4 of the largest
#: element (CHGNet; 3.4e-3 at 0.01 A).  Rule: 0.001 A, within 1 % of the vanishing-step limit for CHGNet and with
#: noise below 1e-3 of the force constants.
DISPLACEMENT_ANGSTROM = 0.001
#: Smallest perpendicular width (A) of the supercell (see the module docstring).  Measured with CHGNet 0.3.0
#: (benchmarks/mlip_phonons.py --convergence; each against the largest supercell computed):
#: Si against 4x4x4 (512 atoms, 21.8 A): 1x1x1 (5.5 A) 5.7 % in frequencies at six q-points (zone boundary and
#: inside), 1.1 % in the radiation conductance G_rad(300 K), 12 % in v_l; 2x2x2 (10.9 A) 0.42 %, 0.024 %, 1.4 %;
#: 3x3x3 (16.4 A) 0.11 %, 0.014 %, 0.8 % (v_t; the Debye-equivalent speeds carry the float32 noise of the
#: long-range force constants).  Al2O3 against 4x4x1 of the hexagonal cell (480 atoms, widths 16.5, 16.5, 13.0 A):
#: 2x2x1 (8.3 A) 0.8 % in G_rad(300 K), 1.7 % in v_l; 3x3x1 (12.5 A) 1.8 %, 1.8 %; zone-boundary frequencies
#: within 0.4 THz, but single bands at incommensurate q differ by up to 1.9 THz (medians <= 0.07 THz): the
#: learned potentials' force constants reach beyond 10 A (CHGNet: 4 message-passing layers of a 6 A graph).  The
#: conductance, an integral over the zone, is what kapitza uses it for: 10 A keeps it within 2 % at 64 atoms for
#: Si and 270 for Al2O3; larger widths cost about the cube of the width.
MIN_WIDTH_ANGSTROM = 10.0
#: Largest supercell accepted by default (atoms): CHGNet on 2 cores takes ~2 s per 64-atom force call.
MAX_SUPERCELL_ATOMS = 600
#: Imaginary acoustic frequencies within this reduced distance of Gamma (largest component of q, primitive
#: reciprocal basis), or a long-wavelength acoustic frequency that is not positive, are first taken for what they
#: usually are with a learned potential: the Fourier interpolation of force constants truncated by a supercell
#: narrower than the potential's reach.  The supercell is widened (the next width that adds cells, up to
#: ``max_supercell_atoms``) and the crystal refused only if the widest one still has them.  Measured: W with
#: sevennet-l3i5 gave 0.255i THz at q = (0, 0, 0.065) in the rule's 128-atom supercell (10 A), unchanged by the
#: displacement (0.254i at 0.01 A, 0.256i at 0.03 A: not force noise), and none in 250 atoms (13 A; lowest
#: -5e-8 THz) or 432 (16 A).  A zone-boundary instability (CHGNet's Cu: 3.3i THz at X) is refused at once.
NEAR_GAMMA = 0.15
#: Version of the rules that accept or refuse a crystal beyond the settings named in a cache key (a remembered
#: refusal, or the width a widening search ended at, made under older rules must not be read back; both keys carry
#: it): 2, the rotational sum rule
#: (:mod:`kapitza.phonons.invariance`); 3, widening for a mode short of the first commensurate wave vector; 4, a
#: relaxation that changes a cell length by more than :data:`kapitza.atomistic.bulk.MAX_RELAXED_CHANGE` is refused;
#: 5, a near-Gamma refusal says whether the potential's elastic tensor fails Born's criterion (then it is the
#: potential's refusal even where the memory bound stopped the widening).
STABILITY_RULES = 5
#: Resident memory of the process before the potential is loaded (Python with numpy, scipy, ase, phonopy, typer and
#: rich, kapitza's modules): 79 MB measured (``ru_maxrss`` after importing ``kapitza.cli.predict`` and phonopy,
#: 2026-11-25, this machine); counted 150 MB, the AGF's :data:`kapitza.transmission.agf.inputs.LIBRARY_BYTES`.
LIBRARY_BYTES = 150e6
#: Bytes per atom of the supercell per displaced structure that phonopy and the calculator hold at once (the
#: PhonopyAtoms and ase.Atoms copies, their forces): a few hundred bytes; counted generously.
DISPLACED_BYTES_PER_ATOM = 1e3
#: Version of the cached outcome of the widening search (its ``widened`` words included).
SEARCH_FORMAT = 2
#: Gamma-centred mesh (per primitive reciprocal vector) on which stability is checked.
STABILITY_MESH = 8
#: Directions (a Fibonacci sphere) on which the acoustic frequencies near Gamma must be positive.
LONG_WAVELENGTH_DIRECTIONS = 2000
#: A crystal whose highest phonon frequency is below this (THz) has no phonons to speak of (atoms out of range).
MIN_HIGHEST_THZ = 0.01
#: Gamma-centred mesh of the heat capacity sum (per primitive reciprocal vector).  Si (SW): C_v(300 K) changes by
#: less than 1e-4 from 12^3 to 24^3 (a smooth integrand).
HEAT_CAPACITY_MESH = 16
#: Temperature of the derived heat capacity, K (the database's values hold near 300 K).
RECORD_TEMPERATURE = 300.0
#: Database structures that ``ase.build.bulk`` builds from one lattice constant (hexagonal c from ASE's ratio).
BUILDABLE = ("diamond", "fcc", "bcc", "hcp", "wurtzite", "zincblende", "rocksalt", "cesiumchloride", "fluorite")
#: The note of a derived record of a crystal kapitza has no electron data for (a metal among them or not).
NO_ELECTRONS = "phonon conductance only: no electron data"
#: Added for a metallic element (:func:`kapitza.materials.electrons.metallic_elements`): how its pairs are treated.
METAL_WITHOUT_ELECTRONS = (
    "{element} is a metal (pymatgen's classification of the element): with a non-metal the phonon models only, "
    "with another metal no prediction (the electronic DMM needs its Fermi velocity and Sommerfeld coefficient)"
)
#: Version of the cached layout (bump when the arrays or their meaning change).
CACHE_FORMAT = 2


@dataclass(frozen=True)
class StructurePhonons:
    """A crystal from its structure: force constants from a calculator, and the material record they give.

    Attributes
    ----------
    name : str
        The crystal's name: the database name, or the reduced formula of the structure ("InP").
    structure : str
        What the side was, in words ("file InP.cif", "GaN:wurtzite:a=3.19,c=5.19", "database Si (diamond)").
    calculator : str
        The calculator's name ("chgnet", "module:factory").
    calculator_description : str
        The calculator in words, with the citation of its model.
    crystal : HarmonicCrystal
        Force constants set and symmetrised; ``crystal.source`` says how they were made.
    material : Material
        The record derived from the phonons (:func:`derived_material`).
    relaxation : Relaxation or None
        How the cell was relaxed (None with ``relax=False``).
    input_cell : tuple of float
        Conventional lattice parameters before relaxation: a, b, c in A, alpha, beta, gamma in degrees (6 numbers).
    relaxed_cell : tuple of float
        The same after.
    spacegroup : str
        "F-43m (216)".
    supercell : tuple of int
        Multiples of the conventional cell in the supercell.
    supercell_atoms : int
        Atoms in the supercell.
    displacement : float
        Finite-difference step, A.
    lowest_frequency : float
        Lowest frequency found on the stability mesh and path, THz (negative: imaginary, within the tolerance).
    widened : str
        Empty, or why the supercell is wider than the rule's (:data:`NEAR_GAMMA`): what the narrower one gave.
    rotational : str
        Empty, or how the rotational sum rule was restored (:mod:`kapitza.phonons.invariance`): the linear term
        before and after, and the largest change of a force constant.
    memory_gb : float
        The stated peak resident memory of the process for the supercell used, GB (:func:`supercell_memory`); 0
        for a calculator without a measured footprint (a user's ``module:factory``: not stated).
    seconds_stated : float
        The stated time of the force calls of the supercell used, s (its displaced supercells times
        :func:`kapitza.atomistic.force_cost.call_seconds`); 0 for a calculator without a measured cost.
    cost : str
        The statement of time and memory made before the first force call (:class:`PhononCost`), the widening
        search's worst case included.
    """

    name: str
    structure: str
    calculator: str
    calculator_description: str = field(repr=False)
    crystal: HarmonicCrystal = field(repr=False)
    material: Material = field(repr=False)
    relaxation: Relaxation | None
    input_cell: tuple[float, ...] = field(repr=False)
    relaxed_cell: tuple[float, ...] = field(repr=False)
    spacegroup: str
    supercell: tuple[int, int, int]
    supercell_atoms: int
    displacement: float
    lowest_frequency: float
    widened: str = ""
    rotational: str = ""
    memory_gb: float = 0.0
    seconds_stated: float = 0.0
    cost: str = ""

    def lattice_lines(self) -> list[str]:
        """The relaxed lattice parameters beside the input ones, one line each, equal ones together
        ("a = b = c: 5.4310 -> 5.4610 A (+0.55 %)"); angles only where they changed."""
        out = []
        done: set[int] = set()
        labels = ("a", "b", "c")
        for i in range(3):
            if i in done:
                continue
            before, after = float(self.input_cell[i]), float(self.relaxed_cell[i])
            same = [
                j
                for j in range(i, 3)
                if math.isclose(self.input_cell[j], before, rel_tol=1e-9)
                and math.isclose(self.relaxed_cell[j], after, rel_tol=1e-9)
            ]
            done.update(same)
            name = " = ".join(labels[j] for j in same)
            out.append(f"{name}: {before:.4f} -> {after:.4f} A ({100 * (after / before - 1):+.2f} %)")
        for i, label in zip((3, 4, 5), ("alpha", "beta", "gamma")):
            before, after = float(self.input_cell[i]), float(self.relaxed_cell[i])
            if abs(after - before) > 1e-6:
                out.append(f"{label}: {before:.3f} -> {after:.3f} deg")
        return out


# -- the side: from what the user gave to ASE Atoms -----------------------------------------------------------------


def _ase() -> Any:
    from ..atomistic.potentials import require_ase

    return require_ase()


class SideStructure(NamedTuple):
    """The crystal a side names (:func:`side_structure`)."""

    #: The crystal (ase.Atoms).
    atoms: Any
    #: Its name.
    label: str
    #: The side in words.
    described: str
    #: Its database Material, or None.
    database: Material | None
    #: The name of the crystal table's record it was built from, or None (a file, a spec, ASE's reference crystal,
    #: a database material built from its own lattice constant).
    record: str | None = None


def side_structure(side: Any, name: str | None = None) -> SideStructure:
    """The crystal a side names: (ase.Atoms, its name, the side in words, its database Material or None, the crystal
    table's record it was built from or None).

    ``side``: a structure file (anything ``ase.io.read`` reads; pickle formats refused), ``NAME:STRUCTURE:a=...``,
    a database material (name, alias or :class:`~kapitza.materials.Material` of the shipped database; its structure
    and lattice constant), a crystal of the compilation's crystal table (:mod:`kapitza.literature.crystals`:
    "3C-SiC", "TiN", ...), a name ASE's ``bulk`` knows, ASE ``Atoms``, or a dict of ``ase.build.bulk`` keywords.
    A database material whose structure ASE cannot build from one lattice constant (corundum, 4H) is built from
    the crystal table's record of its name or an alias (Al2O3, 4H-SiC) where there is one, else refused with the
    way out (a structure file); so are amorphous and liquid ones.
    """
    _ase()
    from ase import Atoms

    from ..atomistic.bulk import parse_crystal_text
    from ..atomistic.stacking import bulk_crystal

    if isinstance(side, Material):
        return _database_structure(side)
    if isinstance(side, Atoms):
        atoms = side.copy()
        label = name or reduced_formula(atoms.get_chemical_symbols())
        return SideStructure(atoms, label, f"structure {label}", None)
    if isinstance(side, Mapping):
        atoms = bulk_crystal(dict(side), "crystal")
        return SideStructure(atoms, name or reduced_formula(atoms.get_chemical_symbols()), _spec_text(side), None)
    if not isinstance(side, str | os.PathLike):
        raise InputError(f"a crystal is a structure file, a name, NAME:STRUCTURE:a=..., Atoms or a dict; got {side!r}")
    text = os.fspath(side)
    if not text.strip():
        raise InputError("the crystal is empty: give a structure file, a name, or NAME:STRUCTURE:a=...")
    if os.path.isfile(text):
        if text.lower().endswith(".toml"):
            raise InputError(
                f"{text}: a material file (.toml) holds no crystal structure; with a calculator give a structure "
                "file (CIF, POSCAR, extxyz), NAME:STRUCTURE:a=..., or a database name"
            )
        atoms = bulk_crystal(text, os.path.basename(text))
        label = name or reduced_formula(atoms.get_chemical_symbols())
        return SideStructure(atoms, label, f"file {os.path.basename(text)}", None)
    if os.path.isdir(text):
        raise InputError(f"{text} is a folder, not a structure file")
    parsed = parse_crystal_text(text)
    if isinstance(parsed, dict):
        atoms = bulk_crystal(parsed, text)
        return SideStructure(atoms, name or reduced_formula(atoms.get_chemical_symbols()), text, None)
    try:
        material = get_material(text)
    except InputError:
        material = None
    if material is not None and material.origin == "database":
        return _database_structure(material)
    if os.sep in text or text.lower().endswith((".cif", ".vasp", ".xyz", ".extxyz", ".json", ".in", ".poscar")):
        raise InputError(f"structure file {text!r} does not exist")
    recorded = _recorded((text,))
    if recorded is not None:
        atoms, words, record = recorded
        return SideStructure(atoms, name or text, words, None, record)
    try:
        atoms = bulk_crystal(text, text)
    except InputError:
        raise InputError(_unknown_crystal(text)) from None
    a = float(np.linalg.norm(np.asarray(atoms.cell)[0]))
    label = name or reduced_formula(atoms.get_chemical_symbols())
    return SideStructure(atoms, label, f"{text} (ASE's reference crystal, a = {a:.4f} A)", None)


def _unknown_crystal(text: str) -> str:
    """The one line for a name that is no structure file, database material, crystal-table record or crystal ASE's
    ``bulk`` knows, with the close names of the database and the crystal table (case ignored)."""
    from ..errors import did_you_mean
    from ..literature.crystals import crystal_names
    from ..materials import list_materials

    lower = {n.lower(): n for n in sorted(crystal_names())}
    for m in list_materials():
        lower |= {alias.lower(): m.name for alias in (m.name, *m.aliases)}
    hint = did_you_mean(text, lower)
    return (
        f"{text!r} is not a structure file, a database material, a crystal of kapitza's crystal table or a bulk "
        f"crystal ASE knows{hint}"
    )


def reduced_formula(symbols: Sequence[str]) -> str:
    """The empirical formula, elements in the order they first appear ("InP", "Al2O3", "AuCu3" for Au, Cu, Cu, Cu)."""
    return "".join(f"{el}{n if n > 1 else ''}" for el, n in reduced_composition(symbols).items())


def _spec_text(spec: Mapping[str, Any]) -> str:
    items = ",".join(f"{k}={v:g}" for k, v in spec.items() if k not in ("name", "crystalstructure"))
    return f"{spec.get('name', '')}:{spec.get('crystalstructure', '')}:{items}"


def recorded_crystal(names: Sequence[str], structure: str | None = None) -> Any:
    """The first of ``names`` with a structure in the compilation's crystal table
    (:func:`kapitza.literature.crystals.crystal_for`: space group, measured lattice parameters, Wyckoff positions,
    each with its source), a CrystalDescription; None where none has one.  ``structure`` (a database record's, e.g.
    "corundum", "4H (hexagonal)"): only a record whose prototype names its first word is taken (the database's
    amorphous SiO2 is not the table's quartz)."""
    from ..literature.crystals import CrystalDescription, crystal_for, crystal_names

    known = set(crystal_names())
    word = (structure or "").split(" ")[0].lower()
    for name in names:
        if name in known and isinstance(found := crystal_for(name), CrystalDescription):
            if structure is None or (word and word in found.prototype.lower()):
                return found
    return None


def _recorded(names: Sequence[str], structure: str | None = None) -> tuple[Any, str, str] | None:
    """:func:`recorded_crystal`'s crystal built (:func:`kapitza.atomistic.prototypes.build`), the words that say
    so, and the record's name."""
    from ..atomistic.prototypes import build

    found = recorded_crystal(names, structure)
    if found is None:
        return None
    a, _, c = found.cellpar[:3]
    shape = f"a = {a:.4f} A" if math.isclose(a, c) else f"a = {a:.4f}, c = {c:.4f} A"
    return build(found), f"the recorded {found.name} ({found.prototype}, {shape}; kapitza's crystal table)", found.name


def _database_structure(material: Material) -> SideStructure:
    """The perfect crystal of a database material from its structure and lattice constant (A)."""
    from ase.build import bulk

    structure = str(material.structure or "")
    if structure not in BUILDABLE or material.lattice_constant is None:
        recorded = _recorded((material.name, *material.aliases), structure)
        if recorded is not None:
            atoms, words, record = recorded
            words = f"database {material.name} ({structure}): {words}"
            return SideStructure(atoms, material.name, words, material, record)
        other = recorded_crystal((material.name, *material.aliases))
        beside = (
            f" (kapitza's crystal table records {other.prototype} under the name {other.name}: give a structure "
            "file of it to use that crystal)"
            if other is not None
            else ""
        )
        raise InputError(
            f"{material.name}: the database holds no crystal kapitza can build for its structure {structure!r} "
            "(only one lattice constant is stored, and kapitza's crystal table records no crystal of that structure "
            f"under its name); give a structure file (CIF, POSCAR, extxyz) of it instead{beside}"
        )
    a = material.lattice_constant / ANGSTROM
    formula = material.formula or material.name
    try:
        atoms = bulk(formula, structure, a=a, cubic=True)
    except (RuntimeError, ValueError, KeyError):  # not cubic (hcp, wurtzite): ASE's primitive cell
        atoms = bulk(formula, structure, a=a)
    return SideStructure(atoms, material.name, f"database {material.name} ({structure}, a = {a:.4f} A)", material)


# -- the conventional cell and the supercell -------------------------------------------------------------------------


def conventional_cell(atoms: Any, symprec: float = SYMPREC) -> tuple[Any, NDArray[np.float64], str]:
    """(conventional cell as ase.Atoms in spglib's standard orientation, phonopy's primitive matrix, space group).

    spglib's standardised, idealised conventional cell (rotated into the standard frame: cube axes along x, y, z;
    hexagonal a along x and c along z); the primitive matrix maps it to the primitive cell (phonopy's convention:
    primitive lattice = conventional lattice x matrix, as columns).  A structure without a symmetry dataset is
    taken as it is (identity matrix, space group "unknown").
    """

    import spglib
    from ase import Atoms
    from phonopy.structure.atoms import PhonopyAtoms
    from phonopy.structure.cells import guess_primitive_matrix

    from ..atomistic.bulk import symmetry_dataset

    data = symmetry_dataset(atoms, symprec)
    if data is None:
        return atoms.copy(), np.eye(3), "unknown"
    cell = (np.asarray(atoms.cell, dtype=float), atoms.get_scaled_positions(), atoms.numbers)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # spglib's old error handling (see symmetry_dataset)
        lattice, positions, numbers = spglib.standardize_cell(
            cell, to_primitive=False, no_idealize=False, symprec=symprec
        )
    mass_of = dict(zip(atoms.numbers.tolist(), atoms.get_masses().tolist()))
    conv = Atoms(numbers=numbers, cell=lattice, scaled_positions=positions, pbc=True)
    conv.set_masses([mass_of[int(z)] for z in numbers])
    unit = PhonopyAtoms(
        numbers=conv.numbers,
        cell=np.asarray(conv.cell),
        scaled_positions=conv.get_scaled_positions(),
        masses=conv.get_masses(),  # ASE's, as everywhere here (phonopy's table lacks some elements, e.g. Po)
    )
    pmat = guess_primitive_matrix(unit, symprec=symprec)
    return conv, np.asarray(pmat, dtype=float), f"{data.international} ({data.number})"


def perpendicular_widths(cell: NDArray[np.float64]) -> NDArray[np.float64]:
    """Distances between opposite faces of the cell (rows: lattice vectors, any length unit), shape (3,)."""
    cell = np.asarray(cell, dtype=float)
    volume = abs(float(np.linalg.det(cell)))
    return np.array([volume / np.linalg.norm(np.cross(cell[(i + 1) % 3], cell[(i + 2) % 3])) for i in range(3)])


def supercell_multiples(cell_angstrom: NDArray[np.float64], min_width_angstrom: float) -> tuple[int, int, int]:
    """The smallest diagonal multiples (n1, n2, n3) of ``cell`` (A, rows) whose every perpendicular width is at
    least ``min_width_angstrom``."""
    widths = perpendicular_widths(cell_angstrom)
    n = np.maximum(1, np.ceil(min_width_angstrom / widths - 1e-9)).astype(int)
    return int(n[0]), int(n[1]), int(n[2])


def _supercell(
    conv: Any, supercell: int | Sequence[int] | None, min_width: float, max_atoms: int, name: str
) -> tuple[int, int, int]:
    if supercell is None:
        n = supercell_multiples(np.asarray(conv.cell), min_width)
    else:
        values = [supercell] * 3 if np.ndim(supercell) == 0 else list(supercell)  # type: ignore[list-item]
        try:
            ints = [int(v) for v in values]
        except (TypeError, ValueError):
            raise InputError(f"supercell must be one or three positive integers, got {supercell!r}") from None
        if len(ints) != 3 or min(ints) < 1 or any(float(v) != i for v, i in zip(values, ints)):
            raise InputError(f"supercell must be one or three positive integers, got {supercell!r}")
        n = (ints[0], ints[1], ints[2])
    atoms = len(conv) * n[0] * n[1] * n[2]
    if atoms > max_atoms:
        raise InputError(
            f"{name}: the supercell {n[0]}x{n[1]}x{n[2]} of the {len(conv)}-atom conventional cell has {atoms} atoms, "
            f"above max_supercell_atoms={max_atoms}; raise it, or give a smaller supercell (or min_width_angstrom)"
        )
    return n


def machine_memory_gb() -> float:
    """The memory this process may use, GB: the machine's physical memory, or its control group's limit where
    that is lower (a container, a batch job)."""
    total = float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path, encoding="ascii") as f:
                text = f.read().strip()
        except (OSError, UnicodeDecodeError):
            continue
        if text.isdigit():
            total = min(total, float(text))
    return total / 1e9


def supercell_memory(
    conv: Any, pmat: NDArray[np.float64], n: tuple[int, int, int], source: CalculatorSource
) -> tuple[float, bool]:
    """(bytes, known): the stated peak resident memory of the process that computes the force constants of the
    ``n`` supercell of ``conv`` (``pmat``: its primitive matrix) with ``source`` -- the libraries
    (:data:`LIBRARY_BYTES`), the potential loaded and its working memory in one force call
    (:func:`kapitza.atomistic.calculator_forces.force_call_memory`, from the footprints measured by
    ``benchmarks/mlip_memory.py``; CHGNet packs phonopy's displaced structures into one batch up to its size), the
    displaced structures and their forces, and phonopy's force constants (six copies of 9 N^2 float64: three, and
    three while the rotational sum rule is restored, :mod:`kapitza.phonons.invariance`: 72 MB measured for 588
    atoms, 2.9 copies).  Counted
    on the structure as given, before relaxation.  ``known`` is False for a calculator without a measured
    footprint: its model and force calls are not counted."""
    from ..atomistic.calculator_forces import force_call_memory

    supercell = conv.repeat(n)
    atoms = len(supercell)
    structures = displaced_count(conv, pmat)  # phonopy's displaced structures, all handed over at once
    call = force_call_memory(source.name, supercell, structures)
    displaced = DISPLACED_BYTES_PER_ATOM * atoms * structures
    force_constants = 6 * 9 * 8.0 * atoms**2
    total = LIBRARY_BYTES + call["resident"] + call["work"] + displaced + force_constants  # work: 0 on a GPU
    return float(total), bool(call["known"])


def displaced_count(conv: Any, pmat: NDArray[np.float64]) -> int:
    """Phonopy's displaced supercells (plus and minus) of a diagonal supercell of ``conv``: the count is the
    conventional cell's, its symmetry-distinct atoms and their site symmetry (fast)."""
    ph = _phonopy(conv, pmat, (1, 1, 1))
    ph.generate_displacements(distance=DISPLACEMENT_ANGSTROM, is_plusminus=True)
    return len(ph.displacements)


def supercell_gpu_memory(
    conv: Any, pmat: NDArray[np.float64], n: tuple[int, int, int], source: CalculatorSource
) -> dict[str, Any]:
    """The force call of :func:`supercell_memory` by device
    (:func:`kapitza.atomistic.calculator_forces.force_call_memory`): ``gpu`` is the GPU memory of the model and the
    call's work where the potential runs on a CUDA GPU, 0 on the CPU."""
    from ..atomistic.calculator_forces import force_call_memory

    return force_call_memory(source.name, conv.repeat(n), displaced_count(conv, pmat))


def memory_limit_gb(max_memory_gb: float | None) -> float:
    """The bound in GB: the user's, or this machine's memory (:func:`machine_memory_gb`)."""
    if max_memory_gb is None:
        return machine_memory_gb()
    from .. import _checks

    return _checks.memory_bound_gb(max_memory_gb, "max_memory_gb")


def bound_words(limit: float, given: bool) -> str:
    """The memory bound a refusal names: the caller's ``max_memory_gb``, or this machine's memory."""
    return f"max_memory_gb={limit:g}" if given else f"this machine's {limit:.3g} GB (max_memory_gb)"


def _check_memory(
    conv: Any,
    pmat: NDArray[np.float64],
    n: tuple[int, int, int],
    source: CalculatorSource,
    limit: float,
    name: str,
    given: bool,
) -> float:
    """The stated memory of the ``n`` supercell in GB, or InputError if above ``limit`` (before any force)."""
    need, known = supercell_memory(conv, pmat, n, source)
    if need > limit * 1e9:
        bound = bound_words(limit, given)
        counted = (
            "the model and one force call on the supercell"
            if known
            else "kapitza's own arrays only: no measured footprint for this calculator"
        )
        raise MemoryBoundError(
            f"{name}: the force constants of the {_cells(n, len(conv))} supercell need ~{need / 1e9:.3g} GB with the "
            f"{source.name} potential (per process: {counted}), above {bound}; "
            "raise it, or give a smaller supercell (or min_width_angstrom)"
        )
    from ..atomistic.calculator_forces import call_device, check_gpu_memory

    if call_device(source.name).startswith("cuda"):  # the call's work is the GPU's: checked against its free memory
        what = f"{name}: the force constants of the {_cells(n, len(conv))} supercell"
        check_gpu_memory(supercell_gpu_memory(conv, pmat, n, source), what)
    return need / 1e9 if known else 0.0


# -- the work ------------------------------------------------------------------------------------------------------


def crystal_phonons(
    side: Any,
    calculator: str | CalculatorSource | None = None,
    *,
    name: str | None = None,
    relax: bool = True,
    fmax_ev_per_angstrom: float = FMAX_EV_PER_ANGSTROM,
    steps: int = MAX_STEPS,
    min_width_angstrom: float = MIN_WIDTH_ANGSTROM,
    supercell: int | Sequence[int] | None = None,
    displacement_angstrom: float = DISPLACEMENT_ANGSTROM,
    max_supercell_atoms: int = MAX_SUPERCELL_ATOMS,
    max_memory_gb: float | None = None,
    cache: bool = True,
    progress: Progress | None = None,
    runner: Any = None,
) -> StructurePhonons:
    """Phonons of a bulk crystal from its structure with a calculator: relaxed, force constants, checked stable.

    Parameters
    ----------
    side : str, path, Material, ase.Atoms or dict
        See :func:`side_structure`.
    calculator : str or CalculatorSource, optional
        A built-in potential ("chgnet", "chgnet-r2scan", "sevennet", "sevennet-l3i5") or "module:factory";
        default :data:`~kapitza.atomistic.calculators.DEFAULT_CALCULATOR`.
    name : str, optional
        Name of the crystal (default: the database name or the structure's reduced formula).
    relax : bool
        Relax cell and positions first (default); False uses the structure as given.
    fmax_ev_per_angstrom : float
        Relaxation convergence, eV/A (largest residual on atoms and cell).
    steps : int
        Most relaxation steps.
    min_width_angstrom : float
        Supercell rule: smallest perpendicular width, A (ignored with ``supercell``).
    supercell : int or (3,) ints, optional
        Multiples of the conventional cell, instead of the rule.
    displacement_angstrom : float
        Finite-difference step, A.
    max_supercell_atoms : int
        Refuse larger supercells (before any force is computed).
    max_memory_gb : float, optional
        Refuse a supercell whose stated peak resident memory (:func:`supercell_memory`, per process) is above this,
        GB, before any force is computed; the widening search stops below it.  Default: this machine's memory
        (:func:`machine_memory_gb`).  A user's ``module:factory`` has no measured footprint: only kapitza's own
        arrays are counted.
    cache : bool
        Read and write the on-disk cache.
    progress : callable, optional
        ``progress(stage, done, total)`` with stage "relaxation", "displacements" or "stability".
    runner : ForceRunner, optional
        Where the displaced supercells' force calls run (:mod:`kapitza.atomistic.force_tasks`): this process (the
        default) or the tasks of a dask cluster; each supercell's forces are cached by content either way, so an
        interrupted computation resumes from the supercells it finished.

    Returns
    -------
    StructurePhonons

    Raises
    ------
    InputError
        A structure that does not parse or is not an ordered periodic crystal; elements the potential was not
        trained on; a relaxation that does not converge; a bad setting.  Nothing is cached then.
    DynamicalInstabilityError
        (an InputError) Imaginary frequencies beyond the tolerance (the message gives the q-point and the frequency,
        ``imaginary_thz`` its magnitude), near Gamma in the widest supercell tried; where the memory bound stopped
        the widening, MemoryBoundError instead (with more memory a wider supercell might be stable).
    MissingDependencyError
        The calculator's package (``pip install 'kapitza[mlip]'``), phonopy or ASE.
    """
    import_phonopy()
    from ..atomistic.force_tasks import ForceRunner

    source = calculator if isinstance(calculator, CalculatorSource) else calculator_source(calculator)
    if runner is not None and not isinstance(runner, ForceRunner):
        raise InputError(f"runner must be a kapitza.atomistic.force_tasks.ForceRunner, got {type(runner).__name__}")
    runner = ForceRunner.here() if runner is None else runner
    step = _positive(displacement_angstrom, "displacement_angstrom", "A")
    fmax = _positive(fmax_ev_per_angstrom, "fmax_ev_per_angstrom", "eV/A")
    n_steps = int(_positive(steps, "steps", ""))
    plan = _plan(side, source, name, min_width_angstrom, supercell, max_supercell_atoms, max_memory_gb)
    atoms, label, described, database, conv, pmat, group, n, cap, limit, _ = plan
    widths, stopped = [n], ""
    if supercell is None:
        widths, stopped = _wider(conv, n, cap, lambda m: supercell_memory(conv, pmat, m, source)[0], limit)
    cost = _cost(plan, source, widths, stopped, relax, n_steps)
    found: dict[str, Any] = {}
    said = {"done": False}

    def announce() -> None:  # before the first force call (a crystal read whole from the cache makes none)
        if not said["done"] and cost.known:  # a calculator without a measured cost: in the result only
            said["done"] = True
            say(cost.line())

    def one(n: tuple[int, int, int]) -> Mapping[str, NDArray[Any]]:
        return _cached(conv, pmat, n, source, described, relax, fmax, n_steps, step, cache, progress, runner,
                       announce)  # fmt: skip

    def search() -> dict[str, NDArray[Any]]:
        """The first supercell of ``widths`` with no near-Gamma imaginary modes (stored only when one is found)."""
        widened = ""
        for k, m in enumerate(widths):
            try:
                found["stored"] = one(m)
            except _NearGamma as exc:
                if k + 1 == len(widths):
                    tried = "" if k == 0 else f" (also in the widest supercell tried, {_cells(m, len(conv))})"
                    unstable, verdict = _elastic_verdict(exc.relaxed, source)
                    if unstable:  # the potential's own verdict: no supercell helps, whatever the memory bound
                        raise DynamicalInstabilityError(f"{exc}{tried}; refused: {verdict}", exc.imaginary_thz,
                                                        elastically_unstable=True) from None  # fmt: skip
                    # stopped by the memory bound (``stopped`` says what the next width would need): a wider
                    # supercell might be stable, so the bound refuses it, not the potential
                    verdict = f" ({verdict})" if verdict else ""
                    words = (
                        f"{exc}{tried}; refused: not a minimum of this potential, or its force constants reach beyond "
                        f"the supercells max_supercell_atoms and max_memory_gb allow{verdict}{stopped}"
                    )
                    if stopped:
                        raise MemoryBoundError(words) from None
                    raise DynamicalInstabilityError(words, exc.imaginary_thz) from None
                widened = f"widened from {_cells(widths[0], len(conv))}, which gave {str(exc).split(': ', 1)[-1]}"
                continue
            return {"supercell": np.array(m), "widened": np.array(widened)}
        raise AssertionError("unreachable: the last width returns or raises")

    if len(widths) == 1:
        choice = {"supercell": np.array(n), "widened": np.array("")}
        if supercell is None:  # the rule's supercell is already the widest the bounds allow: search() words a
            choice = search()  # near-Gamma failure as the refusal it is (its cache is not used for one width)
    else:  # which width the search ends at, cached so a second call reads the accepted supercell at once

        def tried(c: Mapping[str, NDArray[Any]]) -> str | None:  # read back only as one of the widths searched
            return None if tuple(c["supercell"]) in widths else "a supercell the search does not try"

        choice = cached_arrays("structure-phonons-search", _parts(conv, source, relax, fmax, n_steps, step) | {
            "widths": [list(m) for m in widths], "search_format": SEARCH_FORMAT, "rules": STABILITY_RULES},
            search, enabled=cache, shapes={"supercell": (3,), "widened": ()}, check=tried)  # fmt: skip
    n = (int(choice["supercell"][0]), int(choice["supercell"][1]), int(choice["supercell"][2]))
    stored = found.get("stored") or one(n)
    formula = reduced_formula(atoms.get_chemical_symbols())
    result = _assemble(stored, pmat, n, source, label, described, database, relax, group, step, formula)
    widened = str(choice["widened"])
    if n == plan.supercell:
        memory = plan.memory_gb
    else:  # a wider supercell of the search: within the bound by _wider, so this states it
        memory = _check_memory(conv, pmat, n, source, limit, described, max_memory_gb is not None)
    used = next((c for c in cost.supercells if c.what == f"supercell {_cells(n, len(conv))}"), None)
    seconds = 0.0 if used is None or used.seconds is None else float(used.seconds)
    return dataclasses.replace(result, widened=widened, memory_gb=memory, seconds_stated=seconds, cost=cost.line())


def planned_memory_gb(
    side: Any,
    calculator: str | CalculatorSource | None = None,
    *,
    name: str | None = None,
    min_width_angstrom: float = MIN_WIDTH_ANGSTROM,
    supercell: int | Sequence[int] | None = None,
    max_supercell_atoms: int = MAX_SUPERCELL_ATOMS,
    max_memory_gb: float | None = None,
) -> float:
    """The stated memory (GB per process, 0 where the calculator has no measured footprint) of the rule's supercell
    of ``side``, checked as :func:`crystal_phonons` checks it (same arguments), without computing anything: so a
    caller that builds several crystals refuses before the first one's forces.  Raises InputError as
    :func:`crystal_phonons` would before its first force call."""
    source = calculator if isinstance(calculator, CalculatorSource) else calculator_source(calculator)
    return _plan(side, source, name, min_width_angstrom, supercell, max_supercell_atoms, max_memory_gb).memory_gb


def planned_cost(
    side: Any,
    calculator: str | CalculatorSource | None = None,
    *,
    name: str | None = None,
    relax: bool = True,
    steps: int = MAX_STEPS,
    min_width_angstrom: float = MIN_WIDTH_ANGSTROM,
    supercell: int | Sequence[int] | None = None,
    max_supercell_atoms: int = MAX_SUPERCELL_ATOMS,
    max_memory_gb: float | None = None,
) -> PhononCost:
    """What :func:`crystal_phonons` (same arguments) will state before its first force call, without computing
    anything: the rule's supercell and every wider one the stability-driven widening search may try under
    ``max_supercell_atoms`` and the memory bound, each with its force calls, their stated time and its stated memory.
    Raises InputError as :func:`crystal_phonons` would before its first force call."""
    source = calculator if isinstance(calculator, CalculatorSource) else calculator_source(calculator)
    plan = _plan(side, source, name, min_width_angstrom, supercell, max_supercell_atoms, max_memory_gb)
    conv, pmat, n = plan.conventional, plan.primitive_matrix, plan.supercell
    widths, stopped = [n], ""
    if supercell is None:
        widths, stopped = _wider(conv, n, plan.max_atoms, lambda m: supercell_memory(conv, pmat, m, source)[0],
                                 plan.limit_gb)  # fmt: skip
    return _cost(plan, source, widths, stopped, relax, int(_positive(steps, "steps", "")))


@dataclass(frozen=True)
class PhononCost:
    """The stated cost of a crystal's phonons (:func:`planned_cost`), said before the first force call.

    Attributes
    ----------
    crystal : str
        The crystal in words.
    calculator : str
        The calculator's name.
    relaxation : Stage or None
        The relaxation of the conventional cell: at most ``steps`` force calls (None with ``relax=False``).
    supercells : tuple of Stage
        The rule's supercell, then every wider one the widening search may try (each relaxed and displaced again
        only if the one before it has imaginary modes next to Gamma): its displaced supercells as force calls.
    stopped : str
        Why the search stops where it does, when the memory bound stops it ("" where the atom cap does).
    """

    crystal: str
    calculator: str
    relaxation: Stage | None
    supercells: tuple[Stage, ...]
    stopped: str = ""

    @property
    def known(self) -> bool:
        """Whether the calculator has a measured per-call cost (:data:`kapitza.atomistic.force_cost.CALL_COSTS`)."""
        return self.supercells[0].seconds_per_call is not None

    def seconds(self, widest: bool = False) -> float | None:
        """The stated time of the force calls, s: the rule's supercell and its relaxation, or with ``widest`` every
        supercell the search may try, each with its relaxation (the worst case); None where not known."""
        if not self.known:
            return None
        tried = self.supercells if widest else self.supercells[:1]
        relax = 0.0 if self.relaxation is None else float(self.relaxation.seconds or 0.0)
        return float(sum(float(c.seconds or 0.0) + relax for c in tried))

    def line(self) -> str:
        """The statement, one line."""
        first = self.supercells[0]
        head = f"{self.crystal}: phonons with {self.calculator}: {stage_words(first)}"
        if self.relaxation is not None and self.known:
            r = self.relaxation
            head += f" (and the relaxation: at most {r.calls} force calls x {duration_words(r.seconds_per_call or 0)})"
        if not self.known:
            head += f"; {unknown_words(self.calculator)}"
        if len(self.supercells) == 1:
            return head + "; no wider supercell within the bounds"
        last = self.supercells[-1]
        total = self.seconds(widest=True)
        at = f"~{last.memory_gb:.2g} GB" if last.memory_gb > 0 else "memory not stated"
        wider = len(self.supercells) - 1
        worst = "" if total is None else f"; worst case {duration_words(total)} in all, relaxations at their bound"
        return (
            f"{head}; if imaginary modes next to Gamma widen it, {wider} wider supercell{'s' if wider > 1 else ''} "
            f"up to {last.what}: {last.calls} force calls"
            + ("" if last.seconds is None else f" x {duration_words(last.seconds_per_call or 0)}")
            + f", {at} at the widest{self.stopped}{worst}"
        )


def _cost(
    plan: _Plan,
    source: CalculatorSource,
    widths: Sequence[tuple[int, int, int]],
    stopped: str,
    relax: bool,
    steps: int,
) -> PhononCost:
    """The stated cost of the widths a search may try (the first is the plan's)."""
    conv, pmat = plan.conventional, plan.primitive_matrix
    calls = displaced_count(conv, pmat)
    supercells = []
    for m in widths:
        memory = plan.memory_gb if m == plan.supercell else supercell_memory(conv, pmat, m, source)[0] / 1e9
        memory = memory if plan.memory_gb > 0 else 0.0  # a calculator without a footprint: not stated
        supercells.append(stage(source.name, f"supercell {_cells(m, len(conv))}", conv.repeat(m), calls, memory))
    relaxation = stage(source.name, f"the {len(conv)}-atom cell", conv, steps) if relax else None
    return PhononCost(plan.described, source.name, relaxation, tuple(supercells), stopped)


class _Plan(NamedTuple):
    """What :func:`_plan` checked before any force."""

    atoms: Any
    label: str
    described: str
    database: Material | None
    conventional: Any
    primitive_matrix: NDArray[np.float64]
    spacegroup: str
    supercell: tuple[int, int, int]
    max_atoms: int
    limit_gb: float
    memory_gb: float  # the rule's supercell's stated memory (0: not stated)


def _plan(
    side: Any,
    source: CalculatorSource,
    name: str | None,
    min_width: Any,
    supercell: Any,
    max_atoms: Any,
    max_memory_gb: float | None,
) -> _Plan:
    """The checks before any force: the structure, its conventional cell and the rule's supercell, within the atom
    cap and the memory bound."""
    atoms, label, described, database, _ = side_structure(side, name)
    check_crystal(atoms, described)
    width = _positive(min_width, "min_width_angstrom", "A")
    cap = int(_positive(max_atoms, "max_supercell_atoms", "atoms"))
    limit = memory_limit_gb(max_memory_gb)
    conv, pmat, group = conventional_cell(atoms)
    n = _supercell(conv, supercell, width, cap, described)
    memory = _check_memory(conv, pmat, n, source, limit, described, max_memory_gb is not None)
    return _Plan(atoms, label, described, database, conv, pmat, group, n, cap, limit, memory)


def _cells(n: tuple[int, int, int], per_cell: int) -> str:
    return f"{n[0]}x{n[1]}x{n[2]} ({per_cell * n[0] * n[1] * n[2]} atoms)"


def _wider(
    conv: Any, n: tuple[int, int, int], cap: int, need: Callable[[tuple[int, int, int]], float], limit: float
) -> tuple[list[tuple[int, int, int]], str]:
    """The rule's supercell, then the supercells of the next widths (each adds cells along every shortest
    direction), while they hold at most ``cap`` atoms and ``need`` (bytes) at most ``limit`` GB: where near-Gamma
    imaginary modes send the search.  Second item: why the next width was not taken, when memory stopped it."""
    out = [n]
    widths = perpendicular_widths(np.asarray(conv.cell)) * np.asarray(n)
    target = float(widths.min())
    while True:
        target *= 1.2
        m = supercell_multiples(np.asarray(conv.cell), target)
        m = (max(m[0], out[-1][0]), max(m[1], out[-1][1]), max(m[2], out[-1][2]))
        if m == out[-1]:
            continue
        if len(conv) * m[0] * m[1] * m[2] > cap:
            return out, ""
        needed = need(m)
        if needed > limit * 1e9:
            return out, f"; the next, {_cells(m, len(conv))}, would need ~{needed / 1e9:.3g} GB"
        out.append(m)


def _cached(
    conv: Any,
    pmat: NDArray[np.float64],
    n: tuple[int, int, int],
    source: CalculatorSource,
    described: str,
    relax: bool,
    fmax: float,
    n_steps: int,
    step: float,
    cache: bool,
    progress: Progress | None,
    runner: Any,
    announce: Callable[[], None] | None = None,
) -> Mapping[str, NDArray[Any]]:
    """The stored arrays of one supercell: from the cache, or computed (and stored only if stable); ``announce()``
    is called before the first force call of a computation."""
    parts = _parts(conv, source, relax, fmax, n_steps, step) | {"supercell": list(n)}

    def compute() -> dict[str, NDArray[Any]]:
        if announce is not None:
            announce()
        return _compute(conv, pmat, n, source, described, relax, fmax, n_steps, step, progress, runner, cache)

    m, cells = len(conv), len(conv) * n[0] * n[1] * n[2]
    shapes = {"cell": (3, 3), "positions": (m, 3), "numbers": (m,), "masses": (m,), "input_cell": (6,),
              "force_constants": (cells, cells, 3, 3), "lowest_thz": ()}  # fmt: skip
    if relax:
        shapes |= {"relax_steps": (), "relax_residual": (), "relax_fmax": (), "relax_max_steps": ()}
    check = every(finite, force_constant_rules("force_constants", "phonopy"))
    return cached_arrays("structure-phonons", parts, compute, enabled=cache, shapes=shapes, check=check)


def _parts(conv: Any, source: CalculatorSource, relax: bool, fmax: float, n_steps: int, step: float) -> dict[str, Any]:
    """The cache key of a crystal's phonons, but for the supercell."""
    return {
        "format": CACHE_FORMAT,
        "numbers": conv.numbers,
        "cell": np.asarray(conv.cell),
        "positions": conv.get_scaled_positions(),
        "masses": conv.get_masses(),
        "calculator": dict(source.identity),
        "relax": bool(relax),
        "fmax": fmax if relax else None,
        "steps": n_steps if relax else None,
        "symprec": SYMPREC,
        "displacement": step,
        "plus_minus": True,
        "unstable_fraction": UNSTABLE_FRACTION,
        "stability_mesh": STABILITY_MESH,
    }


def _positive(value: Any, what: str, unit: str) -> float:
    from .. import _checks

    return _checks.positive(value, what, unit)


def _compute(
    conv: Any,
    pmat: NDArray[np.float64],
    n: tuple[int, int, int],
    source: CalculatorSource,
    described: str,
    relax: bool,
    fmax: float,
    steps: int,
    step: float,
    progress: Progress | None,
    runner: Any,
    cache: bool = True,
) -> dict[str, NDArray[Any]]:
    """Relaxation, force constants and stability check; the arrays the cache stores (raises before storing).  The
    displaced supercells' forces come from ``runner`` (each cached by content where ``cache``)."""
    from ..atomistic.bulk import relax_crystal

    source.check_elements(conv.get_chemical_symbols(), described)
    before = np.asarray(conv.cell.cellpar(), dtype=float)
    record = None
    if relax:
        relaxed, record = relax_crystal(
            conv,
            source.calculator(),
            described,
            fmax_ev_per_angstrom=fmax,
            steps=steps,
            symprec=SYMPREC,
            progress=progress,
        )
    else:
        relaxed = conv
    ph = _phonopy(relaxed, pmat, n)
    ph.generate_displacements(distance=step, is_plusminus=True)
    cells = [_to_ase(c) for c in ph.supercells_with_displacements]
    ph.forces = runner.forces(source, cells, progress=progress, stage="displacements", cache=cache)
    ph.produce_force_constants()
    ph.symmetrize_force_constants()
    fc = np.array(ph.force_constants, dtype=float)  # stored as computed; the sum rule is restored on every use
    ph.force_constants = np.array(restore_rotational_sum_rule(fc, ph).force_constants)
    crystal = HarmonicCrystal(name=described, source="", phonopy=ph)
    lowest, where, where_q = _lowest_frequency(crystal, progress)
    highest = float(np.max(crystal.frequencies(np.zeros((1, 3))))) / RAD_S_PER_THZ
    highest = max(highest, _highest_on_mesh(crystal))
    if not highest > MIN_HIGHEST_THZ:
        raise InputError(
            f"{described}: no phonons with the {source.name} potential (highest frequency {highest:.3g} THz): "
            "its atoms do not interact (too far apart for the potential's range?)"
        )
    if lowest < -UNSTABLE_FRACTION * highest:
        if _near_gamma(where_q, pmat, n):
            raise _NearGamma(
                f"{described}: imaginary acoustic frequency {abs(lowest):.3g}i THz next to Gamma at {where} with the "
                f"{source.name} potential (tolerance {UNSTABLE_FRACTION:g} of the highest frequency, "
                f"{UNSTABLE_FRACTION * highest:.3g} THz)",
                relaxed,
                abs(lowest),
            )
        raise DynamicalInstabilityError(
            f"{described}: dynamically unstable with the {source.name} potential: imaginary frequency "
            f"{abs(lowest):.3g}i THz at {where} (tolerance {UNSTABLE_FRACTION:g} of the highest frequency, "
            f"{UNSTABLE_FRACTION * highest:.3g} THz); the structure is not a minimum of this potential",
            abs(lowest),
        )
    soft = _soft_long_wavelength(crystal)
    if soft is not None:
        raise _NearGamma(
            f"{described}: elastically unstable with the {source.name} potential: an acoustic frequency near Gamma "
            f"is {soft[1]:.3g} THz (imaginary or zero) along k = ({', '.join(f'{v:.3g}' for v in soft[0])}) "
            "(Cartesian direction, standard cell): the crystal has no long-wavelength phonons with these force "
            "constants",
            relaxed,
            abs(min(soft[1], 0.0)),
        )
    out = {
        "cell": np.asarray(relaxed.cell, dtype=float),
        "positions": relaxed.get_scaled_positions(),
        "numbers": np.asarray(relaxed.numbers),
        "masses": relaxed.get_masses(),
        "force_constants": fc,
        "input_cell": before,
        "lowest_thz": np.array(lowest),
    }
    if record is not None:
        out |= {
            "relax_steps": np.array(record.steps),
            "relax_residual": np.array(record.residual),
            "relax_fmax": np.array(record.fmax),
            "relax_max_steps": np.array(record.max_steps),
        }
    return out


def _phonopy(atoms: Any, pmat: NDArray[np.float64], n: tuple[int, int, int]) -> Any:
    phonopy = import_phonopy()
    from phonopy.structure.atoms import PhonopyAtoms

    unit = PhonopyAtoms(
        symbols=atoms.get_chemical_symbols(),
        cell=np.asarray(atoms.cell, dtype=float),
        scaled_positions=atoms.get_scaled_positions(),
        masses=atoms.get_masses(),
    )
    with warnings.catch_warnings():
        # phonopy's note where the supercell's lattice has another point group than the primitive cell's (a
        # diagonal supercell of the hexagonal axes of a rhombohedral crystal, Bi): the crystal's own symmetry is
        # what the force constants keep, and the note reached the user as a Python-formatted line
        warnings.filterwarnings("ignore", message=".*Point group symmetries of supercell and primitivecell")
        return phonopy.Phonopy(unit, supercell_matrix=np.diag(n), primitive_matrix=pmat, symprec=SYMPREC)


def _to_ase(cell: Any) -> Any:
    from ase import Atoms

    return Atoms(symbols=cell.symbols, cell=cell.cell, scaled_positions=cell.scaled_positions, pbc=True)


def _mesh(n: int) -> NDArray[np.float64]:
    """Gamma-centred mesh of reduced q-points, n per direction, shape (n^3, 3)."""
    g = np.arange(n) / n
    return np.stack(np.meshgrid(g, g, g, indexing="ij"), axis=-1).reshape(-1, 3)


def _highest_on_mesh(crystal: HarmonicCrystal) -> float:
    return float(crystal.frequencies(_mesh(4)).max()) / RAD_S_PER_THZ


def _path(crystal: HarmonicCrystal, points: int = 24) -> tuple[NDArray[np.float64], list[str | None]]:
    """Reduced q-points along the high-symmetry path of :func:`kapitza.phonons.bands.high_symmetry_path`, and the
    label of each (None between the labelled points)."""
    from .bands import high_symmetry_path

    segments, names = high_symmetry_path(crystal)
    ks, labels = [], []
    for corners, corner_names in zip(segments, names):
        for a, b, na, nb in zip(corners[:-1], corners[1:], corner_names[:-1], corner_names[1:]):
            t = np.linspace(0.0, 1.0, points)
            ks.append(a[None, :] + t[:, None] * (b - a)[None, :])
            labels += [na] + [None] * (points - 2) + [nb]
    return np.concatenate(ks) @ np.linalg.inv(crystal.reciprocal_basis).T, labels


def _lowest_frequency(crystal: HarmonicCrystal, progress: Progress | None) -> tuple[float, str, NDArray[np.float64]]:
    """Lowest frequency (THz, negative: imaginary) on the stability mesh and the path, where it is in words, and its
    reduced q."""
    if progress is not None:
        progress("stability", 0, 2)
    q = _mesh(STABILITY_MESH)
    f = crystal.frequencies(q) / RAD_S_PER_THZ
    i, _ = np.unravel_index(int(np.argmin(f)), f.shape)
    lowest, where, at = float(f.min()), _where(q[i]), q[i]
    if progress is not None:
        progress("stability", 1, 2)
    qp, labels = _path(crystal)
    fp = crystal.frequencies(qp) / RAD_S_PER_THZ
    if fp.min() < lowest:
        j, _ = np.unravel_index(int(np.argmin(fp)), fp.shape)
        lowest, where, at = (
            float(fp.min()),
            _where(qp[j]) + (f" ({labels[j]})" if labels[j] else " (on the path)"),
            qp[j],
        )
    if progress is not None:
        progress("stability", 2, 2)
    return lowest, where, at


class _NearGamma(DynamicalInstabilityError):
    """Imaginary or zero acoustic frequencies next to Gamma: first taken for a supercell too narrow (NEAR_GAMMA).
    ``relaxed``: the relaxed crystal whose force constants gave them; ``imaginary_thz``: the refused frequency's
    magnitude, THz."""

    def __init__(self, message: str, relaxed: Any = None, imaginary_thz: float = 0.0):
        super().__init__(message, imaginary_thz)
        self.relaxed = relaxed


def _elastic_verdict(relaxed: Any, source: CalculatorSource) -> tuple[bool, str]:
    """Whether the potential's clamped-ion elastic tensor of ``relaxed`` fails Born's criterion, and the words that
    say so (:func:`kapitza.atomistic.bulk.elastic_tensor`, :func:`kapitza.materials.elastic.born_stability`); (False,
    "") without a crystal or where the calculator gives no stress (a user's forces-only calculator)."""
    from ..atomistic.bulk import ELASTIC_STRAIN, elastic_tensor
    from ..materials.elastic import born_stability

    if relaxed is None:
        return False, ""
    try:
        smallest, _ = born_stability(elastic_tensor(relaxed, source.calculator()))
    except Exception:  # noqa: BLE001 - a foreign calculator without stress: the refusal goes without the verdict
        return False, ""
    where = (
        "the clamped-ion elastic tensor of the relaxed crystal, from the potential's stress under "
        f"+-{ELASTIC_STRAIN:g} strains,"
    )
    if smallest < 0.0:
        return True, (
            f"elastically unstable with this potential: {where} has a negative eigenvalue, {smallest:.3g} GPa (Born's "
            "criterion; F. Mouhat and F.-X. Coudert, Phys. Rev. B 90, 224104 (2014)), so no wider supercell or "
            "more memory helps"
        )
    return False, f"{where} is positive definite: smallest eigenvalue {smallest:.3g} GPa"


def _near_gamma(q: NDArray[np.float64], pmat: NDArray[np.float64] | None = None, n: Sequence[int] = ()) -> bool:
    """Whether reduced ``q`` (primitive reciprocal basis) lies within :data:`NEAR_GAMMA` of Gamma (largest
    component, folded into the zone), or, given the primitive matrix ``pmat`` and the supercell's multiples ``n`` of
    the conventional cell, between Gamma and the supercell's first commensurate wave vectors (every component in
    the conventional reciprocal basis below 1/n): there the force constants give no frequency exactly and only
    their Fourier interpolation speaks, so a wider supercell is the check.  Measured: Ir with sevennet-l3i5 had
    0.994i THz at q = (0.0815, 0.0815, 0.163) in 3x3x3 (108 atoms; conventional (0.163, 0.163, 0), a third of
    the way to the first commensurate point) and none in 4x4x4 (256 atoms) or 5x5x5."""
    folded = np.asarray(q, dtype=float) - np.round(q)
    if np.max(np.abs(folded)) <= NEAR_GAMMA:
        return True
    if pmat is None or len(n) != 3:
        return False
    conventional = np.linalg.inv(np.asarray(pmat, dtype=float)).T @ folded  # q_conv = pmat^-T q_prim
    return bool(np.all(np.abs(conventional) * np.asarray(n, dtype=float) < 1.0 - 1e-9))


def fibonacci_directions(n: int) -> NDArray[np.float64]:
    """``n`` nearly uniform unit vectors (a Fibonacci sphere), shape (n, 3)."""
    i = np.arange(n) + 0.5
    z = 1.0 - 2.0 * i / n
    phi = np.pi * (1.0 + 5**0.5) * i
    r = np.sqrt(1.0 - z**2)
    return np.stack([r * np.cos(phi), r * np.sin(phi), z], axis=1)


def _soft_long_wavelength(crystal: HarmonicCrystal) -> tuple[NDArray[np.float64], float] | None:
    """The direction and the lowest acoustic frequency (THz) where one is not positive at the continuum limit's
    wave number (:data:`kapitza.phonons.full_dispersion.SLOPE_FRACTION` of the shortest reciprocal vector), or None."""
    from .full_dispersion import SLOPE_FRACTION

    k = SLOPE_FRACTION * float(np.linalg.norm(crystal.reciprocal_basis, axis=0).min())
    directions = fibonacci_directions(LONG_WAVELENGTH_DIRECTIONS)
    q = (directions * k) @ np.linalg.inv(crystal.reciprocal_basis).T
    acoustic = crystal.frequencies(q)[:, 0] / RAD_S_PER_THZ
    worst = int(np.argmin(acoustic))
    return (directions[worst], float(acoustic[worst])) if acoustic[worst] <= 0 else None


def _where(q: NDArray[np.float64]) -> str:
    q = np.asarray(q, dtype=float)
    q = q - np.round(q)  # into (-1/2, 1/2]
    shown = ", ".join(f"{v:.3g}" if abs(v) > 1e-12 else "0" for v in q)
    return f"q = ({shown}) (reduced, primitive reciprocal basis)"


def _assemble(
    stored: Mapping[str, NDArray[Any]],
    pmat: NDArray[np.float64],
    n: tuple[int, int, int],
    source: CalculatorSource,
    label: str,
    described: str,
    database: Material | None,
    relax: bool,
    group: str,
    step: float,
    formula: str,
) -> StructurePhonons:
    """The result from the stored arrays (the same whether computed now or read from the cache)."""
    from ase import Atoms

    relaxed = Atoms(numbers=stored["numbers"], cell=stored["cell"], scaled_positions=stored["positions"], pbc=True)
    relaxed.set_masses(stored["masses"])
    ph = _phonopy(relaxed, pmat, n)
    rotational = restore_rotational_sum_rule(np.asarray(stored["force_constants"], dtype=float), ph)
    ph.force_constants = np.array(rotational.force_constants)
    after = np.asarray(relaxed.cell.cellpar(), dtype=float)
    before = np.asarray(stored["input_cell"], dtype=float)
    record = None
    if relax:  # a stored relaxation meets today's rule too (an entry cached before it was made is not let through)
        check_relaxed_cell(before, after, described)
        record = Relaxation(
            converged=True,
            steps=int(stored["relax_steps"]),
            residual=float(stored["relax_residual"]),
            fmax=float(stored["relax_fmax"]),
            max_steps=int(stored["relax_max_steps"]),
            input_cell=before,
            relaxed_cell=after,
            spacegroup=group,
        )
    n_sc = len(relaxed) * n[0] * n[1] * n[2]
    geometry = (
        f"relaxed a, b, c = {after[0]:.4f}, {after[1]:.4f}, {after[2]:.4f} A (input {before[0]:.4f}, "
        f"{before[1]:.4f}, {before[2]:.4f})"
        if relax
        else f"as given, a, b, c = {after[0]:.4f}, {after[1]:.4f}, {after[2]:.4f} A (not relaxed)"
    )
    source_text = (
        f"{source.description}; {described}, {group}, {geometry}; {n[0]}x{n[1]}x{n[2]} conventional supercell "
        f"({n_sc} atoms), forces on displaced supercells ({step:g} A, plus and minus, phonopy symmetry)"
        + (f"; {rotational.describe()}" if rotational.corrected else "")
    )
    cubic = _is_cubic(after)
    crystal = HarmonicCrystal(
        name=label,
        source=source_text,
        phonopy=ph,
        lattice_constant=after[0] * ANGSTROM if cubic else None,
    )
    material = derived_material(
        crystal, f"{source.name} phonons of {described}", database, conventional=relaxed, formula=formula
    )
    return StructurePhonons(
        name=label,
        structure=described,
        calculator=source.name,
        calculator_description=source.description,
        crystal=crystal,
        material=material,
        relaxation=record,
        input_cell=tuple(float(v) for v in before),
        relaxed_cell=tuple(float(v) for v in after),
        spacegroup=group,
        supercell=n,
        supercell_atoms=n_sc,
        displacement=step,
        lowest_frequency=float(stored["lowest_thz"]),
        rotational=rotational.describe(),
    )


def _is_cubic(cellpar: NDArray[np.float64]) -> bool:
    a, b, c = cellpar[:3]
    return bool(np.allclose([b, c], a, rtol=1e-6) and np.allclose(cellpar[3:], 90.0, atol=1e-6))


# -- the material record derived from the phonons --------------------------------------------------------------------


def sound_speeds(crystal: HarmonicCrystal) -> tuple[float, float]:
    r"""Isotropic (v_l, v_t) in m/s from the long-wavelength density of states of the three acoustic bands.

    The continuum limit of :mod:`kapitza.phonons.modes` gives each acoustic band's density of states
    :math:`D_b\omega^2`, averaged over all directions (it does not depend on an interface normal); an isotropic
    branch of speed v has :math:`D = 1/(2\pi^2 v^3)`, so :math:`v_b = (2\pi^2 D_b)^{-1/3}` is its Debye-equivalent
    speed.  v_l is the highest acoustic band's; v_t averages the two others as the Debye model counts them,
    :math:`2/v_t^3 = 1/v_{TA1}^3 + 1/v_{TA2}^3`, so that :math:`3/v_D^3 = 1/v_l^3 + 2/v_t^3` holds with the
    crystal's own low-temperature density of states.
    """
    from .full_dispersion import continuum_limit

    limit = continuum_limit(crystal, (0.0, 0.0, 1.0))
    v = (2.0 * np.pi**2 * np.asarray(limit.dos, dtype=float)) ** (-1.0 / 3.0)
    v_l = float(v[2])
    v_t = float((2.0 / (v[0] ** -3 + v[1] ** -3)) ** (1.0 / 3.0))
    return v_l, v_t


def heat_capacity(crystal: HarmonicCrystal, temperature: float, mesh: int = HEAT_CAPACITY_MESH) -> float:
    r"""Harmonic heat capacity at constant volume, J m^-3 K^-1, from the phonon frequencies on a mesh.

    :math:`C_v = \frac{k_B}{N_q V}\sum_{q,b} \frac{x^2 e^x}{(e^x-1)^2}`, :math:`x = \hbar\omega_{qb}/k_BT`, on a
    Gamma-centred mesh (the three zero modes at Gamma count k_B each, their classical limit).  C_v, not c_p: the
    harmonic crystal does not expand (c_p - c_v of a solid near 300 K is a few per cent).
    """
    q = _mesh(mesh)
    omega = np.clip(crystal.frequencies(q), 0.0, None)
    x = HBAR * omega / (KB * float(temperature))
    small = x < 1e-6
    xs = np.where(small, 1.0, x)
    term = np.where(small, 1.0 - x**2 / 12.0, xs**2 * np.exp(-xs) / (-np.expm1(-xs)) ** 2)
    return float(KB * term.sum() / (len(q) * crystal.volume))


def derived_material(
    crystal: HarmonicCrystal,
    derivation: str,
    database: Material | None = None,
    *,
    conventional: Any = None,
    formula: str | None = None,
) -> Material:
    """The material record of ``crystal`` with every field phonons give derived from them.

    Derived (each with the source ``"derived from <derivation>: <how>"``): density and number density (the
    relaxed primitive cell and its masses), mean atomic mass, lattice constant (the conventional a), v_l and v_t
    (:func:`sound_speeds`), the elastic Debye temperature from them (the database's definition for materials
    without a calorimetric value, :func:`~kapitza.materials.debye_temperature.debye_temperature_from_speeds`),
    and the harmonic C_v at 300 K (:func:`heat_capacity`; C_v, not the database's c_p).  What phonons do not
    give -- the thermal conductivity, the melting point -- and the electron data (looked up by name) stay the
    database's where the crystal is a database material (named as one, or a structure of its formula); otherwise
    they are left out and the notes say :data:`NO_ELECTRONS` (a metal's electrons would add a series resistance
    kapitza cannot compute without their data), and :data:`METAL_WITHOUT_ELECTRONS` where the crystal is one
    metallic element (it then counts as a metal, :func:`kapitza.prediction.interface.is_metal`).

    Parameters
    ----------
    crystal : HarmonicCrystal
    derivation : str
        "<calculator> phonons of <structure>", written into every derived source.
    database : Material, optional
        The database material the crystal is (by name); otherwise looked up by the crystal's formula.
    conventional : ase.Atoms, optional
        The relaxed conventional cell (its a is the lattice constant); default the primitive cell's first vector.
    formula : str, optional
        The crystal's formula as its structure writes it (default: from the primitive cell's atoms).
    """
    masses = np.asarray(crystal.phonopy.primitive.masses, dtype=float) * AMU
    symbols = list(crystal.phonopy.primitive.symbols)
    if database is None:
        database = database_match(symbols)
    if database is not None and database.formula:
        formula = database.formula
    formula = formula or reduced_formula(symbols)
    name = database.name if database is not None else crystal.name
    volume = crystal.volume
    number_density = len(masses) / volume
    v_l, v_t = sound_speeds(crystal)
    theta = debye_temperature_from_speeds(v_l, v_t, number_density)
    cv = heat_capacity(crystal, RECORD_TEMPERATURE)
    if conventional is not None:
        a = float(np.linalg.norm(np.asarray(conventional.cell)[0])) * ANGSTROM
    else:
        a = float(np.linalg.norm(crystal.cell[0]))
    how = f"derived from {derivation}"
    sources = {
        "density": f"{how}: masses over the relaxed primitive-cell volume",
        "number_density": f"{how}: atoms over the relaxed primitive-cell volume",
        "mean_atomic_mass": f"{how}: mean mass of the atoms of the primitive cell",
        "lattice_constant": f"{how}: relaxed conventional a",
        "v_l": f"{how}: Debye-equivalent speed of the longitudinal acoustic band, (2 pi^2 D_LA)^(-1/3) from the "
        "long-wavelength density of states D omega^2",
        "v_t": f"{how}: Debye average of the two transverse acoustic bands, 2/v_t^3 = 1/v_TA1^3 + 1/v_TA2^3, each "
        "from the long-wavelength density of states",
        "debye_temperature": f"elastic: hbar v_D (6 pi^2 n)^(1/3) / k_B with 3/v_D^3 = 1/v_l^3 + 2/v_t^3, v_l, v_t "
        f"and n {how}",
        "heat_capacity": f"{how}: harmonic C_v at {RECORD_TEMPERATURE:g} K (constant volume, not c_p) from the "
        f"phonon frequencies on a {HEAT_CAPACITY_MESH}^3 mesh",
    }
    kept, notes = record_beyond_phonons(database, symbols, name, formula, f"phonon values {how}", sources)
    return Material(
        name=name,
        density=float(masses.sum() / volume),
        v_l=v_l,
        v_t=v_t,
        number_density=number_density,
        debye_temperature=theta,
        sources=sources,
        formula=formula,
        description=f"{name} {how}",
        temperature=RECORD_TEMPERATURE,
        heat_capacity=cv,
        mean_atomic_mass=float(masses.mean()),
        structure=database.structure if database is not None else None,
        lattice_constant=a,
        sound_speed_average="Debye-equivalent speeds of the acoustic bands from the long-wavelength density of states",
        notes="; ".join(notes),
        origin=database.origin if database is not None else "user",
        **kept,
    )


def record_beyond_phonons(
    database: Material | None, symbols: Sequence[str], name: str, formula: str, what: str, sources: dict[str, str]
) -> tuple[dict[str, Any], list[str]]:
    """What a record derived from a crystal's vibrations keeps besides them: (fields, notes).  The thermal
    conductivity and melting point of its database material (their sources added to ``sources``), or else the
    element's melting point and the notes on its electrons (:data:`NO_ELECTRONS`, :data:`METAL_WITHOUT_ELECTRONS`);
    ``what`` ("phonon values derived from ...") opens the notes.  The one rule of :func:`derived_material` and
    :func:`kapitza.phonons.long_waves.long_wave_material`."""
    from ..materials.electrons import list_electron_metals, metallic_elements

    kept: dict[str, Any] = {}
    notes = []
    if database is not None:
        for key in ("thermal_conductivity", "melting_temperature"):
            value = getattr(database, key)
            if value is not None:
                kept[key] = value
                sources[key] = f"database ({database.name}): {database.sources.get(key, '')}"
        notes.append(
            f"{what}; thermal conductivity, melting point and electron data are the database's for {database.name}"
        )
    else:
        notes.append(f"{what}; no thermal conductivity (not derived from harmonic phonons)")
        melt = melting_point(symbols)
        if melt is not None:  # so the note on temperatures above it is said as for a database material
            kept["melting_temperature"] = melt.kelvin
            sources["melting_temperature"] = melt.source
        if name not in list_electron_metals():  # a metal or not, phonons cannot tell; its element can
            notes.append(NO_ELECTRONS)
            if formula in metallic_elements():
                notes.append(METAL_WITHOUT_ELECTRONS.format(element=formula))
    return kept, notes


def database_match(symbols: Sequence[str]) -> Material | None:
    """The database material of this composition (its formula reduced: "Al" for fcc Al, "GaN"), or None."""
    from ase.formula import Formula

    from ..materials import list_materials

    mine = reduced_composition(symbols)
    for m in list_materials():
        if not m.formula:
            continue
        try:
            theirs = {el: n for el, n in Formula(m.formula).reduce()[0].count().items()}
        except ValueError:
            continue
        if theirs == mine:
            return m
    return None


__all__ = [
    "DISPLACEMENT_ANGSTROM",
    "PhononCost",
    "METAL_WITHOUT_ELECTRONS",
    "NO_ELECTRONS",
    "MAX_SUPERCELL_ATOMS",
    "MIN_WIDTH_ANGSTROM",
    "StructurePhonons",
    "conventional_cell",
    "crystal_phonons",
    "database_match",
    "derived_material",
    "displaced_count",
    "fibonacci_directions",
    "heat_capacity",
    "machine_memory_gb",
    "memory_limit_gb",
    "perpendicular_widths",
    "planned_cost",
    "planned_memory_gb",
    "record_beyond_phonons",
    "recorded_crystal",
    "reduced_formula",
    "side_structure",
    "sound_speeds",
    "supercell_memory",
    "supercell_multiples",
]
