"""``@tag``, ``@tag_outputs``, ``@schema.output`` and ``@cache`` through the public API.

Tags must show in ``list_available_variables()`` and be matched by ``tag_filter``; misuse
fails at build time with an ``InvalidDecoratorError`` naming the function and decorator.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from hamilton_nb import ad_hoc_utils, driver, errors
from hamilton_nb.function_modifiers import (
    cache,
    check_output,
    config,
    schema,
    tag,
    tag_outputs,
)


def build(*functions: Any, config_values: dict[str, Any] | None = None) -> driver.Driver:
    module = ad_hoc_utils.create_temporary_module(*functions)
    return driver.Builder().with_modules(module).with_config(config_values or {}).build()


def tags_of(dr: driver.Driver) -> dict[str, dict[str, Any]]:
    """Tags set by decorators (the ``module`` tag every function node gets is checked apart)."""
    return {
        n.name: {k: v for k, v in n.tags.items() if k != "module"}
        for n in dr.list_available_variables()
    }


def test_function_nodes_carry_their_module_tag_as_in_hamilton() -> None:
    @tag(owner="me")
    def a() -> int:
        return 1

    module = ad_hoc_utils.create_temporary_module(a)
    dr = driver.Builder().with_modules(module).build()
    (node,) = dr.list_available_variables()
    assert node.tags == {"owner": "me", "module": module.__name__}


def execute_twice(dr: driver.Driver, outputs: list[str], **inputs: Any) -> dict[str, Any]:
    first = dr.execute(outputs, inputs=inputs)
    second = dr.execute(outputs, inputs=inputs)  # compiled plan
    assert first.keys() == second.keys()
    return second


# -- @tag -----------------------------------------------------------------------------------


def test_tag_adds_string_and_list_tags_visible_and_filterable() -> None:
    @tag(owner="data-team", pii=["email", "phone"], **{"data.source": "crm"})
    def customers(raw: int) -> int:
        return raw + 1

    def orders(raw: int) -> int:
        return raw * 2

    dr = build(customers, orders)
    assert tags_of(dr)["customers"] == {
        "owner": "data-team",
        "pii": ["email", "phone"],
        "data.source": "crm",
    }
    assert tags_of(dr)["orders"] == {}
    assert [n.name for n in dr.list_available_variables(tag_filter={"owner": "data-team"})] == [
        "customers"
    ]
    assert [n.name for n in dr.list_available_variables(tag_filter={"pii": "phone"})] == [
        "customers"
    ]
    assert dr.list_available_variables(tag_filter={"owner": "other"}) == []
    assert execute_twice(dr, ["customers", "orders"], raw=3) == {"customers": 4, "orders": 6}


def test_tag_keeps_the_function_a_plain_callable() -> None:
    @tag(owner="me")
    def f(x: int) -> int:
        return x + 1

    assert f(1) == 2


def test_stacked_tags_merge_and_the_outer_one_wins() -> None:
    @tag(a="outer", b="2")
    @tag(a="inner", c="4")
    def f(x: int) -> int:
        return x

    assert tags_of(build(f))["f"] == {"a": "outer", "b": "2", "c": "4"}


def test_bypass_reserved_namespaces_allows_reserved_keys() -> None:
    @tag(bypass_reserved_namespaces_=True, **{"hamilton.owner": "core"})
    def f(x: int) -> int:
        return x

    assert tags_of(build(f))["f"] == {"hamilton.owner": "core"}


@pytest.mark.parametrize(
    "tags, fragment",
    [
        ({"hamilton.x": "y"}, "reserved namespace 'hamilton'"),
        ({"module": "y"}, "reserved namespace 'module'"),
        ({"data_quality.check": "y"}, "reserved namespace 'data_quality'"),
        ({"owner": 1}, "owner=1"),
        ({"owner": ["a", 1]}, "owner=['a', 1]"),
        ({"owner": ("a", "b")}, "owner=('a', 'b')"),
        ({"a-b": "x"}, "key 'a-b'"),
        ({"a..b": "x"}, "key 'a..b'"),
        ({"1a": "x"}, "key '1a'"),
    ],
)
def test_invalid_tags_fail_at_build_naming_function_and_decorator(
    tags: dict[str, Any], fragment: str
) -> None:
    @tag(**tags)
    def tagged(x: int) -> int:
        return x

    with pytest.raises(errors.InvalidDecoratorError) as info:
        build(tagged)
    message = str(info.value)
    assert "tagged'" in message and "@tag" in message and fragment in message


def test_tag_target_selects_nodes_of_a_validated_function() -> None:
    @tag(stage="raw", target_="score_raw")
    @tag(owner="me")
    @tag(everywhere="yes", target_=...)
    @check_output(range=(0, 10))
    def score(x: int) -> int:
        return x

    found = tags_of(build(score))
    assert found["score"] == {"owner": "me", "everywhere": "yes"}
    assert found["score_raw"] == {"stage": "raw", "everywhere": "yes"}
    assert found["score_range_validator"]["everywhere"] == "yes"
    assert "owner" not in found["score_range_validator"]


def test_tag_target_list() -> None:
    @tag(both="yes", target_=["score", "score_raw"])
    @check_output(range=(0, 10))
    def score(x: int) -> int:
        return x

    found = tags_of(build(score))
    assert found["score"]["both"] == found["score_raw"]["both"] == "yes"
    assert "both" not in found["score_range_validator"]


def test_tag_target_unknown_node_is_a_build_error() -> None:
    @tag(owner="me", target_="nope")
    def aimed(x: int) -> int:
        return x

    with pytest.raises(errors.InvalidDecoratorError, match=r"aimed\'.*@tag\(target_='nope'\)"):
        build(aimed)


def test_tag_with_config_when_tags_the_chosen_variant() -> None:
    @tag(region="us")
    @config.when(region="US")
    def price__us(base: int) -> int:
        return base + 1

    @tag(region="eu")
    @config.when(region="EU")
    def price__eu(base: int) -> int:
        return base + 2

    dr = build(price__us, price__eu, config_values={"region": "EU"})
    assert tags_of(dr)["price"] == {"region": "eu", "hamilton.config": "region"}
    assert execute_twice(dr, ["price"], base=1) == {"price": 3}


def test_tag_filter_selects_outputs_to_execute() -> None:
    # tag_filter picks the outputs to request, as in Hamilton's "execute all tagged" idiom.
    @tag(report="yes")
    def total(a: int, b: int) -> int:
        return a + b

    @tag(report="yes")
    def doubled(total: int) -> int:
        return total * 2

    dr = build(total, doubled)
    wanted = [n.name for n in dr.list_available_variables(tag_filter={"report": None})]
    assert execute_twice(dr, wanted, a=1, b=2) == {"total": 3, "doubled": 6}


# -- @tag_outputs ---------------------------------------------------------------------------


def test_tag_outputs_tags_each_named_node() -> None:
    @tag_outputs(score={"kind": "checked"}, score_raw={"kind": "raw", "pii": ["x", "y"]})
    @check_output(range=(0, 10))
    def score(x: int) -> int:
        return x

    dr = build(score)
    found = tags_of(dr)
    assert found["score"] == {"kind": "checked"}
    assert found["score_raw"] == {"kind": "raw", "pii": ["x", "y"]}
    assert [n.name for n in dr.list_available_variables(tag_filter={"kind": "raw"})] == [
        "score_raw"
    ]
    assert execute_twice(dr, ["score"], x=3) == {"score": 3}


def test_tag_outputs_outer_decorator_wins_over_tag() -> None:
    @tag_outputs(f={"a": "from_tag_outputs"})
    @tag(a="from_tag", b="kept")
    def f(x: int) -> int:
        return x

    assert tags_of(build(f))["f"] == {"a": "from_tag_outputs", "b": "kept"}


def test_tag_outputs_unknown_node_is_a_build_error() -> None:
    @tag_outputs(nope={"a": "1"})
    def produced(x: int) -> int:
        return x

    with pytest.raises(errors.InvalidDecoratorError, match=r"produced\'.*@tag_outputs.*'nope'"):
        build(produced)


def test_tag_outputs_invalid_value_is_a_build_error() -> None:
    @tag_outputs(produced={"a": 1})
    def produced(x: int) -> int:
        return x

    with pytest.raises(errors.InvalidDecoratorError, match=r"produced\'.*@tag_outputs.*a=1"):
        build(produced)


# -- @schema.output -------------------------------------------------------------------------


def test_schema_output_stores_the_schema_tag() -> None:
    @tag(owner="me")
    @schema.output(("age", "int"), ("name", "str"))
    def people(n: int) -> pd.DataFrame:
        return pd.DataFrame({"age": [n], "name": ["x"]})

    dr = build(people)
    assert tags_of(dr)["people"] == {
        "hamilton.internal.schema_output": "age=int,name=str",
        "owner": "me",
    }
    assert schema.INTERNAL_SCHEMA_OUTPUT_KEY == "hamilton.internal.schema_output"
    result = execute_twice(dr, ["people"], n=3)
    assert result["people"]["age"].tolist() == [3]


def test_schema_output_with_type_objects_uses_their_str() -> None:
    @schema.output(("age", int))
    def people(n: int) -> pd.DataFrame:
        return pd.DataFrame({"age": [n]})

    assert tags_of(build(people))["people"] == {
        "hamilton.internal.schema_output": "age=<class 'int'>"
    }


def test_schema_output_on_a_non_dataframe_is_a_build_error() -> None:
    @schema.output(("age", "int"))
    def count(n: int) -> int:
        return n

    with pytest.raises(errors.InvalidDecoratorError, match=r"count\'.*@schema.output.*int"):
        build(count)


def test_schema_output_twice_is_a_build_error() -> None:
    @schema.output(("a", "int"))
    @schema.output(("b", "int"))
    def frame(n: int) -> pd.DataFrame:
        return pd.DataFrame({"a": [n]})

    with pytest.raises(errors.InvalidDecoratorError, match=r"frame\'.*@schema.output.*once"):
        build(frame)


def test_schema_output_bad_field_is_a_build_error() -> None:
    @schema.output("age")  # type: ignore[arg-type]
    def frame(n: int) -> pd.DataFrame:
        return pd.DataFrame({"age": [n]})

    with pytest.raises(errors.InvalidDecoratorError, match=r"frame\'.*@schema.output.*'age'"):
        build(frame)


# -- @cache ---------------------------------------------------------------------------------


def test_cache_sets_behavior_and_format_tags_on_every_node() -> None:
    @cache(behavior="recompute", format="parquet")
    @check_output(range=(0, 10))
    def score(x: int) -> int:
        return x

    dr = build(score)
    found = tags_of(dr)
    for name in ("score", "score_raw", "score_range_validator"):
        assert found[name]["cache.behavior"] == "recompute"
        assert found[name]["cache.format"] == "parquet"
    assert {n.name for n in dr.list_available_variables(tag_filter={"cache.behavior": None})} == {
        "score",
        "score_raw",
        "score_range_validator",
    }
    assert execute_twice(dr, ["score"], x=4) == {"score": 4}


def test_cache_only_sets_the_given_tags_and_stacks() -> None:
    @cache(behavior="ignore")
    @cache(behavior="default", format="json")
    def f(x: int) -> int:
        return x

    @cache()
    def g(x: int) -> int:
        return x

    found = tags_of(build(f, g))
    assert found["f"] == {"cache.behavior": "ignore", "cache.format": "json"}
    assert found["g"] == {}


def test_cache_with_config_when() -> None:
    @cache(behavior="disable")
    @config.when(mode="fast")
    def value_of__fast(x: int) -> int:
        return x

    dr = build(value_of__fast, config_values={"mode": "fast"})
    assert tags_of(dr)["value_of"] == {"cache.behavior": "disable", "hamilton.config": "mode"}


def test_cache_unknown_behavior_is_a_build_error() -> None:
    @cache(behavior="never")
    def cached(x: int) -> int:
        return x

    with pytest.raises(errors.InvalidDecoratorError, match=r"cached\'.*@cache.*'never'.*recompute"):
        build(cached)
