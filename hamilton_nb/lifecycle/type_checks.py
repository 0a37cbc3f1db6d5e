"""Adapters about types: ``FunctionInputOutputTypeChecker`` (check values against
annotations at run time) and ``NoEdgeAndInputTypeChecking`` (switch type checks off).
"""

from __future__ import annotations

from typing import Any

from hamilton_nb import errors, htypes
from hamilton_nb.lifecycle import api

NodeTypeError = errors.NodeTypeError


class FunctionInputOutputTypeChecker(api.NodeExecutionHook):
    """Checks at run time that node inputs and results match their annotations.

    Raises ``NodeTypeError`` (a ``TypeError``) naming the node and the parameter. Generics
    are checked by their origin only (``list[int]`` accepts any list).
    """

    def __init__(self, check_input: bool = True, check_output: bool = True) -> None:
        self.check_input = check_input
        self.check_output = check_output

    def run_before_node_execution(
        self,
        *,
        node_name: str,
        node_kwargs: dict[str, Any],
        node_input_types: dict[str, Any],
        **future_kwargs: Any,
    ) -> None:
        """Raise ``NodeTypeError`` when an input value does not match its parameter's type."""
        if not self.check_input:
            return
        for param, value in node_kwargs.items():
            declared = node_input_types.get(param, Any)
            if not htypes.value_matches(value, declared):
                raise NodeTypeError(
                    f"node {node_name!r} received {htypes.type_name(type(value))} for parameter "
                    f"{param!r}, which is declared as {htypes.type_name(declared)}. Fix the "
                    "upstream value or the annotation."
                )

    def run_after_node_execution(
        self,
        *,
        node_name: str,
        node_return_type: type,
        result: Any,
        success: bool,
        **future_kwargs: Any,
    ) -> None:
        """Raise ``NodeTypeError`` when a successful node's result does not match its type."""
        if not (self.check_output and success):
            return
        if not htypes.value_matches(result, node_return_type):
            raise NodeTypeError(
                f"node {node_name!r} returned {htypes.type_name(type(result))}, but its return "
                f"type is {htypes.type_name(node_return_type)}. Fix the function or its annotation."
            )


class NoEdgeAndInputTypeChecking(api.EdgeConnectionHook):
    """Turns off type checks: any edge connects and any input value is accepted."""

    def check_edge_types_match(self, type_from: type, type_to: type, **kwargs: Any) -> bool:
        """Always True."""
        return True

    def validate_input(self, node_type: type, input_value: Any, **kwargs: Any) -> bool:
        """Always True."""
        return True
