"""Issue 25: output destinations, files that name other files, and error messages that quote a file.

* ``phonons --plot`` onto a folder ended in an IsADirectoryError traceback; every --plot/--csv destination of
  these commands is now checked before the work: a folder, a missing parent, a file as parent, /proc.
* A stack file, a run config (``run_dir``) and a campaign (``folder``) could name any path (``../``, absolute,
  a symbolic link elsewhere); now :func:`kapitza.io.paths.confined` keeps them at or below the file's folder
  unless the user named the path on the command line or passed ``--allow-outside``; campaign ``workers`` is
  bounded (:data:`kapitza.md.campaign.MAX_WORKERS`).
* An error quoting a bad line printed the second line of /etc/passwd through a symbolic link; now nothing of a
  file reached through a link is quoted, and a direct file's excerpt is short and printable only.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from kapitza.cli.common import load_run_config, read_table
from kapitza.errors import InputError
from kapitza.io.lammps_dump import read_frames
from kapitza.io.paths import EXCERPT_CHARS, confined, excerpt

SECRET = "s3cret-password-line:x:0:0"
MATERIAL = """[materials.Mine]
density = 2700.0
v_l = 6420.0
v_t = 3040.0
debye_temperature = 428.0
number_density = 6.02e28
"""


def one_line(status: int, err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert status == 2 and len(lines) == 1 and lines[0].startswith("kapitza: error: "), err
    assert "Traceback" not in err
    return lines[0]


# ---- item 4: destinations ------------------------------------------------------------------------------------

COMMANDS = {
    "phonons": ("phonons", "Si", "--quiet", "--plot"),
    "predict --plot": ("predict", "Al", "Si", "--plot"),
    "stack": ("stack", "{stack}", "--plot"),
    "device film": ("device", "film", "--film", "Al", "--substrate", "Si", "--plot"),
    "device pcm": ("device", "pcm", "--plot"),
    "device cryogenic": ("device", "cryogenic", "--plot"),
    "device hotspot": ("device", "hotspot", "--layer", "160:2um", "--width", "1um", "--power", "1W/mm", "--plot"),
    "device superlattice": (
        "device",
        "superlattice",
        "--ka",
        "1",
        "--kb",
        "2",
        "--da",
        "5",
        "--db",
        "5",
        "-R",
        "1e-9",
        "--plot",
    ),  # fmt: skip
    "md modes": ("md", "modes", "{tmp}", "--plot"),
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("where", ["folder", "missing-parent", "file-as-parent", "proc"])
def test_every_plot_destination_is_checked_before_the_work(cli, tmp_path, command, where):
    """Before: ``phonons --plot DIR.png`` ended in IsADirectoryError; now one line naming --plot."""
    (tmp_path / "folder.png").mkdir()
    (tmp_path / "file.txt").write_text("x")
    stack = tmp_path / "s.toml"
    stack.write_text("heat_flux = 1e8\nsink_temperature = 300.0\n[[layer]]\nconductivity = 1.0\nthickness_nm = 5\n")
    target = {
        "folder": tmp_path / "folder.png",
        "missing-parent": tmp_path / "nowhere" / "g.png",
        "file-as-parent": tmp_path / "file.txt" / "g.png",
        "proc": Path("/proc/kapitza-test.png"),
    }[where]
    args = [a.format(stack=stack, tmp=tmp_path) for a in COMMANDS[command]]
    start = time.perf_counter()
    line = one_line(*cli(*args, target)[::2])
    assert "--plot" in line and str(target) in line
    assert time.perf_counter() - start < 10.0  # refused before any model runs
    assert not any(tmp_path.glob("nowhere")) and sorted(p.name for p in tmp_path.iterdir()) == [
        "file.txt",
        "folder.png",
        "s.toml",
    ]


def test_predict_csv_onto_a_folder(cli, tmp_path):
    (tmp_path / "out.csv").mkdir()
    assert "--csv" in one_line(*cli("predict", "Al", "Si", "--csv", tmp_path / "out.csv")[::2])


# ---- item 6: files naming other files ------------------------------------------------------------------------


@pytest.fixture
def two_folders(tmp_path):
    inside, outside = tmp_path / "inside", tmp_path / "outside"
    inside.mkdir()
    outside.mkdir()
    (outside / "mine.toml").write_text(MATERIAL)
    (inside / "mine.toml").write_text(MATERIAL)
    os.symlink(outside / "mine.toml", inside / "link.toml")
    return inside, outside


def _stack(folder: Path, material: str) -> Path:
    path = folder / "stack.toml"
    path.write_text(
        "heat_flux = 1e6\nsink_temperature = 300.0\n"
        f'[[layer]]\nmaterial = "{material}"\nconductivity = 100.0\nthickness_nm = 100\n'
        '[[layer]]\nmaterial = "Si"\nthickness_um = 1\n[[interface]]\nresistance = 1e-9\n'
    )
    return path


@pytest.mark.parametrize("name", ["../outside/mine.toml", "{outside}/mine.toml", "link.toml", "../outside/x.json#G"])
def test_a_stack_file_names_files_only_below_its_folder(cli, two_folders, name):
    inside, outside = two_folders
    spec = name.format(outside=outside)
    path = _stack(inside, spec)
    if spec.endswith("#G"):  # a result file as the interface resistance
        path.write_text(path.read_text().replace("resistance = 1e-9", f'resistance = "{spec}"'))
        path.write_text(path.read_text().replace(f'material = "{spec}"\n', ""))
    line = one_line(*cli("stack", path)[::2])
    assert "leads outside" in line and "--allow-outside" in line and repr(spec.split("#")[0]) in line


def test_allow_outside_and_a_file_inside_are_accepted(cli, two_folders):
    inside, _ = two_folders
    status, _, err = cli("stack", _stack(inside, "mine.toml"))
    assert status == 0, err
    status, _, err = cli("stack", _stack(inside, "../outside/mine.toml"), "--allow-outside")
    assert status == 0, err


def _config(folder: Path, run_dir: str) -> Path:
    path = folder / "run.toml"
    path.write_text(f'potential = "lj/cut"\nrun_dir = "{run_dir}"\n')
    return path


@pytest.mark.parametrize("run_dir", ["../elsewhere", "/tmp/kapitza-elsewhere", "sub/../../x"])
def test_a_config_run_dir_stays_below_the_config(tmp_path, run_dir):
    folder = tmp_path / "configs"
    folder.mkdir()
    with pytest.raises(InputError, match="run_dir in run.toml .* leads outside"):
        load_run_config(_config(folder, run_dir), None, lambda data, where: data)
    # named on the command line (--run-dir), or allowed: the user's choice
    assert load_run_config(_config(folder, run_dir), tmp_path / "x", lambda d, w: d)[1] == tmp_path / "x"
    assert load_run_config(_config(folder, run_dir), None, lambda d, w: d, allow_outside=True)[1].name


def test_a_config_run_dir_below_the_config_is_kept(tmp_path):
    _, run_dir = load_run_config(_config(tmp_path, "runs/a"), None, lambda data, where: data)
    assert run_dir == tmp_path / "runs" / "a"


CAMPAIGN = '[campaign]\n{line}\n[base]\npotential = "lj/cut"\n[series]\ncells_a = [5, 6]\n'


@pytest.mark.parametrize(
    "line, message",
    [
        ('folder = "../elsewhere"', "leads outside"),
        ('folder = "/tmp/kapitza-campaign"', "leads outside"),
        ("workers = 100000", "at most 256"),
    ],
)
def test_a_campaign_folder_and_workers_are_bounded(tmp_path, line, message):
    from kapitza.md.campaign import load_campaign

    path = tmp_path / "series.toml"
    path.write_text(CAMPAIGN.format(line=line))
    with pytest.raises(InputError, match=message):
        load_campaign(path)


def test_confined_follows_links_and_keeps_the_users_spelling(two_folders):
    inside, outside = two_folders
    assert confined("mine.toml", inside, "x") == inside / "mine.toml"
    assert confined("sub/new", inside, "x") == inside / "sub" / "new"  # need not exist yet
    with pytest.raises(InputError, match="through a symbolic link"):
        confined("link.toml", inside, "x")
    assert confined("link.toml", inside, "x", allow_outside=True) == inside / "link.toml"


# ---- item 7: no echo of another file -------------------------------------------------------------------------


@pytest.fixture
def secret_link(tmp_path):
    secret = tmp_path / "private" / "passwd"
    secret.parent.mkdir()
    secret.write_text(f"root:x:0:0\n{SECRET}\n")
    data = tmp_path / "data"
    data.mkdir()
    os.symlink(secret, data / "g.txt")
    return data / "g.txt"


def test_a_table_through_a_link_is_never_quoted(cli, secret_link):
    """Before: the error quoted the line (the hostile review saw /etc/passwd's second line)."""
    line = one_line(*cli("fit", "power-law", secret_link)[::2])
    assert "line 1" in line and "not quoted" in line
    assert "root:x" not in line and SECRET not in line and "s3cret" not in line


def test_a_dump_through_a_link_is_never_quoted(secret_link):
    with pytest.raises(InputError) as info:
        read_frames(secret_link)
    assert "not quoted" in str(info.value) and "root:x" not in str(info.value)


def test_a_direct_file_is_quoted_short_and_printable(tmp_path):
    path = tmp_path / "g.txt"
    path.write_bytes(b"1 2\n3 \x1b[31mred-and-a-very-long-tail-of-text-that-goes-on\n")
    with pytest.raises(InputError) as info:
        read_table(path, 2, "G(T)")
    message = str(info.value)
    assert "line 2" in message and "\x1b" not in message and "goes-on" not in message
    quoted = message.split(" in ", 1)[1]
    assert len(quoted) <= EXCERPT_CHARS + 2  # the quotes
    assert excerpt(path, "a\tb\x00c") == repr("a?b?c")


def test_a_dump_claiming_1e12_atoms_ends_at_once(tmp_path):
    """The reader stopped only after reading as many lines as the header claimed (1e12: a hang)."""
    path = tmp_path / "huge.dump"
    path.write_text(
        "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n1000000000000\nITEM: BOX BOUNDS pp pp pp\n"
        "0 1\n0 1\n0 1\nITEM: ATOMS id vx vy vz\n1 0 0 0\n"
    )
    start = time.perf_counter()
    with pytest.raises(InputError, match="ends inside a frame"):
        read_frames(path)
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("reader", ["profile", "eels", "measurements"])
def test_profile_eels_and_measurement_readers_never_quote_through_a_link(tmp_path, reader):
    """The profile, EELS text and measurement-table readers quote a bad line only through io.paths.excerpt."""
    from kapitza.analysis import read_profile
    from kapitza.analysis.eels.read import read_eels
    from kapitza.literature.measurements import load_measurements

    secret = tmp_path / "private" / "passwd"
    secret.parent.mkdir()
    # good lines first, so that the secret line is the bad one (the readers take a header before data)
    from kapitza.literature.measurements import REQUIRED_COLUMNS

    # good lines first and the secret in a number's place, so that the secret line is the bad one and would be
    # quoted (before io.paths.excerpt each reader quoted it)
    columns = ",".join(REQUIRED_COLUMNS)
    number_at = REQUIRED_COLUMNS.index("conductance_w_m2k")
    row = ["x"] * len(REQUIRED_COLUMNS)
    row[number_at] = SECRET.replace(",", "")
    text = {
        "profile": f"1 300\n2 301\n{SECRET} 7\n",
        "eels": f"1,2\n3,4\n{SECRET},7\n",
        "measurements": f"{columns}\n{','.join(row)}\n",
    }[reader]
    secret.write_text(text)
    name = {"profile": "p.profile", "eels": "s.csv", "measurements": "m.csv"}[reader]
    link = tmp_path / "data" / name
    link.parent.mkdir()
    os.symlink(secret, link)
    call = {"profile": read_profile, "eels": read_eels, "measurements": load_measurements}[reader]
    with pytest.raises(InputError) as info:
        call(link)
    message = str(info.value)
    assert SECRET not in message and "s3cret" not in message
