"""The ``graphviz.Digraph`` the Driver's methods return: graphviz's own surface, inline display,
pictures saved by suffix, and graphviz's backend used unchanged when ``dot`` is on PATH."""

from __future__ import annotations

import importlib
import os
import shutil
import stat
from pathlib import Path

import graphviz
import pytest

from hamilton_nb.errors import RenderError, UnsupportedFormatError
from hamilton_nb.visualization import dot as dot_module
from hamilton_nb.visualization import renderers, styles
from hamilton_nb.visualization.digraph import DataflowDigraph, from_parts
from hamilton_nb.visualization.renderers import Renderer

render_module = importlib.import_module("hamilton_nb.visualization.render")

BODY = [
    '\tsubgraph cluster_ns {\n', '\t\tlabel="ns"\n', '\t\t"ns.x" [label=<<b>ns.x</b>>]\n',
    "\t}\n", "\tspend [label=<<b>spend</b><br/><i>pd.Series</i>>]\n",
    '\tspend -> "ns.x" [style=dashed]\n',
]  # fmt: skip
MAGIC = {"svg": b"<?xml", "png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-", "jpeg": b"\xff\xd8\xff"}

needs_wheel = pytest.mark.skipif(
    renderers.wheel_renderer() is None, reason="graphviz-pure is not installed"
)


def picture(**kwargs: object) -> DataflowDigraph:
    return DataflowDigraph(
        name="dag", graph_attr={"rankdir": "LR"}, node_attr={"shape": "rectangle"},
        body=list(BODY), **kwargs,
    )  # fmt: skip


@pytest.fixture
def graphviz_dot_on_path(tmp_path, monkeypatch) -> Path:
    """A ``dot`` on PATH (graphviz-pure under that name), so graphviz's backend runs it."""
    wheel = renderers.wheel_renderer()
    executable = wheel.executable if wheel is not None else shutil.which("dot")
    assert executable, "neither graphviz-pure nor Graphviz's dot is installed (make sysdeps)"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "dot").symlink_to(executable)
    monkeypatch.setenv("PATH", str(bin_dir))
    return bin_dir


# -- a graphviz object ----------------------------------------------------------------------


def test_from_parts_puts_the_settings_in_graphvizs_attribute_dicts():
    settings = styles.GraphSettings(
        name="flow", comment="c", graph={"rankdir": "LR"}, node={"shape": "box"}, edge={}
    )
    made = from_parts(dot_module.DotParts(settings, ("\ta -> b",)), format="svg")
    assert isinstance(made, graphviz.Digraph)
    assert made.graph_attr == {"rankdir": "LR"} and made.node_attr == {"shape": "box"}
    assert made.body == ["\ta -> b\n"] and made.format == "svg"
    assert (
        made.source
        == "// c\ndigraph flow {\n\tgraph [rankdir=LR]\n\tnode [shape=box]\n\ta -> b\n}\n"
    )
    made.graph_attr["rankdir"] = "TB"
    made.attr("node", color="red")
    assert "graph [rankdir=TB]" in made.source and "\tnode [color=red]\n}" in made.source


def test_copy_and_subgraph_keep_working():
    original = picture()
    copied = original.copy()
    assert type(copied) is DataflowDigraph and copied.source == original.source
    with original.subgraph(name="cluster_more") as inner:
        inner.node("extra")
    assert "extra" in original.source and "extra" not in copied.source


def test_renders_nothing_until_shown_and_caches_the_svg(run_calls):
    view = picture()
    assert "lines of DOT" in repr(view) and str(view) == view.source
    assert run_calls == []
    view._repr_mimebundle_()
    view._repr_mimebundle_()
    assert view._repr_svg_() is not None
    assert run_calls == ["svg"]
    view.attr(rankdir="TB")  # a changed graph is drawn again
    view._repr_mimebundle_()
    assert run_calls == ["svg", "svg"]


# -- notebook display -----------------------------------------------------------------------


def test_mimebundle_has_embeddable_svg_and_text():
    bundle = picture()._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/plain"}
    svg = bundle["image/svg+xml"]
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<?xml" not in svg and "DOCTYPE" not in svg
    assert picture()._repr_svg_() == svg == picture()._repr_image_svg_xml()


def test_mimebundle_honours_include_and_exclude(run_calls):
    view = picture()
    assert set(view._repr_mimebundle_(include=["text/plain"])) == {"text/plain"}
    assert set(view._repr_mimebundle_(exclude=["image/svg+xml"])) == {"text/plain"}
    assert view._repr_mimebundle_(include=[]) == {}
    assert run_calls == []
    png = view._repr_mimebundle_(include=["image/png"])
    assert set(png) == {"image/png"} and png["image/png"].startswith(MAGIC["png"])


def test_ipython_display_formatter_picks_the_svg():
    formatters = pytest.importorskip("IPython.core.formatters")
    data, _ = formatters.DisplayFormatter().format(picture())
    assert data["image/svg+xml"].startswith("<svg")
    assert "text/plain" in data


@needs_wheel
def test_display_of_broken_dot_shows_source_and_error_instead_of_raising(run_calls):
    view = DataflowDigraph(body=["\ta -> ;\n"])
    bundle = view._repr_mimebundle_()
    assert "image/svg+xml" not in bundle
    assert "DAG not drawn: " in bundle["text/html"]
    assert "a -&gt; ;" in bundle["text/html"]
    assert bundle["text/plain"].endswith(view.source)
    assert view._repr_svg_() is None
    assert run_calls == ["svg"]  # the failure is remembered, not retried per display call
    with pytest.raises(RenderError):
        view._repr_image_svg_xml()


# -- save_picture: atomic, format from the suffix -------------------------------------------


@needs_wheel
@pytest.mark.parametrize("suffix", [".svg", ".png", ".pdf", ".dot", ".gv", ".jpg", ".SVG"])
def test_save_picture_format_follows_the_suffix(tmp_path, suffix):
    target = tmp_path / f"dag{suffix}"
    fmt = render_module.format_for_path(target)
    if fmt == "pdf" and renderers.system_dot() is None:
        with pytest.raises(UnsupportedFormatError, match="graphviz-pure cannot write 'pdf'"):
            picture().save_picture(target)
        assert list(tmp_path.iterdir()) == []
        return
    assert picture().save_picture(target) == target
    data = target.read_bytes()
    if fmt == "dot":
        assert data == picture().source.encode()
    else:
        assert data.startswith(MAGIC[fmt])
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no .gv, no temporary file


def test_save_picture_with_explicit_format_and_new_directories(tmp_path):
    target = tmp_path / "out" / "deeper" / "picture.bin"
    picture().save_picture(target, format="PNG")
    assert target.read_bytes().startswith(MAGIC["png"])


def test_save_picture_without_a_suffix_asks_for_a_format(tmp_path):
    with pytest.raises(UnsupportedFormatError, match=r"from its name; use a suffix such as .svg"):
        picture().save_picture(tmp_path / "dag")
    with pytest.raises(IsADirectoryError, match="it is a directory; give a file name"):
        picture().save_picture(tmp_path, format="svg")
    assert list(tmp_path.iterdir()) == []


@needs_wheel
def test_failed_save_keeps_the_existing_file(tmp_path):
    target = tmp_path / "dag.svg"
    target.write_text("previous picture")
    target.chmod(0o640)
    with pytest.raises(RenderError):
        DataflowDigraph(body=["\ta -> \n"]).save_picture(target)
    assert target.read_text() == "previous picture"
    assert [p.name for p in tmp_path.iterdir()] == ["dag.svg"]
    picture().save_picture(target)
    assert target.read_bytes().startswith(b"<?xml")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


# -- graphviz's own pipe/render ---------------------------------------------------------------


def test_with_dot_on_path_graphvizs_backend_runs_it(graphviz_dot_on_path, workdir, monkeypatch):
    used: list[str] = []
    monkeypatch.setattr(Renderer, "run", lambda *a, **k: used.append("ours"))  # must not run
    view = picture(format="png")
    assert view.pipe().startswith(MAGIC["png"])
    assert view.pipe(format="svg", encoding="utf-8").startswith("<?xml")
    assert view.render("dag") == "dag.png"
    assert sorted(os.listdir(workdir)) == ["bin", "dag", "dag.png"]
    with pytest.raises(graphviz.CalledProcessError):  # graphviz's error, not ours
        DataflowDigraph(body=["\ta -> \n"]).pipe(format="svg")
    assert used == []


@needs_wheel
def test_render_view_opens_the_result_through_graphviz(workdir, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(
        DataflowDigraph, "_view", lambda self, path, *, format, quiet: opened.append(path)
    )
    out = picture().render("dag", format="svg", view=True, cleanup=True)
    assert opened == [out] == ["dag.svg"]
    assert sorted(os.listdir(workdir)) == ["dag.svg"]


@needs_wheel
def test_render_outfile_and_existing_result(workdir):
    view = picture()
    assert view.render(outfile="sub/graph.svg") == os.path.join("sub", "graph.svg")
    assert sorted(os.listdir(workdir / "sub")) == ["graph.gv", "graph.svg"]
    with pytest.raises(graphviz.FileExistsError):
        view.render(outfile="sub/graph.svg", raise_if_result_exists=True)


def test_other_engines_are_used():
    view = DataflowDigraph(body=["\ta -> b\n", "\tb -> c\n"], engine="neato")
    assert b"<title>a</title>" in view.pipe(format="svg")
    with pytest.raises(ValueError, match="unknown engine"):
        view.engine = "bogus"
