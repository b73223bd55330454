"""Vibrational STEM-EELS phonon thermometry: temperatures, jumps and Kapitza lengths from gain/loss spectra.

A monochromated STEM measures phonon creation (energy loss, E > 0) and annihilation (energy gain,
E < 0).  Detailed balance fixes their ratio, I_gain(E) / I_loss(E) = exp(-E / k_B T) (Idrobo et al.,
Phys. Rev. Lett. 120, 095901 (2018); Lagos & Batson, Nano Lett. 18, 4556 (2018)), so a spectrum
image is a temperature map without calibration.

Modules (data flows down the list):

- :mod:`.data` -- :class:`EELSData`, the one container: signed energy axis in meV (loss > 0), counts
  and their variances over the probe positions (nm).
- :mod:`.balance` -- the detailed-balance physics: Bose occupations, the gain/loss ratio, the
  quantum and classical cross-section forms, the error propagation dT/T = (kT/E) dr/r.
- :mod:`.read` -- files (DM3/DM4, Velox EMD, MSA, HSPY through rosettasciio; Nion; CSV; npy/npz).
- :mod:`.preprocess` -- zero-loss-peak centring, ZLP-tail background, binning and summing (its chain function,
  ``preprocess.preprocess``, is not re-exported here: the name would hide the module).
- :mod:`.core` -- the one temperature estimator over a block of spectra (pixels x channels): each spectrum centred
  on its own zero-loss peak, the joint tail + detailed-balance fit; every path below calls it.  Its parts:
  :mod:`.centring` (stage 1), :mod:`.tails` (the tail families), :mod:`.fit_region` (window, region, settings),
  :mod:`.lm` (the vectorised Levenberg-Marquardt engine) and :mod:`.reasons` (why a row has no temperature).
- :mod:`.joint` -- that estimator for one spectrum (:func:`fit_joint_temperature`), a line scan and a map.
- :mod:`.temperature` -- T from the gain/loss ratio of background-subtracted data (the older estimator, kept as an
  explicit option), per-band temperatures, a Bose-Einstein test.
- :mod:`.profile` -- temperature profiles and maps (the joint fit by default), the jump at an interface, Kapitza
  lengths.
- :mod:`.stream` -- temperature maps of images of any size, in chunks of rows (from memory, a memory map, or a
  file left on disk: :class:`~.data.LazyEELSData`, :func:`~.read.read_eels_lazy`).
- :mod:`.flows` -- forward vs reverse heat flow: per-mode asymmetries and their significance.
- :mod:`.forward` -- synthetic spectra from a phonon DOS (the forward model), and :mod:`.plan`.
"""

from __future__ import annotations

from .balance import bose_occupation, gain_loss_ratio, temperature_from_ratio
from .data import EELSData, LazyEELSData, eels_data
from .flows import FlowComparison, compare_flows
from .forward import (
    Acquisition,
    interface_temperatures,
    simulate_line_scan,
    simulate_spectrum,
    simulate_spectrum_image,
    simulate_stack,
    stack_rows,
)
from .joint import JointTemperatureFit, fit_joint_temperature, joint_map, joint_profile
from .plan import PlanTable, plan_experiment
from .preprocess import centre_zlp, remove_background, sum_along
from .profile import EELSProfile, KapitzaJump, TemperatureMap, analyze_profile, temperature_map, temperature_profile
from .read import read_eels, read_eels_lazy, write_eels
from .stream import stream_temperature_map
from .temperature import BandTemperatures, TemperatureFit, band_temperatures, fit_temperature

__all__ = [
    "Acquisition",
    "BandTemperatures",
    "EELSData",
    "EELSProfile",
    "FlowComparison",
    "JointTemperatureFit",
    "KapitzaJump",
    "LazyEELSData",
    "PlanTable",
    "TemperatureFit",
    "TemperatureMap",
    "analyze_profile",
    "band_temperatures",
    "bose_occupation",
    "centre_zlp",
    "compare_flows",
    "eels_data",
    "fit_joint_temperature",
    "fit_temperature",
    "gain_loss_ratio",
    "interface_temperatures",
    "joint_map",
    "joint_profile",
    "plan_experiment",
    "read_eels",
    "read_eels_lazy",
    "remove_background",
    "simulate_line_scan",
    "simulate_spectrum",
    "simulate_spectrum_image",
    "simulate_stack",
    "stack_rows",
    "stream_temperature_map",
    "sum_along",
    "temperature_from_ratio",
    "temperature_map",
    "temperature_profile",
    "write_eels",
]
