"""``%module_to_cell``: find a module file and read its source for the next cell.

Responsibilities:
- ``read_module_source``: ``PATH`` (with or without ``.py``) -> (resolved path, source text);
  a missing, non-Python or unreadable file is a one-line ``CellModuleError``.
- ``cell_module_name``: a file stem turned into a valid module name for the cell header.
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path

from hamilton_nb import errors


def cell_module_name(path: Path) -> str:
    """``my-funcs.py`` -> ``my_funcs``: letters, digits and underscores, not a keyword."""
    name = re.sub(r"\W", "_", path.stem) or "module"
    if name[0].isdigit() or keyword.iskeyword(name):
        name = "_" + name
    return name


def read_module_source(spec: str) -> tuple[Path, str]:
    """The file ``spec`` names and its text."""
    if not spec:
        raise errors.CellModuleError("give the module file: %module_to_cell PATH.py")
    path = Path(spec.strip("'\"")).expanduser()
    if not path.exists() and path.suffix != ".py":
        path = path.with_name(path.name + ".py")
    if not path.is_file():
        raise errors.CellModuleError(
            f"no file {spec!r} (looked in {str(Path.cwd())!r}); give the path of a .py file."
        )
    if path.suffix != ".py":
        raise errors.CellModuleError(f"{str(path)!r} is not a .py file; give a Python module.")
    try:
        return path, path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise errors.CellModuleError(f"cannot read {str(path)!r}: {exc}") from None
