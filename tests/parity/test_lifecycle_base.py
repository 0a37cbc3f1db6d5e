"""Adapters written against ``lifecycle.base``'s single-method classes are called at the
same moments, as often, in the same order and with the same keyword arguments as under
Hamilton: plain execution, failures, and dynamic execution with a Parallelizable block.

Hamilton runs the nodes outside a block as tasks too; hamilton_nb runs them in its main
loop, so task hooks are compared for ``execute_block`` tasks only."""

from __future__ import annotations

from .conftest import same

FLOW = """
from hamilton.htypes import Collect, Parallelizable

def base_value(x: int) -> int:
    return x + 1

def doubled(base_value: int) -> int:
    if base_value == 100:
        raise ValueError("hundred")
    return base_value * 2

def items(doubled: int) -> Parallelizable[int]:
    for i in range(3):
        yield i + doubled

def squared(items: int) -> int:
    return items * items

def total(squared: Collect[int]) -> int:
    return sum(squared)
"""

RECORDER = """
from hamilton import driver
from hamilton.lifecycle import base
import flow

def describe(value):
    if isinstance(value, dict):
        return {k: describe(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [describe(v) for v in value]
    if isinstance(value, (int, float, str, bool, type(None))):
        return value
    if isinstance(value, Exception):
        return type(value).__name__
    if hasattr(value, "name") and hasattr(value, "tags"):
        return "node:" + value.name
    if hasattr(value, "value") and type(value).__name__ == "NodeGroupPurpose":
        return value.value
    return type(value).__name__

class Recorder(base.BasePostGraphConstruct, base.BasePreGraphExecute, base.BasePostGraphExecute,
               base.BasePreNodeExecute, base.BasePostNodeExecute, base.BaseValidateNode,
               base.BaseValidateGraph):
    def __init__(self):
        self.calls = []
    def _add(self, hook, **kw):
        row = {"hook": hook, "args": sorted(kw)}
        for key, value in kw.items():
            if key == "graph":
                row["graph"] = sorted(value.nodes)
            elif key == "modules":
                row["modules"] = [m.__name__ for m in value]
            elif key == "nodes":
                row["nodes"] = [n.name for n in value]
            elif key in ("run_id",):
                row[key] = isinstance(value, str)
            elif key == "results" and hook == "post_graph_execute":
                # Hamilton passes the built result, hamilton_nb the outputs dict
                row[key] = type(value).__name__
            elif key == "overrides":  # Hamilton passes None when none were given, we pass {}
                row[key] = describe(value or {})
            else:
                row[key] = describe(value)
        self.calls.append(row)
    def post_graph_construct(self, *, graph, modules, config):
        self._add("post_graph_construct", graph=graph, modules=modules, config=config)
    def pre_graph_execute(self, *, run_id, graph, final_vars, inputs, overrides):
        self._add("pre_graph_execute", run_id=run_id, graph=graph, final_vars=final_vars,
                  inputs=inputs, overrides=overrides)
    def post_graph_execute(self, *, run_id, graph, success, error, results):
        self._add("post_graph_execute", run_id=run_id, graph=graph, success=success,
                  error=error, results=results)
    def pre_node_execute(self, *, run_id, node_, kwargs, task_id=None):
        self._add("pre_node_execute", run_id=run_id, node_=node_, kwargs=kwargs)
        self.calls[-1]["node_attrs"] = [node_.name, node_.type.__name__, sorted(node_.input_types),
                                        callable(node_.callable)]
    def post_node_execute(self, *, run_id, node_, kwargs, success, error, result, task_id=None):
        self._add("post_node_execute", run_id=run_id, node_=node_, kwargs=kwargs,
                  success=success, error=error, result=result)
    def validate_node(self, *, created_node):
        self._add("validate_node", created_node=created_node)
        return True, None
    def validate_graph(self, *, graph, modules, config):
        self._add("validate_graph", graph=graph, modules=modules, config=config)
        return True, None

def node_calls(calls):
    return [c for c in calls if c["hook"] not in ("validate_node",)]

def validated(calls):
    return sorted(c["created_node"] for c in calls if c["hook"] == "validate_node")
"""

PLAIN = (
    RECORDER
    + """
class Runner(base.BaseDoNodeExecute):
    def __init__(self):
        self.seen = []
    def do_node_execute(self, *, run_id, node_, kwargs, task_id=None) -> object:
        self.seen.append((node_.name, describe(kwargs), task_id))
        return node_.callable(**kwargs)

class Checks(base.BaseDoValidateInput, base.BaseDoCheckEdgeTypesMatch):
    def __init__(self):
        self.inputs, self.edges = [], []
    def do_validate_input(self, *, node_type, input_value) -> bool:
        self.inputs.append((node_type.__name__, input_value))
        return True
    def do_check_edge_types_match(self, *, type_from, type_to) -> bool:
        self.edges.append((describe(type_from), describe(type_to)))
        return True

class Dicts(base.BaseDoBuildResult):
    def do_build_result(self, *, outputs) -> dict:
        return {"built": dict(outputs)}

for label, x in (("ok", 1), ("fails", 99)):
    recorder, runner, checks = Recorder(), Runner(), Checks()
    dr = (driver.Builder().with_modules(flow).with_config({"mode": label})
          .with_adapters(recorder, runner, checks, Dicts()).build())
    try:
        emit(f"{label} result", dr.execute(["doubled"], inputs={"x": x}))
    except Exception as exc:
        emit(f"{label} result", type(exc).__name__)
    emit(f"{label} calls", node_calls(recorder.calls))
    emit(f"{label} validated", validated(recorder.calls))
    emit(f"{label} runner", runner.seen)
    emit(f"{label} input checks", checks.inputs)
    # Hamilton also checks the Parallelizable/Collect edges, with their generic types
    emit(f"{label} edge checks", sorted(e for e in set(checks.edges) if "GenericAlias" not in e))
"""
)

DYNAMIC = (
    RECORDER
    + """
class Tasks(base.BasePreTaskExecute, base.BasePostTaskExecute, base.BasePreTaskSubmission,
            base.BasePostTaskReturn, base.BasePostTaskExpand):
    def __init__(self):
        self.calls = []
    def _add(self, hook, **kw):
        if kw["purpose"] is not None and kw["purpose"].value != "execute_block":
            return
        row = {"hook": hook, "args": sorted(kw)}
        for key, value in kw.items():
            row[key] = [n.name for n in value] if key == "nodes" else describe(value)
        if kw.get("results"):  # Hamilton's task results also hold the item input ("items")
            row["results"] = describe({k: v for k, v in kw["results"].items() if k != "items"})
        row["run_id"] = isinstance(kw["run_id"], str)
        if "overrides" in kw:
            row["overrides"] = describe(kw["overrides"] or {})
        self.calls.append(row)
    def pre_task_execute(self, *, run_id, task_id, nodes, inputs, overrides, spawning_task_id,
                         purpose):
        self._add("pre_task_execute", run_id=run_id, task_id=task_id, nodes=nodes,
                  inputs=inputs, overrides=overrides, spawning_task_id=spawning_task_id,
                  purpose=purpose)
    def post_task_execute(self, *, run_id, task_id, nodes, results, success, error,
                          spawning_task_id, purpose):
        self._add("post_task_execute", run_id=run_id, task_id=task_id, nodes=nodes,
                  results=results, success=success, error=error,
                  spawning_task_id=spawning_task_id, purpose=purpose)
    def pre_task_submission(self, *, run_id, task_id, nodes, inputs, overrides,
                            spawning_task_id, purpose):
        self._add("pre_task_submission", run_id=run_id, task_id=task_id, nodes=nodes,
                  inputs=inputs, overrides=overrides, spawning_task_id=spawning_task_id,
                  purpose=purpose)
    def post_task_return(self, *, run_id, task_id, nodes, result, success, error,
                         spawning_task_id, purpose):
        self._add("post_task_return", run_id=run_id, task_id=task_id, nodes=nodes,
                  result=result, success=success, error=error,
                  spawning_task_id=spawning_task_id, purpose=purpose)
    def post_task_expand(self, *, run_id, task_id, parameters):
        self.calls.append({"hook": "post_task_expand", "task_id": task_id,
                           "parameters": describe(parameters)})

recorder, tasks = Recorder(), Tasks()
dr = (driver.Builder().with_modules(flow).enable_dynamic_execution(allow_experimental_mode=True)
      .with_adapters(recorder, tasks).build())
emit("result", dr.execute(["total"], inputs={"x": 1}))
calls = node_calls(recorder.calls)
emit("graph hooks", [c for c in calls if not c["hook"].endswith("node_execute")])
node_rows = [c for c in calls if c["hook"].endswith("node_execute")]
emit("node rows", sorted([dict(c, result=None) if c["node_"] == "node:items" else c for c in node_rows], key=lambda c: (c["node_"], c["hook"], str(c["kwargs"]))))
emit("node order", [(c["hook"], c["node_"]) for c in node_rows if c["node_"] != "node:squared"])
emit("task calls", sorted(tasks.calls, key=lambda r: (r["hook"], r.get("task_id", ""))))
"""
)


def test_base_hooks_plain_execution(in_both) -> None:
    ours, theirs = in_both(PLAIN, {"flow": FLOW})
    same(ours, theirs)
    assert theirs["fails result"] == "ValueError"


def test_base_hooks_dynamic_execution(in_both) -> None:
    ours, theirs = in_both(DYNAMIC, {"flow": FLOW})
    same(ours, theirs)
