"""Reload the user's project modules whose files changed on disk.

Responsibilities:
- Find project modules: imported modules whose ``.py`` file lies under the project root (the
  current directory by default), outside the interpreter, the virtual environment,
  site-packages and the standard library.
- Notice changed files (stat first, then content digest), reload the changed modules and the
  project modules that use them, dependencies first, and rebind names in a namespace that
  were imported from them (``from helper import f`` gets the new ``f``).
- Keep a module usable when its new version fails: syntax errors are found before anything
  is reloaded; a module whose code raises while reloading gets its previous contents back.

A module seen for the first time counts as changed when its file no longer matches what was
imported: the source stamp of the ``.pyc`` Python wrote when importing it differs, or the
file's functions (by bytecode), top-level definitions or literal constants differ from the
module's. ``remember_project_modules`` records the files as they are, e.g. right after a
cell that imported them ran, so that later edits are compared with exactly what was loaded.
"""

from __future__ import annotations

import ast
import importlib
import os
import struct
import sys
import traceback
import types
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hamilton_nb import errors
from hamilton_nb.magics.fingerprint import (
    FILE_DIGESTS,
    code_digest,
    project_module_file,
    resolve_root,
)


@dataclass
class _Seen:
    path: str
    digest: str | None


class ProjectModuleTracker:
    """What each project module's file held when last seen, to tell which ones changed."""

    def __init__(self) -> None:
        self._seen: dict[str, _Seen] = {}

    def project_modules(
        self, namespace: MutableMapping[str, Any] | None = None, root: str | Path | None = None
    ) -> dict[str, str]:
        """``{module name: source path}`` of the imported project modules under ``root``
        (``sys.modules`` plus modules held in ``namespace``)."""
        real_root = resolve_root(root)
        modules: dict[str, types.ModuleType] = {}
        for name, module in list(sys.modules.items()):
            if isinstance(module, types.ModuleType) and name != "__main__":
                modules[name] = module
        for value in (namespace or {}).values():
            if isinstance(value, types.ModuleType) and value.__name__ != "__main__":
                modules.setdefault(value.__name__, value)
        found = {}
        for name, module in modules.items():
            path = project_module_file(module, real_root)
            if path is not None:
                found[name] = path
        return found

    def changed(self, modules: dict[str, str]) -> list[str]:
        """Names in ``modules`` whose file changed since last seen (or, when first seen,
        since it was imported); records first sightings."""
        changed = []
        for name, path in modules.items():
            digest = FILE_DIGESTS.digest(path)
            seen = self._seen.get(name)
            if seen is None or seen.path != path:
                if _differs_from_import(sys.modules.get(name), path):
                    self._seen[name] = _Seen(path, None)  # changed until reloaded
                    changed.append(name)
                else:
                    self._seen[name] = _Seen(path, digest)
            elif digest is not None and (seen.digest is None or digest != seen.digest):
                changed.append(name)
        return changed

    def remember(self, modules: dict[str, str]) -> None:
        """Record the files of the modules not seen yet, as they are now (no reload)."""
        for name, path in modules.items():
            seen = self._seen.get(name)
            if seen is None or seen.path != path:
                self._seen[name] = _Seen(path, FILE_DIGESTS.digest(path))

    def mark_current(self, name: str, path: str) -> None:
        """Record ``name``'s file as it is now (after a successful reload)."""
        self._seen[name] = _Seen(path, FILE_DIGESTS.digest(path))

    def knows(self, name: str, path: str) -> bool:
        """Whether ``name``'s file at ``path`` has been recorded."""
        seen = self._seen.get(name)
        return seen is not None and seen.path == path

    def forget(self, name: str) -> None:
        """Stop tracking ``name`` (the next sighting is a first one)."""
        self._seen.pop(name, None)


_TRACKER = ProjectModuleTracker()


def _differs_from_import(module: types.ModuleType | None, path: str) -> bool:
    """Whether ``path`` seems to have changed since ``module`` was imported from it."""
    if module is None:
        return False
    return _differs_from_bytecode(module, path) or _differs_from_contents(module, path)


def _differs_from_contents(module: types.ModuleType, path: str) -> bool:
    """Whether the file's functions, top-level names or literal constants differ from the
    module's (a file that no longer compiles differs)."""
    try:
        source = Path(path).read_bytes()
        tree = ast.parse(source, path)
        code = compile(tree, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, OSError):
        return True
    compiled: dict[str, str] = {}
    stack = [code]
    while stack:
        for const in stack.pop().co_consts:
            if isinstance(const, types.CodeType):
                compiled[_qualname(const)] = code_digest(const)
                stack.append(const)
    namespace = vars(module)
    for function in _functions_of(module):
        loaded = function.__code__
        if os.path.realpath(loaded.co_filename) != path:
            continue  # made elsewhere (a decorator's wrapper, exec'd code)
        if compiled.get(_qualname(loaded)) != code_digest(loaded):
            return True
    for statement in tree.body:
        if (
            isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and statement.name not in namespace
        ):
            return True
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        ):
            try:
                value = ast.literal_eval(statement.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue
            current = namespace.get(statement.targets[0].id, _ABSENT)
            if type(current) is not type(value) or current != value:
                return True
    return False


_ABSENT = object()


def _qualname(code: types.CodeType) -> str:
    return getattr(code, "co_qualname", code.co_name)


def _functions_of(module: types.ModuleType) -> list[types.FunctionType]:
    """Functions defined by ``module``, and the methods of its classes."""
    found = []
    for value in list(vars(module).values()):
        if getattr(value, "__module__", None) != module.__name__:
            continue
        if isinstance(value, types.FunctionType):
            found.append(value)
        elif isinstance(value, type):
            for member in list(vars(value).values()):
                member = getattr(member, "__func__", member)
                if isinstance(member, types.FunctionType):
                    found.append(member)
    return found


def _differs_from_bytecode(module: types.ModuleType | None, path: str) -> bool:
    """Whether ``path`` no longer matches the source stamp of the ``.pyc`` that Python wrote
    when importing ``module`` (False when there is no such stamp to compare with)."""
    cached = getattr(module, "__cached__", None)
    if not cached:
        return False
    try:
        with open(cached, "rb") as handle:
            header = handle.read(16)
        stat = os.stat(path)
    except OSError:
        return False
    if len(header) < 16:
        return False
    flags, mtime, size = struct.unpack("<III", header[4:16])
    if flags != 0:  # hash-based pyc (PEP 552): no timestamp to compare
        return False
    return mtime != (int(stat.st_mtime) & 0xFFFFFFFF) or size != (stat.st_size & 0xFFFFFFFF)


def reload_changed_project_modules(
    namespace: MutableMapping[str, Any] | None = None,
    root: str | Path | None = None,
    *,
    tracker: ProjectModuleTracker | None = None,
) -> list[str]:
    """Reload the project modules whose files changed, and the project modules using them.

    Modules are reloaded dependencies first (``importlib.reload``, in place, so ``import
    helper`` references stay valid); names in ``namespace`` bound to objects of a reloaded
    module (``from helper import f``) are rebound to the new objects. Returns the names of
    the reloaded modules, in reload order.

    Raises ``ModuleReloadError`` naming the file and line when a changed file does not
    compile (nothing is reloaded then) or its code raises while reloading (that module keeps
    its previous contents; modules reloaded before it stay reloaded).
    """
    tracker = tracker or _TRACKER
    modules = tracker.project_modules(namespace, root)
    changed = tracker.changed(modules)
    if not changed:
        return []
    for name in changed:
        _check_syntax(name, modules[name])
    order = _reload_order(changed, modules)
    reloaded: list[str] = []
    for name in order:
        module = sys.modules.get(name)
        if module is None:
            continue
        before = dict(module.__dict__)
        _reload(module, modules[name], before)
        tracker.mark_current(name, modules[name])
        if namespace is not None:
            _rebind(namespace, module, before)
        reloaded.append(name)
    return reloaded


def remember_project_modules(
    namespace: MutableMapping[str, Any] | None = None,
    root: str | Path | None = None,
    *,
    tracker: ProjectModuleTracker | None = None,
) -> list[str]:
    """Record the files of project modules imported since the last call, as they are now,
    without reloading anything; return their names. Call it right after running code that
    imports project modules, so that later edits are compared with what was loaded."""
    tracker = tracker or _TRACKER
    modules = tracker.project_modules(namespace, root)
    fresh = [name for name in modules if not tracker.knows(name, modules[name])]
    tracker.remember({name: modules[name] for name in fresh})
    return fresh


def _check_syntax(name: str, path: str) -> None:
    try:
        source = Path(path).read_bytes()
        compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise errors.ModuleReloadError(
            f"module {name!r} was not reloaded: {path}, line {exc.lineno}: "
            f"{type(exc).__name__}: {exc.msg}. The previous version stays in use; fix the "
            "file and run the cell again."
        ) from exc
    except (OSError, ValueError) as exc:
        raise errors.ModuleReloadError(
            f"module {name!r} was not reloaded: cannot read {path} ({exc}). The previous "
            "version stays in use."
        ) from exc


def _reload(module: types.ModuleType, path: str, before: dict[str, Any]) -> None:
    cached = getattr(module, "__cached__", None)
    if cached:  # its stamp is only second-accurate: never let a stale .pyc be loaded
        try:
            os.unlink(cached)
        except OSError:
            pass
    try:
        importlib.reload(module)
    except Exception as exc:
        module.__dict__.clear()
        module.__dict__.update(before)
        sys.modules[module.__name__] = module
        line = _line_in(exc, path)
        where = f"{path}, line {line}" if line else path
        raise errors.ModuleReloadError(
            f"module {module.__name__!r} failed to reload: {where}: {type(exc).__name__}: "
            f"{exc}. The previous version stays in use; fix the file and run the cell again."
        ) from exc


def _line_in(exc: BaseException, path: str) -> int | None:
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename and os.path.realpath(frame.filename) == path:
            line = frame.lineno
    if line is None and isinstance(exc, SyntaxError):
        line = exc.lineno
    return line


def _uses(module: types.ModuleType, other: str) -> bool:
    """Whether ``module``'s namespace holds module ``other`` or an object defined in it."""
    for value in list(vars(module).values()):
        if isinstance(value, types.ModuleType):
            if value.__name__ == other:
                return True
        elif getattr(value, "__module__", None) == other and isinstance(
            value, (type, types.FunctionType)
        ):
            return True
    return False


def _reload_order(changed: Iterable[str], modules: dict[str, str]) -> list[str]:
    """``changed`` and the project modules depending on them (transitively), each after the
    modules it uses; modules in an import cycle keep name order."""
    users: dict[str, set[str]] = {name: set() for name in modules}
    for name in modules:
        module = sys.modules.get(name)
        if module is None:
            continue
        for other in modules:
            if other != name and _uses(module, other):
                users[other].add(name)
    selected: set[str] = set()
    stack = list(changed)
    while stack:
        name = stack.pop()
        if name not in selected:
            selected.add(name)
            stack.extend(users.get(name, ()))
    waiting = {name: {other for other in selected if name in users[other]} for name in selected}
    order: list[str] = []
    while waiting:
        ready = sorted(name for name, deps in waiting.items() if not deps) or [min(waiting)]
        for name in ready:
            order.append(name)
            del waiting[name]
        for deps in waiting.values():
            deps.difference_update(ready)
    return order


def _rebind(
    namespace: MutableMapping[str, Any], module: types.ModuleType, before: dict[str, Any]
) -> None:
    """Point names of ``namespace`` that held the old version of an attribute of ``module``
    at the new version: same name and same object (``from m import f``), or a function or
    class of the module imported under another name (``from m import f as g``)."""
    new = vars(module)
    renamed = {
        id(value): key
        for key, value in before.items()
        if isinstance(value, (type, types.FunctionType))
        and getattr(value, "__module__", None) == module.__name__
    }
    for key, value in list(namespace.items()):
        if isinstance(value, types.ModuleType):
            continue
        if key in before and before[key] is value and key in new:
            namespace[key] = new[key]
        elif id(value) in renamed and renamed[id(value)] in new:
            namespace[key] = new[renamed[id(value)]]
