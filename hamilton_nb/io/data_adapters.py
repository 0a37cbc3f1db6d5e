"""``DataLoader`` and ``DataSaver``: the base classes of every data adapter (Hamilton's API).

Responsibilities:
- The contract an adapter implements: ``name()`` (the kind, e.g. ``"csv"``),
  ``applicable_types()``, and ``load_data(type_) -> (value, metadata)`` or
  ``save_data(data) -> metadata``.
- Describing an adapter's constructor arguments (its dataclass fields), once per class.

Adapters are dataclasses: their fields are the keyword arguments users pass to
``load_from.<kind>(...)``, ``save_to.<kind>(...)``, ``to.<kind>(...)`` and ``from_.<kind>(...)``.
"""

from __future__ import annotations

import abc
import dataclasses
import typing
from collections.abc import Collection
from typing import Any, NamedTuple

_WILDCARDS: tuple[Any, ...] = (Any, object)


class Argument(NamedTuple):
    """One constructor argument of an adapter."""

    type: Any
    required: bool


_ARGUMENTS: dict[type, dict[str, Argument]] = {}


class AdapterCommon(abc.ABC):
    """What loaders and savers share: a kind name, the types they handle, their arguments."""

    @classmethod
    @abc.abstractmethod
    def applicable_types(cls) -> Collection[Any]:
        """The types this adapter loads or saves (``typing.Any`` or ``object``: any value)."""

    @classmethod
    @abc.abstractmethod
    def name(cls) -> str:
        """The kind, as in ``load_from.<name>``: several adapters may share one kind."""

    @classmethod
    def applies_to(cls, type_: Any) -> bool:
        """True when this adapter handles values annotated ``type_``."""
        return match_rank(cls.applicable_types(), type_, loading=cls.can_load()) > 0

    @classmethod
    def can_load(cls) -> bool:
        return False

    @classmethod
    def can_save(cls) -> bool:
        return False

    @classmethod
    def arguments(cls) -> dict[str, Argument]:
        """Constructor arguments (dataclass fields) with their types; computed once per class."""
        known = _ARGUMENTS.get(cls)
        if known is None:
            known = _ARGUMENTS[cls] = _read_arguments(cls)
        return known

    @classmethod
    def get_required_arguments(cls) -> dict[str, Any]:
        """``{name: type}`` of the arguments without a default."""
        return {k: a.type for k, a in cls.arguments().items() if a.required}

    @classmethod
    def get_optional_arguments(cls) -> dict[str, Any]:
        """``{name: type}`` of the arguments with a default."""
        return {k: a.type for k, a in cls.arguments().items() if not a.required}

    @classmethod
    def required_one_of(cls) -> tuple[str, ...]:
        """Optional arguments of which at least one must be given (e.g. two spellings of a
        path); empty when there is no such group."""
        return ()


class DataLoader(AdapterCommon):
    """Loads a value: subclass it as a dataclass and register it with ``register_adapter``."""

    @abc.abstractmethod
    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        """Return ``(value, metadata)``; ``type_`` is the type the value is loaded as."""

    @classmethod
    def can_load(cls) -> bool:
        return True


class DataSaver(AdapterCommon):
    """Saves a value: subclass it as a dataclass and register it with ``register_adapter``."""

    @abc.abstractmethod
    def save_data(self, data: Any) -> dict[str, Any]:
        """Save ``data``; return metadata about what was written (path, size ...)."""

    @classmethod
    def can_save(cls) -> bool:
        return True


def _read_arguments(cls: type) -> dict[str, Argument]:
    if not dataclasses.is_dataclass(cls):
        raise TypeError(
            f"data adapter {cls.__qualname__!r} must be a dataclass: decorate it with "
            "@dataclasses.dataclass so its fields become the decorator's arguments."
        )
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # unresolvable forward references: keep the raw annotations
        hints = {}
    arguments = {}
    for field in dataclasses.fields(cls):
        if not field.init:
            continue
        required = (
            field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
        )
        arguments[field.name] = Argument(hints.get(field.name, Any), required)
    return arguments


def match_rank(applicable: Collection[Any], requested: Any, *, loading: bool) -> int:
    """How well an adapter for ``applicable`` types fits a value annotated ``requested``.

    2: a specific type fits (subclass either way for loaders, the value's class a subclass of
    the adapter's type for savers), or ``requested`` is ``Any`` and the adapter takes any
    value; 1: only through a wildcard (a wildcard adapter, or a loader for an ``Any``
    parameter, which accepts whatever is loaded); 0: the adapter does not apply.
    ``Optional``/unions match when one member does.
    """
    wildcard_adapter = any(t in _WILDCARDS for t in applicable)
    best = 0
    for member in _members(requested):
        if is_wildcard(member):
            best = max(best, 2 if wildcard_adapter else 1 if loading else 0)
            continue
        if wildcard_adapter:
            best = max(best, 1)
        wanted = typing.get_origin(member) or member
        if not isinstance(wanted, type):
            continue
        for adapter_type in applicable:
            offered = typing.get_origin(adapter_type) or adapter_type
            if offered in _WILDCARDS or not isinstance(offered, type):
                continue
            if _subclass(wanted, offered) or (loading and _subclass(offered, wanted)):
                return 2
    return best


def is_wildcard(tp: Any) -> bool:
    """``Any``, ``object`` or a TypeVar: an annotation any value fits."""
    return tp in _WILDCARDS or isinstance(tp, typing.TypeVar)


def _members(tp: Any) -> list[Any]:
    """``tp`` without ``Annotated``/``NewType`` wrappers, split into union members."""
    stack, members = [tp], []
    while stack:
        current = stack.pop()
        while True:
            if typing.get_origin(current) is typing.Annotated:
                current = typing.get_args(current)[0]
            elif hasattr(current, "__supertype__"):
                current = current.__supertype__
            else:
                break
        args = typing.get_args(current)
        if typing.get_origin(current) is typing.Union or type(current).__name__ == "UnionType":
            stack.extend(a for a in reversed(args) if a is not type(None))
        else:
            members.append(current)
    return members


def _subclass(sub: type, sup: type) -> bool:
    try:
        return issubclass(sub, sup)
    except TypeError:
        return False
