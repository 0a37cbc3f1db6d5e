"""Lifecycle adapters: hooks around graph building and execution (Hamilton's ``lifecycle``)."""

from hamilton_nb.lifecycle.api import (
    EdgeConnectionHook,
    GraphAdapter,
    GraphConstructionHook,
    GraphExecutionHook,
    LifecycleAdapter,
    NodeExecutionHook,
    NodeExecutionMethod,
    ResultBuilder,
    StaticValidator,
    TaskExecutionHook,
)

__all__ = [
    "EdgeConnectionHook",
    "GraphAdapter",
    "GraphConstructionHook",
    "GraphExecutionHook",
    "LifecycleAdapter",
    "NodeExecutionHook",
    "NodeExecutionMethod",
    "ResultBuilder",
    "StaticValidator",
    "TaskExecutionHook",
]
