"""Node fingerprints change exactly when what a node computes may change.

Each case builds a cell-like module from source twice (before and after one edit) and
compares the fingerprints node by node: the set of nodes whose fingerprint changed must be
exactly the edited node and its downstream.
"""

from __future__ import annotations

import sys
import textwrap
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest

from hamilton_nb import ad_hoc_utils, driver
from hamilton_nb.magics import fingerprint as fp
from hamilton_nb.node import Node

BASE = """\
import math

SCALE = 2
UNUSED = 7


def _double(v):
    return v * SCALE


def _unused_helper(v):
    return v - UNUSED


def raw(x: int) -> int:
    return x + 1


def scaled(raw: int) -> int:
    return _double(raw)


def other(y: int) -> int:
    return y * 3


def combined(scaled: int, other: int) -> int:
    return scaled + other


def rounded(combined: int) -> int:
    return math.floor(combined / 2)
"""
INPUTS = {"x": 1, "y": 2}
DOWNSTREAM_OF_RAW = {"raw", "scaled", "combined", "rounded"}


def fingerprints(
    source: str,
    *,
    config: dict[str, Any] | None = None,
    inputs: dict[str, Any] | None = None,
    overrides: dict[str, Any] | None = None,
    root: Path | None = None,
) -> dict[str, str | None]:
    module = ad_hoc_utils.module_from_source(textwrap.dedent(source), "cell")
    dr = driver.Builder().with_modules(module).with_config(config or {}).build()
    return fp.node_fingerprints(
        dr.graph,
        inputs=INPUTS if inputs is None else inputs,
        overrides=overrides,
        fingerprinter=fp.Fingerprinter(root),
    )


def changed(before: dict[str, str | None], after: dict[str, str | None]) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


# -- code ------------------------------------------------------------------------------------


def test_same_source_gives_the_same_fingerprints():
    first, second = fingerprints(BASE), fingerprints(BASE)
    assert first == second
    assert all(value is not None for value in first.values())


def test_moving_functions_and_comments_change_nothing():
    shifted = "# a comment\n\n\n" + BASE.replace(
        "def other(y: int) -> int:", "# about other\ndef other(y: int) -> int:"
    )
    assert changed(fingerprints(BASE), fingerprints(shifted)) == set()


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("return x + 1", "return x + 2"), DOWNSTREAM_OF_RAW),
        (("return v * SCALE", "return v * SCALE + 1"), DOWNSTREAM_OF_RAW - {"raw"}),
        (("SCALE = 2", "SCALE = 3"), DOWNSTREAM_OF_RAW - {"raw"}),
        (("return y * 3", "return y * 4"), {"other", "combined", "rounded"}),
        (("math.floor(combined / 2)", "math.ceil(combined / 2)"), {"rounded"}),
        (("return v - UNUSED", "return v - UNUSED - 1"), set()),
        (("UNUSED = 7", "UNUSED = 8"), set()),
    ],
    ids=[
        "function",
        "helper",
        "helper-constant",
        "other-leaf",
        "sink",
        "unused-helper",
        "unused-constant",
    ],
)
def test_an_edit_changes_exactly_the_dependent_nodes(edit, expected):
    old, new = edit
    assert old in BASE
    assert changed(fingerprints(BASE), fingerprints(BASE.replace(old, new))) == expected


def test_adding_a_function_adds_its_fingerprint_only():
    extended = BASE + "\n\ndef extra(rounded: int) -> int:\n    return rounded\n"
    before, after = fingerprints(BASE), fingerprints(extended)
    assert changed(before, after) == {"extra"}


@pytest.mark.parametrize(
    "edit",
    [("True if n == 0", "(n == 0) if n <= 0"), ("False if n == 0", "(n != 0) if n <= 0")],
    ids=["first-helper", "second-helper"],
)
def test_mutually_recursive_helpers_are_covered_both_ways(edit):
    source = """\
    def _is_even(n):
        return True if n == 0 else _is_odd(n - 1)

    def _is_odd(n):
        return False if n == 0 else _is_even(n - 1)

    def even(x: int) -> bool:
        return _is_even(x)

    def odd(x: int) -> bool:
        return _is_odd(x)
    """
    assert edit[0] in source
    before = fingerprints(source)
    assert changed(before, fingerprints(source.replace(*edit))) == {"even", "odd"}


def test_a_class_method_used_by_a_node_is_part_of_its_fingerprint():
    source = """\
    class Scaler:
        def apply(self, v):
            return v * 2

    def scaled(x: int) -> int:
        return Scaler().apply(x)

    def plain(x: int) -> int:
        return x
    """
    before = fingerprints(source)
    after = fingerprints(source.replace("v * 2", "v * 3"))
    assert changed(before, after) == {"scaled"}


def test_default_values_and_closures_are_part_of_the_fingerprint():
    source = """\
    LIMIT = 10

    def _make(offset):
        def inner(v):
            return v + offset
        return inner

    _shift = _make(1)

    def clipped(x: int, limit: int = LIMIT) -> int:
        return min(x, limit)

    def shifted(x: int) -> int:
        return _shift(x)
    """
    before = fingerprints(source)
    assert changed(before, fingerprints(source.replace("LIMIT = 10", "LIMIT = 11"))) == {"clipped"}
    assert changed(before, fingerprints(source.replace("_make(1)", "_make(2)"))) == {"shifted"}


# -- decorators and config -------------------------------------------------------------------

DECORATED = """\
from hamilton_nb.function_modifiers import config, parameterize, source, tag, value


def base(x: int) -> int:
    return x


@parameterize(plus_one={"k": value(1)}, plus_base={"k": source("base")})
def plus(base: int, k: int) -> int:
    return base + k


@tag(owner="ana")
def tagged(base: int) -> int:
    return base


@config.when(mode="fast")
def speed__fast(base: int) -> int:
    return base * 10


@config.when(mode="slow")
def speed__slow(base: int) -> int:
    return base


def report(speed: int, label: str) -> str:
    return label + str(speed)


def untouched(base: int) -> int:
    return base + 1
"""
CONFIG = {"mode": "fast", "label": "s="}


def test_decorator_arguments_are_part_of_the_fingerprint():
    before = fingerprints(DECORATED, config=CONFIG)
    after = fingerprints(DECORATED.replace("value(1)", "value(2)"), config=CONFIG)
    # both nodes come from the one decorated function, whose decorator changed
    assert changed(before, after) == {"plus_one", "plus_base"}
    retagged = fingerprints(DECORATED.replace('owner="ana"', 'owner="bo"'), config=CONFIG)
    assert changed(before, retagged) == {"tagged"}


def test_a_config_change_changes_exactly_the_nodes_using_it():
    before = fingerprints(DECORATED, config=CONFIG)
    slow = fingerprints(DECORATED, config={**CONFIG, "mode": "slow"})
    assert changed(before, slow) == {"mode", "speed", "report"}
    relabelled = fingerprints(DECORATED, config={**CONFIG, "label": "v="})
    assert changed(before, relabelled) == {"label", "report"}
    extended = fingerprints(DECORATED, config={**CONFIG, "unrelated": 1})
    assert changed(before, extended) == {"unrelated"}  # a new external node, nothing else
    # a key a decorator declares counts even when the choice it makes stays the same
    source = DECORATED.replace('@config.when(mode="slow")', '@config.when_not(mode="fast")')
    medium = fingerprints(source, config={**CONFIG, "mode": "medium"})
    assert changed(fingerprints(source, config={**CONFIG, "mode": "slow"}), medium) == {
        "mode",
        "speed",
        "report",
    }


def test_an_edit_of_the_variant_not_chosen_changes_nothing():
    slow_body = "def speed__slow(base: int) -> int:\n    return base\n"
    assert slow_body in DECORATED
    edited = DECORATED.replace(slow_body, slow_body.replace("return base", "return -base"))
    before = fingerprints(DECORATED, config=CONFIG)
    assert changed(before, fingerprints(edited, config=CONFIG)) == set()
    slow = {**CONFIG, "mode": "slow"}
    assert changed(fingerprints(DECORATED, config=slow), fingerprints(edited, config=slow)) == {
        "speed",
        "report",
    }


# -- inputs and overrides --------------------------------------------------------------------


def test_an_input_change_changes_exactly_its_dependents():
    before = fingerprints(BASE)
    assert changed(before, fingerprints(BASE, inputs={"x": 5, "y": 2})) == {"x"} | DOWNSTREAM_OF_RAW
    assert changed(before, fingerprints(BASE, inputs={"x": 1, "y": 3})) == {
        "y",
        "other",
        "combined",
        "rounded",
    }


def test_an_override_replaces_the_node_and_its_value_counts():
    plain = fingerprints(BASE)
    overridden = fingerprints(BASE, overrides={"scaled": 10})
    assert changed(plain, overridden) == {"scaled", "combined", "rounded"}
    assert overridden["scaled"] == fingerprints(BASE, overrides={"scaled": 10})["scaled"]
    assert changed(overridden, fingerprints(BASE, overrides={"scaled": 11})) == {
        "scaled",
        "combined",
        "rounded",
    }


def test_a_missing_optional_input_is_distinct_from_a_given_one():
    source = """\
    def total(x: int, bonus: int = 0) -> int:
        return x + bonus
    """
    absent = fingerprints(source, inputs={"x": 1})
    given = fingerprints(source, inputs={"x": 1, "bonus": 0})
    assert absent["bonus"] == "absent"
    assert changed(absent, given) == {"bonus", "total"}


def test_an_unhashable_input_makes_its_dependents_volatile():
    result = fingerprints(BASE, inputs={"x": threading.Lock(), "y": 2})
    assert {name for name, value in result.items() if value is None} == {"x"} | DOWNSTREAM_OF_RAW
    assert result["other"] is not None


def test_a_node_reading_an_unhashable_global_is_volatile():
    source = """\
    import threading

    LOCK = threading.Lock()

    def guarded(x: int) -> int:
        with LOCK:
            return x

    def free(x: int) -> int:
        return x
    """
    result = fingerprints(source, inputs={"x": 1})
    assert result["guarded"] is None
    assert result["free"] is not None


def test_loader_and_saver_nodes_are_never_fingerprinted():
    printer = fp.Fingerprinter()
    for tag in fp.SIDE_EFFECT_TAGS:
        node = Node(name="n", type=int, callable=lambda: 1, tags={tag: True})
        with pytest.raises(fp.Unhashable):
            printer.node_code(node, {})


# -- helper modules on disk ------------------------------------------------------------------


@pytest.fixture
def helper_module(tmp_path, monkeypatch):
    """A project module ``helper_<id>.py`` in ``tmp_path``, importable; removed afterwards."""
    name = f"helper_{uuid.uuid4().hex[:8]}"
    path = tmp_path / f"{name}.py"
    path.write_text("def bump(v):\n    return v + 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name, path
    sys.modules.pop(name, None)


@pytest.mark.parametrize("style", ["import", "from-import"])
def test_editing_a_helper_module_file_changes_exactly_its_users(helper_module, tmp_path, style):
    name, path = helper_module
    use = f"{name}.bump(x)" if style == "import" else "bump(x)"
    header = f"import {name}" if style == "import" else f"from {name} import bump"
    source = f"""\
{header}


def bumped(x: int) -> int:
    return {use}


def later(bumped: int) -> int:
    return bumped * 2


def alone(x: int) -> int:
    return x
"""
    before = fingerprints(source, inputs={"x": 1}, root=tmp_path)
    assert fingerprints(source, inputs={"x": 1}, root=tmp_path) == before
    path.write_text("def bump(v):\n    return v + 2\n")
    after = fingerprints(source, inputs={"x": 1}, root=tmp_path)
    assert changed(before, after) == {"bumped", "later"}


def test_library_modules_count_as_constant(tmp_path):
    printer = fp.Fingerprinter(tmp_path)
    assert printer.token(textwrap) == "module:textwrap"
    assert printer.token(textwrap.dedent) == "fn:textwrap.dedent"


def test_project_module_file_excludes_environments(tmp_path):
    module = type(sys)("probe")
    module.__file__ = str(tmp_path / "probe.py")
    (tmp_path / "probe.py").write_text("")
    assert fp.project_module_file(module, fp.resolve_root(tmp_path)) == str(
        (tmp_path / "probe.py").resolve()
    )
    assert fp.project_module_file(pytest, fp.resolve_root("/")) is None  # site-packages
    assert fp.project_module_file(textwrap, fp.resolve_root("/")) is None  # stdlib


def test_file_digests_see_a_same_size_rewrite_within_the_stat_granularity(tmp_path):
    path = tmp_path / "f.py"
    path.write_text("A = 1\n")
    digests = fp.FileDigests()
    first = digests.digest(path)
    path.write_text("A = 2\n")  # same size, possibly the same mtime
    assert digests.digest(path) != first
    assert digests.digest(tmp_path / "missing.py") is None


# -- values ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (1, 1.0),
        (1, True),
        (0.0, -0.0),
        ("1", 1),
        ([1, 2], (1, 2)),
        ({"a": 1}, {"a": 2}),
        ({1, 2}, {1, 3}),
        (b"x", "x"),
        (None, "None"),
    ],
)
def test_distinct_values_have_distinct_digests(a, b):
    assert fp.value_digest(a) != fp.value_digest(b)


def test_equal_values_have_equal_digests():
    assert fp.value_digest({"a": [1, 2.5, "s"]}) == fp.value_digest({"a": [1, 2.5, "s"]})
    assert fp.value_digest(frozenset({3, 1, 2})) == fp.value_digest(frozenset({1, 2, 3}))
    assert fp.value_digest("x" * 1000) == fp.value_digest("x" * 1000)


def test_pandas_and_numpy_values_are_hashed_by_content():
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    assert fp.value_digest(frame) == fp.value_digest(frame.copy())
    edited = frame.copy()
    edited.loc[1, "b"] = "z"
    assert fp.value_digest(edited) != fp.value_digest(frame)
    assert fp.value_digest(frame.rename(columns={"a": "c"})) != fp.value_digest(frame)
    assert fp.value_digest(frame["a"]) != fp.value_digest(frame["a"].rename("other"))
    assert fp.value_digest(frame.set_index("b")) != fp.value_digest(frame)
    array = np.arange(6)
    assert fp.value_digest(array) == fp.value_digest(np.arange(6))
    assert fp.value_digest(array.reshape(2, 3)) != fp.value_digest(array)
    assert fp.value_digest(array.astype("float64")) != fp.value_digest(array)
    assert fp.value_digest(np.float64(1.0)) != fp.value_digest(np.float32(1.0))


def test_unpicklable_values_have_no_digest():
    assert fp.value_digest(threading.Lock()) is None
    assert fp.value_digest(x for x in range(3)) is None
    assert fp.value_digest([1, threading.Lock()]) is None
