"""Write docs/reference/layout.md from the layer order that ``tests/test_layering.py`` enforces.

The layer list (``LAYERS``, lowest first), the pairs the rank order alone would allow but that are forbidden
(``FORBIDDEN``) and what ``devices`` may import (``DEVICES_ALLOWED``) are read from the test file itself (its
literal assignments, without importing it), so the page cannot say something the test does not check.  What
each layer holds is written here, one entry per layer name: a name added to ``LAYERS`` without an entry
below, or an entry for a name the test no longer lists, stops the script.

    python scripts/make_layout_page.py           # rewrite the page if it changed
    python scripts/make_layout_page.py --check   # exit 1 if the page is not what this script writes

``tests/docs/test_layout_page.py`` fails while the committed page differs from :func:`render`.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERING_TEST = ROOT / "tests" / "test_layering.py"
PAGE = ROOT / "docs" / "reference" / "layout.md"

#: What each entry of LAYERS holds (the folder or module of src/kapitza with that name).
DESCRIPTIONS: dict[str, str] = {
    "_version": "the package version, from the installed distribution",
    "units": "CODATA constants and unit conversions (the one place for a physical constant)",
    "errors": "the exception tree (KapitzaError and its InputError, MissingDependencyError, ...)",
    "_checks": "the one set of argument validators, one signature (value, name, unit)",
    "_backend": "the array backend of batched linear algebra: numpy, or torch on a GPU or the CPU "
    "(select_backend for --device; the AGF kernels run on it)",
    "_progress": "the one shape of a long computation's progress report, progress(stage, done, total)",
    "_moved": "the one way a moved public name keeps working at its old place: a module __getattr__ that "
    "warns (DeprecationWarning) with the new place",
    "io": "atomic writes and output checks, the verified cache (cache.py), @result: frozen results with "
    "read-only arrays, short repr, save() and the one strict-JSON policy (results.py), the fast exact number "
    "parser (numbers_text.py), the LAMMPS dump reader, file layouts shared by a writer in one layer and a "
    "reader in another (spectral_layout.py)",
    "cluster": "dask.distributed for every command that runs on it (AGF sweeps, MD campaigns): one connect "
    "timeout, connecting, local clusters, task sizing from the measured per-task overhead, workers' malloc",
    "spectra": "the Fourier conventions of every spectrum (window, densities, harmonic and force-velocity "
    "heat current): shared by md/ and analysis/",
    "materials": "Material, the shipped database (data/materials.toml), kappa(T) tables (conductivity.py, "
    "data/conductivity.toml), VRH averages, bounds and Born stability for user files, the file template, "
    "electron data (electrons.toml), zone-boundary frequencies, melting points of crystals without a record "
    "(melting.toml, the CRC Handbook's)",
    "literature": "the shipped measured conductances (data/itr_measurements.csv), name mapping onto the "
    "database, measurements_for(a, b, T)",
    "atomistic": "named potentials (incl. argon-like LJ; the NEMD driver's built-in ones, one record each in "
    "md_potentials.py), LAMMPS loading, force constants, structure "
    "builders (interfaces for the AGF; LJ fcc and Si/Ge diamond bicrystals for MD), modes of an interface "
    "cell (interface_modes.py): shared by phonons/, transmission/agf and md/; a slab's in-plane translations "
    "(translations.py: whose force-constant rows are copies); what a side of an interface names and the crystal "
    "it names (side.py)",
    "phonons": "bulk spectra: Debye (debye.py), full dispersion (full_dispersion.py, harmonic.py, modes.py, "
    "crystal.py, bands.py), the safe phonopy reader, a crystal's phonons from its structure (from_structure.py: "
    "the pipeline; supercell_plan.py: its supercell, memory and stated time before any force; stability.py; "
    "derived_record.py: the material record from the phonons) and the rotational sum rule its supercell breaks "
    "(invariance.py), its elastic constants beside the measured ones (elastic.py), the phonon DOS the EELS forward "
    "model starts from (dos.py)",
    "landauer": "the one place where G(T) is integrated; one model protocol: "
    "transmitted_channels(omega, T) -> (n_T or 1, groups, n_omega)",
    "transmission": "one module per interface model: dmm.py, limit.py, amm.py, inelastic.py, chain.py, "
    "electronic.py (electron-phonon, electronic DMM), agf/ (solver, inputs, checkpoints, dask; run.py with "
    "result.py, arguments.py, force_plans.py, device_plan.py and leads.py beside it), md_systems.py (the AGF and "
    "DMM spectra of an MD run's interface, from its manifest)",
    "prediction": "the model registry (registry.py), Settings, predict_model/conductance/resistance (api.py, "
    "scalars.py), kapitza.predict and the one answer object it returns (answer.py), its words (presenter.py, written "
    "from the answer's one document), its notes on the models' ground (notes.py), the physics of a pair besides "
    "each model's G (physics.py), what a side names (sides.py), the expected measurement "
    "(expected/: its rows, procedure, result and query; the laboratory that chose it lives in "
    "scripts/calibration/laboratory), the one set of scoring rules (scoring.py), "
    "shares by band, Debye vs full comparison, interface.py (metal or not, electronic parts), validation/ (models "
    "vs measurements: table.py, stats.py, calculators.py, buildable.py, agf.py), bounds.py (the physical upper "
    "bound on G, measured rows above it), empirical.py",
    "md": "LAMMPS runs: NemdConfig, a plain value (nemd.py), its plan: the user's files read, every check that "
    "needs them and the run manifest, before any work (plan.py), systems.py, the sampled planes of a user's "
    "structure (sites.py), the generated input (inputs.py), run directories with resume and mpirun (run.py), EMD "
    "(emd.py), campaigns on dask (campaign.py), streaming spectral sampling (spectral.py)",
    "analysis": "data -> numbers for anyone's files, with no simulation import: md/ (MD post-processing: "
    "profiles, temperature jump (jump.py), bath flux and its block error (baths.py, blocking.py), the "
    "thermostat-regime check (regime.py), thickness series, the EMD estimator, run directories through "
    "their run.json and G(T), J(dT) (response.py), spectral heat current, sum rule, rectification "
    "(spectral.py), DOS map and modal temperatures (modes.py), LAMMPS unit systems (units.py)); "
    "eels/ (STEM-EELS thermometry: data, balance, read, preprocess, temperature, joint, profile, flows, "
    "forward, plan; the estimator core.py and its parts centring, tails, fit_region, lm (the vectorised "
    "Levenberg-Marquardt engine), reasons); thermoreflectance/ (TDTR/FDTR: sample, inputs, model, fits: "
    "least_squares, posterior, arguments, noise (AR(1)); sensitivity); fits.py "
    "(G(T) power law, inelastic A q m, thickness intercept)",
    "devices": "thermal circuits and applications: sources.py (R(T) and kappa(T) from what a user writes), "
    "stack.py + stack_file.py, film.py, hotspot.py (scikit-fem), superlattice.py, composite.py, "
    "polycrystal.py, thermoelectric.py, phase_change.py, nanofluidic.py, cryogenic.py, spin.py, contact.py",
    "plotting": "figures as matplotlib Figure objects (no pyplot, backend untouched); plotting/devices/ one "
    "module per device topic",
    "cli": "the typer CLI, thin over the API: parse, one public call, print or plot; the empty app (root.py), "
    "the command table (commands.py), the entry point (app.py); shared helpers in common.py",
    "__init__": "the public API re-exported as kapitza.*",
    "__main__": "python -m kapitza",
}

#: The rest of the repository (not layers of the package): written by hand, kept on the page as is.
OUTSIDE_THE_PACKAGE = """\
```
tests/        mirrors src/kapitza (tests/test_tree.py checks it); laws/ (hypothesis), calibration/
              (estimators on synthetic data), docs/ (commands printed in the docs); markers law,
              reference, parity for the tiers of the design notes
benchmarks/   speed ratios measured side by side, never timed tests
examples/     tutorials/ and gallery/ (run by sphinx-gallery when the docs build), input files
              (md/, devices/, fits/, thermoreflectance/), data/ (small result files of heavy runs,
              each saying how it was made)
scripts/      generators of docs pages (this one: make_layout_page.py; calibration/) and studies
docs/         this site (Sphinx): physics/, howto/, reference/, figures/; physics/cutoffs.md is
              generated by benchmarks/cutoffs.py
```
"""


def read_layering(path: Path = LAYERING_TEST) -> dict[str, object]:
    """LAYERS, FORBIDDEN and DEVICES_ALLOWED of the layering test, as literals (the test is not imported)."""
    wanted = {"LAYERS", "FORBIDDEN", "DEVICES_ALLOWED"}
    found: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, value = node.target.id, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, value = node.targets[0].id, node.value
        else:
            continue
        if name in wanted and value is not None:
            found[name] = ast.literal_eval(value)
    missing = wanted - set(found)
    if missing:
        raise SystemExit(f"{path}: no literal {sorted(missing)}")
    return found


def _wrap(text: str, width: int, indent: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return [lines[0]] + [" " * indent + rest for rest in lines[1:]]


def _label(name: str) -> str:
    if name in ("__init__", "__main__"):
        return f"{name}.py"
    return f"{name}/" if (ROOT / "src" / "kapitza" / name).is_dir() else f"{name}.py"


def render(layering: dict[str, object] | None = None) -> str:
    """The whole page, from the layering test's literals and :data:`DESCRIPTIONS`."""
    layering = read_layering() if layering is None else layering
    layers = layering["LAYERS"]
    names = [name for layer in layers for name in layer]
    undescribed = [n for n in names if n not in DESCRIPTIONS]
    stale = [n for n in DESCRIPTIONS if n not in names]
    if undescribed or stale:
        raise SystemExit(
            f"scripts/make_layout_page.py: LAYERS names without a description {undescribed}, "
            f"descriptions of names LAYERS does not list {stale}"
        )
    top = next(rank for rank, layer in enumerate(layers) if "cli" in layer)
    column = 2 + max(len(_label(n)) for n in names) + 2
    block = ["src/kapitza/"]
    for rank, layer in enumerate(layers):
        for i, name in enumerate(layer):
            tag = f"{rank:>2}" if i == 0 else "  "
            head = f"{tag} {_label(name)}".ljust(column + 1)
            text = _wrap(DESCRIPTIONS[name], 104 - column, column + 1)
            block.append(head + text[0])
            block.extend(text[1:])
    forbidden = "\n".join(f"- `{a}` never imports `{b}`" for a, b in layering["FORBIDDEN"])
    allowed = ", ".join(f"`{n}`" for n in layering["DEVICES_ALLOWED"])
    return f"""# Layout of the source tree

<!-- Generated by scripts/make_layout_page.py from tests/test_layering.py; do not edit by hand. -->

The package is built in layers. They are listed here **from the bottom up**, numbered by rank, in the
order of `LAYERS` in `tests/test_layering.py`: a module may import its own layer and the layers with a
lower number, never one with a higher number: imports point down, so `cli` (rank {top}) may call
everything and `units` nothing. The test checks every import statement of the package against this
order, the lazy ones inside functions included. The reasons behind the order are in the
[design notes](design.md).

```
{chr(10).join(block)}
```

Pairs the rank order alone would allow but the test forbids:

{forbidden}
- `devices` imports nothing but {allowed}

## Outside the package

{OUTSIDE_THE_PACKAGE}"""


def write(path: Path = PAGE) -> bool:
    """Write the page if its text changed; True if it was written."""
    text = render()
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the page is not up to date")
    args = parser.parse_args(argv)
    if args.check:
        stale = not PAGE.exists() or PAGE.read_text(encoding="utf-8") != render()
        print(f"{PAGE.relative_to(ROOT)}: {'out of date' if stale else 'up to date'}")
        return 1 if stale else 0
    print(f"{PAGE.relative_to(ROOT)}: {'written' if write() else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
