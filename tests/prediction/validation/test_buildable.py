"""Which measured pairs the AGF's crystal route builds (``prediction.buildable``): the commensurate-cell search on
made-up lattices with known answers, the planes the compilation names, every bare row listed with one reason, and
bad inputs."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kapitza.errors import InputError


def _square(a: float) -> np.ndarray:
    return np.array([[a, 0.0], [0.0, a]])


@pytest.mark.reference
@pytest.mark.parametrize(
    ("a", "b", "atoms"),
    [
        (3.0, 3.0, (1, 1)),  # exact 1:1: one cell of each
        (2.0, 3.0, (9, 4)),  # 3:2: 3 x 3 cells of A (6 A) on 2 x 2 of B (6 A)
        (3.0, 4.0, (16, 9)),  # 4:3: 4 x 4 cells of A (12 A) on 3 x 3 of B (12 A)
    ],
)
def test_the_commensurate_search_finds_the_known_cell_of_made_up_lattices(a, b, atoms):
    """Two square lattices whose constants stand in a ratio p:q coincide, unstrained, in the common square of side
    q a = p b (q^2 cells of A on p^2 of B), the smallest common cell of two square lattices of that ratio (the area
    ratio q^2 / p^2 fixes the cell counts; Zur & McGill, J. Appl. Phys. 55, 378 (1984)).  With B carrying the strain
    and a bound of 0.5 %, no smaller strained cell competes (the nearest for 4:3, 9 cells of A on 5 of B, rotated,
    strains B by 0.62 %)."""
    from kapitza.atomistic.matching import match_lattices

    found = match_lattices(_square(a), _square(b), max_strain=0.005, max_atoms=60, strain_on="b")
    best = found[0]
    assert best.atoms == atoms
    assert best.max_strain < 1e-12
    assert round(abs(np.linalg.det(best.matrix_a))) == atoms[0] and round(abs(np.linalg.det(best.matrix_b))) == atoms[1]
    side = np.sqrt(atoms[0]) * a
    assert best.area_angstrom2 == pytest.approx(side**2, rel=1e-12)


@pytest.mark.reference
def test_a_pair_beyond_the_bounds_says_the_smallest_strain_and_cell_found():
    """Square lattices of 3.0 and 3.24 A (8 % apart; the strain split between the sides as the builder splits it,
    each carrying half the stretch S' that maps B onto A): one cell of each strains A by (3.24/3.0 - 1)/2 = 4.0 %,
    beyond a 3 % bound; within 3 % the smallest common cell is 5 cells of A (side 3 sqrt5 = 6.708 A) on 4 of B
    (6.48 A), B strained by (6.708/6.48 - 1)/2 = 1.76 %; so a cell bound of 4 atoms refuses the pair for its cell
    size (naming the 9-atom cell) and a strain bound of 1 % with that cell bound for its strain, naming the least
    strain within the cell bound (the 1:1 cell, 4.0 %)."""
    from ase import Atoms

    from kapitza.prediction.validation.buildable import match_pair

    def cubic(a: float) -> Atoms:  # simple cubic: one atom a cell, its (001) plane the square lattice of side a
        return Atoms("Po", cell=np.eye(3) * a, pbc=True)

    built = match_pair(cubic(3.0), cubic(3.24), ((0, 0, 1), (0, 0, 1)), max_cell_atoms=20)
    assert built.built and built.cell_atoms == 9 and built.strain == pytest.approx(0.0176, abs=1e-4)
    small = match_pair(cubic(3.0), cubic(3.24), ((0, 0, 1), (0, 0, 1)), max_cell_atoms=4)
    assert not small.built and small.reason == "cell size" and small.cell_atoms == 9
    assert "holds 9 atoms a period, above 4" in small.detail
    tight = match_pair(cubic(3.0), cubic(3.24), ((0, 0, 1), (0, 0, 1)), max_strain=0.01, max_cell_atoms=4)
    assert not tight.built and tight.reason == "strain" and tight.cell_atoms == 2
    assert tight.strain == pytest.approx(0.04, abs=1e-9)
    assert "the least strain within 4 atoms is 4.00 % (2 atoms)" in tight.detail


@pytest.mark.parametrize(
    ("text", "family", "plane"),
    [
        ("Si (100)", "cubic", (0, 0, 1)),
        ("Phosphorus-doped Si (100)", "cubic", (0, 0, 1)),
        ("n-type Si (001)", "cubic", (0, 0, 1)),
        ("Si (010)", "cubic", (0, 0, 1)),
        ("Si (111)", "cubic", (1, 1, 1)),
        ("Single crystal MgO (111)", "cubic", (1, 1, 1)),
        ("sapphire (0001)", "hexagonal", (0, 0, 1)),
        ("sapphire (1120)", "hexagonal", (1, 1, 0)),
        ("c-cut sapphire", "hexagonal", (0, 0, 1)),
        ("c-axis oriented highly ordered pyrolytic graphite", "hexagonal", (0, 0, 1)),
        ("m-plane GaN (100)", "hexagonal", (1, 0, 0)),
        ("GaN (10-10)", "hexagonal", (1, 0, 0)),
        ("GaN (010)", "hexagonal", (0, 1, 0)),
        ("rutile TiO2 (100)", "other", (1, 0, 0)),
        ("Sapphire", "hexagonal", None),
        ("Si (500um)", "cubic", None),
        ("GaN/sapphire", "hexagonal", None),
    ],
)
def test_the_planes_the_compilation_names(text, family, plane):
    """The substrate descriptions of the compilation as written there: Miller indices in parentheses (four-index
    hkil of hexagonal axes written without the bar, i dropped: (10-10) is (100)), c-cut and c-axis; none otherwise.
    (100), (010) and (001) are one plane, (001), only in a cubic crystal (its fourfold axes map them onto each
    other); a hexagonal (100) is the m-plane and a tetragonal (100) the a-face, each its own plane (International
    Tables for Crystallography Vol. A, the point groups m-3m, 6/mmm and 4/mmm)."""
    from kapitza.prediction.validation.buildable import named_plane

    assert named_plane(text, family) == plane


def test_a_hexagonal_substrates_100_is_built_as_its_m_plane():
    """Issue 65 item 4: a paper's "(100)" of a hexagonal substrate is the substrate's own (100), the m-plane; before,
    every three-index (100) was folded to the cube face (001), so a hexagonal substrate was stacked along c.  The
    compilation's row AlN on GaN, its description rewritten "GaN (100)": both sides hexagonal (wurtzite), so the film
    takes the substrate's plane, and the row says (100) on (100); a bad family is refused in one line."""
    from kapitza.literature.crystals import crystal_for
    from kapitza.prediction.validation.buildable import _plans, named_plane

    aln, gan = crystal_for("AlN"), crystal_for("GaN")
    film, substrate, rule = _plans(aln, gan, "GaN (100)")
    assert film == substrate == (1, 0, 0)
    assert "substrate plane named in 'GaN (100)'" in rule and "the substrate's plane (one crystal family)" in rule
    with pytest.raises(InputError, match="family must be one of cubic, hexagonal, other, got 'trigonal'"):
        named_plane("GaN (100)", "trigonal")


def _rows(*pairs: tuple[str, str, str]):
    """The shipped compilation's first bare row of each (film, substrate, substrate description), and one row with an
    interlayer."""
    from kapitza.literature import shipped_measurements

    data = shipped_measurements()
    keep = np.zeros(len(data), dtype=bool)
    for film, substrate, said in pairs:
        match = [i for i in range(len(data)) if not data.interlayer[i] and (data.film[i], data.substrate[i],
                 data.substrate_description[i]) == (film, substrate, said)]  # fmt: skip
        keep[match[0]] = True
    keep[int(np.flatnonzero(data.interlayer)[0])] = True
    return data.select(keep)


def test_every_bare_row_is_listed_once_built_or_with_one_reason():
    """Rows of the compilation with known verdicts: Si on Si (100) and AlN on GaN built (1:1 cells within 3 %),
    Al on Si (111) built on the named (111) plane, Cu on c-cut sapphire too large a cell for 200 atoms a period,
    graphene, an alloy film and amorphous silica left out for their crystals; the row with an interlayer not listed."""
    from kapitza.prediction.validation.buildable import buildable_rows

    data = _rows(("Si", "Ge", "Phosphorus-doped Si (100)"), ("AlN", "GaN", "GaN/sapphire"), ("Al", "Si", "Si (111)"),
                 ("Cu", "Al2O3", ""), ("Au", "gp-C", "Si"), ("AuxCu1-x", "Al2O3", "c-cut sapphire"),
                 ("Au", "a-SiO2", "SiO2 glass"))  # fmt: skip
    found = buildable_rows(measurements=data)
    assert len(found) == 7 and not np.any(np.asarray(data.interlayer)[found.row])
    verdict = {(f, s): (bool(b), r) for f, s, b, r in zip(found.film, found.substrate, found.built, found.reason)}
    assert verdict[("Si", "Ge")] == (True, "")
    assert verdict[("AlN", "GaN")] == (True, "")
    assert verdict[("Al", "Si")] == (True, "")
    assert verdict[("Cu", "Al2O3")] == (False, "cell size")
    assert verdict[("Au", "gp-C")] == (False, "layered")
    assert verdict[("AuxCu1-x", "Al2O3")] == (False, "alloy")
    assert verdict[("Au", "a-SiO2")] == (False, "amorphous")
    k = found.film.index("Al")
    assert found.planes[k] == "111 on 111" and "named in 'Si (111)'" in found.orientation[k]
    k = found.film.index("Si")
    assert found.planes[k] == "001 on 001" and found.cell_atoms[k] == 16
    assert found.strain[k] == pytest.approx(0.0209, abs=1e-3)  # 5.431 against 5.658 A: 4.1 %, half on each side
    assert found.counts() == {"built": 3, "amorphous": 1, "alloy": 1, "layered": 1, "cell size": 1}
    assert found.calculator == ""


def test_the_command_line_lists_the_rows_and_json_is_strict(cli):
    """``kapitza interface buildable``: the count first, then one line per pair; ``--json`` every row."""
    from json_rules import strict_loads

    status, out, err = cli("interface", "buildable", "--max-cell-atoms", "30")
    assert status == 0, err
    first = out.splitlines()[0]
    assert "bare measured rows built" in first and "within 3 % strain and 30 atoms a period" in first
    assert "Al / Si:" in out
    status, out, err = cli("interface", "buildable", "--max-cell-atoms", "30", "--json")
    assert status == 0, err
    doc = strict_loads(out)
    assert doc["max_cell_atoms"] == 30 and len(doc["row"]) == len(doc["reason"]) == sum(doc["counts"].values())
    assert json.dumps(doc)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_strain": 0.0}, "max_strain"),
        ({"max_strain": float("nan")}, "max_strain"),
        ({"max_strain": 0.5}, "max_strain"),
        ({"max_cell_atoms": 0}, "max_cell_atoms"),
        ({"max_cell_atoms": 2.5}, "max_cell_atoms"),
        ({"measurements": "rows.csv"}, "measurements= must be Measurements"),
    ],
)
def test_bad_bounds_are_refused(kwargs, message):
    from kapitza.prediction.validation.buildable import buildable_rows

    with pytest.raises(InputError, match=message):
        buildable_rows(**kwargs)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--max-strain", "2"), "max_strain"),
        (("--max-cell-atoms", "-3"), "max_cell_atoms"),
        (("--calculator", "no-such-potential"), "unknown calculator 'no-such-potential'"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(cli, args, message):
    status, out, err = cli("interface", "buildable", *args)
    assert status == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def _command_option_default(path: tuple[str, ...], option: str):
    """The default of ``option`` of the command at ``path`` as the app registers it (typer's click command)."""
    import typer

    from kapitza.cli.commands import register_all
    from kapitza.cli.root import new_app

    cmd = typer.main.get_command(register_all(new_app()))
    ctx = cmd.context_class(cmd)
    for name in path:
        cmd = cmd.get_command(ctx, name)
    (param,) = [p for p in cmd.params if option in p.opts]
    return param.default


def test_the_agf_and_the_buildable_count_share_one_strain_bound():
    """Issue 65 item 4: a pair that ``kapitza interface buildable`` counts as buildable must be built by
    ``kapitza agf A B --calculator`` at its defaults, so both read one strain bound,
    :data:`kapitza.atomistic.matching.DEFAULT_MAX_STRAIN` (3 %, the bound the compilation's buildable rows and the AGF
    validation were counted and run with; ``kapitza agf`` had 2 % before).  The library defaults, the commands'
    defaults (``kapitza agf``'s None resolves through AGF_DEFAULTS) and one pair between the old and the new bound
    agree: simple cubic lattices of 3.00 and 3.15 A (5 % apart) share the 1:1 cell with each side strained by half the
    stretch, (3.15/3.00 - 1)/2 = 2.5 % (the builder's ``strain_on="both"`` split, module docstring of matching), within
    3 % and beyond 2 %; the buildable count and the stacking at their defaults both take that cell."""
    import inspect

    from ase import Atoms

    from kapitza.atomistic.matching import DEFAULT_MAX_STRAIN, match_lattices
    from kapitza.atomistic.stacking import stack_crystals
    from kapitza.prediction.validation import buildable as buildable
    from kapitza.prediction.validation.agf import agf_validation
    from kapitza.transmission.agf.config import AGF_DEFAULTS
    from kapitza.transmission.agf.run import run_settings

    assert DEFAULT_MAX_STRAIN == 0.03 and buildable.DEFAULT_MAX_STRAIN is DEFAULT_MAX_STRAIN
    library = [match_lattices, stack_crystals, buildable.buildable_rows, buildable.match_pair, agf_validation]
    for f in library:
        assert inspect.signature(f).parameters["max_strain"].default == DEFAULT_MAX_STRAIN, f.__name__
    assert AGF_DEFAULTS.max_strain == DEFAULT_MAX_STRAIN  # run_agf's, from its one record (run_settings)
    assert run_settings(None, {})["max_strain"] == DEFAULT_MAX_STRAIN
    assert _command_option_default(("interface", "buildable"), "--max-strain") == DEFAULT_MAX_STRAIN
    assert _command_option_default(("interface", "build"), "--max-strain") == DEFAULT_MAX_STRAIN
    agf_given = _command_option_default(("agf",), "--max-strain")
    assert AGF_DEFAULTS.updated(max_strain=agf_given).max_strain == DEFAULT_MAX_STRAIN

    def cubic(a: float) -> Atoms:
        return Atoms("Po", cell=np.eye(3) * a, pbc=True)

    counted = buildable.match_pair(cubic(3.0), cubic(3.15), ((0, 0, 1), (0, 0, 1)))
    assert counted.built and counted.cell_atoms == 2 and counted.strain == pytest.approx(0.025, abs=1e-9)
    built = stack_crystals(cubic(3.0), cubic(3.15), cells=(1, 1))
    assert built.description["atoms"] == [1, 1]
    assert max(built.description["max_strain_a"], built.description["max_strain_b"]) == pytest.approx(0.025, abs=1e-9)


def test_the_buildable_count_and_the_bonding_share_one_cell_bound():
    """The buildable list's cell bound (:data:`kapitza.prediction.validation.buildable.DEFAULT_MAX_CELL_ATOMS`, 200
    atoms of one period of each side together) is the bonding's (issue 62 item 2: descriptors for the pairs the list
    builds) and the command's default: one value in three places."""
    import inspect

    from kapitza.prediction import bonding, buildable

    bound = buildable.DEFAULT_MAX_CELL_ATOMS
    for f in (bonding.pair_bonding, bonding.bonding_plan):
        assert inspect.signature(f).parameters["max_cell_atoms"].default == bound, f.__name__
    assert inspect.signature(buildable.buildable_rows).parameters["max_cell_atoms"].default == bound
    assert _command_option_default(("interface", "buildable"), "--max-cell-atoms") == bound
