from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
NO_HAMILTON = Path(__file__).resolve().parent / "no_hamilton"
PARITY_DIR = Path(__file__).resolve().parent / "parity"


def pytest_configure(config: pytest.Config) -> None:
    """Child Pythons of the tests (kernels, the CLI) cannot import ``hamilton``; the parity
    harness starts its own with a clean environment."""
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(NO_HAMILTON), *filter(None, [os.environ.get("PYTHONPATH")])]
    )


def _blocker() -> Any:
    """A ``BlockHamilton`` finder from no_hamilton/sitecustomize.py, not yet installed."""
    spec = importlib.util.spec_from_file_location("_no_hamilton", NO_HAMILTON / "sitecustomize.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # installs one finder: the fixture below manages it instead
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, module.BlockHamilton)]
    return module.BlockHamilton()


BLOCKER = _blocker()


@pytest.fixture(autouse=True)
def no_hamilton_here(request: pytest.FixtureRequest) -> Iterator[None]:
    """Outside tests/parity, ``import hamilton`` fails in the test process too."""
    if PARITY_DIR in Path(str(request.node.fspath)).parents:
        yield
        return
    saved = {k: v for k, v in sys.modules.items() if k == "hamilton" or k.startswith("hamilton.")}
    for name in saved:
        del sys.modules[name]
    sys.meta_path.insert(0, BLOCKER)
    try:
        yield
    finally:
        sys.meta_path.remove(BLOCKER)
        sys.modules.update(saved)


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
    """Environment for child Pythons: no PYTHONPATH leaking the source tree in, but the
    directory that blocks ``import hamilton``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(NO_HAMILTON)
    env.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    return env


@pytest.fixture(autouse=True)
def compile_plans_from_second_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests execute drivers twice to cover both runners: the interpreted loop (first run) and
    the generated straight-line code, which the engine normally builds only after a few runs."""
    from hamilton_nb.execution import runner

    monkeypatch.setattr(runner, "COMPILE_AFTER_RUNS", 2)
