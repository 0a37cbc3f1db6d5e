"""Hamilton's deprecated decorators (``parametrized``, ``parametrized_input``,
``parameterized_inputs``, ``pipe``, ``dynamic_transform``/``model``, ``configuration``): the
same nodes, types, docs, results and deprecation notices as Hamilton.

Hamilton's notice is a WARNING log record written when the decorator is applied (no Python
``warnings`` warning); ``dynamic_transform``/``model`` write none in Hamilton 1.90."""

from __future__ import annotations

import textwrap

from .conftest import same

# Imports each module in ``MODULES`` recording its log records and Python warnings, then
# builds a driver over all of them and records the graph and the results.
SCRIPT = """
import importlib, logging, warnings
from hamilton import driver

records = []

class Keep(logging.Handler):
    def emit(self, record):
        records.append(record)

root = logging.getLogger()
root.addHandler(Keep())
root.setLevel(logging.WARNING)
modules = []
for name in MODULES:
    records.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        modules.append(importlib.import_module(name))
    emit(name + ":warnings", sorted({w.category.__name__ for w in caught}))
    emit(name + ":logged", [r.levelname for r in records if r.levelno >= logging.WARNING])

dr = driver.Builder().with_modules(*modules).with_config(CONFIG).build()
variables = dr.list_available_variables()
emit("nodes", sorted((v.name, str(v.type), v.is_external_input) for v in variables))
emit("deps", sorted(
    (v.name, sorted(v.required_dependencies), sorted(v.optional_dependencies)) for v in variables
))
emit("docs", sorted((v.name, v.documentation) for v in variables))
emit("result", dr.execute(OUTPUTS, inputs=INPUTS))
"""


def _script(modules: list[str], config: str, outputs: list[str], inputs: str) -> str:
    return (
        f"MODULES = {modules!r}\nCONFIG = {config}\nOUTPUTS = {outputs!r}\nINPUTS = {inputs}\n"
        + SCRIPT
    )


PARAMETRIZED = """
from hamilton.function_modifiers import parametrized

@parametrized("x", {("ten", "ten times {x}"): 1, ("twenty", "twenty"): 2})
def times_ten(x: int) -> int:
    return x * 10
"""

PARAMETRIZED_INPUT = """
from hamilton.function_modifiers import parametrized_input

@parametrized_input("x", {"a": ("from_a", "doc of {x}"), "b": ("from_b", "plain doc")})
def plus(x: int, y: int = 2) -> int:
    \"\"\"Ignored: each output has its own doc.\"\"\"
    return x + y
"""

PARAMETERIZED_INPUTS = """
from hamilton.function_modifiers import parameterized_inputs

@parameterized_inputs(hundred_a={"x": "a"}, hundred_b={"x": "b", "z": "a"})
def hundred(x: int, z: int = 0) -> int:
    \"\"\"{x} times a hundred, plus {z}.\"\"\"
    return x * 100 + z
"""

PIPE = """
from hamilton.function_modifiers import pipe, step, value

def _add(v: int, n: int) -> int:
    return v + n

@pipe(step(_add, n=value(1)), step(_add, n=value(5)).named("five"))
def piped(a: int) -> int:
    return a * 2
"""

SUBDAG = """
from hamilton.function_modifiers import config, configuration, subdag

def inner(a: int, mode: str) -> str:
    return f"{mode}:{a}"

@config.when(flavour="sweet")
def taste__sweet(inner: str) -> str:
    return inner + "+sugar"

@config.when(flavour="sour")
def taste__sour(inner: str) -> str:
    return inner + "+lemon"

@subdag(inner, taste__sweet, taste__sour,
        config={"flavour": configuration("outer_flavour"), "mode": "m"})
def wrapped(taste: str) -> str:
    return taste.upper()
"""


def test_parameterize_spellings_match_hamilton(in_both) -> None:
    names = ["parametrized_mod", "parametrized_input_mod", "parameterized_inputs_mod"]
    modules = dict(
        zip(names, [PARAMETRIZED, PARAMETRIZED_INPUT, PARAMETERIZED_INPUTS], strict=True)
    )
    outputs = ["ten", "twenty", "from_a", "from_b", "hundred_a", "hundred_b"]
    ours, theirs = in_both(_script(names, "{}", outputs, '{"a": 1, "b": 2}'), modules)
    same(ours, theirs)
    for name in names:
        assert theirs[name + ":logged"] == {"list": ["WARNING"]}, name
        assert theirs[name + ":warnings"] == {"list": []}, name


def test_pipe_logs_its_deprecation_like_hamilton(in_both) -> None:
    ours, theirs = in_both(_script(["pipe_mod"], "{}", ["piped"], '{"a": 3}'), {"pipe_mod": PIPE})
    same(ours, theirs)
    assert theirs["pipe_mod:logged"] == {"list": ["WARNING"]}


def test_configuration_in_a_subdag_config_matches_hamilton(in_both) -> None:
    for flavour in ("sweet", "sour"):
        script = _script(
            ["subdag_mod"], f'{{"outer_flavour": "{flavour}"}}', ["wrapped"], '{"a": 1}'
        )
        ours, theirs = in_both(script, {"subdag_mod": SUBDAG})
        # Hamilton types the node of a configuration() entry as ConfigDependency; ours as the
        # value's type, so compare the graph's edges, docs and results only.
        same(ours, theirs, "deps", "docs", "result", "subdag_mod:logged")
        assert theirs["result"] == {
            "dict": {"wrapped": f"M:1+{'SUGAR' if flavour == 'sweet' else 'LEMON'}"}
        }


MODEL = """
import pandas as pd
from hamilton import models
from hamilton.function_modifiers import dynamic_transform, model

class Weighted(models.BaseModel):
    def get_dependents(self):
        return sorted(self.config_parameters)

    def predict(self, **columns):
        return sum(columns[name] * weight for name, weight in self.config_parameters.items())

@model(Weighted, "weights")
def score() -> pd.Series:
    \"\"\"A weighted sum.\"\"\"
    pass

class Shift(models.DynamicTransformBase):
    def get_dependents(self):
        return ["a"]

    def compute(self, a):
        return a + self.config_parameters

@dynamic_transform(Shift, "shift")
def shifted() -> pd.Series:
    pass
"""

BAD_MODELS = {
    "not_empty": """
@model(Weighted, "weights")
def score() -> pd.Series:
    return pd.Series([1])
""",
    "has_parameters": """
@model(Weighted, "weights")
def score(a: pd.Series) -> pd.Series:
    pass
""",
    "not_a_series": """
@model(Weighted, "weights")
def score() -> int:
    pass
""",
}


def test_model_decoration_and_validation_match_hamilton(in_both) -> None:
    script = """
    import logging, warnings
    records = []
    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)
    logging.getLogger().addHandler(Keep())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import model_mod
    emit("warnings", sorted({w.category.__name__ for w in caught}))
    emit("logged", [r.levelname for r in records if r.levelno >= logging.WARNING])

    from hamilton import ad_hoc_utils, driver
    from hamilton.function_modifiers import model
    import pandas as pd
    def decorate_and_build(source):
        # Hamilton checks when decorating, hamilton_nb when building: either counts
        namespace = {"model": model, "pd": pd, "Weighted": model_mod.Weighted}
        exec(source, namespace)
        module = ad_hoc_utils.create_temporary_module(namespace["score"])
        return driver.Builder().with_modules(module).with_config({"weights": {"a": 1}}).build()

    for label, source in BAD:
        error = emit_error(label, decorate_and_build, source)
        emit(label + ":is_exception", isinstance(error, Exception))
    """
    bad = repr(sorted(BAD_MODELS.items()))
    ours, theirs = in_both(f"BAD = {bad}\n" + textwrap.dedent(script), {"model_mod": MODEL})
    same(ours, theirs, "warnings", "logged", *(f"{label}:is_exception" for label in BAD_MODELS))
    assert theirs["logged"] == {"list": []} and all(
        theirs[f"{label}:is_exception"] for label in BAD_MODELS
    )


def test_model_builds_here_but_not_in_hamilton_190(in_both) -> None:
    """A deliberate difference: Hamilton 1.90 hands ``@model`` a config filtered down to none
    of the user's keys, so every ``@model``/``@dynamic_transform`` graph fails to build there;
    we pass the named config key, as the decorator documents."""
    script = """
    import pandas as pd
    import model_mod
    from hamilton import driver
    builder = driver.Builder().with_modules(model_mod).with_config(
        {"weights": {"a": 1, "b": 10}, "shift": 5})
    dr = emit_error("build", builder.build)
    if not isinstance(dr, Exception):
        emit("deps", sorted((v.name, sorted(v.required_dependencies))
                            for v in dr.list_available_variables()))
        emit("docs", sorted((v.name, v.documentation) for v in dr.list_available_variables()))
        emit("result", dr.execute(["score", "shifted"],
                                  inputs={"a": pd.Series([1, 2]), "b": pd.Series([3, 4])}))
    """
    ours, theirs = in_both(script, {"model_mod": MODEL})
    assert "raises" in theirs["build"]
    assert "returns" in ours["build"]
    deps = [row["tuple"] for row in ours["deps"]["list"]]
    assert ["score", {"list": ["a", "b"]}] in deps and ["shifted", {"list": ["a"]}] in deps
    assert ["score", "A weighted sum."] in [row["tuple"] for row in ours["docs"]["list"]]
    assert ours["result"]["dict"]["score"]["Series"]["values"] == ["31", "42"]
    assert ours["result"]["dict"]["shifted"]["Series"]["values"] == ["6", "7"]
