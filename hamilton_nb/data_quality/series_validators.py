"""The default checks of ``@check_output`` for pandas Series outputs.

``range``, ``values_in``, ``data_type``, ``max_fraction_nans``, ``allow_nans``,
``max_standard_dev`` and ``mean_in_range``; each applies only to (subclasses of)
``pd.Series`` and uses the value's own methods, so pandas is never imported here.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

from hamilton_nb import errors, htypes
from hamilton_nb.data_quality.base import BaseDefaultValidator, ValidationResult
from hamilton_nb.data_quality.check_support import (
    bounds_arg,
    is_series_type,
    numpy_data_type_arg,
    set_repr,
)


class _SeriesCheck(BaseDefaultValidator):
    """Base of the checks applying to pandas Series outputs."""

    applies_to_types = "pandas Series"

    @classmethod
    def applies_to(cls, datatype: type[type]) -> bool:
        return is_series_type(datatype)


class DataInRangeValidatorPandasSeries(_SeriesCheck):
    """Every value of the Series lies in ``[low, high]``; NaN counts as outside."""

    def __init__(self, range: tuple[float, float], importance: str) -> None:  # noqa: A002 - Hamilton's keyword
        super().__init__(importance)
        self.range = bounds_arg("range", range)

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


class DataInValuesValidatorPandasSeries(_SeriesCheck):
    """Every non-missing value of the Series is one of ``values_in``."""

    def __init__(self, values_in: Iterable[Any], importance: str) -> None:
        super().__init__(importance)
        self.values = frozenset(values_in)

    @classmethod
    def arg(cls) -> str:
        return "values_in"

    def description(self) -> str:
        return f"Checks that every non-missing value is one of {set_repr(self.values)}."

    def validate(self, data: Any) -> ValidationResult:
        allowed = data.isin(self.values) | data.isna()
        incorrect = data[~allowed]
        counts = incorrect.value_counts().to_dict()
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
        total_nan = data.isna().sum()  # numpy scalars, as Hamilton reports them
        fraction = total_nan / len(data) if len(data) else 0
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
    """The Series' dtype is a sub-dtype of ``data_type`` (numpy's ``issubdtype`` rules).

    ``data_type`` is a type (``int``, ``float``, ``bool``, ``str``, ``object``, ``np.int64``,
    ``np.number`` ...) or anything ``numpy.dtype`` accepts (``np.dtype("int")``, ``"int64"``).
    Python types stand for numpy's defaults, so ``int`` matches an ``int64`` Series (not
    ``int32``) and ``float`` a ``float64`` one; extension dtypes are judged by their scalar type
    (``Float64`` by ``np.float64``, ``Int64`` by ``np.int64``).
    """

    def __init__(self, data_type: Any, importance: str) -> None:
        super().__init__(importance)
        self.datatype = numpy_data_type_arg(data_type)

    @classmethod
    def arg(cls) -> str:
        return "data_type"

    def description(self) -> str:
        return f"Checks that the Series' dtype is a subclass of {_dtype_name(self.datatype)}."

    def validate(self, data: Any) -> ValidationResult:
        import numpy

        actual = data.dtype
        actual = getattr(actual, "type", actual)  # the scalar type behind the dtype
        passes = numpy.issubdtype(actual, self.datatype)
        return ValidationResult(
            passes=passes,
            message=(
                f"dtype {_dtype_name(actual)} {'is' if passes else 'is not'} a subclass of "
                f"{_dtype_name(self.datatype)}."
            ),
            diagnostics={"required_dtype": self.datatype, "actual_dtype": actual},
        )


def _dtype_name(datatype: Any) -> str:
    return htypes.type_name(datatype) if isinstance(datatype, type) else repr(datatype)


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
        passes = std <= self.max_standard_dev  # NaN (fewer than 2 values) fails
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
        self.mean_in_range = bounds_arg("mean_in_range", mean_in_range)

    @classmethod
    def arg(cls) -> str:
        return "mean_in_range"

    def description(self) -> str:
        low, high = self.mean_in_range
        return f"Checks that the mean lies within [{low}, {high}]."

    def validate(self, data: Any) -> ValidationResult:
        low, high = self.mean_in_range
        mean = data.mean()
        passes = low <= mean <= high  # NaN fails
        return ValidationResult(
            passes=passes,
            message=f"mean {mean} {'lies' if passes else 'does not lie'} within [{low}, {high}].",
            diagnostics={"dataset_mean": mean, "mean_in_range": self.mean_in_range},
        )
