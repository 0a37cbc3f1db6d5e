"""Decorator families built by both engines from one module: node names, types, docs,

dependencies and results (each module uses ``{package}`` where the engine's name goes)."""

from __future__ import annotations

import pytest

EXPANDERS_MODULE = '''
from typing import Any, TypedDict
from {package}.function_modifiers import (
    extract_fields, inject, parameterize, parameterize_sources, parameterize_values,
    source, unpack_fields, value,
)


@parameterize(
    p_one={{"x": source("a"), "k": value(2)}},
    p_two=({{"x": source("b")}}, "explicit doc"),
)
def p(x: int, k: int = 1, extra: int = 0) -> int:
    """{{x}} times {{k}} is {{output_name}} ({{extra}}, {{missing}})."""
    return x * k + extra


@parameterize_values(parameter="k", assigned_output={{("v_one", "doc one"): 1}})
def v(x: int, k: int) -> int:
    return x * k


@parameterize_sources(s_one={{"x": "a"}})
def s(x: int) -> int:
    """{{x}} into {{output_name}}"""
    return x


class Pair(TypedDict):
    left: int
    right: str


@extract_fields()
def pair(a: int) -> Pair:
    """A pair."""
    return {{"left": a, "right": "r"}}


@extract_fields({{"f_one": int}})
def fields(a: int) -> dict:
    return {{"f_one": a}}


@unpack_fields("u_one", "u_two")
def unpacked(a: int) -> tuple[int, str]:
    return a, "s"


@inject(x=source("b"))
def injected(x: int) -> int:
    """{{x}} injected into {{output_name}}"""
    return x
'''


@pytest.mark.slow
def test_expanders_match_hamilton_names_types_docs_and_results(describe_in_both) -> None:
    ours, theirs = describe_in_both(
        EXPANDERS_MODULE, ["type", "doc", "required"], {"a": 3, "b": 4, "x": 5}
    )
    assert ours["results"] == theirs["results"]
    assert ours["nodes"].keys() == theirs["nodes"].keys()
    for name, row in ours["nodes"].items():
        assert row == theirs["nodes"][name], name


MACROS_MODULE = """
from {package}.function_modifiers import (
    apply_to, does, mutate, pipe_input, pipe_output, source, step, value,
)


def _add_one(x: int) -> int:
    return x + 1


def _sum(x: int, y: int) -> int:
    return x + y


def _sum_all(**values: int) -> int:
    return sum(values.values())


def _difference(a: int, b: int) -> int:
    return a - b


def start() -> int:
    return 2


@pipe_input(
    step(_add_one),
    step(_sum, y=source("start")).named("s"),
    step(_add_one),
    step(_sum, 4).named("t", namespace=None),
)
def piped_in(start: int, k: int = 1) -> int:
    return start * k


@pipe_input(step(_add_one), step(_add_one), namespace="ns")
def spaced(start: int) -> int:
    return start


@pipe_output(step(_add_one), step(_sum, y=value(10)))
def piped_out(start: int) -> int:
    return start * 3


@does(_sum_all)
def summed(start: int, piped_out: int) -> int:
    pass


@does(_difference, a="piped_out", b="start")
def gap(start: int, piped_out: int) -> int:
    pass


def target(start: int) -> int:
    return start


@mutate(target, apply_to(piped_out, y=value(7)), y=value(1))
def _mutator(x: int, y: int) -> int:
    return x * 10 + y
"""


def test_macros_match_hamilton_names_types_dependencies_and_results(describe_in_both) -> None:
    ours, theirs = describe_in_both(MACROS_MODULE, ["type", "required", "optional"])
    assert ours["nodes"] == theirs["nodes"]
    assert ours["results"] == theirs["results"]


SUBDAGS_MODULE = '''
import sys
import types

from {package}.function_modifiers import parameterized_subdag, source, subdag, value

INNER = """
from {package}.function_modifiers import config


def a(x: int, z: int = 1) -> int:
    return x + z


def b(a: int, y: int = 10) -> int:
    return a * y


@config.when(mode="double")
def c__double(b: int) -> int:
    return b * 2


@config.when_not(mode="double")
def c__single(b: int) -> int:
    return b
"""
inner = sys.modules["inner_mod"] = types.ModuleType("inner_mod")
exec(INNER, inner.__dict__)


def outer_x() -> int:
    return 5


@subdag(inner, inputs={{"x": source("outer_x")}}, config={{"mode": "double"}})
def foo(c: int) -> int:
    return c + 1


@subdag(
    inner,
    inputs={{"x": value(3)}},
    namespace="ns",
    final_node_name="fin",
    external_inputs=["outer_x"],
)
def bar(c: int, b: int, outer_x: int) -> int:
    return c + b + outer_x


@parameterized_subdag(
    inner,
    inputs={{"x": value(1)}},
    one={{}},
    two={{"inputs": {{"x": value(2)}}, "config": {{"mode": "double"}}}},
)
def par(c: int) -> int:
    return c


@subdag(foo, inputs={{"outer_x": value(7)}})
def top(foo: int) -> int:
    return -foo
'''


def test_subdags_match_hamilton_names_types_dependencies_and_results(describe_in_both) -> None:
    ours, theirs = describe_in_both(SUBDAGS_MODULE, ["type", "required", "optional", "non_final"])
    assert ours["nodes"] == theirs["nodes"]
    assert ours["results"] == theirs["results"]
