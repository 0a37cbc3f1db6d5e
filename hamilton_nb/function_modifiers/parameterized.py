"""``@parameterize`` (and its older forms) and ``@inject``: rebind a function's parameters.

Responsibilities:
- ``parameterize`` (and ``parameterize_values``, ``parameterize_sources``): one node per
  output, each the function with some parameters bound to ``source``/``value``/``group``; the
  function's own node is replaced by them (stage EXPAND).
- ``inject``: bind parameters of the function's own node, keeping its name (stage INPUTS).

Specs are checked in ``validate`` (build time, messages name the function and the decorator)
and normalised once per decorator; expansion then costs one ``bind_output`` per output.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from hamilton_nb import errors
from hamilton_nb.function_modifiers.base import (
    FunctionModifier,
    Stage,
    describe_use,
    modifiers_of,
)
from hamilton_nb.function_modifiers.dependencies import (
    Binding,
    LiteralDependency,
    UpstreamDependency,
    as_bindings,
    bind_output,
    group,
    source,
    value,
)
from hamilton_nb.node import Node

Spec = tuple[str, dict[str, Binding], str | None]  # (output name, bindings, explicit doc)


class parameterize(FunctionModifier):  # noqa: N801 - Hamilton's public name
    """One node per keyword: ``output_name={param: source(...) | value(...) | group(...)}``.

    ``output_name=({...}, "docstring")`` gives the node its own documentation; otherwise the
    function's docstring is used with ``{output_name}`` and ``{param}`` filled in (a source's
    name, a literal's value). Parameters left unbound stay dependencies of the same name.
    """

    stage = Stage.EXPAND
    single_per_function = True

    def __init__(self, **parametrization: Any) -> None:
        self.parametrization = parametrization
        self._specs: list[Spec] | None = None

    def _normalize(self, where: str) -> list[Spec]:
        specs: list[Spec] = []
        for output, raw in self.parametrization.items():
            doc = None
            if isinstance(raw, tuple):
                if len(raw) != 2 or not isinstance(raw[1], str):
                    raise errors.InvalidDecoratorError(
                        f"{where} output {output!r}: a tuple must be (bindings dict, docstring), "
                        f"got {raw!r}."
                    )
                raw, doc = raw
            specs.append((output, as_bindings(raw, f"{where} output {output!r}"), doc))
        return specs

    def specs(self, fn: Callable[..., Any]) -> list[Spec]:
        """The checked ``(output, bindings, doc)`` list (computed once per decorator)."""
        if self._specs is None:
            self._specs = self._normalize(describe_use(fn, self.display_name()))
        return self._specs

    def validate(self, fn: Callable[..., Any]) -> None:
        self.specs(fn)

    def expand(self, node: Node, config: Mapping[str, Any], fn: Callable[..., Any]) -> list[Node]:
        where = describe_use(fn, self.display_name())
        return [
            bind_output(
                node, bindings, name=output, where=f"{where} output {output!r}", documentation=doc
            )
            for output, bindings, doc in self.specs(fn)
        ]


class parameterize_values(parameterize):  # noqa: N801 - Hamilton's public name
    """One node per entry of ``assigned_output``: ``{(output_name, docstring): literal}``, each
    with ``parameter`` set to the literal."""

    def __init__(self, parameter: str, assigned_output: Mapping[tuple[str, str], Any]) -> None:
        super().__init__()
        self.parameter = parameter
        self.assigned_output = assigned_output

    def _normalize(self, where: str) -> list[Spec]:
        if not isinstance(self.parameter, str) or not isinstance(self.assigned_output, Mapping):
            raise errors.InvalidDecoratorError(
                f"{where} takes parameter='name' and assigned_output={{(output, doc): value}}, "
                f"got {self.parameter!r} and {self.assigned_output!r}."
            )
        specs: list[Spec] = []
        for key, literal in self.assigned_output.items():
            if not (
                isinstance(key, tuple) and len(key) == 2 and all(isinstance(k, str) for k in key)
            ):
                raise errors.InvalidDecoratorError(
                    f"{where}: assigned_output keys are (output_name, docstring) tuples, "
                    f"got {key!r}."
                )
            if isinstance(literal, (UpstreamDependency, LiteralDependency, group)):
                raise errors.InvalidDecoratorError(
                    f"{where}: output {key[0]!r} is assigned {literal!r}; assigned_output takes "
                    "plain values. Use @parameterize for source(...)/group(...) bindings."
                )
            specs.append((key[0], {self.parameter: value(literal)}, key[1]))
        return specs


class parameterize_sources(parameterize):  # noqa: N801 - Hamilton's public name
    """One node per keyword: ``output_name={param: "upstream_node_name"}``; the docstring is
    filled in as for ``parameterize``."""

    def __init__(self, **parameterization: Mapping[str, str]) -> None:
        super().__init__()
        self.parameterization = parameterization

    def _normalize(self, where: str) -> list[Spec]:
        specs: list[Spec] = []
        for output, mapping in self.parameterization.items():
            output_where = f"{where} output {output!r}"
            if not isinstance(mapping, Mapping):
                raise errors.InvalidDecoratorError(
                    f"{output_where} takes a dict of parameter -> upstream node name, "
                    f"got {mapping!r}."
                )
            bindings: dict[str, Binding] = {}
            for param, upstream in mapping.items():
                if isinstance(upstream, UpstreamDependency):
                    bindings[param] = upstream
                elif isinstance(upstream, str) and upstream:
                    bindings[param] = source(upstream)
                else:
                    raise errors.InvalidDecoratorError(
                        f"{output_where}: parameter {param!r} must name an upstream node, got "
                        f"{upstream!r}. Use @parameterize with value(...) for literals."
                    )
            specs.append((output, bindings, None))
        return specs


class inject(FunctionModifier):  # noqa: N801 - Hamilton's public name
    """Bind parameters of the function's own node (``@inject(nums=group(source("a"), value(1)))``);
    the node keeps the function's name. Like a ``parameterize`` with one output."""

    stage = Stage.INPUTS

    def __init__(self, **key_mapping: Any) -> None:
        self.key_mapping = key_mapping
        self._bindings: dict[str, Binding] | None = None

    def _checked(self, fn: Callable[..., Any]) -> dict[str, Binding]:
        if self._bindings is None:
            self._bindings = as_bindings(self.key_mapping, describe_use(fn, "inject"))
        return self._bindings

    def validate(self, fn: Callable[..., Any]) -> None:
        if sum(isinstance(m, inject) for m in modifiers_of(fn)) > 1:
            raise errors.InvalidDecoratorError(
                f"{describe_use(fn, 'inject')} is applied twice; put every binding in one "
                "@inject(...)."
            )
        self._checked(fn)

    def rewrite_inputs(
        self, node: Node, config: Mapping[str, Any], fn: Callable[..., Any]
    ) -> list[Node]:
        where = describe_use(fn, "inject")
        return [bind_output(node, self._checked(fn), name=node.name, where=where)]
