"""Issue 62 item 3: the compilation's deposition, surface and notes texts mapped to a few families
(:mod:`kapitza.literature.sample`): every text of the shipped compilation maps (a test that lists the unmapped ones
fails), the rules decide the cases the docs name, and a user's family word is checked with one line."""

from __future__ import annotations

import pytest

from kapitza.errors import InputError
from kapitza.literature import shipped_measurements
from kapitza.literature.sample import (
    DEPOSITIONS,
    SURFACES,
    deposition_family,
    family_option,
    sample_families,
    surface_family,
)


def test_every_text_of_the_compilation_maps_to_a_family():
    data = shipped_measurements()
    unmapped = sorted(
        {d for d, n in zip(data.film_deposition, data.notes) if deposition_family(d, n) is None}
        | {s for s, n in zip(data.surface_treatment, data.notes) if surface_family(s, n) is None}
    )
    assert unmapped == []
    deposition, surface = sample_families(data.film_deposition, data.surface_treatment, data.notes)
    assert set(deposition) <= set(DEPOSITIONS) and set(surface) <= set(SURFACES)
    assert len(deposition) == len(surface) == len(data) == 1330
    # every family is met in the compilation (else its flag could not be learnt)
    assert set(deposition) == set(DEPOSITIONS) and set(surface) == set(SURFACES)


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("e-beam evaporation", "evaporation"),
        ("megnetron sputtering", "sputtering"),  # the compilation's spelling
        ("Solid-source MBE (interfacial-misfit array growth mode)", "epitaxy"),
        ("ALD", "chemical"),
        ("thermally oxidized", "chemical"),
        ("CVD on Cu and transferrd to Au/SiN (graphene); evaporation (Au)", "bonding"),
        ("Surface activated bonding", "bonding"),
        ("exfoliation", "exfoliation"),
        ("Zone-melting by electron beam", "unknown"),
        ("", "unknown"),
    ],
)
def test_deposition_rules(text, family):
    assert deposition_family(text) == family


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("HF dipped, hydrophobic surface", "oxide-removed"),
        ("alcohol clean and then a 30 min plasma clean", "ion-cleaned"),  # the last treatment decides
        ("cleaned in hot HCl:HNO3 for 30 min and H2SO4 for 20 min, exposure to a hydrogen plasma for 30 min",
         "ion-cleaned"),
        ("thermally oxidized Si by annealing H-Si at 850 °C for 3 min in air", "native-oxide"),
        ("annealed in air at 1400 ℃ for 4 h to remove polishing damage", "annealed"),
        ("piranha treated, hydrophilic surface", "native-oxide"),
        ("Cleaned with methanol, acetone,isopropanol, and deionized water.", "solvent-cleaned"),
        ("vacuum-cleaved", "oxide-removed"),
        ("Polyimide (30 nm) coated before depositing metal films", "unknown"),
        ("", "unknown"),
    ],
)  # fmt: skip
def test_surface_rules(text, family):
    assert surface_family(text) == family


def test_notes_speak_where_the_text_is_blank():
    assert surface_family("", "600C anaealing") == "annealed"  # the compilation's spelling
    assert surface_family("", "O plasma") == "ion-cleaned"
    assert surface_family("", "Ti-C, stronger adhesion") == "unknown"  # a note that is no treatment
    assert deposition_family("", "transfer") == "bonding"
    assert deposition_family("e-beam evaporation", "transfer") == "evaporation"  # the text wins over the notes


def test_a_text_no_rule_knows_is_unmapped_and_refused():
    assert deposition_family("grown by magic") is None
    with pytest.raises(InputError, match="1 sample text\\(s\\) map to no family: 'grown by magic'"):
        sample_families(["grown by magic"], [""], [""])


def test_a_users_family_word():
    assert family_option("Epitaxy", DEPOSITIONS, "--deposition") == "epitaxy"
    assert family_option(" ion cleaned ", SURFACES, "--surface") == "ion-cleaned"
    assert family_option("plasma-cleaned", SURFACES, "--surface") == "ion-cleaned"
    assert family_option(None, SURFACES, "--surface") == "unknown"
    with pytest.raises(InputError) as caught:
        family_option("spin-coated", DEPOSITIONS, "--deposition")
    assert str(caught.value) == (
        "--deposition 'spin-coated' is none of the families: evaporation, sputtering, epitaxy, chemical, bonding, "
        "exfoliation, unknown"
    )


def test_the_command_refuses_a_word_outside_the_families(cli):
    status, out, err = cli("predict", "Al", "Si", "-t", "300", "--deposition", "spin-coated")
    assert status == 2 and out == ""
    assert err.strip().startswith("kapitza: error: --deposition 'spin-coated' is none of the families:")
    status, _, err = cli("predict", "Al", "Si", "-t", "300", "--surface", "\x1b[31mred")
    assert status == 2 and "\x1b" not in err.replace("\\x1b", "")
