"""``ad_hoc_utils``: modules made from source text behave as Hamilton's."""

from __future__ import annotations

from .conftest import same


def test_create_module_imports_source_through_a_file(in_both) -> None:
    script = """
    import inspect, os, sys
    from hamilton import ad_hoc_utils, driver

    source = (
        "def a(x: int) -> int:\\n    return x + 1\\n\\n"
        "def b(a: int) -> int:\\n    return a * 2\\n"
    )
    named = ad_hoc_utils.create_module(source, "made_here")
    emit("registered", sys.modules.get("made_here") is named)
    emit("name", named.__name__)
    emit("file exists", os.path.exists(named.__file__))
    emit("suffix", os.path.splitext(named.__file__)[1])
    emit("source", inspect.getsource(named.b))
    dr = driver.Builder().with_modules(named).build()
    emit("result", dr.execute(["b"], inputs={"x": 2}))
    anonymous = ad_hoc_utils.create_module(source)
    file_stem = os.path.basename(anonymous.__file__)[:-3]
    emit("default name is the file's", anonymous.__name__ == file_stem)
    emit("default registered", sys.modules.get(anonymous.__name__) is anonymous)
    emit_error("bad source", ad_hoc_utils.create_module, "def broken(:\\n", "broken_one")
    emit_error("failing source", ad_hoc_utils.create_module, "raise KeyError(1)\\n", "failing")
    from_source = ad_hoc_utils.module_from_source(source)
    from_source_driver = driver.Builder().with_modules(from_source).build()
    emit("module_from_source", from_source_driver.execute(["b"], inputs={"x": 1}))
    emit_error("module_from_source with bad source", ad_hoc_utils.module_from_source,
               "def broken(:\\n")
    """
    ours, theirs = in_both(script)
    same(ours, theirs)
    assert theirs["result"] == {"dict": {"b": 6}}
