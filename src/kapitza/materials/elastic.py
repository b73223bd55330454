"""Isotropic (polycrystal) averages of single-crystal elastic constants.

The acoustic mismatch and diffuse mismatch models treat each side of an
interface as an isotropic Debye solid with one longitudinal speed ``v_l`` and
one transverse speed ``v_t``.  For a crystal these come from the
Voigt-Reuss-Hill average of its 6x6 stiffness matrix ``C`` (Voigt notation,
Pa), following R. Hill, Proc. Phys. Soc. A 65, 349 (1952):

Voigt (uniform strain, an upper bound)::

    9 K_V  = (C11 + C22 + C33) + 2 (C12 + C23 + C31)
    15 G_V = (C11 + C22 + C33) - (C12 + C23 + C31) + 3 (C44 + C55 + C66)

Reuss (uniform stress, a lower bound), with the compliance ``S = C^-1``::

    1 / K_R  = (S11 + S22 + S33) + 2 (S12 + S23 + S31)
    15 / G_R = 4 (S11 + S22 + S33) - 4 (S12 + S23 + S31) + 3 (S44 + S55 + S66)

Hill: ``K = (K_V + K_R) / 2`` and ``G = (G_V + G_R) / 2``; then::

    v_l = sqrt((K + 4 G / 3) / rho),    v_t = sqrt(G / rho).

Voigt >= Hill >= Reuss holds for both moduli (Hill 1952); for an isotropic
stiffness all three coincide.

Also here: Born's stability criterion on a tensor (:func:`check_stability`,
:func:`born_stability`), and a computed tensor read in a crystal's terms
(:func:`crystal_symmetry`, :func:`named_constants`, :func:`axis_stiffnesses`).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kapitza.errors import InputError

#: Independent Voigt constants each crystal symmetry needs (C66 optional for
#: hexagonal and trigonal, where it equals (C11 - C12)/2).
SYMMETRY_KEYS: dict[str, tuple[str, ...]] = {
    "isotropic": ("C11", "C44"),
    "cubic": ("C11", "C12", "C44"),
    "hexagonal": ("C11", "C12", "C13", "C33", "C44"),
    "trigonal": ("C11", "C12", "C13", "C14", "C33", "C44"),
}

_OPTIONAL_KEYS: dict[str, tuple[str, ...]] = {
    "isotropic": ("C12",),
    "cubic": (),
    "hexagonal": ("C66",),
    "trigonal": ("C66",),
}


#: Largest |C_ij| accepted, Pa (diamond's C11 is 1.08e12 Pa).
MAX_STIFFNESS = 1e13

#: Born stability criteria per symmetry, in words (equivalent to a positive definite stiffness matrix).
BORN_CRITERIA: dict[str, str] = {
    "isotropic": "C44 > 0 and 3 C11 > 4 C44",
    "cubic": "C11 > |C12|, C11 + 2 C12 > 0, C44 > 0",
    "hexagonal": "C11 > |C12|, C44 > 0, C33 (C11 + C12) > 2 C13^2",
    "trigonal": "C11 > |C12|, C44 > 0, C33 (C11 + C12) > 2 C13^2, C44 (C11 - C12) > 2 C14^2",
}


@dataclass(frozen=True)
class ElasticAverages:
    """Bulk and shear moduli of the three averages, in Pa.

    Attributes
    ----------
    bulk_voigt, bulk_reuss, bulk_hill : float
        Bulk modulus K, Pa.
    shear_voigt, shear_reuss, shear_hill : float
        Shear modulus G, Pa.
    """

    bulk_voigt: float
    bulk_reuss: float
    bulk_hill: float
    shear_voigt: float
    shear_reuss: float
    shear_hill: float


def _check_keys(constants: Mapping[str, float], symmetry: str) -> None:
    """Raise InputError if ``constants`` does not fit ``symmetry``."""
    if not isinstance(symmetry, str) or symmetry not in SYMMETRY_KEYS:
        raise InputError(f"unknown crystal symmetry {symmetry!r}; allowed: {', '.join(SYMMETRY_KEYS)}")
    required = SYMMETRY_KEYS[symmetry]
    allowed = set(required) | set(_OPTIONAL_KEYS[symmetry])
    missing = [k for k in required if k not in constants]
    if missing:
        raise InputError(f"{symmetry} elastic constants need {', '.join(required)}; missing {', '.join(missing)}")
    extra = sorted(set(constants) - allowed)
    if extra:
        raise InputError(
            f"elastic constants {', '.join(extra)} do not belong to {symmetry} symmetry; "
            f"allowed: {', '.join(sorted(allowed))}"
        )
    for key, value in constants.items():
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise InputError(f"elastic constant {key} must be a number, got {value!r}")
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise InputError(f"elastic constant {key} must be finite, got {value}")
        if abs(number) > MAX_STIFFNESS:
            raise InputError(
                f"elastic constant {key} = {number:g} Pa is outside the physical range "
                f"-{MAX_STIFFNESS:g} to {MAX_STIFFNESS:g} Pa"
            )


def check_stability(stiffness: ArrayLike, symmetry: str) -> None:
    """Refuse a mechanically unstable crystal: the stiffness matrix must be positive definite.

    For each symmetry this is the set of Born criteria in :data:`BORN_CRITERIA`
    (M. Born and K. Huang, Dynamical Theory of Crystal Lattices (1954);
    F. Mouhat and F.-X. Coudert, Phys. Rev. B 90, 224104 (2014)).

    Parameters
    ----------
    stiffness : ArrayLike
        Stiffness matrix C in Voigt notation, Pa, shape (6, 6).
    symmetry : str
        Named in the message, with its criteria.

    Raises
    ------
    InputError
        The smallest eigenvalue of C is not positive.
    """
    c = np.asarray(stiffness, dtype=float)
    smallest = float(np.linalg.eigvalsh(c)[0])
    if not smallest > 0.0:
        criteria = BORN_CRITERIA.get(symmetry, "a positive definite stiffness matrix")
        raise InputError(
            f"the {symmetry} elastic constants are mechanically unstable (Born criteria: {criteria}); "
            f"smallest eigenvalue of the stiffness matrix {smallest / 1e9:.4g} GPa"
        )


def born_stability(c: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
    """The smallest eigenvalue of a Voigt elastic tensor and its strain direction: the crystal is elastically
    stable exactly when it is positive (the tensor positive definite; F. Mouhat and F.-X. Coudert, Phys. Rev. B 90,
    224104 (2014), the necessary and sufficient form of Born's criterion).  The Voigt shear components are scaled
    by sqrt(2) first (Mandel's form), so that the eigenvalues are those of the fourth-rank tensor; a congruence, so
    the sign is :func:`check_stability`'s (which states the unscaled Voigt eigenvalue of a database record).  Any
    unit in, the same out."""
    scale = np.array([1.0, 1.0, 1.0, np.sqrt(2.0), np.sqrt(2.0), np.sqrt(2.0)])
    values, vectors = np.linalg.eigh(np.asarray(c, dtype=float) * np.outer(scale, scale))
    return float(values[0]), vectors[:, 0]


def voigt_matrix(constants: Mapping[str, float], symmetry: str) -> NDArray[np.float64]:
    """Build the 6x6 stiffness matrix from its independent Voigt constants.

    Parameters
    ----------
    constants : Mapping[str, float]
        Voigt constants in Pa, keyed "C11", "C12", "C13", "C14", "C33", "C44",
        "C66" as the symmetry needs (see :data:`SYMMETRY_KEYS`).  For
        "isotropic", C12 defaults to C11 - 2 C44; for "hexagonal" and
        "trigonal", C66 is (C11 - C12)/2 by symmetry; a measured C66, if given,
        must agree with it within 2 % (it is then only checked, not used).
    symmetry : str
        "cubic", "hexagonal", "trigonal" (point groups 32, 3m, -3m with the
        x axis along a twofold axis: C14 terms, C15 = 0), or "isotropic".

    Returns
    -------
    NDArray[np.float64]
        Stiffness matrix C, Pa, shape (6, 6), symmetric.

    Raises
    ------
    InputError
        Unknown symmetry, missing or extra constants, non-finite values, or a
        C66 that contradicts (C11 - C12)/2 by more than 2 %.
    """
    _check_keys(constants, symmetry)
    c = {k: float(v) for k, v in constants.items()}
    m = np.zeros((6, 6))
    if symmetry in ("isotropic", "cubic"):
        c11, c44 = c["C11"], c["C44"]
        c12 = c["C12"] if "C12" in c else c11 - 2.0 * c44
        if symmetry == "isotropic" and not math.isclose(c12, c11 - 2.0 * c44, rel_tol=1e-9):
            raise InputError(f"isotropic stiffness needs C12 = C11 - 2 C44 = {c11 - 2.0 * c44!r} Pa; got {c12!r}")
        m[:3, :3] = c12
        m[[0, 1, 2], [0, 1, 2]] = c11
        m[[3, 4, 5], [3, 4, 5]] = c44
        return m
    c11, c12, c13, c33, c44 = c["C11"], c["C12"], c["C13"], c["C33"], c["C44"]
    c66 = 0.5 * (c11 - c12)
    if "C66" in c and not math.isclose(c["C66"], c66, rel_tol=0.02):
        raise InputError(f"{symmetry} symmetry requires C66 = (C11 - C12)/2 = {c66!r} Pa; got C66 = {c['C66']!r}")
    m[0, 0] = m[1, 1] = c11
    m[2, 2] = c33
    m[0, 1] = m[1, 0] = c12
    m[0, 2] = m[2, 0] = m[1, 2] = m[2, 1] = c13
    m[3, 3] = m[4, 4] = c44
    m[5, 5] = c66
    if symmetry == "trigonal":
        c14 = c["C14"]
        m[0, 3] = m[3, 0] = c14
        m[1, 3] = m[3, 1] = -c14
        m[4, 5] = m[5, 4] = c14
    return m


def _as_stiffness(stiffness: ArrayLike) -> NDArray[np.float64]:
    """Validate a 6x6 stiffness matrix (symmetric, finite, positive definite)."""
    c = np.asarray(stiffness, dtype=float)
    if c.shape != (6, 6):
        raise InputError(f"stiffness must have shape (6, 6); got {c.shape}")
    if not np.all(np.isfinite(c)):
        raise InputError("stiffness must be finite; it holds NaN or inf")
    scale = float(np.max(np.abs(c)))
    if scale == 0.0 or not np.allclose(c, c.T, rtol=0.0, atol=1e-9 * scale):
        raise InputError("stiffness must be a non-zero symmetric 6x6 matrix")
    eigenvalues = np.linalg.eigvalsh(c)
    if eigenvalues[0] <= 0.0:
        raise InputError(
            "stiffness is not positive definite (the crystal would be mechanically "
            f"unstable); smallest eigenvalue {eigenvalues[0]:.4g} Pa"
        )
    return c


def voigt_reuss_hill(stiffness: ArrayLike) -> ElasticAverages:
    """Voigt, Reuss and Hill bulk and shear moduli of a stiffness matrix.

    Parameters
    ----------
    stiffness : ArrayLike
        Stiffness matrix C in Voigt notation, Pa, shape (6, 6); symmetric and
        positive definite.

    Returns
    -------
    ElasticAverages
        K and G for the three averages, Pa.
    """
    c = _as_stiffness(stiffness)
    s = np.linalg.inv(c)
    d = np.arange(3)
    a_c, b_c, c_c = c[d, d].sum(), c[0, 1] + c[1, 2] + c[2, 0], c[d + 3, d + 3].sum()
    a_s, b_s, c_s = s[d, d].sum(), s[0, 1] + s[1, 2] + s[2, 0], s[d + 3, d + 3].sum()
    k_v = (a_c + 2.0 * b_c) / 9.0
    g_v = (a_c - b_c + 3.0 * c_c) / 15.0
    k_r = 1.0 / (a_s + 2.0 * b_s)
    g_r = 15.0 / (4.0 * a_s - 4.0 * b_s + 3.0 * c_s)
    return ElasticAverages(
        bulk_voigt=float(k_v),
        bulk_reuss=float(k_r),
        bulk_hill=float(0.5 * (k_v + k_r)),
        shear_voigt=float(g_v),
        shear_reuss=float(g_r),
        shear_hill=float(0.5 * (g_v + g_r)),
    )


def sound_speeds(bulk: float, shear: float, density: float) -> tuple[float, float]:
    """Isotropic longitudinal and transverse sound speeds.

    Parameters
    ----------
    bulk : float
        Bulk modulus K, Pa.
    shear : float
        Shear modulus G, Pa.
    density : float
        Mass density rho, kg m^-3.

    Returns
    -------
    tuple[float, float]
        ``(v_l, v_t)`` in m/s: v_l = sqrt((K + 4G/3)/rho), v_t = sqrt(G/rho).
    """
    if not (math.isfinite(density) and density > 0.0):
        raise InputError(f"density must be a finite positive number in kg m^-3; got {density!r}")
    if not (math.isfinite(bulk) and math.isfinite(shear) and bulk > 0.0 and shear > 0.0):
        raise InputError(f"bulk and shear moduli must be positive, got K={bulk!r}, G={shear!r} Pa")
    return math.sqrt((bulk + 4.0 * shear / 3.0) / density), math.sqrt(shear / density)


def hill_sound_speeds(stiffness: ArrayLike, density: float) -> tuple[float, float]:
    """Voigt-Reuss-Hill isotropic sound speeds of a crystal.

    Parameters
    ----------
    stiffness : ArrayLike
        Stiffness matrix C in Voigt notation, Pa, shape (6, 6).
    density : float
        Mass density, kg m^-3.

    Returns
    -------
    tuple[float, float]
        ``(v_l, v_t)`` in m/s from the Hill moduli (see the module docstring;
        Hill, Proc. Phys. Soc. A 65, 349 (1952)).

    Examples
    --------
    >>> c = voigt_matrix({"C11": 165.7e9, "C12": 63.9e9, "C44": 79.56e9}, "cubic")
    >>> v_l, v_t = hill_sound_speeds(c, 2329.0)
    >>> round(v_l), round(v_t)
    (8949, 5344)
    """
    averages = voigt_reuss_hill(stiffness)
    return sound_speeds(averages.bulk_hill, averages.shear_hill, density)


#: Voigt index of each pair of Cartesian indices (xx, yy, zz, yz, xz, xy), for the fourth-rank tensor C_ijkl.
_VOIGT = np.array([[0, 5, 4], [5, 1, 3], [4, 3, 2]])


def christoffel_speeds(stiffness: ArrayLike, density: float, directions: ArrayLike) -> NDArray[np.float64]:
    """The three sound speeds of a crystal along each direction, from Christoffel's equation.

    A plane wave along the unit vector n has speeds v with rho v^2 the eigenvalues of the Christoffel matrix
    ``Gamma_ik = C_ijkl n_j n_l`` (E. B. Christoffel, Ann. Mat. Pura Appl. 8, 193 (1877); B. A. Auld, Acoustic
    Fields and Waves in Solids, vol. 1, ch. 7 (1973)).

    Parameters
    ----------
    stiffness : ArrayLike
        Stiffness matrix C in Voigt notation, Pa, shape (6, 6); symmetric and positive definite.
    density : float
        Mass density, kg m^-3.
    directions : ArrayLike
        Directions of propagation in the tensor's Cartesian frame, shape (n, 3) (normalised here).

    Returns
    -------
    NDArray[np.float64]
        Speeds in m/s, shape (n, 3), ascending along each direction (the two slower mostly transverse, the fastest
        mostly longitudinal).
    """
    c = _as_stiffness(stiffness)
    if not (isinstance(density, numbers.Real) and math.isfinite(density) and density > 0.0):
        raise InputError(f"density must be a finite positive number in kg m^-3; got {density!r}")
    n = np.asarray(directions, dtype=float)
    if n.ndim != 2 or n.shape[1] != 3 or n.shape[0] == 0 or not np.all(np.isfinite(n)):
        raise InputError(f"directions must be finite vectors, shape (n, 3); got shape {n.shape}")
    norm = np.linalg.norm(n, axis=1)
    if not np.all(norm > 0.0):
        raise InputError("directions must be non-zero vectors")
    n = n / norm[:, None]
    tensor = c[_VOIGT[:, :, None, None], _VOIGT[None, None, :, :]]  # C_ijkl, shape (3, 3, 3, 3)
    gamma = np.einsum("ijkl,nj,nl->nik", tensor, n, n)
    return np.sqrt(np.linalg.eigvalsh(gamma) / float(density))


def debye_christoffel_speeds(stiffness: ArrayLike, density: float, directions: ArrayLike) -> tuple[float, float]:
    """Isotropic (v_l, v_t) in m/s of a crystal's long waves: the Debye-equivalent averages over ``directions``
    (nearly uniform on the sphere) of its Christoffel speeds (:func:`christoffel_speeds`).

    Each acoustic branch of an anisotropic continuum has the long-wavelength density of states
    ``D omega^2`` with ``D = <v^-3> / (2 pi^2)``, the average over all directions; an isotropic branch of speed v has
    ``D = 1/(2 pi^2 v^3)``.  So ``v_l = <v_L^-3>^(-1/3)`` (the fastest branch) and ``2/v_t^3 = <v_T1^-3> + <v_T2^-3>``
    (the two others): the definitions of :func:`kapitza.phonons.derived_record.sound_speeds` from a crystal's
    phonons, so that ``3/v_D^3 = 1/v_l^3 + 2/v_t^3`` counts the crystal's own low-temperature density of states.
    For an isotropic stiffness they are exactly ``sqrt(C11/rho)`` and ``sqrt(C44/rho)``.

    Parameters
    ----------
    stiffness : ArrayLike
        Stiffness matrix C in Voigt notation, Pa, shape (6, 6).
    density : float
        Mass density, kg m^-3.
    directions : ArrayLike
        Shape (n, 3), nearly uniform on the unit sphere (a Fibonacci sphere,
        :func:`kapitza.phonons.stability.fibonacci_directions`).
    """
    inverse_cubes = np.mean(christoffel_speeds(stiffness, density, directions) ** -3.0, axis=0)
    v_l = float(inverse_cubes[2] ** (-1.0 / 3.0))
    v_t = float((0.5 * (inverse_cubes[0] + inverse_cubes[1])) ** (-1.0 / 3.0))
    return v_l, v_t


# -- reading a computed tensor in a crystal's terms ------------------------------------------------------------------

#: The stiffnesses rho v^2 of the pure modes along a crystal's axes (Christoffel's equation), per symmetry, each with
#: the wave it sets: cubic [100] gives C11 (longitudinal) and C44, and [110] the shear C' = (C11 - C12)/2; hexagonal
#: and trigonal x give C11 and C66 = (C11 - C12)/2, z gives C33 and C44.
AXIS_STIFFNESSES: Mapping[str, tuple[tuple[str, str], ...]] = {
    "cubic": (("C11", "longitudinal"), ("C44", "shear"), ("C'", "shear")),
    "hexagonal": (("C11", "longitudinal"), ("C33", "longitudinal"), ("C44", "shear"), ("C66", "shear")),
    "trigonal": (("C11", "longitudinal"), ("C33", "longitudinal"), ("C44", "shear"), ("C66", "shear")),
}
#: The tensor elements (0-based Voigt indices) of each independent constant, averaged over the equivalent ones.
_EQUIVALENT: Mapping[str, Mapping[str, tuple[tuple[int, int], ...]]] = {
    "cubic": {
        "C11": ((0, 0), (1, 1), (2, 2)),
        "C12": ((0, 1), (0, 2), (1, 2)),
        "C44": ((3, 3), (4, 4), (5, 5)),
    },
    "hexagonal": {
        "C11": ((0, 0), (1, 1)),
        "C12": ((0, 1),),
        "C13": ((0, 2), (1, 2)),
        "C33": ((2, 2),),
        "C44": ((3, 3), (4, 4)),
    },
}


def crystal_symmetry(spacegroup_number: int) -> str:
    """The symmetry of the elastic tensor of a space group: "cubic" (195-230), "hexagonal" (168-194), "trigonal"
    (143-167; the rhombohedral Laue classes -3m and -3 both have C14 in the standard frame, the second also C15,
    which :func:`named_constants` does not read), or "" for lower symmetry (the full tensor only)."""
    n = int(spacegroup_number)
    if not 1 <= n <= 230:
        raise InputError(f"a space group number is 1 to 230, got {spacegroup_number!r}")
    return "cubic" if n >= 195 else "hexagonal" if n >= 168 else "trigonal" if n >= 143 else ""


def named_constants(c: ArrayLike, symmetry: str) -> dict[str, float]:
    """The independent constants of a Voigt tensor ``c`` given in the crystal's standard frame (cube axes along
    x, y, z; hexagonal and trigonal a along x, c along z), each the mean of its symmetry-equivalent elements; same
    unit as ``c``.  For "trigonal" also C14, as the mean magnitude of C14 and C24 (= -C14): its sign depends on which
    way x points along a twofold axis, a convention a comparison should leave out."""
    tensor = np.asarray(c, dtype=float)
    if tensor.shape != (6, 6):
        raise InputError(f"a Voigt tensor is 6x6, got shape {tensor.shape}")
    if symmetry not in AXIS_STIFFNESSES:
        raise InputError(f"named constants exist for {', '.join(AXIS_STIFFNESSES)} crystals, got {symmetry!r}")
    table = _EQUIVALENT["cubic" if symmetry == "cubic" else "hexagonal"]
    out = {name: float(np.mean([tensor[i, j] for i, j in pairs])) for name, pairs in table.items()}
    if symmetry == "trigonal":
        out["C14"] = float(np.mean([abs(tensor[0, 3]), abs(tensor[1, 3])]))
    return out


def axis_stiffnesses(constants: Mapping[str, float], symmetry: str) -> dict[str, float]:
    """rho v^2 of the pure modes along the crystal's axes (:data:`AXIS_STIFFNESSES`) from its named constants, in
    their unit.

    >>> s = axis_stiffnesses({"C11": 165.7, "C12": 63.9, "C44": 79.56}, "cubic")  # silicon, GPa (McSkimin 1953)
    >>> {k: round(v, 2) for k, v in s.items()}
    {'C11': 165.7, 'C44': 79.56, "C'": 50.9}
    """
    if symmetry not in AXIS_STIFFNESSES:
        raise InputError(f"axis stiffnesses exist for {', '.join(AXIS_STIFFNESSES)} crystals, got {symmetry!r}")
    derived = dict(constants)
    half = (constants["C11"] - constants["C12"]) / 2.0
    derived["C'" if symmetry == "cubic" else "C66"] = half
    return {name: float(derived[name]) for name, _ in AXIS_STIFFNESSES[symmetry]}
