"""``Builder.with_execution_manager`` and the refusal of blocks without dynamic execution."""

from __future__ import annotations

import types

import pytest

from hamilton_nb import driver, errors
from hamilton_nb.execution import executors
from hamilton_nb.htypes import Collect, Parallelizable


def _module() -> types.ModuleType:
    module = types.ModuleType("managed_flow")

    def items(n: int) -> Parallelizable[int]:
        yield from range(n)

    def doubled(items: int) -> int:
        return 2 * items

    def total(doubled: Collect[int]) -> int:
        return sum(doubled)

    for fn in (items, doubled, total):
        fn.__module__ = module.__name__
        setattr(module, fn.__name__, fn)
    return module


class Counting(executors.MultiThreadingExecutor):
    def __init__(self) -> None:
        super().__init__(2)
        self.submitted = 0

    def submit_task(self, task):  # type: ignore[no-untyped-def]
        self.submitted += 1
        return super().submit_task(task)


def test_the_manager_chooses_the_executor_of_block_tasks() -> None:
    remote = Counting()
    manager = executors.DefaultExecutionManager(remote_executor=remote)
    dr = (
        driver.Builder()
        .with_modules(_module())
        .enable_dynamic_execution(allow_experimental_mode=True)
        .with_execution_manager(manager)
        .build()
    )
    assert dr.execute(["total"], inputs={"n": 4}) == {"total": 12}
    assert remote.submitted == 4 and not remote.initialized  # finalized after the block


def test_manager_and_remote_executor_exclude_each_other() -> None:
    builder = driver.Builder().enable_dynamic_execution(allow_experimental_mode=True)
    builder.with_remote_executor(executors.SynchronousLocalTaskExecutor())
    with pytest.raises(errors.ExecutionError, match="cannot both"):
        builder.with_execution_manager(executors.DefaultExecutionManager())


def test_blocks_without_dynamic_execution_raise_invalid_executor() -> None:
    dr = driver.Builder().with_modules(_module()).build()
    with pytest.raises(driver.InvalidExecutorException, match="enable_dynamic_execution"):
        dr.execute(["total"], inputs={"n": 2})
    assert issubclass(driver.InvalidExecutorException, errors.ExecutionError)
