"""The DAG explorer: what an interactive view of a driver's dataflow shows, as plain data.

Responsibilities:
- ``explore``: the entry point (``hamilton_nb.extension.explore`` and the magic's
  ``--explore``); checks that anywidget is installed and builds an ``ExplorerWidget``.
- Per-node facts for the widget's model: a summary of every node (kind, type, module, tags,
  dependencies), the details of one node (signature, docstring, tags, source, origin) and an
  HTML preview of a value (a DataFrame's head, otherwise a truncated repr).
- Search (``match_nodes``) and upstream/downstream closures (``related``).

Everything here works on plain dicts and lists, so it is testable without a browser or
anywidget; ``explorer_shapes`` maps nodes to the shapes of the SVG and ``explorer_widget``
holds the widget itself.
"""

from __future__ import annotations

import html
import inspect
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hamilton_nb import errors

if TYPE_CHECKING:
    from hamilton_nb.driver import Driver
    from hamilton_nb.extension.explorer_widget import ExplorerWidget

NOT_AVAILABLE = "not available"
PREVIEW_ROWS = 10
PREVIEW_COLUMNS = 20
PREVIEW_CHARS = 2000
VIEW_MODES = ("all", "upstream", "downstream")
INSTALL_COMMAND = 'pip install "hamilton-nb[notebook]"'


def explore(
    dr: Driver,
    *,
    final_vars: Sequence[str] | None = None,
    inputs: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
    results: Mapping[str, Any] | None = None,
) -> ExplorerWidget:
    """An interactive view of ``dr``'s DAG for JupyterLab 4 and Notebook 7.

    Click a node for its signature, docstring, tags, source and origin; hover to highlight
    what it depends on and what depends on it; search by name or tag; run a node (with
    ``inputs`` and ``overrides``) to preview its value and timing. ``final_vars`` limits the
    view to those outputs and what they need (and is what "run outputs" computes);
    ``results`` are values already computed (``{node name: value}``), shown as previews.

    Raises ``MissingDependencyError`` without anywidget, ``VisualizationError`` when ``dr``
    is not a driver or an argument is not a dict, ``UnknownNodeError`` for an unknown name in
    ``final_vars``.
    """
    _check_arguments(dr, inputs=inputs, overrides=overrides, results=results)
    try:
        from hamilton_nb.extension.explorer_widget import ExplorerWidget
    except ImportError as exc:
        raise errors.MissingDependencyError(
            f"explore() shows an interactive widget, which needs anywidget ({exc}): "
            f"run `{INSTALL_COMMAND}` (or `pip install anywidget`) and restart the kernel."
        ) from exc
    return ExplorerWidget(
        dr, final_vars=final_vars, inputs=inputs, overrides=overrides, results=results
    )


def _check_arguments(dr: Any, **mappings: Any) -> None:
    from hamilton_nb.driver import Driver

    if not isinstance(dr, Driver):
        raise errors.VisualizationError(
            f"explore() takes a hamilton_nb Driver, got {type(dr).__name__} {dr!r:.60}; build "
            "one with driver.Builder().with_modules(my_module).build()."
        )
    for name, value in mappings.items():
        if value is not None and not isinstance(value, Mapping):
            raise errors.VisualizationError(
                f"explore({name}=...) takes a dict of node name -> value, got "
                f"{type(value).__name__}; e.g. explore(dr, {name}={{'x': 1}})."
            )


# -- nodes --------------------------------------------------------------------------------


def summarize_nodes(dr: Driver) -> dict[str, dict[str, Any]]:
    """``{name: summary}`` for every node of ``dr``, in topological order.

    A summary holds ``kind`` (as drawn in the DAG), ``type``, ``module``, ``namespace``,
    ``tags`` (values as text), ``dependencies``, ``dependents`` and ``external``.
    """
    from hamilton_nb import htypes
    from hamilton_nb.visualization import styles

    graph = dr.graph
    summaries: dict[str, dict[str, Any]] = {}
    for name in graph.order:
        node = graph.nodes[name]
        summaries[name] = {
            "kind": styles.node_kind(node, graph.config),
            "type": htypes.type_name(node.type),
            "module": str(node.tags.get("module", "")),
            "namespace": ".".join(node.namespace),
            "tags": {str(k): _tag_text(v) for k, v in node.tags.items()},
            "dependencies": list(node.input_types),
            "dependents": list(graph.dependents[name]),
            "external": node.is_external_input,
        }
    return summaries


def _tag_text(value: Any) -> str | list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return str(value)


def node_details(dr: Driver, name: str) -> dict[str, Any]:
    """What the explorer's panel shows for node ``name`` (all values JSON-ready).

    Keys: ``name``, ``kind``, ``type``, ``signature``, ``doc``, ``tags``, ``module``,
    ``function`` (the originating function's qualified name), ``location`` (``file:line``),
    ``source`` (``"not available: ..."`` when there is none), ``dependencies``,
    ``optional_dependencies``, ``dependents``. Raises ``UnknownNodeError``.
    """
    from hamilton_nb import htypes
    from hamilton_nb.node import DependencyType
    from hamilton_nb.visualization import styles

    graph = dr.graph
    graph.require([name])
    node = graph.nodes[name]
    function = node.originating_functions[0] if node.originating_functions else None
    required = [d for d, (_, kind) in node.input_types.items() if kind is DependencyType.REQUIRED]
    optional = [d for d, (_, kind) in node.input_types.items() if kind is DependencyType.OPTIONAL]
    return {
        "name": name,
        "kind": styles.node_kind(node, graph.config),
        "type": htypes.type_name(node.type),
        "signature": node_signature(node, function),
        "doc": node.documentation,
        "tags": {str(k): _tag_text(v) for k, v in node.tags.items()},
        "module": _module_of(node, function),
        "function": _qualified_name(function),
        "location": _location(function),
        "source": _source(node, function),
        "dependencies": required,
        "optional_dependencies": optional,
        "dependents": list(graph.dependents[name]),
    }


def node_signature(node: Any, function: Any = None) -> str:
    """``name(a: int, b: float = 1.0) -> float`` for a function node, ``name: T`` for an input.

    Parameter types are the node's; defaults come from ``function`` when it has the parameter.
    """
    from hamilton_nb import htypes
    from hamilton_nb.node import DependencyType

    if node.is_external_input:
        return f"{node.name}: {htypes.type_name(node.type)}"
    defaults = _defaults(function)
    parameters = []
    for param, (param_type, kind) in node.input_types.items():
        text = f"{param}: {htypes.type_name(param_type)}"
        if kind is DependencyType.OPTIONAL:
            text += " = " + (_short_repr(defaults[param], 40) if param in defaults else "...")
        parameters.append(text)
    return f"{node.name}({', '.join(parameters)}) -> {htypes.type_name(node.type)}"


def _defaults(function: Any) -> dict[str, Any]:
    if function is None:
        return {}
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return {}
    return {p.name: p.default for p in parameters if p.default is not p.empty}


def _module_of(node: Any, function: Any) -> str:
    module = getattr(function, "__module__", None) or node.tags.get("module")
    return str(module) if module else ""


def _qualified_name(function: Any) -> str:
    if function is None:
        return ""
    module = getattr(function, "__module__", None)
    qualname = getattr(function, "__qualname__", None) or getattr(function, "__name__", "")
    return f"{module}.{qualname}" if module else str(qualname)


def _location(function: Any) -> str:
    code = getattr(inspect.unwrap(function), "__code__", None) if function is not None else None
    return f"{code.co_filename}:{code.co_firstlineno}" if code is not None else ""


def _source(node: Any, function: Any) -> str:
    if node.is_external_input:
        return f"{NOT_AVAILABLE}: an input, given to execute() (inputs=) or in the config"
    if function is None:
        return f"{NOT_AVAILABLE}: the node was generated, not written as a function"
    try:
        return inspect.getsource(function)
    except (OSError, TypeError) as exc:
        return f"{NOT_AVAILABLE}: {exc}"


# -- values -------------------------------------------------------------------------------


def preview_html(value: Any, *, rows: int = PREVIEW_ROWS, max_chars: int = PREVIEW_CHARS) -> str:
    """HTML showing ``value``: a line with its type (and shape or length), then the first
    ``rows`` rows of a DataFrame/Series as a table, else its repr cut to ``max_chars``.

    Never raises: a value whose preview fails is described by the error.
    """
    try:
        header = f'<div class="hnb-value-type">{html.escape(describe_value(value))}</div>'
        return (
            header + _table_html(value, rows)
            if _is_table(value)
            else header
            + (f'<pre class="hnb-value-repr">{html.escape(_short_repr(value, max_chars))}</pre>')
        )
    except Exception as exc:  # a broken __repr__ or to_html must not break the panel
        return (
            f'<div class="hnb-value-type">{html.escape(type(value).__name__)}</div>'
            f"<pre>preview not available: {html.escape(type(exc).__name__)}: "
            f"{html.escape(str(exc)[:300])}</pre>"
        )


def describe_value(value: Any) -> str:
    """``DataFrame: 100 rows x 3 columns``, ``list: 12 items``, or just the type name."""
    kind = type(value).__name__
    shape = getattr(value, "shape", None)
    if isinstance(shape, tuple) and all(isinstance(n, int) for n in shape):
        if len(shape) == 2:
            return f"{kind}: {shape[0]} rows x {shape[1]} columns"
        if len(shape) == 1:
            return f"{kind}: {shape[0]} rows" if _is_table(value) else f"{kind}: shape {shape}"
        return f"{kind}: shape {shape}"
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        return f"{kind}: {len(value)} items"
    if isinstance(value, str) and len(value) > 80:
        return f"{kind}: {len(value)} characters"
    return kind


def _is_table(value: Any) -> bool:
    """pandas/polars DataFrames and Series (and look-alikes with ``head`` and HTML output)."""
    return callable(getattr(value, "head", None)) and (
        callable(getattr(value, "to_html", None))
        or callable(getattr(value, "to_frame", None))
        or callable(getattr(value, "_repr_html_", None))
    )


def _table_html(value: Any, rows: int) -> str:
    head = value.head(rows)
    if not callable(getattr(head, "to_html", None)) and callable(getattr(head, "to_frame", None)):
        column = getattr(head, "name", None)
        head = head.to_frame(name="value" if column is None else column)  # Series -> table
    if callable(getattr(head, "to_html", None)):
        return str(head.to_html(max_cols=PREVIEW_COLUMNS, border=0))
    if callable(getattr(head, "_repr_html_", None)):
        return str(head._repr_html_())
    return f"<pre>{html.escape(_short_repr(head, PREVIEW_CHARS))}</pre>"


def _short_repr(value: Any, limit: int) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_seconds(seconds: float) -> str:
    """``850 µs``, ``12.3 ms``, ``4.56 s``."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


# -- search and closures ------------------------------------------------------------------


def match_nodes(summaries: Mapping[str, Mapping[str, Any]], query: str) -> list[str]:
    """Nodes whose name, kind, module or tags (``key=value``) contain every word of ``query``
    (case-insensitive); every node when the query is blank."""
    words = query.lower().split()
    if not words:
        return list(summaries)
    return [name for name, summary in summaries.items() if _matches(name, summary, words)]


def _matches(name: str, summary: Mapping[str, Any], words: list[str]) -> bool:
    texts = [name, summary.get("kind", ""), summary.get("module", "")]
    for key, value in summary.get("tags", {}).items():
        values = value if isinstance(value, list) else [value]
        texts.extend(f"{key}={v}" for v in values)
    haystack = "\n".join(texts).lower()
    return all(word in haystack for word in words)


def related(summaries: Mapping[str, Mapping[str, Any]], name: str, direction: str) -> list[str]:
    """``name`` and everything upstream (``direction="upstream"``) or downstream of it, in
    the summaries' order."""
    key = "dependencies" if direction == "upstream" else "dependents"
    seen = {name}
    stack = [name]
    while stack:
        for other in summaries[stack.pop()][key]:
            if other not in seen:
                seen.add(other)
                stack.append(other)
    return [n for n in summaries if n in seen]
