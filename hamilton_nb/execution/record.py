"""What happened in one execution: per-node status, for displays and notebooks."""

from __future__ import annotations

import dataclasses
from typing import Any

COMPUTED = "computed"
OVERRIDDEN = "overridden"
INPUT = "input"
FAILED = "failed"
NOT_RUN = "not_run"  # needed, but the run failed before reaching it


@dataclasses.dataclass
class ExecutionRecord:
    """The last run of a driver: ``statuses`` maps each node the run needed to its status.

    Nodes absent from ``statuses`` were not needed by the requested outputs.
    """

    run_id: str
    final_vars: list[str]
    statuses: dict[str, str]
    duration_seconds: float
    error: BaseException | None = None
    failed_node: str | None = None

    @property
    def success(self) -> bool:
        return self.error is None

    def nodes_with(self, status: str) -> list[str]:
        return [name for name, s in self.statuses.items() if s == status]

    def summary(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for status in self.statuses.values():
            counts[status] = counts.get(status, 0) + 1
        return {"success": self.success, "seconds": self.duration_seconds, **counts}
