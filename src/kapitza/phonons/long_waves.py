"""A crystal whose phonons the potential refuses, described by its long waves: the Debye route from the potential's
elastic constants.

:func:`~kapitza.phonons.from_structure.crystal_phonons` refuses a crystal with imaginary frequencies
(:class:`~kapitza.errors.DynamicalInstabilityError`): β-Ga2O3 with the default potential keeps 0.321i THz next to
Gamma in the widest supercell it tries (600 atoms), while the same potential's relaxed-ion elastic tensor is positive
definite.  Such a crystal has no full dispersion, but its long waves are well defined: the speeds of sound are those
of Christoffel's equation on the elastic tensor, which is what the long-wavelength limit of the phonons would give
(the relaxed-ion constants are the ones a sound wave sees).  :func:`long_wave_crystal` computes that tensor with the
same calculator (:func:`~kapitza.phonons.elastic.crystal_elastic_constants`), checks it with Born's criterion (the
smallest eigenvalue of the tensor, Mandel's form), and builds the crystal's Debye record from it
(:func:`long_wave_material`): v_l and v_t the Debye-equivalent direction averages of the Christoffel speeds
(:func:`kapitza.materials.elastic.debye_christoffel_speeds`, the definitions
:func:`~kapitza.phonons.derived_record.sound_speeds` uses on phonons), density and number density from the relaxed
conventional cell, the elastic Debye temperature from them.  An unstable tensor, or one that cannot be computed,
keeps the refusal, with the reason added.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..atomistic.calculators import CalculatorSource, calculator_source
from ..atomistic.force_cost import WIDENING_WORDS
from ..atomistic.side import reduced_formula, side_structure
from ..errors import DynamicalInstabilityError, InputError, TimeBoundError
from ..io.results import result
from ..materials import Material
from ..materials.debye_speeds import debye_temperature_from_speeds
from ..materials.elastic import debye_christoffel_speeds
from ..units import AMU, ANGSTROM, GPA
from .derived_record import RECORD_TEMPERATURE, database_match, record_beyond_phonons
from .elastic import CrystalElasticConstants, crystal_elastic_constants
from .stability import LONG_WAVELENGTH_DIRECTIONS, fibonacci_directions
from .supercell_plan import conventional_cell

__all__ = ["SOUND_SPEED_AVERAGE", "LongWaveCrystal", "long_wave_crystal", "long_wave_material"]

#: How a long-wave record's v_l and v_t are averaged (its ``sound_speed_average``).
SOUND_SPEED_AVERAGE = (
    "Debye-equivalent direction averages of the Christoffel speeds of the potential's relaxed-ion elastic constants "
    f"({LONG_WAVELENGTH_DIRECTIONS} directions of a Fibonacci sphere)"
)


@result
class LongWaveCrystal:
    """A crystal whose phonons the potential refused, described by its long waves (its elastic constants).

    Attributes
    ----------
    name : str
        The crystal's name (as :class:`~kapitza.phonons.from_structure.StructurePhonons` names it).
    structure : str
        What the crystal was, in words.
    calculator : str
        The calculator's name.
    refusal : str
        Why its phonons were refused, whole (:func:`~kapitza.phonons.from_structure.crystal_phonons`'s words).
    imaginary_thz : float
        The refused frequency's magnitude, THz ("0.321i THz" is 0.321).
    elastic : CrystalElasticConstants
        The potential's relaxed-ion elastic constants of the crystal (stable: ``smallest_eigenvalue`` > 0).
    material : Material
        The crystal's Debye record from them (:func:`long_wave_material`).
    """

    name: str
    structure: str
    calculator: str
    refusal: str
    imaginary_thz: float
    elastic: CrystalElasticConstants
    material: Material

    _summary_fields = ("name", "calculator", "imaginary_thz")

    def __post_init__(self) -> None:
        if not (isinstance(self.imaginary_thz, int | float) and math.isfinite(self.imaginary_thz)):
            raise InputError(f"imaginary_thz must be a finite number (THz), got {self.imaginary_thz!r}")
        if not self.elastic.smallest_eigenvalue > 0:
            raise InputError("a crystal's long waves stand in for its phonons only where its elastic tensor is stable")

    def warning(self) -> str:
        """One line: the refusal, the stable tensor, and that its models are the Debye ones from it."""
        m = self.material
        within = " in the supercells the time bound (max_time) allowed" if "(max_time)" in self.refusal else ""
        if WIDENING_WORDS in self.refusal:  # the default bound of TimeBudget.widening: more time tries wider ones
            within = (
                " in the supercells kapitza predict's default bound on widening allowed (a longer --max-time tries "
                "wider ones)"
            )
        return (
            f"{self.name}: its phonons are refused with {self.calculator} ({self.imaginary_thz:.3g}i THz){within} but "
            f"its relaxed-ion elastic tensor is stable (smallest eigenvalue {self.elastic.smallest_eigenvalue:.3g} "
            f"GPa): its long waves stand in, v_l = {m.v_l:.0f} m/s and v_t = {m.v_t:.0f} m/s from the potential's "
            "elastic constants, and the models are the Debye ones"
        )

    def document(self) -> dict[str, Any]:
        """The JSON record (frequencies in THz, stiffnesses in GPa, SI otherwise)."""
        m = self.material
        return {
            "name": self.name,
            "structure": self.structure,
            "calculator": self.calculator,
            "phonons_refused": self.refusal,
            "imaginary_THz": self.imaginary_thz,
            "long_waves": {
                "elastic_tensor_GPa": np.asarray(self.elastic.tensor).tolist(),
                "smallest_eigenvalue_GPa": self.elastic.smallest_eigenvalue,
                "spacegroup": self.elastic.spacegroup,
                "relaxed_cell_A_deg": list(self.elastic.relaxed_cell),
                "density_kg_m3": m.density,
                "v_l_m_s": m.v_l,
                "v_t_m_s": m.v_t,
                "debye_temperature_K": m.debye_temperature,
                "sound_speed_average": m.sound_speed_average,
            },
            "material": m.name,
            "material_notes": m.notes,
        }


def long_wave_material(
    elastic: CrystalElasticConstants, symbols: list[str], masses_amu: Any, database: Material | None = None
) -> Material:
    """The Debye record of a crystal from its elastic constants (``elastic``) and its conventional cell's atoms
    (``symbols`` and ``masses_amu``, in the order of the cell ``elastic`` relaxed; its ``relaxed_cell`` gives the
    volume).  v_l and v_t: :func:`kapitza.materials.elastic.debye_christoffel_speeds`; the elastic Debye temperature
    from them (:func:`~kapitza.materials.debye_speeds.debye_temperature_from_speeds`); what vibrations do not give
    (conductivity, melting point, electrons) as :func:`~kapitza.phonons.derived_record.derived_material` keeps it."""
    from ase.geometry import cellpar_to_cell

    masses = np.asarray(masses_amu, dtype=float) * AMU
    if masses.shape != (elastic.atoms,) or len(symbols) != elastic.atoms:
        raise InputError(f"the conventional cell has {elastic.atoms} atoms; got {len(symbols)} symbols and masses")
    volume = abs(float(np.linalg.det(cellpar_to_cell(list(elastic.relaxed_cell))))) * ANGSTROM**3
    density = float(masses.sum() / volume)
    number_density = elastic.atoms / volume
    v_l, v_t = debye_christoffel_speeds(np.asarray(elastic.tensor) * GPA, density,
                                        fibonacci_directions(LONG_WAVELENGTH_DIRECTIONS))  # fmt: skip
    if database is None:
        database = database_match(symbols)
    formula = database.formula if database is not None and database.formula else reduced_formula(symbols)
    name = database.name if database is not None else elastic.name
    how = f"derived from the {elastic.calculator} relaxed-ion elastic constants of {elastic.structure}"
    sources = {
        "density": f"{how}: masses over the relaxed conventional-cell volume",
        "number_density": f"{how}: atoms over the relaxed conventional-cell volume",
        "mean_atomic_mass": f"{how}: mean mass of the atoms of the conventional cell",
        "lattice_constant": f"{how}: relaxed conventional a",
        "v_l": f"{how}: Debye-equivalent average of the fastest Christoffel speed, <v^-3>^(-1/3) over directions",
        "v_t": f"{how}: Debye average of the two slower Christoffel speeds, 2/v_t^3 = <v_T1^-3> + <v_T2^-3>",
        "debye_temperature": f"elastic: hbar v_D (6 pi^2 n)^(1/3) / k_B with 3/v_D^3 = 1/v_l^3 + 2/v_t^3, v_l, v_t "
        f"and n {how}",
    }
    kept, notes = record_beyond_phonons(database, symbols, name, formula, f"long-wave values {how}", sources)
    return Material(
        name=name,
        density=density,
        v_l=v_l,
        v_t=v_t,
        number_density=number_density,
        debye_temperature=debye_temperature_from_speeds(v_l, v_t, number_density),
        sources=sources,
        formula=formula,
        description=f"{name} {how}",
        temperature=RECORD_TEMPERATURE,
        mean_atomic_mass=float(masses.mean()),
        structure=database.structure if database is not None else None,
        lattice_constant=float(elastic.relaxed_cell[0]) * ANGSTROM,
        sound_speed_average=SOUND_SPEED_AVERAGE,
        notes="; ".join(notes),
        origin=database.origin if database is not None else "user",
        **kept,
    )


def long_wave_crystal(
    side: Any,
    calculator: str | CalculatorSource | None,
    refusal: DynamicalInstabilityError,
    *,
    name: str | None = None,
    max_memory_gb: float | None = None,
    progress: Any = None,
    max_time: Any = None,
) -> LongWaveCrystal:
    """The long waves of a crystal whose phonons ``calculator`` refused (``refusal``, what
    :func:`~kapitza.phonons.from_structure.crystal_phonons` raised): its relaxed-ion elastic constants with the same
    calculator and its Debye record from them.

    Parameters
    ----------
    side : str, path, Material, ase.Atoms or dict
        The crystal, as :func:`~kapitza.atomistic.side.side_structure` reads it.
    calculator : str or CalculatorSource, optional
        The force source whose phonons were refused.
    refusal : DynamicalInstabilityError
        The refusal of its phonons.
    name, max_memory_gb, progress, max_time
        As :func:`~kapitza.phonons.elastic.crystal_elastic_constants` takes them (a time bound's refusal,
        TimeBoundError, stands as it is: with more time the long waves are computed).

    Raises
    ------
    DynamicalInstabilityError
        The refusal, with why the long waves cannot stand in: the refusal had already found the elastic tensor
        unstable, the relaxed-ion tensor is unstable (Born's criterion), or it cannot be computed (its reason).
    """
    if not isinstance(refusal, DynamicalInstabilityError):
        raise InputError(f"refusal must be a DynamicalInstabilityError, got {type(refusal).__name__}")
    if refusal.elastically_unstable:  # the potential's own elastic verdict is already in its words
        raise refusal
    source = calculator if isinstance(calculator, CalculatorSource) else calculator_source(calculator)
    try:
        elastic = crystal_elastic_constants(side, source, name=name, max_memory_gb=max_memory_gb, progress=progress,
                                            max_time=max_time)  # fmt: skip
    except TimeBoundError:
        raise
    except InputError as exc:
        raise DynamicalInstabilityError(
            f"{refusal}; its long waves cannot stand in: {exc}", refusal.imaginary_thz, elastically_unstable=False
        ) from None
    if not elastic.smallest_eigenvalue > 0:
        raise DynamicalInstabilityError(
            f"{refusal}; its long waves cannot stand in either: the {source.name} relaxed-ion elastic tensor is "
            f"unstable too, smallest eigenvalue {elastic.smallest_eigenvalue:.3g} GPa (Born's criterion; F. Mouhat "
            "and F.-X. Coudert, Phys. Rev. B 90, 224104 (2014))",
            refusal.imaginary_thz,
            elastically_unstable=True,
        )
    built = side_structure(side, name)
    conv, _, _ = conventional_cell(built.atoms)  # the cell crystal_elastic_constants relaxed, atom for atom
    material = long_wave_material(elastic, list(conv.get_chemical_symbols()), conv.get_masses(), built.database)
    return LongWaveCrystal(
        name=elastic.name,
        structure=elastic.structure,
        calculator=source.name,
        refusal=str(refusal),
        imaginary_thz=refusal.imaginary_thz,
        elastic=elastic,
        material=material,
    )
