"""Macros: ``@does``, ``@pipe_input``/``@pipe``, ``@pipe_output``, ``@mutate`` with ``step`` and
``apply_to``.

Every driver is executed twice (the first run is interpreted, the second compiled). The same
macros built by Hamilton are compared in tests/parity/test_decorator_families.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from hamilton_nb import ad_hoc_utils, driver, errors
from hamilton_nb.function_modifiers import (
    apply_to,
    config,
    does,
    extract_fields,
    mutate,
    pipe,
    pipe_input,
    pipe_output,
    source,
    step,
    tag,
    value,
)


def build(*functions: Callable[..., Any], cfg: Mapping[str, Any] | None = None) -> driver.Driver:
    module = ad_hoc_utils.create_temporary_module(*functions)
    return driver.Builder().with_modules(module).with_config(dict(cfg or {})).build()


def run_twice(dr: driver.Driver, outputs: list[str], **inputs: Any) -> dict[str, Any]:
    first = dr.execute(outputs, inputs=inputs)
    second = dr.execute(outputs, inputs=inputs)
    assert first == second
    return first


def deps(dr: driver.Driver, name: str) -> list[str]:
    return list(dr.graph.nodes[name].input_types)


def refused(functions: list[Callable[..., Any]], decorator: str, *fragments: str) -> str:
    """Build must fail with InvalidDecoratorError naming the function and the decorator."""
    with pytest.raises(errors.InvalidDecoratorError) as info:
        build(*functions)
    message = str(info.value)
    assert repr(functions[-1].__qualname__) in message
    assert f"@{decorator}" in message
    for fragment in fragments:
        assert fragment in message
    return message


def _add_one(x: int) -> int:
    return x + 1


def _sum(x: int, y: int) -> int:
    return x + y


def _multiply(x: int, y: int, z: int = 10) -> int:
    return x * y * z


def _sum_all(**values: int) -> int:
    return sum(values.values())


def _difference(a: int, b: int) -> int:
    return a - b


# -- does ------------------------------------------------------------------------------------


def test_does_computes_the_node_with_the_replacing_function() -> None:
    @does(_sum_all)
    def total(p: int, q: int = 7) -> int:
        """p plus q."""

    @does(_difference, a="q", b="p")
    def gap(p: int, q: int) -> int:
        pass

    dr = build(total, gap)
    node = dr.graph.nodes["total"]
    assert node.type is int and node.documentation == "p plus q."
    assert run_twice(dr, ["total", "gap"], p=10, q=3) == {"total": 13, "gap": -7}
    assert run_twice(dr, ["total"], p=10) == {"total": 17}  # the decorated default applies


def test_does_with_config_when_and_tag() -> None:
    @config.when(sign="minus")
    @tag(kind="macro")
    @does(_difference, a="p", b="q")
    def result__minus(p: int, q: int) -> int:
        pass

    @config.when(sign="plus")
    @does(_sum_all)
    def result__plus(p: int, q: int) -> int:
        pass

    minus = build(result__minus, result__plus, cfg={"sign": "minus"})
    assert run_twice(minus, ["result"], p=10, q=1) == {"result": 9}
    assert minus.list_available_variables(tag_filter={"kind": "macro"})[0].name == "result"
    plus = build(result__minus, result__plus, cfg={"sign": "plus"})
    assert run_twice(plus, ["result"], p=10, q=1) == {"result": 11}


def test_does_with_an_incompatible_signature_is_refused() -> None:
    @does(_difference, a="p")
    def gap(p: int, q: int) -> int:
        pass

    refused([gap], "does", "'q'", "_difference")

    @does(_difference, a="p", b="missing")
    def gap2(p: int, q: int) -> int:
        pass

    refused([gap2], "does", "'missing'")

    @does(_difference)
    def gap3(a: int) -> int:
        pass

    refused([gap3], "does", "['b']", "receive nothing")


# -- pipe_input ----------------------------------------------------------------------------


def test_pipe_input_chains_steps_before_the_function() -> None:
    def upstream_int() -> int:
        return 1

    def other() -> int:
        return 3

    @pipe_input(
        step(_add_one),
        step(_multiply, y=2),
        step(_sum, y=value(3)),
        step(_multiply, y=source("other")),
    )
    def final_result(upstream_int: int, k: int = 0) -> int:
        return upstream_int + k

    dr = build(upstream_int, other, final_result)
    assert deps(dr, "final_result.with_add_one") == ["upstream_int"]
    assert deps(dr, "final_result.with_multiply") == ["final_result.with_add_one", "z"]
    assert deps(dr, "final_result.with_multiply_1") == ["final_result.with_sum", "other", "z"]
    assert deps(dr, "final_result") == ["final_result.with_multiply_1", "k"]
    assert dr.graph.nodes["final_result.with_sum"].namespace == ("final_result",)
    origins = dr.graph.nodes["final_result.with_sum"].originating_functions or ()
    assert [f.__name__ for f in origins] == ["final_result"]
    # ((1 + 1) * 2 * 10 + 3) * 3 * 10
    assert run_twice(dr, ["final_result"]) == {"final_result": 1290}
    assert run_twice(dr, ["final_result.with_sum"], k=5) == {"final_result.with_sum": 43}


def test_pipe_input_names_namespaces_and_config_selection() -> None:
    @pipe_input(
        step(_add_one).named("a"),
        step(_multiply, 2).named("b", namespace=None).when(m="x"),
        step(_sum, y=value(3)).named("c", namespace="zz").when_not(m="x"),
        step(_sum, y=4).when_in(m=["x", "y"]),
        step(_sum, y=5).when_not_in(m=["x"]),
    )
    def final_result(upstream_int: int) -> int:
        return upstream_int

    x = build(final_result, cfg={"m": "x"})
    assert deps(x, "final_result") == ["final_result.with_sum"]
    assert deps(x, "final_result.with_sum") == ["b"]
    assert run_twice(x, ["final_result"], upstream_int=1) == {"final_result": 44}
    y = build(final_result, cfg={"m": "y"})
    assert deps(y, "final_result") == ["final_result.with_sum_2"]
    assert deps(y, "final_result.with_sum_1") == ["zz.c"]
    assert run_twice(y, ["final_result"], upstream_int=1) == {"final_result": 14}


def test_pipe_alias_and_pipe_wide_namespace() -> None:
    @pipe(step(_add_one), step(_add_one), namespace=None)
    def plain(x: int) -> int:
        return x

    @pipe_input(step(_add_one).named("s1"), step(_add_one), namespace="ns")
    def spaced(x: int) -> int:
        return x

    dr = build(plain, spaced)
    assert deps(dr, "plain") == ["with_add_one_1"]
    assert deps(dr, "spaced") == ["ns.with_add_one_1"]
    assert deps(dr, "ns.with_add_one_1") == ["ns.s1"]
    assert run_twice(dr, ["plain", "spaced"], x=1) == {"plain": 3, "spaced": 3}


def test_pipe_input_on_input_and_optional_parameter() -> None:
    @pipe_input(step(_add_one), on_input="p2")
    def chosen(p1: int, p2: int) -> int:
        return p1 * p2

    @pipe_input(step(_add_one).on_input("p2"), step(_multiply, 3, z=1))
    def per_step(p1: int, p2: int) -> int:
        return p1 * 10 - p2

    @pipe_input(step(_add_one))
    def defaulted(x: int = 3) -> int:
        return x

    dr = build(chosen, per_step, defaulted)
    assert set(deps(dr, "chosen")) == {"chosen.with_add_one", "p1"}
    assert run_twice(dr, ["chosen", "per_step"], p1=2, p2=5) == {"chosen": 12, "per_step": 54}
    assert run_twice(dr, ["defaulted"]) == {"defaulted": 4}
    assert run_twice(dr, ["defaulted"], x=10) == {"defaulted": 11}


def test_pipe_input_misuse_is_refused() -> None:
    @pipe_input(step(_add_one))
    def nothing() -> int:
        return 1

    refused([nothing], "pipe_input", "has none")

    @pipe_input(step(_add_one).named("q"), step(_add_one).named("q"))
    def twice(x: int) -> int:
        return x

    refused([twice], "pipe_input", "['q']")

    @pipe_input(
        step(_add_one).named("with_add_one"), step(_add_one).named("with_add_one").when(a=1)
    )
    def collide(x: int) -> int:
        return x

    with pytest.raises(errors.InvalidDecoratorError, match="'collide.with_add_one'"):
        build(collide, cfg={"a": 1})

    @pipe_input(step(_sum))
    def unbound(x: int) -> int:
        return x

    refused([unbound], "pipe_input", "step(_sum)", "['y']")

    @pipe_input(step(_add_one), on_input="zz")
    def unknown(x: int) -> int:
        return x

    refused([unknown], "pipe_input", "'zz'")

    @pipe_input(step(_add_one).named("a", namespace="x"), namespace="y")
    def both(x: int) -> int:
        return x

    refused([both], "pipe_input", "namespace")


# -- pipe_output ---------------------------------------------------------------------------


def test_pipe_output_chains_steps_after_the_function() -> None:
    def other() -> int:
        return 3

    @tag(owner="me")
    @pipe_output(step(_add_one), step(_sum, y=source("other")).named("s"))
    def b(a: int) -> int:
        """Ten times a."""
        return a * 10

    @pipe_output(step(_add_one), namespace=None)
    def d(a: int) -> int:
        return a

    dr = build(other, b, d)
    assert deps(dr, "b.raw") == ["a"]
    assert deps(dr, "b.with_add_one") == ["b.raw"]
    assert deps(dr, "b.s") == ["b.with_add_one", "other"]
    assert deps(dr, "b") == ["b.s"]
    assert deps(dr, "d") == ["with_add_one"]
    tagged = [n.name for n in dr.list_available_variables(tag_filter={"owner": "me"})]
    assert tagged == ["b"]
    assert dr.graph.nodes["b.raw"].documentation == "Ten times a."
    result = run_twice(dr, ["b", "b.raw", "b.s", "d"], a=1)
    assert result == {"b": 14, "b.raw": 10, "b.s": 14, "d": 2}


def test_pipe_output_targets_outputs_of_extract_fields() -> None:
    @pipe_output(step(_add_one), step(_sum, y=100).on_output("f1"))
    @extract_fields({"f1": int, "f2": int})
    def every(a: int) -> dict:
        return {"f1": a, "f2": a}

    @pipe_output(step(_add_one), on_output="g2")
    @extract_fields({"g1": int, "g2": int})
    def one(a: int) -> dict:
        return {"g1": a, "g2": a}

    dr = build(every, one)
    assert deps(dr, "f1") == ["f1.with_sum"]
    assert deps(dr, "f2") == ["f2.with_add_one"]
    assert "g1.raw" not in dr.graph.nodes
    result = run_twice(dr, ["f1", "f2", "g1", "g2"], a=1)
    assert result == {"f1": 102, "f2": 2, "g1": 1, "g2": 2}


def test_pipe_input_and_pipe_output_on_one_function() -> None:
    @pipe_output(step(_multiply, 2, z=1))
    @pipe_input(step(_add_one), step(_add_one))
    def c(a: int) -> int:
        return a * 10

    dr = build(c)
    assert deps(dr, "c.raw") == ["c.with_add_one_1"]
    assert deps(dr, "c") == ["c.with_multiply"]
    assert run_twice(dr, ["c"], a=1) == {"c": 60}

    @pipe_output(step(_add_one))  # automatic names move past the input steps' names
    @pipe_input(step(_add_one), step(_add_one))
    def same(a: int) -> int:
        return a

    @pipe_output(step(_add_one).named("n"))
    @pipe_input(step(_add_one).named("n"))
    def clash(a: int) -> int:
        return a

    dr = build(same)
    assert deps(dr, "same") == ["same.with_add_one_2"]
    assert deps(dr, "same.with_add_one_2") == ["same.raw"]
    assert run_twice(dr, ["same"], a=1) == {"same": 4}
    refused([clash], "pipe_output", "'clash.n'", ".named(")


def test_pipe_output_misuse_is_refused() -> None:
    @pipe_output(step(_add_one), on_output="f3")
    @extract_fields({"f1": int})
    def fields(a: int) -> dict:
        return {"f1": a}

    refused([fields], "pipe_output", "'f3'")

    @pipe_output(step(_add_one).on_output("f1"), on_output="f1")
    @extract_fields({"f1": int})
    def both(a: int) -> dict:
        return {"f1": a}

    refused([both], "pipe_output", "not both")


# -- mutate --------------------------------------------------------------------------------

MUTATE_SOURCE = """
from hamilton_nb.function_modifiers import apply_to, mutate, source, tag, value


def other() -> int:
    return 3


def a(n: int) -> int:
    return n * 10


def b(n: int) -> int:
    return n * 100


@mutate(a, b)
def _plus_one(x: int) -> int:
    return x + 1


@mutate(apply_to(b, y=source("other")), apply_to(a, y=value(1000)).when(m=1))
def _add(x: int, y: int) -> int:
    return x + y


@tag(ignored="yes")
@mutate(a, y=value(5))
def times(x: int, y: int) -> int:
    return x * y
"""


def test_mutate_appends_steps_to_target_functions() -> None:
    module = ad_hoc_utils.module_from_source(MUTATE_SOURCE)
    dr = driver.Builder().with_modules(module).with_config({"m": 1}).build()
    nodes = dr.graph.nodes
    assert "times" not in nodes and "_plus_one" not in nodes
    assert deps(dr, "a.with_plus_one") == ["a.raw"]
    assert deps(dr, "a.with_add") == ["a.with_plus_one"]
    assert deps(dr, "a") == ["a.with_times"]
    assert deps(dr, "b.with_add") == ["b.with_plus_one", "other"]
    assert [f.__name__ for f in nodes["a.with_times"].originating_functions or ()] == ["a"]
    assert run_twice(dr, ["a", "b"], n=1) == {"a": 5055, "b": 104}
    assert module.times(2, 3) == 6  # the mutating function stays a plain function
    off = driver.Builder().with_modules(module).with_config({"m": 0}).build()
    assert "a.with_add" not in off.graph.nodes
    assert run_twice(off, ["a"], n=1) == {"a": 55}


def test_mutate_redefined_mutator_replaces_its_earlier_steps() -> None:
    def target(n: int) -> int:
        return n

    for increment in (1, 2):  # a notebook cell run twice defines the mutator twice

        @mutate(target, y=value(increment))
        def _bump(x: int, y: int) -> int:
            return x + y

    dr = build(target)
    assert deps(dr, "target") == ["target.with_bump"]
    assert run_twice(dr, ["target"], n=1) == {"target": 3}


def test_mutate_with_tag_on_the_target_and_apply_to_on_output() -> None:
    @tag(owner="me")
    @extract_fields({"f1": int, "f2": int})
    def fields(a: int) -> dict:
        return {"f1": a, "f2": a}

    @mutate(apply_to(fields).on_output("f1"))
    def _double(x: int) -> int:
        return x * 2

    dr = build(fields)
    assert deps(dr, "f1") == ["f1.with_double"]
    assert "f2.raw" not in dr.graph.nodes
    assert run_twice(dr, ["f1", "f2"], a=2) == {"f1": 4, "f2": 2}
    tagged = {n.name for n in dr.list_available_variables(tag_filter={"owner": "me"})}
    assert tagged == {"f1", "f2"}


def test_mutate_misuse_is_refused() -> None:
    with pytest.raises(errors.InvalidDecoratorError) as info:

        @mutate("a")
        def _by_name(x: int) -> int:
            return x

    assert "_by_name" in str(info.value) and "@mutate" in str(info.value)
    assert "'a'" in str(info.value)

    with pytest.raises(errors.InvalidDecoratorError, match="@mutate needs the functions"):

        @mutate()
        def _nothing(x: int) -> int:
            return x

    def target(n: int) -> int:
        return n

    @mutate(target)
    def _bad(x: int, y: int) -> int:  # y is never given
        return x + y

    refused([target], "mutate", "_bad", "['y']")


def test_mutate_extends_the_chain_of_pipe_output() -> None:
    @pipe_output(step(_add_one))
    def piped(n: int) -> int:
        return n * 10

    @mutate(piped)
    def _add_one_again(x: int) -> int:
        return x + 1

    def _add_hundred(x: int) -> int:
        return x + 100

    _add_hundred.__name__ = "_add_one"  # same short name as the pipe_output step
    mutate(piped)(_add_hundred)

    dr = build(piped)
    assert deps(dr, "piped") == ["piped.with_add_one_1"]
    assert deps(dr, "piped.with_add_one_1") == ["piped.with_add_one_again"]
    assert deps(dr, "piped.with_add_one_again") == ["piped.with_add_one"]
    assert run_twice(dr, ["piped"], n=1) == {"piped": 112}
