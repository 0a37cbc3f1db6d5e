"""``@check_output`` and ``@check_output_custom``: data quality checks on a node's value.

Responsibilities:
- Rewrite each validated node ``X`` (stage TRANSFORM) into ``X_raw`` (the original
  computation), one ``X_<check name>`` node per check returning a ``ValidationResult``, and
  ``X`` itself, which returns the raw value once every check has run: failed ``'warn'`` checks
  are logged, failed ``'fail'`` checks raise ``DataValidationError`` listing each of them.
- Stacked decorators on one node add their checks to the same ``X_raw`` / ``X`` pair.
- Build-time errors for checks that do not fit the node's output type.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hamilton_nb import errors, htypes
from hamilton_nb.data_quality import base as dq_base
from hamilton_nb.data_quality.base import BaseDefaultValidator, DataValidator, ValidationResult
from hamilton_nb.function_modifiers.base import (
    FunctionModifier,
    Stage,
    describe_use,
    raise_problems,
)
from hamilton_nb.function_modifiers.metadata import Target, select_targets, target_problem
from hamilton_nb.node import DependencyType, Node, NodeType

CONTAINS_DQ_RESULTS_TAG = "hamilton.data_quality.contains_dq_results"
SOURCE_NODE_TAG = "hamilton.data_quality.source_node"
# Hamilton's public names for the two tags (exported by ``function_modifiers``).
IS_DATA_VALIDATOR_TAG = CONTAINS_DQ_RESULTS_TAG
DATA_VALIDATOR_ORIGINAL_OUTPUT_TAG = SOURCE_NODE_TAG

_REQUIRED = DependencyType.REQUIRED


class _CheckedValue:
    """Callable of the validated node: act on the check results, then return the raw value."""

    __slots__ = ("node_name", "raw_name", "checks")

    def __init__(
        self, node_name: str, raw_name: str, checks: Sequence[tuple[str, str, DataValidator]]
    ) -> None:
        self.node_name = node_name
        self.raw_name = raw_name
        self.checks = tuple(checks)  # (check node name, check name, validator)

    def __call__(self, **kwargs: Any) -> Any:
        failed = [
            (check_name, validator, kwargs[check_node])
            for check_node, check_name, validator in self.checks
            if not kwargs[check_node].passes
        ]
        if failed:
            dq_base.report_failures(self.node_name, failed)
        return kwargs[self.raw_name]


def _check_runner(
    validator: DataValidator, raw_name: str, check_node: str
) -> Callable[..., ValidationResult]:
    def run_check(**kwargs: Any) -> ValidationResult:
        result = validator.validate(kwargs[raw_name])
        if not isinstance(result, ValidationResult):
            raise errors.ExecutionError(
                f"check node {check_node!r}: {type(validator).__name__}.validate() returned "
                f"{result!r}; it must return a ValidationResult."
            )
        return result

    return run_check


def _free_name(wanted: str, taken: set[str]) -> str:
    """``wanted``, or ``wanted_1``, ``wanted_2`` ... when already used (Hamilton's scheme)."""
    name, index = wanted, 0
    while name in taken:
        index += 1
        name = f"{wanted}_{index}"
    taken.add(name)
    return name


class BaseDataValidationDecorator(FunctionModifier, abc.ABC):
    """Shared rewrite of ``@check_output`` / ``@check_output_custom``; subclasses choose the
    validators for a node in ``get_validators``."""

    stage = Stage.TRANSFORM

    def __init__(self, target_: Target) -> None:
        self.target = target_
        self._problems: list[str] = []
        target_error = target_problem(target_)
        if target_error:
            self._problems.append(target_error)

    def validate(self, fn: Callable[..., Any]) -> None:
        raise_problems(fn, self.display_name(), self._problems)

    @abc.abstractmethod
    def get_validators(self, node: Node, fn: Callable[..., Any]) -> list[DataValidator]:
        """The validators to run on ``node``; raises ``InvalidDecoratorError`` when one cannot."""

    def transform(
        self, nodes: list[Node], config: Mapping[str, Any], fn: Callable[..., Any]
    ) -> list[Node]:
        selected = select_targets(nodes, self.target, fn, self.display_name())
        taken = {node.name for node in nodes}
        out: list[Node] = []
        for node in nodes:
            if node.name in selected:
                out.extend(self._checked(node, self.get_validators(node, fn), fn, taken))
            else:
                out.append(node)
        return out

    def _checked(
        self, node: Node, validators: list[DataValidator], fn: Callable[..., Any], taken: set[str]
    ) -> list[Node]:
        if node.node_role is NodeType.EXPAND:
            raise errors.InvalidDecoratorError(
                f"{describe_use(fn, self.display_name())} cannot check node {node.name!r}, "
                "which returns Parallelizable; check the per-item nodes downstream instead."
            )
        created: list[Node] = []
        previous = node.callable if isinstance(node.callable, _CheckedValue) else None
        if previous is not None:  # stacked decorator: reuse X_raw, add checks
            raw_name, checks = previous.raw_name, list(previous.checks)
        else:
            raw_name, checks = _free_name(f"{node.name}_raw", taken), []
            created.append(node.copy_with(name=raw_name))
        check_tags = {**node.tags, CONTAINS_DQ_RESULTS_TAG: True, SOURCE_NODE_TAG: node.name}
        for validator in validators:
            check_node = _free_name(f"{node.name}_{validator.name()}", taken)
            created.append(
                Node(
                    name=check_node,
                    type=ValidationResult,
                    callable=_check_runner(validator, raw_name, check_node),
                    input_types={raw_name: (node.type, _REQUIRED)},
                    tags=check_tags,
                    documentation=validator.description(),
                    originating_functions=node.originating_functions or (fn,),
                    namespace=node.namespace,
                )
            )
            # logs and errors name the check by validator name, as Hamilton does
            checks.append((check_node, validator.name(), validator))
        inputs: dict[str, tuple[Any, DependencyType]] = {raw_name: (node.type, _REQUIRED)}
        inputs.update((check_node, (ValidationResult, _REQUIRED)) for check_node, _, _ in checks)
        created.append(
            node.copy_with(
                callable=_CheckedValue(node.name, raw_name, checks),
                input_types=inputs,
                node_role=NodeType.STANDARD,
            )
        )
        return created


def _default_args(candidates: list[type[BaseDefaultValidator]] | None) -> set[str]:
    if candidates is None:
        from hamilton_nb.data_quality import default_validators

        return {cls.arg() for cls in default_validators.AVAILABLE_DEFAULT_VALIDATORS} | {"schema"}
    return {cls.arg() for cls in candidates}


class check_output(BaseDataValidationDecorator):  # noqa: N801 - Hamilton's public name
    """Check the function's output with Hamilton's default validators, chosen by keyword.

    ``@check_output(range=(0, 1), allow_nans=False, importance="fail")``. Keywords: ``range``,
    ``values_in``, ``data_type``, ``max_fraction_nans``, ``allow_nans``, ``max_standard_dev``,
    ``mean_in_range``, ``allow_none``, ``contains``, ``does_not_contain`` and ``schema`` (a
    pandera schema); which check runs depends on the output type (pandas Series, number,
    string). ``importance="warn"`` logs failures, ``"fail"`` raises ``DataValidationError``.
    """

    def __init__(
        self,
        importance: str = dq_base.DataValidationLevel.WARN.value,
        default_validator_candidates: list[type[BaseDefaultValidator]] | None = None,
        target_: Target = None,
        **default_validator_kwargs: Any,
    ) -> None:
        super().__init__(target_)
        self.importance = importance
        self.default_validator_candidates = default_validator_candidates
        self.default_validator_kwargs = default_validator_kwargs
        try:
            dq_base.as_level(importance)
        except errors.InvalidDecoratorError as exc:
            self._problems.append(str(exc).rstrip("."))
        if not default_validator_kwargs:
            self._problems.append("it needs at least one check, e.g. @check_output(range=(0, 1))")
        known = _default_args(default_validator_candidates)
        for key in default_validator_kwargs:
            if key not in known:
                self._problems.append(
                    f"unknown check {key!r}{errors.did_you_mean(key, known)} "
                    f"(available: {', '.join(sorted(known))})"
                )

    @classmethod
    def display_name(cls) -> str:
        return "check_output"

    def get_validators(self, node: Node, fn: Callable[..., Any]) -> list[DataValidator]:
        from hamilton_nb.data_quality import default_validators

        try:
            return list(
                default_validators.resolve_default_validators(
                    node.type,
                    self.importance,
                    self.default_validator_candidates,
                    **self.default_validator_kwargs,
                )
            )
        except errors.InvalidDecoratorError as exc:
            raise errors.InvalidDecoratorError(
                f"{describe_use(fn, 'check_output')} on node {node.name!r} "
                f"({htypes.type_name(node.type)}): {exc}"
            ) from exc


class check_output_custom(BaseDataValidationDecorator):  # noqa: N801 - Hamilton's public name
    """Check the function's output with your own ``DataValidator`` instances.

    ``@check_output_custom(IsEven(importance="fail"))``; each validator's ``applies_to`` must
    accept the output type, and its own importance decides between logging and raising.
    """

    def __init__(self, *validators: DataValidator, target_: Target = None) -> None:
        super().__init__(target_)
        self.validators = list(validators)
        if not validators:
            self._problems.append("it needs at least one DataValidator instance")
        for validator in validators:
            if not isinstance(validator, DataValidator):
                self._problems.append(
                    f"{validator!r} is not a DataValidator instance "
                    "(subclass hamilton_nb.data_quality.base.DataValidator)"
                )

    @classmethod
    def display_name(cls) -> str:
        return "check_output_custom"

    def get_validators(self, node: Node, fn: Callable[..., Any]) -> list[DataValidator]:
        for validator in self.validators:
            try:
                applies = validator.applies_to(node.type)
            except Exception as exc:
                raise errors.InvalidDecoratorError(
                    f"{describe_use(fn, 'check_output_custom')}: {type(validator).__name__}"
                    f".applies_to({htypes.type_name(node.type)}) raised {exc!r}."
                ) from exc
            if not applies:
                raise errors.InvalidDecoratorError(
                    f"{describe_use(fn, 'check_output_custom')}: validator "
                    f"{validator.name()!r} ({type(validator).__name__}) does not apply to node "
                    f"{node.name!r} of type {htypes.type_name(node.type)}."
                )
        return list(self.validators)
