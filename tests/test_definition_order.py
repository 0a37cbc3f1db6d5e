"""Definition order must not change the dataflow (dask's name-order permutation trick).

Every permutation of a module's functions gives the same nodes, types, edges and results;
for one order, the node order is reproducible and topological.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from hamilton_nb import ad_hoc_utils, driver

HEADER = (
    "from hamilton_nb.function_modifiers import config\n"
    "from hamilton_nb.htypes import Collect, Parallelizable\n\n"
)

# name -> (functions in their default order, outputs, inputs, config)
CASES: dict[str, tuple[list[str], list[str], dict[str, Any], dict[str, Any]]] = {
    "diamond": (
        [
            "def a(x: int) -> int:\n    return x + 1\n",
            "def b(a: int) -> int:\n    return a * 2\n",
            "def c(a: int, y: int = 3) -> int:\n    return a * y\n",
            "def d(b: int, c: int) -> int:\n    return b - c\n",
            "def e(d: int, a: int) -> int:\n    return d * 10 + a\n",
        ],
        ["e", "c"],
        {"x": 4},
        {},
    ),
    "config_variants": (
        [
            "@config.when(mode='fast')\ndef speed__fast(base: int) -> int:\n    return base * 10\n",
            "@config.when_not(mode='fast')\ndef speed__slow(base: int) -> int:\n    return base\n",
            "def base(x: int) -> int:\n    return x + 1\n",
            "def report(speed: int, base: int) -> str:\n    return f'{base}:{speed}'\n",
        ],
        ["report"],
        {"x": 1},
        {"mode": "fast"},
    ),
    "parallel_block": (
        [
            "def items(n: int) -> Parallelizable[int]:\n    return list(range(n))\n",
            "def shared(n: int) -> int:\n    return n * 100\n",
            "def each(items: int, shared: int) -> int:\n    return items + shared\n",
            "def gathered(each: Collect[int]) -> list:\n    return list(each)\n",
            "def summary(gathered: list, shared: int) -> int:\n    return sum(gathered) - shared\n",
        ],
        ["summary", "gathered"],
        {"n": 3},
        {},
    ),
}


def build(functions: list[str], cfg: dict[str, Any]) -> driver.Driver:
    module = ad_hoc_utils.module_from_source(HEADER + "\n\n".join(functions))
    return (
        driver.Builder()
        .with_modules(module)
        .with_config(cfg)
        .enable_dynamic_execution(allow_experimental_mode=True)
        .build()
    )


def shape(dr: driver.Driver) -> tuple[dict[str, Any], set[tuple[str, str]]]:
    nodes = {
        v.name: (v.type, v.is_external_input, v.required_dependencies, v.optional_dependencies)
        for v in dr.list_available_variables()
    }
    edges = {(dep, name) for name, node in dr.graph.nodes.items() for dep in node.input_types}
    return nodes, edges


def permutations(functions: list[str]) -> list[list[str]]:
    if len(functions) <= 5:
        return [list(p) for p in itertools.permutations(functions)]
    rng = random.Random(1234)
    return [rng.sample(functions, len(functions)) for _ in range(60)]


@pytest.mark.parametrize("case", list(CASES))
def test_every_definition_order_gives_the_same_dataflow(case: str) -> None:
    functions, outputs, inputs, cfg = CASES[case]
    reference = build(functions, cfg)
    expected_shape = shape(reference)
    expected = reference.execute(outputs, inputs=inputs)
    for order in permutations(functions):
        dr = build(order, cfg)
        assert shape(dr) == expected_shape
        for _ in range(3):
            assert dr.execute(outputs, inputs=inputs) == expected
        order_index = {name: i for i, name in enumerate(dr.graph.order)}
        for name, node in dr.graph.nodes.items():
            for dependency in node.input_types:
                assert order_index[dependency] < order_index[name]


@pytest.mark.parametrize("case", list(CASES))
def test_node_order_is_reproducible_for_one_definition_order(case: str) -> None:
    functions, _, _, cfg = CASES[case]
    for order in permutations(functions)[:10]:
        first = [v.name for v in build(order, cfg).list_available_variables()]
        second = [v.name for v in build(order, cfg).list_available_variables()]
        assert first == second


def test_independent_nodes_keep_definition_order() -> None:
    functions = [f"def f{i}() -> int:\n    return {i}\n" for i in (3, 1, 4, 0, 2)]
    dr = build(functions, {})
    assert dr.graph.order == ["f3", "f1", "f4", "f0", "f2"]  # execution and pictures
    # list_available_variables lists functions by name, as Hamilton does
    assert [v.name for v in dr.list_available_variables()] == ["f0", "f1", "f2", "f3", "f4"]
