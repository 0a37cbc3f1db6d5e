"""``@with_columns``: map operations on a DataFrame's columns, appended back onto it.

Responsibilities:
- ``with_columns_base``: the decorator the pandas and polars plugins share (Hamilton's
  ``with_columns_base``). The functions/modules it is given form a subdag under a namespace
  (the decorated node's name unless given): with ``columns_to_pass`` the first parameter's
  DataFrame (or the ``on_input`` one) is split into the columns those functions use; with
  ``on_input`` alone the functions take that DataFrame themselves. The ``select``ed nodes
  (and what they need; without ``select``: every node, and those returning a column are
  selected) are appended as columns by the ``<namespace>._append`` node, which then feeds
  the decorated function's DataFrame parameter.
- Build-time checks: the parameter exists and is this library's DataFrame, the selected
  nodes exist, passed columns are not also computed, required config keys are present.

A subclass sets ``library`` (the DataFrame kind as ``function_modifiers.columns`` names it)
and ``merge`` (how one library appends named columns). The subdag, the column extraction
and the namespacing are the ones ``@subdag`` and ``@extract_columns`` use.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from types import ModuleType
from typing import Any, ClassVar

from hamilton_nb import errors, htypes
from hamilton_nb.function_modifiers.base import NON_FINAL_TAG, FunctionModifier, Stage, describe_use
from hamilton_nb.function_modifiers.columns import _column_nodes, _column_type, _frame_library
from hamilton_nb.function_modifiers.dependencies import bind_node, source
from hamilton_nb.function_modifiers.extraction import check_names
from hamilton_nb.function_modifiers.recursive import _renamed_inputs, inner_nodes
from hamilton_nb.node import DependencyType, Node

APPEND_NODE = "_append"

_PLUGIN_OF = {
    "pandas": "hamilton_nb.plugins.h_pandas",
    "polars": "hamilton_nb.plugins.h_polars",
    "polars-lazy": "hamilton_nb.plugins.h_polars_lazyframe",
}
_FRAME_NAME = {"pandas": "pd.DataFrame", "polars": "pl.DataFrame", "polars-lazy": "pl.LazyFrame"}


def _name_list(value: Any, label: str, what: str) -> list[str] | None:
    """``value`` (None or a collection of distinct names) as a list; a bare string is a
    mistake (``select="a"`` for ``select=["a"]``); only ``columns_to_pass`` must be non-empty."""
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Collection):
        raise errors.InvalidDecoratorError(
            f"@with_columns: {label}= takes a list of names, got {value!r}; "
            f"write {label}=[{value!r}]."
        )
    if not value and label != "columns_to_pass":
        return []
    return check_names(value, f"@with_columns: {label}=", what)


class with_columns_base(FunctionModifier):  # noqa: N801 - Hamilton's public name
    """Run ``load_from`` (functions or modules) on a DataFrame's columns and append the
    ``select``ed results as columns; see the module docstring for the node layout.

    Raises ``InvalidDecoratorError`` when decorating with a bad combination of arguments
    (``columns_to_pass`` and ``on_input`` exclude each other; one is required) and
    ``UnsupportedDataFrameError`` for ``pass_dataframe_as`` (as Hamilton: use ``on_input``).
    """

    stage = Stage.INPUTS
    single_per_function = True
    library: ClassVar[str]
    # ``merge(frame, {name: column or scalar})``: the frame with those columns set, as a new
    # frame (the input is not modified); a staticmethod of each library's subclass
    merge: ClassVar[Any]

    def __init__(
        self,
        *load_from: Callable[..., Any] | ModuleType,
        columns_to_pass: list[str] | None = None,
        pass_dataframe_as: str | None = None,
        on_input: str | None = None,
        select: list[str] | None = None,
        namespace: str | None = None,
        config_required: list[str] | None = None,
    ) -> None:
        if pass_dataframe_as is not None:
            raise errors.UnsupportedDataFrameError(
                f"@with_columns(pass_dataframe_as={pass_dataframe_as!r}) is not supported; name "
                "the DataFrame parameter with on_input=... instead: the functions then take the "
                "DataFrame under that parameter's name."
            )
        if columns_to_pass is not None and on_input is not None:
            raise errors.InvalidDecoratorError(
                "@with_columns takes columns_to_pass= (the columns are extracted for the "
                "functions) or on_input= (the functions take the DataFrame), not both."
            )
        if columns_to_pass is None and on_input is None:
            raise errors.InvalidDecoratorError(
                "@with_columns needs columns_to_pass=[...] (the DataFrame columns the functions "
                "use) or on_input='param' (the functions take that DataFrame themselves)."
            )
        if not load_from:
            raise errors.InvalidDecoratorError(
                "@with_columns needs the functions or modules to run, e.g. "
                "@with_columns(my_module, columns_to_pass=['a'])."
            )
        for item in load_from:
            if not isinstance(item, ModuleType) and not callable(item):
                raise errors.InvalidDecoratorError(
                    f"@with_columns takes functions or modules to run, got {item!r}."
                )
        for label, text in (("on_input", on_input), ("namespace", namespace)):
            if text is not None and (not isinstance(text, str) or not text):
                raise errors.InvalidDecoratorError(
                    f"@with_columns: {label}= must be a non-empty string, got {text!r}."
                )
        self.load_from = load_from
        self.columns_to_pass = _name_list(columns_to_pass, "columns_to_pass", "column")
        self.on_input = on_input
        self.select = _name_list(select, "select", "node")
        self.namespace = namespace
        self.config_required = _name_list(config_required, "config_required", "config key")

    def required_config(self) -> list[str] | None:
        return None if self.config_required is None else list(self.config_required)

    def rewrite_inputs(
        self, node: Node, config: Mapping[str, Any], fn: Callable[..., Any]
    ) -> list[Node]:
        where = describe_use(fn, "with_columns")
        param = self._frame_parameter(node, where)
        frame_type = node.input_types[param][0]
        self._check_frame_type(param, frame_type, where)
        namespace = self.namespace or node.name
        inner = inner_nodes(self.load_from, self._subdag_config(config, where), where, fn)
        columns = self._columns(param, frame_type, inner, fn, where)
        local: dict[str, Node] = {**columns, **inner}
        selected = self._selected(local, where)
        if self.select is not None:  # as Hamilton: only what the selection needs
            local = _upstream_of(selected, local)
        prefix = namespace + "."

        def rename(dependency: str) -> str:
            return prefix + dependency if dependency in local else dependency

        added = [
            _namespaced(n, namespace, rename, fn, inner=name in inner) for name, n in local.items()
        ]
        append = self._append_node(prefix, param, frame_type, selected, fn, namespace)
        return [bind_node(node, {param: source(append.name)}, where=where), *added, append]

    def _frame_parameter(self, node: Node, where: str) -> str:
        if self.on_input is not None:
            if self.on_input not in node.input_types:
                raise errors.InvalidDecoratorError(
                    f"{where}: on_input={self.on_input!r} is not a parameter of the function "
                    f"(parameters: {', '.join(node.input_types) or 'none'})."
                )
            return self.on_input
        if not node.input_types:
            raise errors.InvalidDecoratorError(
                f"{where}: the function has no parameters; its first parameter must be the "
                "DataFrame to add columns to (or name it with on_input=...)."
            )
        return next(iter(node.input_types))

    def _check_frame_type(self, param: str, frame_type: Any, where: str) -> None:
        library = _frame_library(frame_type)
        if library == self.library:
            return
        expected = _FRAME_NAME[self.library]
        if library is None:
            # as Hamilton: no column type for it (NotImplementedError) when columns are
            # extracted from it, a type mismatch (ValueError) when it is passed on whole
            error = (
                errors.UnsupportedDataFrameError
                if self.columns_to_pass is not None
                else errors.InvalidDecoratorError
            )
            raise error(
                f"{where}: parameter {param!r} is annotated {htypes.type_name(frame_type)}, but "
                f"this @with_columns adds columns to a {expected}. Annotate it {expected}, or "
                "name the DataFrame parameter with on_input=..."
            )
        raise errors.InvalidDecoratorError(
            f"{where}: parameter {param!r} is a {_FRAME_NAME[library]}; use "
            f"{_PLUGIN_OF[library]}.with_columns for it (this one is for {expected})."
        )

    def _subdag_config(self, config: Mapping[str, Any], where: str) -> Mapping[str, Any]:
        if self.config_required is None:
            return config
        missing = [key for key in self.config_required if key not in config]
        if missing:
            raise errors.InvalidDecoratorError(
                f"{where} requires config key(s) {', '.join(map(repr, missing))} "
                "(config_required=); add them with Builder().with_config({...})."
            )
        return {key: config[key] for key in self.config_required}

    def _columns(
        self,
        param: str,
        frame_type: Any,
        inner: Mapping[str, Node],
        fn: Callable[..., Any],
        where: str,
    ) -> dict[str, Node]:
        """The extraction nodes of the passed columns (unnamespaced)."""
        if self.columns_to_pass is None:
            return {}
        computed = [c for c in self.columns_to_pass if c in inner]
        if computed:
            raise errors.InvalidDecoratorError(
                f"{where}: column(s) {computed} are passed from the DataFrame "
                "(columns_to_pass=) and also computed by a function of the same name. Rename "
                "the function, or use on_input=... to overwrite existing columns."
            )
        frame = Node(name=param, type=frame_type, originating_functions=(fn,))
        wanted = [(column, None) for column in self.columns_to_pass]
        nodes = _column_nodes(frame, wanted, None, where, "with_columns")
        return {n.name: n for n in nodes}

    def _selected(self, local: Mapping[str, Node], where: str) -> list[str]:
        if self.select is None:  # every node that returns a column, as Hamilton does
            column_type = _column_type(self.library)
            return [name for name, n in local.items() if _returns(n, column_type)]
        missing = [name for name in self.select if name not in local]
        if missing:
            raise errors.InvalidDecoratorError(
                f"{where}: select= names {missing}, which the subdag does not produce"
                f"{errors.did_you_mean(missing[0], local)}; it has "
                f"{', '.join(map(repr, local)) or 'no nodes'}."
            )
        return list(self.select)

    def _append_node(
        self,
        prefix: str,
        param: str,
        frame_type: Any,
        selected: list[str],
        fn: Callable[..., Any],
        namespace: str,
    ) -> Node:
        column_type = _column_type(self.library)
        frame_class = htypes.base_type(frame_type)
        pairs = [(prefix + column, column) for column in selected]
        merge = self.merge
        name = prefix + APPEND_NODE

        def append_columns(**kwargs: Any) -> Any:
            frame = kwargs[param]
            if not isinstance(frame, frame_class):
                raise errors.NodeTypeError(
                    f"node {name!r} (@with_columns) needs {param!r} to be a "
                    f"{_FRAME_NAME[self.library]}, got {type(frame).__name__}."
                )
            return merge(frame, {column: kwargs[node_name] for node_name, column in pairs})

        input_types = {param: (frame_type, DependencyType.REQUIRED)}
        input_types.update(
            (node_name, (column_type, DependencyType.REQUIRED)) for node_name, _ in pairs
        )
        return Node(
            name=name,
            type=frame_class,
            callable=append_columns,
            input_types=input_types,
            originating_functions=(fn,),
            namespace=(namespace,),
        )


def _returns(node: Node, column_type: type) -> bool:
    returned = htypes.base_type(node.type)
    return isinstance(returned, type) and issubclass(returned, column_type)


def _upstream_of(selected: list[str], local: Mapping[str, Node]) -> dict[str, Node]:
    """The nodes of ``local`` that ``selected`` needs (themselves included), in order."""
    needed: set[str] = set()
    stack = list(selected)
    while stack:
        name = stack.pop()
        if name in needed:
            continue
        needed.add(name)
        stack.extend(dep for dep in local[name].input_types if dep in local)
    return {name: node for name, node in local.items() if name in needed}


def _namespaced(
    node: Node, namespace: str, rename: Callable[[str], str], fn: Callable[..., Any], inner: bool
) -> Node:
    """``node`` as ``namespace.<name>`` reading renamed dependencies; the subdag's own nodes
    are marked non-final and remember ``fn`` as an origin (as ``@subdag`` does)."""
    input_types, call = _renamed_inputs(node, rename)
    origins = node.originating_functions or ()
    return node.copy_with(
        name=f"{namespace}.{node.name}",
        callable=call,
        input_types=input_types,
        tags={**node.tags, NON_FINAL_TAG: True} if inner else dict(node.tags),
        originating_functions=(*origins, fn) if inner else origins,
        namespace=(namespace, *node.namespace),
    )
