"""Compile a request (outputs, input names, override names) into an ``ExecutionPlan``.

Responsibilities: find the nodes the outputs need (stopping at inputs and overrides), report
missing inputs, order them, and give every value a slot in a flat array so that running the
plan is a loop of ``v[out] = fn(v[a], v[b])``. ``Parallelizable`` blocks become ``BlockStep``s
holding the segment that runs once per item. Plans are cached by the driver per request shape.
"""

from __future__ import annotations

import heapq
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hamilton_nb import errors, htypes
from hamilton_nb.graph import FunctionGraph
from hamilton_nb.node import DependencyType, Node, NodeType

COLLECTED = "\0collected"  # suffix of the slot key holding a Collect node's gathered list


@dataclass(eq=False)
class NodeStep:
    """Compute one node: ``v[slot] = node.callable(**{param: v[s] for param, s in args})``."""

    node: Node
    slot: int
    args: tuple[tuple[str, int], ...]
    positional: bool


@dataclass(eq=False)
class BlockStep:
    """Run a ``Parallelizable`` node, then ``inner`` once per item, then gather ``collects``."""

    expand: NodeStep | None  # None when the Parallelizable node's value is an override
    items_slot: int
    inner: Segment
    imports: tuple[tuple[int, int], ...]  # (outer slot, inner slot) copied for every item
    item_slot: int  # inner slot receiving the item
    collects: tuple[tuple[int, int], ...]  # (inner slot, outer slot of the gathered list)

    @property
    def name(self) -> str:
        return self.inner.label


@dataclass(eq=False)
class Segment:
    """Steps sharing one value array: the whole plan, or the body of a parallel block."""

    label: str
    steps: list[NodeStep | BlockStep] = field(default_factory=list)
    size: int = 0
    imports: tuple[tuple[int, int], ...] = ()  # (parent slot, own slot), for block bodies
    slots: dict[str, int] = field(default_factory=dict)
    runs: int = 0
    compiled: Any = None  # the generated runner, made once the segment runs often (runner.py)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["compiled"], state["runs"] = None, 0  # generated code is per process
        return state


@dataclass(eq=False)
class ExecutionPlan:
    """Everything needed to execute one request shape."""

    final_vars: list[str]
    root: Segment
    presets: dict[str, int]  # input/override/config name -> slot
    outputs: list[tuple[str, int]]
    node_names: list[str]  # nodes computed, in order (including those inside blocks)
    external_checks: dict[str, list[Any]]  # provided input name -> declared types to check


def compile_plan(
    graph: FunctionGraph,
    final_vars: list[str],
    provided: Iterable[str],
) -> ExecutionPlan:
    """Plan the computation of ``final_vars`` given the names of provided values.

    ``provided`` holds input, override and config names; a provided name that is a function
    node overrides it, and one that is no node can still be requested (its value is passed
    through, as in Hamilton). Raises ``UnknownNodeError``, ``MissingInputError``,
    ``ExecutionError``.
    """
    requested = final_vars
    provided = set(provided)
    passed_through = [n for n in final_vars if n not in graph.nodes and n in provided]
    if passed_through:
        final_vars = [n for n in final_vars if n not in passed_through]
    graph.require(final_vars, "output")
    provided = {name for name in provided if name in graph.nodes}
    needed, missing = _needed_nodes(graph, final_vars, provided)
    if missing:
        raise errors.MissingInputError(_missing_message(graph, missing))
    per_item = sorted(n for n in provided & needed if graph.block_paths.get(n))
    if per_item:
        raise errors.ExecutionError(
            "; ".join(
                f"{n!r} is computed once per item of Parallelizable {graph.block_paths[n][-1]!r}"
                for n in per_item
            )
            + ", so it cannot be given as an input or override. Override the Parallelizable "
            "node (its items) or the node that collects the block instead."
        )
    paths = {n: () if n in provided else graph.block_paths.get(n, ()) for n in needed}
    inside = [n for n in final_vars if paths[n]]
    if inside:
        raise errors.ExecutionError(
            "; ".join(
                f"{n!r} is computed once per item of Parallelizable {paths[n][-1]!r}"
                for n in inside
            )
            + ". Request the node that collects it (its Collect[...] consumer) instead."
        )
    rank = _request_order(graph, final_vars, needed, provided)
    builder = _SegmentBuilder(graph, needed, provided, paths, rank)
    root = builder.build((), None, "plan")
    presets = {name: builder.root_slots[name] for name in provided if name in needed}
    # an input is checked against its node's type: the narrowest its consumers declare (the
    # graph ensures every consumer accepts it), also when only a wider consumer runs
    checks = {
        name: [graph.nodes[name].type]
        for name in presets
        if graph.nodes[name].node_role is NodeType.EXTERNAL
        and any(c in needed for c in graph.dependents[name])
    }
    for name in passed_through:
        presets[name] = root.slots[name] = root.size
        root.size += 1
    outputs = [(name, root.slots[name]) for name in requested]
    return ExecutionPlan(requested, root, presets, outputs, builder.computed, checks)


def _needed_nodes(
    graph: FunctionGraph, final_vars: list[str], provided: set[str]
) -> tuple[set[str], dict[str, list[str]]]:
    """Upstream closure of ``final_vars`` stopping at provided values; and missing inputs."""
    needed: set[str] = set()
    missing: dict[str, list[str]] = {}
    stack = [n for n in final_vars if n not in needed]
    for name in final_vars:
        if name not in provided and graph.nodes[name].node_role is NodeType.EXTERNAL:
            missing.setdefault(name, []).append("(requested as an output)")
    while stack:
        name = stack.pop()
        if name in needed:
            continue
        needed.add(name)
        if name in provided:
            continue
        for param, (_, dependency) in graph.nodes[name].input_types.items():
            upstream = graph.nodes[param]
            if upstream.node_role is NodeType.EXTERNAL and param not in provided:
                if dependency is DependencyType.REQUIRED:
                    missing.setdefault(param, []).append(name)
                continue
            if param not in needed:
                stack.append(param)
    return needed, missing


def _request_order(
    graph: FunctionGraph, final_vars: list[str], needed: set[str], provided: set[str]
) -> dict[str, int]:
    """Rank of each needed node in Hamilton's execution order: depth first from each output in
    the order requested, dependencies in parameter order, a node right after its dependencies.

    Kahn's algorithm keyed by this rank reproduces exactly this order (every dependency ranks
    lower), so independent outputs run in the order they were asked for."""
    nodes = graph.nodes
    rank: dict[str, int] = {}
    for root in final_vars:
        if root in rank:
            continue
        stack = [(root, iter(() if root in provided else nodes[root].input_types))]
        entered = {root}
        while stack:
            name, dependencies = stack[-1]
            for dependency in dependencies:
                if dependency in needed and dependency not in rank and dependency not in entered:
                    entered.add(dependency)
                    more = () if dependency in provided else nodes[dependency].input_types
                    stack.append((dependency, iter(more)))
                    break
            else:
                stack.pop()
                rank[name] = len(rank)
    return rank


def _missing_message(graph: FunctionGraph, missing: dict[str, list[str]]) -> str:
    lines = []
    for name, consumers in sorted(missing.items()):
        line = (
            f"required input {name!r} is not provided (needed by {', '.join(map(repr, consumers))})"
        )
        if name in graph.excluded:
            line += "; functions defining it were left out by config: " + "; ".join(
                graph.excluded[name]
            )
        lines.append(line)
    return "\n".join(lines) + "\nPass it in inputs={...} (or in the config), or as an override."


def _accepts_positional(fn: Callable[..., Any] | None, params: list[str]) -> bool:
    if not isinstance(fn, types.FunctionType):
        return False
    code = fn.__code__
    if code.co_posonlyargcount:
        return False
    names = code.co_varnames[: code.co_argcount]
    return tuple(params) == names[: len(params)]


class _SegmentBuilder:
    def __init__(
        self,
        graph: FunctionGraph,
        needed: set[str],
        provided: set[str],
        paths: Mapping[str, tuple[str, ...]],
        rank: Mapping[str, int],
    ) -> None:
        self.graph = graph
        self.rank = rank
        self.needed = needed
        self.provided = provided
        self.paths = paths
        self.root_slots: dict[str, int] = {}
        self.computed: list[str] = []

    def build(
        self, level: tuple[str, ...], parent_slot: Callable[[str], int] | None, label: str
    ) -> Segment:
        """The segment of the nodes at ``level`` (the root when ``parent_slot`` is None)."""
        segment = Segment(label)
        slots = segment.slots = self.root_slots if parent_slot is None else {label: 0}
        imports: list[tuple[int, int]] = []
        members = {n for n in self.needed if self.paths[n][: len(level)] == level}

        def slot(key: str) -> int:
            if key not in slots:
                slots[key] = len(slots)
                if parent_slot is not None and key.split("\0")[0] not in members:
                    imports.append((parent_slot(key), slots[key]))
            return slots[key]

        if parent_slot is None:
            for name in sorted(self.provided & self.needed):
                slot(name)
        for unit in self._ordered_units(level, members - self.provided):
            if isinstance(unit, str):
                segment.steps.append(self._node_step(unit, slot))
            else:
                segment.steps.append(self._block_step(unit[0], level, slot))
        segment.size = len(slots)
        segment.imports = tuple(imports)
        return segment

    def _node_step(self, name: str, slot: Callable[[str], int]) -> NodeStep:
        node = self.graph.nodes[name]
        args = []
        for param, (param_type, _) in node.input_types.items():
            if param not in self.needed:
                continue  # optional dependency not available: the default applies
            key = param + COLLECTED if htypes.is_collect(param_type) else param
            args.append((param, slot(key)))
        self.computed.append(name)
        positional = _accepts_positional(node.callable, [p for p, _ in args])
        return NodeStep(node, slot(name), tuple(args), positional)

    def _block_step(
        self, expand_name: str, level: tuple[str, ...], slot: Callable[[str], int]
    ) -> BlockStep:
        inner_level = level + (expand_name,)
        expand = None if expand_name in self.provided else self._node_step(expand_name, slot)
        items_slot = slot(expand_name)
        inner = self.build(inner_level, slot, expand_name)
        collects: list[tuple[int, int]] = []
        for name in self.needed:
            for param, (param_type, _) in self.graph.nodes[name].input_types.items():
                if not htypes.is_collect(param_type) or param not in self.needed:
                    continue
                if param != expand_name and self.paths[param] != inner_level:
                    continue
                pair = (inner.slots[param], slot(param + COLLECTED))
                if pair not in collects:
                    collects.append(pair)
        return BlockStep(expand, items_slot, inner, inner.imports, 0, tuple(collects))

    def _ordered_units(self, level: tuple[str, ...], members: set[str]) -> list[Any]:
        """Nodes at ``level`` and the blocks directly below it, topologically (Kahn, stable).

        A block is the unit ``(parallelizable_name,)``: its node, body and nested blocks.
        """
        depth = len(level)
        nodes = self.graph.nodes
        unit_of: dict[str, Any] = {}
        for name in members:
            path = self.paths[name]
            if len(path) > depth:
                unit_of[name] = (path[depth],)
            elif nodes[name].node_role is NodeType.EXPAND:
                unit_of[name] = (name,)
            else:
                unit_of[name] = name
        deps: dict[Any, set[Any]] = {}
        first: dict[Any, int] = {}
        position = self.rank
        for name in members:
            unit = unit_of[name]
            bucket = deps.setdefault(unit, set())
            first[unit] = min(first.get(unit, position[name]), position[name])
            for param in nodes[name].input_types:
                other = unit_of.get(param)
                if other is not None and other != unit:
                    bucket.add(other)
        users: dict[Any, list[Any]] = {u: [] for u in deps}
        waiting = {u: len(d) for u, d in deps.items()}
        for unit, dependencies in deps.items():
            for dependency in dependencies:
                users[dependency].append(unit)
        heap = [(first[u], u) for u in deps if waiting[u] == 0]
        heapq.heapify(heap)
        ordered: list[Any] = []
        while heap:
            _, unit = heapq.heappop(heap)
            ordered.append(unit)
            for user in users[unit]:
                waiting[user] -= 1
                if waiting[user] == 0:
                    heapq.heappush(heap, (first[user], user))
        if len(ordered) != len(deps):
            stuck = sorted(str(u[0] if isinstance(u, tuple) else u) for u in deps if waiting[u])
            raise errors.ParallelizableError(
                "these nodes and parallel blocks wait on each other: "
                + ", ".join(repr(s) for s in stuck)
                + ". A node inside a block depends on a value computed from the block's own "
                "Collect; restructure so the block's inputs do not depend on its results."
            )
        return ordered
