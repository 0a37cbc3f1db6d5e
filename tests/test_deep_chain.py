"""Every traversal is iterative: a 100,000-node chain builds, runs and answers queries under
the default recursion limit, and a cycle through a 10,000-node chain is reported."""

from __future__ import annotations

import re
import sys
import types

import pytest

from hamilton_nb import ad_hoc_utils, driver, errors

LONG = 100_000
CYCLE = 10_000


def _step(previous: int) -> int:
    return previous + 1


def chain_module(length: int, *, first: str = "x") -> types.ModuleType:
    """``n0(first) -> n1(n0) -> ... -> n{length-1}`` (``first=n{length-1}`` closes a cycle).

    Functions are cloned from ``_step`` with renamed code objects: the same functions a
    generated source would define, without compiling 100,000 of them.
    """
    module = types.ModuleType(f"deep_chain_{length}")
    for i in range(length):
        name = f"n{i}"
        param = f"n{i - 1}" if i else first
        code = _step.__code__.replace(co_name=name, co_qualname=name, co_varnames=(param,))
        fn = types.FunctionType(code, {}, name)
        fn.__annotations__ = {param: int, "return": int}
        fn.__module__ = module.__name__
        setattr(module, name, fn)
    return module


@pytest.fixture(scope="module")
def long_chain() -> driver.Driver:
    limit = sys.getrecursionlimit()
    module = chain_module(LONG)
    dr = driver.Builder().with_modules(module).build()
    assert sys.getrecursionlimit() == limit
    return dr


@pytest.mark.slow
def test_long_chain_builds_and_executes(long_chain: driver.Driver) -> None:
    limit = sys.getrecursionlimit()
    last = f"n{LONG - 1}"
    for run in range(3):  # interpreted first run, compiled later runs
        assert long_chain.execute([last], inputs={"x": run}) == {last: run + LONG}
    assert long_chain.execute([last], overrides={f"n{LONG // 2}": 0}) == {last: LONG // 2 - 1}
    assert sys.getrecursionlimit() == limit


@pytest.mark.slow
def test_long_chain_queries(long_chain: driver.Driver) -> None:
    limit = sys.getrecursionlimit()
    last = f"n{LONG - 1}"
    assert len(long_chain.what_is_upstream_of(last)) == LONG + 1  # with the input x
    assert len(long_chain.what_is_downstream_of("n0")) == LONG
    path = long_chain.what_is_the_path_between("n10", f"n{LONG - 10}")
    assert [n.name for n in path[:2]] == ["n10", "n11"] and len(path) == LONG - 19
    assert sys.getrecursionlimit() == limit


class Fuse(int):
    """An int that raises once additions reach ``LIMIT`` (so a node deep in the chain fails)."""

    LIMIT = LONG - 5

    def __add__(self, other: object) -> Fuse:
        total = int(self) + int(other)  # type: ignore[call-overload]
        if total >= self.LIMIT:
            raise OverflowError(f"fuse blown at {total}")
        return Fuse(total)


@pytest.mark.slow
def test_long_chain_error_deep_inside_names_the_node(long_chain: driver.Driver) -> None:
    failing = f"n{Fuse.LIMIT - 1}"  # n_i computes i + 1 from x = 0
    for _ in range(3):  # interpreted, then compiled (the failure sits in a late chunk)
        with pytest.raises(OverflowError, match="fuse blown") as info:
            long_chain.execute([f"n{LONG - 1}"], inputs={"x": Fuse(0)})
        notes = getattr(info.value, "__notes__", [])
        assert notes == [
            f"hamilton_nb: raised by node {failing!r} (inputs: n{Fuse.LIMIT - 2}: {__name__}.Fuse)"
        ]
        assert len(info.traceback) < 20  # nothing recursive between the driver and the node
        assert long_chain.last_run is not None
        assert long_chain.last_run.failed_node == failing


def test_cycle_in_a_long_chain_is_reported() -> None:
    limit = sys.getrecursionlimit()
    module = chain_module(CYCLE, first=f"n{CYCLE - 1}")
    with pytest.raises(errors.CycleError) as info:
        driver.Builder().with_modules(module).build()
    printed = re.search(r"cycle: ([\w >-]+)\.", str(info.value))
    assert printed is not None
    nodes = printed.group(1).split(" -> ")
    assert len(nodes) == CYCLE + 1 and nodes[0] == nodes[-1]
    start = int(nodes[0][1:])
    assert nodes[:-1] == [f"n{(start + i) % CYCLE}" for i in range(CYCLE)]  # data-flow order
    assert sys.getrecursionlimit() == limit


def test_cycle_feeding_a_long_tail_is_reported_without_the_tail() -> None:
    # loop_a <-> loop_b, and the 10,000-node chain hangs below them: every node is stuck.
    loop = ad_hoc_utils.module_from_source(
        "def loop_a(loop_b: int) -> int:\n    return 1\n\n"
        "def loop_b(loop_a: int) -> int:\n    return 1\n"
    )
    tail = chain_module(CYCLE, first="loop_a")
    with pytest.raises(errors.CycleError) as info:
        driver.Builder().with_modules(tail, loop).build()
    printed = re.search(r"cycle: ([\w >-]+)\.", str(info.value))
    assert printed is not None
    assert printed.group(1) in {"loop_a -> loop_b -> loop_a", "loop_b -> loop_a -> loop_b"}
