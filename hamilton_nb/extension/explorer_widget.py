"""``ExplorerWidget``: the anywidget behind ``explore(dr)``.

Responsibilities:
- Hold the explorer's state in synced traitlets (the DAG's SVG, node summaries, selection,
  details, search, view mode, value preview, timing, message), so that everything the browser
  shows can be driven and checked from Python.
- React to changes of ``selected``, ``query`` and ``view_mode``, and to ``run`` requests sent
  by the browser, by calling the plain functions of ``explorer`` and the driver's public API.
  A failure (unknown node, failing node, missing input, renderer problem) lands in
  ``message``; the widget itself never raises from a handler.

The browser side is ``explorer.js`` and ``explorer.css`` next to this file: vanilla DOM, no
network resources. This module imports anywidget at the top; ``explorer.explore`` imports it
lazily and turns a missing anywidget into an install hint.
"""

from __future__ import annotations

import functools
import pathlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import anywidget
import traitlets

from hamilton_nb.extension import explorer, explorer_shapes

_HERE = pathlib.Path(__file__).parent
_Handler = TypeVar("_Handler", bound=Callable[..., Any])


def _reported(handler: _Handler) -> _Handler:
    """Run ``handler``; an exception becomes an error message instead of propagating."""

    @functools.wraps(handler)
    def guarded(self: ExplorerWidget, *args: Any, **kwargs: Any) -> Any:
        try:
            return handler(self, *args, **kwargs)
        except Exception as exc:  # the widget must survive anything a node or renderer does
            self._error(_one_line(exc))
            return None

    return guarded  # type: ignore[return-value]


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    more = " (...)" if len(text) > 1 else ""
    return f"{type(exc).__name__}: {first}{more}" if first else type(exc).__name__


class ExplorerWidget(anywidget.AnyWidget):
    """Interactive DAG of a driver; see ``hamilton_nb.extension.explorer.explore``.

    Python API: ``select(name)``, ``run(name=None)`` (the selected node by default),
    ``run_outputs()``, ``refresh()``; or set the ``selected``/``query``/``view_mode``
    traitlets directly.
    """

    _esm = _HERE / "explorer.js"
    _css = _HERE / "explorer.css"

    svg = traitlets.Unicode("").tag(sync=True)
    dot_source = traitlets.Unicode("").tag(sync=True)  # set only when no SVG could be drawn
    overlay = traitlets.Bool(False).tag(sync=True)  # the SVG shows the last run's statuses
    nodes = traitlets.Dict().tag(sync=True)  # name -> summary (with its SVG "element")
    elements = traitlets.Dict().tag(sync=True)  # SVG element id -> nodes, upstream, downstream
    outputs = traitlets.List(traitlets.Unicode()).tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)
    details = traitlets.Dict().tag(sync=True)
    value_preview = traitlets.Unicode("").tag(sync=True)  # HTML; "" until a value is known
    timing = traitlets.Unicode("").tag(sync=True)
    query = traitlets.Unicode("").tag(sync=True)
    matches = traitlets.List(traitlets.Unicode()).tag(sync=True)
    view_mode = traitlets.Unicode("all").tag(sync=True)
    dimmed = traitlets.List(traitlets.Unicode()).tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)
    message_level = traitlets.Unicode("info").tag(sync=True)  # "info" or "error"
    busy = traitlets.Bool(False).tag(sync=True)

    def __init__(
        self,
        dr: Any,
        *,
        final_vars: Sequence[str] | None = None,
        inputs: Mapping[str, Any] | None = None,
        overrides: Mapping[str, Any] | None = None,
        results: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__()
        if isinstance(final_vars, str):
            final_vars = [final_vars]
        self._dr = dr
        self._final_vars = list(final_vars) if final_vars is not None else None
        self._inputs = dict(inputs or {})
        self._overrides = dict(overrides or {})
        self._values: dict[str, Any] = {**self._inputs, **self._overrides, **dict(results or {})}
        self._durations: dict[str, float] = {}
        self._graph: Any = None
        self.on_msg(self._on_message)
        self.refresh()

    # -- building the model -----------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the driver's graph and redraw (after the driver's modules changed)."""
        dr = self._dr
        if self._graph is not None and dr.graph is not self._graph:
            # new code: values computed by the old graph may be stale, drop them
            self._values = {**self._inputs, **self._overrides}
            self._durations = {}
        self._graph = dr.graph
        if self._final_vars is not None:
            dr.graph.require(self._final_vars, "output")
        self._summaries = explorer.summarize_nodes(dr)
        self.outputs = (
            self._final_vars
            if self._final_vars is not None
            else [n for n, s in self._summaries.items() if not s["external"]]
        )
        self._draw(overlay=dr.last_run is not None)
        if self.selected and self.selected not in self._summaries:
            self.selected = ""
        self._update_view()
        self._show_selected()

    def _draw(self, overlay: bool) -> None:
        """Render the DAG (the last run's overlay when ``overlay``) and map nodes to shapes."""
        from hamilton_nb.errors import HamiltonNBError
        from hamilton_nb.visualization.render import embeddable_svg, render

        source, svg = "", ""
        try:
            view = self._view(overlay)
            source = view.source
            svg = embeddable_svg(render(source, "svg", engine=view.engine))
        except HamiltonNBError as exc:  # no renderer, renderer failure, bad picture options
            self._error(f"DAG not drawn: {exc}")
        drawn = explorer_shapes.drawn_elements(svg)
        element_of = explorer_shapes.element_of(self._summaries, drawn)
        self._element_of = element_of
        with self.hold_sync():
            self.dot_source = "" if svg else source
            self.svg = svg
            self.overlay = overlay
            self.elements = explorer_shapes.element_links(self._summaries, element_of)
            self.nodes = {
                name: {**summary, "element": element_of[name]}
                for name, summary in self._summaries.items()
            }

    def _view(self, overlay: bool) -> Any:
        """The driver's picture: every input drawn once, so each node has its own shape."""
        dr = self._dr
        if overlay:
            return dr.visualize_last_run(deduplicate_inputs=True)
        if self._final_vars is not None:
            return dr.visualize_execution(
                self._final_vars, inputs=self._inputs, overrides=self._overrides,
                bypass_validation=True, deduplicate_inputs=True,
            )  # fmt: skip
        return dr.display_all_functions(deduplicate_inputs=True)

    # -- reacting to the browser ------------------------------------------------------------

    @traitlets.observe("selected")
    @_reported
    def _on_selected(self, change: Mapping[str, Any]) -> None:
        if self.view_mode != "all":
            self._update_view()
        self._show_selected()

    @traitlets.observe("query", "view_mode")
    @_reported
    def _on_filter(self, change: Mapping[str, Any]) -> None:
        if change["name"] == "view_mode" and change["new"] not in explorer.VIEW_MODES:
            bad = change["new"]
            self.view_mode = change["old"] if change["old"] in explorer.VIEW_MODES else "all"
            self._error(f"unknown view mode {bad!r}; use one of {explorer.VIEW_MODES}")
            return
        self._update_view()

    @_reported
    def _on_message(self, widget: Any, content: Any, buffers: Any) -> None:
        action = content.get("action") if isinstance(content, dict) else None
        if action == "run":
            self.run(content.get("node") or None)
        elif action == "run_outputs":
            self.run_outputs()
        elif action == "refresh":
            self.refresh()
        else:
            self._error(
                f"unknown request {content!r:.80}; expected action 'run', "
                "'run_outputs' or 'refresh'"
            )

    def _show_selected(self) -> None:
        name = self.selected
        if not name:
            with self.hold_sync():
                self.details, self.value_preview, self.timing = {}, "", ""
            return
        if name not in self._summaries:
            with self.hold_sync():
                self.details, self.value_preview, self.timing = {}, "", ""
            self._error(
                f"unknown node {name!r}{_did_you_mean(name, self._summaries)}; "
                "click a node in the picture or pick one from the search results"
            )
            return
        details = explorer.node_details(self._dr, name)
        details["element"] = self._element_of.get(name)
        details["output"] = name in self.outputs
        record = self._dr.last_run
        details["status"] = record.statuses.get(name, "not needed") if record is not None else ""
        with self.hold_sync():
            self.details = details
            self.value_preview = (
                explorer.preview_html(self._value(name)) if self._has_value(name) else ""
            )
            seconds = self._durations.get(name)
            self.timing = explorer.format_seconds(seconds) if seconds is not None else ""

    def _has_value(self, name: str) -> bool:
        return name in self._values or (
            self._summaries[name]["external"] and name in self._dr.graph.config
        )

    def _value(self, name: str) -> Any:
        return self._values[name] if name in self._values else self._dr.graph.config[name]

    def _update_view(self) -> None:
        matches = explorer.match_nodes(self._summaries, self.query)
        shown = set(matches)
        if self.view_mode != "all" and self.selected in self._summaries:
            shown &= set(explorer.related(self._summaries, self.selected, self.view_mode))
        elif self.view_mode != "all":
            self._info(f"select a node to show its {self.view_mode} only")
        with self.hold_sync():
            self.matches = matches
            self.dimmed = explorer_shapes.dimmed_elements(self._element_of, shown)

    # -- Python API ---------------------------------------------------------------------------

    def select(self, name: str) -> None:
        """Show node ``name`` in the panel (as clicking it does)."""
        self.selected = name

    @_reported
    def run(self, name: str | None = None) -> None:
        """Compute node ``name`` (default: the selected one), with the explorer's inputs and
        overrides, as ``dr.execute([name])`` would; show its value, timing and the run's
        overlay (upstream nodes show their status and time; their values are not kept)."""
        name = name or self.selected
        if not name:
            self._error("select a node to run, or call run('node_name')")
            return
        if self._dr.graph is not self._graph:
            self.refresh()
        if name not in self._summaries:
            self._error(f"unknown node {name!r}{_did_you_mean(name, self._summaries)}")
            return
        if self._summaries[name]["external"]:
            self.selected = name
            if self._has_value(name):
                self._info(f"{name!r} is an input: its value is shown, there is nothing to run")
            else:
                self._error(
                    f"{name!r} is an input without a value: pass it in "
                    f"explore(dr, inputs={{{name!r}: ...}})"
                )
            return
        self._execute([name], focus=name)

    @_reported
    def run_outputs(self) -> None:
        """Compute the explorer's outputs (``final_vars``, else every function node)."""
        if self._dr.graph is not self._graph:
            self.refresh()
        self._execute(list(self.outputs), focus=None)

    def _execute(self, request: list[str], focus: str | None) -> None:
        dr = self._dr
        label = repr(focus) if focus else f"{len(request)} outputs"
        self.busy = True
        self._info(f"running {label}...")
        timed = getattr(dr, "record_timings", False)
        before = dr.last_run
        try:
            dr.record_timings = True
            try:
                values = dr.raw_execute(request, inputs=self._inputs, overrides=self._overrides)
            finally:
                dr.record_timings = timed
        except Exception as exc:
            record = dr.last_run if dr.last_run is not before else None  # None: nothing ran
            failed = record.failed_node if record is not None else None
            where = f"node {failed!r} failed" if failed else f"cannot run {label}"
            self._after_run(focus, ran=record is not None)
            self._error(f"{where}: {_one_line(exc)}")
            return
        finally:
            self.busy = False
        self._values.update(values)
        self._after_run(focus, ran=True)
        record = dr.last_run
        seconds = explorer.format_seconds(record.duration_seconds if record is not None else 0.0)
        computed = len(record.nodes_with("computed")) if record is not None else len(request)
        self._info(f"computed {label} ({computed} nodes ran) in {seconds}")

    def _after_run(self, focus: str | None, ran: bool) -> None:
        record = self._dr.last_run
        if ran and record is not None:
            self._durations.update(record.durations)
            self._draw(overlay=True)
            self._update_view()
        if focus and self.selected != focus:
            self.selected = focus  # the observer fills the panel
        else:
            self._show_selected()

    # -- messages -----------------------------------------------------------------------------

    def _info(self, text: str) -> None:
        with self.hold_sync():
            self.message_level = "info"
            self.message = text

    def _error(self, text: str) -> None:
        with self.hold_sync():
            self.message_level = "error"
            self.message = text


def _did_you_mean(name: str, candidates: Mapping[str, Any]) -> str:
    from hamilton_nb.errors import did_you_mean

    return did_you_mean(name, candidates)
