"""Execution views: the DAG of what a run will do, and of what a run did.

Responsibilities:
- ``planned_nodes``: the nodes an execution of some outputs needs, given the names of the
  provided inputs, overrides and config values (what ``visualize_execution`` draws).
- ``execution_parts``/``execution_dot``: the DAG coloured from an ``ExecutionRecord``: each
  node's status (computed, reused, overridden, input, failed, not run; not needed when the run
  did not use it), its duration when the run was timed, and, after a failure, the failed node
  and the path from the inputs to it highlighted.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from hamilton_nb.execution.record import ExecutionRecord
from hamilton_nb.graph import FunctionGraph
from hamilton_nb.node import DependencyType, NodeType
from hamilton_nb.visualization.dot import DotParts, build_parts

FAILURE_PATH_LABEL = "path to failure"


def planned_nodes(
    graph: FunctionGraph, final_vars: Iterable[str], provided: Collection[str]
) -> set[str]:
    """The outputs and everything they need, stopping at provided names; optional inputs
    nobody provides are left out (the run will use the defaults)."""
    needed: set[str] = set()
    stack = list(graph.require(final_vars, "output"))
    while stack:
        name = stack.pop()
        if name in needed:
            continue
        needed.add(name)
        if name in provided:
            continue
        for param, (_, dependency) in graph.nodes[name].input_types.items():
            external = graph.nodes[param].node_role is NodeType.EXTERNAL
            if external and param not in provided and dependency is DependencyType.OPTIONAL:
                continue
            stack.append(param)
    return needed


def failure_path(graph: FunctionGraph, record: ExecutionRecord) -> set[str]:
    """The failed node and the nodes of the run it depends on (from the inputs to it)."""
    failed = record.failed_node
    if failed is None or failed not in graph.nodes:
        return set()
    ran = record.statuses
    return {name for name in graph.upstream_of([failed]) if name in ran}


def failure_note(record: ExecutionRecord, limit: int = 60) -> dict[str, str]:
    """``{failed node: "ErrorType: message"}`` cut to ``limit`` characters; empty on success."""
    if record.failed_node is None or record.error is None:
        return {}
    error = record.error
    message = " ".join(str(error).split())
    text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return {record.failed_node: text if len(text) <= limit else text[: limit - 1] + "…"}


def execution_dot(graph: FunctionGraph, record: ExecutionRecord, **options: Any) -> str:
    """DOT text of ``graph`` coloured by ``record`` (options as for ``execution_parts``)."""
    return execution_parts(graph, record, **options).text()


def execution_parts(
    graph: FunctionGraph,
    record: ExecutionRecord,
    *,
    show_not_needed: bool = True,
    **options: Any,
) -> DotParts:
    """``graph`` coloured by ``record``, as ``DotParts``; ``options`` go to ``build_parts``.

    ``show_not_needed=False`` draws only the nodes the run needed. Names in the record that
    are not nodes of ``graph`` (e.g. materializers added for one call) are ignored.
    """
    statuses = {name: s for name, s in record.statuses.items() if name in graph.nodes}
    durations = {name: s for name, s in record.durations.items() if name in graph.nodes}
    return build_parts(
        graph,
        None if show_not_needed else list(statuses),
        outputs=[name for name in record.final_vars if name in graph.nodes],
        statuses=statuses,
        durations=durations,
        notes=failure_note(record),
        highlight=failure_path(graph, record),
        highlight_label=FAILURE_PATH_LABEL,
        **options,
    )
