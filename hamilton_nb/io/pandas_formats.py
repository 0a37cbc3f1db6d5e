"""More pandas DataFrame file kinds: xml, html, stata, orc (read and write) and table, fwf,
spss (read only), with Hamilton's argument names; plus what ``pandas_excel`` and
``pandas_sql`` share.

Options left at ``None`` are not passed, so pandas' defaults apply, except Hamilton's
``dtype_backend="numpy_nullable"`` for the xml, html, orc, table, fwf and spss readers.
A reader or writer whose optional package (lxml, pyarrow, pyreadstat) is missing fails when
it runs with ``MissingDependencyError`` and the ``pip install`` command. Savers return
Hamilton's metadata, ``file_metadata`` and ``dataframe_metadata``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from typing import Any

from hamilton_nb.io import optional_deps
from hamilton_nb.io.data_adapters import DataLoader, DataSaver
from hamilton_nb.io.pandas_adapters import PathOrBuffer, _PandasAdapter

__all__ = ["NULLABLE", "FormatAdapter", "PathOrBuffer", "options"]
from hamilton_nb.io.utils import get_file_and_dataframe_metadata

NULLABLE = "numpy_nullable"


def options(names: str, **defaults: Any) -> Callable[[type], type]:
    """Class decorator: a dataclass whose fields are the ones annotated in the class body
    (required) followed by the pandas options in ``names`` (whitespace-separated; each
    defaults to ``None`` unless given in ``defaults``)."""

    def make(cls: type) -> type:
        annotations: dict[str, Any] = dict(cls.__dict__.get("__annotations__", {}))
        for option in names.split():
            annotations[option] = "Any"
            setattr(cls, option, defaults.get(option))
        cls.__annotations__ = annotations
        return dataclasses.dataclass(cls)

    return make


class FormatAdapter(_PandasAdapter):
    """Adds the optional-package check and Hamilton-to-pandas option renames."""

    _renames: Mapping[str, str] = {}  # Hamilton's argument name -> pandas' parameter name

    def _modules(self) -> tuple[str, ...]:
        """The optional modules this call needs, given its options."""
        return ()

    def _label(self) -> str:
        return f"kind {self.name()!r} ({type(self).__name__})"  # type: ignore[attr-defined]

    def _kwargs(self) -> dict[str, Any]:
        kwargs = super()._kwargs()
        for ours, theirs in self._renames.items():
            if ours in kwargs:
                kwargs[theirs] = kwargs.pop(ours)
        return kwargs

    def _calling_pandas(self) -> AbstractContextManager[None]:
        """Check the optional modules, then a context in which a missing-module
        ``ImportError`` gets the install command."""
        optional_deps.require(self._label(), *self._modules())
        return optional_deps.install_hints(self._label())

    def _read(self, reader: str) -> tuple[Any, dict[str, Any]]:
        with self._calling_pandas():
            return super()._read(reader)

    def _write(self, writer: str, data: Any) -> dict[str, Any]:
        with self._calling_pandas():
            return super()._write(writer, data)


class _XmlAdapter(FormatAdapter):
    _path_fields = ("path_or_buffer",)

    def _modules(self) -> tuple[str, ...]:
        uses_lxml = getattr(self, "parser", None) in (None, "lxml")
        return ("lxml",) if uses_lxml or getattr(self, "stylesheet", None) is not None else ()


@options(
    "xpath namespace namespaces elems_only attrs_only names dtype converters parse_dates "
    "encoding parser stylesheet iterparse compression storage_options dtype_backend",
    dtype_backend=NULLABLE,
)
class PandasXmlReader(_XmlAdapter, DataLoader):
    """``xml``: ``pd.read_xml(path_or_buffer, **options)`` (needs lxml unless
    ``parser="etree"``); ``namespace=`` is Hamilton's spelling of pandas' ``namespaces=``."""

    path_or_buffer: PathOrBuffer

    _renames = {"namespace": "namespaces"}

    @classmethod
    def name(cls) -> str:
        return "xml"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        return self._read("read_xml")


@options(
    "index root_name row_name na_rep attr_cols elems_cols elem_cols namespaces prefix "
    "encoding xml_declaration pretty_print parser stylesheet compression storage_options",
)
class PandasXmlWriter(_XmlAdapter, DataSaver):
    """``xml``: ``df.to_xml(path_or_buffer, **options)`` (needs lxml unless
    ``parser="etree"``); ``elems_cols=`` is Hamilton's spelling of pandas' ``elem_cols=``."""

    path_or_buffer: PathOrBuffer

    _renames = {"elems_cols": "elem_cols"}

    @classmethod
    def name(cls) -> str:
        return "xml"

    def save_data(self, data: Any) -> dict[str, Any]:
        return self._write("to_xml", data)


@options(
    "match flavor header index_col skiprows attrs parse_dates thousands encoding decimal "
    "converters na_values keep_default_na displayed_only extract_links dtype_backend "
    "storage_options",
    dtype_backend=NULLABLE,
)
class PandasHtmlReader(FormatAdapter, DataLoader):
    """``html``: ``pd.read_html(io, **options)``: the list of every table in the page (as in
    Hamilton); the metadata describes the first. Needs lxml, or beautifulsoup4 and
    html5lib."""

    io: PathOrBuffer

    _path_fields = ("io",)

    @classmethod
    def name(cls) -> str:
        return "html"

    def _modules(self) -> tuple[str, ...]:
        flavor = self.flavor  # type: ignore[attr-defined]
        flavors = [flavor] if isinstance(flavor, str) else list(flavor or ())
        soup = ("bs4", "html5lib")
        if not flavors:  # pandas tries lxml, then beautifulsoup4 with html5lib
            has_soup = all(optional_deps.is_installed(m) for m in soup)
            return () if has_soup else ("lxml",)
        return tuple(m for f in flavors for m in (("lxml",) if f == "lxml" else soup))

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        import pandas as pd

        with self._calling_pandas():
            tables = pd.read_html(self.io, **self._kwargs())
        return tables, get_file_and_dataframe_metadata(self._target(), tables[0])


@options(
    "columns col_space header index na_rep formatters float_format sparsify index_names "
    "justify max_rows max_cols show_dimensions decimal bold_rows classes escape notebook "
    "border table_id render_links encoding",
)
class PandasHtmlWriter(FormatAdapter, DataSaver):
    """``html``: ``df.to_html(buf, **options)``."""

    buf: PathOrBuffer

    _path_fields = ("buf",)

    @classmethod
    def name(cls) -> str:
        return "html"

    def save_data(self, data: Any) -> dict[str, Any]:
        return self._write("to_html", data)


@options(
    "convert_dates convert_categoricals index_col convert_missing preserve_dtypes columns "
    "order_categoricals chunksize iterator compression storage_options",
)
class PandasStataReader(FormatAdapter, DataLoader):
    """``stata``: ``pd.read_stata(filepath_or_buffer, **options)``."""

    filepath_or_buffer: PathOrBuffer

    _path_fields = ("filepath_or_buffer",)

    @classmethod
    def name(cls) -> str:
        return "stata"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        return self._read("read_stata")


@options(
    "convert_dates write_index byteorder time_stamp data_label variable_labels version "
    "convert_strl compression storage_options value_labels",
)
class PandasStataWriter(FormatAdapter, DataSaver):
    """``stata``: ``df.to_stata(path, **options)``; ``convert_strl`` is passed only for
    format versions 117 and later (format 114, the default, has no strL)."""

    path: PathOrBuffer

    @classmethod
    def name(cls) -> str:
        return "stata"

    def _kwargs(self) -> dict[str, Any]:
        kwargs = super()._kwargs()
        if not (isinstance(self.version, int) and self.version >= 117):  # type: ignore[attr-defined]
            kwargs.pop("convert_strl", None)
        return kwargs

    def save_data(self, data: Any) -> dict[str, Any]:
        return self._write("to_stata", data)


@options("columns dtype_backend filesystem", dtype_backend=NULLABLE)
class PandasORCReader(FormatAdapter, DataLoader):
    """``orc``: ``pd.read_orc(path, **options)`` (needs pyarrow)."""

    path: PathOrBuffer

    @classmethod
    def name(cls) -> str:
        return "orc"

    def _modules(self) -> tuple[str, ...]:
        return ("pyarrow",)

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        return self._read("read_orc")


@options("engine index engine_kwargs")
class PandasORCWriter(FormatAdapter, DataSaver):
    """``orc``: ``df.to_orc(path, **options)`` (needs pyarrow)."""

    path: PathOrBuffer

    @classmethod
    def name(cls) -> str:
        return "orc"

    def _modules(self) -> tuple[str, ...]:
        return ("pyarrow",)

    def save_data(self, data: Any) -> dict[str, Any]:
        return self._write("to_orc", data)


@options(
    "sep delimiter header names index_col usecols dtype engine converters true_values "
    "false_values skipinitialspace skiprows skipfooter nrows na_values keep_default_na "
    "na_filter verbose skip_blank_lines parse_dates infer_datetime_format keep_date_col "
    "date_parser date_format dayfirst cache_dates iterator chunksize compression thousands "
    "decimal lineterminator quotechar quoting doublequote escapechar comment encoding "
    "encoding_errors dialect on_bad_lines delim_whitespace low_memory memory_map "
    "float_precision storage_options dtype_backend",
    dtype_backend=NULLABLE,
)
class PandasTableReader(FormatAdapter, DataLoader):
    """``table``: ``pd.read_table(filepath_or_buffer, **options)`` (tab-separated unless
    ``sep`` is given)."""

    filepath_or_buffer: PathOrBuffer

    _path_fields = ("filepath_or_buffer",)

    @classmethod
    def name(cls) -> str:
        return "table"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        return self._read("read_table")


@options(
    "colspecs widths infer_nrows dtype_backend",
    dtype_backend=NULLABLE,
)
class PandasFWFReader(FormatAdapter, DataLoader):
    """``fwf``: ``pd.read_fwf(filepath_or_buffer, **options)`` (fixed-width columns)."""

    filepath_or_buffer: PathOrBuffer

    _path_fields = ("filepath_or_buffer",)

    @classmethod
    def name(cls) -> str:
        return "fwf"

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        return self._read("read_fwf")


@options("usecols convert_categoricals dtype_backend", dtype_backend=NULLABLE)
class PandasSPSSReader(FormatAdapter, DataLoader):
    """``spss``: ``pd.read_spss(path, **options)`` (needs pyreadstat)."""

    path: PathOrBuffer

    @classmethod
    def name(cls) -> str:
        return "spss"

    def _modules(self) -> tuple[str, ...]:
        return ("pyreadstat",)

    def load_data(self, type_: Any) -> tuple[Any, dict[str, Any]]:
        return self._read("read_spss")


ADAPTERS: list[type[DataLoader] | type[DataSaver]] = [
    PandasXmlReader,
    PandasXmlWriter,
    PandasHtmlReader,
    PandasHtmlWriter,
    PandasStataReader,
    PandasStataWriter,
    PandasORCReader,
    PandasORCWriter,
    PandasTableReader,
    PandasFWFReader,
    PandasSPSSReader,
]
