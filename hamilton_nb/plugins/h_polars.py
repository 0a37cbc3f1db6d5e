"""polars DataFrames (eager): ``@with_columns`` and ``PolarsDataFrameResult``, at Hamilton's
``hamilton.plugins.h_polars`` path.

Importing this module checks that polars is installed (``pip install polars`` otherwise) but
does not import it; the polars loaders and savers (``to.parquet`` on a ``pl.DataFrame`` ...)
are in ``polars_extensions`` and registered without importing anything here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hamilton_nb.lifecycle.api import ResultBuilder
from hamilton_nb.plugins._polars import outputs_to_frame, require_polars
from hamilton_nb.plugins._with_columns import with_columns_base

require_polars("h_polars")


class with_columns(with_columns_base):  # noqa: N801 - Hamilton's public name
    """Compute columns of a ``pl.DataFrame`` with functions and append them to it.

    Same arguments and nodes as ``hamilton_nb.plugins.h_pandas.with_columns``; the
    functions take and return ``pl.Series`` (or ``pl.Expr``, evaluated on the DataFrame when
    appended). For a ``pl.LazyFrame`` use ``hamilton_nb.plugins.h_polars_lazyframe``.
    """

    library = "polars"

    @staticmethod
    def merge(frame: Any, columns: Mapping[str, Any]) -> Any:
        return frame.with_columns(**columns) if columns else frame


class PolarsDataFrameResult(ResultBuilder):
    """Build a ``pl.DataFrame`` from the requested outputs.

    One DataFrame output is returned as is (a LazyFrame is collected); otherwise each output
    is a column: Series as they are, scalars repeated, DataFrames as struct columns. Outputs
    of different lengths raise polars' ``ShapeError``.
    """

    def build_result(self, **outputs: Any) -> Any:
        return outputs_to_frame(outputs)

    def output_type(self) -> type:
        import polars as pl

        return pl.DataFrame

    def input_types(self) -> list[type]:
        return [Any]


__all__ = ["PolarsDataFrameResult", "with_columns"]
