"""Notebook -> ``.py`` modules, from the ``.ipynb`` file alone (no kernel, nothing executed).

Responsibilities:
- ``read_notebook``: a path -> the notebook's cells (nbformat v4); a missing file, malformed
  JSON or a JSON file that is not a notebook is a one-line ``ExportError``.
- ``module_cells``: the code cells whose first line is ``%%cell_to_module`` or
  ``%%incr_cell_to_module``, with the module name parsed by the magics' own argument parser.
- ``collect_modules``: what the kernel held after running the notebook top to bottom: the
  last cell defining a module wins; ``%%incr_cell_to_module`` parts are merged by their ID
  (a later cell with the same ID replaces the earlier one) and ordered by ID.
- ``export_notebook`` / ``export_session``: -> ``ExportedModule`` (name, file text) each,
  rendered by ``export_source.render_module``.
- ``write_modules`` / ``check_modules``: write the files (all checks first: nothing is
  written when any target would clobber a different existing file without ``force``), or
  list the files that differ from what the notebook produces (``--check``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hamilton_nb import errors
from hamilton_nb.export_source import render_module

MAGICS = ("cell_to_module", "incr_cell_to_module")


@dataclass(frozen=True)
class ModuleCell:
    """One code cell that defines (part of) a module."""

    number: int  # 1-based position of the cell in the notebook
    kind: str  # "cell_to_module" or "incr_cell_to_module"
    name: str
    identifier: int | None  # the part's ID for incr cells
    body: str  # the cell without its magic line


@dataclass(frozen=True)
class ExportedModule:
    """The text of one exported module and where it came from."""

    name: str
    cells: tuple[int, ...]
    text: str

    @property
    def filename(self) -> str:
        return f"{self.name}.py"


def read_notebook(path: str | Path) -> list[dict[str, Any]]:
    """The cells of the notebook at ``path`` (as nbformat v4 dicts)."""
    import nbformat

    path = Path(path)
    if not path.is_file():
        raise errors.ExportError(
            f"no notebook file {str(path)!r}; give the path of an .ipynb file."
        )
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise errors.ExportError(f"cannot read {str(path)!r}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise errors.ExportError(
            f"{str(path)!r} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "give a Jupyter .ipynb notebook."
        ) from None
    is_notebook = isinstance(data, dict) and isinstance(data.get("cells"), list)
    if not is_notebook or "nbformat" not in data:
        raise errors.ExportError(
            f"{str(path)!r} is JSON but not a Jupyter notebook (no 'nbformat' and 'cells'); "
            "give an .ipynb file."
        )
    try:
        notebook = nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises several unrelated types for bad notebooks
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise errors.ExportError(
            f"{str(path)!r} is not a readable notebook: {first_line}"
        ) from None
    return list(notebook.cells)


def _magic_parser(kind: str) -> Any:
    from hamilton_nb.magics.notebook_magics import HamiltonNBMagics

    return getattr(HamiltonNBMagics, kind).parser


def parse_magic_line(line: str, where: str) -> tuple[str, str, int | None] | None:
    """``%%cell_to_module NAME ...`` -> (kind, name, identifier); None for other lines.

    Options are parsed exactly as the magics parse them; bad ones are an ``ExportError``.
    """
    from IPython.core.error import UsageError

    from hamilton_nb.magics.cell_module import check_module_name
    from hamilton_nb.magics.options import _take_name_from_config, module_name

    head, _, rest = line.strip().partition(" ")
    kind = head[2:] if head.startswith("%%") else ""
    if kind not in MAGICS:
        return None
    try:
        args = _magic_parser(kind).parse_argstring(rest)
        identifier = None
        if kind == "incr_cell_to_module":
            identifier = args.identifier
        else:
            _take_name_from_config(args)
        name = args.name if identifier is not None else module_name(args)
        check_module_name(name)
    except (UsageError, errors.CellModuleError) as exc:
        raise errors.ExportError(f"{where}: {line.strip()!r}: {exc}") from None
    if name in sys.stdlib_module_names:
        raise errors.ExportError(
            f"{where}: module name {name!r} is a standard-library module; rename the cell module."
        )
    return kind, name, identifier


def module_cells(cells: Sequence[Mapping[str, Any]], notebook: str) -> list[ModuleCell]:
    """The cells that define modules, in notebook order."""
    found: list[ModuleCell] = []
    for number, cell in enumerate(cells, 1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        lines = source.lstrip("\n").split("\n", 1)
        parsed = parse_magic_line(lines[0], f"{notebook} cell {number}")
        if parsed is None:
            continue
        kind, name, identifier = parsed
        found.append(ModuleCell(number, kind, name, identifier, lines[1] if len(lines) > 1 else ""))
    return found


def collect_modules(cells: Iterable[ModuleCell]) -> dict[str, list[ModuleCell]]:
    """Module name -> the cells the kernel's module was built from, in module order.

    Mirrors the magics: a ``%%cell_to_module`` cell replaces the module; an
    ``%%incr_cell_to_module`` cell replaces the part with its ID among all the incr parts
    seen so far for that name, and the module becomes those parts ordered by ID.
    """
    modules: dict[str, list[ModuleCell]] = {}
    incremental: dict[str, dict[int, ModuleCell]] = {}
    for cell in cells:
        if cell.identifier is None:
            modules[cell.name] = [cell]
            continue
        parts = incremental.setdefault(cell.name, {})
        parts[cell.identifier] = cell
        modules[cell.name] = [parts[key] for key in sorted(parts)]
    return modules


def _label(notebook: str, cell: ModuleCell) -> str:
    return f"{notebook} cell {cell.number} ({cell.name})"


def export_notebook(path: str | Path, names: Sequence[str] | None = None) -> list[ExportedModule]:
    """The modules the notebook at ``path`` defines (only ``names`` when given), by name.

    Raises ``ExportError`` for an unreadable notebook, a bad magic line, a cell that is not
    valid Python, or a requested name no cell defines.
    """
    path = Path(path)
    cells = module_cells(read_notebook(path), path.name)
    modules = collect_modules(cells)
    wanted = list(dict.fromkeys(names)) if names else sorted(modules)
    unknown = [n for n in wanted if n not in modules]
    if unknown:
        known = ", ".join(sorted(modules)) or "none"
        raise errors.ExportError(
            f"no cell module {unknown[0]!r} in {path.name!r}"
            f"{errors.did_you_mean(unknown[0], modules)} (modules: {known})."
        )
    exported = []
    for name in wanted:
        parts = modules[name]
        numbers = tuple(cell.number for cell in parts)
        listing = ", ".join(str(n) for n in numbers)
        plural = "s" if len(numbers) > 1 else ""
        provenance = f"Exported from {path.name} (cell{plural} {listing}) by hamilton-nb export."
        text = render_module([(_label(path.name, c), c.body) for c in parts], provenance)
        exported.append(ExportedModule(name, numbers, text))
    return exported


def export_session(
    modules: Mapping[str, Sequence[tuple[str, str]]], origin: str
) -> list[ExportedModule]:
    """Modules from (label, source) parts as a kernel ran them (``%export_modules``)."""
    exported = []
    for name in sorted(modules):
        provenance = f"Exported from {origin} by %export_modules."
        text = render_module([(label, source) for label, source in modules[name]], provenance)
        exported.append(ExportedModule(name, (), text))
    return exported


def session_origin(namespace: Mapping[str, Any]) -> str:
    """How provenance names the running notebook: its file name when the kernel knows it."""
    import os

    for candidate in (namespace.get("__session__"), os.environ.get("JPY_SESSION_NAME")):
        if isinstance(candidate, str) and candidate.strip():
            return f"the kernel session of {Path(candidate).name}"
    return "an IPython session"


def _target_dir(out_dir: str | Path) -> Path:
    folder = Path(out_dir).expanduser()
    if folder.exists() and not folder.is_dir():
        raise errors.ExportError(
            f"output {str(folder)!r} is a file, not a folder; give a folder with -o DIR."
        )
    return folder


def check_modules(exported: Sequence[ExportedModule], out_dir: str | Path) -> list[str]:
    """Files in ``out_dir`` that are missing or differ from ``exported`` (a message each)."""
    folder = _target_dir(out_dir)
    problems = []
    for module in exported:
        target = folder / module.filename
        if not target.is_file():
            problems.append(f"{str(target)!r} is missing")
        elif target.read_text(encoding="utf-8") != module.text:
            problems.append(f"{str(target)!r} differs from the notebook")
    return problems


def write_modules(
    exported: Sequence[ExportedModule], out_dir: str | Path, force: bool = False
) -> list[tuple[Path, str]]:
    """Write each module to ``out_dir/NAME.py``; returns (path, "wrote"|"unchanged") pairs.

    Every target is checked before anything is written: a folder in the way, or an existing
    file with other content (unless ``force``), is an ``ExportError`` and nothing changes.
    """
    from hamilton_nb.files import write_text_atomically

    folder = _target_dir(out_dir)
    actions = []
    for module in exported:
        target = folder / module.filename
        if target.is_dir():
            raise errors.ExportError(f"{str(target)!r} is a folder; remove it or export elsewhere.")
        if target.is_file():
            if target.read_text(encoding="utf-8", errors="replace") == module.text:
                actions.append((target, "unchanged"))
                continue
            if not force:
                raise errors.ExportError(
                    f"{str(target)!r} exists with other content; add --force to overwrite it "
                    "(nothing was written)."
                )
        actions.append((target, "wrote"))
    folder.mkdir(parents=True, exist_ok=True)
    for module, (target, action) in zip(exported, actions, strict=True):
        if action == "wrote":
            write_text_atomically(target, module.text)
    return actions
