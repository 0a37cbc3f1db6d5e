"""Rendering DOT text to pictures with the renderers installed here."""

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
from hamilton_nb.visualization.render import embeddable_svg, render
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


def test_embeddable_svg_strips_prologue():
    raw = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n'
        ' "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<!-- Title: g -->\n'
        '<svg width="1pt"></svg>\n'
    )
    assert embeddable_svg(raw.encode()) == '<svg width="1pt"></svg>\n'
    assert embeddable_svg("<svg/>") == "<svg/>"


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
