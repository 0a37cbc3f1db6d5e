"""Parity of the dataframe plugins: ``with_columns`` (pandas, polars, polars lazy), the
polars result builders and savers/loaders, narwhals; and ``%load_ext``'s module path."""

from __future__ import annotations

import pytest

from .conftest import same

pytest.importorskip("polars")
pytest.importorskip("narwhals")

DESCRIBE = """
def describe(dr):
    return {
        v.name: [v.type.__name__, sorted(v.required_dependencies), sorted(v.optional_dependencies),
                 {k: t for k, t in v.tags.items() if k != "module"}, v.is_external_input]
        for v in dr.list_available_variables()
    }
"""

PANDAS_FLOW = """
import pandas as pd
from hamilton.function_modifiers import config
from hamilton.plugins.h_pandas import with_columns

def upstream_factor() -> int:
    return 3

def initial_df() -> pd.DataFrame:
    return pd.DataFrame({"c1": [1, 2, 3], "c2": [10, 20, 30], "c3": [1, 1, 1]})

def _diff(c1: pd.Series, c2: pd.Series) -> pd.Series:
    return c2 - c1

def diff(c1: pd.Series, c2: pd.Series) -> pd.Series:
    return c2 - c1

@config.when(factor=5)
def times__5(c3: pd.Series) -> pd.Series:
    return c3 * 5

@config.when(factor=7)
def times__7(c3: pd.Series) -> pd.Series:
    return c3 * 7

def plus_user(c1: pd.Series, user_factor: int) -> pd.Series:
    return c1 + user_factor

def scaled(c2: pd.Series, upstream_factor: int) -> pd.Series:
    return c2 * upstream_factor

@with_columns(diff, times__5, times__7, plus_user, scaled, columns_to_pass=["c1", "c2", "c3"],
              select=["scaled", "diff", "times", "plus_user"], namespace="ns")
def final_df(initial_df: pd.DataFrame) -> pd.DataFrame:
    return initial_df

def replaced_c3(initial_df: pd.DataFrame) -> pd.Series:
    return initial_df["c1"] * 100

def half_c2(initial_df: pd.DataFrame, upstream_factor: int) -> pd.Series:
    return initial_df["c2"] / 2 + upstream_factor

@with_columns(replaced_c3, half_c2, on_input="initial_df")
def final_df_2(unused: int, initial_df: pd.DataFrame) -> pd.DataFrame:
    return initial_df

@with_columns(scaled, diff, columns_to_pass=["c1", "c2", "c3"])
def all_columns(initial_df: pd.DataFrame) -> pd.DataFrame:
    return initial_df
"""


def test_pandas_with_columns_nodes_and_results(in_both) -> None:
    script = (
        DESCRIBE
        + """
import flow
from hamilton import driver
for factor in (5, 7):
    dr = driver.Builder().with_modules(flow).with_config({"factor": factor}).build()
    emit(f"nodes_{factor}", describe(dr))
    emit(f"final_{factor}", dr.execute(["final_df"], inputs={"user_factor": 1000})["final_df"])
emit("on_input", dr.execute(["final_df_2", "initial_df"], inputs={"unused": 0}))
emit("all", dr.execute(["all_columns"])["all_columns"])
emit("all_order", list(dr.execute(["all_columns"])["all_columns"].columns))
emit_error("needs_user_factor", dr.execute, ["final_df"])
"""
    )
    ours, theirs = in_both(script, {"flow": PANDAS_FLOW})
    same(ours, theirs)


ERROR_CASES = """
import pandas as pd
from hamilton import ad_hoc_utils, driver
from hamilton.plugins.h_pandas import with_columns

COUNT = iter(range(1000))

def raw() -> pd.DataFrame:
    return pd.DataFrame({"a": [1, 2], "b": [3, 4]})

def a_plus(a: pd.Series) -> pd.Series:
    return a + 1

def a_count(a: pd.Series) -> int:
    return len(a)

def a(a: pd.Series) -> pd.Series:
    return a

def build(decorate, annotation=pd.DataFrame, with_raw=True):
    def target(raw: annotation) -> pd.DataFrame:
        return raw
    functions = [raw] if with_raw else []
    module = ad_hoc_utils.create_temporary_module(
        *functions, decorate()(target), module_name=f"m{next(COUNT)}"
    )
    return driver.Builder().with_modules(module).build()

def no_params(decorate):
    def target() -> pd.DataFrame:
        return raw()
    module = ad_hoc_utils.create_temporary_module(decorate()(target), module_name=f"m{next(COUNT)}")
    return driver.Builder().with_modules(module).build()

def b_times(b: pd.Series) -> pd.Series:
    return b * 2

def a_len(a: pd.Series) -> int:
    return len(a)

def scaled_by_len(a: pd.Series, a_len: int) -> pd.Series:
    return a * a_len

only_columns = build(lambda: with_columns(a_len, scaled_by_len, columns_to_pass=["a"]))
emit("without_select_only_columns_appended", only_columns.execute(["target"])["target"])

pruned = build(lambda: with_columns(a_plus, b_times, columns_to_pass=["a", "b"], select=["a_plus"]))
emit("pruned_to_selection", sorted(v.name for v in pruned.list_available_variables()))
emit("pruned_result", pruned.execute(["target"])["target"])
emit_error("unknown_select", build, lambda: with_columns(a_plus, columns_to_pass=["a"], select=["zz"]))
emit_error("select_not_a_column", build, lambda: with_columns(a_count, columns_to_pass=["a"], select=["a_count"]))
emit_error("not_a_dataframe", build, lambda: with_columns(a_plus, columns_to_pass=["a"], select=["a_plus"]), int, False)
emit_error("on_input_not_a_dataframe", build, lambda: with_columns(a_plus, on_input="raw"), int)
emit_error("no_parameters", no_params, lambda: with_columns(a_plus, columns_to_pass=["a"]))
emit_error("column_computed", build, lambda: with_columns(a, columns_to_pass=["a"], select=["a"]))
emit_error("both", lambda: with_columns(a_plus, columns_to_pass=["a"], on_input="raw"))
emit_error("pass_dataframe_as", lambda: with_columns(a_plus, pass_dataframe_as="df"))
emit_error("no_functions", lambda: build(lambda: with_columns(columns_to_pass=["a"])))
"""


def test_with_columns_errors_have_hamiltons_builtin_classes(in_both) -> None:
    ours, theirs = in_both(ERROR_CASES)
    same(ours, theirs)


EAGER_OPS = """
import polars as pl

def a_plus(a: pl.Series) -> pl.Series:
    return a + 1

def b_times(b: pl.Series, a_plus: pl.Series) -> pl.Series:
    return b * a_plus
"""

LAZY_OPS = """
import polars as pl

def e_plus(a: pl.Expr) -> pl.Expr:
    return a + 1

def e_times(b: pl.Expr, e_plus: pl.Expr) -> pl.Expr:
    return b * e_plus
"""

POLARS_FLOW = """
import polars as pl
from hamilton.plugins import h_polars, h_polars_lazyframe
import eager_ops
import lazy_ops

def raw() -> pl.DataFrame:
    return pl.DataFrame({"a": [1, 2, 3], "b": [10, 20, 30]})

def lazy_raw() -> pl.LazyFrame:
    return pl.LazyFrame({"a": [1, 2, 3], "b": [10, 20, 30]})

def _a_expr() -> pl.Expr:
    return pl.col("a") * 100

@h_polars.with_columns(eager_ops, columns_to_pass=["a", "b"], select=["b_times", "a_plus"])
def eager(raw: pl.DataFrame) -> pl.DataFrame:
    return raw

@h_polars.with_columns(_a_expr, on_input="raw", namespace="over")
def eager_expr(raw: pl.DataFrame) -> pl.DataFrame:
    return raw

@h_polars_lazyframe.with_columns(lazy_ops, columns_to_pass=["a", "b"])
def lazy(lazy_raw: pl.LazyFrame) -> pl.LazyFrame:
    return lazy_raw
"""


def test_polars_with_columns_eager_and_lazy(in_both) -> None:
    script = (
        DESCRIBE
        + """
import flow
from hamilton import driver
dr = driver.Builder().with_modules(flow).build()
emit("nodes", describe(dr))
result = dr.execute(["eager", "eager_expr", "lazy"])
emit("eager", result["eager"].to_dict(as_series=False))
emit("eager_expr", result["eager_expr"].to_dict(as_series=False))
emit("lazy_type", type(result["lazy"]).__name__)
emit("lazy", result["lazy"].collect().to_dict(as_series=False))
"""
    )
    ours, theirs = in_both(
        script, {"flow": POLARS_FLOW, "eager_ops": EAGER_OPS, "lazy_ops": LAZY_OPS}
    )
    same(ours, theirs)


def test_polars_result_builders(in_both) -> None:
    script = """
import numpy as np
import polars as pl
from hamilton.plugins import h_polars, h_polars_lazyframe

eager = h_polars.PolarsDataFrameResult()
emit("output_type", eager.output_type().__name__)
cases = {
    "series_and_scalar": dict(a=pl.Series([1, 2]), b=3),
    "scalars": dict(b=3, c="x"),
    "one_frame": dict(df=pl.DataFrame({"x": [1, 2]})),
    "one_lazy": dict(df=pl.LazyFrame({"x": [1]})),
    "one_series": dict(s=pl.Series("other", [1, 2])),
    "one_list": dict(a=[1, 2]),
    "one_array": dict(a=np.array([1, 2])),
    "frame_and_series": dict(d=pl.DataFrame({"x": [1, 2], "y": [3, 4]}), s=pl.Series([5, 6])),
    "empty": {},
}
for key, outputs in cases.items():
    emit(key, eager.build_result(**outputs).to_dict(as_series=False))
emit_error("unequal", eager.build_result, a=pl.Series([1, 2]), b=pl.Series([1, 2, 3]))
lazy = h_polars_lazyframe.PolarsLazyFrameResult()
emit("lazy_output_type", lazy.output_type().__name__)
for key, outputs in {"lf": dict(lf=pl.LazyFrame({"x": [1]})), "series": dict(a=pl.Series([1, 2]))}.items():
    built = lazy.build_result(**outputs)
    emit("lazy_" + key, [type(built).__name__, built.collect().to_dict(as_series=False)])
"""
    ours, theirs = in_both(script)
    same(ours, theirs)


def test_polars_result_builder_in_a_driver(in_both) -> None:
    module = """
import polars as pl

def a() -> pl.Series:
    return pl.Series([1, 2, 3])

def b(a: pl.Series) -> pl.Series:
    return a * 2

def total(b: pl.Series) -> int:
    return int(b.sum())
"""
    script = """
import flow
from hamilton import base, driver
from hamilton.plugins import h_polars
adapter = base.SimplePythonGraphAdapter(h_polars.PolarsDataFrameResult())
dr = driver.Driver({}, flow, adapter=adapter)
result = dr.execute(["a", "b", "total"])
emit("type", type(result).__name__)
emit("result", result.to_dict(as_series=False))
dr = driver.Builder().with_modules(flow).with_adapters(h_polars.PolarsDataFrameResult()).build()
emit("builder", dr.execute(["b", "total"]).to_dict(as_series=False))
"""
    ours, theirs = in_both(script, {"flow": module})
    same(ours, theirs)


def test_polars_savers_pick_polars_for_polars_frames(in_both) -> None:
    module = """
import pandas as pd
import polars as pl

def frame() -> pl.DataFrame:
    return pl.DataFrame({"a": [1, 2], "b": ["x", "y"]})

def lazy_frame() -> pl.LazyFrame:
    return pl.LazyFrame({"a": [3, 4]})

def pandas_frame() -> pd.DataFrame:
    return pd.DataFrame({"a": [5]})

def loaded(data: pl.DataFrame) -> pl.DataFrame:
    return data
"""
    script = """
import os
import polars as pl
import flow
from hamilton import driver
from hamilton.io.materialization import from_, to
dr = driver.Builder().with_modules(flow).build()
readers = {"csv": pl.read_csv, "parquet": pl.read_parquet, "feather": pl.read_ipc,
           "json": pl.read_json, "ndjson": pl.read_ndjson, "avro": pl.read_avro}
for kind, read in readers.items():
    eager, lazy = f"eager.{kind}", f"lazy.{kind}"
    meta, _ = dr.materialize(
        getattr(to, kind)(id="eager", dependencies=["frame"], file=eager),
        getattr(to, kind)(id="lazy", dependencies=["lazy_frame"], file=lazy),
    )
    emit(kind + "_meta", [sorted(meta["eager"]), meta["eager"]["dataframe_metadata"]["rows"],
                          meta["eager"]["dataframe_metadata"]["column_names"]])
    emit(kind, [read(eager).to_dict(as_series=False), read(lazy).to_dict(as_series=False)])
dr.materialize(to.csv(id="pandas", dependencies=["pandas_frame"], path="pandas.csv"))
emit("pandas_still_pandas", open("pandas.csv").read())
_, result = dr.materialize(from_.avro(target="data", file="eager.avro"), additional_vars=["loaded"])
emit("avro_loaded", result["loaded"].to_dict(as_series=False))
"""
    ours, theirs = in_both(script, {"flow": module})
    same(ours, theirs)


NARWHALS_FLOW = """
import narwhals as nw
import pandas as pd
import polars as pl
from hamilton.function_modifiers import config, tag

@config.when(load="pandas")
def df__pandas() -> nw.DataFrame:
    return pd.DataFrame({"a": [1, 1, 2, 2, 3], "b": [4, 5, 6, 7, 8]})

@config.when(load="pandas")
def values__pandas() -> nw.Series:
    return pd.Series([1, 3])

@config.when(load="polars")
def df__polars() -> nw.DataFrame:
    return pl.DataFrame({"a": [1, 1, 2, 2, 3], "b": [4, 5, 6, 7, 8]})

@config.when(load="polars")
def values__polars() -> nw.Series:
    return pl.Series([1, 3])

@tag(nw_kwargs=["eager_only"])
def matching_rows(df: nw.DataFrame, values: nw.Series, col_name: str) -> int:
    return df.filter(nw.col(col_name).is_in(values.to_numpy())).shape[0]

def mean_by_a(df: nw.DataFrame) -> nw.DataFrame:
    return df.group_by("a").agg(nw.col("b").mean()).sort("a")
"""


def test_narwhals_adapter_and_result_builder(in_both) -> None:
    script = """
import json
import flow
from hamilton import base, driver
from hamilton.plugins import h_narwhals, h_polars
for load, builder in (("pandas", base.PandasDataFrameResult()), ("polars", h_polars.PolarsDataFrameResult())):
    wrapped = h_narwhals.NarwhalsDataFrameResultBuilder(builder)
    emit(load + "_output_type", wrapped.output_type().__name__)
    dr = (driver.Builder().with_config({"load": load}).with_modules(flow)
          .with_adapters(h_narwhals.NarwhalsAdapter(), wrapped).build())
    result = dr.execute([flow.mean_by_a, flow.matching_rows], inputs={"col_name": "a"})
    emit(load, result.to_dict() if load == "pandas" else json.loads(result.write_json()))
    raw = driver.Builder().with_config({"load": load}).with_modules(flow).with_adapters(
        h_narwhals.NarwhalsAdapter()).build().execute(["mean_by_a"])
    emit(load + "_native", type(raw["mean_by_a"]).__module__.split(".")[0])
"""
    ours, theirs = in_both(script, {"flow": NARWHALS_FLOW})
    same(ours, theirs)
