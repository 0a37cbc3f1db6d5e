"""One run of a cell module, all or nothing: compile, build, execute, then commit.

Responsibilities:
- ``run_cell``: reload changed helper modules, compile the cell's parts, run them in the
  module (``cell_module.ModuleUpdate``), build the driver, execute the requested outputs
  through the shell's incremental session, and only when every step succeeded keep the new
  module and remember the new driver and results. When a step fails, the module gets its
  previous contents back, the previous driver and results stay, the failure is remembered
  for ``%hamilton_status``, and the exception propagates unchanged.
- ``default_outputs``: every node that is not an input, in topological order.

The notebook namespace is not touched here: ``CellOutcome.variables`` lists what the magic
pushes into it.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from hamilton_nb.lifecycle import api
from hamilton_nb.magics import state as st
from hamilton_nb.magics.cell_module import (
    VERSION_ATTR,
    CellPart,
    ModuleUpdate,
    check_module_available,
    combined_filename,
    compile_part,
    register_source,
)
from hamilton_nb.magics.options import CellOptions
from hamilton_nb.magics.progress import DEFAULT_DELAY, DelayedProgress
from hamilton_nb.node import NodeType


@dataclass
class CellOutcome:
    """A successful cell run."""

    module: ModuleType
    driver: Any
    results: dict[str, Any] = field(default_factory=dict)
    record: Any = None
    reloaded: list[str] = field(default_factory=list)
    written: Path | None = None

    @property
    def variables(self) -> dict[str, Any]:
        """Names to push into the notebook: the module's contents (functions, imports,
        constants), the module itself, then results (``a.b`` becomes ``a__b``)."""
        variables = {
            key: value
            for key, value in vars(self.module).items()
            if not (key.startswith("__") and key.endswith("__"))
        }
        variables[self.module.__name__] = self.module
        variables.update({result_variable(name): v for name, v in self.results.items()})
        return variables


def result_variable(node_name: str) -> str:
    """The notebook variable holding node ``node_name``'s value."""
    return node_name.replace(".", "__")


def default_outputs(driver: Any) -> list[str]:
    """Every node of ``driver`` that is not an input, in topological order (nodes computed
    once per item of a ``Parallelizable`` are left out: their ``Collect`` node is there)."""
    graph = driver.graph
    return [
        n
        for n in graph.order
        if graph.nodes[n].node_role is not NodeType.EXTERNAL and not graph.block_paths.get(n)
    ]


def compile_cached(state: st.NotebookState, kind: str, label: str, source: str) -> CellPart:
    """``compile_part``, reusing the last compilation of the same cell: all of it when its
    source did not change (same lines, so the same filename still shows them correctly),
    else its unchanged definitions."""
    key = (kind, label)
    previous = state.compiled.get(key)
    if previous is not None and previous.source == source:
        register_source(previous.filename, source)  # in case linecache was cleared since
        return previous
    part = state.compiled[key] = compile_part(kind, label, source, previous)
    return part


def build_driver(options: CellOptions, module: ModuleType) -> Any:
    """A driver over ``module`` (plus the modules of ``options.builder``, which is copied)."""
    from hamilton_nb.driver import Builder

    builder = options.builder.copy() if options.builder is not None else Builder()
    if options.config:
        builder.with_config(options.config)
    if not any(m is module for m in builder.modules):
        builder.with_modules(module)
    return builder.build()


def reload_helpers(namespace: MutableMapping[str, Any] | None) -> list[str]:
    """Reload the project-local modules whose files changed (rebinding names imported from
    them in ``namespace``); return their names."""
    from hamilton_nb.magics.autoreload import reload_changed_project_modules

    return list(reload_changed_project_modules(namespace))


class _NodeValues(api.NodeExecutionHook):
    """Keeps each node's value as it returns, so a failed run can still show what succeeded.

    Does nothing in worker processes (the nodes it is after run in the notebook's process)."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"values": {}}

    def run_before_node_execution(self, *, node_name: str) -> None:  # type: ignore[override]
        """Nothing to do before a node runs (hooks declare only the parameters they use)."""

    def run_after_node_execution(  # type: ignore[override]
        self, *, node_name: str, result: Any, success: bool
    ) -> None:
        if success:
            self.values[node_name] = result


def _planned_count(driver: Any, outputs: Sequence[Any], options: CellOptions) -> Callable[[], int]:
    """How many nodes the run computes at most (evaluated only if a progress bar opens)."""

    def count() -> int:
        names = [o for o in outputs if isinstance(o, str)]
        try:
            upstream = driver.what_is_upstream_of(*names)
        except Exception:
            return len(outputs)
        given = {*options.inputs, *options.overrides}
        return sum(1 for n in upstream if not n.is_external_input and n.name not in given)

    return count


def execute(
    state: st.NotebookState,
    driver: Any,
    options: CellOptions,
    outputs: Sequence[Any],
    captured: _NodeValues,
    progress_delay: float | None = None,
) -> tuple[dict[str, Any], Any]:
    """Run ``outputs`` through the shell's incremental session, with a delayed progress bar;
    ``captured`` receives the value of each node as it returns."""
    from hamilton_nb.lifecycle.hooks import HookSet

    progress = DelayedProgress(
        _planned_count(driver, outputs, options),
        description=options.name,
        delay=DEFAULT_DELAY if progress_delay is None else progress_delay,
    )
    session = state.session
    hooks = driver.hooks
    driver.hooks = HookSet([*hooks.adapters, captured])
    progress.start()
    try:
        results, record = session.execute(
            driver,
            list(outputs),
            inputs=options.inputs,
            overrides=options.overrides,
            fresh=options.fresh,
            progress=progress,
        )
    except BaseException:
        progress.finish(success=False)
        raise
    finally:
        driver.hooks = hooks
    progress.finish(success=True)
    return results, record


def run_cell(
    state: st.NotebookState,
    options: CellOptions,
    parts: Sequence[tuple[str, str]],
    *,
    kind: str = "cell_to_module",
    namespace: MutableMapping[str, Any] | None = None,
    progress_delay: float | None = None,
) -> CellOutcome:
    """Run the cell module ``options.name`` made of ``parts`` ((label, source) pairs).

    ``namespace`` is the notebook's: names it imported from a reloaded helper module are
    rebound. Raises whatever the failing step raised (``CellModuleError`` for a name that
    cannot be a cell module and ``UnsafeWriteError`` from the ``-w`` check, both before
    anything runs, ``ModuleReloadError``, ``SyntaxError``, a module-level
    exception, a ``GraphBuildError``, a node's exception); then the module, the previous
    driver and results are as they were, and ``state`` records the failure.
    """
    check_module_available(options.name)
    source = "".join(s if s.endswith("\n") else s + "\n" for _, s in parts)
    if options.write_to is not None:
        state.guard.check(options.write_to, source, options.force)
    name = options.name
    stage = st.RELOAD
    update: ModuleUpdate | None = None
    driver = record = None
    results: dict[str, Any] = {}
    captured = _NodeValues()
    try:
        reloaded = reload_helpers(namespace)
        stage = st.COMPILE
        compiled = [compile_cached(state, kind, label, text) for label, text in parts]
        file_label = compiled[0].filename if len(compiled) == 1 else combined_filename(kind, name)
        update = ModuleUpdate.begin(name)
        stage = st.MODULE
        update.run(compiled, file_label)
        stage = st.BUILD
        driver = build_driver(options, update.module)
        if options.execute:
            stage = st.EXECUTE
            outputs = options.outputs if options.outputs is not None else default_outputs(driver)
            results, record = execute(state, driver, options, outputs, captured, progress_delay)
    except BaseException as exc:
        if update is not None:
            update.rollback()
        failure = st.Failure(stage, exc)
        if stage == st.BUILD:
            _point_at_functions(exc, parts)
        if stage == st.EXECUTE and driver is not None:
            failure.record = getattr(exc, "__hamilton_nb_record__", None) or driver.last_run
            failure.driver = driver
            failure.values = captured.values
        state.record_failure(name, failure)
        raise
    update.commit()
    memory = state.session.status() if options.execute else None
    _remember(state, options, update.module, driver, list(parts), kind, results, record, memory)
    outcome = CellOutcome(update.module, driver, results, record, reloaded)
    if options.write_to is not None:
        state.guard.write(options.write_to, source, options.force)
        outcome.written = options.write_to
    return outcome


def _point_at_functions(exc: BaseException, parts: Sequence[tuple[str, str]]) -> None:
    """Add the cell lines of the functions a build error names, as a note."""
    from hamilton_nb.magics.locate import describe, locate

    found = locate(str(exc), parts)
    if found:
        add_note(exc, describe(found, several_cells=len(parts) > 1))


def add_note(exc: BaseException, note: str) -> None:
    """``exc.add_note(note)``, also on Python 3.10."""
    if hasattr(exc, "add_note"):
        exc.add_note(note)
    else:
        exc.__notes__ = [*getattr(exc, "__notes__", []), note]  # type: ignore[attr-defined]


def _remember(
    state: st.NotebookState,
    options: CellOptions,
    module: ModuleType,
    driver: Any,
    parts: list[tuple[str, str]],
    kind: str,
    results: dict[str, Any],
    record: Any,
    memory: Any,
) -> None:
    cell = state.cells.get(options.name)
    state.failures.pop(options.name, None)
    if cell is None:
        cell = state.cells[options.name] = st.CellModuleState(
            options.name, module, driver, parts, kind
        )
    cell.module, cell.driver, cell.parts, cell.kind = module, driver, parts, kind
    cell.failure = None
    cell.runs += 1
    if options.execute:
        cell.outputs = list(results)
        cell.record = record
        cell.record_version = vars(module).get(VERSION_ATTR)
        cell.memory = memory
