"""IncrementalSession: what recomputes after an edit, and that nothing stale is ever served.

Drivers are built from source with ``ad_hoc_utils.module_from_source`` under one module name,
as the notebook magic does for a cell run after run. Which functions actually ran is read
from log records the functions emit (``logging`` is a library module, so calling it does not
enter the fingerprints), and checked against the execution record's statuses.
"""

from __future__ import annotations

import logging
import sys
import textwrap
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamilton_nb import ad_hoc_utils, driver
from hamilton_nb.lifecycle import api
from hamilton_nb.magics.autoreload import reload_changed_project_modules
from hamilton_nb.magics.incremental import (
    CURRENT,
    NOT_HELD,
    STALE,
    IncrementalSession,
    estimate_size,
)

LOGGER = "hamilton_nb.tests.incremental"

CELL = """\
import logging

_log = logging.getLogger("hamilton_nb.tests.incremental").info


def raw(x: int) -> int:
    _log("raw")
    return x + 1


def scaled(raw: int) -> int:
    _log("scaled")
    return raw * 2


def other(y: int) -> int:
    _log("other")
    return y * 3


def combined(scaled: int, other: int) -> int:
    _log("combined")
    return scaled + other


def listed(combined: int) -> list:
    _log("listed")
    return [combined]
"""
INPUTS = {"x": 1, "y": 2}
ALL = ["raw", "scaled", "other", "combined", "listed"]


def build(source: str, *, name: str = "cell", config: dict[str, Any] | None = None, **kw: Any):
    module = ad_hoc_utils.module_from_source(textwrap.dedent(source), name)
    builder = driver.Builder().with_modules(module).with_config(config or {})
    if kw.get("dynamic"):
        builder.enable_dynamic_execution(allow_experimental_mode=True)
    for adapter in kw.get("adapters", ()):
        builder.with_adapters(adapter)
    return builder.build()


def full_recompute(source: str, outputs: list[str], **kw: Any) -> dict[str, Any]:
    """The reference: a new module and driver, every output computed from scratch (its
    functions' log records are kept out of ``ran``)."""
    config = kw.pop("config", None)
    dr = build(
        source,
        name=f"reference_{uuid.uuid4().hex}",
        config=config,
        dynamic=kw.pop("dynamic", False),
    )
    logger = logging.getLogger(LOGGER)
    logger.disabled = True
    try:
        return dr.execute(outputs, inputs=kw.get("inputs"), overrides=kw.get("overrides"))
    finally:
        logger.disabled = False


@pytest.fixture
def ran(caplog):
    """Call to get (and reset) the names of the functions that ran since the last call."""
    caplog.set_level(logging.INFO, logger=LOGGER)

    def names() -> set[str]:
        found = {r.getMessage() for r in caplog.records if r.name == LOGGER}
        caplog.clear()
        return found

    return names


def statuses(record, *wanted: str) -> set[str]:
    return {name for name, status in record.statuses.items() if status in wanted}


def test_a_rerun_without_changes_reuses_everything(ran):
    session = IncrementalSession()
    first, record = session.execute(build(CELL), ALL, inputs=INPUTS)
    assert ran() == set(ALL)
    assert statuses(record, "computed") == set(ALL)
    again, record = session.execute(build(CELL), ALL, inputs=INPUTS)
    assert ran() == set()
    assert statuses(record, "reused") == set(ALL)
    assert again == first == full_recompute(CELL, ALL, inputs=INPUTS)


def test_editing_one_leaf_recomputes_exactly_it_and_its_downstream(ran):
    session = IncrementalSession()
    session.execute(build(CELL), ALL, inputs=INPUTS)
    ran()
    edited = CELL.replace("return y * 3", "return y * 4")
    results, record = session.execute(build(edited), ALL, inputs=INPUTS)
    assert ran() == {"other", "combined", "listed"}
    assert statuses(record, "computed") == {"other", "combined", "listed"}
    assert statuses(record, "reused") == {"raw", "scaled"}
    assert results == full_recompute(edited, ALL, inputs=INPUTS)


def test_changing_an_input_recomputes_exactly_its_dependents(ran):
    session = IncrementalSession()
    session.execute(build(CELL), ALL, inputs=INPUTS)
    ran()
    results, _ = session.execute(build(CELL), ALL, inputs={"x": 5, "y": 2})
    assert ran() == {"raw", "scaled", "combined", "listed"}
    assert results == full_recompute(CELL, ALL, inputs={"x": 5, "y": 2})
    # back to the first value: every result for it is still held
    results, record = session.execute(build(CELL), ALL, inputs=INPUTS)
    assert ran() == set()
    assert results == full_recompute(CELL, ALL, inputs=INPUTS)


def test_changing_an_override_recomputes_exactly_its_downstream(ran):
    session = IncrementalSession()
    session.execute(build(CELL), ALL, inputs=INPUTS, overrides={"scaled": 10})
    assert ran() == {"raw", "other", "combined", "listed"}  # raw is an output too
    results, record = session.execute(build(CELL), ALL, inputs=INPUTS, overrides={"scaled": 11})
    assert ran() == {"combined", "listed"}
    assert record.statuses["scaled"] == "overridden"
    assert results == full_recompute(CELL, ALL, inputs=INPUTS, overrides={"scaled": 11})


def test_intermediate_results_are_held_when_only_the_sink_is_requested(ran):
    session = IncrementalSession()
    session.execute(build(CELL), ["listed"], inputs=INPUTS)
    ran()
    edited = CELL.replace("return [combined]", "return [combined, combined]")
    results, record = session.execute(build(edited), ["listed"], inputs=INPUTS)
    assert ran() == {"listed"}
    assert record.statuses == {"combined": "reused", "listed": "computed"}
    assert results == full_recompute(edited, ["listed"], inputs=INPUTS)


def test_fresh_recomputes_everything(ran):
    session = IncrementalSession()
    session.execute(build(CELL), ALL, inputs=INPUTS)
    ran()
    _, record = session.execute(build(CELL), ALL, inputs=INPUTS, fresh=True)
    assert ran() == set(ALL)
    assert "reused" not in record.statuses.values()


def test_a_result_mutated_by_a_downstream_node_is_not_reused(ran):
    source = CELL + textwrap.dedent(
        """

        def appended(listed: list) -> int:
            _log("appended")
            listed.append(0)  # mutates its input in place
            return len(listed)
        """
    )
    outputs = [*ALL, "appended"]
    session = IncrementalSession()
    first, _ = session.execute(build(source), outputs, inputs=INPUTS)
    assert first["listed"] == [first["combined"], 0]  # the run returns the mutated list
    ran()
    # "listed" changed after it was computed: recomputed, never served as [combined, 0]
    second, record = session.execute(build(source), outputs, inputs=INPUTS)
    assert ran() == {"listed"}
    assert second["listed"] == [first["combined"]]
    assert second["appended"] == 2
    third, record = session.execute(build(source), outputs, inputs=INPUTS)
    assert ran() == set()
    assert third == second


def test_a_result_mutated_by_the_user_is_recomputed(ran):
    session = IncrementalSession()
    results, _ = session.execute(build(CELL), ALL, inputs=INPUTS)
    results["listed"].append("edited in the notebook")
    ran()
    again, record = session.execute(build(CELL), ALL, inputs=INPUTS)
    assert ran() == {"listed"}
    assert again["listed"] == full_recompute(CELL, ["listed"], inputs=INPUTS)["listed"]


def test_unhashable_inputs_are_never_reused(ran):
    source = """\
    import logging
    import threading

    def held(lock: threading.Lock) -> bool:
        logging.getLogger("hamilton_nb.tests.incremental").info("held")
        return lock.locked()

    def plain(x: int) -> int:
        logging.getLogger("hamilton_nb.tests.incremental").info("plain")
        return x
    """
    import threading

    session = IncrementalSession()
    inputs = {"lock": threading.Lock(), "x": 1}
    session.execute(build(source), ["held", "plain"], inputs=inputs)
    ran()
    _, record = session.execute(build(source), ["held", "plain"], inputs=inputs)
    assert ran() == {"held"}
    assert record.statuses["plain"] == "reused"


def test_a_failing_node_keeps_what_the_session_held(ran):
    session = IncrementalSession()
    session.execute(build(CELL), ALL, inputs=INPUTS)
    broken = CELL.replace("return scaled + other", "raise ValueError('boom')")
    dr = build(broken)
    with pytest.raises(ValueError, match="boom"):
        session.execute(dr, ALL, inputs=INPUTS)
    assert dr.last_run.statuses["combined"] == "failed"
    assert dr.last_run.statuses["scaled"] == "reused"
    ran()
    results, record = session.execute(build(CELL), ALL, inputs=INPUTS)
    assert ran() == set()
    assert results == full_recompute(CELL, ALL, inputs=INPUTS)


def test_config_changes_recompute_exactly_the_nodes_using_the_config(ran):
    source = CELL + textwrap.dedent(
        """

        from hamilton_nb.function_modifiers import config


        @config.when(mode="up")
        def moded__up(other: int) -> int:
            _log("moded")
            return other + 1


        @config.when(mode="down")
        def moded__down(other: int) -> int:
            _log("moded")
            return other - 1
        """
    )
    outputs = [*ALL, "moded"]
    session = IncrementalSession()
    session.execute(build(source, config={"mode": "up"}), outputs, inputs=INPUTS)
    ran()
    results, _ = session.execute(build(source, config={"mode": "down"}), outputs, inputs=INPUTS)
    assert ran() == {"moded"}
    assert results == full_recompute(source, outputs, inputs=INPUTS, config={"mode": "down"})


PARALLEL = """\
import logging

from hamilton_nb.htypes import Collect, Parallelizable

_log = logging.getLogger("hamilton_nb.tests.incremental").info


def items(n: int) -> Parallelizable[int]:
    _log("items")
    yield from range(n)


def squared(items: int, offset: int) -> int:
    _log("squared")
    return items * items + offset


def total(squared: Collect[int]) -> int:
    _log("total")
    return sum(squared)


def doubled(total: int) -> int:
    _log("doubled")
    return 2 * total


def aside(offset: int) -> int:
    _log("aside")
    return offset
"""
PARALLEL_OUTPUTS = ["items", "total", "doubled", "aside"]


@pytest.mark.parametrize(
    ("inputs", "edit", "expected"),
    [
        ({"n": 3, "offset": 1}, None, set()),
        ({"n": 3, "offset": 2}, None, {"squared", "total", "doubled", "aside"}),
        ({"n": 4, "offset": 1}, None, {"items", "squared", "total", "doubled"}),
        ({"n": 3, "offset": 1}, ("items * items", "items * 3"), {"squared", "total", "doubled"}),
        ({"n": 3, "offset": 1}, ("return 2 * total", "return 3 * total"), {"doubled"}),
    ],
    ids=["nothing", "shared-input", "items", "inside-block", "after-collect"],
)
def test_parallel_blocks_recompute_as_a_whole_and_reuse_around_them(ran, inputs, edit, expected):
    session = IncrementalSession()
    session.execute(build(PARALLEL, dynamic=True), PARALLEL_OUTPUTS, inputs={"n": 3, "offset": 1})
    ran()
    source = PARALLEL.replace(*edit) if edit else PARALLEL
    results, record = session.execute(build(source, dynamic=True), PARALLEL_OUTPUTS, inputs=inputs)
    assert ran() == expected
    assert results == full_recompute(source, PARALLEL_OUTPUTS, inputs=inputs, dynamic=True)
    assert (
        session.status()
        .nodes[[n.name for n in session.status().nodes].index("squared")]
        .fingerprint
        is None
    )


def test_memory_is_bounded_least_recently_used_first(ran):
    small = 2 * (estimate_size([1]) + 256) + 100  # room for about two list results
    source = """\
    def a(x: int) -> list:
        return [x]

    def b(x: int) -> list:
        return [x, x]

    def c(x: int) -> list:
        return [x, x, x]
    """
    session = IncrementalSession(max_bytes=small)
    for x in range(3):
        session.execute(build(source), ["a", "b", "c"], inputs={"x": x})
        assert 0 < session.held_bytes <= small
        assert session.status().entries <= 2
    assert session.status().held_bytes == session.held_bytes
    # the oldest results went first: c (computed last) is held, a is not
    states = {n.name: n.state for n in session.status().nodes}
    assert states["c"] == CURRENT and states["a"] == NOT_HELD


def test_a_result_larger_than_the_bound_is_not_held():
    session = IncrementalSession(max_bytes=1000)
    session.execute(
        build("def big(x: int) -> list:\n    return list(range(x))\n"),
        ["big"],
        inputs={"x": 10_000},
    )
    assert session.held_bytes == 0
    assert session.status().nodes[0].state == NOT_HELD


def test_status_reports_current_stale_and_sizes_per_module():
    session = IncrementalSession()
    session.execute(build(CELL), ALL, inputs=INPUTS)
    session.execute(build(CELL, name="second"), ["raw"], inputs=INPUTS)
    session.execute(build(CELL.replace("y * 3", "y * 4")), ALL, inputs=INPUTS)
    report = session.status("cell")
    states = {n.name: n.state for n in report.nodes}
    assert states == dict.fromkeys(ALL, CURRENT)
    assert all(n.nbytes > 0 and n.module == "cell" for n in report.nodes)
    # results for the earlier version of "other" are still held, next to the current one
    other = next(n for n in report.nodes if n.name == "other")
    assert other.nbytes > next(n for n in report.nodes if n.name == "raw").nbytes
    assert [n.name for n in session.status("second").nodes] == ["raw"]
    assert "held for reuse" in str(session.status())
    # an input changed and the new results were dropped: the held ones are stale
    session.execute(build(CELL), ["raw"], inputs={"x": 99, "y": 2})
    session._drop(next(f for f, e in session._entries.items() if e.value == 100))
    assert {n.name: n.state for n in session.status("cell").nodes} == {"raw": STALE}


def test_forget_drops_one_modules_results():
    session = IncrementalSession()
    session.execute(build(CELL), ALL, inputs=INPUTS)
    session.execute(build(CELL, name="second"), ALL, inputs=INPUTS)
    held = session.held_bytes
    assert session.forget("cell") == len(ALL)
    assert 0 < session.held_bytes < held
    assert session.status("cell").nodes == []
    assert {n.state for n in session.status("second").nodes} == {CURRENT}
    session.clear()
    assert session.held_bytes == 0


def test_progress_timings_and_adapters_see_the_computed_nodes_only():
    seen: list[str] = []

    class Hook(api.NodeExecutionHook):
        def run_before_node_execution(self, *, node_name: str) -> None:
            seen.append("before " + node_name)

        def run_after_node_execution(self, *, node_name: str) -> None:
            seen.append("after " + node_name)

    session = IncrementalSession()
    session.execute(build(CELL), ALL, inputs=INPUTS)
    hook = Hook()
    # other adapters than the held results were computed under: everything runs again, so a
    # newly added PrintLn (or an adapter changing how nodes run) sees every node
    session.execute(build(CELL, adapters=[hook]), ALL, inputs=INPUTS)
    assert seen == [f"{when} {n}" for n in ALL for when in ("before", "after")]
    seen.clear()
    dr = build(CELL.replace("return raw * 2", "return raw * 5"), adapters=[hook])
    hooks = dr.hooks
    progress: list[str] = []
    _, record = session.execute(dr, ALL, inputs=INPUTS, progress=progress.append)
    assert progress == ["scaled", "combined", "listed"]
    assert seen == [f"{when} {n}" for n in progress for when in ("before", "after")]
    assert dr.record_timings and set(record.durations) == set(progress)
    assert dr.hooks is hooks  # the run's extra hook is gone


def test_a_changed_helper_module_recomputes_its_users(tmp_path, monkeypatch, ran):
    name = f"helper_{uuid.uuid4().hex[:8]}"
    helper = tmp_path / f"{name}.py"
    helper.write_text("def bump(v):\n    return v + 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    source = CELL + textwrap.dedent(
        f"""

        from {name} import bump


        def bumped(raw: int) -> int:
            _log("bumped")
            return bump(raw)
        """
    )
    try:
        session = IncrementalSession(root=tmp_path)
        session.execute(build(source), [*ALL, "bumped"], inputs=INPUTS)
        ran()
        helper.write_text("def bump(v):\n    return v + 100\n")
        assert reload_changed_project_modules(root=tmp_path) == [name]
        results, _ = session.execute(build(source), [*ALL, "bumped"], inputs=INPUTS)
        assert ran() == {"bumped"}
        assert results["bumped"] == 102
    finally:
        sys.modules.pop(name, None)


def test_bad_arguments_are_rejected_with_the_fix():
    with pytest.raises(ValueError, match="max_bytes must be a non-negative"):
        IncrementalSession(max_bytes=-1)
    with pytest.raises(ValueError, match="unknown output 'nope'"):
        IncrementalSession().execute(build(CELL), ["nope"], inputs=INPUTS)


def test_estimate_size_counts_contents():
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    assert estimate_size(np.zeros(1000)) >= 8000
    assert estimate_size(pd.DataFrame({"a": ["x" * 100] * 100})) >= 10_000
    assert estimate_size(["x" * 1000] * 10) >= 10_000
    assert estimate_size({"k": "v" * 500}) >= 500
    assert estimate_size(list(range(100_000))) >= 100_000 * 28


# -- random edit sequences against a full recompute -------------------------------------------

FUNCTIONS = {
    "a": "def a(x: int) -> int:\n    return x + {k}\n",
    "b": "def b(a: int, y: int) -> int:\n    return _scale(a) + y + {k}\n",
    "c_one": '@config.when(mode="one")\ndef c__one(a: int) -> int:\n    return a + {k}\n',
    "c_two": '@config.when(mode="two")\ndef c__two(b: int) -> int:\n    return b * 2 + {k}\n',
    "d": "def d(b: int, c: int) -> int:\n    return b - c + {k}\n",
    "e": "def e(d: int) -> int:\n    return d * 3 + {k}\n",
    "f": "def f(d: int, e: int = 100) -> int:\n    return d + e + {k}\n",
    "g": "def g(f: int, mode: str) -> str:\n    return mode + str(f + {k})\n",
}
HEADER = (
    "from hamilton_nb.function_modifiers import config\n\nS = {s}\n\n\ndef _scale(v):\n"
    "    return v * S\n"
)


def render(state: dict[str, Any]) -> str:
    parts = [HEADER.format(s=state["S"])]
    parts += [
        template.format(k=state["k"][name])
        for name, template in FUNCTIONS.items()
        if name != "e" or state["with_e"]
    ]
    return "\n\n".join(parts)


def model_keys(state: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    """What each node's value depends on, by construction of the template."""
    k, x, y, mode = state["k"], state["x"], state["y"], state["mode"]
    keys: dict[str, tuple[Any, ...]] = {}
    keys["a"] = (k["a"], x)
    keys["b"] = (k["b"], state["S"], keys["a"], y)
    keys["c"] = ("one", k["c_one"], keys["a"]) if mode == "one" else ("two", k["c_two"], keys["b"])
    keys["d"] = (k["d"], keys["b"], keys["c"])
    if state["with_e"]:
        keys["e"] = (k["e"], keys["d"])
    keys["f"] = (k["f"], keys["d"], keys.get("e", "absent"))
    keys["g"] = (k["g"], keys["f"], mode)
    return keys


small = st.integers(min_value=0, max_value=2)
edits = st.one_of(
    st.tuples(st.just("k"), st.sampled_from(sorted(FUNCTIONS)), small),
    st.tuples(st.just("S"), st.just(""), small),
    st.tuples(st.just("input"), st.sampled_from(["x", "y"]), small),
    st.tuples(st.just("mode"), st.just(""), st.sampled_from(["one", "two"])),
    st.tuples(st.just("with_e"), st.just(""), st.booleans()),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edits, min_size=1, max_size=8))
def test_random_edit_sequences_match_a_full_recompute(sequence):
    state: dict[str, Any] = {
        "k": dict.fromkeys(FUNCTIONS, 0),
        "S": 1,
        "x": 0,
        "y": 0,
        "mode": "one",
        "with_e": True,
    }
    session = IncrementalSession()
    seen: dict[str, set[tuple[Any, ...]]] = {}
    for step, (kind, name, new) in enumerate([("start", "", None), *sequence]):
        if kind == "k":
            state["k"][name] = new
        elif kind == "input":
            state[name] = new
        elif kind in ("S", "mode", "with_e"):
            state[kind] = new
        source = render(state)
        config = {"mode": state["mode"]}
        inputs = {"x": state["x"], "y": state["y"]}
        dr = build(source, config=config)
        outputs = [n.name for n in dr.list_available_variables() if not n.is_external_input]
        results, record = session.execute(dr, outputs, inputs=inputs)
        expected = full_recompute(source, outputs, inputs=inputs, config=config)
        assert results == expected, f"step {step}: {kind} {name} {new}"
        keys = model_keys(state)
        assert set(outputs) == set(keys)
        for node, key in keys.items():
            want = "reused" if key in seen.get(node, set()) else "computed"
            assert record.statuses[node] == want, (step, node, kind, name, new)
            seen.setdefault(node, set()).add(key)


@pytest.mark.parametrize("kind", ["threads", "processes"])
def test_parallel_executors_run_with_the_sessions_hook(tmp_path, monkeypatch, kind):
    from hamilton_nb.execution import executors

    name = f"flow_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{name}.py").write_text(
        textwrap.dedent(
            """\
        from hamilton_nb.htypes import Collect, Parallelizable

        def items(n: int) -> Parallelizable[int]:
            yield from range(n)

        def squared(items: int) -> list:
            return [items * items]

        def total(squared: Collect[list]) -> list:
            return sorted(x for [x] in squared)
        """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    module = __import__(name)
    executor = (
        executors.MultiThreadingExecutor(2)
        if kind == "threads"
        else executors.MultiProcessingExecutor(2)
    )
    try:
        dr = (
            driver.Builder()
            .with_modules(module)
            .enable_dynamic_execution(allow_experimental_mode=True)
            .with_remote_executor(executor)
            .build()
        )
        session = IncrementalSession()
        first, _ = session.execute(dr, ["items", "total"], inputs={"n": 4})
        assert first == {"items": [0, 1, 2, 3], "total": [0, 1, 4, 9]}
        again, record = session.execute(dr, ["items", "total"], inputs={"n": 4})
        assert again == first and set(record.statuses.values()) == {"reused"}
        more, record = session.execute(dr, ["total"], inputs={"n": 5})
        assert more == {"total": [0, 1, 4, 9, 16]}
    finally:
        sys.modules.pop(name, None)
