"""``Parallelizable``/``Collect`` blocks under the synchronous, thread and process executors.

The dataflow of ``parallel_dataflow_module.py`` is run as a real module file, as a
``create_temporary_module`` copy of its functions and as a ``module_from_source`` module.
The small cases Hamilton also supports (``HAMILTON_CASES``) are run by Hamilton too in
tests/parity/test_config_and_parallel.py.
"""

from __future__ import annotations

import importlib.util
import inspect
import os
import sys
import textwrap
import threading
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from hamilton_nb import ad_hoc_utils, driver, errors
from hamilton_nb.execution import executors

DATAFLOW_FILE = Path(__file__).with_name("parallel_dataflow_module.py")
DATAFLOW_MODULE_NAME = "hamilton_nb_tests_parallel_dataflow"

EXECUTORS = {
    "sync": lambda: executors.SynchronousLocalTaskExecutor(),
    "threads": lambda: executors.MultiThreadingExecutor(3),
    "processes": lambda: executors.MultiProcessingExecutor(2),
}


def _import_dataflow_file() -> ModuleType:
    """Import the module file under a unique name (independent of the tests' sys.path)."""
    if DATAFLOW_MODULE_NAME in sys.modules:
        return sys.modules[DATAFLOW_MODULE_NAME]
    spec = importlib.util.spec_from_file_location(DATAFLOW_MODULE_NAME, DATAFLOW_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[DATAFLOW_MODULE_NAME] = module
    spec.loader.exec_module(module)
    return module


def dataflow_module(kind: str) -> ModuleType:
    module = _import_dataflow_file()
    if kind == "file":
        return module
    if kind == "temporary":
        functions = [
            fn
            for name, fn in vars(module).items()
            if inspect.isfunction(fn) and fn.__module__ == module.__name__
        ]
        return ad_hoc_utils.create_temporary_module(*functions)
    assert kind == "source"
    return ad_hoc_utils.module_from_source(DATAFLOW_FILE.read_text())


def build(module: ModuleType, executor: str = "sync", **config: Any) -> driver.Driver:
    return (
        driver.Builder()
        .with_modules(module)
        .with_config(config)
        .enable_dynamic_execution(allow_experimental_mode=True)
        .with_remote_executor(EXECUTORS[executor]())
        .build()
    )


def execute_repeatedly(dr: driver.Driver, outputs: list[str], times: int = 3, **kwargs: Any) -> Any:
    """Execute ``times`` times (interpreted, then compiled runs); all results must agree."""
    results = [dr.execute(outputs, **kwargs) for _ in range(times)]
    assert all(result == results[0] for result in results)
    return results[0]


EXPECTED_N4 = {
    "total": 414,
    "labels": ["100/0:100", "100/1:101", "100/2:104", "100/3:109"],
    "halves": [207.0, 207.5, 208.0],
    "group_costs": [0, 100, 201, 303],
}


@pytest.mark.parametrize("kind", ["file", "temporary", "source"])
@pytest.mark.parametrize("executor", list(EXECUTORS))
def test_blocks_across_executors_and_module_kinds(executor: str, kind: str) -> None:
    """Shared upstream, two Collects of one block, two sequential blocks, a nested block."""
    dr = build(dataflow_module(kind), executor)
    inputs = {"n": 4, "base": 1}
    assert execute_repeatedly(dr, list(EXPECTED_N4), inputs=inputs) == EXPECTED_N4
    # the optional parameter inside the block takes a provided value
    labels = dr.execute(["labels"], inputs={**inputs, "suffix": "!"})["labels"]
    assert labels == ["100/0:100!", "100/1:101!", "100/2:104!", "100/3:109!"]


@pytest.mark.parametrize("executor", list(EXECUTORS))
def test_work_runs_where_the_executor_puts_it(executor: str) -> None:
    dr = build(dataflow_module("file"), executor)
    wheres = dr.execute(["wheres"], inputs={"n": 12})["wheres"]  # differs run to run
    assert len(wheres) == 12
    pids = {pid for pid, _ in wheres}
    threads = {thread for _, thread in wheres}
    if executor == "sync":
        assert wheres == [(os.getpid(), threading.get_ident())] * 12
    elif executor == "threads":
        assert pids == {os.getpid()}
        assert threading.get_ident() not in threads
    else:
        assert os.getpid() not in pids


@pytest.mark.parametrize("executor", list(EXECUTORS))
def test_empty_iterable_gives_empty_lists(executor: str) -> None:
    dr = build(dataflow_module("file"), executor)
    result = execute_repeatedly(dr, list(EXPECTED_N4), inputs={"n": 0, "base": 1})
    assert result == {"total": 0, "labels": [], "halves": [0.0, 0.5, 1.0], "group_costs": []}


@pytest.mark.parametrize("executor", list(EXECUTORS))
def test_requesting_the_parallelizable_node_returns_its_items(executor: str) -> None:
    dr = build(dataflow_module("file"), executor)
    result = execute_repeatedly(dr, ["numbers", "groups", "total"], inputs={"n": 3, "base": 0})
    assert result == {"numbers": [0, 1, 2], "groups": [[], [0], [0, 1]], "total": 5}
    assert execute_repeatedly(dr, ["numbers"], inputs={"n": 2}) == {"numbers": [0, 1]}


@pytest.mark.parametrize(
    ("output", "block"),
    [
        ("squared", "numbers"),
        ("labelled", "numbers"),
        ("halved", "rescaled"),
        ("members", "groups"),
        ("group_cost", "groups"),
        ("member_cost", "members"),
    ],
)
def test_requesting_a_node_inside_a_block_is_an_error(output: str, block: str) -> None:
    dr = build(dataflow_module("file"))
    with pytest.raises(errors.ExecutionError) as info:
        dr.execute([output, "total"], inputs={"n": 3, "base": 1})
    message = str(info.value)
    assert f"{output!r} is computed once per item of Parallelizable {block!r}" in message
    assert "Collect" in message


def test_overriding_the_parallelizable_node_supplies_the_items() -> None:
    dr = build(dataflow_module("file"))
    result = execute_repeatedly(
        dr, ["total", "labels"], inputs={"base": 0}, overrides={"numbers": [5, 6]}
    )
    assert result == {"total": 61, "labels": ["0/5:25", "0/6:36"]}


@pytest.mark.parametrize("overridden", ["squared", "labelled"])
def test_overriding_a_node_inside_a_block_is_a_clear_error(overridden: str) -> None:
    dr = build(dataflow_module("file"))
    with pytest.raises(errors.ExecutionError, match=repr(overridden)):
        dr.execute(["total", "labels"], inputs={"n": 2, "base": 0}, overrides={overridden: 1})


def test_overriding_a_node_that_cuts_off_the_parallelizable_is_a_clear_error() -> None:
    module = ad_hoc_utils.module_from_source(
        textwrap.dedent(
            """
            from hamilton_nb.htypes import Collect, Parallelizable

            def items(n: int) -> Parallelizable[int]:
                return list(range(n))

            def first(items: int) -> int:
                return items

            def second(first: int) -> int:
                return first + 1

            def gathered(second: Collect[int]) -> list:
                return list(second)
            """
        )
    )
    with pytest.raises(errors.ExecutionError, match="'first'"):
        build(module).execute(["gathered"], inputs={"n": 2}, overrides={"first": 1})


def test_items_keep_their_order_with_threads() -> None:
    module = ad_hoc_utils.module_from_source(
        textwrap.dedent(
            """
            import time
            from hamilton_nb.htypes import Collect, Parallelizable

            def delays(n: int) -> Parallelizable[float]:
                return [0.002 * (n - i) for i in range(n)]

            def slept(delays: float) -> float:
                time.sleep(delays)
                return delays

            def order(slept: Collect[float]) -> list:
                return list(slept)
            """
        )
    )
    dr = build(module, "threads")
    expected = [0.002 * (8 - i) for i in range(8)]
    assert execute_repeatedly(dr, ["order"], inputs={"n": 8}) == {"order": expected}


def test_unpicklable_results_across_processes_are_a_clear_error() -> None:
    module = ad_hoc_utils.module_from_source(
        textwrap.dedent(
            """
            import threading
            from hamilton_nb.htypes import Collect, Parallelizable

            class Box:
                pass

            def items(n: int) -> Parallelizable[int]:
                return list(range(n))

            def locked(items: int) -> object:
                return threading.Lock()

            def boxed(items: int) -> object:
                return Box()

            def locks(locked: Collect[object]) -> list:
                return list(locked)

            def boxes(boxed: Collect[object]) -> list:
                return list(boxed)
            """
        )
    )
    dr = build(module, "processes")
    for output in ["locks", "boxes"]:
        with pytest.raises(errors.ExecutionError, match=r"'items' cannot be sent between"):
            dr.execute([output], inputs={"n": 2})
    assert len(build(module, "threads").execute(["boxes"], inputs={"n": 2})["boxes"]) == 2


def test_block_inputs_depending_on_its_own_collect_are_rejected() -> None:
    module = ad_hoc_utils.module_from_source(
        textwrap.dedent(
            """
            from hamilton_nb.htypes import Collect, Parallelizable

            def items(n: int) -> Parallelizable[int]:
                return list(range(n))

            def first(items: int) -> int:
                return items

            def gathered(first: Collect[int]) -> int:
                return sum(first)

            def second(items: int, gathered: int) -> int:
                return items + gathered

            def regathered(second: Collect[int]) -> list:
                return list(second)
            """
        )
    )
    with pytest.raises(errors.ParallelizableError, match=r"wait on each other.*'gathered'"):
        build(module).execute(["regathered"], inputs={"n": 2})


# -- comparison with Hamilton ----------------------------------------------------------------

# Cases Hamilton supports; {package} is "hamilton" or "hamilton_nb". (Hamilton does not
# support two Collects of one block nor nested blocks, which are covered above.)
HAMILTON_CASES: dict[str, tuple[str, list[str], dict[str, Any], dict[str, Any]]] = {
    "shared_upstream": (
        """
        def offset(base: int) -> int:
            return base * 100

        def numbers(n: int) -> Parallelizable[int]:
            for i in range(n):
                yield i

        def squared(numbers: int, offset: int) -> int:
            return numbers * numbers + offset

        def doubled(squared: int) -> int:
            return squared * 2

        def total(doubled: Collect[int]) -> int:
            return sum(doubled)
        """,
        ["total"],
        {"n": 4, "base": 1},
        {"total": 828},
    ),
    "sequential_blocks": (
        """
        def first(n: int) -> Parallelizable[int]:
            return list(range(n))

        def plus_one(first: int) -> int:
            return first + 1

        def firsts(plus_one: Collect[int]) -> list:
            return list(plus_one)

        def second(firsts: list) -> Parallelizable[int]:
            return [x * 10 for x in firsts]

        def plus_five(second: int) -> int:
            return second + 5

        def seconds(plus_five: Collect[int]) -> int:
            return sum(plus_five)
        """,
        ["firsts", "seconds"],
        {"n": 3},
        {"firsts": [1, 2, 3], "seconds": 75},
    ),
    "empty": (
        """
        def numbers(n: int) -> Parallelizable[int]:
            return list(range(n))

        def squared(numbers: int) -> int:
            return numbers * numbers

        def gathered(squared: Collect[int]) -> list:
            return list(squared)
        """,
        ["gathered"],
        {"n": 0},
        {"gathered": []},
    ),
    "request_parallelizable": (
        """
        def numbers(n: int) -> Parallelizable[int]:
            return list(range(n))

        def squared(numbers: int) -> int:
            return numbers * numbers

        def gathered(squared: Collect[int]) -> list:
            return list(squared)
        """,
        ["numbers", "gathered"],
        {"n": 3},
        {"numbers": [0, 1, 2], "gathered": [0, 1, 4]},
    ),
    "collect_with_outside_value": (
        """
        def scale(k: int) -> int:
            return k

        def words(text: str) -> Parallelizable[str]:
            return text.split()

        def length(words: str, scale: int) -> int:
            return len(words) * scale

        def lengths(length: Collect[int], scale: int) -> list:
            return [x + scale for x in length]
        """,
        ["lengths"],
        {"text": "a bb ccc", "k": 10},
        {"lengths": [20, 30, 40]},
    ),
}

HEADER = "from {package}.htypes import Collect, Parallelizable\n"


def case_source(case: str, package: str) -> str:
    return HEADER.format(package=package) + textwrap.dedent(HAMILTON_CASES[case][0])


@pytest.mark.parametrize("executor", list(EXECUTORS))
@pytest.mark.parametrize("case", list(HAMILTON_CASES))
def test_hamilton_comparable_cases(case: str, executor: str) -> None:
    _, outputs, inputs, expected = HAMILTON_CASES[case]
    dr = build(ad_hoc_utils.module_from_source(case_source(case, "hamilton_nb")), executor)
    assert execute_repeatedly(dr, outputs, inputs=inputs) == expected


SCALED = """
from hamilton_nb.htypes import Collect, Parallelizable

def items(n: int) -> Parallelizable[int]:
    return list(range(n))

def each(items: int) -> int:
    return items * {factor}

def out(each: Collect[int]) -> list:
    return list(each)
"""


def test_concurrent_executions_with_process_executors_keep_their_own_results() -> None:
    """Two drivers executing from several threads at once must not see each other's blocks."""
    drivers = {
        factor: build(ad_hoc_utils.module_from_source(SCALED.format(factor=factor)), "processes")
        for factor in (1, 1000)
    }
    wrong: list[Any] = []

    def work(factor: int) -> None:
        for _ in range(5):
            got = drivers[factor].execute(["out"], inputs={"n": 6})["out"]
            if got != [i * factor for i in range(6)]:
                wrong.append((factor, got))

    threads = [threading.Thread(target=work, args=(f,)) for f in (1, 1000, 1, 1000)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert wrong == []


def test_a_worker_process_may_run_a_driver_of_its_own() -> None:
    outer = textwrap.dedent(
        f"""
        from hamilton_nb import ad_hoc_utils, driver
        from hamilton_nb.execution import executors
        from hamilton_nb.htypes import Collect, Parallelizable

        INNER = {SCALED.format(factor=10)!r}

        def items(n: int) -> Parallelizable[int]:
            return list(range(n))

        def each(items: int) -> list:
            dr = (
                driver.Builder()
                .with_modules(ad_hoc_utils.module_from_source(INNER))
                .enable_dynamic_execution(allow_experimental_mode=True)
                .with_remote_executor(executors.MultiProcessingExecutor(2))
                .build()
            )
            return dr.execute(["out"], inputs={{"n": items}})["out"]

        def out(each: Collect[list]) -> list:
            return list(each)
        """
    )
    dr = build(ad_hoc_utils.module_from_source(outer), "processes")
    expected = [[10 * j for j in range(i)] for i in range(9)]
    assert dr.execute(["out"], inputs={"n": 9}) == {"out": expected}
