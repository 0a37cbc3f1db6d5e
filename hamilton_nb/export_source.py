"""The text of one exported module, assembled from the cell sources that define it.

Responsibilities:
- ``render_module``: (label, source) parts + a provenance line -> the module's text: a
  docstring (the first cell's own docstring, then the provenance), ``from __future__``
  imports, the other top-level imports de-duplicated in first-seen order, then the cells'
  code in order with the imports taken out.
- ``normalise_blank_lines``: consistent layout without a formatter at run time: no trailing
  whitespace, two blank lines around top-level definitions, at most one blank line inside
  blocks, one final newline. Lines inside multi-line strings are never touched.

Everything is computed with ``ast`` and ``tokenize`` from the sources alone; the output is
deterministic, so exporting twice gives the same bytes (``--check`` relies on that).
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Sequence

from hamilton_nb import errors

_IMPORTS = (ast.Import, ast.ImportFrom)
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def parse_part(label: str, source: str) -> ast.Module:
    """``source`` parsed; a ``SyntaxError`` becomes a one-line ``ExportError`` naming
    ``label`` and the line."""
    try:
        return ast.parse(source)
    except SyntaxError as exc:
        raise errors.ExportError(
            f"{label}: line {exc.lineno}: {exc.msg}; fix the cell so it is valid Python "
            "(only its first line may be a magic)."
        ) from None


def _alone_on_lines(body: list[ast.stmt], index: int) -> bool:
    """True when statement ``body[index]`` shares none of its lines with a neighbour."""
    node = body[index]
    if node.col_offset != 0:
        return False
    before = body[index - 1] if index > 0 else None
    after = body[index + 1] if index + 1 < len(body) else None
    end = node.end_lineno or node.lineno
    return (before is None or (before.end_lineno or 0) < node.lineno) and (
        after is None or after.lineno > end
    )


def _docstring_node(tree: ast.Module) -> ast.Expr | None:
    if (
        tree.body
        and ast.get_docstring(tree, clean=False) is not None
        and _alone_on_lines(tree.body, 0)
    ):
        first = tree.body[0]
        assert isinstance(first, ast.Expr)
        return first
    return None


def _protected_lines(source: str) -> set[int]:
    """1-based numbers of the lines that continue a multi-line string token."""
    protected: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.STRING and token.end[0] > token.start[0]:
                protected.update(range(token.start[0] + 1, token.end[0] + 1))
    except (tokenize.TokenError, SyntaxError):
        pass
    return protected


def _line_range(node: ast.stmt) -> range:
    return range(node.lineno, (node.end_lineno or node.lineno) + 1)


def render_module(parts: Sequence[tuple[str, str]], provenance: str) -> str:
    """The exported module text for ``parts`` ((label, source), in module order).

    Raises ``ExportError`` when a part is not valid Python.
    """
    futures: dict[str, str] = {}
    imports: dict[str, str] = {}
    bodies: list[str] = []
    docstring: str | None = None
    for position, (label, source) in enumerate(parts):
        tree = parse_part(label, source)
        lines = source.splitlines()
        taken: set[int] = set()
        if position == 0:
            doc_node = _docstring_node(tree)
            if doc_node is not None:
                docstring = ast.get_docstring(tree, clean=True)
                taken.update(_line_range(doc_node))
        for index, node in enumerate(tree.body):
            if not isinstance(node, _IMPORTS) or not _alone_on_lines(tree.body, index):
                continue
            text = "\n".join(lines[i - 1].rstrip() for i in _line_range(node))
            is_future = isinstance(node, ast.ImportFrom) and node.module == "__future__"
            (futures if is_future else imports).setdefault(ast.unparse(node), text)
            taken.update(_line_range(node))
        kept = [line for number, line in enumerate(lines, 1) if number not in taken]
        body = "\n".join(kept).strip("\n")
        if body.strip():
            bodies.append(body)
    header = [_docstring(docstring, provenance)]
    if futures:
        header.append("\n".join(futures.values()))
    if imports:
        header.append("\n".join(imports.values()))
    text = "\n\n".join(header)
    if bodies:
        text += "\n\n\n" + "\n\n\n".join(bodies)
    return normalise_blank_lines(text)


def _docstring(own: str | None, provenance: str) -> str:
    text = f"{own.strip()}\n\n{provenance}\n" if own and own.strip() else provenance
    if '"""' in text or "\\" in text or text.endswith('"'):
        return repr(text)
    return f'"""{text}"""'


def _definition_blocks(tree: ast.Module, lines: list[str]) -> set[int]:
    """Line numbers (1-based) that must follow two blank lines: each top-level definition
    (with its decorators and the comments right above it) and the first statement after
    one."""
    starts: set[int] = set()
    body = tree.body
    for index, node in enumerate(body):
        after_definition = index > 0 and isinstance(body[index - 1], _DEFINITIONS)
        if not isinstance(node, _DEFINITIONS) and not after_definition:
            continue
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        while first > 1 and lines[first - 2].startswith("#"):
            first -= 1
        starts.add(first)
    return starts


def normalise_blank_lines(text: str) -> str:
    """``text`` (valid Python) with consistent blank lines and no trailing whitespace."""
    protected = _protected_lines(text)
    lines = text.splitlines()
    try:
        blocks = _definition_blocks(ast.parse(text), lines)
    except SyntaxError:
        blocks = set()
    out: list[str] = []
    blank_run = 0
    for number, line in enumerate(lines, 1):
        if number in protected:
            out.extend([""] * blank_run)
            blank_run = 0
            out.append(line)
            continue
        line = line.rstrip()
        if not line:
            blank_run += 1
            continue
        if out:
            if number in blocks:
                wanted = 2
            elif line[0] in " \t":
                wanted = min(blank_run, 1)
            else:
                wanted = min(blank_run, 2)
            out.extend([""] * wanted)
        blank_run = 0
        out.append(line)
    return "\n".join(out) + "\n"
