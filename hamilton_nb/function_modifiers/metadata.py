"""Metadata decorators: ``@tag``, ``@tag_outputs``, ``@schema.output`` and ``@cache``.

They run last (stage DECORATE) and only add tags to the nodes a function produced; tags show
in ``Driver.list_available_variables()`` and are matched by its ``tag_filter``. Also here:
``select_targets``, the ``target_=`` rule shared with ``@check_output``.

Tag rules (as in Hamilton): keys are dot-separated Python identifiers (``owner``,
``data.source``), values are strings or lists of strings, and the top-level namespaces in
``RESERVED_TAG_NAMESPACES`` are refused unless ``bypass_reserved_namespaces_=True``.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Collection, Mapping
from typing import Any

from hamilton_nb import errors, htypes
from hamilton_nb.function_modifiers.base import (
    FunctionModifier,
    Stage,
    describe_use,
    modifiers_of,
    not_produced,
    raise_problems,
    sink_nodes,
)
from hamilton_nb.node import Node

RESERVED_TAG_NAMESPACES = (
    "hamilton",
    "data_quality",
    "gdpr",
    "ccpa",
    "dag",
    "module",
    "ray_remote",
)

Target = str | Collection[str] | types.EllipsisType | None


def target_problem(target: Any) -> str | None:
    """Why ``target`` is not a valid ``target_=`` value (``None`` when it is)."""
    if target is None or target is Ellipsis or isinstance(target, str):
        return None
    if isinstance(target, Collection) and target and all(isinstance(t, str) for t in target):
        return None
    return (
        f"target_={target!r} must be None (the function's final nodes), a node name, "
        "a list of node names, or ... (every node)"
    )


def select_targets(
    nodes: list[Node], target: Target, fn: Callable[..., Any], decorator: str
) -> set[str]:
    """Names of the nodes ``target_`` selects among ``nodes``: ``None`` the sink nodes, ``...``
    all, else the named ones. Raises ``InvalidDecoratorError`` for a name not among ``nodes``."""
    if target is None:
        return {node.name for node in sink_nodes(nodes)}
    if target is Ellipsis:
        return {node.name for node in nodes}
    wanted = [target] if isinstance(target, str) else list(target)  # type: ignore[arg-type]
    produced = [node.name for node in nodes]
    missing = [name for name in wanted if name not in produced]
    if missing:
        raise not_produced(
            f"{describe_use(fn, decorator)}(target_={target!r}) names "
            f"{', '.join(map(repr, missing))}",
            nodes,
        )
    return set(wanted)


def tag_problems(tags: Mapping[str, Any], bypass_reserved_namespaces: bool = False) -> list[str]:
    """One readable line per invalid tag (bad key, bad value, reserved namespace)."""
    problems = []
    for key, value in tags.items():
        parts = key.split(".") if isinstance(key, str) else []
        if not parts or not all(part.isidentifier() for part in parts):
            problems.append(f"key {key!r} must be dot-separated Python identifiers")
        elif parts[0] in RESERVED_TAG_NAMESPACES and not bypass_reserved_namespaces:
            problems.append(
                f"key {key!r} uses the reserved namespace {parts[0]!r} "
                "(pass bypass_reserved_namespaces_=True if you mean it)"
            )
        if not (
            isinstance(value, str)
            or (isinstance(value, list) and all(isinstance(v, str) for v in value))
        ):
            problems.append(f"{key}={value!r}: values must be a string or a list of strings")
    return problems


def _with_tags(node: Node, tags: Mapping[str, Any]) -> Node:
    return node.copy_with(tags={**node.tags, **tags})


class tag(FunctionModifier):  # noqa: N801 - Hamilton's public name
    """Attach string tags to the function's final nodes (or to ``target_``).

    ``@tag(owner="data-team", pii=["email", "phone"])``. Stacked tags merge; the outer one
    wins on a shared key. ``target_``: ``None`` (the nodes nothing else of the function uses),
    a node name, a list of names, or ``...`` for every node the function produces.
    """

    stage = Stage.DECORATE

    def __init__(
        self,
        *,
        target_: Target = None,
        bypass_reserved_namespaces_: bool = False,
        **tags: str | list[str],
    ) -> None:
        self.tags = {k: list(v) if isinstance(v, list) else v for k, v in tags.items()}
        self.target = target_
        self.bypass_reserved_namespaces = bypass_reserved_namespaces_
        # Computed once: validate() runs for every build.
        self._problems = tag_problems(self.tags, bypass_reserved_namespaces_)
        target_error = target_problem(target_)
        if target_error:
            self._problems.append(target_error)

    @classmethod
    def display_name(cls) -> str:
        return "tag"

    def validate(self, fn: Callable[..., Any]) -> None:
        raise_problems(fn, self.display_name(), self._problems, "got invalid tags")

    def decorate(
        self, nodes: list[Node], config: Mapping[str, Any], fn: Callable[..., Any]
    ) -> list[Node]:
        names = select_targets(nodes, self.target, fn, self.display_name())
        return [_with_tags(node, self.tags) if node.name in names else node for node in nodes]


class tag_outputs(FunctionModifier):  # noqa: N801 - Hamilton's public name
    """Different tags per produced node: ``@tag_outputs(a={"kind": "raw"}, b={"kind": "derived"})``.

    Every key must be a node the function produces (e.g. a column of ``@extract_columns``).
    """

    stage = Stage.DECORATE

    def __init__(self, **tag_mapping: Mapping[str, str | list[str]]) -> None:
        self.tag_mapping = {
            name: dict(tags) if isinstance(tags, Mapping) else tags
            for name, tags in tag_mapping.items()
        }
        self._problems = []
        for name, tags in self.tag_mapping.items():
            if not isinstance(tags, dict):
                self._problems.append(f"{name}={tags!r} must be a dict of tags")
            else:
                self._problems.extend(f"{name}: {p}" for p in tag_problems(tags))
        if not self.tag_mapping:
            self._problems.append("it needs at least one node_name={tag: value} argument")

    @classmethod
    def display_name(cls) -> str:
        return "tag_outputs"

    def validate(self, fn: Callable[..., Any]) -> None:
        raise_problems(fn, "tag_outputs", self._problems)

    def decorate(
        self, nodes: list[Node], config: Mapping[str, Any], fn: Callable[..., Any]
    ) -> list[Node]:
        produced = {node.name for node in nodes}
        unknown = [name for name in self.tag_mapping if name not in produced]
        if unknown:
            raise not_produced(
                f"{describe_use(fn, 'tag_outputs')} names {', '.join(map(repr, unknown))}", nodes
            )
        return [
            _with_tags(node, self.tag_mapping[node.name]) if node.name in self.tag_mapping else node
            for node in nodes
        ]


_DATASET_CLASSES = {
    ("pandas", "DataFrame"),
    ("polars", "DataFrame"),
    ("polars", "LazyFrame"),
    ("pyspark", "DataFrame"),
    ("pyarrow", "Table"),
    ("dask", "DataFrame"),
    ("modin", "DataFrame"),
    ("ibis", "Table"),
    ("narwhals", "DataFrame"),
    ("narwhals", "LazyFrame"),
    ("vaex", "DataFrame"),
}


def is_dataset_type(datatype: Any) -> bool:
    """Whether ``datatype`` is a dataframe-like class (pandas, polars, pyspark, pyarrow ...)."""
    cls = htypes.base_type(datatype)
    if not isinstance(cls, type):
        return False
    return any(
        (c.__module__.partition(".")[0], c.__name__) in _DATASET_CLASSES for c in cls.__mro__
    )


class SchemaOutput(tag):
    """What ``@schema.output(...)`` returns: the schema stored as one tag (one per function)."""

    def __init__(self, *fields: tuple[str, Any], target_: str | None = None) -> None:
        bad = [
            f
            for f in fields
            if not (isinstance(f, tuple) and len(f) == 2 and isinstance(f[0], str))
        ]
        value = ",".join(f"{name}={type_}" for name, type_ in fields) if not bad else ""
        super().__init__(
            target_=target_,
            bypass_reserved_namespaces_=True,
            **{schema.INTERNAL_SCHEMA_OUTPUT_KEY: value},
        )
        if bad:
            self._problems.append(
                f"fields must be (column name, type) pairs such as ('age', 'int'), got {bad[0]!r}"
            )

    @classmethod
    def display_name(cls) -> str:
        return "schema.output"

    def validate(self, fn: Callable[..., Any]) -> None:
        super().validate(fn)
        if sum(isinstance(m, SchemaOutput) for m in modifiers_of(fn)) > 1:
            raise errors.InvalidDecoratorError(
                f"{describe_use(fn, 'schema.output')} is applied more than once; "
                "list every column in one @schema.output(...)."
            )

    def decorate(
        self, nodes: list[Node], config: Mapping[str, Any], fn: Callable[..., Any]
    ) -> list[Node]:
        names = select_targets(nodes, self.target, fn, self.display_name())
        for node in nodes:
            if node.name in names and not is_dataset_type(node.type):
                raise errors.InvalidDecoratorError(
                    f"{describe_use(fn, 'schema.output')} describes dataframe columns, but "
                    f"node {node.name!r} returns {htypes.type_name(node.type)}. Return a "
                    "DataFrame or pick the dataframe node with target_=."
                )
        return [_with_tags(node, self.tags) if node.name in names else node for node in nodes]


class schema:  # noqa: N801 - Hamilton's public name
    """Namespace of ``schema.output``."""

    INTERNAL_SCHEMA_OUTPUT_KEY = "hamilton.internal.schema_output"

    @staticmethod
    def output(*fields: tuple[str, Any], target_: str | None = None) -> SchemaOutput:
        """Declare the columns of a dataframe output.

        ``@schema.output(("age", "int"), ("name", "str"))``

        Stored as the tag ``hamilton.internal.schema_output`` = ``"age=int,name=str"`` on the
        function's final node (or ``target_``), which must be a dataframe type.
        """
        return SchemaOutput(*fields, target_=target_)


CACHE_BEHAVIORS = ("default", "recompute", "ignore", "disable")


class cache(FunctionModifier):  # noqa: N801 - Hamilton's public name
    """Caching instructions as tags: ``cache.behavior`` and ``cache.format``.

    ``behavior``: ``"default"``, ``"recompute"``, ``"ignore"`` or ``"disable"``; ``format``: how
    results are stored (``"json"``, ``"parquet"``, ``"pickle"`` ...). Applies to every node of
    the function unless ``target_`` says otherwise.
    """

    stage = Stage.DECORATE
    BEHAVIOR_KEY = "cache.behavior"
    FORMAT_KEY = "cache.format"

    def __init__(
        self,
        *,
        behavior: str | None = None,
        format: str | None = None,  # noqa: A002 - Hamilton's keyword
        target_: Target = ...,
    ) -> None:
        self.behavior = behavior.lower() if isinstance(behavior, str) else behavior
        self.format = format
        self.target = target_
        self.tags: dict[str, str] = {}
        self._problems: list[str] = []
        if behavior is not None:
            if self.behavior in CACHE_BEHAVIORS:
                self.tags[self.BEHAVIOR_KEY] = self.behavior  # type: ignore[assignment]
            else:
                self._problems.append(
                    f"behavior={behavior!r} must be one of {', '.join(map(repr, CACHE_BEHAVIORS))}"
                )
        if format is not None:
            if isinstance(format, str) and format:
                self.tags[self.FORMAT_KEY] = format
            else:
                self._problems.append(
                    f"format={format!r} must be a format name such as 'parquet' or 'json'"
                )
        target_error = target_problem(target_)
        if target_error:
            self._problems.append(target_error)

    @classmethod
    def display_name(cls) -> str:
        return "cache"

    def validate(self, fn: Callable[..., Any]) -> None:
        raise_problems(fn, "cache", self._problems)

    def decorate(
        self, nodes: list[Node], config: Mapping[str, Any], fn: Callable[..., Any]
    ) -> list[Node]:
        if not self.tags:
            return nodes
        names = select_targets(nodes, self.target, fn, self.display_name())
        return [_with_tags(node, self.tags) if node.name in names else node for node in nodes]
