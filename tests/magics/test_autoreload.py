"""Project modules whose files change on disk are reloaded, in dependency order, safely.

Each test writes real modules into ``tmp_path`` (unique names, removed from ``sys.modules``
afterwards) and uses its own tracker, so tests do not see each other's modules.
"""

from __future__ import annotations

import importlib
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from hamilton_nb import errors
from hamilton_nb.magics.autoreload import (
    ProjectModuleTracker,
    reload_changed_project_modules,
    remember_project_modules,
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """``write(stem, source) -> module name`` creating ``<stem>_<id>.py`` in ``tmp_path``
    (``{a}``-style placeholders in the source name other modules written so far)."""
    monkeypatch.syspath_prepend(str(tmp_path))
    names: dict[str, str] = {}

    def write(stem: str, source: str) -> str:
        name = names.setdefault(stem, f"{stem}_{uuid.uuid4().hex[:8]}")
        path = tmp_path / f"{name}.py"
        path.write_text(textwrap.dedent(source).format(**names))
        importlib.invalidate_caches()
        return name

    yield write
    for name in names.values():
        sys.modules.pop(name, None)


def reload(namespace=None, *, tracker, root):
    return reload_changed_project_modules(namespace, root, tracker=tracker)


def test_a_changed_module_is_reloaded_and_imported_names_are_rebound(project, tmp_path):
    name = project("helper", "K = 10\n\ndef f():\n    return 1\n")
    helper = importlib.import_module(name)
    namespace = {"helper": helper, "f": helper.f, "g": helper.f, "K": helper.K, "n": 10}
    tracker = ProjectModuleTracker()
    assert reload(namespace, tracker=tracker, root=tmp_path) == []
    old_f = helper.f
    project("helper", "K = 20\n\ndef f():\n    return 2\n")
    assert reload(namespace, tracker=tracker, root=tmp_path) == [name]
    assert namespace["helper"] is helper and helper.f() == 2  # reloaded in place
    assert namespace["f"]() == 2 and namespace["f"] is not old_f  # from helper import f
    assert namespace["g"]() == 2  # from helper import f as g
    assert namespace["K"] == 20  # from helper import K
    assert namespace["n"] == 10  # an unrelated name holding an equal value stays
    assert reload(namespace, tracker=tracker, root=tmp_path) == []


def test_unchanged_modules_are_left_alone(project, tmp_path):
    name = project("helper", "def f():\n    return 1\n")
    helper = importlib.import_module(name)
    f = helper.f
    tracker = ProjectModuleTracker()
    for _ in range(3):
        assert reload({}, tracker=tracker, root=tmp_path) == []
    project("helper", "def f():\n    return 1\n")  # rewritten with the same content
    assert reload({}, tracker=tracker, root=tmp_path) == []
    assert helper.f is f


def test_a_syntax_error_names_file_and_line_and_keeps_the_old_module(project, tmp_path):
    name = project("helper", "def f():\n    return 1\n")
    helper = importlib.import_module(name)
    namespace = {"f": helper.f}
    tracker = ProjectModuleTracker()
    reload(namespace, tracker=tracker, root=tmp_path)
    project("helper", "def f():\n    return 1\n\ndef g(:\n    pass\n")
    path = tmp_path / f"{name}.py"
    with pytest.raises(errors.ModuleReloadError, match=rf"{path}, line 4: SyntaxError"):
        reload(namespace, tracker=tracker, root=tmp_path)
    assert helper.f() == 1 and namespace["f"]() == 1
    with pytest.raises(errors.ModuleReloadError):  # still broken: still reported
        reload(namespace, tracker=tracker, root=tmp_path)
    project("helper", "def f():\n    return 3\n")
    assert reload(namespace, tracker=tracker, root=tmp_path) == [name]
    assert namespace["f"]() == 3


def test_a_module_raising_while_reloading_gets_its_previous_contents_back(project, tmp_path):
    name = project("helper", "K = 1\n\ndef f():\n    return K\n")
    helper = importlib.import_module(name)
    tracker = ProjectModuleTracker()
    reload({}, tracker=tracker, root=tmp_path)
    project("helper", "K = 2\n\ndef f():\n    return K\n\nraise RuntimeError('no config')\n")
    with pytest.raises(errors.ModuleReloadError, match=r"line 6: RuntimeError: no config"):
        reload({}, tracker=tracker, root=tmp_path)
    assert helper.K == 1 and helper.f() == 1
    assert sys.modules[name] is helper


def test_modules_using_a_changed_module_are_reloaded_after_it(project, tmp_path):
    base = project("base", "def f():\n    return 1\n")
    user = project("user", "from {base} import f\n\nTWICE = f() * 2\n\ndef g():\n    return f()\n")
    other = project("other", "def h():\n    return 0\n")
    for name in (base, user, other):
        importlib.import_module(name)
    namespace = {"g": sys.modules[user].g}
    tracker = ProjectModuleTracker()
    reload(namespace, tracker=tracker, root=tmp_path)
    project("base", "def f():\n    return 5\n")
    assert reload(namespace, tracker=tracker, root=tmp_path) == [base, user]
    assert namespace["g"]() == 5
    assert sys.modules[user].TWICE == 10


def test_an_edit_before_the_first_check_is_found(project, tmp_path):
    name = project("helper", "LIMIT = 3\n\ndef f():\n    return 1\n")
    helper = importlib.import_module(name)
    project("helper", "LIMIT = 3\n\ndef f():\n    return 2\n")  # edited after the import
    assert reload({}, tracker=ProjectModuleTracker(), root=tmp_path) == [name]
    assert helper.f() == 2
    project("helper", "LIMIT = 4\n\ndef f():\n    return 2\n")  # a constant this time
    assert reload({}, tracker=ProjectModuleTracker(), root=tmp_path) == [name]
    assert helper.LIMIT == 4


def test_remembered_modules_are_compared_with_what_was_loaded(project, tmp_path):
    name = project("helper", "ROWS = [1] * 3\n")
    helper = importlib.import_module(name)
    tracker = ProjectModuleTracker()
    assert remember_project_modules({}, tmp_path, tracker=tracker) == [name]
    assert remember_project_modules({}, tmp_path, tracker=tracker) == []
    project("helper", "ROWS = [2] * 3\n")  # not a literal: only the file digest can tell
    assert reload({}, tracker=tracker, root=tmp_path) == [name]
    assert helper.ROWS == [2, 2, 2]


def test_only_modules_under_the_root_count(project, tmp_path):
    name = project("helper", "def f():\n    return 1\n")
    importlib.import_module(name)
    tracker = ProjectModuleTracker()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert name not in tracker.project_modules({}, elsewhere)
    assert tracker.project_modules({}, tmp_path) == {name: str((tmp_path / f"{name}.py").resolve())}
    everything = tracker.project_modules({}, Path("/"))
    assert "textwrap" not in everything and "pytest" not in everything  # stdlib, site-packages
    assert "hamilton_nb.driver" not in everything  # the tool itself is not the project
    project("helper", "def f():\n    return 2\n")
    assert reload({}, tracker=tracker, root=elsewhere) == []
