"""``@inject``: bind the parameters of a function's own node (it keeps its name), alone and
combined with expanders and ``@config.when``. Every driver is executed twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from hamilton_nb import ad_hoc_utils, driver, errors
from hamilton_nb.function_modifiers import (
    config,
    extract_columns,
    group,
    inject,
    parameterize,
    source,
    value,
)


def build(*functions: Callable[..., Any], config_values: dict[str, Any] | None = None) -> Any:
    module = ad_hoc_utils.create_temporary_module(*functions)
    return driver.Builder().with_modules(module).with_config(config_values or {}).build()


def execute_twice(dr: Any, outputs: list[str], inputs: dict[str, Any] | None = None) -> dict:
    first = dr.execute(outputs, inputs=inputs or {})
    second = dr.execute(outputs, inputs=inputs or {})
    assert repr(first) == repr(second)
    return second


def variables(dr: Any) -> dict[str, Any]:
    return {n.name: n for n in dr.list_available_variables()}


def build_error(*functions: Callable[..., Any]) -> str:
    with pytest.raises(errors.InvalidDecoratorError) as info:
        build(*functions)
    return str(info.value)


def test_inject_binds_parameters_and_keeps_the_function_name() -> None:
    @inject(nums=group(source("a"), value(10), source("b")), scale=source("factor"))
    def total(nums: list[int], scale: int, bonus: int = 0) -> int:
        """Sum of {nums} times {scale}, as {output_name}."""
        return sum(nums) * scale + bonus

    dr = build(total)
    node = variables(dr)["total"]
    assert node.type is int
    assert node.required_dependencies == {"a", "b", "factor"}
    assert node.optional_dependencies == {"bonus"}
    assert node.documentation == "Sum of nums times factor, as total."
    assert node.originating_functions[0].__name__ == "total"
    assert execute_twice(dr, ["total"], {"a": 1, "b": 2, "factor": 2}) == {"total": 26}
    assert execute_twice(dr, ["total"], {"a": 1, "b": 2, "factor": 1, "bonus": 5}) == {"total": 18}
    assert total([1, 2], 3) == 9  # still a plain function


def test_inject_keyword_group_and_literal() -> None:
    @inject(options=group(mode=value("fast"), level=source("level")), suffix=value("!"))
    def describe(options: dict[str, Any], suffix: str) -> str:
        return f"{options['mode']}:{options['level']}{suffix}"

    dr = build(describe)
    assert variables(dr)["describe"].required_dependencies == {"level"}
    assert execute_twice(dr, ["describe"], {"level": 3}) == {"describe": "fast:3!"}


def test_inject_with_extract_columns() -> None:
    @extract_columns("doubled", "original")
    @inject(values=source("raw"))
    def frame(values: list[int]) -> pd.DataFrame:
        return pd.DataFrame({"original": values, "doubled": [v * 2 for v in values]})

    dr = build(frame)
    nodes = variables(dr)
    assert nodes["frame"].required_dependencies == {"raw"}
    assert nodes["doubled"].required_dependencies == {"frame"}
    result = execute_twice(dr, ["doubled", "original"], {"raw": [1, 2]})
    assert result["doubled"].tolist() == [2, 4]


def test_inject_with_parameterize_binds_before_expanding() -> None:
    @inject(scale=value(10))
    @parameterize(from_a={"x": source("a")}, from_b={"x": source("b")})
    def scaled(x: int, scale: int) -> int:
        return x * scale

    dr = build(scaled)
    assert set(variables(dr)) == {"from_a", "from_b", "a", "b"}
    assert execute_twice(dr, ["from_a", "from_b"], {"a": 1, "b": 2}) == {
        "from_a": 10,
        "from_b": 20,
    }


def test_inject_with_config_when() -> None:
    @config.when(env="prod")
    @inject(url=value("https://prod"))
    def endpoint__prod(url: str) -> str:
        return url

    @config.when(env="dev")
    @inject(url=source("dev_url"))
    def endpoint__dev(url: str) -> str:
        return url

    prod = build(endpoint__prod, endpoint__dev, config_values={"env": "prod"})
    assert execute_twice(prod, ["endpoint"]) == {"endpoint": "https://prod"}
    dev = build(endpoint__prod, endpoint__dev, config_values={"env": "dev"})
    assert execute_twice(dev, ["endpoint"], {"dev_url": "http://localhost"}) == {
        "endpoint": "http://localhost"
    }


def test_inject_unknown_parameter() -> None:
    @inject(missing=value(1))
    def f(x: int) -> int:
        return x

    message = build_error(f)
    assert repr(f.__qualname__) in message and "@inject" in message and "'missing'" in message


def test_inject_bare_literal() -> None:
    @inject(x=3)
    def f(x: int) -> int:
        return x

    message = build_error(f)
    assert repr(f.__qualname__) in message and "@inject" in message and "value(3)" in message


def test_inject_source_naming_the_node_itself() -> None:
    @inject(x=source("f"))
    def f(x: int) -> int:
        return x

    message = build_error(f)
    assert "@inject" in message and "would depend on itself" in message


def test_inject_group_on_a_non_list_parameter() -> None:
    @inject(x=group(source("a"), source("b")))
    def f(x: int) -> int:
        return x

    message = build_error(f)
    assert "@inject" in message and "annotated int" in message


def test_inject_twice_is_refused() -> None:
    @inject(x=value(1))
    @inject(y=value(2))
    def f(x: int, y: int) -> int:
        return x + y

    message = build_error(f)
    assert repr(f.__qualname__) in message and "one @inject" in message
