"""Runs -> response: one kapitza run directory analysed, G(T_mean) over runs, and J(Delta T) for non-linear response.

* :func:`analyze_run` reads a kapitza NEMD run directory (its manifest ``run.json``, ``profile.chunk``,
  ``baths.txt``, ``box.txt``; see :mod:`kapitza.io.run_manifest`) as plain files (no simulation package is
  imported and the TOML config is never read): the interfaces and baths from the manifest placed in the
  profile's own box (the box may change under NPT), the flux from both baths (checked to agree) through
  :func:`run_flux`, the one flux computation that ``md run`` prints too, the area from box.txt.
* :func:`conductance_vs_temperature`: G at several mean temperatures, fitted (>= 3 points) by a
  power law G = A T^n (straight line in log-log) and by a straight line G = a + b T, weighted by
  each point's error.
* :func:`flux_vs_jump`: J against Delta T over runs at several bath differences: J = G Delta T
  (through the origin, slope G) and J = G Delta T + c Delta T^2, with the significance of c (a
  non-zero c means the response is not linear).  Both fits weight each point by its effective
  variance sigma_J^2 + (dJ/dDelta T)^2 sigma_DeltaT^2 (Orear, Am. J. Phys. 50, 912 (1982)).

All fits are weighted least squares with absolute errors (covariance (A^T W A)^-1), as in
:mod:`kapitza.analysis.md.thickness`; chi^2 per degree of freedom is reported beside them.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from ...errors import InputError
from ...io.results import result
from ...io.run_manifest import RunManifest, read_baths_file, read_box_file, read_manifest
from .baths import BathTally
from .jump import (
    DEFAULT_BATH_TOLERANCE,
    FLUX_ERROR_PREFIX,
    BathFlux,
    JumpAnalysis,
    analyze_jump,
    flux_from_baths,
)
from .profiles import TemperatureProfile, drop_overflow_bin, read_profile
from .units import unit_system

#: p-value below which the quadratic term of J(Delta T) is called significant.
DEFAULT_SIGNIFICANCE = 0.01


def read_bath_blocks(path: str | Path) -> NDArray[np.float64]:
    """A kapitza ``baths.txt`` as an (n, 5) array (:func:`kapitza.io.run_manifest.read_baths_file`); InputError if
    it holds no block."""
    blocks = read_baths_file(path)
    if blocks.shape[0] == 0:
        raise InputError(f"baths file {str(path)!r} holds no blocks")
    return blocks


def flux_from_bath_blocks(
    blocks: ArrayLike,
    area: float,
    block_time: float,
    paths: int = 2,
    tolerance: float = DEFAULT_BATH_TOLERANCE,
    units: str = "lj",
    n_blocks: int | None = None,
) -> BathFlux:
    """The heat flux from per-block bath energies (the kapitza ``baths.txt`` layout).

    The error is that of the mean of the per-block fluxes, a correlated series (:func:`kapitza.analysis.
    flux_from_baths`, :func:`kapitza.analysis.md.blocking.correlated_mean`), from 2 blocks on; with ``n_blocks``
    the rows are grouped into that many blocks taken as independent.

    Parameters
    ----------
    blocks : array_like, shape (n, 5)
        block, step, E_hot, E_cold, E_total: energy into each bath's reservoir during the block (energy unit).
    area : float
        Cross-section (length unit squared), > 0.
    block_time : float
        Duration of one block (time unit: tau, ps, fs, s), > 0.
    paths, tolerance, units
        As in :func:`kapitza.analysis.flux_from_baths`.
    n_blocks : int, optional
        Blocks for the error (default: see above).
    """
    b = np.asarray(blocks, dtype=float)
    if b.ndim != 2 or b.shape[1] != 5:
        raise InputError(f"bath blocks must be an (n, 5) table, got shape {b.shape}")
    if b.shape[0] < 2:
        raise InputError(f"the bath flux needs at least 2 blocks, got {b.shape[0]}")
    if not (math.isfinite(block_time) and block_time > 0):
        raise InputError(f"block time must be > 0, got {float(block_time):g}")
    n = b.shape[0]
    time = block_time * np.arange(n + 1, dtype=float)
    hot = np.concatenate([[0.0], np.cumsum(b[:, 2])])
    cold = np.concatenate([[0.0], np.cumsum(b[:, 3])])
    return flux_from_baths(time, hot, cold, area, paths, tolerance, units, n_blocks, min_intervals=2)


def flux_from_tally(
    tally: BathTally,
    area: float,
    geometry: str = "periodic",
    block_time: float | None = None,
    tolerance: float = DEFAULT_BATH_TOLERANCE,
    units: str = "lj",
    n_blocks: int | None = None,
) -> BathFlux:
    """The heat flux of a bath file as read (:func:`kapitza.analysis.md.baths.read_bath_tally`), whichever kind.

    A kapitza ``baths.txt`` (energies per block) goes through :func:`flux_from_bath_blocks` and needs
    ``block_time``; cumulative tallies through :func:`kapitza.analysis.flux_from_baths`.  The heat crosses two
    interfaces in parallel in the ``periodic`` geometry, one with ``fixed`` ends.

    Parameters
    ----------
    tally : BathTally
    area : float
        Cross-section (length unit squared), > 0.
    geometry : {"periodic", "fixed"}
    block_time : float, optional
        Duration of one block of a kapitza baths.txt (time unit); refused for cumulative tallies.
    tolerance, units, n_blocks
        As in :func:`kapitza.analysis.flux_from_baths`.
    """
    if geometry not in ("periodic", "fixed"):
        raise InputError(f"geometry= must be periodic or fixed, got {geometry!r}")
    paths = 2 if geometry == "periodic" else 1
    if tally.kind == "blocks":
        if block_time is None:
            raise InputError(f"{tally.source!r} is a kapitza baths.txt (energies per block): it needs the block time")
        return flux_from_bath_blocks(tally.table, area, block_time, paths, tolerance, units, n_blocks)
    if block_time is not None:
        raise InputError(f"the block time is for a kapitza baths.txt; {tally.source!r} holds cumulative tallies")
    return flux_from_baths(tally.time, tally.hot, tally.cold, area, paths, tolerance, units, n_blocks)


@result
class RunFlux:
    """The heat flux of a kapitza NEMD run directory: the one computation behind ``md run`` and ``md analyze``.

    Attributes
    ----------
    flux : float
        A->B flux through each interface (the manifest's ``flux_convention``: negative with ``reverse``), mean of
        the blocks the error uses (flux unit of the run).
    flux_err : float
        The stated error of the mean of the per-block fluxes (:func:`kapitza.analysis.md.blocking.correlated_mean`);
        NaN with one block.
    n_blocks : int
        Production blocks in baths.txt.
    method : str
        How the error was made: the blocks and their size (or why there is none).
    inefficiency : float
        Statistical inefficiency of the per-block flux (NaN with one block).
    bath : BathFlux or None
        The magnitude, its error and the balance of the two baths (None with fewer than 2 blocks).
    area : float
        Cross-section from box.txt (length unit squared).
    units : str
    """

    flux: float
    flux_err: float
    n_blocks: int
    method: str
    inefficiency: float
    bath: BathFlux | None
    area: float
    units: str

    _summary_fields: ClassVar[tuple[str, ...]] = ("flux", "flux_err", "n_blocks")

    @property
    def flux_si(self) -> float:
        """The flux in W/m^2 (NaN for LJ reduced units, which have no SI value)."""
        system = unit_system(self.units)
        return float("nan") if system.reduced else self.flux * system.flux_to_si


def run_area(run_dir: str | Path, manifest: RunManifest) -> float:
    """The flux's cross-section of a run directory: lx ly from its box file (the box after equilibration)."""
    lx, ly, _ = read_box_file(Path(run_dir) / manifest.file("box"))
    return lx * ly


def run_flux(
    run_dir: str | Path,
    tolerance: float = DEFAULT_BATH_TOLERANCE,
    n_blocks: int | None = None,
    manifest: RunManifest | None = None,
) -> RunFlux:
    """The heat flux of a kapitza NEMD run directory from its manifest, baths file and box file.

    Per block J_b = sign (E_cold - E_hot) / 2 / (n_interfaces area block_time) (the manifest's convention); the
    mean and its error are those of :func:`flux_from_bath_blocks` (the error of the mean of a correlated series,
    :func:`kapitza.analysis.md.blocking.correlated_mean`), whose magnitude is signed by the manifest's
    ``reverse``.  One block: its flux, no error.
    Where the baths do not exchange heat with opposite signs (a run too short to be steady), there is no
    :class:`BathFlux` (``bath`` is None, :func:`analyze_run` refuses the run) and the flux is the blocks' mean,
    with the reason in ``method``.

    Parameters
    ----------
    run_dir : path-like
    tolerance : float
        Accepted relative difference of the two baths' powers.
    n_blocks : int, optional
        Blocks for the error (default: see :func:`flux_from_bath_blocks`).
    manifest : RunManifest, optional
        The run's manifest, if already read.
    """
    folder = Path(run_dir)
    m = read_manifest(folder) if manifest is None else manifest
    blocks = read_bath_blocks(folder / m.file("baths"))
    area = run_area(folder, m)
    fluxes = m.block_fluxes(blocks, area)
    n = int(blocks.shape[0])
    if n < 2:
        return RunFlux(float(fluxes[0]), float("nan"), 1, "one block: no error yet", float("nan"), None, area, m.units)
    try:
        bath = flux_from_bath_blocks(blocks, area, m.block_time, m.n_interfaces, tolerance, m.units, n_blocks)
    except InputError as exc:  # e.g. both baths lost energy in a short run: the blocks' own mean, said why
        from .blocking import correlated_mean

        b = correlated_mean(fluxes, telescoping=True)
        return RunFlux(b.mean, b.err, n, f"{b.method}; no bath flux: {exc}", b.inefficiency, None, area, m.units)
    sign = -1.0 if m.reverse else 1.0
    method = bath.error_method.removeprefix(FLUX_ERROR_PREFIX)
    return RunFlux(sign * bath.flux, bath.flux_err, n, method, bath.inefficiency, bath, area, m.units)


def _without_frozen_planes(profile: TemperatureProfile, manifest: RunManifest, where: str) -> TemperatureProfile:
    """A fixed-ends profile without the bins of the frozen planes at both ends (their temperature is 0)."""
    lo, hi = profile.box
    frozen = manifest.frozen_fraction * (hi - lo)
    keep = (profile.positions > lo + frozen) & (profile.positions < hi - frozen)
    if keep.sum() < 2:
        raise InputError(f"{where}: no profile bins between the frozen ends")
    return TemperatureProfile(
        positions=profile.positions[keep],
        temperatures=profile.temperatures[:, keep],
        counts=profile.counts[:, keep],
        steps=profile.steps,
        units=profile.units,
        source=profile.source,
        composition=None if profile.composition is None else profile.composition[keep],
    )


def run_profile(run_dir: str | Path) -> TemperatureProfile:
    """The temperature profile of a kapitza run directory as :func:`analyze_run` analyses it (for a fixed-ends
    run, without the frozen planes' bins)."""
    folder = Path(run_dir)
    manifest = read_manifest(folder)
    profile = drop_overflow_bin(
        read_profile(folder / manifest.file("profile"), units=manifest.units), manifest.n_planes
    )
    if manifest.geometry == "fixed":
        profile = _without_frozen_planes(profile, manifest, str(folder))
    return profile


@result
class RunAnalysis:
    """One kapitza NEMD run directory analysed.

    Attributes
    ----------
    run_dir : str
    jump : JumpAnalysis
        Delta T and G at both interfaces and combined (units of the run).
    T_mean : float
        Mean of the extrapolated temperatures on both sides of both interfaces (temperature unit).
    bath_delta_T : float
        Hot minus cold bath set point from the manifest (temperature unit).
    area : float
        Cross-section after equilibration, from box.txt (length unit squared).
    block_time : float
        block_steps * timestep (time unit).
    interface_fraction : float
        z of the A|B interface as a fraction of the box (cells_a / (cells_a + cells_b)).
    manifest : RunManifest
        The run's manifest (run.json) as read.
    """

    run_dir: str
    jump: JumpAnalysis
    T_mean: float
    bath_delta_T: float
    area: float
    block_time: float
    interface_fraction: float
    manifest: RunManifest

    _summary_fields: ClassVar[tuple[str, ...]] = ("run_dir", "T_mean", "bath_delta_T")


def analyze_run(
    run_dir: str | Path,
    interfaces: ArrayLike | None = None,
    exclude_bins: int | None = None,
    tolerance: float = DEFAULT_BATH_TOLERANCE,
    hot_bath: float | None = None,
    n_blocks: int | None = None,
) -> RunAnalysis:
    """Delta T, J and G of a kapitza NEMD run directory, with nothing else to type.

    Reads the run's manifest (``run.json``), ``profile.chunk``, ``baths.txt`` and ``box.txt``.

    Parameters
    ----------
    run_dir : path-like
        A folder written by :func:`kapitza.md.run.run_nemd`.
    interfaces : array_like of 2 floats, optional
        Override of the interface planes (length unit of the run).  Default: the manifest's, placed in the
        profile's own box (NPT may have changed it).
    exclude_bins : int, optional
        As in :func:`kapitza.analysis.analyze_jump`.
    tolerance : float
        Accepted relative difference of the two baths' powers.
    hot_bath : float, optional
        Override of the hot bath's position (length unit).  Default: the centre of the manifest's hot slab
        (periodic: the middle of A, of B with ``reverse``; fixed: next to the left frozen end, the right one with
        ``reverse``), so the heat-flow direction comes from the set-up.
    n_blocks : int, optional
        Blocks for the flux error (default: see :func:`flux_from_bath_blocks`).

    The bath slabs' width is the manifest's ``bath_width``: the exclusions count from the bath edge.
    """
    folder = Path(run_dir)
    manifest = read_manifest(folder)
    units = manifest.units
    unit_system(units)
    for role in ("profile", "baths"):
        if not (folder / manifest.file(role)).is_file():
            raise InputError(
                f"run directory {str(folder)!r} has no {manifest.file(role)}: the run has not produced a block yet"
            )
    profile = drop_overflow_bin(read_profile(folder / manifest.file("profile"), units=units), manifest.n_planes)
    blocks = read_bath_blocks(folder / manifest.file("baths"))
    if blocks.shape[0] != profile.n_blocks:
        raise InputError(
            f"run directory {str(folder)!r}: {manifest.file('profile')} holds {profile.n_blocks} blocks but "
            f"{manifest.file('baths')} {blocks.shape[0]}; resume the run (kapitza md run) to make them agree"
        )
    flux = run_flux(folder, tolerance, n_blocks, manifest)
    if flux.bath is None:  # one block, or baths that do not exchange heat yet: run_flux's method says which
        raise InputError(f"run directory {str(folder)!r} has no bath flux to analyse ({flux.method})")
    lo, hi = profile.box
    hot, cold = manifest.bath_centres(lo, hi)
    baths = None
    if interfaces is None:
        interfaces = manifest.interface_planes(lo, hi)
    if manifest.geometry == "fixed":
        baths = (hot, cold) if not manifest.reverse else (cold, hot)  # left, right
        profile = _without_frozen_planes(profile, manifest, str(folder))
    if hot_bath is None:
        hot_bath = hot
    jump = analyze_jump(
        profile,
        interfaces=interfaces,
        geometry=manifest.geometry,
        flux=flux.bath,
        exclude_bins=exclude_bins,
        bath_positions=baths,
        hot_bath=hot_bath,
        bath_width=manifest.bath_width,
    )
    t_mean = float(np.mean([0.5 * (j.T_left + j.T_right) for j in jump.interfaces]))
    fraction = manifest.interfaces[-1][0]
    return RunAnalysis(
        run_dir=str(folder),
        jump=jump,
        T_mean=t_mean,
        bath_delta_T=manifest.delta_temperature,
        area=flux.area,
        block_time=manifest.block_time,
        interface_fraction=fraction,
        manifest=manifest,
    )


def _weighted_fit(
    design: NDArray[np.float64], y: NDArray[np.float64], sigma: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], float, int]:
    """Weighted least squares y = design @ p: (p, covariance, chi^2, degrees of freedom)."""
    w = 1.0 / sigma**2
    normal = design.T @ (w[:, None] * design)
    cov = np.linalg.inv(normal)
    coef = cov @ (design.T @ (w * y))
    chi2 = float(np.sum(((y - design @ coef) / sigma) ** 2))
    return coef, cov, chi2, int(y.size - design.shape[1])


def _columns(what: str, names: tuple[str, ...], *values: ArrayLike) -> list[NDArray[np.float64]]:
    arrays = [np.asarray(v, dtype=float) for v in values]
    n = arrays[0].size
    for name, a in zip(names, arrays, strict=True):
        if a.ndim != 1 or a.size != n:
            raise InputError(f"{what}: {name} must be a 1-d array of the same length as {names[0]} ({n})")
        if not np.all(np.isfinite(a)):
            raise InputError(f"{what}: {name} must be finite (found NaN or inf)")
    return arrays


@result
class TemperatureDependence:
    """G at several mean temperatures, and (>= 3 points) fits of G(T).

    Attributes
    ----------
    temperatures, conductances, conductance_errs : ndarray, shape (n,)
        Sorted by temperature.
    exponent, exponent_err, prefactor, prefactor_err : float
        G = prefactor * T^exponent (weighted fit of ln G vs ln T); NaN with fewer than 3 points.
    power_chi2_per_dof : float
    intercept, intercept_err, slope, slope_err : float
        G = intercept + slope * T (weighted); NaN with fewer than 3 points.
    linear_chi2_per_dof : float
    """

    temperatures: NDArray[np.float64]
    conductances: NDArray[np.float64]
    conductance_errs: NDArray[np.float64]
    exponent: float
    exponent_err: float
    prefactor: float
    prefactor_err: float
    power_chi2_per_dof: float
    intercept: float
    intercept_err: float
    slope: float
    slope_err: float
    linear_chi2_per_dof: float

    _summary_fields: ClassVar[tuple[str, ...]] = ("exponent", "exponent_err", "slope", "slope_err")


def conductance_vs_temperature(
    temperatures: ArrayLike, conductances: ArrayLike, conductance_errs: ArrayLike
) -> TemperatureDependence:
    """G(T_mean) from several runs: the table, and with >= 3 points a power law and a straight line.

    Parameters
    ----------
    temperatures : array_like, shape (n,)
        Mean temperatures of the runs (K or epsilon/k_B), > 0.
    conductances, conductance_errs : array_like, shape (n,)
        G of each run and its standard error (any one conductance unit), > 0.
    """
    what = "G(T)"
    t, g, e = _columns(what, ("temperatures", "conductances", "conductance_errs"), temperatures, conductances,
                       conductance_errs)  # fmt: skip
    if t.size < 1:
        raise InputError(f"{what}: no points")
    if np.any(t <= 0) or np.any(g <= 0) or np.any(e <= 0):
        raise InputError(f"{what}: temperatures, conductances and their errors must all be > 0")
    order = np.argsort(t, kind="stable")
    t, g, e = t[order], g[order], e[order]
    nan = float("nan")
    fits = dict(exponent=nan, exponent_err=nan, prefactor=nan, prefactor_err=nan, power_chi2_per_dof=nan)
    fits.update(intercept=nan, intercept_err=nan, slope=nan, slope_err=nan, linear_chi2_per_dof=nan)
    if t.size >= 3:
        if np.ptp(t) == 0:
            raise InputError(f"{what}: all runs share one temperature ({float(t[0]):g}); a fit needs two or more")
        design = np.column_stack([np.ones_like(t), np.log(t)])
        coef, cov, chi2, dof = _weighted_fit(design, np.log(g), e / g)
        prefactor = float(np.exp(coef[0]))
        fits.update(
            exponent=float(coef[1]),
            exponent_err=float(np.sqrt(cov[1, 1])),
            prefactor=prefactor,
            prefactor_err=prefactor * float(np.sqrt(cov[0, 0])),
            power_chi2_per_dof=chi2 / dof,
        )
        coef, cov, chi2, dof = _weighted_fit(np.column_stack([np.ones_like(t), t]), g, e)
        fits.update(
            intercept=float(coef[0]),
            intercept_err=float(np.sqrt(cov[0, 0])),
            slope=float(coef[1]),
            slope_err=float(np.sqrt(cov[1, 1])),
            linear_chi2_per_dof=chi2 / dof,
        )
    return TemperatureDependence(temperatures=t, conductances=g, conductance_errs=e, **fits)


@result
class FluxResponse:
    """J(Delta T) over runs: linear (through the origin) and quadratic fits.

    Attributes
    ----------
    delta_T, delta_T_err, flux, flux_err : ndarray, shape (n,)
        Sorted by Delta T.
    G, G_err : float
        Slope of J = G Delta T (conductance unit).
    linear_chi2_per_dof : float
        NaN with one point.
    G_quadratic, G_quadratic_err, c, c_err : float
        J = G Delta T + c Delta T^2 (NaN with fewer than 3 points).
    quadratic_chi2_per_dof : float
    c_pvalue : float
        Two-sided p-value of c = 0 (NaN with fewer than 3 points).
    nonlinear : bool
        c_pvalue < significance.
    significance : float
    """

    delta_T: NDArray[np.float64]
    delta_T_err: NDArray[np.float64]
    flux: NDArray[np.float64]
    flux_err: NDArray[np.float64]
    G: float
    G_err: float
    linear_chi2_per_dof: float
    G_quadratic: float
    G_quadratic_err: float
    c: float
    c_err: float
    quadratic_chi2_per_dof: float
    c_pvalue: float
    nonlinear: bool
    significance: float

    _summary_fields: ClassVar[tuple[str, ...]] = ("G", "G_err", "c", "c_err", "nonlinear")


def _effective_fit(
    dt: NDArray[np.float64], dt_err: NDArray[np.float64], j: NDArray[np.float64], j_err: NDArray[np.float64], order: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], float, int]:
    """J = sum_k p_k Delta T^k (k = 1..order), effective variance iterated to convergence."""
    design = np.column_stack([dt**k for k in range(1, order + 1)])
    coef = np.linalg.lstsq(design, j, rcond=None)[0]  # unweighted start: the slope that weights sigma_DeltaT
    sigma = j_err
    for _ in range(50):
        deriv = sum(k * coef[k - 1] * dt ** (k - 1) for k in range(1, order + 1))
        new = np.sqrt(j_err**2 + (deriv * dt_err) ** 2)
        if not np.all(new > 0):
            raise InputError("J(Delta T): a point has sigma_J = 0 where the fitted slope is 0; give sigma_J")
        converged = np.allclose(new, sigma, rtol=1e-12, atol=0)
        sigma = new
        if converged:
            break
        coef = _weighted_fit(design, j, sigma)[0]
    return _weighted_fit(design, j, sigma)


def flux_vs_jump(
    delta_T: ArrayLike,
    delta_T_err: ArrayLike,
    flux: ArrayLike,
    flux_err: ArrayLike,
    significance: float = DEFAULT_SIGNIFICANCE,
) -> FluxResponse:
    """J against Delta T over runs at several bath differences: linear response or not.

    Parameters
    ----------
    delta_T, delta_T_err : array_like, shape (n,)
        Temperature jumps and their standard errors (temperature unit); Delta T > 0, errors >= 0.
    flux, flux_err : array_like, shape (n,)
        Heat fluxes and their standard errors (flux unit); errors: at least one of sigma_J, sigma_DeltaT
        of every point > 0.
    significance : float
        p-value below which the quadratic term counts as detected.
    """
    what = "J(Delta T)"
    dt, dte, j, je = _columns(what, ("delta_T", "delta_T_err", "flux", "flux_err"), delta_T, delta_T_err, flux,
                              flux_err)  # fmt: skip
    if dt.size < 1:
        raise InputError(f"{what}: no points")
    if not 0 < significance < 1:
        raise InputError(f"significance= must be in (0, 1), got {float(significance):g}")
    if np.any(dt <= 0):
        raise InputError(f"{what}: every Delta T must be > 0, got {float(dt.min()):g}")
    if np.any(dte < 0) or np.any(je < 0) or np.any((dte == 0) & (je == 0)):
        raise InputError(f"{what}: errors must be >= 0 and each point needs a non-zero error on Delta T or J")
    order = np.argsort(dt, kind="stable")
    dt, dte, j, je = dt[order], dte[order], j[order], je[order]
    coef, cov, chi2, dof = _effective_fit(dt, dte, j, je, 1)
    nan = float("nan")
    quad = dict(G_quadratic=nan, G_quadratic_err=nan, c=nan, c_err=nan, quadratic_chi2_per_dof=nan, c_pvalue=nan)
    if dt.size >= 3:
        if np.unique(dt).size < 2:
            raise InputError(f"{what}: a quadratic term needs at least two different Delta T")
        q, qcov, qchi2, qdof = _effective_fit(dt, dte, j, je, 2)
        c_err = float(np.sqrt(qcov[1, 1]))
        quad.update(
            G_quadratic=float(q[0]),
            G_quadratic_err=float(np.sqrt(qcov[0, 0])),
            c=float(q[1]),
            c_err=c_err,
            quadratic_chi2_per_dof=qchi2 / qdof if qdof > 0 else nan,
            c_pvalue=float(2 * stats.norm.sf(abs(q[1]) / c_err)),
        )
    pvalue = quad["c_pvalue"]
    return FluxResponse(
        delta_T=dt,
        delta_T_err=dte,
        flux=j,
        flux_err=je,
        G=float(coef[0]),
        G_err=float(np.sqrt(cov[0, 0])),
        linear_chi2_per_dof=chi2 / dof if dof > 0 else nan,
        significance=float(significance),
        nonlinear=bool(np.isfinite(pvalue) and pvalue < significance),
        **quad,
    )


@result
class ResponseSummary:
    """Several runs side by side, with G(T_mean) where their temperatures differ and J(Delta T) where their bath
    differences do.

    Attributes
    ----------
    runs : tuple of RunAnalysis
    temperature : TemperatureDependence or None
        Over the runs' T_mean, when the manifests' ``temperature`` takes two or more values.
    response : FluxResponse or None
        Over the runs' (Delta T, J), when the manifests' ``delta_temperature`` takes two or more values.
    units : str
    """

    runs: tuple[RunAnalysis, ...]
    temperature: TemperatureDependence | None
    response: FluxResponse | None
    units: str

    _summary_fields: ClassVar[tuple[str, ...]] = ("units", "temperature", "response")


def _distinct(runs: tuple[RunAnalysis, ...], key: str) -> int:
    return len({getattr(run.manifest, key) for run in runs})


def summarize_runs(runs: Any, significance: float = DEFAULT_SIGNIFICANCE) -> ResponseSummary:
    """G(T_mean) and J(Delta T) over analysed runs (:func:`analyze_run`), all in one unit system.

    Runs without a finite, positive G (no significant jump) are left out of G(T) but kept in J(Delta T).
    """
    runs = tuple(runs)
    if not runs or not all(isinstance(r, RunAnalysis) for r in runs):
        raise InputError("summarize_runs needs one or more RunAnalysis (from analyze_run)")
    units = {r.jump.units for r in runs}
    if len(units) != 1:
        raise InputError(f"the runs mix unit systems ({', '.join(sorted(units))}); compare runs in one system")
    temperature = response = None
    if _distinct(runs, "temperature") >= 2:
        ok = [r for r in runs if np.isfinite(r.jump.G) and r.jump.G > 0 and r.jump.G_err > 0]
        if ok:
            temperature = conductance_vs_temperature(
                [r.T_mean for r in ok], [r.jump.G for r in ok], [r.jump.G_err for r in ok]
            )
    if _distinct(runs, "delta_temperature") >= 2:
        ok = [r for r in runs if r.jump.delta_T > 0]
        if ok:
            response = flux_vs_jump(
                [r.jump.delta_T for r in ok],
                [r.jump.delta_T_err for r in ok],
                [r.jump.flux for r in ok],
                [r.jump.flux_err for r in ok],
                significance,
            )
    return ResponseSummary(runs=runs, temperature=temperature, response=response, units=units.pop())


def path_resistance(run: RunAnalysis) -> tuple[float, float, float]:
    """The bath-to-bath resistance of one heat path of a run: (length, R_total, sigma_R).

    In the periodic LJ box the hot bath sits in the middle of A and the cold one in the middle of B, so each
    path crosses one interface and runs half of A plus half of B: length = L_box / 2.  Per block, the bulk fits
    on both sides of each interface (the same exclusions as :func:`analyze_run`) are extrapolated to the bath
    centres; their difference is the temperature drop of the path without the baths' own non-linear zones.
    R_total = mean drop / J (both paths averaged per block), sigma_R from the drop's standard error over the
    blocks used and the flux's error.  Units: length unit, temperature unit / flux unit.
    """
    from .profiles import TemperatureProfile

    if not isinstance(run, RunAnalysis):
        raise InputError(f"path_resistance needs a RunAnalysis (from analyze_run), got {type(run).__name__}")
    jump = run.jump
    profile = drop_overflow_bin(
        read_profile(Path(run.run_dir) / run.manifest.file("profile"), units=jump.units), run.manifest.n_planes
    )
    lo, hi = profile.box
    length = hi - lo
    z1, z2 = (i.position for i in jump.interfaces)
    hot, cold = 0.5 * (z1 + z2), 0.5 * (z2 + z1 + length)  # bath centres: middle of A and of B (unwrapped)
    drops = []
    for b in range(jump.blocks_dropped, profile.n_blocks):
        one = TemperatureProfile(
            positions=profile.positions, temperatures=profile.temperatures[b], counts=None, steps=None, units=jump.units
        )
        a = analyze_jump(one, interfaces=(z1, z2), geometry="periodic", steady_state=False, hot_bath=hot)
        first, second = a.interfaces
        # interface z1: B (cold bath at cold - length) on its left, A (hot bath at hot) on its right
        d1 = (first.T_right + first.slopes[1] * (hot - z1)) - (first.T_left + first.slopes[0] * (cold - length - z1))
        # interface z2: A (hot) on its left, B (cold bath at cold) on its right
        d2 = (second.T_left + second.slopes[0] * (hot - z2)) - (second.T_right + second.slopes[1] * (cold - z2))
        drops.append(0.5 * (d1 + d2))
    d = np.asarray(drops)
    flux, flux_err = jump.flux, jump.flux_err
    if d.size < 2 or not (np.isfinite(flux) and flux > 0):
        return length / 2, float("nan"), float("nan")
    mean, se = float(d.mean()), float(d.std(ddof=1) / np.sqrt(d.size))
    r = mean / flux
    return length / 2, r, abs(r) * float(np.hypot(se / mean, flux_err / flux))


def summary_json(summary: ResponseSummary) -> dict[str, Any]:
    """A JSON-ready document of a :class:`ResponseSummary` (runs table, G(T), J(Delta T); NaN as "nan")."""

    def f(x: Any) -> Any:
        x = float(x)
        return x if math.isfinite(x) else "nan"

    doc: dict[str, Any] = {
        "units": summary.units,
        "runs": [
            {
                "run_dir": r.run_dir,
                "T_mean": f(r.T_mean),
                "bath_delta_T": f(r.bath_delta_T),
                "delta_T": f(r.jump.delta_T),
                "delta_T_err": f(r.jump.delta_T_err),
                "J": f(r.jump.flux),
                "J_err": f(r.jump.flux_err),
                "G": f(r.jump.G),
                "G_err": f(r.jump.G_err),
            }
            for r in summary.runs
        ],
        "G_of_T": None,
        "J_of_delta_T": None,
    }
    t = summary.temperature
    if t is not None:
        names = ("exponent", "exponent_err", "prefactor", "prefactor_err", "power_chi2_per_dof")
        names += ("intercept", "intercept_err", "slope", "slope_err", "linear_chi2_per_dof")
        doc["G_of_T"] = {k: f(getattr(t, k)) for k in names}
    r = summary.response
    if r is not None:
        names = ("G", "G_err", "linear_chi2_per_dof", "G_quadratic", "G_quadratic_err", "c", "c_err")
        names += ("quadratic_chi2_per_dof", "c_pvalue", "significance")
        doc["J_of_delta_T"] = {**{k: f(getattr(r, k)) for k in names}, "nonlinear": r.nonlinear}
    return doc
