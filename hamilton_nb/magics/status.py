"""``%hamilton_status``: what each cell module holds, as plain data with rich display.

Responsibilities:
- ``build_report``: per cell module, its nodes in topological order with the status of the
  last run (computed, reused, input, overridden, failed, not run), whether the node's result
  is current (produced by a run of the module's current version) or stale, whether it is a
  notebook variable, the memory held for re-runs and the time it took; plus the last failed
  attempt: the stage, the error, and the nodes that succeeded before it, with a preview.
- ``StatusReport``: renders as an HTML table in notebooks and as aligned text elsewhere.
- ``add_failure_note``: the note a failed cell's exception carries (what was kept).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from hamilton_nb import htypes
from hamilton_nb.magics.cell_module import VERSION_ATTR
from hamilton_nb.magics.cell_run import add_note, result_variable
from hamilton_nb.magics.state import EXECUTE, CellModuleState, Failure, NotebookState

CURRENT = "current"
STALE = "stale"
_PRODUCED = ("computed", "reused", "overridden")
_PREVIEW_CHARS = 60


def human_bytes(nbytes: int) -> str:
    size = float(nbytes)
    for unit in ("B", "KiB", "MiB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


def human_seconds(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def preview(value: Any) -> str:
    """A one-line ``repr`` of ``value``, cut to a few dozen characters."""
    try:
        text = repr(value)
    except Exception as exc:  # a broken __repr__ must not break the status display
        text = f"<{type(value).__name__}: repr failed: {exc!r}>"
    text = " ".join(text.split())
    return text if len(text) <= _PREVIEW_CHARS else text[: _PREVIEW_CHARS - 3] + "..."


def add_failure_note(name: str, failure: Failure, kept: bool) -> None:
    """Tell, on the exception, that nothing changed and which nodes did succeed."""
    if kept:
        text = (
            f"cell module {name!r} was not changed: its previous version, driver and result "
            "variables stay."
        )
    else:
        text = f"cell module {name!r} was not created."
    if failure.stage == EXECUTE and failure.record is not None:
        done = failure.succeeded
        text += (
            f" Nodes that succeeded before the failure: {', '.join(done)} (%hamilton_status "
            "shows them)."
            if done
            else " No node had succeeded before the failure."
        )
    add_note(failure.error, text)


@dataclass
class NodeLine:
    """One node of a cell module in the report."""

    name: str
    type_name: str
    last_run: str = ""  # the status in the last successful run ("" when not requested)
    result: str = ""  # CURRENT, STALE or ""
    variable: str = ""  # the notebook variable holding the value, if any
    held_bytes: int = 0
    seconds: float | None = None


@dataclass
class ModuleStatus:
    """One cell module in the report."""

    name: str
    kind: str
    runs: int
    nodes: list[NodeLine] = field(default_factory=list)
    summary: str = ""
    failure: str = ""  # one line about the last failed attempt, "" if none
    succeeded: list[tuple[str, str, str]] = field(default_factory=list)  # (node, status, preview)


@dataclass
class StatusReport:
    """Every cell module's status; displays as HTML in notebooks, as text elsewhere."""

    modules: list[ModuleStatus]
    held_bytes: int = 0
    max_bytes: int = 0

    def __str__(self) -> str:
        if not self.modules:
            return "no cell modules yet: define one with %%cell_to_module NAME."
        lines: list[str] = []
        for module in self.modules:
            lines.append(f"{module.name}: {module.summary}")
            if module.failure:
                lines.append(f"  last attempt failed: {module.failure}")
                lines.extend(
                    f"    succeeded: {n} ({s}) {p}".rstrip() for n, s, p in module.succeeded
                )
            rows = [_cells(line) for line in module.nodes]
            if rows:
                header = ["node", "type", "last run", "result", "variable", "held", "time"]
                widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
                for row in [header, *rows]:
                    padded = (c.ljust(w) for c, w in zip(row, widths, strict=True))
                    lines.append(("  " + "  ".join(padded)).rstrip())
        lines.append(self._memory_line())
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def _memory_line(self) -> str:
        held = human_bytes(self.held_bytes)
        if self.max_bytes:
            return f"held for re-runs: {held} of at most {human_bytes(self.max_bytes)}"
        return f"held for re-runs: {held}"

    def _repr_html_(self) -> str:
        if not self.modules:
            return f"<p>{html.escape(str(self))}</p>"
        parts = ["<div class='hamilton-nb-status'>"]
        for module in self.modules:
            parts.append(f"<p><b>{html.escape(module.name)}</b>: {html.escape(module.summary)}</p>")
            if module.failure:
                items = "".join(
                    f"<li><code>{html.escape(n)}</code> ({html.escape(s)}) "
                    f"<code>{html.escape(p)}</code></li>"
                    for n, s, p in module.succeeded
                )
                parts.append(
                    "<p style='color:#b00020'>last attempt failed: "
                    f"{html.escape(module.failure)}</p>" + (f"<ul>{items}</ul>" if items else "")
                )
            header = "".join(
                f"<th>{h}</th>"
                for h in ("node", "type", "last run", "result", "variable", "held", "time")
            )
            body = "".join(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in _cells(line)) + "</tr>"
                for line in module.nodes
            )
            parts.append(f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>")
        parts.append(f"<p>{html.escape(self._memory_line())}</p></div>")
        return "".join(parts)


def _cells(line: NodeLine) -> list[str]:
    held = human_bytes(line.held_bytes) if line.held_bytes else ""
    seconds = human_seconds(line.seconds) if line.seconds is not None else ""
    return [line.name, line.type_name, line.last_run, line.result, line.variable, held, seconds]


def _node_lines(cell: CellModuleState) -> list[NodeLine]:
    graph = cell.driver.graph
    statuses = cell.record.statuses if cell.record is not None else {}
    durations = getattr(cell.record, "durations", None) or {}
    current = cell.record_version == vars(cell.module).get(VERSION_ATTR)
    held = {n.name: n.nbytes for n in getattr(cell.memory, "nodes", ())}
    outputs = set(cell.outputs)
    lines = []
    for name in graph.order:
        status = statuses.get(name, "")
        line = NodeLine(name, htypes.type_name(graph.nodes[name].type), status.replace("_", " "))
        if status in _PRODUCED and name in graph.nodes:
            line.result = CURRENT if current else STALE
        if name in outputs:
            line.variable = result_variable(name)
        line.held_bytes = held.get(name, 0)
        line.seconds = durations.get(name)
        lines.append(line)
    return lines


def _summary(cell: CellModuleState) -> str:
    graph = cell.driver.graph
    functions = sum(1 for n in graph.nodes.values() if n.node_role.name != "EXTERNAL")
    text = f"{functions} function node(s), {len(graph.nodes) - functions} input(s)"
    if cell.record is None:
        return text + "; not executed in this version"
    counts = cell.record.summary()
    done = ", ".join(
        f"{counts[k]} {k.replace('_', ' ')}"
        for k in ("computed", "reused", "overridden")
        if counts.get(k)
    )
    when = "" if cell.record_version == vars(cell.module).get(VERSION_ATTR) else " (older version)"
    seconds = human_seconds(cell.record.duration_seconds)
    return f"{text}; last run{when}: {done or 'nothing to do'} in {seconds}"


def _failure_line(failure: Failure) -> str:
    message = str(failure.error).strip().splitlines()
    first = message[0] if message else ""
    where = f" at node {failure.failed_node!r}" if failure.failed_node else ""
    return f"{failure.stage}{where}: {type(failure.error).__name__}: {first}".rstrip(": ")


def _succeeded(failure: Failure) -> list[tuple[str, str, str]]:
    if failure.record is None:
        return []
    statuses = failure.record.statuses
    rows = []
    for name in failure.succeeded:
        shown = preview(failure.values[name]) if name in failure.values else ""
        rows.append((name, statuses[name], shown))
    return rows


def module_status(state: NotebookState, name: str) -> ModuleStatus:
    cell = state.cells.get(name)
    failure = state.failure_of(name)
    if cell is None:
        status = ModuleStatus(name, "cell_to_module", 0, summary="no working version yet")
    else:
        status = ModuleStatus(
            name,
            cell.kind,
            cell.runs,
            _node_lines(cell),
            f"{cell.runs} run(s); {_summary(cell)}",
        )
    if failure is not None:
        status.failure = _failure_line(failure)
        status.succeeded = _succeeded(failure)
    return status


def build_report(state: NotebookState, names: Iterable[str] | None = None) -> StatusReport:
    """The status of the cell modules ``names`` (default: all, in definition order)."""
    if names is None:
        names = [*state.cells, *(n for n in state.failures if n not in state.cells)]
    report = StatusReport([module_status(state, name) for name in names])
    if state.has_session:
        memory = state.session.status()
        report.held_bytes = memory.held_bytes
        report.max_bytes = memory.max_bytes
    return report
