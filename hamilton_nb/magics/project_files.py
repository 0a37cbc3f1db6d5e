"""Which modules belong to the user's project, and content digests of their files.

Responsibilities: ``FileDigests`` (re-read a file only when its stat changed or was too
recent to trust), ``project_module_file`` (a module's source file when it lives under the
project root, outside environments and libraries), ``resolve_root``.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
import sysconfig
import time
import types
from pathlib import Path

_RACY_NS = 2_000_000_000  # a file modified this close to when it was hashed is re-read


def _blake(data: bytes | memoryview) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class FileDigests:
    """Content digests of files; a file is re-read only when its stat changed, or when it was
    modified so shortly before it was last hashed that an equal stat proves nothing."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[int, int, int, str]] = {}  # path -> mtime, size, at, digest

    def digest(self, path: str | os.PathLike[str]) -> str | None:
        """The file's content digest, or ``None`` when it cannot be read."""
        key = os.fspath(path)
        try:
            stat = os.stat(key)
        except OSError:
            return None
        cached = self._cache.get(key)
        if (
            cached is not None
            and cached[0] == stat.st_mtime_ns
            and cached[1] == stat.st_size
            and stat.st_mtime_ns + _RACY_NS < cached[2]
        ):
            return cached[3]
        recorded_at = time.time_ns()
        try:
            with open(key, "rb") as handle:
                content = handle.read()
        except OSError:
            return None
        digest = _blake(content)
        self._cache[key] = (stat.st_mtime_ns, stat.st_size, recorded_at, digest)
        return digest


FILE_DIGESTS = FileDigests()


@functools.lru_cache(maxsize=64)
def _excluded_prefixes(root: str) -> tuple[str, ...]:
    """Directories whose modules are never project modules: the interpreter, the virtual
    environment, site-packages, the standard library, and hamilton_nb itself (except a
    directory that contains the project root, such as a prefix the project lives in)."""
    candidates = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        candidates.add(sysconfig.get_path(key))
    candidates.add(str(Path(__file__).resolve().parent.parent))  # the hamilton_nb package
    candidates.update(p for p in sys.path if "site-packages" in p or "dist-packages" in p)
    prefixes = []
    for candidate in candidates:
        if not candidate:
            continue
        real = os.path.realpath(candidate)
        if not _is_under(root, real):
            prefixes.append(real)
    return tuple(sorted(prefixes))


def _is_under(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def resolve_root(root: str | os.PathLike[str] | None) -> str:
    """The project root as a real path (the current directory when ``root`` is None)."""
    return os.path.realpath(os.fspath(root) if root is not None else os.getcwd())


_file_cache: dict[tuple[str, int, str], str | None] = {}


def project_module_file(module: types.ModuleType, root: str) -> str | None:
    """The real path of ``module``'s source file when it belongs to the project under ``root``
    (a ``.py`` file under ``root``, outside any environment or library directory); else None."""
    name = getattr(module, "__name__", None)
    if not isinstance(name, str):
        return None
    key = (name, id(module), root)
    if key in _file_cache:
        return _file_cache[key]
    result = None
    file = getattr(module, "__file__", None)
    if isinstance(file, str) and file.endswith(".py") and os.path.isfile(file):
        real = os.path.realpath(file)
        if _is_under(real, root) and not any(_is_under(real, p) for p in _excluded_prefixes(root)):
            result = real
    if len(_file_cache) > 20_000:
        _file_cache.clear()
    _file_cache[key] = result
    return result
