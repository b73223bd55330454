"""A series of runs gathered into one table (``kapitza md campaign``): G, Delta T and J per member, G(T_mean) and
J(Delta T) over them (:mod:`kapitza.analysis.md.response`), the thickness series where lengths vary, and each
member's replicas pooled (:mod:`kapitza.analysis.md.replicas`) where it has them."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from ...io.results import dumps, result
from .response import ResponseSummary, RunAnalysis, analyze_run, path_resistance, summarize_runs, summary_json

TABLE_CSV = "campaign.csv"
TABLE_JSON = "campaign.json"
TABLE_COLUMNS = ("G", "G_err", "delta_T", "delta_T_err", "J", "J_err", "T_mean", "status")
#: Series keys that change the sample length: when one varies, the thickness series is fitted (a series of a
#: user's structures is taken to be one of lengths; each member's length is its own box's).
LENGTH_KEYS = ("cells_a", "cells_b", "structure")


@result
class RunTable:
    """Runs gathered into one table (e.g. a campaign's members).

    Attributes
    ----------
    rows : tuple of mapping
        Per run: member name, its series values, G, G_err, delta_T, delta_T_err, J, J_err, T_mean, status.
    summary : ResponseSummary or None
        G(T_mean) / J(Delta T) over the complete runs (None when none is complete).
    thickness : ThicknessFit or None
        R_total(L) = R_K + L / kappa of the bath-to-bath resistances (:func:`path_resistance`), when a length
        key varies and two or more lengths have a finite resistance.
    csv_path, json_path : str
    """

    rows: tuple[Any, ...]
    summary: ResponseSummary | None
    thickness: Any
    csv_path: str
    json_path: str

    _summary_fields: ClassVar[tuple[str, ...]] = ("csv_path", "summary", "thickness")


def gather_runs(entries: Any, series: Any, folder: str | Path, source: str = "") -> RunTable:
    """Analyse the complete runs of ``entries`` and write ``campaign.csv`` and ``campaign.json`` into ``folder``.

    Parameters
    ----------
    entries : sequence of mapping
        Per run: ``name``, ``values`` (mapping of its series values), ``run_dir``, ``complete`` (bool) and
        ``status`` (text), e.g. :func:`kapitza.md.campaign.campaign_entries`.
    series : sequence of str
        The keys that vary (the table's value columns).
    folder : path-like
        Where the two tables go (an existing folder).
    source : str
        The campaign file, recorded in the JSON.
    """
    from ...errors import KapitzaError
    from ...io.atomic import atomic_write_text
    from .thickness import fit_thickness_series

    series = tuple(series)
    rows: list[dict[str, Any]] = []
    runs: list[RunAnalysis] = []
    paths: list[tuple[float, float, float]] = []
    nan = float("nan")
    for e in entries:
        row: dict[str, Any] = {"member": e["name"], **dict(e["values"])}
        row.update({k: nan for k in TABLE_COLUMNS[:-1]}, status=e["status"])
        if e["complete"] and e.get("replicas"):
            from .replicas import analyze_replicas

            try:
                reps = analyze_replicas(e["run_dir"])
            except KapitzaError as exc:
                row["status"] = f"analysis failed: {exc}"
            else:
                p = reps.pool
                row.update(G=p.G, G_err=p.G_err, delta_T=p.delta_T, delta_T_err=p.delta_T_err, J=p.flux,
                           J_err=p.flux_err, T_mean=reps.T_mean)  # fmt: skip
                row["status"] = f"{p.n} replicas pooled" + (f"; {e['status']}" if p.n < e["replicas"] else "")
                runs.append(_pooled_run(reps))
                if any(k in series for k in LENGTH_KEYS):
                    paths.append(_pooled_path_resistance(reps))
        elif e["complete"]:
            try:
                run = analyze_run(e["run_dir"])
            except KapitzaError as exc:
                row["status"] = f"analysis failed: {exc}"
            else:
                j = run.jump
                row.update(G=j.G, G_err=j.G_err, delta_T=j.delta_T, delta_T_err=j.delta_T_err, J=j.flux,
                           J_err=j.flux_err, T_mean=run.T_mean)  # fmt: skip
                runs.append(run)
                if any(k in series for k in LENGTH_KEYS):
                    paths.append(path_resistance(run))
        rows.append(row)
    summary = summarize_runs(runs) if runs else None
    thickness = None
    if any(k in series for k in LENGTH_KEYS):
        points = paths
        ok = [p for p in points if np.isfinite(p[1]) and p[2] > 0]
        if len({p[0] for p in ok}) >= 2:
            thickness = fit_thickness_series([p[0] for p in ok], [p[1] for p in ok], [p[2] for p in ok])
    out = Path(folder)
    header = ["member", *series, *TABLE_COLUMNS]
    lines = [",".join(header)]
    for row in rows:
        lines.append(",".join(_csv_cell(row.get(k, "")) for k in header))
    atomic_write_text(out / TABLE_CSV, "\n".join(lines) + "\n")
    doc: dict[str, Any] = {
        "campaign": source,
        "folder": str(out),
        "series": list(series),
        "units": summary.units if summary is not None else None,
        "members": [
            {k: (v if not isinstance(v, float) or math.isfinite(v) else "nan") for k, v in r.items()} for r in rows
        ],  # fmt: skip
        "G_of_T": None,
        "J_of_delta_T": None,
        "thickness": None,
    }
    if summary is not None:
        s = summary_json(summary)
        doc["G_of_T"], doc["J_of_delta_T"] = s["G_of_T"], s["J_of_delta_T"]
    if thickness is not None:
        names = ("R_K", "R_K_err", "slope", "slope_err", "kappa", "kappa_err", "chi2_per_dof")
        values = {k: float(getattr(thickness, k)) for k in names}
        doc["thickness"] = {k: (v if math.isfinite(v) else "nan") for k, v in values.items()}
        doc["thickness"]["lengths"] = [float(x) for x in thickness.lengths]
        doc["thickness"]["resistances"] = [float(x) for x in thickness.resistances]
        doc["thickness"]["sigmas"] = [float(x) for x in thickness.sigmas]
    atomic_write_text(out / TABLE_JSON, dumps(doc) + "\n")
    return RunTable(
        rows=tuple(rows),
        summary=summary,
        thickness=thickness,
        csv_path=str(out / TABLE_CSV),
        json_path=str(out / TABLE_JSON),
    )


def _pooled_run(reps: Any) -> RunAnalysis:
    """A member's replicas as one :class:`RunAnalysis` for G(T) and J(Delta T): its jump's combined numbers (Delta T,
    J, G and their errors) and T_mean are the pool's (:func:`kapitza.analysis.md.replicas.analyze_replicas`), the
    rest (interfaces, fits, manifest) its first pooled replica's."""
    import dataclasses

    first = next(r.analysis for r in reps.replicas if r.pooled)
    p = reps.pool
    jump = dataclasses.replace(
        first.jump, delta_T=p.delta_T, delta_T_err=p.delta_T_err, G=p.G, G_err=p.G_err, G_si=reps.G_si,
        G_si_err=reps.G_si_err, flux=p.flux, flux_err=p.flux_err,
    )  # fmt: skip
    return dataclasses.replace(first, jump=jump, T_mean=reps.T_mean, run_dir=reps.parent)


def _pooled_path_resistance(reps: Any) -> tuple[float, float, float]:
    """(length, R_total, sigma_R) of a member's replicas: :func:`path_resistance` of each pooled replica, their mean
    and its error from their spread (Student's t for N - 1 degrees of freedom)."""
    from .replicas import pool_estimates

    points = [path_resistance(r.analysis) for r in reps.replicas if r.pooled]
    ok = [q for q in points if np.isfinite(q[1])]
    if len(ok) < 2:
        return points[0][0], float("nan"), float("nan")
    pool = pool_estimates([q[1] for q in ok])
    return ok[0][0], pool.mean, pool.err


def _csv_cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.10g}" if math.isfinite(value) else "nan"
    text = str(value)
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text
