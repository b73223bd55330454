r"""A layer's own resistance across its thickness: R = d / kappa_film(d, T).

Three forms (:data:`kapitza.literature.stacks.FORMS`):

**A crystal film** conducts with its bulk kappa(T) (the database's table) reduced by its boundaries.  Across a
film of thickness d whose carriers have a gray mean free path Lambda, the equation of phonon radiative transfer
gives, between the diffusive (d >> Lambda) and the ballistic (d << Lambda) limits,

.. math::  \kappa_\mathrm{film} = \frac{\kappa_\mathrm{bulk}}{1 + \frac{4}{3}\Lambda/d}

(A. Majumdar, "Microscale heat conduction in dielectric thin films", J. Heat Transfer 115, 7 (1993), the
acoustically thin-to-thick interpolation for transport across the film).  The gray mean free path is the
kinetic-theory one, Lambda = 3 kappa / (C v) (e.g. Kittel, *Introduction to Solid State Physics*, 8th ed.,
ch. 5): for a dielectric C is the Debye heat capacity of the atoms (number density n, Debye temperature Theta_D)
and v the Debye-averaged sound speed, 3/v^3 = 1/v_L^3 + 2/v_T^3; for a metal with electron data the carriers are
the electrons, C = gamma T (Sommerfeld) and v the Fermi velocity; a metal without them keeps its bulk kappa (the
boundary reduction not applied, said).

**An amorphous film** conducts at its amorphous limit, the minimum thermal conductivity of Cahill, Watson and
Pohl, Phys. Rev. B 46, 6131 (1992), Eq. (5): each of the three acoustic branches (one longitudinal, two transverse,
speeds v_i) contributes

.. math::  \kappa_\mathrm{min} = \left(\frac{\pi}{6}\right)^{1/3} k_B\, n^{2/3} \sum_i v_i
           \left(\frac{T}{\Theta_i}\right)^2 \int_0^{\Theta_i/T} \frac{x^3 e^x}{(e^x - 1)^2}\,dx,
           \qquad \Theta_i = v_i \frac{\hbar}{k_B} (6\pi^2 n)^{1/3},

with n the atomic number density; the amorphous layer takes the density and sound speeds of the database record
it maps onto (the crystal's for a-Al2O3, a-Si, a-Ge: an approximation the layer's note says).  Its mean free path
is the interatomic spacing, so its thickness does not change kappa.

**A layer of atomic thickness** (a 2D crystal, a termination, a self-assembled monolayer) has no bulk: no own
resistance here (zero), its whole effect lies in its two interfaces and in its family
(:mod:`kapitza.prediction.interlayer.series`).

Units: m, K, W m^-1 K^-1, m^2 K W^-1.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ... import _checks
from ...errors import InputError
from ...io.results import result
from ...materials import Material, get_material
from ...units import HBAR, KB

__all__ = [
    "FilmConductivity",
    "amorphous_limit",
    "debye_heat_capacity",
    "film_conductivity",
    "gray_mean_free_path",
]


def _integral(upper: float, power: int) -> float:
    """int_0^upper x^power e^x / (e^x - 1)^2 dx (power 3: the amorphous limit's; 4: Debye's heat capacity)."""
    if upper <= 0:
        return 0.0

    def f(x: float) -> float:
        if x < 1e-8:
            return x ** (power - 2)
        ex = math.exp(-x)
        return x**power * ex / (1.0 - ex) ** 2

    from scipy import integrate  # here, not at import: scipy.integrate costs 0.3 s of every command's start

    return float(integrate.quad(f, 0.0, upper, limit=200)[0])


def _temperatures(temperature: ArrayLike) -> NDArray[np.float64]:
    from ...landauer import as_positive_temperatures

    return as_positive_temperatures(temperature)


def amorphous_limit(material: str | Material, temperature: ArrayLike) -> NDArray[np.float64]:
    """Cahill-Watson-Pohl minimum thermal conductivity of ``material``'s atoms (number density, v_L, v_T), W m^-1
    K^-1, at each ``temperature`` (K), shape (n_T,).  A fluid (no transverse branch) is refused."""
    m = get_material(material)
    if not m.v_t > 0:
        raise InputError(f"{m.name} carries no transverse sound: it has no amorphous-solid limit")
    n = float(m.number_density)
    out = []
    for t in _temperatures(temperature):
        total = 0.0
        for v in (m.v_l, m.v_t, m.v_t):
            theta = v * (HBAR / KB) * (6 * math.pi**2 * n) ** (1 / 3)
            total += v * (t / theta) ** 2 * _integral(theta / t, 3)
        out.append((math.pi / 6) ** (1 / 3) * KB * n ** (2 / 3) * total)
    return np.array(out)


def debye_heat_capacity(material: str | Material, temperature: ArrayLike) -> NDArray[np.float64]:
    """The Debye heat capacity per volume of ``material``'s atoms, 9 n k_B (T/Theta_D)^3 int_0^{Theta_D/T} x^4
    e^x/(e^x-1)^2 dx, J m^-3 K^-1, at each ``temperature`` (K)."""
    m = get_material(material)
    n, theta = float(m.number_density), float(m.debye_temperature)
    return np.array([9 * n * KB * (t / theta) ** 3 * _integral(theta / t, 4) for t in _temperatures(temperature)])


def _debye_speed(m: Material) -> float:
    """The Debye-averaged sound speed, 3 / v^3 = 1/v_L^3 + 2/v_T^3, m/s."""
    return (3.0 / (1.0 / m.v_l**3 + 2.0 / m.v_t**3)) ** (1 / 3)


@result
class FilmConductivity:
    """kappa of a film across its thickness, and how it was found.

    Attributes
    ----------
    kappa : ndarray, shape (n_T,)
        W m^-1 K^-1.
    bulk : ndarray, shape (n_T,)
        The bulk (crystal) or amorphous-limit kappa it starts from, W m^-1 K^-1.
    mean_free_path : ndarray, shape (n_T,)
        The carriers' gray mean free path, m (NaN where not used).
    how : str
        In words: which form and which carriers.
    """

    kappa: NDArray[np.float64]
    bulk: NDArray[np.float64]
    mean_free_path: NDArray[np.float64]
    how: str

    _summary_fields: ClassVar[tuple[str, ...]] = ("kappa", "how")

    def __post_init__(self) -> None:
        k = _checks.sized(self.kappa, "kappa", (None,))
        n = np.asarray(k).size
        _checks.sized(self.bulk, "bulk", (n,))
        _checks.sized(self.mean_free_path, "mean_free_path", (n,))
        for name in ("kappa", "bulk", "mean_free_path"):
            v = np.asarray(getattr(self, name), dtype=float)
            if np.any(v[~np.isnan(v)] <= 0):
                raise InputError(f"{name} must be > 0 (NaN where unknown)")
        _checks.text(self.how, "how")


def gray_mean_free_path(material: str | Material, temperature: ArrayLike) -> tuple[NDArray[np.float64], str]:
    """The kinetic-theory gray mean free path Lambda = 3 kappa / (C v) of the carriers of ``material``'s kappa(T),
    m, and which carriers: electrons (Sommerfeld gamma T, the Fermi velocity) for a metal with those data, else
    phonons (Debye heat capacity, Debye-averaged sound speed).  NaN for a metal without electron data."""
    from ...materials.conductivity import conductivity_or_nan
    from ...materials.electrons import get_electrons, list_electron_metals, metal_without_electron_data

    m = get_material(material)
    t = _temperatures(temperature)
    kappa = np.asarray(conductivity_or_nan(m, t), dtype=float).reshape(t.shape)
    if m.name in list_electron_metals():
        e = get_electrons(m)
        if e.sommerfeld_gamma and e.fermi_velocity:
            return 3 * kappa / (e.sommerfeld_gamma * t * e.fermi_velocity), "electrons"
        return np.full(t.shape, np.nan), "electrons (no Fermi velocity or Sommerfeld coefficient stored)"
    if metal_without_electron_data(m):
        return np.full(t.shape, np.nan), "electrons (no electron data stored)"
    return 3 * kappa / (debye_heat_capacity(m, t) * _debye_speed(m)), "phonons"


def film_conductivity(
    material: str | Material, thickness: float, temperature: ArrayLike, form: str = "crystal"
) -> FilmConductivity:
    """kappa across a film of ``material``, ``thickness`` m thick, at each ``temperature`` (K), of ``form``
    ("crystal", "amorphous"; a "monolayer" has no film conductivity and is refused here), the module text's rules;
    NaN at a temperature the crystal's kappa(T) table does not reach.
    """
    from .layers import check_thickness

    thickness = check_thickness(thickness, "a film")
    t = _temperatures(temperature)
    m = get_material(material)
    if form == "amorphous":
        k = amorphous_limit(m, t)
        return FilmConductivity(k, k, np.full(t.shape, np.nan), "amorphous limit (Cahill, Watson & Pohl 1992)")
    if form != "crystal":
        raise InputError(f"form must be crystal or amorphous for a film with a conductivity, got {form!r}")
    from ...materials.conductivity import conductivity_or_nan

    bulk = np.asarray(conductivity_or_nan(m, t), dtype=float).reshape(t.shape)
    if not np.all(np.isfinite(bulk)):
        return FilmConductivity(bulk, bulk, np.full(t.shape, np.nan), f"kappa(T) of {m.name} not tabulated at every "
                                "temperature asked (NaN there)")  # fmt: skip
    mfp, carriers = gray_mean_free_path(m, t)
    if not np.all(np.isfinite(mfp)):
        return FilmConductivity(bulk, bulk, mfp, f"bulk kappa; boundary scattering not applied: {carriers}")
    k = bulk / (1.0 + 4.0 * mfp / (3.0 * float(thickness)))
    return FilmConductivity(k, bulk, mfp, f"bulk kappa reduced by boundary scattering of its {carriers} (Majumdar "
                            "1993)")  # fmt: skip
