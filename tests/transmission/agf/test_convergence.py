"""The AGF convergence table: rows, reference, and refusals."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.transmission.agf.convergence import convergence_table
from kapitza.transmission.agf.run import run_agf

pytest.importorskip("matscipy")


def test_the_table_reruns_each_grid_and_measures_against_the_finest():
    table = convergence_table("Si", "Ge", potential="sw", kpoints=(1, 2), frequencies=(20, 40), check_broadening=False)
    assert table.kpoints.tolist() == [[1, 1], [2, 2], [2, 2]] and table.frequencies.tolist() == [40, 20, 40]
    assert table.relative_change[-1] == 0.0 and np.all(table.intrinsic > 0)
    # each row is run_agf itself at that grid (the independent route: a direct call)
    r, _ = run_agf("Si", "Ge", potential="sw", kpoints=1, frequencies=40, temperature=[300.0], check_broadening=False)
    assert table.intrinsic[0] == pytest.approx(r.intrinsic[0], rel=1e-12)
    ref = table.intrinsic[-1]
    np.testing.assert_allclose(table.relative_change, np.abs(table.intrinsic - ref) / ref)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"kpoints": (4, 2)}, "ascending"),
        ({"frequencies": ()}, "non-empty"),
        ({"frequencies": (10, 40)}, "frequencies must be an integer >= 20"),
        ({"output": "x.json"}, "output is set by the convergence table"),
    ],
)
def test_bad_tables_are_refused(kwargs, match):
    with pytest.raises(InputError, match=match):
        convergence_table("Si", "Ge", **kwargs)
