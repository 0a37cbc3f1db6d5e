"""The ready-made adapters of ``hamilton_nb.lifecycle.default``, driven through ``Builder``."""

from __future__ import annotations

import io
import pdb
import random
import re
import subprocess
import sys
import time
from typing import Any

import pytest

from hamilton_nb import errors
from hamilton_nb.ad_hoc_utils import create_temporary_module
from hamilton_nb.driver import Builder, Driver
from hamilton_nb.htypes import Collect, Parallelizable
from hamilton_nb.lifecycle import api
from hamilton_nb.lifecycle.default import (
    FunctionInputOutputTypeChecker,
    GracefulErrorAdapter,
    NodeTypeError,
    NoEdgeAndInputTypeChecking,
    PDBDebugger,
    PrintLn,
    ProgressBar,
    SlowDownYouMoveTooFast,
    accept_error_sentinels,
)

# -- dataflows -------------------------------------------------------------------------------


def a(x: int) -> int:
    return x + 1


def b(a: int) -> int:
    return a * 2


def c(a: int, b: int) -> int:
    return a + b


def boom(a: int) -> int:
    raise ValueError("bad")


class Stop(Exception):
    """The error the graceful adapter is told to catch."""


class SubStop(Stop):
    pass


def build(*functions: Any, adapters: tuple[Any, ...] = (), dynamic: bool = False) -> Driver:
    builder = Builder().with_modules(create_temporary_module(*functions))
    if dynamic:
        builder = builder.enable_dynamic_execution(allow_experimental_mode=True)
    return builder.with_adapters(*adapters).build()


def test_importing_default_adapters_imports_neither_tqdm_nor_pdb(subprocess_env):
    code = (
        "import sys, hamilton_nb.lifecycle.default\n"
        "loaded = [m for m in ('tqdm', 'pdb', 'pandas') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=subprocess_env)


# -- PrintLn ---------------------------------------------------------------------------------

DURATION = r"in [0-9.]+(ns|μs|ms|s)"


def test_println_prints_names_and_timing_at_verbosity_1():
    lines: list[str] = []
    dr = build(a, b, c, adapters=(PrintLn(print_fn=lines.append),))
    assert dr.execute(["c"], inputs={"x": 1}) == {"c": 6}
    assert len(lines) == 6
    for line, name in zip(lines[::2], "abc", strict=True):
        assert line == f"Executing node {name!r}."
    for line, name in zip(lines[1::2], "abc", strict=True):
        assert re.fullmatch(rf"Finished node {name!r} {DURATION}: success\.", line), line


def test_println_shows_inputs_and_results_at_verbosity_2():
    lines: list[str] = []
    dr = build(a, b, c, adapters=(PrintLn(verbosity=2, print_fn=lines.append),))
    dr.execute(["b"], inputs={"x": 1})
    assert lines[0] == "Executing node 'a'. Inputs:\n{'x': 1}"
    assert lines[1].endswith("success. Result:\n2")
    assert lines[2] == "Executing node 'b'. Inputs:\n{'a': 2}"
    assert lines[3].endswith("success. Result:\n4")


@pytest.mark.parametrize(
    ("verbosity", "expected_end"),
    [(1, ": failure."), (2, ": failure. Error:\nValueError('bad')")],
)
def test_println_reports_a_failing_node_and_lets_the_error_through(verbosity, expected_end):
    lines: list[str] = []
    dr = build(a, boom, adapters=(PrintLn(verbosity=verbosity, print_fn=lines.append),))
    with pytest.raises(ValueError, match="bad"):
        dr.execute(["boom"], inputs={"x": 1})
    assert lines[-2].startswith("Executing node 'boom'.")
    assert lines[-1].startswith("Finished node 'boom' in ")
    assert lines[-1].endswith(expected_end)


@pytest.mark.parametrize(
    ("node_filter", "printed"),
    [
        (None, ["a", "b", "c"]),
        ("b", ["b"]),
        (["a", "c"], ["a", "c"]),
        (("c",), ["c"]),
        (lambda node_name, node_tags: node_name != "a" and isinstance(node_tags, dict), ["b", "c"]),
        ("no_such_node", []),
    ],
    ids=["none", "name", "list", "tuple", "callable", "unknown"],
)
def test_println_node_filter(node_filter, printed):
    lines: list[str] = []
    dr = build(a, b, c, adapters=(PrintLn(print_fn=lines.append, node_filter=node_filter),))
    dr.execute(["c"], inputs={"x": 1})
    assert [re.search(r"'(\w+)'", line).group(1) for line in lines[::2]] == printed
    assert len(lines) == 2 * len(printed)


def test_println_prints_to_stdout_by_default(capsys):
    build(a, adapters=(PrintLn(),)).execute(["a"], inputs={"x": 1})
    out = capsys.readouterr().out
    assert "Executing node 'a'." in out
    assert "Finished node 'a' in " in out


@pytest.mark.parametrize("verbosity", [0, 3, "2"])
def test_println_rejects_unknown_verbosity(verbosity):
    with pytest.raises(ValueError, match="verbosity must be 1 or 2"):
        PrintLn(verbosity=verbosity)


def test_println_rejects_a_node_filter_of_the_wrong_kind():
    with pytest.raises(ValueError, match="node_filter must be"):
        PrintLn(node_filter=3)  # type: ignore[arg-type]


# -- PDBDebugger -----------------------------------------------------------------------------


@pytest.fixture
def fake_pdb(monkeypatch):
    """Replace pdb's entry points: record where ``set_trace``/``runcall`` were reached."""
    calls: list[tuple[str, dict[str, Any]]] = []

    def set_trace(*args: Any, **kwargs: Any) -> None:
        calls.append(("set_trace", dict(sys._getframe(1).f_locals)))

    class FakePdb:
        def runcall(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
            calls.append(("runcall", {"fn": fn, "kwargs": kwargs}))
            return fn(*args, **kwargs)

    monkeypatch.setattr(pdb, "set_trace", set_trace)
    monkeypatch.setattr(pdb, "Pdb", FakePdb)
    return calls


def test_pdb_debugger_is_a_hook_and_an_execution_method():
    debugger = PDBDebugger("b")
    assert isinstance(debugger, api.NodeExecutionHook)
    assert isinstance(debugger, api.NodeExecutionMethod)


def test_pdb_debugger_before_stops_where_the_node_details_are_local(fake_pdb, capsys):
    dr = build(a, b, c, adapters=(PDBDebugger("b", before=True),))
    assert dr.execute(["c"], inputs={"x": 1}) == {"c": 6}
    [(kind, local_vars)] = fake_pdb
    assert kind == "set_trace"
    assert local_vars["node_name"] == "b"
    assert local_vars["node_kwargs"] == {"a": 2}
    assert local_vars["node_return_type"] is int
    assert "stopped before node 'b'" in capsys.readouterr().out


def test_pdb_debugger_after_sees_the_result(fake_pdb):
    dr = build(a, b, adapters=(PDBDebugger(["a", "b"], after=True),))
    dr.execute(["b"], inputs={"x": 1})
    assert [(vars_["node_name"], vars_["result"], vars_["success"]) for _, vars_ in fake_pdb] == [
        ("a", 2, True),
        ("b", 4, True),
    ]


def test_pdb_debugger_during_steps_into_the_function(fake_pdb):
    dr = build(a, b, adapters=(PDBDebugger(lambda name, tags: name == "b", during=True),))
    assert dr.execute(["b"], inputs={"x": 1}) == {"b": 4}
    [(kind, details)] = fake_pdb
    assert kind == "runcall"
    assert details["fn"].__name__ == "b"
    assert details["kwargs"] == {"a": 2}
    assert PDBDebugger.CONTEXT["node_name"] == "b"
    assert PDBDebugger.CONTEXT["node_kwargs"] == {"a": 2}


@pytest.mark.parametrize(
    "debugger",
    [PDBDebugger("b"), PDBDebugger("zzz", before=True, during=True, after=True)],
    ids=["no-stage", "no-matching-node"],
)
def test_pdb_debugger_never_stops_when_nothing_applies(fake_pdb, debugger):
    assert build(a, b, adapters=(debugger,)).execute(["b"], inputs={"x": 1}) == {"b": 4}
    assert fake_pdb == []


# -- ProgressBar -----------------------------------------------------------------------------


class FakeTqdm:
    instances: list[FakeTqdm] = []

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs
        self.total = kwargs["total"]
        self.descriptions: list[str] = []
        self.updates = 0
        self.closed = False
        FakeTqdm.instances.append(self)

    def set_description_str(self, text: str) -> None:
        self.descriptions.append(text)

    def update(self, n: int = 1) -> None:
        self.updates += n

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def fake_tqdm(monkeypatch):
    import tqdm.auto

    FakeTqdm.instances = []
    monkeypatch.setattr(tqdm.auto, "tqdm", FakeTqdm)
    return FakeTqdm.instances


def test_progress_bar_counts_the_nodes_of_the_execution_path(fake_tqdm):
    dr = build(a, b, c, adapters=(ProgressBar(desc="run", leave=False),))
    dr.execute(["c"], inputs={"x": 1})
    [bar] = fake_tqdm
    assert bar.kwargs["total"] == 3
    assert bar.kwargs["desc"] == "run"
    assert bar.kwargs["leave"] is False
    assert bar.updates == 3
    assert [d.split(" -> ")[1].strip() for d in bar.descriptions] == ["a", "b", "c", "done"]
    assert bar.closed


def test_progress_bar_is_closed_when_a_node_fails(fake_tqdm):
    dr = build(a, boom, adapters=(ProgressBar(),))
    with pytest.raises(ValueError):
        dr.execute(["boom"], inputs={"x": 1})
    [bar] = fake_tqdm
    assert bar.closed
    assert bar.descriptions[-1] == "Graph execution -> failed"


def test_progress_bar_truncates_and_pads_node_names(fake_tqdm):
    def a_rather_long_node_name(a: int) -> int:
        return a

    dr = build(a, a_rather_long_node_name, adapters=(ProgressBar(max_node_name_width=10),))
    dr.execute(["a_rather_long_node_name"], inputs={"x": 1})
    descriptions = fake_tqdm[0].descriptions
    assert descriptions[:2] == ["Graph execution -> a         ", "Graph execution -> a_rathe..."]


def test_progress_bar_one_bar_per_execute(fake_tqdm):
    dr = build(a, b, adapters=(ProgressBar(),))
    dr.execute(["b"], inputs={"x": 1})
    dr.execute(["a"], inputs={"x": 1})
    assert [(bar.kwargs["total"], bar.updates, bar.closed) for bar in fake_tqdm] == [
        (2, 2, True),
        (1, 1, True),
    ]


def test_progress_bar_grows_with_the_items_of_a_parallel_block(fake_tqdm):
    def items(n: int) -> Parallelizable[int]:
        yield from range(n)

    def doubled(items: int) -> int:
        return items * 2

    def summed(doubled: Collect[int]) -> int:
        return sum(doubled)

    dr = build(items, doubled, summed, adapters=(ProgressBar(),), dynamic=True)
    assert dr.execute(["summed"], inputs={"n": 3}) == {"summed": 6}
    [bar] = fake_tqdm
    assert (bar.kwargs["total"], bar.total, bar.updates) == (3, 5, 5)


def test_progress_bar_draws_a_real_tqdm_bar():
    out = io.StringIO()
    dr = build(a, b, c, adapters=(ProgressBar(file=out, mininterval=0),))
    assert dr.execute(["c"], inputs={"x": 1}) == {"c": 6}
    assert "3/3" in out.getvalue()
    assert "Graph execution -> done" in out.getvalue()


# -- GracefulErrorAdapter --------------------------------------------------------------------


def fails(x: int) -> int:
    if x < 0:
        raise Stop("negative")
    return x


def after_fails(fails: int) -> int:
    return fails + 1


def optional_after_fails(fails: int = 0) -> int:
    return fails + 1


@accept_error_sentinels
def reports(after_fails: int) -> str:
    return f"got {after_fails!r}"


def independent(x: int) -> int:
    return x * 10


GRACEFUL = (fails, after_fails, optional_after_fails, reports, independent)
OUTPUTS = ["fails", "after_fails", "optional_after_fails", "reports", "independent"]
SENTINEL = object()


@pytest.mark.parametrize(
    ("adapter", "expected"),
    [
        (
            GracefulErrorAdapter(Stop),
            {
                "fails": None,
                "after_fails": None,
                "optional_after_fails": None,
                "reports": "got None",
                "independent": -10,
            },
        ),
        (
            GracefulErrorAdapter(Stop, sentinel_value=SENTINEL),
            {
                "fails": SENTINEL,
                "after_fails": SENTINEL,
                "optional_after_fails": SENTINEL,
                "reports": f"got {SENTINEL!r}",
                "independent": -10,
            },
        ),
        (
            GracefulErrorAdapter(Stop, sentinel_value="S", allow_injection=False),
            {
                "fails": "S",
                "after_fails": "S",
                "optional_after_fails": "S",
                "reports": "S",
                "independent": -10,
            },
        ),
    ],
    ids=["default-sentinel-None", "custom-sentinel", "no-injection"],
)
def test_graceful_error_adapter_prunes_what_depends_on_a_failure(adapter, expected):
    dr = build(*GRACEFUL, adapters=(adapter,))
    assert dr.execute(OUTPUTS, inputs={"x": -1}) == expected


def test_graceful_error_adapter_changes_nothing_without_errors():
    dr = build(*GRACEFUL, adapters=(GracefulErrorAdapter(Stop),))
    assert dr.execute(OUTPUTS, inputs={"x": 1}) == {
        "fails": 1,
        "after_fails": 2,
        "optional_after_fails": 2,
        "reports": "got 2",
        "independent": 10,
    }


def test_graceful_error_adapter_catches_subclasses():
    def raises_sub(x: int) -> int:
        raise SubStop()

    assert build(raises_sub, adapters=(GracefulErrorAdapter(Stop, "S"),)).execute(
        ["raises_sub"], inputs={"x": 1}
    ) == {"raises_sub": "S"}


def test_graceful_error_adapter_lets_other_errors_through():
    def raises_key_error(x: int) -> int:
        raise KeyError("k")

    dr = build(raises_key_error, adapters=(GracefulErrorAdapter(Stop),))
    with pytest.raises(KeyError):
        dr.execute(["raises_key_error"], inputs={"x": 1})


def test_graceful_error_adapter_treats_an_overridden_sentinel_as_a_failure():
    dr = build(*GRACEFUL, adapters=(GracefulErrorAdapter(Stop, "S"),))
    result = dr.execute(["after_fails", "reports"], inputs={"x": 1}, overrides={"fails": "S"})
    assert result == {"after_fails": "S", "reports": "got 'S'"}


def test_graceful_error_adapter_compares_sentinels_by_equality_of_the_same_type():
    def listed(x: int) -> list:
        return [x]

    def uses_list(listed: list) -> int:
        return 5

    dr = build(listed, uses_list, adapters=(GracefulErrorAdapter(Stop, sentinel_value=[1]),))
    assert dr.execute(["uses_list"], inputs={"x": 1}) == {"uses_list": [1]}
    assert dr.execute(["uses_list"], inputs={"x": 2}) == {"uses_list": 5}


def test_graceful_error_adapter_ignores_elementwise_equality():
    import numpy as np

    def array(x: int) -> Any:  # np.ndarray: local imports cannot resolve string annotations
        return np.zeros(2)

    def total(array: Any) -> float:
        return float(array.sum())

    adapter = GracefulErrorAdapter(Stop, sentinel_value=np.zeros(2))
    assert build(array, total, adapters=(adapter,)).execute(["total"], inputs={"x": 1}) == {
        "total": 0.0
    }


def start_point(k: int) -> Parallelizable[int]:
    for i in range(5):
        if i == k:
            raise Stop()
        yield i


def inner(start_point: int) -> int:
    return start_point


def gather(inner: Collect[int]) -> list:
    return list(inner)


@pytest.mark.parametrize(
    ("try_all_parallel", "fail_at", "gathered"),
    [
        (True, 3, [0, 1, 2, "S"]),
        (True, 0, ["S"]),
        (True, 9, [0, 1, 2, 3, 4]),
        (False, 3, ["S"]),
        (False, 0, ["S"]),
        (False, 9, [0, 1, 2, 3, 4]),
    ],
)
def test_graceful_error_adapter_on_a_failing_parallelizable(try_all_parallel, fail_at, gathered):
    adapter = GracefulErrorAdapter(Stop, "S", try_all_parallel=try_all_parallel)
    dr = build(start_point, inner, gather, adapters=(adapter,), dynamic=True)
    assert dr.execute(["gather"], inputs={"k": fail_at}) == {"gather": gathered}


def test_graceful_error_adapter_skips_a_parallelizable_fed_a_sentinel():
    def upstream(x: int) -> int:
        raise Stop()

    def items(upstream: int) -> Parallelizable[int]:
        yield from range(3)

    def per_item(items: int) -> int:
        return items + 1

    def collected(per_item: Collect[int]) -> int:
        return len(list(per_item))

    dr = build(
        upstream,
        items,
        per_item,
        collected,
        adapters=(GracefulErrorAdapter(Stop, "S"),),
        dynamic=True,
    )
    assert dr.execute(["collected"], inputs={"x": 0}) == {"collected": 1}


def test_graceful_error_adapter_inside_parallel_items():
    def items(n: int) -> Parallelizable[int]:
        yield from range(n)

    def risky(items: int) -> int:
        if items == 1:
            raise Stop()
        return items * 10

    def plus_one(risky: int) -> int:
        return risky + 1

    def all_of_them(plus_one: Collect[int]) -> list:
        return list(plus_one)

    dr = build(
        items, risky, plus_one, all_of_them, adapters=(GracefulErrorAdapter(Stop),), dynamic=True
    )
    assert dr.execute(["all_of_them"], inputs={"n": 3}) == {"all_of_them": [1, None, 21]}


def test_accept_error_sentinels_marks_and_returns_the_function():
    def f(x: int) -> int:
        return x

    assert accept_error_sentinels(f) is f
    assert f(3) == 3


def test_accept_error_sentinels_rejects_non_callables():
    with pytest.raises(errors.InvalidDecoratorError, match="decorates functions"):
        accept_error_sentinels(3)  # type: ignore[arg-type]


def test_graceful_error_adapter_needs_an_exception_class():
    with pytest.raises(TypeError, match="exception class"):
        GracefulErrorAdapter("ValueError")  # type: ignore[arg-type]


# -- FunctionInputOutputTypeChecker ----------------------------------------------------------


def lies(x: int) -> int:
    return "not an int"  # type: ignore[return-value]


def trusts(lies: int) -> int:
    return lies


def test_type_checker_rejects_a_wrong_result_naming_the_node():
    dr = build(lies, trusts, adapters=(FunctionInputOutputTypeChecker(),))
    expected = r"node 'lies' returned str, but its return type is int"
    with pytest.raises(NodeTypeError, match=expected):
        dr.execute(["trusts"], inputs={"x": 1})


def test_type_checker_rejects_a_wrong_input_naming_node_and_parameter():
    dr = build(lies, trusts, adapters=(FunctionInputOutputTypeChecker(check_output=False),))
    with pytest.raises(TypeError, match=r"node 'trusts' received str for parameter 'lies'") as info:
        dr.execute(["trusts"], inputs={"x": 1})
    assert isinstance(info.value, errors.HamiltonNBError)


def test_type_checker_can_be_switched_off():
    checker = FunctionInputOutputTypeChecker(check_input=False, check_output=False)
    assert build(lies, trusts, adapters=(checker,)).execute(["trusts"], inputs={"x": 1}) == {
        "trusts": "not an int"
    }


def test_type_checker_accepts_optional_any_generics_and_parallel_items():
    def maybe(x: int) -> int | None:
        return None

    def anything(x: int) -> Any:
        return object()

    def numbers(x: int) -> list[int]:
        return [x]

    def items(numbers: list[int]) -> Parallelizable[int]:
        yield from numbers

    def squared(items: int) -> int:
        return items * items

    def squares(squared: Collect[int]) -> list[int]:
        return list(squared)

    dr = build(
        maybe,
        anything,
        numbers,
        items,
        squared,
        squares,
        adapters=(FunctionInputOutputTypeChecker(),),
        dynamic=True,
    )
    result = dr.execute(["maybe", "anything", "squares"], inputs={"x": 3})
    assert result["maybe"] is None
    assert result["squares"] == [9]


# -- NoEdgeAndInputTypeChecking --------------------------------------------------------------


def text(x: int) -> str:
    return str(x)


def wants_int(text: int) -> int:
    return len(str(text))


def test_no_edge_checking_builds_mismatched_edges():
    with pytest.raises(errors.TypeMismatchError):
        build(text, wants_int)
    dr = build(text, wants_int, adapters=(NoEdgeAndInputTypeChecking(),))
    assert dr.execute(["wants_int"], inputs={"x": 123}) == {"wants_int": 3}


def test_no_input_checking_accepts_inputs_of_any_type():
    with pytest.raises(errors.InputTypeError):
        build(text).execute(["text"], inputs={"x": "not an int"})
    dr = build(text, adapters=(NoEdgeAndInputTypeChecking(),))
    assert dr.execute(["text"], inputs={"x": "not an int"}) == {"text": "not an int"}


# -- SlowDownYouMoveTooFast ------------------------------------------------------------------


def test_slow_down_sleeps_a_clipped_normal_time_before_each_node(monkeypatch):
    draws = iter([0.01, -0.5, 0.02])
    requested: list[tuple[float, float]] = []
    slept: list[float] = []

    def normalvariate(mu: float, sigma: float) -> float:
        requested.append((mu, sigma))
        return next(draws)

    monkeypatch.setattr(random, "normalvariate", normalvariate)
    monkeypatch.setattr(time, "sleep", slept.append)
    dr = build(a, b, c, adapters=(SlowDownYouMoveTooFast(0.25, 0.1),))
    assert dr.execute(["c"], inputs={"x": 1}) == {"c": 6}
    assert requested == [(0.25, 0.1)] * 3
    assert slept == [0.01, 0.0, 0.02]


def test_slow_down_really_sleeps():
    dr = build(a, b, adapters=(SlowDownYouMoveTooFast(0.001, 0.0),))
    started = time.perf_counter()
    assert dr.execute(["b"], inputs={"x": 1}) == {"b": 4}
    assert time.perf_counter() - started >= 0.002


def test_slow_down_rejects_negative_times():
    with pytest.raises(ValueError, match=">= 0"):
        SlowDownYouMoveTooFast(-1.0, 0.1)
