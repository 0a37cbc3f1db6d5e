"""Nodes: the plain data the graph is made of.

A node is a name, an output type, a callable taking keyword arguments, and the typed
dependencies it needs. ``Node.from_function`` reads all of that from an annotated function.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

from hamilton_nb import errors, htypes


class DependencyType(enum.Enum):
    """Whether a parameter must be provided (``REQUIRED``) or has a default (``OPTIONAL``)."""

    REQUIRED = 1
    OPTIONAL = 2


class NodeType(enum.Enum):
    """The role a node plays in execution."""

    STANDARD = 1
    EXTERNAL = 2  # a value supplied from outside (input or config)
    EXPAND = 3  # returns Parallelizable[T]: fans out
    COLLECT = 4  # has a Collect[T] parameter: fans in


@dataclasses.dataclass(frozen=True, eq=False)
class Node:
    """One value in the dataflow and how to compute it.

    ``callable`` is called with keyword arguments named after ``input_types``; external
    nodes have no callable. The constructor also takes Hamilton's spelling
    (``Node(name, typ, doc_string, callabl, node_source, input_types, tags, ...)``) for custom
    decorators ported from Hamilton; the engine builds nodes with ``_fast_node`` instead.
    """

    name: str
    type: Any
    callable: Callable[..., Any] | None = None
    input_types: Mapping[str, tuple[Any, DependencyType]] = dataclasses.field(default_factory=dict)
    tags: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    documentation: str = ""
    node_role: NodeType = NodeType.STANDARD
    originating_functions: tuple[Callable[..., Any], ...] | None = None
    namespace: tuple[str, ...] = ()

    def __init__(
        self,
        name: str,
        typ: Any = None,
        doc_string: str = "",
        callabl: Callable[..., Any] | None = None,
        node_source: NodeType = NodeType.STANDARD,
        input_types: Mapping[str, Any] | None = None,
        tags: Mapping[str, Any] | None = None,
        namespace: tuple[str, ...] = (),
        originating_functions: tuple[Callable[..., Any], ...] | None = None,
        optional_values: Mapping[str, Any] | None = None,
        **ours: Any,
    ) -> None:
        """Hamilton's positional order; our field names (``type``, ``callable``,
        ``documentation``, ``node_role``) are accepted as keywords. Without ``input_types`` a
        non-external node's dependencies are read from ``callable``'s signature and hints."""
        unknown = ours.keys() - _OUR_SPELLING
        if unknown:
            raise TypeError(f"Node() got unexpected keyword argument(s) {sorted(unknown)}")
        typ = ours.get("type", typ)
        callabl = ours.get("callable", callabl)
        node_source = ours.get("node_role", node_source)
        if typ is None or typ is inspect.Parameter.empty:
            raise errors.GraphBuildError(
                f"node {name!r} needs a type: pass typ= (use typing.Any when any value fits)."
            )
        if input_types is not None:
            inputs = _typed_inputs(input_types)
        elif callabl is not None and node_source is not NodeType.EXTERNAL:
            inputs = _inputs_of(callabl, name)
        else:
            inputs = {}
        self.__dict__.update(
            name=name,
            type=typ,
            callable=callabl,
            input_types=inputs,
            tags=dict(tags) if tags is not None else {},
            documentation=ours.get("documentation", doc_string),
            node_role=node_source,
            originating_functions=originating_functions,
            namespace=tuple(namespace),
        )
        if optional_values:
            self.__dict__[_DEFAULTS_KEY] = dict(optional_values)

    @property
    def typ(self) -> Any:
        """Hamilton's spelling of ``type``."""
        return self.type

    @property
    def user_defined(self) -> bool:
        """Hamilton's name for an external node (its value is given by the user)."""
        return self.node_role is NodeType.EXTERNAL

    @property
    def is_external_input(self) -> bool:
        return self.node_role is NodeType.EXTERNAL

    def copy_with(self, include_refs: bool = True, **changes: Any) -> Node:
        """A copy of this node with the given fields replaced (our field names or Hamilton's
        constructor keywords: ``typ``, ``doc_string``, ``callabl``, ``node_source``,
        ``optional_values``). ``include_refs`` is accepted for Hamilton code: our nodes hold
        no links to other nodes."""
        unknown = changes.keys() - _FIELDS
        if unknown:
            changes = _our_spelling(changes, unknown)
        inputs = changes.get("input_types")
        if inputs is not None and not all(type(v) is tuple for v in inputs.values()):
            changes["input_types"] = _typed_inputs(inputs)
        return _fast_node({**self.__dict__, **changes})

    def copy(self, include_refs: bool = True) -> Node:
        """An unchanged copy (Hamilton's ``Node.copy``)."""
        return self.copy_with()

    @property
    def default_parameter_values(self) -> dict[str, Any]:
        """Default values of the optional parameters (given as ``optional_values``, else read
        from the callable's signature)."""
        given = self.__dict__.get(_DEFAULTS_KEY)
        if given is not None:
            return dict(given)
        optional = [p for p, (_, d) in self.input_types.items() if d is DependencyType.OPTIONAL]
        if not optional or self.callable is None:
            return {}
        try:
            parameters = inspect.signature(self.callable).parameters
        except (TypeError, ValueError):
            return {}
        return {
            p: parameters[p].default
            for p in optional
            if p in parameters and parameters[p].default is not inspect.Parameter.empty
        }

    def requires(self, dependency: str) -> bool:
        """Whether ``dependency`` is a required input of this node."""
        entry = self.input_types.get(dependency)
        return entry is not None and entry[1] is DependencyType.REQUIRED

    def add_tag(self, tag_name: str, tag_value: Any) -> None:
        """Set one tag on this node only (Hamilton's in-place ``add_tag``; other nodes sharing
        the tag mapping are not affected)."""
        self.__dict__["tags"] = {**self.tags, tag_name: tag_value}

    def reassign_inputs(
        self,
        input_names: Mapping[str, str] | None = None,
        input_values: Mapping[str, Any] | None = None,
    ) -> Node:
        """A copy whose parameters are renamed (``input_names``: old -> new) and/or bound to
        fixed values (``input_values``, which then stop being dependencies)."""
        names = dict(input_names or {})
        values = dict(input_values or {})
        original = self.callable
        if original is None:
            raise errors.GraphBuildError(
                f"node {self.name!r} has no callable, so its inputs cannot be reassigned."
            )
        back = {new: old for old, new in names.items()}

        def renamed(**kwargs: Any) -> Any:
            kwargs.update(values)
            return original(**{back.get(k, k): v for k, v in kwargs.items()})

        call: Callable[..., Any] = renamed
        if inspect.iscoroutinefunction(original):

            async def renamed_async(**kwargs: Any) -> Any:
                return await renamed(**kwargs)

            call = renamed_async
        inputs = {names.get(k, k): v for k, v in self.input_types.items() if k not in values}
        return self.copy_with(callable=call, input_types=inputs)

    @staticmethod
    def from_fn(fn: Callable[..., Any], name: str | None = None) -> Node:
        """Hamilton's name for ``from_function``."""
        return Node.from_function(fn, name=name)

    def __repr__(self) -> str:
        return f"<Node {self.name!r}: {htypes.type_name(self.type)}>"

    @classmethod
    def from_function(
        cls,
        fn: Callable[..., Any],
        name: str | None = None,
        tags: Mapping[str, Any] | None = None,
    ) -> Node:
        """Build the node a plain annotated function defines.

        Raises ``MissingAnnotationError`` naming every unannotated parameter and the return.
        """
        hints = resolved_hints(fn)
        parameters = _parameters(fn)
        missing = [p for p, _, _ in parameters if p not in hints]
        if "return" not in hints:
            missing.append("return")
        if missing:
            raise errors.MissingAnnotationError(
                f"{describe_function(fn)} needs type annotations for: {', '.join(missing)}. "
                "Annotate every parameter and the return type (use typing.Any when any value fits)."
            )
        return_type = hints["return"]
        input_types: dict[str, tuple[Any, DependencyType]] = {}
        role = NodeType.EXPAND if htypes.is_parallelizable(return_type) else NodeType.STANDARD
        for param, has_default, positional_only in parameters:
            if positional_only:
                raise errors.GraphBuildError(
                    f"{describe_function(fn)}: parameter {param!r} is positional-only; "
                    "nodes receive their dependencies by name, so remove the '/'."
                )
            param_type = hints[param]
            if role is NodeType.STANDARD and htypes.is_collect(param_type):
                role = NodeType.COLLECT
            input_types[param] = (
                param_type,
                DependencyType.OPTIONAL if has_default else DependencyType.REQUIRED,
            )
        return _fast_node(
            {
                "name": name or fn.__name__,
                "type": return_type,
                "callable": fn,
                "input_types": input_types,
                "tags": {"module": fn.__module__, **(tags or {})},
                "documentation": inspect.cleandoc(fn.__doc__) if fn.__doc__ else "",
                "node_role": role,
                "originating_functions": (fn,),
                "namespace": (),
            }
        )


_FIELDS = frozenset(f.name for f in dataclasses.fields(Node))
_OUR_SPELLING = frozenset({"type", "callable", "documentation", "node_role"})
_HAMILTON_SPELLING = {
    "typ": "type",
    "doc_string": "documentation",
    "callabl": "callable",
    "node_source": "node_role",
}
_DEFAULTS_KEY = "_default_parameter_values"  # ``optional_values`` given to the constructor


def _our_spelling(changes: dict[str, Any], unknown: set[str]) -> dict[str, Any]:
    """``copy_with`` keywords in Hamilton's spelling renamed to our fields; a TypeError for
    names neither spelling knows."""
    wrong = unknown - _HAMILTON_SPELLING.keys() - {"optional_values"}
    if wrong:
        raise TypeError(f"Node has no field(s) {sorted(wrong)}")
    renamed = {_HAMILTON_SPELLING.get(k, k): v for k, v in changes.items()}
    optional = renamed.pop("optional_values", None)
    if optional is not None:
        renamed[_DEFAULTS_KEY] = dict(optional)
    return renamed


def _inputs_of(fn: Callable[..., Any], name: str) -> dict[str, tuple[Any, DependencyType]]:
    """The typed parameters of ``fn`` (for a node constructed without ``input_types``)."""
    hints = resolved_hints(fn)
    parameters = _parameters(fn)
    missing = [p for p, _, _ in parameters if p not in hints]
    if missing:
        raise errors.MissingAnnotationError(
            f"node {name!r}: {describe_function(fn)} needs type annotations for: "
            f"{', '.join(missing)}. Annotate them, or pass input_types= to Node()."
        )
    return {
        p: (hints[p], DependencyType.OPTIONAL if has_default else DependencyType.REQUIRED)
        for p, has_default, _ in parameters
    }


def _typed_inputs(input_types: Mapping[str, Any]) -> dict[str, tuple[Any, DependencyType]]:
    """``{param: (type, DependencyType)}``; a bare type means a required parameter."""
    return {
        param: entry if isinstance(entry, tuple) else (entry, DependencyType.REQUIRED)
        for param, entry in input_types.items()
    }


def _fast_node(fields: dict[str, Any]) -> Node:
    """A ``Node`` from a complete field dict, skipping the frozen ``__init__`` (3x faster);
    the hot path of graph building and of decorators that copy nodes."""
    node = object.__new__(Node)
    node.__dict__.update(fields)
    return node


def _parameters(fn: Callable[..., Any]) -> list[tuple[str, bool, bool]]:
    """``(name, has_default, positional_only)`` per named parameter, from the code object when
    the function is plain (5x faster than ``inspect.signature``)."""
    code = getattr(fn, "__code__", None)
    if (
        code is None
        or not isinstance(fn, types.FunctionType)
        or hasattr(fn, "__wrapped__")
        or hasattr(fn, "__signature__")
    ):
        return [
            (p.name, p.default is not p.empty, p.kind is p.POSITIONAL_ONLY)
            for p in inspect.signature(fn).parameters.values()
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]
    count, kwonly = code.co_argcount, code.co_kwonlyargcount
    names = code.co_varnames[: count + kwonly]
    first_default = count - len(fn.__defaults__ or ())
    kwdefaults = fn.__kwdefaults__ or {}
    return [
        (
            name,
            i >= first_default if i < count else name in kwdefaults,
            i < code.co_posonlyargcount,
        )
        for i, name in enumerate(names)
    ]


def resolved_hints(fn: Callable[..., Any]) -> dict[str, Any]:
    """``typing.get_type_hints`` with ``Annotated`` kept and a clear error for bad forward refs.

    Annotations that are already objects (no postponed evaluation) are used as they are.
    """
    annotations = getattr(fn, "__annotations__", None)
    if (
        isinstance(fn, types.FunctionType)
        and annotations is not None
        and not any(isinstance(a, str) for a in annotations.values())
    ):
        return annotations
    try:
        return typing.get_type_hints(fn, include_extras=True)
    except NameError as exc:
        raise errors.MissingAnnotationError(
            f"{describe_function(fn)} has an annotation that cannot be resolved ({exc}). "
            "Import the type in the function's module."
        ) from exc


def copy_function(
    fn: types.FunctionType, *, name: str | None = None, module_name: str | None = None
) -> types.FunctionType:
    """A copy of ``fn`` (same code, globals and decorators) under another name or module.

    The user's function is never changed; the copy remembers it as ``__wrapped_original__``
    (see ``same_function``)."""
    copied = types.FunctionType(
        fn.__code__, fn.__globals__, name or fn.__name__, fn.__defaults__, fn.__closure__
    )
    copied.__dict__.update(fn.__dict__)
    copied.__kwdefaults__ = fn.__kwdefaults__
    copied.__annotations__ = dict(fn.__annotations__)
    copied.__doc__ = fn.__doc__
    copied.__qualname__ = fn.__qualname__
    copied.__module__ = module_name or fn.__module__
    copied.__wrapped_original__ = getattr(fn, "__wrapped_original__", fn)  # type: ignore[attr-defined]
    return copied


def same_function(origin: Callable[..., Any], wanted: Any) -> bool:
    """``origin`` is ``wanted`` or a ``copy_function`` copy of it."""
    return origin is wanted or getattr(origin, "__wrapped_original__", None) is getattr(
        wanted, "__wrapped_original__", wanted
    )


def describe_function(fn: Callable[..., Any]) -> str:
    """``function 'name' (file.py:12)`` for error messages."""
    code = getattr(fn, "__code__", None)
    where = f" ({code.co_filename}:{code.co_firstlineno})" if code is not None else ""
    return f"function {getattr(fn, '__qualname__', repr(fn))!r}{where}"


def describe_origin(node: Node, default: str) -> str:
    """The function that defined ``node`` (as ``describe_function`` puts it), else ``default``."""
    functions = node.originating_functions or ()
    return describe_function(functions[0]) if functions else default


def matches_query(tags: Mapping[str, Any], query_dict: Mapping[str, Any]) -> bool:
    """Whether node ``tags`` satisfy every ``tag: wanted`` of ``query_dict`` (an empty query
    matches): the tag exists, and for a non-``None`` ``wanted`` (a value or a list) one of
    its values (a value or a list) is wanted."""
    for key, wanted in query_dict.items():
        if key not in tags:
            return False
        if wanted is None:
            continue
        options = wanted if isinstance(wanted, list) else [wanted]
        value = tags[key]
        values = value if isinstance(value, list) else [value]
        if not any(v in options for v in values):  # tag values need not be hashable
            return False
    return True
