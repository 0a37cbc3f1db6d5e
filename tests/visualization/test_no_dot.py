"""Pictures without a system Graphviz: the graphviz-pure wheel, then the DOT text with a hint."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hamilton_nb.errors import RendererNotFoundError, UnsupportedFormatError
from hamilton_nb.visualization import renderers
from hamilton_nb.visualization.render import GraphView

# the package also exports the function ``render``: fetch the module itself
render_module = importlib.import_module("hamilton_nb.visualization.render")

DOT = 'digraph dag {\n  spend -> "avg_3wk_spend";\n  note [label="a < b & c"];\n}\n'
REPO_ROOT = Path(__file__).resolve().parents[2]

needs_wheel = pytest.mark.skipif(
    renderers.wheel_renderer() is None, reason="graphviz-pure is not installed"
)


@pytest.fixture(autouse=True)
def empty_svg_cache():
    render_module.svg_cache.clear()
    yield
    render_module.svg_cache.clear()


@pytest.fixture
def path_without_dot(tmp_path, monkeypatch) -> Path:
    """PATH is a directory holding only a link to this Python: no ``dot``, no graphviz-pure."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    monkeypatch.setenv("PATH", str(bin_dir))
    return bin_dir


@pytest.fixture
def no_renderer(monkeypatch):
    """Neither a system ``dot`` nor the graphviz-pure binary can be found."""
    monkeypatch.setattr(renderers, "system_dot", lambda: None)
    monkeypatch.setattr(renderers, "wheel_renderer", lambda: None)


# -- the wheel renderer takes over --------------------------------------------------------


@needs_wheel
def test_which_without_dot_selects_the_wheel(monkeypatch, tmp_path):
    real_which = shutil.which
    monkeypatch.setattr(
        shutil, "which", lambda name, *a, **k: None if name == "dot" else real_which(name, *a, **k)
    )
    chosen = renderers.find_renderer()
    assert chosen is not None and chosen.name == renderers.WHEEL_RENDERER
    view = GraphView(DOT)
    assert view._repr_mimebundle_()["image/svg+xml"].startswith("<svg")
    assert view.save(tmp_path / "dag.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


@needs_wheel
def test_path_without_dot_selects_the_wheel_found_through_its_distribution(path_without_dot):
    assert renderers.system_dot() is None
    assert shutil.which("graphviz-pure") is None
    chosen = renderers.find_renderer()
    assert chosen is not None and chosen.name == renderers.WHEEL_RENDERER
    assert b"<title>spend</title>" in GraphView(DOT).pipe("svg")


@needs_wheel
def test_wheel_cannot_write_pdf_and_says_how_to_get_it(path_without_dot, tmp_path):
    target = tmp_path / "dag.pdf"
    with pytest.raises(UnsupportedFormatError) as info:
        GraphView(DOT).save(target)
    message = str(info.value)
    assert message.startswith("graphviz-pure cannot write 'pdf' (it writes svg, png")
    assert renderers.graphviz_install_command() in message
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bin"]  # no temporary file left


@needs_wheel
def test_subprocess_with_no_dot_on_path_renders_with_the_wheel(tmp_path, subprocess_env):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    code = (
        "import json, shutil\n"
        "from hamilton_nb.visualization import renderers\n"
        "from hamilton_nb.visualization.render import GraphView\n"
        f"view = GraphView({DOT!r})\n"
        "bundle = view._repr_mimebundle_()\n"
        "png = view.save('dag.png').read_bytes()[:8]\n"
        "print(json.dumps({'which_dot': shutil.which('dot'),\n"
        "    'renderer': renderers.find_renderer().name,\n"
        "    'svg': bundle['image/svg+xml'][:4], 'png': png.hex()}))\n"
    )
    env = {**subprocess_env, "PATH": str(bin_dir)}
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report == {
        "which_dot": None,
        "renderer": renderers.WHEEL_RENDERER,
        "svg": "<svg",
        "png": b"\x89PNG\r\n\x1a\n".hex(),
    }


# -- no renderer at all -------------------------------------------------------------------


def test_display_without_any_renderer_shows_dot_text_and_an_install_hint(no_renderer):
    view = GraphView(DOT)
    bundle = view._repr_mimebundle_()
    assert "image/svg+xml" not in bundle
    hint_line, _, rest = bundle["text/plain"].partition("\n")
    assert hint_line.startswith("DAG not drawn, no Graphviz renderer found")
    assert "pip install graphviz-pure" in hint_line
    assert rest == DOT
    page = bundle["text/html"]
    assert "pip install graphviz-pure" in page
    assert "note [label=&quot;a &lt; b &amp; c&quot;]" in page  # escaped DOT text
    assert view._repr_svg_() is None


def test_ipython_shows_the_fallback_without_an_exception(no_renderer):
    formatters = pytest.importorskip("IPython.core.formatters")
    data, _ = formatters.DisplayFormatter().format(GraphView(DOT))
    assert "image/svg+xml" not in data
    assert "pip install graphviz-pure" in data["text/html"]


def test_saving_a_picture_without_any_renderer_names_the_install_commands(no_renderer, tmp_path):
    for name in ("dag.svg", "dag.png", "dag.pdf"):
        with pytest.raises(RendererNotFoundError) as info:
            GraphView(DOT).save(tmp_path / name)
        assert "pip install graphviz-pure" in str(info.value)
        assert renderers.graphviz_install_command() in str(info.value)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(RendererNotFoundError):
        GraphView(DOT).pipe("svg")
    with pytest.raises(RendererNotFoundError):
        GraphView(DOT).render("dag", directory=tmp_path)


def test_saving_dot_text_needs_no_renderer(no_renderer, tmp_path):
    assert GraphView(DOT).save(tmp_path / "dag.dot").read_text() == DOT
    assert GraphView(DOT).save(tmp_path / "dag.gv").read_text() == DOT


def test_installing_a_renderer_mid_session_is_picked_up(monkeypatch):
    monkeypatch.setattr(renderers, "system_dot", lambda: None)
    monkeypatch.setattr(renderers, "wheel_renderer", lambda: None)
    view = GraphView(DOT)
    assert "image/svg+xml" not in view._repr_mimebundle_()
    monkeypatch.undo()
    assert renderers.find_renderer() is not None, "graphviz-pure (a dependency) is missing"
    assert view._repr_mimebundle_()["image/svg+xml"].startswith("<svg")


def test_subprocess_with_no_renderer_at_all_shows_the_hint(tmp_path, subprocess_env):
    """No dot on PATH and no site-packages (so no graphviz-pure): the source tree alone."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    code = (
        "import json\n"
        "from hamilton_nb.errors import RendererNotFoundError\n"
        "from hamilton_nb.visualization.render import GraphView\n"
        f"view = GraphView({DOT!r})\n"
        "bundle = view._repr_mimebundle_()\n"
        "try:\n"
        "    view.save('dag.svg')\n"
        "    saved = 'saved'\n"
        "except RendererNotFoundError as exc:\n"
        "    saved = str(exc)\n"
        "print(json.dumps({'mimes': sorted(bundle), 'plain': bundle['text/plain'],\n"
        "    'saved': saved}))\n"
    )
    env = {**subprocess_env, "PATH": str(bin_dir), "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run(
        [sys.executable, "-S", "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["mimes"] == ["text/html", "text/plain"]
    assert report["plain"].startswith("DAG not drawn, no Graphviz renderer found")
    assert report["plain"].endswith(DOT)
    assert report["saved"].startswith("no Graphviz renderer found: run `pip install graphviz-pure`")
    assert not (tmp_path / "dag.svg").exists()
    assert os.listdir(tmp_path) == ["bin"]
