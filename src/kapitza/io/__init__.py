"""Files: atomic writes, output checks, the verified on-disk cache, and saving results.

Imports nothing above :mod:`kapitza.units` and :mod:`kapitza.errors`.
"""

from .atomic import atomic_write, atomic_write_text, check_writable
from .results import load, result, save, to_jsonable

__all__ = ["atomic_write", "atomic_write_text", "check_writable", "load", "result", "save", "to_jsonable"]
