"""Phonon densities of states for the EELS forward model, in states per atom per meV.

Every source gives a :class:`DOSTable`: phonon energies in meV (> 0 or 0, increasing) and the density of
states per atom per meV, so that the integral over energy is the number of modes per atom (3 for a
crystal with all its branches).  The forward model (:mod:`kapitza.analysis.eels.forward`) takes the two
arrays; it does not depend on this module (``analysis`` takes plain arrays).

Sources:

- :func:`material_dos` -- the materials database through :mod:`kapitza.phonons.debye`: the isotropic
  Debye spectrum (``model="debye"``: one cutoff k_B Theta_D for every branch; ``"branch"``: per-branch
  cutoffs v_p (6 pi^2 n)^(1/3), exactly one mode per atom per polarisation) or the sine (Born-von
  Karman) spectrum (``"sine"``, ``"sine-zb"``).  Acoustic branches only: these models have no optical
  modes.
- :func:`phonopy_dos` -- a phonopy calculation (read with the package's safe loader, never phonopy's own
  YAML reading of a user file) and phonopy's mesh total DOS (all branches, optical included).
- :func:`crystal_dos` -- the full dispersion of a crystal kapitza builds from an interatomic potential.
- :func:`table_dos` -- a user's two-column text table (energy in meV, DOS in any unit).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import _checks
from ..errors import InputError
from ..io.results import result
from ..units import rad_s_to_mev, thz_to_rad_s

#: Model names accepted by :func:`material_dos` (the cutoff rules of :mod:`kapitza.phonons.debye`).
MODELS = ("debye", "branch", "sine", "sine-zb")
#: Default number of energy points of :func:`material_dos`.
DEFAULT_POINTS = 2001
#: Largest phonopy mesh accepted (q-points): the mesh DOS of a few atoms takes ~1 s per 1e5 points.
MAX_MESH_POINTS = 200**3
#: Largest table read (bytes).
MAX_TABLE_BYTES = 64 * 1024**2


@result
class DOSTable:
    """A phonon density of states.

    Attributes
    ----------
    energy_mev : ndarray, shape (n,)
        Phonon energies in meV, >= 0 and strictly increasing.
    dos : ndarray, shape (n,)
        Density of states at those energies, >= 0 (states per atom per meV for the built-in sources; a
        user table keeps its own unit: the forward model only uses the shape).
    source : str
        Where it came from, in plain words.
    """

    energy_mev: NDArray[np.float64]
    dos: NDArray[np.float64]
    source: str

    _summary_fields: ClassVar[tuple[str, ...]] = ("energy_mev", "source")

    def __post_init__(self) -> None:
        e = np.asarray(self.energy_mev, dtype=float)
        d = np.asarray(self.dos, dtype=float)
        if e.ndim != 1 or e.size < 2 or d.shape != e.shape:
            raise InputError(
                f"a DOS needs two 1-D arrays of the same length >= 2 (got energies {e.shape}, dos {d.shape})"
            )
        if not (np.all(np.isfinite(e)) and np.all(np.isfinite(d))):
            raise InputError("the DOS table contains NaN or infinite values")
        if np.any(np.diff(e) <= 0) or e[0] < 0:
            raise InputError("DOS energies must be >= 0 meV and strictly increasing")
        if np.any(d < 0):
            raise InputError(f"the DOS must be >= 0 (smallest value {float(d.min()):g})")
        if not np.any(d > 0):
            raise InputError("the DOS is zero everywhere")
        object.__setattr__(self, "energy_mev", e)
        object.__setattr__(self, "dos", d)

    def modes_per_atom(self) -> float:
        """Trapezoid integral of the DOS over energy (3 for a full crystal DOS per atom per meV)."""
        return float(np.trapezoid(self.dos, self.energy_mev))


def _energy_grid(breakpoints_mev: NDArray[np.float64], n_points: int) -> NDArray[np.float64]:
    """0..max breakpoint, with each breakpoint followed by the next float up (the DOS drops there)."""
    top = float(breakpoints_mev.max())
    grid = np.linspace(0.0, top, n_points)
    above = np.nextafter(breakpoints_mev, np.inf)
    return np.unique(np.concatenate([grid, breakpoints_mev, above]))


def material_dos(name: str, model: str = "debye", *, n_points: int = DEFAULT_POINTS) -> DOSTable:
    """The acoustic phonon DOS of a database material (or ``file.toml:Name``), per atom per meV.

    Parameters
    ----------
    name : str
        Material name as :func:`kapitza.materials.get_material` takes it ("AlN", "4H-SiC", "Si", ...).
    model : {"debye", "branch", "sine", "sine-zb"}
        Dispersion and cutoff rule (:mod:`kapitza.phonons.debye`).  "debye": per branch
        g_p omega^2 / (2 pi^2 v_p^3 n) up to k_B Theta_D (the tabulated Debye temperature; the number of
        modes is then sum_p g_p (k_B Theta_D / hbar)^3 / (6 pi^2 v_p^3 n), near but not exactly 3).
        "branch": the same up to v_p (6 pi^2 n)^(1/3): exactly 3 modes per atom.  "sine"/"sine-zb": sine
        dispersion (3 modes per atom; the DOS diverges integrably at each branch maximum).
    n_points : int
        Number of evenly spaced energies from 0 to the highest cutoff (each cutoff is added exactly,
        followed by the next float up, so the sharp edge is on the grid), >= 10.

    Returns
    -------
    DOSTable
        Energies in meV and the DOS summed over branches in states per atom per meV.
    """
    from ..materials import get_material
    from .debye import debye_spectrum

    if model not in MODELS:
        raise InputError(f"unknown DOS model {model!r}; choose one of {', '.join(MODELS)}")
    if int(n_points) != n_points or n_points < 10 or n_points > 10**7:
        raise InputError(f"n_points must be an integer from 10 to 10000000 (got {n_points!r})")
    material = get_material(name)
    spectrum = debye_spectrum(material, cutoff=model)
    cut_mev = rad_s_to_mev(np.asarray(spectrum.cutoffs, dtype=float))
    omega_per_mev = float(1.0 / rad_s_to_mev(1.0))  # rad/s per meV
    if model in ("sine", "sine-zb"):
        # the sine DOS diverges (integrably) at each branch maximum, so point values there mean nothing: the
        # DOS is the bin average of the mode count N(omega) = sum_p g_p k_p(omega)^3 / (6 pi^2 n) per atom
        # (k_p = k_max above the maximum), which holds the 3 modes per atom exactly, on bins of equal width
        # whose centres are the energies (the first point, 0 meV, has DOS 0)
        top = float(cut_mev.max()) * (1 + 1.0 / n_points)
        edges = np.linspace(0.0, top, int(n_points))
        k = spectrum.wave_number(edges * omega_per_mev)  # (n_branches, n_edges)
        count = (spectrum.degeneracy[:, None] * k**3).sum(axis=0) / (6 * np.pi**2 * material.number_density)
        energy = np.concatenate([[0.0], 0.5 * (edges[1:] + edges[:-1])])
        dos = np.concatenate([[0.0], np.diff(count) / np.diff(edges)])
    else:
        energy = _energy_grid(np.unique(cut_mev), int(n_points))
        # the DOS is evaluated a hair below each grid energy: the point at a cutoff belongs to the branch, and
        # the conversion meV -> rad/s must not move it above the spectrum's own cutoff; the point just above a
        # cutoff is set to 0 by the mask
        inside = energy[None, :] <= cut_mev[:, None]
        per_branch = spectrum.density_of_states(energy * omega_per_mev * (1 - 1e-12))  # per m^3 per rad/s
        dos = np.where(inside, per_branch, 0.0).sum(axis=0) * omega_per_mev / material.number_density
    source = f"{material.name}, {model} model ({', '.join(spectrum.labels)} branches; acoustic only)"
    return DOSTable(energy_mev=energy, dos=dos, source=source)


def _mesh(mesh: tuple[int, int, int] | int) -> tuple[int, int, int]:
    m = (mesh,) * 3 if isinstance(mesh, (int, np.integer)) and not isinstance(mesh, bool) else tuple(mesh)
    if len(m) != 3 or any(isinstance(x, bool) or int(x) != x or x < 1 for x in m):
        raise InputError(f"mesh= must be three positive integers (got {mesh!r})")
    out = (int(m[0]), int(m[1]), int(m[2]))
    n_q = out[0] * out[1] * out[2]
    if n_q > MAX_MESH_POINTS:
        raise InputError(f"mesh= {out} has {n_q} q-points; at most {MAX_MESH_POINTS} (200 x 200 x 200)")
    return out


def _check_sigma(sigma_mev: float | None) -> None:
    if sigma_mev is not None:
        _checks.positive(sigma_mev, "sigma_mev=", "meV")


def _mesh_dos(ph: object, mesh: tuple[int, int, int], sigma_mev: float | None, label: str) -> DOSTable:
    """phonopy's Gamma-centred mesh total DOS of a Phonopy object -> states per atom per meV."""
    thz_per_mev = 1.0 / float(rad_s_to_mev(thz_to_rad_s(1.0)))
    try:
        ph.run_mesh(list(mesh), is_gamma_center=True)  # type: ignore[attr-defined]
        if sigma_mev is None:
            ph.run_total_dos()  # type: ignore[attr-defined]
        else:
            ph.run_total_dos(sigma=sigma_mev * thz_per_mev)  # type: ignore[attr-defined]
        total = ph.total_dos  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001 - phonopy fails on broken force constants in many ways
        raise InputError(f"{label}: phonopy could not compute the DOS ({str(exc).splitlines()[0]})") from None
    f_thz = np.asarray(total.frequency_points, dtype=float)
    dos_thz = np.asarray(total.dos, dtype=float)
    keep = f_thz >= 0
    energy = rad_s_to_mev(thz_to_rad_s(f_thz[keep]))
    dos = np.clip(dos_thz[keep], 0.0, None) * thz_per_mev / len(ph.primitive)  # type: ignore[attr-defined]
    source = f"{label}, phonopy mesh {mesh[0]}x{mesh[1]}x{mesh[2]} total DOS"
    return DOSTable(energy_mev=energy, dos=dos, source=source)


def phonopy_dos(
    path: str | os.PathLike, mesh: tuple[int, int, int] | int = (20, 20, 20), *, sigma_mev: float | None = None
) -> DOSTable:
    """The total phonon DOS of a phonopy calculation, per atom per meV (all branches, optical included).

    Parameters
    ----------
    path : path-like
        ``phonopy.yaml`` (or ``phonopy_disp.yaml``) with its force constants beside it or inside; read with
        the package's safe loader (:meth:`kapitza.phonons.harmonic.HarmonicCrystal.from_phonopy_file`:
        safe YAML, validated fields, symmetrised force constants), never phonopy's own YAML reading.
    mesh : (N1, N2, N3) or int
        Gamma-centred q-point mesh for the DOS (an int n means (n, n, n)); at most 200^3 points.
    sigma_mev : float, optional
        Gaussian smearing in meV (default: phonopy's tetrahedron method, no smearing).

    Returns
    -------
    DOSTable
        Energies in meV (phonopy's frequency points from 0 up; negative, imaginary-mode points dropped) and
        the DOS in states per atom per meV (phonopy's per-primitive-cell DOS divided by the atoms of the
        primitive cell).
    """
    from .harmonic import HarmonicCrystal

    m = _mesh(mesh)
    _check_sigma(sigma_mev)
    crystal = HarmonicCrystal.from_phonopy_file(path)
    return _mesh_dos(crystal.phonopy, m, sigma_mev, Path(path).name)


def crystal_dos(
    material: str, potential: str | None = None, mesh: tuple[int, int, int] | int = (20, 20, 20), *,
    sigma_mev: float | None = None,
) -> DOSTable:  # fmt: skip
    """The full-dispersion DOS of a crystal kapitza builds itself (interatomic potential, harmonic force constants).

    Parameters
    ----------
    material : str
        A material of :func:`kapitza.phonons.crystal.supported_materials` ("Si", ...).
    potential : str, optional
        Its potential (default: the material's default potential).
    mesh, sigma_mev
        As in :func:`phonopy_dos`.
    """
    from .harmonic import HarmonicCrystal

    m = _mesh(mesh)
    _check_sigma(sigma_mev)
    crystal = HarmonicCrystal.from_potential(material, potential)
    return _mesh_dos(crystal.phonopy, m, sigma_mev, f"{crystal.name} ({potential or 'default potential'})")


def table_dos(path: str | os.PathLike) -> DOSTable:
    """A DOS from a text table: two columns, energy in meV and DOS, separated by commas or whitespace.

    Parameters
    ----------
    path : path-like
        CSV or whitespace text; one optional header line (anything not numeric) and ``#`` comment lines are
        skipped.  Energies in meV, >= 0, increasing; DOS >= 0 in any unit (the forward model uses the shape).
    """
    from ..io.numbers_text import parse_numbers

    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file" if not p.exists() else f"{p}: not a file")
    if p.stat().st_size > MAX_TABLE_BYTES:
        raise InputError(f"{p.name}: larger than {MAX_TABLE_BYTES // 1024**2} MB; not a DOS table")
    try:
        text = p.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError) as exc:
        raise InputError(f"{p.name}: not a readable text table ({exc.__class__.__name__})") from None
    lines = [ln.split("#", 1)[0].replace(",", " ").replace(";", " ") for ln in text.splitlines()]
    lines = [ln for ln in lines if ln.strip()]
    if lines:
        first, ok = parse_numbers(lines[0])
        if not ok:
            lines = lines[1:]  # a header line
    values, ok = parse_numbers("\n".join(lines)) if lines else (np.empty(0), False)
    rows = [len(ln.split()) for ln in lines]
    if not ok or not rows or any(r != 2 for r in rows):
        raise InputError(f"{p.name}: expected two numeric columns (energy in meV, DOS) on every line")
    table = values.reshape(-1, 2)
    try:
        return DOSTable(energy_mev=table[:, 0], dos=table[:, 1], source=p.name)
    except InputError as exc:
        raise InputError(f"{p.name}: {exc}") from None


def as_table(energy_mev: ArrayLike, dos: ArrayLike, source: str = "array") -> DOSTable:
    """Two arrays (energy in meV, shape (n,); DOS, shape (n,)) -> a validated :class:`DOSTable`."""
    return DOSTable(energy_mev=np.asarray(energy_mev, dtype=float), dos=np.asarray(dos, dtype=float), source=source)
