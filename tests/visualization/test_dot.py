"""DOT text of a dataflow: node kinds, styles, clusters, legend, escaping, custom styles.

The DOT is checked as text (a tiny golden picture, then attributes of named nodes and edges)
and, where Graphviz's ``dot`` is installed, rendered to SVG to check what the browser sees.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from hamilton_nb import ad_hoc_utils, driver, errors
from hamilton_nb.visualization.dot import build_dot, quote
from hamilton_nb.visualization.labels import html

_STATEMENT = re.compile(r'^\s*"((?:[^"\\]|\\.)*)" \[(.*)\]$')
_EDGE = re.compile(r'^\s*"((?:[^"\\]|\\.)*)" -> "((?:[^"\\]|\\.)*)" \[(.*)\]$')
_ATTR = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def _attrs(text: str) -> dict[str, str]:
    label = None
    if " label=<" in text:
        text, label = text.split(" label=<", 1)
        label = label[:-1]
    attrs = dict(_ATTR.findall(text))
    if label is not None:
        attrs["label"] = label
    return attrs


def nodes_of(dot: str) -> dict[str, dict[str, str]]:
    """Node statements by DOT name (legend entries included)."""
    found = {}
    for line in dot.splitlines():
        if _EDGE.match(line):
            continue
        match = _STATEMENT.match(line)
        if match:
            found[match.group(1)] = _attrs(match.group(2))
    return found


def edges_of(dot: str) -> dict[tuple[str, str], dict[str, str]]:
    found = {}
    for line in dot.splitlines():
        match = _EDGE.match(line)
        if match:
            found[(match.group(1), match.group(2))] = _attrs(match.group(3))
    return found


def module(source: str) -> Any:
    return ad_hoc_utils.module_from_source(textwrap.dedent(source))


def graph_of(source: str, config: dict[str, Any] | None = None, dynamic: bool = False) -> Any:
    builder = driver.Builder().with_modules(module(source)).with_config(config or {})
    if dynamic:
        builder = builder.enable_dynamic_execution(allow_experimental_mode=True)
    return builder.build().graph


TINY = """
def total(x: int) -> int:
    return x + 1
"""


def test_tiny_graph_golden_text() -> None:
    assert build_dot(graph_of(TINY)) == textwrap.dedent(
        """\
        // hamilton_nb dataflow
        digraph "dataflow" {
        \tgraph [id="hnb:graph" rankdir="LR" fontname="Helvetica" ranksep="0.4" nodesep="0.25"]
        \tnode [fontname="Helvetica" fontsize="11" margin="0.12,0.06"]
        \tedge [color="#555555" arrowsize="0.7"]
        \t"total" [id="total" class="function" shape="box" style="rounded,filled" fillcolor="#cfe6f2" label=<<b>total</b><br/><font point-size="10"><i>int</i></font>>]
        \t"inputs:total" [id="inputs:total" class="input" shape="box" style="dashed,filled" fillcolor="#ffffff" label=<<table border="0" cellborder="0" cellspacing="0" cellpadding="2"><tr><td align="left">x</td><td align="left"><i>int</i></td></tr></table>>]
        \t"inputs:total" -> "total" [id="inputs:total->total" class="dependency"]
        \tsubgraph "cluster:legend" {
        \t\tgraph [id="hnb:legend" class="legend" label="Legend" style="rounded" color="#bbbbbb" fontcolor="#555555" rank="same"]
        \t\t"legend:function" [id="legend:function" class="legend function" fontsize="9" height="0.3" margin="0.08,0.04" shape="box" style="rounded,filled" fillcolor="#cfe6f2" label=<function>]
        \t\t"legend:input" [id="legend:input" class="legend input" fontsize="9" height="0.3" margin="0.08,0.04" shape="box" style="dashed,filled" fillcolor="#ffffff" label=<input>]
        \t}
        }
        """  # noqa: E501
    )


KINDS = """
import pandas as pd
from hamilton_nb.function_modifiers import check_output, load_from, save_to, schema, tag, value
from hamilton_nb.htypes import Collect, Parallelizable

def raw_table(path: str, scale: float = 1.0) -> pd.DataFrame:
    return pd.DataFrame({"a": [1.0]}) * scale

@check_output(range=(0, 10))
def level(raw_table: pd.DataFrame, mode: str) -> float:
    return float(raw_table["a"].sum())

def items(level: float) -> Parallelizable[int]:
    yield from range(int(level))

def squared(items: int) -> int:
    return items * items

def summed(squared: Collect[int]) -> int:
    return sum(squared)

@tag(display_name='Report <"final"> & co')
@schema.output(("region", "str"), ("amount", "float"))
def report(summed: int, level: float) -> pd.DataFrame:
    return pd.DataFrame({"region": ["n"], "amount": [float(summed + level)]})

@load_from.json(path=value("settings.json"))
def settings(loaded: dict) -> dict:
    return loaded

@save_to.json(path=value("out.json"), output_name_="save_settings")
def settings_out(settings: dict) -> dict:
    return settings
"""


@pytest.fixture(scope="module")
def kinds_graph() -> Any:
    return graph_of(KINDS, {"mode": 'fast "and" <loose>'}, dynamic=True)


def test_each_kind_has_its_class_and_shape(kinds_graph: Any) -> None:
    drawn = nodes_of(build_dot(kinds_graph, outputs=["report"], overrides=["level"]))
    expected = {
        "raw_table": ("function", "box"),
        "level_raw": ("function", "box"),
        "level_range_validator": ("validator", "hexagon"),
        "items": ("expand", "box"),
        "summed": ("collect", "box"),
        "mode": ("config", "note"),
        "settings.load_data.loaded": ("loader", "cylinder"),
        "save_settings": ("saver", "cylinder"),
    }
    for name, (kind, shape) in expected.items():
        assert drawn[name]["class"].split()[0] == kind, name
        assert drawn[name]["shape"] == shape, name
        assert drawn[name]["id"] == name
    assert drawn["items"]["peripheries"] == "2" and drawn["summed"]["peripheries"] == "2"
    assert drawn["items"]["color"] != drawn["summed"]["color"]
    assert drawn["report"]["class"] == "function output"
    assert drawn["report"]["fillcolor"] == "#ffc857"
    assert drawn["level"]["class"] == "function override"
    assert "diagonals" in drawn["level"]["style"]
    assert drawn["settings.load_data.loaded"]["fillcolor"] != drawn["save_settings"]["fillcolor"]


def test_every_drawn_node_has_an_id_and_a_class(kinds_graph: Any) -> None:
    drawn = nodes_of(build_dot(kinds_graph))
    assert drawn
    for name, attrs in drawn.items():
        assert attrs["id"] == name
        assert attrs["class"]


def test_types_config_values_schema_and_display_name_on_labels(kinds_graph: Any) -> None:
    drawn = nodes_of(build_dot(kinds_graph))
    assert "<i>pd.DataFrame</i>" in drawn["raw_table"]["label"]
    assert "<i>Parallelizable[int]</i>" in drawn["items"]["label"]
    assert "<i>JSONDataLoader</i>" in drawn["settings.load_data.loaded"]["label"]
    # the config value, escaped for an HTML-like label
    assert "= 'fast &quot;and&quot; &lt;loose&gt;'" in drawn["mode"]["label"]
    report = drawn["report"]["label"]
    assert report.startswith("<b>Report &lt;&quot;final&quot;&gt; &amp; co</b>")
    assert "region: str" in report and "amount: float" in report
    no_schema = nodes_of(build_dot(kinds_graph, show_schema=False))["report"]["label"]
    assert "region" not in no_schema


def test_optional_dependencies_are_dashed_and_collect_edges_have_crows_feet() -> None:
    graph = graph_of(
        """
        from hamilton_nb.htypes import Collect, Parallelizable

        def base(x: int) -> int:
            return x

        def extra(base: int, factor: int = 2) -> int:
            return base * factor

        def combined(base: int, extra: int = 0) -> int:
            return base + extra

        def spread(combined: int) -> Parallelizable[int]:
            yield from range(combined)

        def each(spread: int) -> int:
            return spread

        def gathered(each: Collect[int]) -> list:
            return list(each)
        """,
        dynamic=True,
    )
    edges = edges_of(build_dot(graph))
    assert edges[("extra", "combined")]["style"] == "dashed"
    assert "optional" in edges[("extra", "combined")]["class"]
    assert "style" not in edges[("base", "combined")]
    assert edges[("each", "gathered")]["arrowtail"] == "crow"
    assert edges[("spread", "each")]["arrowhead"] == "crow"
    tables = nodes_of(build_dot(graph))
    assert "factor <font" in tables["inputs:extra"]["label"]  # marked (optional)
    assert edges[("inputs:extra", "extra")]["style"] == "dashed"  # its only input is optional
    assert "style" not in edges[("inputs:base", "base")]
    shared = edges_of(build_dot(graph, deduplicate_inputs=True))
    assert shared[("factor", "extra")]["style"] == "dashed"


NESTED = """
from hamilton_nb.function_modifiers import subdag, source

def leaf(seed: int) -> int:
    return seed + 1

def middle(leaf: int) -> int:
    return leaf * 2

@subdag(leaf, middle, inputs={"seed": source("start")})
def inner_result(middle: int) -> int:
    return middle

@subdag(inner_result, leaf, middle, inputs={})
def outer_result(inner_result: int) -> int:
    return inner_result
"""


def test_namespaces_are_nested_clusters() -> None:
    graph = graph_of(NESTED)
    dot = build_dot(graph)
    names = set(graph.nodes)
    assert "outer_result.inner_result.middle" in names
    outer = dot.index('subgraph "cluster:outer_result" {')
    inner = dot.index('subgraph "cluster:outer_result.inner_result" {')
    assert outer < inner
    # the deepest node sits inside the inner cluster, which closes inside the outer one
    node_at = dot.index('"outer_result.inner_result.middle" [')
    assert inner < node_at
    block = dot[outer:]
    depth, end = 0, 0
    for i, char in enumerate(block):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                end = i
                break
    assert node_at - outer < end
    assert 'id="namespace:outer_result.inner_result" class="namespace"' in dot


def test_legend_lists_only_the_kinds_present(kinds_graph: Any) -> None:
    plain = nodes_of(build_dot(graph_of(TINY)))
    assert {n for n in plain if n.startswith("legend:")} == {"legend:function", "legend:input"}
    full = nodes_of(build_dot(kinds_graph, outputs=["report"]))
    legend = {n.removeprefix("legend:") for n in full if n.startswith("legend:")}
    assert legend == {
        "function", "input", "config", "expand", "collect", "loader", "saver", "validator",
        "output",
    }  # fmt: skip
    assert full["legend:expand"]["label"] == "Parallelizable"
    assert "cluster:legend" not in build_dot(kinds_graph, show_legend=False)
    hidden = nodes_of(build_dot(graph_of(TINY), hide_inputs=True))
    assert "legend:input" not in hidden and "inputs:total" not in hidden


def test_orient_and_graphviz_kwargs_are_merged_into_graph_attributes() -> None:
    dot = build_dot(
        graph_of(TINY),
        orient="TB",
        graphviz_kwargs={
            "graph_attr": {"bgcolor": "lightgrey"},
            "node_attr": {"fontsize": 9},
            "edge_attr": {"color": "blue"},
            "name": "my flow",
            "ratio": 0.5,
        },
    )
    assert 'digraph "my flow" {' in dot
    graph_line = next(line for line in dot.splitlines() if line.startswith("\tgraph ["))
    assert 'rankdir="TB"' in graph_line and 'bgcolor="lightgrey"' in graph_line
    assert 'ratio="0.5"' in graph_line
    assert 'fontsize="9"' in next(line for line in dot.splitlines() if line.startswith("\tnode ["))
    assert 'color="blue"' in next(line for line in dot.splitlines() if line.startswith("\tedge ["))
    overridden = build_dot(graph_of(TINY), graphviz_kwargs={"graph_attr": {"rankdir": "RL"}})
    assert 'rankdir="RL"' in overridden and 'rankdir="LR"' not in overridden


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"orient": "sideways"}, "orient='sideways' is not a Graphviz rank direction"),
        ({"graphviz_kwargs": {"graph_attr": ["x"]}}, "must be a dict of Graphviz attributes"),
        ({"graphviz_kwargs": {"graph_attr": {"bgcolor": object}}}, "must be a string or number"),
        ({"graphviz_kwargs": "rankdir=LR"}, "graphviz_kwargs must be a dict"),
        ({"custom_style_function": "red"}, "custom_style_function is str, not a function"),
        ({"custom_style_function": lambda n: ({}, n, None)}, "cannot be called as fn(node="),
    ],
)
def test_bad_options_are_one_line_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(errors.VisualizationError) as caught:
        build_dot(graph_of(TINY), **kwargs)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_unknown_node_names_are_reported() -> None:
    with pytest.raises(errors.UnknownNodeError, match="unknown node 'totl'.*did you mean 'total'"):
        build_dot(graph_of(TINY), ["totl"])


def test_hide_and_deduplicate_inputs() -> None:
    graph = graph_of(
        """
        def first(x: int, y: int) -> int:
            return x + y

        def second(x: int, first: int) -> int:
            return x * first
        """
    )
    tables = nodes_of(build_dot(graph))
    assert {"inputs:first", "inputs:second"} <= set(tables)
    assert ">x<" in tables["inputs:first"]["label"] and ">x<" in tables["inputs:second"]["label"]
    shared = build_dot(graph, deduplicate_inputs=True)
    drawn = nodes_of(shared)
    assert "inputs:first" not in drawn
    assert drawn["x"]["class"] == "input" and drawn["x"]["id"] == "x"
    assert {("x", "first"), ("x", "second"), ("y", "first")} <= set(edges_of(shared))
    hidden = build_dot(graph, hide_inputs=True)
    assert "inputs:" not in hidden and '"x" [' not in hidden


def test_names_and_labels_are_escaped() -> None:
    assert quote('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert html('<b> & "q"') == "&lt;b&gt; &amp; &quot;q&quot;"
    assert html("bell\x07") == "bell"
    graph = graph_of(TINY, {"odd key": 'x" -> "y'})
    dot = build_dot(graph)
    assert '"odd key" [id="odd key" class="config"' in dot
    assert "= 'x&quot; -&gt; &quot;y'" in dot


def test_custom_style_function_as_hamilton_documents_it(kinds_graph: Any) -> None:
    calls: list[tuple[str, str, str]] = []

    def style(*, node: Any, node_class: str) -> tuple[dict[str, Any], str, str | None]:
        calls.append((type(node).__name__, node.name, node_class))
        if node.name == "raw_table":
            return {"fillcolor": "aquamarine", "penwidth": 2}, node_class, "data source"
        return {}, node_class, None

    dot = build_dot(kinds_graph, custom_style_function=style, deduplicate_inputs=True)
    seen = {name: node_class for _, name, node_class in calls}
    assert {kind for kind, _, _ in calls} == {"HamiltonNode"}
    assert seen["raw_table"] == "function" and seen["items"] == "function"
    assert seen["mode"] == "config" and seen["path"] == "input"
    drawn = nodes_of(dot)
    assert drawn["raw_table"]["fillcolor"] == "aquamarine"
    assert drawn["raw_table"]["penwidth"] == "2"
    assert drawn["legend:custom:data source"]["fillcolor"] == "aquamarine"
    assert drawn["legend:custom:data source"]["label"] == "data source"

    def broken(*, node: Any, node_class: str) -> Any:
        return {"fillcolor": "red"}

    with pytest.raises(
        errors.VisualizationError, match=r"returned \{'fillcolor': 'red'\} for node '"
    ):
        build_dot(kinds_graph, custom_style_function=broken)


def test_output_is_deterministic(kinds_graph: Any) -> None:
    names = list(kinds_graph.nodes)
    first = build_dot(kinds_graph, names)
    assert build_dot(kinds_graph, list(reversed(names))) == first
    assert build_dot(kinds_graph) == first


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed")
def test_svg_keeps_ids_and_classes(kinds_graph: Any) -> None:
    dot = build_dot(kinds_graph, outputs=["report"])
    svg = subprocess.run(
        ["dot", "-Tsvg"], input=dot.encode(), capture_output=True, check=True, timeout=60
    ).stdout
    root = ET.fromstring(svg)
    groups = {
        g.get("id"): g.get("class", "")
        for g in root.iter("{http://www.w3.org/2000/svg}g")
    }  # fmt: skip
    assert groups["report"] == "node function output"
    assert groups["items"] == "node expand"
    assert groups["settings.load_data.loaded"] == "node loader"
    assert groups["inputs:raw_table"] == "node input"
    assert groups["legend:validator"] == "node legend validator"
    assert groups["items->squared"].startswith("edge dependency expand")
    texts = "".join(root.itertext())
    assert 'Report <"final"> & co' in texts
