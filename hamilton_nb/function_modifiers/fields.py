"""Dict fields and tuple items as nodes: ``@extract_fields`` and ``@unpack_fields``.

Responsibilities:
- ``extract_fields``: keep the function's dict node and add one node per field; field types
  come from the decorator, a ``TypedDict`` or ``dict[str, T]`` return annotation.
- ``unpack_fields``: keep the function's tuple node and add one node per item, typed from the
  ``tuple[...]`` return annotation.
Both run at stage EXPAND; a field missing at run time is an error (``extract_fields`` may
``fill_with`` a value instead).
"""

from __future__ import annotations

import collections.abc
import typing
from collections.abc import Callable, Mapping
from typing import Any

from hamilton_nb import errors, htypes
from hamilton_nb.function_modifiers.base import FunctionModifier, Stage, describe_use
from hamilton_nb.function_modifiers.extraction import (
    check_names,
    check_not_source_name,
    derived_node,
)
from hamilton_nb.node import Node


def _is_type(candidate: Any) -> bool:
    return (
        isinstance(candidate, type)
        or typing.get_origin(candidate) is not None
        or candidate is Any
        or isinstance(candidate, typing.TypeVar)
        or hasattr(candidate, "__supertype__")
    )


def _dict_kind(annotation: Any) -> tuple[str, Any]:
    """``("typeddict", hints)``, ``("dict", value_type or None)`` or ``("other", None)``."""
    base = htypes.base_type(annotation)
    if typing.is_typeddict(base):
        return "typeddict", typing.get_type_hints(base)
    if base is dict:
        return "dict", None
    if typing.get_origin(base) is dict:  # dict[str, T], typing.Dict[str, T], bare typing.Dict
        args = typing.get_args(base)
        return "dict", args[1] if len(args) == 2 else None
    return "other", None


def _field_extractor(dict_node: str, field: str, fill_with: Any) -> Callable[..., Any]:
    def extract_field(**kwargs: Any) -> Any:
        produced = kwargs[dict_node]
        if not isinstance(produced, collections.abc.Mapping):
            raise errors.NodeTypeError(
                f"node {dict_node!r} (@extract_fields) returned {type(produced).__name__}, not a "
                f"dict, so field {field!r} cannot be extracted."
            )
        if field in produced:
            return produced[field]
        if fill_with is not None:
            return fill_with
        raise errors.ExecutionError(
            f"field {field!r} is missing from the dict returned by node {dict_node!r} "
            f"(@extract_fields); it has {list(produced)!r}. Return that field, or pass "
            "fill_with=... to fill it."
        )

    return extract_field


class extract_fields(FunctionModifier):  # noqa: N801 - Hamilton's public name
    """Keep the dict node and add one node per field.

    ``@extract_fields({"a": int, "b": str})`` names the fields and their types. For a function
    returning a ``TypedDict`` or ``dict[str, T]``, names alone do (``@extract_fields("a", "b")``
    or ``(["a", "b"])``), and a ``TypedDict`` with no argument extracts all its fields.
    """

    stage = Stage.EXPAND
    single_per_function = True

    def __init__(self, fields: Any = None, *others: str, fill_with: Any = None) -> None:
        self.fields = fields
        self.others = others
        self.fill_with = fill_with
        self._requested_fields: dict[str, Any] | list[str] | None = None

    def _requested(self, where: str) -> dict[str, Any] | list[str]:
        """The given fields: a dict of name -> type, or a list of names (possibly empty)."""
        if self._requested_fields is None:
            self._requested_fields = self._parse_fields(where)
        return self._requested_fields

    def _parse_fields(self, where: str) -> dict[str, Any] | list[str]:
        if isinstance(self.fields, Mapping):
            if self.others:
                raise errors.InvalidDecoratorError(
                    f"{where}: give fields either as one dict of name -> type or as names, not "
                    f"both (extra names: {list(self.others)!r})."
                )
            check_names(self.fields, where, "field")
            untyped = [name for name, tp in self.fields.items() if not _is_type(tp)]
            if untyped:
                raise errors.InvalidDecoratorError(
                    f"{where}: field(s) {untyped!r} need a type as value, e.g. {{'a': int}}."
                )
            return dict(self.fields)
        names: list[Any] = []
        if isinstance(self.fields, (list, tuple)):
            names.extend(self.fields)
        elif self.fields is not None:
            names.append(self.fields)
        names.extend(self.others)
        return check_names(names, where, "field") if names else []

    def validate(self, fn: Callable[..., Any]) -> None:
        self._requested(describe_use(fn, "extract_fields"))

    def _field_types(self, node: Node, where: str) -> dict[str, Any]:
        requested = self._requested(where)
        kind, detail = _dict_kind(node.type)
        if kind == "other":
            raise errors.InvalidDecoratorError(
                f"{where} needs a function returning a dict or a TypedDict, but {node.name!r} "
                f"returns {htypes.type_name(node.type)}. Use @extract_columns for DataFrames and "
                "@unpack_fields for tuples."
            )
        if kind == "typeddict":
            return _typeddict_fields(requested, detail, where)
        if isinstance(requested, dict):
            return requested
        if detail is None:
            raise errors.InvalidDecoratorError(
                f"{where}: {node.name!r} returns a plain dict, so field types are unknown. "
                "Pass a dict of name -> type, e.g. @extract_fields({'a': int}), or annotate the "
                "return as a TypedDict or dict[str, T]."
            )
        if not requested:
            raise errors.InvalidDecoratorError(f"{where} needs at least one field name.")
        return {name: detail for name in requested}

    def expand(self, node: Node, config: Mapping[str, Any], fn: Callable[..., Any]) -> list[Node]:
        where = describe_use(fn, "extract_fields")
        field_types = self._field_types(node, where)
        check_not_source_name(node, field_types, where, "field")
        return [node] + [
            derived_node(
                node,
                name,
                tp,
                _field_extractor(node.name, name, self.fill_with),
                node.documentation,
            )
            for name, tp in field_types.items()
        ]


def _typeddict_fields(
    requested: dict[str, Any] | list[str], hints: dict[str, Any], where: str
) -> dict[str, Any]:
    if not requested:
        return dict(hints)
    unknown = [name for name in requested if name not in hints]
    if unknown:
        raise errors.InvalidDecoratorError(
            f"{where}: field(s) {unknown!r} are not in the returned TypedDict "
            f"(fields: {list(hints)!r})."
        )
    if not isinstance(requested, dict):
        return {name: hints[name] for name in requested}
    for name, tp in requested.items():
        if not htypes.types_match(hints[name], tp):
            raise errors.InvalidDecoratorError(
                f"{where}: field {name!r} is declared {htypes.type_name(tp)} but the TypedDict "
                f"says {htypes.type_name(hints[name])}. Make them agree."
            )
    return requested


def _tuple_item_types(annotation: Any, count: int, where: str, name: str) -> list[Any]:
    base = htypes.base_type(annotation)
    args = typing.get_args(base)
    if typing.get_origin(base) is not tuple or args in ((), ((),)):
        raise errors.InvalidDecoratorError(
            f"{where} needs a return annotation like tuple[int, str] or tuple[int, ...], but "
            f"{name!r} returns {htypes.type_name(annotation)}."
        )
    if len(args) == 2 and args[1] is Ellipsis:
        return [args[0]] * count
    if count > len(args):
        raise errors.InvalidDecoratorError(
            f"{where} unpacks {count} fields but {htypes.type_name(annotation)} has only "
            f"{len(args)} item(s)."
        )
    return list(args[:count])


def _item_extractor(tuple_node: str, field: str, index: int) -> Callable[..., Any]:
    def extract_item(**kwargs: Any) -> Any:
        produced = kwargs[tuple_node]
        try:
            return produced[index]
        except IndexError:
            raise errors.ExecutionError(
                f"node {tuple_node!r} returned {len(produced)} item(s), but @unpack_fields "
                f"reads field {field!r} from item {index}. Return at least {index + 1} items."
            ) from None
        except (TypeError, KeyError):
            raise errors.NodeTypeError(
                f"node {tuple_node!r} (@unpack_fields) returned {type(produced).__name__}, not a "
                f"tuple, so field {field!r} cannot be unpacked."
            ) from None

    return extract_item


class unpack_fields(FunctionModifier):  # noqa: N801 - Hamilton's public name
    """Keep the tuple node and add one node per item: ``@unpack_fields("a", "b")`` on a
    function returning ``tuple[int, str]`` adds ``a: int`` and ``b: str`` (items in order;
    ``tuple[int, ...]`` gives every field the item type)."""

    stage = Stage.EXPAND
    single_per_function = True

    def __init__(self, *fields: str) -> None:
        self.fields = fields

    def validate(self, fn: Callable[..., Any]) -> None:
        check_names(self.fields, describe_use(fn, "unpack_fields"), "field")

    def expand(self, node: Node, config: Mapping[str, Any], fn: Callable[..., Any]) -> list[Node]:
        where = describe_use(fn, "unpack_fields")
        check_not_source_name(node, self.fields, where, "field")
        item_types = _tuple_item_types(node.type, len(self.fields), where, node.name)
        return [node] + [
            derived_node(
                node, name, tp, _item_extractor(node.name, name, index), node.documentation
            )
            for index, (name, tp) in enumerate(zip(self.fields, item_types, strict=True))
        ]
