"""Lifecycle adapters: hooks around graph building and execution (Hamilton's ``lifecycle``)."""

from hamilton_nb.lifecycle.api import (
    EdgeConnectionHook,
    GraphAdapter,
    GraphConstructionHook,
    GraphExecutionHook,
    LegacyResultMixin,
    LifecycleAdapter,
    NodeExecutionHook,
    NodeExecutionMethod,
    ResultBuilder,
    StaticValidator,
    TaskExecutionHook,
    TaskGroupingHook,
    TaskReturnHook,
    TaskSubmissionHook,
)
from hamilton_nb.lifecycle.default import (
    FunctionInputOutputTypeChecker,
    GracefulErrorAdapter,
    NoEdgeAndInputTypeChecking,
    PDBDebugger,
    PrintLn,
    ProgressBar,
    SlowDownYouMoveTooFast,
    accept_error_sentinels,
)

PrintLnHook = PrintLn  # Hamilton's older name, kept by Hamilton until 2.0

__all__ = [
    "FunctionInputOutputTypeChecker",
    "GracefulErrorAdapter",
    "NoEdgeAndInputTypeChecking",
    "PDBDebugger",
    "PrintLn",
    "PrintLnHook",
    "ProgressBar",
    "SlowDownYouMoveTooFast",
    "accept_error_sentinels",
    "EdgeConnectionHook",
    "GraphAdapter",
    "GraphConstructionHook",
    "GraphExecutionHook",
    "LegacyResultMixin",
    "LifecycleAdapter",
    "NodeExecutionHook",
    "NodeExecutionMethod",
    "ResultBuilder",
    "StaticValidator",
    "TaskExecutionHook",
    "TaskGroupingHook",
    "TaskReturnHook",
    "TaskSubmissionHook",
]
