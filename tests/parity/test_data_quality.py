"""Data quality parity: ``@check_output`` / ``@check_output_custom`` as Hamilton runs them.

Compared field by field: the validators' verdicts (``passes`` and its type, ``diagnostics``;
messages are our own wording, so only their type is compared), the dq nodes (names, types,
the ``hamilton.data_quality.*`` tags), what failing checks raise (builtin bases), and which
failures are logged at which level, under the legacy ``Driver``, ``Builder`` and dynamic
execution with thread and synchronous executors.
"""

from __future__ import annotations

import pytest

from .conftest import same

# Helpers shared by the scenarios (plain Hamilton user code).
PRELUDE = """
import logging, re

def fields(result):
    \"\"\"A ValidationResult, field by field (the message by type only: wording differs).\"\"\"
    def plain(value):
        if isinstance(value, (set, frozenset)):
            return {"set": sorted(map(repr, value))}
        return describe(value)
    return {
        "class": type(result).__name__,
        "passes": plain(result.passes),
        "message": type(result.message).__name__,
        "diagnostics": {k: plain(v) for k, v in result.diagnostics.items()},
    }

class Checks(logging.Handler):
    \"\"\"Records (level, [node:check]) of what the data quality module logs.\"\"\"
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.seen = []
    def emit(self, record):
        if record.name.endswith("data_quality.base"):
            found = re.findall(r"\\[\\w+:\\w+\\]", record.getMessage())
            self.seen.append([record.levelname, *found])

checks = Checks()
logging.getLogger().addHandler(checks)
logging.getLogger().setLevel(logging.DEBUG)
"""

DATA_TYPE_CASES = """
import numpy as np
import pandas as pd
from hamilton.data_quality import default_validators as dv

series = {
    "int64": pd.Series([1, 2, 3]),
    "int32": pd.Series([1, 2], dtype="int32"),
    "float64": pd.Series([1.0, 2.5]),
    "bool": pd.Series([True, False]),
    "str": pd.Series(["a", "b"]),
    "object": pd.Series([1, "a"], dtype=object),
    "Float64": pd.Series([2.3, 4.5], dtype=pd.Float64Dtype()),
    "Int64": pd.Series([1, None], dtype="Int64"),
}
required = {
    "int": int, "float": float, "bool": bool, "str": str, "object": object,
    "np.int64": np.int64, "np.int32": np.int32, "np.float64": np.float64,
    "np.number": np.number, "np.integer": np.integer, "np.floating": np.floating,
    "dtype(int)": np.dtype("int"), "dtype(object)": np.dtype("object"), "'int64'": "int64",
}
for rname, req in required.items():
    for sname, data in series.items():
        validator = dv.DataTypeValidatorPandasSeries(req, "warn")
        emit(f"series {rname} {sname}", fields(validator.validate(data)))

values = {
    "int": 1, "float": 2.0, "bool": True, "str": "abc", "None": None,
    "np.int64": np.int64(3), "np.float64": np.float64(1.5), "np.bool_": np.bool_(True),
    "np.str_": np.str_("x"), "ndarray": np.array([1, 2]), "list": [1],
}
for rname in ["int", "float", "bool", "str", "np.int64", "np.float64", "np.number", "object"]:
    for vname, data in values.items():
        validator = dv.DataTypeValidatorPrimitives(required[rname], "warn")
        emit(f"value {rname} {vname}", fields(validator.validate(data)))

annotations = [int, float, bool, str, np.int64, np.float64, np.bool_, np.ndarray, pd.Series, list]
for annotation in annotations:
    emit(f"applies {annotation.__name__}", [
        cls.__name__ for cls in dv.AVAILABLE_DEFAULT_VALIDATORS
        if cls.arg() == "data_type" and cls.applies_to(annotation)
    ])
"""


def test_data_type_checks_follow_numpy_and_isinstance_rules(in_both) -> None:
    ours, theirs = in_both(PRELUDE + DATA_TYPE_CASES)
    same(ours, theirs)
    assert theirs["series int int64"]["dict"]["passes"] is True  # the headline case
    assert theirs["series int int32"]["dict"]["passes"] is False


OTHER_CHECKS = """
import numpy as np
import pandas as pd
from hamilton.data_quality import default_validators as dv

cases = [
    ("range_s_in", dv.DataInRangeValidatorPandasSeries, (0, 1), pd.Series([0.1, 0.5])),
    ("range_s_out", dv.DataInRangeValidatorPandasSeries, (0, 1), pd.Series([0.1, 5.0, None])),
    ("range_p_in", dv.DataInRangeValidatorPrimitives, (0, 10), 3),
    ("range_p_np", dv.DataInRangeValidatorPrimitives, (0, 10), np.float64(30.0)),
    ("range_p_npint", dv.DataInRangeValidatorPrimitives, (0, 10), np.int64(3)),
    ("values_s", dv.DataInValuesValidatorPandasSeries, [1, 2], pd.Series([1, 2, 3, 3, None])),
    ("values_p_in", dv.DataInValuesValidatorPrimitives, [1, 2], 2),
    ("values_p_out", dv.DataInValuesValidatorPrimitives, [1, 2], 5),
    ("nans_ok", dv.MaxFractionNansValidatorPandasSeries, 0.5, pd.Series([1.0, None, 2.0])),
    ("nans_bad", dv.MaxFractionNansValidatorPandasSeries, 0.1, pd.Series([1.0, None])),
    ("allow_nans", dv.AllowNaNsValidatorPandasSeries, False, pd.Series([1.0, None])),
    ("std", dv.MaxStandardDevValidatorPandasSeries, 0.01, pd.Series([0.1, 0.4])),
    ("mean", dv.MeanInRangeValidatorPandasSeries, (0, 1), pd.Series([0.1, 0.4])),
    ("none_bad", dv.AllowNoneValidator, False, None),
    ("none_ok", dv.AllowNoneValidator, False, 1),
    ("contains_ok", dv.StrContainsValidator, "o b", "foo bar"),
    ("contains_bad", dv.StrContainsValidator, ["oof", "bar"], "foo bar"),
    ("not_contains_bad", dv.StrDoesNotContainValidator, "o b", "foo bar"),
    ("not_contains_ok", dv.StrDoesNotContainValidator, ["zz"], "foo bar"),
]
for key, cls, arg, data in cases:
    validator = cls(**{cls.arg(): arg, "importance": "warn"})
    emit(key, fields(validator.validate(data)))
    emit(key + " name", validator.name())
emit_error("bad importance", dv.DataInRangeValidatorPrimitives, (0, 1), "loud")
emit_error("bad fraction", dv.MaxFractionNansValidatorPandasSeries, 2.0, "warn")
emit_error("allow_nans true", dv.AllowNaNsValidatorPandasSeries, True, "warn")
"""


def test_default_checks_report_the_same_verdicts_and_diagnostics(in_both) -> None:
    ours, theirs = in_both(PRELUDE + OTHER_CHECKS)
    same(ours, theirs)


# Our own module in the spirit of Hamilton's data-quality test resource: a Series range check
# that fails or passes on an input, a warn-level check and numpy-valued nodes.
FLOW = """
import numpy as np
import pandas as pd
from hamilton.function_modifiers import check_output, check_output_custom
from hamilton.data_quality.base import DataValidator, ValidationResult

@check_output(range=(0, 1), importance="fail")
def share(should_fail: bool) -> pd.Series:
    return pd.Series([0.2, 7.5] if should_fail else [0.2, 0.9])

@check_output(range=(0, 100), importance="warn")
def total(share: pd.Series) -> float:
    return np.float64(share.sum() * 50)

class AllPositive(DataValidator):
    def applies_to(self, datatype):
        return datatype is np.ndarray
    def description(self):
        return "every element is positive"
    @classmethod
    def name(cls):
        return "all_positive"
    def validate(self, dataset):
        return ValidationResult(
            passes=bool((dataset > 0).all()),
            message="checked",
            diagnostics={"size": int(dataset.size), "negatives": int((dataset <= 0).sum())},
        )

@check_output_custom(AllPositive(importance="warn"), AllPositive(importance="warn"))
def offsets(share: pd.Series) -> np.ndarray:
    return share.to_numpy() - 0.5

@check_output(data_type=int, importance="fail")
def counts(share: pd.Series) -> pd.Series:
    return pd.Series([len(share), 3])
"""

DRIVERS = """
import flow
from hamilton import base, driver
from hamilton.execution import executors
from hamilton.data_quality.base import DataValidationError, ValidationResult

def dynamic(local, remote):
    return (driver.Builder().enable_dynamic_execution(allow_experimental_mode=True)
            .with_modules(flow).with_remote_executor(remote).with_local_executor(local).build())

factories = {
    "legacy": lambda: driver.Driver({}, flow),
    "legacy_default_adapter": lambda: driver.Driver({}, flow, adapter=base.DefaultAdapter()),
    "builder": lambda: driver.Builder().with_modules(flow).build(),
    "threads": lambda: dynamic(executors.MultiThreadingExecutor(max_tasks=3),
                               executors.MultiThreadingExecutor(max_tasks=3)),
    "synchronous": lambda: dynamic(executors.SynchronousLocalTaskExecutor(),
                                   executors.SynchronousLocalTaskExecutor()),
}
"""

SCENARIO = """
dr = factories[KIND]()
variables = dr.list_available_variables()
emit("nodes", sorted((v.name, v.type.__name__) for v in variables))
dq = sorted(
    v.name for v in variables if v.tags.get("hamilton.data_quality.contains_dq_results", False)
)
emit("dq nodes", dq)
emit("dq tags", {v.name: {k: describe(t) for k, t in v.tags.items() if k.startswith("hamilton.")}
                 for v in variables if v.name in dq})
wanted = [v.name for v in variables if v.name != "should_fail"]

checks.seen.clear()
result = dr.execute(wanted, inputs={"should_fail": False})
for name in dq:
    value = result[name]
    if hasattr(value, "iloc"):  # legacy drivers build a DataFrame
        value = value.iloc[0]
    emit("passing " + name, fields(value))
emit("passing logs", checks.seen)
emit("passing share", list(result["share"]))

checks.seen.clear()
error = emit_error("failing", dr.execute, wanted, inputs={"should_fail": True})
emit("failing class", type(error).__name__)
emit("failing is DataValidationError", isinstance(error, DataValidationError))
emit("failing logs", checks.seen)
"""


@pytest.mark.parametrize(
    "kind", ["legacy", "legacy_default_adapter", "builder", "threads", "synchronous"]
)
def test_checked_dataflow_behaves_the_same_under_every_driver(in_both, kind: str) -> None:
    script = PRELUDE + DRIVERS + f"KIND = {kind!r}\n" + SCENARIO
    ours, theirs = in_both(script, {"flow": FLOW})
    same(ours, theirs)
    assert theirs["failing"] == {"raises": ["Exception", "BaseException", "object"]}
    assert theirs["dq nodes"] == {
        "list": [
            "counts_data_type_validator",
            "offsets_all_positive",
            "offsets_all_positive_1",
            "share_range_validator",
            "total_range_validator",
        ]
    }
    assert theirs["passing counts_data_type_validator"]["dict"]["passes"] is True  # int64 is int


BUILD_ERRORS = """
import numpy as np
import pandas as pd
from hamilton import ad_hoc_utils, driver
from hamilton.function_modifiers import (
    DATA_VALIDATOR_ORIGINAL_OUTPUT_TAG, IS_DATA_VALIDATOR_TAG, check_output,
)

emit("tags", [IS_DATA_VALIDATOR_TAG, DATA_VALIDATOR_ORIGINAL_OUTPUT_TAG])

def build(fn):
    return driver.Builder().with_modules(ad_hoc_utils.create_temporary_module(fn)).build()

def array_range() -> np.ndarray:
    return np.array([1])

def frame_dtype() -> pd.DataFrame:
    return pd.DataFrame({"a": [1]})

def numpy_scalar() -> np.float64:
    return np.float64(0.5)

emit_error("range on ndarray", lambda: build(check_output(range=(0, 1))(array_range)))
emit_error("unknown check", lambda: build(check_output(dtype=np.int64)(frame_dtype)))
emit_error("data_type on frame", lambda: build(check_output(data_type=np.int64)(frame_dtype)))
dr = build(check_output(range=(0, 1), importance="fail")(numpy_scalar))
emit("numpy scalar", sorted(v.name for v in dr.list_available_variables()))
checked = dr.execute(["numpy_scalar_range_validator"])["numpy_scalar_range_validator"]
emit("numpy scalar result", fields(checked))
"""


def test_build_errors_and_numpy_annotations(in_both) -> None:
    ours, theirs = in_both(PRELUDE + BUILD_ERRORS)
    same(ours, theirs)
    assert theirs["range on ndarray"]["raises"][0] == "ValueError"
