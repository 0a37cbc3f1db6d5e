"""``chunks``: cells compiled definition by definition, unchanged definitions reused."""

from __future__ import annotations

import inspect
import linecache
import traceback
from types import ModuleType

import pytest

from hamilton_nb.magics.cell_module import compile_part, register_source
from hamilton_nb.magics.chunks import compile_chunks, split_definitions

CELL = '''"""Module docstring."""
import math

RATE: float = 2.0


@decorate(
    option=1,
)
@other
def first(x: int) -> int:
    """Doc."""
    return x


async def second() -> None:
    pass


class Third:
    value = 3

    def method(self) -> int:
        return self.value


def fourth() -> float:
    return math.pi
'''


def test_split_before_each_definition_with_its_decorators() -> None:
    chunks = split_definitions(CELL)
    assert [line for line, _ in chunks] == [1, 7, 16, 20, 27]
    assert chunks[1][1].startswith("@decorate(\n    option=1,\n)\n@other\ndef first")
    assert "".join(text for _, text in chunks) == CELL
    assert split_definitions("") == [(1, "")]
    assert split_definitions("@d\ndef f(): pass\n@d\nclass C: pass\n") == [
        (1, "@d\ndef f(): pass\n"),
        (3, "@d\nclass C: pass\n"),
    ]


def _run(codes) -> dict:
    namespace: dict = {"decorate": lambda **kw: lambda f: f, "other": lambda f: f}
    for code in codes:
        exec(code, namespace)
    return namespace


def test_chunks_behave_like_the_whole_cell() -> None:
    filename = "<chunks test #1>"
    register_source(filename, CELL)
    codes, chunks = compile_chunks(CELL, filename, {})
    chunked = _run(codes)
    whole = _run([compile(CELL, filename, "exec", dont_inherit=True)])
    assert chunked["__doc__"] == whole["__doc__"] == "Module docstring."
    assert chunked["__annotations__"] == whole["__annotations__"] == {"RATE": float}
    assert chunked["fourth"]() == whole["fourth"]()
    assert chunked["Third"]().method() == 3
    for name in ("first", "fourth"):
        assert chunked[name].__code__.co_firstlineno == whole[name].__code__.co_firstlineno
    assert inspect.getsource(chunked["first"]).startswith("@decorate(")
    assert len(chunks) == 5


def test_unchanged_definitions_are_reused_under_the_new_filename() -> None:
    _, first_chunks = compile_chunks(CELL, "<v1>", {})
    edited = CELL.replace("return math.pi", "return math.e")
    register_source("<v2>", edited)
    codes, chunks = compile_chunks(edited, "<v2>", first_chunks)
    reused = [c for c in chunks if c in first_chunks]
    assert len(reused) == 4 and len(chunks) == 5
    namespace = _run(codes)
    method = namespace["Third"].method.__code__
    assert method.co_filename == "<v2>"  # nested code objects renamed too
    assert namespace["fourth"]() == pytest.approx(2.718281828)
    # a shifted definition is compiled again (its line numbers changed)
    shifted = "\n" + CELL
    _, shifted_chunks = compile_chunks(shifted, "<v3>", chunks)
    assert not set(shifted_chunks) & set(chunks)


@pytest.mark.parametrize(
    "source",
    [
        'TEXT = """\ndef not_a_function():\n"""\n',  # a definition line inside a string
        "from __future__ import annotations\ndef f(x: int) -> int:\n    return x\n",
        "def broken(:\n    pass\n",
    ],
)
def test_cells_that_must_be_compiled_whole(source) -> None:
    assert compile_chunks(source, "<whole>", {}) is None


def test_compile_part_keeps_line_numbers_in_tracebacks() -> None:
    source = "def ok() -> int:\n    return 1\n\n\ndef bad() -> int:\n    return 1 // 0\n"
    first = compile_part("cell_to_module", "chunky", source)
    second = compile_part(
        "cell_to_module", "chunky", source.replace("return 1\n\n", "return 2\n\n"), first
    )
    module = ModuleType("chunky")
    for code in second.codes:
        exec(code, vars(module))
    with pytest.raises(ZeroDivisionError) as info:
        module.bad()
    frame = traceback.extract_tb(info.value.__traceback__)[-1]
    assert (frame.filename, frame.lineno, frame.line) == (second.filename, 6, "return 1 // 0")
    assert linecache.getline(second.filename, 2) == "    return 2\n"
    assert module.ok() == 2
    future = compile_part("cell_to_module", "chunky", "from __future__ import annotations\nx = 1\n")
    assert len(future.codes) == 1
