"""``step(...)``: one function application in a pipe (an ``Applicable``).

Responsibilities:
- ``Applicable``: the step function, its literal/``source``/``value`` arguments, and what the
  chained methods set: node name and namespace (``named``, ``namespaced``), config conditions
  (``when*``, as ``@config.when*``), and the input or output it targets (``on_input``,
  ``on_output``).
- ``Applicable.shape``: the checked, cached split of the step function's parameters into the
  piped one and the bound others (build time, ``InvalidDecoratorError``).
Used by ``pipe_input``/``pipe_output`` (``pipes``) and ``mutate``/``apply_to`` (``mutations``).
"""

from __future__ import annotations

import copy
import inspect
import types
from collections.abc import Callable, Collection, Mapping
from typing import Any

from hamilton_nb import errors
from hamilton_nb.function_modifiers.configuration import (
    config_condition,
    describe_condition,
    is_value_list,
)
from hamilton_nb.function_modifiers.dependencies import (
    LiteralDependency,
    UpstreamDependency,
    group,
    value,
)
from hamilton_nb.node import Node

Namespace = str | types.EllipsisType | None
Condition = tuple[str, tuple[str, ...], Callable[[Mapping[str, Any]], bool]]


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

    def named(self, name: str | None, namespace: Namespace = ...) -> Applicable:
        """Name the step's node ``name`` (``None`` keeps the current name; ``""`` is allowed,
        as in Hamilton, and leaves just the namespace). ``namespace``: ``...`` keeps the
        current one (by default the pipe's), ``None`` none, a string that namespace."""
        if name is not None and not isinstance(name, str):
            raise errors.InvalidDecoratorError(
                f"step.named() takes a node name (a string), got {name!r}."
            )
        return self._copy(
            name=self.name if name is None else name,
            namespace=self.namespace if namespace is ... else namespace,
        )

    def namespaced(self, namespace: Namespace) -> Applicable:
        """Put the step's node in ``namespace`` (``...`` the pipe's, ``None`` none)."""
        return self._copy(namespace=namespace)

    def when(self, **key_value_pairs: Any) -> Applicable:
        """Apply only when ``config[key] == value`` for every pair."""
        return self._condition("when", key_value_pairs)

    def when_not(self, **key_value_pairs: Any) -> Applicable:
        """Apply only when ``config[key] != value`` for every pair."""
        return self._condition("when_not", key_value_pairs)

    def when_in(self, **key_value_group_pairs: Collection[Any]) -> Applicable:
        """Apply only when ``config[key]`` is one of the values, for every key."""
        return self._condition("when_in", key_value_group_pairs)

    def when_not_in(self, **key_value_group_pairs: Collection[Any]) -> Applicable:
        """Apply only when ``config[key]`` is none of the values, for every key."""
        return self._condition("when_not_in", key_value_group_pairs)

    def _condition(self, kind: str, pairs: Mapping[str, Any]) -> Applicable:
        if not pairs:
            raise errors.InvalidDecoratorError(
                f"step.{kind}() needs at least one key=value condition."
            )
        if kind.endswith("_in"):
            for key, values in pairs.items():
                if not is_value_list(values):
                    raise errors.InvalidDecoratorError(
                        f"step.{kind}({key}=...) takes a list of values, got {values!r}."
                    )
        condition: Condition = (
            describe_condition(kind, pairs),
            tuple(pairs),
            config_condition(kind, pairs),
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
        if self.name is not None:
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
