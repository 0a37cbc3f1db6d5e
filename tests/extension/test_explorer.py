"""The DAG explorer widget, driven through its traitlets and messages from Python."""

from __future__ import annotations

import html
import importlib.resources
import json
import sys

import pandas as pd
import pytest

from hamilton_nb import ad_hoc_utils, driver, errors
from hamilton_nb.extension import explorer, explorer_shapes
from hamilton_nb.function_modifiers import extract_columns, tag
from hamilton_nb.visualization import renderers

anywidget = pytest.importorskip("anywidget")


# -- the dataflow under test ----------------------------------------------------------------


@extract_columns("spend", "signups")
def raw(path: str) -> pd.DataFrame:
    """Load the marketing table."""
    return pd.DataFrame({"spend": [10.0, 20.0, 30.0, 40.0], "signups": [1, 2, 0, 4]})


@tag(owner="growth", stage="metrics")
def cost_per_signup(spend: pd.Series, signups: pd.Series, scale: float = 1.0) -> pd.Series:
    """Spend divided by signups."""
    return spend / signups * scale


def total_spend(spend: pd.Series) -> float:
    return float(spend.sum())


def report(total_spend: float, cost_per_signup: pd.Series) -> str:
    if total_spend > 1000:
        raise ValueError("budget exceeded")
    return f"total={total_spend} worst={cost_per_signup.max()}"


@pytest.fixture
def dr():
    module = ad_hoc_utils.create_temporary_module(
        raw, cost_per_signup, total_spend, report, module_name="marketing"
    )
    return driver.Builder().with_modules(module).build()


@pytest.fixture
def widget(dr):
    return explorer.explore(dr, inputs={"path": "data.csv"})


# -- the model --------------------------------------------------------------------------------


def test_explore_returns_an_anywidget_with_the_dag_and_every_node(widget):
    assert isinstance(widget, anywidget.AnyWidget)
    assert widget.svg.startswith("<svg")
    assert set(widget.nodes) == {
        "path", "raw", "spend", "signups", "scale", "cost_per_signup", "total_spend", "report",
    }  # fmt: skip
    for name, summary in widget.nodes.items():
        assert summary["element"] == name, name  # every node (inputs too) has its own shape
        assert f'id="{name}"' in widget.svg
    assert widget.nodes["cost_per_signup"]["tags"]["owner"] == "growth"
    assert widget.nodes["path"]["kind"] == "input"
    assert set(widget.outputs) == set(widget.nodes) - {"path", "scale"}
    json.dumps(widget.get_state())  # everything synced is JSON


def test_hover_sets_hold_every_transitive_upstream_and_downstream_element(widget):
    links = widget.elements["spend"]
    assert links["nodes"] == ["spend"]
    assert set(links["upstream"]) == {"raw", "path"}
    assert set(links["downstream"]) == {"cost_per_signup", "total_spend", "report"}
    assert set(widget.elements["report"]["upstream"]) == set(widget.nodes) - {"report"}
    assert widget.elements["report"]["downstream"] == []


def test_selecting_a_node_fills_its_details(widget):
    widget.selected = "cost_per_signup"
    details = widget.details
    assert details["signature"] == (
        "cost_per_signup(spend: pd.Series, signups: pd.Series, scale: float = 1.0) -> pd.Series"
    )
    assert details["doc"] == "Spend divided by signups."
    assert details["tags"]["owner"] == "growth" and details["tags"]["module"] == "marketing"
    assert details["module"] == "marketing"
    assert details["function"].endswith("cost_per_signup")
    line = cost_per_signup.__code__.co_firstlineno
    assert details["location"].endswith(f"test_explorer.py:{line}")
    assert details["source"].startswith("@tag(owner=")
    assert "return spend / signups * scale" in details["source"]
    assert details["dependencies"] == ["spend", "signups"]
    assert details["optional_dependencies"] == ["scale"]
    assert details["dependents"] == ["report"]
    assert widget.value_preview == "" and widget.timing == ""  # nothing ran yet
    assert widget.message == ""


def test_a_node_made_by_a_decorator_shows_the_function_it_came_from(widget):
    widget.select("signups")
    assert widget.details["signature"] == "signups(raw: pd.DataFrame) -> pd.Series"
    assert "def raw(path: str)" in widget.details["source"]
    assert widget.details["function"].endswith(".raw")


def test_an_input_has_no_source_and_shows_its_given_value(widget):
    widget.select("path")
    assert widget.details["source"].startswith("not available")
    assert widget.details["signature"] == "path: str"
    assert "&#x27;data.csv&#x27;" in widget.value_preview


def test_an_unknown_selection_is_an_error_message_not_an_exception(widget):
    widget.selected = "cost_per_sigup"
    assert widget.message_level == "error"
    assert "unknown node 'cost_per_sigup'" in widget.message
    assert "did you mean 'cost_per_signup'" in widget.message
    assert widget.details == {}
    widget.selected = "report"  # still works afterwards
    assert widget.details["name"] == "report"


def test_running_a_node_fills_its_preview_timing_and_the_overlay(widget):
    widget.select("cost_per_signup")
    widget._handle_custom_msg({"action": "run", "node": "cost_per_signup"}, [])
    assert widget.message_level == "info", widget.message
    assert widget.message.startswith("computed 'cost_per_signup' (4 nodes ran) in ")
    assert widget.value_preview.startswith('<div class="hnb-value-type">Series: 4 rows</div>')
    assert "<table" in widget.value_preview and "inf" in widget.value_preview
    assert "<th>value</th>" in widget.value_preview  # an unnamed Series gets a column name
    assert widget.timing.endswith(("µs", "ms", " s"))
    assert widget.overlay and "status-computed" in html.unescape(widget.svg)
    assert 'id="report"' in widget.svg  # the rest of the DAG is still drawn, as not needed
    assert widget.details["status"] == "computed"
    widget.select("raw")  # upstream of the run: status and time, its value was not kept
    assert widget.details["status"] == "computed"
    assert widget.timing and widget.value_preview == ""
    widget.select("total_spend")  # not part of that run
    assert widget.details["status"] == "not needed"
    assert widget.value_preview == "" and widget.timing == ""
    assert widget.busy is False


def test_run_defaults_to_the_selected_node_and_uses_overrides(dr):
    widget = explorer.explore(dr, overrides={"spend": pd.Series([1.0, 2.0])})
    widget.select("total_spend")
    widget.run()
    assert widget.message.startswith("computed 'total_spend' (1 nodes ran)"), widget.message
    assert "float" in widget.value_preview and "3.0" in widget.value_preview
    assert "status-overridden" in html.unescape(widget.svg)
    widget.select("spend")
    assert "Series: 2 rows" in widget.value_preview


def test_a_failing_node_lands_in_the_message_and_the_widget_keeps_working(dr):
    module = ad_hoc_utils.create_temporary_module(
        raw, cost_per_signup, total_spend, report, module_name="fails"
    )
    failing = driver.Builder().with_modules(module).build()
    widget = explorer.explore(failing, inputs={"path": "x"}, overrides={"spend": pd.Series([2e3])})
    widget.run("report")
    assert widget.message_level == "error"
    assert widget.message == "node 'report' failed: ValueError: budget exceeded"
    assert widget.busy is False
    assert "status-failed" in html.unescape(widget.svg)
    assert widget.selected == "report" and widget.value_preview == ""
    widget.run("total_spend")  # still usable
    assert widget.message_level == "info" and "2000.0" in widget.value_preview
    widget.run("report")
    other = explorer.explore(failing)  # no inputs: a request that cannot even start ...
    failed_svg = other.svg
    other.run("report")  # ... must not blame the failure of the driver's last run
    assert other.message.startswith("cannot run 'report': MissingInputError: "), other.message
    assert other.svg == failed_svg  # nothing ran: the picture stays


def test_a_missing_input_is_reported_with_the_input_name(dr):
    widget = explorer.explore(dr)
    widget.run("total_spend")
    assert widget.message_level == "error"
    assert "'path'" in widget.message
    widget.run("path")
    assert widget.message == (
        "'path' is an input without a value: pass it in explore(dr, inputs={'path': ...})"
    )


def test_run_without_a_selection_and_unknown_requests_are_messages(widget):
    widget.run()
    assert widget.message == "select a node to run, or call run('node_name')"
    widget._handle_custom_msg({"action": "explode"}, [])
    assert widget.message_level == "error" and "unknown request" in widget.message
    widget._handle_custom_msg({"action": "run", "node": "nope"}, [])
    assert widget.message.startswith("unknown node 'nope'")


def test_results_passed_in_are_previewed_without_running(dr):
    frame = pd.DataFrame({"a": range(50)})
    widget = explorer.explore(dr, results={"raw": frame, "report": "x" * 5000})
    widget.select("raw")
    assert "DataFrame: 50 rows x 1 columns" in widget.value_preview
    assert widget.value_preview.count("<tr") == explorer.PREVIEW_ROWS + 1  # header + head
    assert widget.timing == ""
    widget.select("report")
    assert "str: 5000 characters" in widget.value_preview
    assert len(widget.value_preview) < explorer.PREVIEW_CHARS + 200


def test_final_vars_mark_the_outputs_and_run_outputs_computes_them(dr):
    widget = explorer.explore(dr, final_vars=["total_spend"], inputs={"path": "p"})
    assert widget.outputs == ["total_spend"]
    assert "output" in widget.svg and 'id="report"' not in widget.svg
    assert widget.nodes["report"]["element"] is None  # known, searchable, not drawn
    widget._handle_custom_msg({"action": "run_outputs"}, [])
    assert widget.message.startswith("computed 1 outputs (3 nodes ran)"), widget.message
    widget.select("total_spend")
    assert "100.0" in widget.value_preview
    with pytest.raises(errors.UnknownNodeError, match="'nope'"):
        explorer.explore(dr, final_vars=["nope"])


def test_search_filters_by_name_kind_and_tag(widget):
    widget.query = "spend"
    assert widget.matches == ["spend", "total_spend"]
    assert set(widget.dimmed) == set(widget.nodes) - {"spend", "total_spend"}
    widget.query = "owner=growth"
    assert widget.matches == ["cost_per_signup"]
    widget.query = "INPUT  sc"
    assert widget.matches == ["scale"]
    widget.query = "no-such-thing"
    assert widget.matches == [] and set(widget.dimmed) == set(widget.nodes)
    widget.query = ""
    assert widget.matches == list(widget.nodes) and widget.dimmed == []


def test_view_modes_show_upstream_or_downstream_of_the_selection(widget):
    widget.view_mode = "upstream"
    assert widget.dimmed == [] and widget.message == "select a node to show its upstream only"
    widget.selected = "total_spend"
    assert set(widget.dimmed) == set(widget.nodes) - {"total_spend", "spend", "raw", "path"}
    widget.view_mode = "downstream"
    assert set(widget.dimmed) == set(widget.nodes) - {"total_spend", "report"}
    widget.query = "report"  # search and view mode combine
    assert set(widget.dimmed) == set(widget.nodes) - {"report"}
    widget.query = ""
    widget.view_mode = "sideways"
    assert widget.view_mode == "downstream"
    assert widget.message_level == "error" and "'sideways'" in widget.message
    widget.view_mode = "all"
    assert widget.dimmed == []


def test_a_replaced_graph_is_picked_up_before_running(dr, widget):
    module = ad_hoc_utils.create_temporary_module(raw, total_spend, module_name="smaller")
    widget.run("cost_per_signup")
    widget.select("cost_per_signup")
    assert widget.value_preview
    dr.graph = driver.Builder().with_modules(module).build().graph
    widget.run("total_spend")
    assert "report" not in widget.nodes and "cost_per_signup" not in widget.nodes
    assert widget.message.startswith("computed 'total_spend'"), widget.message
    assert set(widget._values) == {"path", "total_spend"}  # values of the old code dropped


def test_without_a_renderer_the_dot_text_is_shown_and_exploring_still_works(dr, monkeypatch):
    monkeypatch.setattr(renderers, "system_dot", lambda: None)
    monkeypatch.setattr(renderers, "wheel_renderer", lambda: None)
    widget = explorer.explore(dr)
    assert widget.svg == ""
    assert widget.dot_source.startswith("//") and '"cost_per_signup"' in widget.dot_source
    assert widget.message_level == "error"
    assert widget.message.startswith("DAG not drawn: no Graphviz renderer found")
    assert all(summary["element"] is None for summary in widget.nodes.values())
    widget.select("report")
    assert widget.details["name"] == "report"


def test_without_anywidget_explore_says_how_to_install_it(dr, monkeypatch):
    monkeypatch.setitem(sys.modules, "anywidget", None)
    monkeypatch.delitem(sys.modules, "hamilton_nb.extension.explorer_widget", raising=False)
    install = r'pip install "hamilton-nb\[notebook\]"'
    with pytest.raises(errors.MissingDependencyError, match=install) as caught:
        explorer.explore(dr)
    assert isinstance(caught.value, ImportError)


def test_explore_rejects_what_is_not_a_driver_or_a_dict(dr):
    with pytest.raises(errors.VisualizationError, match="takes a hamilton_nb Driver, got module"):
        explore_module = sys.modules[__name__]
        explorer.explore(explore_module)
    with pytest.raises(errors.VisualizationError, match=r"explore\(inputs=\.\.\.\) takes a dict"):
        explorer.explore(dr, inputs=[("path", "x")])


def test_explore_is_exposed_by_the_extension_package():
    import hamilton_nb.extension

    assert hamilton_nb.extension.explore is explorer.explore


# -- browser assets ------------------------------------------------------------------------------


def test_the_assets_ship_inside_the_package_and_are_the_widgets_esm_and_css(widget):
    files = importlib.resources.files("hamilton_nb.extension")
    esm = (files / "explorer.js").read_text(encoding="utf-8")
    css = (files / "explorer.css").read_text(encoding="utf-8")
    assert "function render({ model, el })" in esm
    assert "export default { render };" in esm
    assert "http://" not in esm + css and "https://" not in esm + css  # no network resources
    assert widget._esm == esm and widget._css == css
    for name in ("svg", "dimmed", "elements", "details", "value_preview", "message", "busy"):
        assert f'"{name}"' in esm or f"change:{name}" in esm, name
    for cls in ("hnb-up", "hnb-down", "hnb-dim", "hnb-selected"):
        assert cls in esm and f".{cls}" in css


# -- plain functions ------------------------------------------------------------------------------


def test_element_of_maps_folded_nodes_to_their_namespace_or_module_group():
    summaries = {
        "a": {"namespace": "", "module": "m", "dependencies": []},
        "ns.b": {"namespace": "ns", "module": "m", "dependencies": ["a"]},
        "ns.inner.c": {"namespace": "ns.inner", "module": "m", "dependencies": ["ns.b"]},
        "d": {"namespace": "", "module": "other", "dependencies": ["ns.inner.c"]},
        "e": {"namespace": "", "module": "gone", "dependencies": ["d"]},
    }
    drawn = ["a", "group:namespace:ns", "group:module:other"]
    elements = explorer_shapes.element_of(summaries, drawn)
    assert elements == {
        "a": "a",
        "ns.b": "group:namespace:ns",
        "ns.inner.c": "group:namespace:ns",
        "d": "group:module:other",
        "e": None,
    }
    links = explorer_shapes.element_links(summaries, elements)
    assert links["group:namespace:ns"] == {
        "nodes": ["ns.b", "ns.inner.c"],
        "upstream": ["a"],
        "downstream": ["group:module:other"],
    }
    assert explorer_shapes.dimmed_elements(elements, {"ns.b"}) == ["a", "group:module:other"]


def test_element_links_fall_back_to_direct_links_beyond_the_budget():
    summaries = {
        "a": {"dependencies": []},
        "b": {"dependencies": ["a"]},
        "c": {"dependencies": ["b"]},
    }
    elements = {name: name for name in summaries}
    full = explorer_shapes.element_links(summaries, elements)
    assert full["c"]["upstream"] == ["a", "b"] and full["a"]["downstream"] == ["b", "c"]
    direct = explorer_shapes.element_links(summaries, elements, budget=3)
    assert direct["c"]["upstream"] == ["b"] and direct["a"]["downstream"] == ["b"]
    assert direct["b"] == {"nodes": ["b"], "upstream": ["a"], "downstream": ["c"]}


def test_drawn_elements_reads_node_ids_from_graphviz_svg_and_skips_the_legend():
    svg = (
        '<g id="hnb:graph" class="graph"><g id="a&#45;&gt;b" class="edge dependency">'
        '<g id="a" class="node function output"><g id="x&amp;y" class="node">'
        '<g id="legend:function" class="node legend function">'
    )
    assert explorer_shapes.drawn_elements(svg) == ["a", "x&y"]


def test_related_walks_dependencies_or_dependents():
    summaries = {
        "i": {"dependencies": [], "dependents": ["a"], "external": True},
        "a": {"dependencies": ["i"], "dependents": ["b", "c"], "external": False},
        "b": {"dependencies": ["a"], "dependents": ["c"], "external": False},
        "c": {"dependencies": ["b", "a"], "dependents": [], "external": False},
    }
    assert explorer.related(summaries, "a", "downstream") == ["a", "b", "c"]
    assert explorer.related(summaries, "b", "upstream") == ["i", "a", "b"]


class _BrokenRepr:
    def __repr__(self) -> str:
        raise RuntimeError("no repr for you")


def test_preview_html_escapes_truncates_and_survives_broken_values():
    assert explorer.preview_html("<b>") == (
        '<div class="hnb-value-type">str</div>'
        '<pre class="hnb-value-repr">&#x27;&lt;b&gt;&#x27;</pre>'
    )
    long = explorer.preview_html(list(range(10_000)), max_chars=50)
    assert "list: 10000 items" in long and "…</pre>" in long
    broken = explorer.preview_html(_BrokenRepr())
    assert "preview not available: RuntimeError: no repr for you" in broken
    series = explorer.preview_html(pd.Series([1, 2, 3], name="n"))
    assert "Series: 3 rows" in series and "<table" in series and "<th>n</th>" in series


def test_preview_html_shows_a_polars_frame_as_a_table():
    pl = pytest.importorskip("polars")
    preview = explorer.preview_html(pl.DataFrame({"x": list(range(30))}))
    assert "DataFrame: 30 rows x 1 columns" in preview and "<table" in preview


def test_format_seconds():
    assert explorer.format_seconds(0.0004) == "400 µs"
    assert explorer.format_seconds(0.0123) == "12.3 ms"
    assert explorer.format_seconds(4.567) == "4.57 s"
