"""How decorators turn one function into nodes.

Responsibilities:
- ``FunctionModifier``: the base class every decorator derives from; applying one records it
  on the function (the function itself is returned unchanged and stays callable).
- ``resolve_nodes``: runs the recorded modifiers in stage order for a given config.

Stages, in order: RESOLVE (include the function? under which name?), CREATE (the base
nodes), EXPAND (one node into many), TRANSFORM (rewrite selected nodes), DECORATE (every node).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from hamilton_nb import errors
from hamilton_nb.node import Node, describe_function

MODIFIERS_ATTR = "__hamilton_nb_modifiers__"


class Stage(enum.IntEnum):
    RESOLVE = 1
    CREATE = 2
    EXPAND = 3
    TRANSFORM = 4
    DECORATE = 5


class FunctionModifier:
    """Base class of every decorator in ``function_modifiers``.

    Subclasses set ``stage`` and implement the method of that stage:
    ``resolve(fn, config) -> Resolution``, ``create(fn, name, config) -> list[Node]``,
    ``expand(node, config, fn) -> list[Node]``, ``transform(nodes, config, fn) -> list[Node]``,
    ``decorate(node) -> Node``. ``single_per_function`` forbids stacking two of the same stage.
    """

    stage: ClassVar[Stage]
    single_per_function: ClassVar[bool] = False

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        if not callable(fn):
            raise errors.InvalidDecoratorError(
                f"@{type(self).__name__} decorates functions, got {fn!r}."
            )
        self.validate(fn)
        existing: list[FunctionModifier] = list(getattr(fn, MODIFIERS_ATTR, ()))
        if self.single_per_function and any(m.stage is self.stage for m in existing):
            clash = next(m for m in existing if m.stage is self.stage)
            raise errors.InvalidDecoratorError(
                f"{describe_function(fn)}: @{type(self).__name__} cannot be combined with "
                f"@{type(clash).__name__}; use one of them per function."
            )
        existing.append(self)
        setattr(fn, MODIFIERS_ATTR, existing)
        return fn

    def validate(self, fn: Callable[..., Any]) -> None:
        """Check the decorator fits ``fn`` when it is applied; raise ``InvalidDecoratorError``."""

    def required_config(self) -> list[str] | None:
        """Config keys this modifier reads (``None``: none declared)."""
        return None


class Resolution:
    """What a RESOLVE-stage modifier decided: include the function, and under which name."""

    __slots__ = ("include", "name", "reason")

    def __init__(self, include: bool, name: str | None = None, reason: str = "") -> None:
        self.include = include
        self.name = name
        self.reason = reason


def modifiers_of(fn: Callable[..., Any]) -> list[FunctionModifier]:
    """The modifiers recorded on ``fn``, in the order they were applied (innermost first)."""
    return list(getattr(fn, MODIFIERS_ATTR, ()))


class Excluded(Exception):
    """Internal signal: the function is left out of the graph for this config."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(reason)
        self.name = name
        self.reason = reason


def resolve_nodes(fn: Callable[..., Any], config: Mapping[str, Any]) -> list[Node]:
    """All nodes ``fn`` contributes under ``config``; raises ``Excluded`` when it contributes none."""
    modifiers = getattr(fn, MODIFIERS_ATTR, None)
    if not modifiers:  # fast path: a plain function is one node
        return [Node.from_function(fn)]
    by_stage: dict[Stage, list[Any]] = {stage: [] for stage in Stage}
    for modifier in modifiers:
        by_stage[modifier.stage].append(modifier)
    name = fn.__name__
    for resolver in by_stage[Stage.RESOLVE]:
        resolution = resolver.resolve(fn, config)
        if resolution.name:
            name = resolution.name
        if not resolution.include:
            raise Excluded(resolution.name or name, resolution.reason)
    creators = by_stage[Stage.CREATE]
    if creators:
        nodes = creators[-1].create(fn, name, config)
    else:
        nodes = [Node.from_function(fn, name=name)]
    for expander in by_stage[Stage.EXPAND]:
        nodes = [out for node in nodes for out in expander.expand(node, config, fn)]
    for transformer in by_stage[Stage.TRANSFORM]:
        nodes = transformer.transform(nodes, config, fn)
    for decorator in by_stage[Stage.DECORATE]:
        nodes = [decorator.decorate(node) for node in nodes]
    return nodes
