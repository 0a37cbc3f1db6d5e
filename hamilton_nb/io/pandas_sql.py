"""The pandas ``sql`` kind: ``pd.read_sql`` / ``df.to_sql`` through a DB-API connection
(``sqlite3``) or, for a connection string, SQLAlchemy (Hamilton's argument names).

Options left at ``None`` are not passed, so pandas' defaults apply. Loaders and savers return
Hamilton's metadata: ``sql_metadata`` (rows, query or table name) and ``dataframe_metadata``.
"""

from __future__ import annotations

from typing import Any

from hamilton_nb.io.data_adapters import DataLoader, DataSaver
from hamilton_nb.io.pandas_formats import FormatAdapter, options
from hamilton_nb.io.utils import get_dataframe_metadata, get_sql_metadata


class _SqlAdapter(FormatAdapter):
    _path_fields = ("query_or_table", "table_name", "db_connection")

    def _modules(self) -> tuple[str, ...]:
        # a connection string is opened through SQLAlchemy; DB-API connections need nothing
        return ("sqlalchemy",) if isinstance(self.db_connection, str) else ()  # type: ignore[attr-defined]


@options(
    "chunksize coerce_float columns dtype dtype_backend index_col params parse_dates",
)
class PandasSqlReader(_SqlAdapter, DataLoader):
    """``sql``: ``pd.read_sql(query_or_table, db_connection, **options)``; a DB-API
    connection (``sqlite3``) needs a query, a SQLAlchemy engine also takes a table name."""

    query_or_table: str
    db_connection: Any

    @classmethod
    def name(cls) -> str:
        return "sql"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        import pandas as pd

        with self._calling_pandas():
            df = pd.read_sql(self.query_or_table, self.db_connection, **self._kwargs())
        return df, {**get_sql_metadata(self.query_or_table, df), **get_dataframe_metadata(df)}


@options("chunksize dtype if_exists index index_label method schema")
class PandasSqlWriter(_SqlAdapter, DataSaver):
    """``sql``: ``df.to_sql(table_name, db_connection, **options)`` (``if_exists="fail"``
    unless given: "replace" or "append" to write again)."""

    table_name: str
    db_connection: Any

    @classmethod
    def name(cls) -> str:
        return "sql"

    def save_data(self, data: Any) -> dict[str, Any]:
        with self._calling_pandas():
            written = data.to_sql(self.table_name, self.db_connection, **self._kwargs())
        return {**get_sql_metadata(self.table_name, written), **get_dataframe_metadata(data)}


ADAPTERS: list[type[DataLoader] | type[DataSaver]] = [PandasSqlReader, PandasSqlWriter]
