"""What happened in one execution: per-node status, for displays and notebooks."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

COMPUTED = "computed"
OVERRIDDEN = "overridden"
INPUT = "input"
FAILED = "failed"
NOT_RUN = "not_run"  # needed, but the run failed before reaching it
REUSED = "reused"  # an earlier result passed back in (incremental notebook runs)


class ExecutionRecord:
    """The last run of a driver: ``statuses`` maps each node the run needed to its status.

    Nodes absent from ``statuses`` were not needed by the requested outputs. Statuses are
    worked out on first access, so recording a run costs nothing per node.
    """

    def __init__(
        self,
        run_id: str,
        final_vars: list[str],
        duration_seconds: float,
        *,
        computed: list[str],
        presets: Iterable[str],
        overridden: Collection[str],
        error: BaseException | None = None,
        durations: dict[str, float] | None = None,
    ) -> None:
        self.run_id = run_id
        self.durations: dict[str, float] = durations or {}  # seconds per node, when timed
        self.final_vars = final_vars
        self.duration_seconds = duration_seconds
        self.error = error
        self.failed_node: str | None = getattr(error, "__hamilton_nb_node__", None)
        self._computed = computed
        self._presets = presets
        self._overridden = overridden
        self._statuses: dict[str, str] | None = None
        self._reused: set[str] = set()

    def mark_reused(self, names: Iterable[str]) -> None:
        """Report ``names`` (passed in as overrides) as reused earlier results."""
        self._reused.update(names)
        self._statuses = None

    @property
    def statuses(self) -> dict[str, str]:
        if self._statuses is None:
            statuses = {
                name: REUSED
                if name in self._reused
                else OVERRIDDEN
                if name in self._overridden
                else INPUT
                for name in self._presets
            }
            status = COMPUTED if self.error is None or self.failed_node else NOT_RUN
            for name in self._computed:
                if name == self.failed_node:
                    statuses[name] = FAILED
                    status = NOT_RUN
                else:
                    statuses[name] = status
            self._statuses = statuses
        return self._statuses

    def __repr__(self) -> str:
        return f"<ExecutionRecord {self.summary()}>"

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
