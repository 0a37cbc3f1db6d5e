"""Custom decorators built on Hamilton's lifecycle classes (``function_modifiers.base``):
how they map onto our stages, and the errors they raise (function, file:line and the fix)."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from hamilton_nb import ad_hoc_utils, driver, errors
from hamilton_nb.function_modifiers import base, tag
from hamilton_nb.node import DependencyType, Node, NodeType


class owner(base.NodeDecorator):  # noqa: N801 - decorators are lower case
    def __init__(self, who: str, target: base.TargetType = None) -> None:
        super().__init__(target=target)
        self.who = who

    def decorate_node(self, node_: Node) -> Node:
        return node_.copy_with(tags={**node_.tags, "owner": self.who})


class twice(base.NodeExpander):  # noqa: N801
    def __init__(self) -> None:
        self.validated: list[str] = []

    def validate(self, fn: Any) -> None:
        self.validated.append(fn.__name__)
        if inspect.signature(fn, eval_str=True).return_annotation is not int:
            raise base.InvalidDecoratorException(f"{fn.__name__} must return int")

    def expand_node(self, node_: Node, config: dict[str, Any], fn: Any) -> list[Node]:
        return [node_.copy_with(name=f"{node_.name}_{i}") for i in (1, 2)]


class needs_mode(base.NodeResolver):  # noqa: N801
    def required_config(self) -> list[str]:
        return ["mode"]

    def resolve(self, fn: Any, config: dict[str, Any]) -> Any:
        return fn if config["mode"] == "on" else None

    def validate(self, fn: Any) -> None:
        pass


class single(base.SingleNodeNodeTransformer):  # noqa: N801
    def transform_node(self, node_: Node, config: dict[str, Any], fn: Any) -> list[Node]:
        return [node_]

    def validate(self, fn: Any) -> None:
        pass


class broken_creator(base.NodeCreator):  # noqa: N801
    def generate_nodes(self, fn: Any, config: dict[str, Any]) -> list[Any]:
        return ["not a node"]

    def validate(self, fn: Any) -> None:
        pass


class seen_config(base.NodeCreator):  # noqa: N801
    """Records the config it was given."""

    def __init__(self) -> None:
        self.seen: dict[str, Any] = {}

    def optional_config(self) -> dict[str, Any]:
        return {"size": 3}

    def generate_nodes(self, fn: Any, config: dict[str, Any]) -> list[Node]:
        self.seen = config
        return [Node(fn.__name__, int, "", lambda: config["size"], input_types={})]

    def validate(self, fn: Any) -> None:
        pass


def _fresh() -> Any:
    def value(x: int) -> int:
        return x

    return value


def _build(*fns: Any, config: dict[str, Any] | None = None) -> driver.Driver:
    module = ad_hoc_utils.create_temporary_module(*fns)
    return driver.Builder().with_modules(module).with_config(config or {}).build()


def _where(fn: Any) -> str:
    return f"{fn.__code__.co_filename}:{fn.__code__.co_firstlineno}"


def test_each_lifecycle_class_has_its_stage() -> None:
    assert owner("a").stage is base.Stage.DECORATE
    assert twice().stage is base.Stage.EXPAND
    assert needs_mode().stage is base.Stage.RESOLVE
    assert single().stage is base.Stage.TRANSFORM
    assert seen_config().stage is base.Stage.CREATE
    assert twice().single_per_function and not owner("a").single_per_function


def test_validate_runs_once_when_applied_not_at_build() -> None:
    decorator = twice()
    fn = decorator(_fresh())
    _build(fn)
    _build(fn)
    assert decorator.validated == ["value"]


def test_validate_failure_comes_from_the_user_decorator() -> None:
    def text(x: int) -> str:
        return str(x)

    with pytest.raises(base.InvalidDecoratorException, match="text must return int"):
        twice()(text)


def test_missing_required_config_names_function_line_and_fix() -> None:
    fn = needs_mode()(_fresh())
    with pytest.raises(base.MissingConfigParametersException) as info:
        _build(fn)
    message = str(info.value)
    assert _where(fn) in message and "@needs_mode" in message
    assert "'mode'" in message and "with_config" in message
    assert isinstance(info.value, errors.InvalidDecoratorError)


def test_resolver_returning_none_leaves_the_function_out() -> None:
    fn = needs_mode()(_fresh())
    assert "value" in {v.name for v in _build(fn, config={"mode": "on"}).list_available_variables()}
    assert "value" not in {
        v.name for v in _build(fn, config={"mode": "off"}).list_available_variables()
    }


def test_config_is_filtered_to_declared_keys_with_defaults() -> None:
    decorator = seen_config()
    fn = decorator(_fresh())
    dr = _build(fn, config={"size": 5, "other": 1})
    assert decorator.seen == {"size": 5, "hamilton.enable_power_user_mode": False}
    assert dr.execute(["value"]) == {"value": 5}


def test_two_non_multiple_decorators_are_refused_when_applied() -> None:
    fn = twice()(_fresh())
    with pytest.raises(errors.InvalidDecoratorError) as info:
        twice()(fn)
    message = str(info.value)
    assert _where(fn) in message
    assert "allows_multiple() is False" in message and "Remove one" in message


def test_target_not_among_the_nodes() -> None:
    fn = owner("a", target="nope")(_fresh())
    with pytest.raises(errors.InvalidDecoratorError) as info:
        _build(fn)
    message = str(info.value)
    assert _where(fn) in message and "'nope'" in message and "(value)" in message


def test_single_node_transformer_on_two_final_nodes() -> None:
    fn = single()(twice()(_fresh()))
    with pytest.raises(errors.InvalidDecoratorError, match=r"single final node.*value_1, value_2"):
        _build(fn)


def test_expander_after_a_multi_node_creator() -> None:
    class two_nodes(base.NodeCreator):  # noqa: N801
        def generate_nodes(self, fn: Any, config: dict[str, Any]) -> list[Node]:
            return [Node("p", int, callabl=lambda: 1), Node("q", int, callabl=lambda: 2)]

        def validate(self, fn: Any) -> None:
            pass

    fn = twice()(two_nodes()(_fresh()))
    with pytest.raises(errors.InvalidDecoratorError, match=r"expands a single node.*p, q"):
        _build(fn)


def test_generated_values_must_be_nodes() -> None:
    fn = broken_creator()(_fresh())
    with pytest.raises(errors.InvalidDecoratorError) as info:
        _build(fn)
    assert _where(fn) in str(info.value) and "not a hamilton_nb.node.Node" in str(info.value)


def test_unknown_lifecycle_name() -> None:
    class odd(base.NodeDecorator):  # noqa: N801
        @classmethod
        def get_lifecycle_name(cls) -> str:
            return "whenever"

        def decorate_node(self, node_: Node) -> Node:
            return node_

    with pytest.raises(errors.InvalidDecoratorError, match="'whenever'.*subclass"):
        _build(odd(target=None)(_fresh()))


def test_mixes_with_our_decorators_in_stage_order() -> None:
    fn = owner("ana")(tag(team="core")(twice()(_fresh())))
    nodes = {v.name: v for v in _build(fn).list_available_variables()}
    assert nodes["value_1"].tags["owner"] == "ana" and nodes["value_2"].tags["team"] == "core"


def test_created_nodes_remember_the_function() -> None:
    fn = seen_config()(_fresh())
    (node,) = base.resolve_nodes(fn, {})
    assert node.originating_functions == (fn,)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (None, ["c", "d"]),
        (..., ["a", "b", "c", "d"]),
        ("b", ["b"]),
        (["a", "c"], ["a", "c"]),
        ([], []),
    ],
)
def test_select_nodes(target: base.TargetType, expected: list[str]) -> None:
    nodes = [
        Node(name, int, "", lambda **kw: 1, input_types={d: int for d in deps})
        for name, deps in {"a": [], "b": ["a"], "c": ["b"], "d": ["b"]}.items()
    ]
    selected = base.NodeTransformer.select_nodes(target, nodes)
    assert sorted(n.name for n in selected) == expected


def test_select_nodes_missing_name() -> None:
    with pytest.raises(errors.InvalidDecoratorError, match=r"'zz'.*\(a\)"):
        base.NodeTransformer.select_nodes(["a", "zz"], [Node("a", int, callabl=lambda: 1)])


def test_resolve_config() -> None:
    power = "hamilton.enable_power_user_mode"
    assert base.resolve_config("d", {"a": 1, "b": 2}, ["a"], {"b": 0, "c": 3}) == {
        "a": 1,
        "b": 2,
        "c": 3,
        power: False,
    }
    assert base.resolve_config("d", {"a": 1}, None, {}) == {"a": 1}
    with pytest.raises(base.MissingConfigParametersException, match="'z'"):
        base.resolve_config("d", {}, ["z"], {})


def test_sanitize_function_name() -> None:
    assert [base.sanitize_function_name(n) for n in ("a__b__c", "a", "a_b")] == ["a__b", "a", "a_b"]


def test_node_accepts_hamilton_spelling() -> None:
    def f(a: int, b: int = 2) -> int:
        return a + b

    node = Node("n", int, "doc", f)
    assert node.documentation == "doc" and node.callable is f
    assert node.input_types == {
        "a": (int, DependencyType.REQUIRED),
        "b": (int, DependencyType.OPTIONAL),
    }
    copied = node.copy_with(typ=float, callabl=len, doc_string="d2", input_types={"s": str})
    assert (copied.type, copied.callable, copied.documentation) == (float, len, "d2")
    assert copied.input_types == {"s": (str, DependencyType.REQUIRED)}
    assert node.default_parameter_values == {"b": 2}
    assert Node("e", int, node_source=NodeType.EXTERNAL).user_defined
    with pytest.raises(TypeError, match="nope"):
        node.copy_with(nope=1)
    with pytest.raises(errors.GraphBuildError, match="'h' needs a type"):
        Node("h", None)


def test_node_without_hints_needs_input_types() -> None:
    with pytest.raises(errors.MissingAnnotationError, match=r"'g'.*input_types="):
        Node("g", int, "", lambda x: x)


def test_reassign_inputs_renames_and_binds() -> None:
    def f(a: int, b: int) -> int:
        return a * 10 + b

    node = Node.from_fn(f).reassign_inputs(input_names={"a": "alpha"}, input_values={"b": 3})
    assert list(node.input_types) == ["alpha"]
    assert node.callable(alpha=1) == 13


def test_fingerprint_follows_optional_config() -> None:
    from hamilton_nb.magics.fingerprint import Fingerprinter

    fn = seen_config()(_fresh())
    (node,) = base.resolve_nodes(fn, {})
    digests = {Fingerprinter().node_code(node, {"size": s, "other": 0}) for s in (1, 2)}
    unrelated = {Fingerprinter().node_code(node, {"size": 1, "other": o}) for o in (1, 2)}
    assert len(digests) == 2 and len(unrelated) == 1
