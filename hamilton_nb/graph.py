"""The function graph: nodes linked by name, type-checked, cycle-free, indexed.

Responsibilities:
- ``build_graph``: modules + config -> ``FunctionGraph`` (or one error listing every problem
  of the first failing kind: annotations, duplicates, edge types, cycles, parallel blocks).
- Queries over the built graph (upstream, downstream, path), all iterative.
"""

from __future__ import annotations

import inspect
from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping
from types import MappingProxyType, ModuleType
from typing import Any

from hamilton_nb import errors, htypes
from hamilton_nb.function_modifiers.base import Excluded, resolve_nodes
from hamilton_nb.function_modifiers.configuration import EXCLUDE_ATTR
from hamilton_nb.node import Node, NodeType, describe_origin

EdgeCheck = Callable[[Any, Any], bool]


class FunctionGraph:
    """Nodes by name, their dependencies and dependents, and a topological order.

    Built once by ``build_graph`` and not mutated afterwards.
    """

    def __init__(
        self,
        nodes: dict[str, Node],
        config: Mapping[str, Any],
        order: list[str],
        excluded: Mapping[str, list[str]],
    ) -> None:
        self.nodes = nodes
        self.config = MappingProxyType(dict(config))
        self.order = order
        self.position = {name: i for i, name in enumerate(order)}
        self.dependents: dict[str, list[str]] = {name: [] for name in nodes}
        for name in order:
            for dependency in nodes[name].input_types:
                self.dependents[dependency].append(name)
        self.excluded = excluded
        self.block_paths: dict[str, tuple[str, ...]] = {}  # set by build_graph
        self.block_error: errors.ParallelizableError | None = None  # a malformed block
        # Hamilton's listing order (list_available_variables) and, for each external input,
        # the functions of the consumers that set its type; both set by build_graph
        self.listing: list[str] = order
        self.external_origins: dict[str, tuple[Callable[..., Any], ...]] = {}

    def __contains__(self, name: object) -> bool:
        return name in self.nodes

    def __len__(self) -> int:
        return len(self.nodes)

    def require(self, names: Iterable[str], what: str = "node") -> list[str]:
        """Return ``names`` as a list; raise ``UnknownNodeError`` for any that is not a node."""
        names = list(names)
        unknown = [n for n in names if n not in self.nodes]
        if unknown:
            raise errors.UnknownNodeError(
                "; ".join(
                    f"unknown {what} {n!r}{errors.did_you_mean(n, self.nodes)}" for n in unknown
                )
                + ". list_available_variables() shows every node."
            )
        return names

    def upstream_of(self, names: Iterable[str]) -> set[str]:
        """Every node the given nodes depend on, transitively, including themselves."""
        return _closure(self.require(names), lambda n: self.nodes[n].input_types)

    def downstream_of(self, names: Iterable[str]) -> set[str]:
        """Every node depending on the given nodes, transitively, including themselves."""
        return _closure(self.require(names), self.dependents.__getitem__)

    def path_between(self, upstream: str, downstream: str) -> set[str]:
        """Nodes on some path from ``upstream`` to ``downstream`` (empty when none)."""
        between = self.downstream_of([upstream]) & self.upstream_of([downstream])
        return between if upstream in between and downstream in between else set()

    def sorted(self, names: Iterable[str]) -> list[str]:
        """``names`` in topological order."""
        return sorted(names, key=self.position.__getitem__)


def _closure(start: list[str], neighbours: Callable[[str], Iterable[str]]) -> set[str]:
    seen = set(start)
    stack = list(start)
    while stack:
        for other in neighbours(stack.pop()):
            if other not in seen:
                seen.add(other)
                stack.append(other)
    return seen


def module_functions(module: ModuleType) -> list[Callable[..., Any]]:
    """Public functions defined in ``module``, in definition order."""
    name = module.__name__
    return [
        value
        for key, value in vars(module).items()
        if inspect.isfunction(value)
        and not key.startswith("_")
        and value.__module__ == name
        and not getattr(value, EXCLUDE_ATTR, False)
    ]


def build_graph(
    modules: Iterable[ModuleType],
    config: Mapping[str, Any] | None = None,
    *,
    allow_module_overrides: bool = False,
    edge_check: EdgeCheck | None = None,
    extra_nodes: Iterable[Node] = (),
) -> FunctionGraph:
    """Build and validate the graph of ``modules`` under ``config``.

    Raises a ``GraphBuildError`` subclass that lists every problem of its kind.
    """
    config = dict(config or {})
    edge_check = edge_check or htypes.types_match
    nodes, excluded, listing = _collect_nodes(modules, config, allow_module_overrides)
    for extra in extra_nodes:
        nodes[extra.name] = extra
        listing.append(extra.name)
    external_origins = _add_external_nodes(nodes, listing, config, edge_check)
    _check_edges(nodes, edge_check)
    order = _topological_order(nodes)
    graph = FunctionGraph(nodes, config, order, excluded)
    graph.listing = list(dict.fromkeys(listing + list(external_origins)))
    graph.external_origins = {k: v for k, v in external_origins.items() if v}
    if any(n.node_role in (NodeType.EXPAND, NodeType.COLLECT) for n in nodes.values()):
        from hamilton_nb.execution import parallel

        try:
            graph.block_paths = parallel.find_blocks(graph)
        except errors.ParallelizableError as exc:
            # as in Hamilton, the graph still builds (and displays); requests that run one of
            # its Parallelizable/Collect nodes raise this error (Driver._prepare)
            graph.block_error = exc
    return graph


def _collect_nodes(
    modules: Iterable[ModuleType], config: Mapping[str, Any], allow_module_overrides: bool
) -> tuple[dict[str, Node], dict[str, list[str]], list[str]]:
    """The nodes (in definition order), the excluded variants, and the function nodes in
    Hamilton's listing order: module by module, functions by name, nodes as generated."""
    nodes: dict[str, Node] = {}
    listing_keys: dict[str, tuple[int, str, int]] = {}
    origins: dict[str, str] = {}  # node name -> module name
    excluded: dict[str, list[str]] = {}
    problems: list[str] = []
    duplicates: list[str] = []
    for module_index, module in enumerate(modules):
        if not isinstance(module, ModuleType):
            raise errors.GraphBuildError(
                f"with_modules() takes module objects, got {module!r}. "
                "Import the module first, or use ad_hoc_utils.create_temporary_module(*functions)."
            )
        for fn in module_functions(module):
            try:
                created = resolve_nodes(fn, config)
            except Excluded as exc:
                excluded.setdefault(exc.name, []).append(exc.reason)
                continue
            except errors.MissingAnnotationError as exc:
                problems.append(str(exc))
                continue
            for generated, node in enumerate(created):
                previous = nodes.get(node.name)
                if previous is not None:
                    if allow_module_overrides and origins[node.name] != module.__name__:
                        del nodes[node.name]  # last module wins; re-inserted below
                    else:
                        duplicates.append(_duplicate_message(node, previous))
                        continue
                nodes[node.name] = node
                origins[node.name] = module.__name__
                listing_keys[node.name] = (module_index, fn.__name__, generated)
    if problems:
        raise errors.MissingAnnotationError("\n".join(problems))
    if duplicates:
        raise errors.DuplicateNodeError("\n".join(duplicates))
    return nodes, excluded, sorted(nodes, key=listing_keys.__getitem__)


def _duplicate_message(new: Node, previous: Node) -> str:
    first, second = (describe_origin(n, "an external node") for n in (previous, new))
    return (
        f"node {new.name!r} is defined twice: by {first} and by {second}. "
        "Rename one, or call Builder().allow_module_overrides() to let the later module win."
    )


def _add_external_nodes(
    nodes: dict[str, Node], listing: list[str], config: Mapping[str, Any], edge_check: EdgeCheck
) -> dict[str, tuple[Callable[..., Any], ...]]:
    """Add a node for every parameter no function produces, and for every config key.

    Consumers are visited in listing order. An input asked for with several types gets the
    narrowest one; types that neither contain the other are an ``IncompatibleInputTypesError``.
    Returns each external's originating functions (the consumers that set its type)."""
    externals: dict[str, Node] = {}
    origins: dict[str, tuple[Callable[..., Any], ...]] = {}
    conflicts: list[str] = []
    for name in listing:
        node = nodes[name]
        for param, (param_type, _) in node.input_types.items():
            if param in nodes:
                continue
            input_type = (
                htypes.element_type(param_type) if htypes.is_collect(param_type) else param_type
            )
            known = externals.get(param)
            if known is None:
                externals[param] = Node(name=param, type=input_type, node_role=NodeType.EXTERNAL)
                origins[param] = node.originating_functions or ()
            elif edge_check(known.type, input_type):
                continue  # the known type already fits this consumer
            elif edge_check(input_type, known.type):  # narrower: it fits every consumer
                externals[param] = known.copy_with(type=input_type)
                origins[param] += node.originating_functions or ()
            else:
                first = ", ".join(repr(f.__name__) for f in origins[param]) or "another node"
                conflicts.append(
                    f"  input {param!r}: {name!r} declares {htypes.type_name(input_type)} but "
                    f"{first} declares {htypes.type_name(known.type)}"
                )
    if conflicts:
        raise errors.IncompatibleInputTypesError(
            "functions ask for the same input with incompatible types:\n"
            + "\n".join(conflicts)
            + "\nAnnotate the parameter with one type (or a Union both accept) in every function."
        )
    for key in config:  # every config value is a node too, as in Hamilton
        if key not in nodes and key not in externals:
            externals[key] = Node(name=key, type=Any, node_role=NodeType.EXTERNAL)
            origins[key] = ()
    nodes.update(externals)
    return origins


def _check_edges(nodes: Mapping[str, Node], edge_check: EdgeCheck) -> None:
    bad: list[str] = []
    for node in nodes.values():
        for param, (param_type, _) in node.input_types.items():
            upstream = nodes[param]
            if upstream.node_role is NodeType.EXTERNAL:
                continue
            produced = upstream.type
            if upstream.node_role is NodeType.EXPAND:
                produced = htypes.element_type(produced)
            expected = (
                htypes.element_type(param_type) if htypes.is_collect(param_type) else param_type
            )
            if not edge_check(produced, expected):
                bad.append(
                    f"  {param!r} produces {htypes.type_name(produced)} but "
                    f"{node.name!r} declares {param}: {htypes.type_name(param_type)}"
                )
    if bad:
        raise errors.TypeMismatchError(
            f"{len(bad)} edge(s) connect incompatible types:\n"
            + "\n".join(bad)
            + "\nFix the annotations so each parameter accepts what its upstream node returns."
        )


def _topological_order(nodes: Mapping[str, Node]) -> list[str]:
    """Kahn's algorithm; ties keep definition order. Raises ``CycleError`` with the cycle."""
    remaining = {name: len(node.input_types) for name, node in nodes.items()}
    dependents: dict[str, list[str]] = {name: [] for name in nodes}
    for name, node in nodes.items():
        for dependency in node.input_types:
            dependents[dependency].append(name)
    ready = deque(name for name, count in remaining.items() if count == 0)
    order: list[str] = []
    while ready:
        name = ready.popleft()
        order.append(name)
        for dependent in dependents[name]:
            remaining[dependent] -= 1
            if remaining[dependent] == 0:
                ready.append(dependent)
    if len(order) != len(nodes):
        stuck = {name for name, count in remaining.items() if count > 0}
        raise errors.CycleError(
            "the dataflow has a cycle: "
            + " -> ".join(_find_cycle(nodes, stuck))
            + ". Break it by renaming a parameter or removing one of these dependencies."
        )
    return order


def _find_cycle(nodes: Mapping[str, Node], stuck: Collection[str]) -> list[str]:
    """Walk dependencies inside ``stuck`` (every member is on or behind a cycle) until a repeat."""
    start = next(iter(stuck))
    path: list[str] = []
    index: dict[str, int] = {}
    current = start
    while current not in index:
        index[current] = len(path)
        path.append(current)
        current = next(d for d in nodes[current].input_types if d in stuck)
    cycle = path[index[current] :] + [current]
    cycle.reverse()  # print in data-flow direction: producer -> consumer
    return cycle
