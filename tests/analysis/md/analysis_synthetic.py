"""Synthetic NEMD profiles with a known jump, and writers of the real LAMMPS ave/chunk format."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.analysis import TemperatureProfile

HEADER = (
    "# Chunk-averaged data for fix tp and group all\n"
    "# Timestep Number-of-chunks Total-count\n"
    "# Chunk Coord1 Ncount v_T\n"
)


def synthetic(seed=0, blocks=20, bins=40, jump=0.2, gradient=0.01, noise=0.02, length=40.0, drift=None, fixed=False):
    """Piecewise-linear profile, hot bath at L/2 and cold at the ends (periodic), interfaces at L/4 and 3L/4,
    a jump ``jump`` at each, Gaussian noise ``noise`` per bin and block; optional transient ``drift(block)``
    added to the jump.  ``fixed``: one interface at L/2, hot at 0, cold at L."""
    rng = np.random.default_rng(seed)
    z = (np.arange(bins) + 0.5) * length / bins
    temps = np.empty((blocks, bins))
    for b in range(blocks):
        dj = jump + (drift(b) if drift else 0.0)
        if fixed:
            t = np.where(z < length / 2, 1.2 - gradient * z, 1.2 - gradient * z - dj)
        else:
            z1, z2 = length / 4, 3 * length / 4
            inner = (z > z1) & (z < z2)
            dist = np.where(z >= z2, z - z2, z1 - z)
            t = np.where(
                inner, 1.0 + dj / 2 + gradient * (length / 4 - np.abs(z - length / 2)), 1.0 - dj / 2 - gradient * dist
            )
        temps[b] = t
    temps += rng.normal(0.0, noise, temps.shape)
    return TemperatureProfile(positions=z, temperatures=temps, counts=None, steps=None, units="lj")


def ave_chunk_text(profile, extra_columns=()):
    names = "# Chunk Coord1 Ncount v_T" + "".join(f" {n}" for n, _ in extra_columns) + "\n"
    out = [HEADER.rsplit("#", 1)[0], names]
    for b in range(profile.n_blocks):
        out.append(f"{(b + 1) * 1000} {profile.n_bins} {100 * profile.n_bins}\n")
        for i in range(profile.n_bins):
            extra = "".join(f" {v[i]:.8g}" for _, v in extra_columns)
            out.append(f"  {i + 1} {profile.positions[i]:.8g} 100 {profile.temperatures[b, i]:.10g}{extra}\n")
    return "".join(out)


@pytest.fixture
def profile_file(tmp_path):
    path = tmp_path / "tmp.profile"
    path.write_text(ave_chunk_text(synthetic(3)))
    return path
