"""Calling ``lifecycle.base`` adapters from the engine's hook points.

Responsibilities:
- per base method name, the engine hook point it runs at and where each of its parameters
  comes from in that point's keyword arguments (``node_``, ``function_graph`` and ``modules``
  are passed by the engine for this bridge only; ``api`` hooks never see them);
- checking an adapter's base methods when registered (unknown parameter -> ``AdapterError``);
- building the keyword-calling functions ``HookSet`` registers.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable
from typing import Any

from hamilton_nb import errors
from hamilton_nb.lifecycle import base

_NODE = {"run_id": "run_id", "node_": "node_", "kwargs": "node_kwargs", "task_id": "task_id"}
_OUTCOME = {"success": "success", "error": "error"}
_TASK = {
    k: k for k in ("run_id", "task_id", "nodes", "spawning_task_id", "purpose")
}  # task points pass these under the same names

# base method -> (engine hook point, {base parameter: engine keyword})
POINTS: dict[str, tuple[str, dict[str, str]]] = {
    "pre_node_execute": ("run_before_node_execution", _NODE),
    "do_node_execute": ("run_to_execute_node", _NODE),
    "post_node_execute": ("run_after_node_execution", {**_NODE, **_OUTCOME, "result": "result"}),
    "pre_graph_execute": (
        "run_before_graph_execution",
        {
            "run_id": "run_id",
            "graph": "function_graph",
            "final_vars": "final_vars",
            "inputs": "inputs",
            "overrides": "overrides",
        },
    ),
    "post_graph_execute": (
        "run_after_graph_execution",
        {"run_id": "run_id", "graph": "function_graph", **_OUTCOME, "results": "results"},
    ),
    "post_graph_construct": (
        "run_after_graph_construction",
        {"graph": "function_graph", "modules": "modules", "config": "config"},
    ),
    "validate_node": ("run_to_validate_node", {"created_node": "node_"}),
    "validate_graph": (
        "run_to_validate_graph",
        {"graph": "function_graph", "modules": "modules", "config": "config"},
    ),
    "post_task_group": ("run_after_task_grouping", {"run_id": "run_id", "task_ids": "task_ids"}),
    "post_task_expand": (
        "run_after_task_expansion",
        {"run_id": "run_id", "task_id": "task_id", "parameters": "parameters"},
    ),
    "pre_task_submission": (
        "run_before_task_submission",
        {**_TASK, "inputs": "inputs", "overrides": "overrides"},
    ),
    "pre_task_execute": (
        "run_before_task_execution",
        {**_TASK, "inputs": "inputs", "overrides": "overrides"},
    ),
    "post_task_execute": ("run_after_task_execution", {**_TASK, **_OUTCOME, "results": "results"}),
    "post_task_return": ("run_after_task_return", {**_TASK, **_OUTCOME, "result": "result"}),
}
# base methods HookSet wires itself (result building, type checks)
SPECIAL = frozenset({"do_build_result", "do_check_edge_types_match", "do_validate_input"})
KNOWN = frozenset(POINTS) | SPECIAL


def _parameters(adapter: Any, fn_name: str, allowed: frozenset[str]) -> tuple[str, ...]:
    """The parameters to pass to ``adapter.fn_name`` (all of ``allowed`` if it takes **kw)."""
    cls_name = type(adapter).__name__
    names: list[str] = []
    for param in inspect.signature(getattr(adapter, fn_name)).parameters.values():
        if param.kind is param.VAR_KEYWORD:
            return tuple(sorted(allowed))
        if param.kind is param.VAR_POSITIONAL:
            continue
        if param.kind is param.POSITIONAL_ONLY:
            raise errors.AdapterError(
                f"{cls_name}.{fn_name}: parameter {param.name!r} is positional-only, but "
                "lifecycle methods are called with keyword arguments; remove the '/'."
            )
        if param.name not in allowed:
            raise errors.AdapterError(
                f"{cls_name}.{fn_name} declares parameter {param.name!r}, which is never passed"
                f"{errors.did_you_mean(param.name, allowed)}. It receives: "
                f"{', '.join(sorted(allowed))}."
            )
        names.append(param.name)
    return tuple(names)


def _allowed(fn_name: str) -> frozenset[str]:
    if fn_name in POINTS:
        return frozenset(POINTS[fn_name][1])
    return {
        "do_build_result": frozenset({"outputs"}),
        "do_check_edge_types_match": frozenset({"type_from", "type_to"}),
        "do_validate_input": frozenset({"node_type", "input_value"}),
    }[fn_name]


def _check_misspelt(adapter: Any) -> None:
    """A public ``pre_``/``post_``/``do_``/``validate_`` method close to a base method's name
    is a typo that would never be called."""
    cls = type(adapter)
    for name in dir(cls):
        if name in KNOWN or not name.startswith(("pre_", "post_", "do_", "validate_")):
            continue
        close = difflib.get_close_matches(name, KNOWN, n=1, cutoff=0.85)
        if close:
            raise errors.AdapterError(
                f"{cls.__name__}.{name} is not a lifecycle method (did you mean {close[0]!r}?); "
                "misspelt methods would never be called. Rename it, or make it private (_name)."
            )


def base_methods(adapter: Any) -> dict[str, tuple[str, ...]]:
    """The engine-called base methods ``adapter`` implements, with the parameters to pass.

    Raises ``AdapterError`` for a parameter the method never receives or a misspelt name.
    Markers naming methods the engine does not call (user-defined base classes) are skipped.
    """
    found = {}
    for _kind, fn_name in base.declared_lifecycle(type(adapter)):
        if fn_name in KNOWN:
            found[fn_name] = _parameters(adapter, fn_name, _allowed(fn_name))
    if found:
        _check_misspelt(adapter)
    return found


def hook_caller(method: Callable[..., Any], fn_name: str, params: tuple[str, ...]) -> Any:
    """A function of the engine point's keyword arguments that calls ``method``."""
    source = POINTS[fn_name][1]
    pairs = tuple((p, source[p]) for p in params)
    return lambda **kw: method(**{p: kw.get(k) for p, k in pairs})


class BuildResultBridge:
    """Makes a ``BaseDoBuildResult`` usable where the driver expects ``build_result(**outputs)``."""

    def __init__(self, adapter: Any, params: tuple[str, ...]) -> None:
        self.adapter = adapter
        self.params = params

    def build_result(self, **outputs: Any) -> Any:
        if not self.params:
            return self.adapter.do_build_result()
        return self.adapter.do_build_result(outputs=outputs)

    def output_type(self) -> Any:
        method = getattr(self.adapter, "output_type", None)
        return method() if callable(method) else Any
