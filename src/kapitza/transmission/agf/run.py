r"""One call from two material names to an AGF conductance: build, partition, solve, integrate, save.

:func:`run_agf` builds the interface (:func:`kapitza.md.build_interface`),
computes the force constants, partitions leads and device, sweeps the
transmission over frequencies and transverse wavevectors, and integrates
G(T) through :mod:`kapitza.landauer`.  It returns an :class:`AGFResult`
with everything needed to reproduce it (:meth:`AGFResult.inputs`).

Materials and potentials
------------------------
``potential="sw"`` with two different elements (Si and Ge): Stillinger-Weber
has no mixed Si-Ge parameters, so the *mass-mismatch model* is used: Si
force constants and the Si lattice everywhere, the right crystal's atomic
mass on its side (a note in the result says so).  ``"tersoff-lammps"``
gives a genuine Si-Ge interface (Tersoff 1989 through LAMMPS), coherent,
with the mean of the two equilibrium lattice constants in the plane and
bulk periods along the normal.  Lattice constants are the potential's own
equilibrium values.

Two conductances
----------------
``conductance`` is the two-probe Landauer (Caroli) conductance of lead |
interface | lead: it contains the ballistic contact resistance of the
leads.  ``intrinsic`` removes it with Simons' correction (J. Phys. C 7,
4048 (1974)), :math:`1/G_{int} = 1/G - \tfrac12(1/G_L + 1/G_R)`, where
:math:`G_{L,R}` are the ballistic conductances of the two leads, computed
with the same solver on each perfect lead (its transmission is its number of
channels).  The intrinsic value is the one to compare with NEMD and with
equilibrium-distribution models; the two-probe one with other AGF codes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from ...errors import InputError
from ...io import atomic_write, atomic_write_text
from .model import LayeredModel
from .solver import DEFAULT_ETA, TransmissionResult, frequency_grid, lead_max_frequency, transmission

#: Temperatures (K) reported by default.
DEFAULT_TEMPERATURES = (50.0, 100.0, 200.0, 300.0, 500.0)
#: The frequency grid ends this factor above the smaller lead's band top (its sampled maximum).
TOP_MARGIN = 1.01


@dataclass(frozen=True)
class BroadeningCheck:
    """G(T_check) at eta and eta/2: the convergence diagnostic of the broadening.

    Attributes
    ----------
    eta : float
    temperature : float
        K.
    conductance : (float, float)
        G at eta and at eta/2, W m^-2 K^-1.
    """

    eta: float
    temperature: float
    conductance: tuple[float, float]

    @property
    def relative_change(self) -> float:
        g1, g2 = self.conductance
        return abs(g2 - g1) / abs(g2) if g2 else 0.0


@dataclass(frozen=True)
class AGFResult:
    """Transmission and conductance of an interface from the AGF solver.

    Attributes
    ----------
    transmission : TransmissionResult
        Xi(omega, k_par) and its k average.
    temperature : ndarray
        K, shape (n_T,).
    conductance : ndarray
        Two-probe G(T), W m^-2 K^-1, shape (n_T,).
    ballistic : ndarray
        Ballistic G(T) of the left and right leads, shape (2, n_T).
    lead_omega, lead_xi : ndarray
        Frequencies (rad/s) and channel counts Xi of each perfect lead, shape (2, n_lead).
    broadening : BroadeningCheck or None
    model_metadata : dict
        How the layered model was made (structure, partition, force constants).
    settings : dict
        The inputs of :func:`run_agf`.
    notes : tuple of str
        Modelling choices the user should know about.
    """

    transmission: TransmissionResult
    temperature: NDArray[np.float64]
    conductance: NDArray[np.float64]
    ballistic: NDArray[np.float64]
    broadening: BroadeningCheck | None
    lead_omega: NDArray[np.float64] = field(default_factory=lambda: np.zeros((2, 0)))
    lead_xi: NDArray[np.float64] = field(default_factory=lambda: np.zeros((2, 0)))
    model_metadata: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def intrinsic(self) -> NDArray[np.float64]:
        """Interface conductance with the leads' ballistic resistance removed (Simons), W m^-2 K^-1."""
        inv = 1.0 / self.conductance - 0.5 * (1.0 / self.ballistic[0] + 1.0 / self.ballistic[1])
        with np.errstate(divide="ignore"):
            return np.where(inv > 0, 1.0 / np.where(inv > 0, inv, 1.0), np.inf)

    def inputs(self) -> dict[str, Any]:
        """JSON-able record of every input (structure, potential, k grid, broadening, frequencies, seed, version)."""
        from ... import __version__

        t = self.transmission
        return {
            "kapitza_version": __version__,
            "settings": _jsonable(self.settings),
            "model": _jsonable(self.model_metadata),
            "kpoints": t.kpoints.tolist(),
            "kweights": t.kweights.tolist(),
            "eta": t.eta,
            "omega_rad_s": {"first": float(t.omega[0]), "last": float(t.omega[-1]), "count": int(t.omega.size)},
            "area_m2": t.area,
            "notes": list(self.notes),
        }

    def save(self, path: str | Path) -> tuple[Path, Path]:
        """Write the arrays to ``path`` (.npz) and the inputs and headline numbers beside it (.json), atomically."""
        target = Path(path)
        if target.suffix != ".npz":
            raise InputError(f"results are saved as .npz, got {str(target)!r}")
        if not target.parent.exists():
            raise InputError(f"directory {str(target.parent)!r} does not exist")
        t = self.transmission
        arrays = {
            "omega": t.omega,
            "omega_weights": t.omega_weights,
            "kpoints": t.kpoints,
            "kweights": t.kweights,
            "xi_k": t.xi_k,
            "xi": t.xi,
            "temperature": self.temperature,
            "conductance": self.conductance,
            "intrinsic_conductance": self.intrinsic,
            "ballistic_conductance": self.ballistic,
            "lead_omega": self.lead_omega,
            "lead_xi": self.lead_xi,
        }
        atomic_write(target, lambda p: np.savez(p, **arrays))
        doc = self.inputs()
        doc["results"] = {
            "units": {"temperature": "K", "conductance": "W m^-2 K^-1", "omega": "rad/s"},
            "temperature": self.temperature.tolist(),
            "conductance": self.conductance.tolist(),
            "intrinsic_conductance": [float(x) if np.isfinite(x) else None for x in self.intrinsic],
            "ballistic_conductance": self.ballistic.tolist(),
            "broadening_check": None
            if self.broadening is None
            else {
                "eta": self.broadening.eta,
                "temperature": self.broadening.temperature,
                "conductance": list(self.broadening.conductance),
                "relative_change": self.broadening.relative_change,
            },
            "seconds": t.seconds,
        }
        side = target.with_suffix(".json")
        atomic_write_text(side, json.dumps(doc, indent=2))
        return target, side


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    return value


def lead_model(model: LayeredModel, side: str) -> LayeredModel:
    """A perfect lead as a layered model: the lead unit repeated, one unit as the device.

    Its Caroli transmission is the lead's number of propagating channels, so
    its conductance is the ballistic one.
    """
    if side not in ("left", "right"):
        raise InputError(f"side must be 'left' or 'right', got {side!r}")
    n_blocks = len(model.bounds) - 1
    a, b = (0, 1) if side == "left" else (n_blocks - 2, n_blocks - 1)
    ra, rb = model.block_range(a), model.block_range(b)
    n = ra.stop - ra.start
    mats = []
    for m in model.matrices:
        m = sp.csr_matrix(m)
        onsite = m[rb, rb]
        up = m[ra, rb]  # unit j -> j+1
        down = m[rb, ra]
        units = 5
        blocks = [[None] * units for _ in range(units)]
        for u in range(units):
            blocks[u][u] = onsite
            if u + 1 < units:
                blocks[u][u + 1] = up
                blocks[u + 1][u] = down
        mats.append(sp.bmat(blocks, format="csr"))
    atoms = model.atom_of_dof[rb]
    dz = unit_z(model, a, b)
    positions = np.concatenate([model.positions[np.unique(atoms)] + [0.0, 0.0, (u - 1) * dz] for u in range(5)])
    masses = np.tile(model.masses[np.unique(atoms)], 5)
    labels = tuple(model.labels[i] for i in np.unique(atoms)) * 5 if model.labels else ()
    n_atoms = np.unique(atoms).size
    return LayeredModel(
        translations=model.translations,
        matrices=tuple(mats),
        bounds=tuple(n * u for u in range(6)),
        atom_of_dof=np.repeat(np.arange(5 * n_atoms), n // n_atoms),
        positions=positions,
        masses=masses,
        lateral_cell=model.lateral_cell,
        labels=labels,
        metadata={"kind": f"perfect {side} lead"},
    )


def unit_z(model: LayeredModel, a: int, b: int) -> float:
    za = model.positions[model.atom_of_dof[model.block_range(a).start], 2]
    zb = model.positions[model.atom_of_dof[model.block_range(b).start], 2]
    return float(zb - za)


def _resolve_materials(left: str, right: str, potential: str) -> tuple[Any, dict[str, Any], list[str]]:
    from ...atomistic.lattice import equilibrium_lattice_constant
    from ...atomistic.potentials import get_potential
    from ...units import ANGSTROM

    notes: list[str] = []
    name = str(potential).strip().lower()
    if name == "sw" and left != right:
        pot = get_potential(name, [left])
        a = equilibrium_lattice_constant(pot, left) / ANGSTROM
        notes.append(
            f"{name}: no mixed {left}-{right} parameters, so the mass-mismatch model is used: {left} force constants "
            f"and lattice constant ({a:.4f} A) on both sides, {right} atomic mass on the {right} side; use "
            "--potential tersoff-lammps for a genuine Si-Ge interface"
        )
        return pot, {"mass_only": True, "lattice_constants": (a, a)}, notes
    pot = get_potential(name, [left, right])
    a1 = equilibrium_lattice_constant(pot, left) / ANGSTROM
    a2 = equilibrium_lattice_constant(pot, right) / ANGSTROM
    if left != right:
        notes.append(
            f"coherent {left}/{right} interface: in-plane lattice constant {(a1 + a2) / 2:.4f} A (mean of "
            f"{a1:.4f} and {a2:.4f} A), bulk periods along the normal, positions not relaxed"
        )
    return pot, {"mass_only": False, "lattice_constants": (a1, a2)}, notes


def run_agf(
    left: str,
    right: str,
    *,
    potential: str = "sw",
    normal: str = "001",
    kpoints: int | Sequence[int] = 8,
    frequencies: int = 200,
    temperature: ArrayLike = DEFAULT_TEMPERATURES,
    eta: float = DEFAULT_ETA,
    cells: tuple[int, int] | None = None,
    pl_cells: int | tuple[int, int] | None = None,
    lateral: tuple[int, int] = (1, 1),
    mixing_layers: int = 0,
    seed: int | None = None,
    check_broadening: bool = True,
    check_temperature: float = 300.0,
    workers: int | None = None,
    address: str | None = None,
    client: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[AGFResult, LayeredModel]:
    """Build the interface ``left``/``right``, solve the AGF and integrate G(T).

    Parameters
    ----------
    left, right : str
        Chemical symbols; heat flows left -> right.
    potential : str
        Named potential (:func:`kapitza.atomistic.potentials.get_potential`).
    normal : {"001", "110", "111"}
    kpoints : int or (int, int)
        Monkhorst-Pack grid of transverse wavevectors.
    frequencies : int
        Midpoint-grid frequencies from 0 to the smaller lead's band top.
    temperature : array_like
        K.
    eta : float
        Relative broadening.
    cells : (int, int), optional
        Cells of each crystal; default: two principal layers of each in the device plus the leads'.
    pl_cells : int or (int, int), optional
        Cells per principal layer; default from the force range.
    lateral : (int, int)
        Lateral repetitions of the smallest cell (needed for intermixing).
    mixing_layers, seed
        Interface intermixing (see :func:`kapitza.md.build_interface`).
    check_broadening : bool
        Also solve at eta/2 and report the change of G(check_temperature).
    workers, address, client
        dask.distributed execution (see :mod:`.parallel`); default in-process.
    progress : callable, optional
        progress(done, total) over all tasks of all sweeps.

    Returns
    -------
    (AGFResult, LayeredModel)
    """
    from ...atomistic.structures import build_interface
    from .forceconstants import hessian_range
    from .partition import interface_model, principal_layer_cells

    temps = np.atleast_1d(np.asarray(temperature, dtype=float))
    pot, material, notes = _resolve_materials(left, right, potential)
    probe = build_interface(
        left,
        right,
        normal,
        lattice_constants_angstrom=material["lattice_constants"],
        cells=(1, 1),
        lateral=lateral,
        mass_only=material["mass_only"],
    )
    force_range = hessian_range(pot, probe.atoms)
    pl = (
        principal_layer_cells(probe, force_range)
        if pl_cells is None
        else ((int(pl_cells), int(pl_cells)) if isinstance(pl_cells, (int, np.integer)) else tuple(pl_cells))
    )
    if cells is None:
        cells = (3 * pl[0], 3 * pl[1])  # lead layer + two principal layers of device on each side
    structure = build_interface(
        left,
        right,
        normal,
        lattice_constants_angstrom=material["lattice_constants"],
        cells=tuple(cells),
        lateral=lateral,
        mass_only=material["mass_only"],
        mixing_layers=mixing_layers,
        seed=seed,
    )
    model = interface_model(structure, pot, pl_cells=pl, force_range=force_range)
    kgrid = (int(kpoints), int(kpoints)) if isinstance(kpoints, (int, np.integer)) else tuple(kpoints)
    w_top = TOP_MARGIN * min(
        lead_max_frequency(model, "left", [(0.0, 0.0)]), lead_max_frequency(model, "right", [(0.0, 0.0)])
    )
    omega, weights = frequency_grid(w_top, int(frequencies))
    sweeps = 4 if check_broadening else 3
    counter = {"offset": 0, "last": 0}

    def sub_progress(done: int, total: int) -> None:
        if progress is not None:
            counter["last"] = total
            progress(counter["offset"] + done, sweeps * total)

    run_opts = {"workers": workers, "address": address, "client": client}
    own_client = None
    if client is None and (workers is not None or address is not None):
        import distributed

        from .parallel import close_client, local_client

        own_client = distributed.Client(address) if address is not None else local_client(int(workers or 2))
        run_opts = {"client": own_client}
    try:
        result = transmission(model, omega, kgrid, eta=eta, omega_weights=weights, progress=sub_progress, **run_opts)
        counter["offset"] += counter["last"]
        g = result.conductance(temps)
        ballistic, lead_omega, lead_xi = [], [], []
        for side in ("left", "right"):
            lead = lead_model(model, side)
            top = TOP_MARGIN * lead_max_frequency(model, side, [(0.0, 0.0)])
            w_lead, wt_lead = frequency_grid(top, int(frequencies))
            r = transmission(lead, w_lead, kgrid, eta=eta, omega_weights=wt_lead, progress=sub_progress, **run_opts)
            counter["offset"] += counter["last"]
            ballistic.append(r.conductance(temps))
            lead_omega.append(r.omega)
            lead_xi.append(r.xi)
        check = None
        if check_broadening:
            half = transmission(
                model, omega, kgrid, eta=eta / 2, omega_weights=weights, progress=sub_progress, **run_opts
            )
            g1 = float(result.conductance(check_temperature)[0])
            g2 = float(half.conductance(check_temperature)[0])
            check = BroadeningCheck(eta=float(eta), temperature=float(check_temperature), conductance=(g1, g2))
    finally:
        if own_client is not None:
            if address is None:
                close_client(own_client)  # ours: client and its local cluster
            else:
                own_client.close()  # someone else's cluster stays up
    settings = {
        "left": left,
        "right": right,
        "potential": pot.name,
        "potential_reference": pot.reference,
        "normal": normal,
        "kpoints": list(kgrid),
        "frequencies": int(frequencies),
        "omega_max_rad_s": float(w_top),
        "eta": float(eta),
        "cells": list(cells),
        "principal_layer_cells": list(pl),
        "lateral": list(lateral),
        "mixing_layers": int(mixing_layers),
        "seed": structure.description["seed"],
        "temperature_K": temps.tolist(),
    }
    out = AGFResult(
        transmission=result,
        temperature=temps,
        conductance=g,
        ballistic=np.array(ballistic),
        broadening=check,
        lead_omega=np.array(lead_omega),
        lead_xi=np.array(lead_xi),
        model_metadata=dict(model.metadata),
        settings=settings,
        notes=tuple(notes),
    )
    return out, model
