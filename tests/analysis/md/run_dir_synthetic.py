"""A kapitza run directory written by hand: run.json (from kapitza.md), config.toml, profile.chunk, baths.txt,
box.txt, bicrystal.data, state.json; and a folder of such runs as replicas (replicas.json)."""

from __future__ import annotations

import numpy as np
from analysis_synthetic import ave_chunk_text, synthetic

from kapitza.analysis import TemperatureProfile
from kapitza.io.replica_layout import ReplicaEntry, ReplicaSet, config_sha256, write_replica_set
from kapitza.io.run_manifest import write_manifest
from kapitza.md.nemd import NemdConfig
from kapitza.md.plan import run_manifest
from kapitza.md.run import write_run_state

#: The flux per interface written into baths.txt, the area of the data file and the block time of the config.
FLUX, AREA, BLOCK_TIME, JUMP = 0.05, 30.0, 1.0, 0.2


def write_run_dir(
    folder,
    seed=3,
    blocks=20,
    jump=JUMP,
    flux=FLUX,
    temperature=None,
    delta_temperature=0.4,
    reverse=False,
    config_seed=None,
):
    """The synthetic profile of analysis_synthetic moved so that its interfaces sit at 0 and L/2 (as in a kapitza
    LJ box with cells_a = cells_b), hot bath in the middle of A (of B in the manifest with ``reverse``, whose
    profile the caller mirrors); baths.txt with exactly ``flux`` per interface.  ``seed`` draws the profile's noise;
    the config records ``config_seed`` (default ``seed`` + 1)."""
    p = synthetic(seed, blocks=blocks, jump=jump)
    length = 40.0
    z = (p.positions - length / 4) % length
    order = np.argsort(z)
    temps = p.temperatures[:, order]
    if temperature is not None:
        temps = temps - 1.0 + temperature
    moved = TemperatureProfile(positions=z[order], temperatures=temps, counts=None, steps=None, units="lj")
    folder.mkdir()
    (folder / "profile.chunk").write_text(ave_chunk_text(moved))
    energy = 2 * flux * AREA * BLOCK_TIME  # into the cold reservoir per block (two interfaces)
    rows = "".join(f"{b} {100 * b} {-energy:.12g} {energy:.12g} -900\n" for b in range(1, blocks + 1))
    (folder / "baths.txt").write_text("# block step E_hot E_cold E_total\n" + rows)
    (folder / "bicrystal.data").write_text(
        "test\n\n10 atoms\n2 atom types\n\n0.0 5.0 xlo xhi\n0.0 6.0 ylo yhi\n0.0 40.0 zlo zhi\n\nMasses\n\n1 1\n"
    )
    (folder / "box.txt").write_text("5 6 40\n")  # lx ly lz after equilibration: area 30
    config = NemdConfig(
        potential="lj/cut", units="lj", cells_a=6, cells_b=6, block_steps=100, timestep=0.01,
        steps_production=100 * blocks, temperature=temperature or 1.0, delta_temperature=delta_temperature,
        seed=seed + 1 if config_seed is None else config_seed, reverse=reverse,
    )  # fmt: skip
    (folder / "config.toml").write_text(config.to_toml())
    write_manifest(folder, run_manifest(config))
    write_run_state(folder, config, blocks + 2)
    return folder


def write_parent(folder, n=4, status="complete"):
    """A folder of ``n`` replicas as kapitza.md.replicas leaves it: replica k's profile noise and config seed are
    10 + k, and replicas.json records that seed and the configuration of replica 1 (the base seed 11)."""
    folder.mkdir()
    entries = []
    for k in range(1, n + 1):
        write_run_dir(folder / f"replica-{k}", seed=10 + k, config_seed=10 + k)
        entries.append(ReplicaEntry(name=f"replica-{k}", index=k, seed=10 + k, emd_seed=None, status=status))
    text = (folder / "replica-1" / "config.toml").read_text()
    write_replica_set(folder, ReplicaSet("nemd", text, config_sha256(text), tuple(entries)))
    return folder
