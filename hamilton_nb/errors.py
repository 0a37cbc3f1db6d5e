"""Every error hamilton_nb raises on purpose.

Messages are short, name the node/function/parameter with ``!r`` and say how to fix it.
Errors that Hamilton raises as ``ValueError`` also subclass ``ValueError``, so ported
``except ValueError`` blocks keep working.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class HamiltonNBError(Exception):
    """Base class of every error raised by hamilton_nb itself."""


class GraphBuildError(HamiltonNBError, ValueError):
    """The modules and config do not form a valid dataflow."""


class MissingAnnotationError(GraphBuildError):
    """A function that becomes a node lacks a parameter or return annotation."""


class TypeMismatchError(GraphBuildError):
    """One or more edges connect incompatible types."""


class IncompatibleInputTypesError(GraphBuildError):
    """Functions ask for the same external input with types that exclude each other."""


class ModuleSourceError(HamiltonNBError, SyntaxError):
    """Module source given as text does not compile (a ``SyntaxError``, as in Hamilton)."""

    def __str__(self) -> str:  # SyntaxError would print only its ``msg``
        return str(self.args[0]) if self.args else ""


class CycleError(GraphBuildError):
    """The dependencies form a cycle."""


class DuplicateNodeError(GraphBuildError):
    """Two functions define the same node name."""


class ParallelizableError(GraphBuildError):
    """A ``Parallelizable``/``Collect`` block is malformed."""


class InvalidDecoratorError(GraphBuildError):
    """A function modifier is misused."""


class MissingConfigError(InvalidDecoratorError):
    """A decorator declares required config keys the config lacks (Hamilton's
    ``MissingConfigParametersException``)."""


class PowerUserModeError(InvalidDecoratorError, KeyError):
    """``@resolve`` used with no ``hamilton.enable_power_user_mode`` key in the config
    (a ``KeyError`` too, as in Hamilton)."""

    def __str__(self) -> str:  # KeyError would print the message's repr
        return str(self.args[0]) if self.args else ""


class ValidationError(GraphBuildError):
    """A static validator (lifecycle ``StaticValidator``) rejected the graph."""


class AdapterError(HamiltonNBError, TypeError):
    """A lifecycle adapter is malformed (misspelt hook method or parameter)."""


class ExecutionError(HamiltonNBError, ValueError):
    """The requested execution cannot run as asked."""


class MissingInputError(ExecutionError):
    """A required external input was not provided."""


class UnknownNodeError(ExecutionError):
    """A requested output or queried node does not exist."""


class NodeTypeError(HamiltonNBError, TypeError):
    """A node received or returned a value that does not match its annotation (runtime check)."""


class InputTypeError(ExecutionError):
    """An input value does not match the type its consumers declare."""


class RenderError(HamiltonNBError):
    """DOT text could not be turned into a picture: the renderer failed, timed out or is missing."""


class RendererNotFoundError(RenderError):
    """No Graphviz renderer (system ``dot`` or the ``graphviz-pure`` wheel) is available."""


class UnsupportedFormatError(RenderError, ValueError):
    """The available renderer cannot write the requested output format."""


class VisualizationError(HamiltonNBError, ValueError):
    """A DAG picture was asked for with invalid options (orientation, styles, file, nodes)."""


class CellModuleError(HamiltonNBError, ValueError):
    """A notebook cell module cannot be created or used as asked (bad name, name taken, ...)."""


class UnsafeWriteError(HamiltonNBError, FileExistsError):
    """Writing a cell to a file would overwrite changes made outside the notebook."""


class ExportError(HamiltonNBError, ValueError):
    """A notebook cannot be exported to modules (unreadable notebook, bad cell, bad target);
    nothing was written."""


class MissingDependencyError(HamiltonNBError, ImportError):
    """A feature needs an optional package that is not installed (the message has the command)."""


class ModuleReloadError(HamiltonNBError):
    """A changed project module could not be reloaded (syntax error, or its code raised);
    the previous version stays in use."""


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` when a close match exists, else ``""``."""
    matches = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.6)
    if not matches:
        return ""
    return " (did you mean " + " or ".join(repr(m) for m in matches) + "?)"


class InvalidTypeException(HamiltonNBError, TypeError):
    """A type annotation Hamilton cannot use (``htypes.validate_type_annotation``), e.g. an
    ``Annotated`` column type on something that is not a registered Series type."""


class InvalidExecutorException(ExecutionError):
    """The driver's executor cannot run the request: a ``Parallelizable``/``Collect`` block
    executed without dynamic execution (Hamilton's ``driver.InvalidExecutorException``)."""


class UnsupportedDataFrameError(HamiltonNBError, NotImplementedError):
    """No dataframe library is registered for a value's type (``registry.get_column`` and
    friends); a ``NotImplementedError`` too, as in Hamilton."""


class UnknownExtensionError(HamiltonNBError, ModuleNotFoundError):
    """``registry.load_extension`` was given a name hamilton_nb has no extension for."""
