"""``kapitza elastic``: a crystal's relaxed-ion elastic constants with a calculator, beside the measured ones."""

from __future__ import annotations

import math
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ..errors import InputError
from ..io.results import dumps
from ..phonons.crystal_report import memory_words
from .common import CRYSTAL_HELP, option_words, progress_bar

#: ``--calculator`` here (no force constants: twelve strained cells of the relaxed crystal, cached by content).
ELASTIC_CALCULATOR_HELP = (
    "Force source: a built-in universal potential (chgnet, chgnet-r2scan, sevennet, sevennet-l3i5; pip install "
    "'kapitza\\[mlip]'), or module:factory for any ASE calculator with stress (the module importable from Python's "
    "path: it runs your code, as python -c would); either with +d3 for Grimme's D3(BJ) correction. Default: "
    "kapitza's default potential."
)


#: ``--max-memory-gb`` here.
ELASTIC_MEMORY_HELP = (
    "Refuse a crystal whose stated memory is above this, GB per process (the libraries, the potential and one call "
    "on the conventional cell, from measured footprints), before any force. Default: this machine's memory."
)


def _document(found: Any) -> dict[str, Any]:
    return {
        "crystal": found.name,
        "structure": found.structure,
        "calculator": found.calculator,
        "spacegroup": found.spacegroup,
        "symmetry": found.symmetry or None,
        "atoms_in_conventional_cell": found.atoms,
        "input_cell_A_deg": list(found.input_cell),
        "relaxed_cell_A_deg": list(found.relaxed_cell),
        "strain": found.strain,
        "tensor_GPa": found.tensor.tolist(),
        "constants_GPa": dict(found.constants),
        "measured_GPa": dict(found.measured) or None,
        "measured_source": found.measured_source or None,
        "axis_stiffnesses_GPa": {
            k: {"wave": w, "calculated": c, "measured": None if math.isnan(m) else m}
            for k, (w, c, m) in found.stiffnesses().items()
        },
        "smallest_eigenvalue_GPa": found.smallest_eigenvalue,
        "memory_GB_per_process": found.memory_gb if found.memory_gb > 0 else None,
        "cost_statement": found.cost,
    }


def _error(calculated: float, measured: float) -> str:
    return "" if not math.isfinite(measured) or measured == 0 else f"{100 * (calculated / measured - 1):+.1f} %"


def _tables(found: Any) -> list[Table]:
    tables = []
    if found.symmetry:
        constants = Table(title=f"{found.name}: relaxed-ion elastic constants with {found.calculator} (GPa)")
        for column in ("constant", "calculated", "measured", "error"):
            constants.add_column(column, justify="left" if column == "constant" else "right")
        for key, value in found.constants.items():
            m = found.measured.get(key, math.nan)
            label = f"|{key}|" if key == "C14" else key
            constants.add_row(label, f"{value:.1f}", "" if math.isnan(m) else f"{m:.1f}", _error(value, m))
        tables.append(constants)
        axes = Table(title="stiffness rho v^2 of the waves along the crystal's axes (GPa): what sets the sound speeds")
        for column in ("stiffness", "wave", "calculated", "measured", "error"):
            axes.add_column(column, justify="left" if column in ("stiffness", "wave") else "right")
        for key, (wave, c, m) in found.stiffnesses().items():
            axes.add_row(key, wave, f"{c:.1f}", "" if math.isnan(m) else f"{m:.1f}", _error(c, m))
        tables.append(axes)
    else:
        full = Table(title=f"{found.name}: relaxed-ion elastic tensor with {found.calculator} (GPa, Voigt)")
        for j in range(6):
            full.add_column(f"C.{j + 1}", justify="right")
        for row in found.tensor:
            full.add_row(*(f"{v:.1f}" for v in row))
        tables.append(full)
    return tables


def _lines(found: Any) -> list[str]:
    a0, a1 = found.input_cell, found.relaxed_cell
    cell = ", ".join(
        f"{label} {a0[i]:.4f} -> {a1[i]:.4f} A"
        for i, label in enumerate("abc")
        if i == 0 or not (math.isclose(a0[i], a0[0]) and math.isclose(a1[i], a1[0]))
    )
    lines = [
        f"{found.name}: {found.structure}, space group {found.spacegroup}, {found.atoms} atoms in the conventional "
        f"cell; relaxed {cell}",
        f"relaxed ions: the positions relaxed in each cell strained by +-{found.strain:g} (central differences of "
        "the stress), in spglib's standard frame",
    ]
    if found.smallest_eigenvalue <= 0:
        lines.append(
            f"elastically UNSTABLE with {found.calculator}: the tensor's smallest eigenvalue is "
            f"{found.smallest_eigenvalue:.3g} GPa (Born's criterion; Mouhat and Coudert, Phys. Rev. B 90, 224104 "
            "(2014)): this potential does not hold the crystal"
        )
    else:
        lines.append(f"elastically stable: the tensor's smallest eigenvalue is {found.smallest_eigenvalue:.3g} GPa")
    if found.measured:
        lines.append(f"measured (room temperature), from {found.measured_source}")
    elif found.symmetry:
        lines.append("measured: none in kapitza's database or crystal table for this crystal")
    lines.append(memory_words(found.memory_gb, "one call on the cell", "the libraries were counted"))
    lines.append(f"forces: {found.calculator_description}")
    lines.append(
        "how the potentials do on every crystal with measured constants: docs/reference/elastic-accuracy "
        "(scripts/elastic_accuracy.py)"
    )
    return lines


def elastic_command(
    crystal: Annotated[str, typer.Argument(help=f"The crystal: {CRYSTAL_HELP}.")],
    calculator: Annotated[str | None, typer.Option(help=ELASTIC_CALCULATOR_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the numbers as JSON (GPa, A) instead of tables.")] = (
        False
    ),
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress display.")] = False,
    max_memory_gb: Annotated[float | None, typer.Option(help=ELASTIC_MEMORY_HELP)] = None,
) -> None:
    """Relaxed-ion elastic constants of CRYSTAL from a potential, beside the measured ones where known."""
    from .. import _checks
    from ..phonons.elastic import crystal_elastic_constants

    if max_memory_gb is not None:  # one rule for every command's bound, named as typed here
        _checks.memory_bound_gb(max_memory_gb, "--max-memory-gb")
    with progress_bar(not quiet and not as_json, lines=not quiet) as progress:
        try:
            found = crystal_elastic_constants(crystal, calculator, max_memory_gb=max_memory_gb, progress=progress)
        except InputError as exc:
            raise InputError(option_words(str(exc))) from None
    if as_json:
        typer.echo(dumps(_document(found), indent=2))
        return
    console = Console()
    for table in _tables(found):
        console.print(table)
    for line in _lines(found):
        console.print(line, markup=False, highlight=False, soft_wrap=True)
