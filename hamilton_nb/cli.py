"""The ``hamilton-nb`` command line: export notebooks, view, run and validate module files.

Responsibilities:
- ``main(argv)``: argparse with one subcommand per action (``export``, ``view``, ``run``,
  ``validate``) and ``--version``; returns the exit code: 0 success, 1 the dataflow has
  problems / failed / ``--check`` found differences, 2 bad usage or input (one line on
  stderr, nothing executed, nothing written).
- ``load_module_file``: a ``.py`` path -> the imported module, registered in ``sys.modules``
  under its file stem (its folder goes first on ``sys.path`` so sibling modules import).
- ``parse_json_arg``: ``--inputs``/``--config`` values: JSON text or ``@file.json``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from hamilton_nb import __version__, errors

USAGE = 2
PROBLEMS = 1


class CLIError(Exception):
    """A usage or input problem: printed as one line, exit code 2."""


def load_module_file(path_text: str) -> ModuleType:
    """Import the module file ``path_text``; raises ``CLIError`` for a bad path and lets the
    module's own exceptions propagate (the module is unregistered again then)."""
    path = Path(path_text).expanduser()
    if not path.is_file():
        raise CLIError(f"no module file {path_text!r}; give the path of a .py file.")
    if path.suffix != ".py":
        raise CLIError(f"{path_text!r} is not a .py file; give Python module files.")
    name = path.stem
    if not name.isidentifier():
        raise CLIError(f"{path_text!r}: {name!r} is not a valid module name; rename the file.")
    if name in sys.stdlib_module_names or hasattr(sys.modules.get(name), "__path__"):
        raise CLIError(
            f"{path_text!r}: {name!r} would shadow the imported module of that name; "
            "rename the file."
        )
    folder = str(path.resolve().parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    previous = sys.modules.get(name)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        if previous is not None:
            sys.modules[name] = previous
        else:
            sys.modules.pop(name, None)
        raise
    return module


def parse_json_arg(flag: str, text: str | None) -> dict[str, Any]:
    """``--flag`` value: a JSON object, or ``@path`` to a file holding one."""
    if text is None:
        return {}
    source = text
    if text.startswith("@"):
        path = Path(text[1:]).expanduser()
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CLIError(f"{flag} {text!r}: cannot read the file ({exc}).") from None
    try:
        value = json.loads(source)
    except json.JSONDecodeError as exc:
        raise CLIError(
            f"{flag}: not valid JSON ({exc.msg}, column {exc.colno}); give an object such as "
            """'{"x": 1}' or @file.json."""
        ) from None
    if not isinstance(value, dict):
        raise CLIError(f"{flag}: expected a JSON object, got {type(value).__name__}.")
    return value


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def _load_all(paths: Sequence[str]) -> tuple[list[ModuleType], list[str]]:
    """Every module that loads, and one problem line per module that does not."""
    modules, problems = [], []
    for path in paths:
        try:
            modules.append(load_module_file(path))
        except CLIError:
            raise
        except BaseException as exc:
            problems.append(f"{path}: {_one_line(exc)}")
    return modules, problems


def _build(modules: Sequence[ModuleType], config: dict[str, Any]) -> Any:
    from hamilton_nb.driver import Builder

    return Builder().with_modules(*modules).with_config(config).build()


# -- subcommands ----------------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    from hamilton_nb import export

    try:
        exported = export.export_notebook(args.notebook, args.module or None)
        if not exported:
            raise CLIError(
                f"{args.notebook!r} has no %%cell_to_module or %%incr_cell_to_module cells; "
                "nothing to export."
            )
        if args.check:
            problems = export.check_modules(exported, args.output)
            for problem in problems:
                print(f"hamilton-nb export --check: {problem}", file=sys.stderr)
            if problems:
                return PROBLEMS
            print(f"{len(exported)} module(s) up to date in {args.output!r}")
            return 0
        for path, action in export.write_modules(exported, args.output, force=args.force):
            print(f"{action} {str(path)}")
    except errors.ExportError as exc:
        raise CLIError(str(exc)) from None
    return 0


def cmd_view(args: argparse.Namespace) -> int:
    config = parse_json_arg("--config", args.config)
    modules, problems = _load_all(args.modules)
    if problems:
        raise CLIError(problems[0])
    try:
        dr = _build(modules, config)
    except errors.GraphBuildError as exc:
        print(f"hamilton-nb view: {_one_line(exc)}", file=sys.stderr)
        return PROBLEMS
    picture = dr.display_all_functions()
    if picture is None:
        raise CLIError("cannot draw the DAG without the graphviz package: pip install graphviz")
    try:
        written = picture.save_picture(args.output)
    except (errors.RenderError, errors.VisualizationError, OSError) as exc:
        raise CLIError(f"cannot write {args.output!r}: {_one_line(exc)}") from None
    print(f"wrote {str(written)}")
    return 0


def _jsonable(value: Any) -> Any:
    if hasattr(value, "to_dict") and callable(value.to_dict):
        try:
            return value.to_dict(orient="list")  # DataFrame
        except TypeError:
            return value.to_dict()  # Series
    if hasattr(value, "tolist") and callable(value.tolist):
        return value.tolist()  # numpy arrays and scalars
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def _print_table(results: dict[str, Any]) -> None:
    width = max((len(name) for name in results), default=0)
    for name, value in results.items():
        text = value.to_string() if hasattr(value, "to_string") else repr(value)
        lines = text.splitlines() or [""]
        if len(lines) == 1:
            print(f"{name.ljust(width)}  {lines[0]}")
        else:
            print(f"{name}:")
            for line in lines:
                print(f"    {line}")


def cmd_run(args: argparse.Namespace) -> int:
    inputs = parse_json_arg("--inputs", args.inputs)
    config = parse_json_arg("--config", args.config)
    outputs = [name.strip() for name in args.outputs.split(",") if name.strip()]
    if not outputs:
        raise CLIError("--outputs: give at least one node name, e.g. --outputs a,b.")
    modules, problems = _load_all(args.modules)
    if problems:
        raise CLIError(problems[0])
    try:
        dr = _build(modules, config)
    except errors.GraphBuildError as exc:
        print(f"hamilton-nb run: {_one_line(exc)}", file=sys.stderr)
        return PROBLEMS
    available = {v.name for v in dr.list_available_variables()}
    unknown = [name for name in outputs if name not in available]
    if unknown:
        raise CLIError(
            f"--outputs: no node {unknown[0]!r}{errors.did_you_mean(unknown[0], available)}; "
            f"available: {', '.join(sorted(available))}."
        )
    try:
        results = dr.raw_execute(outputs, inputs=inputs)
    except errors.MissingInputError as exc:
        raise CLIError(f"{_one_line(exc)} (give it with --inputs)") from None
    except Exception as exc:
        print(f"hamilton-nb run: {_one_line(exc)}", file=sys.stderr)
        return PROBLEMS
    ordered = {name: results[name] for name in outputs}
    if args.format == "table":
        _print_table(ordered)
    else:
        print(json.dumps(ordered, indent=2, default=_jsonable))
    return 0


def _build_problem(modules: Sequence[ModuleType], config: dict[str, Any]) -> str | None:
    try:
        dr = _build(modules, config)
    except errors.GraphBuildError as exc:
        return str(exc).strip()
    # a malformed Parallelizable/Collect block builds (as in Hamilton) but cannot run
    error = dr.graph.block_error
    return str(error).strip() if error is not None else None


def cmd_validate(args: argparse.Namespace) -> int:
    """Every module that fails to import, each module's own build problems, then the problems
    of the modules together (duplicate names, edges across modules)."""
    config = parse_json_arg("--config", args.config)
    modules, problems = _load_all(args.modules)
    seen = set()
    stages = [(m.__name__, [m]) for m in modules]
    if len(modules) > 1:
        stages.append(("together", modules))
    for label, group in stages:
        problem = _build_problem(group, config)
        if problem is not None and problem not in seen:
            seen.add(problem)
            problems.append(f"{label}: {problem}")
    if not problems:
        dr = _build(modules, config)
        names = ", ".join(m.__name__ for m in modules)
        print(f"ok: {len(dr.graph.nodes)} nodes from {names}")
        return 0
    for problem in problems:
        print(f"hamilton-nb validate: {problem}", file=sys.stderr)
    print(f"{len(problems)} problem(s) found", file=sys.stderr)
    return PROBLEMS


# -- the parser -----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hamilton-nb",
        description="Export notebook cell modules to .py files; view, run and validate them.",
    )
    parser.add_argument("--version", action="version", version=f"hamilton-nb {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    export = commands.add_parser(
        "export",
        help="write each %%%%cell_to_module of a notebook to NAME.py",
        description="Write one .py module per %%cell_to_module / %%incr_cell_to_module name "
        "of NOTEBOOK, without running it.",
    )
    export.add_argument("notebook", metavar="NOTEBOOK.ipynb")
    export.add_argument("-o", "--output", default=".", metavar="DIR", help="folder (default .)")
    export.add_argument(
        "--module", action="append", metavar="NAME", help="export only NAME (repeatable)"
    )
    export.add_argument("--force", action="store_true", help="overwrite files with other content")
    export.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the files in DIR differ from what the notebook gives",
    )
    export.set_defaults(handler=cmd_export)

    config_help = "driver config as JSON or @file.json"
    view = commands.add_parser(
        "view",
        help="render the DAG of module files",
        description="Render the dataflow of MODULE.py files to a picture (.svg, .png, .pdf, .dot).",
    )
    view.add_argument("modules", nargs="+", metavar="MODULE.py")
    view.add_argument("-o", "--output", default="dag.svg", metavar="FILE", help="default dag.svg")
    view.add_argument("--config", metavar="JSON", help=config_help)
    view.set_defaults(handler=cmd_view)

    run = commands.add_parser(
        "run",
        help="execute module files and print results",
        description="Build the dataflow of MODULE.py files and print the requested outputs.",
    )
    run.add_argument("modules", nargs="+", metavar="MODULE.py")
    run.add_argument("--outputs", required=True, metavar="A,B", help="node names, comma-separated")
    run.add_argument("--inputs", metavar="JSON", help="input values as JSON or @file.json")
    run.add_argument("--config", metavar="JSON", help=config_help)
    run.add_argument("--format", choices=("json", "table"), default="json", help="default json")
    run.set_defaults(handler=cmd_run)

    validate = commands.add_parser(
        "validate",
        help="build module files and report every problem",
        description="Import MODULE.py files and build their dataflow; print every problem and "
        "exit 1 if there is any.",
    )
    validate.add_argument("modules", nargs="+", metavar="MODULE.py")
    validate.add_argument("--config", metavar="JSON", help=config_help)
    validate.set_defaults(handler=cmd_validate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return USAGE
    try:
        return args.handler(args)
    except CLIError as exc:
        print(f"hamilton-nb {args.command}: {exc}", file=sys.stderr)
        return USAGE


if __name__ == "__main__":
    sys.exit(main())
