"""Hamilton's node transformers (``NodeTransformer``, ``SingleNodeNodeTransformer``,
``NodeDecorator``), its no-op default lifecycle objects and ``get_node_decorators``.

Responsibilities:
- Selecting the nodes a transformer targets: ``None`` the function's final nodes (those no
  other of its nodes uses, and not tagged non-final), ``...`` all of them, else a name or a
  collection of names, each of which must be among them.
- Replacing each target by what ``transform_node`` (or ``decorate_node``) makes of it, at
  TRANSFORM (transformers) or DECORATE (decorators).
"""

from __future__ import annotations

import abc
import collections
from collections.abc import Callable, Collection, Mapping
from typing import Any

from hamilton_nb.function_modifiers.base import (
    NON_FINAL_TAG,
    FunctionModifier,
    describe_use,
    modifiers_of,
    sink_nodes,
)
from hamilton_nb.function_modifiers.lifecycle_base import (
    DynamicResolver,
    InvalidDecoratorException,
    NodeCreator,
    NodeResolver,
    SubDAGModifier,
    TargetType,
    lifecycle_name_of,
)
from hamilton_nb.node import Node


def _select(target: TargetType, nodes: Collection[Node], subject: str) -> list[Node]:
    if target is None:
        return sink_nodes(nodes)
    if target is Ellipsis:
        return list(nodes)
    if isinstance(target, str):
        wanted: Collection[str] = [target]
    elif isinstance(target, Collection) and all(isinstance(t, str) for t in target):
        wanted = target
    else:
        raise InvalidDecoratorException(
            f"{subject}: target={target!r} must be None (the final nodes), a node name, a "
            "collection of node names, or ... (every node)."
        )
    selected = [node for node in nodes if node.name in wanted]
    found = {node.name for node in selected}
    missing = [name for name in wanted if name not in found]
    if missing:
        raise InvalidDecoratorException(
            f"{subject}: target={target!r} names {', '.join(map(repr, missing))}, which is "
            f"not among the nodes ({', '.join(n.name for n in nodes) or 'none'}). Name one of "
            "those, or pass None (the final nodes) or ... (every node)."
        )
    return selected


class NodeTransformer(SubDAGModifier):
    """Replaces the targeted nodes of the group by what ``transform_node`` makes of each."""

    NON_FINAL_TAG = NON_FINAL_TAG

    @classmethod
    def _early_validate_target(cls, target: TargetType, allow_multiple: bool) -> None:
        """Raise ``InvalidDecoratorException`` for a malformed target, or for several names
        when ``allow_multiple`` is False (``None``/``...`` are checked when nodes exist)."""
        if target is None or target is Ellipsis or isinstance(target, str):
            return
        if isinstance(target, Collection) and all(isinstance(t, str) for t in target):
            if len(target) > 1 and not allow_multiple:
                raise InvalidDecoratorException(
                    f"@{cls.__name__} transforms one node; target={target!r} names several."
                )
            return
        raise InvalidDecoratorException(
            f"@{cls.__name__}: target={target!r} must be None (the final nodes), a node name, "
            "a collection of node names, or ... (every node)."
        )

    def __init__(self, target: TargetType) -> None:
        """``target``: ``None`` the group's final nodes (those no other node of the group
        uses), ``...`` every node, else a node name or a collection of names."""
        self.target = target

    @staticmethod
    def _extract_final_nodes(nodes: Collection[Node]) -> list[Node]:
        return sink_nodes(nodes)

    @staticmethod
    def select_nodes(target: TargetType, nodes: Collection[Node]) -> list[Node]:
        """The nodes of ``nodes`` that ``target`` selects; raises ``InvalidDecoratorException``
        for names not among them."""
        return _select(target, nodes, "NodeTransformer.select_nodes")

    @staticmethod
    def compliment(all_nodes: Collection[Node], nodes_to_transform: Collection[Node]) -> list[Node]:
        """The nodes of ``all_nodes`` not in ``nodes_to_transform`` (Hamilton's spelling)."""
        return [node for node in all_nodes if node not in nodes_to_transform]

    def transform_targets(
        self, targets: Collection[Node], config: dict[str, Any], fn: Callable[..., Any]
    ) -> list[Node]:
        """``transform_node`` on each target, results concatenated."""
        out: list[Node] = []
        for target in targets:
            out.extend(self.transform_node(target, config, fn))
        return out

    def transform_dag(
        self, nodes: Collection[Node], config: dict[str, Any], fn: Callable[..., Any]
    ) -> Collection[Node]:
        targets = _select(self.target, nodes, describe_use(fn, self.name))
        kept = self.compliment(nodes, targets)
        return [*kept, *self.transform_targets(targets, config, fn)]

    @abc.abstractmethod
    def transform_node(
        self, node_: Node, config: dict[str, Any], fn: Callable[..., Any]
    ) -> Collection[Node]:
        """The nodes that replace ``node_``."""

    @abc.abstractmethod
    def validate(self, fn: Callable[..., Any]) -> None: ...

    @classmethod
    def get_lifecycle_name(cls) -> str:
        return "transform"

    @classmethod
    def allows_multiple(cls) -> bool:
        return True


class SingleNodeNodeTransformer(NodeTransformer, abc.ABC):
    """A transformer of the function's one final node."""

    def __init__(self) -> None:
        super().__init__(target=None)

    def transform_targets(
        self, targets: Collection[Node], config: dict[str, Any], fn: Callable[..., Any]
    ) -> list[Node]:
        if len(targets) != 1:
            raise InvalidDecoratorException(
                f"{describe_use(fn, self.name)} transforms a single final node, but the "
                f"function has {len(targets)} ({', '.join(n.name for n in targets)}). Use a "
                "NodeTransformer with a target instead."
            )
        return super().transform_targets(targets, config, fn)


class NodeDecorator(NodeTransformer, abc.ABC):
    """Changes the targeted nodes one for one (tags, documentation, ...), at DECORATE."""

    DECORATE_NODES = "decorate_nodes"

    def __init__(self, target: TargetType) -> None:
        super().__init__(target=target)

    def validate_node(self, node_: Node) -> None:
        """Raise ``InvalidDecoratorException`` when ``node_`` cannot be decorated."""

    def transform_node(
        self, node_: Node, config: dict[str, Any], fn: Callable[..., Any]
    ) -> Collection[Node]:
        self.validate_node(node_)
        return [self.decorate_node(node_)]

    @classmethod
    def get_lifecycle_name(cls) -> str:
        return NodeDecorator.DECORATE_NODES

    @classmethod
    def allows_multiple(cls) -> bool:
        return True

    def validate(self, fn: Callable[..., Any]) -> None:
        """Any function fits unless a subclass says otherwise."""

    @abc.abstractmethod
    def decorate_node(self, node_: Node) -> Node:
        """A changed copy of ``node_``."""


class DefaultNodeCreator(NodeCreator):
    """The node a plain function makes."""

    def generate_nodes(self, fn: Callable[..., Any], config: dict[str, Any]) -> list[Node]:
        return [Node.from_function(fn)]

    def validate(self, fn: Callable[..., Any]) -> None:
        """Every function fits."""


class DefaultNodeResolver(NodeResolver):
    """Keeps every function, unchanged."""

    def resolve(self, fn: Callable[..., Any], config: dict[str, Any]) -> Callable[..., Any]:
        return fn

    def validate(self, fn: Callable[..., Any]) -> None:
        """Every function fits."""


class DefaultNodeDecorator(NodeDecorator):
    """Leaves every node as it is."""

    def __init__(self) -> None:
        super().__init__(target=...)

    def decorate_node(self, node_: Node) -> Node:
        return node_


def get_node_decorators(
    fn: Callable[..., Any], config: Mapping[str, Any]
) -> dict[str, list[FunctionModifier]]:
    """The decorators on ``fn`` by lifecycle name, Hamilton's defaults where a step has none
    and dynamic resolvers replaced by the decorators they choose for ``config``."""
    defaults: dict[str, list[FunctionModifier]] = {
        "resolve": [DefaultNodeResolver()],
        "generate": [DefaultNodeCreator()],
        "expand": [],
        "transform": [],
        "inject": [],
        "decorate_nodes": [DefaultNodeDecorator()],
    }
    static, dynamic = [], []
    for modifier in modifiers_of(fn):
        if isinstance(modifier, DynamicResolver):
            chosen = modifier.resolve(dict(config), fn)  # type: ignore[attr-defined]
            if chosen is not None:
                dynamic.append(chosen)
        else:
            static.append(modifier)
    grouped: dict[str, list[FunctionModifier]] = collections.defaultdict(list)
    for modifier in [*static, *dynamic]:
        grouped[lifecycle_name_of(modifier)].append(modifier)
    return {**defaults, **grouped}
