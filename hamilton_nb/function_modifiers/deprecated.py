"""Hamilton's deprecated decorators, still shipped because real code imports them.

Responsibilities:
- ``parametrized``, ``parametrized_input``, ``parameterized_inputs``: the older spellings of
  ``parameterize_values`` / ``parameterize`` / ``parameterize_sources``.
- ``dynamic_transform`` and ``model``: a node computed by a transform object built from a
  config value (``hamilton_nb.models``); replaced by ``@resolve`` in current Hamilton.
- ``log_deprecated``: the deprecation notice. As in Hamilton it is a WARNING log record
  (not a Python ``warnings`` warning), written when the decorator is applied to a function.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Mapping
from typing import Any

from hamilton_nb import errors
from hamilton_nb.function_modifiers.base import FunctionModifier, Stage, describe_use
from hamilton_nb.function_modifiers.dependencies import source
from hamilton_nb.function_modifiers.parameterized import (
    parameterize,
    parameterize_sources,
    parameterize_values,
)
from hamilton_nb.node import DependencyType, Node, describe_function, resolved_hints

logger = logging.getLogger(__name__)


def log_deprecated(old: str, replacement: str) -> None:
    """Log that decorator ``old`` is deprecated in favour of ``replacement``."""
    logger.warning(
        "@%s is deprecated and goes away in Hamilton 2.0; use @%s instead (same arguments "
        "unless its documentation says otherwise).",
        old,
        replacement,
    )


class _Deprecated:
    """Mixin: log the deprecation each time the decorator is applied to a function."""

    replacement: str

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        log_deprecated(type(self).__name__, self.replacement)
        return super().__call__(fn)  # type: ignore[misc]


class parametrized(_Deprecated, parameterize_values):  # noqa: N801 - Hamilton's public name
    """Deprecated spelling of ``parameterize_values(parameter, assigned_output)``."""

    replacement = "parameterize_values"


class parameterized_inputs(_Deprecated, parameterize_sources):  # noqa: N801 - Hamilton's name
    """Deprecated spelling of ``parameterize_sources(**parameterization)``."""

    replacement = "parameterize_sources"


class parametrized_input(_Deprecated, parameterize):  # noqa: N801 - Hamilton's public name
    """Deprecated: one node per upstream node feeding ``parameter``.

    ``variable_inputs`` maps an upstream node name to ``(output_name, docstring)``; the
    docstring is used as it is. Raises ``InvalidDecoratorError`` at once for a value that is
    not such a tuple.
    """

    replacement = "parameterize_sources"

    def __init__(self, parameter: str, variable_inputs: Mapping[str, tuple[str, str]]) -> None:
        for upstream, described in variable_inputs.items():
            if not isinstance(described, tuple):
                raise errors.InvalidDecoratorError(
                    f"@parametrized_input: input {upstream!r} maps to {described!r}; it takes "
                    "upstream node name -> (output name, docstring)."
                )
        super().__init__(
            **{
                output: ({parameter: source(upstream)}, doc)
                for upstream, (output, doc) in variable_inputs.items()
            }
        )


def _empty() -> None:
    pass


def _empty_with_docstring() -> None:
    """A docstring."""
    pass


_EMPTY_BODIES = {_empty.__code__.co_code, _empty_with_docstring.__code__.co_code}


class dynamic_transform(FunctionModifier):  # noqa: N801 - Hamilton's public name
    """Deprecated (use ``@resolve``): the node's value is computed by a transform object.

    ``transform_cls(config[config_param], function_name, **extra_transform_params)`` is built
    when the graph is; its ``get_dependents()`` are the node's (pandas Series) inputs and its
    ``compute(**inputs)`` gives the value. The decorated function must be empty (a docstring
    and ``pass``), take no parameters and be annotated to return ``pd.Series``.
    """

    stage = Stage.CREATE
    single_per_function = True

    def __init__(self, transform_cls: type, config_param: str, **extra_transform_params: Any):
        self.transform_cls = transform_cls
        self.config_param = config_param
        self.extra_transform_params = extra_transform_params

    def validate(self, fn: Callable[..., Any]) -> None:
        where = describe_use(fn, type(self).__name__)
        code = getattr(fn, "__code__", None)
        if code is None or code.co_code not in _EMPTY_BODIES:
            raise errors.InvalidDecoratorError(
                f"{where}: the function's body must be empty (a docstring and `pass`); the "
                "transform computes the value."
            )
        import pandas as pd

        returned = resolved_hints(fn).get("return")
        if not (isinstance(returned, type) and issubclass(returned, pd.Series)):
            raise errors.InvalidDecoratorError(
                f"{where}: annotate the function to return pd.Series, got {returned!r}."
            )
        if inspect.signature(fn).parameters:
            raise errors.InvalidDecoratorError(
                f"{where}: the function must take no parameters; the transform's "
                "get_dependents() names its inputs."
            )

    def required_config(self) -> list[str] | None:
        return [self.config_param]

    def create(self, fn: Callable[..., Any], name: str, config: Mapping[str, Any]) -> list[Node]:
        if self.config_param not in config:
            raise errors.InvalidDecoratorError(
                f"{describe_use(fn, type(self).__name__)} reads config key "
                f"{self.config_param!r}, which is not in the config; pass it with "
                "Builder().with_config({...})."
            )
        import pandas as pd

        transform = self.transform_cls(
            config[self.config_param], fn.__name__, **self.extra_transform_params
        )
        dependents = list(transform.get_dependents())
        if not all(isinstance(d, str) for d in dependents):
            raise errors.InvalidDecoratorError(
                f"{describe_function(fn)}: {self.transform_cls.__name__}.get_dependents() must "
                f"return node names, got {dependents!r}."
            )
        base = Node.from_function(fn, name=name)
        return [
            base.copy_with(
                callable=transform.compute,
                input_types={d: (pd.Series, DependencyType.REQUIRED) for d in dependents},
            )
        ]


class model(dynamic_transform):  # noqa: N801 - Hamilton's public name
    """Deprecated (use ``@resolve``): ``dynamic_transform`` with a ``models.BaseModel``."""

    def __init__(self, model_cls: type, config_param: str, **extra_model_params: Any) -> None:
        super().__init__(model_cls, config_param, **extra_model_params)
