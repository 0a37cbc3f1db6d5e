"""``@does``: compute a node with another function instead of the decorated body.

The node keeps the decorated function's name, types and parameters; its value comes from the
replacing function, called with those parameters as keyword arguments (renamed by
``argument_mapping``) and the decorated function's defaults. The mapping is checked against
both signatures once per decorated function (build time, ``InvalidDecoratorError``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from hamilton_nb import errors
from hamilton_nb.function_modifiers.base import FunctionModifier, Stage, describe_use
from hamilton_nb.node import Node


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
    where = describe_use(fn, f"does({getattr(replacing, '__name__', replacing)!r})")
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
