"""The notes of a prediction: where its temperatures leave the models' ground (T = 0, above a melting point, a
solid in liquid helium, a metal's room-temperature electron data at low T) and the shipped values it used that were
not checked against their source, each with its stated uncertainty.  Sentences about the physics, computed from the
materials and temperatures (what :attr:`~kapitza.prediction.answer.Prediction.notes` holds); the words that present
an answer are :mod:`kapitza.prediction.presenter`'s.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from ..materials import Material
from ..materials.electrons import list_electron_metals
from ..phonons.debye import SINE_CUTOFFS
from .interface import SERIES_KINDS, interface_kind
from .settings import Settings

__all__ = [
    "KAPITZA_ANOMALY_REFERENCE",
    "cryogenic_notes",
    "physics_notes",
    "unchecked_material_notes",
    "unchecked_notes",
    "validity_notes",
]


def physics_notes(m1: Material, m2: Material, temperature: NDArray[np.float64], settings: Settings) -> tuple[str, ...]:
    """The notes of a pair's physics (:attr:`~kapitza.prediction.answer.Prediction.notes`): where the temperatures (K)
    leave the models' ground (:func:`validity_notes`), a solid/helium range not shown (the AMM takes linear Debye
    spectra only), and the shipped values used that were not checked against their source (:func:`unchecked_notes`)."""
    no_range: tuple[str, ...] = ()
    linear = settings.dispersion == "debye" and settings.cutoff not in SINE_CUTOFFS
    if not linear and m1.is_fluid != m2.is_fluid:
        no_range = (
            "solid/helium: the expected range from the DMM to the AMM needs linear Debye spectra (cutoff branch or "
            "debye; the AMM is a continuum model), so it is not shown",
        )
    return validity_notes(m1, m2, temperature) + no_range + unchecked_notes(m1, m2, settings.cutoff)


#: The review of the Kapitza anomaly that the solid/helium notes cite.
KAPITZA_ANOMALY_REFERENCE = "G. L. Pollack, Rev. Mod. Phys. 41, 48 (1969)"


def cryogenic_notes(m1: Material, m2: Material, temperature: NDArray[np.float64]) -> list[str]:
    """Caveats of a solid/liquid-helium interface and of room-temperature electron data at low T."""
    notes = []
    fluid = [m for m in (m1, m2) if m.is_fluid]
    if fluid and not all(m.is_fluid for m in (m1, m2)):
        notes.append(
            "solid/helium: measured Kapitza resistances above about 0.1 K are several times lower than the acoustic "
            f"mismatch model gives (the Kapitza anomaly; {KAPITZA_ANOMALY_REFERENCE}): read the AMM R as the upper "
            "end of the expected range and the DMM R as the lower end, not as a prediction of a real surface"
        )
        if np.any(temperature >= 1.0):
            notes.append(
                f"{fluid[0].name} above 1 K: its entropy already grows as T^5.7 at 1.5 K, not as the phonon T^3 "
                "(the stored heat capacity's source, Donnelly and Barenghi 1998): rotons hold much of the heat, and "
                "the models here treat the liquid as a phonon gas"
            )
    series = interface_kind(m1, m2) in SERIES_KINDS  # where g and kappa_p enter
    for m in (m1, m2) if series else ():
        if m.name in list_electron_metals() and not m.is_fluid and np.any(temperature < m.debye_temperature / 10.0):
            notes.append(
                f"below {m.debye_temperature / 10.0:.3g} K (a tenth of the Debye temperature of {m.name}) the "
                "electron-phonon numbers use room-temperature g and kappa_p: the coupling of a metal falls steeply on "
                "cooling, so R_ep there is not a prediction"
            )
    return notes


def unchecked_material_notes(
    conducting: Sequence[Material], electronic: Sequence[Material], where: str = "the Kapitza lengths L_K"
) -> tuple[str, ...]:
    """Notes for the shipped kappa(T) tables of ``conducting`` and the electron data of the metals among
    ``electronic`` that were not checked against their source, with their stated uncertainty; ``where`` names
    what the kappa(T) values enter."""
    from ..materials.conductivity import conductivity_table, uses_conductivity_table
    from ..materials.electrons import get_electrons

    notes: list[str] = []
    for m in dict.fromkeys(electronic):
        if m.origin == "database" and m.name in list_electron_metals():
            loose = dict(get_electrons(m).unchecked or {})
            if loose:
                shown = ", ".join(f"{k} +-{100 * v:g} %" for k, v in loose.items())
                notes.append(
                    f"{m.name}'s electron data were not checked against their sources ({shown}, stated): its "
                    "electron-phonon conductance carries that uncertainty (G_ep = sqrt(g kappa_p): half of each)"
                )
    for m in dict.fromkeys(conducting):
        if uses_conductivity_table(m) and conductivity_table(m).unchecked:
            notes.append(
                f"the kappa(T) table of {m.name} was not checked against its source (+-"
                f"{100 * conductivity_table(m).unchecked:g} %, stated): {where} carry it"
            )
    return tuple(notes)


def unchecked_notes(m1: Material, m2: Material, cutoff: str = "") -> tuple[str, ...]:
    """One note per shipped value this prediction uses that was not checked against its source, with its stated
    uncertainty: a metal's g and kappa_p (electron-phonon conductance, beside a non-metal), a kappa(T) table
    (Kapitza lengths), the zone-boundary frequencies (cutoff "sine-zb")."""
    from ..materials.zone_boundary import list_zone_boundaries

    # g and kappa_p enter only the series electron-phonon conductance of a metal beside a non-metal (two metals
    # take the electronic DMM's Sommerfeld coefficients and Fermi velocities, which are not of that kind)
    series = interface_kind(m1, m2) in SERIES_KINDS
    notes = list(unchecked_material_notes((m1, m2), (m1, m2) if series else ()))
    if cutoff == "sine-zb":
        zb = {z.material: z for z in list_zone_boundaries()}
        for m in (m1, m2):
            if m.name in zb and zb[m.name].unchecked:
                notes.append(
                    f"the zone-boundary frequencies of {m.name} (cutoff sine-zb) were not checked against their "
                    f"source (+-{100 * zb[m.name].unchecked:g} %, stated)"
                )
    return tuple(notes)


def validity_notes(m1: Material, m2: Material, temperature: NDArray[np.float64]) -> tuple[str, ...]:
    """Plain-language notes where the temperatures (K) leave the ground of the models: T = 0 (nothing is
    populated), T above a side's melting point (the models are of the solid)."""
    notes = []
    if np.any(temperature == 0.0):
        notes.append("at T = 0 K no phonon is populated: G = 0 and R is infinite (G falls as T^3 at low T)")
    notes += cryogenic_notes(m1, m2, temperature)
    for m in (m1, m2):
        melt = m.melting_temperature
        if melt is not None and np.any(temperature > melt):
            hot = temperature[temperature > melt]
            shown = f"{hot.min():g} K" if hot.size == 1 else f"{hot.min():g}-{hot.max():g} K"
            notes.append(
                f"{shown} is above the melting point of {m.name} ({melt:g} K at 1 atm): the models here describe "
                "the solid, so these numbers are not a prediction for the melt"
            )
    return tuple(notes)
