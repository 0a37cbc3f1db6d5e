"""The default checks of ``@check_output`` for plain values: numbers, strings, any value.

``range`` (numbers), ``values_in`` and ``data_type`` (numbers and strings), ``allow_none``
(any type), ``contains`` and ``does_not_contain`` (strings).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

from hamilton_nb import htypes
from hamilton_nb.data_quality.base import BaseDefaultValidator, ValidationResult
from hamilton_nb.data_quality.check_support import (
    bounds_arg,
    data_type_arg,
    is_subtype,
    set_repr,
    strings_arg,
)


class _ValueCheck(BaseDefaultValidator):
    """Base of the checks applying to numbers (and, for some, strings)."""

    applies_to_types = "numbers and strings"
    value_types: tuple[type, ...] = (numbers.Real, str)

    @classmethod
    def applies_to(cls, datatype: type[type]) -> bool:
        return is_subtype(datatype, cls.value_types)


class DataInRangeValidatorPrimitives(_ValueCheck):
    """The number lies in ``[low, high]``."""

    applies_to_types = "numbers"
    value_types = (numbers.Real,)

    def __init__(self, range: tuple[numbers.Real, numbers.Real], importance: str) -> None:  # noqa: A002
        super().__init__(importance)
        self.range = bounds_arg("range", range)

    @classmethod
    def arg(cls) -> str:
        return "range"

    def description(self) -> str:
        return f"Checks that the value lies within [{self.range[0]}, {self.range[1]}]."

    def validate(self, data: Any) -> ValidationResult:
        low, high = self.range
        # numpy scalars compare to numpy booleans, which Hamilton reports as they are
        passes = low <= data <= high if isinstance(data, numbers.Real) else False
        verdict = "lies within" if passes else "does not lie within"
        return ValidationResult(
            passes=passes,
            message=f"value {data!r} {verdict} [{low}, {high}].",
            diagnostics={"range": self.range, "value": data},
        )


class DataInValuesValidatorPrimitives(_ValueCheck):
    """The value is one of ``values_in``."""

    def __init__(self, values_in: Iterable[Any], importance: str) -> None:
        super().__init__(importance)
        self.values = frozenset(values_in)

    @classmethod
    def arg(cls) -> str:
        return "values_in"

    def description(self) -> str:
        return f"Checks that the value is one of {set_repr(self.values)}."

    def validate(self, data: Any) -> ValidationResult:
        try:
            passes = data in self.values
        except TypeError:  # unhashable value
            passes = False
        return ValidationResult(
            passes=passes,
            message=f"value {data!r} is {'' if passes else 'not '}one of the allowed values.",
            diagnostics={
                "values": self.values,
                "was_correct": passes,
                "incorrect_value": None if passes else data,
                "data_size": 1,
            },
        )


class DataTypeValidatorPrimitives(_ValueCheck):
    """The value is an instance of ``data_type``."""

    def __init__(self, data_type: type, importance: str) -> None:
        super().__init__(importance)
        self.datatype = data_type_arg(data_type)

    @classmethod
    def arg(cls) -> str:
        return "data_type"

    def description(self) -> str:
        return f"Checks that the value is an instance of {htypes.type_name(self.datatype)}."

    def validate(self, data: Any) -> ValidationResult:
        passes = isinstance(data, self.datatype)
        return ValidationResult(
            passes=passes,
            message=(
                f"value of type {htypes.type_name(type(data))} {'is' if passes else 'is not'} an "
                f"instance of {htypes.type_name(self.datatype)}."
            ),
            diagnostics={"required_data_type": self.datatype, "actual_data_type": type(data)},
        )


class AllowNoneValidator(BaseDefaultValidator):
    """``allow_none=False``: the value is not ``None`` (any output type)."""

    applies_to_types = "any type"

    def __init__(self, allow_none: bool, importance: str) -> None:
        super().__init__(importance)
        self.allow_none = bool(allow_none)

    @classmethod
    def applies_to(cls, datatype: type[type]) -> bool:
        return True

    @classmethod
    def arg(cls) -> str:
        return "allow_none"

    def description(self) -> str:
        return "Accepts any value." if self.allow_none else "Checks that the value is not None."

    def validate(self, data: Any) -> ValidationResult:
        passes = self.allow_none or data is not None
        return ValidationResult(
            passes, "value is not None." if passes else "value is None, which is not allowed."
        )


class StrContainsValidator(_ValueCheck):
    """The string contains every one of ``contains``."""

    applies_to_types = "strings"
    value_types = (str,)

    def __init__(self, contains: str | list[str], importance: str) -> None:
        super().__init__(importance)
        self.contains = strings_arg("contains", contains)

    @classmethod
    def arg(cls) -> str:
        return "contains"

    def description(self) -> str:
        return f"Checks that the string contains each of {self.contains}."

    def validate(self, data: Any) -> ValidationResult:
        missing = [s for s in self.contains if not isinstance(data, str) or s not in data]
        if not missing:
            return ValidationResult(True, f"string contains each of {self.contains}.")
        return ValidationResult(
            False,
            f"string does not contain {missing}.",
            {"contains": self.contains, "data": _excerpt(data)},
        )


class StrDoesNotContainValidator(_ValueCheck):
    """The string contains none of ``does_not_contain``."""

    applies_to_types = "strings"
    value_types = (str,)

    def __init__(self, does_not_contain: str | list[str], importance: str) -> None:
        super().__init__(importance)
        self.does_not_contain = strings_arg("does_not_contain", does_not_contain)

    @classmethod
    def arg(cls) -> str:
        return "does_not_contain"

    def description(self) -> str:
        return f"Checks that the string contains none of {self.does_not_contain}."

    def validate(self, data: Any) -> ValidationResult:
        found = [s for s in self.does_not_contain if isinstance(data, str) and s in data]
        if not found:
            return ValidationResult(True, f"string contains none of {self.does_not_contain}.")
        return ValidationResult(
            False,
            f"string contains {found}.",
            {"does_not_contain": self.does_not_contain, "data": _excerpt(data)},
        )


def _excerpt(data: Any) -> Any:
    """The checked string for diagnostics, cut to its first 100 characters."""
    return data[:100] if isinstance(data, str) else data
