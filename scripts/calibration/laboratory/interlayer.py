"""The expected measurement of stacks with interlayers (issue 77), held out like the bare rows: by paper and by whole
stack, per split (measured by others / nobody else measured), per interlayer family and per temperature range,
beside the series physics alone and the empirical regressor on the same rows; the families tried as a descriptor
group by the honest selection with its placebo; and a made-up compilation whose true interlayer effect is known.

The rows are :func:`kapitza.prediction.expected.interlayer_rows` (the compilation's interlayer rows whose sides are
database materials and whose interlayers kapitza reads and describes); the "pair" of a row is its stack, so the
other papers that measured the same stack inform it, and "held out by pair" leaves a whole stack out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kapitza.literature import shipped_measurements
from kapitza.literature.stacks import FAMILIES, stack_layers
from kapitza.prediction import expected as E
from kapitza.prediction.scoring import Score, score

from .held_out import HeldOut, held_out, held_score, split_scores, temperature_scores, whole_score
from .paper_bootstrap import factor_interval


def row_families(rows: E.ExpectedRows) -> tuple[tuple[str, ...], ...]:
    """The interlayer families of each row's stack (its place in the compilation, ``row_id``)."""
    data = shipped_measurements()
    out = []
    for r in rows.row_id:
        i = int(r)
        out.append(stack_layers(data.stack[i], data.film[i], data.substrate[i]).families)
    return tuple(out)


def family_columns(rows: E.ExpectedRows) -> np.ndarray:
    """:data:`kapitza.prediction.expected.FAMILY_FEATURES` of each row (from its stack in the compilation), shape
    (n, 5)."""
    fams = row_families(rows)
    return np.array([[f in have for f in FAMILIES] for have in fams], dtype=float)


@dataclass(frozen=True)
class InterlayerValidation:
    """Everything the page says of the interlayer route.

    Attributes
    ----------
    rows : ExpectedRows
    held, held_stack : HeldOut
        One fold per paper, and one fold per whole stack.
    estimate, by_stack : Score
        Every row, held out by paper and by stack.
    splits : dict of str to Score
        Measured by others / nobody else measured (held out by paper).
    families : dict of str to Score
        Per family (a row counts in each family its stack holds).
    temperatures : tuple of Score
        Per :data:`kapitza.prediction.expected.TEMPERATURE_RANGES`.
    physics, physics_corrected, empirical : Score
        The series physics alone on the same rows; the physics times its median measured/physics on the other papers
        (a one-number correction held out by paper); today's empirical regressor (``kapitza predict --empirical``,
        held out by paper with its own folds) where it has the row.
    multi_paper : tuple of (str, int, Score)
        The stacks measured by more than one paper: (stack, papers, score held out by paper).
    intervals : dict of str to (float, float)
        The 68 % interval over papers resampled of the headline median factors by paper.
    """

    rows: E.ExpectedRows
    held: HeldOut
    held_stack: HeldOut
    estimate: Score
    by_stack: Score
    splits: dict[str, Score]
    families: dict[str, Score]
    temperatures: tuple[Score, ...]
    physics: Score
    physics_corrected: Score
    empirical: Score
    multi_paper: tuple[tuple[str, int, Score], ...]
    intervals: dict[str, tuple[float, float]]


def _corrected_physics(rows: E.ExpectedRows) -> np.ndarray:
    """The series physics times the median of measured/physics over the other papers' rows (each paper held out)."""
    r = np.log10(rows.measured / rows.dmm)
    paper = np.asarray(rows.paper)
    out = np.empty(len(rows))
    for p in dict.fromkeys(rows.paper):
        sel = paper == p
        out[sel] = rows.dmm[sel] * 10 ** float(np.median(r[~sel]))
    return out


def _empirical_on(rows: E.ExpectedRows) -> np.ndarray:
    from .validation import empirical_held_out

    ids, values = empirical_held_out()
    where = dict(zip(ids, values))
    return np.array([where.get(i, math.nan) for i in rows.row_id], dtype=float)


def interlayer_validation(n_splits: int | None = None) -> InterlayerValidation:
    """The interlayer route held out (module text).  Minutes: one fold per paper and one per stack."""
    rows = E.expected_rows(E.STACK)
    held = held_out(rows, n_splits)
    held_stack = held_out(rows, n_splits, group="pair")
    fams = row_families(rows)
    families = {f: held_score(held, np.array([f in have for have in fams])) for f in FAMILIES}
    paper = list(rows.paper)
    err = np.abs(np.log10(held.value / held.measured))
    by_stack_paper: dict[str, set[str]] = {}
    for s, p in zip(rows.pair, rows.paper):
        by_stack_paper.setdefault(s, set()).add(p)
    multi = tuple(
        (s, len(ps), held_score(held, np.asarray(rows.pair) == s))
        for s, ps in sorted(by_stack_paper.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        if len(ps) > 1
    )
    nobody = np.asarray(held.n_other) == 0
    intervals = {
        "all rows": factor_interval(err, paper),
        "nobody else measured": factor_interval(err[nobody], [paper[i] for i in np.flatnonzero(nobody)]),
        "measured by others": factor_interval(err[~nobody], [paper[i] for i in np.flatnonzero(~nobody)]),
    }
    return InterlayerValidation(
        rows=rows, held=held, held_stack=held_stack, estimate=whole_score(held), by_stack=whole_score(held_stack),
        splits=split_scores(held), families=families, temperatures=temperature_scores(held),
        physics=score(rows.dmm, rows.measured, paper), physics_corrected=score(_corrected_physics(rows), rows.measured,
                                                                                paper),
        empirical=score(_empirical_on(rows), rows.measured, paper), multi_paper=multi, intervals=intervals,
    )  # fmt: skip


# -- a made-up compilation whose true interlayer effect is known --------------------------------------------------


def made_up_stacks(
    seed: int, *, stacks: int = 60, effect: float = 0.25, sigma: float = 0.10, tau: float = 0.10
) -> tuple[E.ExpectedRows, np.ndarray, np.ndarray]:
    """A made-up interlayer compilation: each stack has a physics value x (log10 G_stack, 7.3-8.7) and a bare pair's
    (x + 0.2 +- 0.2); a true family flag (half the stacks) adds ``effect`` decades the physics does not know, a
    placebo flag (drawn apart) adds nothing; 1-2 papers measure log10 G = 0.3 + 0.8 x + 0.2 (x - 8)^2 (the fit
    assumes neither) + the family's effect + a stack effect (sd ``tau``) + a Student-t (3 dof) paper effect (sd
    ``sigma``) + row noise 0.02 at 2-4 temperatures of 60-500 K.  Returns the rows (interlayer route) and per row the
    true family flag and the placebo flag."""
    rng = np.random.default_rng(seed)
    feats, measured, temps, paper, pair, true_flag, placebo = [], [], [], [], [], [], []
    n_paper = 0
    for s in range(stacks):
        x = rng.uniform(7.3, 8.7)
        bare = x + rng.normal(0.2, 0.2)
        flag, fake = float(rng.random() < 0.5), float(rng.random() < 0.5)
        u = rng.normal(0, tau)
        for _ in range(int(rng.integers(1, 3))):
            n_paper += 1
            e = rng.standard_t(3) * sigma / math.sqrt(3)
            for lt in rng.uniform(math.log10(60), math.log10(500), size=int(rng.integers(2, 5))):
                g = 0.3 + 0.8 * x + 0.2 * (x - 8) ** 2 + effect * flag + 0.1 * (lt - 2.48) + u + e
                g += rng.normal(0, 0.02)
                feats.append([x + 0.2 * (lt - 2.48), bare + 0.2 * (lt - 2.48), lt, math.nan, 0, 1, 0, 1, 0, 0, 0, 0])
                measured.append(10**g)
                temps.append(10**lt)
                paper.append(f"paper{n_paper}")
                pair.append(f"A{s}|I{s}|B{s}")
                true_flag.append(flag)
                placebo.append(fake)
    rows = E.ExpectedRows(
        route=E.STACK, features=np.array(feats), measured=np.array(measured), temperature=np.array(temps),
        paper=tuple(paper), pair=tuple(pair), side1=tuple(p.split("|")[0] for p in pair),
        side2=tuple(p.split("|")[2] for p in pair), row_id=tuple(str(i) for i in range(len(paper))),
        dmm=np.array([10 ** f[0] for f in feats]), source="made up",
    )  # fmt: skip
    return rows, np.array(true_flag), np.array(placebo)


def recovered_effect(held: HeldOut, flag: Sequence[float]) -> tuple[float, float]:
    """The family effect a held-out estimate without the family leaves in the residuals of the rows nobody else
    measured (where no other paper's stack effect absorbs it): (median residual of flagged papers) - (of the others),
    decades, and its standard error over papers (each paper's median residual one value; sqrt(pi/2) times the mean's
    for a median)."""
    r = np.log10(held.measured / held.value)
    paper = np.asarray(held.paper)
    flag = np.asarray(flag, dtype=bool)
    nobody = np.asarray(held.n_other) == 0
    meds: dict[bool, list[float]] = {True: [], False: []}
    for p in dict.fromkeys(np.asarray(held.paper)[nobody]):
        sel = (paper == p) & nobody
        meds[bool(flag[sel][0])].append(float(np.median(r[sel])))
    a, b = np.array(meds[True]), np.array(meds[False])
    diff = float(np.median(a) - np.median(b))
    se = float(math.sqrt(np.var(a, ddof=1) / a.size + np.var(b, ddof=1) / b.size) * math.sqrt(math.pi / 2))
    return diff, se
