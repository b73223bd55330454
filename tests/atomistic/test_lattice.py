"""One equilibrium lattice constant (SI, m) for full dispersion and the AGF."""

from __future__ import annotations

import ast
import pathlib

import numpy as np
import pytest

import kapitza
from kapitza.atomistic.lattice import equilibrium_lattice_constant
from kapitza.atomistic.potentials import get_potential
from kapitza.errors import InputError
from kapitza.units import ANGSTROM

#: SW silicon: the three-body term vanishes at the tetrahedral angle, so the minimum of E(a) is that of
#: phi_2 at r0 = 2^(1/6) sigma; a = 4 r0 / sqrt(3) = 5.431 A for sigma = 2.0951 A (Stillinger & Weber,
#: Phys. Rev. B 31, 5262 (1985), who chose sigma so that a = 5.431 A).
SW_SI_A = 4 * 2 ** (1 / 6) * 2.0951 / np.sqrt(3) * ANGSTROM


def test_stillinger_weber_silicon_in_metres():
    """Source: Stillinger & Weber 1985 (see SW_SI_A); returned in metres, not angstrom."""
    a = equilibrium_lattice_constant(get_potential("sw", ["Si"]), "Si", cache=False)
    assert a == pytest.approx(SW_SI_A, rel=1e-4)
    assert a == pytest.approx(5.431e-10, rel=1e-4)


def test_full_dispersion_and_agf_get_the_same_number():
    """phonons.crystal_spec (guess: the database value) and the AGF's material resolution (guess: ASE's
    reference) use the one routine and agree to the search tolerance (1e-7 A).

    SW_SI_A is derived above from Stillinger & Weber, Phys. Rev. B 31, 5262 (1985): a = 4 r0/sqrt(3), r0 = 2^(1/6)
    sigma.
    """
    from kapitza.phonons.crystal import crystal_spec
    from kapitza.transmission.agf.force_plans import _resolve_materials

    spec = crystal_spec("Si", "sw")
    _, material, _ = _resolve_materials("Si", "Si", "sw")
    a_agf = material["lattice_constants"][0] * ANGSTROM
    assert a_agf == pytest.approx(spec.lattice_constant, rel=1e-7)
    assert a_agf == pytest.approx(SW_SI_A, rel=1e-4)


def test_minimum_on_the_edge_of_the_search_is_refused():
    """A guess 30 % too small puts the SW minimum outside +-12 %: refused, not the edge value returned."""
    with pytest.raises(InputError, match="no energy minimum"):
        equilibrium_lattice_constant(get_potential("sw", ["Si"]), "Si", "diamond", guess_m=0.7 * SW_SI_A, cache=False)


@pytest.mark.parametrize("guess", [0.0, -5e-10, float("nan")])
def test_bad_guess_is_refused(guess):
    with pytest.raises(
        InputError, match=r"guess_m \(the starting lattice constant\) must be (> 0 m|finite \(m\)), got"
    ):
        equilibrium_lattice_constant(get_potential("sw", ["Si"]), "Si", guess_m=guess, cache=False)


def test_no_twin_and_no_upward_import():
    """The angstrom twin in atomistic/structures.py is gone, and atomistic/ never imports phonons/."""
    import kapitza.atomistic.structures as structures

    assert not hasattr(structures, "equilibrium_lattice_constant")
    root = pathlib.Path(kapitza.__file__).parent / "atomistic"
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                first = module.split(".")[0]  # a sibling named md_potentials is no import of the md package
                assert first not in ("phonons", "transmission", "prediction", "md") or node.level == 0, path
                assert not module.startswith(("kapitza.phonons", "kapitza.transmission")), path
