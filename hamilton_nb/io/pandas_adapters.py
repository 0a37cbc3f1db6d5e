"""Built-in pandas DataFrame adapters: csv, parquet, json, pickle, feather (read and write).

Each adapter's fields are the pandas options it accepts (pandas' own parameter names, as
Hamilton's adapters do); options left at ``None`` are not passed, so pandas' defaults apply,
except Hamilton's: readers default to ``dtype_backend="numpy_nullable"`` (csv, parquet,
feather) and the csv writer to ``index=False``. pandas is imported only when data is read or
written; until pandas is imported no value can be a DataFrame, so these adapters then
decline every specific type without importing it.
"""

from __future__ import annotations

import dataclasses
import io
import os
import sys
from collections.abc import Callable, Collection
from typing import Any

from hamilton_nb.io.data_adapters import DataLoader, DataSaver, is_wildcard
from hamilton_nb.io.utils import get_file_and_dataframe_metadata

PathOrBuffer = str | os.PathLike | io.IOBase


def _options(required: str | None, options: str, **defaults: Any) -> Callable[[type], type]:
    """Class decorator: make ``cls`` a dataclass with a required path field and optional
    pandas options (whitespace-separated names, default ``None`` unless in ``defaults``)."""

    def make(cls: type) -> type:
        annotations: dict[str, Any] = {}
        if required:
            annotations[required] = PathOrBuffer
        for option in options.split():
            annotations[option] = Any
            setattr(cls, option, defaults.get(option))
        cls.__annotations__ = annotations
        return dataclasses.dataclass(cls)

    return make


class _PandasAdapter:
    """Shared behaviour: DataFrames only; forward the options that were set."""

    _path_fields: tuple[str, ...] = ("path",)

    @classmethod
    def applicable_types(cls) -> Collection[Any]:
        import pandas as pd

        return [pd.DataFrame]

    @classmethod
    def applies_to(cls, type_: Any) -> bool:
        if "pandas" not in sys.modules and not is_wildcard(type_):
            return False  # no value can be a DataFrame before pandas is imported
        return super().applies_to(type_)  # type: ignore[misc]

    def _target(self) -> Any:
        for field in self._path_fields:
            value = getattr(self, field, None)
            if value is not None:
                return value
        return None

    def _kwargs(self) -> dict[str, Any]:
        skip = set(self._path_fields) | {"extra_kwargs"}
        kwargs = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
            if f.name not in skip and getattr(self, f.name) is not None
        }
        extra = getattr(self, "extra_kwargs", None)
        if extra:
            kwargs.update(extra)
        if "dtype_backend" in kwargs:
            import pandas as pd

            if int(pd.__version__.split(".")[0]) < 2:  # option added in pandas 2.0
                del kwargs["dtype_backend"]
        return kwargs

    def _read(self, reader: str) -> tuple[Any, dict[str, Any]]:
        import pandas as pd

        target = self._target()
        df = getattr(pd, reader)(target, **self._kwargs())
        return df, get_file_and_dataframe_metadata(target, df)

    def _write(self, writer: str, data: Any) -> dict[str, Any]:
        target = self._target()
        getattr(data, writer)(target, **self._kwargs())
        return get_file_and_dataframe_metadata(target, data)


@_options(
    "path",
    "sep delimiter header names index_col usecols dtype engine converters true_values "
    "false_values skipinitialspace skiprows skipfooter nrows na_values keep_default_na "
    "na_filter verbose skip_blank_lines parse_dates keep_date_col date_format dayfirst "
    "cache_dates iterator chunksize compression thousands decimal lineterminator quotechar "
    "quoting doublequote escapechar comment encoding encoding_errors dialect on_bad_lines "
    "delim_whitespace low_memory memory_map float_precision storage_options dtype_backend",
    dtype_backend="numpy_nullable",
)
class PandasCSVReader(_PandasAdapter, DataLoader):
    """``csv``: ``pd.read_csv(path, **options)``."""

    @classmethod
    def name(cls) -> str:
        return "csv"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        return self._read("read_csv")


@_options(
    "path",
    "sep na_rep float_format columns header index index_label mode encoding compression "
    "quoting quotechar lineterminator chunksize date_format doublequote escapechar decimal "
    "errors storage_options",
    index=False,
)
class PandasCSVWriter(_PandasAdapter, DataSaver):
    """``csv``: ``df.to_csv(path, index=False, **options)``."""

    @classmethod
    def name(cls) -> str:
        return "csv"

    def save_data(self, data: Any) -> dict[str, Any]:
        return self._write("to_csv", data)


@_options(
    "path",
    "engine columns storage_options use_nullable_dtypes dtype_backend filesystem filters",
    dtype_backend="numpy_nullable",
)
class PandasParquetReader(_PandasAdapter, DataLoader):
    """``parquet``: ``pd.read_parquet(path, **options)`` (needs pyarrow)."""

    @classmethod
    def name(cls) -> str:
        return "parquet"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        return self._read("read_parquet")


@_options("path", "engine compression index partition_cols storage_options extra_kwargs")
class PandasParquetWriter(_PandasAdapter, DataSaver):
    """``parquet``: ``df.to_parquet(path, **options)`` (needs pyarrow)."""

    @classmethod
    def name(cls) -> str:
        return "parquet"

    def save_data(self, data: Any) -> dict[str, Any]:
        return self._write("to_parquet", data)


@_options(
    None,
    "filepath_or_buffer path orient typ dtype convert_axes convert_dates keep_default_dates "
    "precise_float date_unit encoding encoding_errors lines chunksize compression nrows "
    "storage_options dtype_backend engine",
)
class PandasJsonReader(_PandasAdapter, DataLoader):
    """``json`` for DataFrames: ``pd.read_json(filepath_or_buffer, **options)``; ``path=``
    is accepted as another spelling of ``filepath_or_buffer=``."""

    _path_fields = ("filepath_or_buffer", "path")

    @classmethod
    def name(cls) -> str:
        return "json"

    @classmethod
    def required_one_of(cls) -> tuple[str, ...]:
        return cls._path_fields

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        return self._read("read_json")


@_options(
    None,
    "filepath_or_buffer path orient date_format double_precision force_ascii date_unit "
    "default_handler lines compression index indent storage_options mode",
)
class PandasJsonWriter(_PandasAdapter, DataSaver):
    """``json`` for DataFrames: ``df.to_json(filepath_or_buffer, **options)``; ``path=`` is
    accepted as another spelling of ``filepath_or_buffer=``."""

    _path_fields = ("filepath_or_buffer", "path")

    @classmethod
    def name(cls) -> str:
        return "json"

    @classmethod
    def required_one_of(cls) -> tuple[str, ...]:
        return cls._path_fields

    def save_data(self, data: Any) -> dict[str, Any]:
        return self._write("to_json", data)


@_options(None, "filepath_or_buffer path compression storage_options")
class PandasPickleReader(_PandasAdapter, DataLoader):
    """``pickle`` for DataFrames: ``pd.read_pickle(path, **options)``."""

    _path_fields = ("filepath_or_buffer", "path")

    @classmethod
    def name(cls) -> str:
        return "pickle"

    @classmethod
    def required_one_of(cls) -> tuple[str, ...]:
        return cls._path_fields

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        return self._read("read_pickle")


@_options("path", "compression protocol storage_options")
class PandasPickleWriter(_PandasAdapter, DataSaver):
    """``pickle`` for DataFrames: ``df.to_pickle(path, **options)``."""

    @classmethod
    def name(cls) -> str:
        return "pickle"

    def save_data(self, data: Any) -> dict[str, Any]:
        return self._write("to_pickle", data)


@_options(
    "path",
    "columns use_threads storage_options dtype_backend",
    dtype_backend="numpy_nullable",
)
class PandasFeatherReader(_PandasAdapter, DataLoader):
    """``feather``: ``pd.read_feather(path, **options)`` (needs pyarrow)."""

    @classmethod
    def name(cls) -> str:
        return "feather"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        return self._read("read_feather")


@_options("path", "compression compression_level chunksize version")
class PandasFeatherWriter(_PandasAdapter, DataSaver):
    """``feather``: ``df.to_feather(path, **options)`` (needs pyarrow)."""

    @classmethod
    def name(cls) -> str:
        return "feather"

    def save_data(self, data: Any) -> dict[str, Any]:
        return self._write("to_feather", data)


ADAPTERS: list[type[DataLoader] | type[DataSaver]] = [
    PandasCSVReader,
    PandasCSVWriter,
    PandasParquetReader,
    PandasParquetWriter,
    PandasJsonReader,
    PandasJsonWriter,
    PandasPickleReader,
    PandasPickleWriter,
    PandasFeatherReader,
    PandasFeatherWriter,
]
