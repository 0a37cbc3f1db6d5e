"""Driver behaviour Hamilton users rely on: requests, inputs, adapters, listings, build errors."""

from __future__ import annotations

from .conftest import catchable_alike, same

PARALLEL = """
from hamilton.htypes import Collect, Parallelizable

def items(n: int) -> Parallelizable[int]:
    for i in range(n):
        yield i

def squared(items: int) -> int:
    return items * items

def total(squared: Collect[int]) -> int:
    return sum(squared)

def other(n: int) -> int:
    return n + 1
"""


def test_parallelizable_builds_without_dynamic_execution_and_refuses_only_to_run(in_both) -> None:
    script = """
    import flow
    from hamilton import driver
    for label, dr in [("builder", driver.Builder().with_modules(flow).build()),
                      ("legacy", driver.Driver({}, flow))]:
        emit(label + "/nodes", sorted(v.name for v in dr.list_available_variables()))
        emit(label + "/picture", dr.display_all_functions() is not None)
        emit(label + "/other", dict(dr.raw_execute(["other"], inputs={"n": 2})))
        emit_error(label + "/total", dr.execute, ["total"], inputs={"n": 2})
    """
    ours, theirs = in_both(script, {"flow": PARALLEL})
    same(ours, theirs, "builder/nodes", "builder/picture", "builder/other", "legacy/nodes")
    same(ours, theirs, "legacy/picture", "legacy/other")
    catchable_alike(ours, theirs, "builder/total", "legacy/total")


FLOW = """
import pandas as pd

def d(e: int) -> int:
    return e + 1

def f(d: int, g: str = "x") -> str:
    return str(d) + (g or "-")

def k_plus(k: int) -> int:
    return k
"""


def test_inputs_requested_as_outputs_none_inputs_and_mapping_inputs(in_both) -> None:
    script = """
    import flow
    import pandas as pd
    from hamilton import driver
    dr = driver.Builder().with_modules(flow).build()
    emit("input as output", dr.execute(["d", "e"], inputs={"e": 10}))
    emit("only an input", dr.execute(["e"], inputs={"e": 10}))
    emit("None for an optional str", dr.execute(["f"], inputs={"e": 1, "g": None}))
    emit_error("None reaching int arithmetic", dr.execute, ["d"], inputs={"e": None})
    emit_error("a DataFrame as inputs", dr.execute, ["k_plus"], inputs=pd.DataFrame({"k": [1]}))
    emit("a Series of scalars as inputs", dr.execute(["f"], inputs=pd.Series({"e": 1}, dtype=object)))
    emit("outputs keep the requested order", list(dr.execute(["f", "d", "e"], inputs={"e": 1})))
    """
    ours, theirs = in_both(script, {"flow": FLOW})
    same(ours, theirs, "input as output", "only an input", "None for an optional str")
    same(ours, theirs, "a Series of scalars as inputs", "outputs keep the requested order")
    catchable_alike(ours, theirs, "None reaching int arithmetic", "a DataFrame as inputs")
    assert ours["None reaching int arithmetic"]["raises"][0] == "TypeError"  # the node's own


def test_default_adapters_return_dicts_and_the_legacy_driver_a_dataframe(in_both) -> None:
    script = """
    import flow
    from hamilton import base, driver
    inputs = {"e": 1}
    emit("legacy", driver.Driver({}, flow).execute(["d"], inputs=inputs))
    emit("DefaultAdapter", driver.Driver({}, flow, adapter=base.DefaultAdapter()).execute(["d"], inputs=inputs))
    emit("SimplePythonGraphAdapter", driver.Driver({}, flow, adapter=base.SimplePythonGraphAdapter()).execute(["d"], inputs=inputs))
    emit("SimplePythonDataFrameGraphAdapter", driver.Driver({}, flow, adapter=base.SimplePythonDataFrameGraphAdapter()).execute(["d"], inputs=inputs))
    emit("with DictResult", driver.Driver({}, flow, adapter=base.SimplePythonGraphAdapter(base.DictResult())).execute(["d"], inputs=inputs))
    emit("builder with DefaultAdapter", driver.Builder().with_modules(flow).with_adapters(base.DefaultAdapter()).build().execute(["d"], inputs=inputs))
    """
    ours, theirs = in_both(script, {"flow": FLOW})
    same(ours, theirs)
    assert theirs["DefaultAdapter"] == {"dict": {"d": 2}}


CONFIGURED = """
import pandas as pd
from hamilton.function_modifiers import config, extract_columns, parameterize, value

def zeta(alpha: int, q: int) -> int:
    return alpha + q

def alpha(p: int) -> int:
    return p

def mid(zeta: int, r: int = 2) -> int:
    return zeta + r

@config.when(mode="a")
def vary__a(p: int) -> int:
    return 1

@config.when_not(mode="a")
def vary__b(p: int) -> int:
    return 2

@config.when_in(other=[1], mode=["a", "b"])
def multi__x(p: int) -> int:
    return 3

@extract_columns("c1", "c2")
@config.when(mode="a")
def frame__a(p: int) -> pd.DataFrame:
    return pd.DataFrame({"c1": [p], "c2": [p]})

@parameterize(twice={"factor": value(2)}, thrice={"factor": value(3)})
@config.when(mode="a")
def scaled(p: int, factor: int) -> int:
    return p * factor

def custom(p: int) -> int:
    return p

custom = config(lambda cfg: cfg.get("mode") == "a")(custom)
"""


def test_listing_order_config_tags_and_origins_of_inputs(in_both) -> None:
    script = """
    import flow
    from hamilton import driver
    dr = driver.Builder().with_modules(flow).with_config({"mode": "a", "other": 1}).build()
    emit("listing", [
        [v.name, repr(v.type), v.tags, v.is_external_input,
         [f.__module__ for f in v.originating_functions or []],
         sorted(v.required_dependencies), sorted(v.optional_dependencies)]
        for v in dr.list_available_variables()
    ])
    emit("origins of inputs", {
        v.name: len(v.originating_functions or []) for v in dr.list_available_variables()
        if v.is_external_input
    })
    emit("results", dr.execute(["zeta", "alpha", "mid", "vary", "multi", "c1", "twice", "custom"],
                               inputs={"p": 1, "q": 2}))
    emit("tag filter", sorted(v.name for v in dr.list_available_variables(tag_filter={"hamilton.config": "mode"})))
    """
    ours, theirs = in_both(script, {"flow": CONFIGURED})
    same(ours, theirs)


def test_inputs_asked_for_with_incompatible_types_fail_the_build(in_both) -> None:
    modules = {
        "clash": """
        def as_int(k: int) -> int:
            return k

        def as_str(k: str) -> str:
            return k
        """,
        "narrowing": """
        from typing import Union

        def wide(k: Union[int, str]) -> str:
            return str(k)

        def narrow(k: int) -> int:
            return k
        """,
    }
    script = """
    import clash, narrowing
    from hamilton import driver
    emit_error("clash", driver.Builder().with_modules(clash).build)
    dr = driver.Builder().with_modules(narrowing).build()
    k = [v for v in dr.list_available_variables() if v.name == "k"][0]
    emit("narrowest type wins", repr(k.type))
    emit("both consumers are origins", sorted(f.__name__ for f in k.originating_functions))
    emit_error("a str for the narrowed input", dr.execute, ["wide"], inputs={"k": "s"})
    """
    ours, theirs = in_both(script, modules)
    same(ours, theirs, "narrowest type wins", "both consumers are origins")
    catchable_alike(ours, theirs, "clash", "a str for the narrowed input")


def test_resolve_without_power_user_mode_is_a_key_error(in_both) -> None:
    module = """
    from hamilton.function_modifiers import ResolveAt, parameterize, resolve, value

    @resolve(
        when=ResolveAt.CONFIG_AVAILABLE,
        decorate_with=lambda n: parameterize(**{f"v{i}": {"x": value(i)} for i in range(n)}),
    )
    def r(x: int) -> int:
        return x
    """
    script = """
    import flow
    from hamilton import driver
    build = lambda cfg: driver.Builder().with_modules(flow).with_config(cfg).build()
    emit_error("no power-user key", build, {"n": 2})
    emit_error("power-user mode off", build, {"n": 2, "hamilton.enable_power_user_mode": False})
    emit_error("decorate_with key missing", build, {"hamilton.enable_power_user_mode": True})
    dr = build({"n": 2, "hamilton.enable_power_user_mode": True})
    emit("power-user mode on", dr.execute(["v0", "v1"]))
    """
    ours, theirs = in_both(script, {"flow": module})
    catchable_alike(ours, theirs, "no power-user key", "power-user mode off")
    catchable_alike(ours, theirs, "decorate_with key missing")
    same(ours, theirs, "power-user mode on")


def test_build_and_request_errors_are_caught_by_the_same_builtin(in_both) -> None:
    modules = {
        "flow": """
        def a(x: int) -> int:
            return x

        def b(a: int) -> int:
            return a
        """,
        "noann": """
        def bad(x):
            return x
        """,
        "mismatch": """
        def p1() -> int:
            return 1

        def c1(p1: str) -> int:
            return 1
        """,
    }
    script = """
    import flow, noann, mismatch
    from hamilton import driver, lifecycle

    class Refuse(lifecycle.StaticValidator):
        def run_to_validate_node(self, *, node, **kwargs):
            return False, "refused"

    emit_error("static validator", driver.Builder().with_modules(flow).with_adapters(Refuse()).build)
    emit_error("missing annotation", driver.Builder().with_modules(noann).build)
    emit_error("edge types", driver.Builder().with_modules(mismatch).build)
    emit_error("same node in two modules", driver.Builder().with_modules(flow, flow).build)
    dr = driver.Builder().with_modules(flow).build()
    emit_error("unknown output", dr.execute, ["zz"], inputs={"x": 1})
    emit_error("missing input", dr.execute, ["b"])
    emit_error("wrong input type", dr.execute, ["b"], inputs={"x": "s"})
    emit_error("validate_execution", dr.validate_execution, ["b"])
    emit_error("upstream of unknown", dr.what_is_upstream_of, "zz")
    emit("unknown override is ignored", dr.execute(["b"], inputs={"x": 1}, overrides={"zz": 1}))
    emit("override skips upstream", dr.execute(["b"], overrides={"a": 5}))
    """
    ours, theirs = in_both(script, modules)
    catchable_alike(
        ours,
        theirs,
        "static validator",
        "missing annotation",
        "edge types",
        "unknown output",
        "missing input",
        "wrong input type",
        "validate_execution",
    )
    same(ours, theirs, "unknown override is ignored", "override skips upstream")


def test_independent_outputs_run_in_the_order_requested(in_both) -> None:
    module = """
    RAN = []

    def a() -> int:
        RAN.append("a")
        return 1

    def b() -> int:
        RAN.append("b")
        return 2

    def c(a: int) -> int:
        RAN.append("c")
        return a

    def d(b: int, a: int) -> int:
        RAN.append("d")
        return a + b
    """
    script = """
    import flow
    from hamilton import driver
    dr = driver.Builder().with_modules(flow).build()
    for request in (["b", "a"], ["c", "b"], ["d", "c"], ["a", "d"]):
        flow.RAN.clear()
        result = dr.execute(request)
        emit(",".join(request), [list(result), list(flow.RAN)])
    """
    ours, theirs = in_both(script, {"flow": module})
    same(ours, theirs)


def test_inputs_that_are_no_node_can_be_requested(in_both) -> None:
    module = """
    from typing import Any

    def d(a: Any) -> Any:
        return a + 3
    """
    script = """
    import flow
    import pandas as pd
    from hamilton import base, driver, settings
    emit("power-user key", settings.ENABLE_POWER_USER_MODE)
    dr = driver.Builder().with_modules(flow).with_adapter(base.DefaultAdapter()).build()
    emit("after", dr.execute(["d", "e"], inputs={"a": 1, "e": 10}))
    emit("before", dr.execute(["e", "d"], inputs={"a": 1, "e": 10}))
    emit("validate", dr.validate_execution(["d", "e"], inputs={"a": 1, "e": 10}))
    emit("materialize", dr.materialize(additional_vars=["d", "e"], inputs={"a": 1, "e": 10}))
    emit_error("an override is not enough", dr.execute, ["e", "d"], inputs={"a": 1},
               overrides={"e": 3})
    emit_error("neither", dr.execute, ["d", "zz"], inputs={"a": 1})
    frames = driver.Builder().with_modules(flow).with_adapter(base.PandasDataFrameResult()).build()
    emit("DataFrame", frames.execute(["d", "e"], inputs={"a": pd.Series([1, 2]), "e": pd.Series([10, 10])}))
    """
    ours, theirs = in_both(script, {"flow": module})
    same(ours, theirs, "power-user key", "after", "before", "validate", "materialize", "DataFrame")
    catchable_alike(ours, theirs, "an override is not enough", "neither")


def test_graceful_errors_and_the_error_sentinel_tag(in_both) -> None:
    module = """
    from hamilton.lifecycle.default import accept_error_sentinels

    def fails(x: int) -> int:
        raise ValueError("no")

    def skipped(fails: int) -> int:
        return fails + 1

    @accept_error_sentinels
    def reports(fails: int) -> str:
        return "saw " + repr(fails)
    """
    script = """
    import flow
    from hamilton import driver
    from hamilton.lifecycle import default
    dr = (driver.Builder().with_modules(flow)
          .with_adapters(default.GracefulErrorAdapter(ValueError, sentinel_value="FAILED")).build())
    emit("tags", {v.name: v.tags for v in dr.list_available_variables()})
    emit("results", dr.execute(["skipped", "reports"], inputs={"x": 1}))
    emit("value", default.INJECTION_ALLOWED)
    """
    ours, theirs = in_both(script, {"flow": module})
    same(ours, theirs)


def test_a_malformed_parallel_block_builds_and_only_its_nodes_refuse_to_run(in_both) -> None:
    module = """
    from hamilton.htypes import Collect

    def gathered(prompt: Collect[str]) -> list:
        return list(prompt)

    def other(x: int) -> int:
        return x
    """
    script = """
    import flow
    from hamilton import driver
    for label, builder in [
        ("plain", driver.Builder()),
        ("dynamic", driver.Builder().enable_dynamic_execution(allow_experimental_mode=True)),
    ]:
        dr = builder.with_modules(flow).build()
        emit(label + "/nodes", [v.name for v in dr.list_available_variables()])
        emit(label + "/picture", dr.display_all_functions() is not None)
        emit(label + "/other", dr.execute(["other"], inputs={"x": 1}))
        emit_error(label + "/gathered", dr.execute, ["gathered"], inputs={"prompt": "a"})
    """
    ours, theirs = in_both(script, {"flow": module})
    same(ours, theirs, "plain/nodes", "plain/picture", "plain/other")
    same(ours, theirs, "dynamic/nodes", "dynamic/picture", "dynamic/other")
    catchable_alike(ours, theirs, "plain/gathered", "dynamic/gathered")


def test_dataloader_and_datasaver_nodes_carry_hamiltons_tags(in_both) -> None:
    module = """
    from hamilton.function_modifiers import dataloader, datasaver

    @dataloader()
    def sample() -> tuple[list, dict]:
        return ["a"], {"rows": 1}

    @datasaver()
    def saved(sample: list) -> dict:
        return {"saved": len(sample)}
    """
    script = """
    import flow
    from hamilton import driver
    dr = driver.Builder().with_modules(flow).build()
    emit("tags", {v.name: v.tags for v in dr.list_available_variables()})
    emit("types", {v.name: repr(v.type) for v in dr.list_available_variables()})
    emit("results", dr.execute(["sample", "saved"]))
    """
    ours, theirs = in_both(script, {"flow": module})
    same(ours, theirs)
