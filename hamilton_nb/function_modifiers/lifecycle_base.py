"""Hamilton's custom-decorator API, run by our stage pipeline.

Responsibilities:
- The lifecycle classes a Hamilton user subclasses to write a decorator (``NodeResolver``,
  ``NodeCreator``, ``NodeInjector``, ``NodeExpander``, ``DynamicResolver`` here; the
  transformers and decorators in ``lifecycle_transformers``). Each is a ``FunctionModifier``
  whose ``Stage`` follows from its lifecycle name: resolve/dynamic -> RESOLVE, generate ->
  CREATE, inject -> INPUTS, expand -> EXPAND, transform -> TRANSFORM, decorate_nodes ->
  DECORATE.
- Applying one runs ``validate(fn)`` and refuses a second decorator of a lifecycle whose
  ``allows_multiple()`` is False, as Hamilton does, with errors naming the function.
- The config a decorator sees (``required_config``/``optional_config`` via
  ``filter_config``/``resolve_config``); ``sanitize_function_name``.
- Nodes the user's methods return are checked to be nodes and get the function as origin.
"""

from __future__ import annotations

import abc
import types
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, Union

from hamilton_nb import errors
from hamilton_nb.function_modifiers.base import (
    FunctionModifier,
    Resolution,
    Stage,
    describe_use,
    modifiers_of,
)
from hamilton_nb.node import Node
from hamilton_nb.settings import ENABLE_POWER_USER_MODE

InvalidDecoratorException = errors.InvalidDecoratorError
MissingConfigParametersException = errors.MissingConfigError
TargetType = Union[str, Collection[str], None, types.EllipsisType]  # noqa: UP007 - Hamilton's alias

_STAGE_OF_LIFECYCLE = {
    "resolve": Stage.RESOLVE,
    "dynamic": Stage.RESOLVE,
    "generate": Stage.CREATE,
    "inject": Stage.INPUTS,
    "expand": Stage.EXPAND,
    "transform": Stage.TRANSFORM,
    "decorate_nodes": Stage.DECORATE,
}
_LIFECYCLE_OF_STAGE = {
    Stage.RESOLVE: "resolve",
    Stage.CREATE: "generate",
    Stage.INPUTS: "inject",
    Stage.EXPAND: "expand",
    Stage.TRANSFORM: "transform",
    Stage.DECORATE: "decorate_nodes",
}


def sanitize_function_name(name: str) -> str:
    """``name`` without its last ``__suffix`` (``price__us`` -> ``price``)."""
    cut = name.rfind("__")
    return name[:cut] if cut != -1 else name


def lifecycle_name_of(modifier: FunctionModifier) -> str:
    """Hamilton's lifecycle name for any modifier, ours included (by its stage)."""
    if isinstance(modifier, NodeTransformLifecycle):
        return modifier.get_lifecycle_name()
    return _LIFECYCLE_OF_STAGE[modifier.stage]


def resolve_config(
    name_for_error: str,
    config: Mapping[str, Any],
    config_required: list[str] | None,
    config_optional_with_defaults: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The config a decorator sees: its required keys, its optional keys (given or default)
    and the power-user flag; the whole config when ``config_required`` is None.

    Raises ``MissingConfigParametersException`` naming ``name_for_error`` and the keys."""
    if config_required is None:
        return dict(config)
    optional = dict(config_optional_with_defaults or {})
    optional.setdefault(ENABLE_POWER_USER_MODE, False)
    missing = sorted(set(config_required) - set(config) - set(optional))
    if missing:
        raise MissingConfigParametersException(
            f"{name_for_error} needs config key(s) {', '.join(map(repr, missing))}. "
            "Add them to the config (Builder().with_config({...}))."
        )
    out = {key: config[key] if key in config else optional[key] for key in config_required}
    for key, default in optional.items():
        out[key] = config.get(key, default)
    return out


def filter_config(config: Mapping[str, Any], decorator: NodeTransformLifecycle) -> dict[str, Any]:
    """``resolve_config`` with the keys ``decorator`` declares."""
    return resolve_config(
        decorator.name, config, decorator.required_config(), decorator.optional_config()
    )


class NodeTransformLifecycle(FunctionModifier, abc.ABC):
    """Base of Hamilton's lifecycle classes: a decorator is one step of the lifecycle."""

    validated_when_applied = True

    @classmethod
    @abc.abstractmethod
    def get_lifecycle_name(cls) -> str:
        """Which lifecycle step this decorator is (``"generate"``, ``"transform"``, ...)."""

    @classmethod
    @abc.abstractmethod
    def allows_multiple(cls) -> bool:
        """Whether a function may carry several decorators of this lifecycle step."""

    @abc.abstractmethod
    def validate(self, fn: Callable[..., Any]) -> None:
        """Raise ``InvalidDecoratorException`` when the decorator does not fit ``fn``."""

    @property
    def stage(self) -> Stage:  # type: ignore[override]
        lifecycle = self.get_lifecycle_name()
        stage = _STAGE_OF_LIFECYCLE.get(lifecycle)
        if stage is None:
            raise InvalidDecoratorException(
                f"@{self.name}: get_lifecycle_name() returned {lifecycle!r}; subclass "
                "NodeResolver, NodeCreator, NodeInjector, NodeExpander, NodeTransformer or "
                "NodeDecorator without overriding it."
            )
        return stage

    @property
    def single_per_function(self) -> bool:  # type: ignore[override]
        return not self.allows_multiple()

    @property
    def name(self) -> str:
        """The decorator's name in messages: its class name."""
        return type(self).__name__

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Validate against ``fn`` and record the decorator on it (``fn`` is returned)."""
        self.validate(fn)
        if not self.allows_multiple():
            lifecycle = self.get_lifecycle_name()
            for other in modifiers_of(fn):
                if lifecycle_name_of(other) == lifecycle:
                    raise InvalidDecoratorException(
                        f"{describe_use(fn, self.name)} cannot be combined with "
                        f"@{other.display_name()}: a function takes one {lifecycle!r} "
                        f"decorator ({type(self).__name__}.allows_multiple() is False). "
                        "Remove one of them."
                    )
        return super().__call__(fn)

    def required_config(self) -> list[str] | None:
        """Config keys the decorator needs (``None``: the whole config, unfiltered)."""
        return []

    def optional_config(self) -> dict[str, Any] | None:
        """Config keys the decorator may use, with their defaults."""
        return {}

    def _config(self, config: Mapping[str, Any], fn: Callable[..., Any]) -> dict[str, Any]:
        return resolve_config(
            describe_use(fn, self.name), config, self.required_config(), self.optional_config()
        )

    def _checked(self, produced: Any, fn: Callable[..., Any], method: str) -> list[Node]:
        """``produced`` as a list of nodes, each remembering ``fn`` as its origin."""
        nodes = list(produced) if isinstance(produced, Iterable) else [produced]
        out = []
        for node in nodes:
            if not isinstance(node, Node):
                raise InvalidDecoratorException(
                    f"{describe_use(fn, self.name)}: {method}() returned {node!r}, not a "
                    "hamilton_nb.node.Node. Build nodes with Node(...) or node.copy_with(...)."
                )
            if node.originating_functions is None:
                node = node.copy_with(originating_functions=(fn,))
            out.append(node)
        return out


class NodeResolver(NodeTransformLifecycle):
    """Decides whether (and as which function) a function enters the graph."""

    @abc.abstractmethod
    def resolve(self, fn: Callable[..., Any], config: dict[str, Any]) -> Callable[..., Any] | None:
        """The function to build nodes from, or ``None`` to leave it out for ``config``."""

    @abc.abstractmethod
    def validate(self, fn: Callable[..., Any]) -> None: ...

    @classmethod
    def get_lifecycle_name(cls) -> str:
        return "resolve"

    @classmethod
    def allows_multiple(cls) -> bool:
        return True

    def resolution_for(self, fn: Callable[..., Any], config: Mapping[str, Any]) -> Resolution:
        resolved = self.resolve(fn, self._config(config, fn))
        if resolved is None:
            return Resolution(False, reason=f"@{self.name} left it out for this config")
        return Resolution(True, function=resolved)


class NodeCreator(NodeTransformLifecycle, abc.ABC):
    """Makes the function's nodes (instead of the one node a plain function makes)."""

    @abc.abstractmethod
    def generate_nodes(self, fn: Callable[..., Any], config: dict[str, Any]) -> list[Node]:
        """The nodes ``fn`` stands for."""

    @abc.abstractmethod
    def validate(self, fn: Callable[..., Any]) -> None: ...

    @classmethod
    def get_lifecycle_name(cls) -> str:
        return "generate"

    @classmethod
    def allows_multiple(cls) -> bool:
        return False

    def create(self, fn: Callable[..., Any], name: str, config: Mapping[str, Any]) -> list[Node]:
        return self._checked(
            self.generate_nodes(fn, self._config(config, fn)), fn, "generate_nodes"
        )


class SubDAGModifier(NodeTransformLifecycle, abc.ABC):
    """Rewrites the group of nodes the function has made so far."""

    @abc.abstractmethod
    def transform_dag(
        self, nodes: Collection[Node], config: dict[str, Any], fn: Callable[..., Any]
    ) -> Collection[Node]:
        """The new group of nodes."""

    def _run(
        self, nodes: list[Node], config: Mapping[str, Any], fn: Callable[..., Any]
    ) -> list[Node]:
        changed = self.transform_dag(list(nodes), self._config(config, fn), fn)
        return self._checked(changed, fn, "transform_dag")

    def rewrite_group(
        self, nodes: list[Node], config: Mapping[str, Any], fn: Callable[..., Any]
    ) -> list[Node]:
        return self._run(nodes, config, fn)

    def expand_group(
        self, nodes: list[Node], config: Mapping[str, Any], fn: Callable[..., Any]
    ) -> list[Node]:
        return self._run(nodes, config, fn)

    def transform(
        self, nodes: list[Node], config: Mapping[str, Any], fn: Callable[..., Any]
    ) -> list[Node]:
        return self._run(nodes, config, fn)

    def decorate(
        self, nodes: list[Node], config: Mapping[str, Any], fn: Callable[..., Any]
    ) -> list[Node]:
        return self._run(nodes, config, fn)


class NodeInjector(SubDAGModifier, abc.ABC):
    """Adds nodes that feed the group's unsatisfied parameters (and may rename them)."""

    @staticmethod
    def find_injectable_params(nodes: Collection[Node]) -> dict[str, Any]:
        """``{parameter: type}`` for the parameters no node of the group produces."""
        names = {node.name for node in nodes}
        return {
            param: param_type
            for node in nodes
            for param, (param_type, _) in node.input_types.items()
            if param not in names
        }

    def transform_dag(
        self, nodes: Collection[Node], config: dict[str, Any], fn: Callable[..., Any]
    ) -> Collection[Node]:
        injected, renames = self.inject_nodes(self.find_injectable_params(nodes), config, fn)
        out = [
            node.reassign_inputs(input_names=renames) if renames.keys() & node.input_types else node
            for node in nodes
        ]
        return [*out, *injected]

    @abc.abstractmethod
    def inject_nodes(
        self, params: dict[str, Any], config: dict[str, Any], fn: Callable[..., Any]
    ) -> tuple[list[Node], dict[str, str]]:
        """The nodes to add and a ``{parameter: new name}`` renaming of the group's inputs."""

    @abc.abstractmethod
    def validate(self, fn: Callable[..., Any]) -> None: ...

    @classmethod
    def get_lifecycle_name(cls) -> str:
        return "inject"

    @classmethod
    def allows_multiple(cls) -> bool:
        return True


class NodeExpander(SubDAGModifier):
    """Turns the function's single node into several."""

    EXPAND_NODES = "expand_nodes"

    def transform_dag(
        self, nodes: Collection[Node], config: dict[str, Any], fn: Callable[..., Any]
    ) -> Collection[Node]:
        if len(nodes) != 1:
            raise InvalidDecoratorException(
                f"{describe_use(fn, self.name)} expands a single node, but the function has "
                f"{len(nodes)} by then ({', '.join(n.name for n in nodes)}). Apply it to a "
                "function with no other node-making decorator."
            )
        (node,) = nodes
        return self.expand_node(node, config, fn)

    @abc.abstractmethod
    def expand_node(
        self, node_: Node, config: dict[str, Any], fn: Callable[..., Any]
    ) -> Collection[Node]:
        """The nodes ``node_`` becomes (its outputs and any intermediate nodes)."""

    @abc.abstractmethod
    def validate(self, fn: Callable[..., Any]) -> None: ...

    @classmethod
    def get_lifecycle_name(cls) -> str:
        return "expand"

    @classmethod
    def allows_multiple(cls) -> bool:
        return False


class DynamicResolver(NodeTransformLifecycle):
    """Chooses, from the whole config, a decorator to apply; subclasses define
    ``resolve(config, fn)`` returning it (or ``None`` for none)."""

    @classmethod
    def get_lifecycle_name(cls) -> str:
        return "dynamic"

    @classmethod
    def allows_multiple(cls) -> bool:
        return True

    def validate(self, fn: Callable[..., Any]) -> None:
        """Any function fits unless a subclass says otherwise."""

    def resolution_for(self, fn: Callable[..., Any], config: Mapping[str, Any]) -> Resolution:
        decorator = self.resolve(dict(config), fn)  # type: ignore[attr-defined]
        if decorator is None:
            return Resolution(True)
        if not isinstance(decorator, FunctionModifier):
            raise InvalidDecoratorException(
                f"{describe_use(fn, self.name)}: resolve(config, fn) returned {decorator!r}, "
                "not a decorator from hamilton_nb.function_modifiers."
            )
        return Resolution(True, added=[decorator])
