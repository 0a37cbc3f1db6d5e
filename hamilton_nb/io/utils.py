"""Metadata that built-in adapters return: about a file, a DataFrame, a SQL read or write.

The dictionaries have Hamilton's shape (``{"file_metadata": {...}}``,
``{"dataframe_metadata": {...}}``, ``{"sql_metadata": {...}}``) so code reading
materialization results ports unchanged.
"""

from __future__ import annotations

import os
import re
import time
from typing import Any
from urllib.parse import urlparse

METADATA_VERSION = "1.0.0"
FILE_METADATA = "file_metadata"
DATAFRAME_METADATA = "dataframe_metadata"
SQL_METADATA = "sql_metadata"
_SELECT = re.compile(r"\bselect\b", re.IGNORECASE)


def get_file_metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Size, path, modification time and scheme of ``path`` (``size`` is None unless it is
    an existing local file)."""
    text = os.fspath(path) if isinstance(path, os.PathLike) else str(path)
    scheme = urlparse(text).scheme if "://" in text else ""
    now = time.time()
    size = last_modified = None
    notes = ""
    if not scheme and os.path.exists(text):
        stat = os.stat(text)
        size, last_modified = stat.st_size, stat.st_mtime
    else:
        last_modified = now
        notes = f"no file metadata for {text!r} (scheme {scheme!r}, or the path does not exist)"
    return {
        FILE_METADATA: {
            "size": size,
            "path": text,
            "last_modified": last_modified,
            "timestamp": now,
            "scheme": scheme,
            "notes": notes,
            "__version__": METADATA_VERSION,
        }
    }


def get_dataframe_metadata(df: Any) -> dict[str, Any]:
    """Row and column counts, column names and dtypes of a DataFrame-like value."""
    columns = getattr(df, "columns", None)
    dtypes = getattr(df, "dtypes", None)
    return {
        DATAFRAME_METADATA: {
            "__version__": METADATA_VERSION,
            "rows": len(df) if hasattr(df, "__len__") else None,
            "columns": len(columns) if columns is not None else None,
            "column_names": list(columns) if columns is not None else None,
            "datatypes": [str(t) for t in dtypes] if dtypes is not None else None,
        }
    }


def get_file_and_dataframe_metadata(path: str | os.PathLike[str], df: Any) -> dict[str, Any]:
    """Both of the above, in one dict."""
    return {**get_file_metadata(path), **get_dataframe_metadata(df)}


def get_sql_metadata(query_or_table: str, results: Any) -> dict[str, Any]:
    """What a SQL read or write did: ``rows`` (``results`` is the row count a write reports,
    or the DataFrame read; None when unknown), and ``query`` or ``table_name`` (whichever
    ``query_or_table`` is: text containing the word SELECT, in any case, is a query)."""
    is_query = bool(_SELECT.search(query_or_table))
    if isinstance(results, int) and not isinstance(results, bool):
        rows: int | None = results
    elif hasattr(results, "columns") and hasattr(results, "__len__"):
        rows = len(results)
    else:
        rows = None
    return {
        SQL_METADATA: {
            "rows": rows,
            "query": query_or_table if is_query else None,
            "table_name": None if is_query else query_or_table,
            "timestamp": time.time(),
            "__version__": METADATA_VERSION,
        }
    }
