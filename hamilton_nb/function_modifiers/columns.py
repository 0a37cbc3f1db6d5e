"""DataFrame columns as nodes: ``@extract_columns`` and ``@parameterize_extract_columns``.

Responsibilities:
- ``extract_columns``: keep the function's DataFrame node and add one node per column
  (stage EXPAND); a missing column is an error unless ``fill_with`` is given.
- ``parameterize_extract_columns`` (with ``ParameterizedExtract``): one DataFrame node per
  parameterization, then its columns, renamed to the outputs unless ``reassign_columns=False``.
- Which DataFrame library a return annotation names (pandas, polars, polars lazy), and how a
  column is selected or filled in each; pandas and polars are imported only when used.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from hamilton_nb import errors, htypes
from hamilton_nb.function_modifiers.base import FunctionModifier, Stage, describe_use
from hamilton_nb.function_modifiers.dependencies import Binding, as_bindings, bind_output
from hamilton_nb.function_modifiers.extraction import (
    check_names,
    check_not_source_name,
    derived_node,
)
from hamilton_nb.node import Node

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
        derived_node(
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
        where = describe_use(fn, "extract_columns")
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
        check_names((name for name, _ in parsed), where, "column")
        self._columns = parsed
        return parsed

    def validate(self, fn: Callable[..., Any]) -> None:
        self._checked(fn)

    def expand(self, node: Node, config: Mapping[str, Any], fn: Callable[..., Any]) -> list[Node]:
        where = describe_use(fn, "extract_columns")
        columns = self._checked(fn)
        check_not_source_name(node, (name for name, _ in columns), where, "column")
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
        where = describe_use(fn, "parameterize_extract_columns")
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
            outputs = tuple(check_names(extract.outputs, where, "output"))
            specs.append((outputs, as_bindings(extract.input_mapping, where)))
        self._specs = specs
        return specs

    def validate(self, fn: Callable[..., Any]) -> None:
        self._checked(fn)

    def expand(self, node: Node, config: Mapping[str, Any], fn: Callable[..., Any]) -> list[Node]:
        where = describe_use(fn, "parameterize_extract_columns")
        nodes: list[Node] = []
        for index, (outputs, bindings) in enumerate(self._checked(fn)):
            name = f"{node.name}__{index}"
            frame = bind_output(node, bindings, name=name, where=where)
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
