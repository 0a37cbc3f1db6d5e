"""Optional packages that data adapters need: checked when an adapter runs, never at import.

Responsibilities:
- ``require(label, *modules)``: raise ``MissingDependencyError`` (an ``ImportError``) with the
  ``pip install`` command when a module is not installed.
- ``install_hints(label)``: a context manager turning an ``ImportError`` for a missing module,
  raised by the library an adapter calls (pandas' optional engines), into the same one-line
  error.
"""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Iterator

from hamilton_nb import errors

# Import names whose PyPI distribution is spelt differently.
_DISTRIBUTIONS = {
    "yaml": "pyyaml",
    "odf": "odfpy",
    "python_calamine": "python-calamine",
    "bs4": "beautifulsoup4",
}


def distribution(module: str) -> str:
    """The ``pip install`` name of the package providing top-level ``module``."""
    top = module.split(".")[0]
    return _DISTRIBUTIONS.get(top, top)


def is_installed(module: str) -> bool:
    """True when top-level ``module`` can be imported (without importing it)."""
    try:
        return importlib.util.find_spec(module.split(".")[0]) is not None
    except (ImportError, ValueError):
        return False


def missing_message(label: str, modules: list[str]) -> str:
    packages = " ".join(dict.fromkeys(distribution(m) for m in modules))
    return f"{label} needs {packages.replace(' ', ' and ')}: pip install {packages}"


def require(label: str, *modules: str) -> None:
    """Raise ``MissingDependencyError`` naming ``label`` (e.g. ``"kind 'excel'
    (PandasExcelWriter)"``) and the install command when any of ``modules`` is missing."""
    missing = [m for m in modules if not is_installed(m)]
    if missing:
        raise errors.MissingDependencyError(missing_message(label, missing))


@contextlib.contextmanager
def install_hints(label: str) -> Iterator[None]:
    """Re-raise an ``ImportError`` for a module that is not installed as
    ``MissingDependencyError`` with the install command; other errors pass unchanged."""
    try:
        yield
    except errors.MissingDependencyError:
        raise
    except ImportError as exc:
        module = _missing_module(exc)
        if module is None:
            raise
        raise errors.MissingDependencyError(missing_message(label, [module])) from exc


def _missing_module(exc: BaseException) -> str | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        name = getattr(current, "name", None)
        if isinstance(current, ImportError) and name and not is_installed(name):
            return str(name)
        current = current.__cause__ or current.__context__
    return None
