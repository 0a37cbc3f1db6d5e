"""``Builder`` and ``Driver``: the public facade over graph building, planning and execution.

The driver holds a built ``FunctionGraph`` and a cache of compiled plans keyed by request
shape (outputs, provided names); everything else is delegated to ``graph``, ``execution``
and ``lifecycle``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from types import ModuleType
from typing import Any

from hamilton_nb import base, errors
from hamilton_nb.errors import InvalidExecutorException
from hamilton_nb.execution import execute as _execute
from hamilton_nb.execution import grouped
from hamilton_nb.execution.executors import SynchronousLocalTaskExecutor, TaskExecutor
from hamilton_nb.execution.plan import ExecutionPlan, compile_plan
from hamilton_nb.execution.record import ExecutionRecord
from hamilton_nb.graph import FunctionGraph, build_graph
from hamilton_nb.graph_types import HamiltonGraph, HamiltonNode
from hamilton_nb.lifecycle import api
from hamilton_nb.lifecycle.hooks import HookSet
from hamilton_nb.node import NodeType, matches_query, same_function
from hamilton_nb.visualization.driver_api import VisualizationMixin

FinalVar = str | Callable[..., Any] | HamiltonNode
Variable = HamiltonNode  # Hamilton's name for what list_available_variables returns

# Notebook cell modules are updated in place; each update sets a new value of this attribute.
MODULE_VERSION_ATTR = "__hamilton_nb_version__"


def _module_versions(modules: Iterable[ModuleType]) -> tuple[tuple[dict[str, Any], Any], ...]:
    return tuple((vars(m), vars(m).get(MODULE_VERSION_ATTR)) for m in modules)


class Driver(VisualizationMixin):
    """Builds the dataflow of ``modules`` under ``config`` and executes requested outputs.

    ``Driver(config, *modules, adapter=None)`` is the legacy constructor: unless an adapter
    builds results, ``execute`` returns a pandas DataFrame. ``Builder().build()`` returns dicts.
    """

    def __init__(
        self,
        config: Mapping[str, Any] | None,
        *modules: ModuleType,
        adapter: Any = None,
        allow_module_overrides: bool = False,
        _executor: TaskExecutor | None = None,
        _dynamic_execution: bool = False,
        _default_result_builder: api.ResultBuilder | None = None,
        _materializers: Sequence[Any] = (),
        _local_executor: TaskExecutor | None = None,
        _grouping_strategy: Any = None,
    ) -> None:
        adapters = (
            list(adapter) if isinstance(adapter, (list, tuple)) else [adapter] if adapter else []
        )
        for module in modules:
            if not isinstance(module, ModuleType):
                raise errors.GraphBuildError(
                    f"Driver takes module objects, got {module!r}. Import the module first, "
                    "or use ad_hoc_utils.create_temporary_module(*functions)."
                )
        self.modules = list(modules)
        self.adapters = adapters
        self.hooks = HookSet(adapters)
        self.result_builder = (
            self.hooks.result_builder or _default_result_builder or base.PandasDataFrameResult()
        )
        # a grouping strategy other than the default runs every node as part of a task
        self._grouped = grouped.runner_for(_grouping_strategy, _local_executor, _executor)
        self.executor = _executor or SynchronousLocalTaskExecutor()
        self.materializers = list(_materializers)
        self._build_options = (config, allow_module_overrides, _dynamic_execution)
        self.last_run: ExecutionRecord | None = None
        self.record_timings = False  # when True, last_run.durations holds seconds per node
        self._build()

    def _build(self) -> None:
        """Build the graph of ``self.modules``; also rebuilds after a cell module changed."""
        config, allow_module_overrides, dynamic_execution = self._build_options
        versions = _module_versions(self.modules)
        graph = build_graph(
            self.modules,
            config,
            allow_module_overrides=allow_module_overrides,
            edge_check=self.hooks.edge_check,
        )
        if self.materializers:
            from hamilton_nb.io import materialization

            graph = materialization.extend_graph(graph, self.materializers, self.hooks.edge_check)
        self._validate_statically(graph)
        self._graph = graph
        self._module_versions = versions
        self._plans: dict[tuple[Any, ...], ExecutionPlan] = {}
        if self.hooks.has("run_after_graph_construction"):
            self.hooks.call(
                "run_after_graph_construction",
                graph=HamiltonGraph.from_graph(graph),
                config=dict(graph.config),
                function_graph=graph,  # function_graph, modules: for lifecycle.base adapters
                modules=self.modules,
            )

    @property
    def graph(self) -> FunctionGraph:
        """The built graph. When a notebook cell module it was built from has been re-run
        since, the graph is rebuilt first (and the plan cache cleared), so drivers see the
        cell's new functions without being rebuilt by hand."""
        for namespace, version in self._module_versions:
            if namespace.get(MODULE_VERSION_ATTR) != version:
                self._build()
                break
        return self._graph

    @graph.setter
    def graph(self, graph: FunctionGraph) -> None:
        self._graph = graph

    @property
    def config(self) -> dict[str, Any]:
        return dict(self.graph.config)

    def _validate_statically(self, graph: FunctionGraph) -> None:
        if not (self.hooks.has("run_to_validate_node") or self.hooks.has("run_to_validate_graph")):
            return
        problems = []
        for name in graph.order:
            node = HamiltonNode.from_node(graph.nodes[name])
            calls = self.hooks.call("run_to_validate_node", node=node, node_=graph.nodes[name])
            for ok, message in calls:
                if not ok:
                    problems.append(f"  node {name!r}: {message}")
        for ok, message in self.hooks.call(
            "run_to_validate_graph",
            graph=HamiltonGraph.from_graph(graph),
            function_graph=graph,
            modules=self.modules,
            config=dict(graph.config),
        ):
            if not ok:
                problems.append(f"  graph: {message}")
        if problems:
            raise errors.ValidationError("static validation failed:\n" + "\n".join(problems))

    # -- requests -------------------------------------------------------------------------

    def _final_var_names(self, final_vars: Iterable[FinalVar] | FinalVar) -> list[str]:
        if isinstance(final_vars, (str, HamiltonNode)) or callable(final_vars):
            final_vars = [final_vars]  # type: ignore[list-item]
        names: list[str] = []
        for var in final_vars:  # type: ignore[union-attr]
            if isinstance(var, str):
                names.append(var)
            elif isinstance(var, HamiltonNode):
                names.append(var.name)
            elif callable(var):
                names.extend(self._nodes_of_function(var))
            else:
                raise errors.UnknownNodeError(
                    f"outputs must be node names, functions or HamiltonNode objects; got {var!r}."
                )
        return list(dict.fromkeys(names))

    def _nodes_of_function(self, fn: Callable[..., Any]) -> list[str]:
        produced = [
            n.name
            for n in self.graph.nodes.values()
            if n.originating_functions
            and any(same_function(f, fn) for f in n.originating_functions)
        ]
        if not produced:
            raise errors.UnknownNodeError(
                f"function {getattr(fn, '__name__', fn)!r} defines no node in this driver "
                "(it is not in the driver's modules, or config left it out)."
            )
        own = [n for n in produced if n == fn.__name__ or fn.__name__.startswith(n + "__")]
        return own or produced

    def _prepare(
        self,
        final_vars: Iterable[FinalVar],
        inputs: Mapping[str, Any] | None,
        overrides: Mapping[str, Any] | None,
    ) -> tuple[ExecutionPlan, dict[str, Any]]:
        graph = self.graph  # rebuilt here if a cell module changed
        names = self._final_var_names(final_vars)
        # any mapping will do (a DataFrame gives its columns), as in Hamilton
        inputs = dict(inputs) if inputs is not None else {}
        overrides = dict(overrides) if overrides is not None else {}
        config = graph.config
        clash = sorted(
            k
            for k in inputs
            if k in config and k in graph.nodes and graph.nodes[k].node_role is NodeType.EXTERNAL
        )
        if clash:
            raise errors.ExecutionError(
                f"{clash} given both in the config and in inputs; pass each value in one place."
            )
        values = {
            k: v
            for k, v in config.items()
            if k in graph.nodes and graph.nodes[k].node_role is NodeType.EXTERNAL
        }
        values.update(inputs)
        values.update(overrides)
        # inputs that are no node count when requested: Hamilton returns them as they are
        provided = frozenset(k for k in values if k in graph.nodes or (k in names and k in inputs))
        key = (tuple(names), provided)
        plan = self._plans.get(key)
        if plan is None:
            if graph.block_error or (graph.block_paths and not self._build_options[2]):
                _refuse_parallel_blocks(graph, names, provided)
            plan = compile_plan(graph, names, provided)
            if self._grouped is not None:
                self._grouped.check(graph, plan)
            self._plans[key] = plan
        _execute.check_inputs(plan, values, self.hooks)
        return plan, values

    def raw_execute(
        self,
        final_vars: Sequence[FinalVar],
        overrides: Mapping[str, Any] | None = None,
        display_graph: bool = False,
        inputs: Mapping[str, Any] | None = None,
        _progress: Any = None,
    ) -> dict[str, Any]:
        """Compute ``final_vars``; return ``{name: value}`` without building a result."""
        plan, values = self._prepare(final_vars, inputs, overrides)
        if display_graph:
            self._display_execution(final_vars, inputs, overrides)
        try:
            outputs, self.last_run = _execute.run_plan(
                self._graph,
                plan,
                values,
                self.hooks,
                self.executor,
                inputs=inputs if inputs is not None else {},
                overrides=overrides if overrides is not None else {},
                progress=_progress,
                timed=self.record_timings,
                grouped=self._grouped,
            )
        except Exception as exc:
            self.last_run = getattr(exc, "__hamilton_nb_record__", None)
            raise
        return outputs

    def execute(
        self,
        final_vars: Sequence[FinalVar],
        overrides: Mapping[str, Any] | None = None,
        display_graph: bool = False,
        inputs: Mapping[str, Any] | None = None,
    ) -> Any:
        """Compute ``final_vars`` and return them through the result builder.

        ``inputs`` feed external nodes (an input named like a function node replaces it);
        ``overrides`` replace node values, skipping what only they needed.
        """
        outputs = self.raw_execute(final_vars, overrides, display_graph, inputs)
        return self.result_builder.build_result(**outputs)

    def validate_execution(
        self,
        final_vars: Sequence[FinalVar],
        overrides: Mapping[str, Any] | None = None,
        inputs: Mapping[str, Any] | None = None,
    ) -> None:
        """Raise the error ``execute`` would raise before running anything; else return None."""
        self._prepare(final_vars, inputs, overrides)

    def validate_inputs(
        self,
        final_vars: Sequence[FinalVar],
        inputs: Mapping[str, Any] | None = None,
        overrides: Mapping[str, Any] | None = None,
    ) -> None:
        """Same as ``validate_execution`` (Hamilton's older name)."""
        self._prepare(final_vars, inputs, overrides)

    def materialize(
        self,
        *materializers: Any,
        additional_vars: Sequence[FinalVar] | None = None,
        inputs: Mapping[str, Any] | None = None,
        overrides: Mapping[str, Any] | None = None,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Run ``to.<kind>``/``from_.<kind>`` materializers and ``additional_vars`` in one
        execution; return ``(metadata by saver id, {var: value})``. Without materializers,
        those given to ``Builder.with_materializers`` run."""
        from hamilton_nb.io import materialization

        return materialization.materialize(
            self,
            *materializers,
            additional_vars=additional_vars,
            inputs=inputs,
            overrides=overrides,
        )

    def validate_materialization(
        self,
        *materializers: Any,
        additional_vars: Sequence[FinalVar] | None = None,
        inputs: Mapping[str, Any] | None = None,
        overrides: Mapping[str, Any] | None = None,
    ) -> None:
        """Raise the error ``materialize`` would raise before running anything; else None."""
        from hamilton_nb.io import materialization

        materialization.validate_materialization(
            self,
            *materializers,
            additional_vars=additional_vars,
            inputs=inputs,
            overrides=overrides,
        )

    # -- queries --------------------------------------------------------------------------

    def list_available_variables(
        self, *, tag_filter: Mapping[str, str | list[str] | None] | None = None
    ) -> list[HamiltonNode]:
        """Every node (functions and external inputs), optionally filtered by tags.

        A filter value of ``None`` keeps nodes having the tag; a list keeps any of its values.
        """
        graph = self.graph
        origins = graph.external_origins
        nodes = [HamiltonNode.from_node(graph.nodes[n], origins.get(n)) for n in graph.listing]
        if not tag_filter:
            return nodes
        return [n for n in nodes if matches_query(n.tags, tag_filter)]

    def _nodes(self, names: Collection[str]) -> list[HamiltonNode]:
        graph = self.graph
        origins = graph.external_origins
        return [HamiltonNode.from_node(graph.nodes[n], origins.get(n)) for n in graph.sorted(names)]

    def what_is_upstream_of(self, *node_names: str) -> list[HamiltonNode]:
        """The given nodes and everything they depend on, in topological order."""
        return self._nodes(self.graph.upstream_of(node_names))

    def what_is_downstream_of(self, *node_names: str) -> list[HamiltonNode]:
        """The given nodes and everything depending on them, in topological order."""
        return self._nodes(self.graph.downstream_of(node_names))

    def what_is_the_path_between(
        self, upstream_node_name: str, downstream_node_name: str
    ) -> list[HamiltonNode]:
        """Nodes on any path from the first node to the second (empty when unconnected)."""
        return self._nodes(self.graph.path_between(upstream_node_name, downstream_node_name))

    def has_cycles(self, final_vars: Sequence[FinalVar]) -> bool:
        """Always False for a built driver: cycles are rejected when the graph is built."""
        self.graph.require(self._final_var_names(final_vars), "output")
        return False


def _refuse_parallel_blocks(
    graph: FunctionGraph, names: list[str], provided: frozenset[str]
) -> None:
    """Raise when the request runs a malformed ``Parallelizable``/``Collect`` block, or a
    block without dynamic execution.

    As in Hamilton, such a graph builds and displays; only executing a block is refused."""
    names = [n for n in names if n in graph.nodes]  # the rest: passed through or unknown
    seen, stack = set(names), list(names)
    blocks = []
    while stack:
        node = graph.nodes[stack.pop()]
        if node.node_role in (NodeType.EXPAND, NodeType.COLLECT):
            blocks.append(node.name)
        if node.name in provided:
            continue
        for dependency in node.input_types:
            if dependency not in seen:
                seen.add(dependency)
                stack.append(dependency)
    if blocks and graph.block_error is not None:
        raise errors.ParallelizableError(str(graph.block_error)) from graph.block_error
    if blocks:
        raise InvalidExecutorException(
            f"nodes {sorted(blocks)} form a Parallelizable/Collect block, which needs dynamic "
            "execution: build the driver with "
            "Builder()...enable_dynamic_execution(allow_experimental_mode=True)."
        )


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
