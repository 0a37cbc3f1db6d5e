"""The plain helpers behind the magics: safe writes, the delayed progress bar, assigned
names, locating functions in build errors, and drivers following cell module versions."""

from __future__ import annotations

import os
import sys
import threading
import time
from types import ModuleType

import pytest

from hamilton_nb import errors
from hamilton_nb.driver import MODULE_VERSION_ATTR, Builder
from hamilton_nb.files import write_text_atomically as atomic_write
from hamilton_nb.magics.assigned import assigned_names, run_and_collect
from hamilton_nb.magics.locate import describe, locate
from hamilton_nb.magics.module_source import cell_module_name, read_module_source
from hamilton_nb.magics.progress import DelayedProgress
from hamilton_nb.magics.safe_write import WriteGuard

# -- safe writes -------------------------------------------------------------------------------


def test_atomic_write_replaces_in_one_step_and_keeps_permissions(tmp_path) -> None:
    target = tmp_path / "mod.py"
    target.write_text("old\n")
    os.chmod(target, 0o640)
    atomic_write(target, "new ünïcode\n")
    assert target.read_text(encoding="utf-8") == "new ünïcode\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["mod.py"]


def test_atomic_write_failure_leaves_old_file_and_no_temporary(tmp_path, monkeypatch) -> None:
    target = tmp_path / "mod.py"
    target.write_text("old\n")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, "new\n")
    assert target.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["mod.py"]


def test_guard_allows_own_and_identical_writes_only(tmp_path) -> None:
    guard = WriteGuard()
    target = tmp_path / "m.py"
    guard.write(target, "v1\n")  # absent: fine
    guard.write(target, "v2\n")  # what we wrote: fine
    target.write_text("v2 edited\n")
    with pytest.raises(errors.UnsafeWriteError, match="changed outside the notebook"):
        guard.write(target, "v3\n")
    guard.check(target, "v2 edited\n")  # same content: nothing would be lost
    guard.write(target, "v3\n", force=True)
    assert target.read_text() == "v3\n"
    other = tmp_path / "other.py"
    other.write_text("theirs\n")
    with pytest.raises(errors.UnsafeWriteError, match="not written by this notebook"):
        guard.check(other, "mine\n")
    guard.remember(other, "theirs\n")  # e.g. read by %module_to_cell
    guard.check(other, "mine\n")
    with pytest.raises(errors.UnsafeWriteError, match="is a folder"):
        guard.check(tmp_path, "x")
    with pytest.raises(errors.CellModuleError, match="there is no folder"):
        guard.check(tmp_path / "missing" / "m.py", "x", force=True)


# -- progress ----------------------------------------------------------------------------------


class FakeBar:
    instances: list[FakeBar] = []

    def __init__(self, **kwargs) -> None:
        self.kwargs = kwargs
        self.total = kwargs["total"]
        self.n = kwargs["initial"]
        self.leave = kwargs["leave"]
        self.postfix = ""
        self.description = kwargs["desc"]
        self.closed = False
        self.refreshes = 0
        FakeBar.instances.append(self)

    def set_postfix_str(self, text, refresh=True) -> None:
        self.postfix = text

    def set_description_str(self, text, refresh=True) -> None:
        self.description = text

    def refresh(self) -> None:
        self.refreshes += 1

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def bars():
    FakeBar.instances = []
    return FakeBar.instances


def test_no_bar_for_fast_runs(bars) -> None:
    progress = DelayedProgress(3, delay=0.1, factory=FakeBar)
    progress.start()
    for name in "abc":
        progress(name)
    progress.finish(success=True)
    time.sleep(0.2)  # the timer was cancelled: it never opens a bar
    assert bars == []


def test_bar_opens_after_the_delay_and_disappears_on_success(bars) -> None:
    counted = threading.Event()

    def total() -> int:
        counted.set()
        return 3

    progress = DelayedProgress(total, delay=0.05, description="cell", factory=FakeBar)
    progress.start()
    progress("a")
    progress("b")
    time.sleep(0.3)  # node b is slow: the bar opens while it runs
    assert counted.is_set() and len(bars) == 1
    bar = bars[0]
    assert (bar.total, bar.n, bar.postfix, bar.description) == (3, 1, "b", "cell")
    progress("c")
    assert (bar.n, bar.postfix) == (2, "c")
    progress.finish(success=True)
    assert bar.closed and not bar.leave and bar.n == 3


def test_bar_stays_on_failure_naming_the_node(bars) -> None:
    progress = DelayedProgress(5, delay=0.01, factory=FakeBar)
    progress.start()
    progress("loader")
    time.sleep(0.2)
    progress.finish(success=False)
    bar = bars[0]
    assert bar.closed and bar.leave and bar.description == "failed at 'loader'"


def test_more_nodes_than_expected_grow_the_total(bars) -> None:
    progress = DelayedProgress(1, delay=0.01, factory=FakeBar)
    progress.start()
    progress("a")
    time.sleep(0.2)
    progress("b")
    progress("c")
    assert bars[0].total == 3
    progress.finish(success=True)


# -- %%set_dict --------------------------------------------------------------------------------


def test_assigned_names_at_the_top_level_only() -> None:
    source = (
        "a = 1\n"
        "b: int = 2\n"
        "c: int\n"  # annotation only: not assigned
        "d = e = 3\n"
        "f, (g, *h) = 1, (2, 3)\n"
        "a += 1\n"
        "obj.attr = 4\n"
        "items[0] = 5\n"
        "if True:\n    i = 6\n"
        "with open(__file__) as handle:\n    j = 7\n"
        "for k in range(2):\n    m = k\n"
        "def fn():\n    hidden = 1\n"
        "class C:\n    member = 1\n"
        "n = [q := 1 for _ in range(1)]\n"
    )
    assert assigned_names(source) == ["a", "b", "d", "e", "f", "g", "h", "i", "j", "m", "n", "q"]


def test_run_and_collect_runs_in_the_namespace() -> None:
    namespace: dict = {"base": 10}
    assert run_and_collect("d", "x = base + 1\ny = [x]\n", namespace) == {"x": 11, "y": [11]}
    assert namespace["x"] == 11
    with pytest.raises(SyntaxError):
        run_and_collect("d", "x = (\n", namespace)


# -- locating functions in build errors --------------------------------------------------------

CELL = """\
import math

def revenue(units: int) -> float:
    return units * 2.5

@config.when(region="EU")
def tax__eu(revenue: float) -> float:
    return revenue * 0.2
"""


def test_locate_finds_quoted_names_variants_and_cycles() -> None:
    parts = [("m", CELL)]
    found = locate("'revenue' produces float but 'tax' declares revenue: int", parts)
    assert [(f.name, f.line) for f in found] == [("revenue", 3), ("tax__eu", 7)]
    assert describe(found, several_cells=False) == (
        "in the cell:\n  line 3: def revenue(units: int) -> float:\n"
        "  line 7: def tax__eu(revenue: float) -> float:"
    )
    cycle = locate("the dataflow has a cycle: tax -> revenue -> tax.", parts)
    assert [f.name for f in cycle] == ["tax__eu", "revenue"]
    assert locate("node 'ns.revenue' is odd", parts)[0].name == "revenue"
    assert locate("nothing named here", parts) == []
    assert locate("'x'", [("m", "def x(:\n")]) == []  # unparsable: nothing to point at
    several = locate("'revenue'", [("m:1", CELL), ("m:2", "def other() -> int:\n    return 1\n")])
    assert describe(several, several_cells=True).endswith(
        "cell m:1 line 3: def revenue(units: int) -> float:"
    )


# -- %module_to_cell -------------------------------------------------------------------------


def test_module_source_paths_and_names(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "2-funcs.py").write_text("x = 1\n")
    (tmp_path / "notes.txt").write_text("text\n")
    path, source = read_module_source("2-funcs")
    assert path.name == "2-funcs.py" and source == "x = 1\n"
    assert cell_module_name(path) == "_2_funcs"
    assert cell_module_name(tmp_path / "class.py") == "_class"
    with pytest.raises(errors.CellModuleError, match="not a .py file"):
        read_module_source("notes.txt")
    with pytest.raises(errors.CellModuleError, match="give the module file"):
        read_module_source("")


# -- drivers follow the modules they were built from -------------------------------------------


def _module(name: str, source: str, version: int | None) -> ModuleType:
    module = ModuleType(name)
    exec(compile(source, f"<{name}>", "exec"), vars(module))
    if version is not None:
        setattr(module, MODULE_VERSION_ATTR, version)
    return module


def _replace(module: ModuleType, source: str, version: int) -> None:
    """What the magic does to a cell module on a re-run."""
    vars(module).clear()
    vars(module)["__name__"] = "versioned"
    vars(module)[MODULE_VERSION_ATTR] = version
    exec(compile(source, f"<v{version}>", "exec"), vars(module))


def test_driver_rebuilds_when_a_module_version_changes() -> None:
    module = _module("versioned", "def a() -> int:\n    return 1\n", 1)
    sys.modules["versioned"] = module
    try:
        dr = Builder().with_modules(module).build()
        assert dr.execute(["a"]) == {"a": 1}
        graph = dr.graph
        assert dr.graph is graph  # unchanged version: no rebuild
        _replace(module, "def a() -> int:\n    return 2\ndef b(a: int) -> int:\n    return a\n", 2)
        assert dr.execute(["a", "b"]) == {"a": 2, "b": 2}
        assert dr.graph is not graph and "b" in dr.graph.nodes
        # a version whose graph does not build raises, and the driver keeps its last graph
        _replace(module, "def a() -> int:\n    return 3\ndef c(x):\n    return x\n", 3)
        with pytest.raises(errors.MissingAnnotationError):
            dr.execute(["a"])
        assert set(dr._graph.nodes) == {"a", "b"}  # still version 2
        _replace(module, "def a() -> int:\n    return 4\n", 4)
        assert dr.execute(["a"]) == {"a": 4}
    finally:
        sys.modules.pop("versioned", None)


def test_plain_modules_never_trigger_a_rebuild() -> None:
    module = _module("plain_mod", "def a() -> int:\n    return 1\n", None)
    dr = Builder().with_modules(module).build()
    graph = dr.graph
    dr.execute(["a"])
    assert dr.graph is graph


def test_atomic_write_gives_a_new_file_the_usual_permissions(tmp_path) -> None:
    umask = os.umask(0)
    os.umask(umask)
    target = tmp_path / "new_module.py"
    atomic_write(target, "x = 1\n")
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0o600
