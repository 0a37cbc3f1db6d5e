"""The execution overlay: the DAG coloured by what the last run did."""

from __future__ import annotations

import re
import shutil
import textwrap
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from hamilton_nb import ad_hoc_utils, driver, errors
from hamilton_nb.visualization import overlay, styles
from hamilton_nb.visualization.dot import build_dot

SOURCE = """
def base(x: int) -> int:
    return x + 1

def doubled(base: int) -> int:
    return base * 2

def checked(doubled: int, limit: int = 100) -> int:
    if doubled > limit:
        raise ValueError(f"doubled is {doubled}, above {limit}")
    return doubled

def report(checked: int) -> str:
    return f"value {checked}"

def side(x: int) -> int:
    return -x
"""


def make_driver() -> Any:
    mod = ad_hoc_utils.module_from_source(textwrap.dedent(SOURCE))
    return driver.Builder().with_modules(mod).build()


_NODE = re.compile(r'^\s*"([^"]+)" \[id="[^"]+" class="([^"]*)"(.*)$', re.M)


def classes(dot: str) -> dict[str, set[str]]:
    return {m.group(1): set(m.group(2).split()) for m in _NODE.finditer(dot)}


def line_of(dot: str, name: str) -> str:
    return next(line for line in dot.splitlines() if line.lstrip().startswith(f'"{name}" ['))


def status_of(dot: str, name: str) -> str:
    found = [c for c in classes(dot)[name] if c.startswith("status-")]
    assert len(found) == 1, (name, found)
    return found[0].removeprefix("status-")


def legend_entries(dot: str) -> set[str]:
    return {n.removeprefix("legend:") for n in classes(dot) if n.startswith("legend:")}


def test_successful_run_shows_computed_inputs_and_not_needed() -> None:
    dr = make_driver()
    dr.execute(["report"], inputs={"x": 1})
    dot = dr.visualize_last_run().source
    for name in ("base", "doubled", "checked", "report"):
        assert status_of(dot, name) == "computed"
    assert status_of(dot, "side") == styles.NOT_NEEDED
    assert status_of(dot, "inputs:base") == "input"
    assert 'fillcolor="#b7e4c7"' in line_of(dot, "base")  # computed: green
    assert 'fontcolor="#999999"' in line_of(dot, "side")  # not needed: faded
    assert "output" in classes(dot)["report"]
    assert 'penwidth="3"' in line_of(dot, "report")
    assert legend_entries(dot) == {"input", "output", "computed", styles.NOT_NEEDED}
    only_run = dr.visualize_last_run(show_not_needed=False).source
    assert "side" not in classes(only_run)


def test_durations_appear_when_the_run_was_timed() -> None:
    dr = make_driver()
    dr.execute(["report"], inputs={"x": 1})
    assert not re.search(r"\d (µs|ms|s)<", dr.visualize_last_run().source)
    dr.record_timings = True
    dr.execute(["report"], inputs={"x": 1})
    assert set(dr.last_run.durations) >= {"base", "report"}
    label = line_of(dr.visualize_last_run().source, "base")
    assert re.search(r'<font point-size="9">\d+(\.\d+)? (µs|ms|s)</font>', label)


def test_failure_highlights_the_failed_node_and_the_path_to_it() -> None:
    dr = make_driver()
    with pytest.raises(ValueError, match="doubled is 102"):
        dr.execute(["report", "side"], inputs={"x": 50})
    dot = dr.visualize_last_run().source
    assert status_of(dot, "checked") == "failed"
    assert status_of(dot, "report") == "not_run"
    assert status_of(dot, "base") == "computed"
    line = line_of(dot, "checked")
    assert 'fillcolor="#ff9b9b"' in line
    assert "ValueError: doubled is 102, above 100" in line
    on_path = {n for n, c in classes(dot).items() if "path" in c and not n.startswith("legend:")}
    assert on_path == {"base", "doubled", "checked", "inputs:base"}
    edges = {line.split(" [")[0].strip(): line for line in dot.splitlines() if '" -> "' in line}
    assert 'class="dependency path"' in edges['"doubled" -> "checked"']
    assert 'color="#d62828"' in edges['"doubled" -> "checked"']
    assert 'class="dependency"' in edges['"checked" -> "report"']
    assert {"failed", "not_run", "path"} <= legend_entries(dot)
    assert "label=<path to failure>" in dot


def test_overrides_and_reused_results() -> None:
    dr = make_driver()
    dr.execute(["report"], overrides={"doubled": 4})
    dot = dr.visualize_last_run().source
    assert status_of(dot, "doubled") == "overridden"
    assert "diagonals" in line_of(dot, "doubled")
    assert status_of(dot, "base") == styles.NOT_NEEDED  # only the override needed it
    assert status_of(dot, "inputs:base") == styles.NOT_NEEDED
    dr.last_run.mark_reused(["doubled"])
    reused = dr.visualize_last_run().source
    assert status_of(reused, "doubled") == "reused"
    assert 'fillcolor="#bde0fe"' in line_of(reused, "doubled")
    assert "reused" in legend_entries(reused) and "overridden" not in legend_entries(reused)
    assert "label=<reused (cached)>" in reused


def test_before_any_run_the_overlay_is_a_clear_error() -> None:
    with pytest.raises(errors.VisualizationError, match=r"nothing has run yet: call dr.execute"):
        make_driver().visualize_last_run()


def test_record_names_outside_the_graph_are_ignored() -> None:
    dr = make_driver()
    dr.execute(["report"], inputs={"x": 1})
    dr.last_run.statuses["saved_elsewhere"] = "computed"  # e.g. a one-off materializer
    assert "saved_elsewhere" not in overlay.execution_dot(dr.graph, dr.last_run)


def test_planned_nodes_stop_at_provided_values() -> None:
    graph = make_driver().graph
    assert overlay.planned_nodes(graph, ["report"], {"x"}) == {
        "x", "base", "doubled", "checked", "report"
    }  # fmt: skip
    assert overlay.planned_nodes(graph, ["report"], {"checked"}) == {"checked", "report"}
    assert "limit" in overlay.planned_nodes(graph, ["report"], {"x", "limit"})


def test_overlay_of_a_collapsed_group_shows_its_worst_status() -> None:
    dr = make_driver()
    with pytest.raises(ValueError):
        dr.execute(["report"], inputs={"x": 50})
    statuses = dict(dr.last_run.statuses)
    dot = build_dot(dr.graph, statuses=statuses, collapse_threshold=None)
    assert status_of(dot, "checked") == "failed"
    assert styles.status_of_group(["computed", "failed", "not_run"]) == "failed"
    assert styles.status_of_group(["computed", "reused"]) == "computed"
    assert styles.status_of_group([]) == styles.NOT_NEEDED


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed")
def test_overlay_renders_to_svg_with_status_classes() -> None:
    dr = make_driver()
    with pytest.raises(ValueError):
        dr.execute(["report"], inputs={"x": 50})
    root = ET.fromstring(dr.visualize_last_run().pipe("svg"))
    groups = {g.get("id"): g.get("class") for g in root.iter("{http://www.w3.org/2000/svg}g")}
    assert groups["checked"] == "node function status-failed path"
    assert groups["report"] == "node function status-not_run output"
    assert groups["doubled->checked"] == "edge dependency path"
    assert "ValueError: doubled is 102, above 100" in "".join(root.itertext())
