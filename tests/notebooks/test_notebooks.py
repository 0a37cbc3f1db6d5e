"""Every notebook in notebooks/ runs top to bottom in a real kernel, with the outputs it promises."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"

pytestmark = pytest.mark.notebook


def _runner():
    spec = importlib.util.spec_from_file_location(
        "run_notebooks", NOTEBOOK_DIR.parent / "scripts" / "run_notebooks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def execute(name: str):
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient

    _runner().ensure_kernelspec()
    nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    NotebookClient(
        nb, timeout=120, kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    ).execute()
    return nb


def text_outputs(cells) -> str:
    """All text of the cells' outputs; fails on any error output."""
    parts = []
    for cell in cells:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", output
            parts.append(output.get("text", ""))
            parts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


TESTED = {"01_quickstart.ipynb"}


def test_every_notebook_is_tested() -> None:
    assert {p.name for p in NOTEBOOK_DIR.glob("*.ipynb")} == TESTED


def cell_output(nb, source_start: str) -> str:
    """Text output of the first code cell whose source starts with ``source_start``."""
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith(source_start):
            return text_outputs([cell])
    raise AssertionError(f"no cell starts with {source_start!r}")


def test_quickstart() -> None:
    nb = execute("01_quickstart.ipynb")
    out = text_outputs(nb.cells)
    statuses = cell_output(nb, "dr.last_run.statuses")
    assert "'spend_per_signup': 'computed'" in statuses
    assert "spend_rolling_mean" not in statuses  # not requested, so never run
    assert "did you mean 'spend_per_signup'" in out
    assert "input 'window' is str" in out
    assert "week 4: 17.78 per sign-up" in out
    assert "{'best_week': 3}" in out
