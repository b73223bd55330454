r"""Sensitivities S_p = d ln|signal| / d ln p: against finite differences, exact scaling laws, a closed form.

**The scaling laws** (exact for the model, whatever the difference scheme).  In each layer the Hankel-space
temperature varies as exp(+-q z) with q^2 = (k_r u^2 + i w C) / k_z, the layer's admittance is gamma = k_z q,
an interface adds 1/G to the impedance Z, and H = (1/2pi) int Z(u) exp(-u^2 (w0^2 + w1^2)/8) u du.

1. Every k, C and G times lambda: q is unchanged, so are the tanh(q d); gamma and G scale by lambda, so
   Z -> Z / lambda at every level and H -> H / lambda.  The phase and the ratio -V_in/V_out are unchanged,
   the amplitude (and V_in, V_out) fall as 1/lambda.  Taking d/d ln lambda at lambda = 1:
   sum over layers (S_k + S_C) + sum S_G = 0 (ratio, phase) and -1 (amplitude), where an anisotropic layer
   contributes S_kz + S_kr.
2. Every length (thicknesses, radii) times lambda, every k times lambda^2, every G times lambda, C fixed: all
   diffusion times d^2 C / k and the Kapitza lengths k / G scale as they must; in u' = lambda u,
   q -> q / lambda (q d unchanged), gamma -> lambda gamma, 1/G -> 1/(lambda G): Z(u'/lambda) -> Z(u') / lambda,
   and the Gaussian integral's measure u du gives another 1/lambda^2, so H -> H / lambda^3 (T ~ P / (k L)).
   Hence sum S_d + sum S_w + 2 sum S_k + sum S_G = 0 (ratio, phase) and -3 (amplitude).  A semi-infinite
   substrate has no thickness, so no S_d.

The TDTR pulse sum's own terms (the transducer's diffusion time, the asymptote a ~ 1/(w^2 sqrt(k C))) obey the
same laws, so they hold for TDTR too, up to the pulse sum's truncation (see sensitivity.py: S to ~1e-3).
"""

from __future__ import annotations

import importlib
import json
import math

import numpy as np
import pytest

from kapitza.analysis.thermoreflectance import Interface, Laser, Layer, Sample, observable
from kapitza.analysis.thermoreflectance import sensitivity as sensitivity_function
from kapitza.analysis.thermoreflectance.sensitivity import Sensitivity, default_names, sensitivity
from kapitza.errors import InputError

FREQUENCIES = np.geomspace(1e4, 3e7, 30)
DELAYS = np.geomspace(100e-12, 4e-9, 12)


def _three_layers() -> Sample:
    """Au / anisotropic film / finite Si substrate (adiabatic back), two interfaces, separate radii: every kind
    of parameter (d, C, k, kz/kr, G_<name>, w_pump, w_probe).  Values are typical of 300 K (Au 2.49e6 J m^-3
    K^-1, 150 W/m/K film; a layered film kz = 1, kr = 10; Si 1.66e6, 140)."""
    return Sample(
        (
            Layer("Au", 60e-9, 2.49e6, 150.0, 150.0),
            Layer("film", 200e-9, 2.0e6, 1.0, 10.0),
            Layer("Si", 50e-6, 1.66e6, 140.0, 140.0),
        ),
        (Interface("top", 5e7), Interface("bottom", 2e8)),
        Laser(8e-6, 4e-6, 80e6, 5e6),
    )


def _al_sapphire() -> Sample:
    """80 nm Al on sapphire, G = 100 MW m^-2 K^-1, one effective 10 um radius (the standard TDTR calibration
    sample of Cahill 2004; C, k near 300 K as in test_tr_model.py)."""
    return Sample(
        (Layer("Al", 80e-9, 2.42e6, 200.0, 200.0), Layer("sub", math.inf, 3.06e6, 35.0, 35.0)),
        (Interface("G", 1e8),),
        Laser(10e-6, 10e-6, 80e6, 9.8e6, effective_radius=True),
    )


@pytest.fixture(scope="module")
def tdtr_ratio() -> Sensitivity:
    """One TDTR sensitivity (29 model evaluations, ~10-20 s), shared by the TDTR checks."""
    return sensitivity(_al_sapphire(), "tdtr", DELAYS)


def _law_sums(sens: Sensitivity, sample: Sample) -> tuple[np.ndarray, np.ndarray]:
    """(sum of S_k + S_C + S_G, sum of S_d + S_w + 2 S_k + S_G) over the sample's parameters."""
    law1 = np.zeros(sens.x.size)
    law2 = np.zeros(sens.x.size)
    for name in sens.names:
        kind = name.partition("_")[0]
        s = sens.of(name)
        if kind in ("k", "kz", "kr"):
            law1 += s
            law2 += 2 * s
        elif kind == "C":
            law1 += s
        elif kind == "G":
            law1 += s
            law2 += s
        elif kind in ("d", "w"):
            law2 += s
    assert len(sample.interfaces) >= 1
    return law1, law2


# --- (a) against finite differences of the model -------------------------------------------------------
@pytest.mark.parametrize("quantity", ["phase", "amplitude"])
def test_fdtr_sensitivities_match_forward_differences(quantity, strict) -> None:
    """Each S_p vs (s(p e^h) - s(p)) / (h s(p)), h = 1e-5, straight from model.observable.

    Tolerance 1e-4 (absolute, S is O(1)): the forward difference's truncation is (h/2) s''/s ~ 5e-6 |S'|,
    its rounding the FDTR quadrature's ~1e-12 / h = 1e-7; the 4-point stencil is good to ~1e-10.
    """
    sample = _three_layers()
    sens = sensitivity(sample, "fdtr", FREQUENCIES, quantity=quantity)
    assert sens.names == default_names(sample)
    base = observable(sample, "fdtr", quantity, FREQUENCIES)
    np.testing.assert_allclose(sens.signal, base, rtol=1e-12)
    values = sample.parameters()
    h = 1e-5
    for name in sens.names:
        moved = observable(sample.with_parameters({name: values[name] * math.exp(h)}), "fdtr", quantity, FREQUENCIES)
        forward = (moved - base) / h
        np.testing.assert_allclose(sens.of(name), forward / base, atol=1e-4, rtol=0, err_msg=name)
        np.testing.assert_allclose(sens.absolute[sens.names.index(name)], forward, atol=1e-4 * np.abs(base).max())


def test_tdtr_sensitivities_match_forward_differences(tdtr_ratio) -> None:
    """TDTR ratio: S_p vs a forward difference (h = 1e-5) for the interface, the substrate and the transducer
    thickness.  Tolerance 3e-3: the pulse sum's truncation (a few 1e-6 of the ratio) moves with the
    transducer's parameters, and the two schemes see it differently (see sensitivity.py)."""
    sample = _al_sapphire()
    base = observable(sample, "tdtr", "ratio", DELAYS)
    values = sample.parameters()
    h = 1e-5
    for name in ("G", "k_sub", "d_Al"):
        moved = observable(sample.with_parameters({name: values[name] * math.exp(h)}), "tdtr", "ratio", DELAYS)
        np.testing.assert_allclose(tdtr_ratio.of(name), (moved - base) / (h * base), atol=3e-3, err_msg=name)


# --- (b) the exact scaling laws -------------------------------------------------------------------------
@pytest.mark.parametrize(("quantity", "target1", "target2"), [("phase", 0.0, 0.0), ("amplitude", -1.0, -3.0)])
def test_fdtr_scaling_laws(quantity, target1, target2, strict) -> None:
    """sum (S_k + S_C) + sum S_G = 0 / -1 and sum S_d + sum S_w + 2 sum S_k + sum S_G = 0 / -3 (module
    docstring), on a three-layer stack with an anisotropic film, a finite substrate, two interfaces and two
    radii.  Tolerance 1e-7: the laws are exact; the stencil and the quadrature are good to ~1e-9."""
    sample = _three_layers()
    sens = sensitivity(sample, "fdtr", FREQUENCIES, quantity=quantity)
    assert {"kz_film", "kr_film", "G_top", "G_bottom", "d_Si", "w_pump", "w_probe"} <= set(sens.names)
    law1, law2 = _law_sums(sens, sample)
    np.testing.assert_allclose(law1, target1, atol=1e-7)
    np.testing.assert_allclose(law2, target2, atol=1e-7)
    # not trivially: the single terms are O(0.1-1)
    assert sens.peak.max() > 0.3


def test_tdtr_ratio_scaling_laws(tdtr_ratio) -> None:
    """The same two laws for the TDTR ratio (both 0), Al on sapphire with one effective radius.  Tolerance
    3e-3: the pulse sum's truncation leaves S good to ~1e-3 (sensitivity.py)."""
    law1, law2 = _law_sums(tdtr_ratio, _al_sapphire())
    np.testing.assert_allclose(law1, 0.0, atol=3e-3)
    np.testing.assert_allclose(law2, 0.0, atol=3e-3)
    assert tdtr_ratio.peak.max() > 0.5


@pytest.mark.slow
def test_tdtr_in_phase_scaling_laws() -> None:
    """V_in per W falls as 1/lambda and 1/lambda^3 under the two scalings: the sums are -1 and -3."""
    sens = sensitivity(_al_sapphire(), "tdtr", DELAYS, quantity="in_phase")
    law1, law2 = _law_sums(sens, _al_sapphire())
    np.testing.assert_allclose(law1, -1.0, atol=3e-3)
    np.testing.assert_allclose(law2, -3.0, atol=3e-3)


# --- (c) physics ------------------------------------------------------------------------------------------
def test_bare_substrate_at_large_spot_is_one_dimensional(strict) -> None:
    """A semi-infinite substrate heated over a spot much wider than the thermal length sqrt(k / (pi f C))
    (here 1 mm vs <= 6 um) is 1-D: H = 4 / ((w0^2 + w1^2) e_) (i w)^-1/2, e_ = sqrt(k C) (Cahill 2004, the
    w -> inf limit of Eq. 11).  So the phase is -45 deg at every frequency, independent of k and C
    (S = 0, d phi/d ln p = 0), the amplitude has S_k = S_C = -1/2 and S_w0 = -2 w0^2 / (w0^2 + w1^2).
    Tolerances: the 3-D correction is of order (thermal length / w)^2 <= 4e-5 (relative), so 1e-4 relative on
    the phase and 1e-3 absolute on the sensitivities (which are O(1) or 0)."""
    sample = Sample((Layer("sub", math.inf, 3.06e6, 35.0, 35.0),), (), Laser(1.2e-3, 0.8e-3))
    f = np.geomspace(1e5, 1e7, 8)
    phase = sensitivity(sample, "fdtr", f)
    assert phase.names == ("C_sub", "k_sub", "w_pump", "w_probe")
    np.testing.assert_allclose(phase.signal, -45.0, rtol=1e-4)
    for name in ("C_sub", "k_sub"):
        np.testing.assert_allclose(phase.of(name), 0.0, atol=1e-3)
        # d phi / d ln p in degrees: 1e-4 of the 45 deg
        np.testing.assert_allclose(phase.absolute[phase.names.index(name)], 0.0, atol=45 * 1e-4)
    amp = sensitivity(sample, "fdtr", f, quantity="amplitude")
    np.testing.assert_allclose(amp.of("k_sub"), -0.5, atol=1e-3)
    np.testing.assert_allclose(amp.of("C_sub"), -0.5, atol=1e-3)
    w0, w1 = 1.2e-3, 0.8e-3
    np.testing.assert_allclose(amp.of("w_pump"), -2 * w0**2 / (w0**2 + w1**2), atol=1e-3)
    np.testing.assert_allclose(amp.of("w_probe"), -2 * w1**2 / (w0**2 + w1**2), atol=1e-3)


def test_tdtr_ratio_sees_the_interface_and_not_the_transducer_conductivity(tdtr_ratio) -> None:
    """Al on sapphire: the ratio is sensitive to G and to the substrate (|S| > 0.2), the transducer's own
    conductivity hardly matters (|S| < 0.05): the textbook picture of TDTR (Cahill 2004, Fig. 6)."""
    peaks = tdtr_ratio.peaks()
    assert peaks["G"] > 0.2 and peaks["k_sub"] > 0.2
    assert peaks["k_Al"] < 0.05
    assert list(peaks.values()) == sorted(peaks.values(), reverse=True)
    np.testing.assert_allclose(tdtr_ratio.peak, np.nanmax(np.abs(tdtr_ratio.sensitivity), axis=1))


# --- names, inputs, the result ---------------------------------------------------------------------------
def test_default_names_pick_one_conductivity_per_layer_and_skip_what_does_not_exist() -> None:
    """Isotropic: k_ (not kz_/kr_ too); anisotropic: kz_ and kr_; no d_ for a semi-infinite substrate;
    plain G for one interface; w for an effective radius; an infinite G (perfect contact) is left out."""
    assert default_names(_al_sapphire()) == ("d_Al", "C_Al", "k_Al", "G", "C_sub", "k_sub", "w")
    assert default_names(_three_layers()) == (
        "d_Au",
        "C_Au",
        "k_Au",
        "G_top",
        "d_film",
        "C_film",
        "kz_film",
        "kr_film",
        "G_bottom",
        "d_Si",
        "C_Si",
        "k_Si",
        "w_pump",
        "w_probe",
    )
    perfect = Sample(
        (Layer("Al", 80e-9, 2.42e6, 200.0, 200.0), Layer("sub", math.inf, 3.06e6, 35.0, 35.0)),
        (Interface("G", math.inf),),
        Laser(10e-6, 5e-6),
    )
    assert "G" not in default_names(perfect)


def test_names_may_be_chosen_and_the_result_is_frozen_and_saves(tmp_path) -> None:
    """A comma-separated string works like a list; the arrays are read-only; save(.json) round-trips."""
    sample = _three_layers()
    sens = sensitivity(sample, "fdtr", FREQUENCIES[:5], "G_top, kz_film")
    assert sens.names == ("G_top", "kz_film")
    assert sens.sensitivity.shape == sens.absolute.shape == (2, 5)
    assert sens.values["G_top"] == 5e7
    with pytest.raises(ValueError):
        sens.sensitivity[0, 0] = 1.0
    assert "Sensitivity(" in repr(sens) and len(repr(sens)) < 250
    sens.save(tmp_path / "s.json")
    doc = json.loads((tmp_path / "s.json").read_text())
    assert doc["kind"] == "Sensitivity" and doc["result"]["names"] == ["G_top", "kz_film"]
    assert sensitivity_function is sensitivity
    with pytest.raises(InputError, match="no sensitivity to 'G_bottom'"):
        sens.of("G_bottom")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": "xdtr"}, "mode must be one of tdtr, fdtr"),
        ({"quantity": "ratio"}, "fdtr quantity must be one of phase, amplitude"),
        ({"names": ["G_nope"]}, "unknown parameter 'G_nope'"),
        ({"names": ["G_top", "G_top"]}, "repeats G_top"),
        ({"names": []}, "names= is empty"),
        ({"step": 0.5}, "step must be between 1e-06 and 0.1 in ln p, got 0.5"),
        ({"step": "big"}, "step must be a number"),
        ({"x": [1e6, -1.0]}, "frequency must be finite and > 0"),
        ({"x": []}, "non-empty"),
        ({"rtol": 1.0}, "rtol must be between"),
    ],
)
def test_bad_input_is_refused_before_any_work(kwargs, message, monkeypatch) -> None:
    """Each bad argument is one InputError naming it; the model is never called."""
    # the package exports the function under the module's name: fetch the module itself
    module = importlib.import_module("kapitza.analysis.thermoreflectance.sensitivity")

    def boom(*args, **kw):
        raise AssertionError("the model ran")

    monkeypatch.setattr(module, "observable", boom)
    args = {"sample": _three_layers(), "mode": "fdtr", "x": FREQUENCIES, **kwargs}
    with pytest.raises(InputError, match=message):
        sensitivity(**args)


def test_infinite_parameters_and_long_delays_are_refused() -> None:
    """d of a semi-infinite substrate has nothing to vary; delays beyond the 12.5 ns pulse period do not exist."""
    with pytest.raises(InputError, match="d_sub is infinite"):
        sensitivity(_al_sapphire(), "fdtr", FREQUENCIES, ["d_sub"])
    with pytest.raises(InputError, match="pulse period 12.5 ns"):
        sensitivity(_al_sapphire(), "tdtr", [1e-9, 20e-9])


def test_ranking_peak_index_and_absolute_peak_follow_their_definitions() -> None:
    """Hand-made rows: |S| of G peaks at x[2] (0.9), of k at x[0] (0.5, its NaN ignored as for ``peak``), of d
    at x[1] (0.9, a tie with G, kept in the order of names); max |d signal / d ln p| is read off the rows."""
    s = np.array([[0.1, -0.3, 0.9], [-0.5, np.nan, 0.2], [0.0, -0.9, 0.4]])
    a = np.array([[1.0, -4.0, 2.0], [0.5, 0.1, -0.2], [3.0, 0.0, -7.0]])
    sens = Sensitivity(
        mode="fdtr",
        quantity="phase",
        x=np.array([1e4, 1e5, 1e6]),
        names=("G", "k", "d"),
        values={"G": 1e8, "k": 100.0, "d": 1e-7},
        signal=np.array([-1.0, -2.0, -3.0]),
        sensitivity=s,
        absolute=a,
        peak=np.array([0.9, 0.5, 0.9]),
        step=1e-3,
    )
    assert sens.ranking() == (0, 2, 1)
    assert list(sens.peaks()) == ["G", "d", "k"]
    assert sens.peak_index.tolist() == [2, 0, 1] and not sens.peak_index.flags.writeable
    assert sens.absolute_peak.tolist() == [4.0, 0.5, 7.0] and not sens.absolute_peak.flags.writeable
