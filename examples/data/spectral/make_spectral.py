"""Make the tutorial's stored spectral run, examples/data/spectral/lj_spectral_small/.

Run from the repository root (needs ``pip install 'kapitza[md]'``; about 1 CPU-minute)::

    kapitza md run examples/data/spectral/lj_spectral_small.toml
    python examples/data/spectral/make_spectral.py

The second step copies what the analysis reads from the run directory (``*.run/``, git-ignored) into
``lj_spectral_small/``: the spectral blocks, the temperature profile, the bath energies, the box, the
structure and the config. ``spectral/setup.npz`` is rewritten with ``numpy.savez_compressed`` (the same
arrays, 23 kB instead of 500 kB); the restart file and the LAMMPS log are left out.

It also writes ``lattice_modes.npz``: the harmonic modes at Gamma of the run's own periodic cell
(:func:`kapitza.atomistic.interface_modes.interface_modes`, what ``kapitza md modes`` computes: a
3072 x 3072 eigenproblem, 5-30 s), every field of the :class:`~kapitza.atomistic.interface_modes.InterfaceModes`
result as one array (``plane_weight`` as float32 to stay under 200 kB), so that the tutorial rebuilds it with
``InterfaceModes(**fields)`` instead of solving it at every docs build; and ``harmonic_spectra.npz``: the AGF and
full-dispersion DMM of the same interface (:func:`kapitza.transmission.md_systems.harmonic_spectra` with the
defaults of ``kapitza md spectral``: 8x8 k-points, 100 frequencies, 16^3 mesh; its LJ force constants by finite
differences take ~30 s), every field of ``HarmonicSpectra``, ``settings`` as a JSON string.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import numpy as np

from kapitza.atomistic.interface_modes import interface_modes
from kapitza.io.run_manifest import read_manifest
from kapitza.md.run import read_run_config
from kapitza.md.systems import build_structure
from kapitza.transmission.md_systems import harmonic_spectra

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
    config = read_run_config(out)
    modes = interface_modes(
        build_structure(config),
        config.potential,
        interface_z=config.cells_a * config.lattice_constant,  # as kapitza md modes does
        plane_spacing=config.plane_spacing,
        planes_per_side=config.spectral_sampled_planes,
        units=config.units,
        sigma=config.sigma,
    )
    fields = {f.name: np.asarray(getattr(modes, f.name)) for f in dataclasses.fields(modes)}
    fields["plane_weight"] = fields["plane_weight"].astype(np.float32)
    np.savez_compressed(out / "lattice_modes.npz", **fields)
    harmonic = harmonic_spectra(read_manifest(out), kpoints=8, frequencies=100)  # kapitza md spectral's defaults
    fields = {f.name: getattr(harmonic, f.name) for f in dataclasses.fields(harmonic)}
    fields["settings"] = json.dumps(dict(fields["settings"]))
    fields["notes"] = np.array(list(fields["notes"]), dtype=str)
    np.savez_compressed(out / "harmonic_spectra.npz", **fields)
    print(f"wrote {out} ({modes.n_interface} interface modes of {modes.omega.size}; {harmonic})")


if __name__ == "__main__":
    main()
