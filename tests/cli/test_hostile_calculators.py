"""Issue 51, item 1: files name no code, and a factory named on the command line is contained.

Before: an ``agf --config`` TOML's ``calculator = "module:factory"`` was imported and called before anything else
was checked, so a shared config ran code in the reader's process (``os:abort`` dumped core,
``faulthandler:_sigsegv`` segfaulted, ``signal:pause`` hung, ``os:fork`` printed its error twice, ``sys:exit``
ended with status 0 and no output, a module file in the working folder ran under ``python -m kapitza``), importing
``this`` printed on stdout, and ``kapitza.load`` accepted settings naming ``os:abort``.

Now every file route refuses anything but a built-in calculator, in one line naming the file and ``--calculator``,
before anything is imported (a module that leaves a marker file when imported proves it); the command line's
``module:factory`` is still the user's own code, run with its Python-level output held back, any exception
(SystemExit and KeyboardInterrupt included) one line and exit status 2, its signal handlers, mask and timers put
back, and a fork that never returns into kapitza.  The cases that would take the test process down (``os:abort``,
``faulthandler:_sigsegv``, ``signal:pause``, ``os:fork``) are only named through files, or run in a subprocess.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

import kapitza
from kapitza.atomistic.calculators import calculator_source
from kapitza.errors import InputError

SRC = Path(__file__).resolve().parents[2] / "src"
#: What the issue named in files: each would have run (and some ended the process) on the config's first read.
HOSTILE = (
    "os:abort",
    "faulthandler:_sigsegv",
    "signal:pause",
    "os:fork",
    "sys:exit",
    "http.server:test",
    "this:s",
    "OS:Abort",
    "os:abort+d3",
    " os.path:abspath ",
)


def one_line(status: int, err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert status == 2, err
    assert len(lines) == 1 and lines[0].startswith("kapitza: error: "), err
    assert "Traceback" not in err
    return lines[0]


def _kapitza(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m kapitza ARGS`` in ``cwd`` (this checkout's source first on the path), at most two minutes."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    command = [sys.executable, "-m", "kapitza", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def user_module(tmp_path, monkeypatch):
    """``write(body) -> name``: a fresh module of the user's in ``tmp_path``, importable (the folder on sys.path);
    removed from sys.modules after the test."""
    monkeypatch.syspath_prepend(str(tmp_path))
    made: list[str] = []

    def write(body: str) -> str:
        name = f"i51_user_{uuid.uuid4().hex[:10]}"
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(body), encoding="utf-8")
        made.append(name)
        return name

    yield write
    for name in made:
        sys.modules.pop(name, None)


#: A module that leaves a marker file when imported and another when its factory is called.
MARKER_MODULE = """
    from pathlib import Path
    Path(__file__).with_suffix(".imported").write_text("imported")
    def make():
        Path(__file__).with_suffix(".called").write_text("called")
        from ase.calculators.emt import EMT
        return EMT()
"""


# ---- files name no code ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", HOSTILE)
@pytest.mark.parametrize("table", [False, True])
def test_an_agf_config_naming_code_is_refused_when_it_is_read(tmp_path, spec, table):
    """The reader itself refuses (so were the rule to regress, nothing here would call the name: the test process
    is never aborted, crashed or hung by it)."""
    from kapitza.transmission.agf.config import read_config

    config = tmp_path / "shared.toml"
    config.write_text(("[agf]\n" if table else "") + f"calculator = {json.dumps(spec)}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_config(config)
    text = str(info.value)
    assert text.startswith(f"calculator {spec.strip()!r} in config file '{config}' names Python code (module:factory)")
    assert "pass a module:factory with --calculator on the command line" in text and "as python -c would" in text


@pytest.mark.parametrize("spec", ["sys:exit", "this:s", " os.path:abspath ", "OS:Abort"])
def test_the_agf_command_refuses_a_config_naming_code_in_one_line(cli, tmp_path, spec):
    """Through the command, in-process for names that would not harm the test process had they been called."""
    config = tmp_path / "shared.toml"
    config.write_text(f"calculator = {json.dumps(spec)}\n", encoding="utf-8")
    status, out, err = cli("agf", "Si", "Ge", "--config", config)
    line = one_line(status, err)
    assert f"in config file '{config}' names Python code (module:factory)" in line and out == ""


@pytest.mark.parametrize("spec", ["os:abort", "faulthandler:_sigsegv"])
def test_a_config_naming_an_abort_or_a_segfault_is_one_line_and_status_2(tmp_path, spec):
    """Through ``python -m kapitza`` in a subprocess: before, these dumped core (status -6 and -11)."""
    (tmp_path / "shared.toml").write_text(f'calculator = "{spec}"\n', encoding="utf-8")
    done = _kapitza(tmp_path, "agf", "Si", "Ge", "--config", "shared.toml")
    line = one_line(done.returncode, done.stderr)
    assert f"calculator '{spec}' in config file 'shared.toml' names Python code" in line and done.stdout == ""


def test_a_module_a_config_names_is_never_imported(cli, tmp_path, user_module):
    """The refusal comes before the import: the module's body never runs (no marker), nor its factory."""
    name = user_module(MARKER_MODULE)
    config = tmp_path / "run.toml"
    config.write_text(f'calculator = "{name}:make"\nkpoints = 2\n', encoding="utf-8")
    line = one_line(*cli("agf", "Si", "Ge", "--config", config)[::2])
    assert f"calculator '{name}:make' in config file" in line
    assert name not in sys.modules
    assert not list(tmp_path.glob("*.imported")) and not list(tmp_path.glob("*.called"))


def test_a_module_in_the_working_folder_named_by_a_config_does_not_run_under_python_m(tmp_path):
    """``python -m kapitza`` puts the working folder first on sys.path; a module file there that a config names
    ran (its body and its factory wrote files).  A subprocess: the working folder is the point."""
    (tmp_path / "evil_i51.py").write_text(textwrap.dedent(MARKER_MODULE), encoding="utf-8")
    (tmp_path / "run.toml").write_text('calculator = "evil_i51:make"\n', encoding="utf-8")
    done = _kapitza(tmp_path, "agf", "Si", "Ge", "--config", "run.toml")
    line = one_line(done.returncode, done.stderr)
    assert "'evil_i51:make' in config file 'run.toml' names Python code" in line and done.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil_i51.py", "run.toml"]


def test_a_config_naming_an_unknown_calculator_says_what_a_file_may_name(cli, tmp_path):
    config = tmp_path / "run.toml"
    config.write_text('calculator = "mace"\n', encoding="utf-8")
    line = one_line(*cli("agf", "Si", "Ge", "--config", config)[::2])
    assert "calculator 'mace' in config file" in line and "is not a built-in calculator" in line
    assert "chgnet, chgnet-r2scan, sevennet, sevennet-l3i5, each with or without '+d3'" in line


def test_a_config_may_name_a_builtin_and_the_command_line_a_factory():
    """The rule is about where a name comes from: a config's built-in passes (normalised), and the command line's
    --calculator over a config is the user's own (AGFConfig.updated is how the command merges them)."""
    from kapitza.transmission.agf.config import config_from_mapping

    cfg = config_from_mapping({"calculator": " SevenNet-L3i5 +D3"}, "config file 'run.toml'")
    assert cfg.calculator == "sevennet-l3i5+d3"
    assert cfg.updated(calculator="mlip_factories:emt").calculator == "mlip_factories:emt"


@pytest.fixture(scope="module")
def saved_phonopy(tmp_path_factory):
    """A saved ConductanceResult (Debye, fast), its JSON turned into one whose settings name a calculator."""
    path = kapitza.prediction.predict_model("Al", "Si", [100.0, 300.0]).save(
        tmp_path_factory.mktemp("saved") / "r.json"
    )
    return json.loads(path.read_text(encoding="utf-8"))


def _with_calculator(document: dict, calculator: str, folder: Path) -> Path:
    doc = json.loads(json.dumps(document))
    doc["result"]["settings"].update({"dispersion": "phonopy", "calculator": calculator})
    path = folder / "r.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize("spec", ["os:abort", "sys:exit", "mlip_factories:emt", "os:abort+d3"])
def test_a_saved_result_whose_settings_name_code_is_refused_on_load(saved_phonopy, tmp_path, spec):
    """The choice made: refused, not loaded as provenance.  Settings.options() hands the calculator to
    kapitza.predict, which imports and calls it, so a loaded Settings may hold a built-in name only; a result of
    the user's own calculator is not loaded back (its JSON stays readable as JSON)."""
    path = _with_calculator(saved_phonopy, spec, tmp_path)
    with pytest.raises(InputError) as info:
        kapitza.load(path)
    text = str(info.value)
    assert text.startswith(f"{str(path)!r}: calculator ") and "in a saved result's settings names Python code" in text
    assert "\n" not in text


def test_a_saved_result_naming_a_builtin_loads_and_reruns_with_it(saved_phonopy, tmp_path):
    path = _with_calculator(saved_phonopy, "CHGNet+D3", tmp_path)
    loaded = kapitza.load(path)
    assert loaded.settings.calculator == "chgnet+d3" and loaded.settings.options()["calculator"] == "chgnet+d3"


def _toml_reader(kind: str):
    """The reader of one kind of TOML file a user may share, as ``read(path)``."""
    import tomllib

    from kapitza.devices.stack_file import read_stack
    from kapitza.md.campaign import load_campaign
    from kapitza.md.emd import EmdConfig
    from kapitza.md.nemd import NemdConfig
    from kapitza.transmission.agf.config import read_config

    return {
        "agf config": read_config,
        "nemd config": lambda p: NemdConfig.from_mapping(tomllib.loads(p.read_text()), str(p)),
        "emd config": lambda p: EmdConfig.from_mapping(tomllib.loads(p.read_text()), str(p)),
        "campaign file": load_campaign,
        "stack file": read_stack,
    }[kind]


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("agf config", '[agf]\ncalculator = "os:abort"\n'),
        ("nemd config", 'temperature = 300.0\ncalculator = "os:abort"\n'),
        ("emd config", 'temperature = 300.0\n[emd]\ncalculator = "os:abort"\n'),
        ("campaign file", '[campaign]\ncalculator = "os:abort"\n[base]\ntemperature = 300.0\n'),
        ("campaign file", 'calculator = "os:abort"\n[base]\ntemperature = 300.0\n'),
        ("campaign file", '[base]\ntemperature = 300.0\ncalculator = "os:abort"\n[series]\nseed = [1, 2]\n'),
        ("stack file", 'calculator = "os:abort"\n[[layer]]\nmaterial = "Si"\nthickness_nm = 100\n'),
    ],
)
def test_no_file_kapitza_reads_takes_a_calculator_that_names_code(tmp_path, kind, text):
    """Every reader of a TOML file a user may share: the AGF config refuses a module:factory by the one rule, the
    others have no calculator key at all and refuse it as an unknown key (issue 51 asked for each)."""
    path = tmp_path / "shared.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        _toml_reader(kind)(path)
    message = str(info.value)
    assert "\n" not in message and "calculator" in message
    assert ("names Python code" if kind == "agf config" else "unknown") in message


# ---- the command line's factory is contained ---------------------------------------------------------------------


COMMANDS = (("agf", "Si", "Ge"), ("predict", "Si", "Ge"), ("phonons", "Si"), ("elastic", "Si"))


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_sys_exit_on_the_command_line_is_one_line_and_status_2(cli, command):
    """sys:exit ended the command with status 0 and no output (SystemExit passes ``except Exception``)."""
    status, out, err = cli(*command, "--calculator", "sys:exit")
    line = one_line(status, err)
    assert (
        line
        == "kapitza: error: calculator 'sys:exit': calling exit() tried to end the process (SystemExit, status None)"
    )
    assert out == ""


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("def make():\n    raise SystemExit(0)\n", "calling make() tried to end the process (SystemExit, status 0)"),
        (
            "def make():\n    raise SystemExit('bye')\n",
            "calling make() tried to end the process (SystemExit, status 'bye')",
        ),
        ("def make():\n    raise KeyboardInterrupt\n", "calling make() was interrupted (KeyboardInterrupt)"),
        ("def make():\n    raise GeneratorExit\n", "calling make() failed: GeneratorExit"),
        ("class Odd(BaseException):\n    pass\ndef make():\n    raise Odd('odd')\n", "calling make() failed: Odd: odd"),
        ("raise SystemExit(3)\n", "tried to end the process (SystemExit, status 3)"),
        ("raise KeyboardInterrupt\n", "was interrupted (KeyboardInterrupt)"),
        ("import no_such_module_i51\n", "no module 'no_such_module_i51' can be imported"),
        ("def __getattr__(name):\n    raise SystemExit(0)\n", "tried to end the process (SystemExit, status 0)"),
        (
            "class Bad(Exception):\n    def __str__(self):\n        raise ValueError\ndef make():\n    raise Bad\n",
            "calling make() failed: Bad",
        ),
        (
            "class Calc:\n    get_forces = None\n    @property\n    def implemented_properties(self):\n"
            "        raise SystemExit(0)\n    def calculate(self):\n        pass\ndef make():\n    return Calc()\n",
            "calling make() tried to end the process (SystemExit, status 0)",
        ),
    ],
)
def test_whatever_the_users_code_raises_is_one_line_and_status_2(cli, user_module, body, words):
    name = user_module(body)
    status, out, err = cli("agf", "Si", "Ge", "--calculator", f"{name}:make")
    line = one_line(status, err)
    assert line.startswith(f"kapitza: error: calculator '{name}:make': ") and words in line
    assert out == ""


def test_what_the_users_code_prints_is_held_back(cli, user_module):
    """Importing ``this`` printed the Zen of Python on stdout: the import's and the factory's prints, on stdout
    and stderr, are held back; the command's own line is all that is left."""
    name = user_module(
        """
        import sys
        print("import on stdout")
        print("import on stderr", file=sys.stderr)
        def make():
            print("factory on stdout")
            sys.stderr.write("factory on stderr\\n")
            return {"not": "a calculator"}
        """
    )
    status, out, err = cli("agf", "Si", "Ge", "--calculator", f"{name}:make")
    line = one_line(status, err)
    assert "returned dict, not an ASE calculator" in line and out == "" and "on std" not in err


def test_the_users_signal_handlers_mask_and_alarm_are_put_back(user_module):
    """A factory that ignores SIGTERM (kapitza's console script turns it into an interrupt), sets a SIGUSR1
    handler, blocks SIGUSR2 and arms a timer: after the call the process is as it was (the timer is long, so a
    failure of the check cannot kill the test process)."""
    name = user_module(
        """
        import signal
        from ase.calculators.emt import EMT
        def make():
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            signal.signal(signal.SIGUSR1, lambda *args: None)
            signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR2])
            signal.setitimer(signal.ITIMER_REAL, 1000.0)
            return EMT()
        """
    )
    watched = (signal.SIGTERM, signal.SIGUSR1, signal.SIGINT)
    before = {s: signal.getsignal(s) for s in watched}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    try:
        source = calculator_source(f"{name}:make")
        assert type(source.calculator()).__name__ == "EMT"
        assert {s: signal.getsignal(s) for s in watched} == before
        assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == mask
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        for s, handler in before.items():
            signal.signal(s, handler)


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(cwd)])}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_os_fork_on_the_command_line_says_its_error_once(tmp_path):
    """The error was printed twice, once by each process.  A subprocess: the factory forks the process."""
    done = _kapitza(tmp_path, "agf", "Si", "Ge", "--calculator", "os:fork")
    line = one_line(done.returncode, done.stderr)
    assert line.endswith(
        "calculator 'os:fork': the factory returned int, not an ASE calculator implementing forces "
        "(get_forces/calculate and 'forces' in implemented_properties)"
    )
    assert done.stdout == ""


def test_a_child_the_factory_forks_never_runs_kapitzas_code(tmp_path):
    """A factory that forks and returns a calculator in both processes: only the parent comes back from
    calculator_source (the child exits at once), so the line after it is printed once.  A subprocess: it forks."""
    (tmp_path / "forker_i51.py").write_text(
        "import os\nfrom ase.calculators.emt import EMT\ndef make():\n    os.fork()\n    return EMT()\n",
        encoding="utf-8",
    )
    done = _python(
        "import os\nfrom kapitza.atomistic.calculators import calculator_source\n"
        "source = calculator_source('forker_i51:make')\nprint('after', os.getpid(), flush=True)\n",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("after "), done.stdout


def test_a_long_or_multiline_name_is_one_line(cli):
    status, _, err = cli("agf", "Si", "Ge", "--calculator", "m" * 5000 + ":f")
    line = one_line(status, err)
    assert "(5,004 characters)" in line and "a name has at most 300" in line and len(line) < 300
    status, _, err = cli("agf", "Si", "Ge", "--calculator", "os\n:abort")
    assert "expected a built-in name" in one_line(status, err)
