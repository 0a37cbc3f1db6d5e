"""Decorators that shape how functions become nodes (Hamilton's ``function_modifiers``)."""

from hamilton_nb.function_modifiers.base import FunctionModifier, Resolution, Stage
from hamilton_nb.function_modifiers.configuration import config

__all__ = ["FunctionModifier", "Resolution", "Stage", "config"]
