"""Exceptions raised by kapitza.

Every exception derives from :class:`KapitzaError` and also from the built-in
type a caller would naturally catch (the pattern of pint's ``errors.py``), so
``except ValueError`` keeps working for bad input.  Messages name the offending
value and what would have been accepted.
"""

from __future__ import annotations


class KapitzaError(Exception):
    """Base class of every error kapitza raises on purpose."""


class InputError(KapitzaError, ValueError):
    """An argument or an input file holds a value the model cannot accept."""


class MemoryBoundError(InputError):
    """A computation would need more memory than its bound allows: the bound refuses it, not the input (a caller
    that remembers refusals must not remember this one: with more memory the same input runs)."""


class ConvergenceError(KapitzaError, RuntimeError):
    """An iterative computation (decimation, mesh refinement, fit) did not converge."""


class MissingDependencyError(KapitzaError, ImportError):
    """An optional dependency is not installed; the message names the pip extra."""

    def __init__(self, package: str, extra: str, purpose: str = "") -> None:
        self.package = package
        self.extra = extra
        what = f" (needed for {purpose})" if purpose else ""
        super().__init__(
            f"the optional package {package!r} is not installed{what}; install it with: pip install 'kapitza[{extra}]'"
        )
