"""Large graphs: namespaces, then modules, fold into group nodes; fast layout settings."""

from __future__ import annotations

import re
import shutil
import textwrap
from typing import Any

import pytest

from hamilton_nb import ad_hoc_utils, driver, errors
from hamilton_nb.visualization import collapse, styles
from hamilton_nb.visualization.dot import build_dot


def steps_source(count: int, prefix: str) -> str:
    """``{prefix}0(seed)`` then a chain ``{prefix}i({prefix}i-1)``."""
    lines = [f"def {prefix}0(seed: int) -> int:\n    return seed\n"]
    for i in range(1, count):
        lines.append(
            f"def {prefix}{i}({prefix}{i - 1}: int) -> int:\n    return {prefix}{i - 1} + 1\n"
        )
    return "\n".join(lines)


PIPELINES = textwrap.dedent(
    """
    from hamilton_nb.function_modifiers import source, subdag

    {steps}

    def inner_total(s4: int) -> int:
        return s4

    @subdag(s0, s1, s2, s3, s4, inner_total, inputs={{"seed": source("start")}})
    def nested(inner_total: int) -> int:
        return inner_total

    @subdag(
        s0, s1, s2, s3, s4, nested,
        inputs={{"seed": source("start"), "start": source("start")}},
        namespace="alpha",
    )
    def alpha_total(s4: int, nested: int) -> int:
        return s4 + nested

    @subdag(s0, s1, s2, s3, s4, inputs={{"seed": source("start")}}, namespace="beta")
    def beta_total(s4: int) -> int:
        return s4

    def both(alpha_total: int, beta_total: int) -> int:
        return alpha_total + beta_total
    """
)


def make_driver() -> Any:
    pipelines = ad_hoc_utils.module_from_source(
        PIPELINES.format(steps=steps_source(5, "s")), module_name="pipelines"
    )
    extras = ad_hoc_utils.module_from_source(
        steps_source(6, "e")
        .replace("seed: int", "both: int")
        .replace("return seed", "return both"),
        module_name="extras",
    )
    return driver.Builder().with_modules(pipelines, extras).build()


_NODE = re.compile(r'^\s*"([^"]+)" \[id="[^"]+" class="([^"]*)"(.*)$', re.M)


def drawn(dot: str) -> dict[str, str]:
    return {
        m.group(1): m.group(2) for m in _NODE.finditer(dot) if not m.group(1).startswith("legend:")
    }


def graph_line(dot: str) -> str:
    return next(line for line in dot.splitlines() if line.startswith("\tgraph ["))


def test_small_graphs_are_not_folded() -> None:
    dr = make_driver()
    dot = build_dot(dr.graph)
    assert not any(name.startswith("group:") for name in drawn(dot))
    assert 'subgraph "cluster:alpha.nested" {' in dot
    assert "nslimit" not in graph_line(dot)


def test_namespaces_fold_first() -> None:
    dr = make_driver()
    names = set(dr.graph.nodes)
    dot = build_dot(dr.graph, collapse_threshold=len(names) - 1)
    nodes = drawn(dot)
    assert nodes["group:namespace:alpha"] == "group namespace"
    assert nodes["group:namespace:beta"] == "group namespace"
    assert not any(n.startswith(("alpha.", "beta.", "nested.")) for n in nodes)
    assert "group:module:pipelines" not in nodes  # folding namespaces was enough
    assert "both" in nodes and "e5" in nodes
    alpha = dot.split('"group:namespace:alpha" [')[1].splitlines()[0]
    alpha_size = sum(1 for n in names if n.startswith("alpha."))
    assert f"{alpha_size} nodes (namespace)" in alpha
    assert 'subgraph "cluster:alpha' not in dot
    # edges into and out of a group are drawn once
    assert dot.count('"group:namespace:alpha" -> "alpha_total"') == 1
    assert '"inputs:group:namespace:alpha"' in dot  # the group's own inputs table
    assert "collapsed group" in dot  # legend


def test_modules_fold_when_namespaces_are_not_enough() -> None:
    dr = make_driver()
    dot = build_dot(dr.graph, collapse_threshold=5)
    nodes = drawn(dot)
    assert nodes["group:module:pipelines"] == "group module"
    assert nodes["group:module:extras"] == "group module"
    assert "group:namespace:alpha" in nodes  # namespaces stay their own groups
    assert "e3" not in nodes and "both" not in nodes
    assert '"group:module:pipelines" -> "group:module:extras"' in dot
    assert "nslimit" in graph_line(dot)  # still large: the fast layout settings apply


def test_a_single_module_is_never_folded_into_one_box() -> None:
    mod = ad_hoc_utils.module_from_source(steps_source(40, "n"), module_name="one")
    graph = driver.Builder().with_modules(mod).build().graph
    dot = build_dot(graph, collapse_threshold=10)
    assert not any(name.startswith("group:") for name in drawn(dot))
    line = graph_line(dot)
    for key, value in collapse.FAST_LAYOUT.items():
        assert f'{key}="{value}"' in line
    user = build_dot(graph, collapse_threshold=10, graphviz_kwargs={"splines": "ortho"})
    assert 'splines="ortho"' in graph_line(user) and 'splines="line"' not in user


def test_expand_keeps_named_groups_open() -> None:
    dr = make_driver()
    threshold = len(dr.graph.nodes) - 1
    dot = build_dot(dr.graph, collapse_threshold=threshold, expand=["alpha"])
    nodes = drawn(dot)
    assert "alpha.s3" in nodes and "group:namespace:alpha" not in nodes
    assert "group:namespace:alpha.nested" in nodes  # the inner namespace folds inside alpha
    assert "group:namespace:beta" in nodes
    cluster = dot.index('subgraph "cluster:alpha" {')
    assert cluster < dot.index('"group:namespace:alpha.nested" [')
    opened = drawn(build_dot(dr.graph, collapse_threshold=5, expand=["extras", "beta"]))
    assert "e3" in opened and "beta.s2" in opened and "group:module:pipelines" in opened


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"expand": ["alpah"]}, r"expand names 'alpah'.*did you mean 'alpha'"),
        ({"collapse_threshold": 0}, "collapse_threshold must be a positive node count or None"),
        ({"collapse_threshold": "300"}, "collapse_threshold must be a positive node count"),
    ],
)
def test_bad_collapse_options(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(errors.VisualizationError, match=message):
        build_dot(make_driver().graph, **kwargs)


def test_collapsed_overlay_shows_the_most_telling_status() -> None:
    dr = make_driver()
    dr.record_timings = True
    dr.execute(["both"], inputs={"start": 1})
    dot = dr.visualize_last_run(collapse_threshold=10).source
    line = dot.split('"group:namespace:alpha" [')[1].splitlines()[0]
    assert "status-computed" in line
    assert re.search(r"\d+ computed", line)
    assert re.search(r"\d+(\.\d+)? (µs|ms|s)<", line)  # summed member durations
    extras = dot.split('"group:module:extras" [')[1].splitlines()[0]
    assert "status-not_needed" in extras and "6 not needed" in extras
    assert styles.status_of_group(["computed", "failed", "not_run"]) == "failed"
    assert styles.status_of_group(["reused", "computed"]) == "computed"
    assert styles.status_of_group([]) == styles.NOT_NEEDED


def test_plan_collapse_counts() -> None:
    dr = make_driver()
    visible = list(dr.graph.order)
    kinds = {n: styles.node_kind(dr.graph.nodes[n], dr.graph.config) for n in visible}
    folded = collapse.plan_collapse(dr.graph, visible, kinds, threshold=7)
    assert folded.drawn_count == len(visible) - len(folded.group_of) + len(folded.groups)
    # five groups and the two inputs (seed, start), which never fold
    assert folded.drawn_count == 7 and folded.fast_layout is False  # small once folded
    assert set(folded.groups) == {
        "namespace:alpha", "namespace:beta", "namespace:nested", "module:pipelines",
        "module:extras",
    }  # fmt: skip
    assert collapse.plan_collapse(dr.graph, visible, kinds, threshold=6).fast_layout is True
    assert all(kinds[name] != styles.INPUT for name in folded.group_of)
    unfolded = collapse.plan_collapse(dr.graph, visible, kinds, threshold=None)
    assert not unfolded.groups and unfolded.drawn_count == len(visible)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed")
def test_folded_graph_renders() -> None:
    svg = make_driver().display_all_functions(collapse_threshold=5).pipe("svg").decode()
    assert 'id="group:namespace:alpha"' in svg
    assert "(namespace)" in svg
