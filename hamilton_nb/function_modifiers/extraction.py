"""What every extracting decorator shares (``extract_columns``, ``extract_fields``,
``unpack_fields``, ``parameterize_extract_columns``).

Responsibilities:
- ``check_names``: the requested output names are non-empty, distinct strings.
- ``check_not_source_name``: no output takes the name of the node it is extracted from.
- ``derived_node``: a node computed from one node's value, with that node's origin and tags.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from hamilton_nb import errors
from hamilton_nb.node import DependencyType, Node


def check_names(names: Iterable[Any], where: str, what: str) -> list[str]:
    """``names`` as a list of non-empty, distinct strings; raises ``InvalidDecoratorError``
    (``what`` says what they name: ``"column"``, ``"field"``, ``"output"``)."""
    checked: dict[str, None] = {}  # insertion-ordered set
    for name in names:
        if not isinstance(name, str) or not name:
            raise errors.InvalidDecoratorError(
                f"{where}: {what} names must be strings, got {name!r}."
            )
        if name in checked:
            raise errors.InvalidDecoratorError(f"{where}: {what} {name!r} is given twice.")
        checked[name] = None
    if not checked:
        raise errors.InvalidDecoratorError(f"{where} needs at least one {what} name.")
    return list(checked)


def check_not_source_name(node: Node, names: Iterable[str], where: str, what: str) -> None:
    """Raise ``InvalidDecoratorError`` when one of ``names`` is ``node``'s own name."""
    if node.name in names:
        raise errors.InvalidDecoratorError(
            f"{where}: {what} {node.name!r} has the name of the node it is taken from. "
            "Rename the function or the output."
        )


def derived_node(
    source_node: Node, name: str, node_type: Any, extract: Callable[..., Any], documentation: str
) -> Node:
    """A node computed from ``source_node``'s value alone, with the same origin and tags."""
    return Node(
        name=name,
        type=node_type,
        callable=extract,
        input_types={source_node.name: (source_node.type, DependencyType.REQUIRED)},
        tags=dict(source_node.tags),
        documentation=documentation,
        originating_functions=source_node.originating_functions,
        namespace=source_node.namespace,
    )
