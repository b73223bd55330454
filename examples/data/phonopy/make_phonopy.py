"""Write the tutorial's phonopy files: Stillinger-Weber Si from kapitza's own force constants.

Run from the repository root (needs ``pip install 'kapitza[phonons]'``)::

    python examples/data/phonopy/make_phonopy.py

It writes ``examples/data/phonopy/phonopy.yaml`` (the cell, masses and supercell; no force constants inside)
and ``FORCE_CONSTANTS`` beside it in phonopy's compact form (primitive atoms x supercell atoms), the layout a
DFT workflow (phonopy + VASP/QE) leaves behind. ``kapitza.phonons.harmonic.HarmonicCrystal.from_phonopy_file``
reads them as data (YAML through a safe loader).
"""

from __future__ import annotations

from pathlib import Path

from phonopy.file_IO import write_FORCE_CONSTANTS

from kapitza.phonons.harmonic import HarmonicCrystal

HERE = Path(__file__).resolve().parent


def main() -> None:
    crystal = HarmonicCrystal.from_potential("Si", "sw")
    ph = crystal.phonopy
    ph.save(HERE / "phonopy.yaml", settings={"force_constants": False, "force_sets": False})
    p2s = ph.primitive.p2s_map
    fc = ph.force_constants
    compact = fc if fc.shape[0] == len(p2s) else fc[p2s]  # rows of the primitive atoms only: 30x smaller
    write_FORCE_CONSTANTS(compact, filename=str(HERE / "FORCE_CONSTANTS"), p2s_map=p2s)
    fc = compact
    print(f"wrote {HERE / 'phonopy.yaml'} and FORCE_CONSTANTS ({fc.shape[0]} x {fc.shape[1]} blocks)")


if __name__ == "__main__":
    main()
