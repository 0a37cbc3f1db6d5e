"""What the default checks of ``@check_output`` need before they run.

Responsibilities:
- Which output types a check applies to: ``is_subtype`` (``Optional``/``Union``/``Annotated``
  unwrapped) and ``is_series_type`` (pandas is never imported here: a Series type exists only
  once pandas is imported).
- Checking the keyword values checks are built from (``bounds_arg``, ``strings_arg``,
  ``data_type_arg``, ``numpy_data_type_arg``, raising ``InvalidDecoratorError``), and
  ``set_repr`` to show value sets.
"""

from __future__ import annotations

import numbers
import sys
import types
import typing
from collections.abc import Sequence
from typing import Any, Union

from hamilton_nb import errors, htypes

_UNIONS = (Union, types.UnionType)


def _classes(datatype: Any) -> list[type] | None:
    """The classes a value of ``datatype`` may have (``None`` left out of unions), or ``None``
    when the type is not made of plain classes (``Any``, ``Literal`` ...)."""
    datatype = htypes.base_type(datatype)
    members = typing.get_args(datatype) if typing.get_origin(datatype) in _UNIONS else (datatype,)
    classes = []
    for member in members:
        member = htypes.base_type(member)
        if member is type(None) or member is None:
            continue
        cls = typing.get_origin(member) or member
        if not isinstance(cls, type):
            return None
        classes.append(cls)
    return classes or None


def is_subtype(datatype: Any, parents: tuple[type, ...]) -> bool:
    """Whether every value of ``datatype`` (``Optional``/``Union``/``Annotated`` unwrapped)
    is an instance of one of ``parents``."""
    classes = _classes(datatype)
    return classes is not None and all(issubclass(cls, parents) for cls in classes)


def is_series_type(datatype: Any) -> bool:
    pandas = sys.modules.get("pandas")  # a Series type exists only once pandas is imported
    return pandas is not None and is_subtype(datatype, (pandas.Series,))


def bounds_arg(name: str, value: Any) -> tuple[Any, Any]:
    if (
        not isinstance(value, Sequence)
        or isinstance(value, str)
        or len(value) != 2
        or not all(isinstance(v, numbers.Real) for v in value)
    ):
        raise errors.InvalidDecoratorError(
            f"{name}= takes a (low, high) pair of numbers, got {value!r}."
        )
    low, high = value
    if low > high:
        raise errors.InvalidDecoratorError(f"{name}={value!r}: low must not exceed high.")
    return low, high


def set_repr(values: frozenset[Any]) -> str:
    return "{" + ", ".join(sorted(map(repr, values))) + "}"


def strings_arg(name: str, value: Any) -> list[str]:
    found = (
        [value]
        if isinstance(value, str)
        else list(value)
        if isinstance(value, (list, tuple))
        else None
    )
    if not found or not all(isinstance(v, str) for v in found):
        raise errors.InvalidDecoratorError(
            f"{name}= takes a string or a list of strings, got {value!r}."
        )
    return found


def data_type_arg(value: Any) -> type:
    """The ``data_type=`` value, which must be a type."""
    if not isinstance(value, type):
        raise errors.InvalidDecoratorError(f"data_type= takes a type, got {value!r}.")
    return value


def numpy_data_type_arg(value: Any) -> Any:
    """The ``data_type=`` value of a Series check: a type, or anything ``numpy.dtype`` takes
    (a ``np.dtype``, ``"int64"``). Only called for Series outputs, so numpy is imported."""
    if isinstance(value, type):
        return value
    import numpy

    try:
        if value is None:  # numpy.dtype(None) would mean float64
            raise TypeError
        numpy.dtype(value)
    except TypeError:
        raise errors.InvalidDecoratorError(
            f"data_type= takes a type or a numpy dtype, got {value!r}."
        ) from None
    return value
