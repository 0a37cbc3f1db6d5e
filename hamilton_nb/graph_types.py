"""Read-only views of nodes and graphs handed to users (``list_available_variables``, hooks)."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hamilton_nb.node import DependencyType, Node, NodeType

if TYPE_CHECKING:
    from hamilton_nb.graph import FunctionGraph


@dataclasses.dataclass(frozen=True)
class HamiltonNode:
    """What a user may know about one node."""

    name: str
    type: Any
    tags: dict[str, Any]
    is_external_input: bool
    originating_functions: tuple[Callable[..., Any], ...] | None
    documentation: str
    required_dependencies: frozenset[str]
    optional_dependencies: frozenset[str]

    @classmethod
    def from_node(
        cls, node: Node, origins: tuple[Callable[..., Any], ...] | None = None
    ) -> HamiltonNode:
        """The view of ``node``; ``origins`` stands in for an external input's (absent)
        originating functions: its consumers' (``FunctionGraph.external_origins``)."""
        return cls(
            name=node.name,
            type=node.type,
            tags=dict(node.tags),
            is_external_input=node.node_role is NodeType.EXTERNAL,
            originating_functions=node.originating_functions or origins,
            documentation=node.documentation,
            required_dependencies=frozenset(
                k for k, (_, d) in node.input_types.items() if d is DependencyType.REQUIRED
            ),
            optional_dependencies=frozenset(
                k for k, (_, d) in node.input_types.items() if d is DependencyType.OPTIONAL
            ),
        )

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class HamiltonGraph:
    """What a user may know about the whole graph."""

    nodes: list[HamiltonNode]

    @classmethod
    def from_graph(cls, graph: FunctionGraph) -> HamiltonGraph:
        origins = graph.external_origins
        return cls([HamiltonNode.from_node(graph.nodes[n], origins.get(n)) for n in graph.listing])

    def __getitem__(self, name: str) -> HamiltonNode:
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(name)


def hash_source_code(source: str | Callable[..., Any], strip: bool = False) -> str:
    """SHA-256 hex digest of source text (a function's, via ``inspect.getsource``), after
    trimming surrounding whitespace, as Hamilton computes code versions.

    ``strip=True`` first drops comments and function docstrings (by round-tripping through
    the ``ast``), so they do not change the hash; source that does not parse is kept as is.
    """
    import hashlib

    text = (inspect.getsource(source) if callable(source) else source).strip()
    if strip:
        try:
            text = _without_docs_and_comments(text)
        except SyntaxError:
            pass
    return hashlib.sha256(text.encode()).hexdigest()


def _without_docs_and_comments(source: str) -> str:
    import ast

    tree = ast.parse(source)
    for item in ast.walk(tree):
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.body:
            first = item.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                item.body = item.body[1:]
    return ast.unparse(tree)
