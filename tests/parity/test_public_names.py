"""Every public name of the Hamilton modules we mirror exists in ours, so ported imports work.

Which names count as Hamilton's public ones (computed by importing ``hamilton`` in a separate
interpreter, so the two packages never share ``sys.modules``):

- the module's ``__all__`` when it has one;
- otherwise the names the module's own source binds at top level (also inside top-level
  ``if``/``try`` blocks) with ``def``, ``class`` or an assignment, and, for a package
  ``__init__``, the names it imports from Hamilton's own modules (its deliberate re-exports);
- never: names starting with ``_``, ``logger``, modules, and typing helpers (``TypeVar``\\ s and
  aliases such as ``NodeFilter = Callable[...]``). Plain imports of stdlib or third-party
  names (``Any``, ``datetime``, ``ThreadPoolExecutor``) are not bound by the source, so they
  do not count.

``ABSENT`` lists names left out on purpose (Hamilton internals no user imports), with the
reason. ``NOT_YET`` lists names still missing that other work items will add; a test fails
once one of them exists, so the list only shrinks.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from functools import cache

import pytest

MODULES = [
    "driver",
    "base",
    "function_modifiers",
    "htypes",
    "lifecycle",
    "lifecycle.default",
    "lifecycle.api",
    "ad_hoc_utils",
    "io.materialization",
    "execution.executors",
    "graph_types",
    "node",
    "registry",
    "data_quality.base",
    "data_quality.default_validators",
    "log_setup",
    "contrib",
]

# name -> why hamilton_nb leaves it out
ABSENT: dict[str, dict[str, str]] = {
    "driver": {
        "SLACK_ERROR_MESSAGE": "Hamilton's text pointing at its Slack; our errors carry the fix",
        "capture_function_usage": "Hamilton's telemetry decorator; hamilton_nb sends no telemetry",
        "GraphExecutor": "Hamilton's pluggable whole-graph strategy (Driver.graph_executor); our "
        "Driver runs compiled plans, executors plug in per block (with_remote_executor)",
        "DefaultGraphExecutor": "GraphExecutor implementation (see GraphExecutor)",
        "TaskBasedGraphExecutor": "GraphExecutor implementation (see GraphExecutor)",
    },
    "execution.executors": {
        "run_graph_to_completion": "drives Hamilton's internal ExecutionState queue; our runner "
        "drives submit_task/can_submit_task itself (executors.run_tasks)",
    },
    "io.materialization": {
        "materialization_meta__": "internal marker function of Hamilton's materializer nodes",
        "extractor_meta__": "internal marker function of Hamilton's extractor nodes",
    },
    "lifecycle.default": {
        "wait_random": "helper of SlowDownYouMoveTooFast, not an API",
        "SENTINEL_DEFAULT": "GracefulErrorAdapter's default argument (None); pass sentinel=",
    },
    "lifecycle.api": {
        "NodeGroupPurpose": "imported only for type checking in Hamilton (it is None there)",
    },
    "registry": {
        "INITIALIZED": "Hamilton's plugin-loading flag; hamilton_nb loads no extensions at import",
    },
}

# name -> the work that adds it (an entry that exists fails test_not_yet_is_up_to_date)
NOT_YET: dict[str, dict[str, str]] = {
    "lifecycle.default": {"CacheAdapter": "superseded by caching: owned by the caching work"},
}

# Runs in an interpreter that imports hamilton, never ours.
LISTER = r"""
import ast, importlib, json, sys, types, typing

def bound(body, is_package, names):
    for statement in body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(statement.name)
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(statement, ast.ImportFrom) and is_package and (
            statement.level > 0 or (statement.module or "").split(".")[0] == "hamilton"
        ):
            names.update(alias.asname or alias.name for alias in statement.names)
        elif isinstance(statement, (ast.If, ast.Try)):
            for block in (statement.body, statement.orelse, getattr(statement, "finalbody", [])):
                bound(block, is_package, names)
            for handler in getattr(statement, "handlers", []):
                bound(handler.body, is_package, names)

def is_typing_helper(value):
    return isinstance(value, typing.TypeVar) or (
        not isinstance(value, type) and type(value).__module__ == "typing"
    )

result = {}
for name in sys.argv[1:]:
    module = importlib.import_module("hamilton." + name)
    if hasattr(module, "__all__"):
        names = set(module.__all__)
    else:
        names = set()
        with open(module.__file__, encoding="utf-8") as file:
            tree = ast.parse(file.read())
        bound(tree.body, module.__file__.endswith("__init__.py"), names)
    result[name] = sorted(
        n for n in names
        if not n.startswith("_") and n != "logger" and hasattr(module, n)
        and not isinstance(getattr(module, n), types.ModuleType)
        and not is_typing_helper(getattr(module, n))
    )
print(json.dumps(result))
"""


@cache
def hamilton_names() -> dict[str, list[str]]:
    env = {**os.environ, "HAMILTON_TELEMETRY_ENABLED": "false"}
    env.pop("PYTHONPATH", None)
    done = subprocess.run(
        [sys.executable, "-c", LISTER, *MODULES],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", MODULES)
def test_every_public_name_exists(module: str) -> None:
    ours = importlib.import_module(f"hamilton_nb.{module}")
    skipped = {**ABSENT.get(module, {}), **NOT_YET.get(module, {})}
    missing = [n for n in hamilton_names()[module] if n not in skipped and not hasattr(ours, n)]
    assert not missing, f"hamilton_nb.{module} lacks Hamilton's public names {missing}"


def test_the_rule_finds_names() -> None:
    """The lister itself works: known re-exports and definitions are found, helpers are not."""
    names = hamilton_names()
    assert {"parametrized", "configuration", "mutate", "IS_DATA_VALIDATOR_TAG"} <= set(
        names["function_modifiers"]
    )
    assert {"create_module", "module_from_source"} <= set(names["ad_hoc_utils"])
    assert "logger" not in names["driver"] and "Any" not in names["driver"]
    assert "NodeFilter" not in names["lifecycle.default"]


def test_allow_lists_name_real_hamilton_names() -> None:
    names = hamilton_names()
    for listing in (ABSENT, NOT_YET):
        for module, entries in listing.items():
            unknown = sorted(set(entries) - set(names[module]))
            assert not unknown, f"{module}: {unknown} are not Hamilton public names"


def test_not_yet_is_up_to_date() -> None:
    present = {
        module: sorted(
            n for n in entries if hasattr(importlib.import_module(f"hamilton_nb.{module}"), n)
        )
        for module, entries in NOT_YET.items()
    }
    present = {module: names for module, names in present.items() if names}
    assert not present, f"now provided, remove from NOT_YET: {present}"


def test_added_helpers_behave_like_hamilton(in_both) -> None:
    """The smaller names added for the list above: same answers as Hamilton's."""
    script = """
    from hamilton.graph_types import hash_source_code
    from hamilton.node import matches_query
    from hamilton.lifecycle.default import should_run_node
    from hamilton import lifecycle
    import flow

    emit("hash", hash_source_code("  def f(x):\\n    return x\\n"))
    emit("hash fn", hash_source_code(flow.documented))
    emit("hash stripped", hash_source_code(flow.documented, strip=True))
    emit("hash bad source stripped", hash_source_code("  def f(:", strip=True))
    tags = {"team": "a", "kind": ["x", "y"]}
    for label, query in [("empty", {}), ("exists", {"team": None}), ("missing", {"owner": None}),
                         ("value", {"team": "a"}), ("list", {"kind": ["y", "z"]}),
                         ("no overlap", {"kind": "z"}), ("and", {"team": "a", "kind": "q"})]:
        emit("query " + label, matches_query(tags, query))
    for label, node_filter in [("none", None), ("name", "n"), ("other", "m"), ("list", ["n"]),
                               ("callable", lambda name, tags: tags.get("k") == 1)]:
        emit("filter " + label, should_run_node("n", {"k": 1}, node_filter))
    emit_error("filter bad", should_run_node, "n", {}, 3)
    emit("PrintLnHook", lifecycle.PrintLnHook is lifecycle.PrintLn)
    """
    module = '''
    def documented(x: int) -> int:
        """Docs."""
        # a comment
        return x
    '''
    ours, theirs = in_both(script, {"flow": module})
    from .conftest import same

    same(ours, theirs)
    assert theirs["hash fn"] != theirs["hash stripped"]
