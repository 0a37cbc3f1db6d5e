"""How each kind of node, execution status and highlight looks in the DAG picture.

Responsibilities:
- ``node_kind``: classify a node (function, input, config, expand, collect, loader, saver,
  validator) from its role, tags and the graph's config keys.
- The Graphviz attributes of every kind, marker (output, override), status and highlight, and
  the order in which they appear in a legend.
- The user's styling: ``graphviz_kwargs`` merged over the defaults (``graphviz_settings``)
  and ``custom_style_function`` checked and applied as Hamilton documents it.

Kinds are told apart by shape and border; in the execution overlay the fill colour is
reserved for the status, so a node's kind stays readable under its status.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Collection, Mapping
from typing import Any

from hamilton_nb import errors
from hamilton_nb.graph_types import HamiltonNode
from hamilton_nb.node import Node, NodeType

FONT = "Helvetica"

# node kinds (also the SVG class of the node)
FUNCTION = "function"
INPUT = "input"
CONFIG = "config"
EXPAND = "expand"
COLLECT = "collect"
LOADER = "loader"
SAVER = "saver"
VALIDATOR = "validator"
GROUP = "group"  # a collapsed namespace or module
# markers layered on top of a kind
OUTPUT = "output"
OVERRIDE = "override"
PATH = "path"
# overlay status of nodes the run did not need (absent from the execution record)
NOT_NEEDED = "not_needed"

LOADER_TAG = "hamilton.data_loader"
SAVER_TAG = "hamilton.data_saver"
VALIDATOR_TAG = "hamilton.data_quality.contains_dq_results"
SCHEMA_TAG = "hamilton.internal.schema_output"
DISPLAY_NAME_TAG = "display_name"

_FUNCTION_FILL = "#cfe6f2"

KIND_STYLES: dict[str, dict[str, str]] = {
    FUNCTION: {"shape": "box", "style": "rounded,filled", "fillcolor": _FUNCTION_FILL},
    INPUT: {"shape": "box", "style": "dashed,filled", "fillcolor": "#ffffff"},
    CONFIG: {"shape": "note", "style": "filled", "fillcolor": "#fff4cc"},
    EXPAND: {
        "shape": "box",
        "style": "rounded,filled",
        "fillcolor": _FUNCTION_FILL,
        "peripheries": "2",
        "color": "#2a9d5c",
    },
    COLLECT: {
        "shape": "box",
        "style": "rounded,filled",
        "fillcolor": _FUNCTION_FILL,
        "peripheries": "2",
        "color": "#c0392b",
    },
    LOADER: {"shape": "cylinder", "style": "filled", "fillcolor": "#e4d7f5"},
    SAVER: {"shape": "cylinder", "style": "filled", "fillcolor": "#f7d9e6"},
    VALIDATOR: {"shape": "hexagon", "style": "filled", "fillcolor": "#e3f2cf"},
    GROUP: {"shape": "box3d", "style": "filled", "fillcolor": "#e6e6e6"},
}

MARKER_STYLES: dict[str, dict[str, str]] = {
    OUTPUT: {"fillcolor": "#ffc857"},
    OVERRIDE: {"style": "filled,diagonals", "fillcolor": "#f1dede"},
    PATH: {"color": "#d62828", "penwidth": "2.5"},
}
# in the overlay the fill shows the status, so an output is marked by its border instead
OVERLAY_OUTPUT_STYLE = {"color": "#e09f00", "penwidth": "3"}

STATUS_STYLES: dict[str, dict[str, str]] = {
    "computed": {"fillcolor": "#b7e4c7"},
    "reused": {"fillcolor": "#bde0fe"},
    "overridden": {"fillcolor": "#e2c8f7", "style": "filled,diagonals"},
    "input": {"fillcolor": "#ffffff"},
    "failed": {"fillcolor": "#ff9b9b", "color": "#b00000", "penwidth": "3"},
    "not_run": {"fillcolor": "#eeeeee", "style": "filled,dotted", "fontcolor": "#777777"},
    NOT_NEEDED: {"fillcolor": "#ffffff", "color": "#bbbbbb", "fontcolor": "#999999"},
}
# a collapsed group shows the most telling status of its members
STATUS_PRIORITY = ("failed", "not_run", "computed", "reused", "overridden", "input", NOT_NEEDED)

EDGE_STYLES: dict[str, dict[str, str]] = {
    "optional": {"style": "dashed"},
    COLLECT: {"dir": "both", "arrowtail": "crow", "arrowsize": "1.2", "penwidth": "1.5"},
    EXPAND: {
        "dir": "both",
        "arrowhead": "crow",
        "arrowtail": "none",
        "arrowsize": "1.2",
        "penwidth": "1.5",
    },
    PATH: {"color": "#d62828", "penwidth": "2"},
}

LEGEND_ORDER = tuple(
    dict.fromkeys(
        (
            FUNCTION,
            INPUT,
            CONFIG,
            EXPAND,
            COLLECT,
            LOADER,
            SAVER,
            VALIDATOR,
            GROUP,
            OUTPUT,
            OVERRIDE,
            PATH,
            *STATUS_PRIORITY,
        )
    )
)
LEGEND_LABELS = {
    EXPAND: "Parallelizable",
    COLLECT: "Collect",
    NOT_NEEDED: "not needed",
    "not_run": "not run",
    "reused": "reused (cached)",
    GROUP: "collapsed group",
}


def node_kind(node: Node, config_keys: Collection[str]) -> str:
    """The kind a node is drawn as; external nodes named by a config key are ``config``."""
    if node.node_role is NodeType.EXTERNAL:
        return CONFIG if node.name in config_keys else INPUT
    tags = node.tags
    if tags.get(SAVER_TAG):
        return SAVER
    if tags.get(LOADER_TAG) and tags.get(f"{LOADER_TAG}.has_metadata"):
        return LOADER
    if tags.get(VALIDATOR_TAG):
        return VALIDATOR
    if node.node_role is NodeType.EXPAND:
        return EXPAND
    if node.node_role is NodeType.COLLECT:
        return COLLECT
    return FUNCTION


def style_class(kind: str) -> str:
    """The ``node_class`` given to a ``custom_style_function``: function, input or config."""
    return kind if kind in (INPUT, CONFIG) else FUNCTION


def legend_label(entry: str) -> str:
    return LEGEND_LABELS.get(entry, entry.replace("_", " "))


def status_of_group(statuses: Collection[str]) -> str:
    """The status a collapsed group is coloured by: the first of ``STATUS_PRIORITY`` present."""
    present = set(statuses)
    return next((s for s in STATUS_PRIORITY if s in present), NOT_NEEDED)


def merged(*styles: Mapping[str, str]) -> dict[str, str]:
    """Later styles win; ``style`` lists are merged so ``filled`` is never lost."""
    result: dict[str, str] = {}
    for style in styles:
        for key, value in style.items():
            if key == "style" and "style" in result:
                parts = [p for p in result["style"].split(",") if p]
                parts += [p for p in value.split(",") if p and p not in parts]
                dashed = {"dashed", "dotted", "solid"} & set(value.split(","))
                if dashed:  # a new line style replaces the old one
                    parts = [p for p in parts if p not in {"dashed", "dotted", "solid"} - dashed]
                result["style"] = ",".join(parts)
            else:
                result[key] = value
    return result


# -- the user's styling -----------------------------------------------------------------------

ORIENTATIONS = ("LR", "TB", "RL", "BT")
StyleFunction = Callable[..., tuple[Mapping[str, Any], str | None, str | None]]


@dataclasses.dataclass
class GraphSettings:
    """Graph-wide DOT settings: the graph's name, comment, strictness and default attributes."""

    name: str = "dataflow"
    comment: str = "hamilton_nb dataflow"
    strict: bool = False
    graph: dict[str, str] = dataclasses.field(default_factory=dict)
    node: dict[str, str] = dataclasses.field(default_factory=dict)
    edge: dict[str, str] = dataclasses.field(default_factory=dict)


def attr_value(value: Any, where: str) -> str:
    """A Graphviz attribute value as text; raise ``VisualizationError`` naming ``where``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise errors.VisualizationError(
        f"{where} must be a string or number, got {type(value).__name__} {value!r}."
    )


def _attr_dict(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise errors.VisualizationError(
            f"graphviz_kwargs[{where!r}] must be a dict of Graphviz attributes, got {value!r}."
        )
    return {str(k): attr_value(v, f"graphviz_kwargs[{where!r}][{k!r}]") for k, v in value.items()}


def graphviz_settings(graphviz_kwargs: Mapping[str, Any] | None, orient: str) -> GraphSettings:
    """The defaults with ``graphviz_kwargs`` merged over them.

    Keys as in Hamilton (``graph_attr``, ``node_attr``, ``edge_attr``, ``name``, ``comment``,
    ``engine``, ``strict``); any other key is a graph attribute. ``orient`` is the rank
    direction (a ``rankdir`` in ``graph_attr`` wins). Raises ``VisualizationError``.
    """
    if orient not in ORIENTATIONS:
        raise errors.VisualizationError(
            f"orient={orient!r} is not a Graphviz rank direction; use one of {ORIENTATIONS}."
        )
    if not isinstance(graphviz_kwargs or {}, Mapping):
        raise errors.VisualizationError(f"graphviz_kwargs must be a dict, got {graphviz_kwargs!r}.")
    settings = GraphSettings(
        graph={
            "id": "hnb:graph",
            "rankdir": orient,
            "fontname": FONT,
            "ranksep": "0.4",
            "nodesep": "0.25",
        },
        node={"fontname": FONT, "fontsize": "11", "margin": "0.12,0.06"},
        edge={"color": "#555555", "arrowsize": "0.7"},
    )
    kwargs = dict(graphviz_kwargs or {})
    settings.graph.update(_attr_dict(kwargs.pop("graph_attr", None), "graph_attr"))
    settings.node.update(_attr_dict(kwargs.pop("node_attr", None), "node_attr"))
    settings.edge.update(_attr_dict(kwargs.pop("edge_attr", None), "edge_attr"))
    if "name" in kwargs:
        settings.name = attr_value(kwargs.pop("name"), "graphviz_kwargs['name']")
    if "comment" in kwargs:
        settings.comment = attr_value(kwargs.pop("comment"), "graphviz_kwargs['comment']")
    if "engine" in kwargs:
        settings.graph["layout"] = attr_value(kwargs.pop("engine"), "graphviz_kwargs['engine']")
    settings.strict = bool(kwargs.pop("strict", False))
    for key, value in kwargs.items():
        settings.graph[str(key)] = attr_value(value, f"graphviz_kwargs[{key!r}]")
    return settings


def check_style_function(fn: Any) -> None:
    """Raise ``VisualizationError`` unless ``fn`` is None or callable as
    ``fn(node=..., node_class=...)``."""
    if fn is None:
        return
    problem = None
    if not callable(fn):
        problem = f"is {type(fn).__name__}, not a function"
    else:
        try:
            inspect.signature(fn).bind(node=None, node_class=FUNCTION)
        except TypeError as exc:
            problem = f"cannot be called as fn(node=..., node_class=...) ({exc})"
        except ValueError:  # callables without a signature: trust them
            pass
    if problem:
        raise errors.VisualizationError(
            f"custom_style_function {problem}. Define it as "
            "def style(*, node, node_class) -> (style_dict, node_class, legend_name)."
        )


def custom_style(
    fn: StyleFunction, node: Any, node_class: str
) -> tuple[dict[str, str], str, str | None]:
    """Call ``fn(node=HamiltonNode, node_class=...)``; return ``(style, node_class,
    legend_name)`` checked. Raises ``VisualizationError`` naming the node for a bad result."""
    result = fn(node=HamiltonNode.from_node(node), node_class=node_class)
    if not (isinstance(result, tuple) and len(result) == 3 and isinstance(result[0], Mapping)):
        raise errors.VisualizationError(
            f"custom_style_function returned {result!r} for node {node.name!r}; it must "
            "return (style_dict, node_class, legend_name), e.g. ({'fillcolor': 'red'}, "
            "node_class, None)."
        )
    style, returned_class, legend_name = result
    where = f"custom_style_function style for node {node.name!r}"
    checked = {str(k): attr_value(v, f"{where}[{k!r}]") for k, v in style.items()}
    base = returned_class if returned_class in KIND_STYLES else node_class
    return checked, base, (str(legend_name) if legend_name else None)
