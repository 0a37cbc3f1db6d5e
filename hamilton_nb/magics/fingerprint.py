"""Fingerprints: short digests of everything a node's result depends on.

Responsibilities:
- ``Fingerprinter.token``: a stable digest of any object. Values are hashed by content
  (simple values by ``repr``, pandas objects with ``hash_pandas_object``, numpy arrays by their
  bytes, other objects with ``pickle``); functions by their bytecode (not their line numbers,
  so editing one function leaves the others alone), defaults, closure, decorators and the
  module-level helpers, classes, constants and project modules they reference, transitively.
- ``node_fingerprints``: per node, its code, the config keys it declares, its upstream
  fingerprints and the input/override/config values it is given.
Which modules belong to the project, and file digests, live in ``project_files``.

An object that cannot be hashed reliably makes every fingerprint depending on it ``None``:
such nodes (and their downstream) are never reused. Functions of installed libraries count as
constant (their qualified name), as do hamilton_nb's own, except for the values they close over.
"""

from __future__ import annotations

import enum
import functools
import os
import pickle
import sys
import types
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from hamilton_nb.function_modifiers.base import MODIFIERS_ATTR, Stage
from hamilton_nb.graph import FunctionGraph
from hamilton_nb.magics.project_files import (
    FILE_DIGESTS,
    FileDigests,
    _blake,
    project_module_file,
    resolve_root,
)
from hamilton_nb.node import Node, NodeType

# Nodes that read or write outside data (materializers): always run, never reused.
SIDE_EFFECT_TAGS = ("hamilton.data_loader", "hamilton.data_saver")
_TOOL_PACKAGE = __name__.split(".", 1)[0]


class Unhashable(Exception):
    """Internal signal: an object cannot be hashed reliably (what depends on it is volatile)."""


def _join(*parts: str) -> str:
    return _blake("\x1f".join(parts).encode("utf-8", "surrogatepass"))


# -- tokens ----------------------------------------------------------------------------------

_USER, _PROJECT, _LIBRARY, _TOOL = "user", "project", "library", "tool"
_IN_PROGRESS = object()
_UNHASHABLE = object()
_MISSING = object()
_DESCRIPTORS = (types.GetSetDescriptorType, types.MemberDescriptorType)
_TYPING_MODULES = frozenset({"typing", "typing_extensions"})


def _simple(prefix: str) -> Any:
    return lambda self, value: f"{prefix}:{value!r}"


def _str_token(self: Fingerprinter, value: str) -> str:
    if len(value) <= 64:
        return "s:" + repr(value)  # repr: no separator character can appear raw
    return "s#" + _blake(value.encode("utf-8", "surrogatepass"))


def _bytes_token(self: Fingerprinter, value: bytes) -> str:
    return "b#" + _blake(value)


_EXACT = {
    type(None): _simple("n"),
    bool: _simple("o"),
    int: _simple("i"),
    float: _simple("f"),
    complex: _simple("c"),
    str: _str_token,
    bytes: _bytes_token,
    range: _simple("r"),
    type(Ellipsis): _simple("e"),
}


class Fingerprinter:
    """Digests of objects and nodes for one pass over a graph.

    ``root`` is the project directory (default: the current one): modules whose files lie
    under it, outside environments and libraries, are hashed by file content. Tokens are
    memoized by object identity for the lifetime of this instance, so make one per pass.
    """

    def __init__(
        self, root: str | os.PathLike[str] | None = None, files: FileDigests | None = None
    ) -> None:
        self.root = resolve_root(root)
        self.files = files or FILE_DIGESTS
        self._memo: dict[int, Any] = {}
        self._pinned: list[Any] = []  # keeps memoized objects alive, so ids stay unique
        self._stack: list[int] = []
        self._tainted: list[bool] = []
        self._kinds: dict[str, tuple[str, str | None]] = {}
        self._reprs: dict[int, str] = {}

    # -- entry points ------------------------------------------------------------------------

    def digest(self, value: Any) -> str | None:
        """``token(value)``, or None when it cannot be hashed."""
        try:
            return self.token(value)
        except Unhashable:
            return None

    def token(self, obj: Any) -> str:
        """A stable digest of ``obj``; raises ``Unhashable``."""
        exact = _EXACT.get(type(obj))
        if exact is not None:
            return exact(self, obj)
        key = id(obj)
        memo = self._memo.get(key)
        if memo is not None:
            if memo is _IN_PROGRESS:
                return self._cycle(key, obj)
            if memo is _UNHASHABLE:
                raise Unhashable(obj)
            return memo
        self._memo[key] = _IN_PROGRESS
        self._pinned.append(obj)
        self._stack.append(key)
        self._tainted.append(False)
        try:
            result = self._compute(obj)
        except (Unhashable, RecursionError) as exc:
            self._memo[key] = _UNHASHABLE
            raise Unhashable(obj) from exc
        finally:
            self._stack.pop()
            tainted = self._tainted.pop()
        # a token computed while an enclosing object was half-done stands for that object by
        # name only; it is complete inside the enclosing token but must not be reused alone
        if tainted:
            del self._memo[key]
        else:
            self._memo[key] = result
        return result

    def _cycle(self, key: int, obj: Any) -> str:
        position = self._stack.index(key)
        for i in range(position + 1, len(self._tainted)):
            self._tainted[i] = True
        return "cycle:" + str(getattr(obj, "__qualname__", type(obj).__qualname__))

    # -- dispatch ----------------------------------------------------------------------------

    def _compute(self, obj: Any) -> str:  # noqa: C901 - one branch per kind of object
        module_name = type(obj).__module__ or ""
        if module_name in _TYPING_MODULES or isinstance(obj, (types.GenericAlias, types.UnionType)):
            return "typing:" + repr(obj)
        if isinstance(obj, types.FunctionType):
            return self._function(obj)
        if isinstance(obj, type):
            return self._class(obj)
        if isinstance(obj, types.ModuleType):
            return self._module(obj)
        if isinstance(obj, types.CodeType):
            return self._code(obj)
        if isinstance(obj, types.MethodType):
            return _join("method", self.token(obj.__func__), self.token(obj.__self__))
        if isinstance(obj, functools.partial):
            return _join(
                "partial", self.token(obj.func), self.token(obj.args), self.token(obj.keywords)
            )
        if isinstance(obj, types.BuiltinFunctionType):
            owner = obj.__self__
            name = f"{getattr(obj, '__module__', None)}.{obj.__qualname__}"
            if owner is None or isinstance(owner, types.ModuleType):
                return "builtin:" + name
            return _join("builtin", name, self.token(owner))
        if isinstance(obj, enum.Enum):
            return _join("enum", self.token(type(obj)), obj.name)
        if isinstance(obj, (list, tuple, dict, set, frozenset, types.MappingProxyType)):
            return self._container(obj)
        if module_name.startswith("pandas"):
            return self._pandas(obj)
        if module_name.startswith("numpy"):
            return self._numpy(obj)
        if isinstance(obj, (staticmethod, classmethod)):
            return _join(type(obj).__name__, self.token(obj.__func__))
        if isinstance(obj, property):
            return _join("property", *(self.token(f) for f in (obj.fget, obj.fset, obj.fdel)))
        if isinstance(obj, _DESCRIPTORS):
            return f"descriptor:{obj.__qualname__}"
        if self._kind(module_name)[0] in (_USER, _PROJECT, _TOOL):
            return self._structure(obj)
        try:
            return "pickle#" + _blake(pickle.dumps(obj, protocol=4))
        except Exception:  # noqa: BLE001 - any pickling failure: fall back to the structure
            return self._structure(obj)

    def _container(self, obj: Any) -> str:
        kind = type(obj)
        plain = (list, tuple, dict, set, frozenset, types.MappingProxyType)
        head = kind.__name__ if kind in plain else self.token(kind)
        if isinstance(obj, (dict, types.MappingProxyType)):
            parts = [self.token(k) + "=" + self.token(v) for k, v in obj.items()]
        elif isinstance(obj, (set, frozenset)):
            parts = sorted(self.token(item) for item in obj)
        else:
            parts = [self.token(item) for item in obj]
        return _join(head, *parts)

    def _structure(self, obj: Any) -> str:
        """An instance by its class and attributes (``__dict__`` and ``__slots__``)."""
        fields = dict(getattr(obj, "__dict__", None) or {})
        for klass in type(obj).__mro__:
            for slot in getattr(klass, "__slots__", ()):
                if isinstance(slot, str) and slot not in ("__dict__", "__weakref__"):
                    value = getattr(obj, slot, _MISSING)
                    if value is not _MISSING:
                        fields[slot] = value
        if not fields and not hasattr(obj, "__dict__") and type(obj) is not object:
            raise Unhashable(obj)
        parts = [name + "=" + self.token(value) for name, value in fields.items()]
        return _join("object", self.token(type(obj)), *parts)

    # -- code --------------------------------------------------------------------------------

    def _kind(self, module_name: str | None) -> tuple[str, str | None]:
        """(user | project | library | tool, project file) for the module named so."""
        name = module_name or ""
        cached = self._kinds.get(name)
        if cached is not None:
            return cached
        module = sys.modules.get(name)
        if name == _TOOL_PACKAGE or name.startswith(_TOOL_PACKAGE + "."):
            kind: tuple[str, str | None] = (_TOOL, None)
        elif module is None:
            kind = (_USER, None)  # e.g. a module made from source and not registered
        else:
            file = getattr(module, "__file__", None)
            project = project_module_file(module, self.root)
            if project is not None:
                kind = (_PROJECT, project)
            elif isinstance(file, str) and os.path.exists(file):
                kind = (_LIBRARY, None)
            elif name in sys.builtin_module_names or name in ("builtins", "sys"):
                kind = (_LIBRARY, None)
            else:
                kind = (_USER, None)  # a cell module or __main__: no file on disk
        self._kinds[name] = kind
        return kind

    def _file_token(self, path: str | None) -> str:
        if path is None:
            return ""
        digest = self.files.digest(path)
        if digest is None:
            raise Unhashable(path)
        return "file#" + digest

    def _code(self, code: types.CodeType) -> str:
        return code_digest(code)

    def _function(self, fn: types.FunctionType) -> str:
        kind, path = self._kind(fn.__module__)
        name = f"{fn.__module__}.{fn.__qualname__}"
        if kind == _LIBRARY:
            return "fn:" + name
        parts = ["fn", fn.__qualname__]
        if kind != _TOOL:
            parts.append(code_digest(fn.__code__))  # code holds no references: no memo needed
            parts.extend(self._globals_used(fn))
            parts.append(self._file_token(path))
        if fn.__defaults__:
            parts.append("defaults=" + self.token(fn.__defaults__))
        if fn.__kwdefaults__:
            parts.append("kwdefaults=" + self.token(fn.__kwdefaults__))
        for cell in fn.__closure__ or ():
            try:
                parts.append("cell=" + self.token(cell.cell_contents))
            except ValueError:  # an empty cell
                parts.append("cell=<empty>")
        modifiers = getattr(fn, MODIFIERS_ATTR, None)
        if modifiers:
            parts.append("modifiers=" + self.token(list(modifiers)))
        wrapped = getattr(fn, "__wrapped__", None)
        if wrapped is not None:
            parts.append("wrapped=" + self.token(wrapped))
        return _join(*parts)

    def _globals_used(self, fn: types.FunctionType) -> list[str]:
        namespace = fn.__globals__
        parts = []
        for name in _names_used(fn.__code__):
            value = namespace.get(name, _MISSING)
            if value is not _MISSING:
                parts.append(f"{name}=" + self.token(value))
        return parts

    def _class(self, cls: type) -> str:
        kind, path = self._kind(cls.__module__)
        name = f"{cls.__module__}.{cls.__qualname__}"
        if kind in (_LIBRARY, _TOOL):
            return "class:" + name
        parts = ["class", cls.__qualname__, self._file_token(path)]
        parts.extend(self.token(base) for base in cls.__bases__)
        for key, value in vars(cls).items():
            dunder = key.startswith("__") and key.endswith("__")
            if key == "_abc_impl":  # abc.ABC's subclass cache, not behaviour
                continue
            if dunder and not isinstance(
                value, (types.FunctionType, staticmethod, classmethod, property)
            ):
                continue
            parts.append(f"{key}=" + self.token(value))
        return _join(*parts)

    def _module(self, module: types.ModuleType) -> str:
        kind, path = self._kind(module.__name__)
        if kind in (_LIBRARY, _TOOL):
            return "module:" + module.__name__
        if module.__name__ == "__main__":
            raise Unhashable(module)  # the interactive namespace: results, history, the shell
        parts = ["module", module.__name__, self._file_token(path)]
        for key, value in vars(module).items():
            if key.startswith("__") and key.endswith("__"):
                continue
            if kind == _PROJECT and not isinstance(value, types.ModuleType):
                continue  # the file digest covers the module's own definitions
            parts.append(f"{key}=" + self.token(value))
        return _join(*parts)

    # -- data --------------------------------------------------------------------------------

    def _pandas(self, obj: Any) -> str:
        import pandas as pd

        try:
            if isinstance(obj, pd.DataFrame):
                hashed = pd.util.hash_pandas_object(obj, index=True).to_numpy()
                return _join(
                    "DataFrame",
                    self.token(list(obj.columns)),
                    self.token([str(t) for t in obj.dtypes]),
                    repr(obj.shape),
                    _blake(hashed.tobytes()),
                    self.token(obj.index.names),
                    self.token(dict(obj.attrs)),
                )
            if isinstance(obj, pd.Series):
                hashed = pd.util.hash_pandas_object(obj, index=True).to_numpy()
                return _join(
                    "Series",
                    self.token(obj.name),
                    str(obj.dtype),
                    repr(obj.shape),
                    _blake(hashed.tobytes()),
                    self.token(obj.index.names),
                    self.token(dict(obj.attrs)),
                )
            if isinstance(obj, pd.Index):
                hashed = pd.util.hash_pandas_object(obj).to_numpy()
                return _join(
                    "Index",
                    type(obj).__name__,
                    self.token(list(obj.names)),
                    str(obj.dtype),
                    _blake(hashed.tobytes()),
                )
        except (TypeError, ValueError):  # e.g. unhashable cells (lists) in an object column
            pass
        try:
            return "pickle#" + _blake(pickle.dumps(obj, protocol=4))
        except Exception as exc:  # noqa: BLE001
            raise Unhashable(obj) from exc

    def _numpy(self, obj: Any) -> str:
        import numpy as np

        if isinstance(obj, np.ndarray) and obj.dtype != object:
            data = np.ascontiguousarray(obj).view(np.uint8)
            return _join("ndarray", obj.dtype.str, repr(obj.shape), _blake(data.data))
        if isinstance(obj, np.generic) and not isinstance(obj, np.object_):
            return _join("npscalar", obj.dtype.str, _blake(obj.tobytes()))
        try:
            return "pickle#" + _blake(pickle.dumps(obj, protocol=4))
        except Exception as exc:  # noqa: BLE001
            raise Unhashable(obj) from exc

    # -- nodes -------------------------------------------------------------------------------

    def node_code(self, node: Node, config: Mapping[str, Any]) -> str:
        """Digest of how ``node`` computes: its structure, callable, originating functions
        (with their decorators) and the ``config`` keys its decorators declare (all of them
        for a config-resolving decorator that declares none, and for nodes made by no
        function). Raises ``Unhashable``, also for loader/saver nodes, which must always run."""
        return _join(*self.node_parts(node, config))

    def node_parts(self, node: Node, config: Mapping[str, Any]) -> list[str]:
        """The parts ``node_code`` digests."""
        tags = node.tags
        for tag in SIDE_EFFECT_TAGS:
            if tags.get(tag):
                raise Unhashable(node.name)
        parts = [
            node.name,
            node.node_role.name,
            self._type_repr(node.type),
            "|".join(
                f"{p}:{self._type_repr(t)}:{d.name}" for p, (t, d) in node.input_types.items()
            ),
            ".".join(node.namespace),
            self._tags(tags),  # includes the module's name: results are held per module
            self.token(node.callable),
        ]
        origins = node.originating_functions or ()
        for fn in origins:
            parts.append(self.token(fn))
        if not origins:
            parts.append("config=" + self.token(dict(config)))
        elif any(getattr(fn, MODIFIERS_ATTR, None) for fn in origins):
            keys, whole = _declared_config(origins)
            if whole:
                parts.append("config=" + self.token(dict(config)))
            elif keys:
                declared = {k: config.get(k, _ABSENT) for k in sorted(keys)}
                parts.append("config=" + self.token(declared))
        return parts

    def _type_repr(self, annotation: Any) -> str:
        key = id(annotation)
        text = self._reprs.get(key)
        if text is None:
            text = self._reprs[key] = repr(annotation)
            self._pinned.append(annotation)
        return text

    def _tags(self, tags: Mapping[str, Any]) -> str:
        if all(type(k) is str and type(v) is str for k, v in tags.items()):
            return "tags:" + "\x1f".join(f"{k!r}={v!r}" for k, v in tags.items())
        return self.token(dict(tags))


_ABSENT = "<absent>"


def _declared_config(origins: Iterable[Any]) -> tuple[set[str], bool]:
    """Config keys declared by the modifiers of ``origins``; True when a config-resolving
    modifier declares none (then the whole config counts)."""
    keys: set[str] = set()
    whole = False
    for fn in origins:
        for modifier in getattr(fn, MODIFIERS_ATTR, ()):
            declared = modifier.required_config()
            if declared is not None:
                keys.update(declared)
                optional = getattr(modifier, "optional_config", None)  # Hamilton-style classes
                keys.update((optional() or {}) if optional is not None else ())
            elif getattr(modifier, "stage", None) is Stage.RESOLVE:
                whole = True
            elif hasattr(modifier, "optional_config"):  # Hamilton-style: sees the whole config
                whole = True
    return keys, whole


@functools.lru_cache(maxsize=8192)
def code_digest(code: types.CodeType) -> str:
    """Bytecode, names and constants of ``code`` and the code nested in it, but not its line
    numbers or file: moving a function leaves its digest alone. (Equal code objects have
    equal digests, which makes the cache safe.)"""
    header = repr(
        (
            code.co_name,
            code.co_argcount,
            code.co_posonlyargcount,
            code.co_kwonlyargcount,
            code.co_flags,
            code.co_names,
            code.co_varnames,
            code.co_freevars,
            code.co_cellvars,
        )
    )
    consts = [
        code_digest(c) if isinstance(c, types.CodeType) else f"{type(c).__name__}:{c!r}"
        for c in code.co_consts
    ]
    body = code.co_code + b"\0" + getattr(code, "co_exceptiontable", b"")
    return _join("code", header, _blake(body), *consts)


@functools.lru_cache(maxsize=8192)
def _names_used(code: types.CodeType) -> tuple[str, ...]:
    """Global (and attribute) names used by ``code`` and the code nested in it, sorted."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names.update(_names_used(const))
    return tuple(sorted(names))


def value_digest(value: Any, root: str | os.PathLike[str] | None = None) -> str | None:
    """A stable digest of ``value``; None when it cannot be hashed reliably."""
    return Fingerprinter(root).digest(value)


def needed_nodes(
    graph: FunctionGraph, final_vars: Iterable[str], provided: Collection[str]
) -> set[str]:
    """The upstream closure of ``final_vars``, not looking past ``provided`` names."""
    seen: set[str] = set()
    stack = list(final_vars)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        if name not in provided:
            stack.extend(p for p in graph.nodes[name].input_types if p not in seen)
    return seen


def node_fingerprints(
    graph: FunctionGraph,
    names: Collection[str] | None = None,
    *,
    inputs: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
    fingerprinter: Fingerprinter | None = None,
) -> dict[str, str | None]:
    """Fingerprint of every node in ``names`` (default: all), None for volatile ones.

    ``names`` must be closed under dependencies, except below nodes given in ``inputs`` or
    ``overrides`` (their fingerprint is their value's). A node's fingerprint covers its code,
    the config keys it declares, its upstream fingerprints, and for external nodes the value
    given (override, else input, else config, else absent).
    """
    inputs = inputs or {}
    overrides = overrides or {}
    printer = fingerprinter or Fingerprinter()
    config = graph.config
    wanted = graph.nodes.keys() if names is None else names
    fingerprints: dict[str, str | None] = {}
    for name in graph.sorted(wanted):
        node = graph.nodes[name]
        if name in overrides or name in inputs:
            value = overrides[name] if name in overrides else inputs[name]
            digest = printer.digest(value)
            fingerprints[name] = None if digest is None else "value:" + digest
            continue
        if node.node_role is NodeType.EXTERNAL:
            if name in config:
                digest = printer.digest(config[name])
                fingerprints[name] = None if digest is None else "value:" + digest
            else:
                fingerprints[name] = "absent"
            continue
        fingerprints[name] = _function_node(printer, node, fingerprints, config)
    return fingerprints


def _function_node(
    printer: Fingerprinter,
    node: Node,
    fingerprints: Mapping[str, str | None],
    config: Mapping[str, Any],
) -> str | None:
    upstream = []
    for param in node.input_types:
        fingerprint = fingerprints[param]
        if fingerprint is None:
            return None
        upstream.append(f"{param}={fingerprint}")
    try:
        parts = printer.node_parts(node, config)
    except Unhashable:
        return None
    return _join(*parts, "upstream", *upstream)
