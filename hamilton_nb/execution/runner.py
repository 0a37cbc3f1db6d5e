"""Run a compiled plan: the tight loop, the hooked loop, and parallel blocks.

Responsibilities:
- ``run_segment``: fill a value array by running a segment's steps in order.
- Without node hooks, a segment that has run ``COMPILE_AFTER_RUNS`` times is turned into
  generated Python (``v[3] = F[0](v[1], v[2])`` per node): no per-node dispatch, so overhead
  stays near a plain call. Earlier runs, and every run with hooks, use the interpreted loop.
- Errors raised by a node propagate unchanged, with a note naming the node and its inputs' types.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hamilton_nb import htypes
from hamilton_nb.execution.plan import BlockStep, NodeStep, Segment
from hamilton_nb.lifecycle.hooks import HookSet
from hamilton_nb.node import NodeType

_CHUNK = 2000  # steps per generated function: keeps compile time linear on huge plans
# Generating code costs ~15 us per node (CPython's compile) and saves ~0.2 us per node per run:
# compile a segment only once it has run this many times, so one-off runs never pay for it.
COMPILE_AFTER_RUNS = 8
_FILENAME = "<hamilton_nb plan>"
_codes_counter = itertools.count()


@dataclass
class RunContext:
    """Per-execution state shared by every step."""

    run_id: str
    hooks: HookSet
    executor: Any  # a TaskExecutor for parallel blocks
    task_id: str | None = None
    progress: Callable[[str], None] | None = None
    timings: dict[str, float] | None = None  # seconds per node, filled when not None

    def for_task(self, task_id: str) -> RunContext:
        return RunContext(
            self.run_id, self.hooks, self.executor, task_id, self.progress, self.timings
        )


class NodeFailure:
    """Marker stored on an exception once a node's note is attached (attached once only)."""


def run_segment(segment: Segment, v: list[Any], ctx: RunContext) -> None:
    """Run every step of ``segment`` over the value array ``v`` (mutated in place)."""
    if ctx.hooks.node_hooks or ctx.progress is not None or ctx.timings is not None:
        _run_hooked(segment, v, ctx)
        return
    compiled = segment.compiled
    if compiled is None:
        segment.runs += 1
        if segment.runs < COMPILE_AFTER_RUNS:
            _run_plain(segment, v, ctx)
            return
        compiled = segment.compiled = _generate(segment)
    for chunk, functions, blocks, line_steps in compiled:
        try:
            chunk(v, functions, blocks, ctx)
        except BaseException as exc:
            _annotate_from_traceback(exc, chunk.__code__, line_steps, v)
            raise


def _run_plain(segment: Segment, v: list[Any], ctx: RunContext) -> None:
    step: NodeStep | BlockStep | None = None
    try:
        for step in segment.steps:
            if type(step) is NodeStep:
                fn = step.node.callable
                if step.positional:
                    v[step.slot] = fn(*[v[s] for _, s in step.args])
                else:
                    v[step.slot] = fn(**{p: v[s] for p, s in step.args})
            else:
                run_block(step, v, ctx)
    except BaseException as exc:
        if type(step) is NodeStep:
            annotate(exc, step, v)
        raise


def _run_hooked(segment: Segment, v: list[Any], ctx: RunContext) -> None:
    hooks = ctx.hooks
    method = hooks.execute_method
    before = hooks.has("run_before_node_execution")
    after = hooks.has("run_after_node_execution")
    for step in segment.steps:
        if type(step) is not NodeStep:
            run_block(step, v, ctx)
            continue
        node = step.node
        kwargs = {p: v[s] for p, s in step.args}
        if ctx.progress is not None:
            ctx.progress(node.name)
        started = time.perf_counter()
        if before:
            hooks.call(
                "run_before_node_execution",
                node_name=node.name,
                node_tags=dict(node.tags),
                node_kwargs=kwargs,
                node_return_type=node.type,
                task_id=ctx.task_id,
                run_id=ctx.run_id,
                node_input_types={p: t for p, (t, _) in node.input_types.items()},
                node_=node,  # for lifecycle.base adapters only
            )
        try:
            if method is not None:
                result = method(
                    node_name=node.name,
                    node_tags=dict(node.tags),
                    node_callable=node.callable,
                    node_kwargs=kwargs,
                    task_id=ctx.task_id,
                    is_expand=node.node_role is NodeType.EXPAND,
                    is_collect=node.node_role is NodeType.COLLECT,
                    run_id=ctx.run_id,
                    node_=node,
                )
            elif hooks.legacy_execute is not None:
                result = hooks.legacy_execute(node, kwargs)
            else:
                result = node.callable(**kwargs)  # type: ignore[misc]
        except Exception as exc:
            annotate(exc, step, v)
            _add_time(ctx, node.name, started)
            if after:
                _after(hooks, node, kwargs, None, exc, ctx)
            raise
        _add_time(ctx, node.name, started)
        v[step.slot] = result
        if after:
            _after(hooks, node, kwargs, result, None, ctx)


def _add_time(ctx: RunContext, name: str, started: float) -> None:
    if ctx.timings is not None:  # per-item nodes add up over their items
        ctx.timings[name] = ctx.timings.get(name, 0.0) + time.perf_counter() - started


def _after(
    hooks: HookSet, node: Any, kwargs: dict[str, Any], result: Any, error: Any, ctx: RunContext
) -> None:
    hooks.call(
        "run_after_node_execution",
        node_name=node.name,
        node_tags=dict(node.tags),
        node_kwargs=kwargs,
        node_return_type=node.type,
        result=result,
        error=error,
        success=error is None,
        task_id=ctx.task_id,
        run_id=ctx.run_id,
        node_=node,
    )


def run_block(step: BlockStep, v: list[Any], ctx: RunContext) -> None:
    """Compute the Parallelizable node, run the body per item, gather the collected lists."""
    if step.expand is not None:
        single = Segment(step.name, [step.expand])
        _run_hooked(single, v, ctx) if ctx.hooks.node_hooks else _run_plain(single, v, ctx)
    items = v[step.items_slot]
    if not isinstance(items, list):
        try:  # a generator fails here, after its node returned: blame that node
            items = v[step.items_slot] = list(items)
        except BaseException as exc:
            if step.expand is not None:
                annotate(exc, step.expand, v)
            raise
    if not step.collects:
        return
    shared = [v[outer] for outer, _ in step.imports]
    per_item = ctx.executor.run_items(step, shared, items, ctx)
    for index, (_, outer) in enumerate(step.collects):
        v[outer] = [values[index] for values in per_item]


def run_item(step: BlockStep, shared: list[Any], item: Any, ctx: RunContext) -> tuple[Any, ...]:
    """Run the block body for one item; return the values of the collected nodes."""
    inner = step.inner
    v: list[Any] = [None] * inner.size
    v[step.item_slot] = item
    for (_, slot), value in zip(step.imports, shared, strict=True):
        v[slot] = value
    run_segment(inner, v, ctx)
    return tuple(v[slot] for slot, _ in step.collects)


def annotate(exc: BaseException, step: NodeStep, v: list[Any]) -> None:
    """Attach (once) a note naming the failing node and the types of its inputs."""
    if getattr(exc, "__hamilton_nb_node__", None) is not None:
        return
    try:
        exc.__hamilton_nb_node__ = step.node.name  # type: ignore[attr-defined]
    except (AttributeError, TypeError):
        return
    inputs = ", ".join(f"{p}: {htypes.type_name(type(v[s]))}" for p, s in step.args)
    note = f"hamilton_nb: raised by node {step.node.name!r} (inputs: {inputs or 'none'})"
    if hasattr(exc, "add_note"):
        exc.add_note(note)
    else:  # Python 3.10: keep the note where 3.11's traceback would look for it
        exc.__notes__ = [*getattr(exc, "__notes__", []), note]  # type: ignore[attr-defined]


def _annotate_from_traceback(
    exc: BaseException, code: Any, line_steps: dict[int, Any], v: list[Any]
) -> None:
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code is code:
            step = line_steps.get(tb.tb_lineno)
            if type(step) is NodeStep:
                annotate(exc, step, v)
            return
        tb = tb.tb_next


def _generate(
    segment: Segment,
) -> list[tuple[Callable[..., None], tuple[Any, ...], tuple[Any, ...], dict[int, Any]]]:
    """Generated straight-line runners, one per chunk of ``_CHUNK`` steps."""
    chunks = []
    steps = segment.steps
    for start in range(0, max(len(steps), 1), _CHUNK):
        functions: list[Any] = []
        blocks: list[BlockStep] = []
        lines = ["def _run(v, F, B, ctx):", "    pass"]
        line_steps: dict[int, Any] = {}
        for step in steps[start : start + _CHUNK]:
            if type(step) is NodeStep:
                if step.positional:
                    args = ", ".join(f"v[{s}]" for _, s in step.args)
                elif all(p.isidentifier() for p, _ in step.args):
                    args = ", ".join(f"{p}=v[{s}]" for p, s in step.args)
                else:  # namespaced parameters such as "ns.x"
                    args = "**{" + ", ".join(f"{p!r}: v[{s}]" for p, s in step.args) + "}"
                lines.append(f"    v[{step.slot}] = F[{len(functions)}]({args})")
                functions.append(step.node.callable)
            else:
                lines.append(f"    _block(B[{len(blocks)}], v, ctx)")
                blocks.append(step)
            line_steps[len(lines)] = step
        namespace: dict[str, Any] = {"_block": run_block}
        filename = f"{_FILENAME[:-1]} {segment.label} #{next(_codes_counter)}>"
        exec(compile("\n".join(lines), filename, "exec"), namespace)  # noqa: S102
        chunks.append((namespace["_run"], tuple(functions), tuple(blocks), line_steps))
    return chunks
