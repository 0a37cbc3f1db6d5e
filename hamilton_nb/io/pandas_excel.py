"""The pandas ``excel`` kind: ``pd.read_excel`` / ``df.to_excel`` through ``pd.ExcelWriter``,
with Hamilton's argument names.

Options left at ``None`` are not passed, so pandas' defaults apply, except Hamilton's
``dtype_backend="numpy_nullable"`` when reading. The engine's package (openpyxl for .xlsx,
chosen from ``engine=`` or the file extension as pandas chooses) is checked when a file is
read or written: ``MissingDependencyError`` with the ``pip install`` command.
"""

from __future__ import annotations

import os
from typing import Any

from hamilton_nb.io import optional_deps
from hamilton_nb.io.data_adapters import DataLoader, DataSaver
from hamilton_nb.io.pandas_formats import NULLABLE, FormatAdapter, PathOrBuffer, options
from hamilton_nb.io.utils import get_file_and_dataframe_metadata

# engine name -> the module it imports
_EXCEL_ENGINES = {
    "openpyxl": "openpyxl",
    "xlsxwriter": "xlsxwriter",
    "odf": "odf",
    "xlrd": "xlrd",
    "pyxlsb": "pyxlsb",
    "calamine": "python_calamine",
}
# file extension -> pandas' default reading engine
_EXCEL_READERS = {".xlsx": "openpyxl", ".xlsm": "openpyxl", ".xltx": "openpyxl",
                  ".xltm": "openpyxl", ".xls": "xlrd", ".xlsb": "pyxlsb",
                  ".ods": "odf"}  # fmt: skip


class _ExcelAdapter(FormatAdapter):
    def _extension(self) -> str:
        target = self._target()
        if isinstance(target, (str, os.PathLike)):
            return os.path.splitext(os.fspath(target))[1].lower()
        return ""

    def _engine(self) -> str | None:
        engine = getattr(self, "engine", None)
        if isinstance(engine, str):
            return engine
        return self._default_engine()

    def _default_engine(self) -> str | None:
        return _EXCEL_READERS.get(self._extension())

    def _modules(self) -> tuple[str, ...]:
        engine = self._engine()
        return (_EXCEL_ENGINES[engine],) if engine in _EXCEL_ENGINES else ()


@options(
    "sheet_name header names index_col usecols dtype engine converters true_values "
    "false_values skiprows nrows na_values keep_default_na na_filter verbose parse_dates "
    "date_format thousands decimal comment skipfooter storage_options dtype_backend "
    "engine_kwargs",
    dtype_backend=NULLABLE,
)
class PandasExcelReader(_ExcelAdapter, DataLoader):
    """``excel``: ``pd.read_excel(path, **options)`` (.xlsx needs openpyxl)."""

    path: PathOrBuffer

    @classmethod
    def name(cls) -> str:
        return "excel"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        return self._read("read_excel")


# options of pd.ExcelWriter; the others go to df.to_excel
_EXCEL_WRITER_OPTIONS = frozenset(
    "date_format datetime_format if_sheet_exists mode engine engine_kwargs storage_options".split()
)


@options(
    "sheet_name na_rep float_format columns header index index_label startrow startcol "
    "engine merge_cells inf_rep freeze_panes storage_options engine_kwargs mode "
    "if_sheet_exists datetime_format date_format",
)
class PandasExcelWriter(_ExcelAdapter, DataSaver):
    """``excel``: the DataFrame written with ``df.to_excel`` through a ``pd.ExcelWriter``
    (``mode="a"`` and ``if_sheet_exists`` add sheets to an existing file; .xlsx needs
    openpyxl)."""

    path: PathOrBuffer

    @classmethod
    def name(cls) -> str:
        return "excel"

    def _default_engine(self) -> str | None:
        extension = self._extension().lstrip(".")
        if extension not in ("xlsx", "xlsm", "ods"):
            return None
        import pandas as pd

        engine = str(pd.get_option(f"io.excel.{extension}.writer"))
        if engine != "auto":
            return engine
        if extension == "xlsx" and optional_deps.is_installed("xlsxwriter"):
            return "xlsxwriter"  # pandas prefers it for .xlsx when it is installed
        return "odf" if extension == "ods" else "openpyxl"

    def save_data(self, data: Any) -> dict[str, Any]:
        import pandas as pd

        kwargs = self._kwargs()
        opening = {k: kwargs.pop(k) for k in list(kwargs) if k in _EXCEL_WRITER_OPTIONS}
        with self._calling_pandas():
            with pd.ExcelWriter(self.path, **opening) as writer:
                data.to_excel(writer, **kwargs)
        return get_file_and_dataframe_metadata(self._target(), data)


ADAPTERS: list[type[DataLoader] | type[DataSaver]] = [PandasExcelReader, PandasExcelWriter]
