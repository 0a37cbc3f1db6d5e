"""Run one Hamilton user's script in both engines and report what each observed.

A scenario is written as a Hamilton user writes it (``from hamilton import driver``); for our
side its import lines are renamed to ``hamilton_nb``, exactly the port the README promises.
Each side runs in a fresh interpreter, so the two engines never share ``sys.modules``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

# Only import statements are renamed: tag names such as "hamilton.config" stay as they are.
_IMPORT = re.compile(r"^(\s*)(from|import)(\s+)hamilton(?=[.\s])", re.MULTILINE)


def port(source: str) -> str:
    """``source`` with its ``hamilton`` imports renamed to ``hamilton_nb``."""
    return _IMPORT.sub(r"\1\2\3hamilton_nb", source)


RUNNER = r'''
import builtins, json, sys, traceback
observations = {}

def describe(value):
    """A JSON-able picture of a value that is equal across engines when the values are."""
    try:
        import pandas as pd
        import numpy as np
    except ImportError:  # pragma: no cover
        pd = np = None
    if pd is not None and isinstance(value, pd.DataFrame):
        return {"DataFrame": {"columns": [str(c) for c in value.columns],
                              "dtypes": [str(t) for t in value.dtypes],
                              "index": [repr(i) for i in value.index],
                              "values": [[repr(x) for x in row] for row in value.itertuples(index=False)]}}
    if pd is not None and isinstance(value, pd.Series):
        return {"Series": {"name": repr(value.name), "dtype": str(value.dtype),
                           "index": [repr(i) for i in value.index],
                           "values": [repr(x) for x in value.tolist()]}}
    if np is not None and isinstance(value, np.ndarray):
        return {"ndarray": {"dtype": str(value.dtype), "values": repr(value.tolist())}}
    if isinstance(value, dict):
        return {"dict": {str(k): describe(v) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        return {type(value).__name__: [describe(v) for v in value]}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return {"repr": repr(value)}

def emit(key, value):
    """Record ``value`` (described) under ``key``."""
    observations[key] = describe(value)

def builtin_bases(exc):
    return [c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins"]

def emit_error(key, fn, *args, **kwargs):
    """Call ``fn``; record the builtin classes of what it raises (or that it raised nothing)."""
    try:
        result = fn(*args, **kwargs)
    except BaseException as exc:  # noqa: BLE001
        observations[key] = {"raises": builtin_bases(exc)}
        return exc
    observations[key] = {"returns": describe(result)}
    return result

namespace = {"__name__": "__main__", "emit": emit, "emit_error": emit_error, "describe": describe}
sys.path.insert(0, sys.argv[1])
try:
    exec(compile(sys.stdin.read(), "<scenario>", "exec"), namespace)
except BaseException as exc:  # noqa: BLE001
    observations["__crash__"] = {"raises": builtin_bases(exc), "text": traceback.format_exc()[-3000:]}
print("\n" + json.dumps(observations, sort_keys=True))
'''


def clean_env() -> dict[str, str]:
    """The environment of the parity interpreters: no PYTHONPATH (the rest of the suite puts
    the directory that blocks ``import hamilton`` there), no telemetry."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["HAMILTON_TELEMETRY_ENABLED"] = "false"
    env.setdefault("MPLBACKEND", "Agg")
    return env


def run_scenario(
    engine: str,
    script: str,
    modules: dict[str, str] | None,
    workdir: Path,
    timeout: float = 180,
) -> dict[str, Any]:
    """Run ``script`` (with ``modules`` importable) under ``engine`` ("hamilton" or "hamilton_nb")."""
    convert = port if engine == "hamilton_nb" else (lambda s: s)
    moddir = workdir / engine
    moddir.mkdir(parents=True, exist_ok=True)
    for name, source in (modules or {}).items():
        path = moddir.joinpath(*name.split(".")).with_suffix(".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(convert(textwrap.dedent(source)))
    env = clean_env()
    completed = subprocess.run(
        [sys.executable, "-c", RUNNER, str(moddir)],
        input=convert(textwrap.dedent(script)),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=moddir,
        env=env,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    result.setdefault("__stdout__", completed.stdout.rsplit("\n", 2)[0])
    return result
