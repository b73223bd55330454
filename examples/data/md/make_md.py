"""Make the tutorial's stored NEMD runs under examples/data/md/ (LJ reduced units).

Run from the repository root (needs ``pip install 'kapitza[md]'``; about 2 CPU-minutes in all)::

    kapitza md run examples/data/md/lj_small.toml
    kapitza md campaign examples/data/md/lj_length_campaign.toml
    python examples/data/md/make_md.py

The last step copies what the analysis reads from each run directory (``*.run/`` and ``*.campaign/`` are
git-ignored) into ``lj_small/`` and ``lj_length_campaign/``: the temperature profile (``profile.chunk``,
LAMMPS ``fix ave/chunk``), the bath energies (``baths.txt``), the box, the config, ``in.lammps`` and the
state; the campaign's ``campaign.csv`` and ``campaign.json`` too. Restart files, LAMMPS logs and the
structure files are left out.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from kapitza.io import run_manifest as layout

HERE = Path(__file__).resolve().parent
#: what the analysis reads (the manifest and the data files) and what made them; restarts and logs are left out
KEEP = (
    layout.MANIFEST_FILE,
    layout.BATHS_FILE,
    layout.BOX_FILE,
    layout.CONFIG_FILE,
    layout.INPUT_FILE,
    layout.PROFILE_FILE,
    layout.STATE_FILE,
)


def copy_run(run: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name in KEEP:
        shutil.copy2(run / name, out / name)


def main() -> None:
    copy_run(HERE / "lj_small.run", HERE / "lj_small")
    campaign, out = HERE / "lj_length_campaign.campaign", HERE / "lj_length_campaign"
    out.mkdir(parents=True, exist_ok=True)
    for name in ("campaign.csv", "campaign.json"):
        shutil.copy2(campaign / name, out / name)
    for member in sorted(p for p in campaign.iterdir() if p.is_dir()):
        copy_run(member, out / member.name)
    print(f"wrote {HERE / 'lj_small'} and {out}")


if __name__ == "__main__":
    main()
