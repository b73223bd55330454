def test_id_ranges_are_compact_lammps_ranges():
    from kapitza.atomistic.lammps import id_ranges

    assert id_ranges((1, 2, 3, 7, 9, 10)) == "1:3 7 9:10"
    assert id_ranges([5]) == "5"
