"""``kapitza interface``: build an interface from two bulk crystals, or look at a structure file's sides and leads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ..atomistic.matching import DEFAULT_MAX_STRAIN
from ..errors import InputError
from ..io.results import dumps
from .common import check_output

interface_app = typer.Typer(
    help="Your interface: build one from two bulk crystals (lateral lattice matching, strain reported) and write "
    "it as a structure file for 'kapitza agf --structure' and 'md run'; show how kapitza reads a structure file.",
    no_args_is_help=True,
)


def _crystal(text: str) -> Any:
    """A crystal on the command line: a structure file, a name ASE knows ("Al"), or NAME:STRUCTURE:a=..,c=..
    for ``ase.build.bulk`` (lengths in A), e.g. ``GaN:wurtzite:a=3.18092,c=5.19443``."""
    from ..atomistic.bulk import parse_crystal_text

    return parse_crystal_text(text)


def _pair(text: str, what: str) -> tuple[int, int]:
    try:
        items = [int(v) for v in text.lower().replace("x", ",").split(",")]
    except ValueError:
        raise InputError(f"{what} must be N or NxM, got {text!r}") from None
    if len(items) == 1:
        items *= 2
    if len(items) != 2 or min(items) < 1:
        raise InputError(f"{what} must be N or NxM with positive integers, got {text!r}")
    return items[0], items[1]


def _miller(text: str) -> tuple[int, int, int]:
    digits = text.strip().strip("[]()")
    try:
        items = [int(v) for v in digits.split(",")] if "," in digits else [int(v) for v in digits]
    except ValueError:
        raise InputError(f"--normal must be Miller indices such as 001 or 1,1,0, got {text!r}") from None
    if len(items) != 3 or not any(items):
        raise InputError(f"--normal must be three Miller indices, not all zero, got {text!r}")
    return items[0], items[1], items[2]


@interface_app.command("build")
def build_command(
    crystal_a: Annotated[str, typer.Argument(help="Side A (bottom): a structure file, a name, or NAME:STRUCTURE:a=..")],
    crystal_b: Annotated[str, typer.Argument(help="Side B (top), as side A.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The structure file to write (.extxyz).")],
    normal: Annotated[
        str,
        typer.Option(
            help="Interface plane: Miller indices (hkl) in each crystal's CONVENTIONAL cell (cubic for fcc, bcc, "
            "diamond; hexagonal for hexagonal and rhombohedral crystals: 001 = (0001)). A primitive cell "
            "(NAME:fcc:a=.., a primitive CIF) is expanded to its conventional cell first."
        ),
    ] = "001",
    polarity: Annotated[
        str,
        typer.Option(
            help="+ stacks along --normal, - along its opposite (both crystals turned over).  Where a crystal is "
            "polar along the normal (wurtzite 001 = [0001], zincblende 111) these are two different interfaces: the "
            "output names the one built and what faces the other's seam; - is refused for a pair that is not polar."
        ),
    ] = "+",
    cells: Annotated[str, typer.Option(help="Periods of each crystal along the normal, NAxNB.")] = "6x6",
    max_strain: Annotated[
        float, typer.Option(help="Largest in-plane strain accepted (0.03 = 3 %).")
    ] = DEFAULT_MAX_STRAIN,
    strain_on: Annotated[str, typer.Option(help="Who carries the strain: a, b or both.")] = "both",
    allow_strain: Annotated[bool, typer.Option(help="Accept the smallest match even beyond --max-strain.")] = False,
    max_atoms: Annotated[int, typer.Option(help="Largest matched cell accepted (before --lateral).")] = 2000,
    lateral: Annotated[
        str, typer.Option(help="Repeat the matched cell in the plane, N1xN2 (MD cross-sections).")
    ] = "1",
    relax: Annotated[
        Path | None,
        typer.Option(
            help="Relax with this pair file's force field (LAMMPS): each side's period under its in-plane strain, "
            "then the positions as a slab (one interface), the end periods held."
        ),
    ] = None,
    calculator: Annotated[
        str | None,
        typer.Option(
            help="Relax as --relax does, with a universal potential (chgnet, ...; the \\[mlip] extra) or "
            "module:factory (any ASE calculator) instead of a pair file.",
        ),
    ] = None,
    fixed_periods: Annotated[
        int, typer.Option(help="With --relax: periods held at each end (the AGF's principal layer and its reach).")
    ] = 4,
    fmax: Annotated[float, typer.Option(help="With --relax: largest residual force accepted, eV/A.")] = 0.01,
    as_json: Annotated[bool, typer.Option("--json", help="Print the structure's description as JSON.")] = False,
) -> None:
    """Stack crystal B on crystal A along NORMAL with the smallest common lateral cell within --max-strain.

    The plane each side shows (Miller indices of its conventional cell), the directions of the common cell's
    in-plane vectors, the strain each side carries and the atom count are printed; the file has tags 1 (side A)
    and 2 (side B) and the masses, ready for 'kapitza agf --structure FILE --pair FILE'.
    """
    from ..atomistic.polarity import polarity_text
    from ..atomistic.stacking import stack_crystals
    from ..atomistic.structure_file import write_structure
    from ..atomistic.structures import repeat_lateral

    out = check_output(output, (".extxyz", ".xyz"), "--output")
    if relax is not None and calculator is not None:
        raise InputError("give --relax (a pair file) or --calculator, not both")
    source = None
    if calculator is not None:
        from ..atomistic.calculators import calculator_source

        source = calculator_source(calculator)  # an unknown name, a missing extra: one line before any work
    structure = stack_crystals(
        _crystal(crystal_a),
        _crystal(crystal_b),
        normal=_miller(normal),
        cells=_pair(cells, "--cells"),
        max_strain=max_strain,
        allow_strain=allow_strain,
        strain_on=strain_on,
        max_atoms=max_atoms,
        polarity=polarity,
    )
    structure = repeat_lateral(structure, _pair(lateral, "--lateral"))
    if relax is not None or source is not None:
        from ..atomistic.stacking import relax as relax_structure
        from ..atomistic.stacking import relax_periods

        if source is not None:
            from ..atomistic.calculators import quiet

            source.check_elements(structure.atoms.get_chemical_symbols(), "the interface")
            engine = source.calculator()
        else:
            from ..atomistic.forcefield import read_pair_file
            from ..atomistic.lammps_forces import forcefield_calculator

            engine = forcefield_calculator(read_pair_file(relax))  # the sides from the atoms' tags
        with quiet() if source is not None else _nothing():
            structure = relax_periods(structure, engine)
            structure, _ = relax_structure(
                structure, engine, fmax_ev_per_angstrom=fmax, fixed_periods=fixed_periods, slab=True
            )
        if source is not None:
            import dataclasses

            described = dict(structure.description)
            described["relaxation"] = {
                **described["relaxation"],
                "calculator": source.name,
                "calculator_version": source.version,
                "calculator_identity": dict(source.identity),
            }
            structure = dataclasses.replace(structure, description=described)
    write_structure(structure, out)
    d = structure.description
    if as_json:
        typer.echo(dumps({"file": str(out), "atoms": len(structure.atoms), "description": dict(d)}))
    else:
        console = Console()
        console.print(f"{len(structure.atoms)} atoms, cells {structure.cells[0]} + {structure.cells[1]} along z")
        for line in _plane_lines(d):
            console.print(line, highlight=False, soft_wrap=True)
        console.print(polarity_text(d["polarity"], "--polarity"), highlight=False, soft_wrap=True, markup=False)
        for key in sorted(d):
            console.print(f"  {key}: {d[key]}", highlight=False, soft_wrap=True)
    Console(stderr=True).print(f"written: {out}", highlight=False, soft_wrap=True)


def _nothing() -> Any:
    import contextlib

    return contextlib.nullcontext()


def _plane_lines(d: Any) -> list[str]:
    """One line per side: its plane and in-plane directions in its conventional cell, and its in-plane strain."""
    from ..atomistic.stacking import miller_text

    out = []
    for k, side in enumerate("AB"):
        a, b, c, alpha, beta, gamma = d["conventional_cells"][k]
        grown = d["expanded_cells"][k]
        u, v = (f"[{miller_text(x)}]" for x in d["in_plane_directions"][k])
        origin = f"the primitive cell given, expanded {grown}x" if grown > 1 else "as given"
        strains = " and ".join(f"{100 * e:+.3g} %" for e in d["principal_strains"][k])
        out.append(
            f"side {side} ({d['ab'[k]]}): plane ({miller_text(d['planes'][k])}), in-plane {u} x {v}, in its "
            f"conventional cell (a, b, c = {a:.5g}, {b:.5g}, {c:.5g} A; {alpha:.4g}, {beta:.4g}, {gamma:.4g} deg; "
            f"{origin}); principal in-plane strains {strains} (< 0: compressed)"
        )
    return out


@interface_app.command("show")
def show_command(
    structure: Annotated[Path, typer.Argument(help="A structure file ASE reads.")],
    sides: Annotated[str, typer.Option(help="tags, species:A1,A2/B1,B2, plane:Z (A) or column:NAME.")] = "tags",
    as_json: Annotated[bool, typer.Option("--json", help="Print the description as JSON.")] = False,
) -> None:
    """How kapitza reads STRUCTURE: the sides, the lead periods and cells, the interface region, the lateral cell."""
    from ..atomistic.structure_file import read_structure

    s = read_structure(structure, sides=sides)
    d = dict(s.description)
    if as_json:
        typer.echo(dumps({"file": str(structure), "description": d}))
        return
    (n_a, n_b), (p_a, p_b) = d["side_atoms"], d["periods_A"]
    Console().print(
        f"{structure}: {d['atoms']} atoms, side A {n_a} ({', '.join(d['species']['A'])}), side B {n_b} "
        f"({', '.join(d['species']['B'])}); lead periods {p_a:.5g} and {p_b:.5g} A; whole periods {s.cells[0]} (A) "
        f"and {s.cells[1]} (B); {d['interface_region_atoms']} atoms in the interface region; lateral cell "
        f"{d['lateral_area_A2']:.5g} A^2",
        highlight=False,
        soft_wrap=True,
    )


@interface_app.command("buildable")
def buildable_command(
    max_strain: Annotated[
        float, typer.Option(help="Largest principal in-plane strain either side may carry (0.03 = 3 %).")
    ] = DEFAULT_MAX_STRAIN,
    max_cell_atoms: Annotated[
        int, typer.Option(help="Most atoms in one period of each side of the common lateral cell, together.")
    ] = 200,
    calculator: Annotated[
        str | None,
        typer.Option(
            help="Also ask this potential (chgnet, sevennet-l3i5+d3, ...; the \\[mlip] extra) whether it takes each "
            "crystal of a pair that fits (relaxed, force constants, stable; cached: minutes a crystal from an empty "
            "cache).",
            show_default="the geometry only",
        ),
    ] = None,
    max_memory_gb: Annotated[
        float | None,
        typer.Option(
            help="With --calculator: GB each crystal's force constants may need.", show_default="this machine's memory"
        ),  # fmt: skip
    ] = None,
    rows: Annotated[bool, typer.Option("--rows", help="One line per measured row instead of one per pair.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print every row as JSON.")] = False,
) -> None:
    """Which measured pairs 'kapitza agf A B --calculator' can build: every bare row of the compilation, with the
    planes stacked (the one the paper names for its substrate, else the low-index default), its common cell and
    strain, or why not (strain, cell size, amorphous, alloy or layered side, a crystal the potential refuses)."""
    from ..prediction.validation.buildable import buildable_rows

    found = buildable_rows(
        max_strain=max_strain, max_cell_atoms=max_cell_atoms, calculator=calculator, max_memory_gb=max_memory_gb
    )
    if as_json:
        typer.echo(dumps(found.to_dict() | {"counts": found.counts(), "papers_built": found.papers_built}))
        return
    counts = found.counts()
    left = ", ".join(f"{k} {v}" for k, v in counts.items() if k != "built")
    potential = f"; crystals checked with {found.calculator}" if found.calculator else "; the potential not asked"
    console = Console()
    console.print(
        f"{counts['built']} of {len(found)} bare measured rows built ({found.papers_built} papers) within "
        f"{100 * found.max_strain:g} % strain and {found.max_cell_atoms} atoms a period{potential}; left out: "
        f"{left or 'none'}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    if rows:
        for k in range(len(found)):
            what = "built" if found.built[k] else found.reason[k]
            console.print(
                f"{found.id[k]:>6} {found.film[k]} / {found.substrate[k]} {found.temperature[k]:g} K "
                f"[{found.paper[k]}]: {what}: {found.detail[k]}; {found.orientation[k] or '-'}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        return
    for g in found.pairs():
        what = "built" if g["built"] else g["reason"]
        console.print(
            f"{g['film']} / {g['substrate']}: {_count(g['rows'], 'row')}, {_count(g['papers'], 'paper')}: {what}: "
            f"{g['detail']}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


@interface_app.command("bonding")
def bonding_command(
    film: Annotated[str, typer.Argument(help="The film (top): a name of kapitza's crystal table or a structure file.")],
    substrate: Annotated[str, typer.Argument(help="The substrate (bottom), as the film.")],
    calculator: Annotated[
        str | None,
        typer.Option(
            help="A built-in potential (chgnet, sevennet-l3i5+d3, ...; the \\[mlip] extra) or module:factory.",
            show_default="the shipped table's (chgnet), so the numbers sit beside the compilation's pairs",
        ),
    ] = None,
    planes: Annotated[
        str | None,
        typer.Option(
            help="Planes stacked, 'FILM on SUBSTRATE' Miller indices, e.g. '111 on 0001'.",
            show_default="the buildable list's rule: the low-index default",
        ),  # fmt: skip
    ] = None,
    max_memory_gb: Annotated[
        float | None,
        typer.Option(help="GB the largest force call may take.", show_default="this machine's memory"),
    ] = None,
    spectra: Annotated[
        bool, typer.Option("--spectra/--no-spectra", help="Compute the seam spectra' overlap (the dearest part).")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result whole as JSON.")] = False,
) -> None:
    """The interface's bonding from its atoms: the work of adhesion, the seam's normal stiffness against each bulk
    and the overlap of the two seam zones' spectra, with a universal potential (the plan and its time on stderr
    before any force), beside the compilation's computed pairs of the same potential."""
    from ..prediction import bonding as B
    from .common import progress_bar

    shipped = B.shipped_bonding_descriptors()
    name = calculator or (shipped.calculator if shipped is not None else None)
    err = Console(stderr=True)

    def announce(plan: Any) -> None:
        err.print(f"kapitza: {plan.words()}", markup=False, highlight=False, soft_wrap=True)

    with progress_bar(not as_json, lines=True) as progress:
        found = B.pair_bonding(film, substrate, calculator=name, max_memory_gb=max_memory_gb, planes=planes,
                               spectra=spectra, announce=announce, progress=progress)  # fmt: skip
    row = B.table_row(found) | {"calculator": found.plan.calculator}
    doubt = B.doubt(row, str(row["relaxed"]))
    beside = B.beside_table(row)
    used = "not used by the expected measurement: the honest selection dropped it (docs: physics/expected)"
    if as_json:
        typer.echo(dumps({"bonding": row, "doubt": doubt, "beside_table": list(beside), "in_the_estimate": used,
                          "plan": found.plan.to_dict(), "cached": found.cached}))  # fmt: skip
        return
    out = Console()

    def line(text: str) -> None:
        out.print(text, markup=False, highlight=False, soft_wrap=True)

    line(f"{found.film} on {found.substrate} ({found.planes}), {found.plan.calculator}, {found.bonding.atoms} atoms:")
    for b in beside:
        unit = f" {b['unit']}" if b["unit"] else ""
        context = (f"; the compilation's {b['pairs']} sound pairs: median {b['median']:.3g}, 16-84 % "
                   f"{b['p16']:.3g}-{b['p84']:.3g}") if b["pairs"] else ""  # fmt: skip
        line(f"  {b['words']}: {b['value']:.3g}{unit}{context}")
    if shipped is not None and not any(b["pairs"] for b in beside):
        line(f"  the shipped table is {shipped.calculator}'s: with --calculator {shipped.calculator} these numbers sit "
             "beside the compilation's pairs")  # fmt: skip
    if doubt:
        line(f"  doubtful: {doubt}")
    cost = "read from the cache" if found.cached else "computed"
    line(f"  {cost}: {found.seconds:.0f} s, strain {100 * found.strain:.2f} %; {used}")
