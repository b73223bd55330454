"""The next-run interval's variants tried on the stored MD seeds (issue 64; scripts/calibration/md_seeds.py
``variants``): could the replicas' single-run errors steady an interval that rests on 3 degrees of freedom?

Reference: the stored records of docs/reference/calibration/runs/md_seeds.json (20 Stillinger-Weber Si|Ge seeds,
19 LJ EMD seeds), the same pools the calibration page's "next run's interval" rows are made of.  The shipped rule
(between replicas) must give exactly the page's share; Birge's scale can only widen it (max of two half-widths), so
it covers at least as often; and every rule that takes the single-run errors in covers more than 0.75 on the Si|Ge
seeds, which is why none was shipped (docs/howto/replicas.md, "Tried and not shipped")."""

from __future__ import annotations

import pytest

md_seeds = pytest.importorskip("calibration.md_seeds")


@pytest.fixture(scope="module", params=["sw-nemd", "lj-emd"])
def system(request):
    return request.param, md_seeds.pool_error_variants(request.param)


def test_the_shipped_rule_is_the_pages_row(system):
    name, variants = system
    page = [r for r in md_seeds.calibration_rows(name, "MD") if "next run's interval" in r.case]
    assert len(page) == 1
    shipped = variants[0]
    assert shipped["variant"] == md_seeds.VARIANTS[0]
    assert shipped["coverage"] == pytest.approx(page[0].coverage, abs=1e-12)
    assert 0.58 <= shipped["coverage"] <= 0.78


def test_birge_scale_only_widens_and_the_single_run_rules_overcover(system):
    name, variants = system
    by = {v["variant"]: v for v in variants}
    shipped, birge = by[md_seeds.VARIANTS[0]], by[md_seeds.VARIANTS[1]]
    assert birge["coverage"] >= shipped["coverage"]
    assert birge["median_width"] >= shipped["median_width"]
    if name == "sw-nemd":
        assert len(variants) == 4
        assert all(v["coverage"] > 0.75 for v in variants[1:])
