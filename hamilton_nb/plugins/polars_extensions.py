"""polars loaders and savers: ``csv``, ``parquet``, ``feather``, ``json``, ``ndjson``, ``avro``.

They share the kinds of the pandas adapters; the value's type picks one, as in Hamilton
(``to.parquet`` saves a ``pl.DataFrame`` or ``pl.LazyFrame`` with polars, a ``pd.DataFrame``
with pandas; ``from_.csv`` into a ``pl.LazyFrame`` scans lazily). The I/O registry registers
them on first use when polars is installed; polars itself is imported only when data is read
or written, and until it is imported no value can be a polars frame, so the adapters decline
every type without importing it. They never claim values annotated ``Any``.

Each adapter's fields are the path (``file``, or ``source`` as Hamilton names it for some
kinds) and polars' options; options left at ``None`` are not passed, and Hamilton's older
option names are translated to polars' current ones (``dtypes`` -> ``schema_overrides``,
``comment_char`` -> ``comment_prefix``, ``row_count_name``/``row_count_offset`` ->
``row_index_name``/``row_index_offset``).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import os
import sys
from collections.abc import Callable, Collection
from typing import Any

from hamilton_nb.io.data_adapters import DataLoader, DataSaver, is_wildcard
from hamilton_nb.io.utils import get_file_and_dataframe_metadata, get_file_metadata

PathOrBuffer = str | os.PathLike | io.IOBase

_RENAMED = {
    "dtypes": "schema_overrides",
    "comment_char": "comment_prefix",
    "row_count_name": "row_index_name",
    "row_count_offset": "row_index_offset",
}


def _options(path_field: str, options: str) -> Callable[[type], type]:
    """Class decorator: a dataclass with a required ``path_field`` and optional polars
    options (whitespace-separated names, default ``None``)."""

    def make(cls: type) -> type:
        annotations: dict[str, Any] = {path_field: PathOrBuffer}
        for option in options.split():
            annotations[option] = Any
            setattr(cls, option, None)
        cls.__annotations__ = annotations
        cls._path_field = path_field  # type: ignore[attr-defined]
        return dataclasses.dataclass(cls)

    return make


class _PolarsAdapter:
    """Shared behaviour: polars frames only; call polars with the options that were set."""

    _path_field: str
    _frame: str = "DataFrame"  # the frame type a reader produces: "DataFrame" or "LazyFrame"

    @classmethod
    def applicable_types(cls) -> Collection[Any]:
        import polars as pl

        if cls.can_save():  # type: ignore[attr-defined]
            return [pl.DataFrame, pl.LazyFrame]
        return [getattr(pl, cls._frame)]

    @classmethod
    def applies_to(cls, type_: Any) -> bool:
        if "polars" not in sys.modules or is_wildcard(type_):
            return False  # no value can be a polars frame before polars is imported
        return super().applies_to(type_)  # type: ignore[misc]

    def _target(self) -> Any:
        return getattr(self, self._path_field)

    def _kwargs(self) -> dict[str, Any]:
        return {
            _RENAMED.get(f.name, f.name): getattr(self, f.name)
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
            if f.name != self._path_field and getattr(self, f.name) is not None
        }

    def _read(self, reader: str) -> tuple[Any, dict[str, Any]]:
        import polars as pl

        target = self._target()
        frame = getattr(pl, reader)(target, **self._kwargs())
        if isinstance(frame, pl.LazyFrame):  # nothing is read yet: no row counts
            return frame, get_file_metadata(target) if _is_path(target) else {}
        return frame, get_file_and_dataframe_metadata(target, frame)

    def _write(self, writer: str, data: Any) -> dict[str, Any]:
        import polars as pl

        if isinstance(data, pl.LazyFrame):
            data = data.collect()
        target = self._target()
        getattr(data, writer)(target, **self._kwargs())
        return get_file_and_dataframe_metadata(target, data)


def _is_path(target: Any) -> bool:
    return isinstance(target, (str, os.PathLike))


_CSV_READ = (
    "has_header columns new_columns separator comment_char quote_char skip_rows dtypes "
    "null_values ignore_errors try_parse_dates infer_schema_length n_rows encoding low_memory "
    "storage_options skip_rows_after_header row_count_name row_count_offset eol_char "
    "raise_if_empty"
)
_PARQUET_READ = (
    "columns n_rows use_pyarrow memory_map storage_options parallel row_count_name "
    "row_count_offset low_memory pyarrow_options use_statistics"
)
_FEATHER_READ = "columns n_rows use_pyarrow storage_options row_count_name row_count_offset"


def _without(options: str, *names: str) -> str:
    return " ".join(o for o in options.split() if o not in names)


@_options("file", _CSV_READ)
class PolarsCSVReader(_PolarsAdapter, DataLoader):
    """``csv`` into a ``pl.DataFrame``: ``pl.read_csv(file, **options)``."""

    @classmethod
    def name(cls) -> str:
        return "csv"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        return self._read("read_csv")


@_options("file", _without(_CSV_READ, "columns"))
class PolarsScanCSVReader(_PolarsAdapter, DataLoader):
    """``csv`` into a ``pl.LazyFrame``: ``pl.scan_csv(file, **options)``."""

    _frame = "LazyFrame"

    @classmethod
    def name(cls) -> str:
        return "csv"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        return self._read("scan_csv")


@_options(
    "file",
    "include_header separator line_terminator quote_char batch_size datetime_format "
    "date_format time_format float_precision null_value quote_style",
)
class PolarsCSVWriter(_PolarsAdapter, DataSaver):
    """``csv``: ``frame.write_csv(file, **options)`` (a LazyFrame is collected first)."""

    @classmethod
    def name(cls) -> str:
        return "csv"

    def save_data(self, data: Any) -> dict[str, Any]:
        return self._write("write_csv", data)


@_options("file", _PARQUET_READ)
class PolarsParquetReader(_PolarsAdapter, DataLoader):
    """``parquet`` into a ``pl.DataFrame``: ``pl.read_parquet(file, **options)``."""

    @classmethod
    def name(cls) -> str:
        return "parquet"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        return self._read("read_parquet")


@_options(
    "file", _without(_PARQUET_READ, "columns", "use_pyarrow", "memory_map", "pyarrow_options")
)
class PolarsScanParquetReader(_PolarsAdapter, DataLoader):
    """``parquet`` into a ``pl.LazyFrame``: ``pl.scan_parquet(file, **options)``."""

    _frame = "LazyFrame"

    @classmethod
    def name(cls) -> str:
        return "parquet"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        return self._read("scan_parquet")


@_options(
    "file",
    "compression compression_level statistics row_group_size use_pyarrow pyarrow_options",
)
class PolarsParquetWriter(_PolarsAdapter, DataSaver):
    """``parquet``: ``frame.write_parquet(file, **options)``."""

    @classmethod
    def name(cls) -> str:
        return "parquet"

    def save_data(self, data: Any) -> dict[str, Any]:
        return self._write("write_parquet", data)


@_options("source", _FEATHER_READ)
class PolarsFeatherReader(_PolarsAdapter, DataLoader):
    """``feather`` (Arrow IPC) into a ``pl.DataFrame``: ``pl.read_ipc(source, **options)``."""

    @classmethod
    def name(cls) -> str:
        return "feather"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        return self._read("read_ipc")


@_options("source", _without(_FEATHER_READ, "columns", "use_pyarrow"))
class PolarsScanFeatherReader(_PolarsAdapter, DataLoader):
    """``feather`` into a ``pl.LazyFrame``: ``pl.scan_ipc(source, **options)``."""

    _frame = "LazyFrame"

    @classmethod
    def name(cls) -> str:
        return "feather"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        return self._read("scan_ipc")


@_options("file", "compression")
class PolarsFeatherWriter(_PolarsAdapter, DataSaver):
    """``feather``: ``frame.write_ipc(file, **options)``."""

    @classmethod
    def name(cls) -> str:
        return "feather"

    def save_data(self, data: Any) -> dict[str, Any]:
        return self._write("write_ipc", data)


@_options("source", "schema schema_overrides")
class PolarsJSONReader(_PolarsAdapter, DataLoader):
    """``json`` into a ``pl.DataFrame``: ``pl.read_json(source, **options)``."""

    @classmethod
    def name(cls) -> str:
        return "json"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        return self._read("read_json")


@_options("file", "")
class PolarsJSONWriter(_PolarsAdapter, DataSaver):
    """``json``: ``frame.write_json(file)`` (a list of row objects)."""

    @classmethod
    def name(cls) -> str:
        return "json"

    def save_data(self, data: Any) -> dict[str, Any]:
        return self._write("write_json", data)


@_options("source", "schema schema_overrides")
class PolarsNDJSONReader(_PolarsAdapter, DataLoader):
    """``ndjson`` (one JSON object a line) into a ``pl.DataFrame``: ``pl.read_ndjson``."""

    @classmethod
    def name(cls) -> str:
        return "ndjson"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        return self._read("read_ndjson")


@_options("file", "")
class PolarsNDJSONWriter(_PolarsAdapter, DataSaver):
    """``ndjson``: ``frame.write_ndjson(file)``."""

    @classmethod
    def name(cls) -> str:
        return "ndjson"

    def save_data(self, data: Any) -> dict[str, Any]:
        return self._write("write_ndjson", data)


@_options("file", "columns n_rows")
class PolarsAvroReader(_PolarsAdapter, DataLoader):
    """``avro`` into a ``pl.DataFrame``: ``pl.read_avro(file, **options)``."""

    @classmethod
    def name(cls) -> str:
        return "avro"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        return self._read("read_avro")


@_options("file", "compression")
class PolarsAvroWriter(_PolarsAdapter, DataSaver):
    """``avro``: ``frame.write_avro(file, **options)``."""

    @classmethod
    def name(cls) -> str:
        return "avro"

    def save_data(self, data: Any) -> dict[str, Any]:
        return self._write("write_avro", data)


_ALL: list[type[DataLoader] | type[DataSaver]] = [
    PolarsCSVReader,
    PolarsScanCSVReader,
    PolarsCSVWriter,
    PolarsParquetReader,
    PolarsScanParquetReader,
    PolarsParquetWriter,
    PolarsFeatherReader,
    PolarsScanFeatherReader,
    PolarsFeatherWriter,
    PolarsJSONReader,
    PolarsJSONWriter,
    PolarsNDJSONReader,
    PolarsNDJSONWriter,
    PolarsAvroReader,
    PolarsAvroWriter,
]

# What the I/O registry registers: nothing when polars is not installed, so that kinds only
# polars provides (ndjson, avro) do not appear without it.
ADAPTERS: list[type[DataLoader] | type[DataSaver]] = (
    _ALL if importlib.util.find_spec("polars") is not None else []
)
