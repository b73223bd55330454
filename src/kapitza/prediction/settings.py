"""The choices that, with two materials and a model, determine G(T); validated before any work.

:class:`Settings` checks every option up front.  Its messages name an option
``mesh=`` (as a Python caller types it); a caller that spells options otherwise
(the command line's ``--mesh``) passes ``option_names``, a function from the
option's name to its spelling: the spelling is the caller's, not this module's.
Options that only describe full dispersion (``potential``, ``calculator``,
``normal``, ``mesh``, ``width``, ``phonopy_files``) are refused with Debye spectra
rather than silently ignored.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import InitVar, dataclass
from typing import Any

from .. import _checks, landauer
from .._checks import MAX_TEMPERATURE, check_temperature_bound
from .._progress import Progress
from ..atomistic.calculators import calculator_name
from ..errors import InputError
from ..materials.spec import MaterialSpec
from ..phonons.debye import CUTOFFS, DEFAULT_CUTOFF
from ..phonons.from_structure import StructurePhonons
from ..phonons.full_dispersion import DEFAULT_MESH, FullDispersionSpectrum
from ..phonons.modes import DEFAULT_WIDTH, mesh_numbers, unit_vector
from ..transmission.inelastic import InelasticParameters

__all__ = [
    "DISPERSIONS",
    "FULL_DISPERSION_OPTIONS",
    "MaterialSpec",
    "PotentialSpec",
    "Progress",
    "Settings",
    "SideSpec",
    "side_potentials",
    "MAX_TEMPERATURE",
    "OptionNames",
    "api_name",
    "check_temperature_bound",
]

#: A side of an interface: a material, a ready full-dispersion spectrum, or a crystal from its structure
#: (:class:`~kapitza.phonons.from_structure.StructurePhonons`; both imply dispersion="phonopy").  With a calculator a
#: side may also be a structure file, ``NAME:STRUCTURE:a=...``, ASE ``Atoms`` or a dict for ``ase.build.bulk``.  Each
#: is decided once into a :class:`~kapitza.atomistic.side.Side` (:func:`~kapitza.atomistic.side.resolve_side`), which
#: every function that takes a side also takes.
SideSpec = MaterialSpec | FullDispersionSpectrum | StructurePhonons | Any
#: None (each material's default), one potential name for both sides, or a pair (side 1, side 2).
PotentialSpec = str | None | tuple[str | None, str | None]

#: How the bulk phonons of each side are described: isotropic Debye spectra from the
#: database's sound speeds, or full dispersion from force constants (phonopy).
DISPERSIONS: tuple[str, ...] = ("debye", "phonopy")

#: Options that only mean something with dispersion="phonopy".
FULL_DISPERSION_OPTIONS: tuple[str, ...] = ("potential", "calculator", "normal", "mesh", "width", "phonopy_files")

#: How an option is spelled in messages: its name to the text the caller typed (``mesh`` -> ``mesh=``).
OptionNames = Callable[[str], str]


def api_name(name: str) -> str:
    """``mesh=``: an option as a Python caller types it (the default of :class:`Settings`' messages)."""
    return f"{name}="


def _with_value(label: str, value: str) -> str:
    """``dispersion='phonopy'`` for a keyword spelling (ending in '='), ``--dispersion phonopy`` otherwise."""
    return f"{label}{value!r}" if label.endswith("=") else f"{label} {value}"


def side_potentials(potential: PotentialSpec) -> tuple[str | None, str | None]:
    """(potential of side 1, potential of side 2) from None, one name for both, or a pair."""
    if potential is None or isinstance(potential, str):
        return potential, potential
    try:
        pair = tuple(potential)
    except TypeError:
        pair = ()
    if len(pair) != 2 or not all(p is None or isinstance(p, str) for p in pair):
        raise InputError(f"potential must be a name, None, or a pair (side 1, side 2); got {potential!r}")
    return pair[0], pair[1]


@dataclass(frozen=True)
class Settings:
    """Choices that, with the two materials and the model, determine G(T).

    Attributes
    ----------
    cutoff : {"branch", "debye", "sine", "sine-zb"}
        Debye cutoff rule, or the sine dispersion (see :mod:`kapitza.phonons.debye`);
        the sine spectra are for DMM and the radiation limit, not the AMM.
    statistics : {"bose-einstein", "classical"}
        Phonon occupation used in the Landauer integral.
    inelastic : InelasticParameters or None
        The inelastic channel tau_inel = A T^q omega^m added to the model, or
        None for the elastic model alone (see :mod:`kapitza.transmission.inelastic`).
        A mapping ``{"A": ..., "q": ..., "m": ...}`` is converted on construction.
    dispersion : {"debye", "phonopy"}
        Bulk spectra: Debye (sound speeds) or full dispersion (force constants).
    potential : str, (str, str) or None
        Full dispersion only: interatomic potential(s); None takes each material's default.
    calculator : str or None
        Full dispersion only: the force source of both sides built from their structures, a built-in universal
        potential ("chgnet", "chgnet-r2scan", "sevennet", "sevennet-l3i5") or "module:factory" for any ASE
        calculator (:mod:`kapitza.atomistic.calculators`); excludes ``potential`` and ``phonopy_files``.
    normal : (3,) floats or None
        Full dispersion only: unit interface normal in the cubic axes (default (0, 0, 1)).
        None with Debye spectra.
    mesh : (3,) ints or None
        Full dispersion only: Gamma-centred Brillouin-zone mesh (default 24^3). None with Debye spectra.
    width : float or None
        Full dispersion only: adaptive Gaussian broadening factor (default 0.5). None with Debye spectra.
    phonopy_files : (str or None, str or None)
        Full dispersion only: phonopy.yaml of side 1 and side 2 (None: from ``potential``).
    option_names : callable, optional
        Construction only: how error messages name an option, ``option_names("mesh")``; default
        :func:`api_name` (``mesh=``).  The command line passes its own (``--mesh``).
    """

    cutoff: str = DEFAULT_CUTOFF
    statistics: str = "bose-einstein"
    inelastic: InelasticParameters | None = None
    dispersion: str = "debye"
    potential: str | tuple[str | None, str | None] | None = None
    calculator: str | None = None
    normal: tuple[float, float, float] | None = None
    mesh: tuple[int, int, int] | None = None
    width: float | None = None
    phonopy_files: tuple[str | None, str | None] = (None, None)
    option_names: InitVar[OptionNames | None] = None

    def __post_init__(self, option_names: OptionNames | None) -> None:
        name = option_names or api_name
        if self.cutoff not in CUTOFFS:
            raise InputError(
                f"unknown cutoff rule {self.cutoff!r} ({name('cutoff')}); expected one of {', '.join(CUTOFFS)}"
            )
        landauer.validate_statistics(self.statistics)
        if self.inelastic is not None:
            object.__setattr__(self, "inelastic", InelasticParameters.from_mapping(self.inelastic))
        if self.dispersion not in DISPERSIONS:
            raise InputError(
                f"unknown dispersion {self.dispersion!r} ({name('dispersion')}); "
                f"expected one of {', '.join(DISPERSIONS)}"
            )
        files = _pair_of_paths(self.phonopy_files, name("phonopy_files"))
        if self.dispersion == "debye":
            given = [
                option
                for option in FULL_DISPERSION_OPTIONS
                if (any(files) if option == "phonopy_files" else getattr(self, option) is not None)
            ]
            if given:
                one = len(given) == 1
                raise InputError(
                    f"{', '.join(name(o) for o in given)} {'describes' if one else 'describe'} full dispersion "
                    f"and would be ignored with Debye spectra; add {_with_value(name('dispersion'), 'phonopy')} or "
                    f"leave {'it' if one else 'them'} out"
                )
            object.__setattr__(self, "phonopy_files", files)
            return
        if self.calculator is not None:
            object.__setattr__(self, "calculator", calculator_name(self.calculator))
            other = [
                name(o)
                for o in ("potential", "phonopy_files")
                if (any(files) if o == "phonopy_files" else self.potential is not None)
            ]
            if other:
                raise InputError(
                    f"{name('calculator')} and {' and '.join(other)} exclude each other: the calculator gives the "
                    "force constants of both sides"
                )
        potential = None if self.potential is None else side_potentials(self.potential)
        if potential is not None and potential[0] == potential[1]:
            potential = potential[0]
        width = DEFAULT_WIDTH if self.width is None else _checks.positive(self.width, name("width"), "(a factor)")
        object.__setattr__(self, "potential", potential)
        object.__setattr__(self, "width", width)
        normal = (0, 0, 1) if self.normal is None else self.normal
        object.__setattr__(self, "normal", tuple(float(x) for x in unit_vector(normal)))
        mesh = DEFAULT_MESH if self.mesh is None else self.mesh
        object.__setattr__(self, "mesh", tuple(int(n) for n in mesh_numbers(mesh)))
        object.__setattr__(self, "phonopy_files", files)

    def _check_loaded(self, folder: Any) -> None:
        """Settings read back from a saved result (:func:`kapitza.load`): a file names data, never code, so a
        ``calculator`` that is a ``module:factory`` is refused (its :meth:`options` would hand it to
        :func:`kapitza.predict`, which imports and calls it); the built-in potentials load as they are.  A result of
        your own calculator is therefore not loaded back (its .json stays readable as JSON); rerun it by naming the
        calculator yourself."""
        if self.calculator is not None:
            calculator_name(self.calculator, from_file="a saved result's settings")

    def options(self) -> dict[str, Any]:
        """The keyword arguments of :func:`kapitza.prediction.predict_model` that rebuild these settings."""
        out: dict[str, Any] = {"cutoff": self.cutoff, "statistics": self.statistics, "inelastic": self.inelastic}
        out["dispersion"] = self.dispersion
        if self.dispersion != "debye":
            out |= {o: getattr(self, o) for o in FULL_DISPERSION_OPTIONS}
        return out

    def to_dict(self) -> dict[str, Any]:
        """Every setting, JSON-ready; full-dispersion ones only when they were used."""
        doc: dict[str, Any] = {
            "cutoff": self.cutoff,
            "statistics": self.statistics,
            "inelastic": None if self.inelastic is None else self.inelastic.as_dict(),
            "dispersion": self.dispersion,
        }
        if self.dispersion != "debye":
            doc |= {
                "potential": list(self.potential) if isinstance(self.potential, tuple) else self.potential,
                "calculator": self.calculator,
                "normal": list(self.normal or ()),
                "mesh": list(self.mesh or ()),
                "width": self.width,
                "phonopy_files": list(self.phonopy_files),
            }
        return doc


def _pair_of_paths(value: Any, option: str) -> tuple[str | None, str | None]:
    try:
        files = tuple(None if f is None else os.fspath(f) for f in value)
    except TypeError:
        raise InputError(f"{option} must be a pair of paths (side 1, side 2), got {value!r}") from None
    if len(files) != 2:
        raise InputError(f"{option} must be a pair of paths (side 1, side 2), got {value!r}")
    return files[0], files[1]
