"""Ready-made adapters (Hamilton's ``lifecycle.default`` and ``plugins.h_tqdm`` names).

The public face of the adapters, which are implemented in:

- ``debugging``: ``PrintLn`` (a line before and after each node) and ``PDBDebugger``.
- ``progress``: ``ProgressBar`` (tqdm) and ``SlowDownYouMoveTooFast`` (artificial slowness).
- ``graceful_errors``: ``GracefulErrorAdapter`` (errors become sentinels) and
  ``accept_error_sentinels``.
- ``type_checks``: ``FunctionInputOutputTypeChecker`` (runtime type checks) and
  ``NoEdgeAndInputTypeChecking`` (type checks switched off).

tqdm and pdb are imported only when used.
"""

from __future__ import annotations

from typing import Any

from hamilton_nb.lifecycle.debugging import NodeFilter, PDBDebugger, PrintLn, _matcher
from hamilton_nb.lifecycle.graceful_errors import (
    ACCEPTS_SENTINELS_ATTR,
    INJECTION_ALLOWED,
    GracefulErrorAdapter,
    accept_error_sentinels,
)
from hamilton_nb.lifecycle.progress import ProgressBar, SlowDownYouMoveTooFast
from hamilton_nb.lifecycle.type_checks import (
    FunctionInputOutputTypeChecker,
    NodeTypeError,
    NoEdgeAndInputTypeChecking,
)

__all__ = [
    "ACCEPTS_SENTINELS_ATTR",
    "INJECTION_ALLOWED",
    "FunctionInputOutputTypeChecker",
    "GracefulErrorAdapter",
    "NoEdgeAndInputTypeChecking",
    "NodeFilter",
    "NodeTypeError",
    "PDBDebugger",
    "PrintLn",
    "ProgressBar",
    "SlowDownYouMoveTooFast",
    "accept_error_sentinels",
    "should_run_node",
]


def should_run_node(node_name: str, node_tags: dict[str, Any], node_filter: NodeFilter) -> bool:
    """Whether ``node_filter`` (``None``: every node, a name, a list of names, or a predicate
    ``(node_name, node_tags) -> bool``) selects the node; ``ValueError`` for another filter."""
    return bool(_matcher(node_filter)(node_name, node_tags))
