"""``Driver``: the public facade over graph building, planning and execution (``Builder``, in
``hamilton_nb.builder``, is re-exported here as Hamilton has it).

The driver holds a built ``FunctionGraph`` and a cache of compiled plans keyed by request
shape (outputs, provided names); everything else is delegated to ``graph``, ``execution``
and ``lifecycle``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from types import ModuleType
from typing import Any

from hamilton_nb import base, errors
from hamilton_nb.builder import Builder as Builder  # Hamilton users import driver.Builder
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
