"""The package installs, imports lazily, and the notebook runner works."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY_MODULES = ("pandas", "numpy", "IPython", "graphviz")


def _python(code: str, cwd: Path, env: dict[str, str], *flags: str):
    return subprocess.run(
        [sys.executable, *flags, "-c", code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_does_not_load_heavy_modules(tmp_path, subprocess_env):
    code = (
        "import hamilton_nb, sys; "
        f"bad=[m for m in {HEAVY_MODULES!r} if m in sys.modules]; print(bad)"
    )
    proc = _python(code, tmp_path, subprocess_env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]", f"imported eagerly: {proc.stdout.strip()}"


def test_import_time_is_reported(tmp_path, subprocess_env, record_property):
    proc = _python("import hamilton_nb", tmp_path, subprocess_env, "-X", "importtime")
    assert proc.returncode == 0, proc.stderr
    # lines look like: "import time:       123 |       4567 | hamilton_nb"
    rows = [line.split("|") for line in proc.stderr.splitlines() if line.startswith("import time:")]
    mine = [r for r in rows if len(r) == 3 and r[2].strip() == "hamilton_nb"]
    assert mine, f"no importtime line for hamilton_nb:\n{proc.stderr[-2000:]}"
    cumulative_us = int(mine[-1][1])
    record_property("hamilton_nb_import_us", cumulative_us)
    print(f"import hamilton_nb: {cumulative_us / 1000:.1f} ms cumulative")


def test_version_is_exposed():
    import hamilton_nb

    assert isinstance(hamilton_nb.__version__, str) and hamilton_nb.__version__
    assert importlib.metadata.version("hamilton-nb")


# --- scripts/run_notebooks.py -------------------------------------------------


def _write_notebook(path: Path, *sources: str) -> Path:
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in sources]
    nbformat.write(nb, path)
    return path


def _run_notebooks(repo_root: Path, env: dict[str, str], out: Path, *notebooks: Path):
    return subprocess.run(
        [sys.executable, str(repo_root / "scripts" / "run_notebooks.py"), "-o", str(out)]
        + [str(nb) for nb in notebooks],
        cwd=repo_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


@pytest.mark.notebook
def test_run_notebooks_uses_this_python_and_notebook_cwd(tmp_path, repo_root, subprocess_env):
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    (nb_dir / "data.txt").write_text("found-the-data-file")
    nb = _write_notebook(
        nb_dir / "probe.ipynb",
        "import sys, os\nprint('EXE=' + sys.executable)\nprint('CWD=' + os.getcwd())",
        "print(open('data.txt').read())",
    )
    proc = _run_notebooks(repo_root, subprocess_env, tmp_path / "out", nb)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    html = (tmp_path / "out" / "probe.html").read_text()
    assert f"EXE={sys.executable}" in html
    assert f"CWD={nb_dir.resolve()}" in html
    assert "found-the-data-file" in html


@pytest.mark.notebook
def test_run_notebooks_fails_on_cell_error(tmp_path, repo_root, subprocess_env):
    nb = _write_notebook(tmp_path / "broken.ipynb", "x = 1", "raise ValueError('boom-123')")
    proc = _run_notebooks(repo_root, subprocess_env, tmp_path / "out", nb)
    assert proc.returncode != 0
    assert "boom-123" in proc.stderr
    assert (tmp_path / "out" / "broken.html").exists()  # written anyway, for debugging
