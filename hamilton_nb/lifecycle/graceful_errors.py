"""``GracefulErrorAdapter``: a node's error becomes a sentinel value that skips its dependents.

``accept_error_sentinels`` marks the functions that are called even when an input is the
sentinel (followed through ``functools.wraps`` chains).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hamilton_nb import errors
from hamilton_nb.lifecycle import api

ACCEPTS_SENTINELS_ATTR = "__hamilton_nb_accepts_error_sentinels__"
ERROR_SENTINEL_TAG = "hamilton.error_sentinel"
INJECTION_ALLOWED = "injection is requested"  # the tag's value, as in Hamilton


def accept_error_sentinels(func: Callable[..., Any]) -> Callable[..., Any]:
    """Mark ``func`` so ``GracefulErrorAdapter`` calls it even when inputs are error sentinels.

    Returns ``func`` itself, with a marker attribute set; raises ``InvalidDecoratorError``
    when ``func`` is not callable.
    """
    if not callable(func):
        raise errors.InvalidDecoratorError(
            f"@accept_error_sentinels decorates functions, got {func!r}."
        )
    from hamilton_nb.function_modifiers.metadata import tag

    setattr(func, ACCEPTS_SENTINELS_ATTR, True)
    # the node carries Hamilton's tag too, so tag filters and UIs see it
    return tag(**{ERROR_SENTINEL_TAG: INJECTION_ALLOWED}, bypass_reserved_namespaces_=True)(func)


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
        node_tags: dict[str, Any],
        node_callable: Any,
        node_kwargs: dict[str, Any],
        is_expand: bool,
        **future_kwargs: Any,
    ) -> Any:
        """Call the node, or skip it when an input is a sentinel; catch ``error_to_catch``."""
        if any(self._is_sentinel(value) for value in node_kwargs.values()) and not (
            self.allow_injection
            and (
                node_tags.get(ERROR_SENTINEL_TAG) == INJECTION_ALLOWED
                or _accepts_sentinels(node_callable)
            )
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
