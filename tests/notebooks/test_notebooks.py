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


TESTED = {
    "01_quickstart.ipynb",
    "02_decorators.ipynb",
    "03_notebook_workflow.ipynb",
    "04_visualization.ipynb",
    "05_to_production.ipynb",
}


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


def code_cell(nb, source_start: str, nth: int = 0):
    """The ``nth`` code cell whose source starts with ``source_start``."""
    found = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith(source_start)]
    assert len(found) > nth, f"no cell #{nth} starting with {source_start!r}"
    return found[nth]


def displayed(cell, mime: str = "text/plain") -> list[str]:
    return [o.data[mime] for o in cell.outputs if mime in o.get("data", {})]


def test_notebook_workflow() -> None:
    written = [NOTEBOOK_DIR / "pricing_helpers.py", NOTEBOOK_DIR / "sales_flow.py"]
    try:
        nb = execute("03_notebook_workflow.ipynb")
    finally:  # the notebook removes them itself; this is for a run that stopped half-way
        for path in written:
            path.unlink(missing_ok=True)
    magic = "%%cell_to_module sales_flow"
    errors = [c for c in nb.cells if any(o.output_type == "error" for o in c.get("outputs", []))]
    assert [c.source.splitlines()[0] for c in errors] == [f"{magic} -x"]  # UsageError: stderr

    # define and draw; a real module
    assert "<svg" in displayed(code_cell(nb, f"{magic} -d"), "image/svg+xml")[0]
    real = cell_output(nb, "import inspect")
    assert real.startswith("True\ndef total_revenue(revenue: pd.Series) -> float:")

    # execute: results in topological order, as variables
    shown = displayed(code_cell(nb, f"{magic} -x --show_results"))
    assert shown[::2] == ["orders:", "revenue:", "total_revenue:", "big_orders:"]
    assert shown[5] == "710.5" and shown[7] == "2"
    tables = displayed(code_cell(nb, f"{magic} -x --show_results"), "text/html")
    assert any("<table" in h for h in tables)
    assert "total revenue: 710.5, big orders: 2" in cell_output(nb, "print(f")
    first_status = cell_output(nb, "%hamilton_status")
    assert "last run: 4 computed in" in first_status
    assert "{'total_revenue': 710.5}" in cell_output(nb, "from hamilton_nb import driver")

    # edit one function: only it and its downstream recompute; the user's driver follows
    assert "<svg" in displayed(code_cell(nb, f"{magic} -x -d"), "image/svg+xml")[0]
    edited = cell_output(nb, "%hamilton_status sales_flow")
    assert "last run: 3 computed, 1 reused" in edited
    assert re.search(r"orders +pd\.DataFrame +reused +current", edited)
    assert re.search(r"revenue +pd\.Series +computed +current", edited)
    assert "{'total_revenue': 698.7}" in cell_output(nb, 'dr.execute(["total_revenue"])')

    # inputs from %%set_dict: only big_orders recomputes
    what_if = cell_output(nb, "print(what_if, big_orders)")
    assert "{'threshold': 50.0} 5" in what_if and "last run: 1 computed, 3 reused" in what_if
    assert re.search(r"big_orders +int +computed", what_if)

    # a broken edit: a build error naming the lines, and nothing changed
    broken = code_cell(nb, f"{magic} -x\n")
    error = next(o for o in broken.outputs if o.output_type == "error")
    assert error.ename == "TypeMismatchError"
    trace = "\n".join(error.traceback)
    assert "line 17: def total_revenue(revenue: pd.DataFrame) -> float:" in trace
    assert "cell module 'sales_flow' was not changed" in trace
    kept = cell_output(nb, "print(total_revenue)").split()
    assert kept == ["698.7", "(revenue:", "pandas.Series)", "->", "float"]

    # a helper module edited on disk is reloaded, and only its user recomputes
    vat_cells = [c for c in nb.cells if c.source == "print(total_with_vat)"]
    assert text_outputs(vat_cells).strip() == "838.44"
    assert "VAT_RATE = 0.07" in cell_output(nb, "# the VAT rate changes")
    reloaded = code_cell(nb, f"{magic} -x\n", 2)
    assert text_outputs([reloaded]).strip() == "reloaded changed helper module(s): pricing_helpers"
    after = cell_output(nb, "print(total_with_vat)\n%hamilton_status")
    assert after.startswith("747.61\n") and "last run: 1 computed, 4 reused" in after
    assert re.search(r"total_with_vat +float +computed", after)

    # -w writes, refuses a file changed elsewhere, --force overwrites; files are cleaned up
    assert "wrote 'sales_flow.py'" in text_outputs([code_cell(nb, f"{magic} -w\n")])
    assert "['import pandas as pd', '', 'import pricing_helpers']" in cell_output(nb, "print(Path(")
    refused = code_cell(nb, f"{magic} -w\n", 1)
    assert "not writing 'sales_flow.py': the file was changed outside the notebook" in "".join(
        o.get("text", "") for o in refused.outputs
    )
    assert "wrote 'sales_flow.py'" in cell_output(nb, f"{magic} -w --force")
    assert cell_output(nb, "print(exported").strip() == "False"
    assert cell_output(nb, "for name in").strip() == "['marketing.py']"
    assert not any(path.exists() for path in written)


def svg_texts(nb, source_start: str) -> str:
    """The text drawn in the SVG outputs of the first code cell starting with ``source_start``
    (fails when the cell has no ``image/svg+xml`` output)."""
    import xml.etree.ElementTree as ET

    cell = code_cell(nb, source_start)
    svgs = displayed(cell, "image/svg+xml")
    assert svgs, f"cell {source_start!r} shows no SVG"
    return "\n".join("|".join(ET.fromstring(svg).itertext()) for svg in svgs)


def test_visualization() -> None:
    nb = execute("04_visualization.ipynb")
    text_outputs(nb.cells)  # no cell raised

    whole = svg_texts(nb, "dr.display_all_functions()")
    for label in (
        "Legend", "Parallelizable", "Collect", "validator", "config", "= 'EUR'",
        "Best region share", "checks", "checks.large_orders", "metric: str", "n_orders",
    ):  # fmt: skip
        assert label in whole, label
    styled = svg_texts(nb, "dr.display_all_functions(\n    orient=")
    assert "Legend" not in styled and "metric: str" not in styled and "|n_orders|" in styled
    assert "n_orders" not in svg_texts(nb, 'dr.display_upstream_of("summary", hide_inputs=True)')
    assert "amount of money" in svg_texts(nb, "def money_in_green")

    planned = svg_texts(nb, 'dr.visualize_execution(["summary"]')
    assert "override" in planned and "output" in planned and "regions" not in planned
    path = svg_texts(nb, 'dr.visualize_path_between("orders", "best_share")')
    assert "|path|" in path and "summary" not in path
    materialized = svg_texts(nb, "from hamilton_nb.io.materialization import from_, to")
    assert "summary_csv" in materialized and "PandasCSVWriter" in materialized
    assert "LiteralValueDataLoader" in materialized
    assert "loader" in materialized and "saver" in materialized

    run = svg_texts(nb, "dr.record_timings = True")
    assert "computed" in run and re.search(r"\d (µs|ms|s)\|", run)
    assert "ValueError: max() arg is an empty sequence" in cell_output(nb, "try:")
    failed = svg_texts(nb, "try:")
    for label in ("ValueError: max() arg is an empty sequence", "path to failure", "failed"):
        assert label in failed, label
    assert "not run" in failed
    reused = svg_texts(nb, 'dr.execute(["summary"], inputs={"n_orders": 9}, overrides=')
    assert "reused (cached)" in reused and "overridden" in reused and "not needed" not in reused

    assert "331 nodes" in cell_output(nb, "def generated_module")
    folded = svg_texts(nb, "def generated_module")
    assert "150 nodes (module)" in folded and "collapsed group" in folded
    assert "reports_29" not in folded
    opened = svg_texts(nb, 'big.display_all_functions(expand=["reports"])')
    assert "reports_29" in opened and "150 nodes (module)" in opened

    saved = cell_output(nb, "import tempfile")
    assert "'dag.svg dag_picture.png last_run last_run.svg revenue.dot revenue.png'" in saved
    assert 'id="revenue" class="function"' in cell_output(nb, "print(dr.display_upstream_of")
    before_run = svg_texts(nb, 'dr.execute(["best_share"]')
    assert "Best region share" in before_run and "output" in before_run
    assert "'best_share': 0." in cell_output(nb, 'dr.execute(["best_share"]')


def test_to_production() -> None:
    nb = execute("05_to_production.ipynb")
    text_outputs(nb.cells)  # no cell failed
    summary = "{'total': 5472.0, 'per_order': 15.86, 'best_day': '2024-03-04'}"
    assert summary in cell_output(nb, "import report\nimport shop")
    exported = cell_output(nb, "import sys\nimport tempfile")
    assert "from_kernel/report.py" in exported and "from_kernel/shop.py" in exported
    assert "modules/report.py" in cell_output(nb, 'hamilton_nb = f"')
    listing = cell_output(nb, 'print((modules / "report.py")')
    assert listing.startswith('"""Exported from 05_to_production.ipynb (cells ')
    assert listing.count("import pandas as pd") == 1 and "%%" not in listing
    assert listing.index("def total_revenue") < listing.index("def summary")
    assert "2 module(s) up to date" in cell_output(nb, "!{hamilton_nb} export")
    run = cell_output(nb, '(workdir / "inputs.json")')
    assert "ok: 6 nodes from shop, report" in run
    assert '"total": 5472.0' in run and '"best_day": "2024-03-04"' in run
    table = cell_output(nb, "!{hamilton_nb} run")
    assert "best_day           '2024-03-04'" in table and "revenue_per_order  15.86" in table
    production = cell_output(nb, "%reset_module shop")
    assert "shop.py report.py" in production
    assert "same result as in the notebook: True" in production
    assert cell_output(nb, "import shutil").strip() == "False"  # the temporary folder is gone
