"""Where an AGF sweep runs, one record (issue 85, item 1): :func:`transmission` and :func:`run_on_dask` take
:class:`Execution`, or its fields by keyword, and refuse a keyword that is none of them."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.transmission.agf.execution import Execution
from kapitza.transmission.agf.model import chain_model
from kapitza.transmission.agf.parallel import run_on_dask
from kapitza.transmission.agf.solver import transmission


def _model():
    return chain_model(1.0, 2.0, 10.0, 10.0, 10.0)


def test_the_record_and_its_keywords_run_the_same_sweep():
    omega = np.linspace(0.5, 3.0, 6)
    a = transmission(_model(), omega, execution=Execution(device="cpu", batch=2))
    b = transmission(_model(), omega, device="cpu", batch=2)
    np.testing.assert_array_equal(a.xi_k, b.xi_k)


def test_a_keyword_that_is_no_setting_is_one_line():
    with pytest.raises(InputError, match="unknown setting 'worker' of transmission; its execution settings are"):
        transmission(_model(), [1.0], worker=2)
    with pytest.raises(InputError, match="unknown setting 'gpu' of run_on_dask"):
        run_on_dask(_model(), np.zeros((1, 0)), [], 1e-6, lambda *a: None, gpu=True)
    with pytest.raises(InputError, match="execution must be an Execution"):
        transmission(_model(), [1.0], execution={"device": "cpu"})


def test_the_two_take_one_record_and_no_copy_of_its_fields():
    names = {f for f in Execution.__dataclass_fields__}
    for f in (transmission, run_on_dask):
        params = set(inspect.signature(f).parameters)
        assert "execution" in params and not params & names, f.__name__
    assert not Execution().on_dask and Execution(workers=2).on_dask
