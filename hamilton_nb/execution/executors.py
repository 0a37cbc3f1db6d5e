"""Task executors: how the items of a ``Parallelizable`` block are run.

``SynchronousLocalTaskExecutor`` runs them in order, ``MultiThreadingExecutor`` in a thread
pool, ``MultiProcessingExecutor`` in a process pool. On Linux the process pool is forked after
the block is known, so notebook-defined functions need no pickling; only items and results do.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import pickle
import sys
import threading
import traceback
from typing import Any

from hamilton_nb import errors
from hamilton_nb.execution.plan import BlockStep
from hamilton_nb.execution.runner import RunContext, run_item


class TaskExecutor:
    """Base class: ``run_items`` returns, per item, the tuple of collected values."""

    def run_items(
        self, step: BlockStep, shared: list[Any], items: list[Any], ctx: RunContext
    ) -> list[tuple[Any, ...]]:
        return [run_task(step, shared, item, index, ctx) for index, item in enumerate(items)]


def run_task(
    step: BlockStep, shared: list[Any], item: Any, index: int, ctx: RunContext
) -> tuple[Any, ...]:
    """Run one item as a task, with task hooks when any are registered."""
    hooks = ctx.hooks
    task_ctx = ctx.for_task(f"{step.name}.{index}")
    if not (hooks.has("run_before_task_execution") or hooks.has("run_after_task_execution")):
        return run_item(step, shared, item, task_ctx)
    from hamilton_nb.graph_types import HamiltonNode

    nodes = [HamiltonNode.from_node(s.node) for s in step.inner.steps if hasattr(s, "node")]
    common = dict(
        task_id=task_ctx.task_id,
        run_id=ctx.run_id,
        nodes=nodes,
        spawning_task_id=ctx.task_id,
        purpose="execute_block",
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


class MultiThreadingExecutor(TaskExecutor):
    """Runs items on up to ``max_tasks`` threads (good for I/O-bound nodes)."""

    def __init__(self, max_tasks: int = 4) -> None:
        if max_tasks < 1:
            raise ValueError(f"MultiThreadingExecutor(max_tasks={max_tasks}) needs max_tasks >= 1.")
        self.max_tasks = max_tasks

    def run_items(
        self, step: BlockStep, shared: list[Any], items: list[Any], ctx: RunContext
    ) -> list[tuple[Any, ...]]:
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


class MultiProcessingExecutor(TaskExecutor):
    """Runs items in up to ``max_tasks`` worker processes (good for CPU-bound nodes).

    Items and collected values cross process boundaries, so they must be picklable.
    """

    def __init__(self, max_tasks: int = 4) -> None:
        if max_tasks < 1:
            raise ValueError(
                f"MultiProcessingExecutor(max_tasks={max_tasks}) needs max_tasks >= 1."
            )
        self.max_tasks = max_tasks

    def run_items(
        self, step: BlockStep, shared: list[Any], items: list[Any], ctx: RunContext
    ) -> list[tuple[Any, ...]]:
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
