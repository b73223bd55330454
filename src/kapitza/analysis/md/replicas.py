"""Independent replicas of one NEMD run pooled: G from their mean flux and mean jump, its error from their spread.

A parent folder written by ``kapitza md run CONFIG --replicas N`` (:mod:`kapitza.md.replicas`; its record
``replicas.json``, :mod:`kapitza.io.replica_layout`) holds N run directories that differ only in their seeds.  Each
is analysed as a single run (:func:`kapitza.analysis.md.response.analyze_run`); :func:`pool_replicas` pools them.

Estimator
---------
G = mean_r(J_r) / mean_r(Delta T_r): the mean flux of the replicas over their mean jump (the ratio of means), with
equal weights.  Why this one:

* G is defined as the steady-state flux over the steady-state jump; the replicas sample the same steady state, so
  their means estimate those two means.
* The mean of the replicas' own ratios J_r / Delta T_r is biased upward by about G (sigma_DeltaT / Delta T)^2 per
  replica (E[1/x] > 1/E[x]), a bias that more replicas do not remove, and it has a heavy tail where a replica's jump
  is small (a cell of a few nm has jumps of 10-30 % error); the ratio of means has a bias of order 1/N, which
  vanishes as replicas are added.
* Equal weights, not inverse-variance ones: the replicas share one configuration, so their true errors are the
  same, and the within-run errors that inverse-variance weights would use are what this estimator does not trust.

Error: the spread between replicas, by the delta method on z_r = J_r - G Delta T_r (which carries the covariance of
J and Delta T across replicas): SE(G) = std(z, ddof=1) / (sqrt(N) mean(Delta T)), times the Student-t factor of
N - 1 degrees of freedom (Student, Biometrika 6, 1 (1908); :func:`kapitza.analysis.md.blocking.t_factor`: 1.837 for
N = 2, 1.321 for 3, 1.197 for 4), so that one stated sigma covers 68 % of the time with few replicas.  J's and
Delta T's own errors likewise (t times std / sqrt(N)).

Within against between: each replica's own (single-run) errors are compared with the spread of the replicas about
the pooled G through the Birge ratio R = sqrt(chi^2 / (N - 1)) (R. T. Birge, Phys. Rev. 40, 207 (1932)), with
chi^2 = sum_r z_r^2 / (sigma_J,r^2 + G^2 sigma_DeltaT,r^2): the same linearised residual as the error, so that a
replica whose jump is near zero (its own G = J / Delta T meaningless) weighs by its errors and not by 1 / Delta T.
For a replica with Delta T_r near the mean this is (G_r - G)^2 / sigma_G,r^2.  With honest single-run errors R is
about 1 and chi^2 follows the chi^2 distribution of N - 1 degrees of freedom; when its p-value falls below
:data:`SPREAD_SIGNIFICANCE` the result says that the within-run error understates the spread between replicas, by
the factor R.

The next run: the error above is that of the replicas' *mean*; one further run of the same configuration scatters
about it by the replicas' own spread.  ``G_next_err`` is the half-width of the Student-t prediction interval for
one further observation of a normal sample (G. J. Hahn & W. Q. Meeker, Statistical Intervals (Wiley, 1991), ch. 4):
t * sqrt(1 + 1/N) * std(z, ddof=1) / mean(Delta T), the same t factor, so that one further run of the same
configuration and length falls within G +- G_next_err about 68 % of the time.  A run of another production length
scatters by about sqrt(length ratio) more or less; a run of another protocol is not predicted.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from ...errors import InputError, KapitzaError
from ...io.paths import read_ascii_text
from ...io.replica_layout import REPLICAS_FILE, ReplicaSet, config_difference, plain, read_replica_set
from ...io.results import result
from ...io.run_manifest import (
    CONFIG_FILE,
    MANIFEST_FILE,
    MAX_MANIFEST_BYTES,
    STATE_FILE,
    read_config_text,
    read_state_data,
)
from .blocking import t_factor
from .units import unit_system

#: p-value of the Birge ratio below which the within-run errors are said to understate the replicas' spread.
SPREAD_SIGNIFICANCE = 0.05
#: Fewest replicas a pool is made of.
MIN_REPLICAS = 2

#: What the next-run interval is, in words: the CLI lines of ``md analyze`` and ``md emd --replicas`` and the JSON.
NEXT_RUN = "68 % prediction interval from the replicas' spread (Student-t); the pooled error is that of their mean"

ESTIMATOR = (
    "G = mean flux / mean jump of the replicas (ratio of means, equal weights: unbiased as replicas are added, "
    "where the mean of the replicas' own G keeps a bias of G (sigma_DeltaT / Delta T)^2); error from the spread "
    "between replicas (delta method on J_r - G Delta T_r) x the Student-t factor of N - 1 degrees of freedom"
)


@result
class ReplicaPool:
    """G of N replicas pooled (see the module docstring); every number in the run's units.

    Attributes
    ----------
    n : int
        Replicas pooled.
    flux, flux_err : float
        Mean flux of the replicas and its error: t * std(J_r) / sqrt(N) (flux unit).
    delta_T, delta_T_err : float
        Mean jump and its error, the same way (temperature unit).
    G, G_err : float
        mean(J) / mean(Delta T) and its error from the spread (conductance unit); NaN where the mean jump is <= 0.
    G_next_err : float
        Half-width of the 68 % prediction interval of one further replica's own G (the module docstring): G_err x
        sqrt(N + 1).
    t_factor : float
        Student's t factor for N - 1 degrees of freedom (84.13 % quantile).
    G_replicas, G_replicas_err : ndarray, shape (N,)
        Each replica's own G and its single-run error.
    spread_ratio : float
        The Birge ratio R of the replicas about the pooled G in units of their single-run errors (NaN where those
        errors are not given or not positive).
    spread_pvalue : float
        P(chi^2_{N-1} >= (N - 1) R^2): the probability of a spread this large if the single-run errors were honest.
    understated : bool
        spread_pvalue < :data:`SPREAD_SIGNIFICANCE`: the single-run errors understate the spread by the factor R.
    estimator : str
        In words.
    """

    n: int
    flux: float
    flux_err: float
    delta_T: float
    delta_T_err: float
    G: float
    G_err: float
    G_next_err: float
    t_factor: float
    G_replicas: NDArray[np.float64]
    G_replicas_err: NDArray[np.float64]
    spread_ratio: float
    spread_pvalue: float
    understated: bool
    estimator: str

    #: What ``G_next_err`` means, in words (:data:`NEXT_RUN`): the renderers read it here.
    next_run: ClassVar[str] = NEXT_RUN
    _summary_fields: ClassVar[tuple[str, ...]] = ("n", "G", "G_err", "spread_ratio")


def pool_replicas(
    flux: ArrayLike,
    delta_T: ArrayLike,
    flux_err: ArrayLike | None = None,
    delta_T_err: ArrayLike | None = None,
    G_err: ArrayLike | None = None,
) -> ReplicaPool:
    """Pool N >= 2 replicas' fluxes and jumps into G with its between-replica error (the module docstring).

    Parameters
    ----------
    flux : array_like, shape (N,)
        Each replica's mean flux through the interface (any flux unit; one sign).
    delta_T : array_like, shape (N,)
        Each replica's mean jump (temperature unit).
    flux_err, delta_T_err : array_like, shape (N,), optional
        Each replica's own (single-run) errors of them, for the within-against-between comparison (Birge ratio).
    G_err : array_like, shape (N,), optional
        Each replica's own error of its G = J / Delta T, kept beside its G (shown, not used in the pool).
    """
    j = np.asarray(flux, dtype=float)
    dt = np.asarray(delta_T, dtype=float)
    if j.ndim != 1 or dt.shape != j.shape:
        raise InputError(f"flux and delta_T must be 1-d and of one length, got shapes {j.shape} and {dt.shape}")
    n = j.size
    if n < MIN_REPLICAS:
        raise InputError(f"a pool needs at least {MIN_REPLICAS} replicas, got {n}")
    if not (np.all(np.isfinite(j)) and np.all(np.isfinite(dt))):
        raise InputError("every replica's flux and jump must be finite")
    t = t_factor(n - 1)
    jm, dm = float(j.mean()), float(dt.mean())
    root = math.sqrt(n)
    j_err = t * float(j.std(ddof=1)) / root
    dt_err = t * float(dt.std(ddof=1)) / root
    nan = float("nan")
    if dm > 0:
        g = jm / dm
        z = j - g * dt
        g_err = t * float(z.std(ddof=1)) / (root * dm)
    else:
        g, g_err = nan, nan
    with np.errstate(divide="ignore", invalid="ignore"):
        g_r = np.where(dt > 0, j / dt, nan)
    g_r_err, j_r_err, dt_r_err = (_per_replica(x, name, n) for x, name in ((G_err, "G_err"), (flux_err, "flux_err"),
                                                                         (delta_T_err, "delta_T_err")))  # fmt: skip
    ratio, pvalue = _birge(j - g * dt if math.isfinite(g) else j * nan, np.sqrt(j_r_err**2 + (g * dt_r_err) ** 2))
    return ReplicaPool(
        n=int(n),
        flux=jm,
        flux_err=j_err,
        delta_T=dm,
        delta_T_err=dt_err,
        G=float(g),
        G_err=float(g_err),
        G_next_err=float(g_err) * math.sqrt(n + 1),  # t sqrt(1 + 1/N) std(z) / mean(DT) = G_err sqrt(N + 1)
        t_factor=t,
        G_replicas=g_r,
        G_replicas_err=g_r_err,
        spread_ratio=ratio,
        spread_pvalue=pvalue,
        understated=bool(math.isfinite(pvalue) and pvalue < SPREAD_SIGNIFICANCE),
        estimator=ESTIMATOR,
    )


def _per_replica(values: ArrayLike | None, name: str, n: int) -> NDArray[np.float64]:
    if values is None:
        return np.full(n, np.nan)
    a = np.asarray(values, dtype=float)
    if a.shape != (n,):
        raise InputError(f"{name} must have one entry per replica ({n}), got shape {a.shape}")
    return a


def _birge(residual: NDArray[np.float64], err: NDArray[np.float64]) -> tuple[float, float]:
    """(Birge ratio, p-value) of the replicas' residuals about the pool in units of their errors (N - 1 degrees of
    freedom: the pooled G is fitted); NaN where an error is missing or not positive."""
    n = residual.size
    if not (np.all(np.isfinite(residual)) and np.all(np.isfinite(err)) and np.all(err > 0)):
        return float("nan"), float("nan")
    chi2 = float(np.sum((residual / err) ** 2))
    return math.sqrt(chi2 / (n - 1)), float(stats.chi2.sf(chi2, n - 1))


@result
class EstimatePool:
    """N replicas' estimates of one quantity pooled: their mean, its error from their spread, and the comparison of
    that spread with their own errors (the EMD conductance of ``kapitza md emd --replicas N``).

    Attributes
    ----------
    n : int
    mean, err : float
        Mean of the replicas' values and t * std / sqrt(N) (their unit).
    next_err : float
        Half-width of the 68 % prediction interval of one further replica's value: t * std * sqrt(1 + 1/N) (the
        module docstring).
    t_factor : float
        Student's t factor for N - 1 degrees of freedom.
    values, errors : ndarray, shape (N,)
        Each replica's value and its own error.
    spread_ratio, spread_pvalue : float
        Birge ratio of the values about their mean in units of their own errors, and its p-value (N - 1 degrees of
        freedom); NaN where an error is missing or not positive.
    understated : bool
        spread_pvalue < :data:`SPREAD_SIGNIFICANCE`.
    """

    n: int
    mean: float
    err: float
    next_err: float
    t_factor: float
    values: NDArray[np.float64]
    errors: NDArray[np.float64]
    spread_ratio: float
    spread_pvalue: float
    understated: bool

    #: What ``next_err`` means, in words (:data:`NEXT_RUN`).
    next_run: ClassVar[str] = NEXT_RUN
    _summary_fields: ClassVar[tuple[str, ...]] = ("n", "mean", "err", "spread_ratio")


def pool_estimates(values: ArrayLike, errors: ArrayLike | None = None) -> EstimatePool:
    """Pool N >= 2 replicas' estimates of one quantity: mean, t * std(ddof=1) / sqrt(N) (Student's t for N - 1
    degrees of freedom), and the Birge ratio of the spread against ``errors`` (each replica's own error)."""
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or v.size < MIN_REPLICAS:
        raise InputError(f"a pool needs at least {MIN_REPLICAS} replicas' values, got shape {v.shape}")
    if not np.all(np.isfinite(v)):
        raise InputError("every replica's value must be finite")
    n = v.size
    e = _per_replica(errors, "errors", n)
    t = t_factor(n - 1)
    mean = float(v.mean())
    ratio, pvalue = _birge(v - mean, e)
    return EstimatePool(
        n=int(n),
        mean=mean,
        err=t * float(v.std(ddof=1)) / math.sqrt(n),
        next_err=t * float(v.std(ddof=1)) * math.sqrt(1.0 + 1.0 / n),
        t_factor=t,
        values=v,
        errors=e,
        spread_ratio=ratio,
        spread_pvalue=pvalue,
        understated=bool(math.isfinite(pvalue) and pvalue < SPREAD_SIGNIFICANCE),
    )


@result
class ReplicaRun:
    """One replica of a parent folder as found there.

    Attributes
    ----------
    name : str
    seed : int
        Its seed, from ``replicas.json``.
    status : str
        ``pooled``, or why it was left out (not complete, failed, its analysis refused).
    analysis : RunAnalysis or None
        Its single-run analysis (None when left out before it).
    """

    name: str
    seed: int
    status: str
    analysis: Any

    _summary_fields: ClassVar[tuple[str, ...]] = ("name", "seed", "status")

    @property
    def pooled(self) -> bool:
        return self.status == "pooled"


@result
class ReplicaAnalysis:
    """A parent folder of NEMD replicas analysed and pooled (``kapitza md analyze PARENT``).

    Attributes
    ----------
    parent : str
    replicas : tuple of ReplicaRun
        Every replica of the record, pooled or not, in index order.
    pool : ReplicaPool
        The pooled G of the replicas whose status is ``pooled``.
    units : str
    unit_names : mapping
        length, temperature, flux, conductance names of the run's units.
    T_mean : float
        Mean over the pooled replicas of their mean interface temperature.
    G_si, G_si_err : float
        The pooled G in W m^-2 K^-1 (NaN in LJ reduced units).
    G_si_next_err : float
        The pool's ``G_next_err`` in W m^-2 K^-1: where one further run of this configuration lands (68 %).
    config_sha256 : str
        Of the configuration the replicas were made from (``replicas.json``).
    warnings : tuple of str
        What changes the decision: replicas left out, single-run errors that understate the spread.
    """

    parent: str
    replicas: tuple[ReplicaRun, ...]
    pool: ReplicaPool
    units: str
    unit_names: Any
    T_mean: float
    G_si: float
    G_si_err: float
    G_si_next_err: float
    config_sha256: str
    warnings: tuple[str, ...]

    _summary_fields: ClassVar[tuple[str, ...]] = ("parent", "pool", "units")


def _manifest_text(run_dir: Path) -> str | None:
    """The run's ``run.json`` as text (compared byte for byte between replicas), None where there is none; read
    through the bounded reader (a FIFO, a device or a huge file in its place is an InputError)."""
    path = run_dir / MANIFEST_FILE
    if not os.path.lexists(path):
        return None
    return read_ascii_text(path, f"run manifest {str(path)!r}", MAX_MANIFEST_BYTES, "a run manifest is read")


def _completion(run_dir: Path, n_blocks: int) -> str | None:
    """None when the run directory is complete (every unit done), else why not, in words."""
    if not os.path.lexists(run_dir / STATE_FILE):
        return "not started (no state file)"
    try:
        units = read_state_data(run_dir)["completed_units"]
    except InputError as exc:
        return plain(f"its {STATE_FILE} cannot be read: {exc}")
    except KeyError:
        return f"its {STATE_FILE} is not a kapitza run state"
    if isinstance(units, bool) or not isinstance(units, int):
        return f"its {STATE_FILE} is not a kapitza run state"
    if units >= n_blocks + 2:
        return None
    return f"interrupted: {max(units - 2, 0)} of {n_blocks} blocks"


#: The files of a replica its analysis reads (run.json, config.toml, state.json; the profile, baths and box files
#: the manifest names are added): each must be the replica's own, not a link.
_OWN_FILES = (MANIFEST_FILE, CONFIG_FILE, STATE_FILE)


def _check_own(folder: Path, name: str, files: tuple[str, ...] = ()) -> None:
    """InputError unless ``folder/name`` and its ``files`` are what their names say: no symbolic link (to another
    replica, or anywhere) in their place, so that one run is never counted as two."""
    root = Path(os.path.realpath(folder))
    for part in (name, *(f"{name}/{f}" for f in files)):
        path = folder / part
        if os.path.lexists(path) and Path(os.path.realpath(path)) != root / part:
            raise InputError(
                f"{str(folder)!r}: {part} is a symbolic link (or lies under one): a replica is a run directory of its "
                "own, and a link would count another run twice; replace it by the replica's own files, or rerun "
                "`kapitza md run CONFIG --replicas N` to run it anew"
            )


def _check_seed(folder: Path, record: ReplicaSet, entry: Any) -> bool:
    """InputError unless the replica's own ``config.toml`` (what its run recorded) is the record's configuration
    with the seed ``replicas.json`` assigns it; False where it has none yet (its run did not start)."""
    from ...io import toml_file

    run_dir = folder / entry.name
    if not os.path.lexists(run_dir / CONFIG_FILE):
        return False
    where = f"{entry.name}/{CONFIG_FILE}"
    own = toml_file.parse(read_config_text(run_dir), f"{str(folder)!r}: {where}", " is not valid TOML")
    base = toml_file.parse(record.config, f"{str(folder)!r}: the config of {REPLICAS_FILE}", " is not valid TOML")
    seed = own.pop("seed", None)
    base.pop("seed", None)
    if seed != entry.seed:
        shown = seed if isinstance(seed, int) else "no integer seed"
        raise InputError(
            f"{str(folder)!r}: {entry.name} was run with seed {shown} (its {CONFIG_FILE}), but {REPLICAS_FILE} "
            f"assigns it {entry.seed}: it is not that replica (a copy of another, or another run put in its place), "
            "and the pooled error holds only for independent replicas; remove it and rerun `kapitza md run CONFIG "
            "--replicas N` to run it anew"
        )
    if own != base:
        what = config_difference(record.config, read_config_text(run_dir), ignore=("seed",))
        raise InputError(
            f"{str(folder)!r}: {entry.name} was made from another configuration than {REPLICAS_FILE} records (its "
            f"{CONFIG_FILE}{': ' + what if what else ' differs'}): replicas of different configurations cannot be "
            "pooled; analyse each run directory alone"
        )
    return True


def _check_distinct_data(folder: Path, runs: list[ReplicaRun]) -> None:
    """InputError when two replicas share a block of their temperature profile: independent runs never do, a copy
    (whole or cut short) or a run made twice with one seed always does."""
    from .profiles import read_profile

    seen: dict[bytes, tuple[str, int]] = {}
    for r in runs:
        m = r.analysis.manifest
        profile = read_profile(folder / r.name / m.file("profile"), units=m.units)
        for b, row in enumerate(np.asarray(profile.temperatures, dtype=float), start=1):
            key = row.tobytes()
            if key in seen:
                other, ob = seen[key]
                raise InputError(
                    f"{str(folder)!r}: {r.name} and {other} hold the same temperature profile (block {b} of "
                    f"{r.name}, block {ob} of {other}): one is a copy of the other, not an independent replica, and "
                    "pooling them would shrink the error for nothing; remove the copy and rerun `kapitza md run "
                    "CONFIG --replicas N` to run it anew"
                )
            seen[key] = (r.name, b)


def analyze_replicas(
    parent: str | Path,
    interfaces: ArrayLike | None = None,
    exclude_bins: int | None = None,
    tolerance: float | None = None,
    hot_bath: float | None = None,
    n_blocks: int | None = None,
) -> ReplicaAnalysis:
    """Analyse every replica of ``parent`` as a single run and pool the complete ones.

    The replicas must come from one configuration: their manifests (``run.json``) must be the same, or an InputError
    names the first that differs.  A replica that is not complete (interrupted, failed, not started) or whose
    analysis is refused is left out of the pool, with the reason in its status and a warning; at least
    :data:`MIN_REPLICAS` must remain.  The options are :func:`kapitza.analysis.md.response.analyze_run`'s, applied
    to every replica.
    """
    from .jump import DEFAULT_BATH_TOLERANCE
    from .response import analyze_run

    folder = Path(parent)
    record: ReplicaSet = read_replica_set(folder)
    if record.kind != "nemd":
        raise InputError(
            f"{str(folder)!r} holds EMD replicas: `kapitza md emd CONFIG --replicas N` prints their pooled G (rerun "
            "it: finished replicas are read, not rerun)"
        )
    reference: tuple[str, str] | None = None
    runs: list[ReplicaRun] = []
    for entry in record.replicas:
        run_dir = folder / entry.name
        _check_own(folder, entry.name, _OWN_FILES)
        text = _manifest_text(run_dir)
        if text is None or not _check_seed(folder, record, entry):
            runs.append(ReplicaRun(entry.name, entry.seed, _left_out(entry.status, "not started"), None))
            continue
        if reference is None:
            reference = (entry.name, text)
        elif text != reference[1]:
            raise InputError(
                f"{str(folder)!r}: {entry.name} was made from a different configuration than {reference[0]} (their "
                f"{MANIFEST_FILE} differ): replicas of different configurations cannot be pooled; analyse each run "
                "directory alone"
            )
        runs.append(ReplicaRun(entry.name, entry.seed, "pending", None))
    if reference is None:
        raise InputError(
            f"no replica of {str(folder)!r} has started: rerun `kapitza md run CONFIG --replicas N` with its config"
        )
    from ...io.run_manifest import read_manifest

    manifest = read_manifest(folder / reference[0])
    tol = DEFAULT_BATH_TOLERANCE if tolerance is None else tolerance
    out: list[ReplicaRun] = []
    for r in runs:
        if r.status != "pending":
            out.append(r)
            continue
        entry = record.entry(r.name)
        _check_own(folder, r.name, tuple(manifest.file(role) for role in ("profile", "baths", "box")))
        why = _completion(folder / r.name, manifest.n_blocks)
        if why is not None:
            out.append(ReplicaRun(r.name, r.seed, _left_out(entry.status, why), None))
            continue
        try:
            a = analyze_run(folder / r.name, interfaces, exclude_bins, tol, hot_bath, n_blocks)
        except KapitzaError as exc:  # the options were checked before (analyze_md): this replica's data
            out.append(ReplicaRun(r.name, r.seed, plain(f"analysis refused: {exc}"), None))
            continue
        usable = np.isfinite(a.jump.flux) and np.isfinite(a.jump.delta_T)
        out.append(ReplicaRun(r.name, r.seed, "pooled" if usable else "no flux or jump", a))
    pooled = [r for r in out if r.pooled]
    left = [r for r in out if not r.pooled]
    _check_distinct_data(folder, [r for r in out if r.analysis is not None])
    if len(pooled) < MIN_REPLICAS:
        shown = "; ".join(f"{r.name}: {r.status}" for r in left) or "none"
        only = f" ({pooled[0].name} is complete: kapitza md analyze {folder / pooled[0].name})" if pooled else ""
        raise InputError(
            f"{str(folder)!r}: {len(pooled)} of {len(out)} replicas can be pooled (at least {MIN_REPLICAS} are "
            f"needed){only}; left out: {shown}; rerun `kapitza md run CONFIG --replicas {len(out)}` to resume them"
        )
    jumps = [r.analysis.jump for r in pooled]
    pool = pool_replicas(
        [j.flux for j in jumps],  # the flux through the interfaces along the heat flow (its magnitude)
        [j.delta_T for j in jumps],
        [j.flux_err for j in jumps],
        [j.delta_T_err for j in jumps],
        [j.G_err for j in jumps],
    )
    system = unit_system(manifest.units)
    to_si = system.flux_to_si
    warnings: list[str] = []
    if left:
        warnings.append(
            f"{len(left)} of {len(out)} replicas left out of the pool ("
            + "; ".join(f"{r.name}: {r.status}" for r in left)
            + f"): rerun `kapitza md run CONFIG --replicas {len(out)}` to resume them"
        )
    if pool.understated:
        warnings.append(
            f"the single-run errors understate the spread between replicas by a factor {pool.spread_ratio:.2g} "
            f"(the replicas scatter {pool.spread_ratio:.2g} x their own errors about the pooled G; p = "
            f"{pool.spread_pvalue:.2g} if those errors were honest): quote the replica error"
        )
    for r in pooled:
        for w in r.analysis.jump.warnings:
            if w.startswith("Delta T drifts") or w.startswith("no significant jump"):
                warnings.append(f"{r.name}: {w}")
    return ReplicaAnalysis(
        parent=str(folder),
        replicas=tuple(out),
        pool=pool,
        units=manifest.units,
        unit_names=dict(pooled[0].analysis.jump.unit_names),
        T_mean=float(np.mean([r.analysis.T_mean for r in pooled])),
        G_si=pool.G * to_si if to_si is not None else float("nan"),
        G_si_err=pool.G_err * to_si if to_si is not None else float("nan"),
        G_si_next_err=pool.G_next_err * to_si if to_si is not None else float("nan"),
        config_sha256=record.config_sha256,
        warnings=tuple(warnings),
    )


def _left_out(recorded: str, found: str) -> str:
    """The status of a replica left out: what its folder shows, and a failure ``replicas.json`` recorded."""
    return f"{found} ({recorded})" if recorded.startswith("failed") else found


__all__ = [
    "ESTIMATOR",
    "NEXT_RUN",
    "EstimatePool",
    "ReplicaAnalysis",
    "ReplicaPool",
    "ReplicaRun",
    "analyze_replicas",
    "pool_estimates",
    "pool_replicas",
]
