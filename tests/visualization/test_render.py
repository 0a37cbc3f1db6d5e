"""Rendering DOT text to pictures and the GraphView object, with the renderers installed here."""

from __future__ import annotations

import importlib
import os
import shutil
import stat
import sys
import time
from pathlib import Path

import pytest

from hamilton_nb.errors import HamiltonNBError, RenderError, UnsupportedFormatError
from hamilton_nb.visualization import renderers
from hamilton_nb.visualization.render import GraphView, embeddable_svg, render
from hamilton_nb.visualization.renderers import Renderer

# the package also exports the function ``render``: fetch the module itself
render_module = importlib.import_module("hamilton_nb.visualization.render")

DOT = """digraph dag {
  graph [rankdir=LR];
  node [shape=rectangle, style="rounded,filled", fillcolor="#b4d8e4"];
  subgraph cluster_ns { label="ns"; "ns.x" [label=<<b>ns.x</b><br/><i>int</i>>]; }
  spend [label=<<b>spend</b><br/><i>pd.Series</i>>];
  spend -> "ns.x" [style=dashed];
}
"""
MAGIC = {
    "svg": b"<?xml",
    "png": b"\x89PNG\r\n\x1a\n",
    "pdf": b"%PDF-",
    "jpeg": b"\xff\xd8\xff",
}

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not on PATH")
needs_wheel = pytest.mark.skipif(
    renderers.wheel_renderer() is None, reason="graphviz-pure is not installed"
)
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="uses shebang scripts")


@pytest.fixture(autouse=True)
def empty_svg_cache():
    render_module.svg_cache.clear()
    yield
    render_module.svg_cache.clear()


@pytest.fixture
def run_calls(monkeypatch):
    """Count calls of Renderer.run (each one is a renderer process)."""
    calls: list[str] = []
    original = Renderer.run

    def counting(self, source, format="svg", **kwargs):
        calls.append(format)
        return original(self, source, format, **kwargs)

    monkeypatch.setattr(Renderer, "run", counting)
    return calls


def fake_program(directory: Path, name: str, body: str) -> Path:
    """An executable Python script standing in for a renderer."""
    path = directory / name
    path.write_text(f"#!{sys.executable}\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def both_renderers():
    found = {r.name: r for r in renderers.available_renderers()}
    return [
        pytest.param(
            name,
            marks=pytest.mark.skipif(name not in found, reason=f"{name} not installed"),
        )
        for name in (renderers.SYSTEM_DOT, renderers.WHEEL_RENDERER)
    ]


def renderer_named(name: str) -> Renderer:
    return next(r for r in renderers.available_renderers() if r.name == name)


# -- choosing and running a renderer ------------------------------------------------------


@needs_dot
def test_system_dot_is_preferred_and_renders_svg():
    chosen = renderers.find_renderer()
    assert chosen is not None and chosen.name == renderers.SYSTEM_DOT
    assert os.path.samefile(chosen.executable, shutil.which("dot"))
    svg = render(DOT)
    assert svg.startswith(b"<?xml") and b"<svg" in svg
    assert b"<title>spend</title>" in svg and b"<title>ns.x</title>" in svg
    assert b"cluster_ns" in svg


@needs_wheel
def test_wheel_binary_is_found_through_its_distribution():
    path = renderers._binary_from_distribution()
    assert path is not None and Path(path).name.startswith("graphviz-pure")
    assert os.access(path, os.X_OK)


@pytest.mark.parametrize("name", both_renderers())
@pytest.mark.parametrize("fmt", ["svg", "png", "jpeg"])
def test_each_renderer_writes_pictures(name, fmt):
    data = render(DOT, fmt, renderer=renderer_named(name))
    assert data.startswith(MAGIC[fmt])


@needs_dot
def test_bad_dot_source_gives_a_clear_error_quoting_dot():
    with pytest.raises(RenderError) as info:
        render("digraph {\n  a -> b;\n  c -> ;\n}\n")
    message = str(info.value)
    assert "Graphviz dot" in message and "exit code 1" in message
    assert "syntax error in line 3" in message
    assert "line 3: 'c -> ;'" in message
    assert "\n" not in message
    assert isinstance(info.value, HamiltonNBError)


@pytest.mark.parametrize("name", both_renderers())
def test_empty_source_is_an_error_not_an_empty_picture(name):
    with pytest.raises(RenderError, match="produced no output"):
        render("", renderer=renderer_named(name))


@needs_dot
def test_renderer_warnings_do_not_fail_the_render():
    svg = render("digraph { a [shape=no_such_shape]; a -> b }")
    assert b"<title>a</title>" in svg


def test_bad_format_and_engine_names_are_rejected_before_running(run_calls):
    with pytest.raises(UnsupportedFormatError, match="not a Graphviz output format"):
        render(DOT, "s v g")
    with pytest.raises(RenderError, match="'nope' is not a Graphviz layout engine; use one of"):
        render(DOT, engine="nope")
    with pytest.raises(TypeError, match="DOT text"):
        render(b"digraph {}")  # type: ignore[arg-type]
    assert run_calls == []


@posix_only
def test_failing_program_exit_code_and_message_are_reported(tmp_path):
    program = fake_program(
        tmp_path, "dot", "import sys; sys.stderr.write('Error: out of crayons\\n'); sys.exit(3)"
    )
    with pytest.raises(RenderError) as info:
        render(DOT, renderer=Renderer("Graphviz dot", str(program)))
    assert "exit code 3" in str(info.value) and "Error: out of crayons" in str(info.value)


@posix_only
def test_nonzero_exit_is_an_error_even_with_output(tmp_path):
    program = fake_program(
        tmp_path,
        "dot",
        "import sys; sys.stdout.write('<svg/>'); sys.stderr.write('Error: half done'); sys.exit(2)",
    )
    with pytest.raises(RenderError, match="exit code 2.*Error: half done"):
        render(DOT, renderer=Renderer("Graphviz dot", str(program)))


@pytest.mark.parametrize("name", both_renderers())
def test_bad_html_label_is_an_error_although_a_picture_is_written(name):
    with pytest.raises(RenderError, match=r"mismatched tag .* in label of node a"):
        render("digraph { a [label=<<b>x</c>>] }", renderer=renderer_named(name))


@posix_only
def test_program_that_cannot_start_is_a_render_error(tmp_path):
    program = tmp_path / "dot"
    program.write_text("not a program")  # not executable
    with pytest.raises(RenderError, match="could not be started"):
        render(DOT, renderer=Renderer("Graphviz dot", str(program)))


@posix_only
def test_renderer_is_killed_on_timeout(tmp_path, monkeypatch):
    pidfile = tmp_path / "pid"
    monkeypatch.setenv("FAKE_DOT_PIDFILE", str(pidfile))
    program = fake_program(
        tmp_path,
        "dot",
        "import os, time\n"
        "open(os.environ['FAKE_DOT_PIDFILE'], 'w').write(str(os.getpid()))\n"
        "time.sleep(60)",
    )
    started = time.perf_counter()
    with pytest.raises(RenderError, match=r"longer than 1 s .* was stopped; pass a larger timeout"):
        render(DOT, renderer=Renderer("Graphviz dot", str(program)), timeout=1.0)
    assert time.perf_counter() - started < 10
    pid = int(pidfile.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


# -- caching and laziness -----------------------------------------------------------------


def test_svg_is_cached_per_source(run_calls):
    first = render(DOT)
    assert render(DOT) == first
    assert run_calls == ["svg"]
    render(DOT.replace("spend", "income"))
    assert run_calls == ["svg", "svg"]
    render(DOT, "png")
    render(DOT, "png")
    assert run_calls == ["svg", "svg", "png", "png"]  # only SVG is cached


def test_graph_view_renders_nothing_until_shown(run_calls):
    view = GraphView(DOT)
    assert view.source == DOT and str(view) == DOT
    assert "lines of DOT" in repr(view)
    assert run_calls == []
    view._repr_mimebundle_()
    view._repr_mimebundle_()
    assert view._repr_svg_() is not None
    assert run_calls == ["svg"]


def test_cache_keeps_within_its_byte_budget():
    cache = render_module._SvgCache(max_bytes=10)
    cache.put((b"a", "dot", "x"), b"12345")
    cache.put((b"b", "dot", "x"), b"12345")
    assert cache.get((b"a", "dot", "x")) == b"12345"  # refreshes a
    cache.put((b"c", "dot", "x"), b"123")
    assert cache.get((b"b", "dot", "x")) is None  # least recently used went
    assert cache.get((b"a", "dot", "x")) == b"12345"
    cache.put((b"big", "dot", "x"), b"x" * 11)
    assert cache.get((b"big", "dot", "x")) is None


# -- notebook display ---------------------------------------------------------------------


def test_mimebundle_has_embeddable_svg_and_text():
    bundle = GraphView(DOT)._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/plain"}
    svg = bundle["image/svg+xml"]
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<?xml" not in svg and "DOCTYPE" not in svg
    assert GraphView(DOT)._repr_svg_() == svg


def test_mimebundle_honours_include_and_exclude(run_calls):
    view = GraphView(DOT)
    assert set(view._repr_mimebundle_(include=["text/plain"])) == {"text/plain"}
    assert set(view._repr_mimebundle_(exclude=["image/svg+xml"])) == {"text/plain"}
    assert run_calls == []


def test_ipython_display_formatter_picks_the_svg():
    formatters = pytest.importorskip("IPython.core.formatters")
    data, _ = formatters.DisplayFormatter().format(GraphView(DOT))
    assert data["image/svg+xml"].startswith("<svg")
    assert "text/plain" in data


@needs_dot
def test_display_of_broken_dot_shows_source_and_error_instead_of_raising(run_calls):
    view = GraphView("digraph { a -> ; }")
    bundle = view._repr_mimebundle_()
    assert "image/svg+xml" not in bundle
    assert "DAG not drawn: Graphviz dot" in bundle["text/html"]
    assert "digraph { a -&gt; ; }" in bundle["text/html"]
    assert bundle["text/plain"].endswith("digraph { a -> ; }")
    assert view._repr_svg_() is None
    assert run_calls == ["svg"]  # the failure is remembered, not retried per display call
    formatters = pytest.importorskip("IPython.core.formatters")
    data, _ = formatters.DisplayFormatter().format(view)
    assert "image/svg+xml" not in data and "text/html" in data


def test_embeddable_svg_strips_prologue():
    raw = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n'
        ' "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<!-- Title: g -->\n'
        '<svg width="1pt"></svg>\n'
    )
    assert embeddable_svg(raw.encode()) == '<svg width="1pt"></svg>\n'
    assert embeddable_svg("<svg/>") == "<svg/>"


# -- saving -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", both_renderers())
@pytest.mark.parametrize("suffix", [".svg", ".png", ".pdf", ".dot", ".gv", ".jpg", ".SVG"])
def test_save_format_follows_the_suffix(tmp_path, name, suffix, monkeypatch):
    chosen = renderer_named(name)
    monkeypatch.setattr(renderers, "find_renderer", lambda: chosen)
    target = tmp_path / f"dag{suffix}"
    fmt = render_module.format_for_path(target)
    if name == renderers.WHEEL_RENDERER and fmt == "pdf":
        with pytest.raises(UnsupportedFormatError, match="graphviz-pure cannot write 'pdf'"):
            GraphView(DOT).save(target)
        assert list(tmp_path.iterdir()) == []
        return
    assert GraphView(DOT).save(target) == target
    data = target.read_bytes()
    if fmt == "dot":
        assert data == DOT.encode()
    else:
        assert data.startswith(MAGIC[fmt])
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary files left


def test_save_with_explicit_format_and_new_directories(tmp_path):
    target = tmp_path / "out" / "deeper" / "picture.bin"
    GraphView(DOT).save(target, format="PNG")
    assert target.read_bytes().startswith(MAGIC["png"])


def test_save_without_a_suffix_asks_for_a_format(tmp_path):
    with pytest.raises(UnsupportedFormatError, match=r"from its name; use a suffix such as .svg"):
        GraphView(DOT).save(tmp_path / "dag")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [("a.svg", "svg"), ("a.PNG", "png"), ("a.jpg", "jpeg"), ("a.gv", "dot"), ("a.webp", "webp")],
)
def test_format_for_path_reads_graphviz_suffixes(name, expected):
    assert render_module.format_for_path(name) == expected


@pytest.mark.parametrize("name", ["report.v2", "dag", "dag.", "notes.txt"])
def test_format_for_path_refuses_other_suffixes(name):
    with pytest.raises(UnsupportedFormatError, match="cannot tell the picture format"):
        render_module.format_for_path(name)


def test_save_into_a_directory_path_is_refused(tmp_path):
    with pytest.raises(IsADirectoryError, match="it is a directory; give a file name"):
        GraphView(DOT).save(tmp_path, format="svg")


@needs_dot
def test_failed_save_keeps_the_existing_file(tmp_path):
    target = tmp_path / "dag.svg"
    target.write_text("previous picture")
    target.chmod(0o640)
    with pytest.raises(RenderError):
        GraphView("digraph { a -> }").save(target)
    assert target.read_text() == "previous picture"
    assert [p.name for p in tmp_path.iterdir()] == ["dag.svg"]
    GraphView(DOT).save(target)
    assert target.read_bytes().startswith(b"<?xml")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


# -- the graphviz.Digraph-compatible surface ----------------------------------------------


def test_render_writes_filename_dot_format_and_cleans_up(tmp_path):
    view = GraphView(DOT)
    out = view.render("dag", directory=tmp_path, format="png")
    assert out == str(tmp_path / "dag.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dag.png"]
    assert Path(out).read_bytes().startswith(MAGIC["png"])


def test_render_keeps_the_source_without_cleanup_and_uses_the_format_attribute(workdir):
    view = GraphView(DOT)
    assert view.format == "svg"
    view.format = "PNG"
    assert view.format == "png"
    out = view.render(cleanup=False)
    assert out == "Digraph.gv.png"
    assert Path("Digraph.gv").read_text() == DOT
    assert Path(out).read_bytes().startswith(MAGIC["png"])


def test_render_outfile_takes_the_format_from_its_suffix(tmp_path):
    out = GraphView(DOT).render(outfile=tmp_path / "sub" / "graph.svg")
    assert out == str(tmp_path / "sub" / "graph.svg")
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == ["graph.svg"]


def test_render_with_view_opens_the_result(tmp_path, monkeypatch):
    opened: list[Path] = []
    monkeypatch.setattr(render_module, "open_in_viewer", opened.append)
    out = GraphView(DOT).render("dag", directory=tmp_path, view=True)
    assert opened == [Path(out)] and out.endswith("dag.svg")
    GraphView(DOT, filename=str(tmp_path / "v.gv")).view()
    assert opened[-1] == tmp_path / "v.gv.svg"


def test_pipe_defaults_to_the_format_and_dot_returns_the_source():
    view = GraphView(DOT, format="png")
    assert view.pipe().startswith(MAGIC["png"])
    assert view.pipe("svg").startswith(MAGIC["svg"])
    assert view.pipe("dot") == view.pipe("gv") == DOT.encode()


def test_other_engines_are_used():
    view = GraphView("graph { a -- b -- c -- a }", engine="neato")
    assert b"<title>a</title>" in view.pipe("svg")
    with pytest.raises(RenderError, match="not a Graphviz layout engine"):
        view.engine = "bogus"


def test_constructor_checks_its_arguments():
    with pytest.raises(TypeError, match="GraphView needs DOT text"):
        GraphView(None)  # type: ignore[arg-type]
    with pytest.raises(UnsupportedFormatError):
        GraphView(DOT, format="p d f")


def test_to_graphviz_gives_the_real_object():
    graphviz = pytest.importorskip("graphviz")
    source = GraphView(DOT, format="png").to_graphviz()
    assert isinstance(source, graphviz.Source)
    assert source.source == DOT and source.format == "png"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses xdg-open")
def test_missing_desktop_viewer_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RenderError, match="cannot open a viewer for .*'xdg-open' failed"):
        render_module.open_in_viewer(tmp_path / "dag.svg")
