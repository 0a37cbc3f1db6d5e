"""Which shape of the DAG's SVG shows which node, for the explorer's hover and filters.

Responsibilities:
- ``drawn_elements``: the ids of the node shapes in a Graphviz SVG.
- ``element_of``: each node's shape: its own, or the folded namespace/module group holding it
  (large graphs), or none.
- ``element_links``: per shape, the shapes upstream and downstream of it (transitive while
  small, direct links beyond a budget), sent to the browser for highlighting on hover.
- ``dimmed_elements``: the shapes none of whose nodes pass the explorer's filters.

Shapes are found by the ids the DOT text gives them (``visualization.dot``): the node's name,
or ``group:namespace:<path>`` / ``group:module:<module>`` for folded groups.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable, Mapping
from typing import Any

LINK_BUDGET = 50_000  # names in all hover lists together before they become direct links

_NODE_GROUP = re.compile(r'<g id="([^"]*)" class="node(?: [^"]*)?"')


def drawn_elements(svg: str) -> list[str]:
    """Ids of the node shapes in a Graphviz SVG (legend entries left out)."""
    ids = (html.unescape(found) for found in _NODE_GROUP.findall(svg))
    return [i for i in ids if not i.startswith("legend:")]


def element_of(
    summaries: Mapping[str, Mapping[str, Any]], drawn: Iterable[str]
) -> dict[str, str | None]:
    """The SVG element showing each node: its own, its folded namespace or module group
    (``group:namespace:a.b``, ``group:module:m``), or None when it is not drawn."""
    present = set(drawn)
    elements: dict[str, str | None] = {}
    for name, summary in summaries.items():
        elements[name] = _element(name, summary, present)
    return elements


def _element(name: str, summary: Mapping[str, Any], present: set[str]) -> str | None:
    if name in present:
        return name
    path = summary["namespace"].split(".") if summary["namespace"] else []
    for depth in range(len(path), 0, -1):
        group = "group:namespace:" + ".".join(path[:depth])
        if group in present:
            return group
    group = "group:module:" + summary["module"]
    return group if group in present else None


def element_links(
    summaries: Mapping[str, Mapping[str, Any]],
    elements: Mapping[str, str | None],
    budget: int = LINK_BUDGET,
) -> dict[str, dict[str, list[str]]]:
    """Per drawn element: the ``nodes`` it shows and the elements ``upstream``/``downstream``
    of it, for highlighting on hover.

    The lists are transitive (itself excluded) while all of them together hold at most
    ``budget`` names; beyond that (a long chain has n² pairs) they hold direct neighbours
    only. The browser walks the lists either way, so both give the same highlight.
    """
    members: dict[str, list[str]] = {}
    feeds: dict[str, set[str]] = {}  # element -> elements it depends on
    for name, summary in summaries.items():
        element = elements[name]
        if element is None:
            continue
        members.setdefault(element, []).append(name)
        inputs = feeds.setdefault(element, set())
        for dependency in summary["dependencies"]:
            source = elements.get(dependency)
            if source is not None and source != element:
                inputs.add(source)
    fed: dict[str, set[str]] = {element: set() for element in feeds}
    for element, sources in feeds.items():
        for source in sources:
            fed[source].add(element)
    order = list(members)
    links = _transitive_links(order, feeds, fed, budget)
    if links is None:
        links = {e: (_ordered(feeds[e], order), _ordered(fed[e], order)) for e in order}
    return {
        element: {"nodes": members[element], "upstream": up, "downstream": down}
        for element, (up, down) in links.items()
    }


def _transitive_links(
    order: list[str],
    feeds: Mapping[str, set[str]],
    fed: Mapping[str, set[str]],
    budget: int,
) -> dict[str, tuple[list[str], list[str]]] | None:
    """Transitive upstream/downstream lists per element, or None once they exceed ``budget``."""
    links = {}
    total = 0
    for element in order:
        up, down = _reachable(element, feeds), _reachable(element, fed)
        total += len(up) + len(down)
        if total > budget:
            return None
        links[element] = (_ordered(up, order), _ordered(down, order))
    return links


def _reachable(start: str, neighbours: Mapping[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        for other in neighbours[stack.pop()]:
            if other not in seen:
                seen.add(other)
                stack.append(other)
    seen.discard(start)
    return seen


def _ordered(names: Collection[str], order: list[str]) -> list[str]:
    return [e for e in order if e in names] if names else []


def dimmed_elements(elements: Mapping[str, str | None], shown: Collection[str]) -> list[str]:
    """Drawn elements none of whose nodes is in ``shown``."""
    lit = {elements[name] for name in shown if elements.get(name) is not None}
    return list(dict.fromkeys(e for e in elements.values() if e is not None and e not in lit))
