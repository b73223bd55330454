"""Spectral heat current of a kapitza NEMD run: q(omega), g(omega) = q / Delta T, the sum rule, and comparisons.

Reads the ``spectral/`` folder of a run directory (``setup.npz`` and one ``block_NNNNN.npz`` per finished
production block; the layout is written by :mod:`kapitza.md.spectral`, the Fourier conventions are those of
:mod:`kapitza.spectra`) and the rest of the run through :func:`kapitza.analysis.md.response.analyze_run`.

Sign convention: everything is taken from side A (side 1, below the interface plane) to side B.  ``q > 0`` is
heat flowing A -> B; ``Delta T = T_A - T_B`` at the sampled interface, so ``g = q / Delta T`` is positive for a
forward run (hot bath in A) and for a reverse one (hot bath in B, q < 0 and Delta T < 0) alike.

Display units: LJ runs stay in reduced units (omega in rad/tau, q in epsilon/(tau sigma^2) per (rad/tau), g in
k_B/(tau sigma^2) per (rad/tau)); metal runs are converted to SI (omega in rad/s, q in W m^-2 per (rad/s), g in
W m^-2 K^-1 per (rad/s)).  Integrals over omega (the Parseval sums of :func:`kapitza.spectra.integrate`) then
give a flux or a conductance in the units of :mod:`kapitza.analysis.md.units`.
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ... import spectra
from ...errors import InputError
from ...io.results import result
from ...io.spectral_layout import BLOCK_PATTERN, SETUP_FILE, SPECTRAL_DIR, block_file
from ...units import AMU, ANGSTROM, EV, KB, rad_s_to_thz, thz_to_rad_s
from .response import RunAnalysis, analyze_run
from .units import unit_system

#: Default Gaussian smoothing: standard deviation of this many frequency bins.
DEFAULT_SMOOTHING_BINS = 3.0
#: Time unit of each supported run unit system in seconds (LJ: no SI value).
_TIME_TO_SI = {"lj": None, "metal": 1e-12}
#: Kinetic energy of 1 mass unit x (length unit / time unit)^2 in the energy unit (LAMMPS's mvv2e): plane_ke is
#: written as sum m v^2 / 2 in mass x velocity^2 units (amu A^2 ps^-2 for metal), read here into energy units.
_MVV2E = {"lj": 1.0, "metal": AMU * (ANGSTROM / 1e-12) ** 2 / EV}
#: Boltzmann constant in the energy/temperature units of each run unit system.
_KB = {"lj": 1.0, "metal": KB / EV}
_SETUP_KEYS = ("ids", "side", "plane", "plane_z", "plane_first", "masses", "units", "sample_every", "timestep")
_BLOCK_KEYS = ("omega", "q_harmonic", "plane_ke", "plane_atoms")


def display_factors(units: str) -> tuple[float, float, str, str, str]:
    """(omega factor, q-per-area factor, omega unit, q unit, g unit) that take run units to display units.

    ``q`` per area in run units (energy/time/length^2 per rad/time) times the q factor gives the display unit.
    """
    if units == "lj":
        return (
            1.0,
            1.0,
            "rad/tau",
            "epsilon/(tau sigma^2) per (rad/tau)",
            "k_B/(tau sigma^2) per (rad/tau)",
        )
    if units == "metal":
        flux = unit_system("metal").flux_to_si
        assert flux is not None
        time = _TIME_TO_SI["metal"]
        assert time is not None
        return 1.0 / time, flux * time, "rad/s", "W m^-2 per (rad/s)", "W m^-2 K^-1 per (rad/s)"
    raise InputError(f"spectral runs must use units lj or metal, got {units!r}")


def run_omega_from_thz(frequency_thz: ArrayLike, units: str) -> NDArray[np.float64]:
    """Ordinary frequencies (THz) -> angular frequencies in a metal run's own unit (rad/ps)."""
    if units != "metal":
        raise InputError(f"frequencies in THz need a run in units metal, got units {units}")
    return thz_to_rad_s(frequency_thz) / display_factors(units)[0]


def readable_frequencies(omega: ArrayLike, units: str) -> tuple[NDArray[np.float64], str]:
    """Angular frequencies in a run's display unit -> (values, unit) for printing.

    ``omega`` is in the display unit of :func:`display_factors` (rad/tau for lj, rad/s for metal).  Metal runs are
    printed in THz (f = omega / 2 pi, :func:`kapitza.units.rad_s_to_thz`); LJ runs stay in rad/tau.  The array
    returned is read-only.
    """
    unit = display_factors(units)[2]
    w = np.array(omega, dtype=float)
    if units == "metal":
        w, unit = rad_s_to_thz(w), "THz"
    w.flags.writeable = False
    return w, unit


def boltzmann(units: str) -> float:
    """k_B in the energy per temperature unit of a run's unit system (lj: 1; metal: eV/K)."""
    if units not in _KB:
        raise InputError(f"spectral runs must use units lj or metal, got {units!r}")
    return _KB[units]


@result
class SpectralRun:
    """The spectral blocks of one run, as written (run units, totals over the cross-section).

    Attributes
    ----------
    run_dir : str
    units : str
        ``"lj"`` or ``"metal"``.
    omega : ndarray, shape (nf,)
        Angular frequencies, rad per run time unit.
    n_samples, dt : int, float
        Samples per block and the sampling interval (time unit): the grid of :func:`kapitza.spectra.frequencies`.
    blocks : ndarray of int, shape (nb,)
        Block numbers, 1 .. nb.
    q_harmonic : ndarray, shape (nb, nf)
        Spectral heat current A -> B of the harmonic forces per block (energy/time per rad/time, total).
    q_force : ndarray, shape (nb, nf), or None
        The force-velocity form (pair potentials only).
    power_force : ndarray, shape (nb,), or None
        Time-domain mean power of the force form per block (energy/time).
    plane_ke : ndarray, shape (nb, n_planes, nf)
        Kinetic-energy spectral density of each plane (energy per rad/time).
    plane_atoms : ndarray of int, shape (n_planes,)
    plane_index : ndarray of int, shape (n_planes,)
        Plane index relative to the interface (-1 = last plane of A, 0 = first plane of B).
    plane_z : ndarray, shape (n_planes,)
        Site z of each plane relative to the interface plane (length unit).
    """

    run_dir: str
    units: str
    omega: NDArray[np.float64]
    n_samples: int
    dt: float
    blocks: NDArray[np.int64]
    q_harmonic: NDArray[np.float64]
    q_force: NDArray[np.float64] | None
    power_force: NDArray[np.float64] | None
    plane_ke: NDArray[np.float64]
    plane_atoms: NDArray[np.int64]
    plane_index: NDArray[np.int64]
    plane_z: NDArray[np.float64]

    _summary_fields: ClassVar[tuple[str, ...]] = ("run_dir", "units", "n_samples")

    @property
    def d_omega(self) -> float:
        """Width of one frequency bin (rad per run time unit)."""
        return spectra.frequency_step(self.n_samples, self.dt)

    def select(self, first_block: int) -> SpectralRun:
        """The same run without the blocks before ``first_block`` (block numbers start at 1)."""
        keep = self.blocks >= first_block
        if keep.sum() < 2:
            raise InputError(
                f"first_block={first_block} leaves {int(keep.sum())} spectral blocks; at least 2 are needed "
                "for a block-to-block error"
            )
        return SpectralRun(
            run_dir=self.run_dir,
            units=self.units,
            omega=self.omega,
            n_samples=self.n_samples,
            dt=self.dt,
            blocks=self.blocks[keep],
            q_harmonic=self.q_harmonic[keep],
            q_force=None if self.q_force is None else self.q_force[keep],
            power_force=None if self.power_force is None else self.power_force[keep],
            plane_ke=self.plane_ke[keep],
            plane_atoms=self.plane_atoms,
            plane_index=self.plane_index,
            plane_z=self.plane_z,
        )


def _load_npz(path: Path) -> dict[str, NDArray[Any]]:
    try:
        with np.load(path, allow_pickle=False) as data:
            return {k: np.asarray(data[k]) for k in data.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise InputError(f"{str(path)!r} is not a readable spectral file (partly written?): {exc}") from None


def read_spectral_run(run_dir: str | Path, max_blocks: int | None = None) -> SpectralRun:
    """The spectral blocks of a run directory, checked (refuses missing, partial or mismatched files).

    Parameters
    ----------
    run_dir : path-like
        A kapitza run directory with a ``spectral/`` folder.
    max_blocks : int, optional
        Use only blocks 1 .. max_blocks (e.g. the blocks the profile holds: a block's spectrum is written just
        before the block is marked done, so an interrupted run may hold one more).
    """
    folder = Path(run_dir) / SPECTRAL_DIR
    if not folder.is_dir():
        raise InputError(f"run directory {str(run_dir)!r} has no {SPECTRAL_DIR}/ folder (spectral_every = 0?)")
    setup_path = folder / SETUP_FILE
    if not setup_path.is_file():
        raise InputError(f"{str(folder)!r} has no {SETUP_FILE}")
    setup = _load_npz(setup_path)
    missing = [k for k in _SETUP_KEYS if k not in setup]
    if missing:
        raise InputError(f"{str(setup_path)!r} lacks {', '.join(missing)}")
    units = str(setup["units"])
    boltzmann(units)
    n_samples = int(setup["n_samples"]) if "n_samples" in setup else 0
    dt = float(setup["sample_every"]) * float(setup["timestep"])
    numbers = sorted(int(m.group(1)) for p in folder.iterdir() if (m := BLOCK_PATTERN.match(p.name)))
    if max_blocks is not None:
        numbers = [b for b in numbers if b <= max_blocks]
    if not numbers:
        raise InputError(f"{str(folder)!r} holds no spectral blocks yet")
    if numbers != list(range(1, len(numbers) + 1)):
        gaps = sorted(set(range(1, numbers[-1] + 1)) - set(numbers))
        raise InputError(f"{str(folder)!r}: spectral blocks {', '.join(map(str, gaps[:5]))} are missing")
    if max_blocks is not None and len(numbers) < max_blocks:
        raise InputError(
            f"{str(folder)!r} holds {len(numbers)} spectral blocks but the run has {max_blocks}: the files of "
            f"blocks {len(numbers) + 1} .. {max_blocks} are missing"
        )
    plane_z = np.asarray(setup["plane_z"], dtype=float)
    n_planes = plane_z.size
    plane_index = int(setup["plane_first"]) + np.arange(n_planes)
    omega = None
    qh, qf, pf, ke = [], [], [], []
    atoms = None
    for b in numbers:
        path = folder / block_file(b)
        d = _load_npz(path)
        lack = [k for k in _BLOCK_KEYS if k not in d]
        if lack:
            raise InputError(f"{str(path)!r} lacks {', '.join(lack)}")
        w = np.asarray(d["omega"], dtype=float)
        if omega is None:
            omega = w
            if n_samples == 0:
                n_samples = 2 * (w.size - 1)
            expected = spectra.frequencies(n_samples, dt)
            if w.shape != expected.shape or not np.allclose(w, expected, rtol=1e-9, atol=0):
                raise InputError(
                    f"{str(path)!r}: its frequency grid does not match n_samples={n_samples} and a sampling "
                    f"interval of {dt:g} from {SETUP_FILE}"
                )
            atoms = np.asarray(d["plane_atoms"], dtype=np.int64)
        elif w.shape != omega.shape or not np.array_equal(w, omega):
            raise InputError(f"{str(path)!r}: its frequency grid differs from block 1's")
        nf = omega.size
        for key in ("q_harmonic",) + (("q_force",) if "q_force" in d else ()):
            if d[key].shape != (nf,):
                raise InputError(f"{str(path)!r}: {key} has shape {d[key].shape}, expected ({nf},)")
        if d["plane_ke"].shape != (n_planes, nf):
            raise InputError(f"{str(path)!r}: plane_ke has shape {d['plane_ke'].shape}, expected ({n_planes}, {nf})")
        if not np.array_equal(np.asarray(d["plane_atoms"]), atoms):
            raise InputError(f"{str(path)!r}: plane_atoms differ from block 1's")
        qh.append(np.asarray(d["q_harmonic"], dtype=float))
        if "q_force" in d:
            qf.append(np.asarray(d["q_force"], dtype=float))
            pf.append(float(d["power_force"]) if "power_force" in d else float("nan"))
        ke.append(np.asarray(d["plane_ke"], dtype=float) * _MVV2E[units])
    assert omega is not None and atoms is not None
    if qf and len(qf) != len(qh):
        raise InputError(f"{str(folder)!r}: q_force present in some blocks only")
    arrays = [np.asarray(qh)] + ([np.asarray(qf)] if qf else []) + [np.asarray(ke)]
    if not all(np.all(np.isfinite(a)) for a in arrays):
        raise InputError(f"{str(folder)!r}: NaN or infinite values in the spectral blocks")
    return SpectralRun(
        run_dir=str(run_dir),
        units=units,
        omega=omega,
        n_samples=n_samples,
        dt=dt,
        blocks=np.asarray(numbers, dtype=np.int64),
        q_harmonic=np.asarray(qh),
        q_force=np.asarray(qf) if qf else None,
        power_force=np.asarray(pf) if qf else None,
        plane_ke=np.asarray(ke),
        plane_atoms=atoms,
        plane_index=plane_index.astype(np.int64),
        plane_z=plane_z,
    )


@result
class SpectralConductance:
    """Spectral heat current and conductance of one interface of a run (display units, per area).

    Attributes
    ----------
    run_dir, units : str
    omega_unit, q_unit, g_unit, G_unit : str
        Display units (see the module docstring).
    omega : ndarray, shape (nf,)
    q, q_err : ndarray, shape (nf,)
        Spectral heat flux A -> B per area (smoothed block mean) and its standard error from the block scatter.
    q_source : str
        ``"force"`` (force-velocity form, pair potentials) or ``"harmonic"`` (harmonic force constants).
    q_other, q_other_err : ndarray or None
        The other form (None if only the harmonic one was computed), same processing.
    q_blocks : ndarray, shape (nb, nf)
        Unsmoothed per-block q (display units): for ratios with block errors.
    smoothing_bins, smoothing_width : float
        Gaussian smoothing standard deviation in bins and in the omega unit (0 = none).
    d_omega : float
        Width of one frequency bin (omega unit).
    g, g_err : ndarray, shape (nf,)
        q / Delta T and its error (Delta T's error included).
    G_cumulative : ndarray, shape (nf,)
        Running Parseval sum of g: the conductance of all frequencies up to omega.
    delta_T, delta_T_err : float
        T_A - T_B at the sampled interface (temperature unit).
    flux_spectral, flux_spectral_err : float
        Parseval sum of the unsmoothed q (flux unit), standard error over blocks.
    flux_bath, flux_bath_err : float
        The bath flux through the interface with the A -> B sign.
    sum_rule_agrees : bool
        |flux_spectral - flux_bath| <= 2 combined standard errors.
    sum_rule : str
        The verdict in words.
    G_spectral, G_spectral_err, G_nemd, G_nemd_err : float
        flux_spectral / Delta T and the NEMD conductance J / Delta T of the same interface (conductance unit).
    first_block, blocks_used : int
    G_note : str
        Why there is no G (G_nemd NaN): the jump does not point along the heat flow, or the run has no bath flux;
        empty when there is one.
    """

    run_dir: str
    units: str
    omega_unit: str
    q_unit: str
    g_unit: str
    G_unit: str
    omega: NDArray[np.float64]
    q: NDArray[np.float64]
    q_err: NDArray[np.float64]
    q_source: str
    q_other: NDArray[np.float64] | None
    q_other_err: NDArray[np.float64] | None
    q_blocks: NDArray[np.float64]
    smoothing_bins: float
    smoothing_width: float
    d_omega: float
    g: NDArray[np.float64]
    g_err: NDArray[np.float64]
    G_cumulative: NDArray[np.float64]
    delta_T: float
    delta_T_err: float
    flux_spectral: float
    flux_spectral_err: float
    flux_bath: float
    flux_bath_err: float
    sum_rule_agrees: bool
    sum_rule: str
    G_spectral: float
    G_spectral_err: float
    G_nemd: float
    G_nemd_err: float
    first_block: int
    blocks_used: int
    G_note: str = ""

    _summary_fields: ClassVar[tuple[str, ...]] = ("q_source", "G_spectral", "G_spectral_err", "G_nemd", "sum_rule")

    @property
    def harmonic_share(self) -> float | None:
        """The harmonic form's total q over the force form's (dimensionless), when q comes from the force form.

        ``sum(q_other) / sum(q)``: on the uniform grid the ratio of the Parseval integrals (the bin width
        cancels).  The harmonic form (force constants at the lattice sites) misses the anharmonic part of the
        interfacial forces, so 1 minus this is the anharmonic share.  None when ``q_source`` is ``"harmonic"`` or
        only one form was computed.
        """
        if self.q_source != "force" or self.q_other is None:
            return None
        return float(np.sum(self.q_other) / np.sum(self.q))


def _mean_err(blocks: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    n = blocks.shape[0]
    return blocks.mean(axis=0), blocks.std(axis=0, ddof=1) / math.sqrt(n)


def _ratio_err(a: float, a_err: float, b: float, b_err: float) -> float:
    """Standard error of a / b for independent a and b (first order)."""
    return math.hypot(a_err / b, a * b_err / (b * b))


def block_integral(q_blocks: ArrayLike, d_omega: float, weight: ArrayLike | None = None) -> tuple[float, float]:
    """Mean over blocks of the Parseval sum ``sum_k q_k w_k d_omega`` and its standard error from the block scatter.

    Parameters
    ----------
    q_blocks : array_like, shape (nb, nf)
        Unsmoothed spectral densities of ``nb`` >= 2 blocks (any unit per unit angular frequency).
    d_omega : float
        Bin width (angular frequency unit).
    weight : array_like, shape (nf,), optional
        Per-bin weight (default 1: the total, e.g. the flux of the sum rule; an indicator: a band).

    The blocks of one run are consecutive stretches of one trajectory; the standard error treats their
    integrals as independent, which holds when the heat current's correlation time is short against a block
    (the Hann window of :mod:`kapitza.spectra` further down-weights the block edges).  Calibrated in
    ``scripts/calibration/spectral.py``.
    """
    q = np.asarray(q_blocks, dtype=float)
    if q.ndim != 2 or q.shape[0] < 2:
        raise InputError(f"q_blocks must be (blocks >= 2, frequencies), got shape {q.shape}")
    w = np.ones(q.shape[1]) if weight is None else np.asarray(weight, dtype=float)
    if w.shape != (q.shape[1],):
        raise InputError(f"the weight must have one value per frequency ({q.shape[1]}), got shape {w.shape}")
    values = (q @ w) * d_omega
    return float(values.mean()), float(values.std(ddof=1) / math.sqrt(values.size))


@result
class SumRule:
    """The sum rule: the Parseval sum of q(omega) against the flux measured at the baths.

    Attributes
    ----------
    flux_spectral, flux_spectral_err : float
        Block mean of the integral of q and its standard error over blocks (flux unit).
    flux_bath, flux_bath_err : float
        The bath flux and its stated error (NaN when there is none: no verdict then).
    difference, combined_err : float
        flux_spectral - flux_bath and the two errors added in quadrature.
    agrees : bool
        |difference| <= :data:`SUM_RULE_SE` x combined_err.
    verdict : str
    """

    flux_spectral: float
    flux_spectral_err: float
    flux_bath: float
    flux_bath_err: float
    difference: float
    combined_err: float
    agrees: bool
    verdict: str

    _summary_fields: ClassVar[tuple[str, ...]] = ("flux_spectral", "flux_bath", "agrees")


#: The sum rule agrees when the difference is within this many combined standard errors (95.4 % for honest ones).
SUM_RULE_SE = 2.0


def sum_rule(
    q_blocks: ArrayLike,
    d_omega: float,
    flux_bath: float,
    flux_bath_err: float,
    *,
    name: str = "q",
    flux_unit: str = "",
) -> SumRule:
    """Check that the integral of q(omega) equals the bath flux (Saaskilahti et al., PRB 90, 134312 (2014), eq. 9:
    the spectral current sums to the total heat current).

    Parameters
    ----------
    q_blocks : array_like, shape (nb, nf)
        Unsmoothed per-block spectral flux (flux unit per unit angular frequency).
    d_omega : float
        Bin width.
    flux_bath, flux_bath_err : float
        The flux at the baths (same sign convention) and its standard error; NaN when unknown.
    name, flux_unit : str
        Words for the verdict.
    """
    flux, flux_err = block_integral(q_blocks, d_omega)
    combined = math.hypot(flux_err, flux_bath_err)
    diff = flux - flux_bath
    agrees = bool(abs(diff) <= SUM_RULE_SE * combined)
    verdict = (
        f"sum rule: integral of {name} = {flux:.4g} +- {flux_err:.2g} {flux_unit}, bath flux "
        f"{flux_bath:.4g} +- {flux_bath_err:.2g}; difference {diff:.3g} "
        + ("within" if agrees else "beyond")
        + f" {SUM_RULE_SE:g} SE ({SUM_RULE_SE * combined:.2g}): "
        + ("agrees" if agrees else "does not agree")
    )
    if not math.isfinite(combined):
        verdict = f"sum rule: integral of {name} = {flux:.4g} +- {flux_err:.2g} {flux_unit}; no bath flux to check it"
    return SumRule(flux, flux_err, float(flux_bath), float(flux_bath_err), diff, combined, agrees, verdict)


def sampled_interface(run: RunAnalysis) -> tuple[float, float, float, float, int]:
    """(Delta T_AB, its error, G, its error, index) of the interface the spectral planes sit at.

    The spectral interface is the A|B plane at ``interface_fraction`` of the box: the last of the analysed
    interfaces (periodic: the one at lo + fraction * L after the one at lo; fixed: the only one).  Delta T_AB is
    T_left - T_right there (side A lies below the plane).
    """
    jumps = run.jump.interfaces
    index = len(jumps) - 1
    j = jumps[index]
    return float(j.T_left - j.T_right), float(j.delta_T_err), float(j.G), float(j.G_err), index


def spectral_conductance(
    run_dir: str | Path,
    *,
    smoothing_bins: float = DEFAULT_SMOOTHING_BINS,
    first_block: int | None = None,
    source: str = "auto",
    run: RunAnalysis | None = None,
) -> SpectralConductance:
    """q(omega), g(omega) and the sum rule of a kapitza run directory with a ``spectral/`` folder.

    Parameters
    ----------
    run_dir : path-like
        The run directory.
    smoothing_bins : float
        Standard deviation of the Gaussian smoothing of q, in frequency bins (default 3; 0 = none).  The
        smoothing keeps the Parseval sum up to the bins lost at both ends of the grid; the sum rule always uses
        the unsmoothed spectrum.
    first_block : int, optional
        First production block used (1-based).  Default: the first block the jump analysis keeps (after the
        transient it drops), so q and Delta T average over the same blocks.
    source : str
        ``"auto"`` (q_force when present, else q_harmonic), ``"force"`` or ``"harmonic"``.
    run : RunAnalysis, optional
        The analyze_run result of the same directory, if already computed.
    """
    if not (isinstance(smoothing_bins, int | float) and math.isfinite(smoothing_bins) and smoothing_bins >= 0):
        raise InputError(f"smoothing_bins= must be a number >= 0, got {smoothing_bins!r}")
    if source not in ("auto", "force", "harmonic"):
        raise InputError(f"source= must be auto, force or harmonic, got {source!r}")
    if first_block is not None and (not isinstance(first_block, int) or first_block < 1):
        raise InputError(f"first_block= must be an integer >= 1, got {first_block!r}")
    if run is None:
        run = analyze_run(run_dir)
    n_profile_blocks = run.jump.blocks_used + run.jump.blocks_dropped
    raw = read_spectral_run(run_dir, max_blocks=n_profile_blocks)
    if first_block is None:
        first_block = run.jump.blocks_dropped + 1
    if raw.units != run.jump.units:
        raise InputError(
            f"{str(run_dir)!r}: {SPECTRAL_DIR}/{SETUP_FILE} is in {raw.units} units but run.json in {run.jump.units}"
        )
    sr = raw.select(first_block)
    if source == "force" and sr.q_force is None:
        raise InputError(f"source='force' but {str(run_dir)!r} has no q_force (not a pair potential)")
    use_force = sr.q_force is not None and source != "harmonic"
    wf, qf, omega_unit, q_unit, g_unit = display_factors(sr.units)
    omega = sr.omega * wf
    d_omega = sr.d_omega * wf
    scale = qf / run.area
    main = (sr.q_force if use_force else sr.q_harmonic) * scale
    other = (sr.q_harmonic if use_force else sr.q_force) if (use_force or sr.q_force is not None) else None
    other = None if other is None else other * scale
    width = smoothing_bins * d_omega

    def smoothed(blocks: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        return _mean_err(spectra.smooth(blocks, omega, width))

    q, q_err = smoothed(main)
    o, o_err = smoothed(other) if other is not None else (None, None)
    flux_spectral, flux_spectral_err = block_integral(main, d_omega)
    delta_t, delta_t_err, g_nemd, g_nemd_err, index = sampled_interface(run)
    bath = run.jump.bath_flux
    direction = run.jump.interfaces[index].direction
    if bath is None:
        flux_bath, flux_bath_err = float("nan"), float("nan")
    else:
        flux_bath, flux_bath_err = direction * float(bath.flux), float(bath.flux_err)
    if delta_t == 0:
        raise InputError(f"{str(run_dir)!r}: the temperature jump at the interface is 0; g = q / Delta T is undefined")
    g = q / delta_t
    g_err = np.hypot(q_err / delta_t, q * delta_t_err / delta_t**2)
    G_unit = "k_B/(tau sigma^2)" if sr.units == "lj" else "W m^-2 K^-1"
    flux_unit = "epsilon/(tau sigma^2)" if sr.units == "lj" else "W m^-2"
    if sr.units == "metal":
        # The jump analysis works in the run's units (its G in SI is G_si): bring the bath flux and the
        # interface's G to the SI display units of q.
        fs = unit_system("metal").flux_to_si
        assert fs is not None
        g_nemd, g_nemd_err = g_nemd * fs, g_nemd_err * fs
        flux_bath, flux_bath_err = flux_bath * fs, flux_bath_err * fs
    name = "q_force" if use_force else "q_harmonic"
    check = sum_rule(main, d_omega, flux_bath, flux_bath_err, name=name, flux_unit=flux_unit)
    agrees, verdict = check.agrees, check.verdict
    cumulative = np.cumsum(g) * d_omega
    G_spec = flux_spectral / delta_t
    return SpectralConductance(
        run_dir=str(run_dir),
        units=sr.units,
        omega_unit=omega_unit,
        q_unit=q_unit,
        g_unit=g_unit,
        G_unit=G_unit,
        omega=omega,
        q=q,
        q_err=q_err,
        q_source="force" if use_force else "harmonic",
        q_other=o,
        q_other_err=o_err,
        q_blocks=main,
        smoothing_bins=float(smoothing_bins),
        smoothing_width=float(width),
        d_omega=float(d_omega),
        g=g,
        g_err=g_err,
        G_cumulative=cumulative,
        delta_T=delta_t,
        delta_T_err=delta_t_err,
        flux_spectral=flux_spectral,
        flux_spectral_err=flux_spectral_err,
        flux_bath=flux_bath,
        flux_bath_err=flux_bath_err,
        sum_rule_agrees=agrees,
        sum_rule=verdict,
        G_spectral=float(G_spec),
        G_spectral_err=_ratio_err(flux_spectral, flux_spectral_err, delta_t, delta_t_err),
        G_nemd=g_nemd,
        G_nemd_err=g_nemd_err,
        first_block=int(first_block),
        blocks_used=int(sr.blocks.size),
        G_note=_g_note(g_nemd, bath is None, delta_t, delta_t_err),
    )


def _g_note(g_nemd: float, no_bath: bool, delta_t: float, delta_t_err: float) -> str:
    """Why G is not a number, in a sentence (empty when it is one)."""
    if math.isfinite(g_nemd):
        return ""
    if no_bath:
        return (
            "no G: the run has no bath flux to divide by the jump (fewer than two blocks, or baths that exchange no "
            "heat)"
        )
    return (
        f"no G: the temperature jump at the interface (Delta T = {delta_t:.4g} +- {delta_t_err:.2g}) does not point "
        "along the heat flow, so the profile shows no interface resistance to divide the flux by (a flat or inverted "
        "profile); q(omega) and the sum rule stand, G = flux / Delta T and g = q / Delta T do not"
    )


@result
class SpectralShare:
    """A weighted share of the heat current: sum(q w) / sum(q) over the blocks, with its standard error.

    Attributes
    ----------
    value, err : float
        The share (dimensionless) and its first-order standard error from the block scatter of both sums.
    description : str
    """

    value: float
    err: float
    description: str

    _summary_fields: ClassVar[tuple[str, ...]] = ("value", "err")


def weighted_share(sc: SpectralConductance, weight: ArrayLike, description: str = "") -> SpectralShare:
    """``sum q w / sum q`` of the unsmoothed block spectra, ``weight`` (nf,) on ``sc.omega``, with its block SE."""
    w = np.asarray(weight, dtype=float)
    if w.shape != sc.omega.shape or not np.all(np.isfinite(w)):
        raise InputError(f"the weight must be {sc.omega.size} finite numbers on the spectrum's grid")
    a = sc.q_blocks @ w
    b = sc.q_blocks.sum(axis=1)
    n = a.size
    ma, mb = float(a.mean()), float(b.mean())
    if mb == 0:
        raise InputError("the total heat current is 0: a share of it is undefined")
    f = ma / mb
    resid = (a - f * b) / mb
    err = float(resid.std(ddof=1) / math.sqrt(n))
    return SpectralShare(value=f, err=err, description=description)


def inelastic_fraction(sc: SpectralConductance, omega_max_soft: float) -> SpectralShare:
    """Share of q above the softer side's highest phonon frequency (only anharmonic processes carry it there).

    Parameters
    ----------
    sc : SpectralConductance
    omega_max_soft : float
        Highest phonon frequency of the softer bulk side, in ``sc.omega_unit``.
    """
    if not (math.isfinite(omega_max_soft) and omega_max_soft > 0):
        raise InputError(f"omega_max_soft= must be a positive frequency, got {float(omega_max_soft):g}")
    weight = (sc.omega > omega_max_soft).astype(float)
    return weighted_share(sc, weight, f"share of q above omega = {omega_max_soft:g} {sc.omega_unit}")


@result
class HarmonicDifference:
    """NEMD g(omega) minus a harmonic prediction on the NEMD grid.

    Attributes
    ----------
    omega : ndarray (nf,)
        The NEMD grid (display units).
    g_nemd, g_harmonic, difference, difference_err : ndarray (nf,)
        g of the run, the prediction interpolated linearly onto ``omega`` (0 outside the prediction's frequency
        range), their difference and its error (the NEMD error only).
    integral, integral_err : float
        Parseval sum of the difference: the conductance the harmonic model misses (conductance unit).
    G_harmonic : float
        Parseval sum of the interpolated prediction.
    interpolation : str
    """

    omega: NDArray[np.float64]
    g_nemd: NDArray[np.float64]
    g_harmonic: NDArray[np.float64]
    difference: NDArray[np.float64]
    difference_err: NDArray[np.float64]
    integral: float
    integral_err: float
    G_harmonic: float
    interpolation: str

    _summary_fields: ClassVar[tuple[str, ...]] = ("integral", "integral_err", "G_harmonic")


def harmonic_difference(sc: SpectralConductance, omega: ArrayLike, g_harmonic: ArrayLike) -> HarmonicDifference:
    """NEMD-minus-harmonic spectral conductance and its integral.

    Parameters
    ----------
    sc : SpectralConductance
    omega : array_like (m,)
        Frequencies of the prediction, increasing, in ``sc.omega_unit``.
    g_harmonic : array_like (m,)
        Predicted g (AGF or DMM) in ``sc.g_unit``.
    """
    w = np.asarray(omega, dtype=float)
    gh = np.asarray(g_harmonic, dtype=float)
    if w.ndim != 1 or w.shape != gh.shape or w.size < 2:
        raise InputError(f"omega= and g_harmonic= must be two 1-d arrays of one length >= 2, got {w.shape}, {gh.shape}")
    if not (np.all(np.isfinite(w)) and np.all(np.isfinite(gh)) and np.all(np.diff(w) > 0)):
        raise InputError("omega= must be finite and increasing and g_harmonic= finite")
    on_grid = np.interp(sc.omega, w, gh, left=0.0, right=0.0)
    diff = sc.g - on_grid
    g_h = float(on_grid.sum() * sc.d_omega)
    return HarmonicDifference(
        omega=sc.omega,
        g_nemd=sc.g,
        g_harmonic=on_grid,
        difference=diff,
        difference_err=sc.g_err,
        integral=float(sc.G_spectral - g_h),
        integral_err=sc.G_spectral_err,  # the prediction carries no statistical error
        G_harmonic=g_h,
        interpolation=(
            "prediction interpolated linearly onto the NEMD grid, taken as 0 outside "
            f"[{float(w[0]):g}, {float(w[-1]):g}] {sc.omega_unit}"
        ),
    )


def share_weight(sc: SpectralConductance, omega: ArrayLike, fraction: ArrayLike | Callable[..., Any]) -> NDArray:
    """A weight on ``sc.omega`` from values on another grid (linear interpolation, 0 outside it) or a callable."""
    if callable(fraction):
        return np.asarray(fraction(sc.omega), dtype=float)
    w = np.asarray(omega, dtype=float)
    f = np.asarray(fraction, dtype=float)
    if w.ndim != 1 or w.shape != f.shape or w.size < 2 or not np.all(np.diff(w) > 0):
        raise InputError("omega= must be increasing and match fraction= in length (>= 2 points)")
    return np.interp(sc.omega, w, f, left=0.0, right=0.0)
