"""Issue 25, hostile inputs of the device commands, the stack and the temperature options.

Each case comes from the hostile run of 560 inputs: before, a 5,000-layer stack ran unbounded (killed at 90 s),
``device hotspot --domain-width 1e308m`` printed nan K, ``device pcm --radius 1e308`` ended in ZeroDivisionError
and 1e12 K was accepted silently.  Now: one line on stderr naming the value and what is allowed, exit 2.

The bounds: lengths from :data:`kapitza._checks.MIN_LENGTH` (1e-11 m, a tenth of the shortest bond) to
:data:`~kapitza._checks.MAX_LENGTH` (10 m, larger than any device); temperatures up to
:data:`kapitza.prediction.settings.MAX_TEMPERATURE` (1e5 K, twenty times the highest melting point of any solid);
stacks up to :data:`kapitza.devices.stack.MAX_LAYERS` (1,000) layers.
"""

from __future__ import annotations

import time

import pytest

from kapitza import _checks
from kapitza.devices.stack import MAX_LAYERS
from kapitza.errors import InputError
from kapitza.prediction.settings import MAX_TEMPERATURE, check_temperature_bound


def assert_one_line_error(status: int, err: str, *words: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert status == 2, err
    assert len(lines) == 1 and lines[0].startswith("kapitza: error: "), err
    assert "Traceback" not in err and "nan" not in lines[0].lower().split()
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def _stack_file(path, layers: int, *, conductivity: bool = True) -> None:
    parts = ["heat_flux = 1e8\nsink_temperature = 300.0\n"]
    for i in range(layers):
        kappa = f"conductivity = {10.0 + i % 7}\n" if conductivity else 'material = "Si"\n'
        parts.append(f"[[layer]]\nname = 'L{i}'\n{kappa}thickness_nm = 10.0\n")
    parts += ["[[interface]]\nresistance = 1e-9\n"] * (layers - 1)
    path.write_text("".join(parts))


# ---- item 1: a stack of thousands of layers -----------------------------------------------------------------


def test_a_5000_layer_stack_is_refused_at_once(cli, tmp_path):
    """Before: unbounded (killed at 90 s).  Now refused while reading the file, naming the limit."""
    path = tmp_path / "big.toml"
    _stack_file(path, 5000)
    start = time.perf_counter()
    line = assert_one_line_error(*cli("stack", path)[::2], "5,000 layers", f"at most {MAX_LAYERS:,}")
    assert "superlattice" in line  # the remedy for many periods
    assert time.perf_counter() - start < 10.0


def test_a_long_stack_prints_its_largest_terms_not_thousands_of_rows(cli, tmp_path):
    """300 layers (599 terms): the text shows the 40 largest terms and says so; --json keeps every layer."""
    path = tmp_path / "long.toml"
    _stack_file(path, 300)
    status, out, err = cli("stack", path)
    assert status == 0, err
    text = " ".join(out.split())
    assert "the 40 largest of 599 terms" in text and "--json lists all" in text
    assert "Kapitza lengths and interface temperatures of the 299 interfaces: --json" in text
    # the largest layer resistance (k = 10 W/m/K, d = 10 nm -> 1e-9 m^2 K/W) is shown, the table is short
    assert len(out.splitlines()) < 120
    import json

    doc = json.loads(cli("stack", path, "--json")[1])
    assert len(doc["layers"]) == 300 and len(doc["interfaces"]) == 299


def test_the_layer_bound_is_in_the_library_too():
    from kapitza.devices.stack import make_stack

    with pytest.raises(InputError, match="at most 1,000 layers"):
        make_stack([{"conductivity": 1.0, "thickness": 1e-9}] * (MAX_LAYERS + 1), [0.0] * MAX_LAYERS)


# ---- item 3: device lengths ----------------------------------------------------------------------------------

HOTSPOT = ("device", "hotspot", "--layer", "GaN=160:2um", "--layer", "SiC=370:100um", "--interface", "3e-8",
           "--power", "5W/mm")  # fmt: skip
SL = ("device", "superlattice", "--ka", "148", "--kb", "60", "--db", "5", "-R", "3e-9")
CO = ("device", "composite", "--km", "10", "--kp", "100", "-R", "1e-8", "-f", "0.2")
PC = ("device", "polycrystal", "--k0", "148", "-R", "1e-9")


@pytest.mark.parametrize(
    "args, words",
    [
        ((*HOTSPOT, "--width", "1um", "--domain-width", "1e308m"), ("--domain-width", "1e-11 to 10 m")),
        ((*HOTSPOT, "--width", "1e308m"), ("--width",)),
        ((*HOTSPOT, "--width", "1um", "--sweep-width", "1um,1e300m"), ("--sweep-width",)),
        (("device", "hotspot", "--layer", "160:1e308m", "--width", "1um", "--power", "1W/mm"), ("--layer",)),
        (("device", "pcm", "--radius", "1e308"), ("radius", "1e+308 m")),
        (("device", "pcm", "--radius", "1e-300"), ("radius", "1e-300 m")),
        (("device", "nanofluidic", "--wall-thickness", "1e308"), ("--wall-thickness", "1e-11 to 10 m")),
        (("device", "nanofluidic", "--height", "1e308"), ("height",)),
        (("device", "cryogenic", "--thickness", "1e308"), ("thickness",)),
        (("device", "contact", "--roughness", "1e300,1"), ("--roughness", "1e-11 to 10 m")),
        ((*SL, "--da", "1e300"), ("--da", "1e-11 to 10 m")),
        ((*SL, "--da", "5", "--sweep", "1:1e300"), ("--sweep", "1e-11 to 10 m")),
        ((*CO, "--radius", "1e300"), ("--radius", "1e-11 to 10 m")),
        ((*PC, "--grain", "1e305"), ("--grain", "1e-11 to 10 m")),
        (("device", "film", "--film", "Al", "--substrate", "Si", "--substrate-thickness", "1e300"), ("thickness",)),
        (
            ("device", "film", "--film", "Al", "--substrate", "Si", "--thickness", "1e300"),
            ("--thickness", "1e-11 to 10 m"),
        ),
    ],
    ids=lambda a: " ".join(a[-2:]) if isinstance(a, tuple) and len(a) > 2 else None,
)
def test_device_lengths_out_of_any_device_are_refused(cli, args, words):
    """Before: nan K (hotspot), ZeroDivisionError (pcm), inf K (cryogenic), U = 1.4e-308 (nanofluidic)."""
    assert_one_line_error(*cli(*args)[::2], *words)


def test_the_length_bounds_keep_every_real_device():
    """An 0.1 nm monolayer and a 30 cm wafer pass; a tenth of the shortest bond (H2, 0.074 nm) bounds below."""
    assert _checks.length(1e-10, "d") == 1e-10 and _checks.length(0.3, "d") == 0.3
    assert _checks.length(0.0, "wall", zero=True) == 0.0
    assert _checks.MIN_LENGTH < 0.074e-9 / 5 and _checks.MAX_LENGTH >= 1.0
    for bad in (1e-12, 11.0, 1e308):
        with pytest.raises(InputError, match="1e-11 to 10 m"):
            _checks.length(bad, "d")


# ---- item 5: temperatures ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("predict", "Al", "Si", "-t", "1e12"),
        ("predict", "Al", "Si", "-t", "10,300,1e12"),
        ("predict", "Al", "Si", "-t", "1:1e12:5"),
        (*HOTSPOT, "--width", "1um", "--sink-temperature", "1e12"),
        ("device", "pcm", "--ambient", "1e12", "--melting", "2e12"),
        ("device", "nanofluidic", "--temperature", "1e12"),
        ("device", "thermoelectric", "--temperature", "1e12"),
        ("device", "cryogenic", "--bath", "1e12"),
        ("device", "spin", "--temperature", "1e12"),
        ("device", "contact", "--temperature", "1e12"),
        ("device", "film", "--film", "Al", "--substrate", "Si", "--sink-temperature", "1e12"),
        ((*SL, "--da", "5", "-t", "1e12")),
        ((*PC, "--grain", "100", "-t", "1e12")),
    ],
    ids=lambda a: " ".join(a[:2]) + " " + " ".join(a[-2:]),
)
def test_temperatures_above_1e5_k_are_refused(cli, args):
    """Before: 1e12 K accepted silently.  Now one line naming the value and the bound."""
    assert_one_line_error(*cli(*args)[::2], "1e+12 K", "100000 K")


def test_a_stack_sink_above_the_bound_is_refused(cli, tmp_path):
    path = tmp_path / "s.toml"
    _stack_file(path, 2)
    assert_one_line_error(*cli("stack", path, "--sink-temperature", "1e12")[::2], "1e+12 K")


def test_the_temperature_bound_lets_every_solid_through():
    """4,300 K (above the highest melting point, HfC/TaC) passes; the bound itself passes; just above does not."""
    check_temperature_bound([1e-3, 300.0, 4300.0, MAX_TEMPERATURE])
    with pytest.raises(InputError, match="above 100000 K"):
        check_temperature_bound(MAX_TEMPERATURE * 1.001, "T")
    assert MAX_TEMPERATURE / 4300.0 > 20


# ---- other device numbers that printed nonsense or a traceback in a sweep of every option at 1e+-308 -----------


@pytest.mark.parametrize(
    "args, words",
    [
        (("device", "nanofluidic", "--fluid-conductivity", "1e308"), ("conductivity", "1e+308")),  # ZeroDivisionError
        (("device", "nanofluidic", "--resistance-2", "1e308"), ("interface resistance R",)),  # ZeroDivisionError
        (("device", "spin", "--r-up", "1e-308"), ("interface resistance R",)),  # OverflowError
        (("device", "contact", "--resistance", "1e-308"), ("interface resistance R",)),  # OverflowError
        (("device", "contact", "--conductivity", "1e-308"), ("conductivity",)),  # ZeroDivisionError
        (("device", "pcm", "--cell-conductivity", "1e-308"), ("conductivity",)),  # centre rise nan K
        (("device", "cryogenic", "--area", "1e308"), ("area",)),  # q = 1e-310 W/m^2
        ((*HOTSPOT[:-2], "--width", "1um", "--power", "1e10W/mm"), ("heat flux", "1e+15")),  # overflow warnings
        (
            (
                "device",
                "hotspot",
                "--layer",
                "160:2um",
                "--layer",
                "1:1um",
                "--interface",
                "1e3",
                "--width",
                "1um",
                "--power",
                "5W/mm",
            ),
            ("would reach", "100000 K"),
        ),  # fmt: skip
    ],
    ids=lambda a: " ".join(a[1:2] + a[-2:]) if isinstance(a, tuple) and len(a) > 2 else None,
)
def test_conductivities_resistances_and_fluxes_out_of_any_material_are_refused(cli, args, words):
    assert_one_line_error(*cli(*args)[::2], *words)


def test_resistance_and_conductivity_bounds_keep_real_values():
    """R = 0 (perfect contact), 1e-9 (a good interface), 1e3 (a solid in helium at ~10 mK) pass; kappa of
    air (0.026) and of copper's low-T peak (~2.5e4, kapitza's own table) pass."""
    for r in (0.0, 1e-14, 1e-9, 1e3):
        assert _checks.resistance(r, "R") == r
    for k in (0.026, 1.5, 2.49e4):
        assert _checks.conductivity(k, "k") == k
    for r in (1e-15, 1e7):
        with pytest.raises(InputError, match="must be 0 or 1e-14 to 1e"):
            _checks.resistance(r, "R")


def test_solve_stack_reports_progress_after_every_layer():
    """The CLI's progress bar (on a terminal) is fed once per layer, ending at n of n."""
    from kapitza.devices.stack import make_stack, solve_stack

    stack = make_stack([{"conductivity": 1.0 + i, "thickness": 1e-8} for i in range(5)], [1e-9] * 4)
    calls = []
    solve_stack(stack, 1e6, 300.0, progress=lambda stage, done, total: calls.append((stage, done, total)))
    assert calls == [("layers", i, 5) for i in range(1, 6)]


@pytest.mark.parametrize("call", ["predict", "predict_model", "shares"])
def test_the_library_refuses_1e12_kelvin_too(call):
    """The CLI's bound (prediction.settings.MAX_TEMPERATURE) is the library's: predict(..., 1e12) used to return
    numbers for a solid at 1e12 K."""
    import kapitza
    from kapitza.errors import InputError
    from kapitza.prediction.api import predict_model, shares

    fn = {"predict": kapitza.predict, "predict_model": predict_model, "shares": shares}[call]
    with pytest.raises(InputError, match="above 100000 K"):
        fn("Al", "Si", [300.0, 1e12])
    assert fn("Al", "Si", [300.0, 1e5]) is not None  # the bound itself is accepted
