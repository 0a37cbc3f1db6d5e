"""Materializers: ``to.<kind>`` saves node values, ``from_.<kind>`` loads a node's value.

Responsibilities:
- ``to.<kind>(id=..., dependencies=[...], combine=None, **kwargs)`` -> ``MaterializerFactory``
  and ``from_.<kind>(target=..., **kwargs)`` -> ``ExtractorFactory``: descriptions that become
  nodes once the graph, hence the types, is known.
- ``extend_graph``: the driver's graph plus materializer nodes (used by ``Builder
  .with_materializers`` and ``Driver.materialize``), without re-resolving any function.
- ``materialize`` / ``validate_materialization``: the bodies of the ``Driver`` methods; savers
  and ``additional_vars`` are computed in one execution.

Node names follow Hamilton: a saver node is named ``id``; with ``combine`` the dependencies are
first joined by ``<id>_build_result``; ``from_`` adds ``load_data.<target>`` and replaces
``<target>`` with the loaded value.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from hamilton_nb import errors
from hamilton_nb.graph import FunctionGraph, build_graph
from hamilton_nb.io import adapter_nodes, registry
from hamilton_nb.node import DependencyType, Node, NodeType, same_function

EdgeCheck = Callable[[Any, Any], bool]


class MaterializerFactory:
    """Save the value of ``dependencies`` (joined by ``combine`` when several) as ``kind``."""

    def __init__(
        self,
        id: str,  # noqa: A002 - Hamilton's argument name
        kind: str,
        dependencies: Sequence[Any],
        combine: Any = None,
        kwargs: Mapping[str, Any] | None = None,
    ) -> None:
        self.kind = kind
        if not isinstance(id, str) or not id:
            raise errors.InvalidDecoratorError(
                f"to.{kind}(id=...) names the saver node; got {id!r}."
            )
        self.id = id
        where = f"to.{kind}(id={id!r})"
        if isinstance(dependencies, (str, bytes)) or callable(dependencies):
            dependencies = [dependencies]
        self.dependencies = list(dependencies or ())
        if not self.dependencies:
            raise errors.InvalidDecoratorError(
                f"{where}: dependencies=[...] must name at least one node to save."
            )
        if combine is not None and not callable(getattr(combine, "build_result", None)):
            raise errors.InvalidDecoratorError(
                f"{where}: combine= takes a result builder (e.g. base.PandasDataFrameResult()), "
                f"got {combine!r}."
            )
        if combine is None and len(self.dependencies) > 1:
            raise errors.InvalidDecoratorError(
                f"{where}: {len(self.dependencies)} dependencies need combine=... to join them "
                "into one value, e.g. combine=base.PandasDataFrameResult()."
            )
        self.combine = combine
        self.bindings = adapter_nodes.as_bindings(kwargs or {}, where)
        registry.check_kind_arguments(kind, self.bindings, loading=False, where=where)

    def __repr__(self) -> str:
        return f"to.{self.kind}(id={self.id!r}, dependencies={self.dependencies!r})"

    def nodes(self, graph: FunctionGraph) -> list[Node]:
        """The saver node (after a ``<id>_build_result`` node when ``combine`` is given)."""
        where = repr(self)
        names = graph.require(
            _dependency_names(graph, self.dependencies, where),
            f"dependency of {where}",
        )
        created: list[Node] = []
        if self.combine is None:
            data_name = names[0]
            data_type = graph.nodes[data_name].type
        else:
            data_name = f"{self.id}_build_result"
            data_type = _output_type(self.combine)
            created.append(
                Node(
                    name=data_name,
                    type=data_type,
                    callable=_combiner(self.combine),
                    input_types={n: (graph.nodes[n].type, DependencyType.REQUIRED) for n in names},
                    documentation=f"Joins {names} for {where}.",
                )
            )
        adapter = registry.select(
            self.kind, data_type, loading=False, where=where, what=f"node {data_name!r}"
        )
        adapter_nodes.check_arguments(adapter, self.bindings, where)
        created.append(
            adapter_nodes.saver_node(
                adapter,
                self.bindings,
                name=self.id,
                data_name=data_name,
                data_type=data_type,
                kind=self.kind,
                where=where,
                origin=None,
            )
        )
        return created


class ExtractorFactory:
    """Load the value of node ``target`` (an input, or a node it replaces) as ``kind``."""

    def __init__(self, target: str, kind: str, kwargs: Mapping[str, Any] | None = None) -> None:
        self.kind = kind
        if not isinstance(target, str) or not target:
            raise errors.InvalidDecoratorError(
                f"from_.{kind}(target=...) names the node to load; got {target!r}."
            )
        self.target = target
        where = repr(self)
        self.bindings = adapter_nodes.as_bindings(kwargs or {}, where)
        registry.check_kind_arguments(kind, self.bindings, loading=True, where=where)

    def __repr__(self) -> str:
        return f"from_.{self.kind}(target={self.target!r})"

    def nodes(self, graph: FunctionGraph) -> list[Node]:
        """``load_data.<target>`` and ``<target>``, typed as the graph uses ``target``."""
        where = repr(self)
        graph.require([self.target], f"target of {where}")
        load_type = graph.nodes[self.target].type
        adapter = registry.select(
            self.kind, load_type, loading=True, where=where, what=f"node {self.target!r}"
        )
        adapter_nodes.check_arguments(adapter, self.bindings, where)
        return adapter_nodes.loader_nodes(
            adapter,
            self.bindings,
            load_type=load_type,
            loader_name=f"load_data.{self.target}",
            value_name=self.target,
            tag_node=self.target,
            kind=self.kind,
            where=where,
            origin=None,
        )


Materializer = MaterializerFactory | ExtractorFactory


class to(metaclass=registry.KindNamespace):  # noqa: N801 - Hamilton's public name
    """``to.<kind>(id=..., dependencies=[...], combine=None, **kwargs)``: a materializer saving
    the dependencies' value; run it with ``Driver.materialize``."""

    _loading = False
    _accessor = "to"

    @classmethod
    def _for_kind(cls, kind: str) -> Callable[..., MaterializerFactory]:
        def make(
            id: str,  # noqa: A002 - Hamilton's argument name
            dependencies: Sequence[Any],
            combine: Any = None,
            **kwargs: Any,
        ) -> MaterializerFactory:
            return MaterializerFactory(id, kind, dependencies, combine, kwargs)

        return _named(make, f"to.{kind}", registry.describe_kind(kind, False))


class from_(metaclass=registry.KindNamespace):  # noqa: N801 - Hamilton's public name
    """``from_.<kind>(target=..., **kwargs)``: a materializer loading node ``target``'s value;
    run it with ``Driver.materialize``."""

    _loading = True
    _accessor = "from_"

    @classmethod
    def _for_kind(cls, kind: str) -> Callable[..., ExtractorFactory]:
        def make(target: str, **kwargs: Any) -> ExtractorFactory:
            return ExtractorFactory(target, kind, kwargs)

        return _named(make, f"from_.{kind}", registry.describe_kind(kind, True))


def _named(fn: Callable[..., Any], qualname: str, doc: str) -> Callable[..., Any]:
    fn.__name__ = qualname.rsplit(".", 1)[-1]
    fn.__qualname__ = qualname
    fn.__doc__ = doc
    return fn


def _dependency_names(graph: FunctionGraph, dependencies: Iterable[Any], where: str) -> list[str]:
    names: list[str] = []
    for dependency in dependencies:
        if isinstance(dependency, str):
            names.append(dependency)
        elif isinstance(getattr(dependency, "name", None), str) and not callable(dependency):
            names.append(dependency.name)  # a HamiltonNode
        elif callable(dependency):
            made = [
                n.name
                for n in graph.nodes.values()
                if n.originating_functions
                and any(same_function(f, dependency) for f in n.originating_functions)
            ]
            own = [n for n in made if n == getattr(dependency, "__name__", None)]
            if not made:
                raise errors.UnknownNodeError(
                    f"{where}: function {getattr(dependency, '__name__', dependency)!r} "
                    "defines no node in this dataflow."
                )
            names.extend(own or made)
        else:
            raise errors.InvalidDecoratorError(
                f"{where}: dependencies are node names or functions, got {dependency!r}."
            )
    return names


def _output_type(combine: Any) -> Any:
    output_type = getattr(combine, "output_type", None)
    if callable(output_type):
        try:
            return output_type()
        except Exception:  # a builder whose output type cannot be computed
            return Any
    return Any


def _combiner(combine: Any) -> Callable[..., Any]:
    def build(**outputs: Any) -> Any:
        return combine.build_result(**outputs)

    return build


def check_materializers(materializers: Iterable[Any]) -> list[Materializer]:
    """The materializers as a list; raise ``ExecutionError`` for anything else."""
    checked = list(materializers)
    for materializer in checked:
        if not isinstance(materializer, (MaterializerFactory, ExtractorFactory)):
            raise errors.ExecutionError(
                f"materializers are made with to.<kind>(...) or from_.<kind>(...) "
                f"(hamilton_nb.io.materialization); got {materializer!r}."
            )
    return checked


def extend_graph(
    graph: FunctionGraph, materializers: Iterable[Any], edge_check: EdgeCheck | None = None
) -> FunctionGraph:
    """A new graph: ``graph``'s nodes plus the materializers' (a ``from_`` target replaces the
    input or node of that name). Raises ``DuplicateNodeError`` when a node name is taken."""
    made: dict[str, str] = {}  # node name -> materializer
    new_nodes: list[Node] = []
    replaceable: set[str] = set()
    clashes: list[str] = []
    for materializer in check_materializers(materializers):
        if isinstance(materializer, ExtractorFactory):
            replaceable.add(materializer.target)
        for node in materializer.nodes(graph):
            if node.name in made:
                clashes.append(
                    f"node {node.name!r} is made by {made[node.name]} and {materializer!r}"
                )
            made[node.name] = repr(materializer)
            new_nodes.append(node)
    for node in new_nodes:
        existing = graph.nodes.get(node.name)
        if (
            existing is not None
            and existing.node_role is not NodeType.EXTERNAL
            and node.name not in replaceable
        ):
            clashes.append(f"{made[node.name]} makes node {node.name!r}, which already exists")
    if clashes:
        raise errors.DuplicateNodeError(
            "; ".join(clashes) + ". Give each materializer an id= that is not a node name."
        )
    kept = [n for n in graph.nodes.values() if n.node_role is not NodeType.EXTERNAL]
    extended = build_graph([], graph.config, edge_check=edge_check, extra_nodes=[*kept, *new_nodes])
    extended.excluded = graph.excluded
    return extended


def _driver_view(driver: Any, materializers: Sequence[Any]) -> tuple[Any, list[str]]:
    """A driver over the graph extended by ``materializers`` (the driver itself when there are
    none: then the savers given to ``Builder.with_materializers`` run) and the saver ids."""
    if not materializers:
        own = getattr(driver, "materializers", ())
        return driver, [m.id for m in own if isinstance(m, MaterializerFactory)]
    graph = extend_graph(driver.graph, materializers, driver.hooks.edge_check)
    view = copy.copy(driver)
    view.graph = graph
    view._plans = {}
    return view, [m.id for m in materializers if isinstance(m, MaterializerFactory)]


def _requested(
    view: Any, saver_ids: list[str], additional_vars: Any
) -> tuple[list[str], list[str]]:
    extra = view._final_var_names(additional_vars) if additional_vars else []
    final = list(dict.fromkeys([*extra, *saver_ids]))
    if not final:
        raise errors.ExecutionError(
            "materialize() has nothing to compute: pass to.<kind>(...) materializers (or give "
            "them to Builder().with_materializers(...)), or additional_vars=[...]."
        )
    return extra, final


def materialize(
    driver: Any,
    *materializers: Any,
    additional_vars: Sequence[Any] | None = None,
    inputs: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run the materializers and ``additional_vars`` in one execution.

    Returns ``(metadata by saver id, {additional var: value})``.
    """
    view, saver_ids = _driver_view(driver, materializers)
    extra, final = _requested(view, saver_ids, additional_vars)
    try:
        outputs = view.raw_execute(final, overrides=overrides, inputs=inputs)
    finally:
        if view is not driver:
            driver.last_run = view.last_run
    return {i: outputs[i] for i in saver_ids}, {n: outputs[n] for n in extra}


def validate_materialization(
    driver: Any,
    *materializers: Any,
    additional_vars: Sequence[Any] | None = None,
    inputs: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> None:
    """Raise what ``materialize`` would raise before running anything; else return None."""
    view, saver_ids = _driver_view(driver, materializers)
    _, final = _requested(view, saver_ids, additional_vars)
    view.validate_execution(final, overrides=overrides, inputs=inputs)


Materialize = to  # Hamilton's base of ``to``: ``Materialize.csv(...)`` is ``to.csv(...)``
Extract = from_  # likewise for ``from_``


def process_kwargs(data_saver_kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Keep ``source(...)``/``value(...)`` arguments; wrap every other value in ``value(...)``."""
    from hamilton_nb.function_modifiers.dependencies import (
        LiteralDependency,
        UpstreamDependency,
        value,
    )

    return {
        name: arg if isinstance(arg, (LiteralDependency, UpstreamDependency)) else value(arg)
        for name, arg in data_saver_kwargs.items()
    }


def _kind_of(adapters: Sequence[type[Any]], what: str) -> str:
    kinds = {adapter.name() for adapter in adapters}
    if len(kinds) != 1:
        raise errors.InvalidDecoratorError(
            f"{what} takes adapter classes of one kind (one name()); got kinds {sorted(kinds)}."
        )
    for adapter in adapters:  # unregistered classes are registered, so the kind finds them
        registry.register_adapter(adapter)
    return kinds.pop()


def partial_materializer(data_savers: Sequence[type[Any]]) -> Callable[..., MaterializerFactory]:
    """A ``to.<kind>``-like factory for ``data_savers`` (classes of one kind)."""
    kind = _kind_of(data_savers, "partial_materializer")

    def create(
        id: str,  # noqa: A002 - Hamilton's argument name
        dependencies: Sequence[Any],
        combine: Any = None,
        **kwargs: Any,
    ) -> MaterializerFactory:
        return MaterializerFactory(id, kind, dependencies, combine, kwargs)

    return create


def partial_extractor(data_loaders: Sequence[type[Any]]) -> Callable[..., ExtractorFactory]:
    """A ``from_.<kind>``-like factory for ``data_loaders`` (classes of one kind)."""
    kind = _kind_of(data_loaders, "partial_extractor")

    def create(target: str, **kwargs: Any) -> ExtractorFactory:
        return ExtractorFactory(target, kind, kwargs)

    return create


def modify_graph(
    fn_graph: FunctionGraph,
    materializer_factories: Sequence[MaterializerFactory],
    extractor_factories: Sequence[ExtractorFactory],
) -> FunctionGraph:
    """A new graph with the savers' and loaders' nodes added (loaders replace their target)."""
    return extend_graph(fn_graph, [*materializer_factories, *extractor_factories])
