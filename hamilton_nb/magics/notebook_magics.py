"""The IPython magics: parse the line with ``magic_arguments``, call plain functions, show.

Responsibilities:
- ``HamiltonNBMagics``: ``%%cell_to_module``, ``%%incr_cell_to_module``, ``%print_module``,
  ``%reset_module``, ``%%set_dict``, ``%module_to_cell`` (alias ``%insert_module``),
  ``%hamilton_status`` and ``%export_modules`` (``hamilton_nb.export``), each a thin wrapper
  over ``cell_run``, ``assigned``, ``status`` and
  the display helpers of ``hamilton_nb.extension.display``.
- Errors: usage problems become a one-line ``UsageError``; a failing cell raises the original
  exception (``SyntaxError``, the build error, the node's exception) with the traceback cut
  down to the user's own code.

Imported only by ``load_ipython_extension``: this is the one module that imports IPython at
the top.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from hamilton_nb import errors
from hamilton_nb.magics import cell_run, status
from hamilton_nb.magics.options import resolve_options
from hamilton_nb.magics.state import NotebookState

_PACKAGE_DIR = str(Path(__file__).resolve().parents[1])


def _shared_options(fn: Any) -> Any:
    """The options ``%%cell_to_module`` and ``%%incr_cell_to_module`` have in common."""
    decorators = [
        argument(
            "-d",
            "--display",
            nargs="?",
            const=True,
            default=None,
            metavar="VAR",
            help="Show the DAG inline (after -x: the run's statuses). VAR names a dict of "
            "visualization kwargs.",
        ),
        argument(
            "-x",
            "--execute",
            nargs="?",
            const=True,
            default=None,
            metavar="VAR",
            help="Execute the dataflow. VAR names a list of outputs; default: every node that "
            "is not an input, in topological order. Results become notebook variables named "
            "after their nodes (a.b becomes a__b).",
        ),
        argument(
            "-b",
            "--builder",
            metavar="VAR",
            help="A hamilton_nb Builder whose config, adapters and modules are used (it is "
            "copied, never changed).",
        ),
        argument(
            "-c",
            "--config",
            nargs="+",
            metavar="CONFIG",
            help="Driver config: a variable holding a dict, key=value pairs (string values) or "
            "a JSON object. Not together with a builder that has a config.",
        ),
        argument("-i", "--inputs", metavar="VAR", help="A dict of input values for -x."),
        argument("-o", "--overrides", metavar="VAR", help="A dict of node values for -x."),
        argument(
            "--show_results",
            action="store_true",
            help="Display the results (DataFrames as tables) in topological order.",
        ),
        argument(
            "-w",
            "--write_to_file",
            nargs="?",
            const=True,
            default=None,
            metavar="PATH",
            help="Write the module's source to PATH (default NAME.py) atomically, once the "
            "cell succeeded. Refuses to overwrite a file changed outside the notebook.",
        ),
        argument("--force", action="store_true", help="Let -w overwrite any existing file."),
        argument(
            "--fresh",
            action="store_true",
            help="Recompute every node instead of reusing results whose code and inputs did "
            "not change.",
        ),
        argument(
            "--display_cache",
            action="store_true",
            help="After -x, show what the driver's cache retrieved (drivers with a cache only).",
        ),
        argument("--explore", action="store_true", help="Show the interactive DAG explorer."),
        argument("--hide_results", action="store_true", help="Deprecated; ignored."),
        argument("-r", "--rebuild-drivers", action="store_true", help="Deprecated; ignored."),
        argument("-v", "--verbose", action="store_true", help="Deprecated; ignored."),
    ]
    for decorator in reversed(decorators):
        fn = decorator(fn)
    return fn


def _user_frames(tb: Any) -> Any:
    """The traceback from the first frame outside hamilton_nb (the user's code) on."""
    start = tb
    while start is not None and start.tb_frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        start = start.tb_next
    return start if start is not None else tb


def _short_traceback(exc: BaseException) -> list[str]:
    """The error's name (coloured as IPython does), its message and its notes."""
    notes = [str(note) for note in getattr(exc, "__notes__", ())]
    return [f"\x1b[0;31m{type(exc).__name__}\x1b[0m: {exc}", *notes]


def _reraise(exc: BaseException) -> None:
    """Raise ``exc`` for the notebook: usage problems as a one-line ``UsageError``; the
    package's own errors without a traceback (their message and notes say where); the rest
    (a node's exception, a SyntaxError in the cell) unchanged, with the traceback starting in
    the user's code."""
    __tracebackhide__ = True  # noqa: F841 - IPython hides this frame
    if isinstance(exc, (errors.CellModuleError, errors.UnsafeWriteError)):
        raise UsageError(str(exc)) from None
    if isinstance(exc, errors.HamiltonNBError) and _only_package_frames(exc):
        exc._render_traceback_ = functools.partial(_short_traceback, exc)  # type: ignore[attr-defined]
        raise exc.with_traceback(None)
    raise exc.with_traceback(_user_frames(exc.__traceback__))


def _only_package_frames(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        if not tb.tb_frame.f_code.co_filename.startswith(_PACKAGE_DIR):
            return False
        tb = tb.tb_next
    return True


@magics_class
class HamiltonNBMagics(Magics):
    """Turn notebook cells into hamilton_nb modules, run them, and inspect the results."""

    def __init__(self, shell: Any = None) -> None:
        super().__init__(shell)
        self.state = NotebookState()
        self.progress_delay: float | None = None  # seconds before a bar shows (None: default)

    @property
    def ip(self) -> Any:
        """The shell these magics are registered with."""
        assert self.shell is not None, "HamiltonNBMagics used before being registered"
        return self.shell

    # -- cell modules -------------------------------------------------------------------

    @magic_arguments()
    @argument("name", nargs="?", help="Name of the module defined by this cell.")
    @argument(
        "-m",
        "--module_name",
        metavar="NAME",
        help="Same as the positional NAME (kept for compatibility).",
    )
    @_shared_options
    @cell_magic
    def cell_to_module(self, line: str, cell: str) -> None:
        """Compile the cell into the module NAME, build its dataflow and optionally run it.

        The module is a real one: ``import NAME`` works, tracebacks and ``inspect.getsource``
        show the cell's lines, and re-running the cell updates the same module object (drivers
        built from it pick up the new functions). A cell that fails to compile, build or
        execute changes nothing: the previous module, results and driver stay. Re-running
        recomputes only the nodes whose code, config, inputs or upstream changed.

        Example::

            %%cell_to_module joke -x --show_results
            def setup() -> str:
                return "Why did the dataflow cross the road?"
            def punchline(setup: str) -> str:
                return setup.replace("Why did", "Because")
        """
        __tracebackhide__ = True  # noqa: F841
        args = parse_argstring(self.cell_to_module, line)
        self._run(args, [(None, cell)], "cell_to_module")

    @magic_arguments()
    @argument("name", help="Name of the module built from several cells.")
    @argument(
        "identifier",
        type=int,
        help="Position of this cell in the module (cells run in increasing order).",
    )
    @_shared_options
    @cell_magic
    def incr_cell_to_module(self, line: str, cell: str) -> None:
        """Build the module NAME from several cells, ordered by their IDENTIFIER.

        Running a cell again with the same identifier replaces that part. Every option of
        ``%%cell_to_module`` applies to the whole module.
        """
        __tracebackhide__ = True  # noqa: F841
        args = parse_argstring(self.incr_cell_to_module, line)
        parts = dict(self.state.incremental_parts.get(args.name, {}))
        parts[args.identifier] = cell
        ordered = [(f"{args.name}:{key}", parts[key]) for key in sorted(parts)]
        self._run(args, ordered, "incr_cell_to_module")
        self.state.incremental_parts[args.name] = parts  # kept once the module worked

    def _run(self, args: Any, parts: Sequence[tuple[str | None, str]], kind: str) -> None:
        """Resolve the options, run the cell all or nothing, push and show what it made."""
        __tracebackhide__ = True  # noqa: F841
        from hamilton_nb.extension import display

        try:
            options = resolve_options(args, self.ip.user_ns)
        except errors.CellModuleError as exc:
            raise UsageError(str(exc)) from None
        labelled = [(label or options.name, source) for label, source in parts]
        for note in options.notes:
            print(note)
        try:
            outcome = cell_run.run_cell(
                self.state,
                options,
                labelled,
                kind=kind,
                namespace=self.ip.user_ns,
                progress_delay=self.progress_delay,
            )
        except BaseException as exc:
            failure = self.state.failure_of(options.name)
            if failure is not None and failure.error is exc:
                kept = options.name in self.state.cells
                status.add_failure_note(options.name, failure, kept=kept)
                if failure.driver is not None and options.display:
                    display.show_dag(failure.driver, options.viz_kwargs, executed=True)
            _reraise(exc)
            raise  # unreachable: _reraise always raises
        if outcome.reloaded:
            print(f"reloaded changed helper module(s): {', '.join(outcome.reloaded)}")
        self.ip.push(outcome.variables)
        if options.display:
            display.show_dag(outcome.driver, options.viz_kwargs, executed=options.execute)
        if options.execute and options.show_results:
            display.show_results(outcome.driver, outcome.results)
        if options.execute and options.display_cache:
            display.show_cache(outcome.driver)
        if options.explore:
            display.show_explorer(
                outcome.driver,
                inputs=options.inputs,
                overrides=options.overrides,
                results=outcome.results,
            )
        if outcome.written is not None:
            print(f"wrote {str(outcome.written)!r}")

    @magic_arguments()
    @argument("name", help="The cell module to print.")
    @line_magic
    def print_module(self, line: str) -> None:
        """Show the source of cell module NAME (for %%incr_cell_to_module: all its cells, in
        order)."""
        from hamilton_nb.extension import display

        args = parse_argstring(self.print_module, line)
        cell = self.state.cells.get(args.name)
        if cell is None:
            raise UsageError(self._unknown_module(args.name))
        display.show_source(cell.source)

    @magic_arguments()
    @argument("name", help="The cell module to forget.")
    @line_magic
    def reset_module(self, line: str) -> None:
        """Forget cell module NAME: its cells, its module in sys.modules, the results kept for
        re-runs. Notebook variables stay."""
        args = parse_argstring(self.reset_module, line)
        cell = self.state.cells.get(args.name)
        if not self.state.forget(args.name):
            raise UsageError(self._unknown_module(args.name))
        if cell is not None and sys.modules.get(args.name) is cell.module:
            del sys.modules[args.name]
        print(f"reset module {args.name!r}")

    def _unknown_module(self, name: str) -> str:
        known = sorted(self.state.cells)
        listing = f"known: {', '.join(known)}" if known else "no cell module was defined yet"
        return (
            f"no cell module named {name!r}{errors.did_you_mean(name, known)} ({listing}); "
            "define it with %%cell_to_module NAME."
        )

    # -- notebook helpers ---------------------------------------------------------------

    @magic_arguments()
    @argument("name", help="Variable that receives the dict of the cell's assignments.")
    @cell_magic
    def set_dict(self, line: str, cell: str) -> None:
        """Run the cell in the notebook and store the variables it assigns, as a dict, in NAME
        (handy for -i inputs, -o overrides or -c config)."""
        __tracebackhide__ = True  # noqa: F841
        from hamilton_nb.magics.assigned import run_and_collect

        args = parse_argstring(self.set_dict, line)
        if not args.name.isidentifier():
            raise UsageError(f"{args.name!r} is not a valid variable name.")
        try:
            values = run_and_collect(args.name, cell, self.ip.user_ns)
        except BaseException as exc:
            _reraise(exc)
            raise
        self.ip.push({args.name: values})

    @line_magic
    def module_to_cell(self, line: str) -> None:
        """%module_to_cell PATH: put the source of the module file PATH in the next cell, under a
        %%cell_to_module header named after the file, ready to edit and run."""
        self._module_to_cell(line)

    @line_magic
    def insert_module(self, line: str) -> None:
        """%insert_module PATH: same as %module_to_cell."""
        self._module_to_cell(line)

    def _module_to_cell(self, line: str) -> None:
        from hamilton_nb.magics.module_source import cell_module_name, read_module_source

        try:
            path, source = read_module_source(line.strip())
        except errors.CellModuleError as exc:
            raise UsageError(str(exc)) from None
        self.state.guard.remember(path, source)
        header = f"%%cell_to_module {cell_module_name(path)}\n"
        self.ip.set_next_input(header + source, replace=False)

    @line_magic
    def hamilton_status(self, line: str) -> None:
        """%hamilton_status [NAME ...]: for each cell module, its nodes, which results are
        current (computed or reused by the last run of this version) and the memory held for
        re-runs."""
        from hamilton_nb.extension import display

        names = line.split()
        unknown = [n for n in names if n not in self.state.cells and not self.state.failure_of(n)]
        if unknown:
            raise UsageError(self._unknown_module(unknown[0]))
        display.show_status(status.build_report(self.state, names or None))

    @magic_arguments()
    @argument(
        "directory",
        nargs="?",
        default=".",
        help="Folder for the NAME.py files (default: the current folder).",
    )
    @argument("--module", action="append", metavar="NAME", help="Export only NAME (repeatable).")
    @argument("--force", action="store_true", help="Overwrite files that hold other content.")
    @line_magic
    def export_modules(self, line: str) -> None:
        """%export_modules [DIR]: write every cell module, as this kernel last ran it, to
        DIR/NAME.py (imports at the top, a provenance docstring). Existing files with other
        content are left alone unless --force."""
        from hamilton_nb.export import export_session, session_origin, write_modules

        args = parse_argstring(self.export_modules, line)
        names = args.module or sorted(self.state.cells)
        unknown = [n for n in names if n not in self.state.cells]
        if unknown or not names:
            raise UsageError(self._unknown_module(unknown[0] if unknown else ""))
        parts = {name: self.state.cells[name].parts for name in names}
        try:
            exported = export_session(parts, session_origin(self.ip.user_ns))
            written = write_modules(exported, args.directory, force=args.force)
        except errors.ExportError as exc:
            raise UsageError(str(exc)) from None
        for path, action in written:
            print(f"{action} {path}")
