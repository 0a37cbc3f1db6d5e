"""The Driver's picture methods: Hamilton's names and arguments, what each view shows, files."""

from __future__ import annotations

import logging
import re
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest

from hamilton_nb import ad_hoc_utils, driver, errors
from hamilton_nb.io.materialization import from_, to
from hamilton_nb.visualization import driver_api, renderers
from hamilton_nb.visualization.digraph import DataflowDigraph

needs_renderer = pytest.mark.skipif(
    renderers.find_renderer() is None, reason="neither Graphviz dot nor graphviz-pure"
)

SOURCE = """
def spend(raw_spend: list) -> float:
    return float(sum(raw_spend))

def signups(raw_signups: list) -> int:
    return sum(raw_signups)

def per_signup(spend: float, signups: int, floor: float = 0.0) -> float:
    return max(spend / signups, floor)

def report(per_signup: float, currency: str) -> dict:
    return {"per_signup": per_signup, "currency": currency}

def unrelated(raw_signups: list) -> int:
    return len(raw_signups)
"""
INPUTS = {"raw_spend": [1, 2, 3], "raw_signups": [1, 1]}


def make_driver() -> Any:
    mod = ad_hoc_utils.module_from_source(textwrap.dedent(SOURCE))
    return driver.Builder().with_modules(mod).with_config({"currency": "EUR"}).build()


_NODE = re.compile(r'^\s*"([^"]+)" \[id="[^"]+" class="([^"]*)"', re.M)


def drawn(view: Any) -> dict[str, str]:
    return {
        m.group(1): m.group(2)
        for m in _NODE.finditer(view.source)
        if not m.group(1).startswith("legend:")
    }


def test_display_all_functions_returns_a_graphviz_digraph() -> None:
    graphviz = pytest.importorskip("graphviz")
    view = make_driver().display_all_functions()
    assert isinstance(view, graphviz.Digraph) and isinstance(view, DataflowDigraph)
    assert view.format == "pdf" and view.filename == "Digraph.gv"  # graphviz's defaults
    nodes = drawn(view)
    assert nodes["currency"] == "config"
    assert {"spend", "signups", "per_signup", "report", "unrelated"} <= set(nodes)
    if shutil.which("dot"):
        bundle = view._repr_mimebundle_()
        assert bundle["image/svg+xml"].startswith("<svg")
        assert 'id="per_signup"' in bundle["image/svg+xml"]


def test_visualize_execution_shows_what_would_run() -> None:
    dr = make_driver()
    view = dr.visualize_execution(["report"], inputs=INPUTS)
    nodes = drawn(view)
    assert set(nodes) == {
        "currency", "spend", "signups", "per_signup", "report", "inputs:spend", "inputs:signups",
    }  # fmt: skip
    assert nodes["report"] == "function output"
    assert "floor" not in view.source  # an optional input nobody gives is not used
    overridden = drawn(dr.visualize_execution(["report"], overrides={"per_signup": 2.0}))
    assert overridden["per_signup"] == "function override"
    assert "spend" not in overridden and "inputs:spend" not in overridden
    with pytest.raises(errors.MissingInputError, match="raw_spend"):
        dr.visualize_execution(["report"], inputs={"raw_signups": [1]})
    bypassed = drawn(dr.visualize_execution(["report"], bypass_validation=True))
    assert "inputs:spend" in bypassed
    with pytest.raises(errors.UnknownNodeError, match="did you mean 'report'"):
        dr.visualize_execution(["reprt"], inputs=INPUTS)


def test_upstream_downstream_and_path_views() -> None:
    dr = make_driver()
    up = drawn(dr.display_upstream_of("per_signup"))
    assert set(up) == {"spend", "signups", "per_signup", "inputs:spend", "inputs:signups",
                       "inputs:per_signup"}  # fmt: skip
    down = drawn(dr.display_downstream_of("signups"))
    assert set(down) == {"signups", "per_signup", "report"}
    with pytest.raises(errors.VisualizationError, match=r"needs at least one node name"):
        dr.display_upstream_of()
    with pytest.raises(errors.UnknownNodeError, match="did you mean 'signups'"):
        dr.display_downstream_of("signup")

    loose = dr.visualize_path_between("spend", "report")
    strict = dr.visualize_path_between("spend", "report", strict_path_visualization=True)
    assert set(drawn(strict)) == {"spend", "per_signup", "report"}
    assert {n for n, c in drawn(loose).items() if "path" in c.split()} == {
        "spend", "per_signup", "report"
    }  # fmt: skip
    assert {"signups", "currency"} <= set(drawn(loose))
    assert "label=<path>" in loose.source
    with pytest.raises(errors.VisualizationError, match="no path from 'report' to 'spend'"):
        dr.visualize_path_between("report", "spend")


def test_visualize_materialization_shows_loaders_and_savers(tmp_path: Path) -> None:
    dr = make_driver()
    view = dr.visualize_materialization(
        from_.json(target="raw_spend", path=str(tmp_path / "spend.json")),
        to.json(id="save_report", dependencies=["report"], path=str(tmp_path / "r.json")),
        additional_vars=["signups"],
        inputs={"raw_signups": [1]},
    )
    nodes = drawn(view)
    assert nodes["save_report"] == "saver output"
    assert nodes["load_data.raw_spend"] == "loader"
    assert nodes["signups"] == "function output"
    assert "unrelated" not in nodes
    assert not list(tmp_path.iterdir())  # nothing ran, nothing was written
    with pytest.raises(errors.UnknownNodeError, match="reprt"):
        dr.visualize_materialization(to.json(id="x", dependencies=["reprt"], path="x.json"))
    with pytest.raises(errors.VisualizationError, match="nothing to show"):
        dr.visualize_materialization()


@needs_renderer
def test_output_file_path_follows_hamiltons_rules(workdir: Path) -> None:
    dr = make_driver()
    dr.display_all_functions("a.svg")
    dr.display_all_functions(Path("b.png"))
    dr.display_all_functions("c", render_kwargs={"format": "svg"})  # no suffix: format added
    dr.display_all_functions("d.png", render_kwargs={"format": "svg"})  # format wins
    dr.display_all_functions("e.dot")
    dr.display_all_functions("f")  # png by default
    dr.visualize_execution(["report"], "g.svg", inputs=INPUTS, keep_dot=True)
    dr.display_all_functions("sub/h.svg")  # directories are made
    assert sorted(p.name for p in workdir.iterdir()) == [
        "a.svg", "b.png", "c.svg", "d.svg", "e.dot", "f.png", "g", "g.svg", "sub",
    ]  # fmt: skip
    assert (workdir / "a.svg").read_text().lstrip().startswith("<?xml")
    assert (workdir / "b.png").read_bytes().startswith(b"\x89PNG")
    assert (workdir / "e.dot").read_text().lstrip().startswith("digraph")
    assert 'id="report"' in (workdir / "g").read_text()  # keep_dot: the source, no suffix
    assert (workdir / "sub" / "h.svg").exists()


def test_render_kwargs_follow_hamilton(workdir: Path) -> None:
    dr = make_driver()
    with pytest.raises(TypeError, match="dpi"):
        dr.display_all_functions("a.svg", render_kwargs={"dpi": 300})
    with pytest.raises(ValueError, match="unknown format"):
        dr.display_all_functions("report.v2")
    assert dr.display_all_functions(render_kwargs={"format": "png"}) is not None  # ignored
    assert dr.display_all_functions("", render_kwargs={"view": True}) is not None
    assert not list(workdir.iterdir())


def test_graphviz_kwargs_configure_the_digraph_itself() -> None:
    dr = make_driver()
    view = dr.display_all_functions(
        graphviz_kwargs={"format": "svg", "engine": "neato", "graph_attr": {"ratio": "1"}}
    )
    assert (view.format, view.engine, view.filename) == ("svg", "neato", "Digraph.gv")
    assert view.graph_attr["ratio"] == "1" and "layout" not in view.graph_attr
    named = dr.display_all_functions(graphviz_kwargs={"name": "G"})
    assert (named.name, named.filename) == ("G", "G.gv")


def test_the_driver_shows_its_dag_in_a_notebook() -> None:
    bundle = make_driver()._repr_mimebundle_(include=["text/plain"])
    assert set(bundle) == {"text/plain"} and "lines of DOT" in bundle["text/plain"]


def test_display_graph_shows_the_execution_before_running(monkeypatch: Any) -> None:
    dr = make_driver()
    shown: list[Any] = []
    ipython_display = pytest.importorskip("IPython.display")
    monkeypatch.setattr(driver_api, "_in_ipython", lambda: object())
    monkeypatch.setattr(ipython_display, "display", lambda obj: shown.append(obj))
    result = dr.execute(["report"], inputs=INPUTS, display_graph=True)
    assert result["report"]["currency"] == "EUR"
    assert len(shown) == 1 and isinstance(shown[0], DataflowDigraph)
    assert drawn(shown[0])["report"] == "function output"
    dr.execute(["report"], inputs=INPUTS)
    assert len(shown) == 1  # only when asked


def test_display_graph_outside_ipython_logs_how_to_save(monkeypatch: Any, caplog: Any) -> None:
    monkeypatch.setattr(driver_api, "_in_ipython", lambda: None)
    with caplog.at_level(logging.WARNING, logger=driver_api.__name__):
        result = make_driver().execute(["signups"], inputs=INPUTS, display_graph=True)
    assert result["signups"] == 2
    assert "display_graph=True shows the DAG only in IPython/Jupyter" in caplog.text
