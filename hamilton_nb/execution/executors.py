"""Task executors: how the items of a ``Parallelizable`` block are run.

``SynchronousLocalTaskExecutor`` runs them in order, ``MultiThreadingExecutor`` in a thread
pool, ``MultiProcessingExecutor`` in a process pool. On Linux the process pool is forked after
the block is known, so notebook-defined functions need no pickling; only items and results do.

Hamilton's executor protocol is honoured too: each item (and, under a grouping strategy, each
node group: execution/grouped.py) is a ``TaskImplementation`` handed to
``submit_task`` (returning a ``TaskFuture``) while ``can_submit_task`` allows, between
``init()`` and ``finalize()``, with ``TaskSubmissionHook``/``TaskReturnHook`` around it. The
built-in executors take a faster path when no such hook is registered and ``submit_task`` is
not overridden. ``ExecutionManager``s choose an executor per task
(``Builder.with_execution_manager``).
"""

from __future__ import annotations

import abc
import collections
import concurrent.futures
import functools
import multiprocessing
import os
import pickle
import sys
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, Protocol

from hamilton_nb import errors
from hamilton_nb.execution.group_task import run_group_task
from hamilton_nb.execution.grouping import (
    NodeGroupPurpose,
    TaskImplementation,
    expand_task_id,
    group_task_ids,
    item_task_id,
)
from hamilton_nb.execution.plan import BlockStep
from hamilton_nb.execution.runner import RunContext, run_item
from hamilton_nb.execution.state import TaskState

__all__ = [
    "DefaultExecutionManager",
    "ExecutionManager",
    "MultiProcessingExecutor",
    "MultiThreadingExecutor",
    "PoolExecutor",
    "ProcessPoolExecutor",
    "SynchronousLocalTaskExecutor",
    "TaskExecutor",
    "TaskFuture",
    "TaskFutureWrappingFunction",
    "TaskFutureWrappingPythonFuture",
    "base_execute_task",
    "new_callable",
]

_TASK_PROTOCOL_HOOKS = ("run_before_task_submission", "run_after_task_return")


class TaskFuture(Protocol):
    """What ``submit_task`` returns: a state to poll and, once final, the result."""

    def get_state(self) -> TaskState: ...

    def get_result(self) -> Any: ...


class TaskExecutor:
    """Base class of executors.

    Subclass it the Hamilton way (``init``, ``finalize``, ``submit_task``, ``can_submit_task``)
    or override ``run_items`` (per item, the tuple of collected values). The defaults run
    each task when its result is asked for."""

    def init(self) -> None:
        """Claim resources (called before a block's tasks are submitted)."""

    def finalize(self) -> None:
        """Release them (called after the block, also when it failed)."""

    def submit_task(self, task: TaskImplementation) -> TaskFuture:
        return TaskFutureWrappingFunction(functools.partial(base_execute_task, task))

    def can_submit_task(self) -> bool:
        return True

    def run_items(
        self, step: BlockStep, shared: list[Any], items: list[Any], ctx: RunContext
    ) -> list[tuple[Any, ...]]:
        tasks = make_tasks(step, shared, items, ctx)
        self.init()
        try:
            return run_tasks(tasks, lambda task: self, ctx)
        finally:
            self.finalize()

    def _fast_path(self, ctx: RunContext, own: type) -> bool:
        """True when nothing needs the task protocol: no submission/return hooks and the
        protocol methods are ``own``'s (not overridden by a user subclass)."""
        cls = type(self)
        return not any(ctx.hooks.has(h) for h in _TASK_PROTOCOL_HOOKS) and all(
            getattr(cls, m) is getattr(own, m) for m in ("submit_task", "can_submit_task")
        )


def new_callable(*args: Any, _callable: Callable[..., Any], **kwargs: Any) -> list[Any]:
    """Call ``_callable`` and return its (possibly generated) items as a list."""
    return list(_callable(*args, **kwargs))


def make_tasks(
    step: BlockStep, shared: list[Any], items: list[Any], ctx: RunContext
) -> list[TaskImplementation]:
    """One task per item (``announce`` is called first)."""
    from hamilton_nb.graph_types import HamiltonNode

    announce(step, items, ctx)
    nodes = [HamiltonNode.from_node(s.node) for s in step.inner.steps if hasattr(s, "node")]
    inner_ctx = RunContext(ctx.run_id, ctx.hooks, SynchronousLocalTaskExecutor(), ctx.task_id)
    return [
        TaskImplementation(
            task_id=item_task_id(step.name, index),
            run_id=ctx.run_id,
            nodes=nodes,
            dynamic_inputs={step.name: item},
            spawning_task_id=expand_task_id(step.name),
            purpose=NodeGroupPurpose.EXECUTE_BLOCK,
            step=step,
            shared=shared,
            index=index,
            ctx=inner_ctx,
        )
        for index, item in enumerate(items)
    ]


def announce(step: BlockStep, items: list[Any], ctx: RunContext) -> None:
    """Fire ``TaskGroupingHook``'s hooks (when registered) for a block about to run."""
    hooks = ctx.hooks
    if hooks.has("run_after_task_grouping"):
        hooks.call("run_after_task_grouping", run_id=ctx.run_id, task_ids=group_task_ids(step.name))
    if hooks.has("run_after_task_expansion"):
        parameters = {str(i): item for i, item in enumerate(items)}
        hooks.call(
            "run_after_task_expansion",
            run_id=ctx.run_id,
            task_id=expand_task_id(step.name),
            parameters=parameters,
        )


def base_execute_task(task: TaskImplementation) -> dict[str, Any]:
    """Run one task (with ``TaskExecutionHook``s) and return ``{node: value}``: the collected
    nodes of a block item, or the outputs of a node group."""
    if task.spec is not None:
        return run_group_task(task)
    assert task.step is not None and task.ctx is not None
    item = task.dynamic_inputs[task.step.name]
    values = run_task(task.step, task.shared, item, task.index, task.ctx)
    return dict(zip(task.outputs_to_compute, values, strict=True))


def run_tasks(
    tasks: list[TaskImplementation],
    executor_for: Callable[[TaskImplementation], TaskExecutor],
    ctx: RunContext,
) -> list[tuple[Any, ...]]:
    """Submit every task while its executor accepts, poll the futures, return per task the
    collected values in task order. The first failed task's error is raised."""
    hooks = ctx.hooks
    pending = collections.deque(tasks)
    running: dict[TaskImplementation, TaskFuture] = {}
    done: dict[int, tuple[Any, ...]] = {}
    while pending or running:
        progressed = False
        while pending:
            executor = executor_for(pending[0])
            if not executor.can_submit_task():
                break
            task = pending.popleft()
            running[task] = submit(task, executor, hooks)
            progressed = True
        for task, future in list(running.items()):
            state = future.get_state()
            if not TaskState.is_terminal(state):
                continue
            del running[task]
            progressed = True
            result = task_outcome(task, future, hooks)
            done[task.index] = tuple(result[name] for name in task.outputs_to_compute)
        if not progressed:
            if not running:
                raise errors.ExecutionError(
                    f"the executor of task {pending[0].task_id!r} accepts no task "
                    "(can_submit_task() is False) and none is running: it can never finish."
                )
            time.sleep(0.0005)  # futures still running: poll again shortly
    return [done[task.index] for task in tasks]


def run_task(
    step: BlockStep, shared: list[Any], item: Any, index: int, ctx: RunContext
) -> tuple[Any, ...]:
    """Run one item as a task, with task hooks when any are registered."""
    hooks = ctx.hooks
    task_ctx = ctx.for_task(item_task_id(step.name, index))
    if not (hooks.has("run_before_task_execution") or hooks.has("run_after_task_execution")):
        return run_item(step, shared, item, task_ctx)
    from hamilton_nb.graph_types import HamiltonNode

    nodes = [HamiltonNode.from_node(s.node) for s in step.inner.steps if hasattr(s, "node")]
    common = dict(
        task_id=task_ctx.task_id,
        run_id=ctx.run_id,
        nodes=nodes,
        spawning_task_id=expand_task_id(step.name),
        purpose=NodeGroupPurpose.EXECUTE_BLOCK,
    )
    hooks.call("run_before_task_execution", inputs={step.name: item}, overrides={}, **common)
    try:
        values = run_item(step, shared, item, task_ctx)
    except Exception as exc:
        hooks.call("run_after_task_execution", results=None, success=False, error=exc, **common)
        raise
    names = {slot: name for name, slot in step.inner.slots.items()}
    results = {names[slot]: value for (slot, _), value in zip(step.collects, values, strict=True)}
    hooks.call("run_after_task_execution", results=results, success=True, error=None, **common)
    return values


class SynchronousLocalTaskExecutor(TaskExecutor):
    """Runs every item in the calling thread, in order."""

    def run_items(
        self, step: BlockStep, shared: list[Any], items: list[Any], ctx: RunContext
    ) -> list[tuple[Any, ...]]:
        if not self._fast_path(ctx, SynchronousLocalTaskExecutor):
            return super().run_items(step, shared, items, ctx)
        announce(step, items, ctx)
        return [run_task(step, shared, item, index, ctx) for index, item in enumerate(items)]


class TaskFutureWrappingFunction:
    """A ``TaskFuture`` that runs ``function`` the first time its state or result is asked."""

    def __init__(self, function: Callable[[], Any]) -> None:
        self.function = function
        self._done = False
        self._result: Any = None
        self._exception: Exception | None = None

    def _run(self) -> None:
        if not self._done:
            self._done = True
            try:
                self._result = self.function()
            except Exception as exc:
                self._exception = exc

    def get_state(self) -> TaskState:
        self._run()
        return TaskState.FAILED if self._exception is not None else TaskState.SUCCESSFUL

    def get_result(self) -> Any:
        self._run()
        if self._exception is not None:
            raise self._exception
        return self._result


class TaskFutureWrappingPythonFuture:
    """A ``TaskFuture`` over a ``concurrent.futures.Future`` (non-blocking state)."""

    def __init__(self, future: Future[Any]) -> None:
        self.future = future

    def get_state(self) -> TaskState:
        if not self.future.done():
            return TaskState.RUNNING
        return TaskState.FAILED if self.future.exception() is not None else TaskState.SUCCESSFUL

    def get_result(self) -> Any:
        """The result (raises the task's error); None while it is still running."""
        return self.future.result() if self.future.done() else None


class PoolExecutor(TaskExecutor, abc.ABC):
    """Base of pool executors: ``create_pool`` makes the pool in ``init``; at most
    ``max_tasks`` submitted tasks run at once."""

    def __init__(self, max_tasks: int) -> None:
        if max_tasks < 1:
            raise ValueError(f"{type(self).__name__}(max_tasks={max_tasks}) needs max_tasks >= 1.")
        self.max_tasks = max_tasks
        self.active_futures: list[Future[Any]] = []
        self.initialized = False
        self.pool: Executor | None = None

    @abc.abstractmethod
    def create_pool(self) -> Executor:
        """The ``concurrent.futures`` executor tasks are submitted to."""

    def init(self) -> None:
        if self.initialized:
            raise RuntimeError(f"{type(self).__name__} is already initialized.")
        self.pool = self.create_pool()
        self.initialized = True

    def finalize(self) -> None:
        if not self.initialized or self.pool is None:
            raise RuntimeError(f"{type(self).__name__} was not initialized.")
        self.pool.shutdown()
        self.pool, self.initialized = None, False
        self.active_futures = []

    def submit_task(self, task: TaskImplementation) -> TaskFuture:
        assert self.pool is not None, "init() first"
        future = self.pool.submit(base_execute_task, task)
        self.active_futures.append(future)
        return TaskFutureWrappingPythonFuture(future)

    def can_submit_task(self) -> bool:
        self.active_futures = [f for f in self.active_futures if not f.done()]
        return len(self.active_futures) < self.max_tasks

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "pool": None, "active_futures": [], "initialized": False}


class MultiThreadingExecutor(PoolExecutor):
    """Runs items on up to ``max_tasks`` threads (good for I/O-bound nodes)."""

    def __init__(self, max_tasks: int = 4) -> None:
        super().__init__(max_tasks)

    def create_pool(self) -> Executor:
        return ThreadPoolExecutor(max_workers=self.max_tasks)

    def run_items(
        self, step: BlockStep, shared: list[Any], items: list[Any], ctx: RunContext
    ) -> list[tuple[Any, ...]]:
        if not self._fast_path(ctx, MultiThreadingExecutor):
            return super().run_items(step, shared, items, ctx)
        announce(step, items, ctx)
        inner_ctx = RunContext(ctx.run_id, ctx.hooks, SynchronousLocalTaskExecutor(), ctx.task_id)
        with concurrent.futures.ThreadPoolExecutor(self.max_tasks) as pool:
            futures = [
                pool.submit(run_task, step, shared, item, i, inner_ctx)
                for i, item in enumerate(items)
            ]
            return [f.result() for f in futures]


_FORKED: tuple[BlockStep, list[Any], RunContext] | None = None
_FORK_LOCK = threading.Lock()  # one block at a time may own _FORKED (threads share it)


def _reset_fork_lock() -> None:
    global _FORK_LOCK
    _FORK_LOCK = threading.Lock()  # a worker may run a driver of its own


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_fork_lock)


def _run_chunk(
    step: BlockStep, shared: list[Any], ctx: RunContext, start: int, items: list[Any]
) -> list[tuple[Any, ...]]:
    try:
        return [run_task(step, shared, item, start + i, ctx) for i, item in enumerate(items)]
    except Exception as exc:
        raise _sendable(exc) from None


def _run_forked_chunk(start: int, items: list[Any]) -> list[tuple[Any, ...]]:
    assert _FORKED is not None
    step, shared, ctx = _FORKED
    return _run_chunk(step, shared, ctx, start, items)


def _sendable(exc: Exception) -> Exception:
    """``exc`` if it survives pickling back to the parent, else an ``ExecutionError`` with its
    type, message, node and traceback as text (classes from notebook-made modules do not)."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        node = getattr(exc, "__hamilton_nb_node__", None)
        where = f"node {node!r}" if node else "a node"
        trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        return errors.ExecutionError(
            f"{where} raised {type(exc).__qualname__}: {exc} in a worker process; its exception "
            "class cannot be sent back between processes, so it is reported here as text "
            "(MultiThreadingExecutor keeps the original exception).\n" + trace
        )


class MultiProcessingExecutor(PoolExecutor):
    """Runs items in up to ``max_tasks`` worker processes (good for CPU-bound nodes).

    Items and collected values cross process boundaries, so they must be picklable (and,
    through ``submit_task``, the tasks themselves: the block's functions too).
    """

    def __init__(self, max_tasks: int = 4) -> None:
        super().__init__(max_tasks)

    def create_pool(self) -> Executor:
        return ProcessPoolExecutor(max_workers=self.max_tasks)

    def run_items(
        self, step: BlockStep, shared: list[Any], items: list[Any], ctx: RunContext
    ) -> list[tuple[Any, ...]]:
        if not self._fast_path(ctx, MultiProcessingExecutor):
            return super().run_items(step, shared, items, ctx)
        announce(step, items, ctx)
        global _FORKED
        inner_ctx = RunContext(ctx.run_id, ctx.hooks, SynchronousLocalTaskExecutor(), ctx.task_id)
        size = max(1, -(-len(items) // (self.max_tasks * 4)))
        chunks = [(i, items[i : i + size]) for i in range(0, len(items), size)]
        forking = sys.platform.startswith("linux")
        context = multiprocessing.get_context("fork" if forking else None)
        _FORK_LOCK.acquire()
        previous, _FORKED = _FORKED, (step, shared, inner_ctx)
        try:
            with concurrent.futures.ProcessPoolExecutor(self.max_tasks, mp_context=context) as pool:
                if forking:
                    futures = [pool.submit(_run_forked_chunk, s, c) for s, c in chunks]
                else:
                    futures = [
                        pool.submit(_run_chunk, step, shared, inner_ctx, s, c) for s, c in chunks
                    ]
                results: list[tuple[Any, ...]] = []
                for future in futures:
                    results.extend(future.result())
                return results
        except concurrent.futures.process.BrokenProcessPool as exc:
            raise errors.ExecutionError(
                f"a worker process died while running the items of {step.name!r} "
                "(out of memory, or a crash in native code). Try MultiThreadingExecutor."
            ) from exc
        except (TypeError, AttributeError, pickle.PicklingError) as exc:
            if "pickle" not in str(exc):
                raise
            raise errors.ExecutionError(
                f"the items or results of {step.name!r} cannot be sent between processes "
                f"({exc}). Use MultiThreadingExecutor, or return picklable values."
            ) from exc
        finally:
            _FORKED = previous  # restored: in a worker, the outer block still needs it
            _FORK_LOCK.release()


class ExecutionManager(abc.ABC):
    """Chooses an executor per task; ``init``/``finalize`` reach every executor."""

    def __init__(self, executors: list[TaskExecutor]) -> None:
        self.executors = executors

    def init(self) -> None:
        for executor in self.executors:
            executor.init()

    def finalize(self) -> None:
        for executor in self.executors:
            executor.finalize()

    @abc.abstractmethod
    def get_executor_for_task(self, task: TaskImplementation) -> TaskExecutor:
        """The executor that runs ``task``."""


class DefaultExecutionManager(ExecutionManager):
    """Block items (``NodeGroupPurpose.EXECUTE_BLOCK``) go to ``remote_executor`` (default
    ``MultiProcessingExecutor(5)``), other tasks to ``local_executor`` (synchronous)."""

    def __init__(
        self,
        local_executor: TaskExecutor | None = None,
        remote_executor: TaskExecutor | None = None,
    ) -> None:
        self.local_executor = local_executor or SynchronousLocalTaskExecutor()
        self.remote_executor = remote_executor or MultiProcessingExecutor(max_tasks=5)
        super().__init__([self.local_executor, self.remote_executor])

    def get_executor_for_task(self, task: TaskImplementation) -> TaskExecutor:
        if task.purpose == NodeGroupPurpose.EXECUTE_BLOCK:
            return self.remote_executor
        return self.local_executor


class ManagedExecutor(TaskExecutor):
    """Runs a block's tasks through an ``ExecutionManager`` (``Builder.with_execution_manager``)."""

    def __init__(self, manager: ExecutionManager) -> None:
        if not isinstance(manager, ExecutionManager):
            raise errors.ExecutionError(
                f"with_execution_manager takes an ExecutionManager (e.g. "
                f"DefaultExecutionManager(...)), got {manager!r}."
            )
        self.manager = manager

    def run_items(
        self, step: BlockStep, shared: list[Any], items: list[Any], ctx: RunContext
    ) -> list[tuple[Any, ...]]:
        tasks = make_tasks(step, shared, items, ctx)
        self.manager.init()
        try:
            return run_tasks(tasks, self.manager.get_executor_for_task, ctx)
        finally:
            self.manager.finalize()


def submit(task: Any, executor: Any, hooks: Any) -> Any:
    """Submit ``task`` to ``executor`` (after ``run_before_task_submission`` saw it); return
    its future."""
    if hooks.has("run_before_task_submission"):
        hooks.call(
            "run_before_task_submission",
            run_id=task.run_id,
            task_id=task.task_id,
            nodes=task.nodes,
            inputs=task.dynamic_inputs,
            overrides=task.overrides,
            spawning_task_id=task.spawning_task_id,
            purpose=task.purpose,
        )
    return executor.submit_task(task)


def task_outcome(task: Any, future: Any, hooks: Any) -> Any:
    """The result of a finished task's future, after ``run_after_task_return`` saw it (with
    ``success=False`` and the error when it failed); a failed task's error is re-raised."""
    result, error = None, None
    try:
        result = future.get_result()
    except Exception as exc:
        error = exc
    if hooks.has("run_after_task_return"):
        hooks.call(
            "run_after_task_return",
            run_id=task.run_id,
            task_id=task.task_id,
            nodes=task.nodes,
            result=result,
            success=error is None,
            error=error,
            spawning_task_id=task.spawning_task_id,
            purpose=task.purpose,
        )
    if error is not None:
        raise error
    return result
