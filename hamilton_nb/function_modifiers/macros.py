"""Macros: ``@does`` and the pipe family (``pipe_input``/``pipe``, ``pipe_output``, ``mutate``).

The public face of the family, which is implemented in these modules:

- ``replacing``: ``does``, the node's value comes from another function, called with the
  decorated function's parameters (renamed by ``argument_mapping``).
- ``steps``: ``step`` and ``Applicable``, one function application of a pipe, with its
  literal/``source``/``value`` arguments, name, namespace, config conditions and target.
- ``pipes``: ``pipe_input``/``pipe`` (steps on a parameter before the function runs) and
  ``pipe_output`` (steps on its output: ``name.raw -> steps -> name``).
- ``mutations``: ``mutate``/``apply_to``, steps registered on the target functions' outputs;
  the mutating function itself is left out of the graph.
"""

from __future__ import annotations

from hamilton_nb.function_modifiers.mutations import apply_to, mutate
from hamilton_nb.function_modifiers.pipes import (
    PIPE_END,
    pipe,
    pipe_input,
    pipe_output,
    pipe_outputs,
)
from hamilton_nb.function_modifiers.replacing import does
from hamilton_nb.function_modifiers.steps import Applicable, Condition, Namespace, step

__all__ = [
    "PIPE_END",
    "Applicable",
    "Condition",
    "Namespace",
    "apply_to",
    "does",
    "mutate",
    "pipe",
    "pipe_input",
    "pipe_output",
    "pipe_outputs",
    "step",
]
