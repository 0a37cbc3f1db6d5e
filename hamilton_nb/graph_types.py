"""Read-only views of nodes and graphs handed to users (``list_available_variables``, hooks)."""

from __future__ import annotations

import dataclasses
import functools
import inspect
import weakref
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
    optional_dependencies_default_values: dict[str, Any] = dataclasses.field(default_factory=dict)

    @functools.cached_property
    def version(self) -> str | None:
        """A hash of the originating function's source without docstrings and comments (as
        Hamilton's); an external input's version is its name; None when the source is not
        available."""
        if not self.originating_functions:
            return self.name if self.is_external_input else None
        try:
            return hash_source_code(self.originating_functions[0], strip=True)
        except (OSError, TypeError):  # no source: a builtin, or code made without a file
            return None

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
            optional_dependencies_default_values=_defaults(node),
        )

    def as_dict(self, include_optional_dependencies_default_values: bool = False) -> dict[str, Any]:
        """A JSON-serialisable description, with Hamilton's keys."""
        from hamilton_nb.htypes import get_type_as_string

        functions = self.originating_functions
        try:
            source = inspect.getsource(functions[0]) if functions else None
        except (OSError, TypeError):
            source = None
        description = {
            "name": self.name,
            "tags": self.tags,
            "output_type": get_type_as_string(self.type) or "",
            "required_dependencies": sorted(self.required_dependencies),
            "optional_dependencies": sorted(self.optional_dependencies),
            "source": source,
            "documentation": self.documentation,
            "version": self.version,
        }
        if include_optional_dependencies_default_values:
            description["optional_dependencies_default_values"] = (
                self.optional_dependencies_default_values
            )
        return description


# A node's parameter defaults, read from its signature once per node object (views of the
# same graph are made per execution when graph hooks are registered).
_DEFAULTS: weakref.WeakKeyDictionary[Node, dict[str, Any]] = weakref.WeakKeyDictionary()


def _defaults(node: Node) -> dict[str, Any]:
    if not node.input_types:
        return {}
    defaults = _DEFAULTS.get(node)
    if defaults is None:
        defaults = _DEFAULTS[node] = node.default_parameter_values
    return dict(defaults)


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

    @functools.cached_property
    def version(self) -> str:
        """A hash of the sorted node versions: equal for dataflows with the same code."""
        import hashlib

        versions = sorted(n.version for n in self.nodes if n.version is not None)
        return hashlib.sha256(str(versions).encode()).hexdigest()

    def filter_nodes(self, filter: Callable[[HamiltonNode], bool]) -> list[HamiltonNode]:  # noqa: A002
        """The nodes for which ``filter(node)`` is True."""
        return [n for n in self.nodes if filter(n) is True]


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
