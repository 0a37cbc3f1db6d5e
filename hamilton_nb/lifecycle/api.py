"""The hook protocols users implement (Hamilton's ``lifecycle.api`` names and parameters).

Every hook is called with keyword arguments only, and only with the parameters the
implementation declares (or all of them when it takes ``**kwargs``), so new parameters can be
added later without breaking adapters. Implementations are checked when registered.
"""

from __future__ import annotations

import abc
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

try:
    from typing import override  # type: ignore[attr-defined]  # noqa: F401 - Python 3.12+
except ImportError:  # Python 3.10/3.11: typing_extensions' marker (sets __override__)
    from typing_extensions import override  # noqa: F401 - re-exported (Hamilton's name)

if TYPE_CHECKING:
    from hamilton_nb.graph_types import HamiltonGraph, HamiltonNode


class LifecycleAdapter(abc.ABC):  # noqa: B024 - a marker base, deliberately without methods
    """Base of every adapter passed to ``Builder.with_adapters``."""


class NodeExecutionHook(LifecycleAdapter):
    """Runs around every node's execution."""

    @abc.abstractmethod
    def run_before_node_execution(
        self,
        *,
        node_name: str,
        node_tags: dict[str, Any],
        node_kwargs: dict[str, Any],
        node_return_type: type,
        task_id: str | None,
        run_id: str,
        node_input_types: dict[str, Any],
        **future_kwargs: Any,
    ) -> None:
        """Called before the node's function runs."""

    @abc.abstractmethod
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
        run_id: str,
        **future_kwargs: Any,
    ) -> None:
        """Called after the node's function returned or raised."""


class GraphExecutionHook(LifecycleAdapter):
    """Runs around a whole ``execute`` call."""

    @abc.abstractmethod
    def run_before_graph_execution(
        self,
        *,
        graph: HamiltonGraph,
        final_vars: list[str],
        inputs: dict[str, Any],
        overrides: dict[str, Any],
        execution_path: Collection[str],
        run_id: str,
        **future_kwargs: Any,
    ) -> None:
        """Called once the plan is known, before any node runs."""

    @abc.abstractmethod
    def run_after_graph_execution(
        self,
        *,
        graph: HamiltonGraph,
        success: bool,
        error: Exception | None,
        results: dict[str, Any] | None,
        run_id: str,
        **future_kwargs: Any,
    ) -> None:
        """Called after the run finished or failed."""


class TaskExecutionHook(LifecycleAdapter):
    """Runs around each task of a ``Parallelizable`` block (one task per item)."""

    @abc.abstractmethod
    def run_before_task_execution(
        self,
        *,
        task_id: str,
        run_id: str,
        nodes: list[HamiltonNode],
        inputs: dict[str, Any],
        overrides: dict[str, Any],
        spawning_task_id: str | None,
        purpose: Any,
        **future_kwargs: Any,
    ) -> None:
        """Called before a task runs."""

    @abc.abstractmethod
    def run_after_task_execution(
        self,
        *,
        task_id: str,
        run_id: str,
        nodes: list[HamiltonNode],
        results: dict[str, Any] | None,
        success: bool,
        error: Exception | None,
        spawning_task_id: str | None,
        purpose: Any,
        **future_kwargs: Any,
    ) -> None:
        """Called after a task finished or failed."""


class TaskSubmissionHook(LifecycleAdapter):
    """Runs in the driver's process before a task is handed to its executor."""

    @abc.abstractmethod
    def run_before_task_submission(
        self,
        *,
        run_id: str,
        task_id: str,
        nodes: list[HamiltonNode],
        inputs: dict[str, Any],
        overrides: dict[str, Any],
        spawning_task_id: str | None,
        purpose: Any,
        **future_kwargs: Any,
    ) -> None:
        """Called before ``submit_task``."""


class TaskReturnHook(LifecycleAdapter):
    """Runs in the driver's process once a task's executor reports it finished or failed."""

    @abc.abstractmethod
    def run_after_task_return(
        self,
        *,
        run_id: str,
        task_id: str,
        nodes: list[HamiltonNode],
        result: Any,
        success: bool,
        error: Exception | None,
        spawning_task_id: str | None,
        purpose: Any,
        **future_kwargs: Any,
    ) -> None:
        """Called with the task's result (``{node: value}``) or its error."""


class TaskGroupingHook(LifecycleAdapter):
    """Runs when a ``Parallelizable`` block is split into tasks."""

    @abc.abstractmethod
    def run_after_task_grouping(
        self, *, run_id: str, task_ids: list[str], **future_kwargs: Any
    ) -> None:
        """Called with the ids of the block's task groups (expand, block, collect)."""

    @abc.abstractmethod
    def run_after_task_expansion(
        self, *, run_id: str, task_id: str, parameters: dict[str, Any], **future_kwargs: Any
    ) -> None:
        """Called with the expanding task's id and its items (``{"0": item, ...}``)."""


class NodeExecutionMethod(LifecycleAdapter):
    """Replaces how a node's function is called (retries, error sentinels, remote calls)."""

    @abc.abstractmethod
    def run_to_execute_node(
        self,
        *,
        node_name: str,
        node_tags: dict[str, Any],
        node_callable: Any,
        node_kwargs: dict[str, Any],
        task_id: str | None,
        is_expand: bool,
        is_collect: bool,
        **future_kwargs: Any,
    ) -> Any:
        """Compute and return the node's value (normally ``node_callable(**node_kwargs)``)."""


class ResultBuilder(LifecycleAdapter):
    """Turns the requested outputs into what ``execute`` returns."""

    @abc.abstractmethod
    def build_result(self, **outputs: Any) -> Any:
        """Combine the outputs (keyword arguments named after the nodes)."""

    def output_type(self) -> type:
        return Any  # type: ignore[return-value]


class LegacyResultMixin(ResultBuilder, abc.ABC):
    """A result builder whose ``build_result`` is a static method (Hamilton's older style)."""

    @staticmethod
    @abc.abstractmethod
    def build_result(**outputs: Any) -> Any:  # type: ignore[override]
        """Combine the outputs (keyword arguments named after the nodes)."""


class StaticValidator(LifecycleAdapter):
    """Checks the graph when the driver is built; failures stop the build."""

    def run_to_validate_node(
        self, *, node: HamiltonNode, **future_kwargs: Any
    ) -> tuple[bool, str | None]:
        """Return ``(ok, error_message)`` for one node."""
        return True, None

    def run_to_validate_graph(
        self, *, graph: HamiltonGraph, **future_kwargs: Any
    ) -> tuple[bool, str | None]:
        """Return ``(ok, error_message)`` for the whole graph."""
        return True, None


class GraphConstructionHook(LifecycleAdapter):
    """Runs once after the graph is built."""

    @abc.abstractmethod
    def run_after_graph_construction(
        self, *, graph: HamiltonGraph, config: dict[str, Any], **future_kwargs: Any
    ) -> None:
        """Called with the built graph and its config."""


class EdgeConnectionHook(LifecycleAdapter):
    """Replaces the edge type check (build time) and the input type check (execute time)."""

    @abc.abstractmethod
    def check_edge_types_match(self, type_from: type, type_to: type, **kwargs: Any) -> bool:
        """May a value of ``type_from`` flow into a parameter of ``type_to``?"""

    @abc.abstractmethod
    def validate_input(self, node_type: type, input_value: Any, **kwargs: Any) -> bool:
        """Is ``input_value`` acceptable for an input declared as ``node_type``?"""


class GraphAdapter(LifecycleAdapter):
    """Hamilton's older all-in-one adapter: type checks, node execution and result building."""

    @staticmethod
    @abc.abstractmethod
    def check_input_type(node_type: type, input_value: Any) -> bool:
        """Is ``input_value`` acceptable for an input declared as ``node_type``?"""

    @staticmethod
    @abc.abstractmethod
    def check_node_type_equivalence(node_type: type, input_type: type) -> bool:
        """May a node of ``input_type`` feed a parameter of ``node_type``?"""

    @abc.abstractmethod
    def execute_node(self, node: Any, kwargs: dict[str, Any]) -> Any:
        """Run ``node.callable(**kwargs)`` (or an equivalent) and return the value."""

    @staticmethod
    @abc.abstractmethod
    def build_result(**outputs: Any) -> Any:
        """Combine the outputs."""

    def output_type(self) -> type:
        return Any  # type: ignore[return-value]
