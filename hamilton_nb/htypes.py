"""Type markers (``Parallelizable``, ``Collect``, ``column``) and the type-compatibility rules.

An edge ``upstream -> param`` is compatible when the upstream's output type could be the
value the parameter expects: equal types, ``Any``/TypeVars, subclasses, generics compared by
origin, ``Union``/``Optional`` on either side, ``Annotated``/``NewType`` reduced to their base.
"""

from __future__ import annotations

import collections.abc
import types
import typing
from typing import Annotated, Any, Protocol, TypeVar, Union

T = TypeVar("T", covariant=True)

_UNION_TYPES: tuple[Any, ...] = (Union, types.UnionType)


class Parallelizable(collections.abc.Iterable, Protocol[T]):  # type: ignore[type-arg]
    """Return type marker: the function yields items, each processed by the nodes downstream
    until a ``Collect`` gathers them back into one list."""


class Collect(collections.abc.Iterable, Protocol[T]):  # type: ignore[type-arg]
    """Parameter type marker: receive every item computed in the upstream parallel block."""


class column:  # noqa: N801 - Hamilton's public name
    """``column[pd.Series, int]``: a Series whose values are ``int`` (annotation only)."""

    def __class_getitem__(cls, params: tuple[Any, Any]) -> Any:
        if not isinstance(params, tuple) or len(params) != 2:
            raise TypeError("column takes two arguments: column[pd.Series, element_type]")
        return Annotated[params[0], params[1]]


def _origin(tp: Any) -> Any:
    return typing.get_origin(tp)


def is_parallelizable(tp: Any) -> bool:
    """True for ``Parallelizable`` and ``Parallelizable[T]``."""
    if isinstance(tp, type):  # plain classes (the common case) have no origin
        return tp is Parallelizable
    return _origin(tp) is Parallelizable


def is_collect(tp: Any) -> bool:
    """True for ``Collect`` and ``Collect[T]``."""
    if isinstance(tp, type):
        return tp is Collect
    return _origin(tp) is Collect


def element_type(tp: Any) -> Any:
    """The ``T`` of ``Parallelizable[T]``/``Collect[T]`` (``Any`` when bare)."""
    args = typing.get_args(tp)
    return args[0] if args else Any


def base_type(tp: Any) -> Any:
    """Reduce ``Annotated[X, ...]`` to ``X`` and a ``NewType`` to its supertype."""
    while True:
        if _origin(tp) is Annotated:
            tp = typing.get_args(tp)[0]
        elif hasattr(tp, "__supertype__"):
            tp = tp.__supertype__
        else:
            return tp


def _is_wildcard(tp: Any) -> bool:
    return tp is Any or isinstance(tp, TypeVar)


def _union_members(tp: Any) -> tuple[Any, ...] | None:
    return typing.get_args(tp) if _origin(tp) in _UNION_TYPES else None


def _class_of(tp: Any) -> Any:
    origin = _origin(tp)
    return origin if origin is not None else tp


def types_match(upstream: Any, param: Any) -> bool:
    """Can a value produced as ``upstream`` be passed to a parameter annotated ``param``?"""
    if upstream is param:
        return True
    stack = [(upstream, param)]
    # Iterative on purpose: nested unions are walked without recursion.
    while stack:
        up, down = stack.pop()
        up, down = base_type(up), base_type(down)
        if up == down or _is_wildcard(up) or _is_wildcard(down):
            return True
        down_members = _union_members(down)
        if down_members is not None:
            stack.extend((up, member) for member in down_members)
            continue
        up_members = _union_members(up)
        if up_members is not None:
            stack.extend((member, down) for member in up_members)
            continue
        if _subclass(_class_of(up), _class_of(down)):
            return True
    return False


def _subclass(up: Any, down: Any) -> bool:
    if not isinstance(up, type) or not isinstance(down, type):
        # Literal, Callable[...] and other special forms: compare as equal-or-lenient.
        return up == down or not (isinstance(up, type) and isinstance(down, type))
    try:
        return issubclass(up, down)
    except TypeError:  # non-runtime-checkable protocols and the like
        return True


def value_matches(value: Any, tp: Any) -> bool:
    """Does ``value`` fit the annotation ``tp``? Generics are checked by origin only."""
    if type(value) is tp or tp is Any:  # the common case, without typing introspection
        return True
    stack = [tp]
    while stack:
        current = base_type(stack.pop())
        if _is_wildcard(current):
            return True
        members = _union_members(current)
        if members is not None:
            stack.extend(members)
            continue
        if current is None and value is None:
            return True
        if is_collect(current) or is_parallelizable(current):
            current = collections.abc.Iterable
        cls = _class_of(current)
        if not isinstance(cls, type):
            return True  # Literal and other forms that isinstance cannot check
        try:
            if isinstance(value, cls):
                return True
        except TypeError:
            return True
    return False


def type_name(tp: Any) -> str:
    """A short readable name for error messages: ``int``, ``pd.Series``, ``list[int]``."""
    if isinstance(tp, type) and not typing.get_args(tp):
        module = tp.__module__
        if module == "builtins":
            return tp.__qualname__
        short = {
            "pandas": "pd",
            "pandas.core.series": "pd",
            "pandas.core.frame": "pd",
            "numpy": "np",
        }
        return f"{short.get(module, module)}.{tp.__qualname__}"
    return repr(tp).replace("typing.", "")
