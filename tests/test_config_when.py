"""``@config.when`` and friends: which variant a config selects, how it is named, and the
errors when the config leaves a needed node out.

tests/parity/test_config_and_parallel.py runs the selection table and the parallel cases with
Hamilton too.
"""

from __future__ import annotations

import json
import textwrap
from types import ModuleType
from typing import Any

import pytest

from hamilton_nb import ad_hoc_utils, driver, errors
from hamilton_nb.function_modifiers import config

# One module, written for both engines; {package} is "hamilton" or "hamilton_nb".
VARIANTS = """
from {package}.function_modifiers import config

@config.when(region="US")
def rate__us() -> float:
    return 1.0

@config.when_not(region="US")
def rate__other() -> float:
    return 2.0

@config.when_in(size=["s", "m"])
def size_factor__small() -> int:
    return 1

@config.when_not_in(size=["s", "m"])
def size_factor__big() -> int:
    return 10

@config.when(region="EU", name="vat")
def eu_vat() -> float:
    return 0.2

@config.when(region="US")
@config.when(tier="gold")
def bonus__us_gold() -> int:
    return 100

@config.when(mode="fast", tier="gold")
def speed__fast_gold() -> str:
    return "fast-gold"

@config.when(region="US")
def undecorated_name() -> str:
    return "kept"

@config.when(flag=True)
def a__b__c() -> int:
    return 5

def price(rate: float, size_factor: int) -> float:
    return rate * size_factor
"""

CONFIGS: list[dict[str, Any]] = [
    {},
    {"region": "US"},
    {"region": "EU"},
    {"region": "APAC"},
    {"size": "s"},
    {"size": "m", "region": "US"},
    {"size": "xl"},
    {"size": None},
    {"tier": "gold"},
    {"region": "US", "tier": "gold"},
    {"region": "US", "tier": "silver"},
    {"mode": "fast"},
    {"mode": "fast", "tier": "gold"},
    {"flag": True},
    {"flag": 1},  # 1 == True, as in Hamilton
    {"flag": "yes"},
]

# config -> function nodes and their values (what Hamilton also produces)
EXPECTED: list[dict[str, Any]] = [
    {"rate": 2.0, "size_factor": 10, "price": 20.0},
    {"rate": 1.0, "size_factor": 10, "price": 10.0, "undecorated_name": "kept"},
    {"rate": 2.0, "size_factor": 10, "price": 20.0, "vat": 0.2},
    {"rate": 2.0, "size_factor": 10, "price": 20.0},
    {"rate": 2.0, "size_factor": 1, "price": 2.0},
    {"rate": 1.0, "size_factor": 1, "price": 1.0, "undecorated_name": "kept"},
    {"rate": 2.0, "size_factor": 10, "price": 20.0},
    {"rate": 2.0, "size_factor": 10, "price": 20.0},
    {"rate": 2.0, "size_factor": 10, "price": 20.0},
    {"rate": 1.0, "size_factor": 10, "price": 10.0, "undecorated_name": "kept", "bonus": 100},
    {"rate": 1.0, "size_factor": 10, "price": 10.0, "undecorated_name": "kept"},
    {"rate": 2.0, "size_factor": 10, "price": 20.0},
    {"rate": 2.0, "size_factor": 10, "price": 20.0, "speed": "fast-gold"},
    {"rate": 2.0, "size_factor": 10, "price": 20.0, "a__b": 5},
    {"rate": 2.0, "size_factor": 10, "price": 20.0, "a__b": 5},
    {"rate": 2.0, "size_factor": 10, "price": 20.0},
]


def make_module(source: str) -> ModuleType:
    return ad_hoc_utils.module_from_source(textwrap.dedent(source))


def function_nodes(dr: driver.Driver) -> list[str]:
    return sorted(v.name for v in dr.list_available_variables() if not v.is_external_input)


def run_selection(cfg: dict[str, Any]) -> dict[str, Any]:
    module = make_module(VARIANTS.format(package="hamilton_nb"))
    dr = driver.Builder().with_modules(module).with_config(cfg).build()
    return dr.execute(function_nodes(dr))


@pytest.mark.parametrize(
    ("cfg", "expected"), list(zip(CONFIGS, EXPECTED, strict=True)), ids=json.dumps
)
def test_variant_selection(cfg: dict[str, Any], expected: dict[str, Any]) -> None:
    assert run_selection(cfg) == expected


# -- naming ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function_name", "name_argument", "node_name"),
    [
        ("rate__us", None, "rate"),
        ("my_rate__v2", None, "my_rate"),
        ("a__b__c", None, "a__b"),
        ("plain", None, "plain"),
        ("_private__x", None, None),  # private functions never become nodes
        ("anything", "chosen", "chosen"),
        ("rate__us", "chosen", "chosen"),
    ],
)
def test_node_naming(function_name: str, name_argument: str | None, node_name: str | None) -> None:
    name_kw = f"name={name_argument!r}, " if name_argument else ""
    module = make_module(
        f"""
        from hamilton_nb.function_modifiers import config

        @config.when({name_kw}on=True)
        def {function_name}() -> int:
            return 1
        """
    )
    dr = driver.Builder().with_modules(module).with_config({"on": True}).build()
    assert function_nodes(dr) == ([node_name] if node_name else [])


def test_variant_node_keeps_its_originating_function() -> None:
    module = make_module(VARIANTS.format(package="hamilton_nb"))
    dr = driver.Builder().with_modules(module).with_config({"region": "US"}).build()
    (rate,) = [v for v in dr.list_available_variables() if v.name == "rate"]
    (origin,) = rate.originating_functions
    # named after the node, as in Hamilton, but a copy: the user's function is not renamed
    assert origin.__name__ == "rate" and origin.__code__ is module.rate__us.__code__
    assert module.rate__us.__name__ == "rate__us"
    assert dr.execute([module.rate__us]) == {"rate": 1.0}
    assert dr.execute([origin]) == {"rate": 1.0}


def test_config_keys_are_available_to_functions() -> None:
    module = make_module(
        """
        from hamilton_nb.function_modifiers import config

        @config.when(region="US")
        def label__us(region: str) -> str:
            return "label for " + region
        """
    )
    dr = driver.Builder().with_modules(module).with_config({"region": "US"}).build()
    assert dr.execute(["label"]) == {"label": "label for US"}


def test_decorated_function_stays_callable() -> None:
    @config.when(region="US")
    def rate__us(x: int) -> int:
        return x + 1

    assert rate__us(1) == 2


# -- errors ----------------------------------------------------------------------------------


def test_missing_config_dependent_node_mentions_the_excluded_variants() -> None:
    module = make_module(VARIANTS.format(package="hamilton_nb"))
    dr = driver.Builder().with_modules(module).with_config({"region": "US"}).build()
    assert "vat" not in function_nodes(dr)

    consumer = make_module(
        "def with_vat(vat: float, price: float) -> float:\n    return price * vat\n"
    )
    dr = driver.Builder().with_modules(module, consumer).with_config({"region": "US"}).build()
    with pytest.raises(errors.MissingInputError) as info:
        dr.execute(["with_vat"])
    message = str(info.value)
    assert "required input 'vat' is not provided (needed by 'with_vat')" in message
    assert "left out by config" in message
    assert "eu_vat requires when(region='EU')" in message


def test_all_variants_excluded_lists_each_of_them() -> None:
    module = make_module(
        """
        from hamilton_nb.function_modifiers import config

        @config.when(engine="a")
        def backend__a() -> str:
            return "a"

        @config.when_in(engine=["b", "c"])
        def backend__bc() -> str:
            return "bc"

        def report(backend: str) -> str:
            return backend
        """
    )
    dr = driver.Builder().with_modules(module).with_config({"engine": "z"}).build()
    with pytest.raises(errors.MissingInputError) as info:
        dr.execute(["report"])
    message = str(info.value)
    assert "backend__a requires when(engine='a')" in message
    assert "backend__bc requires when_in(engine=['b', 'c'])" in message
    # providing the value as an input (or override) still works
    assert dr.execute(["report"], inputs={"backend": "manual"}) == {"report": "manual"}


def test_two_variants_selected_together_are_duplicates() -> None:
    module = make_module(
        """
        from hamilton_nb.function_modifiers import config

        @config.when(a=1)
        def value__one() -> int:
            return 1

        @config.when(b=2)
        def value__two() -> int:
            return 2
        """
    )
    assert driver.Builder().with_modules(module).with_config({"a": 1}).build().execute(
        ["value"]
    ) == {"value": 1}
    with pytest.raises(errors.DuplicateNodeError, match=r"'value'.*value__one.*value__two"):
        driver.Builder().with_modules(module).with_config({"a": 1, "b": 2}).build()
    with pytest.raises(errors.DuplicateNodeError):
        driver.Builder().with_modules(module).with_config(
            {"a": 1, "b": 2}
        ).allow_module_overrides().build()  # overrides are across modules only


def test_config_when_without_a_condition_is_rejected() -> None:
    def rate() -> int:
        return 1

    with pytest.raises(errors.InvalidDecoratorError, match=r"rate' .*key=value"):
        module = ad_hoc_utils.create_temporary_module(config.when()(rate))
        driver.Builder().with_modules(module).build()


def test_config_when_in_needs_a_list_of_values() -> None:
    with pytest.raises(errors.InvalidDecoratorError, match=r"size=.*list of values"):
        config.when_in(size="s")


def test_optional_parameter_falls_back_to_its_default_when_config_excludes_the_producer() -> None:
    module = make_module(
        """
        from hamilton_nb.function_modifiers import config

        @config.when(region="US")
        def rate__us() -> float:
            return 1.0

        def price(rate: float = 3.0) -> float:
            return rate * 2
        """
    )
    results = [
        driver.Builder().with_modules(module).with_config(cfg).build().execute(["price"])
        for cfg in ({"region": "US"}, {"region": "EU"}, {})
    ]
    assert results == [{"price": 2.0}, {"price": 6.0}, {"price": 6.0}]  # as in Hamilton


def test_config_keys_are_nodes_as_in_hamilton() -> None:
    module = make_module("def price(rate: float = 3.0) -> float:\n    return rate * 2\n")
    dr = driver.Builder().with_modules(module).with_config({"region": "US"}).build()
    assert "region" in {v.name for v in dr.list_available_variables()}
    assert dr.execute(["price", "region"]) == {"price": 6.0, "region": "US"}
