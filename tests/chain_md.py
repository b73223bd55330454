"""Test support: a small numpy Langevin molecular dynamics of 1D chains, many independent replicas at once.

Atoms 0..N-1 with masses ``m``, nearest-neighbour bonds with potential
``k u^2 / 2 + cubic u^3 / 3 + quartic u^4 / 4`` (u = x_{l+1} - x_l, displacements from the lattice sites),
free ends.  Langevin baths as in LAMMPS ``fix langevin``: on atom l the force ``-gamma_l m_l v_l + eta_l`` with
Gaussian ``eta`` of variance ``2 gamma_l m_l k_B T_l / dt`` per step (k_B = 1).  Velocity Verlet in LAMMPS'
order: half kick, drift, forces (the Langevin force from the half-step velocity), half kick.  ``replicas``
independent chains run as rows of (replicas, N) arrays, so the noise averages in seconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np


@dataclass
class ChainMD:
    masses: np.ndarray  # (N,)
    springs: np.ndarray  # (N - 1,) harmonic bond constants
    gamma: np.ndarray  # (N,) damping rates (0 = no bath)
    temperature: np.ndarray  # (N,) bath temperatures (k_B = 1)
    dt: float = 0.05
    replicas: int = 64
    cubic: float = 0.0
    quartic: float = 0.0
    seed: int = 0
    x: np.ndarray = field(init=False)
    v: np.ndarray = field(init=False)
    bath_work: np.ndarray = field(init=False)  # (replicas, N) work done by the Langevin force on each atom

    def __post_init__(self) -> None:
        self.masses = np.asarray(self.masses, dtype=float)
        self.springs = np.asarray(self.springs, dtype=float)
        n = self.masses.size
        self.gamma = np.broadcast_to(np.asarray(self.gamma, dtype=float), (n,)).copy()
        self.temperature = np.broadcast_to(np.asarray(self.temperature, dtype=float), (n,)).copy()
        self.rng = np.random.default_rng(self.seed)
        self.x = np.zeros((self.replicas, n))
        t0 = np.where(self.gamma > 0, self.temperature, self.temperature.mean())
        self.v = self.rng.standard_normal((self.replicas, n)) * np.sqrt(t0 / self.masses)
        self.bath_work = np.zeros((self.replicas, n))
        self._baths = np.flatnonzero(self.gamma > 0)
        g, m, t = self.gamma[self._baths], self.masses[self._baths], self.temperature[self._baths]
        self._friction = g * m
        self._noise = np.sqrt(2.0 * g * m * t / self.dt)
        self.f = self.conservative(self.x)

    def bond_force(self, x: np.ndarray) -> np.ndarray:
        """Force on atom l + 1 from atom l, shape (replicas, N - 1) (minus the force on l from l + 1)."""
        u = np.diff(x, axis=1)
        f = -self.springs * u
        if self.cubic:
            f -= self.cubic * u * u
        if self.quartic:
            f -= self.quartic * u * u * u
        return f

    def conservative(self, x: np.ndarray) -> np.ndarray:
        fb = self.bond_force(x)
        f = np.zeros_like(x)
        f[:, 1:] += fb
        f[:, :-1] -= fb
        return f

    def step(self) -> None:
        dt, m, b = self.dt, self.masses, self._baths
        self.v += 0.5 * dt * self.f / m
        self.x += dt * self.v
        self.f = self.conservative(self.x)
        fb = -self._friction * self.v[:, b] + self._noise * self.rng.standard_normal((self.replicas, b.size))
        self.f[:, b] += fb
        self.v += 0.5 * dt * self.f / m
        self.bath_work[:, b] += dt * fb * self.v[:, b]  # work of the bath force at the full-step velocity

    def run(self, steps: int) -> None:
        for _ in range(steps):
            self.step()

    def blocks(
        self, n_blocks: int, n_samples: int, every: int, atoms: np.ndarray, bonds: np.ndarray
    ) -> Iterator[dict[str, np.ndarray]]:
        """Yield blocks: ``v`` and ``x`` (n_samples, replicas, len(atoms)), ``f`` (n_samples, replicas, len(bonds))
        (force on atom b + 1 from atom b), and ``bath_power`` (replicas, N): the mean power of each bath over the
        block."""
        atoms, bonds = np.asarray(atoms), np.asarray(bonds)
        for _ in range(n_blocks):
            v = np.empty((n_samples, self.replicas, atoms.size))
            x = np.empty_like(v)
            f = np.empty((n_samples, self.replicas, bonds.size))
            work0 = self.bath_work.copy()
            for s in range(n_samples):
                self.run(every)
                v[s] = self.v[:, atoms]
                x[s] = self.x[:, atoms]
                f[s] = self.bond_force(self.x)[:, bonds]
            power = (self.bath_work - work0) / (n_samples * every * self.dt)
            yield {"v": v, "x": x, "f": f, "bath_power": power}
