"""Executing a plan as the tasks of a grouping strategy (``Builder.with_grouping_strategy``).

Responsibilities:
- ``runner_for``: the ``GroupedRunner`` of a strategy, or None for the default
  (``GroupByRepeatableBlocks`` is what the compiled plan does already, at full speed).
- ``plan_tasks``: group the request's nodes (inputs and overridden nodes included, as in
  Hamilton) and turn each group into a ``TaskSpec``: outputs, dependencies, and a segment over
  slots of its own so the task can run in another thread or process.
- ``GroupedRunner.run``: release each task once the tasks it depends on finished, hand it to
  the executor the execution manager picks (``submit_task``/``can_submit_task``), fire the
  task hooks, and write the returned values into the plan's value array.
Only GroupByRepeatableBlocks handles ``Parallelizable`` blocks; other strategies refuse them.
"""

from __future__ import annotations

import collections
import time
import weakref
from typing import Any

from hamilton_nb import errors
from hamilton_nb.execution.executors import (
    DefaultExecutionManager,
    ExecutionManager,
    ManagedExecutor,
    MultiThreadingExecutor,
    SynchronousLocalTaskExecutor,
    TaskExecutor,
    TaskFuture,
    submit,
    task_outcome,
)
from hamilton_nb.execution.grouping import (
    GroupByRepeatableBlocks,
    NodeGroup,
    TaskImplementation,
    TaskSpec,
)
from hamilton_nb.execution.plan import BlockStep, ExecutionPlan, NodeStep, Segment
from hamilton_nb.execution.runner import RunContext
from hamilton_nb.execution.state import TaskState
from hamilton_nb.graph import FunctionGraph
from hamilton_nb.node import DependencyType, NodeType

DEFAULT_REMOTE_TASKS = 10  # Hamilton's Builder: MultiThreadingExecutor(max_tasks=10)


def runner_for(
    strategy: Any, local: TaskExecutor | None, remote: TaskExecutor | None
) -> GroupedRunner | None:
    """The runner executing with ``strategy``; None when the compiled plan does it."""
    if strategy is None or type(strategy) is GroupByRepeatableBlocks:
        return None
    if isinstance(remote, ManagedExecutor):
        manager = remote.manager
    else:
        manager = DefaultExecutionManager(
            local or SynchronousLocalTaskExecutor(),
            remote or MultiThreadingExecutor(DEFAULT_REMOTE_TASKS),
        )
    return GroupedRunner(strategy, manager)


class GroupedRunner:
    """Runs plans task by task; task plans are cached per ``ExecutionPlan``."""

    def __init__(self, strategy: Any, manager: ExecutionManager) -> None:
        self.strategy = strategy
        self.manager = manager
        self._tasks: weakref.WeakKeyDictionary[ExecutionPlan, list[TaskSpec]] = (
            weakref.WeakKeyDictionary()
        )

    def __getstate__(self) -> dict[str, Any]:
        return {"strategy": self.strategy, "manager": self.manager}  # task plans are rebuilt

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["strategy"], state["manager"])  # type: ignore[misc]

    def check(self, graph: FunctionGraph, plan: ExecutionPlan) -> None:
        """Raise ``ParallelizableError`` when ``plan`` runs a block; plan the tasks."""
        blocks = [step.name for step in plan.root.steps if isinstance(step, BlockStep)]
        if blocks:
            raise errors.ParallelizableError(
                f"{type(self.strategy).__name__} cannot run Parallelizable blocks "
                f"({', '.join(map(repr, blocks))}): only GroupByRepeatableBlocks (the default) "
                "can. Drop with_grouping_strategy(...), or request outputs outside the blocks."
            )
        self._tasks[plan] = plan_tasks(graph, plan, self.strategy)

    def run(self, graph: FunctionGraph, plan: ExecutionPlan, v: list[Any], ctx: RunContext) -> None:
        """Compute ``plan`` into ``v`` (holding the provided values) task by task."""
        tasks = self._tasks.get(plan)
        if tasks is None:
            self.check(graph, plan)
            tasks = self._tasks[plan]
        hooks = ctx.hooks
        if hooks.has("run_after_task_grouping"):
            hooks.call(
                "run_after_task_grouping", run_id=ctx.run_id, task_ids=[t.base_id for t in tasks]
            )
        self.manager.init()
        try:
            _run_to_completion(tasks, v, plan.root.slots, ctx, self.manager)
        finally:
            self.manager.finalize()


def plan_tasks(graph: FunctionGraph, plan: ExecutionPlan, strategy: Any) -> list[TaskSpec]:
    """The request's nodes grouped by ``strategy``, as tasks (raises ``ExecutionError`` when
    the strategy loses or repeats a node)."""
    from hamilton_nb.graph_types import HamiltonNode

    steps = {step.node.name: step for step in plan.root.steps if type(step) is NodeStep}
    provided = {name for name in plan.presets if name in graph.nodes}
    needed = set(steps) | provided
    nodes = [graph.nodes[name] for name in graph.order if name in needed]
    groups: list[NodeGroup] = list(strategy.group_nodes(nodes))
    _check_groups(strategy, groups, needed)
    # an overridden node's value is given: its task hands it over and nothing waits for it
    overridden = {n for n in provided if graph.nodes[n].node_role is not NodeType.EXTERNAL}
    task_of = {
        node.name: group.base_id
        for group in groups
        for node in group.nodes
        if node.name not in overridden
    }
    final = set(plan.final_vars)
    origins = graph.external_origins
    specs = []
    for group in groups:
        members = {node.name for node in group.nodes}
        own_overrides = tuple(n.name for n in group.nodes if n.name in overridden)
        externals = [
            n.name
            for n in group.nodes
            if n.name not in overridden and graph.nodes[n.name].node_role is NodeType.EXTERNAL
        ]
        computed = [steps[n] for n in steps if n in members]  # plan order: dependencies first
        inputs: dict[str, bool] = {name: True for name in (*own_overrides, *externals)}
        dependencies: set[str] = set()
        for step in computed:
            node_inputs = step.node.input_types
            for param, _ in step.args:
                if param in members and param not in externals:
                    continue  # computed in this task (or one of its overrides)
                required = node_inputs[param][1] is DependencyType.REQUIRED
                inputs[param] = inputs.get(param, False) or required
                if param in task_of and task_of[param] != group.base_id:
                    dependencies.add(task_of[param])
        outputs = tuple(
            name
            for name in (*externals, *(s.node.name for s in computed))
            if name in final
            or any(
                d in needed and d not in members and d not in overridden
                for d in graph.dependents[name]
            )
        )
        slots = {name: i for i, name in enumerate(inputs)}
        segment = Segment(f"task {group.base_id}")
        for step in computed:
            slots[step.node.name] = len(slots)
            args = tuple((param, slots[param]) for param, _ in step.args)
            segment.steps.append(NodeStep(step.node, slots[step.node.name], args, step.positional))
        segment.size = len(slots)
        segment.slots = slots
        specs.append(
            TaskSpec(
                base_id=group.base_id,
                spawning_task_base_id=group.spawning_task_base_id,
                nodes=[HamiltonNode.from_node(n, origins.get(n.name)) for n in group.nodes],
                purpose=group.purpose,
                outputs_to_compute=outputs,
                overrides=own_overrides,
                base_dependencies=tuple(sorted(dependencies)),
                inputs=tuple(inputs.items()),
                segment=segment,
                input_slots=slots,
            )
        )
    return specs


def _check_groups(strategy: Any, groups: list[NodeGroup], needed: set[str]) -> None:
    seen: dict[str, str] = {}
    problems = []
    for group in groups:
        for node in group.nodes:
            if node.name in seen:
                problems.append(
                    f"{node.name!r} is in groups {seen[node.name]!r} and {group.base_id!r}"
                )
            seen[node.name] = group.base_id
    lost = sorted(needed - set(seen))
    if lost:
        problems.append(f"{', '.join(map(repr, lost))} in no group")
    ids = [group.base_id for group in groups]
    if len(set(ids)) != len(ids):
        problems.append("two groups share a base_id")
    if problems:
        raise errors.ExecutionError(
            f"{type(strategy).__name__}.group_nodes must put every node in exactly one group "
            f"with a unique base_id: {'; '.join(problems)}."
        )


def _release(
    spec: TaskSpec, v: list[Any], root_slots: dict[str, int], ctx: RunContext
) -> TaskImplementation:
    """The task of ``spec`` bound to the current values of its inputs."""
    overrides = {name: v[root_slots[name]] for name in spec.overrides}
    inputs = dict(overrides)
    for name, required in spec.inputs:
        slot = root_slots.get(name)
        if slot is not None:
            inputs[name] = v[slot]
        elif required:  # cannot happen for a plan that compiled: its inputs are checked
            raise errors.MissingInputError(
                f"task {spec.base_id!r} needs {name!r}, which no task computed."
            )
    return TaskImplementation(
        task_id=spec.base_id,
        run_id=ctx.run_id,
        nodes=spec.nodes,
        dynamic_inputs=inputs,
        spawning_task_id=None,
        purpose=spec.purpose,
        overrides=overrides,
        ctx=ctx.for_task(spec.base_id),
        spec=spec,
    )


def _run_to_completion(
    specs: list[TaskSpec],
    v: list[Any],
    root_slots: dict[str, int],
    ctx: RunContext,
    manager: ExecutionManager,
) -> None:
    """Release, submit and poll tasks until all finished; the first failure is raised."""
    hooks = ctx.hooks
    waiting = {spec.base_id: len(spec.base_dependencies) for spec in specs}
    users: dict[str, list[TaskSpec]] = {spec.base_id: [] for spec in specs}
    for spec in specs:
        for dependency in spec.base_dependencies:
            users[dependency].append(spec)
    ready = collections.deque(spec for spec in specs if not spec.base_dependencies)
    running: dict[str, tuple[TaskImplementation, TaskFuture]] = {}
    rejected = 0
    while ready or running:
        progressed = False
        if ready:  # one task per round, then poll, as Hamilton does
            task = _release(ready.popleft(), v, root_slots, ctx)
            executor = manager.get_executor_for_task(task)
            if executor.can_submit_task():
                running[task.task_id] = (task, submit(task, executor, hooks))
                progressed = True
                rejected = 0
            else:
                ready.appendleft(task.spec)  # type: ignore[arg-type]
                rejected += 1
        for task_id, (task, future) in list(running.items()):
            state = future.get_state()
            if not TaskState.is_terminal(state):
                continue
            del running[task_id]
            progressed = True
            result = task_outcome(task, future, hooks)
            for name, value in (result or {}).items():
                v[root_slots[name]] = value
            for user in users[task_id]:
                waiting[user.base_id] -= 1
                if waiting[user.base_id] == 0:
                    ready.append(user)
        if not progressed:
            if not running and rejected:
                raise errors.ExecutionError(
                    f"the executor of task {ready[0].base_id!r} accepts no task "
                    "(can_submit_task() is False) and none is running: it can never finish."
                )
            time.sleep(0.0005)  # tasks still running: poll again shortly
