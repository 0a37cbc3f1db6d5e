"""Task hooks (submission, return, grouping, expansion, execution) and Hamilton-style
executors (``submit_task``/``can_submit_task``/``TaskFuture``) behave like Hamilton's for
the tasks of a Parallelizable block.

Hamilton also makes tasks of the nodes outside blocks; hamilton_nb runs those in its main
loop, so only ``execute_block`` tasks are compared (and grouping ids as a subset)."""

from __future__ import annotations

from .conftest import same

FLOW = """
from hamilton.htypes import Collect, Parallelizable

def n() -> int:
    return 3

def items(n: int) -> Parallelizable[int]:
    for i in range(n):
        yield i

def sq(items: int) -> int:
    if items == 7:
        raise ValueError("seven")
    return items * items

def total(sq: Collect[int]) -> int:
    return sum(sq)
"""

SCRIPT = """
from concurrent.futures import ThreadPoolExecutor
from hamilton import driver
from hamilton.execution import executors
from hamilton.lifecycle import api
import flow

class Recorder(api.TaskSubmissionHook, api.TaskReturnHook, api.TaskGroupingHook,
               api.TaskExecutionHook):
    def __init__(self):
        self.calls = []
    def run_before_task_submission(self, **kw): self.calls.append(("submission", kw))
    def run_after_task_return(self, **kw): self.calls.append(("return", kw))
    def run_after_task_grouping(self, **kw): self.calls.append(("grouping", kw))
    def run_after_task_expansion(self, **kw): self.calls.append(("expansion", kw))
    def run_before_task_execution(self, **kw): self.calls.append(("before", kw))
    def run_after_task_execution(self, **kw): self.calls.append(("after", kw))

class OneAtATime(executors.TaskExecutor):
    # a user's executor written for Hamilton's protocol
    def __init__(self):
        self.log = []
    def init(self):
        self.log.append("init")
        self.pool = ThreadPoolExecutor(1)
        self.futures = []
    def finalize(self):
        self.log.append("finalize")
        self.pool.shutdown()
    def submit_task(self, task):
        self.log.append("submit")
        future = self.pool.submit(executors.base_execute_task, task)
        self.futures.append(future)
        return executors.TaskFutureWrappingPythonFuture(future)
    def can_submit_task(self):
        return all(f.done() for f in self.futures)

def block_calls(calls):
    out = []
    for hook, kw in calls:
        if hook == "grouping":
            continue
        if "purpose" in kw and kw["purpose"].value != "execute_block":
            continue
        row = {"hook": hook, "args": sorted(kw)}
        for key in ("task_id", "inputs", "result", "results", "success", "spawning_task_id",
                    "parameters"):
            if key in kw:
                row[key] = {k: v for k, v in kw[key].items() if k != "items"} if key == "results" and kw[key] else kw[key]
        if "nodes" in kw:
            row["nodes"] = [node.name for node in kw["nodes"]]
        if kw.get("error") is not None:
            row["error"] = repr(kw["error"])
        out.append(row)
    return sorted(out, key=lambda r: (r["hook"], r.get("task_id", "")))

for label, make in [("sync", lambda: executors.SynchronousLocalTaskExecutor()),
                    ("threads", lambda: executors.MultiThreadingExecutor(2)),
                    ("custom", OneAtATime)]:
    for n in (3,):  # (a second driver in one Hamilton process reuses the first's items)
        recorder, executor = Recorder(), make()
        dr = (driver.Builder().with_modules(flow)
              .enable_dynamic_execution(allow_experimental_mode=True)
              .with_remote_executor(executor).with_adapters(recorder).build())
        try:
            emit(f"{label} {n} result", dr.execute(["total"], inputs={"n": n}))
        except Exception as exc:
            emit(f"{label} {n} result", "raised " + type(exc).__name__ + ": " + str(exc).splitlines()[0])
        emit(f"{label} {n} calls", block_calls(recorder.calls))
        groupings = [kw for hook, kw in recorder.calls if hook == "grouping"]
        emit(f"{label} {n} grouping", [sorted(kw) for kw in groupings][:1])
        emit(f"{label} {n} block groups", sorted(set(groupings[0]["task_ids"]) & {"expand-items", "block-items", "collect-items"}))
        if label == "custom":
            emit("custom log", executor.log)

emit("legacy", driver.Builder().with_modules(flow).with_adapters(
    type("Sum", (api.LegacyResultMixin,), {"build_result": staticmethod(lambda **o: sum(o.values()))})()
).build().execute(["n"]))
emit("override", api.override(len) is len)
"""


def test_task_hooks_fire_like_hamilton(in_both) -> None:
    ours, theirs = in_both(SCRIPT, {"flow": FLOW})
    same(ours, theirs)
    assert theirs["threads 3 calls"] and theirs["custom log"]["list"][0] == "init"
