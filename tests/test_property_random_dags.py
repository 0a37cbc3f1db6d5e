"""Property test: random DAGs give the same results as a plain reference evaluator.

Each example writes a module's source (functions in a shuffled definition order), builds it
with ``Builder`` and executes it at least three times (the first run is interpreted, later
runs use compiled code), comparing with a memoized recursive evaluation of the same spec.
A second property adds a ``Parallelizable``/``Collect`` block and checks it on every executor.
"""

from __future__ import annotations

import dataclasses
import textwrap
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamilton_nb import ad_hoc_utils, driver, errors
from hamilton_nb.execution import executors

MODULUS = 1_000_003
EXTERNALS = ("x0", "x1", "x2", "x3")


@dataclasses.dataclass(frozen=True)
class Param:
    name: str
    optional: bool
    default: int = 0


@dataclasses.dataclass(frozen=True)
class FunctionSpec:
    name: str
    params: tuple[Param, ...]
    salt: int


def formula(spec: FunctionSpec) -> str:
    """The body's expression; the reference evaluator computes the same with ``combine``."""
    terms = [str(spec.salt)] + [f"{i + 2} * {p.name}" for i, p in enumerate(spec.params)]
    return f"({' + '.join(terms)}) % {MODULUS}"


def combine(spec: FunctionSpec, values: list[int]) -> int:
    return (spec.salt + sum((i + 2) * v for i, v in enumerate(values))) % MODULUS


def function_source(spec: FunctionSpec) -> str:
    required = [p for p in spec.params if not p.optional]
    optional = [p for p in spec.params if p.optional]
    # Python wants defaults last; the formula keys on spec.params order, so reorder both.
    ordered = FunctionSpec(spec.name, tuple(required + optional), spec.salt)
    signature = ", ".join(
        f"{p.name}: int = {p.default}" if p.optional else f"{p.name}: int" for p in ordered.params
    )
    return f"def {spec.name}({signature}) -> int:\n    return {formula(ordered)}\n"


def normalized(spec: FunctionSpec) -> FunctionSpec:
    required = [p for p in spec.params if not p.optional]
    optional = [p for p in spec.params if p.optional]
    return FunctionSpec(spec.name, tuple(required + optional), spec.salt)


@st.composite
def function_specs(
    draw: st.DrawFn, prefix: str, count: int, sources: list[str]
) -> list[FunctionSpec]:
    specs: list[FunctionSpec] = []
    for i in range(count):
        earlier = [s.name for s in specs] + sources
        candidates = earlier + list(EXTERNALS)
        names = draw(st.lists(st.sampled_from(candidates), max_size=4, unique=True))
        params = tuple(
            Param(
                name,
                draw(st.booleans()) if draw(st.integers(0, 2)) == 0 else False,
                draw(st.integers(-5, 5)),
            )
            for name in names
        )
        specs.append(normalized(FunctionSpec(f"{prefix}{i}", params, draw(st.integers(0, 99)))))
    return specs


@dataclasses.dataclass
class Request:
    final_vars: list[str]
    inputs: dict[str, int]
    overrides: dict[str, int]


@st.composite
def dags(draw: st.DrawFn) -> tuple[list[FunctionSpec], list[int], list[Request]]:
    count = draw(st.integers(1, 25))
    specs = draw(function_specs("n", count, []))
    order = draw(st.permutations(range(count)))
    names = [s.name for s in specs]
    requests = []
    for _ in range(draw(st.integers(1, 3))):
        final_vars = draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
        inputs = {
            name: draw(st.integers(-100, 100))
            for name in draw(st.lists(st.sampled_from(EXTERNALS), unique=True))
        }
        overridden = draw(st.lists(st.sampled_from(names), max_size=3, unique=True))
        overrides = {}
        for name in overridden:
            # an input named like a function node acts as an override
            target = inputs if draw(st.booleans()) else overrides
            target[name] = draw(st.integers(-100, 100))
        requests.append(Request(final_vars, inputs, overrides))
    return specs, list(order), requests


class MissingInputs(Exception):
    pass


def reference(specs: list[FunctionSpec], request: Request) -> dict[str, int]:
    """Memoized recursive evaluation, written independently of the engine."""
    by_name = {s.name: s for s in specs}
    provided = {**request.inputs, **request.overrides}
    memo: dict[str, int] = {}
    missing: set[str] = set()

    def value(name: str) -> int:
        if name in provided:
            return provided[name]
        if name in memo:
            return memo[name]
        spec = by_name[name]
        args = []
        for param in spec.params:
            if param.name in by_name or param.name in provided:
                args.append(value(param.name))
            elif param.optional:
                args.append(param.default)
            else:
                missing.add(param.name)
                args.append(0)
        memo[name] = combine(spec, args)
        return memo[name]

    result = {name: value(name) for name in request.final_vars}
    if missing:
        raise MissingInputs(missing)
    return result


def module_source(specs: list[FunctionSpec], order: list[int]) -> str:
    return "\n\n".join(function_source(specs[i]) for i in order)


def check_request(dr: driver.Driver, specs: list[FunctionSpec], request: Request) -> None:
    try:
        expected = reference(specs, request)
    except MissingInputs as exc:
        for _ in range(3):
            with pytest.raises(errors.MissingInputError) as info:
                dr.execute(request.final_vars, inputs=request.inputs, overrides=request.overrides)
            for name in exc.args[0]:
                assert f"'{name}'" in str(info.value)
        return
    for _ in range(3):
        result = dr.execute(request.final_vars, inputs=request.inputs, overrides=request.overrides)
        assert result == expected


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dags())
def test_random_dags_match_the_reference(
    dag: tuple[list[FunctionSpec], list[int], list[Request]],
) -> None:
    specs, order, requests = dag
    module = ad_hoc_utils.module_from_source(module_source(specs, order))
    dr = driver.Builder().with_modules(module).build()
    for request in requests:
        check_request(dr, specs, request)
    # the same requests again, interleaved: cached plans must not leak between shapes
    for request in reversed(requests):
        check_request(dr, specs, request)


@settings(max_examples=100, deadline=None)
@given(dags(), st.randoms(use_true_random=False))
def test_definition_order_does_not_change_the_graph(
    dag: tuple[list[FunctionSpec], list[int], list[Request]], rng: Any
) -> None:
    specs, order, requests = dag
    shuffled = list(order)
    rng.shuffle(shuffled)
    modules = [ad_hoc_utils.module_from_source(module_source(specs, o)) for o in (order, shuffled)]
    drivers = [driver.Builder().with_modules(module).build() for module in modules]

    def shape(dr: driver.Driver) -> tuple[Any, ...]:
        nodes = {
            v.name: (v.type, v.is_external_input, v.required_dependencies, v.optional_dependencies)
            for v in dr.list_available_variables()
        }
        edges = {(dep, name) for name, n in dr.graph.nodes.items() for dep in n.input_types}
        return nodes, edges

    assert shape(drivers[0]) == shape(drivers[1])
    for request in requests:
        outcomes = []
        for dr in drivers:
            try:
                outcomes.append(
                    dr.execute(
                        request.final_vars, inputs=request.inputs, overrides=request.overrides
                    )
                )
            except errors.MissingInputError as exc:
                outcomes.append(type(exc))
        assert outcomes[0] == outcomes[1]


# -- with a Parallelizable block -------------------------------------------------------------


@dataclasses.dataclass
class BlockDag:
    pre: list[FunctionSpec]  # outside, before the block
    items_params: tuple[str, ...]  # pre nodes feeding the Parallelizable node
    item_count: int
    body: list[FunctionSpec]  # per item; may use "items", earlier body nodes, pre nodes
    collects: list[tuple[str, str, tuple[str, ...]]]  # (name, body node, pre nodes)
    post: list[FunctionSpec]  # outside, after; may use pre nodes and collects
    order: list[int]
    inputs: dict[str, int]
    overrides: dict[str, int]
    final_vars: list[str]


@st.composite
def block_dags(draw: st.DrawFn) -> BlockDag:
    pre = draw(function_specs("pre", draw(st.integers(0, 4)), []))
    # pre nodes use only required externals here, so every example can run
    pre = [FunctionSpec(s.name, tuple(Param(p.name, False) for p in s.params), s.salt) for s in pre]
    pre_names = [s.name for s in pre]
    items_params: tuple[str, ...] = ()
    if pre_names:
        items_params = tuple(draw(st.lists(st.sampled_from(pre_names), unique=True)))
    item_count = draw(st.integers(0, 5))
    body: list[FunctionSpec] = []
    for i in range(draw(st.integers(1, 4))):
        sources = ["items"] + [b.name for b in body]
        extra = draw(st.lists(st.sampled_from(sources + pre_names), max_size=3, unique=True))
        names = list(dict.fromkeys([draw(st.sampled_from(sources))] + extra))
        body.append(
            FunctionSpec(
                f"body{i}", tuple(Param(n, False) for n in names), draw(st.integers(0, 99))
            )
        )
    collects = []
    for i in range(draw(st.integers(1, 3))):
        target = draw(st.sampled_from([b.name for b in body]))
        outside = tuple(
            draw(st.lists(st.sampled_from(pre_names), max_size=2, unique=True)) if pre_names else []
        )
        collects.append((f"collect{i}", target, outside))
    post: list[FunctionSpec] = []
    for i in range(draw(st.integers(0, 3))):
        sources = [c[0] for c in collects] + pre_names + [p.name for p in post]
        names = draw(st.lists(st.sampled_from(sources), min_size=1, max_size=3, unique=True))
        post.append(
            FunctionSpec(
                f"post{i}", tuple(Param(n, False) for n in names), draw(st.integers(0, 99))
            )
        )
    total = len(pre) + 1 + len(body) + len(collects) + len(post)
    order = list(draw(st.permutations(range(total))))
    inputs = {name: draw(st.integers(-50, 50)) for name in EXTERNALS}
    outside = pre_names + [p.name for p in post]
    overrides: dict[str, int] = {}
    if outside:
        for name in draw(st.lists(st.sampled_from(outside), max_size=2, unique=True)):
            overrides[name] = draw(st.integers(-50, 50))
    requestable = outside + [c[0] for c in collects] + ["items"]
    final_vars = draw(st.lists(st.sampled_from(requestable), min_size=1, max_size=4, unique=True))
    return BlockDag(
        pre, items_params, item_count, body, collects, post, order, inputs, overrides, final_vars
    )


def block_source(dag: BlockDag) -> str:
    parts = [function_source(s) for s in dag.pre]
    items_signature = ", ".join(f"{p}: int" for p in dag.items_params)
    items_seed = " + ".join(dag.items_params) or "0"
    parts.append(
        f"def items({items_signature}) -> Parallelizable[int]:\n"
        f"    return [({items_seed}) * 10 + i for i in range({dag.item_count})]\n"
    )
    parts += [function_source(s) for s in dag.body]
    for name, target, outside in dag.collects:
        extra = "".join(f", {o}: int" for o in outside)
        added = "".join(f" + {o}" for o in outside)
        parts.append(
            f"def {name}({target}: Collect[int]{extra}) -> int:\n"
            f"    return (sum((i + 1) * v for i, v in enumerate({target})){added}) % {MODULUS}\n"
        )
    parts += [function_source(s) for s in dag.post]
    header = "from hamilton_nb.htypes import Collect, Parallelizable\n\n"
    return header + "\n\n".join(parts[i] for i in dag.order)


def block_reference(dag: BlockDag) -> dict[str, Any]:
    provided = {**dag.inputs, **dag.overrides}
    outside = {s.name: s for s in dag.pre + dag.post}
    memo: dict[str, Any] = {}

    def value(name: str) -> Any:
        if name in provided:
            return provided[name]
        if name in memo:
            return memo[name]
        if name == "items":
            seed = sum(value(p) for p in dag.items_params)
            result: Any = [seed * 10 + i for i in range(dag.item_count)]
        elif name in outside:
            spec = outside[name]
            result = combine(spec, [value(p.name) for p in spec.params])
        else:
            (_, target, extra) = next(c for c in dag.collects if c[0] == name)
            per_item = [body_value(target, item, {}) for item in value("items")]
            weighted = sum((i + 1) * v for i, v in enumerate(per_item))
            result = (weighted + sum(value(o) for o in extra)) % MODULUS
        memo[name] = result
        return result

    body = {s.name: s for s in dag.body}

    def body_value(name: str, item: int, cache: dict[str, int]) -> int:
        if name == "items":
            return item
        if name not in body:
            return value(name)
        if name not in cache:
            spec = body[name]
            cache[name] = combine(spec, [body_value(p.name, item, cache) for p in spec.params])
        return cache[name]

    return {name: value(name) for name in dag.final_vars}


def run_block_property(dag: BlockDag, executor: executors.TaskExecutor) -> None:
    module = ad_hoc_utils.module_from_source(block_source(dag))
    dr = (
        driver.Builder()
        .with_modules(module)
        .enable_dynamic_execution(allow_experimental_mode=True)
        .with_remote_executor(executor)
        .build()
    )
    expected = block_reference(dag)
    for _ in range(3):
        result = dr.execute(dag.final_vars, inputs=dag.inputs, overrides=dag.overrides)
        assert result == expected


@settings(max_examples=150, deadline=None)
@given(block_dags())
def test_random_block_dags_sync(dag: BlockDag) -> None:
    run_block_property(dag, executors.SynchronousLocalTaskExecutor())


@settings(max_examples=60, deadline=None)
@given(block_dags())
def test_random_block_dags_threads(dag: BlockDag) -> None:
    run_block_property(dag, executors.MultiThreadingExecutor(3))


@settings(max_examples=10, deadline=None)
@given(block_dags())
def test_random_block_dags_processes(dag: BlockDag) -> None:
    run_block_property(dag, executors.MultiProcessingExecutor(2))


def test_generated_source_is_what_the_reference_assumes() -> None:
    spec = FunctionSpec("n1", (Param("n0", False), Param("x0", True, 3)), 7)
    assert function_source(spec) == textwrap.dedent(
        """\
        def n1(n0: int, x0: int = 3) -> int:
            return (7 + 2 * n0 + 3 * x0) % 1000003
        """
    )
