"""A kapitza run directory with a synthetic ``spectral/`` folder (the npz contract of issue 12), written by hand."""

from __future__ import annotations

import numpy as np
from analysis_synthetic import ave_chunk_text
from run_dir_synthetic import AREA, FLUX, write_run_dir

from kapitza import spectra
from kapitza.analysis import read_profile
from kapitza.analysis.md.profiles import TemperatureProfile
from kapitza.io.run_manifest import manifest_from_document, read_manifest, write_manifest

N_SAMPLES, SAMPLE_EVERY, TIMESTEP = 64, 10, 0.01
PLANE_FIRST, N_PLANES, PLANE_ATOMS = -4, 8, 18


def grid():
    """The frequency grid of the synthetic blocks (rad/tau) and its bin width."""
    dt = SAMPLE_EVERY * TIMESTEP
    return spectra.frequencies(N_SAMPLES, dt), spectra.frequency_step(N_SAMPLES, dt)


def shape(omega):
    """A smooth spectrum vanishing at omega = 0, normalised so that its Parseval sum is 1."""
    s = omega**2 * np.exp(-((omega / 8.0) ** 2))
    return s / (s.sum() * grid()[1])


def reference_ldos():
    """(N_PLANES, nf) rows of different shape, each with Parseval sum 1 on the grid."""
    omega, d = grid()
    rows = []
    for p in range(N_PLANES):
        r = omega**2 * np.exp(-((omega / (5.0 + p)) ** 2))
        rows.append(r / (r.sum() * d))
    return np.asarray(rows)


def write_spectral_run(
    folder,
    blocks=20,
    scale=1.0,
    noise=0.05,
    seed=5,
    reverse=False,
    force=True,
    plane_temperature=1.0,
    units="lj",
    jump=None,
):
    """``write_run_dir`` plus spectral/setup.npz and block files whose q integrates to ``scale`` times the bath
    flux (A -> B, negative for ``reverse``, whose profile is mirrored so that heat flows B -> A) and whose
    plane KE spectra are those of equilibrium at ``plane_temperature`` with :func:`reference_ldos` (k_B = 1)."""
    write_run_dir(folder, blocks=blocks, reverse=reverse, **({} if jump is None else {"jump": jump}))
    if reverse:
        p = read_profile(folder / "profile.chunk", units="lj")
        mirrored = TemperatureProfile(
            positions=p.positions, temperatures=2.0 - p.temperatures, counts=None, steps=None, units="lj"
        )
        (folder / "profile.chunk").write_text(ave_chunk_text(mirrored))
    rng = np.random.default_rng(seed)
    omega, _ = grid()
    sign = -1.0 if reverse else 1.0
    total = sign * scale * FLUX * AREA
    spec = folder / "spectral"
    spec.mkdir()
    n = N_PLANES * PLANE_ATOMS
    np.savez(
        spec / "setup.npz",
        ids=np.arange(1, n + 1),
        side=np.where(np.arange(n) < n // 2, 1, 2),
        plane=np.repeat(PLANE_FIRST + np.arange(N_PLANES), PLANE_ATOMS),
        plane_z=(PLANE_FIRST + np.arange(N_PLANES) + 0.5) * 0.8,
        plane_first=PLANE_FIRST,
        masses=np.ones(n),
        has_force_form=int(force),
        coupling_rows=np.zeros(0, int),
        coupling_cols=np.zeros(0, int),
        coupling_vals=np.zeros(0),
        units=units,
        sample_every=SAMPLE_EVERY,
        timestep=TIMESTEP,
        n_samples=N_SAMPLES,
        interface_z_fraction=0.5,
    )
    ldos = reference_ldos()
    # written as md does: sum m v^2 / 2 in mass x velocity^2 units (metal: amu A^2 ps^-2 = 1.0364e-4 eV, k_B in eV/K)
    kb, mvv2e = (1.0, 1.0) if units == "lj" else (8.617333262e-5, 1.0364269e-4)
    ke = 1.5 * PLANE_ATOMS * kb * plane_temperature * ldos / mvv2e
    for b in range(1, blocks + 1):
        q = total * shape(omega) * (1 + noise * rng.standard_normal(omega.size))
        data = dict(
            omega=omega,
            q_harmonic=0.9 * q,
            plane_ke=ke,
            plane_atoms=np.full(N_PLANES, PLANE_ATOMS),
            block=b,
        )
        if force:
            data.update(q_force=q, power_force=float(spectra.integrate(q, N_SAMPLES, SAMPLE_EVERY * TIMESTEP)))
        np.savez(spec / f"block_{b:05d}.npz", **data)
    return folder


def as_metal(folder):
    """Make the run.json of a run written with ``units="metal"`` say metal too (the writer leaves it lj, so
    that a mismatch can be tested)."""
    manifest = read_manifest(folder)
    doc = manifest.to_document()
    doc["system"]["units"] = "metal"
    write_manifest(folder, manifest_from_document(doc))
    return folder
