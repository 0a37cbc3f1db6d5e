"""A cell that fails anywhere (compile, module code, build, execute) changes nothing."""

from __future__ import annotations

import sys

import pytest
from IPython.utils.capture import capture_output
from magic_helpers import plain, run

from hamilton_nb import errors
from hamilton_nb.magics.cell_module import VERSION_ATTR

GOOD = """\
%%cell_to_module atom -x
def a() -> int:
    return 1

def b(a: int) -> int:
    return a + 1

def c(b: int) -> int:
    return b * 10
"""

FAILING = {
    "syntax": (
        "def a() -> int:\n    return 1\n\ndef b(a: int) -> int:\n    return a +\n",
        SyntaxError,
        ">:5\n    return a +\n",
    ),
    "module code": (
        "def a() -> int:\n    return 1\n\nLIMIT = int('ten')\n",
        ValueError,
        "LIMIT = int('ten')",
    ),
    "type mismatch": (
        "def a() -> str:\n    return 'x'\n\ndef b(a: int) -> int:\n    return a\n",
        errors.TypeMismatchError,
        "line 1: def a() -> str:",
    ),
    "cycle": (
        "def a(c: int) -> int:\n    return c\n\ndef c(a: int) -> int:\n    return a\n",
        errors.CycleError,
        "line 4: def c(a: int) -> int:",
    ),
    "bad decorator": (
        "from hamilton_nb.function_modifiers import parameterize, value\n\n"
        "@parameterize(one={'x': value(1)})\ndef a(y: int) -> int:\n    return y\n",
        errors.InvalidDecoratorError,
        "line 4: def a(y: int) -> int:",
    ),
    "missing annotation": (
        "def a(y) -> int:\n    return y\n",
        errors.MissingAnnotationError,
        "line 1: def a(y) -> int:",
    ),
    "execute": (
        "def a() -> int:\n    return 5\n\ndef b(a: int) -> int:\n    return a + 1\n\n"
        "def c(b: int) -> int:\n    return b // 0\n",
        ZeroDivisionError,
        "----> 8     return b // 0",
    ),
}


def _snapshot(ip, state):
    module = sys.modules["atom"]
    cell = state.cells["atom"]
    return {
        "module": module,
        "contents": dict(vars(module)),
        "version": vars(module)[VERSION_ATTR],
        "driver": cell.driver,
        "record": cell.record,
        "values": {k: ip.user_ns[k] for k in ("a", "b", "c", "atom")},
    }


@pytest.mark.parametrize("kind", list(FAILING))
def test_a_failing_rerun_keeps_module_driver_and_results(ip, state, capsys, kind) -> None:
    run(ip, GOOD)
    before = _snapshot(ip, state)
    assert before["values"]["c"] == 20
    body, error_type, pointer = FAILING[kind]
    error = run(ip, "%%cell_to_module atom -x\n" + body, error_type)
    after = _snapshot(ip, state)
    assert after["module"] is before["module"] and sys.modules["atom"] is before["module"]
    assert after["contents"] == before["contents"]  # same objects, same version
    assert after["version"] == before["version"]
    assert after["driver"] is before["driver"] and after["record"] is before["record"]
    assert after["values"] == before["values"]
    assert before["module"].c(2) == 20  # the old functions still work
    shown = plain(capsys.readouterr().out + capsys.readouterr().err)
    text = shown + "\n".join(getattr(error, "__notes__", []))
    assert pointer in text, text
    assert "cell module 'atom' was not changed" in text
    failure = state.cells["atom"].failure
    assert failure is not None and failure.error is error
    # the next good run clears the failure and works as usual
    run(ip, GOOD.replace("b * 10", "b * 100"))
    assert ip.user_ns["c"] == 200 and state.cells["atom"].failure is None


def test_first_run_failing_leaves_no_module(ip, state) -> None:
    run(
        ip,
        "%%cell_to_module never -x\n"
        "def a() -> str:\n    return 1\ndef b(a: int) -> int:\n    return a\n",
        errors.TypeMismatchError,
    )
    assert "never" not in sys.modules and "never" not in ip.user_ns and "a" not in ip.user_ns
    assert "never" not in state.cells and state.failure_of("never").stage == "build"


def test_failed_execution_shows_what_succeeded_in_the_status(ip, state, capsys) -> None:
    run(ip, GOOD)
    body, _, _ = FAILING["execute"]
    run(ip, "%%cell_to_module atom -x\n" + body, ZeroDivisionError)
    failure = state.cells["atom"].failure
    assert failure.stage == "execute" and failure.failed_node == "c"
    assert failure.succeeded == ["a", "b"] and failure.values == {"a": 5, "b": 6}
    capsys.readouterr()
    with capture_output() as captured:
        run(ip, "%hamilton_status atom")
    text = captured.stdout + "".join(o.data["text/plain"] for o in captured.outputs)
    assert "last attempt failed: execute at node 'c': ZeroDivisionError" in text
    assert "succeeded: a (computed) 5" in text and "succeeded: b (computed) 6" in text
    # the variables still hold the last good run's results
    assert (ip.user_ns["a"], ip.user_ns["b"], ip.user_ns["c"]) == (1, 2, 20)


def test_failed_execution_with_display_shows_the_failed_run(ip) -> None:
    run(ip, GOOD)
    body, _, _ = FAILING["execute"]
    with capture_output() as captured:
        run(ip, "%%cell_to_module atom -x -d\n" + body, ZeroDivisionError)
    svgs = [o.data["image/svg+xml"] for o in captured.outputs if "image/svg+xml" in o.data]
    assert svgs and "failed" in svgs[0]
