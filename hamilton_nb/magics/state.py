"""What the magics remember between cells, for one IPython shell.

Responsibilities:
- ``CellModuleState``: per cell module, the last good version (module, driver, source parts,
  the result names pushed into the notebook, the execution record) and the last failed
  attempt since then, if any.
- ``NotebookState``: every cell module, the parts of ``%%incr_cell_to_module`` modules, the
  last compilation of each cell, the write guard of ``-w``, and the shell's single incremental
  session (created on first use).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from hamilton_nb.magics.safe_write import WriteGuard

# Stages of a cell run, in order; a failure names the stage it stopped at.
RELOAD = "helper reload"
COMPILE = "compile"
MODULE = "module code"
BUILD = "build"
EXECUTE = "execute"


@dataclass
class Failure:
    """A cell run that failed and was rolled back."""

    stage: str
    error: BaseException
    record: Any = None  # the ExecutionRecord of a failed execution
    driver: Any = None  # the driver built from the failing version (execute stage only)
    values: dict[str, Any] = field(default_factory=dict)  # nodes computed before the failure

    @property
    def succeeded(self) -> list[str]:
        """Nodes the failed execution computed or reused before stopping, in run order."""
        if self.record is None:
            return []
        done = [n for n, s in self.record.statuses.items() if s in ("computed", "reused")]
        if self.driver is not None:
            position = self.driver.graph.position
            done.sort(key=lambda n: position.get(n, len(position)))
        return done

    @property
    def failed_node(self) -> str | None:
        return getattr(self.record, "failed_node", None) if self.record is not None else None


@dataclass
class CellModuleState:
    """The last good version of one cell module."""

    name: str
    module: ModuleType
    driver: Any
    parts: list[tuple[str, str]]  # (label, source) in execution order
    kind: str = "cell_to_module"
    outputs: list[str] = field(default_factory=list)  # node names whose values were pushed
    record: Any = None  # ExecutionRecord of the last successful execution
    record_version: int | None = None  # module version that execution ran
    memory: Any = None  # the session's SessionStatus right after that execution
    failure: Failure | None = None  # last failed attempt, cleared by the next success
    runs: int = 0  # successful runs

    @property
    def source(self) -> str:
        return "".join(
            source if source.endswith("\n") else source + "\n" for _, source in self.parts
        )


class NotebookState:
    """All magic state of one shell; the magics class holds one instance."""

    def __init__(self) -> None:
        self.cells: dict[str, CellModuleState] = {}
        self.incremental_parts: dict[str, dict[int, str]] = {}
        self.guard = WriteGuard()
        self.failures: dict[str, Failure] = {}  # failures of modules with no good version yet
        self.compiled: dict[tuple[str, str], Any] = {}  # (kind, label) -> last CellPart
        self._session: Any = None

    @property
    def session(self) -> Any:
        """The shell's ``IncrementalSession`` (keeps node results between cell runs)."""
        if self._session is None:
            from hamilton_nb.magics.incremental import IncrementalSession

            self._session = IncrementalSession()
        return self._session

    @property
    def has_session(self) -> bool:
        return self._session is not None

    def record_failure(self, name: str, failure: Failure) -> None:
        cell = self.cells.get(name)
        if cell is not None:
            cell.failure = failure
        else:
            self.failures[name] = failure

    def failure_of(self, name: str) -> Failure | None:
        cell = self.cells.get(name)
        return cell.failure if cell is not None else self.failures.get(name)

    def forget(self, name: str) -> bool:
        """Drop everything known about module ``name``; True if there was anything."""
        known = name in self.cells or name in self.incremental_parts or name in self.failures
        self.cells.pop(name, None)
        self.incremental_parts.pop(name, None)
        self.failures.pop(name, None)
        for key in [k for k in self.compiled if k[1] == name or k[1].startswith(name + ":")]:
            del self.compiled[key]
        if self._session is not None:
            self._session.forget(name)
        return known
