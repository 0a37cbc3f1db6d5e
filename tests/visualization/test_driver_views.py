"""The Driver's picture methods: Hamilton's names and arguments, what each view shows, files."""

from __future__ import annotations

import inspect
import logging
import re
import shutil
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from hamilton_nb import ad_hoc_utils, driver, errors
from hamilton_nb.io.materialization import from_, to
from hamilton_nb.visualization import driver_api
from hamilton_nb.visualization.render import GraphView

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz 'dot' is not installed"
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


def drawn(view: GraphView) -> dict[str, str]:
    return {
        m.group(1): m.group(2)
        for m in _NODE.finditer(view.source)
        if not m.group(1).startswith("legend:")
    }


def test_every_method_takes_hamiltons_arguments() -> None:
    hamilton_driver = pytest.importorskip("hamilton.driver")
    for method in (
        "display_all_functions", "visualize_execution", "display_upstream_of",
        "display_downstream_of", "visualize_path_between", "visualize_materialization",
    ):  # fmt: skip
        theirs = inspect.signature(getattr(hamilton_driver.Driver, method)).parameters
        ours = inspect.signature(getattr(driver.Driver, method)).parameters
        assert list(theirs) == list(ours)[: len(theirs)], method
        for name, parameter in theirs.items():
            assert ours[name].kind == parameter.kind, (method, name)
            if parameter.default is not inspect.Parameter.empty:
                assert ours[name].default == parameter.default, (method, name)


def test_display_all_functions_returns_an_inline_view() -> None:
    view = make_driver().display_all_functions()
    assert isinstance(view, GraphView)
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


@needs_dot
def test_output_file_path_writes_one_file_per_call(tmp_path: Path) -> None:
    dr = make_driver()
    dr.display_all_functions(str(tmp_path / "a.svg"))
    dr.display_all_functions(tmp_path / "b.png")
    dr.display_all_functions(str(tmp_path / "c"), render_kwargs={"format": "pdf"})
    dr.display_all_functions(str(tmp_path / "d.png"), render_kwargs={"format": "svg"})
    dr.display_all_functions(str(tmp_path / "e.dot"))
    dr.visualize_execution(["report"], str(tmp_path / "f.svg"), inputs=INPUTS, keep_dot=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "a.svg", "b.png", "c.pdf", "d.svg", "e.dot", "f.gv", "f.svg",
    ]  # fmt: skip
    assert (tmp_path / "a.svg").read_text().lstrip().startswith("<?xml")
    assert (tmp_path / "b.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "e.dot").read_text().startswith("// hamilton_nb dataflow")
    assert 'id="report"' in (tmp_path / "f.gv").read_text()


def test_bad_render_kwargs_are_clear_errors(tmp_path: Path) -> None:
    dr = make_driver()
    with pytest.raises(
        errors.VisualizationError, match=r"render_kwargs \['dpi'\] are not supported"
    ):
        dr.display_all_functions(str(tmp_path / "a.svg"), render_kwargs={"dpi": 300})
    with pytest.raises(errors.VisualizationError, match="only apply when saving"):
        dr.display_all_functions(render_kwargs={"format": "png"})
    assert not list(tmp_path.iterdir())


def test_display_graph_shows_the_execution_before_running(monkeypatch: Any) -> None:
    dr = make_driver()
    shown: list[Any] = []
    ipython_display = pytest.importorskip("IPython.display")
    monkeypatch.setattr(driver_api, "_in_ipython", lambda: object())
    monkeypatch.setattr(ipython_display, "display", lambda obj: shown.append(obj))
    result = dr.execute(["report"], inputs=INPUTS, display_graph=True)
    assert result["report"]["currency"] == "EUR"
    assert len(shown) == 1 and isinstance(shown[0], GraphView)
    assert drawn(shown[0])["report"] == "function output"
    dr.execute(["report"], inputs=INPUTS)
    assert len(shown) == 1  # only when asked


def test_display_graph_outside_ipython_logs_how_to_save(monkeypatch: Any, caplog: Any) -> None:
    monkeypatch.setattr(driver_api, "_in_ipython", lambda: None)
    with caplog.at_level(logging.WARNING, logger=driver_api.__name__):
        result = make_driver().execute(["signups"], inputs=INPUTS, display_graph=True)
    assert result["signups"] == 2
    assert "display_graph=True shows the DAG only in IPython/Jupyter" in caplog.text


def test_same_nodes_as_hamilton_for_an_execution(monkeypatch: Any) -> None:
    hamilton_driver = pytest.importorskip("hamilton.driver")
    mod = ad_hoc_utils.module_from_source(textwrap.dedent(SOURCE), module_name="viz_reference")
    monkeypatch.setitem(sys.modules, mod.__name__, mod)  # Hamilton looks modules up there
    theirs = hamilton_driver.Builder().with_modules(mod).with_config({"currency": "EUR"}).build()
    their_dot = theirs.visualize_execution(["report"], inputs=INPUTS).source
    their_functions = set(re.findall(r"^\t(\w+) \[label=<<b>", their_dot, re.M))
    ours = {
        n for n, c in drawn(make_driver().visualize_execution(["report"], inputs=INPUTS)).items()
        if c.split()[0] in ("function", "config")
    }  # fmt: skip
    assert ours == their_functions
