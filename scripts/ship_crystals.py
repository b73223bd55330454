"""Compute the bulk phonons of the crystals kapitza ships, once, and write them as package data (issue 78 item 2).

    PYTHONPATH=src python scripts/ship_crystals.py [--work DIR] [--only NAME ...] [--timeout SECONDS] [--write [--add]]

Each crystal of :data:`CRYSTALS` (every crystal kapitza's crystal table records: the compilation's buildable pairs and
the device crystals of the table) is computed by ``kapitza.phonons.crystal_phonons`` with the default potential in a
process of its own (``--timeout`` each, default 30 min), into the cache folder ``--work`` (default
``.ship-crystals/``; resumable: a crystal already computed there is read back).  A crystal the potential refuses
(imaginary modes, its memory) is recorded with why and not shipped.  ``--write`` then copies the cache entries of the
shipped kinds (:data:`kapitza.io.shipped.SHIPPED_KINDS`) into ``src/kapitza/phonons/data/shipped/`` (xz-compressed,
one file an entry), writes the index with each entry's checksum, size and provenance (crystal, supercell, seconds,
the potential's identity, kapitza's version and commit, the command, the date), records the index's SHA-256 in
``src/kapitza/io/shipped_index.py`` and writes the docs page ``docs/reference/shipped-crystals.md``.  ``--add``
keeps what the index ships and adds the crystals computed now (a crystal computed again gains its new entries).

Each crystal is computed twice where the two forms are different keys: by its name (``kapitza predict --calculator``,
the name resolved through the database first) and from the crystal table's record (the validations,
``crystal_verdict``).  The same crystal, built by ASE from one lattice constant or by the table's Wyckoff positions,
has its atoms in another order, and a name the database now records (Ni, W, ...) another lattice: each is its own
cache key, so each is shipped.  The AGF pairs of ``scripts/ship_agf_pairs.py`` in the index are kept.
"""

from __future__ import annotations

import argparse
import datetime
import fcntl
import hashlib
import io
import json
import os
import platform
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "src" / "kapitza" / "phonons" / "data" / "shipped"
DIGEST = ROOT / "src" / "kapitza" / "io" / "shipped_index.py"
PAGE = ROOT / "docs" / "reference" / "shipped-crystals.md"
#: The kinds scripts/ship_agf_pairs.py ships into the same index (a pair's AGF, a crystal the potential refuses),
#: kept when the crystals are written again.
AGF_KINDS = ("agf-validation-pair", "calculator-validation-crystal")
#: Largest total of the shipped files, bytes: the wheel grows by this at most.
MAX_TOTAL_BYTES = 40_000_000


#: Sides written as ``NAME:STRUCTURE:a=..,c=..`` that the docs and the issues use, shipped beside the table's names
#: (their structure after standardisation is not the table's: another key).
TEXTS = ("GaN:wurtzite:a=3.189,c=5.185", "AlN:wurtzite:a=3.112,c=4.982")
#: Crystals computed first (the pairs users ask about most), then the table's others in its order.
FIRST = ("GaN:wurtzite:a=3.189,c=5.185", "GaN", "4H-SiC", "ZnO", "AlN", "AlN:wurtzite:a=3.112,c=4.982", "3C-SiC",
         "C", "Si", "Al2O3", "MgO", "GaAs", "InP", "TiN", "Al", "Cu", "Au", "Ag", "Pt")  # fmt: skip
#: Largest conventional cells last (their supercells cost the most).
LAST = ("Y2O3", "SiO2", "TiO2", "Bi", "g-C", "BaF2", "BeO")


def crystals() -> list[str]:
    """Every crystal kapitza's crystal table builds (its own names, not their other spellings), and :data:`TEXTS`,
    the pairs users ask about most first and the largest cells last."""
    from kapitza.literature.crystals import CrystalDescription, crystal_for, crystal_names

    table, seen = [], set()
    for n in crystal_names():  # a name the table spells twice (Si and SI) once
        d = crystal_for(n)
        if isinstance(d, CrystalDescription) and (d.spacegroup, d.cellpar, d.positions) not in seen:
            seen.add((d.spacegroup, d.cellpar, d.positions))
            table.append(n)
    names = [*FIRST, *(n for n in [*table, *TEXTS] if n not in FIRST and n not in LAST), *LAST]
    return [n for n in names if n in table or n in TEXTS]


def _one(name: str) -> dict:
    """Compute one crystal here (the child process): its phonons, or why they are refused."""
    from kapitza.errors import InputError
    from kapitza.phonons.from_structure import crystal_phonons

    t0 = time.perf_counter()
    try:
        found = crystal_phonons(name)
    except InputError as exc:
        return {"name": name, "outcome": "refused", "why": str(exc).splitlines()[0][:600],
                "seconds": time.perf_counter() - t0}  # fmt: skip
    seconds = time.perf_counter() - t0
    why = _table_form(name)
    return {
        "name": name, "outcome": "computed", "seconds": seconds,
        "supercell": [int(v) for v in found.supercell], "widened": found.widened,
        "atoms": int(found.crystal.n_atoms), "calculator": found.calculator,
        "table_form": why or "computed", "table_seconds": time.perf_counter() - t0 - seconds,
    }  # fmt: skip


def _table_form(name: str) -> str:
    """The crystal table's record of ``name`` computed as the validations build it (``crystal_verdict``:
    ``crystal_phonons(build(record), name=...)``), where it is one: the same crystal as the name's, but its atoms in
    another order (Si, Ge, C, GaN, AlN, Ti: ASE's builder against the table's Wyckoff positions) or another lattice
    (a database record the name resolves to first: Ni, W, ...) is another key, which a fresh install would
    otherwise compute.  Returns "" or why it was refused."""
    from kapitza.atomistic.prototypes import build
    from kapitza.errors import InputError
    from kapitza.literature.crystals import CrystalDescription, crystal_for
    from kapitza.phonons.from_structure import crystal_phonons

    try:
        record = crystal_for(name)
        if isinstance(record, CrystalDescription):
            crystal_phonons(build(record), None, name=record.name)
    except InputError as exc:
        return str(exc).splitlines()[0][:600]
    return ""


def _entries(work: Path) -> set[str]:
    return {p.name for p in work.glob("*.entry") if p.name.split("-")[0] == "structure"}


def compute(names: list[str], work: Path, timeout: float) -> dict[str, dict]:
    """Each crystal in a process of its own; the log (``work/log.json``) maps a crystal to the entries it made."""
    log_path = work / "log.json"
    log = json.loads(log_path.read_text()) if log_path.exists() else {}
    env = {**os.environ, "KAPITZA_CACHE_DIR": str(work), "PYTHONPATH": str(ROOT / "src")}
    for name in names:
        if log.get(name, {}).get("outcome") in ("computed", "refused"):
            print(f"{name}: {log[name]['outcome']} before ({log[name]['seconds']:.0f} s)", flush=True)
            continue
        before = _entries(work)
        code = f"import json, sys; sys.path.insert(0, {str(ROOT / 'scripts')!r}); import ship_crystals as s; " \
               f"print('RESULT ' + json.dumps(s._one({name!r})))"  # fmt: skip
        lock = open("/tmp/kapitza-heavy.lock", "a")  # one heavy computation at a time on this machine
        fcntl.flock(lock, fcntl.LOCK_EX)
        t0 = time.perf_counter()
        try:
            proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                  timeout=timeout)  # fmt: skip
            lines = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
            result = json.loads(lines[-1][7:]) if lines else {
                "name": name, "outcome": "failed", "why": proc.stderr.strip().splitlines()[-1:] or ["no output"],
                "seconds": time.perf_counter() - t0}  # fmt: skip
        except subprocess.TimeoutExpired:
            result = {"name": name, "outcome": "timed out", "seconds": timeout}
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()
        result["entries"] = sorted(_entries(work) - before) or log.get(name, {}).get("entries", [])
        log[name] = result
        log_path.write_text(json.dumps(log, indent=1))
        print(f"{name}: {result['outcome']} in {result['seconds']:.0f} s "
              f"{result.get('supercell', '')} {result.get('why', '')}", flush=True)  # fmt: skip
    return log


def _stored_key(path: Path) -> str:
    """The full key text a cache entry stores (its ``__kapitza_key__`` member), read before it is verified."""
    from kapitza.io.cache import _KEY_FIELD, HEADER_BYTES

    raw = path.read_bytes()[HEADER_BYTES:]
    with zipfile.ZipFile(io.BytesIO(raw)) as zf, zf.open(f"{_KEY_FIELD}.npy") as fh:
        import numpy as np

        return str(np.lib.format.read_array(fh, allow_pickle=False))


def _commit() -> str:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, check=True).stdout.strip()  # fmt: skip
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "src"], capture_output=True,
                               text=True).stdout.strip()  # fmt: skip
        return out + (" + uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def export(log: dict[str, dict], work: Path, folder: Path, command: str, add: bool = False) -> tuple[dict, bytes]:
    """The shipped entries of the crystals ``log`` computed in the cache folder ``work``, written to ``folder``
    (xz files and ``index.json``): returns the index and its bytes.  Every entry is verified under the work cache's
    key before it is copied; all must come from one calculator."""
    import numpy as np

    import kapitza
    from kapitza.io.cache import _KEY_FIELD, _payload, read_signed, signing_key
    from kapitza.io.shipped import SHIPPED_KINDS, pack

    os.environ["KAPITZA_CACHE_DIR"] = str(work)
    secret = signing_key()
    if secret is None:
        raise SystemExit("the work cache has no key: cannot verify its entries")
    folder.mkdir(parents=True, exist_ok=True)
    kept = _kept(folder, add)  # the AGF pairs scripts/ship_agf_pairs.py shipped stay; with add, everything
    for old in folder.glob("*.xz"):
        if old.name not in {e["file"] for e in kept.get("entries", {}).values()}:
            old.unlink()
    entries = dict(kept.get("entries", {}))
    rows_before = {r["name"]: r for r in kept.get("crystals", [])}
    shipped_crystals: list[dict] = []
    total = sum(int(e["packed_bytes"]) for e in entries.values())
    calculator = kept.get("calculator")
    for name, result in log.items():
        row = {k: result.get(k) for k in ("name", "outcome", "seconds", "supercell", "widened", "atoms", "why",
                                          "table_form", "table_seconds")}  # fmt: skip
        if name in rows_before:  # --add: the earlier row stands (its times), what this run added beside it
            added = {k: row[k] for k in ("seconds", "table_form", "table_seconds")}
            row = {**rows_before[name], "added": {**added, "date": datetime.date.today().isoformat()}}
        row["entries"] = list(rows_before.get(name, {}).get("entries", []))
        for file in result.get("entries", []) if result.get("outcome") == "computed" else []:
            kind = file.rsplit("-", 1)[0]
            if kind not in SHIPPED_KINDS:
                continue
            key_text = _stored_key(work / file)
            arrays, why = read_signed(work / file, secret, key_text)
            if arrays is None:
                raise SystemExit(f"{file}: {why}")
            payload = _payload({**arrays, _KEY_FIELD: np.array(key_text)})
            packed = pack(payload)
            digest = hashlib.sha256(key_text.encode()).hexdigest()
            target = f"{kind}-{digest[:24]}.xz"
            (folder / target).write_bytes(packed)
            total += len(packed)
            entries[digest] = {"kind": kind, "file": target, "sha256": hashlib.sha256(packed).hexdigest(),
                               "bytes": len(payload), "packed_bytes": len(packed), "crystal": name}  # fmt: skip
            row["entries"] = sorted({*row["entries"], target})
            identity = json.loads(key_text)["parts"]["calculator"]
            if calculator not in (None, identity):
                raise SystemExit(f"{name}: computed with another calculator ({identity}) than the others")
            calculator = identity
        rows_before[name] = row
    shipped_crystals = list(rows_before.values())  # the earlier order, a crystal computed again in its place
    if total > MAX_TOTAL_BYTES:
        raise SystemExit(f"the shipped files hold {total} bytes, more than the {MAX_TOTAL_BYTES} allowed")
    doc = {
        "format": 1,
        "made_by": command,
        "date": datetime.date.today().isoformat(),
        "kapitza": f"{kapitza.__version__}, commit {_commit()}",
        "calculator": calculator,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.python_implementation()} "
        f"{platform.python_version()}",
        "total_packed_bytes": total,
        "crystals": shipped_crystals,
        "entries": entries,
        **{k: v for k, v in kept.items() if k.startswith("agf_pairs")},
    }
    raw = (json.dumps(doc, indent=1) + "\n").encode()
    (folder / "index.json").write_bytes(raw)
    return doc, raw


def _kept(folder: Path, add: bool) -> dict:
    """What the index of ``folder`` keeps when crystals are written again: the AGF pairs of
    ``scripts/ship_agf_pairs.py`` (their entries and rows), and with ``add`` everything (the crystals' rows and
    entries, the calculator: the crystals computed now are added, a crystal computed again gains its new entries);
    {} where there is no index."""
    path = folder / "index.json"
    if not path.exists():
        return {}
    doc = json.loads(path.read_text())
    if add:
        return doc
    entries = {d: e for d, e in doc.get("entries", {}).items() if e.get("kind") in AGF_KINDS}
    return {"entries": entries, **{k: v for k, v in doc.items() if k.startswith("agf_pairs")}}


def write(log: dict[str, dict], work: Path, command: str, add: bool = False) -> None:
    """The package's shipped folder and index (:func:`export`), the index's digest in the code and the docs page."""
    doc, raw = export(log, work, SHIPPED, command, add)
    head = DIGEST.read_text().split("INDEX_SHA256 =")[0]
    DIGEST.write_text(head + f'INDEX_SHA256 = "{hashlib.sha256(raw).hexdigest()}"\n')
    PAGE.write_text(page(doc))
    print(f"wrote {len(doc['entries'])} entries of {sum(r['outcome'] == 'computed' for r in doc['crystals'])} "
          f"crystals, {doc['total_packed_bytes'] / 1e6:.1f} MB, to {SHIPPED}")  # fmt: skip


def page(doc: dict) -> str:
    """The docs page of the shipped crystals (their provenance, from the index)."""
    calc = doc["calculator"] or {}
    lines = [
        "# The crystals kapitza ships",
        "",
        "The structure route computes each crystal's relaxation and force constants with a potential once per machine "
        "(minutes a crystal). For the crystals below, kapitza ships them, computed once with its default potential; "
        "a side whose structure, potential and settings are exactly these uses them at once "
        "(`kapitza.io.shipped`: the same key as the cache's, checked by its SHA-256 and the cache's own checks), "
        "anything else (a strained lattice, another polytype, another potential or version) is computed as before.",
        "",
        f"Made by `{doc['made_by']}` on {doc['date']} (kapitza {doc['kapitza']}; {doc['machine']}). Potential: "
        f"`{json.dumps(calc, sort_keys=True)}`. {doc['total_packed_bytes'] / 1e6:.1f} MB of package data in all "
        f"(bound: {MAX_TOTAL_BYTES / 1e6:.0f} MB).",
        "",
        "| crystal | outcome | supercell | atoms (conventional) | seconds to compute | note |",
        "|---|---|---|---:|---:|---|",
    ]
    for r in doc["crystals"]:
        cells = "x".join(str(v) for v in r["supercell"]) if r.get("supercell") else ""
        note = r.get("widened") or (r.get("why") or "")
        note = str(note).replace("|", "/")[:240]
        if r.get("added"):
            note = (f"{note}; " if note else "") + (
                f"its other form added {r['added']['date']} ({r['added']['seconds']:.0f} + "
                f"{r['added']['table_seconds'] or 0:.0f} s, beside another run)"
            )
        atoms = r.get("atoms") or ""
        lines.append(f"| {r['name']} | {r['outcome']} | {cells} | {atoms} | {r['seconds']:.0f} | {note} |")
    lines += [
        "",
        "A crystal ships in two forms where they are two cache keys: as its name resolves (`kapitza predict "
        "--calculator`; the database first) and as the crystal table records it (the validations). The same crystal "
        "built by ASE or from the table's Wyckoff positions lists its atoms in another order (Si, Ge, C, GaN, AlN, "
        "Ti), and a name the database records now resolves to its lattice (Ni, Pd, Mo, W, Nb, Mg, Zr, Ru): the other "
        "form of those was added by `--add` (the note says when).",
        "",
        "Regenerate: `PYTHONPATH=src python scripts/ship_crystals.py --write` (resumable; hours on 2 cores).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=ROOT / ".ship-crystals")
    parser.add_argument("--only", nargs="*", help="these crystals only (names of the crystal table)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds a crystal may take")
    parser.add_argument("--write", action="store_true", help="write the shipped folder, index and page")
    parser.add_argument("--add", action="store_true",
                        help="with --write: keep what the index ships and add the crystals computed now")  # fmt: skip
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    names = args.only or crystals()
    log = compute(names, args.work, args.timeout)
    if args.write:
        command = "PYTHONPATH=src python scripts/ship_crystals.py --write" + (" --add ..." if args.add else "")
        write(log, args.work, command, args.add)


if __name__ == "__main__":
    main()
