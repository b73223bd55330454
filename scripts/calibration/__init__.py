"""Calibration of kapitza's estimators on data made by generators that are *not* the estimators' own models.

Each module here (``eels.py``, ``nemd.py``, ``thermoreflectance.py``, ...) exposes
``run(n_seeds: int) -> list[common.CalibrationRow]``.  ``make_page.py`` runs them all and writes
``docs/reference/calibration.md``; ``tests/calibration/`` runs the same functions with fewer seeds
and asserts coverage and bias on the cases kapitza claims to handle.
"""
