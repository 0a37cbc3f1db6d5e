"""Registering adapters and calling their hooks.

Responsibilities:
- check each adapter when registered (misspelt hook method or parameter -> ``AdapterError``);
- ``HookSet``: per hook name, the bound implementations and the parameter names to pass.
- ``lifecycle.base`` adapters are registered at the same hook points through ``base_bridge``,
  which renames the arguments (``node_``, ``function_graph``, ``modules`` are engine extras that
  ``api`` hooks never receive, even with ``**kwargs``).
With no adapter implementing node hooks, ``HookSet.node_hooks`` is False and the engine takes
its fast path, which never looks at hooks.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from typing import Any

from hamilton_nb import errors
from hamilton_nb.lifecycle import api, base, base_bridge

_KEYWORD_HOOKS: dict[str, type] = {
    "run_before_node_execution": api.NodeExecutionHook,
    "run_after_node_execution": api.NodeExecutionHook,
    "run_before_graph_execution": api.GraphExecutionHook,
    "run_after_graph_execution": api.GraphExecutionHook,
    "run_before_task_execution": api.TaskExecutionHook,
    "run_after_task_execution": api.TaskExecutionHook,
    "run_before_task_submission": api.TaskSubmissionHook,
    "run_after_task_return": api.TaskReturnHook,
    "run_after_task_grouping": api.TaskGroupingHook,
    "run_after_task_expansion": api.TaskGroupingHook,
    "run_to_execute_node": api.NodeExecutionMethod,
    "run_to_validate_node": api.StaticValidator,
    "run_to_validate_graph": api.StaticValidator,
    "run_after_graph_construction": api.GraphConstructionHook,
}
_OTHER_METHODS = frozenset(
    {
        "build_result",
        "output_type",
        "input_types",
        "check_edge_types_match",
        "validate_input",
        "check_input_type",
        "check_node_type_equivalence",
        "execute_node",
    }
)

Impl = tuple[Callable[..., Any], "frozenset[str] | None"]


@functools.cache
def spec_parameters(hook_name: str) -> frozenset[str]:
    """The keyword parameters the engine passes to ``hook_name``."""
    method = getattr(_KEYWORD_HOOKS[hook_name], hook_name)
    return frozenset(
        p.name for p in inspect.signature(method).parameters.values() if p.kind is p.KEYWORD_ONLY
    )


def _user_defined(cls: type, name: str) -> bool:
    for klass in cls.__mro__:
        if name in vars(klass):
            return klass.__module__ != api.__name__
    return False


def _check_parameters(adapter: Any, hook_name: str) -> frozenset[str]:
    method = getattr(adapter, hook_name)
    allowed = spec_parameters(hook_name)
    names: set[str] = set()
    takes_all = False
    for param in inspect.signature(method).parameters.values():
        if param.kind is param.VAR_KEYWORD:
            takes_all = True
        elif param.kind is param.VAR_POSITIONAL:
            continue
        elif param.kind is param.POSITIONAL_ONLY:
            raise errors.AdapterError(
                f"{type(adapter).__name__}.{hook_name}: parameter {param.name!r} is "
                "positional-only, but hooks are called with keyword arguments; remove the '/'."
            )
        elif param.name not in allowed:
            raise errors.AdapterError(
                f"{type(adapter).__name__}.{hook_name} declares parameter {param.name!r}, which "
                f"the hook never passes{errors.did_you_mean(param.name, allowed)}. "
                f"It receives: {', '.join(sorted(allowed))}."
            )
        else:
            names.add(param.name)
    return allowed if takes_all else frozenset(names)  # never the engine-only extras


def validate_adapter(adapter: Any) -> dict[str, frozenset[str]]:
    """Check ``adapter``; return the keyword hooks it implements with the parameters to pass."""
    if not isinstance(adapter, api.LifecycleAdapter) and not base.declared_lifecycle(type(adapter)):
        kinds = ", ".join(sorted({k.__name__ for k in _KEYWORD_HOOKS.values()}))
        raise errors.AdapterError(
            f"{adapter!r} is not a lifecycle adapter: subclass one of hamilton_nb.lifecycle's "
            f"{kinds}, ResultBuilder, EdgeConnectionHook, GraphAdapter or a lifecycle.base class."
        )
    cls = type(adapter)
    implemented: dict[str, frozenset[str]] = {}
    for name in dir(cls):
        if name.startswith("_") or not _user_defined(cls, name):
            continue
        if name in _KEYWORD_HOOKS:
            implemented[name] = _check_parameters(adapter, name)
        elif name.startswith("run_") and name not in _OTHER_METHODS:
            raise errors.AdapterError(
                f"{cls.__name__}.{name} is not a hook{errors.did_you_mean(name, _KEYWORD_HOOKS)}; "
                "misspelt hooks would never be called. Rename it, or make it private (_name)."
            )
    return implemented


class HookSet:
    """The registered adapters, sorted by hook, ready to call."""

    def __init__(self, adapters: Iterable[Any] = ()) -> None:
        self.adapters = list(adapters)
        self.impls: dict[str, list[Impl]] = {name: [] for name in _KEYWORD_HOOKS}
        self.result_builder: Any = None
        self.edge_check: Callable[[Any, Any], bool] | None = None
        self.input_check: Callable[[Any, Any], bool] | None = None
        self.legacy_execute: Callable[[Any, dict[str, Any]], Any] | None = None
        runners: list[str] = []
        for adapter in self.adapters:
            self._register(adapter)
            if len(self.impls["run_to_execute_node"]) > len(runners):
                runners.append(type(adapter).__name__)
        if self.legacy_execute is not None:
            runners.append(type(self.legacy_execute.__self__).__name__)
        if len(runners) > 1:
            raise errors.AdapterError(
                f"only one adapter may run nodes, got {len(runners)}: {', '.join(runners)} "
                "(each replaces how a node's function is called, via run_to_execute_node or "
                "execute_node). Keep one of them."
            )
        self.execute_method = self._execute_method()  # at most one adapter runs nodes
        self.node_hooks = bool(
            self.impls["run_before_node_execution"]
            or self.impls["run_after_node_execution"]
            or self.impls["run_to_execute_node"]
            or self.legacy_execute
        )

    def _register(self, adapter: Any) -> None:
        for name, params in validate_adapter(adapter).items():
            self.impls[name].append((getattr(adapter, name), params))
        for fn_name, base_params in base_bridge.base_methods(adapter).items():
            self._register_base(adapter, fn_name, base_params)
        if isinstance(adapter, (api.ResultBuilder, api.GraphAdapter)):
            self.result_builder = adapter
        if isinstance(adapter, api.EdgeConnectionHook):
            self.edge_check = lambda a, b, h=adapter: h.check_edge_types_match(a, b)
            self.input_check = lambda t, v, h=adapter: h.validate_input(t, v)
        if isinstance(adapter, api.GraphAdapter):
            self.edge_check = lambda a, b, h=adapter: h.check_node_type_equivalence(b, a)
            self.input_check = type(adapter).check_input_type
            if _user_defined(type(adapter), "execute_node") and not getattr(
                type(adapter).execute_node, "plain_call", False
            ):
                self.legacy_execute = adapter.execute_node

    def _register_base(self, adapter: Any, fn_name: str, params: tuple[str, ...]) -> None:
        """Wire one ``lifecycle.base`` method (``base_bridge`` translates the arguments)."""
        method = getattr(adapter, fn_name)
        if fn_name in base_bridge.POINTS:
            point = base_bridge.POINTS[fn_name][0]
            self.impls[point].append((base_bridge.hook_caller(method, fn_name, params), None))
        elif fn_name == "do_build_result":
            self.result_builder = base_bridge.BuildResultBridge(adapter, params)
        elif fn_name == "do_check_edge_types_match":
            self.edge_check = lambda a, b, m=method: m(type_from=a, type_to=b)
        else:  # do_validate_input
            self.input_check = lambda t, v, m=method: m(node_type=t, input_value=v)

    def __getstate__(self) -> dict[str, Any]:
        return {"adapters": self.adapters}  # bound methods and lambdas are rebuilt on load

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["adapters"])  # type: ignore[misc]

    def _execute_method(self) -> Callable[..., Any] | None:
        """The ``run_to_execute_node`` implementation as a keyword-calling function, if any."""
        impls = self.impls["run_to_execute_node"]
        if not impls:
            return None
        method, params = impls[0]
        if params is None:
            return method
        return lambda **kw: method(**{k: kw[k] for k in params if k in kw})

    def has(self, hook_name: str) -> bool:
        return bool(self.impls[hook_name])

    def call(self, hook_name: str, **kwargs: Any) -> list[Any]:
        """Call every implementation of ``hook_name``; return their results in order."""
        results = []
        for method, params in self.impls[hook_name]:
            if params is None:
                results.append(method(**kwargs))
            else:
                results.append(method(**{k: kwargs[k] for k in params if k in kwargs}))
        return results
