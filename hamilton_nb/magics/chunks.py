"""Compile a cell definition by definition, reusing what did not change.

Responsibilities:
- ``split_definitions``: a cell's source -> chunks (first line, text) that each start at a
  top-level ``def``/``class``/decorator line (the first chunk holds what comes before);
- ``compile_chunks``: compile each chunk at its own line numbers, reusing the code of chunks
  whose text and position are unchanged since the previous version of the cell, and give
  every code object the new version's filename (so tracebacks, ``inspect`` and ``pdb`` read
  the new version's lines, which are the same). Editing one function of a 200-function cell
  compiles one function, not the cell.

Splitting only at lines that start in column 0 with ``def``, ``async def``, ``class`` or ``@``
is safe: such a line inside a string, brackets or a continuation would leave the chunk
before it incomplete, which fails to compile; then, and for cells using ``__future__``
imports (which apply to the whole module), ``compile_chunks`` returns ``None`` and the
caller compiles the cell whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import CodeType

_DEFINITIONS = ("def ", "async def ", "class ")

Chunk = tuple[int, str]  # (line number of the first line, text)


def split_definitions(source: str) -> list[Chunk]:
    """Split ``source`` before each top-level definition (a decorator starts its chunk)."""
    lines = source.splitlines(keepends=True)
    chunks: list[Chunk] = []
    start = 0
    decorated = bool(lines) and lines[0].startswith("@")  # a decorator waiting for its def
    for i in range(1, len(lines)):
        line = lines[i]
        if line.startswith(_DEFINITIONS):
            if decorated:
                decorated = False
                continue
        elif line.startswith("@"):
            if decorated:
                continue
            decorated = True
        else:
            continue
        chunks.append((start + 1, "".join(lines[start:i])))
        start = i
    chunks.append((start + 1, "".join(lines[start:])))
    return chunks


def with_filename(code: CodeType, filename: str) -> CodeType:
    """``code`` and the code objects nested in it, under ``filename``."""
    consts = tuple(
        with_filename(c, filename) if isinstance(c, CodeType) else c for c in code.co_consts
    )
    return code.replace(co_filename=filename, co_consts=consts)


def compile_chunks(
    source: str, filename: str, previous: Mapping[Chunk, CodeType]
) -> tuple[list[CodeType], dict[Chunk, CodeType]] | None:
    """The code objects of ``source``'s chunks, in order, and the chunk -> code map to pass
    as ``previous`` next time; ``None`` when the cell must be compiled whole."""
    if "__future__" in source:
        return None
    codes: list[CodeType] = []
    compiled: dict[Chunk, CodeType] = {}
    for chunk in split_definitions(source):
        code = previous.get(chunk)
        if code is None:
            line, text = chunk
            try:
                code = compile("\n" * (line - 1) + text, filename, "exec", dont_inherit=True)
            except SyntaxError:
                return None
        else:
            code = with_filename(code, filename)
        codes.append(code)
        compiled[chunk] = code
    return codes, compiled
