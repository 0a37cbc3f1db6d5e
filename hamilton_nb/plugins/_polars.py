"""What the polars plugins share: the one-line install hint when polars is missing, and
building a polars frame from a run's outputs (the polars result builders)."""

from __future__ import annotations

import importlib.util
from typing import Any

from hamilton_nb import errors


def require_polars(plugin: str) -> None:
    """Raise ``MissingDependencyError`` (an ``ImportError``) when polars is not installed;
    polars itself is not imported."""
    if importlib.util.find_spec("polars") is None:
        raise errors.MissingDependencyError(
            f"hamilton_nb.plugins.{plugin} needs polars: pip install polars"
        )


def outputs_to_frame(outputs: dict[str, Any]) -> Any:
    """A ``pl.DataFrame`` of ``outputs``: a single DataFrame output is returned as is (a
    LazyFrame collected), a single Series becomes its column, any other single value one
    row; several outputs are the columns of ``pl.DataFrame(outputs)`` (scalars broadcast,
    DataFrames become struct columns, unequal lengths raise polars' ``ShapeError``)."""
    import polars as pl

    if len(outputs) == 1:
        ((name, value),) = outputs.items()
        if isinstance(value, pl.DataFrame):
            return value
        if isinstance(value, pl.LazyFrame):
            return value.collect()
        if not isinstance(value, pl.Series):
            return pl.DataFrame({name: [value]})
    return pl.DataFrame(outputs)
