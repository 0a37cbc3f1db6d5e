"""``@pipe_input``, ``@pipe_output``, ``@mutate`` and ``step``/``apply_to(...).named``: the same
node names, types and results as Hamilton on modules that exercise what Hamilton's own test
resources and its ``examples/mutate`` exercise (named steps, ``when`` conditions, ``source`` and
``value`` arguments, keyword-only step parameters, ``on_input``/``on_output``, a pipe namespace,
an empty step name, mutating extracted fields and columns, a mutation defined twice)."""

from __future__ import annotations

from .conftest import same

# Runs ``flow`` under each config and records the graph and the requested outputs.
SCRIPT = """
import flow
from hamilton import driver

for label, config, outputs, inputs in CASES:
    dr = driver.Builder().with_modules(flow).with_config(config).build()
    emit(label + ":nodes", sorted(
        (v.name, str(v.type), v.is_external_input) for v in dr.list_available_variables()
    ))
    emit(label + ":deps", sorted(
        (v.name, sorted(v.required_dependencies), sorted(v.optional_dependencies))
        for v in dr.list_available_variables()
    ))
    emit(label + ":result", dr.execute(outputs, inputs=inputs))
"""


def _script(cases: str) -> str:
    return f"CASES = {cases}\n" + SCRIPT


STEPS = """
def _add_one(v: int) -> int:
    return v + 1

def _add_n(v: int, n: int) -> int:
    return v + n

def _times(v: int, *, n: int) -> int:
    return v * n

def _square(v: int) -> int:
    return v * v

def _suffix(x: str, tail: str = "!") -> str:
    return x + tail
"""

PIPE_INPUT = (
    STEPS
    + """
from hamilton.function_modifiers import pipe_input, source, step, value

def v() -> int:
    return 3

def w() -> int:
    return 5

@pipe_input(
    step(_add_one).named("a"),
    step(_add_n, n=3).named("b").when(extra=True),
    step(_add_n, n=source("offset")).named("c"),
    step(_times, n=value(2)).named("d"),
)
def named_chain(v: int) -> int:
    return v * 10

@pipe_input(step(_square), step(_add_one), step(_add_one), step(_times, n=4))
def unnamed_chain(v: int) -> int:
    return v - 1

@pipe_input(
    step(_add_one).named("a"),
    step(_times, n=source("offset")).named("b"),
    on_input="w",
    namespace="shared",
)
def on_second_input(v: int, w: int) -> int:
    return v + w

@pipe_input(step(_add_one).named("first", namespace=None), step(_square).named(""))
def odd_names(w: int) -> int:
    return w
"""
)

PIPE_OUTPUT = (
    STEPS
    + """
from hamilton.function_modifiers import pipe_output, source, step, value

def greeting() -> str:
    return "hi"

def v() -> int:
    return 2

@pipe_output(
    step(_suffix),
    step(_suffix, tail=source("greeting")).named("custom"),
    step(_suffix, tail=value("?")),
)
def text(greeting: str) -> str:
    return greeting.upper()

def shout(text: str) -> str:
    return text + " (shouted)"

@pipe_output(
    step(_square).named("a").when(mode="big"),
    step(_times, n=value(3)).named("b").when(mode="small"),
    step(_add_n, n=source("offset")).named("c"),
    step(_add_one).named("d").when_not(mode="big"),
)
def conditional(v: int) -> int:
    return v + 10

@pipe_output(step(_add_one).named("x"), step(_add_one), namespace=None)
def no_namespace(v: int) -> int:
    return v

@pipe_output(step(_add_one).named(""), step(_square))
def empty_name(v: int) -> int:
    return v
"""
)

MUTATE = """
from hamilton.function_modifiers import apply_to, mutate, source, value

def seed() -> str:
    return "s"

def base_text(seed: str) -> str:
    return seed + "-raw"

def after(base_text: str) -> str:
    return base_text + "-after"

@mutate(base_text)
def _tail0(x: str) -> str:
    return x + "-0"

@mutate(apply_to(base_text, other=source("seed")).named("custom"))
def _tail1(x: str, other: str) -> str:
    return x + "-1" + other

@mutate(apply_to(base_text, number=value(7)))
def _tail2(x: str, number: int) -> str:
    return x + f"-2:{number}"

def v() -> int:
    return 4

def first(v: int) -> int:
    return v * 10

def second(v: int) -> int:
    return v + 10

@mutate(apply_to(second).named("a"))
def _square(v: int) -> int:
    return v * v

@mutate(apply_to(first).named("a"))
def _add_one(v: int) -> int:
    return v + 1

@mutate(
    apply_to(first, n=3).named("b").when(extra=True),
    apply_to(first, n=source("offset")).named("c"),
)
def _add_n(v: int, n: int) -> int:
    return v + n

@mutate(
    apply_to(first).named("d"),
    apply_to(second, n=value(2)).named("b"),
    n=source("scale"),
)
def _times(v: int, *, n: int) -> int:
    return v * n

"""

# Like Hamilton's examples/mutate: conditions with when_in, an empty step name with its own
# namespace, mutating an extracted field and every extracted column.
MUTATE_FRAMES = """
import pandas as pd
from hamilton.function_modifiers import (
    apply_to, extract_columns, extract_fields, mutate, source, value
)

def left() -> pd.DataFrame:
    return pd.DataFrame({"key": ["a", "b", None, "d"], "n": [3, 2, 1, 0]})

def right() -> pd.DataFrame:
    return pd.DataFrame({"key": ["a", "b", "d"], "m": [10, 20, 30]})

@extract_fields({"f1": pd.Series, "f2": pd.Series})
def fields(left: pd.DataFrame) -> dict:
    return {"f1": left["n"] * 1.0, "f2": left["n"] + 0.5}

@extract_columns("c1", "c2")
def columns(right: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"c1": right["m"] * 1.0, "c2": right["m"] - 1.0})

def combined(f1: pd.Series, c2: pd.Series) -> pd.Series:
    return f1.head(3).reset_index(drop=True) + c2.reset_index(drop=True)

@mutate(apply_to(left).when_in(mode=["a", "b"]), apply_to(right).when_not_in(mode=["a", "b"]))
def dropna(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.dropna()

@mutate(apply_to(left).named(name="", namespace="ignored"), other=source("right"))
def merged(frame: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    return frame.merge(other, on="key", how="left")

@mutate(
    apply_to(fields, factor=value(100)).on_output("f1").named("scaled"),
    apply_to(columns, factor=value(10)).named("scaled"),
)
def _scale(series: pd.Series, factor: float) -> pd.Series:
    return series * factor
"""


def test_pipe_input_matches_hamilton(in_both) -> None:
    cases = """[
        ("plain", {}, ["named_chain", "unnamed_chain", "on_second_input", "odd_names"],
         {"offset": 4}),
        ("extra", {"extra": True}, ["named_chain"], {"offset": 4}),
    ]"""
    ours, theirs = in_both(_script(cases), {"flow": PIPE_INPUT})
    same(ours, theirs)
    assert "plain:nodes" in theirs


def test_pipe_output_matches_hamilton(in_both) -> None:
    cases = """[
        ("big", {"mode": "big"}, ["shout", "text", "conditional", "no_namespace", "empty_name"],
         {"offset": 1}),
        ("small", {"mode": "small"}, ["conditional"], {"offset": 1}),
        ("neither", {"mode": "other"}, ["conditional"], {"offset": 1}),
    ]"""
    ours, theirs = in_both(_script(cases), {"flow": PIPE_OUTPUT})
    same(ours, theirs)
    assert "big:nodes" in theirs


def test_mutate_matches_hamilton(in_both) -> None:
    cases = """[
        ("plain", {}, ["after", "base_text", "first", "second"],
         {"offset": 5, "scale": 3}),
        ("extra", {"extra": True}, ["first"], {"offset": 5, "scale": 3}),
    ]"""
    ours, theirs = in_both(_script(cases), {"flow": MUTATE})
    same(ours, theirs)
    assert "plain:nodes" in theirs


def test_mutate_example_on_frames_matches_hamilton(in_both) -> None:
    cases = """[
        ("a", {"mode": "a"}, ["left", "right", "combined", "f1", "f2", "c1", "c2"], {}),
        ("z", {"mode": "z"}, ["left", "right", "combined"], {}),
    ]"""
    ours, theirs = in_both(_script(cases), {"flow": MUTATE_FRAMES})
    same(ours, theirs)
    assert "a:nodes" in theirs


def test_named_arguments_match_hamilton(in_both) -> None:
    script = """
    from hamilton.function_modifiers import apply_to, step

    def _f(x: int) -> int:
        return x

    def target() -> int:
        return 1

    for label, make in [
        ("step-empty", lambda: step(_f).named("")),
        ("step-none-keeps", lambda: step(_f).named("a").named(None)),
        ("step-namespace-none", lambda: step(_f).named("a", namespace=None)),
        ("step-namespace-str", lambda: step(_f).named("a", namespace="ns")),
        ("apply-empty", lambda: apply_to(target).named(name="", namespace="ns")),
    ]:
        applicable = make()
        emit(label + ":name", applicable.name)
        emit(label + ":namespace", repr(applicable.namespace))
    """
    ours, theirs = in_both(script)
    same(ours, theirs)


TWICE = """
from hamilton.function_modifiers import mutate

def counted() -> int:
    return 1

@mutate(counted)
def plus_hundred(x: int) -> int:
    return x + 100

@mutate(counted)
def plus_thousand(x: int) -> int:
    return x + 1000

@mutate(counted)
def plus_hundred(x: int) -> int:  # noqa: F811 - defined again, as in Hamilton's example
    return x + 100
"""


def test_a_mutation_defined_twice_is_a_deliberate_difference(in_both) -> None:
    """Hamilton applies a redefined mutating function twice (``with_plus_hundred_1``); we
    replace its earlier steps, so re-running a notebook cell does not stack them."""
    cases = """[("plain", {}, ["counted"], {})]"""
    ours, theirs = in_both(_script(cases), {"flow": TWICE})
    assert theirs["plain:result"] == {"dict": {"counted": 1201}}
    assert ours["plain:result"] == {"dict": {"counted": 1101}}
    steps = [row["tuple"][0] for row in ours["plain:nodes"]["list"]]
    assert steps == [
        "counted",
        "counted.raw",
        "counted.with_plus_hundred",
        "counted.with_plus_thousand",
    ]
