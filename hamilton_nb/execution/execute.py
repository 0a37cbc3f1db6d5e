"""One execution from start to end: check inputs, load values, run the plan, fire graph hooks.

Kept apart from ``driver.py`` so the driver stays a thin facade and the magics can call the
same steps.
"""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Mapping
from typing import Any

from hamilton_nb import errors, htypes
from hamilton_nb.execution import record as rec
from hamilton_nb.execution.plan import ExecutionPlan
from hamilton_nb.execution.runner import RunContext, run_segment
from hamilton_nb.graph import FunctionGraph
from hamilton_nb.lifecycle.hooks import HookSet

_RUN_PREFIX = uuid.uuid4().hex  # run ids: unique per process, cheap per run
_run_counter = itertools.count(1)


def check_inputs(plan: ExecutionPlan, values: Mapping[str, Any], hooks: HookSet) -> None:
    """Raise ``InputTypeError`` listing every input whose value its consumers cannot accept.

    ``None`` is accepted for any declared type, as Hamilton does."""
    check = hooks.input_check
    bad = []
    for name, declared_types in plan.external_checks.items():
        value = values[name]
        if value is None:
            continue
        for declared in declared_types:
            ok = (
                check(declared, value)
                if check is not None
                else htypes.value_matches(value, declared)
            )
            if not ok:
                bad.append(
                    f"  input {name!r} is {htypes.type_name(type(value))} ({_short(value)}) "
                    f"but is declared as {htypes.type_name(declared)}"
                )
                break
    if bad:
        raise errors.InputTypeError(
            "inputs of the wrong type:\n"
            + "\n".join(bad)
            + "\nPass values of the declared types, or change the annotations."
        )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def run_plan(
    graph: FunctionGraph,
    plan: ExecutionPlan,
    values: Mapping[str, Any],
    hooks: HookSet,
    executor: Any,
    *,
    inputs: Mapping[str, Any],
    overrides: Mapping[str, Any],
    progress: Any = None,
    timed: bool = False,
    grouped: Any = None,
) -> tuple[dict[str, Any], rec.ExecutionRecord]:
    """Run ``plan`` with the provided ``values``; return the outputs and the run's record.

    ``grouped`` (a ``grouped.GroupedRunner``) runs the plan as the tasks of a grouping
    strategy instead of the compiled loop.

    Exceptions from nodes propagate unchanged (after the graph hooks saw them); the record
    is returned via the exception's ``__hamilton_nb_record__`` attribute in that case.
    """
    run_id = f"{_RUN_PREFIX}-{next(_run_counter)}"
    v: list[Any] = [None] * plan.root.size
    for name, slot in plan.presets.items():
        v[slot] = values[name]
    graph_hooks = hooks.has("run_before_graph_execution") or hooks.has("run_after_graph_execution")
    hamilton_graph = None
    if graph_hooks:
        from hamilton_nb.graph_types import HamiltonGraph

        hamilton_graph = HamiltonGraph.from_graph(graph)
        hooks.call(
            "run_before_graph_execution",
            graph=hamilton_graph,
            final_vars=list(plan.final_vars),
            inputs=dict(inputs),
            overrides=dict(overrides),
            execution_path=list(plan.node_names),
            run_id=run_id,
            function_graph=graph,  # for lifecycle.base adapters only
        )
    timings: dict[str, float] | None = {} if timed else None
    ctx = RunContext(run_id, hooks, executor, None, progress, timings)
    started = time.perf_counter()
    try:
        if grouped is None:
            run_segment(plan.root, v, ctx)
        else:
            grouped.run(graph, plan, v, ctx)
    except Exception as exc:
        record = _record(plan, overrides, run_id, time.perf_counter() - started, exc, timings)
        try:
            exc.__hamilton_nb_record__ = record  # type: ignore[attr-defined]
        except (AttributeError, TypeError):
            pass
        if graph_hooks:
            hooks.call(
                "run_after_graph_execution",
                graph=hamilton_graph,
                success=False,
                error=exc,
                results=None,
                run_id=run_id,
                function_graph=graph,
            )
        raise
    outputs = {name: v[slot] for name, slot in plan.outputs}
    record = _record(plan, overrides, run_id, time.perf_counter() - started, None, timings)
    if graph_hooks:
        hooks.call(
            "run_after_graph_execution",
            graph=hamilton_graph,
            success=True,
            error=None,
            results=outputs,
            run_id=run_id,
            function_graph=graph,
        )
    return outputs, record


def _record(
    plan: ExecutionPlan,
    overrides: Mapping[str, Any],
    run_id: str,
    seconds: float,
    error: BaseException | None,
    timings: dict[str, float] | None = None,
) -> rec.ExecutionRecord:
    overridden = {  # an input named like a function node overrides it
        name for name in plan.presets if name in overrides or name not in plan.external_checks
    }
    return rec.ExecutionRecord(
        run_id,
        plan.final_vars,
        seconds,
        computed=plan.node_names,
        presets=plan.presets,
        overridden=overridden,
        error=error,
        durations=timings,
    )
