"""Where a parameter's value comes from: ``source`` (another node), ``value`` (a literal),
``group`` (several of those as a list or dict), and ``bind_node`` that applies such bindings.

Decorators (``parameterize``, ``inject``, ``subdag``, ``pipe``, ``load_from`` ...) describe
parameters with these and call ``bind_node`` to get a node with the new dependencies.

Also here, for the decorators that take a dict of bindings (``parameterize``, ``inject``,
``parameterize_extract_columns``): ``as_bindings`` checks such a dict, ``bind_output`` binds a
node after checking groups against annotations and filling the docstring (``format_doc``);
``reader`` is the callable of a node that passes on another node's value.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hamilton_nb import errors, htypes
from hamilton_nb.node import DependencyType, Node


@dataclass(frozen=True)
class UpstreamDependency:
    """Base of ``source``: the parameter is fed by the node named ``source``."""

    source: str


class source(UpstreamDependency):  # noqa: N801 - Hamilton's public name
    """The parameter takes the value of the node ``name`` (``source("raw_data")``)."""

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise errors.InvalidDecoratorError(f"source() takes a node name, got {name!r}.")
        object.__setattr__(self, "source", name)

    def __repr__(self) -> str:
        return f"source({self.source!r})"


@dataclass(frozen=True)
class LiteralDependency:
    """Base of ``value``: the parameter is the fixed ``value``."""

    value: Any


class value(LiteralDependency):  # noqa: N801 - Hamilton's public name
    """The parameter is the literal ``v`` (``value(0.5)``)."""

    def __init__(self, v: Any) -> None:
        object.__setattr__(self, "value", v)

    def __repr__(self) -> str:
        return f"value({self.value!r})"


@dataclass(frozen=True)
class ConfigDependency:
    """Made by ``configuration``: the value of the config key ``source``."""

    source: str


def configuration(dependency_on: str) -> ConfigDependency:
    """In ``@subdag(config=...)``: take the value of the outer config key ``dependency_on``."""
    if not isinstance(dependency_on, str) or not dependency_on:
        raise errors.InvalidDecoratorError(
            f"configuration() takes a config key, got {dependency_on!r}."
        )
    return ConfigDependency(dependency_on)


Dependency = UpstreamDependency | LiteralDependency


class group:  # noqa: N801 - Hamilton's public name
    """Several dependencies passed as one list (``group(source("a"), source("b"))``) or one
    dict (``group(x=source("a"), y=value(1))``)."""

    def __init__(self, *args: Dependency, **kwargs: Dependency) -> None:
        if args and kwargs:
            raise errors.InvalidDecoratorError(
                "group() takes either positional dependencies (a list) or keyword ones (a dict), "
                "not both."
            )
        for dep in (*args, *kwargs.values()):
            if not isinstance(dep, (UpstreamDependency, LiteralDependency)):
                raise errors.InvalidDecoratorError(
                    f"group() members must be source(...) or value(...), got {dep!r}."
                )
        self.members: list[Dependency] | dict[str, Dependency] = (
            list(args) if args else dict(kwargs)
        )

    def __repr__(self) -> str:
        if isinstance(self.members, list):
            return f"group({', '.join(map(repr, self.members))})"
        return "group(" + ", ".join(f"{k}={v!r}" for k, v in self.members.items()) + ")"


Binding = UpstreamDependency | LiteralDependency | group


def as_binding(param: str, raw: Any, where: str) -> Binding:
    """Validate a user-given binding; bare values are rejected with the fix."""
    if isinstance(raw, (UpstreamDependency, LiteralDependency, group)):
        return raw
    raise errors.InvalidDecoratorError(
        f"{where}: parameter {param!r} must be bound with source(...), value(...) or group(...), "
        f"got {raw!r}. Wrap a literal as value({raw!r})."
    )


def as_bindings(raw: Any, where: str) -> dict[str, Binding]:
    """``raw`` checked as a dict of parameter name -> binding (``InvalidDecoratorError``)."""
    if not isinstance(raw, Mapping):
        raise errors.InvalidDecoratorError(
            f"{where} takes a dict of parameter name -> source(...)/value(...)/group(...), "
            f"got {raw!r}."
        )
    return {param: as_binding(param, binding, where) for param, binding in raw.items()}


def _element_type(annotation: Any, collection: type) -> Any:
    if typing.get_origin(annotation) in (collection,) or annotation is collection:
        args = typing.get_args(annotation)
        return args[-1] if args else Any
    return Any


def bind_node(
    node: Node,
    bindings: Mapping[str, Binding],
    *,
    name: str | None = None,
    where: str = "",
    documentation: str | None = None,
) -> Node:
    """A copy of ``node`` (renamed to ``name``) whose parameters follow ``bindings``.

    Raises ``InvalidDecoratorError`` for a binding naming a parameter the node does not have.
    """
    where = where or f"node {node.name!r}"
    unknown = [p for p in bindings if p not in node.input_types]
    if unknown:
        raise errors.InvalidDecoratorError(
            f"{where}: binds {', '.join(map(repr, unknown))}, which "
            f"{'is not a parameter' if len(unknown) == 1 else 'are not parameters'} of the "
            f"function (parameters: {', '.join(node.input_types) or 'none'})."
        )
    inputs: dict[str, tuple[Any, DependencyType]] = {}
    renames: list[tuple[str, str]] = []  # (upstream name, parameter); one upstream may feed several
    fixed: dict[str, Any] = {}
    groups: dict[str, Callable[[dict[str, Any]], Any]] = {}
    for param, (param_type, dependency) in node.input_types.items():
        binding = bindings.get(param)
        if binding is None:
            inputs[param] = (param_type, dependency)
            renames.append((param, param))
        elif isinstance(binding, LiteralDependency):
            fixed[param] = binding.value
        elif isinstance(binding, UpstreamDependency):
            # as in Hamilton, a source feeding a parameter with a default is optional
            previous = inputs.get(binding.source, (None, DependencyType.OPTIONAL))[1]
            required = DependencyType.REQUIRED in (dependency, previous)
            inputs[binding.source] = (
                param_type,
                DependencyType.REQUIRED if required else DependencyType.OPTIONAL,
            )
            renames.append((binding.source, param))
        else:
            groups[param] = _group_reader(binding, param_type, inputs)
    original = node.callable
    assert original is not None

    def bound(**kwargs: Any) -> Any:
        call = {param: kwargs[up] for up, param in renames if up in kwargs}
        call.update(fixed)
        for param, read in groups.items():
            call[param] = read(kwargs)
        return original(**call)

    return node.copy_with(
        name=name or node.name,
        callable=bound,
        input_types=inputs,
        documentation=node.documentation if documentation is None else documentation,
    )


def _group_reader(
    binding: group, param_type: Any, inputs: dict[str, tuple[Any, DependencyType]]
) -> Callable[[dict[str, Any]], Any]:
    if isinstance(binding.members, list):
        element = _element_type(param_type, list)
        members: list[Dependency] = binding.members
        for member in members:
            if isinstance(member, UpstreamDependency):
                inputs[member.source] = (element, DependencyType.REQUIRED)
        return lambda kw: [
            kw[m.source] if isinstance(m, UpstreamDependency) else m.value for m in members
        ]
    element = _element_type(param_type, dict)
    named: dict[str, Dependency] = binding.members
    for member in named.values():
        if isinstance(member, UpstreamDependency):
            inputs[member.source] = (element, DependencyType.REQUIRED)
    return lambda kw: {
        k: kw[m.source] if isinstance(m, UpstreamDependency) else m.value for k, m in named.items()
    }


def reader(upstream: str) -> Callable[..., Any]:
    """The callable of a node whose value is that of the node ``upstream``."""

    def read(**kwargs: Any) -> Any:
        return kwargs[upstream]

    return read


class _DocValues(dict[str, Any]):
    """Docstring template values; an unknown ``{name}`` renders as ``name`` (as in Hamilton)."""

    def __missing__(self, key: str) -> str:
        return key


def format_doc(doc: str, output_name: str, bindings: Mapping[str, Binding]) -> str:
    """Fill ``{output_name}`` and ``{param}`` (source name or literal) in ``doc``.

    A docstring that is not a valid template (stray braces, positional fields) stays as is.
    """
    if "{" not in doc:
        return doc
    values = _DocValues(output_name=output_name)
    for param, binding in bindings.items():
        if isinstance(binding, UpstreamDependency):
            values[param] = binding.source
        elif isinstance(binding, LiteralDependency):
            values[param] = binding.value
    try:
        return doc.format_map(values)
    except (ValueError, KeyError, IndexError, AttributeError, TypeError):
        return doc


def bind_output(
    node: Node,
    bindings: Mapping[str, Binding],
    *,
    name: str,
    where: str,
    documentation: str | None = None,
) -> Node:
    """``bind_node`` for a decorator's output ``name``, after checking each ``group`` against
    its parameter's annotation; the docstring is ``documentation`` or ``node``'s filled in by
    ``format_doc``. Raises ``InvalidDecoratorError``, also when the node would depend on itself.
    """
    _check_groups(node, bindings, where)
    if documentation is None:
        documentation = format_doc(node.documentation, name, bindings)
    new = bind_node(node, bindings, name=name, where=where, documentation=documentation)
    if new.name in new.input_types:
        raise errors.InvalidDecoratorError(
            f"{where}: node {new.name!r} would depend on itself, because one of its inputs is "
            f"also named {new.name!r}. Bind that parameter with source(...)/value(...) to "
            "another node, or choose another output name."
        )
    return new


def _check_groups(node: Node, bindings: Mapping[str, Binding], where: str) -> None:
    """A list ``group`` needs a list-like parameter, a keyword ``group`` a dict-like one."""
    for param, binding in bindings.items():
        if not isinstance(binding, group) or param not in node.input_types:
            continue
        wanted = list if isinstance(binding.members, list) else dict
        annotation = node.input_types[param][0]
        cls = htypes.base_type(annotation)
        cls = typing.get_origin(cls) or cls
        if isinstance(cls, type) and not issubclass(wanted, cls):
            raise errors.InvalidDecoratorError(
                f"{where}: parameter {param!r} is bound to {binding!r}, which passes a "
                f"{wanted.__name__}, but it is annotated {htypes.type_name(annotation)}. "
                f"Annotate it as {wanted.__name__}[...]."
            )
