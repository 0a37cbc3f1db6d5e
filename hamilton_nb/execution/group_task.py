"""Run one task of a grouping strategy (what ``base_execute_task`` does for such a task).

Kept apart from ``grouped.py`` (the scheduler) so that executors, which may run this in a
worker thread or process, import only the runner.
"""

from __future__ import annotations

from typing import Any

from hamilton_nb.execution.grouping import TaskImplementation
from hamilton_nb.execution.runner import run_segment


def run_group_task(task: TaskImplementation) -> dict[str, Any]:
    """Compute the task's nodes from its bound inputs, firing ``TaskExecutionHook``s; return
    ``{name: value}`` for its outputs and overridden values. Node errors propagate unchanged."""
    spec, ctx = task.spec, task.ctx
    assert spec is not None and ctx is not None
    hooks = ctx.hooks
    before = hooks.has("run_before_task_execution")
    after = hooks.has("run_after_task_execution")
    common = dict(
        run_id=task.run_id,
        task_id=task.task_id,
        nodes=task.nodes,
        spawning_task_id=task.spawning_task_id,
        purpose=task.purpose,
    )
    if before:
        hooks.call(
            "run_before_task_execution",
            inputs=task.dynamic_inputs,
            overrides=task.overrides,
            **common,
        )
    v: list[Any] = [None] * spec.segment.size
    slots = spec.input_slots
    for name, value in task.dynamic_inputs.items():
        v[slots[name]] = value
    try:
        run_segment(spec.segment, v, ctx)
    except Exception as exc:
        if after:
            hooks.call("run_after_task_execution", results=None, success=False, error=exc, **common)
        raise
    if after:
        results = {name: v[slot] for name, slot in slots.items()}
        hooks.call("run_after_task_execution", results=results, success=True, error=None, **common)
    return {name: v[slots[name]] for name in spec.returned}
