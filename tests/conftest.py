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
