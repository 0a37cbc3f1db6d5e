"""The sql, excel, xml, html, stata, orc, table, fwf, spss, yaml, environment and bytes-file
kinds: our own behaviour beyond what the parity tests compare with Hamilton.

A missing optional package fails when the adapter runs, in one line with the install
command; misspelt or missing arguments fail when the materializer or decorator is built.
"""

from __future__ import annotations

import importlib.util
import io
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from hamilton_nb import ad_hoc_utils, driver, errors
from hamilton_nb.function_modifiers import load_from
from hamilton_nb.io import optional_deps
from hamilton_nb.io.materialization import from_, to

FRAME = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})


def needs(*modules: str) -> pytest.MarkDecorator:
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    return pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)}")


def frame() -> pd.DataFrame:
    return FRAME.copy()


def consumer(df: pd.DataFrame) -> pd.DataFrame:
    return df


def build(*functions: Any) -> driver.Driver:
    return driver.Builder().with_modules(ad_hoc_utils.create_temporary_module(*functions)).build()


def save(kind: str, **kwargs: Any) -> dict[str, Any]:
    metadata, _ = build(frame).materialize(
        getattr(to, kind)(id="saved", dependencies=["frame"], **kwargs)
    )
    return metadata["saved"]


def load(kind: str, **kwargs: Any) -> Any:
    _, result = build(consumer).materialize(
        getattr(from_, kind)(target="df", **kwargs), additional_vars=["consumer"]
    )
    return result["consumer"]


@pytest.fixture
def without(monkeypatch: pytest.MonkeyPatch):
    """``without("openpyxl")``: the module cannot be imported for the rest of the test."""

    def hide(*modules: str) -> None:
        for module in modules:
            monkeypatch.setitem(sys.modules, module, None)

    return hide


# --- a missing optional package -------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "kwargs", "module", "package"),
    [
        ("excel", {"path": "t.xlsx"}, "openpyxl", "openpyxl"),
        ("excel", {"path": "t.xlsx", "engine": "xlsxwriter"}, "xlsxwriter", "xlsxwriter"),
        ("xml", {"path_or_buffer": "t.xml"}, "lxml", "lxml"),
        ("orc", {"path": "t.orc"}, "pyarrow", "pyarrow"),
        ("yaml", {"path": "t.yaml"}, "yaml", "pyyaml"),
    ],
)
def test_a_writer_without_its_package_says_how_to_install_it(
    tmp_path: Path, without: Any, kind: str, kwargs: dict[str, Any], module: str, package: str
) -> None:
    without(module)
    kwargs = {k: str(tmp_path / v) if k.startswith("path") else v for k, v in kwargs.items()}
    dependency = "frame" if kind != "yaml" else "settings"

    def settings() -> dict:
        return {"a": 1}

    dr = build(frame, settings)
    with pytest.raises(errors.MissingDependencyError) as caught:
        dr.materialize(getattr(to, kind)(id="saved", dependencies=[dependency], **kwargs))
    message = str(caught.value)
    assert message.endswith(f"needs {package}: pip install {package}")
    assert f"kind {kind!r}" in message and "\n" not in message
    assert isinstance(caught.value, ImportError)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("kind", "kwargs", "module"),
    [
        ("excel", {"path": "t.xlsx"}, "openpyxl"),
        ("spss", {"path": "t.sav"}, "pyreadstat"),
        ("orc", {"path": "t.orc"}, "pyarrow"),
        ("xml", {"path_or_buffer": "t.xml"}, "lxml"),
        ("yaml", {"path": "t.yaml"}, "yaml"),
    ],
)
def test_a_reader_without_its_package_says_how_to_install_it(
    without: Any, kind: str, kwargs: dict[str, Any], module: str
) -> None:
    without(module)
    package = optional_deps.distribution(module)

    def settings(value: dict) -> dict:
        return value

    target, consumer_name = ("value", "settings") if kind == "yaml" else ("df", "consumer")
    dr = build(consumer, settings)
    with pytest.raises(errors.MissingDependencyError) as caught:
        dr.materialize(
            getattr(from_, kind)(target=target, **kwargs), additional_vars=[consumer_name]
        )
    assert str(caught.value).endswith(f"needs {package}: pip install {package}")


def test_xml_with_the_etree_parser_needs_no_lxml(tmp_path: Path, without: Any) -> None:
    without("lxml")
    path = str(tmp_path / "t.xml")
    save("xml", path_or_buffer=path, parser="etree")
    loaded = load("xml", path_or_buffer=path, parser="etree")
    assert loaded["b"].tolist() == ["x", "y", "z"]


def test_a_connection_string_needs_sqlalchemy(without: Any) -> None:
    without("sqlalchemy")
    with pytest.raises(errors.MissingDependencyError) as caught:
        save("sql", table_name="t", db_connection="sqlite:///nowhere.db")
    assert str(caught.value) == (
        "kind 'sql' (PandasSqlWriter) needs sqlalchemy: pip install sqlalchemy"
    )


def test_import_errors_raised_by_the_library_get_the_install_command() -> None:
    def fails() -> None:
        raise ModuleNotFoundError("No module named 'no_such_engine'", name="no_such_engine")

    with pytest.raises(errors.MissingDependencyError) as caught:
        with optional_deps.install_hints("kind 'x' (Reader)"):
            fails()
    assert str(caught.value) == "kind 'x' (Reader) needs no_such_engine: pip install no_such_engine"
    with pytest.raises(ImportError, match="broken") as other:  # not about a missing module
        with optional_deps.install_hints("kind 'x' (Reader)"):
            raise ImportError("broken")
    assert not isinstance(other.value, errors.MissingDependencyError)


# --- bad arguments fail when the materializer or decorator is built ------------------------


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda: to.xml(id="s", dependencies=["frame"], path="t.xml"), "'path'"),
        (lambda: to.sql(id="s", dependencies=["frame"], table="t"), "'table'"),
        (lambda: from_.excel(target="df", path="t.xlsx", sheet="s"), "did you mean 'sheet_name'"),
    ],
)
def test_an_unknown_argument_is_named(make: Any, fragment: str) -> None:
    with pytest.raises(errors.InvalidDecoratorError, match=fragment):
        make()


@pytest.mark.parametrize(
    ("kind", "kwargs", "missing"),
    [
        ("sql", {"table_name": "t"}, "db_connection=..."),
        ("html", {}, "buf=..."),
        ("stata", {}, "path=..."),
        ("excel", {"sheet_name": "s"}, "path=..."),
    ],
)
def test_a_missing_required_argument_is_named(
    kind: str, kwargs: dict[str, Any], missing: str
) -> None:
    with pytest.raises(errors.InvalidDecoratorError, match=missing):
        save(kind, **kwargs)


def test_environment_names_must_be_a_sequence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOK_HOME", "h")

    @load_from.environment(names="IOK_HOME")
    def env(values: dict) -> dict:
        return values

    with pytest.raises(TypeError, match=r"write names=\('IOK_HOME',\)"):
        build(env).execute(["env"])


def test_an_unset_environment_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOK_SET", "1")
    monkeypatch.delenv("IOK_UNSET", raising=False)

    @load_from.environment(names=["IOK_SET", "IOK_UNSET"])
    def env(values: dict) -> dict:
        return values

    with pytest.raises(KeyError, match="'IOK_UNSET' is not set"):
        build(env).execute(["env"])


# --- behaviour of the kinds ------------------------------------------------------------------


def test_sql_metadata_and_if_exists(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "t.db")
    metadata = save("sql", table_name="t", db_connection=conn, index=False)
    assert metadata["sql_metadata"]["table_name"] == "t"
    assert metadata["sql_metadata"]["rows"] == 3
    assert metadata["dataframe_metadata"]["column_names"] == ["a", "b"]
    with pytest.raises(ValueError, match="already exists"):
        save("sql", table_name="t", db_connection=conn)
    save("sql", table_name="t", db_connection=conn, index=False, if_exists="append")
    loaded = load("sql", query_or_table="select a from t where b = 'x'", db_connection=conn)
    assert loaded["a"].tolist() == [1, 1]
    _, read_meta = build(consumer).materialize(
        from_.sql(target="df", query_or_table="select * from t", db_connection=conn),
        additional_vars=["load_data.df"],
    )
    sql_meta = read_meta["load_data.df"][1]["sql_metadata"]
    assert sql_meta["query"] == "select * from t" and sql_meta["table_name"] is None
    assert sql_meta["rows"] == 6


@needs("openpyxl")
def test_excel_sheets_are_added_in_append_mode(tmp_path: Path) -> None:
    path = str(tmp_path / "t.xlsx")
    save("excel", path=path, sheet_name="first", index=False)
    save("excel", path=path, sheet_name="second", index=False, mode="a")
    assert pd.ExcelFile(path).sheet_names == ["first", "second"]
    loaded = load("excel", path=path, sheet_name="second")
    assert loaded.to_dict("list") == FRAME.to_dict("list")
    assert [str(t) for t in loaded.dtypes] == ["Int64", "string"]  # Hamilton's dtype_backend


@needs("lxml")
def test_xml_accepts_hamiltons_and_pandas_argument_spellings(tmp_path: Path) -> None:
    path = str(tmp_path / "t.xml")
    save("xml", path_or_buffer=path, index=False, elems_cols=["a", "b"], root_name="rows")
    assert "<rows" in Path(path).read_text()
    namespaced = tmp_path / "ns.xml"
    namespaced.write_text(
        '<doc xmlns:q="urn:q"><q:row><a>1</a></q:row><q:row><a>2</a></q:row></doc>'
    )
    for spelling in ("namespace", "namespaces"):
        loaded = load(
            "xml", path_or_buffer=str(namespaced), xpath="//q:row", **{spelling: {"q": "urn:q"}}
        )
        assert loaded["a"].tolist() == [1, 2]


def test_stata_convert_strl_is_only_passed_to_formats_that_have_strl(tmp_path: Path) -> None:
    long_text = pd.DataFrame({"s": ["x" * 3000, "y"]})

    def text() -> pd.DataFrame:
        return long_text

    dr = build(text)
    path_117 = str(tmp_path / "v117.dta")
    dr.materialize(
        to.stata(id="s", dependencies=["text"], path=path_117, version=117, convert_strl=["s"])
    )
    assert load("stata", filepath_or_buffer=path_117)["s"].tolist() == long_text["s"].tolist()
    short = str(tmp_path / "v114.dta")
    save("stata", path=short, convert_strl=["b"])  # format 114: ignored, as in Hamilton
    assert load("stata", filepath_or_buffer=short)["b"].tolist() == ["x", "y", "z"]


@needs("lxml")
def test_html_loads_every_table_of_the_page(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(FRAME.to_html(index=False) + FRAME.head(1).to_html(index=False))
    tables = load("html", io=str(page))
    assert isinstance(tables, list) and [len(t) for t in tables] == [3, 1]
    html = str(tmp_path / "out.html")
    metadata = save("html", buf=html, index=False)
    assert "<table" in Path(html).read_text()
    assert metadata["file_metadata"]["path"] == html


def test_table_and_fwf_readers(tmp_path: Path) -> None:
    table = tmp_path / "t.tsv"
    table.write_text("a\tb\n1\tx\n2\ty\n")
    loaded = load("table", filepath_or_buffer=str(table))
    assert loaded.to_dict("list") == {"a": [1, 2], "b": ["x", "y"]}
    assert str(loaded["a"].dtype) == "Int64"
    fixed = tmp_path / "t.txt"
    fixed.write_text("a   b\n1   x\n22  y\n")
    assert load("fwf", filepath_or_buffer=str(fixed), widths=[4, 1])["a"].tolist() == [1, 22]


def test_bytes_and_buffers_are_saved_with_the_file_kind(tmp_path: Path) -> None:
    def blob() -> bytes:
        return b"\x00raw"

    def buffer() -> io.BytesIO:
        return io.BytesIO(b"\x01buf")

    metadata, _ = build(blob, buffer).materialize(
        to.file(id="b1", dependencies=["blob"], path=str(tmp_path / "b1")),
        to.file(id="b2", dependencies=["buffer"], path=str(tmp_path / "b2")),
    )
    assert (tmp_path / "b1").read_bytes() == b"\x00raw"
    assert (tmp_path / "b2").read_bytes() == b"\x01buf"
    assert metadata["b1"]["file_metadata"]["size"] == 4


@needs("yaml")
def test_yaml_round_trips_plain_values(tmp_path: Path) -> None:
    path = str(tmp_path / "v.yaml")

    def values() -> list:
        return [1, "two", {"three": 3.0}]

    build(values).materialize(to.yaml(id="s", dependencies=["values"], path=path))

    @load_from.yaml(path=path)
    def back(loaded: list) -> list:
        return loaded

    assert build(back).execute(["back"])["back"] == [1, "two", {"three": 3.0}]


def test_registering_the_new_kinds_imports_no_optional_package() -> None:
    code = (
        "import sys\n"
        "from hamilton_nb.io import registry\n"
        "registry.ensure_builtins()\n"
        "kinds = set(registry.kinds(True)) | set(registry.kinds(False))\n"
        "assert {'sql', 'excel', 'xml', 'html', 'stata', 'orc', 'table', 'fwf', 'spss',\n"
        "        'yaml', 'environment'} <= kinds, kinds\n"
        "loaded = [m for m in ('pandas', 'yaml', 'openpyxl', 'lxml', 'pyarrow', 'pyreadstat')\n"
        "          if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
