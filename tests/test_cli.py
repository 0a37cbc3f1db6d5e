"""The ``hamilton-nb`` command line: run, view, validate, version, help and exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hamilton_nb import __version__
from hamilton_nb.cli import main

FLOW = """\
import pandas as pd


def base(start: int) -> int:
    return start + 1


def doubled(base: int, factor: int = 2) -> int:
    return base * factor


def frame(doubled: int) -> pd.DataFrame:
    return pd.DataFrame({"x": [doubled, doubled + 1]})


def boom(base: int) -> int:
    raise ZeroDivisionError("cannot divide " + str(base))
"""

BAD_EDGES = """\
def a() -> int:
    return 1


def b(a: str) -> str:
    return a


def c(b: int) -> int:
    return b
"""

NO_ANNOTATION = """\
def d(x):
    return x
"""

CONFIGURED = """\
from hamilton_nb.function_modifiers import config


@config.when(mode="fast")
def speed__fast() -> int:
    return 100


@config.when(mode="slow")
def speed__slow() -> int:
    return 1
"""


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write module files named after the test; sys.path and sys.modules restored after."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    made: list[str] = []

    def write(name: str, text: str) -> str:
        path = tmp_path / f"{name}.py"
        path.write_text(text)
        made.append(name)
        return str(path)

    yield write
    for name in made:
        sys.modules.pop(name, None)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_version_and_help(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"hamilton-nb {__version__}"
    for command in ("export", "view", "run", "validate"):
        with pytest.raises(SystemExit) as exit_info:
            main([command, "--help"])
        assert exit_info.value.code == 0
        assert f"usage: hamilton-nb {command}" in capsys.readouterr().out
    assert main([]) == 2
    assert "usage: hamilton-nb" in capsys.readouterr().err


def test_run_prints_json(files, capsys) -> None:
    flow = files("cli_flow_json", FLOW)
    code, out, err = run(
        capsys, "run", flow, "--outputs", "doubled,frame", "--inputs", '{"start": 1, "factor": 5}'
    )
    assert (code, err) == (0, "")
    assert json.loads(out) == {"doubled": 10, "frame": {"x": [10, 11]}}
    assert sys.modules["cli_flow_json"].__file__ == flow  # registered under its stem


def test_run_inputs_from_file_and_table_format(files, tmp_path, capsys) -> None:
    flow = files("cli_flow_table", FLOW)
    inputs = tmp_path / "inputs.json"
    inputs.write_text('{"start": 2}')
    code, out, _ = run(
        capsys,
        "run",
        flow,
        "--outputs",
        "doubled,frame",
        "--inputs",
        f"@{inputs}",
        "--format",
        "table",
    )
    assert code == 0
    assert out.splitlines() == ["doubled  6", "frame:", "       x", "    0  6", "    1  7"]


def test_run_with_config(files, capsys) -> None:
    flow = files("cli_configured", CONFIGURED)
    assert run(capsys, "run", flow, "--outputs", "speed", "--config", '{"mode": "slow"}')[1] == (
        '{\n  "speed": 1\n}\n'
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--outputs", "dubled"], "no node 'dubled' (did you mean 'doubled'?)"),
        (["--outputs", "doubled"], "start"),  # a missing input: named, with the flag to give it
        (["--outputs", "doubled", "--inputs", "{bad"], "--inputs: not valid JSON"),
        (["--outputs", "doubled", "--inputs", "[1]"], "expected a JSON object, got list"),
        (["--outputs", "doubled", "--inputs", "@/no/such.json"], "cannot read the file"),
        (["--outputs", " , "], "give at least one node name"),
    ],
)
def test_run_usage_errors_exit_2(files, capsys, argv, message) -> None:
    flow = files("cli_flow_usage", FLOW)
    code, out, err = run(capsys, "run", flow, *argv)
    assert code == 2 and out == ""
    assert err.startswith("hamilton-nb run: ") and err.count("\n") == 1
    assert message in err


def test_run_node_failure_exit_1(files, capsys) -> None:
    flow = files("cli_flow_boom", FLOW)
    code, out, err = run(capsys, "run", flow, "--outputs", "boom", "--inputs", '{"start": 0}')
    assert (code, out) == (1, "")
    assert err == "hamilton-nb run: ZeroDivisionError: cannot divide 1\n"


def test_module_file_problems(files, tmp_path, capsys) -> None:
    code, _, err = run(capsys, "run", str(tmp_path / "missing.py"), "--outputs", "a")
    assert code == 2 and "no module file" in err
    (tmp_path / "data.txt").write_text("x")
    assert "is not a .py file" in run(capsys, "validate", str(tmp_path / "data.txt"))[2]
    shadow = tmp_path / "json.py"  # not through ``files``: sys.modules["json"] must stay
    shadow.write_text("X = 1\n")
    assert "would shadow" in run(capsys, "validate", str(shadow))[2]
    assert sys.modules["json"].__name__ == "json" and hasattr(sys.modules["json"], "dumps")
    broken = files("cli_broken_import", "raise RuntimeError('import broke')\n")
    code, _, err = run(capsys, "run", broken, "--outputs", "a")
    assert code == 2 and "RuntimeError: import broke" in err
    assert "cli_broken_import" not in sys.modules


def test_validate_ok(files, capsys) -> None:
    flow = files("cli_valid", FLOW)
    assert run(capsys, "validate", flow) == (0, "ok: 6 nodes from cli_valid\n", "")


def test_validate_reports_a_malformed_parallel_block(files, capsys) -> None:
    # such a module builds (as in Hamilton) but cannot run: validate says why
    lone = files(
        "cli_lone_collect",
        "from hamilton_nb.htypes import Collect\n\n"
        "def gathered(x: Collect[int]) -> int:\n    return 1\n",
    )
    code, out, err = run(capsys, "validate", lone)
    assert (code, out) == (1, "")
    assert "'gathered' collects 'x'" in err and "1 problem(s) found" in err


def test_validate_reports_every_problem(files, capsys) -> None:
    bad = files("cli_bad_edges", BAD_EDGES)
    unannotated = files("cli_unannotated", NO_ANNOTATION)
    broken = files("cli_broken", "import no_such_module_anywhere\n")
    dup = files("cli_dup", "def a() -> int:\n    return 2\n")
    code, out, err = run(capsys, "validate", bad, unannotated, broken, dup)
    assert (code, out) == (1, "")
    assert "cli_broken.py: ModuleNotFoundError: No module named 'no_such_module_anywhere'" in err
    assert "'a' produces int but 'b' declares a: str" in err
    assert "'b' produces str but 'c' declares b: int" in err
    assert "function 'd'" in err and "needs type annotations" in err
    assert "3 problem(s) found" in err
    dup2 = files("cli_dup2", "def a() -> int:\n    return 3\n")
    code, _, err = run(capsys, "validate", dup, dup2)
    assert code == 1 and "together: node 'a' is defined twice" in err


def test_view_writes_the_picture(files, tmp_path, capsys) -> None:
    flow = files("cli_view", FLOW)
    target = tmp_path / "dag.dot"  # DOT text: no renderer needed
    code, out, _ = run(capsys, "view", flow, "-o", str(target))
    assert code == 0 and out == f"wrote {target}\n"
    text = target.read_text()
    assert "digraph" in text and "doubled" in text and "frame" in text
    code, _, err = run(capsys, "view", flow, "-o", str(tmp_path / "dag.svg"), "--config", "{x")
    assert code == 2 and "--config: not valid JSON" in err
    assert not (tmp_path / "dag.svg").exists()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed")
def test_view_svg_with_a_renderer(files, tmp_path, capsys) -> None:
    flow = files("cli_view_svg", FLOW)
    assert run(capsys, "view", flow, "-o", str(tmp_path / "dag.svg"))[0] == 0
    assert "<svg" in (tmp_path / "dag.svg").read_text()


def test_console_script_and_python_m(files, subprocess_env) -> None:
    flow = files("cli_subprocess", FLOW)
    script = Path(sys.executable).parent / "hamilton-nb"
    commands = [[sys.executable, "-m", "hamilton_nb"]]
    if script.exists():
        commands.append([str(script)])
    for command in commands:
        result = subprocess.run(
            [*command, "run", flow, "--outputs", "base", "--inputs", '{"start": 41}'],
            capture_output=True,
            text=True,
            env=subprocess_env,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == {"base": 42}
