"""``@pipe_input`` (``@pipe``) and ``@pipe_output``: chains of steps around a function.

Responsibilities:
- ``pipe_input``: chain steps on a parameter before the function runs (one node per step);
  a step on an optional parameter runs on its default when the parameter is not given.
- ``pipe_output`` and ``pipe_outputs`` (also used by ``mutate``): chain steps on the
  function's output, ``name.raw -> steps -> name``; piping an output twice extends one chain.
- ``_chain``: the step nodes. Default step names follow Hamilton:
  ``<namespace>.with_<function name without leading _>``, suffixed ``_1``, ``_2`` ... when a
  function repeats in one chain (or the name is taken by another decorator's step).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Collection, Mapping
from typing import Any

from hamilton_nb import errors
from hamilton_nb.function_modifiers.base import (
    FunctionModifier,
    Stage,
    describe_use,
    not_produced,
    sink_nodes,
)
from hamilton_nb.function_modifiers.dependencies import bind_node, reader, source
from hamilton_nb.function_modifiers.steps import Applicable, Namespace
from hamilton_nb.node import DependencyType, Node


def _chain(
    steps: list[Applicable],
    upstream: str,
    default_namespace: str,
    pipe_namespace: Namespace,
    fn: Callable[..., Any],
    where: str,
    taken: set[str],
    counts: dict[str, int],
    outputs: bool = False,
) -> list[Node]:
    """One node per step, each fed by the previous one (the first by ``upstream``).

    On outputs (``outputs=True``) the pipe's namespace wins over a step's own, as in Hamilton,
    where ``apply_to(f).named("x", namespace="ns")`` still makes ``f.x``.
    """
    nodes: list[Node] = []
    for applicable in steps:
        piped, bindings, base = applicable.shape(where)
        namespace = applicable.namespace
        if namespace is ... or outputs:
            namespace = default_namespace if pipe_namespace is ... else pipe_namespace
        prefix = f"{namespace}." if namespace else ""
        auto = "with_" + getattr(applicable.fn, "__name__", "step").lstrip("_")
        seen = counts.get(auto, 0)  # as in Hamilton, named steps count too
        if applicable.name is not None:
            name = prefix + applicable.name
            if name in taken:
                raise errors.InvalidDecoratorError(
                    f"{where}: two nodes would be named {name!r}; give the steps distinct names "
                    "with step(...).named('...') or another namespace=."
                )
        else:  # an automatic name moves past names other decorators already use
            name = prefix + (f"{auto}_{seen}" if seen else auto)
            while name in taken:
                seen += 1
                name = f"{prefix}{auto}_{seen}"
        counts[auto] = seen + 1
        taken.add(name)
        bound = bind_node(base, {piped: source(upstream), **bindings}, name=name, where=where)
        namespaced = (namespace,) if namespace else ()
        nodes.append(bound.copy_with(originating_functions=(fn,), namespace=namespaced))
        upstream = name
    return nodes


def _check_steps(steps: tuple[Applicable, ...], pipe_namespace: Namespace, where: str) -> None:
    for applicable in steps:
        if not isinstance(applicable, Applicable) or applicable.fn is None:
            raise errors.InvalidDecoratorError(
                f"{where} takes step(function, ...) arguments, got {applicable!r}."
            )
        if pipe_namespace is not ... and applicable.namespace is not ...:
            raise errors.InvalidDecoratorError(
                f"{where}: {applicable!r} sets a namespace while the pipe sets namespace="
                f"{pipe_namespace!r}; set it in one place."
            )
        applicable.shape(where)
    names = [(a.namespace, a.name) for a in steps if a.name is not None and not a.conditions]
    repeated = sorted({name for ns, name in names if names.count((ns, name)) > 1})
    if repeated:
        raise errors.InvalidDecoratorError(
            f"{where}: step names {repeated} are used twice; give each step its own name."
        )


def check_collapse(collapse: bool, chain: bool, decorator: str) -> None:
    if collapse or chain:
        raise errors.InvalidDecoratorError(
            f"@{decorator}(collapse=/_chain=) is not supported (nor is it in Hamilton); "
            "leave them at False."
        )


class pipe_input(FunctionModifier):  # noqa: N801 - Hamilton's public name
    """Run ``steps`` on a parameter (the first, or ``on_input``) before the function runs.

    Each step becomes a node named ``<namespace>.with_<fn>`` (or ``.named(...)``); the
    namespace is the function's name unless ``namespace=`` says otherwise (``None``: none).
    """

    stage = Stage.INPUTS

    def __init__(
        self,
        *transforms: Applicable,
        namespace: Namespace = ...,
        on_input: str | None = None,
        collapse: bool = False,
        _chain: bool = False,
    ) -> None:
        check_collapse(collapse, _chain, self.display_name())
        self.transforms = transforms
        self.namespace = namespace
        self.on_input = on_input

    def validate(self, fn: Callable[..., Any]) -> None:
        where = describe_use(fn, self.display_name())
        parameters = inspect.signature(fn).parameters
        if not parameters:
            raise errors.InvalidDecoratorError(
                f"{where} pipes a parameter through its steps, but the function has none; "
                "add the parameter to transform or use @pipe_output."
            )
        if self.on_input is not None and not isinstance(self.on_input, str):
            raise errors.InvalidDecoratorError(
                f"{where}: on_input= takes one parameter name, got {self.on_input!r}."
            )
        _check_steps(self.transforms, self.namespace, where)
        for applicable in self.transforms:
            if applicable.target is not None:
                raise errors.InvalidDecoratorError(
                    f"{where}: {applicable!r} uses .on_output(), which belongs to @pipe_output."
                )

    def rewrite_inputs(
        self, node: Node, config: Mapping[str, Any], fn: Callable[..., Any]
    ) -> list[Node]:
        where = describe_use(fn, self.display_name())
        included = [a for a in self.transforms if a.resolves(config)]
        if not included:
            return [node]
        by_input: dict[str, list[Applicable]] = {}
        for applicable in included:
            key = _input_key(node, applicable.input or self.on_input, where)
            by_input.setdefault(key, []).append(applicable)
        taken = {node.name}
        counts: dict[str, int] = {}
        added: list[Node] = []
        rebound: dict[str, Any] = {}
        for key, steps in by_input.items():
            chain = _chain(steps, key, node.name, self.namespace, fn, where, taken, counts)
            if node.input_types[key][1] is DependencyType.OPTIONAL:
                chain[0] = _defaulted(chain[0], key, fn)
            rebound[key] = source(chain[-1].name)
            added.extend(chain)
        return [bind_node(node, rebound, where=where), *added]


class pipe(pipe_input):  # noqa: N801 - Hamilton's older name
    """Hamilton's older, deprecated name of ``pipe_input``; logs a deprecation warning when
    applied, as Hamilton does."""

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        from hamilton_nb.function_modifiers.deprecated import log_deprecated

        log_deprecated("pipe", "pipe_input")
        return super().__call__(fn)


def _input_key(node: Node, param: str | None, where: str) -> str:
    """The node input a pipe targets: ``param`` (or a namespaced ``x.param``), else the first."""
    if param is None:
        if not node.input_types:
            raise errors.InvalidDecoratorError(
                f"{where}: node {node.name!r} has no parameter left to pipe into."
            )
        return next(iter(node.input_types))
    if param in node.input_types:
        return param
    suffixed = [key for key in node.input_types if key.endswith("." + param)]
    if len(suffixed) == 1:
        return suffixed[0]
    raise errors.InvalidDecoratorError(
        f"{where}: on_input {param!r} is not a parameter of the function "
        f"({', '.join(node.input_types) or 'none'}){errors.did_you_mean(param, node.input_types)}."
    )


def _defaulted(node: Node, key: str, fn: Callable[..., Any]) -> Node:
    """The first step of a chain on an optional parameter: it runs on the default when the
    parameter is not provided."""
    parameter = inspect.signature(fn).parameters.get(key)
    if parameter is None or parameter.default is parameter.empty:
        return node
    default = parameter.default
    original = node.callable
    assert original is not None

    def call(**kwargs: Any) -> Any:
        if key not in kwargs:
            kwargs[key] = default
        return original(**kwargs)

    input_types = dict(node.input_types)
    input_types[key] = (input_types[key][0], DependencyType.OPTIONAL)
    return node.copy_with(callable=call, input_types=input_types)


class pipe_output(FunctionModifier):  # noqa: N801 - Hamilton's public name
    """Run ``steps`` on the function's output: ``name.raw -> steps -> name``.

    Targets the function's final nodes, or ``on_output`` (or each step's ``.on_output``);
    step nodes are namespaced by the target's name unless ``namespace=`` says otherwise.
    """

    stage = Stage.TRANSFORM

    def __init__(
        self,
        *transforms: Applicable,
        namespace: Namespace = ...,
        on_output: str | Collection[str] | None = None,
        collapse: bool = False,
        _chain: bool = False,
    ) -> None:
        check_collapse(collapse, _chain, self.display_name())
        self.transforms = transforms
        self.namespace = namespace
        self.on_output = on_output

    def validate(self, fn: Callable[..., Any]) -> None:
        where = describe_use(fn, self.display_name())
        _check_steps(self.transforms, self.namespace, where)
        for applicable in self.transforms:
            if applicable.input is not None:
                raise errors.InvalidDecoratorError(
                    f"{where}: {applicable!r} uses .on_input(), which belongs to @pipe_input."
                )
        if self.on_output is not None and any(a.target is not None for a in self.transforms):
            raise errors.InvalidDecoratorError(
                f"{where}: set on_output= on the decorator or .on_output() on steps, not both."
            )

    def transform(
        self, nodes: list[Node], config: Mapping[str, Any], fn: Callable[..., Any]
    ) -> list[Node]:
        where = describe_use(fn, self.display_name())
        included = [a for a in self.transforms if a.resolves(config)]
        return pipe_outputs(nodes, included, self.on_output, self.namespace, fn, where)


def _names(target: str | Collection[str]) -> list[str]:
    return [target] if isinstance(target, str) else list(target)


def pipe_outputs(
    nodes: list[Node],
    steps: list[Applicable],
    on_output: str | Collection[str] | None,
    namespace: Namespace,
    fn: Callable[..., Any],
    where: str,
) -> list[Node]:
    """``nodes`` with each targeted output ``t`` replaced by ``t.raw -> steps -> t``."""
    if not steps:
        return nodes
    produced = [node.name for node in nodes]
    wanted = [n for a in steps if a.target is not None for n in _names(a.target)]
    wanted += _names(on_output) if on_output is not None else []
    unknown = [name for name in wanted if name not in produced]
    if unknown:
        raise not_produced(f"{where}: on_output names {unknown}", nodes)
    targets = _names(on_output) if on_output is not None else [n.name for n in sink_nodes(nodes)]
    taken = set(produced)
    result: list[Node] = []
    for node in nodes:
        chosen = [a for a in steps if a.target is None or node.name in _names(a.target)]
        if node.name not in targets or not chosen:
            result.append(node)
            continue
        added: list[Node] = []
        upstream = getattr(node.callable, PIPE_END, None)
        if upstream is None:  # not piped yet; else extend the chain, as Hamilton does
            added.append(node.copy_with(name=f"{node.name}.raw"))
            upstream = added[0].name
            taken.add(upstream)
        chain = _chain(chosen, upstream, node.name, namespace, fn, where, taken, {}, outputs=True)
        last = chain[-1]
        final = Node(
            name=node.name,
            type=last.type,
            callable=_reader(last.name),
            input_types={last.name: (last.type, DependencyType.REQUIRED)},
            tags=dict(node.tags),
            documentation=node.documentation,
            originating_functions=node.originating_functions,
            namespace=node.namespace,
        )
        result.extend([*added, *chain, final])
    return result


PIPE_END = "__hamilton_nb_pipe_end__"  # on a piped output's callable: its last step's name


def _reader(upstream: str) -> Callable[..., Any]:
    read = reader(upstream)
    setattr(read, PIPE_END, upstream)
    return read
