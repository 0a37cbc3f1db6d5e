"""``@load_from``, ``@save_to``, ``@dataloader``, ``@datasaver`` and the adapter registry.

Behaviour follows Hamilton: node names (``f.load_data.p``, ``f.select_data.p``, ``save.f``,
``name.loader``), tags and metadata shapes; misuse fails at decoration or build time naming
the function and the decorator; a missing file names the node and the path.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from hamilton_nb import ad_hoc_utils, driver, errors
from hamilton_nb.function_modifiers import (
    config,
    dataloader,
    datasaver,
    load_from,
    save_to,
    source,
    tag,
    value,
)
from hamilton_nb.io import registry
from hamilton_nb.io.data_adapters import DataLoader, DataSaver

HAS_PYARROW = importlib.util.find_spec("pyarrow") is not None
needs_pyarrow = pytest.mark.skipif(not HAS_PYARROW, reason="parquet/feather need pyarrow")

FRAME = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})


def build(*functions: Any, config_values: dict[str, Any] | None = None) -> driver.Driver:
    module = ad_hoc_utils.create_temporary_module(*functions)
    return driver.Builder().with_modules(module).with_config(config_values or {}).build()


def execute_twice(dr: driver.Driver, outputs: list[str], **inputs: Any) -> dict[str, Any]:
    first = dr.execute(outputs, inputs=inputs)
    second = dr.execute(outputs, inputs=inputs)  # compiled plan
    assert first.keys() == second.keys()
    return second


def nodes_of(dr: driver.Driver) -> dict[str, Any]:
    return {n.name: n for n in dr.list_available_variables()}


def own_tags(node: Any) -> dict[str, Any]:
    """Tags without the ones every node gets (``module``, ``hamilton_nb.*``)."""
    return {
        k: v for k, v in node.tags.items() if k != "module" and not k.startswith("hamilton_nb.")
    }


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.csv"
    FRAME.to_csv(path, index=False)
    return path


# -- @load_from ----------------------------------------------------------------------------


def test_load_from_csv_adds_loader_and_selector_nodes_with_hamilton_names_and_tags(
    csv_file: Path,
) -> None:
    @load_from.csv(path=source("path"))
    def frame(data: pd.DataFrame) -> pd.DataFrame:
        return data.assign(c=data["a"] * 10)

    dr = build(frame)
    nodes = nodes_of(dr)
    loader, selector = nodes["frame.load_data.data"], nodes["frame.select_data.data"]
    assert own_tags(loader) == {
        "hamilton.data_loader": True,
        "hamilton.data_loader.has_metadata": True,
        "hamilton.data_loader.source": "csv",
        "hamilton.data_loader.classname": "PandasCSVReader",
        "hamilton.data_loader.node": "data",
    }
    assert selector.tags["hamilton.data_loader.has_metadata"] is False
    assert selector.type is pd.DataFrame
    assert set(nodes["frame"].required_dependencies) == {"frame.select_data.data"}
    assert set(loader.required_dependencies) == {"path"}
    assert loader.originating_functions == selector.originating_functions
    assert loader.originating_functions[0].__name__ == "frame"

    result = execute_twice(dr, ["frame", "frame.load_data.data"], path=str(csv_file))
    assert result["frame"]["c"].tolist() == [10, 20, 30]
    loaded, metadata = result["frame.load_data.data"]
    assert loaded["b"].tolist() == ["x", "y", "z"]
    assert metadata["file_metadata"]["path"] == str(csv_file)
    assert metadata["file_metadata"]["size"] == csv_file.stat().st_size
    assert metadata["dataframe_metadata"]["rows"] == 3
    assert metadata["dataframe_metadata"]["column_names"] == ["a", "b"]
    assert str(loaded["a"].dtype) == "Int64"  # Hamilton reads with nullable dtypes


def test_load_from_json_literal_path_and_value_path_load_a_dict(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"threshold": 3}))

    @load_from.json(path=str(path))
    def bare(settings: dict) -> int:
        return settings["threshold"]

    @load_from.json(path=value(path))
    def wrapped(settings: dict) -> int:
        return settings["threshold"] * 2

    dr = build(bare, wrapped)
    assert "path" not in nodes_of(dr)  # literal arguments add no input
    assert execute_twice(dr, ["bare", "wrapped"]) == {"bare": 3, "wrapped": 6}


def test_load_from_literal_with_plain_and_wrapped_values() -> None:
    @load_from.literal(value=5)
    def five(x: int) -> int:
        return x

    @load_from.literal(value=value([1, 2]))
    def pair(items: list) -> int:
        return sum(items)

    dr = build(five, pair)
    result = execute_twice(dr, ["five", "pair", "five.load_data.x"])
    assert result == {"five": 5, "pair": 3, "five.load_data.x": (5, {})}


def test_inject_names_the_parameter_among_several(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"x": 1}))

    @load_from.json(path=value(path), inject_="cfg")
    def total(cfg: dict, other: int) -> int:
        return cfg["x"] + other

    dr = build(total)
    assert {"total.load_data.cfg", "total.select_data.cfg", "other"} <= set(nodes_of(dr))
    assert execute_twice(dr, ["total"], other=2) == {"total": 3}


def test_without_inject_the_only_loadable_parameter_is_chosen(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"x": 4}))

    @load_from.json(path=value(path))
    def total(cfg: dict, factor: int) -> int:  # json cannot load an int
        return cfg["x"] * factor

    assert execute_twice(build(total), ["total"], factor=3) == {"total": 12}


def test_pickle_loads_any_object_and_picks_the_pandas_reader_for_dataframes(
    tmp_path: Path,
) -> None:
    items, frame_path = tmp_path / "items.pkl", tmp_path / "frame.pkl"
    items.write_bytes(pickle.dumps([1, 2, 3]))
    FRAME.to_pickle(frame_path)

    @load_from.pickle(path=value(items))
    def item_sum(items: list) -> int:
        return sum(items)

    @load_from.pickle(path=value(frame_path))
    def row_count(df: pd.DataFrame) -> int:
        return len(df)

    dr = build(item_sum, row_count)
    nodes = nodes_of(dr)
    classname = "hamilton.data_loader.classname"
    assert nodes["item_sum.load_data.items"].tags[classname] == "PickleLoader"
    assert nodes["row_count.load_data.df"].tags[classname] == "PandasPickleReader"
    assert execute_twice(dr, ["item_sum", "row_count"]) == {"item_sum": 6, "row_count": 3}


def test_any_parameter_loads_when_the_kind_is_unambiguous(tmp_path: Path) -> None:
    items = tmp_path / "items.pkl"
    items.write_bytes(pickle.dumps({"k": 1}))

    @load_from.pickle(path=value(items))
    def loaded(obj: Any) -> Any:
        return obj

    assert execute_twice(build(loaded), ["loaded"]) == {"loaded": {"k": 1}}

    @load_from.json(path="x.json")  # json reads dict/list or, with pandas, a DataFrame
    def ambiguous(raw: Any) -> Any:
        return raw

    with pytest.raises(errors.InvalidDecoratorError, match=r"Annotate parameter 'raw'"):
        build(ambiguous)


FORMATS = [
    pytest.param("csv", "path", id="csv"),
    pytest.param("parquet", "path", id="parquet", marks=needs_pyarrow),
    pytest.param("feather", "path", id="feather", marks=needs_pyarrow),
    pytest.param("pickle", "path", id="pickle"),
    pytest.param("json", "filepath_or_buffer", id="json"),
    pytest.param("json", "path", id="json-path-spelling"),
]


@pytest.mark.parametrize(("kind", "argument"), FORMATS)
def test_dataframe_round_trip_through_save_to_and_load_from(
    tmp_path: Path, kind: str, argument: str
) -> None:
    target = tmp_path / f"frame.{kind}"

    @getattr(save_to, kind)(**{argument: value(str(target))})
    def produced() -> pd.DataFrame:
        return FRAME

    dr = build(produced)
    metadata = execute_twice(dr, ["save.produced"])["save.produced"]
    assert target.exists()
    assert metadata["dataframe_metadata"]["rows"] == 3

    @getattr(load_from, kind)(**{argument: source("where")})
    def reloaded(df: pd.DataFrame) -> list:
        return df["b"].tolist()

    assert execute_twice(build(reloaded), ["reloaded"], where=str(target)) == {
        "reloaded": ["x", "y", "z"]
    }


# -- @save_to ------------------------------------------------------------------------------


def test_save_to_adds_saver_node_returning_metadata(tmp_path: Path) -> None:
    out = tmp_path / "out.json"

    @save_to.json(path=source("out_path"))
    def summary(n: int) -> dict:
        return {"n": n}

    dr = build(summary)
    saver = nodes_of(dr)["save.summary"]
    assert own_tags(saver) == {
        "hamilton.data_saver": True,
        "hamilton.data_saver.sink": "json",
        "hamilton.data_saver.classname": "JSONDataSaver",
    }
    assert set(saver.required_dependencies) == {"summary", "out_path"}
    result = execute_twice(dr, ["summary", "save.summary"], n=4, out_path=str(out))
    assert result["summary"] == {"n": 4}
    assert json.loads(out.read_text()) == {"n": 4}
    file_metadata = result["save.summary"]["file_metadata"]
    assert file_metadata["path"] == str(out)
    assert file_metadata["size"] == out.stat().st_size
    assert set(file_metadata) == {
        "size",
        "path",
        "last_modified",
        "timestamp",
        "scheme",
        "notes",
        "__version__",
    }


def test_save_to_output_name_and_stacked_savers_both_save_the_output(tmp_path: Path) -> None:
    @save_to.json(path=value(tmp_path / "a.json"))
    @save_to.pickle(path=value(tmp_path / "a.pkl"))
    def stacked() -> dict:
        return {"k": 1}

    @save_to.json(path=value(tmp_path / "named.json"), output_name_="named_saver")
    def named() -> list:
        return [1, 2]

    dr = build(stacked, named)
    assert {"save.stacked", "save.save.stacked", "named_saver"} <= set(nodes_of(dr))
    execute_twice(dr, ["save.stacked", "save.save.stacked", "named_saver"])
    assert pickle.loads((tmp_path / "a.pkl").read_bytes()) == {"k": 1}
    assert json.loads((tmp_path / "a.json").read_text()) == {"k": 1}  # the output, not metadata
    assert json.loads((tmp_path / "named.json").read_text()) == [1, 2]


def test_load_from_save_to_config_when_and_tag_combine(tmp_path: Path) -> None:
    source_file = tmp_path / "in.json"
    source_file.write_text(json.dumps({"v": 2}))

    @tag(owner="io-team")
    @config.when(mode="double")
    @save_to.json(path=value(tmp_path / "out.json"))
    @load_from.json(path=value(source_file))
    def result__double(raw: dict) -> dict:
        return {"v": raw["v"] * 2}

    @config.when(mode="same")
    def result__same() -> dict:
        return {"v": 0}

    dr = build(result__double, result__same, config_values={"mode": "double"})
    nodes = nodes_of(dr)
    assert {"result.load_data.raw", "result.select_data.raw", "save.result"} <= set(nodes)
    assert nodes["save.result"].tags["owner"] == "io-team"  # @tag marks the final node
    assert execute_twice(dr, ["result", "save.result"])["result"] == {"v": 4}
    assert json.loads((tmp_path / "out.json").read_text()) == {"v": 4}

    other = build(result__double, result__same, config_values={"mode": "same"})
    assert "result.load_data.raw" not in nodes_of(other)


def test_load_from_feeds_every_node_of_parameterize(tmp_path: Path) -> None:
    from hamilton_nb.function_modifiers import parameterize

    path = tmp_path / "base.json"
    path.write_text(json.dumps({"x": 2}))

    @parameterize(times_two={"k": value(2)}, times_three={"k": value(3)})
    @load_from.json(path=str(path), inject_="cfg")
    def times(cfg: dict, k: int) -> int:
        return cfg["x"] * k

    dr = build(times)
    assert {"times.load_data.cfg", "times.select_data.cfg"} <= set(nodes_of(dr))
    assert execute_twice(dr, ["times_two", "times_three"]) == {"times_two": 4, "times_three": 6}


# -- @dataloader / @datasaver --------------------------------------------------------------


def test_dataloader_creates_loader_and_value_nodes() -> None:
    @dataloader()
    def raw(location: str) -> tuple[dict, dict]:
        """Reads the raw records."""
        return {"rows": 3}, {"location": location}

    def rows(raw: dict) -> int:
        return raw["rows"]

    dr = build(raw, rows)
    nodes = nodes_of(dr)
    assert nodes["raw.loader"].type == tuple[dict, dict]
    assert nodes["raw.loader"].documentation == "Reads the raw records."
    assert own_tags(nodes["raw.loader"]) == {
        "hamilton.data_loader": True,
        "hamilton.data_loader.has_metadata": True,
        "hamilton.data_loader.node": "raw",
        "hamilton.data_loader.classname": "raw()",
        "hamilton.data_loader.source": "loader",
    }
    assert nodes["raw"].type is dict
    assert nodes["raw"].tags["hamilton.data_loader.has_metadata"] is False
    result = execute_twice(dr, ["rows", "raw.loader"], location="here")
    assert result == {"rows": 3, "raw.loader": ({"rows": 3}, {"location": "here"})}


def test_dataloader_with_config_when_uses_the_resolved_name() -> None:
    @config.when(source_kind="fake")
    @dataloader()
    def raw__fake() -> tuple[int, dict[str, Any]]:
        return 7, {}

    dr = build(raw__fake, config_values={"source_kind": "fake"})
    assert {"raw", "raw.loader"} <= set(nodes_of(dr))
    assert execute_twice(dr, ["raw"]) == {"raw": 7}


def test_datasaver_tags_the_node_and_returns_its_metadata(tmp_path: Path) -> None:
    @datasaver()
    def write_rows(rows: list, out: str) -> dict:
        Path(out).write_text("\n".join(map(str, rows)))
        return {"path": out, "count": len(rows)}

    dr = build(write_rows)
    assert own_tags(nodes_of(dr)["write_rows"]) == {
        "hamilton.data_saver": True,
        "hamilton.data_saver.sink": "write_rows",
        "hamilton.data_saver.classname": "write_rows()",
    }
    out = str(tmp_path / "rows.txt")
    assert execute_twice(dr, ["write_rows"], rows=[1, 2], out=out) == {
        "write_rows": {"path": out, "count": 2}
    }


# -- errors --------------------------------------------------------------------------------


def test_missing_file_names_the_node_and_the_path(tmp_path: Path) -> None:
    @load_from.json(path=source("settings_path"))
    def settings(raw: dict) -> dict:
        return raw

    missing = tmp_path / "nope.json"
    dr = build(settings)
    with pytest.raises(FileNotFoundError) as info:
        dr.execute(["settings"], inputs={"settings_path": str(missing)})
    message = str(info.value)
    assert "'settings.load_data.raw'" in message and str(missing) in message
    assert "@load_from.json" in message and "settings'" in message
    assert info.value.filename == str(missing)


def test_saving_into_a_missing_directory_names_the_node_and_the_path(tmp_path: Path) -> None:
    target = tmp_path / "no-such-dir" / "x.json"

    @save_to.json(path=value(target))
    def out() -> dict:
        return {}

    with pytest.raises(FileNotFoundError, match=r"'save\.out'.*directory") as info:
        build(out).execute(["save.out"])
    assert str(target) in str(info.value)


def test_unknown_kind_suggests_and_lists_kinds() -> None:
    with pytest.raises(AttributeError) as info:
        load_from.csvv  # noqa: B018
    message = str(info.value)
    assert "'csvv'" in message and "did you mean 'csv'" in message
    assert "json" in message and "parquet" in message and "register_adapter" in message
    with pytest.raises(AttributeError, match="did you mean 'json'"):
        save_to.jsn  # noqa: B018
    assert not hasattr(load_from, "no_such_kind")
    assert {"csv", "json", "literal", "pickle"} <= set(dir(load_from))


def test_kind_that_does_not_fit_the_type_names_type_and_fitting_kinds() -> None:
    @load_from.csv(path="x.csv")
    def settings(raw: dict) -> dict:
        return raw

    with pytest.raises(errors.InvalidDecoratorError) as info:
        build(settings)
    message = str(info.value)
    assert "@load_from.csv" in message and "settings'" in message
    assert "dict" in message and "pd.DataFrame" in message
    assert "Kinds that load dict: environment, json, literal, pickle, yaml" in message

    @save_to.csv(path="x.csv")
    def counts() -> dict:
        return {}

    with pytest.raises(errors.InvalidDecoratorError, match=r"@save_to\.csv.*counts'.*dict"):
        build(counts)


def test_misspelt_argument_fails_at_decoration_naming_function_and_decorator() -> None:
    with pytest.raises(errors.InvalidDecoratorError) as info:

        @load_from.json(pth="x.json")
        def settings(raw: dict) -> dict:
            return raw

    message = str(info.value)
    assert "@load_from.json" in message and "settings'" in message
    assert "did you mean 'path'" in message


def test_missing_required_argument_names_it() -> None:
    @load_from.json()
    def settings(raw: dict) -> dict:
        return raw

    with pytest.raises(errors.InvalidDecoratorError, match=r"settings'.*needs path=\.\.\."):
        build(settings)


def test_several_parameters_need_inject_and_inject_must_exist() -> None:
    @load_from.json(path="x.json")
    def ambiguous(a: dict, b: dict) -> int:
        return 0

    with pytest.raises(errors.InvalidDecoratorError, match=r"ambiguous'.*inject_="):
        build(ambiguous)

    @load_from.json(path="x.json", inject_="c")
    def wrong(a: dict, b: dict) -> int:
        return 0

    with pytest.raises(errors.InvalidDecoratorError, match=r"@load_from\.json.*inject_='c'"):
        build(wrong)


def test_dataloader_and_datasaver_misuse() -> None:
    @dataloader()
    def not_a_tuple() -> dict:
        return {}

    with pytest.raises(errors.InvalidDecoratorError, match=r"not_a_tuple'.*@dataloader.*tuple"):
        build(not_a_tuple)

    @datasaver()
    def not_a_dict() -> int:
        return 1

    with pytest.raises(errors.InvalidDecoratorError, match=r"not_a_dict'.*@datasaver.*dict"):
        build(not_a_dict)

    with pytest.raises(errors.InvalidDecoratorError, match=r"@dataloader\(\)"):

        @dataloader
        def no_parentheses() -> tuple[int, dict]:
            return 1, {}


def test_dataloader_returning_a_non_tuple_fails_naming_the_function() -> None:
    @dataloader()
    def liar() -> tuple[int, dict]:
        return 1  # type: ignore[return-value]

    with pytest.raises(TypeError, match=r"@dataloader.*liar'.*tuple"):
        build(liar).execute(["liar"])


# -- registry ------------------------------------------------------------------------------


@pytest.fixture
def registered() -> Iterator[list[type]]:
    """Adapters appended here are unregistered after the test."""
    added: list[type] = []
    yield added
    for adapter in added:
        registry.unregister_adapter(adapter)


def test_register_adapter_adds_a_kind_to_every_accessor(
    tmp_path: Path, registered: list[type]
) -> None:
    @dataclasses.dataclass
    class ShoutLoader(DataLoader):
        path: str
        suffix: str = "!"

        @classmethod
        def applicable_types(cls) -> list[type]:
            return [str]

        @classmethod
        def name(cls) -> str:
            return "shout"

        def load_data(self, type_: Any) -> tuple[str, dict[str, Any]]:
            text = Path(self.path).read_text()
            return text.upper() + self.suffix, {"chars": len(text)}

    @dataclasses.dataclass
    class ShoutSaver(DataSaver):
        path: str

        @classmethod
        def applicable_types(cls) -> list[type]:
            return [str]

        @classmethod
        def name(cls) -> str:
            return "shout"

        def save_data(self, data: Any) -> dict[str, Any]:
            Path(self.path).write_text(data.upper())
            return {"chars": len(data)}

    from hamilton_nb.registry import register_adapter

    register_adapter(ShoutLoader)
    register_adapter(ShoutSaver)
    registered.extend([ShoutLoader, ShoutSaver])
    assert ShoutLoader.get_required_arguments() == {"path": str}
    assert ShoutLoader.get_optional_arguments() == {"suffix": str}
    source_file = tmp_path / "in.txt"
    source_file.write_text("hi")

    @save_to.shout(path=str(tmp_path / "out.txt"))
    @load_from.shout(path=str(source_file), suffix="?")
    def greeting(text: str) -> str:
        return text + " there"

    result = execute_twice(build(greeting), ["greeting", "save.greeting"])
    assert result == {"greeting": "HI? there", "save.greeting": {"chars": 9}}
    assert (tmp_path / "out.txt").read_text() == "HI? THERE"
    assert "shout" in dir(load_from)


def test_later_registration_wins_for_the_same_kind_and_type(registered: list[type]) -> None:
    def make(label: str) -> type:
        @dataclasses.dataclass
        class Fixed(DataLoader):
            @classmethod
            def applicable_types(cls) -> list[type]:
                return [int]

            @classmethod
            def name(cls) -> str:
                return "fixed_number"

            def load_data(self, type_: Any) -> tuple[int, dict[str, Any]]:
                return len(label), {}

        Fixed.__qualname__ = f"Fixed_{label}"
        return Fixed

    first, second = make("a"), make("bbb")
    for adapter in (first, second):
        registry.register_adapter(adapter)
        registered.append(adapter)

    @load_from.fixed_number()
    def number(n: int) -> int:
        return n

    assert build(number).execute(["number"]) == {"number": 3}


def test_register_adapter_rejects_malformed_classes() -> None:
    with pytest.raises(errors.AdapterError, match="subclassing"):
        registry.register_adapter(int)

    class NotADataclass(DataLoader):
        @classmethod
        def applicable_types(cls) -> list[type]:
            return [int]

        @classmethod
        def name(cls) -> str:
            return "nodc"

        def load_data(self, type_: Any) -> tuple[int, dict[str, Any]]:
            return 1, {}

    with pytest.raises(errors.AdapterError, match=r"'.*NotADataclass'.*dataclass"):
        registry.register_adapter(NotADataclass)

    @dataclasses.dataclass
    class Incomplete(DataLoader):
        @classmethod
        def name(cls) -> str:
            return "incomplete"

    with pytest.raises(errors.AdapterError, match="applicable_types, load_data"):
        registry.register_adapter(Incomplete)


def test_hamilton_registry_path_lists_builtin_kinds() -> None:
    from hamilton_nb import registry as hamilton_registry

    assert {"csv", "parquet", "json", "pickle", "feather", "literal"} <= set(
        hamilton_registry.LOADER_REGISTRY
    )
    assert {"csv", "parquet", "json", "pickle", "feather"} <= set(hamilton_registry.SAVER_REGISTRY)


def test_builtins_register_lazily_and_pandas_stays_unimported(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    code = (
        "import sys, json\n"
        "import hamilton_nb\n"
        "from hamilton_nb.function_modifiers import load_from, save_to\n"
        "from hamilton_nb.io import registry\n"
        "from hamilton_nb.io.materialization import to, from_\n"
        "assert not registry._builtins_loaded and 'pandas' not in sys.modules\n"
        "from hamilton_nb import ad_hoc_utils, driver\n"
        f"open({str(tmp_path / 'c.json')!r}, 'w').write(json.dumps({{'x': 1}}))\n"
        f"@load_from.json(path={str(tmp_path / 'c.json')!r})\n"
        "def f(c: dict) -> int:\n"
        "    return c['x']\n"
        "dr = driver.Builder().with_modules(ad_hoc_utils.create_temporary_module(f)).build()\n"
        "assert dr.execute(['f']) == {'f': 1}\n"
        "assert registry._builtins_loaded\n"
        "print('pandas' in sys.modules)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=subprocess_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"
