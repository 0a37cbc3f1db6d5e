"""DAG pictures: DOT text from the graph and an execution record, rendered to SVG and files.

Public names (imported on first use, so ``import hamilton_nb`` stays light):

- ``build_dot(graph, nodes=None, ...)``: DOT text of a ``FunctionGraph`` (``dot``);
- ``execution_dot(graph, record, ...)``: the same, coloured by an ``ExecutionRecord``
  (``overlay``);
- ``plan_collapse``, ``FAST_LAYOUT``: folding of large graphs (``collapse``);
- ``GraphView``: DOT text to pictures and inline notebook display (module ``render``, whose
  ``render(dot_source, format)`` returns picture bytes);
- ``save_view``: Hamilton's ``output_file_path``/``render_kwargs`` saving (``driver_api``).

The ``Driver`` methods (``display_all_functions``, ``visualize_execution``,
``visualize_last_run``, ...) live in ``driver_api.VisualizationMixin``.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "build_dot": "dot",
    "execution_dot": "overlay",
    "planned_nodes": "overlay",
    "plan_collapse": "collapse",
    "FAST_LAYOUT": "collapse",
    "GraphView": "render",
    "save_view": "driver_api",
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
