"""The DOT text of a dataflow's DAG.

Responsibilities:
- ``quote``/``attributes``: DOT syntax for IDs and attribute lists.
- ``build_parts``/``build_dot``: a ``FunctionGraph`` (optionally a subset of its nodes,
  requested outputs, overrides, a highlighted path, execution statuses) -> DOT text. Nodes
  are drawn by kind (``styles``) with the texts of ``labels``; optional dependencies are dashed;
  ``Parallelizable``/``Collect`` edges end in a crow's foot; namespaced nodes sit in nested
  clusters; inputs are tables next to their consumer (one node each with
  ``deduplicate_inputs``); a legend lists what is present; large graphs are folded
  (``collapse``). ``build_parts`` keeps the graph-wide settings apart from the body
  statements (``DotParts``), so a ``graphviz.Digraph`` can be made from them.

Every drawn node has ``id`` (the node's name; ``inputs:<consumer>``, ``group:<key>`` and
``legend:<entry>`` for the others) and ``class`` (kind, markers, ``status-<status>``), which
Graphviz copies into the SVG. The text is deterministic (topological order) and needs no
Graphviz to build.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any

from hamilton_nb import htypes
from hamilton_nb.graph import FunctionGraph
from hamilton_nb.node import DependencyType, Node, NodeType
from hamilton_nb.visualization import collapse as collapse_
from hamilton_nb.visualization import labels, styles

_WHITE = {"fillcolor": "#ffffff"}
_LEGEND_NODE = {"fontsize": "9", "height": "0.3", "margin": "0.08,0.04"}


def quote(text: str) -> str:
    """``text`` as a double-quoted DOT ID: backslashes and quotes escaped, no raw newlines."""
    cleaned = "".join(c if c >= " " or c == "\n" else " " for c in str(text))
    escaped = cleaned.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def attributes(attrs: Mapping[str, str], label: str | None = None) -> str:
    """``[key="value" ... label=<...>]``; ``label`` is HTML-like and already escaped."""
    parts = [f"{key}={quote(value)}" for key, value in attrs.items()]
    if label is not None:
        parts.append(f"label=<{label}>")
    return "[" + " ".join(parts) + "]"


@dataclasses.dataclass(frozen=True)
class DotParts:
    """A drawn DAG before it is joined into text: graph-wide settings and body statements.

    ``body`` holds one line per statement (tab-indented, no newline), in output order;
    ``visualization.digraph`` turns the parts into a ``graphviz.Digraph``.
    """

    settings: styles.GraphSettings
    body: tuple[str, ...]

    def text(self) -> str:
        """The DOT text: comment, ``digraph`` header, default attributes, body, ``}``."""
        settings = self.settings
        comment = settings.comment.replace("\n", " ")
        strict = "strict " if settings.strict else ""
        lines = [f"// {comment}", f"{strict}digraph {quote(settings.name)} {{"]
        lines.append(f"\tgraph {attributes(settings.graph)}")
        lines.append(f"\tnode {attributes(settings.node)}")
        lines.append(f"\tedge {attributes(settings.edge)}")
        lines.extend(self.body)
        lines.append("}")
        return "\n".join(lines) + "\n"


def build_dot(graph: FunctionGraph, nodes: Iterable[str] | None = None, **options: Any) -> str:
    """DOT text drawing ``nodes`` of ``graph``; the options are those of ``build_parts``."""
    return build_parts(graph, nodes, **options).text()


def build_parts(
    graph: FunctionGraph,
    nodes: Iterable[str] | None = None,
    *,
    outputs: Collection[str] = (),
    overrides: Collection[str] = (),
    highlight: Collection[str] = (),
    highlight_label: str = "path",
    statuses: Mapping[str, str] | None = None,
    durations: Mapping[str, float] | None = None,
    notes: Mapping[str, str] | None = None,
    show_legend: bool = True,
    orient: str = "LR",
    hide_inputs: bool = False,
    deduplicate_inputs: bool = False,
    show_schema: bool = True,
    custom_style_function: styles.StyleFunction | None = None,
    graphviz_kwargs: Mapping[str, Any] | None = None,
    collapse_threshold: int | None = collapse_.DEFAULT_THRESHOLD,
    expand: Iterable[str] = (),
) -> DotParts:
    """The parts of the DOT text drawing ``nodes`` of ``graph`` (every node when None).

    ``outputs`` and ``overrides`` are marked; ``highlight`` nodes and the edges between them
    are red, listed in the legend as ``highlight_label``. With ``statuses`` (node -> execution
    status) the picture is an execution overlay: fills show statuses and drawn nodes without
    one are "not needed". ``durations`` (seconds) and ``notes`` add lines to nodes.
    ``custom_style_function(node=HamiltonNode, node_class=str)`` returns ``(style_dict,
    node_class, legend_name)`` as in Hamilton. Beyond ``collapse_threshold`` nodes,
    namespaces then modules are folded (``expand`` keeps named ones open).

    Raises ``VisualizationError`` for bad options, ``UnknownNodeError`` for unknown nodes.
    """
    styles.check_style_function(custom_style_function)
    settings = styles.graphviz_settings(graphviz_kwargs, orient)
    selected = graph.order if nodes is None else graph.sorted(set(graph.require(nodes)))
    view = _View(
        outputs=set(outputs), overrides=set(overrides), highlight=set(highlight),
        statuses=statuses, durations=durations or {}, notes=notes or {},
        hide_inputs=hide_inputs, deduplicate_inputs=deduplicate_inputs,
        show_schema=show_schema, style_function=custom_style_function,
    )  # fmt: skip
    builder = _DotBuilder(graph, list(selected), view)
    folded = collapse_.plan_collapse(
        graph, builder.visible, builder.kinds, collapse_threshold, expand
    )
    if folded.fast_layout:
        for key, value in collapse_.FAST_LAYOUT.items():
            settings.graph.setdefault(key, value)
    builder.draw(folded)
    return DotParts(settings, tuple(builder.body(show_legend, highlight_label)))


@dataclasses.dataclass(frozen=True)
class _View:
    """What to show and how, beyond the nodes themselves."""

    outputs: set[str]
    overrides: set[str]
    highlight: set[str]
    statuses: Mapping[str, str] | None
    durations: Mapping[str, float]
    notes: Mapping[str, str]
    hide_inputs: bool
    deduplicate_inputs: bool
    show_schema: bool
    style_function: styles.StyleFunction | None

    def status(self, name: str) -> str | None:
        if self.statuses is None:
            return None
        return self.statuses.get(name, styles.NOT_NEEDED)


@dataclasses.dataclass
class _Drawn:
    """One node statement."""

    dot_name: str
    classes: list[str]
    style: dict[str, str]
    label: str
    cluster: tuple[str, ...] = ()


@dataclasses.dataclass
class _Edge:
    """One drawn edge, standing for ``count`` dependencies."""

    count: int = 0
    optional: bool = True  # every dependency it stands for is optional
    collect: bool = False
    expand: bool = False
    path: bool = False


class _DotBuilder:
    """Collects node statements, edges and legend entries for one picture."""

    def __init__(self, graph: FunctionGraph, visible: list[str], view: _View) -> None:
        self.graph = graph
        self.visible = visible
        self.view = view
        self.kinds = {n: styles.node_kind(graph.nodes[n], graph.config) for n in visible}
        self.drawn: list[_Drawn] = []
        self.edges: dict[tuple[str, str], _Edge] = {}
        self.legend: dict[str, dict[str, str]] = {}
        self.custom_legend: dict[tuple[str, str], dict[str, str]] = {}
        self.dot_name: dict[str, str] = {}  # visible non-input node -> the drawn node holding it

    def draw(self, folded: collapse_.Collapse) -> None:
        for name in self.visible:
            key = folded.group_of.get(name)
            if key is not None:
                self.dot_name[name] = folded.groups[key].dot_name
            elif self.kinds[name] != styles.INPUT:
                self.dot_name[name] = name
                self._draw_node(self.graph.nodes[name], self.kinds[name])
        for group in folded.groups.values():
            self._draw_group(group)
        self._collect_edges()
        if not self.view.hide_inputs:
            self._draw_inputs()

    # -- nodes ------------------------------------------------------------------------------

    def _see(self, entry: str, *layers: Mapping[str, str]) -> None:
        """Note a legend entry, drawn with a plain function's style under ``layers``."""
        self.legend[entry] = styles.merged(styles.KIND_STYLES[styles.FUNCTION], *layers)

    def _draw_node(self, node: Node, kind: str) -> None:
        style = dict(styles.KIND_STYLES[kind])
        listed_kind = True
        if self.view.style_function is not None:
            base = styles.style_class(kind)
            custom, legend_base, legend_name = styles.custom_style(
                self.view.style_function, node, base
            )
            style.update(custom)
            if legend_name:
                self.custom_legend[(legend_base, legend_name)] = custom
                listed_kind = kind != base  # the custom entry stands for the plain kind
        if listed_kind:
            self.legend[kind] = styles.KIND_STYLES[kind]
        classes = [kind]
        style = self._decorate(node.name, kind, style, classes)
        extra = labels.extra_lines(
            self.view.durations.get(node.name), self.view.notes.get(node.name)
        )
        label = labels.node_label(node, kind, self.graph.config, self.view.show_schema, extra)
        self.drawn.append(_Drawn(node.name, classes, style, label, node.namespace))

    def _decorate(
        self, name: str, kind: str, style: dict[str, str], classes: list[str]
    ) -> dict[str, str]:
        """Markers (output, override) or the execution status, then the path, over ``style``."""
        view = self.view
        status = view.status(name)
        layers: list[Mapping[str, str]] = [style]
        if status is None:
            for marker, members in (
                (styles.OUTPUT, view.outputs),
                (styles.OVERRIDE, view.overrides),
            ):
                if name in members:
                    layers.append(styles.MARKER_STYLES[marker])
                    classes.append(marker)
                    self._see(marker, styles.MARKER_STYLES[marker])
        else:
            classes.append(f"status-{status}")
            if not (status == "input" and kind in (styles.INPUT, styles.CONFIG)):
                layers.append(styles.STATUS_STYLES[status])
                self._see(status, styles.STATUS_STYLES[status])
            if name in view.outputs:
                layers.append(styles.OVERLAY_OUTPUT_STYLE)
                classes.append(styles.OUTPUT)
                self._see(styles.OUTPUT, _WHITE, styles.OVERLAY_OUTPUT_STYLE)
        if name in view.highlight:
            layers.append(styles.MARKER_STYLES[styles.PATH])
            classes.append(styles.PATH)
            self._see(styles.PATH, _WHITE, styles.MARKER_STYLES[styles.PATH])
        return styles.merged(*layers)

    def _draw_group(self, group: collapse_.Group) -> None:
        view = self.view
        kind_counts: dict[str, int] = {}
        for member in group.members:
            kind_counts[self.kinds[member]] = kind_counts.get(self.kinds[member], 0) + 1
        classes = [styles.GROUP, group.kind]
        layers: list[Mapping[str, str]] = [styles.KIND_STYLES[styles.GROUP]]
        self.legend[styles.GROUP] = styles.KIND_STYLES[styles.GROUP]
        status_counts: dict[str, int] | None = None
        seconds = 0.0
        if view.statuses is not None:
            status_counts = {}
            for member in group.members:
                status = view.status(member) or styles.NOT_NEEDED
                status_counts[status] = status_counts.get(status, 0) + 1
            status = styles.status_of_group(status_counts)
            classes.append(f"status-{status}")
            layers.append(styles.STATUS_STYLES[status])
            self._see(status, styles.STATUS_STYLES[status])
            seconds = sum(view.durations.get(m, 0.0) for m in group.members)
        elif any(m in view.outputs for m in group.members):
            layers.append(styles.MARKER_STYLES[styles.OUTPUT])
            classes.append(styles.OUTPUT)
            self._see(styles.OUTPUT, styles.MARKER_STYLES[styles.OUTPUT])
        if any(m in view.highlight for m in group.members):
            layers.append(styles.MARKER_STYLES[styles.PATH])
            classes.append(styles.PATH)
            self._see(styles.PATH, _WHITE, styles.MARKER_STYLES[styles.PATH])
        label = labels.group_label(
            group.label, len(group.members), group.kind, kind_counts, status_counts, seconds
        )
        self.drawn.append(
            _Drawn(group.dot_name, classes, styles.merged(*layers), label, group.parent)
        )

    # -- edges and inputs -------------------------------------------------------------------

    def _collect_edges(self) -> None:
        highlight = self.view.highlight
        for name in self.visible:
            target = self.dot_name.get(name)
            if target is None:
                continue
            for dependency, (param_type, dependency_type) in self.graph.nodes[
                name
            ].input_types.items():
                source = self.dot_name.get(dependency)
                if source is None or source == target:
                    continue  # an input (drawn with the inputs), hidden, or inside one group
                edge = self.edges.setdefault((source, target), _Edge())
                edge.count += 1
                edge.optional &= dependency_type is DependencyType.OPTIONAL
                edge.collect |= htypes.is_collect(param_type)
                edge.expand |= self.graph.nodes[dependency].node_role is NodeType.EXPAND
                edge.path |= dependency in highlight and name in highlight

    def _draw_inputs(self) -> None:
        """Input tables per drawn consumer, or (``deduplicate_inputs``) one node per input."""
        view = self.view
        tables: dict[str, list[tuple[str, Any, bool]]] = {}  # consumer -> rows
        consumed: set[str] = set()
        hot: set[str] = set()  # drawn consumers holding a highlighted node
        for name in self.visible:
            consumer = self.dot_name.get(name)
            if consumer is None:
                continue
            if name in view.highlight:
                hot.add(consumer)
            for dependency, (param_type, dependency_type) in self.graph.nodes[
                name
            ].input_types.items():
                if self.kinds.get(dependency) != styles.INPUT:
                    continue
                consumed.add(dependency)
                optional = dependency_type is DependencyType.OPTIONAL
                if view.deduplicate_inputs:
                    edge = self.edges.setdefault((dependency, consumer), _Edge())
                    edge.count += 1
                    edge.optional &= optional
                    edge.path |= dependency in view.highlight and name in view.highlight
                    continue
                rows = tables.setdefault(consumer, [])
                if all(row[0] != dependency for row in rows):
                    if htypes.is_collect(param_type):
                        param_type = htypes.element_type(param_type)
                    rows.append((dependency, param_type, optional))
        for name in self.visible:  # single input nodes, and inputs no drawn node consumes
            if self.kinds[name] == styles.INPUT and (
                view.deduplicate_inputs or name not in consumed
            ):
                self._draw_node(self.graph.nodes[name], styles.INPUT)
        for consumer, rows in tables.items():
            self._draw_input_table(consumer, rows, consumer in hot)

    def _draw_input_table(
        self, consumer: str, rows: list[tuple[str, Any, bool]], consumer_on_path: bool
    ) -> None:
        dot_name = f"inputs:{consumer}"
        names = [row[0] for row in rows]
        classes = [styles.INPUT]
        layers: list[Mapping[str, str]] = [styles.KIND_STYLES[styles.INPUT]]
        self.legend[styles.INPUT] = styles.KIND_STYLES[styles.INPUT]
        if self.view.statuses is not None:
            provided = any(n in self.view.statuses for n in names)
            classes.append("status-input" if provided else f"status-{styles.NOT_NEEDED}")
            if not provided:
                layers.append(styles.STATUS_STYLES[styles.NOT_NEEDED])
                self._see(styles.NOT_NEEDED, styles.STATUS_STYLES[styles.NOT_NEEDED])
        on_path = consumer_on_path and any(n in self.view.highlight for n in names)
        if on_path:
            layers.append(styles.MARKER_STYLES[styles.PATH])
            classes.append(styles.PATH)
        label = labels.input_table(rows)
        self.drawn.append(_Drawn(dot_name, classes, styles.merged(*layers), label))
        self.edges[(dot_name, consumer)] = _Edge(
            count=1, optional=all(row[2] for row in rows), path=on_path
        )

    # -- text -------------------------------------------------------------------------------

    def body(self, show_legend: bool, highlight_label: str) -> list[str]:
        """The statements inside the ``digraph { }``: nodes, edges, then the legend."""
        lines = list(self._clustered_nodes())
        for (source, target), edge in self.edges.items():
            style = attributes(_edge_style(source, target, edge))
            lines.append(f"\t{quote(source)} -> {quote(target)} {style}")
        if show_legend:
            lines.extend(self._legend_lines(highlight_label))
        return lines

    def _clustered_nodes(self) -> Iterator[str]:
        """Node statements, inside nested ``subgraph "cluster:<namespace>"`` blocks."""
        by_cluster: dict[tuple[str, ...], list[_Drawn]] = {}
        for drawn in self.drawn:
            by_cluster.setdefault(drawn.cluster, []).append(drawn)
        children: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for path in by_cluster:
            for depth in range(1, len(path) + 1):
                siblings = children.setdefault(path[: depth - 1], [])
                if path[:depth] not in siblings:
                    siblings.append(path[:depth])
        stack: list[tuple[bool, tuple[str, ...]]] = [(True, ())]  # (opening?, namespace)
        while stack:
            opening, path = stack.pop()
            if not opening:
                yield "\t" * len(path) + "}"
                continue
            indent = "\t" * (len(path) + 1)
            if path:
                dotted = ".".join(path)
                yield "\t" * len(path) + f"subgraph {quote('cluster:' + dotted)} {{"
                cluster_style = {
                    "id": f"namespace:{dotted}", "class": "namespace", "label": path[-1],
                    "style": "rounded,dashed", "color": "#7a9cc6", "fontcolor": "#41618c",
                }  # fmt: skip
                yield indent + "graph " + attributes(cluster_style)
                stack.append((False, path))
            for drawn in by_cluster.get(path, []):
                attrs = {"id": drawn.dot_name, "class": " ".join(drawn.classes), **drawn.style}
                yield indent + f"{quote(drawn.dot_name)} {attributes(attrs, drawn.label)}"
            stack.extend((True, child) for child in reversed(children.get(path, [])))

    def _legend_lines(self, highlight_label: str) -> list[str]:
        overlay = self.view.statuses is not None
        entries: list[tuple[str, str, dict[str, str]]] = []  # (id, text, style)
        for entry in styles.LEGEND_ORDER:
            if entry not in self.legend or (overlay and entry == styles.FUNCTION):
                continue  # in the overlay, fills show statuses: a plain function says nothing
            style = self.legend[entry]
            if overlay and entry in styles.KIND_STYLES and entry != styles.CONFIG:
                style = {**style, **_WHITE}
            text = highlight_label if entry == styles.PATH else styles.legend_label(entry)
            entries.append((entry, text, style))
        for (base, legend_name), custom in self.custom_legend.items():
            entries.append(
                (f"custom:{legend_name}", legend_name, {**styles.KIND_STYLES[base], **custom})
            )
        if not entries:
            return []
        legend_style = {
            "id": "hnb:legend", "class": "legend", "label": "Legend", "style": "rounded",
            "color": "#bbbbbb", "fontcolor": "#555555", "rank": "same",
        }  # fmt: skip
        lines = ['\tsubgraph "cluster:legend" {', "\t\tgraph " + attributes(legend_style)]
        for entry, text, style in entries:
            attrs = {"id": f"legend:{entry}", "class": f"legend {entry}", **_LEGEND_NODE, **style}
            lines.append(f"\t\t{quote('legend:' + entry)} {attributes(attrs, labels.html(text))}")
        lines.append("\t}")
        return lines


def _edge_style(source: str, target: str, edge: _Edge) -> dict[str, str]:
    style: dict[str, str] = {"id": f"{source}->{target}"}
    classes = ["dependency"]
    grouped = source.startswith("group:") or target.startswith("group:")
    if edge.optional:
        style.update(styles.EDGE_STYLES["optional"])
        classes.append("optional")
    if edge.collect and not grouped:
        style.update(styles.EDGE_STYLES[styles.COLLECT])
        classes.append(styles.COLLECT)
    elif edge.expand and not grouped:
        style.update(styles.EDGE_STYLES[styles.EXPAND])
        classes.append(styles.EXPAND)
    if edge.count > 1:
        style["penwidth"] = f"{min(1 + edge.count / 4, 4):g}"
    if edge.path:
        style.update(styles.EDGE_STYLES[styles.PATH])
        classes.append(styles.PATH)
    style["class"] = " ".join(classes)
    return style
