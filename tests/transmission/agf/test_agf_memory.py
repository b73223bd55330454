"""Memory estimates of AGF runs that count the model and the kernels' workspace; refusal and chunking."""

from __future__ import annotations

import functools
import tracemalloc

import numpy as np
import pytest

pytest.importorskip("matscipy")  # the [agf] extra: the SW potential

from kapitza.atomistic.potentials import get_potential
from kapitza.atomistic.structures import build_interface
from kapitza.errors import InputError
from kapitza.transmission.agf import interface_model, lead_max_frequency
from kapitza.transmission.agf.inputs import ModelSizes, check_size, estimate_memory, fit_chunk, structure_sizes
from kapitza.transmission.agf.run import run_agf
from kapitza.transmission.agf.solver import model_sizes, solve_chunk

SW = get_potential("sw", ["Si"])


@functools.cache
def sige(lateral: int, cells: int = 4):
    s = build_interface(
        "Si",
        "Ge",
        "001",
        lattice_constants_angstrom=(5.431, 5.431),
        cells=(cells, cells),
        lateral=(lateral, lateral),
        mass_only=True,
        masses_amu=(28.0855, 72.63),
    )
    return s, interface_model(s, SW, pl_cells=2)


@pytest.mark.parametrize("lateral", [1, 2])
@pytest.mark.parametrize("method", ["decimation", "bloch"])
def test_the_estimate_covers_the_measured_peak_of_a_chunk(lateral, method):
    """The model's dense blocks at one k plus the workspace of a 25-frequency chunk, as estimated from the
    model's sizes, is at least the peak that tracemalloc measures while they are made and solved, and
    within 3x of it (the estimate also counts the copies numpy's LAPACK wrappers make outside Python's
    allocator, which tracemalloc does not see)."""
    _, model = sige(lateral)
    sizes = model_sizes(model)
    blocks = model.blocks_at((0.1, 0.2))
    assert sizes.boundary_dof == blocks[0].boundary.size == blocks[2].boundary.size
    assert sizes.lead_dof == blocks[0].onsite.shape[0] and sizes.slice_dof == max(model.slice_sizes)
    omega = np.linspace(0.1, 0.9, 25) * lead_max_frequency(model, "left", [(0.0, 0.0)])
    del blocks
    tracemalloc.start()
    try:
        solve_chunk(model.blocks_at((0.1, 0.2)), omega, 1e-6, method)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    estimate = sizes.model_bytes() + omega.size * sizes.bytes_per_frequency(method)
    assert peak <= estimate <= 3 * peak


def test_a_6x6_model_is_refused_under_a_small_memory_bound_before_it_is_built():
    """The issue's case: a 6x6 conventional-cell Si|Ge cross-section (100 frequencies, 4x4 k) with
    max_memory_gb=0.01 must be refused before the force constants are computed, while the estimate that
    counted only Xi(k, omega) let it through.  tracemalloc: the refusal allocates < 50 MB (the
    structure's atoms), where the model's lead blocks alone are ~0.2 GB."""
    assert estimate_memory((4, 4), 100) < 0.01e9  # the old estimate (Xi only) is tiny
    structure = build_interface(
        "Si", "Ge", "001", lattice_constants_angstrom=(5.431, 5.431), cells=(6, 6), lateral=(6, 6), mass_only=True
    )
    lower = structure_sizes((len(structure.cell_atoms(0)) * 2, len(structure.cell_atoms(-1)) * 2))
    assert lower.lead_dof == 3 * 8 * 36 * 2  # 8 atoms per cubic cell, 36 cells in the plane, 2 cells per unit
    assert lower.model_bytes() > 0.15e9
    with pytest.raises(InputError, match=r"--kpoints 4x4 and --frequencies 100 with a lead unit of 1728"):
        check_size((4, 4), 100, max_memory_gb=0.01, sizes=lower, label=lambda n: "--" + n.replace("_", "-"))
    tracemalloc.start()
    try:
        with pytest.raises(
            InputError, match=r"need ~0\.\d+ GB of memory \(limit 0\.01 GB; raise it with max_memory_gb="
        ):
            run_agf("Si", "Ge", lateral=(6, 6), kpoints=4, frequencies=100, max_memory_gb=0.01)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50e6


def test_fit_chunk_stacks_as_many_frequencies_as_fit_and_refuses_what_never_fits():
    """Arithmetic of the bound: the chunk chosen is the largest whose estimate fits, capped by the request;
    a limit below one frequency's need is refused, naming the limit."""
    sizes = ModelSizes(n_dof=20000, nonzeros=10**6, lead_dof=3072, boundary_dof=768, slice_dof=768, n_slices=8)
    fixed = estimate_memory((4, 4), 100, sizes=sizes, chunk=0)
    per = sizes.bytes_per_frequency("bloch")
    limit = (fixed + 7.5 * per) / 1e9
    chunk = fit_chunk(sizes, (4, 4), 100, 25, max_memory_gb=limit)
    assert chunk == 7
    assert estimate_memory((4, 4), 100, sizes=sizes, chunk=chunk) <= limit * 1e9
    assert estimate_memory((4, 4), 100, sizes=sizes, chunk=chunk + 1) > limit * 1e9
    assert fit_chunk(sizes, (4, 4), 100, 25, max_memory_gb=1e3) == 25
    with pytest.raises(InputError, match="limit 0.5 GB"):
        fit_chunk(sizes, (4, 4), 100, 25, max_memory_gb=0.5)


def test_a_run_that_needs_smaller_chunks_gives_the_same_result():
    """Parity: with a memory bound that leaves room for 3 frequencies per task, run_agf stacks 3 (more
    progress units) and gives the same G as with the default 25, to 1e-12."""
    kw = {"kpoints": 1, "frequencies": 20, "temperature": [300.0], "check_broadening": False}
    totals: list[int] = []
    reference, model = run_agf("Si", "Ge", **kw, progress=lambda d, t: totals.append(t))
    sizes = model_sizes(model)
    fixed = estimate_memory((1, 1), 20, False, sizes=sizes, chunk=0)
    limit = (fixed + 3.5 * sizes.bytes_per_frequency()) / 1e9
    small_totals: list[int] = []
    small, _ = run_agf("Si", "Ge", **kw, max_memory_gb=limit, progress=lambda d, t: small_totals.append(t))
    assert small_totals[-1] == 3 * 1 * 7 and totals[-1] == 3 * 1 * 1  # 3 sweeps x 1 k x ceil(20 / chunk)
    np.testing.assert_allclose(small.conductance, reference.conductance, rtol=1e-12)
    np.testing.assert_allclose(small.ballistic, reference.ballistic, rtol=1e-12)
