"""``Builder``: fluent construction of a ``Driver`` (``hamilton_nb.driver.Builder``).

Settings are collected and checked as they are given; ``build()`` hands them to ``Driver``
(imported there, so ``driver`` can re-export this class without an import cycle).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

from hamilton_nb import base, errors
from hamilton_nb.execution.executors import TaskExecutor
from hamilton_nb.lifecycle import api
from hamilton_nb.lifecycle.hooks import HookSet

if TYPE_CHECKING:
    from hamilton_nb.driver import Driver  # noqa: F401 - the return annotation of build()


class Builder:
    """Fluent construction of a ``Driver`` (results as dicts unless an adapter says otherwise)."""

    def __init__(self) -> None:
        self.modules: list[ModuleType] = []
        self.config: dict[str, Any] = {}
        self.adapters: list[Any] = []
        self._allow_module_overrides = False
        self._dynamic = False
        self._local_executor: TaskExecutor | None = None
        self._remote_executor: TaskExecutor | None = None
        self._grouping_strategy: Any = None
        self.materializers: list[Any] = []

    def with_modules(self, *modules: ModuleType) -> Builder:
        self.modules.extend(modules)
        return self

    def with_config(self, config: Mapping[str, Any]) -> Builder:
        """Merge ``config`` into the builder's config (later keys win)."""
        self.config.update(config)
        return self

    def with_adapters(self, *adapters: api.LifecycleAdapter) -> Builder:
        HookSet([*self.adapters, *adapters])  # validates now: a misspelt hook fails here
        self.adapters.extend(adapters)
        return self

    def with_adapter(self, adapter: api.LifecycleAdapter) -> Builder:
        return self.with_adapters(adapter)

    def allow_module_overrides(self) -> Builder:
        """Let a later module redefine a node of an earlier one instead of raising."""
        self._allow_module_overrides = True
        return self

    def enable_dynamic_execution(self, *, allow_experimental_mode: bool = False) -> Builder:
        """Allow ``Parallelizable``/``Collect`` and custom executors."""
        if not allow_experimental_mode:
            raise errors.ExecutionError(
                "call enable_dynamic_execution(allow_experimental_mode=True) "
                "(the flag is kept for compatibility with Hamilton)."
            )
        self._dynamic = True
        return self

    def _require_dynamic(self, what: str) -> None:
        if not self._dynamic:
            raise errors.ExecutionError(
                f"{what} needs dynamic execution: call "
                ".enable_dynamic_execution(allow_experimental_mode=True) first."
            )

    def with_local_executor(self, executor: TaskExecutor) -> Builder:
        """Executor for tasks that are not ``execute_block`` tasks (as Hamilton's
        ``DefaultExecutionManager`` routes them). With the default grouping, nodes outside
        parallel blocks run in the driver's compiled loop instead."""
        self._require_dynamic("with_local_executor")
        self._local_executor = executor
        return self

    def with_remote_executor(self, executor: TaskExecutor) -> Builder:
        """Executor for the per-item tasks of ``Parallelizable`` blocks."""
        self._require_dynamic("with_remote_executor")
        from hamilton_nb.execution.executors import ManagedExecutor

        if isinstance(self._remote_executor, ManagedExecutor):
            raise errors.ExecutionError(
                "with_remote_executor and with_execution_manager cannot both be used: "
                "give the manager the remote executor instead."
            )
        if not isinstance(executor, TaskExecutor):
            raise errors.ExecutionError(
                f"with_remote_executor takes a TaskExecutor (e.g. MultiThreadingExecutor(4)), "
                f"got {executor!r}."
            )
        self._remote_executor = executor
        return self

    def with_execution_manager(self, execution_manager: Any) -> Builder:
        """An ``ExecutionManager`` chooses the executor of each block task (instead of
        ``with_remote_executor``; the two cannot be combined)."""
        from hamilton_nb.execution.executors import ManagedExecutor

        self._require_dynamic("with_execution_manager")
        if self._remote_executor is not None:
            raise errors.ExecutionError(
                "with_execution_manager and with_remote_executor cannot both be used: "
                "give the manager the remote executor instead."
            )
        self._remote_executor = ManagedExecutor(execution_manager)
        return self

    def with_grouping_strategy(self, grouping_strategy: Any) -> Builder:
        """Group the nodes outside parallel blocks into tasks the way ``grouping_strategy``
        (``hamilton_nb.execution.grouping``) says, and run them through the executors.

        ``GroupByRepeatableBlocks`` (the default) keeps the compiled loop; the other strategies
        support no ``Parallelizable`` blocks. Raises ``ExecutionError`` when set twice."""
        self._require_dynamic("with_grouping_strategy")
        if self._grouping_strategy is not None:
            raise errors.ExecutionError(
                "with_grouping_strategy was already called; a driver has one grouping strategy."
            )
        if not callable(getattr(grouping_strategy, "group_nodes", None)):
            raise errors.ExecutionError(
                "with_grouping_strategy takes a GroupingStrategy (e.g. "
                f"grouping.GroupNodesIndividually()), got {grouping_strategy!r}."
            )
        self._grouping_strategy = grouping_strategy
        return self

    def copy(self) -> Builder:
        """An independent builder with the same settings."""
        other = Builder()
        other.modules = list(self.modules)
        other.config = dict(self.config)
        other.adapters = list(self.adapters)
        other._allow_module_overrides = self._allow_module_overrides
        other._dynamic = self._dynamic
        other._local_executor = self._local_executor
        other._remote_executor = self._remote_executor
        other._grouping_strategy = self._grouping_strategy
        other.materializers = list(self.materializers)
        return other

    def with_materializers(self, *materializers: Any) -> Builder:
        """Add ``to.<kind>``/``from_.<kind>`` nodes to the graph; run the savers with
        ``dr.materialize()`` (or request their ids with ``execute``)."""
        from hamilton_nb.io import materialization

        self.materializers.extend(materialization.check_materializers(materializers))
        return self

    def build(self) -> Driver:
        """Build the driver; raises a ``GraphBuildError`` subclass when the dataflow is invalid."""
        from hamilton_nb.driver import Driver

        return Driver(
            self.config,
            *self.modules,
            adapter=list(self.adapters),
            allow_module_overrides=self._allow_module_overrides,
            _executor=self._remote_executor,
            _dynamic_execution=self._dynamic,
            _default_result_builder=base.DictResult(),
            _materializers=list(self.materializers),
            _local_executor=self._local_executor,
            _grouping_strategy=self._grouping_strategy,
        )
