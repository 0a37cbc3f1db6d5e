"""The ``@config.when`` selection table and the small ``Parallelizable`` cases, run by both
engines (the tables live with their own tests: tests/test_config_when.py and
tests/execution/test_parallel.py)."""

from __future__ import annotations

import runpy
import textwrap
from pathlib import Path

from .conftest import same

TESTS = Path(__file__).resolve().parent.parent


def _table(path: str, *names: str) -> list[object]:
    namespace = runpy.run_path(str(TESTS / path))
    return [namespace[name] for name in names]


def test_config_selection_table(in_both) -> None:
    variants, configs, expected = _table("test_config_when.py", "VARIANTS", "CONFIGS", "EXPECTED")
    script = f"""
    import importlib
    from hamilton import driver
    import variants
    for i, cfg in enumerate({configs!r}):
        module = importlib.reload(variants)  # Hamilton renames a__b variants on every build
        dr = driver.Builder().with_modules(module).with_config(cfg).build()
        names = sorted(v.name for v in dr.list_available_variables() if not v.is_external_input)
        emit_error(f"config {{i}}", dr.execute, names)
    """
    ours, theirs = in_both(script, {"variants": variants.format(package="hamilton")})
    same(ours, theirs)
    assert [theirs[f"config {i}"] for i in range(len(configs))] == [
        {"returns": {"dict": row}} for row in expected
    ]


def test_parallel_cases_under_sync_and_thread_executors(in_both) -> None:
    (cases,) = _table("execution/test_parallel.py", "HAMILTON_CASES")
    header = "from hamilton.htypes import Collect, Parallelizable\n"
    modules = {f"case_{name}": header + textwrap.dedent(case[0]) for name, case in cases.items()}
    requests = {name: (outputs, inputs) for name, (_, outputs, inputs, _) in cases.items()}
    script = f"""
    import importlib
    from hamilton import driver
    from hamilton.execution import executors
    for name, (outputs, inputs) in {requests!r}.items():
        for label, executor in [("sync", executors.SynchronousLocalTaskExecutor()),
                                ("threads", executors.MultiThreadingExecutor(3))]:
            dr = (driver.Builder().with_modules(importlib.import_module("case_" + name))
                  .enable_dynamic_execution(allow_experimental_mode=True)
                  .with_remote_executor(executor).build())
            emit_error(name + "/" + label, dr.execute, outputs, inputs=inputs)
    """
    ours, theirs = in_both(script, modules)
    same(ours, theirs)
    for name in cases:
        assert "returns" in theirs[name + "/sync"], (name, theirs[name + "/sync"])
