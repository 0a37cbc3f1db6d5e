"""-w, %%incr_cell_to_module, %print_module, %reset_module, %%set_dict, %module_to_cell,
%hamilton_status, autoreload of helper modules and the progress bar, through a real shell."""

from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path

from IPython.core.error import UsageError
from IPython.utils.capture import capture_output
from magic_helpers import plain, run

from hamilton_nb import errors
from hamilton_nb.magics.cell_module import VERSION_ATTR
from hamilton_nb.magics.status import build_report

BODY = "def a() -> int:\n    return 1\n"


def _shown(captured) -> str:
    return plain(captured.stdout + "".join(o.data.get("text/plain", "") for o in captured.outputs))


# -- -w ---------------------------------------------------------------------------------------


def test_write_to_file_is_atomic_and_refuses_outside_changes(ip, workdir) -> None:
    with capture_output() as captured:
        run(ip, "%%cell_to_module saved -w\n" + BODY)
    target = workdir / "saved.py"
    assert target.read_text() == BODY and "wrote 'saved.py'" in captured.stdout
    run(ip, "%%cell_to_module saved -w\n" + BODY.replace("1", "2"))  # ours: overwritten
    assert target.read_text() == BODY.replace("1", "2")
    target.write_text("# edited in another tab\n" + target.read_text())
    error = run(ip, "%%cell_to_module saved -w\n" + BODY.replace("1", "3"), UsageError)
    assert "not writing 'saved.py': the file was changed outside the notebook" in str(error)
    assert "--force" in str(error)
    assert target.read_text().startswith("# edited in another tab")
    assert sys.modules["saved"].a() == 2  # refused before anything ran
    run(ip, "%%cell_to_module saved -w --force\n" + BODY.replace("1", "3"))
    assert target.read_text() == BODY.replace("1", "3")
    assert sorted(p.name for p in workdir.iterdir()) == ["saved.py"]  # no temporary files left


def test_write_refuses_a_file_it_never_wrote_and_writes_after_success_only(ip, workdir) -> None:
    (workdir / "mine.py").write_text("precious = True\n")
    error = run(ip, "%%cell_to_module other -w mine.py\n" + BODY, UsageError)
    assert "already exists and was not written by this notebook" in str(error)
    assert (workdir / "mine.py").read_text() == "precious = True\n"
    run(
        ip,
        "%%cell_to_module broken -w 'sub dir.py'\n"
        "def a() -> str:\n    return 'x'\ndef b(a: int) -> int:\n    return a\n",
        errors.TypeMismatchError,
    )
    assert not (workdir / "sub dir.py").exists()  # a failing cell writes nothing
    run(ip, "%%cell_to_module fine -w 'sub dir.py'\n" + BODY)
    assert (workdir / "sub dir.py").read_text() == BODY


def test_module_to_cell_fills_the_next_cell_and_allows_writing_back(ip, workdir) -> None:
    (workdir / "my-funcs.py").write_text(BODY)
    run(ip, "%module_to_cell my-funcs.py")
    assert ip.rl_next_input == "%%cell_to_module my_funcs\n" + BODY
    run(ip, "%insert_module my-funcs")
    assert ip.rl_next_input == "%%cell_to_module my_funcs\n" + BODY
    run(ip, "%%cell_to_module my_funcs -w my-funcs.py\n" + BODY.replace("1", "5"))
    assert (workdir / "my-funcs.py").read_text() == BODY.replace("1", "5")
    error = run(ip, "%module_to_cell nowhere.py", UsageError)
    assert "no file 'nowhere.py'" in str(error)


def test_a_project_module_of_the_same_name_is_shadowed_not_changed(ip, workdir) -> None:
    (workdir / "shadowed.py").write_text("def a() -> int:\n    return 7\n")
    run(ip, "import shadowed\noriginal = shadowed")
    run(ip, "%%cell_to_module shadowed -x\n" + BODY)
    original = ip.user_ns["original"]
    assert sys.modules["shadowed"] is not original and original.a() == 7
    assert sys.modules["shadowed"].a() == 1


# -- %%incr_cell_to_module, %print_module, %reset_module ---------------------------------------


def test_incremental_cells_build_one_module_in_identifier_order(ip, state) -> None:
    run(
        ip, "%%incr_cell_to_module parts 2 -x\ndef b(a: int) -> int:\n    return a + 1\n", Exception
    )
    assert "parts" not in sys.modules  # part 2 alone misses input a: nothing kept
    assert "parts" not in state.incremental_parts
    run(ip, "%%incr_cell_to_module parts 1\ndef a() -> int:\n    return 1\n")
    run(ip, "%%incr_cell_to_module parts 2 -x\ndef b(a: int) -> int:\n    return a + 1\n")
    assert ip.user_ns["b"] == 2
    run(
        ip,
        "%%incr_cell_to_module parts 3 -x\ndef c(b: int) -> int:\n    return b / 0\n",
        ZeroDivisionError,
    )
    assert sorted(state.incremental_parts["parts"]) == [1, 2]  # the failing part is not kept
    error = run(
        ip,
        "%%incr_cell_to_module parts 1 -x\ndef a() -> int:\n    x = 1\n    return x // 0\n",
        ZeroDivisionError,
    )
    last = traceback.extract_tb(error.__traceback__)[-1]
    assert last.lineno == 3 and last.filename.startswith("<incr_cell_to_module parts:1 #")
    with capture_output() as captured:
        run(ip, "%print_module parts")
    assert (
        _shown(captured) == "def a() -> int:\n    return 1\ndef b(a: int) -> int:\n    return a + 1"
    )
    module = sys.modules["parts"]
    run(ip, "%reset_module parts")
    assert "parts" not in sys.modules and "parts" not in state.cells
    assert "parts" not in state.incremental_parts
    run(ip, "%%incr_cell_to_module parts 5 -x\ndef z() -> int:\n    return 26\n")
    assert sys.modules["parts"] is not module and ip.user_ns["z"] == 26
    assert not hasattr(sys.modules["parts"], "a")


def test_print_and_reset_name_unknown_modules(ip) -> None:
    run(ip, "%%cell_to_module known\n" + BODY)
    error = run(ip, "%print_module knwon", UsageError)
    assert "no cell module named 'knwon' (did you mean 'known'?)" in str(error)
    assert "no cell module named 'nothing'" in str(run(ip, "%reset_module nothing", UsageError))


# -- %%set_dict ------------------------------------------------------------------------------


def test_set_dict_collects_the_assigned_variables(ip) -> None:
    run(
        ip,
        (
            "%%set_dict my_inputs\n"
            "region = 'EU'\n"
            "year: int = 2024\n"
            "low, high = 1, 9\n"
            "def helper() -> int:\n    inner = 3\n    return inner\n"
            "for i in range(2):\n    pass\n"
        ),
    )
    assert ip.user_ns["my_inputs"] == {"region": "EU", "year": 2024, "low": 1, "high": 9}
    assert ip.user_ns["region"] == "EU"  # the cell ran in the notebook
    error = run(ip, "%%set_dict bad\nx = 1\ny = 1 / 0\n", ZeroDivisionError)
    assert traceback.extract_tb(error.__traceback__)[-1].lineno == 2
    assert "bad" not in ip.user_ns


# -- %hamilton_status --------------------------------------------------------------------------


def test_status_lists_nodes_current_results_and_memory(ip, state) -> None:
    cell = (
        "%%cell_to_module stats_cell -x\n"
        "def base() -> int:\n    return 1\n"
        "def twice(base: int) -> int:\n    return base * 2\n"
        "def extra(twice: int, offset: int = 0) -> int:\n    return twice + offset\n"
    )
    run(ip, cell)
    run(ip, cell.replace("base * 2", "base * 3"))
    with capture_output() as captured:
        run(ip, "%hamilton_status")
    text = _shown(captured)
    assert (
        "stats_cell: 2 run(s); 3 function node(s), 1 input(s); last run: 2 computed, 1 reused"
        in text
    )
    rows = {
        line.split()[0]: line.split() for line in text.splitlines()[2:] if line.startswith("  ")
    }
    assert rows["base"][2:5] == ["reused", "current", "base"]
    assert rows["twice"][2:5] == ["computed", "current", "twice"]
    assert rows["offset"][1:] == ["int"]
    assert "held for re-runs:" in text and "B of at most 1.0 GiB" in text
    run(ip, cell.replace("-x", ""))  # a new version, not executed: the results are stale
    with capture_output() as captured:
        run(ip, "%hamilton_status stats_cell")
    text = _shown(captured)
    assert "last run (older version)" in text
    assert " stale " in text and " current " not in text
    html = build_report(state)._repr_html_()
    assert "<table>" in html and "<td>twice</td>" in html


def test_status_without_modules_and_unknown_name(ip) -> None:
    with capture_output() as captured:
        run(ip, "%hamilton_status")
    assert "no cell modules yet" in _shown(captured)
    assert "no cell module named 'ghost'" in str(run(ip, "%hamilton_status ghost", UsageError))


# -- autoreload --------------------------------------------------------------------------------


def _write_helper(path: Path, factor: int) -> None:
    path.write_text(f"def scale(x: int) -> int:\n    return x * {factor}\n")
    stamp = time.time() + factor  # a distinct mtime even within one second
    os.utime(path, (stamp, stamp))


def test_changed_helper_module_is_reloaded_and_its_users_recomputed(ip, state, workdir) -> None:
    _write_helper(workdir / "helper_mod.py", 2)
    cell = (
        "%%cell_to_module uses_helper -x\n"
        "import helper_mod\n"
        "def base() -> int:\n    return 5\n"
        "def scaled(base: int) -> int:\n    return helper_mod.scale(base)\n"
        "def label() -> str:\n    return 'fixed'\n"
    )
    run(ip, cell)
    assert ip.user_ns["scaled"] == 10
    run(ip, cell)
    assert set(state.cells["uses_helper"].record.statuses.values()) == {"reused"}
    _write_helper(workdir / "helper_mod.py", 3)
    with capture_output() as captured:
        run(ip, cell)
    assert "reloaded changed helper module(s): helper_mod" in captured.stdout
    assert ip.user_ns["scaled"] == 15
    statuses = state.cells["uses_helper"].record.statuses
    assert statuses == {"base": "reused", "scaled": "computed", "label": "reused"}
    (workdir / "helper_mod.py").write_text("def scale(x: int) -> int:\n    return x *\n")
    error = run(ip, cell, errors.ModuleReloadError)
    assert "helper_mod" in str(error) and "line 2" in str(error)
    assert (
        ip.user_ns["scaled"] == 15 and state.cells["uses_helper"].failure.stage == "helper reload"
    )


# -- progress ----------------------------------------------------------------------------------


def test_slow_runs_show_a_progress_bar_that_goes_away(ip, capsys) -> None:
    from hamilton_nb.extension import magics_of

    magics_of(ip).progress_delay = 0.05
    run(
        ip,
        (
            "%%cell_to_module slow -x\nimport time\n"
            "def first() -> int:\n    time.sleep(0.15)\n    return 1\n"
            "def second(first: int) -> int:\n    time.sleep(0.15)\n    return first\n"
        ),
    )
    err = capsys.readouterr().err
    assert "slow" in err and "first" in err and "second" in err and "/2" in err
    run(ip, "%%cell_to_module quick -x\ndef first() -> int:\n    return 1\n")
    assert capsys.readouterr().err == ""
    assert VERSION_ATTR in vars(sys.modules["quick"])
