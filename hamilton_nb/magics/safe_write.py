"""Writing cells to ``.py`` files without losing anything written elsewhere.

Responsibilities:
- ``WriteGuard``: remembers, per path, the content the notebook last wrote to (or read from,
  with ``%module_to_cell``) the file; a file that exists with any other content was changed
  outside the notebook, and writing over it needs ``force``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from hamilton_nb import errors
from hamilton_nb.files import write_text_atomically


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
        """``check``, then an atomic write (``files.write_text_atomically``), then ``remember``."""
        self.check(path, text, force)
        write_text_atomically(path, text)
        self.remember(path, text)
