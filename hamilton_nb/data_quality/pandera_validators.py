"""``@check_output(schema=...)``: validate pandas outputs against a pandera schema.

Imported only when ``schema=`` is used; importing it without pandera installed raises
``ImportError`` (``resolve_default_validators`` turns that into the install command).
A DataFrame output takes a ``DataFrameSchema`` (or a ``DataFrameModel`` class), a Series
output a ``SeriesSchema``. Validation is lazy: every failing check is reported, not the first.
"""

from __future__ import annotations

import inspect
from typing import Any, ClassVar

import pandas as pd
from pandera.api.pandas.array import SeriesSchema
from pandera.api.pandas.container import DataFrameSchema
from pandera.errors import SchemaErrors

from hamilton_nb import errors
from hamilton_nb.data_quality.base import BaseDefaultValidator, ValidationResult
from hamilton_nb.data_quality.check_support import is_subtype

_SHOWN_ERRORS = 5


def _as_schema(schema: Any, expected: type, output: str) -> Any:
    if inspect.isclass(schema) and hasattr(schema, "to_schema"):  # a DataFrameModel class
        schema = schema.to_schema()
    if not isinstance(schema, expected):
        raise errors.InvalidDecoratorError(
            f"schema= for a {output} output takes a pandera {expected.__name__}, got {schema!r}."
        )
    return schema


def _validate(schema: Any, data: Any) -> ValidationResult:
    try:
        schema.validate(data, lazy=True)
    except SchemaErrors as exc:
        found = list(exc.schema_errors)
        shown = "; ".join(str(err) for err in found[:_SHOWN_ERRORS])
        more = f" (and {len(found) - _SHOWN_ERRORS} more)" if len(found) > _SHOWN_ERRORS else ""
        return ValidationResult(
            passes=False,
            message=f"{len(found)} pandera check(s) failed: {shown}{more}",
            diagnostics={"schema_errors": found},
        )
    return ValidationResult(True, "data matches the pandera schema.")


def _schema_label(schema: Any) -> str:
    return f" {schema.name!r}" if getattr(schema, "name", None) else ""


class _PanderaValidator(BaseDefaultValidator):
    """A pandas output matches a pandera schema; subclasses name the schema and output class."""

    schema_class: ClassVar[type]
    output_class: ClassVar[type]

    def __init__(self, schema: Any, importance: str) -> None:
        super().__init__(importance)
        self.schema = _as_schema(schema, self.schema_class, self.output_class.__name__)

    @classmethod
    def applies_to(cls, datatype: type[type]) -> bool:
        return is_subtype(datatype, (cls.output_class,))

    @classmethod
    def arg(cls) -> str:
        return "schema"

    @classmethod
    def name(cls) -> str:
        return "pandera_schema_validator"

    def description(self) -> str:
        return (
            f"Checks that the {self.output_class.__name__} matches the pandera schema"
            f"{_schema_label(self.schema)}."
        )

    def validate(self, data: Any) -> ValidationResult:
        return _validate(self.schema, data)


class PanderaDataFrameValidator(_PanderaValidator):
    """A pandas DataFrame output matches a pandera ``DataFrameSchema``."""

    applies_to_types = "pandas DataFrames against a DataFrameSchema"
    schema_class = DataFrameSchema
    output_class = pd.DataFrame


class PanderaSeriesSchemaValidator(_PanderaValidator):
    """A pandas Series output matches a pandera ``SeriesSchema``."""

    applies_to_types = "pandas Series against a SeriesSchema"
    schema_class = SeriesSchema
    output_class = pd.Series


PANDERA_VALIDATORS: list[type[BaseDefaultValidator]] = [
    PanderaDataFrameValidator,
    PanderaSeriesSchemaValidator,
]
