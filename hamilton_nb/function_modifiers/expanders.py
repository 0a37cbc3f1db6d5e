"""Decorators that turn one function into several nodes, or rebind its parameters.

Responsibilities:
- ``parameterize`` (and its older forms ``parameterize_values``, ``parameterize_sources``):
  one node per output, each the function with some parameters bound to ``source``/``value``/
  ``group``; the function's own node is replaced by them (stage EXPAND).
- ``inject``: bind parameters of the function's own node, keeping its name (stage INPUTS).
- ``extract_columns`` / ``extract_fields`` / ``unpack_fields``: keep the function's node and add
  one node per DataFrame column / dict field / tuple item (stage EXPAND).
- ``parameterize_extract_columns``: one DataFrame node per parameterization, then its columns.

Specs are checked in ``validate`` (build time, messages name the function and the decorator)
and normalised once per decorator; expansion then costs one ``bind_node`` per generated node.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from hamilton_nb import errors, htypes
from hamilton_nb.function_modifiers.base import FunctionModifier, Stage, modifiers_of
from hamilton_nb.function_modifiers.dependencies import (
    Binding,
    LiteralDependency,
    UpstreamDependency,
    as_binding,
    bind_node,
    group,
    source,
    value,
)
from hamilton_nb.node import DependencyType, Node, describe_function

Spec = tuple[str, dict[str, Binding], str | None]  # (output name, bindings, explicit doc)


# -- shared helpers -------------------------------------------------------------------------


def _where(fn: Callable[..., Any], decorator: str) -> str:
    return f"{describe_function(fn)}: @{decorator}"


class _DocValues(dict[str, Any]):
    """Docstring template values; an unknown ``{name}`` renders as ``name`` (as in Hamilton)."""

    def __missing__(self, key: str) -> str:
        return key


def _format_doc(doc: str, output_name: str, bindings: Mapping[str, Binding]) -> str:
    """Fill ``{output_name}`` and ``{param}`` (source name or literal) in ``doc``.

    A docstring that is not a valid template (stray braces, positional fields) stays as is.
    """
    if "{" not in doc:
        return doc
    values = _DocValues(output_name=output_name)
    for param, binding in bindings.items():
        if isinstance(binding, UpstreamDependency):
            values[param] = binding.source
        elif isinstance(binding, LiteralDependency):
            values[param] = binding.value
    try:
        return doc.format_map(values)
    except (ValueError, KeyError, IndexError, AttributeError, TypeError):
        return doc


def _check_bindings(raw: Any, where: str) -> dict[str, Binding]:
    if not isinstance(raw, Mapping):
        raise errors.InvalidDecoratorError(
            f"{where} takes a dict of parameter name -> source(...)/value(...)/group(...), "
            f"got {raw!r}."
        )
    return {param: as_binding(param, binding, where) for param, binding in raw.items()}


def _check_groups(node: Node, bindings: Mapping[str, Binding], where: str) -> None:
    """A list ``group`` needs a list-like parameter, a keyword ``group`` a dict-like one."""
    for param, binding in bindings.items():
        if not isinstance(binding, group) or param not in node.input_types:
            continue
        wanted = list if isinstance(binding.members, list) else dict
        annotation = node.input_types[param][0]
        cls = htypes.base_type(annotation)
        cls = typing.get_origin(cls) or cls
        if isinstance(cls, type) and not issubclass(wanted, cls):
            raise errors.InvalidDecoratorError(
                f"{where}: parameter {param!r} is bound to {binding!r}, which passes a "
                f"{wanted.__name__}, but it is annotated {htypes.type_name(annotation)}. "
                f"Annotate it as {wanted.__name__}[...]."
            )


def _check_not_self_dependent(new: Node, where: str) -> None:
    if new.name in new.input_types:
        raise errors.InvalidDecoratorError(
            f"{where}: node {new.name!r} would depend on itself, because one of its inputs is "
            f"also named {new.name!r}. Bind that parameter with source(...)/value(...) to "
            "another node, or choose another output name."
        )


def _check_names(names: Iterable[Any], where: str, what: str) -> list[str]:
    """Non-empty, distinct string names."""
    checked: dict[str, None] = {}  # insertion-ordered set
    for name in names:
        if not isinstance(name, str) or not name:
            raise errors.InvalidDecoratorError(
                f"{where}: {what} names must be strings, got {name!r}."
            )
        if name in checked:
            raise errors.InvalidDecoratorError(f"{where}: {what} {name!r} is given twice.")
        checked[name] = None
    if not checked:
        raise errors.InvalidDecoratorError(f"{where} needs at least one {what} name.")
    return list(checked)


def _check_not_source_name(node: Node, names: Iterable[str], where: str, what: str) -> None:
    if node.name in names:
        raise errors.InvalidDecoratorError(
            f"{where}: {what} {node.name!r} has the name of the node it is taken from. "
            "Rename the function or the output."
        )


def _derived_node(
    source_node: Node, name: str, node_type: Any, extract: Callable[..., Any], documentation: str
) -> Node:
    """A node computed from ``source_node``'s value alone, with the same origin and tags."""
    return Node(
        name=name,
        type=node_type,
        callable=extract,
        input_types={source_node.name: (source_node.type, DependencyType.REQUIRED)},
        tags=dict(source_node.tags),
        documentation=documentation,
        originating_functions=source_node.originating_functions,
        namespace=source_node.namespace,
    )


# -- parameterize family ----------------------------------------------------------------------


class parameterize(FunctionModifier):  # noqa: N801 - Hamilton's public name
    """One node per keyword: ``output_name={param: source(...) | value(...) | group(...)}``.

    ``output_name=({...}, "docstring")`` gives the node its own documentation; otherwise the
    function's docstring is used with ``{output_name}`` and ``{param}`` filled in (a source's
    name, a literal's value). Parameters left unbound stay dependencies of the same name.
    """

    stage = Stage.EXPAND
    single_per_function = True

    def __init__(self, **parametrization: Any) -> None:
        self.parametrization = parametrization
        self._specs: list[Spec] | None = None

    def _normalize(self, where: str) -> list[Spec]:
        specs: list[Spec] = []
        for output, raw in self.parametrization.items():
            doc = None
            if isinstance(raw, tuple):
                if len(raw) != 2 or not isinstance(raw[1], str):
                    raise errors.InvalidDecoratorError(
                        f"{where} output {output!r}: a tuple must be (bindings dict, docstring), "
                        f"got {raw!r}."
                    )
                raw, doc = raw
            specs.append((output, _check_bindings(raw, f"{where} output {output!r}"), doc))
        return specs

    def specs(self, fn: Callable[..., Any]) -> list[Spec]:
        """The checked ``(output, bindings, doc)`` list (computed once per decorator)."""
        if self._specs is None:
            self._specs = self._normalize(_where(fn, self.display_name()))
        return self._specs

    def validate(self, fn: Callable[..., Any]) -> None:
        self.specs(fn)

    def expand(self, node: Node, config: Mapping[str, Any], fn: Callable[..., Any]) -> list[Node]:
        where = _where(fn, self.display_name())
        nodes = []
        for output, bindings, doc in self.specs(fn):
            output_where = f"{where} output {output!r}"
            _check_groups(node, bindings, output_where)
            documentation = (
                doc if doc is not None else _format_doc(node.documentation, output, bindings)
            )
            new = bind_node(
                node, bindings, name=output, where=output_where, documentation=documentation
            )
            _check_not_self_dependent(new, output_where)
            nodes.append(new)
        return nodes


class parameterize_values(parameterize):  # noqa: N801 - Hamilton's public name
    """One node per entry of ``assigned_output``: ``{(output_name, docstring): literal}``, each
    with ``parameter`` set to the literal."""

    def __init__(self, parameter: str, assigned_output: Mapping[tuple[str, str], Any]) -> None:
        super().__init__()
        self.parameter = parameter
        self.assigned_output = assigned_output

    def _normalize(self, where: str) -> list[Spec]:
        if not isinstance(self.parameter, str) or not isinstance(self.assigned_output, Mapping):
            raise errors.InvalidDecoratorError(
                f"{where} takes parameter='name' and assigned_output={{(output, doc): value}}, "
                f"got {self.parameter!r} and {self.assigned_output!r}."
            )
        specs: list[Spec] = []
        for key, literal in self.assigned_output.items():
            if not (
                isinstance(key, tuple) and len(key) == 2 and all(isinstance(k, str) for k in key)
            ):
                raise errors.InvalidDecoratorError(
                    f"{where}: assigned_output keys are (output_name, docstring) tuples, "
                    f"got {key!r}."
                )
            if isinstance(literal, (UpstreamDependency, LiteralDependency, group)):
                raise errors.InvalidDecoratorError(
                    f"{where}: output {key[0]!r} is assigned {literal!r}; assigned_output takes "
                    "plain values. Use @parameterize for source(...)/group(...) bindings."
                )
            specs.append((key[0], {self.parameter: value(literal)}, key[1]))
        return specs


class parameterize_sources(parameterize):  # noqa: N801 - Hamilton's public name
    """One node per keyword: ``output_name={param: "upstream_node_name"}``; the docstring is
    filled in as for ``parameterize``."""

    def __init__(self, **parameterization: Mapping[str, str]) -> None:
        super().__init__()
        self.parameterization = parameterization

    def _normalize(self, where: str) -> list[Spec]:
        specs: list[Spec] = []
        for output, mapping in self.parameterization.items():
            output_where = f"{where} output {output!r}"
            if not isinstance(mapping, Mapping):
                raise errors.InvalidDecoratorError(
                    f"{output_where} takes a dict of parameter -> upstream node name, "
                    f"got {mapping!r}."
                )
            bindings: dict[str, Binding] = {}
            for param, upstream in mapping.items():
                if isinstance(upstream, UpstreamDependency):
                    bindings[param] = upstream
                elif isinstance(upstream, str) and upstream:
                    bindings[param] = source(upstream)
                else:
                    raise errors.InvalidDecoratorError(
                        f"{output_where}: parameter {param!r} must name an upstream node, got "
                        f"{upstream!r}. Use @parameterize with value(...) for literals."
                    )
            specs.append((output, bindings, None))
        return specs


class inject(FunctionModifier):  # noqa: N801 - Hamilton's public name
    """Bind parameters of the function's own node (``@inject(nums=group(source("a"), value(1)))``);
    the node keeps the function's name. Like a ``parameterize`` with one output."""

    stage = Stage.INPUTS

    def __init__(self, **key_mapping: Any) -> None:
        self.key_mapping = key_mapping
        self._bindings: dict[str, Binding] | None = None

    def _checked(self, fn: Callable[..., Any]) -> dict[str, Binding]:
        if self._bindings is None:
            self._bindings = _check_bindings(self.key_mapping, _where(fn, "inject"))
        return self._bindings

    def validate(self, fn: Callable[..., Any]) -> None:
        if sum(isinstance(m, inject) for m in modifiers_of(fn)) > 1:
            raise errors.InvalidDecoratorError(
                f"{_where(fn, 'inject')} is applied twice; put every binding in one @inject(...)."
            )
        self._checked(fn)

    def rewrite_inputs(
        self, node: Node, config: Mapping[str, Any], fn: Callable[..., Any]
    ) -> list[Node]:
        where = _where(fn, "inject")
        bindings = self._checked(fn)
        _check_groups(node, bindings, where)
        documentation = _format_doc(node.documentation, node.name, bindings)
        new = bind_node(node, bindings, where=where, documentation=documentation)
        _check_not_self_dependent(new, where)
        return [new]


# -- DataFrame columns --------------------------------------------------------------------------


_FRAME_KINDS = {
    ("pandas", "DataFrame"): "pandas",
    ("polars", "DataFrame"): "polars",
    ("polars", "LazyFrame"): "polars-lazy",
}


def _frame_library(annotation: Any) -> str | None:
    """``"pandas"``, ``"polars"`` or ``"polars-lazy"`` when ``annotation`` is (a subclass of)
    ``pd.DataFrame``, ``pl.DataFrame`` or ``pl.LazyFrame``; else ``None``."""
    cls = htypes.base_type(annotation)
    cls = typing.get_origin(cls) or cls
    if not isinstance(cls, type):
        return None
    for klass in cls.__mro__:
        kind = _FRAME_KINDS.get((klass.__module__.partition(".")[0], klass.__name__))
        if kind is not None:
            return kind
    return None


def _column_type(library: str) -> Any:
    """What a column node returns: a Series (a ``pl.Expr`` for a LazyFrame, as in Hamilton)."""
    if library == "pandas":
        import pandas as pd

        return pd.Series
    import polars as pl

    return pl.Expr if library == "polars-lazy" else pl.Series


def _column_names(frame: Any, library: str) -> list[str] | Any:
    if library == "polars-lazy":
        return frame.collect_schema().names()
    return frame.columns


def _select(frame: Any, column: str, library: str) -> Any:
    if library == "polars-lazy":
        import polars as pl

        return pl.col(column)
    return frame[column]


def _filled_column(frame: Any, column: str, fill_with: Any, library: str) -> Any:
    """A column of ``fill_with`` as long as ``frame``; ``frame`` itself is not modified."""
    if library == "pandas":
        import pandas as pd

        return pd.Series(fill_with, index=frame.index, name=column)
    import polars as pl

    if library == "polars-lazy":
        return pl.lit(fill_with).alias(column)
    return pl.Series(column, [fill_with] * frame.height)


def _column_extractor(
    frame_node: str, column: str, fill_with: Any, library: str, decorator: str
) -> Callable[..., Any]:
    def extract_column(**kwargs: Any) -> Any:
        frame = kwargs[frame_node]
        try:
            columns = _column_names(frame, library)
        except AttributeError:
            raise errors.NodeTypeError(
                f"node {frame_node!r} (@{decorator}) returned {type(frame).__name__}, not a "
                f"DataFrame, so column {column!r} cannot be extracted."
            ) from None
        if column in columns:
            return _select(frame, column, library)
        if fill_with is not None:
            return _filled_column(frame, column, fill_with, library)
        raise errors.ExecutionError(
            f"column {column!r} is missing from the DataFrame returned by node {frame_node!r} "
            f"(@{decorator}); it has {list(columns)!r}. Return that column, or pass "
            "fill_with=... to fill it."
        )

    return extract_column


def _column_nodes(
    frame: Node,
    columns: Iterable[tuple[str, str | None]],
    fill_with: Any,
    where: str,
    decorator: str,
) -> list[Node]:
    library = _frame_library(frame.type)
    if library is None:
        raise errors.InvalidDecoratorError(
            f"{where} needs a function returning a pandas or polars DataFrame, but "
            f"{frame.name!r} returns {htypes.type_name(frame.type)}. Annotate the return as "
            "pd.DataFrame (or pl.DataFrame / pl.LazyFrame), or use @extract_fields for dicts."
        )
    column_type = _column_type(library)
    return [
        _derived_node(
            frame,
            name,
            column_type,
            _column_extractor(frame.name, name, fill_with, library, decorator),
            frame.documentation if doc is None else doc,
        )
        for name, doc in columns
    ]


class extract_columns(FunctionModifier):  # noqa: N801 - Hamilton's public name
    """Keep the DataFrame node and add one node per column: ``@extract_columns("a", "b")``.

    A column may be given as ``(name, docstring)``. A column missing at run time is an error,
    unless ``fill_with`` is given: the column node then returns a column of that value.
    """

    stage = Stage.EXPAND
    single_per_function = True

    def __init__(self, *columns: str | tuple[str, str], fill_with: Any = None) -> None:
        self.columns = columns
        self.fill_with = fill_with
        self._columns: list[tuple[str, str | None]] | None = None

    def _checked(self, fn: Callable[..., Any]) -> list[tuple[str, str | None]]:
        if self._columns is not None:
            return self._columns
        where = _where(fn, "extract_columns")
        parsed: list[tuple[str, str | None]] = []
        for column in self.columns:
            if isinstance(column, (list, set)):
                raise errors.InvalidDecoratorError(
                    f"{where} takes column names as separate arguments, got the list {column!r}. "
                    "Unpack it: @extract_columns(*columns)."
                )
            if isinstance(column, tuple):
                if len(column) != 2 or not isinstance(column[1], str):
                    raise errors.InvalidDecoratorError(
                        f"{where}: a column given as a tuple must be (name, docstring), "
                        f"got {column!r}."
                    )
                parsed.append((column[0], column[1]))
            else:
                parsed.append((column, None))
        _check_names((name for name, _ in parsed), where, "column")
        self._columns = parsed
        return parsed

    def validate(self, fn: Callable[..., Any]) -> None:
        self._checked(fn)

    def expand(self, node: Node, config: Mapping[str, Any], fn: Callable[..., Any]) -> list[Node]:
        where = _where(fn, "extract_columns")
        columns = self._checked(fn)
        _check_not_source_name(node, (name for name, _ in columns), where, "column")
        return [node, *_column_nodes(node, columns, self.fill_with, where, "extract_columns")]


@dataclasses.dataclass
class ParameterizedExtract:
    """One parameterization of ``parameterize_extract_columns``: the column names to extract
    (``outputs``) and the parameter bindings (``input_mapping``) that produce the DataFrame."""

    outputs: tuple[str, ...]
    input_mapping: dict[str, Any]


def _reassigning(
    frame_name: str, outputs: tuple[str, ...], library: str, fn: Callable[..., Any]
) -> Callable[..., Any]:
    """Wrap a DataFrame-producing callable so its columns are renamed to ``outputs`` in order."""

    def rename_columns(**kwargs: Any) -> Any:
        frame = fn(**kwargs)
        try:
            columns = list(_column_names(frame, library))
        except AttributeError:
            raise errors.NodeTypeError(
                f"node {frame_name!r} (@parameterize_extract_columns) returned "
                f"{type(frame).__name__}, not a DataFrame."
            ) from None
        if len(columns) != len(outputs):
            raise errors.ExecutionError(
                f"node {frame_name!r} (@parameterize_extract_columns) returned {len(columns)} "
                f"column(s) {columns!r}, but {len(outputs)} are named {list(outputs)!r}. Return "
                "one column per output, or pass reassign_columns=False to select them by name."
            )
        if library == "pandas":
            return frame.set_axis(list(outputs), axis=1)
        return frame.rename(dict(zip(columns, outputs, strict=True)))

    return rename_columns


class parameterize_extract_columns(FunctionModifier):  # noqa: N801 - Hamilton's public name
    """``@parameterize`` and ``@extract_columns`` in one: per ``ParameterizedExtract``, a
    DataFrame node ``<function>__<i>`` with the bindings applied, and one node per output.

    With ``reassign_columns=True`` (the default) the DataFrame's columns are renamed to the
    outputs in order; with ``False`` the outputs are selected by name.
    """

    stage = Stage.EXPAND
    single_per_function = True

    def __init__(
        self, *extract_config: ParameterizedExtract, reassign_columns: bool = True
    ) -> None:
        self.extract_config = extract_config
        self.reassign_columns = reassign_columns
        self._specs: list[tuple[tuple[str, ...], dict[str, Binding]]] | None = None

    def _checked(self, fn: Callable[..., Any]) -> list[tuple[tuple[str, ...], dict[str, Binding]]]:
        if self._specs is not None:
            return self._specs
        where = _where(fn, "parameterize_extract_columns")
        if not self.extract_config:
            raise errors.InvalidDecoratorError(
                f"{where} needs at least one ParameterizedExtract(...)."
            )
        specs = []
        for extract in self.extract_config:
            if not isinstance(extract, ParameterizedExtract) or isinstance(extract.outputs, str):
                raise errors.InvalidDecoratorError(
                    f"{where} takes ParameterizedExtract(outputs=(...), input_mapping={{...}}) "
                    f"arguments, got {extract!r}."
                )
            outputs = tuple(_check_names(extract.outputs, where, "output"))
            specs.append((outputs, _check_bindings(extract.input_mapping, where)))
        self._specs = specs
        return specs

    def validate(self, fn: Callable[..., Any]) -> None:
        self._checked(fn)

    def expand(self, node: Node, config: Mapping[str, Any], fn: Callable[..., Any]) -> list[Node]:
        where = _where(fn, "parameterize_extract_columns")
        nodes: list[Node] = []
        for index, (outputs, bindings) in enumerate(self._checked(fn)):
            name = f"{node.name}__{index}"
            _check_groups(node, bindings, where)
            documentation = _format_doc(node.documentation, name, bindings)
            frame = bind_node(node, bindings, name=name, where=where, documentation=documentation)
            _check_not_self_dependent(frame, where)
            columns = [(output, None) for output in outputs]
            extracted = _column_nodes(frame, columns, None, where, "parameterize_extract_columns")
            if self.reassign_columns:
                library = _frame_library(frame.type)
                assert frame.callable is not None and library is not None
                rename = _reassigning(name, outputs, library, frame.callable)
                frame = frame.copy_with(callable=rename)
            nodes.append(frame)
            nodes.extend(extracted)
        return nodes


# -- dict fields and tuple items ------------------------------------------------------------------


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
            _check_names(self.fields, where, "field")
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
        return _check_names(names, where, "field") if names else []

    def validate(self, fn: Callable[..., Any]) -> None:
        self._requested(_where(fn, "extract_fields"))

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
        where = _where(fn, "extract_fields")
        field_types = self._field_types(node, where)
        _check_not_source_name(node, field_types, where, "field")
        return [node] + [
            _derived_node(
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
        _check_names(self.fields, _where(fn, "unpack_fields"), "field")

    def expand(self, node: Node, config: Mapping[str, Any], fn: Callable[..., Any]) -> list[Node]:
        where = _where(fn, "unpack_fields")
        _check_not_source_name(node, self.fields, where, "field")
        item_types = _tuple_item_types(node.type, len(self.fields), where, node.name)
        return [node] + [
            _derived_node(
                node, name, tp, _item_extractor(node.name, name, index), node.documentation
            )
            for index, (name, tp) in enumerate(zip(self.fields, item_types, strict=True))
        ]
