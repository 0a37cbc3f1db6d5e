"""``@config.when`` and friends: choose function variants by config at build time.

A function named ``name__variant`` becomes the node ``name`` (or the ``name=`` argument);
stacked ``config`` decorators must all hold for the function to be included.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from hamilton_nb import errors
from hamilton_nb.function_modifiers.base import FunctionModifier, Resolution, Stage
from hamilton_nb.node import describe_function

_MISSING = object()


class config(FunctionModifier):  # noqa: N801 - Hamilton's public name
    """Include the decorated function only when the config satisfies a condition.

    Use the constructors: ``config.when(key=value)``, ``config.when_not(key=value)``,
    ``config.when_in(key=[values])``, ``config.when_not_in(key=[values])``.
    """

    stage = Stage.RESOLVE

    def __init__(
        self,
        condition: Callable[[Mapping[str, Any]], bool],
        name: str | None = None,
        description: str = "",
        config_used: list[str] | None = None,
    ) -> None:
        self.condition = condition
        self.target_name = name
        self.description = description
        self.config_used = config_used or []

    def resolve(self, fn: Callable[..., Any], config_values: Mapping[str, Any]) -> Resolution:
        name = self.target_name or _strip_variant(fn.__name__)
        if self.condition(config_values):
            return Resolution(True, name)
        return Resolution(False, name, f"{fn.__name__} requires {self.description}")

    def required_config(self) -> list[str]:
        return list(self.config_used)

    def validate(self, fn: Callable[..., Any]) -> None:
        if not self.config_used:
            raise errors.InvalidDecoratorError(
                f"{describe_function(fn)}: @config.{self.description or 'when'} needs at least "
                "one key=value condition, e.g. @config.when(region='US')."
            )

    @staticmethod
    def when(name: str | None = None, **key_value_pairs: Any) -> config:
        """Include the function when ``config[key] == value`` for every pair."""
        pairs = dict(key_value_pairs)
        return config(
            lambda cfg: all(cfg.get(k, _MISSING) == v for k, v in pairs.items()),
            name,
            "when(" + _describe(pairs) + ")",
            list(pairs),
        )

    @staticmethod
    def when_not(name: str | None = None, **key_value_pairs: Any) -> config:
        """Include the function when ``config[key] != value`` for every pair (missing keys count)."""
        pairs = dict(key_value_pairs)
        return config(
            lambda cfg: all(cfg.get(k, _MISSING) != v for k, v in pairs.items()),
            name,
            "when_not(" + _describe(pairs) + ")",
            list(pairs),
        )

    @staticmethod
    def when_in(name: str | None = None, **key_value_group_pairs: Collection[Any]) -> config:
        """Include the function when ``config[key]`` is one of the given values, for every key."""
        groups = _groups(key_value_group_pairs)
        return config(
            lambda cfg: all(cfg.get(k, _MISSING) in vs for k, vs in groups.items()),
            name,
            "when_in(" + _describe(groups) + ")",
            list(groups),
        )

    @staticmethod
    def when_not_in(name: str | None = None, **key_value_group_pairs: Collection[Any]) -> config:
        """Include the function when ``config[key]`` is none of the given values, for every key."""
        groups = _groups(key_value_group_pairs)
        return config(
            lambda cfg: all(cfg.get(k, _MISSING) not in vs for k, vs in groups.items()),
            name,
            "when_not_in(" + _describe(groups) + ")",
            list(groups),
        )


def _strip_variant(function_name: str) -> str:
    head, sep, _ = function_name.rpartition("__")
    return head if sep and head else function_name


def _groups(pairs: Mapping[str, Collection[Any]]) -> dict[str, list[Any]]:
    groups = {}
    for key, values in pairs.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Collection):
            raise errors.InvalidDecoratorError(
                f"config.when_in/when_not_in: {key}= must be a list of values, got {values!r}."
            )
        groups[key] = list(values)
    return groups


def _describe(pairs: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in pairs.items())
