"""Nodes that run data adapters, shared by ``load_from``/``save_to`` and ``from_``/``to``.

Responsibilities:
- Check the arguments given for an adapter (unknown, missing) with the fix in the message.
- ``loader_nodes``: a node calling ``load_data`` (value and metadata) plus a node selecting
  the value, tagged as Hamilton tags them.
- ``saver_node``: a node calling ``save_data`` on its upstream value, returning the metadata.
- Missing files are reported naming the node, the decorator or materializer, and the path.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from hamilton_nb import errors
from hamilton_nb.function_modifiers.dependencies import (
    LiteralDependency,
    UpstreamDependency,
    group,
    value,
)
from hamilton_nb.io.data_adapters import AdapterCommon
from hamilton_nb.node import DependencyType, Node, describe_function

Binding = UpstreamDependency | LiteralDependency

LOADER_TAG = "hamilton.data_loader"
SAVER_TAG = "hamilton.data_saver"
_REQUIRED = DependencyType.REQUIRED
METADATA_TYPE = dict[str, Any]


def as_bindings(kwargs: Mapping[str, Any], where: str) -> dict[str, Binding]:
    """Adapter arguments as ``source``/``value`` bindings; bare values become ``value(...)``."""
    bindings: dict[str, Binding] = {}
    for name, given in kwargs.items():
        if isinstance(given, (UpstreamDependency, LiteralDependency)):
            bindings[name] = given
        elif isinstance(given, group):
            raise errors.InvalidDecoratorError(
                f"{where}: argument {name!r} takes source(...), value(...) or a plain value, "
                "not group(...)."
            )
        else:
            bindings[name] = value(given)
    return bindings


_CHECKED: set[tuple[type, tuple[str, ...]]] = set()  # argument sets known to be valid


def check_arguments(adapter: type[AdapterCommon], given: Iterable[str], where: str | Where) -> None:
    """Raise ``InvalidDecoratorError`` for arguments ``adapter`` does not take or misses."""
    given = tuple(given)
    if (adapter, given) in _CHECKED:
        return
    accepted = adapter.arguments()
    listing = ", ".join(f"{n}{'' if a.required else '=...'}" for n, a in accepted.items())
    for name in given:
        if name not in accepted:
            raise errors.InvalidDecoratorError(
                f"{where}: {adapter.__name__} has no argument {name!r}"
                f"{errors.did_you_mean(name, accepted)}; it takes: {listing or 'nothing'}."
            )
    missing = [n for n, a in accepted.items() if a.required and n not in given]
    if missing:
        raise errors.InvalidDecoratorError(
            f"{where}: {adapter.__name__} needs {', '.join(f'{m}=...' for m in missing)} "
            f"(it takes: {listing})."
        )
    one_of = adapter.required_one_of()
    if one_of and not any(n in given for n in one_of):
        raise errors.InvalidDecoratorError(
            f"{where}: {adapter.__name__} needs one of {' or '.join(f'{n}=...' for n in one_of)}."
        )
    _CHECKED.add((adapter, given))


class _Instantiate:
    """Builds the adapter from fixed arguments plus upstream values (one per call)."""

    __slots__ = ("adapter", "fixed", "sourced", "inputs")

    def __init__(self, adapter: type[AdapterCommon], bindings: Mapping[str, Binding]) -> None:
        self.adapter = adapter
        self.fixed: dict[str, Any] = {}
        self.sourced: list[tuple[str, str]] = []  # (upstream node, argument)
        self.inputs: dict[str, tuple[Any, DependencyType]] = {}
        arguments = adapter.arguments()
        for name, binding in bindings.items():
            if isinstance(binding, UpstreamDependency):
                self.sourced.append((binding.source, name))
                if binding.source not in self.inputs:
                    self.inputs[binding.source] = (arguments[name].type, _REQUIRED)
            else:
                self.fixed[name] = binding.value

    def __call__(self, kwargs: Mapping[str, Any]) -> Any:
        arguments = dict(self.fixed)
        for upstream, field in self.sourced:
            arguments[field] = kwargs[upstream]
        return self.adapter(**arguments)


class Where:
    """Names a decorator use (``@load_from.csv on function 'f' (file.py:3)``) or a
    materializer for messages; formatted only when a message is built (keeps builds fast)."""

    __slots__ = ("label", "fn", "_text")

    def __init__(self, label: str, fn: Callable[..., Any] | None = None) -> None:
        self.label = label
        self.fn = fn
        self._text: str | None = None

    def __str__(self) -> str:
        if self._text is None:
            self._text = (
                self.label if self.fn is None else f"{self.label} on {describe_function(self.fn)}"
            )
        return self._text

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def _path_of(adapter: Any, exc: OSError) -> str:
    for candidate in (
        exc.filename,
        getattr(adapter, "path", None),
        getattr(adapter, "filepath_or_buffer", None),
    ):
        if isinstance(candidate, (str, os.PathLike)):
            return os.fspath(candidate)
    return "<unknown path>"


def loader_nodes(
    adapter: type[AdapterCommon],
    bindings: Mapping[str, Binding],
    *,
    load_type: Any,
    loader_name: str,
    value_name: str,
    tag_node: str,
    kind: str,
    where: str | Where,
    origin: tuple[Callable[..., Any], ...] | None,
) -> list[Node]:
    """``[loader, selector]``: ``loader_name`` returns ``(value, metadata)``; ``value_name``
    returns the value. Raises ``FileNotFoundError`` naming the node and path when loading."""
    make = _Instantiate(adapter, bindings)
    class_name = adapter.__name__

    def load(**kwargs: Any) -> tuple[Any, dict[str, Any]]:
        instance = make(kwargs)
        try:
            result = instance.load_data(load_type)  # type: ignore[attr-defined]
        except FileNotFoundError as exc:
            raise FileNotFoundError(
                errno.ENOENT,
                f"{where}: node {loader_name!r} found no file",
                _path_of(instance, exc),
            ) from exc
        if not (isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], dict)):
            raise TypeError(
                f"{where}: {class_name}.load_data returned {type(result).__name__}; it must "
                "return a (value, metadata_dict) tuple."
            )
        return result

    loaded_type = tuple[load_type, METADATA_TYPE]
    tags = {
        LOADER_TAG: True,
        f"{LOADER_TAG}.has_metadata": True,
        f"{LOADER_TAG}.source": kind,
        f"{LOADER_TAG}.classname": class_name,
        f"{LOADER_TAG}.node": tag_node,
    }
    loader = Node(
        name=loader_name,
        type=loaded_type,
        callable=load,
        input_types=dict(make.inputs),
        tags=tags,
        documentation=f"Loads {value_name!r} with {class_name}.",
        originating_functions=origin,
    )
    selector = Node(
        name=value_name,
        type=load_type,
        callable=first_of(loader_name),
        input_types={loader_name: (loaded_type, _REQUIRED)},
        tags={**tags, f"{LOADER_TAG}.has_metadata": False},
        originating_functions=origin,
    )
    return [loader, selector]


def first_of(upstream: str) -> Callable[..., Any]:
    """A node callable returning the first item of the ``(value, metadata)`` from ``upstream``."""

    def select(**kwargs: Any) -> Any:
        return kwargs[upstream][0]

    return select


def saver_node(
    adapter: type[AdapterCommon],
    bindings: Mapping[str, Binding],
    *,
    name: str,
    data_name: str,
    data_type: Any,
    kind: str,
    where: str | Where,
    origin: tuple[Callable[..., Any], ...] | None,
) -> Node:
    """A node named ``name`` saving the value of ``data_name``; it returns the metadata."""
    make = _Instantiate(adapter, bindings)

    def save(**kwargs: Any) -> Any:
        instance = make(kwargs)
        try:
            return instance.save_data(kwargs[data_name])  # type: ignore[attr-defined]
        except FileNotFoundError as exc:
            raise FileNotFoundError(
                errno.ENOENT,
                f"{where}: node {name!r} cannot write: the directory does not exist",
                _path_of(instance, exc),
            ) from exc

    inputs = {data_name: (data_type, _REQUIRED)}
    for upstream, spec in make.inputs.items():
        inputs.setdefault(upstream, spec)
    return Node(
        name=name,
        type=METADATA_TYPE,
        callable=save,
        input_types=inputs,
        tags={
            SAVER_TAG: True,
            f"{SAVER_TAG}.sink": kind,
            f"{SAVER_TAG}.classname": adapter.__name__,
        },
        documentation=f"Saves {data_name!r} with {adapter.__name__}.",
        originating_functions=origin,
    )
