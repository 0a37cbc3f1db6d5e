"""Config-driven transforms for the deprecated ``@dynamic_transform`` / ``@model`` decorators.

A transform is built from a config value and the decorated function's name; it declares the
nodes it reads (``get_dependents``) and computes the node's value from them (``compute``).
``BaseModel`` is the form ``@model`` expects: its ``compute`` calls ``predict``.
"""

from __future__ import annotations

import abc
from typing import Any


class DynamicTransformBase(abc.ABC):
    """A transform whose inputs and behaviour come from configuration.

    ``config_parameters`` is the config value named by the decorator; ``name`` is the name of
    the node being built.
    """

    def __init__(self, config_parameters: Any, name: str) -> None:
        self._config_parameters = config_parameters
        self._name = name

    @abc.abstractmethod
    def get_dependents(self) -> list[str]:
        """The names of the nodes this transform reads."""

    @abc.abstractmethod
    def compute(self, **inputs: Any) -> Any:
        """The node's value, from the dependents' values passed by name."""

    @property
    def config_parameters(self) -> Any:
        return self._config_parameters

    @property
    def name(self) -> str:
        return self._name


class BaseModel(DynamicTransformBase, abc.ABC):
    """A transform that is a model: ``compute`` delegates to ``predict``."""

    def compute(self, **inputs: Any) -> Any:
        return self.predict(**inputs)

    @abc.abstractmethod
    def predict(self, **inputs: Any) -> Any:
        """The model's output (a pandas Series) for the dependents' values."""
