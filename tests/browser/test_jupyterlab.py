"""The tutorial notebooks and the DAG explorer, run in JupyterLab inside a real browser.

Each test opens one notebook in its own JupyterLab workspace, runs all its cells, waits until
every code cell has run, then checks the page: no error output, the inline DAG pictures
loaded (JupyterLab shows ``image/svg+xml`` as an ``<img>`` inside ``.jp-RenderedSVG``), the
explorer widget drew its graph. Screenshots go to ``build/screenshots/``.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
except ImportError:  # the `browser` fixture fails with the command that installs playwright
    PlaywrightTimeoutError = TimeoutError

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(180)]

WAIT_MS = 60_000
VIEWPORT = {"width": 1400, "height": 1000}

KERNEL_IDLE = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const session = panel && panel.sessionContext && panel.sessionContext.session;
  return Boolean(session && session.kernel && session.kernel.status === 'idle');
}"""

# Read from the notebook model, not the DOM: JupyterLab may leave off-screen cells unrendered.
CELL_STATES = """() => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  return notebook.widgets.filter(cell => cell.model.type === 'code').map(cell => ({
    count: cell.model.executionCount,
    outputs: cell.model.outputs.toJSON(),
  }));
}"""

# Done when the kernel is idle and every code cell ran, or one failed (JupyterLab then stops).
RUN_FINISHED = f"""() => {{
  const cells = ({CELL_STATES})();
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const failed = cells.some(c => c.outputs.some(o => o.output_type === 'error'));
  return kernel.status === 'idle' && cells.length > 0
    && (failed || cells.every(c => c.count !== null));
}}"""

SVG_IMAGES = """() => Array.from(document.querySelectorAll('.jp-RenderedSVG img')).map(img => ({
  complete: img.complete, width: img.naturalWidth, height: img.naturalHeight,
  svg: (img.getAttribute('src') || '').startsWith('data:image/svg+xml'),
}))"""


def run_notebook(browser, lab, name: str):
    """Open ``name`` in a fresh workspace, run all cells and wait until each has run.

    Returns the page and the code cells' states (execution count and outputs)."""
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(WAIT_MS)
    workspace = f"test-{uuid.uuid4().hex[:12]}"
    page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{name}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell")
    page.wait_for_function(KERNEL_IDLE)
    # Fired, not awaited: the command's promise has no timeout; the waits below have one.
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    try:
        page.wait_for_function(RUN_FINISHED)
    except PlaywrightTimeoutError:
        pending = [
            index
            for index, cell in enumerate(page.evaluate(CELL_STATES), start=1)
            if cell["count"] is None
        ]
        page.close()
        pytest.fail(f"{name}: code cells {pending} had not run after {WAIT_MS / 1000:.0f} s")
    return page, page.evaluate(CELL_STATES)


def assert_no_error(page, cells: list[dict], name: str) -> None:
    errors = [
        f"cell {index}: {output.get('ename')}: {output.get('evalue')}"
        for index, cell in enumerate(cells, start=1)
        for output in cell["outputs"]
        if output.get("output_type") == "error"
    ]
    assert not errors, f"{name} has error outputs: {errors}"
    shown = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')
    assert shown.count() == 0, f"{name} shows an error output: {shown.first.inner_text()[:500]}"


def shoot(page, target, path: Path) -> None:
    target.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))


def test_quickstart_runs_in_jupyterlab(browser, lab, screenshot_dir: Path) -> None:
    page, cells = run_notebook(browser, lab, "01_quickstart.ipynb")
    try:
        assert_no_error(page, cells, "01_quickstart")
        texts = json.dumps([cell["outputs"] for cell in cells])
        assert "week 4: 17.78 per sign-up" in texts  # the last cell's fan-out report
        assert "{'best_week': 3}" in texts
        dag = page.locator(".jp-RenderedSVG img").first  # the quickstart's DAG picture
        dag.wait_for(state="visible")
        assert page.evaluate(SVG_IMAGES)[0]["svg"]
        last = page.locator(".jp-CodeCell .jp-OutputArea-output").last
        last.wait_for(state="attached")
        assert "week 4: 17.78 per sign-up" in last.inner_text()
        shoot(page, last, screenshot_dir / "01_quickstart.png")
    finally:
        page.close()


def test_visualization_shows_inline_dag_svgs(browser, lab, screenshot_dir: Path) -> None:
    page, cells = run_notebook(browser, lab, "04_visualization.ipynb")
    try:
        assert_no_error(page, cells, "04_visualization")
        svg_outputs = sum(
            "image/svg+xml" in output.get("data", {})
            for cell in cells
            for output in cell["outputs"]
        )
        assert svg_outputs >= 10, f"expected the notebook's DAG pictures, got {svg_outputs}"
        first = page.locator(".jp-RenderedSVG img").first
        first.wait_for(state="visible")
        page.wait_for_function(
            "() => { const img = document.querySelector('.jp-RenderedSVG img');"
            " return img && img.complete && img.naturalWidth > 0; }"
        )
        images = page.evaluate(SVG_IMAGES)
        assert images and all(image["svg"] for image in images), images
        assert images[0]["width"] > 200 and images[0]["height"] > 100, images[0]
        shoot(page, first, screenshot_dir / "04_visualization_dag.png")
    finally:
        page.close()


def test_explorer_widget_renders_in_jupyterlab(browser, lab, screenshot_dir: Path) -> None:
    name = "04_visualization.ipynb"  # its last cell shows explore(dr)
    page, cells = run_notebook(browser, lab, name)
    try:
        assert_no_error(page, cells, name)
        assert any(
            "application/vnd.jupyter.widget-view+json" in output.get("data", {})
            for output in cells[-1]["outputs"]
        ), cells[-1]["outputs"]
        nodes = page.locator(".hnb-explorer .hnb-graph svg g.node")
        nodes.first.wait_for(state="visible")
        drawn = set(
            page.evaluate(
                "() => Array.from(document.querySelectorAll('.hnb-explorer g.node'))"
                ".map(g => g.dataset.hnbId)"
            )
        )
        assert {"orders", "revenue", "best_share", "summary"} <= drawn, drawn
        page.click(".hnb-explorer g.node[data-hnb-id='summary']")
        name_shown = page.locator(".hnb-explorer .hnb-panel .hnb-name")
        name_shown.wait_for(state="visible")
        assert "summary" in name_shown.inner_text()
        shoot(page, page.locator(".hnb-explorer"), screenshot_dir / "explorer_widget.png")
    finally:
        page.close()
