"""Task states reported by ``TaskFuture.get_state`` (Hamilton's ``execution.state`` names)."""

from __future__ import annotations

import enum


class TaskState(enum.Enum):
    """Where a submitted task is; SUCCESSFUL and FAILED are final."""

    QUEUED = "queued"
    UNINITIALIZED = "uninitialized"
    INITIALIZED = "initialized"
    RUNNING = "running"
    SUCCESSFUL = "successful"
    FAILED = "failed"

    @staticmethod
    def is_terminal(task_state: TaskState) -> bool:
        return task_state in (TaskState.SUCCESSFUL, TaskState.FAILED)
