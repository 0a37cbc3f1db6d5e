"""Grouping strategies (``Builder.with_grouping_strategy``): how nodes are grouped, that the
tasks run concurrently on pool executors in dependency order, and that errors come through.

Hook sequences and results against Hamilton are in tests/parity/test_grouping.py."""

from __future__ import annotations

import importlib.util
import sys
import threading
import time
from pathlib import Path
from types import ModuleType

import pytest

from hamilton_nb import ad_hoc_utils, driver, errors
from hamilton_nb.execution import executors, grouping
from hamilton_nb.htypes import Collect, Parallelizable

LOG: list[tuple[str, str, float]] = []  # (node, "start"/"end", time)


def _log(name: str, event: str) -> None:
    LOG.append((name, event, time.perf_counter()))


def slow_p() -> int:
    _log("slow_p", "start")
    time.sleep(0.3)
    _log("slow_p", "end")
    return 1


def slow_q() -> int:
    _log("slow_q", "start")
    time.sleep(0.3)
    _log("slow_q", "end")
    return 2


def both(slow_p: int, slow_q: int) -> int:
    _log("both", "start")
    return slow_p + slow_q


SLOW = ad_hoc_utils.create_temporary_module(slow_p, slow_q, both, module_name="grouping_slow")


def _load_failing() -> ModuleType:
    name = "hamilton_nb_tests_grouping_dataflow"  # a real module file: workers import it
    if name not in sys.modules:
        path = Path(__file__).with_name("grouping_dataflow_module.py")
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


FAILING = _load_failing()
NodeFailed = FAILING.NodeFailed


def n() -> int:
    return 3


def items(n: int) -> Parallelizable[int]:
    yield from range(n)


def sq(items: int) -> int:
    return items * items


def total(sq: Collect[int]) -> int:
    return sum(sq)


def doubled_n(n: int) -> int:
    return 2 * n


PARALLEL = ad_hoc_utils.create_temporary_module(
    n, items, sq, total, doubled_n, module_name="grouping_parallel"
)


def _builder(module, strategy=None, local=None, remote=None) -> driver.Builder:
    builder = (
        driver.Builder().with_modules(module).enable_dynamic_execution(allow_experimental_mode=True)
    )
    if strategy is not None:
        builder = builder.with_grouping_strategy(strategy)
    if local is not None:
        builder = builder.with_local_executor(local)
    if remote is not None:
        builder = builder.with_remote_executor(remote)
    return builder


def _timed(dr: driver.Driver) -> float:
    dr.execute(["both"])  # warm-up: thread pools, plan compilation
    LOG.clear()
    started = time.perf_counter()
    assert dr.execute(["both"]) == {"both": 3}
    return time.perf_counter() - started


def test_independent_nodes_run_concurrently_with_one_task_per_node() -> None:
    local = executors.MultiThreadingExecutor(2)
    assert _timed(_builder(SLOW, grouping.GroupNodesIndividually(), local=local).build()) < 0.5
    remote = executors.MultiThreadingExecutor(2)
    assert _timed(_builder(SLOW, grouping.GroupNodesIndividually(), remote=remote).build()) < 0.5


@pytest.mark.parametrize(
    "strategy",
    [
        None,
        grouping.GroupByRepeatableBlocks(),
        grouping.GroupNodesAllAsOne(),
        grouping.GroupNodesByLevel(),
    ],
    ids=["default", "repeatable-blocks", "all-as-one", "by-level"],
)
def test_nodes_of_one_task_run_one_after_the_other(strategy) -> None:
    local = executors.MultiThreadingExecutor(2)
    remote = executors.MultiThreadingExecutor(2)
    dr = _builder(SLOW, strategy, local=local, remote=remote).build()
    assert _timed(dr) > 0.55


def test_a_task_starts_after_the_tasks_it_depends_on() -> None:
    dr = _builder(
        SLOW, grouping.GroupNodesIndividually(), remote=executors.MultiThreadingExecutor(4)
    ).build()
    _timed(dr)
    times = {(name, event): t for name, event, t in LOG}
    assert times[("both", "start")] >= max(times[("slow_p", "end")], times[("slow_q", "end")])


def test_tasks_run_on_the_executors_threads() -> None:
    seen: list[str] = []

    def where() -> str:
        seen.append(threading.current_thread().name)
        return seen[-1]

    module = ad_hoc_utils.create_temporary_module(where, module_name="grouping_where")
    remote = executors.MultiThreadingExecutor(2)
    _builder(module, grouping.GroupNodesIndividually(), remote=remote).build().execute(["where"])
    assert seen and seen[0] != threading.main_thread().name


@pytest.mark.parametrize(
    "remote",
    [
        executors.SynchronousLocalTaskExecutor,
        lambda: executors.MultiThreadingExecutor(2),
        lambda: executors.MultiProcessingExecutor(2),
    ],
    ids=["sync", "threads", "processes"],
)
@pytest.mark.parametrize(
    "strategy",
    [grouping.GroupNodesIndividually, grouping.GroupNodesAllAsOne, grouping.GroupNodesByLevel],
)
def test_node_errors_keep_their_type_and_name_the_node(strategy, remote) -> None:
    dr = _builder(FAILING, strategy(), remote=remote()).build()
    with pytest.raises(NodeFailed, match="bad value 2") as info:
        dr.execute(["after_fail"], inputs={"x": 1})
    assert any("'fails'" in note for note in getattr(info.value, "__notes__", []))


def test_process_executor_computes_the_results() -> None:
    remote = executors.MultiProcessingExecutor(2)
    dr = _builder(FAILING, grouping.GroupNodesIndividually(), remote=remote).build()
    assert dr.execute(["x_plus"], inputs={"x": 1}) == {"x_plus": 2}
    assert dr.execute(["fails"], overrides={"fails": 7}, inputs={"x": 1}) == {"fails": 7}


@pytest.mark.parametrize(
    "strategy",
    [grouping.GroupNodesIndividually, grouping.GroupNodesAllAsOne, grouping.GroupNodesByLevel],
)
def test_overrides_inputs_and_repeated_runs(strategy) -> None:
    dr = _builder(FAILING, strategy()).build()
    for _ in range(10):  # past the point where task segments are compiled
        assert dr.execute(["x_plus"], inputs={"x": 1}) == {"x_plus": 2}
    assert dr.execute(["after_fail"], overrides={"fails": 5}) == {"after_fail": 5}


@pytest.mark.parametrize(
    "strategy",
    [grouping.GroupNodesIndividually, grouping.GroupNodesAllAsOne, grouping.GroupNodesByLevel],
)
def test_parallel_blocks_need_the_default_strategy(strategy) -> None:
    dr = _builder(PARALLEL, strategy()).build()
    with pytest.raises(errors.ParallelizableError, match="GroupByRepeatableBlocks"):
        dr.execute(["total"])
    with pytest.raises(errors.ParallelizableError):
        dr.validate_execution(["total"])
    assert dr.execute(["doubled_n"]) == {"doubled_n": 6}  # no block needed: fine
    default = _builder(PARALLEL, grouping.GroupByRepeatableBlocks()).build()
    assert default.execute(["total"]) == {"total": 5}


def test_builder_checks_the_strategy() -> None:
    with pytest.raises(errors.ExecutionError, match="enable_dynamic_execution"):
        driver.Builder().with_grouping_strategy(grouping.GroupNodesIndividually())
    builder = _builder(SLOW, grouping.GroupNodesIndividually())
    with pytest.raises(errors.ExecutionError, match="already"):
        builder.with_grouping_strategy(grouping.GroupNodesAllAsOne())
    with pytest.raises(errors.ExecutionError, match="GroupingStrategy"):
        _builder(SLOW).with_grouping_strategy("individually")
    copied = builder.copy().build()
    assert copied._grouped is not None


def test_a_user_strategy_groups_the_nodes() -> None:
    class TwoTasks(grouping.GroupingStrategy):
        def group_nodes(self, nodes):
            first = [n for n in nodes if n.name != "both"]
            rest = [n for n in nodes if n.name == "both"]
            return [
                grouping.NodeGroup("sources", None, first, grouping.NodeGroupPurpose.EXECUTE_BLOCK),
                grouping.NodeGroup("sink", None, rest, grouping.NodeGroupPurpose.EXECUTE_SINGLE),
            ]

    assert _builder(SLOW, TwoTasks()).build().execute(["both"]) == {"both": 3}

    class LosesNodes(grouping.GroupingStrategy):
        def group_nodes(self, nodes):
            return [
                grouping.NodeGroup("one", None, nodes[:1], grouping.NodeGroupPurpose.EXECUTE_BLOCK)
            ]

    with pytest.raises(errors.ExecutionError, match="in no group"):
        _builder(SLOW, LosesNodes()).build().execute(["both"])


def _graph_nodes(module):
    return list(driver.Builder().with_modules(module).build().graph.nodes.values())


def test_strategies_group_like_hamilton() -> None:
    nodes = _graph_nodes(SLOW)
    individually = grouping.GroupNodesIndividually().group_nodes(nodes)
    assert [g.base_id for g in individually] == [n.name for n in nodes]
    (root,) = grouping.GroupNodesAllAsOne().group_nodes(nodes)
    assert root.base_id == "root" and root.purpose is grouping.NodeGroupPurpose.EXECUTE_BLOCK
    levels = grouping.GroupNodesByLevel().group_nodes(nodes)
    assert {g.base_id: sorted(g.available_nodes) for g in levels} == {
        "level_0": ["slow_p", "slow_q"],
        "level_1": ["both"],
    }
    blocks = {
        g.base_id: g for g in grouping.GroupByRepeatableBlocks().group_nodes(_graph_nodes(PARALLEL))
    }
    assert sorted(blocks) == ["block-items", "collect-items", "doubled_n", "expand-items", "n"]
    assert [n.name for n in blocks["block-items"].nodes] == ["sq"]
    assert blocks["block-items"].spawning_task_base_id == "expand-items"
    assert blocks["collect-items"].get_collector_node().name == "total"
    assert blocks["expand-items"].purpose.is_expander()
    assert blocks["n"].purpose is grouping.NodeGroupPurpose.EXECUTE_SINGLE
