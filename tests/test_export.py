"""Notebook -> modules export: what is written, and that it builds the notebook's own DAG."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hamilton_nb import errors
from hamilton_nb.export import (
    check_modules,
    collect_modules,
    export_notebook,
    module_cells,
    write_modules,
)
from hamilton_nb.export_source import normalise_blank_lines, render_module

nbformat = pytest.importorskip("nbformat")


def make_notebook(path: Path, cells: list[str | tuple[str, str]]) -> Path:
    """Write a v4 notebook; a tuple is (cell_type, source), a string a code cell."""
    nb = nbformat.v4.new_notebook()
    for cell in cells:
        kind, source = cell if isinstance(cell, tuple) else ("code", cell)
        maker = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        nb.cells.append(maker(source))
    nbformat.write(nb, str(path))
    return path


def texts(exported) -> dict[str, str]:
    return {m.name: m.text for m in exported}


# -- what one module looks like ---------------------------------------------------------------


def test_one_file_per_module_magic_line_stripped_with_provenance(tmp_path: Path) -> None:
    nb = make_notebook(
        tmp_path / "flow.ipynb",
        [
            ("markdown", "%%cell_to_module not_code\n"),
            "%load_ext hamilton_nb",
            "%%cell_to_module prices -x --show_results\ndef price() -> float:\n    return 2.0\n",
            "\n%%cell_to_module -m totals -d\ndef total(price: float, n: int) -> float:\n"
            "    return price * n\n",
        ],
    )
    exported = texts(export_notebook(nb))
    assert sorted(exported) == ["prices", "totals"]
    assert exported["prices"] == (
        '"""Exported from flow.ipynb (cell 3) by hamilton-nb export."""\n\n\n'
        "def price() -> float:\n    return 2.0\n"
    )
    assert exported["totals"].startswith('"""Exported from flow.ipynb (cell 4) by')
    assert "%%" not in exported["totals"]


def test_last_definition_wins_and_incr_parts_merge_by_id(tmp_path: Path) -> None:
    nb = make_notebook(
        tmp_path / "nb.ipynb",
        [
            "%%cell_to_module a\ndef x() -> int:\n    return 1\n",
            "%%incr_cell_to_module b 2\ndef second() -> int:\n    return 2\n",
            "%%cell_to_module a\ndef x() -> int:\n    return 10\n",
            "%%incr_cell_to_module b 1\ndef first() -> int:\n    return 1\n",
            "%%incr_cell_to_module b 2\ndef second(first: int) -> int:\n    return first + 2\n",
        ],
    )
    cells = module_cells(nbformat.read(str(nb), as_version=4).cells, "nb.ipynb")
    merged = collect_modules(cells)
    assert [c.number for c in merged["a"]] == [3]
    assert [c.number for c in merged["b"]] == [4, 5]  # ordered by ID, cell 2 replaced by 5
    out = texts(export_notebook(nb))
    assert "return 10" in out["a"] and "return 1\n" not in out["a"]
    assert "(cells 4, 5)" in out["b"]
    assert out["b"].index("def first") < out["b"].index("def second(first: int)")
    assert "return 2\n" not in out["b"]


def test_plain_cell_replaces_incr_module_and_incr_cell_remerges_all_parts(tmp_path) -> None:
    nb = make_notebook(
        tmp_path / "nb.ipynb",
        [
            "%%incr_cell_to_module m 1\ndef one() -> int:\n    return 1\n",
            "%%cell_to_module m\ndef plain() -> int:\n    return 0\n",
        ],
    )
    assert "def plain" in texts(export_notebook(nb))["m"]
    assert "def one" not in texts(export_notebook(nb))["m"]
    nb = make_notebook(
        tmp_path / "nb2.ipynb",
        [
            "%%incr_cell_to_module m 1\ndef one() -> int:\n    return 1\n",
            "%%cell_to_module m\ndef plain() -> int:\n    return 0\n",
            "%%incr_cell_to_module m 2\ndef two(one: int) -> int:\n    return one + 1\n",
        ],
    )
    text = texts(export_notebook(nb))["m"]  # the kernel keeps incr parts across a plain cell
    assert "def one" in text and "def two" in text and "def plain" not in text


def test_imports_deduplicated_at_the_top() -> None:
    parts = [
        (
            "p1",
            '"""Prices of things."""\nfrom __future__ import annotations\nimport math\n'
            "import os, sys\n\ndef a() -> float:\n    return math.pi\n",
        ),
        (
            "p2",
            "import math\nfrom collections import OrderedDict  # kept comment\n"
            "import json; X = 1\n\ndef b(a: float) -> float:\n    import re\n    return a\n",
        ),
    ]
    text = render_module(parts, "Exported from t.ipynb (cells 1, 2) by hamilton-nb export.")
    assert text.startswith('"""Prices of things.\n\nExported from t.ipynb (cells 1, 2)')
    head, _, body = text.partition("\n\n\n")
    assert head.splitlines()[-5:] == [
        "from __future__ import annotations",
        "",
        "import math",
        "import os, sys",
        "from collections import OrderedDict  # kept comment",
    ]
    assert head.count("import math") == 1
    assert "from collections import OrderedDict  # kept comment" in head
    assert text.index("from __future__") < text.index("import math")
    assert "import json; X = 1" in body  # shares its line: stays where it was
    assert "    import re" in body  # not top level
    compile(text, "t.py", "exec")


def test_layout_is_normalised_but_strings_untouched() -> None:
    source = (
        "import math   \n\n\n\n\nLIMIT = 3\ndef f() -> str:\n    '''doc\n\n\n\n    end'''\n"
        "    x = 1\n\n\n\n    return 'a   '\n# about g\n@staticmethod\ndef g() -> int:\n"
        "    return 1\nY = 2\n\n\n\n\n"
    )
    text = render_module([("c", source)], "P.")
    assert "import math   " not in text
    assert "'''doc\n\n\n\n    end'''" in text  # inside a string: kept
    assert "LIMIT = 3\n\n\ndef f()" in text
    assert "    x = 1\n\n    return 'a   '" in text
    assert "return 'a   '\n\n\n# about g\n@staticmethod\ndef g()" in text
    assert "return 1\n\n\nY = 2\n" in text
    assert text.endswith("Y = 2\n")
    assert normalise_blank_lines(text) == text  # idempotent


@pytest.mark.skipif(
    shutil.which("ruff", path=str(Path(sys.executable).parent)) is None, reason="ruff not installed"
)
def test_exported_files_pass_ruff(tmp_path: Path) -> None:
    nb = make_notebook(
        tmp_path / "nb.ipynb",
        [
            "%%cell_to_module m\nimport math\n\n\n\n\ndef a() -> float:\n    return math.pi\n"
            "def b(a: float) -> float:   \n    return a * 2\n",
            "%%incr_cell_to_module n 1\nimport math\ndef c() -> float:\n    return math.e\n",
            "%%incr_cell_to_module n 2\nimport math\nimport os\ndef d(c: float) -> str:\n"
            "    return os.sep + str(c)\n",
        ],
    )
    write_modules(export_notebook(nb), tmp_path / "out")
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    result = subprocess.run(
        [ruff, "check", "--isolated", "--select", "E,W,F", "--preview", str(tmp_path / "out")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_module_filter_and_unknown_module(tmp_path: Path) -> None:
    nb = make_notebook(
        tmp_path / "nb.ipynb",
        [
            "%%cell_to_module alpha\nA = 1\n",
            "%%cell_to_module beta\nB = 1\n",
        ],
    )
    assert [m.name for m in export_notebook(nb, ["beta"])] == ["beta"]
    with pytest.raises(errors.ExportError, match=r"no cell module 'alpah'.*did you mean 'alpha'"):
        export_notebook(nb, ["alpah"])


def test_name_swallowed_by_config_values_is_found(tmp_path: Path) -> None:
    nb = make_notebook(tmp_path / "nb.ipynb", ["%%cell_to_module -c a=1 b=2 named\nX = 1\n"])
    assert [m.name for m in export_notebook(nb)] == ["named"]


# -- writing, --force, --check ----------------------------------------------------------------


def test_existing_files_are_not_clobbered_without_force(tmp_path: Path) -> None:
    nb = make_notebook(
        tmp_path / "nb.ipynb",
        [
            "%%cell_to_module a\nA = 1\n",
            "%%cell_to_module b\nB = 1\n",
        ],
    )
    out = tmp_path / "out"
    assert [a for _, a in write_modules(export_notebook(nb), out)] == ["wrote", "wrote"]
    assert [a for _, a in write_modules(export_notebook(nb), out)] == ["unchanged"] * 2
    (out / "b.py").write_text("edited by hand\n")
    (out / "a.py").unlink()
    with pytest.raises(errors.ExportError, match=r"b\.py' exists with other content; add --force"):
        write_modules(export_notebook(nb), out)
    assert not (out / "a.py").exists()  # checked everything before writing anything
    assert (out / "b.py").read_text() == "edited by hand\n"
    write_modules(export_notebook(nb), out, force=True)
    assert "B = 1" in (out / "b.py").read_text()


def test_check_lists_missing_and_differing_files(tmp_path: Path) -> None:
    nb = make_notebook(
        tmp_path / "nb.ipynb",
        [
            "%%cell_to_module a\nA = 1\n",
            "%%cell_to_module b\nB = 1\n",
        ],
    )
    exported = export_notebook(nb)
    out = tmp_path / "out"
    write_modules(exported, out)
    assert check_modules(exported, out) == []
    (out / "a.py").write_text("A = 2\n")
    (out / "b.py").unlink()
    problems = check_modules(exported, out)
    assert len(problems) == 2
    assert "a.py' differs" in problems[0] and "b.py' is missing" in problems[1]


# -- bad input: one line, nothing executed, nothing written ----------------------------------


def _bad_notebooks(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    bad_json = tmp_path / "bad.ipynb"
    bad_json.write_text('{"cells": [')
    not_nb = tmp_path / "data.ipynb"
    not_nb.write_text('{"name": "not a notebook"}')
    sentinel = tmp_path / "SENTINEL"
    side_effect = f"open({str(sentinel)!r}, 'w').write('ran')\n"
    return {
        "malformed JSON": (bad_json, "is not valid JSON"),
        "not a notebook": (not_nb, "is JSON but not a Jupyter notebook"),
        "invalid python": (
            make_notebook(
                tmp_path / "syntax.ipynb",
                [
                    f"%%cell_to_module good\n{side_effect}",
                    "%%cell_to_module broken\ndef f(:\n    pass\n",
                ],
            ),
            r"syntax.ipynb cell 2 \(broken\): line 1: .*valid Python",
        ),
        "invalid name": (
            make_notebook(
                tmp_path / "name.ipynb",
                [
                    f"%%cell_to_module 9lives\n{side_effect}",
                ],
            ),
            "is not a Python identifier",
        ),
        "bad option": (
            make_notebook(
                tmp_path / "opt.ipynb",
                [
                    "%%cell_to_module m --no-such-flag\nA = 1\n",
                ],
            ),
            r"opt.ipynb cell 1: .*unrecognized arguments",
        ),
        "stdlib name": (
            make_notebook(
                tmp_path / "std.ipynb",
                [
                    "%%cell_to_module json\nA = 1\n",
                ],
            ),
            "standard-library module",
        ),
        "missing file": (tmp_path / "nope.ipynb", "no notebook file"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "malformed JSON",
        "not a notebook",
        "invalid python",
        "invalid name",
        "bad option",
        "stdlib name",
        "missing file",
    ],
)
def test_bad_input_is_one_line_exit_2_nothing_run_or_written(tmp_path, capsys, case) -> None:
    from hamilton_nb.cli import main

    path, message = _bad_notebooks(tmp_path)[case]
    out = tmp_path / "out"
    out.mkdir()
    (out / "good.py").write_text("mine\n")
    assert main(["export", str(path), "-o", str(out), "--force"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("hamilton-nb export: ")
    import re

    assert re.search(message, err), err
    assert not (tmp_path / "SENTINEL").exists()
    assert (out / "good.py").read_text() == "mine\n"
    assert sorted(p.name for p in out.iterdir()) == ["good.py"]


def test_output_dir_that_is_a_file(tmp_path: Path, capsys) -> None:
    from hamilton_nb.cli import main

    nb = make_notebook(tmp_path / "nb.ipynb", ["%%cell_to_module a\nA = 1\n"])
    target = tmp_path / "taken"
    target.write_text("keep")
    assert main(["export", str(nb), "-o", str(target)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert target.read_text() == "keep"


# -- round trip: the exported modules build the notebook's DAG --------------------------------

ROUND_TRIP_CELLS = [
    "%load_ext hamilton_nb",
    "%%cell_to_module rt_sales\n"
    '"""Sales figures."""\n'
    "import math\n"
    "from hamilton_nb.function_modifiers import tag, config\n\n"
    "@tag(owner='sales')\n"
    "def units(base: int) -> int:\n    return base * 3\n\n"
    "def price() -> float:\n    return 2.5\n",
    "%%cell_to_module rt_sales\n"  # redefinition: this one wins
    "import math\n"
    "from hamilton_nb.function_modifiers import tag, config\n\n"
    "@tag(owner='sales', tier='gold')\n"
    "def units(base: int, bonus: int = 1) -> int:\n    return base * 3 + bonus\n\n"
    "def price() -> float:\n    return round(math.pi, 2)\n\n"
    "@config.when(region='EU')\n"
    "def tax__eu() -> float:\n    return 0.2\n\n"
    "@config.when_not(region='EU')\n"
    "def tax__other() -> float:\n    return 0.1\n",
    "%%incr_cell_to_module rt_report 2\n"
    "import math\n\n"
    "def revenue(units: int, price: float, tax: float) -> float:\n"
    "    return units * price * (1 + tax)\n",
    "%%incr_cell_to_module rt_report 1\n"
    "import json\n\n"
    "def label(base: int) -> str:\n    return json.dumps({'base': base})\n",
    "%%incr_cell_to_module rt_report 2\n"
    "import math\n\n"
    "def revenue(units: int, price: float, tax: float) -> float:\n"
    "    return math.floor(units * price * (1 + tax))\n\n"
    "def summary(revenue: float, label: str) -> dict:\n"
    "    return {'revenue': revenue, 'label': label}\n",
]


def _signature(dr) -> dict:
    from hamilton_nb.htypes import type_name

    return {
        name: (
            type_name(node.type),
            dict(node.tags),
            node.node_role,
            {p: (type_name(t), d) for p, (t, d) in node.input_types.items()},
        )
        for name, node in dr.graph.nodes.items()
    }


@pytest.fixture
def shell(tmp_path, monkeypatch):
    pytest.importorskip("IPython")
    import IPython
    from IPython.testing.globalipapp import start_ipython

    from hamilton_nb.extension import magics_of
    from hamilton_nb.magics.cell_module import is_cell_module
    from hamilton_nb.magics.state import NotebookState

    monkeypatch.chdir(tmp_path)
    start_ipython()
    ip = IPython.get_ipython()
    before = set(ip.user_ns)
    yield ip
    for name in [n for n, m in list(sys.modules.items()) if is_cell_module(m)]:
        del sys.modules[name]
    for name in ("rt_sales", "rt_report"):
        sys.modules.pop(name, None)
    for name in set(ip.user_ns) - before:
        del ip.user_ns[name]
    if magics_of(ip) is not None:
        magics_of(ip).state = NotebookState()


def test_round_trip_same_nodes_edges_and_results(tmp_path: Path, shell) -> None:
    from hamilton_nb.cli import load_module_file
    from hamilton_nb.driver import Builder
    from hamilton_nb.extension import magics_of

    nb = make_notebook(tmp_path / "rt.ipynb", ROUND_TRIP_CELLS)
    for source in ROUND_TRIP_CELLS:
        assert shell.run_cell(source).success, source
    assert sorted(magics_of(shell).state.cells) == ["rt_report", "rt_sales"]
    in_kernel = [sys.modules["rt_sales"], sys.modules["rt_report"]]
    out = tmp_path / "out"
    write_modules(export_notebook(nb), out)
    exported = [load_module_file(str(out / f"{name}.py")) for name in ("rt_sales", "rt_report")]
    assert exported[0] is not in_kernel[0]
    for config in ({"region": "EU"}, {}):
        notebook_dr = Builder().with_modules(*in_kernel).with_config(config).build()
        file_dr = Builder().with_modules(*exported).with_config(config).build()
        assert _signature(file_dr) == _signature(notebook_dr)
        assert _signature(notebook_dr)["units"][1]["tier"] == "gold"  # the later cell won
        outputs = ["summary", "units", "revenue"]
        inputs = {"base": 4}
        expected = notebook_dr.execute(outputs, inputs=inputs)
        assert file_dr.execute(outputs, inputs=inputs) == expected
    assert notebook_dr.execute(["summary"], inputs={"base": 4})["summary"] == {
        "revenue": 44,
        "label": '{"base": 4}',  # floor(13 * 3.14 * 1.1): no region, tax 0.1
    }


def test_export_modules_magic_writes_what_the_kernel_ran(tmp_path: Path, shell) -> None:
    from IPython.core.error import UsageError

    for source in ROUND_TRIP_CELLS:
        assert shell.run_cell(source).success
    shell.run_line_magic("export_modules", "exported")
    text = (tmp_path / "exported" / "rt_report.py").read_text()
    assert "by %export_modules" in text
    assert text.count("import math") == 1
    assert text.index("def label") < text.index("def summary")  # incr parts in ID order
    (tmp_path / "exported" / "rt_sales.py").write_text("mine\n")
    with pytest.raises(UsageError, match="exists with other content; add --force"):
        shell.run_line_magic("export_modules", "exported")
    assert (tmp_path / "exported" / "rt_sales.py").read_text() == "mine\n"
    shell.run_line_magic("export_modules", "exported --force --module rt_sales")
    assert "tier='gold'" in (tmp_path / "exported" / "rt_sales.py").read_text()
    with pytest.raises(UsageError, match="no cell module named 'nope'"):
        shell.run_line_magic("export_modules", "--module nope")


def test_cli_export_check_exit_codes_and_empty_notebook(tmp_path: Path, capsys) -> None:
    from hamilton_nb.cli import main

    nb = make_notebook(tmp_path / "nb.ipynb", ["%%cell_to_module a\nA = 1\n"])
    out = tmp_path / "out"
    assert main(["export", str(nb), "-o", str(out), "--check"]) == 1
    assert "a.py' is missing" in capsys.readouterr().err
    assert not out.exists()  # --check writes nothing
    assert main(["export", str(nb), "-o", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out / 'a.py'}\n"
    assert main(["export", str(nb), "-o", str(out), "--check"]) == 0
    assert "1 module(s) up to date" in capsys.readouterr().out
    empty = make_notebook(tmp_path / "empty.ipynb", ["print('hello')", ("markdown", "# hi")])
    assert main(["export", str(empty), "-o", str(out)]) == 2
    assert "has no %%cell_to_module or %%incr_cell_to_module cells" in capsys.readouterr().err
