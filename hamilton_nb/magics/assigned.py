"""``%%set_dict``: run a cell in the notebook and collect the variables it assigns.

Responsibilities:
- ``assigned_names``: the names a cell assigns at its top level (plain, annotated,
  augmented, unpacking and ``:=`` assignments, also inside top-level ``if``/``for``/``with``/
  ``try`` blocks; not inside functions or classes, and not loop variables), in order.
- ``run_and_collect``: execute the cell in a namespace (source registered with ``linecache``
  so a traceback shows its lines) and return ``{name: value}`` for those names.
"""

from __future__ import annotations

import ast
from typing import Any

from hamilton_nb.magics.cell_module import compile_part

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def _target_names(target: ast.AST) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _target_names(element)]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []  # attributes and subscripts assign into existing objects


def assigned_names(source: str) -> list[str]:
    """Names bound by assignments at the top level of ``source``; raises ``SyntaxError``."""
    names: dict[str, None] = {}
    stack: list[ast.AST] = list(reversed(ast.parse(source).body))
    while stack:
        node = stack.pop()
        if isinstance(node, _SCOPES):
            continue
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None:
            targets = [node.target]
        elif isinstance(node, ast.NamedExpr):
            targets = [node.target]
        for target in targets:
            names.update(dict.fromkeys(_target_names(target)))
        stack.extend(reversed(list(ast.iter_child_nodes(node))))
    return list(names)


def run_and_collect(name: str, source: str, namespace: dict[str, Any]) -> dict[str, Any]:
    """Execute ``source`` in ``namespace``; return the values of the names it assigned."""
    names = assigned_names(source)
    part = compile_part("set_dict", name, source)
    for code in part.codes:
        exec(code, namespace)  # noqa: S102 - running the user's cell is the point
    return {key: namespace[key] for key in names if key in namespace}
