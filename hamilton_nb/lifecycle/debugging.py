"""Adapters for watching and stepping through a run: ``PrintLn`` and ``PDBDebugger``.

Both take a ``node_filter`` (``None``: every node, a node name, a list of names, or a
predicate ``(node_name, node_tags) -> bool``). pdb is imported only when a breakpoint is hit.
"""

from __future__ import annotations

import pprint
import time
from collections.abc import Callable
from typing import Any, ClassVar

from hamilton_nb.lifecycle import api

NodeFilter = Callable[[str, dict[str, Any]], bool] | list[str] | str | None


def _matcher(node_filter: NodeFilter) -> Callable[[str, dict[str, Any]], bool]:
    """Turn a ``node_filter`` (None, a name, names, or a predicate) into a predicate."""
    if node_filter is None:
        return lambda node_name, node_tags: True
    if isinstance(node_filter, str):
        return lambda node_name, node_tags: node_name == node_filter
    if isinstance(node_filter, (list, tuple, set, frozenset)):
        names = frozenset(node_filter)
        return lambda node_name, node_tags: node_name in names
    if callable(node_filter):
        return node_filter
    raise ValueError(  # Hamilton's class for a bad filter
        f"node_filter must be None, a node name, a list of names or a callable "
        f"(node_name, node_tags) -> bool; got {node_filter!r}."
    )


def _format_duration(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("μs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g}{unit}"
    return f"{seconds / 1e-9:.3g}ns"


class PrintLn(api.NodeExecutionHook):
    """Prints a line before and after each node: names and timing, plus values at verbosity 2."""

    def __init__(
        self,
        verbosity: int = 1,
        print_fn: Callable[[str], Any] = print,
        node_filter: NodeFilter = None,
    ) -> None:
        if verbosity not in (1, 2):
            raise ValueError(f"PrintLn(verbosity={verbosity!r}): verbosity must be 1 or 2.")
        self.verbosity = verbosity
        self.print_fn = print_fn
        self.node_filter = node_filter
        self._matches = _matcher(node_filter)
        self._started: dict[tuple[str | None, str], float] = {}

    def run_before_node_execution(
        self,
        *,
        node_name: str,
        node_tags: dict[str, Any],
        node_kwargs: dict[str, Any],
        task_id: str | None,
        **future_kwargs: Any,
    ) -> None:
        """Print the node about to run (and its inputs at verbosity 2); start its timer."""
        if not self._matches(node_name, node_tags):
            return
        message = f"Executing node {node_name!r}."
        if self.verbosity >= 2:
            message += f" Inputs:\n{pprint.pformat(node_kwargs)}"
        self.print_fn(message)
        self._started[(task_id, node_name)] = time.perf_counter()

    def run_after_node_execution(
        self,
        *,
        node_name: str,
        node_tags: dict[str, Any],
        result: Any,
        error: Exception | None,
        success: bool,
        task_id: str | None,
        **future_kwargs: Any,
    ) -> None:
        """Print how long the node took and whether it succeeded (its result at verbosity 2)."""
        if not self._matches(node_name, node_tags):
            return
        started = self._started.pop((task_id, node_name), None)
        took = "" if started is None else f" in {_format_duration(time.perf_counter() - started)}"
        message = f"Finished node {node_name!r}{took}: {'success' if success else 'failure'}."
        if self.verbosity >= 2:
            shown = f" Result:\n{pprint.pformat(result)}" if success else f" Error:\n{error!r}"
            message += shown
        self.print_fn(message)


class PDBDebugger(api.NodeExecutionHook, api.NodeExecutionMethod):
    """Opens pdb before, inside (stepping into the function) or after the matching nodes.

    While stopped inside a node (``during``), ``PDBDebugger.CONTEXT`` holds the node's name,
    tags and inputs. Non-matching nodes run normally.
    """

    CONTEXT: ClassVar[dict[str, Any]] = {}

    def __init__(
        self,
        node_filter: NodeFilter,
        before: bool = False,
        during: bool = False,
        after: bool = False,
    ) -> None:
        self.node_filter = node_filter
        self._matches = _matcher(node_filter)
        self.before = before
        self.during = during
        self.after = after

    def run_before_node_execution(
        self,
        *,
        node_name: str,
        node_tags: dict[str, Any],
        node_kwargs: dict[str, Any],
        node_return_type: type,
        task_id: str | None,
        **future_kwargs: Any,
    ) -> None:
        """Break before a matching node runs (its details are local variables here)."""
        if self.before and self._matches(node_name, node_tags):
            import pdb

            print(
                f"PDBDebugger: stopped before node {node_name!r}. Local variables: node_name, "
                "node_tags, node_kwargs, node_return_type, task_id."
            )
            pdb.set_trace()

    def run_to_execute_node(
        self,
        *,
        node_name: str,
        node_tags: dict[str, Any],
        node_callable: Any,
        node_kwargs: dict[str, Any],
        task_id: str | None,
        **future_kwargs: Any,
    ) -> Any:
        """Call the node's function, under pdb (stepping in) when ``during`` applies."""
        if not (self.during and self._matches(node_name, node_tags)):
            return node_callable(**node_kwargs)
        import pdb

        type(self).CONTEXT = {
            "node_name": node_name,
            "node_tags": node_tags,
            "node_callable": node_callable,
            "node_kwargs": node_kwargs,
            "task_id": task_id,
        }
        print(
            f"PDBDebugger: stepping into node {node_name!r}. "
            "Its details are in PDBDebugger.CONTEXT."
        )
        return pdb.Pdb().runcall(node_callable, **node_kwargs)

    def run_after_node_execution(
        self,
        *,
        node_name: str,
        node_tags: dict[str, Any],
        node_kwargs: dict[str, Any],
        node_return_type: type,
        result: Any,
        error: Exception | None,
        success: bool,
        task_id: str | None,
        **future_kwargs: Any,
    ) -> None:
        """Break after a matching node ran (result, error and success are local variables)."""
        if self.after and self._matches(node_name, node_tags):
            import pdb

            print(
                f"PDBDebugger: stopped after node {node_name!r}. Local variables: node_name, "
                "node_tags, node_kwargs, node_return_type, result, error, success, task_id."
            )
            pdb.set_trace()
