"""``@check_output`` / ``@check_output_custom`` and ``hamilton_nb.data_quality`` through the
public API: the ``X_raw`` / ``X_<check>`` / ``X`` rewrite, logging of ``'warn'`` failures,
``DataValidationError`` for ``'fail'`` ones, and build errors for checks that do not fit.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from typing import Any

import numpy as np
import pandas as pd
import pytest

from hamilton_nb import ad_hoc_utils, driver, errors
from hamilton_nb.data_quality import base as dq
from hamilton_nb.data_quality import default_validators
from hamilton_nb.function_modifiers import check_output, check_output_custom, config, tag

DQ_LOGGER = "hamilton_nb.data_quality"


def build(*functions: Any, config_values: dict[str, Any] | None = None) -> driver.Driver:
    module = ad_hoc_utils.create_temporary_module(*functions)
    return driver.Builder().with_modules(module).with_config(config_values or {}).build()


def execute_twice(dr: driver.Driver, outputs: list[str], **inputs: Any) -> dict[str, Any]:
    dr.execute(outputs, inputs=inputs)
    return dr.execute(outputs, inputs=inputs)  # second run: compiled plan


def nodes_of(dr: driver.Driver) -> dict[str, Any]:
    return {n.name: n for n in dr.list_available_variables()}


class IsEven(dq.DataValidator):
    """A user-defined check on ints."""

    def applies_to(self, datatype: type[type]) -> bool:
        return isinstance(datatype, type) and issubclass(datatype, int)

    def description(self) -> str:
        return "Checks the number is even."

    @classmethod
    def name(cls) -> str:
        return "is_even"

    def validate(self, dataset: Any) -> dq.ValidationResult:
        return dq.ValidationResult(dataset % 2 == 0, f"{dataset} is odd", {"value": dataset})


# -- the rewrite ----------------------------------------------------------------------------


def test_check_output_rewrites_the_node_into_raw_checks_and_result() -> None:
    @check_output(data_type=np.int64, range=(0, 100))
    def scores(x: pd.Series) -> pd.Series:
        """Scores doubled."""
        return x * 2

    dr = build(scores)
    nodes = nodes_of(dr)
    assert set(nodes) == {
        "x",
        "scores_raw",
        "scores_data_type_validator",
        "scores_range_validator",
        "scores",
    }
    assert nodes["scores_raw"].required_dependencies == {"x"}
    assert nodes["scores_raw"].documentation == "Scores doubled."
    assert nodes["scores"].required_dependencies == {
        "scores_raw",
        "scores_data_type_validator",
        "scores_range_validator",
    }
    assert nodes["scores"].type is pd.Series
    assert nodes["scores"].documentation == "Scores doubled."
    check = nodes["scores_range_validator"]
    assert check.type is dq.ValidationResult
    assert check.required_dependencies == {"scores_raw"}
    assert check.tags["hamilton.data_quality.contains_dq_results"] is True
    assert check.tags["hamilton.data_quality.source_node"] == "scores"
    assert "[0, 100]" in check.documentation
    for node in nodes.values():
        if node.name != "x":
            assert [f.__name__ for f in node.originating_functions] == ["scores"]
    dq_nodes = dr.list_available_variables(
        tag_filter={"hamilton.data_quality.contains_dq_results": True}
    )
    assert {n.name for n in dq_nodes} == {"scores_data_type_validator", "scores_range_validator"}
    assert scores(pd.Series([1])).tolist() == [2]  # the function stays a plain callable


def test_passing_checks_return_the_raw_value_and_results(caplog: pytest.LogCaptureFixture) -> None:
    @check_output(range=(0, 10), importance="fail")
    def scores(x: pd.Series) -> pd.Series:
        return x

    dr = build(scores)
    with caplog.at_level(logging.WARNING, logger=DQ_LOGGER):
        result = execute_twice(dr, ["scores", "scores_range_validator"], x=pd.Series([0, 5, 10]))
    assert result["scores"].tolist() == [0, 5, 10]
    outcome = result["scores_range_validator"]
    assert outcome.passes and outcome.diagnostics["out_range"] == 0
    assert caplog.records == []


def test_warn_failures_are_logged_and_do_not_stop_the_run(caplog: pytest.LogCaptureFixture) -> None:
    @check_output(range=(0, 10))  # importance defaults to "warn"
    def scores(x: pd.Series) -> pd.Series:
        return x

    def total(scores: pd.Series) -> int:
        return int(scores.sum())

    dr = build(scores, total)
    with caplog.at_level(logging.WARNING, logger=DQ_LOGGER):
        for _ in range(2):
            assert dr.execute(["total"], inputs={"x": pd.Series([1, 50])}) == {"total": 51}
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "[scores:range_validator]" in warnings[0].getMessage()
    assert "1 of 2 values" in warnings[0].getMessage()


def test_fail_raises_data_validation_error_listing_each_failed_check(
    caplog: pytest.LogCaptureFixture,
) -> None:
    @check_output(range=(0, 10), values_in=[1, 2, 3], data_type=int, importance="fail")
    def level(y: int) -> int:
        return y

    dr = build(level)
    for _ in range(2):  # interpreted, then compiled
        with pytest.raises(dq.DataValidationError) as info:
            dr.execute(["level"], inputs={"y": 50})
        error = info.value
        assert isinstance(error, errors.HamiltonNBError)
        assert not isinstance(error, ValueError)  # a plain Exception, as in Hamilton
        message = str(error)
        assert "'level'" in message and "2 data quality check(s)" in message
        assert "[level:range_validator]" in message and "[level:values_in_validator]" in message
        assert "data_type_validator" not in message  # passed
        assert len(error.failures) == 2
    assert dr.execute(["level"], inputs={"y": 2}) == {"level": 2}


def test_mixed_importance_logs_warnings_and_raises_for_failures(
    caplog: pytest.LogCaptureFixture,
) -> None:
    @check_output(range=(0, 10), importance="fail")
    @check_output(values_in=[1, 2])
    def level(y: int) -> int:
        return y

    dr = build(level)
    with caplog.at_level(logging.WARNING, logger=DQ_LOGGER):
        assert execute_twice(dr, ["level"], y=5) == {"level": 5}  # only the warn check fails
        with pytest.raises(dq.DataValidationError, match=r"range_validator") as info:
            dr.execute(["level"], inputs={"y": 50})
    assert "values_in" not in str(info.value)
    assert any("values_in_validator" in r.getMessage() for r in caplog.records)


# -- combinations ---------------------------------------------------------------------------


def test_check_output_with_tag_tags_the_checked_node_only() -> None:
    @tag(owner="risk")
    @check_output(range=(0, 1))
    def probability(p: float) -> float:
        return p

    dr = build(probability)
    nodes = nodes_of(dr)
    assert nodes["probability"].tags.get("owner") == "risk"
    assert "owner" not in nodes["probability_raw"].tags
    assert "owner" not in nodes["probability_range_validator"].tags
    assert [n.name for n in dr.list_available_variables(tag_filter={"owner": "risk"})] == [
        "probability"
    ]
    assert execute_twice(dr, ["probability"], p=0.5) == {"probability": 0.5}


def test_stacked_check_outputs_share_one_raw_node() -> None:
    @check_output(range=(0, 100), importance="fail")
    @check_output(range=(0, 10))
    def level(y: int) -> int:
        return y

    dr = build(level)
    nodes = nodes_of(dr)
    assert set(nodes) == {
        "y",
        "level_raw",
        "level_range_validator",
        "level_range_validator_1",
        "level",
    }
    assert nodes["level"].required_dependencies == {
        "level_raw",
        "level_range_validator",
        "level_range_validator_1",
    }
    assert execute_twice(dr, ["level"], y=50) == {"level": 50}  # inner warns only
    with pytest.raises(dq.DataValidationError, match=r"\[level:range_validator\].*\(0, 100\)"):
        dr.execute(["level"], inputs={"y": 500})


def test_check_output_with_config_when() -> None:
    @check_output(range=(0, 10), importance="fail")
    @config.when(region="US")
    def price__us(base: int) -> int:
        return base

    @config.when(region="EU")
    def price__eu(base: int) -> int:
        return base * 100

    dr = build(price__us, price__eu, config_values={"region": "US"})
    assert {"price_raw", "price_range_validator", "price"} <= set(nodes_of(dr))
    assert execute_twice(dr, ["price"], base=3) == {"price": 3}
    with pytest.raises(dq.DataValidationError, match=r"\[price:range_validator\]"):
        dr.execute(["price"], inputs={"base": 30})
    eu = build(price__us, price__eu, config_values={"region": "EU"})
    assert "price_raw" not in nodes_of(eu)
    assert execute_twice(eu, ["price"], base=30) == {"price": 3000}


def test_check_output_target_checks_the_named_node() -> None:
    @check_output(range=(0, 10), importance="fail", target_="level_raw")
    @check_output(range=(0, 100))
    def level(y: int) -> int:
        return y

    nodes = nodes_of(build(level))
    assert {"level_raw_raw", "level_raw_range_validator", "level_range_validator"} <= set(nodes)


# -- default validators ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, data, passes",
    [
        ({"range": (0, 10)}, [0, 10], True),
        ({"range": (0, 10)}, [0, 11], False),
        ({"range": (0, 10)}, [1.0, np.nan], False),  # NaN lies outside every range
        ({"values_in": [1, 2]}, [1, 2, 2], True),
        ({"values_in": [1, 2]}, [1, 3], False),
        ({"values_in": [1, 2]}, [1.0, np.nan], True),  # missing values are not checked
        ({"data_type": np.integer}, [1, 2], True),
        ({"data_type": np.float64}, [1, 2], False),
        ({"max_fraction_nans": 0.5}, [1.0, np.nan], True),
        ({"max_fraction_nans": 0.4}, [1.0, np.nan], False),
        ({"allow_nans": False}, [1.0, 2.0], True),
        ({"allow_nans": False}, [1.0, np.nan], False),
        ({"max_standard_dev": 1.0}, [1, 2, 3], True),
        ({"max_standard_dev": 0.5}, [1, 2, 3], False),
        ({"mean_in_range": (1, 2)}, [1, 2, 3], True),
        ({"mean_in_range": (2.5, 3)}, [1, 2, 3], False),
        ({"allow_none": False}, [1], True),
    ],
)
def test_series_checks(kwargs: dict[str, Any], data: list[Any], passes: bool) -> None:
    @check_output(**kwargs)
    def series(x: pd.Series) -> pd.Series:
        return x

    (arg,) = kwargs
    outcome = execute_twice(build(series), [f"series_{arg}_validator"], x=pd.Series(data))
    assert bool(outcome[f"series_{arg}_validator"].passes) is passes


@pytest.mark.parametrize(
    "annotation, kwargs, value, passes",
    [
        (int, {"range": (0, 10)}, 10, True),
        (float, {"range": (0, 10)}, -0.5, False),
        (int, {"values_in": [1, 2]}, 3, False),
        (str, {"values_in": ["a", "b"]}, "a", True),
        (int, {"data_type": int}, 1, True),
        (float, {"data_type": float}, 1, False),
        (str, {"contains": ["ab", "cd"]}, "xabcdx", True),
        (str, {"contains": "zz"}, "xab", False),
        (str, {"does_not_contain": ["q"]}, "xab", True),
        (str, {"does_not_contain": ["q", "b"]}, "xab", False),
        (int | None, {"range": (0, 10)}, None, False),
        (dict | None, {"allow_none": False}, None, False),
        (dict | None, {"allow_none": True}, None, True),
    ],
)
def test_value_checks(annotation: Any, kwargs: dict[str, Any], value: Any, passes: bool) -> None:
    def produce(v: Any) -> Any:
        return v

    produce.__annotations__["return"] = annotation
    checked = check_output(**kwargs)(produce)
    (arg,) = kwargs
    outcome = execute_twice(build(checked), [f"produce_{arg}_validator"], v=value)
    assert outcome[f"produce_{arg}_validator"].passes is passes


def test_resolve_default_validators_picks_by_type() -> None:
    series_checks = default_validators.resolve_default_validators(
        pd.Series, "warn", range=(0, 1), allow_nans=False
    )
    assert [type(v).__name__ for v in series_checks] == [
        "DataInRangeValidatorPandasSeries",
        "AllowNaNsValidatorPandasSeries",
    ]
    assert [v.name() for v in series_checks] == ["range_validator", "allow_nans_validator"]
    (number_check,) = default_validators.resolve_default_validators(int, "fail", range=(0, 1))
    assert isinstance(number_check, default_validators.DataInRangeValidatorPrimitives)
    assert number_check.importance is dq.DataValidationLevel.FAIL


# -- build errors ---------------------------------------------------------------------------


def test_check_that_does_not_fit_the_type_is_a_build_error() -> None:
    @check_output(max_standard_dev=1.0)
    def count(y: int) -> int:
        return y

    with pytest.raises(errors.InvalidDecoratorError) as info:
        build(count)
    message = str(info.value)
    assert "count'" in message and "@check_output" in message
    assert "max_standard_dev" in message and "pandas Series" in message


def test_unknown_check_is_a_build_error_with_a_suggestion() -> None:
    @check_output(rnage=(0, 1))
    def count(y: int) -> int:
        return y

    with pytest.raises(errors.InvalidDecoratorError, match=r"count'.*@check_output.*'range'"):
        build(count)


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({}, "at least one check"),
        ({"range": (0, 1), "importance": "critical"}, "'critical'"),
        ({"range": (5, 1)}, "low must not exceed high"),
        ({"range": "0-1"}, "(low, high) pair"),
        ({"allow_none": False, "target_": 3}, "target_=3"),
    ],
)
def test_invalid_check_output_arguments_are_build_errors(
    kwargs: dict[str, Any], fragment: str
) -> None:
    @check_output(**kwargs)
    def count(y: int) -> int:
        return y

    with pytest.raises(errors.InvalidDecoratorError) as info:
        build(count)
    assert "count'" in str(info.value) and "@check_output" in str(info.value)
    assert fragment in str(info.value)


def test_allow_nans_true_is_refused() -> None:
    @check_output(allow_nans=True)
    def series(x: pd.Series) -> pd.Series:
        return x

    with pytest.raises(
        errors.InvalidDecoratorError, match=r"series'.*allow_nans.*only accepts False"
    ):
        build(series)


# -- check_output_custom ----------------------------------------------------------------------


def test_check_output_custom_runs_user_validators() -> None:
    @check_output_custom(IsEven("fail"), IsEven("warn"))
    def number(y: int) -> int:
        return y

    dr = build(number)
    nodes = nodes_of(dr)
    assert {"number_raw", "number_is_even", "number_is_even_1", "number"} <= set(nodes)
    assert nodes["number_is_even"].documentation == "Checks the number is even."
    assert execute_twice(dr, ["number"], y=4) == {"number": 4}
    with pytest.raises(dq.DataValidationError) as info:
        dr.execute(["number"], inputs={"y": 3})
    assert info.value.failures == ["[number:is_even] 3 is odd (diagnostics: {'value': 3})"]


def test_custom_validator_that_does_not_apply_is_a_build_error() -> None:
    @check_output_custom(IsEven("warn"))
    def label(y: int) -> str:
        return str(y)

    with pytest.raises(errors.InvalidDecoratorError) as info:
        build(label)
    message = str(info.value)
    assert "label'" in message and "@check_output_custom" in message
    assert "'is_even'" in message and "IsEven" in message and "str" in message


def test_check_output_custom_needs_validator_instances() -> None:
    @check_output_custom(IsEven)  # type: ignore[arg-type]  # the class, not an instance
    def number(y: int) -> int:
        return y

    with pytest.raises(
        errors.InvalidDecoratorError, match=r"number'.*@check_output_custom.*IsEven"
    ):
        build(number)


def test_validator_returning_the_wrong_type_fails_clearly() -> None:
    class Broken(IsEven):
        def validate(self, dataset: Any) -> Any:
            return True

    @check_output_custom(Broken("warn"))
    def number(y: int) -> int:
        return y

    with pytest.raises(errors.ExecutionError, match=r"number_is_even.*ValidationResult"):
        build(number).execute(["number"], inputs={"y": 2})


# -- data_quality.base ----------------------------------------------------------------------


def test_data_quality_base_contract() -> None:
    assert dq.DataValidationLevel("warn") is dq.DataValidationLevel.WARN
    assert dq.DataValidationLevel.FAIL.value == "fail"
    assert dq.ValidationResult(True, "ok").diagnostics == {}
    with pytest.raises(TypeError):
        dq.DataValidator("warn")  # type: ignore[abstract]
    assert IsEven("fail").importance is dq.DataValidationLevel.FAIL
    with pytest.raises(errors.InvalidDecoratorError, match="'urgent'"):
        IsEven("urgent")
    assert issubclass(default_validators.DataInRangeValidatorPrimitives, dq.BaseDefaultValidator)
    assert default_validators.DataInRangeValidatorPrimitives.name() == "range_validator"
    assert default_validators.DataInRangeValidatorPrimitives.arg() == "range"


def test_importing_validation_does_not_import_pandas() -> None:
    code = (
        "import sys\n"
        "from hamilton_nb.function_modifiers import check_output, tag\n"
        "from hamilton_nb.data_quality import base, default_validators\n"
        "check_output(range=(0, 1))\n"
        "assert 'pandas' not in sys.modules, 'pandas imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- pandera --------------------------------------------------------------------------------


def _pandera() -> Any:
    return pytest.importorskip("pandera.pandas")


def test_pandera_dataframe_schema() -> None:
    pa = _pandera()
    frame_schema = pa.DataFrameSchema({"a": pa.Column(int, pa.Check.ge(0))})

    @check_output(schema=frame_schema, importance="fail")
    def frame(n: int) -> pd.DataFrame:
        return pd.DataFrame({"a": [n, n + 1]})

    dr = build(frame)
    check = nodes_of(dr)["frame_pandera_schema_validator"]
    assert check.tags["hamilton.data_quality.source_node"] == "frame"
    result = execute_twice(dr, ["frame"], n=1)
    assert result["frame"]["a"].tolist() == [1, 2]
    with pytest.raises(dq.DataValidationError, match=r"\[frame:pandera_schema_validator\].*'a'"):
        dr.execute(["frame"], inputs={"n": -5})


def test_pandera_series_schema_warns(caplog: pytest.LogCaptureFixture) -> None:
    pa = _pandera()

    @check_output(schema=pa.SeriesSchema(int, pa.Check.ge(0)))
    def values(n: int) -> pd.Series:
        return pd.Series([n, -1])

    dr = build(values)
    with caplog.at_level(logging.WARNING, logger=DQ_LOGGER):
        outcome = execute_twice(dr, ["values", "values_pandera_schema_validator"], n=1)
    assert outcome["values_pandera_schema_validator"].passes is False
    assert outcome["values_pandera_schema_validator"].diagnostics["schema_errors"]
    assert any("pandera_schema_validator" in r.getMessage() for r in caplog.records)


def test_pandera_dataframe_model_and_wrong_schema_kind() -> None:
    pa = _pandera()

    class Model(pa.DataFrameModel):
        a: int

    @check_output(schema=Model, importance="fail")
    def frame(n: int) -> pd.DataFrame:
        return pd.DataFrame({"a": [n]})

    assert execute_twice(build(frame), ["frame"], n=1)["frame"]["a"].tolist() == [1]

    @check_output(schema=pa.SeriesSchema(int))
    def table(n: int) -> pd.DataFrame:
        return pd.DataFrame({"a": [n]})

    with pytest.raises(
        errors.InvalidDecoratorError, match=r"table'.*@check_output.*DataFrameSchema"
    ):
        build(table)


def test_schema_without_pandera_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    import hamilton_nb.data_quality as dq_package

    monkeypatch.setitem(sys.modules, "hamilton_nb.data_quality.pandera_validators", None)
    monkeypatch.delattr(dq_package, "pandera_validators", raising=False)

    @check_output(schema=object())
    def frame(n: int) -> pd.DataFrame:
        return pd.DataFrame({"a": [n]})

    with pytest.raises(
        errors.InvalidDecoratorError, match=r"frame'.*@check_output.*pip install pandera"
    ):
        build(frame)
