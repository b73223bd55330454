r"""Electrons at metal interfaces: the electron-phonon series resistance and the electronic DMM.

Metal / non-metal: electron-phonon non-equilibrium (Majumdar & Reddy)
----------------------------------------------------------------------
In a metal the heat is carried by electrons, but only phonons cross into a
dielectric.  Near the interface the electrons must hand their energy to the
metal's phonons, which costs a temperature difference T_e - T_p over a cooling
length d (A. Majumdar and P. Reddy, Appl. Phys. Lett. 84, 4768 (2004)).  The
two-temperature model in the metal, with the depth z >= 0 measured from the
interface into the metal and a heat flux q (W m^-2) flowing towards the
interface, reads

.. math::

    \kappa_e T_e'' = g (T_e - T_p), \qquad \kappa_p T_p'' = -g (T_e - T_p),

with g the electron-phonon coupling constant (W m^-3 K^-1) and kappa_e,
kappa_p the electronic and lattice conductivities.  Adding the two equations:
the total flux :math:`\kappa_e T_e' + \kappa_p T_p' = q` is the same at every
depth (energy balance).  Subtracting them: :math:`\theta = T_e - T_p` obeys
:math:`\theta'' = \theta / d^2` with

.. math::  d = \sqrt{\kappa_e \kappa_p / (g (\kappa_e + \kappa_p))},

which tends to :math:`\sqrt{\kappa_p / g}` when kappa_e >> kappa_p.  The
bounded solution is :math:`\theta = A e^{-z/d}`.  Electrons cannot cross the
interface (:math:`T_e'(0) = 0`), so there phonons carry everything,
:math:`\kappa_p T_p'(0) = q`, hence :math:`\theta'(0) = -q/\kappa_p` and
:math:`A = q d / \kappa_p`.  The conductivity-weighted mean
:math:`T_m = (\kappa_e T_e + \kappa_p T_p)/(\kappa_e + \kappa_p)` has
:math:`T_m'' = 0`: it is the straight line :math:`T_m = T_0 + q z/(\kappa_e +
\kappa_p)` that both temperatures meet far from the interface, and

.. math::

    T_e = T_m + \frac{\kappa_p}{\kappa_e + \kappa_p}\theta, \qquad
    T_p = T_m - \frac{\kappa_e}{\kappa_e + \kappa_p}\theta .

An experiment sees the far-field line extrapolated to the interface, T_0,
while the phonons that cross are at :math:`T_p(0) = T_0 - \kappa_e q d /
(\kappa_p(\kappa_e + \kappa_p))`: an extra resistance in series with the
phonon boundary resistance,

.. math::

    R_{ep} = \frac{\kappa_e d}{\kappa_p (\kappa_e + \kappa_p)}
           = \frac{1}{\sqrt{g \kappa_p}} \Big(\frac{\kappa_e}{\kappa_e + \kappa_p}\Big)^{3/2}
           \;\to\; \frac{1}{\sqrt{g \kappa_p}} \quad (\kappa_e \gg \kappa_p),

the limit being Majumdar & Reddy's :math:`G_{ep} = \sqrt{g \kappa_p}`.  The
total conductance is :math:`G = 1/(1/G_{ph} + 1/G_{ep})`
(:func:`series_conductance`).  With g ~ 1e16-1e18 W m^-3 K^-1 and kappa_p of
a few W m^-1 K^-1, G_ep is 1e8-1e9 W m^-2 K^-1: the size of the measured
metal/dielectric conductances, so it cannot be left out.

Metal / metal: electronic diffuse mismatch model (Gundrum, Cahill & Averback)
------------------------------------------------------------------------------
At a metal/metal interface electrons cross directly and carry nearly all the
heat (B. C. Gundrum, D. G. Cahill and R. S. Averback, Phys. Rev. B 72, 245426
(2005)).  For a degenerate electron gas the one-way heat flux through a plane
per kelvin is the kinetic-theory result :math:`\tfrac14 C_e v_F` with
:math:`C_e = \gamma T` (the average of :math:`v_F\cos\theta` over the
hemisphere moving towards the plane, weighted over the whole sphere, is
:math:`v_F/4`).  With :math:`Z_i = \gamma_i v_{F,i}` and diffuse scattering,
detailed balance gives the transmission :math:`t_{12} = Z_2/(Z_1 + Z_2)` and

.. math:: G = \tfrac14 Z_1 t_{12} T = \frac{Z_1 Z_2}{4 (Z_1 + Z_2)} T,

symmetric in 1 and 2 (G12 = G21 exactly) and linear in T.  Phonon models do
not describe such interfaces: the phonon channel is an order of magnitude
smaller and in parallel.
"""

from __future__ import annotations

import os
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import _checks
from ..errors import InputError
from ..io.results import result
from ..materials import Material, get_material
from ..materials.electrons import ElectronData, get_electrons

MetalSpec = str | os.PathLike[str] | Material


# -- metal / non-metal: electron-phonon series resistance --------------------


def cooling_length(coupling: float, kappa_electron: float, kappa_phonon: float) -> float:
    """Electron-phonon cooling length d = sqrt(kappa_e kappa_p / (g (kappa_e + kappa_p))), m.

    Parameters
    ----------
    coupling : float
        Electron-phonon coupling constant g, W m^-3 K^-1.
    kappa_electron, kappa_phonon : float
        Electronic and lattice thermal conductivities of the metal, W m^-1 K^-1.
    """
    g = _checks.positive(coupling, "coupling", "W m^-3 K^-1")
    ke = _checks.positive(kappa_electron, "kappa_electron", "W m^-1 K^-1")
    kp = _checks.positive(kappa_phonon, "kappa_phonon", "W m^-1 K^-1")
    return float(np.sqrt(ke * kp / (g * (ke + kp))))


def electron_phonon_conductance(
    coupling: ArrayLike, kappa_phonon: ArrayLike, kappa_electron: ArrayLike | None = None
) -> NDArray[np.float64] | float:
    """Conductance of the electron-phonon non-equilibrium zone in the metal, W m^-2 K^-1.

    G_ep = sqrt(g kappa_p) (Majumdar & Reddy 2004) when ``kappa_electron`` is None (the kappa_e >> kappa_p
    limit); otherwise the exact two-temperature result sqrt(g kappa_p) (1 + kappa_p/kappa_e)^(3/2) derived in the
    module docstring.

    Parameters
    ----------
    coupling : float or array
        Electron-phonon coupling constant g, W m^-3 K^-1 (``inf`` allowed: electrons and phonons in equilibrium,
        G_ep = inf).
    kappa_phonon : float or array
        Lattice thermal conductivity of the metal kappa_p, W m^-1 K^-1, broadcast against ``coupling``.
    kappa_electron : float or array, optional
        Electronic thermal conductivity kappa_e, W m^-1 K^-1.

    Returns
    -------
    float or ndarray
        G_ep, broadcast shape of the inputs (a float for scalar inputs).
    """
    g = _checks.positive_array(coupling, "coupling", "W m^-3 K^-1", inf=True)
    kp = _checks.positive_array(kappa_phonon, "kappa_phonon", "W m^-1 K^-1")
    out = np.sqrt(g * kp)
    if kappa_electron is not None:
        ke = _checks.positive_array(kappa_electron, "kappa_electron", "W m^-1 K^-1")
        out = out * (1.0 + kp / ke) ** 1.5
    return float(out) if np.ndim(out) == 0 else out


def series_conductance(g_phonon: ArrayLike, g_electron_phonon: ArrayLike) -> NDArray[np.float64] | float:
    """Total conductance 1 / (1/G_ph + 1/G_ep) of the two resistances in series, W m^-2 K^-1.

    Parameters
    ----------
    g_phonon : float or array
        Phonon boundary conductance G_ph, W m^-2 K^-1 (any shape, e.g. one per temperature).
    g_electron_phonon : float or array
        G_ep, W m^-2 K^-1, broadcast against ``g_phonon``; ``inf`` gives G_ph back exactly.
    """
    gph = _checks.positive_array(g_phonon, "g_phonon", "W m^-2 K^-1", inf=True)
    gep = _checks.positive_array(g_electron_phonon, "g_electron_phonon", "W m^-2 K^-1", inf=True)
    # 1/inf = 0 exactly, so an infinite side gives the other conductance back; both infinite: 1/0 = inf is
    # the correct IEEE result (no resistance at all), hence the local errstate.
    with np.errstate(divide="ignore"):
        out = 1.0 / (1.0 / gph + 1.0 / gep)
    # 1/(1/x) may differ from x in the last bit: give an infinite side's partner back exactly.
    out = np.where(np.isinf(gep), gph, np.where(np.isinf(gph), gep, out))
    return float(out) if np.ndim(out) == 0 else out


@result
class TwoTemperatureProfile:
    """Electron and phonon temperatures in a metal near its interface with a non-metal.

    Attributes
    ----------
    x : ndarray, shape (n,)
        Depth into the metal measured from the interface, m (x >= 0).
    electron_temperature, phonon_temperature : ndarray, shape (n,)
        T_e(x) and T_p(x), K.
    far_field_temperature : ndarray, shape (n,)
        The straight line T_0 + q x / (kappa_e + kappa_p) that both meet far from the interface, K.
    heat_flux : float
        q, W m^-2, flowing from the metal towards the interface.
    reference_temperature : float
        T_0, K: the far-field line extrapolated to the interface.
    coupling, kappa_electron, kappa_phonon : float
        g (W m^-3 K^-1), kappa_e and kappa_p (W m^-1 K^-1).
    cooling_length : float
        d, m.
    electron_phonon_conductance : float
        q / (T_0 - T_p(0)), W m^-2 K^-1.
    """

    x: NDArray[np.float64]
    electron_temperature: NDArray[np.float64]
    phonon_temperature: NDArray[np.float64]
    far_field_temperature: NDArray[np.float64]
    heat_flux: float
    reference_temperature: float
    coupling: float
    kappa_electron: float
    kappa_phonon: float
    cooling_length: float
    electron_phonon_conductance: float

    _summary_fields: ClassVar[tuple[str, ...]] = ("x", "heat_flux", "cooling_length", "electron_phonon_conductance")


def two_temperature_profile(
    x: ArrayLike,
    heat_flux: float,
    coupling: float,
    kappa_electron: float,
    kappa_phonon: float,
    reference_temperature: float = 300.0,
) -> TwoTemperatureProfile:
    """Steady two-temperature profiles T_e(x), T_p(x) in a metal that passes heat flux q into a non-metal.

    Electrons cannot cross the interface at x = 0; far inside the metal (x >> d) both temperatures follow one
    straight line.  The solution and its derivation are in the module docstring.

    Parameters
    ----------
    x : array_like, shape (n,)
        Depths into the metal from the interface, m, each >= 0.
    heat_flux : float
        q, W m^-2, towards the interface (negative: heat flows into the metal).
    coupling : float
        g, W m^-3 K^-1.
    kappa_electron, kappa_phonon : float
        kappa_e and kappa_p of the metal, W m^-1 K^-1.
    reference_temperature : float, optional
        T_0, K: the far-field temperature line extrapolated to x = 0.

    Returns
    -------
    TwoTemperatureProfile

    Raises
    ------
    InputError
        A negative or non-finite depth, a non-positive coupling or conductivity, a non-finite flux, or a
        non-positive reference temperature.
    """
    depth = _checks.positive_array(x, "x", "m", zero=True, ndim=1)
    q = _checks.number(heat_flux, "heat_flux", "W m^-2")
    t0 = _checks.positive(reference_temperature, "reference_temperature", "K")
    g = _checks.positive(coupling, "coupling", "W m^-3 K^-1")
    ke = _checks.positive(kappa_electron, "kappa_electron", "W m^-1 K^-1")
    kp = _checks.positive(kappa_phonon, "kappa_phonon", "W m^-1 K^-1")
    d = cooling_length(g, ke, kp)
    total = ke + kp
    far = t0 + q * depth / total
    theta = (q * d / kp) * np.exp(-depth / d)
    return TwoTemperatureProfile(
        x=depth,
        electron_temperature=far + (kp / total) * theta,
        phonon_temperature=far - (ke / total) * theta,
        far_field_temperature=far,
        heat_flux=q,
        reference_temperature=t0,
        coupling=g,
        kappa_electron=ke,
        kappa_phonon=kp,
        cooling_length=d,
        electron_phonon_conductance=float(electron_phonon_conductance(g, kp, ke)),
    )


@result
class MetalNonmetalConductance:
    """Phonon conductance, electron-phonon conductance of the metal and their series total.

    Attributes
    ----------
    metal : str
        The metal's name.
    temperature : ndarray, shape (n_T,)
        K.
    phonon : ndarray, shape (n_T,)
        G_ph, W m^-2 K^-1, as given.
    electron_phonon : float
        G_ep, W m^-2 K^-1 (room-temperature g and kappa_p: the same at every temperature).
    total : ndarray, shape (n_T,)
        1 / (1/G_ph + 1/G_ep), W m^-2 K^-1.
    limited_by : tuple[str, ...]
        Per temperature, ``"phonon"`` or ``"electron-phonon"``: the smaller conductance (larger resistance).
    """

    metal: str
    temperature: NDArray[np.float64]
    phonon: NDArray[np.float64]
    electron_phonon: float
    total: NDArray[np.float64]
    limited_by: tuple[str, ...]

    _summary_fields: ClassVar[tuple[str, ...]] = ("metal", "temperature", "total", "electron_phonon")


def _metal(spec: MetalSpec) -> tuple[Material, ElectronData]:
    material = get_material(spec)
    return material, get_electrons(material)


def _kappa_electron(material: Material, data: ElectronData) -> float | None:
    """kappa_e = kappa - kappa_p from the database's total conductivity, or None if it is not larger."""
    (kappa_p,) = data.require("lattice_thermal_conductivity")
    total = getattr(material, "thermal_conductivity", None)
    if total is None or not total > kappa_p:
        return None
    return float(total - kappa_p)


def metal_electron_phonon_conductance(metal: MetalSpec) -> float:
    """G_ep of a metal from the shipped g and kappa_p (and kappa_e = kappa - kappa_p where known), W m^-2 K^-1.

    Parameters
    ----------
    metal : str, os.PathLike or Material
        A metal with shipped electron data (see :func:`kapitza.materials.electrons.get_electrons`).

    Raises
    ------
    InputError
        Not a metal with electron data, or its coupling or lattice conductivity is not stored.
    """
    material, data = _metal(metal)
    g, kappa_p = data.require("electron_phonon_coupling", "lattice_thermal_conductivity")
    return float(electron_phonon_conductance(g, kappa_p, _kappa_electron(material, data)))


def metal_nonmetal_conductance(
    metal: MetalSpec, temperature: ArrayLike, phonon_conductance: ArrayLike
) -> MetalNonmetalConductance:
    """Series combination of a phonon model's conductance with the metal's electron-phonon conductance.

    Parameters
    ----------
    metal : str, os.PathLike or Material
        The metal side.
    temperature : array_like, shape (n_T,)
        Temperatures, K (carried into the result; g and kappa_p are room-temperature values).
    phonon_conductance : array_like, shape (n_T,)
        G_ph at those temperatures, W m^-2 K^-1 (from any phonon model).
    """
    t = np.atleast_1d(_checks.positive_array(temperature, "temperature", "K"))
    gph = np.atleast_1d(_checks.positive_array(phonon_conductance, "phonon_conductance", "W m^-2 K^-1"))
    if t.ndim != 1 or gph.shape != t.shape:
        raise InputError(
            f"phonon_conductance (shape {gph.shape}) must have one value per temperature (shape {t.shape})"
        )
    material, _ = _metal(metal)
    gep = metal_electron_phonon_conductance(material)
    return MetalNonmetalConductance(
        metal=material.name,
        temperature=t,
        phonon=gph,
        electron_phonon=gep,
        total=np.asarray(series_conductance(gph, gep), dtype=float).reshape(t.shape),
        limited_by=tuple("electron-phonon" if gep < g else "phonon" for g in gph),
    )


# -- metal / metal: electronic DMM -------------------------------------------


def electronic_transmission(
    gamma_1: ArrayLike, fermi_velocity_1: ArrayLike, gamma_2: ArrayLike, fermi_velocity_2: ArrayLike
) -> NDArray[np.float64] | float:
    """Electronic DMM transmission t_12 = Z2 / (Z1 + Z2), Z = gamma v_F (dimensionless).

    Parameters
    ----------
    gamma_1, gamma_2 : float or array
        Sommerfeld coefficients of sides 1 and 2, J m^-3 K^-2.
    fermi_velocity_1, fermi_velocity_2 : float or array
        Fermi velocities, m/s.
    """
    z1 = _checks.positive_array(gamma_1, "gamma_1", "J m^-3 K^-2") * _checks.positive_array(
        fermi_velocity_1, "fermi_velocity_1", "m/s"
    )
    z2 = _checks.positive_array(gamma_2, "gamma_2", "J m^-3 K^-2") * _checks.positive_array(
        fermi_velocity_2, "fermi_velocity_2", "m/s"
    )
    out = z2 / (z1 + z2)
    return float(out) if np.ndim(out) == 0 else out


def electronic_dmm_conductance(
    gamma_1: float, fermi_velocity_1: float, gamma_2: float, fermi_velocity_2: float, temperature: ArrayLike
) -> NDArray[np.float64] | float:
    """Electronic DMM conductance G = Z1 Z2 T / (4 (Z1 + Z2)), W m^-2 K^-1.

    Written as the symmetric product so that G12 == G21 to the last bit.

    Parameters
    ----------
    gamma_1, gamma_2 : float
        Sommerfeld coefficients, J m^-3 K^-2.
    fermi_velocity_1, fermi_velocity_2 : float
        Fermi velocities, m/s.
    temperature : float or array, shape (n_T,)
        K.
    """
    z1 = _checks.positive(gamma_1, "gamma_1", "J m^-3 K^-2") * _checks.positive(
        fermi_velocity_1, "fermi_velocity_1", "m/s"
    )
    z2 = _checks.positive(gamma_2, "gamma_2", "J m^-3 K^-2") * _checks.positive(
        fermi_velocity_2, "fermi_velocity_2", "m/s"
    )
    t = _checks.positive_array(temperature, "temperature", "K")
    out = (z1 * z2) / (z1 + z2) / 4.0 * t
    return float(out) if np.ndim(out) == 0 else out


@result
class ElectronicDMMResult:
    """Electronic DMM conductance of a metal/metal interface.

    Attributes
    ----------
    metals : tuple[str, str]
        Side 1 and side 2.
    temperature : ndarray, shape (n_T,)
        K.
    conductance : ndarray, shape (n_T,)
        G, W m^-2 K^-1 (linear in T).
    transmission_12 : float
        t_12 = Z2 / (Z1 + Z2).
    note : str
        That phonon models do not describe metal/metal interfaces.
    """

    metals: tuple[str, str]
    temperature: NDArray[np.float64]
    conductance: NDArray[np.float64]
    transmission_12: float
    note: str = (
        "metal/metal interface: heat crosses with the electrons; phonon models (DMM, AMM, limit) do not describe it"
    )

    _summary_fields: ClassVar[tuple[str, ...]] = ("metals", "temperature", "conductance")


def electronic_dmm(metal_1: MetalSpec, metal_2: MetalSpec, temperature: ArrayLike) -> ElectronicDMMResult:
    """Electronic DMM (Gundrum, Cahill & Averback 2005) between two metals of the database.

    Parameters
    ----------
    metal_1, metal_2 : str, os.PathLike or Material
        Metals with a stored Sommerfeld coefficient and Fermi velocity.
    temperature : float or array_like, shape (n_T,)
        K.

    Raises
    ------
    InputError
        A side is not a metal with electron data, or lacks gamma or v_F, or a temperature is not positive.
    """
    t = np.atleast_1d(_checks.positive_array(temperature, "temperature", "K"))
    if t.ndim != 1:
        raise InputError(f"temperature must be a number or a list of numbers (K), got shape {t.shape}")
    (m1, d1), (m2, d2) = _metal(metal_1), _metal(metal_2)
    gamma_1, v_1 = d1.require("sommerfeld_gamma", "fermi_velocity")
    gamma_2, v_2 = d2.require("sommerfeld_gamma", "fermi_velocity")
    return ElectronicDMMResult(
        metals=(m1.name, m2.name),
        temperature=t,
        conductance=np.asarray(electronic_dmm_conductance(gamma_1, v_1, gamma_2, v_2, t), dtype=float),
        transmission_12=float(electronic_transmission(gamma_1, v_1, gamma_2, v_2)),
    )


__all__ = [
    "ElectronicDMMResult",
    "MetalNonmetalConductance",
    "TwoTemperatureProfile",
    "cooling_length",
    "electron_phonon_conductance",
    "electronic_dmm",
    "electronic_dmm_conductance",
    "electronic_transmission",
    "metal_electron_phonon_conductance",
    "metal_nonmetal_conductance",
    "series_conductance",
    "two_temperature_profile",
]
