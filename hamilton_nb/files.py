"""Writing files atomically: readers see the old content or the new, never half a file.

Used by every writer in the package (pictures, ``-w`` cell files, exported modules). A new
file gets the usual permissions under the umask; an existing file keeps its own.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path | str, data: bytes) -> None:
    """Replace ``path`` with ``data`` through a temporary file in the same directory.

    On failure the old file is untouched and the temporary file removed. Missing parent
    directories are created; a directory at ``path`` raises ``IsADirectoryError``.
    """
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(
            f"cannot write to {str(path)!r}: it is a directory; give a file name inside it"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, _file_mode(path))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text_atomically(path: Path | str, text: str) -> None:
    """``write_atomically`` for text, encoded as UTF-8 with line endings kept as given."""
    write_atomically(path, text.encode("utf-8"))


def _file_mode(path: Path) -> int:
    """The existing file's permissions, or the usual ones for a new file under the umask."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
