"""``@subdag`` and ``@parameterized_subdag``: inline a whole dataflow under a namespace.

Responsibilities:
- Build the nodes of the given modules/functions with ``resolve_nodes`` under the outer config
  updated by the subdag's own ``config``.
- Rename them ``namespace.node`` (``Node.namespace`` records the path), bind the subdag's
  inputs to outer nodes or literals (``inputs=``), expose the subdag's config values as
  ``namespace.key`` nodes; every other dependency stays a name of the outer graph.
- Make the decorated function the final node: its parameters read the subdag's nodes by name,
  except ``external_inputs``, which come from the outer graph.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from types import ModuleType
from typing import Any, TypedDict

from hamilton_nb import errors
from hamilton_nb.function_modifiers.base import (
    NON_FINAL_TAG,
    Excluded,
    FunctionModifier,
    Stage,
    describe_use,
    resolve_nodes,
)
from hamilton_nb.function_modifiers.dependencies import (
    ConfigDependency,
    LiteralDependency,
    UpstreamDependency,
    reader,
)
from hamilton_nb.node import DependencyType, Node, describe_origin

Rename = Callable[[str], str]


class SubdagParams(TypedDict, total=False):
    """One entry of ``@parameterized_subdag``: what differs for that subdag."""

    inputs: dict[str, UpstreamDependency | LiteralDependency]
    config: dict[str, Any]
    external_inputs: list[str]


class subdag(FunctionModifier):  # noqa: N801 - Hamilton's public name
    """Run the dataflow of ``load_from`` (modules or functions) inside this one.

    Its nodes are named ``namespace.node`` (namespace: the function's name unless given);
    ``inputs`` binds the subdag's inputs with ``source``/``value``; ``config`` updates the
    outer config for the subdag; the decorated function becomes the node ``final_node_name``
    (default: its name), its parameters reading the subdag's nodes, except the
    ``external_inputs``, which read the outer graph.
    """

    stage = Stage.CREATE
    single_per_function = True

    def __init__(
        self,
        *load_from: ModuleType | Callable[..., Any],
        inputs: Mapping[str, UpstreamDependency | LiteralDependency] | None = None,
        config: Mapping[str, Any] | None = None,
        namespace: str | None = None,
        final_node_name: str | None = None,
        external_inputs: Iterable[str] | None = None,
    ) -> None:
        self.load_from = load_from
        self.inputs = dict(inputs or {})
        self.config = dict(config or {})
        self.namespace = namespace
        self.final_node_name = final_node_name
        self.external_inputs = list(external_inputs or [])

    def validate(self, fn: Callable[..., Any]) -> None:
        where = describe_use(fn, self.display_name())
        _check_spec(self.load_from, self.inputs, self.external_inputs, fn, where)
        for label, text in (
            ("namespace", self.namespace),
            ("final_node_name", self.final_node_name),
        ):
            if text is not None and (not isinstance(text, str) or not text):
                raise errors.InvalidDecoratorError(
                    f"{where}: {label}= must be a non-empty string, got {text!r}."
                )

    def create(self, fn: Callable[..., Any], name: str, config: Mapping[str, Any]) -> list[Node]:
        where = describe_use(fn, self.display_name())
        local_config = resolve_local_config(config, self.config, where)
        inner = inner_nodes(self.load_from, {**config, **local_config}, where, fn)
        return build_subdag(
            fn,
            inner,
            namespace=self.namespace or name,
            final_name=self.final_node_name or name,
            inputs=self.inputs,
            local_config=local_config,
            external_inputs=self.external_inputs,
            where=where,
        )


def resolve_local_config(
    outer: Mapping[str, Any], local: Mapping[str, Any], where: str
) -> dict[str, Any]:
    """A subdag's ``config=`` with ``value(x)`` read as ``x`` and ``configuration("key")`` as
    the outer config's ``key`` (``InvalidDecoratorError`` when it is missing)."""
    resolved: dict[str, Any] = {}
    for key, entry in local.items():
        if isinstance(entry, LiteralDependency):
            resolved[key] = entry.value
        elif isinstance(entry, ConfigDependency):
            merged = {**outer, **local}
            if entry.source not in merged:
                raise errors.InvalidDecoratorError(
                    f"{where}: config {key!r} reads configuration({entry.source!r}), which is "
                    "not in the config; pass it with Builder().with_config({...})."
                )
            resolved[key] = merged[entry.source]
        else:
            resolved[key] = entry
    return resolved


class parameterized_subdag(FunctionModifier):  # noqa: N801 - Hamilton's public name
    """Several ``@subdag`` copies of one dataflow, one per keyword argument.

    Each keyword names a subdag (its namespace and its final node) and gives a
    ``SubdagParams`` dict: its ``inputs``/``config`` update the shared ones, its
    ``external_inputs`` replace the shared list.
    """

    stage = Stage.CREATE
    single_per_function = True

    def __init__(
        self,
        *load_from: ModuleType | Callable[..., Any],
        inputs: Mapping[str, UpstreamDependency | LiteralDependency] | None = None,
        config: Mapping[str, Any] | None = None,
        external_inputs: Iterable[str] | None = None,
        **parameterization: SubdagParams,
    ) -> None:
        self.load_from = load_from
        self.inputs = dict(inputs or {})
        self.config = dict(config or {})
        self.external_inputs = list(external_inputs or [])
        self.parameterization = parameterization

    def validate(self, fn: Callable[..., Any]) -> None:
        where = describe_use(fn, self.display_name())
        if not self.parameterization:
            raise errors.InvalidDecoratorError(
                f"{where} needs at least one subdag, e.g. "
                "@parameterized_subdag(module, one={'inputs': {'x': value(1)}})."
            )
        for key, params in self.parameterization.items():
            if not isinstance(params, Mapping):
                raise errors.InvalidDecoratorError(
                    f"{where}: {key}= must be a dict with 'inputs', 'config' or "
                    f"'external_inputs', got {params!r}."
                )
            unknown = sorted(set(params) - set(SubdagParams.__annotations__))
            if unknown:
                raise errors.InvalidDecoratorError(
                    f"{where}: {key}= has unknown key(s) {unknown}; use 'inputs', 'config' or "
                    "'external_inputs'."
                )
            inputs, _, external = self._spec(params)
            _check_spec(self.load_from, inputs, external, fn, f"{where} ({key}=)")

    def _spec(self, params: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
        inputs = {**self.inputs, **(params.get("inputs") or {})}
        config = {**self.config, **(params.get("config") or {})}
        external = params.get("external_inputs")
        return inputs, config, list(self.external_inputs if external is None else external)

    def create(self, fn: Callable[..., Any], name: str, config: Mapping[str, Any]) -> list[Node]:
        where = describe_use(fn, self.display_name())
        nodes: list[Node] = []
        built: list[tuple[dict[str, Any], dict[str, Node]]] = []  # subdags sharing a config
        for key, params in self.parameterization.items():
            inputs, local_config, external = self._spec(params)
            local_config = resolve_local_config(config, local_config, f"{where} ({key}=)")
            merged = {**config, **local_config}
            inner = next((nodes for cfg, nodes in built if cfg == merged), None)
            if inner is None:
                inner = inner_nodes(self.load_from, merged, f"{where} ({key}=)", fn)
                built.append((merged, inner))
            nodes.extend(
                build_subdag(
                    fn,
                    inner,
                    namespace=key,
                    final_name=key,
                    inputs=inputs,
                    local_config=local_config,
                    external_inputs=external,
                    where=f"{where} ({key}=)",
                )
            )
        return nodes


def _check_spec(
    load_from: tuple[Any, ...],
    inputs: Mapping[str, Any],
    external_inputs: list[str],
    fn: Callable[..., Any],
    where: str,
) -> None:
    """The checks that need no build: what to load, the bindings, the external inputs."""
    if not load_from:
        raise errors.InvalidDecoratorError(
            f"{where} needs the modules or functions to build the subdag from, "
            "e.g. @subdag(my_module, inputs={...})."
        )
    for item in load_from:
        if not isinstance(item, ModuleType) and not callable(item):
            raise errors.InvalidDecoratorError(
                f"{where}: load_from takes modules or functions, got {item!r}."
            )
    for param, binding in inputs.items():
        if not isinstance(binding, (UpstreamDependency, LiteralDependency)):
            raise errors.InvalidDecoratorError(
                f"{where}: inputs[{param!r}] must be source(...) or value(...), got {binding!r}. "
                f"Wrap a literal as value({binding!r})."
            )
    parameters = inspect.signature(fn).parameters
    unknown = [p for p in external_inputs if p not in parameters]
    if unknown:
        raise errors.InvalidDecoratorError(
            f"{where}: external_inputs {unknown} are not parameters of the function "
            f"(parameters: {', '.join(parameters) or 'none'})."
        )
    both = [p for p in external_inputs if p in inputs]
    if both:
        raise errors.InvalidDecoratorError(
            f"{where}: {both} given both in inputs= and in external_inputs=; keep one."
        )


def build_subdag(
    fn: Callable[..., Any],
    inner: Mapping[str, Node],
    *,
    namespace: str,
    final_name: str,
    inputs: Mapping[str, UpstreamDependency | LiteralDependency],
    local_config: Mapping[str, Any],
    external_inputs: Iterable[str],
    where: str,
) -> list[Node]:
    """The ``inner`` nodes under ``namespace``, the input and config nodes, ``fn``'s node last."""
    final = Node.from_function(fn, name=final_name)
    external = set(external_inputs)
    _check_bindings(inner, final, inputs, external, where)
    config_keys = [k for k in local_config if k not in inner and k not in inputs]
    local = {*inner, *inputs, *config_keys}
    prefix = namespace + "."

    def rename(dependency: str) -> str:
        return prefix + dependency if dependency in local else dependency

    consumer_types = _consumer_types(inner.values(), final, external)
    nodes = [_namespaced(node, namespace, rename, fn) for node in inner.values()]
    for param, binding in inputs.items():
        param_type = consumer_types.get(param, Any)
        if isinstance(binding, UpstreamDependency):
            nodes.append(_source_node(prefix + param, param_type, binding.source, namespace, fn))
        else:
            nodes.append(_value_node(prefix + param, param_type, binding.value, namespace, fn))
    for key in config_keys:
        config_value = local_config[key]
        key_type = consumer_types.get(key, type(config_value))
        nodes.append(_value_node(prefix + key, key_type, config_value, namespace, fn))
    nodes.append(_renamed(final, lambda p: p if p in external else prefix + p))
    return nodes


def inner_nodes(
    load_from: Iterable[ModuleType | Callable[..., Any]],
    config: Mapping[str, Any],
    where: str,
    decorated: Callable[..., Any],
) -> dict[str, Node]:
    """The nodes of ``load_from`` under ``config``, by name (before namespacing)."""
    from hamilton_nb.graph import module_functions  # graph imports this package's base

    functions: list[Callable[..., Any]] = []
    for item in load_from:
        functions.extend(module_functions(item) if isinstance(item, ModuleType) else [item])
    nodes: dict[str, Node] = {}
    for function in dict.fromkeys(functions):
        if function is decorated:
            raise errors.InvalidDecoratorError(
                f"{where}: the subdag would contain the decorated function itself; move it "
                "out of the modules it loads, or load the other functions one by one."
            )
        try:
            created = resolve_nodes(function, config)
        except Excluded:
            continue
        for node in created:
            previous = nodes.get(node.name)
            if previous is not None:
                raise errors.InvalidDecoratorError(
                    f"{where}: node {node.name!r} is defined twice in the subdag, by "
                    f"{describe_origin(previous, repr(previous.name))} and by "
                    f"{describe_origin(node, repr(node.name))}; load it only once."
                )
            nodes[node.name] = node
    return nodes


def _check_bindings(
    inner: Mapping[str, Node],
    final: Node,
    inputs: Mapping[str, Any],
    external: set[str],
    where: str,
) -> None:
    """Every ``inputs`` key must be an input of the subdag, not one of its nodes."""
    open_inputs = {d for node in inner.values() for d in node.input_types if d not in inner}
    open_inputs.update(p for p in final.input_types if p not in inner and p not in external)
    for param in inputs:
        if param in inner:
            raise errors.InvalidDecoratorError(
                f"{where}: inputs= binds {param!r}, which the subdag computes itself; bind "
                f"only its inputs ({', '.join(map(repr, sorted(open_inputs))) or 'none'})."
            )
        if param not in open_inputs:
            raise errors.InvalidDecoratorError(
                f"{where}: inputs= binds {param!r}, which is not an input of the subdag"
                f"{errors.did_you_mean(param, open_inputs)}; its inputs are "
                f"{', '.join(map(repr, sorted(open_inputs))) or 'none'}."
            )


def _consumer_types(inner: Iterable[Node], final: Node, external: set[str]) -> dict[str, Any]:
    """For each dependency name, the type its first consumer declares."""
    types: dict[str, Any] = {}
    for node in inner:
        for dependency, (param_type, _) in node.input_types.items():
            types.setdefault(dependency, param_type)
    for param, (param_type, _) in final.input_types.items():
        if param not in external:
            types.setdefault(param, param_type)
    return types


def _namespaced(node: Node, namespace: str, rename: Rename, fn: Callable[..., Any]) -> Node:
    input_types, call = _renamed_inputs(node, rename)
    return node.copy_with(
        name=f"{namespace}.{node.name}",
        callable=call,
        input_types=input_types,
        tags={**node.tags, NON_FINAL_TAG: True},
        originating_functions=(*(node.originating_functions or ()), fn),
        namespace=(namespace, *node.namespace),
    )


def _renamed(node: Node, rename: Rename) -> Node:
    """``node`` with its dependencies renamed; its callable still gets its own names."""
    input_types, call = _renamed_inputs(node, rename)
    return node if call is node.callable else node.copy_with(input_types=input_types, callable=call)


def _renamed_inputs(
    node: Node, rename: Rename
) -> tuple[dict[str, tuple[Any, DependencyType]], Callable[..., Any] | None]:
    """Renamed ``input_types`` and a callable taking the new names (the same one if none
    changed)."""
    input_types: dict[str, tuple[Any, DependencyType]] = {}
    own_names: dict[str, str] = {}  # new dependency name -> parameter name
    for dependency, spec in node.input_types.items():
        new = rename(dependency)
        input_types[new] = spec
        if new != dependency:
            own_names[new] = dependency
    original = node.callable
    if not own_names or original is None:
        return input_types, original

    def call(**kwargs: Any) -> Any:
        return original(**{own_names.get(k, k): v for k, v in kwargs.items()})

    return input_types, call


def _source_node(
    name: str, node_type: Any, upstream: str, namespace: str, fn: Callable[..., Any]
) -> Node:
    return Node(
        name=name,
        type=node_type,
        callable=reader(upstream),
        input_types={upstream: (node_type, DependencyType.REQUIRED)},
        tags={NON_FINAL_TAG: True},
        originating_functions=(fn,),
        namespace=(namespace,),
    )


def _value_node(
    name: str, node_type: Any, literal: Any, namespace: str, fn: Callable[..., Any]
) -> Node:
    return Node(
        name=name,
        type=node_type,
        callable=lambda: literal,
        tags={NON_FINAL_TAG: True},
        originating_functions=(fn,),
        namespace=(namespace,),
    )
