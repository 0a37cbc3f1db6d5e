"""``Builder`` and ``Driver``: construction, execution requests and graph queries."""

from __future__ import annotations

import textwrap
from types import ModuleType
from typing import Any

import pandas as pd
import pytest

from hamilton_nb import ad_hoc_utils, base, driver, errors
from hamilton_nb.execution import record
from hamilton_nb.function_modifiers.base import FunctionModifier, Stage
from hamilton_nb.node import Node


def make_module(source: str, name: str | None = None) -> ModuleType:
    return ad_hoc_utils.module_from_source(textwrap.dedent(source), name)


class _tags(FunctionModifier):  # noqa: N801 - decorator spelling
    """Test-local DECORATE modifier adding tags (keeps this file independent of ``@tag``)."""

    stage = Stage.DECORATE

    def __init__(self, **tags: Any) -> None:
        self.tags = tags

    def decorate(self, nodes: Any, config: Any = None, fn: Any = None) -> Any:
        if isinstance(nodes, Node):
            return nodes.copy_with(tags={**nodes.tags, **self.tags})
        return [n.copy_with(tags={**n.tags, **self.tags}) for n in nodes]


ARITHMETIC = """
def doubled(x: int) -> int:
    '''Twice x.'''
    return 2 * x

def shifted(doubled: int, offset: int = 10) -> int:
    return doubled + offset

def total(shifted: int, doubled: int) -> int:
    return shifted + doubled

def unrelated(y: str) -> str:
    return y.upper()
"""


@pytest.fixture
def arithmetic() -> ModuleType:
    return make_module(ARITHMETIC)


def build(*modules: ModuleType, config: dict[str, Any] | None = None) -> driver.Driver:
    return driver.Builder().with_modules(*modules).with_config(config or {}).build()


# -- Builder ------------------------------------------------------------------------------


def test_with_modules_accumulates_across_calls() -> None:
    first = make_module("def a() -> int:\n    return 1\n")
    second = make_module("def b(a: int) -> int:\n    return a + 1\n")
    dr = driver.Builder().with_modules(first).with_modules(second).build()
    assert dr.execute(["b"]) == {"b": 2}


def test_with_config_merges_and_later_keys_win() -> None:
    builder = driver.Builder().with_config({"a": 1, "b": 2}).with_config({"b": 3, "c": 4})
    assert builder.config == {"a": 1, "b": 3, "c": 4}
    module = make_module("def s(a: int, b: int, c: int) -> int:\n    return a * 100 + b * 10 + c\n")
    assert builder.with_modules(module).build().execute(["s"]) == {"s": 134}


def test_copy_is_independent(arithmetic: ModuleType) -> None:
    original = driver.Builder().with_modules(arithmetic).with_config({"x": 1})
    clone = original.copy()
    clone.with_config({"x": 5}).with_modules(make_module("def extra() -> int:\n    return 0\n"))
    assert original.config == {"x": 1}
    assert original.modules == [arithmetic]
    assert original.build().execute(["total"]) == {"total": 14}
    cloned = clone.build()
    assert cloned.execute(["total", "extra"]) == {"total": 30, "extra": 0}


def test_build_returns_a_driver_with_the_config(arithmetic: ModuleType) -> None:
    dr = driver.Builder().with_modules(arithmetic).with_config({"offset": 1}).build()
    assert isinstance(dr, driver.Driver)
    assert dr.config == {"offset": 1}


def test_builder_returns_dict_and_legacy_driver_returns_dataframe(arithmetic: ModuleType) -> None:
    built = build(arithmetic).execute(["total", "doubled"], inputs={"x": 1})
    assert built == {"total": 14, "doubled": 2}
    assert type(built) is dict
    legacy = driver.Driver({}, arithmetic).execute(["total", "doubled"], inputs={"x": 1})
    assert isinstance(legacy, pd.DataFrame)
    assert legacy.to_dict("records") == [{"total": 14, "doubled": 2}]


def test_result_builders_choose_the_result_type(arithmetic: ModuleType) -> None:
    inputs = {"x": 1}
    legacy_dict = driver.Driver(
        {}, arithmetic, adapter=base.SimplePythonGraphAdapter(base.DictResult())
    )
    assert legacy_dict.execute(["doubled"], inputs=inputs) == {"doubled": 2}
    frame = (
        driver.Builder()
        .with_modules(arithmetic)
        .with_adapters(base.PandasDataFrameResult())
        .build()
        .execute(["doubled"], inputs=inputs)
    )
    assert isinstance(frame, pd.DataFrame) and frame["doubled"].tolist() == [2]
    # raw_execute never builds a result
    assert driver.Driver({}, arithmetic).raw_execute(["doubled"], inputs=inputs) == {"doubled": 2}


def test_builder_changes_after_build_do_not_affect_the_driver(arithmetic: ModuleType) -> None:
    builder = driver.Builder().with_modules(arithmetic).with_config({"x": 1})
    dr = builder.build()
    builder.with_config({"x": 2}).with_modules(make_module("def late() -> int:\n    return 0\n"))
    assert dr.config == {"x": 1}
    assert dr.execute(["doubled"]) == {"doubled": 2}
    assert "late" not in {v.name for v in dr.list_available_variables()}


def test_legacy_driver_takes_several_modules_and_config() -> None:
    first = make_module("def a(k: int) -> int:\n    return k\n")
    second = make_module("def b(a: int) -> int:\n    return a + 1\n")
    frame = driver.Driver({"k": 41}, first, second).execute(["b"])
    assert frame["b"].tolist() == [42]


# -- execute / raw_execute -----------------------------------------------------------------


@pytest.mark.parametrize("method", ["execute", "raw_execute"])
def test_execute_with_inputs(arithmetic: ModuleType, method: str) -> None:
    dr = build(arithmetic)
    for _ in range(3):  # first run interpreted, later runs compiled
        assert getattr(dr, method)(["total"], inputs={"x": 3}) == {"total": 22}
        assert getattr(dr, method)(["unrelated"], inputs={"y": "ab"}) == {"unrelated": "AB"}


def test_inputs_not_needed_by_the_outputs_are_ignored(arithmetic: ModuleType) -> None:
    assert build(arithmetic).execute(["unrelated"], inputs={"y": "a", "x": 2}) == {"unrelated": "A"}


def test_only_the_upstream_closure_runs() -> None:
    module = make_module(
        """
        def wanted(x: int) -> int:
            return x

        def not_wanted(x: int) -> int:
            raise AssertionError("not requested, must not run")
        """
    )
    assert build(module).execute(["wanted"], inputs={"x": 1}) == {"wanted": 1}


OVERRIDE_SKIPS = """
def expensive(x: int) -> int:
    raise AssertionError("upstream of an override must not run")

def middle(expensive: int) -> int:
    return expensive + 1

def top(middle: int) -> int:
    return middle * 2
"""


def test_override_skips_its_upstream() -> None:
    dr = build(make_module(OVERRIDE_SKIPS))
    for _ in range(3):
        assert dr.execute(["top"], overrides={"expensive": 4}) == {"top": 10}
        assert dr.execute(["top"], overrides={"middle": 7}) == {"top": 14}
    assert dr.last_run is not None
    assert dr.last_run.statuses == {"middle": record.OVERRIDDEN, "top": record.COMPUTED}


def test_override_of_a_requested_output_is_returned() -> None:
    dr = build(make_module(OVERRIDE_SKIPS))
    assert dr.execute(["middle", "top"], overrides={"middle": 1}) == {"middle": 1, "top": 2}


def test_upstream_still_needed_elsewhere_runs_despite_override() -> None:
    module = make_module(
        """
        def base(x: int) -> int:
            return x + 1

        def left(base: int) -> int:
            return base * 10

        def both(left: int, base: int) -> int:
            return left + base
        """
    )
    dr = build(module)
    assert dr.execute(["both"], inputs={"x": 1}, overrides={"left": 0}) == {"both": 2}


def test_input_named_like_a_function_node_acts_as_override() -> None:
    dr = build(make_module(OVERRIDE_SKIPS))
    for _ in range(3):
        assert dr.execute(["top"], inputs={"expensive": 4}) == {"top": 10}
    assert dr.last_run is not None
    assert dr.last_run.statuses == {
        "expensive": record.OVERRIDDEN,
        "middle": record.COMPUTED,
        "top": record.COMPUTED,
    }


def test_config_values_feed_external_inputs(arithmetic: ModuleType) -> None:
    dr = build(arithmetic, config={"x": 5, "offset": 0})
    assert dr.execute(["total"]) == {"total": 20}
    assert dr.execute(["total"], overrides={"doubled": 1}) == {"total": 2}


def test_config_and_inputs_clash_is_an_error(arithmetic: ModuleType) -> None:
    dr = build(arithmetic, config={"x": 5})
    with pytest.raises(errors.ExecutionError, match=r"'x'.*both in the config and in inputs"):
        dr.execute(["total"], inputs={"x": 6})


def test_optional_parameter_default_used_when_not_provided(arithmetic: ModuleType) -> None:
    dr = build(arithmetic)
    assert dr.execute(["shifted"], inputs={"x": 1}) == {"shifted": 12}
    assert dr.execute(["shifted"], inputs={"x": 1, "offset": 100}) == {"shifted": 102}
    assert dr.execute(["shifted"], inputs={"x": 1}) == {"shifted": 12}  # cached plan, no leak


def test_optional_parameter_uses_the_produced_node_when_it_exists(arithmetic: ModuleType) -> None:
    producer = make_module("def offset(x: int) -> int:\n    return x * 1000\n")
    dr = build(arithmetic, producer)
    assert dr.execute(["shifted"], inputs={"x": 1}) == {"shifted": 1002}
    assert dr.execute(["shifted"], inputs={"x": 1}, overrides={"offset": 0}) == {"shifted": 2}


def test_optional_dependency_on_a_function_node_with_missing_input() -> None:
    module = make_module(
        """
        def source(z: int) -> int:
            return z

        def user(source: int = 7) -> int:
            return source
        """
    )
    dr = build(module)
    assert dr.execute(["user"], inputs={"z": 1}) == {"user": 1}
    with pytest.raises(errors.MissingInputError, match="'z'"):
        dr.execute(["user"])


def test_final_vars_as_functions(arithmetic: ModuleType) -> None:
    dr = build(arithmetic)
    assert dr.execute([arithmetic.total, "doubled"], inputs={"x": 1}) == {"total": 14, "doubled": 2}

    def not_a_node() -> int:
        return 1

    with pytest.raises(errors.UnknownNodeError, match="'not_a_node'"):
        dr.execute([not_a_node])


def test_final_vars_as_functions_of_a_temporary_module() -> None:
    def base(x: int) -> int:
        return x + 1

    def result(base: int) -> int:
        return base * 3

    module = ad_hoc_utils.create_temporary_module(base, result)
    dr = build(module)
    assert dr.execute([module.result], inputs={"x": 1}) == {"result": 6}
    assert result.__module__ == __name__  # the caller's function is left untouched


def test_final_vars_as_hamilton_nodes(arithmetic: ModuleType) -> None:
    dr = build(arithmetic)
    by_name = {n.name: n for n in dr.list_available_variables()}
    assert dr.execute([by_name["doubled"]], inputs={"x": 2}) == {"doubled": 4}


SIGNATURES = """
def a(x: int) -> int:
    return x

def keyword_only(*, a: int, k: int = 2) -> int:
    return a * k

def with_star_args(a: int, *args: int, b: int = 0, **kwargs: int) -> int:
    return a + b + len(args) + len(kwargs)

def gap_in_defaults(a: int, skipped: int = 1, last: int = 0) -> int:
    return a * 100 + skipped * 10 + last
"""


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        ({"x": 1}, {"keyword_only": 2, "with_star_args": 1, "gap_in_defaults": 110}),
        (
            {"x": 1, "k": 5, "last": 3, "b": 4},
            {"keyword_only": 5, "with_star_args": 5, "gap_in_defaults": 113},
        ),
        ({"x": 2, "skipped": 0}, {"keyword_only": 4, "with_star_args": 2, "gap_in_defaults": 200}),
    ],
)
def test_parameter_kinds(inputs: dict[str, int], expected: dict[str, int]) -> None:
    dr = build(make_module(SIGNATURES))
    for _ in range(3):
        assert dr.execute(list(expected), inputs=inputs) == expected


def test_positional_only_parameters_are_rejected() -> None:
    module = make_module("def f(a: int, /) -> int:\n    return a\n")
    with pytest.raises(errors.GraphBuildError, match=r"'f'.*'a' is positional-only.*remove"):
        build(module)


# -- list_available_variables ----------------------------------------------------------------


def test_list_available_variables_describes_every_node(arithmetic: ModuleType) -> None:
    dr = build(arithmetic)
    variables = {v.name: v for v in dr.list_available_variables()}
    assert set(variables) == {"x", "offset", "y", "doubled", "shifted", "total", "unrelated"}
    assert variables["doubled"].type is int
    assert variables["doubled"].documentation == "Twice x."
    assert variables["doubled"].is_external_input is False
    assert variables["doubled"].originating_functions == (arithmetic.doubled,)
    assert variables["x"].is_external_input is True
    assert variables["x"].originating_functions == (arithmetic.doubled,)  # its first consumer
    assert variables["y"].type is str
    assert variables["shifted"].required_dependencies == frozenset({"doubled"})
    assert variables["shifted"].optional_dependencies == frozenset({"offset"})


def test_list_available_variables_tag_filter() -> None:
    module = make_module(
        """
        def raw(x: int) -> int:
            return x

        def feature_a(raw: int) -> int:
            return raw

        def feature_b(raw: int) -> int:
            return raw

        def report(feature_a: int, feature_b: int) -> int:
            return feature_a + feature_b
        """
    )
    _tags(kind="feature", owner="ana")(module.feature_a)
    _tags(kind="feature", owner="bo")(module.feature_b)
    _tags(kind="report", owner=["ana", "bo"])(module.report)
    dr = build(module)

    def names(**tag_filter: Any) -> set[str]:
        return {v.name for v in dr.list_available_variables(tag_filter=tag_filter)}

    assert names(kind="feature") == {"feature_a", "feature_b"}
    assert names(kind=None) == {"feature_a", "feature_b", "report"}
    assert names(owner="ana") == {"feature_a", "report"}
    assert names(owner=["bo", "nobody"]) == {"feature_b", "report"}
    assert names(kind="feature", owner="bo") == {"feature_b"}
    assert names(kind="missing") == set()
    assert {v.name for v in dr.list_available_variables()} >= names(kind=None)
    tags = {v.name: v.tags for v in dr.list_available_variables()}
    assert tags["feature_a"]["owner"] == "ana"


# -- validate_execution --------------------------------------------------------------------


def test_validate_execution_runs_nothing() -> None:
    dr = build(make_module(OVERRIDE_SKIPS))
    assert dr.validate_execution(["top"], inputs={"x": 1}) is None
    with pytest.raises(errors.MissingInputError, match="'x'.*'expensive'"):
        dr.validate_execution(["top"])
    with pytest.raises(errors.UnknownNodeError, match="'tpo'.*did you mean 'top'"):
        dr.validate_execution(["tpo"], inputs={"x": 1})
    with pytest.raises(errors.InputTypeError, match="'x'"):
        dr.validate_execution(["top"], inputs={"x": "one"})
    assert dr.last_run is None


# -- queries ---------------------------------------------------------------------------------

QUERY_GRAPH = """
def a(x: int) -> int:
    return x

def b(a: int) -> int:
    return a

def c(a: int) -> int:
    return a

def d(b: int, c: int) -> int:
    return b + c

def e(y: int) -> int:
    return y
"""


def _names(nodes: list[Any]) -> list[str]:
    return [n.name for n in nodes]


@pytest.mark.parametrize(
    ("query", "args", "expected"),
    [
        ("what_is_upstream_of", ("d",), {"x", "a", "b", "c", "d"}),
        ("what_is_upstream_of", ("b", "e"), {"x", "a", "b", "y", "e"}),
        ("what_is_upstream_of", ("x",), {"x"}),
        ("what_is_downstream_of", ("a",), {"a", "b", "c", "d"}),
        ("what_is_downstream_of", ("x", "y"), {"x", "a", "b", "c", "d", "y", "e"}),
        ("what_is_downstream_of", ("d",), {"d"}),
        ("what_is_the_path_between", ("a", "d"), {"a", "b", "c", "d"}),
        ("what_is_the_path_between", ("b", "d"), {"b", "d"}),
        ("what_is_the_path_between", ("b", "c"), set()),
        ("what_is_the_path_between", ("d", "a"), set()),
        ("what_is_the_path_between", ("e", "d"), set()),
    ],
)
def test_graph_queries(query: str, args: tuple[str, ...], expected: set[str]) -> None:
    dr = build(make_module(QUERY_GRAPH))
    result = _names(getattr(dr, query)(*args))
    assert set(result) == expected
    assert len(result) == len(expected)
    position = {name: i for i, name in enumerate(result)}
    for name in result:  # topological order
        for dependency in dr.graph.nodes[name].input_types:
            if dependency in position:
                assert position[dependency] < position[name]


@pytest.mark.parametrize(
    "query", ["what_is_upstream_of", "what_is_downstream_of", "what_is_the_path_between"]
)
def test_graph_queries_reject_unknown_nodes(query: str) -> None:
    dr = build(make_module(QUERY_GRAPH))
    with pytest.raises(errors.UnknownNodeError, match=r"'dd'.*did you mean 'd'"):
        getattr(dr, query)("dd", "d") if "path" in query else getattr(dr, query)("dd")


def test_has_cycles(arithmetic: ModuleType) -> None:
    dr = build(arithmetic)
    assert dr.has_cycles(["total"]) is False
    assert dr.has_cycles([arithmetic.total]) is False
    with pytest.raises(errors.UnknownNodeError, match="'nope'"):
        dr.has_cycles(["nope"])


# -- last_run ------------------------------------------------------------------------------


def test_last_run_statuses_on_success(arithmetic: ModuleType) -> None:
    dr = build(arithmetic)
    assert dr.last_run is None
    dr.execute(["total"], inputs={"x": 1}, overrides={"shifted": 5})
    run = dr.last_run
    assert run is not None and run.success and run.error is None
    assert run.final_vars == ["total"]
    assert run.statuses == {
        "x": record.INPUT,
        "shifted": record.OVERRIDDEN,
        "doubled": record.COMPUTED,
        "total": record.COMPUTED,
    }
    assert "unrelated" not in run.statuses
    assert run.nodes_with(record.COMPUTED) == ["doubled", "total"]
    assert run.summary()["computed"] == 2
    assert run.duration_seconds >= 0


def test_last_run_statuses_on_failure() -> None:
    module = make_module(
        """
        def first(x: int) -> int:
            return x

        def broken(first: int) -> int:
            raise ZeroDivisionError("boom")

        def after(broken: int) -> int:
            return broken
        """
    )
    dr = build(module)
    for _ in range(3):
        with pytest.raises(ZeroDivisionError):
            dr.execute(["after"], inputs={"x": 1})
        run = dr.last_run
        assert run is not None and not run.success
        assert isinstance(run.error, ZeroDivisionError)
        assert run.failed_node == "broken"
        assert run.statuses == {
            "x": record.INPUT,
            "first": record.COMPUTED,
            "broken": record.FAILED,
            "after": record.NOT_RUN,
        }
    dr.execute(["first"], inputs={"x": 1})
    assert dr.last_run is not None and dr.last_run.success
