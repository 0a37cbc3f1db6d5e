"""Type markers (``Parallelizable``, ``Collect``, ``column``) and the type-compatibility rules.

The engine's own checks are ``types_match`` (edges) and ``value_matches`` (values); Hamilton's
public helpers, with their own (stricter) rules, are at the end: ``custom_subclass_check``,
``check_input_type``, ``check_instance``, ``get_type_as_string``, ``validate_type_annotation``.
They share the union/annotation/marker detection above.

An edge ``upstream -> param`` is compatible when the upstream's output type could be the
value the parameter expects: equal types, ``Any``/TypeVars, subclasses, generics compared by
origin, ``Union``/``Optional`` on either side, ``Annotated``/``NewType`` reduced to their base.
"""

from __future__ import annotations

import collections.abc
import inspect
import types
import typing
from typing import Annotated, Any, Literal, Protocol, TypeVar, Union

from hamilton_nb.errors import InvalidTypeException

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
    """Can a value produced as ``upstream`` be passed to a parameter annotated ``param``?

    A union produced fits only when every member fits (``Optional[int]`` does not fit ``int``),
    as in Hamilton."""
    if upstream is param:
        return True
    up_members = _union_members(base_type(upstream))
    if up_members is not None:  # typing flattens nested unions: this recurses once at most
        return all(types_match(member, param) for member in up_members)
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


# --- Hamilton's public type helpers -------------------------------------------------------
# Hamilton checks edges with ``custom_subclass_check`` and input values with
# ``check_input_type``; extensions (pandera, pydantic, spark, ray, dask adapters) call them.

BASE_ARGS_FOR_GENERICS: tuple[Any, ...] = (typing.T,)  # type: ignore[attr-defined]
"""The arguments of an unparametrised ``typing`` generic; compared as "no arguments"."""

ANNOTATE_ALLOWED = True  # ``Annotated`` is available on every Python we support

_SERIES_ELEMENT_TYPES: tuple[type, ...] = (int, float, str, bool)


def get_type_information(some_type: Any) -> tuple[Any, list[Any]]:
    """``(X, [metadata, ...])`` for ``Annotated[X, ...]``, else ``(some_type, [])``."""
    if _origin(some_type) is Annotated:
        base, *metadata = typing.get_args(some_type)
        return base, metadata
    return some_type, []


def is_parallelizable_type(type_: Any) -> bool:
    """True for ``Parallelizable[T]`` (not for the bare marker, as in Hamilton)."""
    return _origin(type_) is Parallelizable


def _generic_origin(tp: Any, tuples: bool = True) -> tuple[bool, Any]:
    """``(is_generic, origin)`` with Hamilton's notion of "generic": a subscripted alias
    other than a union or ``Callable[...]`` (and other than ``tuple[...]`` unless ``tuples``),
    or an unsubscripted ``Generic`` subclass (whose origin is ``None``).
    ``Annotated[X, ...]`` counts, with origin ``X``."""
    origin = _origin(tp)
    if origin is Annotated:
        return True, typing.get_args(tp)[0]
    if origin is not None:
        if origin in _UNION_TYPES or origin is collections.abc.Callable:
            return False, None
        if origin is tuple and not tuples:
            return False, origin
        return True, origin
    if isinstance(tp, type) and typing.Generic in tp.__mro__:
        return True, None
    return False, None


def _plain_subclass(candidate: Any, base: Any) -> bool:
    """``issubclass`` for two unparametrised classes; False for anything else."""
    if typing.get_args(candidate) or typing.get_args(base):
        return False
    return inspect.isclass(candidate) and inspect.isclass(base) and issubclass(candidate, base)


def custom_subclass_check(requested_type: Any, param_type: Any) -> bool:
    """May a node of ``requested_type`` feed a parameter annotated ``param_type``?

    Hamilton's edge rule: ``Any`` and unions on the parameter side, subclasses, generics by
    origin with equal arguments when both sides have them, ``Parallelizable[T]`` -> ``T``
    and ``T`` -> ``Collect[T]``. A union on the producing side is not expanded.
    """
    param_type = get_type_information(param_type)[0]
    if param_type is Any or _plain_subclass(requested_type, param_type):
        return True
    members = _union_members(param_type)
    if members is not None and any(custom_subclass_check(requested_type, m) for m in members):
        return True
    requested_generic, requested_origin = _generic_origin(requested_type)
    param_generic, param_origin = _generic_origin(param_type)
    if not requested_generic:
        requested_origin = requested_type
    if not param_generic:
        param_origin = param_type
    if requested_generic or param_generic:
        if requested_origin is Parallelizable:
            return custom_subclass_check(typing.get_args(requested_type)[0], param_type)
        if param_origin is Collect:
            return custom_subclass_check(requested_type, typing.get_args(param_type)[0])
    if requested_origin != param_origin and not _plain_subclass(requested_origin, param_origin):
        return False
    if requested_generic or param_generic:
        requested_args, param_args = typing.get_args(requested_type), typing.get_args(param_type)
        if (
            requested_args
            and param_args
            and BASE_ARGS_FOR_GENERICS not in (requested_args, param_args)
        ):
            return requested_args == param_args
    return True


def get_type_as_string(type_: Any) -> str | None:
    """The short name of a type: ``"int"``, ``"DataFrame"``, ``"list"`` for ``list[int]``,
    the base's name for ``Annotated[X, ...]``; else its ``repr``."""
    if _origin(type_) is Annotated:
        return get_type_as_string(typing.get_args(type_)[0])
    name = getattr(type_, "__name__", None)
    if name:
        return str(name)
    if _origin(type_) not in (None, types.UnionType):
        return get_type_as_string(_origin(type_))
    return repr(type_)


def _is_series_type(candidate: Any) -> bool:
    from hamilton_nb import registry

    for types_of_extension in registry.DF_TYPE_AND_COLUMN_TYPES.values():
        column_type = types_of_extension.get(registry.COLUMN_TYPE)
        if column_type is not None and issubclass(candidate, column_type):
            return True
    return False


def validate_type_annotation(annotation: Any) -> bool:
    """Check an ``Annotated`` (``column[...]``) annotation: a registered Series type with
    exactly one element type that is (a subclass of) int, float, str or bool.

    Any other annotation is accepted. Returns True; raises ``InvalidTypeException``.
    """
    if _origin(annotation) is not Annotated:
        return True
    base, *metadata = typing.get_args(annotation)
    if not _is_series_type(base):
        raise InvalidTypeException(
            f"Annotated[...] is only allowed on a Series type (e.g. column[pd.Series, int]); "
            f"got {type_name(base)}."
        )
    if len(metadata) != 1:
        raise InvalidTypeException(
            f"column[...] takes exactly one element type after the Series type; got {metadata}."
        )
    if not any(custom_subclass_check(metadata[0], ok) for ok in _SERIES_ELEMENT_TYPES):
        raise InvalidTypeException(
            f"the element type of column[...] must be one of int, float, str or bool (or a "
            f"subclass); got {metadata[0]!r}."
        )
    return True


_SEQUENCE_ORIGINS = (list, tuple, collections.abc.Sequence)
_ITERABLE_ORIGINS = (set, collections.abc.Iterable)


def check_input_type(node_type: Any, input_value: Any) -> bool:
    """Does ``input_value`` fit ``node_type``? Hamilton's runtime rule for inputs: classes
    by ``isinstance``, generics by exact origin class, unions by any member, ``Literal`` by
    membership, and list/tuple/set/sequence/iterable generics by their first element."""
    if node_type is Any or isinstance(node_type, TypeVar):
        return True
    generic, origin = _generic_origin(node_type, tuples=False)  # as Hamilton: tuple[...] never
    if inspect.isclass(node_type) and not generic and isinstance(input_value, node_type):
        return True
    if generic and origin is type(input_value):
        return True
    members = _union_members(node_type)
    if members is not None:
        return any(check_input_type(member, input_value) for member in members)
    if node_type == type(input_value):  # noqa: E721 - == on purpose: typing aliases compare
        return True
    if origin is Literal:
        return input_value in typing.get_args(node_type)
    for origins in (_SEQUENCE_ORIGINS, _ITERABLE_ORIGINS):
        if generic and origin in origins and isinstance(input_value, origins):
            args = typing.get_args(node_type)
            for first in input_value if args else ():
                return check_input_type(args[0], first)
            return True
    return False


def check_instance(obj: Any, type_: Any) -> bool:
    """``isinstance`` that also checks the contents of ``list``/``set``/``tuple`` (every item
    against the first argument) and ``dict`` (keys and values), plus ``Union`` and ``Literal``."""
    if type_ is Any:
        return True
    origin = getattr(type_, "__origin__", None)
    if origin is None:
        return isinstance(obj, type_)
    if origin is Union:
        return any(check_instance(obj, member) for member in type_.__args__)
    if origin is Literal:
        return obj in type_.__args__
    if not isinstance(obj, origin):
        return False
    args = getattr(type_, "__args__", ())
    if isinstance(obj, dict) and args:
        return all(
            check_instance(key, args[0]) and check_instance(value, args[1])
            for key, value in obj.items()
        )
    if isinstance(obj, (list, set, tuple)) and args:
        return all(check_instance(item, args[0]) for item in obj)
    # Other generics: isinstance itself decides (it raises TypeError for subscripted ones).
    return isinstance(obj, type_)
