"""The options of ``%%cell_to_module``, resolved against the notebook's variables.

Responsibilities:
- ``resolve_options``: parsed arguments (an ``argparse.Namespace``) + the user namespace ->
  ``CellOptions``, plain data the cell runner uses. Every variable an option names is looked
  up here, before anything runs; a missing or ill-typed one is a one-line ``CellModuleError``
  naming the option and the variable.
- ``parse_config``: ``-c VAR``, ``-c key=value ...`` or ``-c '{json}'`` -> a dict.
- Notes for deprecated Hamilton flags, which are accepted and ignored.

No IPython here: the magic parses the line, this module gives the parsed values meaning.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hamilton_nb import errors

DEPRECATED_FLAGS: dict[str, str] = {
    "hide_results": "--hide_results is deprecated and ignored: results are only displayed "
    "with --show_results.",
    "rebuild_drivers": "-r/--rebuild-drivers is deprecated and ignored: drivers built from a "
    "cell module pick up its new functions by themselves.",
    "verbose": "-v/--verbose is deprecated and ignored.",
}


@dataclass
class CellOptions:
    """What one run of ``%%cell_to_module`` was asked to do."""

    name: str
    display: bool = False
    viz_kwargs: dict[str, Any] = field(default_factory=dict)
    execute: bool = False
    outputs: list[Any] | None = None  # None: every function node, in topological order
    builder: Any = None  # a hamilton_nb Builder (copied before use), or None
    config: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)
    overrides: dict[str, Any] = field(default_factory=dict)
    show_results: bool = False
    write_to: Path | None = None
    force: bool = False
    display_cache: bool = False
    fresh: bool = False
    explore: bool = False
    notes: list[str] = field(default_factory=list)


def _usage(message: str) -> errors.CellModuleError:
    return errors.CellModuleError(message)


def lookup(namespace: Mapping[str, Any], flag: str, variable: str) -> Any:
    """The value of notebook variable ``variable`` named by option ``flag``."""
    if variable in namespace:
        return namespace[variable]
    public = [k for k in namespace if not k.startswith("_")]
    raise _usage(
        f"{flag} {variable}: no variable named {variable!r} in the notebook"
        f"{errors.did_you_mean(variable, public)}; define it before running this cell."
    )


def _typed(
    namespace: Mapping[str, Any],
    flag: str,
    variable: str,
    check: Callable[[Any], bool],
    what: str,
) -> Any:
    value = lookup(namespace, flag, variable)
    if not check(value):
        raise _usage(f"{flag} {variable}: {variable!r} must be {what}, got {type(value).__name__}.")
    return value


def unquote(token: str) -> str:
    """``'text'`` or ``"text"`` -> ``text`` (IPython's argument splitting keeps the quotes)."""
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "'\"":
        return token[1:-1]
    return token


def parse_config(tokens: list[str] | None, namespace: Mapping[str, Any]) -> dict[str, Any]:
    """``-c`` values: one variable holding a dict, ``key=value`` pairs (string values), or a
    JSON object (typed values)."""
    if not tokens:
        return {}
    tokens = [unquote(t) for t in tokens]
    text = " ".join(tokens).strip()
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _usage(
                f"-c: {text!r} is not valid JSON ({exc.msg}, column {exc.colno}); quote it "
                """whole, e.g. -c '{"region": "EU", "year": 2024}'."""
            ) from None
        return value  # a JSON text starting with "{" is an object
    if len(tokens) == 1 and tokens[0].isidentifier():
        value = _typed(namespace, "-c", tokens[0], _is_mapping, "a dict of config values")
        return dict(value)
    config: dict[str, Any] = {}
    for token in tokens:
        key, sep, value = token.partition("=")
        if not sep or not key:
            raise _usage(
                f"-c: {token!r} is not key=value; give one variable (-c my_config), "
                "key=value pairs (-c region=EU year=2024) or JSON (-c '{\"year\": 2024}')."
            )
        config[key] = unquote(value)
    return config


def _is_mapping(value: Any) -> bool:
    return isinstance(value, Mapping)


def _is_outputs(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, (list, tuple)) and all(
        isinstance(v, str) or callable(v) for v in value
    )


def _is_builder(value: Any) -> bool:
    from hamilton_nb.driver import Builder

    return isinstance(value, Builder)


def module_name(args: argparse.Namespace) -> str:
    """The module name from the positional argument or ``-m/--module_name`` (exactly one)."""
    positional = getattr(args, "name", None)
    flagged = getattr(args, "module_name", None)
    if positional and flagged and positional != flagged:
        raise _usage(f"two module names: {positional!r} and -m {flagged!r}; give one of them.")
    name = positional or flagged
    if not name:
        optional_values = (("-d", args.display), ("-x", args.execute), ("-w", args.write_to_file))
        taken = [
            f"{flag} took {value!r}" for flag, value in optional_values if isinstance(value, str)
        ]
        hint = f" ({', '.join(taken)} as its value)" if taken else ""
        raise _usage(f"no module name{hint}: write it first, %%cell_to_module NAME [options].")
    return name


def _take_name_from_config(args: argparse.Namespace) -> None:
    """``-c a=1 b=2 NAME``: the name was swallowed by ``-c``'s values; give it back."""
    tokens = args.config
    if (
        tokens
        and len(tokens) > 1
        and not getattr(args, "name", None)
        and not getattr(args, "module_name", None)
        and "=" not in tokens[-1]
        and not tokens[0].lstrip().startswith("{")
    ):
        args.name = tokens.pop()


def resolve_options(args: argparse.Namespace, namespace: Mapping[str, Any]) -> CellOptions:
    """Turn parsed ``%%cell_to_module`` arguments into ``CellOptions``.

    Raises ``CellModuleError`` (one line, naming the option) for a missing or ill-typed
    variable, a malformed config, or a config given both with ``-c`` and in ``-b``'s builder.
    """
    _take_name_from_config(args)
    name = module_name(args)
    options = CellOptions(name=name)
    options.notes = [note for flag, note in DEPRECATED_FLAGS.items() if getattr(args, flag, False)]

    if args.display is not None:
        options.display = True
        if isinstance(args.display, str):
            options.viz_kwargs = dict(
                _typed(namespace, "-d", args.display, _is_mapping, "a dict of visualization kwargs")
            )
    if args.execute is not None:
        options.execute = True
        if isinstance(args.execute, str):
            outputs = _typed(namespace, "-x", args.execute, _is_outputs, "a list of node names")
            options.outputs = [outputs] if isinstance(outputs, str) else list(outputs)
    if args.builder:
        options.builder = _typed(
            namespace, "-b", args.builder, _is_builder, "a hamilton_nb.driver.Builder"
        )
    options.config = parse_config(args.config, namespace)
    if options.config and options.builder is not None and options.builder.config:
        raise _usage(
            f"-c and -b {args.builder}: the builder already has a config; give the config "
            "in one place (either -c, or the builder's with_config)."
        )
    if args.inputs:
        options.inputs = dict(
            _typed(namespace, "-i", args.inputs, _is_mapping, "a dict of input values")
        )
    if args.overrides:
        options.overrides = dict(
            _typed(namespace, "-o", args.overrides, _is_mapping, "a dict of node values")
        )
    options.show_results = bool(getattr(args, "show_results", False))
    if args.write_to_file is not None:
        target = (
            unquote(args.write_to_file) if isinstance(args.write_to_file, str) else f"{name}.py"
        )
        options.write_to = Path(target).expanduser()
    options.force = bool(getattr(args, "force", False))
    options.display_cache = bool(getattr(args, "display_cache", False))
    options.fresh = bool(getattr(args, "fresh", False))
    options.explore = bool(getattr(args, "explore", False))
    if (options.show_results or options.display_cache) and not options.execute:
        flag = "--show_results" if options.show_results else "--display_cache"
        options.notes.append(f"{flag} has nothing to show without -x/--execute.")
    return options
