r"""Mode sums: transport-channel density and density of states from phonons sampled in k-space.

For one bulk crystal and an interface normal :math:`\hat n`, the number of
transport channels per area and per unit angular frequency of band b is

.. math::

    M_b(\omega) = \frac{1}{2 N_q V} \sum_{\mathbf q}
                  |\mathbf v_{\mathbf q b}\cdot\hat n|\,\delta(\omega - \omega_{\mathbf q b}),

with :math:`N_q` q-points on a uniform mesh of the Brillouin zone and
:math:`V` the primitive-cell volume: :math:`1/(N_q V)` is the k-space volume
of one mesh cell over :math:`(2\pi)^3`, and the 1/2 keeps the modes that move
towards the interface.  For an isotropic Debye branch the sum becomes
:math:`\omega^2/(8\pi^2 v^2)`, the closed form of
:mod:`kapitza.phonons.debye` (the tests check this parity).  The density of
states is the same sum without :math:`|\mathbf v\cdot\hat n|/2`.

Symmetry
--------
:math:`|\mathbf v\cdot\hat n|` is *not* invariant under the point group (a
rotation moves the velocity but not the interface), so the irreducible wedge
cannot simply be weighted by the size of each star.  Instead, with
:math:`\mathbf v(R\mathbf q) = R\,\mathbf v(\mathbf q)` for a Cartesian
rotation :math:`R` of the group :math:`G` (point group and time reversal),

.. math::

    \sum_{\mathbf q' \in \mathrm{star}(\mathbf q)} |\mathbf v(\mathbf q')\cdot\hat n|
    = \frac{|\mathrm{star}|}{|G|}\sum_{R\in G} |\mathbf v(\mathbf q)\cdot R^{T}\hat n| ,

i.e. each irreducible point carries the average of :math:`|\mathbf v\cdot\hat n'|`
over the images :math:`\hat n'` of the normal: the star is unfolded exactly.
:func:`irreducible_mesh` keeps only the operations that map the mesh onto
itself, and the same operations give the images.  Where bands are degenerate
(whole zone faces in the diamond structure) the component along each image is
taken by degenerate perturbation along that image
(:meth:`~kapitza.phonons.harmonic.HarmonicCrystal.normal_velocities`), so the
identity holds there too; the tests check the result against the full mesh
(agreement to 1e-13).

Broadening
----------
The delta functions are Gaussians of adaptive width (Yates, Wang, Vanderbilt
and Souza, Phys. Rev. B 75, 195121 (2007)),
:math:`\sigma_{\mathbf q b} = a\,|\mathbf v_{\mathbf q b}|\,\Delta k`, with
:math:`\Delta k` the mesh spacing and ``width`` :math:`a = 1/2` by default: a
mode is smeared over the frequency range its band sweeps between neighbouring
mesh points, so the sum is smooth without washing out flat bands.  Widths are
floored at two grid steps.  Numerically, modes are binned linearly onto a
uniform frequency grid, grouped into 48 log-spaced width classes and each
class is convolved with its Gaussian by FFT (exact up to the class width,
a few per cent of sigma).  Weight broadened below omega = 0 is dropped.

Long wavelengths
----------------
A mesh resolves frequencies only above about one mesh step,
:math:`\omega_{res} = v_{max}\Delta k`.  Below it, the acoustic bands follow
the elastic-continuum limit :math:`M_b = C_b\omega^2` exactly, with

.. math:: C_b = \frac{1}{16\pi^3}\oint d\Omega\,
          \frac{|\mathbf v_b(\hat k)\cdot\hat n|}{c_b(\hat k)^3},

(:math:`c_b` the phase and :math:`\mathbf v_b` the group velocity at small
:math:`k` along :math:`\hat k`; isotropic: :math:`1/(8\pi^2 v^2)`), computed by
:func:`long_wavelength_limit` from the same dispersion.  The channel density of
each acoustic band is :math:`C_b\omega^2` below :math:`\omega_{res}`, the mesh
sum above :math:`2\omega_{res}`, and a cosine blend in between; optical bands
are the mesh sum everywhere.  This is what makes G(T) right at low
temperature (the T^3 law with the crystal's own sound speeds) while the mesh
converges at room temperature.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import _checks
from ..errors import InputError
from ..io.results import result

#: Default adaptive-broadening factor a in sigma = a |v| dk.
DEFAULT_WIDTH = 0.5
#: Number of points of the tabulation grid from 0 to the highest mode frequency.
GRID_POINTS = 3000
#: Floor of the Gaussian width, in grid steps.
SIGMA_FLOOR_STEPS = 2.0
#: Gaussians are cut at this many widths.
SIGMA_CUT = 6.0
#: Number of log-spaced width classes used for the convolution.
WIDTH_CLASSES = 48
#: The acoustic channel density is the continuum limit below BLEND[0] * omega_res and the mesh
#: sum above BLEND[1] * omega_res (omega_res = largest sound speed * mesh spacing).
BLEND = (1.0, 2.0)

#: Default bound, in GB, on the memory of one mesh or one tabulation (``max_memory_gb=``).
DEFAULT_MAX_MEMORY_GB = 4.0
#: Bytes per point of a Gamma-centred mesh: grid addresses with their meshgrid temporaries (48),
#: the image index of each point under each of up to 96 operations (irreducible_mesh, 8 each),
#: and the frequencies and velocities of the points computed (~200 for a few bands).
BYTES_PER_MESH_POINT = 48 + 8 * 96 + 200
#: Below this mesh number the mesh sums are far from converged.  Radiation conductance of SW Si at
#: 300 K, width 0.5 (convergence_table, MW m^-2 K^-1): 6107 at mesh 1, 8687 at 2, 3697 at 3, 2031 at 4,
#: 1191 at 6, 1134 at 8, 1171 at 12, 1181 at 16, 1188 at 24 (the issue saw DMM 11x and 6x at 1 and 2).
#: From 8 on it is within 5 % of 24^3; smaller meshes give a ConvergenceWarning.
MESH_FLOOR = 8


class ConvergenceWarning(UserWarning):
    """A numerical setting is below where the result converges (the result is computed anyway)."""


def check_memory(estimate_bytes: float, what: str, max_memory_gb: float) -> None:
    """Raise InputError if ``estimate_bytes`` exceeds ``max_memory_gb`` (GB), naming the override."""
    limit = _checks.memory_bound_gb(max_memory_gb, "max_memory_gb")
    if not estimate_bytes <= limit * 1e9:
        raise InputError(
            f"{what} needs ~{float(estimate_bytes) / 1e9:.3g} GB (limit {limit:g} GB; raise it with "
            "max_memory_gb=, --max-memory-gb on the command line)"
        )


def check_mesh(mesh: tuple[int, int, int], max_memory_gb: float = DEFAULT_MAX_MEMORY_GB, *, warn: bool = True) -> None:
    """Refuse a mesh whose memory estimate exceeds the bound; warn below the convergence floor.

    Parameters
    ----------
    mesh : (N1, N2, N3)
        Mesh numbers, from :func:`mesh_numbers`.
    max_memory_gb : float
        Bound in GB on the estimate ``N1 N2 N3 x BYTES_PER_MESH_POINT``.
    warn : bool
        Warn below the convergence floor (False: only the memory check).

    Raises
    ------
    InputError
        The estimate exceeds ``max_memory_gb``.

    Warns
    -----
    ConvergenceWarning
        Any mesh number below :data:`MESH_FLOOR`: the result is computed, but it is
        not converged (several times the converged conductance at meshes 1 and 2).
    """
    points = float(np.prod(np.array(mesh, dtype=float)))
    label = "x".join(map(str, mesh))
    check_memory(points * BYTES_PER_MESH_POINT, f"a {label} mesh ({points:.3g} points)", max_memory_gb)
    if warn and min(mesh) < MESH_FLOOR:
        warnings.warn(
            f"a {label} mesh is below the convergence floor of {MESH_FLOOR} per direction: the mode sums "
            f"(and G) can be several times the converged value; use mesh >= {MESH_FLOOR} (default 24)",
            ConvergenceWarning,
            stacklevel=3,
        )


def check_width(width: float, mesh: tuple[int, int, int], max_memory_gb: float = DEFAULT_MAX_MEMORY_GB) -> None:
    """Refuse a broadening width whose frequency grid cannot fit in memory, before any work.

    The grid of :func:`tabulate` extends SIGMA_CUT widths past the highest mode, with
    GRID_POINTS steps up to it; sigma/step is width |v| dk GRID_POINTS / omega_max, and
    |v| dk / omega_max is at least about 1/N for a mesh of N (2.8/N for Si).  The estimate
    uses 1/N and three bands, so only what certainly cannot fit is refused here; the
    exact check runs in :func:`tabulate`.
    """
    if not np.isfinite(width) or width <= 0:
        raise InputError(f"width must be a positive number (sigma = width |v| dk), got {float(width):g}")
    n_grid = GRID_POINTS * (1.0 + SIGMA_CUT * float(width) / min(mesh))
    check_memory(_table_bytes(3, n_grid, 2 * n_grid), f"broadening width {float(width):g}", max_memory_gb)


def _table_bytes(n_bands: int, n_grid: float, n_fft: float) -> float:
    """Peak bytes of :func:`tabulate`: two tables of n_bands x n_grid, FFT work arrays of n_fft."""
    return 16.0 * n_bands * n_grid + 64.0 * n_fft


Dispersion = Callable[[NDArray[np.float64]], tuple[NDArray[np.float64], NDArray[np.float64]]]


@result
class ModeSample:
    """Phonon modes sampled on a k-space mesh: the input of the mode sums.

    Attributes
    ----------
    frequencies : ndarray
        Angular frequencies in rad/s, shape (n_q, n_bands), bands sorted by frequency.
    normal_speed : ndarray
        |v . n| in m/s, averaged over the images of the normal (see the module docstring),
        shape (n_q, n_bands).
    speed : ndarray
        |v| in m/s, shape (n_q, n_bands) (sets the adaptive broadening).
    weights : ndarray
        q-point weights in m^-3: (multiplicity / N_q) / V, so that sum over q of the weights is
        the number of primitive cells per m^3, shape (n_q,).
    spacing : float
        Mesh spacing Delta k in 1/m (largest reciprocal basis length / mesh number).
    include : ndarray of bool
        False for modes represented elsewhere (the acoustic modes at Gamma, whose
        neighbourhood the long-wavelength limit covers), shape (n_q, n_bands).
    operations : int
        Symmetry operations used to reduce the mesh (1: every mesh point computed).
    """

    frequencies: NDArray[np.float64]
    normal_speed: NDArray[np.float64]
    speed: NDArray[np.float64]
    weights: NDArray[np.float64]
    spacing: float
    include: NDArray[np.bool_]
    operations: int = 1

    def __post_init__(self) -> None:
        shape = self.frequencies.shape
        if len(shape) != 2 or self.normal_speed.shape != shape or self.speed.shape != shape:
            raise InputError(f"mode arrays must share the shape (n_q, n_bands); got {shape}")
        if self.weights.shape != (shape[0],) or self.include.shape != shape:
            raise InputError("weights must have shape (n_q,) and include (n_q, n_bands)")
        for name in ("frequencies", "normal_speed", "speed", "weights"):
            if not np.all(np.isfinite(getattr(self, name))):
                raise InputError(f"mode sample: {name} contains NaN or infinite values")


@result
class LongWavelengthLimit:
    """Elastic-continuum limit of the acoustic bands for one interface normal.

    Attributes
    ----------
    channels : ndarray
        C_b in M_b(omega) -> C_b omega^2, m^-2 (rad/s)^-3, shape (n_acoustic,).
    dos : ndarray
        D_b in DOS_b(omega) -> D_b omega^2, m^-3 (rad/s)^-3, shape (n_acoustic,).
    max_speed : float
        Largest acoustic phase speed over all directions, m/s.
    normal : ndarray
        Unit interface normal (Cartesian), shape (3,).
    """

    channels: NDArray[np.float64]
    dos: NDArray[np.float64]
    max_speed: float
    normal: NDArray[np.float64]

    @property
    def sound_speeds(self) -> NDArray[np.float64]:
        """Debye-equivalent speed of each acoustic band, (8 pi^2 C_b)^(-1/2) in m/s, shape (n_acoustic,).

        A Debye branch with this speed has the same channel density at low
        frequency: for an isotropic solid, the sound speeds themselves.
        """
        return 1.0 / np.sqrt(8.0 * np.pi**2 * self.channels)


def unit_vector(direction: ArrayLike | str) -> NDArray[np.float64]:
    """A unit Cartesian vector from three numbers or a string such as "001", "111", "1-10", "1,1,0".

    Raises
    ------
    InputError
        Not three finite numbers, or the zero vector.
    """
    if isinstance(direction, str):
        text = direction.strip().strip("[]()")
        if "," in text or " " in text.strip():
            parts = text.replace(",", " ").split()
        else:  # Miller-style "1-10": digits with optional minus signs
            parts, sign = [], ""
            for ch in text:
                if ch == "-":
                    sign = "-"
                elif ch.isdigit():
                    parts.append(sign + ch)
                    sign = ""
                else:
                    raise InputError(f"direction {direction!r}: expected e.g. '001', '111', '1-10' or '1,1,0'")
        try:
            values = [float(p) for p in parts]
        except ValueError:
            raise InputError(f"direction {direction!r}: components must be numbers") from None
    else:
        try:
            values = [float(v) for v in np.asarray(direction, dtype=float).ravel()]
        except (TypeError, ValueError):
            raise InputError(f"direction {direction!r} must be three numbers") from None
    v = np.array(values, dtype=float)
    if v.shape != (3,) or not np.all(np.isfinite(v)):
        raise InputError(f"direction {direction!r} must be three finite numbers")
    norm = float(np.linalg.norm(v))
    if norm == 0.0:
        raise InputError("the interface normal cannot be the zero vector")
    return v / norm


def mesh_numbers(mesh: int | ArrayLike) -> tuple[int, int, int]:
    """(N1, N2, N3) from an int or three ints, each >= 1."""
    m = np.atleast_1d(np.asarray(mesh))
    if m.size == 1:
        m = np.repeat(m, 3)
    if m.shape != (3,) or m.dtype.kind not in "iu" or np.any(m < 1):
        raise InputError(f"mesh must be a positive integer or three positive integers, got {mesh!r}")
    return int(m[0]), int(m[1]), int(m[2])


def irreducible_mesh(
    mesh: tuple[int, int, int], reciprocal_rotations: ArrayLike | None
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Irreducible points of a Gamma-centred mesh under rotations and time reversal.

    Parameters
    ----------
    mesh : (N1, N2, N3)
    reciprocal_rotations : array_like or None
        Integer matrices acting on reduced q-vectors (q' = R q), shape (n_ops, 3, 3);
        None means no symmetry (the full mesh).

    Returns
    -------
    grid : ndarray
        Integer grid addresses of the irreducible points, q = grid / mesh, shape (n_ir, 3).
    weights : ndarray
        Number of mesh points each one stands for, shape (n_ir,); sums to N1 N2 N3.
    operations : ndarray
        The operations used (those mapping the mesh onto itself, with -R added for time
        reversal, duplicates removed), shape (n_used, 3, 3).
    """
    n = np.array(mesh)
    axes = [np.arange(k) for k in mesh]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)
    if reciprocal_rotations is None:
        return grid, np.ones(len(grid), dtype=np.int64), np.eye(3, dtype=np.int64)[None]
    rots = np.asarray(reciprocal_rotations, dtype=np.int64)
    rots = np.unique(np.concatenate([rots, -rots]), axis=0)
    # keep the operations that map the mesh onto itself: R (g / n) * n must be integer
    keep = []
    for r in rots:
        scaled = (r * n[:, None]) / n[None, :]  # maps integer addresses g to R (g/n) * n
        keep.append(np.allclose(scaled, np.round(scaled)))
    rots = rots[np.array(keep)]
    linear = np.full((len(rots), len(grid)), 0, dtype=np.int64)
    for i, r in enumerate(rots):
        scaled = np.round((r * n[:, None]) / n[None, :]).astype(np.int64)
        image = (grid @ scaled.T) % n
        linear[i] = np.ravel_multi_index(image.T, mesh)
    representative = linear.min(axis=0)
    ir, counts = np.unique(representative, return_counts=True)
    return grid[ir], counts.astype(np.int64), rots


def long_wavelength_limit(
    dispersion: Dispersion,
    normal: ArrayLike,
    k_length: float,
    *,
    n_polar: int = 24,
    n_azimuth: int = 48,
    n_acoustic: int = 3,
) -> LongWavelengthLimit:
    """The continuum coefficients C_b, D_b of the acoustic bands along ``normal``.

    The integral over directions uses Gauss-Legendre nodes in cos(theta) about the
    normal (the integrand's kink |v . n| = 0 sits near cos(theta) = 0) and uniform
    azimuths; k -> -k symmetry halves it.

    Parameters
    ----------
    dispersion : callable
        ``dispersion(k)`` with Cartesian wave vectors k in 1/m, shape (n, 3), returns
        angular frequencies (rad/s, shape (n, n_bands), sorted) and group velocities
        (m/s, shape (n, n_bands, 3)).
    normal : array_like
        Interface normal, shape (3,).
    k_length : float
        |k| in 1/m at which the slopes are taken; small against the Brillouin zone
        (about 1e-3 of it) so that omega/k is the sound speed.
    """
    n = unit_vector(normal)
    helper = np.array([1.0, 0.0, 0.0]) if abs(n[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    e1 = np.cross(n, helper)
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(n, e1)
    x, w = np.polynomial.legendre.leggauss(n_polar)
    cos_t, w_t = 0.5 * (x + 1.0), 0.5 * w
    phi = (np.arange(n_azimuth) + 0.5) * (2.0 * np.pi / n_azimuth)
    ct, ph = np.meshgrid(cos_t, phi, indexing="ij")
    st = np.sqrt(1.0 - ct**2)
    khat = (st * np.cos(ph))[..., None] * e1 + (st * np.sin(ph))[..., None] * e2 + ct[..., None] * n
    khat = khat.reshape(-1, 3)
    solid_angle = np.repeat(w_t, n_azimuth) * (2.0 * np.pi / n_azimuth)  # hemisphere: sums to 2 pi
    omega, velocity = dispersion(khat * k_length)
    omega, velocity = omega[:, :n_acoustic], velocity[:, :n_acoustic, :]
    if np.any(omega <= 0):
        raise InputError(
            "the acoustic frequencies near Gamma are not all positive: the force constants "
            "violate the acoustic sum rule or the crystal is unstable"
        )
    c = omega / k_length
    channels = 2.0 * (solid_angle[:, None] * np.abs(velocity @ n) / c**3).sum(axis=0) / (16.0 * np.pi**3)
    dos = 2.0 * (solid_angle[:, None] / c**3).sum(axis=0) / (8.0 * np.pi**3)
    return LongWavelengthLimit(channels=channels, dos=dos, max_speed=float(c.max()), normal=n)


@result
class ModeTables:
    """Mode sums per band on a uniform frequency grid (see :func:`tabulate`).

    Attributes
    ----------
    omega : ndarray
        Grid in rad/s, shape (n_grid,), starting at 0.
    channels : ndarray
        Broadened sum M_b in m^-2 (rad/s)^-1, shape (n_bands, n_grid).
    dos : ndarray
        Broadened density of states per band in m^-3 (rad/s)^-1, shape (n_bands, n_grid).
    """

    omega: NDArray[np.float64]
    channels: NDArray[np.float64]
    dos: NDArray[np.float64]


def tabulate(
    sample: ModeSample,
    *,
    width: float = DEFAULT_WIDTH,
    grid_points: int = GRID_POINTS,
    max_memory_gb: float = DEFAULT_MAX_MEMORY_GB,
) -> ModeTables:
    """Broadened mode sums M_b(omega) and DOS_b(omega) on a uniform grid.

    Parameters
    ----------
    sample : ModeSample
    width : float
        Adaptive broadening factor a (> 0) in sigma = a |v| dk.
    grid_points : int
        Grid points from 0 to the highest mode frequency.
    max_memory_gb : float
        Bound in GB on the grid and FFT arrays; a larger estimate raises InputError.
    """
    if not np.isfinite(width) or width <= 0:
        raise InputError(f"broadening width must be a positive number (sigma = width |v| dk), got {float(width):g}")
    f = sample.frequencies
    keep = sample.include & (f > 0)
    if not np.any(keep):
        raise InputError("no phonon mode with a positive frequency to sum over")
    top = float(f[keep].max())
    h = top / grid_points
    sigma = np.maximum(width * sample.speed * sample.spacing, SIGMA_FLOOR_STEPS * h)
    sigma_max = float(sigma[keep].max())
    grid_end = float((f + SIGMA_CUT * sigma)[keep].max()) / h
    what = f"broadening width {float(width):g}"
    if not np.isfinite(grid_end + sigma_max):
        check_memory(np.inf, what, max_memory_gb)
    n_grid = int(np.ceil(grid_end)) + 1
    n_fft_float = float(2.0 ** np.ceil(np.log2(n_grid + SIGMA_CUT * sigma_max / h + 2)))
    check_memory(_table_bytes(f.shape[1], n_grid, n_fft_float), what, max_memory_gb)
    omega = np.arange(n_grid) * h
    n_fft = int(n_fft_float)
    freq = 2.0 * np.pi * np.fft.rfftfreq(n_fft, d=h)
    edges = np.geomspace(SIGMA_FLOOR_STEPS * h, sigma_max * (1 + 1e-12), WIDTH_CLASSES + 1)
    n_bands = f.shape[1]
    channels = np.zeros((n_bands, n_grid))
    dos = np.zeros((n_bands, n_grid))
    for b in range(n_bands):
        sel = keep[:, b]
        x = f[sel, b] / h
        i = np.floor(x).astype(np.int64)
        frac = x - i
        weight = sample.weights[sel]
        amplitudes = (0.5 * weight * sample.normal_speed[sel, b], weight)
        cls = np.clip(np.searchsorted(edges, sigma[sel, b]) - 1, 0, WIDTH_CLASSES - 1)
        spectra = [np.zeros(freq.size, dtype=complex), np.zeros(freq.size, dtype=complex)]
        for c in np.unique(cls):
            in_class = cls == c
            s = np.sqrt(edges[c] * edges[c + 1])
            kernel = np.exp(-0.5 * (s * freq) ** 2)
            for k, amp in enumerate(amplitudes):
                hist = np.bincount(i[in_class], amp[in_class] * (1 - frac[in_class]), minlength=n_fft + 1)
                hist += np.bincount(i[in_class] + 1, amp[in_class] * frac[in_class], minlength=n_fft + 1)
                spectra[k] += np.fft.rfft(hist[:n_fft]) * kernel
        channels[b] = np.fft.irfft(spectra[0], n_fft)[:n_grid] / h
        dos[b] = np.fft.irfft(spectra[1], n_fft)[:n_grid] / h
    # a Gaussian sum is >= 0; the FFT leaves round-off of order 1e-16 of the peak where there are no modes
    for table in (channels, dos):
        np.maximum(table, 0.0, out=table)
    return ModeTables(omega=omega, channels=channels, dos=dos)


def blend_window(limit: LongWavelengthLimit, sample: ModeSample) -> tuple[float, float]:
    """(BLEND[0], BLEND[1]) x omega_res in rad/s, omega_res = largest sound speed x mesh spacing."""
    resolution = limit.max_speed * sample.spacing
    return BLEND[0] * resolution, BLEND[1] * resolution


def continuum_weight(omega: NDArray[np.float64], blend: tuple[float, float]) -> NDArray[np.float64]:
    """1 below blend[0], 0 above blend[1], a half cosine in between; shape of ``omega``."""
    lo, hi = blend
    t = np.clip((omega - lo) / (hi - lo), 0.0, 1.0)
    return 0.5 * (1.0 + np.cos(np.pi * t))
