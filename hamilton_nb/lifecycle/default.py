"""Ready-made adapters (Hamilton's ``lifecycle.default`` and ``plugins.h_tqdm`` names).

Printing, debugging, progress bars, error sentinels, runtime type checks, switching type
checks off, and artificial slowness. tqdm and pdb are imported only when used.
"""

from __future__ import annotations

import pprint
import random
import threading
import time
from collections.abc import Callable, Collection
from typing import Any, ClassVar

from hamilton_nb import errors, htypes
from hamilton_nb.lifecycle import api

NodeFilter = Callable[[str, dict[str, Any]], bool] | list[str] | str | None

ACCEPTS_SENTINELS_ATTR = "__hamilton_nb_accepts_error_sentinels__"


NodeTypeError = errors.NodeTypeError


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
    raise TypeError(
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
            message += f" Result:\n{pprint.pformat(result)}" if success else f" Error: {error!r}"
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


class ProgressBar(api.GraphExecutionHook, api.NodeExecutionHook):
    """A tqdm progress bar over the nodes of each ``execute`` (``tqdm.auto``: widget in Jupyter).

    The total starts at the number of nodes to compute and grows as the nodes of a
    ``Parallelizable`` block run once per item. Extra keyword arguments go to ``tqdm``. The bar
    is closed when the run ends, even on failure.
    """

    def __init__(
        self, desc: str = "Graph execution", max_node_name_width: int = 50, **tqdm_kwargs: Any
    ) -> None:
        self.desc = desc
        self.max_node_name_width = max_node_name_width
        self.tqdm_kwargs = tqdm_kwargs
        self._bar: Any = None
        self._started: set[str] = set()
        self._lock = threading.Lock()  # parallel items may run on several threads

    def _label(self, node_name: str) -> str:
        width = self.max_node_name_width
        if len(node_name) > width:
            return node_name[: max(width - 3, 0)] + "..."
        return node_name.ljust(width)

    def run_before_graph_execution(
        self, *, execution_path: Collection[str], **future_kwargs: Any
    ) -> None:
        """Open a bar with one step per node to compute."""
        from tqdm.auto import tqdm

        options = {"desc": self.desc, "unit": "node", **self.tqdm_kwargs}
        self._bar = tqdm(total=len(execution_path), **options)
        self._started = set()

    def run_before_node_execution(self, *, node_name: str, **future_kwargs: Any) -> None:
        """Show the node being computed (a node running again, for another item, adds a step)."""
        with self._lock:
            if self._bar is None:
                return
            if node_name in self._started:
                self._bar.total += 1
            self._started.add(node_name)
            self._bar.set_description_str(f"{self.desc} -> {self._label(node_name)}")

    def run_after_node_execution(self, **future_kwargs: Any) -> None:
        """Advance the bar by one node."""
        with self._lock:
            if self._bar is not None:
                self._bar.update(1)

    def run_after_graph_execution(self, *, success: bool, **future_kwargs: Any) -> None:
        """Show how the run ended and close the bar."""
        with self._lock:
            bar, self._bar = self._bar, None
        if bar is None:
            return
        bar.set_description_str(f"{self.desc} -> {'done' if success else 'failed'}")
        bar.close()


def accept_error_sentinels(func: Callable[..., Any]) -> Callable[..., Any]:
    """Mark ``func`` so ``GracefulErrorAdapter`` calls it even when inputs are error sentinels.

    Returns ``func`` itself, with a marker attribute set; raises ``InvalidDecoratorError``
    when ``func`` is not callable.
    """
    if not callable(func):
        raise errors.InvalidDecoratorError(
            f"@accept_error_sentinels decorates functions, got {func!r}."
        )
    setattr(func, ACCEPTS_SENTINELS_ATTR, True)
    return func


def _accepts_sentinels(fn: Any) -> bool:
    seen = 0
    while fn is not None and seen < 100:  # follow functools.wraps chains, bounded
        if getattr(fn, ACCEPTS_SENTINELS_ATTR, False):
            return True
        fn = getattr(fn, "__wrapped__", None)
        seen += 1
    return False


class GracefulErrorAdapter(api.NodeExecutionMethod):
    """Turns ``error_to_catch`` raised by a node into a sentinel value; skips its dependents.

    A node with the sentinel among its inputs is not called; its value becomes the sentinel,
    unless its function is marked ``@accept_error_sentinels`` (and ``allow_injection``).
    A failing ``Parallelizable`` node yields the items produced so far plus the sentinel
    (``try_all_parallel``) or just ``[sentinel]``. Other exceptions propagate.
    Use a distinctive sentinel: with the default ``None``, nodes returning None count as failed.
    """

    def __init__(
        self,
        error_to_catch: type[Exception],
        sentinel_value: Any = None,
        try_all_parallel: bool = True,
        allow_injection: bool = True,
    ) -> None:
        if not (isinstance(error_to_catch, type) and issubclass(error_to_catch, BaseException)):
            raise TypeError(
                f"GracefulErrorAdapter(error_to_catch={error_to_catch!r}) needs an exception "
                "class, e.g. ValueError."
            )
        self.error_to_catch = error_to_catch
        self.sentinel_value = sentinel_value
        self.try_all_parallel = try_all_parallel
        self.allow_injection = allow_injection

    def _is_sentinel(self, value: Any) -> bool:
        sentinel = self.sentinel_value
        if value is sentinel:
            return True
        if type(value) is not type(sentinel):
            return False
        try:
            return (value == sentinel) is True
        except Exception:  # noqa: BLE001 - odd __eq__ implementations mean "not equal"
            return False

    def _failed(self, is_expand: bool) -> Any:
        return [self.sentinel_value] if is_expand else self.sentinel_value

    def run_to_execute_node(
        self,
        *,
        node_callable: Any,
        node_kwargs: dict[str, Any],
        is_expand: bool,
        **future_kwargs: Any,
    ) -> Any:
        """Call the node, or skip it when an input is a sentinel; catch ``error_to_catch``."""
        if any(self._is_sentinel(value) for value in node_kwargs.values()) and not (
            self.allow_injection and _accepts_sentinels(node_callable)
        ):
            return self._failed(is_expand)
        try:
            result = node_callable(**node_kwargs)
        except self.error_to_catch:
            return self._failed(is_expand)
        if not is_expand:
            return result
        return self._gather_items(result)

    def _gather_items(self, items: Any) -> list[Any]:
        gathered: list[Any] = []
        try:
            for item in items:
                gathered.append(item)
        except self.error_to_catch:
            if not self.try_all_parallel:
                return [self.sentinel_value]
            gathered.append(self.sentinel_value)
        return gathered


class FunctionInputOutputTypeChecker(api.NodeExecutionHook):
    """Checks at run time that node inputs and results match their annotations.

    Raises ``NodeTypeError`` (a ``TypeError``) naming the node and the parameter. Generics
    are checked by their origin only (``list[int]`` accepts any list).
    """

    def __init__(self, check_input: bool = True, check_output: bool = True) -> None:
        self.check_input = check_input
        self.check_output = check_output

    def run_before_node_execution(
        self,
        *,
        node_name: str,
        node_kwargs: dict[str, Any],
        node_input_types: dict[str, Any],
        **future_kwargs: Any,
    ) -> None:
        """Raise ``NodeTypeError`` when an input value does not match its parameter's type."""
        if not self.check_input:
            return
        for param, value in node_kwargs.items():
            declared = node_input_types.get(param, Any)
            if not htypes.value_matches(value, declared):
                raise NodeTypeError(
                    f"node {node_name!r} received {htypes.type_name(type(value))} for parameter "
                    f"{param!r}, which is declared as {htypes.type_name(declared)}. Fix the "
                    "upstream value or the annotation."
                )

    def run_after_node_execution(
        self,
        *,
        node_name: str,
        node_return_type: type,
        result: Any,
        success: bool,
        **future_kwargs: Any,
    ) -> None:
        """Raise ``NodeTypeError`` when a successful node's result does not match its type."""
        if not (self.check_output and success):
            return
        if not htypes.value_matches(result, node_return_type):
            raise NodeTypeError(
                f"node {node_name!r} returned {htypes.type_name(type(result))}, but its return "
                f"type is {htypes.type_name(node_return_type)}. Fix the function or its annotation."
            )


class NoEdgeAndInputTypeChecking(api.EdgeConnectionHook):
    """Turns off type checks: any edge connects and any input value is accepted."""

    def check_edge_types_match(self, type_from: type, type_to: type, **kwargs: Any) -> bool:
        """Always True."""
        return True

    def validate_input(self, node_type: type, input_value: Any, **kwargs: Any) -> bool:
        """Always True."""
        return True


class SlowDownYouMoveTooFast(api.NodeExecutionHook):
    """Sleeps a random normal time (clipped at 0) before each node: to try progress displays."""

    def __init__(self, sleep_time_mean: float, sleep_time_std: float) -> None:
        if sleep_time_mean < 0 or sleep_time_std < 0:
            raise ValueError(
                f"SlowDownYouMoveTooFast({sleep_time_mean!r}, {sleep_time_std!r}): "
                "the mean and standard deviation must be >= 0 seconds."
            )
        self.sleep_time_mean = sleep_time_mean
        self.sleep_time_std = sleep_time_std

    def run_before_node_execution(self, **future_kwargs: Any) -> None:
        """Sleep ``max(0, normal(mean, std))`` seconds."""
        seconds = random.normalvariate(self.sleep_time_mean, self.sleep_time_std)
        time.sleep(max(0.0, seconds))

    def run_after_node_execution(self, **future_kwargs: Any) -> None:
        """Nothing to do after a node."""
