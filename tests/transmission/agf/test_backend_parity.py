"""The AGF kernels on torch (the GPU code path, run here on torch's CPU) equal the numpy path to 1e-10 relative.

Every kernel of :mod:`kapitza.transmission.agf.kernels` (and the folded leads of :mod:`.folding`) is run on the
same inputs through ``--device cpu`` (numpy) and ``--device torch-cpu`` (torch: the code that runs on a GPU), on
random Hermitian chains (leads whose units have DOFs that do not couple toward the device, so the reduction does
something) and on the real SW Si | Ge leads and device of the other AGF tests.  On a machine with a GPU the same
tests run once more on it.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the torch backend needs torch (pip install 'kapitza[gpu]')")

from kapitza._backend import NUMPY, select_backend  # noqa: E402
from kapitza.transmission.agf import kernels  # noqa: E402

#: Relative agreement asked of every kernel between the two backends (issue 40).
PARITY = 1e-10

BACKENDS = [pytest.param("torch-cpu", id="torch-cpu")]
if torch.cuda.is_available():
    BACKENDS.append(pytest.param("gpu", id="gpu"))


@pytest.fixture(params=BACKENDS)
def xp(request):
    return select_backend(request.param)


def rel(a, b) -> float:
    """max |a - b| / max |b| of two results (either backend's), on the host."""
    a, b = _host(a), _host(b)
    assert a.shape == b.shape
    return float(np.abs(a - b).max(initial=0.0) / max(np.abs(b).max(initial=0.0), 1e-300))


def _host(x):
    return x.detach().resolve_conj().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def assert_on(backend, *arrays):
    """Results stay on the backend's device: tensors there for torch, numpy arrays for numpy."""
    for x in arrays:
        if backend is NUMPY:
            assert isinstance(x, np.ndarray)
        else:
            assert isinstance(x, torch.Tensor) and str(x.device) == backend.device


def hermitian(rng, n, scale=1.0):
    a = rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))
    return scale * (a + a.conj().T) / 2


def random_lead(rng, n=10, m=6, rest=4):
    """A lead whose last ``rest`` DOFs of a unit touch neither the next unit nor the device."""
    onsite = hermitian(rng, n) + 4.0 * np.eye(n)
    inward = 0.5 * (rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n)))
    contact = 0.5 * (rng.standard_normal((n, m)) + 1j * rng.standard_normal((n, m)))
    inward[n - rest :] = 0.0
    contact[n - rest :] = 0.0
    lead = kernels.LeadBlocks(onsite=onsite, inward=inward, contact=contact)
    assert lead.boundary.size == n - rest and lead.rest.size == rest
    return lead


def random_device(rng, sizes=(6, 5, 7, 6)):
    onsite = tuple(hermitian(rng, m) + 4.0 * np.eye(m) for m in sizes)
    pairs = zip(sizes, sizes[1:])
    coupling = tuple(0.5 * (rng.standard_normal((a, b)) + 1j * rng.standard_normal((a, b))) for a, b in pairs)
    return kernels.DeviceBlocks(onsite=onsite, coupling=coupling)


@pytest.fixture(scope="module")
def chain():
    """Random leads and device, and z across and beyond their bands at eta = 1e-4 (decimation converges)."""
    rng = np.random.default_rng(40)
    left, right, device = random_lead(rng), random_lead(rng, n=9, rest=3), random_device(rng)
    omega2 = np.linspace(0.2, 9.0, 11)
    return left, device, right, (omega2 * (1 + 1e-4j)).astype(complex)


def test_reduction_decimation_and_bloch_modes_on_a_random_chain(xp, chain):
    left, _, right, z = chain
    zt = xp.asarray(z)
    for lead in (left, right):
        host = kernels.reduced_lead(z, lead)
        dev = kernels.reduced_lead(zt, kernels.to_backend(lead, xp))
        assert_on(xp, *dev)
        for a, b in zip(dev, host):
            assert rel(a, b) < PARITY
        g, steps = kernels.decimate(z, host[0], host[1], host[2], host[3])
        gt, st = kernels.decimate(zt, *dev[:3], dev[3])
        assert_on(xp, gt, st)
        assert rel(gt, g) < PARITY and np.array_equal(_host(st), steps) and steps.max() > 5
        g, ok = kernels.bloch_surface(z, *host)
        gt, okt = kernels.bloch_surface(zt, *dev)
        assert np.array_equal(_host(okt), ok) and ok.sum() >= ok.size - 1
        assert rel(_host(gt)[ok], g[ok]) < PARITY
        for method in kernels.LEAD_METHODS:
            g, steps = kernels.surface_green(z, *host, method)
            gt, st = kernels.surface_green(zt, *dev, method)
            assert rel(gt, g) < PARITY and np.array_equal(_host(st), steps)


def test_stacked_leads_are_reduced_alike(xp, chain):
    """reduce_chain on a stack of leads (one per z, as the folded leads use it)."""
    left, _, right, z = chain
    onsite = np.stack([left.onsite * (1 + 0.01 * i) for i in range(z.size)])
    inward = np.repeat(left.inward[None], z.size, axis=0)
    host = kernels.reduce_chain(z, onsite, inward, left.boundary, left.rest)
    dev = kernels.reduce_chain(xp.asarray(z), xp.asarray(onsite), xp.asarray(inward), left.boundary, left.rest)
    assert_on(xp, *dev)
    assert max(rel(a, b) for a, b in zip(dev, host)) < PARITY


def test_self_energies_device_recursion_and_caroli_on_a_random_chain(xp, chain):
    left, device, right, z = chain
    zt = xp.asarray(z)
    lt, dt, rt = kernels.to_backend((left, device, right), xp)
    for method in kernels.LEAD_METHODS:
        sl, sr = kernels.self_energy(z, left, method), kernels.self_energy(z, right, method)
        slt, srt = kernels.self_energy(zt, lt, method), kernels.self_energy(zt, rt, method)
        assert_on(xp, slt.sigma, slt.steps, slt.surface)
        for a, b in ((slt, sl), (srt, sr)):
            assert rel(a.sigma, b.sigma) < PARITY and rel(a.surface, b.surface) < PARITY
            assert rel(a.gamma, b.gamma) < PARITY and np.array_equal(_host(a.steps), b.steps)
        g = kernels.green_n1(z, device, sl.sigma, sr.sigma)
        gt = kernels.green_n1(zt, dt, slt.sigma, srt.sigma)
        xi = kernels.caroli(z, device, sl.sigma, sr.sigma)
        xit = kernels.caroli(zt, dt, slt.sigma, srt.sigma)
        assert_on(xp, gt, xit)
        assert rel(gt, g) < PARITY and rel(xit, xi) < PARITY and xi.max() > 0.1
        diag = kernels.diagonal_blocks(z, device, sl.sigma, sr.sigma)
        diagt = kernels.diagonal_blocks(zt, dt, slt.sigma, srt.sigma)
        assert len(diagt) == len(diag) and max(rel(a, b) for a, b in zip(diagt, diag)) < PARITY


def test_channel_counts_on_a_random_chain(xp, chain):
    left, _, right, z = chain
    for lead in (left, right):
        count = kernels.propagating_channels(z.real, lead)
        got = kernels.propagating_channels(xp.asarray(z.real), kernels.to_backend(lead, xp))
        assert_on(xp, got)
        assert np.array_equal(_host(got), count) and count.max() >= 1 and count.min() == 0


def test_inputs_on_the_host_are_moved_to_z_s_device(xp, chain):
    """Blocks and self-energies given as numpy arrays with z on the device: the kernels move them (once)."""
    left, device, right, z = chain
    zt = xp.asarray(z)
    sl, sr = kernels.self_energy(z, left), kernels.self_energy(z, right)
    xit = kernels.caroli(zt, device, sl.sigma, sr.sigma)
    assert_on(xp, xit)
    assert rel(xit, kernels.caroli(z, device, sl.sigma, sr.sigma)) < PARITY
    assert rel(kernels.self_energy(zt, left).sigma, sl.sigma) < PARITY


def test_a_singular_slice_is_an_error_on_both_paths(xp):
    """The deferred singular-matrix check still raises: z - H - Sigma singular in the device recursion (H = z on
    one slice of two, no leads) is LinAlgError on numpy (at once) and on torch (once, at the end of the sweep)."""
    z = np.array([2.0 + 0j, 3.0 + 0j])
    device = kernels.DeviceBlocks(onsite=(2.0 * np.eye(2, dtype=complex), np.eye(2, dtype=complex)),
                                  coupling=(np.zeros((2, 2), dtype=complex),))  # fmt: skip
    zero = np.zeros((2, 2, 2), dtype=complex)
    with pytest.raises(NUMPY.LinAlgError):
        kernels.green_n1(z, device, zero, zero)
    for kernel in (kernels.green_n1, kernels.diagonal_blocks):
        with pytest.raises(xp.LinAlgError):
            kernel(xp.asarray(z), kernels.to_backend(device, xp), xp.asarray(zero), xp.asarray(zero))
    ok = kernels.green_n1(xp.asarray(z + 0.5j), kernels.to_backend(device, xp), xp.asarray(zero), xp.asarray(zero))
    assert rel(ok, kernels.green_n1(z + 0.5j, device, zero, zero)) < PARITY


def test_the_device_recursion_makes_no_host_round_trip(chain, monkeypatch):
    """Data stays on the device through a stack: the G_N1 sweep and the Caroli trace read one scalar back from
    the tensors (the solvers' singular-matrix flags of all slices at once: one bool; no float, item, numpy or
    cpu), and the Bloch self-energy reads back a fixed number of scalars whatever the number of z (the scale of
    the blocks, whether every point was solved, the flags: no per-z loop)."""
    left, device, right, z = chain
    xp = select_backend("torch-cpu")
    lt, dt, rt = kernels.to_backend((left, device, right), xp)
    reads = []
    for name in ("__bool__", "__float__", "__int__", "item", "tolist", "numpy", "cpu"):
        original = getattr(torch.Tensor, name)

        def counted(self, *args, _original=original, _name=name, **kwargs):
            reads.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(torch.Tensor, name, counted)
    counts = []
    for n in (3, z.size):
        zt = xp.asarray(z[:n])
        sl, sr = kernels.self_energy(zt, lt, "bloch"), kernels.self_energy(zt, rt, "bloch")
        counts.append(len(reads))
        reads.clear()
        kernels.caroli(zt, dt, sl.sigma, sr.sigma)
        assert reads == ["__bool__"] and len(dt.onsite) == 4
        reads.clear()
    assert 0 < counts[0] == counts[1] <= 16  # the counter sees the scalars the Bloch route does read


# --- the real SW Si | Ge leads and device (the [agf] extra) -------------------------------------------------


@pytest.fixture(scope="module")
def sige():
    pytest.importorskip("matscipy")  # the SW potential
    from kapitza.atomistic.potentials import get_potential
    from kapitza.atomistic.structures import build_interface
    from kapitza.transmission.agf import interface_model, lead_max_frequency

    def model(lateral, mixing=0):
        s = build_interface(
            "Si", "Ge", "001", lattice_constants_angstrom=(5.431, 5.431), cells=(4, 4), lateral=(lateral, lateral),
            mass_only=True, masses_amu=(28.0855, 72.63), mixing_layers=mixing, seed=11 if mixing else None,
        )  # fmt: skip
        return interface_model(s, get_potential("sw", ["Si"]), pl_cells=2)

    prim, mixed = model(1), model(2, 2)
    top = lead_max_frequency(prim, "left", [(0.0, 0.0)])
    return prim, mixed, top


def test_si_ge_transmission_through_both_lead_methods(xp, sige):
    """1x1 SW Si | Ge [001] at k = (0.13, 0.29), 12 frequencies across the band, eta = 1e-6: the self-energies,
    steps, G_N1 and Xi of both lead methods, and the leads' channel counts at real z."""
    prim, _, top = sige
    omega = np.linspace(0.03, 1.0, 12) * top
    z = (omega**2 * (1 + 1e-6j)).astype(complex)
    blocks = prim.blocks_at((0.13, 0.29))
    lt, dt, rt = kernels.to_backend(blocks, xp)
    zt = xp.asarray(z)
    for method in kernels.LEAD_METHODS:
        sl, sr = (kernels.self_energy(z, x, method) for x in (blocks[0], blocks[2]))
        slt, srt = (kernels.self_energy(zt, x, method) for x in (lt, rt))
        xi, xit = kernels.caroli(z, blocks[1], sl.sigma, sr.sigma), kernels.caroli(zt, dt, slt.sigma, srt.sigma)
        assert rel(slt.sigma, sl.sigma) < PARITY and rel(srt.sigma, sr.sigma) < PARITY
        assert np.array_equal(_host(slt.steps), sl.steps) and rel(xit, xi) < PARITY and xi.max() > 0.5
    for lead, lead_t in ((blocks[0], lt), (blocks[2], rt)):
        count = kernels.propagating_channels(omega**2, lead)
        assert np.array_equal(_host(kernels.propagating_channels(xp.asarray(omega**2), lead_t)), count)
        assert count.max() >= 2


def test_si_ge_bloch_leads_at_zero_broadening_on_band_edges(xp, sige):
    """Im z = 0 exactly on the lead's band extrema (q = 0 and pi, where two Bloch modes merge): the degenerate
    modes on the unit circle are sorted out on the host (kernels._split_degenerate) on both paths.

    Where the merging pair is resolved, the self-energy is ill-conditioned: a perturbation d of a matrix with a
    2x2 Jordan block moves its eigenvectors by O(sqrt(d)), so at d ~ 1e-16 the answer is fixed only to ~1e-8, and
    numpy's own self-energy moves by more than 1e-10 when z changes by one rounding unit.  There the two paths
    agree to 1e-6 (that conditioning, ~sqrt(2.2e-16) = 1.5e-8, is all that separates them); at the other points
    (numpy's self-energy stable to 1e-12 under that change) to 1e-10 like everywhere else."""
    prim, _, _ = sige
    k = (0.13, 0.29)
    h00, h01 = prim.lead_blocks("left", k)
    e = np.concatenate([np.linalg.eigvalsh(h00 + h01 + h01.conj().T), np.linalg.eigvalsh(h00 - h01 - h01.conj().T)])
    z = (e[e > 1e-6 * e.max()][::4]).astype(complex)
    left, device, right = prim.blocks_at(k)
    zt = xp.asarray(z)
    lam, _, kind, _, _ = kernels._classified_modes(z, *kernels.reduced_lead(z, left)[1:], kernels.CIRCLE_TOLERANCE)
    assert (np.count_nonzero(np.abs(np.abs(lam) - 1) < kernels.CIRCLE_TOLERANCE, axis=1) > 1).any()  # the host path

    def per_z(a, b):
        return np.abs(_host(a) - b).max(axis=(1, 2)) / np.abs(b).max()

    sl, sr = (kernels.self_energy(z, x, "bloch") for x in (left, right))
    slt, srt = (kernels.self_energy(zt, kernels.to_backend(x, xp), "bloch") for x in (left, right))
    for lead, host, dev in ((left, sl, slt), (right, sr, srt)):
        moved = kernels.self_energy(z * (1 + 2.0**-52), lead, "bloch").sigma
        stable = per_z(moved, host.sigma) < 1e-12
        diff = per_z(dev.sigma, host.sigma)
        assert stable.sum() >= 5 and diff[stable].max() < PARITY and diff.max() < 1e-6
    edge = per_z(kernels.self_energy(z * (1 + 2.0**-52), left, "bloch").sigma, sl.sigma) > 1e-10
    assert edge.any()  # the ill-conditioned points are there: the 1e-10 target is below their conditioning
    xi, xit = kernels.caroli(z, device, sl.sigma, sr.sigma), kernels.caroli(zt, device, slt.sigma, srt.sigma)
    assert np.isfinite(xi).all() and np.abs(_host(xit) - xi).max() < 1e-6 * max(1.0, xi.max())


def test_folded_si_ge_leads(xp, sige):
    """The 2x2 intermixed Si | Ge leads folded onto the 1x1 cell's (agf.folding): self-energies of both methods
    and the channel counts."""
    from kapitza.transmission.agf.folding import fold_lead

    prim, mixed, top = sige
    omega = np.linspace(0.03, 1.0, 6) * top
    z = (omega**2 * (1 + 1e-6j)).astype(complex)
    k = (0.1, 0.2)
    left, device, right = mixed.blocks_at(k)
    for side, lead in (("left", left), ("right", right)):
        fold = fold_lead(mixed, prim, side).blocks(lead, k)
        fold_t = kernels.to_backend(fold, xp)
        for method in kernels.LEAD_METHODS:
            s, st = fold.self_energy(z, method), fold_t.self_energy(xp.asarray(z), method)
            assert_on(xp, st.sigma, st.steps)
            assert rel(st.sigma, s.sigma) < PARITY and np.array_equal(_host(st.steps), s.steps)
        count = fold.channels(omega**2)
        assert np.array_equal(_host(fold_t.channels(xp.asarray(omega**2))), count) and count.max() >= 3


def test_folded_si_ge_sweep_and_counts_on_the_device(xp, sige):
    """Issue 55: the sweep of a run (solver.transmission and lead_channels, their leads folded) on the device,
    frequencies of a k point stacked as a GPU takes them (batch 4 over chunks of 3: stacks and a chunk in two
    pieces), against the numpy sweep, one chunk per call: Xi to 1e-10, the same steps and channel counts."""
    from kapitza.transmission.agf.folding import fold_lead
    from kapitza.transmission.agf.solver import lead_channels, transmission

    prim, mixed, top = sige
    folds = (fold_lead(mixed, prim, "left"), fold_lead(mixed, prim, "right"))
    omega = np.linspace(0.03, 1.0, 7) * top
    k = np.array([[0.1, 0.2], [0.25, -0.25]])
    ref = transmission(mixed, omega, k, chunk=3, folds=folds, time_reversal=False)
    for batch in (4, 2):
        got = transmission(mixed, omega, k, chunk=3, folds=folds, time_reversal=False, device=xp, batch=batch)
        assert rel(got.xi_k, ref.xi_k) < PARITY and np.array_equal(got.steps, ref.steps) and ref.xi_k.max() > 1
    for side, fold in zip(("left", "right"), folds):
        count = lead_channels(mixed, side, omega, k, chunk=3, fold=fold, time_reversal=False)
        got = lead_channels(mixed, side, omega, k, chunk=3, fold=fold, time_reversal=False, device=xp, batch=4)
        assert np.array_equal(got.xi_k, count.xi_k) and count.xi_k.max() >= 3


def test_resident_bytes_count_what_to_backend_moves(sige):
    """The resident-block estimate of device_bytes is the exact size of the dense blocks of one k point on the
    device (a 2x2 intermixed model: lead units of 192 DOFs, 16 slices of 48)."""
    from kapitza.transmission.agf.solver import model_sizes

    _, mixed, _ = sige
    sizes = model_sizes(mixed)
    left, device, right = kernels.to_backend(mixed.blocks_at((0.1, 0.2)), select_backend("torch-cpu"))
    arrays = [left.onsite, left.inward, left.contact, right.onsite, right.inward, right.contact]
    arrays += list(device.onsite) + list(device.coupling)
    held = sum(a.numel() * a.element_size() for a in arrays)
    assert held == kernels.resident_bytes(sizes.lead_dof, sizes.slice_dof, sizes.n_slices)
    per = sizes.bytes_per_frequency("bloch")
    assert kernels.device_bytes(sizes, 25, "bloch") == held + 25 * per
