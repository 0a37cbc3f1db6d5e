"""``@subdag`` and ``@parameterized_subdag``: inlining a dataflow under a namespace.

Every driver is executed twice (the first run is interpreted, the second compiled). Expected
node names were observed by running the same modules with Hamilton 1.90.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

import pytest

from hamilton_nb import ad_hoc_utils, driver, errors
from hamilton_nb.function_modifiers import (
    config,
    parameterized_subdag,
    pipe_input,
    pipe_output,
    source,
    step,
    subdag,
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


def names(dr: driver.Driver) -> set[str]:
    return {n.name for n in dr.list_available_variables()}


def inner_module() -> ModuleType:
    """x -> a -> b (optional y) -> c: the dataflow the tests inline."""

    def a(x: int) -> int:
        return x + 1

    def b(a: int, y: int = 10) -> int:
        return a * y

    def c(b: int, a: int) -> int:
        return a + b

    return ad_hoc_utils.create_temporary_module(a, b, c)


def mode_module() -> ModuleType:
    """A dataflow whose ``b`` depends on the config key ``mode``; ``a`` needs ``z``."""

    def a(x: int, z: int) -> int:
        return x + z

    @config.when(mode="double")
    def b__double(a: int) -> int:
        return a * 2

    @config.when_not(mode="double")
    def b__single(a: int) -> int:
        return a

    return ad_hoc_utils.create_temporary_module(a, b__double, b__single)


# -- subdag: end to end ----------------------------------------------------------------------


def test_subdag_namespaces_its_nodes_and_binds_inputs_to_outer_nodes() -> None:
    inner = inner_module()

    def outer_x() -> int:
        return 5

    @subdag(inner, inputs={"x": source("outer_x")})
    def foo(c: int) -> int:
        """Twice the subdag's c."""
        return c * 2

    dr = build(outer_x, foo)
    assert names(dr) == {"outer_x", "foo.x", "foo.a", "foo.b", "foo.c", "foo", "y"}
    assert run_twice(dr, ["foo", "foo.c", "foo.a"]) == {"foo": 132, "foo.c": 66, "foo.a": 6}
    assert run_twice(dr, ["foo"], y=2) == {"foo": 36}  # unbound inputs stay outer names
    graph = dr.graph
    assert graph.nodes["foo.a"].namespace == ("foo",)
    assert graph.nodes["foo"].namespace == ()
    assert set(graph.nodes["foo.x"].input_types) == {"outer_x"}
    by_name = {n.name: n for n in dr.list_available_variables()}
    assert by_name["foo.c"].tags["hamilton.non_final_node"] is True
    assert by_name["foo.x"].tags["hamilton.non_final_node"] is True
    assert "hamilton.non_final_node" not in by_name["foo"].tags
    assert by_name["foo"].documentation == "Twice the subdag's c."
    origins = [f.__name__ for f in by_name["foo.a"].originating_functions or ()]
    assert origins == ["a", "foo"]  # as in Hamilton: the inner function, then the subdag's
    assert [f.__name__ for f in by_name["foo"].originating_functions or ()] == ["foo"]


def test_subdag_namespace_final_node_name_and_external_inputs() -> None:
    inner = inner_module()

    def outer_x() -> int:
        return 5

    @subdag(
        inner,
        inputs={"x": value(3)},
        namespace="ns",
        final_node_name="fin",
        external_inputs=["outer_x"],
    )
    def bar(c: int, b: int, outer_x: int) -> int:
        return c + b + outer_x

    dr = build(outer_x, bar)
    assert names(dr) == {"outer_x", "ns.x", "ns.a", "ns.b", "ns.c", "fin", "y"}
    assert set(dr.graph.nodes["fin"].input_types) == {"ns.c", "ns.b", "outer_x"}
    assert run_twice(dr, ["fin", "ns.b"]) == {"fin": 89, "ns.b": 40}


def test_subdag_parameters_not_declared_external_are_namespaced() -> None:
    inner = inner_module()

    @subdag(inner, inputs={"x": value(1)})
    def foo(c: int, other: int) -> int:
        return c + other

    dr = build(foo)
    assert "foo.other" in names(dr) and "other" not in names(dr)
    assert run_twice(dr, ["foo"], **{"foo.other": 100}) == {"foo": 122}


def test_subdag_config_updates_outer_config_and_becomes_namespaced_nodes() -> None:
    sub = mode_module()

    def z() -> int:
        return 100

    @subdag(sub, inputs={"x": value(1)}, config={"mode": "double"})
    def foo(b: int) -> int:
        return b

    @subdag(sub, inputs={"x": value(1)})
    def bar(b: int) -> int:
        return b

    dr = build(z, foo, bar, cfg={"mode": "single"})
    assert {"foo.mode", "foo.x", "foo.a", "foo.b"} <= names(dr)
    assert "bar.mode" not in names(dr)
    assert run_twice(dr, ["foo", "bar", "foo.mode"]) == {
        "foo": 202,
        "bar": 101,
        "foo.mode": "double",
    }


def test_subdag_functions_read_config_values_by_parameter() -> None:
    def a(x: int, mode: str) -> int:
        return x + len(mode)

    @subdag(a, inputs={"x": value(1)}, config={"mode": "zz"})
    def local(a: int) -> int:
        return a

    @subdag(a, inputs={"x": value(1)})
    def outer(a: int) -> int:
        return a

    dr = build(local, outer, cfg={"mode": "abc"})
    assert set(dr.graph.nodes["local.a"].input_types) == {"local.x", "local.mode"}
    assert set(dr.graph.nodes["outer.a"].input_types) == {"outer.x", "mode"}
    assert run_twice(dr, ["local", "outer"]) == {"local": 3, "outer": 4}


def test_subdag_loads_from_functions_and_nests() -> None:
    inner = inner_module()

    def q(x: int) -> int:
        return x * 3

    @subdag(q, inner.a, inputs={"x": value(2)})
    def both(q: int, a: int) -> int:
        return q + a

    @subdag(inner, inputs={"x": source("start")})
    def middle(c: int) -> int:
        return c

    @subdag(middle, inputs={"start": value(1)})
    def top(middle: int) -> int:
        return middle + 1

    dr = build(both, top)
    assert {"both.q", "both.a", "both.x"} <= names(dr)
    assert {"top.middle.a", "top.middle.x", "top.middle", "top.start", "top"} <= names(dr)
    assert set(dr.graph.nodes["top.middle.x"].input_types) == {"top.start"}
    assert dr.graph.nodes["top.middle.a"].namespace == ("top", "middle")
    assert run_twice(dr, ["both", "top", "top.middle.c"]) == {
        "both": 9,
        "top": 23,
        "top.middle.c": 22,
    }


# -- parameterized_subdag -----------------------------------------------------------------------


def test_parameterized_subdag_merges_shared_and_per_subdag_settings() -> None:
    sub = mode_module()

    def w() -> int:
        return 7

    @parameterized_subdag(
        sub,
        inputs={"x": value(1)},
        external_inputs=["w"],
        one={},
        two={"inputs": {"x": value(10)}, "config": {"mode": "double"}},
        three={"external_inputs": []},
    )
    def foo(b: int, w: int) -> int:
        return b + w

    dr = build(w, foo, cfg={"z": 1000})
    assert {"one", "two", "three", "one.b", "two.mode", "three.w"} <= names(dr)
    assert "foo" not in names(dr)
    assert set(dr.graph.nodes["one"].input_types) == {"one.b", "w"}
    assert set(dr.graph.nodes["three"].input_types) == {"three.b", "three.w"}
    result = run_twice(dr, ["one", "two", "one.b"])
    assert result == {"one": 1008, "two": 2027, "one.b": 1001}


def test_parameterized_subdag_updates_shared_inputs_key_by_key() -> None:
    sub = mode_module()

    @parameterized_subdag(
        sub, inputs={"x": value(1), "z": value(2)}, one={"inputs": {"x": value(10)}}
    )
    def foo(b: int) -> int:
        return b

    dr = build(foo)
    assert run_twice(dr, ["one"]) == {"one": 12}


# -- combinations ----------------------------------------------------------------------------------


def test_tag_on_a_subdag_tags_only_the_final_node() -> None:
    sub = mode_module()

    @tag(owner="me")
    @subdag(sub, inputs={"x": value(1), "z": value(0)}, config={"mode": "double"})
    def foo(b: int) -> int:
        return b

    dr = build(foo)
    tagged = {n.name for n in dr.list_available_variables(tag_filter={"owner": "me"})}
    assert tagged == {"foo"}
    assert run_twice(dr, ["foo"]) == {"foo": 2}


def test_config_when_on_a_subdag_uses_the_stripped_name_as_namespace() -> None:
    sub = mode_module()

    @config.when(region="US")
    @subdag(sub, inputs={"x": value(1)})
    def bar__us(b: int) -> int:
        return b + 1

    @config.when(region="EU")
    @subdag(sub, inputs={"x": value(2)})
    def bar__eu(b: int) -> int:
        return b + 2

    dr = build(bar__us, bar__eu, cfg={"region": "US", "mode": "double"})
    assert {"bar", "bar.a", "bar.b", "bar.x"} <= names(dr)
    assert run_twice(dr, ["bar"], z=100) == {"bar": 203}
    eu = build(bar__us, bar__eu, cfg={"region": "EU"})
    assert run_twice(eu, ["bar"], z=100) == {"bar": 104}


def _negate(x: int) -> int:
    return -x


def test_pipes_around_a_subdag_function() -> None:
    inner = inner_module()

    @pipe_output(step(_negate))
    @pipe_input(step(_negate))
    @subdag(inner, inputs={"x": value(1)})
    def foo(c: int) -> int:
        return c * 2

    dr = build(foo)
    assert list(dr.graph.nodes["foo.with_negate"].input_types) == ["foo.c"]
    assert list(dr.graph.nodes["foo.raw"].input_types) == ["foo.with_negate"]
    assert list(dr.graph.nodes["foo"].input_types) == ["foo.with_negate_1"]
    assert run_twice(dr, ["foo"]) == {"foo": 44}


# -- misuse ----------------------------------------------------------------------------------------


def assert_decorator_error(
    functions: list[Callable[..., Any]], decorator: str, *fragments: str
) -> None:
    with pytest.raises(errors.InvalidDecoratorError) as info:
        build(*functions)
    message = str(info.value)
    assert repr(functions[-1].__qualname__) in message
    assert f"@{decorator}" in message
    for fragment in fragments:
        assert fragment in message


def test_subdag_without_modules_is_refused() -> None:
    @subdag(inputs={"x": value(1)})
    def foo(c: int) -> int:
        return c

    assert_decorator_error([foo], "subdag", "modules or functions")


def test_subdag_binding_a_name_that_is_not_an_input_is_refused() -> None:
    inner = inner_module()

    @subdag(inner, inputs={"x": value(1), "nope": value(2)})
    def foo(c: int) -> int:
        return c

    assert_decorator_error([foo], "subdag", "'nope'", "not an input of the subdag", "'x'")


def test_subdag_binding_one_of_its_own_nodes_is_refused() -> None:
    inner = inner_module()

    @subdag(inner, inputs={"x": value(1), "a": value(2)})
    def foo(c: int) -> int:
        return c

    assert_decorator_error([foo], "subdag", "'a'", "computes itself")


def test_subdag_bare_literal_binding_and_unknown_external_input_are_refused() -> None:
    inner = inner_module()

    @subdag(inner, inputs={"x": 1})
    def foo(c: int) -> int:
        return c

    assert_decorator_error([foo], "subdag", "value(1)")

    @subdag(inner, inputs={"x": value(1)}, external_inputs=["missing"])
    def bar(c: int) -> int:
        return c

    assert_decorator_error([bar], "subdag", "external_inputs", "'missing'")


def test_subdag_loading_the_function_it_decorates_is_refused() -> None:
    def a(x: int) -> int:
        return x

    @subdag(a, inputs={"x": value(1)})
    def foo(a: int) -> int:
        return a

    module = ad_hoc_utils.create_temporary_module(a, foo)

    @subdag(module, inputs={"x": value(1)})
    def bar(a: int) -> int:
        return a

    module.bar = bar
    bar.__module__ = module.__name__
    with pytest.raises(errors.InvalidDecoratorError, match="the decorated function itself") as info:
        driver.Builder().with_modules(module).build()
    assert "'test_subdag_loading_the_function_it_decorates_is_refused.<locals>.bar'" in str(
        info.value
    )


def test_parameterized_subdag_misuse_is_refused() -> None:
    sub = mode_module()

    @parameterized_subdag(sub)
    def foo(b: int) -> int:
        return b

    assert_decorator_error([foo], "parameterized_subdag", "at least one subdag")

    @parameterized_subdag(sub, one={"inputz": {}})
    def bar(b: int) -> int:
        return b

    assert_decorator_error([bar], "parameterized_subdag", "'inputz'")


def test_two_creators_on_one_function_are_refused() -> None:
    inner = inner_module()

    @subdag(inner, inputs={"x": value(1)})
    @parameterized_subdag(inner, one={"inputs": {"x": value(1)}})
    def foo(c: int) -> int:
        return c

    assert_decorator_error([foo], "subdag", "cannot be combined")
