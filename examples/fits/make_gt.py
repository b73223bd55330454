"""Make gt_al_sapphire.txt: a synthetic G(T) series for the `kapitza fit` examples in the README.

G(T) of Al|sapphire from kapitza's exact AMM plus an inelastic channel tau = A T^q omega^m with
A = 1e-16, q = 1, m = 1 (T in K, omega in rad/s), at 2..300 K, with 4 % Gaussian noise (seed 14) and
the 4 % as the sigma column.  Synthetic: it shows the commands, it is not a measurement.
Run: python examples/fits/make_gt.py
"""

from pathlib import Path

import numpy as np

from kapitza.prediction import conductance

T = np.array([2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 20.0, 40.0, 70.0, 100.0, 150.0, 200.0, 300.0])
G = conductance("Al", "Al2O3", T, "amm", inelastic={"A": 1e-16, "q": 1.0, "m": 1.0})
rng = np.random.default_rng(14)
noisy = G * (1 + 0.04 * rng.standard_normal(T.size))
lines = [
    "# synthetic: AMM Al|sapphire + inelastic A=1e-16 q=1 m=1, 4 % noise (seed 14); examples/fits/make_gt.py",
    "T (K), G (W m^-2 K^-1), sigma",
]
lines += [f"{t:g}, {g:.6g}, {0.04 * g:.4g}" for t, g in zip(T, noisy)]
Path(__file__).with_name("gt_al_sapphire.txt").write_text("\n".join(lines) + "\n")
