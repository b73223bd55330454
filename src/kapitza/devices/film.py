r"""A heated thin film on a substrate, and how its temperature rise scales with the film thickness.

A film of thickness d_f on a substrate of thickness d_s, heated on its free face by a flux q
(a heater line, a laser, a dissipating device layer), sinks its heat through the substrate into a
heat sink at T_sink.  In one dimension the rise of the heated face is

.. math::  \Delta T = q \left(\frac{d_f}{\kappa_f} + R_K + \frac{d_s}{\kappa_s}\right)

(solved here with kappa(T) and R(T) at the local temperatures by :func:`kapitza.devices.stack.solve_stack`).
As devices shrink, d_f/kappa_f falls but R_K does not: below the film's Kapitza length
L_K = kappa_f R_K the interface, not the film, sets the film's own share of the rise (Cahill et al.,
J. Appl. Phys. 93, 793 (2003), sec. I; the seeds' "bottleneck in cooling nanoscale electronics").
:func:`film_scaling` sweeps d_f with and without R_K and reports that crossover thickness.

Units: m, K, W m^-2, m^2 K W^-1.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import _checks
from ..errors import InputError
from ..io.results import result
from .sources import conductivity_source
from .stack import make_stack, solve_stack

__all__ = ["FilmScaling", "film_scaling"]

#: Most film thicknesses in one sweep.
MAX_THICKNESSES = 2000


@result
class FilmScaling:
    """Temperature rise of a heated film vs its thickness, with and without the interface resistance.

    Attributes
    ----------
    film, substrate : str
        Names.
    interface_label : str
        Where R_K came from.
    heat_flux : float
        W m^-2.
    sink_temperature : float
        K.
    substrate_thickness : float
        m.
    film_thickness : ndarray, shape (n,)
        m.
    rise_with, rise_without : ndarray, shape (n,)
        Temperature rise of the heated face above T_sink with R_K and with a perfect contact, K.
    interface_jump : ndarray, shape (n,)
        q R_K at each thickness, K.
    film_drop, film_drop_without : ndarray, shape (n,)
        The drop across the film itself with R_K and with a perfect contact, K.
    crossover_thickness : float
        L_K = kappa_f R_K at the interface temperature of the thinnest film, m: thinner films lose
        more temperature at the interface than across themselves.
    """

    film: str
    substrate: str
    interface_label: str
    heat_flux: float
    sink_temperature: float
    substrate_thickness: float
    film_thickness: NDArray[np.float64]
    rise_with: NDArray[np.float64]
    rise_without: NDArray[np.float64]
    interface_jump: NDArray[np.float64]
    film_drop: NDArray[np.float64]
    film_drop_without: NDArray[np.float64]
    crossover_thickness: float

    _summary_fields: ClassVar[tuple[str, ...]] = ("film", "substrate", "film_thickness", "crossover_thickness")

    @property
    def excess_with(self) -> NDArray[np.float64]:
        """The film's own rise above the substrate's surface with R_K (film drop + q R_K), K."""
        return self.film_drop + self.interface_jump

    @property
    def enhancement(self) -> NDArray[np.float64]:
        """excess_with / film_drop_without: how much R_K multiplies the film's own rise."""
        return self.excess_with / self.film_drop_without

    @property
    def interface_fraction(self) -> NDArray[np.float64]:
        """q R_K over the total rise at each thickness."""
        return self.interface_jump / self.rise_with


def _thicknesses(film_thickness: ArrayLike) -> NDArray[np.float64]:
    d = np.atleast_1d(np.asarray(film_thickness, dtype=float))
    if d.ndim != 1 or d.size == 0 or d.size > MAX_THICKNESSES:
        raise InputError(f"film_thickness must be a list of 1 to {MAX_THICKNESSES} thicknesses (m)")
    return _checks.length_sweep(d, "film_thickness")


def _side(spec: Any, role: str) -> dict[str, Any]:
    """A film or substrate given as a material name / Material or as a number (W m^-1 K^-1)."""
    if isinstance(spec, (int, float)) and not isinstance(spec, bool):
        source = conductivity_source(float(spec))
        return {"conductivity": source, "name": f"{role} ({source.value:g} W/m/K)"}
    return {"material": spec}


def film_scaling(
    film: Any,
    substrate: Any,
    interface: Any,
    film_thickness: ArrayLike,
    *,
    heat_flux: float,
    substrate_thickness: float,
    sink_temperature: float = 300.0,
) -> FilmScaling:
    """Sweep the film thickness: heated-face rise with R_K and with a perfect contact.

    Parameters
    ----------
    film, substrate : str, Material or float
        A material (kappa(T) from the database) or a conductivity in W m^-1 K^-1.
    interface : resistance spec
        R_K (:func:`kapitza.devices.sources.resistance_source`; a bare model name uses the two materials).
    film_thickness : array_like, shape (n,)
        Film thicknesses, m (> 0).
    heat_flux : float
        q into the film's free face, W m^-2 (> 0).
    substrate_thickness : float
        m (> 0); its far face is the heat sink.
    sink_temperature : float
        K (> 0).
    """
    d = _thicknesses(film_thickness)
    q = float(heat_flux)
    if not math.isfinite(q) or q <= 0:
        raise InputError(f"heat_flux must be finite and > 0 W m^-2 for a heated film, got {q:g}")
    film_side, substrate_side = _side(film, "film"), _side(substrate, "substrate")
    probe = make_stack(
        [{**film_side, "thickness": float(d[0])}, {**substrate_side, "thickness": substrate_thickness}], [interface]
    )
    source = probe.interfaces[0]
    with_r, without_r, jumps, drops, bare_drops = [], [], [], [], []
    crossover = math.nan
    for i, thickness in enumerate(d):
        layers = [{**film_side, "thickness": float(thickness)}, {**substrate_side, "thickness": substrate_thickness}]
        res = solve_stack(make_stack(layers, [source]), q, sink_temperature, points_per_layer=5)
        bare = solve_stack(make_stack(layers, [0.0]), q, sink_temperature, points_per_layer=5)
        with_r.append(res.total_drop)
        without_r.append(bare.total_drop)
        jumps.append(float(res.interface_jump[0]))
        drops.append(float(res.layer_drop[0]))
        bare_drops.append(float(bare.layer_drop[0]))
        if i == 0:
            crossover = float(res.kapitza_length[0, 0])
    names = probe.layers[0].name, probe.layers[1].name
    return FilmScaling(
        film=names[0],
        substrate=names[1],
        interface_label=source.label,
        heat_flux=q,
        sink_temperature=float(sink_temperature),
        substrate_thickness=float(substrate_thickness),
        film_thickness=d,
        rise_with=np.array(with_r),
        rise_without=np.array(without_r),
        interface_jump=np.array(jumps),
        film_drop=np.array(drops),
        film_drop_without=np.array(bare_drops),
        crossover_thickness=crossover,
    )
