"""Streaming spectral heat current vs a straightforward whole-trajectory script; the cost of sampling in the MD.

Run: python benchmarks/spectral.py  (about 3 minutes on 2 cores)

(a) The reduction.  The sampled atoms and harmonic coupling are those of examples/md/lj_spectral.toml (384 atoms
    within 6 planes of the interface, 2,000 samples per block), here with the harmonic form only (velocities;
    the force form adds the pair forces).  Synthetic velocities, 6 blocks (12,000 samples):
    * streaming: kapitza.md.spectral.process_block, one block's dump at a time (as during a run);
    * straightforward: the whole trajectory in one dump file, read into memory at once, one FFT over all of it,
      the same harmonic formula (kapitza.spectra) -- what a script that "loads all velocities" does.
    Both read the same text with the same parser; the dumps' writing is not timed.  Throughput in
    atom-samples per second (untraced) and, in a second pass, the peak memory traced by tracemalloc (numpy's
    allocations; tracing slows Python's small objects a lot, so it is never on while timing).
(b) The MD: the same LJ system for 4 blocks of 2,000 steps in LAMMPS with and without spectral_every = 5
    (the dump of 384 atoms every 5 steps and the reduction of each block), steps per second of each.
Each variant runs once, side by side in one process: compare ratios, not absolute numbers.
"""

from __future__ import annotations

import dataclasses
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from kapitza import spectra
from kapitza.io.lammps_dump import read_frames
from kapitza.md import spectral
from kapitza.md.nemd import NemdConfig
from kapitza.md.run import run_nemd
from kapitza.md.systems import build_structure

ROOT = Path(__file__).resolve().parents[1]
BLOCKS = 6


def _config(**changes) -> NemdConfig:
    import tomllib

    data = tomllib.loads((ROOT / "examples" / "md" / "lj_spectral.toml").read_text())
    return NemdConfig.from_mapping({**data, **changes})


def _frames_text(setup, first: int, last: int, rng: np.random.Generator) -> str:
    n_atoms = setup.ids.size
    parts = []
    for t in range(first, last + 1):
        parts.append(f"ITEM: TIMESTEP\n{t * setup.sample_every}\nITEM: NUMBER OF ATOMS\n{n_atoms}\n")
        parts.append("ITEM: BOX BOUNDS pp pp pp\n0 1\n0 1\n0 1\nITEM: ATOMS id vx vy vz\n")
        v = rng.standard_normal((n_atoms, 3)) * 0.5
        body = np.column_stack([setup.ids, v])
        parts.append("\n".join(f"{int(r[0])} {r[1]:.10g} {r[2]:.10g} {r[3]:.10g}" for r in body) + "\n")
    return "".join(parts)


def streaming(folder: Path, setup, traced: bool) -> float:
    """Seconds spent in process_block over all blocks, or (traced) the largest traced peak of one call."""
    rng = np.random.default_rng(1)
    n = setup.n_samples
    seconds, peak = 0.0, 0
    for block in range(1, BLOCKS + 1):
        (folder / "spectral" / "block.dump").write_text(_frames_text(setup, (block - 1) * n, block * n, rng))
        if traced:
            tracemalloc.start()
        t0 = time.perf_counter()
        spectral.process_block(folder, setup, block)
        seconds += time.perf_counter() - t0
        if traced:
            peak = max(peak, tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
    return peak if traced else seconds


def straightforward(path: Path, setup, traced: bool) -> float:
    """Read every frame, one Hann-windowed FFT over the whole trajectory, the harmonic q: seconds or traced peak."""
    if traced:
        tracemalloc.start()
    t0 = time.perf_counter()
    frames = read_frames(path)
    v = frames.values[1:, :, 0:3]  # as the streaming run: the frame at step 0 belongs to no block
    n = v.shape[0]
    dt = setup.sample_every * setup.timestep
    v_hat = spectra.transform(v, axis=0)
    s1, s2 = setup.side == 1, setup.side == 2
    q = spectra.harmonic_heat_spectrum(v_hat[:, s1], v_hat[:, s2], setup.coupling(), n, dt)
    group = setup.plane - setup.plane_first
    spectra.kinetic_spectrum(v_hat, setup.masses, group, setup.n_planes, n, dt)
    seconds = time.perf_counter() - t0
    if not traced:
        return seconds
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert q.shape == (n // 2 + 1,)
    return peak


def reduction() -> None:
    config = _config()
    setup = dataclasses.replace(spectral.spectral_setup(config, build_structure(config)), has_force_form=0)
    samples = BLOCKS * setup.n_samples * setup.ids.size
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "spectral").mkdir()
        t_stream = streaming(folder, setup, traced=False)
        m_stream = streaming(folder, setup, traced=True)
        whole = folder / "whole.dump"
        whole.write_text(_frames_text(setup, 0, BLOCKS * setup.n_samples, np.random.default_rng(1)))
        size = whole.stat().st_size
        t_naive = straightforward(whole, setup, traced=False)
        m_naive = straightforward(whole, setup, traced=True)
    print(f"(a) {setup.ids.size} atoms x {BLOCKS * setup.n_samples} samples = {samples:.3g} atom-samples")
    print(f"    whole-trajectory dump {size / 1e6:.0f} MB; a block's dump {size / BLOCKS / 1e6:.0f} MB")
    print(f"    streaming:       {samples / t_stream:10.3g} atom-samples/s, peak {m_stream / 1e6:7.1f} MB (one block)")
    print(f"    straightforward: {samples / t_naive:10.3g} atom-samples/s, peak {m_naive / 1e6:7.1f} MB (all)")
    print(
        f"    throughput streaming / straightforward = {t_naive / t_stream:.2f}; "
        f"peak memory straightforward / streaming = {m_naive / m_stream:.1f}"
    )


def md_cost() -> None:
    changes = dict(steps_equilibration=1000, steps_steady=2000, steps_production=8000, block_steps=2000)
    rates = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, every in (("without sampling", 0), ("spectral_every = 5", 5)):
            config = _config(**changes, spectral_every=every)
            run_dir = Path(tmp) / f"run{every}"
            run_nemd(config, run_dir, stop_after_units=2)  # equilibration and transient, not timed
            t0 = time.perf_counter()
            run_nemd(config, run_dir)
            rates[label] = config.steps_production / (time.perf_counter() - t0)
    base = rates["without sampling"]
    print("(b) LJ example system, 4 blocks of 2,000 steps (production only)")
    for label, rate in rates.items():
        print(f"    {label:18s} {rate:8.0f} steps/s  ({rate / base:.2f} of the run without sampling)")


if __name__ == "__main__":
    reduction()
    md_cost()
