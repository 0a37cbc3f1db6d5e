"""``to.<kind>`` / ``from_.<kind>`` materializers, ``Driver.materialize`` and
``Builder.with_materializers``.

As in Hamilton: ``materialize`` returns ``(metadata by saver id, {additional var: value})``
computed in one execution; ``from_`` adds ``load_data.<target>`` and supplies ``<target>``;
``combine`` joins several dependencies in ``<id>_build_result``.
"""

from __future__ import annotations

import importlib.util
import json
import pickle
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from hamilton_nb import ad_hoc_utils, base, driver, errors
from hamilton_nb.function_modifiers import config, load_from, source, value
from hamilton_nb.io.materialization import from_, to
from hamilton_nb.lifecycle import api

needs_pyarrow = pytest.mark.skipif(
    importlib.util.find_spec("pyarrow") is None, reason="parquet/feather need pyarrow"
)


def df(raw: pd.DataFrame) -> pd.DataFrame:
    return raw.assign(double=raw["a"] * 2)


def col_a(df: pd.DataFrame) -> pd.Series:
    return df["a"]


def summary(df: pd.DataFrame) -> dict:
    return {"rows": len(df)}


def build(*functions: Any, **config_values: Any) -> driver.Driver:
    module = ad_hoc_utils.create_temporary_module(*functions)
    return driver.Builder().with_modules(module).with_config(config_values).build()


@pytest.fixture
def raw_csv(tmp_path: Path) -> Path:
    path = tmp_path / "raw.csv"
    pd.DataFrame({"a": [1, 2, 3]}).to_csv(path, index=False)
    return path


def test_materialize_loads_saves_and_returns_metadata_and_additional_vars(
    tmp_path: Path, raw_csv: Path
) -> None:
    dr = build(df, col_a, summary)
    materializers = [
        from_.csv(target="raw", path=str(raw_csv)),
        to.csv(id="df_to_csv", dependencies=["df"], path=str(tmp_path / "df.csv")),
        to.json(id="summary_json", dependencies=["summary"], path=str(tmp_path / "s.json")),
        to.csv(
            id="joined",
            dependencies=["df", "col_a"],
            combine=base.PandasDataFrameResult(),
            path=str(tmp_path / "joined.csv"),
        ),
    ]
    for _ in range(2):  # the second run must behave the same
        metadata, extra = dr.materialize(*materializers, additional_vars=["summary", "col_a"])
        assert set(metadata) == {"df_to_csv", "summary_json", "joined"}
        assert metadata["df_to_csv"]["file_metadata"]["path"] == str(tmp_path / "df.csv")
        assert metadata["df_to_csv"]["dataframe_metadata"]["column_names"] == ["a", "double"]
        assert set(metadata["summary_json"]) == {"file_metadata"}
        assert metadata["joined"]["dataframe_metadata"]["column_names"] == [
            "df.a",
            "df.double",
            "col_a",
        ]
        assert extra["summary"] == {"rows": 3}
        assert extra["col_a"].tolist() == [1, 2, 3]
    assert json.loads((tmp_path / "s.json").read_text()) == {"rows": 3}
    assert pd.read_csv(tmp_path / "df.csv")["double"].tolist() == [2, 4, 6]
    assert list(pd.read_csv(tmp_path / "joined.csv").columns) == ["df.a", "df.double", "col_a"]
    # the driver's own graph is unchanged
    assert "df_to_csv" not in {n.name for n in dr.list_available_variables()}


def test_materializer_nodes_are_named_and_tagged_like_hamiltons(
    tmp_path: Path, raw_csv: Path
) -> None:
    seen: dict[str, dict[str, Any]] = {}

    class Recorder(api.GraphExecutionHook):
        def run_before_graph_execution(self, *, graph: Any, **kwargs: Any) -> None:
            seen.update({n.name: dict(n.tags) for n in graph.nodes})

        def run_after_graph_execution(self, **kwargs: Any) -> None:
            pass

    module = ad_hoc_utils.create_temporary_module(df, col_a)
    dr = driver.Builder().with_modules(module).with_adapters(Recorder()).build()
    dr.materialize(
        from_.csv(target="raw", path=str(raw_csv)),
        to.pickle(
            id="both",
            dependencies=["df", "col_a"],
            combine=base.DictResult(),
            path=str(tmp_path / "both.pkl"),
        ),
    )
    assert {"load_data.raw", "raw", "both_build_result", "both"} <= set(seen)
    assert seen["load_data.raw"]["hamilton.data_loader.has_metadata"] is True
    assert seen["raw"]["hamilton.data_loader.classname"] == "PandasCSVReader"
    assert seen["both"]["hamilton.data_saver.sink"] == "pickle"
    saved = pickle.loads((tmp_path / "both.pkl").read_bytes())
    assert set(saved) == {"df", "col_a"}


def test_dependencies_may_be_functions_and_paths_may_come_from_inputs(tmp_path: Path) -> None:
    dr = build(df, summary)
    out = tmp_path / "s.json"
    metadata, extra = dr.materialize(
        to.json(id="saved", dependencies=[summary], path=source("out_path")),
        inputs={"raw": pd.DataFrame({"a": [5]}), "out_path": str(out)},
    )
    assert extra == {}
    assert metadata["saved"]["file_metadata"]["path"] == str(out)
    assert json.loads(out.read_text()) == {"rows": 1}


def test_from_literal_and_overrides_and_memory_kind() -> None:
    dr = build(df, summary)
    metadata, extra = dr.materialize(
        from_.literal(target="raw", value=pd.DataFrame({"a": [1, 2]})),
        to.memory(id="kept", dependencies=["summary"]),
        additional_vars=["df"],
    )
    assert metadata == {"kept": {"rows": 2}}  # memory: the value is the metadata
    assert extra["df"]["double"].tolist() == [2, 4]
    metadata, _ = dr.materialize(
        to.memory(id="kept", dependencies=["summary"]),
        overrides={"df": pd.DataFrame({"a": [0] * 4})},
    )
    assert metadata == {"kept": {"rows": 4}}


def test_from_replaces_a_function_node(tmp_path: Path) -> None:
    path = tmp_path / "summary.json"
    path.write_text(json.dumps({"rows": 99}))
    dr = build(df, summary)
    _, extra = dr.materialize(
        from_.json(target="summary", path=str(path)), additional_vars=["summary"]
    )
    assert extra == {"summary": {"rows": 99}}


@needs_pyarrow
@pytest.mark.parametrize("kind", ["parquet", "feather"])
def test_arrow_formats_round_trip(tmp_path: Path, raw_csv: Path, kind: str) -> None:
    dr = build(df)
    target = str(tmp_path / f"df.{kind}")
    dr.materialize(
        from_.csv(target="raw", path=str(raw_csv)),
        getattr(to, kind)(id="out", dependencies=["df"], path=target),
    )
    _, extra = build(col_a).materialize(
        getattr(from_, kind)(target="df", path=target), additional_vars=["col_a"]
    )
    assert extra["col_a"].tolist() == [1, 2, 3]


def test_builder_with_materializers_puts_nodes_in_the_graph(tmp_path: Path, raw_csv: Path) -> None:
    out = tmp_path / "summary.pkl"
    module = ad_hoc_utils.create_temporary_module(df, summary)
    dr = (
        driver.Builder()
        .with_modules(module)
        .with_materializers(
            from_.csv(target="raw", path=str(raw_csv)),
            to.pickle(id="summary_pickle", dependencies=["summary"], path=str(out)),
        )
        .build()
    )
    names = {n.name for n in dr.list_available_variables()}
    assert {"load_data.raw", "raw", "summary_pickle"} <= names
    assert dr.execute(["summary"]) == {"summary": {"rows": 3}}
    for _ in range(2):
        metadata, extra = dr.materialize()  # runs the builder's savers
        assert set(metadata) == {"summary_pickle"} and extra == {}
    assert pickle.loads(out.read_bytes()) == {"rows": 3}
    metadata, extra = dr.materialize(additional_vars=["df"])
    assert set(metadata) == {"summary_pickle"} and list(extra) == ["df"]


def test_materialize_with_decorated_module_and_config(tmp_path: Path) -> None:
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"factor": 3}))

    @config.when(scale="on")
    @load_from.json(path=value(settings))
    def factor__on(cfg: dict) -> int:
        return cfg["factor"]

    @config.when(scale="off")
    def factor__off() -> int:
        return 1

    def scaled(raw: pd.DataFrame, factor: int) -> pd.DataFrame:
        return raw * factor

    dr = build(factor__on, factor__off, scaled, scale="on")
    metadata, extra = dr.materialize(
        from_.literal(target="raw", value=pd.DataFrame({"a": [1, 2]})),
        to.csv(id="scaled_csv", dependencies=["scaled"], path=str(tmp_path / "o.csv")),
        additional_vars=["factor"],
    )
    assert extra == {"factor": 3}
    assert pd.read_csv(tmp_path / "o.csv")["a"].tolist() == [3, 6]
    assert metadata["scaled_csv"]["dataframe_metadata"]["rows"] == 2


def test_legacy_driver_materialize_returns_dicts(tmp_path: Path) -> None:
    dr = driver.Driver({}, ad_hoc_utils.create_temporary_module(df, col_a))
    _, extra = dr.materialize(
        to.pickle(id="p", dependencies=["col_a"], path=str(tmp_path / "a.pkl")),
        additional_vars=["col_a"],
        inputs={"raw": pd.DataFrame({"a": [1]})},
    )
    assert isinstance(extra, dict) and extra["col_a"].tolist() == [1]


# -- errors --------------------------------------------------------------------------------


def test_validate_materialization_fails_before_writing(tmp_path: Path) -> None:
    dr = build(df, summary)
    target = tmp_path / "never.json"
    good = to.json(id="s", dependencies=["summary"], path=str(target))
    assert dr.validate_materialization(good, inputs={"raw": pd.DataFrame({"a": [1]})}) is None
    with pytest.raises(errors.UnknownNodeError, match=r"'summry'.*did you mean 'summary'"):
        dr.validate_materialization(to.json(id="s", dependencies=["summry"], path=str(target)))
    with pytest.raises(errors.MissingInputError, match="raw"):
        dr.validate_materialization(good)
    assert not target.exists()


def test_misused_materializers_raise_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(AttributeError, match=r"to has no kind 'csvv' \(did you mean 'csv'"):
        to.csvv  # noqa: B018
    with pytest.raises(AttributeError, match=r"from_ has no kind 'jsn'"):
        from_.jsn  # noqa: B018
    with pytest.raises(errors.InvalidDecoratorError, match=r"to\.csv\(id='x'\).*combine="):
        to.csv(id="x", dependencies=["df", "col_a"], path="x.csv")
    with pytest.raises(errors.InvalidDecoratorError, match=r"did you mean 'path'"):
        to.json(id="x", dependencies=["summary"], pth="x.json")

    dr = build(df, summary)
    with pytest.raises(errors.InvalidDecoratorError) as info:
        dr.materialize(to.csv(id="x", dependencies=["summary"], path="x.csv"))
    message = str(info.value)
    assert "to.csv(id='x'" in message and "dict" in message
    assert "Kinds that save dict: json, memory, pickle" in message
    with pytest.raises(errors.DuplicateNodeError, match=r"'summary'.*already exists"):
        dr.materialize(to.json(id="summary", dependencies=["summary"], path="x.json"))
    with pytest.raises(errors.UnknownNodeError, match=r"'raww'.*did you mean 'raw'"):
        dr.materialize(from_.csv(target="raww", path="x.csv"), additional_vars=["df"])
    with pytest.raises(errors.ExecutionError, match="nothing to compute"):
        dr.materialize()
    with pytest.raises(errors.ExecutionError, match=r"to\.<kind>"):
        dr.materialize("summary")


def test_missing_source_file_names_the_loader_node_and_path(tmp_path: Path) -> None:
    missing = tmp_path / "absent.csv"
    dr = build(df)
    with pytest.raises(FileNotFoundError) as info:
        dr.materialize(from_.csv(target="raw", path=str(missing)), additional_vars=["df"])
    assert "'load_data.raw'" in str(info.value) and str(missing) in str(info.value)
    assert "from_.csv(target='raw')" in str(info.value)
