"""``Builder.with_grouping_strategy``: results, task hooks (ids, purposes, inputs, results),
overrides and errors under each of Hamilton's grouping strategies.

Hamilton orders independent tasks (and a group's nodes) by set iteration, so calls are
compared per task, and node lists and grouping ids sorted."""

from __future__ import annotations

from .conftest import same

FLOW = """
def a(x: int) -> int:
    return x + 1

def b(x: int) -> int:
    return x * 2

def c(a: int, b: int) -> int:
    if a > 100:
        raise ValueError("a too big")
    return a + b

def d(c: int, y: int = 5) -> int:
    return c + y
"""

PARALLEL = """
from hamilton.htypes import Collect, Parallelizable

def n() -> int:
    return 3

def items(n: int) -> Parallelizable[int]:
    for i in range(n):
        yield i

def sq(items: int) -> int:
    return items * items

def total(sq: Collect[int]) -> int:
    return sum(sq)
"""

SCRIPT = """
from hamilton import driver
from hamilton.execution import executors, grouping
from hamilton.lifecycle import api
import flow, parallel

class Recorder(api.TaskSubmissionHook, api.TaskReturnHook, api.TaskGroupingHook,
               api.TaskExecutionHook, api.NodeExecutionHook):
    def __init__(self):
        self.calls = []
    def run_before_task_submission(self, **kw): self.calls.append(("submission", kw))
    def run_after_task_return(self, **kw): self.calls.append(("return", kw))
    def run_after_task_grouping(self, **kw): self.calls.append(("grouping", kw))
    def run_after_task_expansion(self, **kw): self.calls.append(("expansion", kw))
    def run_before_task_execution(self, **kw): self.calls.append(("before", kw))
    def run_after_task_execution(self, **kw): self.calls.append(("after", kw))
    def run_before_node_execution(self, node_name, task_id, **kw):
        self.calls.append(("node", {"task_id": task_id, "node": node_name}))
    def run_after_node_execution(self, **kw): pass

def per_task(calls):
    tasks = {}
    for hook, kw in calls:
        if hook == "grouping":
            continue
        row = {"hook": hook}
        for key in ("inputs", "overrides", "results", "result", "success", "spawning_task_id",
                    "node"):
            if key in kw:
                row[key] = kw[key]
        if "purpose" in kw:
            row["purpose"] = kw["purpose"].value
        if "nodes" in kw:
            row["nodes"] = sorted(n.name for n in kw["nodes"])
        if kw.get("error") is not None:
            row["error"] = repr(kw["error"])
        tasks.setdefault(kw["task_id"], []).append(row)
    for rows in tasks.values():  # Hamilton runs a task's independent nodes in set order
        nodes = sorted(row["node"] for row in rows if row["hook"] == "node")
        rows[:] = [row for row in rows if row["hook"] != "node"] + [{"ran": nodes}]
    return tasks

def build(strategy, recorder, module=flow, remote=None):
    b = (driver.Builder().with_modules(module)
         .enable_dynamic_execution(allow_experimental_mode=True)
         .with_grouping_strategy(strategy).with_adapters(recorder))
    return b.with_remote_executor(remote or executors.SynchronousLocalTaskExecutor()).build()

STRATEGIES = {"individually": grouping.GroupNodesIndividually, "all": grouping.GroupNodesAllAsOne,
              "level": grouping.GroupNodesByLevel}
for label, strategy in STRATEGIES.items():
    for case, kwargs in [("plain", dict(inputs={"x": 1})),
                         ("override", dict(inputs={"x": 1}, overrides={"a": 10})),
                         ("optional", dict(inputs={"x": 1, "y": 7})),
                         ("error", dict(inputs={"x": 1000}))]:
        recorder = Recorder()
        dr = build(strategy(), recorder)
        try:
            emit(f"{label} {case} result", dr.execute(["d", "a"], **kwargs))
        except Exception as exc:
            emit(f"{label} {case} result", ["raised", type(exc).__name__, str(exc)])
        emit(f"{label} {case} tasks", per_task(recorder.calls))
        emit(f"{label} {case} grouping",
             [sorted(kw["task_ids"]) for hook, kw in recorder.calls if hook == "grouping"])
    emit_error(f"{label} missing input", build(strategy(), Recorder()).execute, ["d"])
    dr = build(strategy(), Recorder(), remote=executors.MultiThreadingExecutor(2))
    emit(f"{label} threads", dr.execute(["d", "c"], inputs={"x": 2}))
    # only GroupByRepeatableBlocks runs Parallelizable blocks correctly
    try:
        total = build(strategy(), Recorder(), parallel).execute(["total"])["total"]
        emit(f"{label} parallel correct", total == 5)
    except Exception as exc:
        emit(f"{label} parallel correct", False)

dr = build(grouping.GroupByRepeatableBlocks(), Recorder(), parallel)
emit("blocks default strategy", dr.execute(["total"]))
emit_error("set twice", driver.Builder().enable_dynamic_execution(allow_experimental_mode=True)
           .with_grouping_strategy(grouping.GroupNodesAllAsOne()).with_grouping_strategy,
           grouping.GroupNodesAllAsOne())
emit_error("without dynamic execution", driver.Builder().with_grouping_strategy,
           grouping.GroupNodesAllAsOne())
emit("purposes", sorted(p.value for p in grouping.NodeGroupPurpose))
emit("purpose helpers", [grouping.NodeGroupPurpose.GATHER.is_gatherer(),
                         grouping.NodeGroupPurpose.EXPAND_UNORDERED.is_expander(),
                         grouping.NodeGroupPurpose.EXECUTE_BLOCK.is_expander()])
"""


def test_grouping_strategies_run_like_hamilton(in_both) -> None:
    ours, theirs = in_both(SCRIPT, {"flow": FLOW, "parallel": PARALLEL})
    same(ours, theirs)
    # the comparison means something: tasks ran, one per node, with hooks around each
    assert sorted(theirs["individually plain tasks"]["dict"]) == ["a", "b", "c", "d", "x"]
    level_1 = theirs["level plain tasks"]["dict"]["level_1"]["list"]
    assert level_1[-1] == {"dict": {"ran": {"list": ["a", "b"]}}}
    assert theirs["all error result"]["list"][0] == "raised"
    assert theirs["individually parallel correct"] is False
    assert "raises" in theirs["set twice"] and "raises" in theirs["level missing input"]
