"""polars LazyFrames: ``@with_columns`` (columns as ``pl.Expr``) and
``PolarsLazyFrameResult``, at Hamilton's ``hamilton.plugins.h_polars_lazyframe`` path.

Importing this module checks that polars is installed but does not import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hamilton_nb.lifecycle.api import ResultBuilder
from hamilton_nb.plugins._polars import require_polars
from hamilton_nb.plugins._with_columns import with_columns_base

require_polars("h_polars_lazyframe")


class with_columns(with_columns_base):  # noqa: N801 - Hamilton's public name
    """Compute columns of a ``pl.LazyFrame`` with expressions and append them to it.

    Same arguments and nodes as ``hamilton_nb.plugins.h_pandas.with_columns``; a passed
    column is ``pl.col(name)`` and the functions take and return ``pl.Expr``. Nothing is
    collected: the decorated function receives a LazyFrame.
    """

    library = "polars-lazy"

    @staticmethod
    def merge(frame: Any, columns: Mapping[str, Any]) -> Any:
        return frame.with_columns(**columns) if columns else frame


class PolarsLazyFrameResult(ResultBuilder):
    """Build a ``pl.LazyFrame`` from the requested outputs: one LazyFrame output as is,
    otherwise ``pl.LazyFrame(outputs)`` (each output a column)."""

    def build_result(self, **outputs: Any) -> Any:
        import polars as pl

        if len(outputs) == 1:
            (value,) = outputs.values()
            if isinstance(value, pl.LazyFrame):
                return value
        return pl.LazyFrame(outputs)

    def output_type(self) -> type:
        import polars as pl

        return pl.LazyFrame

    def input_types(self) -> list[type]:
        return [Any]


__all__ = ["PolarsLazyFrameResult", "with_columns"]
