"""``kapitza stack FILE``: the temperature profile and resistance budget of a layered stack, and
``kapitza device film``: a heated film's temperature rise vs its thickness, with and without R_K."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ..errors import InputError
from ..units import format_length
from .common import check_output, length_help, parse_length_grid, parse_length_option, parse_number, progress_bar

PLOT_SUFFIXES = (".png", ".pdf", ".svg")


def _print_json(doc: dict[str, Any]) -> None:
    from ..io.results import dumps

    sys.stdout.write(dumps(doc, indent=2) + "\n")


def _stack_json(res: Any, title: str) -> dict[str, Any]:
    layers = res.stack.layers
    return {
        "title": title,
        "heat_flux": res.heat_flux,
        "sink_temperature": res.sink_temperature,
        "top_temperature": res.top_temperature,
        "total_resistance": res.total_resistance,
        "interface_share": res.interface_share,
        "crossover_scale": res.crossover_scale,
        "self_consistent": res.self_consistent,
        "layers": [
            {"name": layer.name, "thickness": layer.thickness, "drop": res.layer_drop[i], "resistance": r}
            for i, (layer, r) in enumerate(zip(layers, res.layer_resistance, strict=True))
        ],
        "interfaces": [
            {
                "between": [layers[i].name, layers[i + 1].name],
                "source": res.interface_labels[i],
                "position": res.interface_position[i],
                "temperature": res.interface_temperature[i],
                "jump": res.interface_jump[i],
                "resistance": res.interface_resistance[i],
                "kapitza_length": list(res.kapitza_length[i]),
            }
            for i in range(len(res.interface_jump))
        ],
        "metal_sides": [
            {
                "interface": m.interface,
                "layer": layers[m.layer].name,
                "cooling_length": m.cooling_length,
                "electron_phonon_resistance": m.electron_phonon_resistance,
            }
            for m in res.metal_sides
        ],  # fmt: skip
        "profile": {"position": res.position, "temperature": res.temperature},
        "units": {"length": "m", "temperature": "K", "heat_flux": "W m^-2", "resistance": "m^2 K W^-1"},
    }


#: Rows of the budget table and lines per interface printed in full; a longer stack shows its largest terms
#: (--json gives every one): a terminal table of thousands of rows is neither readable nor quick to draw.
MAX_PRINTED_TERMS = 40


def _print_stack(res: Any, title: str) -> None:
    console = Console()
    if title:
        console.print(title)
    layers = res.stack.layers
    n_if = len(res.interface_jump)
    terms: list[tuple[float, tuple[str, ...]]] = []
    for i, layer in enumerate(layers):
        share = f"{100 * res.layer_resistance[i] / res.total_resistance:.3g} %"
        terms.append((res.layer_resistance[i], (layer.name, format_length(layer.thickness),
                      f"{res.layer_resistance[i]:.4g}", f"{res.layer_drop[i]:.4g}", share,
                      layer.conductivity.label)))  # fmt: skip
        if i < n_if:
            r = res.interface_resistance[i]
            terms.append((r, (f"{layer.name}/{layers[i + 1].name}", "", f"{r:.4g}", f"{res.interface_jump[i]:.4g}",
                          f"{100 * r / res.total_resistance:.3g} %", res.interface_labels[i])))  # fmt: skip
    caption = None
    if len(terms) > MAX_PRINTED_TERMS:
        keep = sorted(sorted(range(len(terms)), key=lambda j: -abs(terms[j][0]))[:MAX_PRINTED_TERMS])
        caption = f"the {MAX_PRINTED_TERMS} largest of {len(terms):,} terms, in stack order (--json lists all)"
        terms = [terms[j] for j in keep]
    table = Table(title="resistance budget (heat flows top to bottom)", caption=caption)
    for col in ("term", "thickness", "R (m\u00b2 K/W)", "\u0394T (K)", "share", "source"):
        table.add_column(col)
    for _, row in terms:
        table.add_row(*row)
    console.print(table)
    console.print(
        f"T_top = {res.top_temperature:.5g} K at q = {res.heat_flux:.4g} W m^-2 with T_sink = "
        f"{res.sink_temperature:.5g} K; R_total = {res.total_resistance:.4g} m^2 K/W; "
        f"interfaces take {100 * res.interface_share:.3g} % of the drop"
    )
    if n_if > MAX_PRINTED_TERMS:
        console.print(f"Kapitza lengths and interface temperatures of the {n_if:,} interfaces: --json")
    else:
        for i in range(n_if):
            above, below = res.kapitza_length[i]
            console.print(
                f"interface {layers[i].name}/{layers[i + 1].name} at {res.interface_temperature[i]:.4g} K: Kapitza "
                f"length {format_length(above)} of {layers[i].name}, {format_length(below)} of {layers[i + 1].name}"
            )
    scale = res.crossover_scale
    if n_if:
        if scale >= 1:
            console.print(f"the interfaces dominate: their R is {scale:.3g}x that of all the layers")
        elif len(layers) > MAX_PRINTED_TERMS:
            console.print(f"interfaces would dominate with every layer {scale:.3g}x as thick")
        else:
            thin = ", ".join(f"{layer.name} < {format_length(layer.thickness * scale)}" for layer in layers)
            console.print(f"interfaces would dominate with every layer {scale:.3g}x as thick: {thin}")
    metal_sides = res.metal_sides if len(res.metal_sides) <= MAX_PRINTED_TERMS else ()
    if len(res.metal_sides) > MAX_PRINTED_TERMS:
        console.print(f"electron-phonon: {len(res.metal_sides):,} metal sides, each R_ep part of its R (--json)")
    for m in metal_sides:
        console.print(
            f"electron-phonon: in {layers[m.layer].name} the electrons and phonons differ within "
            f"d = {format_length(m.cooling_length)} of interface {m.interface + 1}; "
            f"R_ep = {m.electron_phonon_resistance:.3g} m^2 K/W is part of its R"
        )
    if not res.self_consistent:
        console.print("(linear estimate: every kappa and R at T_sink)")
    from ..prediction.notes import unchecked_material_notes

    materials = [layer.material for layer in layers if layer.material is not None]
    metals = [layers[m.layer].material for m in res.metal_sides if layers[m.layer].material is not None]
    for note in unchecked_material_notes(materials, metals, "the layers' resistances"):
        console.print(f"note: {note}", markup=False, highlight=False, soft_wrap=True)


def stack_command(
    file: Annotated[Path, typer.Argument(help="Stack file (TOML; format in `kapitza.devices.stack_file`).")],
    heat_flux: Annotated[
        str | None, typer.Option("--heat-flux", help="W m^-2 from the first layer to the last (overrides the file).")
    ] = None,
    sink_temperature: Annotated[
        str | None, typer.Option("--sink-temperature", help="K at the last layer's far face (overrides the file).")
    ] = None,
    linear: Annotated[
        bool, typer.Option("--linear", help="Every kappa and R at T_sink instead of the local temperatures.")
    ] = False,
    plot: Annotated[Path | None, typer.Option(help="Write the profile and budget (.png, .pdf, .svg).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON (SI).")] = False,
    allow_outside: Annotated[
        bool,
        typer.Option("--allow-outside", help="Let the file name material/result files outside its own folder."),
    ] = False,
) -> None:
    """Temperature profile through a stack of layers and interfaces, with each term's share of the budget."""
    from ..devices.stack import solve_stack
    from ..devices.stack_file import read_stack

    if plot is not None:
        check_output(plot, PLOT_SUFFIXES, "--plot")
    spec = read_stack(file, allow_outside=allow_outside)
    q = parse_number(heat_flux, heat_flux, "--heat-flux") if heat_flux is not None else spec.heat_flux
    t = parse_number(sink_temperature, sink_temperature, "--sink-temperature") if sink_temperature else None
    t = t if t is not None else spec.sink_temperature
    if q is None:
        raise InputError(f"{file.name} gives no heat_flux; add heat_flux = ... (W m^-2) or --heat-flux")
    if t is None:
        raise InputError(f"{file.name} gives no sink_temperature; add sink_temperature = ... (K) or --sink-temperature")
    with progress_bar(sys.stderr.isatty()) as progress:  # no bar in pipes and logs
        res = solve_stack(spec.stack, q, t, self_consistent=not linear, progress=progress)
    if plot is not None:
        from ..plotting.devices.stack import stack_figure

        stack_figure(res, plot)
    if as_json:
        _print_json(_stack_json(res, spec.title))
        return
    _print_stack(res, spec.title)


def film_command(
    film: Annotated[str, typer.Option("--film", help="Film material (kappa(T) from the database) or W m^-1 K^-1.")],
    substrate: Annotated[str, typer.Option("--substrate", help="Substrate material or W m^-1 K^-1.")],
    resistance: Annotated[
        str, typer.Option("--resistance", "-R", help="R_K: 'dmm' (the two materials), 'dmm:A/B', a number, 'G=...'.")
    ] = "dmm",
    thickness: Annotated[
        str,
        typer.Option(
            "--thickness",
            help="Film thicknesses: a comma list (10nm,100nm) or LO:HI:N (log-spaced), each a length with its unit; "
            "a bare number is in nm.",
        ),
    ] = "1nm:1um:13",
    substrate_thickness: Annotated[
        str, typer.Option("--substrate-thickness", help=length_help("Substrate thickness", "um", "500um"))
    ] = "500um",
    heat_flux: Annotated[str, typer.Option("--heat-flux", help="W m^-2 into the film's free face.")] = "1e8",
    sink_temperature: Annotated[float, typer.Option("--sink-temperature", help="K.")] = 300.0,
    plot: Annotated[Path | None, typer.Option(help="Write rise vs thickness (.png, .pdf, .svg).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON (SI).")] = False,
) -> None:
    """A heated film on a substrate: temperature rise vs film thickness with and without the interface R_K."""
    from ..devices.film import film_scaling

    if plot is not None:
        check_output(plot, PLOT_SUFFIXES, "--plot")
    d = parse_length_grid(thickness, "--thickness", "nm")
    substrate_m = parse_length_option(substrate_thickness, "--substrate-thickness", "um")
    q = parse_number(heat_flux, heat_flux, "--heat-flux")

    def side(text: str) -> Any:
        try:
            return float(text)
        except ValueError:
            return text

    res = film_scaling(side(film), side(substrate), resistance, d, heat_flux=q, substrate_thickness=substrate_m,
                       sink_temperature=sink_temperature)  # fmt: skip
    if plot is not None:
        from ..plotting.devices.stack import film_figure

        film_figure(res, plot)
    if as_json:
        _print_json({**res.to_dict(), "interface_fraction": res.interface_fraction, "excess_with": res.excess_with,
                     "enhancement": res.enhancement,
                     "units": {"length": "m", "temperature": "K", "heat_flux": "W m^-2"}})  # fmt: skip
        return
    console = Console()
    table = Table(title=f"{res.film} on {res.substrate} ({format_length(res.substrate_thickness)}), q = {q:.3g} W m^-2")
    for col in ("film", "\u0394T with R (K)", "\u0394T without R (K)", "q R_K (K)", "film's own rise: with R",
                "without R", "x"):  # fmt: skip
        table.add_column(col)
    for i, thickness in enumerate(res.film_thickness):
        table.add_row(format_length(thickness), f"{res.rise_with[i]:.4g}", f"{res.rise_without[i]:.4g}",
                      f"{res.interface_jump[i]:.4g}", f"{res.excess_with[i]:.4g}", f"{res.film_drop_without[i]:.4g}",
                      f"{res.enhancement[i]:.3g}")  # fmt: skip
    console.print(table)
    console.print(
        f"R_K from {res.interface_label}; films thinner than the Kapitza length "
        f"{format_length(res.crossover_thickness)} drop more temperature at the interface than across themselves"
    )
