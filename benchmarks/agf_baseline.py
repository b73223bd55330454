"""The straightforward AGF solver, kept only as the benchmark's baseline (not part of kapitza).

For every frequency and every transverse wavevector, one at a time, it does
what a textbook implementation does:

1. surface Green's functions of both leads by Lopez Sancho-Rubio decimation
   on the whole principal layer (np.linalg.inv of the full layer each step);
2. self-energies on the whole device;
3. the whole device Green's function by one dense inverse;
4. the Caroli trace Tr[Gamma_R G Gamma_L G^dagger] with device-sized matrices.

It uses the same layered model (the same force constants and the same
complex z = omega^2 (1 + i eta)) as the kapitza solver, so the two must
give the same transmission.
"""

from __future__ import annotations

import numpy as np


def surface_green(z: complex, h00: np.ndarray, t: np.ndarray, tol: float = 1e-13, max_steps: int = 100) -> np.ndarray:
    """Surface Green's function of a semi-infinite chain of layers h00 with coupling t = H_{j,j+1} away from it."""
    n = h00.shape[0]
    eye = np.eye(n)
    eps_s = h00.astype(complex).copy()
    eps = h00.astype(complex).copy()
    alpha = t.astype(complex).copy()
    beta = t.conj().T.astype(complex).copy()
    scale = np.abs(h00).max()
    for _ in range(max_steps):
        g = np.linalg.inv(z * eye - eps)
        agb = alpha @ g @ beta
        eps_s = eps_s + agb
        eps = eps + agb + beta @ g @ alpha
        alpha = alpha @ g @ alpha
        beta = beta @ g @ beta
        if max(np.abs(alpha).max(), np.abs(beta).max()) < tol * scale:
            return np.linalg.inv(z * eye - eps_s)
    raise RuntimeError("decimation did not converge")


def transmission(model, omega: np.ndarray, kpoints: np.ndarray, eta: float) -> np.ndarray:
    """Xi(k, omega) by the per-(omega, k) loop with a full device inverse; shape (n_k, n_omega)."""
    n_blocks = len(model.bounds) - 1
    r = model.block_range
    um1, u0, u1, u2 = r(0), r(1), r(n_blocks - 2), r(n_blocks - 1)
    dev = slice(model.bounds[2], model.bounds[-3])
    out = np.empty((len(kpoints), len(omega)))
    for ik, k in enumerate(kpoints):
        d = model.matrix_at(k).toarray()
        h_l, t_l = d[u0, u0], d[u0, um1]  # left lead: coupling from the surface layer deeper into the lead
        h_r, t_r = d[u1, u1], d[u1, u2]
        c_l, c_r = d[u0, dev], d[u1, dev]
        h_d = d[dev, dev]
        eye = np.eye(h_d.shape[0])
        for iw, w in enumerate(omega):
            z = w**2 * (1 + 1j * eta)
            g_l = surface_green(z, h_l, t_l)
            g_r = surface_green(z, h_r, t_r)
            sigma_l = c_l.conj().T @ g_l @ c_l
            sigma_r = c_r.conj().T @ g_r @ c_r
            g = np.linalg.inv(z * eye - h_d - sigma_l - sigma_r)
            gamma_l = 1j * (sigma_l - sigma_l.conj().T)
            gamma_r = 1j * (sigma_r - sigma_r.conj().T)
            out[ik, iw] = np.trace(gamma_r @ g @ gamma_l @ g.conj().T).real
    return out
