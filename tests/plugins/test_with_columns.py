"""``@with_columns`` behaviour Hamilton has no say in: our error messages, laziness, no
mutation of the input DataFrame, and the polars Expr path in eager frames."""

from __future__ import annotations

import subprocess
import sys

import pytest

from hamilton_nb import ad_hoc_utils, driver, errors

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")

from hamilton_nb.plugins import h_pandas, h_polars  # noqa: E402

_COUNT = iter(range(10_000))


def _build(*functions):
    module = ad_hoc_utils.create_temporary_module(*functions, module_name=f"wc{next(_COUNT)}")
    return driver.Builder().with_modules(module).build()


def raw() -> pd.DataFrame:
    return pd.DataFrame({"a": [1, 2], "b": [3, 4]})


def a_plus(a: pd.Series) -> pd.Series:
    return a + 1


def _target():
    def target(raw: pd.DataFrame) -> pd.DataFrame:
        return raw

    return target


def test_input_frame_is_not_modified_and_result_has_new_columns() -> None:
    original = pd.DataFrame({"a": [1, 2], "b": [3, 4]})

    def source() -> pd.DataFrame:
        return original

    def target(source: pd.DataFrame) -> pd.DataFrame:
        return source

    decorated = h_pandas.with_columns(a_plus, columns_to_pass=["a"], select=["a_plus"])(target)
    result = _build(source, decorated).execute(["target"])["target"]
    assert list(result.columns) == ["a", "b", "a_plus"]
    assert list(original.columns) == ["a", "b"]


def test_on_input_names_a_later_parameter() -> None:
    def doubled_a(raw: pd.DataFrame) -> pd.Series:
        return raw["a"] * 2

    def target(factor: int, raw: pd.DataFrame) -> pd.DataFrame:
        return raw * factor

    decorated = h_pandas.with_columns(doubled_a, on_input="raw", namespace="ns")(target)
    dr = _build(raw, decorated)
    assert {v.name for v in dr.list_available_variables()} >= {"ns.doubled_a", "ns._append"}
    result = dr.execute(["target"], inputs={"factor": 10})["target"]
    assert result["doubled_a"].tolist() == [20, 40]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"columns_to_pass": ["a"], "on_input": "raw"}, "not both"),
        ({}, "columns_to_pass=[...]"),
        ({"columns_to_pass": "a"}, "write columns_to_pass=['a']"),
        ({"columns_to_pass": ["a"], "select": "a_plus"}, "write select=['a_plus']"),
        ({"columns_to_pass": ["a"], "namespace": ""}, "namespace= must be a non-empty string"),
    ],
)
def test_bad_arguments_fail_when_decorating(kwargs, message) -> None:
    with pytest.raises(errors.InvalidDecoratorError, match=message.replace("[", r"\[")):
        h_pandas.with_columns(a_plus, **kwargs)


def test_pass_dataframe_as_points_to_on_input() -> None:
    with pytest.raises(NotImplementedError, match="on_input"):
        h_pandas.with_columns(a_plus, pass_dataframe_as="df")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"columns_to_pass": ["a"], "select": ["a_plsu"]}, "did you mean 'a_plus'"),
        ({"on_input": "nope"}, "on_input='nope' is not a parameter"),
        ({"columns_to_pass": ["a"], "config_required": ["mode"]}, "requires config key"),
    ],
)
def test_build_errors_name_the_function_and_the_fix(kwargs, message) -> None:
    decorated = h_pandas.with_columns(a_plus, **kwargs)(_target())
    with pytest.raises(errors.InvalidDecoratorError, match=message) as info:
        _build(raw, decorated)
    assert "@with_columns" in str(info.value) and "target" in str(info.value)


def test_wrong_library_names_the_right_plugin() -> None:
    decorated = h_polars.with_columns(a_plus, columns_to_pass=["a"])(_target())
    with pytest.raises(errors.InvalidDecoratorError, match="h_pandas.with_columns"):
        _build(raw, decorated)


def test_missing_column_is_reported_at_run_time() -> None:
    def c_plus(c: pd.Series) -> pd.Series:
        return c + 1

    decorated = h_pandas.with_columns(c_plus, columns_to_pass=["c"])(_target())
    with pytest.raises(errors.ExecutionError, match="column 'c' is missing"):
        _build(raw, decorated).execute(["target"])


def test_config_required_limits_the_subdag_config() -> None:
    from hamilton_nb.function_modifiers import config

    @config.when(mode="x")
    def col__x(a: pd.Series) -> pd.Series:
        return a * 7

    decorated = h_pandas.with_columns(
        col__x, columns_to_pass=["a"], select=["col"], config_required=["mode"]
    )(_target())
    module = ad_hoc_utils.create_temporary_module(raw, decorated, module_name="wc_config")
    dr = driver.Builder().with_modules(module).with_config({"mode": "x"}).build()
    assert dr.execute(["target"])["target"]["col"].tolist() == [7, 14]


def test_polars_eager_accepts_expressions_with_on_input() -> None:
    def frame() -> pl.DataFrame:
        return pl.DataFrame({"a": [1, 2]})

    def hundred() -> pl.Expr:
        return pl.col("a") * 100

    def target(frame: pl.DataFrame) -> pl.DataFrame:
        return frame

    # an Expr is not a Series: only with an explicit select is it appended (and type-checked)
    decorated = h_polars.with_columns(hundred, on_input="frame")(target)
    assert _build(frame, decorated).execute(["target"])["target"].columns == ["a"]


def test_plugin_imports_stay_light(subprocess_env) -> None:
    code = (
        "import sys, hamilton_nb, hamilton_nb.plugins.h_pandas, hamilton_nb.plugins.h_polars, "
        "hamilton_nb.plugins.h_polars_lazyframe, hamilton_nb.plugins.h_narwhals, "
        "hamilton_nb.plugins.jupyter_magic\n"
        "print(sorted(m for m in ('pandas', 'polars', 'narwhals', 'IPython') if m in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=subprocess_env, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_missing_polars_is_one_line_with_the_install_command(subprocess_env) -> None:
    code = (
        "import importlib.util, sys\n"
        "real = importlib.util.find_spec\n"
        "importlib.util.find_spec = lambda name, *a: None if name == 'polars' else real(name, *a)\n"
        "try:\n"
        "    import hamilton_nb.plugins.h_polars\n"
        "except ImportError as exc:\n"
        "    print(type(exc).__name__, exc)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=subprocess_env, timeout=60
    )
    assert proc.stdout.strip() == (
        "MissingDependencyError hamilton_nb.plugins.h_polars needs polars: pip install polars"
    )
