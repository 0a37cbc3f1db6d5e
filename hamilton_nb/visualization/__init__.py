"""DAG pictures: DOT text from the graph and an execution record, rendered to SVG and files.

Public names (imported on first use, so ``import hamilton_nb`` stays light):

- ``build_dot(graph, nodes=None, ...)``: DOT text of a ``FunctionGraph``; ``build_parts``
  the same before it is joined into text (``dot``);
- ``execution_dot(graph, record, ...)``/``execution_parts``: the same, coloured by an
  ``ExecutionRecord`` (``overlay``);
- ``plan_collapse``, ``FAST_LAYOUT``: folding of large graphs (``collapse``);
- ``DataflowDigraph``: the ``graphviz.Digraph`` the Driver's methods return, with inline
  notebook display and rendering without a system Graphviz (``digraph``; module ``render``'s
  ``render(dot_source, format)`` returns picture bytes);
- ``save_output_file``: Hamilton's ``output_file_path``/``render_kwargs``/``keep_dot`` saving
  (``driver_api``).

The ``Driver`` methods (``display_all_functions``, ``visualize_execution``,
``visualize_last_run``, ...) live in ``driver_api.VisualizationMixin``.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "build_dot": "dot",
    "build_parts": "dot",
    "execution_dot": "overlay",
    "execution_parts": "overlay",
    "planned_nodes": "overlay",
    "plan_collapse": "collapse",
    "FAST_LAYOUT": "collapse",
    "DataflowDigraph": "digraph",
    "save_output_file": "driver_api",
    "VisualizationMixin": "driver_api",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
