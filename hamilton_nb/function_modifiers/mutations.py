"""``@mutate`` and ``apply_to``: apply a function to the output of other functions.

The mutating function becomes the last ``pipe_output`` steps of each target function (in
definition order of the mutating functions); it is left out of the graph itself. Steps are
registered on the target under a key naming the mutating function, so re-running a notebook
cell replaces its earlier steps instead of adding them again.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from hamilton_nb import errors
from hamilton_nb.function_modifiers.base import (
    MODIFIERS_ATTR,
    FunctionModifier,
    Stage,
    describe_use,
)
from hamilton_nb.function_modifiers.configuration import EXCLUDE_ATTR
from hamilton_nb.function_modifiers.pipes import check_collapse, pipe_outputs
from hamilton_nb.function_modifiers.steps import Applicable
from hamilton_nb.node import Node


def apply_to(fn_: Callable[..., Any], **mutating_fn_kwargs: Any) -> Applicable:
    """In ``@mutate``: apply the mutating function to ``fn_``'s output with these arguments."""
    return Applicable(None, (), mutating_fn_kwargs, target_fn=fn_)


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
        check_collapse(collapse, _chain, "mutate")
        self.target_functions = target_functions
        self.mutating_function_kwargs = mutating_function_kwargs

    def __call__(self, mutating_fn: Callable[..., Any]) -> Callable[..., Any]:
        where = describe_use(mutating_fn, "mutate")
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
            applicable.shape(describe_use(fn, f"mutate({applicable.fn.__name__!r})"))  # type: ignore[union-attr]

    def transform(
        self, nodes: list[Node], config: Mapping[str, Any], fn: Callable[..., Any]
    ) -> list[Node]:
        where = describe_use(fn, "mutate")
        included = [a for a in self.steps.values() if a.resolves(config)]
        return pipe_outputs(nodes, included, None, ..., fn, where)
