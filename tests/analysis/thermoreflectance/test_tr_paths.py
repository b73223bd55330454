"""Thermoreflectance files that name other files, and errors that quote a bad line (issue 25, hostile inputs).

* A sample file's ``material = "x.toml"`` reaches only files at or below the sample file's folder
  (:func:`kapitza.io.paths.confined`): ``../``, absolute paths and symbolic links leading elsewhere are refused
  with one line, unless ``read_sample(..., allow_outside=True)`` / ``kapitza tdtr|fdtr ... --allow-outside``.
* An error about a bad line of a data file quotes it through :func:`kapitza.io.paths.excerpt`: short and
  printable for a file named directly, nothing at all for a file read through a symbolic link (a link to a
  passwd-like file must not print its lines).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from kapitza.analysis.thermoreflectance.inputs import read_data, read_sample
from kapitza.errors import InputError
from kapitza.io.paths import EXCERPT_CHARS

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")

MATERIAL = """
[materials.MyAl]
density = 2700.0
v_l = 6420.0
v_t = 3040.0
debye_temperature = 428.0
number_density = 6.026e28
thermal_conductivity = 150.0
"""

SAMPLE = """
[laser]
pump_radius_um = 10.0
probe_radius_um = 5.0
modulation_frequency_mhz = 9.8
[[layer]]
name = "Al"
material = "{spec}"
thickness_nm = 80.0
heat_capacity = 2.42e6
[[layer]]
name = "sub"
heat_capacity = 3.06e6
k = 35.0
[[interface]]
conductance = 1.0e8
"""

# A passwd-like file: its second line must never appear in a message.
SECRET = "root:x:0:0:root:/root:/bin/bash\nsecretuser:x:1000:1000:TOPSECRET-LINE:/home/s:/bin/sh\n"


@pytest.fixture
def tree(tmp_path: Path) -> dict[str, Path]:
    """tmp/outside/{mine.toml, passwd} and tmp/inside/ (the sample's folder)."""
    outside, inside = tmp_path / "outside", tmp_path / "inside"
    outside.mkdir()
    inside.mkdir()
    (outside / "mine.toml").write_text(MATERIAL)
    (outside / "passwd").write_text(SECRET)
    return {"outside": outside, "inside": inside}


def _sample(folder: Path, spec: str) -> Path:
    path = folder / "sample.toml"
    path.write_text(SAMPLE.format(spec=spec))
    return path


@pytest.mark.parametrize("how", ["dotdot", "absolute", "link"])
def test_a_material_file_outside_the_sample_folder_is_refused(tree, how) -> None:
    """``../outside/mine.toml``, its absolute path, and a symbolic link in the sample's folder to it: each is
    refused naming the sample file, the layer and the name as written; with allow_outside=True each is read."""
    target = tree["outside"] / "mine.toml"
    if how == "dotdot":
        spec = "../outside/mine.toml:MyAl"
    elif how == "absolute":
        spec = f"{target}:MyAl"
    else:
        (tree["inside"] / "link.toml").symlink_to(target)
        spec = "link.toml:MyAl"
    path = _sample(tree["inside"], spec)
    with pytest.raises(InputError) as info:
        read_sample(path)
    message = str(info.value)
    assert "\n" not in message
    assert "sample.toml" in message and "[[layer]] 1 ('Al')" in message and "leads outside" in message
    assert repr(spec.split(":MyAl")[0]) in message
    assert ("symbolic link" in message) == (how == "link")
    sample = read_sample(path, allow_outside=True)
    assert sample.layers[0].material == "MyAl" and sample.layers[0].k_z == 150.0


def test_a_material_file_at_or_below_the_sample_folder_is_read(tree) -> None:
    """A material file beside the sample and one in a sub-folder are read without any option."""
    (tree["inside"] / "mine.toml").write_text(MATERIAL)
    (tree["inside"] / "sub").mkdir()
    (tree["inside"] / "sub" / "deep.toml").write_text(MATERIAL)
    for spec in ("mine.toml:MyAl", "sub/deep.toml:MyAl"):
        assert read_sample(_sample(tree["inside"], spec)).layers[0].k_z == 150.0


@pytest.mark.parametrize("mode", ["tdtr", "fdtr"])
def test_cli_refuses_outside_material_and_allow_outside_lets_it(cli, tree, mode) -> None:
    """``kapitza tdtr|fdtr sensitivity SAMPLE``: one line on stderr and exit 2 for ``../`` without the option; the
    same command with ``--allow-outside`` runs (exit 0)."""
    path = _sample(tree["inside"], "../outside/mine.toml:MyAl")
    status, out, err = cli(mode, "sensitivity", path, "--params", "G", "--json")
    assert status == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "leads outside" in err and "--allow-outside" in err
    status, out, err = cli(mode, "sensitivity", path, "--params", "G", "--json", "--allow-outside")
    assert status == 0, err
    assert '"G"' in out


def test_a_data_file_through_a_symlink_to_a_passwd_like_file_is_not_quoted(tree) -> None:
    """A data file that is a symbolic link to a passwd-like file: the error names the file and the line but quotes
    nothing of it (neither line's text); the same file named directly is quoted, short and printable."""
    link = tree["inside"] / "data.txt"
    link.symlink_to(tree["outside"] / "passwd")
    with pytest.raises(InputError) as info:
        read_data(link)
    message = str(info.value)
    assert "data.txt" in message and "line 2" in message
    assert "TOPSECRET" not in message and "secretuser" not in message and "root:x" not in message
    assert "not quoted" in message and "symbolic link" in message
    with pytest.raises(InputError) as direct:
        read_data(tree["outside"] / "passwd")
    text = str(direct.value)
    assert "secretuser" in text and "TOPSECRET-LINE" not in text  # cut to the excerpt's length
    quoted = re.search(r"name '([^']*)'", text)
    assert quoted is not None and quoted.group(1).startswith("secretuser")
    assert len(quoted.group(1)) <= EXCERPT_CHARS


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("Delay (ps) Ratio\n100 3.0\n200 zzz-SECRET-VALUE\n300 2.0\n", 3),  # a field that is not a number
        ("Delay (ps) Ratio\n100 3.0\nSECRET-TEXT-ROW here\n300 2.0\n", 3),  # a text row among the numbers
        ("Delay (SECRETUNIT) Ratio\n100 3.0\n200 2.5\n300 2.0\n", 1),  # an unknown unit in the header
        ("Title\nDelay (ps) SECRETCOLUMN\n100 3.0\n200 2.5\n300 2.0\n", 2),  # an unknown column name
    ],
    ids=["field", "text-row", "unit", "column"],
)
def test_every_quoting_error_goes_through_the_excerpt(tree, body, line) -> None:
    """Each error that quotes text of the data file: through a link it quotes nothing (the text's secret
    word is absent) but still names the line; named directly it quotes the text."""
    real = tree["outside"] / "bad.txt"
    real.write_text(body)
    link = tree["inside"] / "bad.txt"
    link.symlink_to(real)
    with pytest.raises(InputError) as info:
        read_data(link)
    assert "SECRET" not in str(info.value) and f"line {line}" in str(info.value)
    assert "not quoted" in str(info.value)
    with pytest.raises(InputError) as direct:
        read_data(real)
    assert "SECRET" in str(direct.value)
