"""Hamilton's single-method lifecycle base classes (``hamilton.lifecycle.base``).

Responsibilities:
- the ``lifecycle`` markers (``base_hook``, ``base_method``, ``base_validator``) that tag a
  class with the one method it contributes, checking that method's signature;
- the base classes themselves, one per moment of a run, called with keyword arguments.

The engine calls the ``api`` hook points; ``base_bridge`` translates each point's arguments
into these methods' (``node_`` is the ``hamilton_nb.node.Node``, ``graph`` the
``FunctionGraph``). Task hooks receive ``nodes`` as ``graph_types.HamiltonNode`` views.
"""

from __future__ import annotations

import abc
import inspect
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

from hamilton_nb import errors
from hamilton_nb.lifecycle.api import LifecycleAdapter

if TYPE_CHECKING:
    from hamilton_nb.graph import FunctionGraph
    from hamilton_nb.node import Node

__all__ = [
    "LifecycleAdapter",
    "InvalidLifecycleAdapter",
    "ValidationException",
    "lifecycle",
    "MARKER_ATTRIBUTE",
]

InvalidLifecycleAdapter = errors.AdapterError  # Hamilton's name for a malformed adapter
ValidationException = errors.ValidationError  # raised when a validator reports a failure

MARKER_ATTRIBUTE = "__hamilton_nb_lifecycle__"  # (kind, method name) set on decorated classes

_Cls = TypeVar("_Cls", bound=type)


def _check_signature(clazz: type, fn_name: str, kind: str, returns_value: bool) -> None:
    fn = getattr(clazz, fn_name, None)
    if fn is None:
        raise errors.AdapterError(
            f"{clazz.__name__} is decorated with @lifecycle.base_{kind}({fn_name!r}) but has no "
            f"method {fn_name!r}; pass the name of one of its methods."
        )
    if inspect.iscoroutinefunction(fn):
        raise errors.AdapterError(
            f"{clazz.__name__}.{fn_name} is async; hamilton_nb runs lifecycle {kind}s "
            "synchronously. Make it a plain 'def'."
        )
    signature = inspect.signature(fn)
    annotated = signature.return_annotation is not inspect.Signature.empty
    if returns_value and not annotated:
        raise errors.AdapterError(
            f"{clazz.__name__}.{fn_name} is a lifecycle {kind} and must declare its return "
            "type (add '-> ...')."
        )
    if not returns_value and annotated:
        raise errors.AdapterError(
            f"{clazz.__name__}.{fn_name} is a lifecycle hook and returns nothing; remove its "
            "return annotation."
        )
    for param in list(signature.parameters.values())[1:]:
        if param.kind is not param.KEYWORD_ONLY:
            raise errors.AdapterError(
                f"{clazz.__name__}.{fn_name}: parameter {param.name!r} must be keyword-only "
                "(put '*,' after 'self')."
            )


def _marker(kind: str, fn_name: str, returns_value: bool) -> Callable[[_Cls], _Cls]:
    def decorate(clazz: _Cls) -> _Cls:
        _check_signature(clazz, fn_name, kind, returns_value)
        setattr(clazz, MARKER_ATTRIBUTE, (kind, fn_name))
        return clazz

    return decorate


class lifecycle:  # noqa: N801 - Hamilton's spelling: ``@lifecycle.base_hook(...)``
    """Markers naming the single method a base class contributes."""

    @staticmethod
    def base_hook(fn_name: str) -> Callable[[_Cls], _Cls]:
        """``fn_name`` is called at a moment of the run; several adapters may implement it."""
        return _marker("hook", fn_name, returns_value=False)

    @staticmethod
    def base_method(fn_name: str) -> Callable[[_Cls], _Cls]:
        """``fn_name`` replaces a step of the run; one adapter at most implements it."""
        return _marker("method", fn_name, returns_value=True)

    @staticmethod
    def base_validator(fn_name: str) -> Callable[[_Cls], _Cls]:
        """``fn_name`` checks the graph when it is built and returns ``(ok, message)``."""
        return _marker("validator", fn_name, returns_value=True)


def declared_lifecycle(cls: type) -> list[tuple[str, str]]:
    """The ``(kind, method name)`` markers along ``cls``'s MRO, most derived first, once each."""
    found: list[tuple[str, str]] = []
    for klass in cls.__mro__:
        marker = vars(klass).get(MARKER_ATTRIBUTE)
        if marker is not None and marker not in found:
            found.append(marker)
    return found


# -- graph construction and validation ------------------------------------------------------


@lifecycle.base_method("do_check_edge_types_match")
class BaseDoCheckEdgeTypesMatch(LifecycleAdapter):
    """Decides whether a value of ``type_from`` may feed a parameter of ``type_to``."""

    @abc.abstractmethod
    def do_check_edge_types_match(self, *, type_from: type, type_to: type) -> bool:
        """True when the edge's types are compatible."""


@lifecycle.base_method("do_validate_input")
class BaseDoValidateInput(LifecycleAdapter):
    """Decides whether an input value is acceptable for its declared type."""

    @abc.abstractmethod
    def do_validate_input(self, *, node_type: type, input_value: Any) -> bool:
        """True when ``input_value`` may be passed for a node of ``node_type``."""


@lifecycle.base_validator("validate_node")
class BaseValidateNode(LifecycleAdapter):
    """Checks each node of the built graph; a failure stops the driver's build."""

    @abc.abstractmethod
    def validate_node(self, *, created_node: Node) -> tuple[bool, Any]:
        """Return ``(ok, message)``."""


@lifecycle.base_validator("validate_graph")
class BaseValidateGraph(LifecycleAdapter):
    """Checks the built graph as a whole; a failure stops the driver's build."""

    @abc.abstractmethod
    def validate_graph(
        self, *, graph: FunctionGraph, modules: list[ModuleType], config: dict[str, Any]
    ) -> tuple[bool, str | None]:
        """Return ``(ok, message)``."""


@lifecycle.base_hook("post_graph_construct")
class BasePostGraphConstruct(LifecycleAdapter):
    """Called once the driver built (and validated) its graph."""

    @abc.abstractmethod
    def post_graph_construct(
        self, *, graph: FunctionGraph, modules: list[ModuleType], config: dict[str, Any]
    ):  # hooks must not annotate a return (``base_hook`` checks)
        """Receives the graph, the modules it was built from and its config."""


# -- graph execution -----------------------------------------------------------------------


@lifecycle.base_hook("pre_graph_execute")
class BasePreGraphExecute(LifecycleAdapter):
    """Called at the start of ``execute``, before any node runs."""

    @abc.abstractmethod
    def pre_graph_execute(
        self,
        *,
        run_id: str,
        graph: FunctionGraph,
        final_vars: list[str],
        inputs: dict[str, Any],
        overrides: dict[str, Any],
    ):
        """Receives the run's id, graph, requested outputs, inputs and overrides."""


@lifecycle.base_hook("post_graph_execute")
class BasePostGraphExecute(LifecycleAdapter):
    """Called when ``execute`` finished or failed."""

    @abc.abstractmethod
    def post_graph_execute(
        self,
        *,
        run_id: str,
        graph: FunctionGraph,
        success: bool,
        error: Exception | None,
        results: dict[str, Any] | None,
    ):
        """Receives the outcome: ``results`` on success, ``error`` on failure."""


@lifecycle.base_method("do_build_result")
class BaseDoBuildResult(LifecycleAdapter):
    """Turns the requested outputs into what ``execute`` returns."""

    @abc.abstractmethod
    def do_build_result(self, *, outputs: Any) -> Any:
        """``outputs`` is ``{node name: value}`` for the requested nodes."""


# -- nodes ---------------------------------------------------------------------------------


@lifecycle.base_hook("pre_node_execute")
class BasePreNodeExecute(LifecycleAdapter):
    """Called before each node's function runs."""

    @abc.abstractmethod
    def pre_node_execute(
        self, *, run_id: str, node_: Node, kwargs: dict[str, Any], task_id: str | None = None
    ):
        """Receives the node and the keyword arguments it is about to be called with."""


@lifecycle.base_method("do_node_execute")
class BaseDoNodeExecute(LifecycleAdapter):
    """Replaces how a node's function is called; returns the node's value."""

    @abc.abstractmethod
    def do_node_execute(
        self, *, run_id: str, node_: Node, kwargs: dict[str, Any], task_id: str | None = None
    ) -> Any:
        """Compute the value (normally ``node_.callable(**kwargs)``)."""


@lifecycle.base_hook("post_node_execute")
class BasePostNodeExecute(LifecycleAdapter):
    """Called after each node's function returned or raised."""

    @abc.abstractmethod
    def post_node_execute(
        self,
        *,
        run_id: str,
        node_: Node,
        kwargs: dict[str, Any],
        success: bool,
        error: Exception | None,
        result: Any | None,
        task_id: str | None = None,
    ):
        """Receives the outcome: ``result`` on success, ``error`` on failure."""


# -- tasks (dynamic execution: Parallelizable blocks and grouping strategies) ----------------
# Task hooks receive ``nodes`` as ``HamiltonNode`` views and ``purpose`` as a NodeGroupPurpose.


@lifecycle.base_hook("post_task_group")
class BasePostTaskGroup(LifecycleAdapter):
    """Called when nodes were grouped into tasks."""

    @abc.abstractmethod
    def post_task_group(self, *, run_id: str, task_ids: list[str]):
        """Receives the ids of the task groups."""


@lifecycle.base_hook("post_task_expand")
class BasePostTaskExpand(LifecycleAdapter):
    """Called when a ``Parallelizable`` node produced its items."""

    @abc.abstractmethod
    def post_task_expand(self, *, run_id: str, task_id: str, parameters: dict[str, Any]):
        """Receives the expanding task's id and its items (``{"0": item, ...}``)."""


@lifecycle.base_hook("pre_task_submission")
class BasePreTaskSubmission(LifecycleAdapter):
    """Called in the driver's process before a task is handed to its executor."""

    @abc.abstractmethod
    def pre_task_submission(
        self,
        *,
        run_id: str,
        task_id: str,
        nodes: list[Any],
        inputs: dict[str, Any],
        overrides: dict[str, Any],
        spawning_task_id: str | None,
        purpose: Any,
    ):
        """Receives the task about to be submitted."""


@lifecycle.base_hook("pre_task_execute")
class BasePreTaskExecute(LifecycleAdapter):
    """Called where the task runs, before its nodes run."""

    @abc.abstractmethod
    def pre_task_execute(
        self,
        *,
        run_id: str,
        task_id: str,
        nodes: list[Any],
        inputs: dict[str, Any],
        overrides: dict[str, Any],
        spawning_task_id: str | None,
        purpose: Any,
    ):
        """Receives the task about to run."""


@lifecycle.base_hook("post_task_execute")
class BasePostTaskExecute(LifecycleAdapter):
    """Called where the task ran, after it finished or failed."""

    @abc.abstractmethod
    def post_task_execute(
        self,
        *,
        run_id: str,
        task_id: str,
        nodes: list[Any],
        results: dict[str, Any] | None,
        success: bool,
        error: Exception | None,
        spawning_task_id: str | None,
        purpose: Any,
    ):
        """Receives the task's outcome."""


@lifecycle.base_hook("post_task_return")
class BasePostTaskReturn(LifecycleAdapter):
    """Called in the driver's process once the task's executor reports its outcome."""

    @abc.abstractmethod
    def post_task_return(
        self,
        *,
        run_id: str,
        task_id: str,
        nodes: list[Any],
        result: Any,
        success: bool,
        error: Exception | None,
        spawning_task_id: str | None,
        purpose: Any,
    ):
        """Receives the task's returned value (``{node: value}``) or its error."""
