"""Expanders: ``parameterize`` and its older forms, ``parameterize_extract_columns``,
``extract_columns``, ``extract_fields`` and ``unpack_fields``.

Every driver is executed twice (the first run is interpreted, the second compiled). The same
decorators built by Hamilton are compared in tests/parity/test_decorator_families.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypedDict

import pandas as pd
import pytest

from hamilton_nb import ad_hoc_utils, driver, errors
from hamilton_nb.function_modifiers import (
    ParameterizedExtract,
    config,
    extract_columns,
    extract_fields,
    group,
    inject,
    parameterize,
    parameterize_extract_columns,
    parameterize_sources,
    parameterize_values,
    source,
    unpack_fields,
    value,
)


def build(*functions: Callable[..., Any], config_values: dict[str, Any] | None = None) -> Any:
    module = ad_hoc_utils.create_temporary_module(*functions)
    return driver.Builder().with_modules(module).with_config(config_values or {}).build()


def _same(first: Any, second: Any) -> bool:
    kind = type(first).__name__
    if kind == "LazyFrame":
        first, second = first.collect(), second.collect()
    elif kind == "Expr":
        return str(first) == str(second)
    return bool(first.equals(second)) if hasattr(first, "equals") else first == second


def execute_twice(dr: Any, outputs: list[str], inputs: dict[str, Any] | None = None) -> dict:
    """Run interpreted then compiled; both runs must agree."""
    first = dr.execute(outputs, inputs=inputs or {})
    second = dr.execute(outputs, inputs=inputs or {})
    assert first.keys() == second.keys()
    assert all(_same(first[k], second[k]) for k in first)
    return second


def raises_twice(dr: Any, outputs: list[str], inputs: dict[str, Any], error: type) -> str:
    messages = []
    for _ in range(2):
        with pytest.raises(error) as info:
            dr.execute(outputs, inputs=inputs)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    return messages[0]


def variables(dr: Any) -> dict[str, Any]:
    return {n.name: n for n in dr.list_available_variables()}


def assert_names_function_and_decorator(
    message: str, fn: Callable[..., Any], decorator: str
) -> None:
    assert repr(fn.__qualname__) in message
    assert f"@{decorator}" in message


# -- parameterize -------------------------------------------------------------------------------


def test_parameterize_makes_one_node_per_output_with_bound_parameters() -> None:
    @parameterize(
        scaled_a={"x": source("a"), "factor": value(2)},
        scaled_b=({"x": source("b"), "factor": value(3)}, "b, tripled"),
    )
    def scale(x: int, factor: int, offset: int = 0) -> int:
        """Scale {x} by {factor} into {output_name} ({offset})."""
        return x * factor + offset

    dr = build(scale)
    nodes = variables(dr)
    assert "scale" not in nodes
    assert nodes["scaled_a"].type is int
    assert nodes["scaled_a"].documentation == "Scale a by 2 into scaled_a (offset)."
    assert nodes["scaled_b"].documentation == "b, tripled"
    assert nodes["scaled_a"].required_dependencies == {"a"}
    assert nodes["scaled_a"].optional_dependencies == {"offset"}
    assert nodes["scaled_b"].originating_functions[0].__name__ == "scale"
    result = execute_twice(dr, ["scaled_a", "scaled_b"], {"a": 1, "b": 10})
    assert result == {"scaled_a": 2, "scaled_b": 30}
    assert execute_twice(dr, ["scaled_a"], {"a": 1, "offset": 5}) == {"scaled_a": 7}
    assert scale(4, 5) == 20  # still a plain function


def test_parameterize_outputs_can_feed_each_other_and_group_values() -> None:
    @parameterize(
        total={"parts": group(source("first"), value(10), source("second"))},
        labelled={"parts": group(source("total"), value(1))},
    )
    def add(parts: list[int]) -> int:
        return sum(parts)

    @parameterize(as_dict={"mapping": group(k=source("first"), v=value(2))})
    def keys(mapping: dict[str, int]) -> str:
        return ",".join(f"{k}={v}" for k, v in mapping.items())

    dr = build(add, keys)
    assert variables(dr)["total"].required_dependencies == {"first", "second"}
    result = execute_twice(dr, ["total", "labelled", "as_dict"], {"first": 1, "second": 2})
    assert result == {"total": 13, "labelled": 14, "as_dict": "k=1,v=2"}


def test_parameterize_one_source_may_feed_several_parameters() -> None:
    @parameterize(squared={"x": source("n"), "y": source("n")}, mixed={"y": source("x")})
    def product(x: int, y: int) -> int:
        return x * y

    dr = build(product)
    assert execute_twice(dr, ["squared", "mixed"], {"n": 3, "x": 4}) == {"squared": 9, "mixed": 16}


def test_parameterize_docstring_templates_are_forgiving() -> None:
    @parameterize(
        one={"x": value([1, 2])},
        two={"x": group(source("a"))},
    )
    def summary(x: list[int]) -> int:
        """{output_name}: {x} and {unknown}"""
        return len(x)

    @parameterize(three={"x": value(1)})
    def not_a_template(x: int) -> int:
        """A dict literal {"a": 1} is not a template."""
        return x

    docs = {name: n.documentation for name, n in variables(build(summary, not_a_template)).items()}
    assert docs["one"] == "one: [1, 2] and unknown"
    assert docs["two"] == "two: x and unknown"  # a group renders as the parameter's name
    assert docs["three"] == 'A dict literal {"a": 1} is not a template.'


def test_parameterize_with_config_when_picks_the_variant() -> None:
    @config.when(unit="m")
    @parameterize(length_a={"raw": source("a")})
    def length__metric(raw: float) -> float:
        return raw

    @config.when(unit="ft")
    @parameterize(length_a={"raw": source("a")})
    def length__imperial(raw: float) -> float:
        return raw * 0.3

    for unit, expected in (("m", 10.0), ("ft", 3.0)):
        dr = build(length__metric, length__imperial, config_values={"unit": unit})
        assert execute_twice(dr, ["length_a"], {"a": 10.0}) == {"length_a": pytest.approx(expected)}


def test_parameterize_with_no_outputs_contributes_no_node() -> None:
    @parameterize()
    def nothing(x: int) -> int:
        return x

    def other() -> int:
        return 1

    assert set(variables(build(nothing, other))) == {"other"}


def test_parameterize_unknown_parameter_is_a_build_error() -> None:
    @parameterize(out={"y": value(1)})
    def f(x: int) -> int:
        return x

    with pytest.raises(errors.InvalidDecoratorError) as info:
        build(f)
    assert_names_function_and_decorator(str(info.value), f, "parameterize")
    assert "'y'" in str(info.value) and "'out'" in str(info.value)


def test_parameterize_bare_literal_asks_for_value() -> None:
    @parameterize(out={"x": 1})
    def f(x: int) -> int:
        return x

    with pytest.raises(errors.InvalidDecoratorError) as info:
        build(f)
    assert_names_function_and_decorator(str(info.value), f, "parameterize")
    assert "value(1)" in str(info.value)


def test_parameterize_output_clashing_with_an_unbound_parameter_is_an_error() -> None:
    @parameterize(y={"x": source("a")})
    def f(x: int, y: int) -> int:
        return x + y

    with pytest.raises(errors.InvalidDecoratorError) as info:
        build(f)
    assert_names_function_and_decorator(str(info.value), f, "parameterize")
    assert "'y' would depend on itself" in str(info.value)


def test_parameterize_output_may_reuse_a_bound_parameter_name() -> None:
    @parameterize(x={"x": source("raw_x")})
    def f(x: int) -> int:
        return x + 1

    assert execute_twice(build(f), ["x"], {"raw_x": 1}) == {"x": 2}


@pytest.mark.parametrize(
    "spec, fragment",
    [
        ({"out": "x"}, "takes a dict"),
        ({"out": ({"x": value(1)},)}, "(bindings dict, docstring)"),
        ({"out": {"x": group(source("a"))}}, "passes a list"),
    ],
)
def test_parameterize_malformed_specs(spec: dict[str, Any], fragment: str) -> None:
    @parameterize(**spec)
    def f(x: int) -> int:
        return x

    with pytest.raises(errors.InvalidDecoratorError) as info:
        build(f)
    assert_names_function_and_decorator(str(info.value), f, "parameterize")
    assert fragment in str(info.value)


def test_two_expanders_on_one_function_are_refused() -> None:
    @extract_columns("a")
    @parameterize(out={"x": value(1)})
    def f(x: int) -> pd.DataFrame:
        return pd.DataFrame({"a": [x]})

    with pytest.raises(errors.InvalidDecoratorError) as info:
        build(f)
    assert "cannot be combined" in str(info.value)
    assert "@extract_columns" in str(info.value) and "@parameterize" in str(info.value)


def test_parameterize_builds_many_nodes() -> None:
    outputs = {f"out_{i}": {"x": source(f"in_{i % 7}"), "k": value(i)} for i in range(300)}

    @parameterize(**outputs)
    def times(x: int, k: int) -> int:
        return x * k

    dr = build(times)
    inputs = {f"in_{i}": i for i in range(7)}
    result = execute_twice(dr, list(outputs), inputs)
    assert result["out_299"] == (299 % 7) * 299


# -- parameterize_values / parameterize_sources ---------------------------------------------------


def test_parameterize_values_assigns_literals_with_their_docstrings() -> None:
    @parameterize_values(
        parameter="rate",
        assigned_output={("tax_fr", "French VAT"): 0.2, ("tax_de", "German VAT {rate}"): 0.19},
    )
    def tax(price: float, rate: float) -> float:
        """Unused: explicit docstrings win."""
        return price * rate

    dr = build(tax)
    nodes = variables(dr)
    assert nodes["tax_fr"].documentation == "French VAT"
    assert nodes["tax_de"].documentation == "German VAT {rate}"  # explicit docs are literal
    result = execute_twice(dr, ["tax_fr", "tax_de"], {"price": 100.0})
    assert result == {"tax_fr": pytest.approx(20.0), "tax_de": pytest.approx(19.0)}


def test_parameterize_values_positional_arguments_and_config() -> None:
    @config.when(country="fr")
    @parameterize_values("rate", {("tax", "VAT"): 0.2})
    def tax__fr(price: float, rate: float) -> float:
        return price * rate

    dr = build(tax__fr, config_values={"country": "fr"})
    assert execute_twice(dr, ["tax"], {"price": 10.0}) == {"tax": pytest.approx(2.0)}


@pytest.mark.parametrize(
    "parameter, assigned, fragment",
    [
        ("rate", {"tax_fr": 0.2}, "(output_name, docstring) tuples"),
        ("rate", {("tax_fr", "doc"): source("x")}, "Use @parameterize"),
        ("missing", {("tax_fr", "doc"): 0.2}, "'missing'"),
    ],
)
def test_parameterize_values_misuse(parameter: str, assigned: dict, fragment: str) -> None:
    @parameterize_values(parameter=parameter, assigned_output=assigned)
    def tax(price: float, rate: float) -> float:
        return price * rate

    with pytest.raises(errors.InvalidDecoratorError) as info:
        build(tax)
    assert_names_function_and_decorator(str(info.value), tax, "parameterize_values")
    assert fragment in str(info.value)


def test_parameterize_sources_maps_parameters_to_upstream_nodes() -> None:
    @parameterize_sources(
        shifted_a=dict(series="a"),
        shifted_b={"series": "b", "by": "step"},
    )
    def shift(series: pd.Series, by: int) -> pd.Series:
        """{series} shifted by {by} into {output_name}"""
        return series.shift(by)

    dr = build(shift)
    nodes = variables(dr)
    assert nodes["shifted_a"].documentation == "a shifted by by into shifted_a"
    assert nodes["shifted_b"].documentation == "b shifted by step into shifted_b"
    assert nodes["shifted_b"].required_dependencies == {"b", "step"}
    inputs = {"a": pd.Series([1, 2]), "b": pd.Series([3, 4]), "by": 1, "step": -1}
    result = execute_twice(dr, ["shifted_a", "shifted_b"], inputs)
    assert result["shifted_a"].tolist()[1] == 1
    assert result["shifted_b"].tolist()[0] == 4


def test_parameterize_sources_rejects_literals() -> None:
    @parameterize_sources(out={"x": 3})
    def f(x: int) -> int:
        return x

    with pytest.raises(errors.InvalidDecoratorError) as info:
        build(f)
    assert_names_function_and_decorator(str(info.value), f, "parameterize_sources")
    assert "must name an upstream node" in str(info.value)


# -- extract_columns ---------------------------------------------------------------------------


def test_extract_columns_keeps_the_frame_and_adds_a_node_per_column() -> None:
    @extract_columns("a", ("b", "The b column."))
    def frame(n: int) -> pd.DataFrame:
        """A small frame."""
        return pd.DataFrame({"a": range(n), "b": range(n, 2 * n), "c": 0})

    dr = build(frame)
    nodes = variables(dr)
    assert nodes["frame"].type is pd.DataFrame
    assert nodes["a"].type is pd.Series and nodes["b"].type is pd.Series
    assert nodes["a"].documentation == "A small frame."
    assert nodes["b"].documentation == "The b column."
    assert nodes["a"].required_dependencies == {"frame"}
    assert nodes["b"].originating_functions[0].__name__ == "frame"
    result = execute_twice(dr, ["a", "b", "frame"], {"n": 3})
    assert result["a"].tolist() == [0, 1, 2]
    assert result["b"].name == "b"
    assert list(result["frame"].columns) == ["a", "b", "c"]
    assert list(frame(1).columns) == ["a", "b", "c"]  # still a plain function


def test_extract_columns_feeds_downstream_functions() -> None:
    @extract_columns("price", "qty")
    def orders() -> pd.DataFrame:
        return pd.DataFrame({"price": [2.0, 3.0], "qty": [1, 4]})

    def revenue(price: pd.Series, qty: pd.Series) -> float:
        return float((price * qty).sum())

    assert execute_twice(build(orders, revenue), ["revenue"]) == {"revenue": 14.0}


def test_extract_columns_missing_column_names_column_and_node() -> None:
    @extract_columns("a", "zz")
    def frame() -> pd.DataFrame:
        return pd.DataFrame({"a": [1]})

    message = raises_twice(build(frame), ["zz"], {}, errors.ExecutionError)
    assert "'zz'" in message and "'frame'" in message and "fill_with" in message


def test_extract_columns_fill_with_fills_without_touching_the_frame() -> None:
    @extract_columns("a", "zz", fill_with=0)
    def frame() -> pd.DataFrame:
        return pd.DataFrame({"a": [1, 2]}, index=[10, 20])

    result = execute_twice(build(frame), ["zz", "frame"])
    assert result["zz"].tolist() == [0, 0]
    assert list(result["zz"].index) == [10, 20]
    assert list(result["frame"].columns) == ["a"]


def test_extract_columns_frame_not_returned_at_run_time() -> None:
    @extract_columns("a")
    def frame() -> pd.DataFrame:
        return {"a": [1]}  # type: ignore[return-value]

    message = raises_twice(build(frame), ["a"], {}, errors.NodeTypeError)
    assert "'frame'" in message and "not a DataFrame" in message


@pytest.mark.parametrize("annotation", [dict, Any, int])
def test_extract_columns_on_a_non_dataframe_is_a_build_error(annotation: Any) -> None:
    def frame() -> int:
        return 1

    frame.__annotations__["return"] = annotation
    extract_columns("a")(frame)
    with pytest.raises(errors.InvalidDecoratorError) as info:
        build(frame)
    assert_names_function_and_decorator(str(info.value), frame, "extract_columns")
    assert "DataFrame" in str(info.value)


@pytest.mark.parametrize(
    "columns, fragment",
    [
        ((), "at least one column"),
        ((["a", "b"],), "Unpack it"),
        (("a", "a"), "'a' is given twice"),
        (("a", ("b", int)), "(name, docstring)"),
        (("frame",), "has the name of the node"),
    ],
)
def test_extract_columns_misuse(columns: tuple, fragment: str) -> None:
    @extract_columns(*columns)
    def frame() -> pd.DataFrame:
        return pd.DataFrame()

    with pytest.raises(errors.InvalidDecoratorError) as info:
        build(frame)
    assert_names_function_and_decorator(str(info.value), frame, "extract_columns")
    assert fragment in str(info.value)


def test_extract_columns_with_config_when_uses_the_resolved_name() -> None:
    @config.when(source_kind="csv")
    @extract_columns("a")
    def frame__csv(path: str) -> pd.DataFrame:
        return pd.DataFrame({"a": [len(path)]})

    dr = build(frame__csv, config_values={"source_kind": "csv"})
    assert variables(dr)["a"].required_dependencies == {"frame"}
    assert execute_twice(dr, ["a"], {"path": "xyz"})["a"].tolist() == [3]


def test_extract_columns_on_polars_frames() -> None:
    pl = pytest.importorskip("polars")

    def frame() -> pl.DataFrame:
        return pl.DataFrame({"a": [1, 2]})

    def lazy() -> pl.LazyFrame:
        return pl.DataFrame({"b": [3]}).lazy()

    # pl is local and annotations are postponed here: give the resolved types
    frame.__annotations__["return"] = pl.DataFrame
    lazy.__annotations__["return"] = pl.LazyFrame
    extract_columns("a", "zz", fill_with=0)(frame)
    extract_columns("b")(lazy)
    dr = build(frame, lazy)
    nodes = variables(dr)
    assert nodes["a"].type is pl.Series and nodes["b"].type is pl.Expr
    result = execute_twice(dr, ["a", "zz", "b", "lazy"])
    assert result["a"].to_list() == [1, 2] and result["zz"].to_list() == [0, 0]
    assert result["lazy"].select(result["b"]).collect()["b"].to_list() == [3]


def _tag() -> Any:
    from hamilton_nb.function_modifiers import tag

    return tag


def test_tag_on_expanders_reaches_the_generated_final_nodes() -> None:
    tag = _tag()

    @tag(owner="data")
    @extract_columns("a", "b")
    def frame() -> pd.DataFrame:
        return pd.DataFrame({"a": [1], "b": [2]})

    @tag(team="core")
    @parameterize(p_one={"x": value(1)}, p_two={"x": source("a_number")})
    def passthrough(x: int) -> int:
        return x

    dr = build(frame, passthrough)
    nodes = variables(dr)
    assert nodes["frame"].tags.get("owner") is None  # as in Hamilton: the columns are final
    assert nodes["a"].tags["owner"] == "data" and nodes["b"].tags["owner"] == "data"
    assert nodes["p_two"].tags["team"] == "core"
    tagged = dr.list_available_variables(tag_filter={"owner": "data"})
    assert sorted(n.name for n in tagged) == ["a", "b"]
    assert all(n.originating_functions[0].__name__ == "frame" for n in tagged)
    assert execute_twice(dr, ["a", "p_two"], {"a_number": 5})["p_two"] == 5


# -- parameterize_extract_columns ----------------------------------------------------------------


def test_parameterize_extract_columns_renames_columns_to_outputs() -> None:
    @parameterize_extract_columns(
        ParameterizedExtract(("sum_1", "prod_1"), {"x": source("s1"), "k": value(10)}),
        ParameterizedExtract(outputs=("sum_2", "prod_2"), input_mapping={"x": source("s2")}),
    )
    def combine(x: pd.Series, k: int = 1) -> pd.DataFrame:
        """Combine {x} with {k} as {output_name}."""
        return pd.DataFrame({"s": x + k, "p": x * k})

    dr = build(combine)
    nodes = variables(dr)
    assert nodes["combine__0"].type is pd.DataFrame
    assert nodes["combine__0"].documentation == "Combine s1 with 10 as combine__0."
    assert nodes["sum_1"].required_dependencies == {"combine__0"}
    assert nodes["prod_2"].type is pd.Series
    inputs = {"s1": pd.Series([1, 2]), "s2": pd.Series([3, 4])}
    result = execute_twice(dr, ["sum_1", "prod_1", "sum_2", "prod_2", "combine__1"], inputs)
    assert result["sum_1"].tolist() == [11, 12]
    assert result["prod_1"].tolist() == [10, 20]
    assert result["sum_2"].tolist() == [4, 5]
    assert list(result["combine__1"].columns) == ["sum_2", "prod_2"]


def test_parameterize_extract_columns_by_name_without_reassigning() -> None:
    @parameterize_extract_columns(
        ParameterizedExtract(("b", "missing"), {"x": value(2)}),
        reassign_columns=False,
    )
    def frame(x: int) -> pd.DataFrame:
        return pd.DataFrame({"a": [x], "b": [x * 2]})

    dr = build(frame)
    assert execute_twice(dr, ["b"])["b"].tolist() == [4]
    message = raises_twice(dr, ["missing"], {}, errors.ExecutionError)
    assert "'missing'" in message and "'frame__0'" in message


def test_parameterize_extract_columns_column_count_mismatch() -> None:
    @parameterize_extract_columns(ParameterizedExtract(("a", "b"), {"x": value(1)}))
    def frame(x: int) -> pd.DataFrame:
        return pd.DataFrame({"only": [x]})

    message = raises_twice(build(frame), ["a"], {}, errors.ExecutionError)
    assert "'frame__0'" in message and "reassign_columns=False" in message


@pytest.mark.parametrize(
    "extracts, fragment",
    [
        ((), "at least one ParameterizedExtract"),
        ((ParameterizedExtract(("a",), {"y": value(1)}),), "'y'"),
        ((ParameterizedExtract(("a",), {"x": 1}),), "value(1)"),
        ((ParameterizedExtract("ab", {"x": value(1)}),), "takes ParameterizedExtract"),
    ],
)
def test_parameterize_extract_columns_misuse(extracts: tuple, fragment: str) -> None:
    @parameterize_extract_columns(*extracts)
    def frame(x: int) -> pd.DataFrame:
        return pd.DataFrame({"a": [x]})

    with pytest.raises(errors.InvalidDecoratorError) as info:
        build(frame)
    assert_names_function_and_decorator(str(info.value), frame, "parameterize_extract_columns")
    assert fragment in str(info.value)


# -- extract_fields ---------------------------------------------------------------------------


class Stats(TypedDict):
    mean: float
    count: int


def test_extract_fields_with_types_keeps_the_dict_and_adds_fields() -> None:
    @extract_fields({"mean": float, "labels": list[str]})
    def stats(values: list[float]) -> dict:
        """Summary statistics."""
        return {"mean": sum(values) / len(values), "labels": ["x"], "unused": 0}

    def doubled(mean: float) -> float:
        return mean * 2

    dr = build(stats, doubled)
    nodes = variables(dr)
    assert nodes["mean"].type is float and nodes["labels"].type == list[str]
    assert nodes["mean"].documentation == "Summary statistics."
    assert nodes["labels"].originating_functions[0].__name__ == "stats"
    result = execute_twice(dr, ["doubled", "labels", "stats"], {"values": [1.0, 3.0]})
    assert result["doubled"] == 4.0 and result["labels"] == ["x"]
    assert result["stats"]["unused"] == 0


@pytest.mark.parametrize(
    "args", [(), (["mean", "count"],), ("mean", "count"), ({"mean": float, "count": int},)]
)
def test_extract_fields_from_a_typed_dict(args: tuple) -> None:
    @extract_fields(*args)
    def stats() -> Stats:
        return {"mean": 1.5, "count": 2}

    dr = build(stats)
    nodes = variables(dr)
    assert nodes["mean"].type is float and nodes["count"].type is int
    assert execute_twice(dr, ["mean", "count"]) == {"mean": 1.5, "count": 2}


def test_extract_fields_names_from_a_typed_dict_value_type() -> None:
    @extract_fields("low", "high")
    def bounds() -> dict[str, int]:
        return {"low": 1, "high": 9}

    dr = build(bounds)
    assert variables(dr)["high"].type is int
    assert execute_twice(dr, ["low", "high"]) == {"low": 1, "high": 9}


def test_extract_fields_missing_field_and_fill_with() -> None:
    @extract_fields({"a": int, "zz": int})
    def strict() -> dict:
        return {"a": 1}

    @extract_fields({"b": int, "yy": int}, fill_with=-1)
    def lenient() -> dict:
        return {"b": 1}

    dr = build(strict, lenient)
    message = raises_twice(dr, ["zz"], {}, errors.ExecutionError)
    assert "'zz'" in message and "'strict'" in message and "fill_with" in message
    result = execute_twice(dr, ["yy", "lenient"])
    assert result == {"yy": -1, "lenient": {"b": 1}}


@pytest.mark.parametrize(
    "args, annotation, fragment",
    [
        (({"a": int},), int, "returning a dict or a TypedDict"),
        ((["a"],), dict, "returns a plain dict"),
        (({},), dict, "at least one field"),
        (({"a": "int"},), dict, "need a type"),
        (({"a": int}, "b"), dict, "not both"),
        (({"other": int},), Stats, "not in the returned TypedDict"),
        (({"count": str},), Stats, "says int"),
        (({"stats": int},), dict, "has the name of the node"),
    ],
)
def test_extract_fields_misuse(args: tuple, annotation: Any, fragment: str) -> None:
    def stats() -> dict:
        return {}

    stats.__annotations__["return"] = annotation
    extract_fields(*args)(stats)
    with pytest.raises(errors.InvalidDecoratorError) as info:
        build(stats)
    assert_names_function_and_decorator(str(info.value), stats, "extract_fields")
    assert fragment in str(info.value)


def test_extract_fields_with_inject() -> None:
    @extract_fields({"upper": str})
    @inject(text=source("raw_text"))
    def parsed(text: str) -> dict:
        return {"upper": text.upper()}

    dr = build(parsed)
    assert variables(dr)["parsed"].required_dependencies == {"raw_text"}
    assert execute_twice(dr, ["upper"], {"raw_text": "ab"}) == {"upper": "AB"}


# -- unpack_fields -----------------------------------------------------------------------------


def test_unpack_fields_adds_a_node_per_tuple_item() -> None:
    @unpack_fields("low", "label")
    def split(n: int) -> tuple[int, str]:
        """Split n."""
        return n - 1, f"n={n}"

    @unpack_fields("first")
    def head(n: int) -> tuple[int, ...]:
        return (n, n + 1)

    dr = build(split, head)
    nodes = variables(dr)
    assert nodes["split"].type == tuple[int, str]
    assert nodes["low"].type is int and nodes["label"].type is str
    assert nodes["first"].type is int
    assert nodes["label"].documentation == "Split n."
    result = execute_twice(dr, ["low", "label", "split", "first"], {"n": 5})
    assert result == {"low": 4, "label": "n=5", "split": (4, "n=5"), "first": 5}
    assert split(2) == (1, "n=2")


def test_unpack_fields_short_tuple_at_run_time() -> None:
    @unpack_fields("a", "b", "c")
    def items() -> tuple[int, ...]:
        return (1, 2)

    message = raises_twice(build(items), ["c"], {}, errors.ExecutionError)
    assert "'items'" in message and "'c'" in message


@pytest.mark.parametrize(
    "fields, annotation, fragment",
    [
        (("a", "b", "c"), tuple[int, str], "only 2 item(s)"),
        (("a",), tuple, "tuple[int, str]"),
        (("a",), list[int], "tuple[int, str]"),
        ((), tuple[int], "at least one field"),
        (("a", "a"), tuple[int, int], "given twice"),
    ],
)
def test_unpack_fields_misuse(fields: tuple, annotation: Any, fragment: str) -> None:
    def items() -> tuple:
        return ()

    items.__annotations__["return"] = annotation
    unpack_fields(*fields)(items)
    with pytest.raises(errors.InvalidDecoratorError) as info:
        build(items)
    assert_names_function_and_decorator(str(info.value), items, "unpack_fields")
    assert fragment in str(info.value)


def test_unpack_fields_with_config_when() -> None:
    @config.when(mode="pair")
    @unpack_fields("left", "right")
    def parts__pair(text: str) -> tuple[str, str]:
        left, _, right = text.partition(":")
        return left, right

    dr = build(parts__pair, config_values={"mode": "pair"})
    assert execute_twice(dr, ["left", "right"], {"text": "a:b"}) == {"left": "a", "right": "b"}
