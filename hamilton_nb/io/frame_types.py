"""The dataframe-type registry: which dataframe and column types each library has.

Responsibilities:
- ``DF_TYPE_AND_COLUMN_TYPES``: extension name -> ``{DATAFRAME_TYPE: ..., COLUMN_TYPE: ...}``,
  filled by ``register_types``. The libraries that are installed (pandas, polars, polars
  lazy frames) are registered the first time the registry is read or dispatched on, never
  at import, unless autoloading is disabled (``HAMILTON_AUTOLOAD_EXTENSIONS=0``).
- ``get_column`` / ``fill_with_scalar``: ``functools.singledispatch`` functions; an
  extension registers implementations with ``get_column.register(FrameType)``.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

from hamilton_nb import errors

COLUMN_TYPE = "column_type"
DATAFRAME_TYPE = "dataframe_type"
HAMILTON_AUTOLOAD_ENV = "HAMILTON_AUTOLOAD_EXTENSIONS"

_autoloaded = False
_lock = threading.RLock()


class _AutoloadingRegistry(dict[str, dict[str, type]]):
    """A plain dict that registers the installed libraries before its first read."""

    def __getitem__(self, key: str) -> dict[str, type]:
        autoload()
        return super().__getitem__(key)

    def __iter__(self) -> Iterator[str]:
        autoload()
        return super().__iter__()

    def __len__(self) -> int:
        autoload()
        return super().__len__()

    def __contains__(self, key: object) -> bool:
        autoload()
        return super().__contains__(key)

    def __repr__(self) -> str:
        autoload()
        return super().__repr__()

    def __eq__(self, other: object) -> bool:
        autoload()
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def get(self, key: str, default: Any = None) -> Any:
        autoload()
        return super().get(key, default)

    def keys(self) -> Any:
        autoload()
        return super().keys()

    def values(self) -> Any:
        autoload()
        return super().values()

    def items(self) -> Any:
        autoload()
        return super().items()

    def copy(self) -> dict[str, dict[str, type]]:
        autoload()
        return dict(super().items())


DF_TYPE_AND_COLUMN_TYPES: dict[str, dict[str, type]] = _AutoloadingRegistry()


def register_types(extension_name: str, dataframe_type: type, column_type: type | None) -> None:
    """Record ``extension_name``'s dataframe type and (when it has one) column type."""
    entry: dict[str, type] = {DATAFRAME_TYPE: dataframe_type}
    if column_type is not None:
        entry[COLUMN_TYPE] = column_type
    dict.__setitem__(DF_TYPE_AND_COLUMN_TYPES, extension_name, entry)


def get_registered_dataframe_types() -> dict[str, type]:
    """Extension name -> its dataframe type."""
    return {name: types_[DATAFRAME_TYPE] for name, types_ in DF_TYPE_AND_COLUMN_TYPES.items()}


def get_registered_column_types() -> dict[str, type]:
    """Extension name -> its column type (raises ``KeyError`` for one without, as Hamilton)."""
    return {name: types_[COLUMN_TYPE] for name, types_ in DF_TYPE_AND_COLUMN_TYPES.items()}


def get_column_type_from_df_type(dataframe_type: type) -> type:
    """The column type registered with exactly ``dataframe_type``.

    Raises ``UnsupportedDataFrameError`` (a ``NotImplementedError``) naming the registered
    types when none is."""
    for types_ in DF_TYPE_AND_COLUMN_TYPES.values():
        if types_[DATAFRAME_TYPE] == dataframe_type:
            return types_[COLUMN_TYPE]
    raise errors.UnsupportedDataFrameError(
        f"no column type is registered for {dataframe_type!r}; registered dataframe types: "
        f"{get_registered_dataframe_types()}. Register one with "
        "registry.register_types(name, dataframe_type, column_type)."
    )


def _unregistered(what: str) -> Callable[..., Any]:
    def fallback(df: Any, *args: Any) -> Any:
        if autoload():  # the installed libraries were just registered: dispatch again
            return dispatcher(df, *args)
        raise errors.UnsupportedDataFrameError(
            f"{what} has no implementation for {type(df).__name__}; register one with "
            f"@registry.{what}.register({type(df).__name__})."
        )

    dispatcher = functools.singledispatch(fallback)
    return dispatcher


get_column = _unregistered("get_column")
"""``get_column(df, column_name)``: the column of ``df`` (a Series, or a ``pl.Expr``)."""

fill_with_scalar = _unregistered("fill_with_scalar")
"""``fill_with_scalar(df, column_name, value)``: ``df`` with the column set to ``value``."""


def _pandas() -> None:
    import pandas as pd

    register_types("pandas", pd.DataFrame, pd.Series)
    get_column.register(pd.DataFrame, lambda df, column_name: df[column_name])

    def fill(df: Any, column_name: str, value: Any) -> Any:
        df[column_name] = value  # in place, and returned, as Hamilton does
        return df

    fill_with_scalar.register(pd.DataFrame, fill)


def _polars() -> None:
    import polars as pl

    register_types("polars", pl.DataFrame, pl.Series)
    get_column.register(pl.DataFrame, lambda df, column_name: df[column_name])

    def fill(df: Any, column_name: str, value: Any) -> Any:
        values = value if isinstance(value, pl.Series) else [value]
        return df.with_columns(pl.Series(name=column_name, values=values))

    fill_with_scalar.register(pl.DataFrame, fill)


def _polars_lazyframe() -> None:
    import polars as pl

    register_types("polars_lazyframe", pl.LazyFrame, pl.Expr)
    get_column.register(pl.LazyFrame, lambda df, column_name: pl.col(column_name))

    def fill(df: Any, column_name: str, value: Any) -> Any:
        expression = value if isinstance(value, pl.Expr) else pl.lit(value)
        return df.with_columns(expression.alias(column_name))

    fill_with_scalar.register(pl.LazyFrame, fill)


# extension name -> (the package it needs, the function registering its types)
FRAME_EXTENSIONS: dict[str, tuple[str, Callable[[], None]]] = {
    "pandas": ("pandas", _pandas),
    "polars": ("polars", _polars),
    "polars_lazyframe": ("polars", _polars_lazyframe),
}


def load_frame_extension(name: str) -> None:
    """Register extension ``name``'s types (``MissingDependencyError`` when not installed)."""
    package, register = FRAME_EXTENSIONS[name]
    if importlib.util.find_spec(package) is None:
        raise errors.MissingDependencyError(
            f"the {name!r} extension needs {package}: pip install {package}"
        )
    with _lock:
        register()


def autoload() -> bool:
    """Register every installed library once, unless autoloading is disabled; True if this
    call did it."""
    global _autoloaded
    if _autoloaded:
        return False
    with _lock:
        if _autoloaded:
            return False
        _autoloaded = True
        from hamilton_nb.io import extensions

        extensions.load_autoload_config()
        if os.environ.get(HAMILTON_AUTOLOAD_ENV) == "0":
            return False
        for package, register in FRAME_EXTENSIONS.values():
            if importlib.util.find_spec(package) is not None:
                register()
        return True
