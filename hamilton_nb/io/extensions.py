"""Extension loading and the autoload switch (Hamilton's ``registry.load_extension`` & co).

Responsibilities:
- ``load_extension(name)``: register a dataframe library's types for ``@extract_columns``
  and the type helpers (``pandas``, ``polars``, ``polars_lazyframe``); other names of
  Hamilton's extensions raise ``UnknownExtensionError`` (a ``ModuleNotFoundError``).
- The autoload switch: ``HAMILTON_AUTOLOAD_EXTENSIONS=0`` (set by ``disable_autoload`` or by
  ``~/.hamilton.conf``, the file Hamilton uses, via ``config_disable_autoload``) stops the
  installed libraries from being registered on first use; ``load_extension`` still works.
Nothing here runs at import: the config file is read when the registry is first used.
"""

from __future__ import annotations

import configparser
import os
import pathlib
from typing import Literal, get_args

from hamilton_nb import errors
from hamilton_nb.io import frame_types
from hamilton_nb.io.frame_types import HAMILTON_AUTOLOAD_ENV

ExtensionName = Literal[
    "yaml", "matplotlib", "numpy", "pandas", "plotly", "polars", "polars_lazyframe",
    "pyspark_pandas", "spark", "dask", "geopandas", "xgboost", "lightgbm", "sklearn_plot",
    "vaex", "ibis", "dlt", "kedro", "huggingface", "mlflow", "pydantic",
]  # fmt: skip
HAMILTON_EXTENSIONS: tuple[str, ...] = get_args(ExtensionName)
"""The extension names Hamilton knows (hamilton_nb implements the dataframe ones)."""

DEFAULT_CONFIG_LOCATION = pathlib.Path("~/.hamilton.conf").expanduser()


def load_extension(plugin_module: str) -> None:
    """Register extension ``plugin_module`` (e.g. ``"polars"``).

    Raises ``MissingDependencyError`` when its library is not installed and
    ``UnknownExtensionError`` for a name hamilton_nb has no extension for."""
    if plugin_module not in frame_types.FRAME_EXTENSIONS:
        known = ", ".join(sorted(frame_types.FRAME_EXTENSIONS))
        raise errors.UnknownExtensionError(
            f"hamilton_nb has no {plugin_module!r} extension; it has {known}. "
            "Data savers/loaders are registered with registry.register_adapter."
        )
    frame_types.load_frame_extension(plugin_module)


def initialize() -> None:
    """Register every installed extension now (unless autoloading is disabled)."""
    frame_types.autoload()


def disable_autoload() -> None:
    """Stop installed libraries from being registered automatically (this process)."""
    os.environ[HAMILTON_AUTOLOAD_ENV] = "0"


def enable_autoload() -> None:
    """Undo ``disable_autoload`` (this process)."""
    os.environ.pop(HAMILTON_AUTOLOAD_ENV, None)


def load_autoload_config() -> configparser.ConfigParser:
    """Read ``DEFAULT_CONFIG_LOCATION``; its ``[DEFAULT]`` autoload option, when present,
    sets the environment variable. Returns the parsed config."""
    config = configparser.ConfigParser()
    config.read(DEFAULT_CONFIG_LOCATION)
    if config.has_option("DEFAULT", HAMILTON_AUTOLOAD_ENV):
        os.environ[HAMILTON_AUTOLOAD_ENV] = config.get("DEFAULT", HAMILTON_AUTOLOAD_ENV)
    return config


def _write_config(value: str | None) -> None:
    config = load_autoload_config()
    if value is None:
        config.remove_option("DEFAULT", HAMILTON_AUTOLOAD_ENV)
    else:
        config.set("DEFAULT", HAMILTON_AUTOLOAD_ENV, value)
    with DEFAULT_CONFIG_LOCATION.open("w") as file:
        config.write(file)


def config_enable_autoload() -> None:
    """Remove the autoload switch from the config file (autoloading on, the default)."""
    _write_config(None)


def config_disable_autoload() -> None:
    """Write ``HAMILTON_AUTOLOAD_EXTENSIONS = 0`` to the config file (autoloading off)."""
    _write_config("0")
