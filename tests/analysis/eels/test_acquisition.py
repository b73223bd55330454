"""The EELS forward model's one settings record (issue 85, item 1): :class:`Acquisition` is taken by every simulator
(a spectrum, a line scan, a plane scan), whole or by its fields as keywords, checked when made; the command line's
acquisition options default to its fields."""

from __future__ import annotations

import inspect
from dataclasses import fields

import numpy as np
import pytest

from kapitza.analysis.eels import Acquisition, simulate_line_scan, simulate_spectrum
from kapitza.analysis.eels.forward import simulate_plane_scan
from kapitza.errors import InputError

E = np.linspace(0.0, 60.0, 121)
D = E**2 * (E < 50)


def test_the_record_and_its_keywords_give_the_same_spectrum():
    whole = simulate_spectrum(E, D, 300.0, acquisition=Acquisition(resolution_mev=4.0, dose=1e7), noise=False)
    keywords = simulate_spectrum(E, D, 300.0, resolution_mev=4.0, dose=1e7, noise=False)
    np.testing.assert_array_equal(whole.counts, keywords.counts)
    both = simulate_spectrum(E, D, 300.0, acquisition=Acquisition(dose=1e7), resolution_mev=4.0, noise=False)
    np.testing.assert_array_equal(both.counts, keywords.counts)
    assert whole.metadata["resolution_mev"] == 4.0 and whole.metadata["dose"] == 1e7


def test_the_line_scan_takes_the_same_record():
    x = np.linspace(-5.0, 5.0, 5)
    scan = dict(positions_nm=x, temperature_k=300.0, dos_left=(E, D), dos_right=(E, D), interface_nm=0.0)
    a = simulate_line_scan(**scan, acquisition=Acquisition(channel_mev=1.0), noise=False)
    b = simulate_line_scan(**scan, channel_mev=1.0, noise=False)
    np.testing.assert_array_equal(a.counts, b.counts)


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"dose": -1.0}, "dose= must be > 0"),
        ({"signal_fraction": 0.7}, "signal_fraction= must be below 0.5"),
        ({"zlp_tail_exponent": 1.0}, "zlp_tail_exponent= must be > 1"),
        ({"form": "semi"}, "unknown cross-section form"),
    ],
)
def test_a_bad_setting_is_refused_when_the_record_is_made(settings, words):
    with pytest.raises(InputError, match=words):
        Acquisition(**settings)
    with pytest.raises(InputError, match=words):
        simulate_spectrum(E, D, 300.0, **settings)


def test_an_unknown_keyword_or_a_record_of_another_kind_is_one_line():
    with pytest.raises(InputError, match="unknown setting 'resolution'; an acquisition's are"):
        simulate_spectrum(E, D, 300.0, resolution=4.0)
    with pytest.raises(InputError, match="acquisition must be an Acquisition"):
        simulate_spectrum(E, D, 300.0, acquisition={"dose": 1e6})


def test_a_plane_scan_refuses_an_offset_its_spectra_do_not_have():
    planes = np.linspace(-2.0, 2.0, 5)
    with pytest.raises(InputError, match="zlp_offset_mev= does not apply to a plane scan"):
        simulate_plane_scan(planes, E, np.tile(D, (5, 1)), np.full(5, 300.0), zlp_offset_mev=1.0)


def test_the_command_lines_acquisition_options_default_to_the_records_fields():
    """``kapitza eels simulate --resolution --dose``: the options that set an Acquisition field default to it."""
    from kapitza.cli.eels import simulate_command

    defaults = {f.name: f.default for f in fields(Acquisition)}
    options = {p.name: p.default for p in inspect.signature(simulate_command).parameters.values()}
    assert options["resolution"] == defaults["resolution_mev"]
    assert options["dose"] == defaults["dose"]
