"""What kind of interface two materials make, and the electronic parts of its conductance.

A material is a *metal* here when kapitza ships electron data for it
(:func:`kapitza.materials.electrons.list_electron_metals`: Al, Cu, Ag, Au, Pt, Pb, Ti, Cr);
the database has no other metal flag, and the semimetal Bi is left out on purpose (neither the
Sommerfeld nor the free-electron picture describes its few carriers).  A material outside the database
made of one metallic element (a crystal derived from its structure: W, Sn, Ir ...; pymatgen's classification,
:func:`kapitza.materials.electrons.metallic_elements`) is a metal too, one without electron data: its pairs
with a non-metal are phonon models only, and with another metal there is no prediction (the electronic DMM
needs data it lacks), rather than phonon numbers for what electrons carry.

* metal / non-metal (either order): only phonons cross, but in the metal the heat is carried by
  electrons, which must first hand it to the metal's phonons.  That adds the electron-phonon
  resistance R_ep = 1/sqrt(g kappa_p) (A. Majumdar and P. Reddy, Appl. Phys. Lett. 84, 4768 (2004);
  with the two-temperature factor (1 + kappa_p/kappa_e)^(3/2), see
  :mod:`kapitza.transmission.electronic`) in series with each phonon model's resistance:
  G_total = 1/(1/G_ph + 1/G_ep).
* metal / metal: electrons cross directly; the electronic diffuse mismatch model (B. C. Gundrum,
  D. G. Cahill and R. S. Averback, Phys. Rev. B 72, 245426 (2005)) gives G, and the phonon models
  describe only the (smaller, parallel) phonon channel.
* non-metal / non-metal: the phonon models are the whole story.

g and kappa_p are room-temperature values: G_ep is the same number at every temperature.
The two-temperature profiles T_e(x), T_p(x) in the metal are :meth:`ElectronicParts.profile`
(or :func:`kapitza.transmission.electronic.two_temperature_profile`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import _checks
from ..errors import InputError
from ..io.results import result
from ..landauer import as_temperatures
from ..materials import Material, get_material
from ..materials.electrons import ELECTRON_BOUNDS, list_electron_metals, metal_without_electron_data
from ..materials.electrons import get_electrons as _get_electrons
from ..transmission.electronic import (
    ElectronicDMMResult,
    TwoTemperatureProfile,
    electron_phonon_conductance,
    electronic_dmm,
    metal_electron_phonon_conductance,
    series_conductance,
    two_temperature_profile,
)

__all__ = [
    "ELECTRON_PHONON_REFERENCE",
    "ELECTRONIC_DMM_REFERENCE",
    "INTERFACE_KINDS",
    "SERIES_KINDS",
    "ElectronicParts",
    "electronic_parts",
    "interface_kind",
    "is_metal",
]

#: The four kinds, side 1 first.
INTERFACE_KINDS = ("metal/non-metal", "non-metal/metal", "metal/metal", "non-metal/non-metal")
#: The kinds with a metal beside a non-metal: where the electron-phonon resistance (g, kappa_p) is in series.
SERIES_KINDS = INTERFACE_KINDS[:2]
#: What the electronic DMM of two metals needs of each.
ELECTRONIC_DMM_FIELDS = ("sommerfeld_gamma", "fermi_velocity")
ELECTRON_PHONON_REFERENCE = "A. Majumdar and P. Reddy, Appl. Phys. Lett. 84, 4768 (2004)"
ELECTRONIC_DMM_REFERENCE = "B. C. Gundrum, D. G. Cahill and R. S. Averback, Phys. Rev. B 72, 245426 (2005)"

MaterialLike = str | os.PathLike[str] | Material


def is_metal(material: MaterialLike) -> bool:
    """True if kapitza ships electron data for ``material`` (a name, alias, file or :class:`Material`), or it is a
    material outside the database made of one metallic element
    (:func:`~kapitza.materials.electrons.metal_without_electron_data`: a metal whose electrons no model here can
    describe, so that a pair of two metals is not scored as if phonons carried its heat)."""
    m = get_material(material)
    return m.name in list_electron_metals() or metal_without_electron_data(m)


def interface_kind(side1: MaterialLike, side2: MaterialLike) -> str:
    """``"metal/non-metal"``, ``"non-metal/metal"``, ``"metal/metal"`` or ``"non-metal/non-metal"``, side 1 first.

    Parameters
    ----------
    side1, side2 : str, os.PathLike or Material
        The two materials (anything :func:`kapitza.materials.get_material` accepts).
    """
    words = ("metal" if is_metal(m) else "non-metal" for m in (side1, side2))
    return "/".join(words)


@result
class ElectronicParts:
    """The electronic parts of an interface's conductance beside the phonon models' values.

    Attributes
    ----------
    kind : str
        One of :data:`INTERFACE_KINDS`.
    side1, side2 : str
        Material names, heat flowing 1 -> 2.
    temperature : ndarray, shape (n_T,)
        K.
    models : tuple of str, length n_models
        The phonon models, in the order of the rows of ``phonon`` and ``total``.
    phonon : ndarray, shape (n_models, n_T)
        G_ph of each phonon model, W m^-2 K^-1, as given.
    metal : str or None
        The metal side of a metal/non-metal interface (None otherwise).
    electron_phonon : float or None
        G_ep of that metal, W m^-2 K^-1 (None: not metal/non-metal, or g or kappa_p not stored).
    coupling, kappa_phonon, kappa_electron : float or None
        g (W m^-3 K^-1), kappa_p and kappa_e = kappa - kappa_p (W m^-1 K^-1) of the metal, where known.
    total : ndarray, shape (n_models, n_T), or None
        1/(1/G_ph + 1/G_ep), W m^-2 K^-1 (0 where G_ph = 0, e.g. at T = 0).
    limited_by : tuple of tuple of str
        Per model and temperature, ``"electron-phonon"`` (G_ep < G_ph) or ``"phonon"``; empty without ``total``.
    electronic_dmm : ElectronicDMMResult or None
        The electronic DMM of a metal/metal interface (None otherwise, or where gamma or v_F is missing).
    missing : str
        Why an electronic part that applies could not be computed ("" when nothing is missing).
    """

    kind: str
    side1: str
    side2: str
    temperature: NDArray[np.float64]
    models: tuple[str, ...]
    phonon: NDArray[np.float64]
    metal: str | None = None
    electron_phonon: float | None = None
    coupling: float | None = None
    kappa_phonon: float | None = None
    kappa_electron: float | None = None
    total: NDArray[np.float64] | None = None
    limited_by: tuple[tuple[str, ...], ...] = ()
    electronic_dmm: ElectronicDMMResult | None = None
    missing: str = ""

    _summary_fields: ClassVar[tuple[str, ...]] = ("kind", "side1", "side2", "temperature", "electron_phonon")

    def __post_init__(self) -> None:
        """The parts hold together (also for parts loaded from a file): one row of G_ph per model at the
        temperatures, and the series total the series of those rows with G_ep, to round-off."""
        if self.kind not in INTERFACE_KINDS:
            raise InputError(f"kind must be one of {', '.join(INTERFACE_KINDS)}, got {_checks.quoted(str(self.kind))}")
        t = _checks.positive_array(self.temperature, "temperature", "K", zero=True, ndim=1)
        _checks.labels(self.models, "models")
        shape = (len(self.models), t.size)
        gph = _checks.sized(self.phonon, "phonon", shape)
        if not np.all(np.isfinite(gph) & (gph >= 0)):
            raise InputError("phonon must hold finite conductances >= 0, W m^-2 K^-1")
        if self.total is None:
            return
        total = _checks.sized(self.total, "total", shape)
        if self.electron_phonon is None or not (math.isfinite(self.electron_phonon) and self.electron_phonon > 0):
            raise InputError("a series total needs the metal's electron-phonon conductance G_ep > 0")
        expected = np.zeros_like(gph)
        positive = gph > 0
        expected[positive] = series_conductance(gph[positive], self.electron_phonon)
        if not np.allclose(total, expected, rtol=1e-9, atol=0.0):
            raise InputError("total must be 1/(1/G_ph + 1/G_ep) of the phonon rows and G_ep (it is not: altered?)")

    def total_of(self, model: str) -> NDArray[np.float64]:
        """G_total of one phonon model, W m^-2 K^-1, shape (n_T,); InputError if there is none."""
        if self.total is None:
            raise InputError(f"{self.side1}/{self.side2} has no series total ({self.missing or self.kind})")
        if model not in self.models:
            raise InputError(f"model {model!r} is not among {', '.join(self.models)}")
        return self.total[self.models.index(model)]

    @property
    def electron_phonon_resistance(self) -> float | None:
        """R_ep = 1/G_ep, m^2 K W^-1 (None without G_ep)."""
        return None if self.electron_phonon is None else 1.0 / self.electron_phonon

    @property
    def two_temperature_factor(self) -> float | None:
        """G_ep / sqrt(g kappa_p) = (1 + kappa_p/kappa_e)^(3/2), the two-temperature correction of the metal
        (:func:`kapitza.transmission.electronic.electron_phonon_conductance`); None where kappa_e is not known."""
        if self.electron_phonon is None or self.coupling is None or self.kappa_electron is None:
            return None
        return self.electron_phonon / electron_phonon_conductance(self.coupling, self.kappa_phonon)

    @property
    def electronic_dmm_resistance(self) -> NDArray[np.float64] | None:
        """1/G of the electronic DMM, m^2 K W^-1, shape (n_T,) (inf where G = 0, e.g. at T = 0), or None."""
        if self.electronic_dmm is None:
            return None
        g = self.electronic_dmm.conductance
        return np.divide(1.0, g, out=np.full(g.shape, np.inf), where=g > 0)

    @property
    def resistance_total(self) -> NDArray[np.float64] | None:
        """1/G_total, m^2 K W^-1, shape (n_models, n_T) (inf where G_total = 0), or None."""
        if self.total is None:
            return None
        with np.errstate(divide="ignore"):  # G = 0 (T = 0): R = inf is the correct IEEE result
            return 1.0 / self.total

    def profile(self, x: ArrayLike, heat_flux: float, reference_temperature: float = 300.0) -> TwoTemperatureProfile:
        """Electron and phonon temperatures in the metal near the interface (the two-temperature model).

        Parameters
        ----------
        x : array_like, shape (n,)
            Depths into the metal from the interface, m (>= 0).
        heat_flux : float
            W m^-2 towards the interface.
        reference_temperature : float
            K, the far-field temperature line extrapolated to the interface.
        """
        if self.coupling is None or self.kappa_phonon is None or self.kappa_electron is None:
            raise InputError(
                f"no two-temperature profile for {self.side1}/{self.side2}: "
                + (self.missing or "it needs a metal/non-metal interface with g, kappa_p and kappa_e of the metal")
            )
        return two_temperature_profile(
            x, heat_flux, self.coupling, self.kappa_electron, self.kappa_phonon, reference_temperature
        )


def _phonon_table(
    temperature: NDArray[np.float64], phonon_results: Sequence[Any]
) -> tuple[tuple[str, ...], NDArray[np.float64]]:
    """(model names, G_ph of shape (n_models, n_T)) from results with .model, .temperature, .conductance."""
    names, rows = [], []
    for r in phonon_results:
        try:
            name, t, g = str(r.model), np.asarray(r.temperature, float), np.asarray(r.conductance, float)
        except AttributeError:
            raise InputError(
                "phonon_results= must be results of kapitza.prediction.predict_model (with model, temperature and "
                "conductance), "
                f"got {type(r).__name__}"
            ) from None
        if t.shape != temperature.shape or not np.array_equal(t, temperature):
            raise InputError(f"phonon result {name!r} is at other temperatures than temperature=")
        if g.shape != t.shape or not np.all(np.isfinite(g)) or np.any(g < 0):
            raise InputError(f"phonon result {name!r}: conductance must be finite and >= 0, one per temperature")
        names.append(name)
        rows.append(g)
    return tuple(names), np.array(rows, dtype=float).reshape(len(rows), temperature.size)


def _electron_data(metal: Material | str) -> Any:
    """The shipped electron data of a metal (a :class:`Material` or its name), or None for a metal without any
    (:func:`is_metal`)."""
    name = metal if isinstance(metal, str) else metal.name
    return _get_electrons(metal) if name in list_electron_metals() else None


def lacking_electron_data(
    metals: Sequence[str | Material], fields: tuple[str, ...] = ELECTRONIC_DMM_FIELDS
) -> tuple[str, ...]:
    """The metals (by name) among ``metals`` (names, or records taken as they are) with no shipped electron data or
    without one of ``fields``."""
    lacking = []
    for name, metal in {m if isinstance(m, str) else m.name: m for m in metals}.items():
        data = _electron_data(metal)
        if data is None or any(getattr(data, f) is None for f in fields):
            lacking.append(name)
    return tuple(lacking)


def _missing(metal: str, data: Any, fields: tuple[str, ...], what: str) -> str:
    if data is None:
        return f"{what} cannot be computed: no electron data is stored for {metal} (a metal by its element)"
    absent = [f"{ELECTRON_BOUNDS[f][3]} ({f})" for f in fields if getattr(data, f) is None]
    if not absent:
        return ""
    return f"{what} cannot be computed: no {' and no '.join(absent)} is stored for {metal}"


def electronic_parts(
    side1: MaterialLike, side2: MaterialLike, temperature: ArrayLike, phonon_results: Sequence[Any] = ()
) -> ElectronicParts:
    """The electronic parts of the conductance of ``side1`` -> ``side2`` beside the phonon models' results.

    Parameters
    ----------
    side1, side2 : str, os.PathLike or Material
        The two materials (heat flows 1 -> 2).
    temperature : float or array_like, shape (n_T,)
        K, each finite and >= 0.
    phonon_results : sequence of ConductanceResult
        Results of :func:`kapitza.predict` for this pair at exactly these temperatures (any models).

    Returns
    -------
    ElectronicParts
        For metal/non-metal: G_ep, the series total per model and what limits it; for metal/metal: the
        electronic DMM; for non-metal/non-metal: the phonon values only.  Missing electron data do not
        raise: ``missing`` says what could not be computed and why.

    Raises
    ------
    InputError
        Unknown material, a bad temperature, or phonon results at other temperatures.
    """
    m1, m2 = get_material(side1), get_material(side2)
    t = as_temperatures(temperature)
    models, gph = _phonon_table(t, phonon_results)
    kind = interface_kind(m1, m2)
    common: dict[str, Any] = {"kind": kind, "side1": m1.name, "side2": m2.name, "temperature": t}
    common |= {"models": models, "phonon": gph}
    if kind == "metal/metal":
        missing = " ".join(
            _missing(m.name, _electron_data(m), ELECTRONIC_DMM_FIELDS, "the electronic DMM") for m in (m1, m2)
        ).strip()
        if missing:
            return ElectronicParts(**common, missing=missing)
        # G is linear in T (Gundrum et al.): evaluate at 1 K and scale, so that T = 0 gives G = 0 exactly.
        unit = electronic_dmm(m1, m2, 1.0)
        edmm = ElectronicDMMResult(
            metals=unit.metals,
            temperature=t,
            conductance=float(unit.conductance[0]) * t,
            transmission_12=unit.transmission_12,
        )
        return ElectronicParts(**common, electronic_dmm=edmm)
    if kind == "non-metal/non-metal":
        return ElectronicParts(**common)
    metal = m1 if kind == "metal/non-metal" else m2
    data = _electron_data(metal)
    fields = ("electron_phonon_coupling", "lattice_thermal_conductivity")
    missing = _missing(metal.name, data, fields, "the electron-phonon conductance G_ep")
    if missing:
        return ElectronicParts(**common, metal=metal.name, missing=missing)
    gep = metal_electron_phonon_conductance(metal)
    total = np.zeros_like(gph)
    positive = gph > 0
    if np.any(positive):
        total[positive] = series_conductance(gph[positive], gep)
    kappa = metal.thermal_conductivity
    kappa_p = float(data.lattice_thermal_conductivity)
    return ElectronicParts(
        **common,
        metal=metal.name,
        electron_phonon=gep,
        coupling=float(data.electron_phonon_coupling),
        kappa_phonon=kappa_p,
        kappa_electron=float(kappa - kappa_p) if kappa is not None and kappa > kappa_p else None,
        total=total,
        limited_by=tuple(tuple("electron-phonon" if gep < g else "phonon" for g in row) for row in gph),
    )
