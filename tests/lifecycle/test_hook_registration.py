"""Registering adapters and what their hooks receive: checks at ``with_adapters`` time,
keyword-only calls limited to the declared parameters, graph/node/task hook payloads."""

from __future__ import annotations

from typing import Any

import pytest

from hamilton_nb import errors
from hamilton_nb.ad_hoc_utils import create_temporary_module
from hamilton_nb.driver import Builder, Driver
from hamilton_nb.execution.executors import MultiThreadingExecutor
from hamilton_nb.graph_types import HamiltonGraph, HamiltonNode
from hamilton_nb.htypes import Collect, Parallelizable
from hamilton_nb.lifecycle import api


def a(x: int) -> int:
    return x + 1


def b(a: int) -> int:
    return a * 2


def c(a: int, b: int) -> int:
    return a + b


class Boom(Exception):
    """A node's own error type, which hooks must not replace."""


def explodes(a: int) -> int:
    raise Boom("kaboom")


def items(n: int) -> Parallelizable[int]:
    yield from range(n)


def doubled(items: int) -> int:
    return items * 2


def total(doubled: Collect[int]) -> int:
    return sum(doubled)


def builder(*functions: Any, dynamic: bool = False) -> Builder:
    result = Builder().with_modules(create_temporary_module(*functions))
    if dynamic:
        result = result.enable_dynamic_execution(allow_experimental_mode=True)
    return result


def build(*functions: Any, adapters: tuple[Any, ...] = (), dynamic: bool = False) -> Driver:
    return builder(*functions, dynamic=dynamic).with_adapters(*adapters).build()


BEFORE_NODE = {
    "node_name",
    "node_tags",
    "node_kwargs",
    "node_return_type",
    "task_id",
    "run_id",
    "node_input_types",
}
AFTER_NODE = {
    "node_name",
    "node_tags",
    "node_kwargs",
    "node_return_type",
    "result",
    "error",
    "success",
    "task_id",
    "run_id",
}


class Recorder(api.NodeExecutionHook, api.GraphExecutionHook):
    """Records every call of the node and graph hooks, with all keyword arguments."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def run_before_graph_execution(self, **kwargs: Any) -> None:
        self.calls.append(("before_graph", kwargs))

    def run_after_graph_execution(self, **kwargs: Any) -> None:
        self.calls.append(("after_graph", kwargs))

    def run_before_node_execution(self, **kwargs: Any) -> None:
        self.calls.append(("before_node", kwargs))

    def run_after_node_execution(self, **kwargs: Any) -> None:
        self.calls.append(("after_node", kwargs))

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [kwargs for name, kwargs in self.calls if name == kind]


# -- checks at registration ------------------------------------------------------------------


class MisspeltMethod(api.NodeExecutionHook):
    def run_before_node_execution(self, **kwargs: Any) -> None:
        pass

    def run_after_node_execution(self, **kwargs: Any) -> None:
        pass

    def run_before_node_executon(self, *, node_name: str) -> None:
        pass


class MisspeltParameter(api.NodeExecutionHook):
    def run_before_node_execution(self, *, node_nam: str) -> None:
        pass

    def run_after_node_execution(self, **kwargs: Any) -> None:
        pass


class MisspeltParameterWithKwargs(api.GraphExecutionHook):
    def run_before_graph_execution(self, *, final_var: list[str], **kwargs: Any) -> None:
        pass

    def run_after_graph_execution(self, **kwargs: Any) -> None:
        pass


class MisspeltValidatorParameter(api.StaticValidator):
    def run_to_validate_node(self, *, nod: HamiltonNode, **kwargs: Any) -> tuple[bool, str | None]:
        return True, None


@pytest.mark.parametrize(
    ("adapter", "fragments"),
    [
        (
            MisspeltMethod(),
            ["run_before_node_executon", "did you mean 'run_before_node_execution'"],
        ),
        (MisspeltParameter(), ["'node_nam'", "did you mean 'node_name'"]),
        (MisspeltParameterWithKwargs(), ["'final_var'", "did you mean 'final_vars'"]),
        (MisspeltValidatorParameter(), ["'nod'", "did you mean 'node'"]),
    ],
    ids=["method", "parameter", "parameter-despite-kwargs", "validator-parameter"],
)
def test_misspelt_hooks_fail_at_with_adapters(adapter, fragments):
    started = builder(a, b)
    with pytest.raises(errors.AdapterError) as info:
        started.with_adapters(adapter)
    message = str(info.value)
    assert type(adapter).__name__ in message
    for fragment in fragments:
        assert fragment in message
    assert started.adapters == []  # nothing half-registered


def test_with_adapter_checks_too():
    with pytest.raises(errors.AdapterError, match="did you mean"):
        builder(a).with_adapter(MisspeltParameter())


def test_objects_that_are_not_adapters_are_rejected():
    with pytest.raises(errors.AdapterError, match="not a lifecycle adapter"):
        builder(a).with_adapters(object())


def test_private_helpers_and_non_hook_methods_are_allowed():
    class WithHelpers(api.NodeExecutionHook):
        def run_before_node_execution(self, *, node_name: str) -> None:
            self._run_helper(node_name)

        def run_after_node_execution(self, **kwargs: Any) -> None:
            pass

        def _run_helper(self, name: str) -> None:
            self.seen = name

        def summary(self) -> str:
            return self.seen

    hook = WithHelpers()
    build(a, adapters=(hook,)).execute(["a"], inputs={"x": 1})
    assert hook.summary() == "a"


# -- what hooks receive ----------------------------------------------------------------------


def test_a_hook_declaring_some_parameters_receives_only_those():
    class Partial(api.NodeExecutionHook):
        def __init__(self) -> None:
            self.before: list[str] = []
            self.after: list[tuple[str, Any]] = []

        def run_before_node_execution(self, *, node_name: str) -> None:
            self.before.append(node_name)

        def run_after_node_execution(self, *, node_name: str, result: Any) -> None:
            self.after.append((node_name, result))

    hook = Partial()
    assert build(a, b, c, adapters=(hook,)).execute(["c"], inputs={"x": 1}) == {"c": 6}
    assert hook.before == ["a", "b", "c"]
    assert hook.after == [("a", 2), ("b", 4), ("c", 6)]


def test_a_hook_with_positional_or_keyword_parameters_is_called_by_keyword():
    class OldStyle(api.NodeExecutionHook):
        def __init__(self) -> None:
            self.seen: list[tuple[str, dict[str, Any]]] = []

        def run_before_node_execution(self, node_name, node_kwargs):  # type: ignore[override]
            self.seen.append((node_name, node_kwargs))

        def run_after_node_execution(self, **kwargs: Any) -> None:
            pass

    hook = OldStyle()
    build(a, b, adapters=(hook,)).execute(["b"], inputs={"x": 1})
    assert hook.seen == [("a", {"x": 1}), ("b", {"a": 2})]


def test_a_hook_with_kwargs_receives_every_parameter():
    recorder = Recorder()
    build(a, b, adapters=(recorder,)).execute(["b"], inputs={"x": 1})
    before = recorder.of("before_node")
    after = recorder.of("after_node")
    assert [set(kwargs) for kwargs in before] == [BEFORE_NODE, BEFORE_NODE]
    assert [set(kwargs) for kwargs in after] == [AFTER_NODE, AFTER_NODE]
    b_before, b_after = before[1], after[1]
    assert b_before["node_name"] == "b"
    assert b_before["node_kwargs"] == {"a": 2}
    assert b_before["node_return_type"] is int
    assert b_before["node_input_types"] == {"a": int}
    assert b_before["task_id"] is None
    assert isinstance(b_before["node_tags"], dict)
    assert (b_after["result"], b_after["error"], b_after["success"]) == (4, None, True)
    run_ids = {kwargs["run_id"] for _, kwargs in recorder.calls}
    assert len(run_ids) == 1 and isinstance(run_ids.pop(), str)


def test_each_execute_gets_a_new_run_id():
    recorder = Recorder()
    dr = build(a, adapters=(recorder,))
    dr.execute(["a"], inputs={"x": 1})
    dr.execute(["a"], inputs={"x": 2})
    first, second = (kwargs["run_id"] for kwargs in recorder.of("before_graph"))
    assert first != second


def test_graph_hooks_see_the_request_the_path_and_the_results():
    recorder = Recorder()
    dr = build(a, b, c, adapters=(recorder,))
    assert dr.execute(["c", "b"], inputs={"x": 1}) == {"c": 6, "b": 4}
    [before] = recorder.of("before_graph")
    [after] = recorder.of("after_graph")
    assert before["final_vars"] == ["c", "b"]
    assert before["inputs"] == {"x": 1}
    assert before["overrides"] == {}
    assert list(before["execution_path"]) == ["a", "b", "c"]
    assert isinstance(before["graph"], HamiltonGraph)
    assert before["graph"]["c"].required_dependencies == {"a", "b"}
    assert (after["success"], after["error"], after["results"]) == (True, None, {"c": 6, "b": 4})
    assert [name for name, _ in recorder.calls][0] == "before_graph"
    assert [name for name, _ in recorder.calls][-1] == "after_graph"


def test_graph_hooks_see_overrides_and_skip_overridden_nodes():
    recorder = Recorder()
    dr = build(a, b, c, adapters=(recorder,))
    assert dr.execute(["c"], inputs={"x": 1}, overrides={"a": 10}) == {"c": 30}
    [before] = recorder.of("before_graph")
    assert before["overrides"] == {"a": 10}
    assert "a" not in before["execution_path"]
    assert [kwargs["node_name"] for kwargs in recorder.of("before_node")] == ["b", "c"]


def test_hooks_are_called_in_registration_order():
    order: list[str] = []

    class Named(api.NodeExecutionHook):
        def __init__(self, name: str) -> None:
            self.name = name

        def run_before_node_execution(self, **kwargs: Any) -> None:
            order.append(self.name)

        def run_after_node_execution(self, **kwargs: Any) -> None:
            pass

    build(a, adapters=(Named("first"), Named("second"))).execute(["a"], inputs={"x": 1})
    assert order == ["first", "second"]


def test_node_execution_method_replaces_the_call():
    class TimesTen(api.NodeExecutionMethod):
        def __init__(self) -> None:
            self.seen: list[tuple[str, bool, bool]] = []

        def run_to_execute_node(
            self,
            *,
            node_name: str,
            node_callable: Any,
            node_kwargs: dict[str, Any],
            is_expand: bool,
            is_collect: bool,
        ) -> Any:
            self.seen.append((node_name, is_expand, is_collect))
            return node_callable(**node_kwargs) * 10

    method = TimesTen()
    assert build(a, b, adapters=(method,)).execute(["b"], inputs={"x": 1}) == {"b": 400}
    assert method.seen == [("a", False, False), ("b", False, False)]


def test_graph_construction_hook_runs_once_at_build():
    class Constructed(api.GraphConstructionHook):
        def __init__(self) -> None:
            self.calls: list[tuple[list[str], dict[str, Any]]] = []

        def run_after_graph_construction(self, *, graph: HamiltonGraph, config: dict) -> None:
            self.calls.append(([n.name for n in graph.nodes], config))

    hook = Constructed()
    dr = builder(a, b).with_config({"flag": True}).with_adapters(hook).build()
    assert len(hook.calls) == 1
    names, config = hook.calls[0]
    assert {"a", "b", "x"} <= set(names)
    assert config == {"flag": True}
    dr.execute(["b"], inputs={"x": 1})
    assert len(hook.calls) == 1


# -- errors ----------------------------------------------------------------------------------


def test_with_hooks_a_node_error_keeps_its_type_and_reaches_the_hooks():
    recorder = Recorder()
    dr = build(a, explodes, adapters=(recorder,))
    with pytest.raises(Boom, match="kaboom") as info:
        dr.execute(["explodes"], inputs={"x": 1})
    node_after = recorder.of("after_node")[-1]
    assert node_after["node_name"] == "explodes"
    assert (node_after["success"], node_after["result"]) == (False, None)
    assert node_after["error"] is info.value
    [graph_after] = recorder.of("after_graph")
    assert (graph_after["success"], graph_after["results"]) == (False, None)
    assert graph_after["error"] is info.value


def test_a_failing_hook_stops_the_run_with_its_own_error():
    class Refuses(api.NodeExecutionHook):
        def run_before_node_execution(self, *, node_name: str) -> None:
            if node_name == "b":
                raise RuntimeError("hook says no")

        def run_after_node_execution(self, **kwargs: Any) -> None:
            pass

    with pytest.raises(RuntimeError, match="hook says no"):
        build(a, b, adapters=(Refuses(),)).execute(["b"], inputs={"x": 1})


class RejectsB(api.StaticValidator):
    def run_to_validate_node(self, *, node: HamiltonNode, **kwargs: Any) -> tuple[bool, str | None]:
        if node.name == "b":
            return False, "nodes may not be called b"
        return True, None


class RejectsBigGraphs(api.StaticValidator):
    def run_to_validate_graph(
        self, *, graph: HamiltonGraph, **kwargs: Any
    ) -> tuple[bool, str | None]:
        if len(graph.nodes) > 2:
            return False, f"{len(graph.nodes)} nodes is too many"
        return True, None


def test_a_static_validator_rejecting_a_node_fails_build_naming_it():
    started = builder(a, b).with_adapters(RejectsB())  # registering is fine ...
    with pytest.raises(errors.ValidationError, match=r"node 'b': nodes may not be called b"):
        started.build()  # ... building is what validates


def test_a_static_validator_rejecting_the_graph_fails_build():
    with pytest.raises(errors.ValidationError, match="3 nodes is too many"):
        build(a, b, adapters=(RejectsBigGraphs(),))


def test_static_validators_that_accept_let_the_build_through():
    dr = build(a, adapters=(RejectsB(), RejectsBigGraphs()))
    assert dr.execute(["a"], inputs={"x": 1}) == {"a": 2}


# -- tasks (Parallelizable items) ------------------------------------------------------------


class TaskRecorder(api.TaskExecutionHook):
    def __init__(self) -> None:
        self.before: list[dict[str, Any]] = []
        self.after: list[dict[str, Any]] = []

    def run_before_task_execution(self, **kwargs: Any) -> None:
        self.before.append(kwargs)

    def run_after_task_execution(self, **kwargs: Any) -> None:
        self.after.append(kwargs)


@pytest.mark.parametrize("threads", [False, True], ids=["synchronous", "threads"])
def test_task_hooks_fire_once_per_parallel_item(threads):
    hook = TaskRecorder()
    started = builder(items, doubled, total, dynamic=True).with_adapters(hook)
    if threads:
        started = started.with_remote_executor(MultiThreadingExecutor(2))
    assert started.build().execute(["total"], inputs={"n": 3}) == {"total": 6}
    assert len(hook.before) == len(hook.after) == 3
    assert len({kwargs["task_id"] for kwargs in hook.before}) == 3
    assert sorted(kwargs["inputs"]["items"] for kwargs in hook.before) == [0, 1, 2]
    assert sorted(kwargs["results"]["doubled"] for kwargs in hook.after) == [0, 2, 4]
    assert all(kwargs["success"] and kwargs["error"] is None for kwargs in hook.after)
    assert all([n.name for n in kwargs["nodes"]] == ["doubled"] for kwargs in hook.before)
    assert len({kwargs["run_id"] for kwargs in hook.before + hook.after}) == 1


def test_node_hooks_inside_a_task_see_its_task_id():
    recorder = Recorder()
    build(items, doubled, total, adapters=(recorder,), dynamic=True).execute(
        ["total"], inputs={"n": 2}
    )
    seen = [(kwargs["node_name"], kwargs["task_id"]) for kwargs in recorder.of("before_node")]
    assert seen[0] == ("items", None)
    assert seen[-1] == ("total", None)
    inner = [task_id for name, task_id in seen if name == "doubled"]
    assert len(inner) == 2 and None not in inner and len(set(inner)) == 2


def test_a_failing_task_reaches_the_task_hook():
    def fragile(items: int) -> int:
        if items == 1:
            raise Boom("item 1")
        return items

    def gathered(fragile: Collect[int]) -> list:
        return list(fragile)

    hook = TaskRecorder()
    dr = build(items, fragile, gathered, adapters=(hook,), dynamic=True)
    with pytest.raises(Boom, match="item 1") as info:
        dr.execute(["gathered"], inputs={"n": 3})
    failed = [kwargs for kwargs in hook.after if not kwargs["success"]]
    assert len(failed) == 1
    assert failed[0]["error"] is info.value and failed[0]["results"] is None


# -- adapters that cannot work are refused when registered --------------------------------


def test_two_node_execution_methods_are_refused_at_build():
    class Method(api.NodeExecutionMethod):
        def run_to_execute_node(self, *, node_callable: Any, node_kwargs: dict) -> Any:
            return node_callable(**node_kwargs)

    with pytest.raises(errors.AdapterError, match="run_to_execute_node"):
        build(a, adapters=(Method(), Method()))


def test_positional_only_hook_parameters_fail_at_registration():
    class PositionalOnly(api.NodeExecutionHook):
        def run_before_node_execution(self, node_name, /):  # type: ignore[override]
            pass

        def run_after_node_execution(self, **kwargs: Any) -> None:
            pass

    with pytest.raises(errors.AdapterError, match="node_name"):
        builder(a).with_adapters(PositionalOnly())
