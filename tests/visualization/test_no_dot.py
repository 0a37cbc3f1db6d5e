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
from hamilton_nb.visualization.digraph import DataflowDigraph, GraphvizNotFoundError

# the package also exports the function ``render``: fetch the module itself
render_module = importlib.import_module("hamilton_nb.visualization.render")

BODY = ['\tspend -> "avg_3wk_spend"\n', '\tnote [label="a < b & c"]\n']


def picture() -> DataflowDigraph:
    """What the Driver's methods return, with a small body of our own."""
    return DataflowDigraph(name="dag", body=list(BODY))


DOT = picture().source
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
    view = picture()
    assert view._repr_mimebundle_()["image/svg+xml"].startswith("<svg")
    assert view.save_picture(tmp_path / "dag.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


@needs_wheel
def test_path_without_dot_selects_the_wheel_found_through_its_distribution(path_without_dot):
    assert renderers.system_dot() is None
    assert shutil.which("graphviz-pure") is None
    chosen = renderers.find_renderer()
    assert chosen is not None and chosen.name == renderers.WHEEL_RENDERER
    assert b"<title>spend</title>" in picture().pipe("svg")


@needs_wheel
def test_wheel_cannot_write_pdf_and_says_how_to_get_it(path_without_dot, tmp_path):
    target = tmp_path / "dag.pdf"
    with pytest.raises(UnsupportedFormatError) as info:
        picture().save_picture(target)
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
        "from hamilton_nb.visualization.digraph import DataflowDigraph\n"
        f"view = DataflowDigraph(name='dag', body={BODY!r})\n"
        "bundle = view._repr_mimebundle_()\n"
        "png = view.save_picture('dag.png').read_bytes()[:8]\n"
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
    view = picture()
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
    data, _ = formatters.DisplayFormatter().format(picture())
    assert "image/svg+xml" not in data
    assert "pip install graphviz-pure" in data["text/html"]


def test_saving_a_picture_without_any_renderer_names_the_install_commands(no_renderer, tmp_path):
    for name in ("dag.svg", "dag.png", "dag.pdf"):
        with pytest.raises(RendererNotFoundError) as info:
            picture().save_picture(tmp_path / name)
        assert "pip install graphviz-pure" in str(info.value)
        assert renderers.graphviz_install_command() in str(info.value)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(RendererNotFoundError):
        picture().pipe("svg")
    with pytest.raises(RendererNotFoundError):
        picture().render("dag", directory=tmp_path)


def test_saving_dot_text_needs_no_renderer(no_renderer, tmp_path):
    assert picture().save_picture(tmp_path / "dag.dot").read_text() == DOT
    assert picture().save_picture(tmp_path / "dag.gv").read_text() == DOT


def test_installing_a_renderer_mid_session_is_picked_up(monkeypatch):
    monkeypatch.setattr(renderers, "system_dot", lambda: None)
    monkeypatch.setattr(renderers, "wheel_renderer", lambda: None)
    view = picture()
    assert "image/svg+xml" not in view._repr_mimebundle_()
    monkeypatch.undo()
    assert renderers.find_renderer() is not None, "graphviz-pure (a dependency) is missing"
    assert view._repr_mimebundle_()["image/svg+xml"].startswith("<svg")


# Prepended to a child's code: `import graphviz` fails and the graphviz-pure distribution is
# not found, as on a machine where neither package is installed.
HIDE_GRAPHVIZ_PACKAGES = """\
import importlib.metadata, sys
class _HideGraphviz:
    def find_spec(self, name, path=None, target=None):
        if name == "graphviz" or name.startswith("graphviz."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, _HideGraphviz())
_distribution = importlib.metadata.distribution
def _without_graphviz_pure(name):
    if name.replace("_", "-").lower() == "graphviz-pure":
        raise importlib.metadata.PackageNotFoundError(name)
    return _distribution(name)
importlib.metadata.distribution = _without_graphviz_pure
"""


def test_subprocess_with_no_renderer_and_no_graphviz_package(tmp_path, subprocess_env):
    """No dot on PATH, and the graphviz and graphviz-pure packages hidden from the child (the
    other dependencies stay importable). Rendering names the install commands; the Driver's
    methods log a warning and return None, as Hamilton does without the graphviz package."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    code = (
        HIDE_GRAPHVIZ_PACKAGES + "import json, logging, io\n"
        "stream = io.StringIO()\n"
        "logging.basicConfig(stream=stream)\n"
        "from hamilton_nb import ad_hoc_utils, driver\n"
        "from hamilton_nb.errors import RendererNotFoundError\n"
        "from hamilton_nb.visualization.render import render\n"
        "try:\n"
        f"    render({DOT!r})\n"
        "    rendered = 'rendered'\n"
        "except RendererNotFoundError as exc:\n"
        "    rendered = str(exc)\n"
        "mod = ad_hoc_utils.module_from_source('def a(x: int) -> int:\\n    return x\\n')\n"
        "dr = driver.Builder().with_modules(mod).build()\n"
        "picture = dr.display_all_functions('dag.svg')\n"
        "print(json.dumps({'rendered': rendered, 'picture': repr(picture),\n"
        "    'log': stream.getvalue()}))\n"
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
    assert report["rendered"].startswith(
        "no Graphviz renderer found: run `pip install graphviz-pure`"
    )
    assert report["picture"] == "None"
    assert "pip install graphviz" in report["log"]
    assert os.listdir(tmp_path) == ["bin"]


# -- the Driver's Digraph without a system Graphviz ---------------------------------------


@needs_wheel
def test_driver_digraph_pipes_renders_and_displays_through_the_wheel(path_without_dot, workdir):
    from hamilton_nb import ad_hoc_utils, driver

    graphviz = pytest.importorskip("graphviz")
    mod = ad_hoc_utils.module_from_source(
        "def a(x: int) -> int:\n    return x\n\ndef b(a: int) -> int:\n    return a\n"
    )
    dot = driver.Builder().with_modules(mod).build().display_all_functions()
    assert isinstance(dot, graphviz.Digraph)
    dot.attr(rankdir="TB")
    assert dot.pipe(format="svg").startswith(b"<?xml")
    assert dot.pipe(format="png").startswith(b"\x89PNG")
    assert dot.pipe(format="svg", encoding="utf-8").startswith("<?xml")
    assert dot.render("dag", format="svg") == "dag.svg"
    assert sorted(os.listdir(workdir)) == ["bin", "dag", "dag.svg"]  # graphviz leaves the source
    assert Path("dag").read_text() == dot.source
    assert dot.render(outfile="out/picture.png", cleanup=True) == os.path.join("out", "picture.png")
    assert not Path("out/picture.gv").exists()
    assert dot._repr_mimebundle_()["image/svg+xml"].startswith("<svg")
    assert dot._repr_image_svg_xml().startswith("<svg")
    formatters = pytest.importorskip("IPython.core.formatters")
    data, _ = formatters.DisplayFormatter().format(dot)
    assert data["image/svg+xml"].startswith("<svg")


@needs_wheel
def test_fallback_refuses_what_only_graphviz_dot_can_do(path_without_dot, workdir):
    dot = picture()
    with pytest.raises(UnsupportedFormatError, match="graphviz-pure cannot write 'pdf'"):
        dot.render("dag")  # graphviz's default format is pdf
    with pytest.raises(UnsupportedFormatError, match="cannot apply renderer='cairo'"):
        dot.pipe(format="png", renderer="cairo")
    assert sorted(os.listdir(workdir)) == ["bin", "dag"]  # graphviz saved the source first


def test_no_renderer_error_is_also_graphvizs(no_renderer, path_without_dot, workdir):
    graphviz = pytest.importorskip("graphviz")
    with pytest.raises(graphviz.ExecutableNotFound) as info:
        picture().pipe(format="svg")
    assert isinstance(info.value, RendererNotFoundError)
    assert isinstance(info.value, GraphvizNotFoundError)
    assert str(info.value).startswith("no Graphviz renderer found")
