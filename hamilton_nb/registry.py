"""Hamilton's ``hamilton.registry`` path: ``register_adapter`` adds data-adapter kinds.

``LOADER_REGISTRY`` / ``SAVER_REGISTRY`` (kind -> adapter classes) include the built-in
kinds once read; the implementation lives in ``hamilton_nb.io.registry``.
"""

from __future__ import annotations

from typing import Any

from hamilton_nb.io import registry as _registry
from hamilton_nb.io.registry import register_adapter

__all__ = ["register_adapter"]  # and LOADER_REGISTRY / SAVER_REGISTRY, resolved on access


def __getattr__(name: str) -> Any:
    if name in ("LOADER_REGISTRY", "SAVER_REGISTRY"):
        _registry.ensure_builtins()
        return getattr(_registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
