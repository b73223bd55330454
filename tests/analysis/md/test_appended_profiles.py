"""Profiles as kapitza's own NEMD driver writes them (one fix per block, so the header repeats, and an interface on
the periodic box edge), read by the same analysis as anyone's file."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.analysis.md.jump import analyze_jump
from kapitza.analysis.md.profiles import read_profile
from kapitza.errors import InputError

HEADER = [
    "# Chunk-averaged data for fix profile and group all",
    "# Timestep Number-of-chunks Total-count",
    "# Chunk Coord1 Ncount temp",
]


def _periodic_profile(n_bins: int = 40, length: float = 40.0, jump: float = 0.05, blocks: int = 6) -> str:
    """Hot bath at L/4 (in A, 0 < z < L/2), cold bath at 3L/4 (in B); interfaces at 0 and L/2, each with a drop of
    ``jump`` along the heat flow; linear bulk gradients of 0.002 per unit length; no noise."""
    z = (np.arange(n_bins) + 0.5) * length / n_bins
    t_hot, slope = 1.0, 0.002
    distance_to_hot = np.abs(z - length / 4)
    temps = np.where(
        z < length / 2,
        t_hot - slope * distance_to_hot,
        t_hot - slope * (length / 4) - jump - slope * (length / 4 - np.abs(z - 3 * length / 4)),
    )
    lines = []
    for b in range(blocks):
        lines += HEADER + [f"{1000 * (b + 1)} {n_bins} {10 * n_bins}"]
        lines += [f"  {i + 1} {z[i]:.6f} 10 {temps[i]:.9f}" for i in range(n_bins)]
    return "\n".join(lines) + "\n"


def test_repeated_headers_and_an_interface_on_the_box_edge(tmp_path):
    """Exact synthetic profile: both jumps recovered to 1e-6 with the interface at z = 0 given as 0 or as L."""
    path = tmp_path / "profile.chunk"
    path.write_text(_periodic_profile())
    profile = read_profile(path)
    assert profile.n_blocks == 6 and profile.n_bins == 40
    for planes in ((0.0, 20.0), (40.0, 20.0)):
        result = analyze_jump(profile, planes, flux=1.0, steady_state=False)
        jumps = [j.delta_T for j in result.interfaces]
        np.testing.assert_allclose(jumps, [0.05, 0.05], rtol=1e-6)


def test_a_different_comment_line_inside_the_file_is_refused(tmp_path):
    text = _periodic_profile().replace(HEADER[2], "# Chunk Coord1 Ncount vx", 1)
    text = text.replace("# Chunk Coord1 Ncount vx", HEADER[2], 1)  # first header intact
    lines = text.split("\n")
    lines[45] = "# Chunk Coord1 Ncount vx"
    path = tmp_path / "mixed.chunk"
    path.write_text("\n".join(lines))
    with pytest.raises(InputError, match="not a repeat of the header"):
        read_profile(path)
