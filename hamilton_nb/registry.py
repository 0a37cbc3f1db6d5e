"""Hamilton's ``hamilton.registry`` path.

- Data adapters: ``register_adapter`` adds loader/saver kinds; ``LOADER_REGISTRY`` /
  ``SAVER_REGISTRY`` (kind -> adapter classes) include the built-in kinds once read
  (implementation in ``hamilton_nb.io.registry``).
- Dataframe types: ``register_types``, ``get_column``, ``fill_with_scalar``, ... (in
  ``hamilton_nb.io.frame_types``); installed libraries register on first use.
- Extensions: ``load_extension`` and the autoload switches (in ``hamilton_nb.io.extensions``).
"""

from __future__ import annotations

from typing import Any

from hamilton_nb.io import registry as _registry
from hamilton_nb.io.extensions import (
    DEFAULT_CONFIG_LOCATION,
    HAMILTON_EXTENSIONS,
    config_disable_autoload,
    config_enable_autoload,
    disable_autoload,
    enable_autoload,
    initialize,
    load_autoload_config,
    load_extension,
)
from hamilton_nb.io.frame_types import (
    COLUMN_TYPE,
    DATAFRAME_TYPE,
    DF_TYPE_AND_COLUMN_TYPES,
    HAMILTON_AUTOLOAD_ENV,
    fill_with_scalar,
    get_column,
    get_column_type_from_df_type,
    get_registered_column_types,
    get_registered_dataframe_types,
    register_types,
)
from hamilton_nb.io.registry import register_adapter

__all__ = [
    "COLUMN_TYPE",
    "DATAFRAME_TYPE",
    "DEFAULT_CONFIG_LOCATION",
    "DF_TYPE_AND_COLUMN_TYPES",
    "HAMILTON_AUTOLOAD_ENV",
    "HAMILTON_EXTENSIONS",
    "config_disable_autoload",
    "config_enable_autoload",
    "disable_autoload",
    "enable_autoload",
    "fill_with_scalar",
    "get_column",
    "get_column_type_from_df_type",
    "get_registered_column_types",
    "get_registered_dataframe_types",
    "initialize",
    "load_autoload_config",
    "load_extension",
    "register_adapter",
    "register_types",
]  # and LOADER_REGISTRY / SAVER_REGISTRY, resolved on access


def __getattr__(name: str) -> Any:
    if name in ("LOADER_REGISTRY", "SAVER_REGISTRY"):
        _registry.ensure_builtins()
        return getattr(_registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
