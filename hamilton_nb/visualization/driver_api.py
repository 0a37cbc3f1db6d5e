"""The ``Driver``'s picture methods, with Hamilton's names and arguments.

Responsibilities:
- ``VisualizationMixin`` (a base class of ``Driver``): ``display_all_functions``,
  ``visualize_execution``, ``display_upstream_of``, ``display_downstream_of``,
  ``visualize_path_between``, ``visualize_materialization`` and ``visualize_last_run`` (the
  execution overlay of ``dr.last_run``). Each returns a ``GraphView`` that shows inline in
  notebooks (``image/svg+xml``) and saves to ``.svg``/``.png``/``.pdf``/``.dot``.
- ``save_view``: ``output_file_path`` + ``render_kwargs`` written as Hamilton users expect,
  with no stray files (the DOT text is kept, as ``<name>.gv``, only with ``keep_dot=True``).
- ``Driver.execute(..., display_graph=True)`` shows the execution's DAG before running.

Beyond Hamilton, every method takes ``collapse_threshold`` (fold namespaces, then modules,
above this many nodes; None never folds) and ``expand`` (namespaces/modules kept open).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hamilton_nb import errors
from hamilton_nb.files import write_text_atomically

if TYPE_CHECKING:
    from pathlib import Path

    from hamilton_nb.execution.record import ExecutionRecord
    from hamilton_nb.graph import FunctionGraph
    from hamilton_nb.visualization.render import GraphView

DEFAULT_FORMAT = "png"  # what Hamilton writes when neither the path nor render_kwargs say
RENDER_KWARGS = ("format", "view", "cleanup", "quiet", "quiet_view")
DEFAULT_THRESHOLD = 300  # same as collapse.DEFAULT_THRESHOLD (not imported: keeps Driver light)


def _options(
    graphviz_kwargs: Mapping[str, Any] | None,
    show_legend: bool,
    orient: str,
    hide_inputs: bool,
    deduplicate_inputs: bool,
    show_schema: bool,
    custom_style_function: Callable[..., Any] | None,
    collapse_threshold: int | None,
    expand: Iterable[str],
) -> dict[str, Any]:
    """The ``build_dot`` keyword arguments every method shares."""
    return {
        "graphviz_kwargs": graphviz_kwargs,
        "show_legend": show_legend,
        "orient": orient,
        "hide_inputs": hide_inputs,
        "deduplicate_inputs": deduplicate_inputs,
        "show_schema": show_schema,
        "custom_style_function": custom_style_function,
        "collapse_threshold": collapse_threshold,
        "expand": expand,
    }


def save_view(
    view: GraphView,
    output_file_path: str | os.PathLike[str],
    render_kwargs: Mapping[str, Any] | None = None,
    keep_dot: bool = False,
) -> Path:
    """Write ``view`` where Hamilton would: format from ``render_kwargs["format"]``, else the
    path's suffix, else png; a path whose suffix is another format gets the right one. With
    ``keep_dot`` the DOT text is also written next to it as ``.gv``. Returns the picture's path.

    Raises ``VisualizationError`` for unknown ``render_kwargs``, ``RenderError`` when the
    picture cannot be made (nothing is written then).
    """
    from pathlib import Path

    from hamilton_nb.visualization import render

    kwargs = dict(render_kwargs or {})
    unknown = sorted(set(kwargs) - set(RENDER_KWARGS))
    if unknown:
        raise errors.VisualizationError(
            f"render_kwargs {unknown} are not supported; use {list(RENDER_KWARGS)} "
            "(layout engine: graphviz_kwargs={'engine': 'neato'})."
        )
    path = Path(os.fspath(output_file_path)).expanduser()
    path_format = _format_of_suffix(path)
    fmt = kwargs.get("format") or path_format or DEFAULT_FORMAT
    fmt = render.SUFFIX_FORMATS.get(f".{fmt}", fmt).lower()
    if path_format != fmt:
        path = path.with_suffix(f".{fmt}") if path_format else path.with_name(f"{path.name}.{fmt}")
    view.save(path, format=fmt)
    if keep_dot and fmt not in render.SOURCE_FORMATS:
        write_text_atomically(path.with_suffix(".gv"), view.source)
    if kwargs.get("view"):
        render.open_in_viewer(path)
    return path


def _format_of_suffix(path: Path) -> str | None:
    from hamilton_nb.visualization import render

    if not path.suffix:
        return None
    try:
        return render.format_for_path(path)
    except errors.RenderError:  # "report.v2": not a picture suffix
        return None


def _in_ipython() -> Any:
    """The running IPython shell, or None (IPython is not imported for this)."""
    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython is not None else None


class VisualizationMixin:
    """DAG pictures of a ``Driver``; needs ``self.graph``, ``self.last_run`` and the driver's
    request helpers (``_final_var_names``, ``validate_execution``)."""

    graph: FunctionGraph
    last_run: ExecutionRecord | None
    materializers: list[Any]
    hooks: Any

    if TYPE_CHECKING:

        def _final_var_names(self, final_vars: Any) -> list[str]: ...

        def validate_execution(
            self,
            final_vars: Sequence[Any],
            overrides: Mapping[str, Any] | None = None,
            inputs: Mapping[str, Any] | None = None,
        ) -> None: ...

    def _finish(
        self,
        dot_source: str,
        output_file_path: str | os.PathLike[str] | None,
        render_kwargs: Mapping[str, Any] | None,
        keep_dot: bool,
    ) -> GraphView:
        from hamilton_nb.visualization.render import GraphView

        view = GraphView(dot_source)
        if output_file_path is not None:
            save_view(view, output_file_path, render_kwargs, keep_dot)
        elif render_kwargs:
            raise errors.VisualizationError(
                "render_kwargs only apply when saving: pass output_file_path='dag.svg' too."
            )
        return view

    def _draw(self, graph: FunctionGraph, nodes: Iterable[str] | None, **kwargs: Any) -> str:
        from hamilton_nb.visualization.dot import build_dot

        return build_dot(graph, nodes, **kwargs)

    def display_all_functions(
        self,
        output_file_path: str | None = None,
        render_kwargs: dict[str, Any] | None = None,
        graphviz_kwargs: dict[str, Any] | None = None,
        show_legend: bool = True,
        orient: str = "LR",
        hide_inputs: bool = False,
        deduplicate_inputs: bool = False,
        show_schema: bool = True,
        custom_style_function: Callable[..., Any] | None = None,
        keep_dot: bool = False,
        *,
        collapse_threshold: int | None = DEFAULT_THRESHOLD,
        expand: Iterable[str] = (),
    ) -> GraphView:
        """The whole DAG: functions, inputs, config values.

        ``output_file_path`` also saves it (format from ``render_kwargs={"format": ...}`` or
        the suffix). ``deduplicate_inputs`` draws each input once, shared by its consumers,
        instead of a table per consumer. ``custom_style_function(*, node, node_class)``
        returns ``(style_dict, node_class, legend_name)``.
        """
        options = _options(
            graphviz_kwargs, show_legend, orient, hide_inputs, deduplicate_inputs,
            show_schema, custom_style_function, collapse_threshold, expand,
        )  # fmt: skip
        dot = self._draw(self.graph, None, **options)
        return self._finish(dot, output_file_path, render_kwargs, keep_dot)

    def _execution_dot(
        self,
        graph: FunctionGraph,
        names: list[str],
        inputs: Mapping[str, Any],
        overrides: Mapping[str, Any],
        options: dict[str, Any],
    ) -> str:
        from hamilton_nb.node import NodeType
        from hamilton_nb.visualization import overlay

        config_values = {k for k in graph.config if k in graph.nodes}
        given = set(inputs) | set(overrides)
        needed = overlay.planned_nodes(graph, names, given | config_values)
        overridden = {
            name for name in given & needed
            if graph.nodes[name].node_role is not NodeType.EXTERNAL
        }  # fmt: skip
        return self._draw(graph, needed, outputs=names, overrides=overridden, **options)

    def visualize_execution(
        self,
        final_vars: Sequence[Any],
        output_file_path: str | None = None,
        render_kwargs: dict[str, Any] | None = None,
        inputs: dict[str, Any] | None = None,
        graphviz_kwargs: dict[str, Any] | None = None,
        overrides: dict[str, Any] | None = None,
        show_legend: bool = True,
        orient: str = "LR",
        hide_inputs: bool = False,
        deduplicate_inputs: bool = False,
        show_schema: bool = True,
        custom_style_function: Callable[..., Any] | None = None,
        bypass_validation: bool = False,
        keep_dot: bool = False,
        *,
        collapse_threshold: int | None = DEFAULT_THRESHOLD,
        expand: Iterable[str] = (),
    ) -> GraphView:
        """The nodes ``execute(final_vars, inputs=..., overrides=...)`` would run, with the
        requested outputs and the overridden nodes marked.

        Raises what ``execute`` would raise for missing inputs or unknown outputs, unless
        ``bypass_validation=True`` (missing inputs are then drawn as inputs).
        """
        names = self._final_var_names(final_vars)
        inputs, overrides = dict(inputs or {}), dict(overrides or {})
        if not bypass_validation:
            self.validate_execution(names, overrides=overrides, inputs=inputs)
        options = _options(
            graphviz_kwargs, show_legend, orient, hide_inputs, deduplicate_inputs,
            show_schema, custom_style_function, collapse_threshold, expand,
        )  # fmt: skip
        dot = self._execution_dot(self.graph, names, inputs, overrides, options)
        return self._finish(dot, output_file_path, render_kwargs, keep_dot)

    def _neighbourhood(
        self,
        names: Collection[str],
        method: str,
        output_file_path: str | None,
        render_kwargs: dict[str, Any] | None,
        keep_dot: bool,
        options: dict[str, Any],
    ) -> GraphView:
        if not names:
            raise errors.VisualizationError(
                f"{method}() needs at least one node name, e.g. dr.{method}('revenue')."
            )
        if method == "display_upstream_of":
            shown = self.graph.upstream_of(names)
        else:
            shown = self.graph.downstream_of(names)
        dot = self._draw(self.graph, shown, **options)
        return self._finish(dot, output_file_path, render_kwargs, keep_dot)

    def display_upstream_of(
        self,
        *node_names: str,
        output_file_path: str | None = None,
        render_kwargs: dict[str, Any] | None = None,
        graphviz_kwargs: dict[str, Any] | None = None,
        show_legend: bool = True,
        orient: str = "LR",
        hide_inputs: bool = False,
        deduplicate_inputs: bool = False,
        show_schema: bool = True,
        custom_style_function: Callable[..., Any] | None = None,
        keep_dot: bool = False,
        collapse_threshold: int | None = DEFAULT_THRESHOLD,
        expand: Iterable[str] = (),
    ) -> GraphView:
        """The given nodes and everything they depend on (inputs included)."""
        options = _options(
            graphviz_kwargs, show_legend, orient, hide_inputs, deduplicate_inputs,
            show_schema, custom_style_function, collapse_threshold, expand,
        )  # fmt: skip
        return self._neighbourhood(
            node_names, "display_upstream_of", output_file_path, render_kwargs, keep_dot, options
        )

    def display_downstream_of(
        self,
        *node_names: str,
        output_file_path: str | None = None,
        render_kwargs: dict[str, Any] | None = None,
        graphviz_kwargs: dict[str, Any] | None = None,
        show_legend: bool = True,
        orient: str = "LR",
        hide_inputs: bool = False,
        deduplicate_inputs: bool = False,
        show_schema: bool = True,
        custom_style_function: Callable[..., Any] | None = None,
        keep_dot: bool = False,
        collapse_threshold: int | None = DEFAULT_THRESHOLD,
        expand: Iterable[str] = (),
    ) -> GraphView:
        """The given nodes and everything that depends on them."""
        options = _options(
            graphviz_kwargs, show_legend, orient, hide_inputs, deduplicate_inputs,
            show_schema, custom_style_function, collapse_threshold, expand,
        )  # fmt: skip
        return self._neighbourhood(
            node_names, "display_downstream_of", output_file_path, render_kwargs, keep_dot,
            options,
        )  # fmt: skip

    def visualize_path_between(
        self,
        upstream_node_name: str,
        downstream_node_name: str,
        output_file_path: str | None = None,
        render_kwargs: dict[str, Any] | None = None,
        graphviz_kwargs: dict[str, Any] | None = None,
        strict_path_visualization: bool = False,
        show_legend: bool = True,
        orient: str = "LR",
        hide_inputs: bool = False,
        deduplicate_inputs: bool = False,
        show_schema: bool = True,
        custom_style_function: Callable[..., Any] | None = None,
        keep_dot: bool = False,
        *,
        collapse_threshold: int | None = DEFAULT_THRESHOLD,
        expand: Iterable[str] = (),
    ) -> GraphView:
        """The paths from one node to another, highlighted; with
        ``strict_path_visualization=False`` the direct dependencies of path nodes are shown
        too. Raises ``VisualizationError`` when no path connects them."""
        path = self.graph.path_between(upstream_node_name, downstream_node_name)
        if not path:
            raise errors.VisualizationError(
                f"no path from {upstream_node_name!r} to {downstream_node_name!r}: "
                f"{downstream_node_name!r} does not depend on {upstream_node_name!r}. "
                f"dr.display_downstream_of({upstream_node_name!r}) shows what does."
            )
        shown = set(path)
        if not strict_path_visualization:
            for name in path:
                shown.update(self.graph.nodes[name].input_types)
        options = _options(
            graphviz_kwargs, show_legend, orient, hide_inputs, deduplicate_inputs,
            show_schema, custom_style_function, collapse_threshold, expand,
        )  # fmt: skip
        dot = self._draw(self.graph, shown, highlight=path, **options)
        return self._finish(dot, output_file_path, render_kwargs, keep_dot)

    def visualize_materialization(
        self,
        *materializers: Any,
        output_file_path: str | None = None,
        render_kwargs: dict[str, Any] | None = None,
        additional_vars: Sequence[Any] | None = None,
        inputs: dict[str, Any] | None = None,
        graphviz_kwargs: dict[str, Any] | None = None,
        overrides: dict[str, Any] | None = None,
        show_legend: bool = True,
        orient: str = "LR",
        hide_inputs: bool = False,
        deduplicate_inputs: bool = False,
        show_schema: bool = True,
        custom_style_function: Callable[..., Any] | None = None,
        bypass_validation: bool = False,
        keep_dot: bool = False,
        collapse_threshold: int | None = DEFAULT_THRESHOLD,
        expand: Iterable[str] = (),
    ) -> GraphView:
        """What ``materialize(*materializers, additional_vars=...)`` would run: the DAG with
        the loader and saver nodes, savers and additional vars marked as outputs (without
        materializers, those given to ``Builder.with_materializers``)."""
        from hamilton_nb.io import materialization

        if materializers:
            graph = materialization.extend_graph(self.graph, materializers, self.hooks.edge_check)
            chosen: Sequence[Any] = materializers
        else:
            graph, chosen = self.graph, self.materializers
        savers = [m.id for m in chosen if isinstance(m, materialization.MaterializerFactory)]
        extra = self._final_var_names(additional_vars) if additional_vars else []
        names = list(dict.fromkeys([*extra, *savers]))
        if not names:
            raise errors.VisualizationError(
                "visualize_materialization() has nothing to show: pass to.<kind>(...) "
                "materializers (or give them to Builder().with_materializers(...)), or "
                "additional_vars=[...]."
            )
        if not bypass_validation:
            materialization.validate_materialization(
                self, *materializers, additional_vars=additional_vars, inputs=inputs,
                overrides=overrides,
            )  # fmt: skip
        options = _options(
            graphviz_kwargs, show_legend, orient, hide_inputs, deduplicate_inputs,
            show_schema, custom_style_function, collapse_threshold, expand,
        )  # fmt: skip
        dot = self._execution_dot(graph, names, dict(inputs or {}), dict(overrides or {}), options)
        return self._finish(dot, output_file_path, render_kwargs, keep_dot)

    def visualize_last_run(
        self,
        output_file_path: str | None = None,
        render_kwargs: dict[str, Any] | None = None,
        graphviz_kwargs: dict[str, Any] | None = None,
        show_legend: bool = True,
        orient: str = "LR",
        hide_inputs: bool = False,
        deduplicate_inputs: bool = False,
        show_schema: bool = True,
        custom_style_function: Callable[..., Any] | None = None,
        keep_dot: bool = False,
        *,
        show_not_needed: bool = True,
        collapse_threshold: int | None = DEFAULT_THRESHOLD,
        expand: Iterable[str] = (),
    ) -> GraphView:
        """The DAG coloured by the last execution (``dr.last_run``): each node computed,
        reused, overridden, input, failed or not run (nodes the run did not need are faded;
        ``show_not_needed=False`` leaves them out), its time when ``dr.record_timings`` was
        True, and after a failure the failed node and the path to it in red.

        Raises ``VisualizationError`` before the first execution.
        """
        from hamilton_nb.visualization import overlay

        if self.last_run is None:
            raise errors.VisualizationError(
                "nothing has run yet: call dr.execute([...]) (set dr.record_timings = True "
                "to see durations), then dr.visualize_last_run()."
            )
        options = _options(
            graphviz_kwargs, show_legend, orient, hide_inputs, deduplicate_inputs,
            show_schema, custom_style_function, collapse_threshold, expand,
        )  # fmt: skip
        dot = overlay.execution_dot(
            self.graph, self.last_run, show_not_needed=show_not_needed, **options
        )
        return self._finish(dot, output_file_path, render_kwargs, keep_dot)

    def _display_execution(
        self,
        final_vars: Sequence[Any],
        inputs: Mapping[str, Any] | None,
        overrides: Mapping[str, Any] | None,
    ) -> None:
        """``execute(..., display_graph=True)``: show what is about to run, inline in IPython;
        elsewhere log how to get the picture (Hamilton opened a desktop viewer)."""
        shell = _in_ipython()
        if shell is None:
            import logging

            logging.getLogger(__name__).warning(
                "display_graph=True shows the DAG only in IPython/Jupyter; save it with "
                "dr.visualize_execution(final_vars, 'execution.svg', inputs=..., overrides=...)."
            )
            return
        from IPython.display import display

        display(
            self.visualize_execution(
                final_vars, inputs=dict(inputs or {}), overrides=dict(overrides or {}),
                bypass_validation=True,
            )
        )  # fmt: skip
