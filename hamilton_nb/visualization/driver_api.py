"""The ``Driver``'s picture methods, with Hamilton's names, arguments and return values.

Responsibilities:
- ``VisualizationMixin`` (a base class of ``Driver``): ``display_all_functions``,
  ``visualize_execution``, ``display_upstream_of``, ``display_downstream_of``,
  ``visualize_path_between``, ``visualize_materialization`` and ``visualize_last_run`` (the
  execution overlay of ``dr.last_run``). Each returns a ``graphviz.Digraph`` (a
  ``digraph.DataflowDigraph``) that shows inline in notebooks (``image/svg+xml``) and
  renders with or without a system Graphviz; ``None``, after a logged warning, only when the
  graphviz package is not installed (as Hamilton does). Showing a ``Driver`` in a notebook
  shows ``display_all_functions()``.
- ``save_output_file``: Hamilton's ``output_file_path``/``render_kwargs``/``keep_dot`` rules:
  the format comes from ``render_kwargs["format"]``, else the path's suffix, else png; the
  picture is written to ``<path without suffix>.<format>``; ``keep_dot=True`` goes through
  ``Digraph.render``, which also leaves the DOT source at ``<path without suffix>``.
- ``Driver.execute(..., display_graph=True)`` shows the execution's DAG before running.

Beyond Hamilton, every method takes ``collapse_threshold`` (fold namespaces, then modules,
above this many nodes; None never folds) and ``expand`` (namespaces/modules kept open).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hamilton_nb import errors

if TYPE_CHECKING:
    from hamilton_nb.execution.record import ExecutionRecord
    from hamilton_nb.graph import FunctionGraph
    from hamilton_nb.visualization.digraph import DataflowDigraph
    from hamilton_nb.visualization.dot import DotParts

logger = logging.getLogger(__name__)

DEFAULT_FORMAT = "png"  # what Hamilton writes when neither the path nor render_kwargs say
DEFAULT_THRESHOLD = 300  # same as collapse.DEFAULT_THRESHOLD (not imported: keeps Driver light)
# graphviz_kwargs keys that Hamilton hands to graphviz.Digraph() itself; the others draw
DIGRAPH_KEYS = ("format", "engine", "filename", "directory", "encoding")
DEFAULT_FILENAME = "Digraph.gv"  # graphviz's default for an unnamed graph, as in Hamilton
GRAPHVIZ_MISSING = "DAG pictures need the graphviz package: `pip install graphviz`; returning None"


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
    """The ``build_parts`` keyword arguments every method shares; ``graphviz_kwargs`` keeps
    only its drawing keys (``_finish`` gives the others to the Digraph)."""
    if isinstance(graphviz_kwargs, Mapping):
        graphviz_kwargs = {k: v for k, v in graphviz_kwargs.items() if k not in DIGRAPH_KEYS}
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


def digraph_kwargs(graphviz_kwargs: Mapping[str, Any] | None) -> dict[str, Any]:
    """The ``graphviz.Digraph`` constructor arguments in Hamilton's ``graphviz_kwargs``
    (``format``, ``engine``, ``filename``, ``directory``, ``encoding``), with
    ``filename="Digraph.gv"`` unless a ``name`` or ``filename`` is given (graphviz then
    derives it from the name, as for Hamilton's graph)."""
    given = graphviz_kwargs if isinstance(graphviz_kwargs, Mapping) else {}
    own = {k: v for k, v in given.items() if k in DIGRAPH_KEYS}
    if "name" not in given:
        own.setdefault("filename", DEFAULT_FILENAME)
    return own


def save_output_file(
    digraph: Any,
    output_file_path: str | os.PathLike[str],
    render_kwargs: Mapping[str, Any] | None = None,
    keep_dot: bool = False,
) -> str:
    """Write ``digraph`` where Hamilton's ``output_file_path`` puts it; return the picture's path.

    ``dag.svg`` -> ``dag.svg``; ``dag`` -> ``dag.png``; ``render_kwargs={"format": "pdf"}``
    wins over the suffix (``dag.svg`` -> ``dag.pdf``). Other ``render_kwargs`` go to
    ``digraph.pipe`` (``view`` is ignored), or with ``keep_dot`` to ``digraph.render``,
    which also writes the DOT source to the path without its suffix (``dag``) and opens a
    viewer only with ``render_kwargs={"view": True}``. Missing directories are created.
    Raises what graphviz raises for an unknown format (``ValueError``) or keyword
    (``TypeError``), and ``RenderError`` when no renderer can draw it (nothing is written).
    """
    from pathlib import Path

    from hamilton_nb.files import write_atomically

    base, suffix = os.path.splitext(os.fspath(output_file_path))
    kwargs: dict[str, Any] = {"format": suffix[1:] if suffix else DEFAULT_FORMAT}
    kwargs.update(render_kwargs or {})
    if keep_dot:
        kwargs.setdefault("view", False)
        Path(base).parent.mkdir(parents=True, exist_ok=True)
        return str(digraph.render(base, **kwargs))
    kwargs.pop("view", None)
    target = f"{base}.{kwargs['format']}"
    write_atomically(target, digraph.pipe(**kwargs))
    return target


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
        parts: DotParts,
        graphviz_kwargs: Mapping[str, Any] | None,
        output_file_path: str | os.PathLike[str] | None,
        render_kwargs: Mapping[str, Any] | None,
        keep_dot: bool,
    ) -> DataflowDigraph | None:
        """The Digraph of ``parts``, saved first when ``output_file_path`` is given
        (``render_kwargs`` without it are ignored, as in Hamilton)."""
        try:
            from hamilton_nb.visualization import digraph
        except ModuleNotFoundError as exc:
            if exc.name != "graphviz":
                raise
            logger.warning(GRAPHVIZ_MISSING)
            return None
        dot = digraph.from_parts(parts, **digraph_kwargs(graphviz_kwargs))
        if output_file_path:
            save_output_file(dot, output_file_path, render_kwargs, keep_dot)
        return dot

    def _draw(self, graph: FunctionGraph, nodes: Iterable[str] | None, **kwargs: Any) -> DotParts:
        from hamilton_nb.visualization.dot import build_parts

        return build_parts(graph, nodes, **kwargs)

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None, **kwargs: Any
    ) -> dict[str, Any]:
        """A Driver shown in a notebook shows its DAG (``display_all_functions()``)."""
        dot = self.display_all_functions()
        if dot is None:
            return {"text/plain": object.__repr__(self)}
        return dot._repr_mimebundle_(include=include, exclude=exclude, **kwargs)

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
    ) -> DataflowDigraph | None:
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
        return self._finish(dot, graphviz_kwargs, output_file_path, render_kwargs, keep_dot)

    def _execution_dot(
        self,
        graph: FunctionGraph,
        names: list[str],
        inputs: Mapping[str, Any],
        overrides: Mapping[str, Any],
        options: dict[str, Any],
    ) -> DotParts:
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
    ) -> DataflowDigraph | None:
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
        return self._finish(dot, graphviz_kwargs, output_file_path, render_kwargs, keep_dot)

    def _neighbourhood(
        self,
        names: Collection[str],
        method: str,
        output_file_path: str | None,
        render_kwargs: dict[str, Any] | None,
        graphviz_kwargs: dict[str, Any] | None,
        keep_dot: bool,
        options: dict[str, Any],
    ) -> DataflowDigraph | None:
        if not names:
            raise errors.VisualizationError(
                f"{method}() needs at least one node name, e.g. dr.{method}('revenue')."
            )
        if method == "display_upstream_of":
            shown = self.graph.upstream_of(names)
        else:
            shown = self.graph.downstream_of(names)
        dot = self._draw(self.graph, shown, **options)
        return self._finish(dot, graphviz_kwargs, output_file_path, render_kwargs, keep_dot)

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
    ) -> DataflowDigraph | None:
        """The given nodes and everything they depend on (inputs included)."""
        options = _options(
            graphviz_kwargs, show_legend, orient, hide_inputs, deduplicate_inputs,
            show_schema, custom_style_function, collapse_threshold, expand,
        )  # fmt: skip
        return self._neighbourhood(
            node_names, "display_upstream_of", output_file_path, render_kwargs, graphviz_kwargs,
            keep_dot, options,
        )  # fmt: skip

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
    ) -> DataflowDigraph | None:
        """The given nodes and everything that depends on them."""
        options = _options(
            graphviz_kwargs, show_legend, orient, hide_inputs, deduplicate_inputs,
            show_schema, custom_style_function, collapse_threshold, expand,
        )  # fmt: skip
        return self._neighbourhood(
            node_names, "display_downstream_of", output_file_path, render_kwargs,
            graphviz_kwargs, keep_dot, options,
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
    ) -> DataflowDigraph | None:
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
        return self._finish(dot, graphviz_kwargs, output_file_path, render_kwargs, keep_dot)

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
    ) -> DataflowDigraph | None:
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
        return self._finish(dot, graphviz_kwargs, output_file_path, render_kwargs, keep_dot)

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
    ) -> DataflowDigraph | None:
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
        dot = overlay.execution_parts(
            self.graph, self.last_run, show_not_needed=show_not_needed, **options
        )
        return self._finish(dot, graphviz_kwargs, output_file_path, render_kwargs, keep_dot)

    def _display_execution(
        self,
        final_vars: Sequence[Any],
        inputs: Mapping[str, Any] | None,
        overrides: Mapping[str, Any] | None,
    ) -> None:
        """``execute(..., display_graph=True)``: show what is about to run, inline in IPython;
        elsewhere log how to get the picture (Hamilton writes ``test-output/execute.gv``)."""
        shell = _in_ipython()
        if shell is None:
            logger.warning(
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
