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
        "extension",
        "function_modifiers",
        "graph",
        "graph_types",
        "htypes",
        "io",
        "lifecycle",
        "magics",
        "node",
        "registry",
    }
)


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext hamilton_nb``: register the notebook magics (``%%cell_to_module`` ...)."""
    from hamilton_nb.extension import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext hamilton_nb``: remove the notebook magics."""
    from hamilton_nb.extension import unload_ipython_extension as unload

    unload(ipython)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_SUBMODULES])
