"""What was done to a crystal built from its structure (:func:`kapitza.phonons.crystal_phonons`), in words and as
JSON: the structure, the lattice before and after relaxation, the force constants, the stated memory, what the
elastic-accuracy page measured of the potential's long waves on it, and where the material record comes from.

One copy of these words, shared by every prediction that builds crystals (:func:`kapitza.predict`) and by the
commands that print a crystal (``kapitza phonons``, ``kapitza materials show --calculator``, ``kapitza elastic``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["crystal_document", "crystal_lines", "long_wave_words", "memory_words"]


def crystal_lines(found: Any) -> list[str]:
    """What the calculator did to one crystal (a :class:`~kapitza.phonons.from_structure.StructurePhonons`), in
    lines: the structure, the lattice before and after relaxation, the force constants, and where the material
    record comes from."""
    m = found.material
    lines = [f"{found.name}: {found.structure}, space group {found.spacegroup}, forces from {found.calculator}"]
    lattice = "; ".join(found.lattice_lines())
    if found.relaxation is not None:
        r = found.relaxation
        lines.append(f"  relaxed ({r.steps} steps, residual {r.residual:.2g} eV/A): {lattice}")
    else:
        lines.append(f"  not relaxed: {lattice}")
    n = found.supercell
    lines.append(
        f"  {n[0]}x{n[1]}x{n[2]} conventional supercell ({found.supercell_atoms} atoms), displacements "
        f"{found.displacement:g} A; lowest frequency {found.lowest_frequency:.3g} THz"
    )
    if found.widened:
        lines.append(f"  {found.widened}")
    if found.rotational:
        lines.append(f"  {found.rotational}")
    lines.append(f"  {memory_words(found.memory_gb)}")
    if found.cost:
        lines.append(f"  stated before the first force call: {found.cost}")
    lines.append(f"  {long_wave_words(found)}")
    lines.append(f"  {m.name}: {m.notes}")
    return lines


def long_wave_words(found: Any) -> str:
    """The elastic-accuracy page's measured stiffness errors of this potential on this crystal, or how to measure
    them (:func:`kapitza.phonons.elastic.stiffness_errors_of`)."""
    from .elastic import stiffness_errors_of

    errors = stiffness_errors_of(found)
    if errors is not None:
        return errors.line()
    return (
        f"long waves: {found.calculator} was not measured on this crystal's elastic constants; kapitza elastic "
        f"CRYSTAL --calculator {found.calculator} gives them, beside measured ones where kapitza has them"
    )


def memory_words(memory_gb: float, call: str = "one force call on the supercell", unstated: str = "") -> str:
    """The stated memory of a crystal's computation, in words (0: a calculator without a measured footprint):
    ``call`` what the potential's working memory was counted for; ``unstated`` what was checked without one."""
    if memory_gb > 0:
        return f"memory: ~{memory_gb:.2g} GB stated, per process (the potential and {call})"
    checked = unstated or "kapitza's own arrays were checked"
    return f"memory: not stated (no measured footprint for this calculator; {checked})"


def _long_wave_document(found: Any) -> dict[str, Any] | None:
    """The measured stiffness errors of :func:`long_wave_words` as JSON (GPa), None where not measured."""
    from .elastic import stiffness_errors_of

    errors = stiffness_errors_of(found)
    if errors is None:
        return None
    return {
        "crystal": errors.crystal,
        "measured_on": errors.measured_on,
        "measured_source": errors.measured_source,
        "stiffnesses_GPa": {n: {"wave": w, "calculated": c, "measured": m} for n, w, c, m in errors.rows},
    }


def crystal_document(found: Any) -> dict[str, Any]:
    """The JSON record of one crystal built from its structure (lengths in A, angles in degrees)."""
    r = found.relaxation
    return {
        "name": found.name,
        "structure": found.structure,
        "calculator": found.calculator,
        "spacegroup": found.spacegroup,
        "input_cell_A_deg": list(found.input_cell),
        "relaxed_cell_A_deg": list(found.relaxed_cell),
        "relaxation": None
        if r is None
        else {"steps": r.steps, "residual_eV_per_A": r.residual, "fmax_eV_per_A": r.fmax},
        "supercell": list(found.supercell),
        "supercell_atoms": found.supercell_atoms,
        "displacement_A": found.displacement,
        "lowest_frequency_THz": found.lowest_frequency,
        "widened": found.widened,
        "long_waves": _long_wave_document(found),
        "memory_GB_per_process": found.memory_gb if found.memory_gb > 0 else None,
        "force_calls_seconds_stated": found.seconds_stated if found.seconds_stated > 0 else None,
        "cost_statement": found.cost,
        "force_constants": found.crystal.source,
        "material": found.material.name,
        "material_notes": found.material.notes,
    }
