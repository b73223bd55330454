r"""Local phonon density of states of the device, atom by atom and plane by plane.

With the retarded Green's function of the mass-weighted dynamical matrix at
:math:`z = \omega^2(1 + i\eta)`, the density of states per unit angular
frequency projected on atom a is

.. math:: \rho_a(\omega) = -\frac{2\omega}{\pi}\,\mathrm{Im}\sum_{\alpha=x,y,z} G_{a\alpha,a\alpha}(\omega^2),

(the factor :math:`2\omega = dE/d\omega` turns states per unit E into states
per unit omega), averaged over the transverse wavevectors; each atom carries
three modes, :math:`\int_0^\infty \rho_a\,d\omega = 3`.  The diagonal blocks
come from two recursive sweeps (:func:`.kernels.diagonal_blocks`), never
from a full inverse.  Modes localised at the interface show up as peaks in
the planes next to it that neither bulk has (e.g. above the heavier
crystal's band top).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ... import _checks
from ...io.results import result
from . import kernels
from .chunk import single_threaded_blas
from .model import LayeredModel
from .solver import DEFAULT_ETA, kpoint_grid, reduce_time_reversal

#: Atoms within this distance along z (m) are one plane.
PLANE_TOLERANCE = 1e-13


@result
class LocalDOS:
    """Local density of states of the device atoms.

    Attributes
    ----------
    omega : ndarray
        rad/s, shape (n_omega,).
    z : ndarray
        Position of each device atom along the normal, m, shape (n_atoms,).
    labels : tuple of str
        Species label of each device atom, shape (n_atoms,).
    atom : ndarray
        rho_a(omega) per atom, s/rad, shape (n_atoms, n_omega).
    plane_z : ndarray
        z of each atomic plane, m, shape (n_planes,).
    plane : ndarray
        Mean rho per atom of each plane, s/rad, shape (n_planes, n_omega).
    plane_labels : tuple of str
        Majority species of each plane.
    """

    omega: NDArray[np.float64]
    z: NDArray[np.float64]
    labels: tuple[str, ...]
    atom: NDArray[np.float64]
    plane_z: NDArray[np.float64]
    plane: NDArray[np.float64]
    plane_labels: tuple[str, ...]


def local_dos(
    model: LayeredModel,
    omega: ArrayLike,
    kpoints: int | ArrayLike | None = None,
    *,
    eta: float = DEFAULT_ETA,
) -> LocalDOS:
    """Per-atom and per-plane local DOS of the device, averaged over a k grid.

    Parameters
    ----------
    model : LayeredModel
    omega : array_like
        Angular frequencies, rad/s (> 0), shape (n_omega,).
    kpoints : int or array_like, optional
        As in :func:`.solver.transmission`.
    eta : float
        Relative broadening; the LDOS is a sum of Lorentzians of relative width eta,
        so use a larger eta (1e-3 to 1e-2) for smooth curves on a coarse frequency grid.
    """
    w = _checks.positive_array(np.atleast_1d(omega), "omega", "rad/s", ndim=1)
    eta = _checks.positive(eta, "eta", "")
    kappa, kw = reduce_time_reversal(kpoint_grid(model, kpoints))
    z = (w**2 * (1 + 1j * eta)).astype(complex)
    first = model.bounds[2]
    last = model.bounds[-3]
    n_dof = last - first
    diag = np.zeros((n_dof, w.size))
    with single_threaded_blas():
        for k, weight in zip(kappa, kw):
            left, device, right = model.blocks_at(k)
            sl = kernels.self_energy(z, left)
            sr = kernels.self_energy(z, right)
            blocks = kernels.diagonal_blocks(z, device, sl.sigma, sr.sigma)
            d = np.concatenate([np.diagonal(g, axis1=1, axis2=2).T for g in blocks], axis=0)  # (n_dof, n_omega)
            diag += weight * d.imag
    diag /= kw.sum()
    dof_atoms = model.atom_of_dof[first:last]
    atoms, start = np.unique(dof_atoms, return_index=True)
    atoms = atoms[np.argsort(start)]
    where = {int(a): i for i, a in enumerate(atoms)}
    per_atom = np.zeros((atoms.size, w.size))
    np.add.at(per_atom, np.array([where[int(a)] for a in dof_atoms]), diag)
    per_atom *= -2.0 * w[None, :] / np.pi
    zpos = model.positions[atoms, 2]
    labels = tuple(model.labels[a] for a in atoms) if model.labels else ("",) * atoms.size
    order = np.argsort(zpos, kind="stable")
    zs = zpos[order]
    plane_id = np.empty(atoms.size, dtype=np.int64)
    plane_id[order] = np.cumsum(np.concatenate([[0], (np.diff(zs) > PLANE_TOLERANCE).astype(np.int64)]))
    n_planes = int(plane_id.max()) + 1
    plane = np.zeros((n_planes, w.size))
    np.add.at(plane, plane_id, per_atom)
    counts = np.bincount(plane_id, minlength=n_planes)
    plane /= counts[:, None]
    plane_z = np.array([zpos[plane_id == p].mean() for p in range(n_planes)])
    plane_labels = []
    for p in range(n_planes):
        names = [labels[i] for i in np.flatnonzero(plane_id == p)]
        plane_labels.append(max(set(names), key=names.count))
    return LocalDOS(
        omega=w,
        z=zpos,
        labels=labels,
        atom=per_atom,
        plane_z=plane_z,
        plane=plane,
        plane_labels=tuple(plane_labels),
    )
