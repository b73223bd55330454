"""How a measured sample was made, in a few families: the film's deposition and the substrate's surface.

The compilation (:mod:`kapitza.literature`) gives each row's film deposition and surface treatment in the papers'
own words (33 and 89 distinct texts) and sometimes says more in its notes ("transfer", "600C annealing", "O plasma").
Two samples of one pair can differ by a factor of several: a sputtered film on a native oxide and an annealed
epitaxial one bond differently (Hopkins, ISRN Mech. Eng. 2013, 682586 (2013), reviews how deposition, surface
cleaning and annealing move the measured conductance).  Here each text is mapped, by ordered rules written out
below, to one family; a text no rule matches is *unmapped*, which the tests refuse (every text of the shipped
compilation maps, if only to ``unknown`` by a rule that says so).

Deposition families (:data:`DEPOSITIONS`):

``evaporation``
    Thermal or electron-beam evaporation, and pulsed-laser deposition (line-of-sight physical vapour, no plasma).
``sputtering``
    DC, RF, magnetron or reactive sputtering (energetic particles reach the substrate).
``epitaxy``
    Molecular-beam epitaxy (the film grows in registry with the substrate).
``chemical``
    Chemical or atomic-layer deposition: CVD, PECVD, ALD, a film grown in place by a reaction (thermal oxidation,
    "direct growth") or cast from a solution (drop-casting).
``bonding``
    Bonding or transfer: a film made elsewhere and transferred or bonded (transfer printing, surface-activated
    bonding, a transferred CVD sheet).
``exfoliation``
    A flake exfoliated from a bulk crystal.
``unknown``
    No text, or one that names none of these (zone melting by an electron beam: the film is melted and regrown).

Surface families (:data:`SURFACES`), the treatment that ends the preparation deciding where a text names several:

``ion-cleaned``
    Ion or plasma treatment: ion or Ar bombardment, RF or back-sputter etching, plasma cleaning or functionalising,
    electron cleaning, ion implantation.
``oxide-removed``
    The oxide removed by HF or a buffered oxide etch (or HCl for GaAs), a hydrogen-terminated surface, or a crystal
    cleaved in vacuum.
``annealed``
    Annealed, baked or outgassed at high temperature before (or after) the deposition.
``native-oxide``
    The surface keeps (or grows) an oxide: piranha or acid-peroxide cleans, thermal oxidation or oxygenation, a
    crystal cleaved in air, or no cleaning at all.
``solvent-cleaned``
    Solvents only (methanol, acetone, isopropanol, alcohol, pentane), rinses, sonication, a polish.
``unknown``
    No text, or one that names none of these (a polyimide or molecular coating: another interface).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..errors import InputError

__all__ = [
    "DEPOSITIONS",
    "DEPOSITION_WORDS",
    "SURFACES",
    "SURFACE_WORDS",
    "deposition_family",
    "family_option",
    "sample_families",
    "surface_family",
]

#: The deposition families, in the order of the rules' documentation.
DEPOSITIONS = ("evaporation", "sputtering", "epitaxy", "chemical", "bonding", "exfoliation", "unknown")
#: Each deposition family in words.
DEPOSITION_WORDS = {
    "evaporation": "thermal, electron-beam or pulsed-laser evaporation",
    "sputtering": "DC, RF, magnetron or reactive sputtering",
    "epitaxy": "molecular-beam epitaxy",
    "chemical": "chemical or atomic-layer deposition (CVD, ALD, grown in place, cast from a solution)",
    "bonding": "bonding or transfer",
    "exfoliation": "exfoliation",
    "unknown": "not said",
}
#: The surface families.
SURFACES = ("ion-cleaned", "oxide-removed", "annealed", "native-oxide", "solvent-cleaned", "unknown")
#: Each surface family in words.
SURFACE_WORDS = {
    "ion-cleaned": "ion- or plasma-cleaned",
    "oxide-removed": "oxide removed (HF, buffered oxide etch) or cleaved in vacuum",
    "annealed": "annealed, baked or outgassed",
    "native-oxide": "native or grown oxide kept",
    "solvent-cleaned": "solvent-cleaned",
    "unknown": "not said",
}

#: (pattern, family) in order: the first pattern found in the lower-cased text decides.
_DEPOSITION_RULES: tuple[tuple[str, str], ...] = (
    (r"zone-melting", "unknown"),
    (r"transfer|bonding", "bonding"),
    (r"exfoliat", "exfoliation"),
    (r"\bmbe\b|epitax|molecular.beam", "epitaxy"),
    (r"\bald\b|atomic.layer|\bcvd\b|pecvd|chemical.vapou?r|drop-cast|oxidi[sz]ed|annealing of|direct growth",
     "chemical"),
    (r"sput+(er|ing)|magnetron|megnetron", "sputtering"),
    (r"evapor|e-beam|electron.beam|pulsed.laser", "evaporation"),
)  # fmt: skip
_SURFACE_RULES: tuple[tuple[str, str], ...] = (
    (r"polyimide|mdpa|monolayer", "unknown"),
    (r"plasma|ion clean|\bions?\b|bombard|rf.etch|rf-etch|backsputter|presputter|electron cleaned|implant",
     "ion-cleaned"),
    (r"\bhf\b|buffered oxide|\bboe\b|oxide etch|oxide of the wafer was removed|hydrochloric|hydrogen treatment|"
     r"vacuum-cleaved", "oxide-removed"),
    (r"thermally oxidi[sz]ed|oxygenation", "native-oxide"),
    (r"an+a?ea?l|bake|baked|outgas", "annealed"),  # anneal, and the compilation's aneal, anaeal
    (r"piranha|h2so4|oxidi[sz]ed|oxygenation|air-cleaved|as-cleaved|no cleaning", "native-oxide"),
    (r"methanol|acetone|isopropanol|isopropyl|alcohol|ethanol|trichloroethylene|pentane|sonicat|rins|polish|clean",
     "solvent-cleaned"),
)  # fmt: skip


def _family(text: str, rules: Sequence[tuple[str, str]]) -> str | None:
    """The family of the first rule whose pattern ``text`` holds; "unknown" for a blank text; None where no rule
    matches (an unmapped text)."""
    words = " ".join(str(text).split()).lower()
    if not words:
        return "unknown"
    for pattern, family in rules:
        if re.search(pattern, words):
            return family
    return None


def deposition_family(text: str, notes: str = "") -> str | None:
    """The deposition family of a row (:data:`DEPOSITIONS`) from its ``film_deposition`` text, or from its notes
    where that is blank ("transfer", "direct growth"); None where a text matches no rule."""
    found = _family(text, _DEPOSITION_RULES)
    if found == "unknown" and not str(text).strip() and notes:
        from_notes = _family(notes, _DEPOSITION_RULES)
        return from_notes if from_notes is not None else "unknown"
    return found


def surface_family(text: str, notes: str = "") -> str | None:
    """The surface family of a row (:data:`SURFACES`) from its ``surface_treatment`` text, or from its notes where
    that is blank ("600C annealing", "O plasma"); None where a text matches no rule."""
    found = _family(text, _SURFACE_RULES)
    if found == "unknown" and not str(text).strip() and notes:
        from_notes = _family(notes, _SURFACE_RULES[:-1])  # notes are not cleaning recipes: no solvent words there
        return from_notes if from_notes is not None else "unknown"
    return found


def sample_families(
    deposition: Sequence[str], surface: Sequence[str], notes: Sequence[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The deposition and surface family of every row; InputError naming the texts no rule maps."""
    dep = [deposition_family(d, n) for d, n in zip(deposition, notes, strict=True)]
    sur = [surface_family(s, n) for s, n in zip(surface, notes, strict=True)]
    bad = sorted({d for d, f in zip(deposition, dep) if f is None} | {s for s, f in zip(surface, sur) if f is None})
    if bad:
        raise InputError(f"{len(bad)} sample text(s) map to no family: {', '.join(repr(b[:60]) for b in bad[:5])}")
    return tuple(dep), tuple(sur)  # type: ignore[arg-type]


def family_option(value: str | None, families: Sequence[str], option: str) -> str:
    """A family a user names (``--deposition epitaxy``, ``surface="annealed"``; case and spaces ignored), "unknown"
    for None; InputError naming the families otherwise."""
    if value is None:
        return "unknown"
    if not isinstance(value, str):
        raise InputError(f"{option} must be one of {', '.join(families)}, got {value!r}")
    key = "-".join(value.strip().lower().replace("_", " ").split())
    aliases = {"plasma-cleaned": "ion-cleaned", "ion-or-plasma-cleaned": "ion-cleaned", "solvent": "solvent-cleaned",
               "oxide": "native-oxide", "hf": "oxide-removed", "transfer": "bonding", "cvd": "chemical",
               "ald": "chemical", "mbe": "epitaxy", "evaporated": "evaporation", "sputtered": "sputtering"}  # fmt: skip
    key = aliases.get(key, key)
    if key not in families:
        shown = value if len(value) <= 40 else value[:37] + "..."
        raise InputError(f"{option} {shown!r} is none of the families: {', '.join(families)}")
    return key
