"""Every notebook in notebooks/ runs top to bottom in a real kernel, with the outputs it promises."""

from __future__ import annotations

import importlib.util
import re
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


TESTED = {"01_quickstart.ipynb", "02_decorators.ipynb"}


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


def test_decorators() -> None:
    nb = execute("02_decorators.ipynb")
    out = text_outputs(nb.cells)  # also: no cell raised

    # configuration: @config.when picks the variant, @resolve needs power-user mode
    assert "EU: revenue_net is 'EU invoices include VAT: take it out.'" in out
    resolved = cell_output(nb, "from hamilton_nb import errors")
    assert "{'units_north': 58, 'units_west': 47}" in resolved
    assert "needs power-user mode" in resolved

    # expansion: generated node names, templated docstrings, extracted columns and fields
    parameterized = cell_output(nb, "from hamilton_nb.function_modifiers import source")
    assert "north_revenue  Sum of revenue in the north region." in parameterized
    assert "'north_revenue': 749.0" in parameterized
    assert "'big_orders': 8" in out and "'bulk_orders': 5" in out
    extracted = cell_output(nb, "from hamilton_nb.function_modifiers import extract_columns")
    for name in ("'north'", "'south'", "'west'", "'best_region'", "'lowest_price'"):
        assert name in extracted
    assert "'total_units': [43, 44, 23, 29]" in extracted

    # metadata: tag filters
    tagged = cell_output(nb, "from hamilton_nb.function_modifiers import schema")
    assert "finance: ['weekly_revenue']" in tagged
    assert "('units_by_region', 'north=int,south=int,west=int')" in tagged

    # validation: check nodes, warn is logged, fail raises with the numbers
    checked = cell_output(nb, "from hamilton_nb.data_quality.base import DataValidationError")
    assert "'units_raw', 'units_range_validator', 'units'" in checked
    assert "data quality check failed: [units:range_validator]" in checked  # logged (stderr)
    assert "node 'revenue' failed 1 data quality check(s) with importance 'fail'" in checked
    assert "[revenue:range_validator] 3 of 12 values fall outside [0.0, 200.0]" in checked
    custom = cell_output(nb, "import pandera.pandas as pa")
    assert "ValidationResult(passes=True, message='values sum to 1.0000'" in custom
    assert "2 pandera check(s) failed" in custom and "failure cases: North" in custom

    # reuse: subdag nodes are namespaced, one copy per parameterized subdag
    subdags = cell_output(nb, "from hamilton_nb.function_modifiers import does")
    for name in ("north_growth.orders", "north_growth.weekly_units", "north_growth.growth"):
        assert f"'{name}'" in subdags
    assert "'north_share': [0.419, 0.409, 0.696, 0.207]" in subdags
    assert "'south_growth': -0.5" in subdags and "'west_growth': 0.308" in subdags

    # composition: named and conditional pipe steps, the output chain with the mutation last
    piped = cell_output(nb, "from hamilton_nb.function_modifiers import apply_to")
    assert "default:       ['focus_revenue.focused']" in piped
    assert "exclude_small: ['focus_revenue.focused', 'focus_revenue.no_small_orders']" in piped
    assert "'weekly_units_trend.with_round', 'weekly_units_trend.with_cap'" in piped
    assert "{'focus_revenue': 749.0} {'focus_revenue': 692.0}" in piped

    # I/O: loader/saver nodes, a datasaver's metadata, a materialized file's metadata
    io_cell = cell_output(nb, "import json")
    for name in ("region_summary.load_data.orders", "save.region_summary", "targets.loader"):
        assert f"'{name}'" in io_cell
    assert "{'north': 58, 'south': 34, 'west': 47}" in io_cell
    assert "{'path': 'gap.csv', 'rows': 3}" in io_cell
    materialized = cell_output(nb, "import shutil")
    assert re.search(r"file: units\.csv \| bytes: [1-9]\d*", materialized)
    assert "rows: 4 | columns: ['north', 'south', 'west']" in materialized
