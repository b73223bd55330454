"""
Spectral heat current and interface modes
=========================================

Which phonons carry heat across? With ``spectral_every = N`` in an NEMD TOML every production block
also samples the velocities (for pair potentials also the positions) of the atoms within a few planes of
the interface, and reduces them to spectra at the end of the block. From them kapitza computes the
spectral heat current q(omega) across the interface plane (Saaskilahti et al., Phys. Rev. B 90, 134312
(2014)), checks its sum against the bath flux, compares it with the harmonic models of the same
interface, and resolves the interface modes and the modal temperatures plane by plane.

This page reads a short stored run (``examples/data/spectral/lj_spectral_small``: LJ fcc, masses 1 | 4,
T = 0.3 epsilon/k_B, 10 blocks of 20 tau; ``examples/data/spectral/README.txt`` says how it was made).
The commands that make and analyse such a run (not run here)::

    kapitza md run examples/md/lj_spectral.toml
    kapitza md spectral lj_spectral.run --plot spectrum.png
    kapitza md modes lj_spectral.run --plot modes.png

Ten short blocks give noisy spectra; ``examples/md/lj_spectral.toml`` (20 blocks of 50 tau) is the run
behind the numbers quoted on the physics pages.
"""

# %%
# q(omega), the sum rule and g(omega)
# -----------------------------------
# :func:`kapitza.analysis.md.spectral.spectral_conductance` reads the run directory: q(omega) per block
# (the force-velocity form for LJ), its Parseval sum against the flux the baths measured, the jump Delta T
# at the sampled interface, g(omega) = q / Delta T and the cumulative G(omega).
from pathlib import Path

import numpy as np

from kapitza.analysis.md.spectral import spectral_conductance

here = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
run_dir = here.parent / "data" / "spectral" / "lj_spectral_small"

sc = spectral_conductance(run_dir, smoothing_bins=3)
print(sc)
print(f"{sc.blocks_used} blocks; q from the {sc.q_source} form; frequency bin {sc.d_omega:.4g} {sc.omega_unit}")
print(sc.sum_rule)
print(f"Delta T at the interface = {sc.delta_T:.4g} +- {sc.delta_T_err:.2g}")
print(f"G from the spectrum = {sc.G_spectral:.4g} +- {sc.G_spectral_err:.2g} {sc.G_unit}")
print(f"G from the bath flux = {sc.G_nemd:.4g} +- {sc.G_nemd_err:.2g} {sc.G_unit}")
if sc.q_other is not None:
    harmonic_share = np.sum(sc.q_other) / np.sum(sc.q)
    print(f"the harmonic form of the same velocities carries {harmonic_share:.0%} of the force form's q")

# %%
# Elastic or inelastic: the harmonic models of the same interface
# ---------------------------------------------------------------
# :func:`kapitza.transmission.md_systems.harmonic_spectra` builds the AGF and the full-dispersion DMM of
# the very interface the run simulated (same potential, same structure, classical occupation, as in MD).
# Every phonon they let through lies below the softer side's highest frequency; what NEMD carries above it
# is inelastic (anharmonic) transport. ``kapitza md spectral`` computes them (8x8 k-points, 100 frequencies,
# a 16^3 mesh; the LJ force constants by finite differences take about half a minute). The page reads them
# from ``harmonic_spectra.npz``, written by ``examples/data/spectral/make_spectral.py`` with that function:
import json  # noqa: E402

from kapitza.analysis.md.spectral import inelastic_fraction  # noqa: E402
from kapitza.transmission.md_systems import HarmonicSpectra  # noqa: E402


def stored_fields(path):
    """The fields of a result stored field by field in an .npz (0-d arrays back to Python scalars)."""
    with np.load(path, allow_pickle=False) as stored:
        return {k: stored[k] if stored[k].ndim else stored[k].item() for k in stored.files}


fields = stored_fields(run_dir / "harmonic_spectra.npz")
fields["settings"] = json.loads(fields["settings"])
fields["notes"] = tuple(str(n) for n in fields["notes"])
harmonic = HarmonicSpectra(**fields)
print(harmonic)
soft = min(float(harmonic.omega_max_a), float(harmonic.omega_max_b))
above = inelastic_fraction(sc, soft)
print(
    f"AGF intrinsic {harmonic.conductance_agf_intrinsic:.4g}, AGF two-probe {harmonic.conductance_agf:.4g}, "
    f"full-dispersion DMM {harmonic.conductance_dmm:.4g} {sc.G_unit}"
)
print(f"softer side's highest frequency {soft:.4g} {sc.omega_unit}")
print(f"share of q above it: {above.value:.1%} +- {above.err:.1%}")

# %%
# At T = 0.3 epsilon/k_B (about 40 % of the melting temperature) the NEMD conductance lies far above the
# harmonic AGF of the same interface, and a good part of q flows above the heavy side's band edge, where
# no elastic process can carry it: anharmonic, inelastic scattering (Stevens, Zhigilei & Norris, Int. J.
# Heat Mass Transf. 50, 3977 (2007)). The figure: g(omega) with its standard-error band beside the AGF and
# DMM spectra (top), and the cumulative G(omega) (bottom).
from kapitza.plotting.md_spectral import spectrum_figure  # noqa: E402

fig_spectrum = spectrum_figure(sc, harmonic)

# %%
# Interface modes and modal temperatures
# --------------------------------------
# The plane-resolved density of states comes from the MD velocities. The harmonic modes at Gamma of the
# run's own periodic cell (:func:`kapitza.atomistic.interface_modes.interface_modes`, through phonopy)
# give the reference: their participation ratios and plane weights flag the modes localised at the
# interface, and their local DOS turns the kinetic energy of each plane and frequency band into a modal
# temperature T = 2 KE_band / (k_B n_dof,band). The modes of this 1024-atom cell are a 3072 x 3072
# eigenproblem (what ``kapitza md modes`` solves); the page reads them from ``lattice_modes.npz``, written
# by ``examples/data/spectral/make_spectral.py`` with that same function.
from kapitza.analysis.md.modes import interface_mode_share, modal_temperatures, plane_dos_map  # noqa: E402
from kapitza.analysis.md.spectral import display_factors, read_spectral_run  # noqa: E402
from kapitza.atomistic.interface_modes import InterfaceModes  # noqa: E402

modes = InterfaceModes(**stored_fields(run_dir / "lattice_modes.npz"))
print(modes)
run = read_spectral_run(run_dir)
width = 3 * run.d_omega
ldos = np.asarray(modes.plane_dos(run.omega, width), dtype=float)
norm = ldos.sum(axis=1, keepdims=True) * run.d_omega
ldos = np.divide(ldos, norm, out=np.zeros_like(ldos), where=norm > 0)

dos_map = plane_dos_map(run)
modal = modal_temperatures(run, ldos, bands=4)
factor = display_factors(run.units)[0]
share = interface_mode_share(sc, run.omega * factor, modes.interface_fraction(run.omega, width))
flagged = np.asarray(modes.omega)[np.asarray(modes.interface)] * factor
print(f"{np.count_nonzero(modes.interface)} of the cell's {len(modes.omega)} modes are interface modes")
if flagged.size:
    print(f"their frequencies: {flagged.min():.3g} to {flagged.max():.3g} {sc.omega_unit}")
print(f"share of q carried by interface modes: {share.value:.1%} +- {share.err:.1%}")
print(modal)
edges = modal.band_edges
header = "  ".join(f"{f'{lo:.3g}-{hi:.3g}':>11s}" for lo, hi in zip(edges[:-1], edges[1:]))
print(f"plane  T_plane  {header}  ({modal.omega_unit})")
for j, plane in enumerate(modal.plane_index):
    bands = "  ".join(f"{'-':>11s}" if not np.isfinite(t) else f"{t:11.3f}" for t in modal.T[:, j])
    print(f"{plane:5d}  {modal.T_plane[j]:7.3f}  {bands}")

# %%
# Planes -6 .. -1 are side A (light), 0 .. 5 side B (heavy). Bands where a plane has no reference modes
# (side B above its band edge) are left blank. The figure: the plane-resolved DOS with the frequencies of
# the interface modes marked, and the modal temperatures plane by plane.
from kapitza.plotting.md_spectral import modes_figure  # noqa: E402

fig_modes = modes_figure(dos_map, modal, modes)
