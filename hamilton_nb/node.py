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
    nodes have no callable.
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

    @property
    def typ(self) -> Any:
        """Hamilton's spelling of ``type``."""
        return self.type

    @property
    def user_defined(self) -> bool:
        return self.node_role is not NodeType.EXTERNAL

    @property
    def is_external_input(self) -> bool:
        return self.node_role is NodeType.EXTERNAL

    def copy_with(self, **changes: Any) -> Node:
        """A copy of this node with the given fields replaced."""
        unknown = changes.keys() - _FIELDS
        if unknown:
            raise TypeError(f"Node has no field(s) {sorted(unknown)}")
        return _fast_node({**self.__dict__, **changes})

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
        if not set(options) & set(values):
            return False
    return True
