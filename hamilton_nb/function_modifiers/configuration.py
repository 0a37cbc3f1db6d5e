"""``@config.when`` and friends: choose function variants by config at build time.

A function named ``name__variant`` becomes the node ``name`` (or the ``name=`` argument);
stacked ``config`` decorators must all hold for the function to be included.
``config_condition`` / ``describe_condition`` are the ``when*`` semantics, shared with
``step(...).when*`` of the pipe decorators.
"""

from __future__ import annotations

import enum
import inspect
import operator
from collections.abc import Callable, Collection, Mapping
from typing import Any

from hamilton_nb import errors
from hamilton_nb.function_modifiers.base import FunctionModifier, Resolution, Stage, describe_use
from hamilton_nb.node import describe_function
from hamilton_nb.settings import ENABLE_POWER_USER_MODE

_MISSING = object()
_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "when": operator.eq,
    "when_not": operator.ne,
    "when_in": lambda actual, values: actual in values,
    "when_not_in": lambda actual, values: actual not in values,
}


def config_condition(kind: str, pairs: Mapping[str, Any]) -> Callable[[Mapping[str, Any]], bool]:
    """Whether a config satisfies ``kind`` (``when``, ``when_not``, ``when_in``,
    ``when_not_in``) for every ``key=value`` pair; a missing key equals no value."""
    test = _TESTS[kind]
    items = tuple(pairs.items())
    return lambda cfg: all(test(cfg.get(k, _MISSING), v) for k, v in items)


def describe_condition(kind: str, pairs: Mapping[str, Any]) -> str:
    """``when(key='value', ...)``: a condition as it was written."""
    return f"{kind}(" + ", ".join(f"{k}={v!r}" for k, v in pairs.items()) + ")"


class config(FunctionModifier):  # noqa: N801 - Hamilton's public name
    """Include the decorated function only when the config satisfies a condition.

    Use the constructors: ``config.when(key=value)``, ``config.when_not(key=value)``,
    ``config.when_in(key=[values])``, ``config.when_not_in(key=[values])``.
    """

    stage = Stage.RESOLVE

    @classmethod
    def display_name(cls) -> str:
        return "config"

    def __init__(
        self,
        resolves: Callable[[Mapping[str, Any]], bool],
        target_name: str | None = None,
        config_used: list[str] | None = None,
        *,
        description: str = "",
    ) -> None:
        self.condition = resolves
        self.target_name = target_name
        self.description = description or "a custom config condition"
        # None: a hand-written condition that does not say which keys it reads (Hamilton tags
        # such nodes hamilton.config="__UNKNOWN__")
        self.config_used = config_used

    def resolve(self, fn: Callable[..., Any], config_values: Mapping[str, Any]) -> Resolution:
        name = self.target_name or _strip_variant(fn.__name__)
        if self.condition(config_values):
            return Resolution(True, name)
        return Resolution(False, name, f"{fn.__name__} requires {self.description}")

    def required_config(self) -> list[str]:
        return list(self.config_used or [])

    @property
    def config_tag(self) -> str:
        """The ``hamilton.config`` tag of nodes this modifier let in: the keys it reads."""
        return ",".join(self.config_used) if self.config_used is not None else "__UNKNOWN__"

    def validate(self, fn: Callable[..., Any]) -> None:
        if self.config_used is not None and not self.config_used:
            raise errors.InvalidDecoratorError(
                f"{describe_use(fn, 'config.' + self.description)} needs at least "
                "one key=value condition, e.g. @config.when(region='US')."
            )

    @staticmethod
    def when(name: str | None = None, **key_value_pairs: Any) -> config:
        """Include the function when ``config[key] == value`` for every pair."""
        return config._of("when", name, dict(key_value_pairs))

    @staticmethod
    def when_not(name: str | None = None, **key_value_pairs: Any) -> config:
        """Include the function when ``config[key] != value`` for every pair (a missing key
        counts as different)."""
        return config._of("when_not", name, dict(key_value_pairs))

    @staticmethod
    def when_in(name: str | None = None, **key_value_group_pairs: Collection[Any]) -> config:
        """Include the function when ``config[key]`` is one of the given values, for every key."""
        return config._of("when_in", name, _groups(key_value_group_pairs))

    @staticmethod
    def when_not_in(name: str | None = None, **key_value_group_pairs: Collection[Any]) -> config:
        """Include the function when ``config[key]`` is none of the given values, for every key."""
        return config._of("when_not_in", name, _groups(key_value_group_pairs))

    @staticmethod
    def _of(kind: str, name: str | None, pairs: dict[str, Any]) -> config:
        return config(
            config_condition(kind, pairs),
            target_name=name,
            config_used=list(pairs),
            description=describe_condition(kind, pairs),
        )


def _strip_variant(function_name: str) -> str:
    head, sep, _ = function_name.rpartition("__")
    return head if sep and head else function_name


def is_value_list(values: Any) -> bool:
    """Whether ``values`` can be the values of a ``when_in``/``when_not_in`` key (a collection,
    not a string)."""
    return isinstance(values, Collection) and not isinstance(values, (str, bytes))


def _groups(pairs: Mapping[str, Collection[Any]]) -> dict[str, list[Any]]:
    groups = {}
    for key, values in pairs.items():
        if not is_value_list(values):
            raise errors.InvalidDecoratorError(
                f"config.when_in/when_not_in: {key}= must be a list of values, got {values!r}."
            )
        groups[key] = list(values)
    return groups


POWER_USER_MODE = ENABLE_POWER_USER_MODE


class ResolveAt(enum.Enum):
    """When a ``@resolve`` decorator is decided (only once the config is known, for now)."""

    CONFIG_AVAILABLE = "config_available"


class resolve(FunctionModifier):  # noqa: N801 - Hamilton's public name
    """Choose the decorator to apply from the config, at build time.

    ``decorate_with``'s parameter names are config keys; it returns the decorator to apply.
    Needs ``{"hamilton.enable_power_user_mode": True}`` in the config, as in Hamilton.
    """

    stage = Stage.RESOLVE

    def __init__(
        self,
        *,
        when: ResolveAt = ResolveAt.CONFIG_AVAILABLE,
        decorate_with: Callable[..., FunctionModifier],
    ) -> None:
        if not isinstance(when, ResolveAt):
            raise errors.InvalidDecoratorError(
                f"@resolve(when=...) takes a ResolveAt value, got {when!r}."
            )
        if not callable(decorate_with):
            raise errors.InvalidDecoratorError(
                f"@resolve(decorate_with=...) takes a function returning a decorator, got "
                f"{decorate_with!r}."
            )
        self.when = when
        self.decorate_with = decorate_with
        self.parameters = inspect.signature(decorate_with).parameters

    def required_config(self) -> list[str]:
        return [n for n, p in self.parameters.items() if p.default is p.empty]

    def resolve(self, fn: Callable[..., Any], config_values: Mapping[str, Any]) -> Resolution:
        where = describe_function(fn)
        if not config_values.get(POWER_USER_MODE, False):
            error = errors.PowerUserModeError if POWER_USER_MODE not in config_values else None
            raise (error or errors.InvalidDecoratorError)(
                f"{where} uses @resolve, which needs power-user mode: add "
                f"{{{POWER_USER_MODE!r}: True}} to the config."
            )
        missing = [k for k in self.required_config() if k not in config_values]
        if missing:
            raise errors.InvalidDecoratorError(
                f"{where}: @resolve needs config key(s) {', '.join(map(repr, missing))} "
                "(the parameters of decorate_with). Add them to the config."
            )
        kwargs = {k: config_values[k] for k in self.parameters if k in config_values}
        decorator = self.decorate_with(**kwargs)
        if not isinstance(decorator, FunctionModifier):
            raise errors.InvalidDecoratorError(
                f"{where}: @resolve's decorate_with returned {decorator!r}, not a decorator "
                "from hamilton_nb.function_modifiers."
            )
        return Resolution(True, added=[decorator])


def resolve_from_config(*, decorate_with: Callable[..., FunctionModifier]) -> resolve:
    """``@resolve(when=ResolveAt.CONFIG_AVAILABLE, decorate_with=...)`` in short."""
    return resolve(when=ResolveAt.CONFIG_AVAILABLE, decorate_with=decorate_with)


EXCLUDE_ATTR = "__hamilton_nb_exclude__"


def hamilton_exclude(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Keep a public module-level function out of the graph (a helper, not a node)."""
    setattr(fn, EXCLUDE_ATTR, True)
    return fn
