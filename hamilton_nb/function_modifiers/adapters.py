"""Data-adapter decorators: ``load_from``, ``save_to``, ``dataloader``, ``datasaver``.

- ``@load_from.<kind>(path=..., inject_=None)`` (INPUTS): adds ``<node>.load_data.<param>``
  (returns ``(value, metadata)``) and ``<node>.select_data.<param>`` (the value), and feeds
  the value to the parameter.
- ``@save_to.<kind>(path=..., output_name_=None)`` (TRANSFORM): adds a node (default name
  ``save.<node>``) that saves the function's output and returns the metadata.
- ``@dataloader()`` (CREATE): the function returns ``(value, metadata)``; nodes
  ``<name>.loader`` (both) and ``<name>`` (the value).
- ``@datasaver()`` (CREATE): the function saves its inputs and returns a metadata dict.

Kinds come from ``hamilton_nb.io.registry`` (built-ins load on first ``load_from.<kind>``).
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from typing import Any

from hamilton_nb import errors, htypes
from hamilton_nb.function_modifiers.base import FunctionModifier, Stage, sink_nodes
from hamilton_nb.function_modifiers.dependencies import bind_node, source
from hamilton_nb.io import adapter_nodes, registry
from hamilton_nb.node import DependencyType, Node, describe_function

__all__ = ["load_from", "save_to", "dataloader", "datasaver"]


class LoadFromDecorator(FunctionModifier):
    """What ``load_from.<kind>(...)`` returns: load a parameter's value with an adapter."""

    stage = Stage.INPUTS

    def __init__(self, kind: str, inject_: str | None, kwargs: Mapping[str, Any]) -> None:
        self.kind = kind
        label = f"@load_from.{kind}(...)"
        if inject_ is not None and not (isinstance(inject_, str) and inject_.isidentifier()):
            raise errors.InvalidDecoratorError(
                f"{label}: inject_ names the parameter to load into, got {inject_!r}."
            )
        self.inject = inject_
        self.bindings = adapter_nodes.as_bindings(kwargs, label)

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        if callable(fn):  # misnamed arguments fail at decoration, naming the function
            where = f"@load_from.{self.kind} on {describe_function(fn)}"
            registry.check_kind_arguments(self.kind, self.bindings, loading=True, where=where)
        return super().__call__(fn)

    def display_name(self) -> str:  # type: ignore[override]
        return f"load_from.{self.kind}"

    def rewrite_inputs(
        self, node: Node, config: Mapping[str, Any], fn: Callable[..., Any]
    ) -> list[Node]:
        where = adapter_nodes.Where(f"@load_from.{self.kind}", fn)
        param = self._parameter(node, where)
        load_type = node.input_types[param][0]
        adapter = registry.select(
            self.kind, load_type, loading=True, where=where, what=f"parameter {param!r}"
        )
        adapter_nodes.check_arguments(adapter, self.bindings, where)
        value_name = f"{node.name}.select_data.{param}"
        created = adapter_nodes.loader_nodes(
            adapter,
            self.bindings,
            load_type=load_type,
            loader_name=f"{node.name}.load_data.{param}",
            value_name=value_name,
            tag_node=param,
            kind=self.kind,
            where=where,
            origin=(fn,),
        )
        # bind_node formats ``where`` only for an error message
        rewritten = bind_node(node, {param: source(value_name)}, where=typing.cast(str, where))
        return [rewritten, *created]

    def _parameter(self, node: Node, where: adapter_nodes.Where) -> str:
        loaded_prefix = f"{node.name}.select_data."
        params = [p for p in node.input_types if not p.startswith(loaded_prefix)]
        if self.inject is not None:
            if self.inject not in params:
                raise errors.InvalidDecoratorError(
                    f"{where}: inject_={self.inject!r} is not a parameter of the function"
                    f"{errors.did_you_mean(self.inject, params)} "
                    f"(parameters: {', '.join(params) or 'none'})."
                )
            return self.inject
        if len(params) == 1:
            return params[0]
        if not params:
            raise errors.InvalidDecoratorError(
                f"{where}: the function has no parameter to load into; add one, e.g. "
                "def f(data: pd.DataFrame) -> ..."
            )
        loadable = [
            p
            for p in params
            if registry.find(self.kind, node.input_types[p][0], loading=True) is not None
        ]
        if len(loadable) == 1:
            return loadable[0]
        raise errors.InvalidDecoratorError(
            f"{where}: the function has several parameters ({', '.join(params)}); name the one "
            f"to load into with inject_=..., e.g. @load_from.{self.kind}(..., "
            f"inject_={(loadable or params)[0]!r})."
        )


class SaveToDecorator(FunctionModifier):
    """What ``save_to.<kind>(...)`` returns: save the function's output with an adapter."""

    stage = Stage.TRANSFORM

    def __init__(self, kind: str, output_name_: str | None, kwargs: Mapping[str, Any]) -> None:
        self.kind = kind
        label = f"@save_to.{kind}(...)"
        if output_name_ is not None and not (isinstance(output_name_, str) and output_name_):
            raise errors.InvalidDecoratorError(
                f"{label}: output_name_ is the name of the saver node, got {output_name_!r}."
            )
        self.output_name = output_name_
        self.bindings = adapter_nodes.as_bindings(kwargs, label)

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        if callable(fn):  # misnamed arguments fail at decoration, naming the function
            where = f"@save_to.{self.kind} on {describe_function(fn)}"
            registry.check_kind_arguments(self.kind, self.bindings, loading=False, where=where)
        return super().__call__(fn)

    def display_name(self) -> str:  # type: ignore[override]
        return f"save_to.{self.kind}"

    def transform(
        self, nodes: list[Node], config: Mapping[str, Any], fn: Callable[..., Any]
    ) -> list[Node]:
        where = adapter_nodes.Where(f"@save_to.{self.kind}", fn)
        target = self._target(nodes, where)
        adapter = registry.select(
            self.kind,
            target.type,
            loading=False,
            where=where,
            what=f"the output of node {target.name!r}",
        )
        adapter_nodes.check_arguments(adapter, self.bindings, where)
        taken = {n.name for n in nodes}
        if self.output_name is not None:
            name = self.output_name
            if name in taken:
                raise errors.InvalidDecoratorError(
                    f"{where}: output_name_={name!r} is already a node of this function; "
                    "choose another name."
                )
        else:
            name = f"save.{target.name}"
            while name in taken:  # stacked save_to: save.f, save.save.f, ... (Hamilton's names)
                name = f"save.{name}"
        saver = adapter_nodes.saver_node(
            adapter,
            self.bindings,
            name=name,
            data_name=target.name,
            data_type=target.type,
            kind=self.kind,
            where=where,
            origin=(fn,),
        )
        return [*nodes, saver]

    @staticmethod
    def _target(nodes: list[Node], where: adapter_nodes.Where) -> Node:
        own = [n for n in nodes if not n.tags.get(adapter_nodes.SAVER_TAG)]
        finals = sink_nodes(own) or sink_nodes(nodes)
        if len(finals) != 1:
            raise errors.InvalidDecoratorError(
                f"{where}: the function makes {len(finals)} final nodes "
                f"({', '.join(n.name for n in finals)}); save_to saves one. Save each from a "
                "function of its own."
            )
        return finals[0]


class _KindDecorators(metaclass=registry.KindNamespace):
    """Base of ``load_from``/``save_to``: ``<class>.<kind>(...)`` builds a decorator."""

    _loading: bool
    _accessor: str
    _makers: dict[str, Callable[..., FunctionModifier]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise errors.InvalidDecoratorError(
            f"{self._accessor} is used with a kind: @{self._accessor}.<kind>(...), e.g. "
            f"@{self._accessor}.csv(path=...); kinds: {', '.join(registry.kinds(self._loading))}."
        )

    @classmethod
    def _for_kind(cls, kind: str) -> Callable[..., FunctionModifier]:
        maker = cls._makers.get(kind)
        if maker is None:
            maker = cls._makers[kind] = cls._maker(kind)
            maker.__name__ = kind
            maker.__qualname__ = f"{cls._accessor}.{kind}"
            maker.__doc__ = registry.describe_kind(kind, cls._loading)
        return maker

    @classmethod
    def _maker(cls, kind: str) -> Callable[..., FunctionModifier]:
        """The decorator factory for ``kind``; load_from and save_to each define it."""
        raise TypeError(f"{cls.__name__} is an accessor base; use load_from or save_to.")


class load_from(_KindDecorators):  # noqa: N801 - Hamilton's public name
    """``@load_from.<kind>(arg=source(...)|value(...)|literal, ..., inject_=None)``: load the
    parameter's value with the kind's adapter for the parameter's type (``load_from.csv``,
    ``.parquet``, ``.json``, ``.pickle``, ``.feather``, ``.literal``, ``.file`` and registered
    kinds). With several parameters, ``inject_`` names the one to load into."""

    _loading = True
    _accessor = "load_from"
    _makers: dict[str, Callable[..., FunctionModifier]] = {}

    @classmethod
    def _maker(cls, kind: str) -> Callable[..., FunctionModifier]:
        def make(inject_: str | None = None, **kwargs: Any) -> LoadFromDecorator:
            return LoadFromDecorator(kind, inject_, kwargs)

        return make


class save_to(_KindDecorators):  # noqa: N801 - Hamilton's public name
    """``@save_to.<kind>(arg=source(...)|value(...)|literal, ..., output_name_=None)``: add a
    node (``output_name_``, default ``save.<node>``) that saves the function's output and
    returns the adapter's metadata."""

    _loading = False
    _accessor = "save_to"
    _makers: dict[str, Callable[..., FunctionModifier]] = {}

    @classmethod
    def _maker(cls, kind: str) -> Callable[..., FunctionModifier]:
        def make(output_name_: str | None = None, **kwargs: Any) -> SaveToDecorator:
            return SaveToDecorator(kind, output_name_, kwargs)

        return make


def _no_arguments(decorator: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    if args or kwargs:
        raise errors.InvalidDecoratorError(
            f"@{decorator} takes no arguments: write @{decorator}() with empty parentheses "
            "above the function."
        )


def _is_metadata_type(tp: Any) -> bool:
    """``dict``, ``Mapping``, and their parameterized forms (``dict[str, Any]``, ``Dict``)."""
    tp = htypes.base_type(tp)
    return tp in (dict, Mapping) or typing.get_origin(tp) in (dict, Mapping)


class dataloader(FunctionModifier):  # noqa: N801 - Hamilton's public name
    """``@dataloader()``: the function loads data and returns ``(value, metadata_dict)``,
    annotated ``tuple[T, dict]``. Nodes: ``<name>.loader`` (the tuple) and ``<name>`` (T)."""

    stage = Stage.CREATE
    single_per_function = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _no_arguments("dataloader", args, kwargs)

    def create(self, fn: Callable[..., Any], name: str, config: Mapping[str, Any]) -> list[Node]:
        loader_name = f"{name}.loader"
        loader = Node.from_function(fn, name=loader_name)
        value_type = self._value_type(loader.type, fn)
        tags = {
            adapter_nodes.LOADER_TAG: True,
            f"{adapter_nodes.LOADER_TAG}.has_metadata": True,
            f"{adapter_nodes.LOADER_TAG}.node": name,
            f"{adapter_nodes.LOADER_TAG}.classname": f"{name}()",
            f"{adapter_nodes.LOADER_TAG}.source": "loader",
        }
        loader = loader.copy_with(tags={**loader.tags, **tags})  # keeps "module", as Hamilton
        where = f"@dataloader on {describe_function(fn)}"

        def select(**kwargs: Any) -> Any:
            result = kwargs[loader_name]
            if not (isinstance(result, tuple) and len(result) == 2):
                raise TypeError(
                    f"{where}: the function returned {type(result).__name__}; a dataloader "
                    "returns a (value, metadata_dict) tuple."
                )
            return result[0]

        value_node = Node(
            name=name,
            type=value_type,
            callable=select,
            input_types={loader_name: (loader.type, DependencyType.REQUIRED)},
            tags={
                **tags,
                f"{adapter_nodes.LOADER_TAG}.has_metadata": False,
                f"{adapter_nodes.LOADER_TAG}.source": name,
            },
            originating_functions=(fn,),
        )
        return [loader, value_node]

    @staticmethod
    def _value_type(return_type: Any, fn: Callable[..., Any]) -> Any:
        args = typing.get_args(return_type)
        origin = typing.get_origin(return_type)
        if origin is not tuple or len(args) != 2 or not _is_metadata_type(args[1]):
            raise errors.InvalidDecoratorError(
                f"{describe_function(fn)}: @dataloader functions return (value, metadata); "
                f"annotate the return as tuple[T, dict], got {htypes.type_name(return_type)}."
            )
        return args[0]


class datasaver(FunctionModifier):  # noqa: N801 - Hamilton's public name
    """``@datasaver()``: the function saves its inputs and returns a metadata dict (annotated
    ``dict``); the node is tagged as a data saver."""

    stage = Stage.CREATE
    single_per_function = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _no_arguments("datasaver", args, kwargs)

    def create(self, fn: Callable[..., Any], name: str, config: Mapping[str, Any]) -> list[Node]:
        node = Node.from_function(fn, name=name)
        if not _is_metadata_type(node.type):
            raise errors.InvalidDecoratorError(
                f"{describe_function(fn)}: @datasaver functions return a metadata dict; "
                f"annotate the return as dict, got {htypes.type_name(node.type)}."
            )
        where = f"@datasaver on {describe_function(fn)}"

        def save(**kwargs: Any) -> Any:
            metadata = fn(**kwargs)
            if not isinstance(metadata, Mapping):
                raise TypeError(
                    f"{where}: the function returned {type(metadata).__name__}; a datasaver "
                    "returns a dict of metadata (e.g. {'path': path})."
                )
            return metadata

        return [
            node.copy_with(
                callable=save,
                tags={
                    **node.tags,
                    adapter_nodes.SAVER_TAG: True,
                    f"{adapter_nodes.SAVER_TAG}.sink": name,
                    f"{adapter_nodes.SAVER_TAG}.classname": f"{name}()",
                },
            )
        ]
