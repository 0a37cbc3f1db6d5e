"""Decorators that turn one function into several nodes, or rebind its parameters: the public
face of the family, which is implemented in these modules:

- ``parameterized``: ``parameterize`` (and its older forms ``parameterize_values``,
  ``parameterize_sources``), one node per output (stage EXPAND); ``inject``, which binds
  parameters of the function's own node (stage INPUTS).
- ``columns``: ``extract_columns`` (one node per DataFrame column) and
  ``parameterize_extract_columns`` / ``ParameterizedExtract``.
- ``fields``: ``extract_fields`` (dict fields) and ``unpack_fields`` (tuple items).
- ``extraction``: the checks and node construction the extractors share.
"""

from __future__ import annotations

from hamilton_nb.function_modifiers.columns import (
    ParameterizedExtract,
    extract_columns,
    parameterize_extract_columns,
)
from hamilton_nb.function_modifiers.fields import extract_fields, unpack_fields
from hamilton_nb.function_modifiers.parameterized import (
    Spec,
    inject,
    parameterize,
    parameterize_sources,
    parameterize_values,
)

__all__ = [
    "ParameterizedExtract",
    "Spec",
    "extract_columns",
    "extract_fields",
    "inject",
    "parameterize",
    "parameterize_extract_columns",
    "parameterize_sources",
    "parameterize_values",
    "unpack_fields",
]
