"""Modules made on the fly: from functions (``create_temporary_module``) or from source text
(``module_from_source``, in memory; ``create_module``, through a real file).

Functions are copied into the new module rather than re-labelled, so the caller's originals
keep their ``__module__``; source modules are registered with ``linecache`` so tracebacks and
``inspect.getsource`` show their lines. ``create_module`` registers its module in
``sys.modules`` (so it can be imported and pickled by name), as Hamilton's does.
"""

from __future__ import annotations

import atexit
import importlib.util
import linecache
import os
import sys
import tempfile
import types
import uuid
from collections.abc import Callable
from typing import Any

from hamilton_nb import errors
from hamilton_nb.node import copy_function


def create_temporary_module(
    *functions: Callable[..., Any], module_name: str | None = None
) -> types.ModuleType:
    """A new module holding copies of ``functions`` (not added to ``sys.modules``)."""
    name = module_name or f"temporary_module_{uuid.uuid4().hex}"
    module = types.ModuleType(name)
    for fn in functions:
        if not isinstance(fn, types.FunctionType):
            raise errors.GraphBuildError(
                f"create_temporary_module takes plain functions, got {fn!r}."
            )
        if fn.__name__.startswith("_"):
            raise errors.GraphBuildError(
                f"create_temporary_module: {fn.__name__!r} starts with '_', and private "
                "functions never become nodes. Rename it, or leave it out."
            )
        setattr(module, fn.__name__, copy_function(fn, module_name=name))
    return module


def module_from_source(source: str, module_name: str | None = None) -> types.ModuleType:
    """Execute ``source`` as a new module (not added to ``sys.modules``).

    Raises ``ModuleSourceError`` (a ``SyntaxError``, as in Hamilton) pointing at the line when
    the source does not compile.
    """
    name = module_name or f"temporary_module_{uuid.uuid4().hex}"
    filename = f"<hamilton_nb module {name}>"
    try:
        code = compile(source, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise errors.ModuleSourceError(
            f"module {name!r} has a syntax error at line {exc.lineno}: {exc.msg}",
            (filename, exc.lineno, exc.offset, exc.text),
        ) from exc
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    module = types.ModuleType(name)
    module.__file__ = filename
    exec(code, module.__dict__)  # noqa: S102
    return module


def create_module(
    source: str, module_name: str | None = None, verbosity: int = 0
) -> types.ModuleType:
    """Write ``source`` to a temporary ``.py`` file and import it as module ``module_name``
    (default: the file's name), registered in ``sys.modules``.

    The file is deleted when the interpreter exits; ``verbosity > 1`` prints its path.
    Source that does not compile raises ``SyntaxError`` (pointing at the file's line), as in
    Hamilton; an error raised while the module runs propagates and the module is not
    registered.
    """
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False, encoding="utf-8") as file:
        file.write(source)
        path = file.name
    atexit.register(_remove, path)
    if verbosity > 1:
        print(f"Temporary file created at {path}")
    name = module_name or os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass
