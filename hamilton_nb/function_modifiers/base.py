"""How decorators turn one function into nodes.

Responsibilities:
- ``FunctionModifier``: the base class of every decorator; applying one records it on the
  function, which is returned unchanged and stays a plain callable.
- ``resolve_nodes``: validates the recorded modifiers and runs them in stage order for a config.
- ``describe_use``, ``raise_problems``, ``not_produced``: the error messages every decorator
  family builds the same way.
- Hamilton's custom-decorator classes (``NodeCreator``, ``NodeDecorator``, ...) live in
  ``lifecycle_base`` and are re-exported here lazily, so ported ``base.NodeDecorator`` works.

Stages, in order (whatever order the decorators are written in, as in Hamilton):
RESOLVE (include the function? under which name? which extra modifiers?), CREATE (the base
node; one creator at most), INPUTS (rewrite the base node's parameters and add upstream nodes),
EXPAND (one node into many; one expander at most), TRANSFORM (rewrite selected nodes), DECORATE
(metadata on nodes). Within a stage, modifiers run innermost (closest to ``def``) first.
"""

from __future__ import annotations

import enum
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar

from hamilton_nb import errors
from hamilton_nb.node import Node, copy_function, describe_function

MODIFIERS_ATTR = "__hamilton_nb_modifiers__"


class Stage(enum.IntEnum):
    RESOLVE = 1
    CREATE = 2
    INPUTS = 3
    EXPAND = 4
    TRANSFORM = 5
    DECORATE = 6


class FunctionModifier:
    """Base class of every decorator in ``function_modifiers``.

    Subclasses set ``stage`` and implement that stage's method:

    - RESOLVE: ``resolve(fn, config) -> Resolution``
    - CREATE: ``create(fn, name, config) -> list[Node]`` (the function's own node last)
    - INPUTS: ``rewrite_inputs(node, config, fn) -> list[Node]``: the rewritten function node
      first, then any new upstream nodes
    - EXPAND: ``expand(node, config, fn) -> list[Node]``
    - TRANSFORM: ``transform(nodes, config, fn) -> list[Node]``
    - DECORATE: ``decorate(nodes, config, fn) -> list[Node]``

    ``validate(fn)`` runs when the graph is built and raises ``InvalidDecoratorError`` (when
    the decorator is applied instead, if ``validated_when_applied``, as Hamilton's lifecycle
    classes do). ``single_per_function`` forbids two modifiers of the same stage on one
    function. ``resolution_for``, ``rewrite_group`` and ``expand_group`` are what the pipeline
    calls at RESOLVE, INPUTS and EXPAND; they delegate to the methods above by default.
    """

    stage: ClassVar[Stage]
    single_per_function: ClassVar[bool] = False
    validated_when_applied: ClassVar[bool] = False

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        if not callable(fn):
            raise errors.InvalidDecoratorError(
                f"@{self.display_name()} decorates functions, got {fn!r}."
            )
        existing: list[FunctionModifier] = list(getattr(fn, MODIFIERS_ATTR, ()))
        existing.append(self)
        try:
            setattr(fn, MODIFIERS_ATTR, existing)
        except AttributeError as exc:
            raise errors.InvalidDecoratorError(
                f"@{self.display_name()} cannot decorate {fn!r}: it does not accept attributes. "
                "Wrap it in a plain def function."
            ) from exc
        return fn

    @classmethod
    def display_name(cls) -> str:
        return cls.__name__

    def validate(self, fn: Callable[..., Any]) -> None:
        """Check the decorator fits ``fn``; raise ``InvalidDecoratorError`` (build time)."""

    def required_config(self) -> list[str] | None:
        """Config keys this modifier reads (``None``: none declared)."""
        return None

    def resolution_for(self, fn: Callable[..., Any], config: Mapping[str, Any]) -> Resolution:
        """RESOLVE: what ``resolve(fn, config)`` decides."""
        return self.resolve(fn, config)  # type: ignore[attr-defined]

    def rewrite_group(
        self, nodes: list[Node], config: Mapping[str, Any], fn: Callable[..., Any]
    ) -> list[Node]:
        """INPUTS: ``rewrite_inputs`` on the function's own node (the last), new upstream
        nodes placed before it."""
        rewritten = self.rewrite_inputs(nodes[-1], config, fn)  # type: ignore[attr-defined]
        return [*nodes[:-1], *rewritten[1:], *rewritten[:1]]

    def expand_group(
        self, nodes: list[Node], config: Mapping[str, Any], fn: Callable[..., Any]
    ) -> list[Node]:
        """EXPAND: ``expand`` of the function's own node (the last)."""
        return [*nodes[:-1], *self.expand(nodes[-1], config, fn)]  # type: ignore[attr-defined]


class Resolution:
    """What a RESOLVE-stage modifier decided: include the function, under which name, and
    which further modifiers (e.g. made by ``@resolve``) apply to it."""

    __slots__ = ("include", "name", "reason", "added", "function")

    def __init__(
        self,
        include: bool,
        name: str | None = None,
        reason: str = "",
        added: Sequence[FunctionModifier] = (),
        function: Callable[..., Any] | None = None,
    ) -> None:
        self.include = include
        self.name = name
        self.reason = reason
        self.added = list(added)
        self.function = function  # a replacement for the function (a Hamilton NodeResolver's)


class Excluded(Exception):
    """Internal signal: the function is left out of the graph for this config."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(reason)
        self.name = name
        self.reason = reason


def modifiers_of(fn: Callable[..., Any]) -> list[FunctionModifier]:
    """The modifiers recorded on ``fn``, in the order they were applied (innermost first)."""
    return list(getattr(fn, MODIFIERS_ATTR, ()))


NON_FINAL_TAG = "hamilton.non_final_node"  # Hamilton's tag on inner nodes (e.g. of a subdag)


def describe_use(fn: Callable[..., Any], decorator: str) -> str:
    """``function 'f' (file.py:12): @decorator``: the start of a decorator's error message."""
    return f"{describe_function(fn)}: @{decorator}"


def raise_problems(
    fn: Callable[..., Any], decorator: str, problems: Sequence[str], summary: str = "is invalid"
) -> None:
    """Raise ``InvalidDecoratorError`` listing ``problems`` (collected when the decorator was
    made) as ``<describe_use> <summary>: a; b.``; do nothing when there are none."""
    if problems:
        raise errors.InvalidDecoratorError(
            f"{describe_use(fn, decorator)} {summary}: " + "; ".join(problems) + "."
        )


def not_produced(subject: str, nodes: Iterable[Node]) -> errors.InvalidDecoratorError:
    """The error for a decorator naming outputs the function does not produce; ``subject``
    says who names which (``"function 'f' (f.py:3): @tag_outputs names 'x'"``)."""
    return errors.InvalidDecoratorError(
        f"{subject}, which the function does not produce "
        f"(its nodes: {', '.join(node.name for node in nodes)})."
    )


def sink_nodes(nodes: Iterable[Node]) -> list[Node]:
    """The nodes no other node of the same group depends on (a function's 'final' nodes);
    nodes tagged ``NON_FINAL_TAG`` (a subdag's inner nodes) are never final."""
    nodes = list(nodes)
    used = {dep for node in nodes for dep in node.input_types}
    return [node for node in nodes if node.name not in used and not node.tags.get(NON_FINAL_TAG)]


def _by_stage(
    modifiers: Iterable[FunctionModifier], fn: Callable[..., Any]
) -> dict[Stage, list[Any]]:
    by_stage: dict[Stage, list[Any]] = {stage: [] for stage in Stage}
    for modifier in modifiers:
        if not modifier.validated_when_applied:
            modifier.validate(fn)
        same = by_stage[modifier.stage]
        if same and modifier.single_per_function:
            raise errors.InvalidDecoratorError(
                f"{describe_use(fn, modifier.display_name())} cannot be combined with "
                f"@{same[0].display_name()}; a function takes one of them."
            )
        same.append(modifier)
    return by_stage


CONFIG_TAG = "hamilton.config"


def resolve_nodes(fn: Callable[..., Any], config: Mapping[str, Any]) -> list[Node]:
    """All nodes ``fn`` contributes under ``config``; raises ``Excluded`` when it has none."""
    modifiers = getattr(fn, MODIFIERS_ATTR, None)
    if not modifiers:  # fast path: a plain function is one node
        return [Node.from_function(fn)]
    by_stage = _by_stage(modifiers, fn)
    name = fn.__name__
    added: list[FunctionModifier] = []
    config_tag = None  # the config keys that let the function in (``@config.when*``)
    for resolver in by_stage[Stage.RESOLVE]:
        resolution = resolver.resolution_for(fn, config)
        if resolution.function is not None and resolution.function is not fn:
            fn = resolution.function  # a replacement made by a Hamilton-style NodeResolver
            name = getattr(fn, "__name__", name)
        if resolution.name:
            name = resolution.name
        if not resolution.include:
            raise Excluded(resolution.name or name, resolution.reason)
        added.extend(resolution.added)
        config_tag = getattr(resolver, "config_tag", config_tag)
    if name != fn.__name__ and isinstance(fn, types.FunctionType):
        # as in Hamilton, the node's originating function carries the resolved name
        # (``price__us`` -> ``price``); ours is a copy, the user's function stays untouched
        fn = copy_function(fn, name=name)
    if added:
        by_stage = _by_stage([m for m in modifiers if m.stage is not Stage.RESOLVE] + added, fn)
    creators = by_stage[Stage.CREATE]
    nodes = (
        creators[0].create(fn, name, config) if creators else [Node.from_function(fn, name=name)]
    )
    for rewriter in by_stage[Stage.INPUTS]:
        nodes = rewriter.rewrite_group(nodes, config, fn)
    for expander in by_stage[Stage.EXPAND]:
        nodes = expander.expand_group(nodes, config, fn)
    for transformer in by_stage[Stage.TRANSFORM]:
        nodes = transformer.transform(nodes, config, fn)
    for decorator in by_stage[Stage.DECORATE]:
        nodes = decorator.decorate(nodes, config, fn)
    if config_tag is not None:
        nodes = [
            n if CONFIG_TAG in n.tags else n.copy_with(tags={**n.tags, CONFIG_TAG: config_tag})
            for n in nodes
        ]
    return nodes


_LIFECYCLE_NAMES = {
    name: "lifecycle_base"
    for name in (
        "NodeTransformLifecycle",
        "NodeResolver",
        "NodeCreator",
        "SubDAGModifier",
        "NodeInjector",
        "NodeExpander",
        "DynamicResolver",
        "InvalidDecoratorException",
        "MissingConfigParametersException",
        "TargetType",
        "sanitize_function_name",
        "resolve_config",
        "filter_config",
    )
} | {
    name: "lifecycle_transformers"
    for name in (
        "NodeTransformer",
        "SingleNodeNodeTransformer",
        "NodeDecorator",
        "DefaultNodeCreator",
        "DefaultNodeResolver",
        "DefaultNodeDecorator",
        "get_node_decorators",
    )
}


def __getattr__(name: str) -> Any:
    """Hamilton's lifecycle API (``lifecycle_base``, ``lifecycle_transformers``), loaded on
    first use."""
    module = _LIFECYCLE_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"hamilton_nb.function_modifiers.{module}"), name)
