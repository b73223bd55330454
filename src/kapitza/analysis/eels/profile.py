"""Temperature profiles and maps from EELS, the temperature jump at an interface and the Kapitza length.

A line scan (or a spectrum image summed parallel to the interface) gives one temperature per probe
position (:func:`temperature_profile`); an image gives a map (:func:`temperature_map`).  Both run the calibrated
estimator, :mod:`.joint` (the zero-loss-peak tail fitted with the temperature, each spectrum on its own), unless
a background was subtracted from the data, for which the ratio fit
(:func:`~kapitza.analysis.eels.temperature.fit_temperature`) is the one that applies.

:func:`analyze_profile` extracts the jump the way the NEMD analysis does (the "direct method":
Schelling, Phillpot & Keblinski, Phys. Rev. B 65, 144306 (2002)): a straight line is fitted to each
side of the interface with :func:`kapitza.analysis.md.jump.fit_line` (weighted by the per-point errors),
leaving out a zone around the plane, and both lines are extrapolated to the plane.  The jump is taken
along the heat flow, Delta T = T_upstream - T_downstream (heat flows from hot to cold), so a drop
along the flow is positive whichever way the flow runs.

The Kapitza length L_K = Delta T / |dT/dx| is the thickness of the material on that side with the
same thermal resistance as the interface (R_K = L_K / kappa).  STEM-EELS measures temperatures, not
the heat flux, so L_K is the primary output; R_K = Delta T / q and G = 1 / R_K follow only when a
flux q is given (seed 000; e.g. the AlN/SiC interface: a 10-20 K jump under ~180 K/um = 0.18 K/nm,
hence L_K ~ 50-100 nm).

Units: positions and lengths in nm, temperatures in K, gradients in K/nm, heat flux in W/m^2,
R_K in m^2 K/W, G in W/(m^2 K).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from ... import _checks
from ...errors import InputError
from ...io.results import result
from ..md.jump import LineFit, fit_line
from .data import EELSData
from .results import EELSProfile, TemperatureMap

#: Default half-width (nm) of the zone left out on each side of the interface plane.  The probe is
#: delocalised (dipole scattering reaches ~1 nm at 50-100 meV losses) and a real interface has a
#: width (intermixing, strain); the points inside this zone mix both materials and lie on neither
#: side's line.
DEFAULT_EXCLUDE_NM = 1.0
#: A side's fit whose chi2 has a p-value below this gets a warning.
POOR_FIT_PVALUE = 0.01


def _check_data(data: Any) -> EELSData:
    if not isinstance(data, EELSData):
        raise InputError(f"data must be an EELSData (from read_eels or eels_data), got {type(data).__name__}")
    return data


#: The estimators of :func:`temperature_profile` and :func:`temperature_map`.
METHODS = ("auto", "joint", "ratio")


def _method(data: EELSData, method: str) -> str:
    """``auto``: the joint fit (the calibrated estimator) unless a background was subtracted from ``data``, for
    which only the ratio fit is defined."""
    if method not in METHODS:
        raise InputError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if method != "auto":
        return method
    subtracted = data.background is not None or any("background" in s.lower() for s in data.steps)
    return "ratio" if subtracted else "joint"


def _fit_temperature(data: EELSData, window_mev: Any) -> Any:
    from .temperature import fit_temperature  # lazily: temperature.py is a sibling layer above data.py

    return fit_temperature(data, window_mev)


def temperature_profile(
    data: EELSData,
    window_mev: tuple[float, float] | None = None,
    *,
    across: str = "x",
    method: str = "auto",
    region_mev: tuple[float, float] | None = None,
    bin_position: int = 1,
) -> EELSProfile:
    """Temperature at every probe position of a line scan (an image is first summed parallel to the interface).

    Parameters
    ----------
    data : EELSData
        A line scan, nav_shape (n,), or spectrum image (ny, nx): raw or centred with the zero-loss-peak tail in
        it (the joint fit), or centred and background-subtracted (the ratio fit).
    window_mev : (float, float), optional
        Energy window (lo, hi) in meV (``|E|``) of the temperature fit; default: the fit's automatic window.
    across : str
        For an image: the navigation axis that crosses the interface ("x" or "y"); the spectra are
        summed along the other axis (parallel to the interface) before fitting, which raises the counts
        per position by the number of rows.
    method : {"auto", "joint", "ratio"}
        ``joint``: :func:`~.joint.joint_profile`, the calibrated estimator, each position on its own;
        ``ratio``: :func:`~.temperature.fit_temperature` on the (subtracted) data as given; ``auto`` (default):
        joint unless a background was subtracted.
    region_mev, bin_position
        The joint fit's region (meV) and positions binned along the scan.
    """
    data = _check_data(data)
    nav = data.nav_shape
    if len(nav) == 0:
        raise InputError("a single spectrum has no profile: use fit_joint_temperature (kapitza eels temperature)")
    if len(nav) > 2:
        raise InputError(f"temperature_profile takes a line scan or an image, not {len(nav)} navigation axes")
    if _method(data, method) == "joint":
        from .joint import joint_profile

        return joint_profile(data, window_mev, across=across, region_mev=region_mev, bin_position=bin_position)
    if region_mev is not None or bin_position != 1:
        raise InputError("region_mev and bin_position are for the joint fit (method='joint')")
    if len(nav) == 2:
        if across not in data.nav_names:
            raise InputError(
                f"across={across!r} is not a navigation axis of the image (axes: {', '.join(data.nav_names)})"
            )
        from .preprocess import sum_along

        if data.nav_names[0] == data.nav_names[1]:
            raise InputError(f"the image's two navigation axes have the same name {across!r}")
        data = sum_along(data, next(n for n in data.nav_names if n != across))
    fit = _fit_temperature(data, window_mev)
    t = np.asarray(fit.temperature, dtype=float).reshape(data.nav_shape)
    e = np.asarray(fit.temperature_err, dtype=float).reshape(data.nav_shape)
    v = np.asarray(fit.valid, dtype=bool).reshape(data.nav_shape) & np.isfinite(t) & np.isfinite(e) & (e > 0)
    return EELSProfile(
        positions_nm=data.positions_nm[0],
        temperature=t,
        temperature_err=e,
        valid=v,
        window_mev=tuple(fit.window_mev),
        source=data.source,
        steps=(*data.steps, f"temperature per position ({getattr(fit, 'method', 'gain/loss ratio')})"),
    )


def temperature_map(
    data: EELSData,
    window_mev: tuple[float, float] | None = None,
    *,
    method: str = "auto",
    region_mev: tuple[float, float] | None = None,
    bin_position: int = 1,
) -> TemperatureMap:
    """Temperature at every pixel of a spectrum image (vectorised over pixels).

    Parameters
    ----------
    data : EELSData
        A spectrum image, nav_shape (ny, nx): raw or centred with the tail in it (the joint fit), or centred and
        background-subtracted (the ratio fit).
    window_mev : (float, float), optional
        Energy window (lo, hi) in meV (``|E|``); default: the fit's automatic window.
    method : {"auto", "joint", "ratio"}
        As in :func:`temperature_profile` (``joint``: :func:`~.joint.joint_map`).
    region_mev, bin_position
        The joint fit's region (meV) and positions binned along x.

    Pixels where no temperature can be measured are ``valid=False`` (never a silent NaN).
    """
    data = _check_data(data)
    if len(data.nav_shape) != 2:
        raise InputError(
            f"temperature_map needs a spectrum image (2 navigation axes), got navigation shape {data.nav_shape}; "
            "use temperature_profile for a line scan"
        )
    if _method(data, method) == "joint":
        from .joint import joint_map

        return joint_map(data, window_mev, region_mev=region_mev, bin_position=bin_position)
    if region_mev is not None or bin_position != 1:
        raise InputError("region_mev and bin_position are for the joint fit (method='joint')")
    fit = _fit_temperature(data, window_mev)
    t = np.asarray(fit.temperature, dtype=float).reshape(data.nav_shape)
    e = np.asarray(fit.temperature_err, dtype=float).reshape(data.nav_shape)
    v = np.asarray(fit.valid, dtype=bool).reshape(data.nav_shape) & np.isfinite(t) & np.isfinite(e) & (e > 0)
    return TemperatureMap(
        positions_nm=data.positions_nm,
        nav_names=data.nav_names,
        temperature=t,
        temperature_err=e,
        valid=v,
        window_mev=tuple(float(w) for w in fit.window_mev),
        source=data.source,
        steps=(*data.steps, "temperature per pixel"),
    )


@result
class KapitzaJump:
    """The temperature jump at an interface from an EELS profile, with Kapitza lengths (and R_K, G with a flux).

    Attributes
    ----------
    interface_nm : float
        Interface plane, nm.
    heat_flow : str
        "+x" (heat flows towards larger positions: the left side is upstream) or "-x".
    heat_flow_source : str
        "given" or "fits" (the hotter side, from the fitted lines, is upstream).
    delta_T, delta_T_err : float
        T_upstream - T_downstream at the plane, K (positive for a drop along the flow), and its error.
    T_left, T_left_err, T_right, T_right_err : float
        The left (smaller positions) and right lines extrapolated to the plane, K.
    T_upstream, T_downstream : float
        The same, named along the flow, K.
    gradient_left_k_per_nm, gradient_left_err_k_per_nm, gradient_right_k_per_nm, gradient_right_err_k_per_nm : float
        Slopes dT/dx of the two lines, K/nm (signed, along +x).
    kapitza_length_left_nm, kapitza_length_left_err_nm, kapitza_length_right_nm, kapitza_length_right_err_nm : float
        L_K = Delta T / ``|gradient|`` of each side, nm, with the errors propagated through the fit
        covariance of value and slope (the jump shares its value with that side's line).
    gradient_given_k_per_nm, gradient_given_err_k_per_nm : float
        A gradient given by the user (e.g. from a micrometre-scale map), K/nm; NaN when none.
    kapitza_length_given_nm, kapitza_length_given_err_nm : float
        Delta T / gradient_given, nm; NaN when no gradient was given.
    heat_flux_w_m2, heat_flux_err_w_m2 : float
        The given heat flux q, W/m^2; NaN when none.
    resistance, resistance_err : float
        R_K = Delta T / q, m^2 K/W; NaN without a flux.
    conductance, conductance_err : float
        G = 1 / R_K, W/(m^2 K); NaN without a flux or when Delta T <= 0 (see ``warnings``).
    exclude_nm, fit_range_nm : float
        Half-width of the zone left out around the plane; largest distance from the plane used (inf: all).
    left_range_nm, right_range_nm : tuple of float
        Positions spanned by the points used on each side, nm.
    n_left, n_right : int
        Points used on each side.
    chi2_reduced_left, chi2_reduced_right, pvalue_left, pvalue_right : float
        Fit quality of each side (NaN with only 2 points).
    fit_left, fit_right : LineFit
        The two line fits (``x0`` = the plane).
    warnings : tuple of str
    """

    interface_nm: float
    heat_flow: str
    heat_flow_source: str
    delta_T: float
    delta_T_err: float
    T_left: float
    T_left_err: float
    T_right: float
    T_right_err: float
    T_upstream: float
    T_downstream: float
    gradient_left_k_per_nm: float
    gradient_left_err_k_per_nm: float
    gradient_right_k_per_nm: float
    gradient_right_err_k_per_nm: float
    kapitza_length_left_nm: float
    kapitza_length_left_err_nm: float
    kapitza_length_right_nm: float
    kapitza_length_right_err_nm: float
    gradient_given_k_per_nm: float
    gradient_given_err_k_per_nm: float
    kapitza_length_given_nm: float
    kapitza_length_given_err_nm: float
    heat_flux_w_m2: float
    heat_flux_err_w_m2: float
    resistance: float
    resistance_err: float
    conductance: float
    conductance_err: float
    exclude_nm: float
    fit_range_nm: float
    left_range_nm: tuple[float, float]
    right_range_nm: tuple[float, float]
    n_left: int
    n_right: int
    chi2_reduced_left: float
    chi2_reduced_right: float
    pvalue_left: float
    pvalue_right: float
    fit_left: LineFit
    fit_right: LineFit
    warnings: tuple[str, ...] = ()

    _summary_fields: ClassVar[tuple[str, ...]] = (
        "delta_T",
        "delta_T_err",
        "kapitza_length_left_nm",
        "kapitza_length_right_nm",
        "heat_flow",
    )


def _length_error(
    delta: float, var_delta: float, slope: float, var_slope: float, cov_delta_slope: float
) -> tuple[float, float]:
    """L = delta / |slope| and its first-order error, with cov(delta, slope) (signed slope)."""
    g = abs(slope)
    if g == 0:
        return float("nan"), float("nan")
    cov_abs = np.sign(slope) * cov_delta_slope  # cov(delta, |slope|)
    length = delta / g
    var = var_delta / g**2 + delta**2 * var_slope / g**4 - 2 * delta * cov_abs / g**3
    return float(length), float(np.sqrt(max(var, 0.0)))


def _pvalue(chi2: float, dof: int) -> float:
    return float(stats.chi2.sf(chi2, dof)) if dof > 0 else float("nan")


def analyze_profile(
    profile: EELSProfile,
    interface_nm: float,
    *,
    exclude_nm: float = DEFAULT_EXCLUDE_NM,
    fit_range_nm: float | None = None,
    gradient_k_per_nm: float | None = None,
    gradient_err_k_per_nm: float = 0.0,
    heat_flux_w_m2: float | None = None,
    heat_flux_err: float = 0.0,
    heat_flow: str | None = None,
) -> KapitzaJump:
    """Delta T, both gradients and the Kapitza lengths at an interface from a temperature profile.

    Each side is fitted by a straight line (:func:`kapitza.analysis.md.jump.fit_line`, weighted by
    ``temperature_err``; only ``valid`` points), leaving out the points closer than ``exclude_nm`` to
    the plane; both lines are extrapolated to the plane.  Delta T = T_upstream - T_downstream, heat
    flowing from hot to cold: unless ``heat_flow`` is given, the upstream side is the one whose fitted
    line is hotter on average over its points (the overall drop across the profile), so a drop along
    the flow gives Delta T > 0 whether the heat runs along +x or -x.  The two sides are independent
    fits, so var(Delta T) = var(T_left) + var(T_right); each Kapitza length also uses the covariance of
    its side's value and slope.

    Parameters
    ----------
    profile : EELSProfile
        The temperature profile (K vs nm).
    interface_nm : float
        Position of the interface plane, nm; must lie inside the profile.
    exclude_nm : float
        Points with ``|x - interface_nm|`` < exclude_nm are left out of both fits (default 1 nm: probe
        delocalisation and the interface's own width mix both materials there).
    fit_range_nm : float, optional
        Use only points within this distance of the plane, nm (> exclude_nm); default: all.
    gradient_k_per_nm : float, optional
        A gradient magnitude measured otherwise (e.g. 0.18 K/nm = 180 K/um from a micrometre-scale
        map), K/nm: gives ``kapitza_length_given_nm`` = Delta T / gradient.
    gradient_err_k_per_nm : float
        Its standard error, K/nm.
    heat_flux_w_m2 : float, optional
        Heat flux q through the interface, W/m^2 (> 0): gives R_K = Delta T / q and G = 1 / R_K.
    heat_flux_err : float
        Standard error of q, W/m^2.
    heat_flow : {"+x", "-x"}, optional
        The direction of the heat flow if known; default: from the fits.
    """
    if not isinstance(profile, EELSProfile):
        raise InputError(f"profile must be an EELSProfile, got {type(profile).__name__}")
    xi = _checks.number(interface_nm, "interface_nm", "nm")
    excl = _checks.non_negative(exclude_nm, "exclude_nm", "nm")
    frange = None if fit_range_nm is None else _checks.positive(fit_range_nm, "fit_range_nm", "nm")
    if frange is not None and frange <= excl:
        raise InputError(f"fit_range_nm ({frange:g}) must exceed exclude_nm ({excl:g}): no point would be left")
    grad_given = None if gradient_k_per_nm is None else _checks.positive(gradient_k_per_nm, "gradient_k_per_nm", "K/nm")
    grad_given_err = _checks.non_negative(gradient_err_k_per_nm, "gradient_err_k_per_nm", "K/nm")
    flux = None if heat_flux_w_m2 is None else _checks.positive(heat_flux_w_m2, "heat_flux_w_m2", "W m^-2")
    flux_err = _checks.non_negative(heat_flux_err, "heat_flux_err", "W m^-2")
    if heat_flow not in (None, "+x", "-x"):
        raise InputError(f"heat_flow must be '+x', '-x' or None (from the fits), got {heat_flow!r}")

    x, t, s, ok = profile.positions_nm, profile.temperature, profile.temperature_err, profile.valid
    if not np.any(ok):
        raise InputError("no valid temperature in the profile: nothing to fit")
    lo, hi = float(x.min()), float(x.max())
    if not lo < xi < hi:
        raise InputError(f"the interface at {xi:g} nm lies outside the profile ({lo:g} to {hi:g} nm)")
    dist = np.abs(x - xi)
    use = ok & (dist >= excl)
    if frange is not None:
        use &= dist <= frange
    left, right = use & (x < xi), use & (x > xi)
    for name, side in (("left", left), ("right", right)):
        n = int(side.sum())
        if n < 2 or np.ptp(x[side]) == 0:
            raise InputError(
                f"only {n} valid point(s) on the {name} side of the interface at {xi:g} nm after leaving out "
                f"{excl:g} nm around it"
                + (f" and keeping {frange:g} nm" if frange is not None else "")
                + ": a line needs at least 2 (reduce exclude_nm or scan further)"
            )
    fl = fit_line(x[left], t[left], sigma=s[left], x0=xi)
    fr = fit_line(x[right], t[right], sigma=s[right], x0=xi)

    warnings: list[str] = []
    if heat_flow is None:
        hot_left = float(np.mean(fl.value + fl.slope * (x[left] - xi))) >= float(
            np.mean(fr.value + fr.slope * (x[right] - xi))
        )
        flow, flow_source = ("+x" if hot_left else "-x"), "fits"
    else:
        flow, flow_source = heat_flow, "given"
    up, down = (fl, fr) if flow == "+x" else (fr, fl)
    sign = 1.0 if flow == "+x" else -1.0  # a gradient along the flow is sign * slope; heat runs downhill
    delta = float(up.value - down.value)
    var_delta = float(up.value_err**2 + down.value_err**2)
    delta_err = float(np.sqrt(var_delta))

    # cov(delta, slope_left) = +cov(value_left, slope_left) if left is upstream, else -cov(...)
    cov_l = fl.covariance if flow == "+x" else -fl.covariance
    cov_r = -fr.covariance if flow == "+x" else fr.covariance
    lk_l, lk_l_err = _length_error(delta, var_delta, fl.slope, fl.slope_err**2, cov_l)
    lk_r, lk_r_err = _length_error(delta, var_delta, fr.slope, fr.slope_err**2, cov_r)
    for name, f in (("left", fl), ("right", fr)):
        if f.slope == 0:
            warnings.append(f"the {name} side is flat (gradient 0): its Kapitza length is undefined")
        elif sign * f.slope > 2 * f.slope_err:
            warnings.append(
                f"the {name} side's temperature rises along the heat flow ({flow}) by "
                f"{abs(float(f.slope)):.3g} +- {float(f.slope_err):.2g} K/nm: not one steady heat flow"
            )
    if grad_given is not None:
        lk_g = delta / grad_given
        lk_g_err = float(np.hypot(delta_err / grad_given, delta * grad_given_err / grad_given**2))
    else:
        lk_g = lk_g_err = float("nan")

    if flux is not None:
        r_k = delta / flux  # K / (W/m^2) = m^2 K/W
        r_err = float(np.hypot(delta_err / flux, delta * flux_err / flux**2))
        if delta > 0:
            g_k = 1.0 / r_k
            g_err = g_k * float(np.hypot(delta_err / delta, flux_err / flux))
        else:
            g_k = g_err = float("nan")
            warnings.append(f"Delta T = {delta:.3g} K is not positive: no conductance G = q / Delta T")
    else:
        r_k = r_err = g_k = g_err = float("nan")

    if abs(delta) < 2 * delta_err:
        warnings.append(f"no significant jump: Delta T = {delta:.3g} +- {delta_err:.2g} K (less than 2 errors)")
    pv_l, pv_r = _pvalue(fl.chi2, fl.dof), _pvalue(fr.chi2, fr.dof)
    for name, f, p in (("left", fl, pv_l), ("right", fr, pv_r)):
        if np.isfinite(p) and p < POOR_FIT_PVALUE:
            warnings.append(
                f"the {name} side's line is a poor fit: chi2/dof = {float(f.chi2) / f.dof:.3g} (p = {p:.2g}); the "
                "profile is not linear there, the errors are underestimated, or exclude_nm is too small"
            )

    def span(mask: NDArray[np.bool_]) -> tuple[float, float]:
        return float(x[mask].min()), float(x[mask].max())

    return KapitzaJump(
        interface_nm=xi,
        heat_flow=flow,
        heat_flow_source=flow_source,
        delta_T=delta,
        delta_T_err=delta_err,
        T_left=float(fl.value),
        T_left_err=float(fl.value_err),
        T_right=float(fr.value),
        T_right_err=float(fr.value_err),
        T_upstream=float(up.value),
        T_downstream=float(down.value),
        gradient_left_k_per_nm=float(fl.slope),
        gradient_left_err_k_per_nm=float(fl.slope_err),
        gradient_right_k_per_nm=float(fr.slope),
        gradient_right_err_k_per_nm=float(fr.slope_err),
        kapitza_length_left_nm=lk_l,
        kapitza_length_left_err_nm=lk_l_err,
        kapitza_length_right_nm=lk_r,
        kapitza_length_right_err_nm=lk_r_err,
        gradient_given_k_per_nm=float("nan") if grad_given is None else grad_given,
        gradient_given_err_k_per_nm=float("nan") if grad_given is None else grad_given_err,
        kapitza_length_given_nm=float(lk_g),
        kapitza_length_given_err_nm=float(lk_g_err),
        heat_flux_w_m2=float("nan") if flux is None else flux,
        heat_flux_err_w_m2=float("nan") if flux is None else flux_err,
        resistance=float(r_k),
        resistance_err=float(r_err),
        conductance=float(g_k),
        conductance_err=float(g_err),
        exclude_nm=excl,
        fit_range_nm=float("inf") if frange is None else frange,
        left_range_nm=span(left),
        right_range_nm=span(right),
        n_left=int(left.sum()),
        n_right=int(right.sum()),
        chi2_reduced_left=float(fl.chi2) / fl.dof if fl.dof > 0 else float("nan"),
        chi2_reduced_right=float(fr.chi2) / fr.dof if fr.dof > 0 else float("nan"),
        pvalue_left=pv_l,
        pvalue_right=pv_r,
        fit_left=fl,
        fit_right=fr,
        warnings=tuple(warnings),
    )


def eels_profile(
    positions_nm: ArrayLike,
    temperature: ArrayLike,
    temperature_err: ArrayLike,
    valid: ArrayLike | None = None,
    *,
    window_mev: tuple[float, float] = (float("nan"), float("nan")),
    source: str = "array",
) -> EELSProfile:
    """An :class:`EELSProfile` from plain arrays (positions nm, temperatures K, errors K; all shape (n,))."""
    return EELSProfile(
        positions_nm=positions_nm,  # type: ignore[arg-type]
        temperature=temperature,  # type: ignore[arg-type]
        temperature_err=temperature_err,  # type: ignore[arg-type]
        valid=valid,
        window_mev=window_mev,
        source=source,
    )
