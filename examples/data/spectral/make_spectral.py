"""Make the tutorial's stored spectral run, examples/data/spectral/lj_spectral_small/.

Run from the repository root (needs ``pip install 'kapitza[md]'``; about 1 CPU-minute)::

    kapitza md run examples/data/spectral/lj_spectral_small.toml
    python examples/data/spectral/make_spectral.py

The second step copies what the analysis reads from the run directory (``*.run/``, git-ignored) into
``lj_spectral_small/``: the spectral blocks, the temperature profile, the bath energies, the box, the
structure and the config. ``spectral/setup.npz`` is rewritten with ``numpy.savez_compressed`` (the same
arrays, 23 kB instead of 500 kB); the restart file and the LAMMPS log are left out.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
KEEP = ("baths.txt", "bicrystal.data", "box.txt", "config.toml", "in.lammps", "profile.chunk", "state.json")


def main(run: Path = HERE / "lj_spectral_small.run", out: Path = HERE / "lj_spectral_small") -> None:
    (out / "spectral").mkdir(parents=True, exist_ok=True)
    for name in KEEP:
        shutil.copy2(run / name, out / name)
    for block in sorted((run / "spectral").glob("block_*.npz")):
        shutil.copy2(block, out / "spectral" / block.name)
    with np.load(run / "spectral" / "setup.npz", allow_pickle=False) as setup:
        np.savez_compressed(out / "spectral" / "setup.npz", **{k: setup[k] for k in setup.files})
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
