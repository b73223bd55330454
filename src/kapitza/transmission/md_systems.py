r"""Harmonic spectral predictions (AGF and full-dispersion DMM) for the interface of an NEMD run.

:func:`harmonic_spectra` takes an NEMD run's manifest (:class:`kapitza.io.run_manifest.RunManifest`, what
``run.json`` holds; this module does not import :mod:`kapitza.md` and reads no config)
and returns, for the same interface (same potential, same masses, [001]), the spectral
conductance of the atomistic Green's function (:func:`kapitza.transmission.agf.run.run_agf`)
and of the full-dispersion diffuse mismatch model, with classical occupation (k_B per
mode, as in classical MD), so that neither depends on temperature:

.. math:: g(\omega) = \frac{k_B\,\Xi(\omega)}{2\pi A}, \qquad G = \int g(\omega)\,d\omega,

with :math:`\Xi` the k-averaged transmission per lateral cell of area A (AGF), or
:math:`k_B \sum_b M_{1,b}\tau_{12}` (DMM).

Systems (as in :mod:`kapitza.md.nemd`)
--------------------------------------
``potential = "lj/cut"`` (units ``lj`` or ``metal``)
    The argon-like LJ fcc crystal cut at 2.5 sigma (registry ``"lj"``: epsilon = 0.0104 eV,
    sigma = 3.405 A, m = 39.948 amu, a = 1.5496 sigma).  ``mass_a``/``mass_b`` are ratios to
    the argon mass in both unit systems.  Equal well depths ``epsilon_a = epsilon_b = c`` are
    supported exactly: the dynamical matrix c K / m equals K / (m / c), so the harmonic
    problem is solved with argon's epsilon and masses m / c.  Different well depths are
    refused (the AGF model has one epsilon for A, B and the A-B pairs).
``potential = "sw"`` (units ``metal``)
    Si Stillinger-Weber on both sides, the B side heavier (``mass_a`` x 28.0855 amu,
    ``mass_b`` x 72.630 amu): the AGF's mass-mismatch model of ``--potential sw``.
``potential = "tersoff"``
    Refused: the MD's Tersoff bicrystal puts Ge on silicon's lattice (5.432 A), while the
    AGF's Tersoff Si/Ge interface (``tersoff-lammps``) is coherent at the mean lattice
    constant with bulk periods along the normal: not the same structure.

Intermixed interfaces (``mixing_layers`` > 0) are refused: the MD realisation of the
disorder is not the AGF's.  The prediction is for semi-infinite crystals: the MD's cell
counts and cross-section do not enter (the transverse wavevectors do that job).

Which AGF conductance to compare with NEMD
------------------------------------------
``conductance_agf`` is the two-probe (Caroli) Landauer conductance lead | interface |
lead; it contains the ballistic contact resistance of the leads, and ``g_agf`` integrates
to it.  ``conductance_agf_intrinsic`` removes the contact resistance with Simons'
correction (J. Phys. C 7, 4048 (1974)), 1/G_int = 1/G - (1/G_A + 1/G_B)/2.  NEMD measures
Delta T as the jump between the temperatures of the two crystals extrapolated to the
interface, i.e. between near-equilibrium phonon populations, not between the emitted
populations of two black-body reservoirs, so the intrinsic G is the one to compare with
the NEMD G (as :mod:`kapitza.transmission.agf.result` states).  The spectral g_agf is the
two-probe one: there is no frequency-by-frequency version of the correction here.  When
the two sides are identical the interface has no resistance: the two-probe G equals the
ballistic one (up to the broadening) and the intrinsic G is reported as inf.

Display units
-------------
Everything in the result is in the display units of the run: ``units = "lj"`` -> omega in
rad/tau, g in k_B/(tau sigma^2) per (rad/tau), G in k_B/(tau sigma^2) (G*), with
tau = sigma sqrt(m/epsilon) of argon; ``units = "metal"`` -> SI: rad/s,
W m^-2 K^-1 per (rad/s), W m^-2 K^-1.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from .. import _checks
from ..atomistic.md_potentials import MD_POTENTIALS as _RECORDS
from ..errors import InputError
from ..io.results import result
from ..io.run_manifest import RunManifest
from ..units import AMU, ANGSTROM, EV, KB

#: Format of the cached arrays; bump when what is computed changes.
CACHE_VERSION = 1
#: Default Brillouin-zone mesh (N^3) of the DMM spectra.
DEFAULT_DMM_MESH = 16
#: Smallest number of AGF frequencies (the AGF's own floor).
MIN_FREQUENCIES = 20
#: Points of the DMM's own uniform frequency grid.
DMM_GRID_POINTS = 4000
#: Relative interface resistance (of 1/G) below which the two sides count as one crystal: the broadening
#: alone leaves the two-probe G of identical sides 6e-5 below the ballistic one (LJ, 2x2 k, 20 frequencies).
NO_INTERFACE_TOLERANCE = 1e-3
#: Argon-like LJ (the registry's "lj", the same numbers as kapitza.md.nemd's ARGON_*).
LJ_SIGMA_ANGSTROM = 3.405
LJ_EPSILON_EV = 0.0104
LJ_MASS_AMU = 39.948
#: The potentials of the NEMD driver (one record each, :mod:`kapitza.atomistic.md_potentials`).
MD_POTENTIALS = tuple(_RECORDS)

Progress = Callable[[int, int], None]


def lj_time_unit() -> float:
    """tau = sigma sqrt(m / epsilon) of argon-like LJ, s."""
    sigma = LJ_SIGMA_ANGSTROM * ANGSTROM
    return sigma * math.sqrt(LJ_MASS_AMU * AMU / (LJ_EPSILON_EV * EV))


@result
class HarmonicSpectra:
    """Harmonic spectral conductance of an NEMD system's interface, in the run's display units.

    Attributes
    ----------
    units : str
        ``"lj"`` (reduced: rad/tau, k_B/(tau sigma^2)) or ``"metal"`` (SI: rad/s, W m^-2 K^-1).
    omega : ndarray
        The AGF's midpoint frequency grid, shape (nf,).
    omega_weights : ndarray
        Its quadrature weights (same unit as omega), shape (nf,): G = sum(g * omega_weights).
    g_agf : ndarray
        Two-probe AGF spectral conductance per area, k_B Xi / (2 pi A), per unit omega, shape (nf,).
    g_dmm : ndarray
        Full-dispersion DMM spectral conductance on ``omega`` (for plotting beside g_agf), shape (nf,).
    omega_dmm, g_dmm_fine : ndarray
        The DMM on its own uniform grid from 0 to the lower band top, shape (DMM_GRID_POINTS,):
        its trapezoid integral is the Landauer G to the quadrature's error.
    xi_agf : ndarray
        Transmission per lateral cell Xi(omega) (k-averaged), dimensionless, shape (nf,).
    lead_omega, lead_xi : ndarray
        Each perfect lead's frequency grid (omega unit) and channel count per lateral cell, shape (2, nf).
    area : float
        Lateral cell area (sigma^2 or m^2).
    omega_max_a, omega_max_b : float
        Highest bulk phonon frequency of side A and of side B (on the DMM mesh), omega unit.
    conductance_agf : float
        Two-probe AGF G (= integral of g_agf), G unit.
    conductance_agf_intrinsic : float
        Simons-corrected AGF G, the one to compare with NEMD; inf when the sides are identical.
    ballistic_a, ballistic_b : float
        Ballistic G of the perfect A and B leads, G unit.
    conductance_dmm : float
        DMM Landauer G (adaptive quadrature), G unit.
    omega_unit, g_unit, conductance_unit : str
        Unit names.
    settings : Mapping
        What was computed: potential, masses_amu, kpoints, frequencies, mesh, epsilon_scale.
    notes : tuple of str
        Modelling choices the user should know about.
    """

    units: str
    omega: NDArray[np.float64]
    omega_weights: NDArray[np.float64]
    g_agf: NDArray[np.float64]
    g_dmm: NDArray[np.float64]
    omega_dmm: NDArray[np.float64]
    g_dmm_fine: NDArray[np.float64]
    xi_agf: NDArray[np.float64]
    lead_omega: NDArray[np.float64]
    lead_xi: NDArray[np.float64]
    area: float
    omega_max_a: float
    omega_max_b: float
    conductance_agf: float
    conductance_agf_intrinsic: float
    ballistic_a: float
    ballistic_b: float
    conductance_dmm: float
    omega_unit: str
    g_unit: str
    conductance_unit: str
    settings: dict[str, Any]
    notes: tuple[str, ...] = ()

    _summary_fields: ClassVar[tuple[str, ...]] = (
        "units",
        "conductance_agf",
        "conductance_agf_intrinsic",
        "conductance_dmm",
        "omega_max_a",
        "omega_max_b",
    )


def _builder_number(builder: Mapping[str, Any], name: str, where: str) -> float:
    if name not in builder:
        raise InputError(f"{where}: the manifest's system.builder has no {name}")
    value = builder[name]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise InputError(f"{where}: {name} must be a positive number, got {value!r}")
    return float(value)


def system_of(manifest: RunManifest) -> dict[str, Any]:
    """The harmonic system of an NEMD run's manifest: potential (registry name), masses (amu), epsilon scale, units.

    The masses are the manifest's (LJ mass unit = argon's for units lj, amu for metal); the well-depth ratios and
    the intermixed layers come from its ``system.builder``.  Raises InputError for what the AGF cannot model,
    naming the reason.
    """
    if not isinstance(manifest, RunManifest):
        raise InputError(
            f"harmonic spectra need an NEMD run manifest (kapitza.io.run_manifest.RunManifest, e.g. "
            f"kapitza.md.plan.run_manifest(config)), got {type(manifest).__name__}"
        )
    system = manifest.system
    where = "run manifest"
    potential, units = system.potential, system.units
    if system.kind == "user" or system.structure is not None:
        raise InputError(
            "a user's structure: its AGF is a separate run on the same files, 'kapitza agf --structure "
            "RUN_DIR/structure.extxyz --pair PAIR_FILE' (the AGF's leads are the structure's end periods)"
        )
    if potential not in MD_POTENTIALS:
        raise InputError(f"{where}: potential must be one of {', '.join(MD_POTENTIALS)}, got {potential!r}")
    record = _RECORDS[potential]
    if not record.agf:
        raise InputError(f"potential {potential} is not supported: {record.agf_words}")
    if not record.reduced and units != "metal":
        raise InputError(f'potential {potential} needs units "metal", got {units!r}')
    mixing = system.builder.get("mixing_layers")
    if mixing != 0:
        raise InputError(
            f"mixing_layers = {mixing!r}: intermixed interfaces are not supported (the AGF would need the MD's "
            "cross-section as its lateral cell and the MD's random realisation of the disorder); use 0"
        )
    if len(system.masses) != 2:
        raise InputError(f"{where}: a bicrystal has two atom types, got {len(system.masses)}")
    eps_a = _builder_number(system.builder, "epsilon_a", where)
    eps_b = _builder_number(system.builder, "epsilon_b", where)
    if record.scaled_epsilons:
        if eps_a != eps_b:
            raise InputError(
                f"epsilon_a = {eps_a:g} and epsilon_b = {eps_b:g} differ: the AGF's LJ model has one well depth for "
                "A, B and the A-B pairs, so an epsilon mismatch is not modelled; use equal epsilons"
            )
        scale = eps_a
        unit = LJ_MASS_AMU if units == "lj" else 1.0  # the LJ mass unit is argon's
        masses = tuple(m * unit / scale for m in system.masses)
        return {"potential": record.agf, "units": units, "masses_amu": masses, "epsilon_scale": scale}
    if eps_a != 1 or eps_b != 1:
        raise InputError(
            f"epsilon_a and epsilon_b apply to lj/cut only ({potential} takes its energies from its file): "
            f"leave them at 1, got {eps_a:g} and {eps_b:g}"
        )
    return {"potential": record.agf, "units": units, "masses_amu": tuple(system.masses), "epsilon_scale": 1.0}


def _agf_record(system: Mapping[str, Any]) -> Any:
    """The MD record whose AGF twin ``system`` (:func:`system_of`) names."""
    return next(r for r in _RECORDS.values() if r.agf == system["potential"])


def lj_crystal(mass_amu: float, *, cache: bool = True) -> Any:
    """Argon-like LJ fcc HarmonicCrystal at a = 1.5496 sigma, every atom of ``mass_amu`` (amu).

    Force constants from +-0.01 A displacements in a 4x4x4 conventional supercell (phonopy without its
    symmetry search, ASE's LJ cut at 2.5 sigma: the registry's "lj"), cached on disk: they do not depend on
    the mass.
    """
    from ase import Atoms
    from ase.build import bulk
    from phonopy import Phonopy
    from phonopy.structure.atoms import PhonopyAtoms

    from ..atomistic.bicrystal import LJ_FCC_LATTICE_CONSTANT
    from ..atomistic.potentials import LJ_ARGON, get_potential
    from ..io.cache import cached_arrays, force_constant_rules
    from ..phonons.crystal import FCC_PRIMITIVE
    from ..phonons.harmonic import HarmonicCrystal

    a = LJ_FCC_LATTICE_CONSTANT * LJ_SIGMA_ANGSTROM
    unit = bulk("Ar", "fcc", a=a, cubic=True)
    cell = PhonopyAtoms(
        symbols=unit.get_chemical_symbols(),
        cell=np.asarray(unit.cell),
        scaled_positions=unit.get_scaled_positions(),
        masses=[mass_amu] * len(unit),
    )
    ph = Phonopy(cell, supercell_matrix=np.eye(3, dtype=int) * 4, primitive_matrix=FCC_PRIMITIVE, is_symmetry=False)
    ph.generate_displacements(distance=0.01, is_plusminus=True)

    def compute() -> dict[str, NDArray[np.float64]]:
        calc = get_potential("lj", ["Ar"]).calculator()
        forces = []
        for sc in ph.supercells_with_displacements:
            atoms = Atoms(sc.symbols, cell=sc.cell, scaled_positions=sc.scaled_positions, pbc=True)
            atoms.calc = calc
            forces.append(atoms.get_forces())
        ph.forces = np.array(forces)
        ph.produce_force_constants()
        return {"fc": np.asarray(ph.force_constants)}

    parts = {"lattice_constant_angstrom": a, "supercell": 4, "displacement": 0.01, "lj": dict(LJ_ARGON)}
    n = len(ph.supercell)
    ph.force_constants = cached_arrays(
        "md-systems-lj-force-constants", parts, compute, enabled=cache, shapes={"fc": (n, n, 3, 3)},
        check=force_constant_rules("fc", "phonopy"),
    )["fc"]  # fmt: skip
    ph.symmetrize_force_constants()
    return HarmonicCrystal(
        name=f"LJ Ar {mass_amu:g} amu",
        source=f"argon-like LJ cut at 2.5 sigma, a = {a:.4f} A, 4x4x4 supercell, +-0.01 A displacements",
        phonopy=ph,
        lattice_constant=a * ANGSTROM,
    )


def twin_crystal(record: Any, mass_amu: float, *, cache: bool = True) -> Any:
    """The HarmonicCrystal of a diamond MD record's AGF twin (:attr:`~kapitza.atomistic.md_potentials.MDPotential.agf`:
    Si Stillinger-Weber for ``sw``, at its own lattice constant), every atom of ``mass_amu`` (amu)."""
    from ..phonons.harmonic import HarmonicCrystal

    element = record.agf_species[0]
    crystal = HarmonicCrystal.from_potential(element, record.agf, cache=cache)
    crystal.phonopy.masses = [mass_amu] * len(crystal.phonopy.primitive)
    return HarmonicCrystal(
        name=f"{element}({record.agf.upper()}) with mass {mass_amu:g} amu",
        source=crystal.source + f"; mass {mass_amu:g} amu",
        phonopy=crystal.phonopy,
        lattice_constant=crystal.lattice_constant,
    )


def _compute(
    system: Mapping[str, Any], kpoints: int, frequencies: int, mesh: int, progress: Progress | None, cache: bool
) -> dict[str, NDArray[np.float64]]:
    """SI arrays of the AGF and the DMM for ``system`` (see :func:`system_of`)."""
    from ..landauer import conductance, spectral_conductance
    from ..phonons import full_dispersion_spectrum
    from .agf.run import run_agf
    from .dmm import diffuse_mismatch

    masses = tuple(system["masses_amu"])
    record = _agf_record(system)
    left, right = record.agf_species
    agf, _ = run_agf(
        left,
        right,
        potential=system["potential"],
        masses_amu=masses,
        statistics="classical",
        temperature=[300.0],  # classical occupation: G does not depend on T
        kpoints=kpoints,
        frequencies=frequencies,
        check_broadening=False,
        progress=progress,
    )
    tr = agf.transmission

    def build(m: float) -> Any:
        return lj_crystal(m, cache=cache) if record.reduced else twin_crystal(record, m, cache=cache)

    s1, s2 = (full_dispersion_spectrum(build(m), normal="001", mesh=mesh, cache=cache) for m in masses)
    model = diffuse_mismatch(s1, s2)
    g_dmm_landauer = float(conductance(model, [300.0], "classical").conductance[0])
    top = min(s1.max_frequency, s2.max_frequency)
    omega_dmm = np.linspace(0.0, top, DMM_GRID_POINTS)
    return {
        "omega": tr.omega,
        "omega_weights": tr.omega_weights,
        "xi": tr.xi,
        "area": np.array(tr.area),
        "lead_omega": agf.lead_omega,
        "lead_xi": agf.lead_xi,
        "conductance_agf": np.array([agf.conductance[0], agf.ballistic[0, 0], agf.ballistic[1, 0]]),
        "g_dmm": spectral_conductance(model, tr.omega, 300.0, "classical").sum(axis=0),
        "omega_dmm": omega_dmm,
        "g_dmm_fine": spectral_conductance(model, omega_dmm, 300.0, "classical").sum(axis=0),
        "conductance_dmm": np.array(g_dmm_landauer),
        "omega_max": np.array([s1.highest_mode, s2.highest_mode]),
    }


def intrinsic_or_inf(g: float, ballistic_a: float, ballistic_b: float) -> float:
    """Simons' intrinsic G from the two-probe ``g`` and the leads' ballistic G (any one unit).

    inf when the interface resistance 1/G - (1/G_A + 1/G_B)/2 is below NO_INTERFACE_TOLERANCE x 1/G
    (identical sides: the broadening alone leaves a tiny, meaningless difference), else
    1 / (1/G - (1/G_A + 1/G_B)/2).
    """
    if not (g > 0 and ballistic_a > 0 and ballistic_b > 0):
        return 0.0
    resistance = 1.0 / g - 0.5 * (1.0 / ballistic_a + 1.0 / ballistic_b)
    if resistance <= NO_INTERFACE_TOLERANCE / g:
        return math.inf
    return 1.0 / resistance


def harmonic_spectra(
    manifest: RunManifest,
    *,
    kpoints: int = 8,
    frequencies: int = 100,
    mesh: int = DEFAULT_DMM_MESH,
    progress: Progress | None = None,
    cache: bool = True,
) -> HarmonicSpectra:
    """AGF and full-dispersion DMM spectral conductance of the interface of an NEMD config.

    Parameters
    ----------
    manifest : RunManifest
        The run's manifest (:func:`kapitza.io.run_manifest.read_manifest`, or
        ``kapitza.md.plan.run_manifest(config)`` before a run); read: its system's potential, units, masses
        and builder (epsilon_a, epsilon_b, mixing_layers); temperatures do not matter (classical occupation).
    kpoints : int
        AGF transverse k grid kpoints x kpoints, >= 1.
    frequencies : int
        AGF frequencies, >= 20 (100 for converged numbers).
    mesh : int
        Brillouin-zone mesh N (N^3) of the DMM spectra, >= 2.
    progress : callable, optional
        progress(done, total) of the AGF's (omega, k) chunks (not called on a cache hit).
    cache : bool
        Use the on-disk cache (keyed on the potential, masses, kpoints, frequencies, mesh, the AGF broadening
        and the kapitza version).

    Returns
    -------
    HarmonicSpectra
        In the display units of the run's ``units`` (module docstring).
    """
    system = system_of(manifest)
    kpoints = _checks.count(kpoints, "kpoints=", 1)
    frequencies = _checks.count(frequencies, "frequencies=", MIN_FREQUENCIES)
    mesh = _checks.count(mesh, "mesh=", 2)
    if progress is not None and not callable(progress):
        raise InputError(f"progress= must be callable, got {type(progress).__name__}")
    if not isinstance(cache, bool):
        raise InputError(f"cache= must be true or false, got {cache!r}")
    from .._version import __version__
    from ..io.cache import cached_arrays, finite
    from .agf.solver import DEFAULT_ETA

    parts = {
        "version": CACHE_VERSION,
        "kapitza": __version__,  # the AGF and DMM defaults (broadening, grids) are those of this version
        "eta": DEFAULT_ETA,
        "potential": system["potential"],
        "masses_amu": [float(m) for m in system["masses_amu"]],
        "kpoints": kpoints,
        "frequencies": frequencies,
        "mesh": mesh,
    }
    a = cached_arrays(
        "md-harmonic-spectra",
        parts,
        lambda: _compute(system, kpoints, frequencies, mesh, progress, cache),
        enabled=cache,
        check=finite,
    )
    return _display(system, a, parts)


def _display(system: Mapping[str, Any], a: Mapping[str, NDArray[Any]], parts: Mapping[str, Any]) -> HarmonicSpectra:
    """The SI arrays ``a`` as a HarmonicSpectra in the display units of ``system['units']``."""
    units = system["units"]
    if units == "lj":
        sigma, tau = LJ_SIGMA_ANGSTROM * ANGSTROM, lj_time_unit()
        w_f, g_f, c_f, area_f = tau, sigma**2 / KB, sigma**2 * tau / KB, 1.0 / sigma**2
        names = ("rad/tau", "k_B/(tau sigma^2) per rad/tau", "k_B/(tau sigma^2)")
    else:
        w_f = g_f = c_f = area_f = 1.0
        names = ("rad/s", "W m^-2 K^-1 per rad/s", "W m^-2 K^-1")
    omega = np.asarray(a["omega"])
    area = float(a["area"])
    g_agf = KB * np.asarray(a["xi"]) / (2 * np.pi * area)
    g2, gl, gr = (float(x) for x in a["conductance_agf"])
    intrinsic = intrinsic_or_inf(g2, gl, gr)
    notes = [
        "classical occupation (k_B per mode, as in classical MD): g and G do not depend on temperature",
        "g_agf integrates to the two-probe AGF G; compare the NEMD G with conductance_agf_intrinsic (Simons' "
        "correction removes the leads' ballistic resistance, J. Phys. C 7, 4048 (1974))",
        "AGF: [001], semi-infinite perfect crystals on both sides (the MD cell size does not enter)",
    ]
    said = _agf_record(system).agf_words  # what the AGF's twin of this bicrystal is, where there is a note of it
    if said:
        notes.append(said)
    if system["epsilon_scale"] != 1.0:
        notes.append(
            f"equal well depths epsilon = {system['epsilon_scale']:g} x argon's: solved as argon's epsilon with "
            "masses divided by that factor (the same dynamical matrix)"
        )
    if math.isinf(intrinsic):
        notes.append(
            "the two-probe G equals the ballistic G of the leads (identical sides): no interface resistance, "
            "the intrinsic G is infinite"
        )
    if int(parts["frequencies"]) < 100:
        notes.append(f"only {parts['frequencies']} AGF frequencies: G is not converged (use 100 or more)")
    return HarmonicSpectra(
        units=units,
        omega=omega * w_f,
        omega_weights=np.asarray(a["omega_weights"]) * w_f,
        g_agf=g_agf * g_f,
        g_dmm=np.asarray(a["g_dmm"]) * g_f,
        omega_dmm=np.asarray(a["omega_dmm"]) * w_f,
        g_dmm_fine=np.asarray(a["g_dmm_fine"]) * g_f,
        xi_agf=np.asarray(a["xi"]),
        lead_omega=np.asarray(a["lead_omega"]) * w_f,
        lead_xi=np.asarray(a["lead_xi"]),
        area=area * area_f,
        omega_max_a=float(a["omega_max"][0]) * w_f,
        omega_max_b=float(a["omega_max"][1]) * w_f,
        conductance_agf=g2 * c_f,
        conductance_agf_intrinsic=intrinsic * c_f,
        ballistic_a=gl * c_f,
        ballistic_b=gr * c_f,
        conductance_dmm=float(a["conductance_dmm"]) * c_f,
        omega_unit=names[0],
        g_unit=names[1],
        conductance_unit=names[2],
        settings={**dict(parts), "units": units, "epsilon_scale": float(system["epsilon_scale"])},
        notes=tuple(notes),
    )
