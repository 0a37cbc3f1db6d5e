"""Result builders and the legacy adapters: the type and contents of what ``execute`` returns."""

from __future__ import annotations

from .conftest import catchable_alike, same

OUTPUTS = """
import numpy as np
import pandas as pd

def s1() -> pd.Series:
    return pd.Series([1, 2, 3], name="s1")

def s2() -> pd.Series:
    return pd.Series([4.0, 5.0, 6.0])

def sc() -> int:
    return 7

def df() -> pd.DataFrame:
    return pd.DataFrame({"x": [1, 2, 3], "y": ["a", "b", "c"]})

def arr() -> np.ndarray:
    return np.array([1, 2, 3])

def lst() -> list:
    return [1, 2, 3]

def s_idx() -> pd.Series:
    return pd.Series([1, 2], index=["a", "b"])

def d() -> dict:
    return {"k": 1}
"""

SCRIPT = """
import warnings
import flow
from hamilton import base, driver
warnings.simplefilter("ignore")

def run(label, outputs, builder):
    adapter = base.SimplePythonGraphAdapter(builder)
    result = emit_error(label, driver.Driver({}, flow, adapter=adapter).execute, outputs)
    emit(label + ":type", type(result).__name__)

frames = base.PandasDataFrameResult()
run("order", ["s2", "s1"], frames)
run("scalar and series", ["s1", "sc"], frames)
run("frame and series", ["df", "s1"], frames)
run("one frame", ["df"], frames)
run("one scalar", ["sc"], frames)
run("array and series", ["arr", "s1"], frames)
run("list and series", ["lst", "s1"], frames)
run("a dict", ["d"], frames)
run("two index types", ["s1", "s_idx"], frames)
run("strict index types", ["s1", "s_idx"], base.StrictIndexTypePandasDataFrameResult())
run("numpy matrix", ["s1", "s2"], base.NumpyMatrixResult())
run("numpy matrix with a scalar", ["s1", "sc"], base.NumpyMatrixResult())
run("dict result", ["s1", "sc"], base.DictResult())
emit("legacy default", driver.Driver({}, flow).execute(["s2", "s1", "sc"]))
"""


def test_result_builders_return_what_hamiltons_return(in_both) -> None:
    ours, theirs = in_both(SCRIPT, {"flow": OUTPUTS})
    failing = ["strict index types"]
    compared = [k for k in theirs if not k.startswith("__") and k.split(":")[0] not in failing]
    same(ours, theirs, *compared)
    catchable_alike(ours, theirs, *failing)
    assert theirs["numpy matrix:type"] == "matrix"
