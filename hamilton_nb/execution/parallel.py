"""Where each node sits relative to ``Parallelizable``/``Collect`` blocks.

Responsibilities:
- ``find_blocks``: give every node its *block path*, the tuple of ``Parallelizable`` nodes
  whose items it runs once per (outermost first), and reject malformed blocks.
A ``Collect[T]`` edge closes the innermost open block; a node may use values from outer
levels (shared by every item) but never mix items of two sibling blocks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hamilton_nb import errors, htypes
from hamilton_nb.node import NodeType

if TYPE_CHECKING:
    from hamilton_nb.graph import FunctionGraph

BlockPath = tuple[str, ...]


def find_blocks(graph: FunctionGraph) -> dict[str, BlockPath]:
    """Block path of every node; raises ``ParallelizableError`` naming the offending nodes."""
    paths: dict[str, BlockPath] = {}
    collected: dict[str, list[str]] = {}  # Parallelizable name -> its collector nodes
    for name in graph.order:
        node = graph.nodes[name]
        contributions: list[tuple[BlockPath, str]] = []
        closes: list[BlockPath] = []
        for param, (param_type, _) in node.input_types.items():
            upstream = paths[param]
            if graph.nodes[param].node_role is NodeType.EXPAND:
                upstream = upstream + (param,)
            if htypes.is_collect(param_type):
                if not upstream:
                    raise errors.ParallelizableError(
                        f"{name!r} collects {param!r} (Collect[...]), but {param!r} is not inside "
                        "a Parallelizable block. Make an upstream function return "
                        "Parallelizable[T], or drop Collect from the annotation."
                    )
                collected.setdefault(upstream[-1], []).append(name)
                upstream = upstream[:-1]
                closes.append(upstream)
            contributions.append((upstream, param))
        path = _merge(name, contributions)
        if closes and path != max(closes, key=len):
            inside = [p for p, param in contributions if len(p) > len(path) - 0 and p != path]
            raise errors.ParallelizableError(
                f"Collect node {name!r} also depends on a value from inside the block it collects "
                f"({', '.join(repr(c[1]) for c in contributions if c[0] == path)}). Its other "
                "parameters must come from outside the block; collect them too."
                if not inside
                else ""
            )
        paths[name] = path
    for name, node in graph.nodes.items():
        if node.node_role is NodeType.EXPAND and name not in collected:
            raise errors.ParallelizableError(
                f"Parallelizable node {name!r} has no Collect: add a function with a parameter "
                f"annotated Collect[T] that gathers a node computed per item of {name!r}."
            )
    return paths


def _merge(name: str, contributions: list[tuple[BlockPath, str]]) -> BlockPath:
    """The deepest path among the dependencies; all must lie on one chain of nested blocks."""
    deepest: BlockPath = ()
    deepest_param = ""
    for path, param in contributions:
        if len(path) > len(deepest):
            path, deepest, param, deepest_param = deepest, path, deepest_param, param
        if deepest[: len(path)] != path:
            raise errors.ParallelizableError(
                f"{name!r} mixes items of two parallel blocks: {param!r} runs per item of "
                f"{path[-1]!r} and {deepest_param!r} per item of {deepest[-1]!r}. "
                "Collect one of them before combining."
            )
    return deepest
