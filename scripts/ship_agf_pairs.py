"""Ship the AGF of the compilation's pairs as package data (issue 87 item 3), from the cache a validation run filled.

    PYTHONPATH=src python scripts/ship_agf_pairs.py [--cache DIR] [--folder DIR] [--data FILE] [--runs FILE ...]
        [--max-memory-gb GB] [--replace]

``kapitza validate --model agf`` caches each pair's AGF (two-probe and intrinsic G at the rows' temperatures, the
leads' stability) under a key of the two crystals' records, the plane, the polarity, the potential's identity and
the settings (``kapitza.prediction.validation.agf._pair_agf``, cache kind ``agf-validation-pair``).  This script
copies every such entry of the cache folder ``--cache`` (default the user's cache) that was computed with the
potential of the shipped crystals (the index's ``calculator``, kapitza's default) under the current entry format
into the shipped folder (default the package's, ``src/kapitza/phonons/data/shipped/``), beside the crystals and
the pairs shipped before (kept unless the cache writes them anew, or ``--replace`` says the cache holds them all): an
xz file an entry, listed in the same index with its checksum and sizes, and a provenance row a pair in the index's
``agf_pairs`` (film, substrate, plane, polarity, temperatures, G, the potential, and from the study's data file
``--data`` the minutes, commit, date and machine of its run), and each buildable pair a route did not ship with
why: that route's own plan (``kapitza validate --model agf --route ROUTE --plan``, at ``--max-memory-gb``, a few
minutes a route) from the same cache.  It then records the index's SHA-256 in
``src/kapitza/io/shipped_index.py`` (package folder only) and writes ``docs/reference/shipped-agf-pairs.md``.

A fresh install then reads each shipped pair exactly where the cache would have served the same computation
(:mod:`kapitza.io.shipped`, the same checks as the crystals'), so ``kapitza validate --model agf`` scores those
pairs without a force call; a pair not shipped is computed as before.  Entries are verified under the cache's own
key before they are copied; one that fails is not shipped (said).  Run ``scripts/agf_validation_study.py run``
first (it fills the cache and the data file).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from ship_crystals import AGF_KINDS, DIGEST, SHIPPED, _commit, _stored_key  # noqa: E402

#: A pair's AGF (kind ``agf-validation-pair``), and the crystals' verdicts of the validations (kind
#: ``calculator-validation-crystal``): the refusals are shipped, so that a fresh install reads a crystal the
#: potential refuses as refused instead of computing it to find out.
KIND, VERDICT = AGF_KINDS
PAGE = ROOT / "docs" / "reference" / "shipped-agf-pairs.md"


def _names() -> dict[str, str]:
    """The crystal table's record (as the pair key holds it) of each table name -> that name (its first spelling)."""
    from kapitza.literature.crystals import crystal_names
    from kapitza.prediction.validation.agf import _record

    out: dict[str, str] = {}
    for name in crystal_names():
        out.setdefault(json.dumps(_record(name), sort_keys=True), name)
    return out


def _data_rows(data: Path) -> dict[str, dict]:
    """The study's data file's pairs ("film|substrate" -> its run's provenance), {} where there is none."""
    if not data.exists():
        return {}
    doc = json.loads(data.read_text())
    keep = ("minutes", "commit", "date", "machine", "max_memory_gb")
    return {key: {k: e.get(k) for k in keep} for key, e in doc.get("pairs", {}).items()}


def refusals(cache: Path, calculator: str | None = None) -> list[tuple[str, dict, dict]]:
    """(key text, verified arrays, row) of each crystal ``calculator`` (default kapitza's default potential)
    refuses whose verdict ``cache`` holds under the key the validations ask for now (``calculators._verdict_parts``
    of a crystal-table record)."""
    from kapitza.atomistic.calculators import calculator_source
    from kapitza.io.cache import _key_text, read_signed, signing_key
    from kapitza.literature.crystals import CrystalDescription, crystal_for, crystal_names
    from kapitza.prediction.validation.calculators import _refusal_text, _verdict_parts

    os.environ["KAPITZA_CACHE_DIR"] = str(cache)
    source, secret = calculator_source(calculator), signing_key()
    wanted = {}
    for name in crystal_names():
        desc = crystal_for(name)
        if isinstance(desc, CrystalDescription):
            wanted.setdefault(_key_text(VERDICT, _verdict_parts(desc, source)), desc.name)
    out = []
    for path in sorted(cache.glob(f"{VERDICT}-*.entry")):
        key_text = _stored_key(path)
        if key_text not in wanted:
            continue
        arrays, why = read_signed(path, secret, key_text)
        refused = _refusal_text(arrays) if arrays else ""
        if refused:
            out.append((key_text, arrays, {"crystal": wanted[key_text], "refused": refused.splitlines()[0][:400]}))
    return out


def _data_why(entry: dict | None, cell: int) -> str:
    """Why the study's data file (its pair ``entry``, None where it did not run the pair) left a pair out."""
    if entry is not None and set(entry["reason"]) == {"cell size"}:  # left out by a smaller bound: not run
        entry = None
    if entry is None:
        return f"not run: the study runs the smallest cells first within its time budget ({cell} atoms a period)"
    reasons = sorted({r for r in entry["reason"] if r})
    details = sorted({d for d, r in zip(entry["detail"], entry["reason"]) if r and r != "cell size"})
    if not reasons:  # scored in the data file but not under the current entry format here
        return (f"computed at {entry.get('commit')} on {entry.get('machine')} under an earlier entry format "
                "(not shipped: not reproduced under the current one)")  # fmt: skip
    return "; ".join(reasons) + (f": {details[0][:300]}" if details else "")


def plan_why(plan: Any, film: str, substrate: str, named: bool = False) -> tuple[str, str] | None:
    """(reason, why) ``plan`` (an :class:`~kapitza.prediction.validation.agf_plan.AgfPlan` of one route) leaves the
    pair uncomputed, from its own statement (None where it has no line of the pair: shipped, cached, or not among
    its runs): a run that would go is "not computed yet" with its stated time and memory against the bound; a run
    left out says its reason and detail.  A pair's runs (two polarities, or two planes) are each named by plane and
    polarity where their words differ, or always with ``named`` (a pair shipped on another plane or polarity); the
    reason is then theirs joined by " / "."""
    from kapitza.atomistic.force_cost import duration_words

    words: dict[str, list[str]] = {}
    reasons: list[str] = []
    ks = [k for k in range(len(plan)) if (plan.film[k], plan.substrate[k]) == (film, substrate)]
    planes = named or len({plan.plane[k] for k in ks}) > 1
    for k in ks:
        memory = f"~{plan.memory_gb[k]:.3g} GB against a bound of {plan.limit_gb[k]:g} GB"
        reason = plan.reason[k] or "not computed yet"
        if plan.reason[k] == "":
            time = duration_words(float(plan.seconds[k])) if np.isfinite(plan.seconds[k]) else "an unstated time"
            route = plan.settings.get("route", "full")
            why = (f"not computed yet: stated {time} of force calls and {memory} (`kapitza validate --model agf "
                   f"--route {route} --compute` runs it)")  # fmt: skip
        elif plan.reason[k] == "over the memory bound":  # its detail: "the run states ~X GB ...; the interface is ..."
            call = f"its largest force call {plan.call_atoms[k]} atoms; " if plan.call_atoms[k] else ""
            why = f"over the memory bound: stated {memory} ({call}{plan.detail[k].split('; ', 1)[-1][:240]})"
        else:
            why = f"{plan.reason[k]}: {plan.detail[k][:300]}"
        words.setdefault(why, []).append(f"({plan.plane[k]}) {plan.polarity[k]}" if planes else plan.polarity[k])
        reasons += [reason] if reason not in reasons else []
    if not words:
        return None
    if len(words) == 1 and not named:
        return reasons[0], next(iter(words))
    return " / ".join(reasons), "; ".join(f"{', '.join(p)}: {w}" for w, p in words.items())


def left_out(found: list[tuple[str, dict, dict]], data: Path, plans: dict[str, Any] | None = None) -> list[dict]:
    """Each pair ``kapitza interface buildable`` lists on one plane (cells up to 200 atoms a period) that a route
    ships no AGF of, with why, a row per route: the route's plan (``plans``: route -> its
    :class:`~kapitza.prediction.validation.agf_plan.AgfPlan` from the shipping cache, :func:`plan_why`) where it
    states the pair, else the study's reasons (``--data``) where it ran it, else that it was not run."""
    from agf_validation_study import pair_groups

    shipped = {(r["film"], r["substrate"], r.get("route", "full")) for _, _, r in found}
    doc = json.loads(data.read_text()) if data.exists() else {"pairs": {}}
    pairs = pair_groups(200)
    out = []
    for (film, substrate), g in sorted(pairs.items(), key=lambda p: (p[1]["cell"], p[0])):
        for route in sorted(plans or {"full": None}):
            plan = (plans or {}).get(route)
            rows, papers = g["rows"], len(g["papers"])
            if (film, substrate, route) in shipped:  # a plane or polarity its plan still states is left out
                found_why = None if plan is None else plan_why(plan, film, substrate, named=True)
                if found_why is None:
                    continue
                rows, papers = _planned_rows(plan, film, substrate)
            else:
                found_why = None if plan is None else plan_why(plan, film, substrate)
            if found_why is None:
                why = _data_why(doc["pairs"].get(f"{film}|{substrate}"), g["cell"])
                found_why = why.split(":")[0], why
            out.append({"film": film, "substrate": substrate, "route": route, "rows": rows, "papers": papers,
                        "cell_atoms": g["cell"], "reason": found_why[0], "why": found_why[1]})  # fmt: skip
    return out


def _planned_rows(plan: Any, film: str, substrate: str) -> tuple[int, int]:
    """The rows and papers of ``plan``'s runs of a pair (a plane's rows once, whichever polarities run it)."""
    ks = [k for k in range(len(plan)) if (plan.film[k], plan.substrate[k]) == (film, substrate)]
    rows = {plan.plane[k]: int(plan.rows[k]) for k in ks}
    papers = {p for k in ks for p in str(plan.paper_ids[k]).split(", ") if p}
    return sum(rows.values()), len(papers)


def timed_runs(files: list[Path]) -> dict[tuple[str, str, str], dict]:
    """(film, substrate, route) -> {"minutes": ...} of each pair a ``kapitza validate --model agf [--route fast]
    --compute --json`` run (its output saved to a file) computed and timed (a pair's ``seconds``); a later file
    wins."""
    out: dict[tuple[str, str, str], dict] = {}
    for path in files:
        try:
            doc = json.loads(Path(path).read_text())
            route, pairs = doc["settings"]["route"], list(doc["pairs"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            why = f"not the --json output of kapitza validate --model agf ({exc!r})"
            raise SystemExit(f"--runs {path}: {why}") from None
        for g in pairs:
            if g.get("origin") == "computed" and g.get("seconds") is not None:
                out[g["film"], g["substrate"], route] = {"minutes": round(float(g["seconds"]) / 60, 2)}
    return out


def entry_file(kind: str, key_text: str) -> str:
    """The shipped file name of a cache entry of ``kind`` under ``key_text`` (its key's SHA-256, 24 digits)."""
    return f"{kind}-{hashlib.sha256(key_text.encode()).hexdigest()[:24]}.xz"


def shipped_runs(folder: Path) -> dict[str, dict]:
    """The run provenance (minutes, commit, date, machine) the index of ``folder`` records for each pair entry it
    ships, by file name: a later shipping keeps it for the same entry where no study or run of its own times it."""
    index = folder / "index.json"
    doc = json.loads(index.read_text()) if index.exists() else {}
    return {r["file"]: r["run"] for r in doc.get("agf_pairs", []) if r.get("file") and r.get("run")}


def collect(
    cache: Path, calculator: dict, data: Path, settings: dict | None = None,
    timed: dict[tuple[str, str, str], dict] | None = None, before: dict[str, dict] | None = None,
) -> list[tuple[str, dict, dict]]:  # fmt: skip
    """(key text, verified arrays, provenance row) of every pair entry of ``cache`` to ship: verified under the
    cache's key, of the current entry format, computed with ``calculator`` and the AGF ``settings`` (default
    ``kapitza validate --model agf``'s, the only ones its queries ask for) by either route (``--route full``, whose
    settings are those, or ``--route fast``, whose add its route) within the default strain bound.  The study's
    provenance (``data``: minutes, commit, date, machine) is the full route's; ``timed`` (:func:`timed_runs`) gives
    the minutes of a pair no study ran (the fast route's, or a full-route pair computed by ``validate`` itself);
    ``before`` (:func:`shipped_runs`) those the shipped index recorded for the same entry, kept where neither does."""
    from kapitza.io.cache import read_signed, signing_key
    from kapitza.prediction.validation.agf import AGF_SETTINGS, CACHE_FORMAT
    from kapitza.prediction.validation.buildable import DEFAULT_MAX_STRAIN

    routes = {"full": dict(settings or AGF_SETTINGS), "fast": {**(settings or AGF_SETTINGS), "route": "fast"}}

    os.environ["KAPITZA_CACHE_DIR"] = str(cache)
    secret = signing_key()
    if secret is None:
        raise SystemExit(f"the cache {cache} has no key: cannot verify its entries")
    names, runs, out = _names(), _data_rows(data), []
    for path in sorted(cache.glob(f"{KIND}-*.entry")):
        key_text = _stored_key(path)
        parts = json.loads(key_text)["parts"]
        if parts.get("format") != CACHE_FORMAT or parts.get("calculator") != calculator:
            continue
        route = next((r for r, wanted in routes.items() if parts.get("settings") == wanted), None)
        if route is None or parts.get("max_strain") != DEFAULT_MAX_STRAIN:
            continue  # a run with other settings than validate's defaults: no query of the defaults would read it
        arrays, why = read_signed(path, secret, key_text)
        if arrays is None:
            print(f"{path.name}: not shipped: {why}", flush=True)
            continue
        film = names.get(json.dumps(parts["film"], sort_keys=True))
        substrate = names.get(json.dumps(parts["substrate"], sort_keys=True))
        if film is None or substrate is None:
            print(f"{path.name}: not shipped: a crystal is no longer the crystal table's record", flush=True)
            continue
        row = {
            "film": film, "substrate": substrate, "plane": parts["plane"], "polarity": parts["polarity"],
            "temperature_K": np.asarray(parts["temperature"]["data"], dtype=float).tolist(),
            "conductance_W_m2K": np.asarray(arrays["conductance"]).tolist(),
            "intrinsic_W_m2K": np.asarray(arrays["intrinsic"]).tolist(),
            "lead_imaginary_fraction": np.asarray(arrays["imaginary"]).tolist(),
            "max_strain": parts["max_strain"], "settings": parts["settings"], "route": route,
            "run": (runs.get(f"{film}|{substrate}") if route == "full" else None)
                   or (timed or {}).get((film, substrate, route))
                   or (before or {}).get(entry_file(KIND, key_text), {}),
            "stated_minutes": _stated_minutes(film, substrate, parts),
        }  # fmt: skip
        out.append((key_text, arrays, row))
    return out


def _calculator_name(identity: dict) -> str:
    """The built-in calculator (a NAME or NAME+d3 of ``calculators.BUILTINS``) whose identity a pair's key holds: the
    identity's ``calculator`` field alone drops the D3 correction, which changes the relaxed crystals."""
    from kapitza.atomistic.calculators import BUILTINS, D3_SUFFIX, calculator_source

    for name in (*BUILTINS, *(f"{b}{D3_SUFFIX}" for b in BUILTINS)):
        if dict(calculator_source(name).identity) == identity:
            return name
    return str(identity.get("calculator"))  # a user's module:factory: its own name


def _stated_minutes(film: str, substrate: str, parts: dict) -> float | None:
    """The force constants' time the pair's run states before its first force call (``kapitza validate --model agf
    --plan``'s statement, :func:`kapitza.transmission.agf.run.stated_run`), min; None where the potential has no
    measured cost.  The crystals are relaxed (cached); no force constant is computed."""
    from kapitza.prediction.validation.agf import _run_options
    from kapitza.transmission.agf.run import stated_run

    found = stated_run(
        film, substrate, calculator=_calculator_name(parts["calculator"]), normal=parts["plane"],
        polarity=parts["polarity"], max_strain=parts["max_strain"], allow_unstable_leads=True,
        temperature=np.asarray(parts["temperature"]["data"], dtype=float), **_run_options(parts["settings"]),
    )  # fmt: skip
    return None if found.seconds is None else round(found.seconds / 60, 2)


def route_plans(calculator: str, bound: dict) -> dict[str, Any]:
    """Each route's plan (:func:`~kapitza.prediction.validation.agf_plan.agf_plan`) of the pairs not shipped or
    cached, under ``bound`` (max_memory_gb, max_cell_atoms), from the cache ``KAPITZA_CACHE_DIR`` names."""
    from kapitza.prediction.validation.agf_plan import agf_plan

    plans = {}
    for route in ("fast", "full"):
        print(f"stating the {route} route's runs (kapitza validate --model agf --plan)", flush=True)
        plans[route] = agf_plan(calculator, route=route, **bound)
    return plans


def kept_rows(folder: Path, found: list[tuple[str, dict, dict]], refused: list[tuple[str, dict, dict]],
              replace: bool = False) -> tuple[list[dict], list[dict]]:  # fmt: skip
    """The pair rows and the refusal rows ``folder``'s index ships that this shipping keeps: each one whose entry
    neither ``found`` nor ``refused`` (the cache's) writes anew, so that a cache holding only a new machine's runs
    adds to the table instead of emptying it; none with ``replace`` (the cache holds the whole table)."""
    if replace:
        return [], []
    index = folder / "index.json"
    doc = json.loads(index.read_text()) if index.exists() else {}
    new = {entry_file(KIND, k) for k, _, _ in found} | {entry_file(VERDICT, k) for k, _, _ in refused}
    pairs = [r for r in doc.get("agf_pairs", []) if r.get("file") and r["file"] not in new]
    verdicts = [r for r in doc.get("agf_pairs_refused_crystals", []) if r.get("file") and r["file"] not in new]
    return pairs, verdicts


def export(found: list[tuple[str, dict, dict]], refused: list[tuple[str, dict, dict]], left: list[dict],
           folder: Path, plan_bound: dict | None = None, replace: bool = False) -> tuple[dict, bytes]:  # fmt: skip
    """The pair entries and the refusals written into ``folder`` beside what it ships already (its index kept; its
    former pair entries and refusals kept where these do not replace them (:func:`kept_rows`), all dropped with
    ``replace``), with ``left`` (each buildable pair not shipped and why, per route) and ``plan_bound`` (the bounds
    of the plans that said why: max_memory_gb, max_cell_atoms): returns the new index and its bytes.  ``folder``
    is written in place: :func:`staged` gives a copy to write and puts it in place whole."""
    from kapitza.io.cache import _KEY_FIELD, _payload
    from kapitza.io.shipped import pack

    index_path = folder / "index.json"
    doc = json.loads(index_path.read_text())
    kept_pairs, kept_verdicts = kept_rows(folder, found, refused, replace)
    kept = {r["file"] for r in kept_pairs + kept_verdicts}
    for digest, entry in list(doc["entries"].items()):
        if entry.get("kind") in (KIND, VERDICT) and entry["file"] not in kept:
            (folder / entry["file"]).unlink(missing_ok=True)
            del doc["entries"][digest]
    rows, verdicts = list(kept_pairs), list(kept_verdicts)
    for kind, items, out in ((KIND, found, rows), (VERDICT, refused, verdicts)):
        for key_text, arrays, row in items:
            payload = _payload({**arrays, _KEY_FIELD: np.array(key_text)})
            packed = pack(payload)
            digest = hashlib.sha256(key_text.encode()).hexdigest()
            target = entry_file(kind, key_text)
            (folder / target).write_bytes(packed)
            label = row.get("crystal") or f"{row['film']}|{row['substrate']} ({row['plane']}) {row['polarity']}"
            doc["entries"][digest] = {"kind": kind, "file": target, "sha256": hashlib.sha256(packed).hexdigest(),
                                      "bytes": len(payload), "packed_bytes": len(packed), "crystal": label}  # fmt: skip
            out.append({**row, "file": target})
    doc["agf_pairs"] = sorted(rows, key=lambda r: (r["film"], r["substrate"], r["plane"], r["polarity"],
                                                   r.get("route", "full")))  # fmt: skip
    doc["agf_pairs_refused_crystals"] = verdicts
    doc["agf_pairs_left"] = left
    doc["agf_pairs_left_plan"] = plan_bound
    doc["agf_pairs_made"] = {"by": "PYTHONPATH=src python scripts/ship_agf_pairs.py", "commit": _commit()}
    doc["total_packed_bytes"] = sum(e["packed_bytes"] for e in doc["entries"].values())
    raw = (json.dumps(doc, indent=1) + "\n").encode()
    index_path.write_bytes(raw)
    return doc, raw


@contextlib.contextmanager
def staged(folder: Path) -> Iterator[Path]:
    """A copy of ``folder`` to write (``FOLDER.staging`` beside it, a leftover of an interrupted shipping removed
    first), put in place of ``folder`` whole once the body ends: an interruption before then leaves ``folder`` as it
    was, never half-written; an error in the body removes the copy."""
    work = folder.with_name(folder.name + ".staging")
    old = folder.with_name(folder.name + ".replaced")
    for leftover in (work, old):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(folder, work)
    try:
        yield work
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    folder.rename(old)
    work.rename(folder)
    shutil.rmtree(old)


def page(doc: dict) -> str:
    """The docs page of the shipped AGF pairs (their provenance, from the index)."""
    lines = [
        "# The AGF pairs kapitza ships",
        "",
        "`kapitza validate --model agf` runs, for each measured pair its crystal route builds, the atomistic Green's "
        "function of the two crystals stacked in their common cell with a universal potential (minutes to an hour a "
        "pair on 2 cores). The pairs below ship computed with kapitza's default potential (the shipped crystals' "
        f"`{json.dumps(doc.get('calculator'), sort_keys=True)}`), so a fresh install scores them without a force "
        "call. Each is the very cache entry of its computation (same key: the two crystals' records, the plane, "
        "the polarity, the potential's identity, the AGF settings and the rows' temperatures), checked by its "
        "SHA-256 in the shipped index, whose own SHA-256 the code records (`kapitza.io.shipped`); an entry altered "
        "by hand, or one whose key is not the query's, is not used (said once): the pair is then counted as not "
        "computed, or computed with `--compute`.",
        "",
        f"Made by `{doc['agf_pairs_made']['by']}` at commit {doc['agf_pairs_made']['commit']}.",
        "",
        "Route: `full` displaces every row of the interface cell (`kapitza validate --model agf`, the default); "
        "`fast` only the rows within the force range of the interface, the others placed from each side's strained "
        "bulk column (`--route fast`; its error against the full route per pair is on the how-to page of the "
        "interface from its atoms). Each route reads only its own entries.",
        "",
        "| film on substrate | plane | polarity | route | T (K) | G two-probe at the highest T (MW m^-2 K^-1) | "
        "lead imaginary (fraction of top) | minutes | stated (min) | run (commit, date, machine) |",
        "|---|---|---|---|---|---:|---|---:|---:|---|",
    ]
    for r in doc.get("agf_pairs", []):
        t = r["temperature_K"]
        span = f"{t[0]:g}" if len(t) == 1 else f"{t[0]:g}-{t[-1]:g} ({len(t)})"
        run = r.get("run") or {}
        minutes = "" if run.get("minutes") is None else f"{run['minutes']:.1f}"
        where = ", ".join(str(run.get(k)) for k in ("commit", "date", "machine") if run.get(k))
        imag = ", ".join(f"{v:.3g}" for v in r["lead_imaginary_fraction"])
        stated = "" if r.get("stated_minutes") is None else f"{r['stated_minutes']:.1f}"
        lines.append(f"| {r['film']} on {r['substrate']} | ({r['plane']}) | {r['polarity']} | "
                     f"{r.get('route', 'full')} | {span} | "
                     f"{r['conductance_W_m2K'][-1] / 1e6:.1f} | {imag} | {minutes} | {stated} | {where} |")  # fmt: skip
    lines += ["", _stated_words(doc.get("agf_pairs", []))]
    lines += ["", "## The fast route against the full route, per pair", "", _route_words(doc.get("agf_pairs", []))]
    lines += ["", "## Crystals the potential refuses (shipped as refusals)", ""]
    lines += [f"- {r['crystal']}: {r['refused'][:300]}" for r in doc.get("agf_pairs_refused_crystals", [])] or ["none"]
    lines += ["", "## Buildable pairs without a shipped AGF, and why, per route", "", _left_words(doc), "",
              "| film on substrate | route | rows | papers | atoms a period | why |",
              "|---|---|---:|---:|---:|---|"]  # fmt: skip
    for r in doc.get("agf_pairs_left", []):
        why = str(r["why"]).replace("|", "/")
        lines.append(f"| {r['film']} on {r['substrate']} | {r.get('route', 'full')} | {r['rows']} | {r['papers']} | "
                     f"{r['cell_atoms']} | {why} |")  # fmt: skip
    lines += [
        "",
        "Minutes are the pair's whole `validate --model agf` run as the study timed it (both polarities of a polar "
        "pair): the study's for the full route, `validate --compute --json`'s own timing of a pair for the fast "
        "route (blank where a pair was computed before validate timed its pairs). Regenerate: `python "
        "scripts/agf_validation_study.py run --calculator sevennet-l3i5+d3 ...` and `kapitza validate --model agf "
        "--route fast --compute --json > run.json`, then `PYTHONPATH=src python scripts/ship_agf_pairs.py --runs "
        "run.json`.",
        "",
    ]
    return "\n".join(lines)


def _left_words(doc: dict) -> str:
    """The unshipped pairs counted by route and by the first words of their reason."""
    bound = doc.get("agf_pairs_left_plan") or {}
    counts: dict[str, dict[str, list[int]]] = {}
    for r in doc.get("agf_pairs_left", []):
        kind = str(r.get("reason") or str(r["why"]).split(":")[0])
        c = counts.setdefault(r.get("route", "full"), {}).setdefault(kind, [0, 0])
        c[0], c[1] = c[0] + 1, c[1] + int(r["rows"])
    if not counts:
        return "Every buildable pair ships its AGF by both routes."
    said = "; ".join(f"**{route}**: " + ", ".join(f"{k} {n} pairs ({rows} rows)" for k, (n, rows) in kinds.items())
                     for route, kinds in sorted(counts.items()))  # fmt: skip
    how = ""
    if bound:
        how = (f" Each route's reason is its own plan's (`kapitza validate --model agf --route ROUTE --plan "
               f"--max-memory-gb {bound['max_memory_gb']:g} --max-cell-atoms {bound['max_cell_atoms']}`) from the "
               "cache the entries were shipped from, at the commit above.")  # fmt: skip
    return f"By route and reason: {said}.{how}"


def route_ratios(rows: list[dict]) -> list[tuple[str, float, float]]:
    """("film on substrate (plane) polarity", T in K, fast G / full G two-probe) at each pair's highest common
    temperature, for every pair shipped by both routes."""
    by: dict[tuple, dict[str, dict]] = {}
    for r in rows:
        by.setdefault((r["film"], r["substrate"], r["plane"], r["polarity"]), {})[r.get("route", "full")] = r
    out = []
    for (film, substrate, plane, polarity), routes in sorted(by.items()):
        if {"fast", "full"} <= set(routes):
            fast, full = routes["fast"], routes["full"]
            common = sorted(set(fast["temperature_K"]) & set(full["temperature_K"]))
            if not common:
                continue
            t = common[-1]
            g = [r["conductance_W_m2K"][r["temperature_K"].index(t)] for r in (fast, full)]
            out.append((f"{film} on {substrate} ({plane}) {polarity}", t, g[0] / g[1]))
    return out


def _route_words(rows: list[dict]) -> str:
    """The fast route's two-probe G over the full route's on every pair shipped by both, in words and a table."""
    ratios = route_ratios(rows)
    if not ratios:
        return "No pair ships by both routes."
    table = ["| pair | T (K) | fast / full G |", "|---|---:|---:|"]
    table += [f"| {name} | {t:g} | {x:.3f} |" for name, t, x in ratios]
    values = sorted(x for _, _, x in ratios)
    return "\n".join([
        f"On the {len(values)} pairs shipped by both routes, the fast route's two-probe G is {values[0]:.3f}-"
        f"{values[-1]:.3f} of the full route's at the pair's highest temperature (median "
        f"{float(np.median(values)):.3f}): the error of taking the rows beyond the force range from the bulk, which "
        "a learned potential's messages reach past.", "", *table])  # fmt: skip


def _stated_words(rows: list[dict]) -> str:
    """The whole pair's measured minutes against its force constants' stated minutes (one polarity shipped)."""
    counts: dict[tuple[str, str], int] = {}
    for r in rows:
        counts[r["film"], r["substrate"]] = counts.get((r["film"], r["substrate"]), 0) + 1
    ratios = sorted(r["run"]["minutes"] / r["stated_minutes"] for r in rows
                    if counts[r["film"], r["substrate"]] == 1 and (r.get("run") or {}).get("minutes")
                    and r.get("stated_minutes"))  # fmt: skip
    if not ratios:
        return "No shipped pair has both its measured and its stated minutes."
    return (f"Stated (min) is the time of the interface's force constants the run states before its first force call "
            f"(`kapitza validate --model agf --plan`: the force calls times the potential's measured cost of one "
            f"call); the sweeps come after them and are not in it. The whole pair took {ratios[0]:.2f}-"
            f"{ratios[-1]:.2f} of it (median {float(np.median(ratios)):.2f}, {len(ratios)} pairs).")  # fmt: skip


def main() -> None:
    from kapitza.io.cache import cache_dir

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=None, help="the cache folder the runs filled (default yours)")
    parser.add_argument(
        "--folder", type=Path, default=SHIPPED, help="the shipped folder written (default the package's)"
    )
    parser.add_argument(
        "--data", type=Path, default=None, help="the study's data file (default the default potential's)"
    )
    parser.add_argument("--runs", type=Path, nargs="*", default=[],
                        help="outputs of `kapitza validate --model agf [--route fast] --compute --json` (each pair's "
                        "minutes where the study did not time it)")  # fmt: skip
    parser.add_argument(
        "--max-memory-gb", type=float, default=16.0, help="the bound of the plans that say why a pair is not shipped"
    )
    parser.add_argument("--replace", action="store_true",
                        help="the cache holds the whole table: drop the shipped pairs and refusals it lacks (by "
                        "default they are kept, so that a machine's new runs add to the table)")  # fmt: skip
    args = parser.parse_args()
    if not (0 < args.max_memory_gb < float("inf")):
        raise SystemExit(f"--max-memory-gb must be a positive number of GB, got {args.max_memory_gb}")
    cache = args.cache or cache_dir()
    os.environ["KAPITZA_CACHE_DIR"] = str(cache)
    if args.folder.resolve() != SHIPPED.resolve() and not (args.folder / "index.json").exists():
        shutil.copytree(SHIPPED, args.folder, dirs_exist_ok=True)
    calculator = json.loads((args.folder / "index.json").read_text())["calculator"]
    from agf_validation_study import data_file

    from kapitza.atomistic.calculators import DEFAULT_CALCULATOR

    data = args.data or data_file(DEFAULT_CALCULATOR)
    found = collect(cache, calculator, data, timed=timed_runs(args.runs), before=shipped_runs(args.folder))
    refused = refusals(cache)
    kept, _ = kept_rows(args.folder, found, refused, args.replace)
    bound = {"max_memory_gb": args.max_memory_gb, "max_cell_atoms": 200}
    plans = route_plans(_calculator_name(calculator), bound)
    left = left_out(found + [("", {}, r) for r in kept], data, plans)
    with staged(args.folder) as work:
        doc, raw = export(found, refused, left, work, bound, args.replace)
    digest = hashlib.sha256(raw).hexdigest()
    if args.folder.resolve() == SHIPPED.resolve():
        head = DIGEST.read_text().split("INDEX_SHA256 =")[0]
        DIGEST.write_text(head + f'INDEX_SHA256 = "{digest}"\n')
        PAGE.write_text(page(doc))
    else:
        (args.folder / "index.sha256").write_text(digest + "\n")
    print(f"shipped {len(doc['agf_pairs'])} AGF pair entries into {args.folder}", flush=True)


if __name__ == "__main__":
    main()
