"""Decorators that shape how functions become nodes (Hamilton's ``function_modifiers``).

Names are resolved lazily from the modules below, so importing this package does not import
pandas or any decorator until it is used. The families' public faces are ``expanders``
(parameterize, extract and inject) and ``macros`` (does and the pipes), which re-export the
modules implementing them.
"""

from __future__ import annotations

import importlib
from typing import Any

_FAMILIES: dict[str, tuple[str, ...]] = {
    "base": ("FunctionModifier", "Resolution", "Stage"),
    "configuration": ("config", "resolve", "ResolveAt", "resolve_from_config", "hamilton_exclude"),
    "dependencies": ("source", "value", "group"),
    "parameterized": (
        "parameterize",
        "parameterize_values",
        "parameterize_sources",
        "inject",
    ),
    "columns": ("parameterize_extract_columns", "ParameterizedExtract", "extract_columns"),
    "fields": ("extract_fields", "unpack_fields"),
    "metadata": ("tag", "tag_outputs", "schema", "cache"),
    "validation": ("check_output", "check_output_custom"),
    "recursive": ("subdag", "parameterized_subdag"),
    "replacing": ("does",),
    "steps": ("step",),
    "pipes": ("pipe", "pipe_input", "pipe_output"),
    "mutations": ("mutate", "apply_to"),
    "adapters": ("load_from", "save_to", "dataloader", "datasaver"),
}
_WHERE = {name: family for family, names in _FAMILIES.items() for name in names}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    family = _WHERE.get(name)
    if family is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{family}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
