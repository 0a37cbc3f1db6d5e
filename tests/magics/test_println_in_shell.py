"""``PrintLn`` prints each node's execution into the output of the cell that runs it
(a real IPython shell: plain driver cells, thread executors and ``%%cell_to_module -x``)."""

from __future__ import annotations

from IPython.utils.capture import capture_output

SETUP = """
from hamilton_nb import ad_hoc_utils, driver
from hamilton_nb.execution import executors
from hamilton_nb.lifecycle import default

def a(x: int) -> int:
    return x + 1

def b(a: int) -> int:
    return a * 2

flow = ad_hoc_utils.create_temporary_module(a, b)
"""


def cell_stdout(ip, source: str) -> str:
    """What running ``source`` as a cell printed to stdout (the cell's output)."""
    with capture_output() as captured:
        result = ip.run_cell(source)
    result.raise_error()
    return captured.stdout


def test_println_prints_every_node_in_the_cell_that_executes(ip) -> None:
    assert cell_stdout(ip, SETUP) == ""
    assert (
        cell_stdout(
            ip, "dr = driver.Builder().with_modules(flow).with_adapters(default.PrintLn()).build()"
        )
        == ""
    )
    out = cell_stdout(ip, 'dr.execute(["b"], inputs={"x": 1})')
    lines = [line for line in out.splitlines() if not line.startswith("Out[")]
    assert [line.split(" in ")[0] for line in lines] == [
        "Executing node 'a'.",
        "Finished node 'a'",
        "Executing node 'b'.",
        "Finished node 'b'",
    ]
    assert all(line.endswith(": success.") for line in lines[1::2])
    again = cell_stdout(ip, 'dr.execute(["b"], inputs={"x": 2})')
    assert again.count("Executing node") == 2  # every run prints, not only the first


def test_println_verbosity_2_and_thread_executor_print_into_the_cell(ip) -> None:
    cell_stdout(ip, SETUP)
    out = cell_stdout(
        ip,
        "dr = (driver.Builder().enable_dynamic_execution(allow_experimental_mode=True)"
        ".with_modules(flow).with_adapters(default.PrintLn(verbosity=2))"
        ".with_remote_executor(executors.MultiThreadingExecutor(max_tasks=2)).build())\n"
        'dr.execute(["b"], inputs={"x": 1})',
    )
    assert "Executing node 'a'. Inputs:\n{'x': 1}\n" in out
    assert "Result:\n4\n" in out


def test_println_in_a_builder_prints_during_cell_to_module_execute(ip) -> None:
    cell_stdout(ip, SETUP)
    cell_stdout(ip, "builder = driver.Builder().with_adapters(default.PrintLn())")
    out = cell_stdout(
        ip,
        "%%cell_to_module printed_flow -x -b builder\ndef c() -> int:\n    return 3\n",
    )
    assert "Executing node 'c'." in out and "Finished node 'c' in " in out
