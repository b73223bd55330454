"""Streaming spectral heat current of an NEMD run: sample the interface atoms, reduce each block to spectra.

With ``spectral_every > 0`` (:class:`~kapitza.md.nemd.NemdConfig`) every production block dumps the velocities
(and, for the pairwise lj/cut, the positions) of the atoms within ``spectral_sampled_planes`` planes of the
interface at ``z = cells_a a`` (the middle interface of a periodic run, the only one of a fixed-ends run) every
``spectral_every`` steps to ``spectral/block.dump``; after the block, :func:`process_block` turns the dump into
``spectral/block_NNNNN.npz`` (the contract below) and deletes it, so the disk and the memory hold one block at a
time.  All Fourier conventions are :mod:`kapitza.spectra`'s.

``spectral/setup.npz`` (:func:`write_setup`, read with :func:`read_setup`, ``allow_pickle=False``):
ids (n,) LAMMPS ids ascending; side (n,) 1 (A, site below the interface plane) or 2; plane (n,) -1, -2, .. on side 1
(-1 touches the interface), 0, 1, .. on side 2; plane_z (n_planes,) site z of each plane relative to the interface,
from plane_first upward; plane_first; masses (n,); has_force_form (1 for lj/cut); coupling_rows / _cols / _vals:
COO of the (3 n2, 3 n1) force constants K_ji (side-2 atoms j in ids order, then components; side-1 atoms i
likewise), energy/length^2; units; sample_every; timestep; n_samples; interface_z_fraction.  Extra keys used by
:func:`process_block` for the force form: positions (n, 3) lattice sites, box (3,), pair_first / pair_second
(indices into ids of the side-1 and side-2 atom of each candidate pair and periodic image), pair_offset (pairs, 3)
the sites' displacement r_j - r_i of that image, pair_epsilon, sigma, cutoff, periodic_z.

``spectral/block_NNNNN.npz``: omega (nf,), q_harmonic (nf,), q_force (nf,; lj/cut only), power_force (the
window-weighted mean power 1 -> 2 in the time domain; nan without the force form), plane_ke (n_planes, nf)
(sum m v^2 / 2 per plane, in mass x velocity^2 units: amu A^2 ps^-2 for metal, which the analysis converts to
eV), plane_atoms (n_planes,), block.  q is the total over the cross-section, positive from side 1 (A) to side 2 (B).

The lattice
-----------
The sites and the harmonic coupling K come from the *built* lattice (the structure written to bicrystal.data),
not from the box after an NPT stage: K is the harmonic approximation at the lattice the AGF/DMM predictions and
the lattice dynamics (:mod:`kapitza.atomistic`) use, so q_harmonic is comparable with them, and the strain of a
zero-pressure NPT run (thermal expansion, below 1 % at the default temperatures) changes K by that order only,
the same order as the anharmonicity the harmonic form leaves out anyway.  q_force needs no K: it uses the sampled
positions themselves (the sites only pick the periodic image of each pair).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from .. import spectra
from ..atomistic.lammps import id_ranges
from ..errors import InputError
from ..io.atomic import atomic_write
from ..io.lammps_dump import read_frames
from ..io.results import result
from ..io.spectral_layout import SETUP_FILE, SPECTRAL_DIR, block_file
from .nemd import NemdConfig
from .plan import NemdPlan, as_plan
from .sites import UserSites, frame_atoms, user_sites
from .systems import build_structure

DUMP_FILE = "block.dump"
#: Extra reach (in sigma) of the candidate pair list beyond the cutoff: relative thermal displacements stay far below.
PAIR_MARGIN_SIGMA = 0.5
#: Finite-difference step (Angstrom) of the sw/tersoff force constants.
FD_STEP_ANGSTROM = 0.005
#: Numbers per chunk of the pair-force computation (samples x pairs x 3): bounds its working memory (~32 MB).
PAIR_CHUNK_NUMBERS = 4_000_000


@result
class SpectralSetup:
    """The sampled atoms of a spectral run and their harmonic coupling (see the module docstring for each field)."""

    ids: NDArray[np.int64]
    side: NDArray[np.int64]
    plane: NDArray[np.int64]
    plane_z: NDArray[np.float64]
    plane_first: int
    masses: NDArray[np.float64]
    has_force_form: int
    coupling_rows: NDArray[np.int64]
    coupling_cols: NDArray[np.int64]
    coupling_vals: NDArray[np.float64]
    units: str
    sample_every: int
    timestep: float
    n_samples: int
    interface_z_fraction: float
    positions: NDArray[np.float64]
    box: NDArray[np.float64]
    pair_first: NDArray[np.int64]
    pair_second: NDArray[np.int64]
    pair_offset: NDArray[np.float64]
    pair_epsilon: NDArray[np.float64]
    sigma: float
    cutoff: float
    periodic_z: int

    _summary_fields: ClassVar[tuple[str, ...]] = ("units", "n_samples", "sample_every")

    @property
    def n_planes(self) -> int:
        return int(self.plane_z.shape[0])

    def atom_planes(self, n_atoms: int) -> NDArray[np.int64]:
        """Each of the run's ``n_atoms`` atoms' plane (the sampled ones'; the smallest int64 for the others)."""
        out = np.full(n_atoms, np.iinfo(np.int64).min, dtype=np.int64)
        out[self.ids - 1] = self.plane
        return out

    def coupling(self) -> Any:
        """K_ji as a scipy.sparse CSR matrix, shape (3 n2, 3 n1)."""
        from scipy import sparse

        n1, n2 = int(np.sum(self.side == 1)), int(np.sum(self.side == 2))
        return sparse.coo_matrix(
            (self.coupling_vals, (self.coupling_rows, self.coupling_cols)), shape=(3 * n2, 3 * n1)
        ).tocsr()


def _sites(config: NemdConfig, structure: Any) -> tuple[NDArray, NDArray, NDArray, float]:
    """Indices (0-based, ascending) of the sampled sites, their plane index, side, and the interface z."""
    z0 = config.cells_a * config.lattice_constant
    spacing = config.plane_spacing
    planes = config.spectral_sampled_planes
    dz = np.asarray(structure.positions)[:, 2] - z0
    plane = np.floor(dz / spacing + 1e-9).astype(np.int64)
    index = np.flatnonzero((plane >= -planes) & (plane < planes))
    plane = plane[index]
    return index, plane, np.where(plane < 0, 1, 2), z0


def sampled_ids(plan: NemdPlan | NemdConfig) -> tuple[int, ...]:
    """LAMMPS ids of the sampled atoms of the run of ``plan`` (:func:`kapitza.md.plan.plan_nemd`; a config is
    planned here): a user's structure's planned sites, or the built-in's (built once per config)."""
    plan = as_plan(plan)
    if plan.system is not None:
        sites = plan.sites if plan.sites is not None else user_sites(plan.config, plan.system)
        return tuple(int(i) + 1 for i in sites.index)
    return _builtin_sampled_ids(plan.config)


@functools.lru_cache(maxsize=8)
def _builtin_sampled_ids(config: NemdConfig) -> tuple[int, ...]:
    index, _, _, _ = _sites(config, build_structure(config))
    return tuple(int(i) + 1 for i in index)


def _analytic(config: NemdConfig) -> bool:
    """Whether the run's potential has analytic force constants from its pair form (its record's
    :attr:`~kapitza.atomistic.md_potentials.MDPotential.analytic`: LJ), sampled with the atoms' positions."""
    return config.record is not None and config.record.analytic


def spectral_dump_commands(plan: NemdPlan | NemdConfig) -> str:
    """The LAMMPS lines of one production block that sample the interface atoms (before its ``run``)."""
    plan = as_plan(plan)
    config = plan.config
    columns = "id vx vy vz x y z" if _analytic(config) else "id vx vy vz"
    return (
        "# spectral heat current: the atoms near the interface every spectral_every steps, read by\n"
        "# kapitza.md.spectral.process_block into spectral/block_NNNNN.npz (the dump is deleted then)\n"
        f"group spectral id {id_ranges(sampled_ids(plan))}\n"
        f"dump spectral spectral custom {config.spectral_every} {SPECTRAL_DIR}/{DUMP_FILE} {columns}\n"
        "dump_modify spectral sort id format float %.10g\n"
    )


def _side_positions(side: NDArray) -> NDArray[np.int64]:
    """Each sampled atom's index among the atoms of its own side (ids order)."""
    position = np.empty(side.size, dtype=np.int64)
    position[side == 1] = np.arange(np.sum(side == 1))
    position[side == 2] = np.arange(np.sum(side == 2))
    return position


def _pairs(config: NemdConfig, structure: Any, index: NDArray, side: NDArray) -> dict[str, Any]:
    """Side-1/side-2 pairs (with periodic images) of the sites within cutoff + margin."""
    pos = np.asarray(structure.positions)[index]
    box = np.asarray(structure.box, dtype=np.float64)
    rc = config.force_range
    reach = rc + PAIR_MARGIN_SIGMA * config.sigma
    first, second = np.flatnonzero(side == 1), np.flatnonzero(side == 2)
    d = pos[second][None, :, :] - pos[first][:, None, :]  # (n1, n2, 3): r_j - r_i
    periodic = np.array([1.0, 1.0, 1.0 if config.geometry == "periodic" else 0.0])
    d = d - box * np.round(d / box) * periodic  # minimum image, then every image within reach in x and y
    m = [math.ceil(reach / box[k]) for k in range(2)]
    out_i, out_j, out_d = [], [], []
    for nx in range(-m[0], m[0] + 1):
        for ny in range(-m[1], m[1] + 1):
            dd = d + np.array([nx * box[0], ny * box[1], 0.0])
            dist = np.linalg.norm(dd, axis=-1)
            a, b = np.nonzero(dist < reach)
            out_i.append(first[a])
            out_j.append(second[b])
            out_d.append(dd[a, b])
    types = np.asarray(structure.types)[index]
    pi, pj = np.concatenate(out_i), np.concatenate(out_j)
    e_a, e_b = config.epsilons if config.record is not None and config.record.scaled_epsilons else (1.0, 1.0)
    eps = np.array([[e_a, math.sqrt(e_a * e_b)], [math.sqrt(e_a * e_b), e_b]])[types[pi] - 1, types[pj] - 1]
    return {"pair_first": pi, "pair_second": pj, "pair_offset": np.concatenate(out_d), "pair_epsilon": eps}


def _lj_coupling(config: NemdConfig, pairs: dict[str, Any], side: NDArray) -> tuple[NDArray, NDArray, NDArray]:
    """COO of K_ji = -(U'' r^ r^ + U'/r (1 - r^ r^)) over the pairs within the cutoff (images summed)."""
    from ..atomistic.interface_modes import lj_pair_blocks

    d = pairs["pair_offset"]
    keep = np.linalg.norm(d, axis=1) < config.force_range
    hess = lj_pair_blocks(d[keep], pairs["pair_epsilon"][keep], config.sigma)
    position = _side_positions(side)
    jj = position[pairs["pair_second"][keep]]
    ii = position[pairs["pair_first"][keep]]
    rows = (3 * jj[:, None, None] + np.arange(3)[None, :, None]) * np.ones((1, 1, 3), dtype=np.int64)
    cols = (3 * ii[:, None, None] + np.arange(3)[None, None, :]) * np.ones((1, 3, 1), dtype=np.int64)
    from scipy import sparse

    n1, n2 = int(np.sum(side == 1)), int(np.sum(side == 2))
    k = sparse.coo_matrix((-hess.ravel(), (rows.ravel(), cols.ravel())), shape=(3 * n2, 3 * n1)).tocsr()
    k.sum_duplicates()
    k = k.tocoo()
    return k.row.astype(np.int64), k.col.astype(np.int64), k.data


def _manybody_coupling(config: NemdConfig, structure: Any, index: NDArray, side: NDArray) -> tuple:
    """COO of K_ji from finite differences of the potential's ASE calculator (rows of the side-2 atoms only)."""
    from ase import Atoms

    from ..atomistic.hessian import finite_difference_rows
    from ..atomistic.potentials import get_potential

    types = np.asarray(structure.types)
    record = config.record  # its harmonic twin: the potential and the elements of types 1 and 2
    symbols = [record.harmonic_species[t - 1] for t in types]
    potential = get_potential(record.harmonic, list(dict.fromkeys(record.harmonic_species)))
    atoms = Atoms(
        symbols,
        positions=structure.positions,
        cell=np.diag(structure.box),
        pbc=(True, True, config.geometry == "periodic"),
    )
    atoms.calc = potential.calculator()
    rows = finite_difference_rows(atoms, index[side == 2], FD_STEP_ANGSTROM)  # (3 n2, 3 N)
    cols = (3 * index[side == 1][:, None] + np.arange(3)[None, :]).ravel()
    block = rows[:, cols]
    block[np.abs(block) < 1e-9 * max(float(np.abs(block).max()), 1e-300)] = 0.0
    r, c = np.nonzero(block)
    return r.astype(np.int64), c.astype(np.int64), block[r, c]


def _user_coupling(plan: NemdPlan, sites: UserSites) -> tuple[NDArray, NDArray, NDArray]:
    """COO of K_ji of a user's system: finite differences of the run's own LAMMPS forces (the pair lines), the
    rows of the side-2 sites (:func:`kapitza.atomistic.lammps_forces.hessian_rows`, batched displacements), at
    the force field's minimum nearest the structure with the box fixed (a structure as built need not be one)."""
    from ..atomistic.lammps_forces import hessian_rows, minimised

    system = plan.system
    rows = sites.index[sites.side == 2]
    atoms, _ = minimised(frame_atoms(system, sites.positions), system.forcefield, types=system.types)
    h = hessian_rows(atoms, system.forcefield, rows, FD_STEP_ANGSTROM, reach=sites.reach, types=system.types)
    block = h[:, :, sites.index[sites.side == 1], :].reshape(3 * rows.size, -1)
    block[np.abs(block) < 1e-9 * max(float(np.abs(block).max()), 1e-300)] = 0.0
    r, c = np.nonzero(block)
    return r.astype(np.int64), c.astype(np.int64), block[r, c]


def _user_setup(plan: NemdPlan) -> SpectralSetup:
    """The spectral setup of a user's structure: the harmonic form only (no pair forces are recomputed)."""
    config, system = plan.config, plan.system
    sites = plan.sites if plan.sites is not None else user_sites(config, system)
    rows, cols, vals = _user_coupling(plan, sites)
    box = np.asarray(system.geometry.box, dtype=np.float64)
    return SpectralSetup(
        ids=sites.index + 1,
        side=sites.side,
        plane=sites.plane,
        plane_z=np.asarray(sites.plane_z, dtype=np.float64),
        plane_first=-sites.planes,
        masses=np.asarray(system.type_masses, dtype=np.float64)[np.asarray(system.types)[sites.index] - 1],
        has_force_form=0,
        coupling_rows=rows,
        coupling_cols=cols,
        coupling_vals=np.asarray(vals, dtype=np.float64),
        units=config.units,
        sample_every=config.spectral_every,
        timestep=float(config.timestep),
        n_samples=config.n_spectral_samples,
        interface_z_fraction=float(system.geometry.interface_fraction),
        positions=np.asarray(sites.positions)[sites.index].astype(np.float64),
        box=box,
        sigma=0.0,
        cutoff=float(sites.reach),
        periodic_z=1,
        pair_first=np.zeros(0, dtype=np.int64),
        pair_second=np.zeros(0, dtype=np.int64),
        pair_offset=np.zeros((0, 3)),
        pair_epsilon=np.zeros(0),
    )


def spectral_setup(plan: NemdPlan | NemdConfig, structure: Any) -> SpectralSetup:
    """The sampled atoms of the run of ``plan`` (:func:`kapitza.md.plan.plan_nemd`; a config is planned here) on
    its built ``structure`` and their harmonic coupling across the interface (a user's structure, ``structure=``:
    ``structure`` is None and the atoms are the plan's ``system``)."""
    plan = as_plan(plan)
    config = plan.config
    if not config.spectral_every:
        raise InputError("spectral_setup needs spectral_every= > 0")
    if plan.system is not None:
        return _user_setup(plan)
    index, plane, side, z0 = _sites(config, structure)
    planes = config.spectral_sampled_planes
    types = np.asarray(structure.types)[index]
    masses = np.asarray(config.masses)[types - 1]
    if _analytic(config):
        pairs = _pairs(config, structure, index, side)
        rows, cols, vals = _lj_coupling(config, pairs, side)
        # pair indices into the sampled list (positions within the sorted ids)
    else:
        rows, cols, vals = _manybody_coupling(config, structure, index, side)
        pairs = {
            "pair_first": np.zeros(0, dtype=np.int64),
            "pair_second": np.zeros(0, dtype=np.int64),
            "pair_offset": np.zeros((0, 3)),
            "pair_epsilon": np.zeros(0),
        }
    box = np.asarray(structure.box, dtype=np.float64)
    return SpectralSetup(
        ids=index.astype(np.int64) + 1,
        side=side.astype(np.int64),
        plane=plane,
        plane_z=(np.arange(-planes, planes) + 0.5) * config.plane_spacing,
        plane_first=-planes,
        masses=masses.astype(np.float64),
        has_force_form=int(_analytic(config)),
        coupling_rows=rows,
        coupling_cols=cols,
        coupling_vals=np.asarray(vals, dtype=np.float64),
        units=config.units,
        sample_every=config.spectral_every,
        timestep=float(config.timestep),
        n_samples=config.n_spectral_samples,
        interface_z_fraction=float(z0 / box[2]),
        positions=np.asarray(structure.positions)[index].astype(np.float64),
        box=box,
        sigma=float(config.sigma),
        cutoff=float(config.force_range),
        periodic_z=int(config.geometry == "periodic"),
        **pairs,
    )


_SETUP_FIELDS = tuple(f.name for f in dataclasses.fields(SpectralSetup))


def write_setup(run_dir: str | os.PathLike, setup: SpectralSetup) -> Path:
    """Write ``spectral/setup.npz`` atomically (the folder is created)."""
    folder = Path(run_dir) / SPECTRAL_DIR
    folder.mkdir(exist_ok=True)
    arrays = {name: np.asarray(getattr(setup, name)) for name in _SETUP_FIELDS}

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as handle:
            np.savez(handle, **arrays)

    return atomic_write(folder / SETUP_FILE, write)


def read_setup(run_dir: str | os.PathLike) -> SpectralSetup:
    """``spectral/setup.npz`` of a run directory (InputError if missing or incomplete)."""
    path = Path(run_dir) / SPECTRAL_DIR / SETUP_FILE
    try:
        with np.load(path, allow_pickle=False) as data:
            values = {name: data[name] for name in _SETUP_FIELDS}
    except (OSError, KeyError, ValueError) as exc:
        raise InputError(f"{str(path)!r} is not a kapitza spectral setup ({exc})") from None
    for name in ("plane_first", "has_force_form", "sample_every", "n_samples", "periodic_z"):
        values[name] = int(values[name])
    for name in ("timestep", "interface_z_fraction", "sigma", "cutoff"):
        values[name] = float(values[name])
    values["units"] = str(values["units"])
    return SpectralSetup(**values)


def _pair_forces(
    setup: SpectralSetup, x: NDArray[np.float64], boxes: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Forces (n, n2, 3) on side-2 atoms from side 1 and (n, n1, 3) on side-1 atoms from side 2, lj/cut."""
    n = x.shape[0]
    side = setup.side
    position = _side_positions(side)
    f21 = np.zeros((n, int(np.sum(side == 2)), 3))
    f12 = np.zeros((n, int(np.sum(side == 1)), 3))
    pi, pj = setup.pair_first, setup.pair_second
    jj, ii = position[pj], position[pi]
    periodic = np.array([1.0, 1.0, float(setup.periodic_z)])
    rc2 = setup.cutoff**2
    chunk = max(1, PAIR_CHUNK_NUMBERS // max(3 * pi.size, 1))
    # sum the pair forces onto atoms with sparse incidence matrices (atoms x pairs): one product per chunk
    from scipy.sparse import csr_matrix

    ones = np.ones(pi.size)
    onto2 = csr_matrix((ones, (jj, np.arange(pi.size))), shape=(f21.shape[1], pi.size))
    onto1 = csr_matrix((-ones, (ii, np.arange(pi.size))), shape=(f12.shape[1], pi.size))
    for lo in range(0, n, chunk):
        hi = min(lo + chunk, n)
        length = (boxes[lo:hi, :, 1] - boxes[lo:hi, :, 0])[:, None, :]  # (c, 1, 3)
        d = x[lo:hi, pj] - x[lo:hi, pi]  # (c, pairs, 3)
        d -= length * np.round((d - setup.pair_offset[None]) / length) * periodic
        r2 = np.sum(d * d, axis=-1)
        inside = r2 < rc2
        r2 = np.where(inside, r2, 1.0)
        s6 = (setup.sigma**2 / r2) ** 3
        # F on j from i = -U'(r) d / r = 4 eps (12 s^12 - 6 s^6) d / r^2
        scale = np.where(inside, 4 * setup.pair_epsilon[None] * (12 * s6 * s6 - 6 * s6) / r2, 0.0)
        f = (scale[..., None] * d).transpose(1, 0, 2).reshape(pi.size, -1)  # (pairs, c * 3)
        f21[lo:hi] = (onto2 @ f).reshape(-1, hi - lo, 3).transpose(1, 0, 2)
        f12[lo:hi] = (onto1 @ f).reshape(-1, hi - lo, 3).transpose(1, 0, 2)
    return f21, f12


def process_block(run_dir: str | os.PathLike, setup: SpectralSetup, block: int) -> Path:
    """Reduce ``spectral/block.dump`` of production block ``block`` to ``spectral/block_NNNNN.npz``; delete the dump.

    The dump must hold the block's ``n_samples`` frames after its first timestep ((block - 1) x block_steps; the
    frame at that step, the previous block's last state, is skipped); otherwise InputError.  The npz is written
    atomically; the memory is one block's samples plus the transforms (pair forces chunked over samples).
    """
    folder = Path(run_dir) / SPECTRAL_DIR
    dump = folder / DUMP_FILE
    n, dt = setup.n_samples, setup.sample_every * setup.timestep
    start = (block - 1) * n * setup.sample_every
    frames = read_frames(dump, n, after=start)
    last = start + n * setup.sample_every
    if frames.timesteps[0] != start + setup.sample_every or frames.timesteps[-1] != last:
        raise InputError(
            f"{dump}: frames from timestep {int(frames.timesteps[0])} to {int(frames.timesteps[-1])}, block {block} "
            f"needs {start + setup.sample_every} to {last} (a dump of another block?)"
        )
    if frames.ids.shape != setup.ids.shape or np.any(frames.ids != setup.ids):
        raise InputError(f"{dump}: its atoms are not those of {SETUP_FILE}")
    want = ("vx", "vy", "vz", "x", "y", "z") if setup.has_force_form else ("vx", "vy", "vz")
    if frames.columns[: len(want)] != want:
        raise InputError(f"{dump}: columns {' '.join(frames.columns)}, expected {' '.join(want)}")
    values = frames.values
    v_hat = spectra.transform(values[:, :, 0:3], axis=0)
    s1, s2 = setup.side == 1, setup.side == 2
    q_harmonic = spectra.harmonic_heat_spectrum(v_hat[:, s1], v_hat[:, s2], setup.coupling(), n, dt)
    out: dict[str, Any] = {"omega": spectra.frequencies(n, dt), "q_harmonic": q_harmonic}
    if setup.has_force_form:
        f21, f12 = _pair_forces(setup, values[:, :, 3:6], frames.boxes)
        v = values[:, :, 0:3]
        power = 0.5 * (np.einsum("tjc,tjc->t", f21, v[:, s2]) - np.einsum("tic,tic->t", f12, v[:, s1]))
        w2 = spectra.window(n) ** 2
        out["q_force"] = spectra.force_heat_spectrum(
            spectra.transform(f21, axis=0), v_hat[:, s2], spectra.transform(f12, axis=0), v_hat[:, s1], n, dt
        )
        out["power_force"] = np.float64(np.sum(w2 * power) / np.sum(w2))
    else:
        out["power_force"] = np.float64(np.nan)
    group = setup.plane - setup.plane_first
    out["plane_ke"] = spectra.kinetic_spectrum(v_hat, setup.masses, group, setup.n_planes, n, dt)
    out["plane_atoms"] = np.bincount(group, minlength=setup.n_planes).astype(np.int64)
    out["block"] = np.int64(block)

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as handle:
            np.savez(handle, **out)

    target = atomic_write(folder / block_file(block), write)
    dump.unlink()
    return target


def read_block(run_dir: str | os.PathLike, block: int) -> dict[str, NDArray]:
    """The arrays of ``spectral/block_NNNNN.npz`` (``allow_pickle=False``)."""
    path = Path(run_dir) / SPECTRAL_DIR / block_file(block)
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


__all__ = [  # the module's page in the docs, in the order of the module; UserSites and user_sites from .sites
    "SpectralSetup",
    "UserSites",
    "user_sites",
    "sampled_ids",
    "spectral_dump_commands",
    "spectral_setup",
    "write_setup",
    "read_setup",
    "process_block",
    "read_block",
]
