"""Decorators that shape how functions become nodes (Hamilton's ``function_modifiers``).

Names are resolved lazily from the modules below, so importing this package does not import
pandas or any decorator until it is used. The families' public faces are ``expanders``
(parameterize, extract and inject) and ``macros`` (does and the pipes), which re-export the
modules implementing them.
"""

from __future__ import annotations

import importlib
from typing import Any

from hamilton_nb.errors import InvalidDecoratorError

# ``configuration`` names both a submodule and Hamilton's ``configuration()`` dependency; load
# the (light) submodule first so that importing it later cannot rebind the public name.
from hamilton_nb.function_modifiers import configuration as _configuration_module  # noqa: F401
from hamilton_nb.function_modifiers.dependencies import configuration  # noqa: F401

InvalidDecoratorException = InvalidDecoratorError  # Hamilton's name for the same error

_FAMILIES: dict[str, tuple[str, ...]] = {
    "base": ("FunctionModifier", "Resolution", "Stage"),
    "configuration": ("config", "resolve", "ResolveAt", "resolve_from_config", "hamilton_exclude"),
    "dependencies": (
        "source",
        "value",
        "group",
        "LiteralDependency",
        "UpstreamDependency",
    ),
    "parameterized": (
        "parameterize",
        "parameterize_values",
        "parameterize_sources",
        "inject",
    ),
    "columns": ("parameterize_extract_columns", "ParameterizedExtract", "extract_columns"),
    "fields": ("extract_fields", "unpack_fields"),
    "metadata": ("tag", "tag_outputs", "schema", "cache"),
    "validation": (
        "check_output",
        "check_output_custom",
        "IS_DATA_VALIDATOR_TAG",
        "DATA_VALIDATOR_ORIGINAL_OUTPUT_TAG",
    ),
    "recursive": ("subdag", "parameterized_subdag"),
    "replacing": ("does",),
    "steps": ("step",),
    "pipes": ("pipe", "pipe_input", "pipe_output"),
    "mutations": ("mutate", "apply_to"),
    "adapters": ("load_from", "save_to", "dataloader", "datasaver"),
    # Hamilton's deprecated decorators (they log a deprecation warning when applied)
    "deprecated": (
        "parametrized",
        "parametrized_input",
        "parameterized_inputs",
        "dynamic_transform",
        "model",
    ),
}
_WHERE = {name: family for family, names in _FAMILIES.items() for name in names}

__all__ = sorted([*_WHERE, "InvalidDecoratorException", "configuration"])


def __getattr__(name: str) -> Any:
    family = _WHERE.get(name)
    if family is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{family}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
