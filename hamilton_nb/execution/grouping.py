"""Tasks: the units a ``TaskExecutor`` runs, and the strategies grouping nodes into them
(Hamilton's ``execution.grouping`` names).

Responsibilities:
- ``NodeGroupPurpose``: why a task exists (a ``str`` enum: ``"execute_block"`` == the member).
- ``TaskImplementation``: a task bound to its inputs; what ``submit_task`` receives and
  ``executors.base_execute_task`` runs. Either one item of a ``Parallelizable`` block, or (with
  a grouping strategy other than the default) a group of nodes outside blocks.
- ``GroupingStrategy`` and its four implementations, returning ``NodeGroup``s; ``TaskSpec``,
  a group planned for one request (execution/grouped.py makes and runs them).
"""

from __future__ import annotations

import abc
import collections
import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hamilton_nb.node import NodeType

if TYPE_CHECKING:
    from hamilton_nb.execution.plan import BlockStep, Segment
    from hamilton_nb.execution.runner import RunContext


class NodeGroupPurpose(str, enum.Enum):
    """What a task does (hamilton_nb submits only ``EXECUTE_BLOCK`` tasks to executors)."""

    EXPAND_UNORDERED = "expand_unordered"
    GATHER = "gather"
    EXECUTE_BLOCK = "execute_block"
    EXECUTE_SINGLE = "execute_single"

    def is_expander(self) -> bool:
        return self is NodeGroupPurpose.EXPAND_UNORDERED

    def is_gatherer(self) -> bool:
        return self is NodeGroupPurpose.GATHER


@dataclass(eq=False)
class TaskSpec:
    """A node group planned for one request shape: what it computes and what it waits for.

    ``segment`` runs the group's computed nodes over a value array of its own, whose first
    slots hold the task's inputs (``input_slots``)."""

    base_id: str
    spawning_task_base_id: str | None
    nodes: list[Any]  # HamiltonNode views, in the group's order
    purpose: NodeGroupPurpose
    outputs_to_compute: tuple[str, ...]  # values other tasks or the request need
    overrides: tuple[str, ...]  # nodes of the group whose value is given (not computed)
    base_dependencies: tuple[str, ...]  # base ids of the tasks that must finish first
    inputs: tuple[tuple[str, bool], ...]  # (name, required) read when the task is released
    segment: Segment
    input_slots: dict[str, int]  # every value the task holds (inputs, then computed) -> slot

    @property
    def returned(self) -> tuple[str, ...]:
        """What the task hands back: its outputs and its overridden values."""
        return self.outputs_to_compute + self.overrides


def expand_task_id(block: str) -> str:
    return f"expand-{block}"


def item_task_id(block: str, index: int) -> str:
    """Hamilton's id of the task running item ``index`` of block ``block``."""
    return f"{expand_task_id(block)}.{index}.block-{block}"


def group_task_ids(block: str) -> list[str]:
    return [expand_task_id(block), f"block-{block}", f"collect-{block}"]


@dataclass(eq=False)
class TaskImplementation:
    """One block item, ready to run anywhere ``step`` and the values can be sent."""

    task_id: str
    run_id: str
    nodes: list[Any]  # the HamiltonNode views of the block body
    dynamic_inputs: dict[str, Any]  # {parallelizable node name: item}
    spawning_task_id: str | None
    purpose: NodeGroupPurpose = NodeGroupPurpose.EXECUTE_BLOCK
    overrides: dict[str, Any] = field(default_factory=dict)
    # what base_execute_task needs: the block, the values shared by all items, the index
    step: BlockStep | None = None
    shared: list[Any] = field(default_factory=list)
    index: int = 0
    ctx: RunContext | None = None
    # for the task of a node group (grouping strategies): its planned spec
    spec: TaskSpec | None = None

    @property
    def base_id(self) -> str:
        if self.spec is not None:
            return self.spec.base_id
        assert self.step is not None
        return f"block-{self.step.name}"

    @property
    def outputs_to_compute(self) -> list[str]:
        """The nodes whose values this task returns."""
        if self.spec is not None:
            return list(self.spec.outputs_to_compute)
        assert self.step is not None
        names = {slot: name for name, slot in self.step.inner.slots.items()}
        return [names[slot] for slot, _ in self.step.collects]

    def __hash__(self) -> int:
        return hash(self.task_id)


# -- grouping strategies ----------------------------------------------------------------------
# ``Builder.with_grouping_strategy`` takes one of these. The default, GroupByRepeatableBlocks,
# is what the compiled plan already does (blocks as tasks, the rest in the main loop); any
# other strategy makes every node outside a block part of a task (execution/grouped.py).


@dataclass(eq=False)
class NodeGroup:
    """Nodes run together as one task; ``base_id`` is unique among a strategy's groups."""

    base_id: str
    spawning_task_base_id: str | None
    nodes: list[Any]
    purpose: NodeGroupPurpose

    @property
    def available_nodes(self) -> set[str]:
        return {node.name for node in self.nodes}

    def produces(self, node_name: str) -> bool:
        return node_name in self.available_nodes

    def get_expander_node(self) -> Any:
        """The group's ``Parallelizable`` node, or None."""
        return next((n for n in self.nodes if n.node_role is NodeType.EXPAND), None)

    def get_collector_node(self) -> Any:
        """The group's ``Collect`` node, or None."""
        return next((n for n in self.nodes if n.node_role is NodeType.COLLECT), None)

    def __hash__(self) -> int:
        return hash(self.base_id)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NodeGroup) and other.base_id == self.base_id


class GroupingStrategy(abc.ABC):
    """Splits the nodes of one execution into ``NodeGroup``s (one task each)."""

    @abc.abstractmethod
    def group_nodes(self, nodes: list[Any]) -> list[NodeGroup]:
        """The groups of ``nodes``; every node in exactly one group."""


def purpose_of(node_role: NodeType) -> NodeGroupPurpose:
    """The purpose of a task made of a node with ``node_role`` (expand, gather, or a block)."""
    if node_role is NodeType.EXPAND:
        return NodeGroupPurpose.EXPAND_UNORDERED
    if node_role is NodeType.COLLECT:
        return NodeGroupPurpose.GATHER
    return NodeGroupPurpose.EXECUTE_BLOCK


class GroupNodesIndividually(GroupingStrategy):
    """One task per node: independent nodes can run at the same time."""

    def group_nodes(self, nodes: list[Any]) -> list[NodeGroup]:
        return [NodeGroup(n.name, None, [n], purpose_of(n.node_role)) for n in nodes]


class GroupNodesAllAsOne(GroupingStrategy):
    """A single task, ``"root"``, holding every node."""

    def group_nodes(self, nodes: list[Any]) -> list[NodeGroup]:
        if not nodes:
            return []
        return [NodeGroup("root", None, list(nodes), purpose_of(nodes[0].node_role))]


class GroupNodesByLevel(GroupingStrategy):
    """One task per level, ``"level_0"``, ``"level_1"``, ...: a node's level is one more than
    the highest level among its dependencies in ``nodes`` (0 when it has none there)."""

    def group_nodes(self, nodes: list[Any]) -> list[NodeGroup]:
        levels: dict[str, int] = {}
        for node in topological(nodes):
            levels[node.name] = 1 + max(
                (levels[p] for p in node.input_types if p in levels), default=-1
            )
        by_level: dict[int, list[Any]] = {}
        for node in nodes:
            by_level.setdefault(levels[node.name], []).append(node)
        return [
            NodeGroup(f"level_{level}", None, by_level[level], NodeGroupPurpose.EXECUTE_BLOCK)
            for level in sorted(by_level)
        ]


class GroupByRepeatableBlocks(GroupingStrategy):
    """The default: each ``Parallelizable`` block is three groups (``expand-<p>``,
    ``block-<p>`` run once per item, ``collect-<p>``); every other node is its own group."""

    def group_nodes(self, nodes: list[Any]) -> list[NodeGroup]:
        from hamilton_nb import htypes

        by_name = {n.name: n for n in nodes}
        groups: list[NodeGroup] = []
        grouped: set[str] = set()
        for collector in nodes:
            if collector.node_role is not NodeType.COLLECT:
                continue
            collected = [p for p, (t, _) in collector.input_types.items() if htypes.is_collect(t)]
            expander, body = _block_between(by_name, collected)
            if expander is not None:
                expand_id = expand_task_id(expander.name)
                groups.append(
                    NodeGroup(expand_id, None, [expander], NodeGroupPurpose.EXPAND_UNORDERED)
                )
                groups.append(
                    NodeGroup(
                        f"block-{expander.name}", expand_id, body, NodeGroupPurpose.EXECUTE_BLOCK
                    )
                )
                grouped.update(n.name for n in [expander, *body])
            name = expander.name if expander is not None else collector.name
            spawner = expand_task_id(name) if expander is not None else None
            groups.append(
                NodeGroup(f"collect-{name}", spawner, [collector], NodeGroupPurpose.GATHER)
            )
            grouped.add(collector.name)
        for node in nodes:
            if node.name not in grouped:
                groups.append(NodeGroup(node.name, None, [node], NodeGroupPurpose.EXECUTE_SINGLE))
        return groups


def _block_between(by_name: dict[str, Any], collected: list[str]) -> tuple[Any, list[Any]]:
    """The ``Parallelizable`` node upstream of ``collected`` and the nodes between them."""
    upstream: dict[str, Any] = {}
    expander = None
    stack = [p for p in collected if p in by_name]
    while stack:
        node = by_name[stack.pop()]
        if node.name in upstream or node is expander:
            continue
        if node.node_role is NodeType.EXPAND:
            expander = node
            continue
        upstream[node.name] = node
        stack.extend(p for p in node.input_types if p in by_name)
    if expander is None:
        return None, []
    inside = {expander.name}
    for node in topological(list(upstream.values())):
        if any(p in inside for p in node.input_types):
            inside.add(node.name)
    return expander, [n for n in upstream.values() if n.name in inside]


def topological(nodes: list[Any]) -> list[Any]:
    """``nodes`` ordered so that each comes after its dependencies among them (Kahn, stable)."""
    names = {n.name for n in nodes}
    waiting = {n.name: sum(1 for p in n.input_types if p in names) for n in nodes}
    users: dict[str, list[Any]] = {n.name: [] for n in nodes}
    for node in nodes:
        for param in node.input_types:
            if param in names:
                users[param].append(node)
    ready = collections.deque(n for n in nodes if waiting[n.name] == 0)
    ordered = []
    while ready:
        node = ready.popleft()
        ordered.append(node)
        for user in users[node.name]:
            waiting[user.name] -= 1
            if waiting[user.name] == 0:
                ready.append(user)
    return ordered
