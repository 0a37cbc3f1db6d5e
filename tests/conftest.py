from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo_root() -> Path:
    """The repository checkout the tests run from."""
    return REPO_ROOT


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh temporary directory that is also the current working directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def subprocess_env() -> dict[str, str]:
    """Environment for child Pythons: no PYTHONPATH leaking the source tree in."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    return env


@pytest.fixture(autouse=True)
def compile_plans_from_second_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests execute drivers twice to cover both runners: the interpreted loop (first run) and
    the generated straight-line code, which the engine normally builds only after a few runs."""
    from hamilton_nb.execution import runner

    monkeypatch.setattr(runner, "COMPILE_AFTER_RUNS", 2)


# Builds one module source with either engine in a fresh interpreter and describes the result.
PARITY_SCRIPT = """
import json, sys, types
package, spec = sys.argv[1], json.loads(sys.argv[2])
module = sys.modules["parity_module"] = types.ModuleType("parity_module")
exec(sys.stdin.read(), module.__dict__)
driver = __import__(package + ".driver", fromlist=["Builder"])
dr = driver.Builder().with_modules(module).build()
fields = {
    "type": lambda n: repr(n.type),
    "doc": lambda n: n.documentation or "",
    "required": lambda n: sorted(n.required_dependencies),
    "optional": lambda n: sorted(n.optional_dependencies),
    "non_final": lambda n: bool(n.tags.get("hamilton.non_final_node")),
}
rows = {
    n.name: [fields[f](n) for f in spec["fields"]]
    for n in dr.list_available_variables()
    if not n.is_external_input
}
out = dr.execute(sorted(rows), inputs=spec["inputs"])
print(json.dumps({"nodes": rows, "results": {k: repr(v) for k, v in out.items()}}))
"""


def _describe_with(package: str, source: str, spec: dict[str, object]) -> dict[str, object]:
    import json
    import subprocess
    import sys
    import textwrap

    completed = subprocess.run(
        [sys.executable, "-c", PARITY_SCRIPT, package, json.dumps(spec)],
        input=textwrap.dedent(source.format(package=package)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.fixture
def describe_in_both():
    """``describe_in_both(source, fields, inputs=None) -> (ours, hamilton's)``.

    ``source`` is module text with ``{package}`` where the engine's package name goes; each
    side reports ``nodes`` (name -> the requested ``fields``) and ``results`` (reprs).
    apache-hamilton comes with the test extra.
    """
    import importlib.util

    assert importlib.util.find_spec("hamilton"), (
        "apache-hamilton is missing: pip install -e '.[test]'"
    )

    def describe(
        source: str, fields: list[str], inputs: dict[str, object] | None = None
    ) -> tuple[dict[str, object], dict[str, object]]:
        spec = {"fields": fields, "inputs": inputs or {}}
        return _describe_with("hamilton_nb", source, spec), _describe_with("hamilton", source, spec)

    return describe
