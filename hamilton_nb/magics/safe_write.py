"""Writing cells to ``.py`` files without losing anything written elsewhere.

Responsibilities:
- ``atomic_write``: the new text appears all at once (temporary file in the same folder, then
  ``os.replace``); readers never see half a file, a crash leaves the old file intact.
- ``WriteGuard``: remembers, per path, the content the notebook last wrote to (or read from,
  with ``%module_to_cell``) the file; a file that exists with any other content was changed
  outside the notebook, and writing over it needs ``force``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from hamilton_nb import errors


def atomic_write(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) in one step, keeping the file's permissions."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    mode = path.stat().st_mode & 0o777 if path.exists() else None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class WriteGuard:
    """Knows which content each file had when the notebook last wrote or read it."""

    def __init__(self) -> None:
        self._known: dict[Path, str] = {}

    @staticmethod
    def _key(path: Path) -> Path:
        return Path(path).expanduser().resolve()

    def remember(self, path: Path, text: str) -> None:
        """Record ``text`` as the notebook's view of ``path`` (after a write or a read)."""
        self._known[self._key(path)] = _digest(text.encode("utf-8"))

    def check(self, path: Path, text: str, force: bool = False) -> None:
        """Raise ``UnsafeWriteError`` if writing ``text`` to ``path`` would lose changes.

        Writing is safe when the file is absent, already holds ``text``, still holds what the
        notebook last wrote or read, or when ``force`` is set. A missing folder is a
        ``CellModuleError``.
        """
        path = Path(path)
        folder = path.parent
        if not folder.is_dir():
            raise errors.CellModuleError(
                f"-w {str(path)!r}: there is no folder {str(folder)!r}; create it first or "
                "write somewhere else."
            )
        if force or not path.exists():
            return
        if path.is_dir():
            raise errors.UnsafeWriteError(f"{str(path)!r} is a folder; give a file path to -w.")
        current = _digest(path.read_bytes())
        if current == _digest(text.encode("utf-8")):
            return
        known = self._known.get(self._key(path))
        if known == current:
            return
        why = (
            "was changed outside the notebook since this notebook last wrote it"
            if known is not None
            else "already exists and was not written by this notebook"
        )
        raise errors.UnsafeWriteError(
            f"not writing {str(path)!r}: the file {why}; "
            "add --force to overwrite it, or write to another path with -w PATH."
        )

    def write(self, path: Path, text: str, force: bool = False) -> None:
        """``check``, then ``atomic_write``, then ``remember``."""
        self.check(path, text, force)
        atomic_write(Path(path), text)
        self.remember(path, text)
