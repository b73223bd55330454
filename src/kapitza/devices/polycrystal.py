r"""Thermal conductivity of a polycrystal: grains of size d separated by boundaries of resistance R_gb.

Model
-----
Grains conduct with the bulk conductivity k_0; each grain boundary is a resistance R_gb (m^2 K W^-1).
Along a line of grains of size d, every length d holds one grain and one boundary in series::

    k_eff = d / (d / k_0 + R_gb) = k_0 / (1 + L_K / d),    L_K = k_0 R_gb (the Kapitza length)

The same result follows in 3D from the self-consistent (Bruggeman) effective medium of spherical grains
of diameter d whose surfaces each carry half of every boundary (R_gb / 2 on each side): a grain with its
coating conducts like k' = k_0 / (1 + (R_gb/2) k_0 / (d/2)), and a medium made of that one phase has
k_eff = k'.  Nan & Birringer, Phys. Rev. B 57, 8264 (1998) give this grain-size law from the
effective-medium theory of composites with interface resistance (Nan et al., J. Appl. Phys. 81, 6692
(1997)) applied to a polycrystal; where the whole boundary resistance is put on each grain's surface
(instead of half of it) the Kapitza length is doubled.  The factor is left to the user as
``shape_factor`` c (1 by default, the series/shared-boundary count derived above; 2 for the per-grain
convention; which one the 1998 paper's equation uses was not checked against the paper here)::

    k_eff = k_0 / (1 + c L_K / d)          (c = shape_factor, 1 by default)

Limits: R_gb -> 0 or d -> inf give k_0; d << c L_K gives k_eff -> d / (c R_gb), set by the boundaries
alone.

Boundaries with open area
-------------------------
A boundary whose bonded (contact) area is a fraction phi of its area, the rest open (voids, cracks) and
carrying no heat, conducts through the contacts only: G_gb = phi G_contact, i.e. R_gb = R_contact / phi,
with R_contact the resistance of a fully bonded boundary (any kapitza source).  This is a geometric
estimate, not a published model: it neglects the constriction (spreading) resistance of the heat
funnelling into the contacts, which adds to R_gb when the contacts are few and far apart, and radiation
or gas conduction across the open part.  It is a lower bound on R_gb.

Validity: Fourier grains (d larger than the phonon mean free path, else k_0 itself falls with d by
boundary scattering inside the grains), equiaxed grains, one temperature.

Units: grain size m, conductivity W m^-1 K^-1, resistance m^2 K W^-1, temperature K.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from .. import _checks
from ..errors import InputError
from ..io.results import result
from .sources import conductivity_source, resistance_source

__all__ = ["PolycrystalResult", "grain_boundary_resistance", "polycrystal", "polycrystal_conductivity"]


def polycrystal_conductivity(bulk: float, grain_size: Any, resistance: float, shape_factor: float = 1.0) -> Any:
    """k_0 / (1 + c k_0 R_gb / d) in W m^-1 K^-1 (plain numbers; ``grain_size`` m, scalar or array)."""
    d = np.asarray(grain_size, dtype=float)
    k = d / (d / bulk + shape_factor * resistance)
    return float(k) if k.ndim == 0 else k


def grain_boundary_resistance(contact_resistance: float, contact_fraction: float) -> float:
    """R_gb = R_contact / phi (m^2 K W^-1) of a boundary bonded over a fraction phi of its area.

    Geometric estimate (module docstring): the open part carries no heat and constriction is neglected.
    """
    phi = _checks.number(contact_fraction, "contact_fraction", "0 < phi <= 1")
    if not 0 < phi <= 1:
        raise InputError(f"contact_fraction must be in (0, 1], got {phi:g}")
    r = _checks.number(contact_resistance, "contact resistance", "m^2 K W^-1")
    if r < 0:
        raise InputError(f"the contact resistance must be >= 0 m^2 K W^-1, got {r:g}")
    return r / phi


@result
class PolycrystalResult:
    """Effective conductivity of a polycrystal (SI units).

    Attributes
    ----------
    temperature : float
        K.
    bulk_conductivity : float
        k_0 at T, W m^-1 K^-1.
    grain_size : float
        d, m.
    contact_resistance : float
        Resistance of a fully bonded boundary at T, m^2 K W^-1.
    contact_fraction : float
        phi, bonded fraction of the boundary area.
    boundary_resistance : float
        R_gb = R_contact / phi, m^2 K W^-1.
    shape_factor : float
        c in k_0 / (1 + c L_K / d).
    kapitza_length : float
        L_K = k_0 R_gb, m.
    effective_conductivity : float
        k_eff, W m^-1 K^-1.
    boundary_share : float
        Fraction of the resistance in the boundaries, c L_K / (d + c L_K).
    sweep_grain_size : ndarray, shape (n,)
        Grain sizes of the sweep, m.
    sweep_conductivity : ndarray, shape (n,)
        k_eff over the sweep, W m^-1 K^-1.
    labels : tuple of str
        What gave k_0 and R_contact.
    """

    temperature: float
    bulk_conductivity: float
    grain_size: float
    contact_resistance: float
    contact_fraction: float
    boundary_resistance: float
    shape_factor: float
    kapitza_length: float
    effective_conductivity: float
    boundary_share: float
    sweep_grain_size: NDArray[np.float64]
    sweep_conductivity: NDArray[np.float64]
    labels: tuple[str, ...]

    _summary_fields: ClassVar[tuple[str, ...]] = (
        "effective_conductivity",
        "bulk_conductivity",
        "grain_size",
        "kapitza_length",
    )


def polycrystal(
    bulk_conductivity: Any,
    grain_size: float,
    resistance: Any,
    *,
    contact_fraction: float = 1.0,
    shape_factor: float = 1.0,
    temperature: float = 300.0,
    sweep_grain_sizes: Any = None,
) -> PolycrystalResult:
    """k_eff of grains of size d with boundary resistance R_gb (module docstring).

    Parameters
    ----------
    bulk_conductivity : float, str or ConductivitySource
        k_0 of a grain: a number (W m^-1 K^-1) or a material name (kappa at ``temperature``).
    grain_size : float
        d, m (> 0).
    resistance : float, str or ResistanceSource
        Resistance of a fully bonded boundary (m^2 K W^-1 or any :func:`resistance_source` spec) at T.
    contact_fraction : float
        phi in (0, 1]: bonded fraction of the boundary area; R_gb = R / phi.
    shape_factor : float
        c > 0 (1: series of grains / shared boundaries; 2: Nan & Birringer's per-grain convention).
    temperature : float
        K.
    sweep_grain_sizes : array of float, optional
        Grain sizes for the sweep, m; default 121 log-spaced over 1e-3..1e3 L_K (L_K = 0: around d).

    Raises
    ------
    InputError
        d <= 0, phi outside (0, 1], c <= 0, bad conductivity or resistance specs.
    """
    d = _checks.length(grain_size, "grain_size")
    c = _checks.positive(shape_factor, "shape_factor", "")
    phi = _checks.number(contact_fraction, "contact_fraction", "0 < phi <= 1")
    if not 0 < phi <= 1:
        raise InputError(f"contact_fraction must be in (0, 1], got {phi:g}")
    t = _checks.temperature(temperature)
    swept = None if sweep_grain_sizes is None else _checks.length_sweep(sweep_grain_sizes, "sweep_grain_sizes")
    src_k, src_r = conductivity_source(bulk_conductivity), resistance_source(resistance)

    k0, r_c = float(src_k.at(t)), float(src_r.at(t))
    r_gb = grain_boundary_resistance(r_c, phi)
    l_k = k0 * r_gb
    if swept is None:
        swept = _checks.around(l_k if l_k > 0 else d)
    return PolycrystalResult(
        temperature=t,
        bulk_conductivity=k0,
        grain_size=d,
        contact_resistance=r_c,
        contact_fraction=phi,
        boundary_resistance=r_gb,
        shape_factor=c,
        kapitza_length=l_k,
        effective_conductivity=polycrystal_conductivity(k0, d, r_gb, c),
        boundary_share=c * l_k / (d + c * l_k),
        sweep_grain_size=swept,
        sweep_conductivity=polycrystal_conductivity(k0, swept, r_gb, c),
        labels=(src_k.label, src_r.label),
    )
