"""Every build/validation error: its class, and a message naming the offender and the fix.

Also: exceptions raised inside user functions propagate unchanged, with a note naming the node.
"""

from __future__ import annotations

import re
import textwrap
import traceback
from types import ModuleType
from typing import Any

import pytest

from hamilton_nb import ad_hoc_utils, driver, errors
from hamilton_nb.execution import executors

HEADER = "from typing import Any\nfrom hamilton_nb.htypes import Collect, Parallelizable\n"


def make_module(source: str, name: str | None = None) -> ModuleType:
    return ad_hoc_utils.module_from_source(HEADER + textwrap.dedent(source), name)


def build(*modules: ModuleType, dynamic: bool = False, **config: Any) -> driver.Driver:
    builder = driver.Builder().with_modules(*modules).with_config(config)
    if dynamic:
        builder = builder.enable_dynamic_execution(allow_experimental_mode=True)
    return builder.build()


def test_error_classes_keep_hamilton_compatible_bases() -> None:
    for cls in (
        errors.MissingAnnotationError,
        errors.TypeMismatchError,
        errors.CycleError,
        errors.DuplicateNodeError,
        errors.ParallelizableError,
        errors.MissingInputError,
        errors.UnknownNodeError,
        errors.InputTypeError,
    ):
        assert issubclass(cls, errors.HamiltonNBError)
        assert issubclass(cls, ValueError)


# -- annotations -----------------------------------------------------------------------------


def test_missing_parameter_annotation() -> None:
    module = make_module(
        """
        def needs_type(x, y: int) -> int:
            return y
        """
    )
    with pytest.raises(errors.MissingAnnotationError) as info:
        build(module)
    message = str(info.value)
    assert "'needs_type'" in message
    assert "x" in message and "y" not in message.split("for:")[1].split(".")[0]
    assert "Annotate every parameter" in message


def test_missing_return_annotation() -> None:
    module = make_module(
        """
        def no_return(x: int):
            return x
        """
    )
    with pytest.raises(errors.MissingAnnotationError, match=r"'no_return'.*: return\. Annotate"):
        build(module)


def test_missing_annotations_are_listed_for_all_functions_at_once() -> None:
    module = make_module(
        """
        def first(x) -> int:
            return x

        def fine(first: int) -> int:
            return first

        def second(fine: int):
            return fine

        def third(a, b):
            return a
        """
    )
    with pytest.raises(errors.MissingAnnotationError) as info:
        build(module)
    lines = str(info.value).splitlines()
    assert len(lines) == 3
    assert "'first'" in lines[0] and "for: x." in lines[0]
    assert "'second'" in lines[1] and "for: return." in lines[1]
    assert "'third'" in lines[2] and "for: a, b, return." in lines[2]
    assert "'fine'" not in str(info.value)
    # the message points at the source line of each function
    assert re.search(r"'first' \(<hamilton_nb module [^>]+>:\d+\)", lines[0])


def test_unresolvable_forward_reference() -> None:
    module = make_module(
        """
        def uses_unknown(x: "NotImported") -> int:
            return 1
        """
    )
    with pytest.raises(errors.MissingAnnotationError, match=r"'uses_unknown'.*NotImported.*Import"):
        build(module)


# -- edge types ------------------------------------------------------------------------------


def test_edge_type_mismatches_are_all_listed() -> None:
    module = make_module(
        """
        def number() -> int:
            return 1

        def text(number: str) -> str:
            return str(number)

        def both(number: str, text: int) -> int:
            return 1

        def fine(number: Any) -> int:
            return 1
        """
    )
    with pytest.raises(errors.TypeMismatchError) as info:
        build(module)
    message = str(info.value)
    assert message.startswith("3 edge(s) connect incompatible types")
    assert "'number' produces int but 'text' declares number: str" in message
    assert "'number' produces int but 'both' declares number: str" in message
    assert "'text' produces str but 'both' declares text: int" in message
    assert "'fine'" not in message
    assert "Fix the annotations" in message


def test_external_inputs_with_different_declared_types_are_not_edge_errors() -> None:
    module = make_module(
        """
        def a(x: int) -> int:
            return x

        def b(x: Any) -> int:
            return 1
        """
    )
    assert build(module).execute(["a", "b"], inputs={"x": 3}) == {"a": 3, "b": 1}


# -- cycles ----------------------------------------------------------------------------------


def _rotations(cycle: list[str]) -> set[str]:
    ring = cycle[:-1]
    return {" -> ".join(ring[i:] + ring[:i] + [ring[i]]) for i in range(len(ring))}


@pytest.mark.parametrize(
    "order",
    [("a", "b", "c", "d"), ("d", "c", "b", "a"), ("b", "d", "a", "c")],
)
def test_cycle_is_printed_in_data_flow_direction(order: tuple[str, ...]) -> None:
    functions = {
        "a": "def a(c: int) -> int:\n    return c\n",
        "b": "def b(a: int) -> int:\n    return a\n",
        "c": "def c(b: int) -> int:\n    return b\n",
        "d": "def d(c: int, x: int) -> int:\n    return c\n",  # hangs off the cycle
    }
    module = make_module("\n".join(functions[name] for name in order))
    with pytest.raises(errors.CycleError) as info:
        build(module)
    message = str(info.value)
    printed = re.search(r"cycle: ([\w >-]+)\.", message)
    assert printed is not None, message
    assert printed.group(1) in _rotations(["a", "b", "c", "a"])
    assert "Break it" in message


def test_self_dependency_is_a_cycle() -> None:
    module = make_module("def a(a: int) -> int:\n    return a\n")
    with pytest.raises(errors.CycleError, match=r"cycle: a -> a\."):
        build(module)


# -- duplicates ------------------------------------------------------------------------------


def test_duplicate_node_across_modules_names_both_origins() -> None:
    first = make_module("def shared() -> int:\n    return 1\n", "origin_one")
    second = make_module("\n\ndef shared() -> int:\n    return 2\n", "origin_two")
    with pytest.raises(errors.DuplicateNodeError) as info:
        build(first, second)
    message = str(info.value)
    assert "'shared'" in message
    assert "origin_one" in message and "origin_two" in message
    assert message.index("origin_one") < message.index("origin_two")
    assert "allow_module_overrides()" in message


@pytest.mark.parametrize(("order", "winner"), [((0, 1), 2), ((1, 0), 1)])
def test_allow_module_overrides_makes_the_later_module_win(
    order: tuple[int, int], winner: int
) -> None:
    modules = [
        make_module("def shared() -> int:\n    return 1\n\ndef only_one() -> int:\n    return 1\n"),
        make_module(
            "def shared() -> int:\n    return 2\n\n"
            "def user(shared: int) -> int:\n    return shared\n"
        ),
    ]
    ordered = [modules[i] for i in order]
    dr = driver.Builder().with_modules(*ordered).allow_module_overrides().build()
    for _ in range(3):
        assert dr.execute(["shared", "user", "only_one"]) == {
            "shared": winner,
            "user": winner,
            "only_one": 1,
        }
    (shared,) = [v for v in dr.list_available_variables() if v.name == "shared"]
    assert shared.originating_functions == (ordered[1].shared,)


# -- execution requests ----------------------------------------------------------------------

REQUEST_GRAPH = """
def joined(left: int, right: int) -> int:
    return left + right

def doubled(left: int) -> int:
    return 2 * left

def result(joined: int, doubled: int) -> int:
    return joined + doubled
"""


def test_required_input_missing_names_the_consumers() -> None:
    dr = build(make_module(REQUEST_GRAPH))
    with pytest.raises(errors.MissingInputError) as info:
        dr.execute(["result"], inputs={"right": 1})
    message = str(info.value)
    assert "required input 'left' is not provided" in message
    consumers = re.search(r"'left' is not provided \(needed by ([^)]*)\)", message)
    assert consumers is not None
    assert set(consumers.group(1).split(", ")) == {"'joined'", "'doubled'"}
    assert "'right'" not in message
    assert "inputs={...}" in message


def test_all_missing_inputs_are_listed() -> None:
    dr = build(make_module(REQUEST_GRAPH))
    with pytest.raises(errors.MissingInputError) as info:
        dr.execute(["result"])
    message = str(info.value)
    assert "'left'" in message and "'right'" in message


def test_requesting_an_external_input_without_providing_it() -> None:
    dr = build(make_module(REQUEST_GRAPH))
    with pytest.raises(errors.MissingInputError, match="'left'.*requested as an output"):
        dr.execute(["left"])
    assert dr.execute(["left"], inputs={"left": 3}) == {"left": 3}


def test_unknown_final_var_suggests_close_names() -> None:
    dr = build(make_module(REQUEST_GRAPH))
    with pytest.raises(errors.UnknownNodeError) as info:
        dr.execute(["reslt", "zzz_nothing_like_it"], inputs={"left": 1, "right": 2})
    message = str(info.value)
    assert "unknown output 'reslt' (did you mean 'result'?)" in message
    assert "unknown output 'zzz_nothing_like_it'." in message
    assert "list_available_variables()" in message


def test_input_of_the_wrong_type() -> None:
    dr = build(make_module(REQUEST_GRAPH))
    with pytest.raises(errors.InputTypeError) as info:
        dr.execute(["result"], inputs={"left": "1", "right": 2.5})
    message = str(info.value)
    assert "input 'left' is str ('1') but is declared as int" in message
    assert "input 'right' is float (2.5) but is declared as int" in message
    assert "Pass values of the declared types" in message


def test_override_of_the_wrong_type_is_not_checked() -> None:
    # Overrides replace node values; like Hamilton, their types are not validated.
    dr = build(make_module(REQUEST_GRAPH))
    assert dr.execute(["result"], overrides={"joined": 1.5, "doubled": 1}) == {"result": 2.5}


# -- parallel blocks -------------------------------------------------------------------------


def test_parallelizable_without_collect() -> None:
    module = make_module(
        """
        def items() -> Parallelizable[int]:
            return [1, 2]

        def each(items: int) -> int:
            return items
        """
    )
    dr = build(module, dynamic=True)  # builds and displays, as in Hamilton
    assert dr.display_all_functions() is not None
    with pytest.raises(errors.ParallelizableError) as info:
        dr.execute(['items'])
    message = str(info.value)
    assert "Parallelizable node 'items' has no Collect" in message
    assert "Collect[T]" in message


def test_collect_without_parallelizable() -> None:
    module = make_module(
        """
        def plain() -> int:
            return 1

        def gathered(plain: Collect[int]) -> int:
            return 1
        """
    )
    dr = build(module, dynamic=True)  # builds and displays, as in Hamilton
    assert dr.display_all_functions() is not None
    with pytest.raises(errors.ParallelizableError) as info:
        dr.execute(['gathered'])
    message = str(info.value)
    assert "'gathered' collects 'plain'" in message
    assert "not inside a Parallelizable block" in message
    assert "return Parallelizable[T], or drop Collect" in message


def test_node_mixing_items_of_two_blocks() -> None:
    module = make_module(
        """
        def first() -> Parallelizable[int]:
            return [1, 2]

        def second() -> Parallelizable[int]:
            return [3, 4]

        def from_first(first: int) -> int:
            return first

        def from_second(second: int) -> int:
            return second

        def mixed(from_first: int, from_second: int) -> int:
            return from_first + from_second

        def gathered(mixed: Collect[int]) -> list:
            return list(mixed)
        """
    )
    dr = build(module, dynamic=True)  # builds and displays, as in Hamilton
    assert dr.display_all_functions() is not None
    with pytest.raises(errors.ParallelizableError) as info:
        dr.execute(['gathered'])
    message = str(info.value)
    assert "'mixed' mixes items of two parallel blocks" in message
    assert "'first'" in message and "'second'" in message
    assert "Collect one of them before combining" in message


def test_collect_node_depending_on_a_value_inside_its_block() -> None:
    module = make_module(
        """
        def items() -> Parallelizable[int]:
            return [1, 2]

        def each(items: int) -> int:
            return items

        def gathered(each: Collect[int], items: int) -> int:
            return 1
        """
    )
    dr = build(module, dynamic=True)  # builds and displays, as in Hamilton
    assert dr.display_all_functions() is not None
    with pytest.raises(errors.ParallelizableError, match=r"Collect node 'gathered'.*'items'"):
        dr.execute(['gathered'])


def test_parallelizable_needs_dynamic_execution() -> None:
    module = make_module(
        """
        def items() -> Parallelizable[int]:
            return [1, 2]

        def each(items: int) -> int:
            return items

        def gathered(each: Collect[int]) -> int:
            return sum(each)
        """
    )
    dr = build(module)  # builds and lists, as in Hamilton; running the block is refused
    assert {v.name for v in dr.list_available_variables()} == {"items", "each", "gathered"}
    with pytest.raises(errors.ExecutionError, match=r"'items'.*enable_dynamic_execution"):
        dr.execute(["gathered"])
    with pytest.raises(errors.ExecutionError, match="allow_experimental_mode=True"):
        driver.Builder().enable_dynamic_execution()


# -- exceptions raised by user functions -----------------------------------------------------

FAILING = """
class CustomError(Exception):
    pass

def base(x: int) -> int:
    return x + 1

def fails(base: int) -> int:
    if base > 1:
        raise CustomError(f"bad value {base}")
    return base

def after(fails: int) -> int:
    return fails

def items(n: int) -> Parallelizable[int]:
    return list(range(n))

def per_item(items: int, base: int) -> int:
    if items == 2:
        raise CustomError(f"bad item {items}")
    return items + base

def gathered(per_item: Collect[int]) -> list:
    return list(per_item)
"""


def _frames(exc: BaseException) -> list[str]:
    return [frame.name for frame in traceback.extract_tb(exc.__traceback__)]


@pytest.mark.parametrize(
    "executor", [None, executors.MultiThreadingExecutor(2)], ids=["sync", "threads"]
)
def test_user_exception_propagates_unchanged_with_a_note(executor: Any) -> None:
    module = make_module(FAILING)
    builder = (
        driver.Builder().with_modules(module).enable_dynamic_execution(allow_experimental_mode=True)
    )
    if executor is not None:
        builder = builder.with_remote_executor(executor)
    dr = builder.build()
    for run in range(4):  # the first run is interpreted, later runs use compiled code
        with pytest.raises(module.CustomError, match="bad value 2") as info:
            dr.execute(["after"], inputs={"x": 1})
        exc = info.value
        assert type(exc) is module.CustomError, run
        assert _frames(exc)[-1] == "fails", run
        assert traceback.extract_tb(exc.__traceback__)[-1].line == (
            'raise CustomError(f"bad value {base}")'
        )
        notes = getattr(exc, "__notes__", [])
        assert len(notes) == 1, notes
        assert "'fails'" in notes[0] and "base: int" in notes[0]

        with pytest.raises(module.CustomError, match="bad item 2") as info:
            dr.execute(["gathered"], inputs={"x": 0, "n": 4})
        exc = info.value
        assert _frames(exc)[-1] == "per_item", run
        notes = getattr(exc, "__notes__", [])
        assert len(notes) == 1, notes
        assert "'per_item'" in notes[0]
        # the driver stays usable
        assert dr.execute(["after"], inputs={"x": 0}) == {"after": 1}
        assert dr.execute(["gathered"], inputs={"x": 0, "n": 2}) == {"gathered": [1, 2]}


BLOCK_FAILURES = """
def lazy(n: int) -> Parallelizable[int]:
    for i in range(n):
        if i == 2:
            raise ValueError("generator broke")
        yield i

def eager(n: int) -> Parallelizable[int]:
    raise KeyError("eager broke")

def from_lazy(lazy: int) -> int:
    return lazy

def from_eager(eager: int) -> int:
    return eager

def lazy_gathered(from_lazy: Collect[int]) -> int:
    return sum(from_lazy)

def eager_gathered(from_eager: Collect[int]) -> int:
    return sum(from_eager)

def failing_collect(from_lazy: Collect[int]) -> int:
    raise RuntimeError("collect broke")
"""


@pytest.mark.parametrize(
    ("output", "n", "error", "node"),
    [
        ("lazy_gathered", 4, ValueError, "lazy"),  # the generator fails while being consumed
        ("eager_gathered", 1, KeyError, "eager"),
        ("failing_collect", 1, RuntimeError, "failing_collect"),
    ],
)
def test_errors_in_parallelizable_and_collect_nodes_name_the_node(
    output: str, n: int, error: type[Exception], node: str
) -> None:
    dr = build(make_module(BLOCK_FAILURES), dynamic=True)
    for _ in range(3):
        with pytest.raises(error) as info:
            dr.execute([output], inputs={"n": n})
        notes = getattr(info.value, "__notes__", [])
        assert len(notes) == 1 and f"node {node!r}" in notes[0], notes
        assert dr.last_run is not None and dr.last_run.failed_node == node
        assert dr.last_run.statuses[node] == "failed"


def _process_driver(module: ModuleType) -> driver.Driver:
    return (
        driver.Builder()
        .with_modules(module)
        .enable_dynamic_execution(allow_experimental_mode=True)
        .with_remote_executor(executors.MultiProcessingExecutor(2))
        .build()
    )


def test_user_exception_from_a_worker_process_keeps_type_and_note() -> None:
    module = make_module(
        """
        def items(n: int) -> Parallelizable[int]:
            return list(range(n))

        def per_item(items: int) -> int:
            if items == 2:
                raise LookupError(f"bad item {items}")
            return items

        def gathered(per_item: Collect[int]) -> list:
            return list(per_item)
        """
    )
    dr = _process_driver(module)
    for _ in range(2):
        with pytest.raises(LookupError, match="bad item 2") as info:
            dr.execute(["gathered"], inputs={"n": 4})
        assert type(info.value) is LookupError
        notes = getattr(info.value, "__notes__", [])
        assert any("'per_item'" in note for note in notes), notes
        assert dr.last_run is not None and dr.last_run.failed_node == "per_item"


def test_unpicklable_user_exception_from_a_worker_process_is_still_reported() -> None:
    module = make_module(FAILING)
    dr = _process_driver(module)
    with pytest.raises(Exception) as info:  # noqa: B017 - either type is acceptable
        dr.execute(["gathered"], inputs={"x": 0, "n": 4})
    text = str(info.value) + " ".join(getattr(info.value, "__notes__", []))
    assert "bad item 2" in text
    assert "per_item" in text


def test_keyboard_interrupt_and_system_exit_are_not_swallowed() -> None:
    module = make_module(
        """
        def stops(x: int) -> int:
            raise SystemExit(3)
        """
    )
    dr = build(module)
    for _ in range(3):
        with pytest.raises(SystemExit):
            dr.execute(["stops"], inputs={"x": 1})
