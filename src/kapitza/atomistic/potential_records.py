"""One record per built-in potential (issue 85, item 2): what kapitza knows of each universal potential, in one place.

A record holds the potential's package and weights (what :mod:`kapitza.atomistic.calculators` loads), its receptive
field (the AGF's local route, :mod:`kapitza.transmission.agf.local_fc`), its measured memory footprint
(:mod:`kapitza.atomistic.call_memory`), its measured cost of one force call on the CPU and, where measured, on a GPU
(:mod:`kapitza.atomistic.force_cost`), and the seconds of one atom call in a bonding run
(:mod:`kapitza.prediction.bonding`).  Those modules read their tables from here; no other module names a potential.
Its band against experiment (``prediction/data/calculator_bands.toml``), its elastic errors
(``phonons/data/elastic_errors.toml``) and the shipped crystals it made are measured files keyed by its name.

Adding a potential: one entry in :data:`POTENTIALS` with its package, weights and citation, then one run of each
benchmark that measures its numbers (``benchmarks/mlip_memory.py``, ``benchmarks/force_cost.py``,
``benchmarks/mlip_force_call.py``); the checklist is docs/howto/add-a-potential.md.  How each number was measured is
written beside the numbers below.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

from ..errors import InputError

__all__ = [
    "BATCH_ATOMS",
    "D3_SUFFIX",
    "DEFAULT_BASE",
    "POTENTIALS",
    "RECEPTIVE_FIELD_ANGSTROM",
    "PotentialRecord",
    "RecordTable",
    "receptive_field",
    "register_potential",
]

#: Most atoms CHGNet predicts in one batch (its graphs of all of them are held at once).
BATCH_ATOMS = 512


@dataclass(frozen=True)
class PotentialRecord:
    """One built-in universal potential (its name is its key in :data:`POTENTIALS`).

    Attributes
    ----------
    package : str
        The Python package (distribution) that provides it ("chgnet", "sevenn").
    weights : str
        Path of the weights file inside the installed package.
    model : str
        The package's own name of the model.
    description, citation : str
        The model in words; its paper.
    receptive_field : float
        Interaction layers times the graph cutoff of its messages, Angstrom.
    footprint : Mapping
        Keywords of :class:`kapitza.atomistic.call_memory.Footprint` (bytes, Angstrom).
    call_cost : Mapping
        Keywords of :class:`kapitza.atomistic.force_cost.CallCost` (seconds, Angstrom).
    gpu_call_seconds : tuple of (int, float)
        (atoms, seconds) of one force call measured on a GPU; () where none was.
    bonding_seconds, bonding_seconds_d3 : float or None
        Seconds of one planned atom call in a bonding run, without and with D3; None where not measured.
    factory : str
        "module:factory" of an ASE calculator, for a potential registered by :func:`register_potential` (its
        package has no weights kapitza loads itself); "" for the built-ins.
    """

    package: str
    weights: str
    model: str
    description: str
    citation: str
    receptive_field: float
    footprint: Mapping[str, float] = field(default_factory=dict)
    call_cost: Mapping[str, float] = field(default_factory=dict)
    gpu_call_seconds: tuple[tuple[int, float], ...] = ()
    bonding_seconds: float | None = None
    bonding_seconds_d3: float | None = None
    factory: str = ""


_CHGNET_PAPER = (
    "B. Deng, P. Zhong, K. Jun, J. Riebesell, K. Han, C. J. Bartel and G. Ceder, Nat. Mach. Intell. 5, 1031 (2023)"
)
_SEVENNET_PAPER = "Y. Park, J. Kim, S. Hwang and S. Han, J. Chem. Theory Comput. 20, 4857 (2024)"

# -- how the numbers of the records were measured ------------------------------------------------------------------

# receptive_field:
#: The receptive field (A) of the built-in message-passing potentials: interaction layers times the graph cutoff of
#: the messages, from the models' hyperparameters: CHGNet 0.3.0 and its r2SCAN transfer: 4 atom-convolution layers
#: (``n_conv=4``) on its 6 A atom graph (chgnet 0.4.2's ``pretrained/0.3.0/README.md``: ``atom_graph_cutoff=6``;
#: the 3 A bond graph lies inside it); SevenNet-0 and SevenNet-l3i5: 5 interaction layers on a 5 A cutoff (Park et
#: al., J. Chem. Theory Comput. 20, 4857 (2024); "i5" in the name).  A ``+d3`` name takes its base potential's: D3
#: passes no messages (a pair term with coordination numbers of the atoms within 25 bohr, 13.2 A, inside these
#: fields).  A name not listed (a user's ``module:factory``) has none known: its force range alone is taken.

# footprint:
#: The measured memory of the built-in potentials (torch 2.13 CPU, chgnet 0.4.2, sevenn 0.13.0, this machine,
#: 2026-11-25; ``python benchmarks/mlip_memory.py``, which prints each case beside these).  ``resident``: the peak
#: resident memory of a process once the model is loaded, less that of the same process before (kapitza, numpy, scipy,
#: ase imported): 294-309 MB (chgnet and chgnet-r2scan, four processes), 430-456 MB (sevennet, three), 444-466 MB
#: (sevennet-l3i5, two); counted about 1.1x the largest.  Working memory: the rise of the peak resident memory in one
#: force call on bulk supercells of diamond Si and Ge, fcc Cu, bcc Fe and rock-salt NaCl (64 to 1000 atoms), fitted by
#: least squares to bytes per neighbour pair (and, for CHGNet, per bond angle), without a constant: CHGNet 51 kB per
#: pair within its 6 A atom graph and 51 kB per angle within its 3 A bond graph (Si 2.8-3.1 MB per atom, Cu 10.9, Fe
#: 12.3: the fit within 0.96-1.05 of the nine cases); SevenNet-0 128 kB and SevenNet-l3i5 286 kB per pair within 5 A
#: (the fits within 0.84-1.04 and 0.91-1.01 of seven and eight cases).  Counted: 1.3x the fits, which covers every
#: measured case.  The count grows with the crystal's density where a per-atom figure would not: Cu needs 3.8x Si's per
#: atom with CHGNet, 1.5x with SevenNet.
#: A NAME+d3 calculator takes NAME's footprint: Grimme's D3 (dftd3) added no measurable memory or time to a
#: SevenNet-l3i5 force call on graphite supercells (peak resident memory of a fresh process 4999 MB with D3 against
#: 5041 MB without at 288 atoms, 1771 against 1808 MB at 72 atoms; 19.3 against 20.3 s and 7.5 against 7.6 s;
#: measured 2026-11-26), nor to its bulk cases (``benchmarks/mlip_memory.py --cases sevennet-l3i5:Si:3,
#: sevennet-l3i5+d3:Si:3,sevennet-l3i5:Cu:4,sevennet-l3i5+d3:Cu:4``: work 1968 against 1996 MB for 216 Si atoms, 3282
#: against 3262 MB for 256 Cu atoms, counted 2250 and 4000), and tests/phonons/test_from_structure_mlip.py checks the
#: statement with D3 in a fresh process.

# call_cost:
#: Measured seconds of one force call on this project's 2-core machine, one process.  SevenNet-l3i5 (kapitza's
#: default potential with D3; 2026-11-28, commit 3cc9fc1, ``flock /tmp/kapitza-heavy.lock python
#: benchmarks/force_cost.py sevennet-l3i5+d3 --threads 2 --cases GaN:1,Si:1,MgO:1,Si:2,MgO:2,GaN:4x4x2,Si:3,MgO:3``,
#: torch's default of 2 threads, no other force computation running; sevenn 0.13.0, torch 2.13 CPU): 0.07, 0.08,
#: 0.13, 0.56, 1.18, 2.45, 2.17, 6.32 s at 188, 224, 448, 1,792, 3,584, 6,014, 6,048, 12,096 ordered pairs within
#: 5 A, fitted by relative least squares with every part non-negative as 0.023 s + 2.43e-4 s a pair + 2.27e-8 s a
#: pair squared, within 0.93-1.06 of each case (a line through them, 3.5e-4 s a pair, missed MgO:3 by 1.5x: the
#: work per edge grows with the graph).  D3 adds no measurable time (without it, 2.61 s and 6.71 s for GaN:4x4x2 and
#: MgO:3 in the same session).  The table before this one (one torch thread while a LAMMPS run held the other core,
#: 2026-11-27: 1.61e-3 s a pair) stated 3-5x the calls measured here, and ``kapitza predict`` from an empty cache
#: x11 its wall time with the relaxation at its 500-call bound (docs/howto/interface-from-atoms.md section 2c).
#: CHGNet and SevenNet-0 are still that older table's (``OMP_NUM_THREADS=1 nice -n 10 python
#: benchmarks/force_cost.py NAME``, 2026-11-27, load averages 1.1-1.8; chgnet 0.4.2): the best of two calls on
#: rattled bulk supercells of diamond Si (64, 216 atoms), wurtzite GaN (72, 192) and rock-salt MgO (64, 216).  CHGNet:
#: 0.20 and 0.63 s for Si, 0.25 and 0.77 s for GaN, 0.82 and 3.17 s for MgO, whose second neighbours at 2.98 A fall
#: within the 3 A bond graph and give it 18x the angles per atom of GaN (220 against 12; without the angle term the
#: fit missed MgO by 2x); the fit within 0.86-1.12 of the six cases.  SevenNet-0: 1.18, 3.06, 1.38, 4.57, 1.64, 6.53
#: s; within 0.82-1.24.  They state a busy machine's time: on a quiet one expect less.  chgnet-r2scan is CHGNet's
#: architecture with other weights: CHGNet's cost (not measured apart).  A NAME+d3 calculator takes NAME's.  Where
#: other processes hold the cores, torch's threads wait on each other: a relaxation step of 4-atom GaN took 11.6 s
#: beside another force computation against 0.14 s alone (2026-11-28); no statement covers that.

# gpu_call_seconds:
#: The GPU per-call seconds measured in an earlier session on one NVIDIA H100 (SevenNet-l3i5, wurtzite GaN;
#: docs/howto/interface-from-atoms.md section 2a): (atoms, seconds) pairs.  Not measured in the session that wrote
#: this module (no GPU was lent to it).

# bonding_seconds:
#: Seconds a planned atom call takes in a bonding run on the shared 2-core machine: the median, over the pairs of a
#: table, of the pair's wall time over the atom calls its plan counted (a plan counts :data:`EXPECTED_STEPS` BFGS
#: steps, the runs took 0.4-0.8 of the calls counted, and batch the displaced copies).  chgnet: 0.0047 s, the median
#: of the 35 pairs of the shipped table built as planned (2026-11-27/28; quartiles 0.0030-0.019, the dear end
#: beside other work); sevennet: 0.0077 s, the median of 6 pairs (Si|Si, Al|Si, Si|Ge, Pt|Au, AlN|GaN, TiN|MgO
#: (001); 2026-11-28, quiet; 0.0038-0.017) of ``python scripts/bonding_descriptors.py run --calculator sevennet``;
#: the larger SevenNet models scaled from sevennet by their single-call cost (``python
#: benchmarks/mlip_force_call.py``, 2026-11-27, a 96-atom Si supercell: sevennet 14.4 s, sevennet-l3i5 22.7 s,
#: sevennet-l3i5+d3 27.4 s).  Checked on the runs that came after: the 45 CHGNet pairs of the table resumed to 48
#: (2026-11-28) took 0.99 of the time stated at the median, 69 % of them within x3 (0.21-33); the default potential's
#: 5 pairs of its subset built as planned, 0.97 (0.75-5.8).  A calculator not listed: the largest.

_CHGNET_FOOTPRINT = {"resident": 340e6, "pair_cutoff": 6.0, "per_pair": 67e3, "angle_cutoff": 3.0, "per_angle": 66e3,
                     "batch_atoms": BATCH_ATOMS}  # fmt: skip
_CHGNET_COST = {"pair_cutoff": 6.0, "per_pair": 4.33e-5, "fixed": 0.018, "angle_cutoff": 3.0, "per_angle": 4.36e-5}

#: The records, by the name ``--calculator`` takes (the built-ins, and what :func:`register_potential` adds).
_REGISTRY: dict[str, PotentialRecord] = dict(
    {
        "chgnet": PotentialRecord(
            "chgnet",
            "pretrained/0.3.0/chgnet_0.3.0_e29f68s314m37.pth.tar",
            "0.3.0",
            "CHGNet 0.3.0 universal potential (trained on MPtrj, PBE/PBE+U)",
            _CHGNET_PAPER,
            receptive_field=24.0,
            footprint=_CHGNET_FOOTPRINT,
            call_cost=_CHGNET_COST,
            bonding_seconds=0.0047,
        ),
        "chgnet-r2scan": PotentialRecord(
            "chgnet",
            "pretrained/r2scan/chgnet_r2scan_transfer_learning_e15f36s161m23.pth.tar",
            "r2scan",
            "CHGNet r2SCAN transfer-learned universal potential (from 0.3.0, on MP-r2SCAN)",
            "X. Huang, B. Deng, P. Zhong, A. D. Kaplan, K. A. Persson and G. Ceder, npj Comput. Mater. (2025), "
            "doi:10.1038/s41524-025-01796-y",
            receptive_field=24.0,
            footprint=_CHGNET_FOOTPRINT,
            call_cost=_CHGNET_COST,
        ),
        "sevennet": PotentialRecord(
            "sevenn",
            "pretrained_potentials/SevenNet_0__11Jul2024/checkpoint_sevennet_0.pth",
            "7net-0",
            "SevenNet-0 (11Jul2024) universal potential (trained on MPtrj, PBE/PBE+U)",
            _SEVENNET_PAPER,
            receptive_field=25.0,
            footprint={"resident": 510e6, "pair_cutoff": 5.0, "per_pair": 166e3},
            call_cost={"pair_cutoff": 5.0, "per_pair": 4.64e-4, "fixed": 0.117},
            bonding_seconds=0.0077,
        ),
        "sevennet-l3i5": PotentialRecord(
            "sevenn",
            "pretrained_potentials/SevenNet_l3i5/checkpoint_l3i5.pth",
            "7net-l3i5",
            "SevenNet-l3i5 universal potential (l_max 3, 5 layers, trained on MPtrj)",
            _SEVENNET_PAPER,
            receptive_field=25.0,
            footprint={"resident": 520e6, "pair_cutoff": 5.0, "per_pair": 372e3},
            call_cost={"pair_cutoff": 5.0, "per_pair": 2.43e-4, "fixed": 0.023, "per_pair_squared": 2.27e-8},
            gpu_call_seconds=((32, 0.099), (256, 0.121)),
            bonding_seconds=0.0077 * 22.7 / 14.4,
            bonding_seconds_d3=0.0077 * 27.4 / 14.4,
        ),
    }
)
#: The potentials kapitza knows, by the name ``--calculator`` takes: a read-only live view of the records.
POTENTIALS: Mapping[str, PotentialRecord] = MappingProxyType(_REGISTRY)

#: A registered potential's name: lower-case letters, digits and hyphens, as the built-ins' ("+d3" is added by name).
_NAME = re.compile(r"[a-z][a-z0-9-]{0,39}")
_FACTORY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*")


def register_potential(name: str, record: PotentialRecord) -> None:
    """Add a potential to this process's records: one entry, and every module that needs something of a potential
    (the loader, the memory and time statements, the AGF's receptive field, the bonding plan) takes it by ``name``
    (docs/howto/add-a-potential.md).  ``record.factory`` names its ASE calculator ("module:factory"), called as a
    ``--calculator module:factory`` is.  The registration is this process's: worker processes of a cluster run do
    not see it (name the factory itself there).

    Raises
    ------
    InputError
        A name that is not lower-case letters, digits and hyphens (or is taken), or a record without a factory.
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InputError(f"a potential's name is lower-case letters, digits and hyphens (at most 40), got {name!r}")
    if name in _REGISTRY:
        raise InputError(f"the potential {name!r} is registered already")
    if not isinstance(record, PotentialRecord) or not _FACTORY.fullmatch(record.factory):
        raise InputError(f"the record of {name!r} needs its calculator's 'module:factory' (factory)")
    _REGISTRY[name] = record


V = TypeVar("V")


class RecordTable(MutableMapping[str, V]):
    """A module's table of one number of every record (``make(name, record)`` gives its entries), live: a potential
    registered later is in it.  Entries set on the table itself (a test's stand-in for a measured number) take
    precedence and are the only ones that can be deleted."""

    def __init__(self, make: Callable[[str, PotentialRecord], Iterable[tuple[str, V]]]) -> None:
        self._make = make
        self._own: dict[str, V] = {}

    def _all(self) -> dict[str, V]:
        found: dict[str, V] = {}
        for name, record in _REGISTRY.items():
            found.update(self._make(name, record))
        return {**found, **self._own}

    def __getitem__(self, key: str) -> V:
        return self._all()[key]

    def __setitem__(self, key: str, value: V) -> None:
        self._own[key] = value

    def __delitem__(self, key: str) -> None:
        del self._own[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __repr__(self) -> str:
        return f"RecordTable({self._all()!r})"


#: The suffix that adds the D3(BJ) dispersion correction (PBE parameters) to any calculator name
#: (:data:`kapitza.atomistic.calculators.D3_DESCRIPTION` says what it adds).
D3_SUFFIX = "+d3"
#: The receptive field (A) of the built-in message-passing potentials, by name: interaction layers times the graph
#: cutoff of the messages (each record says from what); 0 for a potential whose forces end at its cutoff.  A name not
#: listed (a user's ``module:factory``) has none known.
RECEPTIVE_FIELD_ANGSTROM: RecordTable[float] = RecordTable(lambda name, p: [(name, p.receptive_field)])


def receptive_field(name: str) -> float | None:
    """The receptive field (A) of the calculator ``name`` (:data:`RECEPTIVE_FIELD_ANGSTROM`; ``NAME+d3`` takes
    NAME's); None for a calculator whose field is not known (a user's ``module:factory``)."""
    return RECEPTIVE_FIELD_ANGSTROM.get(str(name).removesuffix(D3_SUFFIX))


#: kapitza's default potential, with D3 added (:data:`kapitza.atomistic.calculators.DEFAULT_CALCULATOR` says why).
DEFAULT_BASE = "sevennet-l3i5"
