"""The checks ``@check_output(**kwargs)`` chooses from, by keyword and output type.

Responsibilities:
- One ``BaseDefaultValidator`` per (keyword, kind of output): pandas Series checks
  (``range``, ``values_in``, ``data_type``, ``max_fraction_nans``, ``allow_nans``,
  ``max_standard_dev``, ``mean_in_range``), checks of plain values (``range``, ``values_in``,
  ``data_type``, ``allow_none``) and of strings (``contains``, ``does_not_contain``).
- ``AVAILABLE_DEFAULT_VALIDATORS`` and ``resolve_default_validators``: build the checks for a
  node's output type from ``@check_output``'s keywords.

pandas is never imported here: Series checks only apply to types from an already imported
pandas, and they use the value's own methods.
"""

from __future__ import annotations

import numbers
import sys
import types
import typing
from collections.abc import Iterable, Sequence
from typing import Any, Union

from hamilton_nb import errors, htypes
from hamilton_nb.data_quality.base import BaseDefaultValidator, ValidationResult

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


def _is_series_type(datatype: Any) -> bool:
    pandas = sys.modules.get("pandas")  # a Series type exists only once pandas is imported
    return pandas is not None and is_subtype(datatype, (pandas.Series,))


def _bounds(name: str, value: Any) -> tuple[Any, Any]:
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


def _set_repr(values: frozenset[Any]) -> str:
    return "{" + ", ".join(sorted(map(repr, values))) + "}"


def _strings(name: str, value: Any) -> list[str]:
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


class _SeriesCheck(BaseDefaultValidator):
    """Base of the checks applying to pandas Series outputs."""

    applies_to_types = "pandas Series"

    @classmethod
    def applies_to(cls, datatype: type[type]) -> bool:
        return _is_series_type(datatype)


class _ValueCheck(BaseDefaultValidator):
    """Base of the checks applying to numbers (and, for some, strings)."""

    applies_to_types = "numbers and strings"
    value_types: tuple[type, ...] = (numbers.Real, str)

    @classmethod
    def applies_to(cls, datatype: type[type]) -> bool:
        return is_subtype(datatype, cls.value_types)


class DataInRangeValidatorPandasSeries(_SeriesCheck):
    """Every value of the Series lies in ``[low, high]``; NaN counts as outside."""

    def __init__(self, range: tuple[float, float], importance: str) -> None:  # noqa: A002 - Hamilton's keyword
        super().__init__(importance)
        self.range = _bounds("range", range)

    @classmethod
    def arg(cls) -> str:
        return "range"

    def description(self) -> str:
        return f"Checks that every value lies within [{self.range[0]}, {self.range[1]}]."

    def validate(self, data: Any) -> ValidationResult:
        low, high = self.range
        in_range = int(data.between(low, high).sum())
        outside = len(data) - in_range
        return ValidationResult(
            passes=outside == 0,
            message=f"{outside} of {len(data)} values fall outside [{low}, {high}].",
            diagnostics={
                "range": self.range,
                "in_range": in_range,
                "out_range": outside,
                "data_size": len(data),
            },
        )


class DataInRangeValidatorPrimitives(_ValueCheck):
    """The number lies in ``[low, high]``."""

    applies_to_types = "numbers"
    value_types = (numbers.Real,)

    def __init__(self, range: tuple[numbers.Real, numbers.Real], importance: str) -> None:  # noqa: A002
        super().__init__(importance)
        self.range = _bounds("range", range)

    @classmethod
    def arg(cls) -> str:
        return "range"

    def description(self) -> str:
        return f"Checks that the value lies within [{self.range[0]}, {self.range[1]}]."

    def validate(self, data: Any) -> ValidationResult:
        low, high = self.range
        passes = isinstance(data, numbers.Real) and low <= data <= high
        verdict = "lies within" if passes else "does not lie within"
        return ValidationResult(
            passes=bool(passes),
            message=f"value {data!r} {verdict} [{low}, {high}].",
            diagnostics={"range": self.range, "value": data},
        )


class DataInValuesValidatorPandasSeries(_SeriesCheck):
    """Every non-missing value of the Series is one of ``values_in``."""

    def __init__(self, values_in: Iterable[Any], importance: str) -> None:
        super().__init__(importance)
        self.values = frozenset(values_in)

    @classmethod
    def arg(cls) -> str:
        return "values_in"

    def description(self) -> str:
        return f"Checks that every non-missing value is one of {_set_repr(self.values)}."

    def validate(self, data: Any) -> ValidationResult:
        allowed = data.isin(self.values) | data.isna()
        incorrect = data[~allowed]
        counts = {k: int(v) for k, v in incorrect.value_counts().items()}
        return ValidationResult(
            passes=len(incorrect) == 0,
            message=(
                f"{len(incorrect)} of {len(data)} values are not among the allowed values"
                + (f" (e.g. {next(iter(counts))!r})." if counts else ".")
            ),
            diagnostics={
                "values": self.values,
                "correct_values_count": len(data) - len(incorrect),
                "incorrect_values_count": len(incorrect),
                "incorrect_values": counts,
                "data_size": len(data),
            },
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
        return f"Checks that the value is one of {_set_repr(self.values)}."

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
            },
        )


class MaxFractionNansValidatorPandasSeries(_SeriesCheck):
    """At most ``max_fraction_nans`` (0 to 1) of the Series' values are missing."""

    def __init__(self, max_fraction_nans: float, importance: str) -> None:
        super().__init__(importance)
        if not isinstance(max_fraction_nans, numbers.Real) or not 0 <= max_fraction_nans <= 1:
            raise errors.InvalidDecoratorError(
                f"max_fraction_nans= takes a fraction between 0 and 1, got {max_fraction_nans!r}."
            )
        self.max_fraction_nans = max_fraction_nans

    @classmethod
    def arg(cls) -> str:
        return "max_fraction_nans"

    def description(self) -> str:
        return f"Checks that at most {self.max_fraction_nans:.2%} of the values are missing."

    def validate(self, data: Any) -> ValidationResult:
        total_nan = int(data.isna().sum())
        fraction = total_nan / len(data) if len(data) else 0.0
        return ValidationResult(
            passes=fraction <= self.max_fraction_nans,
            message=(
                f"{total_nan} of {len(data)} values are missing ({fraction:.2%}); "
                f"at most {self.max_fraction_nans:.2%} are allowed."
            ),
            diagnostics={
                "total_nan": total_nan,
                "total_length": len(data),
                "fraction_na": fraction,
                "max_fraction_na": self.max_fraction_nans,
            },
        )


class AllowNaNsValidatorPandasSeries(MaxFractionNansValidatorPandasSeries):
    """``allow_nans=False``: the Series has no missing value."""

    def __init__(self, allow_nans: bool, importance: str) -> None:
        if allow_nans is not False:
            raise errors.InvalidDecoratorError(
                f"allow_nans= only accepts False (forbid missing values), got {allow_nans!r}. "
                "Drop it to allow them, or use max_fraction_nans= to allow some."
            )
        super().__init__(0, importance)

    @classmethod
    def arg(cls) -> str:
        return "allow_nans"


class DataTypeValidatorPandasSeries(_SeriesCheck):
    """The Series' dtype is (a subclass of) ``data_type``, e.g. ``np.int64`` or ``np.number``."""

    def __init__(self, data_type: type, importance: str) -> None:
        super().__init__(importance)
        if not isinstance(data_type, type):
            raise errors.InvalidDecoratorError(f"data_type= takes a type, got {data_type!r}.")
        self.datatype = data_type

    @classmethod
    def arg(cls) -> str:
        return "data_type"

    def description(self) -> str:
        return f"Checks that the Series' dtype is a subclass of {htypes.type_name(self.datatype)}."

    def validate(self, data: Any) -> ValidationResult:
        actual = data.dtype.type
        passes = isinstance(actual, type) and issubclass(actual, self.datatype)
        return ValidationResult(
            passes=passes,
            message=(
                f"dtype {htypes.type_name(actual)} {'is' if passes else 'is not'} a subclass of "
                f"{htypes.type_name(self.datatype)}."
            ),
            diagnostics={"required_dtype": self.datatype, "actual_dtype": actual},
        )


class DataTypeValidatorPrimitives(_ValueCheck):
    """The value is an instance of ``data_type``."""

    def __init__(self, data_type: type, importance: str) -> None:
        super().__init__(importance)
        if not isinstance(data_type, type):
            raise errors.InvalidDecoratorError(f"data_type= takes a type, got {data_type!r}.")
        self.datatype = data_type

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


class MaxStandardDevValidatorPandasSeries(_SeriesCheck):
    """The Series' standard deviation is at most ``max_standard_dev`` (NaN fails)."""

    def __init__(self, max_standard_dev: float, importance: str) -> None:
        super().__init__(importance)
        self.max_standard_dev = max_standard_dev

    @classmethod
    def arg(cls) -> str:
        return "max_standard_dev"

    def description(self) -> str:
        return f"Checks that the standard deviation is at most {self.max_standard_dev}."

    def validate(self, data: Any) -> ValidationResult:
        std = data.std()
        passes = bool(std <= self.max_standard_dev)  # NaN (fewer than 2 values) fails
        return ValidationResult(
            passes=passes,
            message=(
                f"standard deviation {std} {'is' if passes else 'is not'} at most "
                f"{self.max_standard_dev}."
            ),
            diagnostics={"standard_dev": std, "max_standard_dev": self.max_standard_dev},
        )


class MeanInRangeValidatorPandasSeries(_SeriesCheck):
    """The Series' mean lies in ``[low, high]`` (NaN fails)."""

    def __init__(self, mean_in_range: tuple[float, float], importance: str) -> None:
        super().__init__(importance)
        self.mean_in_range = _bounds("mean_in_range", mean_in_range)

    @classmethod
    def arg(cls) -> str:
        return "mean_in_range"

    def description(self) -> str:
        low, high = self.mean_in_range
        return f"Checks that the mean lies within [{low}, {high}]."

    def validate(self, data: Any) -> ValidationResult:
        low, high = self.mean_in_range
        mean = data.mean()
        passes = bool(low <= mean <= high)
        return ValidationResult(
            passes=passes,
            message=f"mean {mean} {'lies' if passes else 'does not lie'} within [{low}, {high}].",
            diagnostics={"dataset_mean": mean, "mean_in_range": self.mean_in_range},
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
        self.contains = _strings("contains", contains)

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
            {"contains": self.contains, "missing": missing},
        )


class StrDoesNotContainValidator(_ValueCheck):
    """The string contains none of ``does_not_contain``."""

    applies_to_types = "strings"
    value_types = (str,)

    def __init__(self, does_not_contain: str | list[str], importance: str) -> None:
        super().__init__(importance)
        self.does_not_contain = _strings("does_not_contain", does_not_contain)

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
            {"does_not_contain": self.does_not_contain, "found": found},
        )


AVAILABLE_DEFAULT_VALIDATORS: list[type[BaseDefaultValidator]] = [
    AllowNaNsValidatorPandasSeries,
    DataInRangeValidatorPandasSeries,
    DataInRangeValidatorPrimitives,
    DataInValuesValidatorPandasSeries,
    DataInValuesValidatorPrimitives,
    DataTypeValidatorPandasSeries,
    DataTypeValidatorPrimitives,
    MaxFractionNansValidatorPandasSeries,
    MaxStandardDevValidatorPandasSeries,
    MeanInRangeValidatorPandasSeries,
    AllowNoneValidator,
    StrContainsValidator,
    StrDoesNotContainValidator,
]


def _pandera_validators() -> list[type[BaseDefaultValidator]]:
    try:
        from hamilton_nb.data_quality import pandera_validators
    except ImportError as exc:
        raise errors.InvalidDecoratorError(
            "schema= checks output against a pandera schema, which needs pandera: "
            "pip install pandera"
        ) from exc
    return list(pandera_validators.PANDERA_VALIDATORS)


_APPLIES: dict[tuple[type, Any], bool] = {}  # (validator class, output type) -> applies


def _applies(cls: type[BaseDefaultValidator], output_type: Any) -> bool:
    """``cls.applies_to(output_type)``, memoised (build time runs it once per checked node)."""
    try:
        return _APPLIES[cls, output_type]
    except KeyError:
        pass
    except TypeError:  # unhashable annotation: ask every time
        return _ask_applies(cls, output_type)
    applies = _APPLIES[cls, output_type] = _ask_applies(cls, output_type)
    return applies


def _ask_applies(cls: type[BaseDefaultValidator], output_type: Any) -> bool:
    try:
        return bool(cls.applies_to(output_type))
    except TypeError:  # applies_to calling issubclass on a non-class annotation
        return False


_DEFAULT_BY_ARG: dict[tuple[type, ...], dict[str, list[type[BaseDefaultValidator]]]] = {}


def _default_by_arg() -> dict[str, list[type[BaseDefaultValidator]]]:
    """Candidates by keyword, rebuilt if ``AVAILABLE_DEFAULT_VALIDATORS`` was changed."""
    key = tuple(AVAILABLE_DEFAULT_VALIDATORS)
    found = _DEFAULT_BY_ARG.get(key)
    if found is None:
        _DEFAULT_BY_ARG.clear()
        found = _DEFAULT_BY_ARG[key] = _by_arg(key)
    return found


def _by_arg(
    validators: Iterable[type[BaseDefaultValidator]],
) -> dict[str, list[type[BaseDefaultValidator]]]:
    by_arg: dict[str, list[type[BaseDefaultValidator]]] = {}
    for cls in validators:
        by_arg.setdefault(cls.arg(), []).append(cls)
    return by_arg


def resolve_default_validators(
    output_type: Any,
    importance: str,
    available_validators: list[type[BaseDefaultValidator]] | None = None,
    **default_validator_kwargs: Any,
) -> list[BaseDefaultValidator]:
    """The checks for ``output_type`` that ``default_validator_kwargs`` ask for.

    Every candidate whose ``arg()`` is a given keyword and which applies to ``output_type``
    is built with the keyword's value. Raises ``InvalidDecoratorError`` for an unknown keyword,
    a keyword with no check for ``output_type``, or a value the check refuses.
    """
    if available_validators is not None:
        by_arg = _by_arg(available_validators)
    elif "schema" in default_validator_kwargs:
        by_arg = _by_arg([*AVAILABLE_DEFAULT_VALIDATORS, *_pandera_validators()])
    else:
        by_arg = _default_by_arg()
    built: list[BaseDefaultValidator] = []
    for key, value in default_validator_kwargs.items():
        candidates = by_arg.get(key)
        if not candidates:
            raise errors.InvalidDecoratorError(
                f"unknown check {key}={value!r}{errors.did_you_mean(key, by_arg)}; "
                f"available checks: {', '.join(sorted(by_arg))}."
            )
        fitting = [cls for cls in candidates if _applies(cls, output_type)]
        if not fitting:
            kinds = sorted({getattr(cls, "applies_to_types", cls.__name__) for cls in candidates})
            raise errors.InvalidDecoratorError(
                f"check {key}= does not apply to output type {htypes.type_name(output_type)} "
                f"(it checks {' or '.join(kinds)}). Fix the return annotation or drop the check."
            )
        for cls in fitting:
            try:
                built.append(cls(value, importance))  # type: ignore[call-arg]
            except errors.InvalidDecoratorError:
                raise
            except (TypeError, ValueError) as exc:
                raise errors.InvalidDecoratorError(
                    f"check {key}={value!r} is invalid: {exc}"
                ) from exc
    return built
