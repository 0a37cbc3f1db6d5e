"""IPython extension wiring: ``%load_ext hamilton_nb`` registers the notebook magics.

Responsibilities:
- ``load_ipython_extension`` / ``unload_ipython_extension``: register (once per shell) and
  remove the magics of ``hamilton_nb.magics.notebook_magics``.
- ``explore``: the interactive DAG explorer, imported from ``explorer`` on first use.

Nothing here imports IPython until the extension is loaded.
"""

from __future__ import annotations

import importlib
from typing import Any

_MAGICS_ATTR = "_hamilton_nb_magics"


def load_ipython_extension(ipython: Any) -> None:
    """Register the magics on ``ipython`` (loading twice keeps the first registration)."""
    if getattr(ipython, _MAGICS_ATTR, None) is not None:
        return
    from hamilton_nb.magics.notebook_magics import HamiltonNBMagics

    magics = HamiltonNBMagics(ipython)
    ipython.register_magics(magics)
    setattr(ipython, _MAGICS_ATTR, magics)


def unload_ipython_extension(ipython: Any) -> None:
    """Remove the magics from ``ipython``; cell modules stay importable."""
    magics = getattr(ipython, _MAGICS_ATTR, None)
    if magics is None:
        return
    for kind, names in magics.magics.items():
        registry = ipython.magics_manager.magics[kind]
        for name in names:
            registry.pop(name, None)
    ipython.magics_manager.registry.pop(type(magics).__name__, None)
    setattr(ipython, _MAGICS_ATTR, None)


def magics_of(ipython: Any) -> Any:
    """The ``HamiltonNBMagics`` instance loaded into ``ipython`` (``None`` if not loaded)."""
    return getattr(ipython, _MAGICS_ATTR, None)


def __getattr__(name: str) -> Any:
    if name == "explore":
        return importlib.import_module(f"{__name__}.explorer").explore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
