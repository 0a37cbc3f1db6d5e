"""The parity harness itself: the import rename and both engines answering."""

from __future__ import annotations

from .conftest import same
from .harness import port


def test_port_renames_imports_only() -> None:
    source = 'from hamilton import driver\nimport hamilton.base\ntag = "hamilton.config"\n'
    assert port(source) == 'from hamilton_nb import driver\nimport hamilton_nb.base\ntag = "hamilton.config"\n'


def test_a_plain_module_runs_the_same(in_both) -> None:
    module = """
    def a(x: int) -> int:
        return x + 1

    def b(a: int) -> int:
        return a * 2
    """
    script = """
    import flow
    from hamilton import driver
    dr = driver.Builder().with_modules(flow).build()
    emit("result", dr.execute(["b"], inputs={"x": 1}))
    emit("nodes", sorted(v.name for v in dr.list_available_variables()))
    emit_error("missing", dr.execute, ["b"])
    """
    ours, theirs = in_both(script, {"flow": module})
    same(ours, theirs)
    assert theirs["result"] == {"dict": {"b": 4}}
