"""Cross-spectra of sampled signals: the one place for the Fourier conventions of the spectral heat current.

Used by :mod:`kapitza.md.spectral` (streaming, block by block, during a run) and by :mod:`kapitza.analysis`
(users' own data), so both give the same numbers.  Pure numpy; any consistent unit system.

Conventions
-----------
A block is ``n`` samples ``x_t`` taken every ``dt``; it is multiplied by a Hann window ``w_t`` and transformed with
``numpy.fft.rfft`` (``X_k = sum_t w_t x_t exp(-2 pi i k t / n)``), at angular frequencies
``omega_k = 2 pi k / (n dt)``, ``k = 0 .. n // 2`` (:func:`frequencies`).

The *one-sided spectral density* of the correlation of two real signals is

    S_xy(omega_k) = c_k dt / (pi n <w^2>) Re(X_k^* Y_k),      c_k = 1/2 at k = 0 and at Nyquist, else 1,

so that ``sum_k S_xy(omega_k) d_omega`` (:func:`integrate`, ``d_omega = 2 pi / (n dt)``) is the window-weighted
mean of ``x_t y_t`` over the block (Parseval), an unbiased estimate of ``<x y>``.  ``Re(X^* Y)`` contains the
correlation at positive *and* negative time lags: no ``K(-t) = K(t)`` shortcut is taken anywhere.

Heat current across a plane (Saaskilahti et al., PRB 90, 134312 (2014); PRB 91, 115426 (2015)): atoms ``i`` on
side 1, ``j`` on side 2.  With pair forces ``F_ji`` (on j from i), the power side 1 delivers to side 2 is
``P = sum_ij F_ji . (v_i + v_j) / 2`` (the symmetric form; the two one-sided forms have the same mean), so

    q(omega) = S_{F v}: sum over atoms of the one-sided density of F_j^(1) . v_j / 2 - F_i^(2) . v_i / 2,

with ``F_j^(1) = sum_i F_ji`` the force on j from side 1 (:func:`force_heat_spectrum`; Fan et al., PRB 95,
144309 (2017), the force-velocity form).  In the harmonic approximation ``F_j^(1) = -sum_i K_ji u_i`` with
``K_ji`` the 3x3 force-constant block (the Hessian d2U / du_j du_i) and ``U = V / (i omega)`` in this convention,
which gives (:func:`harmonic_heat_spectrum`)

    q(omega_k) = c_k dt / (pi n <w^2>) (1 / omega_k) Im sum_j V_j . G_j^*,      G_j = sum_i K_ji V_i,

positive when heat flows from side 1 to side 2 (a wave travelling 1 -> 2 makes ``V_j`` lag ``V_i``).  Its sum
over frequencies is the mean power 1 -> 2 of the harmonic forces; at ``omega = 0`` it is 0.

Kinetic energy: :func:`kinetic_spectrum` gives ``sum_i m_i S_{v_i v_i} / 2`` per group, whose integral is the
group's mean kinetic energy (``3 N k_B T / 2`` in equilibrium).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .errors import InputError

#: The window every block is multiplied by before its transform.
WINDOW = "hann"


def window(n: int) -> NDArray[np.float64]:
    """The periodic Hann window of ``n`` samples (``0.5 - 0.5 cos(2 pi t / n)``; mean of its square 3/8)."""
    if not isinstance(n, (int, np.integer)) or n < 4:
        raise InputError(f"a spectral block needs at least 4 samples, got {n!r}")
    t = np.arange(n)
    return 0.5 - 0.5 * np.cos(2.0 * np.pi * t / n)


def frequencies(n: int, dt: float) -> NDArray[np.float64]:
    """Angular frequencies ``2 pi k / (n dt)``, k = 0 .. n // 2 (rad per unit of ``dt``)."""
    if not (np.isfinite(dt) and dt > 0):
        raise InputError(f"the sampling interval must be positive, got {float(dt):g}")
    return 2.0 * np.pi * np.fft.rfftfreq(n, d=dt)


def frequency_step(n: int, dt: float) -> float:
    """``d_omega = 2 pi / (n dt)``: the width of one frequency bin."""
    return 2.0 * np.pi / (n * dt)


def transform(x: NDArray[np.floating], axis: int = 0) -> NDArray[np.complex128]:
    """The windowed rfft of a block along ``axis`` (samples), e.g. velocities of shape (n, atoms, 3)."""
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[axis]
    shape = [1] * x.ndim
    shape[axis] = n
    return np.fft.rfft(x * window(n).reshape(shape), axis=axis)


def _weights(n: int, dt: float) -> NDArray[np.float64]:
    """``c_k dt / (pi n <w^2>)`` for k = 0 .. n // 2 (see the module docstring)."""
    w = window(n)
    c = np.ones(n // 2 + 1)
    c[0] = 0.5
    if n % 2 == 0:
        c[-1] = 0.5
    return c * dt / (np.pi * n * float(np.mean(w * w)))


def cross_density(x_hat: NDArray[np.complex128], y_hat: NDArray[np.complex128], n: int, dt: float) -> NDArray:
    """One-sided density of ``<x y>`` from transforms of shape (n//2+1, ...), summed over all other axes."""
    product = np.real(np.conj(x_hat) * y_hat)
    product = product.reshape(product.shape[0], -1).sum(axis=1)
    return _weights(n, dt) * product


def integrate(density: NDArray[np.floating], n: int, dt: float, axis: int = -1) -> NDArray[np.float64] | float:
    """``sum_k density_k d_omega``: the mean the density decomposes (exact Parseval sum, not a quadrature)."""
    return np.sum(density, axis=axis) * frequency_step(n, dt)


def kinetic_spectrum(
    v_hat: NDArray[np.complex128],
    masses: NDArray[np.floating],
    groups: NDArray[np.integer],
    n_groups: int,
    n: int,
    dt: float,
) -> NDArray[np.float64]:
    """Kinetic-energy spectral density of each group of atoms, shape (n_groups, n//2+1).

    ``v_hat``: (n//2+1, atoms, 3) transforms of velocities; ``masses`` (atoms,); ``groups`` (atoms,) in
    0 .. n_groups-1 (atoms with a negative group are left out).  Unit: energy per unit angular frequency.
    """
    power = np.einsum("kac,kac->ak", v_hat.conj(), v_hat).real * np.asarray(masses, dtype=np.float64)[:, None]
    out = np.zeros((n_groups, power.shape[1]))
    keep = np.asarray(groups) >= 0
    np.add.at(out, np.asarray(groups)[keep], power[keep])
    return 0.5 * out * _weights(n, dt)[None, :]


def harmonic_heat_spectrum(
    v1_hat: NDArray[np.complex128], v2_hat: NDArray[np.complex128], coupling: object, n: int, dt: float
) -> NDArray[np.float64]:
    """Spectral heat current 1 -> 2 of the harmonic forces, shape (n//2+1,), energy/time per unit angular frequency.

    ``v1_hat`` (n//2+1, n1, 3), ``v2_hat`` (n//2+1, n2, 3): transforms of the velocities of the side-1 and side-2
    atoms; ``coupling``: the (3 n2, 3 n1) matrix (dense or scipy.sparse) of force constants ``K_ji`` (energy per
    length squared), row ``3 j + beta``, column ``3 i + alpha``.
    """
    nf = v1_hat.shape[0]
    a = v1_hat.reshape(nf, -1).T  # (3 n1, nf)
    g = coupling @ a  # (3 n2, nf): G_j = sum_i K_ji V_i
    b = v2_hat.reshape(nf, -1).T
    im = np.imag(np.sum(b * np.conj(g), axis=0))
    omega = frequencies(n, dt)
    out = np.zeros(nf)
    out[1:] = im[1:] / omega[1:]
    return _weights(n, dt) * out


def force_heat_spectrum(
    f21_hat: NDArray[np.complex128],
    v2_hat: NDArray[np.complex128],
    f12_hat: NDArray[np.complex128],
    v1_hat: NDArray[np.complex128],
    n: int,
    dt: float,
) -> NDArray[np.float64]:
    """Spectral heat current 1 -> 2 from interatomic forces (symmetric form), shape (n//2+1,).

    ``f21_hat`` (n//2+1, n2, 3): transforms of the force on each side-2 atom from side 1; ``f12_hat``
    (n//2+1, n1, 3): force on each side-1 atom from side 2; ``v*_hat`` the velocities' transforms.  Unit:
    energy/time per unit angular frequency; its :func:`integrate` is the window-weighted mean of
    ``(sum_j F_j^(1) . v_j - sum_i F_i^(2) . v_i) / 2``.
    """
    return 0.5 * (cross_density(f21_hat, v2_hat, n, dt) - cross_density(f12_hat, v1_hat, n, dt))


def smooth(values: NDArray[np.floating], omega: NDArray[np.floating], width: float) -> NDArray[np.float64]:
    """Gaussian smoothing along the last axis with standard deviation ``width`` (same unit as ``omega``).

    The kernel is normalised over the grid at each point (its sum kept), so integrals are kept to the bins
    lost at the ends; ``width = 0`` returns the values unchanged.
    """
    values = np.asarray(values, dtype=np.float64)
    if width == 0:
        return values.copy()
    if not (np.isfinite(width) and width > 0):
        raise InputError(f"the smoothing width must be zero or positive, got {float(width):g}")
    d = (omega[:, None] - omega[None, :]) / width
    kernel = np.exp(-0.5 * d * d)
    kernel /= kernel.sum(axis=0, keepdims=True)  # column j spreads bin j's content: sums are kept
    return values @ kernel.T
