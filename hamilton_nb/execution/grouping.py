"""Tasks: the units a ``TaskExecutor`` runs (Hamilton's ``execution.grouping`` names).

Responsibilities:
- ``NodeGroupPurpose``: why a task exists (a ``str`` enum: ``"execute_block"`` == the member).
- ``TaskImplementation``: one item of a ``Parallelizable`` block, bound to its inputs; what
  ``submit_task`` receives and ``executors.base_execute_task`` runs. hamilton_nb runs the
  nodes outside blocks in its compiled main loop, so only block items become tasks.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hamilton_nb.execution.plan import BlockStep
    from hamilton_nb.execution.runner import RunContext


class NodeGroupPurpose(str, enum.Enum):
    """What a task does (hamilton_nb submits only ``EXECUTE_BLOCK`` tasks to executors)."""

    EXPAND_UNORDERED = "expand_unordered"
    GATHER = "gather"
    EXECUTE_BLOCK = "execute_block"
    EXECUTE_SINGLE = "execute_single"


def expand_task_id(block: str) -> str:
    return f"expand-{block}"


def item_task_id(block: str, index: int) -> str:
    """Hamilton's id of the task running item ``index`` of block ``block``."""
    return f"{expand_task_id(block)}.{index}.block-{block}"


def group_task_ids(block: str) -> list[str]:
    return [expand_task_id(block), f"block-{block}", f"collect-{block}"]


@dataclass(eq=False)
class TaskImplementation:
    """One block item, ready to run anywhere ``step`` and the values can be sent."""

    task_id: str
    run_id: str
    nodes: list[Any]  # the HamiltonNode views of the block body
    dynamic_inputs: dict[str, Any]  # {parallelizable node name: item}
    spawning_task_id: str | None
    purpose: NodeGroupPurpose = NodeGroupPurpose.EXECUTE_BLOCK
    overrides: dict[str, Any] = field(default_factory=dict)
    # what base_execute_task needs: the block, the values shared by all items, the index
    step: BlockStep | None = None
    shared: list[Any] = field(default_factory=list)
    index: int = 0
    ctx: RunContext | None = None

    @property
    def outputs_to_compute(self) -> list[str]:
        """The collected nodes this task returns."""
        assert self.step is not None
        names = {slot: name for name, slot in self.step.inner.slots.items()}
        return [names[slot] for slot, _ in self.step.collects]

    def __hash__(self) -> int:
        return hash(self.task_id)
