"""``lifecycle.base`` adapters: checked when registered, called with keyword arguments."""

from __future__ import annotations

from typing import Any

import pytest

from hamilton_nb import ad_hoc_utils, driver, errors
from hamilton_nb.lifecycle import base
from hamilton_nb.lifecycle.hooks import HookSet


def _module() -> Any:
    def a(x: int) -> int:
        return x + 1

    return ad_hoc_utils.create_temporary_module(a, module_name="base_hooks_flow")


class NodeNames(base.BasePreNodeExecute):
    def __init__(self) -> None:
        self.names: list[str] = []

    def pre_node_execute(self, *, node_: Any) -> None:  # a subset of the parameters is fine
        self.names.append(node_.name)


def test_subset_of_parameters_is_passed() -> None:
    adapter = NodeNames()
    dr = driver.Builder().with_modules(_module()).with_adapters(adapter).build()
    assert dr.execute(["a"], inputs={"x": 1}) == {"a": 2}
    assert adapter.names == ["a"]


def test_misspelt_parameter_fails_at_with_adapters() -> None:
    class Bad(base.BasePreNodeExecute):
        def pre_node_execute(self, *, node: Any) -> None:
            pass

    with pytest.raises(errors.AdapterError, match=r"'node'.*did you mean 'node_'"):
        driver.Builder().with_adapters(Bad())


def test_misspelt_method_name_fails_at_with_adapters() -> None:
    class Bad(base.BasePreNodeExecute):
        def pre_node_execute(self, *, node_: Any) -> None:
            pass

        def post_node_exeute(self, *, node_: Any) -> None:
            pass

    with pytest.raises(errors.AdapterError, match="did you mean 'post_node_execute'"):
        driver.Builder().with_adapters(Bad())


def test_positional_only_parameter_is_refused() -> None:
    class Bad(base.BaseDoBuildResult):
        def do_build_result(self, outputs: Any, /) -> Any:
            return outputs

    with pytest.raises(errors.AdapterError, match="positional-only"):
        HookSet([Bad()])


def test_two_node_runners_are_refused() -> None:
    class Runner(base.BaseDoNodeExecute):
        def do_node_execute(self, *, node_: Any, kwargs: dict[str, Any]) -> Any:
            return node_.callable(**kwargs)

    with pytest.raises(errors.AdapterError, match="only one adapter may run nodes"):
        HookSet([Runner(), Runner()])


def test_marker_checks_the_decorated_signature() -> None:
    with pytest.raises(errors.AdapterError, match="keyword-only"):

        @base.lifecycle.base_hook("on_thing")
        class Positional:
            def on_thing(self, value: int):  # noqa: ANN202
                pass

    with pytest.raises(errors.AdapterError, match="return type"):

        @base.lifecycle.base_method("make")
        class Unannotated:
            def make(self, *, value: int):  # noqa: ANN202
                return value

    with pytest.raises(errors.AdapterError, match="no method 'missing'"):
        base.lifecycle.base_validator("missing")(type("Empty", (), {}))


def test_user_defined_base_class_is_accepted_and_not_called() -> None:
    @base.lifecycle.base_hook("on_custom_moment")
    class CustomBase:
        def on_custom_moment(self, *, value: int):  # noqa: ANN202
            raise AssertionError("the engine never calls a user-defined hook")

    hooks = HookSet([CustomBase()])
    assert not hooks.node_hooks


def test_validator_failure_stops_the_build() -> None:
    class NoA(base.BaseValidateNode):
        def validate_node(self, *, created_node: Any) -> tuple[bool, Any]:
            return created_node.name != "a", "a is not allowed"

    with pytest.raises(base.ValidationException, match="a is not allowed"):
        driver.Builder().with_modules(_module()).with_adapters(NoA()).build()


def test_api_hooks_taking_kwargs_do_not_see_engine_extras() -> None:
    from hamilton_nb.lifecycle import api

    seen: list[set[str]] = []

    class Everything(api.NodeExecutionHook):
        def run_before_node_execution(self, **kwargs: Any) -> None:
            seen.append(set(kwargs))

        def run_after_node_execution(self, **kwargs: Any) -> None:
            pass

    driver.Builder().with_modules(_module()).with_adapters(Everything()).build().execute(
        ["a"], inputs={"x": 1}
    )
    assert seen and "node_" not in seen[0] and "node_name" in seen[0]
