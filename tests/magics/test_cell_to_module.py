"""``%%cell_to_module`` through a real IPython shell: real modules, results, options."""

from __future__ import annotations

import inspect
import io
import linecache
import pdb
import sys
import traceback

import pytest
from IPython.core.error import UsageError
from IPython.utils.capture import capture_output
from magic_helpers import plain, run

from hamilton_nb import errors
from hamilton_nb.magics.cell_module import VERSION_ATTR, is_cell_module

CELL = """\
%%cell_to_module {name} -x
import math

RATE = 3

def _scale(value: int) -> int:
    return value * RATE

def base() -> int:
    return 2

def scaled(base: int) -> int:
    return _scale(base)

def rooted(scaled: int) -> float:
    return math.sqrt(scaled)
"""


def test_cell_becomes_a_real_importable_module(ip) -> None:
    run(ip, CELL.format(name="joke"))
    module = sys.modules["joke"]
    assert ip.user_ns["joke"] is module
    assert is_cell_module(module) and module.__name__ == "joke"
    # the cell's functions, imports and constants, in the module and in the notebook
    assert module.scaled(2) == 6 and module.RATE == 3 and module.math is ip.user_ns["math"]
    for name in ("_scale", "math", "RATE"):
        assert ip.user_ns[name] is getattr(module, name)
    # results are pushed under their node names (shadowing the functions, as in Hamilton)
    assert (ip.user_ns["base"], ip.user_ns["scaled"]) == (2, 6)
    assert ip.user_ns["rooted"] == pytest.approx(6**0.5)
    # functions use the module's own namespace as their globals, like an imported module
    assert module.scaled.__globals__ is vars(module)
    module.RATE = 10
    assert module.scaled(2) == 20
    run(ip, "import joke as again\nassert again is joke")
    # source through linecache: inspect, and the whole cell for the module
    assert (
        inspect.getsource(module.scaled)
        == "def scaled(base: int) -> int:\n    return _scale(base)\n"
    )
    assert "RATE = 3" in inspect.getsource(module)
    assert module.__file__ in linecache.cache


def test_default_outputs_are_every_function_node_in_topological_order(ip, state) -> None:
    run(ip, CELL.format(name="order"))
    record = state.cells["order"].record
    assert record.final_vars == ["base", "scaled", "rooted"]
    assert state.cells["order"].outputs == ["base", "scaled", "rooted"]


def test_rerunning_200_times_keeps_one_module_object(ip) -> None:
    run(ip, "%%cell_to_module counter\ndef value() -> int:\n    return 0\n")
    module = sys.modules["counter"]
    cell_modules = sum(1 for m in sys.modules.values() if is_cell_module(m))
    versions = set()
    for i in range(1, 201):
        run(ip, f"%%cell_to_module counter\ndef value() -> int:\n    return {i}\n")
        versions.add(getattr(module, VERSION_ATTR))
    assert sys.modules["counter"] is module and ip.user_ns["counter"] is module
    assert sum(1 for m in sys.modules.values() if is_cell_module(m)) == cell_modules
    assert module.value() == 200 and len(versions) == 200
    assert inspect.getsource(module.value).endswith("return 200\n")


def test_traceback_shows_the_cell_lines_with_their_numbers(ip, capsys) -> None:
    source = (
        "%%cell_to_module broken -x\n"
        "def a() -> int:\n"
        "    return 1\n"
        "\n"
        "def b(a: int) -> float:\n"
        "    ratio = a / (a - 1)\n"
        "    return ratio\n"
    )
    error = run(ip, source, ZeroDivisionError)
    frames = traceback.extract_tb(error.__traceback__)
    last = frames[-1]
    assert last.name == "b" and last.lineno == 5  # line 5 of the cell body (magic line excluded)
    assert last.line == "ratio = a / (a - 1)"
    assert last.filename.startswith("<cell_to_module broken #")
    # the engine's frames are cut; the magic's own are hidden from the display
    assert not any("hamilton_nb/execution" in f.filename for f in frames)
    shown = plain(capsys.readouterr().out)
    assert "hamilton_nb/" not in shown
    assert "----> 5     ratio = a / (a - 1)" in shown
    assert "raised by node 'b'" in shown
    assert "Nodes that succeeded before the failure: a" in shown


def test_pdb_steps_into_a_cell_function(ip) -> None:
    run(ip, "%%cell_to_module stepped\ndef double(x: int) -> int:\n    y = x * 2\n    return y\n")
    out = io.StringIO()
    debugger = pdb.Pdb(stdin=io.StringIO("list\nnext\np y\ncontinue\n"), stdout=out)
    debugger.use_rawinput = False
    assert debugger.runcall(sys.modules["stepped"].double, 21) == 42
    text = out.getvalue()
    assert "y = x * 2" in text and "return y" in text  # `list` read the cell's lines
    assert "42" in text  # `p y` after stepping over line 2


def test_user_built_driver_sees_new_functions_after_a_rerun(ip) -> None:
    run(
        ip,
        "%%cell_to_module flow\n"
        "def a() -> int:\n    return 1\ndef b(a: int) -> int:\n    return a + 1\n",
    )
    run(ip, "from hamilton_nb import driver\ndr = driver.Builder().with_modules(flow).build()")
    assert ip.user_ns["dr"].execute(["b"]) == {"b": 2}
    run(
        ip,
        (
            "%%cell_to_module flow\ndef a() -> int:\n    return 10\n"
            "def b(a: int) -> int:\n    return a + 1\ndef c(b: int) -> int:\n    return b * 2\n"
        ),
    )
    dr = ip.user_ns["dr"]
    assert dr.execute(["b", "c"]) == {"b": 11, "c": 22}
    assert [n.name for n in dr.list_available_variables()] == ["a", "b", "c"]
    # a failed re-run leaves the driver on the last good version
    run(
        ip,
        "%%cell_to_module flow\n"
        "def a() -> int:\n    return 'x'\ndef b(a: int) -> int:\n    return a\n"
        "def c(a: str) -> str:\n    return a\n",
        errors.TypeMismatchError,
    )
    assert dr.execute(["c"]) == {"c": 22}


def test_results_with_dots_become_double_underscores(ip) -> None:
    run(
        ip,
        (
            "%%cell_to_module nested -x\n"
            "from hamilton_nb.function_modifiers import source, subdag\n"
            "def _inc(x: int) -> int:\n    return x + 1\n"
            "def base() -> int:\n    return 1\n"
            '@subdag(_inc, inputs={"x": source("base")}, namespace="ns")\n'
            "def total(_inc: int) -> int:\n    return _inc * 10\n"
        ),
    )
    assert ip.user_ns["ns___inc"] == 2 and ip.user_ns["ns__x"] == 1 and ip.user_ns["total"] == 20


def test_show_results_displays_in_topological_order_with_dataframes_as_tables(ip) -> None:
    source = (
        "%%cell_to_module shown -x wanted --show_results\n"
        "import pandas as pd\n"
        "def frame() -> pd.DataFrame:\n    return pd.DataFrame({'v': [1, 2]})\n"
        "def total(frame: pd.DataFrame) -> int:\n    return int(frame['v'].sum())\n"
    )
    ip.user_ns["wanted"] = ["total", "frame"]
    formatter = ip.display_formatter
    active = formatter.active_types
    formatter.active_types = list(formatter.format_types)  # as in a notebook: HTML too
    try:
        with capture_output() as captured:
            run(ip, source)
    finally:
        formatter.active_types = active
    shown = [o.data for o in captured.outputs]
    headings = [d["text/plain"] for d in shown if d.get("text/plain", "").endswith(":")]
    assert headings == ["frame:", "total:"]  # topological, not the order asked
    assert any("<table" in d.get("text/html", "") for d in shown)  # the DataFrame
    assert any(d.get("text/plain") == "3" for d in shown)


def test_display_renders_the_dag_as_svg(ip) -> None:
    with capture_output() as captured:
        run(
            ip,
            "%%cell_to_module drawn -d\n"
            "def a() -> int:\n    return 1\ndef b(a: int) -> int:\n    return a\n",
        )
    bundles = [o.data for o in captured.outputs]
    assert any("<svg" in d.get("image/svg+xml", "") for d in bundles), bundles
    ip.user_ns["viz"] = {"orient": "TB"}
    with capture_output() as captured:
        run(ip, "%%cell_to_module drawn -d viz -x\ndef a() -> int:\n    return 1\n")
    assert any("image/svg+xml" in o.data for o in captured.outputs)


def test_display_cache_and_deprecated_flags_print_one_line_notes(ip) -> None:
    with capture_output() as captured:
        run(
            ip,
            "%%cell_to_module noted -x --display_cache --hide_results -r -v\n"
            "def a() -> int:\n    return 1\n",
        )
    lines = captured.stdout.strip().splitlines()
    assert "--hide_results is deprecated and ignored" in lines[0]
    assert "-r/--rebuild-drivers is deprecated" in lines[1]
    assert "-v/--verbose is deprecated" in lines[2]
    assert lines[3] == "--display_cache: this driver has no cache, so there is nothing to show."
    assert ip.user_ns["a"] == 1


def test_fresh_recomputes_everything_and_reruns_reuse(ip, state) -> None:
    run(ip, CELL.format(name="again"))
    assert set(state.cells["again"].record.statuses.values()) == {"computed"}
    run(ip, CELL.format(name="again"))
    assert set(state.cells["again"].record.statuses.values()) == {"reused"}
    run(ip, CELL.format(name="again").replace("-x", "-x --fresh"))
    assert set(state.cells["again"].record.statuses.values()) == {"computed"}
    edited = CELL.format(name="again").replace("return math.sqrt(scaled)", "return scaled / 2")
    run(ip, edited)
    statuses = state.cells["again"].record.statuses
    assert statuses == {"base": "reused", "scaled": "reused", "rooted": "computed"}
    assert ip.user_ns["rooted"] == 3.0


def test_inputs_overrides_and_outputs_from_variables(ip, state) -> None:
    ip.user_ns.update(my_inputs={"x": 4}, my_overrides={"doubled": 100}, outs=["plus_one"])
    run(
        ip,
        (
            "%%cell_to_module io_cell -i my_inputs -o my_overrides -x outs\n"
            "def doubled(x: int) -> int:\n    return x * 2\n"
            "def plus_one(doubled: int) -> int:\n    return doubled + 1\n"
        ),
    )
    assert ip.user_ns["plus_one"] == 101
    assert state.cells["io_cell"].record.statuses["doubled"] == "overridden"
    del ip.user_ns["my_overrides"]
    ip.user_ns["outs"] = "plus_one"  # a single name is fine too
    run(
        ip,
        (
            "%%cell_to_module io_cell -i my_inputs -x outs\n"
            "def doubled(x: int) -> int:\n    return x * 2\n"
            "def plus_one(doubled: int) -> int:\n    return doubled + 1\n"
        ),
    )
    assert ip.user_ns["plus_one"] == 9


@pytest.mark.parametrize(
    ("line", "config"),
    [
        ("-c region=EU year=2024", {"region": "EU", "year": "2024"}),
        ("""-c '{"region": "EU", "year": 2024}'""", {"region": "EU", "year": 2024}),
        ("-c cfg", {"region": "US"}),
    ],
)
def test_config_forms(ip, state, line, config) -> None:
    ip.user_ns["cfg"] = {"region": "US"}
    run(
        ip,
        (
            f"%%cell_to_module configured {line} -x\n"
            "from hamilton_nb.function_modifiers import config\n"
            "@config.when(region='EU')\ndef tax__eu() -> float:\n    return 0.2\n"
            "@config.when(region='US')\ndef tax__us() -> float:\n    return 0.07\n"
        ),
    )
    assert state.cells["configured"].driver.config == config
    assert ip.user_ns["tax"] == (0.2 if config["region"] == "EU" else 0.07)


def test_config_values_before_the_name_give_the_name_back(ip) -> None:
    run(
        ip,
        "%%cell_to_module -c region=EU late_name -x\n"
        "def r(region: str) -> str:\n    return region\n",
    )
    assert ip.user_ns["r"] == "EU" and "late_name" in sys.modules


def test_builder_is_copied_and_its_settings_used(ip, state) -> None:
    run(
        ip,
        (
            "from hamilton_nb import driver\n"
            "from hamilton_nb.lifecycle import default\n"
            "b = driver.Builder().with_config({'region': 'EU'})\n"
        ),
    )
    builder = ip.user_ns["b"]
    run(ip, "%%cell_to_module built -b b -x\ndef r(region: str) -> str:\n    return region * 2\n")
    assert ip.user_ns["r"] == "EUEU"
    assert builder.modules == [] and builder.config == {"region": "EU"}  # untouched
    assert state.cells["built"].driver.config == {"region": "EU"}
    error = run(
        ip,
        "%%cell_to_module built2 -b b -c region=US -x\n"
        "def r(region: str) -> str:\n    return region\n",
        UsageError,
    )
    assert "the builder already has a config" in str(error)
    assert "built2" not in sys.modules


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("missing_var -x nope", "-x nope: no variable named 'nope' in the notebook"),
        ("missing_var -i nothing_here", "-i nothing_here: no variable named 'nothing_here'"),
        ("missing_var -o gone", "-o gone: no variable named 'gone'"),
        ("missing_var -b no_builder", "-b no_builder: no variable named 'no_builder'"),
        ("missing_var -d no_viz", "-d no_viz: no variable named 'no_viz'"),
        ("missing_var -c no_config", "-c no_config: no variable named 'no_config'"),
        (
            "missing_var -i not_a_dict",
            "-i not_a_dict: 'not_a_dict' must be a dict of input values, got list",
        ),
        (
            "missing_var -b not_a_dict",
            "'not_a_dict' must be a hamilton_nb.driver.Builder, got list",
        ),
        ("-x", "no module name: write it first"),
        ("-x missing_var", "no module name (-x took 'missing_var' as its value)"),
        ("one -m two", "two module names: 'one' and -m 'two'"),
        ("missing_var -c a=1 b", "-c: 'b' is not key=value"),
        ("missing_var -c '{\"a\": 1'", "-c: '{\"a\": 1' is not valid JSON"),
        ("missing_var --nonsense", "unrecognized arguments: --nonsense"),
        ("1abc", "module name '1abc' is not a Python identifier"),
        ("os", "module name 'os' is already taken by an imported module"),
        ("json", "module name 'json' is already taken"),
        ("tabnanny", "'tabnanny' is taken by an importable module (installed at"),
    ],
)
def test_usage_errors_are_one_line_and_nothing_runs(ip, capsys, line, message) -> None:
    ip.user_ns["not_a_dict"] = [1]
    source = (
        f"%%cell_to_module {line}\n"
        "import builtins\nbuiltins.ran_cell = True\ndef f() -> int:\n    return 1\n"
    )
    error = run(ip, source, UsageError)
    assert message in str(error) and "\n" not in str(error)
    assert "missing_var" not in sys.modules and "f" not in ip.user_ns
    import builtins

    assert not hasattr(builtins, "ran_cell")


def test_help_lists_every_option(ip, capsys) -> None:
    run(ip, "%%cell_to_module?")
    text = plain(capsys.readouterr().out)
    for option in (
        "--display",
        "--execute",
        "--builder",
        "--config",
        "--inputs",
        "--overrides",
        "--show_results",
        "--write_to_file",
        "--display_cache",
        "--fresh",
        "--force",
        "--explore",
        "--module_name",
    ):
        assert option in text
    assert "Compile the cell into the module NAME" in text


def test_unload_removes_the_magics(ip) -> None:
    run(ip, "%unload_ext hamilton_nb")
    assert ip.find_cell_magic("cell_to_module") is None
    run(ip, "%load_ext hamilton_nb")
    assert ip.find_cell_magic("cell_to_module") is not None


def test_explore_shows_the_explorer_widget_with_the_results(ip, monkeypatch) -> None:
    from hamilton_nb.extension import explorer

    calls = []
    real = explorer.explore
    monkeypatch.setattr(explorer, "explore", lambda dr, **kw: calls.append(kw) or real(dr, **kw))
    formatter = ip.display_formatter
    active = formatter.active_types
    formatter.active_types = list(formatter.format_types)  # as in a notebook
    try:
        with capture_output() as captured:
            run(ip, "%%cell_to_module explored -x --explore\ndef a() -> int:\n    return 41\n")
    finally:
        formatter.active_types = active
    widget_views = [
        o for o in captured.outputs if "application/vnd.jupyter.widget-view+json" in o.data
    ]
    assert len(widget_views) == 1
    assert calls == [{"inputs": {}, "overrides": {}, "results": {"a": 41}}]


def test_question_mark_prefix_shows_help(ip, capsys) -> None:
    run(ip, "?%%cell_to_module")
    assert "--write_to_file" in plain(capsys.readouterr().out)


def test_default_outputs_leave_out_per_item_nodes(ip, state) -> None:
    run(
        ip,
        "from hamilton_nb import driver\n"
        "dynamic = driver.Builder().enable_dynamic_execution(allow_experimental_mode=True)",
    )
    run(
        ip,
        "%%cell_to_module fan -b dynamic -x\n"
        "from hamilton_nb.htypes import Collect, Parallelizable\n"
        "def items() -> Parallelizable[int]:\n    yield from range(4)\n"
        "def square(items: int) -> int:\n    return items * items\n"
        "def total(square: Collect[int]) -> int:\n    return sum(square)\n",
    )
    assert ip.user_ns["total"] == 14 and state.cells["fan"].outputs == ["items", "total"]


def test_bad_visualization_kwargs_fall_back_to_the_plain_dag(ip) -> None:
    ip.user_ns["viz"] = {"orient": "sideways"}
    with capture_output() as captured:
        run(ip, "%%cell_to_module skewed -d viz\ndef a() -> int:\n    return 1\n")
    assert "-d: the visualization kwargs do not fit (orient='sideways'" in captured.stdout
    assert any("image/svg+xml" in o.data for o in captured.outputs)


def test_unchanged_functions_show_the_new_version_of_the_cell(ip) -> None:
    cell = (
        "%%cell_to_module versions -x\n"
        "def a() -> int:\n    return {value}\n\n"
        "def b(a: int) -> float:\n    return 1 / (a - 2)\n"
    )
    run(ip, cell.format(value=1))
    error = run(ip, cell.format(value=2), ZeroDivisionError)  # only a() was edited
    frame = traceback.extract_tb(error.__traceback__)[-1]
    assert (frame.name, frame.lineno, frame.line) == ("b", 5, "return 1 / (a - 2)")
    assert linecache.getline(frame.filename, 2) == "    return 2\n"  # the edited version's file
    run(ip, cell.format(value=3).replace("def a", "\n\ndef a"))  # b moves down two lines
    assert inspect.getsource(sys.modules["versions"].b).startswith("def b(a: int) -> float:")
    assert sys.modules["versions"].b.__code__.co_firstlineno == 6
