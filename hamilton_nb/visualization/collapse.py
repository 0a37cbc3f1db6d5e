"""Keep large DAG pictures readable and quick to lay out.

Responsibilities:
- ``plan_collapse``: above a node-count threshold, fold each namespace (``subdag``/``pipe``
  nodes) into one group node, then, if still too many, each module's functions; names given
  in ``expand`` stay open. Inputs and config values are never folded.
- ``FAST_LAYOUT``: Graphviz settings that bound the layout's optimisation passes; used when
  the drawn graph is still large after folding.

A namespace path is written with dots (``outer.inner``); expanding ``outer`` shows its own
nodes and folds ``outer.inner`` inside it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Mapping

from hamilton_nb import errors
from hamilton_nb.graph import FunctionGraph
from hamilton_nb.visualization import styles

DEFAULT_THRESHOLD = 300

# Network-simplex and mincross iterations capped, straight edges: a 1,000-node chain with
# skip edges lays out several times faster than with Graphviz's defaults.
FAST_LAYOUT: dict[str, str] = {
    "nslimit": "0.2",
    "nslimit1": "0.2",
    "mclimit": "0.1",
    "splines": "line",
    "searchsize": "10",
}

_NEVER_FOLDED = (styles.INPUT, styles.CONFIG)


@dataclasses.dataclass
class Group:
    """Nodes drawn as one: a namespace (``kind="namespace"``) or a module (``"module"``)."""

    key: str  # unique among groups: "namespace:a.b" or "module:pkg.mod"
    kind: str
    label: str
    parent: tuple[str, ...]  # the namespace cluster the group node is drawn in
    members: list[str] = dataclasses.field(default_factory=list)

    @property
    def dot_name(self) -> str:
        return f"group:{self.key}"


@dataclasses.dataclass
class Collapse:
    """Which visible nodes are folded into which group, and whether to lay out fast."""

    group_of: dict[str, str]  # node name -> group key
    groups: dict[str, Group]
    drawn_count: int
    fast_layout: bool


def plan_collapse(
    graph: FunctionGraph,
    visible: list[str],
    kinds: Mapping[str, str],
    threshold: int | None = DEFAULT_THRESHOLD,
    expand: Iterable[str] = (),
) -> Collapse:
    """Fold namespaces, then modules, while more than ``threshold`` nodes are visible.

    ``threshold=None`` never folds. Raises ``VisualizationError`` for a name in ``expand``
    that is neither a namespace path nor a module of the visible nodes.
    """
    if threshold is not None and (not isinstance(threshold, int) or threshold < 1):
        raise errors.VisualizationError(
            f"collapse_threshold must be a positive node count or None, got {threshold!r}."
        )
    expanded = _check_expand(graph, visible, expand)
    group_of: dict[str, str] = {}
    groups: dict[str, Group] = {}
    if threshold is not None and len(visible) > threshold:
        _fold_namespaces(graph, visible, kinds, expanded, group_of, groups)
        if _drawn(visible, group_of, groups) > threshold:
            _fold_modules(graph, visible, kinds, expanded, group_of, groups)
    drawn = _drawn(visible, group_of, groups)
    return Collapse(group_of, groups, drawn, drawn > (threshold or DEFAULT_THRESHOLD))


def _drawn(
    visible: Collection[str], group_of: Mapping[str, str], groups: Mapping[str, Group]
) -> int:
    return len(visible) - len(group_of) + len(groups)


def _check_expand(graph: FunctionGraph, visible: list[str], expand: Iterable[str]) -> set[str]:
    if isinstance(expand, str):
        expand = [expand]
    wanted = set(expand)
    if not wanted:
        return wanted
    known: set[str] = set()
    for name in visible:
        node = graph.nodes[name]
        path = node.namespace
        known.update(".".join(path[: i + 1]) for i in range(len(path)))
        module = node.tags.get("module")
        if isinstance(module, str):
            known.add(module)
    unknown = sorted(wanted - known)
    if unknown:
        raise errors.VisualizationError(
            "; ".join(
                f"expand names {u!r}, which is no namespace or module of the drawn nodes"
                f"{errors.did_you_mean(u, known)}"
                for u in unknown
            )
            + f". Known: {sorted(known)}."
        )
    return wanted


def _fold_namespaces(
    graph: FunctionGraph,
    visible: list[str],
    kinds: Mapping[str, str],
    expanded: set[str],
    group_of: dict[str, str],
    groups: dict[str, Group],
) -> None:
    for name in visible:
        path = graph.nodes[name].namespace
        if not path or kinds[name] in _NEVER_FOLDED:
            continue
        for depth in range(1, len(path) + 1):
            dotted = ".".join(path[:depth])
            if dotted not in expanded:
                key = f"namespace:{dotted}"
                group = groups.get(key)
                if group is None:
                    group = groups[key] = Group(key, "namespace", dotted, path[: depth - 1])
                group.members.append(name)
                group_of[name] = key
                break
    _unfold_singletons(group_of, groups)


def _fold_modules(
    graph: FunctionGraph,
    visible: list[str],
    kinds: Mapping[str, str],
    expanded: set[str],
    group_of: dict[str, str],
    groups: dict[str, Group],
) -> None:
    by_module: dict[str, list[str]] = {}
    for name in visible:
        node = graph.nodes[name]
        module = node.tags.get("module")
        if (
            name in group_of
            or node.namespace
            or kinds[name] in _NEVER_FOLDED
            or not isinstance(module, str)
        ):
            continue
        by_module.setdefault(module, []).append(name)
    if len(by_module) < 2:
        return  # one box holding every function says nothing
    for module, members in by_module.items():
        if module in expanded:
            continue
        key = f"module:{module}"
        groups[key] = Group(key, "module", module, (), members)
        group_of.update((m, key) for m in members)
    _unfold_singletons(group_of, groups)


def _unfold_singletons(group_of: dict[str, str], groups: dict[str, Group]) -> None:
    for key in [k for k, g in groups.items() if len(g.members) == 1]:
        del group_of[groups.pop(key).members[0]]
