"""Parity tests: the same Hamilton user code run by apache-hamilton and by hamilton_nb."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .harness import clean_env, run_scenario

Observations = dict[str, Any]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.parity)


@pytest.fixture
def in_both(tmp_path: Path) -> Callable[..., tuple[Observations, Observations]]:
    """``in_both(script, modules=None) -> (ours, hamilton's)`` observations.

    ``script`` is Hamilton user code (``from hamilton import ...``) calling ``emit(key, value)``
    and ``emit_error(key, fn, *args)``; ``modules`` maps module names to their source. A crash
    of the script itself is recorded under ``__crash__``.
    """
    assert importlib.util.find_spec("hamilton"), (
        "apache-hamilton is missing: pip install -e '.[test]'"
    )

    def run(
        script: str, modules: dict[str, str] | None = None
    ) -> tuple[Observations, Observations]:
        ours = run_scenario("hamilton_nb", script, modules, tmp_path)
        theirs = run_scenario("hamilton", script, modules, tmp_path)
        return ours, theirs

    return run


def same(ours: Observations, theirs: Observations, *keys: str) -> None:
    """Assert both engines observed the same thing (for ``keys``, or for every key)."""
    for side in (ours, theirs):
        assert "__crash__" not in side, side["__crash__"]["text"]
    keys = keys or tuple(k for k in theirs if not k.startswith("__"))
    for key in keys:
        assert ours.get(key) == theirs.get(key), (
            f"{key}: ours {ours.get(key)!r} vs Hamilton {theirs.get(key)!r}"
        )


def catchable_alike(ours: Observations, theirs: Observations, *keys: str) -> None:
    """Assert that where Hamilton raised, we raised too, catchable by every builtin class
    Hamilton's error is (ours may also be a more specific one, e.g. ``ValueError``)."""
    for key in keys:
        assert "raises" in theirs[key], f"{key}: Hamilton did not raise: {theirs[key]!r}"
        assert "raises" in ours[key], f"{key}: we did not raise: {ours[key]!r}"
        missing = set(theirs[key]["raises"]) - set(ours[key]["raises"])
        assert not missing, f"{key}: our error is not a {sorted(missing)} as Hamilton's is"


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
        env=clean_env(),
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
