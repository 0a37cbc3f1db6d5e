"""Point build errors at the cell lines of the functions they name.

Responsibilities:
- ``function_lines``: the top-level functions of a cell (name -> line and source line).
- ``locate``: for an error message, the cell lines of the functions it quotes (``'b'``,
  ``'b__weekly'``, ``function 'b'``) or lists in a cycle (``b -> c -> b``), so "type mismatch
  between 'b' and 'c'" also says where ``b`` and ``c`` are defined.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass

_QUOTED = re.compile(r"'([A-Za-z_][\w.]*)'")
_CYCLE = re.compile(r"[A-Za-z_][\w.]*(?: -> [A-Za-z_][\w.]*)+")


@dataclass(frozen=True)
class FunctionLine:
    name: str
    cell: str  # the label of the cell (module name, or NAME:ID for incremental cells)
    line: int
    text: str


def function_lines(label: str, source: str) -> dict[str, FunctionLine]:
    """Top-level ``def``s of ``source`` by name (empty when it does not parse)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    lines = source.splitlines()
    found = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            text = lines[node.lineno - 1].strip() if node.lineno <= len(lines) else ""
            found[node.name] = FunctionLine(node.name, label, node.lineno, text)
    return found


def _candidates(name: str) -> list[str]:
    """Function names that can make node ``name``: itself, its ``@config.when`` variants
    (``name__suffix``) are matched by prefix, a namespaced node by its last part."""
    return [name, name.rsplit(".", 1)[-1]]


def locate(message: str, parts: Sequence[tuple[str, str]]) -> list[FunctionLine]:
    """Cell lines of the functions ``message`` quotes, in order of first mention."""
    functions: dict[str, FunctionLine] = {}
    for label, source in parts:
        functions.update(function_lines(label, source))
    found: dict[str, FunctionLine] = {}
    mentioned = _QUOTED.findall(message)
    for cycle in _CYCLE.findall(message):
        mentioned.extend(cycle.split(" -> "))
    for quoted in mentioned:
        for candidate in _candidates(quoted):
            matches = [
                f for n, f in functions.items() if n == candidate or n.startswith(candidate + "__")
            ]
            for match in matches:
                found.setdefault(match.name, match)
            if matches:
                break
    return list(found.values())


def describe(lines: Sequence[FunctionLine], several_cells: bool) -> str:
    """``in the cell:`` then one ``line N: def ...`` per function (cell labels when the module
    is made of several cells)."""
    where = [
        (f"  cell {f.cell} line {f.line}" if several_cells else f"  line {f.line}") + f": {f.text}"
        for f in lines
    ]
    return "\n".join(["in the cell:", *where])
