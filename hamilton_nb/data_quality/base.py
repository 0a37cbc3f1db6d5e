"""The validator contract shared by ``@check_output`` and ``@check_output_custom``.

Responsibilities:
- ``DataValidationLevel``: what a failed check does (``WARN`` logs, ``FAIL`` raises).
- ``ValidationResult``: what one check reports (passes, message, diagnostics).
- ``DataValidator``: the abstract check users subclass for ``@check_output_custom``.
- ``BaseDefaultValidator``: a check ``@check_output`` selects by keyword (``arg()``) and type.
- ``DataValidationError`` and ``report_failures``: how failed checks are logged and raised;
  ``act_warn`` / ``act_fail_bulk`` are Hamilton's names for the two halves.
- ``AsyncDataValidator`` / ``AsyncBaseDefaultValidator``: checks whose ``validate`` is a
  coroutine, for the async driver; ``is_async_validator`` tells them apart.
"""

from __future__ import annotations

import abc
import dataclasses
import enum
import inspect
import logging
from collections.abc import Sequence
from typing import Any

from hamilton_nb import errors

logger = logging.getLogger(__name__)


class DataValidationLevel(enum.Enum):
    """How serious a failed check is: ``WARN`` logs a warning, ``FAIL`` raises."""

    WARN = "warn"
    FAIL = "fail"


def as_level(importance: str | DataValidationLevel) -> DataValidationLevel:
    """``importance`` as a ``DataValidationLevel``; raises ``InvalidDecoratorError`` otherwise."""
    try:
        return DataValidationLevel(importance)
    except ValueError:
        raise errors.InvalidDecoratorError(
            f"importance must be 'warn' or 'fail', got {importance!r}."
        ) from None


@dataclasses.dataclass
class ValidationResult:
    """The outcome of one check: whether it ``passes``, a readable ``message`` and
    ``diagnostics`` (numbers behind the verdict, e.g. how many values were out of range)."""

    passes: bool
    message: str
    diagnostics: dict[str, Any] = dataclasses.field(default_factory=dict)


class DataValidator(abc.ABC):
    """A check run on a node's value. Subclass it and pass instances to ``@check_output_custom``.

    ``applies_to`` is asked at build time whether the check fits the node's type;
    ``validate`` runs after the node computes and must return a ``ValidationResult``.
    """

    def __init__(self, importance: str | DataValidationLevel) -> None:
        self._importance = as_level(importance)

    @property
    def importance(self) -> DataValidationLevel:
        return self._importance

    @abc.abstractmethod
    def applies_to(self, datatype: type[type]) -> bool:
        """Whether this check can validate values of ``datatype`` (the node's output type)."""

    @abc.abstractmethod
    def description(self) -> str:
        """What the check verifies, in one sentence (the check node's documentation)."""

    @classmethod
    @abc.abstractmethod
    def name(cls) -> str:
        """The check's name; its node is called ``<node>_<name>``."""

    @abc.abstractmethod
    def validate(self, dataset: Any) -> ValidationResult:
        """Check ``dataset`` (the node's value) and report the outcome."""


class BaseDefaultValidator(DataValidator, abc.ABC):
    """A check ``@check_output`` creates from one keyword argument.

    ``arg()`` is the keyword (``range`` in ``@check_output(range=(0, 1))``); the constructor
    takes the keyword's value and the importance. ``applies_to`` is a classmethod so candidates
    can be chosen before any is built. The name is ``<arg>_validator``.
    """

    def __init__(self, importance: str | DataValidationLevel) -> None:
        super().__init__(importance)

    @classmethod
    @abc.abstractmethod
    def applies_to(cls, datatype: type[type]) -> bool:  # type: ignore[override]
        """Whether this check can validate values of ``datatype``."""

    @classmethod
    @abc.abstractmethod
    def arg(cls) -> str:
        """The ``@check_output`` keyword this check is created from."""

    @classmethod
    def name(cls) -> str:
        return f"{cls.arg()}_validator"


class DataValidationError(errors.HamiltonNBError):
    """One or more checks with importance ``'fail'`` did not pass.

    A plain ``Exception`` subclass, as in Hamilton (not a ``ValueError``), so ported
    ``except`` clauses catch exactly what they did. ``failures`` holds one line per failed
    check: ``[node:check] message``.
    """

    def __init__(self, message: str, failures: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.failures = list(failures)


def failure_line(node_name: str, check_name: str, result: ValidationResult) -> str:
    """``[node:check] message (diagnostics: {...})`` for logs and errors."""
    line = f"[{node_name}:{check_name}] {str(result.message).rstrip('.')}"
    if result.diagnostics:
        line += f" (diagnostics: {result.diagnostics})"
    return line


def report_failures(
    node_name: str, failed: Sequence[tuple[str, DataValidator, ValidationResult]]
) -> None:
    """Log every failed check; raise ``DataValidationError`` if any has importance ``'fail'``.

    ``failed`` holds ``(check name, validator, result)`` for checks that did not pass, in check
    order. Failed ``'warn'`` checks are logged (warning) first, then failed ``'fail'`` checks
    (error), then the error is raised, as Hamilton does.
    """
    fatal: list[str] = []
    for check_name, validator, result in failed:
        line = failure_line(node_name, check_name, result)
        if validator.importance is DataValidationLevel.FAIL:
            fatal.append(line)
        else:
            logger.warning("data quality check failed: %s", line)
    for line in fatal:
        logger.error("data quality check failed: %s", line)
    if fatal:
        raise DataValidationError(
            f"node {node_name!r} failed {len(fatal)} data quality check(s) with importance "
            "'fail':\n"
            + "\n".join(f"  {line}" for line in fatal)
            + "\nFix the data, or use importance='warn' to log failures instead of raising.",
            fatal,
        )


def act_warn(node_name: str, validation_result: ValidationResult, validator: DataValidator) -> None:
    """Log a warning naming the node and ``validator`` when ``validation_result`` failed."""
    if not validation_result.passes:
        line = failure_line(node_name, validator.name(), validation_result)
        logger.warning("data quality check failed: %s", line)


def act_fail_bulk(
    node_name: str, failures: Sequence[tuple[ValidationResult, DataValidator]]
) -> None:
    """Log and raise ``DataValidationError`` for the results in ``failures`` that did not pass
    (each with importance ``'fail'`` or not: the caller chose to fail); passing ones are ignored."""
    fatal = [failure_line(node_name, v.name(), r) for r, v in failures if not r.passes]
    for line in fatal:
        logger.error("data quality check failed: %s", line)
    if fatal:
        raise DataValidationError(
            f"node {node_name!r} failed {len(fatal)} data quality check(s):\n"
            + "\n".join(f"  {line}" for line in fatal),
            fatal,
        )


class AsyncDataValidator(DataValidator, abc.ABC):
    """A check whose ``validate`` is ``async`` (awaited by the async driver)."""

    @abc.abstractmethod
    async def validate(self, dataset: Any) -> ValidationResult:  # type: ignore[override]
        """Check ``dataset``."""


class AsyncBaseDefaultValidator(BaseDefaultValidator, abc.ABC):
    """A ``@check_output`` default check whose ``validate`` is ``async``."""

    @abc.abstractmethod
    async def validate(self, data: Any) -> ValidationResult:  # type: ignore[override]
        """Check ``data``."""


def is_async_validator(validator: DataValidator) -> bool:
    """True when ``validator.validate`` is a coroutine function."""
    return inspect.iscoroutinefunction(validator.validate)
