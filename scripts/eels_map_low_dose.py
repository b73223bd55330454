"""Where the EELS map's stated errors fall short: the scatter of z = (T - truth) / sigma per pixel, by dose, window
and tail family, on the map calibration's held-out images without the detector's point-spread function.

Run (from the repository root; about 30 s per line on two cores at 100 images):

    PYTHONPATH=src:scripts python scripts/eels_map_low_dose.py [N_IMAGES]

The images are ``scripts/calibration/eels_map.py``'s (not kapitza's forward model): 6 x 6 pixels, 300 K left and
650 K right, white Poisson noise.  Each line is one setting of ``stream_temperature_map`` (what ``eels map`` runs):
the default (automatic window, every tail family), a fixed 40:110 meV window, or the Pearson VII family alone, at
doses 1e6, 1e7 and 1e8.  Printed per half: valid pixels, 1-sigma coverage, mean z and the standard deviation of z
(1 where the stated errors are right).  Read by docs/physics/eels.md ("Known limits").
"""

from __future__ import annotations

import sys

import numpy as np

from calibration import eels_map as cal
from kapitza.analysis.eels.data import eels_data
from kapitza.analysis.eels.stream import stream_temperature_map

SETTINGS = {
    "default": {},
    "window 40:110 meV": {"window_mev": (40.0, 110.0)},
    "Pearson VII only": {"families": ("pearson7",)},
}


def z_scores(dose: float, options: dict, n_images: int) -> dict[str, np.ndarray]:
    case = cal.MapCase(psf=False, dose=dose)
    ny, nx = case.shape
    out: dict[str, list[float]] = {"left": [], "right": []}
    for seed in range(n_images):
        e, counts, truth = cal.image(case, seed)
        data = eels_data(e, counts, (np.arange(ny) * 1.0, np.arange(nx) * 1.0))
        m = stream_temperature_map(data, **options)
        for side, cols in (("left", slice(0, nx // 2)), ("right", slice(nx // 2, nx))):
            ok = m.valid[:, cols]
            z = (m.temperature[:, cols] - truth[:, cols]) / m.temperature_err[:, cols]
            out[side] += z[ok].tolist()
    return {side: np.asarray(v) for side, v in out.items()}


def main() -> None:
    n_images = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    print(f"{'setting':20s}{'dose':>8s}{'half':>7s}{'pixels':>8s}{'coverage':>10s}{'mean z':>8s}{'std z':>7s}")
    runs = [(name, 1e6) for name in SETTINGS] + [("default", 1e7), ("default", 1e8)]
    for name, dose in runs:
        for side, z in z_scores(dose, SETTINGS[name], n_images).items():
            cover = float(np.mean(np.abs(z) < 1.0))
            print(f"{name:20s}{dose:8.0e}{side:>7s}{z.size:8d}{cover:10.3f}{z.mean():8.3f}{z.std():7.3f}")


if __name__ == "__main__":
    main()
