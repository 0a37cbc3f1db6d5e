"""Custom decorators written as a Hamilton user writes them, by subclassing the lifecycle
classes of ``function_modifiers.base``, run by both engines."""

from __future__ import annotations

from .conftest import catchable_alike, same

# One decorator per lifecycle class, as a user's library module would define them.
DECORATORS = """
import inspect
from typing import Any

from hamilton import node
from hamilton.function_modifiers import base


class owner(base.NodeDecorator):
    def __init__(self, who: str, target: base.TargetType = None):
        super().__init__(target=target)
        self.who = who

    def decorate_node(self, node_: node.Node) -> node.Node:
        return node_.copy_with(tags={**node_.tags, "owner": self.who})


class fan_out(base.NodeExpander):
    '''One node per factor: ``<name>_<factor>`` = the function's value times factor.'''

    def __init__(self, *factors: int):
        self.factors = factors

    def validate(self, fn):
        if inspect.signature(fn).return_annotation is not int:
            raise base.InvalidDecoratorException(f"{fn.__name__} must return int")

    def expand_node(self, node_, config, fn):
        out = []
        for factor in self.factors:
            def scaled(__factor=factor, **kwargs):
                return node_.callable(**kwargs) * __factor
            out.append(
                node.Node(
                    f"{node_.name}_{factor}",
                    node_.type,
                    f"{node_.documentation} x{factor}",
                    scaled,
                    input_types=node_.input_types,
                    tags={**node_.tags, "factor": str(factor)},
                )
            )
        return out


class plus_one(base.SingleNodeNodeTransformer):
    def transform_node(self, node_, config, fn):
        inner = node_.callable

        def wrapped(**kwargs):
            return inner(**kwargs) + 1

        return [node_.copy_with(callabl=wrapped)]

    def validate(self, fn):
        pass


class for_mode(base.NodeResolver):
    def __init__(self, mode: str):
        self.mode = mode

    def required_config(self):
        return ["mode"]

    def resolve(self, fn, config):
        return fn if config["mode"] == self.mode else None

    def validate(self, fn):
        pass


class constant_node(base.NodeCreator):
    '''The function's name becomes a node computing ``base + offset`` (offset from config).'''

    def optional_config(self):
        return {"offset": 100}

    def generate_nodes(self, fn, config):
        offset = config["offset"]
        return [
            node.Node(
                name=fn.__name__,
                typ=int,
                doc_string="made from scratch",
                callabl=lambda base: base + offset,
                input_types={"base": int},
                tags={"made": "yes"},
            )
        ]

    def validate(self, fn):
        pass


class seeded(base.NodeInjector):
    '''Feeds every unsatisfied ``seed`` parameter from a new ``<fn>_seed`` node.'''

    def inject_nodes(self, params, config, fn):
        if "seed" not in params:
            return [], {}
        name = f"{fn.__name__}_seed"
        return [node.Node(name, int, "", lambda: 7, input_types={})], {"seed": name}

    def validate(self, fn):
        pass


class renamed(base.NodeTransformer):
    '''Adds a ``<name>_copy`` next to each target.'''

    def transform_node(self, node_, config, fn):
        return [node_, node_.copy_with(name=node_.name + "_copy")]

    def validate(self, fn):
        pass
"""

FLOW = """
from typing import Any
from decorators import owner, fan_out, plus_one, for_mode, constant_node, seeded, renamed


def base(x: int) -> int:
    return x * 10


@owner("ana")
@plus_one()
def tagged(base: int) -> int:
    '''Doc of tagged.'''
    return base + 1


@owner("bo", target=...)
@fan_out(2, 3)
def spread(base: int) -> int:
    return base


@owner("cy", target="spread_more_3")
@fan_out(3, 4)
def spread_more(x: int) -> int:
    return x


@for_mode("fast")
def mode_value__fast(base: int) -> int:
    return base + 5


@for_mode("slow")
def mode_value__slow(base: int) -> int:
    return base - 5


@constant_node()
def scratch() -> int:
    pass


@seeded()
def with_seed(seed: int, base: int) -> int:
    return seed + base


@renamed(target=None)
def duplicated(base: int) -> int:
    return base * 3
"""

DESCRIBE = """
def describe(dr):
    out = {}
    for v in dr.list_available_variables():
        out[v.name] = {
            "type": repr(v.type),
            "tags": {k: t for k, t in v.tags.items() if k != "module"},
            "required": sorted(v.required_dependencies),
            "optional": sorted(v.optional_dependencies),
            "external": v.is_external_input,
            "doc": v.documentation,
        }
    return out
"""


def test_each_lifecycle_class_builds_the_same_nodes_and_results(in_both) -> None:
    script = (
        DESCRIBE
        + """
import flow
from hamilton import driver
for mode in ("fast", "slow"):
    dr = driver.Builder().with_modules(flow).with_config({"mode": mode}).build()
    emit(f"nodes_{mode}", describe(dr))
    emit(f"order_{mode}", [v.name for v in dr.list_available_variables()])
    wanted = sorted(v.name for v in dr.list_available_variables() if not v.is_external_input)
    emit(f"results_{mode}", dr.execute(wanted, inputs={"x": 2}))
dr = driver.Builder().with_modules(flow).with_config({"mode": "fast", "offset": 1}).build()
emit("offset_from_config", dr.execute(["scratch"], inputs={"x": 2}))
"""
    )
    ours, theirs = in_both(script, {"decorators": DECORATORS, "flow": FLOW})
    same(ours, theirs)
    nodes = theirs["nodes_fast"]["dict"]
    assert "spread_2" in str(nodes) and "with_seed_seed" in str(nodes)
    assert "mode_value" in str(nodes) and "duplicated_copy" in str(nodes)


def test_decorator_stacking_with_builtin_decorators(in_both) -> None:
    flow = """
from hamilton.function_modifiers import tag, extract_fields, check_output
from decorators import owner, plus_one, renamed


@owner("ana")
@tag(team="core")
@plus_one()
def a(x: int) -> int:
    return x


@owner("bo", target="b_left")
@extract_fields({"b_left": int, "b_right": int})
def b(x: int) -> dict:
    return {"b_left": x, "b_right": -x}


@renamed(target=["c"])
@tag(kind="copied")
def c(a: int) -> int:
    return a * 2
"""
    script = (
        DESCRIBE
        + """
import flow
from hamilton import driver
dr = driver.Builder().with_modules(flow).build()
emit("nodes", describe(dr))
emit("order", [v.name for v in dr.list_available_variables()])
wanted = sorted(v.name for v in dr.list_available_variables() if not v.is_external_input)
emit("results", dr.execute(wanted, inputs={"x": 4}))
"""
    )
    ours, theirs = in_both(script, {"decorators": DECORATORS, "flow": flow})
    same(ours, theirs)


def test_misuse_raises_the_same_builtin_classes(in_both) -> None:
    script = """
from hamilton import ad_hoc_utils, driver
from decorators import owner, fan_out, plus_one, for_mode, constant_node


def build(*fns, config=None):
    module = ad_hoc_utils.create_temporary_module(*fns)
    return driver.Builder().with_modules(module).with_config(config or {}).build()


def fresh():
    def picky(x: int) -> int:
        return x

    return picky


def not_int(x: int) -> str:
    return str(x)


emit_error("missing_required_config", build, for_mode("fast")(fresh()))
emit_error("two_creators", lambda: constant_node()(constant_node()(fresh())))
emit_error("two_expanders", lambda: fan_out(2)(fan_out(3)(fresh())))
emit_error("validate_fails_when_applied", fan_out(2), not_int)
emit_error("target_not_produced", build, owner("x", target="nope")(fresh()))
emit_error("single_node_on_two_final_nodes", build, plus_one()(fan_out(2, 3)(fresh())))
emit("two_decorators_allowed", sorted(
    n.name for n in build(owner("a")(owner("b")(fresh()))).list_available_variables()
))
"""
    ours, theirs = in_both(script, {"decorators": DECORATORS})
    same(ours, theirs, "two_creators", "two_expanders", "two_decorators_allowed")
    catchable_alike(
        ours,
        theirs,
        "missing_required_config",
        "validate_fails_when_applied",
        "target_not_produced",
        "single_node_on_two_final_nodes",
    )


def test_node_api_used_by_custom_decorators(in_both) -> None:
    script = """
from hamilton import node
from hamilton.node import DependencyType


def f(a: int, b: int = 2) -> int:
    '''Doc.'''
    return a + b


n = node.Node.from_fn(f)
emit("from_fn", [n.name, repr(n.type), n.documentation, sorted(n.input_types)])
emit("input_types", {k: [repr(t), d.name] for k, (t, d) in n.input_types.items()})
emit("requires", [n.requires("a"), n.requires("b"), n.requires("zzz")])
emit("defaults", n.default_parameter_values)
emit("user_defined", n.user_defined)
c = n.copy_with(typ=float, doc_string="new", tags={"t": "1"})
emit("copy_with", [repr(c.type), c.documentation, dict(c.tags), repr(n.type)])
bare = node.Node("g", int, "gdoc", lambda x: x, input_types={"x": int})
emit("bare_types", {k: [repr(t), d.name] for k, (t, d) in bare.input_types.items()})
r = n.reassign_inputs(input_names={"a": "alpha"}, input_values={"b": 10})
emit("reassigned", [sorted(r.input_types), r.callable(alpha=1)])
emit("copied_callable", n.copy().callable(a=1))
ext = node.Node("e", int, node_source=node.NodeType.EXTERNAL)
emit("external", [ext.user_defined, dict(ext.input_types)])
emit_error("no_type", node.Node, "h", None)
inferred = node.Node("i", int, "", f)
emit("inferred", {k: [repr(t), d.name] for k, (t, d) in inferred.input_types.items()})
n.add_tag("added", "yes")
emit("add_tag", n.tags.get("added"))
"""
    ours, theirs = in_both(script)
    same(ours, theirs)


def test_helpers_and_config_filtering(in_both) -> None:
    script = """
from hamilton.function_modifiers import base
from hamilton.node import Node

emit("sanitize", [base.sanitize_function_name(n) for n in ("a__b", "a", "a__b__c", "__x")])
emit("resolve_config", base.resolve_config("d", {"a": 1, "b": 2}, ["a"], {"c": 3}))
emit("resolve_config_none", base.resolve_config("d", {"a": 1}, None, {}))
emit_error("resolve_config_missing", base.resolve_config, "d", {"a": 1}, ["z"], {})
from hamilton import function_modifiers
emit("exceptions_alike", base.InvalidDecoratorException is function_modifiers.InvalidDecoratorException)

def n(name, *deps):
    return Node(name, int, "", lambda **kw: 1, input_types={d: int for d in deps})

nodes = [n("a"), n("b", "a"), n("c", "b"), n("d", "b")]
for target in (None, ..., "b", ["a", "c"], []):
    emit(f"select_{target!r}", sorted(x.name for x in base.NodeTransformer.select_nodes(target, nodes)))
emit_error("select_missing", base.NodeTransformer.select_nodes, ["a", "zz"], nodes)
emit_error("early_validate", base.NodeTransformer._early_validate_target, ["a", "b"], False)
emit("lifecycles", [
    c.get_lifecycle_name() for c in (
        base.NodeResolver, base.NodeCreator, base.NodeInjector, base.NodeExpander,
        base.NodeTransformer, base.SingleNodeNodeTransformer, base.NodeDecorator,
        base.DynamicResolver,
    )
])
emit("multiple", [
    c.allows_multiple() for c in (
        base.NodeResolver, base.NodeCreator, base.NodeInjector, base.NodeExpander,
        base.NodeTransformer, base.NodeDecorator, base.DynamicResolver,
    )
])

def plain(x: int) -> int:
    return x

emit("default_decorators", {
    k: [type(d).__name__ for d in v] for k, v in base.get_node_decorators(plain, {}).items()
})
"""
    ours, theirs = in_both(script)
    errors = ("resolve_config_missing", "select_missing", "early_validate")
    same(ours, theirs, *(k for k in theirs if not k.startswith("__") and k not in errors))
    catchable_alike(ours, theirs, *errors)


def test_resolve_and_dynamic_resolver_choose_custom_decorators(in_both) -> None:
    script = """
from hamilton import ad_hoc_utils, driver
from hamilton.function_modifiers import base, resolve, ResolveAt
from decorators import owner


class owner_from_config(base.DynamicResolver):
    def resolve(self, config, fn):
        return owner(config["who"])


class strict_owner(owner):
    def validate_node(self, node_):
        if node_.type is not int:
            raise base.InvalidDecoratorException(f"{node_.name} is not an int")


@resolve(when=ResolveAt.CONFIG_AVAILABLE, decorate_with=lambda who: owner(who))
def by_resolve(x: int) -> int:
    return x


@owner_from_config()
def by_dynamic(x: int) -> int:
    return x


def text(x: int) -> str:
    return str(x)


config = {"who": "dee", "hamilton.enable_power_user_mode": True}
dr = driver.Builder().with_modules(ad_hoc_utils.create_temporary_module(by_resolve, by_dynamic)).with_config(config).build()
emit("tags", {v.name: v.tags.get("owner") for v in dr.list_available_variables()})
module = ad_hoc_utils.create_temporary_module(strict_owner("e")(text))
emit_error("validate_node", driver.Builder().with_modules(module).build)
"""
    ours, theirs = in_both(script, {"decorators": DECORATORS})
    same(ours, theirs, "tags")
    catchable_alike(ours, theirs, "validate_node")
    assert theirs["tags"]["dict"]["by_dynamic"] == "dee"
