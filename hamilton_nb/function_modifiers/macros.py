"""Macros: ``@does`` and the pipe family (``pipe_input``/``pipe``, ``pipe_output``, ``mutate``).

Responsibilities:
- ``does``: the node keeps the function's name, types and parameters, but its value comes
  from another function, called with the parameters (renamed by ``argument_mapping``).
- ``step``/``apply_to``: one function application of a pipe (``Applicable``), with its
  literal/``source``/``value`` arguments, name, namespace, config conditions and target.
- ``pipe_input``: chain steps on a parameter before the function runs (one node per step).
- ``pipe_output``/``mutate``: chain steps on the function's output: ``name.raw -> steps ->
  name``. ``mutate`` registers its steps on the target functions; the mutating function itself
  is left out of the graph.

Default step names follow Hamilton: ``<namespace>.with_<function name without leading _>``,
suffixed ``_1``, ``_2`` ... when a function repeats in one chain (or the name is taken by
another decorator's step). Piping an output twice (``pipe_output`` then ``mutate``) extends
one chain, as in Hamilton.
"""

from __future__ import annotations

import copy
import inspect
import types
from collections.abc import Callable, Collection, Mapping
from typing import Any

from hamilton_nb import errors
from hamilton_nb.function_modifiers.base import (
    MODIFIERS_ATTR,
    FunctionModifier,
    Stage,
    sink_nodes,
)
from hamilton_nb.function_modifiers.configuration import EXCLUDE_ATTR
from hamilton_nb.function_modifiers.dependencies import (
    LiteralDependency,
    UpstreamDependency,
    bind_node,
    group,
    source,
    value,
)
from hamilton_nb.node import DependencyType, Node, describe_function

Namespace = str | types.EllipsisType | None
Condition = tuple[str, tuple[str, ...], Callable[[Mapping[str, Any]], bool]]
_MISSING = object()


# -- does -----------------------------------------------------------------------------------


class does(FunctionModifier):  # noqa: N801 - Hamilton's public name
    """Compute the node with ``replacing_function`` instead of the decorated body.

    ``argument_mapping`` maps a parameter of ``replacing_function`` to a parameter of the
    decorated function (``@does(_sub, a="p", b="q")``); unmapped parameters keep their name,
    so they must exist in ``replacing_function`` unless it takes ``**kwargs``.
    """

    stage = Stage.CREATE
    single_per_function = True

    def __init__(self, replacing_function: Callable[..., Any], **argument_mapping: str) -> None:
        self.replacing_function = replacing_function
        self.argument_mapping = argument_mapping
        self._plans: dict[Callable[..., Any], tuple[list[tuple[str, str]], dict[str, Any]]] = {}

    def validate(self, fn: Callable[..., Any]) -> None:
        self._plan(fn)

    def _plan(self, fn: Callable[..., Any]) -> tuple[list[tuple[str, str]], dict[str, Any]]:
        """``[(replacing argument, decorated parameter)]`` and the decorated defaults."""
        plan = self._plans.get(fn)
        if plan is None:
            plan = self._plans[fn] = _does_plan(fn, self.replacing_function, self.argument_mapping)
        return plan

    def create(self, fn: Callable[..., Any], name: str, config: Mapping[str, Any]) -> list[Node]:
        pairs, defaults = self._plan(fn)
        replacing = self.replacing_function

        def call(**kwargs: Any) -> Any:
            return replacing(**{arg: kwargs[p] if p in kwargs else defaults[p] for arg, p in pairs})

        return [Node.from_function(fn, name=name).copy_with(callable=call)]


def _does_plan(
    fn: Callable[..., Any], replacing: Callable[..., Any], mapping: Mapping[str, Any]
) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    where = f"{describe_function(fn)}: @does({getattr(replacing, '__name__', replacing)!r})"
    if not callable(replacing):
        raise errors.InvalidDecoratorError(f"{where}: the replacing function is not callable.")
    decorated = {
        p.name: p.default
        for p in inspect.signature(fn).parameters.values()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }
    accepted = inspect.signature(replacing).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in accepted.values())
    named = {n for n, p in accepted.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    positional_only = [n for n, p in accepted.items() if p.kind is p.POSITIONAL_ONLY]
    fix = "adjust the replacing function's parameters or the argument mapping"
    if positional_only:
        raise errors.InvalidDecoratorError(
            f"{where}: parameters {positional_only} of the replacing function are "
            "positional-only; it is called with keyword arguments, so remove the '/'."
        )
    pairs: list[tuple[str, str]] = []
    for arg, param in mapping.items():
        if not isinstance(param, str) or param not in decorated:
            raise errors.InvalidDecoratorError(
                f"{where}: {arg}={param!r} must name a parameter of the decorated function "
                f"({', '.join(decorated) or 'none'})."
            )
        if arg not in named and not takes_any:
            raise errors.InvalidDecoratorError(
                f"{where}: maps {arg!r}, which is not a parameter of the replacing function "
                f"({', '.join(accepted) or 'none'}); {fix}."
            )
        pairs.append((arg, param))
    mapped = set(mapping.values())
    for param in decorated:
        if param in mapped:
            continue
        if param in mapping or (param not in named and not takes_any):
            raise errors.InvalidDecoratorError(
                f"{where}: parameter {param!r} of the decorated function has no place in the "
                f"replacing function ({', '.join(accepted) or 'none'}); map it, e.g. "
                f"@does(fn, <argument>={param!r}), or {fix}."
            )
        pairs.append((param, param))
    supplied = {arg for arg, _ in pairs}
    missing = [
        n for n in named if n not in supplied and accepted[n].default is inspect.Parameter.empty
    ]
    if missing:
        raise errors.InvalidDecoratorError(
            f"{where}: the replacing function's parameter(s) {missing} would receive nothing; "
            f"add them to the decorated function or map them, e.g. @does(fn, {missing[0]}='...')."
        )
    defaults = {p: d for p, d in decorated.items() if d is not inspect.Parameter.empty}
    return pairs, defaults


# -- step / apply_to ------------------------------------------------------------------------


class Applicable:
    """One function application in a pipe; made by ``step(...)`` or ``apply_to(...)``.

    The methods return modified copies: ``named``, ``namespaced``, ``when*``, ``on_input``,
    ``on_output``.
    """

    def __init__(
        self,
        fn: Callable[..., Any] | None,
        args: tuple[Any, ...] = (),
        kwargs: Mapping[str, Any] | None = None,
        target_fn: Callable[..., Any] | None = None,
        _resolvers: list[Condition] | None = None,
        _name: str | None = None,
        _namespace: Namespace = ...,
        _target: str | Collection[str] | None = None,
        _input: str | None = None,
    ) -> None:
        self.fn = fn
        self.args = tuple(args)
        self.kwargs = dict(kwargs or {})
        self.target_fn = target_fn
        self.conditions: tuple[Condition, ...] = tuple(_resolvers or ())
        self.name = _name
        self.namespace: Namespace = _namespace
        self.target = _target
        self.input = _input
        self._shape: tuple[str, dict[str, Any], Node] | None = None

    def _copy(self, **changes: Any) -> Applicable:
        new = copy.copy(self)
        new.__dict__.update(changes)
        return new

    def named(self, name: str, namespace: Namespace = ...) -> Applicable:
        """Name the step's node ``name`` (in ``namespace``: ``...`` the pipe's, ``None`` none)."""
        if not isinstance(name, str) or not name:
            raise errors.InvalidDecoratorError(
                f"step.named() takes a non-empty name, got {name!r}."
            )
        return self._copy(name=name, namespace=namespace)

    def namespaced(self, namespace: Namespace) -> Applicable:
        """Put the step's node in ``namespace`` (``...`` the pipe's, ``None`` none)."""
        return self._copy(namespace=namespace)

    def when(self, **key_value_pairs: Any) -> Applicable:
        """Apply only when ``config[key] == value`` for every pair."""
        return self._condition("when", key_value_pairs, lambda cfg, k, v: cfg.get(k, _MISSING) == v)

    def when_not(self, **key_value_pairs: Any) -> Applicable:
        """Apply only when ``config[key] != value`` for every pair."""
        return self._condition(
            "when_not", key_value_pairs, lambda cfg, k, v: cfg.get(k, _MISSING) != v
        )

    def when_in(self, **key_value_group_pairs: Collection[Any]) -> Applicable:
        """Apply only when ``config[key]`` is one of the values, for every key."""
        return self._condition(
            "when_in", key_value_group_pairs, lambda cfg, k, v: cfg.get(k, _MISSING) in v
        )

    def when_not_in(self, **key_value_group_pairs: Collection[Any]) -> Applicable:
        """Apply only when ``config[key]`` is none of the values, for every key."""
        return self._condition(
            "when_not_in", key_value_group_pairs, lambda cfg, k, v: cfg.get(k, _MISSING) not in v
        )

    def _condition(
        self,
        kind: str,
        pairs: Mapping[str, Any],
        test: Callable[[Mapping[str, Any], str, Any], bool],
    ) -> Applicable:
        if not pairs:
            raise errors.InvalidDecoratorError(
                f"step.{kind}() needs at least one key=value condition."
            )
        items = tuple(pairs.items())
        if kind.endswith("_in"):
            for key, values in items:
                if isinstance(values, (str, bytes)) or not isinstance(values, Collection):
                    raise errors.InvalidDecoratorError(
                        f"step.{kind}({key}=...) takes a list of values, got {values!r}."
                    )
        description = f"{kind}(" + ", ".join(f"{k}={v!r}" for k, v in items) + ")"
        condition: Condition = (
            description,
            tuple(pairs),
            lambda cfg: all(test(cfg, k, v) for k, v in items),
        )
        return self._copy(conditions=(*self.conditions, condition))

    def on_output(self, target: str | Collection[str]) -> Applicable:
        """Apply only to the named output node(s) of the function (``pipe_output``/``mutate``)."""
        return self._copy(target=target)

    def on_input(self, target: str) -> Applicable:
        """Apply to parameter ``target`` instead of the pipe's (``pipe_input``)."""
        if not isinstance(target, str):
            raise errors.InvalidDecoratorError(
                f"step.on_input() takes one parameter name, got {target!r}."
            )
        return self._copy(input=target)

    def resolves(self, config: Mapping[str, Any]) -> bool:
        """Whether every config condition holds."""
        return all(check(config) for _, _, check in self.conditions)

    def get_config_elements(self) -> list[str]:
        """Config keys the conditions read."""
        return [key for _, keys, _ in self.conditions for key in keys]

    def __repr__(self) -> str:
        fn = getattr(self.fn, "__name__", self.fn)
        parts = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        text = f"step({', '.join([str(fn), *parts])})"
        if self.name:
            text += f".named({self.name!r})"
        return text + "".join(f".{description}" for description, _, _ in self.conditions)

    def shape(self, where: str) -> tuple[str, dict[str, Any], Node]:
        """The piped parameter, the other bindings, and the step function's node (cached)."""
        if self._shape is None:
            self._shape = _step_shape(self, f"{where} {self!r}")
        return self._shape


def _step_shape(step: Applicable, where: str) -> tuple[str, dict[str, Any], Node]:
    fn = step.fn
    if not callable(fn):
        raise errors.InvalidDecoratorError(f"{where}: the step function {fn!r} is not callable.")
    parameters = list(inspect.signature(fn).parameters.values())
    unfit = [p.name for p in parameters if p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    if unfit:
        raise errors.InvalidDecoratorError(
            f"{where}: parameters {unfit} are *args, **kwargs or positional-only; steps are "
            "called with named keyword arguments, so wrap the function in one that has them."
        )
    if not parameters:
        raise errors.InvalidDecoratorError(
            f"{where}: the step function takes no parameter to receive the piped value."
        )
    piped, rest = parameters[0].name, parameters[1:]
    if len(step.args) > len(rest):
        raise errors.InvalidDecoratorError(
            f"{where}: {len(step.args)} positional argument(s) given, but only "
            f"{[p.name for p in rest]} follow the piped parameter {piped!r}."
        )
    raw = {p.name: arg for p, arg in zip(rest, step.args, strict=False)}
    for key, arg in step.kwargs.items():
        if key == piped:
            raise errors.InvalidDecoratorError(
                f"{where}: {key!r} receives the piped value; do not pass it."
            )
        if key not in {p.name for p in rest}:
            raise errors.InvalidDecoratorError(
                f"{where}: {key!r} is not a parameter of the step function "
                f"({', '.join(p.name for p in parameters)})."
            )
        if key in raw:
            raise errors.InvalidDecoratorError(f"{where}: {key!r} is given twice.")
        raw[key] = arg
    missing = [p.name for p in rest if p.default is p.empty and p.name not in raw]
    if missing:
        raise errors.InvalidDecoratorError(
            f"{where}: no value for {missing}; pass them, e.g. "
            f"step(fn, {missing[0]}=source('node')) or {missing[0]}=value(...)."
        )
    bindings = {
        k: v if isinstance(v, (UpstreamDependency, LiteralDependency, group)) else value(v)
        for k, v in raw.items()
    }
    try:
        node = Node.from_function(fn)
    except errors.MissingAnnotationError as exc:
        raise errors.MissingAnnotationError(f"{where}: {exc}") from exc
    return piped, bindings, node


def step(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Applicable:
    """Apply ``fn`` in a pipe: its first parameter gets the piped value, ``args``/``kwargs``
    the others (``source``/``value``, or literals taken as ``value``)."""
    return Applicable(fn, args, kwargs)


def apply_to(fn_: Callable[..., Any], **mutating_fn_kwargs: Any) -> Applicable:
    """In ``@mutate``: apply the mutating function to ``fn_``'s output with these arguments."""
    return Applicable(None, (), mutating_fn_kwargs, target_fn=fn_)


# -- chains ---------------------------------------------------------------------------------


def _chain(
    steps: list[Applicable],
    upstream: str,
    default_namespace: str,
    pipe_namespace: Namespace,
    fn: Callable[..., Any],
    where: str,
    taken: set[str],
    counts: dict[str, int],
) -> list[Node]:
    """One node per step, each fed by the previous one (the first by ``upstream``)."""
    nodes: list[Node] = []
    for applicable in steps:
        piped, bindings, base = applicable.shape(where)
        namespace = applicable.namespace
        if namespace is ...:
            namespace = default_namespace if pipe_namespace is ... else pipe_namespace
        prefix = f"{namespace}." if namespace else ""
        auto = "with_" + getattr(applicable.fn, "__name__", "step").lstrip("_")
        seen = counts.get(auto, 0)  # as in Hamilton, named steps count too
        if applicable.name:
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
        nodes.append(
            Node(  # built directly: a second dataclasses.replace would double the cost
                name=name,
                type=bound.type,
                callable=bound.callable,
                input_types=bound.input_types,
                tags=bound.tags,
                documentation=bound.documentation,
                node_role=bound.node_role,
                originating_functions=(fn,),
                namespace=(namespace,) if namespace else (),
            )
        )
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
    names = [(a.namespace, a.name) for a in steps if a.name and not a.conditions]
    repeated = sorted({name for ns, name in names if names.count((ns, name)) > 1})
    if repeated:
        raise errors.InvalidDecoratorError(
            f"{where}: step names {repeated} are used twice; give each step its own name."
        )


def _check_collapse(collapse: bool, chain: bool, decorator: str) -> None:
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
        _check_collapse(collapse, _chain, self.display_name())
        self.transforms = transforms
        self.namespace = namespace
        self.on_input = on_input

    def validate(self, fn: Callable[..., Any]) -> None:
        where = f"{describe_function(fn)}: @{self.display_name()}"
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
        where = f"{describe_function(fn)}: @{self.display_name()}"
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
    """Hamilton's older name of ``pipe_input``."""


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
        _check_collapse(collapse, _chain, self.display_name())
        self.transforms = transforms
        self.namespace = namespace
        self.on_output = on_output

    def validate(self, fn: Callable[..., Any]) -> None:
        where = f"{describe_function(fn)}: @{self.display_name()}"
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
        where = f"{describe_function(fn)}: @{self.display_name()}"
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
        raise errors.InvalidDecoratorError(
            f"{where}: on_output names {unknown}, which the function does not produce "
            f"(its nodes: {', '.join(produced)})."
        )
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
        chain = _chain(chosen, upstream, node.name, namespace, fn, where, taken, {})
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
    def read(**kwargs: Any) -> Any:
        return kwargs[upstream]

    setattr(read, PIPE_END, upstream)
    return read


# -- mutate ---------------------------------------------------------------------------------


class mutate:  # noqa: N801 - Hamilton's public name
    """Apply the decorated function to the output of each target function, as the last
    ``pipe_output`` steps of those functions (in definition order of the mutating functions).

    Targets are functions or ``apply_to(function, **kwargs)``; ``mutating_function_kwargs``
    bind the other parameters for targets whose ``apply_to`` gives none. The mutating function
    itself does not become a node.
    """

    def __init__(
        self,
        *target_functions: Applicable | Callable[..., Any],
        collapse: bool = False,
        _chain: bool = False,
        **mutating_function_kwargs: Any,
    ) -> None:
        _check_collapse(collapse, _chain, "mutate")
        self.target_functions = target_functions
        self.mutating_function_kwargs = mutating_function_kwargs

    def __call__(self, mutating_fn: Callable[..., Any]) -> Callable[..., Any]:
        where = f"{describe_function(mutating_fn)}: @mutate"
        if not self.target_functions:
            raise errors.InvalidDecoratorError(
                f"{where} needs the functions to mutate, e.g. @mutate(my_function)."
            )
        applicables = []
        for target in self.target_functions:
            applicable = target if isinstance(target, Applicable) else apply_to(target)
            if applicable.fn is not None or not inspect.isfunction(applicable.target_fn):
                raise errors.InvalidDecoratorError(
                    f"{where}: targets must be functions or apply_to(function, ...), got "
                    f"{target!r}. Pass the function object itself, not its name."
                )
            applicables.append(applicable)
        for index, applicable in enumerate(applicables):
            kwargs = applicable.kwargs or self.mutating_function_kwargs
            mutation = applicable._copy(fn=mutating_fn, kwargs=kwargs, _shape=None)
            key = (mutating_fn.__module__, mutating_fn.__qualname__, index)
            _mutations_of(applicable.target_fn).add(key, mutation)  # type: ignore[arg-type]
        setattr(mutating_fn, EXCLUDE_ATTR, True)
        return mutating_fn


def _mutations_of(target: Callable[..., Any]) -> _Mutations:
    for modifier in getattr(target, MODIFIERS_ATTR, ()):
        if isinstance(modifier, _Mutations):
            return modifier
    mutations = _Mutations()
    mutations(target)
    return mutations


class _Mutations(FunctionModifier):
    """The ``@mutate`` steps registered on one target function (a ``pipe_output``).

    Keyed by mutating function, so re-running a notebook cell replaces its earlier steps.
    """

    stage = Stage.TRANSFORM

    def __init__(self) -> None:
        self.steps: dict[tuple[str, str, int], Applicable] = {}

    @classmethod
    def display_name(cls) -> str:
        return "mutate"

    def add(self, key: tuple[str, str, int], mutation: Applicable) -> None:
        self.steps[key] = mutation

    def validate(self, fn: Callable[..., Any]) -> None:
        for applicable in self.steps.values():
            applicable.shape(f"{describe_function(fn)}: @mutate({applicable.fn.__name__!r})")  # type: ignore[union-attr]

    def transform(
        self, nodes: list[Node], config: Mapping[str, Any], fn: Callable[..., Any]
    ) -> list[Node]:
        where = f"{describe_function(fn)}: @mutate"
        included = [a for a in self.steps.values() if a.resolves(config)]
        return pipe_outputs(nodes, included, None, ..., fn, where)
