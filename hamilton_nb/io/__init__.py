"""Data adapters: load and save values (Hamilton's ``hamilton.io``).

- ``data_adapters``: ``DataLoader`` / ``DataSaver``, the classes custom adapters subclass.
- ``registry``: ``register_adapter`` and the lookup of adapters by kind and type.
- ``default_data_loaders``, ``pandas_adapters``, ``pandas_formats``, ``pandas_excel``,
  ``pandas_sql``: the built-in kinds (registered on first use; the polars kinds live in
  ``hamilton_nb.plugins.polars_extensions``); ``optional_deps``: the missing-package errors.
- ``frame_types`` / ``extensions``: the dataframe-type registry and extension loading behind
  ``hamilton_nb.registry``.
- ``adapter_nodes``: the nodes that run adapters; ``materialization``: ``to`` / ``from_``.

Names are resolved lazily so importing this package imports neither pandas nor the built-ins.
"""

from __future__ import annotations

import importlib
from typing import Any

_NAMES = {
    "DataLoader": "data_adapters",
    "DataSaver": "data_adapters",
    "register_adapter": "registry",
}

__all__ = sorted(_NAMES)


def __getattr__(name: str) -> Any:
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_NAMES])
