"""Parity of the Driver's picture methods: what they return and which files they write.

Both engines get a ``dot`` on PATH (the graphviz-pure binary under that name), so
Hamilton's graphviz calls can run on a machine without a system Graphviz.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from hamilton_nb.visualization import renderers

from .conftest import same

FLOW = """
def a(x: int) -> int:
    return x + 1

def b(a: int) -> int:
    return a * 2

def c(a: int, b: int, y: int = 0) -> int:
    return a + b + y
"""

# Runs ``fn`` in a fresh empty directory; records what it returned (or raised) and the files
# left behind there.
FILES_HELPER = """
import os, tempfile, graphviz

def files_of(fn):
    here = os.getcwd()
    folder = tempfile.mkdtemp()
    os.chdir(folder)
    try:
        try:
            returned = fn()
            outcome = "Digraph" if isinstance(returned, graphviz.Digraph) else repr(returned)
        except Exception as exc:
            outcome = [c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins"]
    finally:
        os.chdir(here)
    found = sorted(
        os.path.relpath(os.path.join(root, name), folder)
        for root, _, names in os.walk(folder) for name in names
    )
    return {"outcome": outcome, "files": found}
"""


@pytest.fixture(autouse=True)
def dot_on_path(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ``dot`` program first on PATH for both engines' interpreters."""
    wheel = renderers.wheel_renderer()
    executable = wheel.executable if wheel is not None else shutil.which("dot")
    assert executable, "neither graphviz-pure nor Graphviz's dot is installed (make sysdeps)"
    bin_dir = tmp_path_factory.mktemp("dot-bin")
    (bin_dir / "dot").symlink_to(executable)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return bin_dir


def test_every_method_returns_a_graphviz_digraph(in_both) -> None:
    script = """
    import graphviz
    import flow
    from hamilton import driver
    from hamilton.io.materialization import to
    dr = driver.Builder().with_modules(flow).build()
    views = {
        "all": dr.display_all_functions(),
        "execution": dr.visualize_execution(["c"], inputs={"x": 1}),
        "execution_bypass": dr.visualize_execution(["c"], bypass_validation=True),
        "upstream": dr.display_upstream_of("b"),
        "downstream": dr.display_downstream_of("a"),
        "path": dr.visualize_path_between("a", "c"),
        "strict_path": dr.visualize_path_between("a", "c", strict_path_visualization=True),
        "materialization": dr.visualize_materialization(
            to.pickle(id="saved", dependencies=["c"], path="c.pkl"), inputs={"x": 1}
        ),
    }
    for key, view in views.items():
        emit(key, [isinstance(view, graphviz.Digraph), view.format, view.engine, view.filename])
    emit_error("execution_missing_input", dr.visualize_execution, ["c"])
    emit_error("no_path", dr.visualize_path_between, "c", "a")
    """
    ours, theirs = in_both(script, {"flow": FLOW})
    same(ours, theirs)
    assert theirs["all"] == {"list": [True, "pdf", "dot", "Digraph.gv"]}


def test_the_digraph_answers_graphviz_calls(in_both) -> None:
    script = """
    import graphviz
    import flow
    from hamilton import driver
    dr = driver.Builder().with_modules(flow).build()
    dot = dr.display_all_functions()
    dot.attr(rankdir="TB")
    dot.attr("node", fontcolor="red")
    emit("attr_in_source", ["rankdir=TB" in dot.source, "node [fontcolor=red]" in dot.source])
    dot.graph_attr["ratio"] = "1"
    emit("graph_attr_in_source", "ratio=1" in dot.source)
    svg = dot.pipe(format="svg")
    emit("pipe", [type(svg).__name__, svg[:5].decode(), b"</svg>" in svg])
    text = dot.pipe(format="svg", encoding="utf-8")
    emit("pipe_text", [type(text).__name__, text[:5]])
    emit("png", dot.pipe(format="png")[:8].hex())
    emit("copy", [isinstance(dot.copy(), graphviz.Digraph), dot.copy().source == dot.source])
    emit("str_is_source", str(dot) == dot.source)
    emit_error("bad_format", dot.pipe, format="nope")
    emit_error("bad_engine", setattr, dot, "engine", "nope")
    """
    ours, theirs = in_both(script, {"flow": FLOW})
    same(ours, theirs)
    assert theirs["pipe"] == {"list": ["bytes", "<?xml", True]}


def test_graphviz_kwargs_configure_the_digraph(in_both) -> None:
    script = """
    import flow
    from hamilton import driver
    dr = driver.Builder().with_modules(flow).build()
    dot = dr.display_all_functions(
        graphviz_kwargs={"format": "svg", "engine": "neato", "filename": "mine.gv",
                         "graph_attr": {"ratio": "1"}}
    )
    emit("configured", [dot.format, dot.engine, dot.filename, dot.graph_attr.get("ratio")])
    named = dr.display_all_functions(graphviz_kwargs={"name": "G"})
    emit("named", [named.name, named.filename])
    rankdir = dr.display_all_functions(orient="TB").graph_attr.get("rankdir")
    emit("orient", rankdir)
    """
    ours, theirs = in_both(script, {"flow": FLOW})
    same(ours, theirs)


OUTPUT_CASES = [
    ("dag", None, False),
    ("dag.svg", None, False),
    ("dag.png", None, False),
    ("dag.svg", None, True),
    ("dag", None, True),
    ("dag.dot", None, False),
    ("dag.dot", None, True),
    ("dag.gv", None, False),
    ("dag.svg", {"format": "png"}, False),
    ("dag", {"format": "svg"}, True),
    ("dag.svg", {"view": False}, False),
    ("dag.svg", {"view": False}, True),
    ("dag.png", {"cleanup": True}, True),
    ("dag.svg", {"cleanup": True}, False),
    ("dag.svg", {"bogus": 1}, False),
    ("dag.svg", {"engine": "neato"}, False),
    ("dag.tar.svg", None, False),
    (".svg", None, False),
    ("", None, False),
    (None, {"format": "svg", "view": True}, False),
    ("dag.v2", None, False),
    ("sub/dag.svg", None, True),
]


def test_output_file_path_writes_the_same_files(in_both) -> None:
    script = (
        FILES_HELPER
        + f"""
import flow
from hamilton import driver
dr = driver.Builder().with_modules(flow).build()
for number, (path, render_kwargs, keep_dot) in enumerate({OUTPUT_CASES!r}):
    emit(f"case{{number}}", [path, render_kwargs, keep_dot, files_of(
        lambda: dr.display_all_functions(path, render_kwargs, keep_dot=keep_dot)
    )])
"""
    )
    ours, theirs = in_both(script, {"flow": FLOW})
    same(ours, theirs)
    assert theirs["case3"]["list"][-1] == {
        "dict": {"outcome": "Digraph", "files": {"list": ["dag", "dag.svg"]}}
    }


def test_every_method_saves_like_hamilton(in_both) -> None:
    script = (
        FILES_HELPER
        + """
import flow
from hamilton import driver
from hamilton.io.materialization import to
dr = driver.Builder().with_modules(flow).build()
emit("execution", files_of(lambda: dr.visualize_execution(["c"], "run.svg", inputs={"x": 1})))
emit("execution_kept", files_of(
    lambda: dr.visualize_execution(["c"], "run", {"format": "svg"}, {"x": 1}, keep_dot=True)))
emit("upstream", files_of(lambda: dr.display_upstream_of("b", output_file_path="up.svg")))
emit("downstream", files_of(
    lambda: dr.display_downstream_of("a", output_file_path="down", keep_dot=True)))
emit("path", files_of(lambda: dr.visualize_path_between("a", "c", "path.png")))
emit("materialization", files_of(lambda: dr.visualize_materialization(
    to.pickle(id="saved", dependencies=["c"], path="c.pkl"), output_file_path="mat.svg",
    inputs={"x": 1})))
emit("render_default", files_of(lambda: dr.display_all_functions().render(format="svg")))
emit("render_cleanup", files_of(
    lambda: dr.display_all_functions().render("g", format="png", cleanup=True)))
emit("render_outfile", files_of(lambda: dr.display_all_functions().render(outfile="o.svg")))
emit("save_source", files_of(lambda: dr.display_all_functions().save("source.gv")))
"""
    )
    ours, theirs = in_both(script, {"flow": FLOW})
    same(ours, theirs)
    assert theirs["render_default"]["dict"]["files"] == {"list": ["Digraph.gv", "Digraph.gv.svg"]}


def test_same_signatures_and_nodes_drawn(in_both) -> None:
    script = """
    import inspect, re
    import flow
    from hamilton import driver
    for method in ("display_all_functions", "visualize_execution", "display_upstream_of",
                   "display_downstream_of", "visualize_path_between",
                   "visualize_materialization"):
        parameters = inspect.signature(getattr(driver.Driver, method)).parameters.values()
        emit(method, [[p.name, str(p.kind), repr(p.default)] for p in parameters])
    dr = driver.Builder().with_modules(flow).with_config({"y": 2}).build()
    source = dr.visualize_execution(["c"], inputs={"x": 1}).source
    if driver.__name__ == "hamilton.driver":
        drawn = re.findall(r"^\\t(\\w+) \\[label=<<b>", source, re.M)
    else:
        drawn = re.findall(r'^\\s*"(\\w+)" \\[id="[^"]+" class="(?:function|config)', source, re.M)
    emit("drawn", sorted(drawn))
    """
    ours, theirs = in_both(script, {"flow": FLOW})
    same(ours, theirs, "drawn")
    assert theirs["drawn"] == {"list": ["a", "b", "c", "y"]}
    for method in ("display_all_functions", "visualize_execution", "display_upstream_of",
                   "display_downstream_of", "visualize_path_between",
                   "visualize_materialization"):  # fmt: skip
        their_parameters = theirs[method]["list"]
        assert ours[method]["list"][: len(their_parameters)] == their_parameters, method
