"""Make the example data files of examples/thermoreflectance/ from kapitza's own model.

    python examples/thermoreflectance/make_examples.py

Each data file is the model (kapitza.analysis.thermoreflectance.model) for the sample file beside
it, with the "true" values below in place of the sample file's starting values, plus Gaussian noise
of the stated size drawn with a fixed seed; the first line of each data file (a title) states the
true values and the noise.  Running it again rewrites the same files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kapitza.analysis.thermoreflectance.inputs import read_sample
from kapitza.analysis.thermoreflectance.model import fdtr_signal, tdtr_signal
from kapitza.io.atomic import atomic_write_text

HERE = Path(__file__).resolve().parent
SEED = 14

#: True values of the synthetic TDTR data (the rest as in tdtr_sample.toml), SI.
TDTR_TRUE = {"G": 1.5e8}
#: Relative 1-sigma noise of the TDTR ratio.
TDTR_RATIO_NOISE = 0.01
#: Lock-in signal scale (uV per K/W of the model) and the absolute noise of V_in and V_out, uV.
LOCKIN_SCALE_UV, LOCKIN_NOISE_UV = 0.01, 0.005
#: True values of the synthetic FDTR data (the rest as in fdtr_sample.toml), SI.
FDTR_TRUE = {"G": 8e7}
#: 1-sigma noise of the FDTR phase, degrees, and relative noise of the amplitude.
FDTR_PHASE_NOISE_DEG, FDTR_AMPLITUDE_NOISE = 0.2, 0.005


def _true(values: dict[str, float]) -> str:
    return ", ".join(f"{k} = {v:g}" for k, v in values.items())


def _write(name: str, title: str, header: str, columns: list[np.ndarray], formats: list[str]) -> None:
    lines = [f"# {title}", header]
    for row in zip(*columns, strict=True):
        lines.append("  ".join(f % v for f, v in zip(formats, row, strict=True)))
    atomic_write_text(HERE / name, "\n".join(lines) + "\n")


def main() -> None:
    rng = np.random.default_rng(SEED)

    sample = read_sample(HERE / "tdtr_sample.toml").with_parameters(TDTR_TRUE)
    delay = np.geomspace(100e-12, 4e-9, 40)
    signal = tdtr_signal(sample, delay)
    ratio = signal.ratio * (1 + TDTR_RATIO_NOISE * rng.standard_normal(delay.size))
    sigma = TDTR_RATIO_NOISE * signal.ratio
    _write(
        "tdtr_ratio.txt",
        f"{sample.title}; synthetic (make_examples.py, seed {SEED}): true {_true(TDTR_TRUE)} W m^-2 K^-1, "
        f"the rest as in tdtr_sample.toml; Gaussian noise {TDTR_RATIO_NOISE:.0%} of the ratio",
        "Delay (ps)  Ratio  sigma",
        [delay * 1e12, ratio, sigma],
        ["%8.2f", "%.5f", "%.5f"],
    )
    vin = LOCKIN_SCALE_UV * signal.in_phase + LOCKIN_NOISE_UV * rng.standard_normal(delay.size)
    vout = LOCKIN_SCALE_UV * signal.out_of_phase + LOCKIN_NOISE_UV * rng.standard_normal(delay.size)
    _write(
        "tdtr_lockin.txt",
        f"{sample.title}; synthetic (make_examples.py, seed {SEED}): true {_true(TDTR_TRUE)} W m^-2 K^-1, "
        f"the rest as in tdtr_sample.toml; lock-in signals {LOCKIN_SCALE_UV:g} uV per K/W with Gaussian noise "
        f"{LOCKIN_NOISE_UV:g} uV each",
        "Delay (ps)  Vin (uV)  Vout (uV)",
        [delay * 1e12, vin, vout],
        ["%8.2f", "%.5f", "%.5f"],
    )

    sample = read_sample(HERE / "fdtr_sample.toml").with_parameters(FDTR_TRUE)
    frequency = np.geomspace(1e5, 2e7, 30)
    fsig = fdtr_signal(sample, frequency)
    lag = -fsig.phase_deg + FDTR_PHASE_NOISE_DEG * rng.standard_normal(frequency.size)
    amplitude = fsig.amplitude / fsig.amplitude[0] * (1 + FDTR_AMPLITUDE_NOISE * rng.standard_normal(frequency.size))
    _write(
        "fdtr_phase.txt",
        f"{sample.title}; synthetic (make_examples.py, seed {SEED}): true {_true(FDTR_TRUE)} W m^-2 K^-1, "
        f"the rest as in fdtr_sample.toml; Theta is the phase lag (positive), Gaussian noise "
        f"{FDTR_PHASE_NOISE_DEG:g} degree; R normalized to its first value, noise {FDTR_AMPLITUDE_NOISE:.1%}",
        "Frequency (Hz)  Theta (degree)  R (normalized)",
        [frequency, lag, amplitude],
        ["%.6e", "%.4f", "%.5f"],
    )


if __name__ == "__main__":
    main()
