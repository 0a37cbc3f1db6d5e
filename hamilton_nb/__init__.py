"""hamilton_nb: Hamilton-style dataflows from plain typed Python functions, built for notebooks.

Submodules are imported lazily (``hamilton_nb.driver`` on first attribute access) so that
``import hamilton_nb`` stays cheap and pulls in neither pandas, numpy, IPython nor graphviz.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_SUBMODULES = frozenset(
    {
        "ad_hoc_utils",
        "base",
        "data_quality",
        "driver",
        "errors",
        "execution",
        "function_modifiers",
        "graph",
        "graph_types",
        "htypes",
        "io",
        "lifecycle",
        "node",
        "registry",
    }
)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_SUBMODULES])
