"""``options``: option values resolved against the notebook namespace, without IPython."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from hamilton_nb import errors
from hamilton_nb.driver import Builder
from hamilton_nb.magics.options import parse_config, resolve_options


def _args(**given) -> argparse.Namespace:
    values = dict(
        name="m",
        module_name=None,
        display=None,
        execute=None,
        builder=None,
        config=None,
        inputs=None,
        overrides=None,
        show_results=False,
        write_to_file=None,
        force=False,
        fresh=False,
        display_cache=False,
        explore=False,
        hide_results=False,
        rebuild_drivers=False,
        verbose=False,
    )
    values.update(given)
    return argparse.Namespace(**values)


def test_defaults() -> None:
    options = resolve_options(_args(), {})
    assert options.name == "m" and not options.execute and not options.display
    assert options.outputs is None and options.config == {} and options.write_to is None
    assert options.notes == []


def test_values_come_from_the_namespace() -> None:
    builder = Builder()
    namespace = {
        "outs": ("a", "b"),
        "viz": {"orient": "TB"},
        "ins": {"x": 1},
        "ov": {"y": 2},
        "b": builder,
    }
    options = resolve_options(
        _args(execute="outs", display="viz", inputs="ins", overrides="ov", builder="b"), namespace
    )
    assert options.outputs == ["a", "b"] and options.viz_kwargs == {"orient": "TB"}
    assert options.inputs == {"x": 1} and options.overrides == {"y": 2}
    assert options.builder is builder
    assert options.execute and options.display


def test_flags_and_write_path() -> None:
    options = resolve_options(_args(execute=True, display=True, write_to_file=True), {})
    assert options.outputs is None and options.write_to == Path("m.py")
    options = resolve_options(_args(write_to_file="'out dir/x.py'", force=True, fresh=True), {})
    assert options.write_to == Path("out dir/x.py") and options.force and options.fresh


def test_deprecated_flags_and_useless_flags_give_notes() -> None:
    options = resolve_options(
        _args(hide_results=True, rebuild_drivers=True, verbose=True, show_results=True), {}
    )
    assert [n.split()[0] for n in options.notes] == [
        "--hide_results",
        "-r/--rebuild-drivers",
        "-v/--verbose",
        "--show_results",
    ]


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        (None, {}),
        (["a=1", "b=x y"], {"a": "1", "b": "x y"}),
        (["name='John Smith'"], {"name": "John Smith"}),
        (['\'{"a": 1, "b": [1, 2]}\''], {"a": 1, "b": [1, 2]}),
        (['{"a":', "1}"], {"a": 1}),  # unquoted JSON split by spaces
        (["cfg"], {"k": "v"}),
        (["k=a=b"], {"k": "a=b"}),
    ],
)
def test_config_forms(tokens, expected) -> None:
    assert parse_config(tokens, {"cfg": {"k": "v"}}) == expected


@pytest.mark.parametrize(
    ("tokens", "message"),
    [
        (["missing"], "-c missing: no variable named 'missing' in the notebook"),
        (["lst"], "-c lst: 'lst' must be a dict of config values, got list"),
        (["[1]"], "-c: '[1]' is not key=value"),
        (["{1: 2}"], "-c: '{1: 2}' is not valid JSON"),
        (["=1"], "-c: '=1' is not key=value"),
        (["a=1", "b"], "-c: 'b' is not key=value"),
    ],
)
def test_config_errors(tokens, message) -> None:
    with pytest.raises(errors.CellModuleError) as info:
        parse_config(tokens, {"lst": [1]})
    assert message in str(info.value)
