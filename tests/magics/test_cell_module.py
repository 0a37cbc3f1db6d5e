"""``cell_module``: compiling cells, in-place updates with rollback, names that may be used."""

from __future__ import annotations

import inspect
import linecache
import sys

import pytest

from hamilton_nb import errors
from hamilton_nb.magics.cell_module import (
    CELL_ATTR,
    VERSION_ATTR,
    ModuleUpdate,
    check_module_available,
    compile_part,
    is_cell_module,
)


@pytest.fixture
def cleanup():
    names: list[str] = []
    yield names
    for name in names:
        sys.modules.pop(name, None)


def _update(name: str, source: str) -> ModuleUpdate:
    part = compile_part("cell_to_module", name, source)
    update = ModuleUpdate.begin(name)
    update.run([part], part.filename)
    return update


def test_compile_registers_source_under_a_new_filename_each_time() -> None:
    first = compile_part("cell_to_module", "m", "x = 1")
    second = compile_part("cell_to_module", "m", "x = 1")
    assert first.filename != second.filename
    assert linecache.getlines(first.filename) == ["x = 1\n"]  # newline added for tracebacks
    with pytest.raises(SyntaxError) as info:
        compile_part("cell_to_module", "m", "def f(:\n")
    assert info.value.filename.startswith("<cell_to_module m #") and info.value.lineno == 1
    assert linecache.getline(info.value.filename, 1) == "def f(:\n"


def test_future_imports_of_the_caller_do_not_leak_into_cells(cleanup) -> None:
    cleanup.append("annotated_cell")
    update = _update("annotated_cell", "def f(x: int) -> int:\n    return x\n")
    assert update.module.f.__annotations__ == {"x": int, "return": int}  # not strings


def test_update_commit_keeps_module_object_and_bumps_version(cleanup) -> None:
    cleanup.append("upd")
    first = _update("upd", "def f() -> int:\n    return 1\n")
    first.commit()
    module = sys.modules["upd"]
    assert first.created and is_cell_module(module) and getattr(module, CELL_ATTR)
    version = getattr(module, VERSION_ATTR)
    second = _update("upd", "def g() -> int:\n    return 2\n")
    second.commit()
    assert sys.modules["upd"] is module and not second.created
    assert getattr(module, VERSION_ATTR) > version
    assert not hasattr(module, "f") and module.g() == 2
    assert inspect.getsource(module.g).startswith("def g()")


def test_rollback_restores_contents_exactly(cleanup) -> None:
    cleanup.append("rolled")
    _update("rolled", "X = [1]\ndef f() -> int:\n    return X[0]\n").commit()
    module = sys.modules["rolled"]
    before = dict(vars(module))
    update = ModuleUpdate.begin("rolled")
    with pytest.raises(ZeroDivisionError):
        update.run([compile_part("cell_to_module", "rolled", "X = [2]\nY = 1 / 0\n")], "<f>")
    assert module.X == [2]  # partially run...
    update.rollback()
    assert vars(module) == before and module.f() == 1  # ...then put back, same objects
    assert module.f.__globals__ is vars(module)


def test_rollback_of_a_new_module_unregisters_it(cleanup) -> None:
    cleanup.append("fresh_one")
    update = ModuleUpdate.begin("fresh_one")
    assert sys.modules["fresh_one"] is update.module
    update.rollback()
    assert "fresh_one" not in sys.modules


def test_project_module_is_shadowed_and_restored_on_rollback(
    tmp_path, monkeypatch, cleanup
) -> None:
    (tmp_path / "proj_mod.py").write_text("VALUE = 'file'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import proj_mod  # noqa: F401 - the project module the cell shadows

    cleanup.append("proj_mod")
    original = sys.modules["proj_mod"]
    update = _update("proj_mod", "VALUE = 'cell'\n")
    assert sys.modules["proj_mod"] is update.module and original.VALUE == "file"
    update.rollback()
    assert sys.modules["proj_mod"] is original


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("2fast", "not a Python identifier"),
        ("class", "not a Python identifier"),
        ("a.b", "not a Python identifier"),
        ("sys", "a built-in module"),
        ("os", "installed at"),
        ("json", "a package"),
        ("tabnanny", "taken by an importable module (installed at"),
        ("email", "(a package)"),
    ],
)
def test_names_that_cannot_be_cell_modules(name, message) -> None:
    with pytest.raises(errors.CellModuleError, match=r".*") as info:
        check_module_available(name)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_free_and_cell_module_names_are_available(cleanup) -> None:
    check_module_available("surely_not_a_module_name_xyz")
    cleanup.append("already_cell")
    _update("already_cell", "x = 1\n").commit()
    check_module_available("already_cell")
