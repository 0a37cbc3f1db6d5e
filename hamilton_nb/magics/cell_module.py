"""Cell modules: notebook cells compiled into a real module that is updated in place.

Responsibilities:
- ``compile_part``: cell source -> code objects under a filename unique to this version of
  the cell, with the source registered in ``linecache`` (tracebacks, ``inspect.getsource``
  and ``pdb`` show the cell's own lines with their line numbers); definitions unchanged since
  the previous version are not compiled again (``chunks``).
- ``ModuleUpdate``: run new code in the module registered as ``sys.modules[name]``; the module
  object is created once and kept (drivers and user variables holding it see every new
  version). The previous contents are kept aside until ``commit``; ``rollback`` puts them
  back exactly, so a cell that fails leaves the module as it was. A module the magics did not
  create is never changed: a project file module of the same name is shadowed in
  ``sys.modules`` by the cell module; installed and standard-library names are refused.

Every update gives the module a new ``__hamilton_nb_version__`` (unique in the process), which
drivers compare to notice that a module they were built from has changed.
"""

from __future__ import annotations

import importlib.util
import itertools
import keyword
import linecache
import sys
import sysconfig
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType, ModuleType

from hamilton_nb import errors
from hamilton_nb.magics.chunks import Chunk, compile_chunks

VERSION_ATTR = "__hamilton_nb_version__"
CELL_ATTR = "__hamilton_nb_cell__"  # True on modules the magics created or took over

_versions = itertools.count(1)


@dataclass(frozen=True)
class CellPart:
    """One cell's source, the label that names it in filenames, and its compiled code: one
    code object per definition (``chunks``), or one for the whole cell."""

    label: str
    source: str
    filename: str
    codes: tuple[CodeType, ...]
    chunks: Mapping[Chunk, CodeType] = field(default_factory=dict)


def check_module_name(name: str) -> None:
    """Raise ``CellModuleError`` unless ``name`` can be a module and a notebook variable."""
    if not name.isidentifier() or keyword.iskeyword(name):
        raise errors.CellModuleError(
            f"module name {name!r} is not a Python identifier: use letters, digits and "
            "underscores, not starting with a digit."
        )


def register_source(filename: str, source: str) -> None:
    """Make ``linecache`` (hence tracebacks, ``inspect`` and ``pdb``) serve ``source``."""
    lines = source.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    # mtime None: linecache.checkcache never evicts the entry (there is no file to check).
    linecache.cache[filename] = (len(source), None, lines, filename)


def compile_part(kind: str, label: str, source: str, previous: CellPart | None = None) -> CellPart:
    """Compile ``source`` for module code; raises ``SyntaxError`` pointing at the cell's line.

    The filename (``<kind label #n>``) is new on every call, so tracebacks of functions from
    earlier versions of the cell keep showing their own lines. Definitions unchanged since
    ``previous`` (the last compilation of this cell) are not compiled again.
    """
    filename = f"<{kind} {label} #{next(_versions)}>"
    register_source(filename, source)  # before compiling: a SyntaxError display reads it
    chunked = compile_chunks(source, filename, previous.chunks if previous is not None else {})
    if chunked is not None:
        codes, chunks = chunked
        return CellPart(label, source, filename, tuple(codes), chunks)
    code = compile(source, filename, "exec", dont_inherit=True)
    return CellPart(label, source, filename, (code,))


def combined_filename(kind: str, name: str) -> str:
    """A new filename for the whole source of a module assembled from several cells."""
    return f"<{kind} {name} #{next(_versions)}>"


def is_cell_module(module: object) -> bool:
    return isinstance(module, ModuleType) and bool(getattr(module, CELL_ATTR, False))


class ModuleUpdate:
    """Replaces the contents of ``sys.modules[name]`` with new code, reversibly.

    Created by ``begin``; then ``run(parts)``, and finally ``commit()`` or ``rollback()``.
    Functions defined by the new code use the module's own ``__dict__`` as their globals,
    exactly as in an imported module.
    """

    def __init__(
        self, name: str, module: ModuleType, created: bool, shadowed: ModuleType | None = None
    ) -> None:
        self.name = name
        self.module = module
        self.created = created
        self.shadowed = shadowed  # the project module sys.modules held before, if any
        self._snapshot = dict(module.__dict__)
        self.version = next(_versions)
        self.done = False

    @classmethod
    def begin(cls, name: str) -> ModuleUpdate:
        """Claim ``sys.modules[name]``: the cell module already there, else a new one.

        Raises ``CellModuleError`` when ``name`` is taken by an installed or standard-library
        module, or by a package: shadowing those would break everything that imports them.
        """
        existing = sys.modules.get(name)
        if is_cell_module(existing):
            return cls(name, existing, created=False)  # type: ignore[arg-type]
        check_module_available(name)
        module = ModuleType(name)
        setattr(module, CELL_ATTR, True)
        sys.modules[name] = module
        return cls(name, module, created=True, shadowed=existing)

    def run(self, parts: list[CellPart], file_label: str) -> None:
        """Empty the module and execute ``parts`` in order in it; exceptions propagate.

        ``file_label`` becomes ``__file__`` (registered in ``linecache`` with the whole source,
        so ``inspect.getsource(module)`` works).
        """
        namespace = self.module.__dict__
        namespace.clear()
        namespace.update(
            __name__=self.name,
            __doc__=None,
            __package__="",
            __loader__=None,
            __spec__=None,
            __file__=file_label,
        )
        namespace[CELL_ATTR] = True
        namespace[VERSION_ATTR] = self.version
        if len(parts) > 1:
            register_source(file_label, "".join(_with_newline(p.source) for p in parts))
        for part in parts:
            for code in part.codes:
                exec(code, namespace)

    def commit(self) -> None:
        """Keep the new contents (nothing left to undo)."""
        self._snapshot = {}
        self.done = True

    def rollback(self) -> None:
        """Put the previous contents back (or unregister a module this update created)."""
        if self.done:
            return
        self.done = True
        if self.created:
            if sys.modules.get(self.name) is self.module:
                if self.shadowed is not None:
                    sys.modules[self.name] = self.shadowed
                else:
                    del sys.modules[self.name]
            return
        namespace = self.module.__dict__
        namespace.clear()
        namespace.update(self._snapshot)
        self._snapshot = {}


def _with_newline(source: str) -> str:
    return source if source.endswith("\n") else source + "\n"


def check_module_available(name: str) -> None:
    """Raise ``CellModuleError`` unless a cell module may be registered as ``name``: a valid
    identifier that is a cell module already, free, or a project file module (shadowed)."""
    check_module_name(name)
    existing = sys.modules.get(name)
    if is_cell_module(existing):
        return
    if existing is not None:
        _check_can_shadow(name, existing)
    else:
        _check_not_importable(name)


def _check_can_shadow(name: str, module: ModuleType) -> None:
    """A plain ``.py`` module of the user's project may be shadowed (``%module_to_cell``
    round trips); installed, standard-library, built-in modules and packages may not."""
    file = getattr(module, "__file__", None)
    reason = ""
    if hasattr(module, "__path__"):
        reason = "a package"
    elif not file:
        reason = "a built-in module"
    else:
        path = Path(file).resolve()
        if path.suffix != ".py":
            reason = f"a compiled module ({path.name})"
        elif _is_installed(path):
            reason = f"installed at {path}"
    if reason:
        raise errors.CellModuleError(
            f"module name {name!r} is already taken by an imported module ({reason}); "
            "give the cell module another name."
        )


def _check_not_importable(name: str) -> None:
    """Refuse the name of an installed or standard-library module not imported yet: the cell
    module would stand in for it in every later ``import``."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return
    if spec is None:
        return
    origin = spec.origin
    if spec.submodule_search_locations is not None:
        where = "a package"
    elif not origin or origin in ("built-in", "frozen"):
        where = "a built-in module"
    elif not origin.endswith(".py") or _is_installed(Path(origin).resolve()):
        where = f"installed at {origin}"
    else:
        return  # a module file of the user's project: the cell module may shadow it
    raise errors.CellModuleError(
        f"module name {name!r} is taken by an importable module ({where}); "
        "give the cell module another name."
    )


def _is_installed(path: Path) -> bool:
    roots = {sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    roots.update({sys.prefix, sys.base_prefix, sys.exec_prefix})
    for root in roots:
        try:
            path.relative_to(Path(root).resolve())
        except ValueError:
            continue
        return True
    return False
