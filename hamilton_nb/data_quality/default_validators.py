"""The checks ``@check_output(**kwargs)`` chooses from, by keyword and output type.

Responsibilities:
- ``AVAILABLE_DEFAULT_VALIDATORS`` (the registry; it may be changed, the lookup follows) and
  ``resolve_default_validators``: build the checks for a node's output type from
  ``@check_output``'s keywords; ``schema=`` adds the pandera checks (needs pandera).
- The public face of the checks, which are implemented in ``series_validators`` (pandas
  Series: ``range``, ``values_in``, ``data_type``, ``max_fraction_nans``, ``allow_nans``,
  ``max_standard_dev``, ``mean_in_range``) and ``value_validators`` (plain values: ``range``,
  ``values_in``, ``data_type``, ``allow_none``, ``contains``, ``does_not_contain``).

pandas is never imported here: Series checks only apply to types from an already imported
pandas, and they use the value's own methods.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hamilton_nb import errors, htypes
from hamilton_nb.data_quality.base import BaseDefaultValidator
from hamilton_nb.data_quality.check_support import is_subtype
from hamilton_nb.data_quality.series_validators import (
    AllowNaNsValidatorPandasSeries,
    DataInRangeValidatorPandasSeries,
    DataInValuesValidatorPandasSeries,
    DataTypeValidatorPandasSeries,
    MaxFractionNansValidatorPandasSeries,
    MaxStandardDevValidatorPandasSeries,
    MeanInRangeValidatorPandasSeries,
)
from hamilton_nb.data_quality.value_validators import (
    AllowNoneValidator,
    DataInRangeValidatorPrimitives,
    DataInValuesValidatorPrimitives,
    DataTypeValidatorPrimitives,
    StrContainsValidator,
    StrDoesNotContainValidator,
)

__all__ = [
    "AVAILABLE_DEFAULT_VALIDATORS",
    "AllowNaNsValidatorPandasSeries",
    "AllowNoneValidator",
    "DataInRangeValidatorPandasSeries",
    "DataInRangeValidatorPrimitives",
    "DataInValuesValidatorPandasSeries",
    "DataInValuesValidatorPrimitives",
    "DataTypeValidatorPandasSeries",
    "DataTypeValidatorPrimitives",
    "MaxFractionNansValidatorPandasSeries",
    "MaxStandardDevValidatorPandasSeries",
    "MeanInRangeValidatorPandasSeries",
    "StrContainsValidator",
    "StrDoesNotContainValidator",
    "is_subtype",
    "resolve_default_validators",
]

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
