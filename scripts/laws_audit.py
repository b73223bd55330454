"""Count where the expected measurement breaks the laws of its physics (issue 83): run before and after a change,
the counts go into the closing note and the calibration page.

Run: PYTHONPATH=src python scripts/laws_audit.py [--json OUT]

Counts, over every pair of the database's solids (both orders), temperatures 20-800 K every 2 K:

* reciprocity: pairs whose expected value (or band) differs by more than 1 % between the two orders at some T;
* no value: pairs with no finite expected value at some T (an InputError, or a NaN);
* steps: pairs whose value steps by more than 5 % between two temperatures 2 K apart beyond what the steepest law
  of the physics allows there (Debye's T^3: |d ln G| <= 3 |d ln T| + ln 1.05; either order);
* wide bands: pairs whose band is wider than x10 (high/low) at some T, and of those the ones whose notes do not
  say why;

and over stacks (metal or dielectric / film / substrate, films a-SiO2, a-Al2O3, Ti, Cr, SiO2 at 0.5 nm - 10 um,
300 K):

* thickness: stacks whose value rises by more than 1 % as the film thickens beyond the thin-layer regime
  (d >= 9 lambda, lambda the film's dominant phonon wavelength), or lies above the film's own conductance
  kappa(d, T) / d.

Nothing here is timed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys

import numpy as np

from kapitza.errors import KapitzaError
from kapitza.materials import list_materials
from kapitza.prediction.expected import expected_conductance

T = np.arange(20.0, 801.0, 2.0)
FILMS = ("a-SiO2", "a-Al2O3", "Ti", "Cr", "SiO2")
OUTER = (("Al", "Si"), ("Au", "Si"), ("GaN", "C"), ("Al", "GaN"), ("Al", "Al2O3"), ("Pt", "Al2O3"), ("Au", "SiO2"))
THICKNESS_NM = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 1000.0, 10000.0)


def _solids() -> list[str]:
    return sorted(m.name for m in list_materials() if not m.is_fluid)


def _query(a: str, b: str, t: np.ndarray, **kw):
    try:
        return expected_conductance(a, b, t, **kw)
    except KapitzaError as exc:
        return str(exc)


def pairs() -> dict:
    out = {"pairs": 0, "reciprocity": [], "no_value": [], "withheld": [], "steps": [], "wide": [], "wide_unsaid": []}
    for a, b in itertools.combinations(_solids(), 2):
        out["pairs"] += 1
        ab, ba = _query(a, b, T), _query(b, a, T)
        for name, e in ((f"{a}/{b}", ab), (f"{b}/{a}", ba)):
            if isinstance(e, str) and "electrons carry the heat" in e:
                out["withheld"].append(name)  # by design: a metal/metal pair whose electrons kapitza has no record of
                continue
            if isinstance(e, str) or not np.all(np.isfinite(e.value) & (e.value > 0)):
                out["no_value"].append(name)
                continue
            v = np.asarray(e.value)
            jump = np.abs(np.diff(np.log(v))) - 3 * np.diff(np.log(T))
            if np.any(jump > math.log(1.05)):
                k = int(np.argmax(jump))
                out["steps"].append(f"{name} {T[k]:g}->{T[k + 1]:g} K x{v[k + 1] / v[k]:.3f}")
            width = np.asarray(e.high) / np.asarray(e.low)
            if np.any(width > 10):
                out["wide"].append(name)
                if not any("wider than x10" in n for n in e.notes):
                    out["wide_unsaid"].append(name)
        if isinstance(ab, str) or isinstance(ba, str):
            continue
        apart = max(float(np.max(np.abs(getattr(ab, f) / getattr(ba, f) - 1))) for f in ("value", "low", "high"))
        if apart > 0.01:
            out["reciprocity"].append(f"{a}/{b} x{apart + 1:.3f}")
    return out


def stacks() -> dict:
    from kapitza.materials import get_material
    from kapitza.prediction.interlayer.film import film_conductivity
    from kapitza.prediction.interlayer.layers import layer_of
    from kapitza.prediction.interlayer.series import dominant_wavelength

    out = {"stacks": 0, "rises": [], "above_film": [], "refused": []}
    t = np.array([300.0])
    for (a, b), film in itertools.product(OUTER, FILMS):
        out["stacks"] += 1
        layer = layer_of(film, 1e-9)
        name = get_material(layer.material).name
        lam = float(dominant_wavelength(name, t)[0])
        values = []
        for d_nm in THICKNESS_NM:
            e = _query(a, b, t, interlayers=[f"{film}:{d_nm}nm"])
            if isinstance(e, str):
                out["refused"].append(f"{a}/{film}/{b}: {e[:80]}")
                break
            g = float(e.value[0])
            values.append((d_nm * 1e-9, g))
            form = "amorphous" if layer.form == "amorphous" else "crystal"
            kappa = float(film_conductivity(name, d_nm * 1e-9, t, form).kappa[0])
            if math.isfinite(kappa) and g > kappa / (d_nm * 1e-9) * (1 + 1e-9):
                out["above_film"].append(f"{a}/{film}:{d_nm:g}nm/{b} {g / 1e6:.3g} > {kappa / d_nm / 1e-3:.3g} MW")
        for (d0, g0), (d1, g1) in zip(values, values[1:]):
            if d0 >= 9 * lam and g1 > g0 * 1.01:
                out["rises"].append(f"{a}/{film}/{b} {d0 * 1e9:g}->{d1 * 1e9:g} nm: {g0 / 1e6:.3g}->{g1 / 1e6:.3g}")
                break
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", default="")
    args = parser.parse_args(argv)
    found = {"pairs": pairs(), "stacks": stacks()}
    p, s = found["pairs"], found["stacks"]
    print(f"pairs of database solids: {p['pairs']}")
    print(f"  reciprocity broken (> 1 %): {len(p['reciprocity'])}  e.g. {p['reciprocity'][:4]}")
    print(f"  orders without a value at some T: {len(p['no_value'])}  e.g. {p['no_value'][:4]}")
    print(f"  orders withheld by design (metal/metal, electrons unrecorded): {len(p['withheld'])}")
    print(f"  orders with a step > 5 % over 2 K: {len(p['steps'])}  e.g. {p['steps'][:4]}")
    print(f"  orders with a band wider than x10: {len(p['wide'])}, not said why: {len(p['wide_unsaid'])}")
    print(f"stacks at 300 K: {s['stacks']}")
    print(f"  rising with thickness beyond the thin regime: {len(s['rises'])}  e.g. {s['rises'][:4]}")
    print(f"  above the film's own conductance: {len(s['above_film'])}  e.g. {s['above_film'][:4]}")
    print(f"  refused: {len(s['refused'])}  e.g. {s['refused'][:2]}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(found, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
